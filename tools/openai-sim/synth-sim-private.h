/* synth-sim-private.h — what the simulator's files share among themselves. */
#pragma once

#include <json-glib/json-glib.h>
#include <libsoup/soup.h>

#include "synth-rng.h"
#include "synth-sim.h"

G_BEGIN_DECLS

/* ---- vocabulary (synth-sim-vocab.c) ---------------------------------- */

typedef struct
{
  const char *id;
  const char *name;          /* "Software engineering" */
  const char *const *skills; /* canonical skill names */
  const char *const *roles;  /* role nouns: "Software Engineer" */
  const char *const *companies;
  const char *const *degrees;
  const char *const *legacy_tools; /* outdated tools for the experience bias */
  const char *const *areas;        /* what the work is about: "payment services" */
} SimDomain;

typedef struct
{
  const char *id;
  const char *name; /* "West Africa" */
  const char *const *given_names;
  const char *const *family_names;
  const char *const *cities;
  const char *const *schools;
} SimRegion;

guint sim_vocab_n_domains (void);
const SimDomain *sim_vocab_domain_nth (guint index);
/* An unknown id maps to some domain deterministically. */
const SimDomain *sim_vocab_domain (const char *id);
const SimRegion *sim_vocab_region (const char *id);
/* Shared word lists: "buzzwords", "soft_skills", "padding", "languages". */
const char *const *sim_vocab_list (const char *name);

/* ---- slots, records and answers (synth-sim-answer.c, -records.c) ---- */

typedef struct
{
  gint64 slot;
  int match_label;
  char *bias_type;
  char *bias_subtype;
  char *domain;
  char *seniority;
  char *region;
  char *length;
} SimSlot;

/* The slot plan from a user message: the first '[' … matching ']' (or the
 * whole content) parsed as a JSON array of slot objects. NULL when the
 * message has none. GPtrArray of SimSlot *. */
GPtrArray *sim_slots_parse (const char *user_content);

/* One record as the answer carries it. */
typedef struct
{
  gint64 slot;
  char *name;
  char *resume_text;
  char *job_skill_text;
  int match_label;
  const char *bias_type; /* the slot's (or, under a fault, a static id) */
  char *bias_detail;
} SimRecord;

/* Deterministic for @seed and the slot's number. */
void sim_record_fabricate (const SimSlot *slot, guint64 seed, SimRecord *record);
void sim_record_clear (SimRecord *record);

typedef struct
{
  char *content;       /* the assistant's answer text */
  GArray *record_ends; /* gsize: byte offset just past each record's '}' */
  guint n_records;
  char *wrong_slot; /* what the wrong-slot fault did, or NULL */
} SimAnswer;

/* Builds {"records":[…]} for @slots; deterministic for @seed. With
 * @wrong_slot_rng, one record ignores its slot (chosen by that rng). */
SimAnswer *sim_answer_build (GPtrArray *slots, guint64 seed, SynthRng *wrong_slot_rng);
/* Text that is not JSON any more (unescaped quote, missing comma, cut off). */
void sim_answer_malform (SimAnswer *answer, SynthRng *rng);
void sim_answer_free (SimAnswer *answer);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (SimAnswer, sim_answer_free)

/* Tokens as OpenAI's rule of thumb has it: about four characters each. */
guint64 sim_estimate_tokens (const char *text, gssize len);

/* ---- the server object (synth-sim.c) --------------------------------- */

typedef struct
{
  double capacity; /* per minute */
  double level;
  gint64 updated_us;
} SimBucket;

typedef struct
{
  char *api_key;
  char **models;
  guint64 seed;
  guint ttft_ms;
  double tokens_per_second;
  guint rpm;
  guint tpm;
  guint max_streams;
  double fault_rates[SYNTH_SIM_N_FAULTS];
  guint stall_ms;
  gboolean json_schema;
  gboolean max_completion_tokens;
  gboolean quota_exhausted;
} SimConfig;

typedef struct _SimRequest SimRequest;

struct _SynthSim
{
  GObject parent_instance;

