/* test-window-openai.c — the window generating through an OpenAI-compatible
 * endpoint: the simulator over loopback, with the key from the real Secret
 * Service; a wrong key stops the run with a dialog that says what to do and
 * never shows the key; a rate-limited run still delivers every record.
 *
 * One simulator serves the whole program and the key is stored once: the
 * "wrong key" is the simulator expecting another one. (gnome-keyring 42
 * sometimes aborts when items are created in quick succession in a fresh
 * keyring, "asked to register item … but it's already registered".) */
#include "config.h"

#include "synth-secret.h"
#include "synth-sim.h"
#include "synth-ui-test.h"

#define SIM_KEY "sk-sim-right-4f1c"

typedef struct
{
  gboolean done;
  gboolean ok;
  GError *error;
} Wait;

static gboolean
wait_done (gpointer user_data)
{
  return ((Wait *) user_data)->done;
}

static void
store_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  Wait *wait = user_data;

  wait->ok = synth_secret_store_finish (result, &wait->error);
  wait->done = TRUE;
}

/* FALSE (and the test skipped) without a Secret Service. */
static gboolean
store_key (const char *base_url, const char *key)
{
  Wait wait = { 0 };

  synth_secret_store_async (base_url, key, NULL, store_cb, &wait);
  g_assert_true (synth_ui_test_wait (wait_done, &wait, 20000));
  if (!wait.ok)
    {
      g_test_message ("no Secret Service: %s", wait.error->message);
      g_test_skip ("no Secret Service in this session (build-aux/test provides one)");
      g_clear_error (&wait.error);
      return FALSE;
    }
  return TRUE;
}

static SynthSim *sim;
static gboolean have_key;

/* The simulator as each test expects it: right key, no limits. */
static gboolean
setup (void)
{
  GSettings *settings = synth_ui_test_get_settings ();

  synth_sim_set_api_key (sim, SIM_KEY);
  synth_sim_set_max_streams (sim, 0);
  synth_sim_set_quota_exhausted (sim, FALSE);
  synth_sim_set_ttft_ms (sim, 0);
  synth_sim_reset_stats (sim);
  g_settings_set_string (settings, "provider", "compatible");
  g_settings_set_string (settings, "base-url", synth_sim_get_base_url (sim));
  g_settings_set_string (settings, "model", "sim-small");
  g_settings_set_uint (settings, "batch-size", 10);
  g_settings_set_uint (settings, "concurrency", 4);
  g_settings_set_string (settings, "bias-mix", "balanced");

  if (!have_key)
    have_key = store_key (synth_sim_get_base_url (sim), SIM_KEY);
  else
    g_assert_true (have_key);
  return have_key;
}

static void
test_generate_through_simulator (void)
{
  GSettings *settings = synth_ui_test_get_settings ();
  SynthWindow *window;
  SynthSimStats stats;
  g_autoptr (SynthUsage) usage = NULL;

  if (!setup ())
    return;
  window = synth_ui_test_new_window ();
  g_settings_set_uint (settings, "records", 60);
  synth_ui_test_reset_max_stall ();
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.generate", NULL));
  g_assert_true (synth_ui_test_wait (synth_ui_test_window_idle, window, 60000));
  g_test_message ("longest main-loop stall: %.1f ms", synth_ui_test_get_max_stall_ms ());
  g_assert_cmpfloat (synth_ui_test_get_max_stall_ms (), <, 1000.0);

  g_assert_null (synth_ui_test_find_message_dialog (GTK_WINDOW (window)));
  g_assert_cmpuint (g_list_model_get_n_items (synth_window_get_records (window)), ==, 60);
  g_assert_cmpuint (synth_run_store_count_done (synth_window_get_store (window)), ==, 60);
  synth_sim_get_stats (sim, &stats);
  g_assert_cmpuint (stats.completions, >, 0);
  g_assert_cmpuint (stats.auth_errors, ==, 0);

  /* Tokens reach the statistics page. */
  usage = synth_run_store_dup_usage (synth_window_get_store (window));
  g_assert_cmpuint (usage->prompt_tokens + usage->completion_tokens, >, 0);
  adw_view_stack_set_visible_child_name (window->view_stack, "statistics");
  synth_ui_test_spin (100);
  synth_stats_page_update (window->stats_page);
  g_assert_cmpstr (synth_stats_page_get_figure (window->stats_page, "tokens"), !=, "0");

  synth_ui_test_close_window (window);
}

