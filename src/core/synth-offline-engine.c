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
 * written straight into a few GStrings, without regex. */
#include "config.h"

#include "synth-offline-engine.h"

#include <stdio.h>
#include <string.h>

#include "synth-corpus.h"
#include "synth-rng.h"

#define MAX_WORDS 16 /* bitset words: room for 1024 skills over all domains */
#define MAX_REQ 8
#define MAX_NICE 3
#define MAX_RES 40
#define MAX_ROLES 6
#define MAX_DATED 4
#define NO_DOMAIN G_MAXUINT
/* A fixed "today", so that a seed reproduces the same dates in any year. */
#define NOW_MONTHS (2025 * 12 + 5)
/* An upper bound on a name's words ("Ana Santos Dela Cruz" has four). */
#define NAME_WORDS 5

#define N_DOM SYNTH_N_DOMAINS
#define N_REG SYNTH_N_REGIONS

typedef struct
{
  const char *const *v;
  guint n;
} StrList;

typedef struct
{
  const SynthSkill *skill;
  guint domain;
  guint n_syn, n_abbr;
} GSkill;

enum
{
  L_BUZZ,
  L_PADDING,
  L_SOFT,
  L_SUMMARY,
  L_SUMMARY_EXTRA,
  L_PROJECTS,
  L_MONTHS,
  L_GENERIC_CO,
  L_HOBBIES,
  L_EMAIL,
  L_EMPLOYMENT,
  L_BENEFITS,
  L_CLOSINGS,
  L_SEC_SUMMARY,
  L_SEC_EXPERIENCE,
  L_SEC_EDUCATION,
  L_SEC_SKILLS,
  L_SEC_CERTS,
  L_SEC_INTERESTS,
  L_SEC_PROJECTS,
  N_LISTS
};

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

typedef struct
{
  guint n_skills, words;
  GSkill *skills;
  guint offset[N_DOM + 1];
  guint64 *skill_mentions;         /* [a][b]: a form of skill a contains a form of skill b */
  guint64 *cert_mentions[N_DOM];   /* [cert][b] */
  guint64 *legacy_mentions[N_DOM]; /* [tool][b] */
  StrList certs[N_DOM], legacy[N_DOM], titles[N_DOM][SYNTH_N_SENIORITIES], bullets[N_DOM];
  StrList companies[N_DOM], degrees[N_DOM], intros[N_DOM], resp[N_DOM];
  guint64 tool_bullets[N_DOM]; /* bullet templates with a {tool} */
  char *domain_phrase[N_DOM];  /* "software engineering", for summaries */
  guint adjacent[N_DOM][N_DOM], n_adjacent[N_DOM];
  guint unrelated[N_DOM][N_DOM], n_unrelated[N_DOM];
  StrList given[N_REG], family[N_REG], cities[N_REG], schools[N_REG];
  char **given_ascii[N_REG], **family_ascii[N_REG]; /* e-mail safe */
  const char **city_code[N_REG];                    /* calling code per city */
  guint *name_spans[N_REG];                         /* 6 per naming tradition, see synth-corpus.c */
  guint n_name_groups[N_REG];
  StrList lists[N_LISTS];
} Tables;

struct _SynthOfflineEngine
{
  GObject parent_instance;

  guint64 run_seed;
  char *run_id;
  const Tables *tables;
};

G_DEFINE_FINAL_TYPE (SynthOfflineEngine, synth_offline_engine, G_TYPE_OBJECT)

static const char *const seniority_labels[SYNTH_N_SENIORITIES] = { "Junior", "Mid-level", "Senior",
                                                                   "Lead" };
/* Years of experience that belong to each seniority, and a job's minimum. */
static const guint years_min[SYNTH_N_SENIORITIES] = { 1, 3, 6, 10 };
static const guint years_max[SYNTH_N_SENIORITIES] = { 2, 5, 9, 16 };

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

/* 1 for the bytes synth_record_count_words() treats as spaces. */
static const guint8 is_space[256] = {
  ['\t'] = 1, ['\n'] = 1, ['\v'] = 1, ['\f'] = 1, ['\r'] = 1, [' '] = 1,
};

/* Same rule as synth_record_count_words(): a word starts at each non-space
 * byte that follows a space (or the start), without branches. */
