/* synth-sim-records.c — fabricates the record a well-behaved model would
 * write for one slot: a plausible job ad with a "Required skills:" line and
 * a resume that honours the slot's label, bias, domain, seniority, region
 * and length (short ≈ 80–200 words, long ≈ 350–900). */
#include "synth-sim-private.h"

#include <string.h>

#define REFERENCE_YEAR 2024 /* "present"; never the wall clock, so output is reproducible */

static const char *const seniority_prefix[] = { "Junior ", "", "Senior ", "Lead " };

static const char *const bullet_templates[] = {
  "Led the move of {area} to {skill}, cutting turnaround time by {n}%.",
  "Used {skill} and {skill2} to improve {area}, saving about {n} hours a month.",
  "Trained {m} colleagues in {skill} and wrote the team's playbook for {area}.",
  "Owned {area} end to end, applying {skill} to reduce errors by {n}%.",
  "Introduced {skill} practices that raised quality scores for {area} by {n}%.",
  "Partnered with {m} teams to deliver {area} on schedule using {skill}.",
  "Audited {area}, documented the gaps and closed them with {skill} and {skill2}.",
  "Mentored {m} junior colleagues while running {area} day to day.",
  "Presented monthly results on {area} to leadership, backed by {skill} analysis.",
  "Reduced costs in {area} by {n}% through better use of {skill}.",
  "Built a repeatable {skill} checklist that was adopted across {area}.",
  "Handled escalations for {area}, resolving {n}% of them within one day.",
  "Combined {skill} with {skill2} to launch a new approach to {area}.",
  "Reviewed and improved the {skill} workflow for {area}, with {n}% fewer delays.",
  NULL,
};

static const char *const summary_templates[] = {
  "{title} with {years} years of experience in {field}, focused on {area} and {area2}. "
  "Known for {soft} and {soft2}.",
  "Experienced {title_lc} ({years} years) who has worked on {area} and {area2}. "
  "Brings {soft}, {soft2} and a steady hand with {skill}.",
  "{years} years in {field} as a {title_lc}. Most recently responsible for {area}; "
  "values {soft} and {soft2}.",
  NULL,
};

/* ---- fabricating one record ------------------------------------------ */

typedef struct
{
  const SimSlot *slot;
  SynthRng rng;
  const SimDomain *domain;
  const SimRegion *region;
  guint seniority;        /* 0 junior … 3 lead, of the job */
  guint resume_seniority; /* differs for a seniority gap */
  gboolean is_long;
  GPtrArray *required; /* const char * */
  GPtrArray *preferred;
  GPtrArray *covered;            /* skills the resume shows */
  GPtrArray *missing;            /* required skills the resume lacks */
  GString *detail;               /* bias_detail */
  const SimDomain *other_domain; /* skill_match/domain mismatch: the resume's field */
  const SimDomain *mixed_domain; /* domain_specific/mixed experience: one role from here */
  gboolean outdated;
  gboolean buzzwords;
  gboolean padding;
  int years_claimed; /* -1: the truth */
  guint style;       /* how section headings look */
} Fab;

static const char *const seniority_ids[] = { "junior", "mid", "senior", "lead" };

static guint
seniority_index (const char *id)
{
  for (guint i = 0; i < G_N_ELEMENTS (seniority_ids); i++)
    if (g_strcmp0 (id, seniority_ids[i]) == 0)
      return i;
  return 1;
}

static gboolean
ptr_array_has_str (GPtrArray *array, const char *s)
{
  for (guint i = 0; i < array->len; i++)
    if (g_ascii_strcasecmp (g_ptr_array_index (array, i), s) == 0)
      return TRUE;
  return FALSE;
}

/* Does @skill overlap a missing skill, so that a text showing it would
 * appear to cover the missing one ("PostgreSQL" vs "SQL")? */
