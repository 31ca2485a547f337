/* synth-record-extractor.h — pulls record objects out of a model's answer
 * while it streams.
 *
 * Fed the concatenated `delta.content` text of a streamed answer
 * `{"records":[{…},{…}]}` in chunks of any size, it hands over each record
 * object the moment its closing brace arrives, so records reach the run
 * store one by one instead of when the batch ends.
 *
 * It is a small state machine (strings, escapes, nesting depth), a pure
 * function over bytes with bounded memory: only the record being read is
 * buffered. It tolerates what models do around the JSON: leading prose,
 * ```json fences, whitespace anywhere, a bare top-level array `[{…},{…}]`
 * instead of the wrapper object, braces and brackets inside strings. */
#pragma once

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

/* A record object longer than this (bytes of JSON text) is skipped and
 * counted as malformed; the scan goes on with the next one. */
#define SYNTH_RECORD_EXTRACTOR_MAX_RECORD_SIZE (1024 * 1024)

/* Called for each complete record object, in answer order. @record is owned by
 * the extractor (ref it to keep it); @json_text is the object's exact JSON text
 * (NUL-terminated), valid only during the call. */
typedef void (*SynthRecordObjectFunc) (JsonObject *record, const char *json_text, gpointer user_data);

typedef struct _SynthRecordExtractor SynthRecordExtractor;

SynthRecordExtractor *synth_record_extractor_new (void);
void synth_record_extractor_free (SynthRecordExtractor *self);

/* Scans @len bytes of answer text (@len -1: NUL-terminated). Every record
 * object completed by this chunk is passed to @func before it returns. A
 * record object that is not valid JSON (e.g. `{"slot": tru}`) or too large is
 * not passed on but counted (see get_n_malformed). Never fails: problems with
 * the answer as a whole are reported by finish(). */
void synth_record_extractor_feed (SynthRecordExtractor *self,
                                  const char *text,
                                  gssize len,
                                  SynthRecordObjectFunc func,
                                  gpointer user_data);

/* End of the answer. Returns TRUE when a complete records array was read (the
 * array's closing bracket arrived). Otherwise FALSE with SYNTH_ERROR_PARSE and
 * a message saying whether no JSON was found at all or the answer stopped
 * early (truncated); the records already passed on stay valid either way. */
gboolean synth_record_extractor_finish (SynthRecordExtractor *self, GError **error);

/* TRUE once the records array has been closed. */
gboolean synth_record_extractor_is_complete (SynthRecordExtractor *self);
/* TRUE once the start of a records array was found. */
gboolean synth_record_extractor_found_records (SynthRecordExtractor *self);
/* Record objects passed to the callback so far. */
guint synth_record_extractor_get_n_records (SynthRecordExtractor *self);
/* Elements of the records array that were skipped: objects that did not parse
 * or were too large, and non-object elements (numbers, strings…). */
guint synth_record_extractor_get_n_malformed (SynthRecordExtractor *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (SynthRecordExtractor, synth_record_extractor_free)

G_END_DECLS
