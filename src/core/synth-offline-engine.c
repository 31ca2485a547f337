/* synth-offline-engine.c — resumes and jobs from the curated corpus, with
 * labels true by construction.
 *
 * A job asks for a handful of "required skills" of its domain at a
 * seniority. A positive resume lists every one of them (under its name, a
 * synonym or an abbreviation) at the same seniority or one above; a
 * negative one misses at least one of them, comes from an unrelated domain
 * or sits outside that seniority window (the stated years of experience
 * tell which). "Misses" is strict, by the case-insensitive, word-bounded
 * matching a reader or a statistic would use: the corpus's boilerplate
 * (bullets, titles, names…) names no skill at all (tests/test-corpus.c
 * checks it), and the engine indexes which skills, certifications and
 * legacy tools spell which skills ("ASP.NET Core" spells ".NET"), so a
 * resume that must lack a skill never contains text that names it.
 *
 * Speed matters (a million records in under a minute), so everything that
 * can be computed once lives in a process-wide table, and a record is
 * written straight into a few GStrings, without regex.
 *
 * This file plans a record; synth-offline-render.c writes its resume and
 * job texts, and synth-offline-engine-private.h holds what the two share. */
#include "config.h"

#include "synth-offline-engine-private.h"
#include "synth-offline-engine.h"

#include <stdio.h>
#include <string.h>

#include "synth-corpus.h"
#include "synth-rng.h"

static const char *const list_names[N_LISTS] = {
  "buzzwords",
  "padding_phrases",
  "soft_skills",
  "summary_templates",
  "summary_extras",
  "project_templates",
  "months",
  "generic_companies",
  "hobbies",
  "email_domains",
  "employment_types",
  "job_benefits",
  "job_closings",
  "section_summary",
  "section_experience",
  "section_education",
  "section_skills",
  "section_certifications",
  "section_interests",
  "section_projects",
};

struct _SynthOfflineEngine
{
  GObject parent_instance;

  guint64 run_seed;
  char *run_id;
  const Tables *tables;
};

G_DEFINE_FINAL_TYPE (SynthOfflineEngine, synth_offline_engine, G_TYPE_OBJECT)

/* ---- text helpers ------------------------------------------------------ */

/* Case-insensitive, and word-bounded wherever the form itself starts or
 * ends with a letter or digit: "Java" is not in "JavaScript", ".NET" is in
 * "ASP.NET", "C#" is in "C#,". */
static gboolean
text_mentions (const char *text, gsize text_len, const char *form, gsize form_len)
{
  gboolean need_left, need_right;
  char first;

  if (form_len == 0 || form_len > text_len)
    return FALSE;
  first = g_ascii_tolower (form[0]);
  need_left = g_ascii_isalnum (form[0]);
  need_right = g_ascii_isalnum (form[form_len - 1]);
  for (gsize i = 0; i + form_len <= text_len; i++)
    {
      if (g_ascii_tolower (text[i]) != first ||
          g_ascii_strncasecmp (text + i + 1, form + 1, form_len - 1) != 0)
        continue;
      if (need_left && i > 0 && g_ascii_isalnum (text[i - 1]))
        continue;
      if (need_right && i + form_len < text_len && g_ascii_isalnum (text[i + form_len]))
        continue;
      return TRUE;
    }
  return FALSE;
}

static StrList
strlist (const char *const *v)
{
  StrList l = { v, v != NULL ? g_strv_length ((char **) v) : 0 };
  return l;
}

/* ---- tables --------------------------------------------------------------- */

static gboolean
text_mentions_skill (const char *text, const GSkill *s)
{
  gsize len = strlen (text);

  for (guint f = 0; f < skill_n_forms (s); f++)
    {
      const char *form = skill_form (s, f);
      if (text_mentions (text, len, form, strlen (form)))
        return TRUE;
    }
  return FALSE;
}

static guint64 *
mention_masks (const Tables *t, const StrList *items)
{
  guint64 *masks = g_new0 (guint64, (gsize) MAX (items->n, 1) * t->words);

  for (guint i = 0; i < items->n; i++)
    for (guint b = 0; b < t->n_skills; b++)
      if (text_mentions_skill (items->v[i], &t->skills[b]))
        bit_set (masks + (gsize) i * t->words, b);
  return masks;
}

