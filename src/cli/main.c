/* resume-synth-cli — the headless front end over the core.
 *
 * Exit status: 0 success, 1 runtime failure, 2 invalid usage or input,
 * 130 interrupted (what is done is saved and can be resumed). */
#include "config.h"

#include <errno.h>
#include <glib-unix.h>
#include <glib/gi18n.h>
#include <inttypes.h>
#include <locale.h>
#include <stdio.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "synth-error.h"
#include "synth-export.h"
#include "synth-openai-client.h"
#include "synth-openai-provider.h"
#include "synth-run-store.h"
#include "synth-run.h"
#include "synth-secret.h"
#include "synth-slot-plan.h"

#define EXIT_RUNTIME 1
#define EXIT_USAGE 2
#define EXIT_INTERRUPTED 130

typedef struct
{
  char *records;
  char *output;
  char *provider;
  char *model;
  char *base_url;
  char *batch_size;
  char *positive_ratio;
  char *bias_mix;
  char *seed;
  char *columns;
  char *run_id;
  char *concurrency;
  char *budget;
  char *rpm;
  char *tpm;
  char *price_in;
  char *price_out;
  char *timeout;
  gboolean dry_run;
  gboolean include_rejected;
  gboolean no_formula_guard;
  gboolean eval_separate;
  gboolean crlf;
  gboolean quiet;
} Options;

static Options opt;

static void
options_clear (void)
{
  g_free (opt.records);
  g_free (opt.output);
  g_free (opt.provider);
  g_free (opt.model);
  g_free (opt.base_url);
  g_free (opt.batch_size);
  g_free (opt.positive_ratio);
  g_free (opt.bias_mix);
  g_free (opt.seed);
  g_free (opt.columns);
  g_free (opt.run_id);
  g_free (opt.concurrency);
  g_free (opt.budget);
  g_free (opt.rpm);
  g_free (opt.tpm);
  g_free (opt.price_in);
  g_free (opt.price_out);
  g_free (opt.timeout);
  memset (&opt, 0, sizeof opt);
}

static int usage_error (const char *format, ...) G_GNUC_PRINTF (1, 2);

static int
usage_error (const char *format, ...)
{
  va_list args;
  g_autofree char *msg = NULL;

  va_start (args, format);
  msg = g_strdup_vprintf (format, args);
  va_end (args);
  g_printerr ("resume-synth-cli: %s\n", msg);
  return EXIT_USAGE;
}

static int
runtime_error (const GError *error)
{
  g_printerr ("resume-synth-cli: %s\n", error->message);
  if (g_error_matches (error, SYNTH_ERROR, SYNTH_ERROR_INVALID_ARGUMENT) ||
      g_error_matches (error, SYNTH_ERROR, SYNTH_ERROR_NOT_FOUND) ||
      g_error_matches (error, SYNTH_ERROR, SYNTH_ERROR_PARSE))
    return EXIT_USAGE;
  return EXIT_RUNTIME;
}

/* ---- value parsing ------------------------------------------------------ */

static gboolean
parse_uint (
    const char *flag, const char *text, guint64 min, guint64 max, guint64 *out, GError **error)
{
  guint64 v;
  g_autoptr (GError) local = NULL;

  if (!g_ascii_string_to_unsigned (text, 10, 0, G_MAXUINT64, &v, &local) || v < min || v > max)
    {
      g_set_error (error, SYNTH_ERROR, SYNTH_ERROR_INVALID_ARGUMENT,
                   _ ("%s: “%s” is not valid; give a whole number from %" PRIu64 " to %" PRIu64),
                   flag, text, min, max);
      return FALSE;
    }
  *out = v;
  return TRUE;
}

static gboolean
parse_double (
    const char *flag, const char *text, double min, double max, double *out, GError **error)
{
  char *end = NULL;
  double v = g_ascii_strtod (text, &end);

  if (text[0] == '\0' || end == NULL || *end != '\0' || !(v >= min && v <= max))
    {
      g_set_error (error, SYNTH_ERROR, SYNTH_ERROR_INVALID_ARGUMENT,
                   _ ("%s: “%s” is not valid; give a number from %g to %g"), flag, text, min, max);
      return FALSE;
    }
  *out = v;
  return TRUE;
}

/* Rate limits, prices and timeout for the openai provider; the key is set
 * apart. @budget_override: --budget given to resume raises (or lifts) the cap. */
static gboolean
openai_options_from_options (SynthOpenaiOptions *options, gboolean budget_override, GError **error)
{
  double timeout = 0;

  synth_openai_options_init (options);
  if (opt.rpm && !parse_double ("--rpm", opt.rpm, 0, 1e9, &options->requests_per_minute, error))
    return FALSE;
  if (opt.tpm && !parse_double ("--tpm", opt.tpm, 0, 1e12, &options->tokens_per_minute, error))
    return FALSE;
  if (opt.price_in && !parse_double ("--price-in", opt.price_in, 0, 1e6, &options->price_in, error))
    return FALSE;
  if (opt.price_out &&
      !parse_double ("--price-out", opt.price_out, 0, 1e6, &options->price_out, error))
    return FALSE;
  if (opt.timeout && !parse_double ("--timeout", opt.timeout, 1, 3600, &timeout, error))
    return FALSE;
  options->timeout_ms = (guint) (timeout * 1000);
  if (budget_override && opt.budget &&
      !parse_double ("--budget", opt.budget, 0, 1e9, &options->budget, error))
    return FALSE;
  return TRUE;
}

