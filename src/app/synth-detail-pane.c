/* synth-detail-pane.c — the record reader. Every text from a record goes in
 * through gtk_label_set_text / gtk_text_buffer_set_text: model output is
 * data, never markup. */
#include "config.h"

#include <adwaita.h>
#include <glib/gi18n.h>

#include "synth-detail-pane.h"
#include "synth-diff.h"
#include "synth-format.h"
#include "synth-text.h"

struct _SynthDetailPane
{
  GtkWidget parent_instance;

  GtkStack *stack;
  GtkLabel *name_label;
  GtkLabel *label_chip;
  GtkLabel *bias_chip;
  GtkLabel *status_chip;
  GtkLabel *attributes_label;
  GtkToggleButton *changes_button;
  GtkLabel *bias_label;
  GtkLabel *skills_label;
  GtkLabel *left_title;
  GtkLabel *right_title;
  GtkTextView *left_view;
  GtkTextView *right_view;

  SynthRecord *record;
  gulong status_handler;
  gboolean show_changes;
};

G_DEFINE_FINAL_TYPE (SynthDetailPane, synth_detail_pane, GTK_TYPE_WIDGET)

enum
{
  PROP_0,
  PROP_RECORD,
  PROP_SHOW_CHANGES,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* Byte spans → tag ranges. */
static void
apply_spans (GtkTextBuffer *buffer, const char *text, GArray *spans, const char *tag)
{
  for (guint i = 0; i < spans->len; i++)
    {
      const SynthTextSpan *span = &g_array_index (spans, SynthTextSpan, i);
      GtkTextIter start, end;

      gtk_text_buffer_get_iter_at_offset (buffer, &start,
                                          g_utf8_pointer_to_offset (text, text + span->start));
      gtk_text_buffer_get_iter_at_offset (buffer, &end,
                                          g_utf8_pointer_to_offset (text, text + span->end));
      gtk_text_buffer_apply_tag_by_name (buffer, tag, &start, &end);
    }
}

/* Changes are often far down a long resume: bring the first into view. */
static void
scroll_to_first_span (GtkTextView *view, const char *text, GArray *spans)
{
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (view);
  GtkTextIter iter;
  GtkTextMark *mark;

  if (spans->len == 0)
    return;
  gtk_text_buffer_get_iter_at_offset (
      buffer, &iter,
      g_utf8_pointer_to_offset (text, text + g_array_index (spans, SynthTextSpan, 0).start));
  mark = gtk_text_buffer_get_mark (buffer, "first-change");
  if (mark == NULL)
    mark = gtk_text_buffer_create_mark (buffer, "first-change", &iter, TRUE);
  else
    gtk_text_buffer_move_mark (buffer, mark, &iter);
  /* The mark variant waits for the layout, which a new text does not have yet. */
  gtk_text_view_scroll_to_mark (view, mark, 0.1, TRUE, 0.0, 0.3);
}

static void
set_text (GtkTextView *view, const char *text)
{
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (view);
  GtkTextIter start;

  gtk_text_buffer_set_text (buffer, text != NULL ? text : "", -1);
  gtk_text_buffer_get_start_iter (buffer, &start);
  gtk_text_buffer_place_cursor (buffer, &start);
}

static void
update_status (SynthDetailPane *self)
{
  int status = synth_record_get_review_status (self->record);
  static const char *const classes[] = { "unreviewed", "accepted", "rejected" };

  gtk_label_set_text (self->status_chip, synth_format_review (status));
  gtk_widget_set_css_classes (GTK_WIDGET (self->status_chip),
                              (const char *[]){ "chip", classes[CLAMP (status, 0, 2)], NULL });
}

static void
show_skills (SynthDetailPane *self, const char *job, const char *resume)
{
  g_autoptr (GPtrArray) skills = synth_text_extract_required_skills (job);
  g_autoptr (GString) matched = g_string_new (NULL);
  guint n_matched = 0;
  g_autofree char *text = NULL;

  for (guint i = 0; i < skills->len; i++)
    {
      g_autoptr (GPtrArray) one = g_ptr_array_new ();
      g_autoptr (GArray) spans = NULL;

      g_ptr_array_add (one, skills->pdata[i]);
      spans = synth_text_find_spans (one, resume);
      if (spans->len > 0)
        {
          g_string_append_printf (matched, "%s%s", n_matched ? ", " : "",
                                  (const char *) skills->pdata[i]);
          n_matched++;
        }
    }
  if (skills->len == 0)
    text = g_strdup (_ ("The job text names no skill list."));
  else if (n_matched == 0)
    text = g_strdup_printf (
        g_dngettext (GETTEXT_PACKAGE, "The resume covers none of the job’s %u required skill.",
                     "The resume covers none of the job’s %u required skills.", skills->len),
        skills->len);
  else
    /* Translators: "The resume covers 5 of the job’s 7 required skills: Python, SQL…" */
    text = g_strdup_printf (
        g_dngettext (GETTEXT_PACKAGE, "The resume covers %u of the job’s %u required skill: %s",
                     "The resume covers %u of the job’s %u required skills: %s", skills->len),
        n_matched, skills->len, matched->str);
  gtk_label_set_text (self->skills_label, text);
}

static void
show_texts (SynthDetailPane *self)
{
  const char *resume = synth_record_get_resume_text (self->record);
  const char *job = synth_record_get_job_skill_text (self->record);
  const char *clean_resume = synth_record_get_clean_resume_text (self->record);
  const char *clean_job = synth_record_get_clean_job_skill_text (self->record);
  gboolean has_clean = clean_resume != NULL || clean_job != NULL;
  GtkTextBuffer *left = gtk_text_view_get_buffer (self->left_view);
  GtkTextBuffer *right = gtk_text_view_get_buffer (self->right_view);

  resume = resume != NULL ? resume : "";
  job = job != NULL ? job : "";

  gtk_widget_set_sensitive (GTK_WIDGET (self->changes_button), has_clean);
  gtk_widget_set_tooltip_text (
      GTK_WIDGET (self->changes_button),
      has_clean ? _ ("Compare the clean text with the text the bias transform produced (D)")
                : _ ("This record’s bias came from generation itself: there is no clean text to "
                     "compare with"));

  if (self->show_changes && has_clean)
    {
      g_autoptr (GArray) removed = g_array_new (FALSE, FALSE, sizeof (SynthTextSpan));
      g_autoptr (GArray) inserted = g_array_new (FALSE, FALSE, sizeof (SynthTextSpan));
      gboolean on_resume = clean_resume != NULL;
      const char *before = on_resume ? clean_resume : clean_job;
      const char *after = on_resume ? resume : job;

      gtk_label_set_text (self->left_title, on_resume ? _ ("Clean Resume") : _ ("Clean Job"));
      gtk_label_set_text (self->right_title,
                          on_resume ? _ ("Resume as Exported") : _ ("Job as Exported"));
      set_text (self->left_view, before);
      set_text (self->right_view, after);
      synth_diff_words (before, after, removed, inserted);
      apply_spans (left, before, removed, "removed");
      apply_spans (right, after, inserted, "inserted");
      scroll_to_first_span (self->left_view, before, removed);
      scroll_to_first_span (self->right_view, after, inserted);
      return;
    }

  gtk_label_set_text (self->left_title, _ ("Resume"));
  gtk_label_set_text (self->right_title, _ ("Job"));
  set_text (self->left_view, resume);
  set_text (self->right_view, job);
  {
    g_autoptr (GPtrArray) skills = synth_text_extract_required_skills (job);
    g_autoptr (GArray) in_resume = synth_text_find_spans (skills, resume);
    g_autoptr (GArray) in_job = synth_text_find_spans (skills, job);

    apply_spans (left, resume, in_resume, "skill");
    apply_spans (right, job, in_job, "skill");
  }
}

static void
show_bias (SynthDetailPane *self)
{
  SynthBiasType type = synth_record_get_bias_type (self->record);
  const char *detail = synth_record_get_bias_detail (self->record);
  g_autofree char *text = NULL;

  gtk_label_set_text (self->bias_chip,
                      type == SYNTH_BIAS_NONE ? _ ("No bias") : synth_bias_type_get_label (type));
  if (type == SYNTH_BIAS_NONE)
    text = g_strdup (_ ("Clean control record: no bias was injected."));
  else if (detail != NULL && *detail != '\0')
    {
      g_autofree char *what = g_strdup (synth_bias_type_get_description (type));
      gsize len = strlen (what);

      if (len > 0 && what[len - 1] == '.')
        what[len - 1] = '\0';
      /* Translators: "<what the bias category does>. This record: <what was done to it>" */
      text = g_strdup_printf (_ ("%s. This record: %s"), what, detail);
    }
  else
    text = g_strdup (synth_bias_type_get_description (type));
  gtk_label_set_text (self->bias_label, text);
}

static void
show_record (SynthDetailPane *self)
{
  g_autoptr (GString) attrs = g_string_new (NULL);
  const char *values[] = {
    synth_record_get_domain (self->record), synth_record_get_seniority (self->record),
    synth_record_get_region (self->record), synth_record_get_length_class (self->record),
    synth_record_get_split (self->record),  synth_record_get_group_id (self->record),
  };
  int label = synth_record_get_match_label (self->record);
  const char *name = synth_record_get_name (self->record);

  gtk_label_set_text (self->name_label, name != NULL && *name != '\0' ? name : _ ("Unnamed"));
  gtk_label_set_text (self->label_chip, synth_format_label (label));
  gtk_widget_set_css_classes (GTK_WIDGET (self->label_chip),
                              (const char *[]){ "chip", label ? "match" : "no-match", NULL });
  for (guint i = 0; i < G_N_ELEMENTS (values); i++)
    if (values[i] != NULL && *values[i] != '\0')
      {
        g_autofree char *pretty = i < 5 ? synth_format_id (values[i]) : g_strdup (values[i]);
        g_string_append_printf (attrs, "%s%s", attrs->len ? " · " : "", pretty);
      }
  gtk_label_set_text (self->attributes_label, attrs->str);
  update_status (self);
  show_bias (self);
  show_skills (self, synth_record_get_job_skill_text (self->record) ?: "",
               synth_record_get_resume_text (self->record) ?: "");
  show_texts (self);
}

SynthRecord *
synth_detail_pane_get_record (SynthDetailPane *self)
{
  g_return_val_if_fail (SYNTH_IS_DETAIL_PANE (self), NULL);
  return self->record;
}

void
synth_detail_pane_set_record (SynthDetailPane *self, SynthRecord *record)
{
  g_return_if_fail (SYNTH_IS_DETAIL_PANE (self));
  g_return_if_fail (record == NULL || SYNTH_IS_RECORD (record));

  if (self->record == record)
    return;
  if (self->record != NULL)
    g_clear_signal_handler (&self->status_handler, self->record);
  g_set_object (&self->record, record);

  if (record != NULL)
    {
      self->status_handler = g_signal_connect_swapped (record, "notify::review-status",
                                                       G_CALLBACK (update_status), self);
      show_record (self);
      gtk_stack_set_visible_child_name (self->stack, "record");
    }
  else
    gtk_stack_set_visible_child_name (self->stack, "empty");
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_RECORD]);
}