static void
tables_init_skills (Tables *t, const SynthCorpus *corpus)
{
  guint g = 0;

  for (guint d = 0; d < N_DOM; d++)
    t->n_skills += corpus->domains[d].n_skills;
  t->words = (t->n_skills + 63) / 64;
  if (t->words > MAX_WORDS)
    g_error ("The corpus has %u skills; the offline engine handles at most %u", t->n_skills,
             MAX_WORDS * 64);

  t->skills = g_new0 (GSkill, t->n_skills);
  for (guint d = 0; d < N_DOM; d++)
    {
      t->offset[d] = g;
      for (guint i = 0; i < corpus->domains[d].n_skills; i++, g++)
        {
          const SynthSkill *s = &corpus->domains[d].skills[i];
          t->skills[g].skill = s;
          t->skills[g].domain = d;
          t->skills[g].n_syn = g_strv_length (s->synonyms);
          t->skills[g].n_abbr = g_strv_length (s->abbreviations);
        }
    }
  t->offset[N_DOM] = g;

  t->skill_mentions = g_new0 (guint64, (gsize) t->n_skills * t->words);
  for (guint a = 0; a < t->n_skills; a++)
    for (guint f = 0; f < skill_n_forms (&t->skills[a]); f++)
      {
        const char *form = skill_form (&t->skills[a], f);
        for (guint b = 0; b < t->n_skills; b++)
          if (text_mentions_skill (form, &t->skills[b]))
            bit_set (t->skill_mentions + (gsize) a * t->words, b);
      }
}

static void
tables_init_domains (Tables *t, const SynthCorpus *corpus)
{
  for (guint d = 0; d < N_DOM; d++)
    {
      const SynthCorpusDomain *dom = &corpus->domains[d];

      t->certs[d] = strlist ((const char *const *) dom->certifications);
      t->legacy[d] = strlist ((const char *const *) dom->legacy_tools);
      for (guint s = 0; s < SYNTH_N_SENIORITIES; s++)
        t->titles[d][s] = strlist ((const char *const *) dom->titles[s]);
      t->bullets[d] = strlist ((const char *const *) dom->bullets);
      t->companies[d] = strlist ((const char *const *) dom->companies);
      t->degrees[d] = strlist ((const char *const *) dom->degrees);
      t->intros[d] = strlist ((const char *const *) dom->job_intros);
      t->resp[d] = strlist ((const char *const *) dom->responsibilities);
      t->cert_mentions[d] = mention_masks (t, &t->certs[d]);
      t->legacy_mentions[d] = mention_masks (t, &t->legacy[d]);
      t->domain_phrase[d] = g_strdup (dom->name);
      t->domain_phrase[d][0] = g_ascii_tolower (t->domain_phrase[d][0]);
      if (t->bullets[d].n > 64)
        g_error ("Domain %s has more than 64 bullet templates", dom->id);
      for (guint i = 0; i < t->bullets[d].n; i++)
        if (strstr (t->bullets[d].v[i], "{tool}") != NULL)
          t->tool_bullets[d] |= G_GUINT64_CONSTANT (1) << i;

      for (guint o = 0; o < N_DOM; o++)
        {
          gboolean adjacent =
              g_strv_contains ((const char *const *) dom->adjacent_domains,
                               corpus->domains[o].id) ||
              g_strv_contains ((const char *const *) corpus->domains[o].adjacent_domains, dom->id);
          if (o == d)
            continue;
          if (adjacent)
            t->adjacent[d][t->n_adjacent[d]++] = o;
          else
            t->unrelated[d][t->n_unrelated[d]++] = o;
        }
    }
}

static char **
ascii_names (const StrList *names)
{
  char **out = g_new0 (char *, names->n + 1);

  for (guint i = 0; i < names->n; i++)
    {
      g_autofree char *ascii = g_str_to_ascii (names->v[i], "C");
      char *w = ascii;

      for (const char *r = ascii; *r != '\0'; r++)
        if (g_ascii_isalnum (*r))
          *w++ = g_ascii_tolower (*r);
      *w = '\0';
      out[i] = g_strdup (*ascii != '\0' ? ascii : "contact");
    }
  return out;
}

