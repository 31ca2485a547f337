/* synth-run-store-import.c — new run stores and the list of runs.
 *
 * A run is created from a slot plan or imported from finished records (a
 * CSV), each in one transaction, so a run id is either complete or free.
 * Listing opens every store of a folder read-only. See synth-run-store.c
 * for durability, privacy and the schema's conventions. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <sqlite3.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "synth-error.h"
#include "synth-run-store-private.h"
#include "synth-run-store.h"

static const char schema_sql[] =
    "CREATE TABLE meta (key TEXT PRIMARY KEY NOT NULL, value TEXT) WITHOUT ROWID;"
    "CREATE TABLE spec (id INTEGER PRIMARY KEY CHECK (id = 0), json TEXT NOT NULL);"
    "CREATE TABLE usage (id INTEGER PRIMARY KEY CHECK (id = 0), json TEXT NOT NULL);"
    "CREATE TABLE slots (idx INTEGER PRIMARY KEY CHECK (idx >= 0),"
    " match_label INTEGER NOT NULL, bias_type INTEGER NOT NULL, bias_subtype INTEGER NOT NULL,"
    " domain INTEGER NOT NULL, seniority INTEGER NOT NULL, region INTEGER NOT NULL,"
    " length INTEGER NOT NULL, variant INTEGER NOT NULL DEFAULT 0, grp INTEGER,"
    " state INTEGER NOT NULL DEFAULT 0 CHECK (state IN (0, 2)));"
    /* Resuming and counting look only at pending slots: a partial index keeps
     * that cheap however many are done. */
    "CREATE INDEX slots_pending ON slots (idx) WHERE state = 0;"
    "CREATE TABLE records (idx INTEGER PRIMARY KEY REFERENCES slots (idx),"
    " record_id TEXT NOT NULL, name TEXT, resume_text TEXT, job_skill_text TEXT,"
    " clean_resume_text TEXT, clean_job_skill_text TEXT, match_label INTEGER NOT NULL,"
    " bias_type TEXT NOT NULL, bias_subtype TEXT, bias_detail TEXT, domain TEXT, seniority TEXT,"
    " region TEXT, length_class TEXT, split TEXT, group_id TEXT,"
    " review_status TEXT NOT NULL DEFAULT 'unreviewed');";

#define ACTION_CREATE _ ("Could not create the run store")

/* ---- creating ---------------------------------------------------------- */

static gboolean
create_private_file (const char *path, const char *run_id, GError **error)
{
  g_autofree char *dir = g_path_get_dirname (path);
  int fd;

  if (!_synth_run_store_ensure_private_dir (dir, FALSE, error))
    return FALSE;
  fd = g_open (path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600);
  if (fd < 0)
    {
      int saved_errno = errno;
      if (saved_errno == EEXIST)
        g_set_error (error, SYNTH_ERROR, SYNTH_ERROR_INVALID_ARGUMENT,
                     _ ("A run “%s” already exists at %s. Resume it, or choose another run id."),
                     run_id, path);
      else
        _synth_run_store_set_errno_error (error, saved_errno, path, ACTION_CREATE);
      return FALSE;
    }
  /* The umask can only take bits away; make the mode exactly 0600. Close
   * before SQLite opens the file: closing any descriptor of a file drops the
   * process's POSIX locks on it, SQLite's included. */
  fchmod (fd, 0600);
  close (fd);
  /* A stale WAL left by an earlier file of this name must not be replayed
   * into the new database. */
  {
    g_autofree char *wal = g_strconcat (path, "-wal", NULL);
    g_autofree char *shm = g_strconcat (path, "-shm", NULL);
    g_unlink (wal);
    g_unlink (shm);
  }
  return TRUE;
}

static gboolean
insert_slot (sqlite3_stmt *stmt, guint idx, const SynthSlot *s, int state)
{
  sqlite3_bind_int64 (stmt, 1, idx);
  sqlite3_bind_int (stmt, 2, s->match_label);
  sqlite3_bind_int (stmt, 3, s->bias_type);
  sqlite3_bind_int (stmt, 4, s->bias_subtype);
  sqlite3_bind_int (stmt, 5, s->domain);
  sqlite3_bind_int (stmt, 6, s->seniority);
  sqlite3_bind_int (stmt, 7, s->region);
  sqlite3_bind_int (stmt, 8, s->length);
  sqlite3_bind_int (stmt, 9, s->variant);
  if (s->group == SYNTH_NO_GROUP)
    sqlite3_bind_null (stmt, 10);
  else
    sqlite3_bind_int64 (stmt, 10, s->group);
  sqlite3_bind_int (stmt, 11, state);
  return sqlite3_step (stmt) == SQLITE_DONE && sqlite3_reset (stmt) == SQLITE_OK;
}

