/* synth-report.c — what the statistics are written as: the JSON file and
 * the HTML quality report.
 *
 * Charts are rendered to SVG by cairo with the app's drawing code and
 * inlined. Cairo names its glyph and clip definitions "glyph0-1", "clip1"…
 * in every document, and ids are global in an HTML page, so each chart's ids
 * get their own prefix; without it the second chart would draw its text
 * with the first chart's glyphs. */
#include "config.h"

#include "synth-report.h"

#include <cairo-svg.h>
#include <glib/gi18n-lib.h>
#include <math.h>
#include <string.h>

#include "synth-charts.h"
#include "synth-error.h"
#include "synth-text.h"

#define CHART_WIDTH 720
#define CHART_HEIGHT 320

typedef void (*ChartDrawFunc) (cairo_t *, double, double, SynthStats *, const SynthChartPalette *);

static const char report_css[] =
    ":root{color-scheme:light;--fg:#242428;--muted:#5e5c64;--line:#deddda;--card:#fafafa;"
    "--accent:#3584e4}"
    "*{box-sizing:border-box}"
    "body{margin:0;background:#fff;color:var(--fg);font:15px/1.5 system-ui,-apple-system,"
    "'Cantarell','Segoe UI',sans-serif}"
    "main{max-width:980px;margin:0 auto;padding:32px 24px 48px}"
    "h1{font-size:28px;margin:0 0 4px}h2{font-size:20px;margin:36px 0 12px;"
    "border-bottom:1px solid var(--line);padding-bottom:6px}"
    "h3{font-size:16px;margin:0 0 8px}"
    ".sub{color:var(--muted);margin:0 0 8px}"
    "table{border-collapse:collapse;width:100%;margin:8px 0 4px;font-variant-numeric:tabular-nums}"
    "th,td{text-align:left;padding:6px 10px;border-bottom:1px solid var(--line);vertical-align:top}"
    "th{font-weight:600;color:var(--muted);font-size:13px;text-transform:uppercase;letter-spacing:."
    "03em}"
    "td.num,th.num{text-align:right}"
    "table.figures td:first-child{width:38%;color:var(--muted)}"
    "figure{margin:12px 0;padding:12px;border:1px solid "
    "var(--line);border-radius:12px;background:#fff}"
    "figure svg{display:block;width:100%;height:auto}"
    "figcaption{color:var(--muted);font-size:13px;margin-top:6px}"
    ".grid{display:grid;grid-template-columns:repeat(auto-fit,minmax(300px,1fr));gap:16px}"
    ".card td,.card th{padding:4px 6px}.card td.num{white-space:nowrap}"
    ".card table{font-size:14px}.card td:first-child{overflow-wrap:break-word}"
    ".card{border:1px solid var(--line);border-radius:12px;padding:12px;background:var(--card)}"
    ".note{color:var(--muted);font-size:13px}"
    "code{font-family:ui-monospace,'Source Code Pro',monospace;font-size:13px;word-break:break-all}"
    "footer{margin-top:40px;color:var(--muted);font-size:13px}";

/* ---------------------------------------------------------------------- */
/* Formatting                                                              */

static void
append_escaped (GString *html, const char *text)
{
  g_autofree char *escaped = g_markup_escape_text (text != NULL ? text : "", -1);

  g_string_append (html, escaped);
}

/* "1,234,567" */
static char *
format_int (guint64 v)
{
  g_autofree char *digits = g_strdup_printf ("%" G_GUINT64_FORMAT, v);
  GString *s = g_string_new (NULL);
  gsize len = strlen (digits);

  for (gsize i = 0; i < len; i++)
    {
      if (i > 0 && (len - i) % 3 == 0)
        g_string_append_c (s, ',');
      g_string_append_c (s, digits[i]);
    }
  return g_string_free (s, FALSE);
}

static char *
format_percent (double v)
{
  return isfinite (v) ? g_strdup_printf ("%.1f %%", v * 100) : g_strdup ("—");
}

static char *
format_number (double v, int decimals)
{
  return isfinite (v) ? g_strdup_printf ("%.*f", decimals, v) : g_strdup ("—");
}

/* A table row of a label and an already formatted value (escaped here). */
static void
append_row (GString *html, const char *label, const char *value)
{
  g_string_append (html, "<tr><td>");
  append_escaped (html, label);
  g_string_append (html, "</td><td>");
  append_escaped (html, value);
  g_string_append (html, "</td></tr>\n");
}

/* Cells: the first is text, the others right-aligned numbers. */
static void
append_cells (GString *html, const char *tag, const char *const *cells, guint n)
{
  g_string_append (html, "<tr>");
  for (guint i = 0; i < n; i++)
    {
      g_string_append_printf (html, "<%s%s>", tag, i > 0 ? " class=\"num\"" : "");
      append_escaped (html, cells[i]);
      g_string_append_printf (html, "</%s>", tag);
    }
  g_string_append (html, "</tr>\n");
}

/* ---------------------------------------------------------------------- */
/* Charts                                                                  */

static cairo_status_t
append_to_string (void *closure, const unsigned char *data, unsigned int length)
{
  g_string_append_len (closure, (const char *) data, length);
  return CAIRO_STATUS_SUCCESS;
}

