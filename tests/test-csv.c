/* test-csv.c — the CSV writer and reader: RFC 4180 round trips of hostile
 * text, the formula guard, column selection, the reader's tolerance and its
 * line numbers, and the writer's promise never to half-overwrite a file. */
#include <errno.h>
#include <glib/gstdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "synth-csv.h"
#include "synth-error.h"

/* Text a dataset might carry and a naive CSV writer would break on. */
static const char *const hostile[] = {
  "plain",
  "with \"quotes\" inside",
  "\"wrapped in quotes\"",
  "comma, separated, values",
  "line\nfeed",
  "carriage\rreturn",
  "crlf\r\ninside\r\n",
  "\n",
  "\r",
  "=cmd|' /C calc'!A0",
  "+1",
  "-2",
  "@SUM(1)",
  "\tleading tab",
  "\rleading CR",
  "emoji 👩‍💻🚀 ✓",
  "RTL: مرحبا بالعالم — שלום עולם",
  "",
  "\"",
  "\"\"",
  ",",
  " leading and trailing spaces ",
  "'already an apostrophe",
  "=",
};

/* ---------------------------------------------------------------------- */
/* helpers                                                                */

static char *
make_tmp_dir (void)
{
  g_autoptr (GError) error = NULL;
  char *dir = g_dir_make_tmp ("test-csv-XXXXXX", &error);

  g_assert_no_error (error);
  return dir;
}

static void
remove_tree (const char *path)
{
  GDir *dir = g_dir_open (path, 0, NULL);

  if (dir != NULL)
    {
      const char *name;

      g_chmod (path, 0700);
      while ((name = g_dir_read_name (dir)) != NULL)
        {
          g_autofree char *child = g_build_filename (path, name, NULL);
          remove_tree (child);
        }
      g_dir_close (dir);
      g_rmdir (path);
    }
  else
    g_unlink (path);
}

static guint
count_entries (const char *path)
{
  GDir *dir = g_dir_open (path, 0, NULL);
  guint n = 0;

  g_assert_nonnull (dir);
  while (g_dir_read_name (dir) != NULL)
    n++;
  g_dir_close (dir);
  return n;
}

static char *
read_file (const char *path, gsize *out_len)
{
  g_autoptr (GError) error = NULL;
  char *contents = NULL;

  g_file_get_contents (path, &contents, out_len, &error);
  g_assert_no_error (error);
  return contents;
}

static void
write_file (const char *path, const char *contents, gssize len)
{
  g_autoptr (GError) error = NULL;

  g_file_set_contents (path, contents, len, &error);
  g_assert_no_error (error);
}

static SynthRecord *
make_record (guint i, const char *name, const char *resume, const char *job)
{
  SynthRecord *record = synth_record_new ();
  g_autofree char *record_id = g_strdup_printf ("run42-%07u", i);

  synth_record_set_index (record, i);
  synth_record_set_record_id (record, record_id);
  synth_record_set_name (record, name);
  synth_record_set_resume_text (record, resume);
  synth_record_set_job_skill_text (record, job);
  synth_record_set_match_label (record, i % 2);
  synth_record_set_bias_type (record, i % SYNTH_N_BIAS_TYPES);
  return record;
}

static void
write_records (const char *path, const SynthCsvOptions *options, GPtrArray *records)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (SynthCsvWriter) writer = synth_csv_writer_new (path, options, &error);

  g_assert_no_error (error);
  g_assert_nonnull (writer);
  for (guint i = 0; i < records->len; i++)
    {
      synth_csv_writer_write (writer, g_ptr_array_index (records, i), &error);
      g_assert_no_error (error);
    }
  synth_csv_writer_close (writer, &error);
  g_assert_no_error (error);
}

/* All rows of @path, header first, as arrays of strings. */
static GPtrArray *
read_rows (const char *path)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (SynthCsvReader) reader = synth_csv_reader_new (path, &error);
  GPtrArray *rows = g_ptr_array_new_with_free_func ((GDestroyNotify) g_ptr_array_unref);
  GPtrArray *fields = NULL;

  g_assert_no_error (error);
  while (synth_csv_reader_next_row (reader, &fields, NULL, &error))
    g_ptr_array_add (rows, fields);
  g_assert_no_error (error);
  return rows;
}

static const char *
row_cell (GPtrArray *rows, guint row, guint column)
{
  GPtrArray *fields = g_ptr_array_index (rows, row);
  g_assert_cmpuint (column, <, fields->len);
  return g_ptr_array_index (fields, column);
}

/* "" and NULL are both "no value" in a CSV cell. */
static void
assert_same_text (const char *a, const char *b)
{
  g_assert_cmpstr (a != NULL ? a : "", ==, b != NULL ? b : "");
}

/* ---------------------------------------------------------------------- */
/* columns and options                                                    */

static void
test_column_ids (void)
{
  for (guint c = 0; c < SYNTH_CSV_N_COLUMNS; c++)
    {
      SynthCsvColumn back = SYNTH_CSV_N_COLUMNS;
      g_assert_true (synth_csv_column_from_id (synth_csv_column_to_id (c), &back));
      g_assert_cmpint (back, ==, c);
    }
  g_assert_false (synth_csv_column_from_id ("nmae", NULL));
  g_assert_false (synth_csv_column_from_id (NULL, NULL));
}

