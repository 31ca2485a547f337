/* synth-bias-mix-editor.c — nine weight sliders; shares by largest remainder
 * so the percentages shown always add up to exactly 100. */
#include "config.h"

#include <glib/gi18n.h>
#include <math.h>

#include "synth-bias-mix-editor.h"
#include "synth-bias-row.h"

struct _SynthBiasMixEditor
{
  AdwPreferencesGroup parent_instance;

  GtkMenuButton *preset_button;
  GtkLabel *total_label;
  SynthBiasRow *rows[SYNTH_N_BIAS_TYPES];

  char *mix;
  guint64 percent[SYNTH_N_BIAS_TYPES];
  const char *preset;
  gboolean valid;
  gboolean updating; /* setting the sliders from a mix: no write-back */
};

G_DEFINE_FINAL_TYPE (SynthBiasMixEditor, synth_bias_mix_editor, ADW_TYPE_PREFERENCES_GROUP)

enum
{
  PROP_0,
  PROP_MIX,
  PROP_VALID,
  PROP_PRESET,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static SynthBiasMix *
mix_from_rows (SynthBiasMixEditor *self)
{
  SynthBiasMix *mix = synth_bias_mix_new ();

  for (guint i = 0; i < SYNTH_N_BIAS_TYPES; i++)
    synth_bias_mix_set_weight (mix, i, synth_bias_row_get_weight (self->rows[i]));
  return mix;
}

static const char *
find_preset (const SynthBiasMix *mix)
{
  const char *const *ids = synth_bias_mix_preset_ids ();

  if (synth_bias_mix_get_total (mix) <= 0)
    return "custom";
  for (guint p = 0; ids[p] != NULL; p++)
    {
      g_autoptr (SynthBiasMix) preset = synth_bias_mix_new_preset (ids[p]);
      gboolean same = TRUE;

      for (guint i = 0; i < SYNTH_N_BIAS_TYPES && same; i++)
        same = fabs (synth_bias_mix_get_fraction (mix, i) -
                     synth_bias_mix_get_fraction (preset, i)) < 0.0005;
      if (same)
        return ids[p];
    }
  return "custom";
}

/* Shares, validity and preset from the sliders as they are now. */
static void
refresh (SynthBiasMixEditor *self)
{
  g_autoptr (SynthBiasMix) mix = mix_from_rows (self);
  double weights[SYNTH_N_BIAS_TYPES];
  gboolean valid = synth_bias_mix_get_total (mix) > 0;
  const char *preset = find_preset (mix);

  for (guint i = 0; i < SYNTH_N_BIAS_TYPES; i++)
    weights[i] = synth_bias_mix_get_weight (mix, i);
  if (valid)
    synth_apportion (weights, SYNTH_N_BIAS_TYPES, 100, self->percent);
  else
    memset (self->percent, 0, sizeof self->percent);

  for (guint i = 0; i < SYNTH_N_BIAS_TYPES; i++)
    synth_bias_row_set_percent (self->rows[i], self->percent[i]);

  if (valid)
    gtk_label_set_text (self->total_label,
                        _ ("Shares add up to 100 %. Hover a name to see what the bias does."));
  else
    gtk_label_set_text (self->total_label,
                        _ ("Every weight is zero: give at least one category some weight."));
  gtk_widget_set_css_classes (GTK_WIDGET (self->total_label),
                              valid ? (const char *[]){ "caption", "dim-label", NULL }
                                    : (const char *[]){ "caption", "error", NULL });

  gtk_menu_button_set_label (self->preset_button, g_str_equal (preset, "custom")
                                                      ? _ ("Custom")
                                                      : synth_bias_mix_preset_get_label (preset));
  if (self->preset != preset)
    {
      self->preset = preset;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PRESET]);
    }
  if (self->valid != valid)
    {
      self->valid = valid;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_VALID]);
    }
}

static void
weight_changed_cb (SynthBiasMixEditor *self)
{
  g_autoptr (SynthBiasMix) mix = NULL;

  if (self->updating)
    return;

  mix = mix_from_rows (self);
  g_free (self->mix);
  self->mix = synth_bias_mix_to_string (mix);
  refresh (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_MIX]);
}

