#include "synth-error.h"

G_DEFINE_QUARK (synth-error-quark, synth_error)
