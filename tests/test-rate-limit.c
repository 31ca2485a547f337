/* test-rate-limit.c — header parsers (strict, overflow-proof), token
 * buckets, the run-wide pause and AIMD concurrency, all on a simulated clock. */
#include "config.h"

#include <math.h>
#include <string.h>

#include "synth-rate-limit.h"

#define SEC G_GINT64_CONSTANT (1000000)

typedef struct
{
  const char *text;
  gint64 ms;
} Good;

static void
test_durations_good (void)
{
  static const Good cases[] = {
    { "1s", 1000 },
    { "6m0s", 360000 },
    { "20ms", 20 },
    { "1m30.5s", 90500 },
    { "2h3m4s", 7384000 },
    { "2h4s", 7204000 },
    { "0s", 0 },
    { "0", 0 },
    { "12", 12000 },
    { "0.5", 500 },
    { " 7s\t", 7000 },
    { ".5s", 500 },
    { "1.s", 1000 },
    { "1.5ms", 2 }, /* rounded up: waiting a little longer never causes a 429 */
    { "150us", 1 },
    { "150\xC2\xB5s", 1 },
    { "150\xCE\xBCs", 1 },
    { "3ns", 1 },
    { "1000000ns", 1 },
    { "1000001ns", 2 },
    { "0.0001s", 1 },
    { "1m0.000000001s", 60001 },
    { "1.0000000001s", 1001 },
    { "1.0000000000s", 1000 },
    { "1h1m1s1ms1us1ns", 3661002 },
    { "2562047h", G_GINT64_CONSTANT (9223369200000) },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      gint64 ms = -42;
      if (!synth_rate_limit_parse_duration (cases[i].text, &ms))
        g_error ("\"%s\" was refused", cases[i].text);
      if (ms != cases[i].ms)
        g_error ("\"%s\": expected %" G_GINT64_FORMAT " ms, got %" G_GINT64_FORMAT, cases[i].text,
                 cases[i].ms, ms);
    }
}

static void
test_durations_bad (void)
{
  static const char *const cases[] = {
    "",
    " ",
    "1x",
    "m",
    "s",
    "ms",
    "-1s",
    "+1s",
    "1s1m",
    "1s1s",
    "1ms1s",
    "1m1",
    "1 s",
    "1s 2ms",
    "1..5s",
    ".s",
    "99999999999999999999s",
    "99999999999999999999",
    "2562048h",
    "1e3s",
    "NaN",
    "inf",
    "1h-1m",
    "0x10s",
    "1S",
    "1H",
    "1sec",
    "\xD9\xA1s",
    "1\xC2s",
    "1s\n2s",
    "5d",
  };
  gint64 ms = 77;

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    if (synth_rate_limit_parse_duration (cases[i], &ms))
      g_error ("\"%s\" was accepted as %" G_GINT64_FORMAT " ms", cases[i], ms);
  g_assert_false (synth_rate_limit_parse_duration (NULL, &ms));
  /* A refused value leaves the output alone. */
  g_assert_cmpint (ms, ==, 77);
}

static void
test_counts (void)
{
  guint64 v = 0;
  static const char *const bad[] = { "",
                                     " ",
                                     "-1",
                                     "+1",
                                     "1.0",
                                     "1 2",
                                     "0x1",
                                     "4e3",
                                     "18446744073709551616",
                                     "99999999999999999999999",
                                     "１" };

  g_assert_true (synth_rate_limit_parse_count ("0", &v));
  g_assert_cmpuint (v, ==, 0);
  g_assert_true (synth_rate_limit_parse_count (" 4999 ", &v));
  g_assert_cmpuint (v, ==, 4999);
  g_assert_true (synth_rate_limit_parse_count ("18446744073709551615", &v));
  g_assert_cmpuint (v, ==, G_MAXUINT64);
  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    if (synth_rate_limit_parse_count (bad[i], &v))
      g_error ("\"%s\" was accepted", bad[i]);
  g_assert_false (synth_rate_limit_parse_count (NULL, &v));
}

