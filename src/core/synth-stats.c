/* synth-stats.c — streaming statistics of a dataset.
 *
 * Every figure is kept as a counter, an exact count table or a fixed-size
 * sketch, so a million records cost a few hundred MB at most and no string
 * is ever sorted: medians come from count tables, duplicates from 64-bit
 * hashes, near duplicates from MinHash signatures (one-permutation hashing,
 * 72 bins) indexed by LSH (12 bands of 6 rows, threshold ≈ 0.66, then each
 * candidate is verified against the 0.8 Jaccard estimate).
 *
 * Those sets, sketches and count tables are in synth-stats-sketch.c. */
#include "config.h"

#include "synth-stats.h"

#include <glib/gi18n-lib.h>
#include <math.h>
#include <string.h>

#include "synth-error.h"
#include "synth-slot-plan.h"
#include "synth-stats-private.h"
#include "synth-text.h"

/* Near-duplicate detection costs ≈ 400 bytes a record; past this many
 * records it stops indexing and the JSON says how many were checked. */
#define NEAR_MAX_RECORDS 2000000u
/* Exact distinct bigrams up to this many (a 1 MB table, which stays in
 * cache), a HyperLogLog estimate beyond (±0.4 %): an exact set of millions
 * of bigrams costs a cache miss per word. */
#define BIGRAM_EXACT_MAX (1u << 16)
#define MAX_EXTRA_IDS 1000u

/* ---------------------------------------------------------------------- */
/* The object                                                              */

typedef struct
{
  guint num; /* matched skills, reduced */
  guint den; /* required skills, reduced; 1 for "no skills" */
  guint64 count[2];
} OverlapValue;

struct _SynthStats
{
  GObject parent_instance;

  GRecMutex lock;
  gboolean finished;
  SynthRunSpec *spec;
  SynthUsage *usage;
  char *prompts_version;
  char *run_id;

  guint64 records;
  guint64 labels[2];
  guint64 bias[SYNTH_N_BIAS_TYPES];
  GHashTable *attrs[SYNTH_STATS_N_ATTRS]; /* id → guint64 * */
  guint extra_ids[SYNTH_STATS_N_ATTRS];
  IntDist lengths[2][2]; /* [SynthStatsText][SynthStatsUnit] */

  U64Set exact_set;
  guint64 exact_dups;
  SynthTextNearIndex *near;
  guint64 near_dups;
  guint64 near_within_groups;
  guint64 near_checked;

  U64Set bigram_set;
  guint8 *bigram_hll;
  guint64 distinct_bigrams;
  guint64 total_bigrams;
  gboolean bigrams_estimated;

  U64Set name_set;
  guint64 distinct_names;
  guint64 named_records;

  GHashTable *overlap_index; /* packed num/den → index + 1 into overlap_values */
  GArray *overlap_values;    /* OverlapValue */
  double overlap_sum[2];
  guint64 overlap_hist[2][SYNTH_STATS_OVERLAP_BINS];

  /* What synth_stats_add_record computes each record into. */
  SynthStatsItem *item;
};

/* What the statistics take from one record on its own. The arrays are
 * working space, kept between records to spare the allocator. */
struct _SynthStatsItem
{
  SynthTextScan resume;
  SynthTextScan job;
  gboolean named;
  guint64 name_hash;
  GArray *bigrams; /* guint64: the resume's word bigrams */
  gboolean has_sig;
  guint32 sig[SYNTH_TEXT_MINHASH_K];
  gboolean has_overlap;
  guint matched, total;
  GArray *resume_words, *job_words, *scratch; /* guint64 */
};

G_DEFINE_FINAL_TYPE (SynthStats, synth_stats, G_TYPE_OBJECT)

static const char *const attr_keys[SYNTH_STATS_N_ATTRS] = {
  "domain_counts", "seniority_counts", "region_counts", "length_class_counts", "split_counts",
};

static void
synth_stats_finalize (GObject *object)
{
  SynthStats *self = SYNTH_STATS (object);

  g_clear_pointer (&self->spec, synth_run_spec_free);
  g_clear_pointer (&self->usage, synth_usage_free);
  g_clear_pointer (&self->prompts_version, g_free);
  g_clear_pointer (&self->run_id, g_free);
  for (guint a = 0; a < SYNTH_STATS_N_ATTRS; a++)
    g_clear_pointer (&self->attrs[a], g_hash_table_unref);
  for (guint t = 0; t < 2; t++)
    for (guint u = 0; u < 2; u++)
      _synth_stats_dist_clear (&self->lengths[t][u]);
  _synth_stats_u64set_clear (&self->exact_set);
  g_clear_pointer (&self->near, synth_text_near_index_free);
  _synth_stats_u64set_clear (&self->bigram_set);
  g_clear_pointer (&self->bigram_hll, g_free);
  _synth_stats_u64set_clear (&self->name_set);
  g_clear_pointer (&self->overlap_index, g_hash_table_unref);
  g_clear_pointer (&self->overlap_values, g_array_unref);
  g_clear_pointer (&self->item, synth_stats_item_free);
  g_rec_mutex_clear (&self->lock);

  G_OBJECT_CLASS (synth_stats_parent_class)->finalize (object);
}

