/* synth-csv.c — RFC 4180 writer and streaming reader for datasets.
 *
 * The writer is on the export path of million-record runs, so it escapes
 * straight into its own 1 MiB buffer (no per-field allocation) and hands
 * whole buffers to write(2). The reader parses a byte stream with a small
 * state machine that copies runs of ordinary bytes at once. */
#define _GNU_SOURCE /* sync_file_range */
#include "config.h"

#include <inttypes.h>
#include <errno.h>
#include <fcntl.h>
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <limits.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "synth-csv.h"
#include "synth-error.h"

/* ------------------------------------------------------------------------ */
/* Columns and options                                                      */

static const char *const column_ids[SYNTH_CSV_N_COLUMNS] = {
  "name",         "resume_text", "job_skill_text", "match_label", "bias_type",
  "bias_subtype", "bias_detail", "domain",         "seniority",   "region",
  "length_class", "split",       "group_id",       "record_id",   "review_status",
};

/* The text columns' accessors; NULL for the columns that hold an id. */
typedef struct
{
  const char *(*get) (SynthRecord *record);
  void (*set) (SynthRecord *record, const char *value);
} TextAccessor;

#define TEXT_ACCESSOR(fn)                                                                          \
  {                                                                                                \
    synth_record_get_##fn, synth_record_set_##fn                                                   \
  }
static const TextAccessor text_accessors[SYNTH_CSV_N_COLUMNS] = {
  [SYNTH_CSV_COLUMN_NAME] = TEXT_ACCESSOR (name),
  [SYNTH_CSV_COLUMN_RESUME_TEXT] = TEXT_ACCESSOR (resume_text),
  [SYNTH_CSV_COLUMN_JOB_SKILL_TEXT] = TEXT_ACCESSOR (job_skill_text),
  [SYNTH_CSV_COLUMN_BIAS_SUBTYPE] = TEXT_ACCESSOR (bias_subtype),
  [SYNTH_CSV_COLUMN_BIAS_DETAIL] = TEXT_ACCESSOR (bias_detail),
  [SYNTH_CSV_COLUMN_DOMAIN] = TEXT_ACCESSOR (domain),
  [SYNTH_CSV_COLUMN_SENIORITY] = TEXT_ACCESSOR (seniority),
  [SYNTH_CSV_COLUMN_REGION] = TEXT_ACCESSOR (region),
  [SYNTH_CSV_COLUMN_LENGTH_CLASS] = TEXT_ACCESSOR (length_class),
  [SYNTH_CSV_COLUMN_SPLIT] = TEXT_ACCESSOR (split),
  [SYNTH_CSV_COLUMN_GROUP_ID] = TEXT_ACCESSOR (group_id),
  [SYNTH_CSV_COLUMN_RECORD_ID] = TEXT_ACCESSOR (record_id),
};
#undef TEXT_ACCESSOR

const char *
synth_csv_column_to_id (SynthCsvColumn column)
{
  g_return_val_if_fail (column < SYNTH_CSV_N_COLUMNS, NULL);
  return column_ids[column];
}

gboolean
synth_csv_column_from_id (const char *id, SynthCsvColumn *out_column)
{
  if (id == NULL)
    return FALSE;
  for (guint i = 0; i < SYNTH_CSV_N_COLUMNS; i++)
    if (strcmp (id, column_ids[i]) == 0)
      {
        if (out_column)
          *out_column = i;
        return TRUE;
      }
  return FALSE;
}

char *
synth_csv_column_list_ids (void)
{
  GString *s = g_string_new (NULL);

  for (guint i = 0; i < SYNTH_CSV_N_COLUMNS; i++)
    g_string_append_printf (s, "%s%s", i ? ", " : "", column_ids[i]);
  return g_string_free (s, FALSE);
}

static void
options_set_seed_columns (SynthCsvOptions *options)
{
  for (guint i = 0; i < SYNTH_CSV_N_SEED_COLUMNS; i++)
    options->columns[i] = i;
  options->n_columns = SYNTH_CSV_N_SEED_COLUMNS;
}

void
synth_csv_options_init (SynthCsvOptions *options)
{
  g_return_if_fail (options != NULL);

  memset (options, 0, sizeof *options);
  options_set_seed_columns (options);
  options->formula_guard = TRUE;
  options->include_rejected = FALSE;
  options->crlf = FALSE;
}

static void
options_add_column (SynthCsvOptions *options, SynthCsvColumn column)
{
  for (guint i = 0; i < options->n_columns; i++)
    if (options->columns[i] == column)
      return;
  options->columns[options->n_columns++] = column;
}

