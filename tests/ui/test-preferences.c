/* test-preferences.c — the API key goes to the real Secret Service and comes
 * back from it, never into GSettings; Validate asks an OpenAI-compatible
 * server (the simulator, over loopback) and says whether the key works;
 * the other preferences are bound to settings. The settings are kept in a
 * real file (GIO's keyfile backend), which is searched for the key. */
#include "config.h"

#include "synth-preferences-window.h"
#include "synth-secret.h"
#include "synth-sim.h"
#include "synth-test-util.h"
#include "synth-ui-test.h"

typedef struct
{
  gboolean done;
  gboolean ok;
  char *value;
  GError *error;
} Wait;

static gboolean
wait_done (gpointer user_data)
{
  return ((Wait *) user_data)->done;
}

static void
secret_changed_cb (SynthPreferencesWindow *prefs, const char *base_url, gboolean ok, Wait *wait)
{
  wait->done = TRUE;
  wait->ok = ok;
}

static void
validated_cb (SynthPreferencesWindow *prefs, const char *which, gboolean ok, Wait *wait)
{
  wait->done = TRUE;
  wait->ok = ok;
}

static void
loaded_cb (SynthPreferencesWindow *prefs, Wait *wait)
{
  wait->done = TRUE;
}

static void
lookup_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  Wait *wait = user_data;

  wait->value = synth_secret_lookup_finish (result, &wait->error);
  wait->done = TRUE;
}

/* The key stored for @base_url, through the same async API the app uses. */
static char *
lookup (const char *base_url, GError **error)
{
  Wait wait = { 0 };

  synth_secret_lookup_async (base_url, NULL, lookup_cb, &wait);
  g_assert_true (synth_ui_test_wait (wait_done, &wait, 20000));
  if (wait.error != NULL)
    g_propagate_error (error, wait.error);
  return wait.value;
}

static SynthPreferencesWindow *
open_prefs (void)
{
  SynthPreferencesWindow *prefs = synth_preferences_window_new ();
  Wait wait = { 0 };

  g_signal_connect (prefs, "loaded", G_CALLBACK (loaded_cb), &wait);
  gtk_window_present (GTK_WINDOW (prefs));
  g_assert_true (synth_ui_test_wait (wait_done, &wait, 20000));
  g_signal_handlers_disconnect_by_data (prefs, &wait);
  return prefs;
}

static GtkEditable *
key_row (SynthPreferencesWindow *prefs, const char *which)
{
  g_autofree char *id = g_strdup_printf ("%s_key_row", which);
  return GTK_EDITABLE (
      gtk_widget_get_template_child (GTK_WIDGET (prefs), SYNTH_TYPE_PREFERENCES_WINDOW, id));
}

static gboolean
apply_key (SynthPreferencesWindow *prefs, const char *which, const char *key)
{
  Wait wait = { 0 };
  gulong id = g_signal_connect (prefs, "secret-changed", G_CALLBACK (secret_changed_cb), &wait);

  gtk_editable_set_text (key_row (prefs, which), key);
  /* What the row's apply button (and Enter) does. */
  g_signal_emit_by_name (key_row (prefs, which), "apply");
  g_assert_true (synth_ui_test_wait (wait_done, &wait, 20000));
  g_signal_handler_disconnect (prefs, id);
  return wait.ok;
}

static gboolean
secret_service_available (void)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *key = lookup ("https://probe.invalid/v1", &error);

  if (error != NULL)
    g_test_message ("no Secret Service: %s", error->message);
  return error == NULL;
}

/* The settings live on disk in GIO's keyfile backend for this program (see
 * main), so the leak check reads real files, not just the values. */
static char *config_dir;

static void
assert_not_in_settings (const char *secret)
{
  GSettings *settings = synth_ui_test_get_settings ();
  g_autoptr (GSettingsSchema) schema = NULL;
  g_auto (GStrv) keys = NULL;

  g_object_get (settings, "settings-schema", &schema, NULL);
  keys = g_settings_schema_list_keys (schema);
  for (guint i = 0; keys[i] != NULL; i++)
    {
      g_autoptr (GVariant) value = g_settings_get_value (settings, keys[i]);
      g_autofree char *text = g_variant_print (value, FALSE);
      g_assert_null (strstr (text, secret));
    }
}

static void
test_key_in_secret_service (void)
{
  SynthPreferencesWindow *prefs;
  g_autoptr (GError) error = NULL;
  g_autofree char *stored = NULL;
  g_autofree char *key = g_strdup_printf ("sk-test-%08x%08x", g_random_int (), g_random_int ());

  if (!secret_service_available ())
    {
      g_test_skip ("no Secret Service in this session (build-aux/test provides one)");
      return;
    }

  prefs = open_prefs ();
  g_assert_true (apply_key (prefs, "openai", key));
  stored = lookup (SYNTH_OPENAI_BASE_URL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (stored, ==, key);
  assert_not_in_settings (key);
  gtk_window_destroy (GTK_WINDOW (prefs));
  /* Something the preferences do write, so the backend file exists. */
  g_settings_set_string (synth_ui_test_get_settings (), "model", "gpt-4o-mini-leak-check");
  g_settings_sync ();
  {
    g_autofree char *keyfile =
        g_build_filename (config_dir, "glib-2.0", "settings", "keyfile", NULL);
    g_autofree char *contents = NULL;
    guint n_files = 0;

    g_assert_true (g_file_get_contents (keyfile, &contents, NULL, NULL));
    g_assert_nonnull (strstr (contents, "gpt-4o-mini-leak-check"));
    g_assert_cmpuint (synth_test_count_files_containing (config_dir, key, &n_files), ==, 0);
    g_assert_cmpuint (n_files, >=, 1);
  }
  g_settings_reset (synth_ui_test_get_settings (), "model");

  /* A new window shows the stored key (masked) in the entry. */
  prefs = open_prefs ();
  g_assert_cmpstr (gtk_editable_get_text (key_row (prefs, "openai")), ==, key);

  /* Emptying the entry and applying removes the key. */
  g_assert_true (apply_key (prefs, "openai", ""));
  g_clear_pointer (&stored, g_free);
  stored = lookup (SYNTH_OPENAI_BASE_URL, &error);
  g_assert_no_error (error);
  g_assert_null (stored);
  gtk_window_destroy (GTK_WINDOW (prefs));
}

static gboolean
validate (SynthPreferencesWindow *prefs, const char *which)
{
  Wait wait = { 0 };
  gulong id = g_signal_connect (prefs, "validated", G_CALLBACK (validated_cb), &wait);

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (prefs), "prefs.validate", "s", which));
  g_assert_true (synth_ui_test_wait (wait_done, &wait, 30000));
  g_signal_handler_disconnect (prefs, id);
  return wait.ok;
}

