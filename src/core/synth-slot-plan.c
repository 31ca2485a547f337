/* synth-slot-plan.c — balance by construction.
 *
 * Labels and categories are exact quotas (largest remainder), labels are
 * spread over categories in proportion, and the descriptive attributes are
 * dealt round-robin before an independent seeded shuffle, so every domain,
 * seniority and region is as even as the count allows. */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <json-glib/json-glib.h>
#include <string.h>

#include "synth-error.h"
#include "synth-rng.h"
#include "synth-slot-plan.h"

static const char *const domain_ids[SYNTH_N_DOMAINS + 1] = {
  "software", "data", "healthcare", "finance", "education", "marketing",
  "sales", "legal", "manufacturing", "logistics", "hospitality", "design", NULL,
};

static const char *const region_ids[SYNTH_N_REGIONS + 1] = {
  "west_africa", "east_asia", "south_asia", "latin_america", "middle_east",
  "eastern_europe", "western_europe", "north_america", "southeast_asia", "oceania", NULL,
};

static const char *const seniority_ids[SYNTH_N_SENIORITIES] = { "junior", "mid", "senior", "lead" };
static const char *const length_ids[SYNTH_N_LENGTHS] = { "short", "long" };

const char *const *
synth_domain_ids (void)
{
  return domain_ids;
}

const char *const *
synth_region_ids (void)
{
  return region_ids;
}

static int
index_of (const char *const *ids, guint n, const char *id)
{
  for (guint i = 0; i < n; i++)
    if (g_strcmp0 (ids[i], id) == 0)
      return (int) i;
  return -1;
}

int
synth_domain_index (const char *id)
{
  return index_of (domain_ids, SYNTH_N_DOMAINS, id);
}

int
synth_region_index (const char *id)
{
  return index_of (region_ids, SYNTH_N_REGIONS, id);
}

const char *
synth_seniority_to_id (SynthSeniority seniority)
{
  g_return_val_if_fail (seniority < SYNTH_N_SENIORITIES, NULL);
  return seniority_ids[seniority];
}

gboolean
synth_seniority_from_id (const char *id, SynthSeniority *out)
{
  int i = index_of (seniority_ids, SYNTH_N_SENIORITIES, id);
  if (i < 0)
    return FALSE;
  if (out)
    *out = i;
  return TRUE;
}

const char *
synth_length_to_id (SynthLength length)
{
  g_return_val_if_fail (length < SYNTH_N_LENGTHS, NULL);
  return length_ids[length];
}

gboolean
synth_length_from_id (const char *id, SynthLength *out)
{
  int i = index_of (length_ids, SYNTH_N_LENGTHS, id);
  if (i < 0)
    return FALSE;
  if (out)
    *out = i;
  return TRUE;
}

const char *
synth_slot_get_subtype_id (const SynthSlot *slot)
{
  const char *const *subtypes = synth_bias_type_get_subtypes (slot->bias_type);
  if (slot->bias_type == SYNTH_BIAS_NONE)
    return "none";
  return subtypes[slot->bias_subtype];
}

const char *
synth_slot_get_split (const SynthSlot *slot)
{
  return slot->bias_type == SYNTH_BIAS_FAIRNESS ? "eval" : "train";
}

char *
synth_slot_dup_group_id (const SynthSlot *slot)
{
  if (slot->group == SYNTH_NO_GROUP)
    return NULL;
  return g_strdup_printf ("g%06u", slot->group);
}

gpointer
synth_slot_to_json_object (const SynthSlot *slot)
{
  JsonObject *o = json_object_new ();

  json_object_set_int_member (o, "slot", slot->index);
  json_object_set_int_member (o, "match_label", slot->match_label);
  json_object_set_string_member (o, "bias_type", synth_bias_type_to_id (slot->bias_type));
  json_object_set_string_member (o, "bias_subtype", synth_slot_get_subtype_id (slot));
  json_object_set_string_member (o, "domain", domain_ids[slot->domain]);
  json_object_set_string_member (o, "seniority", seniority_ids[slot->seniority]);
  json_object_set_string_member (o, "region", region_ids[slot->region]);
  json_object_set_string_member (o, "length", length_ids[slot->length]);
  return o;
}

