/* test-sse.c — the Server-Sent-Events parser: framing, fields, line endings,
 * chunk boundaries anywhere, memory bounds, and end of stream. */
#include "config.h"

#include <string.h>

#include "synth-error.h"
#include "synth-sse.h"

/* Events as one comparable string: "event|id|data|done" per event. */
static gboolean
collect (const SynthSseEvent *event, gpointer user_data, GError **error)
{
  GString *out = user_data;

  g_assert_true (g_utf8_validate (event->data, event->data_len, NULL));
  g_assert_cmpuint (strlen (event->data), ==, event->data_len);
  g_string_append_printf (out, "%s|%s|%s|%d\n", event->event, event->id ? event->id : "-",
                          event->data, event->is_done);
  return TRUE;
}

/* Parses @input fed in pieces cut at @cuts (sorted offsets), then finishes. */
static char *
parse_with_cuts (const char *input, gsize len, const gsize *cuts, guint n_cuts, gboolean *out_ok)
{
  g_autoptr (SynthSseParser) parser = synth_sse_parser_new ();
  GString *out = g_string_new (NULL);
  g_autoptr (GError) error = NULL;
  gsize pos = 0;
  gboolean ok = TRUE;

  for (guint i = 0; i <= n_cuts && ok; i++)
    {
      gsize end = i < n_cuts ? cuts[i] : len;
      ok = synth_sse_parser_feed (parser, input + pos, end - pos, collect, out, &error);
      pos = end;
    }
  if (ok)
    ok = synth_sse_parser_finish (parser, collect, out, &error);
  if (out_ok)
    *out_ok = ok;
  return g_string_free (out, FALSE);
}

static char *
parse_all (const char *input, gboolean *out_ok)
{
  return parse_with_cuts (input, strlen (input), NULL, 0, out_ok);
}

static void
assert_events (const char *input, const char *expected)
{
  gboolean ok;
  g_autofree char *got = parse_all (input, &ok);
  g_assert_true (ok);
  g_assert_cmpstr (got, ==, expected);
}

static void
test_basic (void)
{
  assert_events ("data: hello\n\n", "message|-|hello|0\n");
  assert_events ("data:hello\n\n", "message|-|hello|0\n");
  /* Only one leading space is removed. */
  assert_events ("data:  two\n\n", "message|-| two|0\n");
  assert_events ("data: a\ndata: b\n\n", "message|-|a\nb|0\n");
  assert_events ("event: ping\ndata: x\n\n", "ping|-|x|0\n");
  /* The event type does not leak into the next event. */
  assert_events ("event: ping\ndata: x\n\ndata: y\n\n", "ping|-|x|0\nmessage|-|y|0\n");
  assert_events ("id: 7\ndata: x\n\ndata: y\n\n", "message|7|x|0\nmessage|7|y|0\n");
  /* A colon in the value is kept. */
  assert_events ("data: {\"a\":\"b:c\"}\n\n", "message|-|{\"a\":\"b:c\"}|0\n");
}

static void
test_comments_and_unknown_fields (void)
{
  assert_events (": keep-alive\n\n", "");
  assert_events (":\n\n: OPENROUTER PROCESSING\n\ndata: x\n\n", "message|-|x|0\n");
  assert_events ("retry: 100\nfoo: bar\ndata: x\n\n", "message|-|x|0\n");
  /* Blank lines without data dispatch nothing. */
  assert_events ("\n\n\n\r\n\r\r", "");
  /* "Data" is not "data": field names are case-sensitive. */
  assert_events ("Data: x\n\n", "");
}

static void
test_empty_data (void)
{
  /* A field with no colon has an empty value. */
  assert_events ("data\n\n", "message|-||0\n");
  assert_events ("data:\n\n", "message|-||0\n");
  assert_events ("data:\ndata:\n\n", "message|-|\n|0\n");
  assert_events ("data: a\ndata:\ndata: b\n\n", "message|-|a\n\nb|0\n");
}

static void
test_line_endings (void)
{
  const char *expected = "message|-|a\nb|0\nmessage|-|c|0\n";

  assert_events ("data: a\ndata: b\n\ndata: c\n\n", expected);
  assert_events ("data: a\r\ndata: b\r\n\r\ndata: c\r\n\r\n", expected);
  assert_events ("data: a\rdata: b\r\rdata: c\r\r", expected);
  assert_events ("data: a\r\ndata: b\n\rdata: c\r\n\n", expected);
}

