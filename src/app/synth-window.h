/* synth-window.h — the main window: the generate form, the live table with
 * its detail pane, the statistics page, and the run behind them. */
#pragma once

#include <adwaita.h>

#include "synth-application.h"
#include "synth-run-store.h"

G_BEGIN_DECLS

#define SYNTH_TYPE_WINDOW (synth_window_get_type ())
G_DECLARE_FINAL_TYPE (SynthWindow, synth_window, SYNTH, WINDOW, AdwApplicationWindow)

SynthWindow *synth_window_new (SynthApplication *app);

/* Asks whether to resume the newest unfinished run in the run store, if any. */
void synth_window_offer_unfinished_runs (SynthWindow *self);
/* Imports a CSV into a new run and shows it for review (async). */
void synth_window_open_csv (SynthWindow *self, GFile *file);
/* Opens an existing run (async); @resume continues its pending slots. */
void synth_window_open_run (SynthWindow *self, const char *path, gboolean resume);

/* A toast for people; @message is plain text, never markup. */
void synth_window_show_message (SynthWindow *self, const char *message);

/* A toast showing @text as it is: libadwaita 1.2 reads toast titles as
 * markup, so the text is escaped. */
AdwToast *synth_toast_new (const char *text);

/* Any toast, e.g. with a button bound to a window action ("win.open-folder"
 * takes a folder URI). */
void synth_window_add_toast (SynthWindow *self, AdwToast *toast);

/* The run shown (NULL before the first run), every record of it as a
 * GListModel of SynthRecord, and the subset the table shows (filtered and
 * sorted). For the UI tests, and the export dialog. */
SynthRunStore *synth_window_get_store (SynthWindow *self);
GListModel *synth_window_get_records (SynthWindow *self);
GListModel *synth_window_get_visible_records (SynthWindow *self);
/* TRUE while a run generates, or a run is being opened or imported. */
gboolean synth_window_get_busy (SynthWindow *self);

G_END_DECLS
