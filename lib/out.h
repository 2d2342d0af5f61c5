/* out.h: what the three output writers (out_csv.c, out_json.c, out_html.c) share: an output
 * file written whole (to path.tmp, renamed on success), UTF-8 cleaning (invalid bytes become
 * U+FFFD) and escaping for CSV, JSON and HTML. Internal to the writers. */
#ifndef SL_OUT_H
#define SL_OUT_H

#include "core.h"

#include <stdio.h>
#include <string.h>

struct sqlite3;
struct sqlite3_stmt;

typedef struct {
    FILE *f;
    char *path, *tmp;
    sl_buf b;          /* pending bytes; flushed by sl_out_flush when large */
    sl_status rc;      /* first error */
    char msg[256];
} sl_out;

/* Opens path + ".tmp" for writing. */
sl_status sl_out_open(sl_out *o, const char *path);
/* Writes the buffer out once it holds more than 64 KiB (all of it when force). */
sl_status sl_out_flush(sl_out *o, int force);
/* Flushes, closes and renames into place; on any earlier error removes the temporary. Frees o's
 * resources either way. Copies a message into err on failure. */
sl_status sl_out_close(sl_out *o, char *err, size_t errlen);

/* Length of the valid UTF-8 sequence at p (1-4), or 0 when p[0] starts no valid sequence. */
size_t sl_utf8_len(const unsigned char *p, size_t n);

/* Length of the leading run of ASCII bytes other than NUL in p (n when p is all such bytes);
 * *quote is set to 1 when that run holds a byte that makes a CSV cell need quotes (comma,
 * double quote, CR, LF), else left. 16 bytes at a time where SSE2 is there. */
size_t sl_out_csv_ascii(const char *p, size_t n, int *quote);

/* Appends one flagged.csv cell of clean UTF-8 text (a comma before it unless first): a
 * formula lead (= + - @ tab CR NUL) neutralised with a leading ', quoted when it holds a comma,
 * double quote or line break. */
sl_status sl_out_csv_cell(sl_buf *b, const char *p, size_t n, int first);

/* Length of the longest valid UTF-8 prefix of p (n when all of it is valid). */
size_t sl_out_utf8_valid(const char *p, size_t n);
/* Appends text with invalid UTF-8 bytes replaced by U+FFFD. */
sl_status sl_out_utf8(sl_buf *b, const char *p, size_t n);
/* Appends a quoted JSON string: escapes, control characters as \u00XX, U+FFFD for bad bytes. */
sl_status sl_out_json_str(sl_buf *b, const char *p, size_t n);
/* Appends HTML-escaped text (& < > " '), U+FFFD for bad bytes, control characters as spaces
 * (new lines kept). */
sl_status sl_out_html(sl_buf *b, const char *p, size_t n);
static inline sl_status sl_out_html_z(sl_buf *b, const char *z) { return sl_out_html(b, z ? z : "", z ? strlen(z) : 0); }

/* Column text of a row (never NULL; "" for NULL) and its length. */
const char *sl_out_col(struct sqlite3_stmt *s, int i, size_t *len);

/* Prepares a statement; on failure fills err with the SQLite message and returns SL_EDB. */
sl_status sl_out_prepare(struct sqlite3 *db, const char *sql, struct sqlite3_stmt **s, char *err,
                         size_t errlen);

/* Kinds whose parsed rows are not searches (sources.kind), as an SQL list: event logs and the
 * reference lists of sl_kind_is_reference (lib/schema.h). */
#define SL_OUT_NON_SEARCH_KINDS "('event_log', 'agency_list', 'roster', 'shared_networks')"

/* Run totals, from the database alone. files = top-level inputs; sources = readable streams
 * (sources with no member inside them); records and the accounting columns summed over sources;
 * unaccounted = records - searches - rejected - header_repeats - blank - set_aside (0 when all
 * is well). */
typedef struct {
    int64_t files, sources, bytes, records, searches, rejected, header_repeats, blank, set_aside;
    int64_t other_parsed;     /* event-log events and reference-list rows: parsed, not searches */
    int64_t unaccounted;
    int64_t flagged;          /* rows in flagged_rows */
    int64_t invalid_utf8;
    int64_t diag[3];          /* diagnostics kept, by severity info/warn/error */
    int64_t rejected_by[8];   /* by sl_reject */
} sl_out_totals;
sl_status sl_out_totals_get(struct sqlite3 *db, sl_out_totals *t, char *err, size_t errlen);

