/* synth-preferences-window.c — preferences. Keys go through synth-secret
 * (async secret_password_*) only; every other value is a GSettings binding. */
#include "config.h"

#include <glib/gi18n.h>

#include "synth-generate-form.h"
#include "synth-openai-client.h"
#include "synth-preferences-window.h"
#include "synth-secret.h"
#include "synth-window.h"

struct _SynthPreferencesWindow
{
  AdwPreferencesWindow parent_instance;

  GSettings *settings;
  GCancellable *cancellable;
  guint base_url_source;
  guint loading;    /* key lookups in flight */
  gboolean filling; /* putting a stored key into an entry: not an edit */

  AdwPasswordEntryRow *openai_key_row;
  AdwActionRow *openai_status_row;
  AdwEntryRow *base_url_row;
  AdwPasswordEntryRow *compatible_key_row;
  AdwActionRow *compatible_status_row;
  AdwEntryRow *model_row;
  GtkSpinButton *concurrency_spin;
  GtkSpinButton *rpm_spin;
  GtkSpinButton *tpm_spin;
  GtkSpinButton *price_input_spin;
  GtkSpinButton *price_output_spin;
};

G_DEFINE_FINAL_TYPE (SynthPreferencesWindow, synth_preferences_window, ADW_TYPE_PREFERENCES_WINDOW)

enum
{
  SECRET_CHANGED,
  VALIDATED,
  LOADED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

SynthPreferencesWindow *
synth_preferences_window_new (void)
{
  return g_object_new (SYNTH_TYPE_PREFERENCES_WINDOW, NULL);
}

static gboolean
is_openai (const char *which)
{
  return g_strcmp0 (which, "openai") == 0;
}

static char *
dup_base_url (SynthPreferencesWindow *self, const char *which)
{
  if (is_openai (which))
    return g_strdup (SYNTH_OPENAI_BASE_URL);
  return g_strstrip (g_settings_get_string (self->settings, "base-url"));
}

static AdwActionRow *
status_row (SynthPreferencesWindow *self, const char *which)
{
  return is_openai (which) ? self->openai_status_row : self->compatible_status_row;
}

static AdwPasswordEntryRow *
key_row (SynthPreferencesWindow *self, const char *which)
{
  return is_openai (which) ? self->openai_key_row : self->compatible_key_row;
}

const char *
synth_preferences_window_get_status (SynthPreferencesWindow *self, const char *which)
{
  g_return_val_if_fail (SYNTH_IS_PREFERENCES_WINDOW (self), NULL);
  return adw_action_row_get_subtitle (status_row (self, which));
}

static void
set_status (SynthPreferencesWindow *self, const char *which, const char *text)
{
  adw_action_row_set_subtitle (status_row (self, which), text);
}

static void
toast (SynthPreferencesWindow *self, const char *text)
{
  AdwToast *t = synth_toast_new (text);
  adw_preferences_window_add_toast (ADW_PREFERENCES_WINDOW (self), t);
}

/* Loading the stored keys into the entries */

typedef struct
{
  SynthPreferencesWindow *self; /* a reference */
  char *which;
  char *base_url;
} KeyOp;

static KeyOp *
key_op_new (SynthPreferencesWindow *self, const char *which, const char *base_url)
{
  KeyOp *op = g_new0 (KeyOp, 1);

  op->self = g_object_ref (self);
  op->which = g_strdup (which);
  op->base_url = g_strdup (base_url);
  return op;
}

static void
key_op_free (KeyOp *op)
{
  g_object_unref (op->self);
  g_free (op->which);
  g_free (op->base_url);
  g_free (op);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (KeyOp, key_op_free)

static void
lookup_done (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (KeyOp) op = user_data;
  SynthPreferencesWindow *self = op->self;
  g_autoptr (GError) error = NULL;
  char *key = synth_secret_lookup_finish (result, &error);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  self->filling = TRUE;
  gtk_editable_set_text (GTK_EDITABLE (key_row (self, op->which)), key != NULL ? key : "");
  self->filling = FALSE;
  synth_secret_free (key);
  if (error != NULL)
    set_status (self, op->which, error->message);
  if (--self->loading == 0)
    g_signal_emit (self, signals[LOADED], 0);
}

static void
load_key (SynthPreferencesWindow *self, const char *which)
{
  g_autofree char *base_url = dup_base_url (self, which);

  self->loading++;
  synth_secret_lookup_async (base_url, self->cancellable, lookup_done,
                             key_op_new (self, which, base_url));
}

static gboolean
base_url_settled (gpointer user_data)
{
  SynthPreferencesWindow *self = user_data;

  self->base_url_source = 0;
  load_key (self, "compatible");
  return G_SOURCE_REMOVE;
}

static void
base_url_changed_cb (SynthPreferencesWindow *self)
{
  /* Each base URL has its own key: show the one for the URL typed, once
   * typing pauses. */
  g_clear_handle_id (&self->base_url_source, g_source_remove);
  self->base_url_source = g_timeout_add (500, base_url_settled, self);
  set_status (self, "compatible", _ ("Asks the server for its list of models"));
}

/* Storing and removing keys */

static void
store_done (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (KeyOp) op = user_data;
  g_autoptr (GError) error = NULL;
  gboolean ok = synth_secret_store_finish (result, &error);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  toast (op->self, ok ? _ ("The key is saved in your keyring.") : error->message);
  g_signal_emit (op->self, signals[SECRET_CHANGED], 0, op->base_url, ok);
}

static void
clear_done (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (KeyOp) op = user_data;
  g_autoptr (GError) error = NULL;
  gboolean removed = synth_secret_clear_finish (result, &error);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  if (error != NULL)
    toast (op->self, error->message);
  else
    toast (op->self, removed ? _ ("The key was removed from your keyring.")
                             : _ ("No key was stored for this server."));
  if (error == NULL)
    {
      op->self->filling = TRUE;
      gtk_editable_set_text (GTK_EDITABLE (key_row (op->self, op->which)), "");
      op->self->filling = FALSE;
    }
  g_signal_emit (op->self, signals[SECRET_CHANGED], 0, op->base_url, error == NULL);
}

static void
apply_key (SynthPreferencesWindow *self, const char *which)
{
  g_autofree char *base_url = dup_base_url (self, which);
  g_autofree char *key =
      g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (key_row (self, which)))));

  if (self->filling)
    return;
  if (*key == '\0')
    synth_secret_clear_async (base_url, self->cancellable, clear_done,
                              key_op_new (self, which, base_url));
  else
    synth_secret_store_async (base_url, key, self->cancellable, store_done,
                              key_op_new (self, which, base_url));
}

