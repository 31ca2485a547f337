/* synth-stats.h — statistics of a dataset (DESIGN.md §8), accumulated one
 * record at a time so a million records never sit in memory together.
 *
 * Records may be added from one thread while another reads the getters
 * (the app draws live charts): every call takes the object's lock. */
#pragma once

#include <glib-object.h>
#include <json-glib/json-glib.h>

#include "synth-bias.h"
#include "synth-record.h"
#include "synth-run-spec.h"
#include "synth-usage.h"

G_BEGIN_DECLS

/* Bins of the skill-overlap histograms: [0, 0.1), … [0.9, 1.0]. */
#define SYNTH_STATS_OVERLAP_BINS 10
/* Near duplicates: Jaccard similarity of word 5-shingles at least this. */
#define SYNTH_STATS_NEAR_THRESHOLD 0.8
#define SYNTH_STATS_SHINGLE_WORDS 5

typedef enum
{
  SYNTH_STATS_TEXT_RESUME,
  SYNTH_STATS_TEXT_JOB,
} SynthStatsText;

typedef enum
{
  SYNTH_STATS_UNIT_CHARS,
  SYNTH_STATS_UNIT_WORDS,
} SynthStatsUnit;

typedef enum
{
  SYNTH_STATS_ATTR_DOMAIN,
  SYNTH_STATS_ATTR_SENIORITY,
  SYNTH_STATS_ATTR_REGION,
  SYNTH_STATS_ATTR_LENGTH_CLASS,
  SYNTH_STATS_ATTR_SPLIT,
  SYNTH_STATS_N_ATTRS
} SynthStatsAttribute;

typedef struct
{
  guint64 count; /* records measured */
  guint min;
  guint max;
  double median;
  double mean;
} SynthLengthSummary;

#define SYNTH_TYPE_STATS (synth_stats_get_type ())
G_DECLARE_FINAL_TYPE (SynthStats, synth_stats, SYNTH, STATS, GObject)

SynthStats *synth_stats_new (void);

/* Provenance and targets; both are copied, and both are optional (a CSV
 * from elsewhere has neither). */
void synth_stats_set_spec (SynthStats *self, const SynthRunSpec *spec);
void synth_stats_set_usage (SynthStats *self, const SynthUsage *usage);
void synth_stats_set_prompts_version (SynthStats *self, const char *version);
void synth_stats_set_run_id (SynthStats *self, const char *run_id);
/* NULL when not set. */
const SynthRunSpec *synth_stats_get_spec (SynthStats *self);
const SynthUsage *synth_stats_get_usage (SynthStats *self);
const char *synth_stats_get_prompts_version (SynthStats *self);
const char *synth_stats_get_run_id (SynthStats *self);

/* Streaming: the record is read, never kept. */
void synth_stats_add_record (SynthStats *self, SynthRecord *record);

/* What the statistics take from one record on its own: text scans, hashes,
 * the MinHash signature, the skill overlap. Computing it is most of the cost
 * of synth_stats_add_record and needs no SynthStats, so an export computes
 * items in another thread and adds them in order: the figures are the same
 * as synth_stats_add_record's. An item is reusable: compute overwrites it. */
typedef struct _SynthStatsItem SynthStatsItem;
SynthStatsItem *synth_stats_item_new (void);
void synth_stats_item_free (SynthStatsItem *item);
void synth_stats_item_compute (SynthStatsItem *item, SynthRecord *record);
/* The results of @item without its working space (a few hundred bytes and
 * the bigrams): what to keep per record while @item computes the next. It
 * cannot compute, only be added. */
SynthStatsItem *synth_stats_item_dup_result (const SynthStatsItem *item);
/* @item computed from @record. */
void synth_stats_add_item (SynthStats *self, SynthRecord *record, const SynthStatsItem *item);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (SynthStatsItem, synth_stats_item_free)
/* Frees the working memory of duplicate and diversity detection; the
 * figures stay readable, and no record may be added afterwards. */
void synth_stats_finish (SynthStats *self);
gboolean synth_stats_is_finished (SynthStats *self);

guint64 synth_stats_get_records (SynthStats *self);
/* @label is 0 or 1. */
guint64 synth_stats_get_label_count (SynthStats *self, int label);
/* Share of label 1 among labelled records; NAN with no records. */
double synth_stats_get_positive_ratio (SynthStats *self);
/* The spec's positive ratio; NAN without a spec. */
double synth_stats_get_target_positive_ratio (SynthStats *self);

