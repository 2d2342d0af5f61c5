/* out_html.c: report.html, one self-contained page for a reporter (inline CSS, no scripts, no
 * external links): totals and warnings first, then rows by category and month, top
 * organizations, examples with the matched words highlighted and cited, the per-source
 * accounting, the rule packs, and how to read it all. Text is HTML-escaped; free text has plates
 * and personal data redacted; the page depends only on the database, byte for byte. */
#include "store.h"

#include "out.h"
#include "redact.h"
#include "repeats.h"

#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>

#define TOP_ORGS 10
#define EXAMPLES 5
#define MAX_MARKS 32

static const char CSS[] =
    "body{font:15px/1.45 -apple-system,'Segoe UI',Roboto,Helvetica,Arial,sans-serif;color:#1d1d1f;"
    "max-width:1100px;margin:0 auto;padding:1.5em;background:#fff}"
    "h1{font-size:1.8em;margin:.2em 0}h2{margin-top:2em;border-bottom:2px solid #e3e3e8;padding-bottom:.2em}"
    "h3{margin-top:1.4em}.sub{color:#555}.toc{font-size:.9em}"
    ".cards{display:flex;flex-wrap:wrap;gap:.8em;margin:1em 0}"
    ".card{border:1px solid #d8d8de;border-radius:8px;padding:.6em 1em;min-width:9em}"
    ".card b{display:block;font-size:1.6em}.card span{color:#555;font-size:.9em}"
    ".warn{background:#fff6e0;border:1px solid #f0c36d;border-radius:8px;padding:.6em 1em}"
    ".ok{background:#eef8ee;border:1px solid #9ccf9c;border-radius:8px;padding:.6em 1em}"
    ".note{background:#f3f5fb;border-left:4px solid #6b7bb8;padding:.5em 1em}"
    "table{border-collapse:collapse;margin:.6em 0;font-size:.92em}"
    "th,td{border-bottom:1px solid #e6e6ea;padding:.3em .6em;text-align:left;vertical-align:top}"
    "th{background:#f6f6f8}td.n,th.n{text-align:right;font-variant-numeric:tabular-nums}"
    ".bar{display:inline-block;height:.8em;background:#6b7bb8;border-radius:2px;vertical-align:middle}"
    ".ex{border:1px solid #e0e0e6;border-radius:8px;padding:.6em 1em;margin:.6em 0}"
    ".ex .meta{color:#555;font-size:.9em}.ex .cite{color:#555;font-size:.85em;font-family:monospace}"
    "mark{background:#ffe27a;padding:0 .1em}code{font-size:.9em}"
    ".mono{font-family:monospace;font-size:.9em}"
    ".scroll{overflow-x:auto;max-width:100%}td.m{white-space:nowrap}";

typedef struct {
    sqlite3 *db;
    const sl_key *k;
    sl_buf *b;
    sl_status rc;
    char *msg;
    size_t msglen;
    sl_buf t1, t2, t3; /* redaction scratch */
} html;

static void raw(html *h, const char *z) {
    if (!h->rc) h->rc = sl_buf_puts(h->b, z);
}

static void esc(html *h, const char *p, size_t n) {
    if (!h->rc) h->rc = sl_out_html(h->b, p, n);
}

static void escz(html *h, const char *z) { esc(h, z ? z : "", z ? strlen(z) : 0); }

/* A column heading made of identifiers ("sensitive_data_in_reason", "federal.hsi_criminal"):
 * escaped, with a line-break opportunity after each '_' and '.', so wide tables stay narrow. */
static void esc_heading(html *h, const char *z) {
    const char *p = z ? z : "";
    while (*p) {
        size_t n = strcspn(p, "_.");
        if (p[n]) n++;
        esc(h, p, n);
        if (p[n - 1] == '_' || p[n - 1] == '.') raw(h, "<wbr>");
        p += n;
    }
}

static void col(html *h, sqlite3_stmt *s, int i) {
    size_t n;
    const char *p = sl_out_col(s, i, &n);
    esc(h, p, n);
}

/* 1234567 -> "1,234,567" */
static void num(html *h, int64_t v) {
    char o[32];
    raw(h, sl_fmt_count(v, o));
}

