/* bench-offline — offline records per second, end to end into the run store.
 *
 * Usage: bench-offline [RECORDS]   (default 200000)
 * Prints records/s, the ratio to the 20,000 records/s target, and peak RSS. */
#include "config.h"

#include <glib/gstdio.h>
#include <stdlib.h>
#include <sys/resource.h>

#include "synth-run.h"

int
main (int argc, char **argv)
{
  guint n = argc > 1 ? (guint) g_ascii_strtoull (argv[1], NULL, 10) : 200000;
  g_autofree char *dir = g_dir_make_tmp ("synth-bench-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "bench.db", NULL);
  g_autoptr (SynthRunSpec) spec = synth_run_spec_new ();
  g_autoptr (SynthSlotPlan) plan = NULL;
  g_autoptr (SynthRunStore) store = NULL;
  g_autoptr (SynthRun) run = NULL;
  g_autoptr (GError) error = NULL;
  struct rusage ru;
  gint64 t0, t1, t2;

  spec->records = n;
  t0 = g_get_monotonic_time ();
  plan = synth_slot_plan_new_balanced (spec, &error);
  store = plan ? synth_run_store_create (path, "bench", spec, plan, &error) : NULL;
  if (store == NULL)
    g_error ("%s", error->message);
  g_clear_pointer (&plan, synth_slot_plan_unref);
  t1 = g_get_monotonic_time ();
  run = synth_run_new (store);
  if (!synth_run_execute (run, NULL, &error))
    g_error ("%s", error->message);
  t2 = g_get_monotonic_time ();
  getrusage (RUSAGE_SELF, &ru);

  {
    double gen = n / ((t2 - t1) / 1e6);
    double total = n / ((t2 - t0) / 1e6);
    g_print ("records: %u\n", n);
    g_print ("plan + store setup: %.2f s\n", (t1 - t0) / 1e6);
    g_print ("generation into the run store: %.0f records/s (%.2f x the 20,000/s target)\n", gen,
             gen / 20000.0);
    g_print ("end to end incl. planning: %.0f records/s (%.2f x target)\n", total, total / 20000.0);
    g_print ("peak RSS: %.0f MiB\n", ru.ru_maxrss / 1024.0);
  }
  g_clear_object (&run);
  g_clear_object (&store);
  {
    g_autofree char *cmd = g_strdup_printf ("rm -rf '%s'", dir);
    (void) system (cmd);
  }
  return 0;
}
