/* synth-text.c — text helpers shared by the statistics and the app.
 *
 * Everything here runs once per record over a million records, so the hot
 * paths are single passes over bytes with an ASCII fast path; non-ASCII text
 * is decoded as UTF-8 only where it is met.
 *
 * The MinHash signatures and the near-duplicate index declared in
 * synth-text.h are in synth-stats-sketch.c, with the statistics' other
 * sketches. */
#define _GNU_SOURCE /* memmem */
#include "config.h"

#include "synth-text.h"

#include <string.h>

#define FNV_OFFSET G_GUINT64_CONSTANT (0xcbf29ce484222325)
#define FNV_PRIME G_GUINT64_CONSTANT (0x100000001b3)

/* A job that "requires" more than this is not a list of skills. */
#define MAX_SKILLS 64
#define MAX_SKILL_BYTES 60
#define MAX_SKILL_WORDS 6
#define MAX_FALLBACK_WORDS 4
#define MAX_FALLBACK_BYTES 40

/* Longest first, so "required skills" wins over "required". */
static const char *const required_markers[] = {
  "required skills",
  "required skill",
  "skills required",
  "required qualifications",
  "required technologies",
  "required tools",
  "requirements",
  "required",
  "must haves",
  "must-haves",
  "must have",
  "must-have",
  NULL,
};

/* Lead-ins that wrap a skill in a requirement sentence. */
static const char *const skill_lead_ins[] = {
  "hands-on experience with ",
  "hands-on experience in ",
  "working knowledge of ",
  "experience with ",
  "experience in ",
  "experience of ",
  "knowledge of ",
  "proficiency in ",
  "proficiency with ",
  "proficient in ",
  "proficient with ",
  "familiarity with ",
  "expertise in ",
  "expertise with ",
  "strong ",
  "solid ",
  "and ",
  "or ",
  "& ",
  NULL,
};

/* g_ascii_tolower() is not inlined, and this runs for every byte. */
static inline guchar
fast_ascii_lower (guchar c)
{
  return (c >= 'A' && c <= 'Z') ? c | 0x20 : c;
}

static inline gboolean
is_ascii_space (guchar c)
{
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f';
}

/* ---------------------------------------------------------------------- */
/* Skill extraction                                                        */

/* Removes HTML tags and the few entities the noisy transforms insert. */
static void
strip_markup (GString *s)
{
  static const struct
  {
    const char *entity;
    char c;
  } entities[] = { { "&amp;", '&' }, { "&nbsp;", ' ' }, { "&lt;", '<' }, { "&gt;", '>' } };
  gsize r = 0, w = 0;

  while (r < s->len)
    {
      char c = s->str[r];
      gboolean replaced = FALSE;

      if (c == '<')
        {
          const char *close = memchr (s->str + r, '>', s->len - r);
          if (close != NULL && (gsize) (close - (s->str + r)) < 40)
            {
              r = close - s->str + 1;
              s->str[w++] = ' ';
              continue;
            }
        }
      else if (c == '&')
        {
          for (guint i = 0; i < G_N_ELEMENTS (entities); i++)
            {
              gsize n = strlen (entities[i].entity);
              if (r + n <= s->len && g_ascii_strncasecmp (s->str + r, entities[i].entity, n) == 0)
                {
                  s->str[w++] = entities[i].c;
                  r += n;
                  replaced = TRUE;
                  break;
                }
            }
          if (replaced)
            continue;
        }
      s->str[w++] = s->str[r++];
    }
  g_string_truncate (s, w);
}

/* Removes "(…)" asides: "Python (3+ years)" → "Python ". */
static void
strip_parentheses (GString *s)
{
  gsize w = 0;
  int depth = 0;

  for (gsize r = 0; r < s->len; r++)
    {
      char c = s->str[r];
      if (c == '(')
        depth++;
      else if (c == ')' && depth > 0)
        depth--;
      else if (depth == 0)
        s->str[w++] = c;
    }
  g_string_truncate (s, w);
}

static gboolean
is_trim_char (char c)
{
  return is_ascii_space ((guchar) c) || strchr (".,:;!?*_\"'`-=>|", c) != NULL;
}

