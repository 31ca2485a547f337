/* synth-run-spec.c — the parameters that define and reproduce a run. */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <json-glib/json-glib.h>
#include <math.h>

#include "synth-error.h"
#include "synth-run-spec.h"

G_DEFINE_BOXED_TYPE (SynthRunSpec, synth_run_spec, synth_run_spec_copy, synth_run_spec_free)

SynthRunSpec *
synth_run_spec_new (void)
{
  SynthRunSpec *spec = g_new0 (SynthRunSpec, 1);

  spec->records = 1000;
  spec->batch_size = 25;
  spec->positive_ratio = 0.5;
  spec->short_ratio = 0.5;
  spec->bias_mix = synth_bias_mix_new ();
  spec->seed = 42;
  spec->provider = g_strdup ("offline");
  spec->concurrency = 4;
  return spec;
}

SynthRunSpec *
synth_run_spec_copy (const SynthRunSpec *spec)
{
  SynthRunSpec *copy = g_memdup2 (spec, sizeof *spec);

  copy->bias_mix = synth_bias_mix_copy (spec->bias_mix);
  copy->provider = g_strdup (spec->provider);
  copy->model = g_strdup (spec->model);
  copy->base_url = g_strdup (spec->base_url);
  return copy;
}

void
synth_run_spec_free (SynthRunSpec *spec)
{
  if (spec == NULL)
    return;
  synth_bias_mix_free (spec->bias_mix);
  g_free (spec->provider);
  g_free (spec->model);
  g_free (spec->base_url);
  g_free (spec);
}

gboolean
synth_run_spec_validate (const SynthRunSpec *spec, GError **error)
{
  if (spec->records < 1 || spec->records > SYNTH_RECORDS_MAX)
    {
      g_set_error (error, SYNTH_ERROR, SYNTH_ERROR_INVALID_ARGUMENT,
                   _ ("The record count %u is out of range: choose 1 to %u"), spec->records,
                   SYNTH_RECORDS_MAX);
      return FALSE;
    }
  if (spec->batch_size < 1 || spec->batch_size > SYNTH_BATCH_SIZE_MAX)
    {
      g_set_error (error, SYNTH_ERROR, SYNTH_ERROR_INVALID_ARGUMENT,
                   _ ("The batch size %u is out of range: choose 1 to %u"), spec->batch_size,
                   SYNTH_BATCH_SIZE_MAX);
      return FALSE;
    }
  if (!(spec->positive_ratio >= 0.0 && spec->positive_ratio <= 1.0))
    {
      g_set_error (error, SYNTH_ERROR, SYNTH_ERROR_INVALID_ARGUMENT,
                   _ ("The positive ratio %g is out of range: choose 0 to 1"),
                   spec->positive_ratio);
      return FALSE;
    }
  if (!(spec->short_ratio >= 0.0 && spec->short_ratio <= 1.0))
    {
      g_set_error (error, SYNTH_ERROR, SYNTH_ERROR_INVALID_ARGUMENT,
                   _ ("The share of short resumes %g is out of range: choose 0 to 1"),
                   spec->short_ratio);
      return FALSE;
    }
  if (spec->concurrency < 1 || spec->concurrency > SYNTH_CONCURRENCY_MAX)
    {
      g_set_error (error, SYNTH_ERROR, SYNTH_ERROR_INVALID_ARGUMENT,
                   _ ("The concurrency %u is out of range: choose 1 to %u"), spec->concurrency,
                   SYNTH_CONCURRENCY_MAX);
      return FALSE;
    }
  if (!(spec->budget >= 0.0) || !isfinite (spec->budget))
    {
      g_set_error (error, SYNTH_ERROR, SYNTH_ERROR_INVALID_ARGUMENT,
                   _ ("The budget %g is invalid: give an amount of zero (no cap) or more"),
                   spec->budget);
      return FALSE;
    }
  if (spec->provider == NULL
      || (g_strcmp0 (spec->provider, "offline") != 0 && g_strcmp0 (spec->provider, "openai") != 0))
    {
      g_set_error (error, SYNTH_ERROR, SYNTH_ERROR_INVALID_ARGUMENT,
                   _ ("Unknown provider “%s”: choose “offline” or “openai”"),
                   spec->provider ? spec->provider : "");
      return FALSE;
    }
  return synth_bias_mix_validate (spec->bias_mix, error);
}

