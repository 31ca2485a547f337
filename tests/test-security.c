/* test-security.c — the security pass (issue 6) through resume-synth-cli, as
 * a user runs it:
 *
 *  - text from the model (or an imported CSV) is never HTML in the report;
 *  - the CSV formula guard holds against a real spreadsheet: LibreOffice
 *    reads the exported CSV and evaluates no cell, while the same export
 *    without the guard does get evaluated (so the check can fail);
 *  - the run store is private: files 0600 in a 0700 directory, even under
 *    umask 0 and while SQLite's journal files exist;
 *  - an API key in the environment ends up in no file and no output.
 *
 * Built in tests/fuzz/meson.build (it needs CLI_PATH), suite "cli". */
#include "config.h"

#include <gio/gio.h>
#include <glib/gstdio.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "synth-csv.h"
#include "synth-run-store.h"
#include "synth-test-util.h"

#define SECRET_KEY "sk-test-SECRET-123"

static char *tmp_dir;

/* ---- running the CLI -------------------------------------------------------- */

typedef SynthTestResult Result;

static void
set_umask_zero (gpointer user_data)
{
  /* In the child: every permission the CLI does not clear itself is granted. */
  umask (0);
}

static GSubprocessLauncher *
cli_launcher (const char *runs_dir, GSubprocessFlags flags)
{
  GSubprocessLauncher *launcher = g_subprocess_launcher_new (flags);

  if (runs_dir != NULL)
    g_subprocess_launcher_setenv (launcher, "SYNTH_RUNS_DIR", runs_dir, TRUE);
  g_subprocess_launcher_unsetenv (launcher, "OPENAI_API_KEY");
  g_subprocess_launcher_setenv (launcher, "LC_ALL", "C.UTF-8", TRUE);
  g_subprocess_launcher_set_child_setup (launcher, set_umask_zero, NULL, NULL);
  g_subprocess_launcher_set_cwd (launcher, tmp_dir);
  return launcher;
}

static Result
run_launcher (GSubprocessLauncher *launcher, const char *const *args)
{
  Result r = synth_test_run (launcher, CLI_PATH, NULL, args);

  if (r.status != 0)
    g_test_message ("resume-synth-cli %s: exit %d\n%s", args[0], r.status, r.err);
  return r;
}

static Result
run_cli (const char *runs_dir, const char *const *args)
{
  g_autoptr (GSubprocessLauncher) launcher =
      cli_launcher (runs_dir, G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_PIPE);
  return run_launcher (launcher, args);
}

static char *
tmp_path (const char *name)
{
  return g_build_filename (tmp_dir, name, NULL);
}

static char *
read_file (const char *path)
{
  g_autoptr (GError) error = NULL;
  char *contents = NULL;

  g_file_get_contents (path, &contents, NULL, &error);
  g_assert_no_error (error);
  return contents;
}

static SynthRecord *
new_record (guint index, const char *name, const char *resume, const char *job, int label)
{
  SynthRecord *record = synth_record_new ();
  g_autofree char *record_id = g_strdup_printf ("sec-%07u", index);

  synth_record_set_index (record, index);
  synth_record_set_record_id (record, record_id);
  synth_record_set_name (record, name);
  synth_record_set_resume_text (record, resume);
  synth_record_set_job_skill_text (record, job);
  synth_record_set_match_label (record, label);
  synth_record_set_bias_type (record, SYNTH_BIAS_FAIRNESS);
  return record;
}

/* ---- (a) model text is never HTML in the report ------------------------------ */

static const char *const markup_payloads[] = {
  "<script>alert(1)</script>",
  "Ada &amp; Bob",
  "\"><img src=x onerror=1>",
};

/* What each payload must look like in the HTML once escaped, whichever way
 * the quote is written: the parts that would otherwise be markup. */
static const char *const escaped_payloads[] = {
  "&lt;script&gt;alert(1)&lt;/script&gt;",
  "Ada &amp;amp; Bob",
  "&gt;&lt;img src=x onerror=1&gt;",
};

