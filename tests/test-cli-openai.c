/* test-cli-openai.c — resume-synth-cli with the openai provider, against the
 * `openai-sim` program over loopback: the key through stdin into the Secret
 * Service and checked, a full generate, a wrong key, plain http refused, a
 * kill -9 and a Ctrl+C mid-run then resume, and the key nowhere in what the
 * run writes or prints (with every debug log on). Resume keeps the limits
 * and prices generate was given, finishes a run whose server went away at
 * another address (and with another model), and refuses what generate
 * would refuse. */
#include <gio/gio.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <libsoup/soup.h>
#include <math.h>
#include <signal.h>
#include <string.h>
#include <sys/prctl.h>

#include "synth-csv.h"
#include "synth-run-store.h"
#include "synth-test-util.h"

#define SIM_KEY "sk-cli-test-7c1e55aa90d34b2f8e61"
#define MODEL "gpt-4o-mini"

static char *tmp_dir;
static char *runs_dir;
static GSubprocess *sim;
static char *sim_url;

typedef SynthTestResult Result;

static GSubprocessLauncher *
cli_launcher (const char *api_key, GSubprocessFlags extra)
{
  GSubprocessLauncher *launcher = g_subprocess_launcher_new (
      G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_PIPE | extra);

  g_subprocess_launcher_setenv (launcher, "SYNTH_RUNS_DIR", runs_dir, TRUE);
  g_subprocess_launcher_setenv (launcher, "LC_ALL", "C.UTF-8", TRUE);
  g_subprocess_launcher_unsetenv (launcher, "G_DEBUG");
  if (api_key != NULL)
    g_subprocess_launcher_setenv (launcher, "OPENAI_API_KEY", api_key, TRUE);
  else
    g_subprocess_launcher_unsetenv (launcher, "OPENAI_API_KEY");
  g_subprocess_launcher_set_cwd (launcher, tmp_dir);
  return launcher;
}

/* Runs the CLI with @args (NULL-terminated), @input on stdin. */
static Result
run_cli (const char *api_key, const char *input, const char *const *args)
{
  g_autoptr (GSubprocessLauncher) launcher = cli_launcher (
      api_key, input != NULL ? G_SUBPROCESS_FLAGS_STDIN_PIPE : G_SUBPROCESS_FLAGS_NONE);

  return synth_test_run (launcher, CLI_PATH, input, args);
}

static void
assert_no_key (const Result *r, const char *key)
{
  g_assert_null (strstr (r->out, key));
  g_assert_null (strstr (r->err, key));
}

/* Every file under @dir, recursively. */
static void
assert_key_in_no_file (const char *dir, const char *key)
{
  guint n_files = 0;

  g_assert_cmpuint (synth_test_count_files_containing (dir, key, &n_files), ==, 0);
  g_assert_cmpuint (n_files, >, 0);
}

/* The records of a CSV, their indexes checked unique and complete. */
static guint
count_csv_records (const char *path, guint expected)
{
  g_autoptr (GError) error = NULL;
  SynthCsvReader *reader = synth_csv_reader_new (path, &error);
  g_autofree gboolean *seen = g_new0 (gboolean, expected);
  SynthRecord *record = NULL;
  guint n = 0;

  g_assert_no_error (error);
  while (synth_csv_reader_next_record (reader, &record, &error) && record != NULL)
    {
      guint index = synth_record_get_index (record);

      /* With --columns all the index comes from record_id. */
      g_assert_nonnull (synth_record_get_record_id (record));
      g_assert_cmpuint (index, <, expected);
      g_assert_false (seen[index]);
      seen[index] = TRUE;
      n++;
      g_clear_object (&record);
    }
  g_assert_no_error (error);
  synth_csv_reader_free (reader);
  return n;
}

static void die_with_parent (gpointer user_data);

