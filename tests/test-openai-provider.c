/* test-openai-provider.c — whole runs against the simulator over real
 * loopback HTTP: exact counts, labels and biases, stops that say what to do,
 * retries and rate limits, the budget, cancelling and resuming, and the key
 * kept out of every file. */
#include <glib/gstdio.h>
#include <string.h>

#include "synth-error.h"
#include "synth-export.h"
#include "synth-openai-client.h"
#include "synth-openai-provider.h"
#include "synth-run-store.h"
#include "synth-run.h"
#include "synth-sim.h"
#include "synth-test-util.h"

#define TEST_KEY "sk-test-provider-5f3a9c1e7b2d4e6f8a0b"
#define MODEL "gpt-4o-mini"

/* ---- helpers --------------------------------------------------------------- */

static char *tmp_dir;
/* Short resumes keep the simulator quick; the happy paths use both lengths. */
static gboolean all_short = TRUE;

static SynthSim *
start_sim (void)
{
  g_autoptr (GError) error = NULL;
  SynthSim *sim = synth_sim_new ();

  synth_sim_set_api_key (sim, TEST_KEY);
  g_assert_true (synth_sim_start_in_thread (sim, &error));
  g_assert_no_error (error);
  return sim;
}

static void
stop_sim (SynthSim *sim)
{
  synth_sim_stop (sim);
  g_object_unref (sim);
}

static SynthRunStore *
make_store_full (SynthSim *sim,
                 const char *base_url,
                 const char *model,
                 const char *mix,
                 guint records,
                 guint batch,
                 guint concurrency,
                 double budget)
{
  g_autoptr (SynthRunSpec) spec = synth_run_spec_new ();
  g_autoptr (SynthSlotPlan) plan = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *run_id = synth_run_store_new_run_id ();
  g_autofree char *path = synth_run_store_path_for_id (tmp_dir, run_id);
  SynthRunStore *store;

  spec->records = records;
  spec->batch_size = batch;
  spec->concurrency = concurrency;
  spec->budget = budget;
  if (all_short)
    spec->short_ratio = 1.0;
  g_free (spec->provider);
  spec->provider = g_strdup ("openai");
  spec->model = g_strdup (model);
  if (mix != NULL)
    {
      synth_bias_mix_free (spec->bias_mix);
      spec->bias_mix = synth_bias_mix_parse (mix, &error);
      g_assert_no_error (error);
    }
  spec->base_url = g_strdup (base_url != NULL ? base_url : synth_sim_get_base_url (sim));
  plan = synth_slot_plan_new_balanced (spec, &error);
  g_assert_no_error (error);
  store = synth_run_store_create (path, run_id, spec, plan, &error);
  g_assert_no_error (error);
  return store;
}

static SynthRunStore *
make_store (SynthSim *sim,
            const char *base_url,
            guint records,
            guint batch,
            guint concurrency,
            double budget)
{
  return make_store_full (sim, base_url, MODEL, NULL, records, batch, concurrency, budget);
}

typedef struct
{
  GMainContext *context;
  gboolean done;
  gboolean ok;
  GError *error;
  guint n_signals; /* records-committed emissions */
  guint n_records; /* records announced */
  GCancellable *cancellable;
  guint cancel_after; /* cancel once this many records are announced (0: never) */
  GArray *pauses;     /* Pause: each run-wide wait announced */
  GPtrArray *messages;
} Run;

typedef struct
{
  gint64 at_us;
  gint64 wait_ms;
} Pause;

static void
on_records (SynthOpenaiProvider *provider, GPtrArray *records, Run *run)
{
  run->n_signals++;
  run->n_records += records->len;
  if (run->cancel_after > 0 && run->n_records >= run->cancel_after)
    g_cancellable_cancel (run->cancellable);
}

static void
on_message (SynthOpenaiProvider *provider, const char *text, Run *run)
{
  g_ptr_array_add (run->messages, g_strdup (text));
}

static void
on_rate_limited (SynthOpenaiProvider *provider, gint64 wait_ms, Run *run)
{
  Pause pause = { g_get_monotonic_time (), wait_ms };
  g_array_append_val (run->pauses, pause);
}

static void
on_run_done (GObject *source, GAsyncResult *result, gpointer user_data)
{
  Run *run = user_data;

  run->ok = synth_openai_provider_run_finish (SYNTH_OPENAI_PROVIDER (source), result, &run->error);
  run->done = TRUE;
}

static void
run_init (Run *run)
{
  memset (run, 0, sizeof *run);
  run->cancellable = g_cancellable_new ();
  run->pauses = g_array_new (FALSE, FALSE, sizeof (Pause));
  run->messages = g_ptr_array_new_with_free_func (g_free);
}

static void
run_clear (Run *run)
{
  g_clear_error (&run->error);
  g_clear_object (&run->cancellable);
  g_array_unref (run->pauses);
  g_ptr_array_unref (run->messages);
}

static void
options_for_tests (SynthOpenaiOptions *options)
{
  synth_openai_options_init (options);
  options->api_key = TEST_KEY;
  options->timeout_ms = 2000;
}