static void
test_options_columns (void)
{
  g_autoptr (GError) error = NULL;
  SynthCsvOptions options;
  g_autofree char *seed = NULL;
  g_autofree char *picked = NULL;
  g_autofree char *all = NULL;
  g_autofree char *after_error = NULL;

  synth_csv_options_init (&options);
  g_assert_true (options.formula_guard);
  g_assert_false (options.include_rejected);
  g_assert_false (options.crlf);
  seed = synth_csv_options_get_header (&options);
  g_assert_cmpstr (seed, ==, "name,resume_text,job_skill_text,match_label,bias_type");

  /* The order given is kept; seed columns and repeats change nothing. */
  g_assert_true (
      synth_csv_options_parse_columns (&options, " record_id, split ,name,domain,split", &error));
  g_assert_no_error (error);
  picked = synth_csv_options_get_header (&options);
  g_assert_cmpstr (picked, ==,
                   "name,resume_text,job_skill_text,match_label,bias_type,record_id,split,domain");

  g_assert_true (synth_csv_options_parse_columns (&options, "all", &error));
  all = synth_csv_options_get_header (&options);
  g_assert_cmpstr (all, ==,
                   "name,resume_text,job_skill_text,match_label,bias_type,bias_subtype,"
                   "bias_detail,domain,seniority,region,length_class,split,group_id,record_id,"
                   "review_status");

  g_assert_true (synth_csv_options_parse_columns (&options, "seed", &error));
  g_assert_cmpuint (options.n_columns, ==, SYNTH_CSV_N_SEED_COLUMNS);

  /* An unknown id is named, the valid ones listed, the options untouched. */
  g_assert_true (synth_csv_options_parse_columns (&options, "split", &error));
  g_assert_false (synth_csv_options_parse_columns (&options, "domain,nmae", &error));
  g_assert_error (error, SYNTH_ERROR, SYNTH_ERROR_INVALID_ARGUMENT);
  g_assert_nonnull (strstr (error->message, "nmae"));
  g_assert_nonnull (strstr (error->message, "resume_text"));
  g_assert_nonnull (strstr (error->message, "review_status"));
  after_error = synth_csv_options_get_header (&options);
  g_assert_cmpstr (after_error, ==, "name,resume_text,job_skill_text,match_label,bias_type,split");
  g_clear_error (&error);

  g_assert_false (synth_csv_options_parse_columns (&options, " ", &error));
  g_assert_error (error, SYNTH_ERROR, SYNTH_ERROR_INVALID_ARGUMENT);
}

/* ---------------------------------------------------------------------- */
/* writer output                                                          */

static void
test_exact_bytes (void)
{
  g_autofree char *dir = make_tmp_dir ();
  g_autofree char *path = g_build_filename (dir, "out.csv", NULL);
  g_autoptr (GPtrArray) records = g_ptr_array_new_with_free_func (g_object_unref);
  g_autofree char *lf = NULL;
  g_autofree char *crlf = NULL;
  SynthRecord *r;
  SynthCsvOptions options;

  r = make_record (1, "Ada \"The\" Lovelace", "line1\nline2, x", "=1+1");
  synth_record_set_bias_type (r, SYNTH_BIAS_TEXTUAL);
  g_ptr_array_add (records, r);
  r = make_record (2, "Bo", "", NULL);
  synth_record_set_bias_type (r, SYNTH_BIAS_NONE);
  g_ptr_array_add (records, r);

  synth_csv_options_init (&options);
  write_records (path, &options, records);
  lf = read_file (path, NULL);
  g_assert_cmpstr (lf, ==,
                   "name,resume_text,job_skill_text,match_label,bias_type\n"
                   "\"Ada \"\"The\"\" Lovelace\",\"line1\nline2, x\",'=1+1,1,textual\n"
                   "Bo,,,0,none\n");

  /* CRLF ends rows; a line break inside a field stays as it was. */
  options.crlf = TRUE;
  write_records (path, &options, records);
  crlf = read_file (path, NULL);
  g_assert_cmpstr (crlf, ==,
                   "name,resume_text,job_skill_text,match_label,bias_type\r\n"
                   "\"Ada \"\"The\"\" Lovelace\",\"line1\nline2, x\",'=1+1,1,textual\r\n"
                   "Bo,,,0,none\r\n");
  remove_tree (dir);
}

static GPtrArray *
make_hostile_records (void)
{
  GPtrArray *records = g_ptr_array_new_with_free_func (g_object_unref);
  guint n = G_N_ELEMENTS (hostile);

  for (guint i = 0; i < n; i++)
    {
      SynthRecord *r = make_record (i, hostile[i], hostile[(i + 1) % n], hostile[(i + 2) % n]);

      synth_record_set_bias_subtype (r, hostile[(i + 3) % n]);
      synth_record_set_bias_detail (r, hostile[(i + 4) % n]);
      synth_record_set_domain (r, hostile[(i + 5) % n]);
      synth_record_set_seniority (r, hostile[(i + 6) % n]);
      synth_record_set_region (r, hostile[(i + 7) % n]);
      synth_record_set_length_class (r, hostile[(i + 8) % n]);
      synth_record_set_split (r, hostile[(i + 9) % n]);
      synth_record_set_group_id (r, hostile[(i + 10) % n]);
      synth_record_set_review_status (r, i % 2 ? SYNTH_REVIEW_ACCEPTED : SYNTH_REVIEW_UNREVIEWED);
      g_ptr_array_add (records, r);
    }
  return records;
}

