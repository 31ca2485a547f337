/* test-answer.c — the model-answer validator (records against their slots)
 * and the prompt that asks for them (the wire contract). */
#include "config.h"

#include <string.h>

#include "synth-answer.h"
#include "synth-bias.h"
#include "synth-prompt.h"
#include "synth-record-extractor.h"

/* ---- fixtures ------------------------------------------------------------ */

static SynthSlot
make_slot (guint index, guint label, SynthBiasType type, guint subtype, SynthLength length)
{
  SynthSlot s = { 0 };

  s.index = index;
  s.match_label = label;
  s.bias_type = type;
  s.bias_subtype = subtype;
  s.domain = index % SYNTH_N_DOMAINS;
  s.seniority = index % SYNTH_N_SENIORITIES;
  s.region = index % SYNTH_N_REGIONS;
  s.length = length;
  s.group = type == SYNTH_BIAS_FAIRNESS ? index / 2 : SYNTH_NO_GROUP;
  return s;
}

/* Four slots: a semantic bias, a surface bias, a fairness one and a long none. */
static void
make_batch_slots (SynthSlot slots[4])
{
  slots[0] = make_slot (42, 0, SYNTH_BIAS_SKILL_MATCH, 0, SYNTH_LENGTH_SHORT);
  slots[1] = make_slot (7, 1, SYNTH_BIAS_TEXTUAL, 1, SYNTH_LENGTH_SHORT);
  slots[2] = make_slot (8, 1, SYNTH_BIAS_FAIRNESS, 0, SYNTH_LENGTH_SHORT);
  slots[3] = make_slot (1000, 1, SYNTH_BIAS_NONE, 0, SYNTH_LENGTH_LONG);
}

static char *
words (guint n)
{
  GString *s = g_string_new (NULL);

  for (guint i = 0; i < n; i++)
    g_string_append_printf (s, i == 0 ? "Skill%u" : (i % 12 == 0 ? "\nitem%u" : " word%u"), i);
  return g_string_free (s, FALSE);
}

static void
set_words (JsonObject *o, const char *member, guint n)
{
  g_autofree char *text = words (n);
  json_object_set_string_member (o, member, text);
}

/* A record object that honours @slot, as a JSON node to mutate. */
static JsonObject *
good_record (const SynthSlot *slot)
{
  JsonObject *o = json_object_new ();
  guint resume_words = slot->length == SYNTH_LENGTH_LONG ? 500 : 120;

  json_object_set_int_member (o, "slot", slot->index);
  json_object_set_string_member (o, "name", "Amara Okafor");
  set_words (o, "resume_text", resume_words);
  set_words (o, "job_skill_text", 60);
  json_object_set_int_member (o, "match_label", slot->match_label);
  json_object_set_string_member (o, "bias_type", synth_bias_type_to_id (slot->bias_type));
  json_object_set_string_member (o, "bias_detail", "misses Kubernetes and Terraform");
  return o;
}

static char *
object_to_text (JsonObject *o)
{
  g_autoptr (JsonNode) node = json_node_new (JSON_NODE_OBJECT);
  g_autoptr (JsonGenerator) gen = json_generator_new ();

  json_node_set_object (node, o);
  json_generator_set_root (gen, node);
  return json_generator_to_data (gen, NULL);
}

/* Validates @o with its JSON text @text in a fresh batch of the four slots. */
static const char *
validate_text (JsonObject *o, const char *text, SynthRecord **out_record)
{
  SynthSlot slots[4];
  g_autoptr (SynthAnswerBatch) batch = NULL;
  SynthRecord *record = NULL;
  const char *reason;

  make_batch_slots (slots);
  batch = synth_answer_batch_new ("run1", slots, 4);
  reason = synth_answer_batch_add (batch, o, text, &record, NULL);
  g_assert_true ((reason == NULL) == (record != NULL));
  g_assert_cmpuint (synth_answer_batch_get_n_accepted (batch), ==, reason == NULL ? 1 : 0);
  if (out_record)
    *out_record = record;
  else
    g_clear_object (&record);
  return reason;
}

static const char *
validate_one (JsonObject *o, SynthRecord **out_record)
{
  g_autofree char *text = object_to_text (o);
  return validate_text (o, text, out_record);
}

/* ---- the validator ------------------------------------------------------- */