/* Builds the spec from the options; every bad value is named with its range. */
static SynthRunSpec *
spec_from_options (GError **error)
{
  g_autoptr (SynthRunSpec) spec = synth_run_spec_new ();
  guint64 v;

  if (opt.records == NULL)
    {
      g_set_error (error, SYNTH_ERROR, SYNTH_ERROR_INVALID_ARGUMENT,
                   _ ("--records is required: how many records to generate (1 to %u)"),
                   SYNTH_RECORDS_MAX);
      return NULL;
    }
  if (!parse_uint ("--records", opt.records, 1, SYNTH_RECORDS_MAX, &v, error))
    return NULL;
  spec->records = (guint) v;
  if (opt.batch_size)
    {
      if (!parse_uint ("--batch-size", opt.batch_size, 1, SYNTH_BATCH_SIZE_MAX, &v, error))
        return NULL;
      spec->batch_size = (guint) v;
    }
  if (opt.concurrency)
    {
      if (!parse_uint ("--concurrency", opt.concurrency, 1, SYNTH_CONCURRENCY_MAX, &v, error))
        return NULL;
      spec->concurrency = (guint) v;
    }
  if (opt.seed)
    {
      if (!parse_uint ("--seed", opt.seed, 0, G_MAXUINT64, &v, error))
        return NULL;
      spec->seed = v;
    }
  if (opt.positive_ratio &&
      !parse_double ("--positive-ratio", opt.positive_ratio, 0, 1, &spec->positive_ratio, error))
    return NULL;
  if (opt.budget && !parse_double ("--budget", opt.budget, 0, 1e9, &spec->budget, error))
    return NULL;
  if (opt.bias_mix)
    {
      g_autoptr (GError) local = NULL;
      SynthBiasMix *mix = synth_bias_mix_parse (opt.bias_mix, &local);
      if (mix == NULL)
        {
          g_set_error (error, SYNTH_ERROR, SYNTH_ERROR_INVALID_ARGUMENT, "--bias-mix: %s",
                       local->message);
          return NULL;
        }
      synth_bias_mix_free (spec->bias_mix);
      spec->bias_mix = mix;
    }
  if (opt.provider)
    {
      g_free (spec->provider);
      spec->provider = g_strdup (opt.provider);
    }
  spec->model = g_strdup (opt.model);
  spec->base_url = g_strdup (opt.base_url);
  if (!synth_run_spec_validate (spec, error))
    return NULL;
  return g_steal_pointer (&spec);
}

static gboolean
export_options_from_options (SynthExportOptions *export, GError **error)
{
  synth_export_options_init (export);
  if (opt.columns && !synth_csv_options_parse_columns (&export->csv, opt.columns, error))
    return FALSE;
  export->csv.formula_guard = !opt.no_formula_guard;
  export->csv.include_rejected = opt.include_rejected;
  export->csv.crlf = opt.crlf;
  export->eval_separate = opt.eval_separate;
  return TRUE;
}

/* Fails early, before any generation, when the output cannot be written. */
static gboolean
check_output_path (const char *path, GError **error)
{
  g_autofree char *dir = g_path_get_dirname (path);

  if (g_file_test (path, G_FILE_TEST_IS_DIR))
    {
      g_set_error (error, SYNTH_ERROR, SYNTH_ERROR_INVALID_ARGUMENT,
                   _ ("--output: “%s” is a directory; give a file name such as %s/data.csv"), path,
                   path);
      return FALSE;
    }
  if (!g_file_test (dir, G_FILE_TEST_IS_DIR))
    {
      g_set_error (error, SYNTH_ERROR, SYNTH_ERROR_INVALID_ARGUMENT,
                   _ ("--output: the folder “%s” does not exist; create it or choose another path"),
                   dir);
      return FALSE;
    }
  if (access (dir, W_OK) != 0)
    {
      int saved = errno;
      g_set_error (error, SYNTH_ERROR, SYNTH_ERROR_INVALID_ARGUMENT,
                   _ ("--output: cannot write to the folder “%s” (%s); choose another path"), dir,
                   g_strerror (saved));
      return FALSE;
    }
  return TRUE;
}

/* ---- running ------------------------------------------------------------ */

typedef struct
{
  GMainLoop *loop;
  GCancellable *cancellable;
  SynthRun *run;
  gboolean ok;
  gboolean interrupted;
  GError *error;
  gboolean tty;
  gboolean quiet;
  guint last_width;
} RunContext;

static gboolean
on_sigint (gpointer user_data)
{
  RunContext *ctx = user_data;

  ctx->interrupted = TRUE;
  g_cancellable_cancel (ctx->cancellable);
  return G_SOURCE_CONTINUE;
}

static void
format_duration (char *buf, gsize size, double seconds)
{
  if (seconds < 0)
    g_snprintf (buf, size, "--");
  else if (seconds < 60)
    g_snprintf (buf, size, "%.0fs", seconds);
  else if (seconds < 3600)
    g_snprintf (buf, size, "%dm%02ds", (int) seconds / 60, (int) seconds % 60);
  else
    g_snprintf (buf, size, "%dh%02dm", (int) seconds / 3600, ((int) seconds % 3600) / 60);
}

static void
on_progress (SynthRun *run, RunContext *ctx)
{
  guint done = synth_run_get_n_done (run), total = synth_run_get_n_total (run);
  double frac = total ? (double) done / total : 1;
  char bar[31], eta[32];
  guint filled = (guint) (frac * 30);
  g_autoptr (SynthUsage) usage = NULL;
  g_autofree char *line = NULL;

  if (ctx->quiet || !ctx->tty)
    return;
  for (guint i = 0; i < 30; i++)
    bar[i] = i < filled ? '#' : '-';
  bar[30] = '\0';
  format_duration (eta, sizeof eta, synth_run_get_eta_seconds (run));
  usage = synth_run_dup_usage (run);
  if (usage->prompt_tokens + usage->completion_tokens > 0)
    line = g_strdup_printf ("[%s] %u/%u  %.0f rec/s  %" PRIu64 " tok  $%.4f  ETA %s", bar, done,
                            total, synth_run_get_records_per_second (run),
                            usage->prompt_tokens + usage->completion_tokens, usage->cost, eta);
  else
    line = g_strdup_printf ("[%s] %u/%u  %.0f rec/s  ETA %s", bar, done, total,
                            synth_run_get_records_per_second (run), eta);
  g_printerr ("\r%s%*s", line, (int) MAX (0, (int) ctx->last_width - (int) strlen (line)), "");
  ctx->last_width = strlen (line);
}

