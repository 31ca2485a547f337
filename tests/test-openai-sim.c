/* test-openai-sim.c — the simulator, driven by a real libsoup client over
 * loopback: what a client of OpenAI would see must be what it sees here. */
#include <json-glib/json-glib.h>
#include <libsoup/soup.h>
#include <string.h>

#include "synth-sim-private.h"
#include "synth-sim.h"

#define TEST_KEY "sk-test-0123456789abcdefXYZ"

/* ---- helpers --------------------------------------------------------- */

typedef struct
{
  const char *bias_type;
  const char *bias_subtype;
  int label;
  const char *domain;
  const char *seniority;
  const char *region;
  const char *length;
} PlanSlot;

/* Every bias type, both labels and lengths, several domains and regions. */
static const PlanSlot plan_slots[] = {
  { "textual", "abbreviations", 1, "software", "mid", "west_africa", "short" },
  { "structural", "missing_sections", 0, "data", "senior", "east_asia", "long" },
  { "skill_match", "partial_overlap", 0, "healthcare", "junior", "south_asia", "short" },
  { "skill_match", "domain_mismatch", 0, "finance", "lead", "latin_america", "short" },
  { "skill_match", "seniority_gap", 0, "legal", "lead", "middle_east", "long" },
  { "skill_match", "partial_overlap", 1, "education", "mid", "oceania", "short" },
  { "experience", "outdated_skills", 1, "manufacturing", "senior", "eastern_europe", "long" },
  { "experience", "experience_mismatch", 0, "logistics", "junior", "western_europe", "short" },
  { "fairness", "name_origin", 1, "marketing", "mid", "north_america", "short" },
  { "domain_specific", "buzzwords", 0, "sales", "senior", "southeast_asia", "short" },
  { "domain_specific", "resume_padding", 1, "hospitality", "mid", "west_africa", "short" },
  { "domain_specific", "mixed_experience", 1, "design", "junior", "east_asia", "long" },
  { "missing_noisy", "html_artifacts", 0, "software", "lead", "oceania", "short" },
  { "human_error", "typos", 1, "data", "junior", "south_asia", "short" },
  { "none", "", 0, "finance", "mid", "north_america", "short" },
};

static char *
plan_json (guint first_slot, guint n)
{
  GString *out = g_string_new ("[");

  for (guint i = 0; i < n; i++)
    {
      const PlanSlot *s = &plan_slots[i % G_N_ELEMENTS (plan_slots)];
      g_string_append_printf (
          out,
          "%s{\"slot\":%u,\"match_label\":%d,\"bias_type\":\"%s\",\"bias_subtype\":"
          "\"%s\",\"domain\":\"%s\",\"seniority\":\"%s\",\"region\":\"%s\","
          "\"length\":\"%s\"}",
          i > 0 ? "," : "", first_slot + i, s->label, s->bias_type, s->bias_subtype, s->domain,
          s->seniority, s->region, s->length);
    }
  g_string_append_c (out, ']');
  return g_string_free (out, FALSE);
}

typedef struct
{
  const char *model;
  gboolean stream;
  const char *format;     /* NULL, "json_object", "json_schema" */
  const char *limit_name; /* "max_tokens", "max_completion_tokens" or NULL */
  int limit;
  guint first_slot;
  guint n_slots;
} RequestSpec;

static const char answer_schema[] =
    "{\"type\":\"object\",\"additionalProperties\":false,\"required\":[\"records\"],"
    "\"properties\":{\"records\":{\"type\":\"array\",\"items\":{\"type\":\"object\","
    "\"additionalProperties\":false,\"required\":[\"slot\",\"name\",\"resume_text\","
    "\"job_skill_text\",\"match_label\",\"bias_type\",\"bias_detail\"],\"properties\":{"
    "\"slot\":{\"type\":\"integer\"},\"name\":{\"type\":\"string\"},\"resume_text\":{\"type\":"
    "\"string\"},\"job_skill_text\":{\"type\":\"string\"},\"match_label\":{\"type\":\"integer\"},"
    "\"bias_type\":{\"type\":\"string\"},\"bias_detail\":{\"type\":\"string\"}}}}}}";

static char *
request_body (const RequestSpec *spec)
{
  g_autofree char *plan = plan_json (spec->first_slot, spec->n_slots);
  g_autoptr (JsonBuilder) b = json_builder_new ();
  g_autoptr (JsonGenerator) gen = json_generator_new ();
  g_autoptr (JsonNode) root = NULL;
  g_autofree char *user =
      g_strdup_printf ("Write one record per slot of this plan, as JSON:\n%s", plan);

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "model");
  json_builder_add_string_value (b, spec->model ? spec->model : "gpt-4o-mini");
  json_builder_set_member_name (b, "messages");
  json_builder_begin_array (b);
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "role");
  json_builder_add_string_value (b, "system");
  json_builder_set_member_name (b, "content");
  json_builder_add_string_value (b, "You write synthetic resumes. Answer with a JSON object.");
  json_builder_end_object (b);
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "role");
  json_builder_add_string_value (b, "user");
  json_builder_set_member_name (b, "content");
  json_builder_add_string_value (b, user);
  json_builder_end_object (b);
  json_builder_end_array (b);
  json_builder_set_member_name (b, "seed");
  json_builder_add_int_value (b, 7);
  if (spec->stream)
    {
      json_builder_set_member_name (b, "stream");
      json_builder_add_boolean_value (b, TRUE);
      json_builder_set_member_name (b, "stream_options");
      json_builder_begin_object (b);
      json_builder_set_member_name (b, "include_usage");
      json_builder_add_boolean_value (b, TRUE);
      json_builder_end_object (b);
    }
  if (spec->limit_name != NULL)
    {
      json_builder_set_member_name (b, spec->limit_name);
      json_builder_add_int_value (b, spec->limit);
    }
  if (spec->format != NULL)
    {
      json_builder_set_member_name (b, "response_format");
      json_builder_begin_object (b);
      json_builder_set_member_name (b, "type");
      json_builder_add_string_value (b, spec->format);
      if (g_str_equal (spec->format, "json_schema"))
        {
          json_builder_set_member_name (b, "json_schema");
          json_builder_begin_object (b);
          json_builder_set_member_name (b, "name");
          json_builder_add_string_value (b, "records");
          json_builder_set_member_name (b, "strict");
          json_builder_add_boolean_value (b, TRUE);
          json_builder_set_member_name (b, "schema");
          json_builder_add_value (b, json_from_string (answer_schema, NULL));
          json_builder_end_object (b);
        }
      json_builder_end_object (b);
    }
  json_builder_end_object (b);
  root = json_builder_get_root (b);
  json_generator_set_root (gen, root);
  return json_generator_to_data (gen, NULL);
}

static SoupSession *
new_session (guint timeout)
{
  return soup_session_new_with_options ("timeout", timeout, "max-conns", 32, "max-conns-per-host",
                                        32, NULL);
}