static void
replace_all (GString *s, const char *find, const char *with)
{
  g_autoptr (GString) out = g_string_sized_new (s->len + s->len / 8);
  gsize n = strlen (find);
  const char *p = s->str, *hit;

  while ((hit = strstr (p, find)) != NULL)
    {
      g_string_append_len (out, p, hit - p);
      g_string_append (out, with);
      p = hit + n;
    }
  g_string_append (out, p);
  g_string_assign (s, out->str);
}

/* Cairo numbers surfaces with a process-wide counter; renumbering them in
 * order of appearance makes the same statistics give the same bytes. */
static void
renumber_surfaces (GString *svg, const char *prefix)
{
  g_autofree char *marker = g_strdup_printf ("%s-surface", prefix);
  g_autoptr (GHashTable) numbers = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr (GString) out = g_string_sized_new (svg->len);
  gsize n = strlen (marker);
  const char *p = svg->str, *hit;

  while ((hit = strstr (p, marker)) != NULL)
    {
      const char *digits = hit + n, *end = digits;
      g_autofree char *key = NULL;
      gpointer number;

      while (g_ascii_isdigit (*end))
        end++;
      key = g_strndup (digits, end - digits);
      if (!g_hash_table_lookup_extended (numbers, key, NULL, &number))
        {
          number = GUINT_TO_POINTER (g_hash_table_size (numbers) + 1);
          g_hash_table_insert (numbers, g_steal_pointer (&key), number);
        }
      g_string_append_len (out, p, digits - p);
      g_string_append_printf (out, "%u", GPOINTER_TO_UINT (number));
      p = end;
    }
  g_string_append (out, p);
  g_string_assign (svg, out->str);
}

/* The chart as an <svg> element ready to inline: no XML declaration, no
 * namespace URLs (HTML parsing supplies them), ids prefixed with @prefix. */
static char *
render_chart_svg (ChartDrawFunc draw,
                  SynthStats *stats,
                  double w,
                  double h,
                  const char *prefix,
                  const char *label)
{
  g_autoptr (GString) svg = g_string_new (NULL);
  g_autofree char *id_attr = g_strdup_printf ("id=\"%s-", prefix);
  g_autofree char *href = g_strdup_printf ("href=\"#%s-", prefix);
  g_autofree char *url = g_strdup_printf ("url(#%s-", prefix);
  g_autofree char *escaped_label = g_markup_escape_text (label, -1);
  g_autofree char *open = g_strdup_printf ("<svg role=\"img\" aria-label=\"%s\"", escaped_label);
  cairo_surface_t *surface = cairo_svg_surface_create_for_stream (append_to_string, svg, w, h);
  cairo_t *cr = cairo_create (surface);
  const char *start;

  cairo_svg_surface_restrict_to_version (surface, CAIRO_SVG_VERSION_1_1);
  cairo_svg_surface_set_document_unit (surface, CAIRO_SVG_UNIT_PX);
  draw (cr, w, h, stats, synth_chart_palette_get_default (FALSE));
  cairo_destroy (cr);
  cairo_surface_finish (surface);
  cairo_surface_destroy (surface);

  start = strstr (svg->str, "<svg");
  if (start == NULL)
    return g_strdup ("");
  g_string_erase (svg, 0, start - svg->str);
  replace_all (svg, " xmlns=\"http://www.w3.org/2000/svg\"", "");
  replace_all (svg, " xmlns:xlink=\"http://www.w3.org/1999/xlink\"", "");
  replace_all (svg, "id=\"", id_attr);
  replace_all (svg, "href=\"#", href);
  replace_all (svg, "url(#", url);
  renumber_surfaces (svg, prefix);
  /* Only the first "<svg": nested ones do not exist in cairo's output. */
  g_string_erase (svg, 0, 4);
  g_string_prepend (svg, open);
  return g_string_free (g_steal_pointer (&svg), FALSE);
}

static void
append_figure (GString *html,
               SynthStats *stats,
               ChartDrawFunc draw,
               double height,
               const char *prefix,
               const char *title,
               const char *caption)
{
  g_autofree char *svg = render_chart_svg (draw, stats, CHART_WIDTH, height, prefix, title);

  g_string_append (html, "<figure>\n");
  g_string_append (html, svg);
  g_string_append (html, "\n<figcaption>");
  append_escaped (html, caption);
  g_string_append (html, "</figcaption>\n</figure>\n");
}

/* ---------------------------------------------------------------------- */
/* Sections                                                                */

static const char *
auc_meaning (double auc)
{
  if (!isfinite (auc))
    return _ ("needs records of both labels");
  if (auc >= 0.95)
    return _ ("overlap alone almost separates the labels: the task may be too easy");
  if (auc <= 0.6 && auc >= 0.4)
    return _ ("overlap barely separates the labels: they may look like noise");
  if (auc < 0.4)
    return _ ("lower overlap predicts a match: check the labels");
  return _ ("overlap helps but does not decide the label");
}

