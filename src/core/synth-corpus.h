/* synth-corpus.h — the curated tables behind the offline engine and the
 * surface transforms, loaded once from the GResource (data/corpus/). The
 * corpus is immutable after loading, so any thread may read it. */
#pragma once

#include <glib.h>

#include "synth-slot-plan.h"

G_BEGIN_DECLS

typedef struct
{
  char  *name;           /* canonical: "JavaScript" */
  char **synonyms;       /* NULL-terminated, may be empty: "ECMAScript" */
  char **abbreviations;  /* NULL-terminated, may be empty: "JS" */
} SynthSkill;

typedef struct
{
  char       *id;                 /* one of synth_domain_ids() */
  char       *name;               /* "Software engineering" */
  SynthSkill *skills;             /* ≥ 40 */
  guint       n_skills;
  char      **legacy_tools;       /* outdated tools / versions: "Visual Basic 6", "COBOL" */
  char      **titles[SYNTH_N_SENIORITIES]; /* job titles per seniority */
  char      **bullets;            /* experience bullet templates with {skill}, {skill2}, {tool}, {metric} */
  char      **companies;          /* employers typical of the domain */
  char      **certifications;
  char      **degrees;            /* "B.Sc. in Computer Science" */
  char      **job_intros;         /* job ad openings with {title}, {company} */
  char      **responsibilities;   /* job ad duties with {skill} */
  char      **adjacent_domains;   /* ids of domains whose skills partly transfer */
} SynthCorpusDomain;

typedef struct
{
  char  *id;             /* one of synth_region_ids() */
  char  *name;           /* "West Africa" */
  char **given_names;    /* ≥ 60 */
  char **family_names;   /* ≥ 60 */
  char **cities;
  char **schools;        /* universities in the region */
} SynthCorpusRegion;

typedef struct
{
  SynthCorpusDomain domains[SYNTH_N_DOMAINS]; /* in synth_domain_ids() order */
  SynthCorpusRegion regions[SYNTH_N_REGIONS]; /* in synth_region_ids() order */
  GHashTable *lists;      /* list name → char ** (NULL-terminated), see synth_corpus_get_list() */
  GHashTable *misspellings; /* lower-case word → char ** of common misspellings */
  GHashTable *word_synonyms; /* lower-case general word → char ** ("led" → "headed", "managed") */
  GHashTable *skill_index;   /* lower-case skill name → SynthSkill * (first domain wins) */
} SynthCorpus;

/* Loads from the compiled-in GResource on first use; never NULL (a broken
 * corpus is a build bug and aborts with the JSON error). Thread-safe. */
const SynthCorpus *synth_corpus_get_default (void);

/* Named string lists shared by all domains: "buzzwords", "padding_phrases",
 * "soft_skills", "summary_templates", "html_artifacts", "section_summary",
 * "section_experience", "section_education", "section_skills",
 * "section_certifications", "months", "generic_companies", "hobbies".
 * Returns an empty vector for an unknown name. */
const char *const *synth_corpus_get_list (const SynthCorpus *corpus, const char *name);
/* Case-insensitive lookup across all domains; NULL if unknown. */
const SynthSkill  *synth_corpus_find_skill (const SynthCorpus *corpus, const char *name);
/* NULL-terminated misspellings of @word (lower-case lookup), or NULL. */
const char *const *synth_corpus_get_misspellings (const SynthCorpus *corpus, const char *word);
/* NULL-terminated synonyms of a general word, or NULL. */
const char *const *synth_corpus_get_word_synonyms (const SynthCorpus *corpus, const char *word);

G_END_DECLS