static SoupMessage *
new_message (
    const char *method, const char *base, const char *path, const char *body, const char *key)
{
  g_autofree char *url = g_strconcat (base, path, NULL);
  SoupMessage *msg = soup_message_new (method, url);

  if (key != NULL)
    {
      g_autofree char *auth = g_strdup_printf ("Bearer %s", key);
      soup_message_headers_replace (soup_message_get_request_headers (msg), "Authorization", auth);
    }
  if (body != NULL)
    {
      g_autoptr (GBytes) bytes = g_bytes_new (body, strlen (body));
      soup_message_set_request_body_from_bytes (msg, "application/json", bytes);
    }
  return msg;
}

/* Sends and parses the body as JSON; the status comes back in @status. */
static JsonNode *
send_json (SoupSession *session, SoupMessage *msg, guint *status)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GBytes) body = soup_session_send_and_read (session, msg, NULL, &error);
  JsonNode *node;

  g_assert_no_error (error);
  *status = soup_message_get_status (msg);
  node = json_from_string (g_bytes_get_data (body, NULL), &error);
  g_assert_no_error (error);
  return node;
}

static JsonNode *
chat (SoupSession *session,
      SynthSim *sim,
      const RequestSpec *spec,
      const char *key,
      guint *status,
      SoupMessage **out_msg)
{
  g_autofree char *body = request_body (spec);
  g_autoptr (SoupMessage) msg =
      new_message ("POST", synth_sim_get_base_url (sim), "/chat/completions", body, key);
  JsonNode *node = send_json (session, msg, status);

  if (out_msg != NULL)
    *out_msg = g_steal_pointer (&msg);
  return node;
}

static void
assert_error_body (JsonNode *node, const char *type, const char *param, const char *code)
{
  JsonObject *error = json_object_get_object_member (json_node_get_object (node), "error");

  g_assert_nonnull (error);
  g_assert_cmpuint (strlen (json_object_get_string_member (error, "message")), >, 10);
  g_assert_cmpstr (json_object_get_string_member (error, "type"), ==, type);
  g_assert_true (json_object_has_member (error, "param"));
  g_assert_true (json_object_has_member (error, "code"));
  g_assert_cmpstr (json_object_get_string_member_with_default (error, "param", NULL), ==, param);
  g_assert_cmpstr (json_object_get_string_member_with_default (error, "code", NULL), ==, code);
}

static const char *
content_of (JsonNode *response, const char **finish_reason)
{
  JsonObject *choice = json_array_get_object_element (
      json_object_get_array_member (json_node_get_object (response), "choices"), 0);

  if (finish_reason != NULL)
    *finish_reason = json_object_get_string_member (choice, "finish_reason");
  return json_object_get_string_member (json_object_get_object_member (choice, "message"),
                                        "content");
}

static SynthSim *
start_sim (void)
{
  g_autoptr (GError) error = NULL;
  SynthSim *sim = synth_sim_new ();

  g_assert_true (synth_sim_start_in_thread (sim, &error));
  g_assert_no_error (error);
  g_assert_true (g_str_has_prefix (synth_sim_get_base_url (sim), "http://127.0.0.1:"));
  g_assert_true (g_str_has_suffix (synth_sim_get_base_url (sim), "/v1"));
  return sim;
}

static gboolean
contains_word (const char *text, const char *word)
{
  g_autofree char *t = g_utf8_strdown (text, -1);
  g_autofree char *w = g_utf8_strdown (word, -1);
  gsize n = strlen (w);

  for (const char *p = strstr (t, w); p != NULL; p = strstr (p + 1, w))
    {
      gboolean start_ok = p == t || !g_ascii_isalnum (p[-1]);
      gboolean end_ok = !g_ascii_isalnum (p[n]);
      if (start_ok && end_ok)
        return TRUE;
    }
  return FALSE;
}

/* Checks every record against its slot the way a careful client would. */
static void
assert_records_honour_plan (const char *content, guint first_slot, guint n)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (JsonNode) node = json_from_string (content, &error);
  JsonArray *records;
  g_autofree gboolean *seen = g_new0 (gboolean, n);

  g_assert_no_error (error);
  records = json_object_get_array_member (json_node_get_object (node), "records");
  g_assert_cmpuint (json_array_get_length (records), ==, n);
  for (guint i = 0; i < n; i++)
    {
      JsonObject *r = json_array_get_object_element (records, i);
      gint64 slot = json_object_get_int_member (r, "slot");
      const PlanSlot *s;
      const char *resume = json_object_get_string_member (r, "resume_text");
      const char *job = json_object_get_string_member (r, "job_skill_text");
      const char *line = strstr (job, "Required skills: ");
      g_autofree char *skills_line = NULL;
      g_auto (GStrv) skills = NULL;
      guint words = 0, covered = 0;
      g_auto (GStrv) tokens = g_strsplit_set (resume, " \n\t", -1);

      g_assert_cmpint (slot, >=, first_slot);
      g_assert_cmpint (slot, <, first_slot + n);
      g_assert_false (seen[slot - first_slot]);
      seen[slot - first_slot] = TRUE;
      s = &plan_slots[(slot - first_slot) % G_N_ELEMENTS (plan_slots)];
      g_assert_cmpint (json_object_get_int_member (r, "match_label"), ==, s->label);
      g_assert_cmpstr (json_object_get_string_member (r, "bias_type"), ==, s->bias_type);
      g_assert_cmpuint (strlen (json_object_get_string_member (r, "name")), >, 3);
      if (!g_str_equal (s->bias_type, "none"))
        g_assert_true (
            g_str_has_prefix (json_object_get_string_member (r, "bias_detail"), s->bias_type));

      for (guint t = 0; tokens[t] != NULL; t++)
        words += tokens[t][0] != '\0';
      g_assert_cmpuint (words, >=, g_str_equal (s->length, "short") ? 80 : 350);
      g_assert_cmpuint (words, <=, g_str_equal (s->length, "short") ? 200 : 900);

      g_assert_nonnull (line);
      skills_line = g_strndup (line + strlen ("Required skills: "),
                               strcspn (line + strlen ("Required skills: "), "\n"));
      skills = g_strsplit (skills_line, ", ", -1);
      g_assert_cmpuint (g_strv_length (skills), >=, 3);
      for (guint k = 0; skills[k] != NULL; k++)
        covered += contains_word (resume, skills[k]);
      if (s->label == 1)
        g_assert_cmpuint (covered, ==, g_strv_length (skills));
      else
        g_assert_cmpuint (covered, <, g_strv_length (skills));
    }
}

/* ---- tests --------------------------------------------------------------- */

