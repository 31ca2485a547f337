/* test-openai-client.c — one endpoint, request by request, against the
 * simulator over real loopback HTTP: records reported while the answer still
 * streams, errors mapped to codes callers branch on (with messages that say
 * what to do and never quote the key), the fallbacks remembered per endpoint,
 * the watchdog, cancelling, and what is refused before anything is sent. */
#include <string.h>

#include "synth-openai-client.h"
#include "synth-sim.h"

#define TEST_KEY "sk-test-client-0123456789abcdefghij"
#define MODEL "gpt-4o-mini"

static SynthSim *
start_sim (void)
{
  g_autoptr (GError) error = NULL;
  SynthSim *sim = synth_sim_new ();

  synth_sim_set_api_key (sim, TEST_KEY);
  g_assert_true (synth_sim_start_in_thread (sim, &error));
  g_assert_no_error (error);
  return sim;
}

static void
stop_sim (SynthSim *sim)
{
  synth_sim_stop (sim);
  g_object_unref (sim);
}

static SynthOpenaiClient *
new_client (SynthSim *sim, const char *key, guint timeout_ms)
{
  g_autoptr (GError) error = NULL;
  SynthOpenaiClient *client =
      synth_openai_client_new (synth_sim_get_base_url (sim), key, 4, timeout_ms, &error);
  g_assert_no_error (error);
  return client;
}

/* The first @n slots of a balanced plan of 40. */
static SynthSlotPlan *
make_plan (void)
{
  g_autoptr (SynthRunSpec) spec = synth_run_spec_new ();
  g_autoptr (GError) error = NULL;
  SynthSlotPlan *plan;

  spec->records = 40;
  plan = synth_slot_plan_new_balanced (spec, &error);
  g_assert_no_error (error);
  return plan;
}

typedef struct
{
  gboolean done;
  gboolean ok;
  GError *error;
  GPtrArray *records;
  gint64 first_record_us;
  gint64 done_us;
  guint n_headers;
  guint last_status;
  gboolean saw_rate_headers;
  GCancellable *cancellable;
  guint cancel_after;
} Call;

static void
on_record (SynthOpenaiCompletion *completion, SynthRecord *record, gpointer user_data)
{
  Call *call = user_data;

  if (call->records->len == 0)
    call->first_record_us = g_get_monotonic_time ();
  g_ptr_array_add (call->records, g_object_ref (record));
  if (call->cancel_after > 0 && call->records->len >= call->cancel_after)
    g_cancellable_cancel (call->cancellable);
}

static void
on_headers (SynthOpenaiCompletion *completion,
            guint status,
            SoupMessageHeaders *headers,
            gpointer user_data)
{
  Call *call = user_data;

  call->n_headers++;
  call->last_status = status;
  call->saw_rate_headers =
      soup_message_headers_get_one (headers, "x-ratelimit-limit-requests") != NULL;
}

static void
on_complete (GObject *source, GAsyncResult *result, gpointer user_data)
{
  Call *call = user_data;

  call->ok =
      synth_openai_client_complete_finish (SYNTH_OPENAI_CLIENT (source), result, &call->error);
  call->done_us = g_get_monotonic_time ();
  call->done = TRUE;
}

static void
call_clear (Call *call)
{
  g_clear_error (&call->error);
  g_clear_pointer (&call->records, g_ptr_array_unref);
  g_clear_object (&call->cancellable);
}

/* Sends @n slots of @plan (from @first) and waits for the answer. */
static SynthOpenaiCompletion *
complete (SynthOpenaiClient *client,
          SynthSlotPlan *plan,
          guint first,
          guint n,
          gboolean stream,
          Call *call)
{
  SynthOpenaiCompletion *completion;

  if (call->records == NULL)
    call->records = g_ptr_array_new_with_free_func (g_object_unref);
  if (call->cancellable == NULL)
    call->cancellable = g_cancellable_new ();
  completion =
      synth_openai_completion_new ("run-test", MODEL, synth_slot_plan_get_slot (plan, first), n);
  synth_openai_completion_set_stream (completion, stream);
  synth_openai_completion_set_callbacks (completion, on_record, on_headers, call);
  synth_openai_client_complete_async (client, completion, call->cancellable, on_complete, call);
  while (!call->done)
    g_main_context_iteration (NULL, TRUE);
  return completion;
}

