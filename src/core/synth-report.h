/* synth-report.h — the self-contained HTML quality report: headline
 * figures, the four charts as inline SVG (drawn by synth-charts), the
 * per-category tables and the provenance. No script, no external resource;
 * every string that may come from a model or an imported file is escaped. */
#pragma once

#include <glib.h>

#include "synth-stats.h"

G_BEGIN_DECLS

/* The whole page as UTF-8 HTML5. */
char *synth_report_build_html (SynthStats *stats);

/* Writes the page through a temporary file renamed over @path. */
gboolean synth_report_write_html (SynthStats *stats, const char *path, GError **error);

G_END_DECLS