/* ---- the plan ---------------------------------------------------------- */

struct _SynthSlotPlan
{
  gatomicrefcount ref_count;
  SynthSlot *slots;
  guint n_slots;
};

G_DEFINE_BOXED_TYPE (SynthSlotPlan, synth_slot_plan, synth_slot_plan_ref, synth_slot_plan_unref)

SynthSlotPlan *
synth_slot_plan_ref (SynthSlotPlan *plan)
{
  g_atomic_ref_count_inc (&plan->ref_count);
  return plan;
}

void
synth_slot_plan_unref (SynthSlotPlan *plan)
{
  if (g_atomic_ref_count_dec (&plan->ref_count))
    {
      g_free (plan->slots);
      g_free (plan);
    }
}

SynthSlotPlan *
synth_slot_plan_new_from_slots (const SynthSlot *slots, guint n_slots)
{
  SynthSlotPlan *plan = g_new0 (SynthSlotPlan, 1);

  g_atomic_ref_count_init (&plan->ref_count);
  plan->slots = g_memdup2 (slots, sizeof (SynthSlot) * n_slots);
  plan->n_slots = n_slots;
  return plan;
}

guint
synth_slot_plan_get_n_slots (SynthSlotPlan *plan)
{
  return plan->n_slots;
}

const SynthSlot *
synth_slot_plan_get_slot (SynthSlotPlan *plan, guint index)
{
  g_return_val_if_fail (index < plan->n_slots, NULL);
  return &plan->slots[index];
}

guint
synth_slot_plan_count_label (SynthSlotPlan *plan, guint label)
{
  guint n = 0;
  for (guint i = 0; i < plan->n_slots; i++)
    n += plan->slots[i].match_label == label;
  return n;
}

guint
synth_slot_plan_count_bias (SynthSlotPlan *plan, SynthBiasType type)
{
  guint n = 0;
  for (guint i = 0; i < plan->n_slots; i++)
    n += plan->slots[i].bias_type == type;
  return n;
}

/* Deals 0 … k-1 round-robin over @n values and shuffles them, so each value
 * occurs ⌊n/k⌋ or ⌈n/k⌉ times in a seeded order. */
static guint8 *
dealt_values (SynthRng *rng, guint n, guint k)
{
  guint8 *v = g_new (guint8, n ? n : 1);
  guint8 offset = (guint8) synth_rng_below (rng, k);

  for (guint i = 0; i < n; i++)
    v[i] = (guint8) ((i + offset) % k);
  synth_rng_shuffle (rng, v, n, 1);
  return v;
}

/* Fairness slots become counterfactual groups: members share label, subtype,
 * domain, seniority and length, and each comes from a different region.
 * Groups have three members; a remainder of one joins the last group, a
 * remainder of two forms a pair. */
static void
group_fairness (SynthRng *rng, SynthSlot *slots, guint n, guint *next_group)
{
  guint i = 0;

  while (i < n)
    {
      guint left = n - i;
      guint size = left == 4 ? 4 : MIN (left, 3);
      guint region0 = synth_rng_below (rng, SYNTH_N_REGIONS);
      guint step = 1 + synth_rng_below (rng, 3); /* 1, 2, 3: coprime with 10 only for 1 and 3 */

      if (step == 2)
        step = 3;
      for (guint k = 0; k < size; k++)
        {
          SynthSlot *s = &slots[i + k];
          s->group = *next_group;
          s->variant = (guint8) k;
          s->bias_subtype = slots[i].bias_subtype;
          s->domain = slots[i].domain;
          s->seniority = slots[i].seniority;
          s->length = slots[i].length;
          s->region = (guint8) ((region0 + k * step) % SYNTH_N_REGIONS);
        }
      (*next_group)++;
      i += size;
    }
}

