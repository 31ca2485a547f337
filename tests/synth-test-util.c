/* synth-test-util.c — helpers the test programs share. */
#include "config.h"

#include <string.h>

#include "synth-test-util.h"

gboolean
synth_test_file_contains (const char *path, const char *needle)
{
  g_autofree char *data = NULL;
  gsize len = 0, n = strlen (needle);

  if (!g_file_get_contents (path, &data, &len, NULL))
    return FALSE;
  for (gsize i = 0; i + n <= len; i++)
    if (memcmp (data + i, needle, n) == 0)
      return TRUE;
  return FALSE;
}

guint
synth_test_count_files_containing (const char *dir, const char *needle, guint *n_files)
{
  g_autoptr (GDir) d = g_dir_open (dir, 0, NULL);
  const char *name;
  guint n = 0;

  g_assert_nonnull (d);
  while ((name = g_dir_read_name (d)) != NULL)
    {
      g_autofree char *path = g_build_filename (dir, name, NULL);

      if (g_file_test (path, G_FILE_TEST_IS_DIR))
        n += synth_test_count_files_containing (path, needle, n_files);
      else
        {
          if (n_files != NULL)
            (*n_files)++;
          if (synth_test_file_contains (path, needle))
            {
              g_test_message ("%s contains “%s”", path, needle);
              n++;
            }
        }
    }
  return n;
}

void
synth_test_result_clear (SynthTestResult *result)
{
  g_clear_pointer (&result->out, g_free);
  g_clear_pointer (&result->err, g_free);
}

SynthTestResult
synth_test_run (GSubprocessLauncher *launcher,
                const char *program,
                const char *input,
                const char *const *args)
{
  g_autoptr (GPtrArray) argv = g_ptr_array_new ();
  g_autoptr (GSubprocess) proc = NULL;
  g_autoptr (GError) error = NULL;
  SynthTestResult r = { 0 };

  g_ptr_array_add (argv, (char *) program);
  for (guint i = 0; args[i] != NULL; i++)
    g_ptr_array_add (argv, (char *) args[i]);
  g_ptr_array_add (argv, NULL);
  proc = g_subprocess_launcher_spawnv (launcher, (const char *const *) argv->pdata, &error);
  g_assert_no_error (error);
  g_subprocess_communicate_utf8 (proc, input, NULL, &r.out, &r.err, &error);
  g_assert_no_error (error);
  r.status = g_subprocess_get_if_exited (proc) ? g_subprocess_get_exit_status (proc)
                                               : 128 + g_subprocess_get_term_sig (proc);
  return r;
}
