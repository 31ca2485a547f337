/* synth-window-run.c — the run behind the window: planning a new run,
 * generating it, opening or importing one, and feeding the table and the
 * statistics without blocking the main loop.
 *
 * Everything slow (planning millions of slots, writing them to SQLite,
 * loading a run, parsing a CSV, statistics) happens in worker threads. The
 * engine reports committed batches on the main thread; they are gathered and
 * spliced into the GListStore a few times a second, so the table grows in
 * large steps however fast records come. */
#include "config.h"

#include <errno.h>
#include <glib/gi18n.h>
#include <glib/gstdio.h>

#include "synth-csv.h"
#include "synth-error.h"
#include "synth-format.h"
#include "synth-openai-client.h"
#include "synth-openai-provider.h"
#include "synth-secret.h"
#include "synth-window-private.h"

/* How long committed records wait before they join the table. */
#define FLUSH_INTERVAL_MS 100

/* Statistics jobs */

typedef struct
{
  SynthStats *stats;
  GPtrArray *records;
} StatsJob;

static void
stats_worker (gpointer data, gpointer user_data)
{
  StatsJob *job = data;

  for (guint i = 0; i < job->records->len; i++)
    synth_stats_add_record (job->stats, job->records->pdata[i]);
  g_object_unref (job->stats);
  g_ptr_array_unref (job->records);
  g_free (job);
}

static void
queue_stats (SynthWindow *self, GPtrArray *records)
{
  StatsJob *job = g_new0 (StatsJob, 1);

  job->stats = g_object_ref (self->stats);
  job->records = g_ptr_array_ref (records);
  g_thread_pool_push (self->stats_pool, job, NULL);
}

/* The table */

static void
flush_pending (SynthWindow *self)
{
  g_clear_handle_id (&self->flush_source, g_source_remove);
  if (self->pending->len == 0)
    return;
  /* One splice for everything that arrived since the last flush. */
  g_list_store_splice (self->records, g_list_model_get_n_items (G_LIST_MODEL (self->records)), 0,
                       self->pending->pdata, self->pending->len);
  g_ptr_array_set_size (self->pending, 0);
  synth_stats_page_queue_update (self->stats_page);
}

static gboolean
flush_timeout (gpointer user_data)
{
  SynthWindow *self = user_data;

  self->flush_source = 0;
  flush_pending (self);
  return G_SOURCE_REMOVE;
}

static void
batch_committed_cb (SynthRun *run, GPtrArray *batch, SynthWindow *self)
{
  g_autoptr (GPtrArray) copy = g_ptr_array_new_full (batch->len, g_object_unref);

  for (guint i = 0; i < batch->len; i++)
    {
      g_ptr_array_add (self->pending, g_object_ref (batch->pdata[i]));
      g_ptr_array_add (copy, g_object_ref (batch->pdata[i]));
    }
  queue_stats (self, copy);
  if (self->flush_source == 0)
    self->flush_source = g_timeout_add (FLUSH_INTERVAL_MS, flush_timeout, self);
}

/* Progress line */

static void
update_progress (SynthWindow *self)
{
  g_autoptr (SynthUsage) usage = NULL;
  g_autofree char *done = NULL, *total = NULL, *tokens = NULL, *cost = NULL, *eta = NULL;
  g_autofree char *text = NULL;
  guint n_done, n_total;
  double rate, eta_seconds;

  if (self->run == NULL)
    return;

  n_done = synth_run_get_n_done (self->run);
  n_total = synth_run_get_n_total (self->run);
  rate = synth_run_get_records_per_second (self->run);
  eta_seconds = synth_run_get_eta_seconds (self->run);
  usage = synth_run_dup_usage (self->run);

  done = synth_format_count (n_done);
  total = synth_format_count (n_total);
  tokens = synth_format_count (usage->prompt_tokens + usage->completion_tokens);
  cost = synth_format_cost (usage->cost);
  eta = synth_format_duration (eta_seconds);
  /* Translators: the progress line, e.g.
   * "1,234 / 5,000 records · 812 per second · 0 tokens · $0.00 · 5 s left" */
  text = g_strdup_printf (_ ("%s / %s records · %.0f per second · %s tokens · %s · %s left"), done,
                          total, rate, tokens, cost, eta);
  gtk_label_set_text (self->progress_label, text);
  gtk_progress_bar_set_fraction (self->progress_bar, n_total > 0 ? (double) n_done / n_total : 0.0);
  synth_stats_set_usage (self->stats, usage);
}

