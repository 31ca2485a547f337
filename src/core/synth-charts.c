/* synth-charts.c — the four statistics charts, in plain cairo.
 *
 * Layout is computed from the text extents, so the charts stay readable
 * from a small app pane to a wide report. Text uses cairo's toy API
 * ("sans-serif"); in SVG output cairo turns glyphs into paths, so the
 * report does not depend on the reader's fonts. */
#include "config.h"

#include "synth-charts.h"

#include <glib/gi18n-lib.h>
#include <math.h>

typedef struct
{
  double x, y, w, h;
} Rect;

typedef enum
{
  LEGEND_BOX,
  LEGEND_DASH,
} LegendKind;

typedef struct
{
  const char *label;
  const SynthChartColor *color;
  LegendKind kind;
} LegendItem;

/* GNOME palette: blue 3, orange 4 (light); blue 2, orange 2 (dark). */
static const SynthChartPalette palettes[2] = {
  {
      .background = { 1, 1, 1, 1 },
      .foreground = { 0.14, 0.14, 0.16, 1 },
      .grid = { 0.14, 0.14, 0.16, 0.12 },
      .series = { { 0.208, 0.518, 0.894, 1 }, { 0.902, 0.380, 0.0, 1 } },
      .target = { 0.14, 0.14, 0.16, 0.55 },
  },
  {
      .background = { 0.14, 0.14, 0.16, 1 },
      .foreground = { 1, 1, 1, 1 },
      .grid = { 1, 1, 1, 0.14 },
      .series = { { 0.384, 0.627, 0.918, 1 }, { 1.0, 0.639, 0.282, 1 } },
      .target = { 1, 1, 1, 0.6 },
  },
};

const SynthChartPalette *
synth_chart_palette_get_default (gboolean dark)
{
  return &palettes[dark ? 1 : 0];
}

/* ---------------------------------------------------------------------- */
/* Drawing helpers                                                         */

static void
set_color (cairo_t *cr, const SynthChartColor *c, double alpha)
{
  cairo_set_source_rgba (cr, c->r, c->g, c->b, c->a * alpha);
}

static double
text_width (cairo_t *cr, const char *text)
{
  cairo_text_extents_t ext;

  cairo_text_extents (cr, text, &ext);
  return ext.x_advance;
}

/* @halign: 0 left, 0.5 centre, 1 right of @x; @valign: 0 top, 0.5 middle, 1 bottom of @y. */
static void
draw_text (cairo_t *cr, const char *text, double x, double y, double halign, double valign)
{
  cairo_font_extents_t fe;

  cairo_font_extents (cr, &fe);
  cairo_move_to (cr, x - halign * text_width (cr, text),
                 y + fe.ascent - valign * (fe.ascent + fe.descent));
  cairo_show_text (cr, text);
}

static double
line_height (cairo_t *cr)
{
  cairo_font_extents_t fe;

  cairo_font_extents (cr, &fe);
  return fe.ascent + fe.descent;
}

/* 1, 2 or 5 × 10^k, so that about @ticks steps cover @max. */
static double
nice_step (double max, int ticks)
{
  double raw = max / MAX (ticks, 1), mag, f;

  if (!(raw > 0) || !isfinite (raw))
    return 1;
  mag = pow (10, floor (log10 (raw)));
  f = raw / mag;
  return (f <= 1 ? 1 : f <= 2 ? 2 : f <= 5 ? 5 : 10) * mag;
}

static char *
format_count (double v)
{
  if (v >= 1e6)
    return g_strdup_printf ("%gM", v / 1e6);
  if (v >= 1e4)
    return g_strdup_printf ("%gk", v / 1e3);
  return g_strdup_printf ("%.0f", v);
}

/* A share (0–1) as a percentage, with a decimal only where the step needs it. */
static char *
format_percent (double v, double step)
{
  return g_strdup_printf (step < 0.01 ? "%.1f%%" : "%.0f%%", v * 100);
}

typedef char *(*FormatFunc) (double v, double step);

