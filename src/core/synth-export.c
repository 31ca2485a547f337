/* synth-export.c — a run to CSV, statistics JSON and HTML report in one pass. */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "synth-error.h"
#include "synth-export.h"
#include "synth-prompt.h"
#include "synth-report.h"
#include "synth-stats.h"

void
synth_export_options_init (SynthExportOptions *options)
{
  memset (options, 0, sizeof *options);
  synth_csv_options_init (&options->csv);
}

void
synth_export_result_clear (SynthExportResult *result)
{
  g_clear_pointer (&result->csv_path, g_free);
  g_clear_pointer (&result->eval_csv_path, g_free);
  g_clear_pointer (&result->stats_path, g_free);
  g_clear_pointer (&result->report_path, g_free);
}

char *
synth_export_sibling_path (const char *csv_path, const char *suffix)
{
  gsize len = strlen (csv_path);

  if (len > 4 && g_ascii_strcasecmp (csv_path + len - 4, ".csv") == 0)
    len -= 4;
  return g_strdup_printf ("%.*s%s", (int) len, csv_path, suffix);
}

typedef struct
{
  SynthCsvWriter *main;
  SynthCsvWriter *eval; /* NULL: eval records go to main */
  SynthStats *stats;
  gboolean include_rejected;
  SynthStatsItem *work_item; /* the reading thread's working space */
  GCancellable *cancellable;
  GError *error;
} ExportState;

/* The statistics' per-record work (text scans, MinHash, skill overlap) is
 * most of an export. For every other record it is done by the thread that
 * reads ahead, attached to the record (which that thread also frees), and
 * only added here; this thread computes the rest itself. Half and half keeps
 * both cores busy: all of it there made the reader the bottleneck. The
 * figures are the same either way, since an item depends on its record
 * alone and items are added in slot order. */
G_DEFINE_QUARK (synth_export_stats_item, stats_item)

static gboolean
counts_in_stats (const ExportState *st, SynthRecord *record)
{
  return st->include_rejected || synth_record_get_review_status (record) != SYNTH_REVIEW_REJECTED;
}

static void
prepare_one (SynthRecord *record, gpointer user_data)
{
  ExportState *st = user_data;

  if (!counts_in_stats (st, record) || synth_record_get_index (record) % 2 != 0)
    return;
  /* One allocation per record, not the working arrays: the reading thread
   * allocates and frees a chunk's worth at a time. */
  synth_stats_item_compute (st->work_item, record);
  g_object_set_qdata_full (G_OBJECT (record), stats_item_quark (),
                           synth_stats_item_dup_result (st->work_item),
                           (GDestroyNotify) synth_stats_item_free);
}

static gboolean
export_one (SynthRecord *record, gpointer user_data)
{
  ExportState *st = user_data;
  SynthCsvWriter *writer = st->main;

  if (g_cancellable_set_error_if_cancelled (st->cancellable, &st->error))
    return FALSE;
  if (st->eval && g_strcmp0 (synth_record_get_split (record), "eval") == 0)
    writer = st->eval;
  if (!synth_csv_writer_write (writer, record, &st->error))
    return FALSE;
  /* The statistics describe the dataset as exported. */
  if (counts_in_stats (st, record))
    {
      SynthStatsItem *item = g_object_get_qdata (G_OBJECT (record), stats_item_quark ());

      if (item != NULL)
        synth_stats_add_item (st->stats, record, item);
      else
        synth_stats_add_record (st->stats, record);
    }
  return TRUE;
}

static gboolean
write_stats_and_report (SynthStats *stats,
                        const char *csv_path,
                        SynthExportResult *result,
                        GError **error)
{
  result->stats_path = synth_export_sibling_path (csv_path, ".stats.json");
  result->report_path = synth_export_sibling_path (csv_path, ".report.html");
  return synth_stats_write_json (stats, result->stats_path, error) &&
         synth_report_write_html (stats, result->report_path, error);
}

/* What the statistics know about where the records came from. */
static void
describe_run (SynthStats *stats, SynthRunStore *store)
{
  g_autoptr (SynthRunSpec) spec = synth_run_store_dup_spec (store);
  g_autoptr (SynthUsage) usage = synth_run_store_dup_usage (store);
  g_autofree char *source_csv = synth_run_store_dup_meta (store, "source_csv");

  /* An imported CSV has no plan: its spec is not a target to compare with. */
  if (source_csv == NULL)
    synth_stats_set_spec (stats, spec);
  synth_stats_set_usage (stats, usage);
  if (g_strcmp0 (spec->provider, "openai") == 0)
    synth_stats_set_prompts_version (stats, SYNTH_PROMPT_VERSION);
  synth_stats_set_run_id (stats, synth_run_store_get_run_id (store));
}

