/* synth-ui-test.h — helpers for the UI tests: a registered application, a
 * real window, waiting on the main loop while measuring how long it stalls,
 * and key presses through the widgets' own shortcuts. */
#pragma once

#include <adwaita.h>

#include "synth-application.h"
#include "synth-window-private.h"
#include "synth-window.h"

G_BEGIN_DECLS

/* g_test_init + gtk_init, a private runs directory (SYNTH_RUNS_DIR) and
 * HOME-independent documents folder, and a registered non-unique app. */
void synth_ui_test_init (int *argc, char ***argv);
SynthApplication *synth_ui_test_get_app (void);
GSettings *synth_ui_test_get_settings (void);
/* A directory removed at exit, for files a test writes. */
const char *synth_ui_test_get_tmp_dir (void);

/* A presented, mapped window; destroy it with synth_ui_test_close_window(). */
SynthWindow *synth_ui_test_new_window (void);
void synth_ui_test_close_window (SynthWindow *window);

typedef gboolean (*SynthUiTestCondition) (gpointer user_data);
/* Iterates the default main context until @condition holds (TRUE) or
 * @timeout_ms passed (FALSE). Meanwhile a 10 ms timer measures the longest
 * gap between its ticks: how long the main loop was blocked. */
gboolean synth_ui_test_wait (SynthUiTestCondition condition, gpointer user_data, guint timeout_ms);
/* Runs the main loop for @ms. */
void synth_ui_test_spin (guint ms);
/* The longest main-loop stall seen by the waits since the last reset, in ms. */
double synth_ui_test_get_max_stall_ms (void);
void synth_ui_test_reset_max_stall (void);

/* Activates the shortcut that @widget's class binds to @keyval (no
 * modifiers), as pressing the key with focus inside @widget does. FALSE if
 * no such shortcut exists. */
gboolean synth_ui_test_press_key (GtkWidget *widget, guint keyval);

/* Sets the form (through its settings) to @records offline records, presses
 * Generate and waits until the run finished. */
void synth_ui_test_generate_offline (SynthWindow *window, guint records, guint64 seed);
gboolean synth_ui_test_window_idle (gpointer window);

/* The first AdwMessageDialog shown (transient for @parent), or NULL. */
AdwMessageDialog *synth_ui_test_find_message_dialog (GtkWindow *parent);
/* Its body text. */
const char *synth_ui_test_message_dialog_body (AdwMessageDialog *dialog);

G_END_DECLS
