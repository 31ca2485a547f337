/* test-window.c — the window as a user meets it: the empty state, the bias
 * mix, generating with the built-in engine while the main loop keeps
 * running, the table's filters and search, stop and continue, and the
 * offer to resume an unfinished run. */
#include "config.h"

#include "synth-bias-mix-editor.h"
#include "synth-bias-row.h"
#include "synth-run-store.h"
#include "synth-ui-test.h"

#include <glib/gstdio.h>

static gboolean
action_enabled (SynthWindow *window, const char *action)
{
  return synth_window_action_is_enabled (window, action);
}

static const char *
visible_page (GtkWidget *widget, const char *stack_child)
{
  GtkStack *stack =
      GTK_STACK (gtk_widget_get_template_child (widget, G_OBJECT_TYPE (widget), stack_child));
  return gtk_stack_get_visible_child_name (stack);
}

static void
test_empty_state (void)
{
  SynthWindow *window = synth_ui_test_new_window ();

  /* A first-time user is told what to do, and that no key is needed. */
  g_assert_cmpstr (visible_page (GTK_WIDGET (window->records_view), "stack"), ==, "empty");
  g_assert_cmpstr (visible_page (GTK_WIDGET (window->stats_page), "stack"), ==, "empty");
  g_assert_true (action_enabled (window, "win.generate"));
  g_assert_true (action_enabled (window, "win.open-csv"));
  g_assert_false (action_enabled (window, "win.export"));
  g_assert_false (action_enabled (window, "win.stop"));
  g_assert_false (action_enabled (window, "win.pause"));
  g_assert_false (action_enabled (window, "win.continue-run"));
  g_assert_cmpuint (g_list_model_get_n_items (synth_window_get_records (window)), ==, 0);

  synth_ui_test_close_window (window);
}

static SynthBiasMixEditor *
find_mix_editor (SynthWindow *window)
{
  return SYNTH_BIAS_MIX_EDITOR (gtk_widget_get_template_child (
      GTK_WIDGET (window->form), SYNTH_TYPE_GENERATE_FORM, "mix_editor"));
}

static guint
percent_sum (SynthBiasMixEditor *editor)
{
  guint sum = 0;

  for (guint i = 0; i < SYNTH_N_BIAS_TYPES; i++)
    sum += synth_bias_mix_editor_get_percent (editor, i);
  return sum;
}

static void
test_bias_mix_presets (void)
{
  SynthWindow *window = synth_ui_test_new_window ();
  SynthBiasMixEditor *editor = find_mix_editor (window);
  GSettings *settings = synth_ui_test_get_settings ();
  const char *const *presets = synth_bias_mix_preset_ids ();
  g_autofree char *stored = NULL;

  /* Every preset: the shares shown sum to exactly 100 and match the core's
   * quotas for 100 records, and the setting follows. */
  for (guint p = 0; presets[p] != NULL; p++)
    {
      g_autoptr (SynthBiasMix) mix = synth_bias_mix_new_preset (presets[p]);
      guint64 quotas[SYNTH_N_BIAS_TYPES];

      g_assert_true (
          gtk_widget_activate_action (GTK_WIDGET (editor), "mix.preset", "s", presets[p]));
      g_assert_cmpstr (synth_bias_mix_editor_get_preset (editor), ==, presets[p]);
      g_assert_cmpuint (percent_sum (editor), ==, 100);
      synth_bias_mix_quotas (mix, 100, quotas);
      for (guint i = 0; i < SYNTH_N_BIAS_TYPES; i++)
        g_assert_cmpuint (synth_bias_mix_editor_get_percent (editor, i), ==, quotas[i]);
      g_free (stored);
      stored = g_settings_get_string (settings, "bias-mix");
      {
        g_autoptr (SynthBiasMix) parsed = synth_bias_mix_parse (stored, NULL);
        g_assert_nonnull (parsed);
        for (guint i = 0; i < SYNTH_N_BIAS_TYPES; i++)
          g_assert_cmpfloat_with_epsilon (synth_bias_mix_get_fraction (parsed, i),
                                          synth_bias_mix_get_fraction (mix, i), 1e-9);
      }
    }

  /* A mix with three odd weights still shows shares summing to 100. */
  g_settings_set_string (settings, "bias-mix", "textual=1,fairness=1,human_error=1");
  g_assert_cmpuint (percent_sum (editor), ==, 100);
  g_assert_cmpstr (synth_bias_mix_editor_get_preset (editor), ==, "custom");

  /* Every slider dragged to zero: nothing can be planned, Generate is off. */
  for (guint i = 0; i < SYNTH_N_BIAS_TYPES; i++)
    {
      g_autofree char *id = g_strdup_printf ("row_%s", synth_bias_type_to_id (i));
      GObject *row =
          gtk_widget_get_template_child (GTK_WIDGET (editor), SYNTH_TYPE_BIAS_MIX_EDITOR, id);

      g_assert_true (SYNTH_IS_BIAS_ROW (row));
      synth_bias_row_set_weight (SYNTH_BIAS_ROW (row), 0);
    }
  g_assert_cmpuint (percent_sum (editor), ==, 0);
  g_assert_false (synth_bias_mix_editor_get_valid (editor));
  g_assert_false (action_enabled (window, "win.generate"));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (editor), "mix.preset", "s", "balanced"));
  g_assert_true (action_enabled (window, "win.generate"));

  synth_ui_test_close_window (window);
}

