/* test-offline-engine.c — the offline engine's records are true to their
 * slot: labels hold by construction (checked from the text alone, the way a
 * reviewer would), lengths stay in their class, fairness groups differ only
 * in the name, and generation is deterministic and thread-safe. */
#include "config.h"

#include <string.h>

#include "synth-corpus.h"
#include "synth-offline-engine.h"
#include "synth-run-spec.h"

/* Years of experience that belong to each seniority (as the job texts say:
 * junior 1+, mid 3+, senior 6+, lead 10+). */
static const guint level_min_years[SYNTH_N_SENIORITIES] = { 1, 3, 6, 10 };

/* ---- reading a record the way a reviewer would --------------------------- */

/* Case-insensitive; a word boundary is needed where the skill's own first or
 * last character is a letter or digit ("Java" is not in "JavaScript"). */
static gboolean
text_mentions (const char *text, const char *form)
{
  gsize n = strlen (form), len = strlen (text);

  for (gsize i = 0; n > 0 && i + n <= len; i++)
    {
      if (g_ascii_strncasecmp (text + i, form, n) != 0)
        continue;
      if (g_ascii_isalnum (form[0]) && i > 0 && g_ascii_isalnum (text[i - 1]))
        continue;
      if (g_ascii_isalnum (form[n - 1]) && i + n < len && g_ascii_isalnum (text[i + n]))
        continue;
      return TRUE;
    }
  return FALSE;
}

static const SynthSkill *
find_domain_skill (const char *domain_id, const char *name)
{
  const SynthCorpus *corpus = synth_corpus_get_default ();
  int d = synth_domain_index (domain_id);

  g_assert_cmpint (d, >=, 0);
  for (guint i = 0; i < corpus->domains[d].n_skills; i++)
    if (g_strcmp0 (corpus->domains[d].skills[i].name, name) == 0)
      return &corpus->domains[d].skills[i];
  return NULL;
}

static gboolean
resume_covers (const char *resume, const SynthSkill *skill)
{
  if (text_mentions (resume, skill->name))
    return TRUE;
  for (guint i = 0; skill->synonyms[i] != NULL; i++)
    if (text_mentions (resume, skill->synonyms[i]))
      return TRUE;
  for (guint i = 0; skill->abbreviations[i] != NULL; i++)
    if (text_mentions (resume, skill->abbreviations[i]))
      return TRUE;
  return FALSE;
}

/* The "Required skills: A, B, C" line of a job. */
static char **
required_skills (const char *job)
{
  const char *line = strstr (job, "Required skills: ");
  const char *end;
  g_autofree char *list = NULL;

  g_assert_nonnull (line);
  line += strlen ("Required skills: ");
  end = strchr (line, '\n');
  list = g_strndup (line, end != NULL ? (gsize) (end - line) : strlen (line));
  return g_strsplit (list, ", ", -1);
}

/* The first "N year(s)" the resume states (its summary). */
static guint
stated_years (const char *resume)
{
  for (const char *p = resume; *p != '\0'; p++)
    if (g_ascii_isdigit (*p) && (p == resume || !g_ascii_isalnum (p[-1])))
      {
        char *end;
        guint64 v = g_ascii_strtoull (p, &end, 10);
        if (g_str_has_prefix (end, " year"))
          return (guint) v;
        p = end - 1;
      }
  g_error ("The resume states no years of experience:\n%s", resume);
  return 0;
}

static guint
level_of_years (guint years)
{
  guint level = 0;

  while (level + 1 < SYNTH_N_SENIORITIES && years >= level_min_years[level + 1])
    level++;
  return level;
}

