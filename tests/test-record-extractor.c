/* test-record-extractor.c — records cut out of a streamed answer the moment
 * they close, whatever the chunking, wrapping or garbage around them. */
#include "config.h"

#include <string.h>

#include "synth-error.h"
#include "synth-record-extractor.h"

typedef struct
{
  GPtrArray *texts; /* the records' JSON text, in order */
  GArray *slots;    /* their "slot" member (-1 if none) */
} Collected;

static void
collected_init (Collected *c)
{
  c->texts = g_ptr_array_new_with_free_func (g_free);
  c->slots = g_array_new (FALSE, FALSE, sizeof (gint64));
}

static void
collected_clear (Collected *c)
{
  g_ptr_array_unref (c->texts);
  g_array_unref (c->slots);
}

static void
collect (JsonObject *record, const char *json_text, gpointer user_data)
{
  Collected *c = user_data;
  JsonNode *node = json_object_get_member (record, "slot");
  /* Mutated answers may carry any type here. */
  gint64 slot = -1;

  if (node != NULL && JSON_NODE_HOLDS_VALUE (node) &&
      json_node_get_value_type (node) == G_TYPE_INT64)
    slot = json_node_get_int (node);

  g_assert_true (json_text[0] == '{');
  g_ptr_array_add (c->texts, g_strdup (json_text));
  g_array_append_val (c->slots, slot);
}

/* Slots of the emitted records as "0,1,2" and whether finish() succeeded. */
static char *
extract (const char *answer,
         gsize len,
         const gsize *cuts,
         guint n_cuts,
         gboolean *out_complete,
         guint *out_malformed)
{
  g_autoptr (SynthRecordExtractor) ex = synth_record_extractor_new ();
  g_autoptr (GError) error = NULL;
  Collected c;
  GString *out = g_string_new (NULL);
  gsize pos = 0;
  gboolean complete;

  collected_init (&c);
  for (guint i = 0; i <= n_cuts; i++)
    {
      gsize end = i < n_cuts ? cuts[i] : len;
      synth_record_extractor_feed (ex, answer + pos, end - pos, collect, &c);
      pos = end;
    }
  complete = synth_record_extractor_finish (ex, &error);
  g_assert_cmpint (complete, ==, synth_record_extractor_is_complete (ex));
  if (!complete)
    g_assert_error (error, SYNTH_ERROR, SYNTH_ERROR_PARSE);
  g_assert_cmpuint (synth_record_extractor_get_n_records (ex), ==, c.texts->len);
  for (guint i = 0; i < c.texts->len; i++)
    g_string_append_printf (out, "%s%" G_GINT64_FORMAT "=%s", i ? ";" : "",
                            g_array_index (c.slots, gint64, i), (char *) c.texts->pdata[i]);
  if (out_complete)
    *out_complete = complete;
  if (out_malformed)
    *out_malformed = synth_record_extractor_get_n_malformed (ex);
  collected_clear (&c);
  return g_string_free (out, FALSE);
}

/* Just the slot numbers: "0,1,2". */
static char *
extract_slots (const char *answer, gboolean *out_complete, guint *out_malformed)
{
  g_autoptr (SynthRecordExtractor) ex = synth_record_extractor_new ();
  Collected c;
  GString *out = g_string_new (NULL);

  collected_init (&c);
  synth_record_extractor_feed (ex, answer, -1, collect, &c);
  if (out_complete)
    *out_complete = synth_record_extractor_finish (ex, NULL);
  if (out_malformed)
    *out_malformed = synth_record_extractor_get_n_malformed (ex);
  for (guint i = 0; i < c.slots->len; i++)
    g_string_append_printf (out, "%s%" G_GINT64_FORMAT, i ? "," : "",
                            g_array_index (c.slots, gint64, i));
  collected_clear (&c);
  return g_string_free (out, FALSE);
}

