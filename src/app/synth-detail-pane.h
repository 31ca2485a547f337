/* synth-detail-pane.h — one record read in full: resume and job side by side
 * with the job's skills highlighted in both, the bias explained, and what the
 * surface transform changed against the clean text. Text is never markup. */
#pragma once

#include <gtk/gtk.h>

#include "synth-record.h"

G_BEGIN_DECLS

#define SYNTH_TYPE_DETAIL_PANE (synth_detail_pane_get_type ())
G_DECLARE_FINAL_TYPE (SynthDetailPane, synth_detail_pane, SYNTH, DETAIL_PANE, GtkWidget)

SynthRecord *synth_detail_pane_get_record (SynthDetailPane *self);
void synth_detail_pane_set_record (SynthDetailPane *self, SynthRecord *record);
/* Whether the record has a clean text to compare with. */
gboolean synth_detail_pane_can_show_changes (SynthDetailPane *self);
gboolean synth_detail_pane_get_show_changes (SynthDetailPane *self);
void synth_detail_pane_set_show_changes (SynthDetailPane *self, gboolean show_changes);
/* The texts shown, for tests: the left and right buffers. */
GtkTextBuffer *synth_detail_pane_get_left_buffer (SynthDetailPane *self);
GtkTextBuffer *synth_detail_pane_get_right_buffer (SynthDetailPane *self);

G_END_DECLS
