/* synth-diff.h — a word-level diff of two texts, for showing what a surface
 * transform changed against the clean text. */
#pragma once

#include <glib.h>

#include "synth-text.h"

G_BEGIN_DECLS

/* Fills @out_old and @out_new (GArrays of SynthTextSpan, byte offsets) with
 * the runs of @old_text removed and of @new_text inserted, comparing words,
 * punctuation and the whitespace between them. When the part that differs
 * (after the common start and end) is too large to compare (more than four
 * million token pairs), it is reported whole as one changed span. */
void
synth_diff_words (const char *old_text, const char *new_text, GArray *out_old, GArray *out_new);

G_END_DECLS
