/* synth-sim-chat.c — POST /v1/chat/completions: parsing and validating the
 * request the way OpenAI does, the 429s of the rate limits, the fault draw,
 * and the plan of the answer that synth-sim-stream.c then sends. */
#include "synth-sim-private.h"

#include <math.h>
#include <string.h>

typedef struct
{
  JsonObject *body; /* borrowed from the parser */
  const char *model;
  gboolean stream;
  gboolean include_usage;
  gint64 max_tokens;   /* -1: none given */
  gboolean wants_json; /* response_format json_object or json_schema */
  GPtrArray *slots;    /* SimSlot *, or NULL */
  guint64 prompt_tokens;
  guint64 content_seed; /* from the messages and the request's seed */
} ChatRequest;

/* Accessors that take whatever a client sent without complaint: json-glib's
 * own warn on a member of the wrong type, and the client is not our code. */
static JsonNode *
member_value (JsonObject *object, const char *name)
{
  JsonNode *node = object != NULL ? json_object_get_member (object, name) : NULL;
  return node != NULL && JSON_NODE_HOLDS_VALUE (node) ? node : NULL;
}

static JsonObject *
member_object (JsonObject *object, const char *name)
{
  JsonNode *node = object != NULL ? json_object_get_member (object, name) : NULL;
  return node != NULL && JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
}

static JsonArray *
member_array (JsonObject *object, const char *name)
{
  JsonNode *node = object != NULL ? json_object_get_member (object, name) : NULL;
  return node != NULL && JSON_NODE_HOLDS_ARRAY (node) ? json_node_get_array (node) : NULL;
}

static const char *
member_string (JsonObject *object, const char *name)
{
  JsonNode *node = member_value (object, name);
  return node != NULL && json_node_get_value_type (node) == G_TYPE_STRING
             ? json_node_get_string (node)
             : NULL;
}

static gboolean
member_bool (JsonObject *object, const char *name, gboolean fallback)
{
  JsonNode *node = member_value (object, name);
  return node != NULL ? json_node_get_boolean (node) : fallback;
}

static gint64
member_int (JsonObject *object, const char *name, gint64 fallback)
{
  JsonNode *node = member_value (object, name);
  return node != NULL && json_node_get_value_type (node) != G_TYPE_STRING ? json_node_get_int (node)
                                                                          : fallback;
}

static const char *
element_string (JsonArray *array, guint index)
{
  JsonNode *node = json_array_get_element (array, index);
  return JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_STRING
             ? json_node_get_string (node)
             : NULL;
}

static void
chat_request_clear (ChatRequest *req)
{
  g_clear_pointer (&req->slots, g_ptr_array_unref);
}
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (ChatRequest, chat_request_clear)

/* Replies with an error, counts and logs it. Call without the lock. */
static void
reply_failure (SynthSim *self,
               SoupServerMessage *msg,
               gint64 received_us,
               ChatRequest *req,
               guint status,
               const char *message,
               const char *type,
               const char *param,
               const char *code)
{
  sim_reply_error (self, msg, status, message, type, param, code);
  g_mutex_lock (&self->lock);
  if (status == SOUP_STATUS_BAD_REQUEST)
    self->stats.bad_requests++;
  else if (status == SOUP_STATUS_NOT_FOUND)
    self->stats.not_found++;
  sim_log_request (self, received_us, "/v1/chat/completions", status, req->stream,
                   req->slots != NULL ? req->slots->len : 0, -1);
  g_mutex_unlock (&self->lock);
}

static guint64
hash_bytes (guint64 hash, const char *data, gsize len)
{
  /* FNV-1a: stable everywhere, unlike g_str_hash's contract. */
  for (gsize i = 0; i < len; i++)
    hash = (hash ^ (guchar) data[i]) * G_GUINT64_CONSTANT (0x100000001b3);
  return hash;
}

