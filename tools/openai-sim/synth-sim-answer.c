/* synth-sim-answer.c — from the prompt to the answer text: reads the slot
 * plan out of the user message, has one record fabricated per slot
 * (synth-sim-records.c) and writes {"records":[…]}, or the ways a model
 * gets it wrong when a fault says so. */
#include "synth-sim-private.h"

#include <string.h>

static const char *const bias_ids[] = {
  "textual",         "structural",    "skill_match", "experience", "fairness",
  "domain_specific", "missing_noisy", "human_error", "none",       NULL,
};

void
sim_answer_free (SimAnswer *answer)
{
  if (answer == NULL)
    return;
  g_free (answer->content);
  g_clear_pointer (&answer->record_ends, g_array_unref);
  g_free (answer->wrong_slot);
  g_free (answer);
}

guint64
sim_estimate_tokens (const char *text, gssize len)
{
  if (text == NULL)
    return 0;
  return (g_utf8_strlen (text, len) + 3) / 4;
}

/* ---- reading the slot plan ------------------------------------------ */

static void
sim_slot_free (SimSlot *slot)
{
  g_free (slot->bias_type);
  g_free (slot->bias_subtype);
  g_free (slot->domain);
  g_free (slot->seniority);
  g_free (slot->region);
  g_free (slot->length);
  g_free (slot);
}

/* The ']' matching the '[' at @start, skipping over JSON strings. */
static const char *
find_matching_bracket (const char *start)
{
  int depth = 0;
  gboolean in_string = FALSE;

  for (const char *p = start; *p != '\0'; p++)
    {
      if (in_string)
        {
          if (*p == '\\' && p[1] != '\0')
            p++;
          else if (*p == '"')
            in_string = FALSE;
        }
      else if (*p == '"')
        in_string = TRUE;
      else if (*p == '[')
        depth++;
      else if (*p == ']' && --depth == 0)
        return p;
    }
  return NULL;
}

static char *
dup_member_string (JsonObject *object, const char *name)
{
  JsonNode *node = json_object_get_member (object, name);

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node))
    return g_strdup ("");
  if (json_node_get_value_type (node) == G_TYPE_STRING)
    return g_strdup (json_node_get_string (node));
  if (json_node_get_value_type (node) == G_TYPE_INT64)
    return g_strdup_printf ("%" G_GINT64_FORMAT, json_node_get_int (node));
  return g_strdup ("");
}

static gint64
member_int (JsonObject *object, const char *name)
{
  JsonNode *node = json_object_get_member (object, name);

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node))
    return -1;
  switch (json_node_get_value_type (node))
    {
    case G_TYPE_INT64:
      return json_node_get_int (node);
    case G_TYPE_BOOLEAN:
      return json_node_get_boolean (node) ? 1 : 0;
    case G_TYPE_DOUBLE:
      return (gint64) json_node_get_double (node);
    case G_TYPE_STRING:
      return g_ascii_strtoll (json_node_get_string (node), NULL, 10);
    default:
      return -1;
    }
}

static GPtrArray *
slots_from_array (JsonArray *array)
{
  g_autoptr (GPtrArray) slots = g_ptr_array_new_with_free_func ((GDestroyNotify) sim_slot_free);

  if (json_array_get_length (array) == 0)
    return NULL;
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonNode *element = json_array_get_element (array, i);
      JsonObject *object;
      SimSlot *slot;

      if (!JSON_NODE_HOLDS_OBJECT (element) ||
          !json_object_has_member (json_node_get_object (element), "slot"))
        return NULL;
      object = json_node_get_object (element);
      slot = g_new0 (SimSlot, 1);
      slot->slot = member_int (object, "slot");
      slot->match_label = member_int (object, "match_label") == 1 ? 1 : 0;
      slot->bias_type = dup_member_string (object, "bias_type");
      slot->bias_subtype = dup_member_string (object, "bias_subtype");
      slot->domain = dup_member_string (object, "domain");
      slot->seniority = dup_member_string (object, "seniority");
      slot->region = dup_member_string (object, "region");
      slot->length = dup_member_string (object, "length");
      g_ptr_array_add (slots, slot);
    }
  return g_steal_pointer (&slots);
}

GPtrArray *
sim_slots_parse (const char *user_content)
{
  const char *open;

  if (user_content == NULL)
    return NULL;
  /* The plan is the first bracketed text that parses as an array of
   * objects; an instruction may hold a stray '[' before it. */
  for (open = strchr (user_content, '['); open != NULL; open = strchr (open + 1, '['))
    {
      g_autoptr (JsonParser) parser = json_parser_new ();
      const char *close = find_matching_bracket (open);
      JsonNode *root;

      if (close == NULL)
        continue;
      if (!json_parser_load_from_data (parser, open, close - open + 1, NULL))
        continue;
      root = json_parser_get_root (parser);
      if (JSON_NODE_HOLDS_ARRAY (root))
        {
          GPtrArray *slots = slots_from_array (json_node_get_array (root));
          if (slots != NULL)
            return slots;
        }
    }
  return NULL;
}

/* ---- the answer ------------------------------------------------------- */