static void
synth_stats_class_init (SynthStatsClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = synth_stats_finalize;
}

static void
add_known_ids (GHashTable *table, const char *const *ids)
{
  for (guint i = 0; ids[i] != NULL; i++)
    g_hash_table_insert (table, g_strdup (ids[i]), g_new0 (guint64, 1));
}

static void
synth_stats_init (SynthStats *self)
{
  const char *seniorities[SYNTH_N_SENIORITIES + 1] = { NULL };
  const char *lengths[SYNTH_N_LENGTHS + 1] = { NULL };
  const char *const splits[] = { "train", "eval", NULL };

  g_rec_mutex_init (&self->lock);
  for (guint i = 0; i < SYNTH_N_SENIORITIES; i++)
    seniorities[i] = synth_seniority_to_id (i);
  for (guint i = 0; i < SYNTH_N_LENGTHS; i++)
    lengths[i] = synth_length_to_id (i);
  for (guint a = 0; a < SYNTH_STATS_N_ATTRS; a++)
    self->attrs[a] = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  add_known_ids (self->attrs[SYNTH_STATS_ATTR_DOMAIN], synth_domain_ids ());
  add_known_ids (self->attrs[SYNTH_STATS_ATTR_SENIORITY], seniorities);
  add_known_ids (self->attrs[SYNTH_STATS_ATTR_REGION], synth_region_ids ());
  add_known_ids (self->attrs[SYNTH_STATS_ATTR_LENGTH_CLASS], lengths);
  add_known_ids (self->attrs[SYNTH_STATS_ATTR_SPLIT], splits);
  for (guint t = 0; t < 2; t++)
    for (guint u = 0; u < 2; u++)
      _synth_stats_dist_init (&self->lengths[t][u]);
  self->bigram_hll = g_new0 (guint8, HLL_M);
  self->near = synth_text_near_index_new ();
  self->overlap_index = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);
  self->overlap_values = g_array_new (FALSE, FALSE, sizeof (OverlapValue));
  self->item = synth_stats_item_new ();
}

SynthStats *
synth_stats_new (void)
{
  return g_object_new (SYNTH_TYPE_STATS, NULL);
}

void
synth_stats_set_spec (SynthStats *self, const SynthRunSpec *spec)
{
  g_return_if_fail (SYNTH_IS_STATS (self));

  g_rec_mutex_lock (&self->lock);
  g_clear_pointer (&self->spec, synth_run_spec_free);
  self->spec = spec != NULL ? synth_run_spec_copy (spec) : NULL;
  g_rec_mutex_unlock (&self->lock);
}

void
synth_stats_set_usage (SynthStats *self, const SynthUsage *usage)
{
  g_return_if_fail (SYNTH_IS_STATS (self));

  g_rec_mutex_lock (&self->lock);
  g_clear_pointer (&self->usage, synth_usage_free);
  self->usage = usage != NULL ? synth_usage_copy (usage) : NULL;
  g_rec_mutex_unlock (&self->lock);
}

static void
set_string (SynthStats *self, char **field, const char *value)
{
  g_rec_mutex_lock (&self->lock);
  g_free (*field);
  *field = g_strdup (value);
  g_rec_mutex_unlock (&self->lock);
}

void
synth_stats_set_prompts_version (SynthStats *self, const char *version)
{
  g_return_if_fail (SYNTH_IS_STATS (self));
  set_string (self, &self->prompts_version, version);
}

void
synth_stats_set_run_id (SynthStats *self, const char *run_id)
{
  g_return_if_fail (SYNTH_IS_STATS (self));
  set_string (self, &self->run_id, run_id);
}

const SynthRunSpec *
synth_stats_get_spec (SynthStats *self)
{
  g_return_val_if_fail (SYNTH_IS_STATS (self), NULL);
  return self->spec;
}

const SynthUsage *
synth_stats_get_usage (SynthStats *self)
{
  g_return_val_if_fail (SYNTH_IS_STATS (self), NULL);
  return self->usage;
}

