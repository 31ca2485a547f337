/* synth-export-dialog.c — the export. The records stream from the run store
 * to the CSV writer in a thread, statistics are computed over exactly the
 * records written, and the stats JSON and HTML report go beside the CSV. */
#include "config.h"

#include <glib/gi18n.h>

#include "synth-csv.h"
#include "synth-export-dialog.h"
#include "synth-export.h"
#include "synth-format.h"

struct _SynthExportDialog
{
  AdwWindow parent_instance;

  GSettings *settings;
  SynthWindow *window; /* weak: the dialog is transient for it */
  SynthRunStore *store;
  char *path;
  GCancellable *cancellable;
  guint pulse_source;
  gboolean running;

  AdwToastOverlay *toast_overlay;
  AdwActionRow *file_row;
  GtkLabel *files_label;
  GtkSwitch *rejected_switch;
  GtkSwitch *eval_switch;
  GtkSwitch *guard_switch;
  GtkRevealer *progress_revealer;
  GtkProgressBar *progress_bar;
  GtkCheckButton *columns[SYNTH_CSV_N_COLUMNS];
};

G_DEFINE_FINAL_TYPE (SynthExportDialog, synth_export_dialog, ADW_TYPE_WINDOW)

enum
{
  FINISHED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void
update_files_label (SynthExportDialog *self)
{
  g_autofree char *stats = NULL, *report = NULL, *eval = NULL, *text = NULL;
  g_autofree char *stats_path = NULL, *report_path = NULL;

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "export.export",
                                 self->path != NULL && !self->running);
  if (self->path == NULL)
    {
      adw_action_row_set_subtitle (self->file_row, _ ("Not chosen yet"));
      gtk_label_set_text (self->files_label, "");
      return;
    }
  adw_action_row_set_subtitle (self->file_row, self->path);
  stats_path = synth_export_sibling_path (self->path, ".stats.json");
  report_path = synth_export_sibling_path (self->path, ".report.html");
  stats = g_path_get_basename (stats_path);
  report = g_path_get_basename (report_path);
  if (gtk_switch_get_active (self->eval_switch))
    {
      g_autofree char *eval_path = synth_export_sibling_path (self->path, ".eval.csv");
      eval = g_path_get_basename (eval_path);
      /* Translators: the files an export writes besides the CSV. */
      text = g_strdup_printf (_ ("Also writes %s, %s and %s."), eval, stats, report);
    }
  else
    text = g_strdup_printf (_ ("Also writes %s and %s."), stats, report);
  gtk_label_set_text (self->files_label, text);
}

void
synth_export_dialog_set_path (SynthExportDialog *self, const char *path)
{
  g_return_if_fail (SYNTH_IS_EXPORT_DIALOG (self));

  g_free (self->path);
  self->path = g_strdup (path);
  update_files_label (self);
}

const char *
synth_export_dialog_get_path (SynthExportDialog *self)
{
  g_return_val_if_fail (SYNTH_IS_EXPORT_DIALOG (self), NULL);
  return self->path;
}

/* Columns ↔ the "export-columns" setting */

static void
column_toggled_cb (SynthExportDialog *self)
{
  g_autoptr (GStrvBuilder) builder = g_strv_builder_new ();
  g_auto (GStrv) ids = NULL;

  for (guint c = SYNTH_CSV_N_SEED_COLUMNS; c < SYNTH_CSV_N_COLUMNS; c++)
    if (gtk_check_button_get_active (self->columns[c]))
      g_strv_builder_add (builder, synth_csv_column_to_id (c));
  ids = g_strv_builder_end (builder);
  g_settings_set_strv (self->settings, "export-columns", (const char *const *) ids);
}

