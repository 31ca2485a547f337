/* test-export.c — a run store to CSV + stats.json + report.html, the export
 * the CLI and the window share: what the files say about where the records
 * came from, cancellation that touches no file, and the read-ahead that
 * feeds it. */
#include "config.h"

#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <string.h>

#include "synth-csv.h"
#include "synth-export.h"
#include "synth-prompt.h"
#include "synth-run-store.h"
#include "synth-stats.h"
#include "synth-run.h"

typedef struct
{
  char *dir;
} Fixture;

static void
fixture_set_up (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;

  f->dir = g_dir_make_tmp ("test-export-XXXXXX", &error);
  g_assert_no_error (error);
}

static void
fixture_tear_down (Fixture *f, gconstpointer data)
{
  g_autofree char *cmd = g_strdup_printf ("rm -rf '%s'", f->dir);

  g_assert_cmpint (system (cmd), ==, 0);
  g_free (f->dir);
}

/* A finished offline run of @records records. */
static SynthRunStore *
offline_run (Fixture *f, const char *run_id, guint records)
{
  g_autoptr (SynthRunSpec) spec = synth_run_spec_new ();
  g_autoptr (SynthSlotPlan) plan = NULL;
  g_autoptr (SynthRunStore) store = NULL;
  g_autoptr (SynthRun) run = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *db = g_strdup_printf ("%s/%s.db", f->dir, run_id);

  spec->records = records;
  spec->seed = 7;
  plan = synth_slot_plan_new_balanced (spec, &error);
  g_assert_no_error (error);
  store = synth_run_store_create (db, run_id, spec, plan, &error);
  g_assert_no_error (error);
  run = synth_run_new (store);
  g_assert_true (synth_run_execute (run, NULL, &error));
  g_assert_no_error (error);
  return g_steal_pointer (&store);
}

static JsonObject *
load_stats (const char *path)
{
  g_autoptr (JsonParser) parser = json_parser_new ();
  g_autoptr (GError) error = NULL;

  g_assert_true (json_parser_load_from_file (parser, path, &error));
  g_assert_no_error (error);
  return json_object_ref (json_node_get_object (json_parser_get_root (parser)));
}

