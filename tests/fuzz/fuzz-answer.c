/* fuzz-answer.c — the model-answer validator (JSON → records against slots)
 * over any answer a model sends.
 *
 * Input: one byte choosing the chunk size (1–8) of the streamed path, then
 * the answer text. The answer is validated against a fixed batch of four
 * slots (short and long resumes, a surface, a semantic, a fairness and a
 * "none" bias), both whole (synth_answer_validate_content) and streamed
 * (extractor chunks → synth_answer_batch_add), as the provider does. Both
 * paths must agree record for record and rejection for rejection, and every
 * accepted record must honour its slot: label, bias, one-line name, valid
 * text within the word bounds. */
#include <string.h>

#include "fuzz-common.h"
#include "synth-answer.h"
#include "synth-record-extractor.h"

#define RUN_ID "fz"

static const SynthSlot slots[] = {
  { .index = 0,
    .match_label = 1,
    .bias_type = SYNTH_BIAS_TEXTUAL,
    .bias_subtype = 1,
    .domain = 0,
    .seniority = SYNTH_SENIORITY_JUNIOR,
    .region = 0,
    .length = SYNTH_LENGTH_SHORT,
    .group = SYNTH_NO_GROUP },
  { .index = 3,
    .match_label = 0,
    .bias_type = SYNTH_BIAS_EXPERIENCE,
    .bias_subtype = 0,
    .domain = 5,
    .seniority = SYNTH_SENIORITY_SENIOR,
    .region = 4,
    .length = SYNTH_LENGTH_SHORT,
    .group = SYNTH_NO_GROUP },
  { .index = 7,
    .match_label = 1,
    .bias_type = SYNTH_BIAS_FAIRNESS,
    .bias_subtype = 0,
    .domain = 2,
    .seniority = SYNTH_SENIORITY_MID,
    .region = 7,
    .length = SYNTH_LENGTH_LONG,
    .variant = 1,
    .group = 12 },
  { .index = 12,
    .match_label = 0,
    .bias_type = SYNTH_BIAS_NONE,
    .bias_subtype = 0,
    .domain = 11,
    .seniority = SYNTH_SENIORITY_LEAD,
    .region = 9,
    .length = SYNTH_LENGTH_SHORT,
    .group = SYNTH_NO_GROUP },
};

static const SynthSlot *
slot_for_index (guint index)
{
  for (guint i = 0; i < G_N_ELEMENTS (slots); i++)
    if (slots[i].index == index)
      return &slots[i];
  return NULL;
}

static gboolean
is_reason (const char *reason)
{
  static const char *const reasons[] = {
    SYNTH_REJECT_MISSING_FIELD,  SYNTH_REJECT_WRONG_TYPE,     SYNTH_REJECT_UNKNOWN_SLOT,
    SYNTH_REJECT_DUPLICATE_SLOT, SYNTH_REJECT_WRONG_LABEL,    SYNTH_REJECT_WRONG_BIAS,
    SYNTH_REJECT_EMPTY_TEXT,     SYNTH_REJECT_TOO_SHORT,      SYNTH_REJECT_TOO_LONG,
    SYNTH_REJECT_INVALID_TEXT,   SYNTH_REJECT_MALFORMED_JSON,
  };
  for (guint i = 0; i < G_N_ELEMENTS (reasons); i++)
    if (strcmp (reason, reasons[i]) == 0)
      return TRUE;
  return FALSE;
}

static gboolean
has_control_chars (const char *text, gboolean multiline)
{
  for (const guchar *p = (const guchar *) text; *p; p++)
    if ((*p < 0x20 || *p == 0x7F) && !(multiline && (*p == '\t' || *p == '\n' || *p == '\r')))
      return TRUE;
  return FALSE;
}

static void
check_record (SynthRecord *record)
{
  const SynthSlot *slot = slot_for_index (synth_record_get_index (record));
  const char *name = synth_record_get_name (record);
  const char *resume = synth_record_get_resume_text (record);
  const char *job = synth_record_get_job_skill_text (record);
  const char *detail = synth_record_get_bias_detail (record);
  g_autofree char *record_id = NULL;
  guint resume_words, job_words;

  FUZZ_CHECK (slot != NULL);
  record_id = g_strdup_printf (RUN_ID "-%07u", slot->index);
  FUZZ_CHECK (g_strcmp0 (synth_record_get_record_id (record), record_id) == 0);
  FUZZ_CHECK (synth_record_get_match_label (record) == slot->match_label);
  FUZZ_CHECK (synth_record_get_bias_type (record) == slot->bias_type);

  FUZZ_CHECK (name != NULL && resume != NULL && job != NULL && detail != NULL);
  FUZZ_CHECK (g_utf8_validate (name, -1, NULL) && !has_control_chars (name, FALSE));
  FUZZ_CHECK (*name != '\0' && !g_ascii_isspace (*name));
  FUZZ_CHECK (g_utf8_strlen (name, -1) <= SYNTH_ANSWER_NAME_MAX_CHARS);
  FUZZ_CHECK (g_utf8_validate (resume, -1, NULL) && !has_control_chars (resume, TRUE));
  FUZZ_CHECK (g_utf8_validate (job, -1, NULL) && !has_control_chars (job, TRUE));
  /* The detail is one line of bounded length: it is a CSV cell and a label. */
  FUZZ_CHECK (g_utf8_validate (detail, -1, NULL) && !has_control_chars (detail, FALSE));
  FUZZ_CHECK (g_utf8_strlen (detail, -1) <= SYNTH_ANSWER_DETAIL_MAX_CHARS + 64);

  resume_words = synth_record_count_words (resume);
  job_words = synth_record_count_words (job);
  if (slot->length == SYNTH_LENGTH_LONG)
    FUZZ_CHECK (resume_words >= SYNTH_ANSWER_LONG_RESUME_MIN_WORDS &&
                resume_words <= SYNTH_ANSWER_LONG_RESUME_MAX_WORDS);
  else
    FUZZ_CHECK (resume_words >= SYNTH_ANSWER_SHORT_RESUME_MIN_WORDS &&
                resume_words <= SYNTH_ANSWER_SHORT_RESUME_MAX_WORDS);
  FUZZ_CHECK (job_words >= SYNTH_ANSWER_JOB_MIN_WORDS && job_words <= SYNTH_ANSWER_JOB_MAX_WORDS);
}