static void
check_answer (
    SynthOpenaiCompletion *completion, SynthSlotPlan *plan, guint first, guint n, Call *call)
{
  guint64 prompt, completion_tokens;
  gboolean reported;

  g_assert_no_error (call->error);
  g_assert_true (call->ok);
  g_assert_cmpuint (call->records->len, ==, n);
  for (guint i = 0; i < call->records->len; i++)
    {
      SynthRecord *record = call->records->pdata[i];
      const SynthSlot *slot = synth_slot_plan_get_slot (plan, synth_record_get_index (record));

      g_assert_cmpuint (synth_record_get_index (record), >=, first);
      g_assert_cmpuint (synth_record_get_index (record), <, first + n);
      g_assert_cmpint (synth_record_get_match_label (record), ==, slot->match_label);
      g_assert_cmpint (synth_record_get_bias_type (record), ==, slot->bias_type);
    }
  synth_openai_completion_get_usage (completion, &prompt, &completion_tokens, &reported);
  g_assert_true (reported);
  g_assert_cmpuint (prompt, >, 0);
  g_assert_cmpuint (completion_tokens, >, 0);
  g_assert_cmpstr (synth_openai_completion_get_finish_reason (completion), ==, "stop");
  g_assert_null (synth_openai_completion_get_problem (completion));
  /* Once per HTTP request (a fallback sends again). */
  g_assert_cmpuint (call->n_headers, ==, synth_openai_completion_get_n_requests (completion));
  g_assert_cmpuint (call->last_status, ==, 200);
}

static void
test_streamed (void)
{
  SynthSim *sim = start_sim ();
  g_autoptr (SynthOpenaiClient) client = new_client (sim, TEST_KEY, 0);
  g_autoptr (SynthSlotPlan) plan = make_plan ();
  g_autoptr (SynthOpenaiCompletion) completion = NULL;
  SynthSimStats stats;
  Call call = { 0 };

  /* About a second for the whole answer: the first record must be reported
   * long before the end. */
  synth_sim_set_tokens_per_second (sim, 4000);
  completion = complete (client, plan, 0, 6, TRUE, &call);
  check_answer (completion, plan, 0, 6, &call);
  g_test_message ("first record after the request's end minus %.0f ms",
                  (call.done_us - call.first_record_us) / 1000.0);
  g_assert_cmpint (call.done_us - call.first_record_us, >, 200000);
  /* The rate-limit headers reach the caller before the body. */
  g_assert_true (call.saw_rate_headers);
  synth_sim_get_stats (sim, &stats);
  g_assert_cmpuint (stats.streamed, ==, 1);
  call_clear (&call);
  stop_sim (sim);
}

static void
test_plain (void)
{
  SynthSim *sim = start_sim ();
  g_autoptr (SynthOpenaiClient) client = new_client (sim, TEST_KEY, 0);
  g_autoptr (SynthSlotPlan) plan = make_plan ();
  g_autoptr (SynthOpenaiCompletion) completion = NULL;
  SynthSimStats stats;
  Call call = { 0 };

  completion = complete (client, plan, 10, 5, FALSE, &call);
  check_answer (completion, plan, 10, 5, &call);
  synth_sim_get_stats (sim, &stats);
  g_assert_cmpuint (stats.streamed, ==, 0);
  g_assert_cmpuint (stats.completions, ==, 1);
  call_clear (&call);
  stop_sim (sim);
}

