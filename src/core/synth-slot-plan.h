/* synth-slot-plan.h — every record planned up front with exact quotas. */
#pragma once

#include <glib-object.h>

#include "synth-bias.h"
#include "synth-run-spec.h"

G_BEGIN_DECLS

typedef enum
{
  SYNTH_SENIORITY_JUNIOR,
  SYNTH_SENIORITY_MID,
  SYNTH_SENIORITY_SENIOR,
  SYNTH_SENIORITY_LEAD,
  SYNTH_N_SENIORITIES
} SynthSeniority;

typedef enum
{
  SYNTH_LENGTH_SHORT, /* ≈ 80–200 words */
  SYNTH_LENGTH_LONG,  /* ≈ 350–900 words */
  SYNTH_N_LENGTHS
} SynthLength;

#define SYNTH_N_DOMAINS 12
#define SYNTH_N_REGIONS 10

/* Fixed ids; the corpus has one entry for each. */
const char *const *synth_domain_ids    (void); /* software, data, healthcare, finance, education, marketing,
                                                  sales, legal, manufacturing, logistics, hospitality, design */
const char *const *synth_region_ids    (void); /* west_africa, east_asia, south_asia, latin_america, middle_east,
                                                  eastern_europe, western_europe, north_america, southeast_asia, oceania */
const char        *synth_seniority_to_id (SynthSeniority seniority);
gboolean           synth_seniority_from_id (const char *id, SynthSeniority *out);
const char        *synth_length_to_id  (SynthLength length);
gboolean           synth_length_from_id (const char *id, SynthLength *out);
int                synth_domain_index  (const char *id); /* -1 if unknown */
int                synth_region_index  (const char *id); /* -1 if unknown */

#define SYNTH_NO_GROUP G_MAXUINT

typedef struct
{
  guint          index;        /* position in the plan; primary key in the run store */
  guint8         match_label;  /* 1 / 0 */
  guint8         bias_type;    /* SynthBiasType */
  guint8         bias_subtype; /* index into synth_bias_type_get_subtypes() */
  guint8         domain;       /* index into synth_domain_ids() */
  guint8         seniority;    /* SynthSeniority */
  guint8         region;       /* index into synth_region_ids() */
  guint8         length;       /* SynthLength */
  guint8         variant;      /* fairness: 0 for the first member of a group, 1, 2… */
  guint          group;        /* fairness: the group's number, else SYNTH_NO_GROUP */
} SynthSlot;

const char *synth_slot_get_subtype_id (const SynthSlot *slot);
/* Fairness slots are "eval", all others "train". */
const char *synth_slot_get_split      (const SynthSlot *slot);
/* "g000123" for fairness slots, NULL otherwise. */
char       *synth_slot_dup_group_id   (const SynthSlot *slot);
/* The wire form for the OpenAI prompt: {slot, match_label, bias_type, bias_subtype,
 * domain, seniority, region, length}. Returns a new JsonObject (json-glib). */
gpointer    synth_slot_to_json_object (const SynthSlot *slot);

typedef struct _SynthSlotPlan SynthSlotPlan;

#define SYNTH_TYPE_SLOT_PLAN (synth_slot_plan_get_type ())
GType          synth_slot_plan_get_type    (void) G_GNUC_CONST;

/* Plans spec->records slots: exact label quota (largest remainder of
 * positive_ratio), exact bias quotas (largest remainder of the mix), labels
 * spread across categories proportionally, subtypes, domains, seniorities,
 * regions and lengths evenly, all shuffled by spec->seed. Fairness slots come
 * in counterfactual groups of 2–4 sharing label, domain, seniority and
 * length, each member from a different region. Deterministic. */
SynthSlotPlan *synth_slot_plan_new_balanced (const SynthRunSpec *spec, GError **error);
/* Wraps slots loaded from a run store. */
SynthSlotPlan *synth_slot_plan_new_from_slots (const SynthSlot *slots, guint n_slots);
SynthSlotPlan *synth_slot_plan_ref          (SynthSlotPlan *plan);
void           synth_slot_plan_unref        (SynthSlotPlan *plan);
guint          synth_slot_plan_get_n_slots  (SynthSlotPlan *plan);
const SynthSlot *synth_slot_plan_get_slot   (SynthSlotPlan *plan, guint index);
/* Counts for tests and statistics. */
guint          synth_slot_plan_count_label  (SynthSlotPlan *plan, guint label);
guint          synth_slot_plan_count_bias   (SynthSlotPlan *plan, SynthBiasType type);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (SynthSlotPlan, synth_slot_plan_unref)

G_END_DECLS
