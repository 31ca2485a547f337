/* test-stats.c — statistics on hand-built records with known answers. */
#include "config.h"

#include <glib/gstdio.h>
#include <math.h>
#include <string.h>

#include "synth-error.h"
#include "synth-stats.h"

typedef struct
{
  const char *name;
  const char *resume;
  const char *job;
  int label;
  SynthBiasType bias;
  const char *domain;
  const char *group;
} Fixture;

static void
add (SynthStats *stats, const Fixture *f)
{
  g_autoptr (SynthRecord) r = synth_record_new ();

  synth_record_set_name (r, f->name != NULL ? f->name : "Ana Silva");
  synth_record_set_resume_text (r, f->resume);
  synth_record_set_job_skill_text (r, f->job != NULL ? f->job : "Required skills: Python, SQL");
  synth_record_set_match_label (r, f->label);
  synth_record_set_bias_type (r, f->bias);
  synth_record_set_domain (r, f->domain != NULL ? f->domain : "software");
  synth_record_set_seniority (r, "mid");
  synth_record_set_region (r, "west_africa");
  synth_record_set_group_id (r, f->group);
  synth_stats_add_record (stats, r);
}

/* A deterministic resume of @n_words words from a vocabulary of 4000, so two
 * texts from different seeds share almost no 5-word shingle. */
static char *
long_text (guint seed, guint n_words)
{
  GString *s = g_string_new ("Summary\n");
  guint64 x = seed * 2654435761u + 1;

  for (guint i = 0; i < n_words; i++)
    {
      x = x * 6364136223846793005u + 1442695040888963407u;
      g_string_append_printf (s, "%sw%u", i % 12 == 11 ? "\n• " : " ", (guint) (x >> 33) % 4000);
    }
  return g_string_free (s, FALSE);
}

/* Replaces the word starting at byte @at (a "w…" token) by "changed". */
static char *
change_word (const char *text, gsize at)
{
  const char *end = strchr (text + at, ' ');
  GString *s = g_string_new_len (text, at);

  g_string_append (s, "changed");
  g_string_append (s, end != NULL ? end : "");
  return g_string_free (s, FALSE);
}

static void
test_labels_and_duplicates (void)
{
  g_autoptr (SynthStats) stats = synth_stats_new ();
  g_autofree char *a = long_text (1, 220);
  g_autofree char *b = long_text (2, 220);
  g_autofree char *a_spaced = g_strdup_printf ("  %s \n\n", a);
  g_autofree char *a_changed = change_word (a, strstr (a + strlen (a) / 2, " w") + 1 - a);
  g_autofree char *a_upper = g_ascii_strup (a, -1);

  g_assert_cmpstr (a_changed, !=, a);
  add (stats, &(Fixture){ .resume = a, .label = 1 });
  add (stats, &(Fixture){ .resume = a_spaced, .label = 1 });  /* exact: whitespace only */
  add (stats, &(Fixture){ .resume = a_changed, .label = 0 }); /* near: one word changed */
  add (stats, &(Fixture){ .resume = b, .label = 0 });         /* different */

  g_assert_cmpuint (synth_stats_get_records (stats), ==, 4);
  g_assert_cmpuint (synth_stats_get_label_count (stats, 0), ==, 2);
  g_assert_cmpuint (synth_stats_get_label_count (stats, 1), ==, 2);
  g_assert_cmpfloat (synth_stats_get_positive_ratio (stats), ==, 0.5);
  g_assert_cmpuint (synth_stats_get_exact_duplicates (stats), ==, 1);
  g_assert_cmpuint (synth_stats_get_near_duplicates (stats), ==, 1);
  g_assert_cmpuint (synth_stats_get_near_duplicates_within_groups (stats), ==, 0);

  /* A case change is not an exact duplicate, but is a near one (tokens are
   * case-folded). */
  add (stats, &(Fixture){ .resume = a_upper, .label = 1 });
  g_assert_cmpuint (synth_stats_get_exact_duplicates (stats), ==, 1);
  g_assert_cmpuint (synth_stats_get_near_duplicates (stats), ==, 2);
}

static void
test_near_duplicates_none_among_distinct (void)
{
  g_autoptr (SynthStats) stats = synth_stats_new ();

  for (guint i = 0; i < 300; i++)
    {
      g_autofree char *t = long_text (100 + i, 80 + i % 200);
      add (stats, &(Fixture){ .resume = t, .label = i % 2 });
    }
  g_assert_cmpuint (synth_stats_get_exact_duplicates (stats), ==, 0);
  g_assert_cmpuint (synth_stats_get_near_duplicates (stats), ==, 0);
}

