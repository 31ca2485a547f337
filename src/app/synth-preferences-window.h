/* synth-preferences-window.h — API keys (in the Secret Service, never in
 * GSettings) with a check against /models, the compatible endpoint's base
 * URL, the default model, rate limits and prices. */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define SYNTH_TYPE_PREFERENCES_WINDOW (synth_preferences_window_get_type ())
G_DECLARE_FINAL_TYPE (SynthPreferencesWindow,
                      synth_preferences_window,
                      SYNTH,
                      PREFERENCES_WINDOW,
                      AdwPreferencesWindow)

/* Signals: "secret-changed" (const char *base_url, gboolean ok) after a key
 * was stored or removed; "validated" (const char *which, gboolean ok) after a
 * check; "loaded" () once the stored keys are in the entries. */
SynthPreferencesWindow *synth_preferences_window_new (void);

/* The status line of a provider ("openai" or "compatible"), for tests. */
const char *synth_preferences_window_get_status (SynthPreferencesWindow *self, const char *which);

G_END_DECLS