static void
on_message (SynthRun *run, const char *text, RunContext *ctx)
{
  if (ctx->quiet)
    return;
  if (ctx->tty && ctx->last_width)
    g_printerr ("\n");
  ctx->last_width = 0;
  g_printerr ("%s\n", text);
}

static void
on_run_done (GObject *source, GAsyncResult *result, gpointer user_data)
{
  RunContext *ctx = user_data;

  ctx->ok = synth_run_execute_finish (SYNTH_RUN (source), result, &ctx->error);
  g_main_loop_quit (ctx->loop);
}

static char *find_api_key (const char *base_url, GError **error);

/* Runs the store's pending slots to the end; returns an exit status. */
static int
run_store (SynthRunStore *store, gboolean quiet, const SynthOpenaiOptions *openai)
{
  g_autoptr (SynthRun) run = synth_run_new (store);
  g_autoptr (GMainLoop) loop = g_main_loop_new (NULL, FALSE);
  g_autoptr (GCancellable) cancellable = g_cancellable_new ();
  g_autoptr (SynthRunSpec) spec = synth_run_store_dup_spec (store);
  RunContext ctx = { 0 };
  guint sigint_id, sigterm_id;

  ctx.loop = loop;
  ctx.cancellable = cancellable;
  ctx.run = run;
  ctx.quiet = quiet;
  ctx.tty = isatty (STDERR_FILENO);

  if (g_strcmp0 (spec->provider, "offline") != 0)
    {
      const char *url = spec->base_url ? spec->base_url : SYNTH_OPENAI_DEFAULT_BASE_URL;
      g_autoptr (GError) error = NULL;
      g_autofree char *key = find_api_key (url, &error);

      /* Local servers over plain http often need no key; https ones do. */
      if (key == NULL && !g_str_has_prefix (url, "http://"))
        {
          g_printerr (_ ("resume-synth-cli: no API key for %s. Set one with “resume-synth-cli key "
                         "set --base-url %s” or in OPENAI_API_KEY.\n"),
                      url, url);
          if (error != NULL)
            g_printerr ("(%s)\n", error->message);
          return EXIT_RUNTIME;
        }
      synth_run_set_api_key (run, key);
      if (key != NULL)
        synth_secret_free (g_steal_pointer (&key));
      if (openai != NULL)
        synth_run_set_openai_options (run, openai);
    }

  g_signal_connect (run, "progress", G_CALLBACK (on_progress), &ctx);
  g_signal_connect (run, "message", G_CALLBACK (on_message), &ctx);
  sigint_id = g_unix_signal_add (SIGINT, on_sigint, &ctx);
  sigterm_id = g_unix_signal_add (SIGTERM, on_sigint, &ctx);

  synth_run_execute_async (run, cancellable, on_run_done, &ctx);
  g_main_loop_run (loop);

  g_source_remove (sigint_id);
  g_source_remove (sigterm_id);
  if (ctx.tty && !quiet && ctx.last_width)
    g_printerr ("\n");

  if (!ctx.ok)
    {
      g_autoptr (GError) error = ctx.error;
      const char *id = synth_run_store_get_run_id (store);

      if (ctx.interrupted || g_error_matches (error, SYNTH_ERROR, SYNTH_ERROR_CANCELLED))
        {
          g_printerr (_ ("Interrupted: %u of %u records are saved.\n"
                         "Resume with: resume-synth-cli resume %s --output FILE.csv\n"),
                      synth_run_store_count_done (store), synth_run_store_get_n_slots (store), id);
          return EXIT_INTERRUPTED;
        }
      g_printerr ("resume-synth-cli: %s\n", error->message);
      g_printerr (_ ("%u of %u records are saved; resume with: resume-synth-cli resume %s\n"),
                  synth_run_store_count_done (store), synth_run_store_get_n_slots (store), id);
      if (g_error_matches (error, SYNTH_API_ERROR, SYNTH_API_ERROR_NETWORK))
        g_printerr (_ ("If the server moved, give its address: resume-synth-cli resume %s "
                       "--base-url URL\n"),
                    id);
      return EXIT_RUNTIME;
    }
  return 0;
}

static int
export_store (SynthRunStore *store, const char *output, gboolean quiet)
{
  SynthExportOptions export;
  SynthExportResult result = { 0 };
  g_autoptr (GError) error = NULL;

  if (!export_options_from_options (&export, &error))
    return runtime_error (error);
  if (!synth_export_run (store, output, &export, &result, &error))
    {
      g_printerr ("resume-synth-cli: %s\n", error->message);
      g_printerr (_ ("The run is kept; export it again with: resume-synth-cli export %s --output "
                     "FILE.csv\n"),
                  synth_run_store_get_run_id (store));
      return EXIT_RUNTIME;
    }
  if (!quiet)
    {
      g_printerr (_ ("Wrote %" PRIu64 " records to %s\n"), result.n_written, result.csv_path);
      if (result.eval_csv_path)
        g_printerr (_ ("Wrote %" PRIu64 " evaluation records to %s\n"), result.n_eval_written,
                    result.eval_csv_path);
      if (result.n_skipped)
        g_printerr (
            _ ("Left out %" PRIu64 " rejected records (use --include-rejected to keep them)\n"),
            result.n_skipped);
      g_printerr (_ ("Statistics: %s\nReport: %s\n"), result.stats_path, result.report_path);
    }
  synth_export_result_clear (&result);
  return 0;
}

