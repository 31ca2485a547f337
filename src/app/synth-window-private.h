/* synth-window-private.h — SynthWindow's state, shared by synth-window.c (the
 * widget, its actions) and synth-window-run.c (generating, opening and
 * importing runs). */
#pragma once

#include "synth-generate-form.h"
#include "synth-records-view.h"
#include "synth-run.h"
#include "synth-stats-page.h"
#include "synth-stats.h"
#include "synth-window.h"

G_BEGIN_DECLS

struct _SynthWindow
{
  AdwApplicationWindow parent_instance;

  GSettings *settings;

  /* Template widgets */
  AdwHeaderBar *header_bar;
  GtkToggleButton *sidebar_button;
  AdwViewSwitcherTitle *switcher_title;
  AdwToastOverlay *toast_overlay;
  AdwFlap *flap;
  SynthGenerateForm *form;
  GtkRevealer *progress_revealer;
  GtkLabel *progress_label;
  GtkLabel *progress_message;
  GtkProgressBar *progress_bar;
  AdwViewStack *view_stack;
  SynthRecordsView *records_view;
  SynthStatsPage *stats_page;

  /* The run shown */
  SynthRunStore *store;
  SynthRun *run;             /* set while generating */
  GCancellable *cancellable; /* cancels the generation, open or import in progress */
  GListStore *records;       /* every record of the run, as SynthRecord */
  GPtrArray *pending;        /* committed records waiting for the next flush */
  guint flush_source;
  SynthStats *stats;
  GThreadPool *stats_pool; /* adds records to the statistics off the main thread */
  gint64 run_started_usec;

  guint busy : 1; /* generating, planning, opening or importing */
  guint paused : 1;
  guint close_when_idle : 1; /* the window was closed mid-run: close once it settled */
};

/* synth-window.c */
void synth_window_set_busy (SynthWindow *self, gboolean busy);
void synth_window_update_actions (SynthWindow *self);
/* "win.generate"…: whether the action can run now. */
gboolean synth_window_action_is_enabled (SynthWindow *self, const char *action);
void synth_window_toast_error (SynthWindow *self, const GError *error);

/* synth-window-run.c */
void synth_window_run_init (SynthWindow *self);
void synth_window_run_dispose (SynthWindow *self);
void synth_window_generate (SynthWindow *self);
void synth_window_stop (SynthWindow *self);
void synth_window_pause (SynthWindow *self);
void synth_window_resume (SynthWindow *self);
/* Generates the pending slots of the run shown. */
void synth_window_continue_run (SynthWindow *self);
gboolean synth_window_can_continue (SynthWindow *self);

G_END_DECLS
