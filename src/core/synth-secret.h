/* synth-secret.h — the API key in the Secret Service (DESIGN.md §10).
 *
 * One secret per base URL, schema io.github.resumesynth.ResumeSynth.ApiKey
 * with the string attribute "base-url". Only secret_password_* is used, so
 * inside Flatpak the Secret portal takes over by itself. The app uses the
 * async calls; the _sync ones are for the CLI only (never on a main loop). */
#pragma once

#include <gio/gio.h>
#include <libsecret/secret.h>

G_BEGIN_DECLS

#define SYNTH_SECRET_SCHEMA_NAME "io.github.resumesynth.ResumeSynth.ApiKey"
/* What synth_secret_redact() puts in place of the key. */
#define SYNTH_SECRET_REDACTED "sk-…redacted"

const SecretSchema *synth_secret_get_schema (void);

/* The attribute value for @base_url: blanks and trailing slashes removed, so
 * "https://api.openai.com/v1/" and "https://api.openai.com/v1" share a key.
 * Scheme and host are lowercased; the path keeps its case. */
char *synth_secret_normalize_base_url (const char *base_url);

/* Stores (or replaces) the key for @base_url in the default collection.
 * Errors are SYNTH_ERROR_FAILED with a message that says what to do (e.g. no
 * Secret Service running: start GNOME Keyring; the CLI also reads
 * OPENAI_API_KEY);
 * G_IO_ERROR_CANCELLED is passed through. */
void synth_secret_store_async (const char *base_url,
                               const char *api_key,
                               GCancellable *cancellable,
                               GAsyncReadyCallback callback,
                               gpointer user_data);
gboolean synth_secret_store_finish (GAsyncResult *result, GError **error);

/* The key for @base_url, or NULL without error when none is stored. Free the
 * key with synth_secret_free() (it wipes the memory). */
void synth_secret_lookup_async (const char *base_url,
                                GCancellable *cancellable,
                                GAsyncReadyCallback callback,
                                gpointer user_data);
char *synth_secret_lookup_finish (GAsyncResult *result, GError **error);

/* Removes the key for @base_url. TRUE if one was removed; FALSE without
 * error if there was none. */
void synth_secret_clear_async (const char *base_url,
                               GCancellable *cancellable,
                               GAsyncReadyCallback callback,
                               gpointer user_data);
gboolean synth_secret_clear_finish (GAsyncResult *result, GError **error);

/* CLI only: blocking variants with the same semantics. */
gboolean synth_secret_store_sync (const char *base_url,
                                  const char *api_key,
                                  GCancellable *cancellable,
                                  GError **error);
char *synth_secret_lookup_sync (const char *base_url, GCancellable *cancellable, GError **error);
gboolean synth_secret_clear_sync (const char *base_url, GCancellable *cancellable, GError **error);

/* Frees (and wipes) a key returned by lookup; NULL is fine. */
void synth_secret_free (char *api_key);

/* A copy of @text with every occurrence of @api_key replaced by
 * SYNTH_SECRET_REDACTED, for logs and error messages. @text NULL gives NULL;
 * @api_key NULL or "" gives a plain copy. */
char *synth_secret_redact (const char *text, const char *api_key);

G_END_DECLS