/* What the run will ask for and cost, before anything is sent. */
static void
print_estimate (const SynthRunSpec *spec, SynthSlotPlan *plan, const SynthOpenaiOptions *openai)
{
  g_autoptr (GArray) all = g_array_sized_new (FALSE, FALSE, sizeof (guint), spec->records);
  double price_in = 0, price_out = 0, cost;
  guint64 prompt = 0, completion = 0;
  gboolean known;

  if (g_strcmp0 (spec->provider, "openai") != 0)
    {
      g_printerr (_ ("Plan: %u records, offline: no tokens, no cost.\n"), spec->records);
      return;
    }
  for (guint i = 0; i < spec->records; i++)
    g_array_append_val (all, i);
  known = synth_openai_lookup_price (spec->model, &price_in, &price_out);
  if (openai->price_in >= 0)
    price_in = openai->price_in;
  if (openai->price_out >= 0)
    price_out = openai->price_out;
  cost = synth_openai_estimate_cost (plan, all, spec->batch_size, spec->model, price_in, price_out,
                                     &prompt, &completion);
  g_printerr (
      _ ("Plan: %u records with %s, about %" PRIu64 " prompt + %" PRIu64 " completion tokens"),
      spec->records, spec->model, prompt, completion);
  if (known || openai->price_in >= 0 || openai->price_out >= 0)
    g_printerr (_ (", about $%.2f.\n"), cost);
  else
    g_printerr (_ ("; the price of this model is not known (give --price-in and --price-out).\n"));
}

/* ---- commands ----------------------------------------------------------- */

static const GOptionEntry generate_entries[] = {
  { "records", 'n', 0, G_OPTION_ARG_STRING, &opt.records, N_ ("Number of records (1–10000000)"),
    "N" },
  { "provider", 0, 0, G_OPTION_ARG_STRING, &opt.provider, N_ ("offline (default) or openai"),
    "NAME" },
  { "model", 0, 0, G_OPTION_ARG_STRING, &opt.model, N_ ("Model for the openai provider"), "MODEL" },
  { "base-url", 0, 0, G_OPTION_ARG_STRING, &opt.base_url, N_ ("OpenAI-compatible endpoint"),
    "URL" },
  { "batch-size", 0, 0, G_OPTION_ARG_STRING, &opt.batch_size,
    N_ ("Records per batch (1–100, default 25)"), "N" },
  { "concurrency", 0, 0, G_OPTION_ARG_STRING, &opt.concurrency,
    N_ ("Parallel requests (1–64, default 4)"), "N" },
  { "positive-ratio", 0, 0, G_OPTION_ARG_STRING, &opt.positive_ratio,
    N_ ("Share of matching pairs (0–1, default 0.5)"), "R" },
  { "bias-mix", 0, 0, G_OPTION_ARG_STRING, &opt.bias_mix, N_ ("Bias weights ID=W,… or a preset"),
    "MIX" },
  { "seed", 0, 0, G_OPTION_ARG_STRING, &opt.seed, N_ ("Random seed (default 42)"), "N" },
  { "budget", 0, 0, G_OPTION_ARG_STRING, &opt.budget,
    N_ ("Stop before spending more than this many USD"), "USD" },
  { "rpm", 0, 0, G_OPTION_ARG_STRING, &opt.rpm,
    N_ ("Requests per minute the endpoint allows (default: learnt from its headers)"), "N" },
  { "tpm", 0, 0, G_OPTION_ARG_STRING, &opt.tpm,
    N_ ("Tokens per minute the endpoint allows (default: learnt from its headers)"), "N" },
  { "price-in", 0, 0, G_OPTION_ARG_STRING, &opt.price_in,
    N_ ("USD per million prompt tokens (default: known models' prices)"), "USD" },
  { "price-out", 0, 0, G_OPTION_ARG_STRING, &opt.price_out,
    N_ ("USD per million completion tokens"), "USD" },
  { "timeout", 0, 0, G_OPTION_ARG_STRING, &opt.timeout,
    N_ ("Seconds without data before a request is retried (default 120)"), "S" },
  { "dry-run", 0, 0, G_OPTION_ARG_NONE, &opt.dry_run,
    N_ ("Print the plan and the estimated tokens and cost, then exit"), NULL },
  { "run-id", 0, 0, G_OPTION_ARG_STRING, &opt.run_id, N_ ("Name the run instead of a generated id"),
    "ID" },
  { NULL }
};

/* Resuming: the openai provider's endpoint, model, limits and prices (what
 * is not given stays as the run has it), then the export options. */
static const GOptionEntry resume_entries[] = {
  { "base-url", 0, 0, G_OPTION_ARG_STRING, &opt.base_url,
    N_ ("Another OpenAI-compatible endpoint for the rest of the run"), "URL" },
  { "model", 0, 0, G_OPTION_ARG_STRING, &opt.model,
    N_ ("Another model for the rest of the run (kept in the provenance)"), "MODEL" },
  { "concurrency", 0, 0, G_OPTION_ARG_STRING, &opt.concurrency, N_ ("Parallel requests (1–64)"),
    "N" },
  { "budget", 0, 0, G_OPTION_ARG_STRING, &opt.budget, N_ ("New budget cap in USD (0: none)"),
    "USD" },
  { "rpm", 0, 0, G_OPTION_ARG_STRING, &opt.rpm, N_ ("Requests per minute the endpoint allows"),
    "N" },
  { "tpm", 0, 0, G_OPTION_ARG_STRING, &opt.tpm, N_ ("Tokens per minute the endpoint allows"), "N" },
  { "price-in", 0, 0, G_OPTION_ARG_STRING, &opt.price_in, N_ ("USD per million prompt tokens"),
    "USD" },
  { "price-out", 0, 0, G_OPTION_ARG_STRING, &opt.price_out,
    N_ ("USD per million completion tokens"), "USD" },
  { "timeout", 0, 0, G_OPTION_ARG_STRING, &opt.timeout,
    N_ ("Seconds without data before a request is retried"), "S" },
  { NULL }
};