static gboolean
insert_plan (SynthRunStore *self, SynthSlotPlan *plan, GError **error)
{
  sqlite3_stmt *stmt = NULL;
  guint n = synth_slot_plan_get_n_slots (plan);
  gboolean ok = TRUE;
  int rc = sqlite3_prepare_v2 (self->db,
                               "INSERT INTO slots (idx, match_label, bias_type, bias_subtype,"
                               " domain, seniority, region, length, variant, grp, state)"
                               " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
                               -1, &stmt, NULL);

  /* The slot's position is its index, whatever the plan's copy says. */
  for (guint i = 0; rc == SQLITE_OK && ok && i < n; i++)
    ok = insert_slot (stmt, i, synth_slot_plan_get_slot (plan, i), STATE_PENDING);
  if (rc != SQLITE_OK || !ok)
    _synth_run_store_set_db_error (error, self->db,
                                   rc != SQLITE_OK ? rc : sqlite3_extended_errcode (self->db),
                                   self->path, ACTION_CREATE);
  sqlite3_finalize (stmt);
  return rc == SQLITE_OK && ok;
}

/* Schema and the run's fixed rows; the caller's transaction is open. */
static gboolean
write_header (SynthRunStore *self, GError **error)
{
  g_autofree char *spec_json = synth_run_spec_to_json (self->spec);
  g_autofree char *usage_json = synth_usage_to_json (self->usage);
  g_autofree char *created = g_strdup_printf ("%" G_GINT64_FORMAT, self->created);
  char *sql = sqlite3_mprintf ("PRAGMA application_id = %d; PRAGMA user_version = %d; %s"
                               " INSERT INTO spec (id, json) VALUES (0, %Q);"
                               " INSERT INTO usage (id, json) VALUES (0, %Q);",
                               APPLICATION_ID, SCHEMA_VERSION, schema_sql, spec_json, usage_json);
  gboolean ok = _synth_run_store_exec_sql (self->db, sql, self->path, ACTION_CREATE, error);

  sqlite3_free (sql);
  return ok && _synth_run_store_set_meta_locked (self, "run_id", self->run_id, error) &&
         _synth_run_store_set_meta_locked (self, "created", created, error) &&
         _synth_run_store_set_meta_locked (self, "app_version", PACKAGE_VERSION, error);
}

typedef gboolean (*FillFunc) (SynthRunStore *self, gpointer data, GError **error);

/* Creates the file and fills it in one transaction; on any failure the
 * half-made files are removed, so a run id is either complete or free. */
static SynthRunStore *
create_with (const char *path,
             const char *run_id,
             SynthRunSpec *spec,
             FillFunc fill,
             gpointer data,
             GError **error)
{
  g_autoptr (SynthRunStore) self = NULL;
  gboolean ok;

  if (!_synth_run_store_run_id_is_valid (run_id))
    {
      g_set_error (error, SYNTH_ERROR, SYNTH_ERROR_INVALID_ARGUMENT,
                   _ ("“%s” is not a valid run id: use only letters, digits, “-” and “_”."),
                   run_id ? run_id : "");
      synth_run_spec_free (spec);
      return NULL;
    }
  self = g_object_new (SYNTH_TYPE_RUN_STORE, NULL);
  self->path = g_strdup (path);
  self->run_id = g_strdup (run_id);
  self->spec = spec;
  self->usage = synth_usage_new ();
  self->created = g_get_real_time () / G_USEC_PER_SEC;
  if (!create_private_file (path, run_id, error))
    return NULL;

  /* 16 KiB pages hold a whole record (≈ 3–6 KB of text) without overflow
   * chains and make WAL checkpoints rarer: commits measured twice as fast
   * as with 4 KiB. The page size is fixed once WAL is on, which must be
   * chosen outside a transaction. */
  ok = (self->db = _synth_run_store_open_connection (path, SQLITE_OPEN_READWRITE, error)) &&
       _synth_run_store_exec_sql (self->db, "PRAGMA page_size = 16384; PRAGMA journal_mode = WAL",
                                  path, ACTION_CREATE, error) &&
       _synth_run_store_set_durability (self->db, path, error) &&
       _synth_run_store_exec_sql (self->db, "BEGIN IMMEDIATE", path, ACTION_CREATE, error) &&
       write_header (self, error) && fill (self, data, error) &&
       _synth_run_store_exec_sql (self->db, "COMMIT", path, ACTION_CREATE, error);
  if (!ok)
    {
      if (self->db)
        _synth_run_store_rollback (self);
      for (guint i = 0; i < N_STMTS; i++)
        g_clear_pointer (&self->stmts[i], sqlite3_finalize);
      g_clear_pointer (&self->db, sqlite3_close);
      _synth_run_store_remove_db_files (path);
      return NULL;
    }
  return g_steal_pointer (&self);
}