const char *
synth_stats_get_prompts_version (SynthStats *self)
{
  g_return_val_if_fail (SYNTH_IS_STATS (self), NULL);
  return self->prompts_version;
}

const char *
synth_stats_get_run_id (SynthStats *self)
{
  g_return_val_if_fail (SYNTH_IS_STATS (self), NULL);
  return self->run_id;
}

/* ---------------------------------------------------------------------- */
/* Adding a record                                                         */

static void
count_attribute (SynthStats *self, SynthStatsAttribute attr, const char *id)
{
  GHashTable *table = self->attrs[attr];
  guint64 *count;

  if (id == NULL || *id == '\0')
    id = "unknown";
  count = g_hash_table_lookup (table, id);
  if (count == NULL)
    {
      /* A hostile CSV must not grow this without bound. */
      if (self->extra_ids[attr] >= MAX_EXTRA_IDS)
        id = "other";
      else
        self->extra_ids[attr]++;
      count = g_hash_table_lookup (table, id);
      if (count == NULL)
        g_hash_table_insert (table, g_strdup (id), count = g_new0 (guint64, 1));
    }
  (*count)++;
}

static void
count_overlap (SynthStats *self, const SynthStatsItem *item, int label)
{
  guint matched = item->matched, total = item->total, a, b;
  guint64 key;
  gpointer index;
  OverlapValue *v;

  if (total == 0)
    matched = 0, total = 1;
  /* Reduce, so equal scores (1/2, 2/4) are one tie group. */
  a = matched, b = total;
  while (b != 0)
    {
      guint t = a % b;
      a = b, b = t;
    }
  key = ((guint64) (matched / a) << 32) | (total / a);
  index = g_hash_table_lookup (self->overlap_index, &key);
  if (index == NULL)
    {
      OverlapValue nv = { matched / a, total / a, { 0, 0 } };
      guint64 *stored_key = g_new (guint64, 1);
      *stored_key = key;
      g_array_append_val (self->overlap_values, nv);
      index = GUINT_TO_POINTER (self->overlap_values->len);
      g_hash_table_insert (self->overlap_index, stored_key, index);
    }
  v = &g_array_index (self->overlap_values, OverlapValue, GPOINTER_TO_UINT (index) - 1);
  v->count[label]++;
  self->overlap_sum[label] += (double) v->num / v->den;
  self->overlap_hist[label][MIN ((guint64) v->num * SYNTH_STATS_OVERLAP_BINS / v->den,
                                 SYNTH_STATS_OVERLAP_BINS - 1)]++;
}

static void
count_bigrams (SynthStats *self, const SynthStatsItem *item)
{
  const GArray *bigrams = item->bigrams;

  self->total_bigrams += bigrams->len;
  for (guint i = 0; i < bigrams->len; i++)
    {
      guint64 h = g_array_index (bigrams, guint64, i);
      _synth_stats_hll_add (self->bigram_hll, h);
      if (!self->bigrams_estimated && _synth_stats_u64set_add (&self->bigram_set, h))
        self->distinct_bigrams++;
    }
  if (!self->bigrams_estimated && self->distinct_bigrams >= BIGRAM_EXACT_MAX)
    {
      self->bigrams_estimated = TRUE;
      _synth_stats_u64set_clear (&self->bigram_set);
    }
}

static void
count_name (SynthStats *self, const SynthStatsItem *item)
{
  if (!item->named)
    return;
  self->named_records++;
  if (_synth_stats_u64set_add (&self->name_set, item->name_hash))
    self->distinct_names++;
}

static void
count_near_duplicate (SynthStats *self, const SynthStatsItem *item, const char *group_id)
{
  guint32 group = (group_id != NULL && *group_id != '\0') ? (g_str_hash (group_id) | 1) : 0;
  SynthTextNearMatch found;

  if (self->near_checked >= NEAR_MAX_RECORDS)
    return;
  self->near_checked++;
  if (!item->has_sig)
    return;
  found = synth_text_near_index_query (self->near, item->sig, group);
  if (found != SYNTH_TEXT_NEAR_NONE)
    {
      self->near_dups++;
      self->near_within_groups += found == SYNTH_TEXT_NEAR_SAME_TAG;
    }
  synth_text_near_index_add (self->near, item->sig, group);
}

SynthStatsItem *
synth_stats_item_new (void)
{
  SynthStatsItem *item = g_new0 (SynthStatsItem, 1);

  item->bigrams = g_array_new (FALSE, FALSE, sizeof (guint64));
  item->resume_words = g_array_new (FALSE, FALSE, sizeof (guint64));
  item->job_words = g_array_new (FALSE, FALSE, sizeof (guint64));
  item->scratch = g_array_new (FALSE, FALSE, sizeof (guint64));
  return item;
}