static void
test_models (void)
{
  g_autoptr (SynthSim) sim = start_sim ();
  g_autoptr (SoupSession) session = new_session (10);
  g_autoptr (SoupMessage) msg =
      new_message ("GET", synth_sim_get_base_url (sim), "/models", NULL, NULL);
  g_autoptr (SoupMessage) one =
      new_message ("GET", synth_sim_get_base_url (sim), "/models/nope", NULL, NULL);
  g_autoptr (JsonNode) list = NULL, missing = NULL;
  const char *const models[] = { "alpha-1", "beta-2", NULL };
  SoupMessageHeaders *headers;
  JsonArray *data;
  guint status;

  synth_sim_set_models (sim, models);
  list = send_json (session, msg, &status);
  g_assert_cmpuint (status, ==, 200);
  g_assert_cmpstr (json_object_get_string_member (json_node_get_object (list), "object"), ==,
                   "list");
  data = json_object_get_array_member (json_node_get_object (list), "data");
  g_assert_cmpuint (json_array_get_length (data), ==, 2);
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (data, 1), "id"),
                   ==, "beta-2");
  g_assert_cmpstr (
      json_object_get_string_member (json_array_get_object_element (data, 0), "object"), ==,
      "model");
  headers = soup_message_get_response_headers (msg);
  g_assert_nonnull (soup_message_headers_get_one (headers, "x-ratelimit-limit-requests"));
  g_assert_nonnull (soup_message_headers_get_one (headers, "x-ratelimit-remaining-tokens"));

  missing = send_json (session, one, &status);
  g_assert_cmpuint (status, ==, 404);
  assert_error_body (missing, "invalid_request_error", "model", "model_not_found");
}

static void
test_wrong_key (void)
{
  g_autoptr (SynthSim) sim = start_sim ();
  g_autoptr (SoupSession) session = new_session (10);
  g_autoptr (SoupMessage) none =
      new_message ("GET", synth_sim_get_base_url (sim), "/models", NULL, NULL);
  g_autoptr (SoupMessage) wrong = new_message ("GET", synth_sim_get_base_url (sim), "/models", NULL,
                                               "sk-wrong-key-0000000000000");
  g_autoptr (SoupMessage) right =
      new_message ("GET", synth_sim_get_base_url (sim), "/models", NULL, TEST_KEY);
  g_autoptr (JsonNode) a = NULL, b = NULL, c = NULL, d = NULL;
  RequestSpec spec = { .n_slots = 1 };
  SynthSimStats stats;
  const char *message;
  guint status;

  synth_sim_set_api_key (sim, TEST_KEY);
  a = send_json (session, none, &status);
  g_assert_cmpuint (status, ==, 401);
  b = send_json (session, wrong, &status);
  g_assert_cmpuint (status, ==, 401);
  assert_error_body (b, "invalid_request_error", NULL, "invalid_api_key");
  /* The message names the key only in part, as OpenAI does. */
  message = json_object_get_string_member (
      json_object_get_object_member (json_node_get_object (b), "error"), "message");
  g_assert_null (strstr (message, "sk-wrong-key-0000000000000"));
  c = send_json (session, right, &status);
  g_assert_cmpuint (status, ==, 200);

  d = chat (session, sim, &spec, "sk-another-wrong-key-123456", &status, NULL);
  g_assert_cmpuint (status, ==, 401);
  assert_error_body (d, "invalid_request_error", NULL, "invalid_api_key");

  synth_sim_get_stats (sim, &stats);
  g_assert_cmpuint (stats.auth_errors, ==, 3);
  g_assert_cmpuint (stats.completions, ==, 0);
}

static void
test_unknown_model (void)
{
  g_autoptr (SynthSim) sim = start_sim ();
  g_autoptr (SoupSession) session = new_session (10);
  RequestSpec spec = { .model = "gpt-9-imaginary", .n_slots = 2 };
  g_autoptr (JsonNode) node = NULL;
  SynthSimStats stats;
  guint status;

  node = chat (session, sim, &spec, NULL, &status, NULL);
  g_assert_cmpuint (status, ==, 404);
  assert_error_body (node, "invalid_request_error", NULL, "model_not_found");
  synth_sim_get_stats (sim, &stats);
  g_assert_cmpuint (stats.not_found, ==, 1);
}

static void
test_plain_answer (void)
{
  g_autoptr (SynthSim) sim = start_sim ();
  g_autoptr (SoupSession) session = new_session (10);
  RequestSpec spec = { .format = "json_schema",
                       .first_slot = 100,
                       .n_slots = G_N_ELEMENTS (plan_slots) };
  g_autoptr (JsonNode) first = NULL, again = NULL, other = NULL;
  g_autoptr (SoupMessage) msg = NULL;
  JsonObject *usage;
  const char *finish, *content;
  SynthSimStats stats;
  guint status;

  first = chat (session, sim, &spec, NULL, &status, &msg);
  g_assert_cmpuint (status, ==, 200);
  g_assert_cmpstr (json_object_get_string_member (json_node_get_object (first), "object"), ==,
                   "chat.completion");
  g_assert_true (g_str_has_prefix (
      json_object_get_string_member (json_node_get_object (first), "id"), "chatcmpl-"));
  content = content_of (first, &finish);
  g_assert_cmpstr (finish, ==, "stop");
  assert_records_honour_plan (content, 100, G_N_ELEMENTS (plan_slots));

  usage = json_object_get_object_member (json_node_get_object (first), "usage");
  g_assert_cmpint (json_object_get_int_member (usage, "completion_tokens"), ==,
                   (g_utf8_strlen (content, -1) + 3) / 4);
  g_assert_cmpint (json_object_get_int_member (usage, "prompt_tokens"), >, 100);
  g_assert_cmpint (json_object_get_int_member (usage, "total_tokens"), ==,
                   json_object_get_int_member (usage, "prompt_tokens") +
                       json_object_get_int_member (usage, "completion_tokens"));
  g_assert_nonnull (soup_message_headers_get_one (soup_message_get_response_headers (msg),
                                                  "x-ratelimit-reset-tokens"));

  /* Same seed and request, same answer; another seed, another answer. */
  again = chat (session, sim, &spec, NULL, &status, NULL);
  g_assert_cmpstr (content_of (again, NULL), ==, content);
  synth_sim_set_seed (sim, 4242);
  other = chat (session, sim, &spec, NULL, &status, NULL);
  g_assert_cmpstr (content_of (other, NULL), !=, content);
  assert_records_honour_plan (content_of (other, NULL), 100, G_N_ELEMENTS (plan_slots));

  synth_sim_get_stats (sim, &stats);
  g_assert_cmpuint (stats.completions, ==, 3);
  g_assert_cmpuint (stats.records, ==, 3 * G_N_ELEMENTS (plan_slots));
}

typedef struct
{
  GString *content;
  guint n_events;
  gboolean role_first;
  char *finish_reason;
  gboolean usage_seen;
  gint64 completion_tokens;
  gboolean done_seen;
  gboolean error_event;
  gint64 first_content_us;
} StreamResult;

static void
stream_result_clear (StreamResult *r)
{
  g_string_free (r->content, TRUE);
  g_free (r->finish_reason);
}

