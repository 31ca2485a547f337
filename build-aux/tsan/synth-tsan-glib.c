/* synth-tsan-glib.c — an LD_PRELOAD shim that makes GLib's synchronization
 * visible to ThreadSanitizer.
 *
 * Debian's GLib is not built with -fsanitize=thread, and on Linux GMutex,
 * GCond and GOnce are raw futexes and atomics, GObject counts references and
 * publishes initialized classes with uninstrumented atomics, and a
 * GMainContext or GThreadPool hands work from one thread to another under
 * its own private lock. TSan sees none of that, finds no happens-before
 * edge, and reports races on everything GLib synchronizes. This shim
 * interposes the exported functions that our code (and libgio, libsoup,
 * libgobject, which call libglib through the PLT) calls, and tells TSan what
 * each one guarantees, around the real function found with
 * dlsym (RTLD_NEXT):
 *
 *   GMutex                 a mutex (__tsan_mutex_* annotations), so reports
 *                          show which locks were held and lock-order
 *                          inversions are found too;
 *   GCond wait             unlocks and relocks its mutex (signal adds
 *                          nothing: waiters synchronize through the mutex);
 *   GOnce, g_once_init_*   the initializer releases before the value is
 *                          published, whoever sees it acquires;
 *   GType classes          class_init releases before GLib publishes the
 *                          class, g_object_new acquires;
 *   refcounts              every unref releases and acquires on the object,
 *                          so whichever thread drops the last reference
 *                          finalizes after everything the others did;
 *   main-context hand-off  a callback queued by g_idle_add, g_timeout_add,
 *                          g_main_context_invoke or g_source_set_callback on
 *                          an idle/timeout source runs after what the thread
 *                          that queued it had done (per callback), and after
 *                          whatever any thread did before attaching a source
 *                          to, or waking a source of, the same context (per
 *                          context);
 *   GTask, GThreadPool     the work starts after whoever queued it; return_*
 *                          releases and propagate_* acquires on the task;
 *   GAsyncQueue            push releases, a pop that got data acquires.
 *
 * GRecMutex and GRWLock are pthread objects TSan intercepts itself.
 *
 * Deliberately conservative, never inventive: the per-context edge orders
 * two unrelated hand-offs to one context, and unref orders every thread that
 * dropped a reference to the same object, which can hide a race but never
 * report one that is not there. The unref edge has one theoretical window
 * (another thread's release landing after the last unref's acquire but
 * before its decrement) that would report a false race on finalized memory;
 * it has not been seen. race-check.c, run by build-aux/test, proves the shim
 * hides no plain unsynchronized race and that the GMutex and hand-off edges
 * are there.
 *
 * Calls that libglib makes to itself are bound inside the library and do not
 * come here; the few that matter are handled below (its one internal
 * GRWLock, the memory it allocates inside a hand-off). */
#include "synth-tsan-glib.h"

#include <link.h>
#include <pthread.h>
#include <stdint.h>
#include <string.h>

#include <sanitizer/tsan_interface.h>

/* gobject.h makes this a type-preserving macro; we define the function. */
#undef g_object_ref

/* Not in the public header of this libtsan, but exported: memory accesses
 * (not synchronization) of this thread are ignored between the two. */
void __tsan_ignore_thread_begin (void);
void __tsan_ignore_thread_end (void);

/* ---- only in a program built with -fsanitize=thread ------------------------
 *
 * The preload is inherited by every child a test starts, including the
 * shell behind system () and other uninstrumented programs, where the TSan
 * runtime is never initialized and an annotation would crash (libgobject's
 * constructor already calls into here). There the shim only passes calls
 * through. The shim itself is not instrumented for the same reason, and has
 * nothing of its own worth checking. */
static int tsan_state; /* 0 unknown, 1 on, 2 off */

static int
find_libtsan (struct dl_phdr_info *info, size_t size, void *data)
{
  const ElfW (Dyn) *dyn = NULL;
  const char *strtab = NULL;

  for (int i = 0; i < info->dlpi_phnum; i++)
    if (info->dlpi_phdr[i].p_type == PT_DYNAMIC)
      dyn = (const ElfW (Dyn) *) (info->dlpi_addr + info->dlpi_phdr[i].p_vaddr);
  for (const ElfW (Dyn) *d = dyn; d != NULL && d->d_tag != DT_NULL; d++)
    if (d->d_tag == DT_STRTAB) /* ld.so has relocated it, except on a few arches */
      strtab = (const char *) (d->d_un.d_ptr < info->dlpi_addr ? info->dlpi_addr + d->d_un.d_ptr
                                                               : d->d_un.d_ptr);
  for (const ElfW (Dyn) *d = dyn; d != NULL && strtab != NULL && d->d_tag != DT_NULL; d++)
    if (d->d_tag == DT_NEEDED && strstr (strtab + d->d_un.d_val, "libtsan") != NULL)
      *(gboolean *) data = TRUE;
  return 1; /* the first object is the program itself */
}

