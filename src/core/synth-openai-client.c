/* synth-openai-client.c — Chat Completions over one SoupSession.
 *
 * One request is an "exchange": send, read the status and headers, then read
 * the body chunk by chunk. A streamed body goes through the SSE parser, each
 * delta's content through the record extractor, and each record object
 * through the slot validator, so an accepted record is reported while the
 * rest of the answer is still being generated. A watchdog gives up when the
 * server goes silent for the timeout. */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "synth-openai-client.h"
#include "synth-record-extractor.h"
#include "synth-secret.h"
#include "synth-sse.h"

#define READ_CHUNK_SIZE (16 * 1024)
/* An error or non-streamed body larger than this is not an API answer. */
#define MAX_BODY_SIZE (32 * 1024 * 1024)
/* A server message quoted to people is cut to this many characters. */
#define MAX_SERVER_MESSAGE 300
/* json_schema → json_object → none, and max_completion_tokens → max_tokens. */
#define MAX_FALLBACKS 3
/* A non-streamed answer arrives all at once: allow for a slow server writing it. */
#define SLOW_TOKENS_PER_SECOND 10

G_DEFINE_QUARK (synth - api - error - quark, synth_api_error)

gboolean
synth_api_error_is_retryable (const GError *error)
{
  if (error == NULL || error->domain != SYNTH_API_ERROR)
    return FALSE;
  switch ((SynthApiError) error->code)
    {
    case SYNTH_API_ERROR_RATE_LIMITED:
    case SYNTH_API_ERROR_SERVER:
    case SYNTH_API_ERROR_TIMEOUT:
    case SYNTH_API_ERROR_NETWORK:
    case SYNTH_API_ERROR_PROTOCOL:
      return TRUE;
    default:
      return FALSE;
    }
}

/* ---- what each endpoint accepts ------------------------------------------- */

typedef struct
{
  SynthResponseFormat format;
  SynthTokenLimitField token_field;
} EndpointCaps;

static GMutex caps_lock;
static GHashTable *caps_table; /* base URL → EndpointCaps */

static EndpointCaps
caps_get (const char *base_url)
{
  EndpointCaps caps = { SYNTH_RESPONSE_FORMAT_JSON_SCHEMA,
                        SYNTH_TOKEN_LIMIT_MAX_COMPLETION_TOKENS };
  EndpointCaps *known;

  g_mutex_lock (&caps_lock);
  if (caps_table != NULL && (known = g_hash_table_lookup (caps_table, base_url)) != NULL)
    caps = *known;
  g_mutex_unlock (&caps_lock);
  return caps;
}

static void
caps_set (const char *base_url, const EndpointCaps *caps)
{
  g_mutex_lock (&caps_lock);
  if (caps_table == NULL)
    caps_table = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  g_hash_table_replace (caps_table, g_strdup (base_url), g_memdup2 (caps, sizeof *caps));
  g_mutex_unlock (&caps_lock);
}

/* ---- URLs ------------------------------------------------------------------ */

static gboolean
host_is_loopback (const char *host)
{
  g_autoptr (GInetAddress) address = NULL;
  g_autofree char *bare = NULL;

  if (host == NULL)
    return FALSE;
  if (g_ascii_strcasecmp (host, "localhost") == 0)
    return TRUE;
  bare = g_strdup (host);
  if (bare[0] == '[' && g_str_has_suffix (bare, "]"))
    {
      bare[strlen (bare) - 1] = '\0';
      memmove (bare, bare + 1, strlen (bare));
    }
  address = g_inet_address_new_from_string (bare);
  return address != NULL && g_inet_address_get_is_loopback (address);
}

gboolean
synth_openai_base_url_is_loopback (const char *base_url)
{
  g_autoptr (GUri) uri = NULL;

  if (base_url == NULL || (uri = g_uri_parse (base_url, G_URI_FLAGS_NONE, NULL)) == NULL)
    return FALSE;
  return host_is_loopback (g_uri_get_host (uri));
}

gboolean
synth_openai_check_base_url (const char *base_url, gboolean with_key, GError **error)
{
  g_autoptr (GUri) uri = NULL;
  const char *scheme, *host;

  if (base_url == NULL || *base_url == '\0' ||
      (uri = g_uri_parse (base_url, G_URI_FLAGS_NONE, NULL)) == NULL ||
      (scheme = g_uri_get_scheme (uri)) == NULL || (host = g_uri_get_host (uri)) == NULL ||
      *host == '\0' ||
      (g_ascii_strcasecmp (scheme, "http") != 0 && g_ascii_strcasecmp (scheme, "https") != 0))
    {
      g_set_error (error, SYNTH_API_ERROR, SYNTH_API_ERROR_BAD_REQUEST,
                   _ ("“%s” is not a usable base URL. Give an http or https address such as "
                      "https://api.openai.com/v1 or http://127.0.0.1:11434/v1."),
                   base_url != NULL ? base_url : "");
      return FALSE;
    }
  if (with_key && g_ascii_strcasecmp (scheme, "http") == 0 && !host_is_loopback (host))
    {
      g_set_error (error, SYNTH_API_ERROR, SYNTH_API_ERROR_INSECURE,
                   _ ("Refusing to send the API key over plain http to “%s”: anyone on the "
                      "network could read it. Use an https address, or a server on this "
                      "computer (http://127.0.0.1 or http://localhost)."),
                   host);
      return FALSE;
    }
  return TRUE;
}

/* ---- the client ------------------------------------------------------------ */

struct _SynthOpenaiClient
{
  GObject parent_instance;

  char *base_url; /* without trailing slashes */
  char *api_key;  /* NULL for keyless local servers; wiped on finalize */
  guint max_connections;
  guint timeout_ms;
  SoupSession *session;
};

G_DEFINE_FINAL_TYPE (SynthOpenaiClient, synth_openai_client, G_TYPE_OBJECT)

static void
synth_openai_client_finalize (GObject *object)
{
  SynthOpenaiClient *self = SYNTH_OPENAI_CLIENT (object);

  if (self->session != NULL)
    soup_session_abort (self->session);
  g_clear_object (&self->session);
  g_clear_pointer (&self->api_key, synth_secret_free);
  g_free (self->base_url);
  G_OBJECT_CLASS (synth_openai_client_parent_class)->finalize (object);
}

