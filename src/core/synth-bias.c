/* synth-bias.c — the bias taxonomy and the bias mix. */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <math.h>
#include <string.h>

#include "synth-bias.h"
#include "synth-error.h"

typedef struct
{
  const char *id;
  const char *label;
  const char *description;
  const char *subtypes[4];
  gboolean surface;
} BiasInfo;

static const BiasInfo bias_info[SYNTH_N_BIAS_TYPES] = {
  [SYNTH_BIAS_TEXTUAL] = { "textual", N_ ("Textual"),
                           N_ ("Synonyms, abbreviations and spelling errors in the resume"),
                           { "synonyms", "abbreviations", "spelling_errors", NULL }, TRUE },
  [SYNTH_BIAS_STRUCTURAL] = { "structural", N_ ("Structural"),
                              N_ ("Missing sections and inconsistent formatting"),
                              { "missing_sections", "inconsistent_formatting", NULL }, TRUE },
  [SYNTH_BIAS_SKILL_MATCH] = { "skill_match", N_ ("Skill match"),
                               N_ ("Partial skill overlap, a neighbouring domain or a seniority gap"),
                               { "partial_overlap", "domain_mismatch", "seniority_gap", NULL }, FALSE },
  [SYNTH_BIAS_EXPERIENCE] = { "experience", N_ ("Experience"),
                              N_ ("Outdated skills, legacy tools or stated years that do not fit"),
                              { "outdated_skills", "legacy_tools", "experience_mismatch", NULL }, FALSE },
  [SYNTH_BIAS_FAIRNESS] = { "fairness", N_ ("Fairness"),
                            N_ ("The same resume under names from different regions (evaluation only)"),
                            { "name_variation", "background_variation", NULL }, FALSE },
  [SYNTH_BIAS_DOMAIN_SPECIFIC] = { "domain_specific", N_ ("Domain specific"),
                                   N_ ("Resume padding, buzzwords and mixed experience"),
                                   { "resume_padding", "buzzwords", "mixed_experience", NULL }, FALSE },
  [SYNTH_BIAS_MISSING_NOISY] = { "missing_noisy", N_ ("Missing or noisy"),
                                 N_ ("Incomplete data, HTML artifacts and duplicated lines"),
                                 { "incomplete_data", "html_artifacts", "duplicates", NULL }, TRUE },
  [SYNTH_BIAS_HUMAN_ERROR] = { "human_error", N_ ("Human error"),
                               N_ ("Typos, copy-paste slips and formatting mistakes"),
                               { "typos", "copy_paste", "formatting", NULL }, TRUE },
  [SYNTH_BIAS_NONE] = { "none", N_ ("None"), N_ ("Clean control records"), { NULL }, FALSE },
};

const char *
synth_bias_type_to_id (SynthBiasType type)
{
  g_return_val_if_fail (type < SYNTH_N_BIAS_TYPES, NULL);
  return bias_info[type].id;
}

gboolean
synth_bias_type_from_id (const char *id, SynthBiasType *out_type)
{
  if (id == NULL)
    return FALSE;
  for (guint i = 0; i < SYNTH_N_BIAS_TYPES; i++)
    if (strcmp (id, bias_info[i].id) == 0)
      {
        if (out_type)
          *out_type = i;
        return TRUE;
      }
  return FALSE;
}

const char *
synth_bias_type_get_label (SynthBiasType type)
{
  g_return_val_if_fail (type < SYNTH_N_BIAS_TYPES, NULL);
  return _ (bias_info[type].label);
}

const char *
synth_bias_type_get_description (SynthBiasType type)
{
  g_return_val_if_fail (type < SYNTH_N_BIAS_TYPES, NULL);
  return _ (bias_info[type].description);
}

const char *const *
synth_bias_type_get_subtypes (SynthBiasType type)
{
  g_return_val_if_fail (type < SYNTH_N_BIAS_TYPES, NULL);
  return bias_info[type].subtypes;
}

