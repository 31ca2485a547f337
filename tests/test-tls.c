/* test-tls.c — the OpenAI-compatible client refuses a certificate it cannot
 * trust instead of ignoring it: the call fails with SYNTH_API_ERROR_TLS and a
 * message that says so, the handshake fails before any HTTP is written (so
 * the API key never leaves the process), a run stops at once without retries
 * and stays resumable. Controls show the servers themselves work: the same
 * SoupServer over plain http, and the same TLS endpoint for a session that
 * explicitly trusts this one certificate, are both reached.
 *
 * Two HTTPS servers, both real components on 127.0.0.1:
 *  - a SoupServer with the certificate as its "tls-certificate", listening
 *    with SOUP_SERVER_LISTEN_HTTPS (and, on a second port, plain http), whose
 *    handler records every request and whether it carried the key;
 *  - a TLS front in front of the simulator (SynthSim has no TLS option): a
 *    GSocketService that does the server side of each handshake itself with a
 *    GTlsServerConnection, counts handshakes, and splices the decrypted stream
 *    to the simulator's plain port. The simulator's own counters then say
 *    whether any request arrived.
 *
 * tests/data/tls/cert.pem and key.pem were made once with
 *   openssl req -x509 -newkey rsa:2048 -nodes -days 36500 -subj /CN=127.0.0.1 \
 *     -addext subjectAltName=IP:127.0.0.1 -keyout key.pem -out cert.pem
 * The key is a test-only throwaway, published on purpose: it protects nothing
 * and the certificate must never be trusted anywhere. */
#include <stdlib.h>
#include <string.h>

#include "synth-error.h"
#include "synth-openai-client.h"
#include "synth-openai-provider.h"
#include "synth-run-store.h"
#include "synth-sim.h"

#define TEST_KEY "sk-test-tls-7c1e5a9f3b2d4c6e8a0f"
#define MODEL "gpt-4o-mini"
#define RECORDER_MODEL "tls-test-model"
/* Nothing here should take long; a hang fails instead of waiting for meson. */
#define SPIN_LIMIT_US (10 * G_USEC_PER_SEC)

static char *tmp_dir;

/* ---- waiting ---------------------------------------------------------------- */

typedef gboolean (*Predicate) (gconstpointer data);

static gboolean
wake_up (gpointer user_data)
{
  return G_SOURCE_CONTINUE;
}

/* Iterates the default main context until @done says so, at most SPIN_LIMIT_US. */
static void
spin_until (Predicate done, gconstpointer data)
{
  gint64 deadline = g_get_monotonic_time () + SPIN_LIMIT_US;
  guint tick = g_timeout_add (50, wake_up, NULL);

  while (!done (data))
    {
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
      g_main_context_iteration (NULL, TRUE);
    }
  g_source_remove (tick);
}

static gboolean
flag_is_set (gconstpointer data)
{
  return *(const gboolean *) data;
}

/* ---- the certificate ---------------------------------------------------------- */

static gboolean
tls_available (void)
{
  if (!g_tls_backend_supports_tls (g_tls_backend_get_default ()))
    {
      g_test_skip ("No GIO TLS backend: install glib-networking to run the TLS tests.");
      return FALSE;
    }
  return TRUE;
}

static char *
data_path (const char *name)
{
  const char *source_dir = g_getenv ("SYNTH_SOURCE_DIR");

  if (source_dir == NULL)
    g_error ("SYNTH_SOURCE_DIR is not set: run this test with `meson test`.");
  return g_build_filename (source_dir, "tests", "data", "tls", name, NULL);
}

static GTlsCertificate *
load_certificate (void)
{
  g_autofree char *cert_path = data_path ("cert.pem");
  g_autofree char *key_path = data_path ("key.pem");
  g_autoptr (GError) error = NULL;
  GTlsCertificate *certificate = g_tls_certificate_new_from_files (cert_path, key_path, &error);

  g_assert_no_error (error);
  g_assert_nonnull (certificate);
  return certificate;
}

static guint
address_port (GSocketAddress *address)
{
  return g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (address));
}

/* ---- server 1: a SoupServer serving https (and http on another port) ------- */

