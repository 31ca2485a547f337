/* synth-run-spec.c — the parameters that define and reproduce a run. */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <json-glib/json-glib.h>
#include <math.h>
#include <string.h>

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
  spec->price_in = -1;
  spec->price_out = -1;
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
  copy->models_used = g_strdupv (spec->models_used);
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
  g_strfreev (spec->models_used);
  g_free (spec);
}

/* The limits, timeout and prices kept for an OpenAI run. A negative price
 * only means "the model's", so any finite one is accepted. */
static gboolean
validate_endpoint_settings (const SynthRunSpec *spec, GError **error)
{
  if (!(spec->requests_per_minute >= 0.0) || !isfinite (spec->requests_per_minute))
    {
      g_set_error (error, SYNTH_ERROR, SYNTH_ERROR_INVALID_ARGUMENT,
                   _ ("The limit of %g requests per minute is invalid: give zero (no limit) or "
                      "more"),
                   spec->requests_per_minute);
      return FALSE;
    }
  if (!(spec->tokens_per_minute >= 0.0) || !isfinite (spec->tokens_per_minute))
    {
      g_set_error (error, SYNTH_ERROR, SYNTH_ERROR_INVALID_ARGUMENT,
                   _ ("The limit of %g tokens per minute is invalid: give zero (no limit) or "
                      "more"),
                   spec->tokens_per_minute);
      return FALSE;
    }
  if (spec->timeout_ms > SYNTH_TIMEOUT_MS_MAX)
    {
      g_set_error (error, SYNTH_ERROR, SYNTH_ERROR_INVALID_ARGUMENT,
                   _ ("The request timeout of %u ms is out of range: choose up to %u s"),
                   spec->timeout_ms, SYNTH_TIMEOUT_MS_MAX / 1000);
      return FALSE;
    }
  if (!isfinite (spec->price_in) || !isfinite (spec->price_out))
    {
      g_set_error (error, SYNTH_ERROR, SYNTH_ERROR_INVALID_ARGUMENT,
                   _ ("The prices %g and %g per million tokens are invalid: give amounts of "
                      "zero or more"),
                   spec->price_in, spec->price_out);
      return FALSE;
    }
  return TRUE;
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
  if (!validate_endpoint_settings (spec, error))
    return FALSE;
  if (spec->provider == NULL ||
      (g_strcmp0 (spec->provider, "offline") != 0 && g_strcmp0 (spec->provider, "openai") != 0))
    {
      g_set_error (error, SYNTH_ERROR, SYNTH_ERROR_INVALID_ARGUMENT,
                   _ ("Unknown provider “%s”: choose “offline” or “openai”"),
                   spec->provider ? spec->provider : "");
      return FALSE;
    }
  return synth_bias_mix_validate (spec->bias_mix, error);
}

/* json-glib 1.6 appends ".0" to a double printed without a '.', so 1e17 is
 * written "1e+17.0", 2e-92 "2e-92.0" and infinity "inf.0", which no JSON
 * parser reads back: a run store holding one could never be opened again.
 * A large one is a whole number and is written as an integer while it fits;
 * otherwise the value moves by an ulp (away from zero when tiny, towards it
 * when huge) until it prints with a '.'. Non-finite values mean nothing here
 * and are written as 0. */
static void
builder_add_double (JsonBuilder *b, double value)
{
  char buf[G_ASCII_DTOSTR_BUF_SIZE];

  if (!isfinite (value))
    value = 0.0;
  while (strchr (g_ascii_dtostr (buf, sizeof buf, value), '.') == NULL &&
         strpbrk (buf, "eE") != NULL)
    {
      if (fabs (value) >= 1.0 && fabs (value) < 9.2e18)
        {
          json_builder_add_int_value (b, (gint64) value);
          return;
        }
      value = nextafter (value, fabs (value) < 1.0 ? copysign (INFINITY, value) : 0.0);
    }
  json_builder_add_double_value (b, value);
}

/* A price, or null for "the model's own". */
static void
builder_add_price (JsonBuilder *b, const char *name, double price)
{
  json_builder_set_member_name (b, name);
  if (price >= 0.0)
    builder_add_double (b, price);
  else
    json_builder_add_null_value (b);
}

