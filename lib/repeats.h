/* repeats.h: one user, one plate, many searches ("the same plate searched forty times by one
 * officer", BRIEF.md). Every search row that names its user and holds a plate in its plate cell
 * is kept, compactly, until the end of the scan: in memory up to a budget, then in unlinked
 * spill files beside the database, split by a hash of user and plate. At the end each (user,
 * plate) pair of enough rows is counted in distinct searches (distinct search times: the same
 * search seen in an organization audit and a network audit is one), days, rows and case
 * numbers, and a pair searched often enough on enough days is a finding, its rows cited
 * (docs/SCHEMA.md: plate_repeats, plate_repeat_rows). Internal to lib/ (the store owns one). */
#ifndef SL_REPEATS_H
#define SL_REPEATS_H

#include "operators.h"
#include "sunlight.h"

#include <stdint.h>

/* A finding: at least MIN_SEARCHES distinct searches of one plate by one user, on at least
 * MIN_DAYS distinct days (UTC). A pursuit's burst of lookups in one afternoon is not one. */
#define SL_REPEATS_MIN_SEARCHES 10
#define SL_REPEATS_MIN_DAYS 3

/* Distinct users kept at most (organization or log, and name or user id): past it the
 * counting stops and the run says so (a column of one value per row taken for the user). */
#define SL_REPEATS_USERS_CAP (1u << 20)

/* Bytes of kept rows held in memory before they go to the spill files (defined at build time
 * too, to try the spill on a whole scan). */
#ifndef SL_REPEATS_MEMORY
#define SL_REPEATS_MEMORY (8u << 20)
#endif

/* Longest normalised plate kept (letters and digits); a longer cell is not one plate. */
#define SL_REPEATS_PLATE_MAX 14

typedef struct sl_repeats sl_repeats;

/* spill: a path prefix for the spill files (prefix + "-plates-N"), each removed from the
 * directory as soon as it is opened, so that nothing is left whatever happens. Copied. */
sl_repeats *sl_repeats_new(const char *spill);
void sl_repeats_free(sl_repeats *r);

/* For tests: the memory budget (bytes, at least one row). */
void sl_repeats_set_memory(sl_repeats *r, size_t bytes);

/* Keeps one search row: its user (who->category is not read), its plate cell's text, its
 * search time, its case number's and its reason's texts (NULL when the cell holds no value),
 * whether it was flagged, and where it is. A plate with a wildcard (* or ?), with fewer than two letters or digits or more than
 * SL_REPEATS_PLATE_MAX once normalised is not kept, nor a row without a search time
 * (SL_TIME_NONE): it cannot be told apart from another copy of itself. Returns SL_OK once the
 * counting gave up (see sl_repeats_gave_up). */
typedef struct {
    const char *case_no, *reason; /* NULL: no value */
    size_t case_len, reason_len;
    int flagged;                  /* a finding category fired on the row */
    uint32_t source;
    uint64_t record, line;
} sl_repeat_what;
sl_status sl_repeats_add(sl_repeats *r, const sl_op_key *who, const char *plate, size_t plate_len,
                         int64_t t, const sl_repeat_what *w);

/* Per-source staging, as sl_counts_open and sl_counts_close: a source closed with keep 0 (a
 * duplicate) has its rows left out. */
void sl_repeats_open(sl_repeats *r);
sl_status sl_repeats_close(sl_repeats *r, int keep);

/* Why the counting gave up, if it did (no finding is then made, and the scan goes on: nothing
 * else depends on it). */
typedef enum {
    SL_REPEATS_COUNTING = 0,
    SL_REPEATS_TOO_MANY_USERS, /* past SL_REPEATS_USERS_CAP */
    SL_REPEATS_SPILL_FAILED    /* a spill file could not be made, written or read back (a full
                                  disk): sl_repeats_spill_errno says why */
} sl_repeats_why;
sl_repeats_why sl_repeats_gave_up(const sl_repeats *r);
int sl_repeats_spill_errno(const sl_repeats *r);

/* A user and a plate searched again and again. */
typedef struct {
    sl_op_key k;              /* category NULL */
    char token[SL_TOKEN_LEN + 1];
    uint64_t searches;        /* distinct search times */
    uint64_t rows;            /* rows (one search in two logs is two rows) */
    uint64_t days;            /* distinct days (UTC) */
    uint64_t with_case;       /* searches one of whose rows holds a case number */
    uint64_t cases;           /* distinct case numbers (trimmed, compared without case) */
    uint64_t reasons;         /* distinct reasons typed (the same way) */
    uint64_t no_reason;       /* searches none of whose rows holds a reason */
    uint64_t flagged;         /* searches one of whose rows was flagged for a category */
    int64_t first, last;      /* search times */
    size_t row0, nrows;       /* the finding's rows in the rows array */
} sl_repeat;

/* One row of a finding. */
typedef struct {
    uint32_t source;
    uint64_t record, line;
    int64_t t;
} sl_repeat_row;

/* What the counting saw. */
typedef struct {
    uint64_t rows; /* rows kept (user, plate and time), duplicate sources left out */
} sl_repeats_seen;

/* The findings, most searches first (then days, rows, organization, user, token), each with
 * its rows in time order (then source, record). k computes the tokens. Both arrays live until
 * sl_repeats_free; call once. */
sl_status sl_repeats_finish(sl_repeats *r, const sl_key *k, const sl_repeat **findings,
                            size_t *nfindings, const sl_repeat_row **rows, size_t *nrows,
                            sl_repeats_seen *seen);

#endif
