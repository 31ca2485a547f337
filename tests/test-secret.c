/* test-secret.c — the API key in a real Secret Service (gnome-keyring in a
 * private D-Bus session, started by build-aux/test), plus redaction.
 *
 * Without a reachable Secret Service the keyring tests FAIL with a message
 * saying how to run them: CI provides one, so a skip would hide a broken
 * setup. Locally:
 *   dbus-run-session -- bash -c 'echo -n test | gnome-keyring-daemon --unlock \
 *     --components=secrets >/dev/null; sleep 0.5; ./test-secret --tap' */
#include "config.h"

#include <string.h>
#include <unistd.h>

#include "synth-error.h"
#include "synth-secret.h"

static char *service_problem; /* why the Secret Service is unusable, or NULL */
static char *url_prefix;      /* unique per run: never touch a real key */

static gboolean
require_service (void)
{
  if (service_problem == NULL)
    return TRUE;
  g_test_fail_printf ("No usable Secret Service: %s\nRun this test inside a D-Bus session with an "
                      "unlocked gnome-keyring-daemon (build-aux/test does), e.g. "
                      "dbus-run-session -- sh -c 'echo -n test | gnome-keyring-daemon --unlock "
                      "--components=secrets; ./test-secret'",
                      service_problem);
  return FALSE;
}

static char *
test_url (const char *name)
{
  return g_strdup_printf ("%s/%s", url_prefix, name);
}

/* ---- pure helpers ------------------------------------------------------- */

static void
test_schema (void)
{
  const SecretSchema *schema = synth_secret_get_schema ();

  g_assert_cmpstr (schema->name, ==, "io.github.resumesynth.ResumeSynth.ApiKey");
  g_assert_cmpstr (schema->attributes[0].name, ==, "base-url");
  g_assert_cmpint (schema->attributes[0].type, ==, SECRET_SCHEMA_ATTRIBUTE_STRING);
  g_assert_null (schema->attributes[1].name);
}

