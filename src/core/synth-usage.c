/* synth-usage.c — counters of what a run spent and what failed. */
#include "config.h"

#include <json-glib/json-glib.h>
#include <math.h>
#include <string.h>

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

/* json-glib 1.6 appends ".0" to a double printed without a '.', so 1e17 is
 * written "1e+17.0", 2e-92 "2e-92.0" and infinity "inf.0", which no JSON
 * parser reads back: a run store holding one could never be opened again.
 * A large one is a whole number and is written as an integer while it fits;
 * otherwise the value moves by an ulp (away from zero when tiny, towards it
 * when huge) until it prints with a '.'. Non-finite values mean nothing here
 * and are written as 0. */
static void
builder_add_double (JsonBuilder *b, double value)
{
  char buf[G_ASCII_DTOSTR_BUF_SIZE];

  if (!isfinite (value))
    value = 0.0;
  while (strchr (g_ascii_dtostr (buf, sizeof buf, value), '.') == NULL
         && strpbrk (buf, "eE") != NULL)
    {
      if (fabs (value) >= 1.0 && fabs (value) < 9.2e18)
        {
          json_builder_add_int_value (b, (gint64) value);
          return;
        }
      value = nextafter (value, fabs (value) < 1.0 ? copysign (INFINITY, value) : 0.0);
    }
  json_builder_add_double_value (b, value);
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
  builder_add_double (b, usage->cost);
  json_builder_set_member_name (b, "wall_seconds");
  builder_add_double (b, usage->wall_seconds);
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

/* A member that holds a number (or another scalar), else NULL. Not
 * json_object_get_*_member(): they log a critical when the member is an
 * object or an array, and a damaged run store may hold anything. */
static JsonNode *
member_value (JsonObject *o, const char *name)
{
  JsonNode *n = json_object_get_member (o, name);

  return n != NULL && JSON_NODE_HOLDS_VALUE (n) ? n : NULL;
}

static gint64
member_int (JsonObject *o, const char *name)
{
  JsonNode *n = member_value (o, name);

  return n != NULL ? json_node_get_int (n) : 0;
}

static double
member_double (JsonObject *o, const char *name)
{
  JsonNode *n = member_value (o, name);

  return n != NULL ? json_node_get_double (n) : 0.0;
}

SynthUsage *
synth_usage_from_json (const char *json, GError **error)
{
  g_autoptr (JsonParser) parser = json_parser_new ();
  g_autoptr (SynthUsage) u = synth_usage_new ();
  JsonObject *o;
  JsonNode *root, *failures;

  if (!json_parser_load_from_data (parser, json, -1, error))
    return NULL;
  /* An empty document parses, with no root at all. */
  root = json_parser_get_root (parser);
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    {
      g_set_error_literal (error, SYNTH_ERROR, SYNTH_ERROR_PARSE, "usage is not a JSON object");
      return NULL;
    }
  o = json_node_get_object (root);
  u->requests = member_int (o, "requests");
  u->retries = member_int (o, "retries");
  u->prompt_tokens = member_int (o, "prompt_tokens");
  u->completion_tokens = member_int (o, "completion_tokens");
  u->cost = member_double (o, "cost");
  u->wall_seconds = member_double (o, "wall_seconds");
  failures = json_object_get_member (o, "failures");
  if (failures != NULL && JSON_NODE_HOLDS_OBJECT (failures))
    {
      JsonObject *f = json_node_get_object (failures);
      g_autoptr (GList) members = json_object_get_members (f);
      for (GList *l = members; l; l = l->next)
        synth_usage_add_failure (u, l->data, member_int (f, l->data));
    }
  return g_steal_pointer (&u);
}
