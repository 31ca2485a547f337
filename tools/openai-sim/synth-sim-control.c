/* synth-sim-control.c — the simulator's own endpoints for tests and
 * benchmarks that run it as a subprocess: GET /sim/stats, GET /sim/log,
 * GET|POST /sim/config, POST /sim/reset, and the JSON behind them. */
#include "synth-sim-private.h"

#include <string.h>

/* ---- small JSON helpers ------------------------------------------------- */

void
sim_builder_add_int (JsonBuilder *builder, const char *name, gint64 value)
{
  json_builder_set_member_name (builder, name);
  json_builder_add_int_value (builder, value);
}

void
sim_builder_add_bool (JsonBuilder *builder, const char *name, gboolean value)
{
  json_builder_set_member_name (builder, name);
  json_builder_add_boolean_value (builder, value);
}

char *
sim_builder_to_string (JsonBuilder *builder)
{
  g_autoptr (JsonGenerator) generator = json_generator_new ();
  g_autoptr (JsonNode) root = json_builder_get_root (builder);

  json_generator_set_root (generator, root);
  json_generator_set_pretty (generator, TRUE);
  return json_generator_to_data (generator, NULL);
}

/* ---- configuration as JSON (POST /sim/config) ------------------------- */

static gboolean
apply_fault_kinds (SimConfig *config, JsonNode *kinds, double rate, GError **error)
{
  g_autoptr (GString) list = g_string_new (NULL);
  guint mask;

  if (JSON_NODE_HOLDS_ARRAY (kinds))
    {
      JsonArray *array = json_node_get_array (kinds);
      for (guint i = 0; i < json_array_get_length (array); i++)
        g_string_append_printf (list, "%s,", json_array_get_string_element (array, i));
    }
  else if (JSON_NODE_HOLDS_VALUE (kinds) && json_node_get_value_type (kinds) == G_TYPE_STRING)
    g_string_append (list, json_node_get_string (kinds));
  else
    {
      g_set_error_literal (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                           "“fault_kinds” must be a list or a comma-separated string");
      return FALSE;
    }
  if (!synth_sim_parse_fault_kinds (list->str, &mask, error))
    return FALSE;
  for (guint i = 0; i < SYNTH_SIM_N_FAULTS; i++)
    config->fault_rates[i] = mask & (1u << i) ? CLAMP (rate, 0, 1) : 0;
  return TRUE;
}

static gboolean
apply_fault_rates (SimConfig *config, JsonObject *rates, GError **error)
{
  g_autoptr (GList) members = json_object_get_members (rates);

  for (GList *l = members; l != NULL; l = l->next)
    {
      SynthSimFault fault;

      if (!synth_sim_fault_from_id (l->data, &fault))
        {
          g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                       "Unknown fault kind “%s” in “fault_rates”", (char *) l->data);
          return FALSE;
        }
      config->fault_rates[fault] = CLAMP (json_object_get_double_member (rates, l->data), 0, 1);
    }
  return TRUE;
}

static gboolean
apply_config_member (SynthSim *self, JsonObject *object, const char *name, GError **error)
{
  SimConfig *c = &self->config;
  JsonNode *node = json_object_get_member (object, name);

  if (g_str_equal (name, "api_key"))
    sim_set_api_key_locked (self, JSON_NODE_HOLDS_NULL (node) ? NULL : json_node_get_string (node));
  else if (g_str_equal (name, "models") && JSON_NODE_HOLDS_ARRAY (node))
    {
      JsonArray *array = json_node_get_array (node);
      g_strfreev (c->models);
      c->models = g_new0 (char *, json_array_get_length (array) + 1);
      for (guint i = 0; i < json_array_get_length (array); i++)
        c->models[i] = g_strdup (json_array_get_string_element (array, i));
    }
  else if (g_str_equal (name, "seed"))
    c->seed = json_node_get_int (node);
  else if (g_str_equal (name, "ttft_ms"))
    c->ttft_ms = MAX (json_node_get_int (node), 0);
  else if (g_str_equal (name, "tokens_per_second"))
    c->tokens_per_second = MAX (json_node_get_double (node), 0);
  else if (g_str_equal (name, "rpm"))
    sim_set_rate_limits_locked (self, MAX (json_node_get_int (node), 0), c->tpm);
  else if (g_str_equal (name, "tpm"))
    sim_set_rate_limits_locked (self, c->rpm, MAX (json_node_get_int (node), 0));
  else if (g_str_equal (name, "max_streams"))
    c->max_streams = MAX (json_node_get_int (node), 0);
  else if (g_str_equal (name, "stall_ms"))
    c->stall_ms = MAX (json_node_get_int (node), 0);
  else if (g_str_equal (name, "json_schema"))
    c->json_schema = json_node_get_boolean (node);
  else if (g_str_equal (name, "max_completion_tokens"))
    c->max_completion_tokens = json_node_get_boolean (node);
  else if (g_str_equal (name, "quota_exhausted"))
    c->quota_exhausted = json_node_get_boolean (node);
  else if (g_str_equal (name, "fault_rates") && JSON_NODE_HOLDS_OBJECT (node))
    return apply_fault_rates (c, json_node_get_object (node), error);
  else if (g_str_equal (name, "fault_kinds"))
    {
      double rate = json_object_has_member (object, "fault_rate")
                        ? json_object_get_double_member (object, "fault_rate")
                        : 0;
      return apply_fault_kinds (c, node, rate, error);
    }
  else if (g_str_equal (name, "fault_rate"))
    {
      if (!json_object_has_member (object, "fault_kinds"))
        for (guint i = 0; i < SYNTH_SIM_N_FAULTS; i++)
          if (c->fault_rates[i] > 0)
            c->fault_rates[i] = CLAMP (json_node_get_double (node), 0, 1);
    }
  else
    {
      g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                   "Unknown or malformed configuration member “%s”", name);
      return FALSE;
    }
  return TRUE;
}