void
synth_stats_item_free (SynthStatsItem *item)
{
  if (item == NULL)
    return;
  g_array_unref (item->bigrams);
  g_clear_pointer (&item->resume_words, g_array_unref);
  g_clear_pointer (&item->job_words, g_array_unref);
  g_clear_pointer (&item->scratch, g_array_unref);
  g_free (item);
}

SynthStatsItem *
synth_stats_item_dup_result (const SynthStatsItem *item)
{
  SynthStatsItem *copy;

  g_return_val_if_fail (item != NULL, NULL);

  copy = g_memdup2 (item, sizeof *item);
  copy->bigrams = g_array_sized_new (FALSE, FALSE, sizeof (guint64), item->bigrams->len);
  g_array_append_vals (copy->bigrams, item->bigrams->data, item->bigrams->len);
  copy->resume_words = copy->job_words = copy->scratch = NULL;
  return copy;
}

static void
item_hash_name (SynthStatsItem *item, const char *name)
{
  SynthTextScan scan;
  guint64 h = 0;

  g_array_set_size (item->scratch, 0);
  synth_text_scan (name, &scan, item->scratch);
  item->named = item->scratch->len > 0;
  for (guint i = 0; i < item->scratch->len; i++)
    h = (h + g_array_index (item->scratch, guint64, i)) * G_GUINT64_CONSTANT (0x9e3779b97f4a7c15);
  item->name_hash = item->named ? synth_text_mix64 (h) : 0;
}

/* Shingles of resume and job words, then their MinHash signature. */
static void
item_sign (SynthStatsItem *item)
{
  GArray *shingles = item->scratch;
  guint from;

  g_array_set_size (shingles, 0);
  synth_text_ngram_hashes ((guint64 *) item->resume_words->data, item->resume_words->len,
                           SYNTH_STATS_SHINGLE_WORDS, shingles);
  from = shingles->len;
  synth_text_ngram_hashes ((guint64 *) item->job_words->data, item->job_words->len,
                           SYNTH_STATS_SHINGLE_WORDS, shingles);
  /* The same words in resume and job are different shingles. */
  for (guint i = from; i < shingles->len; i++)
    g_array_index (shingles, guint64, i) =
        synth_text_mix64 (g_array_index (shingles, guint64, i) ^ 0x5a);
  item->has_sig = synth_text_minhash (shingles, item->sig);
}

void
synth_stats_item_compute (SynthStatsItem *item, SynthRecord *record)
{
  const char *resume = synth_record_get_resume_text (record);
  const char *job = synth_record_get_job_skill_text (record);
  int label = synth_record_get_match_label (record);

  g_return_if_fail (item != NULL && item->scratch != NULL);
  g_return_if_fail (SYNTH_IS_RECORD (record));

  item_hash_name (item, synth_record_get_name (record));
  g_array_set_size (item->resume_words, 0);
  g_array_set_size (item->job_words, 0);
  synth_text_scan (resume, &item->resume, item->resume_words);
  synth_text_scan (job, &item->job, item->job_words);
  g_array_set_size (item->bigrams, 0);
  if (item->resume_words->len >= 2)
    synth_text_ngram_hashes ((guint64 *) item->resume_words->data, item->resume_words->len, 2,
                             item->bigrams);
  item_sign (item);
  item->has_overlap = label == 0 || label == 1;
  item->matched = item->total = 0;
  if (item->has_overlap)
    synth_text_skill_overlap_counts (job, resume, &item->matched, &item->total);
}