static gboolean
clashes_with_missing (Fab *fab, const char *skill)
{
  g_autofree char *lower = g_ascii_strdown (skill, -1);

  for (guint i = 0; i < fab->missing->len; i++)
    {
      g_autofree char *m = g_ascii_strdown (g_ptr_array_index (fab->missing, i), -1);
      if (strstr (lower, m) != NULL || strstr (m, lower) != NULL)
        return TRUE;
    }
  return FALSE;
}

/* Adds up to @n skills of @pool (@len of them) not yet in @into (nor in
 * @exclude). */
static void
pick_skills_from (
    Fab *fab, const char *const *pool, guint len, guint n, GPtrArray *into, GPtrArray *exclude)
{
  guint tries = 0;

  while (n > 0 && tries++ < len * 4)
    {
      const char *skill = pool[synth_rng_below (&fab->rng, len)];

      if (ptr_array_has_str (into, skill) ||
          (exclude != NULL && ptr_array_has_str (exclude, skill)))
        continue;
      if (fab->missing->len > 0 && clashes_with_missing (fab, skill))
        continue;
      g_ptr_array_add (into, (gpointer) skill);
      n--;
    }
}

static void
pick_skills (Fab *fab, const char *const *pool, guint n, GPtrArray *into, GPtrArray *exclude)
{
  pick_skills_from (fab, pool, g_strv_length ((char **) pool), n, into, exclude);
}

static const char *
legacy_tool (Fab *fab, guint i)
{
  const char *const *tools = fab->domain->legacy_tools;

  if (tools == NULL || tools[0] == NULL)
    return "Lotus Notes";
  return tools[1] != NULL ? tools[i % 2] : tools[0];
}

static gboolean
subtype_has (Fab *fab, const char *word)
{
  return strstr (fab->slot->bias_subtype, word) != NULL;
}

static const SimDomain *
pick_other_domain (Fab *fab)
{
  guint n = sim_vocab_n_domains ();
  const SimDomain *other;

  do
    other = sim_vocab_domain_nth (synth_rng_below (&fab->rng, n));
  while (other == fab->domain);
  return other;
}

/* Decides which required skills the resume lacks and what the bias does,
 * and writes bias_detail to match. */
static void
plan_skills (Fab *fab)
{
  const SimSlot *slot = fab->slot;
  gboolean skill_match = g_strcmp0 (slot->bias_type, "skill_match") == 0;
  guint n_required = fab->required->len;

  if (slot->match_label == 0)
    {
      guint n_missing = 1 + synth_rng_below (&fab->rng, 2);

      if (skill_match && subtype_has (fab, "domain"))
        {
          fab->other_domain = pick_other_domain (fab);
          n_missing = n_required;
        }
      else if (skill_match && subtype_has (fab, "partial"))
        n_missing = 1 + synth_rng_below (&fab->rng, n_required - 1);
      else if (skill_match && subtype_has (fab, "seniority"))
        {
          n_missing = 1;
          fab->resume_seniority = fab->seniority >= 2 ? fab->seniority - 2 : 0;
        }
      {
        /* Which ones are missing should not always be the first listed. */
        g_autofree gpointer *order =
            g_memdup2 (fab->required->pdata, n_required * sizeof (gpointer));

        synth_rng_shuffle (&fab->rng, order, n_required, sizeof (gpointer));
        for (guint i = 0; i < n_missing && i < n_required; i++)
          g_ptr_array_add (fab->missing, order[i]);
      }
    }

  if (fab->other_domain != NULL)
    pick_skills (fab, fab->other_domain->skills, 5 + synth_rng_below (&fab->rng, 3), fab->covered,
                 fab->required);
  else
    {
      for (guint i = 0; i < n_required; i++)
        {
          const char *skill = g_ptr_array_index (fab->required, i);
          if (!ptr_array_has_str (fab->missing, skill))
            g_ptr_array_add (fab->covered, (gpointer) skill);
        }
      if (slot->match_label == 1)
        pick_skills_from (fab, (const char *const *) fab->preferred->pdata, fab->preferred->len,
                          synth_rng_below (&fab->rng, fab->preferred->len + 1), fab->covered, NULL);
      pick_skills (fab, fab->domain->skills, 1 + synth_rng_below (&fab->rng, 3), fab->covered,
                   fab->required);
    }
}

