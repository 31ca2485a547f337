/* synth-sim-stream.c — sending an admitted answer over time: the first
 * token after the TTFT, then tokens at the configured speed, as SSE chunks
 * or as one body; stalls, dropped connections and mid-stream errors; the
 * settlement of the TPM bucket when the request ends, however it ends. */
#include "synth-sim-private.h"

#include <errno.h>
#include <string.h>
#include <sys/socket.h>

#define PEER_CHECK_US (250 * 1000) /* how often a waiting request looks for a gone client */

struct _SimRequest
{
  SynthSim *self;
  SoupServerMessage *msg;
  SimChatPlan *plan;
  GSource *timer;
  SynthRng rng;

  char *completion_id; /* chatcmpl-… */
  char *chunk_prefix;  /* {"id":…,"object":"chat.completion.chunk",…,"choices":[ */
  const char *usage_null;
  GArray *piece_ends;   /* gsize: byte offset where each piece of content ends */
  GArray *piece_tokens; /* guint64: tokens generated up to the end of each piece */
  guint next_piece;
  gboolean role_sent;
  gint64 first_due_us; /* arrival + time to first token */
  gint64 delay_us;     /* added by a stall */
  guint fault_piece;   /* where a stream's stall, drop or error strikes */
  gboolean fault_done;
  gboolean ended; /* the last byte is queued (or the connection cut) */
  guint64 sent_tokens;
  guint64 sent_chars; /* counted piece by piece: re-counting from the start was quadratic */
  gboolean first_record_seen;
};

void
sim_chat_plan_free (SimChatPlan *plan)
{
  g_free (plan->model);
  g_free (plan->request_id);
  g_clear_pointer (&plan->answer, sim_answer_free);
  g_free (plan);
}

void
sim_json_escape (GString *out, const char *text, gsize len)
{
  g_string_append_c (out, '"');
  for (gsize i = 0; i < len; i++)
    {
      guchar c = text[i];
      switch (c)
        {
        case '"':
          g_string_append (out, "\\\"");
          break;
        case '\\':
          g_string_append (out, "\\\\");
          break;
        case '\n':
          g_string_append (out, "\\n");
          break;
        case '\r':
          g_string_append (out, "\\r");
          break;
        case '\t':
          g_string_append (out, "\\t");
          break;
        default:
          if (c < 0x20)
            g_string_append_printf (out, "\\u%04x", c);
          else
            g_string_append_c (out, c);
        }
    }
  g_string_append_c (out, '"');
}

static gboolean request_tick (gpointer data);

/* When piece @index (or, past the last, the whole answer) is generated. */
static gint64
due_us (SimRequest *r, guint index)
{
  double tps = r->plan->tokens_per_second;
  guint64 tokens;

  if (tps <= 0 || r->piece_tokens->len == 0)
    return r->first_due_us + r->delay_us;
  tokens = g_array_index (r->piece_tokens, guint64, MIN (index, r->piece_tokens->len - 1));
  return r->first_due_us + r->delay_us + (gint64) (tokens * 1e6 / tps);
}

/* Pieces of one to six tokens, as a tokenizer would hand them out. */
static void
split_pieces (SimRequest *r)
{
  const char *content = r->plan->answer->content;
  gsize len = r->plan->content_len;
  gsize at = 0;
  guint64 tokens = 0;

  r->piece_ends = g_array_new (FALSE, FALSE, sizeof (gsize));
  r->piece_tokens = g_array_new (FALSE, FALSE, sizeof (guint64));
  while (at < len)
    {
      guint n_tokens = 1 + synth_rng_below (&r->rng, 6);
      const char *p = content + at;

      for (guint chars = 0; chars < n_tokens * 4 && p < content + len; chars++)
        p = g_utf8_next_char (p);
      at = MIN ((gsize) (p - content), len);
      tokens += n_tokens;
      g_array_append_val (r->piece_ends, at);
      g_array_append_val (r->piece_tokens, tokens);
    }
}

static guint64
completion_tokens (SimRequest *r)
{
  return sim_estimate_tokens (r->plan->answer->content, r->plan->content_len);
}

static void
schedule (SimRequest *r, gint64 when_us)
{
  gint64 now = g_get_monotonic_time ();
  gint64 wait_us = CLAMP (when_us - now, 0, PEER_CHECK_US);

  g_assert (r->timer == NULL);
  r->timer = g_timeout_source_new ((guint) ((wait_us + 999) / 1000));
  g_source_set_callback (r->timer, request_tick, r, NULL);
  g_source_attach (r->timer, r->self->context);
  g_source_unref (r->timer);
}

/* ---- ending ---------------------------------------------------------- */