void
synth_stats_add_item (SynthStats *self, SynthRecord *record, const SynthStatsItem *item)
{
  int label;
  SynthBiasType bias;

  g_return_if_fail (SYNTH_IS_STATS (self));
  g_return_if_fail (SYNTH_IS_RECORD (record));
  g_return_if_fail (item != NULL);

  label = synth_record_get_match_label (record);
  bias = synth_record_get_bias_type (record);

  g_rec_mutex_lock (&self->lock);
  if (self->finished)
    {
      g_rec_mutex_unlock (&self->lock);
      g_critical ("synth_stats_add_record: the statistics are finished; create new ones");
      return;
    }
  self->records++;
  if (bias < SYNTH_N_BIAS_TYPES)
    self->bias[bias]++;
  count_attribute (self, SYNTH_STATS_ATTR_DOMAIN, synth_record_get_domain (record));
  count_attribute (self, SYNTH_STATS_ATTR_SENIORITY, synth_record_get_seniority (record));
  count_attribute (self, SYNTH_STATS_ATTR_REGION, synth_record_get_region (record));
  count_attribute (self, SYNTH_STATS_ATTR_LENGTH_CLASS, synth_record_get_length_class (record));
  count_attribute (self, SYNTH_STATS_ATTR_SPLIT, synth_record_get_split (record));
  count_name (self, item);

  _synth_stats_dist_add (&self->lengths[SYNTH_STATS_TEXT_RESUME][SYNTH_STATS_UNIT_CHARS],
                         item->resume.chars);
  _synth_stats_dist_add (&self->lengths[SYNTH_STATS_TEXT_RESUME][SYNTH_STATS_UNIT_WORDS],
                         item->resume.words);
  _synth_stats_dist_add (&self->lengths[SYNTH_STATS_TEXT_JOB][SYNTH_STATS_UNIT_CHARS],
                         item->job.chars);
  _synth_stats_dist_add (&self->lengths[SYNTH_STATS_TEXT_JOB][SYNTH_STATS_UNIT_WORDS],
                         item->job.words);

  if (!_synth_stats_u64set_add (
          &self->exact_set, synth_text_mix64 (item->resume.exact_hash * 31 + item->job.exact_hash)))
    self->exact_dups++;
  else
    count_near_duplicate (self, item, synth_record_get_group_id (record));
  count_bigrams (self, item);

  if (label == 0 || label == 1)
    {
      self->labels[label]++;
      if (item->has_overlap)
        count_overlap (self, item, label);
    }
  g_rec_mutex_unlock (&self->lock);
}

void
synth_stats_add_record (SynthStats *self, SynthRecord *record)
{
  g_return_if_fail (SYNTH_IS_STATS (self));
  g_return_if_fail (SYNTH_IS_RECORD (record));

  /* The item is the object's own: the lock covers computing it too. */
  g_rec_mutex_lock (&self->lock);
  if (self->item != NULL)
    {
      synth_stats_item_compute (self->item, record);
      synth_stats_add_item (self, record, self->item);
    }
  else
    g_critical ("synth_stats_add_record: the statistics are finished; create new ones");
  g_rec_mutex_unlock (&self->lock);
}

void
synth_stats_finish (SynthStats *self)
{
  g_return_if_fail (SYNTH_IS_STATS (self));

  g_rec_mutex_lock (&self->lock);
  self->finished = TRUE;
  _synth_stats_u64set_clear (&self->exact_set);
  g_clear_pointer (&self->near, synth_text_near_index_free);
  _synth_stats_u64set_clear (&self->bigram_set);
  _synth_stats_u64set_clear (&self->name_set);
  g_clear_pointer (&self->item, synth_stats_item_free);
  g_rec_mutex_unlock (&self->lock);
}

gboolean
synth_stats_is_finished (SynthStats *self)
{
  g_return_val_if_fail (SYNTH_IS_STATS (self), FALSE);
  return self->finished;
}

/* ---------------------------------------------------------------------- */
/* Getters                                                                 */

#define LOCKED(expr)                                                                               \
  G_STMT_START                                                                                     \
  {                                                                                                \
    g_rec_mutex_lock (&self->lock);                                                                \
    expr;                                                                                          \
    g_rec_mutex_unlock (&self->lock);                                                              \
  }                                                                                                \
  G_STMT_END

guint64
synth_stats_get_records (SynthStats *self)
{
  guint64 n;

  g_return_val_if_fail (SYNTH_IS_STATS (self), 0);
  LOCKED (n = self->records);
  return n;
}

guint64
synth_stats_get_label_count (SynthStats *self, int label)
{
  guint64 n;

  g_return_val_if_fail (SYNTH_IS_STATS (self), 0);
  g_return_val_if_fail (label == 0 || label == 1, 0);
  LOCKED (n = self->labels[label]);
  return n;
}

double
synth_stats_get_positive_ratio (SynthStats *self)
{
  double r;

  g_return_val_if_fail (SYNTH_IS_STATS (self), NAN);
  LOCKED (r = self->labels[0] + self->labels[1] > 0
                  ? (double) self->labels[1] / (self->labels[0] + self->labels[1])
                  : NAN);
  return r;
}

double
synth_stats_get_target_positive_ratio (SynthStats *self)
{
  double r;

  g_return_val_if_fail (SYNTH_IS_STATS (self), NAN);
  LOCKED (r = self->spec != NULL ? self->spec->positive_ratio : NAN);
  return r;
}

