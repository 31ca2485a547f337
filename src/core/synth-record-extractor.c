/* synth-record-extractor.c — a byte-level state machine that finds the
 * records array in a model's answer and cuts out each element object.
 *
 * Outside the record being read it keeps only a few flags and a nesting
 * depth, so memory stays bounded however long or strange the answer is.
 * Each complete record object is parsed by json-glib; its nesting is
 * bounded first, so the recursive parser never sees a pathological input. */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "synth-error.h"
#include "synth-record-extractor.h"

/* Records are one or two levels deep; anything far deeper is garbage, and
 * must not reach json-glib's recursive parser. */
#define MAX_RECORD_NESTING 32

typedef enum
{
  STATE_SEEK,      /* prose or fences before the JSON */
  STATE_CANDIDATE, /* saw '{' or '[' in prose; the next non-blank byte decides */
  STATE_JSON,      /* inside the top-level value */
  STATE_DONE,      /* the value that held the records has closed: ignore the rest */
} State;

struct _SynthRecordExtractor
{
  State state;
  char candidate; /* '{' or '[' in STATE_CANDIDATE */
  gboolean top_is_object;
  guint depth; /* open containers in the top-level value */
  gboolean in_string;
  gboolean escape;

  /* Members of the top-level object: find the key "records". */
  gboolean expect_key;
  gboolean in_key;
  char key[8];
  guint key_len; /* > sizeof key - 1 once it cannot be "records" */
  gboolean key_is_records;
  gboolean after_colon;

  guint records_depth; /* depth inside the records array, 0 when not in it */
  gboolean in_element; /* an element of the records array has started */
  gboolean found_records;
  gboolean complete;

  gboolean capturing; /* inside a record object */
  gboolean spoiled;   /* that record is too large or too deep: skip it */
  GString *record;
  JsonParser *parser;

  guint n_records;
  guint n_malformed;
};

SynthRecordExtractor *
synth_record_extractor_new (void)
{
  SynthRecordExtractor *self = g_new0 (SynthRecordExtractor, 1);

  self->record = g_string_new (NULL);
  self->parser = json_parser_new_immutable ();
  return self;
}

void
synth_record_extractor_free (SynthRecordExtractor *self)
{
  if (self == NULL)
    return;
  g_string_free (self->record, TRUE);
  g_object_unref (self->parser);
  g_free (self);
}

gboolean
synth_record_extractor_is_complete (SynthRecordExtractor *self)
{
  return self->complete;
}

gboolean
synth_record_extractor_found_records (SynthRecordExtractor *self)
{
  return self->found_records;
}

guint
synth_record_extractor_get_n_records (SynthRecordExtractor *self)
{
  return self->n_records;
}

guint
synth_record_extractor_get_n_malformed (SynthRecordExtractor *self)
{
  return self->n_malformed;
}

static void
emit_record (SynthRecordExtractor *self, SynthRecordObjectFunc func, gpointer user_data)
{
  JsonNode *root;

  self->capturing = FALSE;
  if (self->spoiled ||
      !json_parser_load_from_data (self->parser, self->record->str, self->record->len, NULL))
    {
      self->n_malformed++;
      return;
    }
  root = json_parser_get_root (self->parser);
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    {
      self->n_malformed++;
      return;
    }
  self->n_records++;
  if (func != NULL)
    func (json_node_get_object (root), self->record->str, user_data);
}

static void
begin_json (SynthRecordExtractor *self, char opener)
{
  self->state = STATE_JSON;
  self->top_is_object = (opener == '{');
  self->depth = 1;
  self->in_string = self->escape = FALSE;
  self->expect_key = self->top_is_object;
  self->in_key = self->key_is_records = self->after_colon = FALSE;
  if (!self->top_is_object)
    {
      /* A bare array: its elements are the records. */
      self->records_depth = 1;
      self->in_element = FALSE;
      self->found_records = TRUE;
    }
}

/* An element of the records array starts with @c (not a blank or comma). */
static void
element_start (SynthRecordExtractor *self, char c)
{
  self->in_element = TRUE;
  if (c == '{')
    {
      self->capturing = TRUE;
      self->spoiled = FALSE;
      g_string_truncate (self->record, 0);
    }
  else
    self->n_malformed++;
}

static void
string_byte (SynthRecordExtractor *self, char c)
{
  if (self->escape)
    self->escape = FALSE;
  else if (c == '\\')
    self->escape = TRUE;
  else if (c == '"')
    {
      self->in_string = FALSE;
      if (self->in_key)
        {
          self->in_key = FALSE;
          self->key_is_records = (self->key_len == 7 && memcmp (self->key, "records", 7) == 0);
        }
      return;
    }
  if (self->in_key)
    {
      if (self->key_len < sizeof self->key - 1)
        self->key[self->key_len] = c;
      if (self->key_len < sizeof self->key)
        self->key_len++;
    }
}

