/* test-corpus.c — the built-in corpus has the breadth the offline engine
 * and the transforms promise: enough domains, skills, names and word lists,
 * no blanks, no duplicates, and lookups that find what a user would type. */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "synth-corpus.h"

static void
assert_strv_nonempty_strings (char **strv, guint min, const char *what)
{
  guint n = 0;

  g_assert_nonnull (strv);
  for (; strv[n] != NULL; n++)
    {
      if (strv[n][0] == '\0' || g_ascii_isspace (strv[n][0]))
        g_error ("%s[%u] is empty or starts with a space", what, n);
    }
  if (n < min)
    g_error ("%s has %u entries, expected at least %u", what, n, min);
}

static guint
count_unique_ci (char **strv)
{
  g_autoptr (GHashTable) seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);

  for (guint i = 0; strv[i] != NULL; i++)
    g_hash_table_add (seen, g_utf8_casefold (strv[i], -1));
  return g_hash_table_size (seen);
}

static void
test_domains (void)
{
  const SynthCorpus *corpus = synth_corpus_get_default ();

  for (guint d = 0; d < SYNTH_N_DOMAINS; d++)
    {
      const SynthCorpusDomain *dom = &corpus->domains[d];
      g_autoptr (GHashTable) names = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
      guint with_alternatives = 0;

      g_assert_cmpstr (dom->id, ==, synth_domain_ids ()[d]);
      g_assert_true (dom->name != NULL && dom->name[0] != '\0');
      g_assert_cmpuint (dom->n_skills, >=, 40);
      for (guint i = 0; i < dom->n_skills; i++)
        {
          const SynthSkill *s = &dom->skills[i];

          g_assert_true (s->name != NULL && s->name[0] != '\0');
          if (!g_hash_table_add (names, g_utf8_casefold (s->name, -1)))
            g_error ("%s: skill “%s” is listed twice", dom->id, s->name);
          assert_strv_nonempty_strings (s->synonyms, 0, s->name);
          assert_strv_nonempty_strings (s->abbreviations, 0, s->name);
          /* Job texts list skills comma-separated. */
          g_assert_null (strchr (s->name, ','));
          if (s->synonyms[0] != NULL || s->abbreviations[0] != NULL)
            with_alternatives++;
        }
      /* Synonyms and abbreviations exist for many real skills, not all. */
      if (with_alternatives * 3 < dom->n_skills)
        g_error ("%s: only %u of %u skills have a synonym or abbreviation", dom->id,
                 with_alternatives, dom->n_skills);

      assert_strv_nonempty_strings (dom->legacy_tools, 8, "legacy_tools");
      for (guint s = 0; s < SYNTH_N_SENIORITIES; s++)
        {
          assert_strv_nonempty_strings (dom->titles[s], 4, synth_seniority_to_id (s));
          g_assert_cmpuint (count_unique_ci (dom->titles[s]), ==, g_strv_length (dom->titles[s]));
        }
      assert_strv_nonempty_strings (dom->bullets, 8, "bullets");
      for (guint i = 0; dom->bullets[i] != NULL; i++)
        g_assert_nonnull (strstr (dom->bullets[i], "{skill}"));
      assert_strv_nonempty_strings (dom->companies, 8, "companies");
      assert_strv_nonempty_strings (dom->certifications, 4, "certifications");
      assert_strv_nonempty_strings (dom->degrees, 3, "degrees");
      assert_strv_nonempty_strings (dom->job_intros, 3, "job_intros");
      assert_strv_nonempty_strings (dom->responsibilities, 4, "responsibilities");
      assert_strv_nonempty_strings (dom->adjacent_domains, 1, "adjacent_domains");
      for (guint i = 0; dom->adjacent_domains[i] != NULL; i++)
        {
          g_assert_cmpint (synth_domain_index (dom->adjacent_domains[i]), >=, 0);
          g_assert_cmpstr (dom->adjacent_domains[i], !=, dom->id);
        }
    }
}