static gboolean
fill_plan (SynthRunStore *self, gpointer data, GError **error)
{
  SynthSlotPlan *plan = data;

  self->n_slots = synth_slot_plan_get_n_slots (plan);
  self->n_done = 0;
  return insert_plan (self, plan, error);
}

SynthRunStore *
synth_run_store_create (const char *path,
                        const char *run_id,
                        const SynthRunSpec *spec,
                        SynthSlotPlan *plan,
                        GError **error)
{
  g_return_val_if_fail (path != NULL, NULL);
  g_return_val_if_fail (spec != NULL, NULL);
  g_return_val_if_fail (plan != NULL, NULL);

  if (synth_slot_plan_get_n_slots (plan) == 0)
    {
      g_set_error (error, SYNTH_ERROR, SYNTH_ERROR_INVALID_ARGUMENT,
                   _ ("The run has no records to generate; ask for at least one."));
      return NULL;
    }
  return create_with (path, run_id, synth_run_spec_copy (spec), fill_plan, plan, error);
}

/* ---- importing --------------------------------------------------------- */

typedef struct
{
  GPtrArray *records;
  const char *source;
  GHashTable *groups;  /* group_id → group number + 1 */
  GArray *group_sizes; /* group number → members seen so far */
} ImportData;

/* A done slot that describes @r as well as the slot columns can: ids the
 * plan does not know become index 0 (the record keeps its own strings). */
static void
slot_from_record (SynthRecord *r, ImportData *data, SynthSlot *s)
{
  const char *subtype = synth_record_get_bias_subtype (r);
  const char *group_id = synth_record_get_group_id (r);
  const char *const *subtypes;
  SynthSeniority seniority = SYNTH_SENIORITY_JUNIOR;
  SynthLength length = SYNTH_LENGTH_SHORT;

  memset (s, 0, sizeof *s);
  s->match_label = synth_record_get_match_label (r) ? 1 : 0;
  s->bias_type = synth_record_get_bias_type (r);
  subtypes = synth_bias_type_get_subtypes (s->bias_type);
  for (guint k = 0; subtypes && subtypes[k]; k++)
    if (g_strcmp0 (subtypes[k], subtype) == 0)
      s->bias_subtype = k;
  s->domain = MAX (synth_domain_index (synth_record_get_domain (r)), 0);
  s->region = MAX (synth_region_index (synth_record_get_region (r)), 0);
  synth_seniority_from_id (synth_record_get_seniority (r), &seniority);
  synth_length_from_id (synth_record_get_length_class (r), &length);
  s->seniority = seniority;
  s->length = length;
  s->group = SYNTH_NO_GROUP;
  if (group_id && *group_id)
    {
      guint number = GPOINTER_TO_UINT (g_hash_table_lookup (data->groups, group_id));
      if (number == 0)
        {
          guint zero = 0;
          g_array_append_val (data->group_sizes, zero);
          number = data->group_sizes->len;
          g_hash_table_insert (data->groups, (char *) group_id, GUINT_TO_POINTER (number));
        }
      s->group = number - 1;
      s->variant = (guint8) MIN (g_array_index (data->group_sizes, guint, s->group), 255);
      g_array_index (data->group_sizes, guint, s->group)++;
    }
}

static gboolean
fill_records (SynthRunStore *self, gpointer user_data, GError **error)
{
  ImportData *data = user_data;
  sqlite3_stmt *stmt = NULL;
  gboolean ok = TRUE;
  int rc = sqlite3_prepare_v2 (self->db,
                               "INSERT INTO slots (idx, match_label, bias_type, bias_subtype,"
                               " domain, seniority, region, length, variant, grp, state)"
                               " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
                               -1, &stmt, NULL);

  for (guint i = 0; rc == SQLITE_OK && ok && i < data->records->len; i++)
    {
      SynthSlot slot;
      slot_from_record (data->records->pdata[i], data, &slot);
      if (!insert_slot (stmt, i, &slot, STATE_DONE))
        rc = sqlite3_extended_errcode (self->db);
      else
        ok = _synth_run_store_insert_record (self, data->records->pdata[i], i, error);
    }
  if (rc != SQLITE_OK)
    _synth_run_store_set_db_error (error, self->db, rc, self->path, ACTION_CREATE);
  sqlite3_finalize (stmt);
  self->n_slots = self->n_done = data->records->len;
  return rc == SQLITE_OK && ok &&
         (data->source == NULL ||
          _synth_run_store_set_meta_locked (self, "source_csv", data->source, error)) &&
         _synth_run_store_set_meta_locked (self, "status", "finished", error);
}

