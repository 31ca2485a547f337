/* synth-rng.c — xoshiro256** seeded through splitmix64.
 *
 * GRand would do, but its stream is an implementation detail of GLib; a
 * dataset's reproducibility must not depend on the GLib version. */
#include "synth-rng.h"

#include <string.h>

static inline guint64
splitmix64 (guint64 *x)
{
  guint64 z = (*x += 0x9e3779b97f4a7c15ULL);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

static inline guint64
rotl (guint64 x, int k)
{
  return (x << k) | (x >> (64 - k));
}

guint64
synth_rng_mix (guint64 a, guint64 b)
{
  guint64 x = a ^ (b * 0xd6e8feb86659fd93ULL);
  guint64 r = splitmix64 (&x);
  return r ^ splitmix64 (&x);
}

void
synth_rng_init (SynthRng *rng, guint64 seed)
{
  guint64 x = seed;
  for (int i = 0; i < 4; i++)
    rng->s[i] = splitmix64 (&x);
}

guint64
synth_rng_next (SynthRng *rng)
{
  guint64 *s = rng->s;
  const guint64 result = rotl (s[1] * 5, 7) * 9;
  const guint64 t = s[1] << 17;

  s[2] ^= s[0];
  s[3] ^= s[1];
  s[1] ^= s[2];
  s[0] ^= s[3];
  s[2] ^= t;
  s[3] = rotl (s[3], 45);
  return result;
}

guint32
synth_rng_below (SynthRng *rng, guint32 bound)
{
  if (bound == 0)
    return 0;
  /* Lemire's multiply-shift; the bias for bounds this small is negligible
   * and, more to the point, identical on every platform. */
  return (guint32) (((synth_rng_next (rng) >> 32) * (guint64) bound) >> 32);
}

double
synth_rng_double (SynthRng *rng)
{
  return (synth_rng_next (rng) >> 11) * 0x1.0p-53;
}

gboolean
synth_rng_chance (SynthRng *rng, double p)
{
  return synth_rng_double (rng) < p;
}

void
synth_rng_shuffle (SynthRng *rng, gpointer data, gsize n, gsize size)
{
  guint8 *base = data;
  guint8 tmp[64];

  g_return_if_fail (size <= sizeof tmp);

  for (gsize i = n; i > 1; i--)
    {
      gsize j = synth_rng_below (rng, (guint32) i);
      if (j != i - 1)
        {
          memcpy (tmp, base + j * size, size);
          memcpy (base + j * size, base + (i - 1) * size, size);
          memcpy (base + (i - 1) * size, tmp, size);
        }
    }
}

const char *
synth_rng_pick (SynthRng *rng, const char *const *strv)
{
  guint n;

  if (strv == NULL)
    return NULL;
  n = g_strv_length ((char **) strv);
  if (n == 0)
    return NULL;
  return strv[synth_rng_below (rng, n)];
}
