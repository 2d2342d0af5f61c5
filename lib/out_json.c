/* out_json.c: summary.json, the run in numbers for scripts: version, rule packs, totals with
 * the rows-versus-searches distinction spelled out, rejections, per-source accounting, rows per
 * category, top organizations per category, rows per month, rows by networks searched and what
 * the cells held. Pretty-printed with a fixed key
 * order and integers only, so the same database always gives the same bytes. */
#include "store.h"

#include "out.h"

#include <sqlite3.h>
#include <string.h>

#define TOP_ORGS 10
#define MAX_DEPTH 16

/* A small pretty-printing JSON writer; the first error sticks in rc. */
typedef struct {
    sl_buf *b;
    int depth;
    int first[MAX_DEPTH];
    sl_status rc;
} jw;

static void j_raw(jw *w, const char *z) {
    if (!w->rc) w->rc = sl_buf_puts(w->b, z);
}

static void j_indent(jw *w) {
    for (int i = 0; i < w->depth && !w->rc; i++) w->rc = sl_buf_puts(w->b, "  ");
}

/* Starts a value: comma and new line as needed, then "key": when key is not NULL. */
static void j_begin(jw *w, const char *key) {
    if (w->depth > 0) {
        j_raw(w, w->first[w->depth] ? "\n" : ",\n");
        w->first[w->depth] = 0;
        j_indent(w);
    }
    if (key && !w->rc) {
        w->rc = sl_out_json_str(w->b, key, strlen(key));
        j_raw(w, ": ");
    }
}

static void j_open(jw *w, const char *key, const char *brace) {
    j_begin(w, key);
    j_raw(w, brace);
    if (w->depth + 1 >= MAX_DEPTH) {
        w->rc = SL_EINTERNAL;
        return;
    }
    w->first[++w->depth] = 1;
}

static void j_close(jw *w, const char *brace) {
    int empty = w->first[w->depth];
    w->depth--;
    if (!empty) {
        j_raw(w, "\n");
        j_indent(w);
    }
    j_raw(w, brace);
}

static void j_strn(jw *w, const char *key, const char *p, size_t n) {
    j_begin(w, key);
    if (!w->rc) w->rc = sl_out_json_str(w->b, p, n);
}

static void j_str(jw *w, const char *key, const char *z) {
    if (z) j_strn(w, key, z, strlen(z));
    else {
        j_begin(w, key);
        j_raw(w, "null");
    }
}

static void j_int(jw *w, const char *key, int64_t v) {
    j_begin(w, key);
    if (!w->rc) w->rc = sl_buf_printf(w->b, "%lld", (long long)v);
}

/* Column i of s as a JSON string, or null. */
static void j_col(jw *w, const char *key, sqlite3_stmt *s, int i) {
    if (sqlite3_column_type(s, i) == SQLITE_NULL) {
        j_begin(w, key);
        j_raw(w, "null");
        return;
    }
    size_t n;
    const char *p = sl_out_col(s, i, &n);
    j_strn(w, key, p, n);
}

static void j_col_int(jw *w, const char *key, sqlite3_stmt *s, int i) {
    if (sqlite3_column_type(s, i) == SQLITE_NULL) {
        j_begin(w, key);
        j_raw(w, "null");
    } else {
        j_int(w, key, sqlite3_column_int64(s, i));
    }
}

/* One value that is a number or the text saying why there is none. */
static void j_col_num_or_text(jw *w, const char *name, sqlite3_stmt *s, int i) {
    if (sqlite3_column_type(s, i) == SQLITE_INTEGER) j_col_int(w, name, s, i);
    else j_col(w, name, s, i);
}

/* "3,17,22" -> [3, 17, 22] */
static void j_list(jw *w, const char *key, const char *z) {
    j_begin(w, key);
    j_raw(w, "[");
    int first = 1;
    for (const char *p = z ? z : ""; *p && !w->rc;) {
        const char *e = p;
        while (*e >= '0' && *e <= '9') e++;
        if (e > p) {
            if (!first) j_raw(w, ", ");
            if (!w->rc) w->rc = sl_buf_append(w->b, p, (size_t)(e - p));
            first = 0;
        }
        p = *e ? e + 1 : e;
    }
    j_raw(w, "]");
}

typedef struct {
    sqlite3 *db;
    jw *w;
    char *err;
    size_t errlen;
} ctx;

static sl_status q(ctx *c, const char *sql, sqlite3_stmt **s) { return sl_out_prepare(c->db, sql, s, c->err, c->errlen); }

