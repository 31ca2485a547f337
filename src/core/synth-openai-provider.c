/* synth-openai-provider.c — the scheduler between a run store and an
 * OpenAI-compatible endpoint.
 *
 * Work is a queue of batches of slot indexes. pump() sends the head batch
 * whenever the concurrency limit, the rate limiter and the budget allow, or
 * arms one timer for when they will. Records arrive one by one while a batch
 * streams; they are transformed, their fairness counterfactuals derived, and
 * committed within a few tens of milliseconds. When a request ends, what
 * its answer did not fill goes back into the queue (split in two after a
 * "length" stop), after a backoff if the request failed. */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "synth-corpus.h"
#include "synth-error.h"
#include "synth-openai-client.h"
#include "synth-openai-provider.h"
#include "synth-rng.h"
#include "synth-secret.h"
#include "synth-transform.h"

/* The seed streams: the same as the offline path's, so a surface bias is
 * the same whichever provider wrote the text. */
#define FAIRNESS_NAME_STREAM G_GUINT64_CONSTANT (0x666169726e616d65)
#define JITTER_STREAM G_GUINT64_CONSTANT (0x6a6974746572)

/* Records wait at most this long (or for this many more) before a commit. */
#define FLUSH_DELAY_MS 40
#define FLUSH_RECORDS 32
/* The cost of a request is reserved with this margin before it is sent. */
#define COST_MARGIN 1.2
#define DEFAULT_MAX_ATTEMPTS 8

typedef enum
{
  SLOT_PENDING,
  SLOT_DERIVED_LATER, /* a fairness member waiting for its group's first record */
  SLOT_DONE,
} SlotState;

typedef struct
{
  GArray *slots;     /* guint plan indexes */
  gint64 not_before; /* monotonic µs */
  guint attempt;     /* failed tries so far: the backoff exponent */
} Work;

typedef struct
{
  SynthOpenaiProvider *self;
  Work *work;
  SynthOpenaiCompletion *completion;
  guint64 admission_tokens;
  double reserved_cost;
  gint64 sent_at; /* monotonic µs */
} Request;

struct _SynthOpenaiProvider
{
  GObject parent_instance;

  SynthRunStore *store;
  SynthRunSpec *spec;
  SynthSlotPlan *plan;
  char *run_id;
  char *api_key;
  SynthOpenaiOptions options;
  double price_in, price_out;
  SynthOpenaiClient *client;
  SynthRateLimiter *limiter;
  SynthRng jitter_rng;

  guint8 *state;      /* SlotState per plan index */
  guint8 *attempts;   /* failed answers per slot */
  GHashTable *groups; /* fairness group → GArray of member indexes */
  GQueue queue;       /* Work * */
  guint n_left;       /* slots not done */
  guint in_flight;
  double reserved_cost;       /* of the requests in flight */
  double spent_cost;          /* the whole run's, earlier sessions included */
  double completion_per_slot; /* observed, 0 until known */

  /* A server that answers nothing at all: run-wide tries, not slot attempts. */
  guint unreachable_tries;  /* in a row, since the last HTTP answer */
  gint64 unreachable_mark;  /* when the last try failed (monotonic µs) */
  gint64 unreachable_until; /* no request before this */

  GPtrArray *to_commit; /* SynthRecord * */
  SynthUsage *usage_to_commit;
  SynthUsage *session_usage;
  GSource *flush_source;
  gboolean committed_any;
  GSource *pump_source;
  gint64 pump_at;

  GTask *task;
  GCancellable *cancellable; /* ours: stops the requests in flight */
  GSource *cancel_source;    /* watches the caller's cancellable */
  gboolean cancelled;
  gboolean paused;
  GError *stop_error; /* why the run stops, first one wins */
};

