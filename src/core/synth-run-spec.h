/* synth-run-spec.h — everything that defines a run and reproduces it. */
#pragma once

#include <glib-object.h>

#include "synth-bias.h"

G_BEGIN_DECLS

#define SYNTH_RECORDS_MAX      10000000u
#define SYNTH_BATCH_SIZE_MAX   100u
#define SYNTH_CONCURRENCY_MAX  64u

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
SynthRunSpec *synth_run_spec_from_json (const char *json, GError **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (SynthRunSpec, synth_run_spec_free)

G_END_DECLS
