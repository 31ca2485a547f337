/* synth-stats-private.h — the counting structures that synth-stats.c keeps
 * for a run, implemented in synth-stats-sketch.c. Internal to libsynth-core. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* 2^16 HyperLogLog registers (±0.4 %); lengths below DIST_DIRECT are counted
 * in an array, longer ones in a hash table. */
#define HLL_P 16
#define HLL_M (1u << HLL_P)
#define DIST_DIRECT 65536u

/* ---------------------------------------------------------------------- */
/* A set of non-zero 64-bit hashes (open addressing, linear probing).      */

typedef struct
{
  guint64 *slots;
  gsize mask;
  gsize n;
} U64Set;

/* ---------------------------------------------------------------------- */
/* Exact distribution of small non-negative integers (lengths).           */

typedef struct
{
  guint64 *counts;      /* [DIST_DIRECT] */
  GHashTable *overflow; /* value ≥ DIST_DIRECT → guint64 * count */
  guint64 n;
  double sum;
  guint min;
  guint max;
} IntDist;

/* ---------------------------------------------------------------------- */
/* synth-stats-sketch.c                                                    */

void _synth_stats_u64set_clear (U64Set *s);
gboolean _synth_stats_u64set_add (U64Set *s, guint64 key);
void _synth_stats_hll_add (guint8 *regs, guint64 h);
double _synth_stats_hll_estimate (const guint8 *regs);
void _synth_stats_dist_init (IntDist *d);
void _synth_stats_dist_clear (IntDist *d);
void _synth_stats_dist_add (IntDist *d, guint v);
double _synth_stats_dist_median (IntDist *d);
void _synth_stats_dist_histogram (IntDist *d, guint start, guint width, guint n_bins, guint64 *out);

G_END_DECLS