static void
test_valid_record_fields (void)
{
  SynthSlot slots[4];
  SynthRecord *record = NULL;
  g_autoptr (JsonObject) o = NULL;

  make_batch_slots (slots);
  o = good_record (&slots[0]);
  json_object_set_string_member (o, "name", "  Amara Okafor \n");
  g_assert_null (validate_one (o, &record));

  g_assert_cmpuint (synth_record_get_index (record), ==, 42);
  g_assert_cmpstr (synth_record_get_record_id (record), ==, "run1-0000042");
  g_assert_cmpstr (synth_record_get_name (record), ==, "Amara Okafor");
  g_assert_cmpint (synth_record_get_match_label (record), ==, 0);
  g_assert_cmpint (synth_record_get_bias_type (record), ==, SYNTH_BIAS_SKILL_MATCH);
  g_assert_cmpstr (synth_record_get_bias_subtype (record), ==, "partial_overlap");
  g_assert_cmpstr (synth_record_get_bias_detail (record), ==,
                   "skill_match/partial_overlap: misses Kubernetes and Terraform");
  g_assert_cmpstr (synth_record_get_domain (record), ==, synth_domain_ids ()[42 % SYNTH_N_DOMAINS]);
  g_assert_cmpstr (synth_record_get_seniority (record), ==, synth_seniority_to_id (42 % 4));
  g_assert_cmpstr (synth_record_get_region (record), ==, synth_region_ids ()[42 % SYNTH_N_REGIONS]);
  g_assert_cmpstr (synth_record_get_length_class (record), ==, "short");
  g_assert_cmpstr (synth_record_get_split (record), ==, "train");
  g_assert_true (synth_record_get_group_id (record) == NULL ||
                 synth_record_get_group_id (record)[0] == '\0');
  g_assert_cmpint (synth_record_get_review_status (record), ==, SYNTH_REVIEW_UNREVIEWED);
  g_assert_cmpuint (synth_record_count_words (synth_record_get_resume_text (record)), ==, 120);
  g_clear_object (&record);

  /* A detail that already names the subtype is not prefixed twice. */
  json_object_set_string_member (o, "bias_detail", "skill_match/partial_overlap: no Go");
  g_assert_null (validate_one (o, &record));
  g_assert_cmpstr (synth_record_get_bias_detail (record), ==, "skill_match/partial_overlap: no Go");
  g_clear_object (&record);

  /* Fairness: evaluation split and the group id. */
  g_clear_pointer (&o, json_object_unref);
  o = good_record (&slots[2]);
  g_assert_null (validate_one (o, &record));
  g_assert_cmpstr (synth_record_get_split (record), ==, "eval");
  g_assert_cmpstr (synth_record_get_group_id (record), ==, "g000004");
  g_assert_true (
      g_str_has_prefix (synth_record_get_bias_detail (record), "fairness/name_variation"));
  g_clear_object (&record);

  /* Surface bias: the model's detail is not kept (the transform writes it). */
  g_clear_pointer (&o, json_object_unref);
  o = good_record (&slots[1]);
  g_assert_null (validate_one (o, &record));
  g_assert_cmpstr (synth_record_get_bias_detail (record), ==, "textual/abbreviations");
  g_assert_cmpstr (synth_record_get_bias_subtype (record), ==, "abbreviations");
  g_clear_object (&record);

  /* None, long. */
  g_clear_pointer (&o, json_object_unref);
  o = good_record (&slots[3]);
  json_object_set_null_member (o, "bias_detail");
  g_assert_null (validate_one (o, &record));
  g_assert_cmpstr (synth_record_get_bias_detail (record), ==, "none");
  g_assert_cmpstr (synth_record_get_length_class (record), ==, "long");
  g_assert_cmpstr (synth_record_get_record_id (record), ==, "run1-0001000");
  g_clear_object (&record);
}

typedef struct
{
  const char *json; /* value of the member */
  const char *reason;
} Case;

/* Sets member @name to the JSON text @value_json (NULL: removes it) and
 * validates the record as the extractor would hand it over: parsed object
 * and original text. */
static const char *
validate_with_member (const SynthSlot *slot, const char *name, const char *value_json)
{
  g_autoptr (JsonObject) o = good_record (slot);
  g_autoptr (JsonParser) parser = json_parser_new ();
  g_autofree char *rest = NULL;
  g_autofree char *text = NULL;

  json_object_remove_member (o, name);
  rest = object_to_text (o);
  if (value_json == NULL)
    return validate_text (o, rest, NULL);
  text = g_strdup_printf ("{\"%s\": %s,%s", name, value_json, rest + 1);
  g_assert_true (json_parser_load_from_data (parser, text, -1, NULL));
  return validate_text (json_node_get_object (json_parser_get_root (parser)), text, NULL);
}

static void
run_cases (const SynthSlot *slot, const char *member, const Case *cases, guint n)
{
  for (guint i = 0; i < n; i++)
    {
      const char *got = validate_with_member (slot, member, cases[i].json);
      if (g_strcmp0 (got, cases[i].reason) != 0)
        g_error ("%s = %s: expected %s, got %s", member, cases[i].json,
                 cases[i].reason ? cases[i].reason : "accepted", got ? got : "accepted");
    }
}

static void
test_label_forms (void)
{
  SynthSlot slots[4];
  static const Case positive[] = {
    { "1", NULL },
    { "\"1\"", NULL },
    { "\" 1 \"", NULL },
    { "true", NULL },
    { "1.0", NULL },
    { "0", "wrong_label" },
    { "false", "wrong_label" },
    { "\"0\"", "wrong_label" },
    { "2", "wrong_label" },
    { "-1", "wrong_label" },
    { "99999999999999999999", "wrong_label" },
    { "\"yes\"", "wrong_type" },
    { "\"\"", "wrong_type" },
    { "0.5", "wrong_type" },
    { "null", "wrong_type" },
    { "[1]", "wrong_type" },
    { "{\"v\":1}", "wrong_type" },
    { "1e400", "wrong_type" },
    { NULL, "missing_field" },
  };

  make_batch_slots (slots);
  run_cases (&slots[1], "match_label", positive, G_N_ELEMENTS (positive));
}

