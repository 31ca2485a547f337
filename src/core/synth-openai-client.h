/* synth-openai-client.h — one OpenAI-compatible endpoint over libsoup 3
 * (DESIGN.md §5, OPENAI.md).
 *
 * A SynthOpenaiClient owns one SoupSession sized for the run's concurrency.
 * It sends one batch of slots per Chat Completions request, streamed by
 * default: the SSE body is parsed as it arrives, each record object is
 * validated against its slot the moment its closing brace arrives and handed
 * to the caller at once, so records reach the run store one by one.
 *
 * Failures are SYNTH_API_ERROR codes callers branch on (retry or stop), with
 * messages for people. The API key is sent only over https or plain http to
 * loopback, and never appears in a message or a log. What each endpoint does
 * not support (json_schema response formats, max_completion_tokens) is
 * learnt from its 400 answers, remembered per base URL for the life of the
 * process, and the request is sent again in the older form. */
#pragma once

#include <gio/gio.h>
#include <libsoup/soup.h>

#include "synth-answer.h"
#include "synth-prompt.h"
#include "synth-rate-limit.h"
#include "synth-record.h"
#include "synth-slot-plan.h"

G_BEGIN_DECLS

#define SYNTH_API_ERROR (synth_api_error_quark ())

typedef enum
{
  SYNTH_API_ERROR_AUTH,         /* 401: the key is missing or wrong */
  SYNTH_API_ERROR_PERMISSION,   /* 403: region, organisation or project not allowed */
  SYNTH_API_ERROR_NOT_FOUND,    /* 404: unknown model (or a base URL without the API) */
  SYNTH_API_ERROR_BAD_REQUEST,  /* other 4xx the server will refuse again */
  SYNTH_API_ERROR_QUOTA,        /* 429 insufficient_quota: out of credit */
  SYNTH_API_ERROR_RATE_LIMITED, /* 429 rate_limit_exceeded: wait and retry */
  SYNTH_API_ERROR_SERVER,       /* 5xx, 408, 409, or an error event mid-stream */
  SYNTH_API_ERROR_TIMEOUT,      /* nothing arrived for the timeout */
  SYNTH_API_ERROR_NETWORK,      /* could not connect, or the connection dropped */
  SYNTH_API_ERROR_PROTOCOL,     /* the answer is not what the API promises */
  SYNTH_API_ERROR_INSECURE,     /* the key would travel in clear text: refused, nothing sent */
  SYNTH_API_ERROR_TLS,          /* the certificate was refused (never ignored) */
  SYNTH_API_ERROR_CANCELLED,    /* the caller cancelled */
  SYNTH_API_ERROR_BUDGET,       /* the next request would spend past the budget cap */
} SynthApiError;

GQuark synth_api_error_quark (void);

/* TRUE for the codes a retry may cure: RATE_LIMITED, SERVER, TIMEOUT,
 * NETWORK, PROTOCOL (a garbled answer). */
gboolean synth_api_error_is_retryable (const GError *error);

#define SYNTH_OPENAI_DEFAULT_BASE_URL "https://api.openai.com/v1"
/* Seconds without a byte from the server before a streamed request is given
 * up (a non-streamed one also gets time for the whole answer). */
#define SYNTH_OPENAI_DEFAULT_TIMEOUT 120

/* Checks that @base_url is an absolute http(s) URL and, when @with_key, that
 * the key would not travel in clear text: https, or http to a loopback host
 * (localhost, 127.0.0.0/8, ::1). SYNTH_API_ERROR_INSECURE explains the
 * refusal and what to do; a malformed URL is SYNTH_API_ERROR_BAD_REQUEST. */
gboolean synth_openai_check_base_url (const char *base_url, gboolean with_key, GError **error);
/* Whether @base_url names a server on this computer (127.0.0.0/8, ::1,
 * localhost): such servers usually need no key. */
gboolean synth_openai_base_url_is_loopback (const char *base_url);

#define SYNTH_TYPE_OPENAI_CLIENT (synth_openai_client_get_type ())
G_DECLARE_FINAL_TYPE (SynthOpenaiClient, synth_openai_client, SYNTH, OPENAI_CLIENT, GObject)

/* @base_url NULL: OpenAI's. @api_key NULL or "": no Authorization header
 * (local servers). @max_connections ≥ 1 (the run's concurrency).
 * @timeout_ms 0: SYNTH_OPENAI_DEFAULT_TIMEOUT. Fails (nothing sent) when
 * synth_openai_check_base_url() does. The client is used from the
 * thread-default main context it was created on. SYNTH_DEBUG_HTTP=headers|body
 * in the environment logs the traffic with g_debug, the key redacted. */
SynthOpenaiClient *synth_openai_client_new (const char *base_url,
                                            const char *api_key,
                                            guint max_connections,
                                            guint timeout_ms,
                                            GError **error);
const char *synth_openai_client_get_base_url (SynthOpenaiClient *self);
guint synth_openai_client_get_max_connections (SynthOpenaiClient *self);
guint synth_openai_client_get_timeout_ms (SynthOpenaiClient *self);

/* What this endpoint accepts, as learnt so far (shared by every client of
 * the same base URL). */
SynthResponseFormat synth_openai_client_get_response_format (SynthOpenaiClient *self);
SynthTokenLimitField synth_openai_client_get_token_limit_field (SynthOpenaiClient *self);

/* GET {base}/models: the model ids (a new NULL-terminated vector). The cheap
 * way to check a key: a wrong one fails with SYNTH_API_ERROR_AUTH. */