guint
synth_bias_type_get_n_subtypes (SynthBiasType type)
{
  guint n = 0;
  g_return_val_if_fail (type < SYNTH_N_BIAS_TYPES, 0);
  while (bias_info[type].subtypes[n] != NULL)
    n++;
  return n;
}

gboolean
synth_bias_type_is_surface (SynthBiasType type)
{
  g_return_val_if_fail (type < SYNTH_N_BIAS_TYPES, FALSE);
  return bias_info[type].surface;
}

/* ---- SynthBiasMix ------------------------------------------------------ */

struct _SynthBiasMix
{
  double weights[SYNTH_N_BIAS_TYPES];
};

G_DEFINE_BOXED_TYPE (SynthBiasMix, synth_bias_mix, synth_bias_mix_copy, synth_bias_mix_free)

SynthBiasMix *
synth_bias_mix_new (void)
{
  SynthBiasMix *mix = g_new0 (SynthBiasMix, 1);
  for (guint i = 0; i < SYNTH_N_BIAS_TYPES; i++)
    mix->weights[i] = (i == SYNTH_BIAS_NONE) ? 0.0 : 1.0;
  return mix;
}

SynthBiasMix *
synth_bias_mix_copy (const SynthBiasMix *mix)
{
  return g_memdup2 (mix, sizeof *mix);
}

void
synth_bias_mix_free (SynthBiasMix *mix)
{
  g_free (mix);
}

gboolean
synth_bias_mix_equal (const SynthBiasMix *a, const SynthBiasMix *b)
{
  for (guint i = 0; i < SYNTH_N_BIAS_TYPES; i++)
    if (a->weights[i] != b->weights[i])
      return FALSE;
  return TRUE;
}

double
synth_bias_mix_get_weight (const SynthBiasMix *mix, SynthBiasType type)
{
  g_return_val_if_fail (type < SYNTH_N_BIAS_TYPES, 0.0);
  return mix->weights[type];
}

void
synth_bias_mix_set_weight (SynthBiasMix *mix, SynthBiasType type, double weight)
{
  g_return_if_fail (type < SYNTH_N_BIAS_TYPES);
  mix->weights[type] = weight;
}

double
synth_bias_mix_get_total (const SynthBiasMix *mix)
{
  double total = 0;
  for (guint i = 0; i < SYNTH_N_BIAS_TYPES; i++)
    total += mix->weights[i];
  return total;
}

double
synth_bias_mix_get_fraction (const SynthBiasMix *mix, SynthBiasType type)
{
  double total = synth_bias_mix_get_total (mix);
  g_return_val_if_fail (type < SYNTH_N_BIAS_TYPES, 0.0);
  return total > 0 ? mix->weights[type] / total : 0.0;
}

gboolean
synth_bias_mix_validate (const SynthBiasMix *mix, GError **error)
{
  for (guint i = 0; i < SYNTH_N_BIAS_TYPES; i++)
    if (!isfinite (mix->weights[i]) || mix->weights[i] < 0)
      {
        g_set_error (error, SYNTH_ERROR, SYNTH_ERROR_INVALID_ARGUMENT,
                     _ ("The weight of “%s” must be zero or a positive number"), bias_info[i].id);
        return FALSE;
      }
  if (!(synth_bias_mix_get_total (mix) > 0))
    {
      g_set_error (error, SYNTH_ERROR, SYNTH_ERROR_INVALID_ARGUMENT,
                   _ ("Every bias weight is zero: give at least one category a positive weight "
                      "(use none=1 for clean records only)"));
      return FALSE;
    }
  return TRUE;
}

static char *
valid_ids_text (void)
{
  GString *s = g_string_new (NULL);
  for (guint i = 0; i < SYNTH_N_BIAS_TYPES; i++)
    g_string_append_printf (s, "%s%s", i ? ", " : "", bias_info[i].id);
  return g_string_free (s, FALSE);
}

