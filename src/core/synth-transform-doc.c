/* synth-transform-doc.c — the machinery under the seeded surface transforms
 * (synth-transform.c): the phrase index, a text parsed into lines, dates,
 * and the editor that plans byte-range edits and applies them in one pass.
 *
 * Word lookups go through a phrase index built once from the corpus plus
 * small built-in tables, keyed on the first word of each phrase, so a resume
 * is scanned once with no regex and no allocation per word. */
#include "config.h"

#include <string.h>

#include "synth-corpus.h"
#include "synth-rng.h"
#include "synth-transform-private.h"

/* ---- Built-in tables ----------------------------------------------------
 * The index's abbreviations and fallback HTML, the headings' words and the
 * keyboard for typos; the corpus carries the rest. */

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

/* QWERTY neighbours of each letter, for keyboard-adjacent typos. */
static const char *const key_neighbours[26] = {
  "qwsz",   "vghn",  "xdfv", "serfcx", "wrsd", "drtgvc", "ftyhbv", "gyujnb", "uojk",
  "huikmn", "jiolm", "kop",  "njk",    "bhjm", "ipkl",   "ol",     "wa",     "etdf",
  "awedxz", "ryfg",  "yihj", "cfgb",   "qeas", "zsdc",   "tugh",   "asx",
};

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

/* ---- Word keys ------------------------------------------------------------ */

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

/* ---- Phrase index -------------------------------------------------------- */

static const guint filter_roles[N_FILTERS] = { ROLE_SYN | ROLE_BLOCK, ROLE_ABBR | ROLE_BLOCK,
                                               ROLE_MISSPELL };
#define FILTER_BIT(key) ((guint) ((key) >> 40) & 0xffff)

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

const Index *
_synth_transform_index_get (void)
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

void
_synth_transform_doc_init (Doc *doc, const Index *ix, const char *s, gsize n)
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

void
_synth_transform_doc_clear (Doc *doc)
{
  if (doc->heap != NULL)
    g_array_free (doc->heap, TRUE);
}

/* Picks a random line of the wanted kind (NAME and BLANK never count). */
int
_synth_transform_doc_pick_line (const Doc *doc, SynthRng *rng, gboolean bullets_only, guint min_len)
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

guint
_synth_transform_doc_sections (const Doc *doc, Section *out, guint max)
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

guint
_synth_transform_doc_find_dates (const Doc *doc, DateHit *out, guint max)
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
gsize
_synth_transform_range_end_len (const char *s, gsize p, gsize end)
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
gboolean
_synth_transform_editor_add (Editor *ed, gsize pos, gsize del, const char *str, gsize len)
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
gboolean
_synth_transform_editor_add_pooled (Editor *ed, gsize pos, gsize del, gsize len)
{
  gsize off = ed->pool->len - len;

  if (!_synth_transform_editor_add (ed, pos, del, NULL, len))
    {
      g_string_truncate (ed->pool, off);
      return FALSE;
    }
  ed->edits[ed->n_edits - 1].off = off;
  return TRUE;
}

/* "from→to" */
void
_synth_transform_editor_note_change (
    Editor *ed, const char *from, gsize from_len, const char *to, gsize to_len)
{
  editor_note_start (ed);
  g_string_append_len (ed->detail, from, from_len);
  g_string_append (ed->detail, "→");
  g_string_append_len (ed->detail, to, to_len);
}

/* Appends at most @max bytes of @p, cut on a character boundary, in quotes. */
void
_synth_transform_append_excerpt (GString *out, const char *p, gsize len, gsize max)
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

char *
_synth_transform_editor_apply (Editor *ed)
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
gboolean
_synth_transform_editor_copy_line_after (Editor *ed,
                                         const Doc *doc,
                                         const Line *l,
                                         const Line *after)
{
  gsize pos = after->end;
  gboolean after_is_last = after->end == after->start + after->len;
  gboolean l_is_last = l->end == l->start + l->len;

  if (!editor_free_range (ed, pos, 0) || ed->n_edits + 2 > MAX_EDITS)
    return FALSE;
  if (after_is_last)
    _synth_transform_editor_add (ed, pos, 0, "\n", 1);
  _synth_transform_editor_add (ed, pos, 0, doc->s + l->start, l->len);
  if (!after_is_last)
    _synth_transform_editor_add (ed, pos, 0, l_is_last ? "\n" : doc->s + l->start + l->len,
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
guint
_synth_transform_scan_phrases (const Doc *doc, const Index *ix, guint filter, Match *out, guint max)
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

const char *
_synth_transform_pick_alt (SynthRng *rng, const char *const *alts, const char *orig, gsize olen)
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
gboolean
_synth_transform_replace_match (
    Editor *ed, const Doc *doc, const Match *m, const char *alt, gboolean note)
{
  gsize before = ed->pool->len;

  if (m->ph->is_term)
    g_string_append (ed->pool, alt);
  else
    pool_append_cased (ed->pool, doc->s + m->pos, m->len, alt);
  if (!_synth_transform_editor_add_pooled (ed, m->pos, m->len, ed->pool->len - before))
    return FALSE;
  if (note)
    _synth_transform_editor_note_change (ed, doc->s + m->pos, m->len, ed->pool->str + before,
                                         ed->pool->len - before);
  return TRUE;
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
guint
_synth_transform_mistype_words (
    Editor *ed, const Doc *doc, SynthRng *rng, guint want, guint ops, guint min_len)
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
      if (!_synth_transform_editor_add_pooled (ed, sp->pos, sp->len, ed->pool->len - before))
        continue;
      _synth_transform_editor_note_change (ed, word, sp->len, ed->pool->str + before,
                                           ed->pool->len - before);
      done++;
    }
  return done;
}
