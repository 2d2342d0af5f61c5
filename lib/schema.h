/* schema.h: column mapping by header name, never by position. Header cells are trimmed,
 * compared case-insensitively, with the aliases seen in real releases (BRIEF.md); unknown
 * columns are kept; the kind of export (network audit, organization audit, portal search
 * audit, event log) is told from the header and the file name. Also turns one row into a
 * search record with per-field cell states and parsed times and counts. */
#ifndef SL_SCHEMA_H
#define SL_SCHEMA_H

#include "core.h"
#include "cell.h"

typedef enum {
    SL_KIND_UNKNOWN = 0,
    SL_KIND_AUDIT,          /* a Flock search audit whose scope (network/org) is not yet known */
    SL_KIND_NETWORK_AUDIT,
    SL_KIND_ORG_AUDIT,
    SL_KIND_PORTAL,         /* transparency-portal search_audit.csv */
    SL_KIND_EVENT_LOG,
    /* Reference lists that arrive with releases: not logs of searches, recognised so they are
     * described and counted (rows parsed, never classified), for the stages that resolve
     * organizations and officers. */
    SL_KIND_AGENCY_LIST,     /* an agency registry: ORI + agency name (FBI UCR list) */
    SL_KIND_ROSTER,          /* a police roster: officers' names + department or hire date */
    SL_KIND_SHARED_NETWORKS, /* Flock "Shared Networks": whom an organization shares with */
    /* A document that came with the release (cover letter, README, notes, JSON, HTML): no
     * header, no inferable columns, and plainly not a table. Its records are set aside. */
    SL_KIND_DOCUMENT,
    SL_KIND__COUNT
} sl_kind;

const char *sl_kind_name(sl_kind k); /* "network_audit", ... */

/* Whether a kind is a reference list (agency list, roster, sharing list): rows counted, never
 * searches. Event logs and reference lists are the kinds whose rows are not searches; the
 * writers' SQL list of them is SL_OUT_NON_SEARCH_KINDS (lib/out.h): keep the two in step. */
int sl_kind_is_reference(sl_kind k);

#define SL_SCHEMA_MAX_COLS 256

typedef struct {
    int col[SL_F_COUNT];     /* column index of each field, -1 when not exported */
    size_t ncols;            /* header width */
    sl_kind kind;
    unsigned mapped;         /* how many header cells mapped to a field */
    unsigned blank;          /* blank or phantom header cells */
    /* Header cells as found (trimmed), for messages and for keeping unknown columns. */
    char *names[SL_SCHEMA_MAX_COLS];
    int unknown[SL_SCHEMA_MAX_COLS]; /* 1 when names[i] mapped to no field */
    /* field + 1 when names[i] names a field an earlier column already has ("Reason" twice,
     * "Reason" and "Reason_1"): the first column is read, this one is not. 0 otherwise. */
    unsigned char repeats[SL_SCHEMA_MAX_COLS];
    /* Cell decisions for repeated texts, filled by sl_search_from_row through its const
     * pointer: a cache that changes no result. Zeroed with the rest of the schema. */
    sl_cell_memo memo;
} sl_schema;

/* Maps a header row. `filename` (may be NULL) helps tell network from organization audits.
 * Returns 1 when the row is a recognisable header (a search time plus at least two other
 * search fields, or a known portal / event-log shape), 0 otherwise; on 0 the schema is left
 * cleared. Allocates names; release with sl_schema_clear. */
int sl_schema_from_header(sl_schema *s, const sl_slice *cells, size_t n, const char *filename);
void sl_schema_clear(sl_schema *s);

/* Whether a data row repeats the header (same names in the same places). */
int sl_schema_is_header_again(const sl_schema *s, const sl_slice *cells, size_t n);

/* Short description of what a header row held, for the "no recognisable header" message:
 * the first cells, quoted and comma-joined, truncated to cap. */
void sl_schema_describe_row(const sl_slice *cells, size_t n, char *out, size_t cap);

/* One row as a search. Text cells borrow from the row (valid while the row is). */
typedef struct {
    const char *p;
    size_t len;
    sl_cell_state st;
} sl_cell;

typedef struct {
    sl_cell f[SL_F_COUNT];  /* trimmed text and state of every field */
    int64_t search_time;    /* epoch seconds, SL_TIME_NONE when absent or unparseable */
    int64_t tf_start, tf_end;
    int64_t networks;       /* -1 when absent or unparseable */
    int64_t devices;
    uint32_t bad;           /* bit (1u << field) set: cell present but could not be parsed */
    /* The row key (sl_row_key, release.h) begun while the row is read, so its byte-serial hash
     * overlaps the rest of the row's work: the FNV-1a state over the lower-cased id from
     * SL_FNV_BASIS ^ 1, valid for the id cell whose text is at key_early_p (NULL: none). */
    uint64_t key_early;
    const char *key_early_p;
    /* Invalid UTF-8 sequences in the record (the reader's count; 0 unless set by the caller):
     * the store makes such a row's texts valid before writing them. */
    uint32_t invalid_utf8;
} sl_search;

/* Fills out from a data row. Cells beyond the row's width are SL_CELL_ABSENT only when the
 * column does not exist; a short row leaves them SL_CELL_EMPTY. */
void sl_search_from_row(const sl_schema *s, const sl_slice *cells, size_t n, sl_search *out);

#endif
