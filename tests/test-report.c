/* test-report.c — the charts and the self-contained, escaped HTML report. */
#include "config.h"

#include <glib/gstdio.h>
#include <string.h>

#include "synth-charts.h"
#include "synth-error.h"
#include "synth-report.h"

#define HOSTILE "<script>alert('x')</script> & co"

/* Read by LeakSanitizer in the sanitizer build: fontconfig, behind cairo's
 * toy text API, keeps a few patterns for the life of the process. */
const char *__lsan_default_suppressions (void);
const char *
__lsan_default_suppressions (void)
{
  return "leak:libfontconfig.so\n";
}

static void
add_record (
    SynthStats *stats, int label, SynthBiasType bias, const char *domain, const char *resume)
{
  g_autoptr (SynthRecord) r = synth_record_new ();

  synth_record_set_name (r, HOSTILE);
  synth_record_set_resume_text (r, resume);
  synth_record_set_job_skill_text (r, "Required skills: Python, SQL, <script>x()</script>");
  synth_record_set_match_label (r, label);
  synth_record_set_bias_type (r, bias);
  synth_record_set_domain (r, domain);
  synth_record_set_seniority (r, "senior");
  synth_record_set_region (r, "east_asia");
  synth_stats_add_record (stats, r);
}

/* Stats whose strings come from a hostile CSV and a hostile model name. */
static SynthStats *
hostile_stats (void)
{
  SynthStats *stats = synth_stats_new ();
  g_autoptr (SynthRunSpec) spec = synth_run_spec_new ();
  g_autoptr (SynthUsage) usage = synth_usage_new ();

  g_free (spec->model);
  spec->model = g_strdup ("model-<script>&");
  synth_usage_add_failure (usage, "<script>bad</script>", 2);
  synth_stats_set_spec (stats, spec);
  synth_stats_set_usage (stats, usage);
  synth_stats_set_run_id (stats, "run-<i>&amp;");
  synth_stats_set_prompts_version (stats, "<b>v1</b>");
  for (guint i = 0; i < 40; i++)
    {
      g_autofree char *resume =
          g_strdup_printf ("Resume %u: %s %s words %*s", i, i % 2 ? "Python" : "Cooking",
                           i % 4 < 2 ? "SQL" : "baking", (int) (i * 7), "x");
      add_record (stats, i % 2, i % SYNTH_N_BIAS_TYPES, i % 5 == 0 ? HOSTILE : "software", resume);
    }
  return stats;
}

static guint
count_occurrences (const char *haystack, const char *needle)
{
  guint n = 0;

  for (const char *p = haystack; (p = strstr (p, needle)) != NULL; p += strlen (needle))
    n++;
  return n;
}

/* Every id is defined once, and every local reference points at one. */
static void
assert_ids_consistent (const char *html)
{
  g_autoptr (GHashTable) ids = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  const char *refs[] = { "href=\"#", "url(#" };

  for (const char *p = html; (p = strstr (p, " id=\"")) != NULL;)
    {
      const char *end;
      p += 5;
      end = strchr (p, '"');
      g_assert_nonnull (end);
      g_assert_true (g_hash_table_add (ids, g_strndup (p, end - p)));
    }
  g_assert_cmpuint (g_hash_table_size (ids), >, 0);
  for (guint r = 0; r < G_N_ELEMENTS (refs); r++)
    for (const char *p = html; (p = strstr (p, refs[r])) != NULL;)
      {
        g_autofree char *id = NULL;
        p += strlen (refs[r]);
        id = g_strndup (p, strcspn (p, "\")"));
        g_assert_true (g_hash_table_contains (ids, id));
      }
}

static void
assert_self_contained_and_escaped (const char *html)
{
  g_autofree char *lower = g_ascii_strdown (html, -1);

  g_assert_true (g_str_has_prefix (html, "<!DOCTYPE html>\n<html"));
  g_assert_true (g_str_has_suffix (html, "</html>\n"));
  /* Exactly the four charts, each labelled. */
  g_assert_cmpuint (count_occurrences (html, "<svg"), ==, 4);
  g_assert_cmpuint (count_occurrences (html, "</svg>"), ==, 4);
  g_assert_nonnull (strstr (html, "aria-label=\"Label balance\""));
  g_assert_nonnull (strstr (html, "aria-label=\"Bias mix: requested and achieved\""));
  g_assert_nonnull (strstr (html, "aria-label=\"Length distribution\""));
  g_assert_nonnull (strstr (html, "aria-label=\"Skill overlap by label\""));
  /* No script and nothing fetched from anywhere. */
  g_assert_null (strstr (lower, "<script"));
  g_assert_null (strstr (lower, "http://"));
  g_assert_null (strstr (lower, "https://"));
  g_assert_null (strstr (lower, "src="));
  g_assert_null (strstr (lower, "<link"));
  g_assert_null (strstr (lower, "@import"));
  g_assert_null (strstr (lower, "<image"));
  g_assert_null (strstr (lower, "<iframe"));
  g_assert_null (strstr (lower, "javascript:"));
  assert_ids_consistent (html);
}

