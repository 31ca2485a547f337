/* fuzz-headers.c — the rate-limit header parsers over any header a server
 * (or a proxy in front of it) sends.
 *
 * Input: one mode byte, then
 *   mode & 1 == 0: one header value, given to every value parser;
 *   mode & 1 == 1: a block of response header lines, parsed by libsoup as it
 *                  parses a real response, then read by the limiter and the
 *                  retry-delay lookup.
 * Waits are never negative and never above the clamp, a count matches a
 * plain decimal reading, the parsers agree with each other where their
 * grammars overlap, and the limiter stays usable whatever it was told. */
#include <libsoup/soup.h>
#include <math.h>
#include <string.h>

#include "fuzz-common.h"
#include "synth-rate-limit.h"

/* A fixed "now": 2023-11-14 22:13:20 UTC. */
#define NOW_REAL_US G_GINT64_CONSTANT (1700000000000000)
#define NOW_MONO_US G_GINT64_CONSTANT (5000000000)

/* What parse_count must accept: blanks, digits, blanks, no overflow. */
static gboolean
reference_count (const char *text, guint64 *out)
{
  g_autofree char *t = g_strstrip (g_strdup (text));

  if (*t == '\0' || strspn (t, "0123456789") != strlen (t))
    return FALSE;
  return g_ascii_string_to_unsigned (t, 10, 0, G_MAXUINT64, out, NULL);
}

static gboolean
is_wait (gint64 ms)
{
  return ms >= 0 && ms <= SYNTH_RETRY_AFTER_MAX_MS;
}

static void
fuzz_value (const char *text)
{
  g_autofree char *padded = g_strdup_printf (" \t%s ", text);
  g_autofree char *with_ms = g_strdup_printf ("%sms", text);
  gint64 duration = -1, duration_padded = -1, after = -1, after_ms = -1, unit_ms = -1;
  gboolean ok_duration, ok_after, ok_after_ms;
  guint64 count = 0, expected = 0;
  SynthShouldRetry should;

  ok_duration = synth_rate_limit_parse_duration (text, &duration);
  FUZZ_CHECK (!ok_duration || duration >= 0);
  /* Blanks around a value never change it. */
  FUZZ_CHECK (synth_rate_limit_parse_duration (padded, &duration_padded) == ok_duration);
  FUZZ_CHECK (!ok_duration || duration_padded == duration);

  FUZZ_CHECK (synth_rate_limit_parse_count (text, &count) == reference_count (text, &expected));
  FUZZ_CHECK (count == expected);

  ok_after_ms = synth_rate_limit_parse_retry_after_ms (text, &after_ms);
  FUZZ_CHECK (!ok_after_ms || is_wait (after_ms));
  ok_after = synth_rate_limit_parse_retry_after (text, NOW_REAL_US, &after);
  FUZZ_CHECK (!ok_after || is_wait (after));

  /* Where the grammars overlap, they agree: a bare number is seconds for
   * both retry-after and a reset duration, and N milliseconds is "Nms". */
  if (ok_duration && ok_after && strpbrk (text, "hmsuµμn") == NULL)
    FUZZ_CHECK (after == MIN (duration, SYNTH_RETRY_AFTER_MAX_MS));
  if (ok_after_ms && synth_rate_limit_parse_duration (with_ms, &unit_ms))
    FUZZ_CHECK (after_ms == MIN (unit_ms, SYNTH_RETRY_AFTER_MAX_MS));

  should = synth_rate_limit_parse_should_retry (text);
  FUZZ_CHECK (should == SYNTH_SHOULD_RETRY_UNSET || should == SYNTH_SHOULD_RETRY_YES ||
              should == SYNTH_SHOULD_RETRY_NO);
}

static void
check_bucket (SynthTokenBucket *bucket, gint64 now_us)
{
  double capacity = synth_token_bucket_get_capacity (bucket);
  double level = synth_token_bucket_get_level (bucket, now_us);

  FUZZ_CHECK (isfinite (capacity) && capacity >= 0);
  FUZZ_CHECK (isfinite (level));
  FUZZ_CHECK (capacity == 0 || level <= capacity + 1e-6);
}

static void
fuzz_header_block (const guint8 *data, gsize size)
{
  g_autoptr (SoupMessageHeaders) headers = soup_message_headers_new (SOUP_MESSAGE_HEADERS_RESPONSE);
  g_autoptr (SynthRateLimiter) limiter = synth_rate_limiter_new (500, 200000, 8, NOW_MONO_US);
  GString *block = g_string_new ("HTTP/1.1 429 Too Many Requests\r\n");
  gint64 delay = -1, wait, now = NOW_MONO_US;
  guint concurrency;

  g_string_append_len (block, (const char *) data, size);
  g_string_append (block, "\r\n\r\n");
  if (soup_headers_parse_response (block->str, block->len, headers, NULL, NULL, NULL))
    {
      if (synth_rate_limit_get_retry_delay (headers, NOW_REAL_US, &delay))
        FUZZ_CHECK (is_wait (delay));

      synth_rate_limiter_update_from_headers (limiter, headers, NOW_MONO_US);
      check_bucket (synth_rate_limiter_get_request_bucket (limiter), NOW_MONO_US);
      check_bucket (synth_rate_limiter_get_token_bucket (limiter), NOW_MONO_US);
      synth_rate_limiter_on_rate_limited (limiter, NOW_MONO_US - 1000, MAX (delay, 0), NOW_MONO_US);
      concurrency = synth_rate_limiter_get_concurrency (limiter);
      FUZZ_CHECK (concurrency >= 1 && concurrency <= 8);
      /* Whatever the headers said, the run cannot stall: waiting as told
       * (the pause first, then the buckets' refill) lets a small request go
       * within a few steps, and never later than the clamped pause plus a
       * minute's refill. */
      for (guint step = 0;; step++)
        {
          wait = synth_rate_limiter_try_acquire (limiter, 1, now);
          FUZZ_CHECK (wait >= 0);
          if (wait == 0)
            break;
          FUZZ_CHECK (step < 4);
          now += wait;
        }
      FUZZ_CHECK (now - NOW_MONO_US <= (SYNTH_RETRY_AFTER_MAX_MS + 61000) * (gint64) 1000);
    }
  g_string_free (block, TRUE);
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  guint8 mode;

  if (size == 0)
    return 0;
  mode = data[0];
  data++;
  size--;

  if (mode & 1)
    fuzz_header_block (data, size);
  else
    {
      g_autofree char *text = g_strndup ((const char *) data, size);
      fuzz_value (text);
    }
  return 0;
}
