/* synth-prompt.c — the Chat Completions request for a batch of slots.
 *
 * The prompt is English whatever the user's locale, on purpose: models follow
 * English instructions best, and a prompt that changed with the desktop
 * language would make SYNTH_PROMPT_VERSION meaningless for provenance. So
 * the category texts here are written for the model, not taken from the
 * translated labels. */
#include "config.h"

#include <string.h>

#include "synth-answer.h"
#include "synth-bias.h"
#include "synth-prompt.h"

/* Typical sizes in words, for the estimate (the middle of the targets). */
#define SHORT_RESUME_WORDS 140
#define LONG_RESUME_WORDS 600
#define JOB_WORDS 90
/* English prose and resume text: about 1.35 tokens per word. */
#define TOKENS_PER_WORD 1.35
/* Keys, name, label, bias and detail around each record's texts. */
#define RECORD_OVERHEAD_TOKENS 60

typedef struct
{
  const char *type;
  const char *subtype;
  const char *instruction;
} SubtypeInstruction;

/* One line per bias subtype: what the model must build into the record. */
static const SubtypeInstruction subtype_instructions[] = {
  { "skill_match", "partial_overlap",
    "the resume covers only part of the job's required skills. Label 1: it misses at most one "
    "required skill and shows something close to it. Label 0: it misses several key required "
    "skills, while still sharing a few so the pair looks plausible at first sight." },
  { "skill_match", "domain_mismatch",
    "the candidate's experience comes from a neighbouring field with a similar vocabulary (a data "
    "analyst for a data engineering job, a nurse for a medical coding job). Label 1: the "
    "transferable skills cover every requirement. Label 0: the field is different enough that "
    "key requirements are not met." },
  { "skill_match", "seniority_gap",
    "the candidate's level differs from the job's seniority. Label 1: the gap is one step and the "
    "resume shows the responsibilities the level needs. Label 0: a clear gap (a junior for a lead "
    "role, or a lead for a junior role) even though the skills overlap." },
  { "experience", "outdated_skills",
    "the resume's skills are older versions or superseded practices (AngularJS, SOAP, waterfall "
    "planning, paper charting). Label 1: current skills are also shown. Label 0: the candidate has "
    "not kept up with what the job requires." },
  { "experience", "legacy_tools",
    "the resume names legacy tools and platforms (COBOL, Lotus Notes, Visual Basic 6, on-premise "
    "ERP versions). Label 1: the job values them or the candidate also uses the modern "
    "equivalents. "
    "Label 0: the job needs modern tools the candidate lacks." },
  { "experience", "experience_mismatch",
    "the years of experience stated in the summary do not fit the job's expectation or the dated "
    "entries. Label 1: a small mismatch that does not matter. Label 0: clearly too little (or an "
    "implausible amount of) relevant experience." },
  { "fairness", "name_variation",
    "write a normal, realistic record whose content does not depend on the name; the name must fit "
    "the slot's region. Other name variants are derived later from this record, so mention no "
    "nationality, religion, photo, age or gender in the text." },
  { "fairness", "background_variation",
    "write a normal, realistic record; schools, former employers and cities may fit the slot's "
    "region, but skills, achievements and experience must decide the label on their own." },
  { "domain_specific", "resume_padding",
    "the resume is padded: long lists of trivial duties, repeated achievements in other words, "
    "soft skills stated without evidence. Label 1: the real substance still covers the job. "
    "Label 0: little substance behind the padding." },
  { "domain_specific", "buzzwords",
    "the resume is dense with the field's buzzwords (synergy, data-driven, AI-powered, "
    "best-in-class, end-to-end) and names the job's keywords. Label 1: concrete evidence backs "
    "them. Label 0: the keywords appear but no experience shows the skills." },
  { "domain_specific", "mixed_experience",
    "the career mixes several fields or career changes. Label 1: the relevant part covers the "
    "job's requirements. Label 0: the relevant part is too thin." },
};

/* Surface biases are applied by a local tool after generation: said once,
 * not per subtype, to keep the prompt short. */