/* Steps s, turning an error into SL_EDB with a message. Returns 1 on a row. */
static int next(ctx *c, sqlite3_stmt *s) {
    int rc = sqlite3_step(s);
    if (rc == SQLITE_ROW) return 1;
    if (rc != SQLITE_DONE && !c->w->rc) {
        c->w->rc = SL_EDB;
        if (c->err && c->errlen) snprintf(c->err, c->errlen, "reading the database: %s", sqlite3_errmsg(c->db));
    }
    return 0;
}

static void w_run(ctx *c) {
    sqlite3_stmt *s = NULL;
    if ((c->w->rc = q(c, "SELECT key, value FROM run ORDER BY key", &s))) return;
    j_open(c->w, "run", "{");
    while (next(c, s)) {
        char key[128];
        size_t n;
        const char *k = sl_out_col(s, 0, &n);
        snprintf(key, sizeof key, "%.*s", (int)(n < sizeof key ? n : sizeof key - 1), k);
        j_col(c->w, key, s, 1);
    }
    j_close(c->w, "}");
    sqlite3_finalize(s);
}

static void w_packs(ctx *c) {
    sqlite3_stmt *s = NULL;
    if ((c->w->rc = q(c, "SELECT name, version, file, sha256 FROM packs ORDER BY name, file", &s))) return;
    j_open(c->w, "rule_packs", "[");
    while (next(c, s)) {
        j_open(c->w, NULL, "{");
        j_col(c->w, "name", s, 0);
        j_col(c->w, "version", s, 1);
        j_col(c->w, "file", s, 2);
        j_col(c->w, "sha256", s, 3);
        j_close(c->w, "}");
    }
    j_close(c->w, "]");
    sqlite3_finalize(s);
}

static void w_totals(ctx *c, const sl_out_totals *t) {
    jw *w = c->w;
    j_open(w, "totals", "{");
    j_int(w, "files", t->files);
    j_int(w, "sources", t->sources);
    j_int(w, "bytes", t->bytes);
    j_int(w, "records", t->records);
    j_int(w, "searches", t->searches);
    j_int(w, "other_parsed", t->other_parsed);
    j_int(w, "rejected", t->rejected);
    j_int(w, "skipped", t->header_repeats + t->blank + t->set_aside);
    j_int(w, "header_repeats", t->header_repeats);
    j_int(w, "blank", t->blank);
    j_int(w, "set_aside", t->set_aside);
    j_int(w, "unaccounted", t->unaccounted);
    j_int(w, "flagged", t->flagged);
    j_int(w, "invalid_utf8", t->invalid_utf8);
    j_open(w, "diagnostics", "{");
    j_int(w, "info", t->diag[0]);
    j_int(w, "warn", t->diag[1]);
    j_int(w, "error", t->diag[2]);
    j_close(w, "}");
    j_close(w, "}");
    j_open(w, "notes", "{");
    j_str(w, "rows_vs_searches", SL_OUT_ROWS_NOTE);
    j_str(w, "records", "Data records read, header rows excluded: records = searches + rejected + "
                        "header_repeats + blank + set_aside, per source and in total.");
    j_str(w, "searches", "Records parsed into search rows (rows, not distinct searches).");
    j_str(w, "skipped", "Header rows repeated inside the data, blank records, and rows set aside "
                        "(set_aside: workbook sheets that hold no log, documents that came with "
                        "the release such as a README, cover letter or JSON file, and a title or "
                        "note above a log's header): counted, not searches.");
    j_str(w, "flagged", "Search rows with at least one category: leads for a human to read, not verdicts.");
    j_str(w, "plates", "License plates appear only as keyed tokens (pt_...).");
    j_close(w, "}");
}

static void w_rejections(ctx *c) {
    sqlite3_stmt *s = NULL;
    if ((c->w->rc = q(c, "SELECT reason, SUM(count), MIN(help) FROM rejections GROUP BY reason ORDER BY reason", &s)))
        return;
    j_open(c->w, "rejections", "[");
    while (next(c, s)) {
        j_open(c->w, NULL, "{");
        j_col(c->w, "reason", s, 0);
        j_col_int(c->w, "records", s, 1);
        j_col(c->w, "help", s, 2);
        j_close(c->w, "}");
    }
    j_close(c->w, "]");
    sqlite3_finalize(s);
}

