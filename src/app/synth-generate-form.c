/* synth-generate-form.c — the generate form. GSettings is the form's model:
 * every control is bound to a key, and the spec is read back from them. */
#include "config.h"

#include <glib/gi18n.h>
#include <math.h>

#include "synth-bias-mix-editor.h"
#include "synth-error.h"
#include "synth-format.h"
#include "synth-generate-form.h"
#include "synth-openai-provider.h"
#include "synth-slot-plan.h"

/* The estimate plans this many slots at most and scales up: a 10-million
 * record plan would take seconds, a sample is as good for an average. */
#define ESTIMATE_SAMPLE 1000

struct _SynthGenerateForm
{
  GtkWidget parent_instance;

  GSettings *settings;

  GtkSpinButton *records_spin;
  GtkSpinButton *ratio_spin;
  GtkSpinButton *seed_spin;
  SynthBiasMixEditor *mix_editor;
  AdwComboRow *provider_row;
  AdwEntryRow *model_row;
  GtkSpinButton *batch_spin;
  AdwActionRow *budget_row;
  GtkSpinButton *budget_spin;
  GtkLabel *estimate_label;
  GtkStack *button_stack;
  GtkWidget *continue_button;
  GtkWidget *generate_button;
  GtkWidget *pause_button;
  GtkWidget *resume_button;
  GtkSpinner *starting_spinner;

  guint estimate_source;
  GCancellable *estimate_cancellable; /* the estimate in progress */
  guint64 estimate_tokens;
  double estimate_cost;
};

G_DEFINE_FINAL_TYPE (SynthGenerateForm, synth_generate_form, GTK_TYPE_WIDGET)