gboolean
synth_sim_apply_config_json (SynthSim *self, const char *json, GError **error)
{
  g_autoptr (JsonParser) parser = json_parser_new ();
  g_autoptr (GList) members = NULL;
  JsonObject *object;
  gboolean ok = TRUE;

  g_return_val_if_fail (SYNTH_IS_SIM (self), FALSE);

  if (!json_parser_load_from_data (parser, json, -1, error))
    return FALSE;
  if (!JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
    {
      g_set_error_literal (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                           "The configuration must be a JSON object");
      return FALSE;
    }
  object = json_node_get_object (json_parser_get_root (parser));
  members = json_object_get_members (object);
  g_mutex_lock (&self->lock);
  for (GList *l = members; ok && l != NULL; l = l->next)
    ok = apply_config_member (self, object, l->data, error);
  g_mutex_unlock (&self->lock);
  return ok;
}

char *
synth_sim_dup_config_json (SynthSim *self)
{
  g_autoptr (JsonBuilder) builder = json_builder_new ();
  SimConfig *c = &self->config;

  g_return_val_if_fail (SYNTH_IS_SIM (self), NULL);

  g_mutex_lock (&self->lock);
  json_builder_begin_object (builder);
  sim_builder_add_bool (builder, "api_key_required", c->api_key != NULL);
  json_builder_set_member_name (builder, "models");
  json_builder_begin_array (builder);
  for (guint i = 0; c->models != NULL && c->models[i] != NULL; i++)
    json_builder_add_string_value (builder, c->models[i]);
  json_builder_end_array (builder);
  sim_builder_add_int (builder, "seed", c->seed);
  sim_builder_add_int (builder, "ttft_ms", c->ttft_ms);
  json_builder_set_member_name (builder, "tokens_per_second");
  json_builder_add_double_value (builder, c->tokens_per_second);
  sim_builder_add_int (builder, "rpm", c->rpm);
  sim_builder_add_int (builder, "tpm", c->tpm);
  sim_builder_add_int (builder, "max_streams", c->max_streams);
  sim_builder_add_int (builder, "stall_ms", c->stall_ms);
  json_builder_set_member_name (builder, "fault_rates");
  json_builder_begin_object (builder);
  for (guint i = 0; i < SYNTH_SIM_N_FAULTS; i++)
    {
      json_builder_set_member_name (builder, synth_sim_fault_to_id (i));
      json_builder_add_double_value (builder, c->fault_rates[i]);
    }
  json_builder_end_object (builder);
  sim_builder_add_bool (builder, "json_schema", c->json_schema);
  sim_builder_add_bool (builder, "max_completion_tokens", c->max_completion_tokens);
  sim_builder_add_bool (builder, "quota_exhausted", c->quota_exhausted);
  json_builder_end_object (builder);
  g_mutex_unlock (&self->lock);
  return sim_builder_to_string (builder);
}

char *
synth_sim_dup_stats_json (SynthSim *self)
{
  g_autoptr (JsonBuilder) builder = json_builder_new ();
  SynthSimStats s;

  synth_sim_get_stats (self, &s);
  json_builder_begin_object (builder);
  sim_builder_add_int (builder, "requests", s.requests);
  sim_builder_add_int (builder, "completions", s.completions);
  sim_builder_add_int (builder, "streamed", s.streamed);
  sim_builder_add_int (builder, "rate_limited", s.rate_limited);
  sim_builder_add_int (builder, "rate_limited_streams", s.rate_limited_streams);
  sim_builder_add_int (builder, "quota_errors", s.quota_errors);
  sim_builder_add_int (builder, "auth_errors", s.auth_errors);
  sim_builder_add_int (builder, "not_found", s.not_found);
  sim_builder_add_int (builder, "bad_requests", s.bad_requests);
  json_builder_set_member_name (builder, "faults");
  json_builder_begin_object (builder);
  for (guint i = 0; i < SYNTH_SIM_N_FAULTS; i++)
    sim_builder_add_int (builder, synth_sim_fault_to_id (i), s.faults[i]);
  json_builder_end_object (builder);
  sim_builder_add_int (builder, "client_disconnects", s.client_disconnects);
  sim_builder_add_int (builder, "prompt_tokens", s.prompt_tokens);
  sim_builder_add_int (builder, "completion_tokens", s.completion_tokens);
  sim_builder_add_int (builder, "records", s.records);
  sim_builder_add_int (builder, "active_streams", s.active_streams);
  sim_builder_add_int (builder, "max_active_streams", s.max_active_streams);
  sim_builder_add_int (builder, "first_record_us_total", s.first_record_us_total);
  sim_builder_add_int (builder, "first_record_count", s.first_record_count);
  json_builder_set_member_name (builder, "first_record_ms_mean");
  json_builder_add_double_value (
      builder,
      s.first_record_count > 0 ? s.first_record_us_total / 1000.0 / s.first_record_count : 0);
  json_builder_end_object (builder);
  return sim_builder_to_string (builder);
}

static char *
dup_log_json (SynthSim *self)
{
  g_autoptr (JsonBuilder) builder = json_builder_new ();
  g_autoptr (GArray) log = synth_sim_dup_request_log (self);

  json_builder_begin_array (builder);
  for (guint i = 0; i < log->len; i++)
    {
      SynthSimRequestInfo *info = &g_array_index (log, SynthSimRequestInfo, i);

      json_builder_begin_object (builder);
      sim_builder_add_int (builder, "received_us", info->received_us);
      json_builder_set_member_name (builder, "path");
      json_builder_add_string_value (builder, info->path);
      sim_builder_add_int (builder, "status", info->status);
      sim_builder_add_bool (builder, "stream", info->stream);
      sim_builder_add_int (builder, "n_slots", info->n_slots);
      json_builder_set_member_name (builder, "fault");
      if (info->fault >= 0)
        json_builder_add_string_value (builder, synth_sim_fault_to_id (info->fault));
      else
        json_builder_add_null_value (builder);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);
  return sim_builder_to_string (builder);
}

/* /sim/stats, /sim/config, /sim/log, /sim/reset: for tests and benchmarks
 * that run the simulator as a subprocess. No key needed. */
void
sim_handle_control (SynthSim *self, SoupServerMessage *msg, const char *path)
{
  const char *method = soup_server_message_get_method (msg);
  char *json = NULL;

  if (g_str_equal (path, "/sim/stats") && method == SOUP_METHOD_GET)
    json = synth_sim_dup_stats_json (self);
  else if (g_str_equal (path, "/sim/log") && method == SOUP_METHOD_GET)
    json = dup_log_json (self);
  else if (g_str_equal (path, "/sim/config") && method == SOUP_METHOD_GET)
    json = synth_sim_dup_config_json (self);
  else if (g_str_equal (path, "/sim/config") && method == SOUP_METHOD_POST)
    {
      g_autoptr (GBytes) body =
          soup_message_body_flatten (soup_server_message_get_request_body (msg));
      g_autofree char *text = g_strndup (g_bytes_get_data (body, NULL), g_bytes_get_size (body));
      g_autoptr (GError) error = NULL;

      if (!synth_sim_apply_config_json (self, text, &error))
        {
          sim_reply_error (self, msg, SOUP_STATUS_BAD_REQUEST, error->message,
                           "invalid_request_error", NULL, NULL);
          return;
        }
      json = synth_sim_dup_config_json (self);
    }
  else if (g_str_equal (path, "/sim/reset") && method == SOUP_METHOD_POST)
    {
      synth_sim_reset_stats (self);
      json = g_strdup ("{}");
    }

  if (json == NULL)
    {
      soup_server_message_set_status (msg, SOUP_STATUS_NOT_FOUND, NULL);
      return;
    }
  soup_server_message_set_status (msg, SOUP_STATUS_OK, NULL);
  soup_server_message_set_response (msg, "application/json", SOUP_MEMORY_TAKE, json, strlen (json));
}
