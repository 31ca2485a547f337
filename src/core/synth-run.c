/* synth-run.c — the run engine.
 *
 * The offline provider runs in one worker thread that generates a batch,
 * applies the surface transforms, commits it in one transaction, and hands
 * the records to the caller's main context through an outbox that is
 * drained by a single idle, so a fast engine cannot flood the UI with one
 * callback per batch. */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "synth-error.h"
#include "synth-offline-engine.h"
#include "synth-rng.h"
#include "synth-run.h"
#include "synth-transform.h"

struct _SynthRun
{
  GObject parent_instance;

  SynthRunStore *store;
  SynthRunSpec *spec;
  char *api_key;
  SynthRunState state;
  guint n_total;
  guint n_done;          /* atomic: written by the worker */
  guint n_done_at_start; /* for the rate of this session */
  gint64 started_us;
  double rate;
  double eta;

  GMutex lock;
  GCond cond;
  gboolean paused;
  GPtrArray *outbox; /* records committed, not yet announced (under lock) */
  guint outbox_idle; /* under lock */

  GMainContext *context;
  GSource *progress_source;

  SynthOpenaiOptions openai_options;
  gboolean has_openai_options;
  SynthOpenaiProvider *openai; /* while an openai run goes on */
};

G_DEFINE_FINAL_TYPE (SynthRun, synth_run, G_TYPE_OBJECT)

enum
{
  PROP_0,
  PROP_STORE,
  PROP_STATE,
  PROP_N_DONE,
  PROP_N_TOTAL,
  PROP_RECORDS_PER_SECOND,
  PROP_ETA_SECONDS,
  N_PROPS
};

enum
{
  BATCH_COMMITTED,
  PROGRESS,
  MESSAGE,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

static void
synth_run_dispose (GObject *object)
{
  SynthRun *self = SYNTH_RUN (object);

  if (self->progress_source)
    {
      g_source_destroy (self->progress_source);
      g_clear_pointer (&self->progress_source, g_source_unref);
    }
  G_OBJECT_CLASS (synth_run_parent_class)->dispose (object);
}

static void
synth_run_finalize (GObject *object)
{
  SynthRun *self = SYNTH_RUN (object);

  g_clear_object (&self->openai);
  g_clear_object (&self->store);
  g_clear_pointer (&self->spec, synth_run_spec_free);
  if (self->api_key)
    {
      memset (self->api_key, 0, strlen (self->api_key));
      g_free (self->api_key);
    }
  g_clear_pointer (&self->outbox, g_ptr_array_unref);
  g_clear_pointer (&self->context, g_main_context_unref);
  g_mutex_clear (&self->lock);
  g_cond_clear (&self->cond);

  G_OBJECT_CLASS (synth_run_parent_class)->finalize (object);
}

static void
synth_run_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  SynthRun *self = SYNTH_RUN (object);