static void
write_markup_csv (const char *path)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (SynthCsvWriter) writer = NULL;
  SynthCsvOptions options;

  synth_csv_options_init (&options);
  g_assert_true (synth_csv_options_parse_columns (&options, "all", &error));
  writer = synth_csv_writer_new (path, &options, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < 9; i++)
    {
      const char *p = markup_payloads[i % G_N_ELEMENTS (markup_payloads)];
      g_autofree char *name = g_strdup_printf ("%s %u", p, i);
      g_autofree char *resume = g_strdup_printf ("Summary %s with Python and SQL, row %u", p, i);
      g_autofree char *job = g_strdup_printf ("Needs %s and Python", p);
      g_autoptr (SynthRecord) record = new_record (i, name, resume, job, i % 2);

      /* Every free-text column a model or an imported file may fill. */
      synth_record_set_bias_subtype (record, p);
      synth_record_set_bias_detail (record, p);
      synth_record_set_domain (record, p);
      synth_record_set_seniority (record, p);
      synth_record_set_region (record, p);
      synth_record_set_length_class (record, p);
      synth_record_set_split (record, p);
      synth_record_set_group_id (record, p);
      g_assert_true (synth_csv_writer_write (writer, record, &error));
      g_assert_no_error (error);
    }
  g_assert_true (synth_csv_writer_close (writer, &error));
  g_assert_no_error (error);
}

static void
test_report_escapes_markup (void)
{
  g_autofree char *csv = tmp_path ("markup.csv");
  g_autofree char *report_path = tmp_path ("markup.report.html");
  g_autofree char *report = NULL;
  const char *args[] = { "stats", csv, NULL };
  Result r;

  write_markup_csv (csv);
  r = run_cli (NULL, args);
  g_assert_cmpint (r.status, ==, 0);
  report = read_file (report_path);

  for (guint i = 0; i < G_N_ELEMENTS (markup_payloads); i++)
    {
      /* Not there raw… */
      g_assert_null (strstr (report, markup_payloads[i]));
      /* …but there escaped: the text did reach the report. */
      g_assert_nonnull (strstr (report, escaped_payloads[i]));
    }
  g_assert_null (strstr (report, "<img"));
  g_assert_null (strstr (report, "<script>alert"));
  synth_test_result_clear (&r);
}

/* ---- (b) the formula guard against LibreOffice ------------------------------- */

/* Cells that spreadsheets (Excel, LibreOffice, Sheets) may run as formulas. */
static const char *const formula_cells[] = {
  "=1+1", "+SUM(1)", "-2+3", "@SUM(1)", "=HYPERLINK(\"http://x\")", "=1+1",
};

/* One cell of a spreadsheet read back from LibreOffice's flat ODF. */
typedef struct
{
  char *text;
  char *formula; /* table:formula, NULL for a plain value */
} Cell;

static void
cell_clear (gpointer data)
{
  Cell *cell = data;
  g_free (cell->text);
  g_free (cell->formula);
}

typedef struct
{
  GPtrArray *rows; /* GArray of Cell */
  GArray *row;
  Cell cell;
  guint repeat;
  guint n_paragraphs; /* in the current cell: lines are joined with '\n' */
  gboolean in_cell, in_p;
  GString *text;
} FodsReader;

static void
fods_start (GMarkupParseContext *context,
            const char *element,
            const char **names,
            const char **values,
            gpointer user_data,
            GError **error)
{
  FodsReader *r = user_data;

  if (strcmp (element, "table:table-row") == 0)
    {
      r->row = g_array_new (FALSE, TRUE, sizeof (Cell));
      g_array_set_clear_func (r->row, cell_clear);
    }
  else if (strcmp (element, "table:table-cell") == 0 ||
           strcmp (element, "table:covered-table-cell") == 0)
    {
      memset (&r->cell, 0, sizeof r->cell);
      r->repeat = 1;
      r->n_paragraphs = 0;
      r->in_cell = TRUE;
      g_string_truncate (r->text, 0);
      for (guint i = 0; names[i] != NULL; i++)
        if (strcmp (names[i], "table:formula") == 0)
          r->cell.formula = g_strdup (values[i]);
        else if (strcmp (names[i], "table:number-columns-repeated") == 0)
          r->repeat = (guint) g_ascii_strtoull (values[i], NULL, 10);
    }
  else if (r->in_cell && strcmp (element, "text:p") == 0)
    {
      if (r->n_paragraphs++ > 0)
        g_string_append_c (r->text, '\n');
      r->in_p = TRUE;
    }
  else if (r->in_p && strcmp (element, "text:s") == 0)
    {
      guint64 n = 1;
      for (guint i = 0; names[i] != NULL; i++)
        if (strcmp (names[i], "text:c") == 0)
          n = g_ascii_strtoull (values[i], NULL, 10);
      for (; n > 0; n--)
        g_string_append_c (r->text, ' ');
    }
  else if (r->in_p && strcmp (element, "text:tab") == 0)
    g_string_append_c (r->text, '\t');
  else if (r->in_p && strcmp (element, "text:line-break") == 0)
    g_string_append_c (r->text, '\n');
}

