/* synth-transform.c — the seeded surface transforms.
 *
 * Each transform parses the text once into lines (headings, bullets, the
 * name line), plans a handful of byte-range edits with the seeded RNG and
 * applies them in one pass. Word lookups go through a phrase index built
 * once from the corpus plus small built-in tables, keyed on the first word
 * of each phrase, so a resume is scanned once with no regex and no
 * allocation per word. Every edit starts and ends on an ASCII byte or a line
 * boundary, so valid UTF-8 stays valid and non-ASCII names are never cut. */
#include "config.h"

#include <string.h>

#include "synth-corpus.h"
#include "synth-rng.h"
#include "synth-transform.h"

/* ---- Built-in tables ----------------------------------------------------
 * Skills, word synonyms and misspellings come from the corpus; these are the
 * few things it does not carry. */

#define ALTS(...) ((const char *const[]){ __VA_ARGS__, NULL })

typedef struct
{
  const char *word;
  const char *const *alts;
} WordTable;

static const WordTable builtin_abbreviations[] = {
  { "management", ALTS ("mgmt") },
  { "development", ALTS ("dev") },
  { "senior", ALTS ("sr.") },
  { "junior", ALTS ("jr.") },
  { "manager", ALTS ("mgr") },
  { "department", ALTS ("dept.") },
  { "years", ALTS ("yrs") },
  { "months", ALTS ("mos") },
  { "experience", ALTS ("exp.") },
  { "engineering", ALTS ("eng.") },
  { "university", ALTS ("univ.") },
  { "international", ALTS ("intl.") },
  { "associate", ALTS ("assoc.") },
  { "administration", ALTS ("admin") },
  { "assistant", ALTS ("asst.") },
  { "technology", ALTS ("tech") },
  { "applications", ALTS ("apps") },
  { "operations", ALTS ("ops") },
  { "configuration", ALTS ("config") },
  { "approximately", ALTS ("approx.") },
  { "including", ALTS ("incl.") },
  { "information", ALTS ("info") },
  { "communications", ALTS ("comms") },
  { "government", ALTS ("govt.") },
  { "corporation", ALTS ("corp.") },
  { "and", ALTS ("&") },
  { "with", ALTS ("w/") },
  { "without", ALTS ("w/o") },
  { "executive", ALTS ("exec.") },
  { "director", ALTS ("dir.") },
  { "coordinator", ALTS ("coord.") },
  { "representative", ALTS ("rep") },
  { "documentation", ALTS ("docs") },
  { "environment", ALTS ("env") },
  { "infrastructure", ALTS ("infra") },
  { "maintenance", ALTS ("maint.") },
  { "marketing", ALTS ("mktg") },
  { "accounting", ALTS ("acctg") },
  { "customer", ALTS ("cust.") },
  { "number", ALTS ("no.") },
  { "bachelor of science", ALTS ("B.Sc.", "BS") },
  { "master of science", ALTS ("M.Sc.", "MS") },
  { "bachelor of arts", ALTS ("B.A.", "BA") },
  { "master of arts", ALTS ("M.A.", "MA") },
  { "master of business administration", ALTS ("MBA") },
};

/* Used only if the corpus has no "html_artifacts" list. */
static const char *const builtin_html[] = { "<br>", "&nbsp;", "</div>", "<li>", "&amp;", NULL };

static const char *const placeholders[] = {
  "[Insert company name]",
  "[Company Name] | [City, State]",
  "Lorem ipsum dolor sit amet, consectetur adipiscing elit.",
  "Responsible for [list key responsibilities].",
  "[Add a quantified achievement here]",
  "References available upon request [delete if not needed]",
  "Describe your key achievement here.",
  "[Job Title], [Start Date] – [End Date]",
  "Click or tap here to enter text.",
  "Objective: To obtain a position at [Company].",
  "TODO: update this section",
  NULL,
};

static const char *const bullet_markers[] = {
  "- ", "* ", "• ", "– ", "o ", "▪ ", "> ", "· ", NULL
};
static const char *const stray_endings[] = { ",",  ";",  ".", " -", " /", "\\",
                                             "..", " ,", ":", " |", NULL };
static const char *const indents[] = { "  ", "    ", "\t", "   ", " ", NULL };