typedef struct
{
  SynthWindow *window;
  guint n;
} WaitRows;

static gboolean
has_rows (gpointer user_data)
{
  WaitRows *w = user_data;
  return g_list_model_get_n_items (synth_window_get_records (w->window)) >= w->n;
}

static void
test_generate_offline (void)
{
  SynthWindow *window = synth_ui_test_new_window ();
  GSettings *settings = synth_ui_test_get_settings ();
  SynthRunStore *store;
  WaitRows wait = { window, 200 };
  g_autoptr (GHashTable) seen = g_hash_table_new (NULL, NULL);
  guint positives = 0;
  gint64 start;

  g_settings_set_string (settings, "provider", "offline");
  g_settings_set_uint (settings, "records", 200);
  g_settings_set_double (settings, "positive-ratio", 0.5);
  g_settings_set_string (settings, "bias-mix", "balanced");

  synth_ui_test_reset_max_stall ();
  start = g_get_monotonic_time ();
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.generate", NULL));
  g_assert_true (synth_window_get_busy (window));
  /* Pressing Generate again while busy does nothing. */
  g_assert_false (action_enabled (window, "win.generate"));

  g_assert_true (synth_ui_test_wait (has_rows, &wait, 60000));
  g_assert_true (synth_ui_test_wait (synth_ui_test_window_idle, window, 60000));
  g_test_message ("200 offline records in the table after %.0f ms; longest main-loop stall "
                  "%.1f ms",
                  (g_get_monotonic_time () - start) / 1000.0, synth_ui_test_get_max_stall_ms ());
  /* A frozen UI fails; the precise figure is reported above, not asserted. */
  g_assert_cmpfloat (synth_ui_test_get_max_stall_ms (), <, 1000.0);

  /* The table shows every record once, with exactly the planned labels. */
  g_assert_cmpuint (g_list_model_get_n_items (synth_window_get_records (window)), ==, 200);
  g_assert_cmpuint (g_list_model_get_n_items (synth_window_get_visible_records (window)), ==, 200);
  for (guint i = 0; i < 200; i++)
    {
      g_autoptr (SynthRecord) record = g_list_model_get_item (synth_window_get_records (window), i);
      g_assert_false (
          g_hash_table_contains (seen, GUINT_TO_POINTER (synth_record_get_index (record))));
      g_hash_table_add (seen, GUINT_TO_POINTER (synth_record_get_index (record)));
      positives += synth_record_get_match_label (record);
    }
  g_assert_cmpuint (positives, ==, 100);

  store = synth_window_get_store (window);
  g_assert_nonnull (store);
  g_assert_cmpuint (synth_run_store_count_done (store), ==, 200);
  g_assert_cmpstr (visible_page (GTK_WIDGET (window->records_view), "stack"), ==, "table");

  /* The statistics page follows the run. */
  adw_view_stack_set_visible_child_name (window->view_stack, "statistics");
  synth_ui_test_spin (100);
  synth_stats_page_update (window->stats_page);
  g_assert_cmpstr (synth_stats_page_get_figure (window->stats_page, "records"), ==, "200");
  g_assert_cmpstr (visible_page (GTK_WIDGET (window->stats_page), "stack"), ==, "stats");

  g_assert_true (action_enabled (window, "win.export"));
  g_assert_false (action_enabled (window, "win.continue-run"));
  synth_ui_test_close_window (window);
}

typedef struct
{
  GListModel *model;
  guint n;
} SizeWait;

static gboolean
sort_done (gpointer window)
{
  GtkSortListModel *sort = GTK_SORT_LIST_MODEL (gtk_widget_get_template_child (
      GTK_WIDGET (((SynthWindow *) window)->records_view), SYNTH_TYPE_RECORDS_VIEW, "sort_model"));
  return gtk_sort_list_model_get_pending (sort) == 0;
}

