/* synth-bias-mix-editor.h — the bias mix as nine sliders with live shares
 * that always sum to 100 %, and the presets. */
#pragma once

#include <adwaita.h>

#include "synth-bias.h"

G_BEGIN_DECLS

#define SYNTH_TYPE_BIAS_MIX_EDITOR (synth_bias_mix_editor_get_type ())
G_DECLARE_FINAL_TYPE (
    SynthBiasMixEditor, synth_bias_mix_editor, SYNTH, BIAS_MIX_EDITOR, AdwPreferencesGroup)

/* The mix in synth_bias_mix_parse() form ("textual=12.5,…"); the "mix"
 * property, which the form binds to the "bias-mix" setting. */
const char *synth_bias_mix_editor_get_mix (SynthBiasMixEditor *self);
void synth_bias_mix_editor_set_mix (SynthBiasMixEditor *self, const char *mix);
/* A copy of the mix, or NULL when every weight is zero. */
SynthBiasMix *synth_bias_mix_editor_dup_bias_mix (SynthBiasMixEditor *self);
/* The whole-number percentages shown (they sum to 100 when valid). */
guint synth_bias_mix_editor_get_percent (SynthBiasMixEditor *self, SynthBiasType type);
/* FALSE when every weight is zero: no run can be planned. */
gboolean synth_bias_mix_editor_get_valid (SynthBiasMixEditor *self);
/* The preset the weights match, or "custom". */
const char *synth_bias_mix_editor_get_preset (SynthBiasMixEditor *self);

G_END_DECLS
