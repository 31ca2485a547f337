/* fuzz-values.c — the value parsers behind the command line, the settings and
 * the run store: bias mixes ("textual=2,fairness=1" or a preset), column
 * lists ("seed", "all", "name,record_id"), and the run spec and usage JSON
 * that a run store keeps (and a damaged store may hold anything).
 *
 * Input: one mode byte, then the text.
 *   mode & 3 == 0: bias mix; a parsed mix is valid, prints back to itself,
 *                  and gives exact quotas;
 *   mode & 3 == 1: column list; seed columns first, no column twice, the
 *                  options left untouched on error;
 *   mode & 3 == 2: run spec JSON; a parsed spec is valid and round-trips;
 *   mode & 3 == 3: usage JSON; round-trips. */
#include <math.h>
#include <string.h>

#include "fuzz-common.h"
#include "synth-bias.h"
#include "synth-csv.h"
#include "synth-error.h"
#include "synth-run-spec.h"
#include "synth-usage.h"

static void
check_error (const GError *error)
{
  FUZZ_CHECK (error != NULL && error->message != NULL && *error->message != '\0');
}

/* Largest remainder: the counts sum to the total, and each is within one of
 * its exact share (computed here with the weights scaled by the largest, so
 * huge weights cannot overflow the reference). */
static void
check_quotas (const SynthBiasMix *mix, guint64 total)
{
  guint64 counts[SYNTH_N_BIAS_TYPES], sum = 0;
  double max = 0, scaled_sum = 0;

  synth_bias_mix_quotas (mix, total, counts);
  for (guint i = 0; i < SYNTH_N_BIAS_TYPES; i++)
    max = MAX (max, synth_bias_mix_get_weight (mix, i));
  for (guint i = 0; i < SYNTH_N_BIAS_TYPES; i++)
    scaled_sum += synth_bias_mix_get_weight (mix, i) / max;
  for (guint i = 0; i < SYNTH_N_BIAS_TYPES; i++)
    {
      double exact = (double) total * (synth_bias_mix_get_weight (mix, i) / max) / scaled_sum;
      FUZZ_CHECK (fabs ((double) counts[i] - exact) < 1.0 + 1e-9 * (double) total);
      FUZZ_CHECK (synth_bias_mix_get_weight (mix, i) > 0 || counts[i] == 0);
      sum += counts[i];
    }
  FUZZ_CHECK (sum == total);
}

static void
fuzz_bias_mix (const char *text)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (SynthBiasMix) mix = synth_bias_mix_parse (text, &error);
  g_autoptr (SynthBiasMix) again = NULL;
  g_autofree char *printed = NULL;

  if (mix == NULL)
    {
      check_error (error);
      FUZZ_CHECK (g_error_matches (error, SYNTH_ERROR, SYNTH_ERROR_INVALID_ARGUMENT));
      return;
    }
  FUZZ_CHECK (error == NULL);
  FUZZ_CHECK (synth_bias_mix_validate (mix, NULL));
  FUZZ_CHECK (synth_bias_mix_get_total (mix) > 0);
  printed = synth_bias_mix_to_string (mix);
  again = synth_bias_mix_parse (printed, NULL);
  FUZZ_CHECK (again != NULL && synth_bias_mix_equal (mix, again));
  check_quotas (mix, 1000);
  check_quotas (mix, 7);
}

static void
fuzz_columns (const char *text)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *header = NULL;
  SynthCsvOptions options, before;
  gboolean seen[SYNTH_CSV_N_COLUMNS] = { FALSE };

  synth_csv_options_init (&options);
  options.crlf = TRUE; /* not the default: parsing must not reset it */
  before = options;
  if (!synth_csv_options_parse_columns (&options, text, &error))
    {
      check_error (error);
      FUZZ_CHECK (memcmp (&options, &before, sizeof options) == 0);
      return;
    }
  FUZZ_CHECK (options.crlf && options.formula_guard);
  FUZZ_CHECK (options.n_columns >= SYNTH_CSV_N_SEED_COLUMNS &&
              options.n_columns <= SYNTH_CSV_N_COLUMNS);
  for (guint i = 0; i < options.n_columns; i++)
    {
      FUZZ_CHECK (options.columns[i] < SYNTH_CSV_N_COLUMNS && !seen[options.columns[i]]);
      seen[options.columns[i]] = TRUE;
      if (i < SYNTH_CSV_N_SEED_COLUMNS)
        FUZZ_CHECK (options.columns[i] == (SynthCsvColumn) i);
    }
  /* The header names the columns in order, and parses back to them. */
  header = synth_csv_options_get_header (&options);
  before = options;
  synth_csv_options_init (&options);
  options.crlf = TRUE;
  FUZZ_CHECK (synth_csv_options_parse_columns (&options, header, NULL));
  FUZZ_CHECK (memcmp (&options, &before, sizeof options) == 0);
}

static void
fuzz_run_spec (const char *text)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (SynthRunSpec) spec = synth_run_spec_from_json (text, &error);
  g_autoptr (SynthRunSpec) again = NULL;
  g_autofree char *json = NULL, *json_again = NULL;

  if (spec == NULL)
    {
      check_error (error);
      return;
    }
  FUZZ_CHECK (synth_run_spec_validate (spec, NULL));
  json = synth_run_spec_to_json (spec);
  again = synth_run_spec_from_json (json, NULL);
  FUZZ_CHECK (again != NULL);
  json_again = synth_run_spec_to_json (again);
  FUZZ_CHECK (strcmp (json, json_again) == 0);
}

static void
fuzz_usage (const char *text)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (SynthUsage) usage = synth_usage_from_json (text, &error);
  g_autoptr (SynthUsage) again = NULL;
  g_autofree char *json = NULL, *json_again = NULL;

  if (usage == NULL)
    {
      check_error (error);
      return;
    }
  json = synth_usage_to_json (usage);
  again = synth_usage_from_json (json, NULL);
  FUZZ_CHECK (again != NULL);
  json_again = synth_usage_to_json (again);
  FUZZ_CHECK (strcmp (json, json_again) == 0);
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  g_autofree char *text = NULL;
  guint8 mode;

  if (size == 0)
    return 0;
  mode = data[0];
  text = g_strndup ((const char *) data + 1, size - 1);

  switch (mode & 3)
    {
    case 0:
      fuzz_bias_mix (text);
      break;
    case 1:
      fuzz_columns (text);
      break;
    case 2:
      fuzz_run_spec (text);
      break;
    default:
      fuzz_usage (text);
      break;
    }
  return 0;
}