static void
assert_records_equal (SynthRecord *a, SynthRecord *b)
{
  g_assert_cmpstr (synth_record_get_name (a), ==, synth_record_get_name (b));
  g_assert_cmpstr (synth_record_get_resume_text (a), ==, synth_record_get_resume_text (b));
  assert_same_text (synth_record_get_job_skill_text (a), synth_record_get_job_skill_text (b));
  g_assert_cmpint (synth_record_get_match_label (a), ==, synth_record_get_match_label (b));
  g_assert_cmpint (synth_record_get_bias_type (a), ==, synth_record_get_bias_type (b));
  assert_same_text (synth_record_get_bias_subtype (a), synth_record_get_bias_subtype (b));
  assert_same_text (synth_record_get_bias_detail (a), synth_record_get_bias_detail (b));
  assert_same_text (synth_record_get_domain (a), synth_record_get_domain (b));
  assert_same_text (synth_record_get_seniority (a), synth_record_get_seniority (b));
  assert_same_text (synth_record_get_region (a), synth_record_get_region (b));
  assert_same_text (synth_record_get_length_class (a), synth_record_get_length_class (b));
  assert_same_text (synth_record_get_split (a), synth_record_get_split (b));
  assert_same_text (synth_record_get_group_id (a), synth_record_get_group_id (b));
  g_assert_cmpstr (synth_record_get_record_id (a), ==, synth_record_get_record_id (b));
  g_assert_cmpint (synth_record_get_review_status (a), ==, synth_record_get_review_status (b));
  g_assert_cmpuint (synth_record_get_index (a), ==, synth_record_get_index (b));
}

static void
test_round_trip_hostile (void)
{
  g_autofree char *dir = make_tmp_dir ();
  g_autofree char *path = g_build_filename (dir, "hostile.csv", NULL);
  g_autoptr (GPtrArray) records = make_hostile_records ();
  g_autoptr (GPtrArray) back = NULL;
  g_autoptr (GError) error = NULL;
  SynthCsvOptions options;

  for (int crlf = 0; crlf <= 1; crlf++)
    {
      synth_csv_options_init (&options);
      options.formula_guard = FALSE;
      options.crlf = crlf;
      g_assert_true (synth_csv_options_parse_columns (&options, "all", &error));
      write_records (path, &options, records);

      back = synth_csv_read_all_records (path, &error);
      g_assert_no_error (error);
      g_assert_cmpuint (back->len, ==, records->len);
      for (guint i = 0; i < records->len; i++)
        assert_records_equal (g_ptr_array_index (records, i), g_ptr_array_index (back, i));
      g_clear_pointer (&back, g_ptr_array_unref);
    }
  remove_tree (dir);
}

static gboolean
starts_like_formula (const char *s)
{
  return s[0] != '\0' && strchr ("=+-@\t\r", s[0]) != NULL;
}

static void
test_formula_guard (void)
{
  g_autofree char *dir = make_tmp_dir ();
  g_autofree char *path = g_build_filename (dir, "guarded.csv", NULL);
  g_autoptr (GPtrArray) records = make_hostile_records ();
  g_autoptr (GPtrArray) rows = NULL;
  g_autofree char *raw = NULL;
  guint n_guarded = 0;

  write_records (path, NULL, records);
  rows = read_rows (path);
  g_assert_cmpuint (rows->len, ==, records->len + 1);

  for (guint i = 0; i < records->len; i++)
    {
      SynthRecord *r = g_ptr_array_index (records, i);
      const char *texts[3] = { synth_record_get_name (r), synth_record_get_resume_text (r),
                               synth_record_get_job_skill_text (r) };

      for (guint c = 0; c < 3; c++)
        {
          const char *cell = row_cell (rows, i + 1, c);
          if (starts_like_formula (texts[c]))
            {
              g_autofree char *expected = g_strconcat ("'", texts[c], NULL);
              g_assert_cmpstr (cell, ==, expected);
              n_guarded++;
            }
          else
            g_assert_cmpstr (cell, ==, texts[c]);
        }
    }
  /* Every formula-like string appears once in each of the three columns. */
  g_assert_cmpuint (n_guarded, ==, 3 * 8);

  /* The exact bytes: unquoted where nothing needs quoting, and the ' inside
   * the quotes when the cell needs them. */
  raw = read_file (path, NULL);
  g_assert_nonnull (strstr (raw, ",'=cmd|' /C calc'!A0,"));
  g_assert_nonnull (strstr (raw, ",'+1,"));
  g_assert_nonnull (strstr (raw, ",'-2,"));
  g_assert_nonnull (strstr (raw, ",'@SUM(1),"));
  g_assert_nonnull (strstr (raw, ",'\tleading tab,"));
  g_assert_nonnull (strstr (raw, ",\"'\rleading CR\","));
  g_assert_nonnull (strstr (raw, ",'already an apostrophe,"));
  g_assert_null (strstr (raw, "''already"));
  remove_tree (dir);
}