static void
test_slot_forms (void)
{
  SynthSlot slots[4];
  static const Case cases[] = {
    { "42", NULL },
    { "\"42\"", NULL },
    { "42.0", NULL },
    { "43", "unknown_slot" },
    { "-42", "unknown_slot" },
    { "1e30", "unknown_slot" },
    { "4294967338", "unknown_slot" }, /* 42 + 2^32 must not wrap to 42 */
    { "\"4294967338\"", "wrong_type" },
    { "\"-1\"", "wrong_type" },
    { "\"4x\"", "wrong_type" },
    { "42.5", "wrong_type" },
    { "true", "wrong_type" },
    { "null", "wrong_type" },
    { "[42]", "wrong_type" },
    { NULL, "missing_field" },
  };

  make_batch_slots (slots);
  run_cases (&slots[0], "slot", cases, G_N_ELEMENTS (cases));
}

static void
test_fields_and_types (void)
{
  SynthSlot slots[4];
  static const char *const members[] = { "name",        "resume_text", "job_skill_text",
                                         "match_label", "bias_type",   "bias_detail" };
  static const Case string_cases[] = {
    { "12", "wrong_type" }, { "null", "wrong_type" }, { "[\"a\"]", "wrong_type" },
    { "{}", "wrong_type" }, { "true", "wrong_type" },
  };
  static const Case bias_cases[] = {
    { "\"skill_match\"", NULL },     { "\"SKILL_MATCH\"", NULL },  { "\" skill_match \"", NULL },
    { "\"textual\"", "wrong_bias" }, { "\"none\"", "wrong_bias" }, { "\"skill\"", "wrong_bias" },
    { "\"\"", "wrong_bias" },
  };
  static const Case detail_cases[] = {
    { "null", NULL },
    { "\"\"", NULL },
    { "\"a\\nb\"", NULL },
    { "5", "wrong_type" },
  };

  make_batch_slots (slots);
  for (guint i = 0; i < G_N_ELEMENTS (members); i++)
    g_assert_cmpstr (validate_with_member (&slots[0], members[i], NULL), ==, "missing_field");
  run_cases (&slots[0], "name", string_cases, G_N_ELEMENTS (string_cases));
  run_cases (&slots[0], "resume_text", string_cases, G_N_ELEMENTS (string_cases));
  run_cases (&slots[0], "job_skill_text", string_cases, G_N_ELEMENTS (string_cases));
  run_cases (&slots[0], "bias_type", bias_cases, G_N_ELEMENTS (bias_cases));
  run_cases (&slots[0], "bias_detail", detail_cases, G_N_ELEMENTS (detail_cases));

  /* Extra members are ignored; a missing member wins over a wrong label. */
  {
    g_autoptr (JsonObject) o = good_record (&slots[0]);
    json_object_set_string_member (o, "comment", "extra");
    g_assert_null (validate_one (o, NULL));
    json_object_set_int_member (o, "match_label", 1);
    g_assert_cmpstr (validate_one (o, NULL), ==, "wrong_label");
    json_object_remove_member (o, "name");
    g_assert_cmpstr (validate_one (o, NULL), ==, "missing_field");
  }
}

static void
test_texts (void)
{
  SynthSlot slots[4];
  g_autofree char *long_name = g_strnfill (SYNTH_ANSWER_NAME_MAX_CHARS + 1, 'a');
  g_autofree char *long_name_json = g_strdup_printf ("\"%s\"", long_name);
  g_autofree char *ok_name = g_strnfill (SYNTH_ANSWER_NAME_MAX_CHARS, 'a');
  g_autofree char *ok_name_json = g_strdup_printf ("\"%s\"", ok_name);
  const Case name_cases[] = {
    { "\"\"", "empty_text" },
    { "\"  \\n\\t \"", "empty_text" },
    { "\"Amara\\nOkafor\"", "invalid_text" },
    { "\"Amara\\tOkafor\"", "invalid_text" },
    { "\"A\\u0007B\"", "invalid_text" },
    { "\"A\\u007fB\"", "invalid_text" },
    { "\"A\\u0000B\"", "invalid_text" },
    { long_name_json, "invalid_text" },
    { ok_name_json, NULL },
    { "\"Zoë Ngũgĩ 東京\"", NULL },
  };
  g_autofree char *resume = words (100);
  g_autofree char *with_bell = g_strdup_printf ("\"%s\\u0001\"", resume);
  g_autofree char *with_nul = g_strdup_printf ("\"%s\\u0000 and more\"", resume);
  g_autofree char *escaped_backslash = g_strdup_printf ("\"%s \\\\u0000\"", resume);
  g_autofree char *with_tabs = g_strdup_printf ("\"%s\\t\\r\\n\"", resume);
  const Case resume_cases[] = {
    { "\"\"", "empty_text" },     { "\"\\n\\n\"", "empty_text" }, { with_bell, "invalid_text" },
    { with_nul, "invalid_text" }, { escaped_backslash, NULL },    { with_tabs, NULL },
  };

  make_batch_slots (slots);
  run_cases (&slots[0], "name", name_cases, G_N_ELEMENTS (name_cases));
  run_cases (&slots[0], "resume_text", resume_cases, G_N_ELEMENTS (resume_cases));
  run_cases (&slots[0], "job_skill_text", resume_cases, 2);
}

