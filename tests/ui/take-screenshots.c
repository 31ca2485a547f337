/* take-screenshots.c — drives the real window through its screens and
 * saves a PNG of each, for data/screenshots/ and for looking at what the
 * UI tests cannot judge. Not a test. Under Xvfb:
 *
 *   xvfb-run -a -s "-screen 0 1280x900x24" take-screenshots OUTDIR [dark]
 */
#include "config.h"

#include "synth-export-dialog.h"
#include "synth-preferences-window.h"
#include "synth-ui-test.h"

static const char *out_dir;

static gboolean
count_frame (GtkWidget *widget, GdkFrameClock *clock, gpointer user_data)
{
  (*(guint *) user_data)++;
  return G_SOURCE_CONTINUE;
}

static gboolean
two_frames (gpointer user_data)
{
  return *(guint *) user_data >= 2;
}

static void
save (GtkWidget *widget, const char *name)
{
  g_autoptr (GdkPaintable) paintable = NULL;
  g_autoptr (GtkSnapshot) snapshot = gtk_snapshot_new ();
  g_autoptr (GskRenderNode) node = NULL;
  g_autoptr (GdkTexture) texture = NULL;
  g_autofree char *path = g_build_filename (out_dir, name, NULL);
  int width, height;

  guint frames = 0;
  guint tick;

  /* Let layout, incremental models and redraws settle first. */
  synth_ui_test_spin (500);
  gtk_widget_queue_resize (widget);
  tick = gtk_widget_add_tick_callback (widget, count_frame, &frames, NULL);
  synth_ui_test_wait (two_frames, &frames, 5000);
  gtk_widget_remove_tick_callback (widget, tick);
  width = gtk_widget_get_width (widget);
  height = gtk_widget_get_height (widget);
  paintable = gtk_widget_paintable_new (widget);
  gdk_paintable_snapshot (paintable, GDK_SNAPSHOT (snapshot), width, height);
  node = gtk_snapshot_free_to_node (g_steal_pointer (&snapshot));
  texture = gsk_renderer_render_texture (gtk_native_get_renderer (GTK_NATIVE (widget)), node,
                                         &GRAPHENE_RECT_INIT (0, 0, width, height));
  if (!gdk_texture_save_to_png (texture, path))
    g_error ("could not write %s", path);
  g_print ("%s (%d × %d)\n", path, width, height);
}

/* A record that shows what the detail pane does: a matching pair with a
 * surface bias, so both the skills and the changes have something to show. */
static guint
find_showcase (SynthWindow *window, SynthBiasType type)
{
  GListModel *visible = synth_window_get_visible_records (window);

  for (guint i = 0; i < g_list_model_get_n_items (visible); i++)
    {
      g_autoptr (SynthRecord) r = g_list_model_get_item (visible, i);

      if (synth_record_get_bias_type (r) == type && synth_record_get_match_label (r) == 1 &&
          synth_record_get_clean_resume_text (r) != NULL &&
          g_strcmp0 (synth_record_get_length_class (r), "short") == 0)
        return i;
    }
  return 0;
}

int
main (int argc, char **argv)
{
  SynthWindow *window;
  GSettings *settings;

  synth_ui_test_init (&argc, &argv);
  if (argc < 2)
    g_error ("usage: take-screenshots OUTDIR [dark]");
  out_dir = argv[1];
  g_mkdir_with_parents (out_dir, 0755);
  if (argc > 2 && g_str_equal (argv[2], "dark"))
    adw_style_manager_set_color_scheme (adw_style_manager_get_default (),
                                        ADW_COLOR_SCHEME_FORCE_DARK);

  settings = synth_ui_test_get_settings ();
  g_settings_set_int (settings, "window-width", 1280);
  g_settings_set_int (settings, "window-height", 860);

  window = synth_ui_test_new_window ();
  save (GTK_WIDGET (window), "empty.png");

  g_settings_set_string (settings, "bias-mix", "balanced");
  synth_ui_test_generate_offline (window, 500, 42);
  /* The "Generated" toast would cover the text: let it go. */
  synth_ui_test_spin (6500);
  {
    guint i = find_showcase (window, SYNTH_BIAS_TEXTUAL);
    synth_records_view_select (window->records_view, i);
  }
  save (GTK_WIDGET (window), "main.png");

  /* The detail pane at its best: form hidden, changes shown. */
  gtk_widget_activate_action (GTK_WIDGET (window), "win.toggle-sidebar", NULL);
  {
    GtkPaned *paned = GTK_PANED (gtk_widget_get_template_child (GTK_WIDGET (window->records_view),
                                                                SYNTH_TYPE_RECORDS_VIEW, "paned"));
    gtk_paned_set_position (paned, 230);
  }
  save (GTK_WIDGET (window), "detail.png");
  synth_detail_pane_set_show_changes (synth_records_view_get_detail (window->records_view), TRUE);
  save (GTK_WIDGET (window), "detail-changes.png");
  synth_detail_pane_set_show_changes (synth_records_view_get_detail (window->records_view), FALSE);
  gtk_widget_activate_action (GTK_WIDGET (window), "win.toggle-sidebar", NULL);

  adw_view_stack_set_visible_child_name (window->view_stack, "statistics");
  save (GTK_WIDGET (window), "statistics.png");
  adw_view_stack_set_visible_child_name (window->view_stack, "records");

  {
    SynthPreferencesWindow *prefs = synth_preferences_window_new ();

    gtk_window_set_transient_for (GTK_WINDOW (prefs), GTK_WINDOW (window));
    gtk_window_present (GTK_WINDOW (prefs));
    save (GTK_WIDGET (prefs), "preferences.png");
    gtk_window_destroy (GTK_WINDOW (prefs));
  }
  {
    SynthExportDialog *dialog = synth_export_dialog_new (window, synth_window_get_store (window));
    g_autofree char *path = g_build_filename (g_get_home_dir (), "Documents", "dataset.csv", NULL);

    synth_export_dialog_set_path (dialog, path);
    gtk_window_present (GTK_WINDOW (dialog));
    save (GTK_WIDGET (dialog), "export.png");
    gtk_window_destroy (GTK_WINDOW (dialog));
  }

  {
    GtkShortcutsWindow *overlay =
        gtk_application_window_get_help_overlay (GTK_APPLICATION_WINDOW (window));

    g_assert_nonnull (overlay);
    g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.show-help-overlay", NULL));
    save (GTK_WIDGET (overlay), "shortcuts.png");
    gtk_widget_set_visible (GTK_WIDGET (overlay), FALSE);
  }
  {
    GList *before = gtk_window_list_toplevels ();
    GList *after;

    g_action_group_activate_action (G_ACTION_GROUP (synth_ui_test_get_app ()), "about", NULL);
    after = gtk_window_list_toplevels ();
    for (GList *l = after; l != NULL; l = l->next)
      if (ADW_IS_ABOUT_WINDOW (l->data) && g_list_find (before, l->data) == NULL)
        {
          save (GTK_WIDGET (l->data), "about.png");
          gtk_window_destroy (l->data);
        }
    g_list_free (before);
    g_list_free (after);
  }

  g_settings_set_string (settings, "provider", "openai");
  g_settings_set_uint (settings, "records", 10000);
  g_settings_set_string (settings, "model", "gpt-4o-mini");
  synth_ui_test_spin (400);
  save (GTK_WIDGET (window), "form-openai.png");
  g_settings_set_string (settings, "provider", "offline");

  synth_ui_test_close_window (window);
  return 0;
}