/* Asserts everything a record promises about itself and its slot. */
static void
check_record (SynthRecord *record, const SynthSlot *slot, guint *n_near_misses)
{
  const char *resume = synth_record_get_resume_text (record);
  const char *job = synth_record_get_job_skill_text (record);
  const char *detail = synth_record_get_bias_detail (record);
  g_auto (GStrv) required = required_skills (job);
  SynthSeniority job_level;
  guint covered = 0, n_required = g_strv_length (required), years, level, words;
  gboolean fits;

  g_assert_cmpuint (synth_record_get_index (record), ==, slot->index);
  g_assert_cmpint (synth_record_get_match_label (record), ==, slot->match_label);
  g_assert_cmpint (synth_record_get_bias_type (record), ==, slot->bias_type);
  g_assert_cmpstr (synth_record_get_bias_subtype (record), ==, synth_slot_get_subtype_id (slot));
  g_assert_cmpstr (synth_record_get_domain (record), ==, synth_domain_ids ()[slot->domain]);
  g_assert_cmpstr (synth_record_get_region (record), ==, synth_region_ids ()[slot->region]);
  g_assert_cmpstr (synth_record_get_split (record), ==, synth_slot_get_split (slot));
  g_assert_true (synth_record_get_name (record) != NULL &&
                 synth_record_get_name (record)[0] != '\0');
  g_assert_true (g_str_has_prefix (resume, synth_record_get_name (record)));

  /* Semantic biases say what they did; surface ones are described later by the transforms. */
  if (synth_bias_type_is_surface (slot->bias_type) || slot->bias_type == SYNTH_BIAS_NONE)
    g_assert_true (detail == NULL || detail[0] == '\0');
  else
    {
      g_autofree char *prefix = g_strdup_printf ("%s/%s: ", synth_bias_type_to_id (slot->bias_type),
                                                 synth_slot_get_subtype_id (slot));
      g_assert_true (g_str_has_prefix (detail, prefix));
    }

  words = synth_record_count_words (resume);
  if (slot->length == SYNTH_LENGTH_SHORT && (words < 80 || words > 200))
    g_error ("short resume has %u words (80–200 expected):\n%s", words, resume);
  if (slot->length == SYNTH_LENGTH_LONG && (words < 350 || words > 900))
    g_error ("long resume has %u words (350–900 expected):\n%s", words, resume);

  g_assert_cmpuint (n_required, >=, 4);
  for (guint i = 0; required[i] != NULL; i++)
    {
      const SynthSkill *skill = find_domain_skill (synth_record_get_domain (record), required[i]);
      if (skill == NULL)
        g_error ("Required skill “%s” is not a %s skill", required[i],
                 synth_record_get_domain (record));
      covered += resume_covers (resume, skill);
    }
  g_assert_true (synth_seniority_from_id (synth_record_get_seniority (record), &job_level));
  years = stated_years (resume);
  level = level_of_years (years);
  fits = level >= (guint) job_level && level <= (guint) job_level + 1;

  if (slot->match_label == 1)
    {
      if (covered != n_required || !fits)
        g_error ("positive record covers %u of %u required skills, %u years for a %s job "
                 "(%s):\n%s\n----\n%s",
                 covered, n_required, years, synth_record_get_seniority (record), detail, resume,
                 job);
    }
  else
    {
      if (covered == n_required && fits)
        g_error ("negative record covers all %u required skills at a fitting level (%u years, %s "
                 "job) (%s):\n%s\n----\n%s",
                 n_required, years, synth_record_get_seniority (record), detail, resume, job);
      if (covered > 0 && covered < n_required)
        (*n_near_misses)++;
    }
}

/* ---- slots ----------------------------------------------------------------- */

/* Every bias type × subtype × label × seniority × length, spread over all
 * domains and regions: the shapes a plan can produce, built by hand. */
static GArray *
exhaustive_slots (guint repeats)
{
  GArray *slots = g_array_new (FALSE, TRUE, sizeof (SynthSlot));
  guint index = 0;

  for (guint r = 0; r < repeats; r++)
    for (guint type = 0; type < SYNTH_N_BIAS_TYPES; type++)
      for (guint sub = 0; sub < MAX (synth_bias_type_get_n_subtypes (type), 1); sub++)
        for (guint label = 0; label < 2; label++)
          for (guint sen = 0; sen < SYNTH_N_SENIORITIES; sen++)
            for (guint len = 0; len < SYNTH_N_LENGTHS; len++)
              {
                SynthSlot slot = { 0 };

                slot.index = index++;
                slot.match_label = label;
                slot.bias_type = type;
                slot.bias_subtype = sub;
                slot.domain = (index * 7) % SYNTH_N_DOMAINS;
                slot.region = (index * 3) % SYNTH_N_REGIONS;
                slot.seniority = sen;
                slot.length = len;
                slot.group = type == SYNTH_BIAS_FAIRNESS ? slot.index : SYNTH_NO_GROUP;
                g_array_append_val (slots, slot);
              }
  return slots;
}