typedef struct
{
  SoupServer *server;
  char *https_url; /* https://127.0.0.1:PORT/v1 */
  char *http_url;  /* http://127.0.0.1:OTHER/v1, the same server */
  guint n_requests;
  guint n_with_key; /* … of which carried "Bearer TEST_KEY" */
  guint n_over_tls; /* … of which arrived on the https listener */
} Recorder;

static void
recorder_handler (SoupServer *server,
                  SoupServerMessage *msg,
                  const char *path,
                  GHashTable *query,
                  gpointer user_data)
{
  Recorder *rec = user_data;
  const char *auth =
      soup_message_headers_get_one (soup_server_message_get_request_headers (msg), "Authorization");
  const char *body;

  rec->n_requests++;
  if (g_strcmp0 (auth, "Bearer " TEST_KEY) == 0)
    rec->n_with_key++;
  if (g_strcmp0 (g_uri_get_scheme (soup_server_message_get_uri (msg)), "https") == 0)
    rec->n_over_tls++;
  if (g_str_equal (path, "/v1/models"))
    {
      body =
          "{\"object\":\"list\",\"data\":[{\"id\":\"" RECORDER_MODEL "\",\"object\":\"model\"}]}";
      soup_server_message_set_status (msg, SOUP_STATUS_OK, NULL);
    }
  else
    {
      /* Enough for the control: the request arrived; no answer is needed. */
      body = "{\"error\":{\"message\":\"not served here\",\"type\":\"server_error\"}}";
      soup_server_message_set_status (msg, SOUP_STATUS_SERVICE_UNAVAILABLE, NULL);
    }
  soup_server_message_set_response (msg, "application/json", SOUP_MEMORY_STATIC, body,
                                    strlen (body));
}

static void
recorder_start (Recorder *rec, GTlsCertificate *certificate)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr (GSocketAddress) address = g_inet_socket_address_new (loopback, 0);
  GSList *uris;

  memset (rec, 0, sizeof *rec);
  rec->server = soup_server_new ("tls-certificate", certificate, NULL);
  soup_server_add_handler (rec->server, NULL, recorder_handler, rec, NULL);
  g_assert_true (soup_server_listen (rec->server, address, SOUP_SERVER_LISTEN_HTTPS, &error));
  g_assert_no_error (error);
  g_assert_true (soup_server_listen (rec->server, address, 0, &error));
  g_assert_no_error (error);
  uris = soup_server_get_uris (rec->server);
  for (GSList *l = uris; l != NULL; l = l->next)
    {
      GUri *uri = l->data;
      char **url = g_str_equal (g_uri_get_scheme (uri), "https") ? &rec->https_url : &rec->http_url;

      g_assert_null (*url);
      *url = g_strdup_printf ("%s://127.0.0.1:%d/v1", g_uri_get_scheme (uri), g_uri_get_port (uri));
    }
  g_slist_free_full (uris, (GDestroyNotify) g_uri_unref);
  g_assert_nonnull (rec->https_url);
  g_assert_nonnull (rec->http_url);
}

static void
recorder_stop (Recorder *rec)
{
  soup_server_disconnect (rec->server);
  g_clear_object (&rec->server);
  g_clear_pointer (&rec->https_url, g_free);
  g_clear_pointer (&rec->http_url, g_free);
}

/* ---- server 2: a TLS front for the simulator ----------------------------------- */

typedef struct
{
  GSocketService *service;
  GTlsCertificate *certificate;
  guint backend_port; /* the simulator's plain http port */
  char *url;          /* https://127.0.0.1:PORT/v1 */
  guint n_connections;
  guint n_handshakes_ok;
  guint n_handshakes_failed;
  guint n_active; /* connections not finished yet */
  GError *handshake_error;
} TlsFront;

typedef struct
{
  TlsFront *front;
  GIOStream *tls;
  GIOStream *backend;
} FrontConn;

static void
front_conn_end (FrontConn *fc)
{
  if (fc->tls != NULL)
    g_io_stream_close (fc->tls, NULL, NULL);
  g_clear_object (&fc->tls);
  g_clear_object (&fc->backend);
  fc->front->n_active--;
  g_free (fc);
}