static const char *
validate_word_counts (const SynthSlot *slot, guint resume_words, guint job_words)
{
  g_autoptr (JsonObject) o = good_record (slot);

  set_words (o, "resume_text", resume_words);
  set_words (o, "job_skill_text", job_words);
  return validate_one (o, NULL);
}

static void
test_length_bounds (void)
{
  SynthSlot slots[4];
  const SynthSlot *s, *l;

  make_batch_slots (slots);
  s = &slots[0];
  l = &slots[3];
  g_assert_cmpstr (validate_word_counts (s, 59, 60), ==, "too_short");
  g_assert_null (validate_word_counts (s, 60, 60));
  g_assert_null (validate_word_counts (s, 260, 60));
  g_assert_cmpstr (validate_word_counts (s, 261, 60), ==, "too_long");
  /* A long text in a short slot is too long, and the reverse too short. */
  g_assert_cmpstr (validate_word_counts (s, 600, 60), ==, "too_long");
  g_assert_cmpstr (validate_word_counts (l, 120, 60), ==, "too_short");
  g_assert_cmpstr (validate_word_counts (l, 279, 60), ==, "too_short");
  g_assert_null (validate_word_counts (l, 280, 60));
  g_assert_null (validate_word_counts (l, 1100, 60));
  g_assert_cmpstr (validate_word_counts (l, 1101, 60), ==, "too_long");
  g_assert_cmpstr (validate_word_counts (s, 120, 14), ==, "too_short");
  g_assert_null (validate_word_counts (s, 120, 15));
  g_assert_null (validate_word_counts (s, 120, 400));
  g_assert_cmpstr (validate_word_counts (s, 120, 401), ==, "too_long");
}

static void
test_batch_bookkeeping (void)
{
  SynthSlot slots[4];
  g_autoptr (SynthAnswerBatch) batch = NULL;
  g_autoptr (JsonObject) a = NULL;
  g_autoptr (JsonObject) b = NULL;
  g_autoptr (JsonObject) unknown = NULL;
  g_autoptr (GArray) missing = NULL;
  g_autoptr (GArray) unfilled = NULL;
  const SynthRejection *rejections;
  SynthRecord *record = NULL;
  guint n, slot;

  make_batch_slots (slots);
  batch = synth_answer_batch_new ("r", slots, 4);
  a = good_record (&slots[0]);
  b = good_record (&slots[1]);
  json_object_set_int_member (b, "match_label", 0);
  unknown = good_record (&slots[0]);
  json_object_set_int_member (unknown, "slot", 5);

  g_assert_null (synth_answer_batch_add (batch, a, NULL, &record, &slot));
  g_assert_cmpuint (slot, ==, 42);
  g_clear_object (&record);
  g_assert_true (synth_answer_batch_is_filled (batch, 42));
  g_assert_false (synth_answer_batch_is_filled (batch, 7));
  g_assert_cmpstr (synth_answer_batch_add (batch, b, NULL, &record, &slot), ==, "wrong_label");
  g_assert_null (record);
  g_assert_cmpuint (slot, ==, 7);
  g_assert_cmpstr (synth_answer_batch_add (batch, a, NULL, &record, &slot), ==, "duplicate_slot");
  g_assert_cmpuint (slot, ==, 42);
  g_assert_cmpstr (synth_answer_batch_add (batch, unknown, NULL, &record, &slot), ==,
                   "unknown_slot");
  g_assert_cmpuint (slot, ==, SYNTH_ANSWER_NO_SLOT);
  synth_answer_batch_add_malformed (batch);
  /* The first record of slot 42 stays accepted. */
  g_assert_true (synth_answer_batch_is_filled (batch, 42));
  g_assert_cmpuint (synth_answer_batch_get_n_accepted (batch), ==, 1);
  g_assert_cmpuint (synth_answer_batch_get_n_slots (batch), ==, 4);

  rejections = synth_answer_batch_get_rejections (batch, &n);
  g_assert_cmpuint (n, ==, 4);
  g_assert_cmpuint (rejections[0].slot, ==, 7);
  g_assert_cmpstr (rejections[0].reason, ==, "wrong_label");
  g_assert_cmpuint (rejections[1].slot, ==, 42);
  g_assert_cmpstr (rejections[1].reason, ==, "duplicate_slot");
  g_assert_cmpuint (rejections[2].slot, ==, SYNTH_ANSWER_NO_SLOT);
  g_assert_cmpstr (rejections[3].reason, ==, "malformed_json");

  /* Slot 7 had a (bad) record: unfilled but not missing. */
  missing = synth_answer_batch_dup_missing (batch);
  unfilled = synth_answer_batch_dup_unfilled (batch);
  g_assert_cmpuint (missing->len, ==, 2);
  g_assert_cmpuint (g_array_index (missing, guint, 0), ==, 8);
  g_assert_cmpuint (g_array_index (missing, guint, 1), ==, 1000);
  g_assert_cmpuint (unfilled->len, ==, 3);
  g_assert_cmpuint (g_array_index (unfilled, guint, 0), ==, 7);
}

/* A whole answer with everything at once: prose, fences, a good record, a
 * wrong one, a malformed one, and a missing slot. */