/* gcc links the program to libtsan.so; clang links the runtime in. */
static gboolean
tsan_on (void)
{
  int state = __atomic_load_n (&tsan_state, __ATOMIC_RELAXED);

  if (G_UNLIKELY (state == 0))
    {
      gboolean needed = FALSE;
      void *init = dlsym (RTLD_DEFAULT, "__tsan_init");
      Dl_info where;

      dl_iterate_phdr (find_libtsan, &needed);
      if (!needed && init != NULL && dladdr (init, &where) != 0)
        needed = strstr (where.dli_fname, "libtsan") == NULL; /* in the program */
      state = needed ? 1 : 2;
      __atomic_store_n (&tsan_state, state, __ATOMIC_RELAXED);
    }
  return state == 1;
}

void
sync_acquire (const volatile void *addr)
{
  if (tsan_on ())
    __tsan_acquire ((void *) addr);
}

void
sync_release (const volatile void *addr)
{
  if (tsan_on ())
    __tsan_release ((void *) addr);
}

static void
mutex_create (GMutex *mutex)
{
  if (tsan_on ())
    __tsan_mutex_create (mutex, 0);
}

static void
mutex_destroy (GMutex *mutex)
{
  if (tsan_on ())
    __tsan_mutex_destroy (mutex, 0);
}

static void
mutex_pre_lock (GMutex *mutex, unsigned flags)
{
  if (tsan_on ())
    __tsan_mutex_pre_lock (mutex, flags);
}

static void
mutex_post_lock (GMutex *mutex, unsigned flags)
{
  if (tsan_on ())
    __tsan_mutex_post_lock (mutex, flags, 0);
}

static void
mutex_pre_unlock (GMutex *mutex)
{
  if (tsan_on ())
    __tsan_mutex_pre_unlock (mutex, 0);
}

static void
mutex_post_unlock (GMutex *mutex)
{
  if (tsan_on ())
    __tsan_mutex_post_unlock (mutex, 0);
}

/* ---- GLib's own memory ------------------------------------------------------
 *
 * Inside a real push, attach or idle_add GLib allocates list nodes and
 * sources that another thread frees after the hand-off; the allocation
 * happens after our release, so TSan would report the free. TSan does not
 * check what it allocated under an ignore, and nothing of ours runs in
 * there: except a callback GLib calls at once (g_main_context_invoke from
 * the owner thread), which lifts the ignore while it runs. */
static __thread int ignore_depth;

void
ignore_begin (void)
{
  if (!tsan_on ())
    return;
  ignore_depth++;
  __tsan_ignore_thread_begin ();
}

void
ignore_end (void)
{
  if (!tsan_on ())
    return;
  __tsan_ignore_thread_end ();
  ignore_depth--;
}

int
callback_enter (void)
{
  int depth = ignore_depth;

  for (int i = 0; i < depth; i++)
    __tsan_ignore_thread_end ();
  ignore_depth = 0;
  return depth;
}

void
callback_leave (int depth)
{
  for (int i = 0; i < depth; i++)
    __tsan_ignore_thread_begin ();
  ignore_depth = depth;
}

/* Whether a return address is in the program (the tests, the CLI and
 * synth-core, which is linked in statically) rather than in a library. A
 * GMutex annotation makes TSan read the mutex's memory, which flags a mutex
 * that lives in an object GLib, gio or libsoup allocated on another thread
 * and handed over out of our sight; for the libraries' own mutexes we keep
 * the lock semantics and skip that check. Ours keep it. */
#define MAX_RANGES 8
static uintptr_t program_start[MAX_RANGES], program_end[MAX_RANGES];
static int n_program_ranges;
static pthread_once_t program_once = PTHREAD_ONCE_INIT;

static int
find_program (struct dl_phdr_info *info, size_t size, void *data)
{
  for (int i = 0; i < info->dlpi_phnum && n_program_ranges < MAX_RANGES; i++)
    if (info->dlpi_phdr[i].p_type == PT_LOAD)
      {
        program_start[n_program_ranges] = info->dlpi_addr + info->dlpi_phdr[i].p_vaddr;
        program_end[n_program_ranges] =
            program_start[n_program_ranges] + info->dlpi_phdr[i].p_memsz;
        n_program_ranges++;
      }
  return 1; /* the first object is the program itself */
}

