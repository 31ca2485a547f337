/* synth-export-dialog.h — where and how to export a run: the CSV (columns,
 * rejected records, evaluation records apart, formula guard), with its
 * .stats.json and .report.html beside it. */
#pragma once

#include <adwaita.h>

#include "synth-run-store.h"
#include "synth-window.h"

G_BEGIN_DECLS

#define SYNTH_TYPE_EXPORT_DIALOG (synth_export_dialog_get_type ())
G_DECLARE_FINAL_TYPE (SynthExportDialog, synth_export_dialog, SYNTH, EXPORT_DIALOG, AdwWindow)

/* Signal "finished" (gboolean ok) when an export ended; on success the
 * dialog closes and @window shows a toast with "Open Folder". */
SynthExportDialog *synth_export_dialog_new (SynthWindow *window, SynthRunStore *store);
/* The CSV to write (what the file chooser sets). */
void synth_export_dialog_set_path (SynthExportDialog *self, const char *path);
const char *synth_export_dialog_get_path (SynthExportDialog *self);

G_END_DECLS
