/* throughput.c — how close the scheduler gets to an endpoint's rate
 * limits. Runs the OpenAI provider against the in-process simulator with
 * realistic latency (first token 0.5 s, 60 tokens/s per stream) and RPM/TPM
 * limits, at concurrency 1 (a one-request-at-a-time client, like the
 * original Python script) and at higher levels, and prints ratios, never
 * pass/fail:
 *
 *   requests/min ÷ RPM and tokens/min ÷ TPM — achieved over the most the
 *     limits allow in the same window (a full bucket at the start plus the
 *     refill: limit × (1 + minutes)), so 1.00 is a perfectly saturating client;
 *     the window pays for the start and for the requests cut off at the
 *     deadline, so a longer window reads higher;
 *   the share of requests answered 429;
 *   records/s;
 *   the time from the start to the first record committed, next to the
 *     simulator's own time to its first record.
 *
 * Usage: throughput [--seconds S] [--rpm N] [--tpm N] [--ttft-ms MS] [--tps N] [--batch N]
 *                   [--levels 1,8,32,64] */
#include <stdio.h>

#include "synth-openai-client.h"
#include "synth-openai-provider.h"
#include "synth-run-store.h"
#include "synth-sim.h"

typedef struct
{
  double seconds;
  int rpm, tpm, ttft_ms, tps, batch;
  char *dir;
} Config;

typedef struct
{
  GCancellable *cancellable;
  gboolean done;
  gint64 started_us;
  gint64 first_record_us;
  guint records;
} Bench;

static void
on_records (SynthOpenaiProvider *provider, GPtrArray *records, Bench *bench)
{
  if (bench->first_record_us == 0)
    bench->first_record_us = g_get_monotonic_time ();
  bench->records += records->len;
}

static void
on_done (GObject *source, GAsyncResult *result, gpointer user_data)
{
  Bench *bench = user_data;

  synth_openai_provider_run_finish (SYNTH_OPENAI_PROVIDER (source), result, NULL);
  bench->done = TRUE;
}

static gboolean
on_deadline (gpointer user_data)
{
  g_cancellable_cancel (((Bench *) user_data)->cancellable);
  return G_SOURCE_REMOVE;
}

static guint64
tokens_of (const SynthSimStats *stats)
{
  return stats->prompt_tokens + stats->completion_tokens;
}

static SynthRunStore *
make_store (const Config *config, const char *base_url, guint concurrency)
{
  g_autoptr (SynthRunSpec) spec = synth_run_spec_new ();
  g_autoptr (SynthSlotPlan) plan = NULL;
  g_autofree char *run_id = synth_run_store_new_run_id ();
  g_autofree char *path = NULL;
  g_autoptr (GError) error = NULL;
  SynthRunStore *store;

  /* More records than the window can finish: the run is cut by time. */
  spec->records = 20000;
  spec->batch_size = config->batch;
  spec->concurrency = concurrency;
  spec->short_ratio = 1.0;
  g_free (spec->provider);
  spec->provider = g_strdup ("openai");
  spec->model = g_strdup ("gpt-4o-mini");
  spec->base_url = g_strdup (base_url);
  plan = synth_slot_plan_new_balanced (spec, &error);
  path = g_strdup_printf ("%s/%s-c%u.db", config->dir, run_id, concurrency);
  store = plan != NULL ? synth_run_store_create (path, run_id, spec, plan, &error) : NULL;
  if (store == NULL)
    g_error ("cannot create a run store: %s", error->message);
  return store;
}

static void
bench_one (const Config *config, guint concurrency)
{
  g_autoptr (SynthSim) sim = synth_sim_new ();
  g_autoptr (SynthRunStore) store = NULL;
  g_autoptr (SynthOpenaiProvider) provider = NULL;
  g_autoptr (GError) error = NULL;
  SynthOpenaiOptions options;
  SynthSimStats stats;
  Bench bench = { 0 };
  double minutes, req_ratio, tok_ratio, sim_first_ms;
  guint64 admitted;

  synth_sim_set_ttft_ms (sim, config->ttft_ms);
  synth_sim_set_tokens_per_second (sim, config->tps);
  synth_sim_set_rate_limits (sim, config->rpm, config->tpm);
  if (!synth_sim_start_in_thread (sim, &error))
    g_error ("simulator: %s", error->message);
  store = make_store (config, synth_sim_get_base_url (sim), concurrency);

  /* The user knows the limits of their tier; the headers refine them. */
  synth_openai_options_init (&options);
  options.requests_per_minute = config->rpm;
  options.tokens_per_minute = config->tpm;
  provider = synth_openai_provider_new (store, &options, &error);
  if (provider == NULL)
    g_error ("provider: %s", error->message);
  g_signal_connect (provider, "records-committed", G_CALLBACK (on_records), &bench);
  bench.cancellable = g_cancellable_new ();
  bench.started_us = g_get_monotonic_time ();
  g_timeout_add ((guint) (config->seconds * 1000), on_deadline, &bench);
  synth_openai_provider_run_async (provider, bench.cancellable, on_done, &bench);
  while (!bench.done)
    g_main_context_iteration (NULL, TRUE);

  minutes = (g_get_monotonic_time () - bench.started_us) / 6e7;
  synth_sim_get_stats (sim, &stats);
  synth_sim_stop (sim);
  admitted = stats.completions;
  req_ratio = config->rpm > 0 ? admitted / (config->rpm * (1 + minutes)) : 0;
  tok_ratio = config->tpm > 0 ? tokens_of (&stats) / (config->tpm * (1 + minutes)) : 0;
  sim_first_ms = stats.first_record_count > 0
                     ? stats.first_record_us_total / 1000.0 / stats.first_record_count
                     : -1;
  printf ("%11u  %8.2f  %8.2f  %6.1f%%  %9.2f  %10.0f  %12.0f\n", concurrency, req_ratio, tok_ratio,
          stats.requests > 0 ? 100.0 * stats.rate_limited / stats.requests : 0.0,
          bench.records / (minutes * 60),
          bench.first_record_us > 0 ? (bench.first_record_us - bench.started_us) / 1000.0 : -1,
          sim_first_ms);
  fflush (stdout);
  g_object_unref (bench.cancellable);
}