static void
test_retry_after_ms (void)
{
  gint64 ms;
  static const char *const bad[] = { "", "-1", "abc", "1e3", "nan", "inf", "1,5", "1 2", "0x10" };

  g_assert_true (synth_rate_limit_parse_retry_after_ms ("1500", &ms));
  g_assert_cmpint (ms, ==, 1500);
  g_assert_true (synth_rate_limit_parse_retry_after_ms (" 20.5 ", &ms));
  g_assert_cmpint (ms, ==, 21);
  g_assert_true (synth_rate_limit_parse_retry_after_ms ("0", &ms));
  g_assert_cmpint (ms, ==, 0);
  g_assert_true (synth_rate_limit_parse_retry_after_ms ("600000", &ms));
  g_assert_cmpint (ms, ==, SYNTH_RETRY_AFTER_MAX_MS);
  /* Absurd but well-formed: clamped, not refused, and no overflow. */
  g_assert_true (synth_rate_limit_parse_retry_after_ms ("600001", &ms));
  g_assert_cmpint (ms, ==, SYNTH_RETRY_AFTER_MAX_MS);
  g_assert_true (synth_rate_limit_parse_retry_after_ms ("99999999999999999999999999", &ms));
  g_assert_cmpint (ms, ==, SYNTH_RETRY_AFTER_MAX_MS);
  g_assert_true (synth_rate_limit_parse_retry_after_ms ("9223372036854775807", &ms));
  g_assert_cmpint (ms, ==, SYNTH_RETRY_AFTER_MAX_MS);
  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    if (synth_rate_limit_parse_retry_after_ms (bad[i], &ms))
      g_error ("\"%s\" was accepted", bad[i]);
  g_assert_false (synth_rate_limit_parse_retry_after_ms (NULL, &ms));
}

static char *
http_date (gint64 unix_seconds)
{
  g_autoptr (GDateTime) dt = g_date_time_new_from_unix_utc (unix_seconds);
  return soup_date_time_to_string (dt, SOUP_DATE_HTTP);
}

static void
test_retry_after (void)
{
  const gint64 now_s = 1700000000; /* a whole second, as HTTP dates are */
  const gint64 now_us = now_s * SEC;
  g_autofree char *in_30s = http_date (now_s + 30);
  g_autofree char *past = http_date (now_s - 3600);
  g_autofree char *next_year = http_date (now_s + 365 * 86400);
  static const char *const bad[] = { "",    "soon",      "-5",  "Wed, 99 Foo 2015 07:28:00 GMT",
                                     "1e3", "5 seconds", "0x10" };
  gint64 ms;

  g_assert_true (synth_rate_limit_parse_retry_after ("5", now_us, &ms));
  g_assert_cmpint (ms, ==, 5000);
  g_assert_true (synth_rate_limit_parse_retry_after ("0.25", now_us, &ms));
  g_assert_cmpint (ms, ==, 250);
  g_assert_true (synth_rate_limit_parse_retry_after ("86400", now_us, &ms));
  g_assert_cmpint (ms, ==, SYNTH_RETRY_AFTER_MAX_MS);
  g_assert_true (synth_rate_limit_parse_retry_after ("99999999999999999999", now_us, &ms));
  g_assert_cmpint (ms, ==, SYNTH_RETRY_AFTER_MAX_MS);

  g_assert_true (synth_rate_limit_parse_retry_after (in_30s, now_us, &ms));
  g_assert_cmpint (ms, ==, 30000);
  g_assert_true (synth_rate_limit_parse_retry_after (in_30s, now_us + 500 * 1000, &ms));
  g_assert_cmpint (ms, ==, 29500);
  g_assert_true (synth_rate_limit_parse_retry_after (past, now_us, &ms));
  g_assert_cmpint (ms, ==, 0);
  g_assert_true (synth_rate_limit_parse_retry_after (next_year, now_us, &ms));
  g_assert_cmpint (ms, ==, SYNTH_RETRY_AFTER_MAX_MS);

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    if (synth_rate_limit_parse_retry_after (bad[i], now_us, &ms))
      g_error ("\"%s\" was accepted as %" G_GINT64_FORMAT " ms", bad[i], ms);
  g_assert_false (synth_rate_limit_parse_retry_after (NULL, now_us, &ms));
}