static char *
join_skills (GPtrArray *skills)
{
  GString *out = g_string_new (NULL);

  for (guint i = 0; i < skills->len; i++)
    {
      if (i > 0)
        g_string_append (out, ", ");
      g_string_append (out, g_ptr_array_index (skills, i));
    }
  return g_string_free (out, FALSE);
}

static void
describe_bias (Fab *fab)
{
  const SimSlot *slot = fab->slot;
  const char *type = slot->bias_type;
  g_autofree char *missing = join_skills (fab->missing);

  if (g_strcmp0 (type, "none") == 0 || type[0] == '\0')
    return;
  g_string_printf (fab->detail, "%s/%s: ", type, slot->bias_subtype);
  if (g_strcmp0 (type, "skill_match") == 0)
    {
      if (fab->other_domain != NULL)
        g_string_append_printf (fab->detail, "resume from %s, none of the required skills",
                                fab->other_domain->name);
      else if (fab->missing->len > 0)
        g_string_append_printf (fab->detail, "%u of %u required skills missing (%s)",
                                fab->missing->len, fab->required->len, missing);
      else
        g_string_append (fab->detail, "all required skills covered, preferred ones partly");
      if (fab->resume_seniority != fab->seniority)
        g_string_append_printf (fab->detail, "; %s experience for a %s role",
                                seniority_ids[fab->resume_seniority],
                                seniority_ids[fab->seniority]);
    }
  else if (g_strcmp0 (type, "experience") == 0)
    {
      if (fab->outdated)
        g_string_append_printf (fab->detail, "lists dated tools (%s, %s)", legacy_tool (fab, 0),
                                legacy_tool (fab, 1));
      else
        g_string_append_printf (fab->detail, "claims %d years for a %s role", fab->years_claimed,
                                slot->seniority);
    }
  else if (g_strcmp0 (type, "fairness") == 0)
    g_string_append_printf (fab->detail, "name and background from %s", fab->region->name);
  else if (g_strcmp0 (type, "domain_specific") == 0)
    g_string_append (fab->detail, fab->buzzwords ? "buzzword-heavy summary and bullets"
                                  : fab->padding ? "summary padded with filler"
                                                 : "mixed experience from another field");
  else
    g_string_append (fab->detail, "clean text; the surface bias is applied locally");
  if (slot->match_label == 0 && g_strcmp0 (type, "skill_match") != 0)
    g_string_append_printf (fab->detail, "; missing %s", missing);
}

/* Experience and domain-specific biases change how the resume is written. */
static void
plan_style (Fab *fab)
{
  const char *type = fab->slot->bias_type;

  fab->years_claimed = -1;
  if (g_strcmp0 (type, "experience") == 0)
    {
      if (subtype_has (fab, "outdated") || subtype_has (fab, "legacy") ||
          (!subtype_has (fab, "mismatch") && synth_rng_chance (&fab->rng, 0.5)))
        fab->outdated = TRUE;
      else
        fab->years_claimed = fab->seniority >= 2 ? 1 + (int) synth_rng_below (&fab->rng, 2)
                                                 : 12 + (int) synth_rng_below (&fab->rng, 7);
    }
  else if (g_strcmp0 (type, "domain_specific") == 0)
    {
      if (subtype_has (fab, "buzzword"))
        fab->buzzwords = TRUE;
      else if (subtype_has (fab, "padding"))
        fab->padding = TRUE;
      else
        fab->mixed_domain = pick_other_domain (fab);
    }
}

static guint
years_for (Fab *fab, guint seniority)
{
  static const guint base[] = { 1, 3, 6, 10 };
  static const guint spread[] = { 2, 3, 4, 6 };

  return base[seniority] + synth_rng_below (&fab->rng, spread[seniority]);
}

