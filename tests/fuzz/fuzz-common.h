/* fuzz-common.h — what every fuzz target shares: the libFuzzer entry points
 * and a check that stops the run when an invariant is broken.
 *
 * Each target is built twice: as a libFuzzer program (-Dfuzzing=true, clang)
 * and as `<target>-replay`, fuzz-replay.c's main() over the target's seed
 * corpus, which runs as a plain meson test in every build. */
#pragma once

#include <glib.h>
#include <stdint.h>
#include <stdlib.h>

G_BEGIN_DECLS

int LLVMFuzzerInitialize (int *argc, char ***argv);
int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

/* A broken invariant is a finding: say which, then abort so that libFuzzer
 * saves the input (and the replay test fails). */
#define FUZZ_CHECK(cond)                                                                           \
  G_STMT_START                                                                                     \
  {                                                                                                \
    if (G_UNLIKELY (!(cond)))                                                                      \
      {                                                                                            \
        g_printerr ("%s:%d: invariant broken: %s\n", __FILE__, __LINE__, #cond);                   \
        abort ();                                                                                  \
      }                                                                                            \
  }                                                                                                \
  G_STMT_END

G_END_DECLS