/* One request alone: how long after the simulator hands its first record to
 * the socket does the run commit it (what the table and the CLI show)? */
static void
probe_first_record (const Config *config)
{
  g_autoptr (SynthSim) sim = synth_sim_new ();
  g_autoptr (SynthRunStore) store = NULL;
  g_autoptr (SynthOpenaiProvider) provider = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (GArray) log = NULL;
  SynthOpenaiOptions options;
  SynthSimStats stats;
  Bench bench = { 0 };
  double ours_ms, sim_ms;

  synth_sim_set_ttft_ms (sim, config->ttft_ms);
  synth_sim_set_tokens_per_second (sim, config->tps);
  if (!synth_sim_start_in_thread (sim, &error))
    g_error ("simulator: %s", error->message);
  store = make_store (config, synth_sim_get_base_url (sim), 1);
  synth_openai_options_init (&options);
  provider = synth_openai_provider_new (store, &options, &error);
  g_signal_connect (provider, "records-committed", G_CALLBACK (on_records), &bench);
  bench.cancellable = g_cancellable_new ();
  bench.started_us = g_get_monotonic_time ();
  synth_openai_provider_run_async (provider, bench.cancellable, on_done, &bench);
  while (bench.first_record_us == 0)
    g_main_context_iteration (NULL, TRUE);
  g_cancellable_cancel (bench.cancellable);
  while (!bench.done)
    g_main_context_iteration (NULL, TRUE);
  synth_sim_get_stats (sim, &stats);
  log = synth_sim_dup_request_log (sim);
  synth_sim_stop (sim);
  ours_ms =
      (bench.first_record_us - g_array_index (log, SynthSimRequestInfo, 0).received_us) / 1000.0;
  sim_ms = stats.first_record_count > 0 ? stats.first_record_us_total / 1000.0 : -1;
  printf ("first record of a lone request, from its arrival at the simulator: simulator wrote it "
          "after %.1f ms, the run committed it after %.1f ms (+%.1f ms)\n",
          sim_ms, ours_ms, ours_ms - sim_ms);
  g_object_unref (bench.cancellable);
}

int
main (int argc, char **argv)
{
  Config config = { 90, 500, 40000, 500, 60, 2, NULL };
  g_autofree char *levels_arg = NULL;
  g_auto (GStrv) levels = NULL;
  GOptionEntry entries[] = {
    { "seconds", 0, 0, G_OPTION_ARG_DOUBLE, &config.seconds, "Seconds per concurrency level", "S" },
    { "rpm", 0, 0, G_OPTION_ARG_INT, &config.rpm, "The simulator's requests per minute", "N" },
    { "tpm", 0, 0, G_OPTION_ARG_INT, &config.tpm, "The simulator's tokens per minute", "N" },
    { "ttft-ms", 0, 0, G_OPTION_ARG_INT, &config.ttft_ms, "Time to first token", "MS" },
    { "tps", 0, 0, G_OPTION_ARG_INT, &config.tps, "Output tokens per second per stream", "N" },
    { "batch", 0, 0, G_OPTION_ARG_INT, &config.batch, "Records per request", "N" },
    { "levels", 0, 0, G_OPTION_ARG_STRING, &levels_arg, "Concurrency levels (1,8,32,64)", "LIST" },
    { NULL }
  };
  g_autoptr (GOptionContext) context =
      g_option_context_new ("— scheduler throughput vs rate limits");
  g_autoptr (GError) error = NULL;
  g_autofree char *cmd = NULL;

  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      g_printerr ("%s\n", error->message);
      return 2;
    }
  levels = g_strsplit (levels_arg ? levels_arg : "1,8,32,64", ",", -1);
  config.dir = g_dir_make_tmp ("bench-throughput-XXXXXX", NULL);
  printf ("simulator: RPM %d, TPM %d, first token %d ms, %d tokens/s per stream; batch %d, "
          "%.0f s per level\n",
          config.rpm, config.tpm, config.ttft_ms, config.tps, config.batch, config.seconds);
  printf ("concurrency  req÷RPM   tok÷TPM   429s    records/s  1st rec ms  sim 1st rec ms\n");
  for (guint i = 0; levels[i] != NULL; i++)
    {
      guint64 level = g_ascii_strtoull (levels[i], NULL, 10);

      if (level < 1 || level > SYNTH_CONCURRENCY_MAX)
        {
          g_printerr ("--levels: %s is not a concurrency from 1 to %u\n", levels[i],
                      SYNTH_CONCURRENCY_MAX);
          return 2;
        }
      bench_one (&config, (guint) level);
    }
  probe_first_record (&config);
  cmd = g_strdup_printf ("rm -rf '%s'", config.dir);
  if (system (cmd) != 0)
    g_printerr ("could not remove %s\n", config.dir);
  g_free (config.dir);
  return 0;
}