static const char *
pick_covered_skill (Fab *fab, const char *avoid)
{
  const char *skill;

  if (fab->covered->len == 0)
    return "teamwork";
  for (int tries = 0; tries < 4; tries++)
    {
      skill = g_ptr_array_index (fab->covered, synth_rng_below (&fab->rng, fab->covered->len));
      if (g_strcmp0 (skill, avoid) != 0)
        return skill;
    }
  return skill;
}

/* Expands {skill}, {skill2}, {area}, {area2}, {n}, {m}, {title}, {title_lc},
 * {years}, {field}, {soft}, {soft2}. @domain gives skills and areas for a
 * role outside the record's own field. */
static char *
fill_template (
    Fab *fab, const char *template, const SimDomain *domain, const char *title, guint years)
{
  const char *const *soft = sim_vocab_list ("soft_skills");
  GString *out = g_string_new (NULL);
  const char *skill = NULL, *area = NULL, *soft1 = NULL;

  for (const char *p = template; *p != '\0'; p++)
    {
      const char *end = *p == '{' ? strchr (p, '}') : NULL;
      g_autofree char *key = NULL;

      if (end == NULL)
        {
          g_string_append_c (out, *p);
          continue;
        }
      key = g_strndup (p + 1, end - p - 1);
      p = end;
      if (g_str_equal (key, "skill") || g_str_equal (key, "skill2"))
        {
          const char *s = domain != fab->domain ? synth_rng_pick (&fab->rng, domain->skills)
                                                : pick_covered_skill (fab, skill);
          if (domain != fab->domain && clashes_with_missing (fab, s))
            s = pick_covered_skill (fab, skill);
          g_string_append (out, s);
          skill = s;
        }
      else if (g_str_equal (key, "area") || g_str_equal (key, "area2"))
        {
          const char *a = synth_rng_pick (&fab->rng, domain->areas);
          if (a == area)
            a = synth_rng_pick (&fab->rng, domain->areas);
          g_string_append (out, a);
          area = a;
        }
      else if (g_str_equal (key, "n"))
        g_string_append_printf (out, "%u", 10 + synth_rng_below (&fab->rng, 51));
      else if (g_str_equal (key, "m"))
        g_string_append_printf (out, "%u", 2 + synth_rng_below (&fab->rng, 7));
      else if (g_str_equal (key, "title"))
        g_string_append (out, title);
      else if (g_str_equal (key, "title_lc"))
        {
          g_autofree char *lc = g_utf8_strdown (title, -1);
          g_string_append (out, lc);
        }
      else if (g_str_equal (key, "years"))
        g_string_append_printf (out, "%u", years);
      else if (g_str_equal (key, "field"))
        {
          g_autofree char *lc = g_utf8_strdown (domain->name, -1);
          g_string_append (out, lc);
        }
      else if (g_str_equal (key, "soft") || g_str_equal (key, "soft2"))
        {
          const char *s = synth_rng_pick (&fab->rng, soft);
          if (s == soft1)
            s = synth_rng_pick (&fab->rng, soft);
          g_string_append (out, s);
          soft1 = s;
        }
    }
  return g_string_free (out, FALSE);
}

static char *
make_title (Fab *fab, const SimDomain *domain, guint seniority)
{
  return g_strconcat (seniority_prefix[seniority], synth_rng_pick (&fab->rng, domain->roles), NULL);
}

static char *
build_job_text (Fab *fab, const char *company)
{
  g_autofree char *title = make_title (fab, fab->domain, fab->seniority);
  g_autofree char *required = join_skills (fab->required);
  g_autofree char *preferred = join_skills (fab->preferred);
  g_autofree char *field = g_utf8_strdown (fab->domain->name, -1);
  static const guint min_years[] = { 0, 3, 5, 8 };
  GString *job = g_string_new (NULL);

  g_string_append_printf (job, "%s at %s\n", title, company);
  g_string_append_printf (job, "Required skills: %s\n", required);
  g_string_append_printf (job, "Nice to have: %s\n", preferred);
  if (min_years[fab->seniority] > 0)
    g_string_append_printf (job, "Experience: %u+ years in %s.\n", min_years[fab->seniority],
                            field);
  else
    g_string_append_printf (job, "Experience: entry level; internships in %s welcome.\n", field);
  g_string_append_printf (job, "You will work on %s and %s with a team that values %s.",
                          synth_rng_pick (&fab->rng, fab->domain->areas),
                          synth_rng_pick (&fab->rng, fab->domain->areas),
                          synth_rng_pick (&fab->rng, sim_vocab_list ("soft_skills")));
  return g_string_free (job, FALSE);
}

