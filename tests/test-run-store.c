/* test-run-store.c — the SQLite run store: plans, batches, resume after an
 * interruption, review and usage across reopen, file modes, bad files,
 * listing, import, a writer thread beside readers, disk full and read-only. */
#define _GNU_SOURCE /* unshare (), CLONE_NEWNS */
#include "config.h"

#include <errno.h>
#include <glib.h>
#include <glib/gstdio.h>
#include <sched.h>
#include <signal.h>
#include <sqlite3.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "synth-error.h"
#include "synth-run-store.h"

typedef struct
{
  char *dir;
} Fixture;

/* $SYNTH_RUNS_DIR, set once in main () before any thread exists; each test
 * starts with it empty and removes it afterwards. */
static char *runs_dir;

static void
rm_rf (const char *path)
{
  g_autoptr (GDir) dir = g_dir_open (path, 0, NULL);
  const char *name;

  while (dir && (name = g_dir_read_name (dir)))
    {
      g_autofree char *child = g_build_filename (path, name, NULL);
      if (g_file_test (child, G_FILE_TEST_IS_DIR) && !g_file_test (child, G_FILE_TEST_IS_SYMLINK))
        rm_rf (child);
      else
        g_unlink (child);
    }
  g_rmdir (path);
}

static void
fixture_setup (Fixture *f, gconstpointer data)
{
  f->dir = g_strdup (runs_dir);
  g_assert_cmpint (g_mkdir_with_parents (f->dir, 0700), ==, 0);
}

static void
fixture_teardown (Fixture *f, gconstpointer data)
{
  rm_rf (f->dir);
  g_free (f->dir);
}

/* ---- helpers ----------------------------------------------------------- */

static SynthRunSpec *
spec_for (guint records, guint64 seed)
{
  SynthRunSpec *spec = synth_run_spec_new ();
  spec->records = records;
  spec->seed = seed;
  return spec;
}

static SynthSlotPlan *
plan_for (const SynthRunSpec *spec)
{
  g_autoptr (GError) error = NULL;
  SynthSlotPlan *plan = synth_slot_plan_new_balanced (spec, &error);
  g_assert_no_error (error);
  return plan;
}

static SynthRunStore *
create_run (Fixture *f, const char *run_id, guint n, SynthSlotPlan **out_plan)
{
  g_autoptr (SynthRunSpec) spec = spec_for (n, 1234);
  g_autoptr (SynthSlotPlan) plan = plan_for (spec);
  g_autofree char *path = synth_run_store_path_for_id (f->dir, run_id);
  g_autoptr (GError) error = NULL;
  SynthRunStore *store = synth_run_store_create (path, run_id, spec, plan, &error);

  g_assert_no_error (error);
  g_assert_nonnull (store);
  if (out_plan)
    *out_plan = g_steal_pointer (&plan);
  return store;
}

static const char *const words[] = {
  "Python",
  "Kubernetes",
  "led",
  "migration",
  "of",
  "billing",
  "services",
  "to",
  "the",
  "cloud",
  "reduced",
  "latency",
  "by",
  "40%",
  "mentored",
  "four",
  "engineers",
  "designed",
  "APIs",
  "for",
  "patient",
  "records",
  "SQL",
  "dashboards",
  "stakeholders",
  "quarterly",
  "forecasting",
  "and",
  "Zürich",
  "São",
  "Paulo",
  "naïve",
  "café",
  "résumé",
  "東京",
  "Ελλάδα",
  "مرحبا",
  "🚀",
  "\"quoted\"",
  "comma,",
  "new\nline",
  "tab\tchar",
  "=cmd|' /C calc'!A0",
};

/* About @size bytes of resume-like text, different for every @seed. */
static char *
text_for (guint seed, gsize size)
{
  g_autoptr (GRand) rand = g_rand_new_with_seed (seed);
  GString *s = g_string_sized_new (size + 64);

  g_string_append (s, "SUMMARY\nExperienced professional.\n\nEXPERIENCE\n");
  while (s->len < size)
    {
      g_string_append (s, words[g_rand_int_range (rand, 0, G_N_ELEMENTS (words))]);
      g_string_append_c (s, g_rand_int_range (rand, 0, 12) == 0 ? '\n' : ' ');
    }
  return g_string_free (s, FALSE);
}

static SynthRecord *
record_for_slot (const SynthSlot *slot, guint idx, gsize text_size)
{
  SynthRecord *r = synth_record_new ();
  g_autofree char *resume = text_for (idx * 2 + 1, text_size);
  g_autofree char *job = text_for (idx * 2 + 2, text_size / 4);
  g_autofree char *name = g_strdup_printf ("Amára Nwosu-Łukasiewicz 山田 %u", idx);
  g_autofree char *group = slot ? synth_slot_dup_group_id (slot) : NULL;
  g_autofree char *detail = g_strdup_printf ("textual/abbreviations: JavaScript→JS #%u", idx);

  synth_record_set_index (r, idx);
  synth_record_set_name (r, name);
  synth_record_set_resume_text (r, resume);
  synth_record_set_job_skill_text (r, job);
  /* Half keep a clean copy, half leave it NULL ("same as biased"). */
  if (idx % 2 == 0)
    {
      g_autofree char *clean = g_strconcat ("CLEAN ", resume, NULL);
      synth_record_set_clean_resume_text (r, clean);
      synth_record_set_clean_job_skill_text (r, job);
    }
  synth_record_set_match_label (r, slot ? slot->match_label : idx % 2);
  synth_record_set_bias_type (r, slot ? slot->bias_type : SYNTH_BIAS_TEXTUAL);
  synth_record_set_bias_subtype (r, slot ? synth_slot_get_subtype_id (slot) : "synonyms");
  synth_record_set_bias_detail (r, detail);
  synth_record_set_domain (r, synth_domain_ids ()[slot ? slot->domain : idx % SYNTH_N_DOMAINS]);
  synth_record_set_seniority (r, synth_seniority_to_id (slot ? slot->seniority : idx % 4));
  synth_record_set_region (r, synth_region_ids ()[slot ? slot->region : idx % SYNTH_N_REGIONS]);
  synth_record_set_length_class (r, synth_length_to_id (slot ? slot->length : idx % 2));
  synth_record_set_split (r, slot ? synth_slot_get_split (slot) : "train");
  synth_record_set_group_id (r, group);
  return r;
}

static GPtrArray *
batch_for (SynthSlotPlan *plan, guint from, guint n, gsize text_size)
{
  GPtrArray *batch = g_ptr_array_new_with_free_func (g_object_unref);

  for (guint i = from; i < from + n; i++)
    g_ptr_array_add (batch, record_for_slot (synth_slot_plan_get_slot (plan, i), i, text_size));
  return batch;
}

static void
commit_range (SynthRunStore *store, SynthSlotPlan *plan, guint from, guint to, guint batch_size)
{
  for (guint i = from; i < to; i += batch_size)
    {
      g_autoptr (GPtrArray) batch = batch_for (plan, i, MIN (batch_size, to - i), 600);
      g_autoptr (GError) error = NULL;
      g_assert_true (synth_run_store_commit_batch (store, batch, NULL, &error));
      g_assert_no_error (error);
    }
}

static void
assert_records_equal (SynthRecord *a, SynthRecord *b)
{
  g_assert_cmpuint (synth_record_get_index (a), ==, synth_record_get_index (b));
  g_assert_cmpstr (synth_record_get_record_id (a), ==, synth_record_get_record_id (b));
  g_assert_cmpstr (synth_record_get_name (a), ==, synth_record_get_name (b));
  g_assert_cmpstr (synth_record_get_resume_text (a), ==, synth_record_get_resume_text (b));
  g_assert_cmpstr (synth_record_get_job_skill_text (a), ==, synth_record_get_job_skill_text (b));
  g_assert_cmpstr (synth_record_get_clean_resume_text (a), ==,
                   synth_record_get_clean_resume_text (b));
  g_assert_cmpstr (synth_record_get_clean_job_skill_text (a), ==,
                   synth_record_get_clean_job_skill_text (b));
  g_assert_cmpint (synth_record_get_match_label (a), ==, synth_record_get_match_label (b));
  g_assert_cmpint (synth_record_get_bias_type (a), ==, synth_record_get_bias_type (b));
  g_assert_cmpstr (synth_record_get_bias_subtype (a), ==, synth_record_get_bias_subtype (b));
  g_assert_cmpstr (synth_record_get_bias_detail (a), ==, synth_record_get_bias_detail (b));
  g_assert_cmpstr (synth_record_get_domain (a), ==, synth_record_get_domain (b));
  g_assert_cmpstr (synth_record_get_seniority (a), ==, synth_record_get_seniority (b));
  g_assert_cmpstr (synth_record_get_region (a), ==, synth_record_get_region (b));
  g_assert_cmpstr (synth_record_get_length_class (a), ==, synth_record_get_length_class (b));
  g_assert_cmpstr (synth_record_get_split (a), ==, synth_record_get_split (b));
  g_assert_cmpstr (synth_record_get_group_id (a), ==, synth_record_get_group_id (b));
  g_assert_cmpint (synth_record_get_review_status (a), ==, synth_record_get_review_status (b));
}

static void
assert_slots_equal (const SynthSlot *a, const SynthSlot *b)
{
  g_assert_cmpuint (a->index, ==, b->index);
  g_assert_cmpuint (a->match_label, ==, b->match_label);
  g_assert_cmpuint (a->bias_type, ==, b->bias_type);
  g_assert_cmpuint (a->bias_subtype, ==, b->bias_subtype);
  g_assert_cmpuint (a->domain, ==, b->domain);
  g_assert_cmpuint (a->seniority, ==, b->seniority);
  g_assert_cmpuint (a->region, ==, b->region);
  g_assert_cmpuint (a->length, ==, b->length);
  g_assert_cmpuint (a->variant, ==, b->variant);
  g_assert_cmpuint (a->group, ==, b->group);
}