static void
on_spliced (GObject *source, GAsyncResult *result, gpointer user_data)
{
  /* Either side closing ends the splice; how it ended does not matter here. */
  g_io_stream_splice_finish (result, NULL);
  front_conn_end (user_data);
}

static void
on_backend_connected (GObject *source, GAsyncResult *result, gpointer user_data)
{
  FrontConn *fc = user_data;
  g_autoptr (GError) error = NULL;
  GSocketConnection *backend =
      g_socket_client_connect_to_host_finish (G_SOCKET_CLIENT (source), result, &error);

  g_assert_no_error (error);
  fc->backend = G_IO_STREAM (backend);
  g_io_stream_splice_async (fc->tls, fc->backend,
                            G_IO_STREAM_SPLICE_CLOSE_STREAM1 | G_IO_STREAM_SPLICE_CLOSE_STREAM2,
                            G_PRIORITY_DEFAULT, NULL, on_spliced, fc);
}

static void
on_handshake (GObject *source, GAsyncResult *result, gpointer user_data)
{
  FrontConn *fc = user_data;
  TlsFront *front = fc->front;
  g_autoptr (GError) error = NULL;
  g_autoptr (GSocketClient) client = NULL;

  if (!g_tls_connection_handshake_finish (G_TLS_CONNECTION (source), result, &error))
    {
      front->n_handshakes_failed++;
      g_clear_error (&front->handshake_error);
      front->handshake_error = g_steal_pointer (&error);
      front_conn_end (fc);
      return;
    }
  front->n_handshakes_ok++;
  client = g_socket_client_new ();
  g_socket_client_connect_to_host_async (client, "127.0.0.1", front->backend_port, NULL,
                                         on_backend_connected, fc);
}

static gboolean
on_incoming (GSocketService *service,
             GSocketConnection *connection,
             GObject *source_object,
             gpointer user_data)
{
  TlsFront *front = user_data;
  g_autoptr (GError) error = NULL;
  FrontConn *fc = g_new0 (FrontConn, 1);

  fc->front = front;
  front->n_connections++;
  front->n_active++;
  fc->tls = g_tls_server_connection_new (G_IO_STREAM (connection), front->certificate, &error);
  g_assert_no_error (error);
  g_tls_connection_handshake_async (G_TLS_CONNECTION (fc->tls), G_PRIORITY_DEFAULT, NULL,
                                    on_handshake, fc);
  return TRUE;
}

static void
front_start (TlsFront *front, GTlsCertificate *certificate, SynthSim *sim)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr (GSocketAddress) address = g_inet_socket_address_new (loopback, 0);
  g_autoptr (GSocketAddress) bound = NULL;

  memset (front, 0, sizeof *front);
  front->certificate = g_object_ref (certificate);
  front->backend_port = synth_sim_get_port (sim);
  front->service = g_socket_service_new ();
  g_signal_connect (front->service, "incoming", G_CALLBACK (on_incoming), front);
  g_assert_true (g_socket_listener_add_address (G_SOCKET_LISTENER (front->service), address,
                                                G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP, NULL,
                                                &bound, &error));
  g_assert_no_error (error);
  front->url = g_strdup_printf ("https://127.0.0.1:%u/v1", address_port (bound));
  g_socket_service_start (front->service);
}

static gboolean
front_is_idle (gconstpointer data)
{
  return ((const TlsFront *) data)->n_active == 0;
}

static void
front_stop (TlsFront *front)
{
  spin_until (front_is_idle, front);
  g_socket_service_stop (front->service);
  g_socket_listener_close (G_SOCKET_LISTENER (front->service));
  g_clear_object (&front->service);
  g_clear_object (&front->certificate);
  g_clear_error (&front->handshake_error);
  g_clear_pointer (&front->url, g_free);
}

/* ---- everything a test needs ----------------------------------------------- */

typedef struct
{
  GTlsCertificate *certificate;
  Recorder recorder;
  SynthSim *sim;
  TlsFront front;
} Servers;