/* What shapes an export: generate and resume take these too. */
static const GOptionEntry export_entries[] = {
  { "output", 'o', 0, G_OPTION_ARG_FILENAME, &opt.output, N_ ("CSV file to write"), "FILE.csv" },
  { "columns", 0, 0, G_OPTION_ARG_STRING, &opt.columns, N_ ("Columns: seed, all, or a list"),
    "LIST" },
  { "include-rejected", 0, 0, G_OPTION_ARG_NONE, &opt.include_rejected,
    N_ ("Export rejected records too"), NULL },
  { "no-formula-guard", 0, 0, G_OPTION_ARG_NONE, &opt.no_formula_guard,
    N_ ("Do not neutralise spreadsheet formulas"), NULL },
  { "eval-separate", 0, 0, G_OPTION_ARG_NONE, &opt.eval_separate,
    N_ ("Write evaluation records to FILE.eval.csv"), NULL },
  { "crlf", 0, 0, G_OPTION_ARG_NONE, &opt.crlf, N_ ("End rows with CRLF"), NULL },
  { "quiet", 'q', 0, G_OPTION_ARG_NONE, &opt.quiet, N_ ("Print only errors"), NULL },
  { NULL }
};

/* @entries, then @more (either may be NULL), all in the main group so
 * --help lists them together. */
static gboolean
parse_command_line (const char *params,
                    const char *summary,
                    const GOptionEntry *entries,
                    const GOptionEntry *more,
                    int *argc,
                    char ***argv,
                    int *status)
{
  g_autoptr (GOptionContext) context = g_option_context_new (params);
  g_autoptr (GError) error = NULL;

  g_option_context_set_summary (context, summary);
  g_option_context_set_translation_domain (context, GETTEXT_PACKAGE);
  if (entries)
    g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  if (more)
    g_option_context_add_main_entries (context, more, GETTEXT_PACKAGE);
  if (!g_option_context_parse (context, argc, argv, &error))
    {
      *status = usage_error ("%s (see --help)", error->message);
      return FALSE;
    }
  return TRUE;
}

static SynthRunStore *
open_run (const char *run_id, int *status)
{
  g_autoptr (GError) error = NULL;
  SynthRunStore *store = synth_run_store_open_id (run_id, &error);

  if (store == NULL)
    *status = runtime_error (error);
  return store;
}

static int
cmd_generate (int argc, char **argv)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (SynthRunSpec) spec = NULL;
  g_autoptr (SynthSlotPlan) plan = NULL;
  g_autoptr (SynthRunStore) store = NULL;
  g_autofree char *dir = NULL, *run_id = NULL, *path = NULL;
  SynthExportOptions export;
  SynthOpenaiOptions openai;
  int status = 0;

  if (!parse_command_line (
          _ ("— generate a dataset"),
          _ ("Plans every record with exact label and bias quotas, generates them "
             "(offline by default: no key, no network), saves each batch in the run "
             "store and writes FILE.csv, FILE.stats.json and FILE.report.html."),
          generate_entries, export_entries, &argc, &argv, &status))
    return status;
  if (argc > 1)
    return usage_error (_ ("unexpected argument “%s” (see --help)"), argv[1]);
  if (!(spec = spec_from_options (&error)))
    return runtime_error (error);
  if (opt.output == NULL)
    return usage_error (_ ("--output is required: the CSV file to write, e.g. --output data.csv"));
  if (!check_output_path (opt.output, &error) || !export_options_from_options (&export, &error))
    return runtime_error (error);

  if (!openai_options_from_options (&openai, FALSE, &error))
    return runtime_error (error);
  /* Kept with the run, so a resume works under the same limits and prices. */
  if (g_strcmp0 (spec->provider, "openai") == 0)
    synth_openai_options_save_to_spec (&openai, spec);
  /* What would stop an OpenAI run at its first request is refused before a
   * run exists, so no unresumable run is left behind. */
  if (g_strcmp0 (spec->provider, "openai") == 0)
    {
      const char *env_key = g_getenv ("OPENAI_API_KEY");
      const char *url = spec->base_url ? spec->base_url : SYNTH_OPENAI_DEFAULT_BASE_URL;

      if (spec->model == NULL || *spec->model == '\0')
        return usage_error (
            _ ("--model is required with --provider openai, e.g. --model gpt-4o-mini"));
      if (!synth_openai_check_base_url (url, env_key != NULL && *env_key != '\0', &error))
        {
          g_printerr ("resume-synth-cli: --base-url: %s\n", error->message);
          return EXIT_USAGE;
        }
    }
  if (!(plan = synth_slot_plan_new_balanced (spec, &error)))
    return runtime_error (error);
  if (opt.dry_run || (!opt.quiet && g_strcmp0 (spec->provider, "openai") == 0))
    print_estimate (spec, plan, &openai);
  if (opt.dry_run)
    return 0;

  dir = synth_run_store_get_default_dir ();
  run_id = opt.run_id ? g_strdup (opt.run_id) : synth_run_store_new_run_id ();
  path = synth_run_store_path_for_id (dir, run_id);
  if (opt.run_id && g_file_test (path, G_FILE_TEST_EXISTS))
    return usage_error (_ ("--run-id: the run “%s” already exists; resume it with "
                           "“resume-synth-cli resume %s” or choose another id"),
                        run_id, run_id);
  if (!(store = synth_run_store_create (path, run_id, spec, plan, &error)))
    return runtime_error (error);
  g_clear_pointer (&plan, synth_slot_plan_unref);

  g_printerr ("run: %s\n", run_id);
  if ((status = run_store (store, opt.quiet, &openai)) != 0)
    return status;
  return export_store (store, opt.output, opt.quiet);
}

/* The first option given to resume that only an OpenAI run has, or NULL. */
static const char *
first_openai_flag (void)
{
  const struct
  {
    const char *flag;
    const char *value;
  } flags[] = {
    { "--base-url", opt.base_url },
    { "--model", opt.model },
    { "--concurrency", opt.concurrency },
    { "--rpm", opt.rpm },
    { "--tpm", opt.tpm },
    { "--timeout", opt.timeout },
    { "--price-in", opt.price_in },
    { "--price-out", opt.price_out },
    { "--budget", opt.budget },
  };

  for (guint i = 0; i < G_N_ELEMENTS (flags); i++)
    if (flags[i].value != NULL)
      return flags[i].flag;
  return NULL;
}

