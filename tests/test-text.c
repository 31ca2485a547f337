/* test-text.c — required skills, overlap, highlighting spans, counting and hashing. */
#include "config.h"

#include <string.h>

#include "synth-text.h"

/* Asserts that @skills holds exactly the NULL-terminated @expected, in order. */
static void
assert_skills (const char *job_text, const char *const *expected)
{
  g_autoptr (GPtrArray) skills = synth_text_extract_required_skills (job_text);
  guint n = g_strv_length ((char **) expected);

  for (guint i = 0; i < MIN (n, skills->len); i++)
    g_assert_cmpstr (g_ptr_array_index (skills, i), ==, expected[i]);
  g_assert_cmpuint (skills->len, ==, n);
}

static void
test_extract_inline (void)
{
  assert_skills ("Senior Data Engineer at Acme\n"
                 "We build pipelines for retail.\n"
                 "Required skills: Python, SQL, Docker\n"
                 "Nice to have: Go\n",
                 (const char *const[]){ "Python", "SQL", "Docker", NULL });
  assert_skills ("Must have: React; TypeScript | GraphQL.",
                 (const char *const[]){ "React", "TypeScript", "GraphQL", NULL });
  assert_skills ("Requirements: Excel, and Tableau",
                 (const char *const[]){ "Excel", "Tableau", NULL });
  /* Markdown emphasis, symbols that belong to the skill, asides removed. */
  assert_skills ("**Required skills:** C++, C#, .NET, Node.js (3+ years)",
                 (const char *const[]){ "C++", "C#", ".NET", "Node.js", NULL });
  /* Case-insensitive duplicates are kept once, first spelling wins. */
  assert_skills ("Required skills: SQL, sql, Python, PYTHON",
                 (const char *const[]){ "SQL", "Python", NULL });
  /* HTML artifacts from the noisy transform do not end up in skill names. */
  assert_skills ("Required skills: <b>Python</b>, SQL&amp;ETL, Airflow<br>",
                 (const char *const[]){ "Python", "SQL&ETL", "Airflow", NULL });
}

static void
test_extract_heading (void)
{
  assert_skills ("About the role\n"
                 "You will own our infrastructure.\n\n"
                 "Requirements:\n"
                 "- 5+ years of experience with Kubernetes\n"
                 "- Terraform\n"
                 "\n"
                 "• Strong Linux\n"
                 "Nice to have:\n"
                 "- Go\n",
                 (const char *const[]){ "Kubernetes", "Terraform", "Linux", NULL });
  assert_skills ("## Must have\n"
                 "1. Financial modelling\n"
                 "2) Excel, VBA\n"
                 "We offer a competitive salary and great benefits.\n"
                 "- Free lunch\n",
                 (const char *const[]){ "Financial modelling", "Excel", "VBA", NULL });
  /* A plain list under a heading ends at the first blank line. */
  assert_skills ("Required\nPatient care\nTriage\n\nShifts rotate weekly\n",
                 (const char *const[]){ "Patient care", "Triage", NULL });
}

static void
test_extract_fallback (void)
{
  assert_skills ("Looking for a data analyst who loves numbers. Excel, Tableau, SQL.",
                 (const char *const[]){ "Excel", "Tableau", "SQL", NULL });
  assert_skills ("Python; Go • Rust", (const char *const[]){ "Python", "Go", "Rust", NULL });
  assert_skills ("", (const char *const[]){ NULL });
  assert_skills (NULL, (const char *const[]){ NULL });
  /* One long sentence has nothing that looks like a skill. */
  assert_skills ("We are a friendly team that values curiosity above everything else",
                 (const char *const[]){ NULL });
}

static void
test_overlap (void)
{
  const char *job = "Required skills: Python, SQL, Docker";
  guint matched = 99, total = 99;

  /* "SQL" inside "PostgreSQL" is not the skill; case does not matter. */
  synth_text_skill_overlap_counts (job, "Worked with PYTHON and PostgreSQL daily.", &matched,
                                   &total);
  g_assert_cmpuint (matched, ==, 1);
  g_assert_cmpuint (total, ==, 3);
  g_assert_cmpfloat_with_epsilon (
      synth_text_skill_overlap (job, "Worked with PYTHON and PostgreSQL."), 1.0 / 3.0, 1e-12);
  g_assert_cmpfloat (synth_text_skill_overlap (job, "Skills: docker, sql, python."), ==, 1.0);
  g_assert_cmpfloat (synth_text_skill_overlap (job, "Dockerized Pythonic SQLite"), ==, 0.0);
  g_assert_cmpfloat (synth_text_skill_overlap (job, ""), ==, 0.0);
  g_assert_cmpfloat (synth_text_skill_overlap ("", "Python"), ==, 0.0);

  /* "C" is not found inside "C++"; "C++" is found before a comma. */
  g_assert_cmpfloat (synth_text_skill_overlap ("Required skills: C", "Expert in C++ and C#"), ==,
                     0.0);
  g_assert_cmpfloat (synth_text_skill_overlap ("Required skills: C", "Expert in C, Java"), ==, 1.0);
  g_assert_cmpfloat (synth_text_skill_overlap ("Required skills: C++", "Expert in C++, Java"), ==,
                     1.0);
  /* Word boundaries are Unicode-aware: a dash separates, a letter does not. */
  g_assert_cmpfloat (synth_text_skill_overlap ("Required skills: SQL", "BI—SQL—ETL"), ==, 1.0);
  g_assert_cmpfloat (synth_text_skill_overlap ("Required skills: SQL", "éSQL"), ==, 0.0);
  /* A later occurrence at a boundary counts even if the first is inside a word. */
  g_assert_cmpfloat (synth_text_skill_overlap ("Required skills: SQL", "PostgreSQL, then SQL"), ==,
                     1.0);
}