SynthSlotPlan *
synth_slot_plan_new_balanced (const SynthRunSpec *spec, GError **error)
{
  g_autoptr (SynthSlotPlan) plan = NULL;
  guint64 cat_counts[SYNTH_N_BIAS_TYPES];
  double cat_weights[SYNTH_N_BIAS_TYPES];
  guint64 pos_counts[SYNTH_N_BIAS_TYPES];
  guint64 label_counts[2];
  guint64 length_counts[2];
  double label_weights[2], length_weights[2];
  g_autofree guint8 *domains = NULL, *seniorities = NULL, *regions = NULL, *lengths = NULL;
  SynthRng rng;
  guint n, at = 0, next_group = 0;

  if (!synth_run_spec_validate (spec, error))
    return NULL;

  n = spec->records;
  synth_rng_init (&rng, synth_rng_mix (spec->seed, 0x510751075107ULL));

  plan = g_new0 (SynthSlotPlan, 1);
  g_atomic_ref_count_init (&plan->ref_count);
  plan->slots = g_new0 (SynthSlot, n);
  plan->n_slots = n;

  synth_bias_mix_quotas (spec->bias_mix, n, cat_counts);
  label_weights[0] = spec->positive_ratio;
  label_weights[1] = 1.0 - spec->positive_ratio;
  if (label_weights[0] + label_weights[1] <= 0)
    label_weights[1] = 1.0;
  synth_apportion (label_weights, 2, n, label_counts);

  /* Positives spread over categories in proportion to their size. */
  for (guint t = 0; t < SYNTH_N_BIAS_TYPES; t++)
    cat_weights[t] = (double) cat_counts[t];
  if (label_counts[0] > 0)
    synth_apportion (cat_weights, SYNTH_N_BIAS_TYPES, label_counts[0], pos_counts);
  else
    memset (pos_counts, 0, sizeof pos_counts);

  domains = dealt_values (&rng, n, SYNTH_N_DOMAINS);
  seniorities = dealt_values (&rng, n, SYNTH_N_SENIORITIES);
  regions = dealt_values (&rng, n, SYNTH_N_REGIONS);
  length_weights[0] = spec->short_ratio;
  length_weights[1] = 1.0 - spec->short_ratio;
  if (length_weights[0] + length_weights[1] <= 0)
    length_weights[0] = 1.0;
  synth_apportion (length_weights, 2, n, length_counts);
  lengths = g_new (guint8, n);
  for (guint i = 0; i < n; i++)
    lengths[i] = i < length_counts[0] ? SYNTH_LENGTH_SHORT : SYNTH_LENGTH_LONG;
  synth_rng_shuffle (&rng, lengths, n, 1);

  for (guint t = 0; t < SYNTH_N_BIAS_TYPES; t++)
    {
      guint n_sub = MAX (1, synth_bias_type_get_n_subtypes (t));
      guint start = at;

      for (guint k = 0; k < cat_counts[t]; k++, at++)
        {
          SynthSlot *s = &plan->slots[at];
          s->match_label = k < pos_counts[t] ? 1 : 0;
          s->bias_type = (guint8) t;
          /* Counting within each label keeps subtypes even for both labels. */
          s->bias_subtype = (guint8) ((k < pos_counts[t] ? k : k - pos_counts[t]) % n_sub);
          s->domain = domains[at];
          s->seniority = seniorities[at];
          s->region = regions[at];
          s->length = lengths[at];
          s->group = SYNTH_NO_GROUP;
        }

      if (t == SYNTH_BIAS_FAIRNESS)
        {
          /* Positives and negatives are grouped apart: a group shares its label. */
          group_fairness (&rng, plan->slots + start, pos_counts[t], &next_group);
          group_fairness (&rng, plan->slots + start + pos_counts[t],
                          cat_counts[t] - pos_counts[t], &next_group);
        }
    }
  g_assert (at == n);

  synth_rng_shuffle (&rng, plan->slots, n, sizeof (SynthSlot));
  for (guint i = 0; i < n; i++)
    plan->slots[i].index = i;

  return g_steal_pointer (&plan);
}