static void
test_regions (void)
{
  const SynthCorpus *corpus = synth_corpus_get_default ();
  g_autoptr (GHashTable) all_given = g_hash_table_new (g_str_hash, g_str_equal);

  for (guint r = 0; r < SYNTH_N_REGIONS; r++)
    {
      const SynthCorpusRegion *reg = &corpus->regions[r];

      g_assert_cmpstr (reg->id, ==, synth_region_ids ()[r]);
      g_assert_true (reg->name != NULL && reg->name[0] != '\0');
      assert_strv_nonempty_strings (reg->given_names, 60, "given_names");
      assert_strv_nonempty_strings (reg->family_names, 60, "family_names");
      g_assert_cmpuint (count_unique_ci (reg->given_names), >=, 60);
      g_assert_cmpuint (count_unique_ci (reg->family_names), >=, 60);
      assert_strv_nonempty_strings (reg->cities, 4, "cities");
      assert_strv_nonempty_strings (reg->schools, 4, "schools");
      for (guint i = 0; reg->given_names[i] != NULL; i++)
        g_hash_table_add (all_given, reg->given_names[i]);
    }
  /* Regions are distinct name pools, not one list copied ten times. */
  g_assert_cmpuint (g_hash_table_size (all_given), >=, 500);
}

static void
test_lists (void)
{
  const SynthCorpus *corpus = synth_corpus_get_default ();
  static const struct
  {
    const char *name;
    guint min;
  } lists[] = {
    { "buzzwords", 30 },
    { "padding_phrases", 20 },
    { "soft_skills", 20 },
    { "summary_templates", 8 },
    { "html_artifacts", 10 },
    { "section_summary", 4 },
    { "section_experience", 4 },
    { "section_education", 4 },
    { "section_skills", 4 },
    { "section_certifications", 4 },
    { "months", 12 },
    { "generic_companies", 8 },
    { "hobbies", 10 },
  };

  for (guint i = 0; i < G_N_ELEMENTS (lists); i++)
    assert_strv_nonempty_strings ((char **) synth_corpus_get_list (corpus, lists[i].name),
                                  lists[i].min, lists[i].name);
  g_assert_nonnull (synth_corpus_get_list (corpus, "no-such-list"));
  g_assert_null (synth_corpus_get_list (corpus, "no-such-list")[0]);
}

static void
check_word_map (GHashTable *table, guint min, const char *what)
{
  GHashTableIter iter;
  gpointer key, value;

  g_assert_cmpuint (g_hash_table_size (table), >=, min);
  g_hash_table_iter_init (&iter, table);
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      char **alternatives = value;

      g_assert_cmpstr (key, !=, "");
      assert_strv_nonempty_strings (alternatives, 1, what);
      for (guint i = 0; alternatives[i] != NULL; i++)
        if (g_ascii_strcasecmp (alternatives[i], key) == 0)
          g_error ("%s: “%s” lists itself as an alternative", what, (const char *) key);
    }
}

static void
test_word_maps (void)
{
  const SynthCorpus *corpus = synth_corpus_get_default ();
  const char *const *m;

  check_word_map (corpus->misspellings, 150, "misspellings");
  check_word_map (corpus->word_synonyms, 80, "word_synonyms");

  m = synth_corpus_get_misspellings (corpus, "definitely");
  g_assert_nonnull (m);
  g_assert_true (g_strv_contains (m, "definately"));
  /* Lookups ignore case, so a capitalised word at a sentence start is found. */
  g_assert_true (synth_corpus_get_misspellings (corpus, "Experience") ==
                 synth_corpus_get_misspellings (corpus, "experience"));
  g_assert_null (synth_corpus_get_misspellings (corpus, "zzzz"));
  g_assert_true (g_strv_contains (synth_corpus_get_word_synonyms (corpus, "managed"), "oversaw"));
  g_assert_true (g_strv_contains (synth_corpus_get_word_synonyms (corpus, "led"), "headed"));
  g_assert_null (synth_corpus_get_word_synonyms (corpus, "zzzz"));
}

