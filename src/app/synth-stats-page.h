/* synth-stats-page.h — the statistics of the run shown, drawn live with the
 * report's cairo charts, and the headline figures. */
#pragma once

#include <gtk/gtk.h>

#include "synth-stats.h"

G_BEGIN_DECLS

#define SYNTH_TYPE_STATS_PAGE (synth_stats_page_get_type ())
G_DECLARE_FINAL_TYPE (SynthStatsPage, synth_stats_page, SYNTH, STATS_PAGE, GtkWidget)

/* @stats may be NULL (nothing to show). The page reads it under its lock
 * while another thread adds records. */
void synth_stats_page_set_stats (SynthStatsPage *self, SynthStats *stats);
SynthStats *synth_stats_page_get_stats (SynthStatsPage *self);
/* Redraws soon (at most a few times a second), e.g. after records arrived. */
void synth_stats_page_queue_update (SynthStatsPage *self);
/* Redraws now; for tests and screenshots. */
void synth_stats_page_update (SynthStatsPage *self);
/* A headline figure as shown ("records", "auc", "cost"…), for tests. */
const char *synth_stats_page_get_figure (SynthStatsPage *self, const char *id);

G_END_DECLS