static void
test_validate_against_simulator (void)
{
  g_autoptr (SynthSim) sim = synth_sim_new ();
  g_autoptr (GError) error = NULL;
  GSettings *settings = synth_ui_test_get_settings ();
  SynthPreferencesWindow *prefs;
  const char *status;

  synth_sim_set_api_key (sim, "sk-right-key");
  g_assert_true (synth_sim_start_in_thread (sim, &error));
  g_assert_no_error (error);
  g_settings_set_string (settings, "base-url", synth_sim_get_base_url (sim));
  g_settings_set_string (settings, "model", "sim-small");

  prefs = open_prefs ();
  gtk_editable_set_text (key_row (prefs, "compatible"), "sk-wrong-key");
  g_assert_false (validate (prefs, "compatible"));
  status = synth_preferences_window_get_status (prefs, "compatible");
  g_test_message ("wrong key: %s", status);
  g_assert_true (status != NULL && *status != '\0');
  g_assert_null (strstr (status, "sk-wrong-key"));

  gtk_editable_set_text (key_row (prefs, "compatible"), "sk-right-key");
  g_assert_true (validate (prefs, "compatible"));
  status = synth_preferences_window_get_status (prefs, "compatible");
  g_test_message ("right key: %s", status);
  g_assert_nonnull (strstr (status, "sim-small"));

  /* The OpenAI row without a key says what to do instead of sending. */
  gtk_editable_set_text (key_row (prefs, "openai"), "");
  g_assert_false (validate (prefs, "openai"));

  gtk_window_destroy (GTK_WINDOW (prefs));
  synth_sim_stop (sim);
}

static void
test_bound_settings (void)
{
  GSettings *settings = synth_ui_test_get_settings ();
  SynthPreferencesWindow *prefs = open_prefs ();
  GtkSpinButton *concurrency = GTK_SPIN_BUTTON (gtk_widget_get_template_child (
      GTK_WIDGET (prefs), SYNTH_TYPE_PREFERENCES_WINDOW, "concurrency_spin"));
  GtkSpinButton *price = GTK_SPIN_BUTTON (gtk_widget_get_template_child (
      GTK_WIDGET (prefs), SYNTH_TYPE_PREFERENCES_WINDOW, "price_output_spin"));

  gtk_spin_button_set_value (concurrency, 12);
  g_assert_cmpuint (g_settings_get_uint (settings, "concurrency"), ==, 12);
  /* The schema's range holds: 64 at most. */
  gtk_spin_button_set_value (concurrency, 500);
  g_assert_cmpuint (g_settings_get_uint (settings, "concurrency"), ==, 64);
  gtk_spin_button_set_value (price, 1.25);
  g_assert_cmpfloat_with_epsilon (g_settings_get_double (settings, "price-output"), 1.25, 1e-9);
  g_settings_set_uint (settings, "tokens-per-minute", 90000);
  g_assert_cmpfloat (gtk_spin_button_get_value (GTK_SPIN_BUTTON (gtk_widget_get_template_child (
                         GTK_WIDGET (prefs), SYNTH_TYPE_PREFERENCES_WINDOW, "tpm_spin"))),
                     ==, 90000);

  g_settings_reset (settings, "concurrency");
  g_settings_reset (settings, "price-output");
  g_settings_reset (settings, "tokens-per-minute");
  gtk_window_destroy (GTK_WINDOW (prefs));
}

static void
remove_config_dir (void)
{
  g_autofree char *cmd = g_strdup_printf ("rm -rf '%s'", config_dir);

  if (system (cmd) != 0)
    g_printerr ("could not remove %s\n", config_dir);
}

int
main (int argc, char **argv)
{
  /* Settings in a real file, GIO's keyfile backend, in a folder of our own
   * (before anything reads XDG_CONFIG_HOME). */
  config_dir = g_dir_make_tmp ("synth-prefs-config-XXXXXX", NULL);
  g_assert_nonnull (config_dir);
  atexit (remove_config_dir);
  g_setenv ("XDG_CONFIG_HOME", config_dir, TRUE);
  g_setenv ("GSETTINGS_BACKEND", "keyfile", TRUE);
  synth_ui_test_init (&argc, &argv);

  g_test_add_func ("/preferences/key-in-secret-service", test_key_in_secret_service);
  g_test_add_func ("/preferences/validate", test_validate_against_simulator);
  g_test_add_func ("/preferences/bound-settings", test_bound_settings);

  return g_test_run ();
}