static void printf_h(html *h, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void printf_h(html *h, const char *fmt, ...) {
    if (h->rc) return;
    va_list ap;
    va_start(ap, fmt);
    h->rc = sl_buf_vprintf(h->b, fmt, ap);
    va_end(ap);
}

/* Share as a percentage with one decimal, from integers only. */
static void pct(html *h, int64_t part, int64_t whole) {
    if (whole <= 0) {
        raw(h, "&ndash;");
        return;
    }
    int64_t t = (part * 1000 + whole / 2) / whole;
    printf_h(h, "%lld.%lld%%", (long long)(t / 10), (long long)(t % 10));
}

static void bar(html *h, int64_t v, int64_t max) {
    int64_t t = max > 0 ? (v * 1000) / max : 0;
    printf_h(h, "<span class=\"bar\" style=\"width:%lld.%lldpx\"></span>", (long long)(t * 16 / 100),
             (long long)((t * 16 / 10) % 10));
}

static int prep(html *h, const char *sql, sqlite3_stmt **s) {
    if (h->rc) return 0;
    h->rc = sl_out_prepare(h->db, sql, s, h->msg, h->msglen);
    return h->rc == SL_OK;
}

static int next(html *h, sqlite3_stmt *s) {
    if (h->rc) return 0;
    int rc = sqlite3_step(s);
    if (rc == SQLITE_ROW) return 1;
    if (rc != SQLITE_DONE) {
        h->rc = SL_EDB;
        snprintf(h->msg, h->msglen, "reading the database: %s", sqlite3_errmsg(h->db));
    }
    return 0;
}

/* Redacted copy of text into buf (NUL-terminated). */
static const char *redact(html *h, sl_buf *buf, const char *p, size_t n) {
    sl_buf_reset(buf);
    if (!h->rc) h->rc = sl_redact(h->k, p, n, NULL, 0, SL_REDACT_PERSONAL | SL_REDACT_PLATES, buf);
    if (!h->rc) h->rc = sl_buf_nul(buf);
    return h->rc ? "" : buf->p;
}

static void one_int(html *h, const char *sql, int64_t *v) {
    sqlite3_stmt *s = NULL;
    *v = 0;
    if (!prep(h, sql, &s)) return;
    if (next(h, s)) *v = sqlite3_column_int64(s, 0);
    sqlite3_finalize(s);
}

/* The number the run table holds under key, or none when it holds none or text (a "not
 * linked: ..." reason). */
static int64_t run_int(html *h, const char *key, int64_t none) {
    sqlite3_stmt *s = NULL;
    int64_t v = none;
    if (!prep(h, "SELECT CAST(value AS INTEGER) FROM run WHERE key = ?1 AND value GLOB '[0-9]*'",
              &s))
        return none;
    sqlite3_bind_text(s, 1, key, -1, SQLITE_STATIC);
    if (next(h, s)) v = sqlite3_column_int64(s, 0);
    sqlite3_finalize(s);
    return v;
}

/* ---- sections ----------------------------------------------------------------------------- */

static void head(html *h) {
    raw(h, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
           "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
           "<title>sunlight report</title>\n<style>");
    raw(h, CSS);
    raw(h, "</style>\n</head>\n<body>\n");
    sqlite3_stmt *s = NULL;
    raw(h, "<h1>Who searched, and why: sunlight report</h1>\n<p class=\"sub\">");
    if (prep(h, "SELECT value FROM run WHERE key = 'producer'", &s)) {
        if (next(h, s) && sqlite3_column_type(s, 0) != SQLITE_NULL) {
            raw(h, "Records released by ");
            col(h, s, 0);
            raw(h, ". ");
        }
        sqlite3_finalize(s);
    }
    raw(h, "Made by sunlight " SL_VERSION " from the audit logs listed under "
           "<a href=\"#accounting\">Accounting</a>, with the rule packs listed under "
           "<a href=\"#packs\">Rule packs</a>.</p>\n");
}

/* A line of links to the sections, those that will be shown (release checks, reach and cells
 * are left out when they have nothing to show). */
static void contents(html *h) {
    int64_t findings = 0, reach_rows = 0, rows = 0, named = 0;
    one_int(h, "SELECT COUNT(*) FROM release_findings", &findings);
    one_int(h, "SELECT COUNT(*) FROM run WHERE key = 'named_plates'", &named);
    one_int(h, "SELECT COALESCE(SUM(rows), 0) FROM reach", &reach_rows);
    one_int(h, "SELECT COALESCE(SUM(count), 0) FROM field_states WHERE field = 'reason'", &rows);
    static const struct {
        const char *id, *title;
    } S[] = {{"totals", "In short"},
             {"named", "Plates you named"},
             {"release", "Release checks"},
             {"categories", "Rows by category"},
             {"months", "Rows by month"},
             {"reach", "How widely"},
             {"cells", "What the cells held"},
             {"orgs", "Top organizations"},
             {"operators", "Users unlike their colleagues"},
             {"repeats", "One plate, searched again and again"},
             {"examples", "Examples"},
             {"accounting", "Accounting"},
             {"packs", "Rule packs"},
             {"how", "How to read this"}};
    raw(h, "<p class=\"toc\">");
    int first = 1;
    for (size_t i = 0; i < sizeof S / sizeof S[0]; i++) {
        const char *id = S[i].id;
        if ((!strcmp(id, "release") && !findings) || (!strcmp(id, "named") && !named) ||
            (!strcmp(id, "reach") && !reach_rows) ||
            (!strcmp(id, "cells") && !rows))
            continue;
        printf_h(h, "%s<a href=\"#%s\">%s</a>", first ? "" : " &middot; ", S[i].id, S[i].title);
        first = 0;
    }
    raw(h, "</p>\n");
}

static void card(html *h, int64_t v, const char *label) {
    raw(h, "<div class=\"card\"><b>");
    num(h, v);
    raw(h, "</b><span>");
    escz(h, label);
    raw(h, "</span></div>\n");
}

static void first_screen(html *h, const sl_out_totals *t) {
    raw(h, "<h2 id=\"totals\">In short</h2>\n<div class=\"cards\">\n");
    card(h, t->files, "files read");
    card(h, t->records, "rows read");
    card(h, t->searches, "searches parsed (rows)");
    const int64_t linked = run_int(h, "searches", -1); /* -1: the rows were not linked */
    if (linked >= 0) card(h, linked, "distinct searches (rows linked across logs)");
    if (t->other_parsed) card(h, t->other_parsed, "other rows parsed (event logs, reference lists)");
    card(h, t->rejected, "rows rejected");
    card(h, t->header_repeats + t->blank + t->set_aside,
         "rows skipped (headers, blank, non-log sheets, documents)");
    card(h, t->flagged, "rows flagged");
    raw(h, "</div>\n<p class=\"note\">");
    escz(h, SL_OUT_ROWS_NOTE);
    raw(h, " Every row read is counted: rows read = searches parsed + rejected + skipped.</p>\n");
    /* the leads about single users, which no category count shows */
    int64_t ops = 0, reps = 0;
    one_int(h, "SELECT COUNT(*) FROM operator_findings", &ops);
    one_int(h, "SELECT COUNT(*) FROM plate_repeats", &reps);
    if (ops || reps) {
        raw(h, "<p>Leads about single users: ");
        if (ops) {
            num(h, ops);
            raw(h, ops == 1 ? " user far above their colleagues in a category" :
                              " users far above their colleagues in a category");
            raw(h, " (<a href=\"#operators\">Users unlike their colleagues</a>)");
        }
        if (ops && reps) raw(h, "; ");
        if (reps) {
            num(h, reps);
            raw(h, reps == 1 ? " user and plate searched again and again" :
                               " users and plates searched again and again");
            raw(h, " (<a href=\"#repeats\">One plate, searched again and again</a>)");
        }
        raw(h, ".</p>\n");
    }

    /* warnings */
    int64_t with_rej = 0, diag_we = t->diag[1] + t->diag[2];
    one_int(h, "SELECT COUNT(*) FROM sources WHERE rejected > 0", &with_rej);
    if (!with_rej && !diag_we && !t->unaccounted && !t->invalid_utf8) {
        raw(h, "<p class=\"ok\">Every row of every file was read; none was rejected and there were no warnings.</p>\n");
        return;
    }
    raw(h, "<div class=\"warn\"><b>Check before relying on these numbers</b>\n<ul>\n");
    if (t->unaccounted) {
        raw(h, "<li>The accounting does not balance: ");
        num(h, t->unaccounted);
        raw(h, " rows are neither parsed, rejected nor skipped. This is a bug in sunlight; please report it.</li>\n");
    }
    sqlite3_stmt *s = NULL;
    if (with_rej && prep(h, "SELECT cite, rejected, records FROM sources WHERE rejected > 0 ORDER BY id", &s)) {
        while (next(h, s)) {
            raw(h, "<li><span class=\"mono\">");
            col(h, s, 0);
            raw(h, "</span>: ");
            num(h, sqlite3_column_int64(s, 1));
            raw(h, " of ");
            num(h, sqlite3_column_int64(s, 2));
            raw(h, " rows rejected (see <a href=\"#accounting\">Accounting</a>).</li>\n");
        }
        sqlite3_finalize(s);
    }
    if (t->invalid_utf8) {
        raw(h, "<li>");
        num(h, t->invalid_utf8);
        raw(h, " invalid UTF-8 sequences were found in the text; they were kept as bytes and show as &#xFFFD; here.</li>\n");
    }
    if (diag_we && prep(h,
                        "SELECT severity, code, COUNT(*), MIN(message) FROM diagnostics"
                        " WHERE severity <> 'info' GROUP BY severity, code"
                        " ORDER BY severity = 'warn', code",
                        &s)) {
        while (next(h, s)) {
            raw(h, "<li>");
            col(h, s, 0);
            raw(h, " <code>");
            col(h, s, 1);
            raw(h, "</code> &times; ");
            num(h, sqlite3_column_int64(s, 2));
            raw(h, ", e.g. &ldquo;");
            size_t n;
            const char *m = sl_out_col(s, 3, &n);
            escz(h, redact(h, &h->t1, m, n));
            raw(h, "&rdquo;</li>\n");
        }
        sqlite3_finalize(s);
    }
    raw(h, "</ul></div>\n");
}

/* Release-level checks (issue 3): truncation, overlaps, file-name dates, duplicates and
 * re-releases, producers; warnings first. Nothing is shown when there are none. */
static void release_checks(html *h) {
    int64_t n = 0;
    one_int(h, "SELECT COUNT(*) FROM release_findings", &n);
    if (!n) return;
    raw(h, "<h2 id=\"release\">Release checks</h2>\n<p>What the files say about each other: "
           "exports cut off at a limit, periods that overlap, file names whose dates disagree "
           "with the rows, the same rows released twice, and whose log each file is.</p>\n<ul>\n");
    sqlite3_stmt *s = NULL;
    if (prep(h, "SELECT severity, code, message FROM release_findings"
                " ORDER BY severity = 'info', seq", &s)) {
        while (next(h, s)) {
            const char *sev = (const char *)sqlite3_column_text(s, 0);
            raw(h, sev && strcmp(sev, "info") ? "<li><b>warning</b>: " : "<li>");
            col(h, s, 2);
            raw(h, " <span class=\"mono\">");
            col(h, s, 1);
            raw(h, "</span></li>\n");
        }
    }
    sqlite3_finalize(s);
    raw(h, "</ul>\n");
}


/* How the rows were linked into searches, under Rows by category. */
static void links(html *h) {
    sqlite3_stmt *s = NULL;
    if (!prep(h, SL_OUT_LINKS_SUMMARY, &s)) return;
    if (!next(h, s)) {
        sqlite3_finalize(s);
        return;
    }
    raw(h, "<h3 id=\"searches\">Rows and searches</h3>\n<p>");
    if (sqlite3_column_type(s, 0) != SQLITE_INTEGER) {
        raw(h, "Searches: ");
        col(h, s, 0);
        raw(h, ". The counts above are rows.</p>\n");
        sqlite3_finalize(s);
        return;
    }
    int64_t v[10];
    for (int i = 0; i < 10; i++) v[i] = sqlite3_column_int64(s, i);
    sqlite3_finalize(s);
    num(h, v[1]);
    raw(h, v[1] == 1 ? " search row is " : " search rows are ");
    num(h, v[0]);
    raw(h, v[0] == 1 ? " distinct search" : " distinct searches");
    raw(h, " (repeated sources left out): ");
    num(h, v[2]);
    raw(h, " rows linked by their search ID, ");
    num(h, v[3]);
    raw(h, " by organization, search time, networks and time frame. ");
    num(h, v[7]);
    raw(h, v[7] == 1 ? " search was" : " searches were");
    raw(h, " seen in more than one source (");
    num(h, v[8]);
    raw(h, " rows).");
    if (v[4] || v[5]) {
        raw(h, " Counted as a search each, since they could not be linked: ");
        if (v[4]) {
            num(h, v[4]);
            raw(h, v[4] == 1 ? " row" : " rows");
            raw(h, " with no ID and no organization or search time");
        }
        if (v[4] && v[5]) raw(h, "; ");
        if (v[5]) {
            num(h, v[5]);
            raw(h, v[5] == 1 ? " row" : " rows");
            raw(h, " without an ID under ");
            num(h, v[6]);
            raw(h, v[6] == 1 ? " key" : " keys");
            raw(h, " that fit two searches (refused, not guessed)");
        }
        raw(h, ".");
    }
    raw(h, "</p>\n");
    if (v[9] && prep(h, "SELECT s.cite, k.repeats, k.rows FROM source_searches k JOIN sources s"
                        " ON s.id = k.source_id WHERE k.repeats > 0 ORDER BY k.repeats DESC,"
                        " k.source_id LIMIT 10", &s)) {
        raw(h, "<p>");
        num(h, v[9]);
        raw(h, v[9] == 1 ? " row repeats" : " rows repeat");
        raw(h, " a search already listed in the same source (file, sheet or archive member: the"
               " same search ID, or the same key and the same row): an export that lists a search"
               " twice. By source, most first:</p>\n"
               "<table>\n<tr><th>source</th><th class=\"n\">rows repeating a search</th>"
               "<th class=\"n\">of its rows</th></tr>\n");
        while (next(h, s)) {
            raw(h, "<tr><td class=\"mono\">");
            col(h, s, 0);
            raw(h, "</td><td class=\"n\">");
            num(h, sqlite3_column_int64(s, 1));
            raw(h, "</td><td class=\"n\">");
            num(h, sqlite3_column_int64(s, 2));
            raw(h, "</td></tr>\n");
        }
        raw(h, "</table>\n");
        sqlite3_finalize(s);
    }
    raw(h, "<p class=\"note\">");
    escz(h, SL_OUT_LINKS_NOTE);
    raw(h, "</p>\n");
}

static void categories(html *h) {
    int64_t all = 0;
    one_int(h, "SELECT COALESCE(SUM(rows), 0) FROM counts WHERE category = 'all'", &all);
    int64_t all_s; /* -1: the rows were not linked */
    one_int(h, "SELECT COALESCE((SELECT searches FROM search_counts WHERE category = 'all'), -1)",
            &all_s);
    raw(h, "<h2 id=\"categories\">Rows by category</h2>\n");
    raw(h, "<p>How many search rows carry each category (a row can carry several)");
    if (all_s >= 0) raw(h, ", and how many distinct searches: the rows linked across logs (below)");
    raw(h, ". &ldquo;all&rdquo; counts every search row.</p>\n");
    sqlite3_stmt *s = NULL;
    if (!prep(h, SL_OUT_CATEGORIES, &s)) return;
    raw(h, "<table>\n<tr><th>category</th><th class=\"n\">rows</th><th class=\"n\">share</th>");
    if (all_s >= 0) raw(h, "<th class=\"n\">searches</th><th class=\"n\">share</th>");
    raw(h, "<th></th></tr>\n");
    while (next(h, s)) {
        int64_t n = sqlite3_column_int64(s, 1);
        raw(h, "<tr><td>");
        col(h, s, 0);
        raw(h, "</td><td class=\"n\">");
        num(h, n);
        raw(h, "</td><td class=\"n\">");
        pct(h, n, all);
        if (all_s >= 0) {
            int64_t m = sqlite3_column_int64(s, 2);
            raw(h, "</td><td class=\"n\">");
            num(h, m);
            raw(h, "</td><td class=\"n\">");
            pct(h, m, all_s);
        }
        raw(h, "</td><td>");
        bar(h, n, all);
        raw(h, "</td></tr>\n");
    }
    raw(h, "</table>\n");
    sqlite3_finalize(s);
    links(h);
}

/* One table of months by category: rows (every category, "all" with a bar) or, when the rows
 * were linked, searches (every category, summed from counts.searches over organizations). */
static void months_table(html *h, char **cats, size_t ncat, int searches) {
    sqlite3_stmt *s = NULL;
    int64_t max = 0;
    if (!searches)
        one_int(h, "SELECT COALESCE(MAX(n), 0) FROM (SELECT SUM(rows) AS n FROM counts WHERE"
                   " category = 'all' GROUP BY month)", &max);
    raw(h, "<div class=\"scroll\"><table>\n<tr><th>month</th>");
    for (size_t i = 0; i < ncat; i++) {
        raw(h, "<th class=\"n\">");
        esc_heading(h, cats[i]);
        raw(h, "</th>");
    }
    raw(h, searches ? "</tr>\n" : "<th></th></tr>\n");
    if (prep(h,
             searches ? "SELECT month, category, SUM(searches) FROM counts WHERE searches IS NOT"
                        " NULL GROUP BY month, category ORDER BY month = '', month, category"
                      : "SELECT month, category, SUM(rows) FROM counts GROUP BY month, category"
                        " ORDER BY month = '', month, category",
             &s)) {
        int64_t *row = calloc(ncat ? ncat : 1, sizeof *row);
        if (!row) h->rc = SL_ENOMEM;
        char cur[16] = "";
        int have = 0;
        for (;;) {
            int more = next(h, s);
            size_t n = 0;
            const char *m = more ? sl_out_col(s, 0, &n) : "";
            if (have && (!more || n != strlen(cur) || memcmp(cur, m, n) != 0)) {
                raw(h, "<tr><td class=\"m\">");
                escz(h, cur[0] ? cur : "unknown");
                raw(h, "</td>");
                int64_t a = 0;
                for (size_t i = 0; i < ncat; i++) {
                    if (strcmp(cats[i], "all") == 0) a = row[i];
                    raw(h, "<td class=\"n\">");
                    num(h, row[i]);
                    raw(h, "</td>");
                }
                if (!searches) {
                    raw(h, "<td>");
                    bar(h, a, max);
                    raw(h, "</td>");
                }
                raw(h, "</tr>\n");
                memset(row, 0, (ncat ? ncat : 1) * sizeof *row);
            }
            if (!more || !row) break;
            have = 1;
            snprintf(cur, sizeof cur, "%.*s", (int)(n < sizeof cur ? n : sizeof cur - 1), m);
            const char *cat = (const char *)sqlite3_column_text(s, 1);
            for (size_t i = 0; cat && i < ncat; i++)
                if (strcmp(cats[i], cat) == 0) row[i] = sqlite3_column_int64(s, 2);
        }
        free(row);
        sqlite3_finalize(s);
    }
    raw(h, "</table></div>\n");
}

static void months(html *h) {
    /* columns: every category in report order */
    sqlite3_stmt *c = NULL;
    char **cats = NULL;
    size_t ncat = 0;
    if (!prep(h, SL_OUT_CATEGORIES, &c)) return;
    while (next(h, c)) {
        char **nc = sl_reallocarray(cats, ncat + 1, sizeof *cats);
        if (!nc) { h->rc = SL_ENOMEM; break; }
        cats = nc;
        cats[ncat] = sl_strdup((const char *)sqlite3_column_text(c, 0) ? (const char *)sqlite3_column_text(c, 0) : "");
        if (!cats[ncat]) { h->rc = SL_ENOMEM; break; }
        ncat++;
    }
    sqlite3_finalize(c);
    raw(h, "<h2 id=\"months\">Rows by month</h2>\n<p>Months of the search time (UTC). "
           "&ldquo;unknown&rdquo;: the row had no readable search time.</p>\n");
    months_table(h, cats, ncat, 0);
    int64_t linked = 0;
    one_int(h, "SELECT EXISTS(SELECT 1 FROM counts WHERE searches IS NOT NULL)", &linked);
    if (linked) {
        raw(h, "<h3>Searches by month</h3>\n<p>The same months in distinct searches: a search "
               "seen in several logs counts once (see &ldquo;Rows and searches&rdquo;), under "
               "each spelling of its organization if the logs spell it differently.</p>\n");
        months_table(h, cats, ncat, 1);
    }
    for (size_t i = 0; i < ncat; i++) free(cats[i]);
    free(cats);
}

/* The reach table's buckets, in column order: store.c's bounds (sl_reach_min, sl_reach_max). */
#define NREACH ((size_t)SL_REACH_BUCKETS)

/* A bucket's column heading: "0", "2&ndash;10", "over 1,000", "unknown". */
static void reach_label(html *h, size_t b) {
    const int64_t lo = sl_reach_min[b], hi = sl_reach_max[b];
    if (lo < 0) {
        raw(h, "unknown");
    } else if (hi < 0) {
        raw(h, "over ");
        num(h, lo - 1);
    } else {
        num(h, lo);
        if (hi != lo) {
            raw(h, "&ndash;");
            num(h, hi);
        }
    }
}

/* The bucket of column 0 (networks_min, NULL for unknown) of a reach row. */
static size_t reach_col(sqlite3_stmt *s) {
    const int unknown = sqlite3_column_type(s, 0) == SQLITE_NULL;
    const int64_t min = unknown ? -1 : sqlite3_column_int64(s, 0);
    size_t b = 0;
    while (b + 1 < NREACH && sl_reach_min[b] != min) b++;
    return b; /* the last, unknown, for a bound the table does not know */
}

/* How widely each category searched: searches (rows when the rows were not linked) by Total
 * Networks Searched in buckets, and the share of those with a known number that reached over
 * 1,000 networks, so that a category searched nationwide more often than searches overall
 * stands out. Searches, because a wide search is a row in the network audit of every agency it
 * reached: in rows, the more agencies' audits a release holds, the wider the searches look. */
static void reach(html *h) {
    sqlite3_stmt *c = NULL, *s = NULL;
    int64_t total = 0, linked = 0;
    one_int(h, "SELECT COALESCE(SUM(rows), 0) FROM reach", &total);
    if (!total || h->rc) return;
    one_int(h, "SELECT EXISTS(SELECT 1 FROM reach WHERE searches IS NOT NULL)", &linked);
    const char *what = linked ? "searches" : "rows";
    raw(h, "<h2 id=\"reach\">How widely they searched</h2>\n<p>");
    raw(h, linked ? "Distinct searches" : "Search rows");
    raw(h, " by the number of "
           "networks the search reached (the log&rsquo;s Total Networks Searched, which counts "
           "organizations whose cameras were searched, not cameras: a nationwide search reaches "
           "thousands). "
           "&ldquo;unknown&rdquo;: the log has no such column (a portal&rsquo;s search audit may "
           "count cameras instead), or the cell was empty, redacted or unreadable. The last column "
           "is the share of the ");
    raw(h, what);
    raw(h, " with a known number that reached over 1,000 networks.");
    raw(h, linked ? " A search seen in several logs counts once, in the widest bucket a copy "
                    "gives (copies agree; a log without the column gives none): a wide search is "
                    "a row in the network audit of every agency it reached, so in rows the wide "
                    "searches of a release with many agencies&rsquo; audits look many times more "
                    "common than they are. The rows are in the database (reach).</p>\n"
                  : " Rows, not distinct searches.</p>\n");
    int used[NREACH] = {0};
    if (prep(h, "SELECT networks_min FROM reach GROUP BY networks_min", &s))
        while (next(h, s)) used[reach_col(s)] = 1;
    sqlite3_finalize(s);
    s = NULL;
    if (!prep(h, SL_OUT_CATEGORIES, &c) ||
        !prep(h, linked ? "SELECT networks_min, searches FROM reach WHERE category = ?1"
                        : "SELECT networks_min, rows FROM reach WHERE category = ?1", &s)) {
        sqlite3_finalize(c);
        return;
    }
    raw(h, "<div class=\"scroll\"><table>\n<tr><th>category</th>");
    for (size_t b = 0; b < NREACH; b++)
        if (used[b]) {
            raw(h, "<th class=\"n\">");
            reach_label(h, b);
            raw(h, "</th>");
        }
    raw(h, "<th class=\"n\">share over 1,000</th></tr>\n");
    while (next(h, c)) {
        size_t cn;
        const char *cat = sl_out_col(c, 0, &cn);
        int64_t row[NREACH] = {0};
        sqlite3_bind_text(s, 1, cat, (int)cn, SQLITE_TRANSIENT);
        while (next(h, s)) row[reach_col(s)] = sqlite3_column_int64(s, 1);
        sqlite3_reset(s);
        raw(h, "<tr><td>");
        col(h, c, 0);
        raw(h, "</td>");
        int64_t known = 0;
        for (size_t b = 0; b < NREACH; b++) {
            if (sl_reach_min[b] >= 0) known += row[b];
            if (!used[b]) continue;
            raw(h, "<td class=\"n\">");
            num(h, row[b]);
            raw(h, "</td>");
        }
        raw(h, "<td class=\"n\">");
        if (known) pct(h, row[NREACH - 2], known);
        else raw(h, "&ndash;");
        raw(h, "</td></tr>\n");
    }
    raw(h, "</table></div>\n");
    sqlite3_finalize(c);
    sqlite3_finalize(s);
    /* the brief's "nationwide searches for minor offenses", in words */
    int64_t wide = 0, wide_rows = 0;
    one_int(h, "SELECT COALESCE(SUM(rows), 0) FROM reach WHERE category = 'low_level_offenses'"
               " AND networks_min = 1001", &wide_rows);
    one_int(h, linked ? "SELECT COALESCE(SUM(searches), 0) FROM reach WHERE category ="
                        " 'low_level_offenses' AND networks_min = 1001"
                      : "SELECT 0", &wide);
    /* linked: said whenever the table has such searches, which can be there with no such row
     * (flagged in a copy without the number, another copy giving it) */
    if (linked ? wide : wide_rows) {
        raw(h, "<p><b>Wide searches for minor offenses:</b> ");
        if (linked) {
            num(h, wide);
            raw(h, wide == 1 ? " search" : " searches");
            if (wide_rows) {
                raw(h, " (");
                num(h, wide_rows);
                raw(h, wide_rows == 1 ? " row)" : " rows)");
            }
        } else {
            num(h, wide_rows);
            raw(h, wide_rows == 1 ? " search row" : " search rows");
        }
        raw(h, " flagged <code>low_level_offenses</code> reached over 1,000 networks.</p>\n");
    }
}

static void cells_by_org(html *h) {
    int64_t orgs = 0;
    one_int(h, "SELECT COUNT(DISTINCT org) FROM counts WHERE category = 'all' AND org <> ''",
            &orgs);
    if (!orgs || h->rc) return; /* no organization column: the lines above say it all */
    sqlite3_stmt *s = NULL;
    if (!prep(h, SL_OUT_NO_VALUE_BY_ORG " LIMIT " SL_OUT_STR(TOP_ORGS), &s)) return;
    int any = 0;
    while (next(h, s)) {
        if (!any)
            raw(h, "<h3>By organization</h3>\n<p>The organizations with the most search rows "
                   "that give no case number (up to " SL_OUT_STR(TOP_ORGS) "), and how many of "
                   "their rows give no reason; &ldquo;no&rdquo; is an empty cell, a placeholder or "
                   "a log without the column. Each with its share of the organization&rsquo;s "
                   "rows.</p>\n<table>\n<tr><th>organization</th><th class=\"n\">rows</th>"
                   "<th class=\"n\">no case number</th><th class=\"n\">share</th>"
                   "<th class=\"n\">no reason</th><th class=\"n\">share</th></tr>\n");
        any = 1;
        const int64_t n = sqlite3_column_int64(s, 1), k = sqlite3_column_int64(s, 2),
                      r = sqlite3_column_int64(s, 3);
        size_t on;
        sl_out_col(s, 0, &on);
        raw(h, "<tr><td>");
        if (on) col(h, s, 0);
        else raw(h, "(no organization)");
        raw(h, "</td><td class=\"n\">");
        num(h, n);
        raw(h, "</td><td class=\"n\">");
        num(h, k);
        raw(h, "</td><td class=\"n\">");
        pct(h, k, n);
        raw(h, "</td><td class=\"n\">");
        num(h, r);
        raw(h, "</td><td class=\"n\">");
        pct(h, r, n);
        raw(h, "</td></tr>\n");
    }
    if (any) raw(h, "</table>\n");
    sqlite3_finalize(s);
}

/* Field states of the search rows, repeated sources left out (they are counted once). */
#define KEPT_STATES                                                                           \
    "SELECT field, state, SUM(count) AS n FROM field_states WHERE source_id NOT IN"            \
    " (SELECT source_id FROM source_checks WHERE duplicate_of IS NOT NULL)"

/* What the cells of the fields a reader weighs held: a value, or why not. Searches with no
 * reason or no case number are findings of their own (an empty reason is a cell state, not a
 * flagged row: rules/vague.rules). */
static void cells(html *h) {
    static const struct {
        const char *field, *label;
    } F[] = {{"reason", "reason"},         {"case_number", "case number"},
             {"offense_type", "offense type"}, {"name", "officer's name"},
             {"user_id", "user id"},       {"org", "organization"},
             {"plate", "plate"}};
    static const struct {
        const char *state, *label;
    } S[] = {{"value", "a value"},
             {"placeholder", "placeholder"},
             {"empty", "empty"},
             {"agency_redacted", "redacted by the agency"},
             {"vendor_redacted", "redacted by the vendor"},
             {"partly_redacted", "partly redacted"},
             {"not_exported", "no such column"}};
    enum { NF = sizeof F / sizeof F[0], NS = sizeof S / sizeof S[0] };
    int64_t n[NF][NS];
    memset(n, 0, sizeof n);
    sqlite3_stmt *q = NULL;
    if (!prep(h, KEPT_STATES " GROUP BY field, state", &q)) return;
    while (next(h, q)) {
        const char *f = (const char *)sqlite3_column_text(q, 0);
        const char *st = (const char *)sqlite3_column_text(q, 1);
        for (size_t i = 0; f && st && i < NF; i++)
            for (size_t j = 0; j < NS; j++)
                if (!strcmp(F[i].field, f) && !strcmp(S[j].state, st))
                    n[i][j] = sqlite3_column_int64(q, 2);
    }
    sqlite3_finalize(q);
    int64_t rows = 0; /* search rows: every row has a reason state */
    for (size_t j = 0; j < NS; j++) rows += n[0][j];
    if (!rows || h->rc) return;
    raw(h, "<h2 id=\"cells\">What the cells held</h2>\n<p>For each search row, whether the log "
           "gave a value and, if not, why: a placeholder (n/a, -, test, 0, no letter or digit), "
           "an empty cell, a redaction by the agency (REDACTED, ###, a statute typed in place) or "
           "by the vendor (***), or no such column in the log. Rows, not distinct searches; a "
           "repeated source is counted once. Each source&rsquo;s own counts are in the database "
           "(field_states).</p>\n<ul>\n");
    /* reason: 0 value, 1 placeholder, 2 empty, 3 agency, 4 vendor, 5 partly, 6 not exported */
    const int64_t no_reason = n[0][2] + n[0][6], hidden = n[0][3] + n[0][4];
    raw(h, "<li><b>No reason given:</b> ");
    num(h, no_reason);
    raw(h, no_reason == 1 ? " row (" : " rows (");
    pct(h, no_reason, rows);
    raw(h, no_reason == 1 ? ") has an empty reason or comes from a log without one; "
                          : ") have an empty reason or come from a log without one; ");
    num(h, n[0][1]);
    raw(h, " (");
    pct(h, n[0][1], rows);
    raw(h, ") give only a placeholder, which <code>vague_or_no_purpose</code> counts with the "
           "other reasons that say nothing; ");
    num(h, hidden);
    raw(h, " (");
    pct(h, hidden, rows);
    raw(h, ") have their reason redacted.</li>\n");
    const int64_t no_case = n[1][1] + n[1][2] + n[1][6];
    raw(h, "<li><b>No case number:</b> ");
    num(h, no_case);
    raw(h, no_case == 1 ? " row (" : " rows (");
    pct(h, no_case, rows);
    raw(h, no_case == 1 ? ") has an empty or placeholder case number or comes from a log without"
                          " the column"
                        : ") have an empty or placeholder case number or come from a log without"
                          " the column");
    if (n[1][6] == rows) raw(h, " (no log here has one)");
    raw(h, ".</li>\n</ul>\n");
    int used[NS] = {0};
    for (size_t i = 0; i < NF; i++)
        for (size_t j = 0; j < NS; j++) used[j] |= n[i][j] != 0;
    raw(h, "<div class=\"scroll\"><table>\n<tr><th>field</th>");
    for (size_t j = 0; j < NS; j++)
        if (used[j]) printf_h(h, "<th class=\"n\">%s</th>", S[j].label);
    raw(h, "</tr>\n");
    for (size_t i = 0; i < NF; i++) {
        raw(h, "<tr><td>");
        escz(h, F[i].label);
        raw(h, "</td>");
        for (size_t j = 0; j < NS; j++) {
            if (!used[j]) continue;
            raw(h, "<td class=\"n\">");
            num(h, n[i][j]);
            raw(h, "</td>");
        }
        raw(h, "</tr>\n");
    }
    raw(h, "</table></div>\n");
    cells_by_org(h);
}

static void top_orgs(html *h) {
    sqlite3_stmt *c = NULL, *o = NULL;
    int64_t linked = 0; /* the rows were linked into searches: counts hold them */
    one_int(h, "SELECT EXISTS(SELECT 1 FROM counts WHERE searches IS NOT NULL)", &linked);
    if (linked)
        raw(h, "<h2 id=\"orgs\">Top organizations by category</h2>\n<p>The organizations whose users "
               "ran the most searches in each category (up to " SL_OUT_STR(TOP_ORGS) "), and their "
               "rows: a search seen in several logs is one search here and a row in each (see "
               "&ldquo;Rows and searches&rdquo;). An organization spelled two ways in two logs is two "
               "organizations here, and a search of it counts under each. &ldquo;all&rdquo; counts every "
               "search, flagged or not.</p>\n");
    else
        raw(h, "<h2 id=\"orgs\">Top organizations by category</h2>\n<p>The organizations whose users "
               "ran the most search rows in each category (up to " SL_OUT_STR(TOP_ORGS) "). Rows, not "
               "distinct searches: an organization seen in several logs counts in each.</p>\n");
    /* Rows without an organization: from logs that have no such column (a transparency portal's
     * search audit lists one agency's own searches), or with the cell empty. The counts table
     * holds both as ""; the field states tell how many are the first kind. */
    int64_t absent = 0, none = 0;
    one_int(h, "SELECT COALESCE(SUM(count), 0) FROM field_states WHERE field = 'org' AND"
               " state = 'not_exported'", &absent);
    one_int(h, "SELECT COALESCE(SUM(rows), 0) FROM counts WHERE category = 'all' AND org = ''", &none);
    const int all_absent = absent > 0 && absent >= none;
    if (absent > 0) {
        raw(h, "<p>");
        raw(h, all_absent ? "&ldquo;(not in the log)&rdquo;: " : "&ldquo;(no organization)&rdquo;"
                                                             " counts rows whose organization cell is"
                                                             " empty and ");
        num(h, absent);
        raw(h, " rows from logs that have no organization column, such as a transparency portal&rsquo;s"
               " search audit, which lists the searches of the one agency whose portal it is (the file"
               " names under Accounting say whose).</p>\n");
    }
    if (!prep(h, SL_OUT_CATEGORIES, &c)) return;
    if (!prep(h,
              "SELECT org, SUM(rows) AS n, SUM(searches) AS s FROM counts WHERE category = ?1"
              " GROUP BY org ORDER BY COALESCE(s, n) DESC, n DESC, org LIMIT " SL_OUT_STR(TOP_ORGS),
              &o)) {
        sqlite3_finalize(c);
        return;
    }
    while (next(h, c)) {
        size_t cn;
        const char *cat = sl_out_col(c, 0, &cn);
        raw(h, "<h3>");
        esc(h, cat, cn);
        raw(h, linked ? "</h3>\n<table>\n<tr><th>organization</th><th class=\"n\">searches</th>"
                        "<th class=\"n\">rows</th></tr>\n"
                      : "</h3>\n<table>\n<tr><th>organization</th><th class=\"n\">rows</th></tr>\n");
        sqlite3_bind_text(o, 1, cat, (int)cn, SQLITE_TRANSIENT);
        while (next(h, o)) {
            size_t n;
            const char *org = sl_out_col(o, 0, &n);
            raw(h, "<tr><td>");
            if (n) esc(h, org, n);
            else raw(h, all_absent ? "<i>(not in the log)</i>" : "<i>(no organization)</i>");
            raw(h, "</td><td class=\"n\">");
            if (linked) {
                if (sqlite3_column_type(o, 2) == SQLITE_NULL) raw(h, "&mdash;");
                else num(h, sqlite3_column_int64(o, 2));
                raw(h, "</td><td class=\"n\">");
            }
            num(h, sqlite3_column_int64(o, 1));
            raw(h, "</td></tr>\n");
        }
        sqlite3_reset(o);
        raw(h, "</table>\n");
    }
    sqlite3_finalize(c);
    sqlite3_finalize(o);
}

/* ---- users unlike their colleagues (operator_findings) ---------------------------------- */

/* A finding's row begins with who searched: the organization (column org), or for a log with
 * no organization column its cite (column src), then the user (column user), marked when it
 * is a user id. */
static void who_cells(html *h, sqlite3_stmt *s, int log, int org, int src, int user, int by_id) {
    raw(h, "<tr><td>");
    if (log) {
        raw(h, "<i>(no organization column)</i> <span class=\"mono\">");
        col(h, s, src);
        raw(h, "</span>");
    } else {
        col(h, s, org);
    }
    raw(h, "</td><td>");
    col(h, s, user);
    if (by_id) raw(h, " <i>(user id)</i>");
}

#define OPERATOR_ROWS 50 /* findings shown; the rest are in the database */
#define OPERATOR_CITES 3 /* rows cited per finding */

typedef struct {
    char *org, *user, *cat; /* copies */
    size_t org_len, user_len;
    int by_id;              /* user_field user_id: matched against flagged_rows.user_id */
    int64_t log;            /* a log with no organization column: its source id, else 0 */
    int n;
    int64_t src[OPERATOR_CITES], rec[OPERATOR_CITES], line[OPERATOR_CITES];
} op_cite;

/* Whether the comma-joined list holds cat. */
static int in_list(const char *list, size_t n, const char *cat) {
    const size_t cl = strlen(cat);
    for (size_t i = 0; i + cl <= n;) {
        const char *e = memchr(list + i, ',', n - i);
        const size_t w = e ? (size_t)(e - list) - i : n - i;
        if (w == cl && memcmp(list + i, cat, cl) == 0) return 1;
        i += w + 1;
    }
    return 0;
}

/* The first flagged rows of each finding shown, in one pass over flagged_rows (no index:
 * building one would cost more than the pass), stopped once every finding has its rows. */
static void op_cites(html *h, op_cite *c, size_t nc) {
    sqlite3_stmt *s = NULL;
    if (!nc || !prep(h, "SELECT org, name, user_id, categories, source_id, record, line FROM"
                        " flagged_rows ORDER BY row_id", &s))
        return;
    size_t open = nc;
    while (open && next(h, s)) {
        size_t on, nn, un, cn;
        const char *org = sl_out_col(s, 0, &on), *name = sl_out_col(s, 1, &nn),
                   *uid = sl_out_col(s, 2, &un), *cats = sl_out_col(s, 3, &cn);
        for (size_t i = 0; i < nc; i++) {
            op_cite *f = &c[i];
            const char *u = f->by_id ? uid : name;
            const size_t ul = f->by_id ? un : nn;
            if (f->n == OPERATOR_CITES || f->org_len != on || f->user_len != ul ||
                memcmp(f->org, org, on) || memcmp(f->user, u, ul) || !in_list(cats, cn, f->cat) ||
                (f->log && (sqlite3_column_type(s, 0) != SQLITE_NULL ||
                            sqlite3_column_int64(s, 4) != f->log)))
                continue;
            f->src[f->n] = sqlite3_column_int64(s, 4);
            f->rec[f->n] = sqlite3_column_int64(s, 5);
            f->line[f->n] =
                sqlite3_column_type(s, 6) == SQLITE_NULL ? -1 : sqlite3_column_int64(s, 6);
            if (++f->n == OPERATOR_CITES) open--;
        }
    }
    sqlite3_finalize(s);
}

static void operators(html *h) {
    raw(h, "<h2 id=\"operators\">Users unlike their colleagues</h2>\n<p>Each user the logs name "
           "(the Name column, or a portal&rsquo;s user id) compared with the other users of the "
           "same organization, category by category. A user is listed when their share of rows "
           "in a category is at least three times their colleagues&rsquo; share, with at least "
           "five such rows among at least twenty, in an organization with at least three other "
           "users (the users of a log with no organization column, such as a portal&rsquo;s "
           "search audit, are compared with the other users of that log), and when a gap that "
           "wide is too unlikely to be chance: a one-sided binomial "
           "test, with the colleagues&rsquo; share as the chance of each row, below 0.01 divided "
           "by the number of (user, category) pairs tested. Categories read from the "
           "organization&rsquo;s name (federal_searcher) are the same for all its users and are "
           "not compared.</p>\n");
    int64_t named = 0, all = 0, users = 0, tests = 0, nf = 0;
    one_int(h, "SELECT COALESCE(SUM(rows), 0) FROM counts WHERE category = 'all'", &all);
    one_int(h, "SELECT COUNT(*) FROM operator_findings", &nf);
    sqlite3_stmt *s = NULL;
    if (!prep(h, SL_OUT_OPERATORS_SUMMARY, &s) || !next(h, s)) {
        sqlite3_finalize(s);
        return;
    }
    users = sqlite3_column_int64(s, 0);
    named = sqlite3_column_int64(s, 1);
    if (sqlite3_column_type(s, 2) == SQLITE_TEXT) { /* why none was */
        raw(h, "<p><b>Users were ");
        col(h, s, 2);
        raw(h, "</b> (more distinct users than a log has officers: a column read as the user "
               "that holds something else, such as one value per row).</p>\n");
        sqlite3_finalize(s);
        return;
    }
    tests = sqlite3_column_int64(s, 2);
    sqlite3_finalize(s);
    s = NULL;
    raw(h, "<p>");
    num(h, users);
    raw(h, users == 1 ? " user named in " : " users named in ");
    num(h, named);
    raw(h, " of ");
    num(h, all);
    raw(h, " search rows (");
    pct(h, named, all);
    raw(h, "); ");
    num(h, tests);
    raw(h, " (user, category) pairs tested; ");
    num(h, nf);
    raw(h, " found.</p>\n");
    if (named < all)
        raw(h, "<p>Rows that name no user cannot be compared: Flock&rsquo;s network audits show "
               "<code>***</code> for the name since December 2025, and some logs have no such "
               "column.</p>\n");
    if (!nf) return;
    if (!prep(h, SL_OUT_OPERATOR_FINDINGS " LIMIT " SL_OUT_STR(OPERATOR_ROWS), &s))
        return;
    op_cite c[OPERATOR_ROWS];
    size_t nc = 0;
    while (nc < OPERATOR_ROWS && next(h, s)) {
        op_cite *f = &c[nc];
        memset(f, 0, sizeof *f);
        size_t on, un;
        const char *org = sl_out_col(s, 0, &on), *user = sl_out_col(s, 2, &un);
        f->org = malloc(on + 1);
        f->user = malloc(un + 1);
        f->cat = sl_strdup((const char *)sqlite3_column_text(s, 3));
        nc++;
        if (!f->org || !f->user || !f->cat) {
            h->rc = SL_ENOMEM;
            break;
        }
        memcpy(f->org, org, on);
        memcpy(f->user, user, un);
        f->org_len = on;
        f->user_len = un;
        f->by_id = strcmp((const char *)sqlite3_column_text(s, 1), "user_id") == 0;
        f->log = sqlite3_column_bytes(s, 10) ? sqlite3_column_int64(s, 11) : 0;
    }
    sqlite3_reset(s);
    op_cites(h, c, nc);
    sqlite3_stmt *cite = NULL;
    prep(h, "SELECT cite FROM sources WHERE id = ?1", &cite);
    raw(h, "<div class=\"scroll\"><table><tr><th>organization</th><th>user</th><th>category</th>"
           "<th class=\"n\">their rows in it</th><th class=\"n\">share</th><th class=\"n\">"
           "colleagues&rsquo; share</th><th class=\"n\">times</th><th class=\"n\">p</th>"
           "<th>first rows</th></tr>\n");
    for (size_t i = 0; i < nc && next(h, s); i++) {
        const int64_t rows = sqlite3_column_int64(s, 4), hits = sqlite3_column_int64(s, 5),
                      peers = sqlite3_column_int64(s, 6), prow = sqlite3_column_int64(s, 7),
                      phit = sqlite3_column_int64(s, 8);
        who_cells(h, s, c[i].log != 0, 0, 10, 2, c[i].by_id);
        raw(h, "</td><td>");
        col(h, s, 3);
        raw(h, "</td><td class=\"n\">");
        num(h, hits);
        raw(h, " of ");
        num(h, rows);
        raw(h, "</td><td class=\"n\">");
        pct(h, hits, rows);
        raw(h, "</td><td class=\"n\">");
        pct(h, phit, prow);
        raw(h, " <span class=\"m\">(");
        num(h, phit);
        raw(h, " of ");
        num(h, prow);
        raw(h, ", ");
        num(h, peers);
        raw(h, peers == 1 ? " user)</span>" : " users)</span>");
        raw(h, "</td><td class=\"n\">");
        if (phit)
            printf_h(h, "%.1f", ((double)hits / (double)rows) / ((double)phit / (double)prow));
        else raw(h, "only them");
        printf_h(h, "</td><td class=\"n\">%.2g</td><td class=\"mono\">",
                 sqlite3_column_double(s, 9));
        for (int j = 0; j < c[i].n; j++) {
            if (j) raw(h, "<br>");
            sqlite3_bind_int64(cite, 1, c[i].src[j]);
            if (next(h, cite)) col(h, cite, 0);
            sqlite3_reset(cite);
            printf_h(h, " record %lld", (long long)c[i].rec[j]);
            if (c[i].line[j] >= 0) printf_h(h, " (line %lld)", (long long)c[i].line[j]);
        }
        raw(h, "</td></tr>\n");
    }
    raw(h, "</table></div>\n");
    sqlite3_finalize(cite);
    sqlite3_finalize(s);
    for (size_t i = 0; i < nc; i++) {
        free(c[i].org);
        free(c[i].user);
        free(c[i].cat);
    }
    if (nf > OPERATOR_ROWS) {
        raw(h, "<p>The first " SL_OUT_STR(OPERATOR_ROWS) " by p; all ");
        num(h, nf);
        raw(h, " are in the database (table operator_findings).</p>\n");
    }
    raw(h, "<p>A listed user is a lead: a detective in an auto-theft unit, or an officer assigned "
           "to a task force, searches unlike their colleagues for a reason. Rows, not searches: a "
           "search seen in two logs counts twice, for its user as for their colleagues, so p is "
           "smaller than it would be over distinct searches (read it as a ranking, not as a "
           "probability), and the shares hold only while a user&rsquo;s searches in the "
           "category were seen in as many logs as their colleagues&rsquo;. A "
           "user whose name is spelled two ways is two users. Every row of the category is in "
           "flagged.csv and in flagged_rows (by org, name or user_id, and categories); the counts "
           "of every user are in operator_counts.</p>\n");
    /* A collection of many agencies' audits: say how many rows a search is here, since a user
     * whose searches in a category reached more audits has more rows in it, not more searches */
    const int64_t lrows = run_int(h, "link_rows", 0), lsearches = run_int(h, "searches", 0);
    if (lsearches > 0 && 2 * lrows >= 3 * lsearches) {
        raw(h, "<p><b>Here a search is ");
        printf_h(h, "%.1f", (double)lrows / (double)lsearches);
        raw(h, " rows on average</b> (");
        num(h, lrows);
        raw(h, " search rows linked into ");
        num(h, lsearches);
        raw(h, " searches): the release holds several logs of the same searches, such as many "
               "agencies&rsquo; network audits. A user whose searches in a category reached more "
               "of those audits than their colleagues&rsquo; did (nationwide searches, say) has "
               "more rows in it without more searches. Before reporting a finding, count its "
               "searches: its flagged rows in flagged_rows joined to flagged_searches.</p>\n");
    }
}

/* ---- one plate, searched again and again (plate_repeats) ------------------------------- */

#define REPEAT_ROWS 50 /* findings shown; the rest are in the database */

/* A cell's end and a number cell of column i. */
static void td_num(html *h, sqlite3_stmt *s, int i) {
    raw(h, "</td><td class=\"n\">");
    num(h, sqlite3_column_int64(s, i));
}

static void repeats(html *h) {
    raw(h, "<h2 id=\"repeats\">One plate, searched again and again</h2>\n<p>Each user the logs "
           "name, with each plate they searched (its token: the plate itself is never shown). A "
           "user and a plate are listed when the user searched the plate at least "
           SL_OUT_STR(SL_REPEATS_MIN_SEARCHES) " times on at least "
           SL_OUT_STR(SL_REPEATS_MIN_DAYS) " different days (UTC). Searches, not rows: rows of "
           "one user and plate with the same search time, to the second, are one search seen "
           "in several logs (an organization audit and a network audit). Hot-list lookups (the "
           "system&rsquo;s own), plates with a wildcard, and rows with no search time or no "
           "named user are not counted.</p>\n");
    sqlite3_stmt *s = NULL;
    if (!prep(h, SL_OUT_REPEATS_SUMMARY, &s) || !next(h, s)) {
        sqlite3_finalize(s);
        return;
    }
    if (sqlite3_column_type(s, 0) == SQLITE_TEXT) { /* why nothing was counted */
        raw(h, "<p><b>Plates were ");
        col(h, s, 0);
        raw(h, "</b>");
        if (strstr((const char *)sqlite3_column_text(s, 0), "users"))
            raw(h, " (more distinct users than a log has officers: a column read as the user "
                   "that holds something else, such as one value per row)");
        raw(h, ".</p>\n");
        sqlite3_finalize(s);
        return;
    }
    const int64_t rows = sqlite3_column_int64(s, 0);
    sqlite3_finalize(s);
    s = NULL;
    int64_t nf = 0;
    one_int(h, "SELECT COUNT(*) FROM plate_repeats", &nf);
    raw(h, "<p>");
    num(h, rows);
    raw(h, rows == 1 ? " row names its user and a plate; " : " rows name their user and a plate; ");
    num(h, nf);
    raw(h, nf == 1 ? " (user, plate) pair listed.</p>\n" : " (user, plate) pairs listed.</p>\n");
    if (!rows)
        raw(h, "<p>No row could be counted: Flock&rsquo;s network audits show <code>***</code> "
               "for the name and the plate since December 2025, and portal search audits have no "
               "plate column.</p>\n");
    if (!nf) return;
    sqlite3_stmt *cite = NULL;
    if (!prep(h, SL_OUT_REPEAT_FINDINGS " LIMIT " SL_OUT_STR(REPEAT_ROWS), &s) ||
        !prep(h, "SELECT s.cite, r.record, r.line FROM plate_repeat_rows r JOIN sources s ON"
                 " s.id = r.source_id WHERE r.rank = ?1 ORDER BY r.rowid LIMIT 3", &cite)) {
        sqlite3_finalize(s);
        return;
    }
    raw(h, "<div class=\"scroll\"><table><tr><th>organization</th><th>user</th><th>plate "
           "token</th><th class=\"n\">searches</th><th class=\"n\">rows</th><th class=\"n\">"
           "days</th><th>first and last</th><th class=\"n\">with a case number</th>"
           "<th class=\"n\">case numbers</th><th class=\"n\">reasons</th><th class=\"n\">"
           "without a reason</th><th class=\"n\">flagged</th><th>first rows</th></tr>\n");
    while (next(h, s)) {
        who_cells(h, s, sqlite3_column_bytes(s, 12) > 0, 1, 12, 3,
                  strcmp((const char *)sqlite3_column_text(s, 2), "user_id") == 0);
        raw(h, "</td><td class=\"mono\">");
        col(h, s, 4);
        for (int i = 5; i <= 7; i++) td_num(h, s, i); /* searches, rows, days */
        raw(h, "</td><td class=\"mono\">");
        col(h, s, 8);
        raw(h, "<br>");
        col(h, s, 9);
        for (int i = 10; i <= 11; i++) td_num(h, s, i); /* with a case number, case numbers */
        for (int i = 13; i <= 15; i++) td_num(h, s, i); /* reasons, without, flagged */
        raw(h, "</td><td class=\"mono\">");
        sqlite3_bind_int64(cite, 1, sqlite3_column_int64(s, 0));
        for (int j = 0; next(h, cite); j++) {
            if (j) raw(h, "<br>");
            col(h, cite, 0);
            printf_h(h, " record %lld", (long long)sqlite3_column_int64(cite, 1));
            printf_h(h, " (line %lld)", (long long)sqlite3_column_int64(cite, 2));
        }
        sqlite3_reset(cite);
        raw(h, "</td></tr>\n");
    }
    raw(h, "</table></div>\n");
    sqlite3_finalize(cite);
    sqlite3_finalize(s);
    if (nf > REPEAT_ROWS) {
        raw(h, "<p>The first " SL_OUT_STR(REPEAT_ROWS) " by searches; all ");
        num(h, nf);
        raw(h, " are in the database (table plate_repeats).</p>\n");
    }
    raw(h, "<p>Of a pair&rsquo;s searches, the table says how many name a case number and how many "
           "different ones, how many different reasons were typed (compared without case) and "
           "how many searches have no readable reason (empty, redacted or a placeholder), and "
           "how many were flagged for a category (those rows are in flagged.csv).</p>\n"
           "<p>A listed pair is a lead, not a verdict: a detective works one suspect&rsquo;s car "
           "for weeks, and an officer looking up someone they know searches the same way. The "
           "case numbers help tell them apart: one case number on every search reads like an "
           "investigation; none, or a different one each time, asks for a closer look at the "
           "reasons typed. Every row of a listed pair is in the database (table "
           "plate_repeat_rows, by source, record and line); rows not flagged for a category are "
           "not in flagged.csv. The token cannot be turned back into a plate; someone who "
           "already knows a plate can ask for its rows with <code>sunlight scan --plate</code>. "
           "A user whose name is spelled two ways is two users.</p>\n");
}

typedef struct {
    size_t start, end;
    char rule[96];
} mark_t;

static int cmp_mark(const void *a, const void *b) {
    const mark_t *x = a, *y = b;
    return (x->start > y->start) - (x->start < y->start);
}

/* One field of an example: the redacted text with each hit's (redacted) matched words marked. */
static void marked_field(html *h, const char *label, const char *text, size_t tlen, sqlite3_stmt *hits,
                         const char *field) {
    const char *red = redact(h, &h->t2, text, tlen);
    size_t rlen = strlen(red);
    mark_t marks[MAX_MARKS];
    size_t nm = 0;
    while (next(h, hits)) {
        const char *f = (const char *)sqlite3_column_text(hits, 1);
        if (!f || strcmp(f, field) != 0 || nm == MAX_MARKS) continue;
        size_t mn;
        const char *m = sl_out_col(hits, 2, &mn);
        const char *rm = redact(h, &h->t3, m, mn);
        size_t rml = strlen(rm);
        if (!rml) continue;
        /* the first occurrence not already marked */
        size_t from = 0;
        for (;;) {
            const char *at = rml <= rlen ? strstr(red + from, rm) : NULL;
            if (!at) break;
            size_t s0 = (size_t)(at - red), s1 = s0 + rml;
            int overlap = 0;
            for (size_t i = 0; i < nm; i++)
                if (s0 < marks[i].end && marks[i].start < s1) overlap = 1;
            if (!overlap) {
                marks[nm].start = s0;
                marks[nm].end = s1;
                snprintf(marks[nm].rule, sizeof marks[nm].rule, "%s", (const char *)sqlite3_column_text(hits, 0));
                nm++;
                break;
            }
            from = s0 + 1;
        }
    }
    sqlite3_reset(hits);
    qsort(marks, nm, sizeof marks[0], cmp_mark);
    raw(h, "<div><b>");
    escz(h, label);
    raw(h, ":</b> ");
    size_t at = 0;
    for (size_t i = 0; i < nm; i++) {
        esc(h, red + at, marks[i].start - at);
        raw(h, "<mark title=\"");
        escz(h, marks[i].rule);
        raw(h, "\">");
        esc(h, red + marks[i].start, marks[i].end - marks[i].start);
        raw(h, "</mark>");
        at = marks[i].end;
    }
    esc(h, red + at, rlen - at);
    raw(h, "</div>\n");
}

/* What each rule that fired in a category means and what would make its hit a false positive,
 * from the packs (principle 4: a finding says what would make it wrong). Returns how many
 * rules fired in it. */
static size_t category_rules(html *h, sqlite3_stmt *docs, const char *cat) {
    sqlite3_bind_text(docs, 1, cat, -1, SQLITE_TRANSIENT);
    size_t any = 0;
    while (next(h, docs)) {
        if (!any) raw(h, "<ul class=\"rules\">\n");
        any++;
        raw(h, "<li><code>");
        col(h, docs, 0);
        raw(h, "</code> ");
        col(h, docs, 1);
        size_t n;
        sl_out_col(docs, 2, &n);
        if (n) {
            raw(h, ": ");
            col(h, docs, 2);
        }
        sl_out_col(docs, 3, &n);
        if (n) {
            raw(h, " <i>Could be a false positive:</i> ");
            col(h, docs, 3);
        }
        raw(h, "</li>\n");
    }
    if (any) raw(h, "</ul>\n");
    sqlite3_reset(docs);
    return any;
}

/* A reason as the examples compare it: letters and digits only, in lower case, so that
 * "Investigation", "INVESTIGATION" and "investigation+" are one reason. */
static sl_status example_key(const char *p, size_t n, sl_buf *out) {
    out->len = 0;
    sl_status rc = sl_buf_reserve(out, n + 1);
    for (size_t i = 0; rc == SL_OK && i < n; i++) {
        unsigned char c = (unsigned char)p[i];
        if (sl_isalnum(c) || c >= 0x80) out->p[out->len++] = (char)sl_tolower(c);
    }
    return rc;
}

#define EXAMPLE_RULES 64 /* rules of one category tracked while picking its examples */

typedef struct {
    sl_buf seen[EXAMPLES], key;  /* the chosen rows' reasons (example_key); the current one */
    int null_seen;
    char covered[EXAMPLE_RULES][64]; /* rules that fired on a chosen row */
    size_t ncovered;
} picker;

static int covered(const picker *k, const char *rule) {
    for (size_t i = 0; i < k->ncovered; i++)
        if (!strcmp(k->covered[i], rule)) return 1;
    return 0;
}

static void cover(picker *k, const char *rule) {
    if (k->ncovered < EXAMPLE_RULES && !covered(k, rule))
        snprintf(k->covered[k->ncovered++], sizeof k->covered[0], "%s", rule);
}

static int cmp_i64(const void *a, const void *b) {
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return (x > y) - (x < y);
}

/* The example rows of a category (nrules rules fired in it), in the order read: first one row
 * for each rule, the first on which it fired, so that every kind of finding is shown; the
 * rest of the EXAMPLES rows go to the first rows with other texts. No two examples share the
 * text the rule read (the reason, or the organization's name for a rule that reads it;
 * compared by example_key; NULL is a text of its own). A row may show several
 * rules. The hit sets are read in the order read, from the index, until the examples are
 * complete; if some rule's rows all repeat chosen reasons, a second pass fills its place. */
static size_t pick_examples(html *h, sqlite3_stmt *pick, const char *cat, size_t nrules,
                            int64_t *rids) {
    picker *k = calloc(1, sizeof *k);
    size_t n = 0;
    if (!k) {
        h->rc = SL_ENOMEM;
        return 0;
    }
    for (int pass = 0; pass < 2 && n < EXAMPLES && !h->rc; pass++) {
        sqlite3_bind_text(pick, 1, cat, -1, SQLITE_TRANSIENT);
        while (n < EXAMPLES && next(h, pick)) {
            int64_t rid = sqlite3_column_int64(pick, 0);
            const char *rule = (const char *)sqlite3_column_text(pick, 2);
            if (!rule) rule = "";
            int chosen = 0;
            for (size_t i = 0; i < n && !chosen; i++) chosen = rids[i] == rid;
            if (chosen) { /* another rule of a chosen row */
                cover(k, rule);
                continue;
            }
            size_t len;
            const char *p = sl_out_col(pick, 1, &len);
            int isnull = sqlite3_column_type(pick, 1) == SQLITE_NULL, dup = isnull && k->null_seen;
            if (!isnull && (h->rc = example_key(p, len, &k->key)) != SL_OK) break;
            for (size_t i = 0; !isnull && !dup && i < n; i++)
                dup = k->seen[i].p && k->seen[i].len == k->key.len &&
                      !memcmp(k->seen[i].p, k->key.p, k->key.len);
            if (dup) continue;
            /* slots kept for rules not yet shown, in the first pass */
            size_t owed = nrules > k->ncovered ? nrules - k->ncovered : 0;
            if (covered(k, rule) && pass == 0 && EXAMPLES - n <= owed) continue;
            if (isnull) k->null_seen = 1;
            else if ((h->rc = sl_buf_reserve(&k->seen[n], 1)) != SL_OK ||
                     (h->rc = sl_buf_append(&k->seen[n], k->key.p, k->key.len)) != SL_OK)
                break;
            cover(k, rule);
            rids[n++] = rid;
        }
        sqlite3_reset(pick);
    }
    for (size_t i = 0; i < EXAMPLES; i++) sl_buf_free(&k->seen[i]);
    sl_buf_free(&k->key);
    free(k);
    if (h->rc) return 0;
    qsort(rids, n, sizeof rids[0], cmp_i64);
    return n;
}

static void examples(html *h) {
    sqlite3_stmt *c = NULL, *pick = NULL, *row = NULL, *hits = NULL, *rules = NULL, *docs = NULL;
    raw(h, "<h2 id=\"examples\">Examples</h2>\n<p>Up to " SL_OUT_STR(EXAMPLES) " flagged rows "
           "per category, in the order they were read: the first row on which each of its rules "
           "fired, then the first rows with other reasons (reasons that differ only in case or "
           "punctuation count as one). The words a rule matched are <mark>highlighted</mark>. "
           "Plates are shown as tokens, personal data as [LABELS]. Every row is in flagged.csv "
           "and in the database.</p>\n");
    int64_t nflagged = 0;
    one_int(h, "SELECT COALESCE(SUM(flagged), 0) FROM sources", &nflagged);
    if (nflagged >= SL_SPREADSHEET_ROWS) { /* a header and one line per row: too many lines */
        raw(h, "<p class=\"warn\">flagged.csv holds ");
        num(h, nflagged);
        raw(h, " rows: " SL_SPREADSHEET_ADVICE "</p>\n");
    }
    if (!prep(h, /* categories that flag rows (counted); a descriptive pack's (`finding no`: the dropdown
             * value picked) rides along on rows flagged for something else */
            "SELECT DISTINCT category FROM hit_sets WHERE category IN"
            " (SELECT category FROM counts WHERE category <> 'all') ORDER BY category", &c)) return;
    int ok = prep(h,
                  /* the first row of each hit set is where it was first seen: rows with the
                   * same flags on the same texts share a set (docs/SCHEMA.md). In the order
                   * read, from the index; pick_examples stops once it has its examples. */
                  "SELECT h.first_row, CASE h.field WHEN 'org' THEN r.org WHEN 'offense_type' THEN"
                  " r.offense WHEN 'text_prompt' THEN r.text_prompt ELSE r.reason END, h.rule_id"
                  " FROM hit_sets h JOIN flagged_rows r"
                  " ON r.row_id = h.first_row WHERE h.category = ?1 ORDER BY h.first_row",
                  &pick);
    ok = ok && prep(h,
                    "SELECT r.search_time, r.org, r.name, r.reason, r.offense, r.text_prompt, s.cite,"
                    " r.record, r.line, r.categories FROM flagged_rows r JOIN sources s ON s.id = r.source_id"
                    " WHERE r.row_id = ?1",
                    &row);
    ok = ok && prep(h,
                    "SELECT h.rule_id, h.field, h.matched, ru.label FROM hit_sets h"
                    " LEFT JOIN rules ru ON ru.id = h.rule_id WHERE h.set_id ="
                    " (SELECT hit_set FROM flagged_rows WHERE row_id = ?1) AND h.category = ?2"
                    " ORDER BY h.field, h.start, h.rule_id",
                    &hits);
    ok = ok && prep(h,
                    "SELECT DISTINCT h.rule_id, ru.label FROM hit_sets h LEFT JOIN rules ru"
                    " ON ru.id = h.rule_id WHERE h.set_id = (SELECT hit_set FROM flagged_rows"
                    " WHERE row_id = ?1) AND h.category = ?2 ORDER BY h.rule_id",
                    &rules);
    ok = ok && prep(h,
                    "SELECT id, label, means, false_pos FROM rules WHERE id IN"
                    " (SELECT DISTINCT rule_id FROM hit_sets WHERE category = ?1) ORDER BY id",
                    &docs);
    while (ok && next(h, c)) {
        size_t cn;
        const char *cat = sl_out_col(c, 0, &cn);
        char catbuf[128];
        snprintf(catbuf, sizeof catbuf, "%.*s", (int)(cn < sizeof catbuf ? cn : sizeof catbuf - 1), cat);
        raw(h, "<h3>");
        escz(h, catbuf);
        raw(h, "</h3>\n");
        size_t nrules = category_rules(h, docs, catbuf);
        int64_t rids[EXAMPLES];
        size_t nrid = pick_examples(h, pick, catbuf, nrules, rids);
        for (size_t ri = 0; ri < nrid; ri++) {
            int64_t rid = rids[ri];
            sqlite3_bind_int64(row, 1, rid);
            if (!next(h, row)) {
                sqlite3_reset(row);
                continue;
            }
            sqlite3_bind_int64(hits, 1, rid);
            sqlite3_bind_text(hits, 2, catbuf, -1, SQLITE_TRANSIENT);
            raw(h, "<div class=\"ex\">\n<div class=\"meta\">");
            size_t tn, on, nn;
            sl_out_col(row, 0, &tn);
            sl_out_col(row, 1, &on);
            sl_out_col(row, 2, &nn);
            if (tn) col(h, row, 0);
            else raw(h, "time unknown");
            raw(h, " &middot; <b>");
            if (on) col(h, row, 1);
            else if (sqlite3_column_type(row, 1) == SQLITE_NULL) raw(h, "(organization not in the log)");
            else raw(h, "(no organization)");
            raw(h, "</b>");
            if (nn) {
                raw(h, " &middot; ");
                col(h, row, 2);
            }
            raw(h, "</div>\n");
            /* field names as hit_sets writes them (sl_field_name) */
            static const struct { int col; const char *label, *field; } F[] = {
                {1, "Organization", "org"}, {3, "Reason", "reason"},
                {4, "Offense type", "offense_type"}, {5, "Text prompt", "text_prompt"}};
            int org_hit = 0; /* the organization's line only when a rule read its name */
            while (next(h, hits)) {
                const char *f = (const char *)sqlite3_column_text(hits, 1);
                org_hit |= f && !strcmp(f, "org");
            }
            sqlite3_reset(hits);
            for (size_t i = 0; i < SL_ARRAY_LEN(F); i++) {
                size_t n;
                const char *p = sl_out_col(row, F[i].col, &n);
                if (i == 0 ? org_hit : (n || i == 1))
                    marked_field(h, F[i].label, p, n, hits, F[i].field);
            }
            sqlite3_bind_int64(rules, 1, rid);
            sqlite3_bind_text(rules, 2, catbuf, -1, SQLITE_TRANSIENT);
            raw(h, "<div class=\"meta\">Rule: ");
            int first = 1;
            while (next(h, rules)) {
                if (!first) raw(h, "; ");
                first = 0;
                raw(h, "<code>");
                col(h, rules, 0);
                raw(h, "</code> ");
                col(h, rules, 1);
            }
            sqlite3_reset(rules);
            raw(h, " &middot; categories: ");
            col(h, row, 9);
            raw(h, "</div>\n<div class=\"cite\">");
            col(h, row, 6);
            printf_h(h, " record %lld", (long long)sqlite3_column_int64(row, 7));
            if (sqlite3_column_type(row, 8) != SQLITE_NULL)
                printf_h(h, " (line %lld)", (long long)sqlite3_column_int64(row, 8));
            raw(h, "</div>\n</div>\n");
            sqlite3_reset(row);
        }
    }
    sqlite3_finalize(c);
    sqlite3_finalize(pick);
    sqlite3_finalize(row);
    sqlite3_finalize(hits);
    sqlite3_finalize(rules);
    sqlite3_finalize(docs);
}

/* The event-log entries (administrative actions: a hot list entry, an alert, a review) whose
 * details name the plate, up to NAMED_ROWS of them. */
static void named_events(html *h, sqlite3_stmt *q, const char *tok, int64_t n) {
    if (!n || h->rc) return;
    raw(h, "<p>");
    num(h, n);
    raw(h, n == 1 ? " event-log entry names" : " event-log entries name");
    raw(h, " it: administrative actions (a hot-list entry, an alert, an audit review), not "
           "searches. Their details are in the database (table events, with named_events).</p>\n"
           "<div class=\"scroll\"><table><tr><th>time</th><th>user</th><th>event</th>"
           "<th>entity</th><th>source</th></tr>\n");
    sqlite3_bind_text(q, 1, tok, -1, SQLITE_TRANSIENT);
    while (next(h, q)) {
        raw(h, "<tr><td class=\"m\">");
        col(h, q, 0);
        for (int c = 1; c <= 3; c++) {
            raw(h, "</td><td>");
            col(h, q, c);
        }
        raw(h, "</td><td class=\"mono\">");
        col(h, q, 4);
        printf_h(h, " record %lld", (long long)sqlite3_column_int64(q, 5));
        if (sqlite3_column_type(q, 6) != SQLITE_NULL)
            printf_h(h, " (line %lld)", (long long)sqlite3_column_int64(q, 6));
        raw(h, "</td></tr>\n");
    }
    sqlite3_reset(q);
    raw(h, "</table></div>\n");
}

/* The plates named with --plate: for each, its rows and every row (up to NAMED_ROWS) with
 * who searched, when, how widely, why and where it is written. Shown only when plates were
 * named. */
#define NAMED_ROWS 1000
static void named_plates(html *h) {
    sqlite3_stmt *s = NULL, *sum = NULL, *rows = NULL, *evq = NULL;
    if (!prep(h, "SELECT value FROM run WHERE key = 'named_plates'", &s)) return;
    if (!next(h, s)) {
        sqlite3_finalize(s);
        return;
    }
    int ok = prep(h, SL_OUT_NAMED_SUMMARY, &sum);
    ok = ok && prep(h,
                    "SELECT r.search_time, r.org, r.name, r.networks, r.tf_start, r.tf_end,"
                    " r.reason, r.case_number, n.how, s.cite, r.record, r.line, r.search_type"
                    " FROM named_plates n JOIN flagged_rows r ON r.row_id = n.row_id"
                    " JOIN sources s ON s.id = r.source_id WHERE n.plate_token = ?1"
                    " ORDER BY r.search_time IS NULL, r.search_time, r.row_id"
                    " LIMIT " SL_OUT_STR(NAMED_ROWS), &rows);
    ok = ok && prep(h,
                    "SELECT e.time, e.user, e.event_type, e.entity_type, s.cite, e.record, e.line"
                    " FROM named_events n JOIN events e ON e.rowid = n.event"
                    " JOIN sources s ON s.id = e.source_id WHERE n.plate_token = ?1"
                    " ORDER BY e.time IS NULL, e.time, e.rowid LIMIT " SL_OUT_STR(NAMED_ROWS),
                    &evq);
    if (ok)
        sqlite3_bind_text(sum, 1, (const char *)sqlite3_column_text(s, 0), -1, SQLITE_TRANSIENT);
    int64_t all = 0, unread = 0;
    one_int(h, "SELECT COALESCE(SUM(n), 0) FROM (" KEPT_STATES " AND field = 'plate')", &all);
    one_int(h, "SELECT COALESCE(SUM(n), 0) FROM (" KEPT_STATES " AND field = 'plate' AND"
               " state NOT IN ('value', 'partly_redacted'))", &unread);
    raw(h, "<h2 id=\"named\">Plates you named</h2>\n<p>The plates given with <code>--plate</code>, "
           "shown only as their tokens. A row searched one when its plate cell holds it "
           "(<b>plate</b>), when a wildcard pattern there fits it (<b>pattern</b>: the search "
           "could have returned this car among others), or when its reason, case number or other "
           "free text names it (<b>text</b>). Every such row is in flagged.csv and the database "
           "with the category <code>" SL_NAMED_CATEGORY "</code>, whatever its reason. "
           "Rows, not distinct searches: one search appears in every log it touched.</p>\n");
    if (unread) {
        raw(h, "<p class=\"warn\">");
        num(h, unread);
        raw(h, " of the ");
        num(h, all);
        raw(h, " search rows (");
        pct(h, unread, all);
        raw(h, ") have no readable plate (empty, redacted by the vendor or the agency, or no "
               "plate column: Flock's network audits hide plates as *** since December 2025). A "
               "search of a plate named here can be among them, and this report cannot see "
               "it; only their free text was read. The organizations' own audits, or an "
               "unredacted release, can answer for them.</p>\n");
    }
    while (ok && next(h, sum)) {
        const char *tok = (const char *)sqlite3_column_text(sum, 0);
        int64_t n = sqlite3_column_int64(sum, 1);
        raw(h, "<h3 class=\"mono\">");
        escz(h, tok);
        raw(h, "</h3>\n<p>");
        if (!n) {
            raw(h, unread ? "No row found to have searched it; the rows without a readable plate "
                            "(above) could not be checked.</p>\n"
                          : "No search row in these files searched it.</p>\n");
            named_events(h, evq, tok, sqlite3_column_int64(sum, 10));
            continue;
        }
        int64_t rep = sqlite3_column_int64(sum, 2), nsrc = sqlite3_column_int64(sum, 3),
                norg = sqlite3_column_int64(sum, 4);
        num(h, n);
        raw(h, n == 1 ? " row in " : " rows in ");
        num(h, nsrc);
        raw(h, nsrc == 1 ? " source, by " : " sources, by ");
        num(h, norg);
        raw(h, norg == 1 ? " organization" : " organizations");
        if (sqlite3_column_type(sum, 5) != SQLITE_NULL) {
            raw(h, ", from ");
            col(h, sum, 5);
            raw(h, " to ");
            col(h, sum, 6);
        }
        raw(h, ". Found by the plate cell: ");
        num(h, sqlite3_column_int64(sum, 7));
        raw(h, "; by a wildcard pattern: ");
        num(h, sqlite3_column_int64(sum, 8));
        raw(h, "; in free text: ");
        num(h, sqlite3_column_int64(sum, 9));
        raw(h, ".");
        if (rep) {
            raw(h, " ");
            num(h, rep);
            raw(h, rep == 1 ? " row repeats" : " rows repeat");
            raw(h, " a search already seen in an earlier source (the same search ID, or the same "
                   "organization, second and networks searched): about ");
            num(h, n - rep);
            raw(h, n - rep == 1 ? " distinct search." : " distinct searches.");
        }
        raw(h, "</p>\n<div class=\"scroll\"><table><tr><th>search time</th><th>organization</th>"
               "<th>name</th><th class=\"n\">networks</th><th>time frame</th><th>reason</th>"
               "<th>case #</th><th>search type</th><th>found by</th><th>source</th></tr>\n");
        sqlite3_bind_text(rows, 1, tok, -1, SQLITE_TRANSIENT);
        while (next(h, rows)) {
            size_t rn, cn;
            const char *rp = sl_out_col(rows, 6, &rn), *cp = sl_out_col(rows, 7, &cn);
            raw(h, "<tr><td class=\"m\">");
            col(h, rows, 0);
            raw(h, "</td><td>");
            col(h, rows, 1);
            raw(h, "</td><td>");
            col(h, rows, 2);
            raw(h, "</td><td class=\"n\">");
            if (sqlite3_column_type(rows, 3) != SQLITE_NULL) num(h, sqlite3_column_int64(rows, 3));
            raw(h, "</td><td class=\"m\">");
            if (sqlite3_column_type(rows, 4) != SQLITE_NULL ||
                sqlite3_column_type(rows, 5) != SQLITE_NULL) {
                col(h, rows, 4);
                raw(h, " to ");
                col(h, rows, 5);
            }
            raw(h, "</td><td>");
            escz(h, redact(h, &h->t1, rp, rn));
            raw(h, "</td><td>");
            escz(h, redact(h, &h->t2, cp, cn));
            raw(h, "</td><td>");
            col(h, rows, 12);
            raw(h, "</td><td>");
            col(h, rows, 8);
            raw(h, "</td><td class=\"mono\">");
            col(h, rows, 9);
            printf_h(h, " record %lld", (long long)sqlite3_column_int64(rows, 10));
            if (sqlite3_column_type(rows, 11) != SQLITE_NULL)
                printf_h(h, " (line %lld)", (long long)sqlite3_column_int64(rows, 11));
            raw(h, "</td></tr>\n");
        }
        sqlite3_reset(rows);
        raw(h, "</table></div>\n");
        if (n > NAMED_ROWS) {
            raw(h, "<p>The first " SL_OUT_STR(NAMED_ROWS) " rows by search time; all ");
            num(h, n);
            raw(h, " are in flagged.csv (category " SL_NAMED_CATEGORY ") and in the database "
                   "(table named_plates).</p>\n");
        }
        named_events(h, evq, tok, sqlite3_column_int64(sum, 10));
    }
    sqlite3_finalize(evq);
    sqlite3_finalize(s);
    sqlite3_finalize(sum);
    sqlite3_finalize(rows);
}

static void accounting(html *h) {
    sqlite3_stmt *s = NULL, *r = NULL;
    raw(h, "<h2 id=\"accounting\">Accounting</h2>\n<p>Every source read (a file, a member of an "
           "archive, a sheet of a workbook). Rows read = searches + rejected + header repeats + "
           "blank + rows set aside (sheets of a workbook that hold no log, such as notes or pivot "
           "tables, documents that came with the release, such as a README, a cover letter or "
           "a JSON file, and a title or note above a log's header). Rejected rows are listed by reason with the first record numbers, so they can "
           "be found in the file. Record numbers count CSV records (the header is record 1), not "
           "text lines.</p>\n");
    if (!prep(h,
              "SELECT id, cite, sha256, kind, records, searches, header_repeats, blank + set_aside,"
              " time_min, time_max, records - searches - rejected - header_repeats - blank - set_aside,"
              " kind_how"
              " FROM sources ORDER BY id",
              &s))
        return;
    if (!prep(h, "SELECT reason, count, first_records, help FROM rejections WHERE source_id = ?1 ORDER BY reason", &r)) {
        sqlite3_finalize(s);
        return;
    }
    raw(h, "<table>\n<tr><th>source</th><th>SHA-256</th><th>kind</th><th class=\"n\">rows read</th>"
           "<th class=\"n\">searches</th><th>rejected</th><th class=\"n\">header repeats</th>"
           "<th class=\"n\" title=\"blank rows, and rows of workbook sheets that hold no log (notes, pivot tables), "
           "of documents (README, cover letter) or above a log's header (a title)\">blank / set aside</th><th>search times (UTC)</th></tr>\n");
    while (next(h, s)) {
        size_t n;
        const char *sha = sl_out_col(s, 2, &n);
        raw(h, "<tr><td class=\"mono\">");
        col(h, s, 1);
        raw(h, "</td><td class=\"mono\" title=\"");
        esc(h, sha, n);
        raw(h, "\">");
        esc(h, sha, n < 12 ? n : 12);
        raw(h, "</td><td title=\"");
        col(h, s, 11);
        raw(h, "\">");
        col(h, s, 3);
        raw(h, "</td><td class=\"n\">");
        num(h, sqlite3_column_int64(s, 4));
        raw(h, "</td><td class=\"n\">");
        num(h, sqlite3_column_int64(s, 5));
        raw(h, "</td><td>");
        sqlite3_bind_int64(r, 1, sqlite3_column_int64(s, 0));
        int any = 0;
        while (next(h, r)) {
            if (any) raw(h, "<br>");
            any = 1;
            raw(h, "<span title=\"");
            col(h, r, 3);
            raw(h, "\">");
            num(h, sqlite3_column_int64(r, 1));
            raw(h, " ");
            col(h, r, 0);
            raw(h, "</span> (record");
            const char *fr = (const char *)sqlite3_column_text(r, 2);
            raw(h, fr && strchr(fr, ',') ? "s " : " ");
            escz(h, fr);
            int64_t listed = 0;
            for (const char *q = fr; q && *q; q++) listed += (*q == ',');
            if (fr && *fr) listed++;
            raw(h, sqlite3_column_int64(r, 1) > listed ? ", &hellip;)" : ")");
        }
        sqlite3_reset(r);
        if (!any) raw(h, "0");
        raw(h, "</td><td class=\"n\">");
        num(h, sqlite3_column_int64(s, 6));
        raw(h, "</td><td class=\"n\">");
        num(h, sqlite3_column_int64(s, 7));
        raw(h, "</td><td>");
        col(h, s, 8);
        if (sqlite3_column_type(s, 9) != SQLITE_NULL) {
            raw(h, " &ndash; ");
            col(h, s, 9);
        }
        if (sqlite3_column_int64(s, 10) != 0) {
            raw(h, "<br><b>does not balance: ");
            num(h, sqlite3_column_int64(s, 10));
            raw(h, " unaccounted</b>");
        }
        raw(h, "</td></tr>\n");
    }
    raw(h, "</table>\n");
    sqlite3_finalize(s);
    sqlite3_finalize(r);
}

static void packs(html *h) {
    sqlite3_stmt *s = NULL;
    raw(h, "<h2 id=\"packs\">Rule packs</h2>\n<p>The rules are data: readable files that carry their own "
           "examples. The same inputs with the same packs give the same report, byte for byte.</p>\n");
    if (!prep(h, "SELECT name, version, file, sha256 FROM packs ORDER BY name, file", &s)) return;
    raw(h, "<table>\n<tr><th>pack</th><th>version</th><th>file</th><th>SHA-256</th></tr>\n");
    while (next(h, s)) {
        raw(h, "<tr><td>");
        col(h, s, 0);
        raw(h, "</td><td>");
        col(h, s, 1);
        raw(h, "</td><td class=\"mono\">");
        col(h, s, 2);
        raw(h, "</td><td class=\"mono\">");
        col(h, s, 3);
        raw(h, "</td></tr>\n");
    }
    raw(h, "</table>\n");
    sqlite3_finalize(s);
}

static void how_to_read(html *h) {
    raw(h, "<h2 id=\"how\">How to read this</h2>\n"
           "<p><b>Findings are leads, not verdicts.</b> A flagged row means a rule matched the "
           "words an officer typed as the reason for a search (or an offense type, or a text "
           "prompt), or, for <code>federal_searcher</code>, the name of the organization that "
           "searched. It does not prove what the search was for: read the row, the rule that "
           "fired and the words it matched, and check the record in the original file (cited "
           "under each example). Each rule's known false positives "
           "are listed beside its category's examples above, and written in its pack.</p>\n"
           "<p><b>Rows are not searches.</b> ");
    escz(h, SL_OUT_ROWS_NOTE);
    raw(h, " Counts here are rows, except where a table says searches: the first screen, "
           "Rows by category, Searches by month and Top organizations also give the distinct "
           "searches, the rows linked across logs (see <a href=\"#searches\">Rows and "
           "searches</a>), and How widely they searched counts them instead of rows.</p>\n"
           "<p><b>Plates and personal data.</b> License plates never appear: each is replaced by a "
           "keyed token (<code>pt_&hellip;</code>); the same plate gives the same token under "
           "the same key, so repeated searches can be counted without revealing the plate. "
           "Dates of birth, SSNs, phone numbers, driver's license numbers, e-mail and street "
           "addresses typed into free text are replaced by labels such as [DOB]. Officers and "
           "agencies are public actors and stay named.</p>\n"
           "<p><b>What the categories mean.</b></p>\n");
    sqlite3_stmt *s = NULL;
    if (prep(h, "SELECT category, id, label FROM rules ORDER BY category, id", &s)) {
        raw(h, "<table>\n<tr><th>category</th><th>rule</th><th>what it looks for</th></tr>\n");
        while (next(h, s)) {
            raw(h, "<tr><td>");
            col(h, s, 0);
            raw(h, "</td><td><code>");
            col(h, s, 1);
            raw(h, "</code></td><td>");
            col(h, s, 2);
            raw(h, "</td></tr>\n");
        }
        raw(h, "</table>\n");
        sqlite3_finalize(s);
    }
    raw(h, "<p><b>What this cannot tell you.</b> Whether a search was lawful or justified; what "
           "was found; searches that were never logged, or logs that were not released; who a "
           "plate belongs to. Reasons are often vague, copied or redacted, and a reason that "
           "matches no rule is not therefore innocent. Rows the tool could not read are "
           "counted and listed under Accounting rather than guessed at.</p>\n");
}

sl_status sl_write_report_html(struct sqlite3 *db, const sl_key *k, const char *path, char *err,
                               size_t errlen) {
    sl_out_totals t;
    sl_status rc = sl_out_totals_get(db, &t, err, errlen);
    if (rc) return rc;
    sl_out o;
    rc = sl_out_open(&o, path);
    html h = {.db = db, .k = k, .b = &o.b, .rc = rc, .msg = o.msg, .msglen = sizeof o.msg};
    head(&h);
    contents(&h);
    first_screen(&h, &t);
    named_plates(&h);
    release_checks(&h);
    categories(&h);
    months(&h);
    reach(&h);
    cells(&h);
    top_orgs(&h);
    operators(&h);
    repeats(&h);
    examples(&h);
    accounting(&h);
    packs(&h);
    how_to_read(&h);
    raw(&h, "</body>\n</html>\n");
    if (h.rc && !o.rc) {
        o.rc = h.rc;
        if (!o.msg[0]) snprintf(o.msg, sizeof o.msg, "%s: %s", path, sl_status_str(h.rc));
    }
    sl_buf_free(&h.t1);
    sl_buf_free(&h.t2);
    sl_buf_free(&h.t3);
    return sl_out_close(&o, err, errlen);
}