static void
handle_event (StreamResult *r, const char *data)
{
  g_autoptr (JsonNode) node = NULL;
  JsonObject *object;
  JsonArray *choices;

  if (g_str_equal (data, "[DONE]"))
    {
      r->done_seen = TRUE;
      return;
    }
  g_assert_false (r->done_seen);
  node = json_from_string (data, NULL);
  g_assert_nonnull (node);
  object = json_node_get_object (node);
  if (json_object_has_member (object, "error"))
    {
      r->error_event = TRUE;
      return;
    }
  g_assert_cmpstr (json_object_get_string_member (object, "object"), ==, "chat.completion.chunk");
  choices = json_object_get_array_member (object, "choices");
  if (json_array_get_length (choices) == 0)
    {
      JsonObject *usage = json_object_get_object_member (object, "usage");
      r->usage_seen = TRUE;
      r->completion_tokens = json_object_get_int_member (usage, "completion_tokens");
      return;
    }
  g_assert_false (r->usage_seen);
  {
    JsonObject *choice = json_array_get_object_element (choices, 0);
    JsonObject *delta = json_object_get_object_member (choice, "delta");
    const char *text = json_object_get_string_member_with_default (delta, "content", NULL);

    if (r->n_events == 0)
      r->role_first = json_object_has_member (delta, "role") && (text == NULL || *text == '\0');
    else
      g_assert_false (json_object_has_member (delta, "role"));
    if (text != NULL && *text != '\0' && r->first_content_us == 0)
      r->first_content_us = g_get_monotonic_time ();
    if (text != NULL)
      g_string_append (r->content, text);
    if (!json_object_get_null_member (choice, "finish_reason"))
      r->finish_reason = g_strdup (json_object_get_string_member (choice, "finish_reason"));
  }
  r->n_events++;
}

/* Reads an SSE body line by line: "data: …" lines, each followed by a
 * blank line. Returns FALSE if the stream broke off (error in @error). */
static gboolean
read_stream (SoupSession *session, SoupMessage *msg, StreamResult *r, GError **error)
{
  g_autoptr (GInputStream) in = soup_session_send (session, msg, NULL, error);
  g_autoptr (GDataInputStream) data = NULL;
  gboolean expect_blank = FALSE;

  r->content = g_string_new (NULL);
  if (in == NULL)
    return FALSE;
  g_assert_cmpuint (soup_message_get_status (msg), ==, 200);
  g_assert_true (g_str_has_prefix (
      soup_message_headers_get_content_type (soup_message_get_response_headers (msg), NULL),
      "text/event-stream"));
  data = g_data_input_stream_new (in);
  g_data_input_stream_set_newline_type (data, G_DATA_STREAM_NEWLINE_TYPE_LF);
  for (;;)
    {
      gsize len;
      g_autofree char *line = g_data_input_stream_read_line (data, &len, NULL, error);

      if (line == NULL)
        return *error == NULL;
      if (expect_blank)
        {
          g_assert_cmpstr (line, ==, "");
          expect_blank = FALSE;
          continue;
        }
      g_assert_true (g_str_has_prefix (line, "data: "));
      handle_event (r, line + strlen ("data: "));
      expect_blank = TRUE;
    }
}

static void
test_streamed_answer (void)
{
  g_autoptr (SynthSim) sim = start_sim ();
  g_autoptr (SoupSession) session = new_session (10);
  RequestSpec spec = { .stream = TRUE, .format = "json_schema", .n_slots = 6 };
  RequestSpec plain = spec;
  g_autofree char *body = request_body (&spec);
  g_autoptr (SoupMessage) msg =
      new_message ("POST", synth_sim_get_base_url (sim), "/chat/completions", body, NULL);
  g_autoptr (JsonNode) plain_answer = NULL;
  g_autoptr (GError) error = NULL;
  StreamResult r = { 0 };
  SynthSimStats stats;
  guint status;

  g_assert_true (read_stream (session, msg, &r, &error));
  g_assert_no_error (error);
  g_assert_true (r.role_first);
  g_assert_cmpuint (r.n_events, >, 10); /* pieces, not one blob */
  g_assert_cmpstr (r.finish_reason, ==, "stop");
  g_assert_true (r.usage_seen);
  g_assert_cmpint (r.completion_tokens, ==, (g_utf8_strlen (r.content->str, -1) + 3) / 4);
  g_assert_true (r.done_seen);
  assert_records_honour_plan (r.content->str, 0, 6);

  /* The same request unstreamed gives the same text. */
  plain.stream = FALSE;
  plain_answer = chat (session, sim, &plain, NULL, &status, NULL);
  g_assert_cmpstr (content_of (plain_answer, NULL), ==, r.content->str);

  synth_sim_get_stats (sim, &stats);
  g_assert_cmpuint (stats.streamed, ==, 1);
  g_assert_cmpuint (stats.first_record_count, ==, 1);
  stream_result_clear (&r);
}

static void
test_json_schema_off (void)
{
  g_autoptr (SynthSim) sim = start_sim ();
  g_autoptr (SoupSession) session = new_session (10);
  RequestSpec schema = { .format = "json_schema", .n_slots = 2 };
  RequestSpec object = { .format = "json_object", .n_slots = 2 };
  RequestSpec mct = {
    .format = "json_object", .limit_name = "max_completion_tokens", .limit = 5000, .n_slots = 2
  };
  RequestSpec mt = {
    .format = "json_object", .limit_name = "max_tokens", .limit = 5000, .n_slots = 2
  };
  g_autoptr (JsonNode) a = NULL, b = NULL, c = NULL, d = NULL;
  guint status;

  synth_sim_set_json_schema_supported (sim, FALSE);
  synth_sim_set_max_completion_tokens_supported (sim, FALSE);
  a = chat (session, sim, &schema, NULL, &status, NULL);
  g_assert_cmpuint (status, ==, 400);
  assert_error_body (a, "invalid_request_error", "response_format", "invalid_value");
  b = chat (session, sim, &object, NULL, &status, NULL);
  g_assert_cmpuint (status, ==, 200);
  assert_records_honour_plan (content_of (b, NULL), 0, 2);
  c = chat (session, sim, &mct, NULL, &status, NULL);
  g_assert_cmpuint (status, ==, 400);
  assert_error_body (c, "invalid_request_error", "max_completion_tokens", "unknown_parameter");
  d = chat (session, sim, &mt, NULL, &status, NULL);
  g_assert_cmpuint (status, ==, 200);
}

static void
test_strict_schema_checked (void)
{
  g_autoptr (SynthSim) sim = start_sim ();
  g_autoptr (SoupSession) session = new_session (10);
  g_autoptr (SoupMessage) msg = NULL;
  g_autoptr (JsonNode) node = NULL;
  const char *body =
      "{\"model\":\"gpt-4o-mini\",\"messages\":[{\"role\":\"user\",\"content\":\"[]\"}],"
      "\"response_format\":{\"type\":\"json_schema\",\"json_schema\":{\"name\":\"r\","
      "\"strict\":true,\"schema\":{\"type\":\"object\",\"properties\":{\"a\":{\"type\":"
      "\"string\"}},\"required\":[\"a\"]}}}}";
  guint status;

  msg = new_message ("POST", synth_sim_get_base_url (sim), "/chat/completions", body, NULL);
  node = send_json (session, msg, &status);
  g_assert_cmpuint (status, ==, 400);
  assert_error_body (node, "invalid_request_error", "response_format", NULL);
}