static void
test_find_skill (void)
{
  const SynthCorpus *corpus = synth_corpus_get_default ();
  const SynthSkill *js = synth_corpus_find_skill (corpus, "javascript");
  const SynthSkill *ehr = synth_corpus_find_skill (corpus, "Electronic Health Records");

  g_assert_nonnull (js);
  g_assert_cmpstr (js->name, ==, "JavaScript");
  g_assert_true (g_strv_contains ((const char *const *) js->synonyms, "ECMAScript"));
  g_assert_true (g_strv_contains ((const char *const *) js->abbreviations, "JS"));
  /* Abbreviations and synonyms lead back to the canonical skill. */
  g_assert_true (synth_corpus_find_skill (corpus, "JS") == js);
  g_assert_true (synth_corpus_find_skill (corpus, "ecmascript") == js);
  g_assert_nonnull (ehr);
  g_assert_true (g_strv_contains ((const char *const *) ehr->abbreviations, "EHR"));
  g_assert_true (g_strv_contains ((const char *const *) ehr->abbreviations, "EMR"));
  g_assert_true (synth_corpus_find_skill (corpus, "emr") == ehr);
  g_assert_null (synth_corpus_find_skill (corpus, "Underwater Basket Weaving"));
  g_assert_null (synth_corpus_find_skill (corpus, NULL));

  /* Every canonical name is found (possibly as another domain's skill of the same name). */
  for (guint d = 0; d < SYNTH_N_DOMAINS; d++)
    for (guint i = 0; i < corpus->domains[d].n_skills; i++)
      {
        const SynthSkill *found =
            synth_corpus_find_skill (corpus, corpus->domains[d].skills[i].name);
        g_assert_nonnull (found);
        g_assert_cmpint (g_ascii_strcasecmp (found->name, corpus->domains[d].skills[i].name), ==,
                         0);
      }
}

/* Case-insensitive; word-bounded where the form's own edge is a letter or a
 * digit — the rule the offline engine and its tests use to decide that a
 * resume "mentions" a skill. */
static gboolean
mentions (const char *text, const char *form)
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

static void
assert_names_no_skill (const SynthCorpus *corpus, const char *text, const char *where)
{
  g_autoptr (GRegex) placeholders = g_regex_new ("\\{[a-z0-9]+\\}", 0, 0, NULL);
  g_autofree char *plain = g_regex_replace_literal (placeholders, text, -1, 0, " ", 0, NULL);

  for (guint d = 0; d < SYNTH_N_DOMAINS; d++)
    for (guint i = 0; i < corpus->domains[d].n_skills; i++)
      {
        const SynthSkill *s = &corpus->domains[d].skills[i];
        const char *hit = mentions (plain, s->name) ? s->name : NULL;

        for (guint k = 0; hit == NULL && s->synonyms[k] != NULL; k++)
          hit = mentions (plain, s->synonyms[k]) ? s->synonyms[k] : NULL;
        for (guint k = 0; hit == NULL && s->abbreviations[k] != NULL; k++)
          hit = mentions (plain, s->abbreviations[k]) ? s->abbreviations[k] : NULL;
        if (hit != NULL)
          g_error ("%s “%s” names the %s skill “%s” (as “%s”): a resume that must lack that skill "
                   "could then seem to have it",
                   where, text, corpus->domains[d].id, s->name, hit);
      }
}

static void
assert_strv_no_skill (const SynthCorpus *corpus, char **strv, const char *where)
{
  for (guint i = 0; strv[i] != NULL; i++)
    assert_names_no_skill (corpus, strv[i], where);
}

/* Everything a resume can contain besides its skills, certifications and
 * legacy tools (which the engine indexes) is free of skill names, so the
 * offline engine's negative labels hold. */
