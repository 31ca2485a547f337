/* resume-synth-cli — the headless front end over the core.
 *
 * Exit status: 0 success, 1 runtime failure, 2 invalid usage or input,
 * 130 interrupted (what is done is saved and can be resumed). */
#include "config.h"

#include <errno.h>
#include <glib-unix.h>
#include <glib/gi18n.h>
#include <locale.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "synth-error.h"
#include "synth-export.h"
#include "synth-run-store.h"
#include "synth-run.h"
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
  memset (&opt, 0, sizeof opt);
}

static int
usage_error (const char *format, ...) G_GNUC_PRINTF (1, 2);

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
  if (g_error_matches (error, SYNTH_ERROR, SYNTH_ERROR_INVALID_ARGUMENT)
      || g_error_matches (error, SYNTH_ERROR, SYNTH_ERROR_NOT_FOUND)
      || g_error_matches (error, SYNTH_ERROR, SYNTH_ERROR_PARSE))
    return EXIT_USAGE;
  return EXIT_RUNTIME;
}

/* ---- value parsing ------------------------------------------------------ */

static gboolean
parse_uint (const char *flag, const char *text, guint64 min, guint64 max, guint64 *out,
            GError **error)
{
  guint64 v;
  g_autoptr (GError) local = NULL;

  if (!g_ascii_string_to_unsigned (text, 10, 0, G_MAXUINT64, &v, &local) || v < min || v > max)
    {
      g_set_error (error, SYNTH_ERROR, SYNTH_ERROR_INVALID_ARGUMENT,
                   _ ("%s: “%s” is not valid; give a whole number from %" G_GUINT64_FORMAT
                      " to %" G_GUINT64_FORMAT),
                   flag, text, min, max);
      return FALSE;
    }
  *out = v;
  return TRUE;
}

static gboolean
parse_double (const char *flag, const char *text, double min, double max, double *out,
              GError **error)
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
  if (opt.positive_ratio
      && !parse_double ("--positive-ratio", opt.positive_ratio, 0, 1, &spec->positive_ratio, error))
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
    line = g_strdup_printf ("[%s] %u/%u  %.0f rec/s  %" G_GUINT64_FORMAT " tok  $%.4f  ETA %s",
                            bar, done, total, synth_run_get_records_per_second (run),
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

static char *
find_api_key (const SynthRunSpec *spec);

/* Runs the store's pending slots to the end; returns an exit status. */
static int
run_store (SynthRunStore *store, gboolean quiet)
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
      g_autofree char *key = find_api_key (spec);
      synth_run_set_api_key (run, key);
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
      g_printerr (_ ("The run is kept; export it again with: resume-synth-cli export %s --output FILE.csv\n"),
                  synth_run_store_get_run_id (store));
      return EXIT_RUNTIME;
    }
  if (!quiet)
    {
      g_printerr (_ ("Wrote %" G_GUINT64_FORMAT " records to %s\n"), result.n_written,
                  result.csv_path);
      if (result.eval_csv_path)
        g_printerr (_ ("Wrote %" G_GUINT64_FORMAT " evaluation records to %s\n"),
                    result.n_eval_written, result.eval_csv_path);
      if (result.n_skipped)
        g_printerr (_ ("Left out %" G_GUINT64_FORMAT " rejected records (use --include-rejected to keep them)\n"),
                    result.n_skipped);
      g_printerr (_ ("Statistics: %s\nReport: %s\n"), result.stats_path, result.report_path);
    }
  synth_export_result_clear (&result);
  return 0;
}

/* ---- commands ----------------------------------------------------------- */