static void
fods_end (GMarkupParseContext *context, const char *element, gpointer user_data, GError **error)
{
  FodsReader *r = user_data;

  if (strcmp (element, "text:p") == 0)
    r->in_p = FALSE;
  else if (r->in_cell && (strcmp (element, "table:table-cell") == 0 ||
                          strcmp (element, "table:covered-table-cell") == 0))
    {
      /* Trailing empty cells come as one cell repeated up to the sheet's width. */
      for (guint i = 0; i < MIN (r->repeat, 64u); i++)
        {
          Cell copy = { g_strdup (r->text->str), g_strdup (r->cell.formula) };
          g_array_append_val (r->row, copy);
        }
      cell_clear (&r->cell);
      r->in_cell = FALSE;
    }
  else if (strcmp (element, "table:table-row") == 0 && r->row != NULL)
    g_ptr_array_add (r->rows, g_steal_pointer (&r->row));
}

static void
fods_text (
    GMarkupParseContext *context, const char *text, gsize len, gpointer user_data, GError **error)
{
  FodsReader *r = user_data;

  if (r->in_p)
    g_string_append_len (r->text, text, len);
}

/* The first sheet of a flat ODF spreadsheet as rows of cells. */
static GPtrArray *
read_fods (const char *path)
{
  static const GMarkupParser parser = { fods_start, fods_end, fods_text, NULL, NULL };
  g_autofree char *xml = read_file (path);
  g_autoptr (GMarkupParseContext) context = NULL;
  g_autoptr (GError) error = NULL;
  FodsReader r = { g_ptr_array_new_with_free_func ((GDestroyNotify) g_array_unref) };

  r.text = g_string_new (NULL);
  context = g_markup_parse_context_new (&parser, 0, &r, NULL);
  g_markup_parse_context_parse (context, xml, -1, &error);
  g_assert_no_error (error);
  g_markup_parse_context_end_parse (context, &error);
  g_assert_no_error (error);
  g_string_free (r.text, TRUE);
  g_assert_null (r.row);
  return r.rows;
}

/* LibreOffice converts every CSV to flat ODF in @out_dir, in one start-up,
 * with its own throw-away profile so a running LibreOffice does not matter. */
static void
convert_with_libreoffice (const char *soffice, const char *out_dir, const char *const *csvs)
{
  g_autofree char *profile = tmp_path ("lo-profile");
  g_autofree char *profile_uri = g_filename_to_uri (profile, NULL, NULL);
  g_autofree char *profile_arg = g_strconcat ("-env:UserInstallation=", profile_uri, NULL);
  g_autoptr (GPtrArray) argv = g_ptr_array_new ();
  g_autofree char *out = NULL, *err = NULL;
  g_autoptr (GError) error = NULL;
  int wait_status = 0;

  g_ptr_array_add (argv, (char *) soffice);
  g_ptr_array_add (argv, profile_arg);
  g_ptr_array_add (argv, (char *) "--headless");
  g_ptr_array_add (argv, (char *) "--norestore");
  g_ptr_array_add (argv, (char *) "--nolockcheck");
  /* Comma-separated, quoted with ", UTF-8 (76), from line 1: the CSV as written. */
  g_ptr_array_add (argv, (char *) "--infilter=CSV:44,34,76,1");
  g_ptr_array_add (argv, (char *) "--convert-to");
  g_ptr_array_add (argv, (char *) "fods");
  g_ptr_array_add (argv, (char *) "--outdir");
  g_ptr_array_add (argv, (char *) out_dir);
  for (guint i = 0; csvs[i] != NULL; i++)
    g_ptr_array_add (argv, (char *) csvs[i]);
  g_ptr_array_add (argv, NULL);

  g_spawn_sync (tmp_dir, (char **) argv->pdata, NULL, G_SPAWN_DEFAULT, NULL, NULL, &out, &err,
                &wait_status, &error);
  g_assert_no_error (error);
  if (!g_spawn_check_wait_status (wait_status, &error))
    g_test_message ("soffice: %s\n%s%s", error->message, out, err);
  g_assert_no_error (error);
}