static void
test_near_duplicates_within_groups (void)
{
  g_autoptr (SynthStats) stats = synth_stats_new ();
  g_autofree char *t = long_text (7, 300);
  g_autofree char *ana = g_strconcat ("Ana Silva\n", t, NULL);
  g_autofree char *kwame = g_strconcat ("Kwame Mensah\n", t, NULL);
  g_autofree char *mei = g_strconcat ("Mei Chen\n", t, NULL);

  add (stats, &(Fixture){ .name = "Ana Silva",
                          .resume = ana,
                          .label = 1,
                          .bias = SYNTH_BIAS_FAIRNESS,
                          .group = "g000001" });
  add (stats, &(Fixture){ .name = "Kwame Mensah",
                          .resume = kwame,
                          .label = 1,
                          .bias = SYNTH_BIAS_FAIRNESS,
                          .group = "g000001" });
  /* The same text outside the group is an unintended near duplicate. */
  add (stats, &(Fixture){ .name = "Mei Chen", .resume = mei, .label = 1, .bias = SYNTH_BIAS_NONE });
  g_assert_cmpuint (synth_stats_get_near_duplicates (stats), ==, 2);
  g_assert_cmpuint (synth_stats_get_near_duplicates_within_groups (stats), ==, 1);
}

/* Two positives and two negatives against a four-skill job. */
static double
auc_of (const char *pos1, const char *pos2, const char *neg1, const char *neg2)
{
  g_autoptr (SynthStats) stats = synth_stats_new ();
  const char *job = "Required skills: Python, SQL, Docker, Excel";

  add (stats, &(Fixture){ .resume = pos1, .job = job, .label = 1 });
  add (stats, &(Fixture){ .resume = pos2, .job = job, .label = 1 });
  add (stats, &(Fixture){ .resume = neg1, .job = job, .label = 0 });
  add (stats, &(Fixture){ .resume = neg2, .job = job, .label = 0 });
  return synth_stats_get_overlap_auc (stats);
}

static void
test_overlap_auc (void)
{
  const char *all = "Python SQL Docker Excel", *three = "Python SQL Docker";
  const char *half = "Python and Excel", *one = "Excel only", *none = "Nothing relevant";
  g_autoptr (SynthStats) one_class = synth_stats_new ();
  g_autoptr (SynthStats) stats = synth_stats_new ();
  guint64 hist[SYNTH_STATS_OVERLAP_BINS];

  g_assert_cmpfloat (auc_of (all, three, one, none), ==, 1.0);
  g_assert_cmpfloat (auc_of (half, half, half, half), ==, 0.5);
  g_assert_cmpfloat (auc_of (one, none, all, three), ==, 0.0);
  /* (½ vs ½) ties count half, the other three pairs win: 3.5 / 4. */
  g_assert_cmpfloat (auc_of (half, all, half, none), ==, 0.875);

  add (one_class, &(Fixture){ .resume = all, .label = 1 });
  g_assert_true (isnan (synth_stats_get_overlap_auc (one_class)));

  /* Means, medians and tenths by label. */
  add (stats, &(Fixture){ .resume = all,
                          .job = "Required skills: Python, SQL, Docker, Excel",
                          .label = 1 });
  add (stats, &(Fixture){ .resume = three,
                          .job = "Required skills: Python, SQL, Docker, Excel",
                          .label = 1 });
  add (stats, &(Fixture){ .resume = half,
                          .job = "Required skills: Python, SQL, Docker, Excel",
                          .label = 1 });
  add (stats, &(Fixture){ .resume = none,
                          .job = "Required skills: Python, SQL, Docker, Excel",
                          .label = 0 });
  g_assert_cmpfloat_with_epsilon (synth_stats_get_overlap_mean (stats, 1), 0.75, 1e-12);
  g_assert_cmpfloat (synth_stats_get_overlap_median (stats, 1), ==, 0.75);
  g_assert_cmpfloat (synth_stats_get_overlap_median (stats, 0), ==, 0.0);
  g_assert_true (isnan (synth_stats_get_overlap_median (one_class, 0)));
  synth_stats_get_overlap_histogram (stats, 1, hist);
  g_assert_cmpuint (hist[5], ==, 1);
  g_assert_cmpuint (hist[7], ==, 1);
  g_assert_cmpuint (hist[9], ==, 1);
  g_assert_cmpuint (hist[0] + hist[1] + hist[2] + hist[3] + hist[4] + hist[6] + hist[8], ==, 0);
}