static SynthRunStore *
reopen (SynthRunStore *store)
{
  g_autofree char *path = g_strdup (synth_run_store_get_path (store));
  g_autoptr (GError) error = NULL;
  SynthRunStore *again;

  g_object_unref (store);
  again = synth_run_store_open (path, &error);
  g_assert_no_error (error);
  return again;
}

static guint
file_mode (const char *path)
{
  GStatBuf st;
  g_assert_cmpint (g_stat (path, &st), ==, 0);
  return st.st_mode & 07777;
}

/* ---- tests ------------------------------------------------------------- */

static void
test_create_plan (Fixture *f, gconstpointer data)
{
  g_autoptr (SynthSlotPlan) plan = NULL;
  g_autoptr (SynthRunStore) store = create_run (f, "run-create", 997, &plan);
  g_autoptr (SynthSlotPlan) loaded = NULL;
  g_autoptr (GArray) pending = NULL;
  g_autoptr (SynthRunSpec) spec = NULL;
  g_autoptr (SynthRunSpec) expected = spec_for (997, 1234);
  g_autofree char *spec_json = NULL, *expected_json = synth_run_spec_to_json (expected);
  g_autoptr (GError) error = NULL;

  g_assert_cmpuint (synth_run_store_get_n_slots (store), ==, 997);
  g_assert_cmpuint (synth_run_store_count_done (store), ==, 0);
  g_assert_cmpstr (synth_run_store_get_run_id (store), ==, "run-create");
  pending = synth_run_store_list_pending (store, 0, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (pending->len, ==, 997);
  for (guint i = 0; i < pending->len; i++)
    g_assert_cmpuint (g_array_index (pending, guint, i), ==, i);

  store = reopen (g_steal_pointer (&store));
  loaded = synth_run_store_load_plan (store, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (synth_slot_plan_get_n_slots (loaded), ==, 997);
  for (guint i = 0; i < 997; i++)
    assert_slots_equal (synth_slot_plan_get_slot (plan, i), synth_slot_plan_get_slot (loaded, i));
  spec = synth_run_store_dup_spec (store);
  spec_json = synth_run_spec_to_json (spec);
  g_assert_cmpstr (spec_json, ==, expected_json);

  /* A run id names one run: creating it again is refused and leaves it intact. */
  {
    g_autoptr (SynthRunStore) twice = synth_run_store_create (synth_run_store_get_path (store),
                                                              "run-create", expected, plan, &error);
    g_assert_error (error, SYNTH_ERROR, SYNTH_ERROR_INVALID_ARGUMENT);
    g_assert_null (twice);
    g_clear_error (&error);
    g_assert_true (synth_run_store_check_integrity (store, &error));
    g_assert_no_error (error);
  }
  /* Ids become file names: anything but [A-Za-z0-9_-] is refused. */
  {
    g_autofree char *path = g_build_filename (f->dir, "x.db", NULL);
    g_autoptr (SynthRunStore) bad = synth_run_store_create (path, "../x", expected, plan, &error);
    g_assert_error (error, SYNTH_ERROR, SYNTH_ERROR_INVALID_ARGUMENT);
    g_assert_null (bad);
    g_assert_false (g_file_test (path, G_FILE_TEST_EXISTS));
  }
}

static void
test_commit_batches (Fixture *f, gconstpointer data)
{
  g_autoptr (SynthSlotPlan) plan = NULL;
  g_autoptr (SynthRunStore) store = create_run (f, "run-commit", 260, &plan);
  g_autoptr (GError) error = NULL;
  guint done = 0;

  /* Out of order, as concurrent batches finish. */
  static const guint starts[] = { 100, 0, 225, 25, 50 };
  for (guint b = 0; b < G_N_ELEMENTS (starts); b++)
    {
      g_autoptr (GArray) pending = NULL;
      commit_range (store, plan, starts[b], starts[b] + 25, 25);
      done += 25;
      g_assert_cmpuint (synth_run_store_count_done (store), ==, done);
      pending = synth_run_store_list_pending (store, 0, &error);
      g_assert_no_error (error);
      g_assert_cmpuint (pending->len, ==, 260 - done);
      for (guint i = 0; i < pending->len; i++)
        {
          guint idx = g_array_index (pending, guint, i);
          gboolean committed = FALSE;
          for (guint k = 0; k <= b; k++)
            committed |= idx >= starts[k] && idx < starts[k] + 25;
          g_assert_false (committed);
          if (i > 0)
            g_assert_cmpuint (idx, >, g_array_index (pending, guint, i - 1));
        }
    }
  {
    /* @max gives the lowest pending slots first. */
    g_autoptr (GArray) first = synth_run_store_list_pending (store, 10, &error);
    g_assert_no_error (error);
    g_assert_cmpuint (first->len, ==, 10);
    g_assert_cmpuint (g_array_index (first, guint, 0), ==, 75);
    g_assert_cmpuint (g_array_index (first, guint, 9), ==, 84);
  }
  g_assert_true (synth_run_store_check_integrity (store, &error));
  g_assert_no_error (error);
}

static void
test_record_round_trip (Fixture *f, gconstpointer data)
{
  g_autoptr (SynthSlotPlan) plan = NULL;
  g_autoptr (SynthRunStore) store = create_run (f, "run-trip", 40, &plan);
  g_autoptr (GPtrArray) batch = batch_for (plan, 0, 10, 3000);
  g_autoptr (GPtrArray) loaded = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *huge = text_for (99, 256 * 1024);

  /* Long text, every kind of character, ids given or left to the store. */
  synth_record_set_resume_text (batch->pdata[3], huge);
  synth_record_set_record_id (batch->pdata[4], "custom-id-√");
  synth_record_set_review_status (batch->pdata[5], SYNTH_REVIEW_REJECTED);
  synth_record_set_bias_detail (batch->pdata[6], NULL);
  synth_record_set_group_id (batch->pdata[7], "g000042");
  synth_record_set_name (batch->pdata[8], "");
  g_assert_true (synth_run_store_commit_batch (store, batch, NULL, &error));
  g_assert_no_error (error);

  store = reopen (g_steal_pointer (&store));
  loaded = synth_run_store_load_records (store, 0, 0, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (loaded->len, ==, 10);
  for (guint i = 0; i < 10; i++)
    {
      g_autofree char *expected_id = g_strdup_printf ("run-trip-%07u", i);
      g_autoptr (SynthRecord) one = synth_run_store_load_record (store, i, &error);
      g_assert_no_error (error);
      if (i != 4)
        synth_record_set_record_id (batch->pdata[i], expected_id);
      assert_records_equal (batch->pdata[i], loaded->pdata[i]);
      assert_records_equal (batch->pdata[i], one);
    }
  g_assert_null (synth_record_get_clean_resume_text (loaded->pdata[1]));
  g_assert_cmpstr (synth_record_get_name (loaded->pdata[8]), ==, "");
  g_assert_cmpstr (synth_record_get_resume_text (loaded->pdata[3]), ==, huge);

  /* Paging. */
  {
    g_autoptr (GPtrArray) page = synth_run_store_load_records (store, 7, 2, &error);
    g_assert_no_error (error);
    g_assert_cmpuint (page->len, ==, 2);
    g_assert_cmpuint (synth_record_get_index (page->pdata[0]), ==, 7);
    g_assert_cmpuint (synth_record_get_index (page->pdata[1]), ==, 8);
  }
  {
    g_autoptr (SynthRecord) missing = synth_run_store_load_record (store, 30, &error);
    g_assert_error (error, SYNTH_ERROR, SYNTH_ERROR_NOT_FOUND);
    g_assert_null (missing);
  }
}

static void
test_duplicate_slot (Fixture *f, gconstpointer data)
{
  g_autoptr (SynthSlotPlan) plan = NULL;
  g_autoptr (SynthRunStore) store = create_run (f, "run-dup", 100, &plan);
  g_autoptr (GPtrArray) again = batch_for (plan, 20, 5, 500);
  g_autoptr (GPtrArray) twice_in_one = batch_for (plan, 40, 3, 500);
  g_autoptr (GPtrArray) outside = batch_for (plan, 60, 1, 500);
  g_autoptr (SynthUsage) usage = synth_usage_new ();
  g_autoptr (SynthUsage) stored = NULL;
  g_autoptr (GArray) pending = NULL;
  g_autoptr (GError) error = NULL;

  commit_range (store, plan, 0, 25, 25);
  usage->prompt_tokens = 1000;

  /* Fresh slots 25…29 with one already done (20…24 overlap): all refused. */
  for (guint i = 0; i < again->len; i++)
    synth_record_set_index (again->pdata[i], i == 2 ? 24 : 25 + i);
  g_assert_false (synth_run_store_commit_batch (store, again, usage, &error));
  g_assert_error (error, SYNTH_ERROR, SYNTH_ERROR_STORE);
  g_assert_nonnull (strstr (error->message, "24"));
  g_clear_error (&error);

  /* The same slot twice in one batch. */
  synth_record_set_index (twice_in_one->pdata[2], 40);
  g_assert_false (synth_run_store_commit_batch (store, twice_in_one, usage, &error));
  g_assert_error (error, SYNTH_ERROR, SYNTH_ERROR_STORE);
  g_clear_error (&error);

  /* A slot the plan does not have. */
  synth_record_set_index (outside->pdata[0], 100);
  g_assert_false (synth_run_store_commit_batch (store, outside, usage, &error));
  g_assert_error (error, SYNTH_ERROR, SYNTH_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);

  /* Nothing of those batches was written, in memory or on disk. */
  for (int pass = 0; pass < 2; pass++)
    {
      g_autoptr (SynthRecord) r25 = NULL, r40 = NULL;
      g_clear_pointer (&stored, synth_usage_free);
      g_clear_pointer (&pending, g_array_unref);
      g_assert_cmpuint (synth_run_store_count_done (store), ==, 25);
      stored = synth_run_store_dup_usage (store);
      g_assert_cmpuint (stored->prompt_tokens, ==, 0);
      pending = synth_run_store_list_pending (store, 0, &error);
      g_assert_no_error (error);
      g_assert_cmpuint (pending->len, ==, 75);
      r25 = synth_run_store_load_record (store, 25, &error);
      g_assert_error (error, SYNTH_ERROR, SYNTH_ERROR_NOT_FOUND);
      g_clear_error (&error);
      r40 = synth_run_store_load_record (store, 40, &error);
      g_assert_error (error, SYNTH_ERROR, SYNTH_ERROR_NOT_FOUND);
      g_clear_error (&error);
      g_assert_true (synth_run_store_check_integrity (store, &error));
      g_assert_no_error (error);
      store = reopen (g_steal_pointer (&store));
    }
  /* And the store still takes the good batch afterwards. */
  commit_range (store, plan, 25, 50, 25);
  g_assert_cmpuint (synth_run_store_count_done (store), ==, 50);
}

static void
test_interrupted_run (Fixture *f, gconstpointer data)
{
  const guint n = 523;
  g_autoptr (SynthSlotPlan) plan = NULL;
  g_autoptr (SynthRunStore) store = create_run (f, "run-resume", n, &plan);
  g_autoptr (GArray) pending = NULL;
  g_autoptr (GPtrArray) all = NULL;
  g_autoptr (GHashTable) ids = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr (GError) error = NULL;
  guint batch = 25;

  /* Some batches, the last two out of order, then the process "stops". */
  commit_range (store, plan, 0, 200, batch);
  commit_range (store, plan, 300, 325, batch);
  commit_range (store, plan, 250, 275, batch);
  store = reopen (g_steal_pointer (&store));

  g_assert_cmpuint (synth_run_store_count_done (store), ==, 250);
  pending = synth_run_store_list_pending (store, 0, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (pending->len, ==, n - 250);
  for (guint i = 0, expected = 200; i < pending->len; i++, expected++)
    {
      if (expected == 250)
        expected = 275;
      if (expected == 300)
        expected = 325;
      g_assert_cmpuint (g_array_index (pending, guint, i), ==, expected);
    }

  /* Resume: fill exactly the pending slots, in batches. */
  for (guint i = 0; i < pending->len; i += batch)
    {
      g_autoptr (GPtrArray) records = g_ptr_array_new_with_free_func (g_object_unref);
      for (guint k = i; k < MIN (i + batch, pending->len); k++)
        {
          guint idx = g_array_index (pending, guint, k);
          g_ptr_array_add (records,
                           record_for_slot (synth_slot_plan_get_slot (plan, idx), idx, 300));
        }
      g_assert_true (synth_run_store_commit_batch (store, records, NULL, &error));
      g_assert_no_error (error);
    }
  store = reopen (g_steal_pointer (&store));
  g_assert_cmpuint (synth_run_store_count_done (store), ==, n);
  g_clear_pointer (&pending, g_array_unref);
  pending = synth_run_store_list_pending (store, 0, &error);
  g_assert_cmpuint (pending->len, ==, 0);
  all = synth_run_store_load_records (store, 0, 0, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (all->len, ==, n);
  for (guint i = 0; i < n; i++)
    {
      SynthRecord *r = all->pdata[i];
      const SynthSlot *slot = synth_slot_plan_get_slot (plan, i);
      g_assert_cmpuint (synth_record_get_index (r), ==, i);
      g_assert_cmpint (synth_record_get_match_label (r), ==, slot->match_label);
      g_assert_cmpint (synth_record_get_bias_type (r), ==, slot->bias_type);
      g_assert_true (g_hash_table_add (ids, (char *) synth_record_get_record_id (r)));
    }
  g_assert_cmpuint (g_hash_table_size (ids), ==, n);
  g_assert_true (synth_run_store_check_integrity (store, &error));
  g_assert_no_error (error);
}

static gboolean
count_record (SynthRecord *record, gpointer user_data)
{
  GArray *seen = user_data;
  guint idx = synth_record_get_index (record);
  g_array_append_val (seen, idx);
  return seen->len < 700; /* stop early once, to test that too */
}

static void
test_foreach (Fixture *f, gconstpointer data)
{
  g_autoptr (SynthSlotPlan) plan = NULL;
  g_autoptr (SynthRunStore) store = create_run (f, "run-foreach", 1000, &plan);
  g_autoptr (GArray) seen = g_array_new (FALSE, FALSE, sizeof (guint));
  g_autoptr (GError) error = NULL;

  commit_range (store, plan, 0, 400, 50);
  commit_range (store, plan, 500, 1000, 50);
  g_assert_true (synth_run_store_foreach_record (store, count_record, seen, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (seen->len, ==, 700);
  for (guint i = 0; i < seen->len; i++)
    g_assert_cmpuint (g_array_index (seen, guint, i), ==, i < 400 ? i : i + 100);
}

static void
test_review_after_reopen (Fixture *f, gconstpointer data)
{
  g_autoptr (SynthSlotPlan) plan = NULL;
  g_autoptr (SynthRunStore) store = create_run (f, "run-review", 50, &plan);
  g_autoptr (GError) error = NULL;

  commit_range (store, plan, 0, 30, 10);
  g_assert_true (synth_run_store_set_review (store, 3, SYNTH_REVIEW_ACCEPTED, &error));
  g_assert_true (synth_run_store_set_review (store, 7, SYNTH_REVIEW_REJECTED, &error));
  g_assert_true (synth_run_store_set_review (store, 8, SYNTH_REVIEW_REJECTED, &error));
  g_assert_true (synth_run_store_set_review (store, 8, SYNTH_REVIEW_UNREVIEWED, &error));
  g_assert_no_error (error);
  /* A slot with no record yet cannot be reviewed. */
  g_assert_false (synth_run_store_set_review (store, 40, SYNTH_REVIEW_ACCEPTED, &error));
  g_assert_error (error, SYNTH_ERROR, SYNTH_ERROR_NOT_FOUND);
  g_clear_error (&error);

  store = reopen (g_steal_pointer (&store));
  for (guint i = 0; i < 30; i++)
    {
      g_autoptr (SynthRecord) r = synth_run_store_load_record (store, i, &error);
      g_assert_no_error (error);
      g_assert_cmpint (synth_record_get_review_status (r), ==,
                       i == 3   ? SYNTH_REVIEW_ACCEPTED
                       : i == 7 ? SYNTH_REVIEW_REJECTED
                                : SYNTH_REVIEW_UNREVIEWED);
    }
  /* Meta too survives. */
  g_assert_true (synth_run_store_set_meta (store, "status", "paused", &error));
  g_assert_true (synth_run_store_set_meta (store, "message", "Ünïcode ✓", &error));
  g_assert_no_error (error);
  store = reopen (g_steal_pointer (&store));
  {
    g_autofree char *status = synth_run_store_dup_meta (store, "status");
    g_autofree char *message = synth_run_store_dup_meta (store, "message");
    g_autofree char *none = synth_run_store_dup_meta (store, "no-such-key");
    g_assert_cmpstr (status, ==, "paused");
    g_assert_cmpstr (message, ==, "Ünïcode ✓");
    g_assert_null (none);
  }
}

static void
test_usage_accumulates (Fixture *f, gconstpointer data)
{
  g_autoptr (SynthSlotPlan) plan = NULL;
  g_autoptr (SynthRunStore) store = create_run (f, "run-usage", 100, &plan);
  g_autoptr (SynthUsage) step = synth_usage_new ();
  g_autoptr (SynthUsage) total = NULL;
  g_autoptr (GError) error = NULL;

  step->requests = 1;
  step->prompt_tokens = 1200;
  step->completion_tokens = 3400;
  step->cost = 0.25;
  step->wall_seconds = 1.5;
  synth_usage_add_failure (step, "wrong_label", 2);

  for (guint b = 0; b < 3; b++)
    {
      g_autoptr (GPtrArray) batch = batch_for (plan, b * 10, 10, 200);
      g_assert_true (synth_run_store_commit_batch (store, batch, step, &error));
      g_assert_no_error (error);
    }
  store = reopen (g_steal_pointer (&store));
  /* A failed request costs tokens without records. */
  synth_usage_add_failure (step, "http_5xx", 1);
  g_assert_true (synth_run_store_add_usage (store, step, &error));
  g_assert_no_error (error);
  store = reopen (g_steal_pointer (&store));

  total = synth_run_store_dup_usage (store);
  g_assert_cmpuint (total->requests, ==, 4);
  g_assert_cmpuint (total->prompt_tokens, ==, 4800);
  g_assert_cmpuint (total->completion_tokens, ==, 13600);
  g_assert_cmpfloat_with_epsilon (total->cost, 1.0, 1e-9);
  g_assert_cmpfloat_with_epsilon (total->wall_seconds, 6.0, 1e-9);
  g_assert_cmpuint (synth_usage_get_failure (total, "wrong_label"), ==, 8);
  g_assert_cmpuint (synth_usage_get_failure (total, "http_5xx"), ==, 1);
  g_assert_cmpuint (synth_run_store_count_done (store), ==, 30);
}

static void
test_file_modes (Fixture *f, gconstpointer data)
{
  g_autofree char *dir = NULL;
  g_autofree char *path = NULL, *wal = NULL, *shm = NULL;
  g_autoptr (SynthRunSpec) spec = spec_for (50, 1);
  g_autoptr (SynthSlotPlan) plan = plan_for (spec);
  g_autoptr (SynthRunStore) store = NULL;
  g_autoptr (GError) error = NULL;
  mode_t old_umask;

  /* Even a careless umask must not widen what we create. */
  rm_rf (f->dir);
  old_umask = umask (0);
  dir = synth_run_store_get_default_dir ();
  g_assert_cmpstr (dir, ==, f->dir);
  g_assert_cmpuint (file_mode (dir), ==, 0700);
  path = synth_run_store_path_for_id (dir, "run-modes");
  store = synth_run_store_create (path, "run-modes", spec, plan, &error);
  g_assert_no_error (error);
  commit_range (store, plan, 0, 25, 25);
  umask (old_umask);

  wal = g_strconcat (path, "-wal", NULL);
  shm = g_strconcat (path, "-shm", NULL);
  g_assert_cmpuint (file_mode (path), ==, 0600);
  g_assert_true (g_file_test (wal, G_FILE_TEST_EXISTS)); /* WAL mode is on */
  g_assert_cmpuint (file_mode (wal), ==, 0600);
  g_assert_cmpuint (file_mode (shm), ==, 0600);

  /* A path whose folder does not exist yet gets a 0700 folder. */
  {
    g_autofree char *other_dir = g_build_filename (f->dir, "elsewhere", NULL);
    g_autofree char *other = g_build_filename (other_dir, "x.db", NULL);
    g_autoptr (SynthRunStore) second = synth_run_store_create (other, "x", spec, plan, &error);
    g_assert_no_error (error);
    g_assert_cmpuint (file_mode (other_dir), ==, 0700);
    g_assert_cmpuint (file_mode (other), ==, 0600);
  }
  g_assert_true (synth_run_store_check_integrity (store, &error));
  g_assert_no_error (error);
}

static void
write_file (const char *path, const char *contents, gssize len)
{
  g_autoptr (GError) error = NULL;
  g_file_set_contents (path, contents, len, &error);
  g_assert_no_error (error);
}

static void
test_bad_files (Fixture *f, gconstpointer data)
{
  g_autofree char *text = g_build_filename (f->dir, "notes.db", NULL);
  g_autofree char *empty = g_build_filename (f->dir, "empty.db", NULL);
  g_autofree char *other = g_build_filename (f->dir, "other.db", NULL);
  const char *files[] = { text, empty, other };
  g_autofree char *before = NULL;
  g_autoptr (GError) error = NULL;
  sqlite3 *db = NULL;
  gsize len;

  write_file (text, "name,resume_text\nthis is a CSV, not a database\n", -1);
  write_file (empty, "", 0);
  g_assert_cmpint (sqlite3_open (other, &db), ==, SQLITE_OK);
  g_assert_cmpint (
      sqlite3_exec (db, "CREATE TABLE t (x); INSERT INTO t VALUES (1);", NULL, NULL, NULL), ==,
      SQLITE_OK);
  sqlite3_close (db);
  g_assert_true (g_file_get_contents (text, &before, &len, NULL));

  for (guint i = 0; i < G_N_ELEMENTS (files); i++)
    {
      g_autoptr (SynthRunStore) store = synth_run_store_open (files[i], &error);
      g_assert_error (error, SYNTH_ERROR, SYNTH_ERROR_STORE);
      g_assert_nonnull (strstr (error->message, files[i]));
      g_assert_null (store);
      g_clear_error (&error);
    }
  /* Looking did not change the file. */
  {
    g_autofree char *after = NULL;
    g_assert_true (g_file_get_contents (text, &after, NULL, NULL));
    g_assert_cmpstr (before, ==, after);
  }
}

static void
test_missing_run (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *missing = g_build_filename (f->dir, "gone.db", NULL);
  SynthRunStore *store;

  store = synth_run_store_open_id ("20240101-000000-abcd", &error);
  g_assert_error (error, SYNTH_ERROR, SYNTH_ERROR_NOT_FOUND);
  g_assert_nonnull (strstr (error->message, "20240101-000000-abcd"));
  g_assert_nonnull (strstr (error->message, "resume-synth-cli runs"));
  g_assert_null (store);
  g_clear_error (&error);

  static const char *const bad_ids[] = { "", "../secret", "a/b", "id with space", "x.db", "ü" };
  for (guint i = 0; i < G_N_ELEMENTS (bad_ids); i++)
    {
      store = synth_run_store_open_id (bad_ids[i], &error);
      g_assert_error (error, SYNTH_ERROR, SYNTH_ERROR_INVALID_ARGUMENT);
      g_assert_null (store);
      g_clear_error (&error);
    }

  store = synth_run_store_open (missing, &error);
  g_assert_error (error, SYNTH_ERROR, SYNTH_ERROR_NOT_FOUND);
  g_assert_nonnull (strstr (error->message, missing));
  g_assert_null (store);
  g_assert_false (g_file_test (missing, G_FILE_TEST_EXISTS));
}

static void
test_run_ids (Fixture *f, gconstpointer data)
{
  g_autoptr (GHashTable) seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr (GRegex) shape = g_regex_new ("^[0-9]{8}-[0-9]{6}-[0-9a-f]{4}$", 0, 0, NULL);

  for (guint i = 0; i < 20; i++)
    {
      char *id = synth_run_store_new_run_id ();
      g_assert_true (g_regex_match (shape, id, 0, NULL));
      g_hash_table_add (seen, id);
    }
  /* Random suffixes: twenty ids in the same second are (almost surely) distinct. */
  g_assert_cmpuint (g_hash_table_size (seen), >=, 19);
  {
    g_autofree char *path = synth_run_store_path_for_id ("/some/dir", "abc");
    g_assert_cmpstr (path, ==, "/some/dir/abc.db");
  }
}

static SynthRunInfo *
find_run (GPtrArray *runs, const char *run_id)
{
  for (guint i = 0; i < runs->len; i++)
    if (g_strcmp0 (((SynthRunInfo *) runs->pdata[i])->run_id, run_id) == 0)
      return runs->pdata[i];
  return NULL;
}

static void
test_list_runs (Fixture *f, gconstpointer data)
{
  g_autoptr (SynthSlotPlan) plan_a = NULL, plan_b = NULL;
  g_autoptr (SynthRunStore) a = create_run (f, "20240101-090000-aaaa", 120, &plan_a);
  g_autoptr (SynthRunStore) b = create_run (f, "20240101-100000-bbbb", 80, &plan_b);
  g_autoptr (GPtrArray) runs = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *junk = g_build_filename (f->dir, "junk.db", NULL);
  g_autofree char *readme = g_build_filename (f->dir, "README.txt", NULL);
  SynthRunInfo *info;

  write_file (junk, "garbage garbage garbage", -1);
  write_file (readme, "not a run", -1);
  commit_range (a, plan_a, 0, 50, 25);
  commit_range (b, plan_b, 0, 80, 20);
  g_assert_true (synth_run_store_set_meta (b, "status", "finished", &error));
  g_assert_no_error (error);

  /* Listed while one run is still open for writing, one closed. */
  g_clear_object (&a);
  runs = synth_run_store_list_runs (NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (runs->len, ==, 2);
  info = find_run (runs, "20240101-090000-aaaa");
  g_assert_nonnull (info);
  g_assert_cmpuint (info->n_slots, ==, 120);
  g_assert_cmpuint (info->n_done, ==, 50);
  g_assert_cmpstr (info->provider, ==, "offline");
  g_assert_cmpstr (info->status, ==, "paused");
  g_assert_true (g_str_has_suffix (info->path, "20240101-090000-aaaa.db"));
  g_assert_cmpint (info->created, >, 1700000000);
  info = find_run (runs, "20240101-100000-bbbb");
  g_assert_nonnull (info);
  g_assert_cmpuint (info->n_done, ==, 80);
  g_assert_cmpstr (info->status, ==, "finished");
  /* Newest first (same second here, then by id). */
  g_assert_cmpint (((SynthRunInfo *) runs->pdata[0])->created, >=,
                   ((SynthRunInfo *) runs->pdata[1])->created);

  /* A folder that does not exist has no runs; that is not an error. */
  {
    g_autofree char *nowhere = g_build_filename (f->dir, "nowhere", NULL);
    g_autoptr (GPtrArray) none = synth_run_store_list_runs (nowhere, &error);
    g_assert_no_error (error);
    g_assert_cmpuint (none->len, ==, 0);
  }
}

static void
test_import (Fixture *f, gconstpointer data)
{
  g_autoptr (GPtrArray) records = g_ptr_array_new_with_free_func (g_object_unref);
  g_autofree char *path = g_build_filename (f->dir, "imported.db", NULL);
  g_autoptr (SynthRunStore) store = NULL;
  g_autoptr (SynthSlotPlan) plan = NULL;
  g_autoptr (GPtrArray) loaded = NULL;
  g_autoptr (GPtrArray) runs = NULL;
  g_autoptr (SynthRunSpec) spec = NULL;
  g_autoptr (GArray) pending = NULL;
  g_autoptr (GError) error = NULL;
  const guint n = 60;

  for (guint i = 0; i < n; i++)
    {
      SynthRecord *r = record_for_slot (NULL, 1000 + i, 400); /* CSV rows carry no slot index */
      synth_record_set_bias_type (r, i % SYNTH_N_BIAS_TYPES);
      synth_record_set_bias_subtype (
          r, i % SYNTH_N_BIAS_TYPES == SYNTH_BIAS_NONE
                 ? "none"
                 : synth_bias_type_get_subtypes (i % SYNTH_N_BIAS_TYPES)[i % 2]);
      synth_record_set_group_id (r, i < 6 ? (i < 3 ? "g000007" : "team-b") : NULL);
      synth_record_set_record_id (r, i == 5 ? NULL : "csv-row");
      synth_record_set_review_status (r, i % 3);
      g_ptr_array_add (records, r);
    }
  synth_record_set_domain (records->pdata[10], "astrophysics"); /* unknown ids */
  synth_record_set_region (records->pdata[10], "atlantis");
  synth_record_set_seniority (records->pdata[10], NULL);

  store = synth_run_store_import (path, "imported", records, "/home/u/data.csv", &error);
  g_assert_no_error (error);
  store = reopen (g_steal_pointer (&store));
  g_assert_cmpuint (synth_run_store_get_n_slots (store), ==, n);
  g_assert_cmpuint (synth_run_store_count_done (store), ==, n);
  pending = synth_run_store_list_pending (store, 0, &error);
  g_assert_cmpuint (pending->len, ==, 0);
  spec = synth_run_store_dup_spec (store);
  g_assert_cmpuint (spec->records, ==, n);
  {
    g_autofree char *source = synth_run_store_dup_meta (store, "source_csv");
    g_assert_cmpstr (source, ==, "/home/u/data.csv");
  }

  loaded = synth_run_store_load_records (store, 0, 0, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (loaded->len, ==, n);
  for (guint i = 0; i < n; i++)
    {
      /* Position is the slot; the record keeps every other field as given. */
      synth_record_set_index (records->pdata[i], i);
      if (i == 5)
        synth_record_set_record_id (records->pdata[i], "imported-0000005");
      assert_records_equal (records->pdata[i], loaded->pdata[i]);
    }

  plan = synth_run_store_load_plan (store, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < n; i++)
    {
      const SynthSlot *s = synth_slot_plan_get_slot (plan, i);
      SynthRecord *r = records->pdata[i];
      g_assert_cmpuint (s->match_label, ==, synth_record_get_match_label (r));
      g_assert_cmpuint (s->bias_type, ==, synth_record_get_bias_type (r));
      g_assert_cmpstr (synth_slot_get_subtype_id (s), ==, synth_record_get_bias_subtype (r));
      if (i != 10)
        {
          g_assert_cmpstr (synth_domain_ids ()[s->domain], ==, synth_record_get_domain (r));
          g_assert_cmpstr (synth_region_ids ()[s->region], ==, synth_record_get_region (r));
          g_assert_cmpstr (synth_seniority_to_id (s->seniority), ==,
                           synth_record_get_seniority (r));
        }
      g_assert_cmpstr (synth_length_to_id (s->length), ==, synth_record_get_length_class (r));
    }
  {
    const SynthSlot *odd = synth_slot_plan_get_slot (plan, 10);
    g_assert_cmpuint (odd->domain, ==, 0);
    g_assert_cmpuint (odd->region, ==, 0);
    g_assert_cmpuint (odd->seniority, ==, 0);
    g_assert_cmpstr (synth_record_get_domain (loaded->pdata[10]), ==, "astrophysics");
  }
  /* Counterfactual groups keep together, with members numbered. */
  g_assert_cmpuint (synth_slot_plan_get_slot (plan, 0)->group, ==,
                    synth_slot_plan_get_slot (plan, 2)->group);
  g_assert_cmpuint (synth_slot_plan_get_slot (plan, 3)->group, !=,
                    synth_slot_plan_get_slot (plan, 2)->group);
  g_assert_cmpuint (synth_slot_plan_get_slot (plan, 2)->variant, ==, 2);
  g_assert_cmpuint (synth_slot_plan_get_slot (plan, 3)->variant, ==, 0);
  g_assert_cmpuint (synth_slot_plan_get_slot (plan, 9)->group, ==, SYNTH_NO_GROUP);

  runs = synth_run_store_list_runs (f->dir, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (runs->len, ==, 1);
  g_assert_cmpstr (((SynthRunInfo *) runs->pdata[0])->status, ==, "finished");
  g_assert_cmpstr (((SynthRunInfo *) runs->pdata[0])->provider, ==, "import");
  g_assert_true (synth_run_store_check_integrity (store, &error));
  g_assert_no_error (error);

  /* An empty CSV makes no run. */
  {
    g_autoptr (GPtrArray) none = g_ptr_array_new ();
    g_autofree char *empty_path = g_build_filename (f->dir, "none.db", NULL);
    g_autoptr (SynthRunStore) empty =
        synth_run_store_import (empty_path, "none", none, NULL, &error);
    g_assert_error (error, SYNTH_ERROR, SYNTH_ERROR_INVALID_ARGUMENT);
    g_assert_null (empty);
    g_assert_false (g_file_test (empty_path, G_FILE_TEST_EXISTS));
  }
}

/* ---- a writer thread beside readers ------------------------------------ */

typedef struct
{
  SynthRunStore *store;
  SynthSlotPlan *plan;
  guint n;
  gint finished;
  GError *error;
} Writer;

static gpointer
writer_thread (gpointer data)
{
  Writer *w = data;
  g_autoptr (SynthUsage) step = synth_usage_new ();

  step->completion_tokens = 10;
  for (guint i = 0; i < w->n && w->error == NULL; i += 25)
    {
      g_autoptr (GPtrArray) batch = batch_for (w->plan, i, MIN (25, w->n - i), 400);
      synth_run_store_commit_batch (w->store, batch, step, &w->error);
    }
  g_atomic_int_set (&w->finished, 1);
  return NULL;
}

static void
test_concurrent_access (Fixture *f, gconstpointer data)
{
  g_autoptr (SynthSlotPlan) plan = NULL;
  g_autoptr (SynthRunStore) store = create_run (f, "run-threads", 3000, &plan);
  g_autoptr (GHashTable) reviews = g_hash_table_new (NULL, NULL);
  g_autoptr (GRand) rand = g_rand_new_with_seed (5);
  g_autoptr (GPtrArray) all = NULL;
  g_autoptr (SynthUsage) usage = NULL;
  g_autoptr (GError) error = NULL;
  Writer w = { store, plan, 3000, 0, NULL };
  GThread *thread;
  guint last_done = 0, rounds = 0;

  thread = g_thread_new ("writer", writer_thread, &w);
  while (!g_atomic_int_get (&w.finished) || rounds == 0)
    {
      guint done = synth_run_store_count_done (store);
      g_autoptr (GArray) pending = synth_run_store_list_pending (store, 100, &error);
      g_autoptr (GPtrArray) page = NULL;
      g_autoptr (SynthUsage) seen = synth_run_store_dup_usage (store);

      g_assert_no_error (error);
      g_assert_cmpuint (done, >=, last_done);
      last_done = done;
      if (done > 0)
        {
          guint at = g_rand_int_range (rand, 0, done);
          SynthReviewStatus status = 1 + g_rand_int_range (rand, 0, 2);
          page = synth_run_store_load_records (store, at, 20, &error);
          g_assert_no_error (error);
          g_assert_cmpuint (page->len, >=, 1);
          g_assert_true (synth_run_store_set_review (store, at, status, &error));
          g_assert_no_error (error);
          g_hash_table_insert (reviews, GUINT_TO_POINTER (at), GUINT_TO_POINTER (status));
        }
      rounds++;
    }
  g_thread_join (thread);
  g_assert_no_error (w.error);
  g_test_message ("reader rounds during %u concurrent commits: %u", 3000 / 25, rounds);

  store = reopen (g_steal_pointer (&store));
  g_assert_cmpuint (synth_run_store_count_done (store), ==, 3000);
  all = synth_run_store_load_records (store, 0, 0, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (all->len, ==, 3000);
  for (guint i = 0; i < all->len; i++)
    {
      gpointer status = NULL;
      SynthReviewStatus expected = SYNTH_REVIEW_UNREVIEWED;
      if (g_hash_table_lookup_extended (reviews, GUINT_TO_POINTER (i), NULL, &status))
        expected = GPOINTER_TO_UINT (status);
      g_assert_cmpuint (synth_record_get_index (all->pdata[i]), ==, i);
      g_assert_cmpint (synth_record_get_review_status (all->pdata[i]), ==, expected);
    }
  usage = synth_run_store_dup_usage (store);
  g_assert_cmpuint (usage->completion_tokens, ==, 10 * (3000 / 25));
  g_assert_true (synth_run_store_check_integrity (store, &error));
  g_assert_no_error (error);
}

/* ---- killed mid-commit ------------------------------------------------- *
 * A child process (this binary, running only the /subprocess path) creates
 * or resumes the run and commits batches, printing how many slots are done
 * after each commit; the parent kills it with SIGKILL at random moments. */

#define CRASH_SLOTS 3000

static char *self_exe;

static void
test_crash_child (void)
{
  const char *path = g_getenv ("RUN_STORE_CRASH_DB");
  g_autoptr (SynthRunStore) store = NULL;
  g_autoptr (SynthSlotPlan) plan = NULL;
  g_autoptr (GError) error = NULL;

  if (g_file_test (path, G_FILE_TEST_EXISTS))
    store = synth_run_store_open (path, &error);
  else
    {
      g_autoptr (SynthRunSpec) spec = spec_for (CRASH_SLOTS, 9);
      g_autoptr (SynthSlotPlan) fresh = plan_for (spec);
      store = synth_run_store_create (path, "crash", spec, fresh, &error);
    }
  g_assert_no_error (error);
  plan = synth_run_store_load_plan (store, &error);
  g_assert_no_error (error);
  for (;;)
    {
      g_autoptr (GArray) pending = synth_run_store_list_pending (store, 25, &error);
      g_autoptr (GPtrArray) batch = g_ptr_array_new_with_free_func (g_object_unref);
      g_assert_no_error (error);
      if (pending->len == 0)
        break;
      for (guint k = 0; k < pending->len; k++)
        {
          guint idx = g_array_index (pending, guint, k);
          g_ptr_array_add (batch,
                           record_for_slot (synth_slot_plan_get_slot (plan, idx), idx, 1500));
        }
      g_assert_true (synth_run_store_commit_batch (store, batch, NULL, &error));
      g_assert_no_error (error);
      g_print ("committed %u\n", synth_run_store_count_done (store));
      fflush (stdout);
    }
}

/* Runs the child; kills it after @acks commits (G_MAXUINT: let it finish).
 * Returns the last count the child reported. */
static guint
run_crash_child (const char *path, guint acks, GRand *rand)
{
  const char *argv[] = { self_exe, "-p", "/run-store/crash-resume/subprocess", NULL };
  g_auto (GStrv) envp = g_environ_setenv (g_get_environ (), "RUN_STORE_CRASH_DB", path, TRUE);
  g_autoptr (GError) error = NULL;
  char line[256];
  guint seen = 0, last = 0;
  GPid pid;
  int out_fd, status;
  FILE *out;

  g_spawn_async_with_pipes (NULL, (char **) argv, envp, G_SPAWN_DO_NOT_REAP_CHILD, NULL, NULL, &pid,
                            NULL, &out_fd, NULL, &error);
  g_assert_no_error (error);
  out = fdopen (out_fd, "r");
  while (seen < acks && fgets (line, sizeof line, out))
    if (sscanf (line, "committed %u", &last) == 1)
      seen++;
  if (acks != G_MAXUINT)
    {
      /* Somewhere inside the next commit or two. */
      g_usleep (g_rand_int_range (rand, 0, 3000));
      kill (pid, SIGKILL);
    }
  waitpid (pid, &status, 0);
  fclose (out);
  if (acks == G_MAXUINT)
    g_assert_true (WIFEXITED (status) && WEXITSTATUS (status) == 0);
  g_spawn_close_pid (pid);
  return last;
}

static void
test_crash_resume (Fixture *f, gconstpointer data)
{
  g_autofree char *path = g_build_filename (f->dir, "crash.db", NULL);
  g_autoptr (GRand) rand = g_rand_new_with_seed (11);
  g_autoptr (SynthRunStore) store = NULL;
  g_autoptr (SynthSlotPlan) plan = NULL;
  g_autoptr (GPtrArray) all = NULL;
  g_autoptr (GError) error = NULL;
  guint kills = 0;

  for (guint round = 0; round < 8; round++)
    {
      guint acked = run_crash_child (path, g_rand_int_range (rand, 1, 6), rand);
      g_autoptr (SynthRunStore) after = synth_run_store_open (path, &error);
      g_autoptr (GArray) pending = NULL;
      guint done;

      g_assert_no_error (error);
      done = synth_run_store_count_done (after);
      /* Every acknowledged commit survived (the child may have made more). */
      g_assert_cmpuint (done, >=, acked);
      pending = synth_run_store_list_pending (after, 0, &error);
      g_assert_no_error (error);
      g_assert_cmpuint (pending->len, ==, CRASH_SLOTS - done);
      g_assert_true (synth_run_store_check_integrity (after, &error));
      g_assert_no_error (error);
      kills += done < CRASH_SLOTS;
    }
  g_test_message ("killed the writer %u times mid-run", kills);

  run_crash_child (path, G_MAXUINT, rand);
  store = synth_run_store_open (path, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (synth_run_store_count_done (store), ==, CRASH_SLOTS);
  plan = synth_run_store_load_plan (store, &error);
  g_assert_no_error (error);
  all = synth_run_store_load_records (store, 0, 0, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (all->len, ==, CRASH_SLOTS);
  for (guint i = 0; i < all->len; i++)
    {
      const SynthSlot *slot = synth_slot_plan_get_slot (plan, i);
      g_assert_cmpuint (synth_record_get_index (all->pdata[i]), ==, i);
      g_assert_cmpint (synth_record_get_match_label (all->pdata[i]), ==, slot->match_label);
      g_assert_cmpint (synth_record_get_bias_type (all->pdata[i]), ==, slot->bias_type);
    }
  g_assert_true (synth_run_store_check_integrity (store, &error));
  g_assert_no_error (error);
}

/* ---- throughput (reported, never asserted) ----------------------------- */

static void
test_throughput (Fixture *f, gconstpointer data)
{
  const guint n = 50000, batch_size = 25, n_slots = 1000000;
  g_autofree SynthSlot *slots = g_new0 (SynthSlot, n_slots);
  g_autoptr (SynthSlotPlan) plan = NULL;
  g_autoptr (SynthRunSpec) spec = spec_for (n_slots, 3);
  g_autoptr (SynthRunStore) store = NULL;
  g_autoptr (GPtrArray) batch = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr (GError) error = NULL;
  g_autofree char *path = synth_run_store_path_for_id (f->dir, "run-bench");
  gint64 start, elapsed, commit_time = 0;
  guint64 bytes = 0;

  /* A million-slot plan: every slot pending, inserted in one transaction. */
  for (guint i = 0; i < n_slots; i++)
    {
      slots[i].index = i;
      slots[i].match_label = i % 2;
      slots[i].bias_type = i % SYNTH_N_BIAS_TYPES;
      slots[i].domain = i % SYNTH_N_DOMAINS;
      slots[i].region = i % SYNTH_N_REGIONS;
      slots[i].group = SYNTH_NO_GROUP;
    }
  plan = synth_slot_plan_new_from_slots (slots, n_slots);
  start = g_get_monotonic_time ();
  store = synth_run_store_create (path, "run-bench", spec, plan, &error);
  elapsed = g_get_monotonic_time () - start;
  g_assert_no_error (error);
  g_test_message ("create with a %u-slot plan: %.2f s", n_slots, elapsed / 1e6);

  /* 25 realistic records (≈ 2.4 KB resume + 0.6 KB job; half with a clean copy), re-indexed. */
  for (guint k = 0; k < batch_size; k++)
    {
      SynthRecord *r = record_for_slot (synth_slot_plan_get_slot (plan, k), k, 2400);
      bytes +=
          strlen (synth_record_get_resume_text (r)) + strlen (synth_record_get_job_skill_text (r));
      g_ptr_array_add (batch, r);
    }
  for (guint i = 0; i < n; i += batch_size)
    {
      for (guint k = 0; k < batch_size; k++)
        synth_record_set_index (batch->pdata[k], i + k);
      start = g_get_monotonic_time ();
      g_assert_true (synth_run_store_commit_batch (store, batch, NULL, &error));
      commit_time += g_get_monotonic_time () - start;
      g_assert_no_error (error);
    }
  g_test_message ("commit_batch: %u records (%.1f KB text each) in batches of %u: %.2f s, "
                  "%.0f records/s, %.1f us/record",
                  n, bytes / (double) batch_size / 1024, batch_size, commit_time / 1e6,
                  n / (commit_time / 1e6), commit_time / (double) n);

  start = g_get_monotonic_time ();
  {
    g_autoptr (GArray) pending = synth_run_store_list_pending (store, 100, &error);
    g_assert_no_error (error);
    g_assert_cmpuint (g_array_index (pending, guint, 0), ==, n);
  }
  g_test_message ("list_pending (first 100 of %u): %.1f ms", n_slots - n,
                  (g_get_monotonic_time () - start) / 1e3);
  start = g_get_monotonic_time ();
  store = reopen (g_steal_pointer (&store));
  g_test_message ("close + reopen: %.1f ms", (g_get_monotonic_time () - start) / 1e3);
  g_assert_cmpuint (synth_run_store_count_done (store), ==, n);
}

/* ---- disk full and read-only ------------------------------------------- *
 * Each runs in a child process with its own mount namespace, so a tiny
 * tmpfs or a read-only bind mount is private to the test and vanishes with
 * it. Without the privilege (not root, or a container that forbids it) the
 * test is skipped. */

static gboolean
private_mount_at (const char *dir, const char *fstype, const char *options)
{
  if (unshare (CLONE_NEWNS) != 0 || mount (NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) != 0)
    return FALSE;
  return fstype == NULL || mount ("tmpfs", dir, fstype, 0, options) == 0;
}

static gboolean
can_mount_privately (void)
{
  g_autofree char *dir = g_dir_make_tmp ("run-store-probe-XXXXXX", NULL);
  int status = -1;
  pid_t pid;

  if (geteuid () != 0 || dir == NULL)
    return FALSE;
  /* Only system calls in the child: safe after fork in any process. */
  pid = fork ();
  if (pid == 0)
    _exit (private_mount_at (dir, "tmpfs", "size=64k") ? 0 : 1);
  waitpid (pid, &status, 0);
  g_rmdir (dir);
  return pid > 0 && WIFEXITED (status) && WEXITSTATUS (status) == 0;
}

static void
run_in_namespace (const char *child_path)
{
  if (!can_mount_privately ())
    {
      g_test_skip ("needs root and permission to create a mount namespace");
      return;
    }
  g_test_trap_subprocess (child_path, 60 * G_USEC_PER_SEC, G_TEST_SUBPROCESS_INHERIT_STDERR);
  g_test_trap_assert_passed ();
}

static void
test_disk_full (void)
{
  run_in_namespace ("/run-store/disk-full/subprocess");
}

static void
test_disk_full_child (void)
{
  g_autofree char *dir = g_dir_make_tmp ("run-store-full-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "full.db", NULL);
  g_autofree char *filler = g_build_filename (dir, "filler", NULL);
  g_autofree char *blob = g_malloc0 (256 * 1024);
  g_autoptr (SynthRunSpec) spec = spec_for (400, 8);
  g_autoptr (SynthSlotPlan) plan = plan_for (spec);
  g_autoptr (SynthRunStore) store = NULL;
  g_autoptr (GArray) pending = NULL;
  g_autoptr (GError) error = NULL;
  guint at = 0, done;

  g_assert_true (private_mount_at (dir, "tmpfs", "size=1m,mode=0700"));
  write_file (filler, blob, 256 * 1024);
  store = synth_run_store_create (path, "full", spec, plan, &error);
  g_assert_no_error (error);

  /* 400 records of ≈3 KB do not fit in what is left of 1 MiB. */
  for (; at < 400; at += 25)
    {
      g_autoptr (GPtrArray) batch = batch_for (plan, at, 25, 2400);
      if (!synth_run_store_commit_batch (store, batch, NULL, &error))
        break;
    }
  g_assert_nonnull (error);
  g_test_message ("disk full: %s", error->message);
  g_assert_error (error, SYNTH_ERROR, SYNTH_ERROR_IO);
  g_assert_nonnull (strstr (error->message, path));
  g_assert_nonnull (strstr (error->message, "disk is full"));
  g_clear_error (&error);

  /* What was committed is intact and the rest is pending. */
  done = synth_run_store_count_done (store);
  g_assert_cmpuint (done, ==, at);
  pending = synth_run_store_list_pending (store, 0, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (pending->len, ==, 400 - at);
  g_assert_true (synth_run_store_check_integrity (store, &error));
  g_assert_no_error (error);

  /* Free space, reopen, and the run resumes where it stopped. */
  g_clear_object (&store);
  g_unlink (filler);
  store = synth_run_store_open (path, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (synth_run_store_count_done (store), ==, done);
  commit_range (store, plan, at, at + 25, 25);
  g_assert_cmpuint (synth_run_store_count_done (store), ==, done + 25);
  g_assert_true (synth_run_store_check_integrity (store, &error));
  g_assert_no_error (error);
  g_clear_object (&store);
  umount2 (dir, MNT_DETACH);
  g_rmdir (dir);
}

static void
test_read_only (void)
{
  run_in_namespace ("/run-store/read-only/subprocess");
}

static void
test_read_only_child (void)
{
  g_autofree char *dir = g_dir_make_tmp ("run-store-ro-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "ro.db", NULL);
  g_autoptr (SynthRunSpec) spec = spec_for (100, 8);
  g_autoptr (SynthSlotPlan) plan = plan_for (spec);
  g_autoptr (SynthRunStore) store = NULL;
  g_autoptr (GPtrArray) batch = batch_for (plan, 50, 25, 500);
  g_autoptr (GError) error = NULL;

  g_assert_true (private_mount_at (dir, NULL, NULL));
  store = synth_run_store_create (path, "ro", spec, plan, &error);
  g_assert_no_error (error);
  commit_range (store, plan, 0, 50, 25);
  g_clear_object (&store);

  g_assert_cmpint (mount (dir, dir, NULL, MS_BIND, NULL), ==, 0);
  g_assert_cmpint (mount (NULL, dir, NULL, MS_REMOUNT | MS_BIND | MS_RDONLY, NULL), ==, 0);

  /* Either opening or saving fails, saying where and why. */
  store = synth_run_store_open (path, &error);
  if (store)
    {
      g_assert_cmpuint (synth_run_store_count_done (store), ==, 50);
      g_assert_false (synth_run_store_commit_batch (store, batch, NULL, &error));
    }
  g_assert_nonnull (error);
  g_test_message ("read-only: %s", error->message);
  g_assert_error (error, SYNTH_ERROR, SYNTH_ERROR_IO);
  g_assert_nonnull (strstr (error->message, path));
  g_assert_nonnull (strstr (error->message, "read-only"));
  g_clear_object (&store);
  g_assert_cmpint (umount2 (dir, MNT_DETACH), ==, 0);
  g_clear_error (&error);

  /* Writable again: nothing was lost and the run resumes. */
  store = synth_run_store_open (path, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (synth_run_store_count_done (store), ==, 50);
  g_assert_true (synth_run_store_commit_batch (store, batch, NULL, &error));
  g_assert_no_error (error);
  g_clear_object (&store);
  rm_rf (dir);
}

/* ---- the spec: what a resume may change ----------------------------------- */

static char *
stored_spec_json (SynthRunStore *store)
{
  sqlite3 *db = NULL;
  sqlite3_stmt *stmt = NULL;
  char *json = NULL;
  int rows = 0;

  g_assert_cmpint (
      sqlite3_open_v2 (synth_run_store_get_path (store), &db, SQLITE_OPEN_READONLY, NULL), ==,
      SQLITE_OK);
  g_assert_cmpint (sqlite3_prepare_v2 (db, "SELECT json FROM spec", -1, &stmt, NULL), ==,
                   SQLITE_OK);
  while (sqlite3_step (stmt) == SQLITE_ROW)
    {
      g_free (json);
      json = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
      rows++;
    }
  sqlite3_finalize (stmt);
  sqlite3_close (db);
  g_assert_cmpint (rows, ==, 1);
  return json;
}

static void
assert_spec_json (SynthRunStore *store, const char *expected)
{
  g_autoptr (SynthRunSpec) cached = synth_run_store_dup_spec (store);
  g_autofree char *cached_json = synth_run_spec_to_json (cached);
  g_autofree char *row_json = stored_spec_json (store);

  g_assert_cmpstr (cached_json, ==, expected);
  g_assert_cmpstr (row_json, ==, expected);
}

/* Each change to what defines the dataset, refused with INVALID_ARGUMENT. */
static void
assert_dataset_change_refused (SynthRunStore *store, guint field, const char *word)
{
  g_autoptr (SynthRunSpec) before = synth_run_store_dup_spec (store);
  g_autoptr (SynthRunSpec) changed = synth_run_spec_copy (before);
  g_autofree char *json = synth_run_spec_to_json (before);
  g_autoptr (GError) error = NULL;

  switch (field)
    {
    case 0:
      changed->seed++;
      break;
    case 1:
      changed->records++;
      break;
    case 2:
      changed->batch_size++;
      break;
    case 3:
      changed->positive_ratio = 0.25;
      break;
    case 4:
      changed->short_ratio = 0.75;
      break;
    case 5:
      synth_bias_mix_set_weight (changed->bias_mix, SYNTH_BIAS_FAIRNESS, 7);
      break;
    default:
      g_free (changed->provider);
      changed->provider = g_strdup ("offline");
      break;
    }
  /* Also with an allowed change beside it: nothing at all is written. */
  g_free (changed->base_url);
  changed->base_url = g_strdup ("http://127.0.0.1:1/v1");
  g_assert_false (synth_run_store_update_spec (store, changed, &error));
  g_assert_error (error, SYNTH_ERROR, SYNTH_ERROR_INVALID_ARGUMENT);
  g_assert_nonnull (strstr (error->message, word));
  g_assert_nonnull (strstr (error->message, "new run"));
  assert_spec_json (store, json);
}

static void
test_update_spec (Fixture *f, gconstpointer data)
{
  g_autoptr (SynthRunSpec) spec = spec_for (60, 1234);
  g_autoptr (SynthSlotPlan) plan = NULL;
  g_autofree char *path = synth_run_store_path_for_id (f->dir, "run-update");
  g_autoptr (SynthRunStore) store = NULL;
  g_autoptr (SynthRunSpec) changed = NULL;
  g_autoptr (SynthRunSpec) loaded = NULL;
  g_autofree char *changed_json = NULL;
  g_auto (GStrv) models = NULL;
  g_autoptr (GError) error = NULL;
  static const char *const words[] = { "seed",           "number of records", "batch size",
                                       "positive ratio", "short resumes",     "bias mix",
                                       "provider" };

  g_free (spec->provider);
  spec->provider = g_strdup ("openai");
  spec->model = g_strdup ("model-a");
  spec->base_url = g_strdup ("http://127.0.0.1:8080/v1");
  plan = plan_for (spec);
  store = synth_run_store_create (path, "run-update", spec, plan, &error);
  g_assert_no_error (error);
  commit_range (store, plan, 0, 25, 25);

  /* The endpoint, model, limits, prices and budget may change, and a
   * reopened store sees the change. */
  changed = synth_run_store_dup_spec (store);
  g_free (changed->base_url);
  changed->base_url = g_strdup ("http://127.0.0.1:9090/v1");
  g_assert_true (synth_run_spec_set_model (changed, "model-b"));
  changed->concurrency = 9;
  changed->requests_per_minute = 120;
  changed->tokens_per_minute = 50000;
  changed->timeout_ms = 45000;
  changed->price_in = 0.5;
  changed->price_out = 0;
  changed->budget = 3;
  changed_json = synth_run_spec_to_json (changed);
  g_assert_true (synth_run_store_update_spec (store, changed, &error));
  g_assert_no_error (error);
  assert_spec_json (store, changed_json);
  store = reopen (g_steal_pointer (&store));
  assert_spec_json (store, changed_json);
  loaded = synth_run_store_dup_spec (store);
  g_assert_cmpstr (loaded->model, ==, "model-b");
  models = synth_run_spec_dup_models_used (loaded);
  g_assert_cmpuint (g_strv_length (models), ==, 2);
  g_assert_cmpstr (models[0], ==, "model-a");
  g_assert_cmpstr (models[1], ==, "model-b");
  g_assert_cmpfloat (loaded->price_out, ==, 0);
  /* The records and slots are untouched. */
  g_assert_cmpuint (synth_run_store_count_done (store), ==, 25);
  g_assert_true (synth_run_store_check_integrity (store, &error));
  g_assert_no_error (error);

  for (guint i = 0; i < G_N_ELEMENTS (words); i++)
    assert_dataset_change_refused (store, i, words[i]);

  /* A spec that does not validate is refused too. */
  loaded->concurrency = 0;
  g_assert_false (synth_run_store_update_spec (store, loaded, &error));
  g_assert_error (error, SYNTH_ERROR, SYNTH_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);
  loaded->concurrency = 9;
  loaded->requests_per_minute = -1;
  g_assert_false (synth_run_store_update_spec (store, loaded, &error));
  g_assert_error (error, SYNTH_ERROR, SYNTH_ERROR_INVALID_ARGUMENT);
  store = reopen (g_steal_pointer (&store));
  assert_spec_json (store, changed_json);
}

static void
assert_specs_equal (const SynthRunSpec *a, const SynthRunSpec *b)
{
  g_autofree char *ja = synth_run_spec_to_json (a);
  g_autofree char *jb = synth_run_spec_to_json (b);

  g_assert_cmpfloat (a->requests_per_minute, ==, b->requests_per_minute);
  g_assert_cmpfloat (a->tokens_per_minute, ==, b->tokens_per_minute);
  g_assert_cmpuint (a->timeout_ms, ==, b->timeout_ms);
  g_assert_cmpfloat (a->price_in, ==, b->price_in);
  g_assert_cmpfloat (a->price_out, ==, b->price_out);
  g_assert_cmpstr (a->model, ==, b->model);
  g_assert_cmpstr (ja, ==, jb);
}

static SynthRunSpec *
spec_from_json_ok (const char *json)
{
  g_autoptr (GError) error = NULL;
  SynthRunSpec *spec = synth_run_spec_from_json (json, &error);

  g_assert_no_error (error);
  g_assert_nonnull (spec);
  return spec;
}

/* The endpoint settings survive JSON; a store written before they existed
 * still opens, with defaults. */
static void
test_spec_json (void)
{
  /* What a store of the previous version holds, word for word. */
  static const char old_json[] =
      "{\"records\":40,\"batch_size\":10,\"positive_ratio\":0.5,\"short_ratio\":0.5,"
      "\"bias_mix\":{\"textual\":1.0,\"structural\":1.0,\"skill_match\":1.0,\"experience\":1.0,"
      "\"fairness\":1.0,\"domain_specific\":1.0,\"missing_noisy\":1.0,\"human_error\":1.0,"
      "\"none\":0.0},\"seed\":\"7\",\"provider\":\"openai\",\"model\":\"gpt-4o-mini\","
      "\"base_url\":\"http://127.0.0.1:8080/v1\",\"concurrency\":4,\"budget\":2.5}";
  g_autoptr (SynthRunSpec) spec = synth_run_spec_new ();
  g_autoptr (SynthRunSpec) again = NULL;
  g_autoptr (SynthRunSpec) old = NULL;
  g_autoptr (SynthRunSpec) odd = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *json = NULL, *old_again = NULL;
  g_auto (GStrv) models = NULL;
  g_auto (GStrv) old_models = NULL;

  g_assert_cmpfloat (spec->price_in, <, 0);
  g_assert_cmpfloat (spec->price_out, <, 0);
  g_free (spec->provider);
  spec->provider = g_strdup ("openai");
  spec->model = g_strdup ("a");
  spec->requests_per_minute = 90.5;
  spec->tokens_per_minute = 40000;
  spec->timeout_ms = 45000;
  spec->price_in = 0.25;
  spec->price_out = 0; /* free, which is not the same as unknown */
  g_assert_true (synth_run_spec_set_model (spec, "b"));
  g_assert_false (synth_run_spec_set_model (spec, "b"));
  g_assert_true (synth_run_spec_set_model (spec, "a"));
  g_assert_cmpstr (spec->model, ==, "a");
  json = synth_run_spec_to_json (spec);
  again = spec_from_json_ok (json);
  assert_specs_equal (spec, again);
  models = synth_run_spec_dup_models_used (again);
  g_assert_cmpuint (g_strv_length (models), ==, 2);
  g_assert_cmpstr (models[0], ==, "a");
  g_assert_cmpstr (models[1], ==, "b");
  g_assert_nonnull (strstr (json, "\"models_used\":[\"a\",\"b\"]"));

  old = spec_from_json_ok (old_json);
  g_assert_cmpuint (old->records, ==, 40);
  g_assert_cmpfloat (old->budget, ==, 2.5);
  g_assert_cmpfloat (old->requests_per_minute, ==, 0);
  g_assert_cmpfloat (old->tokens_per_minute, ==, 0);
  g_assert_cmpuint (old->timeout_ms, ==, 0);
  g_assert_cmpfloat (old->price_in, <, 0);
  g_assert_cmpfloat (old->price_out, <, 0);
  g_assert_null (old->models_used);
  old_models = synth_run_spec_dup_models_used (old);
  g_assert_cmpuint (g_strv_length (old_models), ==, 1);
  g_assert_cmpstr (old_models[0], ==, "gpt-4o-mini");
  /* Written again, the new keys appear with their defaults. */
  old_again = synth_run_spec_to_json (old);
  g_assert_nonnull (strstr (old_again, "\"price_in\":null"));
  g_assert_nonnull (strstr (old_again, "\"models_used\":[\"gpt-4o-mini\"]"));

  /* Damaged values: a negative price means "the model's", rubbish in the
   * list is skipped, a negative limit is refused. */
  odd = spec_from_json_ok ("{\"price_in\":-3,\"price_out\":\"x\",\"models_used\":[1,\"m\",null,"
                           "\"\",\"n\"],\"model\":\"n\",\"provider\":\"openai\"}");
  g_assert_cmpfloat (odd->price_in, <, 0);
  g_assert_cmpfloat (odd->price_out, <, 0);
  g_clear_pointer (&models, g_strfreev);
  models = synth_run_spec_dup_models_used (odd);
  g_assert_cmpuint (g_strv_length (models), ==, 2);
  g_assert_cmpstr (models[0], ==, "m");
  g_assert_cmpstr (models[1], ==, "n");
  g_assert_null (synth_run_spec_from_json ("{\"rpm\":-5}", &error));
  g_assert_error (error, SYNTH_ERROR, SYNTH_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);
  g_assert_null (synth_run_spec_from_json ("{\"timeout_ms\":99999999}", &error));
  g_assert_error (error, SYNTH_ERROR, SYNTH_ERROR_INVALID_ARGUMENT);
}

int
main (int argc, char **argv)
{
  g_autofree char *base = NULL;
  int status;

  self_exe = g_canonicalize_filename (argv[0], NULL);
  g_test_init (&argc, &argv, NULL);
  /* Children (killed or trapped) make their own folders; only the parent
   * needs the runs folder, and only it lives to remove it. */
  if (!g_test_subprocess () && !g_getenv ("RUN_STORE_CRASH_DB"))
    {
      base = g_dir_make_tmp ("run-store-XXXXXX", NULL);
      g_assert_nonnull (base);
      runs_dir = g_build_filename (base, "runs", NULL);
      g_setenv ("SYNTH_RUNS_DIR", runs_dir, TRUE);
    }

#define ADD(path, fn) g_test_add ((path), Fixture, NULL, fixture_setup, (fn), fixture_teardown)
  ADD ("/run-store/create-plan", test_create_plan);
  ADD ("/run-store/commit-batches", test_commit_batches);
  ADD ("/run-store/record-round-trip", test_record_round_trip);
  ADD ("/run-store/duplicate-slot", test_duplicate_slot);
  ADD ("/run-store/interrupted-run", test_interrupted_run);
  ADD ("/run-store/foreach", test_foreach);
  ADD ("/run-store/review-after-reopen", test_review_after_reopen);
  ADD ("/run-store/usage-accumulates", test_usage_accumulates);
  ADD ("/run-store/file-modes", test_file_modes);
  ADD ("/run-store/bad-files", test_bad_files);
  ADD ("/run-store/missing-run", test_missing_run);
  ADD ("/run-store/run-ids", test_run_ids);
  ADD ("/run-store/list-runs", test_list_runs);
  ADD ("/run-store/import", test_import);
  ADD ("/run-store/concurrent-access", test_concurrent_access);
  ADD ("/run-store/crash-resume", test_crash_resume);
  ADD ("/run-store/throughput", test_throughput);
  ADD ("/run-store/update-spec", test_update_spec);
#undef ADD
  g_test_add_func ("/run-store/spec-json", test_spec_json);
  g_test_add_func ("/run-store/crash-resume/subprocess", test_crash_child);
  g_test_add_func ("/run-store/disk-full", test_disk_full);
  g_test_add_func ("/run-store/disk-full/subprocess", test_disk_full_child);
  g_test_add_func ("/run-store/read-only", test_read_only);
  g_test_add_func ("/run-store/read-only/subprocess", test_read_only_child);

  status = g_test_run ();
  if (base)
    rm_rf (base);
  g_free (runs_dir);
  g_free (self_exe);
  return status;
}