gboolean
synth_csv_options_parse_columns (SynthCsvOptions *options, const char *list, GError **error)
{
  SynthCsvOptions parsed = *options;
  g_auto (GStrv) parts = NULL;

  g_return_val_if_fail (options != NULL, FALSE);

  options_set_seed_columns (&parsed);
  if (list == NULL || list[strspn (list, " \t")] == '\0')
    {
      g_set_error (error, SYNTH_ERROR, SYNTH_ERROR_INVALID_ARGUMENT,
                   _ ("No columns given; use “seed”, “all” or a comma-separated list of column "
                      "ids"));
      return FALSE;
    }

  parts = g_strsplit (list, ",", -1);
  for (guint i = 0; parts[i] != NULL; i++)
    {
      const char *id = g_strstrip (parts[i]);
      SynthCsvColumn column;

      if (*id == '\0' || strcmp (id, "seed") == 0)
        continue;
      if (strcmp (id, "all") == 0)
        {
          for (guint c = 0; c < SYNTH_CSV_N_COLUMNS; c++)
            options_add_column (&parsed, c);
          continue;
        }
      if (!synth_csv_column_from_id (id, &column))
        {
          g_autofree char *ids = synth_csv_column_list_ids ();
          g_set_error (error, SYNTH_ERROR, SYNTH_ERROR_INVALID_ARGUMENT,
                       _ ("Unknown column “%s”; valid columns are: %s (or “seed”, “all”)"), id,
                       ids);
          return FALSE;
        }
      options_add_column (&parsed, column);
    }

  *options = parsed;
  return TRUE;
}

char *
synth_csv_options_get_header (const SynthCsvOptions *options)
{
  GString *s = g_string_new (NULL);

  for (guint i = 0; i < options->n_columns; i++)
    g_string_append_printf (s, "%s%s", i ? "," : "", column_ids[options->columns[i]]);
  return g_string_free (s, FALSE);
}

static gboolean
options_are_valid (const SynthCsvOptions *options)
{
  if (options->n_columns < SYNTH_CSV_N_SEED_COLUMNS || options->n_columns > SYNTH_CSV_N_COLUMNS)
    return FALSE;
  for (guint i = 0; i < options->n_columns; i++)
    if (options->columns[i] >= SYNTH_CSV_N_COLUMNS ||
        (i < SYNTH_CSV_N_SEED_COLUMNS && options->columns[i] != i))
      return FALSE;
  return TRUE;
}

/* ------------------------------------------------------------------------ */
/* Writer                                                                   */

#define WRITE_BUFFER_SIZE (1024 * 1024)
#define WRITEBACK_STEP (8 * 1024 * 1024)

struct _SynthCsvWriter
{
  SynthCsvOptions options;
  char *path;     /* as given, for messages */
  char *target;   /* where the file ends up (symlinks followed) */
  char *tmp_path; /* NULL once renamed or deleted */
  int fd;
  gboolean direct; /* target is a pipe or device: write it in place */
  char *buf;
  gsize len;
  guint64 n_flushed;    /* bytes handed to the kernel */
  guint64 n_writeback;  /* bytes whose writeback was started */
  guint64 n_written;
  guint64 n_skipped;
  guint64 n_bytes;
  int failed_errno; /* sticky: first write error, 0 while all is well */
  GError *failure;  /* the error reported for it, repeated on later calls */
  gboolean finished;
};

/* The cause in words, and what to do about it. */
static void
set_write_error (GError **error, const char *path, int err)
{
  g_autofree char *display = g_filename_display_name (path);
  g_autofree char *dir = g_path_get_dirname (path);
  g_autofree char *dir_display = g_filename_display_name (dir);
  g_autofree char *cause = NULL;
  const char *advice = _ ("Choose another folder.");

  if (err == ENOSPC || err == EDQUOT)
    {
      cause = g_strdup (_ ("the disk is full"));
      advice = _ ("Free some space or choose another folder, then export again.");
    }
  else if (err == EROFS)
    cause = g_strdup_printf (_ ("the folder “%s” is on a read-only file system"), dir_display);
  else if (err == EACCES || err == EPERM)
    {
      cause = g_strdup_printf (_ ("you do not have permission to write in the folder “%s”"),
                               dir_display);
      advice = _ ("Choose another folder or change its permissions.");
    }
  else if (err == ENOENT || err == ENOTDIR)
    {
      cause = g_strdup_printf (_ ("the folder “%s” does not exist"), dir_display);
      advice = _ ("Create it or choose another folder.");
    }
  else if (err == EISDIR)
    {
      cause = g_strdup (_ ("it is a folder"));
      advice = _ ("Give the name of a file to write.");
    }
  else
    {
      cause = g_strdup (g_strerror (err));
      advice = _ ("Check the disk and the folder, then try again.");
    }
  /* TRANSLATORS: "Could not write “<path>”: <cause>. <what to do>" */
  g_set_error (error, SYNTH_ERROR, SYNTH_ERROR_IO, _ ("Could not write “%s”: %s. %s"), display,
               cause, advice);
}

static void
writer_discard_tmp (SynthCsvWriter *self)
{
  if (self->fd >= 0)
    {
      close (self->fd);
      self->fd = -1;
    }
  if (self->tmp_path != NULL)
    {
      g_unlink (self->tmp_path);
      g_clear_pointer (&self->tmp_path, g_free);
    }
}

/* Records the first failure and deletes the partial file at once, so that a
 * full disk gets its space back before the caller even reports it. */
static void
writer_fail (SynthCsvWriter *self, int err)
{
  if (self->failed_errno != 0)
    return;
  self->failed_errno = err;
  set_write_error (&self->failure, self->path, err);
  writer_discard_tmp (self);
}

