/* synth-sim.c — the simulator object: configuration, counters, the server's
 * life cycle, the models endpoint and the /sim control endpoints. The chat
 * completions endpoint lives in synth-sim-chat.c. */
#include "synth-sim-private.h"

#include <math.h>
#include <string.h>

#define LOG_CAPACITY 100000

G_DEFINE_FINAL_TYPE (SynthSim, synth_sim, G_TYPE_OBJECT)

static const char *const fault_ids[SYNTH_SIM_N_FAULTS] = {
  "5xx", "stall", "drop", "malformed", "truncated", "wrong-slot",
};

static const char *const default_models[] = {
  "gpt-4o-mini", "gpt-4o", "gpt-4.1-mini", "gpt-4.1-nano", "sim-small", NULL,
};

const char *
synth_sim_fault_to_id (SynthSimFault fault)
{
  g_return_val_if_fail (fault < SYNTH_SIM_N_FAULTS, NULL);
  return fault_ids[fault];
}

gboolean
synth_sim_fault_from_id (const char *id, SynthSimFault *out_fault)
{
  for (guint i = 0; i < SYNTH_SIM_N_FAULTS; i++)
    if (g_strcmp0 (id, fault_ids[i]) == 0)
      {
        *out_fault = i;
        return TRUE;
      }
  return FALSE;
}

gboolean
synth_sim_parse_fault_kinds (const char *list, guint *out_mask, GError **error)
{
  g_auto (GStrv) parts = g_strsplit (list != NULL ? list : "", ",", -1);
  guint mask = 0;

  for (guint i = 0; parts[i] != NULL; i++)
    {
      SynthSimFault fault;
      char *part = g_strstrip (parts[i]);

      if (*part == '\0')
        continue;
      if (g_str_equal (part, "all"))
        mask |= (1u << SYNTH_SIM_N_FAULTS) - 1;
      else if (synth_sim_fault_from_id (part, &fault))
        mask |= 1u << fault;
      else
        {
          g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                       "Unknown fault kind “%s”; use 5xx, stall, drop, malformed, truncated, "
                       "wrong-slot or all",
                       part);
          return FALSE;
        }
    }
  *out_mask = mask;
  return TRUE;
}

/* ---- rate-limit buckets --------------------------------------------- */

void
sim_bucket_refill (SimBucket *bucket, gint64 now_us)
{
  double elapsed_min = (now_us - bucket->updated_us) / 60e6;

  /* Continuous replenishment, as OpenAI does: capacity per minute. */
  if (elapsed_min > 0)
    bucket->level = MIN (bucket->capacity, bucket->level + elapsed_min * bucket->capacity);
  bucket->updated_us = now_us;
}

static void
bucket_reset (SimBucket *bucket, guint per_minute)
{
  bucket->capacity = per_minute;
  bucket->level = per_minute;
  bucket->updated_us = g_get_monotonic_time ();
}

char *
sim_format_duration (gint64 ms)
{
  GString *out;
  gint64 hours, minutes, seconds, millis;

  if (ms <= 0)
    return g_strdup ("0s");
  if (ms < 1000)
    return g_strdup_printf ("%" G_GINT64_FORMAT "ms", ms);

  out = g_string_new (NULL);
  hours = ms / 3600000;
  minutes = ms / 60000 % 60;
  seconds = ms / 1000 % 60;
  millis = ms % 1000;
  /* Go's time.Duration form: larger units only when non-zero, and once a
   * larger unit is shown the smaller ones follow ("6m0s", "1h0m0s"). */
  if (hours > 0)
    g_string_append_printf (out, "%" G_GINT64_FORMAT "h", hours);
  if (hours > 0 || minutes > 0)
    g_string_append_printf (out, "%" G_GINT64_FORMAT "m", minutes);
  g_string_append_printf (out, "%" G_GINT64_FORMAT, seconds);
  if (millis > 0)
    {
      char frac[8];
      g_snprintf (frac, sizeof frac, "%03" G_GINT64_FORMAT, millis);
      for (int i = 2; i > 0 && frac[i] == '0'; i--)
        frac[i] = '\0';
      g_string_append_printf (out, ".%s", frac);
    }
  g_string_append_c (out, 's');
  return g_string_free (out, FALSE);
}