static void
test_done (void)
{
  g_autoptr (SynthSseParser) parser = synth_sse_parser_new ();
  g_autoptr (GString) out = g_string_new (NULL);
  const char *input = "data: {\"x\":1}\n\ndata: [DONE]\n\n";

  g_assert_true (synth_sse_parser_feed (parser, input, strlen (input), collect, out, NULL));
  g_assert_true (synth_sse_parser_finish (parser, collect, out, NULL));
  g_assert_cmpstr (out->str, ==, "message|-|{\"x\":1}|0\nmessage|-|[DONE]|1\n");
  g_assert_true (synth_sse_parser_saw_done (parser));
  g_assert_cmpuint (synth_sse_parser_get_n_events (parser), ==, 2);

  assert_events ("data:[DONE]\n\n", "message|-|[DONE]|1\n");
  assert_events ("data: [DONE] \n\n", "message|-|[DONE] |1\n");
  assert_events ("data: [DONE]x\n\n", "message|-|[DONE]x|0\n");
  assert_events ("data: [done]\n\n", "message|-|[done]|0\n");
  assert_events ("data: [DONE\n\n", "message|-|[DONE|0\n");
}

/* A realistic OpenAI stream with CRLF, comments, a role-only first delta, a
 * usage chunk, multi-byte UTF-8 and [DONE]. */
