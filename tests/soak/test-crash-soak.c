/* test-crash-soak.c — SIGKILL the CLI at random moments (planning, generating,
 * committing, exporting), resume each time, and check that the final CSV
 * equals, byte for byte, a run that was never interrupted, and that the run
 * store is intact. Suite "slow"; SYNTH_SOAK_RECORDS / SYNTH_SOAK_KILLS size it. */
#include "config.h"

#include <gio/gio.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>

#include "synth-csv.h"
#include "synth-run-store.h"

static char *tmpdir;
static char *runs_dir;

static GSubprocess *
spawn_cli (GError **error, const char *first, ...)
{
  g_autoptr (GPtrArray) argv = g_ptr_array_new ();
  g_autoptr (GSubprocessLauncher) launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDERR_PIPE
                                                                        | G_SUBPROCESS_FLAGS_STDOUT_SILENCE);
  va_list args;

  g_ptr_array_add (argv, (char *) CLI_PATH);
  va_start (args, first);
  for (const char *a = first; a; a = va_arg (args, const char *))
    g_ptr_array_add (argv, (char *) a);
  va_end (args);
  g_ptr_array_add (argv, NULL);
  g_subprocess_launcher_setenv (launcher, "SYNTH_RUNS_DIR", runs_dir, TRUE);
  return g_subprocess_launcher_spawnv (launcher, (const char *const *) argv->pdata, error);
}

/* Waits for the child; TRUE if it exited 0. */
static gboolean
wait_ok (GSubprocess *proc)
{
  g_autofree char *err = NULL;
  g_autoptr (GError) error = NULL;

  g_subprocess_communicate_utf8 (proc, NULL, NULL, NULL, &err, &error);
  g_assert_no_error (error);
  if (!g_subprocess_get_successful (proc))
    g_test_message ("child failed: %s", err ? err : "");
  return g_subprocess_get_successful (proc);
}

static guint
env_uint (const char *name, guint fallback)
{
  const char *v = g_getenv (name);
  return v ? (guint) g_ascii_strtoull (v, NULL, 10) : fallback;
}

static void
test_crash_soak (void)
{
  guint n = env_uint ("SYNTH_SOAK_RECORDS", 40000);
  guint kills_wanted = env_uint ("SYNTH_SOAK_KILLS", 20);
  g_autofree char *records = g_strdup_printf ("%u", n);
  g_autofree char *ref = g_build_filename (tmpdir, "ref.csv", NULL);
  g_autofree char *out = g_build_filename (tmpdir, "out.csv", NULL);
  g_autofree char *a = NULL, *b = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (GSubprocess) proc = NULL;
  g_autoptr (SynthRunStore) store = NULL;
  g_autoptr (GPtrArray) rows = NULL;
  g_autoptr (GHashTable) seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  gint64 t0;
  double ref_seconds;
  guint kills = 0, mid_run_kills = 0, attempts = 0;
  gboolean finished = FALSE;

  /* The uninterrupted reference, and how long a whole run takes here. */
  t0 = g_get_monotonic_time ();
  proc = spawn_cli (&error, "generate", "--records", records, "--seed", "2024", "--output", ref,
                    "--quiet", NULL);
  g_assert_no_error (error);
  g_assert_true (wait_ok (proc));
  g_clear_object (&proc);
  ref_seconds = (g_get_monotonic_time () - t0) / 1e6;
  g_test_message ("reference run: %u records in %.2f s", n, ref_seconds);

  /* Start the run; kill it only once the store exists (a kill during the
   * first milliseconds leaves no run to resume, which is nothing to lose). */
  proc = spawn_cli (&error, "generate", "--records", records, "--seed", "2024", "--output", out,
                    "--run-id", "soak", NULL);
  g_assert_no_error (error);
  {
    g_autoptr (GDataInputStream) in = g_data_input_stream_new (g_subprocess_get_stderr_pipe (proc));
    g_autofree char *line = g_data_input_stream_read_line_utf8 (in, NULL, NULL, &error);
    g_assert_no_error (error);
    g_assert_cmpstr (line, ==, "run: soak");
  }

  while (!finished && attempts < kills_wanted * 3)
    {
      /* Spread the kills so that about 20 of them land before the end. */
      double max_delay = MAX (0.05, ref_seconds * 1.3 / kills_wanted);
      gulong delay_us = (gulong) (g_test_rand_double_range (0.01, max_delay) * 1e6);

      attempts++;
      if (proc == NULL)
        {
          proc = spawn_cli (&error, "resume", "soak", "--output", out, "--quiet", NULL);
          g_assert_no_error (error);
        }
      g_usleep (delay_us);
      if (kills < kills_wanted)
        {
          g_subprocess_force_exit (proc);
          g_subprocess_wait (proc, NULL, &error);
          g_assert_no_error (error);
          if (g_subprocess_get_if_signaled (proc))
            {
              kills++;
              mid_run_kills++;
            }
          else
            finished = g_subprocess_get_successful (proc);
        }
      else
        finished = wait_ok (proc);
      g_clear_object (&proc);

      /* Whatever happened, the store must be intact and never ahead of the plan. */
      store = synth_run_store_open_id ("soak", &error);
      g_assert_no_error (error);
      g_assert_true (synth_run_store_check_integrity (store, &error));
      g_assert_no_error (error);
      g_assert_cmpuint (synth_run_store_count_done (store), <=, n);
      g_clear_object (&store);
    }
  g_test_message ("%u kills (%u mid-run) in %u attempts", kills, mid_run_kills, attempts);
  g_assert_true (finished);
  g_assert_cmpuint (mid_run_kills, >=, kills_wanted * 3 / 4);

  g_assert_true (g_file_get_contents (ref, &a, NULL, NULL));
  g_assert_true (g_file_get_contents (out, &b, NULL, NULL));
  g_assert_cmpuint (strlen (a), ==, strlen (b));
  g_assert_true (strcmp (a, b) == 0);

  rows = synth_csv_read_all_records (out, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (rows->len, ==, n);
  for (guint i = 0; i < rows->len; i++)
    {
      SynthRecord *r = rows->pdata[i];
      g_hash_table_add (seen, g_strconcat (synth_record_get_name (r), "\x1f",
                                           synth_record_get_resume_text (r), "\x1f",
                                           synth_record_get_job_skill_text (r), NULL));
    }
  /* Fairness variants share texts but not names: every row is unique. */
  g_assert_cmpuint (g_hash_table_size (seen), ==, n);
}

int
main (int argc, char *argv[])
{
  int status;

  g_test_init (&argc, &argv, NULL);
  tmpdir = g_dir_make_tmp ("synth-soak-XXXXXX", NULL);
  runs_dir = g_build_filename (tmpdir, "runs", NULL);
  g_setenv ("SYNTH_RUNS_DIR", runs_dir, TRUE);
  g_test_add_func ("/soak/crash", test_crash_soak);
  status = g_test_run ();
  {
    g_autofree char *cmd = g_strdup_printf ("rm -rf '%s'", tmpdir);
    (void) system (cmd);
  }
  g_free (runs_dir);
  g_free (tmpdir);
  return status;
}