static void
test_distinct_2_and_names (void)
{
  g_autoptr (SynthStats) stats = synth_stats_new ();
  g_autoptr (SynthStats) empty = synth_stats_new ();

  /* the-cat, cat-sat, sat-on, on-the, the-cat: 4 distinct of 5. */
  add (stats, &(Fixture){ .name = "Ana Silva", .resume = "The cat sat on the cat.", .label = 1 });
  g_assert_cmpfloat_with_epsilon (synth_stats_get_distinct_2 (stats), 0.8, 1e-12);
  g_assert_false (synth_stats_get_distinct_2_is_estimate (stats));
  /* Bigrams do not cross records: "cat the" is not counted. */
  add (stats, &(Fixture){ .name = "ana  SILVA", .resume = "the CAT", .label = 0 });
  g_assert_cmpfloat_with_epsilon (synth_stats_get_distinct_2 (stats), 4.0 / 6.0, 1e-12);
  add (stats, &(Fixture){ .name = "Kwame Mensah", .resume = "one", .label = 0 });
  add (stats, &(Fixture){ .name = " ", .resume = "two", .label = 0 });
  /* Names ignore case and spacing; a blank name is not counted. */
  g_assert_cmpfloat_with_epsilon (synth_stats_get_unique_name_ratio (stats), 2.0 / 3.0, 1e-12);

  g_assert_true (isnan (synth_stats_get_distinct_2 (empty)));
  g_assert_true (isnan (synth_stats_get_unique_name_ratio (empty)));
  g_assert_true (isnan (synth_stats_get_positive_ratio (empty)));
}

static void
test_distinct_2_estimated (void)
{
  g_autoptr (SynthStats) stats = synth_stats_new ();
  g_autoptr (GString) s = g_string_new (NULL);
  guint64 distinct, total;

  /* 200,000 different words: 199,999 bigrams, all distinct, beyond the
   * exact set, so the estimate takes over (±0.4 % expected, 2 % allowed). */
  for (guint i = 0; i < 200000; i++)
    g_string_append_printf (s, "t%u ", i);
  add (stats, &(Fixture){ .resume = s->str, .label = 1 });
  g_assert_true (synth_stats_get_distinct_2_is_estimate (stats));
  g_assert_cmpfloat (fabs (synth_stats_get_distinct_2 (stats) - 1.0), <, 0.02);
  /* The same text again: the bigrams double, the distinct ones do not. */
  add (stats, &(Fixture){ .resume = s->str, .label = 0 });
  synth_stats_get_bigram_counts (stats, &distinct, &total);
  g_assert_cmpuint (total, ==, 2 * 199999);
  g_assert_cmpfloat (fabs ((double) distinct / 199999 - 1.0), <, 0.02);
  g_assert_cmpfloat (fabs (synth_stats_get_distinct_2 (stats) - 0.5), <, 0.01);
}

static void
test_lengths (void)
{
  g_autoptr (SynthStats) stats = synth_stats_new ();
  SynthLengthSummary s;
  guint64 hist[3];
  guint start, width, n_bins;

  add (stats, &(Fixture){ .resume = "héllo", .job = "a b", .label = 1 });
  add (stats, &(Fixture){ .resume = "one two", .job = "a b", .label = 1 });
  add (stats, &(Fixture){ .resume = "one two three", .job = "a b c d", .label = 0 });
  add (stats, &(Fixture){ .resume = "1 2 3 4 5 6 7 8 9 10", .job = "a b c d", .label = 0 });

  g_assert_true (
      synth_stats_get_length_summary (stats, SYNTH_STATS_TEXT_RESUME, SYNTH_STATS_UNIT_WORDS, &s));
  g_assert_cmpuint (s.count, ==, 4);
  g_assert_cmpuint (s.min, ==, 1);
  g_assert_cmpuint (s.max, ==, 10);
  g_assert_cmpfloat (s.median, ==, 2.5);
  g_assert_cmpfloat (s.mean, ==, 4.0);
  g_assert_true (
      synth_stats_get_length_summary (stats, SYNTH_STATS_TEXT_RESUME, SYNTH_STATS_UNIT_CHARS, &s));
  g_assert_cmpuint (s.min, ==, 5); /* "héllo" is 5 characters, 6 bytes */
  g_assert_cmpuint (s.max, ==, 20);
  g_assert_cmpfloat (s.median, ==, 10.0); /* 5, 7, 13, 20 */
  g_assert_true (
      synth_stats_get_length_summary (stats, SYNTH_STATS_TEXT_JOB, SYNTH_STATS_UNIT_WORDS, &s));
  g_assert_cmpfloat (s.median, ==, 3.0);

  /* Words 1, 2, 3, 10 in bins [0,4) [4,8) [8,12). */
  synth_stats_get_length_histogram (stats, SYNTH_STATS_TEXT_RESUME, SYNTH_STATS_UNIT_WORDS, 0, 4, 3,
                                    hist);
  g_assert_cmpuint (hist[0], ==, 3);
  g_assert_cmpuint (hist[1], ==, 0);
  g_assert_cmpuint (hist[2], ==, 1);
  g_assert_true (synth_stats_get_length_bins (stats, SYNTH_STATS_TEXT_RESUME,
                                              SYNTH_STATS_UNIT_WORDS, 4, &start, &width, &n_bins));
  g_assert_cmpuint (width, ==, 5);
  g_assert_cmpuint (start, ==, 0);
  g_assert_cmpuint (n_bins, ==, 3);
}

