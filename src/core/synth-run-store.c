/* synth-run-store.c — one SQLite database per run (DESIGN.md §6).
 *
 * Durability: the database is in WAL mode with synchronous=NORMAL. A
 * committed batch is in the WAL file (the kernel's page cache) when COMMIT
 * returns, so it survives the process being killed at any moment; the WAL is
 * only fsync'ed at checkpoints. A power cut or kernel crash may therefore roll
 * back the last few committed batches, but never corrupts the database: those
 * slots simply become pending again and a resume fills them. FULL would fsync
 * on every batch and cost far more than generating the records.
 *
 * Privacy: the runs directory is 0700 and every file 0600. We create the
 * database file ourselves (O_EXCL, 0600) before SQLite opens it; SQLite gives
 * its -wal and -shm files the permissions of the database file.
 *
 * Slots store their attributes as the indices of SynthSlot (enum values and
 * positions in synth_domain_ids() …); records store the ids as text, exactly
 * what the CSV exports. Changing either is a schema_version change. A slot's
 * state is 0 (pending) or 2 (done): in flight exists only in memory.
 *
 * Threads: one connection per store, serialised by self->mutex. The counts,
 * spec and usage are cached in memory, so one store object must be the only
 * writer of its run. The spec changes only through
 * synth_run_store_update_spec(), and never in what defines the dataset.
 *
 * Creating a run (its schema), importing records and listing the runs in a
 * folder are in synth-run-store-import.c. */
#include "config.h"

#include <errno.h>
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <inttypes.h>
#include <sqlite3.h>
#include <string.h>
#include <unistd.h>

#include "synth-error.h"
#include "synth-run-store-private.h"
#include "synth-run-store.h"

#define FOREACH_CHUNK 256

/* idx, the three coded columns, then the text columns of text_columns[]. */
#define RECORD_COLUMNS                                                                             \
  "idx, match_label, bias_type, review_status, record_id, name, resume_text, job_skill_text,"      \
  " clean_resume_text, clean_job_skill_text, bias_subtype, bias_detail, domain, seniority,"        \
  " region, length_class, split, group_id"
#define FIRST_TEXT_COLUMN 4

static const struct
{
  const char *(*get) (SynthRecord *record);
  void (*set) (SynthRecord *record, const char *value);
} text_columns[] = {
  { synth_record_get_record_id, synth_record_set_record_id },
  { synth_record_get_name, synth_record_set_name },
  { synth_record_get_resume_text, synth_record_set_resume_text },
  { synth_record_get_job_skill_text, synth_record_set_job_skill_text },
  { synth_record_get_clean_resume_text, synth_record_set_clean_resume_text },
  { synth_record_get_clean_job_skill_text, synth_record_set_clean_job_skill_text },
  { synth_record_get_bias_subtype, synth_record_set_bias_subtype },
  { synth_record_get_bias_detail, synth_record_set_bias_detail },
  { synth_record_get_domain, synth_record_set_domain },
  { synth_record_get_seniority, synth_record_set_seniority },
  { synth_record_get_region, synth_record_set_region },
  { synth_record_get_length_class, synth_record_set_length_class },
  { synth_record_get_split, synth_record_set_split },
  { synth_record_get_group_id, synth_record_set_group_id },
};

static const char *const stmt_sql[N_STMTS] = {
  [STMT_BEGIN] = "BEGIN IMMEDIATE",
  [STMT_COMMIT] = "COMMIT",
  [STMT_MARK_DONE] = "UPDATE slots SET state = 2 WHERE idx = ?1 AND state = 0",
  [STMT_INSERT_RECORD] = "INSERT INTO records (" RECORD_COLUMNS ") VALUES (?1, ?2, ?3, ?4, ?5,"
                         " ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18)",
  [STMT_SET_USAGE] = "UPDATE usage SET json = ?1 WHERE id = 0",
  [STMT_LIST_PENDING] = "SELECT idx FROM slots WHERE state = 0 ORDER BY idx LIMIT ?1",
  [STMT_LOAD_RECORDS] = "SELECT " RECORD_COLUMNS " FROM records ORDER BY idx LIMIT ?1 OFFSET ?2",
  [STMT_LOAD_RECORD] = "SELECT " RECORD_COLUMNS " FROM records WHERE idx = ?1",
  [STMT_RECORDS_AFTER] = "SELECT " RECORD_COLUMNS " FROM records WHERE idx > ?1"
                         " ORDER BY idx LIMIT ?2",
  [STMT_SET_REVIEW] = "UPDATE records SET review_status = ?2 WHERE idx = ?1",
  [STMT_GET_META] = "SELECT value FROM meta WHERE key = ?1",
  [STMT_SET_META] = "INSERT OR REPLACE INTO meta (key, value) VALUES (?1, ?2)",
};

G_DEFINE_FINAL_TYPE (SynthRunStore, synth_run_store, G_TYPE_OBJECT)

static void
synth_run_store_finalize (GObject *object)
{
  SynthRunStore *self = SYNTH_RUN_STORE (object);

  for (guint i = 0; i < N_STMTS; i++)
    sqlite3_finalize (self->stmts[i]);
  /* The last connection to close checkpoints and removes the -wal/-shm files. */
  sqlite3_close (self->db);
  g_free (self->path);
  g_free (self->run_id);
  g_clear_pointer (&self->spec, synth_run_spec_free);
  g_clear_pointer (&self->usage, synth_usage_free);
  g_mutex_clear (&self->mutex);

  G_OBJECT_CLASS (synth_run_store_parent_class)->finalize (object);
}

static void
synth_run_store_class_init (SynthRunStoreClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = synth_run_store_finalize;
}

static void
synth_run_store_init (SynthRunStore *self)
{
  g_mutex_init (&self->mutex);
}

/* ---- errors ------------------------------------------------------------ */

/* Why @path or its folder cannot be written, as an errno; 0 if it can. */
static int
unwritable_errno (const char *path)
{
  g_autofree char *dir = g_path_get_dirname (path);

  if (g_access (path, W_OK) != 0 && errno != ENOENT)
    return errno;
  return g_access (dir, W_OK) != 0 ? errno : 0;
}