/* Parses OpenAI's reset durations ("1s", "6m0s", "20ms", "1m30.5s"). */
static gint64
parse_duration_ms (const char *text)
{
  gint64 total = 0;
  const char *p = text;

  while (*p != '\0')
    {
      char *end;
      double value = g_ascii_strtod (p, &end);

      g_assert_true (end != p);
      if (g_str_has_prefix (end, "ms"))
        total += (gint64) value, p = end + 2;
      else if (*end == 'h')
        total += (gint64) (value * 3600000), p = end + 1;
      else if (*end == 'm')
        total += (gint64) (value * 60000), p = end + 1;
      else if (*end == 's')
        total += (gint64) (value * 1000 + 0.5), p = end + 1;
      else
        g_assert_not_reached ();
    }
  return total;
}

static void
test_duration_format (void)
{
  static const struct
  {
    gint64 ms;
    const char *text;
  } cases[] = {
    { 0, "0s" },        { 20, "20ms" },        { 999, "999ms" },         { 1000, "1s" },
    { 1500, "1.5s" },   { 59999, "59.999s" },  { 60000, "1m0s" },        { 90500, "1m30.5s" },
    { 360000, "6m0s" }, { 3600000, "1h0m0s" }, { 3723250, "1h2m3.25s" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *text = sim_format_duration (cases[i].ms);
      g_assert_cmpstr (text, ==, cases[i].text);
      g_assert_cmpint (parse_duration_ms (text), ==, cases[i].ms);
    }
}

static void
test_rpm_limit (void)
{
  g_autoptr (SynthSim) sim = start_sim ();
  g_autoptr (SoupSession) session = new_session (10);
  RequestSpec spec = { .n_slots = 1, .format = "json_object" };
  g_autoptr (SoupMessage) m1 = NULL, m2 = NULL, m3 = NULL;
  g_autoptr (JsonNode) a = NULL, b = NULL, c = NULL;
  SoupMessageHeaders *h;
  SynthSimStats stats;
  guint status;
  gint64 retry_ms, reset_ms;

  synth_sim_set_rate_limits (sim, 2, 1000000);
  a = chat (session, sim, &spec, NULL, &status, &m1);
  g_assert_cmpuint (status, ==, 200);
  h = soup_message_get_response_headers (m1);
  g_assert_cmpstr (soup_message_headers_get_one (h, "x-ratelimit-limit-requests"), ==, "2");
  g_assert_cmpstr (soup_message_headers_get_one (h, "x-ratelimit-remaining-requests"), ==, "1");
  b = chat (session, sim, &spec, NULL, &status, &m2);
  g_assert_cmpuint (status, ==, 200);
  g_assert_cmpstr (soup_message_headers_get_one (soup_message_get_response_headers (m2),
                                                 "x-ratelimit-remaining-requests"),
                   ==, "0");

  c = chat (session, sim, &spec, NULL, &status, &m3);
  g_assert_cmpuint (status, ==, 429);
  assert_error_body (c, "requests", NULL, "rate_limit_exceeded");
  h = soup_message_get_response_headers (m3);
  /* One request comes back every 30 s at 2 RPM; most of that is left. */
  retry_ms = g_ascii_strtoll (soup_message_headers_get_one (h, "retry-after-ms"), NULL, 10);
  g_assert_cmpint (retry_ms, >, 25000);
  g_assert_cmpint (retry_ms, <=, 30000);
  g_assert_cmpint (g_ascii_strtoll (soup_message_headers_get_one (h, "retry-after"), NULL, 10), ==,
                   (retry_ms + 999) / 1000);
  reset_ms = parse_duration_ms (soup_message_headers_get_one (h, "x-ratelimit-reset-requests"));
  g_assert_cmpint (reset_ms, >, 55000);
  g_assert_cmpint (reset_ms, <=, 60000);
  g_assert_true (
      g_regex_match_simple ("^(\\d+m)?\\d+(\\.\\d+)?s$",
                            soup_message_headers_get_one (h, "x-ratelimit-reset-requests"), 0, 0));
  g_assert_cmpstr (soup_message_headers_get_one (h, "x-ratelimit-remaining-requests"), ==, "0");

  synth_sim_get_stats (sim, &stats);
  g_assert_cmpuint (stats.rate_limited, ==, 1);
  g_assert_cmpuint (stats.completions, ==, 2);
}

static void
test_tpm_limit (void)
{
  g_autoptr (SynthSim) sim = start_sim ();
  g_autoptr (SoupSession) session = new_session (10);
  RequestSpec spec = {
    .n_slots = 1, .format = "json_object", .limit_name = "max_tokens", .limit = 3000
  };
  g_autoptr (SoupMessage) m2 = NULL;
  g_autoptr (JsonNode) a = NULL, b = NULL;
  const char *remaining;
  guint status;

  /* 3000 + the prompt is charged up front; the unused part comes back. */
  synth_sim_set_rate_limits (sim, 1000, 6000);
  a = chat (session, sim, &spec, NULL, &status, NULL);
  g_assert_cmpuint (status, ==, 200);
  b = chat (session, sim, &spec, NULL, &status, &m2);
  g_assert_cmpuint (status, ==, 200);
  remaining = soup_message_headers_get_one (soup_message_get_response_headers (m2),
                                            "x-ratelimit-remaining-tokens");
  /* The first answer was settled: far less than 2 × 3000 is gone. */
  g_assert_cmpint (g_ascii_strtoll (remaining, NULL, 10), >, 6000 - 3000 - 2 * 1200);
  g_assert_cmpint (g_ascii_strtoll (remaining, NULL, 10), <, 3000);
}

static void
test_insufficient_quota (void)
{
  g_autoptr (SynthSim) sim = start_sim ();
  g_autoptr (SoupSession) session = new_session (10);
  RequestSpec spec = { .n_slots = 1 };
  g_autoptr (SoupMessage) msg = NULL;
  g_autoptr (JsonNode) node = NULL;
  SynthSimStats stats;
  guint status;

  synth_sim_set_quota_exhausted (sim, TRUE);
  node = chat (session, sim, &spec, NULL, &status, &msg);
  g_assert_cmpuint (status, ==, 429);
  assert_error_body (node, "insufficient_quota", NULL, "insufficient_quota");
  /* Waiting does not help, so there is nothing to wait for. */
  g_assert_null (
      soup_message_headers_get_one (soup_message_get_response_headers (msg), "retry-after"));
  synth_sim_get_stats (sim, &stats);
  g_assert_cmpuint (stats.quota_errors, ==, 1);
  g_assert_cmpuint (stats.rate_limited, ==, 0);
}

static SynthSim *
start_faulty_sim (SynthSimFault fault)
{
  SynthSim *sim = start_sim ();

  synth_sim_set_fault_rate (sim, fault, 1.0);
  return sim;
}

static void
assert_fault_counted (SynthSim *sim, SynthSimFault fault, guint64 n)
{
  SynthSimStats stats;

  synth_sim_get_stats (sim, &stats);
  for (guint i = 0; i < SYNTH_SIM_N_FAULTS; i++)
    g_assert_cmpuint (stats.faults[i], ==, i == fault ? n : 0);
}

static void
test_fault_5xx (void)
{
  g_autoptr (SynthSim) sim = start_faulty_sim (SYNTH_SIM_FAULT_5XX);
  g_autoptr (SoupSession) session = new_session (10);
  RequestSpec spec = { .n_slots = 2, .format = "json_object" };
  g_autofree char *body = request_body (&spec);

  for (int i = 0; i < 4; i++)
    {
      g_autoptr (SoupMessage) msg =
          new_message ("POST", synth_sim_get_base_url (sim), "/chat/completions", body, NULL);
      g_autoptr (GBytes) reply = soup_session_send_and_read (session, msg, NULL, NULL);
      guint status = soup_message_get_status (msg);

      g_assert_true (status == 500 || status == 502 || status == 503);
    }
  assert_fault_counted (sim, SYNTH_SIM_FAULT_5XX, 4);
}

static void
test_fault_stall (void)
{
  g_autoptr (SynthSim) sim = start_faulty_sim (SYNTH_SIM_FAULT_STALL);
  g_autoptr (SoupSession) session = new_session (1);
  RequestSpec spec = { .n_slots = 2, .format = "json_object" };
  g_autofree char *body = request_body (&spec);
  g_autoptr (SoupMessage) msg =
      new_message ("POST", synth_sim_get_base_url (sim), "/chat/completions", body, NULL);
  g_autoptr (GError) error = NULL;
  g_autoptr (GBytes) reply = NULL;
  SynthSimStats stats;

  synth_sim_set_stall_ms (sim, 60000);
  reply = soup_session_send_and_read (session, msg, NULL, &error);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT);
  assert_fault_counted (sim, SYNTH_SIM_FAULT_STALL, 1);

  /* The simulator notices the client gave up and frees the stream. */
  for (int i = 0; i < 100; i++)
    {
      synth_sim_get_stats (sim, &stats);
      if (stats.active_streams == 0)
        break;
      g_usleep (20000);
    }
  g_assert_cmpuint (stats.active_streams, ==, 0);
  g_assert_cmpuint (stats.client_disconnects, ==, 1);

  /* Streamed, it stops part-way: the headers came, the rest does not. */
  {
    RequestSpec streamed = { .n_slots = 2, .format = "json_object", .stream = TRUE };
    g_autofree char *stream_body = request_body (&streamed);
    g_autoptr (SoupMessage) stream_msg =
        new_message ("POST", synth_sim_get_base_url (sim), "/chat/completions", stream_body, NULL);
    g_autoptr (GError) stream_error = NULL;
    StreamResult r = { 0 };

    g_assert_false (read_stream (session, stream_msg, &r, &stream_error));
    g_assert_error (stream_error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT);
    g_assert_true (r.role_first);
    g_assert_false (r.done_seen);
    stream_result_clear (&r);
  }
  assert_fault_counted (sim, SYNTH_SIM_FAULT_STALL, 2);
}

