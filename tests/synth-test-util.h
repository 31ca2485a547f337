/* synth-test-util.h — helpers the test programs share. */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* Whether the file at @path holds the bytes of @needle anywhere (a byte
 * search: SQLite pages and journals hold NUL bytes). FALSE if unreadable. */
gboolean synth_test_file_contains (const char *path, const char *needle);

/* The files under @dir (recursively) that contain @needle, each named with
 * g_test_message(); @n_files (may be NULL) is increased by every file read,
 * so a caller can tell "no hit" from "nothing searched". */
guint synth_test_count_files_containing (const char *dir, const char *needle, guint *n_files);

/* A finished child process: its exit status (or 128 + the signal that
 * ended it) and what it wrote. */
typedef struct
{
  int status;
  char *out;
  char *err;
} SynthTestResult;

void synth_test_result_clear (SynthTestResult *result);

/* Runs @program with @args (NULL-terminated) through @launcher, which must
 * pipe stdout and stderr (and stdin when @input is not NULL), writes @input,
 * and waits for the end. */
SynthTestResult synth_test_run (GSubprocessLauncher *launcher,
                                const char *program,
                                const char *input,
                                const char *const *args);

G_END_DECLS