static void
test_boilerplate_names_no_skill (void)
{
  const SynthCorpus *corpus = synth_corpus_get_default ();
  static const char *const lists[] = {
    "buzzwords",
    "padding_phrases",
    "soft_skills",
    "summary_templates",
    "summary_extras",
    "project_templates",
    "months",
    "generic_companies",
    "hobbies",
    "section_summary",
    "section_experience",
    "section_education",
    "section_skills",
    "section_certifications",
    "section_interests",
    "section_projects",
  };

  for (guint d = 0; d < SYNTH_N_DOMAINS; d++)
    {
      const SynthCorpusDomain *dom = &corpus->domains[d];

      assert_names_no_skill (corpus, dom->name, "domain name");
      assert_strv_no_skill (corpus, dom->bullets, "bullet");
      assert_strv_no_skill (corpus, dom->companies, "company");
      assert_strv_no_skill (corpus, dom->degrees, "degree");
      for (guint s = 0; s < SYNTH_N_SENIORITIES; s++)
        assert_strv_no_skill (corpus, dom->titles[s], "title");
    }
  for (guint r = 0; r < SYNTH_N_REGIONS; r++)
    {
      const SynthCorpusRegion *reg = &corpus->regions[r];

      assert_strv_no_skill (corpus, reg->given_names, "given name");
      assert_strv_no_skill (corpus, reg->family_names, "family name");
      assert_strv_no_skill (corpus, reg->cities, "city");
      assert_strv_no_skill (corpus, reg->schools, "school");
    }
  for (guint i = 0; i < G_N_ELEMENTS (lists); i++)
    assert_strv_no_skill (corpus, (char **) synth_corpus_get_list (corpus, lists[i]), lists[i]);
}

static void
test_name_groups (void)
{
  const SynthCorpus *corpus = synth_corpus_get_default ();

  /* Each region's names come in naming traditions that cover the flat
   * vectors exactly, so given and family names can be paired sensibly. */
  for (guint r = 0; r < SYNTH_N_REGIONS; r++)
    {
      const SynthCorpusRegion *reg = &corpus->regions[r];
      g_autofree char *list = g_strconcat ("name_groups/", reg->id, NULL);
      g_autofree char *origins_list = g_strconcat ("name_origins/", reg->id, NULL);
      const char *const *spans = synth_corpus_get_list (corpus, list);
      const char *const *origins = synth_corpus_get_list (corpus, origins_list);
      guint given_end = 0, family_end = 0;

      g_assert_nonnull (spans[0]);
      g_assert_cmpuint (g_strv_length ((char **) spans), ==, g_strv_length ((char **) origins));
      for (guint i = 0; spans[i] != NULL; i++)
        {
          guint g0, g1, f0, f1, second, initial;

          g_assert_cmpint (
              sscanf (spans[i], "%u:%u:%u:%u:%u:%u", &g0, &g1, &f0, &f1, &second, &initial), ==, 6);
          g_assert_cmpuint (g0, ==, given_end);
          g_assert_cmpuint (f0, ==, family_end);
          g_assert_cmpuint (g1, >, g0);
          g_assert_cmpuint (f1, >, f0);
          g_assert_cmpuint (second, <=, 1000);
          g_assert_cmpuint (initial, <=, 1000);
          given_end = g1;
          family_end = f1;
        }
      g_assert_cmpuint (given_end, ==, g_strv_length (reg->given_names));
      g_assert_cmpuint (family_end, ==, g_strv_length (reg->family_names));
    }
}

static gpointer
load_in_thread (gpointer data)
{
  return (gpointer) synth_corpus_get_default ();
}

static void
test_concurrent_first_use (void)
{
  GThread *threads[4];
  gpointer results[4];

  /* The first use may race between worker threads; all must get one corpus. */
  for (guint i = 0; i < G_N_ELEMENTS (threads); i++)
    threads[i] = g_thread_new ("corpus", load_in_thread, NULL);
  for (guint i = 0; i < G_N_ELEMENTS (threads); i++)
    results[i] = g_thread_join (threads[i]);
  for (guint i = 1; i < G_N_ELEMENTS (threads); i++)
    g_assert_true (results[i] == results[0]);
  g_assert_true (results[0] == synth_corpus_get_default ());
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/corpus/concurrent-first-use", test_concurrent_first_use);
  g_test_add_func ("/corpus/domains", test_domains);
  g_test_add_func ("/corpus/regions", test_regions);
  g_test_add_func ("/corpus/lists", test_lists);
  g_test_add_func ("/corpus/word-maps", test_word_maps);
  g_test_add_func ("/corpus/find-skill", test_find_skill);
  g_test_add_func ("/corpus/name-groups", test_name_groups);
  g_test_add_func ("/corpus/boilerplate-names-no-skill", test_boilerplate_names_no_skill);
  return g_test_run ();
}