static void
tables_init_name_groups (Tables *t, const SynthCorpus *corpus, guint r)
{
  g_autofree char *list = g_strconcat ("name_groups/", corpus->regions[r].id, NULL);
  const char *const *spans = synth_corpus_get_list (corpus, list);
  guint n = g_strv_length ((char **) spans);

  /* Without groups, the whole region is one tradition. */
  t->n_name_groups[r] = MAX (n, 1);
  t->name_spans[r] = g_new0 (guint, 6 * t->n_name_groups[r]);
  t->name_spans[r][1] = t->given[r].n;
  t->name_spans[r][3] = t->family[r].n;
  for (guint i = 0; i < n; i++)
    {
      guint *span = &t->name_spans[r][6 * i];
      if (sscanf (spans[i], "%u:%u:%u:%u:%u:%u", &span[0], &span[1], &span[2], &span[3], &span[4],
                  &span[5]) != 6 ||
          span[0] >= span[1] || span[1] > t->given[r].n || span[2] >= span[3] ||
          span[3] > t->family[r].n)
        g_error ("Bad name group span “%s” in the built-in corpus", spans[i]);
    }
}

static void
tables_init_regions (Tables *t, const SynthCorpus *corpus)
{
  const char *const *codes = synth_corpus_get_list (corpus, "country_calling_codes");

  for (guint r = 0; r < N_REG; r++)
    {
      const SynthCorpusRegion *reg = &corpus->regions[r];

      t->given[r] = strlist ((const char *const *) reg->given_names);
      t->family[r] = strlist ((const char *const *) reg->family_names);
      t->cities[r] = strlist ((const char *const *) reg->cities);
      t->schools[r] = strlist ((const char *const *) reg->schools);
      t->given_ascii[r] = ascii_names (&t->given[r]);
      t->family_ascii[r] = ascii_names (&t->family[r]);
      tables_init_name_groups (t, corpus, r);
      t->city_code[r] = g_new0 (const char *, t->cities[r].n);
      for (guint c = 0; c < t->cities[r].n; c++)
        {
          const char *city = t->cities[r].v[c];
          const char *comma = strrchr (city, ',');
          const char *country = comma != NULL ? comma + 2 : city;
          gsize len = strlen (country);

          t->city_code[r][c] = "";
          for (guint k = 0; codes[k] != NULL; k++)
            if (strncmp (codes[k], country, len) == 0 && codes[k][len] == '=')
              t->city_code[r][c] = codes[k] + len + 1;
        }
    }
}

static const Tables *
tables_get (void)
{
  static Tables *tables;
  static gsize initialized;

  if (g_once_init_enter (&initialized))
    {
      const SynthCorpus *corpus = synth_corpus_get_default ();
      Tables *t = g_new0 (Tables, 1);

      tables_init_skills (t, corpus);
      tables_init_domains (t, corpus);
      tables_init_regions (t, corpus);
      for (guint l = 0; l < N_LISTS; l++)
        {
          t->lists[l] = strlist (synth_corpus_get_list (corpus, list_names[l]));
          if (t->lists[l].n == 0)
            g_error ("The built-in corpus has no “%s” list; fix data/corpus/common.json",
                     list_names[l]);
        }
      /* Kept for the life of the process, like the corpus it indexes. */
      tables = t;
      g_once_init_leave (&initialized, 1);
    }
  return tables;
}

/* ---- one record --------------------------------------------------------- */

static gboolean
related (const Tables *t, guint a, guint b)
{
  return bit_test (t->skill_mentions + (gsize) a * t->words, b) ||
         bit_test (t->skill_mentions + (gsize) b * t->words, a);
}

/* @n distinct skills of @domain, none spelling another or one in @avoid. */
static guint
pick_distinct_skills (Gen *g, guint domain, guint *out, guint n, const guint *avoid, guint n_avoid)
{
  guint first = g->t->offset[domain], count = g->t->offset[domain + 1] - first, got = 0;

  for (guint tries = 0; got < n && tries < 400; tries++)
    {
      guint gid = first + synth_rng_below (&g->rng, count);
      gboolean ok = TRUE;

      for (guint i = 0; i < got && ok; i++)
        ok = !related (g->t, gid, out[i]);
      for (guint i = 0; i < n_avoid && ok; i++)
        ok = !related (g->t, gid, avoid[i]);
      if (ok)
        out[got++] = gid;
    }
  return got;
}

static void
plan_job (Gen *g)
{
  static const guint req_min[SYNTH_N_SENIORITIES] = { 4, 5, 5, 5 };
  static const guint req_span[SYNTH_N_SENIORITIES] = { 2, 2, 3, 3 };
  const Tables *t = g->t;

  g->job_title = pick (&g->rng, &t->titles[g->job_domain][g->job_level]);
  g->job_company = pick (&g->rng, &t->companies[g->job_domain]);
  g->n_req = pick_distinct_skills (
      g, g->job_domain, g->req,
      req_min[g->job_level] + synth_rng_below (&g->rng, req_span[g->job_level]), NULL, 0);
  g->n_nice = pick_distinct_skills (g, g->job_domain, g->nice, 2 + synth_rng_below (&g->rng, 2),
                                    g->req, g->n_req);
}

