/* synth-rate-limit.h — rate-limit header parsers, token buckets, the run-wide
 * pause and the AIMD concurrency controller (DESIGN.md §6).
 *
 * Everything here is deterministic: time is passed in as gint64 microseconds
 * (g_get_monotonic_time() for buckets and pauses; g_get_real_time() only where
 * an HTTP date must be compared with the wall clock), and nothing sleeps. The
 * scheduler asks "may I send?" and gets back how long to wait. */
#pragma once

#include <libsoup/soup.h>

G_BEGIN_DECLS

/* retry-after values above this are clamped: a server asking for hours is
 * either wrong or telling us to stop, which the status code says better. */
#define SYNTH_RETRY_AFTER_MAX_MS (10 * 60 * 1000)

/* ---- header values (strict: garbage is refused, never half-read) ---------- */

/* OpenAI's reset durations: "1s", "6m0s", "20ms", "1m30.5s", "2h3m4s",
 * "150us"/"150µs", "3ns", or a bare number of seconds ("0.5", "12").
 * Units h, m, s, ms, us/µs, ns in decreasing order, each at most once, each
 * number optionally with a fraction. Rounds up to whole milliseconds (a reset
 * of 1 ns is 1 ms: waiting a little longer never causes a 429). Returns FALSE
 * for "", "1x", "m", "-1s", "1s1m", results above G_MAXINT64 / 1000… */
gboolean synth_rate_limit_parse_duration (const char *text, gint64 *out_ms);

/* A non-negative decimal integer (x-ratelimit-limit-*, -remaining-*), no sign,
 * no blanks except around it, no overflow. */
gboolean synth_rate_limit_parse_count (const char *text, guint64 *out_count);

/* retry-after-ms: milliseconds, integer or fractional ("1500", "20.5").
 * Rounds up; negative, non-finite and garbage are refused; clamped to
 * SYNTH_RETRY_AFTER_MAX_MS. */
gboolean synth_rate_limit_parse_retry_after_ms (const char *text, gint64 *out_ms);

/* retry-after: seconds (integer or fractional) or an HTTP date, measured
 * against @now_real_us (wall clock, g_get_real_time()). A date in the past
 * gives 0. Clamped to SYNTH_RETRY_AFTER_MAX_MS. */
gboolean synth_rate_limit_parse_retry_after (const char *text, gint64 now_real_us, gint64 *out_ms);

/* The server's wait from a response: retry-after-ms if usable, else
 * retry-after. FALSE when neither header is present and valid. */
gboolean
synth_rate_limit_get_retry_delay (SoupMessageHeaders *headers, gint64 now_real_us, gint64 *out_ms);

typedef enum
{
  SYNTH_SHOULD_RETRY_UNSET, /* header absent or neither true nor false */
  SYNTH_SHOULD_RETRY_YES,
  SYNTH_SHOULD_RETRY_NO,
} SynthShouldRetry;

/* x-should-retry: "true" / "false" (ASCII case-insensitive, blanks trimmed). */
SynthShouldRetry synth_rate_limit_parse_should_retry (const char *text);

/* Exponential backoff with jitter, as OpenAI's official client: 0.5 s × 2^attempt
 * capped at 8 s, times (1 − 0.25 × @jitter01). @attempt counts from 0,
 * @jitter01 in [0, 1) comes from the caller's RNG. */
gint64 synth_retry_backoff_ms (guint attempt, double jitter01);

/* ---- token bucket --------------------------------------------------------- */

/* A continuous bucket: holds up to `capacity` units, refills at
 * capacity per minute, continuously (as OpenAI's limits replenish). The
 * level may go negative (debt) when a request costs more than estimated or
 * more than the whole capacity. */
typedef struct _SynthTokenBucket SynthTokenBucket;

/* @per_minute 0 (or negative) means unlimited: every take succeeds at once.
 * Starts full at @now_us. */
SynthTokenBucket *synth_token_bucket_new (double per_minute, gint64 now_us);
void synth_token_bucket_free (SynthTokenBucket *bucket);

/* Takes @n units if available and returns 0; otherwise takes nothing and
 * returns the µs until they will be (≥ 1). A request larger than the whole
 * capacity is let through when the bucket is full (leaving it in debt), so it
 * is not starved forever. */
gint64 synth_token_bucket_try_take (SynthTokenBucket *bucket, double n, gint64 now_us);
/* After the response: the request was charged @estimated, it really cost
 * @actual; the difference is given back or charged (actual 0 for a request
 * the server refused without counting it). */
void synth_token_bucket_settle (SynthTokenBucket *bucket,
                                double estimated,
                                double actual,
                                gint64 now_us);
