/* test-bias-mix.c — the taxonomy, mix parsing and exact quotas. */
#include "config.h"

#include <glib.h>
#include <math.h>
#include <string.h>

#include "synth-bias.h"
#include "synth-error.h"

static void
test_taxonomy (void)
{
  static const char *const ids[] = { "textual", "structural", "skill_match", "experience",
                                     "fairness", "domain_specific", "missing_noisy",
                                     "human_error", "none" };
  g_assert_cmpint (SYNTH_N_BIAS_TYPES, ==, 9);
  for (guint i = 0; i < G_N_ELEMENTS (ids); i++)
    {
      SynthBiasType t;
      g_assert_true (synth_bias_type_from_id (ids[i], &t));
      g_assert_cmpstr (synth_bias_type_to_id (t), ==, ids[i]);
      g_assert_nonnull (synth_bias_type_get_label (t));
      if (t != SYNTH_BIAS_NONE)
        g_assert_cmpuint (synth_bias_type_get_n_subtypes (t), >=, 2);
    }
  g_assert_false (synth_bias_type_from_id ("Textual", NULL));
  g_assert_true (synth_bias_type_is_surface (SYNTH_BIAS_TEXTUAL));
  g_assert_true (synth_bias_type_is_surface (SYNTH_BIAS_HUMAN_ERROR));
  g_assert_false (synth_bias_type_is_surface (SYNTH_BIAS_FAIRNESS));
  g_assert_false (synth_bias_type_is_surface (SYNTH_BIAS_SKILL_MATCH));
}

static void
test_parse_ok (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (SynthBiasMix) mix = synth_bias_mix_parse (" textual=2, fairness = 1.5 ", &error);
  g_autoptr (SynthBiasMix) back = NULL;
  g_autofree char *text = NULL;

  g_assert_no_error (error);
  g_assert_cmpfloat (synth_bias_mix_get_weight (mix, SYNTH_BIAS_TEXTUAL), ==, 2.0);
  g_assert_cmpfloat (synth_bias_mix_get_weight (mix, SYNTH_BIAS_FAIRNESS), ==, 1.5);
  g_assert_cmpfloat (synth_bias_mix_get_weight (mix, SYNTH_BIAS_NONE), ==, 0.0);
  g_assert_cmpfloat_with_epsilon (synth_bias_mix_get_fraction (mix, SYNTH_BIAS_TEXTUAL), 2.0 / 3.5, 1e-12);

  text = synth_bias_mix_to_string (mix);
  back = synth_bias_mix_parse (text, &error);
  g_assert_no_error (error);
  g_assert_true (synth_bias_mix_equal (mix, back));
}

static void
test_parse_errors (void)
{
  static const struct
  {
    const char *text;
    const char *needle; /* the message must name the problem */
  } cases[] = {
    { "textual=1,bogus=2", "bogus" },
    { "textual=-1", "negative" },
    { "textual=abc", "abc" },
    { "textual=0,fairness=0", "zero" },
    { "textual=1,textual=2", "twice" },
    { "textual", "preset" },
    { "", "empty" },
    { "textual=", "number" },
    { "fairness=inf", "number" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr (GError) error = NULL;
      g_autoptr (SynthBiasMix) mix = synth_bias_mix_parse (cases[i].text, &error);
      g_assert_null (mix);
      g_assert_error (error, SYNTH_ERROR, SYNTH_ERROR_INVALID_ARGUMENT);
      if (strstr (error->message, cases[i].needle) == NULL)
        g_error ("“%s”: message “%s” lacks “%s”", cases[i].text, error->message, cases[i].needle);
    }
}

static void
test_presets (void)
{
  const char *const *ids = synth_bias_mix_preset_ids ();
  g_assert_cmpuint (g_strv_length ((char **) ids), ==, 5);
  for (guint i = 0; ids[i]; i++)
    {
      g_autoptr (SynthBiasMix) mix = synth_bias_mix_parse (ids[i], NULL);
      g_assert_nonnull (mix);
      g_assert_true (synth_bias_mix_validate (mix, NULL));
      g_assert_nonnull (synth_bias_mix_preset_get_label (ids[i]));
    }
  {
    g_autoptr (SynthBiasMix) clean = synth_bias_mix_new_preset ("clean");
    g_assert_cmpfloat (synth_bias_mix_get_fraction (clean, SYNTH_BIAS_NONE), ==, 1.0);
  }
}

/* Largest remainder: counts sum to the total and each is within one of the
 * exact share, for awkward totals and weights. */
static void
test_quotas (void)
{
  static const guint64 totals[] = { 0, 1, 2, 3, 7, 8, 9, 10, 11, 99, 100, 101, 997, 1000, 12345 };
  static const char *const mixes[] = { "balanced", "textual=1,structural=1,fairness=1",
                                       "textual=0.1,none=0.9", "skill_match=3,experience=7",
                                       "textual=1,structural=2,skill_match=3,experience=4,fairness=5,"
                                       "domain_specific=6,missing_noisy=7,human_error=8,none=9" };

  for (guint m = 0; m < G_N_ELEMENTS (mixes); m++)
    for (guint t = 0; t < G_N_ELEMENTS (totals); t++)
      {
        g_autoptr (SynthBiasMix) mix = synth_bias_mix_parse (mixes[m], NULL);
        guint64 counts[SYNTH_N_BIAS_TYPES];
        guint64 sum = 0;

        synth_bias_mix_quotas (mix, totals[t], counts);
        for (guint i = 0; i < SYNTH_N_BIAS_TYPES; i++)
          {
            double exact = totals[t] * synth_bias_mix_get_fraction (mix, i);
            g_assert_cmpfloat (fabs ((double) counts[i] - exact), <, 1.0);
            if (synth_bias_mix_get_weight (mix, i) == 0)
              g_assert_cmpuint (counts[i], ==, 0);
            sum += counts[i];
          }
        g_assert_cmpuint (sum, ==, totals[t]);
      }

  /* 8 equal categories over 10: two get 2, the rest 1, deterministically. */
  {
    g_autoptr (SynthBiasMix) mix = synth_bias_mix_new ();
    guint64 a[SYNTH_N_BIAS_TYPES], b[SYNTH_N_BIAS_TYPES];
    synth_bias_mix_quotas (mix, 10, a);
    synth_bias_mix_quotas (mix, 10, b);
    g_assert_cmpmem (a, sizeof a, b, sizeof b);
    g_assert_cmpuint (a[SYNTH_BIAS_NONE], ==, 0);
  }
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/bias/taxonomy", test_taxonomy);
  g_test_add_func ("/bias/parse-ok", test_parse_ok);
  g_test_add_func ("/bias/parse-errors", test_parse_errors);
  g_test_add_func ("/bias/presets", test_presets);
  g_test_add_func ("/bias/quotas", test_quotas);
  return g_test_run ();
}