static void
test_categories (void)
{
  g_autoptr (SynthStats) stats = synth_stats_new ();
  g_autoptr (SynthRunSpec) spec = synth_run_spec_new ();
  g_autoptr (GError) error = NULL;
  g_auto (GStrv) ids = NULL;
  guint n;

  synth_bias_mix_free (spec->bias_mix);
  spec->bias_mix = synth_bias_mix_parse ("textual=3,fairness=1", &error);
  g_assert_no_error (error);
  synth_stats_set_spec (stats, spec);

  add (stats,
       &(Fixture){ .resume = "a", .label = 1, .bias = SYNTH_BIAS_TEXTUAL, .domain = "software" });
  add (stats,
       &(Fixture){ .resume = "b", .label = 1, .bias = SYNTH_BIAS_TEXTUAL, .domain = "software" });
  add (stats,
       &(Fixture){ .resume = "c", .label = 0, .bias = SYNTH_BIAS_FAIRNESS, .domain = "data" });
  add (stats, &(Fixture){ .resume = "d",
                          .label = 0,
                          .bias = SYNTH_BIAS_FAIRNESS,
                          .domain = "<script>alert(1)</script>" });

  g_assert_cmpuint (synth_stats_get_bias_count (stats, SYNTH_BIAS_TEXTUAL), ==, 2);
  g_assert_cmpuint (synth_stats_get_bias_count (stats, SYNTH_BIAS_HUMAN_ERROR), ==, 0);
  g_assert_cmpfloat (synth_stats_get_bias_achieved_fraction (stats, SYNTH_BIAS_FAIRNESS), ==, 0.5);
  g_assert_cmpfloat (synth_stats_get_bias_requested_fraction (stats, SYNTH_BIAS_TEXTUAL), ==, 0.75);
  g_assert_cmpfloat (synth_stats_get_bias_requested_fraction (stats, SYNTH_BIAS_NONE), ==, 0.0);
  g_assert_cmpfloat (synth_stats_get_target_positive_ratio (stats), ==, 0.5);

  /* Every known domain is listed, then ids found only in the data. */
  ids = synth_stats_dup_attribute_ids (stats, SYNTH_STATS_ATTR_DOMAIN);
  n = g_strv_length (ids);
  g_assert_cmpuint (n, ==, 13);
  g_assert_cmpstr (ids[0], ==, "software");
  g_assert_cmpstr (ids[12], ==, "<script>alert(1)</script>");
  g_assert_cmpuint (synth_stats_get_attribute_count (stats, SYNTH_STATS_ATTR_DOMAIN, "software"),
                    ==, 2);
  g_assert_cmpuint (synth_stats_get_attribute_count (stats, SYNTH_STATS_ATTR_DOMAIN, "legal"), ==,
                    0);
  g_assert_cmpuint (synth_stats_get_attribute_count (stats, SYNTH_STATS_ATTR_REGION, "west_africa"),
                    ==, 4);
  g_assert_cmpuint (synth_stats_get_attribute_count (stats, SYNTH_STATS_ATTR_SENIORITY, "mid"), ==,
                    4);
}