static gboolean
write_all (int fd, const char *data, gsize len, int *out_errno)
{
  while (len > 0)
    {
      gssize n = write (fd, data, MIN (len, (gsize) SSIZE_MAX));
      if (n < 0)
        {
          if (errno == EINTR)
            continue;
          *out_errno = errno;
          return FALSE;
        }
      if (n == 0)
        {
          *out_errno = ENOSPC;
          return FALSE;
        }
      data += n;
      len -= n;
    }
  return TRUE;
}

static void
writer_flush (SynthCsvWriter *self)
{
  int err = 0;

  if (self->len == 0 || self->failed_errno != 0)
    {
      self->len = 0;
      return;
    }
  if (!write_all (self->fd, self->buf, self->len, &err))
    {
      writer_fail (self, err);
      self->len = 0;
      return;
    }
  self->n_flushed += self->len;
  self->len = 0;
  /* Start writing back what is in the page cache while the export goes on,
   * so that close()'s fsync finds little left to do instead of the whole
   * file: on a large export that wait was a third of the time. Only a
   * hint; errors show up in the fsync. */
  if (!self->direct && self->n_flushed - self->n_writeback >= WRITEBACK_STEP)
    {
      (void) sync_file_range (self->fd, (off_t) self->n_writeback,
                              (off_t) (self->n_flushed - self->n_writeback), SYNC_FILE_RANGE_WRITE);
      self->n_writeback = self->n_flushed;
    }
}

static inline void
writer_append (SynthCsvWriter *self, const char *data, gsize len)
{
  self->n_bytes += len;
  while (len > 0)
    {
      gsize room = WRITE_BUFFER_SIZE - self->len;
      gsize n;

      if (room == 0)
        {
          writer_flush (self);
          room = WRITE_BUFFER_SIZE;
        }
      n = MIN (room, len);
      memcpy (self->buf + self->len, data, n);
      self->len += n;
      data += n;
      len -= n;
    }
}

static inline void
writer_append_c (SynthCsvWriter *self, char c)
{
  if (self->len == WRITE_BUFFER_SIZE)
    writer_flush (self);
  self->buf[self->len++] = c;
  self->n_bytes++;
}

static inline gboolean
is_formula_start (char c)
{
  return c == '=' || c == '+' || c == '-' || c == '@' || c == '\t' || c == '\r';
}

static void
writer_append_field (SynthCsvWriter *self, const char *value)
{
  gsize plain;
  gboolean guard;
  const char *p;

  if (value == NULL)
    value = "";
  plain = strcspn (value, "\",\r\n");
  guard = self->options.formula_guard && is_formula_start (value[0]);

  if (value[plain] == '\0')
    {
      if (guard)
        writer_append_c (self, '\'');
      writer_append (self, value, plain);
      return;
    }

  writer_append_c (self, '"');
  if (guard)
    writer_append_c (self, '\'');
  writer_append (self, value, plain);
  p = value + plain;
  for (;;)
    {
      const char *q = strchr (p, '"');
      if (q == NULL)
        {
          writer_append (self, p, strlen (p));
          break;
        }
      /* Up to and including the quote, then the quote once more. */
      writer_append (self, p, q - p + 1);
      writer_append_c (self, '"');
      p = q + 1;
    }
  writer_append_c (self, '"');
}

static void
writer_end_row (SynthCsvWriter *self)
{
  if (self->options.crlf)
    writer_append_c (self, '\r');
  writer_append_c (self, '\n');
}

static void
writer_append_header (SynthCsvWriter *self)
{
  for (guint i = 0; i < self->options.n_columns; i++)
    {
      if (i > 0)
        writer_append_c (self, ',');
      writer_append_field (self, column_ids[self->options.columns[i]]);
    }
  writer_end_row (self);
}

/* Creates the hidden temporary file beside the target, with the target's
 * permissions when it exists and the umask's default otherwise. */
static gboolean
writer_open_tmp (SynthCsvWriter *self, const struct stat *existing, GError **error)
{
  g_autofree char *dir = g_path_get_dirname (self->target);
  g_autofree char *base = g_path_get_basename (self->target);
  g_autofree char *tmpl = g_strdup_printf ("%s/.%s.XXXXXX", dir, base);
  int fd = g_mkstemp_full (tmpl, O_RDWR | O_CLOEXEC, 0666);

  if (fd < 0)
    {
      set_write_error (error, self->path, errno);
      return FALSE;
    }
  self->fd = fd;
  self->tmp_path = g_steal_pointer (&tmpl);

  if (existing != NULL)
    (void) fchmod (fd, existing->st_mode & 07777);
  return TRUE;
}

