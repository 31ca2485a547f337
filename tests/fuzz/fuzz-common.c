/* fuzz-common.c — process setup shared by the fuzz targets.
 *
 * Warnings and criticals are findings (a g_return_if_fail that fires is a
 * caller bug the fuzzer reached), so they abort; debug, info and plain messages are
 * dropped, because a fuzzer prints millions of them. */
#include "fuzz-common.h"

static GLogWriterOutput
fuzz_log_writer (GLogLevelFlags level, const GLogField *fields, gsize n_fields, gpointer user_data)
{
  if (level & (G_LOG_LEVEL_ERROR | G_LOG_LEVEL_CRITICAL | G_LOG_LEVEL_WARNING))
    {
      g_log_writer_default (level, fields, n_fields, user_data);
      /* abort() rather than GLib's own stop, a SIGTRAP that libFuzzer does
       * not catch: SIGABRT makes it save the input. */
      abort ();
    }
  return G_LOG_WRITER_HANDLED;
}

int
LLVMFuzzerInitialize (int *argc, char ***argv)
{
  g_log_set_writer_func (fuzz_log_writer, NULL, NULL);
  return 0;
}
