/* synth-stats-page.c — headline figures and the four report charts, redrawn
 * on a short timer while records arrive. */
#include "config.h"

#include <adwaita.h>
#include <glib/gi18n.h>
#include <math.h>

#include "synth-charts.h"
#include "synth-format.h"
#include "synth-stats-page.h"

/* Live redraws at most this often: enough to watch, cheap for the CPU. */
#define UPDATE_INTERVAL_MS 400

typedef void (*ChartFunc) (cairo_t *, double, double, SynthStats *, const SynthChartPalette *);

struct _SynthStatsPage
{
  GtkWidget parent_instance;

  GtkStack *stack;
  GtkLabel *records_value;
  GtkLabel *positive_value;
  GtkLabel *exact_value;
  GtkLabel *near_value;
  GtkLabel *distinct_value;
  GtkLabel *names_value;
  GtkLabel *auc_value;
  GtkLabel *failures_value;
  GtkLabel *tokens_value;
  GtkLabel *cost_value;
  GtkLabel *failures_label;
  GtkDrawingArea *label_area;
  GtkDrawingArea *mix_area;
  GtkDrawingArea *length_area;
  GtkDrawingArea *overlap_area;

  SynthStats *stats;
  guint update_source;
};

G_DEFINE_FINAL_TYPE (SynthStatsPage, synth_stats_page, GTK_TYPE_WIDGET)

static void
draw_chart (GtkDrawingArea *area, cairo_t *cr, int width, int height, gpointer user_data)
{
  SynthStatsPage *self = g_object_get_data (G_OBJECT (area), "synth-stats-page");
  ChartFunc func = user_data;
  gboolean dark = adw_style_manager_get_dark (adw_style_manager_get_default ());
  SynthChartPalette palette = *synth_chart_palette_get_default (dark);

  if (self->stats == NULL)
    return;
  /* The card behind the chart already has the right background. */
  palette.background.a = 0;
  func (cr, width, height, self->stats, &palette);
}

static void
set_figure (GtkLabel *label, char *text)
{
  gtk_label_set_text (label, text);
  g_free (text);
}

static void
update_failures (SynthStatsPage *self, const SynthUsage *usage)
{
  g_autoptr (GString) s = g_string_new (NULL);
  g_autoptr (GList) reasons = NULL;

  if (usage != NULL && usage->failures != NULL)
    reasons = g_list_sort (g_hash_table_get_keys (usage->failures), (GCompareFunc) g_strcmp0);
  for (GList *l = reasons; l != NULL; l = l->next)
    {
      guint64 n = synth_usage_get_failure (usage, l->data);
      g_autofree char *count = synth_format_count (n);

      g_string_append_printf (s, "%s%s: %s", s->len ? " · " : "", (const char *) l->data, count);
    }
  if (s->len == 0)
    gtk_label_set_text (self->failures_label,
                        _ ("No record failed validation and no request failed."));
  else
    {
      /* Translators: followed by a list such as "wrong_label: 3 · timeout: 1". */
      g_autofree char *text = g_strdup_printf (_ ("Failures by reason: %s"), s->str);
      gtk_label_set_text (self->failures_label, text);
    }
}

