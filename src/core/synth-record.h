/* synth-record.h — one resume ↔ job pair with its label and injected bias. */
#pragma once

#include <glib-object.h>

#include "synth-bias.h"

G_BEGIN_DECLS

typedef enum
{
  SYNTH_REVIEW_UNREVIEWED,
  SYNTH_REVIEW_ACCEPTED,
  SYNTH_REVIEW_REJECTED,
} SynthReviewStatus;

const char *synth_review_status_to_id   (SynthReviewStatus status);
gboolean    synth_review_status_from_id (const char *id, SynthReviewStatus *out_status);

#define SYNTH_TYPE_RECORD (synth_record_get_type ())
G_DECLARE_FINAL_TYPE (SynthRecord, synth_record, SYNTH, RECORD, GObject)

SynthRecord *synth_record_new (void);
/* Deep copy (all fields). */
SynthRecord *synth_record_copy (SynthRecord *self);

/* Slot index in the run's plan; the record's identity within a run. */
guint        synth_record_get_index          (SynthRecord *self);
void         synth_record_set_index          (SynthRecord *self, guint index);
/* Stable id: "<run-id>-<index, 7 digits>" (record_id column). */
const char  *synth_record_get_record_id      (SynthRecord *self);
void         synth_record_set_record_id      (SynthRecord *self, const char *record_id);
const char  *synth_record_get_name           (SynthRecord *self);
void         synth_record_set_name           (SynthRecord *self, const char *name);
/* The text as exported (with the surface bias, if any). */
const char  *synth_record_get_resume_text    (SynthRecord *self);
void         synth_record_set_resume_text    (SynthRecord *self, const char *text);
const char  *synth_record_get_job_skill_text (SynthRecord *self);
void         synth_record_set_job_skill_text (SynthRecord *self, const char *text);
/* The text before any surface transform; NULL means "same as the biased text". */
const char  *synth_record_get_clean_resume_text    (SynthRecord *self);
void         synth_record_set_clean_resume_text    (SynthRecord *self, const char *text);
const char  *synth_record_get_clean_job_skill_text (SynthRecord *self);
void         synth_record_set_clean_job_skill_text (SynthRecord *self, const char *text);
/* 1 match, 0 no match. */
int          synth_record_get_match_label    (SynthRecord *self);
void         synth_record_set_match_label    (SynthRecord *self, int label);
SynthBiasType synth_record_get_bias_type     (SynthRecord *self);
void         synth_record_set_bias_type      (SynthRecord *self, SynthBiasType type);
const char  *synth_record_get_bias_subtype   (SynthRecord *self);
void         synth_record_set_bias_subtype   (SynthRecord *self, const char *subtype);
/* "textual/abbreviation: JavaScript→JS; …" */
const char  *synth_record_get_bias_detail    (SynthRecord *self);
void         synth_record_set_bias_detail    (SynthRecord *self, const char *detail);
const char  *synth_record_get_domain         (SynthRecord *self);
void         synth_record_set_domain         (SynthRecord *self, const char *domain);
const char  *synth_record_get_seniority      (SynthRecord *self);
void         synth_record_set_seniority      (SynthRecord *self, const char *seniority);
const char  *synth_record_get_region         (SynthRecord *self);
void         synth_record_set_region         (SynthRecord *self, const char *region);
/* "short" or "long". */
const char  *synth_record_get_length_class   (SynthRecord *self);
void         synth_record_set_length_class   (SynthRecord *self, const char *length_class);
/* "train" or "eval"; fairness records are always "eval". */
const char  *synth_record_get_split          (SynthRecord *self);
void         synth_record_set_split          (SynthRecord *self, const char *split);
/* Ties counterfactual fairness variants together; NULL/"" when none. */
const char  *synth_record_get_group_id       (SynthRecord *self);
void         synth_record_set_group_id       (SynthRecord *self, const char *group_id);
SynthReviewStatus synth_record_get_review_status (SynthRecord *self);
void         synth_record_set_review_status  (SynthRecord *self, SynthReviewStatus status);

/* Word count of the resume / job text (whitespace-separated). */
guint        synth_record_count_words        (const char *text);

G_END_DECLS