static void
append_headline (GString *html, SynthStats *stats)
{
  guint64 records = synth_stats_get_records (stats);
  guint64 exact = synth_stats_get_exact_duplicates (stats),
          near = synth_stats_get_near_duplicates (stats);
  double auc = synth_stats_get_overlap_auc (stats);
  const SynthUsage *usage = synth_stats_get_usage (stats);
  g_autofree char *n = format_int (records);
  g_autofree char *pos = format_percent (synth_stats_get_positive_ratio (stats));
  g_autofree char *target = format_percent (synth_stats_get_target_positive_ratio (stats));
  g_autofree char *ratio = g_strdup_printf (_ ("%s (target %s)"), pos, target);
  g_autofree char *exact_n = format_int (exact);
  g_autofree char *exact_r = format_percent (records > 0 ? (double) exact / records : NAN);
  g_autofree char *exact_s = g_strdup_printf ("%s (%s)", exact_n, exact_r);
  g_autofree char *near_n = format_int (near);
  g_autofree char *near_r = format_percent (synth_stats_get_near_duplicate_rate (stats));
  g_autofree char *near_g = format_int (synth_stats_get_near_duplicates_within_groups (stats));
  g_autofree char *near_s = g_strdup_printf (
      _ ("%s (%s), of which %s are counterfactual fairness variants"), near_n, near_r, near_g);
  g_autofree char *d2 = format_number (synth_stats_get_distinct_2 (stats), 4);
  g_autofree char *names = format_percent (synth_stats_get_unique_name_ratio (stats));
  g_autofree char *auc_n = format_number (auc, 3);
  g_autofree char *auc_s = g_strdup_printf ("%s — %s", auc_n, auc_meaning (auc));

  g_string_append_printf (html, "<h2>%s</h2>\n<table class=\"figures\">\n", _ ("Headline figures"));
  append_row (html, _ ("Records"), n);
  append_row (html, _ ("Positive (match) ratio"), ratio);
  append_row (html, _ ("Exact duplicates"), exact_s);
  append_row (html, _ ("Near duplicates (Jaccard ≥ 0.8)"), near_s);
  append_row (html, _ ("Distinct word bigrams (distinct-2)"), d2);
  append_row (html, _ ("Unique names"), names);
  append_row (html, _ ("Skill-overlap ROC AUC"), auc_s);
  if (usage != NULL)
    {
      g_autofree char *fails = format_int (synth_usage_get_total_failures (usage));
      g_autofree char *req = format_int (usage->requests);
      g_autofree char *ret = format_int (usage->retries);
      g_autofree char *req_s = g_strdup_printf (_ ("%s (%s retries)"), req, ret);
      g_autofree char *tok = format_int (usage->prompt_tokens + usage->completion_tokens);
      g_autofree char *tok_p = format_int (usage->prompt_tokens);
      g_autofree char *tok_c = format_int (usage->completion_tokens);
      g_autofree char *tok_s =
          g_strdup_printf (_ ("%s (%s prompt, %s completion)"), tok, tok_p, tok_c);
      g_autofree char *cost = g_strdup_printf ("$%.4f", usage->cost);
      g_autofree char *wall = g_strdup_printf (_ ("%.1f s"), usage->wall_seconds);
      append_row (html, _ ("Validation and request failures"), fails);
      append_row (html, _ ("Requests"), req_s);
      append_row (html, _ ("Tokens"), tok_s);
      append_row (html, _ ("Cost"), cost);
      append_row (html, _ ("Wall time"), wall);
    }
  g_string_append (html, "</table>\n");
}

static void
append_bias_table (GString *html, SynthStats *stats)
{
  const char *head[] = { _ ("Bias category"), _ ("Requested"), _ ("Achieved"), _ ("Records") };

  g_string_append (html, "<table>\n");
  append_cells (html, "th", head, 4);
  for (SynthBiasType t = 0; t < SYNTH_N_BIAS_TYPES; t++)
    {
      g_autofree char *req = format_percent (synth_stats_get_bias_requested_fraction (stats, t));
      g_autofree char *ach = format_percent (synth_stats_get_bias_achieved_fraction (stats, t));
      g_autofree char *count = format_int (synth_stats_get_bias_count (stats, t));
      const char *cells[] = { synth_bias_type_get_label (t), req, ach, count };
      append_cells (html, "td", cells, 4);
    }
  g_string_append (html, "</table>\n");
}

static void
append_length_table (GString *html, SynthStats *stats)
{
  const char *head[] = { _ ("Text"), _ ("Min"), _ ("Median"), _ ("Mean"), _ ("Max") };

  g_string_append (html, "<table>\n");
  append_cells (html, "th", head, 5);
  for (SynthStatsText t = SYNTH_STATS_TEXT_RESUME; t <= SYNTH_STATS_TEXT_JOB; t++)
    for (SynthStatsUnit u = SYNTH_STATS_UNIT_CHARS; u <= SYNTH_STATS_UNIT_WORDS; u++)
      {
        SynthLengthSummary s;
        gboolean any = synth_stats_get_length_summary (stats, t, u, &s);
        const char *name =
            t == SYNTH_STATS_TEXT_RESUME
                ? (u == SYNTH_STATS_UNIT_CHARS ? _ ("Resume, characters") : _ ("Resume, words"))
                : (u == SYNTH_STATS_UNIT_CHARS ? _ ("Job, characters") : _ ("Job, words"));
        g_autofree char *min = any ? format_int (s.min) : g_strdup ("—");
        g_autofree char *med = format_number (any ? s.median : NAN, 1);
        g_autofree char *mean = format_number (any ? s.mean : NAN, 1);
        g_autofree char *max = any ? format_int (s.max) : g_strdup ("—");
        const char *cells[] = { name, min, med, mean, max };
        append_cells (html, "td", cells, 5);
      }
  g_string_append (html, "</table>\n");
}