static void w_sources(ctx *c) {
    sqlite3_stmt *s = NULL, *r = NULL;
    if ((c->w->rc = q(c,
                      "SELECT id, parent_id, cite, format, encoding, kind, kind_how, size, sha256,"
                      " records, searches, rejected, header_repeats, blank, set_aside,"
                      " records - searches - rejected - header_repeats - blank - set_aside,"
                      " invalid_utf8, flagged, time_min, time_max, orgs_distinct FROM sources"
                      " ORDER BY id",
                      &s)))
        return;
    if ((c->w->rc = q(c, "SELECT reason, count, first_records FROM rejections WHERE source_id = ?1 ORDER BY reason", &r))) {
        sqlite3_finalize(s);
        return;
    }
    jw *w = c->w;
    j_open(w, "sources", "[");
    while (next(c, s)) {
        j_open(w, NULL, "{");
        static const char *const keys[] = {"id", "parent_id", "cite", "format", "encoding", "kind",
                                           "kind_how", "size", "sha256", "records", "searches",
                                           "rejected", "header_repeats", "blank", "set_aside",
                                           "unaccounted",
                                           "invalid_utf8", "flagged", "time_min", "time_max",
                                           "orgs_distinct"};
        static const unsigned char is_int[] = {1, 1, 0, 0, 0, 0, 0, 1, 0, 1, 1,
                                               1, 1, 1, 1, 1, 1, 1, 0, 0, 1};
        for (int i = 0; i < (int)SL_ARRAY_LEN(keys); i++) {
            if (is_int[i]) j_col_int(w, keys[i], s, i);
            else j_col(w, keys[i], s, i);
        }
        sqlite3_bind_int64(r, 1, sqlite3_column_int64(s, 0));
        j_open(w, "rejections", "[");
        while (next(c, r)) {
            j_open(w, NULL, "{");
            j_col(w, "reason", r, 0);
            j_col_int(w, "records", r, 1);
            j_list(w, "first_records", (const char *)sqlite3_column_text(r, 2));
            j_close(w, "}");
        }
        sqlite3_reset(r);
        j_close(w, "]");
        j_close(w, "}");
    }
    j_close(w, "]");
    sqlite3_finalize(s);
    sqlite3_finalize(r);
}


/* Release-level findings (issue 3), in the order the checks made them. */
static void w_release(ctx *c) {
    sqlite3_stmt *s = NULL;
    if ((c->w->rc = q(c, "SELECT code, severity, sources, message FROM release_findings ORDER BY seq", &s)))
        return;
    jw *w = c->w;
    j_open(w, "release_findings", "[");
    while (next(c, s)) {
        j_open(w, NULL, "{");
        j_col(w, "code", s, 0);
        j_col(w, "severity", s, 1);
        j_list(w, "sources", (const char *)sqlite3_column_text(s, 2));
        j_col(w, "message", s, 3);
        j_close(w, "}");
    }
    j_close(w, "]");
    sqlite3_finalize(s);
}

static void w_categories(ctx *c) {
    sqlite3_stmt *s = NULL, *o = NULL;
    if ((c->w->rc = q(c, SL_OUT_CATEGORIES, &s))) return;
    if ((c->w->rc = q(c,
                      "SELECT org, SUM(rows) AS n, SUM(searches) AS s FROM counts WHERE"
                      " category = ?1 GROUP BY org ORDER BY COALESCE(s, n) DESC, n DESC, org"
                      " LIMIT " SL_OUT_STR(TOP_ORGS),
                      &o))) {
        sqlite3_finalize(s);
        return;
    }
    jw *w = c->w;
    j_open(w, "categories", "[");
    while (next(c, s)) {
        j_open(w, NULL, "{");
        j_col(w, "category", s, 0);
        j_col_int(w, "rows", s, 1);
        j_col_int(w, "searches", s, 2);
        j_close(w, "}");
    }
    j_close(w, "]");
    sqlite3_reset(s);
    j_open(w, "top_organizations", "[");
    while (next(c, s)) {
        j_open(w, NULL, "{");
        j_col(w, "category", s, 0);
        j_open(w, "organizations", "[");
        size_t n;
        const char *cat = sl_out_col(s, 0, &n);
        sqlite3_bind_text(o, 1, cat, (int)n, SQLITE_TRANSIENT);
        while (next(c, o)) {
            j_open(w, NULL, "{");
            j_col(w, "org", o, 0);
            j_col_int(w, "rows", o, 1);
            j_col_int(w, "searches", o, 2);
            j_close(w, "}");
        }
        sqlite3_reset(o);
        j_close(w, "]");
        j_close(w, "}");
    }
    j_close(w, "]");
    sqlite3_finalize(s);
    sqlite3_finalize(o);
}