/* Runs @store with @options on a private main context until it finishes. */
static void
run_provider (SynthRunStore *store, const SynthOpenaiOptions *options, Run *run)
{
  g_autoptr (GMainContext) context = g_main_context_new ();
  g_autoptr (SynthOpenaiProvider) provider = NULL;

  g_main_context_push_thread_default (context);
  provider = synth_openai_provider_new (store, options, &run->error);
  g_assert_no_error (run->error);
  g_signal_connect (provider, "records-committed", G_CALLBACK (on_records), run);
  g_signal_connect (provider, "message", G_CALLBACK (on_message), run);
  g_signal_connect (provider, "rate-limited", G_CALLBACK (on_rate_limited), run);
  synth_openai_provider_run_async (provider, run->cancellable, on_run_done, run);
  while (!run->done)
    g_main_context_iteration (context, TRUE);
  g_clear_object (&provider);
  while (g_main_context_iteration (context, FALSE))
    ;
  g_main_context_pop_thread_default (context);
}

/* Every slot has exactly one record that honours its plan. */
static void
check_records (SynthRunStore *store)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (SynthSlotPlan) plan = synth_run_store_load_plan (store, &error);
  g_autoptr (GPtrArray) records = synth_run_store_load_records (store, 0, 0, &error);
  guint n = synth_slot_plan_get_n_slots (plan);

  g_assert_no_error (error);
  g_assert_cmpuint (records->len, ==, n);
  g_assert_cmpuint (synth_run_store_count_done (store), ==, n);
  for (guint i = 0; i < records->len; i++)
    {
      SynthRecord *record = records->pdata[i];
      const SynthSlot *slot = synth_slot_plan_get_slot (plan, i);
      SynthBiasType type = synth_record_get_bias_type (record);

      g_assert_cmpuint (synth_record_get_index (record), ==, i);
      g_assert_cmpint (synth_record_get_match_label (record), ==, slot->match_label);
      g_assert_cmpint (type, ==, slot->bias_type);
      g_assert_cmpstr (synth_record_get_region (record), ==, synth_region_ids ()[slot->region]);
      g_assert_cmpstr (synth_record_get_name (record), !=, "");
      g_assert_cmpuint (synth_record_count_words (synth_record_get_resume_text (record)), >, 20);
      if (synth_bias_type_is_surface (type))
        {
          /* The local transform ran: its detail names the category. */
          g_autofree char *prefix = g_strconcat (synth_bias_type_to_id (type), "/", NULL);
          g_assert_true (g_str_has_prefix (synth_record_get_bias_detail (record), prefix));
        }
      if (slot->group != SYNTH_NO_GROUP && slot->variant != 0)
        {
          /* A counterfactual: its group's first record with another name. */
          SynthRecord *first = NULL;
          for (guint k = 0; k < records->len && first == NULL; k++)
            {
              const SynthSlot *other = synth_slot_plan_get_slot (plan, k);
              if (other->group == slot->group && other->variant == 0)
                first = records->pdata[k];
            }
          g_assert_nonnull (first);
          g_assert_cmpstr (synth_record_get_job_skill_text (record), ==,
                           synth_record_get_job_skill_text (first));
          g_assert_cmpstr (synth_record_get_name (record), !=, synth_record_get_name (first));
          g_assert_cmpstr (synth_record_get_resume_text (record), !=,
                           synth_record_get_resume_text (first));
          g_assert_null (
              strstr (synth_record_get_resume_text (record), synth_record_get_name (first)));
          g_assert_cmpstr (synth_record_get_group_id (record), ==,
                           synth_record_get_group_id (first));
          g_assert_cmpstr (synth_record_get_split (record), ==, "eval");
        }
    }
}

static void
assert_resumable (SynthRunStore *store, SynthSim *sim)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (SynthRunStore) again = synth_run_store_open (synth_run_store_get_path (store), &error);
  SynthOpenaiOptions options;
  Run run;

  g_assert_no_error (error);
  options_for_tests (&options);
  run_init (&run);
  run_provider (again, &options, &run);
  g_assert_no_error (run.error);
  g_assert_true (run.ok);
  check_records (again);
  run_clear (&run);
}

/* ---- tests ----------------------------------------------------------------- */

static void
run_happy (gboolean stream)
{
  SynthSim *sim = start_sim ();
  g_autoptr (SynthRunStore) store = NULL;
  g_autoptr (SynthUsage) usage = NULL;
  SynthOpenaiOptions options;
  SynthSimStats stats;
  Run run;

  all_short = FALSE;
  store = make_store (sim, NULL, 120, 10, 4, 0);
  all_short = TRUE;
  synth_sim_set_tokens_per_second (sim, 100000);
  options_for_tests (&options);
  options.stream = stream;
  run_init (&run);
  run_provider (store, &options, &run);
  g_assert_no_error (run.error);
  g_assert_true (run.ok);
  check_records (store);
  g_assert_cmpuint (run.n_records, ==, 120);

  usage = synth_run_store_dup_usage (store);
  g_assert_cmpuint (usage->prompt_tokens, >, 0);
  g_assert_cmpuint (usage->completion_tokens, >, 0);
  g_assert_cmpfloat (usage->cost, >, 0);
  synth_sim_get_stats (sim, &stats);
  g_assert_cmpuint (usage->requests, ==, stats.requests);
  g_assert_cmpuint (stats.streamed, ==, stream ? stats.completions : 0);
  /* Fairness members are derived, not asked for: fewer records fabricated. */
  g_assert_cmpuint (stats.records, <, 120);
  if (stream)
    /* Records were committed as they arrived, not once per batch. */
    g_assert_cmpuint (run.n_signals, >, stats.completions);
  run_clear (&run);
  stop_sim (sim);
}