/* What went wrong with @path, for people: the cause in words and what to do.
 * Read before any ROLLBACK, which resets the connection's error. */
void
_synth_run_store_set_db_error (
    GError **error, sqlite3 *db, int rc, const char *path, const char *action)
{
  int primary = rc & 0xff;
  int sys = db ? sqlite3_system_errno (db) : 0;
  const char *detail = db ? sqlite3_errmsg (db) : sqlite3_errstr (rc);
  SynthError code = SYNTH_ERROR_IO;
  const char *cause, *hint;

  /* SQLite reports the errno of its last attempt (often ENOENT for a -shm it
   * could not create), so ask the file system what stands in the way. */
  if (primary == SQLITE_CANTOPEN || primary == SQLITE_IOERR || primary == SQLITE_READONLY)
    {
      int w = unwritable_errno (path);
      if (w == EROFS || w == EACCES || w == EPERM)
        sys = w;
    }
  if (primary == SQLITE_FULL || sys == ENOSPC || sys == EDQUOT)
    {
      cause = _ ("the disk is full");
      hint = _ ("Free some space, then resume the run.");
    }
  else if (sys == EACCES || sys == EPERM)
    {
      cause = _ ("you have no permission to write to the file or its folder");
      hint = _ ("Check the folder's permissions, then resume the run.");
    }
  else if (primary == SQLITE_READONLY || sys == EROFS)
    {
      cause = _ ("the file or its folder is read-only");
      hint = _ ("Make the folder writable, then resume the run.");
    }
  else if (primary == SQLITE_CANTOPEN || primary == SQLITE_IOERR)
    {
      cause = sys ? g_strerror (sys) : _ ("the file could not be read or written");
      hint = _ ("Check the disk and the folder, then try again.");
    }
  else if (primary == SQLITE_CORRUPT || primary == SQLITE_NOTADB)
    {
      code = SYNTH_ERROR_STORE;
      cause = _ ("the file is damaged or is not a run store");
      hint = _ ("Start a new run; finished records can still be exported if the file opens.");
    }
  else if (primary == SQLITE_BUSY || primary == SQLITE_LOCKED)
    {
      code = SYNTH_ERROR_STORE;
      cause = _ ("another program is using the run");
      hint = _ ("Close the other program (or the other resume-synth), then try again.");
    }
  else
    {
      code = SYNTH_ERROR_STORE;
      cause = _ ("the database refused the operation");
      hint = "";
    }
  g_set_error (error, SYNTH_ERROR, code, "%s %s: %s (%s). %s", action, path, cause, detail, hint);
}

void
_synth_run_store_set_errno_error (GError **error,
                                  int saved_errno,
                                  const char *path,
                                  const char *action)
{
  const char *cause = g_strerror (saved_errno);

  if (saved_errno == ENOSPC || saved_errno == EDQUOT)
    cause = _ ("the disk is full");
  else if (saved_errno == EROFS)
    cause = _ ("the folder is read-only");
  g_set_error (error, SYNTH_ERROR, SYNTH_ERROR_IO, "%s %s: %s.", action, path, cause);
}

#define ACTION_SAVE _ ("Could not save to the run store")
#define ACTION_READ _ ("Could not read the run store")
#define ACTION_OPEN _ ("Could not open the run store")

/* ---- directories, paths and ids ---------------------------------------- */

gboolean
_synth_run_store_ensure_private_dir (const char *dir, gboolean tighten, GError **error)
{
  if (g_file_test (dir, G_FILE_TEST_IS_DIR))
    {
      /* Only our own runs directory is tightened: a folder someone chose
       * (SYNTH_RUNS_DIR, a path given to create) is theirs to set. */
      if (tighten)
        g_chmod (dir, 0700);
      return TRUE;
    }
  if (g_mkdir_with_parents (dir, 0700) != 0)
    {
      int saved_errno = errno;
      _synth_run_store_set_errno_error (error, saved_errno, dir, _ ("Could not create the folder"));
      return FALSE;
    }
  /* mkdir is subject to the umask; make the mode exact. */
  g_chmod (dir, 0700);
  return TRUE;
}

char *
synth_run_store_get_default_dir (void)
{
  const char *env = g_getenv ("SYNTH_RUNS_DIR");
  char *dir;

  if (env && *env)
    dir = g_strdup (env);
  else
    dir = g_build_filename (g_get_user_data_dir (), "resume-synth", "runs", NULL);
  /* Errors surface later, with the path, when a run is created there. */
  _synth_run_store_ensure_private_dir (dir, !(env && *env), NULL);
  return dir;
}

char *
synth_run_store_path_for_id (const char *dir, const char *run_id)
{
  g_autofree char *name = g_strconcat (run_id, ".db", NULL);
  return g_build_filename (dir, name, NULL);
}

char *
synth_run_store_new_run_id (void)
{
  g_autoptr (GDateTime) now = g_date_time_new_now_local ();
  g_autofree char *stamp = g_date_time_format (now, "%Y%m%d-%H%M%S");

  return g_strdup_printf ("%s-%04x", stamp, (guint) g_random_int_range (0, 0x10000));
}

gboolean
_synth_run_store_run_id_is_valid (const char *run_id)
{
  if (run_id == NULL || *run_id == '\0' || strlen (run_id) > 128)
    return FALSE;
  for (const char *p = run_id; *p; p++)
    if (!g_ascii_isalnum (*p) && *p != '-' && *p != '_')
      return FALSE;
  return TRUE;
}

void
_synth_run_store_remove_db_files (const char *path)
{
  static const char *const suffixes[] = { "", "-wal", "-shm", "-journal" };

  for (guint i = 0; i < G_N_ELEMENTS (suffixes); i++)
    {
      g_autofree char *file = g_strconcat (path, suffixes[i], NULL);
      g_unlink (file);
    }
}

/* ---- statements -------------------------------------------------------- */

