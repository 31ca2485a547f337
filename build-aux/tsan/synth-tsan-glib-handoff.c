/* synth-tsan-glib-handoff.c — the half of the GLib TSan shim that orders
 * work handed from one thread to another: main-context callbacks, GTask,
 * GThreadPool and GAsyncQueue. See synth-tsan-glib.c for the whole picture. */
#include "synth-tsan-glib.h"

/* ---- main-context hand-offs ------------------------------------------------ */

static GMainContext *
context_or_default (GMainContext *context)
{
  return context != NULL ? context : g_main_context_default ();
}

/* A callback with the edge from the thread that queued it. */
typedef struct
{
  gboolean once; /* GSourceOnceFunc: called at most once, returns nothing */
  union
  {
    GSourceFunc func;
    GSourceOnceFunc once_func;
  };
  gpointer data;
  GDestroyNotify notify;
} Callback;

static Callback *
callback_new (GSourceFunc func, gpointer data, GDestroyNotify notify)
{
  Callback *cb = calloc (1, sizeof *cb);

  if (cb == NULL)
    abort ();
  cb->func = func;
  cb->data = data;
  cb->notify = notify;
  sync_release (cb);
  return cb;
}

static void
callback_free (gpointer data)
{
  Callback *cb = data;
  int depth = callback_enter ();

  sync_acquire (cb); /* the source may die unrun, on another thread */
  if (cb->notify != NULL)
    cb->notify (cb->data);
  free (cb);
  callback_leave (depth);
}

static gboolean
callback_trampoline (gpointer data)
{
  Callback *cb = data;
  GSource *current = g_main_current_source ();
  int depth = callback_enter ();
  gboolean again = G_SOURCE_REMOVE;

  sync_acquire (cb);
  if (current != NULL && g_source_get_context (current) != NULL)
    sync_acquire (g_source_get_context (current));
  if (cb->once)
    cb->once_func (cb->data);
  else
    again = cb->func (cb->data);
  callback_leave (depth);
  return again;
}

guint
g_source_attach (GSource *source, GMainContext *context)
{
  guint id;

  REAL (g_source_attach);
  sync_release (context_or_default (context));
  ignore_begin ();
  id = CALL (g_source_attach) (source, context);
  ignore_end ();
  return id;
}

void
g_source_set_ready_time (GSource *source, gint64 ready_time)
{
  GMainContext *context = g_source_get_context (source);

  REAL (g_source_set_ready_time);
  if (context != NULL)
    sync_release (context);
  CALL (g_source_set_ready_time) (source, ready_time);
}

void
g_main_context_wakeup (GMainContext *context)
{
  REAL (g_main_context_wakeup);
  sync_release (context_or_default (context));
  CALL (g_main_context_wakeup) (context);
}

/* Only idle and timeout sources are known to call a plain GSourceFunc; the
 * others (fd, child watch, cancellable, socket…) have other signatures and
 * are left alone. */
void
g_source_set_callback (GSource *source, GSourceFunc func, gpointer data, GDestroyNotify notify)
{
  REAL (g_source_set_callback);
  if (func != NULL &&
      (source->source_funcs == &g_idle_funcs || source->source_funcs == &g_timeout_funcs))
    {
      Callback *cb = callback_new (func, data, notify);

      ignore_begin ();
      CALL (g_source_set_callback) (source, callback_trampoline, cb, callback_free);
      ignore_end ();
    }
  else
    CALL (g_source_set_callback) (source, func, data, notify);
}

/* All the *_add functions below end here or in the seconds variant. */
static guint
idle_or_timeout_add (gboolean idle, gint priority, guint interval, Callback *cb)
{
  guint id;

  sync_release (g_main_context_default ());
  ignore_begin ();
  if (idle)
    {
      REAL (g_idle_add_full);
      id = CALL (g_idle_add_full) (priority, callback_trampoline, cb, callback_free);
    }
  else
    {
      REAL (g_timeout_add_full);
      id = CALL (g_timeout_add_full) (priority, interval, callback_trampoline, cb, callback_free);
    }
  ignore_end ();
  return id;
}

static Callback *
once_callback_new (GSourceOnceFunc func, gpointer data)
{
  Callback *cb = callback_new (NULL, data, NULL);

  cb->once = TRUE;
  cb->once_func = func;
  sync_release (cb);
  return cb;
}

guint
g_idle_add_full (gint priority, GSourceFunc func, gpointer data, GDestroyNotify notify)
{
  return idle_or_timeout_add (TRUE, priority, 0, callback_new (func, data, notify));
}

guint
g_idle_add (GSourceFunc func, gpointer data)
{
  return g_idle_add_full (G_PRIORITY_DEFAULT_IDLE, func, data, NULL);
}

guint
g_idle_add_once (GSourceOnceFunc func, gpointer data)
{
  return idle_or_timeout_add (TRUE, G_PRIORITY_DEFAULT_IDLE, 0, once_callback_new (func, data));
}

