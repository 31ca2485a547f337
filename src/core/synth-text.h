/* synth-text.h — text helpers shared by the statistics and the app's
 * highlighting: required skills of a job text, skill overlap, word counts,
 * word hashes, shingles and n-grams. Pure functions, safe from any thread. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Byte offsets into a text: [start, end). */
typedef struct
{
  gsize start;
  gsize end;
} SynthTextSpan;

/* The job's required skills, in order of appearance, without duplicates
 * (compared case-insensitively), as a GPtrArray of newly allocated strings
 * (the array frees them). Reads, in order of preference:
 *   - lines such as "Required skills: Python, SQL, Docker", "Requirements: …",
 *     "Must have: …", and bullets under a "Required…" / "Requirements" /
 *     "Must have" heading;
 *   - otherwise the short comma-, semicolon- or bullet-separated phrases of
 *     the whole text (one to four words each).
 * Never NULL; empty when nothing looks like a skill. */
GPtrArray *synth_text_extract_required_skills (const char *job_text);

/* How many of the job's required skills occur in the resume (ASCII
 * case-insensitive, at word boundaries: "SQL" is not found in "PostgreSQL").
 * Both out arguments may be NULL. */
void synth_text_skill_overlap_counts (const char *job_text,
                                      const char *resume_text,
                                      guint *out_matched,
                                      guint *out_total);

/* matched ÷ total of the above; 0 when the job names no skill. */
double synth_text_skill_overlap (const char *job_text, const char *resume_text);

/* Where the job's required skills occur in the resume, as a GArray of
 * SynthTextSpan sorted by start, overlapping spans merged; for highlighting. */
GArray *synth_text_find_skill_spans (const char *job_text, const char *resume_text);

/* Same as synth_text_find_skill_spans() with the skills already extracted. */
GArray *synth_text_find_spans (GPtrArray *skills, const char *resume_text);

/* Whitespace-separated words (the definition used for short / long resumes). */
guint synth_text_count_words (const char *text);

/* Counts gathered by one pass over a text, for the statistics. */
typedef struct
{
  guint chars;        /* Unicode characters */
  guint words;        /* whitespace-separated words, as synth_text_count_words() */
  guint64 exact_hash; /* hash of the text with whitespace runs collapsed and trimmed */
} SynthTextScan;

/* One pass over @text: fills @out and, when @word_hashes (a GArray of
 * guint64) is not NULL, appends one hash per token. A token is a run of
 * letters and digits (any script), lower-cased, with trailing '+' or '#'
 * kept ("C++", "C#"); punctuation separates tokens. */
void synth_text_scan (const char *text, SynthTextScan *out, GArray *word_hashes);

/* Appends to @out (GArray of guint64) the hash of every run of @n
 * consecutive word hashes (word n-grams / shingles). A text with fewer than
 * @n but at least one word yields one hash of all its words. */
void synth_text_ngram_hashes (const guint64 *words, guint n_words, guint n, GArray *out);

/* Near-duplicate detection over shingle hashes: a one-permutation MinHash
 * signature per text, indexed by LSH bands; a candidate counts when its
 * signature estimates a Jaccard similarity of at least 0.8. About 400 bytes
 * per indexed text. */
#define SYNTH_TEXT_MINHASH_K 72

typedef enum
{
  SYNTH_TEXT_NEAR_NONE,
  SYNTH_TEXT_NEAR_OTHER_TAG, /* similar to a text with another tag (or none) */
  SYNTH_TEXT_NEAR_SAME_TAG,  /* similar to a text with the same non-zero tag */
} SynthTextNearMatch;

typedef struct _SynthTextNearIndex SynthTextNearIndex;

/* Signature of a set of shingle hashes (GArray of guint64, duplicates
 * allowed); FALSE when @shingles is empty. */
gboolean synth_text_minhash (const GArray *shingles, guint32 out_sig[SYNTH_TEXT_MINHASH_K]);
SynthTextNearIndex *synth_text_near_index_new (void);
void synth_text_near_index_free (SynthTextNearIndex *index);
/* Whether an added text is near @sig; SAME_TAG wins over OTHER_TAG. */
SynthTextNearMatch synth_text_near_index_query (SynthTextNearIndex *index,
                                                const guint32 sig[SYNTH_TEXT_MINHASH_K],
                                                guint32 tag);
/* @tag: 0 for none, else e.g. a hash of a group id. */
void synth_text_near_index_add (SynthTextNearIndex *index,
                                const guint32 sig[SYNTH_TEXT_MINHASH_K],
                                guint32 tag);
gsize synth_text_near_index_get_size (SynthTextNearIndex *index);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (SynthTextNearIndex, synth_text_near_index_free)

/* 64-bit finaliser (splitmix64): spreads the bits of @x. */
static inline guint64
synth_text_mix64 (guint64 x)
{
  x ^= x >> 30;
  x *= G_GUINT64_CONSTANT (0xbf58476d1ce4e5b9);
  x ^= x >> 27;
  x *= G_GUINT64_CONSTANT (0x94d049bb133111eb);
  x ^= x >> 31;
  return x;
}

G_END_DECLS