static const GOptionEntry generate_entries[] = {
  { "records", 'n', 0, G_OPTION_ARG_STRING, &opt.records, N_ ("Number of records (1–10000000)"), "N" },
  { "output", 'o', 0, G_OPTION_ARG_FILENAME, &opt.output, N_ ("CSV file to write"), "FILE.csv" },
  { "provider", 0, 0, G_OPTION_ARG_STRING, &opt.provider, N_ ("offline (default) or openai"), "NAME" },
  { "model", 0, 0, G_OPTION_ARG_STRING, &opt.model, N_ ("Model for the openai provider"), "MODEL" },
  { "base-url", 0, 0, G_OPTION_ARG_STRING, &opt.base_url, N_ ("OpenAI-compatible endpoint"), "URL" },
  { "batch-size", 0, 0, G_OPTION_ARG_STRING, &opt.batch_size, N_ ("Records per batch (1–100, default 25)"), "N" },
  { "concurrency", 0, 0, G_OPTION_ARG_STRING, &opt.concurrency, N_ ("Parallel requests (1–64, default 4)"), "N" },
  { "positive-ratio", 0, 0, G_OPTION_ARG_STRING, &opt.positive_ratio, N_ ("Share of matching pairs (0–1, default 0.5)"), "R" },
  { "bias-mix", 0, 0, G_OPTION_ARG_STRING, &opt.bias_mix, N_ ("Bias weights ID=W,… or a preset"), "MIX" },
  { "seed", 0, 0, G_OPTION_ARG_STRING, &opt.seed, N_ ("Random seed (default 42)"), "N" },
  { "budget", 0, 0, G_OPTION_ARG_STRING, &opt.budget, N_ ("Stop before spending more than this many USD"), "USD" },
  { "columns", 0, 0, G_OPTION_ARG_STRING, &opt.columns, N_ ("Columns: seed, all, or a list"), "LIST" },
  { "include-rejected", 0, 0, G_OPTION_ARG_NONE, &opt.include_rejected, N_ ("Export rejected records too"), NULL },
  { "no-formula-guard", 0, 0, G_OPTION_ARG_NONE, &opt.no_formula_guard, N_ ("Do not neutralise spreadsheet formulas"), NULL },
  { "eval-separate", 0, 0, G_OPTION_ARG_NONE, &opt.eval_separate, N_ ("Write evaluation records to FILE.eval.csv"), NULL },
  { "crlf", 0, 0, G_OPTION_ARG_NONE, &opt.crlf, N_ ("End rows with CRLF"), NULL },
  { "run-id", 0, 0, G_OPTION_ARG_STRING, &opt.run_id, N_ ("Name the run instead of a generated id"), "ID" },
  { "quiet", 'q', 0, G_OPTION_ARG_NONE, &opt.quiet, N_ ("Print only errors"), NULL },
  { NULL }
};

/* The subset of options that shape an export. */
static const GOptionEntry export_entries[] = {
  { "output", 'o', 0, G_OPTION_ARG_FILENAME, &opt.output, N_ ("CSV file to write"), "FILE.csv" },
  { "columns", 0, 0, G_OPTION_ARG_STRING, &opt.columns, N_ ("Columns: seed, all, or a list"), "LIST" },
  { "include-rejected", 0, 0, G_OPTION_ARG_NONE, &opt.include_rejected, N_ ("Export rejected records too"), NULL },
  { "no-formula-guard", 0, 0, G_OPTION_ARG_NONE, &opt.no_formula_guard, N_ ("Do not neutralise spreadsheet formulas"), NULL },
  { "eval-separate", 0, 0, G_OPTION_ARG_NONE, &opt.eval_separate, N_ ("Write evaluation records to FILE.eval.csv"), NULL },
  { "crlf", 0, 0, G_OPTION_ARG_NONE, &opt.crlf, N_ ("End rows with CRLF"), NULL },
  { "quiet", 'q', 0, G_OPTION_ARG_NONE, &opt.quiet, N_ ("Print only errors"), NULL },
  { NULL }
};

