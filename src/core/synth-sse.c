/* synth-sse.c — incremental Server-Sent-Events parser.
 *
 * Follows the WHATWG "event stream interpretation" algorithm. Lines are
 * split on CR, LF or CRLF; since neither byte can occur inside a multi-byte
 * UTF-8 sequence, working on bytes and validating UTF-8 once per event is
 * exact, whatever the chunk boundaries. */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "synth-error.h"
#include "synth-sse.h"

static const guchar utf8_bom[3] = { 0xEF, 0xBB, 0xBF };

struct _SynthSseParser
{
  GString *line;     /* the current line, not yet terminated */
  GString *data;     /* the event's data lines, each followed by '\n' */
  gboolean has_data; /* a "data" field was seen in this event */
  char *event_type;  /* NULL: "message" */
  char *last_id;
  gboolean skip_lf; /* the previous byte was a CR: a following LF is part of it */
  int bom_matched;  /* BOM bytes matched at the start; -1 once past it */
  gsize max_size;
  GError *failure; /* set once the parser has failed */
  gboolean saw_done;
  guint n_events;
};

SynthSseParser *
synth_sse_parser_new (void)
{
  SynthSseParser *parser = g_new0 (SynthSseParser, 1);

  parser->line = g_string_new (NULL);
  parser->data = g_string_new (NULL);
  parser->max_size = SYNTH_SSE_DEFAULT_MAX_SIZE;
  return parser;
}

void
synth_sse_parser_free (SynthSseParser *parser)
{
  if (parser == NULL)
    return;
  g_string_free (parser->line, TRUE);
  g_string_free (parser->data, TRUE);
  g_free (parser->event_type);
  g_free (parser->last_id);
  g_clear_error (&parser->failure);
  g_free (parser);
}

void
synth_sse_parser_set_max_size (SynthSseParser *parser, gsize max_size)
{
  g_return_if_fail (parser != NULL);
  g_return_if_fail (max_size > 0);
  parser->max_size = max_size;
}

gboolean
synth_sse_parser_saw_done (SynthSseParser *parser)
{
  g_return_val_if_fail (parser != NULL, FALSE);
  return parser->saw_done;
}

guint
synth_sse_parser_get_n_events (SynthSseParser *parser)
{
  g_return_val_if_fail (parser != NULL, 0);
  return parser->n_events;
}

static gboolean
fail (SynthSseParser *parser, GError *error, GError **out_error)
{
  parser->failure = error;
  if (out_error != NULL)
    *out_error = g_error_copy (error);
  return FALSE;
}

static gboolean
fail_too_large (SynthSseParser *parser, GError **error)
{
  return fail (
      parser,
      g_error_new (SYNTH_ERROR, SYNTH_ERROR_PARSE,
                   _ ("The server sent an event-stream line or event larger than %" G_GSIZE_FORMAT
                      " bytes; this is not a valid chat completion "
                      "stream. Check the base URL points at an OpenAI-compatible server."),
                   parser->max_size),
      error);
}

static void
reset_event (SynthSseParser *parser)
{
  g_string_truncate (parser->data, 0);
  parser->has_data = FALSE;
  g_clear_pointer (&parser->event_type, g_free);
}

static gboolean
is_done_marker (const char *data, gsize len)
{
  while (len > 0 && g_ascii_isspace (data[0]))
    data++, len--;
  while (len > 0 && g_ascii_isspace (data[len - 1]))
    len--;
  return len == 6 && memcmp (data, "[DONE]", 6) == 0;
}

static gboolean
dispatch (SynthSseParser *parser, SynthSseEventFunc func, gpointer user_data, GError **error)
{
  g_autofree char *valid = NULL;
  SynthSseEvent event = { 0 };
  GError *local_error = NULL;

  if (!parser->has_data)
    {
      /* The spec's "data buffer is empty": nothing to dispatch. */
      reset_event (parser);
      return TRUE;
    }

  /* Every data line appended a '\n'; the last one is not part of the data. */
  g_string_truncate (parser->data, parser->data->len - 1);
  event.data = parser->data->str;
  event.data_len = parser->data->len;
  if (!g_utf8_validate_len (event.data, event.data_len, NULL))
    {
      valid = g_utf8_make_valid (event.data, event.data_len);
      event.data = valid;
      event.data_len = strlen (valid);
    }
  event.event = parser->event_type != NULL ? parser->event_type : "message";
  event.id = parser->last_id;
  event.is_done = is_done_marker (event.data, event.data_len);

  parser->n_events++;
  if (event.is_done)
    parser->saw_done = TRUE;

  if (func != NULL && !func (&event, user_data, &local_error))
    {
      if (local_error == NULL)
        local_error = g_error_new_literal (SYNTH_ERROR, SYNTH_ERROR_FAILED,
                                           _ ("Reading the event stream was stopped."));
      reset_event (parser);
      return fail (parser, local_error, error);
    }
  reset_event (parser);
  return TRUE;
}