static void
test_long_field (void)
{
  g_autofree char *dir = make_tmp_dir ();
  g_autofree char *path = g_build_filename (dir, "long.csv", NULL);
  g_autoptr (GPtrArray) records = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr (GPtrArray) back = NULL;
  g_autoptr (GError) error = NULL;
  GString *big = g_string_sized_new (1 << 20);
  SynthCsvOptions options;

  /* 1 MiB with quotes, commas and line breaks spread through it, so that
   * escapes straddle the writer's and the reader's buffer boundaries. */
  for (guint i = 0; big->len < (1 << 20); i++)
    g_string_append_printf (big, "%u \"q\", x\r\n%s ", i, i % 7 ? "ü" : "😀");
  g_ptr_array_add (records, make_record (0, "long", big->str, "short"));
  g_ptr_array_add (records, make_record (1, big->str + 1, "x", big->str + 2));

  synth_csv_options_init (&options);
  options.formula_guard = FALSE;
  g_assert_true (synth_csv_options_parse_columns (&options, "all", &error));
  write_records (path, &options, records);
  back = synth_csv_read_all_records (path, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (back->len, ==, 2);
  assert_records_equal (g_ptr_array_index (records, 0), g_ptr_array_index (back, 0));
  assert_records_equal (g_ptr_array_index (records, 1), g_ptr_array_index (back, 1));
  g_string_free (big, TRUE);
  remove_tree (dir);
}

static void
test_include_rejected (void)
{
  g_autofree char *dir = make_tmp_dir ();
  g_autofree char *path = g_build_filename (dir, "review.csv", NULL);
  g_autoptr (GError) error = NULL;
  const char *names[] = { "Unreviewed Una", "Accepted Ali", "Rejected Rea" };
  SynthReviewStatus statuses[] = { SYNTH_REVIEW_UNREVIEWED, SYNTH_REVIEW_ACCEPTED,
                                   SYNTH_REVIEW_REJECTED };

  for (int include = 0; include <= 1; include++)
    {
      g_autoptr (SynthCsvWriter) writer = NULL;
      g_autoptr (GPtrArray) rows = NULL;
      SynthCsvOptions options;

      synth_csv_options_init (&options);
      options.include_rejected = include;
      synth_csv_options_parse_columns (&options, "review_status", &error);
      writer = synth_csv_writer_new (path, &options, &error);
      g_assert_no_error (error);
      for (guint i = 0; i < G_N_ELEMENTS (names); i++)
        {
          g_autoptr (SynthRecord) r = make_record (i, names[i], "resume", "job");
          synth_record_set_review_status (r, statuses[i]);
          g_assert_true (synth_csv_writer_write (writer, r, &error));
          g_assert_no_error (error);
        }
      g_assert_cmpuint (synth_csv_writer_get_n_written (writer), ==, include ? 3 : 2);
      g_assert_cmpuint (synth_csv_writer_get_n_skipped (writer), ==, include ? 0 : 1);
      g_assert_true (synth_csv_writer_close (writer, &error));

      rows = read_rows (path);
      g_assert_cmpuint (rows->len, ==, include ? 4 : 3);
      g_assert_cmpstr (row_cell (rows, 1, 0), ==, "Unreviewed Una");
      g_assert_cmpstr (row_cell (rows, 2, 0), ==, "Accepted Ali");
      g_assert_cmpstr (row_cell (rows, 2, 5), ==, "accepted");
      if (include)
        {
          g_assert_cmpstr (row_cell (rows, 3, 0), ==, "Rejected Rea");
          g_assert_cmpstr (row_cell (rows, 3, 5), ==, "rejected");
        }
    }
  remove_tree (dir);
}

static void
test_optional_columns (void)
{
  g_autofree char *dir = make_tmp_dir ();
  g_autofree char *path = g_build_filename (dir, "cols.csv", NULL);
  g_autoptr (GPtrArray) records = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr (GPtrArray) rows = NULL;
  g_autoptr (GError) error = NULL;
  SynthCsvOptions options;
  SynthRecord *r = make_record (7, "Name", "Resume", "Job");

  synth_record_set_split (r, "eval");
  synth_record_set_group_id (r, "g-3");
  synth_record_set_domain (r, "healthcare");
  g_ptr_array_add (records, r);

  synth_csv_options_init (&options);
  g_assert_true (synth_csv_options_parse_columns (&options, "group_id,record_id,split", &error));
  write_records (path, &options, records);
  rows = read_rows (path);
  g_assert_cmpuint (rows->len, ==, 2);
  g_assert_cmpuint (((GPtrArray *) g_ptr_array_index (rows, 0))->len, ==, 8);
  g_assert_cmpstr (row_cell (rows, 0, 0), ==, "name");
  g_assert_cmpstr (row_cell (rows, 0, 4), ==, "bias_type");
  g_assert_cmpstr (row_cell (rows, 0, 5), ==, "group_id");
  g_assert_cmpstr (row_cell (rows, 0, 6), ==, "record_id");
  g_assert_cmpstr (row_cell (rows, 0, 7), ==, "split");
  g_assert_cmpstr (row_cell (rows, 1, 5), ==, "g-3");
  g_assert_cmpstr (row_cell (rows, 1, 6), ==, "run42-0000007");
  g_assert_cmpstr (row_cell (rows, 1, 7), ==, "eval");
  remove_tree (dir);
}

/* ---------------------------------------------------------------------- */
/* reader                                                                 */

static GPtrArray *
read_rows_from (const char *dir, const char *contents, gssize len, GPtrArray **out_lines)
{
  g_autofree char *path = g_build_filename (dir, "in.csv", NULL);
  g_autoptr (GError) error = NULL;
  g_autoptr (SynthCsvReader) reader = NULL;
  GPtrArray *rows = g_ptr_array_new_with_free_func ((GDestroyNotify) g_ptr_array_unref);
  GPtrArray *fields = NULL;
  guint line = 0;

  write_file (path, contents, len);
  reader = synth_csv_reader_new (path, &error);
  g_assert_no_error (error);
  *out_lines = g_ptr_array_new ();
  while (synth_csv_reader_next_row (reader, &fields, &line, &error))
    {
      g_ptr_array_add (rows, fields);
      g_ptr_array_add (*out_lines, GUINT_TO_POINTER (line));
    }
  g_assert_no_error (error);
  /* The end stays the end. */
  g_assert_false (synth_csv_reader_next_row (reader, &fields, &line, &error));
  g_assert_no_error (error);
  g_assert_null (fields);
  return rows;
}

static void
assert_row (GPtrArray *rows, GPtrArray *lines, guint i, guint line, const char *const *expected)
{
  GPtrArray *fields = g_ptr_array_index (rows, i);
  guint n = g_strv_length ((char **) expected);

  g_assert_cmpuint (GPOINTER_TO_UINT (g_ptr_array_index (lines, i)), ==, line);
  g_assert_cmpuint (fields->len, ==, n);
  for (guint c = 0; c < n; c++)
    g_assert_cmpstr (g_ptr_array_index (fields, c), ==, expected[c]);
}

static void
test_reader_accepts (void)
{
  g_autofree char *dir = make_tmp_dir ();
  const char *header[] = { "a", "b", "c", NULL };
  const char *row_quoted[] = { "1", "x\r\ny", "he said \"hi\"", NULL };
  const char *row_empty[] = { "", "", "", NULL };
  const char *row_last[] = { "", "", "last", NULL };
  const char *row_lf[] = { "1", "two\nlines", "3", NULL };
  struct
  {
    const char *text;
    guint lines[4];
    const char *const *rows[4];
  } cases[] = {
    /* BOM, CRLF, quoted CRLF, "" escapes, empty fields, no final line end */
    { "\xEF\xBB\xBF"
      "a,b,c\r\n1,\"x\r\ny\",\"he said \"\"hi\"\"\"\r\n,,\r\n\"\",\"\",last",
      { 1, 2, 4, 5 },
      { header, row_quoted, row_empty, row_last } },
    /* LF, blank lines skipped, a final line end */
    { "a,b,c\n\n1,\"two\nlines\",3\n\n\n,,\n,,last\n",
      { 1, 3, 7, 8 },
      { header, row_lf, row_empty, row_last } },
    /* Bare CR line ends (old Mac exports) */
    { "a,b,c\r1,\"x\r\ny\",\"he said \"\"hi\"\"\"\r,,\r,,last\r",
      { 1, 2, 4, 5 },
      { header, row_quoted, row_empty, row_last } },
  };

  for (guint k = 0; k < G_N_ELEMENTS (cases); k++)
    {
      g_autoptr (GPtrArray) lines = NULL;
      g_autoptr (GPtrArray) rows = read_rows_from (dir, cases[k].text, -1, &lines);

      g_test_message ("case %u", k);
      g_assert_cmpuint (rows->len, ==, 4);
      for (guint i = 0; i < 4; i++)
        assert_row (rows, lines, i, cases[k].lines[i], cases[k].rows[i]);
    }
  remove_tree (dir);
}

static void
test_reader_empty_input (void)
{
  g_autofree char *dir = make_tmp_dir ();
  g_autoptr (GPtrArray) lines = NULL;
  g_autoptr (GPtrArray) rows = read_rows_from (dir, "", 0, &lines);
  g_autoptr (GPtrArray) lines2 = NULL;
  g_autoptr (GPtrArray) rows2 = read_rows_from (dir, "\xEF\xBB\xBF\r\n\n", -1, &lines2);

  g_assert_cmpuint (rows->len, ==, 0);
  g_assert_cmpuint (rows2->len, ==, 0);
  remove_tree (dir);
}

static void
assert_parse_error (
    const char *dir, const char *contents, gssize len, guint line, const char *needle)
{
  g_autofree char *path = g_build_filename (dir, "bad.csv", NULL);
  g_autofree char *prefix = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (SynthCsvReader) reader = NULL;
  GPtrArray *fields = NULL;
  guint n_rows = 0;

  write_file (path, contents, len);
  reader = synth_csv_reader_new (path, &error);
  g_assert_no_error (error);
  while (synth_csv_reader_next_row (reader, &fields, NULL, &error))
    {
      g_ptr_array_unref (fields);
      n_rows++;
    }
  g_assert_error (error, SYNTH_ERROR, SYNTH_ERROR_PARSE);
  g_test_message ("%s", error->message);
  prefix = g_strdup_printf ("%s, line %u: ", path, line);
  g_assert_true (g_str_has_prefix (error->message, prefix));
  g_assert_nonnull (strstr (error->message, needle));
  g_clear_error (&error);

  /* Reading on after an error stays an error, never a crash or garbage. */
  g_assert_false (synth_csv_reader_next_row (reader, &fields, NULL, &error));
  g_assert_nonnull (error);
}

static void
test_reader_malformed (void)
{
  g_autofree char *dir = make_tmp_dir ();

  assert_parse_error (dir, "a,b\n1,2\n\"open,3\n4,5\n", -1, 3, "never closed");
  assert_parse_error (dir, "a,b\n1,\"x\n", -1, 2, "starts here is never closed");
  assert_parse_error (dir, "a,b,c\n\"p\nq\",\"open\nmore\n", -1, 2,
                      "starts on line 3 is never closed");
  assert_parse_error (dir, "a,b\n1,2\n3,4\nx\"y,5\n", -1, 4, "quote");
  assert_parse_error (dir, "a,b\n\"x\"y,1\n", -1, 2, "closing quote of field 1");
  /* The header has 2 fields; the row on line 4 (after a row spanning 2-3) has 3. */
  assert_parse_error (dir, "a,b\n\"multi\nline\",1\n1,2,3\n", -1, 4,
                      "this row has 3 fields but the header has 2");
  assert_parse_error (dir, "a,b\r\n\r\n1,2\r\n1\r\n", -1, 4,
                      "this row has 1 field but the header has 2");
  assert_parse_error (dir, "a,b\n1,2\n\xff\xfe,3\n", -1, 3, "UTF-8");
  assert_parse_error (dir, "a,b\n1,2\n\"\xc3\",3\n", -1, 3, "field 1 is not valid UTF-8");
  assert_parse_error (dir, "a,b\n1,x\0y\n", 10, 2, "field 2 is not valid UTF-8");
  remove_tree (dir);
}

static void
test_reader_row_limit (void)
{
  /* An unclosed quote in a huge input must fail, not swallow the rest of it. */
  gsize len = 65 * 1024 * 1024 + 100;
  char *data = g_malloc (len);
  g_autoptr (GInputStream) stream = NULL;
  g_autoptr (SynthCsvReader) reader = NULL;
  g_autoptr (GError) error = NULL;
  GPtrArray *fields = NULL;

  memset (data, 'x', len);
  memcpy (data, "a,b\n1,\"", 7);
  stream = g_memory_input_stream_new_from_data (data, len, g_free);
  reader = synth_csv_reader_new_for_stream (stream, "huge.csv");
  g_assert_true (synth_csv_reader_next_row (reader, &fields, NULL, &error));
  g_ptr_array_unref (fields);
  g_assert_false (synth_csv_reader_next_row (reader, &fields, NULL, &error));
  g_assert_error (error, SYNTH_ERROR, SYNTH_ERROR_PARSE);
  g_assert_true (g_str_has_prefix (error->message, "huge.csv, line 2: "));
  g_assert_nonnull (strstr (error->message, "MiB"));
}

/* ---------------------------------------------------------------------- */
/* records                                                                */

static SynthCsvReader *
reader_for_text (const char *text, const char *name)
{
  g_autoptr (GInputStream) stream =
      g_memory_input_stream_new_from_data (g_strdup (text), strlen (text), g_free);
  return synth_csv_reader_new_for_stream (stream, name);
}

static void
test_records_by_header_name (void)
{
  g_autoptr (SynthCsvReader) reader = reader_for_text (
      " Bias_Type ,extra,match_label,NAME,job_skill_text,resume_text,record_id,split\n"
      "fairness,?,1,Amaka,Python,Résumé A,run-0000042,eval\n"
      "none,?,FALSE,Björn,SQL,Résumé B,,\n",
      "mixed.csv");
  g_autoptr (SynthRecord) first = NULL;
  g_autoptr (SynthRecord) second = NULL;
  g_autoptr (GError) error = NULL;
  SynthRecord *none = NULL;

  g_assert_true (synth_csv_reader_next_record (reader, &first, &error));
  g_assert_no_error (error);
  g_assert_true (synth_csv_reader_has_column (reader, SYNTH_CSV_COLUMN_SPLIT));
  g_assert_false (synth_csv_reader_has_column (reader, SYNTH_CSV_COLUMN_DOMAIN));
  g_assert_cmpstr (synth_record_get_name (first), ==, "Amaka");
  g_assert_cmpstr (synth_record_get_resume_text (first), ==, "Résumé A");
  g_assert_cmpstr (synth_record_get_job_skill_text (first), ==, "Python");
  g_assert_cmpint (synth_record_get_match_label (first), ==, 1);
  g_assert_cmpint (synth_record_get_bias_type (first), ==, SYNTH_BIAS_FAIRNESS);
  g_assert_cmpstr (synth_record_get_split (first), ==, "eval");
  g_assert_cmpuint (synth_record_get_index (first), ==, 42);

  g_assert_true (synth_csv_reader_next_record (reader, &second, &error));
  g_assert_cmpint (synth_record_get_match_label (second), ==, 0);
  g_assert_cmpint (synth_record_get_bias_type (second), ==, SYNTH_BIAS_NONE);
  g_assert_null (synth_record_get_split (second));
  g_assert_null (synth_record_get_record_id (second));
  /* No record_id: the data row's position. */
  g_assert_cmpuint (synth_record_get_index (second), ==, 1);
  g_assert_cmpint (synth_record_get_review_status (second), ==, SYNTH_REVIEW_UNREVIEWED);

  g_assert_false (synth_csv_reader_next_record (reader, &none, &error));
  g_assert_no_error (error);
  g_assert_null (none);
}

static void
assert_record_error (const char *text, int code, const char *const *needles)
{
  g_autoptr (SynthCsvReader) reader = reader_for_text (text, "data.csv");
  g_autoptr (GError) error = NULL;
  SynthRecord *record = NULL;

  while (synth_csv_reader_next_record (reader, &record, &error))
    g_clear_object (&record);
  g_assert_error (error, SYNTH_ERROR, code);
  g_test_message ("%s", error->message);
  for (guint i = 0; needles[i] != NULL; i++)
    g_assert_nonnull (strstr (error->message, needles[i]));
}

static void
test_record_errors (void)
{
  const char *seed = "name,resume_text,job_skill_text,match_label,bias_type\n";
  g_autofree char *bad_label = g_strconcat (seed, "a,b,c,1,none\nd,e,f,yes,none\n", NULL);
  g_autofree char *bad_bias = g_strconcat (seed, "a,b,c,1,gender\n", NULL);
  g_autofree char *bad_status = NULL;

  assert_record_error ("name,resume_text,job_skill_text,match_label\nA,b,c,1\n", SYNTH_ERROR_PARSE,
                       (const char *[]){ "data.csv, line 1:", "“bias_type”", NULL });
  assert_record_error ("\n\nname,resume_text,match_label,bias_type\n", SYNTH_ERROR_PARSE,
                       (const char *[]){ "data.csv, line 3:", "“job_skill_text”", NULL });
  assert_record_error (bad_label, SYNTH_ERROR_PARSE,
                       (const char *[]){ "data.csv, line 3:", "“yes”", "1", "0", NULL });
  assert_record_error (
      bad_bias, SYNTH_ERROR_PARSE,
      (const char *[]){ "data.csv, line 2:", "“gender”", "textual", "human_error", "none", NULL });
  bad_status = g_strconcat ("name,resume_text,job_skill_text,match_label,bias_type,review_status\n",
                            "a,b,c,1,none,accepted\na,b,c,1,none,\na,b,c,0,none,maybe\n", NULL);
  assert_record_error (bad_status, SYNTH_ERROR_PARSE,
                       (const char *[]){ "data.csv, line 4:", "“maybe”", NULL });
  assert_record_error ("", SYNTH_ERROR_PARSE, (const char *[]){ "data.csv", "empty", NULL });
}

static void
test_read_missing_file (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) records = synth_csv_read_all_records ("/nonexistent/x.csv", &error);

  g_assert_null (records);
  g_assert_error (error, SYNTH_ERROR, SYNTH_ERROR_NOT_FOUND);
  g_assert_nonnull (strstr (error->message, "/nonexistent/x.csv"));
}

