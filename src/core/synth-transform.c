/* synth-transform.c — the seeded surface transforms.
 *
 * Each transform parses the text once into lines (headings, bullets, the
 * name line), plans a handful of byte-range edits with the seeded RNG and
 * applies them in one pass. Word lookups go through a phrase index built
 * once from the corpus plus small built-in tables, keyed on the first word
 * of each phrase, so a resume is scanned once with no regex and no
 * allocation per word. Every edit starts and ends on an ASCII byte or a line
 * boundary, so valid UTF-8 stays valid and non-ASCII names are never cut.
 *
 * The transforms live here; the index, the parsed lines, dates and the
 * editor are in synth-transform-doc.c, their types in
 * synth-transform-private.h. */
#include "config.h"

#include <string.h>

#include "synth-corpus.h"
#include "synth-rng.h"
#include "synth-transform-private.h"
#include "synth-transform.h"

/* ---- Built-in tables ----------------------------------------------------
 * Skills, word synonyms and misspellings come from the corpus; these are the
 * few things it does not carry. */

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

static guint64
fnv1a (const char *s)
{
  guint64 h = G_GUINT64_CONSTANT (0xcbf29ce484222325);
  for (; *s; s++)
    h = (h ^ (guchar) *s) * G_GUINT64_CONSTANT (0x100000001b3);
  return h;
}

/* ---- Word-level helpers --------------------------------------------------- */

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
  const char *alt = _synth_transform_pick_alt (rng, u->ph->alts, doc->s + first->pos, first->len);
  guint which = u->ph->is_term ? 0 : synth_rng_below (rng, u->count), seen = 0;
  gboolean noted = FALSE;

  for (guint i = u->first; alt != NULL && i < n; i++)
    if (m[i].ph == u->ph && (u->ph->is_term || seen++ == which))
      noted |= _synth_transform_replace_match (ed, doc, &m[i], alt, !noted);
}

/* synonyms / abbreviations: 2–6 distinct phrases, two thirds of them terms
 * (skills) when the text has enough. */
static void
substitute_phrases (Editor *ed, const Doc *doc, SynthRng *rng, const Index *ix, Role role)
{
  Match m[256];
  Uniq u[64];
  guint terms[64], words[64];
  guint n = _synth_transform_scan_phrases (doc, ix, role == ROLE_SYN ? FILTER_SYN : FILTER_ABBR, m,
                                           G_N_ELEMENTS (m));
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
  guint n = _synth_transform_scan_phrases (doc, ix, FILTER_MISSPELL, m, G_N_ELEMENTS (m));
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
      if (j < done ||
          (alt = _synth_transform_pick_alt (rng, mm->ph->alts, doc->s + mm->pos, mm->len)) ==
              NULL ||
          !_synth_transform_replace_match (ed, doc, mm, alt, TRUE))
        continue;
      used[done++] = mm->ph;
    }
  /* Not enough known misspellings: swap two letters, as hurried writers do. */
  if (done < k)
    _synth_transform_mistype_words (ed, doc, rng, k - done, 1u << 0, 5);
}

/* ---- human_error/typos ------------------------------------------------------ */

