/* store.h: the run's SQLite database, written to a temporary file and renamed into place by
 * the scan when everything succeeded. Holds run metadata, rule packs, sources with per-file
 * accounting, diagnostics, flagged search rows with their provenance and hits, and counts by
 * organization x month x category. Inserts run inside one transaction with prepared
 * statements. The schema is documented in docs/SCHEMA.md. A row is one record of one source;
 * the rows are linked into searches at the end (sl_store_search_links, lib/links.h). */
#ifndef SL_STORE_H
#define SL_STORE_H

#include "eventlog.h"
#include "named.h"
#include "read.h"
#include "schema.h"

typedef struct sl_store sl_store;

/* Opens a new database at path (an existing file there is replaced). */
sl_status sl_store_open(sl_store **out, const char *path, char *err, size_t errlen);
/* Commits, closes and frees. Returns the first error seen, if any. */
sl_status sl_store_close(sl_store *st);
const char *sl_store_errmsg(const sl_store *st);

sl_status sl_store_meta(sl_store *st, const char *key, const char *value);
sl_status sl_store_rules(sl_store *st, const sl_rules *r);

/* Per-source accounting, filled by the scan while reading. */
typedef enum {
    SL_REJ_TOO_LARGE = 0,   /* record over the size cap */
    SL_REJ_UNTERMINATED,    /* cut off inside a quoted cell at end of file */
    SL_REJ_NO_HEADER,       /* the source had no recognisable header: every record rejected */
    SL_REJ_NOT_SEARCH,      /* parsed but carries no search data (e.g. no time, org or reason) */
    SL_REJ_CUT_OFF,         /* the record the source broke off in (read error, damaged archive) */
    SL_REJ_MALFORMED,       /* a record that does not parse in its format (a bad JSON line) */
    SL_REJ__COUNT
} sl_reject;
const char *sl_reject_name(sl_reject r);   /* "record_too_large", ... */
const char *sl_reject_help(sl_reject r);   /* one sentence for people */

#define SL_FIRST_RECORDS 5
typedef struct {
    sl_kind kind;
    const char *kind_how;        /* how the kind was decided: "header", "file name", ... */
    uint64_t records;            /* data records (every record after the header) */
    uint64_t searches;           /* parsed into search rows */
    uint64_t header_repeats;     /* header rows repeated inside the data, skipped */
    uint64_t blank;              /* fully blank records, skipped */
    uint64_t set_aside;          /* rows of a workbook sheet that holds no log (a notes or pivot
                                    sheet without a recognisable header), of a document (a
                                    README, cover letter, JSON file) or above a log's header (a
                                    title): read, set aside */
    uint64_t rejected[SL_REJ__COUNT];
    uint64_t first_rejected[SL_REJ__COUNT][SL_FIRST_RECORDS]; /* record numbers */
    uint64_t field_errors[SL_F_COUNT];        /* present but unparseable */
    uint64_t cell_states[SL_F_COUNT][SL_CELL__COUNT];
    uint64_t invalid_utf8;
    uint64_t flagged;
    uint64_t named;         /* rows that searched a plate named with --plate */
    int64_t time_min, time_max;               /* over parsed search times, SL_TIME_NONE if none */
    uint64_t orgs_distinct;                   /* distinct organizations seen */
    const sl_schema *schema;                  /* NULL when no header was found */
} sl_account;

/* Records a source (when it ends, with its final sha256/size) and its accounting. Sources are
 * recorded in reading order; ids come from sl_source.id. */
sl_status sl_store_source(sl_store *st, const sl_source *src, const sl_account *acc);

/* A diagnostic about a source, kept in the database (capped per source and code by caller). */
sl_status sl_store_diag(sl_store *st, uint32_t source_id, const sl_diag *d);

/* One category hit on one field of a row. */
typedef struct {
    uint32_t rule;
    sl_field field;
    uint32_t start, end;
} sl_flag;

/* A flagged row. Texts are raw (borrowed); the store tokenizes the plate and redacts plates
 * in every free-text field before writing. Its hits are stored once per distinct set
 * (table hit_sets): rows with the same flags on the same texts share one. */
typedef struct {
    uint32_t source_id;
    uint64_t record, line;
    const sl_search *s;
    const sl_flag *flags;
    size_t nflags;
    uint32_t named; /* bit i: the row searched plate i of sl_store_named's list */
} sl_store_row;

sl_status sl_store_row_add(sl_store *st, const sl_key *k, const sl_rules *r,
                           const sl_store_row *row);