static void
openai_key_apply_cb (SynthPreferencesWindow *self)
{
  apply_key (self, "openai");
}

static void
compatible_key_apply_cb (SynthPreferencesWindow *self)
{
  apply_key (self, "compatible");
}

static void
forget_key_action (GtkWidget *widget, const char *name, GVariant *param)
{
  SynthPreferencesWindow *self = SYNTH_PREFERENCES_WINDOW (widget);
  const char *which = g_variant_get_string (param, NULL);
  g_autofree char *base_url = dup_base_url (self, which);

  synth_secret_clear_async (base_url, self->cancellable, clear_done,
                            key_op_new (self, which, base_url));
}

/* Validate: GET {base}/models with the key as typed */

static void
validate_done (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (KeyOp) op = user_data;
  SynthPreferencesWindow *self = op->self;
  g_autoptr (GError) error = NULL;
  g_auto (GStrv) models =
      synth_openai_client_list_models_finish (SYNTH_OPENAI_CLIENT (source), result, &error);
  g_autofree char *model = NULL;
  g_autofree char *text = NULL;
  guint n;

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) ||
      g_error_matches (error, SYNTH_API_ERROR, SYNTH_API_ERROR_CANCELLED))
    return;
  if (models == NULL)
    {
      set_status (self, op->which, error->message);
      g_signal_emit (self, signals[VALIDATED], 0, op->which, FALSE);
      return;
    }

  model = g_strstrip (g_settings_get_string (self->settings, "model"));
  n = g_strv_length (models);
  if (g_strv_contains ((const char *const *) models, model))
    text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                         "It works: the server offers %u model, including %s.",
                                         "It works: the server offers %u models, including %s.", n),
                            n, model);
  else
    text = g_strdup_printf (
        g_dngettext (
            GETTEXT_PACKAGE,
            "It works, but the server’s %u model does not include %s: set a model it offers.",
            "It works, but the server’s %u models do not include %s: set a model it offers.", n),
        n, model);
  set_status (self, op->which, text);
  g_signal_emit (self, signals[VALIDATED], 0, op->which, TRUE);
}

