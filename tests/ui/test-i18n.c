/* test-i18n.c — the real window under LANGUAGE=de shows the German
 * translation: header bar, buttons, tooltips, the bias names from the core
 * library, and plural forms for one and for several records.
 *
 * The catalogue comes from the build tree (SYNTH_BUILD_DIR/po, where
 * po/meson.build compiles de.po); the installed app finds the same file
 * under LOCALEDIR. With SYNTH_I18N_SCREENSHOT=FILE.png the German window is
 * also saved as a PNG (for data/screenshots/). */
#include "config.h"

#include <glib/gi18n.h>
#include <locale.h>

#include "synth-ui-test.h"

/* The first mapped GtkLabel under @widget whose text (as displayed, without
 * mnemonic underscores) is @text, or starts with it when @prefix is set. */
static GtkLabel *
find_label (GtkWidget *widget, const char *text, gboolean prefix)
{
  if (!gtk_widget_get_mapped (widget))
    return NULL;
  if (GTK_IS_LABEL (widget))
    {
      const char *shown = gtk_label_get_text (GTK_LABEL (widget));

      if (prefix ? g_str_has_prefix (shown, text) : g_str_equal (shown, text))
        return GTK_LABEL (widget);
    }
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkLabel *found = find_label (child, text, prefix);

      if (found != NULL)
        return found;
    }
  return NULL;
}

static void
assert_shows (gpointer widget, const char *text)
{
  if (find_label (GTK_WIDGET (widget), text, FALSE) == NULL)
    g_test_fail_printf ("no visible label “%s” in the %s", text, G_OBJECT_TYPE_NAME (widget));
}

static void
assert_not_shown (gpointer widget, const char *text)
{
  if (find_label (GTK_WIDGET (widget), text, FALSE) != NULL)
    g_test_fail_printf ("the untranslated label “%s” is visible in the %s", text,
                        G_OBJECT_TYPE_NAME (widget));
}

static void
test_window_strings (void)
{
  SynthWindow *window = synth_ui_test_new_window ();

  /* Header bar: the view switcher's pages and the sidebar toggle. */
  assert_shows (window->header_bar, "Einträge");
  assert_shows (window->header_bar, "Statistik");
  assert_not_shown (window->header_bar, "Statistics");
  g_assert_cmpstr (gtk_widget_get_tooltip_text (GTK_WIDGET (window->sidebar_button)), ==,
                   "Erzeugungsformular anzeigen");

  /* The form: its main button and a group title. */
  assert_shows (window->form, "Erzeugen");
  assert_not_shown (window->form, "Generate");
  assert_shows (window->form, "Datensatz");
  /* Bias names come from libsynth-core (gi18n-lib, the same domain). */
  assert_shows (window->form, "Textlich");
  assert_shows (window->form, "Menschlicher Fehler");

  /* The empty state. */
  assert_shows (window->records_view, "Noch keine Einträge");

  synth_ui_test_close_window (window);
}

static gboolean
count_frame (GtkWidget *widget, GdkFrameClock *clock, gpointer user_data)
{
  (*(guint *) user_data)++;
  return G_SOURCE_CONTINUE;
}

static gboolean
two_frames (gpointer user_data)
{
  return *(guint *) user_data >= 2;
}

static void
save_screenshot (GtkWidget *widget, const char *path)
{
  g_autoptr (GtkSnapshot) snapshot = gtk_snapshot_new ();
  g_autoptr (GdkPaintable) paintable = gtk_widget_paintable_new (widget);
  g_autoptr (GskRenderNode) node = NULL;
  g_autoptr (GdkTexture) texture = NULL;
  guint frames = 0;
  guint tick;
  int width, height;

  /* Lay out and draw twice first, so scrolled lists show their rows. */
  gtk_widget_queue_resize (widget);
  tick = gtk_widget_add_tick_callback (widget, count_frame, &frames, NULL);
  synth_ui_test_wait (two_frames, &frames, 5000);
  gtk_widget_remove_tick_callback (widget, tick);
  width = gtk_widget_get_width (widget);
  height = gtk_widget_get_height (widget);
  gdk_paintable_snapshot (paintable, GDK_SNAPSHOT (snapshot), width, height);
  node = gtk_snapshot_free_to_node (g_steal_pointer (&snapshot));
  texture = gsk_renderer_render_texture (gtk_native_get_renderer (GTK_NATIVE (widget)), node,
                                         &GRAPHENE_RECT_INIT (0, 0, width, height));
  g_assert_true (gdk_texture_save_to_png (texture, path));
  g_test_message ("saved %s (%d × %d)", path, width, height);
}

