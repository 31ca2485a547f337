/* test-record.c — records, run specs, usage and the PRNG. */
#include "config.h"

#include <glib.h>
#include <string.h>

#include "synth-error.h"
#include "synth-record.h"
#include "synth-rng.h"
#include "synth-run-spec.h"
#include "synth-usage.h"

/* xoshiro256** seeded by splitmix64(42): the first output. */
#define PINNED_FIRST_VALUE G_GUINT64_CONSTANT (0x15780b2e0c2ec716)

static void
notify_count (GObject *obj, GParamSpec *pspec, gpointer data)
{
  (*(guint *) data)++;
}

static void
test_record_fields (void)
{
  g_autoptr (SynthRecord) r = synth_record_new ();
  g_autoptr (SynthRecord) copy = NULL;
  g_autofree char *bias_id = NULL;
  guint notified = 0;

  synth_record_set_name (r, "Chidi Okafor");
  synth_record_set_resume_text (r, "SUMMARY\nEngineer — ✓ naïve");
  synth_record_set_clean_resume_text (r, "clean");
  synth_record_set_match_label (r, 1);
  synth_record_set_bias_type (r, SYNTH_BIAS_TEXTUAL);
  synth_record_set_index (r, 42);
  copy = synth_record_copy (r);
  synth_record_set_name (r, "changed");

  g_assert_cmpstr (synth_record_get_name (copy), ==, "Chidi Okafor");
  g_assert_cmpstr (synth_record_get_resume_text (copy), ==, "SUMMARY\nEngineer — ✓ naïve");
  g_assert_cmpstr (synth_record_get_clean_resume_text (copy), ==, "clean");
  g_assert_cmpint (synth_record_get_match_label (copy), ==, 1);
  g_assert_cmpuint (synth_record_get_index (copy), ==, 42);

  g_object_get (copy, "bias-id", &bias_id, NULL);
  g_assert_cmpstr (bias_id, ==, "textual");

  g_signal_connect (r, "notify::review-status", G_CALLBACK (notify_count), &notified);
  synth_record_set_review_status (r, SYNTH_REVIEW_ACCEPTED);
  synth_record_set_review_status (r, SYNTH_REVIEW_ACCEPTED);
  g_assert_cmpuint (notified, ==, 1);
  g_assert_cmpstr (synth_review_status_to_id (synth_record_get_review_status (r)), ==, "accepted");

  g_assert_cmpuint (synth_record_count_words ("  one two\nthree\t four "), ==, 4);
  g_assert_cmpuint (synth_record_count_words (""), ==, 0);
}

static void
test_spec_json (void)
{
  g_autoptr (SynthRunSpec) spec = synth_run_spec_new ();
  g_autoptr (SynthRunSpec) back = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *json = NULL;

  spec->records = 1234;
  spec->seed = G_MAXUINT64 - 5; /* does not survive a double */
  spec->positive_ratio = 0.3;
  g_free (spec->model);
  spec->model = g_strdup ("gpt-4o-mini");
  synth_bias_mix_set_weight (spec->bias_mix, SYNTH_BIAS_FAIRNESS, 4.5);
  json = synth_run_spec_to_json (spec);
  back = synth_run_spec_from_json (json, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (back->records, ==, 1234);
  g_assert_cmpuint (back->seed, ==, G_MAXUINT64 - 5);
  g_assert_cmpfloat (back->positive_ratio, ==, 0.3);
  g_assert_cmpstr (back->model, ==, "gpt-4o-mini");
  g_assert_true (synth_bias_mix_equal (spec->bias_mix, back->bias_mix));
}

static void
test_spec_validate (void)
{
  g_autoptr (SynthRunSpec) spec = synth_run_spec_new ();
  g_autoptr (GError) error = NULL;

  spec->batch_size = 101;
  g_assert_false (synth_run_spec_validate (spec, &error));
  g_assert_error (error, SYNTH_ERROR, SYNTH_ERROR_INVALID_ARGUMENT);
  g_assert_nonnull (strstr (error->message, "1 to 100"));
  g_clear_error (&error);

  spec->batch_size = 25;
  spec->concurrency = 65;
  g_assert_false (synth_run_spec_validate (spec, &error));
  g_assert_nonnull (strstr (error->message, "1 to 64"));
}

static void
test_usage (void)
{
  g_autoptr (SynthUsage) a = synth_usage_new ();
  g_autoptr (SynthUsage) b = synth_usage_new ();
  g_autoptr (SynthUsage) back = NULL;
  g_autofree char *json = NULL;

  a->prompt_tokens = 10;
  a->cost = 0.5;
  synth_usage_add_failure (a, "wrong_label", 2);
  b->prompt_tokens = 5;
  synth_usage_add_failure (b, "wrong_label", 1);
  synth_usage_add_failure (b, "timeout", 4);
  synth_usage_add (a, b);
  g_assert_cmpuint (a->prompt_tokens, ==, 15);
  g_assert_cmpuint (synth_usage_get_failure (a, "wrong_label"), ==, 3);
  g_assert_cmpuint (synth_usage_get_total_failures (a), ==, 7);

  json = synth_usage_to_json (a);
  back = synth_usage_from_json (json, NULL);
  g_assert_nonnull (back);
  g_assert_cmpuint (back->prompt_tokens, ==, 15);
  g_assert_cmpuint (synth_usage_get_failure (back, "timeout"), ==, 4);
  g_assert_cmpfloat (back->cost, ==, 0.5);
}

static void
test_rng (void)
{
  SynthRng a, b;
  guint counts[10] = { 0 };
  int data[100];

  synth_rng_init (&a, 1);
  synth_rng_init (&b, 1);
  for (guint i = 0; i < 1000; i++)
    g_assert_cmpuint (synth_rng_next (&a), ==, synth_rng_next (&b));

  /* The stream is pinned: a dataset's seed must mean the same thing forever. */
  synth_rng_init (&a, 42);
  g_assert_cmpuint (synth_rng_next (&a), ==, PINNED_FIRST_VALUE);
  synth_rng_init (&a, 7);
  for (guint i = 0; i < 100000; i++)
    counts[synth_rng_below (&a, 10)]++;
  for (guint i = 0; i < 10; i++)
    g_assert_cmpuint (counts[i], >, 9500);

  for (guint i = 0; i < 100; i++)
    data[i] = i;
  synth_rng_shuffle (&a, data, 100, sizeof (int));
  {
    int sum = 0, moved = 0;
    for (guint i = 0; i < 100; i++)
      {
        sum += data[i];
        moved += data[i] != (int) i;
      }
    g_assert_cmpint (sum, ==, 4950);
    g_assert_cmpint (moved, >, 80);
  }
  g_assert_cmpuint (synth_rng_mix (1, 2), !=, synth_rng_mix (2, 1));
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/record/fields", test_record_fields);
  g_test_add_func ("/run-spec/json", test_spec_json);
  g_test_add_func ("/run-spec/validate", test_spec_validate);
  g_test_add_func ("/usage/add-json", test_usage);
  g_test_add_func ("/rng/basics", test_rng);
  return g_test_run ();
}