/* The plates named with --plate (kept by pointer; NULL or none: no table rows). A row with
 * `named` bits gets the category "named_plate", one named_plates row per plate it searched,
 * and those plates tokenized wherever its texts hold them. */
sl_status sl_store_named(sl_store *st, const sl_named *nm, const sl_key *k);

/* What the last sl_store_row_add wrote, for writers that stream rows as they are stored
 * (flagged.csv). Texts are as stored: plates tokenized. A slice with p NULL was stored as NULL.
 * Owned by the store; valid until the next sl_store_row_add. */
typedef struct {
    int64_t row_id;
    sl_slice categories;        /* distinct categories, sorted, comma-joined */
    sl_slice rules;             /* distinct rule ids, sorted bytewise, comma-joined */
    const char *plate_token;    /* NULL when none */
    const char *search_time, *tf_start, *tf_end; /* ISO 8601, NULL when unknown */
    /* reason, case_number, offense, filters, text_prompt: as stored (plates tokenized) and as
     * published (personal data redacted too); p NULL when the column was not exported */
    sl_slice red[5], pub[5];
} sl_store_written;
const sl_store_written *sl_store_row_written(const sl_store *st);

/* Counts one search row for organization x month x category (category "all" counts every
 * row; one call per distinct category of a flagged row). */
/* The reach table's buckets of Total Networks Searched, in order: from sl_reach_min to
 * sl_reach_max (-1: no upper bound); the last (min -1) holds rows whose number is unknown. The
 * report names its columns from them. */
#define SL_REACH_BUCKETS 7
extern const int64_t sl_reach_min[SL_REACH_BUCKETS], sl_reach_max[SL_REACH_BUCKETS];

sl_status sl_store_count(sl_store *st, const char *org, size_t org_len, int64_t t,
                         const char *category);
/* The same for one search row s (its organization and search time): counts it under "all" and
 * under each of cats (distinct); in the reach table by its networks searched under the same
 * categories; and in cell_counts when its reason or case number holds no value (by state). The
 * texts of cats must not change while the store lives (they are a pack's categories): the
 * reach cells remember their pointers. sl_store_count does neither reach nor cell_counts. */
sl_status sl_store_count_row(sl_store *st, const sl_search *s, const char *const *cats,
                             size_t ncats);

/* Keeps search row s (found at record and line of source; flagged when a finding category
 * fired on it) for the plate repeats when it names its user, holds a plate in its plate cell
 * and a search time, and is not a hot-list lookup (lib/repeats.h). Runs on the scan's thread,
 * as sl_store_count_row. */
sl_status sl_store_repeat_row(sl_store *st, const sl_search *s, int flagged, uint32_t source,
                              uint64_t record, uint64_t line);

/* Keeps search row s of source (row_key: sl_row_key of it), with its finding categories (as
 * for sl_store_count_row), to be linked into searches at the end (lib/links.h). Call right
 * after sl_store_count_row for the same row, whose (organization, month) group and reach bucket
 * it takes for the searches in counts and reach. Runs on the scan's thread. */
sl_status sl_store_link_row(sl_store *st, const sl_search *s, uint64_t row_key,
                            const char *const *cats, size_t ncats, uint32_t source);

/* Per-source staging. Between begin and end, flagged rows, hits, events and counts belong to
 * the open source; end keeps them (counts merged into the run's) or drops them all, for a
 * source found at its end to repeat an earlier one (release.h: same bytes, or the same rows),
 * so that repeated content is counted once. Without begin, everything is kept as it comes. */
/* cite (copied; NULL: none) names the source: the users of a log with no organization column
 * (a portal's search audit) are compared with the other users of that log only. */
sl_status sl_store_source_begin(sl_store *st, const char *cite);
sl_status sl_store_source_end(sl_store *st, int keep);

/* ---- issue 3 ---- */

/* One event of an event log (not a search), with provenance. Details are stored as a JSON
 * object of the Entity Details lines, plates tokenized. */
sl_status sl_store_event(sl_store *st, const sl_key *k, uint32_t source_id, uint64_t record,
                         uint64_t line, const sl_event *ev);