/* One request that fails with @code; returns the completion for more checks. */
static SynthOpenaiCompletion *
expect_failure (SynthOpenaiClient *client, SynthSlotPlan *plan, int code, Call *call)
{
  SynthOpenaiCompletion *completion = complete (client, plan, 0, 4, TRUE, call);

  g_assert_false (call->ok);
  g_assert_error (call->error, SYNTH_API_ERROR, code);
  g_assert_null (strstr (call->error->message, TEST_KEY));
  return completion;
}

static void
test_bad_key (void)
{
  SynthSim *sim = start_sim ();
  g_autoptr (SynthOpenaiClient) client = new_client (sim, "sk-wrong-0123456789abcdefghij", 0);
  g_autoptr (SynthSlotPlan) plan = make_plan ();
  g_autoptr (SynthOpenaiCompletion) completion = NULL;
  Call call = { 0 };

  completion = expect_failure (client, plan, SYNTH_API_ERROR_AUTH, &call);
  g_assert_nonnull (strstr (call.error->message, "resume-synth-cli key set"));
  /* The server's message quotes part of the key: it is not repeated. */
  g_assert_null (strstr (call.error->message, "sk-wr"));
  g_assert_false (synth_api_error_is_retryable (call.error));
  g_assert_cmpuint (synth_openai_completion_get_status (completion), ==, 401);
  call_clear (&call);
  stop_sim (sim);
}

static void
test_errors_by_status (void)
{
  SynthSim *sim = start_sim ();
  g_autoptr (SynthSlotPlan) plan = make_plan ();
  Call call = { 0 };

  {
    g_autoptr (GError) error = NULL;
    g_autoptr (SynthOpenaiClient) client =
        synth_openai_client_new (synth_sim_get_base_url (sim), TEST_KEY, 1, 0, &error);
    g_autoptr (SynthOpenaiCompletion) completion = NULL;

    /* Unknown model. */
    completion =
        synth_openai_completion_new ("run", "gpt-unknown", synth_slot_plan_get_slot (plan, 0), 2);
    call.records = g_ptr_array_new_with_free_func (g_object_unref);
    synth_openai_client_complete_async (client, completion, NULL, on_complete, &call);
    while (!call.done)
      g_main_context_iteration (NULL, TRUE);
    g_assert_error (call.error, SYNTH_API_ERROR, SYNTH_API_ERROR_NOT_FOUND);
    g_assert_nonnull (strstr (call.error->message, "gpt-unknown"));
    g_assert_false (synth_api_error_is_retryable (call.error));
    call_clear (&call);
    memset (&call, 0, sizeof call);

    /* Out of credit. */
    synth_sim_set_quota_exhausted (sim, TRUE);
    g_clear_pointer (&completion, synth_openai_completion_unref);
    completion = expect_failure (client, plan, SYNTH_API_ERROR_QUOTA, &call);
    g_assert_nonnull (strstr (call.error->message, "billing"));
    g_assert_false (synth_api_error_is_retryable (call.error));
    synth_sim_set_quota_exhausted (sim, FALSE);
    call_clear (&call);
    memset (&call, 0, sizeof call);

    /* Rate limited: retryable, with the server's wait. */
    synth_sim_set_rate_limits (sim, 1, 0);
    g_clear_pointer (&completion, synth_openai_completion_unref);
    completion = complete (client, plan, 0, 2, TRUE, &call);
    g_assert_no_error (call.error);
    call_clear (&call);
    memset (&call, 0, sizeof call);
    g_clear_pointer (&completion, synth_openai_completion_unref);
    completion = expect_failure (client, plan, SYNTH_API_ERROR_RATE_LIMITED, &call);
    g_assert_true (synth_api_error_is_retryable (call.error));
    g_assert_cmpint (synth_openai_completion_get_retry_after_ms (completion), >, 1000);
    g_assert_cmpint (synth_openai_completion_get_retry_after_ms (completion), <=, 60000);
    call_clear (&call);
    memset (&call, 0, sizeof call);
    synth_sim_set_rate_limits (sim, 0, 0);

    /* A server error. */
    synth_sim_set_fault_rate (sim, SYNTH_SIM_FAULT_5XX, 1.0);
    g_clear_pointer (&completion, synth_openai_completion_unref);
    completion = complete (client, plan, 0, 3, FALSE, &call);
    g_assert_error (call.error, SYNTH_API_ERROR, SYNTH_API_ERROR_SERVER);
    g_assert_true (synth_api_error_is_retryable (call.error));
    g_assert_cmpuint (synth_openai_completion_get_status (completion), >=, 500);
    call_clear (&call);
    memset (&call, 0, sizeof call);
    synth_sim_set_fault_rate (sim, SYNTH_SIM_FAULT_5XX, 0);
  }
  stop_sim (sim);
}