static void
test_retry_delay_from_headers (void)
{
  g_autoptr (SoupMessageHeaders) h = soup_message_headers_new (SOUP_MESSAGE_HEADERS_RESPONSE);
  gint64 ms;

  g_assert_false (synth_rate_limit_get_retry_delay (h, 0, &ms));
  soup_message_headers_replace (h, "Retry-After", "2");
  g_assert_true (synth_rate_limit_get_retry_delay (h, 0, &ms));
  g_assert_cmpint (ms, ==, 2000);
  /* retry-after-ms wins when valid… */
  soup_message_headers_replace (h, "retry-after-ms", "350");
  g_assert_true (synth_rate_limit_get_retry_delay (h, 0, &ms));
  g_assert_cmpint (ms, ==, 350);
  /* …and is skipped when not. */
  soup_message_headers_replace (h, "retry-after-ms", "-350");
  g_assert_true (synth_rate_limit_get_retry_delay (h, 0, &ms));
  g_assert_cmpint (ms, ==, 2000);
  soup_message_headers_replace (h, "Retry-After", "later");
  g_assert_false (synth_rate_limit_get_retry_delay (h, 0, &ms));
}

static void
test_should_retry (void)
{
  g_assert_cmpint (synth_rate_limit_parse_should_retry (NULL), ==, SYNTH_SHOULD_RETRY_UNSET);
  g_assert_cmpint (synth_rate_limit_parse_should_retry ("true"), ==, SYNTH_SHOULD_RETRY_YES);
  g_assert_cmpint (synth_rate_limit_parse_should_retry (" TRUE "), ==, SYNTH_SHOULD_RETRY_YES);
  g_assert_cmpint (synth_rate_limit_parse_should_retry ("false"), ==, SYNTH_SHOULD_RETRY_NO);
  g_assert_cmpint (synth_rate_limit_parse_should_retry ("False"), ==, SYNTH_SHOULD_RETRY_NO);
  g_assert_cmpint (synth_rate_limit_parse_should_retry ("1"), ==, SYNTH_SHOULD_RETRY_UNSET);
  g_assert_cmpint (synth_rate_limit_parse_should_retry ("truex"), ==, SYNTH_SHOULD_RETRY_UNSET);
  g_assert_cmpint (synth_rate_limit_parse_should_retry (""), ==, SYNTH_SHOULD_RETRY_UNSET);
}

static void
test_backoff (void)
{
  g_assert_cmpint (synth_retry_backoff_ms (0, 0), ==, 500);
  g_assert_cmpint (synth_retry_backoff_ms (1, 0), ==, 1000);
  g_assert_cmpint (synth_retry_backoff_ms (2, 0), ==, 2000);
  g_assert_cmpint (synth_retry_backoff_ms (3, 0), ==, 4000);
  g_assert_cmpint (synth_retry_backoff_ms (4, 0), ==, 8000);
  g_assert_cmpint (synth_retry_backoff_ms (5, 0), ==, 8000);
  g_assert_cmpint (synth_retry_backoff_ms (G_MAXUINT, 0), ==, 8000);
  /* Jitter takes off up to a quarter. */
  g_assert_cmpint (synth_retry_backoff_ms (1, 0.5), ==, 875);
  g_assert_cmpint (synth_retry_backoff_ms (4, 0.9999), >=, 6000);
  g_assert_cmpint (synth_retry_backoff_ms (4, 0.9999), <, 8000);
  g_assert_cmpint (synth_retry_backoff_ms (0, NAN), ==, 500);
  g_assert_cmpint (synth_retry_backoff_ms (0, -3), ==, 500);
  g_assert_cmpint (synth_retry_backoff_ms (0, 7), ==, 375);
}

/* ---- buckets ------------------------------------------------------------ */