/* One item of a group in w_grouped. */
typedef void (*item_fn)(jw *w, sqlite3_stmt *s);

/* Column 1 as the key of column 2's integer: {"all": 12, ...}. */
static void keyed_int(jw *w, sqlite3_stmt *s) {
    char key[128];
    size_t kn;
    const char *k = sl_out_col(s, 1, &kn);
    snprintf(key, sizeof key, "%.*s", (int)(kn < sizeof key ? kn : sizeof key - 1), k);
    j_col_int(w, key, s, 2);
}

/* A list under list_key of one object per run of equal first columns (sql orders them),
 * {group_key: that value, inner_key: inner} where inner is an object or a list (brace "{" or
 * "[") of one item per row. An empty first column is null when empty_null is set. */
static void w_grouped(ctx *c, const char *sql, const char *list_key, const char *group_key,
                      int empty_null, const char *inner_key, const char *brace, item_fn item) {
    sqlite3_stmt *s = NULL;
    if ((c->w->rc = q(c, sql, &s))) return;
    const char *close = brace[0] == '{' ? "}" : "]";
    jw *w = c->w;
    j_open(w, list_key, "[");
    char cur[128] = "";
    int have = 0;
    while (next(c, s)) {
        size_t n;
        const char *g = sl_out_col(s, 0, &n);
        if (!have || n != strlen(cur) || memcmp(cur, g, n) != 0) {
            if (have) {
                j_close(w, close);
                j_close(w, "}");
            }
            have = 1;
            snprintf(cur, sizeof cur, "%.*s", (int)(n < sizeof cur ? n : sizeof cur - 1), g);
            j_open(w, NULL, "{");
            if (n || !empty_null) j_strn(w, group_key, g, n);
            else j_str(w, group_key, NULL);
            j_open(w, inner_key, brace);
        }
        item(w, s);
    }
    if (have) {
        j_close(w, close);
        j_close(w, "}");
    }
    j_close(w, "]");
    sqlite3_finalize(s);
}

/* Rows per month (null: time unknown) and category. */
static void w_months(ctx *c) {
    w_grouped(c,
              "SELECT month, category, SUM(rows) FROM counts GROUP BY month, category"
              " ORDER BY month = '', month, category <> 'all', category",
              "months", "month", 1, "rows", "{", keyed_int);
}

/* Searches per month and category, when the rows were linked (counts.searches summed over
 * organizations: a search counts once, under each spelling of its organization). */
static void w_months_searches(ctx *c) {
    w_grouped(c,
              "SELECT month, category, SUM(searches) FROM counts WHERE searches IS NOT NULL"
              " GROUP BY month, category ORDER BY month = '', month, category <> 'all', category",
              "searches_by_month", "month", 1, "searches", "{", keyed_int);
}

static void reach_item(jw *w, sqlite3_stmt *s) {
    j_open(w, NULL, "{");
    j_col_int(w, "min", s, 1);
    j_col_int(w, "max", s, 2);
    j_col_int(w, "rows", s, 3);
    j_col_int(w, "searches", s, 4);
    j_close(w, "}");
}

/* Rows and searches by how widely they searched (the reach table): per category, "all" first,
 * each bucket of Total Networks Searched with rows and searches (null when the rows were not
 * linked); min and max null when unknown, max null when open. */
static void w_reach(ctx *c) {
    w_grouped(c,
              "SELECT category, networks_min, networks_max, rows, searches FROM reach ORDER BY"
              " category <> 'all', category, networks_min IS NULL, networks_min",
              "reach", "category", 0, "networks", "[", reach_item);
}

/* What the cells of the search rows held, per field and state, over the sources counted
 * (a repeated source is left out, as in the counts): the report's "What the cells held". */
static void w_cells(ctx *c) {
    w_grouped(c,
              "SELECT field, state, SUM(count) FROM field_states WHERE source_id NOT IN"
              " (SELECT source_id FROM source_checks WHERE duplicate_of IS NOT NULL)"
              " GROUP BY field, state ORDER BY field, state",
              "cells", "field", 0, "states", "{", keyed_int);
}

/* The organizations with the most search rows that give no case number (the report's "By
 * organization" under "What the cells held"). */