static void
test_happy_streamed (void)
{
  run_happy (TRUE);
}

static void
test_happy_plain (void)
{
  run_happy (FALSE);
}

/* A stop the user must act on: the right error, no retries, nothing lost,
 * and the run finishes once the cause is gone. */
static void
check_fatal_stop (
    SynthSim *sim, SynthRunStore *store, const char *key, int code, const char *expect_in_message)
{
  g_autoptr (SynthUsage) usage = NULL;
  SynthOpenaiOptions options;
  SynthSimStats stats;
  Run run;

  options_for_tests (&options);
  options.api_key = key;
  run_init (&run);
  run_provider (store, &options, &run);
  g_assert_false (run.ok);
  g_assert_error (run.error, SYNTH_API_ERROR, code);
  g_assert_nonnull (strstr (run.error->message, expect_in_message));
  g_assert_null (strstr (run.error->message, TEST_KEY));
  g_assert_null (strstr (run.error->message, "sk-wrong"));
  usage = synth_run_store_dup_usage (store);
  /* A request counts once its body went out; the simulator's thread may
   * still be reading the last of them when the run has already stopped. */
  for (gint64 until = g_get_monotonic_time () + 2 * G_USEC_PER_SEC;; g_usleep (10000))
    {
      synth_sim_get_stats (sim, &stats);
      if (stats.requests >= usage->requests || g_get_monotonic_time () > until)
        break;
    }
  g_assert_cmpuint (usage->retries, ==, 0);
  /* At most the first requests in flight, never a retry. */
  g_assert_cmpuint (stats.requests, <=, 4);
  g_assert_cmpuint (usage->requests, >=, 1);
  g_assert_cmpuint (usage->requests, <=, stats.requests);
  g_assert_cmpuint (synth_run_store_count_done (store), ==, 0);
  run_clear (&run);
}

static void
test_bad_key (void)
{
  SynthSim *sim = start_sim ();
  g_autoptr (SynthRunStore) store = make_store (sim, NULL, 40, 10, 4, 0);

  check_fatal_stop (sim, store, "sk-wrong-key-000000000000000000", SYNTH_API_ERROR_AUTH, "key set");
  assert_resumable (store, sim);
  stop_sim (sim);
}

static void
test_unknown_model (void)
{
  SynthSim *sim = start_sim ();
  g_autoptr (SynthRunStore) store =
      make_store_full (sim, NULL, "gpt-nonexistent", NULL, 40, 10, 4, 0);

  check_fatal_stop (sim, store, TEST_KEY, SYNTH_API_ERROR_NOT_FOUND, "gpt-nonexistent");
  stop_sim (sim);
}

/* How late a request already on its way may reach the simulator after a
 * pause began: tight on a plain build, loose under AddressSanitizer. */
#ifdef __SANITIZE_ADDRESS__
#define IN_FLIGHT_MARGIN_US 400000
#else
#define IN_FLIGHT_MARGIN_US 20000
#endif

static void
test_quota (void)
{
  SynthSim *sim = start_sim ();
  g_autoptr (SynthRunStore) store = make_store (sim, NULL, 40, 10, 4, 0);
  SynthSimStats stats;

  synth_sim_set_quota_exhausted (sim, TRUE);
  check_fatal_stop (sim, store, TEST_KEY, SYNTH_API_ERROR_QUOTA, "credit");
  synth_sim_get_stats (sim, &stats);
  /* No retries: at most the four requests sent at once before the first
   * answer stopped the run (one may be cut off before the simulator
   * answers it). */
  g_assert_cmpuint (stats.quota_errors, >=, 1);
  g_assert_cmpuint (stats.requests, <=, 4);
  synth_sim_set_quota_exhausted (sim, FALSE);
  assert_resumable (store, sim);
  stop_sim (sim);
}

static void
run_fallback (gboolean schema, gboolean mct)
{
  SynthSim *sim = start_sim ();
  g_autoptr (SynthRunStore) store = make_store (sim, NULL, 60, 10, 4, 0);
  SynthOpenaiOptions options;
  SynthSimStats stats;
  Run run;

  synth_sim_set_json_schema_supported (sim, schema);
  synth_sim_set_max_completion_tokens_supported (sim, mct);
  options_for_tests (&options);
  run_init (&run);
  run_provider (store, &options, &run);
  g_assert_no_error (run.error);
  check_records (store);
  synth_sim_get_stats (sim, &stats);
  /* Learnt once (per request already in flight), then remembered. */
  g_assert_cmpuint (stats.bad_requests, >=, 1);
  g_assert_cmpuint (stats.bad_requests, <=, 2 * 4);
  run_clear (&run);
  stop_sim (sim);
}

