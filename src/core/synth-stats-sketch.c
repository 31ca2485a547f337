/* synth-stats-sketch.c — the counting structures under the statistics:
 * a set of 64-bit hashes, a HyperLogLog for distinct bigrams, exact
 * distributions of small integers (lengths) with their medians and
 * histograms, and the near-duplicate index — MinHash signatures in LSH
 * bands, declared in synth-text.h. None of them keeps a string. */
#include "config.h"

#include <math.h>
#include <string.h>

#include "synth-stats-private.h"
#include "synth-text.h"

/* ---------------------------------------------------------------------- */
/* A set of non-zero 64-bit hashes (open addressing, linear probing).      */

void
_synth_stats_u64set_clear (U64Set *s)
{
  g_clear_pointer (&s->slots, g_free);
  s->mask = 0;
  s->n = 0;
}

static gboolean
u64set_insert_slot (guint64 *slots, gsize mask, guint64 key)
{
  gsize i = key & mask;

  while (slots[i] != 0)
    {
      if (slots[i] == key)
        return FALSE;
      i = (i + 1) & mask;
    }
  slots[i] = key;
  return TRUE;
}

/* TRUE when @key was not in the set yet. */
gboolean
_synth_stats_u64set_add (U64Set *s, guint64 key)
{
  key = key != 0 ? key : 1;
  if (s->slots == NULL || (s->n + 1) * 2 > s->mask + 1)
    {
      gsize cap = s->slots != NULL ? (s->mask + 1) * 2 : 1024;
      guint64 *slots = g_new0 (guint64, cap);
      for (gsize i = 0; s->slots != NULL && i <= s->mask; i++)
        if (s->slots[i] != 0)
          u64set_insert_slot (slots, cap - 1, s->slots[i]);
      g_free (s->slots);
      s->slots = slots;
      s->mask = cap - 1;
    }
  if (!u64set_insert_slot (s->slots, s->mask, key))
    return FALSE;
  s->n++;
  return TRUE;
}

/* ---------------------------------------------------------------------- */
/* HyperLogLog, for distinct bigrams past the exact set's limit. Registers
 * hold 1 … 64 − HLL_P + 1; the estimator is Ertl's (2017), which needs no
 * empirical bias tables and is accurate over the whole range. */

void
_synth_stats_hll_add (guint8 *regs, guint64 h)
{
  guint idx = h >> (64 - HLL_P);
  guint64 rest = (h << HLL_P) | (G_GUINT64_CONSTANT (1) << (HLL_P - 1));
  guint8 rank = __builtin_clzll (rest) + 1;

  if (rank > regs[idx])
    regs[idx] = rank;
}

static double
hll_sigma (double x)
{
  double y = 1, z = x, prev;

  if (x == 1)
    return INFINITY;
  do
    {
      x *= x;
      prev = z;
      z += x * y;
      y += y;
    }
  while (z != prev);
  return z;
}

static double
hll_tau (double x)
{
  double y = 1, z = 1 - x, prev;

  if (x == 0 || x == 1)
    return 0;
  do
    {
      x = sqrt (x);
      prev = z;
      y *= 0.5;
      z -= (1 - x) * (1 - x) * y;
    }
  while (z != prev);
  return z / 3;
}

double
_synth_stats_hll_estimate (const guint8 *regs)
{
  enum
  {
    Q = 64 - HLL_P
  };
  double c[Q + 2] = { 0 }, m = HLL_M, z;

  for (guint i = 0; i < HLL_M; i++)
    c[regs[i]]++;
  z = m * hll_tau (1 - c[Q + 1] / m);
  for (int k = Q; k >= 1; k--)
    z = 0.5 * (z + c[k]);
  z += m * hll_sigma (c[0] / m);
  return m * m / (2 * G_LN2 * z);
}

/* ---------------------------------------------------------------------- */
/* Exact distribution of small non-negative integers (lengths).           */

void
_synth_stats_dist_init (IntDist *d)
{
  d->counts = g_new0 (guint64, DIST_DIRECT);
  d->overflow = g_hash_table_new_full (NULL, NULL, NULL, g_free);
  d->min = G_MAXUINT;
}

void
_synth_stats_dist_clear (IntDist *d)
{
  g_clear_pointer (&d->counts, g_free);
  g_clear_pointer (&d->overflow, g_hash_table_unref);
}

void
_synth_stats_dist_add (IntDist *d, guint v)
{
  if (v < DIST_DIRECT)
    d->counts[v]++;
  else
    {
      guint64 *c = g_hash_table_lookup (d->overflow, GUINT_TO_POINTER (v));
      if (c == NULL)
        g_hash_table_insert (d->overflow, GUINT_TO_POINTER (v), c = g_new0 (guint64, 1));
      (*c)++;
    }
  d->n++;
  d->sum += v;
  d->min = MIN (d->min, v);
  d->max = MAX (d->max, v);
}