static void
synth_openai_client_class_init (SynthOpenaiClientClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = synth_openai_client_finalize;
}

static void
synth_openai_client_init (SynthOpenaiClient *self)
{
}

/* The printer of the debug logger: the Authorization header never gets
 * through, and the key is cut out of anything else that might quote it. */
static void
logger_print (SoupLogger *logger,
              SoupLoggerLogLevel level,
              char direction,
              const char *data,
              gpointer user_data)
{
  SynthOpenaiClient *self = user_data;
  g_autofree char *safe = NULL;

  if (g_ascii_strncasecmp (data, "Authorization:", strlen ("Authorization:")) == 0)
    {
      g_debug ("%c Authorization: [redacted]", direction);
      return;
    }
  safe = synth_secret_redact (data, self->api_key);
  g_debug ("%c %s", direction, safe);
}

static void
maybe_add_logger (SynthOpenaiClient *self)
{
  const char *want = g_getenv ("SYNTH_DEBUG_HTTP");
  g_autoptr (SoupLogger) logger = NULL;

  if (want == NULL || *want == '\0')
    return;
  logger =
      soup_logger_new (g_str_equal (want, "body") ? SOUP_LOGGER_LOG_BODY : SOUP_LOGGER_LOG_HEADERS);
  soup_logger_set_max_body_size (logger, 4096);
  soup_logger_set_printer (logger, logger_print, self, NULL);
  soup_session_add_feature (self->session, SOUP_SESSION_FEATURE (logger));
}

SynthOpenaiClient *
synth_openai_client_new (const char *base_url,
                         const char *api_key,
                         guint max_connections,
                         guint timeout_ms,
                         GError **error)
{
  g_autoptr (SynthOpenaiClient) self = NULL;
  gboolean with_key = api_key != NULL && *api_key != '\0';
  g_autofree char *ua = NULL;
  gsize len;

  if (base_url == NULL || *base_url == '\0')
    base_url = SYNTH_OPENAI_DEFAULT_BASE_URL;
  if (!synth_openai_check_base_url (base_url, with_key, error))
    return NULL;

  self = g_object_new (SYNTH_TYPE_OPENAI_CLIENT, NULL);
  self->base_url = g_strstrip (g_strdup (base_url));
  len = strlen (self->base_url);
  while (len > 0 && self->base_url[len - 1] == '/')
    self->base_url[--len] = '\0';
  self->api_key = with_key ? g_strdup (api_key) : NULL;
  self->max_connections = MAX (max_connections, 1);
  self->timeout_ms = timeout_ms > 0 ? timeout_ms : SYNTH_OPENAI_DEFAULT_TIMEOUT * 1000;
  ua = g_strdup_printf ("resume-synth/%s", PACKAGE_VERSION);
  /* Our own watchdog times each request (a non-streamed answer may take
   * minutes to write), so libsoup's socket timeout stays off. */
  self->session = soup_session_new_with_options (
      "max-conns", self->max_connections + 2, "max-conns-per-host", self->max_connections,
      "timeout", 0, "idle-timeout", 90, "user-agent", ua, NULL);
  /* Loopback never goes through a proxy: a plain-http request carrying the
   * key would otherwise travel in clear text to whatever http_proxy names. */
  {
    g_autoptr (GUri) uri = g_uri_parse (self->base_url, G_URI_FLAGS_NONE, NULL);
    if (uri != NULL && host_is_loopback (g_uri_get_host (uri)))
      soup_session_set_proxy_resolver (self->session, NULL);
  }
  maybe_add_logger (self);
  return g_steal_pointer (&self);
}

const char *
synth_openai_client_get_base_url (SynthOpenaiClient *self)
{
  g_return_val_if_fail (SYNTH_IS_OPENAI_CLIENT (self), NULL);
  return self->base_url;
}

guint
synth_openai_client_get_max_connections (SynthOpenaiClient *self)
{
  g_return_val_if_fail (SYNTH_IS_OPENAI_CLIENT (self), 0);
  return self->max_connections;
}

guint
synth_openai_client_get_timeout_ms (SynthOpenaiClient *self)
{
  g_return_val_if_fail (SYNTH_IS_OPENAI_CLIENT (self), 0);
  return self->timeout_ms;
}

SynthResponseFormat
synth_openai_client_get_response_format (SynthOpenaiClient *self)
{
  return caps_get (self->base_url).format;
}

SynthTokenLimitField
synth_openai_client_get_token_limit_field (SynthOpenaiClient *self)
{
  return caps_get (self->base_url).token_field;
}

/* ---- the completion -------------------------------------------------------- */

struct _SynthOpenaiCompletion
{
  gatomicrefcount ref_count;
  char *run_id;
  char *model;
  SynthSlot *slots;
  guint n_slots;
  gboolean stream;
  double temperature;
  gboolean has_seed;
  gint64 seed;
  guint max_tokens;
  SynthOpenaiRecordFunc record_func;
  SynthOpenaiHeadersFunc headers_func;
  gpointer user_data;

  gboolean sent;
  SynthAnswerBatch *answer;
  SynthRecordExtractor *extractor;
  guint n_malformed_seen;
  const char *problem;
  char *finish_reason;
  GString *refusal;
  guint64 prompt_tokens;
  guint64 completion_tokens;
  gboolean usage_reported;
  guint64 estimated_prompt_tokens;
  gsize content_bytes;
  guint n_requests;
  guint status;
  gint64 retry_after_ms;
  SynthShouldRetry should_retry;
  gint64 sent_at;
};

SynthOpenaiCompletion *
synth_openai_completion_new (const char *run_id,
                             const char *model,
                             const SynthSlot *slots,
                             guint n_slots)
{
  SynthOpenaiCompletion *self;

  g_return_val_if_fail (slots != NULL && n_slots > 0, NULL);
  self = g_new0 (SynthOpenaiCompletion, 1);
  g_atomic_ref_count_init (&self->ref_count);
  self->run_id = g_strdup (run_id);
  self->model = g_strdup (model != NULL ? model : "");
  self->slots = g_memdup2 (slots, sizeof (SynthSlot) * n_slots);
  self->n_slots = n_slots;
  self->stream = TRUE;
  self->temperature = 0.9;
  self->answer = synth_answer_batch_new (run_id, slots, n_slots);
  self->retry_after_ms = -1;
  return self;
}