static gboolean
parse_command_line (const char *params, const char *summary, const GOptionEntry *entries,
                    int *argc, char ***argv, int *status)
{
  g_autoptr (GOptionContext) context = g_option_context_new (params);
  g_autoptr (GError) error = NULL;

  g_option_context_set_summary (context, summary);
  g_option_context_set_translation_domain (context, GETTEXT_PACKAGE);
  if (entries)
    g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
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
  int status = 0;

  if (!parse_command_line ("— generate a dataset",
                           _ ("Plans every record with exact label and bias quotas, generates them "
                              "(offline by default: no key, no network), saves each batch in the run "
                              "store and writes FILE.csv, FILE.stats.json and FILE.report.html."),
                           generate_entries, &argc, &argv, &status))
    return status;
  if (argc > 1)
    return usage_error (_ ("unexpected argument “%s” (see --help)"), argv[1]);
  if (!(spec = spec_from_options (&error)))
    return runtime_error (error);
  if (opt.output == NULL)
    return usage_error (_ ("--output is required: the CSV file to write, e.g. --output data.csv"));
  if (!check_output_path (opt.output, &error) || !export_options_from_options (&export, &error))
    return runtime_error (error);

  if (!(plan = synth_slot_plan_new_balanced (spec, &error)))
    return runtime_error (error);

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
  if ((status = run_store (store, opt.quiet)) != 0)
    return status;
  return export_store (store, opt.output, opt.quiet);
}

static int
cmd_resume (int argc, char **argv)
{
  g_autoptr (SynthRunStore) store = NULL;
  int status = 0;

  if (!parse_command_line (_ ("RUN-ID — finish an interrupted run"),
                           _ ("Generates exactly the slots the run has not finished, then exports "
                              "when --output is given."),
                           export_entries, &argc, &argv, &status))
    return status;
  if (argc != 2)
    return usage_error (_ ("resume needs one RUN-ID; list runs with “resume-synth-cli runs”"));
  if (opt.output && !check_output_path (opt.output, NULL))
    {
      g_autoptr (GError) error = NULL;
      check_output_path (opt.output, &error);
      return runtime_error (error);
    }
  if (!(store = open_run (argv[1], &status)))
    return status;
  g_printerr ("run: %s\n", argv[1]);
  if ((status = run_store (store, opt.quiet)) != 0)
    return status;
  if (opt.output)
    return export_store (store, opt.output, opt.quiet);
  if (!opt.quiet)
    g_printerr (_ ("Finished. Export with: resume-synth-cli export %s --output FILE.csv\n"), argv[1]);
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
                           export_entries, &argc, &argv, &status))
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

  if (!parse_command_line ("— list runs", _ ("Lists the runs in the run store, newest first."),
                           NULL, &argc, &argv, &status))
    return status;
  if (!(runs = synth_run_store_list_runs (NULL, &error)))
    return runtime_error (error);
  if (runs->len == 0)
    {
      g_print (_ ("No runs yet. Start one with: resume-synth-cli generate --records 1000 --output data.csv\n"));
      return 0;
    }
  g_print ("%-24s %9s %9s %6s  %-9s %-8s %s\n", "RUN", "DONE", "TOTAL", "%", "STATUS",
           "PROVIDER", "CREATED");
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
                           NULL, &argc, &argv, &status))
    return status;
  if (argc != 2)
    return usage_error (_ ("stats needs one CSV file"));
  if (!synth_export_stats_for_csv (argv[1], &stats_path, &report_path, &error))
    return runtime_error (error);
  g_printerr (_ ("Statistics: %s\nReport: %s\n"), stats_path, report_path);
  return 0;
}

/* ---- keys ----------------------------------------------------------------- */

static char *
find_api_key (const SynthRunSpec *spec)
{
  const char *env = g_getenv ("OPENAI_API_KEY");
  return env && *env ? g_strdup (env) : NULL;
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
  if (g_str_equal (argv[1], "--help") || g_str_equal (argv[1], "-h") || g_str_equal (argv[1], "help"))
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