static char *
mixed_answer (const SynthSlot *slots)
{
  g_autoptr (JsonObject) good0 = good_record (&slots[0]);
  g_autoptr (JsonObject) good3 = good_record (&slots[3]);
  g_autoptr (JsonObject) wrong = good_record (&slots[1]);
  g_autofree char *t0 = NULL;
  g_autofree char *t3 = NULL;
  g_autofree char *tw = NULL;

  json_object_set_string_member (wrong, "bias_type", "structural");
  json_object_set_string_member (good0, "resume_text",
                                 "Has {braces} and \"quotes\" and ]]\n"
                                 "- led team\n"
                                 "word word word word word word word word word "
                                 "word word word word word word word word word word word word "
                                 "word word word word word word word word word word word word "
                                 "word word word word word word word word word word word word "
                                 "word word word word word word word word word word word word");
  t0 = object_to_text (good0);
  t3 = object_to_text (good3);
  tw = object_to_text (wrong);
  return g_strdup_printf ("Here you go:\n```json\n{\"records\": [%s, {\"slot\": 8, \"name\": }, "
                          "%s, %s]}\n```\n",
                          t0, tw, t3);
}

static void
test_validate_content (void)
{
  SynthSlot slots[4];
  g_autofree char *answer = NULL;
  g_autoptr (SynthAnswerResult) result = NULL;
  g_autoptr (SynthAnswerResult) truncated = NULL;
  g_autoptr (SynthAnswerResult) garbage = NULL;

  make_batch_slots (slots);
  answer = mixed_answer (slots);
  result = synth_answer_validate_content ("run", slots, 4, answer, -1);
  g_assert_null (result->problem);
  g_assert_cmpuint (result->records->len, ==, 2);
  g_assert_cmpuint (synth_record_get_index (result->records->pdata[0]), ==, 42);
  g_assert_cmpuint (synth_record_get_index (result->records->pdata[1]), ==, 1000);
  g_assert_cmpuint (result->rejections->len, ==, 2);
  g_assert_cmpstr (g_array_index (result->rejections, SynthRejection, 0).reason, ==, "wrong_bias");
  g_assert_cmpuint (g_array_index (result->rejections, SynthRejection, 0).slot, ==, 7);
  g_assert_cmpstr (g_array_index (result->rejections, SynthRejection, 1).reason, ==,
                   "malformed_json");
  /* Slot 8's record did not parse, so the slot counts as missing. */
  g_assert_cmpuint (result->missing->len, ==, 1);
  g_assert_cmpuint (g_array_index (result->missing, guint, 0), ==, 8);
  g_assert_cmpuint (result->unfilled->len, ==, 2);

  /* Cut before the last record closes: what closed is kept. */
  truncated =
      synth_answer_validate_content ("run", slots, 4, answer, strstr (answer, "]}") - answer - 3);
  g_assert_cmpstr (truncated->problem, ==, "truncated");
  g_assert_nonnull (truncated->problem_message);
  g_assert_cmpuint (truncated->records->len, ==, 1);
  g_assert_cmpuint (truncated->unfilled->len, ==, 3);

  garbage = synth_answer_validate_content ("run", slots, 4, "I'm sorry, I can't do that.", -1);
  g_assert_cmpstr (garbage->problem, ==, "malformed_json");
  g_assert_cmpuint (garbage->records->len, ==, 0);
  g_assert_cmpuint (garbage->missing->len, ==, 4);
  g_assert_cmpuint (garbage->unfilled->len, ==, 4);
}

/* The streamed path (extractor fed byte by byte into a batch) reaches the same
 * verdicts as the whole-answer path. */
typedef struct
{
  SynthAnswerBatch *batch;
  GString *log;
} StreamData;

static void
on_streamed_record (JsonObject *object, const char *json_text, gpointer user_data)
{
  StreamData *d = user_data;
  SynthRecord *record = NULL;
  const char *reason = synth_answer_batch_add (d->batch, object, json_text, &record, NULL);

  g_string_append_printf (d->log, "%s;", reason ? reason : synth_record_get_record_id (record));
  g_clear_object (&record);
}

static void
test_streamed_equals_whole (void)
{
  SynthSlot slots[4];
  g_autofree char *answer = NULL;
  g_autoptr (SynthAnswerResult) result = NULL;
  g_autoptr (SynthAnswerBatch) batch = NULL;
  g_autoptr (SynthRecordExtractor) ex = synth_record_extractor_new ();
  g_autoptr (GString) expected = g_string_new (NULL);
  StreamData d;

  make_batch_slots (slots);
  answer = mixed_answer (slots);
  result = synth_answer_validate_content ("run", slots, 4, answer, -1);
  batch = synth_answer_batch_new ("run", slots, 4);
  d.batch = batch;
  d.log = g_string_new (NULL);
  for (const char *p = answer; *p; p++)
    synth_record_extractor_feed (ex, p, 1, on_streamed_record, &d);
  g_assert_true (synth_record_extractor_finish (ex, NULL));
  g_string_append_printf (expected, "run-0000042;wrong_bias;run-0001000;");
  g_assert_cmpstr (d.log->str, ==, expected->str);
  g_assert_cmpuint (synth_answer_batch_get_n_accepted (batch), ==, result->records->len);
  g_string_free (d.log, TRUE);
}

/* Random damage to a good answer: never a crash, and whatever is accepted
 * honours its slot, once. */