SynthOpenaiCompletion *
synth_openai_completion_ref (SynthOpenaiCompletion *self)
{
  g_atomic_ref_count_inc (&self->ref_count);
  return self;
}

void
synth_openai_completion_unref (SynthOpenaiCompletion *self)
{
  if (self == NULL || !g_atomic_ref_count_dec (&self->ref_count))
    return;
  synth_answer_batch_free (self->answer);
  g_clear_pointer (&self->extractor, synth_record_extractor_free);
  if (self->refusal != NULL)
    g_string_free (self->refusal, TRUE);
  g_free (self->finish_reason);
  g_free (self->slots);
  g_free (self->model);
  g_free (self->run_id);
  g_free (self);
}

void
synth_openai_completion_set_stream (SynthOpenaiCompletion *self, gboolean stream)
{
  self->stream = !!stream;
}

void
synth_openai_completion_set_temperature (SynthOpenaiCompletion *self, double temperature)
{
  self->temperature = temperature;
}

void
synth_openai_completion_set_seed (SynthOpenaiCompletion *self, gint64 seed)
{
  self->has_seed = TRUE;
  self->seed = seed;
}

void
synth_openai_completion_set_max_tokens (SynthOpenaiCompletion *self, guint max_tokens)
{
  self->max_tokens = max_tokens;
}

void
synth_openai_completion_set_callbacks (SynthOpenaiCompletion *self,
                                       SynthOpenaiRecordFunc record_func,
                                       SynthOpenaiHeadersFunc headers_func,
                                       gpointer user_data)
{
  self->record_func = record_func;
  self->headers_func = headers_func;
  self->user_data = user_data;
}

const SynthSlot *
synth_openai_completion_get_slots (SynthOpenaiCompletion *self, guint *n_slots)
{
  if (n_slots != NULL)
    *n_slots = self->n_slots;
  return self->slots;
}

guint
synth_openai_completion_get_max_tokens (SynthOpenaiCompletion *self)
{
  if (self->max_tokens == 0)
    self->max_tokens = synth_prompt_suggest_max_tokens (self->slots, self->n_slots, 0);
  return self->max_tokens;
}

SynthAnswerBatch *
synth_openai_completion_get_answer (SynthOpenaiCompletion *self)
{
  return self->answer;
}

const char *
synth_openai_completion_get_problem (SynthOpenaiCompletion *self)
{
  return self->problem;
}

const char *
synth_openai_completion_get_finish_reason (SynthOpenaiCompletion *self)
{
  return self->finish_reason;
}

const char *
synth_openai_completion_get_refusal (SynthOpenaiCompletion *self)
{
  return self->refusal != NULL && self->refusal->len > 0 ? self->refusal->str : NULL;
}

void
synth_openai_completion_get_usage (SynthOpenaiCompletion *self,
                                   guint64 *out_prompt_tokens,
                                   guint64 *out_completion_tokens,
                                   gboolean *out_reported)
{
  gboolean reported = self->usage_reported;
  /* A request that got an answer of some kind was billed for its prompt. */
  guint64 prompt = reported ? self->prompt_tokens
                            : (self->content_bytes > 0 ? self->estimated_prompt_tokens : 0);
  guint64 completion = reported ? self->completion_tokens : (self->content_bytes + 3) / 4;

  if (out_prompt_tokens != NULL)
    *out_prompt_tokens = prompt;
  if (out_completion_tokens != NULL)
    *out_completion_tokens = completion;
  if (out_reported != NULL)
    *out_reported = reported;
}

guint
synth_openai_completion_get_n_requests (SynthOpenaiCompletion *self)
{
  return self->n_requests;
}

guint
synth_openai_completion_get_status (SynthOpenaiCompletion *self)
{
  return self->status;
}

gint64
synth_openai_completion_get_retry_after_ms (SynthOpenaiCompletion *self)
{
  return self->retry_after_ms;
}

SynthShouldRetry
synth_openai_completion_get_should_retry (SynthOpenaiCompletion *self)
{
  return self->should_retry;
}

gint64
synth_openai_completion_get_sent_at (SynthOpenaiCompletion *self)
{
  return self->sent_at;
}

static void
prompt_options_for (SynthOpenaiClient *self,
                    SynthOpenaiCompletion *completion,
                    SynthPromptOptions *options)
{
  EndpointCaps caps = caps_get (self->base_url);

  synth_prompt_options_init (options);
  options->model = completion->model;
  options->response_format = caps.format;
  options->token_limit_field = caps.token_field;
  options->max_tokens = synth_openai_completion_get_max_tokens (completion);
  options->temperature = completion->temperature;
  options->has_seed = completion->has_seed;
  options->seed = completion->seed;
  options->stream = completion->stream;
}

guint64
synth_openai_client_estimate (SynthOpenaiClient *self,
                              SynthOpenaiCompletion *completion,
                              guint64 *out_prompt_tokens,
                              guint64 *out_completion_tokens)
{
  SynthPromptOptions options;
  guint64 prompt = 0, expected = 0;

  g_return_val_if_fail (SYNTH_IS_OPENAI_CLIENT (self), 0);
  prompt_options_for (self, completion, &options);
  synth_prompt_estimate_tokens (&options, completion->slots, completion->n_slots, &prompt,
                                &expected);
  if (out_prompt_tokens != NULL)
    *out_prompt_tokens = prompt;
  if (out_completion_tokens != NULL)
    *out_completion_tokens = expected;
  return prompt + options.max_tokens;
}

/* ---- one exchange: a request and its body ------------------------------------ */

typedef struct
{
  SynthOpenaiClient *client;
  SynthOpenaiCompletion *completion; /* NULL when listing models */
  GCancellable *cancellable;         /* ours: the caller's cancel and the watchdog trip it */
  GCancellable *user_cancellable;
  gulong user_cancel_id;
  GSource *watchdog;
  gboolean timed_out;
  gboolean wrote_request; /* the whole request went out */
  guint timeout_ms;
  SoupMessage *msg;
  GInputStream *body_stream;
  gboolean sse;
  SynthSseParser *sse_parser;
  JsonParser *parser;
  GByteArray *body;  /* a JSON body: the answer when not streamed, or an error */
  EndpointCaps sent; /* the request form of the last request */
  guint fallbacks;
} Exchange;