static guint
years_in_band (Gen *g, guint level)
{
  return years_min[level] + synth_rng_below (&g->rng, years_max[level] - years_min[level] + 1);
}

static guint
level_of_years (guint years)
{
  guint level = 0;

  while (level + 1 < SYNTH_N_SENIORITIES && years >= years_min[level + 1])
    level++;
  return level;
}

static void
set_level (Gen *g, guint level)
{
  g->level = level;
  g->years = years_in_band (g, level);
}

/* Marks @n_missing required skills (chosen at random) as missing. */
static void
miss_skills (Gen *g, guint n_missing)
{
  guint order[MAX_REQ];

  for (guint i = 0; i < g->n_req; i++)
    order[i] = i;
  synth_rng_shuffle (&g->rng, order, g->n_req, sizeof order[0]);
  for (guint i = 0; i < n_missing && i < g->n_req; i++)
    {
      g->missing[order[i]] = TRUE;
      bit_set (g->forbidden, g->req[order[i]]);
    }
}

static guint
n_covered (const Gen *g)
{
  guint n = 0;

  for (guint i = 0; i < g->n_req; i++)
    n += !g->missing[i];
  return n;
}

static void
plan_fit (Gen *g)
{
  gboolean above = g->job_level + 1 < SYNTH_N_SENIORITIES && synth_rng_chance (&g->rng, 0.25);

  set_level (g, g->job_level + above);
}

static void
plan_partial (Gen *g, guint min_missing, guint max_missing)
{
  max_missing = MIN (max_missing, g->n_req - 1);
  min_missing = MIN (min_missing, max_missing);
  miss_skills (g, min_missing + synth_rng_below (&g->rng, max_missing - min_missing + 1));
  plan_fit (g);
}

static void
plan_unrelated_domain (Gen *g)
{
  const Tables *t = g->t;

  g->res_domain =
      t->n_unrelated[g->job_domain] > 0
          ? t->unrelated[g->job_domain][synth_rng_below (&g->rng, t->n_unrelated[g->job_domain])]
          : (g->job_domain + 1) % N_DOM;
  /* Transferable skills happen, but never most of the job's. */
  miss_skills (g, g->n_req - synth_rng_below (&g->rng, 2));
  plan_fit (g);
}

/* A level outside [job, job + 1]: under-qualified or far over. */
static void
plan_seniority_gap (Gen *g)
{
  guint options[SYNTH_N_SENIORITIES], n = 0;

  for (guint l = 0; l < SYNTH_N_SENIORITIES; l++)
    if (l < g->job_level || l >= g->job_level + 2)
      options[n++] = l;
  set_level (g, options[synth_rng_below (&g->rng, n)]);
}

static void
plan_generic_negative (Gen *g)
{
  guint r = synth_rng_below (&g->rng, 100);

  if (r < 50)
    plan_partial (g, 1, g->n_req - 1);
  else if (r < 75)
    plan_unrelated_domain (g);
  else
    plan_seniority_gap (g);
}

static void
plan_experience_mismatch (Gen *g)
{
  guint j = g->job_level;

  if (g->positive)
    {
      /* Far more years than asked, yet only one level above: still a fit. */
      g->level = MIN (j + 1, SYNTH_N_SENIORITIES - 1);
      g->years = years_max[g->level] - synth_rng_below (&g->rng, 2) +
                 (g->level == SYNTH_N_SENIORITIES - 1 ? 2 + synth_rng_below (&g->rng, 5) : 0);
    }
  else if (j > 0)
    {
      /* Just short of the job's minimum. */
      g->years = MAX (years_min[j] - 1 - synth_rng_below (&g->rng, 2), 1);
      g->level = level_of_years (g->years);
    }
  else
    set_level (g, 2 + synth_rng_below (&g->rng, 2));
}

