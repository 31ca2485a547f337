/* synth-error.h — the core's error domain. Codes are for callers to branch
 * on; messages are for people: what happened, and what to do. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define SYNTH_ERROR (synth_error_quark ())

typedef enum
{
  SYNTH_ERROR_INVALID_ARGUMENT, /* a value the user gave is out of range or malformed */
  SYNTH_ERROR_IO,               /* a file could not be read or written (disk full, read-only…) */
  SYNTH_ERROR_PARSE,            /* an input file is malformed; the message names the line */
  SYNTH_ERROR_NOT_FOUND,        /* an unknown run id, domain, column… */
  SYNTH_ERROR_STORE,            /* the run store refused an operation (corrupt, locked) */
  SYNTH_ERROR_CANCELLED,        /* the user stopped the run; what is done is saved */
  SYNTH_ERROR_FAILED,           /* anything else */
} SynthError;

GQuark synth_error_quark (void);

G_END_DECLS
