/* synth-rng.h — a small, fast, seedable PRNG that gives the same stream on
 * every platform, so a seed reproduces a dataset byte for byte. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct
{
  guint64 s[4];
} SynthRng;

/* Mixes any number of 64-bit keys into one; used to derive independent
 * streams (run seed, slot index, purpose) without correlation. */
guint64 synth_rng_mix (guint64 a, guint64 b);

void    synth_rng_init     (SynthRng *rng, guint64 seed);
guint64 synth_rng_next     (SynthRng *rng);
/* Uniform in [0, bound); bound 0 returns 0. */
guint32 synth_rng_below    (SynthRng *rng, guint32 bound);
/* Uniform in [0, 1). */
double  synth_rng_double   (SynthRng *rng);
gboolean synth_rng_chance  (SynthRng *rng, double p);
/* Fisher–Yates over an array of elements of @size bytes. */
void    synth_rng_shuffle  (SynthRng *rng, gpointer data, gsize n, gsize size);
/* Picks one element of a NULL-terminated string vector (NULL if empty). */
const char *synth_rng_pick (SynthRng *rng, const char *const *strv);

G_END_DECLS