static void
add_bucket_headers (SoupMessageHeaders *headers, SimBucket *bucket, const char *what)
{
  char name[64], value[32];
  g_autofree char *reset = NULL;
  double per_ms = bucket->capacity / 60000.0;

  g_snprintf (name, sizeof name, "x-ratelimit-limit-%s", what);
  g_snprintf (value, sizeof value, "%.0f", bucket->capacity);
  soup_message_headers_replace (headers, name, value);
  g_snprintf (name, sizeof name, "x-ratelimit-remaining-%s", what);
  g_snprintf (value, sizeof value, "%.0f", floor (MAX (bucket->level, 0)));
  soup_message_headers_replace (headers, name, value);
  g_snprintf (name, sizeof name, "x-ratelimit-reset-%s", what);
  reset = sim_format_duration ((gint64) ceil ((bucket->capacity - bucket->level) / per_ms));
  soup_message_headers_replace (headers, name, reset);
}

void
sim_add_rate_limit_headers (SynthSim *self, SoupServerMessage *msg)
{
  SoupMessageHeaders *headers = soup_server_message_get_response_headers (msg);
  gint64 now = g_get_monotonic_time ();

  /* An unlimited dimension has no headers, as with servers that have no
   * limits at all; the defaults are limited, so OpenAI's set is complete. */
  if (self->config.rpm > 0)
    {
      sim_bucket_refill (&self->requests_bucket, now);
      add_bucket_headers (headers, &self->requests_bucket, "requests");
    }
  if (self->config.tpm > 0)
    {
      sim_bucket_refill (&self->tokens_bucket, now);
      add_bucket_headers (headers, &self->tokens_bucket, "tokens");
    }
}

/* ---- replies ---------------------------------------------------------- */

void
sim_reply_json (SoupServerMessage *msg, guint status, JsonNode *node)
{
  g_autoptr (JsonGenerator) generator = json_generator_new ();
  gsize length;
  char *data;

  json_generator_set_root (generator, node);
  data = json_generator_to_data (generator, &length);
  soup_server_message_set_status (msg, status, NULL);
  soup_server_message_set_response (msg, "application/json", SOUP_MEMORY_TAKE, data, length);
}

void
sim_reply_error (SynthSim *self,
                 SoupServerMessage *msg,
                 guint status,
                 const char *message,
                 const char *type,
                 const char *param,
                 const char *code)
{
  g_autoptr (JsonBuilder) builder = json_builder_new ();
  g_autoptr (JsonNode) root = NULL;

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "error");
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "message");
  json_builder_add_string_value (builder, message);
  json_builder_set_member_name (builder, "type");
  json_builder_add_string_value (builder, type);
  json_builder_set_member_name (builder, "param");
  if (param != NULL)
    json_builder_add_string_value (builder, param);
  else
    json_builder_add_null_value (builder);
  json_builder_set_member_name (builder, "code");
  if (code != NULL)
    json_builder_add_string_value (builder, code);
  else
    json_builder_add_null_value (builder);
  json_builder_end_object (builder);
  json_builder_end_object (builder);
  root = json_builder_get_root (builder);
  sim_reply_json (msg, status, root);

  g_mutex_lock (&self->lock);
  sim_add_rate_limit_headers (self, msg);
  g_mutex_unlock (&self->lock);
}

void
sim_log_request (SynthSim *self,
                 gint64 received_us,
                 const char *path,
                 guint status,
                 gboolean stream,
                 guint n_slots,
                 int fault)
{
  SynthSimRequestInfo info = {
    .received_us = received_us,
    .status = status,
    .stream = stream,
    .n_slots = n_slots,
    .fault = fault,
  };

  g_strlcpy (info.path, path, sizeof info.path);
  if (self->log->len >= LOG_CAPACITY)
    g_array_remove_range (self->log, 0, LOG_CAPACITY / 10);
  g_array_append_val (self->log, info);
}

/* ---- configuration ---------------------------------------------------- */

static void
synth_sim_finalize (GObject *object)
{
  SynthSim *self = SYNTH_SIM (object);

  synth_sim_stop (self);
  g_free (self->config.api_key);
  g_strfreev (self->config.models);
  g_array_unref (self->log);
  g_free (self->base_url);
  g_mutex_clear (&self->lock);
  g_mutex_clear (&self->start_lock);
  g_cond_clear (&self->start_cond);
  G_OBJECT_CLASS (synth_sim_parent_class)->finalize (object);
}