gboolean
synth_detail_pane_can_show_changes (SynthDetailPane *self)
{
  g_return_val_if_fail (SYNTH_IS_DETAIL_PANE (self), FALSE);
  return self->record != NULL && (synth_record_get_clean_resume_text (self->record) != NULL ||
                                  synth_record_get_clean_job_skill_text (self->record) != NULL);
}

gboolean
synth_detail_pane_get_show_changes (SynthDetailPane *self)
{
  g_return_val_if_fail (SYNTH_IS_DETAIL_PANE (self), FALSE);
  return self->show_changes;
}

void
synth_detail_pane_set_show_changes (SynthDetailPane *self, gboolean show_changes)
{
  g_return_if_fail (SYNTH_IS_DETAIL_PANE (self));

  show_changes = !!show_changes;
  if (self->show_changes == show_changes)
    return;
  self->show_changes = show_changes;
  if (self->record != NULL)
    show_texts (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SHOW_CHANGES]);
}

GtkTextBuffer *
synth_detail_pane_get_left_buffer (SynthDetailPane *self)
{
  return gtk_text_view_get_buffer (self->left_view);
}

GtkTextBuffer *
synth_detail_pane_get_right_buffer (SynthDetailPane *self)
{
  return gtk_text_view_get_buffer (self->right_view);
}