static gboolean
model_has_size (gpointer user_data)
{
  SizeWait *w = user_data;
  return g_list_model_get_n_items (w->model) == w->n;
}

static void
test_filters_and_search (void)
{
  SynthWindow *window = synth_ui_test_new_window ();
  GListModel *visible = synth_window_get_visible_records (window);
  GListModel *all;
  guint n_match = 0, n_textual = 0, n_both = 0;
  g_autofree char *needle = NULL;
  guint n_needle = 0;

  synth_ui_test_generate_offline (window, 120, 7);
  all = synth_window_get_records (window);
  for (guint i = 0; i < g_list_model_get_n_items (all); i++)
    {
      g_autoptr (SynthRecord) r = g_list_model_get_item (all, i);
      gboolean match = synth_record_get_match_label (r) == 1;
      gboolean textual = synth_record_get_bias_type (r) == SYNTH_BIAS_TEXTUAL;

      n_match += match;
      n_textual += textual;
      n_both += match && textual;
    }
  {
    g_autoptr (SynthRecord) first = g_list_model_get_item (all, 0);
    needle = g_strdup (synth_record_get_name (first));
  }
  for (guint i = 0; i < g_list_model_get_n_items (all); i++)
    {
      g_autoptr (SynthRecord) r = g_list_model_get_item (all, i);
      g_autofree char *hay =
          g_strjoin ("\n", synth_record_get_name (r), synth_record_get_domain (r),
                     synth_record_get_bias_detail (r) ?: "", synth_record_get_job_skill_text (r),
                     synth_record_get_resume_text (r), NULL);
      g_autofree char *hay_down = g_ascii_strdown (hay, -1);
      g_autofree char *needle_down = g_ascii_strdown (needle, -1);
      n_needle += strstr (hay_down, needle_down) != NULL;
    }

  /* A click on the Words header sorts by length. */
  {
    GtkColumnView *view = GTK_COLUMN_VIEW (gtk_widget_get_template_child (
        GTK_WIDGET (window->records_view), SYNTH_TYPE_RECORDS_VIEW, "column_view"));
    GListModel *columns = gtk_column_view_get_columns (view);
    GtkColumnViewColumn *words = NULL;
    guint previous = 0;

    for (guint i = 0; i < g_list_model_get_n_items (columns); i++)
      {
        g_autoptr (GtkColumnViewColumn) column = g_list_model_get_item (columns, i);
        if (g_strcmp0 (gtk_column_view_column_get_title (column), "Words") == 0)
          words = column;
      }
    g_assert_nonnull (words);
    gtk_column_view_sort_by_column (view, words, GTK_SORT_DESCENDING);
    /* The sort is incremental: wait until it is done. */
    g_assert_true (synth_ui_test_wait (sort_done, window, 10000));
    g_assert_cmpuint (g_list_model_get_n_items (visible), ==, 120);
    for (guint i = 0; i < g_list_model_get_n_items (visible); i++)
      {
        g_autoptr (SynthRecord) r = g_list_model_get_item (visible, i);
        guint n = synth_record_count_words (synth_record_get_resume_text (r));

        if (i > 0)
          g_assert_cmpuint (n, <=, previous);
        previous = n;
      }
    gtk_column_view_sort_by_column (view, NULL, GTK_SORT_ASCENDING);
  }

  synth_records_view_set_filters (window->records_view, 1, -1, -1);
  g_assert_cmpuint (g_list_model_get_n_items (visible), ==, n_match);
  synth_records_view_set_filters (window->records_view, 1, SYNTH_BIAS_TEXTUAL, -1);
  g_assert_cmpuint (g_list_model_get_n_items (visible), ==, n_both);
  synth_records_view_set_filters (window->records_view, -1, SYNTH_BIAS_TEXTUAL, -1);
  g_assert_cmpuint (g_list_model_get_n_items (visible), ==, n_textual);
  synth_records_view_set_filters (window->records_view, -1, -1, SYNTH_REVIEW_ACCEPTED);
  g_assert_cmpuint (g_list_model_get_n_items (visible), ==, 0);
  synth_records_view_set_filters (window->records_view, -1, -1, -1);
  g_assert_cmpuint (g_list_model_get_n_items (visible), ==, 120);

  /* Ctrl+F's action focuses the search entry; search matches any text. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.search", NULL));
  synth_records_view_set_search (window->records_view, needle);
  g_assert_true (n_needle >= 1);
  {
    /* The text search filters incrementally: wait for it to settle. */
    SizeWait w = { visible, n_needle };
    g_assert_true (synth_ui_test_wait (model_has_size, &w, 10000));
  }
  synth_ui_test_spin (100);
  g_assert_cmpuint (g_list_model_get_n_items (visible), ==, n_needle);
  synth_records_view_set_search (window->records_view, "");
  g_assert_cmpuint (g_list_model_get_n_items (visible), ==, 120);

  synth_ui_test_close_window (window);
}

