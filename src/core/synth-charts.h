/* synth-charts.h — the statistics charts, drawn with cairo so the app
 * (GtkDrawingArea) and the HTML report (SVG surface) share one drawing.
 *
 * Each function fills the rectangle (0, 0, width, height) of @cr, including
 * the background, axes, ticks and legend; titles are left to the caller.
 * Text on the charts comes from our own ids and labels only. With no
 * records the chart says so instead of drawing empty axes. */
#pragma once

#include <cairo.h>

#include "synth-stats.h"

G_BEGIN_DECLS

typedef struct
{
  double r, g, b, a;
} SynthChartColor;

typedef struct
{
  SynthChartColor background; /* alpha 0: leave the surface as it is */
  SynthChartColor foreground; /* text and axes */
  SynthChartColor grid;
  SynthChartColor series[2]; /* first series (achieved, match, resumes), second */
  SynthChartColor target;    /* requested / target marks */
} SynthChartPalette;

/* Built-in palettes following the GNOME light and dark styles. */
const SynthChartPalette *synth_chart_palette_get_default (gboolean dark);

/* In every function a NULL @palette means the light palette. */

/* Records per label, with the target count marked when the spec is known. */
void synth_chart_draw_label_balance (
    cairo_t *cr, double width, double height, SynthStats *stats, const SynthChartPalette *palette);
/* Requested vs achieved share of each bias category, grouped bars. */
void synth_chart_draw_bias_mix (
    cairo_t *cr, double width, double height, SynthStats *stats, const SynthChartPalette *palette);
/* Resume and job word counts, share of records per bin. */
void synth_chart_draw_length_histogram (
    cairo_t *cr, double width, double height, SynthStats *stats, const SynthChartPalette *palette);
/* Job-skill overlap by label, two overlaid histograms, with the ROC AUC. */
void synth_chart_draw_overlap_by_label (
    cairo_t *cr, double width, double height, SynthStats *stats, const SynthChartPalette *palette);

G_END_DECLS