static void
plan_candidate (Gen *g)
{
  const SynthSlot *slot = g->slot;
  const char *st = g->subtype;

  g->res_domain = g->job_domain;
  g->alt_domain = NO_DOMAIN;
  switch ((SynthBiasType) slot->bias_type)
    {
    case SYNTH_BIAS_SKILL_MATCH:
      if (g_str_equal (st, "domain_mismatch"))
        {
          const Tables *t = g->t;
          if (!g->positive)
            plan_unrelated_domain (g);
          else
            {
              g->res_domain =
                  t->n_adjacent[g->job_domain] > 0
                      ? t->adjacent[g->job_domain]
                                   [synth_rng_below (&g->rng, t->n_adjacent[g->job_domain])]
                      : g->job_domain;
              plan_fit (g);
            }
        }
      else if (g_str_equal (st, "seniority_gap"))
        {
          if (g->positive)
            set_level (g, MIN (g->job_level + 1, SYNTH_N_SENIORITIES - 1));
          else
            plan_seniority_gap (g);
        }
      else if (g->positive)
        {
          g->style |= STYLE_ALT_FORMS | STYLE_FEW_EXTRAS;
          set_level (g, g->job_level);
        }
      else
        plan_partial (g, 1, MAX (g->n_req / 2, 1));
      return;

    case SYNTH_BIAS_EXPERIENCE:
      if (g_str_equal (st, "experience_mismatch"))
        {
          plan_experience_mismatch (g);
          return;
        }
      g->style |= g_str_equal (st, "legacy_tools") ? STYLE_LEGACY : STYLE_OUTDATED;
      if (g->positive)
        plan_fit (g);
      else
        plan_partial (g, 1, 2);
      return;

    case SYNTH_BIAS_DOMAIN_SPECIFIC:
      if (g_str_equal (st, "resume_padding"))
        g->style |= STYLE_PADDING;
      else if (g_str_equal (st, "buzzwords"))
        g->style |= STYLE_BUZZ;
      else
        g->alt_domain = (g->job_domain + 1 + synth_rng_below (&g->rng, N_DOM - 1)) % N_DOM;
      if (g->positive)
        plan_fit (g);
      else
        plan_partial (g, 1, g->n_req - 1);
      return;

    default:
      if (g->positive)
        plan_fit (g);
      else
        plan_generic_negative (g);
      return;
    }
}

/* ---- the resume's skills ----------------------------------------------- */

static void
add_skill (Gen *g, guint gid)
{
  const GSkill *s = gskill (g, gid);
  ResSkill *rs;
  guint n_alt = s->n_syn + s->n_abbr;
  double r = synth_rng_double (&g->rng);

  if (g->n_skills >= MAX_RES)
    return;
  rs = &g->skills[g->n_skills++];
  rs->gid = gid;
  rs->form = s->skill->name;
  rs->paren = NULL;
  bit_set (g->present, gid);

  if ((g->style & STYLE_ALT_FORMS) && n_alt > 0 && r < 0.85)
    {
      rs->form = skill_form (s, 1 + synth_rng_below (&g->rng, n_alt));
      g->n_alt_forms++;
    }
  else if (r >= 0.84 && r < 0.93 && s->n_syn > 0)
    rs->form = skill_form (s, 1 + synth_rng_below (&g->rng, s->n_syn));
  else if (r >= 0.93 && s->n_abbr > 0)
    rs->form = skill_form (s, 1 + s->n_syn + synth_rng_below (&g->rng, s->n_abbr));
  else if (s->n_abbr > 0 && r < 0.12)
    rs->paren = skill_form (s, 1 + s->n_syn);
}

static void
add_extras (Gen *g, guint domain, guint n)
{
  const Tables *t = g->t;
  guint first = t->offset[domain], count = t->offset[domain + 1] - first;

  for (guint tries = 0; n > 0 && tries < 200; tries++)
    {
      guint gid = first + synth_rng_below (&g->rng, count);

      if (bit_test (g->present, gid) ||
          bits_intersect (t->skill_mentions + (gsize) gid * t->words, g->forbidden, t->words))
        continue;
      add_skill (g, gid);
      n--;
    }
}

static void
add_dated (Gen *g, guint domain, guint n)
{
  const Tables *t = g->t;

  for (guint tries = 0; n > 0 && g->n_dated < MAX_DATED && tries < 40; tries++)
    {
      guint i = synth_rng_below (&g->rng, t->legacy[domain].n);
      gboolean dup = FALSE;

      for (guint k = 0; k < g->n_dated; k++)
        dup |= g->dated[k] == t->legacy[domain].v[i];
      if (dup || !allowed_item (g, t->legacy_mentions[domain], i))
        continue;
      g->dated[g->n_dated++] = t->legacy[domain].v[i];
      n--;
    }
}

