/* test-big-run.c — 100,000 records arrive while the table stays live: the
 * main loop must never freeze, while generating, filtering or searching. */
#include "config.h"

#include <stdio.h>
#include <unistd.h>

#include "synth-ui-test.h"

typedef struct
{
  SynthWindow *window;
  guint n;
} WaitRows;

static gboolean
has_rows (gpointer user_data)
{
  WaitRows *w = user_data;
  return g_list_model_get_n_items (synth_window_get_records (w->window)) >= w->n;
}

static double
resident_mib (void)
{
  g_autofree char *statm = NULL;
  unsigned long size = 0, resident = 0;

  if (!g_file_get_contents ("/proc/self/statm", &statm, NULL, NULL) ||
      sscanf (statm, "%lu %lu", &size, &resident) != 2)
    return 0;
  return resident * (double) sysconf (_SC_PAGESIZE) / (1024.0 * 1024.0);
}

/* The figures are reported; only a generous bound is asserted, so a frozen
 * UI fails and a slow machine does not. */
static void
test_generate_100k (void)
{
  SynthWindow *window = synth_ui_test_new_window ();
  GSettings *settings = synth_ui_test_get_settings ();
  WaitRows wait = { window, 100000 };
  double before = resident_mib ();
  gint64 start;

  g_settings_set_string (settings, "provider", "offline");
  g_settings_set_uint (settings, "records", 100000);
  g_settings_set_uint (settings, "batch-size", 25);
  synth_ui_test_reset_max_stall ();
  start = g_get_monotonic_time ();
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.generate", NULL));
  g_assert_true (synth_ui_test_wait (has_rows, &wait, 120000));
  g_assert_true (synth_ui_test_wait (synth_ui_test_window_idle, window, 60000));
  g_test_message ("100,000 rows in %.1f s; longest main-loop stall %.1f ms; resident memory "
                  "%.0f MiB → %.0f MiB",
                  (g_get_monotonic_time () - start) / 1e6, synth_ui_test_get_max_stall_ms (),
                  before, resident_mib ());
  g_assert_cmpfloat (synth_ui_test_get_max_stall_ms (), <, 1000.0);
  g_assert_cmpuint (g_list_model_get_n_items (synth_window_get_visible_records (window)), ==,
                    100000);

  /* Sorting and filtering 100,000 rows keep the loop going too. */
  synth_ui_test_reset_max_stall ();
  synth_records_view_set_filters (window->records_view, 1, -1, -1);
  g_assert_cmpuint (g_list_model_get_n_items (synth_window_get_visible_records (window)), ==,
                    50000);
  synth_records_view_set_search (window->records_view, "python");
  synth_ui_test_spin (3000);
  g_test_message ("filter + search over 100,000 rows: longest stall %.1f ms, %u rows match",
                  synth_ui_test_get_max_stall_ms (),
                  g_list_model_get_n_items (synth_window_get_visible_records (window)));
  g_assert_cmpfloat (synth_ui_test_get_max_stall_ms (), <, 1000.0);
  synth_records_view_set_search (window->records_view, "");
  synth_records_view_set_filters (window->records_view, -1, -1, -1);

  synth_ui_test_close_window (window);
}

int
main (int argc, char **argv)
{
  synth_ui_test_init (&argc, &argv);

  g_test_add_func ("/big-run/generate-100k", test_generate_100k);

  return g_test_run ();
}