static gboolean
field_is (const char *field, gsize len, const char *name)
{
  return strlen (name) == len && memcmp (field, name, len) == 0;
}

/* One complete line, without its terminator. */
static gboolean
process_line (SynthSseParser *parser,
              const char *line,
              gsize len,
              SynthSseEventFunc func,
              gpointer user_data,
              GError **error)
{
  const char *colon;
  const char *value = "";
  gsize field_len = len, value_len = 0;

  if (len == 0)
    return dispatch (parser, func, user_data, error);
  if (line[0] == ':')
    return TRUE; /* a comment: keep-alive */

  colon = memchr (line, ':', len);
  if (colon != NULL)
    {
      field_len = colon - line;
      value = colon + 1;
      value_len = len - field_len - 1;
      if (value_len > 0 && value[0] == ' ')
        value++, value_len--;
    }

  if (field_is (line, field_len, "data"))
    {
      if (parser->data->len + value_len + 1 > parser->max_size)
        return fail_too_large (parser, error);
      g_string_append_len (parser->data, value, value_len);
      g_string_append_c (parser->data, '\n');
      parser->has_data = TRUE;
    }
  else if (field_is (line, field_len, "event"))
    {
      /* Valid UTF-8 like the data (the spec decodes the whole stream). */
      g_free (parser->event_type);
      parser->event_type = g_utf8_make_valid (value, value_len);
    }
  else if (field_is (line, field_len, "id"))
    {
      /* The spec ignores ids containing NUL. */
      if (memchr (value, '\0', value_len) == NULL)
        {
          g_free (parser->last_id);
          parser->last_id = g_utf8_make_valid (value, value_len);
        }
    }
  /* "retry" and unknown fields are ignored. */
  return TRUE;
}

static gboolean
append_to_line (SynthSseParser *parser, const char *bytes, gsize len, GError **error)
{
  if (len == 0)
    return TRUE;
  if (parser->line->len + len > parser->max_size)
    return fail_too_large (parser, error);
  g_string_append_len (parser->line, bytes, len);
  return TRUE;
}

/* Consumes a leading UTF-8 BOM, even when it arrives split over chunks.
 * Returns how many bytes of @data were consumed. */
static gsize
skip_bom (SynthSseParser *parser, const char *data, gsize len, GError **error)
{
  gsize i = 0;

  while (parser->bom_matched >= 0 && i < len)
    {
      if ((guchar) data[i] == utf8_bom[parser->bom_matched])
        {
          parser->bom_matched++;
          i++;
          if (parser->bom_matched == 3)
            parser->bom_matched = -1;
        }
      else
        {
          /* Not a BOM after all: the bytes matched so far belong to the line. */
          append_to_line (parser, (const char *) utf8_bom, parser->bom_matched, error);
          parser->bom_matched = -1;
        }
    }
  return i;
}

gboolean
synth_sse_parser_feed (SynthSseParser *parser,
                       const char *data,
                       gsize len,
                       SynthSseEventFunc func,
                       gpointer user_data,
                       GError **error)
{
  gsize i;

  g_return_val_if_fail (parser != NULL, FALSE);
  g_return_val_if_fail (data != NULL || len == 0, FALSE);

  if (parser->failure != NULL)
    {
      g_propagate_error (error, g_error_copy (parser->failure));
      return FALSE;
    }

  i = skip_bom (parser, data, len, error);
  if (parser->failure != NULL)
    return FALSE;

  while (i < len)
    {
      gsize start = i;

      if (parser->skip_lf)
        {
          parser->skip_lf = FALSE;
          if (data[i] == '\n')
            {
              i++;
              continue;
            }
        }

      while (i < len && data[i] != '\n' && data[i] != '\r')
        i++;
      if (!append_to_line (parser, data + start, i - start, error))
        return FALSE;
      if (i == len)
        break;

      /* A line ends here. */
      parser->skip_lf = (data[i] == '\r');
      i++;
      if (!process_line (parser, parser->line->str, parser->line->len, func, user_data, error))
        return FALSE;
      g_string_truncate (parser->line, 0);
    }
  return TRUE;
}

gboolean
synth_sse_parser_finish (SynthSseParser *parser,
                         SynthSseEventFunc func,
                         gpointer user_data,
                         GError **error)
{
  g_return_val_if_fail (parser != NULL, FALSE);

  if (parser->failure != NULL)
    {
      g_propagate_error (error, g_error_copy (parser->failure));
      return FALSE;
    }

  if (parser->line->len > 0 || parser->bom_matched > 0)
    {
      g_string_truncate (parser->line, 0);
      reset_event (parser);
      return fail (parser,
                   g_error_new_literal (SYNTH_ERROR, SYNTH_ERROR_PARSE,
                                        _ ("The server's event stream ended in the middle of a "
                                           "line: the connection was probably cut. The request "
                                           "can be retried.")),
                   error);
    }

  /* Lenient: complete lines whose final blank line never came. */
  return dispatch (parser, func, user_data, error);
}