static void
test_report_hostile (void)
{
  g_autoptr (SynthStats) stats = hostile_stats ();
  g_autofree char *html = synth_report_build_html (stats);

  assert_self_contained_and_escaped (html);
  /* The hostile strings are shown, escaped. */
  g_assert_nonnull (strstr (html, "&lt;script&gt;alert(&apos;x&apos;)&lt;/script&gt; &amp; co"));
  g_assert_nonnull (strstr (html, "model-&lt;script&gt;&amp;"));
  g_assert_nonnull (strstr (html, "&lt;script&gt;bad&lt;/script&gt;"));
  g_assert_nonnull (strstr (html, "run-&lt;i&gt;&amp;amp;"));
  g_assert_nonnull (strstr (html, "&lt;b&gt;v1&lt;/b&gt;"));
  g_assert_null (strstr (html, "<b>v1"));
  g_assert_null (strstr (html, "<i>&"));
  /* The figures are there. */
  g_assert_nonnull (strstr (html, PACKAGE_VERSION));
  g_assert_nonnull (strstr (html, ">40<"));
}

static void
test_report_empty (void)
{
  g_autoptr (SynthStats) stats = synth_stats_new ();
  g_autofree char *html = synth_report_build_html (stats);

  /* No records, no spec, no usage: still a whole page with its charts. */
  assert_self_contained_and_escaped (html);
  g_assert_nonnull (strstr (html, "Not recorded for this dataset."));
}

static void
test_report_write (void)
{
  g_autoptr (SynthStats) stats = hostile_stats ();
  g_autoptr (GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("test-report-XXXXXX", &error);
  g_autofree char *path = g_build_filename (dir, "data.report.html", NULL);
  g_autofree char *missing = g_build_filename (dir, "nope", "data.report.html", NULL);
  g_autofree char *contents = NULL;
  g_autofree char *expected = synth_report_build_html (stats);

  g_assert_no_error (error);
  /* An older file is replaced whole. */
  g_assert_true (g_file_set_contents (path, "old", -1, NULL));
  g_assert_true (synth_report_write_html (stats, path, &error));
  g_assert_no_error (error);
  g_assert_true (g_file_get_contents (path, &contents, NULL, NULL));
  /* Same statistics, same bytes (not printed: the page is large). */
  g_assert_true (g_str_equal (contents, expected));

  g_assert_false (synth_report_write_html (stats, missing, &error));
  g_assert_error (error, SYNTH_ERROR, SYNTH_ERROR_IO);
  g_assert_false (g_file_test (missing, G_FILE_TEST_EXISTS));

  g_assert_cmpint (g_remove (path), ==, 0);
  g_assert_cmpint (g_rmdir (dir), ==, 0);
}

typedef void (*ChartFunc) (cairo_t *, double, double, SynthStats *, const SynthChartPalette *);

/* Pixels of @color (± a little) in a chart drawn at @w × @h. */
static guint
count_color_pixels (ChartFunc draw,
                    SynthStats *stats,
                    gboolean dark,
                    double w,
                    double h,
                    const SynthChartColor *color)
{
  cairo_surface_t *surface = cairo_image_surface_create (CAIRO_FORMAT_RGB24, w, h);
  cairo_t *cr = cairo_create (surface);
  guint n = 0;

  draw (cr, w, h, stats, synth_chart_palette_get_default (dark));
  g_assert_cmpint (cairo_status (cr), ==, CAIRO_STATUS_SUCCESS);
  cairo_surface_flush (surface);
  for (int y = 0; y < (int) h; y++)
    {
      const guint32 *row = (const guint32 *) (cairo_image_surface_get_data (surface) +
                                              y * cairo_image_surface_get_stride (surface));
      for (int x = 0; x < (int) w; x++)
        {
          int r = (row[x] >> 16) & 0xff, g = (row[x] >> 8) & 0xff, b = row[x] & 0xff;
          if (ABS (r - color->r * 255) < 8 && ABS (g - color->g * 255) < 8 &&
              ABS (b - color->b * 255) < 8)
            n++;
        }
    }
  cairo_destroy (cr);
  cairo_surface_destroy (surface);
  return n;
}

static void
test_charts (void)
{
  g_autoptr (SynthStats) stats = hostile_stats ();
  g_autoptr (SynthStats) empty = synth_stats_new ();
  const ChartFunc charts[] = { synth_chart_draw_label_balance, synth_chart_draw_bias_mix,
                               synth_chart_draw_length_histogram,
                               synth_chart_draw_overlap_by_label };

  for (guint c = 0; c < G_N_ELEMENTS (charts); c++)
    for (int dark = 0; dark <= 1; dark++)
      {
        const SynthChartPalette *pal = synth_chart_palette_get_default (dark);
        /* The first series is drawn (solid in bars, or as histogram outlines)… */
        g_assert_cmpuint (count_color_pixels (charts[c], stats, dark, 480, 260, &pal->series[0]), >,
                          100);
        /* …and nothing of it when there is no record. */
        g_assert_cmpuint (count_color_pixels (charts[c], empty, dark, 480, 260, &pal->series[0]),
                          ==, 0);
        /* The background is filled, so the dark style really is dark. */
        g_assert_cmpuint (count_color_pixels (charts[c], empty, dark, 480, 260, &pal->background),
                          >, 480 * 200);
        /* Tiny sizes draw without cairo errors. */
        count_color_pixels (charts[c], stats, dark, 40, 20, &pal->series[0]);
      }
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/report/hostile", test_report_hostile);
  g_test_add_func ("/report/empty", test_report_empty);
  g_test_add_func ("/report/write", test_report_write);
  g_test_add_func ("/report/charts", test_charts);
  return g_test_run ();
}