guint
g_timeout_add_full (
    gint priority, guint interval, GSourceFunc func, gpointer data, GDestroyNotify notify)
{
  return idle_or_timeout_add (FALSE, priority, interval, callback_new (func, data, notify));
}

guint
g_timeout_add (guint interval, GSourceFunc func, gpointer data)
{
  return g_timeout_add_full (G_PRIORITY_DEFAULT, interval, func, data, NULL);
}

guint
g_timeout_add_once (guint interval, GSourceOnceFunc func, gpointer data)
{
  return idle_or_timeout_add (FALSE, G_PRIORITY_DEFAULT, interval, once_callback_new (func, data));
}

guint
g_timeout_add_seconds_full (
    gint priority, guint interval, GSourceFunc func, gpointer data, GDestroyNotify notify)
{
  Callback *cb = callback_new (func, data, notify);
  guint id;

  REAL (g_timeout_add_seconds_full);
  sync_release (g_main_context_default ());
  ignore_begin ();
  id = CALL (g_timeout_add_seconds_full) (priority, interval, callback_trampoline, cb,
                                          callback_free);
  ignore_end ();
  return id;
}

guint
g_timeout_add_seconds (guint interval, GSourceFunc func, gpointer data)
{
  return g_timeout_add_seconds_full (G_PRIORITY_DEFAULT, interval, func, data, NULL);
}

/* From the owner thread GLib calls @func at once; the trampoline lifts the
 * ignore for it. */
void
g_main_context_invoke_full (
    GMainContext *context, gint priority, GSourceFunc func, gpointer data, GDestroyNotify notify)
{
  Callback *cb = callback_new (func, data, notify);

  REAL (g_main_context_invoke_full);
  sync_release (context_or_default (context));
  ignore_begin ();
  CALL (g_main_context_invoke_full) (context, priority, callback_trampoline, cb, callback_free);
  ignore_end ();
}

void
g_main_context_invoke (GMainContext *context, GSourceFunc func, gpointer data)
{
  g_main_context_invoke_full (context, G_PRIORITY_DEFAULT, func, data, NULL);
}

/* ---- GThreadPool ----------------------------------------------------------
 *
 * gio runs GTask thread functions (its own and ours) on a GThreadPool whose
 * queue TSan cannot see: the pool's function is wrapped so each item's work
 * starts after whoever pushed it. GThreadPool's func and user_data fields
 * are public but nothing of ours or gio's reads them back. */
typedef struct
{
  GFunc func;
  gpointer user_data;
} PoolFunc;

static void
pool_trampoline (gpointer data, gpointer user_data)
{
  PoolFunc *pool_func = user_data;
  int depth = callback_enter ();

  sync_acquire (data);
  pool_func->func (data, pool_func->user_data);
  callback_leave (depth);
}

static PoolFunc *
pool_func_new (GFunc func, gpointer user_data)
{
  PoolFunc *pool_func = calloc (1, sizeof *pool_func);

  if (pool_func == NULL)
    abort ();
  pool_func->func = func;
  pool_func->user_data = user_data;
  return pool_func; /* lives as long as the pool; pools are few */
}

GThreadPool *
g_thread_pool_new (
    GFunc func, gpointer user_data, gint max_threads, gboolean exclusive, GError **error)
{
  REAL (g_thread_pool_new);
  return CALL (g_thread_pool_new) (pool_trampoline, pool_func_new (func, user_data), max_threads,
                                   exclusive, error);
}

GThreadPool *
g_thread_pool_new_full (GFunc func,
                        gpointer user_data,
                        GDestroyNotify item_free_func,
                        gint max_threads,
                        gboolean exclusive,
                        GError **error)
{
  REAL (g_thread_pool_new_full);
  return CALL (g_thread_pool_new_full) (pool_trampoline, pool_func_new (func, user_data),
                                        item_free_func, max_threads, exclusive, error);
}

gboolean
g_thread_pool_push (GThreadPool *pool, gpointer data, GError **error)
{
  gboolean ok;

  REAL (g_thread_pool_push);
  sync_release (data);
  ignore_begin ();
  ok = CALL (g_thread_pool_push) (pool, data, error);
  ignore_end ();
  return ok;
}

/* ---- GTask ----------------------------------------------------------------- */

static GQuark
task_func_quark (void)
{
  return g_quark_from_static_string ("synth-tsan-task-func");
}

static void
task_trampoline (GTask *task, gpointer source_object, gpointer task_data, GCancellable *cancellable)
{
  GTaskThreadFunc func = g_object_get_qdata (G_OBJECT (task), task_func_quark ());

  sync_acquire (task);
  func (task, source_object, task_data, cancellable);
  sync_release (task);
}