static char *
format_count_step (double v, double step)
{
  return format_count (v);
}

/* Background, font, and the "no records" message; FALSE when there is nothing to draw. */
static gboolean
chart_begin (cairo_t *cr, double w, double h, SynthStats *stats, const SynthChartPalette *pal)
{
  if (pal->background.a > 0)
    {
      set_color (cr, &pal->background, 1);
      cairo_rectangle (cr, 0, 0, w, h);
      cairo_fill (cr);
    }
  cairo_select_font_face (cr, "sans-serif", CAIRO_FONT_SLANT_NORMAL, CAIRO_FONT_WEIGHT_NORMAL);
  cairo_set_font_size (cr, CLAMP (MIN (w / 2, h) / 20, 9, 13));
  cairo_set_line_width (cr, 1);
  if (synth_stats_get_records (stats) > 0)
    return TRUE;
  set_color (cr, &pal->foreground, 0.6);
  draw_text (cr, _ ("No records yet"), w / 2, h / 2, 0.5, 0.5);
  return FALSE;
}

/* A row of legend entries, right-aligned at (@right, @top); returns its height. */
static double
draw_legend (cairo_t *cr,
             double right,
             double top,
             const LegendItem *items,
             guint n,
             const SynthChartPalette *pal)
{
  double lh = line_height (cr), sw = lh * 0.9, x = right;

  for (int i = n - 1; i >= 0; i--)
    {
      double tw = text_width (cr, items[i].label);
      x -= tw;
      set_color (cr, &pal->foreground, 1);
      draw_text (cr, items[i].label, x, top, 0, 0);
      x -= sw + lh * 0.35;
      set_color (cr, items[i].color, 1);
      if (items[i].kind == LEGEND_BOX)
        {
          cairo_rectangle (cr, x, top + (lh - sw) / 2, sw, sw);
          cairo_fill (cr);
        }
      else
        {
          double dash[] = { 4, 3 };
          cairo_save (cr);
          cairo_set_line_width (cr, 2);
          cairo_set_dash (cr, dash, 2, 0);
          cairo_move_to (cr, x - sw * 0.4, top + lh / 2);
          cairo_line_to (cr, x + sw, top + lh / 2);
          cairo_stroke (cr);
          cairo_restore (cr);
          x -= sw * 0.4;
        }
      x -= lh * 1.2;
    }
  return lh * 1.6;
}

/* The widest tick label of a value axis from 0 to @top. */
static double
axis_label_width (cairo_t *cr, double top, double step, FormatFunc format)
{
  double wmax = 0;

  for (double v = 0; v <= top + step / 2; v += step)
    {
      g_autofree char *s = format (v, step);
      wmax = MAX (wmax, text_width (cr, s));
    }
  return wmax;
}

/* Horizontal grid lines and labels of a vertical value axis (0 at the bottom). */
static void
draw_y_axis (cairo_t *cr,
             const Rect *plot,
             double top,
             double step,
             FormatFunc format,
             const SynthChartPalette *pal)
{
  for (double v = 0; v <= top + step / 2; v += step)
    {
      double y = round (plot->y + plot->h - v / top * plot->h) + 0.5;
      g_autofree char *s = format (v, step);
      set_color (cr, v == 0 ? &pal->foreground : &pal->grid, v == 0 ? 0.5 : 1);
      cairo_move_to (cr, plot->x, y);
      cairo_line_to (cr, plot->x + plot->w, y);
      cairo_stroke (cr);
      set_color (cr, &pal->foreground, 0.8);
      draw_text (cr, s, plot->x - line_height (cr) * 0.4, y, 1, 0.5);
    }
}