static void
build_skill_list (Gen *g)
{
  gboolean is_long = g->slot->length == SYNTH_LENGTH_LONG;
  guint n_extra = is_long ? 5 + synth_rng_below (&g->rng, 5) : 2 + synth_rng_below (&g->rng, 3);

  for (guint i = 0; i < g->n_req; i++)
    if (!g->missing[i])
      add_skill (g, g->req[i]);
  if (g->style & STYLE_FEW_EXTRAS)
    n_extra = synth_rng_below (&g->rng, 2);
  if (g->alt_domain != NO_DOMAIN)
    {
      add_extras (g, g->res_domain, (n_extra + 1) / 2);
      add_extras (g, g->alt_domain, n_extra / 2 + 1);
    }
  else
    add_extras (g, g->res_domain, n_extra + (g->res_domain != g->job_domain ? 2 : 0));
  synth_rng_shuffle (&g->rng, g->skills, g->n_skills, sizeof g->skills[0]);

  if (g->style & (STYLE_OUTDATED | STYLE_LEGACY))
    add_dated (g, g->res_domain, 2 + synth_rng_below (&g->rng, 2));
}

/* ---- bias detail ---------------------------------------------------------- */

static void
append_coverage (Gen *g, GString *s)
{
  guint covered = n_covered (g), k = 0;

  if (covered == g->n_req)
    {
      g_string_append_printf (s, "covers all %u required skills", g->n_req);
      return;
    }
  g_string_append_printf (s, "covers %u of %u required skills (missing ", covered, g->n_req);
  for (guint i = 0; i < g->n_req; i++)
    if (g->missing[i])
      g_string_append_printf (s, "%s%s", k++ ? ", " : "", gskill (g, g->req[i])->skill->name);
  g_string_append_c (s, ')');
}

static void
append_levels (Gen *g, GString *s)
{
  g_string_append_printf (s, "resume states %u year%s (%s level), job asks %u+ years (%s)",
                          g->years, g->years == 1 ? "" : "s",
                          seniority_labels[level_of_years (g->years)], years_min[g->job_level],
                          seniority_labels[g->job_level]);
}

static void
append_dated_list (Gen *g, GString *s)
{
  for (guint k = 0; k < g->n_dated; k++)
    g_string_append_printf (s, "%s%s", k ? ", " : "", g->dated[k]);
}

static void
describe_skill_match (Gen *g, GString *s)
{
  const Tables *t = g->t;

  if (g_str_equal (g->subtype, "domain_mismatch"))
    {
      g_string_append_printf (s, "job in %s, resume from %s %s; ", t->domain_phrase[g->job_domain],
                              g->positive ? "the adjacent field of" : "the unrelated field of",
                              t->domain_phrase[g->res_domain]);
      append_coverage (g, s);
    }
  else if (g_str_equal (g->subtype, "seniority_gap"))
    {
      append_levels (g, s);
      g_string_append (s, g->positive ? "; one level above at most, still a fit; "
                                      : "; outside the fitting range; ");
      append_coverage (g, s);
    }
  else if (g->positive)
    {
      g_string_append (s, "hard positive: ");
      append_coverage (g, s);
      g_string_append_printf (s, ", %u written as synonyms or abbreviations, few other skills",
                              g->n_alt_forms);
    }
  else
    append_coverage (g, s);
}