SynthCsvWriter *
synth_csv_writer_new (const char *path, const SynthCsvOptions *options, GError **error)
{
  g_autoptr (SynthCsvWriter) self = NULL;
  g_autofree char *resolved = NULL;
  struct stat st;
  gboolean exists;

  g_return_val_if_fail (path != NULL && *path != '\0', NULL);
  g_return_val_if_fail (options == NULL || options_are_valid (options), NULL);

  self = g_new0 (SynthCsvWriter, 1);
  self->fd = -1;
  self->path = g_strdup (path);
  if (options != NULL)
    self->options = *options;
  else
    synth_csv_options_init (&self->options);

  /* Write through a symlink to the file it names, rather than replace the link. */
  resolved = realpath (path, NULL);
  self->target = g_strdup (resolved != NULL ? resolved : path);

  exists = stat (self->target, &st) == 0;
  if (exists && S_ISDIR (st.st_mode))
    {
      set_write_error (error, path, EISDIR);
      return NULL;
    }

  if (exists && !S_ISREG (st.st_mode))
    {
      /* A pipe or a device (/dev/stdout): there is nothing to replace atomically. */
      self->fd = open (self->target, O_WRONLY | O_CLOEXEC);
      if (self->fd < 0)
        {
          set_write_error (error, path, errno);
          return NULL;
        }
      self->direct = TRUE;
    }
  else if (!writer_open_tmp (self, exists ? &st : NULL, error))
    return NULL;

  self->buf = g_malloc (WRITE_BUFFER_SIZE);
  writer_append_header (self);
  return g_steal_pointer (&self);
}

static gboolean
writer_check (SynthCsvWriter *self, GError **error)
{
  if (self->failure != NULL)
    {
      if (error != NULL)
        *error = g_error_copy (self->failure);
      return FALSE;
    }
  return TRUE;
}

gboolean
synth_csv_writer_write (SynthCsvWriter *self, SynthRecord *record, GError **error)
{
  char label[2];

  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (SYNTH_IS_RECORD (record), FALSE);
  g_return_val_if_fail (!self->finished, FALSE);

  if (!writer_check (self, error))
    return FALSE;

  if (!self->options.include_rejected &&
      synth_record_get_review_status (record) == SYNTH_REVIEW_REJECTED)
    {
      self->n_skipped++;
      return TRUE;
    }

  label[0] = synth_record_get_match_label (record) ? '1' : '0';
  label[1] = '\0';

  for (guint i = 0; i < self->options.n_columns; i++)
    {
      SynthCsvColumn column;
      const char *value;

      if (i > 0)
        writer_append_c (self, ',');
      column = self->options.columns[i];
      if (text_accessors[column].get != NULL)
        value = text_accessors[column].get (record);
      else if (column == SYNTH_CSV_COLUMN_MATCH_LABEL)
        value = label;
      else if (column == SYNTH_CSV_COLUMN_BIAS_TYPE)
        value = synth_bias_type_to_id (synth_record_get_bias_type (record));
      else
        value = synth_review_status_to_id (synth_record_get_review_status (record));
      writer_append_field (self, value);
    }
  writer_end_row (self);

  if (!writer_check (self, error))
    return FALSE;
  self->n_written++;
  return TRUE;
}

guint64
synth_csv_writer_get_n_written (SynthCsvWriter *self)
{
  g_return_val_if_fail (self != NULL, 0);
  return self->n_written;
}

guint64
synth_csv_writer_get_n_skipped (SynthCsvWriter *self)
{
  g_return_val_if_fail (self != NULL, 0);
  return self->n_skipped;
}

guint64
synth_csv_writer_get_n_bytes (SynthCsvWriter *self)
{
  g_return_val_if_fail (self != NULL, 0);
  return self->n_bytes;
}