  switch (prop_id)
    {
    case PROP_STORE:
      g_value_set_object (value, self->store);
      break;
    case PROP_STATE:
      g_value_set_int (value, self->state);
      break;
    case PROP_N_DONE:
      g_value_set_uint (value, synth_run_get_n_done (self));
      break;
    case PROP_N_TOTAL:
      g_value_set_uint (value, self->n_total);
      break;
    case PROP_RECORDS_PER_SECOND:
      g_value_set_double (value, self->rate);
      break;
    case PROP_ETA_SECONDS:
      g_value_set_double (value, self->eta);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
synth_run_set_property (GObject *object, guint prop_id, const GValue *value, GParamSpec *pspec)
{
  SynthRun *self = SYNTH_RUN (object);

  switch (prop_id)
    {
    case PROP_STORE:
      self->store = g_value_dup_object (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
synth_run_constructed (GObject *object)
{
  SynthRun *self = SYNTH_RUN (object);

  G_OBJECT_CLASS (synth_run_parent_class)->constructed (object);
  g_return_if_fail (self->store != NULL);
  self->spec = synth_run_store_dup_spec (self->store);
  self->n_total = synth_run_store_get_n_slots (self->store);
  self->n_done = synth_run_store_count_done (self->store);
}

static void
synth_run_class_init (SynthRunClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  const GParamFlags ro = G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY;

  object_class->dispose = synth_run_dispose;
  object_class->finalize = synth_run_finalize;
  object_class->get_property = synth_run_get_property;
  object_class->set_property = synth_run_set_property;
  object_class->constructed = synth_run_constructed;

  properties[PROP_STORE] =
      g_param_spec_object ("store", NULL, NULL, SYNTH_TYPE_RUN_STORE,
                           G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_STATE] =
      g_param_spec_int ("state", NULL, NULL, SYNTH_RUN_IDLE, SYNTH_RUN_FAILED, SYNTH_RUN_IDLE, ro);
  properties[PROP_N_DONE] = g_param_spec_uint ("n-done", NULL, NULL, 0, G_MAXUINT, 0, ro);
  properties[PROP_N_TOTAL] = g_param_spec_uint ("n-total", NULL, NULL, 0, G_MAXUINT, 0, ro);
  properties[PROP_RECORDS_PER_SECOND] =
      g_param_spec_double ("records-per-second", NULL, NULL, 0, G_MAXDOUBLE, 0, ro);
  properties[PROP_ETA_SECONDS] =
      g_param_spec_double ("eta-seconds", NULL, NULL, -1, G_MAXDOUBLE, -1, ro);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  signals[BATCH_COMMITTED] =
      g_signal_new ("batch-committed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                    NULL, G_TYPE_NONE, 1, G_TYPE_PTR_ARRAY);
  signals[PROGRESS] = g_signal_new ("progress", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                                    NULL, NULL, NULL, G_TYPE_NONE, 0);
  signals[MESSAGE] = g_signal_new ("message", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL,
                                   NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);
}

static void
synth_run_init (SynthRun *self)
{
  g_mutex_init (&self->lock);
  g_cond_init (&self->cond);
  self->eta = -1;
  self->outbox = g_ptr_array_new_with_free_func (g_object_unref);
}

SynthRun *
synth_run_new (SynthRunStore *store)
{
  g_return_val_if_fail (SYNTH_IS_RUN_STORE (store), NULL);
  return g_object_new (SYNTH_TYPE_RUN, "store", store, NULL);
}

SynthRunStore *
synth_run_get_store (SynthRun *self)
{
  return self->store;
}

SynthRunState
synth_run_get_state (SynthRun *self)
{
  return self->state;
}

guint
synth_run_get_n_done (SynthRun *self)
{
  return (guint) g_atomic_int_get ((gint *) &self->n_done);
}

guint
synth_run_get_n_total (SynthRun *self)
{
  return self->n_total;
}

double
synth_run_get_records_per_second (SynthRun *self)
{
  return self->rate;
}

double
synth_run_get_eta_seconds (SynthRun *self)
{
  return self->eta;
}

SynthUsage *
synth_run_dup_usage (SynthRun *self)
{
  SynthUsage *usage = synth_run_store_dup_usage (self->store);

  /* The stored wall time covers finished sessions; add the running one. */
  if (self->state == SYNTH_RUN_RUNNING || self->state == SYNTH_RUN_PAUSED)
    usage->wall_seconds += (g_get_monotonic_time () - self->started_us) / 1e6;
  return usage;
}

void
synth_run_set_api_key (SynthRun *self, const char *api_key)
{
  g_free (self->api_key);
  self->api_key = g_strdup (api_key);
}

void
synth_run_set_openai_options (SynthRun *self, const SynthOpenaiOptions *options)
{
  self->openai_options = *options;
  self->openai_options.api_key = NULL;
  self->has_openai_options = TRUE;
}

static void
set_state (SynthRun *self, SynthRunState state)
{
  if (self->state == state)
    return;
  self->state = state;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATE]);
}

void
synth_run_pause (SynthRun *self)
{
  g_mutex_lock (&self->lock);
  self->paused = TRUE;
  g_mutex_unlock (&self->lock);
  if (self->openai)
    synth_openai_provider_set_paused (self->openai, TRUE);
  if (self->state == SYNTH_RUN_RUNNING)
    set_state (self, SYNTH_RUN_PAUSED);
}

void
synth_run_resume (SynthRun *self)
{
  g_mutex_lock (&self->lock);
  self->paused = FALSE;
  g_cond_broadcast (&self->cond);
  g_mutex_unlock (&self->lock);
  if (self->openai)
    synth_openai_provider_set_paused (self->openai, FALSE);
  if (self->state == SYNTH_RUN_PAUSED)
    set_state (self, SYNTH_RUN_RUNNING);
}

/* ---- progress and the outbox (main context) ----------------------------- */

static void
update_rate (SynthRun *self)
{
  double elapsed = (g_get_monotonic_time () - self->started_us) / 1e6;
  guint done = synth_run_get_n_done (self);

  self->rate = elapsed > 0.2 ? (done - self->n_done_at_start) / elapsed : 0;
  self->eta = self->rate > 0 ? (self->n_total - done) / self->rate : -1;
}

static void
emit_progress (SynthRun *self)
{
  update_rate (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_DONE]);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_RECORDS_PER_SECOND]);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ETA_SECONDS]);
  g_signal_emit (self, signals[PROGRESS], 0);
}