static void
test_random_damage (void)
{
  SynthSlot slots[4];
  g_autofree char *answer = NULL;
  gsize len;
  static const char alphabet[] = "{}[]\",:\\01 xu";

  make_batch_slots (slots);
  answer = mixed_answer (slots);
  len = strlen (answer);
  for (guint round = 0; round < 300; round++)
    {
      g_autofree char *damaged = g_strdup (answer);
      g_autoptr (SynthAnswerResult) r = NULL;
      gboolean seen[4] = { FALSE };

      for (guint i = g_test_rand_int_range (1, 8); i > 0; i--)
        damaged[g_test_rand_int_range (0, len)] =
            alphabet[g_test_rand_int_range (0, sizeof alphabet - 1)];
      r = synth_answer_validate_content ("run", slots, 4, damaged,
                                         g_test_rand_int_range (0, len + 1));
      g_assert_cmpuint (r->records->len + r->unfilled->len, ==, 4);
      for (guint i = 0; i < r->records->len; i++)
        {
          SynthRecord *rec = r->records->pdata[i];
          guint k;
          for (k = 0; k < 4 && slots[k].index != synth_record_get_index (rec); k++)
            ;
          g_assert_cmpuint (k, <, 4);
          g_assert_false (seen[k]);
          seen[k] = TRUE;
          g_assert_cmpint (synth_record_get_match_label (rec), ==, slots[k].match_label);
          g_assert_cmpint (synth_record_get_bias_type (rec), ==, slots[k].bias_type);
        }
    }
}

/* ---- the prompt ---------------------------------------------------------- */

static void
test_system_message (void)
{
  g_autofree char *schema_mode =
      synth_prompt_build_system_message (SYNTH_RESPONSE_FORMAT_JSON_SCHEMA);
  g_autofree char *object_mode =
      synth_prompt_build_system_message (SYNTH_RESPONSE_FORMAT_JSON_OBJECT);
  g_autofree char *again = synth_prompt_build_system_message (SYNTH_RESPONSE_FORMAT_JSON_SCHEMA);

  g_assert_cmpstr (schema_mode, ==, again);
  /* Every category and subtype of the taxonomy is explained. */
  for (SynthBiasType t = 0; t < SYNTH_N_BIAS_TYPES; t++)
    {
      const char *id = synth_bias_type_to_id (t);
      const char *const *subtypes = synth_bias_type_get_subtypes (t);
      g_autofree char *heading = g_strdup_printf ("* %s: ", id);

      const char *at = strstr (schema_mode, heading);
      g_autofree char *heading_line = NULL;

      g_assert_nonnull (at);
      heading_line = g_strndup (at, strchr (at, '\n') - at);
      for (guint i = 0; subtypes[i]; i++)
        {
          g_autofree char *line = g_strdup_printf ("  - %s/%s: ", id, subtypes[i]);
          /* Surface biases: named on the category's line, and the model
           * writes a clean record. Semantic ones: a line of their own. */
          if (synth_bias_type_is_surface (t))
            {
              g_assert_nonnull (strstr (heading_line, subtypes[i]));
              g_assert_nonnull (strstr (heading_line, "Surface bias"));
              g_assert_true (g_str_has_suffix (heading_line, "write a clean record."));
              g_assert_nonnull (strstr (schema_mode, id));
            }
          else
            {
              at = strstr (schema_mode, line);
              g_assert_nonnull (at);
              g_assert_false (g_str_has_prefix (at + strlen (line), "build this bias"));
            }
        }
    }
  for (guint i = 0; i < SYNTH_N_REGIONS; i++)
    g_assert_nonnull (strstr (schema_mode, synth_region_ids ()[i]));
  g_assert_nonnull (strstr (schema_mode, "Surface biases (textual, structural, missing_noisy, "
                                         "human_error)"));
  g_assert_nonnull (strstr (schema_mode, "do NOT add the bias yourself"));
  g_assert_nonnull (strstr (schema_mode, "Required skills: "));
  g_assert_nonnull (strstr (schema_mode, "short = 80 to 200 words"));
  g_assert_nonnull (strstr (schema_mode, "long = 350 to 900 words"));
  g_assert_nonnull (strstr (schema_mode, "1 = the candidate fits"));
  g_assert_nonnull (strstr (object_mode, "Answer only with JSON"));
  g_assert_nonnull (strstr (object_mode, "code fences"));
  g_assert_null (strstr (schema_mode, "code fences"));
  g_assert_cmpstr (SYNTH_PROMPT_VERSION, !=, "");
}