static void
test_fallbacks (void)
{
  SynthSim *sim = start_sim ();
  g_autoptr (SynthOpenaiClient) client = new_client (sim, TEST_KEY, 0);
  g_autoptr (SynthSlotPlan) plan = make_plan ();
  g_autoptr (SynthOpenaiCompletion) completion = NULL;
  SynthSimStats stats;
  Call call = { 0 };

  synth_sim_set_json_schema_supported (sim, FALSE);
  synth_sim_set_max_completion_tokens_supported (sim, FALSE);
  g_assert_cmpint (synth_openai_client_get_response_format (client), ==,
                   SYNTH_RESPONSE_FORMAT_JSON_SCHEMA);
  completion = complete (client, plan, 0, 4, TRUE, &call);
  check_answer (completion, plan, 0, 4, &call);
  g_assert_cmpint (synth_openai_client_get_response_format (client), ==,
                   SYNTH_RESPONSE_FORMAT_JSON_OBJECT);
  g_assert_cmpint (synth_openai_client_get_token_limit_field (client), ==,
                   SYNTH_TOKEN_LIMIT_MAX_TOKENS);
  g_assert_cmpuint (synth_openai_completion_get_n_requests (completion), ==, 3);
  call_clear (&call);
  memset (&call, 0, sizeof call);

  /* Remembered for the endpoint: a new client sends the old form at once. */
  {
    g_autoptr (SynthOpenaiClient) other = new_client (sim, TEST_KEY, 0);
    g_autoptr (SynthOpenaiCompletion) again = complete (other, plan, 4, 4, TRUE, &call);

    g_assert_no_error (call.error);
    g_assert_cmpuint (synth_openai_completion_get_n_requests (again), ==, 1);
  }
  synth_sim_get_stats (sim, &stats);
  g_assert_cmpuint (stats.bad_requests, ==, 2);
  call_clear (&call);
  stop_sim (sim);
}

