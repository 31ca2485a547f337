/* synth-secret.c — the API key in the Secret Service, via secret_password_*
 * only (so the Flatpak Secret portal is used by itself when sandboxed). */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "synth-error.h"
#include "synth-secret.h"

static const SecretSchema api_key_schema = {
  SYNTH_SECRET_SCHEMA_NAME,
  SECRET_SCHEMA_NONE,
  {
      { "base-url", SECRET_SCHEMA_ATTRIBUTE_STRING },
      { NULL, 0 },
  },
};

const SecretSchema *
synth_secret_get_schema (void)
{
  return &api_key_schema;
}

char *
synth_secret_normalize_base_url (const char *base_url)
{
  g_autofree char *url = NULL;
  char *scheme_end, *host_end;
  gsize len;

  g_return_val_if_fail (base_url != NULL, NULL);

  url = g_strstrip (g_strdup (base_url));
  len = strlen (url);
  while (len > 0 && url[len - 1] == '/')
    url[--len] = '\0';

  /* Scheme and authority are case-insensitive; the path is not. */
  scheme_end = strstr (url, "://");
  if (scheme_end != NULL)
    {
      host_end = strchr (scheme_end + 3, '/');
      if (host_end == NULL)
        host_end = url + len;
      for (char *p = url; p < host_end; p++)
        *p = g_ascii_tolower (*p);
    }
  return g_steal_pointer (&url);
}

typedef enum
{
  ACTION_STORE,
  ACTION_LOOKUP,
  ACTION_CLEAR,
} Action;

/* No Secret Service on the bus, or no bus at all. */
static gboolean
is_service_missing (const GError *error)
{
  if (error->domain == G_DBUS_ERROR)
    return error->code == G_DBUS_ERROR_SERVICE_UNKNOWN ||
           error->code == G_DBUS_ERROR_NAME_HAS_NO_OWNER || error->code == G_DBUS_ERROR_NO_SERVER ||
           error->code == G_DBUS_ERROR_FILE_NOT_FOUND ||
           (error->code >= G_DBUS_ERROR_SPAWN_EXEC_FAILED &&
            error->code <= G_DBUS_ERROR_SPAWN_FAILED);
  return error->domain == G_IO_ERROR || error->domain == G_SPAWN_ERROR;
}

/* Turns libsecret's error into one that says what to do. Takes @error. */
static GError *
explain_error (GError *error, Action action)
{
  g_autoptr (GError) owned = error;
  const char *what;

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return g_steal_pointer (&owned);

  if (is_service_missing (error))
    return g_error_new (SYNTH_ERROR, SYNTH_ERROR_FAILED,
                        _ ("No secret store is running (%s). Start GNOME Keyring or another "
                           "Secret Service, then try again."),
                        error->message);

  switch (action)
    {
    case ACTION_STORE:
      what = _ ("The API key could not be saved in the keyring");
      break;
    case ACTION_LOOKUP:
      what = _ ("The API key could not be read from the keyring");
      break;
    case ACTION_CLEAR:
    default:
      what = _ ("The API key could not be removed from the keyring");
      break;
    }
  return g_error_new (SYNTH_ERROR, SYNTH_ERROR_FAILED,
                      _ ("%s: %s. Unlock the keyring and try again."), what, error->message);
}

static char *
make_label (const char *url)
{
  return g_strdup_printf (_ ("Resume Synth API key for %s"), url);
}

/* ---- async ---------------------------------------------------------------- */

static void
on_stored (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  GError *error = NULL;

  if (!secret_password_store_finish (result, &error))
    g_task_return_error (task, explain_error (error, ACTION_STORE));
  else
    g_task_return_boolean (task, TRUE);
}

void
synth_secret_store_async (const char *base_url,
                          const char *api_key,
                          GCancellable *cancellable,
                          GAsyncReadyCallback callback,
                          gpointer user_data)
{
  g_autoptr (GTask) task = NULL;
  g_autofree char *url = NULL;
  g_autofree char *label = NULL;

  g_return_if_fail (base_url != NULL);
  g_return_if_fail (api_key != NULL);

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, synth_secret_store_async);
  url = synth_secret_normalize_base_url (base_url);
  label = make_label (url);
  secret_password_store (&api_key_schema, SECRET_COLLECTION_DEFAULT, label, api_key, cancellable,
                         on_stored, g_steal_pointer (&task), "base-url", url, NULL);
}