static gboolean
has_some_rows (gpointer window)
{
  return g_list_model_get_n_items (synth_window_get_records (window)) > 0;
}

static void
test_stop_and_continue (void)
{
  SynthWindow *window = synth_ui_test_new_window ();
  GSettings *settings = synth_ui_test_get_settings ();
  SynthRunStore *store;
  guint n_stopped, n_total;
  g_autofree char *path = NULL;

  g_settings_set_string (settings, "provider", "offline");
  g_settings_set_uint (settings, "records", 200000);
  g_settings_set_uint (settings, "batch-size", 25);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.generate", NULL));
  g_assert_true (synth_ui_test_wait (has_some_rows, window, 60000));

  /* Pause holds batches back; Resume lets them go again. */
  g_assert_true (action_enabled (window, "win.pause"));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.pause", NULL));
  g_assert_true (action_enabled (window, "win.resume"));
  g_assert_false (action_enabled (window, "win.pause"));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.resume", NULL));
  g_assert_true (action_enabled (window, "win.pause"));

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.stop", NULL));
  g_assert_true (synth_ui_test_wait (synth_ui_test_window_idle, window, 60000));

  store = synth_window_get_store (window);
  n_total = synth_run_store_get_n_slots (store);
  n_stopped = synth_run_store_count_done (store);
  g_test_message ("stopped at %u of %u records", n_stopped, n_total);
  g_assert_cmpuint (n_total, ==, 200000);
  /* Every stored record is in the table, nothing more. */
  g_assert_cmpuint (g_list_model_get_n_items (synth_window_get_records (window)), ==, n_stopped);
  if (n_stopped == n_total)
    {
      g_test_skip ("the engine finished 200,000 records before Stop took effect");
      synth_ui_test_close_window (window);
      return;
    }
  g_assert_true (action_enabled (window, "win.continue-run"));
  path = g_strdup (synth_run_store_get_path (store));
  synth_ui_test_close_window (window);

  /* A new window offers the unfinished run; "Open" shows its records. */
  window = synth_ui_test_new_window ();
  synth_window_offer_unfinished_runs (window);
  {
    AdwMessageDialog *dialog = NULL;
    gint64 deadline = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;

    while ((dialog = synth_ui_test_find_message_dialog (GTK_WINDOW (window))) == NULL &&
           g_get_monotonic_time () < deadline)
      g_main_context_iteration (NULL, TRUE);
    g_assert_nonnull (dialog);
    g_assert_true (adw_message_dialog_has_response (dialog, "resume"));
    g_assert_true (adw_message_dialog_has_response (dialog, "discard"));
    /* What a click on the button does: answer, then close. */
    adw_message_dialog_response (dialog, "open");
    gtk_window_destroy (GTK_WINDOW (dialog));
  }
  g_assert_true (synth_ui_test_wait (has_some_rows, window, 30000));
  g_assert_true (synth_ui_test_wait (synth_ui_test_window_idle, window, 30000));
  store = synth_window_get_store (window);
  g_assert_cmpstr (synth_run_store_get_path (store), ==, path);
  g_assert_cmpuint (g_list_model_get_n_items (synth_window_get_records (window)), ==, n_stopped);
  g_assert_true (action_enabled (window, "win.continue-run"));

  /* Continue generates more of exactly the pending slots; stop it again. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.continue-run", NULL));
  {
    WaitRows wait = { window, n_stopped + 500 };
    g_assert_true (synth_ui_test_wait (has_rows, &wait, 60000));
  }
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.stop", NULL));
  g_assert_true (synth_ui_test_wait (synth_ui_test_window_idle, window, 60000));
  g_assert_cmpuint (g_list_model_get_n_items (synth_window_get_records (window)), ==,
                    synth_run_store_count_done (store));
  g_assert_cmpuint (synth_run_store_count_done (store), >, n_stopped);
  {
    g_autoptr (GHashTable) seen = g_hash_table_new (NULL, NULL);
    GListModel *all = synth_window_get_records (window);

    for (guint i = 0; i < g_list_model_get_n_items (all); i++)
      {
        g_autoptr (SynthRecord) r = g_list_model_get_item (all, i);
        g_assert_true (g_hash_table_add (seen, GUINT_TO_POINTER (synth_record_get_index (r))));
      }
  }
  synth_ui_test_close_window (window);
}

static gboolean
weak_cleared (gpointer user_data)
{
  GWeakRef *ref = user_data;
  g_autoptr (GObject) object = g_weak_ref_get (ref);
  return object == NULL;
}

static AdwMessageDialog *
wait_for_dialog (SynthWindow *window)
{
  AdwMessageDialog *dialog = NULL;
  gint64 deadline = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;

  while ((dialog = synth_ui_test_find_message_dialog (GTK_WINDOW (window))) == NULL &&
         g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, TRUE);
  return dialog;
}

static void
test_close_mid_run (void)
{
  SynthWindow *window = synth_ui_test_new_window ();
  GSettings *settings = synth_ui_test_get_settings ();
  g_autoptr (SynthRunStore) store = NULL;
  g_autofree char *path = NULL;
  g_autofree char *status = NULL;
  GWeakRef ref;
  AdwMessageDialog *dialog;

  /* Start clean: earlier tests' unfinished runs are not offered here. */
  {
    g_autoptr (GPtrArray) runs = synth_run_store_list_runs (NULL, NULL);
    for (guint i = 0; runs != NULL && i < runs->len; i++)
      {
        SynthRunInfo *info = runs->pdata[i];
        g_autofree char *wal = g_strconcat (info->path, "-wal", NULL);
        g_autofree char *shm = g_strconcat (info->path, "-shm", NULL);
        g_unlink (info->path);
        g_unlink (wal);
        g_unlink (shm);
      }
  }

  g_settings_set_string (settings, "provider", "offline");
  g_settings_set_uint (settings, "records", 200000);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.generate", NULL));
  g_assert_true (synth_ui_test_wait (has_some_rows, window, 60000));
  store = g_object_ref (synth_window_get_store (window));
  path = g_strdup (synth_run_store_get_path (store));

  /* Closing mid-run hides the window at once, lets the batches in flight
   * settle into the store, then goes away. */
  g_weak_ref_init (&ref, window);
  gtk_window_close (GTK_WINDOW (window));
  g_assert_false (gtk_widget_get_visible (GTK_WIDGET (window)));
  g_assert_true (synth_ui_test_wait (weak_cleared, &ref, 60000));
  g_weak_ref_clear (&ref);
  status = synth_run_store_dup_meta (store, "status");
  g_test_message ("closed at %u of %u records, status %s", synth_run_store_count_done (store),
                  synth_run_store_get_n_slots (store), status);
  g_assert_cmpuint (synth_run_store_count_done (store), <, synth_run_store_get_n_slots (store));
  g_assert_cmpstr (status, !=, "finished");
  g_assert_true (synth_run_store_check_integrity (store, NULL));
  g_clear_object (&store);

  /* Reopened: the run is offered; Discard deletes it. */
  window = synth_ui_test_new_window ();
  synth_window_offer_unfinished_runs (window);
  dialog = wait_for_dialog (window);
  g_assert_nonnull (dialog);
  g_assert_nonnull (strstr (synth_ui_test_message_dialog_body (dialog), "200"));
  /* What a click on the button does: answer, then close. */
  adw_message_dialog_response (dialog, "discard");
  gtk_window_destroy (GTK_WINDOW (dialog));
  synth_ui_test_spin (100);
  g_assert_false (g_file_test (path, G_FILE_TEST_EXISTS));

  /* Nothing left to offer. */
  synth_window_offer_unfinished_runs (window);
  synth_ui_test_spin (500);
  dialog = synth_ui_test_find_message_dialog (GTK_WINDOW (window));
  if (dialog != NULL)
    g_test_message ("unexpected: %s", synth_ui_test_message_dialog_body (dialog));
  g_assert_null (dialog);
  synth_ui_test_close_window (window);
}

int
main (int argc, char **argv)
{
  synth_ui_test_init (&argc, &argv);

  g_test_add_func ("/window/empty-state", test_empty_state);
  g_test_add_func ("/window/bias-mix-presets", test_bias_mix_presets);
  g_test_add_func ("/window/generate-offline", test_generate_offline);
  g_test_add_func ("/window/filters-and-search", test_filters_and_search);
  g_test_add_func ("/window/stop-and-continue", test_stop_and_continue);
  g_test_add_func ("/window/close-mid-run", test_close_mid_run);

  return g_test_run ();
}