/* The worker starts after everything the caller did; the real function
 * queues @task on GLib's pool, out of TSan's sight. */
#define RUN_IN_THREAD_WRAPPER(name)                                                                \
  void name (GTask *task, GTaskThreadFunc task_func)                                               \
  {                                                                                                \
    REAL (name);                                                                                   \
    g_object_set_qdata (G_OBJECT (task), task_func_quark (), (gpointer) task_func);                \
    sync_release (task);                                                                           \
    CALL (name) (task, task_trampoline);                                                           \
    sync_acquire (task); /* _sync: the worker is done */                                           \
  }

RUN_IN_THREAD_WRAPPER (g_task_run_in_thread)
RUN_IN_THREAD_WRAPPER (g_task_run_in_thread_sync)

#define RETURN_WRAPPER(name, type)                                                                 \
  void name (GTask *task, type value)                                                              \
  {                                                                                                \
    REAL (name);                                                                                   \
    sync_release (task);                                                                           \
    CALL (name) (task, value);                                                                     \
  }

RETURN_WRAPPER (g_task_return_boolean, gboolean)
RETURN_WRAPPER (g_task_return_int, gssize)
RETURN_WRAPPER (g_task_return_error, GError *)
RETURN_WRAPPER (g_task_return_value, GValue *)

void
g_task_return_pointer (GTask *task, gpointer result, GDestroyNotify result_destroy)
{
  REAL (g_task_return_pointer);
  sync_release (task);
  CALL (g_task_return_pointer) (task, result, result_destroy);
}

gboolean
g_task_return_error_if_cancelled (GTask *task)
{
  REAL (g_task_return_error_if_cancelled);
  sync_release (task);
  return CALL (g_task_return_error_if_cancelled) (task);
}

/* Variadic: rebuilt on g_task_return_error, as GLib itself does. */
void
g_task_return_new_error (GTask *task, GQuark domain, gint code, const char *format, ...)
{
  GError *error;
  va_list args;

  va_start (args, format);
  error = g_error_new_valist (domain, code, format, args);
  va_end (args);
  g_task_return_error (task, error);
}

#define PROPAGATE_WRAPPER(name, type)                                                              \
  type name (GTask *task, GError **error)                                                          \
  {                                                                                                \
    REAL (name);                                                                                   \
    sync_acquire (task);                                                                           \
    return CALL (name) (task, error);                                                              \
  }

PROPAGATE_WRAPPER (g_task_propagate_boolean, gboolean)
PROPAGATE_WRAPPER (g_task_propagate_int, gssize)
PROPAGATE_WRAPPER (g_task_propagate_pointer, gpointer)

gboolean
g_task_propagate_value (GTask *task, GValue *value, GError **error)
{
  REAL (g_task_propagate_value);
  sync_acquire (task);
  return CALL (g_task_propagate_value) (task, value, error);
}

/* ---- GAsyncQueue ----------------------------------------------------------- */

#define PUSH_WRAPPER(name)                                                                         \
  void name (GAsyncQueue *queue, gpointer data)                                                    \
  {                                                                                                \
    REAL (name);                                                                                   \
    sync_release (queue);                                                                          \
    ignore_begin ();                                                                               \
    CALL (name) (queue, data);                                                                     \
    ignore_end ();                                                                                 \
  }

PUSH_WRAPPER (g_async_queue_push)
PUSH_WRAPPER (g_async_queue_push_unlocked)
PUSH_WRAPPER (g_async_queue_push_front)
PUSH_WRAPPER (g_async_queue_push_front_unlocked)

void
g_async_queue_push_sorted (GAsyncQueue *queue,
                           gpointer data,
                           GCompareDataFunc func,
                           gpointer user_data)
{
  REAL (g_async_queue_push_sorted);
  sync_release (queue);
  ignore_begin (); /* @func is called in here, but it only compares */
  CALL (g_async_queue_push_sorted) (queue, data, func, user_data);
  ignore_end ();
}

#define POP_WRAPPER(name)                                                                          \
  gpointer name (GAsyncQueue *queue)                                                               \
  {                                                                                                \
    gpointer data;                                                                                 \
    REAL (name);                                                                                   \
    data = CALL (name) (queue);                                                                    \
    if (data != NULL)                                                                              \
      sync_acquire (queue);                                                                        \
    return data;                                                                                   \
  }

POP_WRAPPER (g_async_queue_pop)
POP_WRAPPER (g_async_queue_pop_unlocked)
POP_WRAPPER (g_async_queue_try_pop)
POP_WRAPPER (g_async_queue_try_pop_unlocked)

gpointer
g_async_queue_timeout_pop (GAsyncQueue *queue, guint64 timeout)
{
  gpointer data;

  REAL (g_async_queue_timeout_pop);
  data = CALL (g_async_queue_timeout_pop) (queue, timeout);
  if (data != NULL)
    sync_acquire (queue);
  return data;
}
