/* synth-sse.h — an incremental Server-Sent-Events parser (the WHATWG
 * "event stream" format, as OpenAI streams chat completions).
 *
 * A pure function over bytes: feed it the body in chunks of any size, split
 * anywhere (mid-line, between CR and LF, mid-UTF-8), and it calls back once
 * per complete event. It does no I/O and keeps no global state, so the same
 * bytes always give the same events whatever the chunking. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Default bound on one line and on one event's data: a server that sends an
 * endless line is a protocol error, not a reason to use all memory. */
#define SYNTH_SSE_DEFAULT_MAX_SIZE (16 * 1024 * 1024)

typedef struct
{
  /* The "event:" field, or "message" when the event had none. */
  const char *event;
  /* Every "data:" line of the event, joined with '\n' (one leading space after
   * the colon removed, as the spec says). Always NUL-terminated, always valid
   * UTF-8: invalid sequences and NUL bytes are replaced with U+FFFD. */
  const char *data;
  gsize data_len;
  /* The last "id:" field seen in the stream so far, or NULL. */
  const char *id;
  /* TRUE when data is exactly "[DONE]" (surrounding ASCII blanks ignored):
   * OpenAI's end-of-stream marker. */
  gboolean is_done;
} SynthSseEvent;

/* Called once per dispatched event; the event and its strings are only valid
 * during the call. Return FALSE (setting @error) to stop parsing: feed() then
 * returns FALSE with that error and the parser refuses further input. */
typedef gboolean (*SynthSseEventFunc) (const SynthSseEvent *event,
                                       gpointer user_data,
                                       GError **error);

typedef struct _SynthSseParser SynthSseParser;

SynthSseParser *synth_sse_parser_new (void);
void synth_sse_parser_free (SynthSseParser *parser);

/* Bound on one line and on one event's accumulated data, in bytes (default
 * SYNTH_SSE_DEFAULT_MAX_SIZE). Tests and fuzzers lower it. */
void synth_sse_parser_set_max_size (SynthSseParser *parser, gsize max_size);

/* Parses @len bytes of @data (may contain NUL bytes; @len 0 is fine). Events
 * complete within the chunk are dispatched through @func before it returns.
 * Lines end with CRLF, LF or CR; a blank line dispatches; lines starting with
 * ':' are comments (keep-alives) and are ignored; a field with no colon is a
 * field with an empty value; unknown fields are ignored; a UTF-8 BOM at the
 * very start is skipped; an event with no "data:" line is not dispatched.
 *
 * Returns FALSE with SYNTH_ERROR_PARSE when a line or an event exceeds the
 * size bound, or with the callback's error. After a FALSE return the parser
 * is failed: every later feed() or finish() returns FALSE with a copy of that
 * error. */
gboolean synth_sse_parser_feed (SynthSseParser *parser,
                                const char *data,
                                gsize len,
                                SynthSseEventFunc func,
                                gpointer user_data,
                                GError **error);

/* End of stream. An event whose lines were all terminated but whose final
 * blank line never came is dispatched (some servers omit it). Returns FALSE
 * with SYNTH_ERROR_PARSE when the stream stopped in the middle of a line —
 * the connection was cut — after dispatching nothing of that partial line. */
gboolean synth_sse_parser_finish (SynthSseParser *parser,
                                  SynthSseEventFunc func,
                                  gpointer user_data,
                                  GError **error);

/* TRUE once an event with data "[DONE]" has been dispatched: a stream that
 * ends without it was cut short. */
gboolean synth_sse_parser_saw_done (SynthSseParser *parser);
/* Events dispatched so far (including the [DONE] one). */
guint synth_sse_parser_get_n_events (SynthSseParser *parser);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (SynthSseParser, synth_sse_parser_free)

G_END_DECLS
