/* synth-answer.c — the model-answer validator.
 *
 * Lenient about representation (a label as 1, "1" or true; a slot as "12"),
 * strict about meaning: the record must fill a slot of this batch, once,
 * with the slot's label and bias, and with texts of a plausible size. */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <math.h>
#include <string.h>

#include "synth-answer.h"
#include "synth-error.h"
#include "synth-record-extractor.h"

typedef enum
{
  SLOT_UNSEEN,   /* no record object named it */
  SLOT_REJECTED, /* only rejected records named it */
  SLOT_FILLED,
} SlotState;

struct _SynthAnswerBatch
{
  char *run_id;
  SynthSlot *slots;
  guint8 *states; /* SlotState per position in @slots */
  guint n_slots;
  guint n_accepted;
  GArray *rejections;
};

static const char *const required_members[] = {
  "slot", "name", "resume_text", "job_skill_text", "match_label", "bias_type", "bias_detail",
};

SynthAnswerBatch *
synth_answer_batch_new (const char *run_id, const SynthSlot *slots, guint n_slots)
{
  SynthAnswerBatch *batch;

  g_return_val_if_fail (run_id != NULL, NULL);
  g_return_val_if_fail (slots != NULL || n_slots == 0, NULL);

  batch = g_new0 (SynthAnswerBatch, 1);
  batch->run_id = g_strdup (run_id);
  batch->slots = g_memdup2 (slots, sizeof (SynthSlot) * n_slots);
  batch->states = g_new0 (guint8, n_slots);
  batch->n_slots = n_slots;
  batch->rejections = g_array_new (FALSE, FALSE, sizeof (SynthRejection));
  return batch;
}

void
synth_answer_batch_free (SynthAnswerBatch *batch)
{
  if (batch == NULL)
    return;
  g_free (batch->run_id);
  g_free (batch->slots);
  g_free (batch->states);
  g_array_unref (batch->rejections);
  g_free (batch);
}

/* ---- member readers: return NULL or a reason id ------------------------- */

static gboolean
node_is_value_of (JsonNode *node, GType type)
{
  return JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == type;
}

/* A non-negative integer given as a JSON integer, an integral number or a
 * decimal string. Out of range values are not an error of type. */
static const char *
read_index (JsonNode *node, gint64 *out)
{
  if (node_is_value_of (node, G_TYPE_INT64))
    *out = json_node_get_int (node);
  else if (node_is_value_of (node, G_TYPE_DOUBLE))
    {
      double d = json_node_get_double (node);
      if (!isfinite (d) || d != floor (d))
        return SYNTH_REJECT_WRONG_TYPE;
      *out = (d < 0 || d > G_MAXUINT) ? -1 : (gint64) d;
    }
  else if (node_is_value_of (node, G_TYPE_STRING))
    {
      g_autofree char *s = g_strstrip (g_strdup (json_node_get_string (node)));
      guint64 v;
      if (!g_ascii_string_to_unsigned (s, 10, 0, G_MAXUINT, &v, NULL))
        return SYNTH_REJECT_WRONG_TYPE;
      *out = (gint64) v;
    }
  else
    return SYNTH_REJECT_WRONG_TYPE;
  return NULL;
}

static const char *
read_label (JsonNode *node, int *out)
{
  gint64 v;

  if (node_is_value_of (node, G_TYPE_BOOLEAN))
    {
      *out = json_node_get_boolean (node) ? 1 : 0;
      return NULL;
    }
  if (read_index (node, &v) != NULL)
    return SYNTH_REJECT_WRONG_TYPE;
  if (v != 0 && v != 1)
    return SYNTH_REJECT_WRONG_LABEL;
  *out = (int) v;
  return NULL;
}

/* Position of slot @index in the batch, or -1. */
static int
find_slot (SynthAnswerBatch *batch, gint64 index)
{
  for (guint i = 0; i < batch->n_slots; i++)
    if ((gint64) batch->slots[i].index == index)
      return (int) i;
  return -1;
}

/* ---- text checks --------------------------------------------------------- */

static char *
strip_copy (const char *text)
{
  return g_strstrip (g_strdup (text));
}

/* Valid UTF-8 with no control characters (tab, CR, LF allowed when @multiline). */
static gboolean
text_is_valid (const char *text, gboolean multiline)
{
  if (!g_utf8_validate (text, -1, NULL))
    return FALSE;
  for (const guchar *p = (const guchar *) text; *p; p++)
    {
      if (*p >= 0x20 && *p != 0x7F)
        continue;
      if (multiline && (*p == '\t' || *p == '\n' || *p == '\r'))
        continue;
      return FALSE;
    }
  return TRUE;
}