static void
add_endpoint_settings (JsonBuilder *b, const SynthRunSpec *spec)
{
  g_auto (GStrv) models = synth_run_spec_dup_models_used (spec);

  json_builder_set_member_name (b, "rpm");
  builder_add_double (b, spec->requests_per_minute);
  json_builder_set_member_name (b, "tpm");
  builder_add_double (b, spec->tokens_per_minute);
  json_builder_set_member_name (b, "timeout_ms");
  json_builder_add_int_value (b, spec->timeout_ms);
  builder_add_price (b, "price_in", spec->price_in);
  builder_add_price (b, "price_out", spec->price_out);
  /* Always written, so provenance names the models without a special case. */
  json_builder_set_member_name (b, "models_used");
  json_builder_begin_array (b);
  for (guint i = 0; models[i] != NULL; i++)
    json_builder_add_string_value (b, models[i]);
  json_builder_end_array (b);
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
  builder_add_double (b, spec->positive_ratio);
  json_builder_set_member_name (b, "short_ratio");
  builder_add_double (b, spec->short_ratio);
  json_builder_set_member_name (b, "bias_mix");
  json_builder_begin_object (b);
  for (guint i = 0; i < SYNTH_N_BIAS_TYPES; i++)
    {
      json_builder_set_member_name (b, synth_bias_type_to_id (i));
      builder_add_double (b, synth_bias_mix_get_weight (spec->bias_mix, i));
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
  builder_add_double (b, spec->budget);
  add_endpoint_settings (b, spec);
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

/* A count as a guint. Casting a double outside guint's range is undefined in
 * C, and a damaged store may hold anything: out-of-range values become 0 or
 * G_MAXUINT, which validation then refuses with a message naming them. */
static guint
member_uint (JsonObject *o, const char *name, guint fallback)
{
  double d = member_double (o, name, fallback);

  if (!(d >= 0.0)) /* also NaN */
    return 0;
  if (d >= (double) G_MAXUINT)
    return G_MAXUINT;
  return (guint) d;
}

static const char *
member_string (JsonObject *o, const char *name)
{
  JsonNode *n = json_object_get_member (o, name);
  if (n == NULL || JSON_NODE_TYPE (n) != JSON_NODE_VALUE ||
      json_node_get_value_type (n) != G_TYPE_STRING)
    return NULL;
  return json_node_get_string (n);
}

/* A price, -1 ("the model's") when null, missing, not a number or negative. */
static double
member_price (JsonObject *o, const char *name)
{
  JsonNode *n = json_object_get_member (o, name);
  double price;

  if (n == NULL || !JSON_NODE_HOLDS_VALUE (n) || json_node_get_value_type (n) == G_TYPE_STRING)
    return -1;
  price = json_node_get_double (n);
  return price >= 0.0 ? price : -1;
}

/* Stores made before these keys existed have none of them: defaults. */
static void
read_endpoint_settings (JsonObject *o, SynthRunSpec *spec)
{
  JsonNode *node = json_object_get_member (o, "models_used");
  g_autoptr (GPtrArray) models = g_ptr_array_new ();

  spec->requests_per_minute = member_double (o, "rpm", 0);
  spec->tokens_per_minute = member_double (o, "tpm", 0);
  spec->timeout_ms = member_uint (o, "timeout_ms", 0);
  spec->price_in = member_price (o, "price_in");
  spec->price_out = member_price (o, "price_out");
  if (node == NULL || !JSON_NODE_HOLDS_ARRAY (node))
    return;
  for (guint i = 0; i < json_array_get_length (json_node_get_array (node)); i++)
    {
      JsonNode *item = json_array_get_element (json_node_get_array (node), i);
      const char *model;

      if (JSON_NODE_TYPE (item) != JSON_NODE_VALUE ||
          json_node_get_value_type (item) != G_TYPE_STRING)
        continue;
      model = json_node_get_string (item);
      if (*model != '\0' && !g_ptr_array_find_with_equal_func (models, model, g_str_equal, NULL))
        g_ptr_array_add (models, (gpointer) model);
    }
  /* One model is the model itself: only a switch makes a list worth keeping. */
  if (models->len > 1)
    {
      g_ptr_array_add (models, NULL);
      spec->models_used = g_strdupv ((char **) models->pdata);
    }
}

SynthRunSpec *
synth_run_spec_from_json (const char *json, GError **error)
{
  g_autoptr (JsonParser) parser = json_parser_new ();
  g_autoptr (SynthRunSpec) spec = synth_run_spec_new ();
  JsonObject *o;
  JsonNode *root, *mix;
  const char *seed;

  if (!json_parser_load_from_data (parser, json, -1, error))
    return NULL;
  /* An empty document parses, with no root at all. */
  root = json_parser_get_root (parser);
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    {
      g_set_error (error, SYNTH_ERROR, SYNTH_ERROR_PARSE,
                   _ ("The run specification is not a JSON object"));
      return NULL;
    }
  o = json_node_get_object (root);

  spec->records = member_uint (o, "records", spec->records);
  spec->batch_size = member_uint (o, "batch_size", spec->batch_size);
  spec->positive_ratio = member_double (o, "positive_ratio", spec->positive_ratio);
  spec->short_ratio = member_double (o, "short_ratio", spec->short_ratio);
  spec->concurrency = member_uint (o, "concurrency", spec->concurrency);
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
  read_endpoint_settings (o, spec);
  /* Not json_object_get_object_member(): it is a critical, not an answer,
   * when the member is something else than an object. */
  if ((mix = json_object_get_member (o, "bias_mix")) != NULL && JSON_NODE_HOLDS_OBJECT (mix))
    for (guint i = 0; i < SYNTH_N_BIAS_TYPES; i++)
      synth_bias_mix_set_weight (
          spec->bias_mix, i,
          member_double (json_node_get_object (mix), synth_bias_type_to_id (i), 0));

  if (!synth_run_spec_validate (spec, error))
    return NULL;
  return g_steal_pointer (&spec);
}

gboolean
synth_run_spec_set_model (SynthRunSpec *spec, const char *model)
{
  g_autoptr (GStrvBuilder) builder = NULL;
  g_auto (GStrv) used = NULL;

  g_return_val_if_fail (spec != NULL, FALSE);
  if (g_strcmp0 (spec->model, model) == 0)
    return FALSE;
  used = synth_run_spec_dup_models_used (spec);
  builder = g_strv_builder_new ();
  g_strv_builder_addv (builder, (const char **) used);
  if (model != NULL && !g_strv_contains ((const char *const *) used, model))
    g_strv_builder_add (builder, model);
  g_strfreev (spec->models_used);
  spec->models_used = g_strv_builder_end (builder);
  g_free (spec->model);
  spec->model = g_strdup (model);
  return TRUE;
}

char **
synth_run_spec_dup_models_used (const SynthRunSpec *spec)
{
  g_autoptr (GStrvBuilder) builder = g_strv_builder_new ();

  g_return_val_if_fail (spec != NULL, NULL);
  if (spec->models_used != NULL)
    g_strv_builder_addv (builder, (const char **) spec->models_used);
  /* A model set by hand after the list was made still counts. */
  if (spec->model != NULL && *spec->model != '\0' &&
      (spec->models_used == NULL ||
       !g_strv_contains ((const char *const *) spec->models_used, spec->model)))
    g_strv_builder_add (builder, spec->model);
  return g_strv_builder_end (builder);
}

/* The first field that defines the dataset and differs, with both values. */
static const char *
first_dataset_difference (const SynthRunSpec *a, const SynthRunSpec *b, char **from, char **to)
{
  if (a->records != b->records)
    {
      *from = g_strdup_printf ("%u", a->records);
      *to = g_strdup_printf ("%u", b->records);
      return _ ("number of records");
    }
  if (a->batch_size != b->batch_size)
    {
      *from = g_strdup_printf ("%u", a->batch_size);
      *to = g_strdup_printf ("%u", b->batch_size);
      return _ ("batch size");
    }
  if (a->positive_ratio != b->positive_ratio || a->short_ratio != b->short_ratio)
    {
      gboolean positive = a->positive_ratio != b->positive_ratio;
      *from = g_strdup_printf ("%g", positive ? a->positive_ratio : a->short_ratio);
      *to = g_strdup_printf ("%g", positive ? b->positive_ratio : b->short_ratio);
      return positive ? _ ("positive ratio") : _ ("share of short resumes");
    }
  if (!synth_bias_mix_equal (a->bias_mix, b->bias_mix))
    {
      *from = synth_bias_mix_to_string (a->bias_mix);
      *to = synth_bias_mix_to_string (b->bias_mix);
      return _ ("bias mix");
    }
  if (a->seed != b->seed)
    {
      *from = g_strdup_printf ("%" G_GUINT64_FORMAT, a->seed);
      *to = g_strdup_printf ("%" G_GUINT64_FORMAT, b->seed);
      return _ ("seed");
    }
  if (g_strcmp0 (a->provider, b->provider) != 0)
    {
      *from = g_strdup (a->provider ? a->provider : "");
      *to = g_strdup (b->provider ? b->provider : "");
      return _ ("provider");
    }
  return NULL;
}

gboolean
synth_run_spec_check_same_dataset (const SynthRunSpec *spec,
                                   const SynthRunSpec *changed,
                                   GError **error)
{
  g_autofree char *from = NULL, *to = NULL;
  const char *what;

  g_return_val_if_fail (spec != NULL && changed != NULL, FALSE);
  if ((what = first_dataset_difference (spec, changed, &from, &to)) == NULL)
    return TRUE;
  g_set_error (error, SYNTH_ERROR, SYNTH_ERROR_INVALID_ARGUMENT,
               /* Translators: the first %s is what was to change, e.g. "seed"; then the run's
                * value and the one asked for. */
               _ ("The %s of a run cannot change once it has started (it is %s; %s was asked): "
                  "it defines the dataset and the slots already planned. Start a new run to use "
                  "another one."),
               what, from, to);
  return FALSE;
}