static sqlite3_stmt *
get_stmt (SynthRunStore *self, Stmt id, GError **error)
{
  if (self->stmts[id] == NULL)
    {
      int rc = sqlite3_prepare_v3 (self->db, stmt_sql[id], -1, SQLITE_PREPARE_PERSISTENT,
                                   &self->stmts[id], NULL);
      if (rc != SQLITE_OK)
        {
          _synth_run_store_set_db_error (error, self->db, rc, self->path, ACTION_READ);
          return NULL;
        }
    }
  return self->stmts[id];
}

static void
release_stmt (sqlite3_stmt *stmt)
{
  sqlite3_reset (stmt);
  sqlite3_clear_bindings (stmt);
}

/* Runs a statement that returns no rows. */
static gboolean
run_stmt (SynthRunStore *self, sqlite3_stmt *stmt, const char *action, GError **error)
{
  int rc = sqlite3_step (stmt);

  if (rc != SQLITE_DONE && rc != SQLITE_ROW)
    _synth_run_store_set_db_error (error, self->db, rc, self->path, action);
  release_stmt (stmt);
  return rc == SQLITE_DONE || rc == SQLITE_ROW;
}

static gboolean
exec_cached (SynthRunStore *self, Stmt id, GError **error)
{
  sqlite3_stmt *stmt = get_stmt (self, id, error);
  return stmt && run_stmt (self, stmt, ACTION_SAVE, error);
}

void
_synth_run_store_rollback (SynthRunStore *self)
{
  if (!sqlite3_get_autocommit (self->db))
    sqlite3_exec (self->db, "ROLLBACK", NULL, NULL, NULL);
}

gboolean
_synth_run_store_exec_sql (
    sqlite3 *db, const char *sql, const char *path, const char *action, GError **error)
{
  int rc = sqlite3_exec (db, sql, NULL, NULL, NULL);

  if (rc != SQLITE_OK)
    {
      _synth_run_store_set_db_error (error, db, rc, path, action);
      return FALSE;
    }
  return TRUE;
}

/* One integer from a query with one row (or @fallback when NULL / no row). */
static gboolean
query_int (
    sqlite3 *db, const char *sql, gint64 fallback, gint64 *out, const char *path, GError **error)
{
  sqlite3_stmt *stmt = NULL;
  int rc = sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL);

  if (rc == SQLITE_OK)
    {
      rc = sqlite3_step (stmt);
      *out = fallback;
      if (rc == SQLITE_ROW && sqlite3_column_type (stmt, 0) != SQLITE_NULL)
        *out = sqlite3_column_int64 (stmt, 0);
      if (rc == SQLITE_ROW)
        rc = SQLITE_DONE;
    }
  if (rc != SQLITE_DONE)
    _synth_run_store_set_db_error (error, db, rc, path, ACTION_READ);
  sqlite3_finalize (stmt);
  return rc == SQLITE_DONE;
}

static char *
query_text (sqlite3 *db, const char *sql, const char *arg, int *out_rc)
{
  sqlite3_stmt *stmt = NULL;
  char *value = NULL;
  int rc = sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL);

  if (rc == SQLITE_OK)
    {
      if (arg)
        sqlite3_bind_text (stmt, 1, arg, -1, SQLITE_STATIC);
      rc = sqlite3_step (stmt);
      if (rc == SQLITE_ROW)
        value = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
      if (rc == SQLITE_ROW)
        rc = SQLITE_DONE;
    }
  sqlite3_finalize (stmt);
  *out_rc = rc;
  return value;
}

/* ---- connection -------------------------------------------------------- */

sqlite3 *
_synth_run_store_open_connection (const char *path, int flags, GError **error)
{
  sqlite3 *db = NULL;
  int rc = sqlite3_open_v2 (path, &db, flags | SQLITE_OPEN_NOMUTEX, NULL);

  if (rc != SQLITE_OK)
    {
      _synth_run_store_set_db_error (error, db, rc, path, ACTION_OPEN);
      sqlite3_close (db);
      return NULL;
    }
  sqlite3_extended_result_codes (db, 1);
  /* A second process (the CLI listing runs while the app generates) waits
   * instead of failing at once. */
  sqlite3_busy_timeout (db, 5000);
  if (!_synth_run_store_exec_sql (
          db,
          "PRAGMA foreign_keys = ON;"
          " PRAGMA cache_size = -8192; PRAGMA journal_size_limit = 67108864;",
          path, ACTION_OPEN, error))
    {
      sqlite3_close (db);
      return NULL;
    }
  return db;
}

/* NORMAL is safe in WAL mode (see the top of this file). Should a file
 * system refuse WAL (some network file systems do), the rollback journal
 * needs FULL to survive a power cut uncorrupted. */
gboolean
_synth_run_store_set_durability (sqlite3 *db, const char *path, GError **error)
{
  g_autofree char *mode = NULL;
  int rc;

  mode = query_text (db, "PRAGMA journal_mode", NULL, &rc);
  if (rc != SQLITE_DONE)
    {
      _synth_run_store_set_db_error (error, db, rc, path, ACTION_OPEN);
      return FALSE;
    }
  return _synth_run_store_exec_sql (db,
                                    g_strcmp0 (mode, "wal") == 0 ? "PRAGMA synchronous = NORMAL"
                                                                 : "PRAGMA synchronous = FULL",
                                    path, ACTION_OPEN, error);
}

/* Reads and checks what every open needs: the markers, the run id, spec,
 * usage and counts. */
