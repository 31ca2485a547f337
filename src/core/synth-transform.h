/* synth-transform.h — the seeded surface transforms (DESIGN.md §4): textual,
 * structural, missing_noisy and human_error biases applied to finished text.
 *
 * They run after generation, whatever the provider, so the injected bias is
 * exact and a (text, seed) pair always gives the same result. Pure functions
 * over the immutable corpus: safe from any thread. */
#pragma once

#include <glib.h>

#include "synth-bias.h"
#include "synth-record.h"

G_BEGIN_DECLS

/* Applies the record's surface bias (its bias_type / bias_subtype). A record
 * whose type is not a surface type, or whose subtype is unknown, is left
 * alone and FALSE returned; a surface record without a subtype gets one
 * chosen by @seed. Deterministic for (record text, seed).
 *
 * Keeps the text before the change in clean_resume_text /
 * clean_job_skill_text (only where the text changed, and only if no earlier
 * transform set them), replaces resume_text (and job_skill_text where the
 * subtype touches it: html_artifacts may), and writes bias_detail as
 * "<type>/<subtype>: <what was done>", e.g.
 * "textual/abbreviations: JavaScript→JS, Kubernetes→K8s".
 * Returns FALSE, leaving the record untouched, when the text offers nothing
 * the subtype could change (an empty resume, say). */
gboolean synth_transform_apply (SynthRecord *record, guint64 seed);

/* The transform seed for slot @index of a run seeded @run_seed. Every
 * provider uses it, so a surface bias is the same whatever wrote the clean
 * text, and independent of the generator's own random stream. */
guint64 synth_transform_seed_for_slot (guint64 run_seed, guint index);

/* One transform alone on @text (valid UTF-8). Returns a newly allocated,
 * non-empty, valid UTF-8 text, and in @out_detail (may be NULL) the
 * "<type>/<subtype>: …" description. When nothing could be changed, returns
 * a copy of @text and a detail that says so. Returns NULL (and sets
 * @out_detail to NULL) when @type is not a surface type or @subtype is not
 * one of synth_bias_type_get_subtypes (@type). */
/* clang-format off */
char *synth_transform_text (SynthBiasType type,
                            const char   *subtype,
                            const char   *text,
                            guint64       seed,
                            char        **out_detail);
/* clang-format on */

G_END_DECLS
