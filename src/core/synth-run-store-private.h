/* synth-run-store-private.h — SynthRunStore's state and the helpers shared by
 * synth-run-store.c (opening, reading and writing a run) and
 * synth-run-store-import.c (creating or importing a run, listing the runs).
 * Internal to libsynth-core. */
#pragma once

#include <sqlite3.h>

#include "synth-run-store.h"

G_BEGIN_DECLS

#define APPLICATION_ID 0x5253594e /* "RSYN": marks a file as a run store */
#define SCHEMA_VERSION 1          /* PRAGMA user_version */
#define STATE_PENDING 0
#define STATE_DONE 2

typedef enum
{
  STMT_BEGIN,
  STMT_COMMIT,
  STMT_MARK_DONE,
  STMT_INSERT_RECORD,
  STMT_SET_USAGE,
  STMT_LIST_PENDING,
  STMT_LOAD_RECORDS,
  STMT_LOAD_RECORD,
  STMT_RECORDS_AFTER,
  STMT_SET_REVIEW,
  STMT_GET_META,
  STMT_SET_META,
  N_STMTS
} Stmt;

struct _SynthRunStore
{
  GObject parent_instance;

  GMutex mutex; /* guards everything below */
  sqlite3 *db;
  sqlite3_stmt *stmts[N_STMTS];
  char *path;
  char *run_id;
  SynthRunSpec *spec;
  SynthUsage *usage;
  guint n_slots;
  guint n_done;
  gint64 created;
};

/* synth-run-store.c */
void _synth_run_store_set_db_error (
    GError **error, sqlite3 *db, int rc, const char *path, const char *action);
void _synth_run_store_set_errno_error (GError **error,
                                       int saved_errno,
                                       const char *path,
                                       const char *action);
gboolean _synth_run_store_ensure_private_dir (const char *dir, gboolean tighten, GError **error);
gboolean _synth_run_store_run_id_is_valid (const char *run_id);
void _synth_run_store_remove_db_files (const char *path);
void _synth_run_store_rollback (SynthRunStore *self);
gboolean _synth_run_store_exec_sql (
    sqlite3 *db, const char *sql, const char *path, const char *action, GError **error);
sqlite3 *_synth_run_store_open_connection (const char *path, int flags, GError **error);
gboolean _synth_run_store_set_durability (sqlite3 *db, const char *path, GError **error);
SynthRunStore *_synth_run_store_open_internal (const char *path, int flags, GError **error);
gboolean
_synth_run_store_insert_record (SynthRunStore *self, SynthRecord *r, guint idx, GError **error);
gboolean _synth_run_store_set_meta_locked (SynthRunStore *self,
                                           const char *key,
                                           const char *value,
                                           GError **error);

G_END_DECLS
