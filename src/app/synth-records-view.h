/* synth-records-view.h — the live table of a run's records, with search,
 * filters, sorting and the detail pane; keyboard review (A, R, J, K, D). */
#pragma once

#include <gtk/gtk.h>

#include "synth-detail-pane.h"
#include "synth-record.h"

G_BEGIN_DECLS

#define SYNTH_TYPE_RECORDS_VIEW (synth_records_view_get_type ())
G_DECLARE_FINAL_TYPE (SynthRecordsView, synth_records_view, SYNTH, RECORDS_VIEW, GtkWidget)

/* @records: every record of the run (SynthRecord); the view filters and sorts. */
void synth_records_view_set_model (SynthRecordsView *self, GListModel *records);
/* What the table shows, in its order. */
GListModel *synth_records_view_get_visible (SynthRecordsView *self);
SynthRecord *synth_records_view_get_selected (SynthRecordsView *self);
/* Selects the row at @position of the visible list; FALSE past the end. */
gboolean synth_records_view_select (SynthRecordsView *self, guint position);
guint synth_records_view_get_selected_position (SynthRecordsView *self);
SynthDetailPane *synth_records_view_get_detail (SynthRecordsView *self);
/* While busy and empty the view says a run is being prepared. */
void synth_records_view_set_busy (SynthRecordsView *self, gboolean busy);
void synth_records_view_focus_search (SynthRecordsView *self);
/* Filters: -1 for any; a match_label, a SynthBiasType, a SynthReviewStatus. */
void synth_records_view_set_filters (SynthRecordsView *self, int label, int bias, int status);
void synth_records_view_set_search (SynthRecordsView *self, const char *text);

G_END_DECLS