static void
exchange_close_stream (Exchange *ex, gboolean early)
{
  if (ex->body_stream == NULL)
    return;
  /* Closing a body that was not read to its end must not wait for the rest
   * of it: cancel first, so the connection is simply dropped. */
  if (early)
    g_cancellable_cancel (ex->cancellable);
  if (!g_input_stream_is_closed (ex->body_stream))
    g_input_stream_close_async (ex->body_stream, G_PRIORITY_DEFAULT, early ? ex->cancellable : NULL,
                                NULL, NULL);
  g_clear_object (&ex->body_stream);
}

static void
exchange_clear_message (Exchange *ex)
{
  if (ex->msg != NULL)
    g_signal_handlers_disconnect_by_data (ex->msg, ex);
  g_clear_object (&ex->msg);
}

static void
exchange_free (Exchange *ex)
{
  if (ex->user_cancellable != NULL)
    g_cancellable_disconnect (ex->user_cancellable, ex->user_cancel_id);
  g_clear_object (&ex->user_cancellable);
  if (ex->watchdog != NULL)
    {
      g_source_destroy (ex->watchdog);
      g_source_unref (ex->watchdog);
    }
  exchange_close_stream (ex, TRUE);
  exchange_clear_message (ex);
  g_clear_object (&ex->cancellable);
  g_clear_pointer (&ex->sse_parser, synth_sse_parser_free);
  g_clear_object (&ex->parser);
  if (ex->body != NULL)
    g_byte_array_unref (ex->body);
  g_clear_pointer (&ex->completion, synth_openai_completion_unref);
  g_clear_object (&ex->client);
  g_free (ex);
}

static gboolean
watchdog_dispatch (GSource *source, GSourceFunc callback, gpointer user_data)
{
  return callback (user_data);
}

static GSourceFuncs watchdog_funcs = { NULL, NULL, watchdog_dispatch, NULL, NULL, NULL };

static gboolean
watchdog_fired (gpointer user_data)
{
  Exchange *ex = user_data;

  ex->timed_out = TRUE;
  g_source_set_ready_time (ex->watchdog, -1);
  g_cancellable_cancel (ex->cancellable);
  return G_SOURCE_CONTINUE;
}

static void
watchdog_touch (Exchange *ex)
{
  g_source_set_ready_time (ex->watchdog, g_get_monotonic_time () + (gint64) ex->timeout_ms * 1000);
}

static void
on_user_cancelled (GCancellable *user_cancellable, gpointer user_data)
{
  g_cancellable_cancel (G_CANCELLABLE (user_data));
}

static GTask *
exchange_new (SynthOpenaiClient *self,
              SynthOpenaiCompletion *completion,
              GCancellable *cancellable,
              GAsyncReadyCallback callback,
              gpointer user_data,
              gpointer source_tag)
{
  GTask *task = g_task_new (self, cancellable, callback, user_data);
  Exchange *ex = g_new0 (Exchange, 1);

  g_task_set_source_tag (task, source_tag);
  /* Cancellation is reported as SYNTH_API_ERROR_CANCELLED, by us. */
  g_task_set_check_cancellable (task, FALSE);
  ex->client = g_object_ref (self);
  ex->completion = completion != NULL ? synth_openai_completion_ref (completion) : NULL;
  ex->cancellable = g_cancellable_new ();
  ex->parser = json_parser_new ();
  if (cancellable != NULL)
    {
      ex->user_cancellable = g_object_ref (cancellable);
      ex->user_cancel_id = g_cancellable_connect (cancellable, G_CALLBACK (on_user_cancelled),
                                                  g_object_ref (ex->cancellable), g_object_unref);
    }
  ex->watchdog = g_source_new (&watchdog_funcs, sizeof (GSource));
  g_source_set_callback (ex->watchdog, watchdog_fired, ex, NULL);
  g_source_set_ready_time (ex->watchdog, -1);
  g_source_attach (ex->watchdog, g_task_get_context (task));
  g_task_set_task_data (task, ex, (GDestroyNotify) exchange_free);
  return task;
}

/* A server message fit to quote: the key cut out, one line, not too long. */
static char *
quote_server_message (SynthOpenaiClient *self, const char *message)
{
  g_autofree char *safe = NULL;
  GString *out;

  if (message == NULL || *message == '\0')
    return g_strdup (_ ("no details given"));
  safe = synth_secret_redact (message, self->api_key);
  out = g_string_new (NULL);
  for (const char *p = safe; *p != '\0' && g_utf8_strlen (out->str, -1) < MAX_SERVER_MESSAGE;
       p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char_validated (p, -1);
      if (c == (gunichar) -1 || c == (gunichar) -2)
        break;
      g_string_append_unichar (out, g_unichar_iscntrl (c) ? ' ' : c);
    }
  g_strstrip (out->str);
  return g_string_free (out, FALSE);
}

/* The error for a transport failure (no usable HTTP answer). */
static GError *
map_transport_error (Exchange *ex, const GError *error)
{
  const char *base = ex->client->base_url;

  if (ex->timed_out)
    return g_error_new (SYNTH_API_ERROR, SYNTH_API_ERROR_TIMEOUT,
                        _ ("The server at %s sent nothing for %u seconds. It may be overloaded; "
                           "the request will be tried again."),
                        base, (ex->timeout_ms + 999) / 1000);
  if (g_cancellable_is_cancelled (ex->cancellable) ||
      g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return g_error_new_literal (SYNTH_API_ERROR, SYNTH_API_ERROR_CANCELLED, _ ("Cancelled."));
  if (error->domain == G_TLS_ERROR)
    return g_error_new (
        SYNTH_API_ERROR, SYNTH_API_ERROR_TLS,
        _ ("The certificate of %s was refused (%s). Resume Synth never ignores "
           "certificate errors: fix the server's certificate or check the base URL."),
        base, error->message);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT))
    return g_error_new (SYNTH_API_ERROR, SYNTH_API_ERROR_TIMEOUT,
                        _ ("The server at %s did not answer in time."), base);
  if (ex->body_stream != NULL)
    return g_error_new (SYNTH_API_ERROR, SYNTH_API_ERROR_NETWORK,
                        _ ("The connection to %s closed before the answer was complete (%s)."),
                        base, error->message);
  return g_error_new (SYNTH_API_ERROR, SYNTH_API_ERROR_NETWORK,
                      _ ("Could not reach %s (%s). Check the network and the base URL."), base,
                      error->message);
}

