/* fuzz-csv.c — the streaming CSV reader over any file a user imports.
 *
 * Input: one mode byte, then the file. Every mode reads to the end or to the
 * first error and checks what came out: fields are valid UTF-8, rows have
 * the header's width, row lines never go back, and after an error the reader
 * refuses to go on.
 *   mode & 3 == 0: rows; the rows, written back as RFC 4180 with every field
 *                  quoted, must read back identically.
 *   mode & 3 == 1: records (the dataset view: seed columns, labels, biases).
 *   mode & 3 == 2: rows, after 256 KiB of blank lines, so the file straddles
 *                  the reader's buffer boundary: the same rows must come out,
 *                  on lines shifted by the padding.
 *   mode & 3 == 3: records after the header was read as a row. */
#include <string.h>

#include "fuzz-common.h"
#include "synth-csv.h"
#include "synth-error.h"

/* The reader's block size (synth-csv.c), minus a little so the input crosses it. */
#define PADDING (256 * 1024 - 5)

typedef struct
{
  GPtrArray *rows; /* GPtrArray of char * */
  GArray *lines;   /* guint per row */
  gboolean failed; /* stopped at an error rather than at the end */
} Rows;

static void
rows_clear (Rows *rows)
{
  g_ptr_array_unref (rows->rows);
  g_array_unref (rows->lines);
}

static SynthCsvReader *
reader_for (const void *data, gsize size)
{
  g_autoptr (GInputStream) stream = g_memory_input_stream_new_from_data (data, size, NULL);
  return synth_csv_reader_new_for_stream (stream, "fuzz.csv");
}

/* A failed reader stays failed: the next call errs again. */
static void
check_stays_failed (SynthCsvReader *reader)
{
  g_autoptr (GPtrArray) fields = NULL;
  g_autoptr (GError) error = NULL;

  FUZZ_CHECK (!synth_csv_reader_next_row (reader, &fields, NULL, &error));
  FUZZ_CHECK (error != NULL && fields == NULL);
}

static Rows
read_rows (const void *data, gsize size)
{
  g_autoptr (SynthCsvReader) reader = reader_for (data, size);
  g_autoptr (GError) error = NULL;
  Rows rows = { g_ptr_array_new_with_free_func ((GDestroyNotify) g_ptr_array_unref),
                g_array_new (FALSE, FALSE, sizeof (guint)), FALSE };
  GPtrArray *fields = NULL;
  guint line = 0, last_line = 0;

  while (synth_csv_reader_next_row (reader, &fields, &line, &error))
    {
      FUZZ_CHECK (fields != NULL && fields->len > 0);
      FUZZ_CHECK (line > last_line);
      for (guint i = 0; i < fields->len; i++)
        FUZZ_CHECK (g_utf8_validate (fields->pdata[i], -1, NULL));
      if (rows.rows->len > 0)
        FUZZ_CHECK (fields->len == ((GPtrArray *) rows.rows->pdata[0])->len);
      last_line = line;
      g_ptr_array_add (rows.rows, fields);
      g_array_append_val (rows.lines, line);
    }
  FUZZ_CHECK (fields == NULL);
  rows.failed = error != NULL;
  if (rows.failed)
    {
      FUZZ_CHECK (g_error_matches (error, SYNTH_ERROR, SYNTH_ERROR_PARSE));
      check_stays_failed (reader);
    }
  return rows;
}

/* Every field quoted, quotes doubled, LF line ends. */
static GString *
write_rows (GPtrArray *rows)
{
  GString *out = g_string_new (NULL);

  for (guint r = 0; r < rows->len; r++)
    {
      GPtrArray *fields = rows->pdata[r];
      for (guint f = 0; f < fields->len; f++)
        {
          if (f > 0)
            g_string_append_c (out, ',');
          g_string_append_c (out, '"');
          for (const char *p = fields->pdata[f]; *p; p++)
            {
              if (*p == '"')
                g_string_append_c (out, '"');
              g_string_append_c (out, *p);
            }
          g_string_append_c (out, '"');
        }
      g_string_append_c (out, '\n');
    }
  return out;
}

