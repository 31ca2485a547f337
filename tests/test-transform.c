/* test-transform.c — the seeded surface transforms. */
#include "config.h"

#include <glib.h>
#include <string.h>

#include "synth-bias.h"
#include "synth-record.h"
#include "synth-transform.h"

/* Written by hand in the offline engine's shape: sections under CAPS or
 * Title-case headings, "- " or "• " bullets, "Mar 2019 – Present" dates. */
static const char resume_long[] =
    "Nguyễn Thị Hương\n"
    "Hà Nội, Vietnam | huong.nguyen@example.com | +84 912 345 678\n"
    "\n"
    "SUMMARY\n"
    "Senior software engineer with 8 years of experience building web platforms with "
    "JavaScript, TypeScript and Kubernetes. Strong background in team leadership, "
    "project management and customer-facing delivery.\n"
    "\n"
    "EXPERIENCE\n"
    "Senior Software Engineer — Orbital Systems, Hà Nội\n"
    "Mar 2019 – Present\n"
    "- Led a team of 6 engineers to migrate the billing platform from a monolith to "
    "microservices on Kubernetes.\n"
    "- Developed a JavaScript design system used by 14 product teams, reducing UI defects by "
    "30%.\n"
    "- Managed the release process and improved deployment frequency from weekly to daily.\n"
    "- Mentored junior developers and coordinated code reviews across three time zones.\n"
    "\n"
    "Software Engineer — Lumen Digital, Ho Chi Minh City\n"
    "Jun 2015 – Feb 2019\n"
    "- Built REST APIs in Python and Java for a logistics client serving 2 million customers.\n"
    "- Implemented automated testing and reduced regressions by 40%.\n"
    "- Collaborated with product management to deliver features on a fixed schedule.\n"
    "\n"
    "EDUCATION\n"
    "Bachelor of Science in Computer Science, Vietnam National University, 2015\n"
    "\n"
    "SKILLS\n"
    "JavaScript, TypeScript, Python, Java, Kubernetes, Docker, PostgreSQL, Amazon Web Services\n"
    "\n"
    "CERTIFICATIONS\n"
    "Certified Kubernetes Administrator (CKA), 2021\n"
    "AWS Certified Solutions Architect – Associate, 2020\n";

static const char resume_nurse[] =
    "José Ñúñez-Ørsted\n"
    "São Paulo, Brazil · jose.nunez@example.org\n"
    "\n"
    "Professional Summary\n"
    "Registered nurse with six years of experience in critical care and patient education.\n"
    "\n"
    "Work Experience\n"
    "Staff Nurse, Hospital Santa Cruz — Jan 2018 – Present\n"
    "• Coordinated care for up to 12 patients per shift in a busy intensive care unit.\n"
    "• Maintained accurate documentation in Electronic Health Records.\n"
    "• Trained new staff on infection control procedures and patient safety.\n"
    "\n"
    "Education\n"
    "Bachelor of Science in Nursing, Universidade de São Paulo, 2017\n"
    "\n"
    "Certifications\n"
    "Basic Life Support (BLS), Advanced Cardiac Life Support\n";

/* JavaScript is its only skill with an abbreviation; no final newline. */
static const char resume_js[] =
    "Zoë Kowalczyk-Øberg\n"
    "Kraków, Poland\n"
    "\n"
    "SUMMARY\n"
    "Frontend developer who builds accessible web applications in JavaScript.\n"
    "\n"
    "EXPERIENCE\n"
    "Frontend Developer — Pixelworks, Kraków\n"
    "Jan 2020 – Present\n"
    "- Rebuilt the checkout flow in JavaScript and cut page load time by 35%.\n"
    "- Worked closely with designers on the component library.\n"
    "\n"
    "SKILLS\n"
    "JavaScript, HTML, CSS, Git";

static const char job_text[] = "Senior Frontend Engineer at Northwind\n"
                               "Required skills: JavaScript, TypeScript, Kubernetes\n"
                               "- Build and maintain customer-facing web applications.\n"
                               "- Review code and mentor other engineers.\n";

static const char *const resumes[] = { resume_long, resume_nurse, resume_js };

#define N_SEEDS 8

static const SynthBiasType surface_types[] = {
  SYNTH_BIAS_TEXTUAL,
  SYNTH_BIAS_STRUCTURAL,
  SYNTH_BIAS_MISSING_NOISY,
  SYNTH_BIAS_HUMAN_ERROR,
};