/* Runs when libsoup is done with the message, whatever happened. */
static void
request_finished (SimRequest *r)
{
  SynthSim *self = r->self;
  SimChatPlan *plan = r->plan;
  double refund = (double) plan->charged_tokens - (double) (plan->prompt_tokens + r->sent_tokens);

  if (r->timer != NULL)
    g_source_destroy (r->timer);
  g_signal_handlers_disconnect_by_data (r->msg, r);
  self->active = g_list_remove (self->active, r);

  g_mutex_lock (&self->lock);
  sim_bucket_refill (&self->tokens_bucket, g_get_monotonic_time ());
  if (self->config.tpm > 0)
    self->tokens_bucket.level =
        MIN (self->tokens_bucket.capacity, self->tokens_bucket.level + refund);
  self->stats.completion_tokens += r->sent_tokens;
  self->stats.active_streams--;
  g_mutex_unlock (&self->lock);

  g_object_unref (r->msg);
  g_array_unref (r->piece_ends);
  g_array_unref (r->piece_tokens);
  g_free (r->chunk_prefix);
  g_free (r->completion_id);
  sim_chat_plan_free (plan);
  g_free (r);
}

/* Closes the connection under the answer: the client sees it end early. */
static void
cut_connection (SimRequest *r)
{
  GSocket *socket = soup_server_message_get_socket (r->msg);

  if (socket != NULL)
    g_socket_shutdown (socket, TRUE, TRUE, NULL);
  if (soup_server_message_get_status (r->msg) == 0)
    soup_server_message_set_status (r->msg, SOUP_STATUS_OK, NULL);
  if (r->plan->stream)
    soup_message_body_complete (soup_server_message_get_response_body (r->msg));
  r->ended = TRUE;
  /* libsoup learns of it at the next write and finishes the message. */
  soup_server_message_unpause (r->msg);
}

/* TRUE when the client has closed its end (it timed out or gave up). */
static gboolean
peer_gone (SimRequest *r)
{
  GSocket *socket = soup_server_message_get_socket (r->msg);
  char byte;
  gssize n;

  if (socket == NULL)
    return TRUE;
  n = recv (g_socket_get_fd (socket), &byte, 1, MSG_PEEK | MSG_DONTWAIT);
  return n == 0 || (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR);
}

/* ---- streamed answers -------------------------------------------------- */

static void
append_event (SimRequest *r, GString *event)
{
  SoupMessageBody *body = soup_server_message_get_response_body (r->msg);

  g_string_prepend (event, "data: ");
  g_string_append (event, "\n\n");
  soup_message_body_append (body, SOUP_MEMORY_TAKE, event->str, event->len);
  g_string_free (event, FALSE);
}

static void
append_chunk (SimRequest *r, const char *delta, const char *finish_reason)
{
  GString *event = g_string_new (r->chunk_prefix);

  g_string_append_printf (event,
                          "{\"index\":0,\"delta\":%s,\"logprobs\":null,\"finish_reason\":", delta);
  if (finish_reason != NULL)
    g_string_append_printf (event, "\"%s\"", finish_reason);
  else
    g_string_append (event, "null");
  g_string_append_printf (event, "}]%s}", r->usage_null);
  append_event (r, event);
}

static void
append_piece (SimRequest *r, gsize start, gsize end)
{
  GString *delta = g_string_new ("{\"content\":");

  sim_json_escape (delta, r->plan->answer->content + start, end - start);
  g_string_append_c (delta, '}');
  append_chunk (r, delta->str, NULL);
  g_string_free (delta, TRUE);
}

static void
append_ending (SimRequest *r)
{
  SimChatPlan *plan = r->plan;

  append_chunk (r, "{}", plan->finish_reason);
  if (plan->include_usage)
    {
      GString *event = g_string_new (r->chunk_prefix);
      guint64 completion = r->sent_tokens;

      g_string_append_printf (event,
                              "],\"usage\":{\"prompt_tokens\":%" G_GUINT64_FORMAT
                              ",\"completion_tokens\":%" G_GUINT64_FORMAT
                              ",\"total_tokens\":%" G_GUINT64_FORMAT "}}",
                              plan->prompt_tokens, completion, plan->prompt_tokens + completion);
      append_event (r, event);
    }
  append_event (r, g_string_new ("[DONE]"));
  soup_message_body_complete (soup_server_message_get_response_body (r->msg));
  r->ended = TRUE;
}

static void
note_first_record (SimRequest *r, gsize sent_until)
{
  GArray *ends = r->plan->answer->record_ends;

  if (r->first_record_seen || ends->len == 0 || g_array_index (ends, gsize, 0) > sent_until)
    return;
  r->first_record_seen = TRUE;
  g_mutex_lock (&r->self->lock);
  r->self->stats.first_record_us_total += g_get_monotonic_time () - r->plan->received_us;
  r->self->stats.first_record_count++;
  g_mutex_unlock (&r->self->lock);
}

