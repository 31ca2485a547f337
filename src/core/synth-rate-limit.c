/* synth-rate-limit.c — header parsers, continuous token buckets, the
 * run-wide pause and AIMD concurrency.
 *
 * The parsers are strict on purpose: a header we half-understand is worse
 * than one we ignore, because a wrong wait either hammers the server or
 * stalls the run. Integer arithmetic with explicit overflow checks wherever
 * a server-controlled number is multiplied. */
#include "config.h"

#include <math.h>
#include <string.h>

#include "synth-rate-limit.h"

#define US_PER_MINUTE (60.0 * G_USEC_PER_SEC)
/* Bucket comparisons tolerate float rounding of a fraction of a token. */
#define LEVEL_EPSILON 1e-6

/* ---- small lexers --------------------------------------------------------- */

/* [start, end) without surrounding ASCII blanks. */
static void
trim_range (const char *text, const char **start, const char **end)
{
  const char *s = text, *e = text + strlen (text);

  while (s < e && g_ascii_isspace (*s))
    s++;
  while (e > s && g_ascii_isspace (e[-1]))
    e--;
  *start = s;
  *end = e;
}

/* A decimal number "12", "12.5", ".5", "12." at *p: integer part (saturated
 * at G_MAXUINT64, with *saturated set), up to 9 fraction digits as
 * nanoseconds-style fixed point (frac / 10^frac_digits), and whether any
 * further fraction digit was non-zero. FALSE if there is no digit at all. */
typedef struct
{
  guint64 integer;
  gboolean saturated;
  guint64 frac;
  guint frac_digits;
  gboolean frac_rest; /* non-zero digits beyond the ninth */
} Number;

static gboolean
lex_number (const char **p, const char *end, Number *n)
{
  const char *s = *p;
  gboolean any = FALSE;

  memset (n, 0, sizeof *n);
  for (; s < end && g_ascii_isdigit (*s); s++)
    {
      guint d = *s - '0';
      any = TRUE;
      if (n->integer > (G_MAXUINT64 - d) / 10)
        n->saturated = TRUE;
      else if (!n->saturated)
        n->integer = n->integer * 10 + d;
    }
  if (s < end && *s == '.')
    {
      for (s++; s < end && g_ascii_isdigit (*s); s++)
        {
          any = TRUE;
          if (n->frac_digits < 9)
            n->frac = n->frac * 10 + (*s - '0'), n->frac_digits++;
          else if (*s != '0')
            n->frac_rest = TRUE;
        }
    }
  if (n->saturated)
    n->integer = G_MAXUINT64;
  *p = s;
  return any;
}

static guint64
pow10u (guint e)
{
  guint64 r = 1;
  while (e-- > 0)
    r *= 10;
  return r;
}

/* @n × @unit_ns nanoseconds, rounded up; FALSE on overflow past G_MAXINT64. */
static gboolean
number_to_ns (const Number *n, guint64 unit_ns, guint64 *out_ns)
{
  guint64 scale = pow10u (n->frac_digits);
  guint64 ns, frac_ns;

  if (n->saturated || n->integer > (guint64) G_MAXINT64 / unit_ns)
    return FALSE;
  ns = n->integer * unit_ns;
  /* frac < scale ≤ 10^9, so neither product overflows. */
  if (unit_ns % scale == 0)
    frac_ns = n->frac * (unit_ns / scale);
  else
    frac_ns = (n->frac * unit_ns + scale - 1) / scale;
  if (n->frac_rest)
    frac_ns++;
  if (frac_ns > (guint64) G_MAXINT64 - ns)
    return FALSE;
  *out_ns = ns + frac_ns;
  return TRUE;
}

/* ---- durations ------------------------------------------------------------ */

typedef struct
{
  const char *name;
  guint64 ns;
} Unit;

/* Longest names first where one is a prefix of another ("ms" before "m"). */
static const Unit units[] = {
  { "h", G_GUINT64_CONSTANT (3600000000000) },
  { "ms", 1000000 },
  { "m", G_GUINT64_CONSTANT (60000000000) },
  { "s", 1000000000 },
  { "us", 1000 },
  { "\xC2\xB5s", 1000 }, /* µs, MICRO SIGN, as Go prints it */
  { "\xCE\xBCs", 1000 }, /* μs, GREEK SMALL LETTER MU */
  { "ns", 1 },
};