/* Sliders are relative weights: the heaviest category sits in the middle
 * of its track, so any category can still be raised above it (or lowered
 * to nothing) whatever scale the stored weights use. */
static void
apply_mix (SynthBiasMixEditor *self, const SynthBiasMix *mix)
{
  double max = 0;

  for (guint i = 0; i < SYNTH_N_BIAS_TYPES; i++)
    max = MAX (max, synth_bias_mix_get_weight (mix, i));

  self->updating = TRUE;
  for (guint i = 0; i < SYNTH_N_BIAS_TYPES; i++)
    {
      double weight = max > 0 ? synth_bias_mix_get_weight (mix, i) / max * 50.0 : 0;
      synth_bias_row_set_weight (self->rows[i], round (weight * 10.0) / 10.0);
    }
  self->updating = FALSE;
  refresh (self);
}

const char *
synth_bias_mix_editor_get_mix (SynthBiasMixEditor *self)
{
  g_return_val_if_fail (SYNTH_IS_BIAS_MIX_EDITOR (self), NULL);
  return self->mix;
}

void
synth_bias_mix_editor_set_mix (SynthBiasMixEditor *self, const char *text)
{
  g_autoptr (SynthBiasMix) mix = NULL;

  g_return_if_fail (SYNTH_IS_BIAS_MIX_EDITOR (self));

  if (g_strcmp0 (text, self->mix) == 0)
    return;

  /* A hand-edited setting that does not parse falls back to Balanced
   * rather than leaving the form unusable. */
  mix = synth_bias_mix_parse (text != NULL ? text : "", NULL);
  if (mix == NULL)
    mix = synth_bias_mix_new_preset ("balanced");

  g_free (self->mix);
  self->mix = synth_bias_mix_to_string (mix);
  apply_mix (self, mix);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_MIX]);
}

SynthBiasMix *
synth_bias_mix_editor_dup_bias_mix (SynthBiasMixEditor *self)
{
  g_return_val_if_fail (SYNTH_IS_BIAS_MIX_EDITOR (self), NULL);

  if (!self->valid)
    return NULL;
  return mix_from_rows (self);
}

guint
synth_bias_mix_editor_get_percent (SynthBiasMixEditor *self, SynthBiasType type)
{
  g_return_val_if_fail (SYNTH_IS_BIAS_MIX_EDITOR (self), 0);
  g_return_val_if_fail (type < SYNTH_N_BIAS_TYPES, 0);
  return (guint) self->percent[type];
}

gboolean
synth_bias_mix_editor_get_valid (SynthBiasMixEditor *self)
{
  g_return_val_if_fail (SYNTH_IS_BIAS_MIX_EDITOR (self), FALSE);
  return self->valid;
}

const char *
synth_bias_mix_editor_get_preset (SynthBiasMixEditor *self)
{
  g_return_val_if_fail (SYNTH_IS_BIAS_MIX_EDITOR (self), NULL);
  return self->preset;
}

static void
preset_action (GtkWidget *widget, const char *name, GVariant *param)
{
  SynthBiasMixEditor *self = SYNTH_BIAS_MIX_EDITOR (widget);
  g_autoptr (SynthBiasMix) mix = synth_bias_mix_new_preset (g_variant_get_string (param, NULL));

  if (mix == NULL)
    return;
  g_free (self->mix);
  self->mix = synth_bias_mix_to_string (mix);
  apply_mix (self, mix);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_MIX]);
}

