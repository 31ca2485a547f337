/* synth-usage.h — what a run spent and what went wrong, for the progress
 * line, the run store and the statistics. */
#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

typedef struct _SynthUsage SynthUsage;

struct _SynthUsage
{
  guint64     requests;          /* HTTP requests sent (0 for offline) */
  guint64     retries;           /* requests repeated after a retryable failure */
  guint64     prompt_tokens;
  guint64     completion_tokens;
  double      cost;              /* USD */
  double      wall_seconds;      /* generation time, summed over sessions of a resumed run */
  GHashTable *failures;          /* reason id (char *) → count (GUINT_TO_POINTER); validation
                                    rejections and request failures: "wrong_label",
                                    "wrong_bias", "missing_slot", "empty_text", "too_short",
                                    "too_long", "malformed_json", "truncated", "http_5xx",
                                    "timeout", "dropped", "rate_limited"… */
};

#define SYNTH_TYPE_USAGE (synth_usage_get_type ())
GType       synth_usage_get_type   (void) G_GNUC_CONST;

SynthUsage *synth_usage_new        (void);
SynthUsage *synth_usage_copy       (const SynthUsage *usage);
void        synth_usage_free       (SynthUsage *usage);
/* Adds every counter of @other into @self. */
void        synth_usage_add        (SynthUsage *self, const SynthUsage *other);
void        synth_usage_add_failure (SynthUsage *self, const char *reason, guint64 count);
guint64     synth_usage_get_failure (const SynthUsage *self, const char *reason);
guint64     synth_usage_get_total_failures (const SynthUsage *self);
/* Stable JSON (object) for the run store and the stats; and back. */
char       *synth_usage_to_json    (const SynthUsage *usage);
SynthUsage *synth_usage_from_json  (const char *json, GError **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (SynthUsage, synth_usage_free)

G_END_DECLS