/* Level now (after refill); may be negative. */
double synth_token_bucket_get_level (SynthTokenBucket *bucket, gint64 now_us);
double synth_token_bucket_get_capacity (SynthTokenBucket *bucket);
/* New capacity (per minute); the level keeps its value, capped at the new
 * capacity. */
void synth_token_bucket_set_capacity (SynthTokenBucket *bucket, double per_minute, gint64 now_us);
/* The server's view, from x-ratelimit-* headers; pass -1 for a header that was
 * absent. @limit replaces the capacity; @remaining lowers the level to it
 * (never raises: our in-flight reservations may not be counted there yet);
 * @reset_ms (time until the server's bucket is full again) raises a level
 * that local debt made more pessimistic than the server. */
void synth_token_bucket_correct (
    SynthTokenBucket *bucket, gint64 limit, gint64 remaining, gint64 reset_ms, gint64 now_us);

/* ---- AIMD concurrency ----------------------------------------------------- */

typedef struct _SynthAimd SynthAimd;

/* Allowed requests in flight, between 1 and @max (≥ 1), starting at
 * @initial (clamped). +1 after @successes_per_increase (≥ 1) successes since
 * the last change; ×0.5 (rounded down, at least 1) on a 429. */
SynthAimd *synth_aimd_new (guint initial, guint max, guint successes_per_increase);
void synth_aimd_free (SynthAimd *aimd);
guint synth_aimd_get_limit (SynthAimd *aimd);
guint synth_aimd_get_max (SynthAimd *aimd);
void synth_aimd_on_success (SynthAimd *aimd);
/* A 429 for a request sent at @sent_at_us. Requests that were already in
 * flight at the last decrease do not decrease again: a burst of 429s from one
 * window halves once, not down to 1. Returns TRUE if the limit was lowered. */
gboolean synth_aimd_on_rate_limited (SynthAimd *aimd, gint64 sent_at_us, gint64 now_us);

/* ---- the run's limiter ---------------------------------------------------- */

typedef struct _SynthRateLimiter SynthRateLimiter;

/* Request and token buckets from the user's settings (0 = unlimited), the
 * AIMD controller (initial = max = @concurrency, +1 per 4 successes) and no pause. */
SynthRateLimiter *synth_rate_limiter_new (double requests_per_minute,
                                          double tokens_per_minute,
                                          guint concurrency,
                                          gint64 now_us);
void synth_rate_limiter_free (SynthRateLimiter *limiter);

/* May a request estimated at @tokens go now? 0: yes, one request and @tokens
 * are charged. Otherwise the µs to wait (the run-wide pause, or the longer of
 * the two buckets' waits), and nothing is charged. In-flight counting against
 * synth_rate_limiter_get_concurrency() is the caller's. */
gint64 synth_rate_limiter_try_acquire (SynthRateLimiter *limiter, double tokens, gint64 now_us);
/* Real usage from the response (total tokens as the server counts them). */
void synth_rate_limiter_settle (SynthRateLimiter *limiter,
                                double estimated_tokens,
                                double actual_tokens,
                                gint64 now_us);
/* Reads x-ratelimit-{limit,remaining,reset}-{requests,tokens}; absent or
 * invalid headers are ignored one by one. */
void synth_rate_limiter_update_from_headers (SynthRateLimiter *limiter,
                                             SoupMessageHeaders *headers,
                                             gint64 now_us);
/* The whole run waits until @until_us (only ever extended, never shortened). */
void synth_rate_limiter_pause_until (SynthRateLimiter *limiter, gint64 until_us);
gint64 synth_rate_limiter_get_pause_until (SynthRateLimiter *limiter);
/* A 429 (rate_limit_exceeded) for a request sent at @sent_at_us: pauses the
 * run for @retry_after_ms (the server's wait, or the caller's backoff when
 * the server gave none, i.e. pass a value ≥ 0) and halves the concurrency. */
void synth_rate_limiter_on_rate_limited (SynthRateLimiter *limiter,
                                         gint64 sent_at_us,
                                         gint64 retry_after_ms,
                                         gint64 now_us);
void synth_rate_limiter_on_success (SynthRateLimiter *limiter);
guint synth_rate_limiter_get_concurrency (SynthRateLimiter *limiter);
SynthTokenBucket *synth_rate_limiter_get_request_bucket (SynthRateLimiter *limiter);
SynthTokenBucket *synth_rate_limiter_get_token_bucket (SynthRateLimiter *limiter);
SynthAimd *synth_rate_limiter_get_aimd (SynthRateLimiter *limiter);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (SynthTokenBucket, synth_token_bucket_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (SynthAimd, synth_aimd_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (SynthRateLimiter, synth_rate_limiter_free)

G_END_DECLS
