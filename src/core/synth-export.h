/* synth-export.h — a run store to CSV + statistics JSON + HTML report. */
#pragma once

#include <gio/gio.h>

#include "synth-csv.h"
#include "synth-run-store.h"

G_BEGIN_DECLS

typedef struct
{
  SynthCsvOptions csv;
  /* Write "eval" records (fairness groups) to <base>.eval.csv instead of the main file. */
  gboolean eval_separate;
} SynthExportOptions;

typedef struct
{
  char *csv_path;
  char *eval_csv_path; /* NULL unless eval_separate */
  char *stats_path;
  char *report_path;
  guint64 n_written; /* records in the main CSV */
  guint64 n_eval_written;
  guint64 n_skipped; /* rejected records left out */
  guint64 n_bytes;
} SynthExportResult;

void synth_export_options_init (SynthExportOptions *options);
void synth_export_result_clear (SynthExportResult *result);
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (SynthExportResult, synth_export_result_clear)

/* "data.csv" → "data.stats.json", "data.report.html", "data.eval.csv"
 * (a path without ".csv" gets the suffixes appended). */
char *synth_export_sibling_path (const char *csv_path, const char *suffix);

/* Streams every record of @store into the CSV and the statistics, then
 * writes the statistics JSON and the HTML report beside the CSV. The
 * statistics' provenance names the run, its usage and, for OpenAI runs, the
 * prompts version; an imported CSV has no plan to compare the mix with. Each file
 * goes through a temporary and a rename: on failure no target file is
 * half-written and an existing one is left as it was. */
gboolean synth_export_run (SynthRunStore *store,
                           const char *csv_path,
                           const SynthExportOptions *options,
                           SynthExportResult *result,
                           GError **error);

/* synth_export_run in a thread. @cancellable stops it between records
 * (G_IO_ERROR_CANCELLED); no target file is touched then. */
void synth_export_run_async (SynthRunStore *store,
                             const char *csv_path,
                             const SynthExportOptions *options,
                             GCancellable *cancellable,
                             GAsyncReadyCallback callback,
                             gpointer user_data);
gboolean
synth_export_run_finish (GAsyncResult *result, SynthExportResult *out_result, GError **error);

/* The statistics and report for a CSV file (any CSV with the five seed
 * columns), written beside it. */
gboolean synth_export_stats_for_csv (const char *csv_path,
                                     char **out_stats_path,
                                     char **out_report_path,
                                     GError **error);

G_END_DECLS
