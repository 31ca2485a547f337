/* test-cli.c — resume-synth-cli as a user runs it: exit codes, messages,
 * files, determinism and resuming. */
#include "config.h"

#include <gio/gio.h>
#include <glib/gstdio.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>

#include "synth-csv.h"
#include "synth-test-util.h"

static char *tmpdir;

/* Large enough that the interrupt lands mid-run, small enough for ASan. */
#define RECORDS "60000"

typedef SynthTestResult Result;

static Result
run_cli (const char *first, ...)
{
  g_autoptr (GPtrArray) args = g_ptr_array_new ();
  g_autoptr (GSubprocessLauncher) launcher =
      g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_PIPE);
  g_autofree char *runs = g_build_filename (tmpdir, "runs", NULL);
  va_list ap;

  va_start (ap, first);
  for (const char *a = first; a; a = va_arg (ap, const char *))
    g_ptr_array_add (args, (char *) a);
  va_end (ap);
  g_ptr_array_add (args, NULL);

  g_subprocess_launcher_setenv (launcher, "SYNTH_RUNS_DIR", runs, TRUE);
  g_subprocess_launcher_unsetenv (launcher, "OPENAI_API_KEY");
  g_subprocess_launcher_set_cwd (launcher, tmpdir);
  return synth_test_run (launcher, CLI_PATH, NULL, (const char *const *) args->pdata);
}

static char *
tmp_path (const char *name)
{
  return g_build_filename (tmpdir, name, NULL);
}

static GPtrArray *
read_records (const char *path)
{
  g_autoptr (GError) error = NULL;
  GPtrArray *records = synth_csv_read_all_records (path, &error);
  g_assert_no_error (error);
  return records;
}

static void
test_generate (void)
{
  g_autofree char *csv = tmp_path ("gen.csv");
  g_autofree char *stats = tmp_path ("gen.stats.json");
  g_autofree char *report = tmp_path ("gen.report.html");
  g_autoptr (GPtrArray) records = NULL;
  g_autofree char *contents = NULL;
  Result r = run_cli ("generate", "--records", "300", "--output", csv, "--seed", "7", NULL);
  guint positives = 0;

  g_assert_cmpint (r.status, ==, 0);
  g_assert_true (g_str_has_prefix (r.err, "run: "));
  g_assert_nonnull (strstr (r.err, csv));
  g_assert_true (g_file_test (stats, G_FILE_TEST_EXISTS));
  g_assert_true (g_file_test (report, G_FILE_TEST_EXISTS));

  g_assert_true (g_file_get_contents (csv, &contents, NULL, NULL));
  g_assert_true (
      g_str_has_prefix (contents, "name,resume_text,job_skill_text,match_label,bias_type\n"));
  records = read_records (csv);
  g_assert_cmpuint (records->len, ==, 300);
  for (guint i = 0; i < records->len; i++)
    positives += synth_record_get_match_label (records->pdata[i]);
  g_assert_cmpuint (positives, ==, 150);
  synth_test_result_clear (&r);
}

static void
test_seed_determinism (void)
{
  g_autofree char *a = tmp_path ("a.csv"), *b = tmp_path ("b.csv"), *c = tmp_path ("c.csv");
  g_autofree char *ca = NULL, *cb = NULL, *cc = NULL;
  Result ra =
      run_cli ("generate", "-n", "200", "-o", a, "--seed", "123", "--columns", "all", "-q", NULL);
  Result rb =
      run_cli ("generate", "-n", "200", "-o", b, "--seed", "123", "--columns", "all", "-q", NULL);
  Result rc =
      run_cli ("generate", "-n", "200", "-o", c, "--seed", "124", "--columns", "all", "-q", NULL);

  g_assert_cmpint (ra.status, ==, 0);
  g_assert_cmpint (rb.status, ==, 0);
  g_assert_cmpint (rc.status, ==, 0);
  g_assert_true (g_file_get_contents (a, &ca, NULL, NULL));
  g_assert_true (g_file_get_contents (b, &cb, NULL, NULL));
  g_assert_true (g_file_get_contents (c, &cc, NULL, NULL));
  /* Byte-identical apart from the run id in record_id. */
  {
    g_autoptr (GPtrArray) x = read_records (a), y = read_records (b), z = read_records (c);
    guint same_z = 0;
    g_assert_cmpuint (x->len, ==, y->len);
    for (guint i = 0; i < x->len; i++)
      {
        g_assert_cmpstr (synth_record_get_resume_text (x->pdata[i]), ==,
                         synth_record_get_resume_text (y->pdata[i]));
        g_assert_cmpstr (synth_record_get_job_skill_text (x->pdata[i]), ==,
                         synth_record_get_job_skill_text (y->pdata[i]));
        g_assert_cmpstr (synth_record_get_name (x->pdata[i]), ==,
                         synth_record_get_name (y->pdata[i]));
        same_z += g_strcmp0 (synth_record_get_resume_text (x->pdata[i]),
                             synth_record_get_resume_text (z->pdata[i])) == 0;
      }
    g_assert_cmpuint (same_z, <, 10);
  }
  /* With the default columns there is no run id in the file: fully identical. */
  {
    g_autofree char *d = tmp_path ("d.csv"), *e = tmp_path ("e.csv");
    g_autofree char *cd = NULL, *ce = NULL;
    Result rd = run_cli ("generate", "-n", "150", "-o", d, "--seed", "5", "-q", NULL);
    Result re = run_cli ("generate", "-n", "150", "-o", e, "--seed", "5", "-q", NULL);
    g_assert_cmpint (rd.status, ==, 0);
    g_assert_cmpint (re.status, ==, 0);
    g_assert_true (g_file_get_contents (d, &cd, NULL, NULL));
    g_assert_true (g_file_get_contents (e, &ce, NULL, NULL));
    g_assert_cmpstr (cd, ==, ce);
    synth_test_result_clear (&rd);
    synth_test_result_clear (&re);
  }
  synth_test_result_clear (&ra);
  synth_test_result_clear (&rb);
  synth_test_result_clear (&rc);
}