static gboolean
is_blank (const char *text)
{
  for (const char *p = text; *p; p++)
    if (!g_ascii_isspace (*p))
      return FALSE;
  return TRUE;
}

static const char *
check_words (const char *text, guint min_words, guint max_words)
{
  guint n = synth_record_count_words (text);

  if (n < min_words)
    return SYNTH_REJECT_TOO_SHORT;
  if (n > max_words)
    return SYNTH_REJECT_TOO_LONG;
  return NULL;
}

/* A "\u0000" escape whose backslash is not itself escaped. */
static gboolean
has_nul_escape (const char *json_text)
{
  for (const char *p = json_text; (p = strstr (p, "\\u0000")) != NULL; p++)
    {
      gsize backslashes = 0;
      for (const char *q = p; q > json_text && q[-1] == '\\'; q--)
        backslashes++;
      if (backslashes % 2 == 0)
        return TRUE;
    }
  return FALSE;
}

static const char *
check_texts (const SynthSlot *slot, const char *name, const char *resume, const char *job)
{
  const char *reason;
  gboolean is_long = slot->length == SYNTH_LENGTH_LONG;

  g_autofree char *trimmed_name = NULL;

  if (is_blank (name) || is_blank (resume) || is_blank (job))
    return SYNTH_REJECT_EMPTY_TEXT;
  /* Blanks around the name are harmless (they are stripped); inside it, a
   * line break or tab is not a name. */
  trimmed_name = strip_copy (name);
  if (!text_is_valid (trimmed_name, FALSE) ||
      g_utf8_strlen (trimmed_name, -1) > SYNTH_ANSWER_NAME_MAX_CHARS ||
      !text_is_valid (resume, TRUE) || !text_is_valid (job, TRUE))
    return SYNTH_REJECT_INVALID_TEXT;
  reason = check_words (
      resume, is_long ? SYNTH_ANSWER_LONG_RESUME_MIN_WORDS : SYNTH_ANSWER_SHORT_RESUME_MIN_WORDS,
      is_long ? SYNTH_ANSWER_LONG_RESUME_MAX_WORDS : SYNTH_ANSWER_SHORT_RESUME_MAX_WORDS);
  if (reason == NULL)
    reason = check_words (job, SYNTH_ANSWER_JOB_MIN_WORDS, SYNTH_ANSWER_JOB_MAX_WORDS);
  return reason;
}

/* ---- building the record ------------------------------------------------- */

/* "<type>/<subtype>: <the model's words>" for semantic biases; the surface
 * transforms write their own detail later. */
static char *
make_detail (const SynthSlot *slot, const char *model_detail)
{
  const char *type_id = synth_bias_type_to_id (slot->bias_type);
  g_autofree char *prefix = g_strdup_printf ("%s/%s", type_id, synth_slot_get_subtype_id (slot));
  g_autofree char *detail = NULL;

  if (slot->bias_type == SYNTH_BIAS_NONE)
    return g_strdup ("none");
  if (synth_bias_type_is_surface (slot->bias_type) || model_detail == NULL)
    return g_steal_pointer (&prefix);

  detail = strip_copy (model_detail);
  /* One line, bounded: it is a CSV cell and a label in the window. */
  g_strdelimit (detail, "\r\n\t", ' ');
  if (g_utf8_strlen (detail, -1) > SYNTH_ANSWER_DETAIL_MAX_CHARS)
    *g_utf8_offset_to_pointer (detail, SYNTH_ANSWER_DETAIL_MAX_CHARS) = '\0';
  if (!text_is_valid (detail, FALSE) || detail[0] == '\0')
    return g_steal_pointer (&prefix);
  if (g_str_has_prefix (detail, prefix))
    return g_steal_pointer (&detail);
  return g_strdup_printf ("%s: %s", prefix, detail);
}

static SynthRecord *
build_record (SynthAnswerBatch *batch,
              const SynthSlot *slot,
              const char *name,
              const char *resume,
              const char *job,
              const char *model_detail)
{
  SynthRecord *record = synth_record_new ();
  g_autofree char *record_id = g_strdup_printf ("%s-%07u", batch->run_id, slot->index);
  g_autofree char *group_id = synth_slot_dup_group_id (slot);
  g_autofree char *detail = make_detail (slot, model_detail);
  g_autofree char *clean_name = strip_copy (name);
  g_autofree char *clean_resume = strip_copy (resume);
  g_autofree char *clean_job = strip_copy (job);

  synth_record_set_index (record, slot->index);
  synth_record_set_record_id (record, record_id);
  synth_record_set_name (record, clean_name);
  synth_record_set_resume_text (record, clean_resume);
  synth_record_set_job_skill_text (record, clean_job);
  synth_record_set_match_label (record, slot->match_label);
  synth_record_set_bias_type (record, slot->bias_type);
  synth_record_set_bias_subtype (record, synth_slot_get_subtype_id (slot));
  synth_record_set_bias_detail (record, detail);
  synth_record_set_domain (record, synth_domain_ids ()[slot->domain]);
  synth_record_set_seniority (record, synth_seniority_to_id (slot->seniority));
  synth_record_set_region (record, synth_region_ids ()[slot->region]);
  synth_record_set_length_class (record, synth_length_to_id (slot->length));
  synth_record_set_split (record, synth_slot_get_split (slot));
  synth_record_set_group_id (record, group_id);
  synth_record_set_review_status (record, SYNTH_REVIEW_UNREVIEWED);
  return record;
}