static void
validate_action (GtkWidget *widget, const char *name, GVariant *param)
{
  SynthPreferencesWindow *self = SYNTH_PREFERENCES_WINDOW (widget);
  const char *which = g_variant_get_string (param, NULL);
  g_autofree char *base_url = dup_base_url (self, which);
  const char *key = gtk_editable_get_text (GTK_EDITABLE (key_row (self, which)));
  g_autoptr (GError) error = NULL;
  g_autoptr (SynthOpenaiClient) client = NULL;

  if (is_openai (which) && *key == '\0')
    {
      set_status (self, which,
                  _ ("Type your API key above first. You find it on "
                     "platform.openai.com under API keys."));
      g_signal_emit (self, signals[VALIDATED], 0, which, FALSE);
      return;
    }
  client = synth_openai_client_new (base_url, key, 1, 20000, &error);
  if (client == NULL)
    {
      set_status (self, which, error->message);
      g_signal_emit (self, signals[VALIDATED], 0, which, FALSE);
      return;
    }
  set_status (self, which, _ ("Checking…"));
  synth_openai_client_list_models_async (client, self->cancellable, validate_done,
                                         key_op_new (self, which, base_url));
}

static void
synth_preferences_window_dispose (GObject *object)
{
  SynthPreferencesWindow *self = SYNTH_PREFERENCES_WINDOW (object);

  if (self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_handle_id (&self->base_url_source, g_source_remove);
  gtk_widget_dispose_template (GTK_WIDGET (self), SYNTH_TYPE_PREFERENCES_WINDOW);
  g_clear_object (&self->settings);

  G_OBJECT_CLASS (synth_preferences_window_parent_class)->dispose (object);
}

static void
synth_preferences_window_class_init (SynthPreferencesWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = synth_preferences_window_dispose;

  signals[SECRET_CHANGED] =
      g_signal_new ("secret-changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                    NULL, G_TYPE_NONE, 2, G_TYPE_STRING, G_TYPE_BOOLEAN);
  signals[VALIDATED] =
      g_signal_new ("validated", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                    G_TYPE_NONE, 2, G_TYPE_STRING, G_TYPE_BOOLEAN);
  signals[LOADED] = g_signal_new ("loaded", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL,
                                  NULL, NULL, G_TYPE_NONE, 0);

  gtk_widget_class_set_template_from_resource (
      widget_class, "/io/github/resumesynth/ResumeSynth/synth-preferences-window.ui");
  gtk_widget_class_bind_template_child (widget_class, SynthPreferencesWindow, openai_key_row);
  gtk_widget_class_bind_template_child (widget_class, SynthPreferencesWindow, openai_status_row);
  gtk_widget_class_bind_template_child (widget_class, SynthPreferencesWindow, base_url_row);
  gtk_widget_class_bind_template_child (widget_class, SynthPreferencesWindow, compatible_key_row);
  gtk_widget_class_bind_template_child (widget_class, SynthPreferencesWindow,
                                        compatible_status_row);
  gtk_widget_class_bind_template_child (widget_class, SynthPreferencesWindow, model_row);
  gtk_widget_class_bind_template_child (widget_class, SynthPreferencesWindow, concurrency_spin);
  gtk_widget_class_bind_template_child (widget_class, SynthPreferencesWindow, rpm_spin);
  gtk_widget_class_bind_template_child (widget_class, SynthPreferencesWindow, tpm_spin);
  gtk_widget_class_bind_template_child (widget_class, SynthPreferencesWindow, price_input_spin);
  gtk_widget_class_bind_template_child (widget_class, SynthPreferencesWindow, price_output_spin);
  gtk_widget_class_bind_template_callback (widget_class, openai_key_apply_cb);
  gtk_widget_class_bind_template_callback (widget_class, compatible_key_apply_cb);

  gtk_widget_class_install_action (widget_class, "prefs.validate", "s", validate_action);
  gtk_widget_class_install_action (widget_class, "prefs.forget-key", "s", forget_key_action);
}

static void
synth_preferences_window_init (SynthPreferencesWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  self->cancellable = g_cancellable_new ();
  self->settings = g_settings_new (APP_ID);
  g_settings_bind (self->settings, "base-url", self->base_url_row, "text", G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (self->settings, "model", self->model_row, "text", G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (self->settings, "concurrency", self->concurrency_spin, "value",
                   G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (self->settings, "requests-per-minute", self->rpm_spin, "value",
                   G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (self->settings, "tokens-per-minute", self->tpm_spin, "value",
                   G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (self->settings, "price-input", self->price_input_spin, "value",
                   G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (self->settings, "price-output", self->price_output_spin, "value",
                   G_SETTINGS_BIND_DEFAULT);
  g_signal_connect_object (self->settings, "changed::base-url", G_CALLBACK (base_url_changed_cb),
                           self, G_CONNECT_SWAPPED);

  load_key (self, "openai");
  load_key (self, "compatible");
}