static void
progress_cb (SynthRun *run, SynthWindow *self)
{
  update_progress (self);
}

static void
message_cb (SynthRun *run, const char *text, SynthWindow *self)
{
  gtk_label_set_text (self->progress_message, text);
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->progress_message), text);
}

/* Showing a run */

static void
set_title_for_store (SynthWindow *self)
{
  g_autofree char *source = NULL;
  g_autofree char *subtitle = NULL;

  if (self->store == NULL)
    {
      adw_view_switcher_title_set_subtitle (self->switcher_title, NULL);
      return;
    }
  source = synth_run_store_dup_meta (self->store, "source_csv");
  if (source != NULL)
    subtitle = g_path_get_basename (source);
  else
    /* Translators: the window subtitle, e.g. "Run 20250312-140211-a1b2". */
    subtitle = g_strdup_printf (_ ("Run %s"), synth_run_store_get_run_id (self->store));
  adw_view_switcher_title_set_subtitle (self->switcher_title, subtitle);
}

/* Replaces the run shown. @records (may be NULL) are its stored records and
 * @stats (may be NULL) their statistics, both computed off the main thread. */
static void
show_store (SynthWindow *self, SynthRunStore *store, GPtrArray *records, SynthStats *stats)
{
  g_clear_handle_id (&self->flush_source, g_source_remove);
  g_ptr_array_set_size (self->pending, 0);
  g_set_object (&self->store, store);

  g_clear_object (&self->stats);
  if (stats != NULL)
    self->stats = g_object_ref (stats);
  else
    {
      self->stats = synth_stats_new ();
      if (store != NULL)
        {
          g_autoptr (SynthRunSpec) spec = synth_run_store_dup_spec (store);
          synth_stats_set_spec (self->stats, spec);
          synth_stats_set_run_id (self->stats, synth_run_store_get_run_id (store));
        }
    }
  synth_stats_page_set_stats (self->stats_page, self->stats);

  g_list_store_splice (self->records, 0, g_list_model_get_n_items (G_LIST_MODEL (self->records)),
                       records != NULL ? records->pdata : NULL, records != NULL ? records->len : 0);
  set_title_for_store (self);
  synth_window_update_actions (self);
}

gboolean
synth_window_can_continue (SynthWindow *self)
{
  guint have;

  if (self->store == NULL || self->busy || self->pending == NULL)
    return FALSE;
  have = g_list_model_get_n_items (G_LIST_MODEL (self->records)) + self->pending->len;
  return have < synth_run_store_get_n_slots (self->store);
}

static void
run_error_response_cb (AdwMessageDialog *dialog, const char *response, SynthWindow *self)
{
  if (g_str_equal (response, "preferences"))
    gtk_widget_activate_action (GTK_WIDGET (self), "app.preferences", NULL);
}

/* Errors that stop a run get a dialog: they need reading, and often an
 * action. A missing or refused key offers the way to Preferences. */