static void
assert_span (GArray *spans, guint i, gsize start, gsize end)
{
  SynthTextSpan *span = &g_array_index (spans, SynthTextSpan, i);

  g_assert_cmpuint (span->start, ==, start);
  g_assert_cmpuint (span->end, ==, end);
}

static void
test_spans (void)
{
  const char *resume = "Python and SQL; python again, not PostgreSQL";
  g_autoptr (GArray) spans = synth_text_find_skill_spans ("Required skills: Python, SQL", resume);
  g_autoptr (GArray) merged = NULL;
  g_autoptr (GArray) none = NULL;

  g_assert_cmpuint (spans->len, ==, 3);
  assert_span (spans, 0, 0, 6);
  assert_span (spans, 1, 11, 14);
  assert_span (spans, 2, 16, 22);
  g_assert_true (strncmp (resume + 16, "python", 6) == 0);

  /* Overlapping skills become one span. */
  merged = synth_text_find_skill_spans ("Required skills: Machine learning, Learning",
                                        "Deep machine learning work");
  g_assert_cmpuint (merged->len, ==, 1);
  assert_span (merged, 0, 5, 21);

  none = synth_text_find_skill_spans ("Required skills: Rust", "Python");
  g_assert_cmpuint (none->len, ==, 0);
}

static void
test_count_words (void)
{
  g_assert_cmpuint (synth_text_count_words ("  Led a team\tof five\n\n• Built it "), ==, 8);
  g_assert_cmpuint (synth_text_count_words (""), ==, 0);
  g_assert_cmpuint (synth_text_count_words ("   \n "), ==, 0);
  g_assert_cmpuint (synth_text_count_words (NULL), ==, 0);
}

static guint64
first_hash (const char *text)
{
  g_autoptr (GArray) hashes = g_array_new (FALSE, FALSE, sizeof (guint64));
  SynthTextScan scan;

  synth_text_scan (text, &scan, hashes);
  g_assert_cmpuint (hashes->len, >, 0);
  return g_array_index (hashes, guint64, 0);
}

static void
test_scan (void)
{
  g_autoptr (GArray) hashes = g_array_new (FALSE, FALSE, sizeof (guint64));
  SynthTextScan a, b, c;

  synth_text_scan ("héllo wörld", &a, hashes);
  g_assert_cmpuint (a.chars, ==, 11);
  g_assert_cmpuint (a.words, ==, 2);
  g_assert_cmpuint (hashes->len, ==, 2);

  g_array_set_size (hashes, 0);
  synth_text_scan ("C++ and C# are 2 langs. (Really!)", &a, hashes);
  g_assert_cmpuint (hashes->len, ==, 7);
  g_assert_cmpuint (a.words, ==, 7);

  /* Whitespace runs and the ends do not change the exact hash; case does. */
  synth_text_scan ("Senior  engineer\n\n at Acme ", &a, NULL);
  synth_text_scan ("Senior engineer at Acme", &b, NULL);
  synth_text_scan ("Senior engineer at ACME", &c, NULL);
  g_assert_cmpuint (a.exact_hash, ==, b.exact_hash);
  g_assert_cmpuint (b.exact_hash, !=, c.exact_hash);

  /* Tokens are case-insensitive in any script, and punctuation separates. */
  g_assert_cmpuint (first_hash ("Python"), ==, first_hash ("PYTHON,"));
  g_assert_cmpuint (first_hash ("Émile"), ==, first_hash ("émile"));
  g_assert_cmpuint (first_hash ("C++"), !=, first_hash ("C"));
  /* A token hashes the same whether its word is plain ASCII or not. */
  g_assert_cmpuint (first_hash ("Python"), ==, first_hash ("Python—SQL"));
  {
    g_autofree char *long_word = g_strnfill (150, 'Q');
    g_autofree char *with_dash = g_strconcat (long_word, "–x", NULL);
    g_assert_cmpuint (first_hash (long_word), ==, first_hash (with_dash));
    g_assert_cmpuint (first_hash (long_word), !=, first_hash ("QQQQ"));
  }

  /* Invalid UTF-8 is a separator, never a crash. */
  g_array_set_size (hashes, 0);
  synth_text_scan ("ab\xff\xfe"
                   "cd",
                   &a, hashes);
  g_assert_cmpuint (hashes->len, ==, 2);
}

