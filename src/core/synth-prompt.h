/* synth-prompt.h — the wire contract with an OpenAI-compatible model: the
 * Chat Completions request body for one batch of slots.
 *
 * The system message explains the task, the label semantics, every bias
 * category and subtype, the length classes and the answer format; the user
 * message carries the slot plan as a JSON array (one synth_slot_to_json_object
 * per slot). The answer is `{"records":[…]}` (see synth-answer.h), enforced
 * with a strict json_schema response format or requested with json_object
 * mode. Pure: the same options and slots give the same bytes. */
#pragma once

#include <json-glib/json-glib.h>

#include "synth-slot-plan.h"

G_BEGIN_DECLS

/* Bumped whenever the wording, the schema or the slot keys change; stored in
 * the statistics' provenance so a dataset names the prompts that made it. */
#define SYNTH_PROMPT_VERSION "resume-synth-prompt/1"

/* The json_schema name sent in response_format. */
#define SYNTH_PROMPT_SCHEMA_NAME "resume_records"

typedef enum
{
  SYNTH_RESPONSE_FORMAT_JSON_SCHEMA, /* {"type":"json_schema", strict} — OpenAI, vLLM, recent Ollama
                                      */
  SYNTH_RESPONSE_FORMAT_JSON_OBJECT, /* {"type":"json_object"} — the fallback */
  SYNTH_RESPONSE_FORMAT_NONE, /* no response_format at all (the prompt still asks for JSON) */
} SynthResponseFormat;

typedef enum
{
  SYNTH_TOKEN_LIMIT_MAX_COMPLETION_TOKENS, /* "max_completion_tokens" (OpenAI, newer) */
  SYNTH_TOKEN_LIMIT_MAX_TOKENS,            /* "max_tokens" (most compatible servers) */
} SynthTokenLimitField;

typedef struct
{
  const char *model;                      /* required */
  SynthResponseFormat response_format;    /* default JSON_SCHEMA */
  SynthTokenLimitField token_limit_field; /* default MAX_COMPLETION_TOKENS */
  guint max_tokens;   /* 0: field omitted; see synth_prompt_suggest_max_tokens */
  double temperature; /* default 0.9; negative: field omitted */
  gboolean has_seed;  /* default FALSE */
  gint64 seed;        /* sent when has_seed */
  gboolean stream;    /* default TRUE: adds stream_options.include_usage */
} SynthPromptOptions;

/* Fills @options with the defaults above (model NULL). */
void synth_prompt_options_init (SynthPromptOptions *options);

/* The system message: the same text for every batch of a given format, so
 * servers with prompt caching reuse it. json_object/none modes add an explicit
 * description of the JSON shape (json_object mode requires the word JSON). */
char *synth_prompt_build_system_message (SynthResponseFormat format);
/* The user message: a short instruction and the slots as a JSON array of
 * {slot, match_label, bias_type, bias_subtype, domain, seniority, region, length}. */
char *synth_prompt_build_user_message (const SynthSlot *slots, guint n_slots);
/* The answer's JSON Schema (strict-mode ready: additionalProperties false,
 * every property required, label and bias_type as enums). Transfer full. */
JsonNode *synth_prompt_build_answer_schema (void);

/* The whole request body as a JSON object node (transfer full), and as
 * compact text (@out_length optional). @n_slots ≥ 1. */
JsonNode *synth_prompt_build_request (const SynthPromptOptions *options,
                                      const SynthSlot *slots,
                                      guint n_slots);
char *synth_prompt_build_request_body (const SynthPromptOptions *options,
                                       const SynthSlot *slots,
                                       guint n_slots,
                                       gsize *out_length);

/* Expected completion tokens for these slots: per slot the length class's
 * typical resume, the job text and the JSON around them. */
guint64 synth_prompt_estimate_completion_tokens (const SynthSlot *slots, guint n_slots);
/* Token estimate of a request before sending it, for the token bucket and the
 * cost estimate: the request body's characters / 4 plus the expected
 * completion. Either out parameter may be NULL; returns their sum. */
guint64 synth_prompt_estimate_tokens (const SynthPromptOptions *options,
                                      const SynthSlot *slots,
                                      guint n_slots,
                                      guint64 *out_prompt_tokens,
                                      guint64 *out_completion_tokens);
/* A max_tokens value with room for a long answer: about twice the expected
 * completion, at least 1024, at most @cap (0: no cap). If the answer still
 * hits it (finish_reason "length"), the batch is split. */
guint synth_prompt_suggest_max_tokens (const SynthSlot *slots, guint n_slots, guint cap);

G_END_DECLS