/* A new model is priced anew: prices given for the old one would misstate
 * the cost and the budget. Prices given with the new model are set later. */
static void
switch_model (SynthRunSpec *spec, const char *model)
{
  gboolean dropped;

  if (!synth_run_spec_set_model (spec, model))
    return;
  dropped = (opt.price_in == NULL && spec->price_in >= 0) ||
            (opt.price_out == NULL && spec->price_out >= 0);
  if (opt.price_in == NULL)
    spec->price_in = -1;
  if (opt.price_out == NULL)
    spec->price_out = -1;
  if (dropped && !opt.quiet)
    g_printerr (_ ("The prices given for the previous model do not apply to %s; give --price-in "
                   "and --price-out unless it is a model with a known price.\n"),
                model);
}

/* As the provider will check: a budget cap means nothing without prices. */
static gboolean
budget_has_prices (const SynthRunSpec *spec)
{
  double price_in = 0, price_out = 0;

  synth_openai_lookup_price (spec->model, &price_in, &price_out);
  if (spec->price_in >= 0)
    price_in = spec->price_in;
  if (spec->price_out >= 0)
    price_out = spec->price_out;
  return spec->budget <= 0 || price_in > 0 || price_out > 0;
}

/* Resume's --base-url, --model, limits, prices and budget, checked as
 * generate checks them, then kept in the run store so a later resume or
 * export sees them. Returns an exit status. */
static int
apply_resume_settings (SynthRunStore *store)
{
  g_autoptr (SynthRunSpec) spec = synth_run_store_dup_spec (store);
  g_autoptr (GError) error = NULL;
  const char *flag = first_openai_flag (), *env_key = g_getenv ("OPENAI_API_KEY");
  SynthOpenaiOptions given;
  guint64 v;

  if (flag == NULL)
    return 0;
  if (g_strcmp0 (spec->provider, "openai") != 0)
    return usage_error (_ ("%s only applies to runs that use the openai provider; the run “%s” is "
                           "generated offline (no endpoint, model, rate limits or cost), so resume "
                           "it without %s"),
                        flag, synth_run_store_get_run_id (store), flag);
  if (!openai_options_from_options (&given, TRUE, &error))
    return runtime_error (error);
  if (opt.concurrency &&
      !parse_uint ("--concurrency", opt.concurrency, 1, SYNTH_CONCURRENCY_MAX, &v, &error))
    return runtime_error (error);
  if (opt.base_url &&
      !synth_openai_check_base_url (opt.base_url, env_key != NULL && *env_key != '\0', &error))
    {
      g_printerr ("resume-synth-cli: --base-url: %s\n", error->message);
      return EXIT_USAGE;
    }
  if (opt.model && *opt.model == '\0')
    return usage_error (_ ("--model needs a model name, e.g. --model gpt-4o-mini"));
  if (synth_run_store_count_done (store) == synth_run_store_get_n_slots (store))
    {
      /* Nothing is left to generate: the run keeps what really made it. */
      if (!opt.quiet)
        g_printerr (_ ("The run is complete; %s changes nothing.\n"), flag);
      return 0;
    }
  if (opt.concurrency)
    spec->concurrency = (guint) v;
  if (opt.base_url)
    {
      g_free (spec->base_url);
      spec->base_url = g_strdup (opt.base_url);
    }
  if (opt.model)
    switch_model (spec, opt.model);
  if (opt.budget)
    spec->budget = given.budget;
  /* An explicit 0 (no limit) replaces a stored limit too. */
  if (opt.rpm)
    spec->requests_per_minute = given.requests_per_minute;
  if (opt.tpm)
    spec->tokens_per_minute = given.tokens_per_minute;
  if (opt.timeout)
    spec->timeout_ms = given.timeout_ms;
  if (opt.price_in)
    spec->price_in = given.price_in;
  if (opt.price_out)
    spec->price_out = given.price_out;
  if (!budget_has_prices (spec))
    return usage_error (_ ("a budget needs prices, and the price of “%s” is not known: give "
                           "--price-in and --price-out (USD per million tokens), or --budget 0"),
                        spec->model);
  if (!synth_run_store_update_spec (store, spec, &error))
    return runtime_error (error);
  return 0;
}

static int
cmd_resume (int argc, char **argv)
{
  g_autoptr (SynthRunStore) store = NULL;
  g_autoptr (GError) error = NULL;
  SynthOpenaiOptions openai;
  int status = 0;

  if (!parse_command_line (_ ("RUN-ID — finish an interrupted run"),
                           _ ("Generates exactly the slots the run has not finished, then exports "
                              "when --output is given. An OpenAI run keeps its endpoint, model, "
                              "limits and prices; the options below change them for the rest of "
                              "the run, and the run store keeps the change."),
                           resume_entries, export_entries, &argc, &argv, &status))
    return status;
  if (argc != 2)
    return usage_error (_ ("resume needs one RUN-ID; list runs with “resume-synth-cli runs”"));
  if (opt.output && !check_output_path (opt.output, &error))
    return runtime_error (error);
  if (!(store = open_run (argv[1], &status)))
    return status;
  if ((status = apply_resume_settings (store)) != 0)
    return status;
  /* Limits, prices and timeout come from the run's spec. */
  synth_openai_options_init (&openai);
  g_printerr ("run: %s\n", argv[1]);
  if ((status = run_store (store, opt.quiet, &openai)) != 0)
    return status;
  if (opt.output)
    return export_store (store, opt.output, opt.quiet);
  if (!opt.quiet)
    g_printerr (_ ("Finished. Export with: resume-synth-cli export %s --output FILE.csv\n"),
                argv[1]);
  return 0;
}