guint64 synth_stats_get_bias_count (SynthStats *self, SynthBiasType type);
/* count ÷ records; NAN with no records. */
double synth_stats_get_bias_achieved_fraction (SynthStats *self, SynthBiasType type);
/* The spec's mix as a fraction; NAN without a spec. */
double synth_stats_get_bias_requested_fraction (SynthStats *self, SynthBiasType type);

/* Ids seen or known (known ids first, in their canonical order; ids found
 * only in the data after them, sorted). Ids beyond the first 1000 unknown
 * ones are counted under "other". */
GStrv synth_stats_dup_attribute_ids (SynthStats *self, SynthStatsAttribute attr);
guint64
synth_stats_get_attribute_count (SynthStats *self, SynthStatsAttribute attr, const char *id);
/* The JSON key of an attribute's counts: "domain_counts"… */
const char *synth_stats_attribute_to_key (SynthStatsAttribute attr);

/* FALSE (and @out zeroed) when no record was added. */
gboolean synth_stats_get_length_summary (SynthStats *self,
                                         SynthStatsText text,
                                         SynthStatsUnit unit,
                                         SynthLengthSummary *out);
/* Counts of lengths in [start + i·width, start + (i+1)·width) for i <
 * n_bins; lengths below start fall in the first bin, at or above the end
 * in the last. */
void synth_stats_get_length_histogram (SynthStats *self,
                                       SynthStatsText text,
                                       SynthStatsUnit unit,
                                       guint start,
                                       guint width,
                                       guint n_bins,
                                       guint64 *out_counts);

/* Records identical to an earlier one (resume + job, whitespace collapsed). */
guint64 synth_stats_get_exact_duplicates (SynthStats *self);
/* Records, not exact duplicates, whose word 5-shingles have an estimated
 * Jaccard similarity ≥ 0.8 with an earlier record (MinHash + LSH). */
guint64 synth_stats_get_near_duplicates (SynthStats *self);
/* Of those, how many share their group_id with the earlier record: the
 * intended counterfactual fairness variants. */
guint64 synth_stats_get_near_duplicates_within_groups (SynthStats *self);
/* Records checked for near duplicates: all of them up to 2,000,000, the
 * first 2,000,000 beyond (the check costs ≈ 400 bytes a record). */
guint64 synth_stats_get_near_checked (SynthStats *self);
/* Near duplicates ÷ records checked; NAN with none. */
double synth_stats_get_near_duplicate_rate (SynthStats *self);

/* Distinct word bigrams ÷ word bigrams over all resumes; NAN with none.
 * Exact up to 65,536 distinct bigrams, a HyperLogLog estimate (±0.4 %) beyond. */
double synth_stats_get_distinct_2 (SynthStats *self);
gboolean synth_stats_get_distinct_2_is_estimate (SynthStats *self);
/* The two terms of distinct_2 (distinct possibly estimated). */
void synth_stats_get_bigram_counts (SynthStats *self, guint64 *out_distinct, guint64 *out_total);
/* Distinct names (case and spacing ignored) ÷ records with a name; NAN with none. */
double synth_stats_get_unique_name_ratio (SynthStats *self);

/* ROC AUC of the job-skill overlap as a score for match_label (ties count
 * half); NAN when either label has no record. */
double synth_stats_get_overlap_auc (SynthStats *self);
/* Per label: count, mean and median overlap; NAN mean/median with no record. */
guint64 synth_stats_get_overlap_count (SynthStats *self, int label);
double synth_stats_get_overlap_mean (SynthStats *self, int label);
double synth_stats_get_overlap_median (SynthStats *self, int label);
void synth_stats_get_overlap_histogram (SynthStats *self,
                                        int label,
                                        guint64 out_counts[SYNTH_STATS_OVERLAP_BINS]);

/* The whole report (see DESIGN.md §8); a new node. Implemented with the
 * HTML report in synth-report.c. Call it after the last record for figures
 * that agree with each other. */
JsonNode *synth_stats_to_json (SynthStats *self);
/* Writes the JSON through a temporary file renamed over @path. */
gboolean synth_stats_write_json (SynthStats *self, const char *path, GError **error);

/* A "nice" histogram for a length distribution (≤ @max_bins bins of width
 * 1, 2 or 5 × 10^k starting at a multiple of the width); FALSE with no data. */
gboolean synth_stats_get_length_bins (SynthStats *self,
                                      SynthStatsText text,
                                      SynthStatsUnit unit,
                                      guint max_bins,
                                      guint *out_start,
                                      guint *out_width,
                                      guint *out_n_bins);

G_END_DECLS
