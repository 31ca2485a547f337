/* synth-application.h — the AdwApplication: app actions, accels, About,
 * Preferences, and one SynthWindow. */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define SYNTH_TYPE_APPLICATION (synth_application_get_type ())
G_DECLARE_FINAL_TYPE (SynthApplication, synth_application, SYNTH, APPLICATION, AdwApplication)

SynthApplication *synth_application_new (void);
/* The app's settings (io.github.resumesynth.ResumeSynth). */
GSettings *synth_application_get_settings (SynthApplication *self);

G_END_DECLS