static void
assert_slots (const char *answer,
              const char *expected,
              gboolean expect_complete,
              guint expect_malformed)
{
  gboolean complete;
  guint malformed;
  g_autofree char *got = extract_slots (answer, &complete, &malformed);

  g_assert_cmpstr (got, ==, expected);
  g_assert_cmpint (complete, ==, expect_complete);
  g_assert_cmpuint (malformed, ==, expect_malformed);
}

static const char tricky_answer[] = "Sure! Here are the records you asked for {as JSON}:\n"
                                    "```json\n"
                                    "{\n  \"records\" : [\n"
                                    "    {\"slot\": 0, \"name\": \"Zoë \\\"Z\\\" Ngũgĩ\", "
                                    "\"resume_text\": \"Skills: C, {braces}, [brackets],"
                                    " \\\\ backslash, \\\"quoted}\\\" and \\u00e9 — 東京\\n- led a "
                                    "team\", \"extra\": {\"nested\": [1, {\"x\": \"}\"}]}},\n"
                                    "    {\"slot\":1,\"resume_text\":\"ends with backslash \\\\\"},"
                                    "{ \"slot\" : 2 , \"resume_text\" : \"\\\\\\\"\" }\n"
                                    "  ],\n  \"note\": \"done } ]\"\n}\n"
                                    "```\n"
                                    "Let me know if you need more {records}!";

static void
test_wrapper_and_strings (void)
{
  gboolean complete;
  guint malformed;
  g_autofree char *all =
      extract (tricky_answer, strlen (tricky_answer), NULL, 0, &complete, &malformed);

  g_assert_true (complete);
  g_assert_cmpuint (malformed, ==, 0);
  assert_slots (tricky_answer, "0,1,2", TRUE, 0);
  /* The exact text of each record is kept (including the nested object). */
  g_assert_nonnull (strstr (all, "0={\"slot\": 0, \"name\""));
  g_assert_nonnull (strstr (all, "{\"x\": \"}\"}]}};1={\"slot\":1"));
  g_assert_true (g_str_has_suffix (all, "2={ \"slot\" : 2 , \"resume_text\" : \"\\\\\\\"\" }"));
}

static void
test_every_split_position (void)
{
  gsize len = strlen (tricky_answer);
  gboolean complete;
  g_autofree char *reference = extract (tricky_answer, len, NULL, 0, &complete, NULL);

  for (gsize cut = 0; cut <= len; cut++)
    {
      g_autofree char *got = extract (tricky_answer, len, &cut, 1, &complete, NULL);
      g_assert_true (complete);
      g_assert_cmpstr (got, ==, reference);
    }

  {
    g_autofree gsize *cuts = g_new (gsize, len);
    g_autofree char *got = NULL;
    for (gsize i = 0; i < len; i++)
      cuts[i] = i;
    got = extract (tricky_answer, len, cuts, len, &complete, NULL);
    g_assert_true (complete);
    g_assert_cmpstr (got, ==, reference);
  }

  for (guint round = 0; round < 300; round++)
    {
      gsize cuts[12];
      guint n = g_test_rand_int_range (1, G_N_ELEMENTS (cuts));
      g_autofree char *got = NULL;

      for (guint i = 0; i < n; i++)
        cuts[i] = g_test_rand_int_range (0, len + 1);
      for (guint i = 1; i < n; i++)
        for (guint j = i; j > 0 && cuts[j - 1] > cuts[j]; j--)
          {
            gsize t = cuts[j];
            cuts[j] = cuts[j - 1];
            cuts[j - 1] = t;
          }
      got = extract (tricky_answer, len, cuts, n, &complete, NULL);
      g_assert_true (complete);
      g_assert_cmpstr (got, ==, reference);
    }
}