static int
cmd_export (int argc, char **argv)
{
  g_autoptr (SynthRunStore) store = NULL;
  g_autoptr (GError) error = NULL;
  int status = 0;

  if (!parse_command_line (_ ("RUN-ID — write a run's records as CSV"),
                           _ ("Writes the records saved so far, with statistics and report."),
                           export_entries, NULL, &argc, &argv, &status))
    return status;
  if (argc != 2)
    return usage_error (_ ("export needs one RUN-ID; list runs with “resume-synth-cli runs”"));
  if (opt.output == NULL)
    return usage_error (_ ("--output is required: the CSV file to write"));
  if (!check_output_path (opt.output, &error))
    return runtime_error (error);
  if (!(store = open_run (argv[1], &status)))
    return status;
  return export_store (store, opt.output, opt.quiet);
}

static int
cmd_runs (int argc, char **argv)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) runs = NULL;
  int status = 0;

  if (!parse_command_line (_ ("— list runs"), _ ("Lists the runs in the run store, newest first."),
                           NULL, NULL, &argc, &argv, &status))
    return status;
  if (!(runs = synth_run_store_list_runs (NULL, &error)))
    return runtime_error (error);
  if (runs->len == 0)
    {
      g_print (_ ("No runs yet. Start one with: resume-synth-cli generate --records 1000 --output "
                  "data.csv\n"));
      return 0;
    }
  g_print ("%-24s %9s %9s %6s  %-9s %-8s %s\n", "RUN", "DONE", "TOTAL", "%", "STATUS", "PROVIDER",
           "CREATED");
  for (guint i = 0; i < runs->len; i++)
    {
      SynthRunInfo *info = runs->pdata[i];
      g_autoptr (GDateTime) dt = g_date_time_new_from_unix_local (info->created);
      g_autofree char *created = dt ? g_date_time_format (dt, "%Y-%m-%d %H:%M") : g_strdup ("");
      g_print ("%-24s %9u %9u %5.1f%%  %-9s %-8s %s\n", info->run_id, info->n_done, info->n_slots,
               info->n_slots ? 100.0 * info->n_done / info->n_slots : 0.0,
               info->status ? info->status : "", info->provider ? info->provider : "", created);
    }
  return 0;
}

static int
cmd_stats (int argc, char **argv)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *stats_path = NULL, *report_path = NULL;
  int status = 0;

  if (!parse_command_line (_ ("FILE.csv — statistics and report for a CSV"),
                           _ ("Reads any CSV with the columns name, resume_text, job_skill_text, "
                              "match_label and bias_type, and writes FILE.stats.json and "
                              "FILE.report.html beside it."),
                           NULL, NULL, &argc, &argv, &status))
    return status;
  if (argc != 2)
    return usage_error (_ ("stats needs one CSV file"));
  if (!synth_export_stats_for_csv (argv[1], &stats_path, &report_path, &error))
    return runtime_error (error);
  g_printerr (_ ("Statistics: %s\nReport: %s\n"), stats_path, report_path);
  return 0;
}

/* ---- keys ----------------------------------------------------------------- */

/* OPENAI_API_KEY overrides the secret store. Free with synth_secret_free(). */
static char *
find_api_key (const char *base_url, GError **error)
{
  const char *env = g_getenv ("OPENAI_API_KEY");

  if (env != NULL && *env != '\0')
    return g_strdup (env);
  return synth_secret_lookup_sync (base_url ? base_url : SYNTH_OPENAI_DEFAULT_BASE_URL, NULL,
                                   error);
}

static char *key_base_url;

static const GOptionEntry key_entries[] = {
  { "base-url", 0, 0, G_OPTION_ARG_STRING, &key_base_url,
    N_ ("The endpoint the key is for (default https://api.openai.com/v1)"), "URL" },
  { NULL }
};

/* One line from stdin, without echo on a terminal. Never from argv. */
static char *
read_key_from_stdin (void)
{
  gboolean tty = isatty (STDIN_FILENO);
  struct termios saved, quiet;
  char buf[1024];
  char *key = NULL;

  if (tty)
    {
      g_printerr (_ ("API key for %s: "), key_base_url);
      tcgetattr (STDIN_FILENO, &saved);
      quiet = saved;
      quiet.c_lflag &= ~(tcflag_t) ECHO;
      tcsetattr (STDIN_FILENO, TCSAFLUSH, &quiet);
    }
  if (fgets (buf, sizeof buf, stdin) != NULL)
    key = g_strstrip (g_strdup (buf));
  memset (buf, 0, sizeof buf);
  if (tty)
    {
      tcsetattr (STDIN_FILENO, TCSAFLUSH, &saved);
      g_printerr ("\n");
    }
  return key;
}

static int
key_set (void)
{
  g_autoptr (GError) error = NULL;
  char *key = read_key_from_stdin ();
  gboolean ok;

  if (key == NULL || *key == '\0' || strpbrk (key, " \t") != NULL)
    {
      synth_secret_free (key);
      return usage_error (_ ("key set reads the key from standard input, e.g. "
                             "“printenv MY_KEY | resume-synth-cli key set”; none was given"));
    }
  ok = synth_secret_store_sync (key_base_url, key, NULL, &error);
  synth_secret_free (key);
  if (!ok)
    {
      g_printerr ("resume-synth-cli: %s\n", error->message);
      /* Without a keyring the CLI still has a way the window has not. */
      g_printerr (_ ("Without a keyring, give the key to each command in the OPENAI_API_KEY "
                     "environment variable instead.\n"));
      return EXIT_RUNTIME;
    }
  g_printerr (_ ("The key for %s is stored in the keyring. Check it with “resume-synth-cli key "
                 "check”.\n"),
              key_base_url);
  return 0;
}

typedef struct
{
  GMainLoop *loop;
  char **models;
  GError *error;
} ModelsCall;