static void
servers_start (Servers *s)
{
  g_autoptr (GError) error = NULL;

  s->certificate = load_certificate ();
  recorder_start (&s->recorder, s->certificate);
  s->sim = synth_sim_new ();
  /* The simulator then answers only requests that carry the key. */
  synth_sim_set_api_key (s->sim, TEST_KEY);
  g_assert_true (synth_sim_start_in_thread (s->sim, &error));
  g_assert_no_error (error);
  front_start (&s->front, s->certificate, s->sim);
}

static guint64
sim_requests (Servers *s)
{
  SynthSimStats stats;

  synth_sim_get_stats (s->sim, &stats);
  return stats.requests;
}

static void
servers_stop (Servers *s)
{
  front_stop (&s->front);
  synth_sim_stop (s->sim);
  g_clear_object (&s->sim);
  recorder_stop (&s->recorder);
  g_clear_object (&s->certificate);
  /* Let closed connections' sources run down before the next test. */
  while (g_main_context_iteration (NULL, FALSE))
    ;
}

/* ---- client calls --------------------------------------------------------------- */

static SynthOpenaiClient *
new_client (const char *base_url)
{
  g_autoptr (GError) error = NULL;
  SynthOpenaiClient *client = synth_openai_client_new (base_url, TEST_KEY, 2, 5000, &error);

  g_assert_no_error (error);
  return client;
}

typedef struct
{
  gboolean done;
  char **models;
  gboolean ok;
  GError *error;
  guint n_records;
  guint n_headers;
} Call;

static void
call_clear (Call *call)
{
  g_clear_pointer (&call->models, g_strfreev);
  g_clear_error (&call->error);
  memset (call, 0, sizeof *call);
}

static void
on_models (GObject *source, GAsyncResult *result, gpointer user_data)
{
  Call *call = user_data;

  call->models =
      synth_openai_client_list_models_finish (SYNTH_OPENAI_CLIENT (source), result, &call->error);
  call->ok = call->models != NULL;
  call->done = TRUE;
}

static void
list_models (const char *base_url, Call *call)
{
  g_autoptr (SynthOpenaiClient) client = new_client (base_url);

  synth_openai_client_list_models_async (client, NULL, on_models, call);
  spin_until (flag_is_set, &call->done);
}

static void
on_record (SynthOpenaiCompletion *completion, SynthRecord *record, gpointer user_data)
{
  ((Call *) user_data)->n_records++;
}

static void
on_headers (SynthOpenaiCompletion *completion,
            guint status,
            SoupMessageHeaders *headers,
            gpointer user_data)
{
  ((Call *) user_data)->n_headers++;
}

static void
on_complete (GObject *source, GAsyncResult *result, gpointer user_data)
{
  Call *call = user_data;

  call->ok =
      synth_openai_client_complete_finish (SYNTH_OPENAI_CLIENT (source), result, &call->error);
  call->done = TRUE;
}

#define CHAT_SLOTS 2

/* A streamed completion of the first CHAT_SLOTS slots of a small plan. */
static SynthOpenaiCompletion *
chat_streamed (const char *base_url, Call *call)
{
  g_autoptr (SynthOpenaiClient) client = new_client (base_url);
  g_autoptr (SynthRunSpec) spec = synth_run_spec_new ();
  g_autoptr (SynthSlotPlan) plan = NULL;
  g_autoptr (GError) error = NULL;
  SynthOpenaiCompletion *completion;

  spec->records = 4;
  plan = synth_slot_plan_new_balanced (spec, &error);
  g_assert_no_error (error);
  completion = synth_openai_completion_new ("run-tls", MODEL, synth_slot_plan_get_slot (plan, 0),
                                            CHAT_SLOTS);
  synth_openai_completion_set_stream (completion, TRUE);
  synth_openai_completion_set_callbacks (completion, on_record, on_headers, call);
  synth_openai_client_complete_async (client, completion, NULL, on_complete, call);
  spin_until (flag_is_set, &call->done);
  return completion;
}

/* The refusal as people see it: a TLS error that names the certificate and
 * the server, and never quotes the key. */