/* Reads messages: prompt tokens, the slot plan, the seed of the content. */
static gboolean
read_messages (ChatRequest *req, JsonArray *messages)
{
  guint64 hash = G_GUINT64_CONSTANT (0xcbf29ce484222325);

  req->prompt_tokens = 3;
  for (guint i = 0; i < json_array_get_length (messages); i++)
    {
      JsonNode *node = json_array_get_element (messages, i);
      JsonObject *message;
      const char *role, *content;

      if (!JSON_NODE_HOLDS_OBJECT (node))
        return FALSE;
      message = json_node_get_object (node);
      role = member_string (message, "role");
      content = member_string (message, "content");
      if (role == NULL || content == NULL)
        return FALSE;
      req->prompt_tokens += 4 + sim_estimate_tokens (content, -1);
      hash = hash_bytes (hash, role, strlen (role) + 1);
      hash = hash_bytes (hash, content, strlen (content) + 1);
      if (req->slots == NULL && g_str_equal (role, "user"))
        req->slots = sim_slots_parse (content);
    }
  req->content_seed = hash;
  if (member_value (req->body, "seed") != NULL)
    req->content_seed ^= synth_rng_mix (member_int (req->body, "seed", 0), 0x5eed);
  return TRUE;
}

static gboolean
messages_mention_json (JsonArray *messages)
{
  for (guint i = 0; i < json_array_get_length (messages); i++)
    {
      JsonNode *node = json_array_get_element (messages, i);
      const char *content = JSON_NODE_HOLDS_OBJECT (node)
                                ? member_string (json_node_get_object (node), "content")
                                : NULL;
      g_autofree char *lower = g_ascii_strdown (content != NULL ? content : "", -1);
      if (strstr (lower, "json") != NULL)
        return TRUE;
    }
  return FALSE;
}

/* Strict structured outputs demand additionalProperties: false and every
 * property in required, on every object of the schema. */
static gboolean
check_strict_schema (JsonNode *node, const char *where, GString *problem)
{
  JsonObject *schema;
  const char *type;

  if (!JSON_NODE_HOLDS_OBJECT (node))
    return TRUE;
  schema = json_node_get_object (node);
  type = member_string (schema, "type");
  if (type == NULL)
    type = "";
  if (g_str_equal (type, "object"))
    {
      JsonObject *properties = member_object (schema, "properties");
      JsonArray *required = member_array (schema, "required");
      g_autoptr (GList) names = properties != NULL ? json_object_get_members (properties) : NULL;

      if (member_value (schema, "additionalProperties") == NULL ||
          member_bool (schema, "additionalProperties", TRUE))
        {
          g_string_printf (problem,
                           "In context=(%s), 'additionalProperties' is required to be "
                           "supplied and to be false.",
                           where);
          return FALSE;
        }
      for (GList *l = names; l != NULL; l = l->next)
        {
          g_autofree char *inner = g_strdup_printf ("%s%s'properties', '%s'", where,
                                                    *where ? ", " : "", (char *) l->data);
          gboolean listed = FALSE;

          for (guint i = 0; required != NULL && i < json_array_get_length (required); i++)
            listed |= g_strcmp0 (element_string (required, i), l->data) == 0;
          if (!listed)
            {
              g_string_printf (problem,
                               "In context=(%s), 'required' is required to be supplied "
                               "and to be an array including every key in properties. "
                               "Missing '%s'.",
                               where, (char *) l->data);
              return FALSE;
            }
          if (!check_strict_schema (json_object_get_member (properties, l->data), inner, problem))
            return FALSE;
        }
    }
  else if (g_str_equal (type, "array") && json_object_has_member (schema, "items"))
    {
      g_autofree char *inner = g_strdup_printf ("%s%s'items'", where, *where ? ", " : "");
      return check_strict_schema (json_object_get_member (schema, "items"), inner, problem);
    }
  return TRUE;
}

/* response_format: text, json_object (the prompt must mention JSON) or
 * json_schema (refused when the knob says this server lacks it). */