static gboolean
export_run (SynthRunStore *store,
            const char *csv_path,
            const SynthExportOptions *options,
            GCancellable *cancellable,
            SynthExportResult *result,
            GError **error)
{
  g_autoptr (SynthCsvWriter) main_writer = NULL;
  g_autoptr (SynthCsvWriter) eval_writer = NULL;
  g_autoptr (SynthStats) stats = synth_stats_new ();
  SynthExportResult local = { 0 };
  ExportState st = { 0 };
  g_autoptr (SynthStatsItem) work_item = synth_stats_item_new ();

  g_return_val_if_fail (SYNTH_IS_RUN_STORE (store), FALSE);

  local.csv_path = g_strdup (csv_path);
  if (!(main_writer = synth_csv_writer_new (csv_path, &options->csv, error)))
    goto fail;
  if (options->eval_separate)
    {
      local.eval_csv_path = synth_export_sibling_path (csv_path, ".eval.csv");
      if (!(eval_writer = synth_csv_writer_new (local.eval_csv_path, &options->csv, error)))
        goto fail;
    }

  describe_run (stats, store);

  st.main = main_writer;
  st.eval = eval_writer;
  st.stats = stats;
  st.include_rejected = options->csv.include_rejected;
  st.cancellable = cancellable;
  st.work_item = work_item;
  if (!synth_run_store_foreach_record_full (store, prepare_one, export_one, &st, error))
    goto fail;
  if (st.error)
    {
      g_propagate_error (error, st.error);
      goto fail;
    }
  synth_stats_finish (stats);

  /* The CSV lands only once everything before it succeeded. */
  if (!synth_csv_writer_close (main_writer, error) ||
      (eval_writer && !synth_csv_writer_close (eval_writer, error)))
    goto fail;
  local.n_written = synth_csv_writer_get_n_written (main_writer);
  local.n_skipped = synth_csv_writer_get_n_skipped (main_writer);
  local.n_bytes = synth_csv_writer_get_n_bytes (main_writer);
  if (eval_writer)
    {
      local.n_eval_written = synth_csv_writer_get_n_written (eval_writer);
      local.n_skipped += synth_csv_writer_get_n_skipped (eval_writer);
      local.n_bytes += synth_csv_writer_get_n_bytes (eval_writer);
    }
  if (!write_stats_and_report (stats, csv_path, &local, error))
    goto fail;

  if (result)
    *result = local;
  else
    synth_export_result_clear (&local);
  return TRUE;

fail:
  synth_export_result_clear (&local);
  return FALSE;
}

gboolean
synth_export_run (SynthRunStore *store,
                  const char *csv_path,
                  const SynthExportOptions *options,
                  SynthExportResult *result,
                  GError **error)
{
  return export_run (store, csv_path, options, NULL, result, error);
}

typedef struct
{
  SynthRunStore *store;
  char *csv_path;
  SynthExportOptions options;
  SynthExportResult result;
} ExportTaskData;

static void
export_task_data_free (gpointer data)
{
  ExportTaskData *d = data;
  g_object_unref (d->store);
  g_free (d->csv_path);
  synth_export_result_clear (&d->result);
  g_free (d);
}

static void
export_thread (GTask *task, gpointer source, gpointer task_data, GCancellable *cancellable)
{
  ExportTaskData *d = task_data;
  GError *error = NULL;

  if (export_run (d->store, d->csv_path, &d->options, cancellable, &d->result, &error))
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

void
synth_export_run_async (SynthRunStore *store,
                        const char *csv_path,
                        const SynthExportOptions *options,
                        GCancellable *cancellable,
                        GAsyncReadyCallback callback,
                        gpointer user_data)
{
  g_autoptr (GTask) task = g_task_new (NULL, cancellable, callback, user_data);
  ExportTaskData *d = g_new0 (ExportTaskData, 1);

  d->store = g_object_ref (store);
  d->csv_path = g_strdup (csv_path);
  d->options = *options;
  g_task_set_source_tag (task, synth_export_run_async);
  g_task_set_task_data (task, d, export_task_data_free);
  g_task_run_in_thread (task, export_thread);
}

gboolean
synth_export_run_finish (GAsyncResult *result, SynthExportResult *out_result, GError **error)
{
  ExportTaskData *d;

  g_return_val_if_fail (g_task_is_valid (result, NULL), FALSE);
  if (!g_task_propagate_boolean (G_TASK (result), error))
    return FALSE;
  d = g_task_get_task_data (G_TASK (result));
  if (out_result)
    {
      *out_result = d->result;
      memset (&d->result, 0, sizeof d->result);
    }
  return TRUE;
}

gboolean
synth_export_stats_for_csv (const char *csv_path,
                            char **out_stats_path,
                            char **out_report_path,
                            GError **error)
{
  g_autoptr (SynthCsvReader) reader = NULL;
  g_autoptr (SynthStats) stats = synth_stats_new ();
  SynthExportResult local = { 0 };

  if (!(reader = synth_csv_reader_new (csv_path, error)))
    return FALSE;
  for (;;)
    {
      g_autoptr (SynthRecord) record = NULL;
      g_autoptr (GError) local_error = NULL;

      if (!synth_csv_reader_next_record (reader, &record, &local_error))
        {
          if (local_error)
            {
              g_propagate_error (error, g_steal_pointer (&local_error));
              return FALSE;
            }
          break;
        }
      synth_stats_add_record (stats, record);
    }
  synth_stats_finish (stats);
  if (!write_stats_and_report (stats, csv_path, &local, error))
    {
      synth_export_result_clear (&local);
      return FALSE;
    }
  if (out_stats_path)
    *out_stats_path = g_steal_pointer (&local.stats_path);
  if (out_report_path)
    *out_report_path = g_steal_pointer (&local.report_path);
  synth_export_result_clear (&local);
  return TRUE;
}