static void
synth_sim_class_init (SynthSimClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = synth_sim_finalize;
}

static void
synth_sim_init (SynthSim *self)
{
  g_mutex_init (&self->lock);
  g_mutex_init (&self->start_lock);
  g_cond_init (&self->start_cond);
  self->config.models = g_strdupv ((char **) default_models);
  self->config.seed = 42;
  self->config.rpm = 10000;
  self->config.tpm = 10000000;
  self->config.stall_ms = 300000;
  self->config.json_schema = TRUE;
  self->config.max_completion_tokens = TRUE;
  bucket_reset (&self->requests_bucket, self->config.rpm);
  bucket_reset (&self->tokens_bucket, self->config.tpm);
  self->log = g_array_new (FALSE, FALSE, sizeof (SynthSimRequestInfo));
}

SynthSim *
synth_sim_new (void)
{
  return g_object_new (SYNTH_TYPE_SIM, NULL);
}

#define LOCKED(self, stmt)                                                                         \
  G_STMT_START                                                                                     \
  {                                                                                                \
    g_return_if_fail (SYNTH_IS_SIM (self));                                                        \
    g_mutex_lock (&(self)->lock);                                                                  \
    stmt;                                                                                          \
    g_mutex_unlock (&(self)->lock);                                                                \
  }                                                                                                \
  G_STMT_END

void
sim_set_api_key_locked (SynthSim *self, const char *api_key)
{
  g_free (self->config.api_key);
  self->config.api_key = api_key != NULL && *api_key != '\0' ? g_strdup (api_key) : NULL;
}

void
synth_sim_set_api_key (SynthSim *self, const char *api_key)
{
  LOCKED (self, sim_set_api_key_locked (self, api_key));
}

void
synth_sim_set_models (SynthSim *self, const char *const *models)
{
  LOCKED (self, {
    g_strfreev (self->config.models);
    self->config.models = g_strdupv ((char **) models);
  });
}

void
synth_sim_set_seed (SynthSim *self, guint64 seed)
{
  LOCKED (self, self->config.seed = seed);
}

void
synth_sim_set_ttft_ms (SynthSim *self, guint ttft_ms)
{
  LOCKED (self, self->config.ttft_ms = ttft_ms);
}

void
synth_sim_set_tokens_per_second (SynthSim *self, double tokens_per_second)
{
  LOCKED (self, self->config.tokens_per_second = MAX (tokens_per_second, 0));
}

void
sim_set_rate_limits_locked (SynthSim *self, guint rpm, guint tpm)
{
  self->config.rpm = rpm;
  self->config.tpm = tpm;
  bucket_reset (&self->requests_bucket, rpm);
  bucket_reset (&self->tokens_bucket, tpm);
}

void
synth_sim_set_rate_limits (SynthSim *self, guint rpm, guint tpm)
{
  LOCKED (self, sim_set_rate_limits_locked (self, rpm, tpm));
}

void
synth_sim_set_max_streams (SynthSim *self, guint max_streams)
{
  LOCKED (self, self->config.max_streams = max_streams);
}

void
synth_sim_set_fault_rate (SynthSim *self, SynthSimFault fault, double rate)
{
  g_return_if_fail (fault < SYNTH_SIM_N_FAULTS);
  LOCKED (self, self->config.fault_rates[fault] = CLAMP (rate, 0, 1));
}

void
synth_sim_set_fault_rates (SynthSim *self, double rate, guint kinds_mask)
{
  LOCKED (self, {
    for (guint i = 0; i < SYNTH_SIM_N_FAULTS; i++)
      self->config.fault_rates[i] = kinds_mask & (1u << i) ? CLAMP (rate, 0, 1) : 0;
  });
}

void
synth_sim_set_stall_ms (SynthSim *self, guint stall_ms)
{
  LOCKED (self, self->config.stall_ms = stall_ms);
}

void
synth_sim_set_json_schema_supported (SynthSim *self, gboolean supported)
{
  LOCKED (self, self->config.json_schema = !!supported);
}

