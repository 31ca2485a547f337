/* synth-offline-engine-private.h — what the offline engine's two halves
 * share: synth-offline-engine.c (the tables, planning a record, its bias
 * detail) and synth-offline-render.c (writing its resume and job texts).
 * Internal to libsynth-core. */
#pragma once

#include "synth-corpus.h"
#include "synth-offline-engine.h"
#include "synth-rng.h"

G_BEGIN_DECLS

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

/* Small enough to give each file its own copy. */
static const char *const seniority_labels[SYNTH_N_SENIORITIES] = { "Junior", "Mid-level", "Senior",
                                                                   "Lead" };
/* Years of experience that belong to each seniority, and a job's minimum. */
static const guint years_min[SYNTH_N_SENIORITIES] = { 1, 3, 6, 10 };
static const guint years_max[SYNTH_N_SENIORITIES] = { 2, 5, 9, 16 };

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

/* One record as it is generated. */
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

static inline gboolean
allowed_item (const Gen *g, const guint64 *masks, guint i)
{
  return !bits_intersect (masks + (gsize) i * g->t->words, g->forbidden, g->t->words);
}

static inline void
append3 (GString *s, const char *a, const char *b, const char *c)
{
  g_string_append (s, a);
  g_string_append (s, b);
  g_string_append (s, c);
}

/* synth-offline-render.c */
char *
_synth_offline_render_resume (Gen *g, const char *name, const char *email, const char *profile);
char *_synth_offline_render_job (Gen *g);

G_END_DECLS
