/* synth-tsan-glib.h — what the two halves of the GLib TSan shim share
 * (synth-tsan-glib.c: locks, GOnce, refcounts, classes;
 * synth-tsan-glib-handoff.c: main contexts, GTask, GThreadPool, GAsyncQueue). */
#pragma once

#define _GNU_SOURCE
#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>

#include <gio/gio.h>

/* The real function, looked up once (racing lookups find the same answer). */
#define REAL(name)                                                                                 \
  static __typeof__ (name) *real_##name;                                                           \
  __typeof__ (name) *fn_##name = __atomic_load_n (&real_##name, __ATOMIC_RELAXED);                 \
  if (G_UNLIKELY (fn_##name == NULL))                                                              \
    {                                                                                              \
      fn_##name = (__typeof__ (name) *) dlsym (RTLD_NEXT, #name);                                  \
      if (fn_##name == NULL)                                                                       \
        {                                                                                          \
          fprintf (stderr, "synth-tsan-glib: no %s in the next library\n", #name);                 \
          abort ();                                                                                \
        }                                                                                          \
      __atomic_store_n (&real_##name, fn_##name, __ATOMIC_RELAXED);                                \
    }

#define CALL(name) (fn_##name)

/* TSan annotations that do nothing in an uninstrumented program. */
G_GNUC_INTERNAL void sync_acquire (const volatile void *addr);
G_GNUC_INTERNAL void sync_release (const volatile void *addr);

/* Ignore TSan's memory checks around a real GLib call that allocates what
 * another thread frees after the hand-off; a callback of ours that GLib calls
 * from inside lifts the ignore while it runs (enter returns what leave
 * restores). */
G_GNUC_INTERNAL void ignore_begin (void);
G_GNUC_INTERNAL void ignore_end (void);
G_GNUC_INTERNAL int callback_enter (void);
G_GNUC_INTERNAL void callback_leave (int depth);
