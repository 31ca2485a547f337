/* synth-format.h — numbers for people, in the user's locale: counts with
 * thousands separators, dollars, durations, rates. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* "1,234" — grouped digits. */
char *synth_format_count (guint64 n);
/* "$0.35", "$1,234.50", "< $0.01" */
char *synth_format_cost (double dollars);
/* "12 s", "5 min", "1 h 20 min"; "—" when unknown (negative or NaN). */
char *synth_format_duration (double seconds);
/* "0.734", "—" for NaN. */
char *synth_format_ratio (double value);
/* "12.5 %", "—" for NaN; @fraction in 0…1. */
char *synth_format_percent (double fraction);

G_END_DECLS

G_BEGIN_DECLS
/* "east_asia" → "East Asia": an attribute id made readable. NULL/"" → "—". */
char *synth_format_id (const char *id);
/* "Match" / "No match" for a match_label. */
const char *synth_format_label (int match_label);
/* "Unreviewed" / "Accepted" / "Rejected". */
const char *synth_format_review (int review_status);
G_END_DECLS
