/* synth-record.c — one resume ↔ job pair.
 *
 * A GObject so the app can put records straight into a GListModel and bind
 * columns to properties; the setters are plain so engines filling thousands
 * of records a second pay nothing for notification they don't need. Only
 * review-status notifies, because the window reacts to it. */
#include "config.h"

#include <string.h>

#include "synth-record.h"

typedef enum
{
  F_RECORD_ID,
  F_NAME,
  F_RESUME,
  F_JOB,
  F_CLEAN_RESUME,
  F_CLEAN_JOB,
  F_SUBTYPE,
  F_DETAIL,
  F_DOMAIN,
  F_SENIORITY,
  F_REGION,
  F_LENGTH,
  F_SPLIT,
  F_GROUP,
  N_FIELDS
} Field;

struct _SynthRecord
{
  GObject parent_instance;

  char *fields[N_FIELDS];
  guint index;
  int match_label;
  SynthBiasType bias_type;
  SynthReviewStatus review_status;
};

G_DEFINE_FINAL_TYPE (SynthRecord, synth_record, G_TYPE_OBJECT)

enum
{
  PROP_0,
  PROP_INDEX,
  PROP_RECORD_ID,
  PROP_NAME,
  PROP_RESUME_TEXT,
  PROP_JOB_SKILL_TEXT,
  PROP_MATCH_LABEL,
  PROP_BIAS_ID,
  PROP_BIAS_SUBTYPE,
  PROP_BIAS_DETAIL,
  PROP_DOMAIN,
  PROP_SENIORITY,
  PROP_REGION,
  PROP_LENGTH_CLASS,
  PROP_SPLIT,
  PROP_GROUP_ID,
  PROP_REVIEW_STATUS,
  PROP_REVIEW_ID,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static const char *const review_ids[] = { "unreviewed", "accepted", "rejected" };

const char *
synth_review_status_to_id (SynthReviewStatus status)
{
  g_return_val_if_fail (status <= SYNTH_REVIEW_REJECTED, NULL);
  return review_ids[status];
}

gboolean
synth_review_status_from_id (const char *id, SynthReviewStatus *out_status)
{
  for (guint i = 0; i < G_N_ELEMENTS (review_ids); i++)
    if (g_strcmp0 (id, review_ids[i]) == 0)
      {
        if (out_status)
          *out_status = i;
        return TRUE;
      }
  return FALSE;
}

static void
synth_record_finalize (GObject *object)
{
  SynthRecord *self = SYNTH_RECORD (object);

  for (guint i = 0; i < N_FIELDS; i++)
    g_free (self->fields[i]);

  G_OBJECT_CLASS (synth_record_parent_class)->finalize (object);
}

static const char *
field_for_prop (SynthRecord *self, guint prop_id)
{
  switch (prop_id)
    {
    case PROP_RECORD_ID: return self->fields[F_RECORD_ID];
    case PROP_NAME: return self->fields[F_NAME];
    case PROP_RESUME_TEXT: return self->fields[F_RESUME];
    case PROP_JOB_SKILL_TEXT: return self->fields[F_JOB];
    case PROP_BIAS_SUBTYPE: return self->fields[F_SUBTYPE];
    case PROP_BIAS_DETAIL: return self->fields[F_DETAIL];
    case PROP_DOMAIN: return self->fields[F_DOMAIN];
    case PROP_SENIORITY: return self->fields[F_SENIORITY];
    case PROP_REGION: return self->fields[F_REGION];
    case PROP_LENGTH_CLASS: return self->fields[F_LENGTH];
    case PROP_SPLIT: return self->fields[F_SPLIT];
    case PROP_GROUP_ID: return self->fields[F_GROUP];
    default: return NULL;
    }
}

static void
synth_record_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  SynthRecord *self = SYNTH_RECORD (object);