static SynthSlotPlan *
balanced_plan (guint records, guint64 seed)
{
  g_autoptr (SynthRunSpec) spec = synth_run_spec_new ();
  g_autoptr (GError) error = NULL;
  SynthSlotPlan *plan;

  spec->records = records;
  spec->seed = seed;
  synth_bias_mix_free (spec->bias_mix);
  spec->bias_mix =
      synth_bias_mix_parse ("textual=1,structural=1,skill_match=3,experience=3,fairness=2,"
                            "domain_specific=3,missing_noisy=1,human_error=1,none=1",
                            &error);
  g_assert_no_error (error);
  plan = synth_slot_plan_new_balanced (spec, &error);
  g_assert_no_error (error);
  return plan;
}

/* ---- tests -------------------------------------------------------------------- */

static void
test_labels_exhaustive (void)
{
  g_autoptr (SynthOfflineEngine) engine = synth_offline_engine_new (20240611, "t");
  g_autoptr (GArray) slots = exhaustive_slots (3);
  guint near_misses = 0, negatives = 0;

  for (guint i = 0; i < slots->len; i++)
    {
      const SynthSlot *slot = &g_array_index (slots, SynthSlot, i);
      g_autoptr (SynthRecord) record = synth_offline_engine_generate (engine, slot);

      check_record (record, slot, &near_misses);
      negatives += slot->match_label == 0;
    }
  /* Negatives are not all trivially unrelated: many share part of the skills. */
  g_assert_cmpuint (near_misses * 4, >=, negatives);
}

static void
test_labels_balanced_plan (void)
{
  g_autoptr (SynthSlotPlan) plan = balanced_plan (900, 7);
  g_autoptr (SynthOfflineEngine) engine = synth_offline_engine_new (7, "plan");
  guint near_misses = 0;

  for (guint i = 0; i < synth_slot_plan_get_n_slots (plan); i++)
    {
      const SynthSlot *slot = synth_slot_plan_get_slot (plan, i);
      g_autoptr (SynthRecord) record = synth_offline_engine_generate (engine, slot);
      g_autofree char *expected_id = g_strdup_printf ("plan-%07u", slot->index);

      check_record (record, slot, &near_misses);
      g_assert_cmpstr (synth_record_get_record_id (record), ==, expected_id);
    }
}

/* The resume with the person's name and e-mail address blanked out. */
static char *
without_person (const char *resume, const char *name)
{
  g_auto (GStrv) parts = g_strsplit (resume, name, -1);
  g_autofree char *joined = g_strjoinv ("<NAME>", parts);
  GString *s = g_string_new (joined);
  char *at = strchr (s->str, '@');
  gsize start, end;

  g_assert_nonnull (at);
  start = end = at - s->str;
  while (start > 0 && !g_ascii_isspace (s->str[start - 1]))
    start--;
  while (end < s->len && !g_ascii_isspace (s->str[end]))
    end++;
  g_string_erase (s, start, end - start);
  g_string_insert (s, start, "<EMAIL>");
  return g_string_free (s, FALSE);
}