static void
test_bucket_basics (void)
{
  g_autoptr (SynthTokenBucket) b = synth_token_bucket_new (600, 0); /* 10 per second */
  gint64 wait;

  g_assert_cmpfloat (synth_token_bucket_get_capacity (b), ==, 600);
  g_assert_cmpfloat (synth_token_bucket_get_level (b, 0), ==, 600);
  g_assert_cmpint (synth_token_bucket_try_take (b, 600, 0), ==, 0);
  /* Empty: one more token is 0.1 s away, and nothing was taken. */
  wait = synth_token_bucket_try_take (b, 1, 0);
  g_assert_cmpint (wait, ==, SEC / 10);
  g_assert_cmpfloat_with_epsilon (synth_token_bucket_get_level (b, 0), 0, 1e-9);
  g_assert_cmpint (synth_token_bucket_try_take (b, 1, wait - 1), >, 0);
  g_assert_cmpint (synth_token_bucket_try_take (b, 1, wait), ==, 0);
  /* Continuous refill, capped at the capacity. */
  g_assert_cmpfloat_with_epsilon (synth_token_bucket_get_level (b, wait + 30 * SEC), 300, 1e-6);
  g_assert_cmpfloat_with_epsilon (synth_token_bucket_get_level (b, wait + 3600 * SEC), 600, 1e-6);
  /* Taking zero or a negative amount costs nothing. */
  g_assert_cmpint (synth_token_bucket_try_take (b, 0, wait + 3600 * SEC), ==, 0);
  g_assert_cmpint (synth_token_bucket_try_take (b, -5, wait + 3600 * SEC), ==, 0);
  g_assert_cmpfloat_with_epsilon (synth_token_bucket_get_level (b, wait + 3600 * SEC), 600, 1e-6);
}

static void
test_bucket_large_and_settle (void)
{
  g_autoptr (SynthTokenBucket) b = synth_token_bucket_new (600, 0);
  g_autoptr (SynthTokenBucket) unlimited = synth_token_bucket_new (0, 0);
  gint64 t = 0;

  /* Larger than the capacity: allowed from a full bucket, leaving debt. */
  g_assert_cmpint (synth_token_bucket_try_take (b, 1000, t), ==, 0);
  g_assert_cmpfloat_with_epsilon (synth_token_bucket_get_level (b, t), -400, 1e-9);
  g_assert_cmpint (synth_token_bucket_try_take (b, 1, t), ==, 40100000);
  /* A second large one waits for a full bucket, not forever. */
  g_assert_cmpint (synth_token_bucket_try_take (b, 5000, t), ==, 100 * SEC);

  /* Settle: the request cost less than estimated, the rest comes back. */
  synth_token_bucket_settle (b, 1000, 400, t);
  g_assert_cmpfloat_with_epsilon (synth_token_bucket_get_level (b, t), 200, 1e-9);
  synth_token_bucket_settle (b, 100, 900, t);
  g_assert_cmpfloat_with_epsilon (synth_token_bucket_get_level (b, t), -600, 1e-9);
  synth_token_bucket_settle (b, 5000, 0, t);
  g_assert_cmpfloat_with_epsilon (synth_token_bucket_get_level (b, t), 600, 1e-9);
  synth_token_bucket_settle (b, NAN, 0, t);
  g_assert_cmpfloat_with_epsilon (synth_token_bucket_get_level (b, t), 600, 1e-9);

  /* Time going backwards refills nothing and breaks nothing. */
  g_assert_cmpint (synth_token_bucket_try_take (b, 600, 10 * SEC), ==, 0);
  g_assert_cmpint (synth_token_bucket_try_take (b, 10, 5 * SEC), >, 0);
  g_assert_cmpfloat_with_epsilon (synth_token_bucket_get_level (b, 5 * SEC), 0, 1e-9);

  for (guint i = 0; i < 1000; i++)
    g_assert_cmpint (synth_token_bucket_try_take (unlimited, 1e9, 0), ==, 0);

  /* Capacity changes keep the level, capped. */
  synth_token_bucket_set_capacity (b, 60, 10 * SEC);
  g_assert_cmpfloat_with_epsilon (synth_token_bucket_get_level (b, 10 * SEC), 0, 1e-9);
  g_assert_cmpint (synth_token_bucket_try_take (b, 1, 10 * SEC), ==, SEC);
  synth_token_bucket_set_capacity (unlimited, 100, 0);
  g_assert_cmpfloat (synth_token_bucket_get_level (unlimited, 0), ==, 100);
}

/* A greedy client that always asks as soon as it may: over ten simulated
 * minutes the bucket grants what the limit allows, no more and not much less. */
