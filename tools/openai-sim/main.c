/* openai-sim — the simulator as a program, for scripts, soak tests and
 * benchmarks. Prints the base URL as its first line, then serves until
 * SIGTERM or SIGINT. */
#include <glib-unix.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>

#include "synth-sim.h"

static gboolean
quit_cb (gpointer data)
{
  g_main_loop_quit (data);
  return G_SOURCE_REMOVE;
}

typedef struct
{
  int port;
  gboolean print_url;
  int rpm, tpm, ttft_ms, max_streams, stall_ms;
  double tokens_per_second, fault_rate;
  char *fault_kinds;
  gboolean no_json_schema, no_max_completion_tokens, quota_exhausted, print_stats;
  char *api_key, *models, *config;
  gint64 seed;
} Options;

static gboolean
configure (SynthSim *sim, Options *o, GError **error)
{
  guint mask = (1u << SYNTH_SIM_N_FAULTS) - 1;

  if (o->fault_kinds != NULL && !synth_sim_parse_fault_kinds (o->fault_kinds, &mask, error))
    return FALSE;
  if (o->rpm < 0 || o->tpm < 0 || o->ttft_ms < 0 || o->max_streams < 0 || o->stall_ms < 0 ||
      o->tokens_per_second < 0 || o->fault_rate < 0 || o->fault_rate > 1)
    {
      g_set_error_literal (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                           "Limits, times and speeds must not be negative, and --fault-rate "
                           "must be between 0 and 1");
      return FALSE;
    }
  synth_sim_set_port (sim, o->port);
  synth_sim_set_rate_limits (sim, o->rpm, o->tpm);
  synth_sim_set_ttft_ms (sim, o->ttft_ms);
  synth_sim_set_tokens_per_second (sim, o->tokens_per_second);
  synth_sim_set_max_streams (sim, o->max_streams);
  synth_sim_set_stall_ms (sim, o->stall_ms);
  synth_sim_set_fault_rates (sim, o->fault_rate, mask);
  synth_sim_set_json_schema_supported (sim, !o->no_json_schema);
  synth_sim_set_max_completion_tokens_supported (sim, !o->no_max_completion_tokens);
  synth_sim_set_quota_exhausted (sim, o->quota_exhausted);
  synth_sim_set_seed (sim, (guint64) o->seed);
  /* The key may also come from the environment, so it stays out of `ps`. */
  synth_sim_set_api_key (sim, o->api_key != NULL ? o->api_key : g_getenv ("OPENAI_SIM_API_KEY"));
  if (o->models != NULL)
    {
      g_auto (GStrv) models = g_strsplit (o->models, ",", -1);
      synth_sim_set_models (sim, (const char *const *) models);
    }
  if (o->config != NULL)
    {
      g_autofree char *json = NULL;
      if (!g_file_get_contents (o->config, &json, NULL, error) ||
          !synth_sim_apply_config_json (sim, json, error))
        return FALSE;
    }
  return TRUE;
}

int
main (int argc, char **argv)
{
  Options o = { .rpm = 10000, .tpm = 10000000, .stall_ms = 300000, .seed = 42 };
  GOptionEntry entries[] = {
    { "port", 0, 0, G_OPTION_ARG_INT, &o.port, "Port on 127.0.0.1 (0: any free one)", "N" },
    { "print-url", 0, 0, G_OPTION_ARG_NONE, &o.print_url, "Print the base URL on the first line",
      NULL },
    { "rpm", 0, 0, G_OPTION_ARG_INT, &o.rpm, "Requests per minute (0: unlimited)", "N" },
    { "tpm", 0, 0, G_OPTION_ARG_INT, &o.tpm, "Tokens per minute (0: unlimited)", "N" },
    { "ttft-ms", 0, 0, G_OPTION_ARG_INT, &o.ttft_ms, "Time to first token", "MS" },
    { "tokens-per-second", 0, 0, G_OPTION_ARG_DOUBLE, &o.tokens_per_second,
      "Output speed per stream (0: instant)", "N" },
    { "max-streams", 0, 0, G_OPTION_ARG_INT, &o.max_streams,
      "Completions in flight at once, beyond it 429 (0: unlimited)", "N" },
    { "fault-rate", 0, 0, G_OPTION_ARG_DOUBLE, &o.fault_rate,
      "Probability of each chosen fault kind per completion", "R" },
    { "fault-kinds", 0, 0, G_OPTION_ARG_STRING, &o.fault_kinds,
      "5xx,stall,drop,malformed,truncated,wrong-slot or all (default all)", "LIST" },
    { "stall-ms", 0, 0, G_OPTION_ARG_INT, &o.stall_ms, "How long a stall lasts", "MS" },
    { "no-json-schema", 0, 0, G_OPTION_ARG_NONE, &o.no_json_schema,
      "Refuse response_format json_schema with 400", NULL },
    { "no-max-completion-tokens", 0, 0, G_OPTION_ARG_NONE, &o.no_max_completion_tokens,
      "Refuse max_completion_tokens as an unknown parameter", NULL },
    { "quota-exhausted", 0, 0, G_OPTION_ARG_NONE, &o.quota_exhausted,
      "Answer every completion 429 insufficient_quota", NULL },
    { "api-key", 0, 0, G_OPTION_ARG_STRING, &o.api_key,
      "The only key accepted (default: $OPENAI_SIM_API_KEY, else any)", "KEY" },
    { "models", 0, 0, G_OPTION_ARG_STRING, &o.models, "Comma-separated model ids", "LIST" },
    { "seed", 0, 0, G_OPTION_ARG_INT64, &o.seed, "Seed of everything random", "N" },
    { "config", 0, 0, G_OPTION_ARG_FILENAME, &o.config, "JSON file as for POST /sim/config",
      "FILE" },
    { "print-stats", 0, 0, G_OPTION_ARG_NONE, &o.print_stats,
      "Print the counters as JSON on stderr when stopping", NULL },
    { NULL },
  };
  g_autoptr (GOptionContext) context = g_option_context_new ("— an OpenAI-compatible simulator");
  g_autoptr (GError) error = NULL;
  g_autoptr (SynthSim) sim = NULL;
  g_autoptr (GMainLoop) loop = NULL;

  setlocale (LC_ALL, "");
  g_option_context_add_main_entries (context, entries, NULL);
  g_option_context_set_description (
      context, "Endpoints: GET /v1/models, POST /v1/chat/completions;\n"
               "GET /sim/stats, GET /sim/log, GET|POST /sim/config, POST /sim/reset.\n");
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      g_printerr ("openai-sim: %s\n", error->message);
      return 2;
    }

  sim = synth_sim_new ();
  if (!configure (sim, &o, &error) || !synth_sim_start (sim, &error))
    {
      g_printerr ("openai-sim: %s\n", error->message);
      return 1;
    }
  if (o.print_url)
    {
      printf ("%s\n", synth_sim_get_base_url (sim));
      fflush (stdout);
    }
  else
    g_printerr ("openai-sim: listening on %s\n", synth_sim_get_base_url (sim));

  loop = g_main_loop_new (NULL, FALSE);
  g_unix_signal_add (SIGTERM, quit_cb, loop);
  g_unix_signal_add (SIGINT, quit_cb, loop);
  g_main_loop_run (loop);

  synth_sim_stop (sim);
  if (o.print_stats)
    {
      g_autofree char *stats = synth_sim_dup_stats_json (sim);
      g_printerr ("%s\n", stats);
    }
  g_free (o.fault_kinds);
  g_free (o.api_key);
  g_free (o.models);
  g_free (o.config);
  return 0;
}
