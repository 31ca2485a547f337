/* test-review-export.c — reviewing with the keyboard saves to the run store
 * at once; the detail pane shows the record as plain text with its skills
 * highlighted; export writes a CSV, stats and report that the core reader
 * reads back equal; Open CSV imports a file and names the line of a
 * malformed one. */
#include "config.h"

#include <json-glib/json-glib.h>

#include "synth-csv.h"
#include "synth-export-dialog.h"
#include "synth-run-store.h"
#include "synth-ui-test.h"

static SynthReviewStatus
stored_status (SynthWindow *window, SynthRecord *record)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (SynthRecord) stored = synth_run_store_load_record (
      synth_window_get_store (window), synth_record_get_index (record), &error);

  g_assert_no_error (error);
  return synth_record_get_review_status (stored);
}

static SynthRecord *
visible_item (SynthWindow *window, guint position)
{
  return g_list_model_get_item (synth_window_get_visible_records (window), position);
}

static void
test_review_keys (void)
{
  SynthWindow *window = synth_ui_test_new_window ();
  GtkWidget *view = GTK_WIDGET (window->records_view);
  g_autoptr (SynthRecord) first = NULL;
  g_autoptr (SynthRecord) second = NULL;
  g_autoptr (SynthRecord) third = NULL;

  synth_ui_test_generate_offline (window, 60, 11);
  first = visible_item (window, 0);
  second = visible_item (window, 1);
  third = visible_item (window, 2);

  g_assert_true (synth_records_view_select (window->records_view, 0));
  g_assert_true (synth_records_view_get_selected (window->records_view) == first);

  /* A accepts and moves on; the store has it at once. */
  g_assert_true (synth_ui_test_press_key (view, GDK_KEY_a));
  g_assert_cmpint (stored_status (window, first), ==, SYNTH_REVIEW_ACCEPTED);
  g_assert_cmpint (synth_record_get_review_status (first), ==, SYNTH_REVIEW_ACCEPTED);
  g_assert_true (synth_records_view_get_selected (window->records_view) == second);

  /* R rejects. */
  g_assert_true (synth_ui_test_press_key (view, GDK_KEY_r));
  g_assert_cmpint (stored_status (window, second), ==, SYNTH_REVIEW_REJECTED);
  g_assert_true (synth_records_view_get_selected (window->records_view) == third);
  g_assert_cmpint (stored_status (window, third), ==, SYNTH_REVIEW_UNREVIEWED);

  /* K goes back, J forward, without changing anything. */
  g_assert_true (synth_ui_test_press_key (view, GDK_KEY_k));
  g_assert_true (synth_records_view_get_selected (window->records_view) == second);
  g_assert_true (synth_ui_test_press_key (view, GDK_KEY_j));
  g_assert_true (synth_records_view_get_selected (window->records_view) == third);
  g_assert_cmpint (stored_status (window, second), ==, SYNTH_REVIEW_REJECTED);

  /* U takes a review back. */
  g_assert_true (synth_records_view_select (window->records_view, 0));
  g_assert_true (synth_ui_test_press_key (view, GDK_KEY_u));
  g_assert_cmpint (stored_status (window, first), ==, SYNTH_REVIEW_UNREVIEWED);

  /* Reviewing a queue: with "Unreviewed" shown, a reviewed record leaves the
   * table and the next one is selected. */
  synth_records_view_set_filters (window->records_view, -1, -1, SYNTH_REVIEW_UNREVIEWED);
  {
    guint before = g_list_model_get_n_items (synth_window_get_visible_records (window));
    g_autoptr (SynthRecord) head = visible_item (window, 0);
    g_autoptr (SynthRecord) next = visible_item (window, 1);

    g_assert_true (synth_records_view_select (window->records_view, 0));
    g_assert_true (synth_ui_test_press_key (view, GDK_KEY_a));
    g_assert_cmpuint (g_list_model_get_n_items (synth_window_get_visible_records (window)), ==,
                      before - 1);
    g_assert_true (synth_records_view_get_selected (window->records_view) == next);
    g_assert_cmpint (stored_status (window, head), ==, SYNTH_REVIEW_ACCEPTED);
  }
  synth_records_view_set_filters (window->records_view, -1, -1, -1);

  synth_ui_test_close_window (window);
}

static char *
buffer_text (GtkTextBuffer *buffer)
{
  GtkTextIter start, end;

  gtk_text_buffer_get_bounds (buffer, &start, &end);
  return gtk_text_buffer_get_text (buffer, &start, &end, FALSE);
}