static gboolean
check_response_format (SynthSim *self,
                       SoupServerMessage *msg,
                       gint64 received_us,
                       ChatRequest *req,
                       JsonArray *messages)
{
  JsonObject *format = member_object (req->body, "response_format");
  const char *type = format != NULL ? member_string (format, "type") : "text";
  gboolean schema_supported;

  g_mutex_lock (&self->lock);
  schema_supported = self->config.json_schema;
  g_mutex_unlock (&self->lock);

  if (type == NULL)
    type = "";
  if (g_str_equal (type, "text"))
    return TRUE;
  req->wants_json = TRUE;
  if (g_str_equal (type, "json_object"))
    {
      if (messages_mention_json (messages))
        return TRUE;
      reply_failure (self, msg, received_us, req, SOUP_STATUS_BAD_REQUEST,
                     "'messages' must contain the word 'json' in some form, to use "
                     "'response_format' of type 'json_object'.",
                     "invalid_request_error", "messages", NULL);
      return FALSE;
    }
  if (g_str_equal (type, "json_schema") && !schema_supported)
    {
      reply_failure (self, msg, received_us, req, SOUP_STATUS_BAD_REQUEST,
                     "Invalid value: 'json_schema'. This server supports response_format types "
                     "'text' and 'json_object' only.",
                     "invalid_request_error", "response_format", "invalid_value");
      return FALSE;
    }
  if (g_str_equal (type, "json_schema"))
    {
      JsonObject *spec = member_object (format, "json_schema");
      g_autoptr (GString) problem = g_string_new (NULL);
      const char *name = member_string (spec, "name");

      if (name == NULL || member_object (spec, "schema") == NULL)
        {
          reply_failure (self, msg, received_us, req, SOUP_STATUS_BAD_REQUEST,
                         "Missing required parameter: 'response_format.json_schema' needs 'name' "
                         "and 'schema'.",
                         "invalid_request_error", "response_format.json_schema",
                         "missing_required_parameter");
          return FALSE;
        }
      if (member_bool (spec, "strict", FALSE) &&
          !check_strict_schema (json_object_get_member (spec, "schema"), "", problem))
        {
          g_autofree char *message =
              g_strdup_printf ("Invalid schema for response_format '%s': %s", name, problem->str);
          reply_failure (self, msg, received_us, req, SOUP_STATUS_BAD_REQUEST, message,
                         "invalid_request_error", "response_format", NULL);
          return FALSE;
        }
      return TRUE;
    }
  {
    g_autofree char *message = g_strdup_printf ("Invalid value: '%s'. Supported values are: "
                                                "'json_object', 'json_schema', and 'text'.",
                                                type);
    reply_failure (self, msg, received_us, req, SOUP_STATUS_BAD_REQUEST, message,
                   "invalid_request_error", "response_format.type", "invalid_value");
    return FALSE;
  }
}

/* Everything OpenAI checks before it looks at rate limits. */
static gboolean
parse_request (SynthSim *self,
               SoupServerMessage *msg,
               gint64 received_us,
               JsonParser *parser,
               ChatRequest *req)
{
  g_autoptr (GBytes) bytes = soup_message_body_flatten (soup_server_message_get_request_body (msg));
  JsonArray *messages;
  gboolean mct_supported;

  if (!json_parser_load_from_data (parser, g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes),
                                   NULL) ||
      !JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
    {
      reply_failure (self, msg, received_us, req, SOUP_STATUS_BAD_REQUEST,
                     "We could not parse the JSON body of your request. The API expects a JSON "
                     "payload, but what was sent was not valid JSON.",
                     "invalid_request_error", NULL, NULL);
      return FALSE;
    }
  req->body = json_node_get_object (json_parser_get_root (parser));
  req->stream = member_bool (req->body, "stream", FALSE);
  req->include_usage =
      member_bool (member_object (req->body, "stream_options"), "include_usage", FALSE);
  req->model = member_string (req->body, "model");
  if (req->model == NULL)
    {
      reply_failure (self, msg, received_us, req, SOUP_STATUS_BAD_REQUEST,
                     "You must provide a model parameter.", "invalid_request_error", NULL, NULL);
      return FALSE;
    }
  if (!sim_model_known (self, req->model))
    {
      g_autofree char *message = g_strdup_printf ("The model `%s` does not exist or you do not "
                                                  "have access to it.",
                                                  req->model);
      reply_failure (self, msg, received_us, req, SOUP_STATUS_NOT_FOUND, message,
                     "invalid_request_error", NULL, "model_not_found");
      return FALSE;
    }

  messages = member_array (req->body, "messages");
  if (messages == NULL || json_array_get_length (messages) == 0 || !read_messages (req, messages))
    {
      reply_failure (self, msg, received_us, req, SOUP_STATUS_BAD_REQUEST,
                     "Missing required parameter: 'messages' must be a non-empty array of "
                     "{role, content} objects.",
                     "invalid_request_error", "messages", "missing_required_parameter");
      return FALSE;
    }

  g_mutex_lock (&self->lock);
  mct_supported = self->config.max_completion_tokens;
  g_mutex_unlock (&self->lock);
  req->max_tokens = -1;
  if (json_object_has_member (req->body, "max_completion_tokens"))
    {
      if (!mct_supported)
        {
          reply_failure (self, msg, received_us, req, SOUP_STATUS_BAD_REQUEST,
                         "Unrecognized request argument supplied: max_completion_tokens",
                         "invalid_request_error", "max_completion_tokens", "unknown_parameter");
          return FALSE;
        }
      req->max_tokens = member_int (req->body, "max_completion_tokens", -1);
    }
  else
    req->max_tokens = member_int (req->body, "max_tokens", -1);

  return check_response_format (self, msg, received_us, req, messages);
}