static void w_cells_by_org(ctx *c) {
    sqlite3_stmt *s = NULL;
    if ((c->w->rc = q(c, SL_OUT_NO_VALUE_BY_ORG " LIMIT " SL_OUT_STR(TOP_ORGS), &s))) return;
    jw *w = c->w;
    j_open(w, "cells_by_organization", "[");
    while (next(c, s)) {
        j_open(w, NULL, "{");
        j_col(w, "org", s, 0);
        j_col_int(w, "rows", s, 1);
        j_col_int(w, "no_case_number", s, 2);
        j_col_int(w, "no_reason", s, 3);
        j_close(w, "}");
    }
    j_close(w, "]");
    sqlite3_finalize(s);
}

/* The plates named with --plate, by token in the order named (only when some were): rows,
 * rows repeating a search of an earlier source, sources, organizations, first and last
 * search time, rows found by the plate cell, a wildcard pattern, free text. */
static void w_named(ctx *c) {
    sqlite3_stmt *v = NULL, *s = NULL;
    if ((c->w->rc = q(c, "SELECT value FROM run WHERE key = 'named_plates'", &v))) return;
    if (!next(c, v) || (c->w->rc = q(c, SL_OUT_NAMED_SUMMARY, &s))) {
        sqlite3_finalize(v);
        return;
    }
    sqlite3_bind_text(s, 1, (const char *)sqlite3_column_text(v, 0), -1, SQLITE_TRANSIENT);
    jw *w = c->w;
    j_open(w, "named_plates", "[");
    while (next(c, s)) {
        j_open(w, NULL, "{");
        j_col(w, "token", s, 0);
        j_col_int(w, "rows", s, 1);
        j_col_int(w, "rows_repeating_an_earlier_source", s, 2);
        j_col_int(w, "sources", s, 3);
        j_col_int(w, "organizations", s, 4);
        j_col(w, "first", s, 5);
        j_col(w, "last", s, 6);
        j_open(w, "found_by", "{");
        j_col_int(w, "plate", s, 7);
        j_col_int(w, "pattern", s, 8);
        j_col_int(w, "text", s, 9);
        j_close(w, "}");
        j_col_int(w, "events", s, 10);
        j_close(w, "}");
    }
    j_close(w, "]");
    sqlite3_finalize(s);
    sqlite3_finalize(v);
}

/* Users compared with their colleagues (the report's "Users unlike their colleagues"): how many
 * were named, in how many rows, how many (user, category) pairs were tested (or why none
 * was), and every finding in rank order. */
static void w_operators(ctx *c) {
    sqlite3_stmt *s = NULL;
    jw *w = c->w;
    if ((w->rc = q(c, SL_OUT_OPERATORS_SUMMARY, &s))) return;
    j_open(w, "operators", "{");
    if (next(c, s)) {
        j_col_int(w, "users", s, 0);
        j_col_int(w, "rows_naming_a_user", s, 1);
        j_col_num_or_text(w, "pairs_tested", s, 2); /* or why none was */
    }
    sqlite3_finalize(s);
    s = NULL;
    if (!w->rc && !(w->rc = q(c, SL_OUT_OPERATOR_FINDINGS, &s))) {
        j_open(w, "findings", "[");
        while (next(c, s)) {
            j_open(w, NULL, "{");
            j_col(w, "org", s, 0);
            j_col(w, "source", s, 10);
            j_col(w, "user_field", s, 1);
            j_col(w, "user", s, 2);
            j_col(w, "category", s, 3);
            j_col_int(w, "rows", s, 4);
            j_col_int(w, "hits", s, 5);
            j_col_int(w, "peers", s, 6);
            j_col_int(w, "peer_rows", s, 7);
            j_col_int(w, "peer_hits", s, 8);
            char v[32];
            snprintf(v, sizeof v, "%.3g", sqlite3_column_double(s, 9));
            j_begin(w, "p_value");
            j_raw(w, v);
            j_close(w, "}");
        }
        j_close(w, "]");
    }
    sqlite3_finalize(s);
    j_close(w, "}");
}

/* Rows linked into searches (lib/links.h): the distinct searches, or why the rows were not
 * linked, and how each row was linked. */
static void w_links(ctx *c) {
    sqlite3_stmt *s = NULL;
    jw *w = c->w;
    if ((w->rc = q(c, SL_OUT_LINKS_SUMMARY, &s))) return;
    static const char *const keys[] = {"distinct",
                                       "rows",
                                       "rows_linked_by_id",
                                       "rows_linked_by_key",
                                       "rows_without_key",
                                       "rows_refused",
                                       "keys_refused",
                                       "searches_in_several_sources",
                                       "rows_in_several_sources",
                                       "rows_repeating_in_their_source"};
    j_open(w, "searches", "{");
    if (next(c, s))
        for (int i = 0; i < (int)(sizeof keys / sizeof *keys); i++)
            j_col_num_or_text(w, keys[i], s, i);
    j_str(w, "how", SL_OUT_LINKS_NOTE);
    j_close(w, "}");
    sqlite3_finalize(s);
}