SynthRunStore *
synth_run_store_import (
    const char *path, const char *run_id, GPtrArray *records, const char *source, GError **error)
{
  g_autoptr (GHashTable) groups = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr (GArray) group_sizes = g_array_new (FALSE, FALSE, sizeof (guint));
  ImportData data = { records, source, groups, group_sizes };
  SynthRunSpec *spec;

  g_return_val_if_fail (path != NULL, NULL);
  g_return_val_if_fail (records != NULL, NULL);

  if (records->len == 0 || records->len > SYNTH_RECORDS_MAX)
    {
      g_set_error (error, SYNTH_ERROR, SYNTH_ERROR_INVALID_ARGUMENT,
                   _ ("%s has %u records; a run holds 1 to %u."), source ? source : path,
                   records->len, SYNTH_RECORDS_MAX);
      return NULL;
    }
  spec = synth_run_spec_new ();
  spec->records = records->len;
  return create_with (path, run_id, spec, fill_records, &data, error);
}

/* ---- listing runs ------------------------------------------------------ */

void
synth_run_info_free (SynthRunInfo *info)
{
  if (info == NULL)
    return;
  g_free (info->run_id);
  g_free (info->path);
  g_free (info->status);
  g_free (info->provider);
  g_free (info);
}

static int
compare_newest_first (gconstpointer a, gconstpointer b)
{
  const SynthRunInfo *x = *(SynthRunInfo *const *) a;
  const SynthRunInfo *y = *(SynthRunInfo *const *) b;

  if (x->created != y->created)
    return x->created > y->created ? -1 : 1;
  return -g_strcmp0 (x->run_id, y->run_id);
}

static SynthRunInfo *
run_info_new (SynthRunStore *store)
{
  SynthRunInfo *info = g_new0 (SynthRunInfo, 1);
  g_autofree char *source = synth_run_store_dup_meta (store, "source_csv");

  info->run_id = g_strdup (store->run_id);
  info->path = g_strdup (store->path);
  info->n_slots = store->n_slots;
  info->n_done = store->n_done;
  info->created = store->created;
  info->status = synth_run_store_dup_meta (store, "status");
  /* A run never started has no status yet: say what a resume would do. */
  if (info->status == NULL)
    info->status = g_strdup (store->n_done == store->n_slots ? "finished" : "paused");
  info->provider = g_strdup (source ? "import" : store->spec->provider);
  return info;
}

GPtrArray *
synth_run_store_list_runs (const char *dir, GError **error)
{
  g_autoptr (GPtrArray) runs =
      g_ptr_array_new_with_free_func ((GDestroyNotify) synth_run_info_free);
  g_autofree char *default_dir = NULL;
  g_autoptr (GDir) d = NULL;
  g_autoptr (GError) local_error = NULL;
  const char *name;

  if (dir == NULL)
    dir = default_dir = synth_run_store_get_default_dir ();
  if (!g_file_test (dir, G_FILE_TEST_EXISTS))
    return g_steal_pointer (&runs); /* nothing generated yet */
  if (!(d = g_dir_open (dir, 0, &local_error)))
    {
      g_set_error (error, SYNTH_ERROR, SYNTH_ERROR_IO, _ ("Could not list the runs in %s: %s"), dir,
                   local_error->message);
      return NULL;
    }
  while ((name = g_dir_read_name (d)))
    {
      g_autofree char *path = NULL;
      g_autoptr (SynthRunStore) store = NULL;

      if (!g_str_has_suffix (name, ".db"))
        continue;
      path = g_build_filename (dir, name, NULL);
      /* Anything that is not a readable run store is not a run: skip it. */
      if ((store = _synth_run_store_open_internal (path, SQLITE_OPEN_READONLY, NULL)))
        g_ptr_array_add (runs, run_info_new (store));
    }
  g_ptr_array_sort (runs, compare_newest_first);
  return g_steal_pointer (&runs);
}