static int
compare_uint (gconstpointer a, gconstpointer b)
{
  guint x = GPOINTER_TO_UINT (*(gpointer *) a), y = GPOINTER_TO_UINT (*(gpointer *) b);
  return x < y ? -1 : x > y;
}

/* The value of rank @rank (0-based) in ascending order; d->n > rank. */
static guint
dist_value_at_rank (IntDist *d, guint64 rank)
{
  guint64 seen = 0;
  g_autoptr (GPtrArray) keys = NULL;
  GHashTableIter iter;
  gpointer key;

  for (guint v = d->min; v < DIST_DIRECT && v <= d->max; v++)
    if ((seen += d->counts[v]) > rank)
      return v;
  keys = g_ptr_array_new ();
  g_hash_table_iter_init (&iter, d->overflow);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    g_ptr_array_add (keys, key);
  g_ptr_array_sort (keys, compare_uint);
  for (guint i = 0; i < keys->len; i++)
    {
      guint64 *c = g_hash_table_lookup (d->overflow, keys->pdata[i]);
      if ((seen += *c) > rank)
        return GPOINTER_TO_UINT (keys->pdata[i]);
    }
  return d->max;
}

double
_synth_stats_dist_median (IntDist *d)
{
  if (d->n == 0)
    return NAN;
  return (dist_value_at_rank (d, (d->n - 1) / 2) + (double) dist_value_at_rank (d, d->n / 2)) / 2;
}

void
_synth_stats_dist_histogram (IntDist *d, guint start, guint width, guint n_bins, guint64 *out)
{
  GHashTableIter iter;
  gpointer key, value;

  memset (out, 0, n_bins * sizeof (guint64));
  if (d->n == 0 || n_bins == 0 || width == 0)
    return;
#define BIN_OF(v) ((v) < start ? 0 : MIN (((v) -start) / width, n_bins - 1))
  for (guint v = d->min; v < DIST_DIRECT && v <= d->max; v++)
    out[BIN_OF (v)] += d->counts[v];
  g_hash_table_iter_init (&iter, d->overflow);
  while (g_hash_table_iter_next (&iter, &key, &value))
    out[BIN_OF (GPOINTER_TO_UINT (key))] += *(guint64 *) value;
#undef BIN_OF
}

/* MinHash bins, LSH bands × rows, and the bins that must agree for an
 * estimated Jaccard similarity ≥ 0.8. 12 bands of 6 rows make a candidate of
 * a pair at 0.8 with p ≈ 0.97 and of one at 0.4 with p ≈ 0.05. */
#define MH_K SYNTH_TEXT_MINHASH_K
#define MH_BANDS 12
#define MH_ROWS 6
#define MH_MATCHES_NEEDED 58 /* ⌈0.8 × 72⌉ */
/* Bucket members verified per band; buckets of templated text can be long. */
#define CHAIN_WALK_MAX 32

/* ---------------------------------------------------------------------- */
/* Near duplicates: MinHash signatures in LSH bands.                       */

typedef struct
{
  guint32 *keys;  /* band hash, never 0; 0 marks a free slot */
  guint32 *heads; /* newest record in the bucket */
  gsize mask;
  gsize n;
} BandTable;

struct _SynthTextNearIndex
{
  BandTable bands[MH_BANDS];
  guint16 *sigs; /* MH_K low halves per text; enough to verify */
  guint32 *next; /* MH_BANDS per text: the previous text in each bucket, +1 */
  guint32 *tags; /* per text */
  gsize n;
  gsize cap;
};

SynthTextNearIndex *
synth_text_near_index_new (void)
{
  return g_new0 (SynthTextNearIndex, 1);
}

void
synth_text_near_index_free (SynthTextNearIndex *x)
{
  if (x == NULL)
    return;
  for (guint b = 0; b < MH_BANDS; b++)
    {
      g_free (x->bands[b].keys);
      g_free (x->bands[b].heads);
    }
  g_free (x->sigs);
  g_free (x->next);
  g_free (x->tags);
  g_free (x);
}

gsize
synth_text_near_index_get_size (SynthTextNearIndex *x)
{
  return x->n;
}

/* Slot of @key in @t: where it is, or the free slot where it would go. */
static gsize
band_slot (BandTable *t, guint32 key)
{
  gsize i = key & t->mask;

  while (t->keys[i] != 0 && t->keys[i] != key)
    i = (i + 1) & t->mask;
  return i;
}

static void
band_grow (BandTable *t)
{
  BandTable old = *t;
  gsize cap = old.keys != NULL ? (old.mask + 1) * 2 : 1024;

  t->keys = g_new0 (guint32, cap);
  t->heads = g_new (guint32, cap);
  t->mask = cap - 1;
  for (gsize i = 0; old.keys != NULL && i <= old.mask; i++)
    if (old.keys[i] != 0)
      {
        gsize j = band_slot (t, old.keys[i]);
        t->keys[j] = old.keys[i];
        t->heads[j] = old.heads[i];
      }
  g_free (old.keys);
  g_free (old.heads);
}

