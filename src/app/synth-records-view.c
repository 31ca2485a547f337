/* synth-records-view.c — the live table. The model chain is
 * all records → filter → sort (the column view's sorter) → selection; rows
 * arrive in batches through the run's GListStore. */
#include "config.h"

#include <adwaita.h>
#include <glib/gi18n.h>

#include "synth-format.h"
#include "synth-records-view.h"
#include "synth-text.h"

#define EXCERPT_CHARS 160

struct _SynthRecordsView
{
  GtkWidget parent_instance;

  GSettings *settings;
  GListModel *records;

  GtkStack *stack;
  AdwStatusPage *empty_page;
  GtkSearchEntry *search_entry;
  GtkDropDown *label_filter;
  GtkDropDown *bias_filter;
  GtkStringList *bias_filter_model;
  GtkDropDown *status_filter;
  GtkColumnView *column_view;
  GtkSingleSelection *selection;
  GtkSortListModel *sort_model;
  GtkFilterListModel *filter_model;
  GtkCustomFilter *filter;
  GtkLabel *count_label;
  GtkPaned *paned;
  SynthDetailPane *detail;

  char *needle; /* search text, ASCII-lowercased; NULL when empty */
  int want_label;
  int want_bias;
  int want_status;
  gboolean busy;
};

G_DEFINE_FINAL_TYPE (SynthRecordsView, synth_records_view, GTK_TYPE_WIDGET)

enum
{
  REVIEW,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

/* Cell closures (the factories' templates call these by name) */

static char *
format_index (gpointer item, guint index)
{
  /* People count rows from one; the slot index starts at zero. */
  return g_strdup_printf ("%u", index + 1);
}

static char *
format_label (gpointer item, int label)
{
  return g_strdup (synth_format_label (label));
}

static char *
format_bias (gpointer item, const char *id)
{
  SynthBiasType type;

  if (id == NULL || !synth_bias_type_from_id (id, &type))
    return g_strdup ("");
  return g_strdup (type == SYNTH_BIAS_NONE ? _ ("None") : synth_bias_type_get_label (type));
}

static char *
format_id (gpointer item, const char *id)
{
  return id != NULL && *id != '\0' ? synth_format_id (id) : g_strdup ("");
}

/* The start of a text on one line: whitespace runs collapsed, cut at a
 * character boundary. */
static char *
format_excerpt (gpointer item, const char *text)
{
  GString *s = g_string_sized_new (EXCERPT_CHARS + 8);
  guint chars = 0;
  gboolean space = FALSE;

  for (const char *p = text; p != NULL && *p != '\0' && chars < EXCERPT_CHARS;
       p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      if (g_unichar_isspace (c))
        {
          space = s->len > 0;
          continue;
        }
      if (space)
        {
          g_string_append_c (s, ' ');
          chars++;
          space = FALSE;
        }
      g_string_append_unichar (s, c);
      chars++;
    }
  return g_string_free (s, FALSE);
}

static guint
count_words (gpointer item, const char *text)
{
  return synth_text_count_words (text);
}

static char *
format_words (gpointer item, const char *text)
{
  return synth_format_count (synth_text_count_words (text));
}

static char *
format_review (gpointer item, int status)
{
  return g_strdup (synth_format_review (status));
}

/* Filtering */

static gboolean
contains_ascii_ci (const char *haystack, const char *needle)
{
  gsize n = strlen (needle);

  if (haystack == NULL)
    return FALSE;
  for (const char *p = haystack; *p != '\0'; p++)
    if (g_ascii_tolower (*p) == needle[0] && g_ascii_strncasecmp (p, needle, n) == 0)
      return TRUE;
  return FALSE;
}

static gboolean
filter_func (gpointer item, gpointer user_data)
{
  SynthRecordsView *self = user_data;
  SynthRecord *record = item;

  if (self->want_label >= 0 && synth_record_get_match_label (record) != self->want_label)
    return FALSE;
  if (self->want_bias >= 0 && (int) synth_record_get_bias_type (record) != self->want_bias)
    return FALSE;
  if (self->want_status >= 0 && (int) synth_record_get_review_status (record) != self->want_status)
    return FALSE;
  if (self->needle == NULL)
    return TRUE;
  return contains_ascii_ci (synth_record_get_name (record), self->needle) ||
         contains_ascii_ci (synth_record_get_domain (record), self->needle) ||
         contains_ascii_ci (synth_record_get_bias_detail (record), self->needle) ||
         contains_ascii_ci (synth_record_get_job_skill_text (record), self->needle) ||
         contains_ascii_ci (synth_record_get_resume_text (record), self->needle);
}

static void
update_count (SynthRecordsView *self)
{
  guint total = self->records != NULL ? g_list_model_get_n_items (self->records) : 0;
  guint shown = g_list_model_get_n_items (G_LIST_MODEL (self->filter_model));
  g_autofree char *total_text = synth_format_count (total);
  g_autofree char *text = NULL;

  if (shown == total)
    text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%s record", "%s records", total),
                            total_text);
  else
    {
      g_autofree char *shown_text = synth_format_count (shown);
      /* Translators: "Showing 120 of 5,000 records" */
      text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "Showing %s of %s record",
                                           "Showing %s of %s records", total),
                              shown_text, total_text);
    }
  gtk_label_set_text (self->count_label, text);
}