/* Ends the exchange with @error (taken). */
static void
exchange_fail (GTask *task, GError *error)
{
  Exchange *ex = g_task_get_task_data (task);

  exchange_close_stream (ex, TRUE);
  g_source_set_ready_time (ex->watchdog, -1);
  g_task_return_error (task, error);
}

/* The body was read to its end: the connection may be reused. */
static void
exchange_finish_body (Exchange *ex)
{
  exchange_close_stream (ex, FALSE);
  g_source_set_ready_time (ex->watchdog, -1);
}

/* ---- the answer ------------------------------------------------------------- */

static const char *
member_string (JsonObject *object, const char *name)
{
  JsonNode *node = object != NULL ? json_object_get_member (object, name) : NULL;

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) ||
      json_node_get_value_type (node) != G_TYPE_STRING)
    return NULL;
  return json_node_get_string (node);
}

static JsonObject *
member_object (JsonObject *object, const char *name)
{
  JsonNode *node = object != NULL ? json_object_get_member (object, name) : NULL;

  return node != NULL && JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
}

static void
on_extracted_record (JsonObject *object, const char *json_text, gpointer user_data)
{
  SynthOpenaiCompletion *c = user_data;
  g_autoptr (SynthRecord) record = NULL;

  if (synth_answer_batch_add (c->answer, object, json_text, &record, NULL) == NULL &&
      c->record_func != NULL)
    c->record_func (c, record, c->user_data);
}

/* Content of the answer, as it arrives: records are validated and reported
 * the moment their object closes. */
static void
feed_content (SynthOpenaiCompletion *c, const char *text, gsize len)
{
  guint n_malformed;

  c->content_bytes += len;
  synth_record_extractor_feed (c->extractor, text, len, on_extracted_record, c);
  n_malformed = synth_record_extractor_get_n_malformed (c->extractor);
  for (; c->n_malformed_seen < n_malformed; c->n_malformed_seen++)
    synth_answer_batch_add_malformed (c->answer);
}

static void
read_usage (SynthOpenaiCompletion *c, JsonObject *usage)
{
  if (usage == NULL)
    return;
  c->prompt_tokens = json_object_get_int_member_with_default (usage, "prompt_tokens", 0);
  c->completion_tokens = json_object_get_int_member_with_default (usage, "completion_tokens", 0);
  c->usage_reported = TRUE;
}

static void
read_choice (SynthOpenaiCompletion *c, JsonObject *choice, const char *part)
{
  JsonObject *message = member_object (choice, part);
  const char *content = member_string (message, "content");
  const char *refusal = member_string (message, "refusal");
  const char *finish = member_string (choice, "finish_reason");

  if (content != NULL)
    feed_content (c, content, strlen (content));
  if (refusal != NULL)
    {
      if (c->refusal == NULL)
        c->refusal = g_string_new (NULL);
      g_string_append (c->refusal, refusal);
    }
  if (finish != NULL)
    {
      g_free (c->finish_reason);
      c->finish_reason = g_strdup (finish);
    }
}

static void
read_choices (SynthOpenaiCompletion *c, JsonObject *root, const char *part)
{
  JsonNode *node = json_object_get_member (root, "choices");
  JsonArray *choices =
      node != NULL && JSON_NODE_HOLDS_ARRAY (node) ? json_node_get_array (node) : NULL;

  /* We ask for one choice; index 0 is the answer. */
  for (guint i = 0; choices != NULL && i < json_array_get_length (choices); i++)
    {
      JsonNode *element = json_array_get_element (choices, i);
      JsonObject *choice = JSON_NODE_HOLDS_OBJECT (element) ? json_node_get_object (element) : NULL;

      if (choice != NULL && json_object_get_int_member_with_default (choice, "index", 0) == 0)
        read_choice (c, choice, part);
    }
  read_usage (c, member_object (root, "usage"));
}