static char *
describe (Gen *g)
{
  GString *s = g_string_new (NULL);
  const SynthSlot *slot = g->slot;

  g_string_append_printf (s, "%s/%s: ", synth_bias_type_to_id (slot->bias_type), g->subtype);
  switch ((SynthBiasType) slot->bias_type)
    {
    case SYNTH_BIAS_SKILL_MATCH:
      describe_skill_match (g, s);
      break;
    case SYNTH_BIAS_EXPERIENCE:
      if (g_str_equal (g->subtype, "experience_mismatch"))
        append_levels (g, s);
      else
        {
          g_string_append (s, g_str_equal (g->subtype, "legacy_tools")
                                  ? "roles centred on legacy tools ("
                                  : "lists dated technologies (");
          append_dated_list (g, s);
          g_string_append (s, "); ");
          append_coverage (g, s);
        }
      break;
    case SYNTH_BIAS_DOMAIN_SPECIFIC:
      if (g->style & STYLE_PADDING)
        g_string_append_printf (s, "%u filler phrase%s added; ", g->n_padding,
                                g->n_padding == 1 ? "" : "s");
      else if (g->style & STYLE_BUZZ)
        {
          g_string_append_printf (s, "%u buzzwords added (", g->n_buzz);
          for (guint k = 0; k < g->n_buzz; k++)
            append3 (s, k ? ", " : "", g->buzz[k], "");
          g_string_append (s, "); ");
        }
      else
        g_string_append_printf (s, "career alternates between %s and %s; ",
                                g->t->domain_phrase[g->res_domain],
                                g->t->domain_phrase[g->alt_domain]);
      append_coverage (g, s);
      break;
    case SYNTH_BIAS_FAIRNESS:
      {
        g_autofree char *group = synth_slot_dup_group_id (slot);
        g_string_append_printf (
            s,
            "counterfactual variant %u of group %s, name from %s; resume and job identical "
            "across the group apart from the name",
            slot->variant, group != NULL ? group : "-",
            synth_corpus_get_default ()->regions[slot->region].name);
      }
      break;
    default:
      g_string_free (s, TRUE);
      return NULL;
    }
  return g_string_free (s, FALSE);
}

/* ---- the person ------------------------------------------------------------ */

static char *
make_person (Gen *g, GString *email, GString *profile)
{
  const Tables *t = g->t;
  SynthRng *rng = &g->name_rng;
  guint r = g->slot->region, gi = synth_rng_below (rng, t->given[r].n), fi, k = 0;
  const guint *span = t->name_spans[r];
  const char *ga, *fa;
  GString *name = g_string_new (t->given[r].v[gi]);
  guint style, n_family;

  /* Family names come from the given name's naming tradition, and so do a
   * second family name or a middle initial where they are the custom. */
  while (k + 1 < t->n_name_groups[r] && !(gi >= span[6 * k] && gi < span[6 * k + 1]))
    k++;
  span += 6 * k;
  n_family = span[3] - span[2];
  fi = span[2] + synth_rng_below (rng, n_family);
  ga = t->given_ascii[r][gi];
  fa = t->family_ascii[r][fi];
  style = synth_rng_below (rng, 5);

  if (synth_rng_below (rng, 1000) < span[5])
    g_string_append_printf (name, " %c.", "ABCDEFGHJKLMNPRSTW"[synth_rng_below (rng, 18)]);
  g_string_append_printf (name, " %s", t->family[r].v[fi]);
  if (n_family > 1 && synth_rng_below (rng, 1000) < span[4])
    {
      guint second = span[2] + (fi - span[2] + 1 + synth_rng_below (rng, n_family - 1)) % n_family;
      g_string_append_printf (name, " %s", t->family[r].v[second]);
    }

  switch (style)
    {
    case 0:
      g_string_append_printf (email, "%s.%s", ga, fa);
      break;
    case 1:
      g_string_append_printf (email, "%c.%s", ga[0], fa);
      break;
    case 2:
      g_string_append_printf (email, "%s.%s%u", ga, fa, 1 + synth_rng_below (rng, 99));
      break;
    case 3:
      g_string_append_printf (email, "%s_%s", fa, ga);
      break;
    default:
      g_string_append_printf (email, "%s%c", ga, fa[0]);
      break;
    }
  g_string_append_printf (email, "@%s", pick (rng, &t->lists[L_EMAIL]));
  if (profile != NULL)
    g_string_append_printf (profile, "linkedin.com/in/%s-%s-%u", ga, fa,
                            100 + synth_rng_below (rng, 900));
  return g_string_free (name, FALSE);
}

/* ---- GObject ----------------------------------------------------------------- */

static void
synth_offline_engine_finalize (GObject *object)
{
  SynthOfflineEngine *self = SYNTH_OFFLINE_ENGINE (object);

  g_free (self->run_id);
  G_OBJECT_CLASS (synth_offline_engine_parent_class)->finalize (object);
}

static void
synth_offline_engine_class_init (SynthOfflineEngineClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = synth_offline_engine_finalize;
}

static void
synth_offline_engine_init (SynthOfflineEngine *self)
{
}

SynthOfflineEngine *
synth_offline_engine_new (guint64 run_seed, const char *run_id)
{
  SynthOfflineEngine *self = g_object_new (SYNTH_TYPE_OFFLINE_ENGINE, NULL);

  self->run_seed = run_seed;
  self->run_id = g_strdup (run_id != NULL ? run_id : "run");
  self->tables = tables_get ();
  return self;
}