static void
synth_bias_mix_editor_get_property (GObject *object,
                                    guint prop_id,
                                    GValue *value,
                                    GParamSpec *pspec)
{
  SynthBiasMixEditor *self = SYNTH_BIAS_MIX_EDITOR (object);

  switch (prop_id)
    {
    case PROP_MIX:
      g_value_set_string (value, self->mix);
      break;
    case PROP_VALID:
      g_value_set_boolean (value, self->valid);
      break;
    case PROP_PRESET:
      g_value_set_string (value, self->preset);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
synth_bias_mix_editor_set_property (GObject *object,
                                    guint prop_id,
                                    const GValue *value,
                                    GParamSpec *pspec)
{
  SynthBiasMixEditor *self = SYNTH_BIAS_MIX_EDITOR (object);

  switch (prop_id)
    {
    case PROP_MIX:
      synth_bias_mix_editor_set_mix (self, g_value_get_string (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
synth_bias_mix_editor_dispose (GObject *object)
{
  gtk_widget_dispose_template (GTK_WIDGET (object), SYNTH_TYPE_BIAS_MIX_EDITOR);
  G_OBJECT_CLASS (synth_bias_mix_editor_parent_class)->dispose (object);
}

static void
synth_bias_mix_editor_finalize (GObject *object)
{
  g_free (SYNTH_BIAS_MIX_EDITOR (object)->mix);
  G_OBJECT_CLASS (synth_bias_mix_editor_parent_class)->finalize (object);
}

static void
synth_bias_mix_editor_class_init (SynthBiasMixEditorClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = synth_bias_mix_editor_dispose;
  object_class->finalize = synth_bias_mix_editor_finalize;
  object_class->get_property = synth_bias_mix_editor_get_property;
  object_class->set_property = synth_bias_mix_editor_set_property;

  properties[PROP_MIX] =
      g_param_spec_string ("mix", NULL, NULL, NULL,
                           G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_VALID] =
      g_param_spec_boolean ("valid", NULL, NULL, FALSE,
                            G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_PRESET] =
      g_param_spec_string ("preset", NULL, NULL, NULL,
                           G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  g_type_ensure (SYNTH_TYPE_BIAS_ROW);
  gtk_widget_class_set_template_from_resource (
      widget_class, "/io/github/resumesynth/ResumeSynth/synth-bias-mix-editor.ui");
  gtk_widget_class_bind_template_child (widget_class, SynthBiasMixEditor, preset_button);
  gtk_widget_class_bind_template_child (widget_class, SynthBiasMixEditor, total_label);
  gtk_widget_class_bind_template_child_full (widget_class, "row_textual", FALSE,
                                             G_STRUCT_OFFSET (SynthBiasMixEditor, rows[0]));
  gtk_widget_class_bind_template_child_full (widget_class, "row_structural", FALSE,
                                             G_STRUCT_OFFSET (SynthBiasMixEditor, rows[1]));
  gtk_widget_class_bind_template_child_full (widget_class, "row_skill_match", FALSE,
                                             G_STRUCT_OFFSET (SynthBiasMixEditor, rows[2]));
  gtk_widget_class_bind_template_child_full (widget_class, "row_experience", FALSE,
                                             G_STRUCT_OFFSET (SynthBiasMixEditor, rows[3]));
  gtk_widget_class_bind_template_child_full (widget_class, "row_fairness", FALSE,
                                             G_STRUCT_OFFSET (SynthBiasMixEditor, rows[4]));
  gtk_widget_class_bind_template_child_full (widget_class, "row_domain_specific", FALSE,
                                             G_STRUCT_OFFSET (SynthBiasMixEditor, rows[5]));
  gtk_widget_class_bind_template_child_full (widget_class, "row_missing_noisy", FALSE,
                                             G_STRUCT_OFFSET (SynthBiasMixEditor, rows[6]));
  gtk_widget_class_bind_template_child_full (widget_class, "row_human_error", FALSE,
                                             G_STRUCT_OFFSET (SynthBiasMixEditor, rows[7]));
  gtk_widget_class_bind_template_child_full (widget_class, "row_none", FALSE,
                                             G_STRUCT_OFFSET (SynthBiasMixEditor, rows[8]));
  gtk_widget_class_bind_template_callback (widget_class, weight_changed_cb);

  gtk_widget_class_install_action (widget_class, "mix.preset", "s", preset_action);
}

static void
synth_bias_mix_editor_init (SynthBiasMixEditor *self)
{
  g_autoptr (SynthBiasMix) balanced = synth_bias_mix_new_preset ("balanced");

  gtk_widget_init_template (GTK_WIDGET (self));

  /* The rows' order in the template is the taxonomy's. */
  for (guint i = 0; i < SYNTH_N_BIAS_TYPES; i++)
    g_assert (synth_bias_row_get_bias_type (self->rows[i]) == i);

  self->mix = synth_bias_mix_to_string (balanced);
  apply_mix (self, balanced);
}
