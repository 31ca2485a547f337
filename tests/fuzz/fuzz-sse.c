/* fuzz-sse.c — the Server-Sent-Events parser over any bytes a server sends.
 *
 * Input: one byte choosing the chunk size (1–8), the size bound and whether
 * the consumer stops at an event, then the body. The parser must give the
 * same events and the same verdict whether the body arrives in one piece or
 * in small chunks, every event's data must be NUL-terminated valid UTF-8 of
 * the stated length, and a failed parser must stay failed. */
#include <string.h>

#include "fuzz-common.h"
#include "synth-sse.h"

#define CONSUMER_ERROR (g_quark_from_static_string ("fuzz-sse-consumer"))

typedef struct
{
  GString *events;
  guint n_events;
  gboolean saw_done;
  guint stop_at; /* the callback refuses this event (1-based), 0: never */
} Transcript;

static gboolean
on_event (const SynthSseEvent *event, gpointer user_data, GError **error)
{
  Transcript *t = user_data;
  g_autofree char *stripped = NULL;

  FUZZ_CHECK (event->event != NULL && event->data != NULL);
  FUZZ_CHECK (strlen (event->data) == event->data_len);
  FUZZ_CHECK (g_utf8_validate (event->data, event->data_len, NULL));
  FUZZ_CHECK (g_utf8_validate (event->event, -1, NULL));
  FUZZ_CHECK (event->id == NULL || g_utf8_validate (event->id, -1, NULL));
  /* is_done means exactly "[DONE]" with optional ASCII blanks around it. */
  stripped = g_strstrip (g_strdup (event->data));
  FUZZ_CHECK (event->is_done == (strcmp (stripped, "[DONE]") == 0));

  g_string_append_printf (t->events, "%s|%s|%s|%d\n", event->event, event->id ? event->id : "-",
                          event->data, event->is_done);
  t->n_events++;
  t->saw_done |= event->is_done;
  if (t->n_events == t->stop_at)
    {
      g_set_error_literal (error, CONSUMER_ERROR, 1, "stopped by the consumer");
      return FALSE;
    }
  return TRUE;
}

/* Parses @data in pieces of @chunk bytes; returns the transcript, and the
 * verdict in *@ok. */
static char *
parse (const guint8 *data, gsize size, gsize chunk, gsize max_size, guint stop_at, gboolean *ok)
{
  g_autoptr (SynthSseParser) parser = synth_sse_parser_new ();
  g_autoptr (GError) error = NULL;
  Transcript t = { g_string_new (NULL), 0, FALSE, stop_at };

  synth_sse_parser_set_max_size (parser, max_size);
  *ok = TRUE;
  for (gsize pos = 0; pos < size && *ok; pos += chunk)
    *ok = synth_sse_parser_feed (parser, (const char *) data + pos, MIN (chunk, size - pos),
                                 on_event, &t, &error);
  if (*ok)
    *ok = synth_sse_parser_finish (parser, on_event, &t, &error);

  FUZZ_CHECK (*ok == (error == NULL));
  /* A refusing consumer's own error comes back, and nothing after it. */
  if (stop_at > 0 && t.n_events >= stop_at)
    FUZZ_CHECK (g_error_matches (error, CONSUMER_ERROR, 1) && t.n_events == stop_at);
  FUZZ_CHECK (synth_sse_parser_get_n_events (parser) == t.n_events);
  FUZZ_CHECK (synth_sse_parser_saw_done (parser) == t.saw_done);
  if (!*ok)
    {
      /* Failed is final: more input and finish() keep failing, silently. */
      g_autoptr (GError) again = NULL;
      guint n = t.n_events;

      FUZZ_CHECK (!synth_sse_parser_feed (parser, "data: x\n\n", 9, on_event, &t, &again));
      FUZZ_CHECK (again != NULL);
      g_clear_error (&again);
      FUZZ_CHECK (!synth_sse_parser_finish (parser, on_event, &t, &again));
      FUZZ_CHECK (again != NULL && t.n_events == n);
    }
  return g_string_free (t.events, FALSE);
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  g_autofree char *whole = NULL, *chunked = NULL;
  gboolean ok_whole, ok_chunked;
  gsize chunk, max_size;
  guint stop_at;

  if (size == 0)
    return 0;
  chunk = (data[0] & 7) + 1;
  /* Now and then a consumer that stops at an event (the 1st to 3rd)… */
  stop_at = (data[0] >> 3) & 3;
  /* …and a small bound, so the size errors are reached. */
  max_size = (data[0] & 0x80) ? 64 : 4096;
  data++;
  size--;

  whole = parse (data, size, MAX (size, 1), max_size, stop_at, &ok_whole);
  chunked = parse (data, size, chunk, max_size, stop_at, &ok_chunked);
  FUZZ_CHECK (ok_whole == ok_chunked);
  FUZZ_CHECK (strcmp (whole, chunked) == 0);
  return 0;
}