static void
refilter (SynthRecordsView *self, GtkFilterChange change)
{
  /* Text search reads every resume: keep the UI responsive on big runs. */
  gtk_filter_list_model_set_incremental (self->filter_model, self->needle != NULL);
  gtk_filter_changed (GTK_FILTER (self->filter), change);
  update_count (self);
}

static void
filter_changed_cb (SynthRecordsView *self)
{
  guint label = gtk_drop_down_get_selected (self->label_filter);
  guint bias = gtk_drop_down_get_selected (self->bias_filter);
  guint status = gtk_drop_down_get_selected (self->status_filter);

  /* Row 0 of each drop-down is "any"; the label list is Match, No Match. */
  self->want_label = label == 0 || label == GTK_INVALID_LIST_POSITION ? -1 : (label == 1 ? 1 : 0);
  self->want_bias = bias == 0 || bias == GTK_INVALID_LIST_POSITION ? -1 : (int) bias - 1;
  self->want_status = status == 0 || status == GTK_INVALID_LIST_POSITION ? -1 : (int) status - 1;
  refilter (self, GTK_FILTER_CHANGE_DIFFERENT);
}

static void
search_changed_cb (SynthRecordsView *self)
{
  const char *text = gtk_editable_get_text (GTK_EDITABLE (self->search_entry));
  g_autofree char *stripped = g_strstrip (g_strdup (text));
  g_autofree char *needle = *stripped != '\0' ? g_ascii_strdown (stripped, -1) : NULL;
  GtkFilterChange change = GTK_FILTER_CHANGE_DIFFERENT;

  if (g_strcmp0 (needle, self->needle) == 0)
    return;
  /* Typing on narrows the rows and deleting widens them: tell the filter
   * model, so it only looks at the rows that can change. */
  if (self->needle == NULL || (needle != NULL && strstr (needle, self->needle) != NULL))
    change = GTK_FILTER_CHANGE_MORE_STRICT;
  else if (needle == NULL || strstr (self->needle, needle) != NULL)
    change = GTK_FILTER_CHANGE_LESS_STRICT;
  g_free (self->needle);
  self->needle = g_steal_pointer (&needle);
  refilter (self, change);
}

static void
stop_search_cb (SynthRecordsView *self)
{
  gtk_editable_set_text (GTK_EDITABLE (self->search_entry), "");
  gtk_widget_grab_focus (GTK_WIDGET (self->column_view));
}

/* Which page shows */

static void
update_page (SynthRecordsView *self)
{
  guint n = self->records != NULL ? g_list_model_get_n_items (self->records) : 0;
  const char *page = n > 0 ? "table" : (self->busy ? "loading" : "empty");

  /* No spinner here: a continuous animation on a slow renderer would keep
   * the main loop too busy for the run's idle-priority updates. */
  gtk_stack_set_visible_child_name (self->stack, page);
}

static void
update_empty_description (SynthRecordsView *self)
{
  g_autofree char *provider = g_settings_get_string (self->settings, "provider");

  if (g_str_equal (provider, "offline"))
    adw_status_page_set_description (
        self->empty_page,
        _ ("Set the number of records and the bias mix on the left, then press Generate. "
           "No API key needed: the built-in engine is selected.\n\n"
           "Or open a CSV with the columns name, resume_text, job_skill_text, match_label and "
           "bias_type to review it."));
  else
    adw_status_page_set_description (
        self->empty_page,
        _ ("Set the number of records and the bias mix on the left, then press Generate. "
           "The selected provider needs an API key: add it in Preferences, or choose the "
           "built-in offline engine, which needs none."));
}