static gboolean
load_state (SynthRunStore *self, GError **error)
{
  g_autofree char *spec_json = NULL, *usage_json = NULL, *created = NULL;
  g_autoptr (GError) local_error = NULL;
  gint64 app_id = 0, version = 0, max_idx = -1, pending = 0;
  int rc;

  if (!query_int (self->db, "PRAGMA application_id", 0, &app_id, self->path, error) ||
      !query_int (self->db, "PRAGMA user_version", 0, &version, self->path, error))
    return FALSE;
  if (app_id != APPLICATION_ID || version < 1)
    {
      gint64 n_tables = 1;
      /* Creation is one transaction, so a run killed while being created
       * leaves an empty database: say so rather than "not a run store". */
      query_int (self->db, "SELECT count(*) FROM sqlite_master", 1, &n_tables, self->path, NULL);
      if (app_id == 0 && n_tables == 0)
        g_set_error (error, SYNTH_ERROR, SYNTH_ERROR_STORE,
                     _ ("The run store %s is empty: its creation was interrupted, or it is "
                        "not a run. It holds no records; delete it and start a new run."),
                     self->path);
      else
        g_set_error (error, SYNTH_ERROR, SYNTH_ERROR_STORE,
                     _ ("%s is not a Resume Synth run store. Choose a run from the list of "
                        "runs."),
                     self->path);
      return FALSE;
    }
  if (version > SCHEMA_VERSION)
    {
      g_set_error (error, SYNTH_ERROR, SYNTH_ERROR_STORE,
                   _ ("The run store %s was made by a newer version of Resume Synth (schema %d, "
                      "this version reads %d). Update Resume Synth to open it."),
                   self->path, (int) version, SCHEMA_VERSION);
      return FALSE;
    }

  self->run_id = query_text (self->db, "SELECT value FROM meta WHERE key = 'run_id'", NULL, &rc);
  if (rc == SQLITE_DONE)
    created = query_text (self->db, "SELECT value FROM meta WHERE key = 'created'", NULL, &rc);
  if (rc == SQLITE_DONE)
    spec_json = query_text (self->db, "SELECT json FROM spec WHERE id = 0", NULL, &rc);
  if (rc == SQLITE_DONE)
    usage_json = query_text (self->db, "SELECT json FROM usage WHERE id = 0", NULL, &rc);
  if (rc != SQLITE_DONE)
    {
      _synth_run_store_set_db_error (error, self->db, rc, self->path, ACTION_READ);
      return FALSE;
    }
  if (self->run_id == NULL || spec_json == NULL || usage_json == NULL ||
      !(self->spec = synth_run_spec_from_json (spec_json, &local_error)) ||
      !(self->usage = synth_usage_from_json (usage_json, &local_error)))
    {
      g_set_error (error, SYNTH_ERROR, SYNTH_ERROR_STORE,
                   _ ("The run store %s is damaged: its run id, specification or usage is "
                      "missing or unreadable (%s). Start a new run."),
                   self->path, local_error ? local_error->message : _ ("missing"));
      return FALSE;
    }
  self->created = created ? g_ascii_strtoll (created, NULL, 10) : 0;

  /* Slots are numbered 0 … n-1, so the largest rowid is a cheap count. */
  if (!query_int (self->db, "SELECT max(idx) FROM slots", -1, &max_idx, self->path, error) ||
      !query_int (self->db, "SELECT count(*) FROM slots WHERE state = 0", 0, &pending, self->path,
                  error))
    return FALSE;
  self->n_slots = (guint) (max_idx + 1);
  self->n_done = self->n_slots - (guint) MIN (pending, (gint64) self->n_slots);
  return TRUE;
}

SynthRunStore *
_synth_run_store_open_internal (const char *path, int flags, GError **error)
{
  g_autoptr (SynthRunStore) self = NULL;

  if (!g_file_test (path, G_FILE_TEST_EXISTS))
    {
      g_set_error (error, SYNTH_ERROR, SYNTH_ERROR_NOT_FOUND, _ ("There is no run store at %s."),
                   path);
      return NULL;
    }
  self = g_object_new (SYNTH_TYPE_RUN_STORE, NULL);
  self->path = g_strdup (path);
  if (!(self->db = _synth_run_store_open_connection (path, flags, error)) ||
      !load_state (self, error) || !_synth_run_store_set_durability (self->db, path, error))
    return NULL;
  return g_steal_pointer (&self);
}

SynthRunStore *
synth_run_store_open (const char *path, GError **error)
{
  g_return_val_if_fail (path != NULL, NULL);
  return _synth_run_store_open_internal (path, SQLITE_OPEN_READWRITE, error);
}

SynthRunStore *
synth_run_store_open_id (const char *run_id, GError **error)
{
  g_autofree char *dir = NULL, *path = NULL;
  g_autoptr (GError) local_error = NULL;
  SynthRunStore *self;

  if (!_synth_run_store_run_id_is_valid (run_id))
    {
      g_set_error (error, SYNTH_ERROR, SYNTH_ERROR_INVALID_ARGUMENT,
                   _ ("“%s” is not a valid run id: use only letters, digits, “-” and “_”, "
                      "e.g. 20240131-142502-1a2b."),
                   run_id ? run_id : "");
      return NULL;
    }
  dir = synth_run_store_get_default_dir ();
  path = synth_run_store_path_for_id (dir, run_id);
  self = synth_run_store_open (path, &local_error);
  if (self == NULL && g_error_matches (local_error, SYNTH_ERROR, SYNTH_ERROR_NOT_FOUND))
    {
      g_set_error (error, SYNTH_ERROR, SYNTH_ERROR_NOT_FOUND,
                   _ ("There is no run “%s” in %s. List the runs with “resume-synth-cli runs”."),
                   run_id, dir);
      return NULL;
    }
  if (self == NULL)
    g_propagate_error (error, g_steal_pointer (&local_error));
  return self;
}

/* ---- records ----------------------------------------------------------- */

static void
bind_text (sqlite3_stmt *stmt, int col, const char *text)
{
  sqlite3_bind_text (stmt, col, text, -1, SQLITE_STATIC);
}