static gboolean
progress_tick (gpointer user_data)
{
  emit_progress (SYNTH_RUN (user_data));
  return G_SOURCE_CONTINUE;
}

static int
compare_index (gconstpointer a, gconstpointer b)
{
  guint ia = synth_record_get_index (*(SynthRecord *const *) a);
  guint ib = synth_record_get_index (*(SynthRecord *const *) b);

  return ia < ib ? -1 : ia > ib;
}

static void
drain_outbox (SynthRun *self)
{
  g_autoptr (GPtrArray) records = NULL;

  g_mutex_lock (&self->lock);
  records = g_steal_pointer (&self->outbox);
  self->outbox = g_ptr_array_new_with_free_func (g_object_unref);
  self->outbox_idle = 0;
  g_mutex_unlock (&self->lock);

  /* Batches from several generator threads may wait here together; the
   * signal promises slot order, which the table's insertions rely on. */
  g_ptr_array_sort (records, compare_index);
  if (records->len > 0)
    g_signal_emit (self, signals[BATCH_COMMITTED], 0, records);
}

static gboolean
outbox_idle_cb (gpointer user_data)
{
  drain_outbox (SYNTH_RUN (user_data));
  return G_SOURCE_REMOVE;
}

/* Worker side: queue committed records for the main context. */
static void
post_records (SynthRun *self, GPtrArray *records)
{
  g_mutex_lock (&self->lock);
  for (guint i = 0; i < records->len; i++)
    g_ptr_array_add (self->outbox, g_object_ref (records->pdata[i]));
  if (self->outbox_idle == 0)
    {
      GSource *source = g_idle_source_new ();
      /* Not idle priority: a window that keeps redrawing would starve it. */
      g_source_set_priority (source, G_PRIORITY_DEFAULT);
      g_source_set_callback (source, outbox_idle_cb, g_object_ref (self), g_object_unref);
      g_source_set_static_name (source, "[synth] run outbox");
      self->outbox_idle = g_source_attach (source, self->context);
      g_source_unref (source);
    }
  g_mutex_unlock (&self->lock);
}

/* ---- the offline worker ------------------------------------------------- */

/* Blocks while paused; FALSE when cancelled. */
static gboolean
wait_unpaused (SynthRun *self, GCancellable *cancellable)
{
  gboolean ok;

  g_mutex_lock (&self->lock);
  while (self->paused && !g_cancellable_is_cancelled (cancellable))
    {
      gint64 until = g_get_monotonic_time () + 100 * G_TIME_SPAN_MILLISECOND;
      g_cond_wait_until (&self->cond, &self->lock, until);
    }
  ok = !g_cancellable_is_cancelled (cancellable);
  g_mutex_unlock (&self->lock);
  return ok;
}

/* The offline pipeline: generator threads (one per core) take batches by
 * number and fill them; this thread commits whatever is ready, in any order
 * (the slot index is the key, so order does not matter for the result).
 * A bounded queue keeps memory flat however far generation runs ahead. */
#define MAX_QUEUED_BATCHES 8

typedef struct
{
  SynthRun *self;
  GCancellable *cancellable;
  SynthSlotPlan *plan;
  GArray *pending;
  SynthOfflineEngine *engine;
  guint batch_size;
  guint n_batches;
  gint next_batch; /* atomic */
  gint stop;       /* atomic: an error or a cancel ends the pipeline */
  GMutex lock;
  GCond cond;
  GQueue ready; /* GPtrArray * batches, under lock */
} Pipeline;