static void
reply_rate_limited (
    SynthSim *self, SoupServerMessage *msg, const char *message, const char *type, gint64 wait_ms)
{
  SoupMessageHeaders *headers = soup_server_message_get_response_headers (msg);
  char value[32];

  sim_reply_error (self, msg, 429, message, type, NULL, "rate_limit_exceeded");
  if (wait_ms >= 0)
    {
      g_snprintf (value, sizeof value, "%" G_GINT64_FORMAT, MAX (wait_ms, 1));
      soup_message_headers_replace (headers, "retry-after-ms", value);
      g_snprintf (value, sizeof value, "%" G_GINT64_FORMAT, MAX ((wait_ms + 999) / 1000, 1));
      soup_message_headers_replace (headers, "retry-after", value);
    }
}

/* Quota, concurrency, RPM and TPM, in that order; charges the buckets when
 * the request is let through. Call with the lock held; returns the 429's
 * message (and fills the rest) or NULL when admitted. */
static char *
admit_locked (SynthSim *self,
              ChatRequest *req,
              guint64 charge,
              const char **type,
              gint64 *wait_ms,
              gboolean *quota,
              gboolean *streams)
{
  SimConfig *c = &self->config;
  gint64 now = g_get_monotonic_time ();
  g_autofree char *wait = NULL;

  *wait_ms = -1;
  *quota = *streams = FALSE;
  *type = "requests";
  if (c->quota_exhausted)
    {
      *quota = TRUE;
      return g_strdup ("You exceeded your current quota, please check your plan and billing "
                       "details. For more information on this error, read the docs: "
                       "https://platform.openai.com/docs/guides/error-codes/api-errors.");
    }
  if (c->max_streams > 0 && self->stats.active_streams >= c->max_streams)
    {
      gint64 end = sim_requests_next_end_us (self);
      *streams = TRUE;
      *wait_ms = CLAMP (end > now ? (end - now + 999) / 1000 : 100, 50, 60000);
      return g_strdup_printf ("Too many concurrent requests for %s: limit %u in flight. Please "
                              "try again shortly.",
                              req->model, c->max_streams);
    }
  sim_bucket_refill (&self->requests_bucket, now);
  sim_bucket_refill (&self->tokens_bucket, now);
  if (c->rpm > 0 && self->requests_bucket.level < 1)
    {
      *wait_ms = (gint64) ceil ((1 - self->requests_bucket.level) * 60000.0 / c->rpm);
      wait = sim_format_duration (*wait_ms);
      return g_strdup_printf ("Rate limit reached for %s in organization org-sim on requests per "
                              "min (RPM): Limit %u, Used %u, Requested 1. Please try again in %s.",
                              req->model, c->rpm,
                              c->rpm - (guint) floor (self->requests_bucket.level), wait);
    }
  if (c->tpm > 0 && charge > c->tpm)
    {
      *type = "tokens";
      return g_strdup_printf ("Request too large for %s in organization org-sim on tokens per min "
                              "(TPM): Limit %u, Requested %" G_GUINT64_FORMAT ". The input or "
                              "output tokens must be reduced in order to run successfully.",
                              req->model, c->tpm, charge);
    }
  if (c->tpm > 0 && self->tokens_bucket.level < charge)
    {
      *type = "tokens";
      *wait_ms = (gint64) ceil ((charge - self->tokens_bucket.level) * 60000.0 / c->tpm);
      wait = sim_format_duration (*wait_ms);
      return g_strdup_printf ("Rate limit reached for %s in organization org-sim on tokens per "
                              "min (TPM): Limit %u, Used %u, Requested %" G_GUINT64_FORMAT ". "
                              "Please try again in %s.",
                              req->model, c->tpm,
                              c->tpm - (guint) floor (MAX (self->tokens_bucket.level, 0)), charge,
                              wait);
    }
  if (c->rpm > 0)
    self->requests_bucket.level -= 1;
  if (c->tpm > 0)
    self->tokens_bucket.level -= charge;
  return NULL;
}