/* Trims spaces and punctuation, but keeps a leading '.' (".NET"). */
static void
trim_item (GString *s)
{
  gsize start = 0;

  while (s->len > 0 && is_trim_char (s->str[s->len - 1]))
    g_string_truncate (s, s->len - 1);
  while (start < s->len && is_trim_char (s->str[start]) && s->str[start] != '.')
    start++;
  g_string_erase (s, 0, start);
}

/* "5+ years of experience with " and similar lead-ins. */
static void
strip_lead_ins (GString *s)
{
  gboolean again = TRUE;

  while (again)
    {
      again = FALSE;
      for (guint i = 0; skill_lead_ins[i] != NULL; i++)
        {
          gsize n = strlen (skill_lead_ins[i]);
          if (s->len > n && g_ascii_strncasecmp (s->str, skill_lead_ins[i], n) == 0)
            {
              g_string_erase (s, 0, n);
              again = TRUE;
            }
        }
      if (s->len > 0 && g_ascii_isdigit (s->str[0]))
        {
          const char *p = s->str;
          while (g_ascii_isdigit (*p) || *p == '+' || *p == '-' || *p == ' ')
            p++;
          if (g_ascii_strncasecmp (p, "years of ", 9) == 0 ||
              g_ascii_strncasecmp (p, "yrs of ", 7) == 0)
            {
              p = strchr (p, ' ') + 1;
              p += 3; /* "of " */
              g_string_erase (s, 0, p - s->str);
              again = TRUE;
            }
          else if (g_ascii_strncasecmp (p, "years ", 6) == 0)
            {
              g_string_erase (s, 0, p + 6 - s->str);
              again = TRUE;
            }
        }
    }
}

static guint
count_words_n (const char *s, gsize len)
{
  guint words = 0;
  gboolean in_word = FALSE;

  for (gsize i = 0; i < len; i++)
    {
      gboolean space = is_ascii_space ((guchar) s[i]);
      if (!space && !in_word)
        words++;
      in_word = !space;
    }
  return words;
}

static gboolean
has_skill (GPtrArray *skills, const char *skill)
{
  for (guint i = 0; i < skills->len; i++)
    if (g_ascii_strcasecmp (g_ptr_array_index (skills, i), skill) == 0)
      return TRUE;
  return FALSE;
}

/* Cleans one candidate and adds it if it still looks like a skill. */
static void
add_item (GPtrArray *skills, const char *item, gsize len, guint max_words, gsize max_bytes)
{
  g_autoptr (GString) s = NULL;
  gboolean has_alnum = FALSE, all_digits = TRUE;

  if (skills->len >= MAX_SKILLS || len == 0)
    return;
  s = g_string_new_len (item, len);
  strip_parentheses (s);
  trim_item (s);
  strip_lead_ins (s);
  trim_item (s);
  if (s->len == 0 || s->len > max_bytes || count_words_n (s->str, s->len) > max_words)
    return;
  for (gsize i = 0; i < s->len; i++)
    {
      guchar c = s->str[i];
      if (g_ascii_isalpha (c) || c >= 0x80)
        has_alnum = TRUE, all_digits = FALSE;
      else if (g_ascii_isdigit (c))
        has_alnum = TRUE;
      else if (!is_ascii_space (c))
        all_digits = FALSE;
    }
  if (!has_alnum || all_digits || has_skill (skills, s->str))
    return;
  g_ptr_array_add (skills, g_string_free (g_steal_pointer (&s), FALSE));
}

static gboolean
is_item_separator (const char *p, gsize *out_len)
{
  if (*p == ',' || *p == ';' || *p == '|')
    {
      *out_len = 1;
      return TRUE;
    }
  /* • U+2022, · U+00B7 */
  if (strncmp (p, "\xe2\x80\xa2", 3) == 0)
    {
      *out_len = 3;
      return TRUE;
    }
  if (strncmp (p, "\xc2\xb7", 2) == 0)
    {
      *out_len = 2;
      return TRUE;
    }
  return FALSE;
}