gboolean
_synth_run_store_insert_record (SynthRunStore *self, SynthRecord *r, guint idx, GError **error)
{
  sqlite3_stmt *stmt = get_stmt (self, STMT_INSERT_RECORD, error);

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, idx);
  sqlite3_bind_int (stmt, 2, synth_record_get_match_label (r));
  bind_text (stmt, 3, synth_bias_type_to_id (synth_record_get_bias_type (r)));
  bind_text (stmt, 4, synth_review_status_to_id (synth_record_get_review_status (r)));
  for (guint i = 0; i < G_N_ELEMENTS (text_columns); i++)
    bind_text (stmt, FIRST_TEXT_COLUMN + 1 + i, text_columns[i].get (r));
  /* The stable id the CSV exports, when the engine left it to us. */
  if (synth_record_get_record_id (r) == NULL)
    sqlite3_bind_text (stmt, FIRST_TEXT_COLUMN + 1, g_strdup_printf ("%s-%07u", self->run_id, idx),
                       -1, g_free);
  return run_stmt (self, stmt, ACTION_SAVE, error);
}

static SynthRecord *
record_from_row (sqlite3_stmt *stmt)
{
  SynthRecord *r = synth_record_new ();
  SynthBiasType type = SYNTH_BIAS_NONE;
  SynthReviewStatus review = SYNTH_REVIEW_UNREVIEWED;

  synth_record_set_index (r, (guint) sqlite3_column_int64 (stmt, 0));
  synth_record_set_match_label (r, sqlite3_column_int (stmt, 1) ? 1 : 0);
  synth_bias_type_from_id ((const char *) sqlite3_column_text (stmt, 2), &type);
  synth_record_set_bias_type (r, type);
  synth_review_status_from_id ((const char *) sqlite3_column_text (stmt, 3), &review);
  synth_record_set_review_status (r, review);
  for (guint i = 0; i < G_N_ELEMENTS (text_columns); i++)
    text_columns[i].set (r, (const char *) sqlite3_column_text (stmt, FIRST_TEXT_COLUMN + i));
  return r;
}

/* Steps a bound SELECT of RECORD_COLUMNS into @out. */
static gboolean
collect_records (SynthRunStore *self, sqlite3_stmt *stmt, GPtrArray *out, GError **error)
{
  int rc;

  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    g_ptr_array_add (out, record_from_row (stmt));
  if (rc != SQLITE_DONE)
    _synth_run_store_set_db_error (error, self->db, rc, self->path, ACTION_READ);
  release_stmt (stmt);
  return rc == SQLITE_DONE;
}

/* ---- reading ----------------------------------------------------------- */

const char *
synth_run_store_get_path (SynthRunStore *self)
{
  g_return_val_if_fail (SYNTH_IS_RUN_STORE (self), NULL);
  return self->path;
}

const char *
synth_run_store_get_run_id (SynthRunStore *self)
{
  g_return_val_if_fail (SYNTH_IS_RUN_STORE (self), NULL);
  return self->run_id;
}

SynthRunSpec *
synth_run_store_dup_spec (SynthRunStore *self)
{
  g_autoptr (GMutexLocker) locker = NULL;

  g_return_val_if_fail (SYNTH_IS_RUN_STORE (self), NULL);
  locker = g_mutex_locker_new (&self->mutex);
  return synth_run_spec_copy (self->spec);
}

gboolean
synth_run_store_update_spec (SynthRunStore *self, const SynthRunSpec *spec, GError **error)
{
  g_autoptr (GMutexLocker) locker = NULL;
  g_autofree char *json = NULL;
  sqlite3_stmt *stmt = NULL;
  gboolean ok;
  int rc;

  g_return_val_if_fail (SYNTH_IS_RUN_STORE (self), FALSE);
  g_return_val_if_fail (spec != NULL, FALSE);
  if (!synth_run_spec_validate (spec, error))
    return FALSE;
  locker = g_mutex_locker_new (&self->mutex);
  if (!synth_run_spec_check_same_dataset (self->spec, spec, error))
    return FALSE;
  json = synth_run_spec_to_json (spec);
  /* Rare: not worth a cached statement. */
  ok = exec_cached (self, STMT_BEGIN, error);
  if (ok && (rc = sqlite3_prepare_v2 (self->db, "UPDATE spec SET json = ?1 WHERE id = 0", -1, &stmt,
                                      NULL)) != SQLITE_OK)
    {
      _synth_run_store_set_db_error (error, self->db, rc, self->path, ACTION_SAVE);
      ok = FALSE;
    }
  if (ok)
    {
      bind_text (stmt, 1, json);
      /* A spec row always exists: one that is gone means a damaged store. */
      ok = run_stmt (self, stmt, ACTION_SAVE, error);
      if (ok && sqlite3_changes (self->db) != 1)
        {
          g_set_error (error, SYNTH_ERROR, SYNTH_ERROR_STORE,
                       _ ("The run store %s has lost its specification. Export what you can "
                          "and start a new run."),
                       self->path);
          ok = FALSE;
        }
    }
  sqlite3_finalize (stmt);
  ok = ok && exec_cached (self, STMT_COMMIT, error);
  if (!ok)
    {
      _synth_run_store_rollback (self);
      return FALSE;
    }
  synth_run_spec_free (self->spec);
  self->spec = synth_run_spec_copy (spec);
  return TRUE;
}

guint
synth_run_store_get_n_slots (SynthRunStore *self)
{
  g_return_val_if_fail (SYNTH_IS_RUN_STORE (self), 0);
  return self->n_slots; /* never changes after creation */
}

guint
synth_run_store_count_done (SynthRunStore *self)
{
  g_autoptr (GMutexLocker) locker = NULL;

  g_return_val_if_fail (SYNTH_IS_RUN_STORE (self), 0);
  locker = g_mutex_locker_new (&self->mutex);
  return self->n_done;
}