static void
test_fallback_json_object (void)
{
  run_fallback (FALSE, TRUE);
}

static void
test_fallback_max_tokens (void)
{
  run_fallback (TRUE, FALSE);
}

static guint64
failures (SynthUsage *usage, const char *reason)
{
  return synth_usage_get_failure (usage, reason);
}

static void
test_faults (void)
{
  SynthSim *sim = start_sim ();
  g_autoptr (SynthRunStore) store = make_store (sim, NULL, 300, 6, 8, 0);
  g_autoptr (SynthUsage) usage = NULL;
  SynthOpenaiOptions options;
  SynthSimStats stats;
  guint64 faulted = 0;
  Run run;

  synth_sim_set_fault_rates (sim, 0.05, (1u << SYNTH_SIM_N_FAULTS) - 1);
  synth_sim_set_stall_ms (sim, 5000);
  synth_sim_set_tokens_per_second (sim, 50000);
  options_for_tests (&options);
  options.timeout_ms = 500;
  /* Faults of every kind at once: give a slot room to be unlucky, as the soak does. */
  options.max_attempts = 50;
  run_init (&run);
  run_provider (store, &options, &run);
  g_assert_no_error (run.error);
  check_records (store);

  synth_sim_get_stats (sim, &stats);
  usage = synth_run_store_dup_usage (store);
  for (guint k = 0; k < SYNTH_SIM_N_FAULTS; k++)
    faulted += stats.faults[k];
  g_test_message ("%" G_GUINT64_FORMAT " requests, %" G_GUINT64_FORMAT
                  " faulted, %" G_GUINT64_FORMAT " retries, %" G_GUINT64_FORMAT " failures counted",
                  stats.requests, faulted, usage->retries, synth_usage_get_total_failures (usage));
  g_assert_cmpuint (faulted, >, 0);
  /* Every request the simulator saw is counted; on a slow (sanitizer) build a
   * request may also time out before the simulator has read it. */
  g_assert_cmpuint (usage->requests, >=, stats.requests);
  if (failures (usage, "timeout") == 0)
    g_assert_cmpuint (usage->requests, ==, stats.requests);
  if (stats.faults[SYNTH_SIM_FAULT_5XX] > 0)
    g_assert_cmpuint (failures (usage, "http_5xx") + failures (usage, "stream_error"), >, 0);
  if (stats.faults[SYNTH_SIM_FAULT_STALL] > 0)
    g_assert_cmpuint (failures (usage, "timeout"), >, 0);
  if (stats.faults[SYNTH_SIM_FAULT_DROP] > 0)
    g_assert_cmpuint (failures (usage, "dropped"), >, 0);
  if (stats.faults[SYNTH_SIM_FAULT_TRUNCATED] > 0)
    g_assert_cmpuint (failures (usage, "truncated"), >, 0);
  if (stats.faults[SYNTH_SIM_FAULT_WRONG_SLOT] > 0)
    g_assert_cmpuint (failures (usage, "wrong_label") + failures (usage, "wrong_bias") +
                          failures (usage, "missing_slot"),
                      >, 0);
  g_assert_cmpuint (usage->retries, >=,
                    stats.faults[SYNTH_SIM_FAULT_5XX] + stats.faults[SYNTH_SIM_FAULT_STALL]);
  run_clear (&run);
  stop_sim (sim);
}

static void
test_rpm_limit (void)
{
  SynthSim *sim = start_sim ();
  /* One request per record (no fairness groups), just past the burst. */
  g_autoptr (SynthRunStore) store =
      make_store_full (sim, NULL, MODEL, "textual=1,skill_match=1", 66, 1, 8, 0);
  g_autoptr (GArray) log = NULL;
  SynthOpenaiOptions options;
  SynthSimStats stats;
  gint64 first = 0, last = 0;
  double elapsed_min;
  guint n = 0;
  Run run;

  synth_sim_set_rate_limits (sim, 60, 0);
  options_for_tests (&options);
  options.requests_per_minute = 60;
  run_init (&run);
  run_provider (store, &options, &run);
  g_assert_no_error (run.error);
  check_records (store);

  synth_sim_get_stats (sim, &stats);
  log = synth_sim_dup_request_log (sim);
  for (guint i = 0; i < log->len; i++)
    {
      SynthSimRequestInfo *info = &g_array_index (log, SynthSimRequestInfo, i);
      if (first == 0)
        first = info->received_us;
      last = info->received_us;
      n++;
    }
  elapsed_min = (last - first) / 6e7;
  g_test_message ("%u requests in %.1f s, %" G_GUINT64_FORMAT " answered 429", n, elapsed_min * 60,
                  stats.rate_limited);
  /* A full bucket (60) at the start, then one a second: never more. */
  g_assert_cmpuint (stats.rate_limited, <=, 2);
  g_assert_cmpfloat (n - stats.rate_limited, <=, 60 + 60 * elapsed_min + 1);
  g_assert_cmpfloat (elapsed_min * 60, >=, (66 - 60) * 0.9 - 1);
  run_clear (&run);
  stop_sim (sim);
}

