/* synth-sim.h — an OpenAI-compatible Chat Completions simulator (DESIGN.md §7).
 *
 * A SoupServer on 127.0.0.1 that answers GET /v1/models and
 * POST /v1/chat/completions (plain and streamed) the way OpenAI does: bodies,
 * SSE chunks, usage, error bodies, x-ratelimit-* headers and real 429s from
 * continuously replenished RPM/TPM buckets. It reads the slot plan from the
 * user message and fabricates records that honour it, unless a fault knob
 * tells it to misbehave. The answer text depends only on the seed and the
 * request's messages and "seed" (so a retry, or the same request streamed or
 * not, gets the same records); which fault strikes depends on the seed and
 * the number of completions admitted so far.
 *
 * Faults and limits, as a client sees them: a 429 rate_limit_exceeded with
 * retry-after(-ms) when the RPM or TPM bucket lacks room (TPM is charged the
 * prompt plus max_tokens / max_completion_tokens up front and settled with
 * the real usage when the answer ends) or when max-streams completions are
 * in flight; 429 insufficient_quota; 400 for json_schema or
 * max_completion_tokens when switched off; 401, 404 with OpenAI's bodies.
 *
 * For tests that run it as a subprocess it also serves GET /sim/stats,
 * GET /sim/log, GET|POST /sim/config and POST /sim/reset (no key needed).
 *
 * Every setter may be called from any thread at any time, also while the
 * simulator runs; it takes effect for the next request. */
#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

typedef enum
{
  SYNTH_SIM_FAULT_5XX,        /* 500/502/503 (or a mid-stream error event) */
  SYNTH_SIM_FAULT_STALL,      /* stops sending for stall-ms, past any sane client timeout */
  SYNTH_SIM_FAULT_DROP,       /* connection closed mid-answer */
  SYNTH_SIM_FAULT_MALFORMED,  /* the answer content is not valid JSON */
  SYNTH_SIM_FAULT_TRUNCATED,  /* the answer is cut off with finish_reason "length" */
  SYNTH_SIM_FAULT_WRONG_SLOT, /* one record ignores its slot: wrong label, wrong bias or missing */
  SYNTH_SIM_N_FAULTS
} SynthSimFault;

/* "5xx", "stall", "drop", "malformed", "truncated", "wrong-slot". */
const char *synth_sim_fault_to_id (SynthSimFault fault);
gboolean synth_sim_fault_from_id (const char *id, SynthSimFault *out_fault);
/* "5xx,stall" or "all" → bit mask of (1 << SynthSimFault). */
gboolean synth_sim_parse_fault_kinds (const char *list, guint *out_mask, GError **error);

typedef struct
{
  guint64 requests;                   /* every /v1 request, whatever its answer */
  guint64 completions;                /* chat completions answered 200 (faulted ones included) */
  guint64 streamed;                   /* … of which streamed */
  guint64 rate_limited;               /* 429 rate_limit_exceeded (RPM, TPM or too many streams) */
  guint64 rate_limited_streams;       /* … of which because of max-streams */
  guint64 quota_errors;               /* 429 insufficient_quota */
  guint64 auth_errors;                /* 401 */
  guint64 not_found;                  /* 404 */
  guint64 bad_requests;               /* 400 */
  guint64 faults[SYNTH_SIM_N_FAULTS]; /* injected faults by kind */
  guint64 client_disconnects;         /* the client went away before the answer ended */
  guint64 prompt_tokens;              /* estimated, as reported in usage */
  guint64 completion_tokens;          /* tokens actually sent */
  guint64 records;                    /* records fabricated into answers */
  guint active_streams;               /* completions in flight now */
  guint max_active_streams;           /* the most in flight at once */
  /* Time from a completion request's arrival to the moment its first
   * complete record was handed to the socket (streamed answers only). */
  guint64 first_record_us_total;
  guint64 first_record_count;
} SynthSimStats;

typedef struct
{
  gint64 received_us; /* g_get_monotonic_time () at arrival */
  guint status;       /* HTTP status of the answer */
  gboolean stream;
  guint n_slots; /* slots in the request's plan */
  int fault;     /* SynthSimFault, or -1 */
  char path[32]; /* "/v1/chat/completions", "/v1/models"… (truncated) */
} SynthSimRequestInfo;