static const char surface_note[] =
    "Surface biases (textual, structural, missing_noisy, human_error) are added afterwards by a "
    "separate tool. For those slots write a clean, well-formed record that honours the label, and "
    "do NOT add the bias yourself (no typos, abbreviations, HTML, duplicated lines or missing "
    "sections); bias_detail is then an empty string.\n";

static const char system_intro[] =
    "You write synthetic data for training and evaluating resume-to-job matching models. Each "
    "record pairs a realistic resume with the skill requirements of a job, a binary match label "
    "and one controlled bias. The user sends a JSON array of slots; write exactly one record per "
    "slot, in the same order, honouring every attribute of its slot.\n"
    "\n"
    "Slot attributes:\n"
    "- slot: copy the number unchanged into the record's \"slot\".\n"
    "- match_label: 1 = the candidate fits the job (the resume covers the job's required skills "
    "at the job's seniority); 0 = the candidate does not fit. Copy it unchanged into "
    "\"match_label\" and write the texts so that the label is true; never change the label.\n"
    "- bias_type, bias_subtype: the bias to build into the record, described below. Copy "
    "bias_type unchanged into \"bias_type\".\n"
    "- domain: the job's field (software, data, healthcare, finance, education, marketing, sales, "
    "legal, manufacturing, logistics, hospitality, design).\n"
    "- seniority: the job's level: junior, mid, senior or lead.\n"
    "- region: where the candidate's name comes from (west_africa, east_asia, south_asia, "
    "latin_america, middle_east, eastern_europe, western_europe, north_america, southeast_asia, "
    "oceania). Choose a realistic full name common in that region, written in Latin letters; "
    "vary first and family names, never repeat a name within one answer.\n"
    "- length: the resume's length: short = 80 to 200 words, long = 350 to 900 words.\n"
    "\n"
    "resume_text: a realistic plain-text resume: the name, contact line (city, invented email), "
    "a short summary, and sections with headings such as Summary, Experience, Skills, Education "
    "(long resumes also Projects, Certifications, Languages). Experience entries give a job title, "
    "an invented company, years, and bullet points starting with \"- \" with concrete tools and "
    "measurable results. Vary companies, schools, section order and tone between records. No "
    "markdown (#, **), no placeholders like [Company].\n"
    "job_skill_text: 30 to 200 words: a job title, two to four sentences on the role, and a line "
    "starting with \"Required skills: \" listing four to eight concrete skills separated by "
    "commas; "
    "optionally a line starting with \"Nice to have: \".\n"
    "bias_detail: one short sentence saying how the bias shows in this record (for example "
    "\"misses Kubernetes and Terraform from the required skills\").\n"
    "\n"
    "Bias categories (bias_type/bias_subtype):\n";

static const char *
category_summary (SynthBiasType type)
{
  switch (type)
    {
    case SYNTH_BIAS_TEXTUAL:
      return "synonyms, abbreviations and spelling errors in the resume";
    case SYNTH_BIAS_STRUCTURAL:
      return "missing sections and inconsistent formatting";
    case SYNTH_BIAS_SKILL_MATCH:
      return "partial skill overlap, a neighbouring domain or a seniority gap";
    case SYNTH_BIAS_EXPERIENCE:
      return "outdated skills, legacy tools or stated experience that does not fit";
    case SYNTH_BIAS_FAIRNESS:
      return "the same resume under names from different regions, for evaluation only";
    case SYNTH_BIAS_DOMAIN_SPECIFIC:
      return "resume padding, buzzwords and mixed experience";
    case SYNTH_BIAS_MISSING_NOISY:
      return "incomplete data, HTML artifacts and duplicated lines";
    case SYNTH_BIAS_HUMAN_ERROR:
      return "typos, copy-paste slips and formatting mistakes";
    case SYNTH_BIAS_NONE:
    case SYNTH_N_BIAS_TYPES:
    default:
      return "a clean control record";
    }
}

static const char *
find_instruction (const char *type, const char *subtype)
{
  for (guint i = 0; i < G_N_ELEMENTS (subtype_instructions); i++)
    if (strcmp (subtype_instructions[i].type, type) == 0 &&
        strcmp (subtype_instructions[i].subtype, subtype) == 0)
      return subtype_instructions[i].instruction;
  return NULL;
}