static void
test_user_message (void)
{
  SynthSlot slots[4];
  g_autofree char *user = NULL;
  g_autoptr (JsonParser) parser = json_parser_new ();
  JsonArray *array;

  make_batch_slots (slots);
  user = synth_prompt_build_user_message (slots, 4);
  g_assert_true (json_parser_load_from_data (parser, strchr (user, '['), -1, NULL));
  array = json_node_get_array (json_parser_get_root (parser));
  g_assert_cmpuint (json_array_get_length (array), ==, 4);
  for (guint i = 0; i < 4; i++)
    {
      JsonObject *o = json_array_get_object_element (array, i);
      g_autoptr (GList) members = json_object_get_members (o);

      g_assert_cmpuint (g_list_length (members), ==, 8);
      g_assert_cmpint (json_object_get_int_member (o, "slot"), ==, slots[i].index);
      g_assert_cmpint (json_object_get_int_member (o, "match_label"), ==, slots[i].match_label);
      g_assert_cmpstr (json_object_get_string_member (o, "bias_type"), ==,
                       synth_bias_type_to_id (slots[i].bias_type));
      g_assert_cmpstr (json_object_get_string_member (o, "bias_subtype"), ==,
                       synth_slot_get_subtype_id (&slots[i]));
      g_assert_cmpstr (json_object_get_string_member (o, "domain"), ==,
                       synth_domain_ids ()[slots[i].domain]);
      g_assert_cmpstr (json_object_get_string_member (o, "seniority"), ==,
                       synth_seniority_to_id (slots[i].seniority));
      g_assert_cmpstr (json_object_get_string_member (o, "region"), ==,
                       synth_region_ids ()[slots[i].region]);
      g_assert_cmpstr (json_object_get_string_member (o, "length"), ==,
                       synth_length_to_id (slots[i].length));
    }
}

/* Strict mode: every object schema lists all its properties as required and
 * forbids others. Returns the number of object schemas checked. */
static guint
check_strict (JsonObject *schema)
{
  guint n = 0;

  if (g_strcmp0 (json_object_get_string_member_with_default (schema, "type", ""), "object") == 0)
    {
      JsonObject *props = json_object_get_object_member (schema, "properties");
      JsonArray *required = json_object_get_array_member (schema, "required");
      g_autoptr (GList) names = json_object_get_members (props);

      g_assert_true (json_object_has_member (schema, "additionalProperties"));
      g_assert_false (json_object_get_boolean_member (schema, "additionalProperties"));
      g_assert_cmpuint (json_array_get_length (required), ==, g_list_length (names));
      for (GList *l = names; l; l = l->next)
        {
          gboolean listed = FALSE;
          for (guint i = 0; i < json_array_get_length (required); i++)
            listed |= g_strcmp0 (json_array_get_string_element (required, i), l->data) == 0;
          g_assert_true (listed);
          n += check_strict (json_object_get_object_member (props, l->data));
        }
      n++;
    }
  if (json_object_has_member (schema, "items"))
    n += check_strict (json_object_get_object_member (schema, "items"));
  return n;
}

static JsonObject *
parse_body (const SynthPromptOptions *options, const SynthSlot *slots, guint n, JsonParser *parser)
{
  gsize len = 0;
  g_autofree char *body = synth_prompt_build_request_body (options, slots, n, &len);

  g_assert_cmpuint (len, ==, strlen (body));
  g_assert_true (json_parser_load_from_data (parser, body, len, NULL));
  return json_node_get_object (json_parser_get_root (parser));
}

static void
test_request_body (void)
{
  SynthSlot slots[4];
  SynthPromptOptions options;
  g_autoptr (JsonParser) parser = json_parser_new ();
  JsonObject *body, *format, *schema;
  JsonArray *messages;

  make_batch_slots (slots);
  synth_prompt_options_init (&options);
  options.model = "gpt-4o-mini";
  options.has_seed = TRUE;
  options.seed = -5;
  options.max_tokens = 9000;
  body = parse_body (&options, slots, 4, parser);

  g_assert_cmpstr (json_object_get_string_member (body, "model"), ==, "gpt-4o-mini");
  g_assert_cmpint (json_object_get_int_member (body, "seed"), ==, -5);
  g_assert_cmpfloat_with_epsilon (json_object_get_double_member (body, "temperature"), 0.9, 1e-9);
  g_assert_cmpint (json_object_get_int_member (body, "max_completion_tokens"), ==, 9000);
  g_assert_false (json_object_has_member (body, "max_tokens"));
  g_assert_true (json_object_get_boolean_member (body, "stream"));
  g_assert_true (json_object_get_boolean_member (
      json_object_get_object_member (body, "stream_options"), "include_usage"));
  messages = json_object_get_array_member (body, "messages");
  g_assert_cmpuint (json_array_get_length (messages), ==, 2);
  g_assert_cmpstr (
      json_object_get_string_member (json_array_get_object_element (messages, 0), "role"), ==,
      "system");
  g_assert_cmpstr (
      json_object_get_string_member (json_array_get_object_element (messages, 1), "role"), ==,
      "user");

  format = json_object_get_object_member (body, "response_format");
  g_assert_cmpstr (json_object_get_string_member (format, "type"), ==, "json_schema");
  format = json_object_get_object_member (format, "json_schema");
  g_assert_cmpstr (json_object_get_string_member (format, "name"), ==, SYNTH_PROMPT_SCHEMA_NAME);
  g_assert_true (json_object_get_boolean_member (format, "strict"));
  schema = json_object_get_object_member (format, "schema");
  g_assert_cmpuint (check_strict (schema), ==, 2);
  {
    JsonObject *item = json_object_get_object_member (
        json_object_get_object_member (json_object_get_object_member (schema, "properties"),
                                       "records"),
        "items");
    JsonArray *bias_enum = json_object_get_array_member (
        json_object_get_object_member (json_object_get_object_member (item, "properties"),
                                       "bias_type"),
        "enum");
    g_assert_cmpuint (json_array_get_length (bias_enum), ==, SYNTH_N_BIAS_TYPES);
  }

  /* The fallback and the other knobs. */
  options.response_format = SYNTH_RESPONSE_FORMAT_JSON_OBJECT;
  options.token_limit_field = SYNTH_TOKEN_LIMIT_MAX_TOKENS;
  options.stream = FALSE;
  options.has_seed = FALSE;
  options.temperature = -1;
  body = parse_body (&options, slots, 4, parser);
  format = json_object_get_object_member (body, "response_format");
  g_assert_cmpstr (json_object_get_string_member (format, "type"), ==, "json_object");
  g_assert_cmpint (json_object_get_int_member (body, "max_tokens"), ==, 9000);
  g_assert_false (json_object_has_member (body, "max_completion_tokens"));
  g_assert_false (json_object_has_member (body, "seed"));
  g_assert_false (json_object_has_member (body, "temperature"));
  g_assert_false (json_object_get_boolean_member (body, "stream"));
  g_assert_false (json_object_has_member (body, "stream_options"));
  g_assert_nonnull (strstr (
      json_object_get_string_member (
          json_array_get_object_element (json_object_get_array_member (body, "messages"), 0),
          "content"),
      "JSON"));

  options.response_format = SYNTH_RESPONSE_FORMAT_NONE;
  options.max_tokens = 0;
  body = parse_body (&options, slots, 4, parser);
  g_assert_false (json_object_has_member (body, "response_format"));
  g_assert_false (json_object_has_member (body, "max_tokens"));
}