/* ---------------------------------------------------------------------- */
/* writer safety                                                          */

static void
write_some (SynthCsvWriter *writer, guint n)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *text = g_strnfill (4000, 'r');

  for (guint i = 0; i < n; i++)
    {
      g_autoptr (SynthRecord) r = make_record (i, "Name", text, "job");
      g_assert_true (synth_csv_writer_write (writer, r, &error));
      g_assert_no_error (error);
    }
}

static void
test_writer_abort_keeps_target (void)
{
  g_autofree char *dir = make_tmp_dir ();
  g_autofree char *path = g_build_filename (dir, "keep.csv", NULL);
  const char original[] =
      "name,resume_text,job_skill_text,match_label,bias_type\nold,data,x,1,none\n";
  g_autoptr (GError) error = NULL;
  g_autofree char *after = NULL;
  gsize len = 0;
  SynthCsvWriter *writer;

  write_file (path, original, -1);
  writer = synth_csv_writer_new (path, NULL, &error);
  g_assert_no_error (error);
  /* Several MiB, so the temporary file really holds data when abandoned. */
  write_some (writer, 1000);
  g_assert_cmpuint (count_entries (dir), ==, 2);
  synth_csv_writer_free (writer);

  after = read_file (path, &len);
  g_assert_cmpuint (len, ==, strlen (original));
  g_assert_cmpmem (after, len, original, strlen (original));
  g_assert_cmpuint (count_entries (dir), ==, 1);
  remove_tree (dir);
}