static void
test_unknown_ids_bounded (void)
{
  g_autoptr (SynthStats) stats = synth_stats_new ();
  g_auto (GStrv) ids = NULL;

  for (guint i = 0; i < 1100; i++)
    {
      g_autofree char *domain = g_strdup_printf ("junk%04u", i);
      add (stats, &(Fixture){ .resume = "x", .label = 1, .domain = domain });
    }
  ids = synth_stats_dup_attribute_ids (stats, SYNTH_STATS_ATTR_DOMAIN);
  g_assert_cmpuint (g_strv_length (ids), ==, 12 + 1000 + 1);
  g_assert_cmpuint (synth_stats_get_attribute_count (stats, SYNTH_STATS_ATTR_DOMAIN, "other"), ==,
                    100);
}

static JsonObject *
member_object (JsonObject *o, const char *name)
{
  g_assert_true (json_object_has_member (o, name));
  return json_object_get_object_member (o, name);
}

static SynthStats *
json_fixture (void)
{
  SynthStats *stats = synth_stats_new ();
  g_autoptr (SynthRunSpec) spec = synth_run_spec_new ();
  g_autoptr (SynthUsage) usage = synth_usage_new ();

  g_free (spec->model);
  spec->model = g_strdup ("gpt-<b>&co");
  usage->requests = 12;
  usage->retries = 2;
  usage->prompt_tokens = 1000;
  usage->completion_tokens = 500;
  usage->cost = 0.25;
  usage->wall_seconds = 3.5;
  synth_usage_add_failure (usage, "wrong_label", 3);
  synth_stats_set_spec (stats, spec);
  synth_stats_set_usage (stats, usage);
  synth_stats_set_prompts_version (stats, "prompts-3");
  synth_stats_set_run_id (stats, "run-1");
  add (stats, &(Fixture){ .resume = "Python and SQL", .label = 1 });
  add (stats, &(Fixture){ .resume = "Cooking", .label = 0 });
  return stats;
}

static void
test_json (void)
{
  g_autoptr (SynthStats) stats = json_fixture ();
  g_autoptr (JsonNode) root = synth_stats_to_json (stats);
  g_autoptr (JsonNode) after = NULL;
  g_autofree char *before_text = NULL, *after_text = NULL;
  const char *const keys[] = { "records",          "label_counts",
                               "label_balance",    "bias_counts",
                               "bias_mix",         "domain_counts",
                               "seniority_counts", "region_counts",
                               "length",           "duplicates",
                               "distinct_2",       "unique_name_ratio",
                               "overlap_auc",      "overlap_by_label",
                               "failures",         "usage",
                               "provenance",       NULL };
  JsonObject *o = json_node_get_object (root), *len, *prov;

  for (guint i = 0; keys[i] != NULL; i++)
    g_assert_true (json_object_has_member (o, keys[i]));
  g_assert_cmpint (json_object_get_int_member (o, "records"), ==, 2);
  g_assert_cmpint (json_object_get_int_member (member_object (o, "label_counts"), "1"), ==, 1);
  g_assert_cmpint (json_object_get_int_member (member_object (o, "label_counts"), "0"), ==, 1);
  g_assert_cmpfloat (
      json_object_get_double_member (member_object (o, "label_balance"), "target_positive_ratio"),
      ==, 0.5);
  for (SynthBiasType t = 0; t < SYNTH_N_BIAS_TYPES; t++)
    {
      JsonObject *mix = member_object (member_object (o, "bias_mix"), synth_bias_type_to_id (t));
      g_assert_true (
          json_object_has_member (member_object (o, "bias_counts"), synth_bias_type_to_id (t)));
      g_assert_true (json_object_has_member (mix, "requested_fraction"));
      g_assert_true (json_object_has_member (mix, "achieved_fraction"));
    }
  len = member_object (member_object (member_object (o, "length"), "resume"), "words");
  g_assert_cmpint (json_object_get_int_member (len, "min"), ==, 1);
  g_assert_cmpint (json_object_get_int_member (len, "max"), ==, 3);
  g_assert_cmpfloat (json_object_get_double_member (len, "median"), ==, 2.0);
  g_assert_true (json_object_has_member (len, "mean"));
  g_assert_true (json_object_has_member (len, "histogram"));
  g_assert_true (
      json_object_has_member (member_object (member_object (o, "length"), "job"), "chars"));
  g_assert_true (json_object_has_member (member_object (o, "duplicates"), "exact"));
  g_assert_true (json_object_has_member (member_object (o, "duplicates"), "near"));
  g_assert_cmpfloat (json_object_get_double_member (o, "overlap_auc"), ==, 1.0);
  g_assert_cmpint (json_object_get_int_member (member_object (o, "failures"), "wrong_label"), ==,
                   3);
  g_assert_cmpint (json_object_get_int_member (member_object (o, "usage"), "total_tokens"), ==,
                   1500);
  g_assert_cmpfloat (json_object_get_double_member (member_object (o, "usage"), "cost"), ==, 0.25);

  prov = member_object (o, "provenance");
  g_assert_cmpstr (json_object_get_string_member (prov, "app_version"), ==, PACKAGE_VERSION);
  g_assert_cmpstr (json_object_get_string_member (prov, "seed"), ==, "42");
  g_assert_cmpstr (json_object_get_string_member (prov, "provider"), ==, "offline");
  g_assert_cmpstr (json_object_get_string_member (prov, "model"), ==, "gpt-<b>&co");
  g_assert_cmpstr (json_object_get_string_member (prov, "prompts_version"), ==, "prompts-3");
  g_assert_cmpstr (json_object_get_string_member (prov, "run_id"), ==, "run-1");
  g_assert_nonnull (json_object_get_string_member (prov, "bias_mix"));

  /* Finishing frees the working memory but changes no figure. */
  before_text = json_to_string (root, FALSE);
  synth_stats_finish (stats);
  g_assert_true (synth_stats_is_finished (stats));
  after = synth_stats_to_json (stats);
  after_text = json_to_string (after, FALSE);
  g_assert_cmpstr (before_text, ==, after_text);
}