/* ---- validation ---------------------------------------------------------- */

static const char *
reject (SynthAnswerBatch *batch, int pos, guint slot_index, const char *reason)
{
  SynthRejection r = { slot_index, reason };

  if (pos >= 0 && batch->states[pos] == SLOT_UNSEEN)
    batch->states[pos] = SLOT_REJECTED;
  g_array_append_val (batch->rejections, r);
  return reason;
}

/* Members other than the slot: presence, then types, then meaning. */
static const char *
check_members (JsonObject *object,
               const SynthSlot *slot,
               const char *json_text,
               const char **out_strings)
{
  /* out_strings: name, resume_text, job_skill_text, bias_type, bias_detail */
  static const char *const string_members[] = { "name", "resume_text", "job_skill_text",
                                                "bias_type", "bias_detail" };
  SynthBiasType bias;
  const char *reason;
  int label;

  for (guint i = 0; i < G_N_ELEMENTS (required_members); i++)
    if (!json_object_has_member (object, required_members[i]))
      return SYNTH_REJECT_MISSING_FIELD;

  for (guint i = 0; i < G_N_ELEMENTS (string_members); i++)
    {
      JsonNode *node = json_object_get_member (object, string_members[i]);
      out_strings[i] = NULL;
      if (i == 4 && JSON_NODE_HOLDS_NULL (node))
        continue; /* bias_detail may be null */
      if (!node_is_value_of (node, G_TYPE_STRING))
        return SYNTH_REJECT_WRONG_TYPE;
      out_strings[i] = json_node_get_string (node);
    }

  reason = read_label (json_object_get_member (object, "match_label"), &label);
  if (reason != NULL)
    return reason;
  if (label != slot->match_label)
    return SYNTH_REJECT_WRONG_LABEL;

  {
    g_autofree char *bias_id = g_ascii_strdown (out_strings[3], -1);
    g_strstrip (bias_id);
    if (!synth_bias_type_from_id (bias_id, &bias) || bias != slot->bias_type)
      return SYNTH_REJECT_WRONG_BIAS;
  }

  if (json_text != NULL && has_nul_escape (json_text))
    return SYNTH_REJECT_INVALID_TEXT;
  return check_texts (slot, out_strings[0], out_strings[1], out_strings[2]);
}

const char *
synth_answer_batch_add (SynthAnswerBatch *batch,
                        JsonObject *object,
                        const char *json_text,
                        SynthRecord **out_record,
                        guint *out_slot)
{
  const char *strings[5];
  const char *reason;
  JsonNode *slot_node;
  gint64 index = -1;
  int pos = -1;

  g_return_val_if_fail (batch != NULL, SYNTH_REJECT_MALFORMED_JSON);
  g_return_val_if_fail (object != NULL, SYNTH_REJECT_MALFORMED_JSON);
  g_return_val_if_fail (out_record != NULL, SYNTH_REJECT_MALFORMED_JSON);

  *out_record = NULL;
  if (out_slot)
    *out_slot = SYNTH_ANSWER_NO_SLOT;

  slot_node = json_object_get_member (object, "slot");
  if (slot_node == NULL)
    return reject (batch, -1, SYNTH_ANSWER_NO_SLOT, SYNTH_REJECT_MISSING_FIELD);
  reason = read_index (slot_node, &index);
  if (reason != NULL)
    return reject (batch, -1, SYNTH_ANSWER_NO_SLOT, reason);
  pos = find_slot (batch, index);
  if (pos < 0)
    return reject (batch, -1, SYNTH_ANSWER_NO_SLOT, SYNTH_REJECT_UNKNOWN_SLOT);
  if (out_slot)
    *out_slot = (guint) index;
  if (batch->states[pos] == SLOT_FILLED)
    return reject (batch, pos, index, SYNTH_REJECT_DUPLICATE_SLOT);

  reason = check_members (object, &batch->slots[pos], json_text, strings);
  if (reason != NULL)
    return reject (batch, pos, index, reason);

  *out_record =
      build_record (batch, &batch->slots[pos], strings[0], strings[1], strings[2], strings[4]);
  batch->states[pos] = SLOT_FILLED;
  batch->n_accepted++;
  return NULL;
}