/* Records appear as soon as their closing brace arrives, not later. */
static void
test_emitted_on_closing_brace (void)
{
  const char *answer = "{\"records\":[{\"slot\":5,\"t\":\"}\"},{\"slot\":6}]}";
  const char *first_close = strstr (answer, "\"}\"}") + 3; /* the record's own '}' */
  g_autoptr (SynthRecordExtractor) ex = synth_record_extractor_new ();
  Collected c;

  collected_init (&c);
  synth_record_extractor_feed (ex, answer, first_close - answer, collect, &c);
  g_assert_cmpuint (c.texts->len, ==, 0);
  synth_record_extractor_feed (ex, first_close, 1, collect, &c);
  g_assert_cmpuint (c.texts->len, ==, 1);
  g_assert_cmpint (g_array_index (c.slots, gint64, 0), ==, 5);
  g_assert_false (synth_record_extractor_is_complete (ex));
  synth_record_extractor_feed (ex, first_close + 1, -1, collect, &c);
  g_assert_cmpuint (c.texts->len, ==, 2);
  g_assert_true (synth_record_extractor_is_complete (ex));
  collected_clear (&c);
}

/* Cut the answer after every byte: the records whose closing brace is in
 * the prefix are emitted, the answer is complete only once ']' arrived. */
static void
test_truncated_at_every_byte (void)
{
  const char *answer =
      "{\"records\":[{\"slot\":0,\"a\":\"x}\"},{\"slot\":1,\"b\":[1,2]},{\"slot\":2}]}";
  gsize len = strlen (answer);
  const char *close_bracket = strrchr (answer, ']');
  const char *ends[3];

  ends[0] = strstr (answer, "\"x}\"}") + 5;
  ends[1] = strstr (answer, "[1,2]}") + 6;
  ends[2] = strstr (answer, "\"slot\":2}") + 9;

  for (gsize prefix = 0; prefix <= len; prefix++)
    {
      g_autofree char *cut = g_strndup (answer, prefix);
      gboolean complete;
      guint expected = 0;
      g_autofree char *got = NULL;
      g_autoptr (GString) want = g_string_new (NULL);

      for (guint i = 0; i < 3; i++)
        if (answer + prefix >= ends[i])
          {
            g_string_append_printf (want, "%s%u", expected ? "," : "", i);
            expected++;
          }
      got = extract_slots (cut, &complete, NULL);
      g_assert_cmpstr (got, ==, want->str);
      g_assert_cmpint (complete, ==, answer + prefix > close_bracket);
    }
}

static void
test_bare_array_and_variants (void)
{
  assert_slots ("[{\"slot\":3},{\"slot\":4}]", "3,4", TRUE, 0);
  assert_slots ("```json\n[\n  {\"slot\":3}\n]\n```", "3", TRUE, 0);
  assert_slots ("{\"records\":[]}", "", TRUE, 0);
  assert_slots ("[]", "", TRUE, 0);
  /* "records" need not be the first member; a value "records" is not a key. */
  assert_slots ("{\"note\":\"records\",\"other\":[{\"slot\":9}],\"records\":[{\"slot\":1}]}", "1",
                TRUE, 0);
  /* A near-miss key is not the records array. */
  assert_slots (
      "{\"record\":[{\"slot\":9}],\"recordsX\":[{\"slot\":8}],\"records\":[{\"slot\":2}]}", "2",
      TRUE, 0);
  /* Prose with brackets and an example object before the real answer. */
  assert_slots ("Format [see below] {like this}: {\"example\": {\"slot\": 7}}\n"
                "{\"records\": [{\"slot\": 1}]} and [{\"slot\": 99}] afterwards",
                "1", TRUE, 0);
  /* Whitespace everywhere. */
  assert_slots (" \n\t{ \r\n \"records\" \n : \t [ \n { \"slot\" : 1 } \n , \n {\"slot\":2} ] } ",
                "1,2", TRUE, 0);
  /* Complete once the array closes, even if the wrapper never does. */
  assert_slots ("{\"records\":[{\"slot\":1}]", "1", TRUE, 0);
}

static void
test_malformed_elements (void)
{
  /* Bad records are skipped and counted; the next ones still come through. */
  assert_slots (
      "{\"records\":[{\"slot\": tru},{\"slot\":1},1,\"x\",[2,{\"slot\":3}],null,{\"slot\":4}]}",
      "1,4", TRUE, 5);
  assert_slots ("{\"records\":[{\"slot\":1,}]}", "", TRUE, 1);
}