static void
show_run_error (SynthWindow *self, const char *heading, const GError *error)
{
  AdwMessageDialog *dialog;
  gboolean about_key = g_error_matches (error, SYNTH_API_ERROR, SYNTH_API_ERROR_AUTH) ||
                       g_error_matches (error, SYNTH_API_ERROR, SYNTH_API_ERROR_PERMISSION) ||
                       g_error_matches (error, SYNTH_API_ERROR, SYNTH_API_ERROR_INSECURE) ||
                       g_error_matches (error, SYNTH_ERROR, SYNTH_ERROR_INVALID_ARGUMENT);

  dialog = ADW_MESSAGE_DIALOG (adw_message_dialog_new (GTK_WINDOW (self), heading, NULL));
  adw_message_dialog_set_body (dialog, error->message);
  adw_message_dialog_add_response (dialog, "close", _ ("_Close"));
  if (about_key)
    adw_message_dialog_add_response (dialog, "preferences", _ ("_Preferences"));
  adw_message_dialog_set_default_response (dialog, "close");
  adw_message_dialog_set_close_response (dialog, "close");
  g_signal_connect_object (dialog, "response", G_CALLBACK (run_error_response_cb), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

/* Generating */

static void
run_done (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (SynthWindow) self = user_data;
  SynthRun *run = SYNTH_RUN (source);
  g_autoptr (GError) error = NULL;
  gboolean ok = synth_run_execute_finish (run, result, &error);
  guint n_done = synth_run_get_n_done (run), n_total = synth_run_get_n_total (run);
  g_autofree char *done = synth_format_count (n_done);
  g_autofree char *total = synth_format_count (n_total);

  if (self->run != run)
    return; /* the window went away meanwhile */

  update_progress (self);
  flush_pending (self);
  g_signal_handlers_disconnect_by_data (run, self);
  g_clear_object (&self->run);
  g_clear_object (&self->cancellable);
  gtk_revealer_set_reveal_child (self->progress_revealer, FALSE);
  synth_window_set_busy (self, FALSE);
  synth_stats_page_queue_update (self->stats_page);

  if (self->close_when_idle)
    {
      gtk_window_destroy (GTK_WINDOW (self));
      return;
    }

  if (ok)
    {
      /* Translators: "Generated 500 records" */
      g_autofree char *text = g_strdup_printf (
          g_dngettext (GETTEXT_PACKAGE, "Generated %s record", "Generated %s records", n_done),
          done);
      synth_window_show_message (self, text);
    }
  else if (g_error_matches (error, SYNTH_ERROR, SYNTH_ERROR_CANCELLED) ||
           g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      g_autofree char *text =
          /* Translators: "Stopped: 120 of 500 records are saved. Continue Run generates the rest."
           */
          g_strdup_printf (
              _ ("Stopped: %s of %s records are saved. Continue Run generates the rest."), done,
              total);
      synth_window_show_message (self, text);
    }
  else
    show_run_error (self, _ ("Generation Stopped"), error);
}

static void
start_execution (SynthWindow *self, const char *api_key)
{
  g_autoptr (SynthRunSpec) spec = synth_run_store_dup_spec (self->store);

  g_return_if_fail (self->run == NULL);

  self->run = synth_run_new (self->store);
  if (api_key != NULL)
    synth_run_set_api_key (self->run, api_key);
  if (g_strcmp0 (spec->provider, "openai") == 0)
    {
      SynthOpenaiOptions options;
      double price_in, price_out;

      synth_openai_options_init (&options);
      options.requests_per_minute = g_settings_get_uint (self->settings, "requests-per-minute");
      options.tokens_per_minute = g_settings_get_uint (self->settings, "tokens-per-minute");
      synth_generate_form_get_prices (self->settings, spec->model, &price_in, &price_out);
      /* Unknown (0) lets the provider use its own table, or none. */
      options.price_in = price_in > 0 ? price_in : -1;
      options.price_out = price_out > 0 ? price_out : -1;
      synth_run_set_openai_options (self->run, &options);
    }
  g_signal_connect (self->run, "batch-committed", G_CALLBACK (batch_committed_cb), self);
  g_signal_connect (self->run, "progress", G_CALLBACK (progress_cb), self);
  g_signal_connect (self->run, "message", G_CALLBACK (message_cb), self);

  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();
  self->paused = FALSE;
  self->run_started_usec = g_get_monotonic_time ();
  gtk_label_set_text (self->progress_message, g_strcmp0 (spec->provider, "offline") == 0
                                                  ? _ ("Built-in engine")
                                                  : (spec->model ?: ""));
  gtk_revealer_set_reveal_child (self->progress_revealer, TRUE);
  synth_window_set_busy (self, TRUE);
  synth_window_update_actions (self);
  update_progress (self);

  synth_run_execute_async (self->run, self->cancellable, run_done, g_object_ref (self));
}

/* The key for a run's provider. OpenAI itself needs one; a compatible
 * endpoint (Ollama, llama.cpp…) often does not, so it goes ahead without. */
static void
key_lookup_done (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (SynthWindow) self = user_data;
  g_autoptr (GError) error = NULL;
  char *key = synth_secret_lookup_finish (result, &error);
  g_autoptr (SynthRunSpec) spec =
      self->store != NULL ? synth_run_store_dup_spec (self->store) : NULL;
  gboolean requires_key = spec != NULL && g_strcmp0 (spec->base_url, SYNTH_OPENAI_BASE_URL) == 0;

  if (self->store == NULL || self->run != NULL)
    {
      synth_secret_free (key);
      synth_window_set_busy (self, FALSE);
      return;
    }
  /* A server on this computer (Ollama, llama.cpp…) usually needs no key, so
   * a missing keyring does not stop it; if it does want one, its 401 says so. */
  if (key == NULL && error != NULL && !requires_key && spec != NULL &&
      synth_openai_base_url_is_loopback (spec->base_url))
    {
      g_debug ("No keyring (%s); starting the run on %s without a key", error->message,
               spec->base_url);
      g_clear_error (&error);
    }
  if (key == NULL && (error != NULL || requires_key))
    {
      g_autoptr (GError) missing = NULL;

      synth_window_set_busy (self, FALSE);
      if (error == NULL)
        missing = g_error_new_literal (
            SYNTH_ERROR, SYNTH_ERROR_INVALID_ARGUMENT,
            _ ("No OpenAI API key is stored. Add yours in Preferences (Ctrl+,), or choose the "
               "built-in offline engine, which needs no key. The run is saved: Continue Run starts "
               "it once the key is there."));
      show_run_error (self, _ ("An API Key Is Needed"), error != NULL ? error : missing);
      return;
    }
  start_execution (self, key);
  synth_secret_free (key);
}

static void
start_with_key (SynthWindow *self)
{
  g_autoptr (SynthRunSpec) spec = synth_run_store_dup_spec (self->store);

  if (g_strcmp0 (spec->provider, "offline") == 0)
    {
      start_execution (self, NULL);
      return;
    }
  synth_window_set_busy (self, TRUE);
  synth_secret_lookup_async (spec->base_url != NULL ? spec->base_url : SYNTH_OPENAI_BASE_URL, NULL,
                             key_lookup_done, g_object_ref (self));
}

/* Planning a new run: the plan and its slots in the run store (a big run is
 * millions of rows) are made in a thread. */
static void
create_run_thread (GTask *task, gpointer source, gpointer task_data, GCancellable *cancellable)
{
  SynthRunSpec *spec = task_data;
  g_autoptr (GError) error = NULL;
  g_autoptr (SynthSlotPlan) plan = synth_slot_plan_new_balanced (spec, &error);
  g_autofree char *dir = NULL, *run_id = NULL, *path = NULL;
  SynthRunStore *store;

  if (plan == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  dir = synth_run_store_get_default_dir ();
  run_id = synth_run_store_new_run_id ();
  path = synth_run_store_path_for_id (dir, run_id);
  store = synth_run_store_create (path, run_id, spec, plan, &error);
  if (store == NULL)
    g_task_return_error (task, g_steal_pointer (&error));
  else
    g_task_return_pointer (task, store, g_object_unref);
}

static void
create_run_done (GObject *source, GAsyncResult *result, gpointer user_data)
{
  SynthWindow *self = SYNTH_WINDOW (source);
  g_autoptr (GError) error = NULL;
  g_autoptr (SynthRunStore) store = g_task_propagate_pointer (G_TASK (result), &error);

  if (store == NULL)
    {
      synth_window_set_busy (self, FALSE);
      show_run_error (self, _ ("The Run Could Not Be Created"), error);
      return;
    }
  /* Still busy: the table keeps saying a run is being prepared. */
  show_store (self, store, NULL, NULL);
  start_with_key (self);
}

void
synth_window_generate (SynthWindow *self)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (SynthRunSpec) spec = NULL;
  g_autoptr (GTask) task = NULL;

  if (self->busy)
    return;
  spec = synth_generate_form_build_spec (self->form, &error);
  if (spec == NULL)
    {
      synth_window_toast_error (self, error);
      return;
    }

  show_store (self, NULL, NULL, NULL);
  synth_window_set_busy (self, TRUE);
  adw_view_stack_set_visible_child_name (self->view_stack, "records");

  task = g_task_new (self, NULL, create_run_done, NULL);
  g_task_set_source_tag (task, synth_window_generate);
  g_task_set_task_data (task, g_steal_pointer (&spec), (GDestroyNotify) synth_run_spec_free);
  g_task_run_in_thread (task, create_run_thread);
}

void
synth_window_continue_run (SynthWindow *self)
{
  if (!synth_window_can_continue (self))
    return;
  adw_view_stack_set_visible_child_name (self->view_stack, "records");
  start_with_key (self);
}

void
synth_window_stop (SynthWindow *self)
{
  if (self->run == NULL || self->cancellable == NULL)
    return;
  /* A paused run holds its batches back: let them go so it can settle. */
  if (self->paused)
    synth_run_resume (self->run);
  gtk_label_set_text (self->progress_message, _ ("Stopping after the batches in flight…"));
  g_cancellable_cancel (self->cancellable);
}

void
synth_window_pause (SynthWindow *self)
{
  if (self->run == NULL || self->paused)
    return;
  synth_run_pause (self->run);
  self->paused = TRUE;
  gtk_label_set_text (self->progress_message, _ ("Paused"));
  synth_window_update_actions (self);
}

void
synth_window_resume (SynthWindow *self)
{
  if (self->run == NULL || !self->paused)
    return;
  synth_run_resume (self->run);
  self->paused = FALSE;
  gtk_label_set_text (self->progress_message, "");
  synth_window_update_actions (self);
}

/* Opening a run or a CSV: records and statistics are read in a thread. */

typedef struct
{
  char *path; /* the run store, or the CSV */
  gboolean is_csv;
  gboolean resume; /* continue generating once open */
  SynthRunStore *store;
  GPtrArray *records;
  SynthStats *stats;
} OpenData;

static void
open_data_free (OpenData *data)
{
  g_free (data->path);
  g_clear_object (&data->store);
  g_clear_pointer (&data->records, g_ptr_array_unref);
  g_clear_object (&data->stats);
  g_free (data);
}

static gboolean
open_store_in_thread (OpenData *data, GError **error)
{
  if (data->is_csv)
    {
      g_autoptr (GPtrArray) records = synth_csv_read_all_records (data->path, error);
      g_autofree char *dir = NULL, *run_id = NULL, *path = NULL;

      if (records == NULL)
        return FALSE;
      if (records->len == 0)
        {
          g_set_error (error, SYNTH_ERROR, SYNTH_ERROR_PARSE,
                       _ ("“%s” has a header but no records. Open a CSV with at least one row."),
                       data->path);
          return FALSE;
        }
      dir = synth_run_store_get_default_dir ();
      run_id = synth_run_store_new_run_id ();
      path = synth_run_store_path_for_id (dir, run_id);
      data->store = synth_run_store_import (path, run_id, records, data->path, error);
      if (data->store == NULL)
        return FALSE;
    }
  else
    {
      data->store = synth_run_store_open (data->path, error);
      if (data->store == NULL)
        return FALSE;
    }
  /* Records come back from the store so their indices are the stored ones. */
  data->records = synth_run_store_load_records (data->store, 0, 0, error);
  return data->records != NULL;
}

static void
open_thread (GTask *task, gpointer source, gpointer task_data, GCancellable *cancellable)
{
  OpenData *data = task_data;
  g_autoptr (GError) error = NULL;
  g_autoptr (SynthRunSpec) spec = NULL;
  g_autoptr (SynthUsage) usage = NULL;

  if (!open_store_in_thread (data, &error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  data->stats = synth_stats_new ();
  spec = synth_run_store_dup_spec (data->store);
  usage = synth_run_store_dup_usage (data->store);
  if (spec != NULL && !data->is_csv)
    synth_stats_set_spec (data->stats, spec);
  if (usage != NULL)
    synth_stats_set_usage (data->stats, usage);
  synth_stats_set_run_id (data->stats, synth_run_store_get_run_id (data->store));
  for (guint i = 0; i < data->records->len; i++)
    synth_stats_add_record (data->stats, data->records->pdata[i]);
  g_task_return_boolean (task, TRUE);
}

static void
open_done (GObject *source, GAsyncResult *result, gpointer user_data)
{
  SynthWindow *self = SYNTH_WINDOW (source);
  OpenData *data = g_task_get_task_data (G_TASK (result));
  g_autoptr (GError) error = NULL;

  synth_window_set_busy (self, FALSE);
  if (!g_task_propagate_boolean (G_TASK (result), &error))
    {
      show_run_error (self,
                      data->is_csv ? _ ("The CSV Could Not Be Opened")
                                   : _ ("The Run Could Not Be Opened"),
                      error);
      return;
    }
  show_store (self, data->store, data->records, data->stats);
  if (data->is_csv)
    {
      g_autofree char *count = synth_format_count (data->records->len);
      /* Translators: "Opened 1,000 records for review" */
      g_autofree char *text =
          g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "Opened %s record for review",
                                        "Opened %s records for review", data->records->len),
                           count);
      synth_window_show_message (self, text);
    }
  if (data->resume)
    synth_window_continue_run (self);
}

static void
open_async (SynthWindow *self, const char *path, gboolean is_csv, gboolean resume)
{
  g_autoptr (GTask) task = NULL;
  OpenData *data;

  if (self->busy)
    return;
  data = g_new0 (OpenData, 1);
  data->path = g_strdup (path);
  data->is_csv = is_csv;
  data->resume = resume;

  show_store (self, NULL, NULL, NULL);
  synth_window_set_busy (self, TRUE);
  adw_view_stack_set_visible_child_name (self->view_stack, "records");
  task = g_task_new (self, NULL, open_done, NULL);
  g_task_set_source_tag (task, open_async);
  g_task_set_task_data (task, data, (GDestroyNotify) open_data_free);
  g_task_run_in_thread (task, open_thread);
}

void
synth_window_open_csv (SynthWindow *self, GFile *file)
{
  g_autofree char *path = g_file_get_path (file);

  g_return_if_fail (SYNTH_IS_WINDOW (self));

  if (path == NULL)
    {
      synth_window_show_message (self, _ ("Only local files can be opened."));
      return;
    }
  open_async (self, path, TRUE, FALSE);
}

void
synth_window_open_run (SynthWindow *self, const char *path, gboolean resume)
{
  g_return_if_fail (SYNTH_IS_WINDOW (self));
  open_async (self, path, FALSE, resume);
}

/* The offer to resume an unfinished run */

static void
list_runs_thread (GTask *task, gpointer source, gpointer task_data, GCancellable *cancellable)
{
  g_autoptr (GError) error = NULL;
  GPtrArray *runs = synth_run_store_list_runs (NULL, &error);

  if (runs == NULL)
    g_task_return_error (task, g_steal_pointer (&error));
  else
    g_task_return_pointer (task, runs, (GDestroyNotify) g_ptr_array_unref);
}

static void
discard_run (SynthWindow *self, const char *path)
{
  const char *suffixes[] = { "", "-wal", "-shm" };

  for (guint i = 0; i < G_N_ELEMENTS (suffixes); i++)
    {
      g_autofree char *file = g_strconcat (path, suffixes[i], NULL);

      if (g_unlink (file) != 0 && errno != ENOENT)
        {
          g_autofree char *text =
              g_strdup_printf (_ ("Could not delete “%s”: %s"), file, g_strerror (errno));
          synth_window_show_message (self, text);
          return;
        }
    }
  synth_window_show_message (self, _ ("The unfinished run was discarded."));
}

static void
offer_response_cb (AdwMessageDialog *dialog, const char *response, SynthWindow *self)
{
  const char *path = g_object_get_data (G_OBJECT (dialog), "run-path");

  if (g_str_equal (response, "resume"))
    synth_window_open_run (self, path, TRUE);
  else if (g_str_equal (response, "open"))
    synth_window_open_run (self, path, FALSE);
  else if (g_str_equal (response, "discard"))
    discard_run (self, path);
}

static void
offer_run (SynthWindow *self, SynthRunInfo *info, guint n_unfinished)
{
  AdwMessageDialog *dialog;
  g_autoptr (GDateTime) created = g_date_time_new_from_unix_local (info->created);
  g_autofree char *when = g_date_time_format (created, "%x %X");
  g_autofree char *done = synth_format_count (info->n_done);
  g_autofree char *total = synth_format_count (info->n_slots);
  g_autofree char *body = NULL;

  /* Translators: "The run of 12/03/2025 14:02:11 stopped at 1,234 of 5,000 records." */
  body =
      g_strdup_printf (_ ("The run of %s stopped at %s of %s records. Resume generates the rest; "
                          "Discard deletes it and its records."),
                       when, done, total);
  if (n_unfinished > 1)
    {
      g_autofree char *more = g_strdup_printf (
          g_dngettext (GETTEXT_PACKAGE, "%s\n\nOne more unfinished run will be offered next time.",
                       "%s\n\n%u more unfinished runs will be offered next time.",
                       n_unfinished - 1),
          body, n_unfinished - 1);
      g_free (body);
      body = g_steal_pointer (&more);
    }

  dialog = ADW_MESSAGE_DIALOG (
      adw_message_dialog_new (GTK_WINDOW (self), _ ("Resume the Unfinished Run?"), body));
  adw_message_dialog_add_responses (dialog, "discard", _ ("_Discard"), "later", _ ("_Not Now"),
                                    "open", _ ("_Open"), "resume", _ ("_Resume"), NULL);
  adw_message_dialog_set_response_appearance (dialog, "discard", ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_response_appearance (dialog, "resume", ADW_RESPONSE_SUGGESTED);
  adw_message_dialog_set_default_response (dialog, "resume");
  adw_message_dialog_set_close_response (dialog, "later");
  g_object_set_data_full (G_OBJECT (dialog), "run-path", g_strdup (info->path), g_free);
  g_signal_connect_object (dialog, "response", G_CALLBACK (offer_response_cb), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
list_runs_done (GObject *source, GAsyncResult *result, gpointer user_data)
{
  SynthWindow *self = SYNTH_WINDOW (source);
  g_autoptr (GPtrArray) runs = g_task_propagate_pointer (G_TASK (result), NULL);
  SynthRunInfo *newest = NULL;
  guint n_unfinished = 0;

  /* No runs directory yet, or nothing readable: nothing to offer. */
  if (runs == NULL || self->busy || self->store != NULL)
    return;
  for (guint i = 0; i < runs->len; i++)
    {
      SynthRunInfo *info = runs->pdata[i];

      if (info->n_done >= info->n_slots)
        continue;
      n_unfinished++;
      if (newest == NULL) /* the list is newest first */
        newest = info;
    }
  if (newest != NULL)
    offer_run (self, newest, n_unfinished);
}

void
synth_window_offer_unfinished_runs (SynthWindow *self)
{
  g_autoptr (GTask) task = NULL;

  g_return_if_fail (SYNTH_IS_WINDOW (self));

  task = g_task_new (self, NULL, list_runs_done, NULL);
  g_task_set_source_tag (task, synth_window_offer_unfinished_runs);
  g_task_run_in_thread (task, list_runs_thread);
}

/* Life cycle */

void
synth_window_run_init (SynthWindow *self)
{
  self->records = g_list_store_new (SYNTH_TYPE_RECORD);
  self->pending = g_ptr_array_new_with_free_func (g_object_unref);
  self->stats = synth_stats_new ();
  /* One worker: records reach the statistics in the order they came. */
  self->stats_pool = g_thread_pool_new (stats_worker, NULL, 1, FALSE, NULL);
  synth_stats_page_set_stats (self->stats_page, self->stats);
}

void
synth_window_run_dispose (SynthWindow *self)
{
  if (self->run != NULL)
    {
      g_signal_handlers_disconnect_by_data (self->run, self);
      g_clear_object (&self->run);
    }
  if (self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_handle_id (&self->flush_source, g_source_remove);
  if (self->stats_pool != NULL)
    {
      g_thread_pool_free (self->stats_pool, FALSE, TRUE);
      self->stats_pool = NULL;
    }
  g_clear_pointer (&self->pending, g_ptr_array_unref);
  g_clear_object (&self->records);
  g_clear_object (&self->stats);
  g_clear_object (&self->store);
}