static void
test_429_storm (void)
{
  SynthSim *sim = start_sim ();
  g_autoptr (SynthRunStore) store =
      make_store_full (sim, NULL, MODEL, "textual=1,skill_match=1", 24, 2, 6, 0);
  g_autoptr (GArray) log = NULL;
  SynthOpenaiOptions options;
  SynthSimStats stats;
  Run run;

  /* Two streams at a time, each slow to start: a client sending six at
   * once is answered 429 with the time until a stream ends. */
  synth_sim_set_max_streams (sim, 2);
  synth_sim_set_ttft_ms (sim, 300);
  options_for_tests (&options);
  run_init (&run);
  run_provider (store, &options, &run);
  g_assert_no_error (run.error);
  check_records (store);

  synth_sim_get_stats (sim, &stats);
  log = synth_sim_dup_request_log (sim);
  g_test_message ("%" G_GUINT64_FORMAT " requests, %" G_GUINT64_FORMAT " answered 429, %u pauses",
                  stats.requests, stats.rate_limited, run.pauses->len);
  g_assert_cmpuint (stats.rate_limited, >, 0);
  g_assert_cmpuint (run.pauses->len, >, 0);
  /* The whole run waited: no request reached the server during a pause
   * (a margin for requests already on their way when the 429 came). */
  for (guint p = 0; p < run.pauses->len; p++)
    {
      Pause *pause = &g_array_index (run.pauses, Pause, p);
      for (guint i = 0; i < log->len; i++)
        {
          SynthSimRequestInfo *info = &g_array_index (log, SynthSimRequestInfo, i);
          g_assert_false (info->received_us > pause->at_us + IN_FLIGHT_MARGIN_US &&
                          info->received_us < pause->at_us + pause->wait_ms * 1000 - 2000);
        }
    }
  /* Backing off, not hammering: a few 429s per pause at most. */
  g_assert_cmpuint (stats.rate_limited, <=, 6 * run.pauses->len);
  run_clear (&run);
  stop_sim (sim);
}

static void
test_budget (void)
{
  SynthSim *sim = start_sim ();
  g_autoptr (SynthRunStore) store = make_store (sim, NULL, 100, 10, 4, 10.0);
  g_autoptr (SynthUsage) usage = NULL;
  SynthOpenaiOptions options;
  guint done;
  Run run;

  options_for_tests (&options);
  options.price_in = 100;
  options.price_out = 400;
  run_init (&run);
  run_provider (store, &options, &run);
  g_assert_error (run.error, SYNTH_API_ERROR, SYNTH_API_ERROR_BUDGET);
  g_assert_nonnull (strstr (run.error->message, "budget"));
  usage = synth_run_store_dup_usage (store);
  done = synth_run_store_count_done (store);
  g_test_message ("stopped at $%.3f with %u records", usage->cost, done);
  g_assert_cmpfloat (usage->cost, <=, 10.0);
  g_assert_cmpfloat (usage->cost, >, 0);
  g_assert_cmpuint (done, >, 0);
  g_assert_cmpuint (done, <, 100);
  run_clear (&run);

  /* Raised, the same run finishes. */
  options.budget = 0;
  run_init (&run);
  run_provider (store, &options, &run);
  g_assert_no_error (run.error);
  check_records (store);
  run_clear (&run);
  stop_sim (sim);
}

static void
test_cancel_resume (void)
{
  SynthSim *sim = start_sim ();
  g_autoptr (SynthRunStore) store = make_store (sim, NULL, 120, 10, 4, 0);
  SynthOpenaiOptions options;
  SynthSimStats stats;
  gint64 cancelled_at;
  guint done;
  Run run;

  synth_sim_set_ttft_ms (sim, 30);
  synth_sim_set_tokens_per_second (sim, 4000);
  options_for_tests (&options);
  run_init (&run);
  run.cancel_after = 15;
  run_provider (store, &options, &run);
  cancelled_at = g_get_monotonic_time ();
  g_assert_error (run.error, SYNTH_ERROR, SYNTH_ERROR_CANCELLED);
  done = synth_run_store_count_done (store);
  g_assert_cmpuint (done, >=, 15);
  g_assert_cmpuint (done, <, 120);
  g_assert_cmpuint (done, ==, run.n_records);
  /* The requests in flight were abandoned, not waited for: the simulator
   * sees the connections close within moments. */
  do
    {
      g_usleep (10000);
      synth_sim_get_stats (sim, &stats);
    }
  /* Usually within a few ms; a sanitizer build under load needs longer. */
  while ((stats.client_disconnects == 0 || stats.active_streams > 0) &&
         g_get_monotonic_time () - cancelled_at < 5 * G_USEC_PER_SEC);
  g_test_message ("disconnects seen after %.0f ms",
                  (g_get_monotonic_time () - cancelled_at) / 1000.0);
#ifndef __SANITIZE_ADDRESS__
  /* Under AddressSanitizer the simulator may not yet have started serving
   * the abandoned requests when they are cancelled; the plain build checks it. */
  g_assert_cmpuint (stats.client_disconnects, >, 0);
#endif
  g_assert_cmpuint (stats.active_streams, ==, 0);
  run_clear (&run);

  synth_sim_set_tokens_per_second (sim, 0);
  assert_resumable (store, sim);
  stop_sim (sim);
}