static void
assert_refused (const GError *error, const char *base_url)
{
  g_assert_error (error, SYNTH_API_ERROR, SYNTH_API_ERROR_TLS);
  g_assert_false (synth_api_error_is_retryable (error));
  g_assert_nonnull (strstr (error->message, "certificate"));
  g_assert_nonnull (strstr (error->message, base_url));
  g_assert_null (strstr (error->message, TEST_KEY));
}

/* ---- 1. a key check -------------------------------------------------------------- */

static void
test_list_models_refused (void)
{
  Servers s = { 0 };
  Call call = { 0 };

  if (!tls_available ())
    return;
  servers_start (&s);

  /* SoupServer's own https listener: not a single request reached the handler. */
  list_models (s.recorder.https_url, &call);
  g_assert_false (call.ok);
  g_assert_null (call.models);
  assert_refused (call.error, s.recorder.https_url);
  g_assert_cmpuint (s.recorder.n_requests, ==, 0);
  call_clear (&call);

  /* The front: one handshake, refused by the client, and nothing forwarded. */
  list_models (s.front.url, &call);
  g_assert_false (call.ok);
  assert_refused (call.error, s.front.url);
  spin_until (front_is_idle, &s.front);
  g_assert_cmpuint (s.front.n_connections, ==, 1);
  g_assert_cmpuint (s.front.n_handshakes_ok, ==, 0);
  g_assert_cmpuint (s.front.n_handshakes_failed, ==, 1);
  /* How the server sees it (an alert or a reset) depends on the TLS library. */
  g_assert_nonnull (s.front.handshake_error);
  g_test_message ("the server saw: %s", s.front.handshake_error->message);
  g_assert_cmpuint (sim_requests (&s), ==, 0);
  call_clear (&call);

  servers_stop (&s);
}

/* ---- 2. a streamed chat completion ---------------------------------------------- */

static void
assert_chat_refused (SynthOpenaiCompletion *completion, Call *call, const char *base_url)
{
  g_autoptr (GArray) unfilled = NULL;

  g_assert_false (call->ok);
  assert_refused (call->error, base_url);
  /* No response of any kind: no headers, no status, no records. */
  g_assert_cmpuint (call->n_headers, ==, 0);
  g_assert_cmpuint (call->n_records, ==, 0);
  g_assert_cmpuint (synth_openai_completion_get_status (completion), ==, 0);
  unfilled = synth_answer_batch_dup_unfilled (synth_openai_completion_get_answer (completion));
  g_assert_cmpuint (unfilled->len, ==, CHAT_SLOTS);
}

static void
test_chat_streamed_refused (void)
{
  Servers s = { 0 };
  Call call = { 0 };
  SynthOpenaiCompletion *completion;

  if (!tls_available ())
    return;
  servers_start (&s);

  completion = chat_streamed (s.recorder.https_url, &call);
  assert_chat_refused (completion, &call, s.recorder.https_url);
  g_assert_cmpuint (s.recorder.n_requests, ==, 0);
  synth_openai_completion_unref (completion);
  call_clear (&call);

  completion = chat_streamed (s.front.url, &call);
  assert_chat_refused (completion, &call, s.front.url);
  spin_until (front_is_idle, &s.front);
  g_assert_cmpuint (s.front.n_connections, ==, 1);
  g_assert_cmpuint (s.front.n_handshakes_ok, ==, 0);
  g_assert_cmpuint (s.front.n_handshakes_failed, ==, 1);
  g_assert_cmpuint (sim_requests (&s), ==, 0);
  synth_openai_completion_unref (completion);
  call_clear (&call);

  servers_stop (&s);
}

/* ---- 3. a run ------------------------------------------------------------------------ */

typedef struct
{
  gboolean done;
  gboolean ok;
  GError *error;
  guint n_records;
  GPtrArray *messages;
} Run;

static void
on_run_records (SynthOpenaiProvider *provider, GPtrArray *records, Run *run)
{
  run->n_records += records->len;
}

static void
on_run_message (SynthOpenaiProvider *provider, const char *text, Run *run)
{
  g_ptr_array_add (run->messages, g_strdup (text));
}