static void
test_json_empty (void)
{
  g_autoptr (SynthStats) stats = synth_stats_new ();
  g_autoptr (JsonNode) root = synth_stats_to_json (stats);
  JsonObject *o = json_node_get_object (root);

  /* No records, no spec: figures that do not exist are null, not 0 or NaN. */
  g_assert_true (json_object_get_null_member (o, "overlap_auc"));
  g_assert_true (json_object_get_null_member (o, "distinct_2"));
  g_assert_true (json_object_get_null_member (o, "usage"));
  g_assert_true (json_object_get_null_member (member_object (o, "provenance"), "seed"));
  g_assert_true (json_object_get_null_member (
      member_object (member_object (member_object (o, "length"), "job"), "chars"), "median"));
}

static void
test_write_json (void)
{
  g_autoptr (SynthStats) stats = json_fixture ();
  g_autoptr (GError) error = NULL;
  g_autoptr (JsonParser) parser = json_parser_new ();
  g_autofree char *dir = g_dir_make_tmp ("test-stats-XXXXXX", &error);
  g_autofree char *path = g_build_filename (dir, "data.stats.json", NULL);
  g_autofree char *missing = g_build_filename (dir, "no-such-dir", "data.stats.json", NULL);

  g_assert_no_error (error);
  g_assert_true (synth_stats_write_json (stats, path, &error));
  g_assert_no_error (error);
  g_assert_true (json_parser_load_from_file (parser, path, &error));
  g_assert_no_error (error);
  g_assert_cmpint (
      json_object_get_int_member (json_node_get_object (json_parser_get_root (parser)), "records"),
      ==, 2);

  g_assert_false (synth_stats_write_json (stats, missing, &error));
  g_assert_error (error, SYNTH_ERROR, SYNTH_ERROR_IO);
  g_assert_nonnull (strstr (error->message, missing));
  g_assert_false (g_file_test (missing, G_FILE_TEST_EXISTS));

  g_assert_cmpint (g_remove (path), ==, 0);
  g_assert_cmpint (g_rmdir (dir), ==, 0);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/stats/labels-and-duplicates", test_labels_and_duplicates);
  g_test_add_func ("/stats/near-duplicates/none-among-distinct",
                   test_near_duplicates_none_among_distinct);
  g_test_add_func ("/stats/near-duplicates/within-groups", test_near_duplicates_within_groups);
  g_test_add_func ("/stats/overlap-auc", test_overlap_auc);
  g_test_add_func ("/stats/distinct-2-and-names", test_distinct_2_and_names);
  g_test_add_func ("/stats/distinct-2-estimated", test_distinct_2_estimated);
  g_test_add_func ("/stats/lengths", test_lengths);
  g_test_add_func ("/stats/categories", test_categories);
  g_test_add_func ("/stats/unknown-ids-bounded", test_unknown_ids_bounded);
  g_test_add_func ("/stats/json", test_json);
  g_test_add_func ("/stats/json-empty", test_json_empty);
  g_test_add_func ("/stats/write-json", test_write_json);
  return g_test_run ();
}