#define SYNTH_TYPE_SIM (synth_sim_get_type ())
G_DECLARE_FINAL_TYPE (SynthSim, synth_sim, SYNTH, SIM, GObject)

/* Defaults: any key accepted, models gpt-4o-mini, gpt-4o, gpt-4.1-mini,
 * gpt-4.1-nano and sim-small; no latency, unlimited speed, RPM 10000,
 * TPM 10,000,000, unlimited streams, no faults, stall 300 s, json_schema and
 * max_completion_tokens supported, seed 42. */
SynthSim *synth_sim_new (void);

/* NULL or "" accepts any key (and none). */
void synth_sim_set_api_key (SynthSim *self, const char *api_key);
void synth_sim_set_models (SynthSim *self, const char *const *models);
void synth_sim_set_seed (SynthSim *self, guint64 seed);
/* Time from the request to the first content token. */
void synth_sim_set_ttft_ms (SynthSim *self, guint ttft_ms);
/* Output speed of each answer; 0 sends everything at once. */
void synth_sim_set_tokens_per_second (SynthSim *self, double tokens_per_second);
/* Requests and tokens per minute; 0 means unlimited. Refills the buckets. */
void synth_sim_set_rate_limits (SynthSim *self, guint rpm, guint tpm);
/* Completions in flight at once; beyond it, 429. 0 means unlimited. */
void synth_sim_set_max_streams (SynthSim *self, guint max_streams);
/* Probability that a completion suffers @fault. Per request one fault at
 * most is drawn: kinds are tried in enum order against their rates (when the
 * rates sum past 1 they are scaled down to sum to 1). */
void synth_sim_set_fault_rate (SynthSim *self, SynthSimFault fault, double rate);
/* @rate for every kind in @kinds_mask, 0 for the others. */
void synth_sim_set_fault_rates (SynthSim *self, double rate, guint kinds_mask);
/* How long a stall lasts before the answer resumes. */
void synth_sim_set_stall_ms (SynthSim *self, guint stall_ms);
/* FALSE: a json_schema response_format is refused with 400 (as many
 * compatible servers do), json_object still works. */
void synth_sim_set_json_schema_supported (SynthSim *self, gboolean supported);
/* FALSE: max_completion_tokens is refused with 400 as an unknown parameter. */
void synth_sim_set_max_completion_tokens_supported (SynthSim *self, gboolean supported);
/* TRUE: every completion is answered 429 insufficient_quota. */
void synth_sim_set_quota_exhausted (SynthSim *self, gboolean exhausted);

/* Partial update from JSON, the body of POST /sim/config: any of "api_key",
 * "models", "seed", "ttft_ms", "tokens_per_second", "rpm", "tpm",
 * "max_streams", "stall_ms", "fault_rate" + "fault_kinds" (list or "a,b"),
 * "fault_rates" ({"5xx": 0.1, …}), "json_schema", "max_completion_tokens",
 * "quota_exhausted". Unknown members are an error. */
gboolean synth_sim_apply_config_json (SynthSim *self, const char *json, GError **error);
/* The current configuration in the same form (the key is never shown). */
char *synth_sim_dup_config_json (SynthSim *self);

void synth_sim_get_stats (SynthSim *self, SynthSimStats *out_stats);
/* The same as GET /sim/stats: the fields above, faults by id. */
char *synth_sim_dup_stats_json (SynthSim *self);
/* Zeroes the counters (and the request log); in-flight counts stay. */
void synth_sim_reset_stats (SynthSim *self);
/* A copy of the log of /v1 requests (at most the last 100,000), oldest
 * first, GArray of SynthSimRequestInfo. */
GArray *synth_sim_dup_request_log (SynthSim *self);

/* Listens on 127.0.0.1, port 0 unless synth_sim_set_port() chose one, and
 * serves from the caller's thread-default main context. */
void synth_sim_set_port (SynthSim *self, guint port);
gboolean synth_sim_start (SynthSim *self, GError **error);
/* The same, from a thread of its own with its own GMainContext, so a
 * client that blocks or iterates another context still gets answers. */
gboolean synth_sim_start_in_thread (SynthSim *self, GError **error);
/* Closes every connection and stops listening (and joins the thread). */
void synth_sim_stop (SynthSim *self);
guint synth_sim_get_port (SynthSim *self);
/* "http://127.0.0.1:PORT/v1" once started, NULL before. */
const char *synth_sim_get_base_url (SynthSim *self);

G_END_DECLS