static gboolean
array_has (GArray *array, guint value)
{
  for (guint i = 0; i < array->len; i++)
    if (g_array_index (array, guint, i) == value)
      return TRUE;
  return FALSE;
}

static void
check_result (SynthAnswerResult *r)
{
  FUZZ_CHECK (r->records->len + r->unfilled->len == G_N_ELEMENTS (slots));
  for (guint i = 0; i < r->records->len; i++)
    {
      check_record (r->records->pdata[i]);
      FUZZ_CHECK (!array_has (r->unfilled, synth_record_get_index (r->records->pdata[i])));
    }
  for (guint i = 0; i < r->missing->len; i++)
    FUZZ_CHECK (array_has (r->unfilled, g_array_index (r->missing, guint, i)));
  for (guint i = 0; i < r->rejections->len; i++)
    {
      const SynthRejection *rej = &g_array_index (r->rejections, SynthRejection, i);
      FUZZ_CHECK (is_reason (rej->reason));
      FUZZ_CHECK (rej->slot == SYNTH_ANSWER_NO_SLOT || slot_for_index (rej->slot) != NULL);
    }
  FUZZ_CHECK (r->problem == NULL || strcmp (r->problem, SYNTH_REJECT_MALFORMED_JSON) == 0 ||
              strcmp (r->problem, SYNTH_REJECT_TRUNCATED) == 0);
  FUZZ_CHECK ((r->problem == NULL) == (r->problem_message == NULL));
}

/* ---- the streamed path, as the provider runs it ---------------------------- */

typedef struct
{
  SynthAnswerBatch *batch;
  GPtrArray *records;
} Streamed;

static void
on_record (JsonObject *object, const char *json_text, gpointer user_data)
{
  Streamed *s = user_data;
  SynthRecord *record = NULL;
  guint slot = 0;
  const char *reason = synth_answer_batch_add (s->batch, object, json_text, &record, &slot);

  FUZZ_CHECK ((reason == NULL) == (record != NULL));
  if (record != NULL)
    {
      FUZZ_CHECK (slot == synth_record_get_index (record));
      FUZZ_CHECK (synth_answer_batch_is_filled (s->batch, slot));
      g_ptr_array_add (s->records, record);
    }
}

static void
compare_with_streamed (SynthAnswerResult *whole, const guint8 *data, gsize size, gsize chunk)
{
  g_autoptr (SynthAnswerBatch) batch = synth_answer_batch_new (RUN_ID, slots, G_N_ELEMENTS (slots));
  g_autoptr (SynthRecordExtractor) extractor = synth_record_extractor_new ();
  g_autoptr (GPtrArray) records = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr (GArray) unfilled = NULL;
  Streamed s = { batch, records };
  const SynthRejection *rejections;
  guint n_rejections;

  for (gsize pos = 0; pos < size; pos += chunk)
    synth_record_extractor_feed (extractor, (const char *) data + pos, MIN (chunk, size - pos),
                                 on_record, &s);
  for (guint i = synth_record_extractor_get_n_malformed (extractor); i > 0; i--)
    synth_answer_batch_add_malformed (batch);

  FUZZ_CHECK (records->len == whole->records->len);
  FUZZ_CHECK (synth_answer_batch_get_n_accepted (batch) == records->len);
  for (guint i = 0; i < records->len; i++)
    {
      SynthRecord *a = records->pdata[i], *b = whole->records->pdata[i];
      FUZZ_CHECK (synth_record_get_index (a) == synth_record_get_index (b));
      FUZZ_CHECK (strcmp (synth_record_get_name (a), synth_record_get_name (b)) == 0);
      FUZZ_CHECK (strcmp (synth_record_get_resume_text (a), synth_record_get_resume_text (b)) == 0);
      FUZZ_CHECK (
          strcmp (synth_record_get_job_skill_text (a), synth_record_get_job_skill_text (b)) == 0);
      FUZZ_CHECK (strcmp (synth_record_get_bias_detail (a), synth_record_get_bias_detail (b)) == 0);
    }
  rejections = synth_answer_batch_get_rejections (batch, &n_rejections);
  FUZZ_CHECK (n_rejections == whole->rejections->len);
  for (guint i = 0; i < n_rejections; i++)
    {
      const SynthRejection *w = &g_array_index (whole->rejections, SynthRejection, i);
      FUZZ_CHECK (rejections[i].slot == w->slot && strcmp (rejections[i].reason, w->reason) == 0);
    }
  unfilled = synth_answer_batch_dup_unfilled (batch);
  FUZZ_CHECK (unfilled->len == whole->unfilled->len);
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  g_autoptr (SynthAnswerResult) result = NULL;
  gsize chunk;

  if (size == 0)
    return 0;
  chunk = (data[0] & 7) + 1;
  data++;
  size--;

  result = synth_answer_validate_content (RUN_ID, slots, G_N_ELEMENTS (slots), (const char *) data,
                                          size);
  check_result (result);
  compare_with_streamed (result, data, size, chunk);
  return 0;
}