/* A slot row is data from a file: check it before it indexes any table. */
static gboolean
slot_from_row (sqlite3_stmt *stmt, SynthSlot *s)
{
  gint64 v[8], grp;

  for (int i = 0; i < 8; i++)
    v[i] = sqlite3_column_int64 (stmt, i + 1);
  grp = sqlite3_column_type (stmt, 9) == SQLITE_NULL ? -1 : sqlite3_column_int64 (stmt, 9);
  if (v[0] < 0 || v[0] > 1 || v[1] < 0 || v[1] >= SYNTH_N_BIAS_TYPES || v[2] < 0 ||
      (v[1] != SYNTH_BIAS_NONE && v[2] >= synth_bias_type_get_n_subtypes (v[1])) || v[3] < 0 ||
      v[3] >= SYNTH_N_DOMAINS || v[4] < 0 || v[4] >= SYNTH_N_SENIORITIES || v[5] < 0 ||
      v[5] >= SYNTH_N_REGIONS || v[6] < 0 || v[6] >= SYNTH_N_LENGTHS || v[7] < 0 || v[7] > 255 ||
      grp < -1 || grp >= G_MAXUINT)
    return FALSE;
  s->match_label = v[0];
  s->bias_type = v[1];
  s->bias_subtype = v[2];
  s->domain = v[3];
  s->seniority = v[4];
  s->region = v[5];
  s->length = v[6];
  s->variant = v[7];
  s->group = grp < 0 ? SYNTH_NO_GROUP : (guint) grp;
  return TRUE;
}

SynthSlotPlan *
synth_run_store_load_plan (SynthRunStore *self, GError **error)
{
  g_autoptr (GMutexLocker) locker = NULL;
  g_autofree SynthSlot *slots = NULL;
  sqlite3_stmt *stmt = NULL;
  guint n = 0;
  int rc;

  g_return_val_if_fail (SYNTH_IS_RUN_STORE (self), NULL);
  locker = g_mutex_locker_new (&self->mutex);
  slots = g_new0 (SynthSlot, MAX (self->n_slots, 1));
  rc = sqlite3_prepare_v2 (self->db,
                           "SELECT idx, match_label, bias_type, bias_subtype, domain, seniority,"
                           " region, length, variant, grp FROM slots ORDER BY idx",
                           -1, &stmt, NULL);
  while (rc == SQLITE_OK || rc == SQLITE_ROW)
    {
      if ((rc = sqlite3_step (stmt)) != SQLITE_ROW)
        break;
      if (n >= self->n_slots || sqlite3_column_int64 (stmt, 0) != n ||
          !slot_from_row (stmt, &slots[n]))
        {
          g_set_error (error, SYNTH_ERROR, SYNTH_ERROR_STORE,
                       _ ("The run store %s is damaged: slot %u is missing or invalid. Start a "
                          "new run."),
                       self->path, n);
          sqlite3_finalize (stmt);
          return NULL;
        }
      slots[n].index = n;
      n++;
    }
  if (rc == SQLITE_DONE && n != self->n_slots)
    rc = SQLITE_CORRUPT;
  if (rc != SQLITE_DONE)
    _synth_run_store_set_db_error (error, self->db, rc, self->path, ACTION_READ);
  sqlite3_finalize (stmt);
  return rc == SQLITE_DONE ? synth_slot_plan_new_from_slots (slots, n) : NULL;
}

GArray *
synth_run_store_list_pending (SynthRunStore *self, guint max, GError **error)
{
  g_autoptr (GMutexLocker) locker = NULL;
  g_autoptr (GArray) pending = g_array_new (FALSE, FALSE, sizeof (guint));
  sqlite3_stmt *stmt;
  int rc;

  g_return_val_if_fail (SYNTH_IS_RUN_STORE (self), NULL);
  locker = g_mutex_locker_new (&self->mutex);
  if (!(stmt = get_stmt (self, STMT_LIST_PENDING, error)))
    return NULL;
  sqlite3_bind_int64 (stmt, 1, max ? (gint64) max : -1);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      guint idx = (guint) sqlite3_column_int64 (stmt, 0);
      g_array_append_val (pending, idx);
    }
  if (rc != SQLITE_DONE)
    _synth_run_store_set_db_error (error, self->db, rc, self->path, ACTION_READ);
  release_stmt (stmt);
  return rc == SQLITE_DONE ? g_steal_pointer (&pending) : NULL;
}

/* ---- writing ----------------------------------------------------------- */

static gboolean
store_record (SynthRunStore *self, SynthRecord *r, GError **error)
{
  guint idx = synth_record_get_index (r);
  sqlite3_stmt *mark;

  if (idx >= self->n_slots)
    {
      g_set_error (error, SYNTH_ERROR, SYNTH_ERROR_INVALID_ARGUMENT,
                   _ ("A record for slot %u cannot be saved in run %s, which has %u slots."), idx,
                   self->run_id, self->n_slots);
      return FALSE;
    }
  if (!(mark = get_stmt (self, STMT_MARK_DONE, error)))
    return FALSE;
  sqlite3_bind_int64 (mark, 1, idx);
  if (!run_stmt (self, mark, ACTION_SAVE, error))
    return FALSE;
  if (sqlite3_changes (self->db) != 1)
    {
      g_set_error (error, SYNTH_ERROR, SYNTH_ERROR_STORE,
                   _ ("Slot %u of run %s (%s) already has a record; the batch was not saved, "
                      "so nothing is stored twice."),
                   idx, self->run_id, self->path);
      return FALSE;
    }
  return _synth_run_store_insert_record (self, r, idx, error);
}

static gboolean
write_usage (SynthRunStore *self, const char *json, GError **error)
{
  sqlite3_stmt *stmt = get_stmt (self, STMT_SET_USAGE, error);

  if (stmt == NULL)
    return FALSE;
  bind_text (stmt, 1, json);
  return run_stmt (self, stmt, ACTION_SAVE, error);
}

gboolean
synth_run_store_commit_batch (SynthRunStore *self,
                              GPtrArray *records,
                              const SynthUsage *usage,
                              GError **error)
{
  g_autoptr (GMutexLocker) locker = NULL;
  g_autoptr (SynthUsage) total = NULL;
  g_autofree char *usage_json = NULL;
  guint n = records ? records->len : 0;
  gboolean ok;

  g_return_val_if_fail (SYNTH_IS_RUN_STORE (self), FALSE);

  if (n == 0 && usage == NULL)
    return TRUE;
  locker = g_mutex_locker_new (&self->mutex);
  if (usage)
    {
      total = synth_usage_copy (self->usage);
      synth_usage_add (total, usage);
      usage_json = synth_usage_to_json (total);
    }
  ok = exec_cached (self, STMT_BEGIN, error);
  for (guint i = 0; ok && i < n; i++)
    ok = store_record (self, records->pdata[i], error);
  ok = ok && (usage_json == NULL || write_usage (self, usage_json, error)) &&
       exec_cached (self, STMT_COMMIT, error);
  if (!ok)
    {
      _synth_run_store_rollback (self);
      return FALSE;
    }
  self->n_done += n;
  if (total)
    {
      synth_usage_free (self->usage);
      self->usage = g_steal_pointer (&total);
    }
  return TRUE;
}

