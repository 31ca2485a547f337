/* synth-openai-provider.h — fills a run's pending slots through an
 * OpenAI-compatible endpoint (DESIGN.md §5–6, issue 3).
 *
 * The scheduler: up to `concurrency` requests in flight (AIMD-adapted),
 * request and token buckets from the user's limits corrected live by the
 * server's x-ratelimit-* headers, a run-wide pause on 429 for the server's
 * retry-after, exponential backoff with jitter for what a retry may cure,
 * a stop with a message for what it cannot (bad key, unknown model, no
 * credit), and a budget cap checked before each request. Every accepted
 * record gets the same seeded surface transform as the offline engine and
 * is committed to the run store within moments of its JSON object closing;
 * rejected slots are re-queued, with the reason counted. Fairness groups ask
 * the model for their first member only: the others are the same record
 * with a name from their own region, so counterfactuals differ in the name
 * alone. Everything runs on the thread-default main context of the caller
 * of synth_openai_provider_run_async; nothing blocks but short SQLite
 * commits. The API key is never written anywhere. */
#pragma once

#include <gio/gio.h>

#include "synth-run-store.h"
#include "synth-usage.h"

G_BEGIN_DECLS

/* Tries (with backoff 0.5 s, 1 s, 2 s between them) before a server that
 * answers nothing at all stops the run. */
#define SYNTH_OPENAI_UNREACHABLE_TRIES 4

/* The limits, prices and timeout left at their defaults here are taken from
 * the run spec, where a run keeps what it was given (so a resume honours
 * them); only when the spec has none either do the defaults below apply. */
typedef struct
{
  const char *api_key;        /* NULL or "": none (local servers) */
  double requests_per_minute; /* 0: the spec's, else none of ours (the server's headers count) */
  double tokens_per_minute;   /* 0: likewise */
  double price_in;            /* USD per 1M prompt tokens; < 0: the spec's, else the model's */
  double price_out;           /* USD per 1M completion tokens; < 0: likewise */
  guint timeout_ms;           /* 0: the spec's, else SYNTH_OPENAI_DEFAULT_TIMEOUT seconds */
  gboolean stream;            /* default TRUE */
  guint max_attempts;         /* per slot, default 8 (rate-limit waits do not count) */
  double temperature;         /* default 0.9 */
  double budget;              /* USD cap; < 0 (default): the spec's; 0: none */
} SynthOpenaiOptions;

/* Fills @options with the defaults above. */
void synth_openai_options_init (SynthOpenaiOptions *options);
/* Keeps @options' limits, prices and timeout in @spec (set ones only), for
 * synth_openai_provider_new() to read back when the run is resumed. */
void synth_openai_options_save_to_spec (const SynthOpenaiOptions *options, SynthRunSpec *spec);

/* USD per 1M prompt / completion tokens for well-known OpenAI models (by
 * prefix, so dated snapshots match). FALSE, with zeros, when unknown. */
gboolean synth_openai_lookup_price (const char *model, double *out_price_in, double *out_price_out);

/* The cost of @n_slots planned slots before the run: expected prompt and
 * completion tokens (batches of @batch_size) and USD at @price_in/@price_out
 * per 1M tokens. Either out parameter may be NULL; returns the cost. */
double synth_openai_estimate_cost (SynthSlotPlan *plan,
                                   GArray *slot_indexes,
                                   guint batch_size,
                                   const char *model,
                                   double price_in,
                                   double price_out,
                                   guint64 *out_prompt_tokens,
                                   guint64 *out_completion_tokens);

#define SYNTH_TYPE_OPENAI_PROVIDER (synth_openai_provider_get_type ())
G_DECLARE_FINAL_TYPE (SynthOpenaiProvider, synth_openai_provider, SYNTH, OPENAI_PROVIDER, GObject)

/* Signals, on the caller's main context:
 *   "records-committed" (GPtrArray *records): just stored, in slot order;
 *                       valid only during the emission.
 *   "usage-committed"   (SynthUsage *delta): usage just added to the store.
 *   "message"           (const char *text): for people (a retry, a wait on
 *                       a 429, why the run stopped); never holds the key.
 *   "rate-limited"      (gint64 wait_ms): a 429 paused the whole run for
 *                       @wait_ms from now (emitted when the pause grows). */

/* Reads the spec (base URL, model, concurrency, batch size, budget, seed)
 * from @store (options->budget may override the budget, e.g. to raise it
 * when resuming a run that stopped at its cap). Fails with SYNTH_API_ERROR_INSECURE (nothing sent)
 * when the key would travel in clear text, or SYNTH_ERROR_INVALID_ARGUMENT when the spec names no
 * model. */
SynthOpenaiProvider *
synth_openai_provider_new (SynthRunStore *store, const SynthOpenaiOptions *options, GError **error);

/* Fills every pending slot. Finishes TRUE when all are done. Otherwise
 * FALSE with SYNTH_ERROR_CANCELLED (cancelled: requests in flight are
 * abandoned, the records they already delivered are kept), a
 * SYNTH_API_ERROR that stopped the run (AUTH, NOT_FOUND, QUOTA, BUDGET…;
 * NETWORK when the server could not be reached at all through
 * SYNTH_OPENAI_UNREACHABLE_TRIES run-wide tries with backoff, which cost
 * the slots none of their attempts), or a store error. In every case all
 * accepted records are committed and the run can be resumed. Once per
 * provider. */
void synth_openai_provider_run_async (SynthOpenaiProvider *self,
                                      GCancellable *cancellable,
                                      GAsyncReadyCallback callback,
                                      gpointer user_data);
gboolean
synth_openai_provider_run_finish (SynthOpenaiProvider *self, GAsyncResult *result, GError **error);

/* Holds new requests back (those in flight go on) / lets them go again. */
void synth_openai_provider_set_paused (SynthOpenaiProvider *self, gboolean paused);

/* This session's usage so far (requests, retries, tokens, cost, failures). */
SynthUsage *synth_openai_provider_dup_usage (SynthOpenaiProvider *self);
/* Requests allowed in flight now (the AIMD limit). */
guint synth_openai_provider_get_concurrency (SynthOpenaiProvider *self);

G_END_DECLS