static void
test_no_json (void)
{
  g_autoptr (SynthRecordExtractor) ex = synth_record_extractor_new ();
  g_autoptr (GError) error = NULL;

  synth_record_extractor_feed (ex, "I cannot help with that. {sorry} [none]", -1, NULL, NULL);
  g_assert_false (synth_record_extractor_found_records (ex));
  g_assert_false (synth_record_extractor_finish (ex, &error));
  g_assert_error (error, SYNTH_ERROR, SYNTH_ERROR_PARSE);
  g_assert_nonnull (strstr (error->message, "no records array"));

  assert_slots ("", "", FALSE, 0);
  assert_slots ("{\"records\": \"none\"}", "", FALSE, 0);
  assert_slots ("{\"records\":[{\"slot\":1}", "1", FALSE, 0);
}

static void
test_oversized_and_deep (void)
{
  gsize big = SYNTH_RECORD_EXTRACTOR_MAX_RECORD_SIZE + 10;
  g_autoptr (GString) answer = g_string_new ("{\"records\":[{\"slot\":0,\"t\":\"");
  g_autoptr (GString) deep_answer = g_string_new ("[{\"slot\":0,\"x\":");

  for (gsize i = 0; i < big; i++)
    g_string_append_c (answer, i % 7 ? 'a' : '{');
  g_string_append (answer, "\"},{\"slot\":1}]}");
  assert_slots (answer->str, "1", TRUE, 1);

  /* Nesting far beyond any record: skipped without reaching the parser. */
  for (guint i = 0; i < 100000; i++)
    g_string_append_c (deep_answer, '[');
  for (guint i = 0; i < 100000; i++)
    g_string_append_c (deep_answer, ']');
  g_string_append (deep_answer, "},{\"slot\":1}]");
  assert_slots (deep_answer->str, "1", TRUE, 1);

  /* Moderate nesting is fine. */
  assert_slots ("[{\"slot\":0,\"x\":[[[[{\"y\":[1]}]]]]}]", "0", TRUE, 0);
}

/* Random mutations of a good answer: no crash, same result whole or bytewise. */
static void
test_random_mutations (void)
{
  gsize len = strlen (tricky_answer);
  static const char alphabet[] = "{}[]\",:\\ \nx0";

  for (guint round = 0; round < 400; round++)
    {
      g_autofree char *input = g_strdup (tricky_answer);
      g_autofree gsize *cuts = g_new (gsize, len);
      g_autofree char *whole = NULL;
      g_autofree char *bytewise = NULL;
      gboolean c1, c2;
      guint m1, m2;
      guint n_mut = g_test_rand_int_range (1, 6);

      for (guint i = 0; i < n_mut; i++)
        input[g_test_rand_int_range (0, len)] =
            alphabet[g_test_rand_int_range (0, sizeof alphabet - 1)];
      for (gsize i = 0; i < len; i++)
        cuts[i] = i;
      whole = extract (input, len, NULL, 0, &c1, &m1);
      bytewise = extract (input, len, cuts, len, &c2, &m2);
      g_assert_cmpstr (whole, ==, bytewise);
      g_assert_cmpint (c1, ==, c2);
      g_assert_cmpuint (m1, ==, m2);
    }
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/record-extractor/wrapper-and-strings", test_wrapper_and_strings);
  g_test_add_func ("/record-extractor/every-split-position", test_every_split_position);
  g_test_add_func ("/record-extractor/emitted-on-closing-brace", test_emitted_on_closing_brace);
  g_test_add_func ("/record-extractor/truncated-at-every-byte", test_truncated_at_every_byte);
  g_test_add_func ("/record-extractor/bare-array-and-variants", test_bare_array_and_variants);
  g_test_add_func ("/record-extractor/malformed-elements", test_malformed_elements);
  g_test_add_func ("/record-extractor/no-json", test_no_json);
  g_test_add_func ("/record-extractor/oversized-and-deep", test_oversized_and_deep);
  g_test_add_func ("/record-extractor/random-mutations", test_random_mutations);

  return g_test_run ();
}