/* Salts that separate the streams derived from one run seed. */
#define FAIRNESS_STREAM G_GUINT64_CONSTANT (0x6661697267726f75)
#define NAME_STREAM G_GUINT64_CONSTANT (0x6e616d6573747265)

static void
gen_init (Gen *g, SynthOfflineEngine *self, const SynthSlot *slot)
{
  gboolean fairness = slot->bias_type == SYNTH_BIAS_FAIRNESS && slot->group != SYNTH_NO_GROUP;
  const char *subtype = synth_slot_get_subtype_id (slot);
  static const char *const seps[] = { " · ", " | ", " • ", " / " };
  static const char *const glyphs[] = { "• ", "- ", "* ", "– " };

  memset (g, 0, sizeof *g);
  g->t = self->tables;
  g->slot = slot;
  g->subtype = subtype != NULL ? subtype : "none";
  g->positive = slot->match_label == 1;
  /* Everything but the person comes from the content stream; a fairness
   * group shares it, so its members differ only in name. */
  synth_rng_init (&g->rng, fairness ? synth_rng_mix (self->run_seed ^ FAIRNESS_STREAM, slot->group)
                                    : synth_rng_mix (self->run_seed, slot->index));
  synth_rng_init (&g->name_rng,
                  synth_rng_mix (synth_rng_mix (self->run_seed, slot->index), NAME_STREAM));
  g->job_domain = slot->domain;
  g->job_level = slot->seniority;
  g->place_region = fairness ? synth_rng_below (&g->rng, N_REG) : slot->region;
  g->sep = seps[synth_rng_below (&g->rng, G_N_ELEMENTS (seps))];
  g->glyph = glyphs[synth_rng_below (&g->rng, G_N_ELEMENTS (glyphs))];
  g->numeric_dates = synth_rng_chance (&g->rng, 0.25);
}

SynthRecord *
synth_offline_engine_generate (SynthOfflineEngine *self, const SynthSlot *slot)
{
  Gen g;
  g_autofree char *resume = NULL, *job = NULL, *name = NULL, *detail = NULL, *group = NULL;
  g_autofree char *record_id = NULL;
  g_autoptr (GString) email = g_string_sized_new (64);
  g_autoptr (GString) profile = NULL;
  SynthRecord *record;

  g_return_val_if_fail (SYNTH_IS_OFFLINE_ENGINE (self), NULL);
  g_return_val_if_fail (slot != NULL, NULL);
  g_return_val_if_fail (slot->domain < N_DOM && slot->region < N_REG, NULL);
  g_return_val_if_fail (slot->seniority < SYNTH_N_SENIORITIES && slot->length < SYNTH_N_LENGTHS,
                        NULL);
  g_return_val_if_fail (slot->bias_type < SYNTH_N_BIAS_TYPES, NULL);

  gen_init (&g, self, slot);
  plan_job (&g);
  plan_candidate (&g);
  build_skill_list (&g);

  if (slot->bias_type != SYNTH_BIAS_FAIRNESS && synth_rng_chance (&g.name_rng, 0.4))
    profile = g_string_sized_new (64);
  name = make_person (&g, email, profile);
  resume =
      _synth_offline_render_resume (&g, name, email->str, profile != NULL ? profile->str : NULL);
  job = _synth_offline_render_job (&g);
  detail = describe (&g);
  group = synth_slot_dup_group_id (slot);
  record_id = g_strdup_printf ("%s-%07u", self->run_id, slot->index);

  record = synth_record_new ();
  synth_record_set_index (record, slot->index);
  synth_record_set_record_id (record, record_id);
  synth_record_set_name (record, name);
  synth_record_set_resume_text (record, resume);
  synth_record_set_job_skill_text (record, job);
  synth_record_set_match_label (record, slot->match_label);
  synth_record_set_bias_type (record, slot->bias_type);
  synth_record_set_bias_subtype (record, synth_slot_get_subtype_id (slot));
  synth_record_set_bias_detail (record, detail != NULL ? detail : "");
  synth_record_set_domain (record, synth_domain_ids ()[slot->domain]);
  synth_record_set_seniority (record, synth_seniority_to_id (slot->seniority));
  synth_record_set_region (record, synth_region_ids ()[slot->region]);
  synth_record_set_length_class (record, synth_length_to_id (slot->length));
  synth_record_set_split (record, synth_slot_get_split (slot));
  synth_record_set_group_id (record, group);
  return record;
}
