/* race-check.c — proves the ThreadSanitizer stage is live: the GLib shim
 * (synth-tsan-glib*.c) adds the edges GLib really guarantees and does not
 * hide a plain race. Run with the shim preloaded:
 *
 *   race-check race     two threads increment a global with nothing between
 *                       them: TSan must report a data race (exit non-zero);
 *   race-check mutex    the same increments under a GMutex: no report;
 *   race-check handoff  a worker fills a struct and hands it to the main
 *                       context with g_idle_add, g_timeout_add and a GTask
 *                       returned from a thread: no report.
 *
 * Without the shim, "mutex" and "handoff" report races too (GLib's futexes
 * and main-context lock are invisible to TSan); with a shim that synchronized
 * everything, "race" would pass. build-aux/test requires all three. */
#include <gio/gio.h>

#define ROUNDS 20000

static guint counter;
static GMutex counter_lock;
static gboolean use_mutex;

static gpointer
increment (gpointer data)
{
  for (guint i = 0; i < ROUNDS; i++)
    {
      if (use_mutex)
        g_mutex_lock (&counter_lock);
      counter++;
      if (use_mutex)
        g_mutex_unlock (&counter_lock);
    }
  return NULL;
}

static int
run_counters (gboolean locked)
{
  GThread *a, *b;

  use_mutex = locked;
  a = g_thread_new ("race-a", increment, NULL);
  b = g_thread_new ("race-b", increment, NULL);
  g_thread_join (a);
  g_thread_join (b);
  g_print ("counter = %u of %u\n", counter, 2 * ROUNDS);
  return 0;
}

/* ---- hand-offs to the main context ----------------------------------------- */

typedef struct
{
  guint values[64];
  guint sum;
} Payload;

static guint pending;

static Payload *
payload_new (guint seed)
{
  Payload *p = g_new0 (Payload, 1);

  for (guint i = 0; i < G_N_ELEMENTS (p->values); i++)
    p->values[i] = seed + i;
  return p;
}

/* Main context: reads what the worker wrote, frees it. */
static gboolean
consume (gpointer data)
{
  Payload *p = data;

  for (guint i = 0; i < G_N_ELEMENTS (p->values); i++)
    p->sum += p->values[i];
  g_free (p);
  pending--;
  return G_SOURCE_REMOVE;
}

static gpointer
producer (gpointer data)
{
  g_idle_add (consume, payload_new (1));
  g_timeout_add (1, consume, payload_new (2));
  return NULL;
}

static void
task_thread (GTask *task, gpointer source, gpointer task_data, GCancellable *cancellable)
{
  g_task_return_pointer (task, payload_new (3), g_free);
}

static void
task_done (GObject *source, GAsyncResult *result, gpointer user_data)
{
  Payload *p = g_task_propagate_pointer (G_TASK (result), NULL);

  consume (p);
}

static int
run_handoff (void)
{
  g_autoptr (GTask) task = g_task_new (NULL, NULL, task_done, NULL);
  GThread *thread;

  pending = 3;
  g_task_run_in_thread (task, task_thread);
  thread = g_thread_new ("producer", producer, NULL);
  /* Mostly asleep rather than blocked in poll: a source attached to a
   * context nobody is iterating wakes nothing, so the eventfd write/read
   * that TSan would see as an edge does not happen and only the shim's
   * annotations order the callbacks after the producers. */
  while (pending > 0)
    if (!g_main_context_iteration (NULL, FALSE))
      g_usleep (1000);
  g_thread_join (thread);
  g_print ("hand-offs done\n");
  return 0;
}

int
main (int argc, char **argv)
{
  const char *mode = argc > 1 ? argv[1] : "";

  if (g_str_equal (mode, "race"))
    return run_counters (FALSE);
  if (g_str_equal (mode, "mutex"))
    return run_counters (TRUE);
  if (g_str_equal (mode, "handoff"))
    return run_handoff ();
  g_printerr ("usage: race-check race|mutex|handoff\n");
  return 2;
}
