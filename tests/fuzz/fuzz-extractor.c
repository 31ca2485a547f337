/* fuzz-extractor.c — the streamed-record extractor over any answer text a
 * model (or a broken proxy) sends.
 *
 * Input: one byte choosing the chunk size (1–8), then the answer text. The
 * extractor must hand over the same records, count the same malformed ones
 * and reach the same verdict whether the answer comes whole or in small
 * chunks; every record it hands over is a JSON object whose text is exactly
 * one {…}. */
#include <string.h>

#include "fuzz-common.h"
#include "synth-record-extractor.h"

typedef struct
{
  GString *records;
  guint n_records;
} Transcript;

static void
on_record (JsonObject *record, const char *json_text, gpointer user_data)
{
  Transcript *t = user_data;
  gsize len;

  FUZZ_CHECK (record != NULL && json_text != NULL);
  len = strlen (json_text);
  FUZZ_CHECK (len >= 2 && json_text[0] == '{' && json_text[len - 1] == '}');
  g_string_append_len (t->records, json_text, len);
  g_string_append_c (t->records, '\n');
  t->n_records++;
}

static char *
extract (const guint8 *data, gsize size, gsize chunk, guint *out_n_malformed, gboolean *out_ok)
{
  g_autoptr (SynthRecordExtractor) extractor = synth_record_extractor_new ();
  g_autoptr (GError) error = NULL;
  Transcript t = { g_string_new (NULL), 0 };

  for (gsize pos = 0; pos < size; pos += chunk)
    synth_record_extractor_feed (extractor, (const char *) data + pos, MIN (chunk, size - pos),
                                 on_record, &t);
  *out_ok = synth_record_extractor_finish (extractor, &error);

  FUZZ_CHECK (*out_ok == (error == NULL));
  FUZZ_CHECK (*out_ok == synth_record_extractor_is_complete (extractor));
  FUZZ_CHECK (!*out_ok || synth_record_extractor_found_records (extractor));
  FUZZ_CHECK (t.n_records == synth_record_extractor_get_n_records (extractor));
  FUZZ_CHECK (t.n_records == 0 || synth_record_extractor_found_records (extractor));
  *out_n_malformed = synth_record_extractor_get_n_malformed (extractor);
  return g_string_free (t.records, FALSE);
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  g_autofree char *whole = NULL, *chunked = NULL;
  guint malformed_whole, malformed_chunked;
  gboolean ok_whole, ok_chunked;
  gsize chunk;

  if (size == 0)
    return 0;
  chunk = (data[0] & 7) + 1;
  data++;
  size--;

  whole = extract (data, size, MAX (size, 1), &malformed_whole, &ok_whole);
  chunked = extract (data, size, chunk, &malformed_chunked, &ok_chunked);
  FUZZ_CHECK (ok_whole == ok_chunked);
  FUZZ_CHECK (malformed_whole == malformed_chunked);
  FUZZ_CHECK (strcmp (whole, chunked) == 0);
  return 0;
}