enum
{
  SIGNAL_RECORDS_COMMITTED,
  SIGNAL_USAGE_COMMITTED,
  SIGNAL_MESSAGE,
  SIGNAL_RATE_LIMITED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (SynthOpenaiProvider, synth_openai_provider, G_TYPE_OBJECT)

static void pump (SynthOpenaiProvider *self);

/* ---- options, prices, estimates --------------------------------------------- */

void
synth_openai_options_init (SynthOpenaiOptions *options)
{
  memset (options, 0, sizeof *options);
  options->price_in = -1;
  options->price_out = -1;
  options->stream = TRUE;
  options->max_attempts = DEFAULT_MAX_ATTEMPTS;
  options->temperature = 0.9;
  options->budget = -1;
}

void
synth_openai_options_save_to_spec (const SynthOpenaiOptions *options, SynthRunSpec *spec)
{
  g_return_if_fail (options != NULL && spec != NULL);
  if (options->requests_per_minute > 0)
    spec->requests_per_minute = options->requests_per_minute;
  if (options->tokens_per_minute > 0)
    spec->tokens_per_minute = options->tokens_per_minute;
  if (options->timeout_ms > 0)
    spec->timeout_ms = MIN (options->timeout_ms, SYNTH_TIMEOUT_MS_MAX);
  if (options->price_in >= 0)
    spec->price_in = options->price_in;
  if (options->price_out >= 0)
    spec->price_out = options->price_out;
}

/* What @options leaves unset comes from the spec, where the run keeps what
 * it was given when it started. */
static void
resolve_options (SynthOpenaiOptions *options, const SynthRunSpec *spec)
{
  if (options->requests_per_minute <= 0)
    options->requests_per_minute = spec->requests_per_minute;
  if (options->tokens_per_minute <= 0)
    options->tokens_per_minute = spec->tokens_per_minute;
  if (options->timeout_ms == 0)
    options->timeout_ms = spec->timeout_ms;
  if (options->price_in < 0)
    options->price_in = spec->price_in;
  if (options->price_out < 0)
    options->price_out = spec->price_out;
  if (options->max_attempts == 0)
    options->max_attempts = DEFAULT_MAX_ATTEMPTS;
}

/* USD per 1M tokens, standard tier; longest prefix first where they nest. */
static const struct
{
  const char *prefix;
  double in, out;
} price_table[] = {
  { "gpt-4o-mini", 0.15, 0.60 },   { "gpt-4o", 2.50, 10.00 }, { "gpt-4.1-nano", 0.10, 0.40 },
  { "gpt-4.1-mini", 0.40, 1.60 },  { "gpt-4.1", 2.00, 8.00 }, { "gpt-4-turbo", 10.00, 30.00 },
  { "gpt-3.5-turbo", 0.50, 1.50 }, { "o4-mini", 1.10, 4.40 }, { "o3-mini", 1.10, 4.40 },
  { "o1-mini", 1.10, 4.40 },
};

gboolean
synth_openai_lookup_price (const char *model, double *out_price_in, double *out_price_out)
{
  *out_price_in = *out_price_out = 0;
  for (guint i = 0; model != NULL && i < G_N_ELEMENTS (price_table); i++)
    if (g_str_has_prefix (model, price_table[i].prefix))
      {
        *out_price_in = price_table[i].in;
        *out_price_out = price_table[i].out;
        return TRUE;
      }
  return FALSE;
}

static double
cost_of (double price_in, double price_out, guint64 prompt, guint64 completion)
{
  return (prompt * price_in + completion * price_out) / 1e6;
}

double
synth_openai_estimate_cost (SynthSlotPlan *plan,
                            GArray *slot_indexes,
                            guint batch_size,
                            const char *model,
                            double price_in,
                            double price_out,
                            guint64 *out_prompt_tokens,
                            guint64 *out_completion_tokens)
{
  g_autofree SynthSlot *batch = g_new (SynthSlot, MAX (batch_size, 1));
  SynthPromptOptions options;
  guint64 prompt = 0, completion = 0;
  guint n = 0;

  synth_prompt_options_init (&options);
  options.model = model != NULL ? model : "";
  batch_size = MAX (batch_size, 1);
  for (guint i = 0; i <= slot_indexes->len; i++)
    {
      if (n > 0 && (n == batch_size || i == slot_indexes->len))
        {
          guint64 p = 0, c = 0;
          options.max_tokens = synth_prompt_suggest_max_tokens (batch, n, 0);
          synth_prompt_estimate_tokens (&options, batch, n, &p, &c);
          prompt += p;
          completion += c;
          n = 0;
        }
      if (i < slot_indexes->len)
        {
          const SynthSlot *slot =
              synth_slot_plan_get_slot (plan, g_array_index (slot_indexes, guint, i));
          /* Fairness members are derived locally: only first members cost. */
          if (slot->group == SYNTH_NO_GROUP || slot->variant == 0)
            batch[n++] = *slot;
        }
    }
  if (out_prompt_tokens != NULL)
    *out_prompt_tokens = prompt;
  if (out_completion_tokens != NULL)
    *out_completion_tokens = completion;
  return cost_of (price_in, price_out, prompt, completion);
}

/* ---- lifecycle -------------------------------------------------------------- */

static void
work_free (Work *work)
{
  g_array_unref (work->slots);
  g_free (work);
}

static void
synth_openai_provider_finalize (GObject *object)
{
  SynthOpenaiProvider *self = SYNTH_OPENAI_PROVIDER (object);

  g_assert (self->in_flight == 0);
  if (self->cancel_source != NULL)
    g_source_destroy (self->cancel_source);
  g_clear_pointer (&self->cancel_source, g_source_unref);
  if (self->flush_source != NULL)
    g_source_destroy (self->flush_source);
  g_clear_pointer (&self->flush_source, g_source_unref);
  if (self->pump_source != NULL)
    g_source_destroy (self->pump_source);
  g_clear_pointer (&self->pump_source, g_source_unref);
  g_queue_clear_full (&self->queue, (GDestroyNotify) work_free);
  g_clear_pointer (&self->groups, g_hash_table_unref);
  g_clear_pointer (&self->to_commit, g_ptr_array_unref);
  g_clear_pointer (&self->usage_to_commit, synth_usage_free);
  g_clear_pointer (&self->session_usage, synth_usage_free);
  g_clear_pointer (&self->limiter, synth_rate_limiter_free);
  g_clear_object (&self->client);
  g_clear_object (&self->cancellable);
  g_clear_error (&self->stop_error);
  g_free (self->state);
  g_free (self->attempts);
  g_clear_pointer (&self->api_key, synth_secret_free);
  g_free (self->run_id);
  g_clear_pointer (&self->plan, synth_slot_plan_unref);
  g_clear_pointer (&self->spec, synth_run_spec_free);
  g_clear_object (&self->store);
  G_OBJECT_CLASS (synth_openai_provider_parent_class)->finalize (object);
}

static void
synth_openai_provider_class_init (SynthOpenaiProviderClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = synth_openai_provider_finalize;
  signals[SIGNAL_RECORDS_COMMITTED] =
      g_signal_new ("records-committed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL,
                    NULL, NULL, G_TYPE_NONE, 1, G_TYPE_POINTER);
  signals[SIGNAL_USAGE_COMMITTED] =
      g_signal_new ("usage-committed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                    NULL, G_TYPE_NONE, 1, G_TYPE_POINTER);
  signals[SIGNAL_MESSAGE] = g_signal_new ("message", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                          0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);
  signals[SIGNAL_RATE_LIMITED] =
      g_signal_new ("rate-limited", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                    NULL, G_TYPE_NONE, 1, G_TYPE_INT64);
}

static void
synth_openai_provider_init (SynthOpenaiProvider *self)
{
  g_queue_init (&self->queue);
  self->to_commit = g_ptr_array_new_with_free_func (g_object_unref);
  self->usage_to_commit = synth_usage_new ();
  self->session_usage = synth_usage_new ();
  self->cancellable = g_cancellable_new ();
}

static void emit_message (SynthOpenaiProvider *self, const char *format, ...) G_GNUC_PRINTF (2, 3);

static void
emit_message (SynthOpenaiProvider *self, const char *format, ...)
{
  g_autofree char *text = NULL;
  g_autofree char *safe = NULL;
  va_list args;

  va_start (args, format);
  text = g_strdup_vprintf (format, args);
  va_end (args);
  safe = synth_secret_redact (text, self->api_key);
  g_debug ("%s", safe);
  g_signal_emit (self, signals[SIGNAL_MESSAGE], 0, safe);
}

SynthOpenaiProvider *
synth_openai_provider_new (SynthRunStore *store, const SynthOpenaiOptions *options, GError **error)
{
  g_autoptr (SynthOpenaiProvider) self = NULL;
  g_autoptr (SynthUsage) stored = NULL;
  SynthOpenaiOptions defaults;
  guint concurrency;

  g_return_val_if_fail (SYNTH_IS_RUN_STORE (store), NULL);
  if (options == NULL)
    {
      synth_openai_options_init (&defaults);
      options = &defaults;
    }
  self = g_object_new (SYNTH_TYPE_OPENAI_PROVIDER, NULL);
  self->store = g_object_ref (store);
  self->spec = synth_run_store_dup_spec (store);
  self->run_id = g_strdup (synth_run_store_get_run_id (store));
  self->api_key =
      options->api_key != NULL && *options->api_key != '\0' ? g_strdup (options->api_key) : NULL;
  if (options->budget >= 0)
    self->spec->budget = options->budget;
  self->options = *options;
  self->options.api_key = NULL;
  resolve_options (&self->options, self->spec);
  options = &self->options;
  if (self->spec->model == NULL || *self->spec->model == '\0')
    {
      g_set_error (error, SYNTH_ERROR, SYNTH_ERROR_INVALID_ARGUMENT,
                   _ ("No model was chosen for the OpenAI-compatible provider. Name one with "
                      "--model (for example gpt-4o-mini) or in Preferences."));
      return NULL;
    }
  synth_openai_lookup_price (self->spec->model, &self->price_in, &self->price_out);
  if (options->price_in >= 0)
    self->price_in = options->price_in;
  if (options->price_out >= 0)
    self->price_out = options->price_out;
  if (self->spec->budget > 0 && self->price_in <= 0 && self->price_out <= 0)
    {
      g_set_error (error, SYNTH_ERROR, SYNTH_ERROR_INVALID_ARGUMENT,
                   _ ("A budget needs prices, and the price of “%s” is not known. Give the "
                      "prices per million tokens with --price-in and --price-out."),
                   self->spec->model);
      return NULL;
    }
  concurrency = CLAMP (self->spec->concurrency, 1, SYNTH_CONCURRENCY_MAX);
  self->client = synth_openai_client_new (self->spec->base_url, self->api_key, concurrency,
                                          options->timeout_ms, error);
  if (self->client == NULL)
    return NULL;
  if ((self->plan = synth_run_store_load_plan (store, error)) == NULL)
    return NULL;
  self->limiter = synth_rate_limiter_new (options->requests_per_minute, options->tokens_per_minute,
                                          concurrency, g_get_monotonic_time ());
  synth_rng_init (&self->jitter_rng,
                  synth_rng_mix (self->spec->seed ^ JITTER_STREAM, (guint64) g_get_real_time ()));
  stored = synth_run_store_dup_usage (store);
  self->spent_cost = stored != NULL ? stored->cost : 0;
  return g_steal_pointer (&self);
}

void
synth_openai_provider_set_paused (SynthOpenaiProvider *self, gboolean paused)
{
  g_return_if_fail (SYNTH_IS_OPENAI_PROVIDER (self));
  self->paused = !!paused;
  if (!self->paused)
    pump (self);
}

SynthUsage *
synth_openai_provider_dup_usage (SynthOpenaiProvider *self)
{
  g_return_val_if_fail (SYNTH_IS_OPENAI_PROVIDER (self), NULL);
  return synth_usage_copy (self->session_usage);
}

guint
synth_openai_provider_get_concurrency (SynthOpenaiProvider *self)
{
  g_return_val_if_fail (SYNTH_IS_OPENAI_PROVIDER (self), 0);
  return synth_rate_limiter_get_concurrency (self->limiter);
}

/* ---- fairness counterfactuals ------------------------------------------------ */

static guint
group_leader (SynthOpenaiProvider *self, guint group)
{
  GArray *members = g_hash_table_lookup (self->groups, GUINT_TO_POINTER (group));

  for (guint i = 0; members != NULL && i < members->len; i++)
    {
      guint index = g_array_index (members, guint, i);
      if (synth_slot_plan_get_slot (self->plan, index)->variant == 0)
        return index;
    }
  return G_MAXUINT;
}

/* Replaces every whole-word @from in @text by @to; only inside e-mail-like
 * words when @in_email. */
static char *
replace_word (const char *text, const char *from, const char *to, gboolean in_email)
{
  GString *out = g_string_new (NULL);
  gsize from_len = strlen (from);
  const char *p = text;

  if (from_len == 0)
    {
      g_string_append (out, text);
      return g_string_free (out, FALSE);
    }
  while (*p != '\0')
    {
      const char *hit = strstr (p, from);
      gboolean word_start, word_end, email = TRUE;

      if (hit == NULL)
        break;
      word_start = hit == text || !g_unichar_isalnum (g_utf8_get_char (g_utf8_prev_char (hit)));
      word_end = !g_unichar_isalnum (g_utf8_get_char (hit + from_len));
      if (in_email)
        {
          const char *ws = hit, *we = hit;
          while (ws > text && !g_ascii_isspace (ws[-1]))
            ws--;
          while (*we != '\0' && !g_ascii_isspace (*we))
            we++;
          email = memchr (ws, '@', we - ws) != NULL;
        }
      g_string_append_len (out, p, hit - p);
      g_string_append (out, word_start && word_end && email ? to : from);
      p = hit + from_len;
    }
  g_string_append (out, p);
  return g_string_free (out, FALSE);
}

static char *
strip_to_email_form (const char *word)
{
  g_autofree char *lower = g_utf8_strdown (word, -1);
  return g_str_to_ascii (lower, "C");
}

/* @text with the person renamed: the full name, the given and family names
 * on their own, and their lower-case forms inside e-mail addresses. */
static char *
swap_name (const char *text, const char *old_name, const char *new_name)
{
  g_auto (GStrv) old_parts = g_strsplit (old_name, " ", -1);
  g_auto (GStrv) new_parts = g_strsplit (new_name, " ", -1);
  guint n_old = g_strv_length (old_parts), n_new = g_strv_length (new_parts);
  char *result = replace_word (text, old_name, new_name, FALSE);

  if (n_old >= 2 && n_new >= 2)
    {
      const char *pairs[2][2] = { { old_parts[0], new_parts[0] },
                                  { old_parts[n_old - 1], new_parts[n_new - 1] } };
      for (guint i = 0; i < 2; i++)
        {
          g_autofree char *from_mail = strip_to_email_form (pairs[i][0]);
          g_autofree char *to_mail = strip_to_email_form (pairs[i][1]);
          char *next;

          if (strlen (pairs[i][0]) < 2)
            continue;
          next = replace_word (result, pairs[i][0], pairs[i][1], FALSE);
          g_free (result);
          result = replace_word (next, from_mail, to_mail, TRUE);
          g_free (next);
        }
    }
  return result;
}

static char *
pick_name (SynthOpenaiProvider *self, const SynthSlot *slot, const char *avoid)
{
  const SynthCorpusRegion *region = &synth_corpus_get_default ()->regions[slot->region];
  SynthRng rng;
  char *name = NULL;

  synth_rng_init (&rng, synth_rng_mix (self->spec->seed ^ FAIRNESS_NAME_STREAM, slot->index));
  for (guint tries = 0; tries < 8; tries++)
    {
      g_free (name);
      name = g_strdup_printf ("%s %s",
                              synth_rng_pick (&rng, (const char *const *) region->given_names),
                              synth_rng_pick (&rng, (const char *const *) region->family_names));
      if (g_strcmp0 (name, avoid) != 0)
        break;
    }
  return name;
}

static SynthRecord *
derive_member (SynthOpenaiProvider *self, SynthRecord *leader, const SynthSlot *slot)
{
  SynthRecord *record = synth_record_copy (leader);
  const char *old_name = synth_record_get_name (leader);
  g_autofree char *name = pick_name (self, slot, old_name);
  g_autofree char *record_id = g_strdup_printf ("%s-%07u", self->run_id, slot->index);
  g_autofree char *resume = swap_name (synth_record_get_resume_text (leader), old_name, name);
  g_autofree char *detail = NULL;
  const char *region_id = synth_region_ids ()[slot->region];

  detail =
      g_strdup_printf ("fairness/%s: counterfactual of %s with a name from %s (%s → %s)",
                       synth_slot_get_subtype_id (slot), synth_record_get_record_id (leader),
                       synth_corpus_get_default ()->regions[slot->region].name, old_name, name);
  synth_record_set_index (record, slot->index);
  synth_record_set_record_id (record, record_id);
  synth_record_set_name (record, name);
  synth_record_set_resume_text (record, resume);
  synth_record_set_region (record, region_id);
  synth_record_set_bias_detail (record, detail);
  synth_record_set_review_status (record, SYNTH_REVIEW_UNREVIEWED);
  return record;
}

/* Adds the waiting members of @leader's group to the next commit. */
static void
derive_group (SynthOpenaiProvider *self, SynthRecord *leader)
{
  const SynthSlot *slot = synth_slot_plan_get_slot (self->plan, synth_record_get_index (leader));
  GArray *members = g_hash_table_lookup (self->groups, GUINT_TO_POINTER (slot->group));

  for (guint i = 0; members != NULL && i < members->len; i++)
    {
      guint index = g_array_index (members, guint, i);
      if (self->state[index] != SLOT_DERIVED_LATER)
        continue;
      g_ptr_array_add (self->to_commit,
                       derive_member (self, leader, synth_slot_plan_get_slot (self->plan, index)));
      self->state[index] = SLOT_DONE;
      self->n_left--;
    }
}

/* ---- committing -------------------------------------------------------------- */

static gint
compare_index (gconstpointer a, gconstpointer b)
{
  guint ia = synth_record_get_index (*(SynthRecord **) a);
  guint ib = synth_record_get_index (*(SynthRecord **) b);
  return ia < ib ? -1 : ia > ib;
}

static gboolean
usage_is_empty (const SynthUsage *usage)
{
  return usage->requests == 0 && usage->retries == 0 && usage->prompt_tokens == 0 &&
         usage->completion_tokens == 0 && usage->cost == 0 &&
         g_hash_table_size (usage->failures) == 0;
}

static void
stop_with (SynthOpenaiProvider *self, GError *error)
{
  if (self->stop_error == NULL)
    self->stop_error = error;
  else
    g_error_free (error);
  /* The requests in flight are abandoned; what they delivered is kept. */
  g_cancellable_cancel (self->cancellable);
}

/* One transaction: the records that arrived since the last one, with the
 * usage of the requests that ended since. */
static void
flush (SynthOpenaiProvider *self)
{
  g_autoptr (GPtrArray) records = NULL;
  g_autoptr (SynthUsage) usage = NULL;
  g_autoptr (GError) error = NULL;

  if (self->flush_source != NULL)
    {
      g_source_destroy (self->flush_source);
      g_clear_pointer (&self->flush_source, g_source_unref);
    }
  if (self->to_commit->len == 0 && usage_is_empty (self->usage_to_commit))
    return;
  records = g_steal_pointer (&self->to_commit);
  usage = g_steal_pointer (&self->usage_to_commit);
  self->to_commit = g_ptr_array_new_with_free_func (g_object_unref);
  self->usage_to_commit = synth_usage_new ();
  g_ptr_array_sort (records, compare_index);
  if (!synth_run_store_commit_batch (self->store, records, usage, &error))
    {
      stop_with (self, g_steal_pointer (&error));
      return;
    }
  self->committed_any |= records->len > 0;
  g_object_ref (self);
  if (records->len > 0)
    g_signal_emit (self, signals[SIGNAL_RECORDS_COMMITTED], 0, records);
  if (!usage_is_empty (usage))
    g_signal_emit (self, signals[SIGNAL_USAGE_COMMITTED], 0, usage);
  g_object_unref (self);
}

static gboolean
on_flush_timeout (gpointer user_data)
{
  SynthOpenaiProvider *self = user_data;

  g_clear_pointer (&self->flush_source, g_source_unref);
  flush (self);
  pump (self);
  return G_SOURCE_REMOVE;
}

static void
schedule_flush (SynthOpenaiProvider *self)
{
  /* The first record shows at once; later ones are grouped a little. */
  if (self->to_commit->len >= FLUSH_RECORDS || !self->committed_any)
    {
      flush (self);
      return;
    }
  if (self->flush_source != NULL)
    return;
  self->flush_source = g_timeout_source_new (FLUSH_DELAY_MS);
  g_source_set_callback (self->flush_source, on_flush_timeout, self, NULL);
  g_source_attach (self->flush_source, g_task_get_context (self->task));
}

/* ---- the queue --------------------------------------------------------------- */

static Work *
work_new (gint64 not_before, guint attempt)
{
  Work *work = g_new0 (Work, 1);

  work->slots = g_array_new (FALSE, FALSE, sizeof (guint));
  work->not_before = not_before;
  work->attempt = attempt;
  return work;
}

static void
group_fairness_slots (SynthOpenaiProvider *self)
{
  guint n = synth_slot_plan_get_n_slots (self->plan);

  self->groups = g_hash_table_new_full (NULL, NULL, NULL, (GDestroyNotify) g_array_unref);
  for (guint i = 0; i < n; i++)
    {
      const SynthSlot *slot = synth_slot_plan_get_slot (self->plan, i);
      GArray *members;

      if (slot->group == SYNTH_NO_GROUP)
        continue;
      members = g_hash_table_lookup (self->groups, GUINT_TO_POINTER (slot->group));
      if (members == NULL)
        {
          members = g_array_new (FALSE, FALSE, sizeof (guint));
          g_hash_table_insert (self->groups, GUINT_TO_POINTER (slot->group), members);
        }
      g_array_append_val (members, i);
    }
}

/* Batches of pending slots, fairness members left out: they are derived
 * from their group's first record, now if that one is already stored. */
static gboolean
build_queue (SynthOpenaiProvider *self, GError **error)
{
  guint n = synth_slot_plan_get_n_slots (self->plan);
  guint batch_size = CLAMP (self->spec->batch_size, 1, SYNTH_BATCH_SIZE_MAX);
  g_autoptr (GArray) pending = synth_run_store_list_pending (self->store, 0, error);
  g_autoptr (GArray) stored_leaders = g_array_new (FALSE, FALSE, sizeof (guint));
  Work *work = NULL;

  if (pending == NULL)
    return FALSE;
  self->state = g_malloc (n);
  memset (self->state, SLOT_DONE, n);
  self->attempts = g_malloc0 (n);
  group_fairness_slots (self);
  for (guint i = 0; i < pending->len; i++)
    self->state[g_array_index (pending, guint, i)] = SLOT_PENDING;
  self->n_left = pending->len;

  for (guint i = 0; i < pending->len; i++)
    {
      guint index = g_array_index (pending, guint, i);
      const SynthSlot *slot = synth_slot_plan_get_slot (self->plan, index);

      if (slot->group != SYNTH_NO_GROUP && slot->variant != 0)
        {
          guint leader = group_leader (self, slot->group);
          if (leader != G_MAXUINT && self->state[leader] == SLOT_DONE)
            g_array_append_val (stored_leaders, leader);
          if (leader != G_MAXUINT)
            {
              self->state[index] = SLOT_DERIVED_LATER;
              continue;
            }
        }
      if (work == NULL)
        work = work_new (0, 0);
      g_array_append_val (work->slots, index);
      if (work->slots->len == batch_size)
        g_queue_push_tail (&self->queue, g_steal_pointer (&work));
    }
  if (work != NULL)
    g_queue_push_tail (&self->queue, work);

  for (guint i = 0; i < stored_leaders->len; i++)
    {
      g_autoptr (SynthRecord) leader = synth_run_store_load_record (
          self->store, g_array_index (stored_leaders, guint, i), error);
      if (leader == NULL)
        return FALSE;
      derive_group (self, leader);
    }
  flush (self);
  return self->stop_error == NULL;
}

static const char *
base_url_of (SynthOpenaiProvider *self)
{
  return self->spec->base_url != NULL ? self->spec->base_url : SYNTH_OPENAI_DEFAULT_BASE_URL;
}

/* The reasons that are the server's or the network's doing, not the model's. */
static gboolean
reason_is_transport (const char *reason)
{
  static const char *const transport[] = { "timeout",  "network",  "dropped",      "http_5xx",
                                           "http_408", "http_409", "stream_error", NULL };
  return g_strv_contains (transport, reason);
}

static GError *
too_many_attempts_error (SynthOpenaiProvider *self, guint index, const char *reason)
{
  if (reason_is_transport (reason))
    return g_error_new (SYNTH_API_ERROR, SYNTH_API_ERROR_SERVER,
                        _ ("The server at %s failed %u times on the batch of slot %u (last "
                           "problem: %s). What is done is saved: resume the run when the server "
                           "works again."),
                        base_url_of (self), self->attempts[index], index, reason);
  return g_error_new (SYNTH_API_ERROR, SYNTH_API_ERROR_PROTOCOL,
                      _ ("The model gave no valid record for slot %u in %u attempts (last "
                         "problem: %s). What is done is saved: resume the run to try again, or "
                         "try another model."),
                      index, self->attempts[index], reason);
}

/* Slots of a finished request that still need a record go back in the
 * queue; FALSE (the run stopped) when one has failed too often. */
static gboolean
requeue (SynthOpenaiProvider *self,
         GArray *slots,
         gint64 not_before,
         guint attempt,
         gboolean counts,
         gboolean split,
         const char *reason)
{
  guint half = split && slots->len > 1 ? (slots->len + 1) / 2 : slots->len;
  Work *parts[2] = { NULL, NULL };

  for (guint i = 0; i < slots->len; i++)
    {
      guint index = g_array_index (slots, guint, i);
      Work **part = &parts[i < half ? 0 : 1];

      if (self->state[index] != SLOT_PENDING)
        continue;
      if (counts && ++self->attempts[index] >= self->options.max_attempts)
        {
          g_clear_pointer (&parts[0], work_free);
          g_clear_pointer (&parts[1], work_free);
          stop_with (self, too_many_attempts_error (self, index, reason));
          return FALSE;
        }
      if (*part == NULL)
        *part = work_new (not_before, attempt);
      g_array_append_val ((*part)->slots, index);
    }
  /* Leftovers of an answer go first (they are few); failed batches wait
   * their backoff at the back. */
  if (not_before > g_get_monotonic_time ())
    {
      for (guint i = 0; i < 2; i++)
        if (parts[i] != NULL)
          g_queue_push_tail (&self->queue, parts[i]);
    }
  else
    {
      for (int i = 1; i >= 0; i--)
        if (parts[i] != NULL)
          g_queue_push_head (&self->queue, parts[i]);
    }
  return TRUE;
}

/* ---- requests ---------------------------------------------------------------- */

static void
request_free (Request *r)
{
  work_free (r->work);
  synth_openai_completion_unref (r->completion);
  g_object_unref (r->self);
  g_free (r);
}

static void
on_headers (SynthOpenaiCompletion *completion,
            guint status,
            SoupMessageHeaders *headers,
            gpointer user_data)
{
  Request *r = user_data;
  SoupMessageHeaders *kept = soup_message_headers_new (SOUP_MESSAGE_HEADERS_RESPONSE);
  SoupMessageHeadersIter iter;
  const char *name, *value;

  /* Any answer at all, even an error, shows the server can be reached. */
  r->self->unreachable_tries = 0;
  soup_message_headers_iter_init (&iter, headers);
  while (soup_message_headers_iter_next (&iter, &name, &value))
    if (g_ascii_strncasecmp (name, "x-ratelimit-reset-", 18) != 0)
      soup_message_headers_append (kept, name, value);
  synth_rate_limiter_update_from_headers (r->self->limiter, kept, g_get_monotonic_time ());
  soup_message_headers_unref (kept);
}

static void
on_record (SynthOpenaiCompletion *completion, SynthRecord *record, gpointer user_data)
{
  Request *r = user_data;
  SynthOpenaiProvider *self = r->self;
  guint index = synth_record_get_index (record);
  const SynthSlot *slot = synth_slot_plan_get_slot (self->plan, index);

  if (self->state[index] != SLOT_PENDING)
    return;
  if (synth_bias_type_is_surface (synth_record_get_bias_type (record)))
    synth_transform_apply (record, synth_transform_seed_for_slot (self->spec->seed, index));
  self->state[index] = SLOT_DONE;
  self->n_left--;
  g_ptr_array_add (self->to_commit, g_object_ref (record));
  if (slot->group != SYNTH_NO_GROUP)
    derive_group (self, record);
  schedule_flush (self);
}

static void
count_rejections (SynthAnswerBatch *answer, SynthUsage *usage, const char **last_reason)
{
  guint n = 0;
  const SynthRejection *rejections = synth_answer_batch_get_rejections (answer, &n);

  for (guint i = 0; i < n; i++)
    {
      /* One malformed answer is one failure, however many objects it broke. */
      if (g_strcmp0 (rejections[i].reason, SYNTH_REJECT_MALFORMED_JSON) != 0 ||
          synth_usage_get_failure (usage, SYNTH_REJECT_MALFORMED_JSON) == 0)
        synth_usage_add_failure (usage, rejections[i].reason, 1);
      *last_reason = rejections[i].reason;
    }
}

/* An answer arrived: keep what was good, re-queue the rest. */
static void
handle_answer (
    SynthOpenaiProvider *self, Request *r, SynthUsage *usage, GArray *unfilled, const char *reason)
{
  SynthOpenaiCompletion *c = r->completion;
  const char *problem = synth_openai_completion_get_problem (c);
  const char *finish = synth_openai_completion_get_finish_reason (c);
  gboolean cut =
      g_strcmp0 (problem, SYNTH_REJECT_TRUNCATED) == 0 || g_strcmp0 (finish, "length") == 0;
  guint64 completion_tokens;
  gboolean reported;
  guint n_slots;

  synth_openai_completion_get_slots (c, &n_slots);
  synth_rate_limiter_on_success (self->limiter);
  if (synth_openai_completion_get_refusal (c) != NULL)
    synth_usage_add_failure (usage, (reason = "refusal"), 1);
  if (cut)
    synth_usage_add_failure (usage, (reason = SYNTH_REJECT_TRUNCATED), 1);
  else if (problem != NULL)
    {
      reason = problem;
      if (g_strcmp0 (problem, SYNTH_REJECT_MALFORMED_JSON) != 0 ||
          synth_usage_get_failure (usage, SYNTH_REJECT_MALFORMED_JSON) == 0)
        synth_usage_add_failure (usage, problem, 1);
    }
  else if (g_strcmp0 (finish, "content_filter") == 0)
    synth_usage_add_failure (usage, (reason = "content_filter"), 1);
  else
    {
      g_autoptr (GArray) missing =
          synth_answer_batch_dup_missing (synth_openai_completion_get_answer (c));
      if (missing->len > 0)
        synth_usage_add_failure (usage, (reason = SYNTH_REJECT_MISSING_SLOT), missing->len);
    }
  synth_openai_completion_get_usage (c, NULL, &completion_tokens, &reported);
  if (reported && !cut && problem == NULL && completion_tokens > 0)
    {
      double per_slot = (double) completion_tokens / n_slots;
      self->completion_per_slot = self->completion_per_slot > 0
                                      ? 0.7 * self->completion_per_slot + 0.3 * per_slot
                                      : per_slot;
    }
  if (cut && unfilled->len > 1)
    emit_message (self,
                  _ ("An answer hit the token limit; its %u unfinished slots are sent again "
                     "in two smaller batches."),
                  unfilled->len);
  requeue (self, unfilled, 0, r->work->attempt, TRUE, cut, reason != NULL ? reason : "unknown");
}

static const char *
failure_reason (const GError *error, guint status)
{
  switch (error->code)
    {
    case SYNTH_API_ERROR_RATE_LIMITED:
      return "rate_limited";
    case SYNTH_API_ERROR_TIMEOUT:
      return "timeout";
    case SYNTH_API_ERROR_NETWORK:
      return status != 0 ? "dropped" : "network";
    case SYNTH_API_ERROR_PROTOCOL:
      return "malformed_response";
    case SYNTH_API_ERROR_SERVER:
      return status >= 500   ? "http_5xx"
             : status == 408 ? "http_408"
             : status == 409 ? "http_409"
                             : "stream_error";
    default:
      return "other";
    }
}

/* No HTTP answer at all (refused, no such host, no route): the server, not
 * the model, is at fault, so the slots keep their attempts and the whole run
 * waits. Requests already in flight when a try failed belong to that try.
 * After SYNTH_OPENAI_UNREACHABLE_TRIES the run stops, resumable. */
static void
handle_unreachable (
    SynthOpenaiProvider *self, Request *r, GArray *unfilled, const GError *error, gint64 now)
{
  gint64 delay_ms;

  requeue (self, unfilled, 0, r->work->attempt, FALSE, FALSE, "network");
  if (r->sent_at < self->unreachable_mark)
    return;
  self->unreachable_mark = now;
  if (++self->unreachable_tries >= SYNTH_OPENAI_UNREACHABLE_TRIES)
    {
      flush (self);
      stop_with (self, g_error_new (SYNTH_API_ERROR, SYNTH_API_ERROR_NETWORK,
                                    _ ("%s The run stopped after %u tries in a row: the server at "
                                       "%s can’t be reached. This is not the model’s fault, so no "
                                       "record counts it as a failed attempt; %u of %u records "
                                       "are saved and the others stay pending. Resume the run "
                                       "when the server is up (with a new base URL if it moved)."),
                                    error->message, self->unreachable_tries, base_url_of (self),
                                    synth_run_store_count_done (self->store),
                                    synth_run_store_get_n_slots (self->store)));
      return;
    }
  delay_ms =
      synth_retry_backoff_ms (self->unreachable_tries - 1, synth_rng_double (&self->jitter_rng));
  self->unreachable_until = now + delay_ms * 1000;
  emit_message (self, _ ("%s The run waits %.1f s before try %u of %u."), error->message,
                delay_ms / 1000.0, self->unreachable_tries + 1, SYNTH_OPENAI_UNREACHABLE_TRIES);
}

/* The request failed: wait and retry what a retry may cure, stop for the rest. */
static void
handle_failure (
    SynthOpenaiProvider *self, Request *r, SynthUsage *usage, GArray *unfilled, const GError *error)
{
  SynthOpenaiCompletion *c = r->completion;
  gint64 now = g_get_monotonic_time ();
  gint64 server_wait = synth_openai_completion_get_retry_after_ms (c);
  const char *reason;
  gint64 delay_ms;

  if (g_error_matches (error, SYNTH_API_ERROR, SYNTH_API_ERROR_CANCELLED) || self->cancelled ||
      self->stop_error != NULL)
    {
      requeue (self, unfilled, 0, r->work->attempt, FALSE, FALSE, "cancelled");
      return;
    }
  if (!synth_api_error_is_retryable (error) ||
      synth_openai_completion_get_should_retry (c) == SYNTH_SHOULD_RETRY_NO)
    {
      requeue (self, unfilled, 0, r->work->attempt, FALSE, FALSE, error->message);
      stop_with (self, g_error_copy (error));
      return;
    }
  reason = failure_reason (error, synth_openai_completion_get_status (c));
  synth_usage_add_failure (usage, reason, 1);
  usage->retries = 1;
  if (g_error_matches (error, SYNTH_API_ERROR, SYNTH_API_ERROR_NETWORK) &&
      synth_openai_completion_get_status (c) == 0)
    {
      handle_unreachable (self, r, unfilled, error, now);
      return;
    }
  delay_ms = server_wait >= 0
                 ? server_wait
                 : synth_retry_backoff_ms (r->work->attempt, synth_rng_double (&self->jitter_rng));
  if (error->code == SYNTH_API_ERROR_RATE_LIMITED)
    {
      gint64 paused_until = synth_rate_limiter_get_pause_until (self->limiter);

      /* The whole run waits, not just this batch; a wait does not count
       * against the slots' attempts. */
      synth_rate_limiter_on_rate_limited (self->limiter, synth_openai_completion_get_sent_at (c),
                                          delay_ms, now);
      if (synth_rate_limiter_get_pause_until (self->limiter) > paused_until)
        g_signal_emit (self, signals[SIGNAL_RATE_LIMITED], 0, delay_ms);
      if (synth_rate_limiter_get_pause_until (self->limiter) > paused_until)
        emit_message (self,
                      _ ("The server asked to slow down (429). The run waits %.1f s, then "
                         "goes on with up to %u requests at a time."),
                      delay_ms / 1000.0, synth_rate_limiter_get_concurrency (self->limiter));
      requeue (self, unfilled, 0, r->work->attempt, FALSE, FALSE, reason);
      return;
    }
  emit_message (self, _ ("%s Trying %u slots again in %.1f s."), error->message, unfilled->len,
                delay_ms / 1000.0);
  requeue (self, unfilled, now + delay_ms * 1000, r->work->attempt + 1, TRUE, FALSE, reason);
}

static void
on_complete (GObject *source, GAsyncResult *result, gpointer user_data)
{
  Request *r = user_data;
  g_autoptr (SynthOpenaiProvider) self = g_object_ref (r->self);
  SynthOpenaiCompletion *c = r->completion;
  g_autoptr (GError) error = NULL;
  gboolean ok = synth_openai_client_complete_finish (self->client, result, &error);
  SynthAnswerBatch *answer = synth_openai_completion_get_answer (c);
  g_autoptr (GArray) unfilled = synth_answer_batch_dup_unfilled (answer);
  g_autoptr (SynthUsage) usage = synth_usage_new ();
  const char *reason = NULL;
  guint64 prompt, completion;

  self->in_flight--;
  self->reserved_cost -= r->reserved_cost;
  synth_openai_completion_get_usage (c, &prompt, &completion, NULL);
  usage->requests = synth_openai_completion_get_n_requests (c);
  usage->prompt_tokens = prompt;
  usage->completion_tokens = completion;
  usage->cost = cost_of (self->price_in, self->price_out, prompt, completion);
  count_rejections (answer, usage, &reason);
  synth_rate_limiter_settle (self->limiter, r->admission_tokens, prompt + completion,
                             g_get_monotonic_time ());
  if (ok)
    handle_answer (self, r, usage, unfilled, reason);
  else
    handle_failure (self, r, usage, unfilled, error);

  self->spent_cost += usage->cost;
  synth_usage_add (self->session_usage, usage);
  synth_usage_add (self->usage_to_commit, usage);
  request_free (r);
  flush (self);
  pump (self);
}

static void
send_request (SynthOpenaiProvider *self,
              Work *work,
              SynthOpenaiCompletion *completion,
              guint64 admission_tokens,
              double reserved_cost)
{
  Request *r = g_new0 (Request, 1);

  r->self = g_object_ref (self);
  r->work = work;
  r->completion = completion;
  r->admission_tokens = admission_tokens;
  r->reserved_cost = reserved_cost;
  r->sent_at = g_get_monotonic_time ();
  self->in_flight++;
  self->reserved_cost += reserved_cost;
  synth_openai_completion_set_callbacks (completion, on_record, on_headers, r);
  synth_openai_client_complete_async (self->client, completion, self->cancellable, on_complete, r);
}

/* ---- the pump ---------------------------------------------------------------- */

static gboolean
on_pump_timeout (gpointer user_data)
{
  SynthOpenaiProvider *self = user_data;

  g_clear_pointer (&self->pump_source, g_source_unref);
  pump (self);
  return G_SOURCE_REMOVE;
}

static void
schedule_pump (SynthOpenaiProvider *self, gint64 at_us)
{
  gint64 now = g_get_monotonic_time ();

  if (self->pump_source != NULL && self->pump_at <= at_us)
    return;
  if (self->pump_source != NULL)
    {
      g_source_destroy (self->pump_source);
      g_source_unref (self->pump_source);
    }
  self->pump_at = at_us;
  self->pump_source = g_timeout_source_new ((guint) MAX (0, (at_us - now + 999) / 1000));
  g_source_set_callback (self->pump_source, on_pump_timeout, self, NULL);
  g_source_attach (self->pump_source, g_task_get_context (self->task));
}

static void
finish (SynthOpenaiProvider *self)
{
  g_autoptr (GTask) task = g_steal_pointer (&self->task);

  flush (self);
  if (self->pump_source != NULL)
    g_source_destroy (self->pump_source);
  g_clear_pointer (&self->pump_source, g_source_unref);
  if (self->cancel_source != NULL)
    g_source_destroy (self->cancel_source);
  g_clear_pointer (&self->cancel_source, g_source_unref);

  if (self->stop_error != NULL)
    g_task_return_error (task, g_error_copy (self->stop_error));
  else if (self->cancelled)
    g_task_return_new_error (task, SYNTH_ERROR, SYNTH_ERROR_CANCELLED,
                             _ ("Stopped with %u of %u records done. Resume the run to finish it."),
                             synth_run_store_count_done (self->store),
                             synth_run_store_get_n_slots (self->store));
  else if (self->n_left > 0)
    g_task_return_new_error (task, SYNTH_ERROR, SYNTH_ERROR_FAILED,
                             _ ("%u slots could not be scheduled. Resume the run to try again."),
                             self->n_left);
  else
    g_task_return_boolean (task, TRUE);
}

static GList *
first_ready (SynthOpenaiProvider *self, gint64 now, gint64 *out_next)
{
  *out_next = G_MAXINT64;
  for (GList *l = self->queue.head; l != NULL; l = l->next)
    {
      Work *work = l->data;
      if (work->not_before <= now)
        return l;
      *out_next = MIN (*out_next, work->not_before);
    }
  return NULL;
}

static SynthOpenaiCompletion *
prepare_completion (SynthOpenaiProvider *self, Work *work)
{
  g_autofree SynthSlot *slots = g_new (SynthSlot, work->slots->len);
  SynthOpenaiCompletion *c;

  for (guint i = 0; i < work->slots->len; i++)
    slots[i] = *synth_slot_plan_get_slot (self->plan, g_array_index (work->slots, guint, i));
  c = synth_openai_completion_new (self->run_id, self->spec->model, slots, work->slots->len);
  synth_openai_completion_set_stream (c, self->options.stream);
  synth_openai_completion_set_temperature (c, self->options.temperature);
  /* Reproducible where the server honours seeds, different on a retry. */
  synth_openai_completion_set_seed (
      c,
      (gint64) (synth_rng_mix (synth_rng_mix (self->spec->seed, slots[0].index), work->attempt) >>
                2));
  return c;
}

/* FALSE (after stopping the run, or to wait for requests in flight) when
 * @cost would take the run past its budget. */
static gboolean
within_budget (SynthOpenaiProvider *self, double cost)
{
  double budget = self->spec->budget;

  if (budget <= 0 || self->spent_cost + self->reserved_cost + cost <= budget)
    return TRUE;
  if (self->in_flight == 0)
    stop_with (self, g_error_new (SYNTH_API_ERROR, SYNTH_API_ERROR_BUDGET,
                                  _ ("Stopped before the budget of $%.2f was exceeded: $%.4f is "
                                     "spent and the next request would cost about $%.4f. %u of "
                                     "%u records are done; raise the budget and resume the run "
                                     "to finish it."),
                                  budget, self->spent_cost, cost,
                                  synth_run_store_count_done (self->store),
                                  synth_run_store_get_n_slots (self->store)));
  return FALSE;
}

/* Sends what the limits allow now, and arms a timer for the rest. */
static void
pump (SynthOpenaiProvider *self)
{
  if (self->task == NULL)
    return;
  while (!self->cancelled && self->stop_error == NULL && !self->paused &&
         self->in_flight < synth_rate_limiter_get_concurrency (self->limiter))
    {
      gint64 now = g_get_monotonic_time (), next, wait;
      GList *link = first_ready (self, now, &next);
      g_autoptr (SynthOpenaiCompletion) c = NULL;
      guint64 admission, prompt, expected;
      double cost;
      Work *work;

      if (now < self->unreachable_until)
        {
          schedule_pump (self, self->unreachable_until);
          break;
        }
      if (link == NULL)
        {
          if (next != G_MAXINT64)
            schedule_pump (self, next);
          break;
        }
      work = link->data;
      c = prepare_completion (self, work);
      admission = synth_openai_client_estimate (self->client, c, &prompt, &expected);
      if (self->completion_per_slot > 0)
        expected = (guint64) (self->completion_per_slot * work->slots->len);
      cost = COST_MARGIN * cost_of (self->price_in, self->price_out, prompt, expected);
      if (!within_budget (self, cost))
        break;
      if ((wait = synth_rate_limiter_try_acquire (self->limiter, admission, now)) > 0)
        {
          schedule_pump (self, now + wait);
          break;
        }
      g_queue_delete_link (&self->queue, link);
      send_request (self, work, g_steal_pointer (&c), admission, cost);
    }
  if (self->in_flight == 0 &&
      (self->cancelled || self->stop_error != NULL || g_queue_is_empty (&self->queue)))
    finish (self);
}

static gboolean
on_cancelled (GCancellable *cancellable, gpointer user_data)
{
  SynthOpenaiProvider *self = user_data;

  self->cancelled = TRUE;
  g_cancellable_cancel (self->cancellable);
  pump (self);
  return G_SOURCE_REMOVE;
}

void
synth_openai_provider_run_async (SynthOpenaiProvider *self,
                                 GCancellable *cancellable,
                                 GAsyncReadyCallback callback,
                                 gpointer user_data)
{
  g_autoptr (GTask) task = g_task_new (self, cancellable, callback, user_data);
  g_autoptr (GError) error = NULL;

  g_return_if_fail (SYNTH_IS_OPENAI_PROVIDER (self));
  g_task_set_source_tag (task, synth_openai_provider_run_async);
  g_task_set_check_cancellable (task, FALSE);
  if (self->state != NULL)
    {
      g_task_return_new_error (task, SYNTH_ERROR, SYNTH_ERROR_FAILED, "a provider runs once");
      return;
    }
  self->task = g_steal_pointer (&task);
  if (cancellable != NULL)
    {
      self->cancel_source = g_cancellable_source_new (cancellable);
      g_source_set_callback (self->cancel_source, G_SOURCE_FUNC (on_cancelled), self, NULL);
      g_source_attach (self->cancel_source, g_task_get_context (self->task));
      self->cancelled = g_cancellable_is_cancelled (cancellable);
    }
  if (!build_queue (self, &error))
    stop_with (self, g_steal_pointer (&error));
  pump (self);
}

gboolean
synth_openai_provider_run_finish (SynthOpenaiProvider *self, GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}