SynthBiasMix *
synth_bias_mix_parse (const char *text, GError **error)
{
  g_autoptr (SynthBiasMix) mix = NULL;
  g_auto (GStrv) parts = NULL;
  gboolean seen[SYNTH_N_BIAS_TYPES] = { FALSE };

  if (text == NULL || text[strspn (text, " \t\n")] == '\0')
    {
      g_set_error (error, SYNTH_ERROR, SYNTH_ERROR_INVALID_ARGUMENT,
                   _ ("The bias mix is empty: write ID=WEIGHT pairs such as "
                      "“textual=1,fairness=2”, or a preset name"));
      return NULL;
    }

  if (strchr (text, '=') == NULL)
    {
      g_autofree char *name = g_strstrip (g_strdup (text));
      mix = synth_bias_mix_new_preset (name);
      if (mix == NULL)
        {
          g_autofree char *presets = g_strjoinv (", ", (char **) synth_bias_mix_preset_ids ());
          g_set_error (error, SYNTH_ERROR, SYNTH_ERROR_INVALID_ARGUMENT,
                       _ ("“%s” is neither ID=WEIGHT pairs nor a preset; presets are: %s"), name,
                       presets);
        }
      return g_steal_pointer (&mix);
    }

  mix = g_new0 (SynthBiasMix, 1);
  parts = g_strsplit (text, ",", -1);
  for (guint i = 0; parts[i] != NULL; i++)
    {
      g_autofree char *part = g_strstrip (g_strdup (parts[i]));
      g_auto (GStrv) kv = NULL;
      SynthBiasType type;
      char *end = NULL;
      double w;

      if (*part == '\0')
        continue;
      kv = g_strsplit (part, "=", 2);
      if (kv[1] == NULL)
        {
          g_set_error (error, SYNTH_ERROR, SYNTH_ERROR_INVALID_ARGUMENT,
                       _ ("“%s” in the bias mix has no weight; write it as ID=WEIGHT"), part);
          return NULL;
        }
      g_strstrip (kv[0]);
      g_strstrip (kv[1]);
      if (!synth_bias_type_from_id (kv[0], &type))
        {
          g_autofree char *ids = valid_ids_text ();
          g_set_error (error, SYNTH_ERROR, SYNTH_ERROR_INVALID_ARGUMENT,
                       _ ("Unknown bias category “%s”; valid ids are: %s"), kv[0], ids);
          return NULL;
        }
      if (seen[type])
        {
          g_set_error (error, SYNTH_ERROR, SYNTH_ERROR_INVALID_ARGUMENT,
                       _ ("The bias category “%s” is given twice in the mix"), kv[0]);
          return NULL;
        }
      seen[type] = TRUE;
      w = g_ascii_strtod (kv[1], &end);
      if (kv[1][0] == '\0' || end == NULL || *end != '\0' || !isfinite (w))
        {
          g_set_error (error, SYNTH_ERROR, SYNTH_ERROR_INVALID_ARGUMENT,
                       _ ("The weight “%s” of “%s” is not a number"), kv[1], kv[0]);
          return NULL;
        }
      if (w < 0)
        {
          g_set_error (error, SYNTH_ERROR, SYNTH_ERROR_INVALID_ARGUMENT,
                       _ ("The weight of “%s” is negative (%s); weights must be zero or more"),
                       kv[0], kv[1]);
          return NULL;
        }
      mix->weights[type] = w;
    }

  if (!synth_bias_mix_validate (mix, error))
    return NULL;
  return g_steal_pointer (&mix);
}

char *
synth_bias_mix_to_string (const SynthBiasMix *mix)
{
  GString *s = g_string_new (NULL);
  for (guint i = 0; i < SYNTH_N_BIAS_TYPES; i++)
    {
      char buf[G_ASCII_DTOSTR_BUF_SIZE];
      g_string_append_printf (s, "%s%s=%s", i ? "," : "", bias_info[i].id,
                              g_ascii_dtostr (buf, sizeof buf, mix->weights[i]));
    }
  return g_string_free (s, FALSE);
}

