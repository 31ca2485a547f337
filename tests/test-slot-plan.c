/* test-slot-plan.c — exact quotas, even attributes, fairness groups, seeds. */
#include "config.h"

#include <glib.h>
#include <math.h>
#include <string.h>

#include <json-glib/json-glib.h>

#include "synth-error.h"
#include "synth-slot-plan.h"

static SynthSlotPlan *
plan_for (guint records, double ratio, const char *mix, guint64 seed)
{
  g_autoptr (SynthRunSpec) spec = synth_run_spec_new ();
  g_autoptr (GError) error = NULL;
  SynthSlotPlan *plan;

  spec->records = records;
  spec->positive_ratio = ratio;
  spec->seed = seed;
  if (mix)
    {
      synth_bias_mix_free (spec->bias_mix);
      spec->bias_mix = synth_bias_mix_parse (mix, &error);
      g_assert_no_error (error);
    }
  plan = synth_slot_plan_new_balanced (spec, &error);
  g_assert_no_error (error);
  return plan;
}

static void
test_exact_quotas (void)
{
  static const guint counts[] = { 1, 2, 3, 7, 9, 10, 13, 97, 100, 101, 999, 1001, 4099 };
  static const double ratios[] = { 0.0, 0.5, 1.0, 0.3, 0.37, 0.999 };
  static const char *const mixes[] = { NULL, "fairness=1", "textual=1,fairness=2,none=0.5",
                                       "skill_match=0.33,experience=0.33,human_error=0.34" };

  for (guint c = 0; c < G_N_ELEMENTS (counts); c++)
    for (guint r = 0; r < G_N_ELEMENTS (ratios); r++)
      for (guint m = 0; m < G_N_ELEMENTS (mixes); m++)
        {
          g_autoptr (SynthSlotPlan) plan = plan_for (counts[c], ratios[r], mixes[m], 7);
          g_autoptr (SynthBiasMix) mix = mixes[m] ? synth_bias_mix_parse (mixes[m], NULL)
                                                  : synth_bias_mix_new ();
          guint64 quotas[SYNTH_N_BIAS_TYPES];
          guint n = counts[c];
          guint positives = synth_slot_plan_count_label (plan, 1);
          double exact_pos = n * ratios[r];

          g_assert_cmpuint (synth_slot_plan_get_n_slots (plan), ==, n);
          /* Exact label quota: within one of n·ratio, and the nearest integer when not a tie. */
          g_assert_cmpfloat (fabs (positives - exact_pos), <, 1.0);
          if (fabs (exact_pos - floor (exact_pos) - 0.5) > 1e-9)
            g_assert_cmpuint (positives, ==, (guint) llround (exact_pos));
          g_assert_cmpuint (positives + synth_slot_plan_count_label (plan, 0), ==, n);

          synth_bias_mix_quotas (mix, n, quotas);
          for (guint t = 0; t < SYNTH_N_BIAS_TYPES; t++)
            g_assert_cmpuint (synth_slot_plan_count_bias (plan, t), ==, quotas[t]);

          for (guint i = 0; i < n; i++)
            {
              const SynthSlot *s = synth_slot_plan_get_slot (plan, i);
              g_assert_cmpuint (s->index, ==, i);
              g_assert_cmpuint (s->domain, <, SYNTH_N_DOMAINS);
              g_assert_cmpuint (s->region, <, SYNTH_N_REGIONS);
              g_assert_cmpuint (s->seniority, <, SYNTH_N_SENIORITIES);
              g_assert_cmpuint (s->length, <, SYNTH_N_LENGTHS);
              if (s->bias_type != SYNTH_BIAS_NONE)
                g_assert_cmpuint (s->bias_subtype, <, synth_bias_type_get_n_subtypes (s->bias_type));
            }
        }
}

/* Labels are spread over categories in proportion: with a 50% ratio, each
 * category's positives are within one of half its size. */
static void
test_labels_per_category (void)
{
  g_autoptr (SynthSlotPlan) plan = plan_for (1003, 0.5, NULL, 11);
  guint pos[SYNTH_N_BIAS_TYPES] = { 0 }, all[SYNTH_N_BIAS_TYPES] = { 0 };

  for (guint i = 0; i < 1003; i++)
    {
      const SynthSlot *s = synth_slot_plan_get_slot (plan, i);
      pos[s->bias_type] += s->match_label;
      all[s->bias_type]++;
    }
  for (guint t = 0; t < SYNTH_N_BIAS_TYPES; t++)
    g_assert_cmpfloat (fabs (pos[t] - all[t] * 0.5), <=, 1.0);
}

static void
test_even_attributes (void)
{
  g_autoptr (SynthSlotPlan) plan = plan_for (1200, 0.5, "textual=1", 3);
  guint domains[SYNTH_N_DOMAINS] = { 0 }, sen[SYNTH_N_SENIORITIES] = { 0 }, reg[SYNTH_N_REGIONS] = { 0 };
  guint lengths[SYNTH_N_LENGTHS] = { 0 }, subtypes[4] = { 0 };

  for (guint i = 0; i < 1200; i++)
    {
      const SynthSlot *s = synth_slot_plan_get_slot (plan, i);
      domains[s->domain]++;
      sen[s->seniority]++;
      reg[s->region]++;
      lengths[s->length]++;
      subtypes[s->bias_subtype]++;
    }
  for (guint i = 0; i < SYNTH_N_DOMAINS; i++)
    g_assert_cmpuint (domains[i], ==, 100);
  for (guint i = 0; i < SYNTH_N_SENIORITIES; i++)
    g_assert_cmpuint (sen[i], ==, 300);
  for (guint i = 0; i < SYNTH_N_REGIONS; i++)
    g_assert_cmpuint (reg[i], ==, 120);
  g_assert_cmpuint (lengths[0], ==, 600);
  for (guint i = 0; i < 3; i++)
    g_assert_cmpuint (subtypes[i], ==, 400);
}

