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