  switch (prop_id)
    {
    case PROP_INDEX:
      g_value_set_uint (value, self->index);
      break;
    case PROP_MATCH_LABEL:
      g_value_set_int (value, self->match_label);
      break;
    case PROP_BIAS_ID:
      g_value_set_string (value, synth_bias_type_to_id (self->bias_type));
      break;
    case PROP_REVIEW_STATUS:
      g_value_set_int (value, self->review_status);
      break;
    case PROP_REVIEW_ID:
      g_value_set_string (value, synth_review_status_to_id (self->review_status));
      break;
    default:
      if (prop_id < N_PROPS)
        g_value_set_string (value, field_for_prop (self, prop_id));
      else
        G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
synth_record_class_init (SynthRecordClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  const GParamFlags ro = G_PARAM_READABLE | G_PARAM_STATIC_STRINGS;
  static const struct
  {
    guint prop;
    const char *name;
  } strings[] = {
    { PROP_RECORD_ID, "record-id" },   { PROP_NAME, "name" },
    { PROP_RESUME_TEXT, "resume-text" }, { PROP_JOB_SKILL_TEXT, "job-skill-text" },
    { PROP_BIAS_ID, "bias-id" },       { PROP_BIAS_SUBTYPE, "bias-subtype" },
    { PROP_BIAS_DETAIL, "bias-detail" }, { PROP_DOMAIN, "domain" },
    { PROP_SENIORITY, "seniority" },   { PROP_REGION, "region" },
    { PROP_LENGTH_CLASS, "length-class" }, { PROP_SPLIT, "split" },
    { PROP_GROUP_ID, "group-id" },     { PROP_REVIEW_ID, "review-id" },
  };

  object_class->finalize = synth_record_finalize;
  object_class->get_property = synth_record_get_property;

  properties[PROP_INDEX] = g_param_spec_uint ("index", NULL, NULL, 0, G_MAXUINT, 0, ro);
  properties[PROP_MATCH_LABEL] = g_param_spec_int ("match-label", NULL, NULL, 0, 1, 0, ro);
  properties[PROP_REVIEW_STATUS] = g_param_spec_int ("review-status", NULL, NULL, 0,
                                                     SYNTH_REVIEW_REJECTED, 0,
                                                     ro | G_PARAM_EXPLICIT_NOTIFY);
  for (guint i = 0; i < G_N_ELEMENTS (strings); i++)
    properties[strings[i].prop] = g_param_spec_string (strings[i].name, NULL, NULL, NULL, ro);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
synth_record_init (SynthRecord *self)
{
  self->bias_type = SYNTH_BIAS_NONE;
}

SynthRecord *
synth_record_new (void)
{
  return g_object_new (SYNTH_TYPE_RECORD, NULL);
}

SynthRecord *
synth_record_copy (SynthRecord *self)
{
  SynthRecord *copy = synth_record_new ();

  for (guint i = 0; i < N_FIELDS; i++)
    copy->fields[i] = g_strdup (self->fields[i]);
  copy->index = self->index;
  copy->match_label = self->match_label;
  copy->bias_type = self->bias_type;
  copy->review_status = self->review_status;
  return copy;
}

static inline void
set_field (SynthRecord *self, Field f, const char *value)
{
  if (self->fields[f] != value)
    {
      g_free (self->fields[f]);
      self->fields[f] = g_strdup (value);
    }
}

#define STRING_ACCESSORS(fn, field)                                         \
  const char *synth_record_get_##fn (SynthRecord *self)                     \
  {                                                                         \
    g_return_val_if_fail (SYNTH_IS_RECORD (self), NULL);                    \
    return self->fields[field];                                             \
  }                                                                         \
  void synth_record_set_##fn (SynthRecord *self, const char *value)         \
  {                                                                         \
    g_return_if_fail (SYNTH_IS_RECORD (self));                              \
    set_field (self, field, value);                                         \
  }

STRING_ACCESSORS (record_id, F_RECORD_ID)
STRING_ACCESSORS (name, F_NAME)
STRING_ACCESSORS (resume_text, F_RESUME)
STRING_ACCESSORS (job_skill_text, F_JOB)
STRING_ACCESSORS (clean_resume_text, F_CLEAN_RESUME)
STRING_ACCESSORS (clean_job_skill_text, F_CLEAN_JOB)
STRING_ACCESSORS (bias_subtype, F_SUBTYPE)
STRING_ACCESSORS (bias_detail, F_DETAIL)
STRING_ACCESSORS (domain, F_DOMAIN)
STRING_ACCESSORS (seniority, F_SENIORITY)
STRING_ACCESSORS (region, F_REGION)
STRING_ACCESSORS (length_class, F_LENGTH)
STRING_ACCESSORS (split, F_SPLIT)
STRING_ACCESSORS (group_id, F_GROUP)

guint
synth_record_get_index (SynthRecord *self)
{
  g_return_val_if_fail (SYNTH_IS_RECORD (self), 0);
  return self->index;
}

void
synth_record_set_index (SynthRecord *self, guint index)
{
  g_return_if_fail (SYNTH_IS_RECORD (self));
  self->index = index;
}

int
synth_record_get_match_label (SynthRecord *self)
{
  g_return_val_if_fail (SYNTH_IS_RECORD (self), 0);
  return self->match_label;
}

void
synth_record_set_match_label (SynthRecord *self, int label)
{
  g_return_if_fail (SYNTH_IS_RECORD (self));
  g_return_if_fail (label == 0 || label == 1);
  self->match_label = label;
}

SynthBiasType
synth_record_get_bias_type (SynthRecord *self)
{
  g_return_val_if_fail (SYNTH_IS_RECORD (self), SYNTH_BIAS_NONE);
  return self->bias_type;
}

void
synth_record_set_bias_type (SynthRecord *self, SynthBiasType type)
{
  g_return_if_fail (SYNTH_IS_RECORD (self));
  g_return_if_fail (type < SYNTH_N_BIAS_TYPES);
  self->bias_type = type;
}

SynthReviewStatus
synth_record_get_review_status (SynthRecord *self)
{
  g_return_val_if_fail (SYNTH_IS_RECORD (self), SYNTH_REVIEW_UNREVIEWED);
  return self->review_status;
}

void
synth_record_set_review_status (SynthRecord *self, SynthReviewStatus status)
{
  g_return_if_fail (SYNTH_IS_RECORD (self));
  g_return_if_fail (status <= SYNTH_REVIEW_REJECTED);
  if (self->review_status == status)
    return;
  self->review_status = status;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_REVIEW_STATUS]);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_REVIEW_ID]);
}

guint
synth_record_count_words (const char *text)
{
  guint n = 0;
  gboolean in_word = FALSE;

  if (text == NULL)
    return 0;
  for (const unsigned char *p = (const unsigned char *) text; *p; p++)
    {
      gboolean space = (*p == ' ' || *p == '\n' || *p == '\t' || *p == '\r' || *p == '\f'
                        || *p == '\v');
      if (!space && !in_word)
        n++;
      in_word = !space;
    }
  return n;
}