void synth_openai_client_list_models_async (SynthOpenaiClient *self,
                                            GCancellable *cancellable,
                                            GAsyncReadyCallback callback,
                                            gpointer user_data);
char **synth_openai_client_list_models_finish (SynthOpenaiClient *self,
                                               GAsyncResult *result,
                                               GError **error);

/* ---- one batch ------------------------------------------------------------ */

/* One batch of slots and everything its request learnt: the records, the
 * rejections, usage, finish reason, the server's rate-limit headers. */
typedef struct _SynthOpenaiCompletion SynthOpenaiCompletion;

/* Called on the client's main context for each accepted record (already
 * validated against its slot; transfer none, ref it to keep it). */
typedef void (*SynthOpenaiRecordFunc) (SynthOpenaiCompletion *completion,
                                       SynthRecord *record,
                                       gpointer user_data);
/* Called when a response's status and headers arrive (once per HTTP request,
 * errors included), before its body: the moment to read x-ratelimit-*. */
typedef void (*SynthOpenaiHeadersFunc) (SynthOpenaiCompletion *completion,
                                        guint status,
                                        SoupMessageHeaders *headers,
                                        gpointer user_data);

/* @run_id makes the record ids; @slots (copied) carry their plan index. */
SynthOpenaiCompletion *synth_openai_completion_new (const char *run_id,
                                                    const char *model,
                                                    const SynthSlot *slots,
                                                    guint n_slots);
SynthOpenaiCompletion *synth_openai_completion_ref (SynthOpenaiCompletion *self);
void synth_openai_completion_unref (SynthOpenaiCompletion *self);

/* Streamed (default TRUE), temperature (default 0.9), seed (default none),
 * max_tokens (default 0: synth_prompt_suggest_max_tokens with no cap). Set
 * before sending. */
void synth_openai_completion_set_stream (SynthOpenaiCompletion *self, gboolean stream);
void synth_openai_completion_set_temperature (SynthOpenaiCompletion *self, double temperature);
void synth_openai_completion_set_seed (SynthOpenaiCompletion *self, gint64 seed);
void synth_openai_completion_set_max_tokens (SynthOpenaiCompletion *self, guint max_tokens);
void synth_openai_completion_set_callbacks (SynthOpenaiCompletion *self,
                                            SynthOpenaiRecordFunc record_func,
                                            SynthOpenaiHeadersFunc headers_func,
                                            gpointer user_data);

const SynthSlot *synth_openai_completion_get_slots (SynthOpenaiCompletion *self, guint *n_slots);
guint synth_openai_completion_get_max_tokens (SynthOpenaiCompletion *self);

/* Before sending, with the endpoint's current request form: tokens as the
 * server will count them at admission (the prompt plus max_tokens), and the
 * expected prompt and completion tokens (for cost estimates). */
guint64 synth_openai_client_estimate (SynthOpenaiClient *self,
                                      SynthOpenaiCompletion *completion,
                                      guint64 *out_prompt_tokens,
                                      guint64 *out_completion_tokens);

/* Sends the batch (again after a fallback: see above). Finishes TRUE when an
 * answer arrived completely, even if records in it were rejected (see the
 * answer batch) or it was cut at the token limit (finish reason "length").
 * FALSE with a SYNTH_API_ERROR otherwise; the records already reported stay
 * good, and the answer batch says which slots are still unfilled. A
 * completion is sent once. */
void synth_openai_client_complete_async (SynthOpenaiClient *self,
                                         SynthOpenaiCompletion *completion,
                                         GCancellable *cancellable,
                                         GAsyncReadyCallback callback,
                                         gpointer user_data);
gboolean
synth_openai_client_complete_finish (SynthOpenaiClient *self, GAsyncResult *result, GError **error);

/* The validation state: accepted records, rejections, unfilled slots. */
SynthAnswerBatch *synth_openai_completion_get_answer (SynthOpenaiCompletion *self);
/* NULL, SYNTH_REJECT_MALFORMED_JSON (no records array in the answer) or
 * SYNTH_REJECT_TRUNCATED (it stopped before the array closed). */
const char *synth_openai_completion_get_problem (SynthOpenaiCompletion *self);
/* "stop", "length", "content_filter"…, or NULL when none arrived. */
const char *synth_openai_completion_get_finish_reason (SynthOpenaiCompletion *self);
/* The model's refusal text, or NULL. */
const char *synth_openai_completion_get_refusal (SynthOpenaiCompletion *self);
/* Usage as the server reported it; when it reported none (a dropped stream),
 * an estimate from what was sent and received, and *@out_reported FALSE. */
void synth_openai_completion_get_usage (SynthOpenaiCompletion *self,
                                        guint64 *out_prompt_tokens,
                                        guint64 *out_completion_tokens,
                                        gboolean *out_reported);
/* HTTP requests made (a fallback resends), and the last one's status (0 when
 * no response arrived). */
guint synth_openai_completion_get_n_requests (SynthOpenaiCompletion *self);
guint synth_openai_completion_get_status (SynthOpenaiCompletion *self);
/* The server's wait (retry-after-ms / retry-after) from the last response,
 * or -1; and its x-should-retry opinion. */
gint64 synth_openai_completion_get_retry_after_ms (SynthOpenaiCompletion *self);
SynthShouldRetry synth_openai_completion_get_should_retry (SynthOpenaiCompletion *self);
/* g_get_monotonic_time() when the last request was sent. */
gint64 synth_openai_completion_get_sent_at (SynthOpenaiCompletion *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (SynthOpenaiCompletion, synth_openai_completion_unref)

G_END_DECLS