/* Vertical grid lines and labels of a horizontal value axis from @lo to @hi. */
static void
draw_x_axis (cairo_t *cr,
             const Rect *plot,
             double lo,
             double hi,
             double step,
             FormatFunc format,
             gboolean grid,
             const SynthChartPalette *pal)
{
  double first = ceil (lo / step - 1e-9) * step + 0.0; /* + 0.0: no "-0" label */

  for (double v = first; v <= hi + step * 1e-6; v += step)
    {
      if (fabs (v) < step * 1e-6)
        v = 0;
      double x = round (plot->x + (v - lo) / (hi - lo) * plot->w) + 0.5;
      g_autofree char *s = format (v, step);
      set_color (cr, grid ? &pal->grid : &pal->foreground, grid ? 1 : 0.5);
      cairo_move_to (cr, x, grid ? plot->y : plot->y + plot->h);
      cairo_line_to (cr, x, plot->y + plot->h + (grid ? 0 : line_height (cr) * 0.3));
      cairo_stroke (cr);
      set_color (cr, &pal->foreground, 0.8);
      draw_text (cr, s, x, plot->y + plot->h + line_height (cr) * 0.4, 0.5, 0);
    }
}

/* ---------------------------------------------------------------------- */
/* Label balance                                                           */

void
synth_chart_draw_label_balance (
    cairo_t *cr, double width, double height, SynthStats *stats, const SynthChartPalette *palette)
{
  const SynthChartPalette *pal =
      palette != NULL ? palette : synth_chart_palette_get_default (FALSE);
  double counts[2], target_ratio, total, top, step, lh, legend_h;
  const char *names[2] = { _ ("No match (0)"), _ ("Match (1)") };
  LegendItem legend[] = { { _ ("Target"), &pal->target, LEGEND_DASH } };
  Rect plot;

  g_return_if_fail (SYNTH_IS_STATS (stats));
  cairo_save (cr);
  if (!chart_begin (cr, width, height, stats, pal))
    goto out;

  counts[0] = synth_stats_get_label_count (stats, 0);
  counts[1] = synth_stats_get_label_count (stats, 1);
  total = counts[0] + counts[1];
  target_ratio = synth_stats_get_target_positive_ratio (stats);
  top = MAX (MAX (counts[0], counts[1]),
             isfinite (target_ratio) ? total * MAX (target_ratio, 1 - target_ratio) : 0);
  step = nice_step (MAX (top, 1) * 1.1, 6);
  top = ceil (MAX (top, 1) * 1.1 / step) * step;

  lh = line_height (cr);
  legend_h =
      isfinite (target_ratio) ? draw_legend (cr, width - lh, lh * 0.5, legend, 1, pal) : lh * 0.5;
  plot.x = axis_label_width (cr, top, step, format_count_step) + lh * 1.2;
  plot.y = legend_h + lh;
  plot.w = width - plot.x - lh;
  plot.h = height - plot.y - lh * 2;
  draw_y_axis (cr, &plot, top, step, format_count_step, pal);

  for (int label = 0; label <= 1; label++)
    {
      double slot = plot.w / 2, bw = MIN (slot * 0.5, lh * 12);
      double x = plot.x + slot * label + (slot - bw) / 2;
      double bh = counts[label] / top * plot.h;
      g_autofree char *value = g_strdup_printf ("%.0f (%.1f%%)", counts[label],
                                                total > 0 ? counts[label] / total * 100 : 0);

      set_color (cr, &pal->series[label == 1 ? 0 : 1], 1);
      cairo_rectangle (cr, x, plot.y + plot.h - bh, bw, bh);
      cairo_fill (cr);
      set_color (cr, &pal->foreground, 1);
      draw_text (cr, value, x + bw / 2, plot.y + plot.h - bh - lh * 0.3, 0.5, 1);
      draw_text (cr, names[label], x + bw / 2, plot.y + plot.h + lh * 0.4, 0.5, 0);
      if (isfinite (target_ratio))
        {
          double want = total * (label == 1 ? target_ratio : 1 - target_ratio);
          double y = plot.y + plot.h - want / top * plot.h, dash[] = { 4, 3 };
          cairo_save (cr);
          set_color (cr, &pal->target, 1);
          cairo_set_line_width (cr, 2);
          cairo_set_dash (cr, dash, 2, 0);
          cairo_move_to (cr, x - bw * 0.15, y);
          cairo_line_to (cr, x + bw * 1.15, y);
          cairo_stroke (cr);
          cairo_restore (cr);
        }
    }
out:
  cairo_restore (cr);
}