/* An openai-sim process of its own, with @knobs; its base URL in @out_url. */
static GSubprocess *
spawn_sim (const char *const *knobs, char **out_url)
{
  g_autoptr (GSubprocessLauncher) launcher =
      g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE);
  g_autoptr (GDataInputStream) lines = NULL;
  g_autoptr (GPtrArray) argv = g_ptr_array_new ();
  g_autoptr (GError) error = NULL;
  GSubprocess *proc;

  g_ptr_array_add (argv, (char *) SIM_PATH);
  g_ptr_array_add (argv, (char *) "--print-url");
  for (guint i = 0; knobs != NULL && knobs[i] != NULL; i++)
    g_ptr_array_add (argv, (char *) knobs[i]);
  g_ptr_array_add (argv, NULL);
  g_subprocess_launcher_setenv (launcher, "OPENAI_SIM_API_KEY", SIM_KEY, TRUE);
  g_subprocess_launcher_set_child_setup (launcher, die_with_parent, NULL, NULL);
  proc = g_subprocess_launcher_spawnv (launcher, (const char *const *) argv->pdata, &error);
  g_assert_no_error (error);
  lines = g_data_input_stream_new (g_subprocess_get_stdout_pipe (proc));
  *out_url = g_data_input_stream_read_line_utf8 (lines, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (g_str_has_prefix (*out_url, "http://127.0.0.1:"));
  return proc;
}

static void
stop_sim_process (GSubprocess *proc, int signal)
{
  g_subprocess_send_signal (proc, signal);
  g_subprocess_wait (proc, NULL, NULL);
  g_object_unref (proc);
}

