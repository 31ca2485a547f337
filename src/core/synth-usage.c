/* synth-usage.c — counters of what a run spent and what failed. */
#include "config.h"

#include <json-glib/json-glib.h>

#include "synth-error.h"
#include "synth-usage.h"

G_DEFINE_BOXED_TYPE (SynthUsage, synth_usage, synth_usage_copy, synth_usage_free)

SynthUsage *
synth_usage_new (void)
{
  SynthUsage *u = g_new0 (SynthUsage, 1);
  u->failures = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  return u;
}

SynthUsage *
synth_usage_copy (const SynthUsage *usage)
{
  SynthUsage *copy = synth_usage_new ();
  synth_usage_add (copy, usage);
  return copy;
}

void
synth_usage_free (SynthUsage *usage)
{
  if (usage == NULL)
    return;
  g_hash_table_unref (usage->failures);
  g_free (usage);
}

void
synth_usage_add_failure (SynthUsage *self, const char *reason, guint64 count)
{
  gpointer old;
  if (count == 0)
    return;
  old = g_hash_table_lookup (self->failures, reason);
  g_hash_table_replace (self->failures, g_strdup (reason),
                        GSIZE_TO_POINTER (GPOINTER_TO_SIZE (old) + count));
}

guint64
synth_usage_get_failure (const SynthUsage *self, const char *reason)
{
  return GPOINTER_TO_SIZE (g_hash_table_lookup (self->failures, reason));
}

guint64
synth_usage_get_total_failures (const SynthUsage *self)
{
  GHashTableIter iter;
  gpointer value;
  guint64 total = 0;

  g_hash_table_iter_init (&iter, self->failures);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    total += GPOINTER_TO_SIZE (value);
  return total;
}

void
synth_usage_add (SynthUsage *self, const SynthUsage *other)
{
  GHashTableIter iter;
  gpointer key, value;

  self->requests += other->requests;
  self->retries += other->retries;
  self->prompt_tokens += other->prompt_tokens;
  self->completion_tokens += other->completion_tokens;
  self->cost += other->cost;
  self->wall_seconds += other->wall_seconds;

  g_hash_table_iter_init (&iter, other->failures);
  while (g_hash_table_iter_next (&iter, &key, &value))
    synth_usage_add_failure (self, key, GPOINTER_TO_SIZE (value));
}

char *
synth_usage_to_json (const SynthUsage *usage)
{
  g_autoptr (JsonBuilder) b = json_builder_new ();
  g_autoptr (JsonGenerator) gen = json_generator_new ();
  g_autoptr (JsonNode) root = NULL;
  g_autoptr (GList) keys = g_hash_table_get_keys (usage->failures);

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "requests");
  json_builder_add_int_value (b, usage->requests);
  json_builder_set_member_name (b, "retries");
  json_builder_add_int_value (b, usage->retries);
  json_builder_set_member_name (b, "prompt_tokens");
  json_builder_add_int_value (b, usage->prompt_tokens);
  json_builder_set_member_name (b, "completion_tokens");
  json_builder_add_int_value (b, usage->completion_tokens);
  json_builder_set_member_name (b, "cost");
  json_builder_add_double_value (b, usage->cost);
  json_builder_set_member_name (b, "wall_seconds");
  json_builder_add_double_value (b, usage->wall_seconds);
  json_builder_set_member_name (b, "failures");
  json_builder_begin_object (b);
  keys = g_list_sort (keys, (GCompareFunc) g_strcmp0);
  for (GList *l = keys; l; l = l->next)
    {
      json_builder_set_member_name (b, l->data);
      json_builder_add_int_value (b, synth_usage_get_failure (usage, l->data));
    }
  json_builder_end_object (b);
  json_builder_end_object (b);

  root = json_builder_get_root (b);
  json_generator_set_root (gen, root);
  return json_generator_to_data (gen, NULL);
}

SynthUsage *
synth_usage_from_json (const char *json, GError **error)
{
  g_autoptr (JsonParser) parser = json_parser_new ();
  g_autoptr (SynthUsage) u = synth_usage_new ();
  JsonObject *o;

  if (!json_parser_load_from_data (parser, json, -1, error))
    return NULL;
  if (!JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
    {
      g_set_error_literal (error, SYNTH_ERROR, SYNTH_ERROR_PARSE, "usage is not a JSON object");
      return NULL;
    }
  o = json_node_get_object (json_parser_get_root (parser));
  u->requests = json_object_get_int_member_with_default (o, "requests", 0);
  u->retries = json_object_get_int_member_with_default (o, "retries", 0);
  u->prompt_tokens = json_object_get_int_member_with_default (o, "prompt_tokens", 0);
  u->completion_tokens = json_object_get_int_member_with_default (o, "completion_tokens", 0);
  u->cost = json_object_get_double_member_with_default (o, "cost", 0);
  u->wall_seconds = json_object_get_double_member_with_default (o, "wall_seconds", 0);
  if (json_object_has_member (o, "failures"))
    {
      JsonObject *f = json_object_get_object_member (o, "failures");
      g_autoptr (GList) members = f ? json_object_get_members (f) : NULL;
      for (GList *l = members; l; l = l->next)
        synth_usage_add_failure (u, l->data, json_object_get_int_member (f, l->data));
    }
  return g_steal_pointer (&u);
}