gboolean
synth_run_store_add_usage (SynthRunStore *self, const SynthUsage *usage, GError **error)
{
  g_return_val_if_fail (SYNTH_IS_RUN_STORE (self), FALSE);
  g_return_val_if_fail (usage != NULL, FALSE);
  return synth_run_store_commit_batch (self, NULL, usage, error);
}

SynthUsage *
synth_run_store_dup_usage (SynthRunStore *self)
{
  g_autoptr (GMutexLocker) locker = NULL;

  g_return_val_if_fail (SYNTH_IS_RUN_STORE (self), NULL);
  locker = g_mutex_locker_new (&self->mutex);
  return synth_usage_copy (self->usage);
}

gboolean
synth_run_store_set_review (SynthRunStore *self,
                            guint index,
                            SynthReviewStatus status,
                            GError **error)
{
  g_autoptr (GMutexLocker) locker = NULL;
  sqlite3_stmt *stmt;

  g_return_val_if_fail (SYNTH_IS_RUN_STORE (self), FALSE);
  g_return_val_if_fail (status <= SYNTH_REVIEW_REJECTED, FALSE);
  locker = g_mutex_locker_new (&self->mutex);
  if (!(stmt = get_stmt (self, STMT_SET_REVIEW, error)))
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, index);
  bind_text (stmt, 2, synth_review_status_to_id (status));
  if (!run_stmt (self, stmt, ACTION_SAVE, error))
    return FALSE;
  if (sqlite3_changes (self->db) == 0)
    {
      g_set_error (error, SYNTH_ERROR, SYNTH_ERROR_NOT_FOUND,
                   _ ("Run %s has no record %u yet, so it cannot be reviewed."), self->run_id,
                   index);
      return FALSE;
    }
  return TRUE;
}

/* ---- records out ------------------------------------------------------- */

GPtrArray *
synth_run_store_load_records (SynthRunStore *self, guint offset, guint limit, GError **error)
{
  g_autoptr (GMutexLocker) locker = NULL;
  g_autoptr (GPtrArray) records = g_ptr_array_new_with_free_func (g_object_unref);
  sqlite3_stmt *stmt;

  g_return_val_if_fail (SYNTH_IS_RUN_STORE (self), NULL);
  locker = g_mutex_locker_new (&self->mutex);
  if (!(stmt = get_stmt (self, STMT_LOAD_RECORDS, error)))
    return NULL;
  sqlite3_bind_int64 (stmt, 1, limit ? (gint64) limit : -1);
  sqlite3_bind_int64 (stmt, 2, offset);
  return collect_records (self, stmt, records, error) ? g_steal_pointer (&records) : NULL;
}

SynthRecord *
synth_run_store_load_record (SynthRunStore *self, guint index, GError **error)
{
  g_autoptr (GMutexLocker) locker = NULL;
  g_autoptr (GPtrArray) records = g_ptr_array_new_with_free_func (g_object_unref);
  sqlite3_stmt *stmt;

  g_return_val_if_fail (SYNTH_IS_RUN_STORE (self), NULL);
  locker = g_mutex_locker_new (&self->mutex);
  if (!(stmt = get_stmt (self, STMT_LOAD_RECORD, error)))
    return NULL;
  sqlite3_bind_int64 (stmt, 1, index);
  if (!collect_records (self, stmt, records, error))
    return NULL;
  if (records->len == 0)
    {
      g_set_error (error, SYNTH_ERROR, SYNTH_ERROR_NOT_FOUND, _ ("Run %s has no record %u yet."),
                   self->run_id, index);
      return NULL;
    }
  return g_object_ref (records->pdata[0]);
}

/* The next chunk of records after slot @after, read under the lock. */
static GPtrArray *
read_chunk_after (SynthRunStore *self, gint64 after, GError **error)
{
  g_autoptr (GPtrArray) chunk = g_ptr_array_new_full (FOREACH_CHUNK, g_object_unref);
  sqlite3_stmt *stmt;
  gboolean ok;

  g_mutex_lock (&self->mutex);
  stmt = get_stmt (self, STMT_RECORDS_AFTER, error);
  if (stmt)
    {
      sqlite3_bind_int64 (stmt, 1, after);
      sqlite3_bind_int64 (stmt, 2, FOREACH_CHUNK);
    }
  ok = stmt != NULL && collect_records (self, stmt, chunk, error);
  g_mutex_unlock (&self->mutex);
  return ok ? g_steal_pointer (&chunk) : NULL;
}

/* foreach_record reads ahead in a thread of its own while @func works on
 * the chunk before, so an export costs about the longer of reading and
 * writing instead of their sum. Consumed chunks go back to the reader to be
 * freed: each record is freed by the thread that allocated it, because
 * freeing into another thread's malloc arena made the pipeline slower than
 * no pipeline at all. At most READ_AHEAD chunks are in flight. */
#define READ_AHEAD 4

typedef struct
{
  SynthRunStore *store;
  SynthRecordPrepareFunc prepare;
  gpointer user_data;
  GAsyncQueue *full; /* chunks for @func, then the end marker */
  GAsyncQueue *done; /* chunks @func is finished with */
  gint stop;         /* atomic: @func asked to stop */
  GError *error;     /* the reader's, set before the end marker */
} ReadAhead;

static char read_ahead_end; /* the end marker's address */

