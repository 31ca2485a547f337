/* synth-bias-row.c — a bias category's weight slider. */
#include "config.h"

#include <glib/gi18n.h>

#include "synth-bias-row.h"

struct _SynthBiasRow
{
  AdwPreferencesRow parent_instance;

  GtkLabel *name_label;
  GtkLabel *percent_label;
  GtkScale *scale;
  GtkAdjustment *adjustment;

  SynthBiasType bias_type;
};

G_DEFINE_FINAL_TYPE (SynthBiasRow, synth_bias_row, ADW_TYPE_PREFERENCES_ROW)

enum
{
  PROP_0,
  PROP_BIAS_ID,
  PROP_WEIGHT,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

SynthBiasType
synth_bias_row_get_bias_type (SynthBiasRow *self)
{
  g_return_val_if_fail (SYNTH_IS_BIAS_ROW (self), SYNTH_BIAS_NONE);
  return self->bias_type;
}

double
synth_bias_row_get_weight (SynthBiasRow *self)
{
  g_return_val_if_fail (SYNTH_IS_BIAS_ROW (self), 0);
  return gtk_adjustment_get_value (self->adjustment);
}

void
synth_bias_row_set_weight (SynthBiasRow *self, double weight)
{
  g_return_if_fail (SYNTH_IS_BIAS_ROW (self));
  gtk_adjustment_set_value (self->adjustment, weight);
}

void
synth_bias_row_set_percent (SynthBiasRow *self, guint percent)
{
  g_autofree char *text = NULL;

  g_return_if_fail (SYNTH_IS_BIAS_ROW (self));

  /* Translators: a share of the records, e.g. "13 %"; keep the %u. */
  text = g_strdup_printf (_ ("%u %%"), percent);
  gtk_label_set_text (self->percent_label, text);
}

static void
value_changed_cb (SynthBiasRow *self)
{
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_WEIGHT]);
}

static void
set_bias_id (SynthBiasRow *self, const char *id)
{
  const char *label;
  g_autofree char *accessible = NULL;

  if (id == NULL || !synth_bias_type_from_id (id, &self->bias_type))
    self->bias_type = SYNTH_BIAS_NONE;

  label = self->bias_type == SYNTH_BIAS_NONE ? _ ("None (clean control)")
                                             : synth_bias_type_get_label (self->bias_type);
  gtk_label_set_text (self->name_label, label);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self), label);
  gtk_widget_set_tooltip_text (GTK_WIDGET (self),
                               synth_bias_type_get_description (self->bias_type));
  /* Translators: the accessible name of a slider, e.g. "Weight of Textual". */
  accessible = g_strdup_printf (_ ("Weight of %s"), label);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->scale), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  accessible, GTK_ACCESSIBLE_PROPERTY_DESCRIPTION,
                                  synth_bias_type_get_description (self->bias_type), -1);
}

static void
synth_bias_row_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  SynthBiasRow *self = SYNTH_BIAS_ROW (object);

  switch (prop_id)
    {
    case PROP_BIAS_ID:
      g_value_set_string (value, synth_bias_type_to_id (self->bias_type));
      break;
    case PROP_WEIGHT:
      g_value_set_double (value, synth_bias_row_get_weight (self));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
synth_bias_row_set_property (GObject *object, guint prop_id, const GValue *value, GParamSpec *pspec)
{
  SynthBiasRow *self = SYNTH_BIAS_ROW (object);

  switch (prop_id)
    {
    case PROP_BIAS_ID:
      set_bias_id (self, g_value_get_string (value));
      break;
    case PROP_WEIGHT:
      synth_bias_row_set_weight (self, g_value_get_double (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
synth_bias_row_dispose (GObject *object)
{
  gtk_widget_dispose_template (GTK_WIDGET (object), SYNTH_TYPE_BIAS_ROW);
  G_OBJECT_CLASS (synth_bias_row_parent_class)->dispose (object);
}

static void
synth_bias_row_class_init (SynthBiasRowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = synth_bias_row_dispose;
  object_class->get_property = synth_bias_row_get_property;
  object_class->set_property = synth_bias_row_set_property;

  properties[PROP_BIAS_ID] =
      g_param_spec_string ("bias-id", NULL, NULL, "none",
                           G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_WEIGHT] =
      g_param_spec_double ("weight", NULL, NULL, 0, 100, 0,
                           G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (
      widget_class, "/io/github/resumesynth/ResumeSynth/synth-bias-row.ui");
  gtk_widget_class_bind_template_child (widget_class, SynthBiasRow, name_label);
  gtk_widget_class_bind_template_child (widget_class, SynthBiasRow, percent_label);
  gtk_widget_class_bind_template_child (widget_class, SynthBiasRow, scale);
  gtk_widget_class_bind_template_child (widget_class, SynthBiasRow, adjustment);
  gtk_widget_class_bind_template_callback (widget_class, value_changed_cb);
}

static void
synth_bias_row_init (SynthBiasRow *self)
{
  self->bias_type = SYNTH_BIAS_NONE;
  gtk_widget_init_template (GTK_WIDGET (self));
}
