/* synth-bias.h — the bias taxonomy (DESIGN.md §4) and the bias mix. */
#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

/* Order is the taxonomy table's; ids are the CSV's bias_type values. */
typedef enum
{
  SYNTH_BIAS_TEXTUAL,
  SYNTH_BIAS_STRUCTURAL,
  SYNTH_BIAS_SKILL_MATCH,
  SYNTH_BIAS_EXPERIENCE,
  SYNTH_BIAS_FAIRNESS,
  SYNTH_BIAS_DOMAIN_SPECIFIC,
  SYNTH_BIAS_MISSING_NOISY,
  SYNTH_BIAS_HUMAN_ERROR,
  SYNTH_BIAS_NONE,
  SYNTH_N_BIAS_TYPES
} SynthBiasType;

const char  *synth_bias_type_to_id       (SynthBiasType type);
gboolean     synth_bias_type_from_id     (const char *id, SynthBiasType *out_type);
/* Translated, human name ("Textual", "Skill match"…). */
const char  *synth_bias_type_get_label   (SynthBiasType type);
/* One line for people: what this bias does to a record. */
const char  *synth_bias_type_get_description (SynthBiasType type);
/* Subtype ids, NULL-terminated: "synonyms", "abbreviations"… ("none" has none). */
const char *const *synth_bias_type_get_subtypes (SynthBiasType type);
guint        synth_bias_type_get_n_subtypes (SynthBiasType type);
/* Surface biases are applied after generation by the seeded local transforms;
 * the others are semantic and come from generation itself. */
gboolean     synth_bias_type_is_surface  (SynthBiasType type);

/* SynthBiasMix: nine non-negative weights, turned into exact quotas. */
typedef struct _SynthBiasMix SynthBiasMix;

#define SYNTH_TYPE_BIAS_MIX (synth_bias_mix_get_type ())
GType         synth_bias_mix_get_type   (void) G_GNUC_CONST;

/* Equal weight on the eight biases, none on "none". */
SynthBiasMix *synth_bias_mix_new        (void);
SynthBiasMix *synth_bias_mix_copy       (const SynthBiasMix *mix);
void          synth_bias_mix_free       (SynthBiasMix *mix);
gboolean      synth_bias_mix_equal      (const SynthBiasMix *a, const SynthBiasMix *b);

double        synth_bias_mix_get_weight (const SynthBiasMix *mix, SynthBiasType type);
void          synth_bias_mix_set_weight (SynthBiasMix *mix, SynthBiasType type, double weight);
double        synth_bias_mix_get_total  (const SynthBiasMix *mix);
/* Weight as a fraction of the total (0 when the total is 0). */
double        synth_bias_mix_get_fraction (const SynthBiasMix *mix, SynthBiasType type);

/* "textual=2,fairness=1" or a preset name. Ids not named keep weight 0.
 * Errors (SYNTH_ERROR_INVALID_ARGUMENT) name the bad part: unknown id,
 * negative or non-numeric weight, all weights zero, duplicate id. */
SynthBiasMix *synth_bias_mix_parse      (const char *text, GError **error);
/* Canonical text form, every id listed: parse(to_string(m)) equals m. */
char         *synth_bias_mix_to_string  (const SynthBiasMix *mix);
/* Checks the mix is usable (weights finite, ≥ 0, total > 0). */
gboolean      synth_bias_mix_validate   (const SynthBiasMix *mix, GError **error);

/* Presets: "balanced", "clean", "noisy-text", "hard-negatives", "fairness-audit". */
const char *const *synth_bias_mix_preset_ids (void);
const char   *synth_bias_mix_preset_get_label (const char *preset_id);
SynthBiasMix *synth_bias_mix_new_preset (const char *preset_id);

/* Exact quotas for @total items, by largest remainder: the counts sum to
 * @total and each differs from weight×total by less than one. */
void          synth_bias_mix_quotas     (const SynthBiasMix *mix, guint64 total,
                                         guint64 out_counts[SYNTH_N_BIAS_TYPES]);

/* Largest-remainder apportionment of @total over @n weights (ties go to the
 * lower index, so it is deterministic). Weights must be ≥ 0 with a positive sum. */
void          synth_apportion           (const double *weights, guint n, guint64 total,
                                         guint64 *out_counts);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (SynthBiasMix, synth_bias_mix_free)

G_END_DECLS
