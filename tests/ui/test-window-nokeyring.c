/* test-window-nokeyring.c — the window on a desktop with no Secret Service
 * (meson runs this test in a D-Bus session of its own, where nothing owns
 * org.freedesktop.secrets): a server on this computer, which needs no key,
 * still generates; OpenAI itself, which does, stops before any request with
 * a message that says how to get a keyring. */
#include "config.h"

#include "synth-openai-client.h"
#include "synth-secret.h"
#include "synth-sim.h"
#include "synth-ui-test.h"

static SynthSim *sim;

typedef struct
{
  gboolean done;
  char *key;
  GError *error;
} Lookup;

static void
lookup_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  Lookup *lookup = user_data;

  lookup->key = synth_secret_lookup_finish (result, &lookup->error);
  lookup->done = TRUE;
}

static gboolean
lookup_done (gpointer user_data)
{
  return ((Lookup *) user_data)->done;
}

/* Guards the premise: in this session the keyring cannot be reached. */
static void
test_premise (void)
{
  Lookup lookup = { 0 };

  synth_secret_lookup_async (synth_sim_get_base_url (sim), NULL, lookup_cb, &lookup);
  g_assert_true (synth_ui_test_wait (lookup_done, &lookup, 20000));
  g_assert_null (lookup.key);
  g_assert_nonnull (lookup.error);
  g_test_message ("lookup: %s", lookup.error->message);
  g_assert_nonnull (strstr (lookup.error->message, "No secret store is running"));
  g_clear_error (&lookup.error);
}

static void
use_endpoint (const char *base_url)
{
  GSettings *settings = synth_ui_test_get_settings ();

  g_settings_set_string (settings, "provider", "compatible");
  g_settings_set_string (settings, "base-url", base_url);
  g_settings_set_string (settings, "model", "sim-small");
  g_settings_set_uint (settings, "batch-size", 10);
  g_settings_set_uint (settings, "concurrency", 4);
  g_settings_set_string (settings, "bias-mix", "balanced");
}

static void
test_local_server_needs_no_keyring (void)
{
  GSettings *settings = synth_ui_test_get_settings ();
  SynthWindow *window;
  SynthSimStats stats;

  synth_sim_reset_stats (sim);
  use_endpoint (synth_sim_get_base_url (sim));
  window = synth_ui_test_new_window ();
  g_settings_set_uint (settings, "records", 30);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.generate", NULL));
  g_assert_true (synth_ui_test_wait (synth_ui_test_window_idle, window, 60000));

  g_assert_null (synth_ui_test_find_message_dialog (GTK_WINDOW (window)));
  g_assert_cmpuint (g_list_model_get_n_items (synth_window_get_records (window)), ==, 30);
  synth_sim_get_stats (sim, &stats);
  g_assert_cmpuint (stats.completions, >, 0);
  synth_ui_test_close_window (window);
}

/* A server elsewhere is not sent a request without its key: the run stops
 * with the keyring's own explanation and stays resumable. */
static void
test_remote_server_explains (void)
{
  GSettings *settings = synth_ui_test_get_settings ();
  SynthWindow *window;
  AdwMessageDialog *dialog;
  const char *body;

  g_settings_set_string (settings, "provider", "openai");
  g_settings_set_string (settings, "model", "gpt-4o-mini");
  window = synth_ui_test_new_window ();
  g_settings_set_uint (settings, "records", 20);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.generate", NULL));
  g_assert_true (synth_ui_test_wait (synth_ui_test_window_idle, window, 60000));

  dialog = synth_ui_test_find_message_dialog (GTK_WINDOW (window));
  g_assert_nonnull (dialog);
  body = synth_ui_test_message_dialog_body (dialog);
  g_test_message ("dialog: %s — %s", adw_message_dialog_get_heading (dialog), body);
  g_assert_nonnull (strstr (body, "No secret store is running"));
  g_assert_cmpuint (g_list_model_get_n_items (synth_window_get_records (window)), ==, 0);
  g_assert_true (synth_window_action_is_enabled (window, "win.continue-run"));
  adw_message_dialog_response (dialog, "close");
  gtk_window_destroy (GTK_WINDOW (dialog));
  synth_ui_test_close_window (window);
}

int
main (int argc, char **argv)
{
  g_autoptr (GError) error = NULL;
  int status;

  synth_ui_test_init (&argc, &argv);
  g_test_add_func ("/nokeyring/premise", test_premise);
  g_test_add_func ("/nokeyring/local-server", test_local_server_needs_no_keyring);
  g_test_add_func ("/nokeyring/remote-server", test_remote_server_explains);

  sim = synth_sim_new ();
  g_assert_true (synth_sim_start_in_thread (sim, &error));
  g_assert_no_error (error);
  status = g_test_run ();
  synth_sim_stop (sim);
  g_clear_object (&sim);
  return status;
}