gboolean
synth_secret_store_finish (GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == synth_secret_store_async, FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

static void
on_looked_up (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  GError *error = NULL;
  char *key = secret_password_lookup_finish (result, &error);

  if (error != NULL)
    g_task_return_error (task, explain_error (error, ACTION_LOOKUP));
  else
    g_task_return_pointer (task, key, (GDestroyNotify) secret_password_free);
}

void
synth_secret_lookup_async (const char *base_url,
                           GCancellable *cancellable,
                           GAsyncReadyCallback callback,
                           gpointer user_data)
{
  g_autoptr (GTask) task = NULL;
  g_autofree char *url = NULL;

  g_return_if_fail (base_url != NULL);

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, synth_secret_lookup_async);
  url = synth_secret_normalize_base_url (base_url);
  secret_password_lookup (&api_key_schema, cancellable, on_looked_up, g_steal_pointer (&task),
                          "base-url", url, NULL);
}

char *
synth_secret_lookup_finish (GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == synth_secret_lookup_async, NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
on_cleared (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  GError *error = NULL;
  gboolean removed = secret_password_clear_finish (result, &error);

  if (error != NULL)
    g_task_return_error (task, explain_error (error, ACTION_CLEAR));
  else
    g_task_return_boolean (task, removed);
}

void
synth_secret_clear_async (const char *base_url,
                          GCancellable *cancellable,
                          GAsyncReadyCallback callback,
                          gpointer user_data)
{
  g_autoptr (GTask) task = NULL;
  g_autofree char *url = NULL;

  g_return_if_fail (base_url != NULL);

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, synth_secret_clear_async);
  url = synth_secret_normalize_base_url (base_url);
  secret_password_clear (&api_key_schema, cancellable, on_cleared, g_steal_pointer (&task),
                         "base-url", url, NULL);
}

gboolean
synth_secret_clear_finish (GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == synth_secret_clear_async, FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

/* ---- sync (CLI only) ------------------------------------------------------ */

gboolean
synth_secret_store_sync (const char *base_url,
                         const char *api_key,
                         GCancellable *cancellable,
                         GError **error)
{
  g_autofree char *url = NULL;
  g_autofree char *label = NULL;
  GError *local_error = NULL;

  g_return_val_if_fail (base_url != NULL, FALSE);
  g_return_val_if_fail (api_key != NULL, FALSE);

  url = synth_secret_normalize_base_url (base_url);
  label = make_label (url);
  if (!secret_password_store_sync (&api_key_schema, SECRET_COLLECTION_DEFAULT, label, api_key,
                                   cancellable, &local_error, "base-url", url, NULL))
    {
      g_propagate_error (error, explain_error (local_error, ACTION_STORE));
      return FALSE;
    }
  return TRUE;
}

char *
synth_secret_lookup_sync (const char *base_url, GCancellable *cancellable, GError **error)
{
  g_autofree char *url = NULL;
  GError *local_error = NULL;
  char *key;

  g_return_val_if_fail (base_url != NULL, NULL);

  url = synth_secret_normalize_base_url (base_url);
  key = secret_password_lookup_sync (&api_key_schema, cancellable, &local_error, "base-url", url,
                                     NULL);
  if (local_error != NULL)
    {
      secret_password_free (key);
      g_propagate_error (error, explain_error (local_error, ACTION_LOOKUP));
      return NULL;
    }
  return key;
}

gboolean
synth_secret_clear_sync (const char *base_url, GCancellable *cancellable, GError **error)
{
  g_autofree char *url = NULL;
  GError *local_error = NULL;
  gboolean removed;

  g_return_val_if_fail (base_url != NULL, FALSE);

  url = synth_secret_normalize_base_url (base_url);
  removed = secret_password_clear_sync (&api_key_schema, cancellable, &local_error, "base-url", url,
                                        NULL);
  if (local_error != NULL)
    {
      g_propagate_error (error, explain_error (local_error, ACTION_CLEAR));
      return FALSE;
    }
  return removed;
}

void
synth_secret_free (char *api_key)
{
  if (api_key != NULL)
    secret_password_free (api_key);
}

char *
synth_secret_redact (const char *text, const char *api_key)
{
  GString *out;
  gsize key_len;
  const char *p, *hit;

  if (text == NULL)
    return NULL;
  if (api_key == NULL || api_key[0] == '\0')
    return g_strdup (text);

  key_len = strlen (api_key);
  out = g_string_sized_new (strlen (text));
  for (p = text; (hit = strstr (p, api_key)) != NULL; p = hit + key_len)
    {
      g_string_append_len (out, p, hit - p);
      g_string_append (out, SYNTH_SECRET_REDACTED);
    }
  g_string_append (out, p);
  return g_string_free (out, FALSE);
}