static void
test_writer_modes (void)
{
  g_autofree char *dir = make_tmp_dir ();
  g_autofree char *fresh = g_build_filename (dir, "fresh.csv", NULL);
  g_autofree char *private = g_build_filename (dir, "private.csv", NULL);
  g_autoptr (GError) error = NULL;
  g_autoptr (SynthCsvWriter) w1 = NULL;
  g_autoptr (SynthCsvWriter) w2 = NULL;
  mode_t mask = umask (022);
  struct stat st;

  umask (mask);
  w1 = synth_csv_writer_new (fresh, NULL, &error);
  g_assert_no_error (error);
  write_some (w1, 3);
  g_assert_true (synth_csv_writer_close (w1, &error));
  g_assert_cmpint (g_stat (fresh, &st), ==, 0);
  g_assert_cmpuint (st.st_mode & 0777, ==, 0666 & ~mask);

  /* Replacing a file keeps its permissions. */
  write_file (private, "old", -1);
  g_assert_cmpint (g_chmod (private, 0600), ==, 0);
  w2 = synth_csv_writer_new (private, NULL, &error);
  g_assert_no_error (error);
  write_some (w2, 3);
  g_assert_true (synth_csv_writer_close (w2, &error));
  g_assert_cmpint (g_stat (private, &st), ==, 0);
  g_assert_cmpuint (st.st_mode & 0777, ==, 0600);
  g_assert_cmpuint (st.st_size, >, 3 * 4000);
  g_assert_cmpuint (count_entries (dir), ==, 2);
  remove_tree (dir);
}