static gboolean
buffer_has_tag (GtkTextBuffer *buffer, const char *name)
{
  GtkTextTag *tag = gtk_text_tag_table_lookup (gtk_text_buffer_get_tag_table (buffer), name);
  GtkTextIter iter;

  gtk_text_buffer_get_start_iter (buffer, &iter);
  return gtk_text_iter_starts_tag (&iter, tag) || gtk_text_iter_forward_to_tag_toggle (&iter, tag);
}

static void
test_detail_pane (void)
{
  SynthWindow *window = synth_ui_test_new_window ();
  SynthDetailPane *detail = synth_records_view_get_detail (window->records_view);
  GListModel *visible;
  gboolean saw_clean = FALSE, saw_skill = FALSE;

  synth_ui_test_generate_offline (window, 80, 3);
  visible = synth_window_get_visible_records (window);

  for (guint i = 0; i < g_list_model_get_n_items (visible); i++)
    {
      g_autoptr (SynthRecord) record = g_list_model_get_item (visible, i);
      g_autofree char *left = NULL;
      g_autofree char *right = NULL;

      g_assert_true (synth_records_view_select (window->records_view, i));
      g_assert_true (synth_detail_pane_get_record (detail) == record);
      synth_detail_pane_set_show_changes (detail, FALSE);

      /* The texts appear exactly as stored: plain text, not markup. */
      left = buffer_text (synth_detail_pane_get_left_buffer (detail));
      right = buffer_text (synth_detail_pane_get_right_buffer (detail));
      g_assert_cmpstr (left, ==, synth_record_get_resume_text (record));
      g_assert_cmpstr (right, ==, synth_record_get_job_skill_text (record));
      if (synth_record_get_match_label (record) == 1)
        saw_skill |= buffer_has_tag (synth_detail_pane_get_left_buffer (detail), "skill");

      /* D shows the clean text against the biased one, where there is one. */
      if (synth_record_get_clean_resume_text (record) != NULL && !saw_clean)
        {
          g_autofree char *clean = NULL;

          g_assert_true (synth_ui_test_press_key (GTK_WIDGET (window->records_view), GDK_KEY_d));
          g_assert_true (synth_detail_pane_get_show_changes (detail));
          clean = buffer_text (synth_detail_pane_get_left_buffer (detail));
          g_assert_cmpstr (clean, ==, synth_record_get_clean_resume_text (record));
          g_assert_true (buffer_has_tag (synth_detail_pane_get_left_buffer (detail), "removed") ||
                         buffer_has_tag (synth_detail_pane_get_right_buffer (detail), "inserted"));
          saw_clean = TRUE;
        }
    }
  /* A matching pair covers the job's skills: they are highlighted. */
  g_assert_true (saw_skill);
  g_assert_true (saw_clean);

  /* Markup in a record is shown as typed, never interpreted. */
  {
    g_autoptr (SynthRecord) hostile = synth_record_new ();
    g_autofree char *left = NULL;

    synth_record_set_name (hostile, "<b>Eve</b> & <i>co</i>");
    synth_record_set_resume_text (hostile, "<span foreground='red'>x</span> &amp;");
    synth_record_set_job_skill_text (hostile, "Required skills: <b>SQL</b>");
    synth_detail_pane_set_record (detail, hostile);
    left = buffer_text (synth_detail_pane_get_left_buffer (detail));
    g_assert_cmpstr (left, ==, "<span foreground='red'>x</span> &amp;");
    {
      GtkLabel *name = GTK_LABEL (gtk_widget_get_template_child (
          GTK_WIDGET (detail), SYNTH_TYPE_DETAIL_PANE, "name_label"));
      g_assert_cmpstr (gtk_label_get_text (name), ==, "<b>Eve</b> & <i>co</i>");
    }
  }

  synth_ui_test_close_window (window);
}

typedef struct
{
  gboolean done;
  gboolean ok;
} ExportWait;

static void
export_finished_cb (SynthExportDialog *dialog, gboolean ok, ExportWait *wait)
{
  wait->done = TRUE;
  wait->ok = ok;
}

static gboolean
export_done (gpointer user_data)
{
  return ((ExportWait *) user_data)->done;
}

static gboolean
run_export (SynthWindow *window, const char *path)
{
  SynthExportDialog *dialog = synth_export_dialog_new (window, synth_window_get_store (window));
  ExportWait wait = { FALSE, FALSE };

  g_signal_connect (dialog, "finished", G_CALLBACK (export_finished_cb), &wait);
  gtk_window_present (GTK_WINDOW (dialog));
  synth_export_dialog_set_path (dialog, path);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (dialog), "export.export", NULL));
  g_assert_true (synth_ui_test_wait (export_done, &wait, 60000));
  if (!wait.ok)
    gtk_window_destroy (GTK_WINDOW (dialog));
  return wait.ok;
}