/* Organizations by their search rows that give no case number, then no reason (an empty
 * cell, a placeholder, or a log without the column: cell_counts), with their rows (counts'
 * "all"); columns org, rows, no case number, no reason. Append a LIMIT. */
#define SL_OUT_NO_VALUE_BY_ORG                                                                \
    "WITH a AS (SELECT org, SUM(rows) AS n FROM counts WHERE category = 'all' GROUP BY org),"   \
    " k AS (SELECT org, SUM(rows) AS n FROM cell_counts WHERE field = 'case_number' AND"       \
    " state IN ('empty', 'placeholder', 'not_exported') GROUP BY org),"                        \
    " r AS (SELECT org, SUM(rows) AS n FROM cell_counts WHERE field = 'reason' AND"            \
    " state IN ('empty', 'placeholder', 'not_exported') GROUP BY org)"                         \
    " SELECT a.org, a.n, COALESCE(k.n, 0) AS nk, COALESCE(r.n, 0) AS nr FROM a"               \
    " LEFT JOIN k ON k.org = a.org LEFT JOIN r ON r.org = a.org WHERE nk + nr > 0"            \
    " ORDER BY nk DESC, nr DESC, a.org"

/* Each plate named with --plate (run.named_plates holds their tokens, in the order named; a
 * token with no row still has a line): token, rows, rows that repeat a search of an earlier
 * source (the same search ID, or, without one, the same organization, second and networks
 * searched; rows of one source are never one search, nor is a row with no time), sources,
 * organizations, first and last search time, rows found by the plate cell, a wildcard
 * pattern, free text, and event-log entries naming it (named_events). Bind ?1 to
 * run.named_plates' value. */
#define SL_OUT_NAMED_SUMMARY                                                                    \
    "WITH RECURSIVE t(tok, rest, i) AS (SELECT '', ?1 || ',', 0 UNION ALL"                        \
    " SELECT substr(rest, 1, instr(rest, ',') - 1), substr(rest, instr(rest, ',') + 1), i + 1"    \
    " FROM t WHERE rest <> ''),"                                                                  \
    " m AS (SELECT n.plate_token AS tok, r.row_id, r.source_id, r.org, r.search_time, n.how,"     \
    " CASE WHEN r.search_id IS NOT NULL THEN 'i' || r.search_id WHEN r.search_time IS NULL"       \
    " THEN NULL ELSE 'k' || COALESCE(r.org, '') || '|' || r.search_time || '|'"                   \
    " || COALESCE(r.networks, '') END AS k"                                                       \
    " FROM named_plates n JOIN flagged_rows r ON r.row_id = n.row_id)"                            \
    " SELECT t.tok, COUNT(m.row_id), COALESCE(SUM(m.k IS NOT NULL AND EXISTS(SELECT 1 FROM m m2"  \
    " WHERE m2.tok = m.tok AND m2.k = m.k AND m2.source_id < m.source_id)), 0),"                  \
    " COUNT(DISTINCT m.source_id), COUNT(DISTINCT m.org), MIN(m.search_time),"                    \
    " MAX(m.search_time), COALESCE(SUM(instr(m.how, 'plate') > 0), 0),"                           \
    " COALESCE(SUM(instr(m.how, 'pattern') > 0), 0), COALESCE(SUM(instr(m.how, 'text') > 0), 0),"  \
    " (SELECT COUNT(*) FROM named_events e WHERE e.plate_token = t.tok)"                          \
    " FROM t LEFT JOIN m ON m.tok = t.tok WHERE t.i > 0 GROUP BY t.i ORDER BY t.i"

/* A run key's value: an integer when it is a number, else the text (why nothing was counted). */
#define SL_OUT_RUN_NUMBER(key)                                                                  \
    "(SELECT CASE WHEN value GLOB '[0-9]*' THEN CAST(value AS INTEGER) ELSE value END"          \
    " FROM run WHERE key = '" key "')"

/* Users compared with their colleagues: users named, rows naming a user, and the (user,
 * category) pairs tested: an integer, or the text saying why none was. */
#define SL_OUT_OPERATORS_SUMMARY                                                                \
    "SELECT (SELECT COUNT(*) FROM operator_counts WHERE category = 'all'),"                       \
    " (SELECT COALESCE(SUM(rows), 0) FROM operator_counts WHERE category = 'all'),"               \
    " " SL_OUT_RUN_NUMBER("operator_tests")