/* Best effort: makes the rename itself survive a power cut. */
static void
sync_directory_of (const char *path)
{
  g_autofree char *dir = g_path_get_dirname (path);
  int fd = open (dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

  if (fd >= 0)
    {
      (void) fsync (fd);
      close (fd);
    }
}

gboolean
synth_csv_writer_close (SynthCsvWriter *self, GError **error)
{
  int fd;

  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (!self->finished, FALSE);

  self->finished = TRUE;
  writer_flush (self);
  if (!writer_check (self, error))
    return FALSE;

  fd = self->fd;
  self->fd = -1;
  if (!self->direct && fsync (fd) != 0 && errno != EINVAL && errno != ENOTSUP)
    {
      int err = errno;
      close (fd);
      writer_fail (self, err);
      return writer_check (self, error);
    }
  /* Some file systems (NFS, quotas) only report a full disk here. */
  if (close (fd) != 0 && errno != EINTR)
    {
      writer_fail (self, errno);
      return writer_check (self, error);
    }
  if (self->direct)
    return TRUE;

  if (g_rename (self->tmp_path, self->target) != 0)
    {
      writer_fail (self, errno);
      return writer_check (self, error);
    }
  g_clear_pointer (&self->tmp_path, g_free);
  sync_directory_of (self->target);
  return TRUE;
}

void
synth_csv_writer_free (SynthCsvWriter *self)
{
  if (self == NULL)
    return;
  writer_discard_tmp (self);
  g_clear_error (&self->failure);
  g_free (self->buf);
  g_free (self->path);
  g_free (self->target);
  g_free (self);
}

/* ------------------------------------------------------------------------ */
/* Reader                                                                   */

#define READ_BUFFER_SIZE (256 * 1024)
/* Bounds memory on hostile input, e.g. a quote that is never closed in a
 * large file: real rows are a few kilobytes. */
#define MAX_ROW_BYTES (64u * 1024 * 1024)
#define MAX_ROW_FIELDS 10000u

struct _SynthCsvReader
{
  GInputStream *stream;
  char *display_name;
  char *buf;
  gsize pos;
  gsize len;
  gboolean started; /* the first block was read (and a BOM skipped) */
  gboolean eof;
  guint line;       /* physical line of the next byte, 1-based */
  gboolean prev_cr; /* the last byte consumed was CR (so an LF after it ends no line) */
  GString *field;
  gsize row_bytes;
  GPtrArray *header;
  guint header_line;
  int column_index[SYNTH_CSV_N_COLUMNS];
  gboolean header_checked;
  guint64 n_data_rows;
  gboolean failed;
};

typedef enum
{
  STATE_FIELD_START,
  STATE_UNQUOTED,
  STATE_QUOTED,
  STATE_QUOTED_QUOTE, /* a quote inside a quoted field: "" or the end of it */
} ParseState;

SynthCsvReader *
synth_csv_reader_new_for_stream (GInputStream *stream, const char *display_name)
{
  SynthCsvReader *self;

  g_return_val_if_fail (G_IS_INPUT_STREAM (stream), NULL);

  self = g_new0 (SynthCsvReader, 1);
  self->stream = g_object_ref (stream);
  self->display_name = g_strdup (display_name != NULL ? display_name : "CSV");
  self->buf = g_malloc (READ_BUFFER_SIZE);
  self->line = 1;
  self->field = g_string_sized_new (4096);
  for (guint i = 0; i < SYNTH_CSV_N_COLUMNS; i++)
    self->column_index[i] = -1;
  return self;
}

SynthCsvReader *
synth_csv_reader_new (const char *path, GError **error)
{
  g_autoptr (GFile) file = NULL;
  g_autoptr (GFileInputStream) stream = NULL;
  g_autoptr (GError) local_error = NULL;
  g_autofree char *display = NULL;

  g_return_val_if_fail (path != NULL, NULL);

  file = g_file_new_for_path (path);
  display = g_filename_display_name (path);
  stream = g_file_read (file, NULL, &local_error);
  if (stream == NULL)
    {
      if (g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND))
        g_set_error (error, SYNTH_ERROR, SYNTH_ERROR_NOT_FOUND,
                     _ ("Could not open “%s”: there is no such file. Check the name and the "
                        "folder."),
                     display);
      else
        g_set_error (error, SYNTH_ERROR, SYNTH_ERROR_IO, _ ("Could not open “%s”: %s"), display,
                     local_error->message);
      return NULL;
    }
  return synth_csv_reader_new_for_stream (G_INPUT_STREAM (stream), display);
}

void
synth_csv_reader_free (SynthCsvReader *self)
{
  if (self == NULL)
    return;
  g_clear_object (&self->stream);
  g_clear_pointer (&self->header, g_ptr_array_unref);
  g_string_free (self->field, TRUE);
  g_free (self->buf);
  g_free (self->display_name);
  g_free (self);
}

static void
set_parse_error (SynthCsvReader *self, GError **error, guint line, const char *format, ...)
    G_GNUC_PRINTF (4, 5);

static void
set_parse_error (SynthCsvReader *self, GError **error, guint line, const char *format, ...)
{
  g_autofree char *message = NULL;
  va_list args;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);
  /* TRANSLATORS: "<file>, line <n>: <what is wrong>" */
  g_set_error (error, SYNTH_ERROR, SYNTH_ERROR_PARSE, _ ("%s, line %u: %s"), self->display_name,
               line, message);
  self->failed = TRUE;
}

/* Refills the buffer; at the end of the input leaves len == 0. */
static gboolean
reader_fill (SynthCsvReader *self, GError **error)
{
  g_autoptr (GError) local_error = NULL;
  gsize n = 0;

  self->pos = 0;
  self->len = 0;
  if (self->eof)
    return TRUE;

  if (!self->started)
    {
      /* read_all, so that a BOM is seen whole even from a pipe. */
      if (!g_input_stream_read_all (self->stream, self->buf, READ_BUFFER_SIZE, &n, NULL,
                                    &local_error))
        goto fail;
      self->started = TRUE;
      if (n >= 3 && memcmp (self->buf, "\xEF\xBB\xBF", 3) == 0)
        self->pos = 3;
    }
  else
    {
      gssize r =
          g_input_stream_read (self->stream, self->buf, READ_BUFFER_SIZE, NULL, &local_error);
      if (r < 0)
        goto fail;
      n = r;
    }
  self->len = n;
  if (n == 0)
    self->eof = TRUE;
  return TRUE;

fail:
  g_set_error (error, SYNTH_ERROR, SYNTH_ERROR_IO, _ ("Could not read “%s”: %s"),
               self->display_name, local_error->message);
  self->failed = TRUE;
  return FALSE;
}