/* A run of the formula cells, imported into the run store the CLI reads. */
static void
import_formula_run (const char *runs_dir, const char *run_id)
{
  g_autoptr (GPtrArray) records = g_ptr_array_new_with_free_func (g_object_unref);
  g_autofree char *path = synth_run_store_path_for_id (runs_dir, run_id);
  g_autoptr (SynthRunStore) store = NULL;
  g_autoptr (GError) error = NULL;
  guint n = G_N_ELEMENTS (formula_cells);

  g_assert_cmpint (g_mkdir_with_parents (runs_dir, 0700), ==, 0);
  for (guint i = 0; i < n; i++)
    g_ptr_array_add (records, new_record (i, formula_cells[i], formula_cells[(i + 1) % n],
                                          formula_cells[(i + 2) % n], i % 2));
  store = synth_run_store_import (path, run_id, records, "formulas.csv", &error);
  g_assert_no_error (error);
}

static void
export_run (const char *runs_dir, const char *run_id, const char *csv, gboolean guard)
{
  const char *args[] = { "export", run_id, "--output",
                         csv,      "-q",   guard ? NULL : "--no-formula-guard",
                         NULL };
  Result r = run_cli (runs_dir, args);

  g_assert_cmpint (r.status, ==, 0);
  synth_test_result_clear (&r);
}

/* Every cell LibreOffice read is a plain value whose text is exactly the
 * CSV field (the guard's ' included): nothing was evaluated. */
static void
assert_no_formulas (const char *csv, GPtrArray *sheet)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (SynthCsvReader) reader = synth_csv_reader_new (csv, &error);
  GPtrArray *fields = NULL;
  guint n_rows = 0, n_guarded = 0;

  g_assert_no_error (error);
  while (synth_csv_reader_next_row (reader, &fields, NULL, &error))
    {
      GArray *row;

      g_assert_cmpuint (n_rows, <, sheet->len);
      row = sheet->pdata[n_rows++];
      g_assert_cmpuint (row->len, >=, fields->len);
      for (guint i = 0; i < fields->len; i++)
        {
          const Cell *cell = &g_array_index (row, Cell, i);
          const char *field = fields->pdata[i];

          g_assert_null (cell->formula);
          g_assert_cmpstr (cell->text, ==, field);
          n_guarded += field[0] == '\'';
        }
      g_ptr_array_unref (fields);
    }
  g_assert_no_error (error);
  g_assert_cmpuint (n_rows, ==, 1 + G_N_ELEMENTS (formula_cells));
  /* Three formula cells per record, each guarded. */
  g_assert_cmpuint (n_guarded, ==, 3 * G_N_ELEMENTS (formula_cells));
}

/* Without the guard LibreOffice does evaluate: the test above can fail. */
static void
assert_evaluated (GPtrArray *sheet)
{
  gboolean sum = FALSE, hyperlink = FALSE;

  for (guint r = 0; r < sheet->len; r++)
    {
      GArray *row = sheet->pdata[r];
      for (guint i = 0; i < row->len; i++)
        {
          const Cell *cell = &g_array_index (row, Cell, i);
          if (g_strcmp0 (cell->formula, "of:=1+1") == 0 && g_strcmp0 (cell->text, "2") == 0)
            sum = TRUE;
          if (cell->formula != NULL && strstr (cell->formula, "HYPERLINK") != NULL)
            hyperlink = TRUE;
        }
    }
  g_assert_true (sum);
  g_assert_true (hyperlink);
}