static void
test_bucket_saturates_limit (void)
{
  const double per_minute = 60000;
  g_autoptr (SynthTokenBucket) b = synth_token_bucket_new (per_minute, 0);
  gint64 now = 0, end = 10 * 60 * SEC;
  double granted = 0;

  while (now < end)
    {
      double n = g_test_rand_int_range (500, 4000);
      gint64 wait = synth_token_bucket_try_take (b, n, now);
      if (wait == 0)
        granted += n;
      else
        now += wait;
    }
  /* The initial full bucket plus ten minutes of refill is the ceiling. */
  g_assert_cmpfloat (granted, <=, per_minute * 11 + 4000);
  g_assert_cmpfloat (granted, >=, per_minute * 10 * 0.99);
}

static void
test_bucket_correct (void)
{
  g_autoptr (SynthTokenBucket) b = synth_token_bucket_new (1000, 0);

  /* remaining lowers the level, never raises it. */
  synth_token_bucket_correct (b, -1, 200, -1, 0);
  g_assert_cmpfloat_with_epsilon (synth_token_bucket_get_level (b, 0), 200, 1e-9);
  synth_token_bucket_correct (b, -1, 900, -1, 0);
  g_assert_cmpfloat_with_epsilon (synth_token_bucket_get_level (b, 0), 200, 1e-9);

  /* limit replaces the capacity (and the refill rate with it). */
  synth_token_bucket_correct (b, 6000, -1, -1, 0);
  g_assert_cmpfloat (synth_token_bucket_get_capacity (b), ==, 6000);
  g_assert_cmpfloat_with_epsilon (synth_token_bucket_get_level (b, 1 * SEC), 300, 1e-6);

  /* Local debt more pessimistic than the server: reset raises it. The server
   * says full in 6 s at 100/s, so the level is at least 6000 - 600. */
  g_assert_cmpint (synth_token_bucket_try_take (b, 50000, 60 * SEC), ==, 0);
  synth_token_bucket_correct (b, 6000, -1, 6000, 60 * SEC);
  g_assert_cmpfloat_with_epsilon (synth_token_bucket_get_level (b, 60 * SEC), 5400, 1e-6);
  /* …but never above what remaining says. */
  g_assert_cmpint (synth_token_bucket_try_take (b, 50000, 200 * SEC), ==, 0);
  synth_token_bucket_correct (b, 6000, 0, 6000, 200 * SEC);
  g_assert_cmpfloat (synth_token_bucket_get_level (b, 200 * SEC), <=, 0);
  /* Remaining 0: the next take waits for refill. */
  g_assert_cmpint (synth_token_bucket_try_take (b, 100, 200 * SEC), >, 0);
}

/* ---- AIMD --------------------------------------------------------------- */

static void
test_aimd (void)
{
  g_autoptr (SynthAimd) a = synth_aimd_new (16, 8, 3);
  g_autoptr (SynthAimd) zero = synth_aimd_new (0, 0, 0);

  g_assert_cmpuint (synth_aimd_get_limit (a), ==, 8); /* clamped to max */
  g_assert_cmpuint (synth_aimd_get_max (a), ==, 8);
  g_assert_cmpuint (synth_aimd_get_limit (zero), ==, 1);

  /* Multiplicative decrease, once per window. */
  g_assert_true (synth_aimd_on_rate_limited (a, 100, 110));
  g_assert_cmpuint (synth_aimd_get_limit (a), ==, 4);
  g_assert_false (synth_aimd_on_rate_limited (a, 105, 111)); /* sent before the cut */
  g_assert_false (synth_aimd_on_rate_limited (a, 110, 112));
  g_assert_cmpuint (synth_aimd_get_limit (a), ==, 4);
  g_assert_true (synth_aimd_on_rate_limited (a, 120, 130)); /* sent after: a new window */
  g_assert_cmpuint (synth_aimd_get_limit (a), ==, 2);
  g_assert_true (synth_aimd_on_rate_limited (a, 140, 150));
  g_assert_false (synth_aimd_on_rate_limited (a, 160, 170)); /* floor of 1 */
  g_assert_cmpuint (synth_aimd_get_limit (a), ==, 1);

  /* Additive increase: +1 per three successes, up to the max. */
  for (guint i = 0; i < 2; i++)
    synth_aimd_on_success (a);
  g_assert_cmpuint (synth_aimd_get_limit (a), ==, 1);
  synth_aimd_on_success (a);
  g_assert_cmpuint (synth_aimd_get_limit (a), ==, 2);
  for (guint i = 0; i < 100; i++)
    synth_aimd_on_success (a);
  g_assert_cmpuint (synth_aimd_get_limit (a), ==, 8);
  /* A decrease resets the success count. */
  synth_aimd_on_success (a);
  g_assert_true (synth_aimd_on_rate_limited (a, 200, 200));
  synth_aimd_on_success (a);
  synth_aimd_on_success (a);
  g_assert_cmpuint (synth_aimd_get_limit (a), ==, 4);
}