static void
test_normalize (void)
{
  static const char *const cases[][2] = {
    { "https://api.openai.com/v1", "https://api.openai.com/v1" },
    { "https://api.openai.com/v1/", "https://api.openai.com/v1" },
    { "  HTTPS://API.OpenAI.com/v1//  ", "https://api.openai.com/v1" },
    { "http://127.0.0.1:11434/V1", "http://127.0.0.1:11434/V1" },
    { "http://LOCALHOST:8080", "http://localhost:8080" },
    { "http://LOCALHOST:8080/", "http://localhost:8080" },
    { "not a url/", "not a url" },
    { "", "" },
    { "///", "" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *got = synth_secret_normalize_base_url (cases[i][0]);
      g_assert_cmpstr (got, ==, cases[i][1]);
    }
}

static void
test_redact (void)
{
  const char *key = "sk-proj-ABCdef123";
  g_autofree char *a = synth_secret_redact ("Authorization: Bearer sk-proj-ABCdef123", key);
  g_autofree char *b =
      synth_secret_redact ("sk-proj-ABCdef123sk-proj-ABCdef123 and sk-proj-ABCdef12", key);
  g_autofree char *c = synth_secret_redact ("nothing here", key);
  g_autofree char *d = synth_secret_redact ("text", NULL);
  g_autofree char *e = synth_secret_redact ("text", "");
  g_autofree char *f = synth_secret_redact ("aaaa", "aa");

  g_assert_cmpstr (a, ==, "Authorization: Bearer " SYNTH_SECRET_REDACTED);
  g_assert_null (strstr (a, key));
  /* Adjacent copies both go; a prefix of the key alone is not the key. */
  g_assert_cmpstr (b, ==, SYNTH_SECRET_REDACTED SYNTH_SECRET_REDACTED " and sk-proj-ABCdef12");
  g_assert_cmpstr (c, ==, "nothing here");
  g_assert_cmpstr (d, ==, "text");
  g_assert_cmpstr (e, ==, "text");
  g_assert_cmpstr (f, ==, SYNTH_SECRET_REDACTED SYNTH_SECRET_REDACTED);
  g_assert_null (synth_secret_redact (NULL, key));
}

/* ---- against the Secret Service ---------------------------------------- */

static GAsyncResult *
wait_for (GAsyncResult **slot)
{
  while (*slot == NULL)
    g_main_context_iteration (NULL, TRUE);
  return *slot;
}

static void
got_result (GObject *source, GAsyncResult *result, gpointer user_data)
{
  GAsyncResult **slot = user_data;
  *slot = g_object_ref (result);
}

static gboolean
store_async (const char *url, const char *key, GError **error)
{
  g_autoptr (GAsyncResult) result = NULL;

  synth_secret_store_async (url, key, NULL, got_result, &result);
  return synth_secret_store_finish (wait_for (&result), error);
}

static char *
lookup_async (const char *url, GError **error)
{
  g_autoptr (GAsyncResult) result = NULL;

  synth_secret_lookup_async (url, NULL, got_result, &result);
  return synth_secret_lookup_finish (wait_for (&result), error);
}

static gboolean
clear_async (const char *url, GError **error)
{
  g_autoptr (GAsyncResult) result = NULL;

  synth_secret_clear_async (url, NULL, got_result, &result);
  return synth_secret_clear_finish (wait_for (&result), error);
}

static void
test_async_round_trip (void)
{
  g_autofree char *url = NULL;
  g_autofree char *same_url = NULL;
  g_autofree char *other_url = NULL;
  g_autoptr (GError) error = NULL;
  char *key;

  if (!require_service ())
    return;
  url = test_url ("async/v1");
  same_url = g_strdup_printf ("  %s/ ", url);
  other_url = test_url ("async/v2");

  g_assert_true (store_async (url, "sk-test-ünïcode key 1", &error));
  g_assert_no_error (error);
  key = lookup_async (url, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (key, ==, "sk-test-ünïcode key 1");
  synth_secret_free (key);

  /* Replacing, and the same base URL written differently. */
  g_assert_true (store_async (same_url, "sk-test-2", &error));
  key = lookup_async (url, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (key, ==, "sk-test-2");
  synth_secret_free (key);

  /* Another base URL has no key: NULL without error. */
  key = lookup_async (other_url, &error);
  g_assert_no_error (error);
  g_assert_null (key);

  g_assert_true (clear_async (url, &error));
  g_assert_no_error (error);
  g_assert_false (clear_async (url, &error));
  g_assert_no_error (error);
  key = lookup_async (url, &error);
  g_assert_no_error (error);
  g_assert_null (key);
}

static void
test_sync_round_trip (void)
{
  g_autofree char *url = NULL;
  g_autofree char *url2 = NULL;
  g_autoptr (GError) error = NULL;
  char *key;

  if (!require_service ())
    return;
  url = test_url ("sync/v1");
  url2 = test_url ("sync/other");

  g_assert_true (synth_secret_store_sync (url, "sk-sync-1", NULL, &error));
  g_assert_no_error (error);
  g_assert_true (synth_secret_store_sync (url2, "sk-sync-2", NULL, &error));
  key = synth_secret_lookup_sync (url, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (key, ==, "sk-sync-1");
  synth_secret_free (key);

  /* Keys of different base URLs are independent. */
  g_assert_true (synth_secret_clear_sync (url, NULL, &error));
  key = synth_secret_lookup_sync (url2, NULL, &error);
  g_assert_cmpstr (key, ==, "sk-sync-2");
  synth_secret_free (key);
  key = synth_secret_lookup_sync (url, NULL, &error);
  g_assert_no_error (error);
  g_assert_null (key);
  g_assert_false (synth_secret_clear_sync (url, NULL, &error));
  g_assert_no_error (error);
  g_assert_true (synth_secret_clear_sync (url2, NULL, &error));

  /* The async side sees what the sync side stored. */
  g_assert_true (synth_secret_store_sync (url, "sk-both", NULL, &error));
  key = lookup_async (url, &error);
  g_assert_cmpstr (key, ==, "sk-both");
  synth_secret_free (key);
  g_assert_true (clear_async (url, &error));
}

static void
test_cancelled (void)
{
  g_autoptr (GCancellable) cancellable = g_cancellable_new ();
  g_autoptr (GError) error = NULL;
  g_autoptr (GAsyncResult) result = NULL;
  g_autofree char *url = NULL;

  if (!require_service ())
    return;
  url = test_url ("cancelled");
  g_cancellable_cancel (cancellable);
  synth_secret_store_async (url, "sk-never", cancellable, got_result, &result);
  g_assert_false (synth_secret_store_finish (wait_for (&result), &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_clear_error (&error);
  g_assert_null (synth_secret_lookup_sync (url, NULL, &error));
  g_assert_no_error (error);
}

/* With no bus at all, the error says what to do. Runs in a subprocess so
 * the broken bus address does not leak into the other tests. */
static void
test_no_service_message (void)
{
  if (g_test_subprocess ())
    {
      g_autoptr (GError) error = NULL;
      g_setenv ("DBUS_SESSION_BUS_ADDRESS", "unix:path=/nonexistent/resume-synth-test-bus", TRUE);
      g_assert_false (synth_secret_store_sync ("https://example.invalid/v1", "sk-x", NULL, &error));
      g_assert_error (error, SYNTH_ERROR, SYNTH_ERROR_FAILED);
      g_assert_nonnull (strstr (error->message, "Start GNOME Keyring"));
      g_assert_null (strstr (error->message, "sk-x"));
      return;
    }
  g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
  g_test_trap_assert_passed ();
}

static void
probe_service (void)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *url = test_url ("probe");
  char *key;

  if (g_getenv ("DBUS_SESSION_BUS_ADDRESS") == NULL)
    {
      service_problem = g_strdup ("DBUS_SESSION_BUS_ADDRESS is not set (no D-Bus session)");
      return;
    }
  key = synth_secret_lookup_sync (url, NULL, &error);
  synth_secret_free (key);
  if (error == NULL)
    {
      /* Reading works; a store proves the default collection is unlocked. */
      if (synth_secret_store_sync (url, "probe", NULL, &error))
        synth_secret_clear_sync (url, NULL, NULL);
    }
  if (error != NULL)
    service_problem = g_strdup (error->message);
}

int
main (int argc, char **argv)
{
  int ret;

  g_test_init (&argc, &argv, NULL);

  url_prefix =
      g_strdup_printf ("https://resume-synth-test.invalid/%d-%u", (int) getpid (), g_random_int ());
  g_test_add_func ("/secret/schema", test_schema);
  g_test_add_func ("/secret/normalize", test_normalize);
  g_test_add_func ("/secret/redact", test_redact);
  g_test_add_func ("/secret/no-service-message", test_no_service_message);
  g_test_add_func ("/secret/async-round-trip", test_async_round_trip);
  g_test_add_func ("/secret/sync-round-trip", test_sync_round_trip);
  g_test_add_func ("/secret/cancelled", test_cancelled);

  if (!g_test_subprocess ())
    probe_service ();
  ret = g_test_run ();
  g_free (service_problem);
  g_free (url_prefix);
  return ret;
}
