/* synth-answer.h — checks what a model answered against the batch's slots and
 * turns each good record object into a SynthRecord.
 *
 * The wire contract (issue 3): the answer is
 * `{"records":[{"slot","name","resume_text","job_skill_text","match_label",
 * "bias_type","bias_detail"}…]}`. Providers never choose labels or biases:
 * a record that does not honour its slot is rejected with a reason id, counted
 * in the statistics (SynthUsage.failures), and its slot re-queued. Valid
 * records of a partly bad answer are kept. Pure functions, no I/O. */
#pragma once

#include <json-glib/json-glib.h>

#include "synth-record.h"
#include "synth-slot-plan.h"

G_BEGIN_DECLS

/* Rejection reason ids (static strings; compare with strcmp or g_str_equal). */
#define SYNTH_REJECT_MISSING_FIELD "missing_field"   /* a required member is absent */
#define SYNTH_REJECT_WRONG_TYPE "wrong_type"         /* a member has the wrong JSON type */
#define SYNTH_REJECT_UNKNOWN_SLOT "unknown_slot"     /* the slot is not in this batch */
#define SYNTH_REJECT_DUPLICATE_SLOT "duplicate_slot" /* the slot already has a record */
#define SYNTH_REJECT_WRONG_LABEL "wrong_label"       /* match_label differs from the slot's */
#define SYNTH_REJECT_WRONG_BIAS "wrong_bias"         /* bias_type differs from the slot's */
#define SYNTH_REJECT_EMPTY_TEXT "empty_text"         /* name, resume or job text is blank */
#define SYNTH_REJECT_TOO_SHORT "too_short"           /* fewer words than the length class allows */
#define SYNTH_REJECT_TOO_LONG "too_long"             /* more words than the length class allows */
#define SYNTH_REJECT_INVALID_TEXT                                                                  \
  "invalid_text" /* bad UTF-8, NUL or control bytes, a multi-line name */
#define SYNTH_REJECT_MALFORMED_JSON "malformed_json" /* a record object that did not parse */
#define SYNTH_REJECT_MISSING_SLOT "missing_slot" /* the answer has no record at all for a slot */
#define SYNTH_REJECT_TRUNCATED "truncated"       /* the answer stopped before the array closed */

/* Word bounds, generous around the prompt's targets (80–200 short,
 * 350–900 long, 30–200 for the job text) so a good model is never rejected
 * for a few words, while a one-liner or a runaway text is. */
#define SYNTH_ANSWER_SHORT_RESUME_MIN_WORDS 60
#define SYNTH_ANSWER_SHORT_RESUME_MAX_WORDS 260
#define SYNTH_ANSWER_LONG_RESUME_MIN_WORDS 280
#define SYNTH_ANSWER_LONG_RESUME_MAX_WORDS 1100
#define SYNTH_ANSWER_JOB_MIN_WORDS 15
#define SYNTH_ANSWER_JOB_MAX_WORDS 400
/* Names longer than this (characters) are invalid_text. */
#define SYNTH_ANSWER_NAME_MAX_CHARS 120
/* The model's bias_detail is cut to this many characters. */
#define SYNTH_ANSWER_DETAIL_MAX_CHARS 300

/* The slot a rejection is about, when the record did not name one we know. */
#define SYNTH_ANSWER_NO_SLOT G_MAXUINT

typedef struct
{
  guint slot;         /* slot index (SynthSlot.index), or SYNTH_ANSWER_NO_SLOT */
  const char *reason; /* one of the SYNTH_REJECT_* ids (static) */
} SynthRejection;

/* ---- one batch, record by record (the streamed path) ---------------------- */

typedef struct _SynthAnswerBatch SynthAnswerBatch;

/* @run_id makes the record ids ("<run_id>-0000042"); @slots (copied) are the
 * slots this request asked for, each with its plan index in SynthSlot.index. */
SynthAnswerBatch *
synth_answer_batch_new (const char *run_id, const SynthSlot *slots, guint n_slots);
void synth_answer_batch_free (SynthAnswerBatch *batch);

/* Validates one record object against its slot. On success returns NULL,
 * sets *@out_record to a new SynthRecord (transfer full) filled from the
 * answer (name, texts, bias_detail) and from the slot (index, record_id,
 * label, bias type and subtype, domain, seniority, region, length class,
 * split, group_id) and marks the slot filled. On rejection returns the reason
 * id, sets *@out_record to NULL and remembers the rejection. Checks, in order:
 * slot present and an integer (a decimal string is accepted), in this batch,
 * not already filled; every other member present with the right type
 * (match_label as 0/1, "0"/"1" or false/true; bias_detail may be null); label
 * and bias_type (ASCII case-insensitive) equal to the slot's; texts non-empty,
 * valid UTF-8 without NUL or control characters (tab, CR and LF allowed in
 * the texts, none in the name); resume and job word counts within bounds.
 * @json_text (optional, the object's JSON text as the extractor gives it)
 * lets NUL escapes ("\u0000") be caught: json-glib silently cuts a string at
 * one. @out_slot (optional) receives the slot the record named, or
 * SYNTH_ANSWER_NO_SLOT. */
const char *synth_answer_batch_add (SynthAnswerBatch *batch,
                                    JsonObject *object,
                                    const char *json_text,
                                    SynthRecord **out_record,
                                    guint *out_slot);
/* Counts a record object the extractor could not parse ("malformed_json"). */
void synth_answer_batch_add_malformed (SynthAnswerBatch *batch);

gboolean synth_answer_batch_is_filled (SynthAnswerBatch *batch, guint slot_index);
guint synth_answer_batch_get_n_slots (SynthAnswerBatch *batch);
guint synth_answer_batch_get_n_accepted (SynthAnswerBatch *batch);
/* Rejections so far, in order; owned by the batch. */
const SynthRejection *synth_answer_batch_get_rejections (SynthAnswerBatch *batch,
                                                         guint *n_rejections);
/* New arrays of guint slot indexes, in batch order: slots that received no
 * record object at all ("missing_slot"), and every slot without an accepted
 * record (what to re-queue: missing plus rejected). */
GArray *synth_answer_batch_dup_missing (SynthAnswerBatch *batch);
GArray *synth_answer_batch_dup_unfilled (SynthAnswerBatch *batch);

/* ---- a whole answer (the non-streamed path) ------------------------------- */

typedef struct
{
  GPtrArray *records;    /* SynthRecord * (owned), accepted, in answer order */
  GArray *rejections;    /* SynthRejection, per record object that was refused */
  GArray *missing;       /* guint slot indexes with no record at all */
  GArray *unfilled;      /* guint slot indexes without an accepted record (re-queue these) */
  const char *problem;   /* NULL, SYNTH_REJECT_MALFORMED_JSON (no records array found)
                            or SYNTH_REJECT_TRUNCATED (the array never closed) */
  char *problem_message; /* for people and logs, when problem is set */
} SynthAnswerResult;

/* Extracts the records from a complete message content (same tolerance as
 * the streamed path: prose, fences, bare array) and validates each one.
 * Never fails: everything wrong is in the result. */
SynthAnswerResult *synth_answer_validate_content (
    const char *run_id, const SynthSlot *slots, guint n_slots, const char *content, gssize length);
void synth_answer_result_free (SynthAnswerResult *result);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (SynthAnswerBatch, synth_answer_batch_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (SynthAnswerResult, synth_answer_result_free)

G_END_DECLS