static void
load_columns (SynthExportDialog *self)
{
  g_auto (GStrv) ids = g_settings_get_strv (self->settings, "export-columns");

  for (guint c = SYNTH_CSV_N_SEED_COLUMNS; c < SYNTH_CSV_N_COLUMNS; c++)
    {
      g_signal_handlers_block_by_func (self->columns[c], column_toggled_cb, self);
      gtk_check_button_set_active (self->columns[c], g_strv_contains ((const char *const *) ids,
                                                                      synth_csv_column_to_id (c)));
      g_signal_handlers_unblock_by_func (self->columns[c], column_toggled_cb, self);
    }
}

/* Choosing the file */

static void
choose_response (GtkNativeDialog *chooser, int response, gpointer user_data)
{
  g_autoptr (SynthExportDialog) self = user_data;

  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr (GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser));
      g_autoptr (GFile) folder = g_file_get_parent (file);
      g_autofree char *path = g_file_get_path (file);
      g_autofree char *folder_path = folder != NULL ? g_file_get_path (folder) : NULL;

      if (path == NULL)
        adw_toast_overlay_add_toast (self->toast_overlay,
                                     synth_toast_new (_ ("Choose a folder on this computer.")));
      else
        {
          synth_export_dialog_set_path (self, path);
          if (folder_path != NULL)
            g_settings_set_string (self->settings, "export-folder", folder_path);
        }
    }
  g_object_unref (chooser);
}

static char *
default_folder (SynthExportDialog *self)
{
  g_autofree char *folder = g_settings_get_string (self->settings, "export-folder");
  const char *documents = g_get_user_special_dir (G_USER_DIRECTORY_DOCUMENTS);

  if (*folder != '\0' && g_file_test (folder, G_FILE_TEST_IS_DIR))
    return g_steal_pointer (&folder);
  if (documents != NULL && g_file_test (documents, G_FILE_TEST_IS_DIR))
    return g_strdup (documents);
  return g_strdup (g_get_home_dir ());
}

static char *
default_name (SynthExportDialog *self)
{
  g_autofree char *source = synth_run_store_dup_meta (self->store, "source_csv");

  if (source != NULL)
    {
      g_autofree char *base = g_path_get_basename (source);
      g_autofree char *stem = synth_export_sibling_path (base, "");
      /* Translators: the suggested name of a reviewed CSV, e.g. "data-reviewed.csv". */
      return g_strdup_printf (_ ("%s-reviewed.csv"), stem);
    }
  return g_strdup_printf ("resume-synth-%s.csv", synth_run_store_get_run_id (self->store));
}

static void
choose_action (GtkWidget *widget, const char *name, GVariant *param)
{
  SynthExportDialog *self = SYNTH_EXPORT_DIALOG (widget);
  GtkFileChooserNative *chooser;
  g_autofree char *folder = default_folder (self);
  g_autofree char *file_name = default_name (self);
  g_autoptr (GFile) folder_file = g_file_new_for_path (folder);

  chooser = gtk_file_chooser_native_new (_ ("Export CSV"), GTK_WINDOW (self),
                                         GTK_FILE_CHOOSER_ACTION_SAVE, _ ("_Save"), _ ("_Cancel"));
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (chooser), TRUE);
  gtk_file_chooser_set_current_folder (GTK_FILE_CHOOSER (chooser), folder_file, NULL);
  gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (chooser), file_name);
  g_signal_connect (chooser, "response", G_CALLBACK (choose_response), g_object_ref (self));
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (chooser));
}

/* The export itself: synth_export_run_async, the same export the CLI runs. */

static gboolean
pulse (gpointer user_data)
{
  gtk_progress_bar_pulse (GTK_PROGRESS_BAR (user_data));
  return G_SOURCE_CONTINUE;
}

static void
set_running (SynthExportDialog *self, gboolean running)
{
  self->running = running;
  gtk_revealer_set_reveal_child (self->progress_revealer, running);
  g_clear_handle_id (&self->pulse_source, g_source_remove);
  if (running)
    self->pulse_source = g_timeout_add (100, pulse, self->progress_bar);
  update_files_label (self);
}