static void
t_typos (Editor *ed, const Doc *doc, SynthRng *rng, const Index *ix, gboolean light)
{
  _synth_transform_mistype_words (ed, doc, rng, 2 + synth_rng_below (rng, 5), 0xf, 4);
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
  guint ns = _synth_transform_doc_sections (doc, sec, G_N_ELEMENTS (sec)), drop;

  if (ns == 0)
    return;
  if (ns == 1)
    {
      /* Keep the only section's content; lose its heading. */
      const Line *h = &doc->lines[sec[0].heading];
      _synth_transform_editor_add (ed, h->start, h->end - h->start, "", 0);
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
      _synth_transform_editor_add (ed, start, sec[i].end - start, "", 0);
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
  if (nb < 2 || (first = _synth_transform_doc_pick_line (doc, rng, TRUE, 0)) < 0)
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
      const Line *l =
          &doc->lines[attempt == 0 ? first : _synth_transform_doc_pick_line (doc, rng, TRUE, 0)];
      const char *p = doc->s + l->start + l->indent;
      if ((l->marker == strlen (marker) && memcmp (p, marker, l->marker) == 0) ||
          !_synth_transform_editor_add (ed, l->start + l->indent, l->marker, marker,
                                        strlen (marker)))
        continue;
      if (done++ == 0)
        {
          editor_note_start (ed);
          g_string_append (ed->detail, "bullet ");
          _synth_transform_append_excerpt (ed->detail, p, l->marker - 1, 8);
          g_string_append (ed->detail, "→");
          _synth_transform_append_excerpt (ed->detail, marker, strlen (marker) - 1, 8);
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
  guint nd = _synth_transform_doc_find_dates (doc, d, G_N_ELEMENTS (d)),
        format = synth_rng_below (rng, 5);
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
      if (!_synth_transform_editor_add_pooled (ed, h->pos, h->len, ed->pool->len - before))
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
      if (!_synth_transform_editor_add_pooled (ed, p - doc->s, len, ed->pool->len - before))
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
      int i = _synth_transform_doc_pick_line (doc, rng, FALSE, 0);
      const Line *l;
      const char *in = synth_rng_pick (rng, indents);

      if (i < 0)
        return FALSE;
      l = &doc->lines[i];
      /* An indented line loses its indentation, a flush one gains some. */
      done += l->indent > 0 ? _synth_transform_editor_add (ed, l->start, l->indent, "", 0)
                            : _synth_transform_editor_add (ed, l->start, 0, in, strlen (in));
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
  int i = _synth_transform_doc_pick_line (doc, rng, FALSE, 30);
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
  if (cut + 1 >= ce || !_synth_transform_editor_add (ed, cut, ce - cut, tail, strlen (tail)))
    return FALSE;
  editor_note_start (ed);
  g_string_append (ed->detail, "cut off ");
  _synth_transform_append_excerpt (ed->detail, doc->s + cs, cut - cs, 32);
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
  range = _synth_transform_range_end_len (doc->s, h->pos + h->len, doc->n);
  if (range > 0 && synth_rng_chance (rng, 0.6))
    {
      /* "Mar 2019 – Present" → "Mar 2019" or "Mar 2019 –": no end date. */
      const char *keep = synth_rng_chance (rng, 0.5) ? " –" : "";
      if (!_synth_transform_editor_add (ed, h->pos + h->len, range, keep, strlen (keep)))
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
      if (!_synth_transform_editor_add_pooled (ed, h->pos, h->len, ed->pool->len - before))
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
  int i = _synth_transform_doc_pick_line (doc, rng, FALSE, 6);
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
      if (!_synth_transform_editor_add (ed, blank ? vs - 1 : vs, ce - vs + blank,
                                        blank ? "" : "N/A", blank ? 0 : 3))
        return FALSE;
      editor_note_start (ed);
      g_string_append (ed->detail, blank ? "blanked " : "set to N/A: ");
      g_string_append_len (ed->detail, p, colon - p);
      return TRUE;
    }
  if (l->kind != LINE_BULLET ||
      !_synth_transform_editor_add (ed, cs, ce - cs, blank ? "" : "N/A", blank ? 0 : 3))
    return FALSE;
  editor_note_start (ed);
  g_string_append (ed->detail, blank ? "blanked " : "set to N/A: ");
  _synth_transform_append_excerpt (ed->detail, p, ce - cs, 32);
  return TRUE;
}

static void
t_incomplete_data (Editor *ed, const Doc *doc, SynthRng *rng, const Index *ix, gboolean light)
{
  DateHit d[64];
  guint nd = _synth_transform_doc_find_dates (doc, d, G_N_ELEMENTS (d));
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
  int i = _synth_transform_doc_pick_line (doc, rng, FALSE, 1);
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
                return _synth_transform_editor_add_pooled (ed, p, 1, ed->pool->len - before);
              }
        }
      return _synth_transform_editor_add (ed, ce, 0, frag, fl);
    }
  if (frag[0] == '<' && frag[1] != '/' && strncmp (frag, "<br", 3) != 0 &&
      strncmp (frag, "<!", 2) != 0 && !g_str_has_suffix (frag, "/>"))
    {
      /* "<li>" takes the place of a bullet marker. */
      if (l->kind == LINE_BULLET && strncmp (frag, "<li", 3) == 0)
        return _synth_transform_editor_add (ed, l->start + l->indent, l->marker, frag, fl);
      return _synth_transform_editor_add (ed, cs, 0, frag, fl);
    }
  return _synth_transform_editor_add (ed, ce, 0, frag, fl);
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
  guint ns = _synth_transform_doc_sections (doc, sec, G_N_ELEMENTS (sec)), used[3];
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
        _synth_transform_editor_add (ed, sec[i].end, 0, "\n", 1);
      _synth_transform_editor_add (ed, sec[i].end, 0, doc->s + sec[i].start,
                                   sec[i].end - sec[i].start);
      editor_note_start (ed);
      g_string_append (ed->detail, "duplicated the section ");
      append_heading_title (ed->detail, doc, &doc->lines[sec[i].heading]);
      want--;
    }
  for (guint attempt = 0; done < want && attempt < want * 3; attempt++)
    {
      int i = _synth_transform_doc_pick_line (doc, rng, FALSE, 1);
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
        i = _synth_transform_doc_pick_line (doc, rng, FALSE, 1);
      if (!_synth_transform_editor_copy_line_after (ed, doc, l, &doc->lines[i]))
        continue;
      editor_note_start (ed);
      g_string_append (ed->detail, "duplicated ");
      _synth_transform_append_excerpt (ed->detail, doc->s + l->start + l->indent,
                                       l->len - l->indent, 32);
      done++;
    }
}