static void
append_overlap_table (GString *html, SynthStats *stats)
{
  const char *head[] = { _ ("Label"), _ ("Records"), _ ("Mean overlap"), _ ("Median overlap") };

  g_string_append (html, "<table>\n");
  append_cells (html, "th", head, 4);
  for (int label = 1; label >= 0; label--)
    {
      g_autofree char *n = format_int (synth_stats_get_label_count (stats, label));
      g_autofree char *mean = format_percent (synth_stats_get_overlap_mean (stats, label));
      g_autofree char *med = format_percent (synth_stats_get_overlap_median (stats, label));
      const char *cells[] = { label == 1 ? _ ("Match (1)") : _ ("No match (0)"), n, mean, med };
      append_cells (html, "td", cells, 4);
    }
  g_string_append (html, "</table>\n");
}

static void
append_attribute_cards (GString *html, SynthStats *stats)
{
  const struct
  {
    SynthStatsAttribute attr;
    const char *title;
  } cards[] = {
    { SYNTH_STATS_ATTR_DOMAIN, _ ("Domains") },
    { SYNTH_STATS_ATTR_SENIORITY, _ ("Seniority") },
    { SYNTH_STATS_ATTR_REGION, _ ("Name regions") },
    { SYNTH_STATS_ATTR_LENGTH_CLASS, _ ("Length class") },
    { SYNTH_STATS_ATTR_SPLIT, _ ("Split") },
  };
  double total = synth_stats_get_records (stats);

  g_string_append (html, "<div class=\"grid\">\n");
  for (guint c = 0; c < G_N_ELEMENTS (cards); c++)
    {
      g_auto (GStrv) ids = synth_stats_dup_attribute_ids (stats, cards[c].attr);
      const char *head[] = { _ ("Id"), _ ("Records"), _ ("Share") };

      g_string_append (html, "<div class=\"card\"><h3>");
      append_escaped (html, cards[c].title);
      g_string_append (html, "</h3>\n<table>\n");
      append_cells (html, "th", head, 3);
      for (guint i = 0; ids[i] != NULL; i++)
        {
          guint64 count = synth_stats_get_attribute_count (stats, cards[c].attr, ids[i]);
          g_autofree char *n = format_int (count);
          g_autofree char *share = format_percent (total > 0 ? count / total : NAN);
          const char *cells[] = { ids[i], n, share };
          append_cells (html, "td", cells, 3);
        }
      g_string_append (html, "</table></div>\n");
    }
  g_string_append (html, "</div>\n");
}

static int
compare_strings (gconstpointer a, gconstpointer b)
{
  return g_strcmp0 (*(const char *const *) a, *(const char *const *) b);
}

static void
append_failures (GString *html, SynthStats *stats)
{
  const SynthUsage *usage = synth_stats_get_usage (stats);
  g_autoptr (GPtrArray) reasons = g_ptr_array_new ();
  const char *head[] = { _ ("Reason"), _ ("Count") };

  if (usage != NULL && usage->failures != NULL)
    {
      GHashTableIter iter;
      gpointer key;
      g_hash_table_iter_init (&iter, usage->failures);
      while (g_hash_table_iter_next (&iter, &key, NULL))
        g_ptr_array_add (reasons, key);
      g_ptr_array_sort (reasons, compare_strings);
    }
  g_string_append_printf (html, "<h2>%s</h2>\n", _ ("Validation and request failures"));
  if (reasons->len == 0)
    {
      g_string_append_printf (html, "<p class=\"note\">%s</p>\n",
                              usage != NULL ? _ ("None.") : _ ("Not recorded for this dataset."));
      return;
    }
  g_string_append (html, "<table>\n");
  append_cells (html, "th", head, 2);
  for (guint i = 0; i < reasons->len; i++)
    {
      g_autofree char *n = format_int (synth_usage_get_failure (usage, reasons->pdata[i]));
      const char *cells[] = { reasons->pdata[i], n };
      append_cells (html, "td", cells, 2);
    }
  g_string_append (html, "</table>\n");
}