/* ---- the limiter -------------------------------------------------------- */

static void
test_limiter_both_or_neither (void)
{
  g_autoptr (SynthRateLimiter) l = synth_rate_limiter_new (60, 6000, 4, 0);
  SynthTokenBucket *req = synth_rate_limiter_get_request_bucket (l);
  SynthTokenBucket *tok = synth_rate_limiter_get_token_bucket (l);
  gint64 wait;

  g_assert_cmpint (synth_rate_limiter_try_acquire (l, 5000, 0), ==, 0);
  g_assert_cmpfloat_with_epsilon (synth_token_bucket_get_level (req, 0), 59, 1e-9);
  /* Tokens short: nothing charged, the wait is the token bucket's. */
  wait = synth_rate_limiter_try_acquire (l, 3000, 0);
  g_assert_cmpint (wait, ==, 20 * SEC);
  g_assert_cmpfloat_with_epsilon (synth_token_bucket_get_level (req, 0), 59, 1e-9);
  g_assert_cmpfloat_with_epsilon (synth_token_bucket_get_level (tok, 0), 1000, 1e-9);
  g_assert_cmpint (synth_rate_limiter_try_acquire (l, 3000, wait), ==, 0);

  /* Real usage settles the estimate. */
  synth_rate_limiter_settle (l, 3000, 1000, wait);
  g_assert_cmpfloat_with_epsilon (synth_token_bucket_get_level (tok, wait), 2000, 1e-6);
}

static void
test_limiter_pause_and_429 (void)
{
  g_autoptr (SynthRateLimiter) l = synth_rate_limiter_new (0, 0, 8, 0);

  g_assert_cmpuint (synth_rate_limiter_get_concurrency (l), ==, 8);
  g_assert_cmpint (synth_rate_limiter_try_acquire (l, 100, 0), ==, 0);

  /* A 429 pauses the whole run and halves the concurrency. */
  synth_rate_limiter_on_rate_limited (l, 0, 1500, 10 * SEC);
  g_assert_cmpuint (synth_rate_limiter_get_concurrency (l), ==, 4);
  g_assert_cmpint (synth_rate_limiter_get_pause_until (l), ==, 10 * SEC + 1500 * 1000);
  g_assert_cmpint (synth_rate_limiter_try_acquire (l, 1, 11 * SEC), ==, 500 * 1000);
  /* A shorter pause does not shorten it; an absurd one is clamped. */
  synth_rate_limiter_pause_until (l, 10 * SEC);
  g_assert_cmpint (synth_rate_limiter_get_pause_until (l), ==, 10 * SEC + 1500 * 1000);
  synth_rate_limiter_on_rate_limited (l, 0, G_MAXINT64, 10 * SEC);
  g_assert_cmpint (synth_rate_limiter_get_pause_until (l), ==,
                   10 * SEC + (gint64) SYNTH_RETRY_AFTER_MAX_MS * 1000);
  /* …and that second 429 came from the same window: no second halving. */
  g_assert_cmpuint (synth_rate_limiter_get_concurrency (l), ==, 4);
  synth_rate_limiter_on_rate_limited (l, 0, -5, 10 * SEC);
  g_assert_cmpint (
      synth_rate_limiter_try_acquire (l, 1, 10 * SEC + SYNTH_RETRY_AFTER_MAX_MS * 1000ll), ==, 0);

  for (guint i = 0; i < 4; i++)
    synth_rate_limiter_on_success (l);
  g_assert_cmpuint (synth_rate_limiter_get_concurrency (l), ==, 5);
}