static void
find_program_once (void)
{
  dl_iterate_phdr (find_program, NULL);
}

static gboolean
called_from_program (void *return_address)
{
  uintptr_t at = (uintptr_t) return_address;

  pthread_once (&program_once, find_program_once);
  for (int i = 0; i < n_program_ranges; i++)
    if (at >= program_start[i] && at < program_end[i])
      return TRUE;
  return FALSE;
}

#define BEGIN_LIBRARY_CALLER                                                                       \
  gboolean from_library = !called_from_program (__builtin_return_address (0));                     \
  if (from_library)                                                                                \
  ignore_begin ()
#define END_LIBRARY_CALLER                                                                         \
  if (from_library)                                                                                \
  ignore_end ()

/* ---- before any thread ----------------------------------------------------
 *
 * libglib's one internal GRWLock (the GError domain registry) allocates its
 * pthread rwlock on first use and publishes it with an atomic TSan cannot
 * see; libglib takes it through internal calls that do not come here. Use it
 * once while the process has a single thread, so every later use comes after
 * the allocation (thread creation is a happens-before edge TSan sees). */
__attribute__ ((constructor)) static void
warm_up_glib (void)
{
  g_error_free (g_error_new_literal (G_FILE_ERROR, G_FILE_ERROR_FAILED, "warm-up"));
}

/* ---- GMutex, GCond -------------------------------------------------------- */

void
g_mutex_init (GMutex *mutex)
{
  BEGIN_LIBRARY_CALLER;
  REAL (g_mutex_init);
  CALL (g_mutex_init) (mutex);
  mutex_create (mutex);
  END_LIBRARY_CALLER;
}

void
g_mutex_clear (GMutex *mutex)
{
  BEGIN_LIBRARY_CALLER;
  REAL (g_mutex_clear);
  mutex_destroy (mutex);
  CALL (g_mutex_clear) (mutex);
  END_LIBRARY_CALLER;
}

void
g_mutex_lock (GMutex *mutex)
{
  BEGIN_LIBRARY_CALLER;
  REAL (g_mutex_lock);
  mutex_pre_lock (mutex, 0);
  CALL (g_mutex_lock) (mutex);
  mutex_post_lock (mutex, 0);
  END_LIBRARY_CALLER;
}

gboolean
g_mutex_trylock (GMutex *mutex)
{
  gboolean locked;

  BEGIN_LIBRARY_CALLER;
  REAL (g_mutex_trylock);
  mutex_pre_lock (mutex, __tsan_mutex_try_lock);
  locked = CALL (g_mutex_trylock) (mutex);
  mutex_post_lock (mutex, __tsan_mutex_try_lock | (locked ? 0 : __tsan_mutex_try_lock_failed));
  END_LIBRARY_CALLER;
  return locked;
}

void
g_mutex_unlock (GMutex *mutex)
{
  BEGIN_LIBRARY_CALLER;
  REAL (g_mutex_unlock);
  mutex_pre_unlock (mutex);
  CALL (g_mutex_unlock) (mutex);
  mutex_post_unlock (mutex);
  END_LIBRARY_CALLER;
}

/* The wait gives the mutex up and takes it back, inside GLib. */
static void
cond_wait_begin (GMutex *mutex)
{
  mutex_pre_unlock (mutex);
  mutex_post_unlock (mutex);
}

static void
cond_wait_end (GMutex *mutex)
{
  mutex_pre_lock (mutex, 0);
  mutex_post_lock (mutex, 0);
}

void
g_cond_wait (GCond *cond, GMutex *mutex)
{
  BEGIN_LIBRARY_CALLER;
  REAL (g_cond_wait);
  cond_wait_begin (mutex);
  CALL (g_cond_wait) (cond, mutex);
  cond_wait_end (mutex);
  END_LIBRARY_CALLER;
}

gboolean
g_cond_wait_until (GCond *cond, GMutex *mutex, gint64 end_time)
{
  gboolean signalled;

  BEGIN_LIBRARY_CALLER;
  REAL (g_cond_wait_until);
  cond_wait_begin (mutex);
  signalled = CALL (g_cond_wait_until) (cond, mutex, end_time);
  cond_wait_end (mutex);
  END_LIBRARY_CALLER;
  return signalled;
}