static guint
count_lines (const char *text)
{
  guint n = *text != '\0';
  for (const char *p = text; *p; p++)
    n += *p == '\n' && p[1] != '\0';
  return n;
}

static char *
first_line (const char *text)
{
  return g_strndup (text, strcspn (text, "\n"));
}

static gboolean
has_line (const char *text, const char *line)
{
  g_auto (GStrv) lines = g_strsplit (text, "\n", -1);
  return g_strv_contains ((const char *const *) lines, line);
}

static char *
detail_prefix (SynthBiasType type, const char *subtype)
{
  return g_strdup_printf ("%s/%s: ", synth_bias_type_to_id (type), subtype);
}

/* Every surface subtype, on every resume, for several seeds: the text
 * changes, stays valid and non-empty, keeps the name line, and the detail
 * says which transform did what. Same seed, same result; other seeds vary. */
static void
test_every_subtype (void)
{
  for (guint t = 0; t < G_N_ELEMENTS (surface_types); t++)
    {
      const char *const *subtypes = synth_bias_type_get_subtypes (surface_types[t]);

      g_assert_nonnull (subtypes);
      for (guint s = 0; subtypes[s] != NULL; s++)
        for (guint r = 0; r < G_N_ELEMENTS (resumes); r++)
          {
            g_autoptr (GHashTable) distinct =
                g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
            g_autofree char *prefix = detail_prefix (surface_types[t], subtypes[s]);
            g_autofree char *name = first_line (resumes[r]);

            for (guint64 seed = 1; seed <= N_SEEDS; seed++)
              {
                g_autofree char *detail = NULL, *detail2 = NULL;
                g_autofree char *out = synth_transform_text (surface_types[t], subtypes[s],
                                                             resumes[r], seed * 7919, &detail);
                g_autofree char *out2 = synth_transform_text (surface_types[t], subtypes[s],
                                                              resumes[r], seed * 7919, &detail2);
                g_autofree char *out_name = NULL;

                g_test_message ("%s seed %" G_GUINT64_FORMAT ": %s", prefix, seed, detail);
                g_assert_nonnull (out);
                g_assert_true (g_utf8_validate (out, -1, NULL));
                g_assert_cmpuint (strspn (out, " \t\r\n"), <, strlen (out));
                g_assert_cmpstr (out, !=, resumes[r]);
                g_assert_true (g_str_has_prefix (detail, prefix));
                g_assert_cmpuint (strlen (detail), >, strlen (prefix) + 3);
                g_assert_null (strstr (detail, "no change"));
                g_assert_true (g_utf8_validate (detail, -1, NULL));
                out_name = first_line (out);
                g_assert_cmpstr (out_name, ==, name);
                g_assert_cmpstr (out, ==, out2);
                g_assert_cmpstr (detail, ==, detail2);
                g_hash_table_add (distinct, g_steal_pointer (&out));
              }
            g_assert_cmpuint (g_hash_table_size (distinct), >=, 2);
          }
    }
}

static void
test_unknown_and_non_surface (void)
{
  g_autofree char *detail = NULL;
  g_autofree char *out = NULL;

  for (SynthBiasType type = 0; type < SYNTH_N_BIAS_TYPES; type++)
    {
      const char *const *subtypes = synth_bias_type_get_subtypes (type);
      if (synth_bias_type_is_surface (type))
        continue;
      for (guint s = 0; subtypes[s] != NULL; s++)
        {
          char *none = (char *) "untouched";
          g_assert_null (synth_transform_text (type, subtypes[s], resume_long, 1, &none));
          g_assert_null (none);
        }
    }
  g_assert_null (
      synth_transform_text (SYNTH_BIAS_TEXTUAL, "no_such_subtype", resume_long, 1, NULL));
  g_assert_null (synth_transform_text (SYNTH_BIAS_TEXTUAL, "typos", resume_long, 1, NULL));

  /* Nothing to work on: the text comes back as it was, and says so. */
  out = synth_transform_text (SYNTH_BIAS_STRUCTURAL, "missing_sections", "Jane Doe", 3, &detail);
  g_assert_cmpstr (out, ==, "Jane Doe");
  g_assert_true (g_str_has_prefix (detail, "structural/missing_sections: no change"));
}