static const char *const month_short[] = { "Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                           "Jul", "Aug", "Sep", "Oct", "Nov", "Dec" };
static const char *const month_long[] = { "January",   "February", "March",    "April",
                                          "May",       "June",     "July",     "August",
                                          "September", "October",  "November", "December" };

/* QWERTY neighbours of each letter, for keyboard-adjacent typos. */
static const char *const key_neighbours[26] = {
  "qwsz",   "vghn",  "xdfv", "serfcx", "wrsd", "drtgvc", "ftyhbv", "gyujnb", "uojk",
  "huikmn", "jiolm", "kop",  "njk",    "bhjm", "ipkl",   "ol",     "wa",     "etdf",
  "awedxz", "ryfg",  "yihj", "cfgb",   "qeas", "zsdc",   "tugh",   "asx",
};

typedef enum
{
  SEC_NONE,
  SEC_SUMMARY,
  SEC_EXPERIENCE,
  SEC_EDUCATION,
  SEC_SKILLS,
  SEC_CERTS,
  SEC_OTHER,
} SectionKind;

/* Single words that make a short capitalised or colon-ended line a heading. */
static const struct
{
  const char *word;
  SectionKind kind;
} heading_words[] = {
  { "summary", SEC_SUMMARY },       { "profile", SEC_SUMMARY },
  { "objective", SEC_SUMMARY },     { "about", SEC_SUMMARY },
  { "overview", SEC_SUMMARY },      { "experience", SEC_EXPERIENCE },
  { "employment", SEC_EXPERIENCE }, { "history", SEC_EXPERIENCE },
  { "career", SEC_EXPERIENCE },     { "education", SEC_EDUCATION },
  { "academic", SEC_EDUCATION },    { "academics", SEC_EDUCATION },
  { "training", SEC_EDUCATION },    { "qualifications", SEC_EDUCATION },
  { "skills", SEC_SKILLS },         { "competencies", SEC_SKILLS },
  { "expertise", SEC_SKILLS },      { "technologies", SEC_SKILLS },
  { "strengths", SEC_SKILLS },      { "tools", SEC_SKILLS },
  { "certifications", SEC_CERTS },  { "certification", SEC_CERTS },
  { "certificates", SEC_CERTS },    { "licenses", SEC_CERTS },
  { "licences", SEC_CERTS },        { "credentials", SEC_CERTS },
  { "accreditations", SEC_CERTS },  { "projects", SEC_OTHER },
  { "languages", SEC_OTHER },       { "awards", SEC_OTHER },
  { "achievements", SEC_OTHER },    { "interests", SEC_OTHER },
  { "hobbies", SEC_OTHER },         { "volunteer", SEC_OTHER },
  { "volunteering", SEC_OTHER },    { "publications", SEC_OTHER },
  { "references", SEC_OTHER },      { "activities", SEC_OTHER },
  { "contact", SEC_OTHER },         { "honors", SEC_OTHER },
  { "honours", SEC_OTHER },         { "affiliations", SEC_OTHER },
};

/* ---- Characters and word keys ------------------------------------------ */

/* GLib's g_ascii_tolower() is a function call; these run per byte. */
static inline char
ascii_lower (char c)
{
  return c >= 'A' && c <= 'Z' ? c + ('a' - 'A') : c;
}

static inline char
ascii_upper (char c)
{
  return c >= 'a' && c <= 'z' ? c - ('a' - 'A') : c;
}

static inline gboolean
ascii_ncase_equal (const char *a, const char *b, gsize n)
{
  for (gsize i = 0; i < n; i++)
    if (ascii_lower (a[i]) != ascii_lower (b[i]))
      return FALSE;
  return TRUE;
}

/* Bytes ≥ 0x80 count as letters, so a word never ends inside a character. */
static inline gboolean
is_word (guchar c)
{
  return (guchar) (c - '0') < 10 || (guchar) ((c | 0x20) - 'a') < 26 || c >= 0x80;
}

static inline guint64
key_finish (guint64 packed, gsize len)
{
  guint64 k = (packed ^ ((guint64) MIN (len, 255) << 56)) * G_GUINT64_CONSTANT (0x9e3779b97f4a7c15);
  return (k ^ (k >> 29)) | 1; /* 0 marks an empty bucket */
}

/* Key of the word run starting at @s: its first eight bytes, lower-cased,
 * and its length. Stores the run's end in @out_end. */
static inline guint64
word_key (const char *s, gsize from, gsize to, gsize *out_end)
{
  guint64 packed = 0;
  gsize i = from;

  for (; i < to && is_word (s[i]); i++)
    if (i - from < 8)
      packed |= (guint64) (guchar) ascii_lower (s[i]) << (8 * (i - from));
  *out_end = i;
  return key_finish (packed, i - from);
}

static guint64
fnv1a (const char *s)
{
  guint64 h = G_GUINT64_CONSTANT (0xcbf29ce484222325);
  for (; *s; s++)
    h = (h ^ (guchar) *s) * G_GUINT64_CONSTANT (0x100000001b3);
  return h;
}

/* ---- Phrase index -------------------------------------------------------- */

typedef enum
{
  ROLE_SYN = 1 << 0,
  ROLE_ABBR = 1 << 1,
  ROLE_MISSPELL = 1 << 2,
  ROLE_BLOCK = 1 << 3, /* a skill name: matched so that no word inside it is replaced */
} Role;

typedef struct
{
  const char *text;
  const char *const *alts; /* replacements, NULL-terminated */
  guint64 key;             /* word_key() of the first word */
  guint32 seq;             /* insertion order: earlier sources win duplicates */
  guint16 len;
  guint8 lead;    /* bytes before the first word (".NET") */
  guint8 role;    /* Role */
  guint8 is_term; /* a skill or domain term: preferred, replaced everywhere */
  guint8 fold;    /* matched ASCII case-insensitively */
} Phrase;

typedef struct
{
  guint64 key;
  guint32 first;
  guint32 count;
} Bucket;

/* Scans look for one of these role sets; each has a bitmap of the first-word
 * keys it can match, small enough to stay in L1, so most words of a resume
 * are passed over without touching the bucket table. */
enum
{
  FILTER_SYN,
  FILTER_ABBR,
  FILTER_MISSPELL,
  N_FILTERS
};
static const guint filter_roles[N_FILTERS] = { ROLE_SYN | ROLE_BLOCK, ROLE_ABBR | ROLE_BLOCK,
                                               ROLE_MISSPELL };
#define FILTER_BIT(key) ((guint) ((key) >> 40) & 0xffff)

typedef struct
{
  Phrase *phrases;
  guint n_phrases;
  Bucket *buckets;
  guint mask;
  guint64 filter[N_FILTERS][65536 / 64];
  GHashTable *headings; /* lower-case heading text → SectionKind */
  const char *const *html;
  GPtrArray *owned; /* alternative lists built from skill synonyms */
} Index;

static gboolean
strv_has_other (const char *const *alts, const char *text)
{
  for (; alts != NULL && *alts != NULL; alts++)
    if (**alts != '\0' && g_ascii_strcasecmp (*alts, text) != 0)
      return TRUE;
  return FALSE;
}

static void
index_add (GArray *arr,
           const char *text,
           const char *const *alts,
           Role role,
           gboolean is_term,
           gboolean fold)
{
  Phrase ph = { 0 };
  gsize len, lead = 0, end;

  if (text == NULL || (role != ROLE_BLOCK && !strv_has_other (alts, text)) ||
      strchr (text, '\n') != NULL)
    return;
  len = strlen (text);
  while (lead < len && !is_word (text[lead]))
    lead++;
  if (lead == len || lead > 8 || len > G_MAXUINT16)
    return;
  ph.text = text;
  ph.alts = alts;
  ph.key = word_key (text, lead, len, &end);
  ph.seq = arr->len;
  ph.len = len;
  ph.lead = lead;
  ph.role = role;
  ph.is_term = is_term;
  ph.fold = fold;
  g_array_append_val (arr, ph);
}

static int
phrase_compare (gconstpointer pa, gconstpointer pb)
{
  const Phrase *a = pa, *b = pb;
  int c;

  if (a->key != b->key)
    return a->key < b->key ? -1 : 1;
  if (a->len != b->len)
    return a->len > b->len ? -1 : 1; /* longest match first */
  if (a->role != b->role)
    return a->role - b->role;
  if ((c = g_ascii_strcasecmp (a->text, b->text)) != 0)
    return c;
  return a->seq < b->seq ? -1 : a->seq > b->seq;
}

/* Skills: the canonical name and each synonym become phrases. A synonym's
 * alternatives are the name plus the other synonyms, built here once. */
static void
index_add_skill (GArray *arr, GPtrArray *owned, const SynthSkill *skill)
{
  const char *const *abbr = (const char *const *) skill->abbreviations;

  index_add (arr, skill->name, (const char *const *) skill->synonyms, ROLE_SYN, TRUE, FALSE);
  index_add (arr, skill->name, abbr, ROLE_ABBR, TRUE, FALSE);
  index_add (arr, skill->name, NULL, ROLE_BLOCK, TRUE, FALSE);
  for (guint i = 0; skill->synonyms != NULL && skill->synonyms[i] != NULL; i++)
    {
      guint n = g_strv_length (skill->synonyms), k = 0;
      const char **alts = g_new0 (const char *, n + 1);

      alts[k++] = skill->name;
      for (guint j = 0; j < n; j++)
        if (j != i)
          alts[k++] = skill->synonyms[j];
      g_ptr_array_add (owned, alts);
      index_add (arr, skill->synonyms[i], alts, ROLE_SYN, TRUE, FALSE);
      index_add (arr, skill->synonyms[i], abbr, ROLE_ABBR, TRUE, FALSE);
      index_add (arr, skill->synonyms[i], NULL, ROLE_BLOCK, TRUE, FALSE);
    }
}

static void
index_add_table (GArray *arr, GHashTable *table, Role role)
{
  GHashTableIter iter;
  gpointer key, value;

  if (table == NULL)
    return;
  /* Hash order varies, but phrase_compare() makes the result independent of it. */
  g_hash_table_iter_init (&iter, table);
  while (g_hash_table_iter_next (&iter, &key, &value))
    index_add (arr, key, value, role, FALSE, TRUE);
}

static void
index_add_headings (Index *ix, const SynthCorpus *corpus)
{
  static const struct
  {
    const char *list;
    SectionKind kind;
  } lists[] = {
    { "section_summary", SEC_SUMMARY },      { "section_experience", SEC_EXPERIENCE },
    { "section_education", SEC_EDUCATION },  { "section_skills", SEC_SKILLS },
    { "section_certifications", SEC_CERTS },
  };

  ix->headings = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  for (guint i = 0; i < G_N_ELEMENTS (heading_words); i++)
    g_hash_table_insert (ix->headings, g_strdup (heading_words[i].word),
                         GUINT_TO_POINTER (heading_words[i].kind));
  for (guint i = 0; i < G_N_ELEMENTS (lists); i++)
    {
      const char *const *v = synth_corpus_get_list (corpus, lists[i].list);
      for (; v != NULL && *v != NULL; v++)
        {
          char *lower = g_ascii_strdown (*v, -1);
          g_strchomp (lower);
          if (g_str_has_suffix (lower, ":"))
            lower[strlen (lower) - 1] = '\0';
          g_hash_table_insert (ix->headings, lower, GUINT_TO_POINTER (lists[i].kind));
        }
    }
}

static Index *
index_build (void)
{
  const SynthCorpus *corpus = synth_corpus_get_default ();
  Index *ix = g_new0 (Index, 1);
  GArray *arr = g_array_new (FALSE, FALSE, sizeof (Phrase));
  GPtrArray *owned = g_ptr_array_new ();
  guint n_keys = 0, size = 64, out = 0;

  /* Never freed: the index lives as long as the process, like the corpus. */
  ix->owned = owned;
  for (guint d = 0; d < SYNTH_N_DOMAINS; d++)
    for (guint s = 0; s < corpus->domains[d].n_skills; s++)
      index_add_skill (arr, owned, &corpus->domains[d].skills[s]);
  index_add_table (arr, corpus->word_synonyms, ROLE_SYN);
  index_add_table (arr, corpus->misspellings, ROLE_MISSPELL);
  for (guint i = 0; i < G_N_ELEMENTS (builtin_abbreviations); i++)
    index_add (arr, builtin_abbreviations[i].word, builtin_abbreviations[i].alts, ROLE_ABBR, FALSE,
               TRUE);

  /* Sort, then drop later duplicates of the same phrase in the same role. */
  g_array_sort (arr, phrase_compare);
  for (guint i = 0; i < arr->len; i++)
    {
      Phrase *p = &g_array_index (arr, Phrase, i);
      if (out > 0)
        {
          Phrase *q = &g_array_index (arr, Phrase, out - 1);
          if (q->key == p->key && q->role == p->role && q->len == p->len &&
              g_ascii_strcasecmp (q->text, p->text) == 0)
            continue;
          n_keys += q->key != p->key;
        }
      else
        n_keys = 1;
      g_array_index (arr, Phrase, out++) = *p;
    }
  g_array_set_size (arr, out);

  while (size < n_keys * 2)
    size <<= 1;
  ix->mask = size - 1;
  ix->buckets = g_new0 (Bucket, size);
  for (guint i = 0; i < arr->len; i++)
    {
      const Phrase *p = &g_array_index (arr, Phrase, i);
      guint h = (guint) (p->key >> 32) & ix->mask;

      while (ix->buckets[h].key != 0 && ix->buckets[h].key != p->key)
        h = (h + 1) & ix->mask;
      if (ix->buckets[h].key == 0)
        {
          ix->buckets[h].key = p->key;
          ix->buckets[h].first = i;
        }
      ix->buckets[h].count++;
      for (guint f = 0; f < N_FILTERS; f++)
        if (p->role & filter_roles[f])
          ix->filter[f][FILTER_BIT (p->key) / 64] |= G_GUINT64_CONSTANT (1)
                                                     << (FILTER_BIT (p->key) % 64);
    }
  ix->n_phrases = arr->len;
  ix->phrases = (Phrase *) (void *) g_array_free (arr, FALSE);
  index_add_headings (ix, corpus);
  ix->html = synth_corpus_get_list (corpus, "html_artifacts");
  if (ix->html == NULL || ix->html[0] == NULL)
    ix->html = builtin_html;
  return ix;
}

static const Index *
index_get (void)
{
  static Index *index;

  if (g_once_init_enter (&index))
    g_once_init_leave (&index, index_build ());
  return index;
}

static inline const Bucket *
index_lookup (const Index *ix, guint64 key)
{
  guint h = (guint) (key >> 32) & ix->mask;

  for (;;)
    {
      const Bucket *b = &ix->buckets[h];
      if (b->key == key)
        return b;
      if (b->key == 0)
        return NULL;
      h = (h + 1) & ix->mask;
    }
}

/* ---- Document: lines, headings, bullets ---------------------------------- */

typedef enum
{
  LINE_BLANK,
  LINE_NAME, /* the first non-blank line; never edited */
  LINE_HEADING,
  LINE_BULLET,
  LINE_TEXT,
} LineKind;

typedef struct
{
  guint32 start;  /* first byte */
  guint32 len;    /* content, without "\r\n" */
  guint32 end;    /* after the terminator */
  guint8 kind;    /* LineKind */
  guint8 section; /* SectionKind, for headings */
  guint8 indent;  /* leading blanks */
  guint8 marker;  /* bullet marker bytes after the indent, with its space */
} Line;

typedef struct
{
  const char *s;
  gsize n;
  Line *lines;
  guint n_lines;
  GArray *heap; /* when the stack array is too small */
  Line stack[192];
} Doc;

static guint
bullet_marker_len (const char *p, gsize avail)
{
  static const char *const markers[] = { "• ", "· ", "– ", "▪ ", "◦ " };

  if (avail > 2 && p[1] == ' ' && strchr ("-*>o", p[0]) != NULL)
    return 2;
  if (avail <= 3 || (guchar) p[0] < 0xc2)
    return 0;
  for (guint i = 0; i < G_N_ELEMENTS (markers); i++)
    {
      gsize ml = strlen (markers[i]);
      if (avail > ml && memcmp (p, markers[i], ml) == 0)
        return ml;
    }
  return 0;
}

static SectionKind
heading_kind (const Index *ix, const char *p, gsize len)
{
  char buf[64];
  guint letters = 0, upper = 0, words = 0;
  gboolean colon;
  SectionKind kind = SEC_NONE;
  gpointer found;

  while (len > 0 && (p[len - 1] == ' ' || p[len - 1] == '\t'))
    len--;
  colon = len > 0 && p[len - 1] == ':';
  if (colon)
    len--;
  if (len == 0 || len >= sizeof buf)
    return SEC_NONE;
  for (gsize i = 0; i < len; i++)
    {
      /* Dates, addresses and lists are never headings. */
      if (g_ascii_isdigit (p[i]) || p[i] == '@' || p[i] == '|' || p[i] == ',' || p[i] == '.')
        return SEC_NONE;
      buf[i] = ascii_lower (p[i]);
      letters += g_ascii_isalpha (p[i]);
      upper += g_ascii_isupper (p[i]);
    }
  buf[len] = '\0';
  if (g_hash_table_lookup_extended (ix->headings, buf, NULL, &found))
    return GPOINTER_TO_UINT (found);
  if (!colon && upper * 10 < letters * 7)
    return SEC_NONE;
  /* "WORK EXPERIENCE", "Technical skills:" — a known word in a short line. */
  for (char *w = buf, *e; *w != '\0' && words < 5; w = e)
    {
      while (*w != '\0' && !g_ascii_isalpha (*w))
        w++;
      for (e = w; g_ascii_isalpha (*e); e++)
        ;
      if (e == w)
        break;
      words++;
      if (kind == SEC_NONE)
        {
          char save = *e;
          *e = '\0';
          if (g_hash_table_lookup_extended (ix->headings, w, NULL, &found))
            kind = GPOINTER_TO_UINT (found);
          *e = save;
        }
    }
  return words <= 4 ? kind : SEC_NONE;
}

static void
doc_classify (Doc *doc, const Index *ix, Line *l, gboolean *seen_text)
{
  const char *p = doc->s + l->start;
  guint indent = 0;

  while (indent < l->len && indent < 255 && (p[indent] == ' ' || p[indent] == '\t'))
    indent++;
  l->indent = indent;
  if (indent == l->len)
    {
      l->kind = LINE_BLANK;
      return;
    }
  l->marker = bullet_marker_len (p + indent, l->len - indent);
  if (l->marker > 0)
    l->kind = LINE_BULLET;
  else if (l->len - indent <= 48 &&
           (l->section = heading_kind (ix, p + indent, l->len - indent)) != SEC_NONE)
    l->kind = LINE_HEADING;
  else
    l->kind = *seen_text ? LINE_TEXT : LINE_NAME;
  *seen_text = TRUE;
}

static void
doc_init (Doc *doc, const Index *ix, const char *s, gsize n)
{
  gsize pos = 0;
  gboolean seen_text = FALSE;

  doc->s = s;
  doc->n = n;
  doc->heap = NULL;
  doc->lines = doc->stack;
  doc->n_lines = 0;
  while (pos < n)
    {
      const char *nl = memchr (s + pos, '\n', n - pos);
      gsize end = nl != NULL ? (gsize) (nl - s) + 1 : n;
      gsize len = (nl != NULL ? (gsize) (nl - s) : n) - pos;
      Line l = { 0 };

      if (len > 0 && s[pos + len - 1] == '\r')
        len--;
      l.start = pos;
      l.len = len;
      l.end = end;
      doc_classify (doc, ix, &l, &seen_text);
      if (doc->heap == NULL && doc->n_lines == G_N_ELEMENTS (doc->stack))
        {
          doc->heap = g_array_sized_new (FALSE, FALSE, sizeof (Line), 2 * doc->n_lines);
          g_array_append_vals (doc->heap, doc->stack, doc->n_lines);
        }
      if (doc->heap != NULL)
        g_array_append_val (doc->heap, l);
      else
        doc->stack[doc->n_lines] = l;
      doc->n_lines++;
      pos = end;
    }
  if (doc->heap != NULL)
    doc->lines = (Line *) (void *) doc->heap->data;
}

static void
doc_clear (Doc *doc)
{
  if (doc->heap != NULL)
    g_array_free (doc->heap, TRUE);
}

/* Lines whose words may be edited: bullets and running text. */
static inline gboolean
line_is_body (const Line *l)
{
  return l->kind == LINE_BULLET || l->kind == LINE_TEXT;
}

static inline guint32
line_content (const Line *l)
{
  return l->start + l->indent + l->marker;
}

/* Picks a random line of the wanted kind (NAME and BLANK never count). */
static int
doc_pick_line (const Doc *doc, SynthRng *rng, gboolean bullets_only, guint min_len)
{
  guint n = 0, pick;

  for (guint i = 0; i < doc->n_lines; i++)
    n += line_is_body (&doc->lines[i]) && (!bullets_only || doc->lines[i].kind == LINE_BULLET) &&
         doc->lines[i].len >= min_len;
  if (n == 0)
    return -1;
  pick = synth_rng_below (rng, n);
  for (guint i = 0; i < doc->n_lines; i++)
    if (line_is_body (&doc->lines[i]) && (!bullets_only || doc->lines[i].kind == LINE_BULLET) &&
        doc->lines[i].len >= min_len && pick-- == 0)
      return i;
  return -1;
}

/* A section: its heading line and the lines up to the next heading. */
typedef struct
{
  guint heading;
  guint32 start, end;
} Section;

static guint
doc_sections (const Doc *doc, Section *out, guint max)
{
  guint n = 0;

  for (guint i = 0; i < doc->n_lines && n < max; i++)
    if (doc->lines[i].kind == LINE_HEADING)
      {
        if (n > 0)
          out[n - 1].end = doc->lines[i].start;
        out[n].heading = i;
        out[n].start = doc->lines[i].start;
        out[n].end = doc->n;
        n++;
      }
  return n;
}

/* ---- Dates: "Mar 2019", "March 2019", "Sept. 2020" ----------------------- */

typedef struct
{
  guint32 pos, len;
  guint8 month; /* 0–11 */
  guint8 long_name;
  guint16 year;
} DateHit;

static gboolean
date_at (const char *s, gsize p, gsize end, DateHit *out)
{
  gsize w = p, q;
  int month = -1;

  while (w < end && g_ascii_isalpha (s[w]))
    w++;
  if (w - p < 3 || w - p > 9 || (p > 0 && is_word (s[p - 1])))
    return FALSE;
  /* Cheap test first: a month name is followed by " 2" or ". 2" / " 1". */
  q = w + (w < end && s[w] == '.');
  if (q + 2 > end || s[q] != ' ' || (s[q + 1] != '1' && s[q + 1] != '2'))
    return FALSE;
  for (int m = 0; m < 12 && month < 0; m++)
    if (g_ascii_strncasecmp (s + p, month_long[m], w - p) == 0 &&
        (w - p == 3 || w - p == strlen (month_long[m]) || (m == 8 && w - p == 4)))
      month = m;
  if (month < 0)
    return FALSE;
  if (q + 5 > end || s[q] != ' ' || !g_ascii_isdigit (s[q + 1]) || !g_ascii_isdigit (s[q + 2]) ||
      !g_ascii_isdigit (s[q + 3]) || !g_ascii_isdigit (s[q + 4]) ||
      (q + 5 < end && is_word (s[q + 5])))
    return FALSE;
  out->pos = p;
  out->len = q + 5 - p;
  out->month = month;
  out->long_name = w - p > 4;
  out->year =
      (s[q + 1] - '0') * 1000 + (s[q + 2] - '0') * 100 + (s[q + 3] - '0') * 10 + (s[q + 4] - '0');
  return out->year >= 1900 && out->year < 2100;
}

static guint
doc_find_dates (const Doc *doc, DateHit *out, guint max)
{
  guint n = 0;

  for (guint i = 0; i < doc->n_lines; i++)
    {
      const Line *l = &doc->lines[i];
      gsize end = l->start + l->len;
      if (!line_is_body (l) || l->len < 8)
        continue;
      for (gsize p = l->start; p < end && n < max; p++)
        if (g_ascii_isupper (doc->s[p]) && date_at (doc->s, p, end, &out[n]))
          {
            p = out[n].pos + out[n].len;
            n++;
          }
    }
  return n;
}

/* Length of " – Present" / " - Jun 2021" after a date, or 0. */
static gsize
range_end_len (const char *s, gsize p, gsize end)
{
  static const char *const seps[] = { " – ", " — ", " - ", " to ", "–", "-" };
  static const char *const open[] = { "Present", "present", "Current", "current", "Now", "now" };
  DateHit d;

  for (guint i = 0; i < G_N_ELEMENTS (seps); i++)
    {
      gsize sl = strlen (seps[i]);
      if (p + sl >= end || memcmp (s + p, seps[i], sl) != 0)
        continue;
      for (guint j = 0; j < G_N_ELEMENTS (open); j++)
        {
          gsize ol = strlen (open[j]);
          if (p + sl + ol <= end && memcmp (s + p + sl, open[j], ol) == 0 &&
              (p + sl + ol == end || !is_word (s[p + sl + ol])))
            return sl + ol;
        }
      if (date_at (s, p + sl, end, &d))
        return sl + d.len;
      return 0;
    }
  return 0;
}

/* ---- Editor: planned byte-range edits, applied in one pass --------------- */

#define MAX_EDITS 48

typedef struct
{
  guint32 pos, del;
  const char *str;  /* replacement outside the pool, or NULL */
  guint32 off, len; /* replacement in the pool when str is NULL */
  guint32 order;
} Edit;

typedef struct
{
  const char *s;
  gsize n;
  Edit edits[MAX_EDITS];
  guint n_edits;
  GString *pool;
  GString *detail;
  guint n_notes;
} Editor;

static gboolean
editor_free_range (const Editor *ed, gsize pos, gsize del)
{
  if (ed->n_edits >= MAX_EDITS)
    return FALSE;
  for (guint i = 0; i < ed->n_edits; i++)
    {
      const Edit *e = &ed->edits[i];
      if (del > 0 && e->del > 0 && pos < e->pos + e->del && e->pos < pos + del)
        return FALSE;
      if (del == 0 && e->pos < pos && pos < e->pos + e->del)
        return FALSE;
      if (e->del == 0 && pos < e->pos && e->pos < pos + del)
        return FALSE;
    }
  return TRUE;
}

/* @str must outlive the editor (the text, a table, the corpus). */
static gboolean
editor_add (Editor *ed, gsize pos, gsize del, const char *str, gsize len)
{
  Edit *e;

  if (!editor_free_range (ed, pos, del))
    return FALSE;
  e = &ed->edits[ed->n_edits];
  e->pos = pos;
  e->del = del;
  e->str = str;
  e->len = len;
  e->order = ed->n_edits++;
  return TRUE;
}

/* Replacement built in the pool: call after appending @len bytes to it. */
static gboolean
editor_add_pooled (Editor *ed, gsize pos, gsize del, gsize len)
{
  gsize off = ed->pool->len - len;

  if (!editor_add (ed, pos, del, NULL, len))
    {
      g_string_truncate (ed->pool, off);
      return FALSE;
    }
  ed->edits[ed->n_edits - 1].off = off;
  return TRUE;
}

static inline void
editor_note_start (Editor *ed)
{
  if (ed->n_notes++ > 0)
    g_string_append (ed->detail, ", ");
}

/* "from→to" */
static void
editor_note_change (Editor *ed, const char *from, gsize from_len, const char *to, gsize to_len)
{
  editor_note_start (ed);
  g_string_append_len (ed->detail, from, from_len);
  g_string_append (ed->detail, "→");
  g_string_append_len (ed->detail, to, to_len);
}

/* Appends at most @max bytes of @p, cut on a character boundary, in quotes. */
static void
append_excerpt (GString *out, const char *p, gsize len, gsize max)
{
  gboolean cut = len > max;

  if (cut)
    {
      len = max;
      while (len > 0 && ((guchar) p[len] & 0xc0) == 0x80)
        len--;
      while (len > 0 && p[len - 1] == ' ')
        len--;
    }
  g_string_append (out, "“");
  g_string_append_len (out, p, len);
  g_string_append (out, cut ? "…”" : "”");
}

static int
edit_compare (const Edit *a, const Edit *b)
{
  if (a->pos != b->pos)
    return a->pos < b->pos ? -1 : 1;
  if ((a->del == 0) != (b->del == 0))
    return a->del == 0 ? -1 : 1; /* insertions before a replacement at the same place */
  return a->order < b->order ? -1 : 1;
}

static char *
editor_apply (Editor *ed)
{
  GString *out = g_string_sized_new (ed->n + ed->pool->len + 16);
  gsize cursor = 0;

  /* Insertion sort: there are only a few edits. */
  for (guint i = 1; i < ed->n_edits; i++)
    {
      Edit e = ed->edits[i];
      guint j = i;
      for (; j > 0 && edit_compare (&e, &ed->edits[j - 1]) < 0; j--)
        ed->edits[j] = ed->edits[j - 1];
      ed->edits[j] = e;
    }
  for (guint i = 0; i < ed->n_edits; i++)
    {
      const Edit *e = &ed->edits[i];
      g_string_append_len (out, ed->s + cursor, e->pos - cursor);
      g_string_append_len (out, e->str != NULL ? e->str : ed->pool->str + e->off, e->len);
      cursor = e->pos + e->del;
    }
  g_string_append_len (out, ed->s + cursor, ed->n - cursor);
  return g_string_free (out, FALSE);
}

/* Inserts a copy of line @l after line @after, each on a line of its own
 * whichever of them is the last line without a newline. */
static gboolean
editor_copy_line_after (Editor *ed, const Doc *doc, const Line *l, const Line *after)
{
  gsize pos = after->end;
  gboolean after_is_last = after->end == after->start + after->len;
  gboolean l_is_last = l->end == l->start + l->len;

  if (!editor_free_range (ed, pos, 0) || ed->n_edits + 2 > MAX_EDITS)
    return FALSE;
  if (after_is_last)
    editor_add (ed, pos, 0, "\n", 1);
  editor_add (ed, pos, 0, doc->s + l->start, l->len);
  if (!after_is_last)
    editor_add (ed, pos, 0, l_is_last ? "\n" : doc->s + l->start + l->len,
                l_is_last ? 1 : l->end - l->start - l->len);
  return TRUE;
}

/* Appends @alt to the pool, in the case of @orig: "Managed"→"Oversaw",
 * "MANAGEMENT"→"MGMT"; acronyms and mixed case are kept as written. */
static void
pool_append_cased (GString *pool, const char *orig, gsize olen, const char *alt)
{
  guint letters = 0, upper = 0;
  gsize start = pool->len;

  for (gsize i = 0; i < olen; i++)
    {
      letters += g_ascii_isalpha (orig[i]);
      upper += g_ascii_isupper (orig[i]);
    }
  g_string_append (pool, alt);
  if (letters >= 2 && upper == letters)
    for (gsize i = start; i < pool->len; i++)
      pool->str[i] = ascii_upper (pool->str[i]);
  else if (g_ascii_isupper (orig[0]) && g_ascii_islower (pool->str[start]))
    pool->str[start] = ascii_upper (pool->str[start]);
}

/* ---- Word-level helpers --------------------------------------------------- */

typedef struct
{
  guint32 pos;
  guint16 len;
  const Phrase *ph;
} Match;

typedef struct
{
  guint32 pos, len;
} Span;

static inline gboolean
phrase_matches (const Phrase *ph, const char *s, gsize p, gsize cs, gsize le)
{
  gsize start, e;
  guchar c;

  if (p < cs + ph->lead)
    return FALSE;
  start = p - ph->lead;
  e = start + ph->len;
  /* Phrases sharing a first word mostly differ in their last byte. */
  if (e > le || ascii_lower (s[e - 1]) != ascii_lower (ph->text[ph->len - 1]))
    return FALSE;
  if (ph->fold ? !ascii_ncase_equal (s + start, ph->text, ph->len)
               : memcmp (s + start, ph->text, ph->len) != 0)
    return FALSE;
  if (ph->lead > 0 && start > cs && is_word (s[start - 1]))
    return FALSE;
  if (e == le)
    return TRUE;
  /* "C" is not found in "C++", nor "Node" in "Node.js", nor "R" in "R&D". */
  c = s[e];
  return !is_word (c) && c != '+' && c != '#' && c != '&' &&
         !(c == '.' && e + 1 < le && is_word (s[e + 1]));
}

/* All index phrases of @filter's roles in the body lines, in order,
 * non-overlapping. Skill names (ROLE_BLOCK) are stepped over without being
 * returned: "Basic Life Support" must not become "Basic Life Help". */
static guint
scan_phrases (const Doc *doc, const Index *ix, guint filter, Match *out, guint max)
{
  const char *s = doc->s;
  const guint64 *bits = ix->filter[filter];
  guint role = filter_roles[filter], n = 0;

  for (guint i = 0; i < doc->n_lines && n < max; i++)
    {
      const Line *l = &doc->lines[i];
      gsize cs = line_content (l), le = l->start + l->len, p = cs;

      if (!line_is_body (l))
        continue;
      while (p < le && n < max)
        {
          gsize q;
          guint64 key;
          const Bucket *b;
          gboolean hit = FALSE;

          if (!is_word (s[p]))
            {
              p++;
              continue;
            }
          key = word_key (s, p, le, &q);
          if (!(bits[FILTER_BIT (key) / 64] & (G_GUINT64_CONSTANT (1) << (FILTER_BIT (key) % 64))))
            {
              p = q;
              continue;
            }
          b = index_lookup (ix, key);
          for (guint j = 0; b != NULL && j < b->count && !hit; j++)
            {
              const Phrase *ph = &ix->phrases[b->first + j];
              if ((ph->role & role) && phrase_matches (ph, s, p, cs, le))
                {
                  if (ph->role != ROLE_BLOCK)
                    out[n++] = (Match){ p - ph->lead, ph->len, ph };
                  p = p - ph->lead + ph->len;
                  hit = TRUE;
                }
            }
          if (!hit)
            p = q;
        }
    }
  return n;
}

/* Words of plain ASCII letters, not all capitals, at least @min_len long,
 * in the body lines. */
static guint
collect_words (const Doc *doc, guint min_len, Span *out, guint max)
{
  const char *s = doc->s;
  guint n = 0;

  for (guint i = 0; i < doc->n_lines && n < max; i++)
    {
      const Line *l = &doc->lines[i];
      gsize le = l->start + l->len, p = line_content (l);

      if (!line_is_body (l))
        continue;
      while (p < le && n < max)
        {
          gsize q = p;
          gboolean alpha = TRUE, lower = FALSE;

          if (!is_word (s[p]))
            {
              p++;
              continue;
            }
          for (; q < le && is_word (s[q]); q++)
            {
              alpha = alpha && g_ascii_isalpha (s[q]);
              lower = lower || g_ascii_islower (s[q]);
            }
          /* Acronyms ("HIPAA") and words with other scripts are left alone. */
          if (alpha && lower && q - p >= min_len && q - p <= 40)
            {
              out[n].pos = p;
              out[n++].len = q - p;
            }
          p = q;
        }
    }
  return n;
}

static gboolean
alt_differs (const char *alt, const char *orig, gsize olen)
{
  return *alt != '\0' && !(strlen (alt) == olen && ascii_ncase_equal (alt, orig, olen));
}

static const char *
pick_alt (SynthRng *rng, const char *const *alts, const char *orig, gsize olen)
{
  guint n = 0, pick;

  for (guint i = 0; alts[i] != NULL; i++)
    n += alt_differs (alts[i], orig, olen);
  if (n == 0)
    return NULL;
  pick = synth_rng_below (rng, n);
  for (guint i = 0; alts[i] != NULL; i++)
    if (alt_differs (alts[i], orig, olen) && pick-- == 0)
      return alts[i];
  return NULL;
}

/* Replaces @m with one of its phrase's alternatives; notes "from→to".
 * Skills keep the corpus's spelling ("K8s"); general words follow the
 * case of the word they replace. */
static gboolean
replace_match (Editor *ed, const Doc *doc, const Match *m, const char *alt, gboolean note)
{
  gsize before = ed->pool->len;

  if (m->ph->is_term)
    g_string_append (ed->pool, alt);
  else
    pool_append_cased (ed->pool, doc->s + m->pos, m->len, alt);
  if (!editor_add_pooled (ed, m->pos, m->len, ed->pool->len - before))
    return FALSE;
  if (note)
    editor_note_change (ed, doc->s + m->pos, m->len, ed->pool->str + before,
                        ed->pool->len - before);
  return TRUE;
}

typedef struct
{
  const Phrase *ph;
  guint first, count;
} Uniq;

/* A term is renamed everywhere (people are consistent about "JS"); a
 * general word once, at one of its occurrences. */
static void
replace_phrase (Editor *ed, const Doc *doc, SynthRng *rng, const Match *m, guint n, const Uniq *u)
{
  const Match *first = &m[u->first];
  const char *alt = pick_alt (rng, u->ph->alts, doc->s + first->pos, first->len);
  guint which = u->ph->is_term ? 0 : synth_rng_below (rng, u->count), seen = 0;
  gboolean noted = FALSE;

  for (guint i = u->first; alt != NULL && i < n; i++)
    if (m[i].ph == u->ph && (u->ph->is_term || seen++ == which))
      noted |= replace_match (ed, doc, &m[i], alt, !noted);
}

/* synonyms / abbreviations: 2–6 distinct phrases, two thirds of them terms
 * (skills) when the text has enough. */
static void
substitute_phrases (Editor *ed, const Doc *doc, SynthRng *rng, const Index *ix, Role role)
{
  Match m[256];
  Uniq u[64];
  guint terms[64], words[64];
  guint n =
      scan_phrases (doc, ix, role == ROLE_SYN ? FILTER_SYN : FILTER_ABBR, m, G_N_ELEMENTS (m));
  guint nu = 0, nt = 0, nw = 0;
  guint k = 2 + synth_rng_below (rng, 5), take_t, take_w;

  for (guint i = 0; i < n; i++)
    {
      guint j = 0;
      while (j < nu && u[j].ph != m[i].ph)
        j++;
      if (j == nu)
        {
          if (nu == G_N_ELEMENTS (u))
            continue;
          u[nu++] = (Uniq){ m[i].ph, i, 0 };
        }
      u[j].count++;
    }
  for (guint j = 0; j < nu; j++)
    {
      if (u[j].ph->is_term)
        terms[nt++] = j;
      else
        words[nw++] = j;
    }
  synth_rng_shuffle (rng, terms, nt, sizeof (guint));
  synth_rng_shuffle (rng, words, nw, sizeof (guint));
  take_t = MIN ((2 * k + 2) / 3, nt);
  take_w = MIN (k - take_t, nw);
  take_t = MIN (k - take_w, nt);
  for (guint i = 0; i < take_t; i++)
    replace_phrase (ed, doc, rng, m, n, &u[terms[i]]);
  for (guint i = 0; i < take_w; i++)
    replace_phrase (ed, doc, rng, m, n, &u[words[i]]);
}

/* Appends a mistyped copy of the ASCII word @w. @op: 0 swapped neighbours,
 * 1 keyboard-adjacent key, 2 doubled letter, 3 dropped letter. The first
 * letter is kept: people rarely get that one wrong. */
static gboolean
pool_append_typo (GString *pool, SynthRng *rng, const char *w, gsize len, guint op)
{
  gsize start = pool->len;
  guint j;

  if (len < 4)
    return FALSE;
  if (op == 0)
    {
      guint off = synth_rng_below (rng, len - 2);
      for (guint t = 0; t < len - 2; t++)
        {
          j = 1 + (off + t) % (len - 2);
          if (ascii_lower (w[j]) != ascii_lower (w[j + 1]))
            {
              g_string_append_len (pool, w, len);
              pool->str[start + j] = w[j + 1];
              pool->str[start + j + 1] = w[j];
              return TRUE;
            }
        }
      return FALSE;
    }
  j = 1 + synth_rng_below (rng, len - 1);
  if (op == 1)
    {
      const char *nb = key_neighbours[ascii_lower (w[j]) - 'a'];
      char c = nb[synth_rng_below (rng, strlen (nb))];
      g_string_append_len (pool, w, len);
      pool->str[start + j] = g_ascii_isupper (w[j]) ? ascii_upper (c) : c;
    }
  else if (op == 2)
    {
      g_string_append_len (pool, w, j + 1);
      g_string_append_len (pool, w + j, len - j);
    }
  else
    {
      g_string_append_len (pool, w, j);
      g_string_append_len (pool, w + j + 1, len - j - 1);
    }
  return TRUE;
}

/* Mistypes up to @want random words with @ops (a bit mask of the ops
 * above); returns how many were changed. */
static guint
mistype_words (Editor *ed, const Doc *doc, SynthRng *rng, guint want, guint ops, guint min_len)
{
  Span w[1024];
  guint n = collect_words (doc, min_len, w, G_N_ELEMENTS (w)), done = 0;

  for (guint attempt = 0; n > 0 && done < want && attempt < want * 4; attempt++)
    {
      const Span *sp = &w[synth_rng_below (rng, n)];
      const char *word = doc->s + sp->pos;
      gsize before = ed->pool->len;
      guint op;

      do
        op = synth_rng_below (rng, 4);
      while (!(ops & (1u << op)));
      if (!pool_append_typo (ed->pool, rng, word, sp->len, op) &&
          !pool_append_typo (ed->pool, rng, word, sp->len, 2))
        continue;
      if (!editor_add_pooled (ed, sp->pos, sp->len, ed->pool->len - before))
        continue;
      editor_note_change (ed, word, sp->len, ed->pool->str + before, ed->pool->len - before);
      done++;
    }
  return done;
}

/* ---- textual --------------------------------------------------------------- */

static void
t_synonyms (Editor *ed, const Doc *doc, SynthRng *rng, const Index *ix, gboolean light)
{
  substitute_phrases (ed, doc, rng, ix, ROLE_SYN);
}

static void
t_abbreviations (Editor *ed, const Doc *doc, SynthRng *rng, const Index *ix, gboolean light)
{
  substitute_phrases (ed, doc, rng, ix, ROLE_ABBR);
}

static void
t_spelling_errors (Editor *ed, const Doc *doc, SynthRng *rng, const Index *ix, gboolean light)
{
  Match m[256];
  guint idx[256];
  const Phrase *used[6];
  guint n = scan_phrases (doc, ix, FILTER_MISSPELL, m, G_N_ELEMENTS (m));
  guint k = 2 + synth_rng_below (rng, 5), done = 0;

  for (guint i = 0; i < n; i++)
    idx[i] = i;
  synth_rng_shuffle (rng, idx, n, sizeof (guint));
  for (guint i = 0; i < n && done < k; i++)
    {
      const Match *mm = &m[idx[i]];
      const char *alt;
      guint j = 0;

      /* Different words, not one word misspelt several times. */
      while (j < done && used[j] != mm->ph)
        j++;
      if (j < done || (alt = pick_alt (rng, mm->ph->alts, doc->s + mm->pos, mm->len)) == NULL ||
          !replace_match (ed, doc, mm, alt, TRUE))
        continue;
      used[done++] = mm->ph;
    }
  /* Not enough known misspellings: swap two letters, as hurried writers do. */
  if (done < k)
    mistype_words (ed, doc, rng, k - done, 1u << 0, 5);
}

/* ---- human_error/typos ------------------------------------------------------ */

static void
t_typos (Editor *ed, const Doc *doc, SynthRng *rng, const Index *ix, gboolean light)
{
  mistype_words (ed, doc, rng, 2 + synth_rng_below (rng, 5), 0xf, 4);
}

/* ---- structural -------------------------------------------------------------- */

/* A heading as people would name it: "WORK EXPERIENCE:" → "Work Experience". */
static void
append_heading_title (GString *out, const Doc *doc, const Line *l)
{
  const char *p = doc->s + l->start + l->indent;
  gsize len = l->len - l->indent, start = out->len;
  guint letters = 0, upper = 0;

  while (len > 0 && (p[len - 1] == ':' || p[len - 1] == ' ' || p[len - 1] == '\t'))
    len--;
  g_string_append_len (out, p, len);
  for (gsize i = 0; i < len; i++)
    {
      letters += g_ascii_isalpha (p[i]);
      upper += g_ascii_isupper (p[i]);
    }
  if (letters > 1 && upper == letters)
    for (gsize i = start + 1; i < out->len; i++)
      if (g_ascii_isalpha (out->str[i - 1]))
        out->str[i] = ascii_lower (out->str[i]);
}

static void
t_missing_sections (Editor *ed, const Doc *doc, SynthRng *rng, const Index *ix, gboolean light)
{
  /* Summaries, education and certifications go missing more often than
   * the experience a resume is built around. */
  static const guint weight[] = { 0, 3, 1, 3, 2, 3, 2 };
  Section sec[32];
  gboolean gone[32] = { FALSE };
  guint ns = doc_sections (doc, sec, G_N_ELEMENTS (sec)), drop;

  if (ns == 0)
    return;
  if (ns == 1)
    {
      /* Keep the only section's content; lose its heading. */
      const Line *h = &doc->lines[sec[0].heading];
      editor_add (ed, h->start, h->end - h->start, "", 0);
      editor_note_start (ed);
      g_string_append (ed->detail, "removed the heading ");
      append_heading_title (ed->detail, doc, h);
      return;
    }
  drop = ns >= 3 && synth_rng_chance (rng, 0.5) ? 2 : 1;
  editor_note_start (ed);
  g_string_append (ed->detail, "removed ");
  for (guint d = 0; d < drop; d++)
    {
      guint total = 0, pick, i;
      gsize start;

      for (i = 0; i < ns; i++)
        total += gone[i] ? 0 : weight[doc->lines[sec[i].heading].section];
      pick = synth_rng_below (rng, total);
      for (i = 0; i < ns; i++)
        {
          guint w = gone[i] ? 0 : weight[doc->lines[sec[i].heading].section];
          if (pick < w)
            break;
          pick -= w;
        }
      gone[i] = TRUE;
      start = sec[i].start;
      /* The last section: also drop the blank lines before it. */
      for (guint l = sec[i].heading;
           sec[i].end == doc->n && l > 0 && doc->lines[l - 1].kind == LINE_BLANK; l--)
        start = doc->lines[l - 1].start;
      editor_add (ed, start, sec[i].end - start, "", 0);
      if (d > 0)
        g_string_append (ed->detail, ", ");
      append_heading_title (ed->detail, doc, &doc->lines[sec[i].heading]);
    }
}

static gboolean
fmt_bullets (Editor *ed, const Doc *doc, SynthRng *rng)
{
  const char *marker;
  guint nb = 0, want, done = 0;
  int first;

  for (guint i = 0; i < doc->n_lines; i++)
    nb += doc->lines[i].kind == LINE_BULLET;
  if (nb < 2 || (first = doc_pick_line (doc, rng, TRUE, 0)) < 0)
    return FALSE;
  /* One other marker for a few bullets, so the list looks pasted together. */
  do
    marker = synth_rng_pick (rng, bullet_markers);
  while (doc->lines[first].marker == strlen (marker) &&
         memcmp (doc->s + doc->lines[first].start + doc->lines[first].indent, marker,
                 strlen (marker)) == 0);
  want = 1 + synth_rng_below (rng, MIN (3, nb / 2));
  for (guint attempt = 0; done < want && attempt < want * 3; attempt++)
    {
      const Line *l = &doc->lines[attempt == 0 ? first : doc_pick_line (doc, rng, TRUE, 0)];
      const char *p = doc->s + l->start + l->indent;
      if ((l->marker == strlen (marker) && memcmp (p, marker, l->marker) == 0) ||
          !editor_add (ed, l->start + l->indent, l->marker, marker, strlen (marker)))
        continue;
      if (done++ == 0)
        {
          editor_note_start (ed);
          g_string_append (ed->detail, "bullet ");
          append_excerpt (ed->detail, p, l->marker - 1, 8);
          g_string_append (ed->detail, "→");
          append_excerpt (ed->detail, marker, strlen (marker) - 1, 8);
        }
    }
  if (done > 1)
    g_string_append_printf (ed->detail, " on %u lines", done);
  return done > 0;
}

static void
pool_append_date (GString *pool, const DateHit *d, guint format)
{
  switch (format)
    {
    case 0:
      g_string_append_printf (pool, "%02u/%04u", d->month + 1, d->year);
      break;
    case 1:
      g_string_append_printf (pool, "%04u-%02u", d->year, d->month + 1);
      break;
    case 2:
      g_string_append_printf (pool, "%s %04u",
                              d->long_name ? month_short[d->month] : month_long[d->month], d->year);
      break;
    case 3:
      g_string_append_printf (pool, "%u/%02u", d->month + 1, d->year % 100);
      break;
    default:
      g_string_append_printf (pool, "%02u.%04u", d->month + 1, d->year);
      break;
    }
}

static gboolean
fmt_dates (Editor *ed, const Doc *doc, SynthRng *rng)
{
  DateHit d[64];
  guint idx[64];
  guint nd = doc_find_dates (doc, d, G_N_ELEMENTS (d)), format = synth_rng_below (rng, 5);
  /* At least one date keeps its style, or the result would be consistent again. */
  guint want = 1 + synth_rng_below (rng, CLAMP (nd - 1, 1, 3)), done = 0;

  for (guint i = 0; i < nd; i++)
    idx[i] = i;
  synth_rng_shuffle (rng, idx, nd, sizeof (guint));
  for (guint i = 0; i < nd && done < want; i++)
    {
      const DateHit *h = &d[idx[i]];
      gsize before = ed->pool->len;

      pool_append_date (ed->pool, h, format);
      if (!editor_add_pooled (ed, h->pos, h->len, ed->pool->len - before))
        continue;
      editor_note_start (ed);
      g_string_append (ed->detail, "date ");
      g_string_append_len (ed->detail, doc->s + h->pos, h->len);
      g_string_append (ed->detail, "→");
      g_string_append_len (ed->detail, ed->pool->str + before, ed->pool->len - before);
      done++;
    }
  return done > 0;
}

static gboolean
fmt_headings (Editor *ed, const Doc *doc, SynthRng *rng)
{
  guint heads[32], nh = 0, want, done = 0;

  for (guint i = 0; i < doc->n_lines && nh < G_N_ELEMENTS (heads); i++)
    if (doc->lines[i].kind == LINE_HEADING)
      heads[nh++] = i;
  if (nh == 0)
    return FALSE;
  synth_rng_shuffle (rng, heads, nh, sizeof (guint));
  want = nh >= 3 && synth_rng_chance (rng, 0.5) ? 2 : 1;
  for (guint h = 0; h < nh && done < want; h++)
    {
      const Line *l = &doc->lines[heads[h]];
      const char *p = doc->s + l->start + l->indent;
      gsize len = l->len - l->indent, before = ed->pool->len;
      guint letters = 0, upper = 0;
      gboolean colon;

      while (len > 0 && (p[len - 1] == ' ' || p[len - 1] == '\t'))
        len--;
      colon = len > 0 && p[len - 1] == ':';
      for (gsize i = 0; i < len; i++)
        {
          letters += g_ascii_isalpha (p[i]);
          upper += g_ascii_isupper (p[i]);
        }
      /* CAPS become Title or lower case, anything else CAPS; sometimes the
       * colon comes or goes too. */
      if (letters > 0 && upper * 10 >= letters * 7)
        {
          gboolean lower = synth_rng_chance (rng, 0.3);
          g_string_append_len (ed->pool, p, len);
          for (gsize i = before; i < ed->pool->len; i++)
            if (lower || (i > before && g_ascii_isalpha (ed->pool->str[i - 1])))
              ed->pool->str[i] = ascii_lower (ed->pool->str[i]);
        }
      else
        for (gsize i = 0; i < len; i++)
          g_string_append_c (ed->pool, ascii_upper (p[i]));
      if (colon && synth_rng_chance (rng, 0.4))
        g_string_truncate (ed->pool, ed->pool->len - 1);
      else if (!colon && (letters == 0 || synth_rng_chance (rng, 0.4)))
        g_string_append_c (ed->pool, ':');
      if (!editor_add_pooled (ed, p - doc->s, len, ed->pool->len - before))
        continue;
      editor_note_start (ed);
      g_string_append (ed->detail, "heading ");
      g_string_append_len (ed->detail, p, len);
      g_string_append (ed->detail, "→");
      g_string_append_len (ed->detail, ed->pool->str + before, ed->pool->len - before);
      done++;
    }
  return done > 0;
}

static gboolean
fmt_indent (Editor *ed, const Doc *doc, SynthRng *rng)
{
  guint want = 1 + synth_rng_below (rng, 3), done = 0;

  for (guint attempt = 0; done < want && attempt < want * 3; attempt++)
    {
      int i = doc_pick_line (doc, rng, FALSE, 0);
      const Line *l;
      const char *in = synth_rng_pick (rng, indents);

      if (i < 0)
        return FALSE;
      l = &doc->lines[i];
      /* An indented line loses its indentation, a flush one gains some. */
      done += l->indent > 0 ? editor_add (ed, l->start, l->indent, "", 0)
                            : editor_add (ed, l->start, 0, in, strlen (in));
    }
  if (done > 0)
    {
      editor_note_start (ed);
      g_string_append_printf (ed->detail, "changed the indentation of %u line%s", done,
                              done == 1 ? "" : "s");
    }
  return done > 0;
}

static void
t_inconsistent_formatting (
    Editor *ed, const Doc *doc, SynthRng *rng, const Index *ix, gboolean light)
{
  guint ops[4] = { 0, 1, 2, 3 }, want = 2 + synth_rng_below (rng, 2), done = 0;

  synth_rng_shuffle (rng, ops, 4, sizeof (guint));
  for (guint i = 0; i < 4 && done < want; i++)
    switch (ops[i])
      {
      case 0:
        done += fmt_bullets (ed, doc, rng);
        break;
      case 1:
        done += fmt_dates (ed, doc, rng);
        break;
      case 2:
        done += fmt_headings (ed, doc, rng);
        break;
      default:
        done += fmt_indent (ed, doc, rng);
        break;
      }
}

/* ---- missing_noisy ---------------------------------------------------------- */

static guint
count_words (const char *p, gsize len)
{
  guint n = 0;
  for (gsize i = 0; i < len; i++)
    n += p[i] != ' ' && (i == 0 || p[i - 1] == ' ');
  return n;
}

static gboolean
inc_truncate (Editor *ed, const Doc *doc, SynthRng *rng)
{
  int i = doc_pick_line (doc, rng, FALSE, 30);
  const Line *l;
  gsize cs, ce, cut;
  const char *tail = synth_rng_chance (rng, 0.3) ? "..." : "";

  if (i < 0)
    return FALSE;
  l = &doc->lines[i];
  cs = line_content (l);
  ce = l->start + l->len;
  cut = cs + (ce - cs) * (40 + synth_rng_below (rng, 31)) / 100;
  while (cut < ce && doc->s[cut] != ' ')
    cut++;
  if (cut + 1 >= ce || !editor_add (ed, cut, ce - cut, tail, strlen (tail)))
    return FALSE;
  editor_note_start (ed);
  g_string_append (ed->detail, "cut off ");
  append_excerpt (ed->detail, doc->s + cs, cut - cs, 32);
  g_string_append_printf (ed->detail, " after %u words", count_words (doc->s + cs, cut - cs));
  return TRUE;
}

static gboolean
inc_date (Editor *ed, const Doc *doc, SynthRng *rng, const DateHit *d, guint nd)
{
  const DateHit *h;
  gsize range;

  if (nd == 0)
    return FALSE;
  h = &d[synth_rng_below (rng, nd)];
  range = range_end_len (doc->s, h->pos + h->len, doc->n);
  if (range > 0 && synth_rng_chance (rng, 0.6))
    {
      /* "Mar 2019 – Present" → "Mar 2019" or "Mar 2019 –": no end date. */
      const char *keep = synth_rng_chance (rng, 0.5) ? " –" : "";
      if (!editor_add (ed, h->pos + h->len, range, keep, strlen (keep)))
        return FALSE;
      editor_note_start (ed);
      g_string_append (ed->detail, "removed the end date of ");
      g_string_append_len (ed->detail, doc->s + h->pos, h->len + range);
    }
  else
    {
      /* The date itself: unknown, year only, or cut off. */
      guint v = synth_rng_below (rng, 3);
      gsize before = ed->pool->len;
      if (v == 0)
        g_string_append (ed->pool, "N/A");
      else if (v == 1)
        g_string_append_printf (ed->pool, "%04u", h->year);
      else
        g_string_append_len (ed->pool, doc->s + h->pos, h->len - 2);
      if (!editor_add_pooled (ed, h->pos, h->len, ed->pool->len - before))
        return FALSE;
      editor_note_start (ed);
      g_string_append (ed->detail, "date ");
      g_string_append_len (ed->detail, doc->s + h->pos, h->len);
      g_string_append (ed->detail, "→");
      g_string_append_len (ed->detail, ed->pool->str + before, ed->pool->len - before);
    }
  return TRUE;
}

/* "Email: x@y.org" → "Email: N/A" or "Email:"; a bullet → "N/A". */
static gboolean
inc_field (Editor *ed, const Doc *doc, SynthRng *rng)
{
  int i = doc_pick_line (doc, rng, FALSE, 6);
  const Line *l;
  const char *p, *colon;
  gsize cs, ce;
  gboolean blank = synth_rng_chance (rng, 0.4);

  if (i < 0)
    return FALSE;
  l = &doc->lines[i];
  cs = line_content (l);
  ce = l->start + l->len;
  p = doc->s + cs;
  colon = memchr (p, ':', MIN (ce - cs, 28));
  if (colon != NULL && (gsize) (colon - doc->s) + 2 < ce && colon[1] == ' ')
    {
      gsize vs = colon - doc->s + 2;
      if (!editor_add (ed, blank ? vs - 1 : vs, ce - vs + blank, blank ? "" : "N/A", blank ? 0 : 3))
        return FALSE;
      editor_note_start (ed);
      g_string_append (ed->detail, blank ? "blanked " : "set to N/A: ");
      g_string_append_len (ed->detail, p, colon - p);
      return TRUE;
    }
  if (l->kind != LINE_BULLET || !editor_add (ed, cs, ce - cs, blank ? "" : "N/A", blank ? 0 : 3))
    return FALSE;
  editor_note_start (ed);
  g_string_append (ed->detail, blank ? "blanked " : "set to N/A: ");
  append_excerpt (ed->detail, p, ce - cs, 32);
  return TRUE;
}

static void
t_incomplete_data (Editor *ed, const Doc *doc, SynthRng *rng, const Index *ix, gboolean light)
{
  DateHit d[64];
  guint nd = doc_find_dates (doc, d, G_N_ELEMENTS (d));
  guint want = 2 + synth_rng_below (rng, 4), done = 0;

  for (guint attempt = 0; done < want && attempt < want * 4; attempt++)
    {
      guint op = synth_rng_below (rng, 8);
      if (op < 3)
        done += inc_truncate (ed, doc, rng);
      else if (op < 6)
        done += inc_date (ed, doc, rng, d, nd);
      else
        done += inc_field (ed, doc, rng);
    }
}

/* Where a fragment of scraped HTML lands: entities between words, opening
 * tags at the start of a line, closing tags and line breaks at its end. */
static gboolean
html_insert (Editor *ed, const Doc *doc, SynthRng *rng, const char *frag)
{
  int i = doc_pick_line (doc, rng, FALSE, 1);
  const Line *l;
  gsize cs, ce, fl = strlen (frag);

  if (i < 0 || fl == 0)
    return FALSE;
  l = &doc->lines[i];
  cs = line_content (l);
  ce = l->start + l->len;
  if (frag[0] == '&')
    {
      guint spaces = 0, pick;
      gsize before = ed->pool->len;
      for (gsize p = cs + 1; p + 1 < ce; p++)
        spaces += doc->s[p] == ' ' && doc->s[p - 1] != ' ';
      if (spaces > 0)
        {
          gboolean nbsp = strstr (frag, "nbsp") != NULL || strstr (frag, "160") != NULL;
          pick = synth_rng_below (rng, spaces);
          for (gsize p = cs + 1; p + 1 < ce; p++)
            if (doc->s[p] == ' ' && doc->s[p - 1] != ' ' && pick-- == 0)
              {
                g_string_append_printf (ed->pool, nbsp ? "%s" : " %s ", frag);
                return editor_add_pooled (ed, p, 1, ed->pool->len - before);
              }
        }
      return editor_add (ed, ce, 0, frag, fl);
    }
  if (frag[0] == '<' && frag[1] != '/' && strncmp (frag, "<br", 3) != 0 &&
      strncmp (frag, "<!", 2) != 0 && !g_str_has_suffix (frag, "/>"))
    {
      /* "<li>" takes the place of a bullet marker. */
      if (l->kind == LINE_BULLET && strncmp (frag, "<li", 3) == 0)
        return editor_add (ed, l->start + l->indent, l->marker, frag, fl);
      return editor_add (ed, cs, 0, frag, fl);
    }
  return editor_add (ed, ce, 0, frag, fl);
}

static void
t_html_artifacts (Editor *ed, const Doc *doc, SynthRng *rng, const Index *ix, gboolean light)
{
  const char *used[8];
  guint want = light ? 1 + synth_rng_below (rng, 2) : 2 + synth_rng_below (rng, 4);
  guint done = 0, n_used = 0;

  for (guint attempt = 0; done < want && attempt < want * 4; attempt++)
    {
      const char *frag = synth_rng_pick (rng, ix->html);
      guint j = 0;

      if (!html_insert (ed, doc, rng, frag))
        continue;
      done++;
      while (j < n_used && strcmp (used[j], frag) != 0)
        j++;
      if (j == n_used && n_used < G_N_ELEMENTS (used))
        used[n_used++] = frag;
    }
  if (done == 0)
    return;
  editor_note_start (ed);
  g_string_append_printf (ed->detail, "inserted %u HTML fragment%s (", done, done == 1 ? "" : "s");
  for (guint j = 0; j < n_used; j++)
    g_string_append_printf (ed->detail, "%s%s", j > 0 ? ", " : "", used[j]);
  g_string_append_c (ed->detail, ')');
}

static void
t_duplicates (Editor *ed, const Doc *doc, SynthRng *rng, const Index *ix, gboolean light)
{
  static const guint weight[] = { 0, 2, 1, 3, 3, 3, 1 };
  Section sec[32];
  guint ns = doc_sections (doc, sec, G_N_ELEMENTS (sec)), used[3];
  guint want = 1 + synth_rng_below (rng, 3), done = 0;

  /* Sometimes a whole (short) section twice, as a bad export does. */
  if (ns > 0 && synth_rng_chance (rng, 0.35))
    {
      guint total = 0, pick, i;
      for (i = 0; i < ns; i++)
        total += weight[doc->lines[sec[i].heading].section];
      pick = synth_rng_below (rng, total);
      for (i = 0; i < ns && pick >= weight[doc->lines[sec[i].heading].section]; i++)
        pick -= weight[doc->lines[sec[i].heading].section];
      if (sec[i].end == doc->n && doc->s[doc->n - 1] != '\n')
        editor_add (ed, sec[i].end, 0, "\n", 1);
      editor_add (ed, sec[i].end, 0, doc->s + sec[i].start, sec[i].end - sec[i].start);
      editor_note_start (ed);
      g_string_append (ed->detail, "duplicated the section ");
      append_heading_title (ed->detail, doc, &doc->lines[sec[i].heading]);
      want--;
    }
  for (guint attempt = 0; done < want && attempt < want * 3; attempt++)
    {
      int i = doc_pick_line (doc, rng, FALSE, 1);
      const Line *l;
      guint j = 0;

      if (i < 0)
        break;
      while (j < done && used[j] != (guint) i)
        j++;
      if (j < done)
        continue;
      used[done] = i;
      l = &doc->lines[i];
      /* Mostly right after the original, sometimes elsewhere. */
      if (synth_rng_chance (rng, 0.25))
        i = doc_pick_line (doc, rng, FALSE, 1);
      if (!editor_copy_line_after (ed, doc, l, &doc->lines[i]))
        continue;
      editor_note_start (ed);
      g_string_append (ed->detail, "duplicated ");
      append_excerpt (ed->detail, doc->s + l->start + l->indent, l->len - l->indent, 32);
      done++;
    }
}

/* ---- human_error ------------------------------------------------------------ */

/* The same bullet pasted under another line. */
static gboolean
paste_repeat (Editor *ed, const Doc *doc, SynthRng *rng)
{
  int src = doc_pick_line (doc, rng, TRUE, 10), dst;

  if (src < 0)
    src = doc_pick_line (doc, rng, FALSE, 10);
  if (src < 0)
    return FALSE;
  dst = doc_pick_line (doc, rng, FALSE, 1);
  if (dst == src)
    dst = doc_pick_line (doc, rng, FALSE, 1);
  if (!editor_copy_line_after (ed, doc, &doc->lines[src], &doc->lines[dst]))
    return FALSE;
  editor_note_start (ed);
  g_string_append (ed->detail, "repeated ");
  append_excerpt (ed->detail, doc->s + line_content (&doc->lines[src]),
                  doc->lines[src].start + doc->lines[src].len - line_content (&doc->lines[src]),
                  32);
  return TRUE;
}

/* The first words of a bullet pasted twice: "Led a team Led a team of 5". */
static gboolean
paste_stutter (Editor *ed, const Doc *doc, SynthRng *rng)
{
  int i = doc_pick_line (doc, rng, FALSE, 30);
  const Line *l;
  gsize cs, ce, p, before = ed->pool->len;
  guint words = 3 + synth_rng_below (rng, 3), seen = 0;

  if (i < 0)
    return FALSE;
  l = &doc->lines[i];
  cs = line_content (l);
  ce = l->start + l->len;
  for (p = cs; p < ce; p++)
    if (doc->s[p] == ' ' && p > cs && doc->s[p - 1] != ' ' && ++seen == words)
      break;
  if (p >= ce)
    return FALSE;
  g_string_append_len (ed->pool, doc->s + cs, p - cs);
  g_string_append_c (ed->pool, ' ');
  if (!editor_add_pooled (ed, cs, 0, ed->pool->len - before))
    return FALSE;
  editor_note_start (ed);
  g_string_append (ed->detail, "pasted ");
  append_excerpt (ed->detail, doc->s + cs, p - cs, 32);
  g_string_append (ed->detail, " twice");
  return TRUE;
}

/* A leftover line from a template or another application. */
static gboolean
paste_placeholder (Editor *ed, const Doc *doc, SynthRng *rng)
{
  const char *text = synth_rng_pick (rng, placeholders);
  int i = doc_pick_line (doc, rng, FALSE, 1);
  const Line *l;
  gsize before = ed->pool->len;

  for (guint h = 0; h < doc->n_lines && (i < 0 || synth_rng_chance (rng, 0.15)); h++)
    if (doc->lines[h].kind == LINE_HEADING)
      i = h;
  if (i < 0)
    return FALSE;
  l = &doc->lines[i];
  if (l->end == l->start + l->len)
    g_string_append_c (ed->pool, '\n');
  if (l->kind == LINE_BULLET)
    g_string_append_len (ed->pool, doc->s + l->start, l->indent + l->marker);
  g_string_append (ed->pool, text);
  if (l->end != l->start + l->len)
    g_string_append_c (ed->pool, '\n');
  if (!editor_add_pooled (ed, l->end, 0, ed->pool->len - before))
    return FALSE;
  editor_note_start (ed);
  g_string_append (ed->detail, "left the placeholder ");
  append_excerpt (ed->detail, text, strlen (text), 40);
  return TRUE;
}

static void
t_copy_paste (Editor *ed, const Doc *doc, SynthRng *rng, const Index *ix, gboolean light)
{
  gboolean repeat_first = synth_rng_chance (rng, 0.65), done;

  done = repeat_first ? paste_repeat (ed, doc, rng) || paste_stutter (ed, doc, rng)
                      : paste_stutter (ed, doc, rng) || paste_repeat (ed, doc, rng);
  if (!done || synth_rng_chance (rng, 0.5))
    paste_placeholder (ed, doc, rng);
}

/* Formatting slips made so far, summed up in the detail at the end. */
typedef struct
{
  guint no_space, double_space, strays;
} Slips;

/* Whether the ASCII word at @p (after a space) may change case. */
static gboolean
case_candidate (const char *s, gsize p, gsize ce, gsize *out_end)
{
  gsize e = p;
  gboolean lower = FALSE;

  for (; e < ce && is_word (s[e]); e++)
    {
      if (!g_ascii_isalpha (s[e]))
        return FALSE;
      lower = lower || g_ascii_islower (s[e]);
    }
  *out_end = e;
  return lower && e - p >= 3;
}

/* One formatting slip in line @l; @op: 0 no space after punctuation,
 * 1 double space, 2 wrong capitals, 3 stray character at the end. */
static gboolean
format_slip (Editor *ed, const Doc *doc, SynthRng *rng, const Line *l, guint op, Slips *slips)
{
  const char *s = doc->s;
  gsize cs = line_content (l), ce = l->start + l->len, found[64], p, we, before;
  guint n = 0;

  if (op == 3)
    {
      const char *stray = synth_rng_pick (rng, stray_endings);
      if (s[ce - 1] == stray[strlen (stray) - 1] || !editor_add (ed, ce, 0, stray, strlen (stray)))
        return FALSE;
      slips->strays++;
      return TRUE;
    }
  for (p = cs + 1; p + 2 < ce && n < G_N_ELEMENTS (found); p++)
    {
      gboolean hit;
      if (op == 0)
        hit = strchr (",.;:", s[p]) != NULL && s[p + 1] == ' ' && is_word (s[p - 1]) &&
              g_ascii_isalnum (s[p + 2]);
      else if (op == 1)
        hit = s[p] == ' ' && is_word (s[p - 1]) && is_word (s[p + 1]);
      else
        hit = s[p - 1] == ' ' && case_candidate (s, p, ce, &we);
      if (hit)
        found[n++] = p;
    }
  if (n == 0)
    return FALSE;
  p = found[synth_rng_below (rng, n)];
  if (op == 0)
    return editor_add (ed, p + 1, 1, "", 0) && ++slips->no_space;
  if (op == 1)
    return editor_add (ed, p, 0, " ", 1) && ++slips->double_space;
  /* "Python"→"python", "JavaScript"→"javascript", "team"→"Team". */
  case_candidate (s, p, ce, &we);
  before = ed->pool->len;
  if (g_ascii_isupper (s[p]))
    for (gsize i = p; i < we; i++)
      g_string_append_c (ed->pool, ascii_lower (s[i]));
  else
    {
      g_string_append_c (ed->pool, ascii_upper (s[p]));
      g_string_append_len (ed->pool, s + p + 1, we - p - 1);
    }
  if (!editor_add_pooled (ed, p, we - p, we - p))
    return FALSE;
  editor_note_change (ed, s + p, we - p, ed->pool->str + before, we - p);
  return TRUE;
}

static void
t_formatting (Editor *ed, const Doc *doc, SynthRng *rng, const Index *ix, gboolean light)
{
  guint want = 2 + synth_rng_below (rng, 5), done = 0;
  Slips slips = { 0 };

  for (guint attempt = 0; done < want && attempt < want * 4; attempt++)
    {
      int i = doc_pick_line (doc, rng, FALSE, 8);
      if (i < 0)
        break;
      done += format_slip (ed, doc, rng, &doc->lines[i], synth_rng_below (rng, 4), &slips);
    }
  if (slips.no_space > 0)
    {
      editor_note_start (ed);
      g_string_append_printf (ed->detail, "no space after punctuation (%u×)", slips.no_space);
    }
  if (slips.double_space > 0)
    {
      editor_note_start (ed);
      g_string_append_printf (ed->detail, "double spaces (%u×)", slips.double_space);
    }
  if (slips.strays > 0)
    {
      editor_note_start (ed);
      g_string_append_printf (ed->detail, "stray characters at line ends (%u×)", slips.strays);
    }
}

/* ---- Dispatch ------------------------------------------------------------------ */

typedef void (*TransformFunc) (
    Editor *ed, const Doc *doc, SynthRng *rng, const Index *ix, gboolean light);

typedef struct
{
  SynthBiasType type;
  const char *subtype;
  TransformFunc func;
  gboolean touches_job; /* also applied, lightly, to the job text */
} Transform;

static const Transform transforms[] = {
  { SYNTH_BIAS_TEXTUAL, "synonyms", t_synonyms, FALSE },
  { SYNTH_BIAS_TEXTUAL, "abbreviations", t_abbreviations, FALSE },
  { SYNTH_BIAS_TEXTUAL, "spelling_errors", t_spelling_errors, FALSE },
  { SYNTH_BIAS_STRUCTURAL, "missing_sections", t_missing_sections, FALSE },
  { SYNTH_BIAS_STRUCTURAL, "inconsistent_formatting", t_inconsistent_formatting, FALSE },
  { SYNTH_BIAS_MISSING_NOISY, "incomplete_data", t_incomplete_data, FALSE },
  { SYNTH_BIAS_MISSING_NOISY, "html_artifacts", t_html_artifacts, TRUE },
  { SYNTH_BIAS_MISSING_NOISY, "duplicates", t_duplicates, FALSE },
  { SYNTH_BIAS_HUMAN_ERROR, "typos", t_typos, FALSE },
  { SYNTH_BIAS_HUMAN_ERROR, "copy_paste", t_copy_paste, FALSE },
  { SYNTH_BIAS_HUMAN_ERROR, "formatting", t_formatting, FALSE },
};

static const Transform *
transform_find (SynthBiasType type, const char *subtype)
{
  if (subtype == NULL)
    return NULL;
  for (guint i = 0; i < G_N_ELEMENTS (transforms); i++)
    if (transforms[i].type == type && strcmp (transforms[i].subtype, subtype) == 0)
      return &transforms[i];
  return NULL;
}

/* Runs @t over @text. Returns the new text, or NULL when nothing changed;
 * @detail receives "<type>/<subtype>: …" either way. */
static char *
transform_run (const Transform *t, const char *text, guint64 seed, gboolean light, GString *detail)
{
  const Index *ix = index_get ();
  g_autoptr (GString) pool = g_string_sized_new (256);
  char *result = NULL;
  Editor ed = { 0 };
  SynthRng rng;
  Doc doc;

  g_string_append_printf (detail, "%s/%s: ", synth_bias_type_to_id (t->type), t->subtype);
  /* Each subtype draws from its own stream, so adding one never shifts another. */
  synth_rng_init (&rng, synth_rng_mix (seed, fnv1a (t->subtype) ^ (light ? 0x6a6f62 : 0)));
  ed.s = text;
  ed.n = strlen (text);
  ed.pool = pool;
  ed.detail = detail;
  /* Offsets are 32-bit; a resume is a few kilobytes. */
  if (ed.n < G_MAXINT32)
    {
      doc_init (&doc, ix, text, ed.n);
      t->func (&ed, &doc, &rng, ix, light);
      doc_clear (&doc);
    }
  if (ed.n_edits > 0)
    result = editor_apply (&ed);
  /* Safety net: a transform must never leave an empty or unchanged text. */
  if (result != NULL && (result[strspn (result, " \t\r\n")] == '\0' || strcmp (result, text) == 0))
    g_clear_pointer (&result, g_free);
  if (result == NULL)
    {
      g_string_truncate (detail, strchr (detail->str, ':') - detail->str + 2);
      g_string_append (detail, "no change (nothing in the text to apply it to)");
    }
  return result;
}

char *
synth_transform_text (
    SynthBiasType type, const char *subtype, const char *text, guint64 seed, char **out_detail)
{
  const Transform *t;
  g_autoptr (GString) detail = NULL;
  char *result;

  g_return_val_if_fail (text != NULL, NULL);

  if (out_detail != NULL)
    *out_detail = NULL;
  if (type >= SYNTH_N_BIAS_TYPES || (t = transform_find (type, subtype)) == NULL)
    return NULL;
  detail = g_string_new (NULL);
  result = transform_run (t, text, seed, FALSE, detail);
  if (out_detail != NULL)
    *out_detail = g_strdup (detail->str);
  return result != NULL ? result : g_strdup (text);
}

gboolean
synth_transform_apply (SynthRecord *record, guint64 seed)
{
  SynthBiasType type;
  const char *subtype, *resume, *job;
  const Transform *t;
  g_autoptr (GString) detail = NULL;
  g_autofree char *new_resume = NULL;
  g_autofree char *new_job = NULL;

  g_return_val_if_fail (SYNTH_IS_RECORD (record), FALSE);

  type = synth_record_get_bias_type (record);
  if (type >= SYNTH_N_BIAS_TYPES || !synth_bias_type_is_surface (type))
    return FALSE;
  subtype = synth_record_get_bias_subtype (record);
  if (subtype == NULL || *subtype == '\0')
    {
      SynthRng rng;
      synth_rng_init (&rng, synth_rng_mix (seed, 0x7375627479706573)); /* "subtypes" */
      subtype = synth_rng_pick (&rng, synth_bias_type_get_subtypes (type));
    }
  resume = synth_record_get_resume_text (record);
  if ((t = transform_find (type, subtype)) == NULL || resume == NULL || *resume == '\0')
    return FALSE;

  detail = g_string_new (NULL);
  if ((new_resume = transform_run (t, resume, seed, FALSE, detail)) == NULL)
    return FALSE;
  job = synth_record_get_job_skill_text (record);
  /* Half of the records got their job ad from the same scraper. */
  if (t->touches_job && job != NULL && *job != '\0' && (synth_rng_mix (seed, 0x6a6f62) & 1))
    {
      g_autoptr (GString) job_detail = g_string_new (NULL);
      if ((new_job = transform_run (t, job, seed, TRUE, job_detail)) != NULL)
        g_string_append_printf (detail, "; job text: %s", strchr (job_detail->str, ':') + 2);
    }

  /* The clean text is the one before any surface transform. */
  if (synth_record_get_clean_resume_text (record) == NULL)
    synth_record_set_clean_resume_text (record, resume);
  synth_record_set_resume_text (record, new_resume);
  if (new_job != NULL)
    {
      if (synth_record_get_clean_job_skill_text (record) == NULL)
        synth_record_set_clean_job_skill_text (record, job);
      synth_record_set_job_skill_text (record, new_job);
    }
  synth_record_set_bias_subtype (record, subtype);
  synth_record_set_bias_detail (record, detail->str);
  return TRUE;
}