typedef struct
{
  char *heading; /* "Senior Data Analyst — Lumen Insights (2019–present)" */
  const SimDomain *domain;
  char *title;
  GPtrArray *bullets; /* char * */
} Role;

static void
role_free (Role *role)
{
  g_free (role->heading);
  g_free (role->title);
  g_ptr_array_unref (role->bullets);
  g_free (role);
}

static guint
count_words (const char *text)
{
  guint n = 0;
  gboolean in_word = FALSE;

  for (const char *p = text; *p != '\0'; p++)
    {
      gboolean space = g_ascii_isspace (*p);
      if (!space && !in_word)
        n++;
      in_word = !space;
    }
  return n;
}

static GPtrArray *
plan_roles (Fab *fab, guint total_years)
{
  GPtrArray *roles = g_ptr_array_new_with_free_func ((GDestroyNotify) role_free);
  guint n_roles =
      fab->is_long ? 3 + synth_rng_below (&fab->rng, 2) : 1 + synth_rng_below (&fab->rng, 2);
  int end_year = REFERENCE_YEAR;
  guint seniority = fab->resume_seniority;

  for (guint i = 0; i < n_roles; i++)
    {
      Role *role = g_new0 (Role, 1);
      char end_text[16];
      guint span = MAX (1, total_years / n_roles) + synth_rng_below (&fab->rng, 2);
      int start_year = end_year - (int) span;
      gboolean legacy_role = fab->outdated && i == n_roles - 1;

      role->domain =
          fab->mixed_domain != NULL && i == 1 % n_roles ? fab->mixed_domain : fab->domain;
      role->title = make_title (fab, role->domain, seniority);
      if (legacy_role)
        start_year -= 12, end_year -= 12;
      if (i == 0)
        g_strlcpy (end_text, "present", sizeof end_text);
      else
        g_snprintf (end_text, sizeof end_text, "%d", end_year);
      role->heading = g_strdup_printf ("%s — %s (%d–%s)", role->title,
                                       synth_rng_pick (&fab->rng, role->domain->companies),
                                       start_year, end_text);
      role->bullets = g_ptr_array_new_with_free_func (g_free);
      if (legacy_role)
        g_ptr_array_add (role->bullets,
                         g_strdup_printf ("Maintained systems built on %s and %s for %s.",
                                          legacy_tool (fab, 0), legacy_tool (fab, 1),
                                          synth_rng_pick (&fab->rng, fab->domain->areas)));
      g_ptr_array_add (roles, role);
      end_year = start_year;
      if (seniority > 0 && synth_rng_chance (&fab->rng, 0.6))
        seniority--;
    }
  return roles;
}

static char *
make_email (const char *given, const char *family, guint n)
{
  g_autofree char *raw = g_strdup_printf ("%s.%s", given, family);
  g_autofree char *ascii = g_str_to_ascii (raw, "C");
  GString *out = g_string_new (NULL);

  for (const char *p = ascii; *p != '\0'; p++)
    if (g_ascii_isalnum (*p) || *p == '.')
      g_string_append_c (out, g_ascii_tolower (*p));
  if (n > 0)
    g_string_append_printf (out, "%u", n);
  g_string_append (out, "@example.com");
  return g_string_free (out, FALSE);
}