/* A /sim/ control endpoint of the simulator at @base_url (…/v1). */
static JsonNode *
sim_control (const char *base_url, const char *method, const char *path)
{
  g_autoptr (SoupSession) session = soup_session_new ();
  g_autofree char *root = g_strndup (base_url, strlen (base_url) - strlen ("/v1"));
  g_autofree char *url = g_strconcat (root, path, NULL);
  g_autoptr (SoupMessage) msg = soup_message_new (method, url);
  g_autoptr (GBytes) body = NULL;
  g_autoptr (GError) error = NULL;
  JsonNode *node;

  body = soup_session_send_and_read (session, msg, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (soup_message_get_status (msg), ==, 200);
  node = json_from_string (g_bytes_get_data (body, NULL), &error);
  g_assert_no_error (error);
  return node;
}

static JsonObject *
load_json_object (const char *path, JsonParser *parser)
{
  g_autoptr (GError) error = NULL;

  json_parser_load_from_file (parser, path, &error);
  g_assert_no_error (error);
  return json_node_get_object (json_parser_get_root (parser));
}

static SynthRunSpec *
dup_run_spec (const char *run_id)
{
  g_autofree char *path = synth_run_store_path_for_id (runs_dir, run_id);
  g_autoptr (GError) error = NULL;
  g_autoptr (SynthRunStore) store = synth_run_store_open (path, &error);

  g_assert_no_error (error);
  return synth_run_store_dup_spec (store);
}

static char *
dup_run_spec_json (const char *run_id)
{
  g_autoptr (SynthRunSpec) spec = dup_run_spec (run_id);
  return synth_run_spec_to_json (spec);
}

static guint count_done (const char *run_id);

/* ---- tests ----------------------------------------------------------------- */

static void
test_generate (void)
{
  g_autofree char *csv = g_build_filename (tmp_dir, "gen.csv", NULL);
  g_autofree char *stats = g_build_filename (tmp_dir, "gen.stats.json", NULL);
  g_autoptr (GSubprocessLauncher) launcher = cli_launcher (SIM_KEY, G_SUBPROCESS_FLAGS_NONE);
  const char *args[] = { "generate", "--provider",    "openai", "--base-url",
                         sim_url,    "--model",       MODEL,    "--records",
                         "200",      "--concurrency", "8",      "--columns",
                         "all",      "--output",      csv,      NULL };
  g_autofree char *stats_json = NULL;
  Result r;

  /* Every debug log on: the key must still appear nowhere. */
  g_subprocess_launcher_setenv (launcher, "G_MESSAGES_DEBUG", "all", TRUE);
  g_subprocess_launcher_setenv (launcher, "SYNTH_DEBUG_HTTP", "body", TRUE);
  r = synth_test_run (launcher, CLI_PATH, NULL, args);
  if (r.status != 0)
    g_printerr ("%s", r.err);
  g_assert_cmpint (r.status, ==, 0);
  /* GLib prints debug messages on stdout. */
  g_assert_nonnull (strstr (r.out, "Authorization: [redacted]"));
  assert_no_key (&r, SIM_KEY);
  g_assert_cmpuint (count_csv_records (csv, 200), ==, 200);
  g_assert_true (g_file_get_contents (stats, &stats_json, NULL, NULL));
  assert_key_in_no_file (tmp_dir, SIM_KEY);
  synth_test_result_clear (&r);
}

static gboolean
on_proxy_connection (GSocketService *service,
                     GSocketConnection *connection,
                     GObject *source,
                     gpointer user_data)
{
  g_atomic_int_inc ((gint *) user_data);
  return FALSE;
}

static gpointer
proxy_thread (gpointer data)
{
  GMainLoop *loop = data;
  g_main_context_push_thread_default (g_main_loop_get_context (loop));
  g_main_loop_run (loop);
  g_main_context_pop_thread_default (g_main_loop_get_context (loop));
  return NULL;
}

/* A proxy in the environment must never see a request to a loopback
 * endpoint: over plain http it would carry the key in clear text. */
static void
test_proxy_bypassed_for_loopback (void)
{
  g_autofree char *csv = g_build_filename (tmp_dir, "proxy.csv", NULL);
  g_autoptr (GMainContext) context = g_main_context_new ();
  g_autoptr (GSocketService) service = NULL;
  g_autoptr (GSubprocessLauncher) launcher = cli_launcher (SIM_KEY, G_SUBPROCESS_FLAGS_NONE);
  g_autoptr (GSubprocess) proc = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *proxy_url = NULL;
  gint connections = 0;
  guint16 port;
  g_autoptr (GMainLoop) loop = g_main_loop_new (context, FALSE);
  GThread *thread;
  const char *argv[] = { CLI_PATH,   "generate", "--provider", "openai",    "--base-url",
                         sim_url,    "--model",  MODEL,        "--records", "20",
                         "--output", csv,        "--quiet",    NULL };

  g_main_context_push_thread_default (context);
  service = g_socket_service_new ();
  port = g_socket_listener_add_any_inet_port (G_SOCKET_LISTENER (service), NULL, &error);
  g_assert_no_error (error);
  g_signal_connect (service, "incoming", G_CALLBACK (on_proxy_connection), &connections);
  g_main_context_pop_thread_default (context);
  thread = g_thread_new ("proxy", proxy_thread, loop);

  proxy_url = g_strdup_printf ("http://127.0.0.1:%u", port);
  g_subprocess_launcher_setenv (launcher, "http_proxy", proxy_url, TRUE);
  g_subprocess_launcher_setenv (launcher, "HTTP_PROXY", proxy_url, TRUE);
  g_subprocess_launcher_unsetenv (launcher, "no_proxy");
  g_subprocess_launcher_unsetenv (launcher, "NO_PROXY");
  proc = g_subprocess_launcher_spawnv (launcher, argv, &error);
  g_assert_no_error (error);
  g_subprocess_wait (proc, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (g_subprocess_get_successful (proc));
  g_assert_cmpint (g_atomic_int_get (&connections), ==, 0);

  g_main_loop_quit (loop);
  g_thread_join (thread);
  g_socket_service_stop (service);
  g_socket_listener_close (G_SOCKET_LISTENER (service));
}

static void
test_wrong_key (void)
{
  g_autofree char *csv = g_build_filename (tmp_dir, "wrong.csv", NULL);
  const char *args[] = { "generate", "--provider", "openai", "--base-url", sim_url, "--model",
                         MODEL,      "--records",  "20",     "--output",   csv,     NULL };
  Result r = run_cli ("sk-wrong-key-abcdef0123456789", NULL, args);

  g_assert_cmpint (r.status, ==, 1);
  g_assert_nonnull (strstr (r.err, "API key was rejected"));
  g_assert_nonnull (strstr (r.err, "key set"));
  g_assert_nonnull (strstr (r.err, "resume"));
  assert_no_key (&r, "sk-wrong-key-abcdef0123456789");
  assert_no_key (&r, "abcdef0123456789");
  g_assert_false (g_file_test (csv, G_FILE_TEST_EXISTS));
  synth_test_result_clear (&r);
}

static void
test_insecure (void)
{
  g_autofree char *csv = g_build_filename (tmp_dir, "insecure.csv", NULL);
  const char *args[] = {
    "generate", "--provider", "openai",    "--base-url", "http://example.com/v1",
    "--model",  MODEL,        "--records", "20",         "--output",
    csv,        NULL
  };
  const char *key_args[] = { "key", "check", "--base-url", "http://example.com/v1", NULL };
  Result r = run_cli (SIM_KEY, NULL, args);

  /* Refused as invalid input, before any run exists. */
  g_assert_cmpint (r.status, ==, 2);
  g_assert_nonnull (strstr (r.err, "plain http"));
  g_assert_null (strstr (r.err, "run: "));
  assert_no_key (&r, SIM_KEY);
  synth_test_result_clear (&r);
  r = run_cli (SIM_KEY, NULL, key_args);
  g_assert_cmpint (r.status, !=, 0);
  g_assert_nonnull (strstr (r.err, "plain http"));
  synth_test_result_clear (&r);
}

static void
test_key_commands (void)
{
  const char *set[] = { "key", "set", "--base-url", sim_url, NULL };
  const char *check[] = { "key", "check", "--base-url", sim_url, NULL };
  const char *clear[] = { "key", "clear", "--base-url", sim_url, NULL };
  g_autofree char *csv = g_build_filename (tmp_dir, "stored-key.csv", NULL);
  const char *gen[] = { "generate", "--provider", "openai",    "--base-url", sim_url,
                        "--model",  MODEL,        "--records", "12",         "--output",
                        csv,        "--columns",  "all",       "--quiet",    NULL };
  Result r;

  if (g_getenv ("DBUS_SESSION_BUS_ADDRESS") == NULL)
    {
      g_test_skip ("no D-Bus session (build-aux/test provides one with an unlocked keyring)");
      return;
    }
  r = run_cli (NULL, SIM_KEY "\n", set);
  if (r.status != 0)
    g_printerr ("%s", r.err);
  g_assert_cmpint (r.status, ==, 0);
  assert_no_key (&r, SIM_KEY);
  synth_test_result_clear (&r);

  r = run_cli (NULL, NULL, check);
  g_assert_cmpint (r.status, ==, 0);
  g_assert_nonnull (strstr (r.out, "The key works"));
  g_assert_nonnull (strstr (r.out, MODEL));
  assert_no_key (&r, SIM_KEY);
  synth_test_result_clear (&r);

  /* The stored key is used by a run when OPENAI_API_KEY is not set. */
  r = run_cli (NULL, NULL, gen);
  g_assert_cmpint (r.status, ==, 0);
  g_assert_cmpuint (count_csv_records (csv, 12), ==, 12);
  synth_test_result_clear (&r);

  /* OPENAI_API_KEY overrides the keyring. */
  r = run_cli ("sk-env-wrong-0000000000000000", NULL, check);
  g_assert_cmpint (r.status, ==, 1);
  g_assert_nonnull (strstr (r.err, "does not work"));
  g_assert_nonnull (strstr (r.err, "rejected"));
  synth_test_result_clear (&r);

  r = run_cli (NULL, "\n", set);
  g_assert_cmpint (r.status, ==, 2);
  synth_test_result_clear (&r);

  r = run_cli (NULL, NULL, clear);
  g_assert_cmpint (r.status, ==, 0);
  synth_test_result_clear (&r);
  r = run_cli (NULL, NULL, check);
  g_assert_cmpint (r.status, ==, 1);
  g_assert_nonnull (strstr (r.err, "key set"));
  synth_test_result_clear (&r);
}

static guint
count_done (const char *run_id)
{
  g_autofree char *path = synth_run_store_path_for_id (runs_dir, run_id);
  g_autoptr (SynthRunStore) store = NULL;

  if (!g_file_test (path, G_FILE_TEST_EXISTS))
    return 0;
  store = synth_run_store_open (path, NULL);
  return store != NULL ? synth_run_store_count_done (store) : 0;
}

/* Starts a slow generate, stops it with @signal once some records are
 * saved, then resumes it to exactly @n unique records. */
static void
interrupt_and_resume (int signal, int expected_status, const char *run_id)
{
  g_autofree char *csv = g_build_filename (tmp_dir, "resumed.csv", NULL);
  g_autoptr (GSubprocessLauncher) launcher = cli_launcher (SIM_KEY, G_SUBPROCESS_FLAGS_NONE);
  g_autofree char *slow_url = NULL;
  const char *argv[] = { CLI_PATH,     "generate", "--provider",   "openai",
                         "--base-url", sim_url,    "--model",      MODEL,
                         "--records",  "60",       "--batch-size", "5",
                         "--run-id",   run_id,     "--output",     csv,
                         NULL };
  const char *resume[] = { "resume", run_id, "--output", csv, "--columns", "all", NULL };
  g_autoptr (GSubprocess) proc = NULL;
  g_autoptr (GError) error = NULL;
  gint64 deadline = g_get_monotonic_time () + 20 * G_USEC_PER_SEC;
  guint done;
  Result r;

  proc = g_subprocess_launcher_spawnv (launcher, argv, &error);
  g_assert_no_error (error);
  while ((done = count_done (run_id)) < 10 && g_get_monotonic_time () < deadline)
    g_usleep (20000);
  g_assert_cmpuint (done, >=, 10);
  g_subprocess_send_signal (proc, signal);
  g_subprocess_communicate_utf8 (proc, NULL, NULL, &r.out, &r.err, &error);
  g_assert_no_error (error);
  if (signal == SIGKILL)
    g_assert_true (g_subprocess_get_if_signaled (proc));
  else
    {
      g_assert_true (g_subprocess_get_if_exited (proc));
      g_assert_cmpint (g_subprocess_get_exit_status (proc), ==, expected_status);
      g_assert_nonnull (strstr (r.err, "resume"));
    }
  synth_test_result_clear (&r);
  done = count_done (run_id);
  g_assert_cmpuint (done, <, 60);

  r = run_cli (SIM_KEY, NULL, resume);
  if (r.status != 0)
    g_printerr ("%s", r.err);
  g_assert_cmpint (r.status, ==, 0);
  synth_test_result_clear (&r);
  g_assert_cmpuint (count_csv_records (csv, 60), ==, 60);
  g_assert_cmpuint (count_done (run_id), ==, 60);
}

static void
test_kill_and_resume (void)
{
  interrupt_and_resume (SIGKILL, 0, "killed-run");
}

static void
test_interrupt_and_resume (void)
{
  interrupt_and_resume (SIGINT, 130, "interrupted-run");
}

/* generate's --rpm and prices stay with the run: a resume given neither
 * still pays the stored price (cost_usd in stats.json) and still keeps to
 * 60 requests a minute (seen in the simulator's log: the simulator itself
 * sets no limit and sends no rate-limit headers, so only ours can slow it). */
static void
test_resume_keeps_settings (void)
{
  const char *knobs[] = { "--rpm", "0", "--tpm", "0", "--tokens-per-second", "0", NULL };
  g_autofree char *url = NULL;
  GSubprocess *fast = spawn_sim (knobs, &url);
  g_autofree char *csv = g_build_filename (tmp_dir, "kept.csv", NULL);
  g_autofree char *stats_path = g_build_filename (tmp_dir, "kept.stats.json", NULL);
  const char *gen[] = { "generate",
                        "--provider",
                        "openai",
                        "--base-url",
                        url,
                        "--model",
                        MODEL,
                        "--records",
                        "64",
                        "--batch-size",
                        "1",
                        "--bias-mix",
                        "textual=1,skill_match=1",
                        "--concurrency",
                        "8",
                        "--rpm",
                        "60",
                        "--price-in",
                        "1000",
                        "--price-out",
                        "1000",
                        "--budget",
                        "4",
                        "--run-id",
                        "kept-settings",
                        "--output",
                        csv,
                        "--quiet",
                        NULL };
  const char *resume[] = { "resume", "kept-settings", "--budget", "0",       "--output",
                           csv,      "--columns",     "all",      "--quiet", NULL };
  g_autoptr (JsonParser) parser = json_parser_new ();
  g_autoptr (JsonNode) reset = NULL, log = NULL;
  g_autoptr (SynthRunSpec) spec = NULL;
  JsonObject *stats, *usage;
  JsonArray *requests;
  gint64 first = 0, last = 0;
  double cost, expected;
  guint done, n = 0;
  Result r;

  /* Stopped by its budget: a request costs about $3 at these prices. */
  r = run_cli (SIM_KEY, NULL, gen);
  g_assert_cmpint (r.status, ==, 1);
  g_assert_nonnull (strstr (r.err, "budget"));
  synth_test_result_clear (&r);
  done = count_done ("kept-settings");
  g_assert_cmpuint (done, >, 0);
  g_assert_cmpuint (done, <=, 2);
  spec = dup_run_spec ("kept-settings");
  g_assert_cmpfloat (spec->requests_per_minute, ==, 60);
  g_assert_cmpfloat (spec->price_in, ==, 1000);
  g_assert_cmpfloat (spec->price_out, ==, 1000);

  reset = sim_control (url, "POST", "/sim/reset");
  r = run_cli (SIM_KEY, NULL, resume);
  if (r.status != 0)
    g_printerr ("%s", r.err);
  g_assert_cmpint (r.status, ==, 0);
  synth_test_result_clear (&r);
  g_assert_cmpuint (count_csv_records (csv, 64), ==, 64);

  stats = load_json_object (stats_path, parser);
  usage = json_object_get_object_member (stats, "usage");
  cost = json_object_get_double_member (stats, "cost_usd");
  expected = (json_object_get_int_member (usage, "prompt_tokens") +
              json_object_get_int_member (usage, "completion_tokens")) *
             1000 / 1e6;
  g_test_message ("cost $%.4f, at the stored price $%.4f", cost, expected);
  g_assert_cmpfloat (expected, >, 1);
  g_assert_cmpfloat (fabs (cost - expected), <=, 1e-6 * expected);

  log = sim_control (url, "GET", "/sim/log");
  requests = json_node_get_array (log);
  for (guint i = 0; i < json_array_get_length (requests); i++)
    {
      JsonObject *entry = json_array_get_object_element (requests, i);
      if (g_strcmp0 (json_object_get_string_member (entry, "path"), "/v1/chat/completions") != 0)
        continue;
      if (first == 0)
        first = json_object_get_int_member (entry, "received_us");
      last = json_object_get_int_member (entry, "received_us");
      n++;
    }
  g_test_message ("resume: %u requests in %.1f s", n, (last - first) / 1e6);
  /* A full bucket of 60 at once, then one a second. */
  g_assert_cmpuint (n, >=, 62);
  g_assert_cmpfloat ((last - first) / 1e6, >=, (n - 60) * 0.9 - 1);
  stop_sim_process (fast, SIGTERM);
}

/* The server goes away mid-run: the run stops with a message that names
 * the URL and says the server can't be reached, every unfinished slot still
 * pending. Resume refuses a key over plain http to another host and leaves
 * the run as it was; pointed at the server's new address, with another
 * model, it finishes with exactly N records and names both models. */
static void
test_server_moved (void)
{
  const char *slow[] = { "--tokens-per-second", "6000", NULL };
  g_autofree char *url_a = NULL, *url_b = NULL, *before = NULL, *after = NULL;
  /* Both at once, so the second cannot get the first one's port. */
  GSubprocess *sim_a = spawn_sim (slow, &url_a), *sim_b = spawn_sim (slow, &url_b);
  g_autoptr (GSubprocessLauncher) launcher = cli_launcher (SIM_KEY, G_SUBPROCESS_FLAGS_NONE);
  g_autofree char *csv = g_build_filename (tmp_dir, "moved.csv", NULL);
  g_autofree char *stats_path = g_build_filename (tmp_dir, "moved.stats.json", NULL);
  g_autofree char *path = synth_run_store_path_for_id (runs_dir, "moved-run");
  const char *argv[] = { CLI_PATH,     "generate",  "--provider",   "openai",
                         "--base-url", url_a,       "--model",      MODEL,
                         "--records",  "60",        "--batch-size", "5",
                         "--run-id",   "moved-run", "--output",     csv,
                         NULL };
  const char *insecure[] = { "resume", "moved-run", "--base-url", "http://example.com/v1", NULL };
  g_autoptr (GSubprocess) proc = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (JsonParser) parser = json_parser_new ();
  g_autoptr (SynthRunStore) store = NULL;
  g_autoptr (GArray) pending = NULL;
  g_autoptr (SynthRunSpec) spec = NULL;
  gint64 deadline = g_get_monotonic_time () + 20 * G_USEC_PER_SEC;
  JsonObject *provenance;
  JsonArray *models;
  guint done;
  Result r = { 0 };

  proc = g_subprocess_launcher_spawnv (launcher, argv, &error);
  g_assert_no_error (error);
  while ((done = count_done ("moved-run")) < 10 && g_get_monotonic_time () < deadline)
    g_usleep (20000);
  g_assert_cmpuint (done, >=, 10);
  stop_sim_process (sim_a, SIGKILL);
  g_subprocess_communicate_utf8 (proc, NULL, NULL, &r.out, &r.err, &error);
  g_assert_no_error (error);
  g_test_message ("%s", r.err);
  g_assert_true (g_subprocess_get_if_exited (proc));
  g_assert_cmpint (g_subprocess_get_exit_status (proc), ==, 1);
  g_assert_nonnull (strstr (r.err, "can’t be reached"));
  g_assert_nonnull (strstr (r.err, url_a));
  g_assert_nonnull (strstr (r.err, "resume-synth-cli resume moved-run"));
  g_assert_nonnull (strstr (r.err, "--base-url"));
  g_assert_null (strstr (r.err, "model gave"));
  synth_test_result_clear (&r);
  store = synth_run_store_open (path, &error);
  g_assert_no_error (error);
  done = synth_run_store_count_done (store);
  g_assert_cmpuint (done, <, 60);
  pending = synth_run_store_list_pending (store, 0, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (pending->len, ==, 60 - done);
  g_clear_object (&store);

  /* Refused as generate refuses it, before anything changes. */
  before = dup_run_spec_json ("moved-run");
  r = run_cli (SIM_KEY, NULL, insecure);
  g_assert_cmpint (r.status, ==, 2);
  g_assert_nonnull (strstr (r.err, "plain http"));
  g_assert_null (strstr (r.err, "run: "));
  synth_test_result_clear (&r);
  after = dup_run_spec_json ("moved-run");
  g_assert_cmpstr (after, ==, before);
  g_assert_cmpuint (count_done ("moved-run"), ==, done);

  g_assert_cmpstr (url_b, !=, url_a);
  {
    const char *resume[] = { "resume",    "moved-run",    "--base-url", url_b,
                             "--model",   "gpt-4.1-mini", "--output",   csv,
                             "--columns", "all",          NULL };
    r = run_cli (SIM_KEY, NULL, resume);
  }
  if (r.status != 0)
    g_printerr ("%s", r.err);
  g_assert_cmpint (r.status, ==, 0);
  synth_test_result_clear (&r);
  g_assert_cmpuint (count_csv_records (csv, 60), ==, 60);
  g_assert_cmpuint (count_done ("moved-run"), ==, 60);
  spec = dup_run_spec ("moved-run");
  g_assert_cmpstr (spec->base_url, ==, url_b);
  g_assert_cmpstr (spec->model, ==, "gpt-4.1-mini");

  provenance = json_object_get_object_member (load_json_object (stats_path, parser), "provenance");
  g_assert_cmpstr (json_object_get_string_member (provenance, "model"), ==, "gpt-4.1-mini");
  models = json_object_get_array_member (json_object_get_object_member (provenance, "spec"),
                                         "models_used");
  g_assert_cmpuint (json_array_get_length (models), ==, 2);
  g_assert_cmpstr (json_array_get_string_element (models, 0), ==, MODEL);
  g_assert_cmpstr (json_array_get_string_element (models, 1), ==, "gpt-4.1-mini");
  models = json_object_get_array_member (provenance, "models_used");
  g_assert_cmpuint (json_array_get_length (models), ==, 2);
  g_assert_cmpstr (json_array_get_string_element (models, 0), ==, MODEL);
  /* The report names both models too. */
  {
    g_autofree char *report_path = g_build_filename (tmp_dir, "moved.report.html", NULL);
    g_autofree char *html = NULL;

    g_assert_true (g_file_get_contents (report_path, &html, NULL, NULL));
    g_assert_nonnull (strstr (html, "<td>Models</td>"));
    g_assert_nonnull (strstr (html, MODEL ", gpt-4.1-mini"));
  }
  stop_sim_process (sim_b, SIGTERM);
}

/* An offline run has no endpoint, model or cost: such options are a
 * mistake, said as such, and the run is left alone. */
static void
test_resume_offline_refuses_openai_options (void)
{
  g_autofree char *csv = g_build_filename (tmp_dir, "offline.csv", NULL);
  const char *gen[] = { "generate", "--records", "20",      "--run-id", "offline-run",
                        "--output", csv,         "--quiet", NULL };
  const char *model[] = { "resume", "offline-run", "--model", MODEL, NULL };
  const char *budget[] = { "resume", "offline-run", "--budget", "5", NULL };
  g_autofree char *before = NULL, *after = NULL;
  Result r = run_cli (NULL, NULL, gen);

  g_assert_cmpint (r.status, ==, 0);
  synth_test_result_clear (&r);
  before = dup_run_spec_json ("offline-run");
  r = run_cli (NULL, NULL, model);
  g_assert_cmpint (r.status, ==, 2);
  g_assert_nonnull (strstr (r.err, "--model"));
  g_assert_nonnull (strstr (r.err, "offline"));
  synth_test_result_clear (&r);
  r = run_cli (NULL, NULL, budget);
  g_assert_cmpint (r.status, ==, 2);
  g_assert_nonnull (strstr (r.err, "--budget"));
  synth_test_result_clear (&r);
  after = dup_run_spec_json ("offline-run");
  g_assert_cmpstr (after, ==, before);
}

/* ---- the simulator ----------------------------------------------------------- */

/* The simulator goes when the test goes, even when an assertion kills it. */
static void
die_with_parent (gpointer user_data)
{
  prctl (PR_SET_PDEATHSIG, SIGTERM);
}

static void
start_sim (void)
{
  g_autoptr (GSubprocessLauncher) launcher =
      g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE);
  g_autoptr (GDataInputStream) lines = NULL;
  g_autoptr (GError) error = NULL;
  /* Slow enough that a run of 60 takes a few seconds (to interrupt it). */
  const char *argv[] = { SIM_PATH, "--print-url", "--tokens-per-second", "6000", NULL };

  g_subprocess_launcher_setenv (launcher, "OPENAI_SIM_API_KEY", SIM_KEY, TRUE);
  g_subprocess_launcher_set_child_setup (launcher, die_with_parent, NULL, NULL);
  sim = g_subprocess_launcher_spawnv (launcher, argv, &error);
  g_assert_no_error (error);
  lines = g_data_input_stream_new (g_subprocess_get_stdout_pipe (sim));
  sim_url = g_data_input_stream_read_line_utf8 (lines, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (g_str_has_prefix (sim_url, "http://127.0.0.1:"));
}

/* With no Secret Service, `key set` says so and names the other way the CLI
 * has: the key in OPENAI_API_KEY. */
static void
test_no_keyring (void)
{
  g_autoptr (GSubprocessLauncher) launcher = cli_launcher (NULL, G_SUBPROCESS_FLAGS_STDIN_PIPE);
  const char *args[] = { "key", "set", NULL };
  Result r;

  g_subprocess_launcher_setenv (launcher, "DBUS_SESSION_BUS_ADDRESS",
                                "unix:path=/nonexistent/resume-synth-test-bus", TRUE);
  r = synth_test_run (launcher, CLI_PATH, "sk-no-keyring-123456", args);
  g_assert_cmpint (r.status, ==, 1);
  g_test_message ("stderr: %s", r.err);
  g_assert_nonnull (strstr (r.err, "No secret store is running"));
  g_assert_nonnull (strstr (r.err, "OPENAI_API_KEY"));
  g_assert_null (strstr (r.err, "sk-no-keyring"));
  synth_test_result_clear (&r);
}

int
main (int argc, char **argv)
{
  int status;

  g_test_init (&argc, &argv, NULL);
  tmp_dir = g_dir_make_tmp ("test-cli-openai-XXXXXX", NULL);
  runs_dir = g_build_filename (tmp_dir, "runs", NULL);
  start_sim ();

  g_test_add_func ("/cli-openai/generate", test_generate);
  g_test_add_func ("/cli-openai/wrong-key", test_wrong_key);
  g_test_add_func ("/cli-openai/proxy-bypassed-for-loopback", test_proxy_bypassed_for_loopback);
  g_test_add_func ("/cli-openai/insecure", test_insecure);
  g_test_add_func ("/cli-openai/key", test_key_commands);
  g_test_add_func ("/cli-openai/no-keyring", test_no_keyring);
  g_test_add_func ("/cli-openai/kill-and-resume", test_kill_and_resume);
  g_test_add_func ("/cli-openai/interrupt-and-resume", test_interrupt_and_resume);
  g_test_add_func ("/cli-openai/resume-keeps-settings", test_resume_keeps_settings);
  g_test_add_func ("/cli-openai/server-moved", test_server_moved);
  g_test_add_func ("/cli-openai/resume-offline-refuses-openai-options",
                   test_resume_offline_refuses_openai_options);
  status = g_test_run ();

  g_subprocess_send_signal (sim, SIGTERM);
  g_subprocess_wait (sim, NULL, NULL);
  g_clear_object (&sim);
  {
    g_autofree char *cmd = g_strdup_printf ("rm -rf '%s'", tmp_dir);
    if (system (cmd) != 0)
      g_printerr ("could not remove %s\n", tmp_dir);
  }
  g_free (sim_url);
  g_free (runs_dir);
  g_free (tmp_dir);
  return status;
}