void
synth_sim_set_max_completion_tokens_supported (SynthSim *self, gboolean supported)
{
  LOCKED (self, self->config.max_completion_tokens = !!supported);
}

void
synth_sim_set_quota_exhausted (SynthSim *self, gboolean exhausted)
{
  LOCKED (self, self->config.quota_exhausted = !!exhausted);
}

void
synth_sim_set_port (SynthSim *self, guint port)
{
  g_return_if_fail (SYNTH_IS_SIM (self));
  g_return_if_fail (self->server == NULL);
  self->port = port;
}

guint
synth_sim_get_port (SynthSim *self)
{
  g_return_val_if_fail (SYNTH_IS_SIM (self), 0);
  return self->port;
}

const char *
synth_sim_get_base_url (SynthSim *self)
{
  g_return_val_if_fail (SYNTH_IS_SIM (self), NULL);
  return self->base_url;
}

/* ---- counters ----------------------------------------------------------- */

void
synth_sim_get_stats (SynthSim *self, SynthSimStats *out_stats)
{
  LOCKED (self, *out_stats = self->stats);
}

void
synth_sim_reset_stats (SynthSim *self)
{
  LOCKED (self, {
    guint active = self->stats.active_streams;
    memset (&self->stats, 0, sizeof self->stats);
    self->stats.active_streams = active;
    self->stats.max_active_streams = active;
    g_array_set_size (self->log, 0);
  });
}

GArray *
synth_sim_dup_request_log (SynthSim *self)
{
  GArray *copy;

  g_return_val_if_fail (SYNTH_IS_SIM (self), NULL);
  g_mutex_lock (&self->lock);
  copy = g_array_sized_new (FALSE, FALSE, sizeof (SynthSimRequestInfo), self->log->len);
  g_array_append_vals (copy, self->log->data, self->log->len);
  g_mutex_unlock (&self->lock);
  return copy;
}

/* ---- HTTP endpoints outside chat completions ---------------------------- */

gboolean
sim_check_auth (SynthSim *self, SoupServerMessage *msg)
{
  SoupMessageHeaders *headers = soup_server_message_get_request_headers (msg);
  const char *auth = soup_message_headers_get_one (headers, "Authorization");
  g_autofree char *expected = NULL;
  const char *given;

  g_mutex_lock (&self->lock);
  expected = g_strdup (self->config.api_key);
  g_mutex_unlock (&self->lock);
  if (expected == NULL)
    return TRUE;

  if (auth == NULL || !g_str_has_prefix (auth, "Bearer "))
    {
      sim_reply_error (
          self, msg, SOUP_STATUS_UNAUTHORIZED,
          "You didn't provide an API key. You need to provide your API key in an "
          "Authorization header using Bearer auth (i.e. Authorization: Bearer YOUR_KEY).",
          "invalid_request_error", NULL, NULL);
    }
  else if (!g_str_equal ((given = auth + strlen ("Bearer ")), expected))
    {
      gsize len = strlen (given);
      g_autofree char *masked = NULL;
      g_autofree char *message = NULL;

      /* Like OpenAI: enough of the key to recognise it, never all of it. */
      if (len >= 12)
        {
          g_autofree char *stars = g_strnfill (len - 7, '*');
          masked = g_strdup_printf ("%.3s%s%s", given, stars, given + len - 4);
        }
      else
        masked = g_strdup ("***");
      message = g_strdup_printf ("Incorrect API key provided: %s. You can find your API key at "
                                 "https://platform.openai.com/account/api-keys.",
                                 masked);
      sim_reply_error (self, msg, SOUP_STATUS_UNAUTHORIZED, message, "invalid_request_error", NULL,
                       "invalid_api_key");
    }
  else
    return TRUE;

  g_mutex_lock (&self->lock);
  self->stats.auth_errors++;
  g_mutex_unlock (&self->lock);
  return FALSE;
}

gboolean
sim_model_known (SynthSim *self, const char *model)
{
  gboolean known;

  g_mutex_lock (&self->lock);
  known = model != NULL && self->config.models != NULL &&
          g_strv_contains ((const char *const *) self->config.models, model);
  g_mutex_unlock (&self->lock);
  return known;
}

