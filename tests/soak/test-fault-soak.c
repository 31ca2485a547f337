/* test-fault-soak.c — 2,000 records through the simulator with every fault
 * at once (5xx, stalls, drops mid-stream, malformed and truncated JSON,
 * wrong slots) plus 429 storms from too many streams: the run must end with
 * exactly the planned records, labels and categories, and the failures the
 * statistics count must equal what the simulator injected.
 * Suite "slow"; SYNTH_SOAK_FAULT_RECORDS sizes it. */
#include "config.h"

#include <glib/gstdio.h>
#include <stdlib.h>
#include <string.h>

#include "synth-openai-client.h"
#include "synth-run.h"
#include "synth-sim.h"
#include "synth-stats.h"

static guint
env_uint (const char *name, guint fallback)
{
  const char *v = g_getenv (name);
  return v ? (guint) g_ascii_strtoull (v, NULL, 10) : fallback;
}

static guint64
failures (SynthUsage *usage, const char *const *reasons)
{
  guint64 n = 0;
  for (guint i = 0; reasons[i]; i++)
    n += synth_usage_get_failure (usage, reasons[i]);
  return n;
}

static void
test_fault_soak (void)
{
  guint n = env_uint ("SYNTH_SOAK_FAULT_RECORDS", 2000);
  g_autofree char *dir = g_dir_make_tmp ("synth-fault-soak-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "soak.db", NULL);
  g_autoptr (SynthSim) sim = synth_sim_new ();
  g_autoptr (SynthRunSpec) spec = synth_run_spec_new ();
  g_autoptr (SynthSlotPlan) plan = NULL;
  g_autoptr (SynthRunStore) store = NULL;
  g_autoptr (SynthRun) run = NULL;
  g_autoptr (SynthUsage) usage = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (GHashTable) texts = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr (GPtrArray) records = NULL;
  SynthOpenaiOptions options;
  SynthSimStats st;
  guint pos = 0;

  synth_sim_set_api_key (sim, "sk-soak");
  synth_sim_set_seed (sim, 11);
  synth_sim_set_ttft_ms (sim, 5);
  synth_sim_set_tokens_per_second (sim, 40000);
  synth_sim_set_stall_ms (sim, 4000);
  synth_sim_set_fault_rates (sim, 0.10, G_MAXUINT);
  /* More streams asked than served: a steady supply of 429s. */
  synth_sim_set_max_streams (sim, 4);
  g_assert_true (synth_sim_start_in_thread (sim, &error));
  g_assert_no_error (error);

  spec->records = n;
  spec->batch_size = 10;
  spec->concurrency = 8;
  spec->seed = 31;
  g_free (spec->provider);
  spec->provider = g_strdup ("openai");
  spec->model = g_strdup ("gpt-4o-mini");
  spec->base_url = g_strdup (synth_sim_get_base_url (sim));
  plan = synth_slot_plan_new_balanced (spec, &error);
  g_assert_no_error (error);
  store = synth_run_store_create (path, "soak", spec, plan, &error);
  g_assert_no_error (error);

  synth_openai_options_init (&options);
  options.api_key = "sk-soak";
  options.timeout_ms = 1500; /* stalls must become timeouts */
  options.max_attempts = 1000; /* a soak this faulty must not give up on a slot */
  run = synth_run_new (store);
  synth_run_set_openai_options (run, &options);
  synth_run_set_api_key (run, "sk-soak");
  synth_run_execute (run, NULL, &error);
  g_assert_no_error (error);

  /* Exactly the plan: every slot once, label and category as planned. */
  g_assert_cmpuint (synth_run_store_count_done (store), ==, n);
  records = synth_run_store_load_records (store, 0, 0, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (records->len, ==, n);
  for (guint i = 0; i < records->len; i++)
    {
      SynthRecord *r = records->pdata[i];
      const SynthSlot *slot = synth_slot_plan_get_slot (plan, synth_record_get_index (r));
      g_assert_cmpuint (synth_record_get_index (r), ==, i);
      g_assert_cmpint (synth_record_get_match_label (r), ==, slot->match_label);
      g_assert_cmpint (synth_record_get_bias_type (r), ==, slot->bias_type);
      g_assert_cmpstr (synth_record_get_resume_text (r), !=, "");
      pos += synth_record_get_match_label (r);
      g_hash_table_add (texts, g_strconcat (synth_record_get_name (r), "\x1f",
                                            synth_record_get_resume_text (r), NULL));
    }
  g_assert_cmpuint (pos, ==, synth_slot_plan_count_label (plan, 1));
  g_assert_cmpuint (g_hash_table_size (texts), ==, n);
  g_assert_true (synth_run_store_check_integrity (store, &error));

  /* What the run counted equals what the simulator injected. */
  usage = synth_run_store_dup_usage (store);
  synth_sim_get_stats (sim, &st);
  {
    static const char *const r5xx[] = { "http_5xx", "stream_error", NULL };
    static const char *const rstall[] = { "timeout", NULL };
    static const char *const rdrop[] = { "dropped", "network", NULL };
    static const char *const rmal[] = { "malformed_json", "malformed_response", NULL };
    static const char *const rtrunc[] = { "truncated", NULL };
    /* A wrong-slot fault leaves exactly one asked slot wrong or unfilled; an
     * answer for a slot that was not asked is counted apart (unknown_slot)
     * and always comes with the missing one it replaced. */
    static const char *const rwrong[] = { "wrong_label", "wrong_bias", "missing_slot", NULL };
    static const char *const r429[] = { "rate_limited", NULL };
    struct
    {
      const char *name;
      guint64 injected;
      guint64 counted;
    } rows[] = {
      { "5xx", st.faults[SYNTH_SIM_FAULT_5XX], failures (usage, r5xx) },
      { "stall", st.faults[SYNTH_SIM_FAULT_STALL], failures (usage, rstall) },
      { "drop", st.faults[SYNTH_SIM_FAULT_DROP], failures (usage, rdrop) },
      { "malformed", st.faults[SYNTH_SIM_FAULT_MALFORMED], failures (usage, rmal) },
      { "truncated", st.faults[SYNTH_SIM_FAULT_TRUNCATED], failures (usage, rtrunc) },
      { "wrong-slot", st.faults[SYNTH_SIM_FAULT_WRONG_SLOT], failures (usage, rwrong) },
      { "429", st.rate_limited, failures (usage, r429) },
    };
    g_autofree char *json = synth_usage_to_json (usage);

    g_test_message ("requests %" G_GUINT64_FORMAT ", usage %s", st.requests, json);
    for (guint i = 0; i < G_N_ELEMENTS (rows); i++)
      {
        g_test_message ("%-10s injected %4" G_GUINT64_FORMAT "  counted %4" G_GUINT64_FORMAT,
                        rows[i].name, rows[i].injected, rows[i].counted);
        g_assert_cmpuint (rows[i].injected, >, 0);
        g_assert_cmpuint (rows[i].counted, ==, rows[i].injected);
      }
  }

  g_assert_cmpuint (synth_usage_get_failure (usage, "unknown_slot"), <=,
                    synth_usage_get_failure (usage, "missing_slot"));

  /* The statistics report the same failures. */
  {
    g_autoptr (SynthStats) stats = synth_stats_new ();
    g_autoptr (JsonNode) node = NULL;
    JsonObject *failures_obj;

    synth_stats_set_usage (stats, usage);
    synth_stats_finish (stats);
    node = synth_stats_to_json (stats);
    failures_obj = json_object_get_object_member (json_node_get_object (node), "failures");
    g_assert_nonnull (failures_obj);
    g_assert_cmpint (json_object_get_int_member (failures_obj, "timeout"), ==,
                     synth_usage_get_failure (usage, "timeout"));
    {
      JsonObject *root = json_node_get_object (node);
      JsonObject *rejections = json_object_get_object_member (root, "rejections");
      g_assert_nonnull (rejections);
      g_assert_cmpint (json_object_get_int_member_with_default (rejections, "wrong_label", 0), ==,
                       synth_usage_get_failure (usage, "wrong_label"));
      g_assert_cmpint (json_object_get_int_member (root, "retries"), ==, usage->retries);
      g_assert_cmpfloat (json_object_get_double_member (root, "cost_usd"), >, 0);
    }
  }

  synth_sim_stop (sim);
  g_clear_object (&run);
  g_clear_object (&store);
  {
    g_autofree char *cmd = g_strdup_printf ("rm -rf '%s'", dir);
    (void) system (cmd);
  }
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/soak/faults", test_fault_soak);
  return g_test_run ();
}