static char *
record_to_json (const SimRecord *record)
{
  g_autoptr (JsonBuilder) builder = json_builder_new ();
  g_autoptr (JsonGenerator) generator = json_generator_new ();
  g_autoptr (JsonNode) root = NULL;

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "slot");
  json_builder_add_int_value (builder, record->slot);
  json_builder_set_member_name (builder, "name");
  json_builder_add_string_value (builder, record->name);
  json_builder_set_member_name (builder, "resume_text");
  json_builder_add_string_value (builder, record->resume_text);
  json_builder_set_member_name (builder, "job_skill_text");
  json_builder_add_string_value (builder, record->job_skill_text);
  json_builder_set_member_name (builder, "match_label");
  json_builder_add_int_value (builder, record->match_label);
  json_builder_set_member_name (builder, "bias_type");
  json_builder_add_string_value (builder, record->bias_type);
  json_builder_set_member_name (builder, "bias_detail");
  json_builder_add_string_value (builder, record->bias_detail);
  json_builder_end_object (builder);

  root = json_builder_get_root (builder);
  json_generator_set_root (generator, root);
  return json_generator_to_data (generator, NULL);
}

/* One record ignores its slot, the way models do: flips the label, picks
 * another bias, skips the slot or answers a slot that was not asked. */
static char *
apply_wrong_slot (SimRecord *records, guint n, gboolean *skip, SynthRng *rng)
{
  guint victim = synth_rng_below (rng, n);
  SimRecord *record = &records[victim];

  switch (synth_rng_below (rng, 4))
    {
    case 0:
      record->match_label = !record->match_label;
      return g_strdup_printf ("slot %" G_GINT64_FORMAT ": label flipped to %d", record->slot,
                              record->match_label);
    case 1:
      {
        const char *other;
        do
          other = synth_rng_pick (rng, bias_ids);
        while (g_strcmp0 (other, record->bias_type) == 0);
        record->bias_type = other;
        return g_strdup_printf ("slot %" G_GINT64_FORMAT ": bias_type %s", record->slot, other);
      }
    case 2:
      skip[victim] = TRUE;
      return g_strdup_printf ("slot %" G_GINT64_FORMAT ": missing", record->slot);
    default:
      record->slot += 100000;
      return g_strdup_printf ("slot %" G_GINT64_FORMAT ": answered as slot %" G_GINT64_FORMAT,
                              record->slot - 100000, record->slot);
    }
}

SimAnswer *
sim_answer_build (GPtrArray *slots, guint64 seed, SynthRng *wrong_slot_rng)
{
  SimAnswer *answer = g_new0 (SimAnswer, 1);
  guint n = slots->len;
  g_autofree SimRecord *records = g_new0 (SimRecord, MAX (n, 1));
  g_autofree gboolean *skip = g_new0 (gboolean, MAX (n, 1));
  SynthRng layout_rng;
  gboolean pretty;
  GString *out = g_string_new (NULL);

  synth_rng_init (&layout_rng, synth_rng_mix (seed, G_GUINT64_CONSTANT (0x1a7007)));
  /* Models answer compactly or pretty-printed; clients must take both. */
  pretty = synth_rng_chance (&layout_rng, 0.3);
  for (guint i = 0; i < n; i++)
    sim_record_fabricate (g_ptr_array_index (slots, i), seed, &records[i]);
  if (wrong_slot_rng != NULL && n > 0)
    answer->wrong_slot = apply_wrong_slot (records, n, skip, wrong_slot_rng);

  answer->record_ends = g_array_new (FALSE, FALSE, sizeof (gsize));
  g_string_append (out, pretty ? "{\n  \"records\": [" : "{\"records\":[");
  for (guint i = 0; i < n; i++)
    {
      g_autofree char *json = NULL;
      gsize end;

      if (skip[i])
        continue;
      json = record_to_json (&records[i]);
      if (answer->n_records > 0)
        g_string_append_c (out, ',');
      if (pretty)
        g_string_append (out, "\n    ");
      g_string_append (out, json);
      end = out->len;
      g_array_append_val (answer->record_ends, end);
      answer->n_records++;
    }
  g_string_append (out, pretty ? "\n  ]\n}" : "]}");
  answer->content = g_string_free (out, FALSE);

  for (guint i = 0; i < n; i++)
    sim_record_clear (&records[i]);
  return answer;
}

/* The ways model output breaks JSON in practice. */
void
sim_answer_malform (SimAnswer *answer, SynthRng *rng)
{
  GString *text = g_string_new (answer->content);
  char *resume = strstr (text->str, "\"resume_text\":");
  char *between = answer->n_records > 1 ? strstr (text->str, "},") : NULL;

  switch (synth_rng_below (rng, 3))
    {
    case 0:
      if (resume != NULL)
        {
          /* A bare quote inside a string: the classic unescaped quotation. */
          const char *space = strchr (resume + strlen ("\"resume_text\":\""), ' ');
          gsize at = space != NULL ? (gsize) (space - text->str) : text->len / 2;
          g_string_insert (text, at, " \"see \"portfolio\"");
          break;
        }
      G_GNUC_FALLTHROUGH;
    case 1:
      if (between != NULL)
        {
          g_string_erase (text, between - text->str + 1, 1); /* missing comma */
          break;
        }
      G_GNUC_FALLTHROUGH;
    default:
      /* A trailing comma before the closing brace, then the end never comes. */
      {
        const char *valid_end;

        g_utf8_validate (text->str, MAX (text->len / 2, 1), &valid_end);
        g_string_truncate (text, valid_end - text->str);
        g_string_append (text, "\",}");
      }
      break;
    }
  g_free (answer->content);
  answer->content = g_string_free (text, FALSE);
}