static void
test_offline_provenance (Fixture *f, gconstpointer data)
{
  g_autoptr (SynthRunStore) store = offline_run (f, "offline-run", 60);
  g_autofree char *csv = g_build_filename (f->dir, "data.csv", NULL);
  g_auto (SynthExportResult) result = { 0 };
  g_autoptr (GError) error = NULL;
  g_autoptr (JsonObject) stats = NULL;
  JsonObject *prov;
  SynthExportOptions options;

  synth_export_options_init (&options);
  g_assert_true (synth_export_run (store, csv, &options, &result, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (result.n_written, ==, 60);
  g_assert_true (g_file_test (result.report_path, G_FILE_TEST_EXISTS));

  stats = load_stats (result.stats_path);
  g_assert_cmpint (json_object_get_int_member (stats, "records"), ==, 60);
  prov = json_object_get_object_member (stats, "provenance");
  g_assert_cmpstr (json_object_get_string_member (prov, "run_id"), ==, "offline-run");
  g_assert_cmpstr (json_object_get_string_member (prov, "provider"), ==, "offline");
  g_assert_cmpstr (json_object_get_string_member (prov, "seed"), ==, "7");
  /* No prompt was sent: no prompts version to claim. */
  g_assert_true (json_object_get_null_member (prov, "prompts_version"));
  g_assert_cmpint (json_object_get_int_member (prov, "records_requested"), ==, 60);
}

/* An OpenAI run's statistics name the prompts that made it, whichever front
 * end exported it (the CLI's exports used to leave it out). */
static void
test_openai_prompts_version (Fixture *f, gconstpointer data)
{
  g_autoptr (SynthRunSpec) spec = synth_run_spec_new ();
  g_autoptr (SynthSlotPlan) plan = NULL;
  g_autoptr (SynthRunStore) store = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *db = g_build_filename (f->dir, "openai.db", NULL);
  g_autofree char *csv = g_build_filename (f->dir, "openai.csv", NULL);
  g_auto (SynthExportResult) result = { 0 };
  g_autoptr (JsonObject) stats = NULL;
  JsonObject *prov;
  SynthExportOptions options;

  spec->records = 10;
  g_free (spec->provider);
  spec->provider = g_strdup ("openai");
  spec->model = g_strdup ("gpt-4o-mini");
  plan = synth_slot_plan_new_balanced (spec, &error);
  store = synth_run_store_create (db, "openai-run", spec, plan, &error);
  g_assert_no_error (error);

  synth_export_options_init (&options);
  g_assert_true (synth_export_run (store, csv, &options, &result, &error));
  g_assert_no_error (error);
  stats = load_stats (result.stats_path);
  prov = json_object_get_object_member (stats, "provenance");
  g_assert_cmpstr (json_object_get_string_member (prov, "prompts_version"), ==,
                   SYNTH_PROMPT_VERSION);
  g_assert_cmpstr (json_object_get_string_member (prov, "model"), ==, "gpt-4o-mini");
}

/* An imported CSV has no plan: the report must not compare its mix with the
 * defaults of a spec nobody asked for. */
static void
test_imported_has_no_plan (Fixture *f, gconstpointer data)
{
  g_autoptr (SynthRunStore) source = offline_run (f, "source", 30);
  g_autoptr (SynthRunStore) imported = NULL;
  g_autofree char *csv = g_build_filename (f->dir, "source.csv", NULL);
  g_autofree char *db = g_build_filename (f->dir, "imported.db", NULL);
  g_autofree char *again = g_build_filename (f->dir, "again.csv", NULL);
  g_auto (SynthExportResult) result = { 0 };
  g_auto (SynthExportResult) result2 = { 0 };
  g_autoptr (GPtrArray) records = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (JsonObject) stats = NULL;
  JsonObject *prov, *mix;
  SynthExportOptions options;

  synth_export_options_init (&options);
  g_assert_true (synth_export_run (source, csv, &options, &result, &error));
  records = synth_csv_read_all_records (csv, &error);
  g_assert_no_error (error);
  imported = synth_run_store_import (db, "imported", records, csv, &error);
  g_assert_no_error (error);
  g_assert_true (synth_export_run (imported, again, &options, &result2, &error));
  g_assert_no_error (error);

  stats = load_stats (result2.stats_path);
  g_assert_cmpint (json_object_get_int_member (stats, "records"), ==, 30);
  prov = json_object_get_object_member (stats, "provenance");
  g_assert_cmpstr (json_object_get_string_member (prov, "run_id"), ==, "imported");
  g_assert_true (json_object_get_null_member (prov, "spec"));
  mix = json_object_get_object_member (stats, "bias_mix");
  g_assert_true (json_object_get_null_member (json_object_get_object_member (mix, "none"),
                                              "requested_fraction"));
  g_assert_true (json_object_get_null_member (json_object_get_object_member (mix, "textual"),
                                              "requested_fraction"));
  /* The same records, the same bytes. */
  {
    g_autofree char *a = NULL, *b = NULL;
    gsize la, lb;

    g_assert_true (g_file_get_contents (csv, &a, &la, NULL));
    g_assert_true (g_file_get_contents (again, &b, &lb, NULL));
    g_assert_cmpmem (a, la, b, lb);
  }
}

static void
on_export_done (GObject *source, GAsyncResult *result, gpointer user_data)
{
  GError **error = user_data;

  g_assert_false (synth_export_run_finish (result, NULL, error));
}

/* Cancelling an export in the window leaves the file it would replace as
 * it was, and writes no statistics beside it. */
static void
test_cancel_keeps_files (Fixture *f, gconstpointer data)
{
  g_autoptr (SynthRunStore) store = offline_run (f, "cancel-run", 400);
  g_autofree char *csv = g_build_filename (f->dir, "keep.csv", NULL);
  g_autofree char *stats = g_build_filename (f->dir, "keep.stats.json", NULL);
  g_autoptr (GCancellable) cancellable = g_cancellable_new ();
  g_autoptr (GError) error = NULL;
  g_autofree char *after = NULL;
  const char *before = "name,resume_text\r\nkeep,me\r\n";
  SynthExportOptions options;

  g_assert_true (g_file_set_contents (csv, before, -1, NULL));
  synth_export_options_init (&options);
  g_cancellable_cancel (cancellable);
  synth_export_run_async (store, csv, &options, cancellable, on_export_done, &error);
  while (error == NULL)
    g_main_context_iteration (NULL, TRUE);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_true (g_file_get_contents (csv, &after, NULL, NULL));
  g_assert_cmpstr (after, ==, before);
  g_assert_false (g_file_test (stats, G_FILE_TEST_EXISTS));
}

static gboolean
add_unrejected (SynthRecord *record, gpointer user_data)
{
  if (synth_record_get_review_status (record) != SYNTH_REVIEW_REJECTED)
    synth_stats_add_record (user_data, record);
  return TRUE;
}

/* The export computes half of the statistics' per-record work in the thread
 * that reads ahead; its stats.json must be byte for byte what adding every
 * record in order on one thread gives. */
static void
test_stats_same_as_sequential (Fixture *f, gconstpointer data)
{
  g_autoptr (SynthRunStore) store = offline_run (f, "stats-run", 3000);
  g_autoptr (SynthRunSpec) spec = synth_run_store_dup_spec (store);
  g_autoptr (SynthUsage) usage = synth_run_store_dup_usage (store);
  g_autoptr (SynthStats) stats = synth_stats_new ();
  g_autofree char *csv = g_build_filename (f->dir, "stats.csv", NULL);
  g_autofree char *sequential = g_build_filename (f->dir, "sequential.json", NULL);
  g_autofree char *a = NULL, *b = NULL;
  g_auto (SynthExportResult) result = { 0 };
  g_autoptr (GError) error = NULL;
  SynthExportOptions options;
  gsize la, lb;

  /* Some rejected records, on both parities, which neither side counts. */
  for (guint i = 0; i < 3000; i += 7)
    g_assert_true (synth_run_store_set_review (store, i, SYNTH_REVIEW_REJECTED, &error));
  synth_export_options_init (&options);
  g_assert_true (synth_export_run (store, csv, &options, &result, &error));
  g_assert_no_error (error);

  synth_stats_set_spec (stats, spec);
  synth_stats_set_usage (stats, usage);
  synth_stats_set_run_id (stats, "stats-run");
  g_assert_true (synth_run_store_foreach_record (store, add_unrejected, stats, &error));
  synth_stats_finish (stats);
  g_assert_true (synth_stats_write_json (stats, sequential, &error));
  g_assert_no_error (error);

  g_assert_true (g_file_get_contents (result.stats_path, &a, &la, NULL));
  g_assert_true (g_file_get_contents (sequential, &b, &lb, NULL));
  g_assert_cmpuint (synth_stats_get_records (stats), ==, 3000 - (3000 + 6) / 7);
  g_assert_cmpmem (a, la, b, lb);
}

typedef struct
{
  guint seen;
  guint stop_after;
  gint64 last_index;
  gboolean in_order;
} Visit;

static gboolean
visit (SynthRecord *record, gpointer user_data)
{
  Visit *v = user_data;
  gint64 index = synth_record_get_index (record);

  v->in_order &= index > v->last_index;
  v->last_index = index;
  return ++v->seen < v->stop_after;
}

/* The reader runs ahead in its own thread: every record still arrives once,
 * in slot order, on the caller's thread, and stopping early stops at once
 * even with several chunks read ahead. */
static void
test_foreach_read_ahead (Fixture *f, gconstpointer data)
{
  g_autoptr (SynthRunStore) store = offline_run (f, "foreach-run", 2000);
  g_autoptr (GError) error = NULL;
  Visit all = { 0, G_MAXUINT, -1, TRUE };
  Visit some = { 0, 700, -1, TRUE };
  Visit one = { 0, 1, -1, TRUE };

  g_assert_true (synth_run_store_foreach_record (store, visit, &all, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (all.seen, ==, 2000);
  g_assert_true (all.in_order);
  g_assert_cmpint (all.last_index, ==, 1999);

  g_assert_true (synth_run_store_foreach_record (store, visit, &some, &error));
  g_assert_cmpuint (some.seen, ==, 700);
  g_assert_true (some.in_order);
  g_assert_true (synth_run_store_foreach_record (store, visit, &one, &error));
  g_assert_cmpuint (one.seen, ==, 1);
  g_assert_cmpint (one.last_index, ==, 0);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add ("/export/offline-provenance", Fixture, NULL, fixture_set_up, test_offline_provenance,
              fixture_tear_down);
  g_test_add ("/export/openai-prompts-version", Fixture, NULL, fixture_set_up,
              test_openai_prompts_version, fixture_tear_down);
  g_test_add ("/export/imported-has-no-plan", Fixture, NULL, fixture_set_up,
              test_imported_has_no_plan, fixture_tear_down);
  g_test_add ("/export/cancel-keeps-files", Fixture, NULL, fixture_set_up, test_cancel_keeps_files,
              fixture_tear_down);
  g_test_add ("/export/stats-same-as-sequential", Fixture, NULL, fixture_set_up,
              test_stats_same_as_sequential, fixture_tear_down);
  g_test_add ("/export/foreach-read-ahead", Fixture, NULL, fixture_set_up, test_foreach_read_ahead,
              fixture_tear_down);
  return g_test_run ();
}