static SynthRecord *
make_record (SynthBiasType type, const char *subtype)
{
  SynthRecord *r = synth_record_new ();

  synth_record_set_name (r, "Nguyễn Thị Hương");
  synth_record_set_resume_text (r, resume_long);
  synth_record_set_job_skill_text (r, job_text);
  synth_record_set_match_label (r, 1);
  synth_record_set_bias_type (r, type);
  synth_record_set_bias_subtype (r, subtype);
  return r;
}

static void
test_record_apply (void)
{
  guint job_touched = 0;

  for (guint t = 0; t < G_N_ELEMENTS (surface_types); t++)
    {
      const char *const *subtypes = synth_bias_type_get_subtypes (surface_types[t]);
      for (guint s = 0; subtypes[s] != NULL; s++)
        for (guint64 seed = 100; seed < 110; seed++)
          {
            g_autoptr (SynthRecord) r = make_record (surface_types[t], subtypes[s]);
            g_autofree char *prefix = detail_prefix (surface_types[t], subtypes[s]);
            g_autofree char *expected =
                synth_transform_text (surface_types[t], subtypes[s], resume_long, seed, NULL);
            const char *job;

            g_assert_true (synth_transform_apply (r, seed));
            g_assert_cmpstr (synth_record_get_clean_resume_text (r), ==, resume_long);
            g_assert_cmpstr (synth_record_get_resume_text (r), ==, expected);
            g_assert_true (g_str_has_prefix (synth_record_get_bias_detail (r), prefix));
            g_assert_cmpstr (synth_record_get_bias_subtype (r), ==, subtypes[s]);
            g_assert_cmpstr (synth_record_get_name (r), ==, "Nguyễn Thị Hương");
            job = synth_record_get_job_skill_text (r);
            g_assert_true (g_utf8_validate (job, -1, NULL));
            if (g_strcmp0 (job, job_text) != 0)
              {
                /* Only scraped-looking noise reaches the job text. */
                g_assert_cmpstr (subtypes[s], ==, "html_artifacts");
                g_assert_cmpstr (synth_record_get_clean_job_skill_text (r), ==, job_text);
                g_assert_nonnull (strstr (synth_record_get_bias_detail (r), "; job text: "));
                job_touched++;
              }
            else
              g_assert_null (synth_record_get_clean_job_skill_text (r));

            /* A second transform keeps the first clean text. */
            synth_record_set_bias_type (r, SYNTH_BIAS_HUMAN_ERROR);
            synth_record_set_bias_subtype (r, "typos");
            g_assert_true (synth_transform_apply (r, seed + 1));
            g_assert_cmpstr (synth_record_get_clean_resume_text (r), ==, resume_long);
          }
    }
  g_assert_cmpuint (job_touched, >, 0);
}

static void
test_record_subtype_chosen_by_seed (void)
{
  g_autoptr (GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);

  for (guint64 seed = 0; seed < 40; seed++)
    {
      g_autoptr (SynthRecord) r = make_record (SYNTH_BIAS_HUMAN_ERROR, NULL);
      g_assert_true (synth_transform_apply (r, seed));
      g_assert_true (g_strv_contains (synth_bias_type_get_subtypes (SYNTH_BIAS_HUMAN_ERROR),
                                      synth_record_get_bias_subtype (r)));
      g_hash_table_add (seen, (gpointer) g_intern_string (synth_record_get_bias_subtype (r)));
    }
  g_assert_cmpuint (g_hash_table_size (seen), ==, 3);
}

static void
test_record_non_surface_untouched (void)
{
  static const SynthBiasType semantic[] = {
    SYNTH_BIAS_SKILL_MATCH,     SYNTH_BIAS_EXPERIENCE, SYNTH_BIAS_FAIRNESS,
    SYNTH_BIAS_DOMAIN_SPECIFIC, SYNTH_BIAS_NONE,
  };

  for (guint i = 0; i < G_N_ELEMENTS (semantic); i++)
    {
      const char *const *subtypes = synth_bias_type_get_subtypes (semantic[i]);
      g_autoptr (SynthRecord) r = make_record (semantic[i], subtypes[0]);

      g_assert_false (synth_transform_apply (r, 7));
      g_assert_cmpstr (synth_record_get_resume_text (r), ==, resume_long);
      g_assert_cmpstr (synth_record_get_job_skill_text (r), ==, job_text);
      g_assert_null (synth_record_get_clean_resume_text (r));
      g_assert_null (synth_record_get_clean_job_skill_text (r));
      g_assert_null (synth_record_get_bias_detail (r));
    }

  {
    /* A surface record with nothing to change is left alone too. */
    g_autoptr (SynthRecord) r = make_record (SYNTH_BIAS_STRUCTURAL, "missing_sections");
    synth_record_set_resume_text (r, "Jane Doe");
    g_assert_false (synth_transform_apply (r, 7));
    g_assert_cmpstr (synth_record_get_resume_text (r), ==, "Jane Doe");
    g_assert_null (synth_record_get_clean_resume_text (r));
    g_assert_null (synth_record_get_bias_detail (r));
  }
}

