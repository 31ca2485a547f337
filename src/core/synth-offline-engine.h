/* synth-offline-engine.h — the built-in procedural generator (provider
 * "offline"): fills a slot with a resume and a job from the curated corpus,
 * with the label true by construction and the slot's semantic bias built in.
 *
 * Surface biases (textual, structural, missing_noisy, human_error) are not
 * applied here: for those slots the engine returns a clean record with
 * bias_type/bias_subtype set and bias_detail empty, and the seeded
 * transforms change the text afterwards. */
#pragma once

#include <glib-object.h>

#include "synth-record.h"
#include "synth-slot-plan.h"

G_BEGIN_DECLS

#define SYNTH_TYPE_OFFLINE_ENGINE (synth_offline_engine_get_type ())
G_DECLARE_FINAL_TYPE (SynthOfflineEngine, synth_offline_engine, SYNTH, OFFLINE_ENGINE, GObject)

/* @run_id prefixes every record id ("<run_id>-0000042"). */
SynthOfflineEngine *synth_offline_engine_new (guint64 run_seed, const char *run_id);

/* Thread-safe (may be called from several threads at once) and
 * deterministic: the same (run_seed, slot) always gives an identical record.
 * Members of a fairness group (same slot->group) get identical resume and
 * job texts apart from the person's name and e-mail address. */
SynthRecord *synth_offline_engine_generate (SynthOfflineEngine *self, const SynthSlot *slot);

G_END_DECLS