/* Splits @text[0, len) at newlines, commas, semicolons, pipes and bullets. */
static void
add_items (GPtrArray *skills, const char *text, gsize len, guint max_words, gsize max_bytes)
{
  g_autoptr (GString) clean = NULL;
  gsize start = 0, i = 0;

  /* Entities first, or the ';' of "&amp;" would split an item. */
  if (memchr (text, '&', len) != NULL || memchr (text, '<', len) != NULL)
    {
      clean = g_string_new_len (text, len);
      strip_markup (clean);
      text = clean->str;
      len = clean->len;
    }

  while (i < len)
    {
      gsize sep_len = 1;
      if (text[i] == '\n' || is_item_separator (text + i, &sep_len))
        {
          add_item (skills, text + start, i - start, max_words, max_bytes);
          i += sep_len;
          start = MIN (i, len);
        }
      else
        i++;
    }
  add_item (skills, text + start, len - start, max_words, max_bytes);
}

/* Skips indentation, bullets and Markdown marks; tells whether it was a bullet. */
static const char *
skip_line_prefix (const char *p, const char *end, gboolean *out_bullet)
{
  gboolean bullet = FALSE;

  for (;;)
    {
      gsize sep_len;
      if (p < end && (is_ascii_space ((guchar) *p) || *p == '#' || *p == '>'))
        p++;
      else if (p < end && (*p == '-' || *p == '*' || *p == '+'))
        p++, bullet = bullet || (p < end && (*p == ' ' || *p == '\t'));
      else if (p < end && is_item_separator (p, &sep_len) && *p != ',' && *p != ';' && *p != '|')
        p += sep_len, bullet = TRUE;
      else if (end - p >= 3 && strncmp (p, "\xe2\x80\x93", 3) == 0) /* – */
        p += 3, bullet = TRUE;
      else if (p < end && g_ascii_isdigit (*p) && p + 1 < end && (p[1] == '.' || p[1] == ')') &&
               p + 2 < end && p[2] == ' ')
        p += 2, bullet = TRUE;
      else
        break;
    }
  *out_bullet = bullet;
  return p;
}

/* If the line starts with a "required" marker followed by ':' or '-' or the
 * end of the line, returns where its inline list starts; NULL otherwise. */
static const char *
match_marker (const char *p, const char *end)
{
  for (guint i = 0; required_markers[i] != NULL; i++)
    {
      gsize n = strlen (required_markers[i]);
      const char *q;

      if ((gsize) (end - p) < n || g_ascii_strncasecmp (p, required_markers[i], n) != 0)
        continue;
      q = p + n;
      while (q < end && (*q == '*' || *q == '_' || *q == ' ' || *q == '\t'))
        q++;
      if (q == end || *q == '\r')
        return q;
      if (*q == ':' || *q == '-')
        {
          q++;
          while (q < end && (*q == '*' || *q == '_' || is_ascii_space ((guchar) *q)))
            q++;
          return q;
        }
    }
  return NULL;
}

static gboolean
ends_with_colon (const char *p, const char *end)
{
  while (end > p && (is_ascii_space ((guchar) end[-1]) || end[-1] == '*'))
    end--;
  return end > p && end[-1] == ':';
}

typedef enum
{
  SECTION_NONE,
  SECTION_INLINE,  /* "Required skills: A, B" — only bullets may follow */
  SECTION_HEADING, /* "Requirements" — bullets or short plain lines follow */
} SectionMode;

/* Whether a line inside a required section is one of its items. */
static gboolean
is_section_item (
    SectionMode mode, gboolean bullet, gboolean seen_bullets, const char *p, const char *end)
{
  if (match_marker (p, end) != NULL || ends_with_colon (p, end))
    return FALSE;
  if (bullet)
    return TRUE;
  return mode == SECTION_HEADING && !seen_bullets && memchr (p, ':', end - p) == NULL &&
         count_words_n (p, end - p) <= MAX_SKILL_WORDS;
}