static void
export_done (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (SynthExportDialog) self = user_data;
  g_auto (SynthExportResult) done = { 0 };
  g_autoptr (GError) error = NULL;
  g_autofree char *written = NULL;
  g_autofree char *text = NULL;
  g_autofree char *base = NULL;

  set_running (self, FALSE);
  if (!synth_export_run_finish (result, &done, &error))
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          AdwToast *toast = synth_toast_new (error->message);
          adw_toast_set_timeout (toast, 0);
          adw_toast_overlay_add_toast (self->toast_overlay, toast);
        }
      g_signal_emit (self, signals[FINISHED], 0, FALSE);
      return;
    }

  written = synth_format_count (done.n_written + done.n_eval_written);
  base = g_path_get_basename (done.csv_path);
  /* Translators: "Exported 500 records to data.csv" */
  text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "Exported %s record to %s",
                                       "Exported %s records to %s",
                                       done.n_written + done.n_eval_written),
                          written, base);
  if (self->window != NULL)
    {
      g_autoptr (GFile) file = g_file_new_for_path (done.csv_path);
      g_autoptr (GFile) folder = g_file_get_parent (file);
      g_autofree char *uri = g_file_get_uri (folder);
      AdwToast *toast = synth_toast_new (text);
      adw_toast_set_button_label (toast, _ ("Open Folder"));
      adw_toast_set_action_name (toast, "win.open-folder");
      adw_toast_set_action_target_value (toast, g_variant_new_string (uri));
      adw_toast_set_timeout (toast, 8);
      synth_window_add_toast (self->window, toast);
    }
  g_signal_emit (self, signals[FINISHED], 0, TRUE);
  gtk_window_close (GTK_WINDOW (self));
}

static void
export_action (GtkWidget *widget, const char *name, GVariant *param)
{
  SynthExportDialog *self = SYNTH_EXPORT_DIALOG (widget);
  g_auto (GStrv) extra = g_settings_get_strv (self->settings, "export-columns");
  g_autofree char *joined = g_strjoinv (",", extra);
  g_autofree char *columns = NULL;
  g_autoptr (GError) error = NULL;
  SynthExportOptions options;

  if (self->path == NULL || self->running)
    return;

  synth_export_options_init (&options);
  columns = *joined != '\0' ? g_strconcat ("seed,", joined, NULL) : g_strdup ("seed");
  /* The settings only ever hold known ids, but a hand-edited dconf may not. */
  if (!synth_csv_options_parse_columns (&options.csv, columns, &error))
    synth_csv_options_parse_columns (&options.csv, "seed", NULL);
  options.csv.include_rejected = gtk_switch_get_active (self->rejected_switch);
  options.csv.formula_guard = gtk_switch_get_active (self->guard_switch);
  options.eval_separate = gtk_switch_get_active (self->eval_switch);

  set_running (self, TRUE);
  synth_export_run_async (self->store, self->path, &options, self->cancellable, export_done,
                          g_object_ref (self));
}

/* Where Export writes unless another file is chosen: the last folder (or
 * Documents), named after the run, never over an existing file. */
static char *
default_path (SynthExportDialog *self)
{
  g_autofree char *folder = default_folder (self);
  g_autofree char *name = default_name (self);
  g_autofree char *stem = synth_export_sibling_path (name, "");
  char *path = g_build_filename (folder, name, NULL);

  for (guint i = 2; g_file_test (path, G_FILE_TEST_EXISTS) && i < 1000; i++)
    {
      g_autofree char *numbered = g_strdup_printf ("%s-%u.csv", stem, i);
      g_free (path);
      path = g_build_filename (folder, numbered, NULL);
    }
  return path;
}

SynthExportDialog *
synth_export_dialog_new (SynthWindow *window, SynthRunStore *store)
{
  SynthExportDialog *self;

  g_return_val_if_fail (SYNTH_IS_RUN_STORE (store), NULL);

  self = g_object_new (SYNTH_TYPE_EXPORT_DIALOG, "transient-for", window, NULL);
  g_set_weak_pointer (&self->window, window);
  self->store = g_object_ref (store);
  self->path = default_path (self);
  update_files_label (self);
  return self;
}

