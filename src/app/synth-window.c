/* synth-window.c — the main window's widget side: template, actions, window
 * state and messages. What happens to runs is in synth-window-run.c. */
#include "config.h"

#include <glib/gi18n.h>

#include "synth-export-dialog.h"
#include "synth-window-private.h"

G_DEFINE_FINAL_TYPE (SynthWindow, synth_window, ADW_TYPE_APPLICATION_WINDOW)

enum
{
  PROP_0,
  PROP_BUSY,
  PROP_SHOW_SIDEBAR,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

SynthWindow *
synth_window_new (SynthApplication *app)
{
  return g_object_new (SYNTH_TYPE_WINDOW, "application", app, NULL);
}

SynthRunStore *
synth_window_get_store (SynthWindow *self)
{
  g_return_val_if_fail (SYNTH_IS_WINDOW (self), NULL);
  return self->store;
}

GListModel *
synth_window_get_records (SynthWindow *self)
{
  g_return_val_if_fail (SYNTH_IS_WINDOW (self), NULL);
  return G_LIST_MODEL (self->records);
}

GListModel *
synth_window_get_visible_records (SynthWindow *self)
{
  g_return_val_if_fail (SYNTH_IS_WINDOW (self), NULL);
  return synth_records_view_get_visible (self->records_view);
}

gboolean
synth_window_get_busy (SynthWindow *self)
{
  g_return_val_if_fail (SYNTH_IS_WINDOW (self), FALSE);
  return self->busy;
}

void
synth_window_set_busy (SynthWindow *self, gboolean busy)
{
  busy = !!busy;
  if (self->busy == busy)
    return;
  self->busy = busy;
  if (!busy)
    self->paused = FALSE;
  synth_window_update_actions (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_BUSY]);
}

/* Whether each window action can run now: one place for the rules, used to
 * set the actions' state and by the tests. */
gboolean
synth_window_action_is_enabled (SynthWindow *self, const char *action)
{
  gboolean running = self->busy && self->run != NULL;
  gboolean has_records =
      self->records != NULL && g_list_model_get_n_items (G_LIST_MODEL (self->records)) > 0;

  if (g_str_equal (action, "win.generate"))
    return !self->busy && synth_generate_form_is_valid (self->form);
  if (g_str_equal (action, "win.stop"))
    return running;
  if (g_str_equal (action, "win.pause"))
    return running && !self->paused;
  if (g_str_equal (action, "win.resume"))
    return running && self->paused;
  if (g_str_equal (action, "win.continue-run"))
    return synth_window_can_continue (self);
  if (g_str_equal (action, "win.open-csv"))
    return !self->busy;
  if (g_str_equal (action, "win.export"))
    return self->store != NULL && has_records && !self->busy;
  return TRUE;
}

void
synth_window_update_actions (SynthWindow *self)
{
  static const char *const actions[] = { "win.generate", "win.stop",         "win.pause",
                                         "win.resume",   "win.continue-run", "win.open-csv",
                                         "win.export" };
  SynthFormState state;

  if (self->records == NULL)
    return; /* during construction or after dispose */
  for (guint i = 0; i < G_N_ELEMENTS (actions); i++)
    gtk_widget_action_set_enabled (GTK_WIDGET (self), actions[i],
                                   synth_window_action_is_enabled (self, actions[i]));

  if (self->busy && self->run != NULL)
    state = self->paused ? SYNTH_FORM_STATE_PAUSED : SYNTH_FORM_STATE_RUNNING;
  else if (self->busy)
    state = SYNTH_FORM_STATE_STARTING;
  else
    state = SYNTH_FORM_STATE_IDLE;
  synth_generate_form_set_state (self->form, state, synth_window_can_continue (self));
  synth_records_view_set_busy (self->records_view, self->busy);
}

AdwToast *
synth_toast_new (const char *text)
{
  g_autofree char *escaped = g_markup_escape_text (text != NULL ? text : "", -1);

  return adw_toast_new (escaped);
}

void
synth_window_show_message (SynthWindow *self, const char *message)
{
  AdwToast *toast;

  g_return_if_fail (SYNTH_IS_WINDOW (self));

  toast = synth_toast_new (message);
  adw_toast_set_timeout (toast, 6);
  adw_toast_overlay_add_toast (self->toast_overlay, toast);
}

void
synth_window_add_toast (SynthWindow *self, AdwToast *toast)
{
  g_return_if_fail (SYNTH_IS_WINDOW (self));
  adw_toast_overlay_add_toast (self->toast_overlay, toast);
}

void
synth_window_toast_error (SynthWindow *self, const GError *error)
{
  synth_window_show_message (self, error->message);
}

/* Actions */

static void
generate_action (GtkWidget *widget, const char *name, GVariant *param)
{
  synth_window_generate (SYNTH_WINDOW (widget));
}

static void
stop_action (GtkWidget *widget, const char *name, GVariant *param)
{
  synth_window_stop (SYNTH_WINDOW (widget));
}

static void
pause_action (GtkWidget *widget, const char *name, GVariant *param)
{
  synth_window_pause (SYNTH_WINDOW (widget));
}