/* The findings in rank order: org, user_field, user, category, rows, hits, peers, peer_rows,
 * peer_hits, p_value, source, and for a log with no organization column its sources.id. */
#define SL_OUT_OPERATOR_FINDINGS                                                                \
    "SELECT f.org, f.user_field, f.user, f.category, f.rows, f.hits, f.peers, f.peer_rows,"      \
    " f.peer_hits, f.p_value, f.source, (SELECT MIN(id) FROM sources WHERE cite = f.source)"     \
    " FROM operator_findings f ORDER BY f.rank"

/* The plate repeats' counting (lib/repeats.h): rows counted, a number, or the text saying why
 * nothing was counted. */
#define SL_OUT_REPEATS_SUMMARY                                                                  \
    "SELECT " SL_OUT_RUN_NUMBER("plate_repeat_rows")

/* The findings in rank order: rank, org, user_field, user, plate_token, searches, rows, days,
 * first_time, last_time, searches_with_case, case_numbers, source, reasons,
 * searches_no_reason, searches_flagged. */
#define SL_OUT_REPEAT_FINDINGS                                                                  \
    "SELECT rank, org, user_field, user, plate_token, searches, rows, days, first_time,"        \
    " last_time, searches_with_case, case_numbers, source, reasons, searches_no_reason,"        \
    " searches_flagged FROM plate_repeats ORDER BY rank"

/* Categories in report order ("all" first, then by rows, most first, then by name): category,
 * rows, and the distinct searches that carry it (NULL when the rows were not linked). */
#define SL_OUT_CATEGORIES                                                                       \
    "SELECT c.category, SUM(c.rows) AS n, (SELECT k.searches FROM search_counts k"               \
    " WHERE k.category = c.category) FROM counts c GROUP BY c.category"                           \
    " ORDER BY c.category <> 'all', n DESC, c.category"

/* How the rows were linked into searches (lib/links.h): searches (a number, or the text
 * saying why the rows were not linked), rows, rows linked by ID, by key, rows with no key,
 * rows refused, keys refused, searches in several sources, their rows, rows that repeat a
 * search already in their own source. */
#define SL_OUT_LINKS_SUMMARY                                                                    \
    "SELECT " SL_OUT_RUN_NUMBER("searches") ", " SL_OUT_RUN_NUMBER("link_rows") ", "             \
    SL_OUT_RUN_NUMBER("link_rows_by_id") ", " SL_OUT_RUN_NUMBER("link_rows_by_key") ", "         \
    SL_OUT_RUN_NUMBER("link_rows_no_key") ", " SL_OUT_RUN_NUMBER("link_rows_refused") ", "       \
    SL_OUT_RUN_NUMBER("link_keys_refused") ", "                                                  \
    SL_OUT_RUN_NUMBER("link_searches_in_several_sources") ", "                                   \
    SL_OUT_RUN_NUMBER("link_rows_in_several_sources") ", "                                       \
    SL_OUT_RUN_NUMBER("link_rows_repeating_in_source")

/* How rows were linked into searches, for the report and summary.json. */
#define SL_OUT_LINKS_NOTE                                                                       \
    "Rows holding the same search ID are one search. Rows without an ID are one search when "   \
    "they share the organization, the search time to the second, the networks searched and "    \
    "the time frame, and take the ID that key was seen with; a key that fits two searches (two " \
    "different rows of one source, or two IDs) is refused, not guessed. A row that cannot be "   \
    "linked (no ID, and no organization or search time; or a refused key) counts as a search "  \
    "of its own, so searches can be over-counted; they are under-counted only where two "       \
    "searches of one organization share the second, the networks and the time frame and no "     \
    "log tells them apart. A search carries the "                                               \
    "categories of all its rows: one copy's reason can be redacted where another's is not."

#define SL_OUT_STR_(x) #x
#define SL_OUT_STR(x) SL_OUT_STR_(x)

/* Explanations shared by the summary and the report. */
#define SL_OUT_ROWS_NOTE                                                                        \
    "Rows are records of sources. The same search may appear as rows in several sources (the "  \
    "searcher's organization audit, every network audit it touched, re-releases), so rows are " \
    "not distinct searches."

#endif