static gboolean
on_sse_event (const SynthSseEvent *event, gpointer user_data, GError **error)
{
  Exchange *ex = user_data;
  JsonNode *root;
  JsonObject *object, *api_error;
  g_autoptr (GError) local_error = NULL;

  if (event->is_done)
    return TRUE;
  if (!json_parser_load_from_data (ex->parser, event->data, event->data_len, &local_error) ||
      (root = json_parser_get_root (ex->parser)) == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    {
      g_set_error (error, SYNTH_API_ERROR, SYNTH_API_ERROR_PROTOCOL,
                   _ ("The server sent a stream event that is not a JSON object."));
      return FALSE;
    }
  object = json_node_get_object (root);
  if ((api_error = member_object (object, "error")) != NULL)
    {
      g_autofree char *quoted =
          quote_server_message (ex->client, member_string (api_error, "message"));
      g_set_error (error, SYNTH_API_ERROR, SYNTH_API_ERROR_SERVER,
                   _ ("The server stopped the answer with an error: %s"), quoted);
      return FALSE;
    }
  read_choices (ex->completion, object, "delta");
  return TRUE;
}

/* The end of an answer: whether the records array was complete. */
static void
settle_content (SynthOpenaiCompletion *c)
{
  g_autoptr (GError) error = NULL;

  /* Only the token limit truncates; an answer that simply stops short of
   * closing its JSON under another finish reason is malformed. */
  if (!synth_record_extractor_finish (c->extractor, &error))
    c->problem = g_strcmp0 (c->finish_reason, "length") == 0 ? SYNTH_REJECT_TRUNCATED
                                                             : SYNTH_REJECT_MALFORMED_JSON;
}

static GError *
finish_streamed_answer (Exchange *ex)
{
  SynthOpenaiCompletion *c = ex->completion;
  g_autoptr (GError) error = NULL;

  if (!synth_sse_parser_finish (ex->sse_parser, on_sse_event, ex, &error))
    {
      if (error->domain == SYNTH_API_ERROR)
        return g_steal_pointer (&error);
    }
  if (!synth_sse_parser_saw_done (ex->sse_parser) && c->finish_reason == NULL)
    return g_error_new (SYNTH_API_ERROR, SYNTH_API_ERROR_NETWORK,
                        _ ("The connection to %s closed before the answer was complete."),
                        ex->client->base_url);
  settle_content (c);
  return NULL;
}

static GError *
finish_plain_answer (Exchange *ex)
{
  SynthOpenaiCompletion *c = ex->completion;
  JsonNode *root;

  if (!json_parser_load_from_data (ex->parser, (const char *) ex->body->data, ex->body->len,
                                   NULL) ||
      (root = json_parser_get_root (ex->parser)) == NULL || !JSON_NODE_HOLDS_OBJECT (root) ||
      json_object_get_member (json_node_get_object (root), "choices") == NULL)
    return g_error_new (SYNTH_API_ERROR, SYNTH_API_ERROR_PROTOCOL,
                        _ ("The server's answer is not a chat completion (%u bytes that are not "
                           "the expected JSON)."),
                        ex->body->len);
  read_choices (c, json_node_get_object (root), "message");
  settle_content (c);
  return NULL;
}

static char **
parse_models (Exchange *ex, GError **error)
{
  g_autoptr (GStrvBuilder) builder = g_strv_builder_new ();
  JsonNode *root, *data;
  JsonArray *array;

  if (!json_parser_load_from_data (ex->parser, (const char *) ex->body->data, ex->body->len,
                                   NULL) ||
      (root = json_parser_get_root (ex->parser)) == NULL || !JSON_NODE_HOLDS_OBJECT (root) ||
      (data = json_object_get_member (json_node_get_object (root), "data")) == NULL ||
      !JSON_NODE_HOLDS_ARRAY (data))
    {
      g_set_error (error, SYNTH_API_ERROR, SYNTH_API_ERROR_PROTOCOL,
                   _ ("The server at %s did not answer with a list of models. Check the base "
                      "URL (it usually ends in /v1)."),
                   ex->client->base_url);
      return NULL;
    }
  array = json_node_get_array (data);
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonNode *element = json_array_get_element (array, i);
      const char *id = JSON_NODE_HOLDS_OBJECT (element)
                           ? member_string (json_node_get_object (element), "id")
                           : NULL;
      if (id != NULL)
        g_strv_builder_add (builder, id);
    }
  return g_strv_builder_end (builder);
}

/* ---- error answers ---------------------------------------------------------- */