static void
test_fault_drop (void)
{
  g_autoptr (SynthSim) sim = start_faulty_sim (SYNTH_SIM_FAULT_DROP);
  g_autoptr (SoupSession) session = new_session (10);
  RequestSpec spec = { .n_slots = 3, .format = "json_object", .stream = TRUE };
  g_autofree char *body = request_body (&spec);
  g_autoptr (SoupMessage) msg =
      new_message ("POST", synth_sim_get_base_url (sim), "/chat/completions", body, NULL);
  g_autoptr (GError) error = NULL;
  StreamResult r = { 0 };
  gboolean complete;

  complete = read_stream (session, msg, &r, &error);
  /* The connection ends mid-stream: no [DONE], and no clean end either. */
  g_assert_false (r.done_seen);
  g_assert_false (complete && error == NULL && r.finish_reason != NULL);
  stream_result_clear (&r);

  /* Unstreamed, the answer never arrives. */
  {
    RequestSpec plain = { .n_slots = 3, .format = "json_object" };
    g_autofree char *plain_body = request_body (&plain);
    g_autoptr (SoupMessage) plain_msg =
        new_message ("POST", synth_sim_get_base_url (sim), "/chat/completions", plain_body, NULL);
    g_autoptr (GError) plain_error = NULL;
    g_autoptr (GBytes) reply = soup_session_send_and_read (session, plain_msg, NULL, &plain_error);

    g_assert_nonnull (plain_error);
  }
  assert_fault_counted (sim, SYNTH_SIM_FAULT_DROP, 2);
}

static void
test_fault_malformed (void)
{
  g_autoptr (SynthSim) sim = start_faulty_sim (SYNTH_SIM_FAULT_MALFORMED);
  g_autoptr (SoupSession) session = new_session (10);

  for (guint n = 1; n <= 5; n++)
    {
      RequestSpec spec = { .n_slots = n, .format = "json_object" };
      g_autoptr (JsonNode) node = NULL;
      g_autoptr (JsonParser) parser = json_parser_new ();
      const char *content;
      guint status;

      node = chat (session, sim, &spec, NULL, &status, NULL);
      g_assert_cmpuint (status, ==, 200);
      content = content_of (node, NULL);
      g_assert_false (json_parser_load_from_data (parser, content, -1, NULL));
    }
  assert_fault_counted (sim, SYNTH_SIM_FAULT_MALFORMED, 5);
}

static void
test_fault_truncated (void)
{
  g_autoptr (SynthSim) sim = start_sim ();
  g_autoptr (SoupSession) session = new_session (10);
  RequestSpec spec = { .n_slots = 4, .format = "json_object" };
  g_autoptr (JsonNode) full = NULL, cut = NULL;
  g_autoptr (JsonParser) parser = json_parser_new ();
  const char *finish, *text;
  guint status;

  full = chat (session, sim, &spec, NULL, &status, NULL);
  synth_sim_set_fault_rate (sim, SYNTH_SIM_FAULT_TRUNCATED, 1.0);
  cut = chat (session, sim, &spec, NULL, &status, NULL);
  g_assert_cmpuint (status, ==, 200);
  text = content_of (cut, &finish);
  g_assert_cmpstr (finish, ==, "length");
  g_assert_true (g_str_has_prefix (content_of (full, NULL), text));
  g_assert_cmpuint (strlen (text), <, strlen (content_of (full, NULL)));
  g_assert_false (json_parser_load_from_data (parser, text, -1, NULL));
  assert_fault_counted (sim, SYNTH_SIM_FAULT_TRUNCATED, 1);
}

/* Is every record of @content exactly what its slot planned? */
static gboolean
answer_honours_plan (const char *content, guint n)
{
  g_autoptr (JsonNode) node = json_from_string (content, NULL);
  JsonArray *records = json_object_get_array_member (json_node_get_object (node), "records");

  if (json_array_get_length (records) != n)
    return FALSE;
  for (guint i = 0; i < n; i++)
    {
      JsonObject *r = json_array_get_object_element (records, i);
      gint64 slot = json_object_get_int_member (r, "slot");
      const PlanSlot *s = &plan_slots[slot % G_N_ELEMENTS (plan_slots)];

      if (slot < 0 || slot >= n || json_object_get_int_member (r, "match_label") != s->label ||
          g_strcmp0 (json_object_get_string_member (r, "bias_type"), s->bias_type) != 0)
        return FALSE;
    }
  return TRUE;
}