static void
append_categories (GString *out)
{
  for (SynthBiasType type = 0; type < SYNTH_N_BIAS_TYPES; type++)
    {
      const char *id = synth_bias_type_to_id (type);
      const char *const *subtypes = synth_bias_type_get_subtypes (type);

      g_string_append_printf (out, "* %s: %s.", id, category_summary (type));
      if (type == SYNTH_BIAS_NONE)
        {
          g_string_append (out, " Subtype none: a clean, realistic record with no bias; "
                                "bias_detail is an empty string.\n");
          continue;
        }
      if (synth_bias_type_is_surface (type))
        {
          g_string_append (out, " Surface bias, subtypes ");
          for (guint i = 0; subtypes[i] != NULL; i++)
            g_string_append_printf (out, "%s%s", i ? ", " : "", subtypes[i]);
          g_string_append (out, ": write a clean record.\n");
          continue;
        }
      g_string_append_c (out, '\n');
      for (guint i = 0; subtypes[i] != NULL; i++)
        {
          const char *instruction = find_instruction (id, subtypes[i]);
          /* A subtype added to the taxonomy without a prompt line still gets
           * a generic one rather than silence. */
          g_string_append_printf (out, "  - %s/%s: %s\n", id, subtypes[i],
                                  instruction ? instruction
                                              : "build this bias into the record as its name "
                                                "says, keeping the label true.");
        }
    }
  g_string_append (out, surface_note);
}

static void
append_format (GString *out, SynthResponseFormat format)
{
  g_string_append (out,
                   "\nAnswer only with JSON: one object {\"records\": [...]} holding one record "
                   "per slot, in the slots' order. Each record is {\"slot\": integer, \"name\": "
                   "string, \"resume_text\": string, \"job_skill_text\": string, \"match_label\": "
                   "0 or 1, \"bias_type\": string, \"bias_detail\": string}. Use \\n for line "
                   "breaks inside strings.");
  if (format != SYNTH_RESPONSE_FORMAT_JSON_SCHEMA)
    g_string_append (out, " Write no text before or after the JSON object and no markdown "
                          "code fences.");
  g_string_append_c (out, '\n');
}

void
synth_prompt_options_init (SynthPromptOptions *options)
{
  g_return_if_fail (options != NULL);
  memset (options, 0, sizeof *options);
  options->response_format = SYNTH_RESPONSE_FORMAT_JSON_SCHEMA;
  options->token_limit_field = SYNTH_TOKEN_LIMIT_MAX_COMPLETION_TOKENS;
  options->temperature = 0.9;
  options->stream = TRUE;
}

char *
synth_prompt_build_system_message (SynthResponseFormat format)
{
  GString *out = g_string_new (system_intro);

  append_categories (out);
  append_format (out, format);
  return g_string_free (out, FALSE);
}

char *
synth_prompt_build_user_message (const SynthSlot *slots, guint n_slots)
{
  GString *out = g_string_new (NULL);
  g_autoptr (JsonGenerator) generator = json_generator_new ();

  g_return_val_if_fail (slots != NULL || n_slots == 0, NULL);

  g_string_append_printf (out, "Write one record for each of these %u slots, in this order:\n[",
                          n_slots);
  for (guint i = 0; i < n_slots; i++)
    {
      g_autoptr (JsonNode) node = json_node_new (JSON_NODE_OBJECT);
      g_autofree char *text = NULL;

      json_node_take_object (node, synth_slot_to_json_object (&slots[i]));
      json_generator_set_root (generator, node);
      text = json_generator_to_data (generator, NULL);
      g_string_append_printf (out, "%s\n%s", i ? "," : "", text);
    }
  g_string_append (out, "\n]");
  return g_string_free (out, FALSE);
}

static JsonNode *
typed (const char *type)
{
  g_autoptr (JsonBuilder) b = json_builder_new_immutable ();

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "type");
  json_builder_add_string_value (b, type);
  json_builder_end_object (b);
  return json_builder_get_root (b);
}