/* ---------------------------------------------------------------------- */
/* Bias mix                                                                */

void
synth_chart_draw_bias_mix (
    cairo_t *cr, double width, double height, SynthStats *stats, const SynthChartPalette *palette)
{
  const SynthChartPalette *pal =
      palette != NULL ? palette : synth_chart_palette_get_default (FALSE);
  gboolean has_spec = isfinite (synth_stats_get_bias_requested_fraction (stats, SYNTH_BIAS_NONE));
  LegendItem legend[] = { { _ ("Requested"), &pal->target, LEGEND_BOX },
                          { _ ("Achieved"), &pal->series[0], LEGEND_BOX } };
  double top = 0, step, lh, legend_h, label_w = 0, row;
  Rect plot;

  g_return_if_fail (SYNTH_IS_STATS (stats));
  cairo_save (cr);
  if (!chart_begin (cr, width, height, stats, pal))
    goto out;

  for (SynthBiasType t = 0; t < SYNTH_N_BIAS_TYPES; t++)
    {
      double req = synth_stats_get_bias_requested_fraction (stats, t);
      top = MAX (top, synth_stats_get_bias_achieved_fraction (stats, t));
      top = has_spec ? MAX (top, req) : top;
      label_w = MAX (label_w, text_width (cr, synth_bias_type_get_label (t)));
    }
  step = nice_step (MAX (top, 0.01) * 1.1, 5);
  top = ceil (MAX (top, 0.01) * 1.12 / step) * step;

  lh = line_height (cr);
  legend_h =
      draw_legend (cr, width - lh, lh * 0.5, has_spec ? legend : legend + 1, has_spec ? 2 : 1, pal);
  plot.x = label_w + lh;
  plot.y = legend_h + lh * 0.5;
  plot.w = width - plot.x - lh * 3.5; /* room for the value after the longest bar */
  plot.h = height - plot.y - lh * 2;
  draw_x_axis (cr, &plot, 0, top, step, format_percent, TRUE, pal);
  row = plot.h / SYNTH_N_BIAS_TYPES;

  for (SynthBiasType t = 0; t < SYNTH_N_BIAS_TYPES; t++)
    {
      double y = plot.y + row * t, bar = row * (has_spec ? 0.36 : 0.6);
      double achieved = synth_stats_get_bias_achieved_fraction (stats, t);
      double achieved_w = achieved / top * plot.w;
      g_autofree char *value = format_percent (achieved, 0.001);

      set_color (cr, &pal->foreground, 1);
      draw_text (cr, synth_bias_type_get_label (t), plot.x - lh * 0.5, y + row / 2, 1, 0.5);
      if (has_spec)
        {
          set_color (cr, &pal->target, 1);
          cairo_rectangle (cr, plot.x, y + row * 0.12,
                           synth_stats_get_bias_requested_fraction (stats, t) / top * plot.w, bar);
          cairo_fill (cr);
        }
      set_color (cr, &pal->series[0], 1);
      cairo_rectangle (cr, plot.x, y + row * (has_spec ? 0.5 : 0.2), achieved_w, bar);
      cairo_fill (cr);
      set_color (cr, &pal->foreground, 0.9);
      draw_text (cr, value, plot.x + achieved_w + lh * 0.3,
                 y + row * (has_spec ? 0.5 : 0.2) + bar / 2, 0, 0.5);
    }
  set_color (cr, &pal->foreground, 0.5);
  cairo_move_to (cr, round (plot.x) + 0.5, plot.y);
  cairo_line_to (cr, round (plot.x) + 0.5, plot.y + plot.h);
  cairo_stroke (cr);
out:
  cairo_restore (cr);
}

/* ---------------------------------------------------------------------- */
/* Histograms                                                              */