static void
assert_same_rows (GPtrArray *a, GPtrArray *b)
{
  FUZZ_CHECK (a->len == b->len);
  for (guint r = 0; r < a->len; r++)
    {
      GPtrArray *fa = a->pdata[r], *fb = b->pdata[r];
      FUZZ_CHECK (fa->len == fb->len);
      for (guint f = 0; f < fa->len; f++)
        FUZZ_CHECK (strcmp (fa->pdata[f], fb->pdata[f]) == 0);
    }
}

static void
fuzz_rows_round_trip (const guint8 *data, gsize size)
{
  Rows rows = read_rows (data, size), again;
  GString *written = write_rows (rows.rows);

  again = read_rows (written->str, written->len);
  FUZZ_CHECK (!again.failed);
  assert_same_rows (rows.rows, again.rows);
  g_string_free (written, TRUE);
  rows_clear (&again);
  rows_clear (&rows);
}

static void
fuzz_rows_across_blocks (const guint8 *data, gsize size)
{
  g_autofree char *padded = NULL;
  Rows rows, shifted;

  /* A BOM is only one at the very start; after padding it would be text. */
  if (size >= 3 && memcmp (data, "\xEF\xBB\xBF", 3) == 0)
    return;
  padded = g_malloc (PADDING + size);
  memset (padded, '\n', PADDING);
  memcpy (padded + PADDING, data, size);

  rows = read_rows (data, size);
  shifted = read_rows (padded, PADDING + size);
  FUZZ_CHECK (rows.failed == shifted.failed);
  assert_same_rows (rows.rows, shifted.rows);
  for (guint i = 0; i < rows.lines->len; i++)
    FUZZ_CHECK (g_array_index (shifted.lines, guint, i) ==
                g_array_index (rows.lines, guint, i) + PADDING);
  rows_clear (&shifted);
  rows_clear (&rows);
}

static void
check_record (SynthRecord *record)
{
  const char *texts[] = { synth_record_get_name (record), synth_record_get_resume_text (record),
                          synth_record_get_job_skill_text (record) };

  FUZZ_CHECK (synth_record_get_match_label (record) == 0 ||
              synth_record_get_match_label (record) == 1);
  FUZZ_CHECK (synth_record_get_bias_type (record) < SYNTH_N_BIAS_TYPES);
  for (guint i = 0; i < G_N_ELEMENTS (texts); i++)
    FUZZ_CHECK (texts[i] != NULL && g_utf8_validate (texts[i], -1, NULL));
  FUZZ_CHECK (synth_record_get_bias_detail (record) == NULL ||
              *synth_record_get_bias_detail (record) != '\0');
}

static void
fuzz_records (const guint8 *data, gsize size, gboolean header_first)
{
  g_autoptr (SynthCsvReader) reader = reader_for (data, size);
  g_autoptr (GError) error = NULL;
  SynthRecord *record = NULL;

  if (header_first)
    {
      g_autoptr (GPtrArray) header = NULL;
      if (!synth_csv_reader_next_row (reader, &header, NULL, &error))
        return;
      FUZZ_CHECK (synth_csv_reader_get_header (reader) != NULL);
    }
  while (synth_csv_reader_next_record (reader, &record, &error))
    {
      FUZZ_CHECK (record != NULL);
      check_record (record);
      for (guint c = 0; c < SYNTH_CSV_N_SEED_COLUMNS; c++)
        FUZZ_CHECK (synth_csv_reader_has_column (reader, c));
      g_object_unref (record);
    }
  FUZZ_CHECK (record == NULL);
  if (error != NULL)
    {
      /* A failed reader stays failed: the next record errs again. */
      g_autoptr (GError) again = NULL;
      FUZZ_CHECK (g_error_matches (error, SYNTH_ERROR, SYNTH_ERROR_PARSE));
      FUZZ_CHECK (!synth_csv_reader_next_record (reader, &record, &again));
      FUZZ_CHECK (again != NULL && record == NULL);
    }
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  guint8 mode;

  if (size == 0)
    return 0;
  mode = data[0];
  data++;
  size--;

  switch (mode & 3)
    {
    case 0:
      fuzz_rows_round_trip (data, size);
      break;
    case 1:
      fuzz_records (data, size, FALSE);
      break;
    case 2:
      fuzz_rows_across_blocks (data, size);
      break;
    default:
      fuzz_records (data, size, TRUE);
      break;
    }
  return 0;
}