static void
add_model_object (JsonBuilder *builder, const char *id, guint index)
{
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "id");
  json_builder_add_string_value (builder, id);
  json_builder_set_member_name (builder, "object");
  json_builder_add_string_value (builder, "model");
  sim_builder_add_int (builder, "created", 1700000000 + index * 86400);
  json_builder_set_member_name (builder, "owned_by");
  json_builder_add_string_value (builder, "system");
  json_builder_end_object (builder);
}

static guint
handle_models (SynthSim *self, SoupServerMessage *msg, const char *path)
{
  g_autoptr (JsonBuilder) builder = json_builder_new ();
  g_autoptr (JsonNode) root = NULL;
  g_auto (GStrv) models = NULL;
  const char *wanted =
      g_str_has_prefix (path, "/v1/models/") ? path + strlen ("/v1/models/") : NULL;

  if (!sim_check_auth (self, msg))
    return SOUP_STATUS_UNAUTHORIZED;

  g_mutex_lock (&self->lock);
  models = g_strdupv (self->config.models);
  g_mutex_unlock (&self->lock);

  if (wanted != NULL)
    {
      for (guint i = 0; models != NULL && models[i] != NULL; i++)
        if (g_str_equal (models[i], wanted))
          add_model_object (builder, models[i], i);
      root = json_builder_get_root (builder);
      if (root == NULL)
        {
          g_autofree char *message = g_strdup_printf ("The model `%s` does not exist or you do "
                                                      "not have access to it.",
                                                      wanted);
          sim_reply_error (self, msg, SOUP_STATUS_NOT_FOUND, message, "invalid_request_error",
                           "model", "model_not_found");
          return SOUP_STATUS_NOT_FOUND;
        }
    }
  else
    {
      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "object");
      json_builder_add_string_value (builder, "list");
      json_builder_set_member_name (builder, "data");
      json_builder_begin_array (builder);
      for (guint i = 0; models != NULL && models[i] != NULL; i++)
        add_model_object (builder, models[i], i);
      json_builder_end_array (builder);
      json_builder_end_object (builder);
      root = json_builder_get_root (builder);
    }
  sim_reply_json (msg, SOUP_STATUS_OK, root);
  g_mutex_lock (&self->lock);
  sim_add_rate_limit_headers (self, msg);
  g_mutex_unlock (&self->lock);
  return SOUP_STATUS_OK;
}

static void
server_callback (SoupServer *server,
                 SoupServerMessage *msg,
                 const char *path,
                 GHashTable *query,
                 gpointer user_data)
{
  SynthSim *self = user_data;
  const char *method = soup_server_message_get_method (msg);
  gint64 received_us = g_get_monotonic_time ();
  guint status;

  if (g_str_has_prefix (path, "/sim/"))
    {
      sim_handle_control (self, msg, path);
      return;
    }

  g_mutex_lock (&self->lock);
  self->stats.requests++;
  g_mutex_unlock (&self->lock);

  if (g_str_equal (path, "/v1/chat/completions") && method == SOUP_METHOD_POST)
    {
      sim_handle_chat_completions (self, msg, received_us);
      return; /* it logs the request itself */
    }
  if ((g_str_equal (path, "/v1/models") || g_str_has_prefix (path, "/v1/models/")) &&
      method == SOUP_METHOD_GET)
    status = handle_models (self, msg, path);
  else
    {
      g_autofree char *message = g_strdup_printf ("Invalid URL (%s %s)", method, path);
      status = SOUP_STATUS_NOT_FOUND;
      sim_reply_error (self, msg, status, message, "invalid_request_error", NULL, NULL);
    }

  g_mutex_lock (&self->lock);
  if (status == SOUP_STATUS_NOT_FOUND)
    self->stats.not_found++;
  sim_log_request (self, received_us, path, status, FALSE, 0, -1);
  g_mutex_unlock (&self->lock);
}

/* ---- life cycle --------------------------------------------------------- */