static char *
build_summary (Fab *fab, const char *title, guint years)
{
  const char *template = synth_rng_pick (&fab->rng, summary_templates);
  g_autofree char *summary = fill_template (fab, template, fab->domain, title, years);
  GString *out = g_string_new (summary);

  if (fab->padding)
    for (int i = 0; i < 2; i++)
      g_string_append_printf (out, " %s", synth_rng_pick (&fab->rng, sim_vocab_list ("padding")));
  if (fab->buzzwords)
    {
      const char *const *buzz = sim_vocab_list ("buzzwords");
      g_string_append_printf (out, " A %s professional driving %s, %s and %s.",
                              synth_rng_pick (&fab->rng, buzz), synth_rng_pick (&fab->rng, buzz),
                              synth_rng_pick (&fab->rng, buzz), synth_rng_pick (&fab->rng, buzz));
    }
  return g_string_free (out, FALSE);
}

static char *
make_bullet (Fab *fab, Role *role)
{
  g_autofree char *bullet = fill_template (fab, synth_rng_pick (&fab->rng, bullet_templates),
                                           role->domain, role->title, 0);

  if (fab->buzzwords && synth_rng_chance (&fab->rng, 0.4))
    {
      g_autofree char *plain = g_steal_pointer (&bullet);
      bullet = g_strdup_printf ("%s Delivered %s.", plain,
                                synth_rng_pick (&fab->rng, sim_vocab_list ("buzzwords")));
    }
  return g_steal_pointer (&bullet);
}

/* Sections in one of three common styles. */
static void
append_heading (GString *out, guint style, const char *heading)
{
  g_autofree char *upper = g_utf8_strup (heading, -1);

  switch (style)
    {
    case 0:
      g_string_append_printf (out, "\n%s\n", upper);
      break;
    case 1:
      g_string_append_printf (out, "\n%s:\n", heading);
      break;
    default:
      g_string_append_printf (out, "\n## %s\n", heading);
      break;
    }
}

static void
render_resume (Fab *fab,
               GString *out,
               const char *head,
               const char *summary,
               GPtrArray *roles,
               const char *education,
               const char *extras)
{
  guint style = fab->style;
  g_autofree char *skills = join_skills (fab->covered);

  g_string_append (out, head);
  append_heading (out, style, "Summary");
  g_string_append_printf (out, "%s\n", summary);
  append_heading (out, style, "Skills");
  g_string_append (out, skills);
  if (fab->outdated)
    g_string_append_printf (out, ", %s, %s", legacy_tool (fab, 0), legacy_tool (fab, 1));
  g_string_append_c (out, '\n');
  append_heading (out, style, "Experience");
  for (guint i = 0; i < roles->len; i++)
    {
      Role *role = g_ptr_array_index (roles, i);
      g_string_append_printf (out, "%s%s\n", i > 0 ? "\n" : "", role->heading);
      for (guint b = 0; b < role->bullets->len; b++)
        g_string_append_printf (out, "- %s\n", (char *) g_ptr_array_index (role->bullets, b));
    }
  append_heading (out, style, "Education");
  g_string_append_printf (out, "%s\n", education);
  g_string_append (out, extras);
}