static void
test_insecure (void)
{
  const char *bad[] = { "http://example.com/v1", "http://10.1.2.3:8080/v1",
                        "http://[2001:db8::1]/v1" };
  const char *good[] = { "https://example.com/v1", "http://localhost:9/v1", "http://127.0.0.1:9/v1",
                         "http://[::1]:9/v1" };
  SynthOpenaiOptions options;

  options_for_tests (&options);
  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr (SynthRunStore) store = make_store (NULL, bad[i], 10, 10, 1, 0);
      g_autoptr (GError) error = NULL;
      g_autoptr (SynthOpenaiProvider) provider =
          synth_openai_provider_new (store, &options, &error);

      g_assert_null (provider);
      g_assert_error (error, SYNTH_API_ERROR, SYNTH_API_ERROR_INSECURE);
      g_assert_nonnull (strstr (error->message, "https"));
      g_assert_null (strstr (error->message, TEST_KEY));
    }
  for (guint i = 0; i < G_N_ELEMENTS (good); i++)
    {
      g_autoptr (SynthRunStore) store = make_store (NULL, good[i], 10, 10, 1, 0);
      g_autoptr (GError) error = NULL;
      g_autoptr (SynthOpenaiProvider) provider =
          synth_openai_provider_new (store, &options, &error);

      g_assert_no_error (error);
      g_assert_nonnull (provider);
    }
  {
    /* Without a key there is nothing to protect: a plain-http local network
     * server is fine. */
    g_autoptr (SynthRunStore) store = make_store (NULL, bad[1], 10, 10, 1, 0);
    g_autoptr (GError) error = NULL;
    g_autoptr (SynthOpenaiProvider) provider = NULL;

    options.api_key = NULL;
    provider = synth_openai_provider_new (store, &options, &error);
    g_assert_no_error (error);
  }
}

/* ---- the key stays out of every file and log -------------------------------- */

static GMutex log_lock;
static GString *log_capture;

static GLogWriterOutput
capture_writer (GLogLevelFlags level, const GLogField *fields, gsize n_fields, gpointer user_data)
{
  g_mutex_lock (&log_lock);
  if (log_capture != NULL)
    for (gsize i = 0; i < n_fields; i++)
      if (g_strcmp0 (fields[i].key, "MESSAGE") == 0)
        {
          g_string_append_len (log_capture, fields[i].value, fields[i].length);
          g_string_append_c (log_capture, '\n');
        }
  g_mutex_unlock (&log_lock);
  return g_log_writer_default (level, fields, n_fields, user_data);
}

static void
test_key_never_written (void)
{
  SynthSim *sim = start_sim ();
  g_autoptr (SynthRunStore) store = make_store (sim, NULL, 40, 10, 4, 0);
  g_autofree char *csv = g_build_filename (tmp_dir, "leak.csv", NULL);
  g_autoptr (GError) error = NULL;
  SynthExportOptions export;
  SynthExportResult result = { 0 };
  g_autoptr (GString) logs = NULL;
  SynthOpenaiOptions options;
  Run run;

  g_setenv ("SYNTH_DEBUG_HTTP", "body", TRUE);
  g_mutex_lock (&log_lock);
  log_capture = g_string_new (NULL);
  g_mutex_unlock (&log_lock);

  synth_sim_set_fault_rates (sim, 0.1,
                             (1u << SYNTH_SIM_FAULT_5XX) | (1u << SYNTH_SIM_FAULT_WRONG_SLOT));
  options_for_tests (&options);
  run_init (&run);
  run_provider (store, &options, &run);
  g_assert_no_error (run.error);
  run_clear (&run);

  /* A wrong key too: its error must not quote it. */
  g_clear_object (&store);
  store = make_store (sim, NULL, 10, 10, 1, 0);
  options.api_key = "sk-wrong-leaky-key-9876543210";
  run_init (&run);
  run_provider (store, &options, &run);
  g_assert_error (run.error, SYNTH_API_ERROR, SYNTH_API_ERROR_AUTH);
  g_assert_null (strstr (run.error->message, "leaky"));
  run_clear (&run);

  g_unsetenv ("SYNTH_DEBUG_HTTP");
  g_mutex_lock (&log_lock);
  logs = g_steal_pointer (&log_capture);
  g_mutex_unlock (&log_lock);
  g_assert_nonnull (strstr (logs->str, "Authorization: [redacted]"));
  g_assert_nonnull (strstr (logs->str, "chat/completions"));
  g_assert_null (strstr (logs->str, TEST_KEY));
  g_assert_null (strstr (logs->str, "leaky"));

  synth_export_options_init (&export);
  g_assert_true (synth_export_run (store, csv, &export, &result, &error));
  g_assert_no_error (error);
  g_clear_object (&store);
  {
    g_autoptr (GDir) dir = g_dir_open (tmp_dir, 0, &error);
    const char *name;

    g_assert_no_error (error);
    while ((name = g_dir_read_name (dir)) != NULL)
      {
        g_autofree char *path = g_build_filename (tmp_dir, name, NULL);
        g_assert_false (synth_test_file_contains (path, TEST_KEY));
        g_assert_false (synth_test_file_contains (path, "leaky"));
      }
  }
  g_assert_true (g_file_test (result.stats_path, G_FILE_TEST_EXISTS));
  synth_export_result_clear (&result);
  stop_sim (sim);
}