static guint
count_words (const char *text)
{
  const guint8 *p = (const guint8 *) text;
  guint n = 0, prev_space = 1;

  for (; *p != '\0'; p++)
    {
      guint space = is_space[*p];
      n += prev_space & (space ^ 1);
      prev_space = space;
    }
  return n;
}

static StrList
strlist (const char *const *v)
{
  StrList l = { v, v != NULL ? g_strv_length ((char **) v) : 0 };
  return l;
}

static inline const char *
pick (SynthRng *rng, const StrList *l)
{
  return l->n > 0 ? l->v[synth_rng_below (rng, l->n)] : "";
}

static inline const char *
skill_form (const GSkill *s, guint i)
{
  if (i == 0)
    return s->skill->name;
  if (i <= s->n_syn)
    return s->skill->synonyms[i - 1];
  return s->skill->abbreviations[i - 1 - s->n_syn];
}

static inline guint
skill_n_forms (const GSkill *s)
{
  return 1 + s->n_syn + s->n_abbr;
}

static inline gboolean
bit_test (const guint64 *bits, guint i)
{
  return (bits[i / 64] >> (i % 64)) & 1;
}

static inline void
bit_set (guint64 *bits, guint i)
{
  bits[i / 64] |= G_GUINT64_CONSTANT (1) << (i % 64);
}