guint64
synth_stats_get_bias_count (SynthStats *self, SynthBiasType type)
{
  guint64 n;

  g_return_val_if_fail (SYNTH_IS_STATS (self), 0);
  g_return_val_if_fail (type < SYNTH_N_BIAS_TYPES, 0);
  LOCKED (n = self->bias[type]);
  return n;
}

double
synth_stats_get_bias_achieved_fraction (SynthStats *self, SynthBiasType type)
{
  double f;

  g_return_val_if_fail (SYNTH_IS_STATS (self), NAN);
  g_return_val_if_fail (type < SYNTH_N_BIAS_TYPES, NAN);
  LOCKED (f = self->records > 0 ? (double) self->bias[type] / self->records : NAN);
  return f;
}

double
synth_stats_get_bias_requested_fraction (SynthStats *self, SynthBiasType type)
{
  double f;

  g_return_val_if_fail (SYNTH_IS_STATS (self), NAN);
  g_return_val_if_fail (type < SYNTH_N_BIAS_TYPES, NAN);
  LOCKED (f = (self->spec != NULL && self->spec->bias_mix != NULL)
                  ? synth_bias_mix_get_fraction (self->spec->bias_mix, type)
                  : NAN);
  return f;
}

/* Canonical ids of @attr, in order; NULL-terminated, static or from slot-plan. */
static GPtrArray *
known_ids (SynthStatsAttribute attr)
{
  GPtrArray *ids = g_ptr_array_new ();
  const char *const *list = NULL;

  switch (attr)
    {
    case SYNTH_STATS_ATTR_DOMAIN:
      list = synth_domain_ids ();
      break;
    case SYNTH_STATS_ATTR_REGION:
      list = synth_region_ids ();
      break;
    case SYNTH_STATS_ATTR_SENIORITY:
      for (guint i = 0; i < SYNTH_N_SENIORITIES; i++)
        g_ptr_array_add (ids, (gpointer) synth_seniority_to_id (i));
      break;
    case SYNTH_STATS_ATTR_LENGTH_CLASS:
      for (guint i = 0; i < SYNTH_N_LENGTHS; i++)
        g_ptr_array_add (ids, (gpointer) synth_length_to_id (i));
      break;
    case SYNTH_STATS_ATTR_SPLIT:
      g_ptr_array_add (ids, (gpointer) "train");
      g_ptr_array_add (ids, (gpointer) "eval");
      break;
    case SYNTH_STATS_N_ATTRS:
    default:
      break;
    }
  for (guint i = 0; list != NULL && list[i] != NULL; i++)
    g_ptr_array_add (ids, (gpointer) list[i]);
  return ids;
}

static int
compare_strings (gconstpointer a, gconstpointer b)
{
  return g_strcmp0 (*(const char *const *) a, *(const char *const *) b);
}

static gboolean
has_string (GPtrArray *strings, const char *s)
{
  for (guint i = 0; i < strings->len; i++)
    if (g_strcmp0 (strings->pdata[i], s) == 0)
      return TRUE;
  return FALSE;
}

GStrv
synth_stats_dup_attribute_ids (SynthStats *self, SynthStatsAttribute attr)
{
  g_autoptr (GPtrArray) known = NULL;
  g_autoptr (GPtrArray) extra = g_ptr_array_new ();
  GPtrArray *out;
  GHashTableIter iter;
  gpointer key;

  g_return_val_if_fail (SYNTH_IS_STATS (self), NULL);
  g_return_val_if_fail (attr < SYNTH_STATS_N_ATTRS, NULL);

  known = known_ids (attr);
  out = g_ptr_array_new ();
  for (guint i = 0; i < known->len; i++)
    g_ptr_array_add (out, g_strdup (known->pdata[i]));
  g_rec_mutex_lock (&self->lock);
  g_hash_table_iter_init (&iter, self->attrs[attr]);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    if (!has_string (known, key))
      g_ptr_array_add (extra, g_strdup (key));
  g_rec_mutex_unlock (&self->lock);
  g_ptr_array_sort (extra, compare_strings);
  for (guint i = 0; i < extra->len; i++)
    g_ptr_array_add (out, extra->pdata[i]);
  g_ptr_array_add (out, NULL);
  return (GStrv) g_ptr_array_free (out, FALSE);
}

guint64
synth_stats_get_attribute_count (SynthStats *self, SynthStatsAttribute attr, const char *id)
{
  guint64 *count;
  guint64 n;

  g_return_val_if_fail (SYNTH_IS_STATS (self), 0);
  g_return_val_if_fail (attr < SYNTH_STATS_N_ATTRS, 0);
  g_return_val_if_fail (id != NULL, 0);
  g_rec_mutex_lock (&self->lock);
  count = g_hash_table_lookup (self->attrs[attr], id);
  n = count != NULL ? *count : 0;
  g_rec_mutex_unlock (&self->lock);
  return n;
}