static void
test_fairness_groups (void)
{
  g_autoptr (SynthSlotPlan) plan = balanced_plan (900, 99);
  g_autoptr (SynthOfflineEngine) engine = synth_offline_engine_new (99, "fair");
  g_autoptr (GHashTable) firsts =
      g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_object_unref);
  guint members = 0, groups_checked = 0;

  for (guint i = 0; i < synth_slot_plan_get_n_slots (plan); i++)
    {
      const SynthSlot *slot = synth_slot_plan_get_slot (plan, i);
      g_autoptr (SynthRecord) record = NULL;
      SynthRecord *first;

      if (slot->bias_type != SYNTH_BIAS_FAIRNESS)
        continue;
      record = synth_offline_engine_generate (engine, slot);
      g_assert_cmpstr (synth_record_get_split (record), ==, "eval");
      g_assert_true (synth_record_get_group_id (record) != NULL &&
                     synth_record_get_group_id (record)[0] != '\0');
      members++;
      first = g_hash_table_lookup (firsts, synth_record_get_group_id (record));
      if (first == NULL)
        {
          g_hash_table_insert (firsts, g_strdup (synth_record_get_group_id (record)),
                               g_object_ref (record));
          continue;
        }
      {
        g_autofree char *a =
            without_person (synth_record_get_resume_text (first), synth_record_get_name (first));
        g_autofree char *b =
            without_person (synth_record_get_resume_text (record), synth_record_get_name (record));

        g_assert_cmpstr (a, ==, b);
        g_assert_cmpstr (synth_record_get_job_skill_text (first), ==,
                         synth_record_get_job_skill_text (record));
        g_assert_cmpint (synth_record_get_match_label (first), ==,
                         synth_record_get_match_label (record));
        g_assert_cmpstr (synth_record_get_name (first), !=, synth_record_get_name (record));
        /* Each member's name comes from its own region's pool. */
        g_assert_cmpstr (synth_record_get_region (first), !=, synth_record_get_region (record));
        groups_checked++;
      }
    }
  g_assert_cmpuint (members, >, 0);
  g_assert_cmpuint (groups_checked, >, 0);
}

static void
test_names_from_region (void)
{
  const SynthCorpus *corpus = synth_corpus_get_default ();
  g_autoptr (SynthOfflineEngine) engine = synth_offline_engine_new (5, "names");
  g_autoptr (GArray) slots = exhaustive_slots (1);

  for (guint i = 0; i < slots->len; i++)
    {
      const SynthSlot *slot = &g_array_index (slots, SynthSlot, i);
      g_autoptr (SynthRecord) record = synth_offline_engine_generate (engine, slot);
      const SynthCorpusRegion *region = &corpus->regions[slot->region];
      const char *name = synth_record_get_name (record);
      gboolean given = FALSE, family = FALSE;

      for (guint k = 0; region->given_names[k] != NULL && !given; k++)
        given = g_str_has_prefix (name, region->given_names[k]);
      for (guint k = 0; region->family_names[k] != NULL && !family; k++)
        family = g_str_has_suffix (name, region->family_names[k]);
      if (!given || !family)
        g_error ("“%s” is not a name from %s", name, region->name);
    }
}

static GPtrArray *
generate_all (SynthOfflineEngine *engine, GArray *slots)
{
  GPtrArray *records = g_ptr_array_new_with_free_func (g_object_unref);

  for (guint i = 0; i < slots->len; i++)
    g_ptr_array_add (records,
                     synth_offline_engine_generate (engine, &g_array_index (slots, SynthSlot, i)));
  return records;
}

static void
assert_same_records (GPtrArray *a, GPtrArray *b)
{
  g_assert_cmpuint (a->len, ==, b->len);
  for (guint i = 0; i < a->len; i++)
    {
      SynthRecord *x = a->pdata[i], *y = b->pdata[i];

      g_assert_cmpstr (synth_record_get_record_id (x), ==, synth_record_get_record_id (y));
      g_assert_cmpstr (synth_record_get_name (x), ==, synth_record_get_name (y));
      g_assert_cmpstr (synth_record_get_resume_text (x), ==, synth_record_get_resume_text (y));
      g_assert_cmpstr (synth_record_get_job_skill_text (x), ==,
                       synth_record_get_job_skill_text (y));
      g_assert_cmpstr (synth_record_get_bias_detail (x), ==, synth_record_get_bias_detail (y));
      g_assert_cmpstr (synth_record_get_group_id (x), ==, synth_record_get_group_id (y));
    }
}