/* The "error" member of an error body, or NULL (a proxy's HTML page…). */
static JsonObject *
parse_error_body (Exchange *ex)
{
  JsonNode *root;

  if (ex->body == NULL || ex->body->len == 0 ||
      !json_parser_load_from_data (ex->parser, (const char *) ex->body->data, ex->body->len,
                                   NULL) ||
      (root = json_parser_get_root (ex->parser)) == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    return NULL;
  return member_object (json_node_get_object (root), "error");
}

static gboolean
error_mentions (JsonObject *api_error, const char *what)
{
  const char *param = member_string (api_error, "param");
  const char *message = member_string (api_error, "message");

  return (param != NULL && strstr (param, what) != NULL) ||
         (message != NULL && strstr (message, what) != NULL);
}

/* A 400 that an older request form may avoid: remembers what the endpoint
 * refused and returns TRUE to send again. */
static gboolean
try_fallback (Exchange *ex, JsonObject *api_error)
{
  EndpointCaps caps = caps_get (ex->client->base_url);

  if (api_error == NULL || ex->completion == NULL || ex->fallbacks >= MAX_FALLBACKS)
    return FALSE;
  /* Compared with the form this request was sent in: a concurrent request
   * may have learnt the same thing already. */
  if (ex->sent.token_field == SYNTH_TOKEN_LIMIT_MAX_COMPLETION_TOKENS &&
      error_mentions (api_error, "max_completion_tokens"))
    caps.token_field = SYNTH_TOKEN_LIMIT_MAX_TOKENS;
  else if (ex->sent.format != SYNTH_RESPONSE_FORMAT_NONE &&
           (error_mentions (api_error, "response_format") ||
            error_mentions (api_error, "json_schema")))
    caps.format = MAX (caps.format, ex->sent.format + 1);
  else
    return FALSE;
  g_debug ("%s refused a request form; falling back (format %d, token field %d)",
           ex->client->base_url, caps.format, caps.token_field);
  caps_set (ex->client->base_url, &caps);
  ex->fallbacks++;
  return TRUE;
}

static GError *
map_status_error (Exchange *ex, guint status, JsonObject *api_error)
{
  SynthOpenaiClient *self = ex->client;
  const char *code = member_string (api_error, "code");
  const char *type = member_string (api_error, "type");
  g_autofree char *quoted = NULL;
  const char *model = ex->completion != NULL ? ex->completion->model : NULL;

  if (status == SOUP_STATUS_UNAUTHORIZED)
    /* The server's message would quote part of the key: not repeated. */
    return g_error_new (SYNTH_API_ERROR, SYNTH_API_ERROR_AUTH,
                        _ ("The API key was rejected (401). Set a valid key with `resume-synth-cli "
                           "key set` or in Preferences."));
  quoted = api_error != NULL ? quote_server_message (self, member_string (api_error, "message"))
                             : g_strdup_printf ("HTTP %u", status);
  if (status == SOUP_STATUS_FORBIDDEN)
    return g_error_new (SYNTH_API_ERROR, SYNTH_API_ERROR_PERMISSION,
                        _ ("The server refused access (403): %s. Check that your account, project "
                           "and region may use this model."),
                        quoted);
  if (status == SOUP_STATUS_NOT_FOUND && model != NULL && *model != '\0')
    return g_error_new (SYNTH_API_ERROR, SYNTH_API_ERROR_NOT_FOUND,
                        _ ("The model “%s” is not available at %s (404). Check the model name; "
                           "`resume-synth-cli key check` lists the models this key can use."),
                        model, self->base_url);
  if (status == SOUP_STATUS_NOT_FOUND)
    return g_error_new (SYNTH_API_ERROR, SYNTH_API_ERROR_NOT_FOUND,
                        _ ("No API was found at %s (404). Check the base URL (it usually ends "
                           "in /v1)."),
                        self->base_url);
  if (status == 429 &&
      (g_strcmp0 (code, "insufficient_quota") == 0 || g_strcmp0 (type, "insufficient_quota") == 0))
    return g_error_new (SYNTH_API_ERROR, SYNTH_API_ERROR_QUOTA,
                        _ ("The account has run out of credit (insufficient_quota). Add credit or "
                           "raise the spending limit in your provider's billing settings, then "
                           "resume the run."));
  if (status == 429)
    return g_error_new (SYNTH_API_ERROR, SYNTH_API_ERROR_RATE_LIMITED,
                        _ ("The server's rate limit was reached (429): %s"), quoted);
  if (status == SOUP_STATUS_REQUEST_TIMEOUT || status == SOUP_STATUS_CONFLICT || status >= 500)
    return g_error_new (SYNTH_API_ERROR, SYNTH_API_ERROR_SERVER,
                        _ ("The server had a problem (%u): %s"), status, quoted);
  if (SOUP_STATUS_IS_REDIRECTION (status))
    return g_error_new (SYNTH_API_ERROR, SYNTH_API_ERROR_BAD_REQUEST,
                        _ ("The server at %s redirects elsewhere (%u). Set the base URL to the "
                           "address it moved to."),
                        self->base_url, status);
  return g_error_new (SYNTH_API_ERROR, SYNTH_API_ERROR_BAD_REQUEST,
                      _ ("The server refused the request (%u): %s"), status, quoted);
}

/* ---- sending and reading ---------------------------------------------------- */

static void exchange_send (GTask *task);

static void
body_done (GTask *task)
{
  Exchange *ex = g_task_get_task_data (task);
  guint status = soup_message_get_status (ex->msg);
  GError *error = NULL;

  if (!SOUP_STATUS_IS_SUCCESSFUL (status))
    {
      JsonObject *api_error = parse_error_body (ex);

      exchange_finish_body (ex);
      if (status == SOUP_STATUS_BAD_REQUEST && try_fallback (ex, api_error))
        {
          exchange_send (g_object_ref (task));
          return;
        }
      exchange_fail (task, map_status_error (ex, status, api_error));
      return;
    }
  if (ex->completion == NULL)
    {
      char **models = parse_models (ex, &error);

      exchange_finish_body (ex);
      if (models == NULL)
        exchange_fail (task, error);
      else
        g_task_return_pointer (task, models, (GDestroyNotify) g_strfreev);
      return;
    }
  error = ex->sse ? finish_streamed_answer (ex) : finish_plain_answer (ex);
  if (error != NULL)
    {
      exchange_fail (task, error);
      return;
    }
  exchange_finish_body (ex);
  g_task_return_boolean (task, TRUE);
}

static void
on_read (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  Exchange *ex = g_task_get_task_data (task);
  g_autoptr (GError) error = NULL;
  g_autoptr (GBytes) bytes =
      g_input_stream_read_bytes_finish (G_INPUT_STREAM (source), result, &error);
  gsize size;
  const char *data;

  if (bytes == NULL)
    {
      exchange_fail (task, map_transport_error (ex, error));
      return;
    }
  data = g_bytes_get_data (bytes, &size);
  if (size == 0)
    {
      body_done (task);
      return;
    }
  watchdog_touch (ex);
  if (ex->sse)
    {
      if (!synth_sse_parser_feed (ex->sse_parser, data, size, on_sse_event, ex, &error))
        {
          if (error->domain != SYNTH_API_ERROR)
            {
              g_autoptr (GError) parse_error = g_steal_pointer (&error);
              error = g_error_new (SYNTH_API_ERROR, SYNTH_API_ERROR_PROTOCOL,
                                   _ ("The server's event stream is malformed (%s)."),
                                   parse_error->message);
            }
          exchange_fail (task, g_steal_pointer (&error));
          return;
        }
    }
  else if (ex->body->len + size > MAX_BODY_SIZE)
    {
      exchange_fail (task, g_error_new (SYNTH_API_ERROR, SYNTH_API_ERROR_PROTOCOL,
                                        _ ("The server's answer is too large (over %u MiB)."),
                                        MAX_BODY_SIZE / (1024 * 1024)));
      return;
    }
  else
    g_byte_array_append (ex->body, (const guint8 *) data, size);
  g_input_stream_read_bytes_async (ex->body_stream, READ_CHUNK_SIZE, G_PRIORITY_DEFAULT,
                                   ex->cancellable, on_read, g_steal_pointer (&task));
}

static void
note_response (Exchange *ex, guint status, SoupMessageHeaders *headers)
{
  SynthOpenaiCompletion *c = ex->completion;
  gint64 wait_ms;

  if (c == NULL)
    return;
  c->status = status;
  c->retry_after_ms =
      synth_rate_limit_get_retry_delay (headers, g_get_real_time (), &wait_ms) ? wait_ms : -1;
  c->should_retry = synth_rate_limit_parse_should_retry (
      soup_message_headers_get_one (headers, "x-should-retry"));
  if (c->headers_func != NULL)
    c->headers_func (c, status, headers, c->user_data);
}

static gboolean
request_never_left (Exchange *ex, const GError *error)
{
  if (error == NULL)
    return FALSE;
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return !ex->timed_out;
  return error->domain == G_TLS_ERROR || error->domain == G_RESOLVER_ERROR ||
         g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CONNECTION_REFUSED) ||
         g_error_matches (error, G_IO_ERROR, G_IO_ERROR_HOST_UNREACHABLE) ||
         g_error_matches (error, G_IO_ERROR, G_IO_ERROR_NETWORK_UNREACHABLE);
}

static void
on_wrote_body (Exchange *ex)
{
  ex->wrote_request = TRUE;
}