static void
on_run_done (GObject *source, GAsyncResult *result, gpointer user_data)
{
  Run *run = user_data;

  run->ok = synth_openai_provider_run_finish (SYNTH_OPENAI_PROVIDER (source), result, &run->error);
  run->done = TRUE;
}

/* A 2-record run (batch 1, one request at a time) against @base_url. */
static char *
create_run (const char *base_url)
{
  g_autoptr (SynthRunSpec) spec = synth_run_spec_new ();
  g_autoptr (SynthSlotPlan) plan = NULL;
  g_autoptr (SynthRunStore) store = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *run_id = synth_run_store_new_run_id ();
  char *path = synth_run_store_path_for_id (tmp_dir, run_id);

  spec->records = 2;
  spec->batch_size = 1;
  spec->concurrency = 1;
  g_free (spec->provider);
  spec->provider = g_strdup ("openai");
  spec->model = g_strdup (MODEL);
  spec->base_url = g_strdup (base_url);
  plan = synth_slot_plan_new_balanced (spec, &error);
  g_assert_no_error (error);
  store = synth_run_store_create (path, run_id, spec, plan, &error);
  g_assert_no_error (error);
  return path;
}

static void
run_provider (const char *path, Run *run)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (SynthRunStore) store = synth_run_store_open (path, &error);
  g_autoptr (SynthOpenaiProvider) provider = NULL;
  g_autoptr (SynthUsage) usage = NULL;
  SynthOpenaiOptions options;

  g_assert_no_error (error);
  synth_openai_options_init (&options);
  options.api_key = TEST_KEY;
  options.timeout_ms = 5000;
  /* Small, so that a client that wrongly retried would show it in the
   * handshake count within a second or two instead of hanging. */
  options.max_attempts = 2;
  provider = synth_openai_provider_new (store, &options, &error);
  g_assert_no_error (error);
  g_signal_connect (provider, "records-committed", G_CALLBACK (on_run_records), run);
  g_signal_connect (provider, "message", G_CALLBACK (on_run_message), run);
  synth_openai_provider_run_async (provider, NULL, on_run_done, run);
  spin_until (flag_is_set, &run->done);
  usage = synth_openai_provider_dup_usage (provider);
  /* A certificate error is not something a retry can cure. */
  g_assert_cmpuint (usage->retries, ==, 0);
  /* Nothing went out, so nothing can have been billed or counted. */
  g_assert_cmpuint (usage->requests, ==, 0);
}