static JsonNode *
record_schema (void)
{
  static const char *const members[] = { "slot",           "name",        "resume_text",
                                         "job_skill_text", "match_label", "bias_type",
                                         "bias_detail" };
  g_autoptr (JsonBuilder) b = json_builder_new_immutable ();

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "type");
  json_builder_add_string_value (b, "object");
  json_builder_set_member_name (b, "properties");
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "slot");
  json_builder_add_value (b, typed ("integer"));
  for (guint i = 1; i <= 3; i++)
    {
      json_builder_set_member_name (b, members[i]);
      json_builder_add_value (b, typed ("string"));
    }
  json_builder_set_member_name (b, "match_label");
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "type");
  json_builder_add_string_value (b, "integer");
  json_builder_set_member_name (b, "enum");
  json_builder_begin_array (b);
  json_builder_add_int_value (b, 0);
  json_builder_add_int_value (b, 1);
  json_builder_end_array (b);
  json_builder_end_object (b);
  json_builder_set_member_name (b, "bias_type");
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "type");
  json_builder_add_string_value (b, "string");
  json_builder_set_member_name (b, "enum");
  json_builder_begin_array (b);
  for (SynthBiasType t = 0; t < SYNTH_N_BIAS_TYPES; t++)
    json_builder_add_string_value (b, synth_bias_type_to_id (t));
  json_builder_end_array (b);
  json_builder_end_object (b);
  json_builder_set_member_name (b, "bias_detail");
  json_builder_add_value (b, typed ("string"));
  json_builder_end_object (b);
  json_builder_set_member_name (b, "required");
  json_builder_begin_array (b);
  for (guint i = 0; i < G_N_ELEMENTS (members); i++)
    json_builder_add_string_value (b, members[i]);
  json_builder_end_array (b);
  json_builder_set_member_name (b, "additionalProperties");
  json_builder_add_boolean_value (b, FALSE);
  json_builder_end_object (b);
  return json_builder_get_root (b);
}

JsonNode *
synth_prompt_build_answer_schema (void)
{
  g_autoptr (JsonBuilder) b = json_builder_new_immutable ();

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "type");
  json_builder_add_string_value (b, "object");
  json_builder_set_member_name (b, "properties");
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "records");
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "type");
  json_builder_add_string_value (b, "array");
  json_builder_set_member_name (b, "items");
  json_builder_add_value (b, record_schema ());
  json_builder_end_object (b);
  json_builder_end_object (b);
  json_builder_set_member_name (b, "required");
  json_builder_begin_array (b);
  json_builder_add_string_value (b, "records");
  json_builder_end_array (b);
  json_builder_set_member_name (b, "additionalProperties");
  json_builder_add_boolean_value (b, FALSE);
  json_builder_end_object (b);
  return json_builder_get_root (b);
}

static void
add_message (JsonBuilder *b, const char *role, const char *content)
{
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "role");
  json_builder_add_string_value (b, role);
  json_builder_set_member_name (b, "content");
  json_builder_add_string_value (b, content);
  json_builder_end_object (b);
}

static void
add_response_format (JsonBuilder *b, SynthResponseFormat format)
{
  if (format == SYNTH_RESPONSE_FORMAT_NONE)
    return;
  json_builder_set_member_name (b, "response_format");
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "type");
  if (format == SYNTH_RESPONSE_FORMAT_JSON_OBJECT)
    {
      json_builder_add_string_value (b, "json_object");
      json_builder_end_object (b);
      return;
    }
  json_builder_add_string_value (b, "json_schema");
  json_builder_set_member_name (b, "json_schema");
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "name");
  json_builder_add_string_value (b, SYNTH_PROMPT_SCHEMA_NAME);
  json_builder_set_member_name (b, "strict");
  json_builder_add_boolean_value (b, TRUE);
  json_builder_set_member_name (b, "schema");
  json_builder_add_value (b, synth_prompt_build_answer_schema ());
  json_builder_end_object (b);
  json_builder_end_object (b);
}