void
synth_answer_batch_add_malformed (SynthAnswerBatch *batch)
{
  g_return_if_fail (batch != NULL);
  reject (batch, -1, SYNTH_ANSWER_NO_SLOT, SYNTH_REJECT_MALFORMED_JSON);
}

gboolean
synth_answer_batch_is_filled (SynthAnswerBatch *batch, guint slot_index)
{
  int pos;

  g_return_val_if_fail (batch != NULL, FALSE);
  pos = find_slot (batch, slot_index);
  return pos >= 0 && batch->states[pos] == SLOT_FILLED;
}

guint
synth_answer_batch_get_n_slots (SynthAnswerBatch *batch)
{
  g_return_val_if_fail (batch != NULL, 0);
  return batch->n_slots;
}

guint
synth_answer_batch_get_n_accepted (SynthAnswerBatch *batch)
{
  g_return_val_if_fail (batch != NULL, 0);
  return batch->n_accepted;
}

const SynthRejection *
synth_answer_batch_get_rejections (SynthAnswerBatch *batch, guint *n_rejections)
{
  g_return_val_if_fail (batch != NULL, NULL);
  if (n_rejections)
    *n_rejections = batch->rejections->len;
  return (const SynthRejection *) batch->rejections->data;
}

static GArray *
dup_slots_where (SynthAnswerBatch *batch, gboolean only_unseen)
{
  GArray *out = g_array_new (FALSE, FALSE, sizeof (guint));

  for (guint i = 0; i < batch->n_slots; i++)
    if (only_unseen ? batch->states[i] == SLOT_UNSEEN : batch->states[i] != SLOT_FILLED)
      g_array_append_val (out, batch->slots[i].index);
  return out;
}

GArray *
synth_answer_batch_dup_missing (SynthAnswerBatch *batch)
{
  g_return_val_if_fail (batch != NULL, NULL);
  return dup_slots_where (batch, TRUE);
}

GArray *
synth_answer_batch_dup_unfilled (SynthAnswerBatch *batch)
{
  g_return_val_if_fail (batch != NULL, NULL);
  return dup_slots_where (batch, FALSE);
}

/* ---- whole answers ------------------------------------------------------- */

typedef struct
{
  SynthAnswerBatch *batch;
  GPtrArray *records;
} ContentData;

static void
on_record (JsonObject *object, const char *json_text, gpointer user_data)
{
  ContentData *data = user_data;
  SynthRecord *record = NULL;

  if (synth_answer_batch_add (data->batch, object, json_text, &record, NULL) == NULL)
    g_ptr_array_add (data->records, record);
}

SynthAnswerResult *
synth_answer_validate_content (
    const char *run_id, const SynthSlot *slots, guint n_slots, const char *content, gssize length)
{
  g_autoptr (SynthAnswerBatch) batch = synth_answer_batch_new (run_id, slots, n_slots);
  g_autoptr (SynthRecordExtractor) extractor = synth_record_extractor_new ();
  g_autoptr (GError) error = NULL;
  SynthAnswerResult *result = g_new0 (SynthAnswerResult, 1);
  ContentData data = { batch, NULL };
  const SynthRejection *rejections;
  guint n_rejections;

  result->records = g_ptr_array_new_with_free_func (g_object_unref);
  data.records = result->records;
  if (content != NULL)
    synth_record_extractor_feed (extractor, content, length, on_record, &data);
  for (guint i = synth_record_extractor_get_n_malformed (extractor); i > 0; i--)
    synth_answer_batch_add_malformed (batch);

  if (!synth_record_extractor_finish (extractor, &error))
    {
      result->problem = synth_record_extractor_found_records (extractor)
                            ? SYNTH_REJECT_TRUNCATED
                            : SYNTH_REJECT_MALFORMED_JSON;
      result->problem_message = g_strdup (error->message);
    }

  rejections = synth_answer_batch_get_rejections (batch, &n_rejections);
  result->rejections = g_array_sized_new (FALSE, FALSE, sizeof (SynthRejection), n_rejections);
  g_array_append_vals (result->rejections, rejections, n_rejections);
  result->missing = synth_answer_batch_dup_missing (batch);
  result->unfilled = synth_answer_batch_dup_unfilled (batch);
  return result;
}

void
synth_answer_result_free (SynthAnswerResult *result)
{
  if (result == NULL)
    return;
  g_ptr_array_unref (result->records);
  g_array_unref (result->rejections);
  g_array_unref (result->missing);
  g_array_unref (result->unfilled);
  g_free (result->problem_message);
  g_free (result);
}