static gboolean
extract_from_markers (GPtrArray *skills, const char *text)
{
  const char *line = text;
  SectionMode mode = SECTION_NONE;
  gboolean found = FALSE, seen_bullets = FALSE;
  guint items = 0;

  while (*line != '\0')
    {
      const char *eol = strchr (line, '\n');
      const char *end = eol != NULL ? eol : line + strlen (line);
      gboolean bullet;
      const char *p = skip_line_prefix (line, end, &bullet);
      const char *rest;

      while (end > p && is_ascii_space ((guchar) end[-1]))
        end--;

      if (mode != SECTION_NONE && p == end)
        {
          /* A blank line ends a plain list once it has items. */
          if (items > 0 && !seen_bullets)
            mode = SECTION_NONE;
        }
      else if (mode != SECTION_NONE && is_section_item (mode, bullet, seen_bullets, p, end))
        {
          add_items (skills, p, end - p, MAX_SKILL_WORDS, MAX_SKILL_BYTES);
          seen_bullets = seen_bullets || bullet;
          items++;
        }
      else if ((rest = match_marker (p, end)) != NULL)
        {
          found = TRUE;
          seen_bullets = FALSE;
          items = 0;
          mode = rest < end ? SECTION_INLINE : SECTION_HEADING;
          if (rest < end)
            add_items (skills, rest, end - rest, MAX_SKILL_WORDS, MAX_SKILL_BYTES), items++;
        }
      else
        mode = SECTION_NONE;

      if (eol == NULL)
        break;
      line = eol + 1;
    }
  return found;
}

GPtrArray *
synth_text_extract_required_skills (const char *job_text)
{
  GPtrArray *skills = g_ptr_array_new_with_free_func (g_free);

  if (job_text == NULL || *job_text == '\0')
    return skills;
  if (extract_from_markers (skills, job_text) && skills->len > 0)
    return skills;
  /* No marker: the short separated phrases are the best guess. Sentences
   * end items too, so "We hire. Python, SQL" keeps "Python". */
  {
    g_autoptr (GString) s = g_string_new (job_text);
    for (gsize i = 0; i + 1 < s->len; i++)
      if ((s->str[i] == '.' || s->str[i] == ':') && is_ascii_space ((guchar) s->str[i + 1]))
        s->str[i] = ',';
    add_items (skills, s->str, s->len, MAX_FALLBACK_WORDS, MAX_FALLBACK_BYTES);
  }
  return skills;
}

/* ---------------------------------------------------------------------- */
/* Matching                                                                */

static char *
ascii_lower_dup (const char *text, gsize len)
{
  char *out = g_malloc (len + 1);

  for (gsize i = 0; i < len; i++)
    out[i] = fast_ascii_lower (text[i]);
  out[len] = '\0';
  return out;
}

static gboolean
is_word_char_at (const char *text, gsize len, gsize pos, gboolean after)
{
  guchar c = text[pos];
  gunichar u;

  if (c < 0x80)
    return g_ascii_isalnum (c) || (after && (c == '+' || c == '#'));
  if (after)
    u = g_utf8_get_char_validated (text + pos, len - pos);
  else
    {
      const char *prev = g_utf8_find_prev_char (text, text + pos + 1);
      u = prev != NULL ? g_utf8_get_char_validated (prev, text + len - prev) : (gunichar) -1;
    }
  return u < 0x110000 && g_unichar_isalnum (u);
}

static gboolean
needs_boundary (guchar c)
{
  return g_ascii_isalnum (c) || c >= 0x80;
}

/* Calls @found for every occurrence of @skill (lower-cased) at word boundaries
 * in @lower (the lower-cased copy of @text); stops early when @found returns FALSE. */
static void
find_occurrences (const char *text,
                  const char *lower,
                  gsize len,
                  const char *skill,
                  gboolean (*found) (gsize start, gsize end, gpointer data),
                  gpointer data)
{
  gsize n = strlen (skill);
  gboolean check_left, check_right;
  const char *p = lower;

  if (n == 0 || n > len)
    return;
  check_left = needs_boundary (skill[0]);
  check_right = needs_boundary (skill[n - 1]);
  while ((p = memmem (p, len - (p - lower), skill, n)) != NULL)
    {
      gsize start = p - lower, end = start + n;
      if ((!check_left || start == 0 || !is_word_char_at (text, len, start - 1, FALSE)) &&
          (!check_right || end == len || !is_word_char_at (text, len, end, TRUE)))
        {
          if (!found (start, end, data))
            return;
        }
      p++;
      if ((gsize) (p - lower) + n > len)
        return;
    }
}

static gboolean
found_first (gsize start, gsize end, gpointer data)
{
  *(gboolean *) data = TRUE;
  return FALSE;
}

static gboolean
found_span (gsize start, gsize end, gpointer data)
{
  SynthTextSpan span = { start, end };
  g_array_append_val ((GArray *) data, span);
  return TRUE;
}

