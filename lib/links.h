/* links.h: rows linked into searches. The same search appears as a row in the searcher's
 * organization audit, in the network audit of every agency whose cameras it touched, and again
 * in re-releases (BRIEF.md: 140 million rows were 18.7 million searches). Every search row is
 * kept as a 32-byte record until the end of the scan, in memory up to a budget and then in
 * spill files beside the database, and then the rows are grouped:
 *
 *   - rows holding the same search ID (the export's UUID) are one search;
 *   - rows without an ID are one search when they share the organization, the search time to
 *     the second, the networks searched and the time frame (the "composite key"), and the
 *     key is not ambiguous: two rows of one source under one key that differ in anything else
 *     (user, plate, reason, case, filters, search type) are two searches, and so is a key
 *     held by rows of two different IDs; such a key is refused, not guessed, and its rows
 *     without an ID each count as a search of their own;
 *   - a row without an ID joins the search of the one ID its composite key was seen with.
 *
 * Rows with neither an ID nor an organization and a search time cannot be linked: each counts
 * as one search. The counts are searches by category (a search carries the categories of all
 * its rows: one copy's reason may be redacted where another's is not), and each flagged row's
 * search, for the database to join flagged rows on. Internal to lib/. */
#ifndef SL_LINKS_H
#define SL_LINKS_H

#include "schema.h"
#include "sunlight.h"

#include <stdint.h>

/* Rows held in memory (32 bytes each) before they go to the spill files. */
#ifndef SL_LINKS_MEMORY_ROWS
#define SL_LINKS_MEMORY_ROWS ((size_t)16 << 20)
#endif

/* Rows kept at most (flagged rows are numbered in 32 bits): past it the linking gives up and
 * the run says so. */
#ifndef SL_LINKS_MAX_ROWS
#define SL_LINKS_MAX_ROWS 4000000000u
#endif

/* Categories told apart at most (one bit each in a row's record). */
#define SL_LINKS_CATS 32

/* Buckets of how widely a row searched (the store's reach buckets, store.h), the last for a
 * number unknown. */
#define SL_LINKS_REACH 7

typedef struct sl_links sl_links;

/* spill: the path the spill files are named after (with a suffix), made only when the rows
 * outgrow memory and unlinked as soon as made; NULL: no spilling (rows past the memory budget
 * are too many). */
sl_links *sl_links_new(const char *spill);
void sl_links_free(sl_links *l);

/* For tests: the most rows kept (at least 1), the rows held in memory before spilling (at
 * least 1), and the sort without its second buffer (as when memory for it is missing). */
void sl_links_set_max_rows(sl_links *l, uint64_t rows);
void sl_links_set_memory(sl_links *l, size_t rows);
void sl_links_set_in_place(sl_links *l, int in_place);

/* Keeps one search row of source `source` with its categories (texts compared by pointer,
 * then by content); row_key is sl_row_key(s) (release.h: the hash of its ID when it has one),
 * which the caller has already; cell is the row's (organization, month) group in the counts
 * (sl_counts_group, from 1; needed for a row with a category, where 0 is SL_EINTERNAL); reach
 * the bucket of its networks searched (below SL_LINKS_REACH; the last: unknown). Returns SL_OK
 * once the linking gave up; SL_ENOMEM only for memory. */
sl_status sl_links_add(sl_links *l, const sl_search *s, uint64_t row_key,
                       const char *const *cats, size_t ncats, uint32_t source, uint32_t cell,
                       unsigned reach);

/* Per-source staging, as sl_counts_open and sl_counts_close: a source closed with keep 0 (a
 * duplicate) has its rows left out (taken back while in memory, else left out by source id at
 * the end). SL_ENOMEM only for memory. */
void sl_links_open(sl_links *l);
sl_status sl_links_close(sl_links *l, int keep);

typedef enum {
    SL_LINKS_LINKING = 0,
    SL_LINKS_TOO_MANY_ROWS, /* past the most rows kept (or the memory budget, not spilling) */
    SL_LINKS_TOO_MANY_CATS, /* past SL_LINKS_CATS categories */
    SL_LINKS_SPILL_FAILED   /* a spill file could not be made, written or read back (a full
                               disk): sl_links_spill_errno says why */
} sl_links_why;
sl_links_why sl_links_gave_up(const sl_links *l);
int sl_links_spill_errno(const sl_links *l);

typedef struct {
    const char *category; /* as passed to sl_links_add */
    uint64_t rows;        /* rows that carry it */
    uint64_t searches;    /* searches one of whose rows carries it */
} sl_links_cat;

typedef struct {
    uint64_t rows;          /* search rows kept (duplicate sources left out) */
    uint64_t searches;      /* distinct searches */
    uint64_t by_id;         /* rows linked by their ID */
    uint64_t by_key;        /* rows without an ID linked by the composite key (alone or to an ID) */
    uint64_t no_key;        /* rows with no ID, and no organization or time: a search each */
    uint64_t refused;       /* rows without an ID under an ambiguous key: a search each */
    uint64_t refused_keys;  /* ambiguous keys */
    uint64_t several;       /* searches seen in more than one source */
    uint64_t several_rows;  /* the rows of those searches */
    const sl_links_cat *cats;
    size_t ncats;           /* in the order first seen */
    /* The search of each flagged row (a row with a category), by its number among them from 1
     * (as flagged_rows.row_id): search_of[row - 1]. Searches are numbered from 1: those of the
     * flagged rows that are a search alone first, in the order of the rows, then the searches
     * of several rows, in an order their hashes fix (the same whether the rows were spilled or
     * not); the searches of unflagged rows alone take the numbers after. */
    const uint32_t *search_of;
    uint64_t flagged;
    /* Per source id (0..nsources - 1): its rows kept, and those that repeat a search already
     * among its rows (the same ID, or the same key and the same row: an export that lists a
     * search twice). */
    const uint64_t *source_rows, *source_repeats;
    uint32_t nsources;
    uint64_t repeats;  /* all sources' */
} sl_links_result;

/* Links the rows kept; the result lives until sl_links_free. Call once, after the last
 * source; SL_ENOMEM when memory for the sort is missing. */
sl_status sl_links_finish(sl_links *l, sl_links_result *out);

/* After sl_links_finish: the searches among the flagged rows of one (organization, month)
 * group of the counts (sl_count.group) that carry category: each counted once there, whatever
 * its copies. Returns 1 and sets *out (0 when no such row), or 0 when the rows were not
 * linked or category is none of theirs. */
int sl_links_cell_searches(const sl_links *l, uint32_t cell, const char *category,
                           uint64_t *out);

/* After sl_links_finish: the searches of category ("all": every search) in reach bucket b. A
 * search's bucket is the highest known among its rows' (copies agree; a log without the
 * column knows none), else unknown. Returns 1 and sets *out, or 0 when the rows were not
 * linked or category is none of theirs. */
int sl_links_reach_searches(const sl_links *l, const char *category, unsigned b, uint64_t *out);

#endif
