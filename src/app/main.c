/* main.c — the resume-synth window's entry point. */
#include "config.h"

#include <glib/gi18n.h>

#include "synth-application.h"

int
main (int argc, char **argv)
{
  g_autoptr (SynthApplication) app = NULL;

  bindtextdomain (GETTEXT_PACKAGE, LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);

  app = synth_application_new ();
  return g_application_run (G_APPLICATION (app), argc, argv);
}