static void
test_faults (void)
{
  SynthSim *sim = start_sim ();
  g_autoptr (SynthOpenaiClient) client = new_client (sim, TEST_KEY, 400);
  g_autoptr (SynthSlotPlan) plan = make_plan ();
  Call call = { 0 };

  synth_sim_set_stall_ms (sim, 5000);
  synth_sim_set_tokens_per_second (sim, 20000);

  /* Stalled: the watchdog gives up after the timeout, not the stall. */
  {
    g_autoptr (SynthOpenaiCompletion) c = NULL;
    gint64 start = g_get_monotonic_time ();

    synth_sim_set_fault_rate (sim, SYNTH_SIM_FAULT_STALL, 1.0);
    c = expect_failure (client, plan, SYNTH_API_ERROR_TIMEOUT, &call);
    /* Well under the 5 s stall, with room for a slow sanitizer build. */
    g_assert_cmpint (g_get_monotonic_time () - start, <, 4 * G_USEC_PER_SEC);
    g_assert_true (synth_api_error_is_retryable (call.error));
    synth_sim_set_fault_rate (sim, SYNTH_SIM_FAULT_STALL, 0);
    call_clear (&call);
    memset (&call, 0, sizeof call);
  }
  /* Dropped mid-answer: a network error, the records before the cut kept. */
  {
    g_autoptr (SynthOpenaiCompletion) c = NULL;
    g_autoptr (GArray) unfilled = NULL;

    synth_sim_set_fault_rate (sim, SYNTH_SIM_FAULT_DROP, 1.0);
    c = expect_failure (client, plan, SYNTH_API_ERROR_NETWORK, &call);
    unfilled = synth_answer_batch_dup_unfilled (synth_openai_completion_get_answer (c));
    g_assert_cmpuint (unfilled->len + call.records->len, ==, 4);
    g_assert_cmpuint (unfilled->len, >, 0);
    synth_sim_set_fault_rate (sim, SYNTH_SIM_FAULT_DROP, 0);
    call_clear (&call);
    memset (&call, 0, sizeof call);
  }
  /* Cut at the token limit: an answer, with what closed kept and the rest
   * marked for a retry in smaller batches. */
  {
    g_autoptr (SynthOpenaiCompletion) c = NULL;
    g_autoptr (GArray) unfilled = NULL;

    synth_sim_set_fault_rate (sim, SYNTH_SIM_FAULT_TRUNCATED, 1.0);
    c = complete (client, plan, 0, 6, TRUE, &call);
    g_assert_no_error (call.error);
    g_assert_cmpstr (synth_openai_completion_get_finish_reason (c), ==, "length");
    g_assert_cmpstr (synth_openai_completion_get_problem (c), ==, SYNTH_REJECT_TRUNCATED);
    unfilled = synth_answer_batch_dup_unfilled (synth_openai_completion_get_answer (c));
    g_assert_cmpuint (unfilled->len, >, 0);
    g_assert_cmpuint (unfilled->len + call.records->len, ==, 6);
    synth_sim_set_fault_rate (sim, SYNTH_SIM_FAULT_TRUNCATED, 0);
    call_clear (&call);
    memset (&call, 0, sizeof call);
  }
  /* One record ignores its slot: the others are kept, that one rejected. */
  {
    g_autoptr (SynthOpenaiCompletion) c = NULL;
    g_autoptr (GArray) unfilled = NULL;

    synth_sim_set_fault_rate (sim, SYNTH_SIM_FAULT_WRONG_SLOT, 1.0);
    c = complete (client, plan, 0, 6, FALSE, &call);
    g_assert_no_error (call.error);
    unfilled = synth_answer_batch_dup_unfilled (synth_openai_completion_get_answer (c));
    g_assert_cmpuint (unfilled->len, ==, 1);
    g_assert_cmpuint (call.records->len, ==, 5);
    synth_sim_set_fault_rate (sim, SYNTH_SIM_FAULT_WRONG_SLOT, 0);
    call_clear (&call);
    memset (&call, 0, sizeof call);
  }
  /* Garbled JSON: an answer, but records missing and the problem named. */
  {
    g_autoptr (SynthOpenaiCompletion) c = NULL;
    g_autoptr (GArray) unfilled = NULL;
    guint n_rejections = 0;

    synth_sim_set_fault_rate (sim, SYNTH_SIM_FAULT_MALFORMED, 1.0);
    c = complete (client, plan, 0, 6, TRUE, &call);
    g_assert_no_error (call.error);
    unfilled = synth_answer_batch_dup_unfilled (synth_openai_completion_get_answer (c));
    synth_answer_batch_get_rejections (synth_openai_completion_get_answer (c), &n_rejections);
    g_assert_true (unfilled->len > 0 || synth_openai_completion_get_problem (c) != NULL ||
                   n_rejections > 0);
    synth_sim_set_fault_rate (sim, SYNTH_SIM_FAULT_MALFORMED, 0);
    call_clear (&call);
  }
  stop_sim (sim);
}