static gboolean
sim_listen (SynthSim *self, GError **error)
{
  g_autoptr (GInetAddress) address = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr (GSocketAddress) socket_address = g_inet_socket_address_new (address, self->port);
  GSList *uris;

  self->server = soup_server_new ("server-header", "openai-sim", NULL);
  soup_server_add_handler (self->server, NULL, server_callback, self, NULL);
  if (!soup_server_listen (self->server, socket_address, 0, error))
    {
      g_clear_object (&self->server);
      return FALSE;
    }
  uris = soup_server_get_uris (self->server);
  self->port = g_uri_get_port (uris->data);
  g_slist_free_full (uris, (GDestroyNotify) g_uri_unref);
  self->context = g_main_context_ref_thread_default ();
  g_free (self->base_url);
  self->base_url = g_strdup_printf ("http://127.0.0.1:%u/v1", self->port);
  return TRUE;
}

gboolean
synth_sim_start (SynthSim *self, GError **error)
{
  g_return_val_if_fail (SYNTH_IS_SIM (self), FALSE);
  g_return_val_if_fail (self->server == NULL && self->thread == NULL, FALSE);
  return sim_listen (self, error);
}

/* Runs in the serving thread (or the caller's, without one). */
static void
sim_shutdown (SynthSim *self)
{
  if (self->server == NULL)
    return;
  sim_abort_all_requests (self);
  soup_server_disconnect (self->server);
  g_clear_object (&self->server);
}

static gpointer
sim_thread_main (gpointer data)
{
  SynthSim *self = data;
  g_autoptr (GMainContext) context = g_main_context_new ();
  gboolean ok;

  g_main_context_push_thread_default (context);
  g_mutex_lock (&self->start_lock);
  ok = sim_listen (self, &self->start_error);
  if (ok)
    self->loop = g_main_loop_new (context, FALSE);
  self->start_done = TRUE;
  g_cond_signal (&self->start_cond);
  g_mutex_unlock (&self->start_lock);

  if (ok)
    {
      g_main_loop_run (self->loop);
      sim_shutdown (self);
      /* Let libsoup finish closing connections so nothing it holds leaks:
       * some closes complete a little later, so wait until the context has
       * been quiet for 50 ms (at most half a second). */
      {
        gint64 deadline = g_get_monotonic_time () + 500 * G_TIME_SPAN_MILLISECOND;
        gint64 quiet_since = g_get_monotonic_time ();

        while (g_get_monotonic_time () < deadline
               && g_get_monotonic_time () - quiet_since < 50 * G_TIME_SPAN_MILLISECOND)
          {
            if (g_main_context_iteration (context, FALSE))
              quiet_since = g_get_monotonic_time ();
            else
              g_usleep (2 * G_TIME_SPAN_MILLISECOND);
          }
      }
      g_clear_pointer (&self->loop, g_main_loop_unref);
    }
  g_main_context_pop_thread_default (context);
  return NULL;
}

gboolean
synth_sim_start_in_thread (SynthSim *self, GError **error)
{
  g_return_val_if_fail (SYNTH_IS_SIM (self), FALSE);
  g_return_val_if_fail (self->server == NULL && self->thread == NULL, FALSE);

  self->start_done = FALSE;
  self->thread = g_thread_new ("openai-sim", sim_thread_main, self);
  g_mutex_lock (&self->start_lock);
  while (!self->start_done)
    g_cond_wait (&self->start_cond, &self->start_lock);
  g_mutex_unlock (&self->start_lock);

  if (self->start_error != NULL)
    {
      g_thread_join (g_steal_pointer (&self->thread));
      g_propagate_error (error, g_steal_pointer (&self->start_error));
      g_clear_pointer (&self->context, g_main_context_unref);
      return FALSE;
    }
  return TRUE;
}

static gboolean
quit_loop_cb (gpointer data)
{
  SynthSim *self = data;

  g_main_loop_quit (self->loop);
  return G_SOURCE_REMOVE;
}

void
synth_sim_stop (SynthSim *self)
{
  g_return_if_fail (SYNTH_IS_SIM (self));

  if (self->thread != NULL)
    {
      /* An idle source, not g_main_context_invoke(): the loop may not be
       * running yet, and the quit must happen inside it. */
      GSource *source = g_idle_source_new ();
      g_source_set_callback (source, quit_loop_cb, self, NULL);
      g_source_attach (source, self->context);
      g_source_unref (source);
      g_thread_join (g_steal_pointer (&self->thread));
    }
  else
    sim_shutdown (self);
  g_clear_pointer (&self->context, g_main_context_unref);
}
