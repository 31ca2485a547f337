/* bench-export — export throughput as a ratio to a plain copy of the same bytes.
 *
 * Usage: bench-export [RECORDS]   (default 100000)
 * Generates a run offline, exports it (CSV + stats + report), then copies the
 * CSV with cp(1); prints both rates and ours ÷ cp. Also the CSV-only rate.
 * The CSV alone and cp each run three times and the median counts, each
 * after a sync(2): otherwise a run pays for the kernel still writing back
 * the half-gigabyte database generated just before, or the last copy. */
#include "config.h"

#include <glib/gstdio.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <unistd.h>

#include "synth-export.h"
#include "synth-run.h"

static double
seconds_since (gint64 t)
{
  return (g_get_monotonic_time () - t) / 1e6;
}

typedef struct
{
  SynthCsvWriter *writer;
} CsvOnly;

#define REPEATS 3

static int
compare_double (gconstpointer a, gconstpointer b)
{
  double x = *(const double *) a, y = *(const double *) b;
  return x < y ? -1 : x > y;
}

static double
median (double *values, guint n)
{
  qsort (values, n, sizeof *values, compare_double);
  return values[n / 2];
}

static gboolean
write_one (SynthRecord *record, gpointer data)
{
  return synth_csv_writer_write (((CsvOnly *) data)->writer, record, NULL);
}

int
main (int argc, char **argv)
{
  guint n = argc > 1 ? (guint) g_ascii_strtoull (argv[1], NULL, 10) : 100000;
  g_autofree char *dir = g_dir_make_tmp ("synth-bench-XXXXXX", NULL);
  g_autofree char *db = g_build_filename (dir, "bench.db", NULL);
  g_autofree char *csv = g_build_filename (dir, "out.csv", NULL);
  g_autofree char *csv2 = g_build_filename (dir, "only.csv", NULL);
  g_autofree char *copy = g_build_filename (dir, "copy.csv", NULL);
  g_autofree char *cmd = NULL;
  g_autoptr (SynthRunSpec) spec = synth_run_spec_new ();
  g_autoptr (SynthSlotPlan) plan = NULL;
  g_autoptr (SynthRunStore) store = NULL;
  g_autoptr (SynthRun) run = NULL;
  g_autoptr (GError) error = NULL;
  SynthExportOptions options;
  SynthExportResult result = { 0 };
  double t_export, t_csv, t_cp, runs[REPEATS];
  gint64 t;
  struct rusage ru;

  spec->records = n;
  plan = synth_slot_plan_new_balanced (spec, &error);
  store = synth_run_store_create (db, "bench", spec, plan, &error);
  if (store == NULL)
    g_error ("%s", error->message);
  run = synth_run_new (store);
  if (!synth_run_execute (run, NULL, &error))
    g_error ("%s", error->message);

  synth_export_options_init (&options);
  /* The CSV alone: what the "half the speed of cp" target is about. */
  for (guint i = 0; i < REPEATS; i++)
    {
      CsvOnly st;
      sync ();
      t = g_get_monotonic_time ();
      st.writer = synth_csv_writer_new (csv2, &options.csv, &error);
      if (!synth_run_store_foreach_record (store, write_one, &st, &error) ||
          !synth_csv_writer_close (st.writer, &error))
        g_error ("%s", error->message);
      synth_csv_writer_free (st.writer);
      runs[i] = seconds_since (t);
    }
  t_csv = median (runs, REPEATS);

  sync ();
  t = g_get_monotonic_time ();
  if (!synth_export_run (store, csv, &options, &result, &error))
    g_error ("%s", error->message);
  t_export = seconds_since (t);

  cmd = g_strdup_printf ("cp '%s' '%s' && sync '%s'", csv, copy, copy);
  for (guint i = 0; i < REPEATS; i++)
    {
      sync ();
      t = g_get_monotonic_time ();
      if (system (cmd) != 0)
        g_error ("cp failed");
      runs[i] = seconds_since (t);
    }
  t_cp = median (runs, REPEATS);
  getrusage (RUSAGE_SELF, &ru);

  {
    double mb = result.n_bytes / 1048576.0;
    g_print ("records: %u, CSV: %.1f MiB\n", n, mb);
    g_print ("cp + sync of the CSV (median of %d): %.1f MiB/s\n", REPEATS, mb / t_cp);
    g_print ("CSV from the run store (read + escape + write + fsync, median of %d): %.1f MiB/s = "
             "%.2f x cp\n",
             REPEATS, mb / t_csv, t_cp / t_csv);
    g_print ("full export (CSV + stats.json + report.html): %.1f MiB/s = %.2f x cp\n",
             mb / t_export, t_cp / t_export);
    g_print ("peak RSS: %.0f MiB\n", ru.ru_maxrss / 1024.0);
  }
  synth_export_result_clear (&result);
  g_clear_object (&run);
  g_clear_object (&store);
  g_free (cmd);
  cmd = g_strdup_printf ("rm -rf '%s'", dir);
  (void) system (cmd);
  return 0;
}