static void
test_plural_forms (void)
{
  SynthWindow *window = synth_ui_test_new_window ();
  GSettings *settings = synth_ui_test_get_settings ();

  g_settings_set_double (settings, "positive-ratio", 0.5);
  g_settings_set_string (settings, "bias-mix", "balanced");

  /* n = 1: the singular form. */
  synth_ui_test_generate_offline (window, 1, 7);
  synth_ui_test_spin (100);
  assert_shows (window->records_view, "1 Eintrag");
  assert_not_shown (window->records_view, "1 record");

  /* n = 2: the plural form, and with a filter the plural of the
   * "Showing … of …" line (one of the two records is a match). */
  synth_ui_test_generate_offline (window, 2, 7);
  synth_ui_test_spin (100);
  assert_shows (window->records_view, "2 Einträge");
  assert_not_shown (window->records_view, "1 Eintrag");
  synth_records_view_set_filters (window->records_view, 1, -1, -1);
  synth_ui_test_spin (100);
  assert_shows (window->records_view, "1 von 2 Einträgen angezeigt");
  synth_records_view_set_filters (window->records_view, -1, -1, -1);

  /* Many records, one selected: the detail pane speaks German too. */
  synth_ui_test_generate_offline (window, 120, 42);
  synth_ui_test_spin (100);
  assert_shows (window->records_view, "120 Einträge");
  g_assert_true (synth_records_view_select (window->records_view, 0));
  synth_ui_test_spin (200);
  assert_shows (window->records_view, "Lebenslauf");
  assert_shows (window->records_view, "Stelle");
  g_assert_nonnull (find_label (GTK_WIDGET (window->records_view), "Der Lebenslauf deckt ", TRUE));

  synth_ui_test_close_window (window);
}

/* Not a check: the German window as data/screenshots/main-de.png shows it,
 * like take-screenshots' main.png (500 records, seed 42, a textual-bias
 * match selected). Only with SYNTH_I18N_SCREENSHOT=FILE.png. */
static void
test_screenshot (void)
{
  SynthWindow *window = synth_ui_test_new_window ();
  GListModel *visible;
  guint pick = 0;

  g_settings_set_string (synth_ui_test_get_settings (), "bias-mix", "balanced");
  synth_ui_test_generate_offline (window, 500, 42);
  visible = synth_window_get_visible_records (window);
  for (guint i = 0; i < g_list_model_get_n_items (visible); i++)
    {
      g_autoptr (SynthRecord) r = g_list_model_get_item (visible, i);

      if (synth_record_get_bias_type (r) == SYNTH_BIAS_TEXTUAL &&
          synth_record_get_match_label (r) == 1 &&
          g_strcmp0 (synth_record_get_length_class (r), "short") == 0)
        {
          pick = i;
          break;
        }
    }
  /* Let the "generated" toast go, so it does not cover the table. */
  synth_ui_test_spin (6500);
  g_assert_true (synth_records_view_select (window->records_view, pick));
  save_screenshot (GTK_WIDGET (window), g_getenv ("SYNTH_I18N_SCREENSHOT"));
  synth_ui_test_close_window (window);
}

static void
skip_outside_meson (void)
{
  g_test_skip ("SYNTH_BUILD_DIR is not set: run this through meson test");
}

int
main (int argc, char **argv)
{
  const char *build_dir = g_getenv ("SYNTH_BUILD_DIR");
  g_autofree char *locale_dir = NULL;

  /* gettext ignores LANGUAGE in the "C" locale, but not in C.UTF-8, which
   * every glibc has: no de_DE locale needs to be installed. */
  g_setenv ("LC_ALL", "C.UTF-8", TRUE);
  g_setenv ("LANGUAGE", "de", TRUE);
  setlocale (LC_ALL, "");

  if (build_dir == NULL)
    {
      g_test_init (&argc, &argv, NULL);
      g_test_add_func ("/i18n/skipped", skip_outside_meson);
      return g_test_run ();
    }
  locale_dir = g_build_filename (build_dir, "po", NULL);
  bindtextdomain (GETTEXT_PACKAGE, locale_dir);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);

  synth_ui_test_init (&argc, &argv);
  g_settings_set_int (synth_ui_test_get_settings (), "window-width", 1280);
  g_settings_set_int (synth_ui_test_get_settings (), "window-height", 860);

  g_test_add_func ("/i18n/window-strings", test_window_strings);
  g_test_add_func ("/i18n/plural-forms", test_plural_forms);
  if (g_getenv ("SYNTH_I18N_SCREENSHOT") != NULL)
    g_test_add_func ("/i18n/screenshot", test_screenshot);
  return g_test_run ();
}