static void
append_provenance (GString *html,
                   SynthStats *stats,
                   const char *run_id,
                   const char *prompts_version)
{
  const SynthRunSpec *spec = synth_stats_get_spec (stats);

  g_string_append_printf (html, "<h2>%s</h2>\n<table class=\"figures\">\n", _ ("Provenance"));
  append_row (html, _ ("App version"), PACKAGE_VERSION);
  if (run_id != NULL)
    append_row (html, _ ("Run id"), run_id);
  if (spec != NULL)
    {
      g_autofree char *seed = g_strdup_printf ("%" G_GUINT64_FORMAT, spec->seed);
      g_autofree char *mix =
          spec->bias_mix != NULL ? synth_bias_mix_to_string (spec->bias_mix) : NULL;
      g_autofree char *ratio = format_percent (spec->positive_ratio);
      g_autofree char *records = format_int (spec->records);
      g_auto (GStrv) models = synth_run_spec_dup_models_used (spec);
      /* A run resumed with another model names every model that wrote it. */
      g_autofree char *model_list = g_strjoinv (", ", models);
      append_row (html, _ ("Provider"), spec->provider);
      append_row (html, models[0] != NULL && models[1] != NULL ? _ ("Models") : _ ("Model"),
                  spec->model != NULL ? model_list : _ ("none (offline)"));
      append_row (html, _ ("Seed"), seed);
      append_row (html, _ ("Records requested"), records);
      append_row (html, _ ("Target positive ratio"), ratio);
      append_row (html, _ ("Bias mix"), mix);
    }
  else
    append_row (html, _ ("Run"), _ ("unknown: statistics of an imported file"));
  if (prompts_version != NULL)
    append_row (html, _ ("Prompts version"), prompts_version);
  g_string_append (html, "</table>\n");
}

char *
synth_report_build_html (SynthStats *stats)
{
  GString *html;
  const char *run_id, *prompts_version;

  g_return_val_if_fail (SYNTH_IS_STATS (stats), NULL);

  html = g_string_sized_new (256 * 1024);
  run_id = synth_stats_get_run_id (stats);
  prompts_version = synth_stats_get_prompts_version (stats);

  /* Translators: the language code of this translation, for the report's <html lang>. */
  g_string_append_printf (
      html, "<!DOCTYPE html>\n<html lang=\"%s\">\n<head>\n<meta charset=\"utf-8\">\n", _ ("en"));
  g_string_append (html,
                   "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n");
  g_string_append (html, "<title>");
  append_escaped (html, _ ("Resume Synth — dataset quality report"));
  g_string_append_printf (html, "</title>\n<style>%s</style>\n</head>\n<body>\n<main>\n",
                          report_css);
  g_string_append_printf (html, "<h1>%s</h1>\n<p class=\"sub\">", _ ("Dataset quality report"));
  if (run_id != NULL)
    {
      g_string_append_printf (html, "%s <code>", _ ("Run"));
      append_escaped (html, run_id);
      g_string_append (html, "</code> · ");
    }
  g_string_append_printf (html, _ ("Resume Synth %s"), PACKAGE_VERSION);
  g_string_append (html, "</p>\n");

  append_headline (html, stats);

  g_string_append_printf (html, "<h2>%s</h2>\n", _ ("Label balance"));
  append_figure (html, stats, synth_chart_draw_label_balance, CHART_HEIGHT, "labels",
                 _ ("Label balance"),
                 _ ("Records per label; the dashed line is the count the target ratio asks for."));

  g_string_append_printf (html, "<h2>%s</h2>\n", _ ("Bias mix: requested and achieved"));
  append_figure (html, stats, synth_chart_draw_bias_mix, CHART_HEIGHT + 60, "bias",
                 _ ("Bias mix: requested and achieved"),
                 _ ("Share of records in each bias category."));
  append_bias_table (html, stats);

  g_string_append_printf (html, "<h2>%s</h2>\n", _ ("Lengths"));
  append_figure (html, stats, synth_chart_draw_length_histogram, CHART_HEIGHT, "lengths",
                 _ ("Length distribution"), _ ("Word counts of resumes and job texts."));
  append_length_table (html, stats);

  g_string_append_printf (html, "<h2>%s</h2>\n", _ ("Skill overlap by label"));
  append_figure (
      html, stats, synth_chart_draw_overlap_by_label, CHART_HEIGHT, "overlap",
      _ ("Skill overlap by label"),
      _ ("Share of the job's required skills that the resume names, per label. The ROC AUC "
         "says how well this overlap alone separates the labels: near 0.5 the labels look "
         "like noise, near 1.0 the task is trivial."));
  append_overlap_table (html, stats);

  g_string_append_printf (html, "<h2>%s</h2>\n", _ ("Distributions"));
  append_attribute_cards (html, stats);
  append_failures (html, stats);
  append_provenance (html, stats, run_id, prompts_version);

  g_string_append_printf (
      html, "<footer>%s</footer>\n</main>\n</body>\n</html>\n",
      _ ("Generated by Resume Synth. The statistics are also in the .stats.json file "
         "beside this report."));
  return g_string_free (html, FALSE);
}

gboolean
synth_report_write_html (SynthStats *stats, const char *path, GError **error)
{
  g_autofree char *html = NULL;
  g_autoptr (GError) local_error = NULL;

  g_return_val_if_fail (SYNTH_IS_STATS (stats), FALSE);
  g_return_val_if_fail (path != NULL, FALSE);

  html = synth_report_build_html (stats);
  /* A temporary file renamed over @path: never a half-written report. */
  if (!g_file_set_contents_full (path, html, -1, G_FILE_SET_CONTENTS_CONSISTENT, 0644,
                                 &local_error))
    {
      g_set_error (
          error, SYNTH_ERROR, SYNTH_ERROR_IO,
          _ ("Could not write the report to “%s”: %s. Check that the folder exists and that "
             "you can write to it."),
          path, local_error->message);
      return FALSE;
    }
  return TRUE;
}