static void
test_abbreviations_javascript (void)
{
  for (guint64 seed = 0; seed < 20; seed++)
    {
      g_autofree char *detail = NULL;
      g_autofree char *out =
          synth_transform_text (SYNTH_BIAS_TEXTUAL, "abbreviations", resume_js, seed, &detail);
      g_assert_nonnull (strstr (detail, "JavaScript→JS"));
      g_assert_nonnull (strstr (out, "in JS."));
      g_assert_null (strstr (out, "JavaScript"));
    }
}

static void
test_missing_sections_removes_heading (void)
{
  static const char *const headings[] = { "SUMMARY", "EXPERIENCE", "EDUCATION", "SKILLS",
                                          "CERTIFICATIONS" };

  for (guint64 seed = 0; seed < 20; seed++)
    {
      g_autofree char *detail = NULL;
      g_autofree char *out = synth_transform_text (SYNTH_BIAS_STRUCTURAL, "missing_sections",
                                                   resume_long, seed, &detail);
      guint removed = 0;

      for (guint h = 0; h < G_N_ELEMENTS (headings); h++)
        if (!has_line (out, headings[h]))
          {
            g_autofree char *lower = g_ascii_strdown (headings[h] + 1, -1);
            g_autofree char *title = g_strdup_printf ("%c%s", headings[h][0], lower);
            removed++;
            g_assert_nonnull (strstr (detail, title));
          }
      g_assert_cmpuint (removed, >=, 1);
      g_assert_cmpuint (removed, <=, 2);
      g_assert_cmpuint (count_lines (out), >, 4);
    }
}

static guint
count_markup (const char *text)
{
  guint n = 0;
  for (; *text; text++)
    n += *text == '<' || *text == '&';
  return n;
}

static void
test_html_and_duplicates (void)
{
  for (guint64 seed = 0; seed < 60; seed++)
    for (guint r = 0; r < G_N_ELEMENTS (resumes); r++)
      {
        g_autofree char *html = synth_transform_text (SYNTH_BIAS_MISSING_NOISY, "html_artifacts",
                                                      resumes[r], seed, NULL);
        g_autofree char *dup =
            synth_transform_text (SYNTH_BIAS_MISSING_NOISY, "duplicates", resumes[r], seed, NULL);
        g_auto (GStrv) dup_lines = g_strsplit (dup, "\n", -1);

        g_assert_cmpuint (count_markup (html), >, count_markup (resumes[r]));
        g_assert_cmpuint (count_lines (dup), >, count_lines (resumes[r]));
        /* Lines are repeated whole, never merged with a neighbour (also when
         * the last line, which has no newline, is the one repeated). */
        for (guint i = 0; dup_lines[i] != NULL; i++)
          g_assert_true (has_line (resumes[r], dup_lines[i]));
      }
}

/* Every "from→to" a textual transform reports is really in the output. */
static void
test_textual_detail_matches_text (void)
{
  static const char *const subtypes[] = { "synonyms", "abbreviations", "spelling_errors" };

  for (guint s = 0; s < G_N_ELEMENTS (subtypes); s++)
    for (guint64 seed = 0; seed < 10; seed++)
      {
        g_autofree char *detail = NULL;
        g_autofree char *out =
            synth_transform_text (SYNTH_BIAS_TEXTUAL, subtypes[s], resume_long, seed, &detail);
        g_auto (GStrv) items = g_strsplit (strchr (detail, ':') + 2, ", ", -1);
        guint n = g_strv_length (items);

        g_assert_cmpuint (n, >=, 2);
        g_assert_cmpuint (n, <=, 6);
        for (guint i = 0; items[i] != NULL; i++)
          {
            const char *arrow = strstr (items[i], "→");
            g_autofree char *from = NULL;

            g_assert_nonnull (arrow);
            from = g_strndup (items[i], arrow - items[i]);
            g_assert_nonnull (strstr (out, arrow + strlen ("→")));
            g_assert_nonnull (strstr (resume_long, from));
          }
      }
}

