/* test-run.c — the offline pipeline as the window drives it: generator
 * threads and a committer behind SynthRun, records handed to the caller's
 * main context batch by batch, pause, cancel and resume. (The CLI never
 * listens to "batch-committed", so this is the only test of that hand-off;
 * build-aux/test runs it under ThreadSanitizer too.) */
#include "config.h"

#include <glib/gstdio.h>

#include "synth-error.h"
#include "synth-run-store.h"
#include "synth-run.h"

typedef struct
{
  char *dir;
  SynthRunStore *store;
  GHashTable *seen; /* record index → itself: every record once */
  GThread *main_thread;
  guint batches;
  guint records;
  gboolean in_order;
  gboolean on_main_thread;
  gint64 last_index;  /* within a batch */
  guint cancel_after; /* records; 0: never */
  guint pause_after;  /* records; 0: never */
  gboolean paused;
  GCancellable *cancellable;
  SynthRun *run;
  gboolean done;
  gboolean ok;
  GError *error;
} Fixture;

static void
fixture_set_up (Fixture *f, gconstpointer data)
{
  guint records = GPOINTER_TO_UINT (data);
  g_autoptr (SynthRunSpec) spec = synth_run_spec_new ();
  g_autoptr (SynthSlotPlan) plan = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *db = NULL;

  f->dir = g_dir_make_tmp ("test-run-XXXXXX", &error);
  g_assert_no_error (error);
  db = g_build_filename (f->dir, "run.db", NULL);
  spec->records = records;
  spec->batch_size = 25;
  spec->seed = 11;
  plan = synth_slot_plan_new_balanced (spec, &error);
  g_assert_no_error (error);
  f->store = synth_run_store_create (db, "test-run", spec, plan, &error);
  g_assert_no_error (error);
  f->seen = g_hash_table_new (NULL, NULL);
  f->main_thread = g_thread_self ();
  f->in_order = TRUE;
  f->on_main_thread = TRUE;
}

static void
fixture_tear_down (Fixture *f, gconstpointer data)
{
  g_autofree char *cmd = g_strdup_printf ("rm -rf '%s'", f->dir);

  g_clear_object (&f->run);
  g_clear_object (&f->store);
  g_clear_object (&f->cancellable);
  g_clear_error (&f->error);
  g_hash_table_unref (f->seen);
  g_assert_cmpint (system (cmd), ==, 0);
  g_free (f->dir);
}

static gboolean
do_resume (gpointer user_data)
{
  Fixture *f = user_data;

  g_assert_cmpint (synth_run_get_state (f->run), ==, SYNTH_RUN_PAUSED);
  synth_run_resume (f->run);
  return G_SOURCE_REMOVE;
}

static void
on_batch (SynthRun *run, GPtrArray *records, Fixture *f)
{
  f->on_main_thread &= g_thread_self () == f->main_thread;
  f->batches++;
  f->last_index = -1;
  for (guint i = 0; i < records->len; i++)
    {
      guint index = synth_record_get_index (records->pdata[i]);

      f->in_order &= (gint64) index > f->last_index;
      f->last_index = index;
      /* Seen twice would mean a record delivered (or stored) twice. */
      g_assert_false (g_hash_table_contains (f->seen, GUINT_TO_POINTER (index)));
      g_hash_table_add (f->seen, GUINT_TO_POINTER (index));
    }
  f->records += records->len;
  if (f->cancel_after > 0 && f->records >= f->cancel_after)
    g_cancellable_cancel (f->cancellable);
  if (f->pause_after > 0 && f->records >= f->pause_after && !f->paused)
    {
      f->paused = TRUE;
      synth_run_pause (run);
      g_timeout_add (200, do_resume, f);
    }
}

static void
on_done (GObject *source, GAsyncResult *result, gpointer user_data)
{
  Fixture *f = user_data;

  f->ok = synth_run_execute_finish (SYNTH_RUN (source), result, &f->error);
  f->done = TRUE;
}

static void
execute (Fixture *f)
{
  g_clear_object (&f->run);
  g_clear_object (&f->cancellable);
  f->run = synth_run_new (f->store);
  f->cancellable = g_cancellable_new ();
  f->done = FALSE;
  g_signal_connect (f->run, "batch-committed", G_CALLBACK (on_batch), f);
  synth_run_execute_async (f->run, f->cancellable, on_done, f);
  while (!f->done)
    g_main_context_iteration (NULL, TRUE);
}

/* Every record reaches the main thread once, in slot order within a batch,
 * and what was handed over is what the store holds. */
static void
test_batches_reach_main_thread (Fixture *f, gconstpointer data)
{
  execute (f);
  g_assert_no_error (f->error);
  g_assert_true (f->ok);
  g_assert_cmpint (synth_run_get_state (f->run), ==, SYNTH_RUN_FINISHED);
  g_assert_true (f->on_main_thread);
  g_assert_true (f->in_order);
  g_assert_cmpuint (f->records, ==, 3000);
  g_assert_cmpuint (g_hash_table_size (f->seen), ==, 3000);
  g_assert_cmpuint (f->batches, >=, 2);
  g_assert_cmpuint (synth_run_store_count_done (f->store), ==, 3000);
  g_assert_cmpuint (synth_run_get_n_done (f->run), ==, 3000);
}

/* Cancel keeps what was committed and nothing more; a second run fills
 * exactly the rest. */
static void
test_cancel_then_resume (Fixture *f, gconstpointer data)
{
  guint after_cancel;

  f->cancel_after = 100;
  execute (f);
  g_assert_false (f->ok);
  g_assert_error (f->error, SYNTH_ERROR, SYNTH_ERROR_CANCELLED);
  g_assert_cmpint (synth_run_get_state (f->run), ==, SYNTH_RUN_STOPPED);
  after_cancel = synth_run_store_count_done (f->store);
  g_test_message ("cancelled with %u of 20000 records stored", after_cancel);
  g_assert_cmpuint (after_cancel, >=, 100);
  g_assert_cmpuint (after_cancel, <, 20000);
  /* The window shows exactly what the store holds. */
  g_assert_cmpuint (f->records, ==, after_cancel);

  g_clear_error (&f->error);
  f->cancel_after = 0;
  execute (f);
  g_assert_no_error (f->error);
  g_assert_true (f->ok);
  g_assert_cmpuint (synth_run_store_count_done (f->store), ==, 20000);
  g_assert_cmpuint (g_hash_table_size (f->seen), ==, 20000);
}

/* Pause holds new batches back; resume finishes the run with nothing lost
 * or doubled. */
static void
test_pause_and_resume (Fixture *f, gconstpointer data)
{
  f->pause_after = 50;
  execute (f);
  g_assert_no_error (f->error);
  g_assert_true (f->ok);
  g_assert_true (f->paused);
  g_assert_cmpuint (f->records, ==, 3000);
  g_assert_cmpuint (g_hash_table_size (f->seen), ==, 3000);
  g_assert_cmpuint (synth_run_store_count_done (f->store), ==, 3000);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add ("/run/batches-reach-main-thread", Fixture, GUINT_TO_POINTER (3000), fixture_set_up,
              test_batches_reach_main_thread, fixture_tear_down);
  g_test_add ("/run/cancel-then-resume", Fixture, GUINT_TO_POINTER (20000), fixture_set_up,
              test_cancel_then_resume, fixture_tear_down);
  g_test_add ("/run/pause-and-resume", Fixture, GUINT_TO_POINTER (3000), fixture_set_up,
              test_pause_and_resume, fixture_tear_down);
  return g_test_run ();
}