/* At most one fault per request, drawn against the per-kind rates. */
static int
draw_fault (const double *rates, SynthRng *rng)
{
  double total = 0, u, acc = 0;

  for (guint i = 0; i < SYNTH_SIM_N_FAULTS; i++)
    total += rates[i];
  if (total <= 0)
    return -1;
  u = synth_rng_double (rng) * MAX (total, 1.0);
  for (guint i = 0; i < SYNTH_SIM_N_FAULTS; i++)
    {
      acc += rates[i];
      if (rates[i] > 0 && u < acc)
        return (int) i;
    }
  return -1;
}

/* An HTTP 5xx straight away, as from an overloaded backend or its proxy. */
static void
reply_server_error (SynthSim *self, SoupServerMessage *msg, SynthRng *rng)
{
  static const char bad_gateway[] = "<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n"
                                    "<body>\r\n<center><h1>502 Bad Gateway</h1></center>\r\n"
                                    "<hr><center>cloudflare</center>\r\n</body>\r\n</html>\r\n";

  switch (synth_rng_below (rng, 3))
    {
    case 0:
      sim_reply_error (self, msg, SOUP_STATUS_INTERNAL_SERVER_ERROR,
                       "The server had an error while processing your request. Sorry about that!",
                       "server_error", NULL, NULL);
      break;
    case 1:
      soup_server_message_set_status (msg, SOUP_STATUS_BAD_GATEWAY, NULL);
      soup_server_message_set_response (msg, "text/html", SOUP_MEMORY_STATIC, bad_gateway,
                                        strlen (bad_gateway));
      g_mutex_lock (&self->lock);
      sim_add_rate_limit_headers (self, msg);
      g_mutex_unlock (&self->lock);
      break;
    default:
      sim_reply_error (self, msg, SOUP_STATUS_SERVICE_UNAVAILABLE,
                       "The engine is currently overloaded, please try again later.",
                       "server_error", NULL, NULL);
      break;
    }
}

/* The answer: fabricated records (or a greeting without a slot plan),
 * misbehaving as the fault says, cut at the token limit. */
static void
plan_answer (SimChatPlan *plan, ChatRequest *req, guint64 seed, SynthRng *fault_rng)
{
  g_autoptr (GPtrArray) none = g_ptr_array_new ();
  SimAnswer *answer;
  gsize len;

  if (req->slots != NULL)
    answer = sim_answer_build (req->slots, seed,
                               plan->fault == SYNTH_SIM_FAULT_WRONG_SLOT ? fault_rng : NULL);
  else if (req->wants_json)
    answer = sim_answer_build (none, seed, NULL);
  else
    {
      answer = g_new0 (SimAnswer, 1);
      answer->content = g_strdup ("Hello! This is the OpenAI-compatible simulator. Send a slot "
                                  "plan as a JSON array to get records.");
      answer->record_ends = g_array_new (FALSE, FALSE, sizeof (gsize));
    }
  if (plan->fault == SYNTH_SIM_FAULT_MALFORMED)
    sim_answer_malform (answer, fault_rng);

  len = strlen (answer->content);
  plan->finish_reason = "stop";
  if (plan->fault == SYNTH_SIM_FAULT_TRUNCATED)
    {
      len = len * (30 + synth_rng_below (fault_rng, 61)) / 100;
      plan->finish_reason = "length";
    }
  if (req->max_tokens >= 0 &&
      sim_estimate_tokens (answer->content, len) > (guint64) req->max_tokens)
    {
      /* Like a model hitting max_tokens: the text just stops. */
      len = g_utf8_offset_to_pointer (answer->content, req->max_tokens * 4) - answer->content;
      plan->finish_reason = "length";
    }
  {
    const char *valid_end;
    g_utf8_validate (answer->content, len, &valid_end);
    plan->content_len = valid_end - answer->content;
  }
  plan->answer = answer;
}

/* Lets the request through the limits (or answers 429) and draws its fault.
 * On success fills @plan's timing, @fault_rng and @out_seed. */
