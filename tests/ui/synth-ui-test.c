/* synth-ui-test.c — shared helpers of the UI tests. */
#include "config.h"

#include <glib/gstdio.h>

#include "synth-ui-test.h"

static SynthApplication *test_app;
static char *tmp_dir;
static double max_stall_ms;

static void
remove_tree (const char *path)
{
  g_autoptr (GDir) dir = g_dir_open (path, 0, NULL);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *child = g_build_filename (path, name, NULL);

      if (g_file_test (child, G_FILE_TEST_IS_DIR) && !g_file_test (child, G_FILE_TEST_IS_SYMLINK))
        remove_tree (child);
      else
        g_unlink (child);
    }
  g_rmdir (path);
}

static void
cleanup (void)
{
  if (tmp_dir != NULL)
    remove_tree (tmp_dir);
  g_clear_pointer (&tmp_dir, g_free);
}

void
synth_ui_test_init (int *argc, char ***argv)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *runs = NULL;

  g_test_init (argc, argv, NULL);

  /* Each test program gets its own runs directory: tests may run in
   * parallel, and the resume offer must only see this program's runs. */
  tmp_dir = g_dir_make_tmp ("synth-ui-test-XXXXXX", &error);
  g_assert_no_error (error);
  atexit (cleanup);
  runs = g_build_filename (tmp_dir, "runs", NULL);
  g_setenv ("SYNTH_RUNS_DIR", runs, TRUE);

  gtk_init ();
  adw_init ();

  test_app = g_object_new (SYNTH_TYPE_APPLICATION, "application-id", APP_ID, "flags",
                           G_APPLICATION_NON_UNIQUE, NULL);
  g_application_register (G_APPLICATION (test_app), NULL, &error);
  g_assert_no_error (error);
}

SynthApplication *
synth_ui_test_get_app (void)
{
  return test_app;
}

GSettings *
synth_ui_test_get_settings (void)
{
  return synth_application_get_settings (test_app);
}

const char *
synth_ui_test_get_tmp_dir (void)
{
  return tmp_dir;
}

static gboolean
is_mapped (gpointer widget)
{
  return gtk_widget_get_mapped (widget);
}

SynthWindow *
synth_ui_test_new_window (void)
{
  SynthWindow *window = synth_window_new (test_app);

  gtk_window_present (GTK_WINDOW (window));
  g_assert_true (synth_ui_test_wait (is_mapped, window, 10000));
  return window;
}

void
synth_ui_test_close_window (SynthWindow *window)
{
  GWeakRef ref;

  g_weak_ref_init (&ref, window);
  gtk_window_destroy (GTK_WINDOW (window));
  synth_ui_test_spin (50);
  g_weak_ref_clear (&ref);
}

typedef struct
{
  gint64 last_us;
} Ticker;

static gboolean
tick (gpointer user_data)
{
  Ticker *ticker = user_data;
  gint64 now = g_get_monotonic_time ();

  max_stall_ms = MAX (max_stall_ms, (now - ticker->last_us) / 1000.0);
  if ((now - ticker->last_us) > 50000)
    g_debug ("stall of %.1f ms", (now - ticker->last_us) / 1000.0);
  ticker->last_us = now;
  return G_SOURCE_CONTINUE;
}

gboolean
synth_ui_test_wait (SynthUiTestCondition condition, gpointer user_data, guint timeout_ms)
{
  gint64 deadline = g_get_monotonic_time () + (gint64) timeout_ms * 1000;
  Ticker ticker = { g_get_monotonic_time () };
  guint source = g_timeout_add (10, tick, &ticker);
  gboolean ok;

  while (!(ok = condition (user_data)) && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, TRUE);
  g_source_remove (source);
  return ok;
}

static gboolean
never (gpointer user_data)
{
  return FALSE;
}

void
synth_ui_test_spin (guint ms)
{
  synth_ui_test_wait (never, NULL, ms);
}

double
synth_ui_test_get_max_stall_ms (void)
{
  return max_stall_ms;
}

void
synth_ui_test_reset_max_stall (void)
{
  max_stall_ms = 0;
}

static gboolean
activate_matching (GtkShortcutController *controller, GtkWidget *widget, guint keyval)
{
  GListModel *shortcuts = G_LIST_MODEL (controller);

  for (guint i = 0; i < g_list_model_get_n_items (shortcuts); i++)
    {
      g_autoptr (GtkShortcut) shortcut = g_list_model_get_item (shortcuts, i);
      GtkShortcutTrigger *trigger = gtk_shortcut_get_trigger (shortcut);

      if (GTK_IS_KEYVAL_TRIGGER (trigger) &&
          gtk_keyval_trigger_get_keyval (GTK_KEYVAL_TRIGGER (trigger)) == keyval &&
          gtk_keyval_trigger_get_modifiers (GTK_KEYVAL_TRIGGER (trigger)) == 0)
        return gtk_shortcut_action_activate (gtk_shortcut_get_action (shortcut), 0, widget,
                                             gtk_shortcut_get_arguments (shortcut));
    }
  return FALSE;
}

gboolean
synth_ui_test_press_key (GtkWidget *widget, guint keyval)
{
  g_autoptr (GListModel) controllers = gtk_widget_observe_controllers (widget);

  for (guint i = 0; i < g_list_model_get_n_items (controllers); i++)
    {
      g_autoptr (GtkEventController) controller = g_list_model_get_item (controllers, i);

      if (GTK_IS_SHORTCUT_CONTROLLER (controller) &&
          activate_matching (GTK_SHORTCUT_CONTROLLER (controller), widget, keyval))
        return TRUE;
    }
  return FALSE;
}

gboolean
synth_ui_test_window_idle (gpointer window)
{
  return !synth_window_get_busy (window);
}

void
synth_ui_test_generate_offline (SynthWindow *window, guint records, guint64 seed)
{
  GSettings *settings = synth_ui_test_get_settings ();

  g_settings_set_string (settings, "provider", "offline");
  g_settings_set_uint (settings, "records", records);
  g_settings_set_uint (settings, "seed", (guint) seed);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.generate", NULL));
  g_assert_true (synth_window_get_busy (window));
  g_assert_true (synth_ui_test_wait (synth_ui_test_window_idle, window, 60000));
}

AdwMessageDialog *
synth_ui_test_find_message_dialog (GtkWindow *parent)
{
  GListModel *toplevels = gtk_window_get_toplevels ();

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr (GtkWindow) window = g_list_model_get_item (toplevels, i);

      if (ADW_IS_MESSAGE_DIALOG (window) && gtk_widget_get_visible (GTK_WIDGET (window)) &&
          gtk_window_get_transient_for (window) == parent)
        return ADW_MESSAGE_DIALOG (window);
    }
  return NULL;
}

const char *
synth_ui_test_message_dialog_body (AdwMessageDialog *dialog)
{
  return adw_message_dialog_get_body (dialog);
}