/* ---- human_error ------------------------------------------------------------ */

/* The same bullet pasted under another line. */
static gboolean
paste_repeat (Editor *ed, const Doc *doc, SynthRng *rng)
{
  int src = _synth_transform_doc_pick_line (doc, rng, TRUE, 10), dst;

  if (src < 0)
    src = _synth_transform_doc_pick_line (doc, rng, FALSE, 10);
  if (src < 0)
    return FALSE;
  dst = _synth_transform_doc_pick_line (doc, rng, FALSE, 1);
  if (dst == src)
    dst = _synth_transform_doc_pick_line (doc, rng, FALSE, 1);
  if (!_synth_transform_editor_copy_line_after (ed, doc, &doc->lines[src], &doc->lines[dst]))
    return FALSE;
  editor_note_start (ed);
  g_string_append (ed->detail, "repeated ");
  _synth_transform_append_excerpt (
      ed->detail, doc->s + line_content (&doc->lines[src]),
      doc->lines[src].start + doc->lines[src].len - line_content (&doc->lines[src]), 32);
  return TRUE;
}

/* The first words of a bullet pasted twice: "Led a team Led a team of 5". */
static gboolean
paste_stutter (Editor *ed, const Doc *doc, SynthRng *rng)
{
  int i = _synth_transform_doc_pick_line (doc, rng, FALSE, 30);
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
  if (!_synth_transform_editor_add_pooled (ed, cs, 0, ed->pool->len - before))
    return FALSE;
  editor_note_start (ed);
  g_string_append (ed->detail, "pasted ");
  _synth_transform_append_excerpt (ed->detail, doc->s + cs, p - cs, 32);
  g_string_append (ed->detail, " twice");
  return TRUE;
}

/* A leftover line from a template or another application. */
static gboolean
paste_placeholder (Editor *ed, const Doc *doc, SynthRng *rng)
{
  const char *text = synth_rng_pick (rng, placeholders);
  int i = _synth_transform_doc_pick_line (doc, rng, FALSE, 1);
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
  if (!_synth_transform_editor_add_pooled (ed, l->end, 0, ed->pool->len - before))
    return FALSE;
  editor_note_start (ed);
  g_string_append (ed->detail, "left the placeholder ");
  _synth_transform_append_excerpt (ed->detail, text, strlen (text), 40);
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
      if (s[ce - 1] == stray[strlen (stray) - 1] ||
          !_synth_transform_editor_add (ed, ce, 0, stray, strlen (stray)))
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
    return _synth_transform_editor_add (ed, p + 1, 1, "", 0) && ++slips->no_space;
  if (op == 1)
    return _synth_transform_editor_add (ed, p, 0, " ", 1) && ++slips->double_space;
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
  if (!_synth_transform_editor_add_pooled (ed, p, we - p, we - p))
    return FALSE;
  _synth_transform_editor_note_change (ed, s + p, we - p, ed->pool->str + before, we - p);
  return TRUE;
}

static void
t_formatting (Editor *ed, const Doc *doc, SynthRng *rng, const Index *ix, gboolean light)
{
  guint want = 2 + synth_rng_below (rng, 5), done = 0;
  Slips slips = { 0 };

  for (guint attempt = 0; done < want && attempt < want * 4; attempt++)
    {
      int i = _synth_transform_doc_pick_line (doc, rng, FALSE, 8);
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
  const Index *ix = _synth_transform_index_get ();
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
      _synth_transform_doc_init (&doc, ix, text, ed.n);
      t->func (&ed, &doc, &rng, ix, light);
      _synth_transform_doc_clear (&doc);
    }
  if (ed.n_edits > 0)
    result = _synth_transform_editor_apply (&ed);
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

guint64
synth_transform_seed_for_slot (guint64 run_seed, guint index)
{
  /* "transfor": separates this stream from the engine's for the same slot. */
  return synth_rng_mix (run_seed ^ G_GUINT64_CONSTANT (0x7472616e73666f72), index);
}