static void
test_usage_errors (void)
{
  g_autofree char *ok = tmp_path ("ok.csv");
  static const struct
  {
    const char *args[12];
    const char *needle;
  } cases[] = {
    { { "generate", "--records", "0", "--output", "OK", NULL }, "1 to 10000000" },
    { { "generate", "--records", "-5", "--output", "OK", NULL }, "--records" },
    { { "generate", "--records", "10000001", "--output", "OK", NULL }, "10000000" },
    { { "generate", "--records", "ten", "--output", "OK", NULL }, "ten" },
    { { "generate", "--records", "10", "--batch-size", "0", "--output", "OK" }, "1 to 100" },
    { { "generate", "--records", "10", "--batch-size", "101", "--output", "OK" }, "1 to 100" },
    { { "generate", "--records", "10", "--positive-ratio", "1.5", "--output", "OK" }, "0 to 1" },
    { { "generate", "--records", "10", "--positive-ratio", "-0.1", "--output", "OK" }, "0 to 1" },
    { { "generate", "--records", "10", "--bias-mix", "bogus=1", "--output", "OK" }, "bogus" },
    { { "generate", "--records", "10", "--bias-mix", "textual=0", "--output", "OK" }, "zero" },
    { { "generate", "--records", "10", "--bias-mix", "textual=-1", "--output", "OK" }, "negative" },
    { { "generate", "--records", "10", "--output", "/nonexistent-dir/x.csv" }, "does not exist" },
    { { "generate", "--records", "10", NULL }, "--output" },
    { { "generate", "--records", "10", "--columns", "name,salary", "--output", "OK" }, "salary" },
    { { "generate", "--frobnicate", NULL }, "frobnicate" },
    { { "resume", "no-such-run", NULL }, "runs" },
    { { "export", "no-such-run", "--output", "OK", NULL }, "no-such-run" },
    { { "stats", "/nonexistent.csv", NULL }, "nonexistent" },
    { { "bogus", NULL }, "unknown command" },
    { { "generate", "-n", "10", "--provider", "openai", "--output", "OK" }, "--model" },
    { { "generate", "-n", "10", "--provider", "openai", "--model", "m", "--base-url", "ftp://x/v1",
        "--output", "OK" },
      "--base-url" },
    { { "generate", "-n", "10", "--provider", "ollama", "--output", "OK" }, "offline" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      const char *a[13] = { NULL };
      Result r;
      for (guint k = 0; k < 12 && cases[i].args[k]; k++)
        a[k] = g_str_equal (cases[i].args[k], "OK") ? ok : cases[i].args[k];
      r = run_cli (a[0], a[1], a[2], a[3], a[4], a[5], a[6], a[7], a[8], a[9], a[10], a[11], NULL);
      if (r.status != 2 || strstr (r.err, cases[i].needle) == NULL)
        g_error ("case %u (%s %s): status %d, stderr “%s”, expected 2 and “%s”", i, a[0], a[1],
                 r.status, r.err, cases[i].needle);
      synth_test_result_clear (&r);
    }
  g_assert_false (g_file_test (ok, G_FILE_TEST_EXISTS));
}

static void
test_help (void)
{
  static const char *const cmds[] = { "generate", "runs", "resume", "export", "stats" };
  for (guint i = 0; i < G_N_ELEMENTS (cmds); i++)
    {
      Result r = run_cli (cmds[i], "--help", NULL);
      g_assert_cmpint (r.status, ==, 0);
      g_assert_nonnull (strstr (r.out, "Usage:"));
      synth_test_result_clear (&r);
    }
  {
    Result r = run_cli ("--help", NULL);
    g_assert_cmpint (r.status, ==, 0);
    g_assert_nonnull (strstr (r.out, "generate"));
    synth_test_result_clear (&r);
  }
}

/* Interrupt with SIGINT mid-run: exit 130 with a resume hint; resuming
 * yields exactly N unique records equal to an uninterrupted run. */
static void
test_interrupt_and_resume (void)
{
  g_autofree char *runs = g_build_filename (tmpdir, "runs", NULL);
  g_autofree char *csv = tmp_path ("int.csv"), *ref = tmp_path ("ref.csv");
  g_autoptr (GSubprocessLauncher) launcher =
      g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDERR_PIPE);
  g_autoptr (GSubprocess) proc = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *err = NULL, *id = NULL, *a = NULL, *b = NULL;
  Result rr, rref;

  g_subprocess_launcher_setenv (launcher, "SYNTH_RUNS_DIR", runs, TRUE);
  proc = g_subprocess_launcher_spawn (launcher, &error, CLI_PATH, "generate", "--records", RECORDS,
                                      "--output", csv, "--seed", "77", "--run-id",
                                      "interrupted-run", NULL);
  g_assert_no_error (error);
  /* Wait until the run exists, let it commit for a moment, then Ctrl+C. */
  {
    g_autoptr (GDataInputStream) in = g_data_input_stream_new (g_subprocess_get_stderr_pipe (proc));
    g_autofree char *line = g_data_input_stream_read_line_utf8 (in, NULL, NULL, &error);
    g_assert_no_error (error);
    g_assert_true (g_str_has_prefix (line, "run: interrupted-run"));
    g_usleep (600 * 1000);
    g_subprocess_send_signal (proc, SIGINT);
    {
      g_autoptr (GOutputStream) mem = g_memory_output_stream_new_resizable ();
      g_output_stream_splice (mem, G_INPUT_STREAM (in), G_OUTPUT_STREAM_SPLICE_CLOSE_TARGET, NULL,
                              &error);
      g_assert_no_error (error);
      err = g_strndup (g_memory_output_stream_get_data (G_MEMORY_OUTPUT_STREAM (mem)),
                       g_memory_output_stream_get_data_size (G_MEMORY_OUTPUT_STREAM (mem)));
    }
    g_subprocess_wait (proc, NULL, &error);
  }
  g_assert_no_error (error);
  g_assert_true (g_subprocess_get_if_exited (proc));
  g_assert_cmpint (g_subprocess_get_exit_status (proc), ==, 130);
  g_assert_nonnull (strstr (err, "resume-synth-cli resume interrupted-run"));
  g_assert_false (g_file_test (csv, G_FILE_TEST_EXISTS));

  {
    Result runs_out = run_cli ("runs", NULL);
    g_assert_cmpint (runs_out.status, ==, 0);
    g_assert_nonnull (strstr (runs_out.out, "interrupted-run"));
    g_assert_nonnull (strstr (runs_out.out, "stopped"));
    synth_test_result_clear (&runs_out);
  }

  rr = run_cli ("resume", "interrupted-run", "--output", csv, "-q", NULL);
  g_assert_cmpint (rr.status, ==, 0);
  rref = run_cli ("generate", "--records", RECORDS, "--output", ref, "--seed", "77", "-q", NULL);
  g_assert_cmpint (rref.status, ==, 0);

  g_assert_true (g_file_get_contents (csv, &a, NULL, NULL));
  g_assert_true (g_file_get_contents (ref, &b, NULL, NULL));
  g_assert_cmpuint (strlen (a), ==, strlen (b));
  g_assert_true (strcmp (a, b) == 0);
  synth_test_result_clear (&rr);
  synth_test_result_clear (&rref);
  (void) id;
}