const char *
synth_stats_attribute_to_key (SynthStatsAttribute attr)
{
  g_return_val_if_fail (attr < SYNTH_STATS_N_ATTRS, NULL);
  return attr_keys[attr];
}

gboolean
synth_stats_get_length_summary (SynthStats *self,
                                SynthStatsText text,
                                SynthStatsUnit unit,
                                SynthLengthSummary *out)
{
  IntDist *d;
  gboolean ok;

  g_return_val_if_fail (SYNTH_IS_STATS (self), FALSE);
  g_return_val_if_fail (text <= SYNTH_STATS_TEXT_JOB && unit <= SYNTH_STATS_UNIT_WORDS, FALSE);
  g_return_val_if_fail (out != NULL, FALSE);

  memset (out, 0, sizeof *out);
  g_rec_mutex_lock (&self->lock);
  d = &self->lengths[text][unit];
  ok = d->n > 0;
  if (ok)
    {
      out->count = d->n;
      out->min = d->min;
      out->max = d->max;
      out->mean = d->sum / d->n;
      out->median = _synth_stats_dist_median (d);
    }
  g_rec_mutex_unlock (&self->lock);
  return ok;
}

void
synth_stats_get_length_histogram (SynthStats *self,
                                  SynthStatsText text,
                                  SynthStatsUnit unit,
                                  guint start,
                                  guint width,
                                  guint n_bins,
                                  guint64 *out_counts)
{
  g_return_if_fail (SYNTH_IS_STATS (self));
  g_return_if_fail (text <= SYNTH_STATS_TEXT_JOB && unit <= SYNTH_STATS_UNIT_WORDS);
  g_return_if_fail (out_counts != NULL || n_bins == 0);

  LOCKED (
      _synth_stats_dist_histogram (&self->lengths[text][unit], start, width, n_bins, out_counts));
}

gboolean
synth_stats_get_length_bins (SynthStats *self,
                             SynthStatsText text,
                             SynthStatsUnit unit,
                             guint max_bins,
                             guint *out_start,
                             guint *out_width,
                             guint *out_n_bins)
{
  SynthLengthSummary s;
  guint64 width = 1;

  g_return_val_if_fail (max_bins > 0, FALSE);
  if (!synth_stats_get_length_summary (self, text, unit, &s))
    return FALSE;
  /* 1, 2, 5, 10, 20, 50… until the range fits. */
  for (guint step = 0; s.max / width - s.min / width + 1 > max_bins; step++)
    width = (step % 3 == 1) ? width / 2 * 5 : width * 2;
  *out_width = width;
  *out_start = s.min / width * width;
  *out_n_bins = s.max / width - s.min / width + 1;
  return TRUE;
}

guint64
synth_stats_get_exact_duplicates (SynthStats *self)
{
  guint64 n;

  g_return_val_if_fail (SYNTH_IS_STATS (self), 0);
  LOCKED (n = self->exact_dups);
  return n;
}

guint64
synth_stats_get_near_duplicates (SynthStats *self)
{
  guint64 n;

  g_return_val_if_fail (SYNTH_IS_STATS (self), 0);
  LOCKED (n = self->near_dups);
  return n;
}

guint64
synth_stats_get_near_duplicates_within_groups (SynthStats *self)
{
  guint64 n;

  g_return_val_if_fail (SYNTH_IS_STATS (self), 0);
  LOCKED (n = self->near_within_groups);
  return n;
}

guint64
synth_stats_get_near_checked (SynthStats *self)
{
  guint64 n;

  g_return_val_if_fail (SYNTH_IS_STATS (self), 0);
  LOCKED (n = self->near_checked);
  return n;
}

double
synth_stats_get_near_duplicate_rate (SynthStats *self)
{
  double r;

  g_return_val_if_fail (SYNTH_IS_STATS (self), NAN);
  LOCKED (r = self->near_checked > 0 ? (double) self->near_dups / self->near_checked : NAN);
  return r;
}

void
synth_stats_get_bigram_counts (SynthStats *self, guint64 *out_distinct, guint64 *out_total)
{
  double distinct;

  g_return_if_fail (SYNTH_IS_STATS (self));
  g_rec_mutex_lock (&self->lock);
  distinct = self->bigrams_estimated ? _synth_stats_hll_estimate (self->bigram_hll)
                                     : self->distinct_bigrams;
  *out_distinct = (guint64) MIN (round (distinct), (double) self->total_bigrams);
  *out_total = self->total_bigrams;
  g_rec_mutex_unlock (&self->lock);
}