static void
test_fairness_groups (void)
{
  g_autoptr (SynthSlotPlan) plan = plan_for (500, 0.4, "fairness=1,none=1", 5);
  g_autoptr (GHashTable) groups = g_hash_table_new (NULL, NULL);
  GHashTableIter iter;
  gpointer key, value;

  for (guint i = 0; i < 500; i++)
    {
      const SynthSlot *s = synth_slot_plan_get_slot (plan, i);
      GPtrArray *members;

      if (s->bias_type != SYNTH_BIAS_FAIRNESS)
        {
          g_assert_cmpuint (s->group, ==, SYNTH_NO_GROUP);
          g_assert_cmpstr (synth_slot_get_split (s), ==, "train");
          continue;
        }
      g_assert_cmpstr (synth_slot_get_split (s), ==, "eval");
      g_assert_cmpuint (s->group, !=, SYNTH_NO_GROUP);
      members = g_hash_table_lookup (groups, GUINT_TO_POINTER (s->group));
      if (members == NULL)
        {
          members = g_ptr_array_new ();
          g_hash_table_insert (groups, GUINT_TO_POINTER (s->group), members);
        }
      g_ptr_array_add (members, (gpointer) s);
    }

  g_assert_cmpuint (g_hash_table_size (groups), >, 60);
  g_hash_table_iter_init (&iter, groups);
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      GPtrArray *members = value;
      const SynthSlot *first = members->pdata[0];

      g_assert_cmpuint (members->len, >=, 2);
      g_assert_cmpuint (members->len, <=, 4);
      for (guint k = 1; k < members->len; k++)
        {
          const SynthSlot *s = members->pdata[k];
          g_assert_cmpuint (s->match_label, ==, first->match_label);
          g_assert_cmpuint (s->domain, ==, first->domain);
          g_assert_cmpuint (s->seniority, ==, first->seniority);
          g_assert_cmpuint (s->length, ==, first->length);
          g_assert_cmpuint (s->bias_subtype, ==, first->bias_subtype);
          for (guint j = 0; j < k; j++)
            g_assert_cmpuint (s->region, !=, ((const SynthSlot *) members->pdata[j])->region);
        }
      g_ptr_array_unref (members);
    }
  g_hash_table_unref (g_steal_pointer (&groups));
}

static void
test_seed (void)
{
  g_autoptr (SynthSlotPlan) a = plan_for (2000, 0.5, NULL, 99);
  g_autoptr (SynthSlotPlan) b = plan_for (2000, 0.5, NULL, 99);
  g_autoptr (SynthSlotPlan) c = plan_for (2000, 0.5, NULL, 100);
  guint differ = 0;

  g_assert_cmpmem (synth_slot_plan_get_slot (a, 0), 2000 * sizeof (SynthSlot),
                   synth_slot_plan_get_slot (b, 0), 2000 * sizeof (SynthSlot));
  for (guint i = 0; i < 2000; i++)
    differ += memcmp (synth_slot_plan_get_slot (a, i), synth_slot_plan_get_slot (c, i),
                      sizeof (SynthSlot)) != 0;
  g_assert_cmpuint (differ, >, 1000);

  /* Shuffled: labels are not in blocks. */
  {
    guint runs = 1;
    for (guint i = 1; i < 2000; i++)
      runs += synth_slot_plan_get_slot (a, i)->match_label
              != synth_slot_plan_get_slot (a, i - 1)->match_label;
    g_assert_cmpuint (runs, >, 500);
  }
}

static void
test_invalid_spec (void)
{
  g_autoptr (SynthRunSpec) spec = synth_run_spec_new ();
  g_autoptr (GError) error = NULL;
  g_autoptr (SynthSlotPlan) plan = NULL;

  spec->records = 0;
  plan = synth_slot_plan_new_balanced (spec, &error);
  g_assert_null (plan);
  g_assert_error (error, SYNTH_ERROR, SYNTH_ERROR_INVALID_ARGUMENT);
  g_assert_nonnull (strstr (error->message, "10000000"));
}

static void
test_wire_form (void)
{
  g_autoptr (SynthSlotPlan) plan = plan_for (10, 0.5, "experience=1", 1);
  const SynthSlot *s = synth_slot_plan_get_slot (plan, 3);
  JsonObject *o = synth_slot_to_json_object (s);

  g_assert_cmpint (json_object_get_int_member (o, "slot"), ==, 3);
  g_assert_cmpstr (json_object_get_string_member (o, "bias_type"), ==, "experience");
  g_assert_cmpstr (json_object_get_string_member (o, "domain"), ==, synth_domain_ids ()[s->domain]);
  g_assert_true (json_object_has_member (o, "bias_subtype"));
  g_assert_true (json_object_has_member (o, "seniority"));
  g_assert_true (json_object_has_member (o, "region"));
  g_assert_true (json_object_has_member (o, "length"));
  g_assert_cmpint (json_object_get_int_member (o, "match_label"), ==, s->match_label);
  json_object_unref (o);
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/slot-plan/exact-quotas", test_exact_quotas);
  g_test_add_func ("/slot-plan/labels-per-category", test_labels_per_category);
  g_test_add_func ("/slot-plan/even-attributes", test_even_attributes);
  g_test_add_func ("/slot-plan/fairness-groups", test_fairness_groups);
  g_test_add_func ("/slot-plan/seed", test_seed);
  g_test_add_func ("/slot-plan/invalid-spec", test_invalid_spec);
  g_test_add_func ("/slot-plan/wire-form", test_wire_form);
  return g_test_run ();
}