static gboolean
admit (SynthSim *self,
       SoupServerMessage *msg,
       gint64 received_us,
       ChatRequest *req,
       guint64 charge,
       SimChatPlan *plan,
       SynthRng *fault_rng,
       guint64 *out_seed)
{
  g_autofree char *limited = NULL;
  const char *limit_type;
  gint64 wait_ms;
  gboolean quota, streams;

  g_mutex_lock (&self->lock);
  limited = admit_locked (self, req, charge, &limit_type, &wait_ms, &quota, &streams);
  if (limited == NULL)
    {
      guint64 counter = ++self->request_counter;

      *out_seed = self->config.seed;
      plan->ttft_ms = self->config.ttft_ms;
      plan->tokens_per_second = self->config.tokens_per_second;
      plan->stall_ms = self->config.stall_ms;
      /* Faults follow the request count, not the request: a retry of the
       * same request must not meet the same fault forever. */
      synth_rng_init (fault_rng, synth_rng_mix (*out_seed ^ G_GUINT64_CONSTANT (0xfa17), counter));
      plan->fault = draw_fault (self->config.fault_rates, fault_rng);
      if (plan->fault >= 0)
        self->stats.faults[plan->fault]++;
    }
  else if (quota)
    self->stats.quota_errors++;
  else
    {
      self->stats.rate_limited++;
      if (streams)
        self->stats.rate_limited_streams++;
    }
  g_mutex_unlock (&self->lock);

  if (limited == NULL)
    return TRUE;
  if (quota)
    sim_reply_error (self, msg, 429, limited, "insufficient_quota", NULL, "insufficient_quota");
  else
    reply_rate_limited (self, msg, limited, limit_type, wait_ms);
  g_mutex_lock (&self->lock);
  sim_log_request (self, received_us, "/v1/chat/completions", 429, req->stream,
                   req->slots != NULL ? req->slots->len : 0, -1);
  g_mutex_unlock (&self->lock);
  return FALSE;
}

void
sim_handle_chat_completions (SynthSim *self, SoupServerMessage *msg, gint64 received_us)
{
  g_autoptr (JsonParser) parser = json_parser_new ();
  g_auto (ChatRequest) req = { 0 };
  g_autoptr (SimChatPlan) plan = g_new0 (SimChatPlan, 1);
  guint64 expected, charge, seed = 0;
  guint n_slots;
  SynthRng fault_rng;

  if (!sim_check_auth (self, msg))
    {
      g_mutex_lock (&self->lock);
      sim_log_request (self, received_us, "/v1/chat/completions", SOUP_STATUS_UNAUTHORIZED, FALSE,
                       0, -1);
      g_mutex_unlock (&self->lock);
      return;
    }
  if (!parse_request (self, msg, received_us, parser, &req))
    return;

  /* TPM is charged for the prompt plus the most the answer may take, as
   * OpenAI does, and settled with the real usage afterwards. */
  n_slots = req.slots != NULL ? req.slots->len : 0;
  expected = req.slots != NULL ? 40 + n_slots * 700 : 64;
  charge = req.prompt_tokens + (req.max_tokens >= 0 ? (guint64) req.max_tokens : expected);
  if (!admit (self, msg, received_us, &req, charge, plan, &fault_rng, &seed))
    return;

  plan->received_us = received_us;
  plan->stream = req.stream;
  plan->include_usage = req.include_usage;
  plan->model = g_strdup (req.model);
  plan->request_id =
      g_strdup_printf ("req_%016" G_GINT64_MODIFIER "x", synth_rng_next (&fault_rng));
  plan->prompt_tokens = req.prompt_tokens;
  plan->charged_tokens = charge;
  plan->fault_seed = synth_rng_next (&fault_rng);

  /* Half the HTTP 5xx answer at once; streams may also fail mid-way. */
  if (plan->fault == SYNTH_SIM_FAULT_5XX && (!req.stream || synth_rng_chance (&fault_rng, 0.5)))
    {
      reply_server_error (self, msg, &fault_rng);
      g_mutex_lock (&self->lock);
      if (self->config.tpm > 0)
        self->tokens_bucket.level =
            MIN (self->tokens_bucket.capacity, self->tokens_bucket.level + charge);
      sim_log_request (self, received_us, "/v1/chat/completions",
                       soup_server_message_get_status (msg), req.stream, n_slots, plan->fault);
      g_mutex_unlock (&self->lock);
      return;
    }

  plan_answer (plan, &req, synth_rng_mix (seed, req.content_seed), &fault_rng);
  g_mutex_lock (&self->lock);
  self->stats.completions++;
  if (req.stream)
    self->stats.streamed++;
  self->stats.prompt_tokens += req.prompt_tokens;
  self->stats.records += plan->answer->n_records;
  sim_log_request (self, received_us, "/v1/chat/completions", SOUP_STATUS_OK, req.stream, n_slots,
                   plan->fault);
  g_mutex_unlock (&self->lock);

  sim_request_start (self, msg, g_steal_pointer (&plan));
}