static void
open_container (SynthRecordExtractor *self, char c)
{
  if (self->depth == 1 && self->top_is_object && c == '[' && self->after_colon &&
      self->key_is_records && self->records_depth == 0)
    {
      self->records_depth = 2;
      self->in_element = FALSE;
      self->found_records = TRUE;
      self->complete = FALSE;
    }
  if (self->depth < G_MAXUINT)
    self->depth++;
  if (self->capturing && self->depth - self->records_depth > MAX_RECORD_NESTING)
    self->spoiled = TRUE;
}

static void
close_container (SynthRecordExtractor *self, SynthRecordObjectFunc func, gpointer user_data)
{
  if (!self->capturing && self->records_depth != 0 && self->depth == self->records_depth)
    {
      self->records_depth = 0;
      self->complete = TRUE;
    }
  self->depth--;
  if (self->capturing && self->depth == self->records_depth)
    emit_record (self, func, user_data);
  if (self->depth == 0)
    {
      /* An object with no records array (an example in the prose, say):
       * keep looking. */
      self->state = self->found_records ? STATE_DONE : STATE_SEEK;
      self->records_depth = 0;
    }
}

static void
json_byte (SynthRecordExtractor *self, char c, SynthRecordObjectFunc func, gpointer user_data)
{
  gboolean at_elements =
      (self->records_depth != 0 && self->depth == self->records_depth && !self->capturing);

  if (self->capturing && !self->spoiled)
    {
      if (self->record->len >= SYNTH_RECORD_EXTRACTOR_MAX_RECORD_SIZE)
        self->spoiled = TRUE;
      else
        g_string_append_c (self->record, c);
    }

  if (self->in_string)
    {
      string_byte (self, c);
      return;
    }

  switch (c)
    {
    case ' ':
    case '\t':
    case '\n':
    case '\r':
      return;
    case ',':
      if (at_elements)
        self->in_element = FALSE;
      else if (self->depth == 1 && self->top_is_object)
        self->expect_key = TRUE, self->key_is_records = self->after_colon = FALSE;
      return;
    case ':':
      if (self->depth == 1 && self->top_is_object)
        self->after_colon = TRUE;
      return;
    case ']':
    case '}':
      close_container (self, func, user_data);
      return;
    default:
      break;
    }

  if (at_elements && self->in_element && c == '{')
    {
      /* A record right after another with no comma between: the answer is
       * malformed (counted), but the record itself may well be fine. */
      self->n_malformed++;
      self->in_element = FALSE;
    }
  if (at_elements && !self->in_element)
    {
      element_start (self, c);
      if (c == '{')
        g_string_append_c (self->record, c);
    }

  if (c == '"')
    {
      self->in_string = TRUE;
      if (self->depth == 1 && self->top_is_object && self->expect_key)
        {
          self->expect_key = FALSE;
          self->in_key = TRUE;
          self->key_len = 0;
        }
    }
  else if (c == '{' || c == '[')
    open_container (self, c);
}

static void
seek_byte (SynthRecordExtractor *self, char c, SynthRecordObjectFunc func, gpointer user_data)
{
  if (self->state == STATE_CANDIDATE)
    {
      if (c == ' ' || c == '\t' || c == '\n' || c == '\r')
        return;
      if (self->candidate == '{' && c == '"')
        {
          begin_json (self, '{');
          json_byte (self, c, func, user_data);
          return;
        }
      if (self->candidate == '[' && (c == '{' || c == ']'))
        {
          begin_json (self, '[');
          json_byte (self, c, func, user_data);
          return;
        }
      self->state = STATE_SEEK; /* prose after all; @c may start a candidate */
    }
  if (c == '{' || c == '[')
    {
      self->state = STATE_CANDIDATE;
      self->candidate = c;
    }
}

void
synth_record_extractor_feed (SynthRecordExtractor *self,
                             const char *text,
                             gssize len,
                             SynthRecordObjectFunc func,
                             gpointer user_data)
{
  g_return_if_fail (self != NULL);
  g_return_if_fail (text != NULL || len == 0);

  if (len < 0)
    len = strlen (text);

  for (gssize i = 0; i < len; i++)
    {
      switch (self->state)
        {
        case STATE_SEEK:
        case STATE_CANDIDATE:
          seek_byte (self, text[i], func, user_data);
          break;
        case STATE_JSON:
          json_byte (self, text[i], func, user_data);
          break;
        case STATE_DONE:
          return;
        }
    }
}

gboolean
synth_record_extractor_finish (SynthRecordExtractor *self, GError **error)
{
  g_return_val_if_fail (self != NULL, FALSE);

  if (self->complete)
    return TRUE;
  if (!self->found_records)
    {
      g_set_error_literal (error, SYNTH_ERROR, SYNTH_ERROR_PARSE,
                           _ ("The model's answer contains no records array. The model may not "
                              "follow JSON instructions well; try another model."));
      return FALSE;
    }
  g_set_error (error, SYNTH_ERROR, SYNTH_ERROR_PARSE,
               _ ("The model's answer stopped before its records array was complete (it was "
                  "probably cut off at the token limit); %u complete records were kept."),
               self->n_records);
  return FALSE;
}