typedef struct
{
  const double *shares; /* per bin, 0–1 */
  const SynthChartColor *color;
  const char *label;
} Series;

typedef struct
{
  double lo, hi; /* x range covered by the bins */
  guint n_bins;
  double x_step; /* tick step on x */
  FormatFunc x_format;
  const char *x_title;
  const char *note; /* drawn top-left, may be NULL */
} HistogramLayout;

static void
draw_histograms (cairo_t *cr,
                 double width,
                 double height,
                 const HistogramLayout *lay,
                 const Series *series,
                 guint n_series,
                 const SynthChartPalette *pal)
{
  LegendItem legend[2];
  double top = 0, step, lh = line_height (cr), legend_h, bin_w;
  Rect plot;

  for (guint s = 0; s < n_series; s++)
    {
      for (guint i = 0; i < lay->n_bins; i++)
        top = MAX (top, series[s].shares[i]);
      legend[s] = (LegendItem){ series[s].label, series[s].color, LEGEND_BOX };
    }
  step = nice_step (MAX (top, 0.01) * 1.05, 4);
  /* Shares never pass 100 %, so neither does the axis. */
  top = MIN (ceil (MAX (top, 0.01) * 1.08 / step) * step, MAX (1.0, step));

  legend_h = draw_legend (cr, width - lh, lh * 0.5, legend, n_series, pal);
  if (lay->note != NULL)
    {
      set_color (cr, &pal->foreground, 1);
      draw_text (cr, lay->note, lh, lh * 0.5, 0, 0);
    }
  plot.x = axis_label_width (cr, top, step, format_percent) + lh * 1.2;
  plot.y = legend_h + lh * 0.5;
  plot.w = width - plot.x - lh * 1.5;
  plot.h = height - plot.y - lh * 3.4;
  draw_y_axis (cr, &plot, top, step, format_percent, pal);
  bin_w = plot.w / lay->n_bins;

  for (guint s = 0; s < n_series; s++)
    {
      /* Overlaid and translucent, each with a solid outline, so both
       * shapes stay readable where they overlap. */
      set_color (cr, series[s].color, n_series > 1 ? 0.45 : 0.9);
      for (guint i = 0; i < lay->n_bins; i++)
        {
          double bh = series[s].shares[i] / top * plot.h;
          cairo_rectangle (cr, plot.x + bin_w * i, plot.y + plot.h - bh, bin_w, bh);
        }
      cairo_fill (cr);
      set_color (cr, series[s].color, 1);
      cairo_set_line_width (cr, 2);
      cairo_move_to (cr, plot.x, plot.y + plot.h);
      for (guint i = 0; i < lay->n_bins; i++)
        {
          double y = plot.y + plot.h - series[s].shares[i] / top * plot.h;
          cairo_line_to (cr, plot.x + bin_w * i, y);
          cairo_line_to (cr, plot.x + bin_w * (i + 1), y);
        }
      cairo_line_to (cr, plot.x + plot.w, plot.y + plot.h);
      cairo_stroke (cr);
      cairo_set_line_width (cr, 1);
    }
  draw_x_axis (cr, &plot, lay->lo, lay->hi, lay->x_step, lay->x_format, FALSE, pal);
  set_color (cr, &pal->foreground, 0.8);
  draw_text (cr, lay->x_title, plot.x + plot.w / 2, height - lh * 0.4, 0.5, 1);
}