static void
test_fault_wrong_slot (void)
{
  g_autoptr (SynthSim) sim = start_faulty_sim (SYNTH_SIM_FAULT_WRONG_SLOT);
  g_autoptr (SoupSession) session = new_session (10);

  for (guint n = 2; n <= 7; n++)
    {
      RequestSpec spec = { .n_slots = n, .format = "json_object" };
      g_autoptr (JsonNode) node = NULL;
      guint status;

      node = chat (session, sim, &spec, NULL, &status, NULL);
      g_assert_cmpuint (status, ==, 200);
      g_assert_false (answer_honours_plan (content_of (node, NULL), n));
    }
  assert_fault_counted (sim, SYNTH_SIM_FAULT_WRONG_SLOT, 6);
}

static void
test_fault_mix (void)
{
  g_autoptr (SynthSim) sim = start_sim ();
  g_autoptr (SoupSession) session = new_session (10);
  RequestSpec spec = { .n_slots = 1, .format = "json_object" };
  g_autofree char *body = request_body (&spec);
  guint mask = 0;
  SynthSimStats stats;
  guint64 total = 0;
  g_autoptr (GError) error = NULL;

  /* No stalls here: they would cost the time a client takes to give up. */
  g_assert_true (
      synth_sim_parse_fault_kinds ("5xx, malformed,truncated,wrong-slot", &mask, &error));
  g_assert_false (synth_sim_parse_fault_kinds ("5xx,bogus", &mask, NULL));
  synth_sim_set_fault_rates (sim, 0.2, mask);
  for (int i = 0; i < 60; i++)
    {
      g_autoptr (SoupMessage) msg =
          new_message ("POST", synth_sim_get_base_url (sim), "/chat/completions", body, NULL);
      g_autoptr (GBytes) reply = soup_session_send_and_read (session, msg, NULL, NULL);
    }
  synth_sim_get_stats (sim, &stats);
  for (guint i = 0; i < SYNTH_SIM_N_FAULTS; i++)
    total += stats.faults[i];
  g_assert_cmpuint (stats.faults[SYNTH_SIM_FAULT_STALL], ==, 0);
  g_assert_cmpuint (stats.faults[SYNTH_SIM_FAULT_DROP], ==, 0);
  /* 80% of 60 requests faulted on average; each chosen kind turns up. */
  g_assert_cmpuint (total, >=, 30);
  g_assert_cmpuint (total, <=, 60);
  g_assert_cmpuint (stats.faults[SYNTH_SIM_FAULT_5XX], >, 0);
  g_assert_cmpuint (stats.faults[SYNTH_SIM_FAULT_WRONG_SLOT], >, 0);
}

typedef struct
{
  guint pending;
  guint statuses[8];
  guint n;
} AsyncState;

static void
on_sent (GObject *source, GAsyncResult *result, gpointer user_data)
{
  AsyncState *state = user_data;
  SoupMessage *msg = soup_session_get_async_result_message (SOUP_SESSION (source), result);
  g_autoptr (GBytes) body = soup_session_send_and_read_finish (SOUP_SESSION (source), result, NULL);

  state->statuses[state->n++] = soup_message_get_status (msg);
  state->pending--;
}

/* The simulator in the test's own main context, driven by an async client. */
static void
test_max_streams_same_context (void)
{
  g_autoptr (SynthSim) sim = synth_sim_new ();
  g_autoptr (SoupSession) session = new_session (10);
  g_autoptr (GError) error = NULL;
  RequestSpec spec = { .n_slots = 2, .format = "json_object" };
  g_autofree char *body = request_body (&spec);
  AsyncState state = { 0 };
  guint ok = 0, limited = 0;
  SynthSimStats stats;

  synth_sim_set_max_streams (sim, 2);
  synth_sim_set_ttft_ms (sim, 300);
  g_assert_true (synth_sim_start (sim, &error));
  g_assert_no_error (error);
  for (int i = 0; i < 4; i++)
    {
      g_autoptr (SoupMessage) msg =
          new_message ("POST", synth_sim_get_base_url (sim), "/chat/completions", body, NULL);
      state.pending++;
      soup_session_send_and_read_async (session, msg, G_PRIORITY_DEFAULT, NULL, on_sent, &state);
    }
  while (state.pending > 0)
    g_main_context_iteration (NULL, TRUE);

  for (guint i = 0; i < state.n; i++)
    {
      ok += state.statuses[i] == 200;
      limited += state.statuses[i] == 429;
    }
  g_assert_cmpuint (ok, ==, 2);
  g_assert_cmpuint (limited, ==, 2);
  synth_sim_get_stats (sim, &stats);
  g_assert_cmpuint (stats.max_active_streams, ==, 2);
  g_assert_cmpuint (stats.rate_limited_streams, ==, 2);
  g_assert_cmpuint (stats.active_streams, ==, 0);
  synth_sim_stop (sim);
}

static void
test_timing (void)
{
  g_autoptr (SynthSim) sim = start_sim ();
  g_autoptr (SoupSession) session = new_session (10);
  RequestSpec spec = { .stream = TRUE, .n_slots = 1, .format = "json_object" };
  g_autofree char *body = request_body (&spec);
  g_autoptr (SoupMessage) msg =
      new_message ("POST", synth_sim_get_base_url (sim), "/chat/completions", body, NULL);
  g_autoptr (GError) error = NULL;
  StreamResult r = { 0 };
  gint64 start = g_get_monotonic_time (), total_us;
  double tps = 4000;

  synth_sim_set_ttft_ms (sim, 250);
  synth_sim_set_tokens_per_second (sim, tps);
  g_assert_true (read_stream (session, msg, &r, &error));
  total_us = g_get_monotonic_time () - start;
  /* No first token before the TTFT, no end before the tokens could be made. */
  g_assert_cmpint (r.first_content_us - start, >=, 250000);
  g_assert_cmpint (total_us, >=, 250000 + (gint64) (r.completion_tokens * 1e6 / tps) - 20000);
  stream_result_clear (&r);
}

static char *
get_text (
    SoupSession *session, const char *method, const char *url, const char *body, guint *status)
{
  g_autoptr (SoupMessage) msg = soup_message_new (method, url);
  g_autoptr (GBytes) reply = NULL;

  if (body != NULL)
    {
      g_autoptr (GBytes) bytes = g_bytes_new (body, strlen (body));
      soup_message_set_request_body_from_bytes (msg, "application/json", bytes);
    }
  reply = soup_session_send_and_read (session, msg, NULL, NULL);
  *status = soup_message_get_status (msg);
  return g_strndup (g_bytes_get_data (reply, NULL), g_bytes_get_size (reply));
}