static gpointer
read_ahead_thread (gpointer data)
{
  ReadAhead *ra = data;
  gint64 after = -1;
  guint in_flight = 0;

  while (!g_atomic_int_get (&ra->stop))
    {
      GPtrArray *chunk;

      while ((chunk = in_flight >= READ_AHEAD ? g_async_queue_pop (ra->done)
                                              : g_async_queue_try_pop (ra->done)))
        {
          g_ptr_array_unref (chunk);
          in_flight--;
        }
      if (!(chunk = read_chunk_after (ra->store, after, &ra->error)))
        break;
      if (ra->prepare != NULL)
        for (guint i = 0; i < chunk->len && !g_atomic_int_get (&ra->stop); i++)
          ra->prepare (chunk->pdata[i], ra->user_data);
      if (chunk->len > 0)
        after = synth_record_get_index (chunk->pdata[chunk->len - 1]);
      g_async_queue_push (ra->full, chunk);
      in_flight++;
      if (chunk->len < FOREACH_CHUNK)
        break;
    }
  g_async_queue_push (ra->full, &read_ahead_end);
  /* Every chunk pushed before the marker comes back. */
  for (; in_flight > 0; in_flight--)
    g_ptr_array_unref (g_async_queue_pop (ra->done));
  return NULL;
}

gboolean
synth_run_store_foreach_record (SynthRunStore *self,
                                SynthRecordFunc func,
                                gpointer user_data,
                                GError **error)
{
  return synth_run_store_foreach_record_full (self, NULL, func, user_data, error);
}

gboolean
synth_run_store_foreach_record_full (SynthRunStore *self,
                                     SynthRecordPrepareFunc prepare,
                                     SynthRecordFunc func,
                                     gpointer user_data,
                                     GError **error)
{
  ReadAhead ra = { 0 };
  GThread *reader;
  gpointer item;

  g_return_val_if_fail (SYNTH_IS_RUN_STORE (self), FALSE);
  g_return_val_if_fail (func != NULL, FALSE);

  ra.store = self;
  ra.prepare = prepare;
  ra.user_data = user_data;
  ra.full = g_async_queue_new ();
  ra.done = g_async_queue_new ();
  reader = g_thread_new ("synth-read-ahead", read_ahead_thread, &ra);
  while ((item = g_async_queue_pop (ra.full)) != &read_ahead_end)
    {
      GPtrArray *chunk = item;

      for (guint i = 0; i < chunk->len && !g_atomic_int_get (&ra.stop); i++)
        if (!func (chunk->pdata[i], user_data))
          g_atomic_int_set (&ra.stop, TRUE);
      g_async_queue_push (ra.done, chunk);
    }
  g_thread_join (reader);
  g_async_queue_unref (ra.full);
  g_async_queue_unref (ra.done);
  if (ra.error != NULL && !g_atomic_int_get (&ra.stop))
    {
      g_propagate_error (error, ra.error);
      return FALSE;
    }
  g_clear_error (&ra.error);
  return TRUE;
}

/* ---- metadata and checks ----------------------------------------------- */

gboolean
_synth_run_store_set_meta_locked (SynthRunStore *self,
                                  const char *key,
                                  const char *value,
                                  GError **error)
{
  sqlite3_stmt *stmt = get_stmt (self, STMT_SET_META, error);

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, key, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 2, value, -1, SQLITE_STATIC);
  return run_stmt (self, stmt, ACTION_SAVE, error);
}

gboolean
synth_run_store_set_meta (SynthRunStore *self, const char *key, const char *value, GError **error)
{
  g_autoptr (GMutexLocker) locker = NULL;

  g_return_val_if_fail (SYNTH_IS_RUN_STORE (self), FALSE);
  g_return_val_if_fail (key != NULL, FALSE);
  locker = g_mutex_locker_new (&self->mutex);
  return _synth_run_store_set_meta_locked (self, key, value, error);
}

char *
synth_run_store_dup_meta (SynthRunStore *self, const char *key)
{
  g_autoptr (GMutexLocker) locker = NULL;
  sqlite3_stmt *stmt;
  char *value = NULL;

  g_return_val_if_fail (SYNTH_IS_RUN_STORE (self), NULL);
  g_return_val_if_fail (key != NULL, NULL);
  locker = g_mutex_locker_new (&self->mutex);
  if (!(stmt = get_stmt (self, STMT_GET_META, NULL)))
    return NULL;
  bind_text (stmt, 1, key);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    value = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
  release_stmt (stmt);
  return value;
}

/* Beyond SQLite's own check: every done slot has exactly one record and
 * every record's slot is done — what a resume relies on. */
gboolean
synth_run_store_check_integrity (SynthRunStore *self, GError **error)
{
  g_autoptr (GMutexLocker) locker = NULL;
  g_autofree char *result = NULL;
  gint64 fk_errors = 0, mismatched = 0;
  int rc;

  g_return_val_if_fail (SYNTH_IS_RUN_STORE (self), FALSE);
  locker = g_mutex_locker_new (&self->mutex);
  result = query_text (self->db, "PRAGMA integrity_check", NULL, &rc);
  if (rc != SQLITE_DONE)
    {
      _synth_run_store_set_db_error (error, self->db, rc, self->path, ACTION_READ);
      return FALSE;
    }
  if (!query_int (self->db, "SELECT count(*) FROM pragma_foreign_key_check", 0, &fk_errors,
                  self->path, error) ||
      !query_int (self->db,
                  "SELECT count(*) FROM slots s LEFT JOIN records r ON r.idx = s.idx"
                  " WHERE (s.state = 2) != (r.idx IS NOT NULL)",
                  0, &mismatched, self->path, error))
    return FALSE;
  if (g_strcmp0 (result, "ok") != 0 || fk_errors > 0 || mismatched > 0)
    {
      g_set_error (error, SYNTH_ERROR, SYNTH_ERROR_STORE,
                   _ ("The run store %s failed its integrity check (%s; %" PRId64
                      " orphan records; %" PRId64 " slots out of step with their "
                      "records). Export what you can and start a new run."),
                   self->path, result ? result : "?", fk_errors, mismatched);
      return FALSE;
    }
  return TRUE;
}