static guint64
ns_to_ms_ceil (guint64 ns)
{
  return ns / 1000000 + (ns % 1000000 != 0);
}

gboolean
synth_rate_limit_parse_duration (const char *text, gint64 *out_ms)
{
  const char *p, *end;
  guint64 total = 0;
  guint64 last_unit = G_MAXUINT64;
  Number n;

  if (text == NULL)
    return FALSE;
  trim_range (text, &p, &end);
  if (p == end || !lex_number (&p, end, &n))
    return FALSE;

  if (p == end)
    {
      /* A bare number: seconds. */
      if (!number_to_ns (&n, 1000000000, &total))
        return FALSE;
      if (out_ms)
        *out_ms = ns_to_ms_ceil (total);
      return TRUE;
    }

  for (;;)
    {
      const Unit *unit = NULL;
      guint64 ns;

      for (guint i = 0; i < G_N_ELEMENTS (units) && unit == NULL; i++)
        {
          gsize len = strlen (units[i].name);
          if ((gsize) (end - p) >= len && memcmp (p, units[i].name, len) == 0)
            unit = &units[i], p += len;
        }
      /* Units must strictly decrease: "1m1h" or "1s1s" are not durations. */
      if (unit == NULL || unit->ns >= last_unit)
        return FALSE;
      last_unit = unit->ns;
      if (!number_to_ns (&n, unit->ns, &ns) || ns > (guint64) G_MAXINT64 - total)
        return FALSE;
      total += ns;
      if (p == end)
        break;
      if (!lex_number (&p, end, &n))
        return FALSE;
      if (p == end)
        return FALSE; /* a number without a unit after the first part */
    }

  if (out_ms)
    *out_ms = ns_to_ms_ceil (total);
  return TRUE;
}

gboolean
synth_rate_limit_parse_count (const char *text, guint64 *out_count)
{
  const char *p, *end;
  guint64 v = 0;

  if (text == NULL)
    return FALSE;
  trim_range (text, &p, &end);
  if (p == end)
    return FALSE;
  for (; p < end; p++)
    {
      guint d;
      if (!g_ascii_isdigit (*p))
        return FALSE;
      d = *p - '0';
      if (v > (G_MAXUINT64 - d) / 10)
        return FALSE;
      v = v * 10 + d;
    }
  if (out_count)
    *out_count = v;
  return TRUE;
}

/* A whole, non-negative decimal number of @unit_ns units, as ms rounded up and
 * clamped to SYNTH_RETRY_AFTER_MAX_MS. Huge values clamp rather than fail:
 * they are well-formed, just unreasonable. */
static gboolean
parse_wait (const char *text, guint64 unit_ns, gint64 *out_ms)
{
  const char *p, *end;
  guint64 ns;
  gint64 ms;
  Number n;

  if (text == NULL)
    return FALSE;
  trim_range (text, &p, &end);
  if (!lex_number (&p, end, &n) || p != end)
    return FALSE;
  if (number_to_ns (&n, unit_ns, &ns))
    ms = MIN (ns_to_ms_ceil (ns), (guint64) SYNTH_RETRY_AFTER_MAX_MS);
  else
    ms = SYNTH_RETRY_AFTER_MAX_MS;
  if (out_ms)
    *out_ms = ms;
  return TRUE;
}

gboolean
synth_rate_limit_parse_retry_after_ms (const char *text, gint64 *out_ms)
{
  return parse_wait (text, 1000000, out_ms);
}

gboolean
synth_rate_limit_parse_retry_after (const char *text, gint64 now_real_us, gint64 *out_ms)
{
  g_autoptr (GDateTime) date = NULL;
  gint64 date_us, delay_ms;

  if (text == NULL)
    return FALSE;
  if (parse_wait (text, 1000000000, out_ms))
    return TRUE;

  date = soup_date_time_new_from_http_string (text);
  if (date == NULL)
    return FALSE;
  date_us = g_date_time_to_unix (date) * G_USEC_PER_SEC + g_date_time_get_microsecond (date);
  if (date_us <= now_real_us)
    delay_ms = 0;
  else
    delay_ms = MIN ((date_us - now_real_us + 999) / 1000, (gint64) SYNTH_RETRY_AFTER_MAX_MS);
  if (out_ms)
    *out_ms = delay_ms;
  return TRUE;
}