/* One user, one plate, many searches (the report's "One plate, searched again and again"):
 * rows counted (or why none was), and every finding in rank order,
 * its first cited rows included. */
static void w_repeats(ctx *c) {
    sqlite3_stmt *s = NULL, *r = NULL;
    jw *w = c->w;
    if ((w->rc = q(c, SL_OUT_REPEATS_SUMMARY, &s))) return;
    j_open(w, "plate_repeats", "{");
    if (next(c, s)) {
        j_col_num_or_text(w, "rows_counted", s, 0);
    }
    sqlite3_finalize(s);
    s = NULL;
    if (!w->rc) w->rc = q(c, "SELECT s.cite, r.record, r.line, r.search_time FROM plate_repeat_rows"
                             " r JOIN sources s ON s.id = r.source_id WHERE r.rank = ?1 ORDER BY"
                             " r.rowid LIMIT 3", &r);
    if (!w->rc && !(w->rc = q(c, SL_OUT_REPEAT_FINDINGS, &s))) {
        j_open(w, "findings", "[");
        while (next(c, s)) {
            j_open(w, NULL, "{");
            j_col(w, "org", s, 1);
            j_col(w, "source", s, 12);
            j_col(w, "user_field", s, 2);
            j_col(w, "user", s, 3);
            j_col(w, "plate_token", s, 4);
            j_col_int(w, "searches", s, 5);
            j_col_int(w, "rows", s, 6);
            j_col_int(w, "days", s, 7);
            j_col(w, "first_time", s, 8);
            j_col(w, "last_time", s, 9);
            j_col_int(w, "searches_with_case", s, 10);
            j_col_int(w, "case_numbers", s, 11);
            j_col_int(w, "reasons", s, 13);
            j_col_int(w, "searches_no_reason", s, 14);
            j_col_int(w, "searches_flagged", s, 15);
            j_open(w, "first_rows", "[");
            sqlite3_bind_int64(r, 1, sqlite3_column_int64(s, 0));
            while (next(c, r)) {
                j_open(w, NULL, "{");
                j_col(w, "source", r, 0);
                j_col_int(w, "record", r, 1);
                j_col_int(w, "line", r, 2);
                j_col(w, "search_time", r, 3);
                j_close(w, "}");
            }
            sqlite3_reset(r);
            j_close(w, "]");
            j_close(w, "}");
        }
        j_close(w, "]");
    }
    sqlite3_finalize(s);
    sqlite3_finalize(r);
    j_close(w, "}");
}

sl_status sl_write_summary_json(struct sqlite3 *db, const char *path, char *err, size_t errlen) {
    sl_out_totals t;
    sl_status rc = sl_out_totals_get(db, &t, err, errlen);
    if (rc) return rc;
    sl_out o;
    rc = sl_out_open(&o, path);
    jw w = {.b = &o.b, .rc = rc};
    ctx c = {db, &w, o.msg, sizeof o.msg};
    j_open(&w, NULL, "{");
    j_str(&w, "sunlight_version", SL_VERSION);
    if (!w.rc) w_run(&c);
    if (!w.rc) w_packs(&c);
    if (!w.rc) w_totals(&c, &t);
    if (!w.rc) w_links(&c);
    if (!w.rc) w_named(&c);
    if (!w.rc) w_rejections(&c);
    if (!w.rc) w_sources(&c);
    if (!w.rc) w_release(&c);
    if (!w.rc) w_categories(&c);
    if (!w.rc) w_months(&c);
    if (!w.rc) w_months_searches(&c);
    if (!w.rc) w_reach(&c);
    if (!w.rc) w_cells(&c);
    if (!w.rc) w_cells_by_org(&c);
    if (!w.rc) w_operators(&c);
    if (!w.rc) w_repeats(&c);
    j_close(&w, "}");
    j_raw(&w, "\n");
    if (w.rc && !o.rc) {
        o.rc = w.rc;
        if (!o.msg[0]) snprintf(o.msg, sizeof o.msg, "%s: %s", path, sl_status_str(w.rc));
    }
    return sl_out_close(&o, err, errlen);
}