static void
records_changed_cb (SynthRecordsView *self)
{
  update_page (self);
  update_count (self);
}

static void
visible_changed_cb (SynthRecordsView *self)
{
  update_count (self);
}

static void
selected_item_cb (SynthRecordsView *self)
{
  synth_detail_pane_set_record (self->detail, synth_records_view_get_selected (self));
}

/* Public API */

void
synth_records_view_set_model (SynthRecordsView *self, GListModel *records)
{
  g_return_if_fail (SYNTH_IS_RECORDS_VIEW (self));

  if (self->records != NULL)
    g_signal_handlers_disconnect_by_data (self->records, self);
  g_set_object (&self->records, records);
  gtk_filter_list_model_set_model (self->filter_model, records);
  if (records != NULL)
    g_signal_connect_swapped (records, "items-changed", G_CALLBACK (records_changed_cb), self);
  records_changed_cb (self);
}

GListModel *
synth_records_view_get_visible (SynthRecordsView *self)
{
  g_return_val_if_fail (SYNTH_IS_RECORDS_VIEW (self), NULL);
  return G_LIST_MODEL (self->sort_model);
}

SynthRecord *
synth_records_view_get_selected (SynthRecordsView *self)
{
  g_return_val_if_fail (SYNTH_IS_RECORDS_VIEW (self), NULL);
  return gtk_single_selection_get_selected_item (self->selection);
}

guint
synth_records_view_get_selected_position (SynthRecordsView *self)
{
  g_return_val_if_fail (SYNTH_IS_RECORDS_VIEW (self), GTK_INVALID_LIST_POSITION);
  return gtk_single_selection_get_selected (self->selection);
}

SynthDetailPane *
synth_records_view_get_detail (SynthRecordsView *self)
{
  g_return_val_if_fail (SYNTH_IS_RECORDS_VIEW (self), NULL);
  return self->detail;
}

/* GTK 4.8 has no gtk_column_view_scroll_to(); its inner list view has the
 * "list.scroll-to-item" action. */
static void
scroll_to (SynthRecordsView *self, guint position)
{
  for (GtkWidget *child = gtk_widget_get_first_child (GTK_WIDGET (self->column_view));
       child != NULL; child = gtk_widget_get_next_sibling (child))
    if (GTK_IS_LIST_VIEW (child))
      gtk_widget_activate_action (child, "list.scroll-to-item", "u", position);
}

gboolean
synth_records_view_select (SynthRecordsView *self, guint position)
{
  g_return_val_if_fail (SYNTH_IS_RECORDS_VIEW (self), FALSE);

  if (position >= g_list_model_get_n_items (G_LIST_MODEL (self->selection)))
    return FALSE;
  gtk_single_selection_set_selected (self->selection, position);
  scroll_to (self, position);
  return TRUE;
}

void
synth_records_view_set_busy (SynthRecordsView *self, gboolean busy)
{
  g_return_if_fail (SYNTH_IS_RECORDS_VIEW (self));
  self->busy = !!busy;
  update_page (self);
}

void
synth_records_view_focus_search (SynthRecordsView *self)
{
  g_return_if_fail (SYNTH_IS_RECORDS_VIEW (self));
  gtk_widget_grab_focus (GTK_WIDGET (self->search_entry));
}

void
synth_records_view_set_filters (SynthRecordsView *self, int label, int bias, int status)
{
  g_return_if_fail (SYNTH_IS_RECORDS_VIEW (self));

  gtk_drop_down_set_selected (self->label_filter, label < 0 ? 0 : (label == 1 ? 1 : 2));
  gtk_drop_down_set_selected (self->bias_filter, bias < 0 ? 0 : bias + 1);
  gtk_drop_down_set_selected (self->status_filter, status < 0 ? 0 : status + 1);
}

void
synth_records_view_set_search (SynthRecordsView *self, const char *text)
{
  g_return_if_fail (SYNTH_IS_RECORDS_VIEW (self));
  gtk_editable_set_text (GTK_EDITABLE (self->search_entry), text != NULL ? text : "");
  /* The entry delays search-changed; a caller setting it means now. */
  search_changed_cb (self);
}