static void
test_ngrams (void)
{
  const guint64 ab[] = { 1, 2 }, ba[] = { 2, 1 }, five[] = { 1, 2, 3, 4, 5 };
  g_autoptr (GArray) out = g_array_new (FALSE, FALSE, sizeof (guint64));
  guint64 h_ab, h_ba;

  synth_text_ngram_hashes (five, 5, 2, out);
  g_assert_cmpuint (out->len, ==, 4);
  g_array_set_size (out, 0);
  synth_text_ngram_hashes (five, 5, 5, out);
  g_assert_cmpuint (out->len, ==, 1);
  g_array_set_size (out, 0);
  /* Fewer words than n: one n-gram of them all; none for no words. */
  synth_text_ngram_hashes (five, 3, 5, out);
  g_assert_cmpuint (out->len, ==, 1);
  synth_text_ngram_hashes (five, 0, 5, out);
  g_assert_cmpuint (out->len, ==, 1);

  g_array_set_size (out, 0);
  synth_text_ngram_hashes (ab, 2, 2, out);
  synth_text_ngram_hashes (ba, 2, 2, out);
  h_ab = g_array_index (out, guint64, 0);
  h_ba = g_array_index (out, guint64, 1);
  g_assert_cmpuint (h_ab, !=, h_ba);
}

/* Shingles of @n_words pseudo-words from @seed, word @changed replaced. */
static GArray *
shingles_of (guint seed, guint n_words, guint changed)
{
  g_autoptr (GArray) words = g_array_new (FALSE, FALSE, sizeof (guint64));
  GArray *shingles = g_array_new (FALSE, FALSE, sizeof (guint64));

  for (guint i = 0; i < n_words; i++)
    {
      guint64 w = synth_text_mix64 (((guint64) seed << 32) + i + (i == changed ? 1000000 : 0));
      g_array_append_val (words, w);
    }
  synth_text_ngram_hashes ((guint64 *) words->data, words->len, 5, shingles);
  return shingles;
}

static void
test_near_index (void)
{
  g_autoptr (SynthTextNearIndex) index = synth_text_near_index_new ();
  g_autoptr (GArray) a = shingles_of (1, 300, G_MAXUINT);
  g_autoptr (GArray) a_changed = shingles_of (1, 300, 150);    /* J ≈ 0.97 */
  g_autoptr (GArray) a_half = shingles_of (1, 150, G_MAXUINT); /* J ≈ 0.5 */
  g_autoptr (GArray) b = shingles_of (2, 300, G_MAXUINT);
  g_autoptr (GArray) empty = g_array_new (FALSE, FALSE, sizeof (guint64));
  guint32 sig[SYNTH_TEXT_MINHASH_K], sig2[SYNTH_TEXT_MINHASH_K];

  g_assert_false (synth_text_minhash (empty, sig));
  g_assert_true (synth_text_minhash (a, sig));
  g_assert_cmpint (synth_text_near_index_query (index, sig, 0), ==, SYNTH_TEXT_NEAR_NONE);
  synth_text_near_index_add (index, sig, 7);
  g_assert_cmpuint (synth_text_near_index_get_size (index), ==, 1);

  /* The same set is found; the tag says whether it is the same group. */
  g_assert_true (synth_text_minhash (a, sig2));
  g_assert_true (memcmp (sig, sig2, sizeof sig) == 0);
  g_assert_cmpint (synth_text_near_index_query (index, sig2, 7), ==, SYNTH_TEXT_NEAR_SAME_TAG);
  g_assert_cmpint (synth_text_near_index_query (index, sig2, 8), ==, SYNTH_TEXT_NEAR_OTHER_TAG);
  g_assert_cmpint (synth_text_near_index_query (index, sig2, 0), ==, SYNTH_TEXT_NEAR_OTHER_TAG);
  /* One word changed is near; half the text or another text is not. */
  synth_text_minhash (a_changed, sig2);
  g_assert_cmpint (synth_text_near_index_query (index, sig2, 0), ==, SYNTH_TEXT_NEAR_OTHER_TAG);
  synth_text_minhash (a_half, sig2);
  g_assert_cmpint (synth_text_near_index_query (index, sig2, 0), ==, SYNTH_TEXT_NEAR_NONE);
  synth_text_minhash (b, sig2);
  g_assert_cmpint (synth_text_near_index_query (index, sig2, 0), ==, SYNTH_TEXT_NEAR_NONE);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/text/extract/inline", test_extract_inline);
  g_test_add_func ("/text/extract/heading", test_extract_heading);
  g_test_add_func ("/text/extract/fallback", test_extract_fallback);
  g_test_add_func ("/text/overlap", test_overlap);
  g_test_add_func ("/text/spans", test_spans);
  g_test_add_func ("/text/count-words", test_count_words);
  g_test_add_func ("/text/scan", test_scan);
  g_test_add_func ("/text/ngrams", test_ngrams);
  g_test_add_func ("/text/near-index", test_near_index);
  return g_test_run ();
}
