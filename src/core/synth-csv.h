/* synth-csv.h — the dataset's CSV form (DESIGN.md §4 "Record"): an RFC 4180
 * writer that replaces its target atomically, and a streaming reader that
 * takes any RFC 4180 file and names the line of a malformed row. */
#pragma once

#include <gio/gio.h>

#include "synth-record.h"

G_BEGIN_DECLS

/* Column order is the table's in DESIGN.md §4; the first five are the seed's
 * and always come first, in this order. */
typedef enum
{
  SYNTH_CSV_COLUMN_NAME,
  SYNTH_CSV_COLUMN_RESUME_TEXT,
  SYNTH_CSV_COLUMN_JOB_SKILL_TEXT,
  SYNTH_CSV_COLUMN_MATCH_LABEL,
  SYNTH_CSV_COLUMN_BIAS_TYPE,
  SYNTH_CSV_COLUMN_BIAS_SUBTYPE,
  SYNTH_CSV_COLUMN_BIAS_DETAIL,
  SYNTH_CSV_COLUMN_DOMAIN,
  SYNTH_CSV_COLUMN_SENIORITY,
  SYNTH_CSV_COLUMN_REGION,
  SYNTH_CSV_COLUMN_LENGTH_CLASS,
  SYNTH_CSV_COLUMN_SPLIT,
  SYNTH_CSV_COLUMN_GROUP_ID,
  SYNTH_CSV_COLUMN_RECORD_ID,
  SYNTH_CSV_COLUMN_REVIEW_STATUS,
  SYNTH_CSV_N_COLUMNS
} SynthCsvColumn;

/* The five seed columns: name,resume_text,job_skill_text,match_label,bias_type. */
#define SYNTH_CSV_N_SEED_COLUMNS 5

/* Header name of a column ("name", "resume_text"…). */
const char *synth_csv_column_to_id (SynthCsvColumn column);
gboolean synth_csv_column_from_id (const char *id, SynthCsvColumn *out_column);
/* "name, resume_text, …" — every id, for error messages and --help. */
char *synth_csv_column_list_ids (void);

typedef struct
{
  /* Output order. The five seed columns are always columns[0..4]. */
  SynthCsvColumn columns[SYNTH_CSV_N_COLUMNS];
  guint n_columns;
  /* Prefix a cell starting with = + - @ TAB or CR with ' so that spreadsheets
   * show it as text instead of running it as a formula. */
  gboolean formula_guard;
  /* Write records whose review status is "rejected" too. */
  gboolean include_rejected;
  /* End rows with CRLF instead of LF (quoted line breaks are kept as they are). */
  gboolean crlf;
} SynthCsvOptions;

/* Defaults: the seed columns only, formula guard on, rejected left out, LF. */
void synth_csv_options_init (SynthCsvOptions *options);
/* @list: "seed" (the five seed columns), "all" (every column in table order)
 * or a comma-separated list of column ids, written in the order given after
 * the seed columns (naming a seed column or a column twice is harmless).
 * Unknown ids fail with SYNTH_ERROR_INVALID_ARGUMENT naming the id and
 * listing the valid ones; @options is left unchanged on error. */
gboolean
synth_csv_options_parse_columns (SynthCsvOptions *options, const char *list, GError **error);
/* The header row's ids in output order, comma-separated ("name,resume_text,…"). */
char *synth_csv_options_get_header (const SynthCsvOptions *options);

/* SynthCsvWriter: writes to a hidden temporary file in the target's
 * directory; close() makes it durable (fsync) and renames it over the
 * target, so an existing file is either replaced whole or left untouched.
 * Freeing a writer that was not closed deletes the temporary file.
 * Errors are SYNTH_ERROR_IO and name the path, the cause and what to do. */
typedef struct _SynthCsvWriter SynthCsvWriter;

/* @options: NULL for the defaults; copied. Writes the header row. */
SynthCsvWriter *
synth_csv_writer_new (const char *path, const SynthCsvOptions *options, GError **error);
/* Skips (and returns TRUE for) a rejected record unless include_rejected. */
gboolean synth_csv_writer_write (SynthCsvWriter *writer, SynthRecord *record, GError **error);
/* Records written so far (rejected ones that were skipped do not count). */
guint64 synth_csv_writer_get_n_written (SynthCsvWriter *writer);
guint64 synth_csv_writer_get_n_skipped (SynthCsvWriter *writer);
/* Bytes written so far, header included. */
guint64 synth_csv_writer_get_n_bytes (SynthCsvWriter *writer);
/* Flush, fsync, rename over the target. After a failure the target is
 * untouched and the temporary file is gone. Call once. */
gboolean synth_csv_writer_close (SynthCsvWriter *writer, GError **error);
/* Deletes the temporary file if the writer was not closed successfully. */
void synth_csv_writer_free (SynthCsvWriter *writer);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (SynthCsvWriter, synth_csv_writer_free)

/* SynthCsvReader: streams an RFC 4180 file (quoted fields with line breaks,
 * "" escapes, CRLF / LF / CR line ends, a UTF-8 BOM, a last line with or
 * without a line end, empty fields). Blank lines between rows are skipped.
 * Malformed input (an unclosed quote, a quote inside an unquoted field, text
 * after a closing quote, a row whose field count differs from the header's,
 * text that is not UTF-8) fails with SYNTH_ERROR_PARSE and a message
 * "<file>, line N: …" where N is the 1-based physical line the row starts on.
 * Memory stays bounded by the longest row (at most 64 MiB).
 *
 * The formula guard's ' prefix is not removed when reading: a cell that
 * starts with ' may have been written that way, so it is kept as it is. */
typedef struct _SynthCsvReader SynthCsvReader;

/* Missing or unreadable files fail with SYNTH_ERROR_NOT_FOUND / SYNTH_ERROR_IO. */
SynthCsvReader *synth_csv_reader_new (const char *path, GError **error);
/* @display_name names the input in error messages. Takes a reference on @stream. */
SynthCsvReader *synth_csv_reader_new_for_stream (GInputStream *stream, const char *display_name);
void synth_csv_reader_free (SynthCsvReader *reader);

/* The next row, the header first. @out_fields: (transfer full) array of
 * UTF-8 strings (g_free). @out_line: the physical line the row starts on.
 * Returns FALSE with no error at the end of the file. */
gboolean synth_csv_reader_next_row (SynthCsvReader *reader,
                                    GPtrArray **out_fields,
                                    guint *out_line,
                                    GError **error);

/* The next data row as a record (reading the header first if needed). The
 * header must name the five seed columns (in any order; matched ignoring
 * case and surrounding spaces); other known columns are read, unknown ones
 * ignored. match_label is 1/0 (or true/false); bias_type a known id;
 * review_status, when present and not empty, a known status. The record's
 * index is the number after the last '-' of record_id when there is one,
 * else the data row's 0-based position. Empty optional cells become NULL.
 * Returns FALSE with no error at the end of the file. */
gboolean
synth_csv_reader_next_record (SynthCsvReader *reader, SynthRecord **out_record, GError **error);
/* The header row, or NULL before it was read. */
GPtrArray *synth_csv_reader_get_header (SynthCsvReader *reader);
/* Whether the header names @column (valid once the header was read). */
gboolean synth_csv_reader_has_column (SynthCsvReader *reader, SynthCsvColumn column);

/* Every record of @path (an array of SynthRecord, g_object_unref). */
GPtrArray *synth_csv_read_all_records (const char *path, GError **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (SynthCsvReader, synth_csv_reader_free)

G_END_DECLS