static GPtrArray *
generate_batch (Pipeline *p, guint batch)
{
  guint at = batch * p->batch_size;
  guint end = MIN (at + p->batch_size, p->pending->len);
  GPtrArray *records = g_ptr_array_new_full (end - at, g_object_unref);

  for (guint k = at; k < end; k++)
    {
      guint index = g_array_index (p->pending, guint, k);
      const SynthSlot *slot = synth_slot_plan_get_slot (p->plan, index);
      SynthRecord *record = synth_offline_engine_generate (p->engine, slot);

      if (synth_bias_type_is_surface (slot->bias_type))
        synth_transform_apply (record, synth_transform_seed_for_slot (p->self->spec->seed, index));
      g_ptr_array_add (records, record);
    }
  return records;
}

static gpointer
generator_thread (gpointer data)
{
  Pipeline *p = data;

  for (;;)
    {
      guint batch;
      GPtrArray *records;

      if (g_atomic_int_get (&p->stop) || !wait_unpaused (p->self, p->cancellable))
        break;
      batch = (guint) g_atomic_int_add (&p->next_batch, 1);
      if (batch >= p->n_batches)
        break;
      records = generate_batch (p, batch);

      g_mutex_lock (&p->lock);
      while (g_queue_get_length (&p->ready) >= MAX_QUEUED_BATCHES && !g_atomic_int_get (&p->stop))
        g_cond_wait (&p->cond, &p->lock);
      g_queue_push_tail (&p->ready, records);
      g_cond_broadcast (&p->cond);
      g_mutex_unlock (&p->lock);
    }
  return NULL;
}

/* Next ready batch; NULL when cancelled (checked every 100 ms). */
static GPtrArray *
pipeline_pop (Pipeline *p)
{
  GPtrArray *records = NULL;

  g_mutex_lock (&p->lock);
  while ((records = g_queue_pop_head (&p->ready)) == NULL)
    {
      if (g_cancellable_is_cancelled (p->cancellable))
        break;
      g_cond_wait_until (&p->cond, &p->lock,
                         g_get_monotonic_time () + 100 * G_TIME_SPAN_MILLISECOND);
    }
  g_cond_broadcast (&p->cond);
  g_mutex_unlock (&p->lock);
  return records;
}

static void
pipeline_stop (Pipeline *p, GPtrArray *threads)
{
  g_atomic_int_set (&p->stop, 1);
  g_mutex_lock (&p->lock);
  g_cond_broadcast (&p->cond);
  g_mutex_unlock (&p->lock);
  /* Generators may be waiting on pause; the cond there times out every 100 ms. */
  for (guint i = 0; i < threads->len; i++)
    g_thread_join (threads->pdata[i]);
  g_queue_clear_full (&p->ready, (GDestroyNotify) g_ptr_array_unref);
}

static gboolean
pipeline_commit_all (Pipeline *p, GError **error)
{
  SynthRun *self = p->self;
  gboolean announce = g_signal_has_handler_pending (self, signals[BATCH_COMMITTED], 0, FALSE);

  for (guint committed = 0; committed < p->n_batches; committed++)
    {
      g_autoptr (GPtrArray) records = pipeline_pop (p);

      if (records == NULL)
        {
          g_set_error (error, SYNTH_ERROR, SYNTH_ERROR_CANCELLED,
                       _ ("Stopped; %u of %u records are saved"), synth_run_get_n_done (self),
                       self->n_total);
          return FALSE;
        }
      if (!synth_run_store_commit_batch (self->store, records, NULL, error))
        return FALSE;
      g_atomic_int_add ((gint *) &self->n_done, (gint) records->len);
      if (announce)
        post_records (self, records);
    }
  return TRUE;
}

