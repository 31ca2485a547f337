/* synth-run-spec.h — everything that defines a run and reproduces it. */
#pragma once

#include <glib-object.h>

#include "synth-bias.h"

G_BEGIN_DECLS

#define SYNTH_RECORDS_MAX      10000000u
#define SYNTH_BATCH_SIZE_MAX   100u
#define SYNTH_CONCURRENCY_MAX  64u
#define SYNTH_TIMEOUT_MS_MAX   3600000u

typedef struct _SynthRunSpec SynthRunSpec;

struct _SynthRunSpec
{
  guint         records;         /* 1 … SYNTH_RECORDS_MAX */
  guint         batch_size;      /* 1 … SYNTH_BATCH_SIZE_MAX, default 25 */
  double        positive_ratio;  /* 0 … 1, default 0.5 */
  double        short_ratio;     /* share of short resumes, default 0.5 */
  SynthBiasMix *bias_mix;
  guint64       seed;
  char         *provider;        /* "offline" (default) or "openai" */
  char         *model;           /* NULL for offline */
  char         *base_url;        /* NULL: provider default */
  guint         concurrency;     /* 1 … 64, default 4 */
  double        budget;          /* cost cap in USD; 0 = none */
  /* What the user told an OpenAI run about its endpoint, kept so a resume
   * works under the same limits and prices. None of it defines the dataset. */
  double        requests_per_minute; /* 0 (default): no limit of ours */
  double        tokens_per_minute;   /* 0 (default): likewise */
  guint         timeout_ms;          /* 0 (default): the provider's; at most 3600000 */
  double        price_in;            /* USD per 1M prompt tokens; < 0 (default -1): the model's */
  double        price_out;           /* USD per 1M completion tokens; < 0: likewise */
  /* Every model the run was set to, oldest first, without repeats; NULL
   * until a resume changes the model (then the list starts with the first
   * one). Read it with synth_run_spec_dup_models_used(). */
  char        **models_used;
};

#define SYNTH_TYPE_RUN_SPEC (synth_run_spec_get_type ())
GType         synth_run_spec_get_type (void) G_GNUC_CONST;

/* Defaults: 1000 records, batch 25, ratio 0.5, balanced mix, seed 42, offline. */
SynthRunSpec *synth_run_spec_new      (void);
SynthRunSpec *synth_run_spec_copy     (const SynthRunSpec *spec);
void          synth_run_spec_free     (SynthRunSpec *spec);
/* Every range above, with messages that name the value and the valid range. */
gboolean      synth_run_spec_validate (const SynthRunSpec *spec, GError **error);
/* A stable JSON form, stored in the run store and the stats' provenance. */
char         *synth_run_spec_to_json  (const SynthRunSpec *spec);
/* Keys missing from an older store's JSON take their defaults. */
SynthRunSpec *synth_run_spec_from_json (const char *json, GError **error);

/* Switches the run to @model (for the rest of the run), keeping the earlier
 * ones in models_used. TRUE when the model changed. */
gboolean      synth_run_spec_set_model (SynthRunSpec *spec, const char *model);
/* The models the run has used, oldest first: models_used, or just the model
 * (empty for an offline run). Never NULL; free with g_strfreev(). */
char        **synth_run_spec_dup_models_used (const SynthRunSpec *spec);
/* FALSE, with SYNTH_ERROR_INVALID_ARGUMENT naming the first difference, when
 * @changed differs from @spec in what defines the dataset: records, batch
 * size, ratios, bias mix, seed or provider. Endpoint, model, concurrency,
 * limits, prices and budget may change. */
gboolean      synth_run_spec_check_same_dataset (const SynthRunSpec *spec,
                                                 const SynthRunSpec *changed,
                                                 GError **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (SynthRunSpec, synth_run_spec_free)

G_END_DECLS