/* One-permutation MinHash with optimal densification (Shrivastava 2017):
 * one hash per shingle instead of MH_K. */
gboolean
synth_text_minhash (const GArray *shingles, guint32 sig[SYNTH_TEXT_MINHASH_K])
{
  gboolean filled[MH_K] = { FALSE };
  guint n_filled = 0;

  if (shingles->len == 0)
    return FALSE;
  for (guint i = 0; i < shingles->len; i++)
    {
      guint64 h = g_array_index (shingles, guint64, i);
      guint bin = (guint) (((h >> 32) * MH_K) >> 32);
      guint32 v = (guint32) h;
      if (!filled[bin] || v < sig[bin])
        {
          n_filled += !filled[bin];
          filled[bin] = TRUE;
          sig[bin] = v;
        }
    }
  for (guint j = 0; j < MH_K && n_filled < MH_K; j++)
    for (guint64 attempt = 1; !filled[j]; attempt++)
      {
        guint k = synth_text_mix64 (((guint64) j << 32) | attempt) % MH_K;
        if (filled[k])
          {
            /* Copy from an originally filled bin only; mark after the loop. */
            sig[j] = sig[k];
            break;
          }
      }
  return TRUE;
}

static guint32
band_key (const guint32 sig[MH_K], guint band)
{
  guint64 h = band + 1;

  for (guint r = 0; r < MH_ROWS; r++)
    h = (h + sig[band * MH_ROWS + r]) * G_GUINT64_CONSTANT (0x9e3779b97f4a7c15);
  return (guint32) (synth_text_mix64 (h) >> 32) | 1;
}

static guint
sig_matches (const guint16 *a, const guint16 *b)
{
  guint m = 0;

  for (guint i = 0; i < MH_K; i++)
    m += a[i] == b[i];
  return m;
}

SynthTextNearMatch
synth_text_near_index_query (SynthTextNearIndex *x,
                             const guint32 sig[SYNTH_TEXT_MINHASH_K],
                             guint32 tag)
{
  guint16 low[MH_K];
  guint32 checked[MH_BANDS * CHAIN_WALK_MAX];
  guint n_checked = 0;
  SynthTextNearMatch result = SYNTH_TEXT_NEAR_NONE;

  for (guint i = 0; i < MH_K; i++)
    low[i] = (guint16) sig[i];
  for (guint b = 0; b < MH_BANDS && result != SYNTH_TEXT_NEAR_SAME_TAG; b++)
    {
      BandTable *t = &x->bands[b];
      guint32 key = band_key (sig, b), cand;
      gsize slot;

      if (t->keys == NULL)
        continue;
      slot = band_slot (t, key);
      if (t->keys[slot] == 0)
        continue;
      cand = t->heads[slot];
      for (guint walk = 0; cand != 0 && walk < CHAIN_WALK_MAX && result != SYNTH_TEXT_NEAR_SAME_TAG;
           walk++)
        {
          guint32 c = cand - 1;
          gboolean seen = FALSE;
          for (guint i = 0; i < n_checked && !seen; i++)
            seen = checked[i] == c;
          if (!seen)
            {
              checked[n_checked++] = c;
              if (sig_matches (low, x->sigs + (gsize) c * MH_K) >= MH_MATCHES_NEEDED)
                result = (tag != 0 && x->tags[c] == tag) ? SYNTH_TEXT_NEAR_SAME_TAG
                                                         : SYNTH_TEXT_NEAR_OTHER_TAG;
            }
          cand = x->next[(gsize) c * MH_BANDS + b];
        }
    }
  return result;
}

void
synth_text_near_index_add (SynthTextNearIndex *x,
                           const guint32 sig[SYNTH_TEXT_MINHASH_K],
                           guint32 tag)
{
  guint32 id = x->n;

  if (x->n == x->cap)
    {
      x->cap = x->cap != 0 ? x->cap * 2 : 1024;
      x->sigs = g_renew (guint16, x->sigs, x->cap * MH_K);
      x->next = g_renew (guint32, x->next, x->cap * MH_BANDS);
      x->tags = g_renew (guint32, x->tags, x->cap);
    }
  for (guint i = 0; i < MH_K; i++)
    x->sigs[(gsize) id * MH_K + i] = (guint16) sig[i];
  x->tags[id] = tag;
  for (guint b = 0; b < MH_BANDS; b++)
    {
      BandTable *t = &x->bands[b];
      guint32 key = band_key (sig, b);
      gsize slot;

      if (t->keys == NULL || (t->n + 1) * 4 > (t->mask + 1) * 3)
        band_grow (t);
      slot = band_slot (t, key);
      if (t->keys[slot] == 0)
        {
          t->keys[slot] = key;
          t->n++;
          x->next[(gsize) id * MH_BANDS + b] = 0;
        }
      else
        x->next[(gsize) id * MH_BANDS + b] = t->heads[slot];
      t->heads[slot] = id + 1;
    }
  x->n++;
}