static void
offline_worker (GTask *task, gpointer source_object, gpointer task_data, GCancellable *cancellable)
{
  SynthRun *self = source_object;
  g_autoptr (GError) error = NULL;
  g_autoptr (SynthSlotPlan) plan = NULL;
  g_autoptr (GArray) pending = NULL;
  g_autoptr (SynthOfflineEngine) engine = NULL;
  g_autoptr (GPtrArray) threads = g_ptr_array_new ();
  Pipeline p = { 0 };
  guint n_threads = CLAMP (g_get_num_processors (), 1, 8);
  gboolean ok;

  plan = synth_run_store_load_plan (self->store, &error);
  if (plan == NULL || !(pending = synth_run_store_list_pending (self->store, 0, &error)))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  engine = synth_offline_engine_new (self->spec->seed, synth_run_store_get_run_id (self->store));

  p.self = self;
  p.cancellable = cancellable;
  p.plan = plan;
  p.pending = pending;
  p.engine = engine;
  p.batch_size = MAX (1, self->spec->batch_size);
  p.n_batches = (pending->len + p.batch_size - 1) / p.batch_size;
  g_mutex_init (&p.lock);
  g_cond_init (&p.cond);
  g_queue_init (&p.ready);

  for (guint i = 0; i < MIN (n_threads, MAX (1, p.n_batches)); i++)
    g_ptr_array_add (threads, g_thread_new ("synth-offline", generator_thread, &p));

  ok = pipeline_commit_all (&p, &error);
  pipeline_stop (&p, threads);
  g_mutex_clear (&p.lock);
  g_cond_clear (&p.cond);

  if (ok)
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, g_steal_pointer (&error));
}

/* ---- the OpenAI-compatible provider (all on the main context) ------------ */

static void execute_done (GObject *source, GAsyncResult *result, gpointer user_data);

/* Already on the main context and grouped by the provider (a few tens of
 * milliseconds at most): announced at once, so records appear as they stream. */
static void
on_openai_records (SynthOpenaiProvider *provider, GPtrArray *records, SynthRun *self)
{
  g_atomic_int_add ((gint *) &self->n_done, (gint) records->len);
  g_signal_emit (self, signals[BATCH_COMMITTED], 0, records);
}

static void
on_openai_message (SynthOpenaiProvider *provider, const char *text, SynthRun *self)
{
  g_signal_emit (self, signals[MESSAGE], 0, text);
}

static void
openai_done (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) inner = user_data;
  SynthRun *self = g_task_get_source_object (inner);
  GError *error = NULL;

  g_signal_handlers_disconnect_by_data (source, self);
  g_clear_object (&self->openai);
  if (synth_openai_provider_run_finish (SYNTH_OPENAI_PROVIDER (source), result, &error))
    g_task_return_boolean (inner, TRUE);
  else
    g_task_return_error (inner, error);
}

static void
start_openai (SynthRun *self, GCancellable *cancellable, GTask *outer)
{
  g_autoptr (GTask) inner = g_task_new (self, cancellable, execute_done, outer);
  g_autoptr (GError) error = NULL;
  SynthOpenaiOptions options;

  g_task_set_source_tag (inner, start_openai);
  g_task_set_check_cancellable (inner, FALSE);
  if (self->has_openai_options)
    options = self->openai_options;
  else
    synth_openai_options_init (&options);
  options.api_key = self->api_key;
  self->openai = synth_openai_provider_new (self->store, &options, &error);
  if (self->openai == NULL)
    {
      g_task_return_error (inner, g_steal_pointer (&error));
      return;
    }
  g_signal_connect (self->openai, "records-committed", G_CALLBACK (on_openai_records), self);
  g_signal_connect (self->openai, "message", G_CALLBACK (on_openai_message), self);
  synth_openai_provider_set_paused (self->openai, self->paused);
  synth_openai_provider_run_async (self->openai, cancellable, openai_done,
                                   g_steal_pointer (&inner));
}

/* ---- execute ------------------------------------------------------------- */

static void
execute_done (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) outer = user_data;
  SynthRun *self = SYNTH_RUN (source);
  g_autoptr (GError) error = NULL;
  g_autoptr (SynthUsage) session = synth_usage_new ();

  /* Everything committed is announced before the run says it is over. */
  drain_outbox (self);
  if (self->progress_source)
    {
      g_source_destroy (self->progress_source);
      g_clear_pointer (&self->progress_source, g_source_unref);
    }

  session->wall_seconds = (g_get_monotonic_time () - self->started_us) / 1e6;
  synth_run_store_add_usage (self->store, session, NULL);

  if (g_task_propagate_boolean (G_TASK (result), &error))
    {
      synth_run_store_set_meta (self->store, "status", "finished", NULL);
      set_state (self, SYNTH_RUN_FINISHED);
      emit_progress (self);
      g_task_return_boolean (outer, TRUE);
      return;
    }

  if (g_error_matches (error, SYNTH_ERROR, SYNTH_ERROR_CANCELLED))
    {
      synth_run_store_set_meta (self->store, "status", "stopped", NULL);
      set_state (self, SYNTH_RUN_STOPPED);
    }
  else
    {
      synth_run_store_set_meta (self->store, "status", "failed", NULL);
      synth_run_store_set_meta (self->store, "message", error->message, NULL);
      set_state (self, SYNTH_RUN_FAILED);
    }
  emit_progress (self);
  g_task_return_error (outer, g_steal_pointer (&error));
}