void
synth_chart_draw_length_histogram (
    cairo_t *cr, double width, double height, SynthStats *stats, const SynthChartPalette *palette)
{
  const SynthChartPalette *pal =
      palette != NULL ? palette : synth_chart_palette_get_default (FALSE);
  SynthLengthSummary rs, js;
  guint64 bin_w, lo, hi, n_bins;
  g_autofree guint64 *counts = NULL;
  g_autofree double *shares = NULL;
  Series series[2];
  HistogramLayout lay = { 0 };

  g_return_if_fail (SYNTH_IS_STATS (stats));
  cairo_save (cr);
  if (!chart_begin (cr, width, height, stats, pal))
    goto out;

  synth_stats_get_length_summary (stats, SYNTH_STATS_TEXT_RESUME, SYNTH_STATS_UNIT_WORDS, &rs);
  synth_stats_get_length_summary (stats, SYNTH_STATS_TEXT_JOB, SYNTH_STATS_UNIT_WORDS, &js);
  /* Shared bins for both texts: 1, 2, 5, 10, 20, 50… wide, at most 30 of them. */
  /* From 0, so the axis reads as absolute lengths. */
  lo = 0;
  hi = MAX (rs.max, js.max);
  bin_w = 1;
  for (guint i = 0; hi / bin_w - lo / bin_w + 1 > 30; i++)
    bin_w = (i % 3 == 1) ? bin_w / 2 * 5 : bin_w * 2;
  lo = lo / bin_w * bin_w;
  n_bins = hi / bin_w - lo / bin_w + 1;

  counts = g_new0 (guint64, n_bins);
  shares = g_new0 (double, n_bins * 2);
  for (guint t = 0; t < 2; t++)
    {
      double n = t == 0 ? rs.count : js.count;
      synth_stats_get_length_histogram (stats, t, SYNTH_STATS_UNIT_WORDS, lo, bin_w, n_bins,
                                        counts);
      for (guint i = 0; i < n_bins; i++)
        shares[t * n_bins + i] = n > 0 ? counts[i] / n : 0;
    }
  series[0] = (Series){ shares, &pal->series[0], _ ("Resumes") };
  series[1] = (Series){ shares + n_bins, &pal->series[1], _ ("Job texts") };
  lay.lo = lo;
  lay.hi = lo + n_bins * bin_w;
  lay.n_bins = n_bins;
  lay.x_step = nice_step (lay.hi - lay.lo, 6);
  lay.x_format = format_count_step;
  lay.x_title = _ ("Words (share of records per bin)");
  draw_histograms (cr, width, height, &lay, series, 2, pal);
out:
  cairo_restore (cr);
}

void
synth_chart_draw_overlap_by_label (
    cairo_t *cr, double width, double height, SynthStats *stats, const SynthChartPalette *palette)
{
  const SynthChartPalette *pal =
      palette != NULL ? palette : synth_chart_palette_get_default (FALSE);
  double shares[2][SYNTH_STATS_OVERLAP_BINS] = { { 0 } }, auc;
  guint64 counts[SYNTH_STATS_OVERLAP_BINS];
  g_autofree char *note = NULL;
  Series series[2];
  HistogramLayout lay = { 0 };

  g_return_if_fail (SYNTH_IS_STATS (stats));
  cairo_save (cr);
  if (!chart_begin (cr, width, height, stats, pal))
    goto out;

  for (int label = 0; label <= 1; label++)
    {
      double n = synth_stats_get_label_count (stats, label);
      synth_stats_get_overlap_histogram (stats, label, counts);
      for (guint i = 0; i < SYNTH_STATS_OVERLAP_BINS; i++)
        shares[label][i] = n > 0 ? counts[i] / n : 0;
    }
  auc = synth_stats_get_overlap_auc (stats);
  note = isfinite (auc) ? g_strdup_printf (_ ("ROC AUC %.3f"), auc)
                        : g_strdup (_ ("ROC AUC: needs both labels"));
  series[0] = (Series){ shares[1], &pal->series[0], _ ("Match (1)") };
  series[1] = (Series){ shares[0], &pal->series[1], _ ("No match (0)") };
  lay.lo = 0;
  lay.hi = 1;
  lay.n_bins = SYNTH_STATS_OVERLAP_BINS;
  lay.x_step = 0.2;
  lay.x_format = format_percent;
  lay.x_title = _ ("Required job skills found in the resume (share of label per bin)");
  lay.note = note;
  draw_histograms (cr, width, height, &lay, series, 2, pal);
out:
  cairo_restore (cr);
}