static inline void
consume_newline (SynthCsvReader *self, char c)
{
  /* CR, LF and CRLF each end one line. */
  if (c == '\r' || !self->prev_cr)
    self->line++;
  self->prev_cr = c == '\r';
}

static gboolean
end_field (SynthCsvReader *self, GPtrArray *fields, guint row_line, GError **error)
{
  const char *bad;

  if (!g_utf8_validate (self->field->str, self->field->len, &bad))
    {
      set_parse_error (self, error, row_line,
                       _ ("field %u is not valid UTF-8 text (byte %zu of the field); save the file "
                          "with the UTF-8 encoding"),
                       fields->len + 1, (size_t) (bad - self->field->str) + 1);
      return FALSE;
    }
  if (fields->len >= MAX_ROW_FIELDS)
    {
      set_parse_error (self, error, row_line, _ ("this row has more than %u fields"),
                       MAX_ROW_FIELDS);
      return FALSE;
    }
  g_ptr_array_add (fields, g_strndup (self->field->str, self->field->len));
  g_string_truncate (self->field, 0);
  return TRUE;
}

static inline gboolean
append_run (SynthCsvReader *self, const char *p, gsize n, guint row_line, GError **error)
{
  self->row_bytes += n;
  if (self->row_bytes > MAX_ROW_BYTES)
    {
      set_parse_error (self, error, row_line,
                       _ ("this row is longer than %u MiB; a quoted field is probably never "
                          "closed"),
                       MAX_ROW_BYTES / (1024 * 1024));
      return FALSE;
    }
  g_string_append_len (self->field, p, n);
  return TRUE;
}

/* Length of the run of bytes that carry no meaning in @state. */
static inline gsize
ordinary_run (const char *p, const char *end, gboolean quoted)
{
  const char *q = p;

  if (quoted)
    while (q < end && *q != '"' && *q != '\r' && *q != '\n')
      q++;
  else
    while (q < end && *q != '"' && *q != ',' && *q != '\r' && *q != '\n')
      q++;
  return q - p;
}

typedef enum
{
  STEP_MORE,
  STEP_ROW_END,
  STEP_ERROR,
} Step;

typedef struct
{
  ParseState state;
  gboolean in_row;
  guint row_line;
  guint quote_line;
  GPtrArray *fields;
} RowParse;

/* Consumes the next byte, or the run of ordinary bytes that starts there. */
static Step
reader_step (SynthCsvReader *self, RowParse *rp, GError **error)
{
  const char *p = self->buf + self->pos;
  char c = *p;

  if (!rp->in_row)
    {
      if (c == '\r' || c == '\n')
        {
          /* A blank line, or the LF of a CRLF. */
          consume_newline (self, c);
          self->pos++;
          return STEP_MORE;
        }
      rp->in_row = TRUE;
      rp->row_line = self->line;
    }

  if (rp->state == STATE_UNQUOTED || rp->state == STATE_QUOTED)
    {
      gsize n = ordinary_run (p, self->buf + self->len, rp->state == STATE_QUOTED);
      if (n > 0)
        {
          self->pos += n;
          self->prev_cr = FALSE;
          return append_run (self, p, n, rp->row_line, error) ? STEP_MORE : STEP_ERROR;
        }
    }

  self->pos++;
  if (c == '\r' || c == '\n')
    {
      consume_newline (self, c);
      if (rp->state != STATE_QUOTED)
        return STEP_ROW_END;
      /* A line break inside a quoted field is data. */
      return append_run (self, p, 1, rp->row_line, error) ? STEP_MORE : STEP_ERROR;
    }
  self->prev_cr = FALSE;

  /* Here the state is never QUOTED with a comma or UNQUOTED with an ordinary
   * byte: ordinary_run() took those. */
  if (c == ',')
    {
      rp->state = STATE_FIELD_START;
      return end_field (self, rp->fields, rp->row_line, error) ? STEP_MORE : STEP_ERROR;
    }
  switch (rp->state)
    {
    case STATE_FIELD_START:
      if (c == '"')
        {
          rp->state = STATE_QUOTED;
          rp->quote_line = self->line;
          return STEP_MORE;
        }
      rp->state = STATE_UNQUOTED;
      return append_run (self, p, 1, rp->row_line, error) ? STEP_MORE : STEP_ERROR;
    case STATE_UNQUOTED:
      set_parse_error (self, error, rp->row_line,
                       _ ("a field that does not start with a quote contains one; enclose the "
                          "field in quotes and double the quotes inside it (\"\")"));
      return STEP_ERROR;
    case STATE_QUOTED:
      rp->state = STATE_QUOTED_QUOTE;
      return STEP_MORE;
    case STATE_QUOTED_QUOTE:
      if (c == '"')
        {
          rp->state = STATE_QUOTED;
          return append_run (self, p, 1, rp->row_line, error) ? STEP_MORE : STEP_ERROR;
        }
      set_parse_error (self, error, rp->row_line,
                       _ ("text follows the closing quote of field %u; a quote inside a quoted "
                          "field must be doubled (\"\")"),
                       rp->fields->len + 1);
      return STEP_ERROR;
    default:
      g_assert_not_reached ();
    }
}