/* ---------------------------------------------------------------------- */
/* The statistics as JSON (declared in synth-stats.h)                     */

static void
add_double_or_null (JsonBuilder *b, const char *member, double value)
{
  json_builder_set_member_name (b, member);
  if (isfinite (value))
    json_builder_add_double_value (b, value);
  else
    json_builder_add_null_value (b);
}

static void
add_int (JsonBuilder *b, const char *member, guint64 value)
{
  json_builder_set_member_name (b, member);
  json_builder_add_int_value (b, (gint64) MIN (value, (guint64) G_MAXINT64));
}

static void
add_string_or_null (JsonBuilder *b, const char *member, const char *value)
{
  json_builder_set_member_name (b, member);
  if (value != NULL)
    json_builder_add_string_value (b, value);
  else
    json_builder_add_null_value (b);
}

static void
add_histogram (JsonBuilder *b, guint start, guint width, guint n_bins, const guint64 *counts)
{
  json_builder_set_member_name (b, "histogram");
  json_builder_begin_array (b);
  for (guint i = 0; i < n_bins; i++)
    {
      json_builder_begin_object (b);
      add_int (b, "from", start + (guint64) i * width);
      add_int (b, "to", start + (guint64) (i + 1) * width);
      add_int (b, "count", counts[i]);
      json_builder_end_object (b);
    }
  json_builder_end_array (b);
}

static void
add_length (SynthStats *self, JsonBuilder *b, SynthStatsText text, SynthStatsUnit unit)
{
  SynthLengthSummary s;
  guint start = 0, width = 1, n_bins = 0;
  g_autofree guint64 *counts = NULL;
  gboolean any = synth_stats_get_length_summary (self, text, unit, &s);

  json_builder_set_member_name (b, unit == SYNTH_STATS_UNIT_CHARS ? "chars" : "words");
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "min");
  any ? json_builder_add_int_value (b, s.min) : json_builder_add_null_value (b);
  add_double_or_null (b, "median", any ? s.median : NAN);
  add_double_or_null (b, "mean", any ? s.mean : NAN);
  json_builder_set_member_name (b, "max");
  any ? json_builder_add_int_value (b, s.max) : json_builder_add_null_value (b);
  if (any)
    synth_stats_get_length_bins (self, text, unit, 20, &start, &width, &n_bins);
  counts = g_new0 (guint64, MAX (n_bins, 1));
  synth_stats_get_length_histogram (self, text, unit, start, width, n_bins, counts);
  add_histogram (b, start, width, n_bins, counts);
  json_builder_end_object (b);
}

static void
add_lengths (SynthStats *self, JsonBuilder *b)
{
  json_builder_set_member_name (b, "length");
  json_builder_begin_object (b);
  for (SynthStatsText t = SYNTH_STATS_TEXT_RESUME; t <= SYNTH_STATS_TEXT_JOB; t++)
    {
      json_builder_set_member_name (b, t == SYNTH_STATS_TEXT_RESUME ? "resume" : "job");
      json_builder_begin_object (b);
      add_length (self, b, t, SYNTH_STATS_UNIT_CHARS);
      add_length (self, b, t, SYNTH_STATS_UNIT_WORDS);
      json_builder_end_object (b);
    }
  json_builder_end_object (b);
}

static void
add_labels_and_bias (SynthStats *self, JsonBuilder *b)
{
  json_builder_set_member_name (b, "label_counts");
  json_builder_begin_object (b);
  add_int (b, "0", synth_stats_get_label_count (self, 0));
  add_int (b, "1", synth_stats_get_label_count (self, 1));
  json_builder_end_object (b);

  json_builder_set_member_name (b, "label_balance");
  json_builder_begin_object (b);
  add_double_or_null (b, "positive_ratio", synth_stats_get_positive_ratio (self));
  add_double_or_null (b, "target_positive_ratio", synth_stats_get_target_positive_ratio (self));
  json_builder_end_object (b);

  json_builder_set_member_name (b, "bias_counts");
  json_builder_begin_object (b);
  for (SynthBiasType t = 0; t < SYNTH_N_BIAS_TYPES; t++)
    add_int (b, synth_bias_type_to_id (t), synth_stats_get_bias_count (self, t));
  json_builder_end_object (b);

  json_builder_set_member_name (b, "bias_mix");
  json_builder_begin_object (b);
  for (SynthBiasType t = 0; t < SYNTH_N_BIAS_TYPES; t++)
    {
      json_builder_set_member_name (b, synth_bias_type_to_id (t));
      json_builder_begin_object (b);
      add_int (b, "count", synth_stats_get_bias_count (self, t));
      add_double_or_null (b, "achieved_fraction", synth_stats_get_bias_achieved_fraction (self, t));
      add_double_or_null (b, "requested_fraction",
                          synth_stats_get_bias_requested_fraction (self, t));
      json_builder_end_object (b);
    }
  json_builder_end_object (b);
}

