/* synth-bias-row.h — one bias category in the mix editor: its name, a weight
 * slider and the share of the records it will get. */
#pragma once

#include <adwaita.h>

#include "synth-bias.h"

G_BEGIN_DECLS

#define SYNTH_TYPE_BIAS_ROW (synth_bias_row_get_type ())
G_DECLARE_FINAL_TYPE (SynthBiasRow, synth_bias_row, SYNTH, BIAS_ROW, AdwPreferencesRow)

SynthBiasType synth_bias_row_get_bias_type (SynthBiasRow *self);
double synth_bias_row_get_weight (SynthBiasRow *self);
void synth_bias_row_set_weight (SynthBiasRow *self, double weight);
/* The whole-number share shown beside the name (the editor makes them sum to 100). */
void synth_bias_row_set_percent (SynthBiasRow *self, guint percent);

G_END_DECLS