static void
lower_skills (GPtrArray *skills)
{
  for (guint i = 0; i < skills->len; i++)
    {
      char *s = g_ptr_array_index (skills, i);
      for (char *p = s; *p != '\0'; p++)
        *p = fast_ascii_lower (*p);
    }
}

void
synth_text_skill_overlap_counts (const char *job_text,
                                 const char *resume_text,
                                 guint *out_matched,
                                 guint *out_total)
{
  g_autoptr (GPtrArray) skills = synth_text_extract_required_skills (job_text);
  g_autofree char *lower = NULL;
  gsize len = resume_text != NULL ? strlen (resume_text) : 0;
  guint matched = 0;

  if (skills->len > 0 && len > 0)
    {
      lower = ascii_lower_dup (resume_text, len);
      lower_skills (skills);
      for (guint i = 0; i < skills->len; i++)
        {
          gboolean hit = FALSE;
          find_occurrences (resume_text, lower, len, g_ptr_array_index (skills, i), found_first,
                            &hit);
          matched += hit;
        }
    }
  if (out_matched != NULL)
    *out_matched = matched;
  if (out_total != NULL)
    *out_total = skills->len;
}

double
synth_text_skill_overlap (const char *job_text, const char *resume_text)
{
  guint matched, total;

  synth_text_skill_overlap_counts (job_text, resume_text, &matched, &total);
  return total > 0 ? (double) matched / total : 0.0;
}

static int
compare_spans (gconstpointer a, gconstpointer b)
{
  const SynthTextSpan *x = a, *y = b;

  if (x->start != y->start)
    return x->start < y->start ? -1 : 1;
  return x->end < y->end ? -1 : (x->end > y->end);
}

GArray *
synth_text_find_spans (GPtrArray *skills, const char *resume_text)
{
  GArray *spans = g_array_new (FALSE, FALSE, sizeof (SynthTextSpan));
  gsize len = resume_text != NULL ? strlen (resume_text) : 0;
  g_autofree char *lower = NULL;
  guint w = 0;

  if (skills == NULL || skills->len == 0 || len == 0)
    return spans;
  lower = ascii_lower_dup (resume_text, len);
  for (guint i = 0; i < skills->len; i++)
    {
      const char *skill = g_ptr_array_index (skills, i);
      g_autofree char *lower_skill = ascii_lower_dup (skill, strlen (skill));
      find_occurrences (resume_text, lower, len, lower_skill, found_span, spans);
    }
  g_array_sort (spans, compare_spans);
  for (guint i = 0; i < spans->len; i++)
    {
      SynthTextSpan *cur = &g_array_index (spans, SynthTextSpan, i);
      SynthTextSpan *last = w > 0 ? &g_array_index (spans, SynthTextSpan, w - 1) : NULL;
      if (last != NULL && cur->start <= last->end)
        last->end = MAX (last->end, cur->end);
      else
        g_array_index (spans, SynthTextSpan, w++) = *cur;
    }
  g_array_set_size (spans, w);
  return spans;
}

GArray *
synth_text_find_skill_spans (const char *job_text, const char *resume_text)
{
  g_autoptr (GPtrArray) skills = synth_text_extract_required_skills (job_text);

  return synth_text_find_spans (skills, resume_text);
}

/* ---------------------------------------------------------------------- */
/* Counting and hashing                                                    */

guint
synth_text_count_words (const char *text)
{
  return text != NULL ? count_words_n (text, strlen (text)) : 0;
}

/* Byte classes for the scanner. */
enum
{
  B_OTHER, /* ASCII punctuation and control */
  B_SPACE,
  B_ALNUM,
  B_JOINER, /* '+' and '#': part of a token after a letter ("C++", "C#") */
  B_HIGH,   /* a byte of a multi-byte UTF-8 sequence */
};

static const guint8 byte_class[256] = {
  [' '] = B_SPACE,         ['\t'] = B_SPACE, ['\n'] = B_SPACE,        ['\r'] = B_SPACE,
  ['\v'] = B_SPACE,        ['\f'] = B_SPACE, ['0' ... '9'] = B_ALNUM, ['A' ... 'Z'] = B_ALNUM,
  ['a' ... 'z'] = B_ALNUM, ['+'] = B_JOINER, ['#'] = B_JOINER,        [0x80 ... 0xff] = B_HIGH,
};