enum
{
  CHANGED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static const char *const provider_ids[] = { "offline", "openai", "compatible" };

/* Settings mappings */

static gboolean
ratio_get_mapping (GValue *value, GVariant *variant, gpointer user_data)
{
  g_value_set_double (value, round (g_variant_get_double (variant) * 100.0));
  return TRUE;
}

static GVariant *
ratio_set_mapping (const GValue *value, const GVariantType *type, gpointer user_data)
{
  return g_variant_new_double (CLAMP (g_value_get_double (value) / 100.0, 0.0, 1.0));
}

static gboolean
provider_get_mapping (GValue *value, GVariant *variant, gpointer user_data)
{
  const char *id = g_variant_get_string (variant, NULL);

  for (guint i = 0; i < G_N_ELEMENTS (provider_ids); i++)
    if (g_str_equal (id, provider_ids[i]))
      {
        g_value_set_uint (value, i);
        return TRUE;
      }
  g_value_set_uint (value, 0);
  return TRUE;
}

static GVariant *
provider_set_mapping (const GValue *value, const GVariantType *type, gpointer user_data)
{
  guint i = g_value_get_uint (value);

  return g_variant_new_string (provider_ids[i < G_N_ELEMENTS (provider_ids) ? i : 0]);
}

/* Public API */

const char *
synth_generate_form_get_provider (SynthGenerateForm *self)
{
  g_autofree char *provider = NULL;

  g_return_val_if_fail (SYNTH_IS_GENERATE_FORM (self), NULL);

  provider = g_settings_get_string (self->settings, "provider");
  return g_str_equal (provider, "offline") ? "offline" : "openai";
}

char *
synth_generate_form_dup_base_url (SynthGenerateForm *self)
{
  g_autofree char *provider = NULL;

  g_return_val_if_fail (SYNTH_IS_GENERATE_FORM (self), NULL);

  provider = g_settings_get_string (self->settings, "provider");
  if (g_str_equal (provider, "openai"))
    return g_strdup (SYNTH_OPENAI_BASE_URL);
  if (g_str_equal (provider, "compatible"))
    return g_settings_get_string (self->settings, "base-url");
  return NULL;
}

static SynthRunSpec *
spec_from_settings (SynthGenerateForm *self)
{
  g_autoptr (SynthRunSpec) spec = synth_run_spec_new ();
  g_autoptr (SynthBiasMix) mix = synth_bias_mix_editor_dup_bias_mix (self->mix_editor);
  const char *provider = synth_generate_form_get_provider (self);

  spec->records = g_settings_get_uint (self->settings, "records");
  spec->batch_size = g_settings_get_uint (self->settings, "batch-size");
  spec->positive_ratio = g_settings_get_double (self->settings, "positive-ratio");
  spec->seed = g_settings_get_uint (self->settings, "seed");
  spec->concurrency = g_settings_get_uint (self->settings, "concurrency");
  g_free (spec->provider);
  spec->provider = g_strdup (provider);
  if (!g_str_equal (provider, "offline"))
    {
      spec->model = g_settings_get_string (self->settings, "model");
      g_strstrip (spec->model);
      spec->base_url = synth_generate_form_dup_base_url (self);
      spec->budget = g_settings_get_double (self->settings, "budget");
    }
  if (mix != NULL)
    {
      synth_bias_mix_free (spec->bias_mix);
      spec->bias_mix = g_steal_pointer (&mix);
    }
  return g_steal_pointer (&spec);
}

SynthRunSpec *
synth_generate_form_build_spec (SynthGenerateForm *self, GError **error)
{
  g_autoptr (SynthRunSpec) spec = NULL;

  g_return_val_if_fail (SYNTH_IS_GENERATE_FORM (self), NULL);

  if (!synth_bias_mix_editor_get_valid (self->mix_editor))
    {
      g_set_error_literal (error, SYNTH_ERROR, SYNTH_ERROR_INVALID_ARGUMENT,
                           _ ("Every bias weight is zero. Give at least one category some weight, "
                              "or pick a preset."));
      return NULL;
    }
  spec = spec_from_settings (self);
  if (g_strcmp0 (spec->provider, "offline") != 0 && (spec->model == NULL || *spec->model == '\0'))
    {
      g_set_error_literal (error, SYNTH_ERROR, SYNTH_ERROR_INVALID_ARGUMENT,
                           _ ("No model is set. Type the model’s name, for example gpt-4o-mini, "
                              "in the Model field."));
      return NULL;
    }
  if (!synth_run_spec_validate (spec, error))
    return NULL;
  return g_steal_pointer (&spec);
}

gboolean
synth_generate_form_is_valid (SynthGenerateForm *self)
{
  g_return_val_if_fail (SYNTH_IS_GENERATE_FORM (self), FALSE);
  return synth_bias_mix_editor_get_valid (self->mix_editor);
}

void
synth_generate_form_set_state (SynthGenerateForm *self, SynthFormState state, gboolean can_continue)
{
  g_return_if_fail (SYNTH_IS_GENERATE_FORM (self));

  switch (state)
    {
    case SYNTH_FORM_STATE_IDLE:
      gtk_stack_set_visible_child_name (self->button_stack, "idle");
      break;
    case SYNTH_FORM_STATE_STARTING:
      gtk_stack_set_visible_child_name (self->button_stack, "starting");
      break;
    case SYNTH_FORM_STATE_RUNNING:
    case SYNTH_FORM_STATE_PAUSED:
      gtk_stack_set_visible_child_name (self->button_stack, "running");
      break;
    default:
      g_return_if_reached ();
    }
  gtk_spinner_set_spinning (self->starting_spinner, state == SYNTH_FORM_STATE_STARTING);
  gtk_widget_set_visible (self->pause_button, state != SYNTH_FORM_STATE_PAUSED);
  gtk_widget_set_visible (self->resume_button, state == SYNTH_FORM_STATE_PAUSED);
  gtk_widget_set_visible (self->continue_button, can_continue);
}

void
synth_generate_form_get_estimate (SynthGenerateForm *self, guint64 *out_tokens, double *out_cost)
{
  g_return_if_fail (SYNTH_IS_GENERATE_FORM (self));

  if (out_tokens != NULL)
    *out_tokens = self->estimate_tokens;
  if (out_cost != NULL)
    *out_cost = self->estimate_cost;
}

/* The estimate */

/* Prompt and completion tokens for a whole run of @spec, from a sample of
 * its plan measured the way the OpenAI provider builds its requests.
 * Building those request bodies takes a while: this runs in a thread. */
typedef struct
{
  guint64 prompt;
  guint64 completion;
} TokenEstimate;

static void
estimate_thread (GTask *task, gpointer source, gpointer task_data, GCancellable *cancellable)
{
  SynthRunSpec *spec = task_data;
  g_autoptr (SynthSlotPlan) plan = NULL;
  g_autoptr (GArray) indexes = g_array_new (FALSE, FALSE, sizeof (guint));
  guint records = spec->records;
  TokenEstimate *estimate = g_new0 (TokenEstimate, 1);
  guint n;

  spec->records = MIN (records, ESTIMATE_SAMPLE);
  plan = synth_slot_plan_new_balanced (spec, NULL);
  if (plan == NULL)
    {
      g_free (estimate);
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT, "no plan");
      return;
    }
  n = synth_slot_plan_get_n_slots (plan);
  for (guint i = 0; i < n; i++)
    g_array_append_val (indexes, i);
  synth_openai_estimate_cost (plan, indexes, spec->batch_size, spec->model, 0, 0, &estimate->prompt,
                              &estimate->completion);
  estimate->prompt = (guint64) llround ((double) estimate->prompt * records / n);
  estimate->completion = (guint64) llround ((double) estimate->completion * records / n);
  g_task_return_pointer (task, estimate, g_free);
}

