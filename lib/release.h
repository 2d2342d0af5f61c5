/* release.h: checks over a whole release, after every source has been read: exports cut off
 * at the Excel row limit or at round counts; file names whose dates disagree with the rows;
 * sources of the same producer and kind whose periods overlap; identical content (same bytes,
 * or the same rows in another format) grouped so nothing is counted twice; re-releases of the
 * same rows with different redactions; and whose log each source is (the producer), with how
 * that was decided. Findings are plain data for the database, the report and `inspect`. */
#ifndef SL_RELEASE_H
#define SL_RELEASE_H

#include "schema.h"

/* An order-independent fingerprint of a source's rows: sums and xors of 64-bit hashes of each
 * row's normalised key (the search UUID when present, else organization + search time to the
 * second + networks + time frame) and of the key with every field's cell state. The same rows
 * read from CSV or XLSX, in any order, give the same fingerprint. */
#define SL_SKETCH_K 512

typedef struct {
    uint64_t n;
    uint64_t key_sum, key_xor;
    uint64_t state_sum, state_xor;
    /* A sketch of the set of row keys: the SL_SKETCH_K smallest distinct key hashes (a
     * max-heap), enough to tell how many rows two sources share, exactly for sources with
     * fewer distinct keys than that, as an estimate for larger ones. */
    uint32_t nmin;
    uint64_t mins[SL_SKETCH_K];
    uint64_t ids; /* rows keyed by their search ID (sl_fingerprint_add): the others' keys are
                     organization, time and networks, which never equal an ID's */
} sl_fingerprint;

/* Hash of one row's key (never 0). */
uint64_t sl_row_key(const sl_search *q);
/* Adds a row; returns its key (sl_row_key), for callers that need it too. */
uint64_t sl_fingerprint_add(sl_fingerprint *fp, const sl_search *q);
/* Adds a row hashed elsewhere (event logs: hash of timestamp, user, type, details). */
void sl_fingerprint_add_hash(sl_fingerprint *fp, uint64_t key, uint64_t state);
/* How many rows (keys) the sources behind a and b share, from their sketches: exact (*exact =
 * 1) when both hold fewer distinct keys than SL_SKETCH_K, else estimated from the smallest keys
 * of their union (within a few percent for sketches this size) and capped at the smaller n. */
uint64_t sl_fingerprint_shared(const sl_fingerprint *a, const sl_fingerprint *b, int *exact);
/* FNV-1a with a final mix; exposed so callers hash the same way. */
uint64_t sl_hash64(const void *p, size_t n, uint64_t seed);

/* What the scan knows about one source when it ends. Strings are copied by sl_release_add. */
typedef struct {
    uint32_t id;            /* sl_source.id */
    const char *cite;       /* as shown to people */
    const char *name;       /* file or member name (its dates and agency are read) */
    const char *series;     /* the file or member the source came from, without sheet (NULL =
                               name): sources of unknown producers are compared for overlap only
                               within one series ("audit_2025-05.csv", "audit_2025-06.csv") */
    sl_kind kind;
    const char *sha256;     /* hex of the source's bytes, "" when unknown */
    uint64_t records;       /* data records, header excluded */
    uint64_t rows;          /* records parsed (searches or events) */
    int64_t time_min, time_max; /* SL_TIME_NONE when no times */
    sl_fingerprint fp;
    const char *dominant_org;   /* most frequent organization, or NULL */
    uint64_t dominant_rows;     /* rows of that organization */
} sl_release_src;

/* What the checks decided per source. */
typedef struct {
    const char *producer;     /* NULL when undecided */
    const char *producer_how; /* "--producer option", "file name", "dominant organization ..." */
    uint32_t duplicate_of;    /* id of the canonical source holding the same rows, 0 if none */
    const char *duplicate_how;/* "same bytes", "same rows in another format", "same rows, different redactions" */
    int name_year, name_month, name_year2, name_month2; /* month range read from the name, 0 if none */
} sl_release_verdict;

/* Findings are sl_finding (sunlight.h); codes are "release.truncated_excel_limit", ... */

typedef struct sl_release sl_release;

/* producer: the user's --producer (NULL when not given). */
sl_status sl_release_new(sl_release **out, const char *producer);
sl_status sl_release_add(sl_release *r, const sl_release_src *src);
/* Runs every check once, after the last add. */
sl_status sl_release_check(sl_release *r);
/* Before sl_release_check, when the rows were linked into searches: each source's rows that
 * repeat a search among its own (repeats[id], n ids), so that a larger copy of a log whose
 * more rows are such repeats is not called a fuller export. */
void sl_release_linked(sl_release *r, const uint64_t *repeats, uint32_t n);
size_t sl_release_finding_count(const sl_release *r);
const sl_finding *sl_release_finding(const sl_release *r, size_t i);
/* Verdict for the source with this id, NULL when unknown. Valid until sl_release_free.
 * duplicate_of and duplicate_how are decided as soon as the source is added (against the
 * sources added before it, the first read being canonical), so the scan can leave a repeated
 * source out of the counts when it ends; the rest is decided by sl_release_check. */
const sl_release_verdict *sl_release_verdict_of(const sl_release *r, uint32_t id);
/* Citation of the source with this id as added, NULL when unknown. */
const char *sl_release_cite_of(const sl_release *r, uint32_t id);
void sl_release_free(sl_release *r);

/* Whether a count of data rows says an export was cut off: SL_TRUNC_EXCEL at the spreadsheet
 * row limit (1,048,575 or 1,048,576 rows), SL_TRUNC_XLS at the old .xls limit (65,535 or
 * 65,536), SL_TRUNC_ROUND at a suspiciously round count (a multiple of 10,000), else 0. */
enum { SL_TRUNC_EXCEL = 1, SL_TRUNC_XLS, SL_TRUNC_ROUND };
int sl_release_truncation(uint64_t records);

/* Months named in a file name: "2025-06", "2025_06", "202506", "06-2025", "June 2025",
 * "2025_December", "Dec2025". Returns how many distinct months were found (0, 1 or 2: the
 * first and the last, for names such as "2025-01_to_2025-03"). */
int sl_name_months(const char *name, int *y1, int *m1, int *y2, int *m2);

/* Agency named in a file name: "Springfield_IL_PD_network_audit.csv" -> "Springfield IL PD".
 * Needs a state code followed by an agency suffix (PD, SO, SD, DPS, ...). Returns 1 and
 * writes out (NUL-terminated) when found. */
int sl_name_agency(const char *name, char *out, size_t cap);

#endif