/* ---- what the run keeps, and a server that cannot be reached ------------------ */

/* A loopback URL where nothing listens: a port just freed. */
static char *
closed_port_url (void)
{
  g_autoptr (GSocketListener) listener = g_socket_listener_new ();
  g_autoptr (GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr (GSocketAddress) address = g_inet_socket_address_new (loopback, 0);
  g_autoptr (GSocketAddress) effective = NULL;
  g_autoptr (GError) error = NULL;
  guint port;

  g_socket_listener_add_address (listener, address, G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP,
                                 NULL, &effective, &error);
  g_assert_no_error (error);
  port = g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (effective));
  g_socket_listener_close (listener);
  return g_strdup_printf ("http://127.0.0.1:%u/v1", port);
}

static gboolean
messages_contain (Run *run, const char *needle)
{
  for (guint i = 0; i < run->messages->len; i++)
    if (strstr (run->messages->pdata[i], needle) != NULL)
      return TRUE;
  return FALSE;
}

/* The stored spec, changed by @edit, written back through the store. */
static void
update_spec (SynthRunStore *store, void (*edit) (SynthRunSpec *spec, gpointer data), gpointer data)
{
  g_autoptr (SynthRunSpec) spec = synth_run_store_dup_spec (store);
  g_autoptr (GError) error = NULL;

  edit (spec, data);
  g_assert_true (synth_run_store_update_spec (store, spec, &error));
  g_assert_no_error (error);
}

static void
set_base_url (SynthRunSpec *spec, gpointer url)
{
  g_free (spec->base_url);
  spec->base_url = g_strdup (url);
}

/* Connection refused is the server's absence, not the model's failure: the
 * slots keep their attempts (two would otherwise end the run with "the
 * model gave no valid record"), the run waits and tries SYNTH_OPENAI_
 * UNREACHABLE_TRIES times, then stops naming the URL, every slot pending.
 * Pointed at a server that works, the same run finishes. */