static void
test_writer_missing_dir (void)
{
  g_autofree char *dir = make_tmp_dir ();
  g_autofree char *path = g_build_filename (dir, "no", "such", "dir", "out.csv", NULL);
  g_autoptr (GError) error = NULL;
  g_autoptr (SynthCsvWriter) writer = synth_csv_writer_new (path, NULL, &error);

  g_assert_null (writer);
  g_assert_error (error, SYNTH_ERROR, SYNTH_ERROR_IO);
  g_assert_nonnull (strstr (error->message, path));
  g_assert_nonnull (strstr (error->message, "does not exist"));
  g_clear_error (&error);

  /* A folder where the file should go. */
  writer = synth_csv_writer_new (dir, NULL, &error);
  g_assert_null (writer);
  g_assert_error (error, SYNTH_ERROR, SYNTH_ERROR_IO);
  g_assert_nonnull (strstr (error->message, "folder"));
  remove_tree (dir);
}

static void
test_writer_read_only (void)
{
  g_autofree char *dir = make_tmp_dir ();
  g_autofree char *path = g_build_filename (dir, "existing.csv", NULL);
  const char original[] = "precious,bytes\n";
  g_autoptr (GError) error = NULL;
  g_autoptr (SynthCsvWriter) writer = NULL;
  g_autofree char *after = NULL;

  if (geteuid () == 0)
    {
      /* Permission bits do not stop root; /sys refuses new files to anyone. */
      if (!g_file_test ("/sys/kernel", G_FILE_TEST_IS_DIR))
        {
          g_test_skip ("running as root without /sys");
          remove_tree (dir);
          return;
        }
      writer = synth_csv_writer_new ("/sys/resume-synth-test.csv", NULL, &error);
      g_assert_null (writer);
      g_assert_error (error, SYNTH_ERROR, SYNTH_ERROR_IO);
      g_assert_nonnull (strstr (error->message, "/sys/resume-synth-test.csv"));
      remove_tree (dir);
      return;
    }

  write_file (path, original, -1);
  g_assert_cmpint (g_chmod (dir, 0555), ==, 0);
  writer = synth_csv_writer_new (path, NULL, &error);
  g_assert_null (writer);
  g_assert_error (error, SYNTH_ERROR, SYNTH_ERROR_IO);
  g_assert_nonnull (strstr (error->message, path));
  g_assert_nonnull (strstr (error->message, "permission"));
  after = read_file (path, NULL);
  g_assert_cmpstr (after, ==, original);
  g_assert_cmpuint (count_entries (dir), ==, 1);
  remove_tree (dir);
}