static void
on_models (GObject *source, GAsyncResult *result, gpointer user_data)
{
  ModelsCall *call = user_data;

  call->models =
      synth_openai_client_list_models_finish (SYNTH_OPENAI_CLIENT (source), result, &call->error);
  g_main_loop_quit (call->loop);
}

static int
key_check (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (SynthOpenaiClient) client = NULL;
  g_autoptr (GMainLoop) loop = g_main_loop_new (NULL, FALSE);
  g_autoptr (GString) list = g_string_new (NULL);
  ModelsCall call = { loop, NULL, NULL };
  char *key = find_api_key (key_base_url, &error);
  guint n;

  if (key == NULL)
    {
      g_printerr (_ ("resume-synth-cli: no key for %s%s%s. Set one with “resume-synth-cli key set "
                     "--base-url %s” or in OPENAI_API_KEY.\n"),
                  key_base_url, error ? ": " : "", error ? error->message : "", key_base_url);
      return EXIT_RUNTIME;
    }
  client = synth_openai_client_new (key_base_url, key, 1, 30 * 1000, &error);
  synth_secret_free (key);
  if (client == NULL)
    return runtime_error (error);
  synth_openai_client_list_models_async (client, NULL, on_models, &call);
  g_main_loop_run (loop);
  if (call.models == NULL)
    {
      g_printerr (_ ("The key does not work: %s\n"), call.error->message);
      g_error_free (call.error);
      return EXIT_RUNTIME;
    }
  n = g_strv_length (call.models);
  for (guint i = 0; i < MIN (n, 8); i++)
    g_string_append_printf (list, "%s%s", i ? ", " : "", call.models[i]);
  g_print (_ ("The key works: %s offers %u models (%s%s).\n"), key_base_url, n, list->str,
           n > 8 ? ", …" : "");
  g_strfreev (call.models);
  return 0;
}

static int
key_clear (void)
{
  g_autoptr (GError) error = NULL;
  gboolean removed = synth_secret_clear_sync (key_base_url, NULL, &error);

  if (error != NULL)
    return runtime_error (error);
  g_printerr (removed ? _ ("The key for %s is removed from the keyring.\n")
                      : _ ("No key was stored for %s.\n"),
              key_base_url);
  return 0;
}

static int
cmd_key (int argc, char **argv)
{
  g_autoptr (GError) error = NULL;
  int status = 0;

  if (!parse_command_line (
          _ ("set|check|clear — the API key in the keyring"),
          _ ("set reads the key from standard input (never from the command line) "
             "and stores it in the Secret Service for the base URL; check asks the "
             "endpoint for its models with the key (OPENAI_API_KEY overrides the "
             "keyring); clear removes it."),
          key_entries, NULL, &argc, &argv, &status))
    return status;
  if (argc != 2)
    return usage_error (_ ("key needs one of set, check or clear (see --help)"));
  if (key_base_url == NULL)
    key_base_url = g_strdup (SYNTH_OPENAI_DEFAULT_BASE_URL);
  if (!synth_openai_check_base_url (key_base_url, TRUE, &error))
    status = runtime_error (error);
  else if (g_str_equal (argv[1], "set"))
    status = key_set ();
  else if (g_str_equal (argv[1], "check"))
    status = key_check ();
  else if (g_str_equal (argv[1], "clear"))
    status = key_clear ();
  else
    status = usage_error (_ ("unknown key command “%s”: use set, check or clear"), argv[1]);
  g_clear_pointer (&key_base_url, g_free);
  return status;
}

/* ---- main ----------------------------------------------------------------- */

typedef struct
{
  const char *name;
  int (*run) (int argc, char **argv);
  const char *summary;
} Command;

static const Command commands[] = {
  { "generate", cmd_generate, N_ ("Generate a dataset (offline by default)") },
  { "runs", cmd_runs, N_ ("List runs and their progress") },
  { "resume", cmd_resume, N_ ("Finish an interrupted run") },
  { "export", cmd_export, N_ ("Write a run as CSV with statistics and report") },
  { "stats", cmd_stats, N_ ("Statistics and report for any CSV") },
  { "key", cmd_key, N_ ("Store, check or clear the API key (set reads standard input)") },
};

static void
print_help (FILE *out)
{
  fprintf (out, "%s\n\n%s\n", _ ("Usage: resume-synth-cli COMMAND [OPTION…]"),
           _ ("Generates synthetic resume ↔ job matching datasets with controlled biases."));
  fprintf (out, "\n%s\n", _ ("Commands:"));
  for (guint i = 0; i < G_N_ELEMENTS (commands); i++)
    fprintf (out, "  %-10s %s\n", commands[i].name, _ (commands[i].summary));
  fprintf (out, "\n%s\n", _ ("Run “resume-synth-cli COMMAND --help” for a command’s options."));
}

int
main (int argc, char **argv)
{
  int status;

  setlocale (LC_ALL, "");
  bindtextdomain (GETTEXT_PACKAGE, LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);

  if (argc < 2)
    {
      print_help (stderr);
      return EXIT_USAGE;
    }
  if (g_str_equal (argv[1], "--help") || g_str_equal (argv[1], "-h") ||
      g_str_equal (argv[1], "help"))
    {
      print_help (stdout);
      return 0;
    }
  if (g_str_equal (argv[1], "--version"))
    {
      g_print ("resume-synth-cli %s\n", PACKAGE_VERSION);
      return 0;
    }

  for (guint i = 0; i < G_N_ELEMENTS (commands); i++)
    if (g_str_equal (argv[1], commands[i].name))
      {
        g_autofree char *prgname = g_strdup_printf ("resume-synth-cli %s", commands[i].name);
        g_set_prgname (prgname);
        status = commands[i].run (argc - 1, argv + 1);
        options_clear ();
        return status;
      }

  g_printerr (_ ("resume-synth-cli: unknown command “%s”\n\n"), argv[1]);
  print_help (stderr);
  return EXIT_USAGE;
}