#define HASH_K G_GUINT64_CONSTANT (0x9e3779b97f4a7c15)
#define ONES G_GUINT64_CONSTANT (0x0101010101010101)

/* ASCII lower case of 8 bytes at once; bytes ≥ 0x80 are left alone, so it
 * is idempotent on text that is already lower case. */
static inline guint64
swar_lower (guint64 x)
{
  guint64 heptets = x & (0x7f * ONES);
  guint64 ge_a = heptets + (0x80 - 'A') * ONES;
  guint64 gt_z = heptets + (0x80 - 'Z' - 1) * ONES;
  guint64 upper = ge_a & ~gt_z & ~x & (0x80 * ONES);

  return x | (upper >> 2);
}

/* Hashes bytes eight at a time: one multiply per 8 bytes instead of one per
 * byte, because every text of every record goes through here. The same
 * bytes give the same hash however they were split into calls of whole
 * blocks. */
static inline guint64
hash_blocks (guint64 h, const guchar *p, gsize n_blocks, gboolean lower)
{
  for (gsize i = 0; i < n_blocks; i++)
    {
      guint64 v;
      memcpy (&v, p + i * 8, 8);
      h = (h ^ (lower ? swar_lower (v) : v)) * HASH_K;
      h ^= h >> 29;
    }
  return h;
}

/* The last 0–7 bytes as one little-endian word. When 8 bytes are readable
 * from @tail (before @limit) one load and a mask do it; going through a
 * variable-length memcpy would stall on store forwarding for every word. */
static inline guint64
load_tail (const guchar *tail, gsize n_tail, const guchar *limit)
{
  guint64 v = 0;

  if (n_tail == 0)
    return 0;
  if (tail + 8 <= limit)
    {
      memcpy (&v, tail, 8);
      return GUINT64_FROM_LE (v) & (G_MAXUINT64 >> (64 - 8 * n_tail));
    }
  for (gsize i = n_tail; i > 0; i--)
    v = (v << 8) | tail[i - 1];
  return v;
}

static inline guint64
hash_final (
    guint64 h, const guchar *tail, gsize n_tail, gsize total, const guchar *limit, gboolean lower)
{
  guint64 v = load_tail (tail, n_tail, limit);

  return synth_text_mix64 ((h ^ (lower ? swar_lower (v) : v)) * HASH_K + total);
}

/* @limit: the end of readable memory, at least p + n. */
static inline guint64
hash_bytes (const guchar *p, gsize n, const guchar *limit, gboolean lower)
{
  guint64 h = hash_blocks (FNV_OFFSET, p, n / 8, lower);

  return hash_final (h, p + n / 8 * 8, n % 8, n, limit, lower);
}

/* A token assembled from decoded characters (words with non-ASCII bytes):
 * hashes exactly like hash_bytes() over the lower-cased bytes. */
typedef struct
{
  guint64 h;
  guchar buf[64];
  gsize n;
  gsize total;
} TokenHash;

static inline void
token_reset (TokenHash *t)
{
  t->h = FNV_OFFSET;
  t->n = 0;
  t->total = 0;
}

static inline void
token_feed (TokenHash *t, const guchar *bytes, gsize n)
{
  for (gsize i = 0; i < n; i++)
    {
      t->buf[t->n++] = bytes[i];
      if (t->n == sizeof t->buf)
        {
          t->h = hash_blocks (t->h, t->buf, sizeof t->buf / 8, TRUE);
          t->n = 0;
        }
    }
  t->total += n;
}

static inline guint64
token_finish (TokenHash *t)
{
  guint64 h = hash_blocks (t->h, t->buf, t->n / 8, TRUE);

  return hash_final (h, t->buf + t->n / 8 * 8, t->n % 8, t->total, t->buf + sizeof t->buf, TRUE);
}

/* Tokens of a whitespace-free run of ASCII bytes. */
static guint
scan_ascii_tokens (const guchar *p, const guchar *end, const guchar *limit, guint64 *out)
{
  guint n = 0;

  while (p < end)
    {
      const guchar *start;

      while (p < end && byte_class[*p] != B_ALNUM)
        p++;
      if (p == end)
        break;
      start = p;
      while (p < end && (byte_class[*p] == B_ALNUM || byte_class[*p] == B_JOINER))
        p++;
      if (out != NULL)
        out[n] = hash_bytes (start, p - start, limit, TRUE);
      n++;
    }
  return n;
}

