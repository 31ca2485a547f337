/* synth-format.c — numbers for people. */
#include "config.h"

#include <glib/gi18n.h>
#include <math.h>

#include "synth-format.h"
#include "synth-record.h"

char *
synth_format_count (guint64 n)
{
  /* %' groups digits the locale's way. */
  return g_strdup_printf ("%'" G_GUINT64_FORMAT, n);
}

char *
synth_format_cost (double dollars)
{
  if (isnan (dollars) || dollars <= 0)
    /* Translators: a cost of zero US dollars. */
    return g_strdup (_ ("$0.00"));
  if (dollars < 0.01)
    /* Translators: a cost below one US cent. */
    return g_strdup (_ ("< $0.01"));
  /* Translators: a cost in US dollars, e.g. "$12.50"; keep %'.2f. */
  return g_strdup_printf (_ ("$%'.2f"), dollars);
}

char *
synth_format_duration (double seconds)
{
  guint64 s;

  if (isnan (seconds) || seconds < 0)
    return g_strdup ("—");
  s = (guint64) ceil (seconds);
  if (s < 60)
    /* Translators: a duration in seconds. */
    return g_strdup_printf (_ ("%u s"), (guint) s);
  if (s < 3600)
    /* Translators: a duration in minutes. */
    return g_strdup_printf (_ ("%u min"), (guint) ((s + 59) / 60));
  /* Translators: a duration in hours and minutes, e.g. "2 h 5 min". */
  return g_strdup_printf (_ ("%u h %u min"), (guint) (s / 3600), (guint) ((s % 3600) / 60));
}

char *
synth_format_ratio (double value)
{
  if (isnan (value))
    return g_strdup ("—");
  return g_strdup_printf ("%.3f", value);
}

char *
synth_format_percent (double fraction)
{
  if (isnan (fraction))
    return g_strdup ("—");
  /* Translators: a percentage, e.g. "12.5 %"; keep %.1f and %%. */
  return g_strdup_printf (_ ("%.1f %%"), fraction * 100.0);
}

char *
synth_format_id (const char *id)
{
  GString *s;
  gboolean word_start = TRUE;

  if (id == NULL || *id == '\0')
    return g_strdup ("—");
  s = g_string_new (NULL);
  for (const char *p = id; *p != '\0'; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      if (c == '_' || c == '-')
        {
          g_string_append_c (s, ' ');
          word_start = TRUE;
          continue;
        }
      g_string_append_unichar (s, word_start ? g_unichar_totitle (c) : c);
      word_start = FALSE;
    }
  return g_string_free (s, FALSE);
}

const char *
synth_format_label (int match_label)
{
  return match_label ? _ ("Match") : _ ("No match");
}

const char *
synth_format_review (int review_status)
{
  switch (review_status)
    {
    case SYNTH_REVIEW_ACCEPTED:
      return _ ("Accepted");
    case SYNTH_REVIEW_REJECTED:
      return _ ("Rejected");
    default:
      return _ ("Unreviewed");
    }
}
