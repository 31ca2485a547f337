/* synth-generate-form.h — the sidebar that defines a run: records, label
 * balance, bias mix, provider and model, seed, budget, and an estimate of
 * tokens and cost. Every value is bound to GSettings. */
#pragma once

#include <adwaita.h>

#include "synth-run-spec.h"

G_BEGIN_DECLS

typedef enum
{
  SYNTH_FORM_STATE_IDLE,
  SYNTH_FORM_STATE_STARTING, /* planning a run, opening or importing one */
  SYNTH_FORM_STATE_RUNNING,
  SYNTH_FORM_STATE_PAUSED,
} SynthFormState;

#define SYNTH_TYPE_GENERATE_FORM (synth_generate_form_get_type ())
G_DECLARE_FINAL_TYPE (SynthGenerateForm, synth_generate_form, SYNTH, GENERATE_FORM, GtkWidget)

/* The run the form describes, validated (a message naming the bad value on
 * error). */
SynthRunSpec *synth_generate_form_build_spec (SynthGenerateForm *self, GError **error);
/* FALSE when no run can be planned from the form (every bias weight zero). */
gboolean synth_generate_form_is_valid (SynthGenerateForm *self);
/* Which buttons the footer shows: Generate, or Pause/Resume and Stop; and
 * whether the run shown has pending slots to continue. */
void synth_generate_form_set_state (SynthGenerateForm *self,
                                    SynthFormState state,
                                    gboolean can_continue);
/* The provider setting as a run spec provider ("offline" / "openai") and the
 * base URL it talks to (NULL for offline). */
const char *synth_generate_form_get_provider (SynthGenerateForm *self);
char *synth_generate_form_dup_base_url (SynthGenerateForm *self);
/* The estimate shown, in tokens and US dollars (0 for the offline engine). */
void
synth_generate_form_get_estimate (SynthGenerateForm *self, guint64 *out_tokens, double *out_cost);

/* Prices per million tokens (in, out) for @model: the settings', or the
 * model's known prices where a setting is 0 (both 0 when unknown). */
void synth_generate_form_get_prices (GSettings *settings,
                                     const char *model,
                                     double *out_in,
                                     double *out_out);

/* The OpenAI endpoint the "openai" provider uses. */
#define SYNTH_OPENAI_BASE_URL "https://api.openai.com/v1"

G_END_DECLS