static void
test_determinism (void)
{
  g_autoptr (GArray) slots = exhaustive_slots (1);
  g_autoptr (SynthOfflineEngine) a = synth_offline_engine_new (42, "run");
  g_autoptr (SynthOfflineEngine) b = synth_offline_engine_new (42, "run");
  g_autoptr (SynthOfflineEngine) c = synth_offline_engine_new (43, "run");
  g_autoptr (GPtrArray) ra = generate_all (a, slots);
  g_autoptr (GPtrArray) rb = generate_all (b, slots);
  g_autoptr (GPtrArray) rc = generate_all (c, slots);
  g_autoptr (GHashTable) distinct = g_hash_table_new (g_str_hash, g_str_equal);
  guint differ = 0;

  assert_same_records (ra, rb);
  for (guint i = 0; i < ra->len; i++)
    {
      differ += g_strcmp0 (synth_record_get_resume_text (ra->pdata[i]),
                           synth_record_get_resume_text (rc->pdata[i])) != 0;
      g_hash_table_add (distinct, (gpointer) synth_record_get_resume_text (ra->pdata[i]));
    }
  /* Another seed gives another dataset, and no two slots share a resume. */
  g_assert_cmpuint (differ, ==, ra->len);
  g_assert_cmpuint (g_hash_table_size (distinct), ==, ra->len);
}

typedef struct
{
  SynthOfflineEngine *engine;
  GArray *slots;
} ThreadJob;

static gpointer
generate_in_thread (gpointer data)
{
  ThreadJob *job = data;

  return generate_all (job->engine, job->slots);
}

static void
test_threads (void)
{
  g_autoptr (GArray) slots = exhaustive_slots (1);
  g_autoptr (SynthOfflineEngine) engine = synth_offline_engine_new (77, "mt");
  ThreadJob job = { engine, slots };
  GThread *t1 = g_thread_new ("gen-1", generate_in_thread, &job);
  GThread *t2 = g_thread_new ("gen-2", generate_in_thread, &job);
  g_autoptr (GPtrArray) r1 = g_thread_join (t1);
  g_autoptr (GPtrArray) r2 = g_thread_join (t2);
  g_autoptr (GPtrArray) sequential = generate_all (engine, slots);

  assert_same_records (r1, r2);
  assert_same_records (r1, sequential);
}

/* Not a pass/fail on time (machines differ): reports records per second
 * so regressions show up in the test log. */
static void
test_throughput (void)
{
  g_autoptr (SynthSlotPlan) plan = balanced_plan (20000, 3);
  g_autoptr (SynthOfflineEngine) engine = synth_offline_engine_new (3, "speed");
  guint64 bytes = 0;
  gint64 start = g_get_monotonic_time ();
  double seconds;

  for (guint i = 0; i < synth_slot_plan_get_n_slots (plan); i++)
    {
      g_autoptr (SynthRecord) record =
          synth_offline_engine_generate (engine, synth_slot_plan_get_slot (plan, i));
      bytes += strlen (synth_record_get_resume_text (record)) +
               strlen (synth_record_get_job_skill_text (record));
    }
  seconds = MAX ((g_get_monotonic_time () - start) / 1e6, 1e-6);
  g_test_message ("offline engine: %.0f records/s single-threaded (%.1f MB/s of text)",
                  synth_slot_plan_get_n_slots (plan) / seconds, bytes / seconds / 1e6);
  g_assert_cmpuint (bytes, >, 0);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/offline-engine/labels/exhaustive", test_labels_exhaustive);
  g_test_add_func ("/offline-engine/labels/balanced-plan", test_labels_balanced_plan);
  g_test_add_func ("/offline-engine/fairness-groups", test_fairness_groups);
  g_test_add_func ("/offline-engine/names-from-region", test_names_from_region);
  g_test_add_func ("/offline-engine/determinism", test_determinism);
  g_test_add_func ("/offline-engine/threads", test_threads);
  g_test_add_func ("/offline-engine/throughput", test_throughput);
  return g_test_run ();
}