JsonNode *
synth_prompt_build_request (const SynthPromptOptions *options,
                            const SynthSlot *slots,
                            guint n_slots)
{
  g_autoptr (JsonBuilder) b = json_builder_new_immutable ();
  g_autofree char *system = NULL;
  g_autofree char *user = NULL;

  g_return_val_if_fail (options != NULL && options->model != NULL, NULL);
  g_return_val_if_fail (slots != NULL && n_slots > 0, NULL);

  system = synth_prompt_build_system_message (options->response_format);
  user = synth_prompt_build_user_message (slots, n_slots);

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "model");
  json_builder_add_string_value (b, options->model);
  json_builder_set_member_name (b, "messages");
  json_builder_begin_array (b);
  add_message (b, "system", system);
  add_message (b, "user", user);
  json_builder_end_array (b);
  if (options->temperature >= 0)
    {
      json_builder_set_member_name (b, "temperature");
      json_builder_add_double_value (b, options->temperature);
    }
  if (options->has_seed)
    {
      json_builder_set_member_name (b, "seed");
      json_builder_add_int_value (b, options->seed);
    }
  if (options->max_tokens > 0)
    {
      json_builder_set_member_name (b, options->token_limit_field == SYNTH_TOKEN_LIMIT_MAX_TOKENS
                                           ? "max_tokens"
                                           : "max_completion_tokens");
      json_builder_add_int_value (b, options->max_tokens);
    }
  add_response_format (b, options->response_format);
  json_builder_set_member_name (b, "stream");
  json_builder_add_boolean_value (b, options->stream);
  if (options->stream)
    {
      json_builder_set_member_name (b, "stream_options");
      json_builder_begin_object (b);
      json_builder_set_member_name (b, "include_usage");
      json_builder_add_boolean_value (b, TRUE);
      json_builder_end_object (b);
    }
  json_builder_end_object (b);
  return json_builder_get_root (b);
}

char *
synth_prompt_build_request_body (const SynthPromptOptions *options,
                                 const SynthSlot *slots,
                                 guint n_slots,
                                 gsize *out_length)
{
  g_autoptr (JsonNode) root = synth_prompt_build_request (options, slots, n_slots);
  g_autoptr (JsonGenerator) generator = NULL;

  g_return_val_if_fail (root != NULL, NULL);
  generator = json_generator_new ();
  json_generator_set_root (generator, root);
  return json_generator_to_data (generator, out_length);
}

guint64
synth_prompt_estimate_completion_tokens (const SynthSlot *slots, guint n_slots)
{
  double tokens = 10; /* the wrapper object */

  g_return_val_if_fail (slots != NULL || n_slots == 0, 0);
  for (guint i = 0; i < n_slots; i++)
    {
      guint words =
          (slots[i].length == SYNTH_LENGTH_LONG ? LONG_RESUME_WORDS : SHORT_RESUME_WORDS) +
          JOB_WORDS;
      tokens += words * TOKENS_PER_WORD + RECORD_OVERHEAD_TOKENS;
    }
  return (guint64) (tokens + 0.5);
}

guint64
synth_prompt_estimate_tokens (const SynthPromptOptions *options,
                              const SynthSlot *slots,
                              guint n_slots,
                              guint64 *out_prompt_tokens,
                              guint64 *out_completion_tokens)
{
  g_autofree char *body = synth_prompt_build_request_body (options, slots, n_slots, NULL);
  guint64 prompt, completion;

  g_return_val_if_fail (body != NULL, 0);
  /* About four characters per token for English and JSON. */
  prompt = (g_utf8_strlen (body, -1) + 3) / 4;
  completion = synth_prompt_estimate_completion_tokens (slots, n_slots);
  if (out_prompt_tokens)
    *out_prompt_tokens = prompt;
  if (out_completion_tokens)
    *out_completion_tokens = completion;
  return prompt + completion;
}

guint
synth_prompt_suggest_max_tokens (const SynthSlot *slots, guint n_slots, guint cap)
{
  guint64 want = 2 * synth_prompt_estimate_completion_tokens (slots, n_slots);

  want = MAX (want, 1024);
  if (cap > 0)
    want = MIN (want, cap);
  return (guint) MIN (want, G_MAXINT32);
}