gboolean
synth_rate_limit_get_retry_delay (SoupMessageHeaders *headers, gint64 now_real_us, gint64 *out_ms)
{
  g_return_val_if_fail (headers != NULL, FALSE);

  if (synth_rate_limit_parse_retry_after_ms (
          soup_message_headers_get_one (headers, "retry-after-ms"), out_ms))
    return TRUE;
  return synth_rate_limit_parse_retry_after (soup_message_headers_get_one (headers, "retry-after"),
                                             now_real_us, out_ms);
}

SynthShouldRetry
synth_rate_limit_parse_should_retry (const char *text)
{
  const char *p, *end;

  if (text == NULL)
    return SYNTH_SHOULD_RETRY_UNSET;
  trim_range (text, &p, &end);
  if (end - p == 4 && g_ascii_strncasecmp (p, "true", 4) == 0)
    return SYNTH_SHOULD_RETRY_YES;
  if (end - p == 5 && g_ascii_strncasecmp (p, "false", 5) == 0)
    return SYNTH_SHOULD_RETRY_NO;
  return SYNTH_SHOULD_RETRY_UNSET;
}

gint64
synth_retry_backoff_ms (guint attempt, double jitter01)
{
  double seconds = attempt >= 4 ? 8.0 : MIN (0.5 * (double) (1u << attempt), 8.0);

  if (!(jitter01 >= 0.0)) /* also catches NaN */
    jitter01 = 0.0;
  jitter01 = MIN (jitter01, 1.0);
  return (gint64) ceil (seconds * (1.0 - 0.25 * jitter01) * 1000.0);
}

/* ---- token bucket --------------------------------------------------------- */

struct _SynthTokenBucket
{
  double capacity; /* ≤ 0: unlimited */
  double rate;     /* units per µs */
  double level;
  gint64 updated_us;
};

SynthTokenBucket *
synth_token_bucket_new (double per_minute, gint64 now_us)
{
  SynthTokenBucket *b = g_new0 (SynthTokenBucket, 1);

  b->capacity = per_minute > 0 && isfinite (per_minute) ? per_minute : 0;
  b->rate = b->capacity / US_PER_MINUTE;
  b->level = b->capacity;
  b->updated_us = now_us;
  return b;
}

void
synth_token_bucket_free (SynthTokenBucket *bucket)
{
  g_free (bucket);
}

static void
refill (SynthTokenBucket *b, gint64 now_us)
{
  /* Time never runs backwards for a bucket: an older timestamp refills nothing. */
  if (now_us > b->updated_us)
    {
      b->level = MIN (b->capacity, b->level + (double) (now_us - b->updated_us) * b->rate);
      b->updated_us = now_us;
    }
}

/* µs until @n can be taken (0: now). Takes nothing. */
static gint64
bucket_wait (SynthTokenBucket *b, double n, gint64 now_us)
{
  double need, wait;

  if (b->capacity <= 0 || !(n > 0))
    return 0;
  refill (b, now_us);
  /* More than the capacity can never be "available": take it from a full
   * bucket and let the debt pay it off. */
  need = MIN (n, b->capacity);
  if (b->level + LEVEL_EPSILON >= need)
    return 0;
  wait = ceil ((need - b->level) / b->rate);
  return wait >= (double) G_MAXINT64 ? G_MAXINT64 : MAX ((gint64) wait, 1);
}

static void
bucket_take (SynthTokenBucket *b, double n)
{
  if (b->capacity > 0 && n > 0)
    b->level -= n;
}

gint64
synth_token_bucket_try_take (SynthTokenBucket *bucket, double n, gint64 now_us)
{
  gint64 wait;

  g_return_val_if_fail (bucket != NULL, 0);
  wait = bucket_wait (bucket, n, now_us);
  if (wait == 0)
    bucket_take (bucket, n);
  return wait;
}

void
synth_token_bucket_settle (SynthTokenBucket *bucket, double estimated, double actual, gint64 now_us)
{
  g_return_if_fail (bucket != NULL);
  if (bucket->capacity <= 0 || !isfinite (estimated) || !isfinite (actual))
    return;
  refill (bucket, now_us);
  bucket->level = MIN (bucket->capacity, bucket->level + estimated - actual);
}

double
synth_token_bucket_get_level (SynthTokenBucket *bucket, gint64 now_us)
{
  g_return_val_if_fail (bucket != NULL, 0);
  refill (bucket, now_us);
  return bucket->level;
}

double
synth_token_bucket_get_capacity (SynthTokenBucket *bucket)
{
  g_return_val_if_fail (bucket != NULL, 0);
  return bucket->capacity;
}