/* Highlights must stay readable in light and dark styles. */
static void
update_tag_colors (SynthDetailPane *self)
{
  gboolean dark = adw_style_manager_get_dark (adw_style_manager_get_default ());
  GtkTextView *views[] = { self->left_view, self->right_view };

  for (guint i = 0; i < G_N_ELEMENTS (views); i++)
    {
      GtkTextTagTable *table = gtk_text_buffer_get_tag_table (gtk_text_view_get_buffer (views[i]));

      g_object_set (gtk_text_tag_table_lookup (table, "skill"), "background",
                    dark ? "rgba(120, 174, 237, 0.35)" : "rgba(53, 132, 228, 0.22)", NULL);
      g_object_set (gtk_text_tag_table_lookup (table, "removed"), "background",
                    dark ? "rgba(246, 97, 81, 0.40)" : "rgba(224, 27, 36, 0.20)", NULL);
      g_object_set (gtk_text_tag_table_lookup (table, "inserted"), "background",
                    dark ? "rgba(143, 240, 164, 0.30)" : "rgba(38, 162, 105, 0.25)", NULL);
    }
}

static void
synth_detail_pane_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  SynthDetailPane *self = SYNTH_DETAIL_PANE (object);

  switch (prop_id)
    {
    case PROP_RECORD:
      g_value_set_object (value, self->record);
      break;
    case PROP_SHOW_CHANGES:
      g_value_set_boolean (value, self->show_changes);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
synth_detail_pane_set_property (GObject *object,
                                guint prop_id,
                                const GValue *value,
                                GParamSpec *pspec)
{
  SynthDetailPane *self = SYNTH_DETAIL_PANE (object);

  switch (prop_id)
    {
    case PROP_RECORD:
      synth_detail_pane_set_record (self, g_value_get_object (value));
      break;
    case PROP_SHOW_CHANGES:
      synth_detail_pane_set_show_changes (self, g_value_get_boolean (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
synth_detail_pane_dispose (GObject *object)
{
  SynthDetailPane *self = SYNTH_DETAIL_PANE (object);

  synth_detail_pane_set_record (self, NULL);
  gtk_widget_dispose_template (GTK_WIDGET (self), SYNTH_TYPE_DETAIL_PANE);
  /* The template's top child has no id, so dispose_template leaves it. */
  for (GtkWidget *child; (child = gtk_widget_get_first_child (GTK_WIDGET (self))) != NULL;)
    gtk_widget_unparent (child);

  G_OBJECT_CLASS (synth_detail_pane_parent_class)->dispose (object);
}

static void
synth_detail_pane_class_init (SynthDetailPaneClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = synth_detail_pane_dispose;
  object_class->get_property = synth_detail_pane_get_property;
  object_class->set_property = synth_detail_pane_set_property;

  properties[PROP_RECORD] =
      g_param_spec_object ("record", NULL, NULL, SYNTH_TYPE_RECORD,
                           G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_SHOW_CHANGES] =
      g_param_spec_boolean ("show-changes", NULL, NULL, FALSE,
                            G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_template_from_resource (
      widget_class, "/io/github/resumesynth/ResumeSynth/synth-detail-pane.ui");
  gtk_widget_class_bind_template_child (widget_class, SynthDetailPane, stack);
  gtk_widget_class_bind_template_child (widget_class, SynthDetailPane, name_label);
  gtk_widget_class_bind_template_child (widget_class, SynthDetailPane, label_chip);
  gtk_widget_class_bind_template_child (widget_class, SynthDetailPane, bias_chip);
  gtk_widget_class_bind_template_child (widget_class, SynthDetailPane, status_chip);
  gtk_widget_class_bind_template_child (widget_class, SynthDetailPane, attributes_label);
  gtk_widget_class_bind_template_child (widget_class, SynthDetailPane, changes_button);
  gtk_widget_class_bind_template_child (widget_class, SynthDetailPane, bias_label);
  gtk_widget_class_bind_template_child (widget_class, SynthDetailPane, skills_label);
  gtk_widget_class_bind_template_child (widget_class, SynthDetailPane, left_title);
  gtk_widget_class_bind_template_child (widget_class, SynthDetailPane, right_title);
  gtk_widget_class_bind_template_child (widget_class, SynthDetailPane, left_view);
  gtk_widget_class_bind_template_child (widget_class, SynthDetailPane, right_view);
}

static void
synth_detail_pane_init (SynthDetailPane *self)
{
  GtkTextView *views[2];

  gtk_widget_init_template (GTK_WIDGET (self));

  views[0] = self->left_view;
  views[1] = self->right_view;
  for (guint i = 0; i < G_N_ELEMENTS (views); i++)
    {
      GtkTextBuffer *buffer = gtk_text_view_get_buffer (views[i]);

      gtk_text_buffer_create_tag (buffer, "skill", "weight", 700, NULL);
      gtk_text_buffer_create_tag (buffer, "removed", "strikethrough", TRUE, NULL);
      gtk_text_buffer_create_tag (buffer, "inserted", "underline", PANGO_UNDERLINE_SINGLE, NULL);
    }
  update_tag_colors (self);
  g_signal_connect_object (adw_style_manager_get_default (), "notify::dark",
                           G_CALLBACK (update_tag_colors), self, G_CONNECT_SWAPPED);
}
