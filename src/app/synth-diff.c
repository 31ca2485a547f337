/* synth-diff.c — longest common subsequence over tokens. Resumes are at most
 * a few thousand tokens and a transform changes a few of them, so trimming
 * the common start and end leaves a small table. */
#include "config.h"

#include <string.h>

#include "synth-diff.h"

#define MAX_TABLE_CELLS (20000u * 200u)

typedef struct
{
  gsize start;
  gsize end;
} Token;

typedef enum
{
  CLASS_SPACE,
  CLASS_WORD,
  CLASS_OTHER,
} CharClass;

static CharClass
char_class (gunichar c)
{
  if (g_unichar_isspace (c))
    return CLASS_SPACE;
  if (g_unichar_isalnum (c))
    return CLASS_WORD;
  return CLASS_OTHER;
}

/* Words, runs of whitespace, and each other character (punctuation) as
 * separate tokens, so "dbt," → "data build tool," marks only the words. */
static GArray *
tokenize (const char *text)
{
  GArray *tokens = g_array_new (FALSE, FALSE, sizeof (Token));
  const char *p = text;

  while (*p != '\0')
    {
      const char *start = p;
      CharClass class = char_class (g_utf8_get_char (p));

      p = g_utf8_next_char (p);
      if (class != CLASS_OTHER)
        while (*p != '\0' && char_class (g_utf8_get_char (p)) == class)
          p = g_utf8_next_char (p);
      g_array_append_val (tokens, ((Token){ start - text, p - text }));
    }
  return tokens;
}

static gboolean
token_equal (const char *a, const Token *ta, const char *b, const Token *tb)
{
  gsize la = ta->end - ta->start, lb = tb->end - tb->start;

  return la == lb && memcmp (a + ta->start, b + tb->start, la) == 0;
}

static void
add_span (GArray *out, gsize start, gsize end)
{
  SynthTextSpan *last = out->len > 0 ? &g_array_index (out, SynthTextSpan, out->len - 1) : NULL;

  if (start >= end)
    return;
  if (last != NULL && last->end == start)
    last->end = end;
  else
    g_array_append_val (out, ((SynthTextSpan){ start, end }));
}

void
synth_diff_words (const char *old_text, const char *new_text, GArray *out_old, GArray *out_new)
{
  g_autoptr (GArray) a = NULL;
  g_autoptr (GArray) b = NULL;
  g_autofree guint32 *table = NULL;
  guint pre = 0, suf = 0, n, m, i, j;
  const Token *ta, *tb;

  g_return_if_fail (old_text != NULL && new_text != NULL);

  a = tokenize (old_text);
  b = tokenize (new_text);
  ta = (const Token *) a->data;
  tb = (const Token *) b->data;

  while (pre < a->len && pre < b->len && token_equal (old_text, &ta[pre], new_text, &tb[pre]))
    pre++;
  while (suf < a->len - pre && suf < b->len - pre &&
         token_equal (old_text, &ta[a->len - 1 - suf], new_text, &tb[b->len - 1 - suf]))
    suf++;
  n = a->len - pre - suf;
  m = b->len - pre - suf;
  if (n == 0 || m == 0 || (guint64) (n + 1) * (m + 1) > MAX_TABLE_CELLS)
    {
      if (n > 0)
        add_span (out_old, ta[pre].start, ta[pre + n - 1].end);
      if (m > 0)
        add_span (out_new, tb[pre].start, tb[pre + m - 1].end);
      return;
    }

  /* table[i][j]: LCS length of the suffixes a[i…], b[j…]. */
  table = g_new0 (guint32, (gsize) (n + 1) * (m + 1));
#define T(x, y) table[(gsize) (x) * (m + 1) + (y)]
  for (i = n; i-- > 0;)
    for (j = m; j-- > 0;)
      T (i, j) = token_equal (old_text, &ta[pre + i], new_text, &tb[pre + j])
                     ? T (i + 1, j + 1) + 1
                     : MAX (T (i + 1, j), T (i, j + 1));

  i = j = 0;
  while (i < n || j < m)
    {
      if (i < n && j < m && token_equal (old_text, &ta[pre + i], new_text, &tb[pre + j]))
        i++, j++;
      else if (j < m && (i == n || T (i, j + 1) >= T (i + 1, j)))
        add_span (out_new, tb[pre + j].start, tb[pre + j].end), j++;
      else
        add_span (out_old, ta[pre + i].start, ta[pre + i].end), i++;
    }
#undef T
}