static void
on_sent (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  Exchange *ex = g_task_get_task_data (task);
  g_autoptr (GError) error = NULL;
  GInputStream *stream = soup_session_send_finish (SOUP_SESSION (source), result, &error);
  SoupMessageHeaders *headers;
  const char *content_type;
  guint status;

  /* A request the server may have counted (and billed) is counted here too:
   * one that went out, got an answer, or failed in a way that does not prove
   * it never left. A refused connection, a failed TLS handshake, an unknown
   * host or a cancel while waiting for a connection sent nothing. */
  if (ex->completion != NULL &&
      (stream != NULL || ex->wrote_request || !request_never_left (ex, error)))
    ex->completion->n_requests++;
  if (stream == NULL)
    {
      exchange_fail (task, map_transport_error (ex, error));
      return;
    }
  ex->body_stream = stream;
  watchdog_touch (ex);
  status = soup_message_get_status (ex->msg);
  headers = soup_message_get_response_headers (ex->msg);
  note_response (ex, status, headers);
  content_type = soup_message_headers_get_content_type (headers, NULL);
  /* A server may ignore "stream": the content type says what came. */
  ex->sse = ex->completion != NULL && SOUP_STATUS_IS_SUCCESSFUL (status) && content_type != NULL &&
            g_ascii_strcasecmp (content_type, "text/event-stream") == 0;
  if (ex->sse)
    {
      g_clear_pointer (&ex->sse_parser, synth_sse_parser_free);
      ex->sse_parser = synth_sse_parser_new ();
    }
  if (ex->body != NULL)
    g_byte_array_unref (ex->body);
  ex->body = g_byte_array_new ();
  g_input_stream_read_bytes_async (ex->body_stream, READ_CHUNK_SIZE, G_PRIORITY_DEFAULT,
                                   ex->cancellable, on_read, g_steal_pointer (&task));
}

static SoupMessage *
build_message (Exchange *ex, GError **error)
{
  SynthOpenaiClient *self = ex->client;
  SynthOpenaiCompletion *c = ex->completion;
  g_autofree char *url =
      g_strconcat (self->base_url, c != NULL ? "/chat/completions" : "/models", NULL);
  SoupMessage *msg = soup_message_new (c != NULL ? SOUP_METHOD_POST : SOUP_METHOD_GET, url);
  SoupMessageHeaders *headers;

  if (msg == NULL)
    {
      g_set_error (error, SYNTH_API_ERROR, SYNTH_API_ERROR_BAD_REQUEST,
                   _ ("“%s” is not a usable base URL."), self->base_url);
      return NULL;
    }
  /* A redirect could carry the key to another host: refused. */
  soup_message_add_flags (msg, SOUP_MESSAGE_NO_REDIRECT);
  headers = soup_message_get_request_headers (msg);
  if (self->api_key != NULL)
    {
      char *value = g_strconcat ("Bearer ", self->api_key, NULL);
      soup_message_headers_replace (headers, "Authorization", value);
      memset (value, 0, strlen (value));
      g_free (value);
    }
  soup_message_headers_replace (headers, "Accept",
                                c != NULL && c->stream ? "text/event-stream" : "application/json");
  if (c != NULL)
    {
      SynthPromptOptions options;
      gsize length = 0;
      char *body;

      prompt_options_for (self, c, &options);
      ex->sent.format = options.response_format;
      ex->sent.token_field = options.token_limit_field;
      body = synth_prompt_build_request_body (&options, c->slots, c->n_slots, &length);
      c->estimated_prompt_tokens = (length + 3) / 4;
      /* set_request_body_from_bytes takes its own ref. */
      g_autoptr (GBytes) bytes = g_bytes_new_take (body, length);
      soup_message_set_request_body_from_bytes (msg, "application/json", bytes);
    }
  return msg;
}

/* Sends the exchange's request; takes over the ref on @task_in. */
static void
exchange_send (GTask *task_in)
{
  g_autoptr (GTask) task = task_in;
  Exchange *ex = g_task_get_task_data (task);
  SynthOpenaiCompletion *c = ex->completion;
  GError *error = NULL;

  if (g_cancellable_is_cancelled (ex->cancellable))
    {
      exchange_fail (
          task, g_error_new_literal (SYNTH_API_ERROR, SYNTH_API_ERROR_CANCELLED, _ ("Cancelled.")));
      return;
    }
  exchange_clear_message (ex);
  if ((ex->msg = build_message (ex, &error)) == NULL)
    {
      exchange_fail (task, error);
      return;
    }
  ex->wrote_request = FALSE;
  g_signal_connect_swapped (ex->msg, "wrote-body", G_CALLBACK (on_wrote_body), ex);
  ex->timeout_ms = ex->client->timeout_ms;
  if (c != NULL && !c->stream)
    /* Nothing arrives until the whole answer is written. */
    ex->timeout_ms +=
        (guint) MIN (G_MAXUINT / 2, (guint64) synth_openai_completion_get_max_tokens (c) * 1000 /
                                        SLOW_TOKENS_PER_SECOND);
  watchdog_touch (ex);
  if (c != NULL)
    c->sent_at = g_get_monotonic_time ();
  soup_session_send_async (ex->client->session, ex->msg, G_PRIORITY_DEFAULT, ex->cancellable,
                           on_sent, g_steal_pointer (&task));
}

/* ---- public entry points ----------------------------------------------------- */

void
synth_openai_client_list_models_async (SynthOpenaiClient *self,
                                       GCancellable *cancellable,
                                       GAsyncReadyCallback callback,
                                       gpointer user_data)
{
  g_return_if_fail (SYNTH_IS_OPENAI_CLIENT (self));
  exchange_send (exchange_new (self, NULL, cancellable, callback, user_data,
                               synth_openai_client_list_models_async));
}

char **
synth_openai_client_list_models_finish (SynthOpenaiClient *self,
                                        GAsyncResult *result,
                                        GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

void
synth_openai_client_complete_async (SynthOpenaiClient *self,
                                    SynthOpenaiCompletion *completion,
                                    GCancellable *cancellable,
                                    GAsyncReadyCallback callback,
                                    gpointer user_data)
{
  g_return_if_fail (SYNTH_IS_OPENAI_CLIENT (self));
  g_return_if_fail (completion != NULL && !completion->sent);
  completion->sent = TRUE;
  completion->extractor = synth_record_extractor_new ();
  exchange_send (exchange_new (self, completion, cancellable, callback, user_data,
                               synth_openai_client_complete_async));
}

gboolean
synth_openai_client_complete_finish (SynthOpenaiClient *self, GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}