/* A fault that strikes a stream part-way. FALSE when the stream is over. */
static gboolean
stream_fault (SimRequest *r)
{
  r->fault_done = TRUE;
  switch (r->plan->fault)
    {
    case SYNTH_SIM_FAULT_STALL:
      r->delay_us += (gint64) r->plan->stall_ms * 1000;
      return TRUE;
    case SYNTH_SIM_FAULT_DROP:
      cut_connection (r);
      return FALSE;
    case SYNTH_SIM_FAULT_5XX:
      append_event (r, g_string_new ("{\"error\":{\"message\":\"The server had an error while "
                                     "processing your request. Sorry about that!\",\"type\":"
                                     "\"server_error\",\"param\":null,\"code\":null}}"));
      soup_message_body_complete (soup_server_message_get_response_body (r->msg));
      r->ended = TRUE;
      return FALSE;
    default:
      return TRUE;
    }
}

/* Sends whatever is due by now; returns when the next thing is due. */
static gint64
stream_step (SimRequest *r, gint64 now)
{
  gint64 next;

  while (!r->ended)
    {
      if (!r->role_sent)
        {
          if (now < r->first_due_us + r->delay_us)
            return r->first_due_us + r->delay_us;
          append_chunk (r, "{\"role\":\"assistant\",\"content\":\"\",\"refusal\":null}", NULL);
          r->role_sent = TRUE;
          continue;
        }
      if (!r->fault_done && r->next_piece >= r->fault_piece)
        {
          if (!stream_fault (r))
            return 0;
          continue;
        }
      if (r->next_piece < r->piece_ends->len)
        {
          gsize start =
              r->next_piece > 0 ? g_array_index (r->piece_ends, gsize, r->next_piece - 1) : 0;
          gsize end = g_array_index (r->piece_ends, gsize, r->next_piece);

          if (now < (next = due_us (r, r->next_piece)))
            return next;
          append_piece (r, start, end);
          r->sent_chars += g_utf8_strlen (r->plan->answer->content + start, end - start);
          r->sent_tokens = (r->sent_chars + 3) / 4;
          note_first_record (r, end);
          r->next_piece++;
          continue;
        }
      r->sent_tokens = completion_tokens (r);
      append_ending (r);
    }
  return 0;
}

/* ---- answers in one body --------------------------------------------- */

static void
set_plain_response (SimRequest *r)
{
  SimChatPlan *plan = r->plan;
  g_autoptr (JsonBuilder) b = json_builder_new ();
  g_autoptr (JsonNode) root = NULL;
  g_autofree char *content = g_strndup (plan->answer->content, plan->content_len);
  guint64 completion = completion_tokens (r);

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "id");
  json_builder_add_string_value (b, r->completion_id);
  json_builder_set_member_name (b, "object");
  json_builder_add_string_value (b, "chat.completion");
  json_builder_set_member_name (b, "created");
  json_builder_add_int_value (b, g_get_real_time () / G_USEC_PER_SEC);
  json_builder_set_member_name (b, "model");
  json_builder_add_string_value (b, plan->model);
  json_builder_set_member_name (b, "choices");
  json_builder_begin_array (b);
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "index");
  json_builder_add_int_value (b, 0);
  json_builder_set_member_name (b, "message");
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "role");
  json_builder_add_string_value (b, "assistant");
  json_builder_set_member_name (b, "content");
  json_builder_add_string_value (b, content);
  json_builder_set_member_name (b, "refusal");
  json_builder_add_null_value (b);
  json_builder_end_object (b);
  json_builder_set_member_name (b, "logprobs");
  json_builder_add_null_value (b);
  json_builder_set_member_name (b, "finish_reason");
  json_builder_add_string_value (b, plan->finish_reason);
  json_builder_end_object (b);
  json_builder_end_array (b);
  json_builder_set_member_name (b, "usage");
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "prompt_tokens");
  json_builder_add_int_value (b, plan->prompt_tokens);
  json_builder_set_member_name (b, "completion_tokens");
  json_builder_add_int_value (b, completion);
  json_builder_set_member_name (b, "total_tokens");
  json_builder_add_int_value (b, plan->prompt_tokens + completion);
  json_builder_end_object (b);
  json_builder_set_member_name (b, "system_fingerprint");
  json_builder_add_string_value (b, "fp_sim");
  json_builder_end_object (b);

  root = json_builder_get_root (b);
  sim_reply_json (r->msg, SOUP_STATUS_OK, root);
  r->sent_tokens = completion;
  r->ended = TRUE;
}