void
synth_stats_page_update (SynthStatsPage *self)
{
  SynthStats *stats = self->stats;
  const SynthUsage *usage;
  guint64 records;
  double target;

  g_return_if_fail (SYNTH_IS_STATS_PAGE (self));

  g_clear_handle_id (&self->update_source, g_source_remove);
  records = stats != NULL ? synth_stats_get_records (stats) : 0;
  gtk_stack_set_visible_child_name (self->stack, records > 0 ? "stats" : "empty");
  if (records == 0)
    return;

  usage = synth_stats_get_usage (stats);
  target = synth_stats_get_target_positive_ratio (stats);
  set_figure (self->records_value, synth_format_count (records));
  set_figure (self->positive_value, synth_format_percent (synth_stats_get_positive_ratio (stats)));
  if (isnan (target))
    gtk_widget_set_tooltip_text (GTK_WIDGET (self->positive_value), NULL);
  else
    {
      g_autofree char *wanted = synth_format_percent (target);
      /* Translators: tooltip of the share of matching pairs, e.g. "Target: 50.0 %" */
      g_autofree char *tip = g_strdup_printf (_ ("Target: %s"), wanted);
      gtk_widget_set_tooltip_text (GTK_WIDGET (self->positive_value), tip);
    }
  set_figure (self->exact_value, synth_format_count (synth_stats_get_exact_duplicates (stats)));
  {
    guint64 in_groups = synth_stats_get_near_duplicates_within_groups (stats);
    g_autofree char *variants = synth_format_count (in_groups);
    /* Translators: tooltip of the near-duplicate count */
    g_autofree char *tip = g_strdup_printf (
        _ ("%s of them are counterfactual fairness variants: the same record under another name, "
           "as intended."),
        variants);

    set_figure (self->near_value, synth_format_count (synth_stats_get_near_duplicates (stats)));
    gtk_widget_set_tooltip_text (GTK_WIDGET (self->near_value), in_groups > 0 ? tip : NULL);
  }
  set_figure (self->distinct_value, synth_format_ratio (synth_stats_get_distinct_2 (stats)));
  set_figure (self->names_value, synth_format_percent (synth_stats_get_unique_name_ratio (stats)));
  set_figure (self->auc_value, synth_format_ratio (synth_stats_get_overlap_auc (stats)));
  set_figure (self->failures_value,
              synth_format_count (usage != NULL ? synth_usage_get_total_failures (usage) : 0));
  set_figure (
      self->tokens_value,
      synth_format_count (usage != NULL ? usage->prompt_tokens + usage->completion_tokens : 0));
  set_figure (self->cost_value, synth_format_cost (usage != NULL ? usage->cost : 0));
  update_failures (self, usage);

  gtk_widget_queue_draw (GTK_WIDGET (self->label_area));
  gtk_widget_queue_draw (GTK_WIDGET (self->mix_area));
  gtk_widget_queue_draw (GTK_WIDGET (self->length_area));
  gtk_widget_queue_draw (GTK_WIDGET (self->overlap_area));
}

static gboolean
update_timeout (gpointer user_data)
{
  SynthStatsPage *self = user_data;

  self->update_source = 0;
  synth_stats_page_update (self);
  return G_SOURCE_REMOVE;
}

void
synth_stats_page_queue_update (SynthStatsPage *self)
{
  g_return_if_fail (SYNTH_IS_STATS_PAGE (self));

  /* Hidden pages catch up when they are shown (see map). */
  if (self->update_source != 0 || !gtk_widget_get_mapped (GTK_WIDGET (self)))
    return;
  self->update_source = g_timeout_add (UPDATE_INTERVAL_MS, update_timeout, self);
}

void
synth_stats_page_set_stats (SynthStatsPage *self, SynthStats *stats)
{
  g_return_if_fail (SYNTH_IS_STATS_PAGE (self));

  g_set_object (&self->stats, stats);
  synth_stats_page_update (self);
}

SynthStats *
synth_stats_page_get_stats (SynthStatsPage *self)
{
  g_return_val_if_fail (SYNTH_IS_STATS_PAGE (self), NULL);
  return self->stats;
}

const char *
synth_stats_page_get_figure (SynthStatsPage *self, const char *id)
{
  g_autofree char *name = g_strdup_printf ("%s_value", id);
  GObject *label = gtk_widget_get_template_child (GTK_WIDGET (self), SYNTH_TYPE_STATS_PAGE, name);

  return GTK_IS_LABEL (label) ? gtk_label_get_text (GTK_LABEL (label)) : NULL;
}

static void
synth_stats_page_map (GtkWidget *widget)
{
  GTK_WIDGET_CLASS (synth_stats_page_parent_class)->map (widget);
  synth_stats_page_update (SYNTH_STATS_PAGE (widget));
}

static void
redraw (SynthStatsPage *self)
{
  synth_stats_page_update (self);
}

