/* synth-offline-render.c — the offline engine's resume and job texts.
 *
 * synth-offline-engine.c plans a record (skills, seniority, years, style);
 * this writes it out, straight into a few GStrings and without regex, for
 * speed. Whatever it writes must not spell a skill the plan left out: the
 * boilerplate names none (tests/test-corpus.c checks it), and certifications
 * and legacy tools go through allowed_item(). */
#include "config.h"

#include <string.h>

#include "synth-offline-engine-private.h"

/* ---- text helpers ------------------------------------------------------ */

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

typedef struct
{
  guint domain, level;
  const char *title, *company;
  int start, end; /* months since year 0; end < 0 means "Present" */
  GString *text;  /* header lines, then bullets */
  guint words, n_bullets;
  guint64 used; /* bullet templates this role has used */
} Role;

/* ---- templates ------------------------------------------------------------ */

typedef struct
{
  const char *title, *company, *skill, *skill2, *tool, *domain, *soft, *years;
} Fill;

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

char *
_synth_offline_render_resume (Gen *g, const char *name, const char *email, const char *profile)
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

char *
_synth_offline_render_job (Gen *g)
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