static void
test_cancel (void)
{
  SynthSim *sim = start_sim ();
  g_autoptr (SynthOpenaiClient) client = new_client (sim, TEST_KEY, 0);
  g_autoptr (SynthSlotPlan) plan = make_plan ();
  g_autoptr (SynthOpenaiCompletion) completion = NULL;
  Call call = { 0 };

  synth_sim_set_tokens_per_second (sim, 2000);
  call.cancellable = g_cancellable_new ();
  call.cancel_after = 1;
  completion = complete (client, plan, 0, 8, TRUE, &call);
  g_assert_error (call.error, SYNTH_API_ERROR, SYNTH_API_ERROR_CANCELLED);
  /* Stopped at once, not at the end of the answer (several seconds). */
  g_assert_cmpint (call.done_us - call.first_record_us, <, 300000);
  g_assert_cmpuint (call.records->len, >=, 1);
  g_assert_cmpuint (call.records->len, <, 8);
  call_clear (&call);
  stop_sim (sim);
}

static void
on_models (GObject *source, GAsyncResult *result, gpointer user_data)
{
  Call *call = user_data;
  char **models =
      synth_openai_client_list_models_finish (SYNTH_OPENAI_CLIENT (source), result, &call->error);

  call->ok = models != NULL && g_strv_contains ((const char *const *) models, MODEL);
  g_strfreev (models);
  call->done = TRUE;
}

static void
test_models (void)
{
  SynthSim *sim = start_sim ();
  const char *keys[] = { TEST_KEY, "sk-wrong-0123456789abcdefghij" };

  for (guint i = 0; i < G_N_ELEMENTS (keys); i++)
    {
      g_autoptr (SynthOpenaiClient) client = new_client (sim, keys[i], 0);
      Call call = { 0 };

      synth_openai_client_list_models_async (client, NULL, on_models, &call);
      while (!call.done)
        g_main_context_iteration (NULL, TRUE);
      if (i == 0)
        {
          g_assert_no_error (call.error);
          g_assert_true (call.ok);
        }
      else
        g_assert_error (call.error, SYNTH_API_ERROR, SYNTH_API_ERROR_AUTH);
      call_clear (&call);
    }
  stop_sim (sim);
}

static void
test_refused_before_sending (void)
{
  struct
  {
    const char *url;
    gboolean with_key;
    int code; /* -1: accepted */
  } cases[] = {
    { "http://example.com/v1", TRUE, SYNTH_API_ERROR_INSECURE },
    { "http://192.168.1.20:11434/v1", TRUE, SYNTH_API_ERROR_INSECURE },
    { "http://192.168.1.20:11434/v1", FALSE, -1 },
    { "https://api.openai.com/v1", TRUE, -1 },
    { "http://localhost:11434/v1", TRUE, -1 },
    { "http://127.0.0.2:8000/v1", TRUE, -1 },
    { "http://[::1]:8000/v1", TRUE, -1 },
    { "ftp://example.com/v1", FALSE, SYNTH_API_ERROR_BAD_REQUEST },
    { "not a url", FALSE, SYNTH_API_ERROR_BAD_REQUEST },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr (GError) error = NULL;
      g_autoptr (SynthOpenaiClient) client =
          synth_openai_client_new (cases[i].url, cases[i].with_key ? TEST_KEY : NULL, 1, 0, &error);

      if (cases[i].code < 0)
        {
          g_assert_no_error (error);
          g_assert_nonnull (client);
        }
      else
        {
          g_assert_null (client);
          g_assert_error (error, SYNTH_API_ERROR, cases[i].code);
          g_assert_null (strstr (error->message, TEST_KEY));
        }
    }
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/openai-client/streamed", test_streamed);
  g_test_add_func ("/openai-client/plain", test_plain);
  g_test_add_func ("/openai-client/bad-key", test_bad_key);
  g_test_add_func ("/openai-client/errors-by-status", test_errors_by_status);
  g_test_add_func ("/openai-client/fallbacks", test_fallbacks);
  g_test_add_func ("/openai-client/faults", test_faults);
  g_test_add_func ("/openai-client/cancel", test_cancel);
  g_test_add_func ("/openai-client/models", test_models);
  g_test_add_func ("/openai-client/refused-before-sending", test_refused_before_sending);
  return g_test_run ();
}