/* Review actions */

static void
review (SynthRecordsView *self, SynthReviewStatus status)
{
  g_autoptr (SynthRecord) record = NULL;
  guint position = gtk_single_selection_get_selected (self->selection);
  GListModel *visible = G_LIST_MODEL (self->selection);
  g_autoptr (SynthRecord) now_at = NULL;
  guint n;

  if (position == GTK_INVALID_LIST_POSITION)
    return;
  record = g_list_model_get_item (visible, position);
  g_signal_emit (self, signals[REVIEW], 0, record, (int) status);

  /* A status filter may now hide the record. */
  if (self->want_status >= 0)
    refilter (self, GTK_FILTER_CHANGE_DIFFERENT);

  /* Move on, as a reviewer goes through a queue: to the next row, or stay
   * where the reviewed row was if the filter took it away. */
  n = g_list_model_get_n_items (visible);
  now_at = position < n ? g_list_model_get_item (visible, position) : NULL;
  if (now_at == record)
    synth_records_view_select (self, MIN (position + 1, n - 1));
  else if (n > 0)
    synth_records_view_select (self, MIN (position, n - 1));
}

static void
accept_action (GtkWidget *widget, const char *name, GVariant *param)
{
  review (SYNTH_RECORDS_VIEW (widget), SYNTH_REVIEW_ACCEPTED);
}

static void
reject_action (GtkWidget *widget, const char *name, GVariant *param)
{
  review (SYNTH_RECORDS_VIEW (widget), SYNTH_REVIEW_REJECTED);
}

static void
unreview_action (GtkWidget *widget, const char *name, GVariant *param)
{
  review (SYNTH_RECORDS_VIEW (widget), SYNTH_REVIEW_UNREVIEWED);
}

static void
move_action (GtkWidget *widget, const char *name, GVariant *param)
{
  SynthRecordsView *self = SYNTH_RECORDS_VIEW (widget);
  guint position = gtk_single_selection_get_selected (self->selection);
  gboolean next = g_str_equal (name, "review.next");

  if (position == GTK_INVALID_LIST_POSITION)
    synth_records_view_select (self, 0);
  else if (next)
    synth_records_view_select (self, position + 1);
  else if (position > 0)
    synth_records_view_select (self, position - 1);
}

static void
toggle_changes_action (GtkWidget *widget, const char *name, GVariant *param)
{
  SynthRecordsView *self = SYNTH_RECORDS_VIEW (widget);

  if (synth_detail_pane_can_show_changes (self->detail))
    synth_detail_pane_set_show_changes (self->detail,
                                        !synth_detail_pane_get_show_changes (self->detail));
}

static void
synth_records_view_dispose (GObject *object)
{
  SynthRecordsView *self = SYNTH_RECORDS_VIEW (object);

  synth_records_view_set_model (self, NULL);
  gtk_widget_dispose_template (GTK_WIDGET (self), SYNTH_TYPE_RECORDS_VIEW);
  /* The template's top child has no id, so dispose_template leaves it. */
  for (GtkWidget *child; (child = gtk_widget_get_first_child (GTK_WIDGET (self))) != NULL;)
    gtk_widget_unparent (child);
  g_clear_object (&self->settings);

  G_OBJECT_CLASS (synth_records_view_parent_class)->dispose (object);
}

static void
synth_records_view_finalize (GObject *object)
{
  g_free (SYNTH_RECORDS_VIEW (object)->needle);
  G_OBJECT_CLASS (synth_records_view_parent_class)->finalize (object);
}

