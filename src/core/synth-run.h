/* synth-run.h — the run engine: fills a run store's pending slots with a
 * provider, applies the surface transforms, validates, commits batch by
 * batch, and reports progress on the caller's main context. */
#pragma once

#include <gio/gio.h>

#include "synth-openai-provider.h"
#include "synth-run-store.h"

G_BEGIN_DECLS

typedef enum
{
  SYNTH_RUN_IDLE,
  SYNTH_RUN_RUNNING,
  SYNTH_RUN_PAUSED,
  SYNTH_RUN_FINISHED,
  SYNTH_RUN_STOPPED,  /* cancelled by the user; resumable */
  SYNTH_RUN_FAILED,   /* stopped by an error; resumable */
} SynthRunState;

#define SYNTH_TYPE_RUN (synth_run_get_type ())
G_DECLARE_FINAL_TYPE (SynthRun, synth_run, SYNTH, RUN, GObject)

/* Signals (emitted on the thread-default main context of the caller of
 * synth_run_execute_async):
 *   "batch-committed" (GPtrArray *records): records just stored, in slot order
 *                      within the batch; the array is only valid during emission.
 *   "progress"        (): n-done / usage / rate changed (at most ~10 per second).
 *   "message"         (const char *text): a notice for people (a retry, a pause on a
 *                      429…), never containing the API key.
 * Properties: "store", "state", "n-done", "n-total", "records-per-second",
 * "eta-seconds" (-1 unknown), "prompt-tokens", "completion-tokens", "cost". */

SynthRun      *synth_run_new (SynthRunStore *store);
SynthRunStore *synth_run_get_store (SynthRun *self);
SynthRunState  synth_run_get_state (SynthRun *self);
guint          synth_run_get_n_done (SynthRun *self);
guint          synth_run_get_n_total (SynthRun *self);
double         synth_run_get_records_per_second (SynthRun *self);
double         synth_run_get_eta_seconds (SynthRun *self);
/* Totals of the whole run so far (all sessions). */
SynthUsage    *synth_run_dup_usage (SynthRun *self);

/* For the OpenAI provider: the key (never stored by the run) and prices. */
void           synth_run_set_api_key (SynthRun *self, const char *api_key);
/* For the OpenAI provider: rate limits, prices, timeout… (copied; the key in
 * @options is ignored: use synth_run_set_api_key). Defaults when never set. */
void           synth_run_set_openai_options (SynthRun *self, const SynthOpenaiOptions *options);

/* Generates every pending slot. Cancelling stops after the batches in flight
 * are settled (their valid records are kept) and finishes with
 * SYNTH_ERROR_CANCELLED; the run stays resumable. */
void           synth_run_execute_async  (SynthRun *self, GCancellable *cancellable,
                                         GAsyncReadyCallback callback, gpointer user_data);
gboolean       synth_run_execute_finish (SynthRun *self, GAsyncResult *result, GError **error);

/* Pause holds new batches back (those in flight finish); resume releases them. */
void           synth_run_pause  (SynthRun *self);
void           synth_run_resume (SynthRun *self);

/* Synchronous convenience for tests and benchmarks: runs a private main loop. */
gboolean       synth_run_execute (SynthRun *self, GCancellable *cancellable, GError **error);

G_END_DECLS