static gint64
plain_step (SimRequest *r, gint64 now)
{
  gint64 due = due_us (r, G_MAXUINT);

  if (now < due)
    return due;
  if (r->plan->fault == SYNTH_SIM_FAULT_STALL && !r->fault_done)
    {
      r->fault_done = TRUE;
      r->delay_us += (gint64) r->plan->stall_ms * 1000;
      return due_us (r, G_MAXUINT);
    }
  if (r->plan->fault == SYNTH_SIM_FAULT_DROP)
    {
      cut_connection (r);
      return 0;
    }
  set_plain_response (r);
  return 0;
}

/* ---- driving a request --------------------------------------------------- */

static gboolean
request_tick (gpointer data)
{
  SimRequest *r = data;
  gint64 now = g_get_monotonic_time ();
  gint64 next;

  r->timer = NULL;
  if (peer_gone (r))
    {
      g_mutex_lock (&r->self->lock);
      r->self->stats.client_disconnects++;
      g_mutex_unlock (&r->self->lock);
      cut_connection (r);
      return G_SOURCE_REMOVE;
    }
  next = r->plan->stream ? stream_step (r, now) : plain_step (r, now);
  if (r->plan->stream || r->ended)
    soup_server_message_unpause (r->msg);
  if (!r->ended)
    schedule (r, next);
  return G_SOURCE_REMOVE;
}

static char *
make_completion_id (SynthRng *rng)
{
  static const char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
  char id[9 + 29 + 1] = "chatcmpl-";

  for (guint i = 9; i < sizeof id - 1; i++)
    id[i] = alphabet[synth_rng_below (rng, sizeof alphabet - 1)];
  id[sizeof id - 1] = '\0';
  return g_strdup (id);
}

static void
set_headers (SimRequest *r)
{
  SoupMessageHeaders *headers = soup_server_message_get_response_headers (r->msg);

  soup_message_headers_replace (headers, "x-request-id", r->plan->request_id);
  soup_message_headers_replace (headers, "openai-organization", "org-sim");
  g_mutex_lock (&r->self->lock);
  sim_add_rate_limit_headers (r->self, r->msg);
  g_mutex_unlock (&r->self->lock);
  if (r->plan->stream)
    {
      /* Headers go out now; the events follow as they are generated. */
      soup_server_message_set_status (r->msg, SOUP_STATUS_OK, NULL);
      soup_message_headers_replace (headers, "Content-Type", "text/event-stream; charset=utf-8");
      soup_message_headers_replace (headers, "Cache-Control", "no-cache");
      soup_message_headers_set_encoding (headers, SOUP_ENCODING_CHUNKED);
    }
  else
    soup_server_message_pause (r->msg);
}

void
sim_request_start (SynthSim *self, SoupServerMessage *msg, SimChatPlan *plan)
{
  SimRequest *r = g_new0 (SimRequest, 1);
  GString *prefix;
  int fault = plan->fault;

  r->self = self;
  r->msg = g_object_ref (msg);
  r->plan = plan;
  synth_rng_init (&r->rng, plan->fault_seed);
  r->first_due_us = plan->received_us + (gint64) plan->ttft_ms * 1000;
  r->completion_id = make_completion_id (&r->rng);
  r->usage_null = plan->include_usage ? ",\"usage\":null" : "";
  prefix = g_string_new (NULL);
  g_string_append_printf (
      prefix,
      "{\"id\":\"%s\",\"object\":\"chat.completion.chunk\",\"created\":%" G_GINT64_FORMAT
      ",\"model\":",
      r->completion_id, g_get_real_time () / G_USEC_PER_SEC);
  sim_json_escape (prefix, plan->model, strlen (plan->model));
  g_string_append (prefix, ",\"system_fingerprint\":\"fp_sim\",\"choices\":[");
  r->chunk_prefix = g_string_free (prefix, FALSE);
  split_pieces (r);
  r->fault_piece = synth_rng_below (&r->rng, r->piece_ends->len / 2 + 1);
  r->fault_done = fault != SYNTH_SIM_FAULT_STALL && fault != SYNTH_SIM_FAULT_DROP &&
                  fault != SYNTH_SIM_FAULT_5XX;

  set_headers (r);
  g_signal_connect_swapped (msg, "finished", G_CALLBACK (request_finished), r);
  self->active = g_list_prepend (self->active, r);
  g_mutex_lock (&self->lock);
  self->stats.active_streams++;
  self->stats.max_active_streams = MAX (self->stats.max_active_streams, self->stats.active_streams);
  g_mutex_unlock (&self->lock);
  schedule (r, r->first_due_us);
}

gint64
sim_requests_next_end_us (SynthSim *self)
{
  gint64 best = 0;

  for (GList *l = self->active; l != NULL; l = l->next)
    {
      gint64 end = due_us (l->data, G_MAXUINT);
      if (best == 0 || end < best)
        best = end;
    }
  return best;
}

void
sim_abort_all_requests (SynthSim *self)
{
  while (self->active != NULL)
    request_finished (self->active->data);
}