static const char openai_stream[] =
    "\xEF\xBB\xBF: keep-alive\r\n\r\n"
    "data: {\"object\":\"chat.completion.chunk\",\"choices\":[{\"index\":0,\"delta\":{\"role\":"
    "\"assistant\"},\"finish_reason\":null}]}\r\n\r\n"
    "data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"{\\\"records\\\":[\"}}]}\r\n\r\n"
    "data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"Zoë Ngũgĩ — 東京 😀\"}}]}\n\n"
    ": ping\n"
    "event: message\nid: 42\n"
    "data: {\"choices\":[{\"index\":0,\"delta\":{},\r\n"
    "data: \"finish_reason\":\"stop\"}]}\r\r"
    "data: {\"choices\":[],\"usage\":{\"prompt_tokens\":10,\"completion_tokens\":20}}\n\n"
    "data:\n\n"
    "data: [DONE]\n\n";

static void
test_every_split_position (void)
{
  gsize len = strlen (openai_stream);
  gboolean ok;
  g_autofree char *reference = parse_all (openai_stream, &ok);

  g_assert_true (ok);
  /* Seven events, the last one [DONE], and the BOM gone. */
  g_assert_true (g_str_has_suffix (reference, "message|42|[DONE]|1\n"));
  g_assert_true (strstr (reference, "|1\n") == reference + strlen (reference) - 3);
  {
    guint n_events = 0;
    for (const char *p = reference; (p = strstr (p, "\nmessage|")) != NULL; p++)
      n_events++;
    g_assert_cmpuint (n_events + 1, ==, 7);
  }
  g_assert_false (strstr (reference, "\xEF\xBB\xBF") != NULL);
  g_assert_nonnull (strstr (reference, "Zoë Ngũgĩ — 東京 😀"));

  /* Two pieces, cut at every byte. */
  for (gsize cut = 0; cut <= len; cut++)
    {
      g_autofree char *got = parse_with_cuts (openai_stream, len, &cut, 1, &ok);
      g_assert_true (ok);
      g_assert_cmpstr (got, ==, reference);
    }

  /* One byte at a time. */
  {
    g_autofree gsize *cuts = g_new (gsize, len);
    g_autofree char *got = NULL;
    for (gsize i = 0; i < len; i++)
      cuts[i] = i + 1;
    got = parse_with_cuts (openai_stream, len, cuts, len - 1, &ok);
    g_assert_true (ok);
    g_assert_cmpstr (got, ==, reference);
  }

  /* Random splits (the seed is in the TAP output if this fails). */
  for (guint round = 0; round < 500; round++)
    {
      gsize cuts[16];
      guint n = g_test_rand_int_range (1, G_N_ELEMENTS (cuts));
      g_autofree char *got = NULL;

      for (guint i = 0; i < n; i++)
        cuts[i] = g_test_rand_int_range (0, len + 1);
      for (guint i = 1; i < n; i++) /* insertion sort */
        for (guint j = i; j > 0 && cuts[j - 1] > cuts[j]; j--)
          {
            gsize t = cuts[j];
            cuts[j] = cuts[j - 1];
            cuts[j - 1] = t;
          }
      got = parse_with_cuts (openai_stream, len, cuts, n, &ok);
      g_assert_true (ok);
      g_assert_cmpstr (got, ==, reference);
    }
}

static void
test_bom (void)
{
  /* Only a BOM at the very start is skipped. */
  assert_events ("\xEF\xBB\xBF"
                 "data: x\n\n",
                 "message|-|x|0\n");
  assert_events ("data: \xEF\xBB\xBFx\n\n", "message|-|\xEF\xBB\xBFx|0\n");
  /* A partial BOM is data: "\xEF\xBB" then "d" makes the line "\xEF\xBBdata: x",
   * an unknown field. */
  assert_events ("\xEF\xBB"
                 "data: x\n\n",
                 "");
  /* A lone 0xEF followed by a line break: its line is an unknown field. */
  assert_events ("\xEF\ndata: y\n\n", "message|-|y|0\n");
}

static void
test_invalid_utf8_and_nul (void)
{
  static const char input[] = "data: a\xFF"
                              "b\0c\xC3\n\n";
  g_autoptr (SynthSseParser) parser = synth_sse_parser_new ();
  g_autoptr (GString) out = g_string_new (NULL);

  g_assert_true (synth_sse_parser_feed (parser, input, sizeof input - 1, collect, out, NULL));
  /* Bad bytes and the NUL become U+FFFD; nothing is lost or cut at the NUL. */
  g_assert_cmpstr (out->str, ==,
                   "message|-|a\xEF\xBF\xBD"
                   "b\xEF\xBF\xBD"
                   "c\xEF\xBF\xBD|0\n");
}

static void
test_line_too_long (void)
{
  g_autoptr (SynthSseParser) parser = synth_sse_parser_new ();
  g_autoptr (GError) error = NULL;
  g_autoptr (GError) again = NULL;
  g_autofree char *chunk = g_malloc (1024 * 1024);
  gboolean ok = TRUE;
  guint fed = 0;

  memset (chunk, 'a', 1024 * 1024);
  memcpy (chunk, "data: ", 6);
  /* The default bound: 16 MiB of line without a newline fails, and not before. */
  while (ok && fed < 64)
    {
      ok = synth_sse_parser_feed (parser, chunk, 1024 * 1024, collect, NULL, &error);
      fed++;
    }
  g_assert_false (ok);
  g_assert_cmpuint (fed, ==, 17);
  g_assert_error (error, SYNTH_ERROR, SYNTH_ERROR_PARSE);

  /* A failed parser stays failed. */
  g_assert_false (synth_sse_parser_feed (parser, "\n\n", 2, collect, NULL, &again));
  g_assert_error (again, SYNTH_ERROR, SYNTH_ERROR_PARSE);
  g_clear_error (&again);
  g_assert_false (synth_sse_parser_finish (parser, collect, NULL, &again));
  g_assert_error (again, SYNTH_ERROR, SYNTH_ERROR_PARSE);
}

static void
test_event_too_large (void)
{
  g_autoptr (SynthSseParser) parser = synth_sse_parser_new ();
  g_autoptr (SynthSseParser) over = synth_sse_parser_new ();
  g_autoptr (GString) out = g_string_new (NULL);
  g_autoptr (GError) error = NULL;
  g_autofree char *x94 = g_strnfill (94, 'x');
  g_autofree char *at_bound = g_strdup_printf ("data: %s\n\n", x94);
  g_autofree char *over_bound = g_strdup_printf ("data: %sx\n\n", x94);
  gboolean ok;
  guint lines = 0;

  /* A line of exactly the bound (100 bytes) is fine, one more is not. */
  synth_sse_parser_set_max_size (parser, 100);
  synth_sse_parser_set_max_size (over, 100);
  ok = synth_sse_parser_feed (parser, at_bound, strlen (at_bound), collect, out, &error);
  g_assert_no_error (error);
  g_assert_true (ok);
  g_assert_cmpuint (synth_sse_parser_get_n_events (parser), ==, 1);
  g_assert_false (
      synth_sse_parser_feed (over, over_bound, strlen (over_bound), collect, out, &error));
  g_assert_error (error, SYNTH_ERROR, SYNTH_ERROR_PARSE);
  g_clear_error (&error);

  /* Many short lines add up: the event's data is bounded too. */
  while (ok && lines < 100)
    {
      ok = synth_sse_parser_feed (parser, "data: 0123456789\n", 17, collect, out, &error);
      lines++;
    }
  g_assert_false (ok);
  g_assert_cmpuint (lines, ==, 10); /* 9 × 11 bytes fit in 100, the 10th does not */
  g_assert_error (error, SYNTH_ERROR, SYNTH_ERROR_PARSE);
  g_assert_cmpuint (synth_sse_parser_get_n_events (parser), ==, 1);
}

static void
test_finish (void)
{
  gboolean ok;
  g_autofree char *clean = parse_all ("data: a\n\n", &ok);
  g_autofree char *no_blank = NULL;
  g_autofree char *cut = NULL;
  g_autofree char *cut_after_line = NULL;

  g_assert_true (ok);
  g_assert_cmpstr (clean, ==, "message|-|a|0\n");

  /* Complete lines, missing only the final blank line: dispatched. */
  no_blank = parse_all ("data: a\n\ndata: [DONE]\n", &ok);
  g_assert_true (ok);
  g_assert_cmpstr (no_blank, ==, "message|-|a|0\nmessage|-|[DONE]|1\n");

  /* Cut mid-line: an error, and the partial event is not dispatched. */
  cut = parse_all ("data: a\n\ndata: b\ndata: {\"cho", &ok);
  g_assert_false (ok);
  g_assert_cmpstr (cut, ==, "message|-|a|0\n");

  /* A trailing CR is a complete line end. */
  cut_after_line = parse_all ("data: a\r", &ok);
  g_assert_true (ok);
  g_assert_cmpstr (cut_after_line, ==, "message|-|a|0\n");

  /* The error is a parse error with a message for people. */
  {
    g_autoptr (SynthSseParser) parser = synth_sse_parser_new ();
    g_autoptr (GError) error = NULL;
    g_assert_true (synth_sse_parser_feed (parser, "data: x", 7, collect, NULL, NULL));
    g_assert_false (synth_sse_parser_saw_done (parser));
    g_assert_false (synth_sse_parser_finish (parser, collect, NULL, &error));
    g_assert_error (error, SYNTH_ERROR, SYNTH_ERROR_PARSE);
    g_assert_nonnull (strstr (error->message, "connection"));
  }
}

static gboolean
stop_at_second (const SynthSseEvent *event, gpointer user_data, GError **error)
{
  guint *count = user_data;

  if (++*count == 2)
    {
      g_set_error (error, SYNTH_ERROR, SYNTH_ERROR_FAILED, "stop at %s", event->data);
      return FALSE;
    }
  return TRUE;
}

static void
test_callback_stops (void)
{
  g_autoptr (SynthSseParser) parser = synth_sse_parser_new ();
  g_autoptr (GError) error = NULL;
  g_autoptr (GError) again = NULL;
  const char *input = "data: 1\n\ndata: 2\n\ndata: 3\n\n";
  guint count = 0;

  g_assert_false (
      synth_sse_parser_feed (parser, input, strlen (input), stop_at_second, &count, &error));
  g_assert_error (error, SYNTH_ERROR, SYNTH_ERROR_FAILED);
  g_assert_cmpstr (error->message, ==, "stop at 2");
  g_assert_cmpuint (count, ==, 2);
  g_assert_false (synth_sse_parser_feed (parser, "data: 4\n\n", 9, stop_at_second, &count, &again));
  g_assert_error (again, SYNTH_ERROR, SYNTH_ERROR_FAILED);
  g_assert_cmpuint (count, ==, 2);
}

/* Random bytes over the alphabet that matters, fed whole and byte by byte:
 * same events (or the same failure), no crash, always valid UTF-8. */
static void
test_random_garbage (void)
{
  static const char alphabet[] = "data:event:id: \r\n\n\n[DONE]\xEF\xBB\xBF\xC3\xA9\xFF\0x";

  for (guint round = 0; round < 300; round++)
    {
      gsize len = g_test_rand_int_range (0, 200);
      g_autofree char *input = g_malloc (len + 1);
      g_autofree char *whole = NULL;
      g_autofree char *bytewise = NULL;
      g_autofree gsize *cuts = g_new (gsize, len + 1);
      gboolean ok1, ok2;

      for (gsize i = 0; i < len; i++)
        input[i] = alphabet[g_test_rand_int_range (0, sizeof alphabet - 1)];
      input[len] = '\0';
      for (gsize i = 0; i < len; i++)
        cuts[i] = i;
      whole = parse_with_cuts (input, len, NULL, 0, &ok1);
      bytewise = parse_with_cuts (input, len, cuts, len, &ok2);
      g_assert_cmpint (ok1, ==, ok2);
      g_assert_cmpstr (whole, ==, bytewise);
    }
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/sse/basic", test_basic);
  g_test_add_func ("/sse/comments-and-unknown-fields", test_comments_and_unknown_fields);
  g_test_add_func ("/sse/empty-data", test_empty_data);
  g_test_add_func ("/sse/line-endings", test_line_endings);
  g_test_add_func ("/sse/done", test_done);
  g_test_add_func ("/sse/every-split-position", test_every_split_position);
  g_test_add_func ("/sse/bom", test_bom);
  g_test_add_func ("/sse/invalid-utf8-and-nul", test_invalid_utf8_and_nul);
  g_test_add_func ("/sse/line-too-long", test_line_too_long);
  g_test_add_func ("/sse/event-too-large", test_event_too_large);
  g_test_add_func ("/sse/finish", test_finish);
  g_test_add_func ("/sse/callback-stops", test_callback_stops);
  g_test_add_func ("/sse/random-garbage", test_random_garbage);

  return g_test_run ();
}