/* A release-level finding (release.h), seq = its order. */
sl_status sl_store_finding(sl_store *st, uint32_t seq, const sl_finding *f);
/* What the release checks and the scan decided about a source. Strings may be NULL. */
typedef struct {
    uint32_t source_id;
    const char *kind_detail;  /* the map's kind, or the kind name */
    const char *map;          /* the --map that applied */
    const char *producer, *producer_how;
    uint32_t duplicate_of;
    const char *duplicate_how;
    const char *fingerprint;  /* hex of the row fingerprint */
    uint64_t shifted;
    const char *truncation;
} sl_store_check;
sl_status sl_store_source_check(sl_store *st, const sl_store_check *c);

/* Counts the rows kept by sl_store_repeat_row pair by pair and writes plate_repeats,
 * plate_repeat_rows and the run key plate_repeat_rows; k makes the plates' tokens. Call once, after
 * the last source and before sl_store_finish. */
sl_status sl_store_plate_repeats(sl_store *st, const sl_key *k);
/* After it: the rows written to plate_repeats. */
uint64_t sl_store_plate_repeat_findings(const sl_store *st);

/* Links the rows kept by sl_store_link_row into searches and writes search_counts (rows and
 * searches by category, "all" first) and the run keys searches and link_*: how the rows were
 * linked, or why they were not. Call once, after the last source, before sl_store_finish. */
sl_status sl_store_search_links(sl_store *st);
/* After it: the distinct searches (0 when the linking gave up). */
uint64_t sl_store_searches(const sl_store *st);
/* After it: per source id (*n of them), its rows that repeat a search among its own rows;
 * NULL when the rows were not linked. Lives until sl_store_close. */
const uint64_t *sl_store_source_repeats(const sl_store *st, uint32_t *n);

/* Writes the aggregated counts and creates indexes; call once, after the last source. */
sl_status sl_store_finish(sl_store *st);
/* After sl_store_finish: the rows written to operator_findings. */
uint64_t sl_store_operator_findings(const sl_store *st);

/* The underlying handle, for the writers below (read-only use). */
struct sqlite3 *sl_store_db(sl_store *st);

/* Writers that read the finished database and write one output file each, whole: they write
 * path + ".tmp" and rename. Their output depends only on the database contents. */
sl_status sl_write_flagged_csv(struct sqlite3 *db, const sl_key *k, const char *path, char *err, size_t errlen);
sl_status sl_write_summary_json(struct sqlite3 *db, const char *path, char *err, size_t errlen);
sl_status sl_write_report_html(struct sqlite3 *db, const sl_key *k, const char *path, char *err, size_t errlen);

/* flagged.csv written while the scan runs, with the same bytes sl_write_flagged_csv writes
 * from the finished database: rows arrive in reading order (source, record), which is the
 * file's order. Every line cites its source's SHA-256, which is known only when the source
 * ends (the bytes are hashed once, as they are read): lines go straight out with a placeholder
 * in that cell, overwritten in place at the end; a source dropped as a repeat is cut off the
 * end again. Memory stays bounded (4 bytes per line of the open source). Texts arrive
 * redacted for publication (sl_store_written), so the writer needs no key. */
typedef struct sl_flagged_csv sl_flagged_csv;
sl_status sl_flagged_csv_open(sl_flagged_csv **out, const char *path, char *err, size_t errlen);
/* Begins a source. sha256 may be NULL or "" when not known yet (the usual case); when given,
 * lines cite it as is. */
sl_status sl_flagged_csv_source_begin(sl_flagged_csv *f, const char *cite, const char *sha256,
                                      const char *member, const char *sheet);
/* One flagged row of the open source, right after sl_store_row_add stored it (w = what it
 * wrote). */
sl_status sl_flagged_csv_row(sl_flagged_csv *f, const sl_store_row *row, const sl_store_written *w);
/* Ends the open source: keep leaves its lines citing sha256 (a source with none, not read to
 * its end, gets an empty cell), else they are dropped. */
sl_status sl_flagged_csv_source_end(sl_flagged_csv *f, int keep, const char *cite,
                                    const char *sha256, const char *member, const char *sheet);
/* commit: flushes and renames into place (errors into err); else removes what was written.
 * Frees f either way. */
sl_status sl_flagged_csv_close(sl_flagged_csv *f, int commit, char *err, size_t errlen);
/* Whether a header row starts like flagged.csv's: its provenance columns (source ... rules), in
 * order, then at least four more. A flagged.csv copied into a release must not be read as an
 * audit log. */
int sl_flagged_csv_is_header(const sl_slice *cells, size_t n);
/* What went wrong writing it, or "" (valid until close). */
const char *sl_flagged_csv_errmsg(const sl_flagged_csv *f);

#endif
