/* synth-application.c — app-wide actions and accelerators; the window owns
 * everything about a run. */
#include "config.h"

#include <glib/gi18n.h>

#include "synth-application.h"
#include "synth-preferences-window.h"
#include "synth-window.h"

struct _SynthApplication
{
  AdwApplication parent_instance;

  GSettings *settings;
};

G_DEFINE_FINAL_TYPE (SynthApplication, synth_application, ADW_TYPE_APPLICATION)

SynthApplication *
synth_application_new (void)
{
  return g_object_new (SYNTH_TYPE_APPLICATION, "application-id", APP_ID, "flags",
                       G_APPLICATION_HANDLES_OPEN, "resource-base-path",
                       "/io/github/resumesynth/ResumeSynth", NULL);
}

GSettings *
synth_application_get_settings (SynthApplication *self)
{
  g_return_val_if_fail (SYNTH_IS_APPLICATION (self), NULL);

  if (self->settings == NULL)
    self->settings = g_settings_new (APP_ID);
  return self->settings;
}

static SynthWindow *
get_or_create_window (SynthApplication *self)
{
  GtkWindow *window = gtk_application_get_active_window (GTK_APPLICATION (self));

  if (window == NULL)
    window = GTK_WINDOW (synth_window_new (self));
  return SYNTH_WINDOW (window);
}

static void
synth_application_activate (GApplication *app)
{
  SynthWindow *window = get_or_create_window (SYNTH_APPLICATION (app));

  gtk_window_present (GTK_WINDOW (window));
  synth_window_offer_unfinished_runs (window);
}

/* `resume-synth data.csv` opens the CSV for review, like Open CSV… does. */
static void
synth_application_open (GApplication *app, GFile **files, int n_files, const char *hint)
{
  SynthWindow *window = get_or_create_window (SYNTH_APPLICATION (app));

  gtk_window_present (GTK_WINDOW (window));
  if (n_files > 0)
    synth_window_open_csv (window, files[0]);
}

static void
quit_activated (GSimpleAction *action, GVariant *param, gpointer user_data)
{
  SynthApplication *self = user_data;

  /* Closing each window lets a running generation save what it has. */
  for (GList *l = gtk_application_get_windows (GTK_APPLICATION (self)); l != NULL;)
    {
      GtkWindow *window = l->data;
      l = l->next;
      gtk_window_close (window);
    }
}

static void
about_activated (GSimpleAction *action, GVariant *param, gpointer user_data)
{
  SynthApplication *self = user_data;
  GtkWindow *parent = gtk_application_get_active_window (GTK_APPLICATION (self));
  const char *developers[] = { "The Resume Synth developers", NULL };
  GtkWidget *about;

  about = g_object_new (ADW_TYPE_ABOUT_WINDOW, "transient-for", parent, "modal", TRUE,
                        "application-icon", APP_ID, "application-name", _ ("Resume Synth"),
                        "developer-name", _ ("The Resume Synth developers"), "version",
                        PACKAGE_VERSION, "comments",
                        _ ("Generate synthetic resume ↔ job matching datasets with exact label "
                           "balance and controlled biases, review them, and export a CSV with "
                           "its statistics report."),
                        "website", "https://github.com/resumesynth/resume-synth", "issue-url",
                        "https://github.com/resumesynth/resume-synth/issues", "license-type",
                        GTK_LICENSE_GPL_3_0, "developers", developers,
                        /* Translators: put your names here, one per line. */
                        "translator-credits", _ ("translator-credits"), NULL);
  gtk_window_present (GTK_WINDOW (about));
}

static void
preferences_activated (GSimpleAction *action, GVariant *param, gpointer user_data)
{
  SynthApplication *self = user_data;
  GtkWindow *parent = gtk_application_get_active_window (GTK_APPLICATION (self));
  SynthPreferencesWindow *prefs = synth_preferences_window_new ();

  gtk_window_set_transient_for (GTK_WINDOW (prefs), parent);
  gtk_window_present (GTK_WINDOW (prefs));
}

static const GActionEntry app_entries[] = {
  { "quit", quit_activated },
  { "about", about_activated },
  { "preferences", preferences_activated },
};

static void
synth_application_startup (GApplication *app)
{
  SynthApplication *self = SYNTH_APPLICATION (app);
  static const struct
  {
    const char *action;
    const char *accels[3];
  } accels[] = {
    { "app.quit", { "<Control>q", NULL } },
    { "app.preferences", { "<Control>comma", NULL } },
    { "window.close", { "<Control>w", NULL } },
    { "win.generate", { "<Control>Return", NULL } },
    { "win.stop", { "<Control>period", NULL } },
    { "win.open-csv", { "<Control>o", NULL } },
    { "win.export", { "<Control>e", NULL } },
    { "win.search", { "<Control>f", NULL } },
    { "win.toggle-sidebar", { "F9", NULL } },
    { "win.show-page::records", { "<Alt>1", NULL } },
    { "win.show-page::statistics", { "<Alt>2", NULL } },
  };

  G_APPLICATION_CLASS (synth_application_parent_class)->startup (app);

  synth_application_get_settings (self);
  g_action_map_add_action_entries (G_ACTION_MAP (self), app_entries, G_N_ELEMENTS (app_entries),
                                   self);
  for (guint i = 0; i < G_N_ELEMENTS (accels); i++)
    gtk_application_set_accels_for_action (GTK_APPLICATION (self), accels[i].action,
                                           accels[i].accels);
}

static void
synth_application_dispose (GObject *object)
{
  SynthApplication *self = SYNTH_APPLICATION (object);

  g_clear_object (&self->settings);

  G_OBJECT_CLASS (synth_application_parent_class)->dispose (object);
}

static void
synth_application_class_init (SynthApplicationClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GApplicationClass *app_class = G_APPLICATION_CLASS (klass);

  object_class->dispose = synth_application_dispose;
  app_class->activate = synth_application_activate;
  app_class->open = synth_application_open;
  app_class->startup = synth_application_startup;
}

static void
synth_application_init (SynthApplication *self)
{
}