static void
test_formula_guard_libreoffice (void)
{
  g_autofree char *soffice = g_find_program_in_path ("soffice");
  g_autofree char *runs_dir = tmp_path ("runs-formula");
  g_autofree char *out_dir = tmp_path ("lo-out");
  g_autofree char *guarded = tmp_path ("guarded.csv"), *raw = tmp_path ("raw.csv");
  g_autofree char *guarded_fods = tmp_path ("lo-out/guarded.fods");
  g_autofree char *raw_fods = tmp_path ("lo-out/raw.fods");
  g_autoptr (GPtrArray) guarded_sheet = NULL, raw_sheet = NULL;
  const char *csvs[] = { guarded, raw, NULL };

  if (soffice == NULL)
    {
      g_test_skip ("LibreOffice (soffice) is not installed: apt-get install "
                   "libreoffice-calc-nogui");
      return;
    }
  import_formula_run (runs_dir, "formulas");
  export_run (runs_dir, "formulas", guarded, TRUE);
  export_run (runs_dir, "formulas", raw, FALSE);

  convert_with_libreoffice (soffice, out_dir, csvs);
  guarded_sheet = read_fods (guarded_fods);
  raw_sheet = read_fods (raw_fods);
  assert_no_formulas (guarded, guarded_sheet);
  assert_evaluated (raw_sheet);
}

/* ---- (c) the run store is private --------------------------------------------- */

static guint
file_mode (const char *path)
{
  GStatBuf st;

  g_assert_cmpint (g_stat (path, &st), ==, 0);
  return st.st_mode & 07777;
}

/* @dir is 0700 and every file in it 0600; returns the number of files. */
static guint
assert_private_dir (const char *dir)
{
  g_autoptr (GDir) d = NULL;
  const char *name;
  guint n = 0;

  g_assert_cmpuint (file_mode (dir), ==, 0700);
  d = g_dir_open (dir, 0, NULL);
  g_assert_nonnull (d);
  while ((name = g_dir_read_name (d)) != NULL)
    {
      g_autofree char *path = g_build_filename (dir, name, NULL);
      g_test_message ("%s: %o", path, file_mode (path));
      g_assert_true (g_file_test (path, G_FILE_TEST_IS_REGULAR));
      g_assert_cmpuint (file_mode (path), ==, 0600);
      n++;
    }
  return n;
}

static gboolean
dir_has_suffix (const char *dir, const char *suffix)
{
  g_autoptr (GDir) d = g_dir_open (dir, 0, NULL);
  const char *name;

  while (d != NULL && (name = g_dir_read_name (d)) != NULL)
    if (g_str_has_suffix (name, suffix))
      return TRUE;
  return FALSE;
}

static void
test_run_store_private (void)
{
  g_autofree char *runs_dir = tmp_path ("runs-private");
  g_autofree char *csv = tmp_path ("private.csv");
  const char *args[] = { "generate", "--records", "120", "--output", csv, "-q", NULL };
  Result r;

  /* umask 0 in the CLI: the modes must come from the CLI itself. */
  r = run_cli (runs_dir, args);
  g_assert_cmpint (r.status, ==, 0);
  g_assert_true (dir_has_suffix (runs_dir, ".db"));
  g_assert_cmpuint (assert_private_dir (runs_dir), >=, 1);
  synth_test_result_clear (&r);
}

/* The same while the run is still going: SQLite's -wal and -shm files exist
 * then, and in the default place, $XDG_DATA_HOME/resume-synth/runs. */