double
synth_stats_get_distinct_2 (SynthStats *self)
{
  double r = NAN;

  g_return_val_if_fail (SYNTH_IS_STATS (self), NAN);
  g_rec_mutex_lock (&self->lock);
  if (self->total_bigrams > 0)
    {
      double distinct = self->bigrams_estimated ? _synth_stats_hll_estimate (self->bigram_hll)
                                                : (double) self->distinct_bigrams;
      r = MIN (distinct, (double) self->total_bigrams) / self->total_bigrams;
    }
  g_rec_mutex_unlock (&self->lock);
  return r;
}

gboolean
synth_stats_get_distinct_2_is_estimate (SynthStats *self)
{
  g_return_val_if_fail (SYNTH_IS_STATS (self), FALSE);
  return self->bigrams_estimated;
}

double
synth_stats_get_unique_name_ratio (SynthStats *self)
{
  double r;

  g_return_val_if_fail (SYNTH_IS_STATS (self), NAN);
  LOCKED (r = self->named_records > 0 ? (double) self->distinct_names / self->named_records : NAN);
  return r;
}

static int
compare_overlap (gconstpointer a, gconstpointer b)
{
  const OverlapValue *x = a, *y = b;
  guint64 l = (guint64) x->num * y->den, r = (guint64) y->num * x->den;

  return l < r ? -1 : l > r;
}

/* The distinct overlap values, ascending; caller holds the lock. */
static GArray *
sorted_overlaps (SynthStats *self)
{
  GArray *values = g_array_copy (self->overlap_values);

  g_array_sort (values, compare_overlap);
  return values;
}

double
synth_stats_get_overlap_auc (SynthStats *self)
{
  g_autoptr (GArray) values = NULL;
  double below = 0, sum = 0, pos, neg;

  g_return_val_if_fail (SYNTH_IS_STATS (self), NAN);
  g_rec_mutex_lock (&self->lock);
  pos = self->labels[1];
  neg = self->labels[0];
  values = sorted_overlaps (self);
  g_rec_mutex_unlock (&self->lock);
  if (pos == 0 || neg == 0)
    return NAN;
  /* Mann–Whitney: each positive beats the negatives below it, ties count half. */
  for (guint i = 0; i < values->len; i++)
    {
      OverlapValue *v = &g_array_index (values, OverlapValue, i);
      sum += v->count[1] * (below + 0.5 * v->count[0]);
      below += v->count[0];
    }
  return sum / (pos * neg);
}

guint64
synth_stats_get_overlap_count (SynthStats *self, int label)
{
  return synth_stats_get_label_count (self, label);
}

double
synth_stats_get_overlap_mean (SynthStats *self, int label)
{
  double m;

  g_return_val_if_fail (SYNTH_IS_STATS (self), NAN);
  g_return_val_if_fail (label == 0 || label == 1, NAN);
  LOCKED (m = self->labels[label] > 0 ? self->overlap_sum[label] / self->labels[label] : NAN);
  return m;
}

static double
overlap_at_rank (GArray *values, int label, guint64 rank)
{
  guint64 seen = 0;

  for (guint i = 0; i < values->len; i++)
    {
      OverlapValue *v = &g_array_index (values, OverlapValue, i);
      if ((seen += v->count[label]) > rank)
        return (double) v->num / v->den;
    }
  return NAN;
}

double
synth_stats_get_overlap_median (SynthStats *self, int label)
{
  g_autoptr (GArray) values = NULL;
  guint64 n;

  g_return_val_if_fail (SYNTH_IS_STATS (self), NAN);
  g_return_val_if_fail (label == 0 || label == 1, NAN);
  g_rec_mutex_lock (&self->lock);
  n = self->labels[label];
  values = sorted_overlaps (self);
  g_rec_mutex_unlock (&self->lock);
  if (n == 0)
    return NAN;
  return (overlap_at_rank (values, label, (n - 1) / 2) + overlap_at_rank (values, label, n / 2)) /
         2;
}

void
synth_stats_get_overlap_histogram (SynthStats *self,
                                   int label,
                                   guint64 out_counts[SYNTH_STATS_OVERLAP_BINS])
{
  g_return_if_fail (SYNTH_IS_STATS (self));
  g_return_if_fail (label == 0 || label == 1);

  LOCKED (memcpy (out_counts, self->overlap_hist[label], sizeof self->overlap_hist[label]));
}