static void
test_estimates (void)
{
  SynthSlot shorts[10], longs[10];
  SynthPromptOptions options;
  guint64 prompt, completion, total;
  g_autofree char *body = NULL;

  for (guint i = 0; i < 10; i++)
    {
      shorts[i] = make_slot (i, i % 2, SYNTH_BIAS_NONE, 0, SYNTH_LENGTH_SHORT);
      longs[i] = make_slot (i, i % 2, SYNTH_BIAS_NONE, 0, SYNTH_LENGTH_LONG);
    }
  synth_prompt_options_init (&options);
  options.model = "m";

  g_assert_cmpuint (synth_prompt_estimate_completion_tokens (longs, 10), >,
                    2 * synth_prompt_estimate_completion_tokens (shorts, 10));
  /* Linear in the number of slots (up to the wrapper's constant). */
  {
    gint64 second_half = synth_prompt_estimate_completion_tokens (shorts, 10) -
                         synth_prompt_estimate_completion_tokens (shorts, 5);
    gint64 first_half = synth_prompt_estimate_completion_tokens (shorts, 5) -
                        synth_prompt_estimate_completion_tokens (shorts, 0);
    g_assert_cmpint (ABS (second_half - first_half), <=, 1);
  }
  /* A short record is a few hundred tokens, a long one about a thousand. */
  g_assert_cmpuint (synth_prompt_estimate_completion_tokens (shorts, 1), >, 200);
  g_assert_cmpuint (synth_prompt_estimate_completion_tokens (shorts, 1), <, 600);
  g_assert_cmpuint (synth_prompt_estimate_completion_tokens (longs, 1), >, 700);
  g_assert_cmpuint (synth_prompt_estimate_completion_tokens (longs, 1), <, 1600);

  total = synth_prompt_estimate_tokens (&options, shorts, 10, &prompt, &completion);
  g_assert_cmpuint (total, ==, prompt + completion);
  g_assert_cmpuint (completion, ==, synth_prompt_estimate_completion_tokens (shorts, 10));
  body = synth_prompt_build_request_body (&options, shorts, 10, NULL);
  g_assert_cmpuint (prompt, >=, g_utf8_strlen (body, -1) / 4);
  g_assert_cmpuint (prompt, <=, g_utf8_strlen (body, -1) / 4 + 1);

  g_assert_cmpuint (synth_prompt_suggest_max_tokens (shorts, 1, 0), ==, 1024);
  g_assert_cmpuint (synth_prompt_suggest_max_tokens (longs, 10, 0), >=,
                    synth_prompt_estimate_completion_tokens (longs, 10));
  g_assert_cmpuint (synth_prompt_suggest_max_tokens (longs, 10, 4096), ==, 4096);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/answer/valid-record-fields", test_valid_record_fields);
  g_test_add_func ("/answer/label-forms", test_label_forms);
  g_test_add_func ("/answer/slot-forms", test_slot_forms);
  g_test_add_func ("/answer/fields-and-types", test_fields_and_types);
  g_test_add_func ("/answer/texts", test_texts);
  g_test_add_func ("/answer/length-bounds", test_length_bounds);
  g_test_add_func ("/answer/batch-bookkeeping", test_batch_bookkeeping);
  g_test_add_func ("/answer/validate-content", test_validate_content);
  g_test_add_func ("/answer/streamed-equals-whole", test_streamed_equals_whole);
  g_test_add_func ("/answer/random-damage", test_random_damage);
  g_test_add_func ("/prompt/system-message", test_system_message);
  g_test_add_func ("/prompt/user-message", test_user_message);
  g_test_add_func ("/prompt/request-body", test_request_body);
  g_test_add_func ("/prompt/estimates", test_estimates);

  return g_test_run ();
}