static void
resume_action (GtkWidget *widget, const char *name, GVariant *param)
{
  synth_window_resume (SYNTH_WINDOW (widget));
}

static void
continue_run_action (GtkWidget *widget, const char *name, GVariant *param)
{
  synth_window_continue_run (SYNTH_WINDOW (widget));
}

static void
open_csv_response (GtkNativeDialog *dialog, int response, gpointer user_data)
{
  g_autoptr (SynthWindow) self = user_data;

  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr (GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (dialog));
      synth_window_open_csv (self, file);
    }
  g_object_unref (dialog);
}

static void
open_csv_action (GtkWidget *widget, const char *name, GVariant *param)
{
  SynthWindow *self = SYNTH_WINDOW (widget);
  GtkFileChooserNative *chooser;
  g_autoptr (GtkFileFilter) csv = gtk_file_filter_new ();
  g_autoptr (GtkFileFilter) all = gtk_file_filter_new ();

  chooser = gtk_file_chooser_native_new (_ ("Open CSV"), GTK_WINDOW (self),
                                         GTK_FILE_CHOOSER_ACTION_OPEN, _ ("_Open"), _ ("_Cancel"));
  gtk_file_filter_set_name (csv, _ ("CSV files"));
  gtk_file_filter_add_mime_type (csv, "text/csv");
  gtk_file_filter_add_suffix (csv, "csv");
  gtk_file_filter_set_name (all, _ ("All files"));
  gtk_file_filter_add_pattern (all, "*");
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (chooser), csv);
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (chooser), all);
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (chooser), TRUE);
  g_signal_connect (chooser, "response", G_CALLBACK (open_csv_response), g_object_ref (self));
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (chooser));
}

static void
export_action (GtkWidget *widget, const char *name, GVariant *param)
{
  SynthWindow *self = SYNTH_WINDOW (widget);
  SynthExportDialog *dialog;

  if (self->store == NULL)
    return;
  dialog = synth_export_dialog_new (self, self->store);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
open_folder_action (GtkWidget *widget, const char *name, GVariant *param)
{
  /* Through the OpenURI portal inside Flatpak, the file manager outside. */
  gtk_show_uri (GTK_WINDOW (widget), g_variant_get_string (param, NULL), GDK_CURRENT_TIME);
}

static void
search_action (GtkWidget *widget, const char *name, GVariant *param)
{
  SynthWindow *self = SYNTH_WINDOW (widget);

  adw_view_stack_set_visible_child_name (self->view_stack, "records");
  synth_records_view_focus_search (self->records_view);
}

static void
show_page_action (GtkWidget *widget, const char *name, GVariant *param)
{
  SynthWindow *self = SYNTH_WINDOW (widget);

  adw_view_stack_set_visible_child_name (self->view_stack, g_variant_get_string (param, NULL));
}

static void
form_changed_cb (SynthWindow *self)
{
  synth_window_update_actions (self);
}

static void
records_changed_cb (SynthWindow *self, guint position, guint removed, guint added)
{
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->records));

  /* Only the first rows and the last removal change what export can do. */
  if (n == 0 || n == added)
    synth_window_update_actions (self);
}

static void
review_cb (SynthWindow *self, SynthRecord *record, int status)
{
  g_autoptr (GError) error = NULL;

  if (self->store == NULL)
    return;
  /* Saved at once: a review survives a crash or a closed window. */
  if (!synth_run_store_set_review (self->store, synth_record_get_index (record), status, &error))
    {
      synth_window_toast_error (self, error);
      return;
    }
  synth_record_set_review_status (record, status);
  synth_stats_page_queue_update (self->stats_page);
}

static gboolean
synth_window_close_request (GtkWindow *window)
{
  SynthWindow *self = SYNTH_WINDOW (window);
  int width, height;

  gtk_window_get_default_size (window, &width, &height);
  g_settings_set_int (self->settings, "window-width", width);
  g_settings_set_int (self->settings, "window-height", height);
  g_settings_set_boolean (self->settings, "window-maximized", gtk_window_is_maximized (window));

  if (self->busy && self->run != NULL)
    {
      /* Let the batches in flight settle into the run store before going
       * away, so nothing generated is lost; the run stays resumable. */
      self->close_when_idle = TRUE;
      gtk_widget_set_visible (GTK_WIDGET (self), FALSE);
      synth_window_stop (self);
      return TRUE;
    }
  if (self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);

  return GTK_WINDOW_CLASS (synth_window_parent_class)->close_request (window);
}