void
synth_token_bucket_set_capacity (SynthTokenBucket *bucket, double per_minute, gint64 now_us)
{
  g_return_if_fail (bucket != NULL);
  refill (bucket, now_us);
  if (!(per_minute > 0) || !isfinite (per_minute))
    per_minute = 0;
  if (bucket->capacity <= 0 && per_minute > 0)
    bucket->level = per_minute; /* was unlimited: start full */
  bucket->capacity = per_minute;
  bucket->rate = per_minute / US_PER_MINUTE;
  bucket->level = MIN (bucket->level, per_minute);
}

void
synth_token_bucket_correct (
    SynthTokenBucket *bucket, gint64 limit, gint64 remaining, gint64 reset_ms, gint64 now_us)
{
  g_return_if_fail (bucket != NULL);

  if (limit > 0 && (double) limit != bucket->capacity)
    synth_token_bucket_set_capacity (bucket, (double) limit, now_us);
  refill (bucket, now_us);
  if (bucket->capacity <= 0)
    return;
  if (remaining >= 0)
    bucket->level = MIN (bucket->level, (double) remaining);
  if (reset_ms >= 0)
    {
      /* Full again in reset_ms: the level now is at least what refills to
       * full in that time. Only trusted where it agrees with remaining. */
      double floor_level = bucket->capacity - (double) reset_ms * 1000.0 * bucket->rate;
      if (floor_level > bucket->level && (remaining < 0 || floor_level <= (double) remaining))
        bucket->level = floor_level;
    }
}

/* ---- AIMD ----------------------------------------------------------------- */

struct _SynthAimd
{
  guint limit;
  guint max;
  guint per_increase;
  guint successes;
  gint64 last_decrease_us;
};

SynthAimd *
synth_aimd_new (guint initial, guint max, guint successes_per_increase)
{
  SynthAimd *aimd = g_new0 (SynthAimd, 1);

  aimd->max = MAX (max, 1);
  aimd->limit = CLAMP (initial, 1, aimd->max);
  aimd->per_increase = MAX (successes_per_increase, 1);
  aimd->last_decrease_us = G_MININT64;
  return aimd;
}

void
synth_aimd_free (SynthAimd *aimd)
{
  g_free (aimd);
}

guint
synth_aimd_get_limit (SynthAimd *aimd)
{
  g_return_val_if_fail (aimd != NULL, 1);
  return aimd->limit;
}

guint
synth_aimd_get_max (SynthAimd *aimd)
{
  g_return_val_if_fail (aimd != NULL, 1);
  return aimd->max;
}

void
synth_aimd_on_success (SynthAimd *aimd)
{
  g_return_if_fail (aimd != NULL);
  if (aimd->limit >= aimd->max)
    return;
  if (++aimd->successes >= aimd->per_increase)
    {
      aimd->limit++;
      aimd->successes = 0;
    }
}

gboolean
synth_aimd_on_rate_limited (SynthAimd *aimd, gint64 sent_at_us, gint64 now_us)
{
  guint lowered;

  g_return_val_if_fail (aimd != NULL, FALSE);
  /* Sent before (or as) we last cut: that cut already answered this window. */
  if (sent_at_us <= aimd->last_decrease_us)
    return FALSE;
  aimd->last_decrease_us = MAX (now_us, sent_at_us);
  aimd->successes = 0;
  lowered = MAX (aimd->limit / 2, 1);
  if (lowered == aimd->limit)
    return FALSE;
  aimd->limit = lowered;
  return TRUE;
}

/* ---- the run's limiter ---------------------------------------------------- */

struct _SynthRateLimiter
{
  SynthTokenBucket *requests;
  SynthTokenBucket *tokens;
  SynthAimd *aimd;
  gint64 pause_until_us;
};

SynthRateLimiter *
synth_rate_limiter_new (double requests_per_minute,
                        double tokens_per_minute,
                        guint concurrency,
                        gint64 now_us)
{
  SynthRateLimiter *l = g_new0 (SynthRateLimiter, 1);

  l->requests = synth_token_bucket_new (requests_per_minute, now_us);
  l->tokens = synth_token_bucket_new (tokens_per_minute, now_us);
  l->aimd = synth_aimd_new (concurrency, concurrency, 4);
  l->pause_until_us = G_MININT64;
  return l;
}