/* ---- GRecMutex, GRWLock ---------------------------------------------------
 *
 * Built on pthread mutexes and rwlocks, which TSan intercepts, so the lock
 * semantics need nothing from us. But GLib allocates the pthread object on
 * first use and publishes it with an atomic TSan cannot see, and the
 * interceptor reads its memory: run the real call under an ignore. */
#define LOCK_WRAPPER(type, name)                                                                   \
  void name (type *lock)                                                                           \
  {                                                                                                \
    REAL (name);                                                                                   \
    ignore_begin ();                                                                               \
    CALL (name) (lock);                                                                            \
    ignore_end ();                                                                                 \
  }
#define TRYLOCK_WRAPPER(type, name)                                                                \
  gboolean name (type *lock)                                                                       \
  {                                                                                                \
    gboolean locked;                                                                               \
    REAL (name);                                                                                   \
    ignore_begin ();                                                                               \
    locked = CALL (name) (lock);                                                                   \
    ignore_end ();                                                                                 \
    return locked;                                                                                 \
  }

LOCK_WRAPPER (GRecMutex, g_rec_mutex_lock)
LOCK_WRAPPER (GRecMutex, g_rec_mutex_unlock)
TRYLOCK_WRAPPER (GRecMutex, g_rec_mutex_trylock)
LOCK_WRAPPER (GRWLock, g_rw_lock_writer_lock)
LOCK_WRAPPER (GRWLock, g_rw_lock_writer_unlock)
TRYLOCK_WRAPPER (GRWLock, g_rw_lock_writer_trylock)
LOCK_WRAPPER (GRWLock, g_rw_lock_reader_lock)
LOCK_WRAPPER (GRWLock, g_rw_lock_reader_unlock)
TRYLOCK_WRAPPER (GRWLock, g_rw_lock_reader_trylock)

/* ---- GOnce ----------------------------------------------------------------- */

/* The header's macros take the fast path themselves (an acquire load of the
 * location, instrumented in the caller); these are the real functions. */
#undef g_once_init_enter
#undef g_once_init_leave
#undef g_once

gboolean
g_once_init_enter (volatile void *location)
{
  gboolean mine;

  REAL (g_once_init_enter);
  mine = CALL (g_once_init_enter) (location);
  if (!mine) /* someone else initialized it while we waited */
    sync_acquire (location);
  return mine;
}

void
g_once_init_leave (volatile void *location, gsize result)
{
  REAL (g_once_init_leave);
  /* Before the store that publishes it: the fast path's acquire load of
   * @location then pairs with this. */
  sync_release (location);
  CALL (g_once_init_leave) (location, result);
}

typedef struct
{
  GOnce *once;
  GThreadFunc func;
  gpointer arg;
} OnceCall;

static gpointer
once_trampoline (gpointer data)
{
  OnceCall *call = data;
  gpointer result = call->func (call->arg);

  /* GLib stores status = READY after this returns; g_once's fast path is an
   * acquire load of once->status. */
  sync_release (&call->once->status);
  return result;
}

gpointer
g_once_impl (GOnce *once, GThreadFunc func, gpointer arg)
{
  OnceCall call = { once, func, arg };
  gpointer result;

  REAL (g_once_impl);
  result = CALL (g_once_impl) (once, once_trampoline, &call);
  sync_acquire (&once->status);
  return result;
}

/* ---- reference counts ------------------------------------------------------ */

/* Taking a reference for someone else publishes what we did to the object;
 * every unref publishes and collects, so the last one (whose thread
 * finalizes) comes after all the others. */
#define UNREF_WRAPPER(type, name)                                                                  \
  void name (type *object)                                                                         \
  {                                                                                                \
    REAL (name);                                                                                   \
    if (object != NULL)                                                                            \
      {                                                                                            \
        sync_release (object);                                                                     \
        sync_acquire (object);                                                                     \
      }                                                                                            \
    CALL (name) (object);                                                                          \
  }

UNREF_WRAPPER (void, g_object_unref)
UNREF_WRAPPER (GPtrArray, g_ptr_array_unref)
UNREF_WRAPPER (GArray, g_array_unref)
UNREF_WRAPPER (GBytes, g_bytes_unref)
UNREF_WRAPPER (GHashTable, g_hash_table_unref)
UNREF_WRAPPER (GSource, g_source_unref)
UNREF_WRAPPER (GMainContext, g_main_context_unref)
UNREF_WRAPPER (GMainLoop, g_main_loop_unref)
UNREF_WRAPPER (GVariant, g_variant_unref)