static void
test_stats_command (void)
{
  g_autofree char *csv = tmp_path ("s.csv"), *json = tmp_path ("s.stats.json");
  g_autofree char *contents = NULL;
  Result r;

  g_assert_true (
      g_file_set_contents (csv,
                           "name,resume_text,job_skill_text,match_label,bias_type\n"
                           "Ada,\"Python, SQL\",\"Required skills: Python, SQL\",1,none\n"
                           "Bo,\"Excel\",\"Required skills: Python, SQL\",0,none\n",
                           -1, NULL));
  r = run_cli ("stats", csv, NULL);
  g_assert_cmpint (r.status, ==, 0);
  g_assert_true (g_file_get_contents (json, &contents, NULL, NULL));
  g_assert_nonnull (strstr (contents, "\"records\""));
  synth_test_result_clear (&r);

  g_assert_true (g_file_set_contents (csv, "name,resume_text\n\"unterminated\n", -1, NULL));
  r = run_cli ("stats", csv, NULL);
  g_assert_cmpint (r.status, ==, 2);
  g_assert_nonnull (strstr (r.err, "line"));
  synth_test_result_clear (&r);
}

int
main (int argc, char *argv[])
{
  int status;

  g_test_init (&argc, &argv, NULL);
  tmpdir = g_dir_make_tmp ("synth-cli-XXXXXX", NULL);
  g_test_add_func ("/cli/help", test_help);
  g_test_add_func ("/cli/generate", test_generate);
  g_test_add_func ("/cli/seed-determinism", test_seed_determinism);
  g_test_add_func ("/cli/usage-errors", test_usage_errors);
  g_test_add_func ("/cli/stats", test_stats_command);
  g_test_add_func ("/cli/interrupt-and-resume", test_interrupt_and_resume);
  status = g_test_run ();
  {
    g_autofree char *cmd = g_strdup_printf ("rm -rf '%s'", tmpdir);
    (void) system (cmd);
  }
  g_free (tmpdir);
  return status;
}