static void
test_wrong_key (void)
{
  GSettings *settings = synth_ui_test_get_settings ();
  SynthWindow *window;
  AdwMessageDialog *dialog;
  SynthSimStats stats;
  const char *body;

  if (!setup ())
    return;
  /* The key in the keyring is not the one the server wants. */
  synth_sim_set_api_key (sim, "sk-another-key");
  window = synth_ui_test_new_window ();
  g_settings_set_uint (settings, "records", 40);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.generate", NULL));
  g_assert_true (synth_ui_test_wait (synth_ui_test_window_idle, window, 60000));

  /* The run stopped at once, with a message for people, and stays resumable. */
  dialog = synth_ui_test_find_message_dialog (GTK_WINDOW (window));
  g_assert_nonnull (dialog);
  body = synth_ui_test_message_dialog_body (dialog);
  g_test_message ("dialog: %s — %s", adw_message_dialog_get_heading (dialog), body);
  g_assert_nonnull (strstr (body, "key"));
  g_assert_null (strstr (body, SIM_KEY));
  synth_sim_get_stats (sim, &stats);
  g_assert_cmpuint (stats.auth_errors, >=, 1);
  /* A 401 is not retried. */
  g_assert_cmpuint (stats.requests, <=, 4);
  g_assert_cmpuint (g_list_model_get_n_items (synth_window_get_records (window)), ==, 0);
  g_assert_true (synth_window_action_is_enabled (window, "win.continue-run"));
  /* What a click on the button does: answer, then close. */
  adw_message_dialog_response (dialog, "close");
  gtk_window_destroy (GTK_WINDOW (dialog));

  /* With the key fixed, Continue Run finishes the same run. */
  synth_sim_set_api_key (sim, SIM_KEY);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.continue-run", NULL));
  g_assert_true (synth_ui_test_wait (synth_ui_test_window_idle, window, 60000));
  g_assert_cmpuint (g_list_model_get_n_items (synth_window_get_records (window)), ==, 40);

  synth_ui_test_close_window (window);
}

static void
test_rate_limited (void)
{
  GSettings *settings = synth_ui_test_get_settings ();
  SynthWindow *window;
  SynthSimStats stats;

  if (!setup ())
    return;
  /* One stream at a time while the window asks for four: the others get
   * real 429s with retry-after, and the run must wait, not fail. */
  synth_sim_set_max_streams (sim, 1);
  synth_sim_set_ttft_ms (sim, 100);
  window = synth_ui_test_new_window ();
  g_settings_set_uint (settings, "records", 50);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.generate", NULL));
  g_assert_true (synth_ui_test_wait (synth_ui_test_window_idle, window, 90000));

  synth_sim_get_stats (sim, &stats);
  g_test_message ("%" G_GUINT64_FORMAT " requests, %" G_GUINT64_FORMAT " answered 429",
                  stats.requests, stats.rate_limited);
  g_assert_cmpuint (stats.rate_limited, >, 0);
  g_assert_null (synth_ui_test_find_message_dialog (GTK_WINDOW (window)));
  g_assert_cmpuint (g_list_model_get_n_items (synth_window_get_records (window)), ==, 50);

  synth_ui_test_close_window (window);
}

static void
test_quota_exhausted (void)
{
  GSettings *settings = synth_ui_test_get_settings ();
  SynthWindow *window;
  AdwMessageDialog *dialog;
  SynthSimStats stats;

  if (!setup ())
    return;
  synth_sim_set_quota_exhausted (sim, TRUE);
  window = synth_ui_test_new_window ();
  g_settings_set_uint (settings, "records", 30);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.generate", NULL));
  g_assert_true (synth_ui_test_wait (synth_ui_test_window_idle, window, 60000));

  /* No credit: stop at once (no retries), say so, keep the run. */
  dialog = synth_ui_test_find_message_dialog (GTK_WINDOW (window));
  g_assert_nonnull (dialog);
  g_test_message ("dialog: %s", synth_ui_test_message_dialog_body (dialog));
  g_assert_nonnull (strstr (synth_ui_test_message_dialog_body (dialog), "credit"));
  synth_sim_get_stats (sim, &stats);
  g_assert_cmpuint (stats.quota_errors, >=, 1);
  g_assert_cmpuint (stats.requests, <=, 4);
  g_assert_true (synth_window_action_is_enabled (window, "win.continue-run"));
  adw_message_dialog_response (dialog, "close");
  gtk_window_destroy (GTK_WINDOW (dialog));

  synth_sim_set_quota_exhausted (sim, FALSE);
  synth_ui_test_close_window (window);
}

int
main (int argc, char **argv)
{
  synth_ui_test_init (&argc, &argv);

  g_test_add_func ("/openai/generate", test_generate_through_simulator);
  g_test_add_func ("/openai/wrong-key", test_wrong_key);
  g_test_add_func ("/openai/rate-limited", test_rate_limited);
  g_test_add_func ("/openai/quota-exhausted", test_quota_exhausted);

  {
    g_autoptr (GError) error = NULL;
    int status;

    sim = synth_sim_new ();
    g_assert_true (synth_sim_start_in_thread (sim, &error));
    g_assert_no_error (error);
    status = g_test_run ();
    synth_sim_stop (sim);
    g_clear_object (&sim);
    return status;
  }
}