GVariant *
g_variant_ref (GVariant *value)
{
  REAL (g_variant_ref);
  sync_release (value);
  return CALL (g_variant_ref) (value);
}

GVariant *
g_variant_ref_sink (GVariant *value)
{
  REAL (g_variant_ref_sink);
  sync_release (value);
  return CALL (g_variant_ref_sink) (value);
}

gpointer
g_object_ref (gpointer object)
{
  REAL (g_object_ref);
  if (object != NULL)
    sync_release (object);
  return CALL (g_object_ref) (object);
}

void
g_atomic_ref_count_inc (gatomicrefcount *arc)
{
  REAL (g_atomic_ref_count_inc);
  sync_release (arc);
  CALL (g_atomic_ref_count_inc) (arc);
}

/* Exact: the decrement tells whether this was the last reference. */
gboolean
g_atomic_ref_count_dec (gatomicrefcount *arc)
{
  gboolean last;

  REAL (g_atomic_ref_count_dec);
  sync_release (arc);
  last = CALL (g_atomic_ref_count_dec) (arc);
  if (last)
    sync_acquire (arc);
  return last;
}

/* ---- GType class initialization ------------------------------------------
 *
 * The first g_object_new of a type initializes its class (in GLib, under
 * GLib's locks); any other thread then finds the class ready through an
 * atomic TSan cannot see and reads the class memory (G_IS_* checks, the
 * parent_class pointer) with nothing ordering it after the initializer's
 * calloc and class_init. So each class_init registered through here
 * releases on its type before GLib publishes the class, and every object
 * creation that goes through here first makes sure the class is ready and
 * acquires on the type. */
typedef struct
{
  GClassInitFunc class_init;
  gconstpointer class_data;
} ClassInit;

static void
class_init_trampoline (gpointer klass, gpointer data)
{
  ClassInit *init = data;
  int depth = callback_enter ();

  init->class_init (klass, (gpointer) init->class_data);
  sync_release (GSIZE_TO_POINTER (G_TYPE_FROM_CLASS (klass)));
  callback_leave (depth);
}

GType
g_type_register_static (GType parent_type,
                        const gchar *type_name,
                        const GTypeInfo *info,
                        GTypeFlags flags)
{
  GTypeInfo wrapped = *info;

  REAL (g_type_register_static);
  if (info->class_init != NULL)
    {
      ClassInit *init = calloc (1, sizeof *init); /* one per type, kept */

      if (init == NULL)
        abort ();
      init->class_init = info->class_init;
      init->class_data = info->class_data;
      wrapped.class_init = class_init_trampoline;
      wrapped.class_data = init;
    }
  return CALL (g_type_register_static) (parent_type, type_name, &wrapped, flags);
}

/* What GLib's own g_type_register_static_simple does, through ours. */
GType
g_type_register_static_simple (GType parent_type,
                               const gchar *type_name,
                               guint class_size,
                               GClassInitFunc class_init,
                               guint instance_size,
                               GInstanceInitFunc instance_init,
                               GTypeFlags flags)
{
  GTypeInfo info = { 0 };

  info.class_size = class_size;
  info.class_init = class_init;
  info.instance_size = instance_size;
  info.instance_init = instance_init;
  return g_type_register_static (parent_type, type_name, &info, flags);
}

/* Initialized by now (GLib's fast path saw the class published after our
 * release, or GLib's class lock, which TSan sees, made us wait for it). The
 * reference is kept, as g_object_new itself keeps one. */
static void
class_ready (GType type)
{
  if (g_type_class_peek (type) == NULL)
    g_type_class_ref (type);
  sync_acquire (GSIZE_TO_POINTER (type));
}

gpointer
g_type_class_ref (GType type)
{
  gpointer klass;

  REAL (g_type_class_ref);
  klass = CALL (g_type_class_ref) (type);
  sync_acquire (GSIZE_TO_POINTER (type));
  return klass;
}

gpointer
g_object_new (GType object_type, const gchar *first_property_name, ...)
{
  gpointer object;
  va_list args;

  class_ready (object_type);
  va_start (args, first_property_name);
  object = g_object_new_valist (object_type, first_property_name, args);
  va_end (args);
  return object;
}

GObject *
g_object_new_with_properties (GType object_type,
                              guint n_properties,
                              const char *names[],
                              const GValue values[])
{
  REAL (g_object_new_with_properties);
  class_ready (object_type);
  return CALL (g_object_new_with_properties) (object_type, n_properties, names, values);
}
