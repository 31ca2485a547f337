/* synth-transform-private.h — what the transforms (synth-transform.c) share
 * with their machinery (synth-transform-doc.c): the phrase index, the parsed
 * document, dates and the editor that plans and applies byte-range edits.
 * Internal to libsynth-core. */
#pragma once

#include "synth-rng.h"
#include "synth-transform.h"

G_BEGIN_DECLS

/* Small enough to give each file its own copy. */
static const char *const month_short[] = { "Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                           "Jul", "Aug", "Sep", "Oct", "Nov", "Dec" };
static const char *const month_long[] = { "January",   "February", "March",    "April",
                                          "May",       "June",     "July",     "August",
                                          "September", "October",  "November", "December" };

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

/* ---- Phrase index ------------------------------------------------------ */

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

/* A section: its heading line and the lines up to the next heading. */
typedef struct
{
  guint heading;
  guint32 start, end;
} Section;

/* ---- Dates ---------------------------------------------------------------- */

typedef struct
{
  guint32 pos, len;
  guint8 month; /* 0–11 */
  guint8 long_name;
  guint16 year;
} DateHit;

/* ---- Editor ------------------------------------------------------------------ */

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

static inline void
editor_note_start (Editor *ed)
{
  if (ed->n_notes++ > 0)
    g_string_append (ed->detail, ", ");
}

/* ---- Word-level helpers --------------------------------------------------- */

typedef struct
{
  guint32 pos;
  guint16 len;
  const Phrase *ph;
} Match;

/* ---- synth-transform-doc.c ------------------------------------------------ */

const Index *_synth_transform_index_get (void);
void _synth_transform_doc_init (Doc *doc, const Index *ix, const char *s, gsize n);
void _synth_transform_doc_clear (Doc *doc);
int _synth_transform_doc_pick_line (const Doc *doc,
                                    SynthRng *rng,
                                    gboolean bullets_only,
                                    guint min_len);
guint _synth_transform_doc_sections (const Doc *doc, Section *out, guint max);
guint _synth_transform_doc_find_dates (const Doc *doc, DateHit *out, guint max);
gsize _synth_transform_range_end_len (const char *s, gsize p, gsize end);
gboolean _synth_transform_editor_add (Editor *ed, gsize pos, gsize del, const char *str, gsize len);
gboolean _synth_transform_editor_add_pooled (Editor *ed, gsize pos, gsize del, gsize len);
void _synth_transform_editor_note_change (
    Editor *ed, const char *from, gsize from_len, const char *to, gsize to_len);
void _synth_transform_append_excerpt (GString *out, const char *p, gsize len, gsize max);
char *_synth_transform_editor_apply (Editor *ed);
gboolean _synth_transform_editor_copy_line_after (Editor *ed,
                                                  const Doc *doc,
                                                  const Line *l,
                                                  const Line *after);
guint _synth_transform_scan_phrases (
    const Doc *doc, const Index *ix, guint filter, Match *out, guint max);
const char *
_synth_transform_pick_alt (SynthRng *rng, const char *const *alts, const char *orig, gsize olen);
gboolean _synth_transform_replace_match (
    Editor *ed, const Doc *doc, const Match *m, const char *alt, gboolean note);
guint _synth_transform_mistype_words (
    Editor *ed, const Doc *doc, SynthRng *rng, guint want, guint ops, guint min_len);

G_END_DECLS