static gboolean
synth_export_dialog_close_request (GtkWindow *window)
{
  SynthExportDialog *self = SYNTH_EXPORT_DIALOG (window);

  /* Closing mid-export cancels it; the target file is left untouched. */
  g_cancellable_cancel (self->cancellable);
  return GTK_WINDOW_CLASS (synth_export_dialog_parent_class)->close_request (window);
}

static void
synth_export_dialog_dispose (GObject *object)
{
  SynthExportDialog *self = SYNTH_EXPORT_DIALOG (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_handle_id (&self->pulse_source, g_source_remove);
  g_clear_weak_pointer (&self->window);
  gtk_widget_dispose_template (GTK_WIDGET (self), SYNTH_TYPE_EXPORT_DIALOG);
  g_clear_object (&self->store);
  g_clear_object (&self->settings);
  g_clear_object (&self->cancellable);

  G_OBJECT_CLASS (synth_export_dialog_parent_class)->dispose (object);
}

static void
synth_export_dialog_finalize (GObject *object)
{
  g_free (SYNTH_EXPORT_DIALOG (object)->path);
  G_OBJECT_CLASS (synth_export_dialog_parent_class)->finalize (object);
}

static void
synth_export_dialog_class_init (SynthExportDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  GtkWindowClass *window_class = GTK_WINDOW_CLASS (klass);

  object_class->dispose = synth_export_dialog_dispose;
  object_class->finalize = synth_export_dialog_finalize;
  window_class->close_request = synth_export_dialog_close_request;

  signals[FINISHED] = g_signal_new ("finished", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                                    NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_BOOLEAN);

  gtk_widget_class_set_template_from_resource (
      widget_class, "/io/github/resumesynth/ResumeSynth/synth-export-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, SynthExportDialog, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, SynthExportDialog, file_row);
  gtk_widget_class_bind_template_child (widget_class, SynthExportDialog, files_label);
  gtk_widget_class_bind_template_child (widget_class, SynthExportDialog, rejected_switch);
  gtk_widget_class_bind_template_child (widget_class, SynthExportDialog, eval_switch);
  gtk_widget_class_bind_template_child (widget_class, SynthExportDialog, guard_switch);
  gtk_widget_class_bind_template_child (widget_class, SynthExportDialog, progress_revealer);
  gtk_widget_class_bind_template_child (widget_class, SynthExportDialog, progress_bar);
  for (guint c = SYNTH_CSV_N_SEED_COLUMNS; c < SYNTH_CSV_N_COLUMNS; c++)
    {
      g_autofree char *id = g_strdup_printf ("column_%s", synth_csv_column_to_id (c));
      gtk_widget_class_bind_template_child_full (widget_class, id, FALSE,
                                                 G_STRUCT_OFFSET (SynthExportDialog, columns) +
                                                     c * sizeof (gpointer));
    }
  gtk_widget_class_bind_template_callback (widget_class, column_toggled_cb);

  gtk_widget_class_install_action (widget_class, "export.choose", NULL, choose_action);
  gtk_widget_class_install_action (widget_class, "export.export", NULL, export_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
synth_export_dialog_init (SynthExportDialog *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  self->cancellable = g_cancellable_new ();
  self->settings = g_settings_new (APP_ID);
  g_settings_bind (self->settings, "export-include-rejected", self->rejected_switch, "active",
                   G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (self->settings, "export-separate-eval", self->eval_switch, "active",
                   G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (self->settings, "export-formula-guard", self->guard_switch, "active",
                   G_SETTINGS_BIND_DEFAULT);
  g_signal_connect_object (self->eval_switch, "notify::active", G_CALLBACK (update_files_label),
                           self, G_CONNECT_SWAPPED);
  load_columns (self);
}