char *
synth_run_spec_to_json (const SynthRunSpec *spec)
{
  g_autoptr (JsonBuilder) b = json_builder_new ();
  g_autoptr (JsonGenerator) gen = json_generator_new ();
  g_autoptr (JsonNode) root = NULL;

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "records");
  json_builder_add_int_value (b, spec->records);
  json_builder_set_member_name (b, "batch_size");
  json_builder_add_int_value (b, spec->batch_size);
  json_builder_set_member_name (b, "positive_ratio");
  json_builder_add_double_value (b, spec->positive_ratio);
  json_builder_set_member_name (b, "short_ratio");
  json_builder_add_double_value (b, spec->short_ratio);
  json_builder_set_member_name (b, "bias_mix");
  json_builder_begin_object (b);
  for (guint i = 0; i < SYNTH_N_BIAS_TYPES; i++)
    {
      json_builder_set_member_name (b, synth_bias_type_to_id (i));
      json_builder_add_double_value (b, synth_bias_mix_get_weight (spec->bias_mix, i));
    }
  json_builder_end_object (b);
  /* As a string: a 64-bit seed does not survive a JSON double. */
  json_builder_set_member_name (b, "seed");
  {
    g_autofree char *seed = g_strdup_printf ("%" G_GUINT64_FORMAT, spec->seed);
    json_builder_add_string_value (b, seed);
  }
  json_builder_set_member_name (b, "provider");
  json_builder_add_string_value (b, spec->provider);
  json_builder_set_member_name (b, "model");
  if (spec->model)
    json_builder_add_string_value (b, spec->model);
  else
    json_builder_add_null_value (b);
  json_builder_set_member_name (b, "base_url");
  if (spec->base_url)
    json_builder_add_string_value (b, spec->base_url);
  else
    json_builder_add_null_value (b);
  json_builder_set_member_name (b, "concurrency");
  json_builder_add_int_value (b, spec->concurrency);
  json_builder_set_member_name (b, "budget");
  json_builder_add_double_value (b, spec->budget);
  json_builder_end_object (b);

  root = json_builder_get_root (b);
  json_generator_set_root (gen, root);
  return json_generator_to_data (gen, NULL);
}

static double
member_double (JsonObject *o, const char *name, double fallback)
{
  JsonNode *n = json_object_get_member (o, name);
  if (n == NULL || !JSON_NODE_HOLDS_VALUE (n))
    return fallback;
  return json_node_get_double (n);
}

static const char *
member_string (JsonObject *o, const char *name)
{
  JsonNode *n = json_object_get_member (o, name);
  if (n == NULL || JSON_NODE_TYPE (n) != JSON_NODE_VALUE
      || json_node_get_value_type (n) != G_TYPE_STRING)
    return NULL;
  return json_node_get_string (n);
}

SynthRunSpec *
synth_run_spec_from_json (const char *json, GError **error)
{
  g_autoptr (JsonParser) parser = json_parser_new ();
  g_autoptr (SynthRunSpec) spec = synth_run_spec_new ();
  JsonObject *o, *mix;
  const char *seed;

  if (!json_parser_load_from_data (parser, json, -1, error))
    return NULL;
  if (!JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
    {
      g_set_error (error, SYNTH_ERROR, SYNTH_ERROR_PARSE, _ ("The run specification is not a JSON object"));
      return NULL;
    }
  o = json_node_get_object (json_parser_get_root (parser));

  spec->records = (guint) member_double (o, "records", spec->records);
  spec->batch_size = (guint) member_double (o, "batch_size", spec->batch_size);
  spec->positive_ratio = member_double (o, "positive_ratio", spec->positive_ratio);
  spec->short_ratio = member_double (o, "short_ratio", spec->short_ratio);
  spec->concurrency = (guint) member_double (o, "concurrency", spec->concurrency);
  spec->budget = member_double (o, "budget", 0);
  if ((seed = member_string (o, "seed")))
    spec->seed = g_ascii_strtoull (seed, NULL, 10);
  if (member_string (o, "provider"))
    {
      g_free (spec->provider);
      spec->provider = g_strdup (member_string (o, "provider"));
    }
  spec->model = g_strdup (member_string (o, "model"));
  spec->base_url = g_strdup (member_string (o, "base_url"));
  if (json_object_has_member (o, "bias_mix")
      && (mix = json_object_get_object_member (o, "bias_mix")))
    for (guint i = 0; i < SYNTH_N_BIAS_TYPES; i++)
      synth_bias_mix_set_weight (spec->bias_mix, i,
                                 member_double (mix, synth_bias_type_to_id (i), 0));

  if (!synth_run_spec_validate (spec, error))
    return NULL;
  return g_steal_pointer (&spec);
}