/* What the CSV holds for @text with the formula guard on. */
static char *
guarded (const char *text)
{
  if (text != NULL && strchr ("=+-@\t\r", text[0]) != NULL && text[0] != '\0')
    return g_strconcat ("'", text, NULL);
  return g_strdup (text != NULL ? text : "");
}

static void
assert_same_text (const char *exported, const char *original)
{
  g_autofree char *expected = guarded (original);
  g_assert_cmpstr (exported != NULL ? exported : "", ==, expected);
}

static void
test_export_roundtrip (void)
{
  SynthWindow *window = synth_ui_test_new_window ();
  GSettings *settings = synth_ui_test_get_settings ();
  const char *columns[] = { "bias_detail", "domain",        "split", "group_id",
                            "record_id",   "review_status", NULL };
  g_autofree char *csv = g_build_filename (synth_ui_test_get_tmp_dir (), "out.csv", NULL);
  g_autofree char *stats = g_build_filename (synth_ui_test_get_tmp_dir (), "out.stats.json", NULL);
  g_autofree char *report =
      g_build_filename (synth_ui_test_get_tmp_dir (), "out.report.html", NULL);
  g_autoptr (GPtrArray) stored = NULL;
  g_autoptr (GPtrArray) read = NULL;
  g_autoptr (GHashTable) by_id = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr (GError) error = NULL;
  g_autoptr (JsonParser) parser = json_parser_new ();
  g_autofree char *html = NULL;
  guint n_rejected = 0;

  synth_ui_test_generate_offline (window, 150, 5);
  /* Reject two records from the keyboard: export leaves them out. */
  g_assert_true (synth_records_view_select (window->records_view, 3));
  g_assert_true (synth_ui_test_press_key (GTK_WIDGET (window->records_view), GDK_KEY_r));
  g_assert_true (synth_ui_test_press_key (GTK_WIDGET (window->records_view), GDK_KEY_r));
  n_rejected = 2;

  g_settings_set_strv (settings, "export-columns", columns);
  g_settings_set_boolean (settings, "export-include-rejected", FALSE);
  g_settings_set_boolean (settings, "export-separate-eval", FALSE);
  g_settings_set_boolean (settings, "export-formula-guard", TRUE);
  g_assert_true (run_export (window, csv));

  stored = synth_run_store_load_records (synth_window_get_store (window), 0, 0, &error);
  g_assert_no_error (error);
  read = synth_csv_read_all_records (csv, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (read->len, ==, stored->len - n_rejected);

  for (guint i = 0; i < read->len; i++)
    g_hash_table_insert (by_id, (gpointer) synth_record_get_record_id (read->pdata[i]),
                         read->pdata[i]);
  for (guint i = 0; i < stored->len; i++)
    {
      SynthRecord *s = stored->pdata[i];
      SynthRecord *r = g_hash_table_lookup (by_id, synth_record_get_record_id (s));

      if (synth_record_get_review_status (s) == SYNTH_REVIEW_REJECTED)
        {
          g_assert_null (r);
          continue;
        }
      g_assert_nonnull (r);
      assert_same_text (synth_record_get_name (r), synth_record_get_name (s));
      assert_same_text (synth_record_get_resume_text (r), synth_record_get_resume_text (s));
      assert_same_text (synth_record_get_job_skill_text (r), synth_record_get_job_skill_text (s));
      g_assert_cmpint (synth_record_get_match_label (r), ==, synth_record_get_match_label (s));
      g_assert_cmpint (synth_record_get_bias_type (r), ==, synth_record_get_bias_type (s));
      assert_same_text (synth_record_get_bias_detail (r), synth_record_get_bias_detail (s));
      g_assert_cmpstr (synth_record_get_domain (r), ==, synth_record_get_domain (s));
      g_assert_cmpstr (synth_record_get_split (r), ==, synth_record_get_split (s));
      g_assert_cmpstr (synth_record_get_group_id (r) ?: "", ==,
                       synth_record_get_group_id (s) ?: "");
      g_assert_cmpint (synth_record_get_review_status (r), ==, synth_record_get_review_status (s));
    }

  /* The statistics describe exactly what was written. */
  g_assert_true (json_parser_load_from_file (parser, stats, &error));
  g_assert_no_error (error);
  g_assert_cmpint (
      json_object_get_int_member (json_node_get_object (json_parser_get_root (parser)), "records"),
      ==, read->len);
  g_assert_true (g_file_get_contents (report, &html, NULL, &error));
  g_assert_no_error (error);
  g_assert_nonnull (strstr (html, "<svg"));

  /* Evaluation records apart: the two files split the same records. */
  {
    g_autofree char *csv2 = g_build_filename (synth_ui_test_get_tmp_dir (), "split.csv", NULL);
    g_autofree char *eval = g_build_filename (synth_ui_test_get_tmp_dir (), "split.eval.csv", NULL);
    g_autoptr (GPtrArray) train = NULL;
    g_autoptr (GPtrArray) evals = NULL;

    g_settings_set_boolean (settings, "export-separate-eval", TRUE);
    g_assert_true (run_export (window, csv2));
    train = synth_csv_read_all_records (csv2, &error);
    g_assert_no_error (error);
    evals = synth_csv_read_all_records (eval, &error);
    g_assert_no_error (error);
    g_assert_cmpuint (train->len + evals->len, ==, read->len);
    g_assert_cmpuint (evals->len, >, 0);
    for (guint i = 0; i < evals->len; i++)
      g_assert_cmpstr (synth_record_get_split (evals->pdata[i]), ==, "eval");
    for (guint i = 0; i < train->len; i++)
      g_assert_cmpstr (synth_record_get_split (train->pdata[i]), !=, "eval");
    g_settings_set_boolean (settings, "export-separate-eval", FALSE);
  }

  /* An unwritable destination fails with a message and writes nothing. */
  g_assert_false (run_export (window, "/proc/no-such-dir/out.csv"));
  synth_ui_test_close_window (window);

  /* Open CSV…: the export becomes a run to review, record for record. */
  window = synth_ui_test_new_window ();
  {
    g_autoptr (GFile) file = g_file_new_for_path (csv);
    GListModel *records;

    synth_window_open_csv (window, file);
    g_assert_true (synth_window_get_busy (window));
    g_assert_true (synth_ui_test_wait (synth_ui_test_window_idle, window, 30000));
    records = synth_window_get_records (window);
    g_assert_cmpuint (g_list_model_get_n_items (records), ==, read->len);
    g_assert_nonnull (synth_window_get_store (window));
    g_assert_false (synth_window_can_continue (window));
    g_assert_true (synth_records_view_select (window->records_view, 0));
    g_assert_true (synth_ui_test_press_key (GTK_WIDGET (window->records_view), GDK_KEY_r));
    {
      g_autoptr (SynthRecord) first =
          g_list_model_get_item (synth_window_get_visible_records (window), 0);
      g_assert_cmpint (stored_status (window, first), ==, SYNTH_REVIEW_REJECTED);
    }
  }
  synth_ui_test_close_window (window);
}

static void
test_open_malformed_csv (void)
{
  SynthWindow *window = synth_ui_test_new_window ();
  g_autofree char *path = g_build_filename (synth_ui_test_get_tmp_dir (), "bad.csv", NULL);
  g_autoptr (GFile) file = g_file_new_for_path (path);
  g_autoptr (GError) error = NULL;
  AdwMessageDialog *dialog;
  const char *content = "name,resume_text,job_skill_text,match_label,bias_type\r\n"
                        "Ann,\"ok\",\"Required skills: SQL\",1,none\r\n"
                        "Bob,\"unclosed,\"x\",0,none\r\n";

  g_assert_true (g_file_set_contents (path, content, -1, &error));
  g_assert_no_error (error);
  synth_window_open_csv (window, file);
  g_assert_true (synth_ui_test_wait (synth_ui_test_window_idle, window, 30000));

  /* Nothing is loaded, and a dialog names the line. */
  g_assert_cmpuint (g_list_model_get_n_items (synth_window_get_records (window)), ==, 0);
  dialog = synth_ui_test_find_message_dialog (GTK_WINDOW (window));
  g_assert_nonnull (dialog);
  g_test_message ("message: %s", synth_ui_test_message_dialog_body (dialog));
  g_assert_nonnull (strstr (synth_ui_test_message_dialog_body (dialog), "line 3"));
  /* What a click on the button does: answer, then close. */
  adw_message_dialog_response (dialog, "close");
  gtk_window_destroy (GTK_WINDOW (dialog));

  synth_ui_test_close_window (window);
}

int
main (int argc, char **argv)
{
  synth_ui_test_init (&argc, &argv);

  g_test_add_func ("/review/keys", test_review_keys);
  g_test_add_func ("/review/detail-pane", test_detail_pane);
  g_test_add_func ("/export/roundtrip", test_export_roundtrip);
  g_test_add_func ("/open/malformed-csv", test_open_malformed_csv);

  return g_test_run ();
}