/* The settings' prices, or the model's known ones where a price is 0. */
void
synth_generate_form_get_prices (GSettings *settings,
                                const char *model,
                                double *out_in,
                                double *out_out)
{
  double known_in = 0, known_out = 0;

  synth_openai_lookup_price (model, &known_in, &known_out);
  *out_in = g_settings_get_double (settings, "price-input");
  *out_out = g_settings_get_double (settings, "price-output");
  if (*out_in <= 0)
    *out_in = known_in;
  if (*out_out <= 0)
    *out_out = known_out;
}

static void
show_estimate (SynthGenerateForm *self, guint64 prompt, guint64 completion)
{
  g_autofree char *model = g_settings_get_string (self->settings, "model");
  double price_in, price_out, minutes = 0;
  guint records = g_settings_get_uint (self->settings, "records");
  guint batch = g_settings_get_uint (self->settings, "batch-size");
  guint tpm = g_settings_get_uint (self->settings, "tokens-per-minute");
  guint rpm = g_settings_get_uint (self->settings, "requests-per-minute");
  g_autofree char *tokens_text = NULL;
  g_autofree char *cost_text = NULL;
  g_autofree char *time_text = NULL;
  g_autofree char *text = NULL;

  synth_generate_form_get_prices (self->settings, model, &price_in, &price_out);
  self->estimate_tokens = prompt + completion;
  self->estimate_cost = prompt * price_in / 1e6 + completion * price_out / 1e6;
  tokens_text = synth_format_count (self->estimate_tokens);
  if (price_in <= 0 && price_out <= 0)
    cost_text = g_strdup (_ ("cost unknown: set prices in Preferences"));
  else
    cost_text = synth_format_cost (self->estimate_cost);

  /* The rate limits set the floor on time; the server may be slower. */
  if (tpm > 0)
    minutes = MAX (minutes, (double) self->estimate_tokens / tpm);
  if (rpm > 0)
    minutes = MAX (minutes, ceil ((double) records / MAX (batch, 1)) / rpm);
  if (minutes > 0)
    {
      g_autofree char *duration = synth_format_duration (minutes * 60.0);
      /* Translators: a lower bound on the time a run takes, e.g. "at least 5 min". */
      time_text = g_strdup_printf (_ ("at least %s"), duration);
    }
  else
    time_text = g_strdup (_ ("time unknown"));
  /* Translators: the estimate under the form, e.g.
   * "Estimate: ≈ 1,234,567 tokens · $0.35 · at least 6 min" */
  text = g_strdup_printf (_ ("Estimate: ≈ %s tokens · %s · %s"), tokens_text, cost_text, time_text);
  gtk_label_set_text (self->estimate_label, text);
}