void
synth_rate_limiter_free (SynthRateLimiter *limiter)
{
  if (limiter == NULL)
    return;
  synth_token_bucket_free (limiter->requests);
  synth_token_bucket_free (limiter->tokens);
  synth_aimd_free (limiter->aimd);
  g_free (limiter);
}

gint64
synth_rate_limiter_try_acquire (SynthRateLimiter *limiter, double tokens, gint64 now_us)
{
  gint64 wait;

  g_return_val_if_fail (limiter != NULL, 0);
  if (now_us < limiter->pause_until_us)
    return limiter->pause_until_us - now_us;
  /* Charge both or neither, so a request waiting on tokens does not also
   * burn a request slot. */
  wait = MAX (bucket_wait (limiter->requests, 1, now_us),
              bucket_wait (limiter->tokens, tokens, now_us));
  if (wait == 0)
    {
      bucket_take (limiter->requests, 1);
      bucket_take (limiter->tokens, tokens);
    }
  return wait;
}

void
synth_rate_limiter_settle (SynthRateLimiter *limiter,
                           double estimated_tokens,
                           double actual_tokens,
                           gint64 now_us)
{
  g_return_if_fail (limiter != NULL);
  synth_token_bucket_settle (limiter->tokens, estimated_tokens, actual_tokens, now_us);
}

static gint64
header_count (SoupMessageHeaders *headers, const char *name)
{
  guint64 v;

  if (!synth_rate_limit_parse_count (soup_message_headers_get_one (headers, name), &v) ||
      v > (guint64) G_MAXINT64)
    return -1;
  return (gint64) v;
}

static gint64
header_duration (SoupMessageHeaders *headers, const char *name)
{
  gint64 ms;

  if (!synth_rate_limit_parse_duration (soup_message_headers_get_one (headers, name), &ms))
    return -1;
  return ms;
}

void
synth_rate_limiter_update_from_headers (SynthRateLimiter *limiter,
                                        SoupMessageHeaders *headers,
                                        gint64 now_us)
{
  g_return_if_fail (limiter != NULL);
  g_return_if_fail (headers != NULL);

  synth_token_bucket_correct (limiter->requests,
                              header_count (headers, "x-ratelimit-limit-requests"),
                              header_count (headers, "x-ratelimit-remaining-requests"),
                              header_duration (headers, "x-ratelimit-reset-requests"), now_us);
  synth_token_bucket_correct (limiter->tokens, header_count (headers, "x-ratelimit-limit-tokens"),
                              header_count (headers, "x-ratelimit-remaining-tokens"),
                              header_duration (headers, "x-ratelimit-reset-tokens"), now_us);
}

void
synth_rate_limiter_pause_until (SynthRateLimiter *limiter, gint64 until_us)
{
  g_return_if_fail (limiter != NULL);
  limiter->pause_until_us = MAX (limiter->pause_until_us, until_us);
}

gint64
synth_rate_limiter_get_pause_until (SynthRateLimiter *limiter)
{
  g_return_val_if_fail (limiter != NULL, 0);
  return limiter->pause_until_us;
}

void
synth_rate_limiter_on_rate_limited (SynthRateLimiter *limiter,
                                    gint64 sent_at_us,
                                    gint64 retry_after_ms,
                                    gint64 now_us)
{
  g_return_if_fail (limiter != NULL);
  retry_after_ms = CLAMP (retry_after_ms, 0, SYNTH_RETRY_AFTER_MAX_MS);
  synth_rate_limiter_pause_until (limiter, now_us + retry_after_ms * 1000);
  synth_aimd_on_rate_limited (limiter->aimd, sent_at_us, now_us);
}

void
synth_rate_limiter_on_success (SynthRateLimiter *limiter)
{
  g_return_if_fail (limiter != NULL);
  synth_aimd_on_success (limiter->aimd);
}

guint
synth_rate_limiter_get_concurrency (SynthRateLimiter *limiter)
{
  g_return_val_if_fail (limiter != NULL, 1);
  return synth_aimd_get_limit (limiter->aimd);
}

SynthTokenBucket *
synth_rate_limiter_get_request_bucket (SynthRateLimiter *limiter)
{
  return limiter->requests;
}

SynthTokenBucket *
synth_rate_limiter_get_token_bucket (SynthRateLimiter *limiter)
{
  return limiter->tokens;
}

SynthAimd *
synth_rate_limiter_get_aimd (SynthRateLimiter *limiter)
{
  return limiter->aimd;
}