static void
synth_stats_page_dispose (GObject *object)
{
  SynthStatsPage *self = SYNTH_STATS_PAGE (object);

  g_clear_handle_id (&self->update_source, g_source_remove);
  gtk_widget_dispose_template (GTK_WIDGET (self), SYNTH_TYPE_STATS_PAGE);
  /* The template's top child has no id, so dispose_template leaves it. */
  for (GtkWidget *child; (child = gtk_widget_get_first_child (GTK_WIDGET (self))) != NULL;)
    gtk_widget_unparent (child);
  g_clear_object (&self->stats);

  G_OBJECT_CLASS (synth_stats_page_parent_class)->dispose (object);
}

static void
synth_stats_page_class_init (SynthStatsPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = synth_stats_page_dispose;
  widget_class->map = synth_stats_page_map;

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_template_from_resource (
      widget_class, "/io/github/resumesynth/ResumeSynth/synth-stats-page.ui");
  /* Figures are also looked up by name in synth_stats_page_get_figure(). */
  gtk_widget_class_bind_template_child_full (widget_class, "records_value", FALSE,
                                             G_STRUCT_OFFSET (SynthStatsPage, records_value));
  gtk_widget_class_bind_template_child_full (widget_class, "positive_value", FALSE,
                                             G_STRUCT_OFFSET (SynthStatsPage, positive_value));
  gtk_widget_class_bind_template_child_full (widget_class, "exact_value", FALSE,
                                             G_STRUCT_OFFSET (SynthStatsPage, exact_value));
  gtk_widget_class_bind_template_child_full (widget_class, "near_value", FALSE,
                                             G_STRUCT_OFFSET (SynthStatsPage, near_value));
  gtk_widget_class_bind_template_child_full (widget_class, "distinct_value", FALSE,
                                             G_STRUCT_OFFSET (SynthStatsPage, distinct_value));
  gtk_widget_class_bind_template_child_full (widget_class, "names_value", FALSE,
                                             G_STRUCT_OFFSET (SynthStatsPage, names_value));
  gtk_widget_class_bind_template_child_full (widget_class, "auc_value", FALSE,
                                             G_STRUCT_OFFSET (SynthStatsPage, auc_value));
  gtk_widget_class_bind_template_child_full (widget_class, "failures_value", FALSE,
                                             G_STRUCT_OFFSET (SynthStatsPage, failures_value));
  gtk_widget_class_bind_template_child_full (widget_class, "tokens_value", FALSE,
                                             G_STRUCT_OFFSET (SynthStatsPage, tokens_value));
  gtk_widget_class_bind_template_child_full (widget_class, "cost_value", FALSE,
                                             G_STRUCT_OFFSET (SynthStatsPage, cost_value));
  gtk_widget_class_bind_template_child (widget_class, SynthStatsPage, stack);
  gtk_widget_class_bind_template_child (widget_class, SynthStatsPage, failures_label);
  gtk_widget_class_bind_template_child (widget_class, SynthStatsPage, label_area);
  gtk_widget_class_bind_template_child (widget_class, SynthStatsPage, mix_area);
  gtk_widget_class_bind_template_child (widget_class, SynthStatsPage, length_area);
  gtk_widget_class_bind_template_child (widget_class, SynthStatsPage, overlap_area);
}

static void
synth_stats_page_init (SynthStatsPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  const struct
  {
    GtkDrawingArea *area;
    ChartFunc func;
  } charts[] = {
    { self->label_area, synth_chart_draw_label_balance },
    { self->mix_area, synth_chart_draw_bias_mix },
    { self->length_area, synth_chart_draw_length_histogram },
    { self->overlap_area, synth_chart_draw_overlap_by_label },
  };

  for (guint i = 0; i < G_N_ELEMENTS (charts); i++)
    {
      g_object_set_data (G_OBJECT (charts[i].area), "synth-stats-page", self);
      gtk_drawing_area_set_draw_func (charts[i].area, draw_chart, charts[i].func, NULL);
    }
  g_signal_connect_object (adw_style_manager_get_default (), "notify::dark", G_CALLBACK (redraw),
                           self, G_CONNECT_SWAPPED);
}