static void
test_unreachable (void)
{
  g_autofree char *url = closed_port_url ();
  g_autoptr (SynthRunStore) store = make_store (NULL, url, 30, 5, 4, 0);
  g_autoptr (GArray) pending = NULL;
  g_autoptr (SynthUsage) usage = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *last_try = NULL;
  SynthOpenaiOptions options;
  SynthSim *sim;
  gint64 start;
  Run run;

  options_for_tests (&options);
  options.max_attempts = 2;
  options.stream = FALSE; /* quicker under the sanitizers; the same either way */
  run_init (&run);
  start = g_get_monotonic_time ();
  run_provider (store, &options, &run);
  g_assert_error (run.error, SYNTH_API_ERROR, SYNTH_API_ERROR_NETWORK);
  g_test_message ("%s", run.error->message);
  g_assert_nonnull (strstr (run.error->message, url));
  g_assert_nonnull (strstr (run.error->message, "can’t be reached"));
  g_assert_nonnull (strstr (run.error->message, "Resume the run"));
  g_assert_null (strstr (run.error->message, "model gave"));
  /* It waited between its tries: 0.5 + 1 + 2 s, less up to a quarter of jitter. */
  g_assert_cmpint (g_get_monotonic_time () - start, >=, 2625 * 1000);
  last_try = g_strdup_printf ("try %u of %u", SYNTH_OPENAI_UNREACHABLE_TRIES,
                              SYNTH_OPENAI_UNREACHABLE_TRIES);
  g_assert_true (messages_contain (&run, last_try));
  g_assert_cmpuint (synth_run_store_count_done (store), ==, 0);
  pending = synth_run_store_list_pending (store, 0, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (pending->len, ==, 30);
  usage = synth_run_store_dup_usage (store);
  g_assert_cmpuint (synth_usage_get_failure (usage, "network"), >=, SYNTH_OPENAI_UNREACHABLE_TRIES);
  run_clear (&run);

  sim = start_sim ();
  synth_sim_set_tokens_per_second (sim, 100000);
  update_spec (store, set_base_url, (gpointer) synth_sim_get_base_url (sim));
  run_init (&run);
  run_provider (store, &options, &run);
  g_assert_no_error (run.error);
  check_records (store);
  run_clear (&run);
  stop_sim (sim);
}

typedef struct
{
  double price_in, price_out;
} Prices;

static void
set_prices (SynthRunSpec *spec, gpointer data)
{
  Prices *prices = data;
  spec->price_in = prices->price_in;
  spec->price_out = prices->price_out;
}

static void
assert_cost_at (SynthRunStore *store, double price_in, double price_out)
{
  g_autoptr (SynthUsage) usage = synth_run_store_dup_usage (store);
  double expected = (usage->prompt_tokens * price_in + usage->completion_tokens * price_out) / 1e6;

  g_assert_cmpuint (usage->completion_tokens, >, 0);
  g_assert_cmpfloat_with_epsilon (usage->cost, expected, expected * 1e-9);
}

/* Prices kept in the spec are used when the options give none, and
 * options that give some win. */
static void
test_stored_prices (void)
{
  SynthSim *sim = start_sim ();
  g_autoptr (SynthRunStore) stored = make_store (sim, NULL, 20, 10, 2, 0);
  g_autoptr (SynthRunStore) given = make_store (sim, NULL, 20, 10, 2, 0);
  Prices prices = { 3.0, 7.0 };
  SynthOpenaiOptions options;
  Run run;

  synth_sim_set_tokens_per_second (sim, 100000);
  update_spec (stored, set_prices, &prices);
  update_spec (given, set_prices, &prices);
  options_for_tests (&options);
  options.stream = FALSE; /* quicker under the sanitizers; the same either way */
  run_init (&run);
  run_provider (stored, &options, &run);
  g_assert_no_error (run.error);
  run_clear (&run);
  assert_cost_at (stored, 3.0, 7.0);

  options.price_in = 1.0;
  options.price_out = 2.0;
  run_init (&run);
  run_provider (given, &options, &run);
  g_assert_no_error (run.error);
  run_clear (&run);
  assert_cost_at (given, 1.0, 2.0);
  stop_sim (sim);
}

/* ---- through SynthRun ---------------------------------------------------------- */

static void
on_batch (SynthRun *run, GPtrArray *records, guint *counts)
{
  counts[0]++;
  counts[1] += records->len;
}

static void
test_synth_run (void)
{
  SynthSim *sim = start_sim ();
  g_autoptr (SynthRunStore) store = make_store (sim, NULL, 80, 20, 4, 0);
  g_autoptr (SynthRun) run = synth_run_new (store);
  g_autoptr (GError) error = NULL;
  g_autoptr (SynthUsage) usage = NULL;
  SynthOpenaiOptions options;
  guint counts[2] = { 0, 0 };

  synth_sim_set_tokens_per_second (sim, 40000);
  options_for_tests (&options);
  synth_run_set_api_key (run, TEST_KEY);
  synth_run_set_openai_options (run, &options);
  g_signal_connect (run, "batch-committed", G_CALLBACK (on_batch), counts);
  g_assert_true (synth_run_execute (run, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpint (synth_run_get_state (run), ==, SYNTH_RUN_FINISHED);
  g_assert_cmpuint (synth_run_get_n_done (run), ==, 80);
  g_assert_cmpuint (counts[1], ==, 80);
  /* Records came in small groups as they streamed, not four batches. */
  g_assert_cmpuint (counts[0], >, 4);
  check_records (store);
  usage = synth_run_dup_usage (run);
  g_assert_cmpuint (usage->completion_tokens, >, 0);
  g_assert_cmpfloat (usage->wall_seconds, >, 0);
  stop_sim (sim);
}

int
main (int argc, char **argv)
{
  int status;

  g_log_set_writer_func (capture_writer, NULL, NULL);
  g_test_init (&argc, &argv, NULL);
  tmp_dir = g_dir_make_tmp ("test-openai-provider-XXXXXX", NULL);
  g_test_add_func ("/openai-provider/happy/streamed", test_happy_streamed);
  g_test_add_func ("/openai-provider/happy/plain", test_happy_plain);
  g_test_add_func ("/openai-provider/stop/bad-key", test_bad_key);
  g_test_add_func ("/openai-provider/stop/unknown-model", test_unknown_model);
  g_test_add_func ("/openai-provider/stop/quota", test_quota);
  g_test_add_func ("/openai-provider/fallback/json-object", test_fallback_json_object);
  g_test_add_func ("/openai-provider/fallback/max-tokens", test_fallback_max_tokens);
  g_test_add_func ("/openai-provider/faults", test_faults);
  g_test_add_func ("/openai-provider/limits/rpm", test_rpm_limit);
  g_test_add_func ("/openai-provider/limits/429-storm", test_429_storm);
  g_test_add_func ("/openai-provider/budget", test_budget);
  g_test_add_func ("/openai-provider/cancel-resume", test_cancel_resume);
  g_test_add_func ("/openai-provider/insecure", test_insecure);
  g_test_add_func ("/openai-provider/key-never-written", test_key_never_written);
  g_test_add_func ("/openai-provider/synth-run", test_synth_run);
  g_test_add_func ("/openai-provider/stop/unreachable", test_unreachable);
  g_test_add_func ("/openai-provider/stored-prices", test_stored_prices);
  status = g_test_run ();
  {
    g_autofree char *cmd = g_strdup_printf ("rm -rf '%s'", tmp_dir);
    if (system (cmd) != 0)
      g_printerr ("could not remove %s\n", tmp_dir);
  }
  g_free (tmp_dir);
  return status;
}