/* Hostile shapes: CRLF, no newline, blank lines only, stray bytes of
 * non-Latin scripts, headings with no body. Nothing crashes, everything
 * stays valid UTF-8 and non-empty. */
static void
test_odd_inputs (void)
{
  static const char *const inputs[] = {
    "Amaka Obi\r\n\r\nSUMMARY\r\nAnalyst with experience in SQL and reporting.\r\n\r\nSKILLS\r\n"
    "SQL, Excel, Tableau\r\n",
    "李小龍\nEXPERIENCE\n- 管理团队 and managed budgets\nEDUCATION\nSKILLS",
    "\n\n\n",
    "Ωmega Ωmega Ωmega\n• ünïcödé • bullets\n- ✓ Led the team\n",
    "SUMMARY:\nEDUCATION:\nSKILLS:\n",
    "x",
  };

  for (guint i = 0; i < G_N_ELEMENTS (inputs); i++)
    for (guint t = 0; t < G_N_ELEMENTS (surface_types); t++)
      {
        const char *const *subtypes = synth_bias_type_get_subtypes (surface_types[t]);
        for (guint s = 0; subtypes[s] != NULL; s++)
          for (guint64 seed = 0; seed < 6; seed++)
            {
              g_autofree char *detail = NULL;
              g_autofree char *out =
                  synth_transform_text (surface_types[t], subtypes[s], inputs[i], seed, &detail);
              g_assert_true (g_utf8_validate (out, -1, NULL));
              g_assert_cmpuint (strlen (out), >, 0);
              g_assert_nonnull (detail);
            }
      }
}

/* How long a transform takes, to hold it to its budget inside ≥ 20,000
 * records/s end to end. Reported, never asserted. */
static void
test_perf (void)
{
  const guint rounds = 20000;
  g_autofree char *big = g_strconcat (resume_long, strchr (resume_long, '\n') + 1,
                                      strchr (resume_long, '\n') + 1, NULL);
  const char *texts[] = { resume_long, resume_nurse, big };
  gint64 start;
  double total = 0;
  guint n = 0;

  g_free (synth_transform_text (SYNTH_BIAS_TEXTUAL, "synonyms", "warm up", 0, NULL));
  for (guint t = 0; t < G_N_ELEMENTS (surface_types); t++)
    {
      const char *const *subtypes = synth_bias_type_get_subtypes (surface_types[t]);
      for (guint s = 0; subtypes[s] != NULL; s++)
        {
          start = g_get_monotonic_time ();
          for (guint i = 0; i < rounds; i++)
            {
              g_autofree char *detail = NULL;
              g_free (
                  synth_transform_text (surface_types[t], subtypes[s], texts[i % 3], i, &detail));
            }
          total += (double) (g_get_monotonic_time () - start) / rounds;
          n++;
          g_test_message ("%s/%s: %.2f µs/record", synth_bias_type_to_id (surface_types[t]),
                          subtypes[s], (double) (g_get_monotonic_time () - start) / rounds);
        }
    }
  g_test_message ("mean over subtypes: %.2f µs/record (texts of %zu, %zu and %zu bytes)", total / n,
                  strlen (texts[0]), strlen (texts[1]), strlen (texts[2]));
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/transform/every-subtype", test_every_subtype);
  g_test_add_func ("/transform/unknown-and-non-surface", test_unknown_and_non_surface);
  g_test_add_func ("/transform/record/apply", test_record_apply);
  g_test_add_func ("/transform/record/subtype-chosen-by-seed", test_record_subtype_chosen_by_seed);
  g_test_add_func ("/transform/record/non-surface-untouched", test_record_non_surface_untouched);
  g_test_add_func ("/transform/abbreviations/javascript", test_abbreviations_javascript);
  g_test_add_func ("/transform/missing-sections/removes-heading",
                   test_missing_sections_removes_heading);
  g_test_add_func ("/transform/html-and-duplicates", test_html_and_duplicates);
  g_test_add_func ("/transform/textual/detail-matches-text", test_textual_detail_matches_text);
  g_test_add_func ("/transform/odd-inputs", test_odd_inputs);
  if (g_test_perf ())
    g_test_add_func ("/transform/perf", test_perf);

  return g_test_run ();
}