static void
test_limiter_headers (void)
{
  g_autoptr (SynthRateLimiter) l = synth_rate_limiter_new (100, 10000, 4, 0);
  g_autoptr (SoupMessageHeaders) h = soup_message_headers_new (SOUP_MESSAGE_HEADERS_RESPONSE);
  SynthTokenBucket *req = synth_rate_limiter_get_request_bucket (l);
  SynthTokenBucket *tok = synth_rate_limiter_get_token_bucket (l);

  soup_message_headers_replace (h, "x-ratelimit-limit-requests", "5000");
  soup_message_headers_replace (h, "x-ratelimit-remaining-requests", "4999");
  soup_message_headers_replace (h, "x-ratelimit-reset-requests", "12ms");
  soup_message_headers_replace (h, "x-ratelimit-limit-tokens", "2000000");
  soup_message_headers_replace (h, "x-ratelimit-remaining-tokens", "1500");
  soup_message_headers_replace (h, "x-ratelimit-reset-tokens", "6m0s");
  synth_rate_limiter_update_from_headers (l, h, 0);
  g_assert_cmpfloat (synth_token_bucket_get_capacity (req), ==, 5000);
  g_assert_cmpfloat (synth_token_bucket_get_capacity (tok), ==, 2000000);
  g_assert_cmpfloat_with_epsilon (synth_token_bucket_get_level (tok, 0), 1500, 1e-6);
  /* Requests: our level (100, from the settings) was far below the server's;
   * "full again in 12 ms" at 5000/min means 4999 are there now. */
  g_assert_cmpfloat_with_epsilon (synth_token_bucket_get_level (req, 0), 4999, 1e-6);

  /* Garbage values are ignored one by one; good neighbours still apply. */
  soup_message_headers_replace (h, "x-ratelimit-limit-requests", "-5");
  soup_message_headers_replace (h, "x-ratelimit-remaining-requests", "99999999999999999999999");
  soup_message_headers_replace (h, "x-ratelimit-reset-requests", "1x");
  soup_message_headers_replace (h, "x-ratelimit-limit-tokens", "");
  soup_message_headers_replace (h, "x-ratelimit-remaining-tokens", "1000");
  soup_message_headers_replace (h, "x-ratelimit-reset-tokens", "99999999999999999999s");
  synth_rate_limiter_update_from_headers (l, h, 0);
  g_assert_cmpfloat (synth_token_bucket_get_capacity (req), ==, 5000);
  g_assert_cmpfloat (synth_token_bucket_get_capacity (tok), ==, 2000000);
  g_assert_cmpfloat_with_epsilon (synth_token_bucket_get_level (tok, 0), 1000, 1e-6);

  /* 18446744073709551615 parses but does not fit a gint64: ignored. */
  soup_message_headers_clear (h);
  soup_message_headers_replace (h, "x-ratelimit-limit-tokens", "18446744073709551615");
  synth_rate_limiter_update_from_headers (l, h, 0);
  g_assert_cmpfloat (synth_token_bucket_get_capacity (tok), ==, 2000000);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/rate-limit/durations-good", test_durations_good);
  g_test_add_func ("/rate-limit/durations-bad", test_durations_bad);
  g_test_add_func ("/rate-limit/counts", test_counts);
  g_test_add_func ("/rate-limit/retry-after-ms", test_retry_after_ms);
  g_test_add_func ("/rate-limit/retry-after", test_retry_after);
  g_test_add_func ("/rate-limit/retry-delay-from-headers", test_retry_delay_from_headers);
  g_test_add_func ("/rate-limit/should-retry", test_should_retry);
  g_test_add_func ("/rate-limit/backoff", test_backoff);
  g_test_add_func ("/rate-limit/bucket-basics", test_bucket_basics);
  g_test_add_func ("/rate-limit/bucket-large-and-settle", test_bucket_large_and_settle);
  g_test_add_func ("/rate-limit/bucket-saturates-limit", test_bucket_saturates_limit);
  g_test_add_func ("/rate-limit/bucket-correct", test_bucket_correct);
  g_test_add_func ("/rate-limit/aimd", test_aimd);
  g_test_add_func ("/rate-limit/limiter-both-or-neither", test_limiter_both_or_neither);
  g_test_add_func ("/rate-limit/limiter-pause-and-429", test_limiter_pause_and_429);
  g_test_add_func ("/rate-limit/limiter-headers", test_limiter_headers);

  return g_test_run ();
}