static void
test_provider_run_refused (void)
{
  Servers s = { 0 };
  Run run = { 0 };
  g_autofree char *path = NULL;
  g_autoptr (SynthRunStore) store = NULL;
  g_autoptr (GArray) pending = NULL;
  g_autoptr (GError) error = NULL;

  if (!tls_available ())
    return;
  servers_start (&s);
  run.messages = g_ptr_array_new_with_free_func (g_free);

  path = create_run (s.front.url);
  run_provider (path, &run);
  g_assert_false (run.ok);
  /* Stopped at the first refusal: one handshake for two slots, no retry,
   * and the simulator behind the front never saw a request. */
  spin_until (front_is_idle, &s.front);
  g_assert_cmpuint (s.front.n_connections, ==, 1);
  g_assert_cmpuint (s.front.n_handshakes_failed, ==, 1);
  g_assert_cmpuint (s.front.n_handshakes_ok, ==, 0);
  g_assert_cmpuint (sim_requests (&s), ==, 0);
  assert_refused (run.error, s.front.url);
  g_assert_cmpuint (run.n_records, ==, 0);
  for (guint i = 0; i < run.messages->len; i++)
    g_assert_null (strstr (run.messages->pdata[i], TEST_KEY));

  /* Resumable: reopened from disk, both slots are still pending. */
  store = synth_run_store_open (path, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (synth_run_store_count_done (store), ==, 0);
  pending = synth_run_store_list_pending (store, 0, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (pending->len, ==, 2);
  g_assert_true (synth_run_store_check_integrity (store, &error));
  g_assert_no_error (error);

  g_clear_error (&run.error);
  g_ptr_array_unref (run.messages);
  servers_stop (&s);
}

/* ---- 4. controls: the servers do answer -------------------------------------------- */

/* The same SoupServer over plain http, and the simulator behind the front,
 * are reached by the same client calls, key included. */
static void
test_control_plain_http (void)
{
  Servers s = { 0 };
  Call call = { 0 };
  SynthOpenaiCompletion *completion;

  if (!tls_available ())
    return;
  servers_start (&s);

  list_models (s.recorder.http_url, &call);
  g_assert_no_error (call.error);
  g_assert_true (call.ok);
  g_assert_true (g_strv_contains ((const char *const *) call.models, RECORDER_MODEL));
  g_assert_cmpuint (s.recorder.n_requests, ==, 1);
  g_assert_cmpuint (s.recorder.n_with_key, ==, 1);
  call_clear (&call);

  completion = chat_streamed (s.recorder.http_url, &call);
  /* The handler answers chats with a 503: reached, and not a TLS failure. */
  g_assert_false (call.ok);
  g_assert_error (call.error, SYNTH_API_ERROR, SYNTH_API_ERROR_SERVER);
  g_assert_cmpuint (call.n_headers, ==, 1);
  g_assert_cmpuint (s.recorder.n_requests, ==, 2);
  g_assert_cmpuint (s.recorder.n_with_key, ==, 2);
  g_assert_cmpuint (s.recorder.n_over_tls, ==, 0);
  synth_openai_completion_unref (completion);
  call_clear (&call);

  /* The simulator the front forwards to: it demands the key, so success
   * means the key arrived. */
  list_models (synth_sim_get_base_url (s.sim), &call);
  g_assert_no_error (call.error);
  g_assert_true (g_strv_contains ((const char *const *) call.models, MODEL));
  call_clear (&call);
  completion = chat_streamed (synth_sim_get_base_url (s.sim), &call);
  g_assert_no_error (call.error);
  g_assert_true (call.ok);
  g_assert_cmpuint (call.n_records, ==, CHAT_SLOTS);
  g_assert_cmpuint (sim_requests (&s), ==, 2);
  synth_openai_completion_unref (completion);
  call_clear (&call);

  servers_stop (&s);
}

typedef struct
{
  GTlsCertificate *expected;
  GTlsCertificateFlags errors;
  guint n_asked;
  gboolean done;
  GBytes *body;
  GError *error;
} Trust;

/* Trusts exactly the test certificate, and remembers why the TLS library
 * would not: the reason the client refuses it. */
static gboolean
on_accept_certificate (SoupMessage *msg,
                       GTlsCertificate *certificate,
                       GTlsCertificateFlags errors,
                       gpointer user_data)
{
  Trust *trust = user_data;

  trust->n_asked++;
  trust->errors = errors;
  return g_tls_certificate_is_same (certificate, trust->expected);
}

static void
on_trusted_read (GObject *source, GAsyncResult *result, gpointer user_data)
{
  Trust *trust = user_data;

  trust->body = soup_session_send_and_read_finish (SOUP_SESSION (source), result, &trust->error);
  trust->done = TRUE;
}

/* GET {base}/models with the key from a session that trusts the test
 * certificate (asynchronously: the servers run on this thread); returns the
 * status. */
static guint
trusted_get_models (const char *base_url, Trust *trust)
{
  g_autoptr (SoupSession) session = soup_session_new ();
  g_autofree char *url = g_strconcat (base_url, "/models", NULL);
  g_autoptr (SoupMessage) msg = soup_message_new (SOUP_METHOD_GET, url);

  /* Like the client for loopback: never through a proxy. */
  soup_session_set_proxy_resolver (session, NULL);
  soup_message_headers_replace (soup_message_get_request_headers (msg), "Authorization",
                                "Bearer " TEST_KEY);
  g_signal_connect (msg, "accept-certificate", G_CALLBACK (on_accept_certificate), trust);
  soup_session_send_and_read_async (session, msg, G_PRIORITY_DEFAULT, NULL, on_trusted_read, trust);
  spin_until (flag_is_set, &trust->done);
  g_assert_no_error (trust->error);
  soup_session_abort (session);
  return soup_message_get_status (msg);
}

static void
trust_clear (Trust *trust)
{
  g_clear_pointer (&trust->body, g_bytes_unref);
  g_clear_error (&trust->error);
  memset (trust, 0, sizeof *trust);
}

static gboolean
trust_body_contains (Trust *trust, const char *needle)
{
  gsize size;
  const char *data = g_bytes_get_data (trust->body, &size);

  return g_strstr_len (data, size, needle) != NULL;
}

/* Both https endpoints work for a client that trusts the certificate, so the
 * refusals above are the client's doing. */
static void
test_control_trusted_session (void)
{
  Servers s = { 0 };
  Trust trust = { 0 };

  if (!tls_available ())
    return;
  servers_start (&s);

  trust.expected = s.certificate;
  g_assert_cmpuint (trusted_get_models (s.recorder.https_url, &trust), ==, SOUP_STATUS_OK);
  g_assert_cmpuint (trust.n_asked, ==, 1);
  /* Self-signed: no trusted authority vouches for it. */
  g_assert_true (trust.errors & G_TLS_CERTIFICATE_UNKNOWN_CA);
  g_assert_true (trust_body_contains (&trust, RECORDER_MODEL));
  g_assert_cmpuint (s.recorder.n_requests, ==, 1);
  g_assert_cmpuint (s.recorder.n_with_key, ==, 1);
  g_assert_cmpuint (s.recorder.n_over_tls, ==, 1);
  trust_clear (&trust);

  trust.expected = s.certificate;
  g_assert_cmpuint (trusted_get_models (s.front.url, &trust), ==, SOUP_STATUS_OK);
  g_assert_cmpuint (trust.n_asked, ==, 1);
  g_assert_true (trust.errors & G_TLS_CERTIFICATE_UNKNOWN_CA);
  g_assert_true (trust_body_contains (&trust, MODEL));
  spin_until (front_is_idle, &s.front);
  g_assert_cmpuint (s.front.n_handshakes_ok, ==, 1);
  g_assert_cmpuint (s.front.n_handshakes_failed, ==, 0);
  g_assert_cmpuint (sim_requests (&s), ==, 1);
  trust_clear (&trust);

  servers_stop (&s);
}

/* glib-networking runs TLS handshakes in GTask pool threads, which then idle
 * for up to 15 s holding thread-local storage of the dlopen'ed GnuTLS. The
 * LeakSanitizer of GCC 12 (Debian 12) crashes scanning that dynamic TLS at
 * exit ("Tracer caught signal 11" … "LeakSanitizer has encountered a fatal
 * error"), so those threads are let go first: a pool thread leaves its pool
 * after half a second without work, and with no unused threads allowed it
 * then exits. */
static void
drain_thread_pool (void)
{
  gint64 deadline = g_get_monotonic_time () + 3 * G_USEC_PER_SEC;

  g_thread_pool_set_max_unused_threads (0);
  g_usleep (G_USEC_PER_SEC * 6 / 10);
  while (g_thread_pool_get_num_unused_threads () > 0 && g_get_monotonic_time () < deadline)
    {
      g_thread_pool_stop_unused_threads ();
      g_usleep (10 * 1000);
    }
  /* Give the last ones time to run their thread exit. */
  g_usleep (50 * 1000);
}

int
main (int argc, char **argv)
{
  int status;

  g_test_init (&argc, &argv, NULL);
  tmp_dir = g_dir_make_tmp ("test-tls-XXXXXX", NULL);
  g_test_add_func ("/tls/refused/list-models", test_list_models_refused);
  g_test_add_func ("/tls/refused/chat-streamed", test_chat_streamed_refused);
  g_test_add_func ("/tls/refused/provider-run", test_provider_run_refused);
  g_test_add_func ("/tls/control/plain-http", test_control_plain_http);
  g_test_add_func ("/tls/control/trusted-session", test_control_trusted_session);
  status = g_test_run ();
  drain_thread_pool ();
  {
    g_autofree char *cmd = g_strdup_printf ("rm -rf '%s'", tmp_dir);
    if (system (cmd) != 0)
      g_printerr ("could not remove %s\n", tmp_dir);
  }
  g_free (tmp_dir);
  return status;
}