static void
estimate_done (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (SynthGenerateForm) self = user_data;
  g_autofree TokenEstimate *estimate = g_task_propagate_pointer (G_TASK (result), NULL);

  /* A newer estimate is on its way, or the form is gone. */
  if (g_task_get_cancellable (G_TASK (result)) != self->estimate_cancellable ||
      g_cancellable_is_cancelled (self->estimate_cancellable))
    return;
  if (estimate == NULL)
    gtk_label_set_text (self->estimate_label, "");
  else
    show_estimate (self, estimate->prompt, estimate->completion);
}

static gboolean
update_estimate (gpointer user_data)
{
  SynthGenerateForm *self = user_data;
  g_autofree char *provider = g_settings_get_string (self->settings, "provider");
  gboolean offline = g_str_equal (provider, "offline");
  g_autoptr (GTask) task = NULL;

  self->estimate_source = 0;
  gtk_widget_set_visible (GTK_WIDGET (self->model_row), !offline);
  gtk_widget_set_visible (GTK_WIDGET (self->budget_row), !offline);

  if (self->estimate_cancellable != NULL)
    g_cancellable_cancel (self->estimate_cancellable);
  g_clear_object (&self->estimate_cancellable);
  self->estimate_tokens = 0;
  self->estimate_cost = 0;
  if (offline)
    {
      gtk_label_set_text (self->estimate_label,
                          _ ("Built-in engine: no tokens, no cost, no network."));
      return G_SOURCE_REMOVE;
    }

  self->estimate_cancellable = g_cancellable_new ();
  gtk_label_set_text (self->estimate_label, _ ("Estimating…"));
  task = g_task_new (NULL, self->estimate_cancellable, estimate_done, g_object_ref (self));
  g_task_set_source_tag (task, update_estimate);
  g_task_set_return_on_cancel (task, FALSE);
  g_task_set_task_data (task, spec_from_settings (self), (GDestroyNotify) synth_run_spec_free);
  g_task_run_in_thread (task, estimate_thread);
  return G_SOURCE_REMOVE;
}

static void
queue_estimate (SynthGenerateForm *self)
{
  /* Sliders and spin buttons change many times a second while dragged. */
  g_clear_handle_id (&self->estimate_source, g_source_remove);
  self->estimate_source = g_timeout_add (150, update_estimate, self);
}

static void
settings_changed_cb (SynthGenerateForm *self, const char *key)
{
  if (g_str_has_prefix (key, "window-") || g_str_has_prefix (key, "export-") ||
      g_str_equal (key, "show-sidebar"))
    return;
  queue_estimate (self);
}

static void
valid_changed_cb (SynthGenerateForm *self)
{
  g_signal_emit (self, signals[CHANGED], 0);
}

static void
new_seed_action (GtkWidget *widget, const char *name, GVariant *param)
{
  SynthGenerateForm *self = SYNTH_GENERATE_FORM (widget);

  g_settings_set_uint (self->settings, "seed", g_random_int ());
}

static void
synth_generate_form_dispose (GObject *object)
{
  SynthGenerateForm *self = SYNTH_GENERATE_FORM (object);

  g_clear_handle_id (&self->estimate_source, g_source_remove);
  if (self->estimate_cancellable != NULL)
    g_cancellable_cancel (self->estimate_cancellable);
  g_clear_object (&self->estimate_cancellable);
  gtk_widget_dispose_template (GTK_WIDGET (self), SYNTH_TYPE_GENERATE_FORM);
  /* The template's top child has no id, so dispose_template leaves it. */
  for (GtkWidget *child; (child = gtk_widget_get_first_child (GTK_WIDGET (self))) != NULL;)
    gtk_widget_unparent (child);
  g_clear_object (&self->settings);

  G_OBJECT_CLASS (synth_generate_form_parent_class)->dispose (object);
}