static void
test_control_endpoints (void)
{
  g_autoptr (SynthSim) sim = start_sim ();
  g_autoptr (SoupSession) session = new_session (10);
  g_autofree char *root = g_strndup (synth_sim_get_base_url (sim),
                                     strlen (synth_sim_get_base_url (sim)) - strlen ("/v1"));
  g_autofree char *stats_url = g_strconcat (root, "/sim/stats", NULL);
  g_autofree char *config_url = g_strconcat (root, "/sim/config", NULL);
  g_autofree char *log_url = g_strconcat (root, "/sim/log", NULL);
  g_autofree char *reset_url = g_strconcat (root, "/sim/reset", NULL);
  RequestSpec spec = { .n_slots = 1, .format = "json_object" };
  g_autoptr (JsonNode) a = NULL, b = NULL, stats = NULL, log = NULL;
  g_autofree char *text = NULL, *bad = NULL, *log_text = NULL, *reset = NULL, *after = NULL;
  guint status;

  text = get_text (
      session, "POST", config_url,
      "{\"rpm\": 1, \"fault_kinds\": \"wrong-slot\", \"fault_rate\": 0, \"api_key\": \"k-123\"}",
      &status);
  g_assert_cmpuint (status, ==, 200);
  g_assert_nonnull (strstr (text, "\"rpm\" : 1"));
  g_assert_null (strstr (text, "k-123")); /* the key is never shown */
  bad = get_text (session, "POST", config_url, "{\"rmp\": 1}", &status);
  g_assert_cmpuint (status, ==, 400);

  a = chat (session, sim, &spec, "k-123", &status, NULL);
  g_assert_cmpuint (status, ==, 200);
  b = chat (session, sim, &spec, "k-123", &status, NULL);
  g_assert_cmpuint (status, ==, 429);

  g_free (text);
  text = get_text (session, "GET", stats_url, NULL, &status);
  g_assert_cmpuint (status, ==, 200);
  stats = json_from_string (text, NULL);
  g_assert_cmpint (json_object_get_int_member (json_node_get_object (stats), "requests"), ==, 2);
  g_assert_cmpint (json_object_get_int_member (json_node_get_object (stats), "rate_limited"), ==,
                   1);
  g_assert_cmpint (
      json_object_get_int_member (
          json_object_get_object_member (json_node_get_object (stats), "faults"), "5xx"),
      ==, 0);

  log_text = get_text (session, "GET", log_url, NULL, &status);
  log = json_from_string (log_text, NULL);
  g_assert_cmpuint (json_array_get_length (json_node_get_array (log)), ==, 2);
  g_assert_cmpint (json_object_get_int_member (
                       json_array_get_object_element (json_node_get_array (log), 1), "status"),
                   ==, 429);

  reset = get_text (session, "POST", reset_url, "{}", &status);
  g_assert_cmpuint (status, ==, 200);
  after = get_text (session, "GET", stats_url, NULL, &status);
  g_assert_nonnull (strstr (after, "\"requests\" : 0"));
}

static void
test_no_slot_plan (void)
{
  g_autoptr (SynthSim) sim = start_sim ();
  g_autoptr (SoupSession) session = new_session (10);
  g_autoptr (SoupMessage) msg = NULL;
  g_autoptr (JsonNode) node = NULL;
  const char *body =
      "{\"model\":\"gpt-4o-mini\",\"messages\":[{\"role\":\"user\",\"content\":\"Say hi\"}],"
      "\"response_format\":{\"type\":\"json_object\"}}";
  guint status;

  /* json_object needs the word JSON somewhere in the messages, as at OpenAI. */
  msg = new_message ("POST", synth_sim_get_base_url (sim), "/chat/completions", body, NULL);
  node = send_json (session, msg, &status);
  g_assert_cmpuint (status, ==, 400);
  assert_error_body (node, "invalid_request_error", "messages", NULL);
}

static void
on_sent_after_stop (GObject *source, GAsyncResult *result, gpointer user_data)
{
  gboolean *done = user_data;
  g_autoptr (GError) error = NULL;
  g_autoptr (GBytes) body =
      soup_session_send_and_read_finish (SOUP_SESSION (source), result, &error);

  /* The answer never came: the simulator went away under it. */
  g_assert_nonnull (error);
  *done = TRUE;
}

static void
test_stop_in_flight (void)
{
  g_autoptr (SynthSim) sim = start_sim ();
  g_autoptr (SoupSession) session = new_session (10);
  RequestSpec spec = { .n_slots = 2, .format = "json_object" };
  g_autofree char *body = request_body (&spec);
  g_autoptr (SoupMessage) msg =
      new_message ("POST", synth_sim_get_base_url (sim), "/chat/completions", body, NULL);
  SynthSimStats stats = { 0 };
  gboolean done = FALSE;

  synth_sim_set_ttft_ms (sim, 10000);
  soup_session_send_and_read_async (session, msg, G_PRIORITY_DEFAULT, NULL, on_sent_after_stop,
                                    &done);
  for (int i = 0; i < 500 && stats.active_streams == 0; i++)
    {
      g_main_context_iteration (NULL, FALSE);
      g_usleep (2000);
      synth_sim_get_stats (sim, &stats);
    }
  g_assert_cmpuint (stats.active_streams, ==, 1);
  synth_sim_stop (sim);
  synth_sim_get_stats (sim, &stats);
  g_assert_cmpuint (stats.active_streams, ==, 0);
  while (!done)
    g_main_context_iteration (NULL, TRUE);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/openai-sim/models", test_models);
  g_test_add_func ("/openai-sim/wrong-key", test_wrong_key);
  g_test_add_func ("/openai-sim/unknown-model", test_unknown_model);
  g_test_add_func ("/openai-sim/plain-answer", test_plain_answer);
  g_test_add_func ("/openai-sim/streamed-answer", test_streamed_answer);
  g_test_add_func ("/openai-sim/json-schema-off", test_json_schema_off);
  g_test_add_func ("/openai-sim/strict-schema-checked", test_strict_schema_checked);
  g_test_add_func ("/openai-sim/no-slot-plan", test_no_slot_plan);
  g_test_add_func ("/openai-sim/duration-format", test_duration_format);
  g_test_add_func ("/openai-sim/rpm-limit", test_rpm_limit);
  g_test_add_func ("/openai-sim/tpm-limit", test_tpm_limit);
  g_test_add_func ("/openai-sim/insufficient-quota", test_insufficient_quota);
  g_test_add_func ("/openai-sim/fault/5xx", test_fault_5xx);
  g_test_add_func ("/openai-sim/fault/stall", test_fault_stall);
  g_test_add_func ("/openai-sim/fault/drop", test_fault_drop);
  g_test_add_func ("/openai-sim/fault/malformed", test_fault_malformed);
  g_test_add_func ("/openai-sim/fault/truncated", test_fault_truncated);
  g_test_add_func ("/openai-sim/fault/wrong-slot", test_fault_wrong_slot);
  g_test_add_func ("/openai-sim/fault/mix", test_fault_mix);
  g_test_add_func ("/openai-sim/max-streams-same-context", test_max_streams_same_context);
  g_test_add_func ("/openai-sim/timing", test_timing);
  g_test_add_func ("/openai-sim/control-endpoints", test_control_endpoints);
  g_test_add_func ("/openai-sim/stop-in-flight", test_stop_in_flight);

  return g_test_run ();
}
