/* fuzz-replay.c — runs a fuzz target over files without libFuzzer, so every
 * build replays the seed corpus (and the crashes found before, kept there as
 * regression inputs) as an ordinary test.
 *
 * Usage: <target>-replay PATH…  (a PATH is a file or a directory of files)
 * Exit status 0 when every input ran; a broken invariant aborts. A missing or
 * empty corpus is a failure too, so a test never passes by replaying nothing. */
#include <glib.h>
#include <glib/gstdio.h>
#include <stdio.h>
#include <string.h>

#include "fuzz-common.h"

static gboolean
replay_file (const char *path, guint *n_inputs, GError **error)
{
  g_autofree char *contents = NULL;
  gsize length;

  if (!g_file_get_contents (path, &contents, &length, error))
    return FALSE;
  LLVMFuzzerTestOneInput ((const uint8_t *) contents, length);
  (*n_inputs)++;
  return TRUE;
}

static int
compare_names (gconstpointer a, gconstpointer b)
{
  return strcmp (*(const char *const *) a, *(const char *const *) b);
}

/* Files of @dir in name order, so a failure is reproducible run to run. */
static gboolean
replay_dir (const char *dir, guint *n_inputs, GError **error)
{
  g_autoptr (GDir) d = g_dir_open (dir, 0, error);
  g_autoptr (GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  const char *name;

  if (d == NULL)
    return FALSE;
  while ((name = g_dir_read_name (d)) != NULL)
    if (name[0] != '.')
      g_ptr_array_add (names, g_build_filename (dir, name, NULL));
  g_ptr_array_sort (names, compare_names);
  for (guint i = 0; i < names->len; i++)
    if (!g_file_test (names->pdata[i], G_FILE_TEST_IS_DIR) &&
        !replay_file (names->pdata[i], n_inputs, error))
      return FALSE;
  return TRUE;
}

int
main (int argc, char **argv)
{
  guint n_inputs = 0;

  LLVMFuzzerInitialize (&argc, &argv);
  if (argc < 2)
    {
      g_printerr ("Usage: %s FILE-OR-DIRECTORY…\n", argv[0]);
      return 2;
    }
  for (int i = 1; i < argc; i++)
    {
      g_autoptr (GError) error = NULL;
      gboolean ok = g_file_test (argv[i], G_FILE_TEST_IS_DIR)
                        ? replay_dir (argv[i], &n_inputs, &error)
                        : replay_file (argv[i], &n_inputs, &error);
      if (!ok)
        {
          g_printerr ("%s: %s\n", argv[0], error->message);
          return 1;
        }
    }
  if (n_inputs == 0)
    {
      g_printerr ("%s: no inputs to replay; the corpus is missing or empty\n", argv[0]);
      return 1;
    }
  g_print ("%s: %u inputs replayed\n", argv[0], n_inputs);
  return 0;
}