static void
synth_generate_form_class_init (SynthGenerateFormClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = synth_generate_form_dispose;

  /* Emitted when whether a run can be planned may have changed. */
  signals[CHANGED] = g_signal_new ("changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL,
                                   NULL, NULL, G_TYPE_NONE, 0);

  g_type_ensure (SYNTH_TYPE_BIAS_MIX_EDITOR);
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_template_from_resource (
      widget_class, "/io/github/resumesynth/ResumeSynth/synth-generate-form.ui");
  gtk_widget_class_bind_template_child (widget_class, SynthGenerateForm, records_spin);
  gtk_widget_class_bind_template_child (widget_class, SynthGenerateForm, ratio_spin);
  gtk_widget_class_bind_template_child (widget_class, SynthGenerateForm, seed_spin);
  gtk_widget_class_bind_template_child (widget_class, SynthGenerateForm, mix_editor);
  gtk_widget_class_bind_template_child (widget_class, SynthGenerateForm, provider_row);
  gtk_widget_class_bind_template_child (widget_class, SynthGenerateForm, model_row);
  gtk_widget_class_bind_template_child (widget_class, SynthGenerateForm, batch_spin);
  gtk_widget_class_bind_template_child (widget_class, SynthGenerateForm, budget_row);
  gtk_widget_class_bind_template_child (widget_class, SynthGenerateForm, budget_spin);
  gtk_widget_class_bind_template_child (widget_class, SynthGenerateForm, estimate_label);
  gtk_widget_class_bind_template_child (widget_class, SynthGenerateForm, button_stack);
  gtk_widget_class_bind_template_child (widget_class, SynthGenerateForm, continue_button);
  gtk_widget_class_bind_template_child (widget_class, SynthGenerateForm, generate_button);
  gtk_widget_class_bind_template_child (widget_class, SynthGenerateForm, pause_button);
  gtk_widget_class_bind_template_child (widget_class, SynthGenerateForm, resume_button);
  gtk_widget_class_bind_template_child (widget_class, SynthGenerateForm, starting_spinner);
  gtk_widget_class_bind_template_callback (widget_class, valid_changed_cb);

  gtk_widget_class_install_action (widget_class, "form.new-seed", NULL, new_seed_action);
}

static void
synth_generate_form_init (SynthGenerateForm *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  self->settings = g_settings_new (APP_ID);
  g_settings_bind (self->settings, "records", self->records_spin, "value", G_SETTINGS_BIND_DEFAULT);
  g_settings_bind_with_mapping (self->settings, "positive-ratio", self->ratio_spin, "value",
                                G_SETTINGS_BIND_DEFAULT, ratio_get_mapping, ratio_set_mapping, NULL,
                                NULL);
  g_settings_bind (self->settings, "seed", self->seed_spin, "value", G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (self->settings, "bias-mix", self->mix_editor, "mix", G_SETTINGS_BIND_DEFAULT);
  g_settings_bind_with_mapping (self->settings, "provider", self->provider_row, "selected",
                                G_SETTINGS_BIND_DEFAULT, provider_get_mapping, provider_set_mapping,
                                NULL, NULL);
  g_settings_bind (self->settings, "model", self->model_row, "text", G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (self->settings, "batch-size", self->batch_spin, "value",
                   G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (self->settings, "budget", self->budget_spin, "value", G_SETTINGS_BIND_DEFAULT);

  g_signal_connect_object (self->settings, "changed", G_CALLBACK (settings_changed_cb), self,
                           G_CONNECT_SWAPPED);
  synth_generate_form_set_state (self, SYNTH_FORM_STATE_IDLE, FALSE);
  update_estimate (self);
}