/* Tokens of a whitespace-free run with non-ASCII bytes; adds its characters. */
static guint
scan_utf8_tokens (const guchar *p, const guchar *end, guint64 *out, guint *chars)
{
  TokenHash t;
  gboolean in_token = FALSE;
  guint n = 0;

  token_reset (&t);
  while (p < end)
    {
      guchar c = *p;
      gsize len = 1;
      gunichar u = c;
      gboolean alnum;

      if (c >= 0x80)
        {
          u = g_utf8_get_char_validated ((const char *) p, end - p);
          if (u < 0x110000)
            len = g_utf8_skip[c];
        }
      (*chars)++;
      alnum = c < 0x80 ? byte_class[c] == B_ALNUM : (u < 0x110000 && g_unichar_isalnum (u));
      if (alnum || (in_token && byte_class[c] == B_JOINER))
        {
          guchar lowered[6];
          gsize n_lowered = 1;

          if (c < 0x80)
            lowered[0] = fast_ascii_lower (c);
          else
            n_lowered = g_unichar_to_utf8 (g_unichar_tolower (u), (char *) lowered);
          if (!in_token)
            token_reset (&t), in_token = TRUE;
          token_feed (&t, lowered, n_lowered);
        }
      else if (in_token)
        {
          if (out != NULL)
            out[n] = token_finish (&t);
          n++;
          in_token = FALSE;
        }
      p += len;
    }
  if (in_token)
    {
      if (out != NULL)
        out[n] = token_finish (&t);
      n++;
    }
  return n;
}

void
synth_text_scan (const char *text, SynthTextScan *out, GArray *word_hashes)
{
  const guchar *p = (const guchar *) (text != NULL ? text : "");
  gsize len = strlen ((const char *) p);
  const guchar *end = p + len;
  guint chars = 0, words = 0, n_tokens = 0, base = 0;
  guint64 *tokens = NULL, exact = FNV_OFFSET;

  if (word_hashes != NULL)
    {
      /* Tokens are separated by at least one byte. */
      base = word_hashes->len;
      g_array_set_size (word_hashes, base + len / 2 + 1);
      tokens = &g_array_index (word_hashes, guint64, base);
    }

  /* Whitespace-separated words first; tokens are found inside each. The
   * exact hash is over the words in order, which is the text with its
   * whitespace runs collapsed and trimmed. */
  while (p < end)
    {
      const guchar *word = p;
      gboolean high = FALSE;

      while (p < end && byte_class[*p] == B_SPACE)
        p++;
      chars += p - word;
      if (p == end)
        break;
      word = p;
      while (p < end && byte_class[*p] != B_SPACE)
        high |= *p++ >= 0x80;

      words++;
      /* A short dependency chain per word; the mix comes once at the end. */
      exact = (exact + hash_bytes (word, p - word, end + 1, FALSE)) * HASH_K;
      if (!high)
        {
          chars += p - word;
          n_tokens +=
              scan_ascii_tokens (word, p, end + 1, tokens != NULL ? tokens + n_tokens : NULL);
        }
      else
        n_tokens += scan_utf8_tokens (word, p, tokens != NULL ? tokens + n_tokens : NULL, &chars);
    }
  if (word_hashes != NULL)
    g_array_set_size (word_hashes, base + n_tokens);

  out->chars = chars;
  out->words = words;
  out->exact_hash = synth_text_mix64 (exact + words);
}

void
synth_text_ngram_hashes (const guint64 *words, guint n_words, guint n, GArray *out)
{
  /* Polynomial over already mixed word hashes, then one mix: order matters,
   * and one multiply per word keeps a million records fast. */
  const guint64 k = G_GUINT64_CONSTANT (0x9e3779b97f4a7c15);
  guint span = MIN (n, n_words);

  g_return_if_fail (n > 0);
  if (n_words == 0)
    return;
  for (guint i = 0; i + span <= n_words; i++)
    {
      guint64 h = span;
      for (guint j = 0; j < span; j++)
        h = (h + words[i + j]) * k;
      h = synth_text_mix64 (h);
      g_array_append_val (out, h);
    }
}