/* Parses one row into @fields. Returns FALSE at the end of the input (with
 * @fields empty) or on error. */
static gboolean
reader_parse_row (SynthCsvReader *self, GPtrArray *fields, guint *out_line, GError **error)
{
  RowParse rp = { STATE_FIELD_START, FALSE, self->line, self->line, fields };
  Step step = STEP_MORE;

  g_string_truncate (self->field, 0);
  self->row_bytes = 0;
  while (step == STEP_MORE)
    {
      if (self->pos == self->len)
        {
          if (!reader_fill (self, error))
            return FALSE;
          if (self->len == 0)
            break; /* the end of the input ends the row too */
        }
      step = reader_step (self, &rp, error);
    }
  if (step == STEP_ERROR || !rp.in_row)
    return FALSE;

  if (rp.state == STATE_QUOTED)
    {
      if (rp.quote_line == rp.row_line)
        set_parse_error (self, error, rp.row_line,
                         _ ("the quoted field that starts here is never closed; add the "
                            "closing quote (\")"));
      else
        set_parse_error (self, error, rp.row_line,
                         _ ("the quoted field that starts on line %u is never closed; add the "
                            "closing quote (\")"),
                         rp.quote_line);
      return FALSE;
    }
  if (!end_field (self, fields, rp.row_line, error))
    return FALSE;
  *out_line = rp.row_line;
  return TRUE;
}

static void
reader_map_header (SynthCsvReader *self)
{
  for (guint i = 0; i < self->header->len; i++)
    {
      g_autofree char *id = g_ascii_strdown (g_ptr_array_index (self->header, i), -1);
      SynthCsvColumn column;

      /* The first of two columns with one name wins. */
      if (synth_csv_column_from_id (g_strstrip (id), &column) && self->column_index[column] < 0)
        self->column_index[column] = i;
    }
}

gboolean
synth_csv_reader_next_row (SynthCsvReader *self,
                           GPtrArray **out_fields,
                           guint *out_line,
                           GError **error)
{
  g_autoptr (GPtrArray) fields = NULL;
  guint line = 0;

  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (out_fields != NULL, FALSE);

  *out_fields = NULL;
  if (self->failed)
    {
      g_set_error (error, SYNTH_ERROR, SYNTH_ERROR_PARSE,
                   _ ("%s: reading stopped at the previous error"), self->display_name);
      return FALSE;
    }

  fields = g_ptr_array_new_with_free_func (g_free);
  if (!reader_parse_row (self, fields, &line, error))
    return FALSE;

  if (self->header == NULL)
    {
      self->header = g_ptr_array_new_full (fields->len, g_free);
      for (guint i = 0; i < fields->len; i++)
        g_ptr_array_add (self->header, g_strdup (g_ptr_array_index (fields, i)));
      self->header_line = line;
      reader_map_header (self);
    }
  else if (fields->len != self->header->len)
    {
      set_parse_error (self, error, line,
                       ngettext ("this row has %u field but the header has %u; a field that "
                                 "contains a comma, a quote or a line break must be enclosed in "
                                 "quotes",
                                 "this row has %u fields but the header has %u; a field that "
                                 "contains a comma, a quote or a line break must be enclosed in "
                                 "quotes",
                                 fields->len),
                       fields->len, self->header->len);
      return FALSE;
    }

  if (out_line != NULL)
    *out_line = line;
  *out_fields = g_steal_pointer (&fields);
  return TRUE;
}

GPtrArray *
synth_csv_reader_get_header (SynthCsvReader *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  return self->header;
}

gboolean
synth_csv_reader_has_column (SynthCsvReader *self, SynthCsvColumn column)
{
  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (column < SYNTH_CSV_N_COLUMNS, FALSE);
  return self->column_index[column] >= 0;
}

/* Reads the header if that was not done yet and checks it names the seed columns. */
static gboolean
reader_ensure_header (SynthCsvReader *self, GError **error)
{
  if (self->header == NULL)
    {
      g_autoptr (GPtrArray) header = NULL;
      g_autoptr (GError) local_error = NULL;

      if (!synth_csv_reader_next_row (self, &header, NULL, &local_error))
        {
          if (local_error != NULL)
            g_propagate_error (error, g_steal_pointer (&local_error));
          else
            g_set_error (error, SYNTH_ERROR, SYNTH_ERROR_PARSE,
                         _ ("%s is empty; a dataset starts with the header row "
                            "name,resume_text,job_skill_text,match_label,bias_type"),
                         self->display_name);
          return FALSE;
        }
    }
  if (self->header_checked)
    return TRUE;

  for (guint c = 0; c < SYNTH_CSV_N_SEED_COLUMNS; c++)
    if (self->column_index[c] < 0)
      {
        g_set_error (error, SYNTH_ERROR, SYNTH_ERROR_PARSE,
                     _ ("%s, line %u: the header has no “%s” column; a dataset needs the "
                        "columns name,resume_text,job_skill_text,match_label,bias_type"),
                     self->display_name, self->header_line, column_ids[c]);
        self->failed = TRUE;
        return FALSE;
      }
  self->header_checked = TRUE;
  return TRUE;
}