static inline gboolean
bits_intersect (const guint64 *a, const guint64 *b, guint words)
{
  for (guint i = 0; i < words; i++)
    if (a[i] & b[i])
      return TRUE;
  return FALSE;
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

enum
{
  STYLE_ALT_FORMS = 1 << 0, /* prefer synonyms and abbreviations */
  STYLE_FEW_EXTRAS = 1 << 1,
  STYLE_OUTDATED = 1 << 2, /* dated technologies in the skills list */
  STYLE_LEGACY = 1 << 3,   /* roles centred on legacy tools */
  STYLE_PADDING = 1 << 4,
  STYLE_BUZZ = 1 << 5,
};

typedef struct
{
  guint gid;
  const char *form;  /* what the resume writes */
  const char *paren; /* an abbreviation shown in brackets after it, or NULL */
} ResSkill;

typedef struct
{
  guint domain, level;
  const char *title, *company;
  int start, end; /* months since year 0; end < 0 means "Present" */
  GString *text;  /* header lines, then bullets */
  guint words, n_bullets;
  guint64 used; /* bullet templates this role has used */
} Role;

typedef struct
{
  const Tables *t;
  const SynthSlot *slot;
  SynthRng rng;      /* content: shared by a fairness group */
  SynthRng name_rng; /* the person: per slot */
  const char *subtype;
  gboolean positive;

  guint job_domain, job_level;
  guint req[MAX_REQ], n_req;
  gboolean missing[MAX_REQ];
  guint nice[MAX_NICE], n_nice;
  const char *job_title, *job_company;

  guint res_domain, alt_domain, level, years, place_region, style;
  guint64 forbidden[MAX_WORDS]; /* missing required skills: nothing may spell them */
  guint64 present[MAX_WORDS];
  ResSkill skills[MAX_RES];
  guint n_skills, n_alt_forms;
  const char *dated[MAX_DATED];
  guint n_dated, n_padding, n_buzz;
  const char *buzz[6];
  guint64 used_bullets[2];
  const char *sep, *glyph;
  gboolean numeric_dates;
  GString *detail;
} Gen;

static inline const GSkill *
gskill (const Gen *g, guint gid)
{
  return &g->t->skills[gid];
}

static gboolean
related (const Tables *t, guint a, guint b)
{
  return bit_test (t->skill_mentions + (gsize) a * t->words, b) ||
         bit_test (t->skill_mentions + (gsize) b * t->words, a);
}

static gboolean
allowed_item (const Gen *g, const guint64 *masks, guint i)
{
  return !bits_intersect (masks + (gsize) i * g->t->words, g->forbidden, g->t->words);
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

/* ---- templates ------------------------------------------------------------ */

typedef struct
{
  const char *title, *company, *skill, *skill2, *tool, *domain, *soft, *years;
} Fill;

static inline void
append3 (GString *s, const char *a, const char *b, const char *c)
{
  g_string_append (s, a);
  g_string_append (s, b);
  g_string_append (s, c);
}

static void
append_uint (GString *s, guint v)
{
  char buf[16];
  int n = 0;

  do
    buf[n++] = (char) ('0' + v % 10);
  while ((v /= 10) != 0 && n < (int) sizeof buf);
  while (n > 0)
    g_string_append_c (s, buf[--n]);
}

/* "a" before a value that starts with a vowel sound we can be sure of. */
static void
fix_article (GString *out, const char *value)
{
  char c = g_ascii_toupper (value[0]);

  if (c != 'A' && c != 'E' && c != 'I' && c != 'O')
    return;
  if ((out->len == 2 && out->str[0] == 'a' && out->str[1] == ' ') ||
      (out->len >= 3 && out->str[out->len - 1] == ' ' && out->str[out->len - 2] == 'a' &&
       (out->str[out->len - 3] == ' ' || out->str[out->len - 3] == '\n')))
    g_string_insert_c (out, out->len - 1, 'n');
}

static void
expand (Gen *g, GString *out, const char *tmpl, const Fill *f)
{
  const char *p = tmpl;

  while (*p != '\0')
    {
      const char *open = strchr (p, '{');
      const char *close = open != NULL ? strchr (open, '}') : NULL;
      const char *value = NULL;
      gsize key_len;

      if (close == NULL)
        {
          g_string_append (out, p);
          return;
        }
      g_string_append_len (out, p, open - p);
      key_len = close - open - 1;
#define KEY_IS(k) (key_len == sizeof k - 1 && strncmp (open + 1, k, key_len) == 0)
      if (KEY_IS ("metric"))
        {
          append_uint (out, 8 + synth_rng_below (&g->rng, 38));
          g_string_append_c (out, '%');
        }
      else if (KEY_IS ("soft") && f->soft != NULL)
        {
          g_string_append_c (out, g_ascii_tolower (f->soft[0]));
          g_string_append (out, f->soft + 1);
        }
      else
        {
          value = KEY_IS ("skill")     ? f->skill
                  : KEY_IS ("skill2")  ? f->skill2
                  : KEY_IS ("tool")    ? f->tool
                  : KEY_IS ("title")   ? f->title
                  : KEY_IS ("company") ? f->company
                  : KEY_IS ("domain")  ? f->domain
                  : KEY_IS ("years")   ? f->years
                                       : NULL;
          if (value == NULL)
            value = "";
          fix_article (out, value);
          g_string_append (out, value);
        }
#undef KEY_IS
      p = close + 1;
    }
}

static void
append_date (Gen *g, GString *s, int months)
{
  guint year = (guint) months / 12, month = (guint) months % 12;

  if (months < 0)
    {
      g_string_append (s, "Present");
      return;
    }
  if (g->numeric_dates)
    {
      if (month < 9)
        g_string_append_c (s, '0');
      append_uint (s, month + 1);
      g_string_append_c (s, '/');
    }
  else
    {
      g_string_append (s, g->t->lists[L_MONTHS].v[month % g->t->lists[L_MONTHS].n]);
      g_string_append_c (s, ' ');
    }
  append_uint (s, year);
}

static void
append_heading (Gen *g, GString *s, guint list)
{
  g_string_append (s, pick (&g->rng, &g->t->lists[list]));
  g_string_append_c (s, '\n');
}

/* Up to the comma: "Lagos" of "Lagos, Nigeria". */
static void
append_city (GString *s, const char *city)
{
  const char *comma = strchr (city, ',');

  g_string_append_len (s, city, comma != NULL ? comma - city : (gssize) strlen (city));
}

static const char *
pick_skill_form (Gen *g, guint domain, const char *avoid)
{
  for (guint tries = 0; tries < 10 && g->n_skills > 0; tries++)
    {
      const ResSkill *s = &g->skills[synth_rng_below (&g->rng, g->n_skills)];
      if (s->form == avoid && g->n_skills > 1)
        continue;
      if (gskill (g, s->gid)->domain == domain || tries >= 5)
        return s->form;
    }
  return g->n_skills > 0 ? g->skills[0].form : "";
}

static const char *
pick_tool (Gen *g, guint domain)
{
  const StrList *legacy = &g->t->legacy[domain];

  for (guint tries = 0; tries < 8; tries++)
    {
      guint i = synth_rng_below (&g->rng, legacy->n);
      if (allowed_item (g, g->t->legacy_mentions[domain], i))
        return legacy->v[i];
    }
  return NULL;
}

/* ---- experience ------------------------------------------------------------ */

static guint
plan_roles (Gen *g, Role *roles)
{
  gboolean is_long = g->slot->length == SYNTH_LENGTH_LONG;
  guint total = g->years * 12 + synth_rng_below (&g->rng, 6);
  guint n = is_long ? 2 + synth_rng_below (&g->rng, 2) + (g->years >= 6) + (g->years >= 10)
                    : 1 + synth_rng_below (&g->rng, 2);
  guint weights[MAX_ROLES], sum = 0, level = g->level;
  int cursor = NOW_MONTHS;

  if (g->alt_domain != NO_DOMAIN)
    n = MAX (n, 2);
  n = CLAMP (MIN (n, total / 6), 1, MAX_ROLES);
  for (guint i = 0; i < n; i++)
    sum += weights[i] = 2 + synth_rng_below (&g->rng, 4) + (i == 0 ? 2 : 0);

  for (guint i = 0; i < n; i++)
    {
      Role *r = &roles[i];
      guint dur = MAX (total * weights[i] / sum, 4);

      r->domain = (g->alt_domain != NO_DOMAIN && i % 2 == 1) ? g->alt_domain : g->res_domain;
      r->level = level;
      r->end = i == 0 ? -1 : cursor;
      r->start = cursor - (int) dur;
      cursor =
          r->start - (synth_rng_chance (&g->rng, 0.3) ? 1 + (int) synth_rng_below (&g->rng, 3) : 0);
      r->title = pick (&g->rng, &g->t->titles[r->domain][r->level]);
      do
        r->company = i > 0 && synth_rng_chance (&g->rng, 0.15)
                         ? pick (&g->rng, &g->t->lists[L_GENERIC_CO])
                         : pick (&g->rng, &g->t->companies[r->domain]);
      while (i > 0 && r->company == roles[i - 1].company);
      r->text = g_string_sized_new (1024);
      r->words = r->n_bullets = 0;
      r->used = 0;
      if (level > 0 && synth_rng_chance (&g->rng, 0.65))
        level--;
    }
  return n;
}

static void
render_role_header (Gen *g, Role *r, guint style, guint index)
{
  GString *s = r->text;
  const char *city = pick (&g->rng, &g->t->cities[g->place_region]);

  switch (style)
    {
    case 0:
      append3 (s, r->title, " — ", r->company);
      g_string_append (s, ", ");
      append_city (s, city);
      g_string_append_c (s, '\n');
      append_date (g, s, r->start);
      g_string_append (s, " – ");
      append_date (g, s, r->end);
      break;
    case 1:
      append3 (s, r->company, " | ", r->title);
      g_string_append (s, " | ");
      append_date (g, s, r->start);
      g_string_append (s, " - ");
      append_date (g, s, r->end);
      break;
    default:
      append3 (s, r->title, ", ", r->company);
      g_string_append (s, " (");
      append_date (g, s, r->start);
      g_string_append (s, " – ");
      append_date (g, s, r->end);
      g_string_append_c (s, ')');
      break;
    }
  g_string_append_c (s, '\n');
  if ((g->style & STYLE_LEGACY) && index < 2 && g->n_dated > 0)
    {
      g_string_append (s, "Tools: ");
      for (guint k = 0; k < g->n_dated; k++)
        append3 (s, k ? ", " : "", g->dated[k], "");
      g_string_append_c (s, '\n');
    }
  r->words = count_words (s->str);
}

/* A template this role has not used yet, preferably one no role has used;
 * migrations from a legacy tool are the rule for STYLE_LEGACY and the
 * exception otherwise. */
static const char *
pick_bullet_template (Gen *g, Role *r, const char **tool)
{
  const StrList *bl = &g->t->bullets[r->domain];
  guint64 *resume_used = &g->used_bullets[r->domain == g->res_domain ? 0 : 1];
  guint tries_max = 6 * bl->n;

  for (guint tries = 0; tries < tries_max; tries++)
    {
      guint i = synth_rng_below (&g->rng, bl->n);
      guint64 bit = G_GUINT64_CONSTANT (1) << i;
      gboolean has_tool = (g->t->tool_bullets[r->domain] & bit) != 0;

      if ((r->used & bit) && tries < tries_max - 1)
        continue;
      if ((*resume_used & bit) && tries < 2 * bl->n)
        continue;
      if (has_tool != ((g->style & STYLE_LEGACY) != 0) && synth_rng_chance (&g->rng, 0.7))
        continue;
      *tool = has_tool ? pick_tool (g, r->domain) : NULL;
      if (has_tool && *tool == NULL)
        continue;
      r->used |= bit;
      *resume_used |= bit;
      return bl->v[i];
    }
  *tool = NULL;
  return (g->t->tool_bullets[r->domain] & 1) == 0 ? bl->v[0] : bl->v[1];
}

/* Appends one bullet to @r; returns its word count (0 if it was dropped
 * because the resume would grow past @max_words). */
static guint
add_bullet (Gen *g, Role *r, guint total_words, guint max_words)
{
  gsize old = r->text->len;
  guint words;

  g_string_append (r->text, g->glyph);
  if ((g->style & STYLE_PADDING) && synth_rng_chance (&g->rng, 0.35))
    {
      g_string_append (r->text, pick (&g->rng, &g->t->lists[L_PADDING]));
      g->n_padding++;
    }
  else
    {
      Fill f = { 0 };
      const char *tmpl = pick_bullet_template (g, r, &f.tool);

      f.skill = pick_skill_form (g, r->domain, NULL);
      f.skill2 = pick_skill_form (g, r->domain, f.skill);
      expand (g, r->text, tmpl, &f);
    }
  g_string_append_c (r->text, '\n');
  words = count_words (r->text->str + old);
  if (total_words + words > max_words)
    {
      g_string_truncate (r->text, old);
      return 0;
    }
  r->words += words;
  r->n_bullets++;
  return words;
}

/* Bullets until the resume reaches @target words, favouring recent roles. */
static void
fill_experience (
    Gen *g, Role *roles, guint n_roles, guint words, guint target, guint min_words, guint max_words)
{
  guint cap = g->slot->length == SYNTH_LENGTH_LONG ? 6 : 3;

  for (guint i = 0; i < n_roles; i++)
    words += add_bullet (g, &roles[i], words, max_words);
  while (words < target)
    {
      guint i = MIN (synth_rng_below (&g->rng, n_roles), synth_rng_below (&g->rng, n_roles));
      guint added;

      /* A role is full at the cap: use the most recent one with room, stop
       * if the resume is already long enough for its class, and only
       * otherwise let every role grow by one. */
      if (roles[i].n_bullets >= cap)
        {
          for (i = 0; i < n_roles && roles[i].n_bullets >= cap; i++)
            ;
          if (i == n_roles)
            {
              if (words >= min_words)
                break;
              cap++;
              continue;
            }
        }
      added = add_bullet (g, &roles[i], words, max_words);
      if (added == 0)
        break;
      words += added;
    }
}

/* ---- other sections ------------------------------------------------------ */

static void
years_text (guint years, char *buf, gsize size)
{
  g_snprintf (buf, size, years == 1 ? "%u year" : "%u years", years);
}

static void
render_summary (Gen *g, GString *s, const char *title)
{
  const Tables *t = g->t;
  char years[32];
  Fill f = { 0 };

  years_text (g->years, years, sizeof years);
  f.title = title;
  f.years = years;
  f.domain = t->domain_phrase[g->res_domain];
  f.soft = pick (&g->rng, &t->lists[L_SOFT]);
  f.skill = pick_skill_form (g, g->res_domain, NULL);
  f.skill2 = pick_skill_form (g, g->res_domain, f.skill);

  append_heading (g, s, L_SEC_SUMMARY);
  expand (g, s, pick (&g->rng, &t->lists[L_SUMMARY]), &f);
  if (g->slot->length == SYNTH_LENGTH_LONG)
    {
      const StrList *extras = &t->lists[L_SUMMARY_EXTRA];
      guint first = synth_rng_below (&g->rng, extras->n),
            n = MIN (1 + synth_rng_below (&g->rng, 2), extras->n);

      for (guint i = 0; i < n; i++)
        {
          g_string_append_c (s, ' ');
          f.skill = pick_skill_form (g, g->res_domain, NULL);
          expand (g, s, extras->v[(first + i) % extras->n], &f);
        }
    }
  if (g->style & STYLE_PADDING)
    {
      g_string_append_c (s, ' ');
      g_string_append (s, pick (&g->rng, &t->lists[L_PADDING]));
      g->n_padding++;
    }
  if (g->style & STYLE_BUZZ)
    {
      guint n = MIN (3 + synth_rng_below (&g->rng, 3), G_N_ELEMENTS (g->buzz));

      g_string_append (s, " Key words: ");
      for (guint i = 0; i < n; i++)
        {
          const char *b = pick (&g->rng, &t->lists[L_BUZZ]);
          gboolean dup = FALSE;

          for (guint k = 0; k < g->n_buzz; k++)
            dup |= g->buzz[k] == b;
          if (dup)
            continue;
          g->buzz[g->n_buzz++] = b;
          append3 (s, g->n_buzz > 1 ? ", " : "", b, "");
        }
      g_string_append_c (s, '.');
    }
  g_string_append (s, "\n\n");
}

static gboolean
is_postgraduate (const char *degree)
{
  return degree[0] == 'M' || g_str_has_prefix (degree, "Ph.D") ||
         g_str_has_prefix (degree, "LL.M") || g_str_has_prefix (degree, "Graduate Diploma") ||
         g_str_has_prefix (degree, "Postgraduate");
}

static void
render_education (Gen *g, GString *s, int first_start)
{
  const Tables *t = g->t;
  guint year = (guint) (first_start / 12) - synth_rng_below (&g->rng, 2);
  const char *degree = pick (&g->rng, &t->degrees[g->res_domain]);
  const char *school = pick (&g->rng, &t->schools[g->place_region]);

  append_heading (g, s, L_SEC_EDUCATION);
  if (g->slot->length == SYNTH_LENGTH_LONG && synth_rng_chance (&g->rng, 0.35))
    {
      const char *other = pick (&g->rng, &t->degrees[g->res_domain]);

      /* Two degrees only as a postgraduate one (listed first, finished
       * later) on top of a first degree. */
      if (is_postgraduate (degree) && !is_postgraduate (other))
        {
          const char *swap = degree;
          degree = other;
          other = swap;
        }
      if (is_postgraduate (other) && !is_postgraduate (degree))
        {
          g_string_append_printf (s, "%s — %s, ", other,
                                  pick (&g->rng, &t->schools[g->place_region]));
          append_uint (s, year);
          g_string_append_c (s, '\n');
          year -= 1 + synth_rng_below (&g->rng, 2);
        }
    }
  g_string_append_printf (s, "%s — %s, ", degree, school);
  append_uint (s, year);
  g_string_append (s, "\n\n");
}

static void
render_skills (Gen *g, GString *s)
{
  const Tables *t = g->t;

  append_heading (g, s, L_SEC_SKILLS);
  for (guint i = 0; i < g->n_skills; i++)
    {
      append3 (s, i > 0 ? ", " : "", g->skills[i].form, "");
      if (g->skills[i].paren != NULL)
        append3 (s, " (", g->skills[i].paren, ")");
    }
  if (g->style & STYLE_OUTDATED)
    for (guint k = 0; k < g->n_dated; k++)
      append3 (s, g->n_skills + k > 0 ? ", " : "", g->dated[k], "");
  g_string_append_c (s, '\n');
  if (g->slot->length == SYNTH_LENGTH_LONG && synth_rng_chance (&g->rng, 0.6))
    {
      const char *a = pick (&g->rng, &t->lists[L_SOFT]), *b = pick (&g->rng, &t->lists[L_SOFT]);
      g_string_append_printf (s, "Soft skills: %s", a);
      if (b != a)
        g_string_append_printf (s, ", %s", b);
      g_string_append_c (s, '\n');
    }
  g_string_append_c (s, '\n');
}

static void
render_certifications (Gen *g, GString *s, int first_start)
{
  const Tables *t = g->t;
  const StrList *certs = &t->certs[g->res_domain];
  gboolean is_long = g->slot->length == SYNTH_LENGTH_LONG;
  guint n = is_long ? 1 + synth_rng_below (&g->rng, 3) : synth_rng_below (&g->rng, 2);
  const char *chosen[3];
  guint got = 0, from = (guint) first_start / 12, span = NOW_MONTHS / 12 - from + 1;

  for (guint tries = 0; got < n && tries < 12; tries++)
    {
      guint i = synth_rng_below (&g->rng, certs->n);
      gboolean dup = FALSE;

      for (guint k = 0; k < got; k++)
        dup |= chosen[k] == certs->v[i];
      if (!dup && allowed_item (g, t->cert_mentions[g->res_domain], i))
        chosen[got++] = certs->v[i];
    }
  if (got == 0)
    return;
  append_heading (g, s, L_SEC_CERTS);
  for (guint k = 0; k < got; k++)
    {
      g_string_append_printf (s, "%s%s (", g->glyph, chosen[k]);
      append_uint (s, from + synth_rng_below (&g->rng, span));
      g_string_append (s, ")\n");
    }
  g_string_append_c (s, '\n');
}

static void
render_extras (Gen *g, GString *s)
{
  const Tables *t = g->t;

  if (g->slot->length != SYNTH_LENGTH_LONG)
    return;
  if (g->years <= 4 || synth_rng_chance (&g->rng, 0.4))
    {
      Fill f = { 0 };
      guint n = 2 + synth_rng_below (&g->rng, 2);
      const char *prev = NULL;

      append_heading (g, s, L_SEC_PROJECTS);
      for (guint i = 0; i < n; i++)
        {
          const char *p = pick (&g->rng, &t->lists[L_PROJECTS]);
          if (p == prev)
            continue;
          prev = p;
          f.skill = pick_skill_form (g, g->res_domain, NULL);
          f.skill2 = pick_skill_form (g, g->res_domain, f.skill);
          g_string_append (s, g->glyph);
          expand (g, s, p, &f);
          g_string_append_c (s, '\n');
        }
      g_string_append_c (s, '\n');
    }
  if (synth_rng_chance (&g->rng, 0.5))
    {
      const char *a = pick (&g->rng, &t->lists[L_HOBBIES]),
                 *b = pick (&g->rng, &t->lists[L_HOBBIES]);

      append_heading (g, s, L_SEC_INTERESTS);
      g_string_append (s, a);
      if (b != a)
        g_string_append_printf (s, ", %s", b);
      g_string_append (s, "\n\n");
    }
}

static void
render_contact (Gen *g, GString *s, const char *name, const char *email, const char *profile)
{
  guint c = synth_rng_below (&g->rng, g->t->cities[g->place_region].n);

  append3 (s, name, "\n", g->t->cities[g->place_region].v[c]);
  append3 (s, g->sep, email, g->sep);
  append3 (s, g->t->city_code[g->place_region][c], " ", "");
  append_uint (s, 100 + synth_rng_below (&g->rng, 900));
  g_string_append_c (s, ' ');
  append_uint (s, 100 + synth_rng_below (&g->rng, 900));
  g_string_append_c (s, ' ');
  append_uint (s, 1000 + synth_rng_below (&g->rng, 9000));
  if (profile != NULL)
    g_string_append_printf (s, "%s%s", g->sep, profile);
  g_string_append (s, "\n\n");
}

static char *
render_resume (Gen *g, const char *name, const char *email, const char *profile)
{
  static const guint lo[SYNTH_N_LENGTHS] = { 95, 380 }, span[SYNTH_N_LENGTHS] = { 90, 340 };
  static const guint min_words[SYNTH_N_LENGTHS] = { 80, 350 }, hi[SYNTH_N_LENGTHS] = { 200, 900 };
  guint length = MIN (g->slot->length, SYNTH_N_LENGTHS - 1);
  GString *head = g_string_sized_new (length == SYNTH_LENGTH_LONG ? 6144 : 2048);
  GString *tail = g_string_sized_new (1024);
  Role roles[MAX_ROLES];
  guint n_roles = plan_roles (g, roles);
  guint role_style = synth_rng_below (&g->rng, 3), target, words;
  gboolean education_first = g->level == SYNTH_SENIORITY_JUNIOR && synth_rng_chance (&g->rng, 0.3);
  const char *exp_heading = pick (&g->rng, &g->t->lists[L_SEC_EXPERIENCE]);

  render_contact (g, head, name, email, profile);
  render_summary (g, head, roles[0].title);
  render_education (g, education_first ? head : tail, roles[n_roles - 1].start);
  render_skills (g, tail);
  render_certifications (g, tail, roles[n_roles - 1].start);
  render_extras (g, tail);

  /* The name counts as NAME_WORDS whatever it is, so that the layout (and so
   * a fairness group's text) does not depend on whose resume it is. */
  words = count_words (head->str) - count_words (name) + NAME_WORDS + count_words (tail->str) +
          count_words (exp_heading);
  for (guint i = 0; i < n_roles; i++)
    {
      render_role_header (g, &roles[i], role_style, i);
      words += roles[i].words;
    }
  target = lo[length] + synth_rng_below (&g->rng, span[length]);
  fill_experience (g, roles, n_roles, words, target, min_words[length] + NAME_WORDS, hi[length]);

  g_string_append_printf (head, "%s\n", exp_heading);
  for (guint i = 0; i < n_roles; i++)
    {
      g_string_append_len (head, roles[i].text->str, roles[i].text->len);
      g_string_append_c (head, '\n');
      g_string_free (roles[i].text, TRUE);
    }
  g_string_append_len (head, tail->str, tail->len);
  g_string_free (tail, TRUE);
  while (head->len > 0 && head->str[head->len - 1] == '\n')
    g_string_truncate (head, head->len - 1);
  return g_string_free (head, FALSE);
}

/* ---- the job ----------------------------------------------------------------- */

static char *
render_job (Gen *g)
{
  const Tables *t = g->t;
  GString *s = g_string_sized_new (1024);
  guint d = g->job_domain, region = synth_rng_below (&g->rng, N_REG);
  Fill f = { 0 };
  guint n_resp = MIN (3 + synth_rng_below (&g->rng, 2), t->resp[d].n);
  guint start = synth_rng_below (&g->rng, t->resp[d].n);

  g_string_append_printf (
      s, "%s\nCompany: %s\nLocation: %s · %s\nSeniority: %s · Experience: %u+ years\n\n",
      g->job_title, g->job_company, pick (&g->rng, &t->cities[region]),
      pick (&g->rng, &t->lists[L_EMPLOYMENT]), seniority_labels[g->job_level],
      years_min[g->job_level]);
  f.title = g->job_title;
  f.company = g->job_company;
  expand (g, s, pick (&g->rng, &t->intros[d]), &f);
  g_string_append (s, "\n\nResponsibilities:\n");
  for (guint i = 0; i < n_resp; i++)
    {
      f.skill = gskill (g, g->req[(start + i) % g->n_req])->skill->name;
      g_string_append (s, "- ");
      expand (g, s, t->resp[d].v[(start + i) % t->resp[d].n], &f);
      g_string_append_c (s, '\n');
    }
  g_string_append (s, "\nRequired skills: ");
  for (guint i = 0; i < g->n_req; i++)
    append3 (s, i ? ", " : "", gskill (g, g->req[i])->skill->name, "");
  if (g->n_nice > 0)
    {
      g_string_append (s, "\nNice to have: ");
      for (guint i = 0; i < g->n_nice; i++)
        append3 (s, i ? ", " : "", gskill (g, g->nice[i])->skill->name, "");
    }
  if (synth_rng_chance (&g->rng, 0.5))
    g_string_append_printf (s, "\nEducation: %s or equivalent experience.",
                            pick (&g->rng, &t->degrees[d]));
  g_string_append (s, "\n\nWhat we offer: ");
  for (guint i = 0, n = 2 + synth_rng_below (&g->rng, 2),
             first = synth_rng_below (&g->rng, t->lists[L_BENEFITS].n);
       i < n; i++)
    g_string_append_printf (s, "%s%s", i ? "; " : "",
                            t->lists[L_BENEFITS].v[(first + i) % t->lists[L_BENEFITS].n]);
  g_string_append_printf (s, ".\n%s", pick (&g->rng, &t->lists[L_CLOSINGS]));
  return g_string_free (s, FALSE);
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
  resume = render_resume (&g, name, email->str, profile != NULL ? profile->str : NULL);
  job = render_job (&g);
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