static void
synth_window_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  SynthWindow *self = SYNTH_WINDOW (object);

  switch (prop_id)
    {
    case PROP_BUSY:
      g_value_set_boolean (value, self->busy);
      break;
    case PROP_SHOW_SIDEBAR:
      /* Bindings may ask while the template is still being built. */
      g_value_set_boolean (value, self->flap == NULL || adw_flap_get_reveal_flap (self->flap));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
synth_window_set_property (GObject *object, guint prop_id, const GValue *value, GParamSpec *pspec)
{
  SynthWindow *self = SYNTH_WINDOW (object);

  switch (prop_id)
    {
    case PROP_SHOW_SIDEBAR:
      adw_flap_set_reveal_flap (self->flap, g_value_get_boolean (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
reveal_flap_cb (SynthWindow *self)
{
  if (self->flap == NULL)
    return;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SHOW_SIDEBAR]);
}

static void
synth_window_dispose (GObject *object)
{
  SynthWindow *self = SYNTH_WINDOW (object);

  synth_window_run_dispose (self);
  gtk_widget_dispose_template (GTK_WIDGET (self), SYNTH_TYPE_WINDOW);
  g_clear_object (&self->settings);

  G_OBJECT_CLASS (synth_window_parent_class)->dispose (object);
}

static void
synth_window_constructed (GObject *object)
{
  SynthWindow *self = SYNTH_WINDOW (object);
  GApplication *app = g_application_get_default ();

  G_OBJECT_CLASS (synth_window_parent_class)->constructed (object);

  if (SYNTH_IS_APPLICATION (app))
    self->settings = g_object_ref (synth_application_get_settings (SYNTH_APPLICATION (app)));
  else
    self->settings = g_settings_new (APP_ID);

  gtk_window_set_default_size (GTK_WINDOW (self),
                               g_settings_get_int (self->settings, "window-width"),
                               g_settings_get_int (self->settings, "window-height"));
  if (g_settings_get_boolean (self->settings, "window-maximized"))
    gtk_window_maximize (GTK_WINDOW (self));
  g_settings_bind (self->settings, "show-sidebar", self, "show-sidebar", G_SETTINGS_BIND_DEFAULT);

  synth_window_update_actions (self);
}

static void
synth_window_class_init (SynthWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  GtkWindowClass *window_class = GTK_WINDOW_CLASS (klass);

  object_class->constructed = synth_window_constructed;
  object_class->dispose = synth_window_dispose;
  object_class->get_property = synth_window_get_property;
  object_class->set_property = synth_window_set_property;
  window_class->close_request = synth_window_close_request;

  properties[PROP_BUSY] =
      g_param_spec_boolean ("busy", NULL, NULL, FALSE,
                            G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_SHOW_SIDEBAR] =
      g_param_spec_boolean ("show-sidebar", NULL, NULL, TRUE,
                            G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  g_type_ensure (SYNTH_TYPE_GENERATE_FORM);
  g_type_ensure (SYNTH_TYPE_RECORDS_VIEW);
  g_type_ensure (SYNTH_TYPE_STATS_PAGE);

  gtk_widget_class_set_template_from_resource (
      widget_class, "/io/github/resumesynth/ResumeSynth/synth-window.ui");
  gtk_widget_class_bind_template_child (widget_class, SynthWindow, header_bar);
  gtk_widget_class_bind_template_child (widget_class, SynthWindow, sidebar_button);
  gtk_widget_class_bind_template_child (widget_class, SynthWindow, switcher_title);
  gtk_widget_class_bind_template_child (widget_class, SynthWindow, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, SynthWindow, flap);
  gtk_widget_class_bind_template_child (widget_class, SynthWindow, form);
  gtk_widget_class_bind_template_child (widget_class, SynthWindow, progress_revealer);
  gtk_widget_class_bind_template_child (widget_class, SynthWindow, progress_label);
  gtk_widget_class_bind_template_child (widget_class, SynthWindow, progress_message);
  gtk_widget_class_bind_template_child (widget_class, SynthWindow, progress_bar);
  gtk_widget_class_bind_template_child (widget_class, SynthWindow, view_stack);
  gtk_widget_class_bind_template_child (widget_class, SynthWindow, records_view);
  gtk_widget_class_bind_template_child (widget_class, SynthWindow, stats_page);
  gtk_widget_class_bind_template_callback (widget_class, reveal_flap_cb);
  gtk_widget_class_bind_template_callback (widget_class, form_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, review_cb);

  gtk_widget_class_install_action (widget_class, "win.generate", NULL, generate_action);
  gtk_widget_class_install_action (widget_class, "win.stop", NULL, stop_action);
  gtk_widget_class_install_action (widget_class, "win.pause", NULL, pause_action);
  gtk_widget_class_install_action (widget_class, "win.resume", NULL, resume_action);
  gtk_widget_class_install_action (widget_class, "win.continue-run", NULL, continue_run_action);
  gtk_widget_class_install_action (widget_class, "win.open-csv", NULL, open_csv_action);
  gtk_widget_class_install_action (widget_class, "win.export", NULL, export_action);
  gtk_widget_class_install_action (widget_class, "win.open-folder", "s", open_folder_action);
  gtk_widget_class_install_action (widget_class, "win.search", NULL, search_action);
  gtk_widget_class_install_action (widget_class, "win.show-page", "s", show_page_action);
  gtk_widget_class_install_property_action (widget_class, "win.toggle-sidebar", "show-sidebar");
}

static void
synth_window_init (SynthWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  synth_window_run_init (self);
  g_signal_connect_swapped (self->records, "items-changed", G_CALLBACK (records_changed_cb), self);
  synth_records_view_set_model (self->records_view, G_LIST_MODEL (self->records));
}