static void
test_writer_disk_full (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (SynthCsvWriter) writer = NULL;
  g_autoptr (SynthRecord) r = make_record (0, "after", "the", "failure");
  gboolean failed = FALSE;
  g_autofree char *text = g_strnfill (4000, 'r');

  /* /dev/full answers every write with ENOSPC, as a full disk does. */
  if (!g_file_test ("/dev/full", G_FILE_TEST_EXISTS))
    {
      g_test_skip ("no /dev/full");
      return;
    }
  writer = synth_csv_writer_new ("/dev/full", NULL, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < 1000 && !failed; i++)
    {
      g_autoptr (SynthRecord) big = make_record (i, "Name", text, "job");
      failed = !synth_csv_writer_write (writer, big, &error);
    }
  g_assert_true (failed);
  g_assert_error (error, SYNTH_ERROR, SYNTH_ERROR_IO);
  g_assert_nonnull (strstr (error->message, "/dev/full"));
  g_assert_nonnull (strstr (error->message, "disk is full"));
  g_clear_error (&error);

  /* The failure sticks: later writes and the close report it too. */
  g_assert_false (synth_csv_writer_write (writer, r, &error));
  g_assert_error (error, SYNTH_ERROR, SYNTH_ERROR_IO);
  g_clear_error (&error);
  g_assert_false (synth_csv_writer_close (writer, &error));
  g_assert_error (error, SYNTH_ERROR, SYNTH_ERROR_IO);
}

static void
test_writer_close_failure_cleans_up (void)
{
  g_autofree char *dir = make_tmp_dir ();
  g_autofree char *path = g_build_filename (dir, "out.csv", NULL);
  g_autofree char *inside = g_build_filename (path, "blocker", NULL);
  g_autoptr (GError) error = NULL;
  g_autoptr (SynthCsvWriter) writer = synth_csv_writer_new (path, NULL, &error);

  g_assert_no_error (error);
  write_some (writer, 10);
  /* Something takes the target's place before the rename: it must fail
   * cleanly, name the file, and leave no temporary file behind. */
  g_assert_cmpint (g_mkdir (path, 0700), ==, 0);
  write_file (inside, "x", -1);
  g_assert_false (synth_csv_writer_close (writer, &error));
  g_assert_error (error, SYNTH_ERROR, SYNTH_ERROR_IO);
  g_assert_nonnull (strstr (error->message, path));
  g_assert_cmpuint (count_entries (dir), ==, 1);
  g_assert_true (g_file_test (inside, G_FILE_TEST_IS_REGULAR));
  remove_tree (dir);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/csv/column-ids", test_column_ids);
  g_test_add_func ("/csv/options/columns", test_options_columns);
  g_test_add_func ("/csv/writer/exact-bytes", test_exact_bytes);
  g_test_add_func ("/csv/writer/formula-guard", test_formula_guard);
  g_test_add_func ("/csv/writer/include-rejected", test_include_rejected);
  g_test_add_func ("/csv/writer/optional-columns", test_optional_columns);
  g_test_add_func ("/csv/round-trip/hostile", test_round_trip_hostile);
  g_test_add_func ("/csv/round-trip/long-field", test_long_field);
  g_test_add_func ("/csv/reader/accepts", test_reader_accepts);
  g_test_add_func ("/csv/reader/empty", test_reader_empty_input);
  g_test_add_func ("/csv/reader/malformed", test_reader_malformed);
  g_test_add_func ("/csv/reader/row-limit", test_reader_row_limit);
  g_test_add_func ("/csv/records/by-header-name", test_records_by_header_name);
  g_test_add_func ("/csv/records/errors", test_record_errors);
  g_test_add_func ("/csv/records/missing-file", test_read_missing_file);
  g_test_add_func ("/csv/writer/abort-keeps-target", test_writer_abort_keeps_target);
  g_test_add_func ("/csv/writer/modes", test_writer_modes);
  g_test_add_func ("/csv/writer/missing-dir", test_writer_missing_dir);
  g_test_add_func ("/csv/writer/read-only", test_writer_read_only);
  g_test_add_func ("/csv/writer/disk-full", test_writer_disk_full);
  g_test_add_func ("/csv/writer/close-failure", test_writer_close_failure_cleans_up);

  return g_test_run ();
}