static void
synth_records_view_class_init (SynthRecordsViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  static const struct
  {
    guint key;
    const char *action;
  } keys[] = {
    { GDK_KEY_a, "review.accept" },   { GDK_KEY_r, "review.reject" },
    { GDK_KEY_u, "review.unreview" }, { GDK_KEY_j, "review.next" },
    { GDK_KEY_k, "review.previous" }, { GDK_KEY_d, "review.toggle-changes" },
  };

  object_class->dispose = synth_records_view_dispose;
  object_class->finalize = synth_records_view_finalize;

  /* (record, SynthReviewStatus): the user reviewed @record; the handler
   * stores the status. */
  signals[REVIEW] = g_signal_new ("review", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL,
                                  NULL, NULL, G_TYPE_NONE, 2, SYNTH_TYPE_RECORD, G_TYPE_INT);

  g_type_ensure (SYNTH_TYPE_DETAIL_PANE);
  g_type_ensure (SYNTH_TYPE_RECORD);
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_template_from_resource (
      widget_class, "/io/github/resumesynth/ResumeSynth/synth-records-view.ui");
  gtk_widget_class_bind_template_child (widget_class, SynthRecordsView, stack);
  gtk_widget_class_bind_template_child (widget_class, SynthRecordsView, empty_page);
  gtk_widget_class_bind_template_child (widget_class, SynthRecordsView, search_entry);
  gtk_widget_class_bind_template_child (widget_class, SynthRecordsView, label_filter);
  gtk_widget_class_bind_template_child (widget_class, SynthRecordsView, bias_filter);
  gtk_widget_class_bind_template_child (widget_class, SynthRecordsView, bias_filter_model);
  gtk_widget_class_bind_template_child (widget_class, SynthRecordsView, status_filter);
  gtk_widget_class_bind_template_child (widget_class, SynthRecordsView, column_view);
  gtk_widget_class_bind_template_child (widget_class, SynthRecordsView, selection);
  gtk_widget_class_bind_template_child (widget_class, SynthRecordsView, sort_model);
  gtk_widget_class_bind_template_child (widget_class, SynthRecordsView, filter_model);
  gtk_widget_class_bind_template_child (widget_class, SynthRecordsView, filter);
  gtk_widget_class_bind_template_child (widget_class, SynthRecordsView, count_label);
  gtk_widget_class_bind_template_child (widget_class, SynthRecordsView, paned);
  gtk_widget_class_bind_template_child (widget_class, SynthRecordsView, detail);
  gtk_widget_class_bind_template_callback (widget_class, format_index);
  gtk_widget_class_bind_template_callback (widget_class, format_label);
  gtk_widget_class_bind_template_callback (widget_class, format_bias);
  gtk_widget_class_bind_template_callback (widget_class, format_id);
  gtk_widget_class_bind_template_callback (widget_class, format_excerpt);
  gtk_widget_class_bind_template_callback (widget_class, format_words);
  gtk_widget_class_bind_template_callback (widget_class, count_words);
  gtk_widget_class_bind_template_callback (widget_class, format_review);
  gtk_widget_class_bind_template_callback (widget_class, filter_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, search_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, stop_search_cb);
  gtk_widget_class_bind_template_callback (widget_class, visible_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, selected_item_cb);

  gtk_widget_class_install_action (widget_class, "review.accept", NULL, accept_action);
  gtk_widget_class_install_action (widget_class, "review.reject", NULL, reject_action);
  gtk_widget_class_install_action (widget_class, "review.unreview", NULL, unreview_action);
  gtk_widget_class_install_action (widget_class, "review.next", NULL, move_action);
  gtk_widget_class_install_action (widget_class, "review.previous", NULL, move_action);
  gtk_widget_class_install_action (widget_class, "review.toggle-changes", NULL,
                                   toggle_changes_action);
  for (guint i = 0; i < G_N_ELEMENTS (keys); i++)
    gtk_widget_class_add_binding_action (widget_class, keys[i].key, 0, keys[i].action, NULL);
}

static void
synth_records_view_init (SynthRecordsView *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  self->want_label = self->want_bias = self->want_status = -1;
  gtk_string_list_append (self->bias_filter_model, _ ("Any Bias"));
  for (guint i = 0; i < SYNTH_N_BIAS_TYPES; i++)
    gtk_string_list_append (self->bias_filter_model,
                            i == SYNTH_BIAS_NONE ? _ ("None") : synth_bias_type_get_label (i));
  gtk_custom_filter_set_filter_func (self->filter, filter_func, self, NULL);
  gtk_sort_list_model_set_sorter (self->sort_model, gtk_column_view_get_sorter (self->column_view));

  self->settings = g_settings_new (APP_ID);
  g_signal_connect_object (self->settings, "changed::provider",
                           G_CALLBACK (update_empty_description), self, G_CONNECT_SWAPPED);
  update_empty_description (self);
  update_page (self);
}