static char *
build_resume_text (Fab *fab, const char *name, const char *given, const char *family)
{
  guint years =
      fab->years_claimed >= 0 ? (guint) fab->years_claimed : years_for (fab, fab->resume_seniority);
  guint true_years = years_for (fab, fab->resume_seniority);
  g_autofree char *title =
      make_title (fab, fab->other_domain ? fab->other_domain : fab->domain, fab->resume_seniority);
  g_autofree char *email = make_email (
      given, family, synth_rng_below (&fab->rng, 3) == 0 ? synth_rng_below (&fab->rng, 99) : 0);
  g_autofree char *head =
      g_strdup_printf ("%s\n%s · %s, %s\n%s · +%u %03u %04u\n", name, title,
                       synth_rng_pick (&fab->rng, fab->region->cities), fab->region->name, email,
                       1 + synth_rng_below (&fab->rng, 98), synth_rng_below (&fab->rng, 1000),
                       synth_rng_below (&fab->rng, 10000));
  g_autofree char *summary = build_summary (fab, title, years);
  g_autofree char *education =
      g_strdup_printf ("%s, %s (%u)", synth_rng_pick (&fab->rng, fab->domain->degrees),
                       synth_rng_pick (&fab->rng, fab->region->schools),
                       REFERENCE_YEAR - true_years - synth_rng_below (&fab->rng, 3));
  g_autoptr (GPtrArray) roles = plan_roles (fab, true_years);
  g_autoptr (GString) extras = g_string_new (NULL);
  guint target =
      fab->is_long ? 420 + synth_rng_below (&fab->rng, 330) : 95 + synth_rng_below (&fab->rng, 80);
  guint words;
  GString *out = g_string_new (NULL);

  fab->style = synth_rng_below (&fab->rng, 3);
  if (fab->is_long)
    {
      append_heading (extras, fab->style, "Languages");
      g_string_append_printf (extras, "%s, %s\n",
                              synth_rng_pick (&fab->rng, sim_vocab_list ("languages")),
                              synth_rng_pick (&fab->rng, sim_vocab_list ("languages")));
    }
  for (guint i = 0; i < roles->len; i++)
    {
      Role *role = g_ptr_array_index (roles, i);
      g_ptr_array_add (role->bullets, make_bullet (fab, role));
    }

  /* Grow the newest roles first until the planned length is reached. */
  render_resume (fab, out, head, summary, roles, education, extras->str);
  words = count_words (out->str);
  for (guint round = 0; words < target && round < 200; round++)
    {
      guint k = round % (roles->len + 1);
      Role *role = g_ptr_array_index (roles, k == roles->len ? 0 : k);
      g_autofree char *bullet = make_bullet (fab, role);

      words += count_words (bullet) + 1;
      g_ptr_array_add (role->bullets, g_steal_pointer (&bullet));
    }
  g_string_truncate (out, 0);
  render_resume (fab, out, head, summary, roles, education, extras->str);
  return g_string_free (out, FALSE);
}

void
sim_record_clear (SimRecord *record)
{
  g_free (record->name);
  g_free (record->resume_text);
  g_free (record->job_skill_text);
  g_free (record->bias_detail);
}

void
sim_record_fabricate (const SimSlot *slot, guint64 seed, SimRecord *record)
{
  Fab fab = { .slot = slot };
  const char *given, *family;
  guint n_required;

  synth_rng_init (&fab.rng, synth_rng_mix (seed, (guint64) slot->slot));
  fab.domain = sim_vocab_domain (slot->domain);
  fab.region = sim_vocab_region (slot->region);
  fab.seniority = fab.resume_seniority = seniority_index (slot->seniority);
  fab.is_long = g_strcmp0 (slot->length, "long") == 0;
  fab.required = g_ptr_array_new ();
  fab.preferred = g_ptr_array_new ();
  fab.covered = g_ptr_array_new ();
  fab.missing = g_ptr_array_new ();
  fab.detail = g_string_new (NULL);

  n_required = 4 + synth_rng_below (&fab.rng, 3);
  pick_skills (&fab, fab.domain->skills, n_required, fab.required, NULL);
  pick_skills (&fab, fab.domain->skills, 2, fab.preferred, fab.required);
  plan_skills (&fab);
  plan_style (&fab);

  given = synth_rng_pick (&fab.rng, fab.region->given_names);
  family = synth_rng_pick (&fab.rng, fab.region->family_names);
  record->slot = slot->slot;
  record->name = g_strdup_printf ("%s %s", given, family);
  record->job_skill_text = build_job_text (&fab, synth_rng_pick (&fab.rng, fab.domain->companies));
  record->resume_text = build_resume_text (&fab, record->name, given, family);
  record->match_label = slot->match_label;
  record->bias_type = slot->bias_type;
  describe_bias (&fab);
  record->bias_detail = g_string_free (fab.detail, FALSE);

  g_ptr_array_unref (fab.required);
  g_ptr_array_unref (fab.preferred);
  g_ptr_array_unref (fab.covered);
  g_ptr_array_unref (fab.missing);
}