static void
add_attributes (SynthStats *self, JsonBuilder *b)
{
  for (SynthStatsAttribute a = 0; a < SYNTH_STATS_N_ATTRS; a++)
    {
      g_auto (GStrv) ids = synth_stats_dup_attribute_ids (self, a);
      json_builder_set_member_name (b, synth_stats_attribute_to_key (a));
      json_builder_begin_object (b);
      for (guint i = 0; ids[i] != NULL; i++)
        add_int (b, ids[i], synth_stats_get_attribute_count (self, a, ids[i]));
      json_builder_end_object (b);
    }
}

static void
add_duplicates (SynthStats *self, JsonBuilder *b)
{
  double n = synth_stats_get_records (self);
  guint64 exact = synth_stats_get_exact_duplicates (self),
          near = synth_stats_get_near_duplicates (self);
  guint64 within = synth_stats_get_near_duplicates_within_groups (self);

  json_builder_set_member_name (b, "duplicates");
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "exact");
  json_builder_begin_object (b);
  add_int (b, "count", exact);
  add_double_or_null (b, "rate", n > 0 ? exact / n : NAN);
  json_builder_end_object (b);
  json_builder_set_member_name (b, "near");
  json_builder_begin_object (b);
  add_int (b, "count", near);
  add_double_or_null (b, "rate", synth_stats_get_near_duplicate_rate (self));
  add_int (b, "within_groups", within);
  add_int (b, "other", near - within);
  add_int (b, "checked_records", synth_stats_get_near_checked (self));
  add_double_or_null (b, "jaccard_threshold", SYNTH_STATS_NEAR_THRESHOLD);
  add_int (b, "shingle_words", SYNTH_STATS_SHINGLE_WORDS);
  add_int (b, "minhash_permutations", SYNTH_TEXT_MINHASH_K);
  json_builder_end_object (b);
  json_builder_end_object (b);
}

static void
add_diversity (SynthStats *self, JsonBuilder *b)
{
  guint64 distinct, total;

  synth_stats_get_bigram_counts (self, &distinct, &total);
  add_double_or_null (b, "distinct_2", synth_stats_get_distinct_2 (self));
  json_builder_set_member_name (b, "distinct_2_detail");
  json_builder_begin_object (b);
  add_int (b, "distinct_bigrams", distinct);
  add_int (b, "total_bigrams", total);
  json_builder_set_member_name (b, "estimated");
  json_builder_add_boolean_value (b, synth_stats_get_distinct_2_is_estimate (self));
  json_builder_end_object (b);
  add_double_or_null (b, "unique_name_ratio", synth_stats_get_unique_name_ratio (self));
}

static void
add_overlap (SynthStats *self, JsonBuilder *b)
{
  add_double_or_null (b, "overlap_auc", synth_stats_get_overlap_auc (self));
  json_builder_set_member_name (b, "overlap_by_label");
  json_builder_begin_object (b);
  for (int label = 0; label <= 1; label++)
    {
      guint64 hist[SYNTH_STATS_OVERLAP_BINS];

      json_builder_set_member_name (b, label == 0 ? "0" : "1");
      json_builder_begin_object (b);
      add_int (b, "count", synth_stats_get_label_count (self, label));
      add_double_or_null (b, "mean", synth_stats_get_overlap_mean (self, label));
      add_double_or_null (b, "median", synth_stats_get_overlap_median (self, label));
      /* Tenths, as fractions of the job's required skills. */
      json_builder_set_member_name (b, "histogram");
      json_builder_begin_array (b);
      synth_stats_get_overlap_histogram (self, label, hist);
      for (guint i = 0; i < SYNTH_STATS_OVERLAP_BINS; i++)
        {
          json_builder_begin_object (b);
          add_double_or_null (b, "from", i / (double) SYNTH_STATS_OVERLAP_BINS);
          add_double_or_null (b, "to", (i + 1) / (double) SYNTH_STATS_OVERLAP_BINS);
          add_int (b, "count", hist[i]);
          json_builder_end_object (b);
        }
      json_builder_end_array (b);
      json_builder_end_object (b);
    }
  json_builder_end_object (b);
}

/* Records the validator refused, by reason: the failures that concern one
 * record, not a whole request (those are in "failures" too). */
static void
add_rejections (JsonBuilder *b, const SynthUsage *u)
{
  static const char *const reasons[] = { "missing_field", "wrong_type",
                                         "unknown_slot",  "duplicate_slot",
                                         "wrong_label",   "wrong_bias",
                                         "empty_text",    "too_short",
                                         "too_long",      "invalid_text",
                                         "missing_slot",  "malformed_json",
                                         "truncated",     NULL };

  json_builder_set_member_name (b, "rejections");
  json_builder_begin_object (b);
  for (guint i = 0; reasons[i] != NULL; i++)
    if (synth_usage_get_failure (u, reasons[i]) > 0)
      add_int (b, reasons[i], synth_usage_get_failure (u, reasons[i]));
  json_builder_end_object (b);
}