void
synth_run_execute_async (SynthRun *self,
                         GCancellable *cancellable,
                         GAsyncReadyCallback callback,
                         gpointer user_data)
{
  g_autoptr (GTask) outer = NULL;
  g_autoptr (GTask) inner = NULL;

  g_return_if_fail (SYNTH_IS_RUN (self));

  outer = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (outer, synth_run_execute_async);
  /* The caller gets SYNTH_ERROR_CANCELLED, whose message says how much is
   * saved, not GTask's bare G_IO_ERROR_CANCELLED. */
  g_task_set_check_cancellable (outer, FALSE);

  if (self->state == SYNTH_RUN_RUNNING || self->state == SYNTH_RUN_PAUSED)
    {
      g_task_return_new_error (outer, SYNTH_ERROR, SYNTH_ERROR_FAILED,
                               _ ("This run is already generating"));
      return;
    }

  g_clear_pointer (&self->context, g_main_context_unref);
  self->context = g_main_context_ref_thread_default ();
  self->started_us = g_get_monotonic_time ();
  self->n_done = synth_run_store_count_done (self->store);
  self->n_done_at_start = self->n_done;
  self->rate = 0;
  self->eta = -1;
  synth_run_store_set_meta (self->store, "status", "running", NULL);
  set_state (self, self->paused ? SYNTH_RUN_PAUSED : SYNTH_RUN_RUNNING);

  self->progress_source = g_timeout_source_new (100);
  g_source_set_callback (self->progress_source, progress_tick, self, NULL);
  g_source_set_static_name (self->progress_source, "[synth] run progress");
  g_source_attach (self->progress_source, self->context);

  if (g_strcmp0 (self->spec->provider, "openai") == 0)
    {
      start_openai (self, cancellable, g_steal_pointer (&outer));
      return;
    }
  if (g_strcmp0 (self->spec->provider, "offline") != 0)
    {
      g_task_return_new_error (outer, SYNTH_ERROR, SYNTH_ERROR_INVALID_ARGUMENT,
                               _ ("The provider “%s” is not available in this build"),
                               self->spec->provider);
      set_state (self, SYNTH_RUN_FAILED);
      return;
    }

  inner = g_task_new (self, cancellable, execute_done, g_steal_pointer (&outer));
  g_task_set_source_tag (inner, offline_worker);
  /* Our own CANCELLED error says how much is saved; keep it. */
  g_task_set_check_cancellable (inner, FALSE);
  g_task_run_in_thread (inner, offline_worker);
}

gboolean
synth_run_execute_finish (SynthRun *self, GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

typedef struct
{
  gboolean done;
  gboolean ok;
  GError *error;
} SyncState;

static void
sync_done (GObject *source, GAsyncResult *result, gpointer user_data)
{
  SyncState *state = user_data;
  state->ok = synth_run_execute_finish (SYNTH_RUN (source), result, &state->error);
  state->done = TRUE;
}

gboolean
synth_run_execute (SynthRun *self, GCancellable *cancellable, GError **error)
{
  g_autoptr (GMainContext) context = g_main_context_new ();
  SyncState state = { 0 };

  g_main_context_push_thread_default (context);
  synth_run_execute_async (self, cancellable, sync_done, &state);
  while (!state.done)
    g_main_context_iteration (context, TRUE);
  /* Let the outbox and progress sources that hold refs run down. */
  while (g_main_context_iteration (context, FALSE))
    ;
  g_main_context_pop_thread_default (context);

  if (!state.ok)
    {
      g_propagate_error (error, state.error);
      return FALSE;
    }
  return TRUE;
}
