/* synth-run-store.h — one SQLite database per run (DESIGN.md §6).
 *
 * Holds the run spec and seed, every planned slot with its state, every
 * accepted record (clean and biased text), usage and review status. Each
 * finished batch is committed in one transaction; the slot index is the
 * primary key, so a record can never be stored twice. Thread-safe: one
 * internal mutex serialises the connection, so the generation thread may
 * commit while the main thread reads or saves a review. */
#pragma once

#include <glib-object.h>

#include "synth-record.h"
#include "synth-run-spec.h"
#include "synth-slot-plan.h"
#include "synth-usage.h"

G_BEGIN_DECLS

typedef enum
{
  SYNTH_SLOT_PENDING,
  SYNTH_SLOT_IN_FLIGHT, /* only in memory during a session; stored as pending */
  SYNTH_SLOT_DONE,
} SynthSlotState;

#define SYNTH_TYPE_RUN_STORE (synth_run_store_get_type ())
G_DECLARE_FINAL_TYPE (SynthRunStore, synth_run_store, SYNTH, RUN_STORE, GObject)

/* $XDG_DATA_HOME/resume-synth/runs (or $SYNTH_RUNS_DIR when set, for tests),
 * created 0700 if missing. */
char          *synth_run_store_get_default_dir (void);
/* "<dir>/<run-id>.db" */
char          *synth_run_store_path_for_id     (const char *dir, const char *run_id);
/* A new run id: "YYYYMMDD-HHMMSS-xxxx" (xxxx random hex). */
char          *synth_run_store_new_run_id      (void);

/* Creates the database (file 0600, WAL), stores the spec and every slot of the
 * plan as pending, in one transaction. Fails if the file exists. */
SynthRunStore *synth_run_store_create (const char *path, const char *run_id,
                                       const SynthRunSpec *spec, SynthSlotPlan *plan,
                                       GError **error);
/* Makes a run of already-finished records (an imported CSV): every record
 * becomes a done slot at its position; @source is kept as "source_csv". */
SynthRunStore *synth_run_store_import (const char *path, const char *run_id,
                                       GPtrArray *records, const char *source,
                                       GError **error);
/* Opens an existing run (SYNTH_ERROR_NOT_FOUND if missing, SYNTH_ERROR_STORE
 * if it isn't a run store). */
SynthRunStore *synth_run_store_open   (const char *path, GError **error);
/* Opens the run @run_id in the default directory. */
SynthRunStore *synth_run_store_open_id (const char *run_id, GError **error);

const char    *synth_run_store_get_path    (SynthRunStore *self);
const char    *synth_run_store_get_run_id  (SynthRunStore *self);
SynthRunSpec  *synth_run_store_dup_spec    (SynthRunStore *self);
/* Replaces the stored spec (row and cache, in one transaction) with @spec,
 * e.g. a resume that points the run at another endpoint or model. What
 * defines the dataset (records, batch size, ratios, bias mix, seed,
 * provider) must stay as it is: SYNTH_ERROR_INVALID_ARGUMENT otherwise, and
 * for a spec that does not validate; nothing is written then. */
gboolean       synth_run_store_update_spec (SynthRunStore *self, const SynthRunSpec *spec,
                                            GError **error);
/* The whole plan, loaded from the slots table. */
SynthSlotPlan *synth_run_store_load_plan   (SynthRunStore *self, GError **error);

guint          synth_run_store_get_n_slots (SynthRunStore *self);
guint          synth_run_store_count_done  (SynthRunStore *self);
/* Pending slot indices in ascending order (at most @max, 0 = all). */
GArray        *synth_run_store_list_pending (SynthRunStore *self, guint max, GError **error);

/* One transaction: inserts the records (their index is the slot), marks those
 * slots done, adds @usage (may be NULL) to the stored usage. A record whose
 * slot is already done is an error and nothing is written. */
gboolean       synth_run_store_commit_batch (SynthRunStore *self, GPtrArray *records,
                                             const SynthUsage *usage, GError **error);
/* Adds usage without records (failed requests still cost tokens). */
gboolean       synth_run_store_add_usage    (SynthRunStore *self, const SynthUsage *usage,
                                             GError **error);
SynthUsage    *synth_run_store_dup_usage    (SynthRunStore *self);

gboolean       synth_run_store_set_review   (SynthRunStore *self, guint index,
                                             SynthReviewStatus status, GError **error);
/* Records ordered by slot index: @offset/@limit for paging (limit 0 = all). */
GPtrArray     *synth_run_store_load_records (SynthRunStore *self, guint offset, guint limit,
                                             GError **error);
SynthRecord   *synth_run_store_load_record  (SynthRunStore *self, guint index, GError **error);
/* Streams every record in slot order without holding them all; return FALSE
 * from @func to stop early. */
typedef gboolean (*SynthRecordFunc) (SynthRecord *record, gpointer user_data);
gboolean       synth_run_store_foreach_record (SynthRunStore *self, SynthRecordFunc func,
                                               gpointer user_data, GError **error);
/* The same, with @prepare (may be NULL) called on each record first, in the
 * thread that reads ahead, before @func sees it in the caller's: for work
 * that needs nothing but the record, which then runs beside @func instead
 * of before it. Whatever @prepare attaches to the record (qdata) is freed
 * in that thread too. */
typedef void (*SynthRecordPrepareFunc) (SynthRecord *record, gpointer user_data);
gboolean       synth_run_store_foreach_record_full (SynthRunStore *self,
                                                    SynthRecordPrepareFunc prepare,
                                                    SynthRecordFunc func, gpointer user_data,
                                                    GError **error);

/* Free-form metadata (e.g. "status" = "running" | "paused" | "finished" |
 * "failed", "source_csv", "message"). */
gboolean       synth_run_store_set_meta     (SynthRunStore *self, const char *key,
                                             const char *value, GError **error);
char          *synth_run_store_dup_meta     (SynthRunStore *self, const char *key);

/* PRAGMA integrity_check == "ok". */
gboolean       synth_run_store_check_integrity (SynthRunStore *self, GError **error);

/* A summary of every run in @dir (NULL = default), newest first. */
typedef struct
{
  char   *run_id;
  char   *path;
  guint   n_slots;
  guint   n_done;
  char   *status;
  char   *provider;
  gint64  created;   /* unix time */
} SynthRunInfo;

void           synth_run_info_free (SynthRunInfo *info);
GPtrArray     *synth_run_store_list_runs (const char *dir, GError **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (SynthRunInfo, synth_run_info_free)

G_END_DECLS