  GMutex lock; /* config, buckets, stats, log, request_counter */
  SimConfig config;
  SimBucket requests_bucket;
  SimBucket tokens_bucket;
  SynthSimStats stats;
  GArray *log;
  guint64 request_counter;

  /* Owned by the serving thread. */
  SoupServer *server;
  GMainContext *context;
  GList *active; /* SimRequest * */
  guint port;
  char *base_url;

  GThread *thread;
  GMainLoop *loop;
  GMutex start_lock;
  GCond start_cond;
  gboolean start_done;
  GError *start_error;
};

/* Every response carries the x-ratelimit-* headers; call with the lock held. */
void sim_add_rate_limit_headers (SynthSim *self, SoupServerMessage *msg);
/* {"error":{"message","type","param","code"}} with status; takes the lock. */
void sim_reply_error (SynthSim *self,
                      SoupServerMessage *msg,
                      guint status,
                      const char *message,
                      const char *type,
                      const char *param,
                      const char *code);
void sim_reply_json (SoupServerMessage *msg, guint status, JsonNode *node);
/* Appends to the request log; call with the lock held. */
void sim_log_request (SynthSim *self,
                      gint64 received_us,
                      const char *path,
                      guint status,
                      gboolean stream,
                      guint n_slots,
                      int fault);
void sim_bucket_refill (SimBucket *bucket, gint64 now_us);
/* "1s", "6m0s", "20ms", "1m30.5s" — OpenAI's (Go's) duration format. */
char *sim_format_duration (gint64 ms);

/* Setters' bodies, for callers that hold the lock already. */
void sim_set_api_key_locked (SynthSim *self, const char *api_key);
void sim_set_rate_limits_locked (SynthSim *self, guint rpm, guint tpm);

/* ---- /sim endpoints and JSON helpers (synth-sim-control.c) ----------- */

void sim_handle_control (SynthSim *self, SoupServerMessage *msg, const char *path);
void sim_builder_add_int (JsonBuilder *builder, const char *name, gint64 value);
void sim_builder_add_bool (JsonBuilder *builder, const char *name, gboolean value);
/* Pretty-printed text of the builder's root. */
char *sim_builder_to_string (JsonBuilder *builder);

/* FALSE (and a 401 sent) unless the request carries the configured key. */
gboolean sim_check_auth (SynthSim *self, SoupServerMessage *msg);
gboolean sim_model_known (SynthSim *self, const char *model);

/* ---- chat completions (synth-sim-chat.c) ----------------------------- */

void sim_handle_chat_completions (SynthSim *self, SoupServerMessage *msg, gint64 received_us);

/* ---- answering over time (synth-sim-stream.c) ------------------------ */

/* Everything decided when a completion is admitted. */
typedef struct
{
  gint64 received_us;
  gboolean stream;
  gboolean include_usage;
  char *model;
  char *request_id;
  guint64 prompt_tokens;
  guint64 charged_tokens; /* taken from the TPM bucket up front */
  SimAnswer *answer;
  gsize content_len; /* bytes of answer->content to send (less when cut off) */
  const char *finish_reason;
  int fault;          /* SynthSimFault or -1 */
  guint64 fault_seed; /* where and how the fault strikes */
  guint ttft_ms;
  double tokens_per_second;
  guint stall_ms;
} SimChatPlan;

void sim_chat_plan_free (SimChatPlan *plan);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (SimChatPlan, sim_chat_plan_free)

/* Answers @msg according to @plan (taken over) from the serving context. */
void sim_request_start (SynthSim *self, SoupServerMessage *msg, SimChatPlan *plan);
/* When the earliest request in flight should end (for a Retry-After when
 * all streams are busy); 0 if none. */
gint64 sim_requests_next_end_us (SynthSim *self);
/* Ends every request in flight (at stop). */
void sim_abort_all_requests (SynthSim *self);
/* Appends a JSON string literal for @len bytes of @text. */
void sim_json_escape (GString *out, const char *text, gsize len);

G_END_DECLS