/* ---- presets ----------------------------------------------------------- */

typedef struct
{
  const char *id;
  const char *label;
  double weights[SYNTH_N_BIAS_TYPES];
} Preset;

/* Weights in taxonomy order: textual, structural, skill_match, experience,
 * fairness, domain_specific, missing_noisy, human_error, none. */
static const Preset presets[] = {
  { "balanced", N_ ("Balanced"), { 1, 1, 1, 1, 1, 1, 1, 1, 0 } },
  { "clean", N_ ("Clean control"), { 0, 0, 0, 0, 0, 0, 0, 0, 1 } },
  { "noisy-text", N_ ("Noisy text"), { 3, 2, 0, 0, 0, 0, 3, 3, 1 } },
  { "hard-negatives", N_ ("Hard negatives"), { 0, 0, 4, 3, 0, 2, 0, 0, 1 } },
  { "fairness-audit", N_ ("Fairness audit"), { 0, 0, 0, 0, 4, 0, 0, 0, 1 } },
};

const char *const *
synth_bias_mix_preset_ids (void)
{
  static const char *const ids[] = { "balanced", "clean", "noisy-text", "hard-negatives",
                                     "fairness-audit", NULL };
  return ids;
}

const char *
synth_bias_mix_preset_get_label (const char *preset_id)
{
  for (guint i = 0; i < G_N_ELEMENTS (presets); i++)
    if (g_strcmp0 (presets[i].id, preset_id) == 0)
      return _ (presets[i].label);
  return NULL;
}

SynthBiasMix *
synth_bias_mix_new_preset (const char *preset_id)
{
  for (guint i = 0; i < G_N_ELEMENTS (presets); i++)
    if (g_strcmp0 (presets[i].id, preset_id) == 0)
      {
        SynthBiasMix *mix = g_new0 (SynthBiasMix, 1);
        memcpy (mix->weights, presets[i].weights, sizeof mix->weights);
        return mix;
      }
  return NULL;
}

/* ---- quotas ------------------------------------------------------------ */

void
synth_apportion (const double *weights, guint n, guint64 total, guint64 *out_counts)
{
  double sum = 0, max = 0;
  guint64 assigned = 0;
  g_autofree double *rem = g_new0 (double, n);

  /* Shares are taken of the weights scaled by the largest one, so that
   * huge weights ("textual=1e308,fairness=1e308") cannot overflow the sum
   * to infinity and turn every share into 0. */
  for (guint i = 0; i < n; i++)
    if (weights[i] > max) /* NaN never is */
      max = weights[i];
  for (guint i = 0; i < n; i++)
    sum += weights[i] > 0 ? weights[i] / max : 0;

  if (n == 0)
    return;
  if (!(sum > 0))
    {
      memset (out_counts, 0, n * sizeof *out_counts);
      return;
    }

  for (guint i = 0; i < n; i++)
    {
      double w = weights[i] > 0 ? weights[i] / max : 0;
      double exact = (double) total * (w / sum);
      out_counts[i] = (guint64) floor (exact);
      rem[i] = exact - (double) out_counts[i];
      assigned += out_counts[i];
    }

  /* Hand out what is left to the largest remainders; ties to the lower
   * index. Only weights > 0 may receive a seat. */
  while (assigned < total)
    {
      guint best = G_MAXUINT;
      for (guint i = 0; i < n; i++)
        if (weights[i] > 0 && (best == G_MAXUINT || rem[i] > rem[best]))
          best = i;
      out_counts[best]++;
      rem[best] = -1.0;
      assigned++;
    }
}

void
synth_bias_mix_quotas (const SynthBiasMix *mix, guint64 total,
                       guint64 out_counts[SYNTH_N_BIAS_TYPES])
{
  synth_apportion (mix->weights, SYNTH_N_BIAS_TYPES, total, out_counts);
}