static gboolean
parse_label (const char *text, int *out_label)
{
  g_autofree char *t = g_strstrip (g_strdup (text));

  if (strcmp (t, "1") == 0 || g_ascii_strcasecmp (t, "true") == 0)
    *out_label = 1;
  else if (strcmp (t, "0") == 0 || g_ascii_strcasecmp (t, "false") == 0)
    *out_label = 0;
  else
    return FALSE;
  return TRUE;
}

static guint
index_from_record_id (const char *record_id, guint fallback)
{
  const char *dash = record_id != NULL ? strrchr (record_id, '-') : NULL;
  guint64 value;

  if (dash != NULL && g_ascii_string_to_unsigned (dash + 1, 10, 0, G_MAXUINT, &value, NULL))
    return (guint) value;
  return fallback;
}

/* Sets the record's texts from the cells. Empty optional cells become NULL
 * (the writer writes NULL as an empty cell), so a round trip keeps "no value". */
static void
record_set_texts (SynthRecord *record, const char *const *cell)
{
  for (guint c = 0; c < SYNTH_CSV_N_COLUMNS; c++)
    {
      const char *value = cell[c];

      if (text_accessors[c].set == NULL)
        continue;
      if (c >= SYNTH_CSV_N_SEED_COLUMNS && value != NULL && *value == '\0')
        value = NULL;
      text_accessors[c].set (record, value);
    }
}

static gboolean
record_set_ids (
    SynthCsvReader *self, SynthRecord *record, const char *const *cell, guint line, GError **error)
{
  g_autofree char *bias = g_strstrip (g_strdup (cell[SYNTH_CSV_COLUMN_BIAS_TYPE]));
  const char *status = cell[SYNTH_CSV_COLUMN_REVIEW_STATUS];
  SynthBiasType bias_type;
  int label;

  if (!parse_label (cell[SYNTH_CSV_COLUMN_MATCH_LABEL], &label))
    {
      set_parse_error (self, error, line,
                       _ ("match_label is “%s”; it must be 1 (match) or 0 (no match)"),
                       cell[SYNTH_CSV_COLUMN_MATCH_LABEL]);
      return FALSE;
    }
  if (!synth_bias_type_from_id (bias, &bias_type))
    {
      GString *ids = g_string_new (NULL);
      for (guint i = 0; i < SYNTH_N_BIAS_TYPES; i++)
        g_string_append_printf (ids, "%s%s", i ? ", " : "", synth_bias_type_to_id (i));
      set_parse_error (self, error, line, _ ("bias_type is “%s”, which is not one of: %s"),
                       cell[SYNTH_CSV_COLUMN_BIAS_TYPE], ids->str);
      g_string_free (ids, TRUE);
      return FALSE;
    }
  synth_record_set_match_label (record, label);
  synth_record_set_bias_type (record, bias_type);

  if (status != NULL && *status != '\0')
    {
      g_autofree char *s = g_strstrip (g_strdup (status));
      SynthReviewStatus review;

      if (!synth_review_status_from_id (s, &review))
        {
          set_parse_error (self, error, line,
                           _ ("review_status is “%s”; it must be unreviewed, accepted or "
                              "rejected"),
                           status);
          return FALSE;
        }
      synth_record_set_review_status (record, review);
    }
  return TRUE;
}

gboolean
synth_csv_reader_next_record (SynthCsvReader *self, SynthRecord **out_record, GError **error)
{
  g_autoptr (GPtrArray) fields = NULL;
  g_autoptr (SynthRecord) record = NULL;
  const char *cell[SYNTH_CSV_N_COLUMNS];
  guint line = 0;

  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (out_record != NULL, FALSE);

  *out_record = NULL;
  if (!reader_ensure_header (self, error))
    return FALSE;
  if (!synth_csv_reader_next_row (self, &fields, &line, error))
    return FALSE;

  for (guint c = 0; c < SYNTH_CSV_N_COLUMNS; c++)
    cell[c] = self->column_index[c] >= 0 ? g_ptr_array_index (fields, self->column_index[c]) : NULL;

  record = synth_record_new ();
  record_set_texts (record, cell);
  if (!record_set_ids (self, record, cell, line, error))
    return FALSE;
  synth_record_set_index (
      record, index_from_record_id (cell[SYNTH_CSV_COLUMN_RECORD_ID], (guint) self->n_data_rows));
  self->n_data_rows++;
  *out_record = g_steal_pointer (&record);
  return TRUE;
}

GPtrArray *
synth_csv_read_all_records (const char *path, GError **error)
{
  g_autoptr (SynthCsvReader) reader = NULL;
  g_autoptr (GPtrArray) records = NULL;
  g_autoptr (GError) local_error = NULL;
  SynthRecord *record = NULL;

  reader = synth_csv_reader_new (path, error);
  if (reader == NULL)
    return NULL;
  records = g_ptr_array_new_with_free_func (g_object_unref);
  while (synth_csv_reader_next_record (reader, &record, &local_error))
    g_ptr_array_add (records, record);
  if (local_error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return NULL;
    }
  return g_steal_pointer (&records);
}