static void
add_usage (SynthStats *self, JsonBuilder *b)
{
  const SynthUsage *u = synth_stats_get_usage (self);
  g_autoptr (GPtrArray) reasons = g_ptr_array_new ();

  json_builder_set_member_name (b, "failures");
  json_builder_begin_object (b);
  if (u != NULL && u->failures != NULL)
    {
      GHashTableIter iter;
      gpointer key;
      g_hash_table_iter_init (&iter, u->failures);
      while (g_hash_table_iter_next (&iter, &key, NULL))
        g_ptr_array_add (reasons, key);
      g_ptr_array_sort (reasons, compare_strings);
      for (guint i = 0; i < reasons->len; i++)
        add_int (b, reasons->pdata[i], synth_usage_get_failure (u, reasons->pdata[i]));
    }
  json_builder_end_object (b);

  json_builder_set_member_name (b, "usage");
  if (u == NULL)
    {
      json_builder_add_null_value (b);
      return;
    }
  json_builder_begin_object (b);
  add_int (b, "requests", u->requests);
  add_int (b, "retries", u->retries);
  add_int (b, "prompt_tokens", u->prompt_tokens);
  add_int (b, "completion_tokens", u->completion_tokens);
  add_int (b, "total_tokens", u->prompt_tokens + u->completion_tokens);
  add_double_or_null (b, "cost", u->cost);
  add_double_or_null (b, "wall_seconds", u->wall_seconds);
  add_int (b, "failures", synth_usage_get_total_failures (u));
  json_builder_end_object (b);

  /* The headline figures issue 3 asks for, at the top level. */
  add_double_or_null (b, "cost_usd", u->cost);
  add_int (b, "retries", u->retries);
  add_rejections (b, u);
}

static void
add_provenance (SynthStats *self, JsonBuilder *b)
{
  const SynthRunSpec *spec = synth_stats_get_spec (self);
  g_autofree char *seed = spec != NULL ? g_strdup_printf ("%" G_GUINT64_FORMAT, spec->seed) : NULL;
  g_autofree char *mix =
      (spec != NULL && spec->bias_mix != NULL) ? synth_bias_mix_to_string (spec->bias_mix) : NULL;

  json_builder_set_member_name (b, "provenance");
  json_builder_begin_object (b);
  add_string_or_null (b, "app_version", PACKAGE_VERSION);
  add_string_or_null (b, "run_id", synth_stats_get_run_id (self));
  /* A string: a 64-bit seed does not survive a JSON double. */
  add_string_or_null (b, "seed", seed);
  add_string_or_null (b, "provider", spec != NULL ? spec->provider : NULL);
  add_string_or_null (b, "model", spec != NULL ? spec->model : NULL);
  json_builder_set_member_name (b, "models_used");
  json_builder_begin_array (b);
  if (spec != NULL)
    {
      g_auto (GStrv) models = synth_run_spec_dup_models_used (spec);
      for (guint i = 0; models[i] != NULL; i++)
        json_builder_add_string_value (b, models[i]);
    }
  json_builder_end_array (b);
  add_string_or_null (b, "prompts_version", synth_stats_get_prompts_version (self));
  add_string_or_null (b, "bias_mix", mix);
  add_double_or_null (b, "positive_ratio", spec != NULL ? spec->positive_ratio : NAN);
  json_builder_set_member_name (b, "records_requested");
  spec != NULL ? json_builder_add_int_value (b, spec->records) : json_builder_add_null_value (b);
  json_builder_set_member_name (b, "spec");
  if (spec != NULL)
    {
      g_autofree char *text = synth_run_spec_to_json (spec);
      JsonNode *node = json_from_string (text, NULL);
      node != NULL ? json_builder_add_value (b, node) : json_builder_add_null_value (b);
    }
  else
    json_builder_add_null_value (b);
  json_builder_end_object (b);
}

JsonNode *
synth_stats_to_json (SynthStats *self)
{
  g_autoptr (JsonBuilder) b = json_builder_new ();

  g_return_val_if_fail (SYNTH_IS_STATS (self), NULL);

  json_builder_begin_object (b);
  add_int (b, "records", synth_stats_get_records (self));
  add_labels_and_bias (self, b);
  add_attributes (self, b);
  add_lengths (self, b);
  add_duplicates (self, b);
  add_diversity (self, b);
  add_overlap (self, b);
  add_usage (self, b);
  add_provenance (self, b);
  json_builder_end_object (b);
  return json_builder_get_root (b);
}

gboolean
synth_stats_write_json (SynthStats *self, const char *path, GError **error)
{
  g_autoptr (JsonNode) root = NULL;
  g_autoptr (JsonGenerator) gen = json_generator_new ();
  g_autofree char *data = NULL;
  g_autoptr (GError) local_error = NULL;
  gsize len;

  g_return_val_if_fail (SYNTH_IS_STATS (self), FALSE);
  g_return_val_if_fail (path != NULL, FALSE);

  root = synth_stats_to_json (self);
  json_generator_set_root (gen, root);
  json_generator_set_pretty (gen, TRUE);
  json_generator_set_indent (gen, 2);
  data = json_generator_to_data (gen, &len);
  /* g_file_set_contents_full writes a temporary file and renames it, so a
   * reader never sees half a file and an old file survives a failure. */
  if (!g_file_set_contents_full (path, data, len, G_FILE_SET_CONTENTS_CONSISTENT, 0644,
                                 &local_error))
    {
      g_set_error (error, SYNTH_ERROR, SYNTH_ERROR_IO,
                   _ ("Could not write the statistics to “%s”: %s. Check that the folder exists "
                      "and that you can write to it."),
                   path, local_error->message);
      return FALSE;
    }
  return TRUE;
}