static void
test_run_store_private_mid_run (void)
{
  g_autofree char *xdg = tmp_path ("xdg");
  g_autofree char *app_dir = g_build_filename (xdg, "resume-synth", NULL);
  g_autofree char *runs_dir = g_build_filename (app_dir, "runs", NULL);
  g_autofree char *csv = tmp_path ("mid-run.csv");
  g_autoptr (GSubprocessLauncher) launcher =
      cli_launcher (NULL, G_SUBPROCESS_FLAGS_STDOUT_SILENCE | G_SUBPROCESS_FLAGS_STDERR_SILENCE);
  g_autoptr (GSubprocess) proc = NULL;
  g_autoptr (GError) error = NULL;
  const char *argv[] = { CLI_PATH, "generate", "--records", "200000", "--output", csv, "-q", NULL };
  gint64 deadline = g_get_monotonic_time () + 60 * G_USEC_PER_SEC;

  g_subprocess_launcher_unsetenv (launcher, "SYNTH_RUNS_DIR");
  g_subprocess_launcher_setenv (launcher, "XDG_DATA_HOME", xdg, TRUE);
  proc = g_subprocess_launcher_spawnv (launcher, argv, &error);
  g_assert_no_error (error);
  while (!dir_has_suffix (runs_dir, ".db-wal") && g_get_monotonic_time () < deadline)
    g_usleep (20000);
  g_subprocess_send_signal (proc, SIGSTOP); /* hold the files still while we look */
  g_assert_true (dir_has_suffix (runs_dir, ".db-wal"));
  g_assert_true (dir_has_suffix (runs_dir, ".db-shm"));
  g_assert_cmpuint (assert_private_dir (runs_dir), >=, 3);
  g_assert_cmpuint (file_mode (app_dir) & 077, ==, 0);
  g_subprocess_force_exit (proc);
  g_subprocess_send_signal (proc, SIGCONT);
  g_subprocess_wait (proc, NULL, NULL);
}

/* ---- (d) the API key in no file ----------------------------------------------- */

static void
test_api_key_in_no_file (void)
{
  g_autofree char *work = tmp_path ("key");
  g_autofree char *runs_dir = g_build_filename (work, "runs", NULL);
  g_autofree char *csv = g_build_filename (work, "out.csv", NULL);
  g_autofree char *planted = g_build_filename (work, "control", NULL);
  g_autoptr (GSubprocessLauncher) launcher =
      cli_launcher (runs_dir, G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_PIPE);
  const char *args[] = {
    "generate", "--records", "150", "--output", csv, "--columns", "all", NULL
  };
  const char *runs_args[] = { "runs", NULL };
  const char planted_bytes[] = "\0\0page\0" SECRET_KEY "\0";
  guint n_files = 0;
  Result r, list;

  g_assert_cmpint (g_mkdir_with_parents (work, 0700), ==, 0);
  g_subprocess_launcher_setenv (launcher, "OPENAI_API_KEY", SECRET_KEY, TRUE);
  g_subprocess_launcher_setenv (launcher, "G_MESSAGES_DEBUG", "all", TRUE);
  r = run_launcher (launcher, args);
  g_assert_cmpint (r.status, ==, 0);
  list = run_launcher (launcher, runs_args);
  g_assert_cmpint (list.status, ==, 0);

  g_assert_null (strstr (r.out, SECRET_KEY));
  g_assert_null (strstr (r.err, SECRET_KEY));
  g_assert_null (strstr (list.out, SECRET_KEY));
  g_assert_null (strstr (list.err, SECRET_KEY));
  /* The run store, the CSV, the statistics and the report. */
  g_assert_cmpuint (synth_test_count_files_containing (work, SECRET_KEY, &n_files), ==, 0);
  g_assert_cmpuint (n_files, >=, 4);

  /* The search does find a key hidden among NUL bytes. */
  g_assert_true (g_file_set_contents (planted, planted_bytes, sizeof planted_bytes, NULL));
  n_files = 0;
  g_assert_cmpuint (synth_test_count_files_containing (work, SECRET_KEY, &n_files), ==, 1);
  synth_test_result_clear (&r);
  synth_test_result_clear (&list);
}

int
main (int argc, char **argv)
{
  int status;

  g_test_init (&argc, &argv, NULL);
  tmp_dir = g_dir_make_tmp ("test-security-XXXXXX", NULL);
  g_assert_nonnull (tmp_dir);

  g_test_add_func ("/security/report-escapes-markup", test_report_escapes_markup);
  g_test_add_func ("/security/formula-guard-libreoffice", test_formula_guard_libreoffice);
  g_test_add_func ("/security/run-store-private", test_run_store_private);
  g_test_add_func ("/security/run-store-private-mid-run", test_run_store_private_mid_run);
  g_test_add_func ("/security/api-key-in-no-file", test_api_key_in_no_file);
  status = g_test_run ();

  {
    g_autofree char *cmd = g_strdup_printf ("rm -rf '%s'", tmp_dir);
    if (system (cmd) != 0)
      g_printerr ("could not remove %s\n", tmp_dir);
  }
  g_free (tmp_dir);
  return status;
}
