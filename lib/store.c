/* store.c: the run's SQLite database. One transaction, prepared statements, no journal: the file
 * is a temporary that the scan renames into place only when the whole run succeeded. Plates are
 * tokenized and plates typed into free text replaced before anything is written; counts by
 * organization x month x category are kept in memory (lib/counts.c) and written sorted.
 * Flagged rows, one per flagged search and most of what is written, do not go through SQLite's
 * insert: their pages are built by lib/btree.c and spliced into the committed file at the end
 * (sl_store_finish), which then is opened again for the writers of the other outputs. */
#include "store.h"

#include "btree.h"
#include "counts.h"
#include "links.h"
#include "operators.h"
#include "repeats.h"
#include "out.h"
#include "redact.h"
#include "timeparse.h"

#include <errno.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Redacted columns of one flagged_rows insert: reason, case, offense, filters, text prompt. */
#define RED_COLS 5

/* Columns of flagged_rows (DDL below). */
#define ROW_COLS 26
/* Columns of hit_sets. */
#define HIT_COLS 8

/* Cap on hit sets shared between rows (each keeps its key in memory); past it, new sets are
 * still written, one per row, not shared. */
#define SET_CAP (1u << 20)

/* A hit set already written: its key, then its categories and rule ids, comma-joined. */
typedef struct {
    uint64_t h;
    int64_t id;
    char *key;
    size_t klen, catlen, rulelen;
} set_cell;

typedef struct {
    set_cell *cells;
    size_t n, cap;
} set_tab;

/* Search rows by how widely the search reached (Total Networks Searched: organizations whose
 * cameras it covered) in buckets, per category, for the reach table: counted beside `counts`
 * on the scan's thread and staged with the source the same way. Bucket REACH_UNKNOWN holds rows
 * with no number of networks (a log without the column, a redacted or unreadable cell). */
#define REACH_CATS 64
enum { REACH_BUCKETS = SL_REACH_BUCKETS, REACH_UNKNOWN = SL_REACH_BUCKETS - 1 };
_Static_assert(SL_REACH_BUCKETS == SL_LINKS_REACH, "links count searches in the same buckets");
const int64_t sl_reach_min[SL_REACH_BUCKETS] = {0, 1, 2, 11, 101, 1001, -1};
const int64_t sl_reach_max[SL_REACH_BUCKETS] = {0, 1, 10, 100, 1000, -1, -1};

typedef struct {
    char *category;
    const char *as_passed; /* the caller's pointer (a pack's category): found without strcmp */
    uint64_t run[REACH_BUCKETS], stage[REACH_BUCKETS];
} reach_cell;

struct sl_store {
    sqlite3 *db;
    char *path;           /* the database file */
    sl_btree *rows;       /* flagged_rows, built outside SQLite */
    sl_btree *hits;       /* hit_sets, the same way */
    sl_btree *fsrch;      /* flagged_searches, the same way, at the end */
    sqlite3_stmt *meta, *pack, *rule, *source, *rej, *fstate, *ferr, *diag;
    sqlite3_stmt *event, *finding, *check; /* issue 3: events, release findings, source checks */
    sl_status first;
    int finished;
    int64_t next_row;
    char err[512];
    sl_buf tmp;           /* redaction scratch */
    sl_buf fix[ROW_COLS]; /* text values made valid UTF-8 for the row being appended */
    sl_buf red[RED_COLS]; /* stored texts of one flagged row, bound without a copy */
    sl_buf pub[RED_COLS]; /* the same texts as published */
    sl_slice red_s[RED_COLS], pub_s[RED_COLS]; /* the row's: in red/pub, or its own text */
    sl_redact_memo *memo;
    set_tab sets;         /* hit sets written, by key */
    sl_buf setkey;
    int64_t next_set, mark_set;
    int64_t next_hit, mark_hit; /* hit_sets' rowids */
    char iso[3][21];      /* times of one flagged row, bound without a copy */
    int64_t iso_day[3];   /* the day each iso[] holds (sl_time_format_day) */
    sl_buf key;           /* scratch: an event's details */
    sl_buf cats;          /* categories of the last row, comma-joined */
    sl_buf rules;         /* rule ids of the last row, distinct, sorted, comma-joined */
    char token[SL_TOKEN_LEN + 1];
    sl_store_written written; /* what the last sl_store_row_add wrote */
    /* Counting runs on the scan's thread while flagged rows may be written on another
     * (lib/flagq.c), so it keeps its own error and never touches `first`; the two meet in
     * sl_store_source_end and sl_store_finish, which run only when the writer is idle. */
    sl_status cfirst;
    char cerr[160];
    sl_counts *counts;    /* organization x month x category */
    sl_operators *ops;    /* organization x user x category */
    uint64_t op_findings; /* rows written to operator_findings */
    sl_repeats *reps;     /* user x plate: the rows kept until the end */
    sl_links *links;      /* every search row, linked into searches at the end */
    uint64_t rep_findings; /* rows written to plate_repeats */
    uint64_t searches;     /* distinct searches (sl_store_search_links) */
    uint32_t row_group;   /* the counts' (organization, month) of the row last counted */
    int row_reach;        /* and its reach bucket (both for sl_store_link_row) */
    const uint64_t *src_repeats; /* per source: rows repeating a search (owned by links) */
    uint32_t nsrc_repeats;
    char *cite;           /* the source being read (sl_store_source_begin) */
    reach_cell *reach;    /* category x how widely, up to REACH_CATS categories */
    size_t nreach;
    int staging;          /* a source is open (sl_store_source_begin) */
    int64_t mark_row;     /* first row id of the open source */
    int64_t nevents, mark_event;
    sqlite3_stmt *drop_events;
    /* --plate: the plates named, their tokens, their rows */
    const sl_named *named;
    char named_tok[SL_NAMED_MAX][SL_TOKEN_LEN + 1];
    sl_buf known;         /* a named row's plates for redaction: the named ones it searched,
                             then its plate cell */
    sl_buf rowcats;       /* a named row's categories: its set's, and named_plate */
    sqlite3_stmt *named_ins, *drop_named, *named_ev, *drop_named_ev;
};

/* ---- errors ------------------------------------------------------------------------------- */

static sl_status fail(sl_store *st, sl_status rc, const char *what) {
    if (st->first == SL_OK) {
        st->first = rc;
        if (rc == SL_EDB && st->db) {
            /* SQLite says "disk I/O error"; the system's reason (a full disk) is the errno of
             * the write it failed on, which SQLite does not keep (sqlite3_system_errno reads
             * errno again after its clean-up has cleared it: 0) but which is still errno
             * here: taken when it is a reason a write fails for */
            const int x = sqlite3_extended_errcode(st->db) & 0xff, e = errno;
            int se = x == SQLITE_IOERR || x == SQLITE_FULL || x == SQLITE_CANTOPEN
                         ? sqlite3_system_errno(st->db) : 0;
            if (!se && (x == SQLITE_IOERR || x == SQLITE_FULL) &&
                (e == ENOSPC || e == EFBIG || e == EDQUOT || e == EIO || e == EROFS))
                se = e;
            snprintf(st->err, sizeof st->err, "database: %s: %s%s%s%s", what,
                     sqlite3_errmsg(st->db), se ? " (" : "", se ? strerror(se) : "", se ? ")" : "");
        } else
            snprintf(st->err, sizeof st->err, "database: %s: %s", what, sl_status_str(rc));
    }
    return rc;
}

/* A failure of a table written page by page (flagged_rows, hit_sets), with lib/btree.c's
 * reason. */
static sl_status bt_fail(sl_store *st, sl_status rc, const sl_btree *b, const char *table) {
    if (st->first == SL_OK) {
        st->first = rc;
        snprintf(st->err, sizeof st->err, "database: %s: %s", table, sl_btree_errmsg(b));
    }
    return rc;
}

static sl_status step_reset(sl_store *st, sqlite3_stmt *s, const char *what) {
    int rc = sqlite3_step(s);
    sqlite3_reset(s);
    sqlite3_clear_bindings(s);
    if (rc != SQLITE_DONE) return fail(st, SL_EDB, what);
    return SL_OK;
}

/* ---- binding helpers ---------------------------------------------------------------------- */

/* Text is stored as SQLite expects it, valid UTF-8: the invalid bytes a cell or a file name
 * kept from its source (counted in sources.invalid_utf8; the file still holds them) become
 * U+FFFD, as in the other outputs. Stored as they were, they made Python's sqlite3 (pandas,
 * most scripts) refuse the whole table. Nearly all text is ASCII and is bound as it is. */
static void bind_txt(sqlite3_stmt *s, int i, const char *p, size_t n) {
    if (!p) p = "";
    if (sl_out_utf8_valid(p, n) != n) {
        sl_buf b = {0};
        if (sl_out_utf8(&b, p, n) == SL_OK && b.p) {
            sqlite3_bind_text64(s, i, b.p, (sqlite3_uint64)b.len, SQLITE_TRANSIENT, SQLITE_UTF8);
            sl_buf_free(&b);
            return;
        }
        sl_buf_free(&b); /* out of memory: the bytes as they are */
    }
    sqlite3_bind_text64(s, i, p, (sqlite3_uint64)n, SQLITE_TRANSIENT, SQLITE_UTF8);
}

static void bind_str(sqlite3_stmt *s, int i, const char *z) {
    if (z) bind_txt(s, i, z, strlen(z));
    else sqlite3_bind_null(s, i);
}

static void bind_u64(sqlite3_stmt *s, int i, uint64_t v) {
    sqlite3_bind_int64(s, i, (sqlite3_int64)(v > (uint64_t)INT64_MAX ? INT64_MAX : v));
}

static void bind_time(sqlite3_stmt *s, int i, int64_t t) {
    if (t == SL_TIME_NONE) {
        sqlite3_bind_null(s, i);
        return;
    }
    char iso[21];
    sl_time_format(t, iso);
    sqlite3_bind_text(s, i, iso, -1, SQLITE_TRANSIENT);
}

/* ---- flagged-row values (lib/btree.h): texts are borrowed until the row is appended -------- */

static sl_bval v_null(void) { return (sl_bval){SL_BV_NULL, 0, NULL, 0}; }

static sl_bval v_int(int64_t i) { return (sl_bval){SL_BV_INT, i, NULL, 0}; }

static sl_bval v_u64(uint64_t u) { return v_int(u > (uint64_t)INT64_MAX ? INT64_MAX : (int64_t)u); }

static sl_bval v_text(const char *p, size_t n) { return (sl_bval){SL_BV_TEXT, 0, p ? p : "", n}; }

static sl_bval v_str(const char *z) { return z ? v_text(z, strlen(z)) : v_null(); }

/* A cell's text, or NULL when the column was not exported. */
static sl_bval v_cell(const sl_cell *c) { return c->st == SL_CELL_ABSENT ? v_null() : v_text(c->p, c->len); }

/* A time formatted into buf (which must outlive the append and keeps its day for the next
 * row's: sl_time_format_day), or NULL. */
static sl_bval v_time(int64_t t, char buf[21], int64_t *day) {
    if (t == SL_TIME_NONE) return v_null();
    sl_time_format_day(t, buf, day);
    return v_text(buf, buf[0] ? 20 : 0);
}

/* ---- schema ------------------------------------------------------------------------------- */

/* The connection's settings, set again when the database is reopened after the splice. */
#define CONN_PRAGMAS                                                                           \
    "PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF;"                                         \
    "PRAGMA cache_size=-16384; PRAGMA temp_store=MEMORY;"

static const char DDL[] =
    "PRAGMA page_size=4096;"
    CONN_PRAGMAS
    "PRAGMA encoding='UTF-8';"
    "CREATE TABLE run(key TEXT PRIMARY KEY, value TEXT);"
    "CREATE TABLE packs(name TEXT NOT NULL, version TEXT, file TEXT, sha256 TEXT);"
    "CREATE TABLE rules(id TEXT PRIMARY KEY, label TEXT, pack TEXT, category TEXT, grp TEXT,"
    " priority INTEGER, means TEXT, matters TEXT, false_pos TEXT, false_neg TEXT);"
    "CREATE TABLE sources(id INTEGER PRIMARY KEY, parent_id INTEGER, cite TEXT NOT NULL,"
    " path TEXT, member TEXT, sheet TEXT, format TEXT, encoding TEXT, delim TEXT, kind TEXT,"
    " kind_how TEXT, size INTEGER, sha256 TEXT, records INTEGER, searches INTEGER,"
    " rejected INTEGER, header_repeats INTEGER, blank INTEGER, invalid_utf8 INTEGER,"
    " flagged INTEGER, time_min TEXT, time_max TEXT, orgs_distinct INTEGER, columns TEXT,"
    " set_aside INTEGER);"
    "CREATE TABLE rejections(source_id INTEGER NOT NULL, reason TEXT NOT NULL, count INTEGER,"
    " first_records TEXT, help TEXT);"
    "CREATE TABLE field_states(source_id INTEGER NOT NULL, field TEXT NOT NULL,"
    " state TEXT NOT NULL, count INTEGER);"
    "CREATE TABLE field_errors(source_id INTEGER NOT NULL, field TEXT NOT NULL, count INTEGER);"
    "CREATE TABLE diagnostics(source_id INTEGER, severity TEXT, code TEXT, record INTEGER,"
    " line INTEGER, message TEXT);"
    "CREATE TABLE flagged_rows(row_id INTEGER PRIMARY KEY, source_id INTEGER NOT NULL,"
    " record INTEGER, line INTEGER, search_id TEXT, search_time TEXT, org TEXT,"
    " name TEXT, user_id TEXT, networks INTEGER, devices INTEGER, tf_start TEXT, tf_end TEXT,"
    " plate_token TEXT, plate_state TEXT, reason TEXT, reason_state TEXT, case_number TEXT,"
    " case_state TEXT, offense TEXT, filters TEXT, search_type TEXT, text_prompt TEXT,"
    " moderation TEXT, categories TEXT, hit_set INTEGER NOT NULL);"
    "CREATE TABLE hit_sets(set_id INTEGER NOT NULL, first_row INTEGER NOT NULL,"
    " rule_id TEXT NOT NULL, category TEXT, field TEXT, start INTEGER, \"end\" INTEGER,"
    " matched TEXT);"
    "CREATE VIEW flag_hits AS SELECT r.row_id, h.rule_id, h.category, h.field, h.start,"
    " h.\"end\", h.matched FROM flagged_rows r JOIN hit_sets h ON h.set_id = r.hit_set;"
    "CREATE TABLE counts(org TEXT NOT NULL, month TEXT NOT NULL, category TEXT NOT NULL,"
    " rows INTEGER NOT NULL, searches INTEGER, PRIMARY KEY(org, month, category));"
    "CREATE TABLE reach(category TEXT NOT NULL, networks_min INTEGER, networks_max INTEGER,"
    " rows INTEGER NOT NULL, searches INTEGER);"
    "CREATE TABLE cell_counts(org TEXT NOT NULL, month TEXT NOT NULL, field TEXT NOT NULL,"
    " state TEXT NOT NULL, rows INTEGER NOT NULL, PRIMARY KEY(org, month, field, state));"
    "CREATE TABLE events(source_id INTEGER NOT NULL, record INTEGER, line INTEGER,"
    " time TEXT, timestamp TEXT, user TEXT, event_type TEXT, entity_type TEXT, details TEXT,"
    " event_id TEXT);"
    "CREATE TABLE release_findings(seq INTEGER PRIMARY KEY, code TEXT NOT NULL, severity TEXT,"
    " sources TEXT, message TEXT);"
    "CREATE TABLE source_checks(source_id INTEGER PRIMARY KEY, kind_detail TEXT, map TEXT,"
    " producer TEXT, producer_how TEXT, duplicate_of INTEGER, duplicate_how TEXT,"
    " fingerprint TEXT, shifted INTEGER, truncation TEXT);"
    "CREATE TABLE named_plates(row_id INTEGER NOT NULL, plate_token TEXT NOT NULL,"
    " how TEXT NOT NULL);"
    "CREATE TABLE named_events(event INTEGER NOT NULL, plate_token TEXT NOT NULL);"
    "CREATE TABLE operator_counts(org TEXT NOT NULL, source TEXT NOT NULL,"
    " user_field TEXT NOT NULL, user TEXT NOT NULL, category TEXT NOT NULL,"
    " rows INTEGER NOT NULL, PRIMARY KEY(org, source, user_field, user, category));"
    "CREATE TABLE operator_findings(rank INTEGER PRIMARY KEY, org TEXT NOT NULL,"
    " source TEXT NOT NULL, user_field TEXT NOT NULL, user TEXT NOT NULL, category TEXT NOT NULL,"
    " rows INTEGER NOT NULL, hits INTEGER NOT NULL, peers INTEGER NOT NULL,"
    " peer_rows INTEGER NOT NULL, peer_hits INTEGER NOT NULL, p_value REAL NOT NULL);"
    "CREATE TABLE plate_repeats(rank INTEGER PRIMARY KEY, org TEXT NOT NULL,"
    " source TEXT NOT NULL, user_field TEXT NOT NULL, user TEXT NOT NULL,"
    " plate_token TEXT NOT NULL, searches INTEGER NOT NULL, rows INTEGER NOT NULL,"
    " days INTEGER NOT NULL, first_time TEXT NOT NULL, last_time TEXT NOT NULL,"
    " searches_with_case INTEGER NOT NULL, case_numbers INTEGER NOT NULL,"
    " reasons INTEGER NOT NULL, searches_no_reason INTEGER NOT NULL,"
    " searches_flagged INTEGER NOT NULL);"
    "CREATE TABLE plate_repeat_rows(rank INTEGER NOT NULL, source_id INTEGER NOT NULL,"
    " record INTEGER NOT NULL, line INTEGER NOT NULL, search_time TEXT NOT NULL);"
    "CREATE TABLE search_counts(category TEXT PRIMARY KEY, rows INTEGER NOT NULL,"
    " searches INTEGER NOT NULL);"
    "CREATE TABLE flagged_searches(row_id INTEGER PRIMARY KEY, search INTEGER NOT NULL);"
    "CREATE TABLE source_searches(source_id INTEGER PRIMARY KEY, rows INTEGER NOT NULL,"
    " repeats INTEGER NOT NULL);"
    "CREATE VIEW accounting AS SELECT id, cite, records, searches, rejected, header_repeats,"
    " blank, set_aside, records - searches - rejected - header_repeats - blank - set_aside"
    " AS unaccounted FROM sources;";

static sl_status prep(sl_store *st, sqlite3_stmt **s, const char *sql) {
    if (sqlite3_prepare_v2(st->db, sql, -1, s, NULL) != SQLITE_OK) return fail(st, SL_EDB, sql);
    return SL_OK;
}

/* A table written page by page, its spill at the database's path plus "-" and suffix. */
static sl_status open_pages(sl_store *st, sl_btree **b, const char *suffix, int64_t page) {
    sl_buf sp = {0};
    sl_status rc = sl_buf_printf(&sp, "%s-%s", st->path, suffix);
    if (!rc) rc = sl_buf_nul(&sp);
    if (!rc) rc = sl_btree_open(b, sp.p, page > 0 && page <= 65536 ? (uint32_t)page : 0);
    if (rc == SL_EIO) {
        st->first = rc;
        snprintf(st->err, sizeof st->err, "database: %s: %s", sp.p, strerror(errno));
    } else if (rc) {
        fail(st, rc, suffix);
    }
    sl_buf_free(&sp);
    return rc;
}

sl_status sl_store_open(sl_store **out, const char *path, char *err, size_t errlen) {
    *out = NULL;
    if (unlink(path) != 0 && errno != ENOENT) {
        if (err && errlen) snprintf(err, errlen, "%s: cannot replace: %s", path, strerror(errno));
        return SL_EIO;
    }
    sl_store *st = calloc(1, sizeof *st);
    if (!st) return SL_ENOMEM;
    if (!(st->counts = sl_counts_new()) || !(st->ops = sl_operators_new())) {
        sl_counts_free(st->counts);
        free(st);
        return SL_ENOMEM;
    }
    st->next_row = 1;
    st->next_set = 1;
    st->next_hit = 1;
    sl_status rc = SL_OK;
    if (sqlite3_open_v2(path, &st->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, NULL) != SQLITE_OK)
        rc = fail(st, SL_EDB, path);
    if (!rc && sqlite3_exec(st->db, DDL, NULL, NULL, NULL) != SQLITE_OK) rc = fail(st, SL_EDB, "schema");
    if (!rc && !(st->path = strdup(path))) rc = fail(st, SL_ENOMEM, "open");
    if (!rc && !(st->reps = sl_repeats_new(path))) rc = fail(st, SL_ENOMEM, "open");
    if (!rc && !(st->links = sl_links_new(path))) rc = fail(st, SL_ENOMEM, "open");
    sqlite3_stmt *q = NULL;
    int64_t page = 0;
    if (!rc) rc = prep(st, &q, "PRAGMA page_size");
    if (!rc && sqlite3_step(q) == SQLITE_ROW) page = sqlite3_column_int64(q, 0);
    sqlite3_finalize(q);
    /* the pages of flagged_rows and hit_sets, spilled beside the database until spliced */
    if (!rc) rc = open_pages(st, &st->rows, "rows", page);
    if (!rc) rc = open_pages(st, &st->hits, "hits", page);
    if (!rc) rc = open_pages(st, &st->fsrch, "searches", page);
    if (!rc && sqlite3_exec(st->db, "BEGIN", NULL, NULL, NULL) != SQLITE_OK) rc = fail(st, SL_EDB, "begin");
    if (!rc) rc = prep(st, &st->meta, "INSERT OR REPLACE INTO run(key, value) VALUES(?1, ?2)");
    if (!rc) rc = prep(st, &st->pack, "INSERT INTO packs VALUES(?1, ?2, ?3, ?4)");
    if (!rc) rc = prep(st, &st->rule, "INSERT OR REPLACE INTO rules VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)");
    if (!rc)
        rc = prep(st, &st->source,
                  "INSERT OR REPLACE INTO sources VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10,"
                  " ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20, ?21, ?22, ?23, ?24, ?25)");
    if (!rc) rc = prep(st, &st->rej, "INSERT INTO rejections VALUES(?1, ?2, ?3, ?4, ?5)");
    if (!rc) rc = prep(st, &st->fstate, "INSERT INTO field_states VALUES(?1, ?2, ?3, ?4)");
    if (!rc) rc = prep(st, &st->ferr, "INSERT INTO field_errors VALUES(?1, ?2, ?3)");
    if (!rc) rc = prep(st, &st->diag, "INSERT INTO diagnostics VALUES(?1, ?2, ?3, ?4, ?5, ?6)");
    if (!rc)
        rc = prep(st, &st->event,
                  "INSERT INTO events VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)");
    if (!rc) rc = prep(st, &st->finding, "INSERT INTO release_findings VALUES(?1, ?2, ?3, ?4, ?5)");
    if (!rc)
        rc = prep(st, &st->check,
                  "INSERT OR REPLACE INTO source_checks VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)");
    if (!rc) rc = prep(st, &st->named_ins, "INSERT INTO named_plates VALUES(?1, ?2, ?3)");
    if (!rc) rc = prep(st, &st->named_ev, "INSERT INTO named_events VALUES(?1, ?2)");
    if (rc) {
        if (err && errlen) snprintf(err, errlen, "%s", st->err);
        sl_store_close(st);
        /* nothing half-made is left behind: the database and its journal */
        unlink(path);
        sl_buf j = {0};
        if (!sl_buf_printf(&j, "%s-journal", path) && !sl_buf_nul(&j)) unlink(j.p);
        sl_buf_free(&j);
        return rc;
    }
    *out = st;
    return SL_OK;
}

const char *sl_store_errmsg(const sl_store *st) {
    return !st ? "" : st->err[0] ? st->err : st->cerr;
}

/* A counting error becomes the store's error (at a point where no row is being written). */
static sl_status take_count_error(sl_store *st) {
    if (st->cfirst && !st->first) {
        st->first = st->cfirst;
        snprintf(st->err, sizeof st->err, "%s", st->cerr);
    }
    return st->first;
}

struct sqlite3 *sl_store_db(sl_store *st) { return st ? st->db : NULL; }

/* ---- reasons for rejection ---------------------------------------------------------------- */

const char *sl_reject_name(sl_reject r) {
    switch (r) {
    case SL_REJ_TOO_LARGE: return "record_too_large";
    case SL_REJ_UNTERMINATED: return "unterminated_quote";
    case SL_REJ_NO_HEADER: return "no_header";
    case SL_REJ_NOT_SEARCH: return "not_a_search";
    case SL_REJ_CUT_OFF: return "cut_off";
    case SL_REJ_MALFORMED: return "malformed";
    case SL_REJ__COUNT: break;
    }
    return "unknown";
}

const char *sl_reject_help(sl_reject r) {
    switch (r) {
    case SL_REJ_TOO_LARGE:
        return "The record was larger than the size cap (usually a quote that never closes "
               "swallowing the rest of the file); it was skipped and reading went on.";
    case SL_REJ_UNTERMINATED:
        return "The file ends inside a quoted cell: it was probably cut off, so the last "
               "record is incomplete.";
    case SL_REJ_NO_HEADER:
        return "No recognisable header row was found, so the columns could not be named; "
               "every record of this source was set aside rather than guessed at.";
    case SL_REJ_NOT_SEARCH:
        return "The record was read but holds no search data (no time, organization or "
               "reason), for example a footer, a note or a shifted row.";
    case SL_REJ_CUT_OFF:
        return "The source could not be read past this record (a read error, a damaged "
               "archive or a web page cut off inside a table, reported for the source), so the "
               "record is incomplete.";
    case SL_REJ_MALFORMED:
        return "The record does not parse in its file's format (a line of a JSON Lines file "
               "that is not whole JSON, as a save that stopped mid-line and went on leaves); it "
               "was skipped and reading went on at the next line.";
    case SL_REJ__COUNT: break;
    }
    return "Unknown reason.";
}

/* ---- run, rules --------------------------------------------------------------------------- */

sl_status sl_store_meta(sl_store *st, const char *key, const char *value) {
    if (st->first) return st->first;
    bind_str(st->meta, 1, key);
    bind_str(st->meta, 2, value);
    return step_reset(st, st->meta, "run metadata");
}

sl_status sl_store_rules(sl_store *st, const sl_rules *r) {
    if (st->first) return st->first;
    size_t np = sl_rules_pack_count(r);
    for (size_t i = 0; i < np; i++) {
        sl_pack_info pi;
        sl_rules_pack_info(r, i, &pi);
        bind_str(st->pack, 1, pi.name);
        bind_str(st->pack, 2, pi.version);
        bind_str(st->pack, 3, pi.path); /* the file name only (sunlight.h): no local paths */
        bind_str(st->pack, 4, pi.sha256);
        sl_status rc = step_reset(st, st->pack, "packs");
        if (rc) return rc;
    }
    size_t nr = sl_rules_count(r);
    for (size_t i = 0; i < nr; i++) {
        sl_rule_info ri;
        sl_rules_info(r, i, &ri);
        bind_str(st->rule, 1, ri.id);
        bind_str(st->rule, 2, ri.label);
        bind_str(st->rule, 3, ri.pack);
        bind_str(st->rule, 4, ri.category);
        bind_str(st->rule, 5, ri.group);
        sqlite3_bind_int(st->rule, 6, ri.priority);
        bind_str(st->rule, 7, ri.means);
        bind_str(st->rule, 8, ri.matters);
        bind_str(st->rule, 9, ri.false_pos);
        bind_str(st->rule, 10, ri.false_neg);
        sl_status rc = step_reset(st, st->rule, "rules");
        if (rc) return rc;
        /* users are compared on a finding category some rule reads beyond the organization */
        if (!ri.descriptive && (ri.reads & ~SL_READS_ORG) &&
            (rc = sl_operators_measure(st->ops, ri.category)))
            return fail(st, rc, "operators");
    }
    return SL_OK;
}

/* ---- sources ------------------------------------------------------------------------------ */

/* JSON string of a header name (control characters escaped; bytes kept otherwise). */
static sl_status json_str(sl_buf *b, const char *z) {
    sl_status rc = sl_buf_putc(b, '"');
    for (const unsigned char *p = (const unsigned char *)(z ? z : ""); !rc && *p; p++) {
        if (*p == '"' || *p == '\\') rc = sl_buf_printf(b, "\\%c", *p);
        else if (*p < 0x20) rc = sl_buf_printf(b, "\\u%04x", *p);
        else rc = sl_buf_putc(b, (char)*p);
    }
    return rc ? rc : sl_buf_putc(b, '"');
}

sl_status sl_store_source(sl_store *st, const sl_source *src, const sl_account *acc) {
    if (st->first) return st->first;
    sqlite3_stmt *s = st->source;
    uint64_t rejected = 0;
    for (int r = 0; r < SL_REJ__COUNT; r++) rejected += acc->rejected[r];
    char delim[2] = {src->delim, 0};
    sl_buf *cols = &st->tmp;
    sl_buf_reset(cols);
    sl_status rc = SL_OK;
    if (acc->schema) {
        rc = sl_buf_putc(cols, '[');
        for (size_t i = 0; !rc && i < acc->schema->ncols && i < SL_SCHEMA_MAX_COLS; i++) {
            if (i) rc = sl_buf_putc(cols, ',');
            if (!rc) rc = json_str(cols, acc->schema->names[i]);
        }
        if (!rc) rc = sl_buf_putc(cols, ']');
        if (rc) return fail(st, rc, "sources");
    }
    sqlite3_bind_int64(s, 1, src->id);
    if (src->parent) sqlite3_bind_int64(s, 2, src->parent);
    else sqlite3_bind_null(s, 2);
    bind_str(s, 3, src->cite);
    bind_str(s, 4, src->path);
    bind_str(s, 5, src->member);
    bind_str(s, 6, src->sheet);
    bind_str(s, 7, src->format);
    bind_str(s, 8, src->encoding);
    bind_str(s, 9, src->delim ? delim : NULL);
    bind_str(s, 10, sl_kind_name(acc->kind));
    bind_str(s, 11, acc->kind_how);
    bind_u64(s, 12, src->size);
    bind_str(s, 13, src->sha256[0] ? src->sha256 : NULL);
    bind_u64(s, 14, acc->records);
    bind_u64(s, 15, acc->searches);
    bind_u64(s, 16, rejected);
    bind_u64(s, 17, acc->header_repeats);
    bind_u64(s, 18, acc->blank);
    bind_u64(s, 19, acc->invalid_utf8);
    bind_u64(s, 20, acc->flagged);
    bind_time(s, 21, acc->time_min);
    bind_time(s, 22, acc->time_max);
    bind_u64(s, 23, acc->orgs_distinct);
    if (acc->schema) bind_txt(s, 24, cols->p, cols->len);
    else sqlite3_bind_null(s, 24);
    bind_u64(s, 25, acc->set_aside);
    rc = step_reset(st, s, "sources");
    if (rc) return rc;

    for (int r = 0; r < SL_REJ__COUNT; r++) {
        if (!acc->rejected[r]) continue;
        char first[SL_FIRST_RECORDS * 22] = "";
        size_t used = 0;
        for (int k = 0; k < SL_FIRST_RECORDS && (uint64_t)k < acc->rejected[r]; k++) {
            if (!acc->first_rejected[r][k]) continue;
            int w = snprintf(first + used, sizeof first - used, "%s%llu", used ? "," : "",
                             (unsigned long long)acc->first_rejected[r][k]);
            if (w < 0 || (size_t)w >= sizeof first - used) break;
            used += (size_t)w;
        }
        sqlite3_bind_int64(st->rej, 1, src->id);
        bind_str(st->rej, 2, sl_reject_name((sl_reject)r));
        bind_u64(st->rej, 3, acc->rejected[r]);
        bind_str(st->rej, 4, first);
        bind_str(st->rej, 5, sl_reject_help((sl_reject)r));
        rc = step_reset(st, st->rej, "rejections");
        if (rc) return rc;
    }
    for (int f = 0; f < SL_F_COUNT; f++) {
        for (int c = 0; c < SL_CELL__COUNT; c++) {
            if (!acc->cell_states[f][c]) continue;
            sqlite3_bind_int64(st->fstate, 1, src->id);
            bind_str(st->fstate, 2, sl_field_name((sl_field)f));
            bind_str(st->fstate, 3, sl_cell_state_name((sl_cell_state)c));
            bind_u64(st->fstate, 4, acc->cell_states[f][c]);
            rc = step_reset(st, st->fstate, "field_states");
            if (rc) return rc;
        }
        if (acc->field_errors[f]) {
            sqlite3_bind_int64(st->ferr, 1, src->id);
            bind_str(st->ferr, 2, sl_field_name((sl_field)f));
            bind_u64(st->ferr, 3, acc->field_errors[f]);
            rc = step_reset(st, st->ferr, "field_errors");
            if (rc) return rc;
        }
    }
    return SL_OK;
}

static const char *severity_name(sl_severity s) {
    switch (s) {
    case SL_DIAG_INFO: return "info";
    case SL_DIAG_WARN: return "warn";
    case SL_DIAG_ERROR: return "error";
    }
    return "info";
}

sl_status sl_store_diag(sl_store *st, uint32_t source_id, const sl_diag *d) {
    if (st->first) return st->first;
    sqlite3_stmt *s = st->diag;
    /* Messages may quote cells (a header-less file's first row holds a plate): plates typed
     * there are replaced. No key here, so they read "[PLATE]". */
    sl_buf_reset(&st->tmp);
    const char *m = d->message ? d->message : "";
    sl_status rc = sl_redact(NULL, m, strlen(m), st->named ? st->named->all : NULL,
                             st->named ? st->named->all_len : 0, SL_REDACT_PLATES, &st->tmp);
    if (rc) return fail(st, rc, "diagnostics");
    if (source_id) sqlite3_bind_int64(s, 1, source_id);
    else sqlite3_bind_null(s, 1);
    bind_str(s, 2, severity_name(d->severity));
    bind_str(s, 3, d->code);
    if (d->record) bind_u64(s, 4, d->record);
    else sqlite3_bind_null(s, 4);
    if (d->line) bind_u64(s, 5, d->line);
    else sqlite3_bind_null(s, 5);
    bind_txt(s, 6, st->tmp.p, st->tmp.len);
    return step_reset(st, s, "diagnostics");
}

/* ---- flagged rows ------------------------------------------------------------------------- */

static int cmp_str(const void *a, const void *b) {
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* Distinct strings of v (n of them), sorted bytewise, comma-joined into b. */
static sl_status join_sorted(sl_buf *b, const char **v, size_t n) {
    qsort(v, n, sizeof v[0], cmp_str);
    sl_buf_reset(b);
    sl_status rc = sl_buf_reserve(b, 1);
    for (size_t i = 0; !rc && i < n; i++) {
        if (i && !strcmp(v[i], v[i - 1])) continue;
        if (b->len) rc = sl_buf_putc(b, ',');
        if (!rc) rc = sl_buf_puts(b, v[i]);
    }
    return rc;
}

/* The key of a row's hit set: each flag (rule, field, span), then the full text of each field
 * a flag points into, then the row's plate when it occurs in one of those texts (the stored
 * matched text then depends on it). Equal keys give equal hit_sets rows. */
static sl_status set_key(sl_buf *b, const sl_search *s, const sl_flag *fl, size_t n,
                         const sl_cell *plate) {
    sl_buf_reset(b);
    uint32_t fields = 0;
    sl_status rc = SL_OK;
    for (size_t i = 0; !rc && i < n; i++) {
        uint32_t v[4] = {fl[i].rule, (uint32_t)fl[i].field, fl[i].start, fl[i].end};
        rc = sl_buf_append(b, v, sizeof v);
        if ((int)fl[i].field >= 0 && (int)fl[i].field < SL_F_COUNT) fields |= 1u << fl[i].field;
    }
    int mentions = 0;
    for (int f = 0; !rc && f < SL_F_COUNT; f++) {
        if (!(fields & (1u << f))) continue;
        const sl_cell *c = &s->f[f];
        uint32_t v[2] = {(uint32_t)f, (uint32_t)c->len};
        rc = sl_buf_append(b, v, sizeof v);
        if (!rc && c->len) rc = sl_buf_append(b, c->p, c->len);
        if (plate && !mentions) mentions = sl_redact_mentions_plate(c->p, c->len, plate->p, plate->len);
    }
    if (!rc && mentions) rc = sl_buf_append(b, plate->p, plate->len);
    return rc;
}

static void sets_free(set_tab *t) {
    for (size_t i = 0; i < t->cap; i++) free(t->cells[i].key);
    free(t->cells);
    *t = (set_tab){0};
}

/* Inserts c (its key owned by the table from now on); the table has room. */
static void sets_put(set_tab *t, set_cell c) {
    size_t j = (size_t)c.h & (t->cap - 1);
    while (t->cells[j].key) j = (j + 1) & (t->cap - 1);
    t->cells[j] = c;
    t->n++;
}

/* Moves the sets numbered below `below` into a fresh table of cap slots (a power of two) and
 * forgets the others: grows the table, or drops a dropped source's sets. */
static sl_status sets_rebuild(set_tab *t, size_t cap, int64_t below) {
    set_tab nt = {calloc(cap, sizeof(set_cell)), 0, cap};
    if (!nt.cells) return SL_ENOMEM;
    for (size_t i = 0; i < t->cap; i++) {
        set_cell *c = &t->cells[i];
        if (!c->key) continue;
        if (c->id >= below) free(c->key);
        else sets_put(&nt, *c);
    }
    free(t->cells);
    *t = nt;
    return SL_OK;
}

/* Appends a row with its text values valid UTF-8 (bind_txt says why). Only a search whose
 * record held invalid bytes (the reader counted them) is looked at, and a value is copied only
 * when it holds one, into st->fix. */
static sl_status append_utf8(sl_store *st, sl_btree *bt, int64_t rowid, sl_bval *v, size_t n,
                             const sl_search *s) {
    for (size_t i = 0; s->invalid_utf8 && i < n; i++) {
        if (v[i].type != SL_BV_TEXT || sl_out_utf8_valid(v[i].p, v[i].n) == v[i].n) continue;
        sl_buf *b = &st->fix[i];
        sl_buf_reset(b);
        sl_status rc = sl_out_utf8(b, v[i].p, v[i].n);
        if (!rc) rc = sl_buf_reserve(b, 1); /* a pointer even when empty */
        if (rc) return rc;
        v[i].p = b->p;
        v[i].n = b->len;
    }
    return sl_btree_append(bt, rowid, v, n);
}

/* Writes a new hit set (its hit_sets rows) for row rid and fills cats/rules. */
static sl_status set_write(sl_store *st, const sl_key *k, const sl_rules *r, const sl_store_row *row,
                           int64_t sid, int64_t rid, const sl_cell *plate) {
    const sl_search *s = row->s;
    const char *cats[64], *ids[64];
    size_t ncat = 0, nid = 0, nrules = sl_rules_count(r);
    for (size_t i = 0; i < row->nflags; i++) {
        const sl_flag *fl = &row->flags[i];
        if (fl->rule >= nrules) return fail(st, SL_EINTERNAL, "flag with an unknown rule");
        sl_rule_info ri;
        sl_rules_info(r, fl->rule, &ri);
        if (ncat < SL_ARRAY_LEN(cats)) cats[ncat++] = ri.category ? ri.category : "";
        if (nid < SL_ARRAY_LEN(ids)) ids[nid++] = ri.id ? ri.id : "";
        const sl_cell *c = ((int)fl->field >= 0 && (int)fl->field < SL_F_COUNT) ? &s->f[fl->field] : NULL;
        sl_bval v[HIT_COLS] = {v_int(sid), v_int(rid), v_str(ri.id), v_str(ri.category),
                               v_str(c ? sl_field_name(fl->field) : NULL), v_int(fl->start),
                               v_int(fl->end), v_null()};
        if (c && c->p && fl->start <= fl->end && fl->end <= c->len) {
            sl_buf *b = &st->tmp;
            sl_buf_reset(b);
            sl_status rc = sl_redact(k, c->p + fl->start, fl->end - fl->start, plate ? plate->p : NULL,
                                     plate ? plate->len : 0, SL_REDACT_PLATES, b);
            if (rc) return fail(st, rc, "redaction");
            v[7] = v_text(b->p, b->len);
        }
        sl_status rc = append_utf8(st, st->hits, st->next_hit, v, HIT_COLS, s);
        if (rc) return bt_fail(st, rc, st->hits, "hit_sets");
        st->next_hit++;
    }
    sl_status rc = join_sorted(&st->cats, cats, ncat);
    if (!rc) rc = join_sorted(&st->rules, ids, nid);
    return rc ? fail(st, rc, "hit_sets") : SL_OK;
}

/* The row's hit set: an existing one with the same key, else a new one written now. Leaves
 * the set's categories and rule ids in st->cats and st->rules. */
static sl_status row_set(sl_store *st, const sl_key *k, const sl_rules *r, const sl_store_row *row,
                         int64_t rid, const sl_cell *plate, int64_t *sid) {
    sl_status rc = set_key(&st->setkey, row->s, row->flags, row->nflags, plate);
    if (rc) return fail(st, rc, "hit_sets");
    set_tab *t = &st->sets;
    const sl_buf *key = &st->setkey;
    uint64_t h = sl_hash_fast(key->p ? key->p : "", key->len, 0x5e75);
    if (t->cap) {
        for (size_t j = (size_t)h & (t->cap - 1); t->cells[j].key; j = (j + 1) & (t->cap - 1)) {
            const set_cell *c = &t->cells[j];
            if (c->h != h || c->klen != key->len ||
                (key->len && memcmp(c->key, key->p, key->len))) /* a named row's set: no hits */
                continue;
            *sid = c->id;
            sl_buf_reset(&st->cats);
            sl_buf_reset(&st->rules);
            rc = sl_buf_append(&st->cats, c->key + c->klen, c->catlen);
            if (!rc) rc = sl_buf_append(&st->rules, c->key + c->klen + c->catlen, c->rulelen);
            return rc ? fail(st, rc, "hit_sets") : SL_OK;
        }
    }
    *sid = st->next_set++;
    rc = set_write(st, k, r, row, *sid, rid, plate);
    if (rc) return rc;
    if (t->n >= SET_CAP) return SL_OK; /* new sets are still written, no longer shared */
    if ((t->n + 1) * 10 > t->cap * 7 && (rc = sets_rebuild(t, t->cap ? t->cap * 2 : 1024, INT64_MAX)))
        return fail(st, rc, "hit_sets");
    set_cell c = {h, *sid, malloc(key->len + st->cats.len + st->rules.len + 1), key->len,
                  st->cats.len, st->rules.len};
    if (!c.key) return fail(st, SL_ENOMEM, "hit_sets");
    if (key->len) memcpy(c.key, key->p, key->len);
    if (st->cats.len) memcpy(c.key + key->len, st->cats.p, st->cats.len);
    if (st->rules.len) memcpy(c.key + key->len + st->cats.len, st->rules.p, st->rules.len);
    sets_put(t, c);
    return SL_OK;
}

/* ---- plates named with --plate ------------------------------------------------------------ */

sl_status sl_store_named(sl_store *st, const sl_named *nm, const sl_key *k) {
    if (st->first) return st->first;
    st->named = nm && nm->n ? nm : NULL;
    if (!st->named) return SL_OK;
    /* run.named_plates: their tokens, in the order named */
    sl_buf_reset(&st->tmp);
    sl_status rc = SL_OK;
    for (size_t i = 0; !rc && i < nm->n; i++) {
        if (!sl_plate_token(k, nm->plate[i], nm->len[i], st->named_tok[i]))
            return fail(st, SL_EINTERNAL, "named plates");
        if (i) rc = sl_buf_putc(&st->tmp, ',');
        if (!rc) rc = sl_buf_puts(&st->tmp, st->named_tok[i]);
    }
    if (!rc) rc = sl_buf_nul(&st->tmp);
    return rc ? fail(st, rc, "named plates") : sl_store_meta(st, "named_plates", st->tmp.p);
}

/* st->known: the named plates of mask, then the plate cell (lib/redact.c reads up to 16). */
static sl_status named_known(sl_store *st, uint32_t mask, const sl_cell *plate) {
    sl_buf_reset(&st->known);
    sl_status rc = sl_buf_reserve(&st->known, 1);
    for (size_t i = 0; !rc && i < st->named->n; i++) {
        if (!(mask & (1u << i))) continue;
        if (st->known.len) rc = sl_buf_putc(&st->known, ',');
        if (!rc) rc = sl_buf_append(&st->known, st->named->plate[i], st->named->len[i]);
    }
    if (!rc && plate) rc = sl_buf_putc(&st->known, ',');
    if (!rc && plate) rc = sl_buf_append(&st->known, plate->p, plate->len);
    return rc;
}

/* st->rowcats: the set's categories (sorted bytewise, comma-joined) with named_plate in its
 * place among them. */
static sl_status named_cats(sl_store *st) {
    static const char nc[] = SL_NAMED_CATEGORY;
    const size_t ncl = sizeof nc - 1;
    sl_buf *b = &st->rowcats;
    sl_buf_reset(b);
    sl_status rc = sl_buf_reserve(b, st->cats.len + ncl + 2);
    const char *p = st->cats.p ? st->cats.p : "", *end = p + st->cats.len;
    int put = 0;
    while (!rc && (p < end || !put)) {
        const char *q = p < end ? memchr(p, ',', (size_t)(end - p)) : NULL;
        size_t n = p < end ? (q ? (size_t)(q - p) : (size_t)(end - p)) : 0;
        int c = 1; /* after the last category: named_plate goes here */
        if (p < end) {
            c = memcmp(p, nc, n < ncl ? n : ncl);
            if (c == 0) c = (n > ncl) - (n < ncl);
        }
        if (!put && c >= 0) {
            put = 1;
            if (b->len) rc = sl_buf_putc(b, ',');
            if (!rc) rc = sl_buf_append(b, nc, ncl);
            if (c == 0) { p += n + 1; continue; } /* there already */
        }
        if (p >= end) break;
        if (!rc && b->len) rc = sl_buf_putc(b, ',');
        if (!rc) rc = sl_buf_append(b, p, n);
        p += n + 1;
    }
    return rc;
}

/* One named_plates row per named plate the row searched, with how. */
static sl_status named_rows(sl_store *st, int64_t rid, const sl_store_row *row) {
    for (size_t i = 0; i < st->named->n; i++) {
        if (!(row->named & (1u << i))) continue;
        unsigned how = sl_named_how(st->named, i, row->s);
        sqlite3_stmt *q = st->named_ins;
        sqlite3_bind_int64(q, 1, rid);
        bind_str(q, 2, st->named_tok[i]);
        bind_str(q, 3, sl_named_how_name(how));
        sl_status rc = step_reset(st, q, "named_plates");
        if (rc) return rc;
    }
    return SL_OK;
}

/* A free-text cell, stored with plates tokenized and published with personal data redacted
 * too: st->red_s[i] and st->pub_s[i] point into slots i of st->red and st->pub, or at the cell's
 * own text when redaction would leave it as it is; NULL when the column was not exported. */
static sl_status redacted_cell(sl_store *st, sl_bval *v, size_t i, const sl_cell *c,
                               const sl_cell *plate) {
    if (c->st == SL_CELL_ABSENT) {
        *v = v_null();
        st->red_s[i] = st->pub_s[i] = (sl_slice){NULL, 0};
        return SL_OK;
    }
    const char *pp = plate ? plate->p : NULL;
    size_t pl = plate ? plate->len : 0;
    if (sl_redact_unchanged(c->p, c->len, pp, pl)) { /* most texts: both forms are the text */
        st->red_s[i] = st->pub_s[i] = (sl_slice){c->p ? c->p : "", c->p ? c->len : 0};
        *v = v_text(st->red_s[i].p, st->red_s[i].len);
        return SL_OK;
    }
    sl_buf_reset(&st->red[i]);
    sl_buf_reset(&st->pub[i]);
    sl_status rc = sl_redact_memo_both(st->memo, c->p, c->len, pp, pl, &st->red[i], &st->pub[i]);
    if (!rc) rc = sl_buf_reserve(&st->red[i], 1); /* a non-NULL pointer even when empty */
    if (!rc) rc = sl_buf_reserve(&st->pub[i], 1);
    if (rc) return fail(st, rc, "redaction");
    st->red_s[i] = (sl_slice){st->red[i].p, st->red[i].len};
    st->pub_s[i] = (sl_slice){st->pub[i].p, st->pub[i].len};
    *v = v_text(st->red_s[i].p, st->red_s[i].len);
    return SL_OK;
}

sl_status sl_store_row_add(sl_store *st, const sl_key *k, const sl_rules *r, const sl_store_row *row) {
    if (st->first) return st->first;
    const sl_search *s = row->s;
    if (!st->memo && !(st->memo = sl_redact_memo_new(k))) return fail(st, SL_ENOMEM, "redaction");
    int64_t rid = st->next_row++, sid = 0;
    const sl_cell *pc = &s->f[SL_F_PLATE];
    const sl_cell *plate = (pc->st == SL_CELL_VALUE || pc->st == SL_CELL_PARTIAL) && pc->len ? pc : NULL;
    /* Texts are redacted with the row's plates: its plate cell, and the named plates it
     * searched (a plate named in a reason may have no plate's shape: "LOVEIT"). */
    sl_cell known_c;
    const sl_cell *known = plate;
    sl_status rc = SL_OK;
    if (row->named && st->named) {
        if ((rc = named_known(st, row->named, plate))) return fail(st, rc, "named plates");
        known_c = (sl_cell){st->known.p, st->known.len, SL_CELL_VALUE};
        known = &known_c;
    }
    rc = row_set(st, k, r, row, rid, known, &sid);
    if (rc) return rc;
    if (row->named && st->named && (rc = named_cats(st))) return fail(st, rc, "named plates");

    sl_bval v[ROW_COLS];
    v[0] = v_null(); /* row_id: the rowid itself */
    v[1] = v_int(row->source_id);
    v[2] = v_u64(row->record);
    v[3] = row->line ? v_u64(row->line) : v_null();
    v[4] = s->f[SL_F_ID].st == SL_CELL_VALUE ? v_text(s->f[SL_F_ID].p, s->f[SL_F_ID].len) : v_null();
    v[5] = v_time(s->search_time, st->iso[0], &st->iso_day[0]);
    v[6] = v_cell(&s->f[SL_F_ORG]);
    v[7] = v_cell(&s->f[SL_F_NAME]);
    v[8] = v_cell(&s->f[SL_F_USER_ID]);
    v[9] = s->networks >= 0 ? v_int(s->networks) : v_null();
    v[10] = s->devices >= 0 ? v_int(s->devices) : v_null();
    v[11] = v_time(s->tf_start, st->iso[1], &st->iso_day[1]);
    v[12] = v_time(s->tf_end, st->iso[2], &st->iso_day[2]);
    int has_tok = plate && sl_plate_token(k, plate->p, plate->len, st->token);
    v[13] = has_tok ? v_str(st->token) : v_null();
    v[14] = v_str(sl_cell_state_name(pc->st));
    if ((rc = redacted_cell(st, &v[15], 0, &s->f[SL_F_REASON], known))) return rc;
    v[16] = v_str(sl_cell_state_name(s->f[SL_F_REASON].st));
    if ((rc = redacted_cell(st, &v[17], 1, &s->f[SL_F_CASE], known))) return rc;
    v[18] = v_str(sl_cell_state_name(s->f[SL_F_CASE].st));
    if ((rc = redacted_cell(st, &v[19], 2, &s->f[SL_F_OFFENSE], known))) return rc;
    if ((rc = redacted_cell(st, &v[20], 3, &s->f[SL_F_FILTERS], known))) return rc;
    v[21] = v_cell(&s->f[SL_F_SEARCH_TYPE]);
    if ((rc = redacted_cell(st, &v[22], 4, &s->f[SL_F_TEXT_PROMPT], known))) return rc;
    v[23] = v_cell(&s->f[SL_F_MODERATION]);
    const sl_buf *cats = row->named && st->named ? &st->rowcats : &st->cats;
    v[24] = v_text(cats->p, cats->len);
    v[25] = v_int(sid);
    if ((rc = append_utf8(st, st->rows, rid, v, ROW_COLS, s)))
        return bt_fail(st, rc, st->rows, "flagged_rows");
    if (row->named && st->named && (rc = named_rows(st, rid, row)))
        return rc;

    sl_store_written *w = &st->written;
    w->row_id = rid;
    w->categories = (sl_slice){cats->p ? cats->p : "", cats->len};
    w->rules = (sl_slice){st->rules.p ? st->rules.p : "", st->rules.len};
    w->plate_token = has_tok ? st->token : NULL;
    w->search_time = s->search_time != SL_TIME_NONE ? st->iso[0] : NULL;
    w->tf_start = s->tf_start != SL_TIME_NONE ? st->iso[1] : NULL;
    w->tf_end = s->tf_end != SL_TIME_NONE ? st->iso[2] : NULL;
    for (size_t i = 0; i < RED_COLS; i++) {
        w->red[i] = st->red_s[i];
        w->pub[i] = st->pub_s[i];
    }
    return SL_OK;
}

/* ---- counts ------------------------------------------------------------------------------- */

/* Records counting's first error (its own, beside the writer's `first`). */
static sl_status count_fail(sl_store *st, sl_status rc) {
    if (!st->cfirst) {
        st->cfirst = rc;
        if (rc == SL_ELIMIT)
            snprintf(st->cerr, sizeof st->cerr,
                     "database: more than %u organization x month x category counts", SL_COUNTS_CAP);
        else snprintf(st->cerr, sizeof st->cerr, "database: counts: %s", sl_status_str(rc));
    }
    return rc;
}

static int reach_bucket(int64_t networks) {
    if (networks < 0) return REACH_UNKNOWN;
    int b = 0;
    while (b < REACH_UNKNOWN - 1 && networks > sl_reach_max[b]) b++;
    return b;
}

static sl_status reach_add(sl_store *st, const char *category, int b) {
    size_t i = 0;
    while (i < st->nreach && st->reach[i].as_passed != category) i++;
    if (i == st->nreach) { /* the same text passed by another pointer is the same cell */
        i = 0;
        while (i < st->nreach && strcmp(st->reach[i].category, category)) i++;
    }
    if (i == st->nreach) {
        if (!st->reach && !(st->reach = calloc(REACH_CATS, sizeof *st->reach))) return SL_ENOMEM;
        if (st->nreach == REACH_CATS) { /* said here: count_fail would blame the counts */
            if (!st->cfirst) {
                st->cfirst = SL_ELIMIT;
                snprintf(st->cerr, sizeof st->cerr, "database: more than %d categories counted",
                         REACH_CATS - 1);
            }
            return SL_ELIMIT;
        }
        if (!(st->reach[i].category = sl_strdup(category))) return SL_ENOMEM;
        st->reach[i].as_passed = category;
        st->nreach++;
    }
    (st->staging ? st->reach[i].stage : st->reach[i].run)[b]++;
    return SL_OK;
}

/* The reason and case number of a row that give no value are counted beside its categories
 * under these names, which no pack's category can take (':' is not allowed in one); the
 * finish writes them to cell_counts, not counts. */
#define CELL_PREFIX "cell:"
#define CELL_NAMES(f)                                                                         \
    {[SL_CELL_ABSENT] = CELL_PREFIX f ":not_exported",                                        \
     [SL_CELL_EMPTY] = CELL_PREFIX f ":empty",                                                \
     [SL_CELL_PLACEHOLDER] = CELL_PREFIX f ":placeholder",                                    \
     [SL_CELL_VENDOR_REDACTED] = CELL_PREFIX f ":vendor_redacted",                            \
     [SL_CELL_AGENCY_REDACTED] = CELL_PREFIX f ":agency_redacted",                            \
     [SL_CELL_PARTIAL] = CELL_PREFIX f ":partly_redacted"}
static const char *const REASON_CELL[SL_CELL__COUNT] = CELL_NAMES("reason");
static const char *const CASE_CELL[SL_CELL__COUNT] = CELL_NAMES("case_number");
#define COUNT_CATS 64

/* The row's user (its Name, else its user id, when the cell holds a value): 0 when it names
 * no one ("***" since December 2025). k->category is left NULL. */
static int row_user(const sl_store *st, const sl_search *s, sl_op_key *k) {
    const sl_cell *u = &s->f[SL_F_NAME];
    k->kind = SL_OP_NAME;
    if (u->st != SL_CELL_VALUE || !u->len) {
        u = &s->f[SL_F_USER_ID];
        k->kind = SL_OP_USER_ID;
    }
    if (u->st != SL_CELL_VALUE || !u->len) return 0;
    k->user = u->p;
    k->user_len = u->len;
    k->category = NULL;
    const sl_cell *org = &s->f[SL_F_ORG];
    /* A log with no organization column is one agency's (a portal's search audit): its users
     * are colleagues of each other, not of another such log's. */
    k->in_log = org->st == SL_CELL_ABSENT;
    k->org = k->in_log ? (st->cite ? st->cite : "") : org->p ? org->p : "";
    k->org_len = k->in_log ? (st->cite ? strlen(st->cite) : 0) : org->p ? org->len : 0;
    return 1;
}

/* The row's user for the operator counts. */
static sl_status count_user(sl_store *st, const sl_search *s, const char *const *cats,
                            size_t ncats) {
    sl_op_key k;
    if (!row_user(st, s, &k)) return SL_OK;
    return sl_operators_add(st->ops, k.org, k.org_len, k.in_log, k.kind, k.user, k.user_len, cats,
                            ncats);
}

sl_status sl_store_count_row(sl_store *st, const sl_search *s, const char *const *cats,
                             size_t ncats) {
    if (st->cfirst) return st->cfirst;
    if (!st->counts) return count_fail(st, SL_EINTERNAL); /* after sl_store_finish */
    const sl_cell *org = &s->f[SL_F_ORG];
    const sl_cell_state rs = s->f[SL_F_REASON].st, cs = s->f[SL_F_CASE].st;
    const char *r = (unsigned)rs < SL_CELL__COUNT ? REASON_CELL[rs] : NULL;
    const char *c = (unsigned)cs < SL_CELL__COUNT ? CASE_CELL[cs] : NULL;
    const char *all[COUNT_CATS];
    size_t n = 0;
    if ((r || c) && ncats + 2 <= COUNT_CATS) { /* one call, one hash of the organization */
        for (size_t i = 0; i < ncats; i++) all[n++] = cats[i];
        if (r) all[n++] = r;
        if (c) all[n++] = c;
    }
    sl_status rc = sl_counts_add(st->counts, org->p ? org->p : "", org->p ? org->len : 0,
                                 s->search_time, n ? all : cats, n ? n : ncats, 1);
    st->row_group = sl_counts_group(st->counts); /* for sl_store_link_row */
    if (!rc && !n && (r || c)) { /* more categories than the array holds: a second call */
        const char *two[2] = {r ? r : c, c};
        rc = sl_counts_add(st->counts, org->p ? org->p : "", org->p ? org->len : 0,
                           s->search_time, two, (r && c) ? 2 : 1, 0);
    }
    const int b = st->row_reach = reach_bucket(s->networks);
    if (!rc) rc = reach_add(st, "all", b);
    for (size_t i = 0; !rc && i < ncats; i++) rc = reach_add(st, cats[i], b);
    if (!rc) rc = count_user(st, s, cats, ncats);
    return rc ? count_fail(st, rc) : SL_OK;
}

sl_status sl_store_count(sl_store *st, const char *org, size_t org_len, int64_t t, const char *category) {
    if (st->cfirst) return st->cfirst;
    if (!st->counts) return count_fail(st, SL_EINTERNAL); /* after sl_store_finish */
    const char *cats[1] = {category ? category : ""};
    sl_status rc = sl_counts_add(st->counts, org, org_len, t, cats, 1, 0);
    return rc ? count_fail(st, rc) : SL_OK;
}

/* A search type of a hot-list lookup ("hotlist", "hotlistLookup", " - Mobile" or not): the
 * system's own, not a person searching (BRIEF.md). */
static int hotlist_type(const sl_cell *c) {
    static const char h[] = "hotlist";
    if (c->st != SL_CELL_VALUE || c->len < sizeof h - 1) return 0;
    for (size_t i = 0; i < sizeof h - 1; i++)
        if (sl_tolower((unsigned char)c->p[i]) != (unsigned char)h[i]) return 0;
    return 1;
}

sl_status sl_store_link_row(sl_store *st, const sl_search *s, uint64_t row_key,
                            const char *const *cats, size_t ncats, uint32_t source) {
    if (st->cfirst) return st->cfirst;
    if (!st->links) return count_fail(st, SL_EINTERNAL);
    sl_status rc = sl_links_add(st->links, s, row_key, cats, ncats, source, st->row_group,
                                (unsigned)st->row_reach);
    return rc ? count_fail(st, rc) : SL_OK;
}

sl_status sl_store_repeat_row(sl_store *st, const sl_search *s, int flagged, uint32_t source,
                              uint64_t record, uint64_t line) {
    if (st->cfirst) return st->cfirst;
    if (!st->reps) return count_fail(st, SL_EINTERNAL);
    const sl_cell *plate = &s->f[SL_F_PLATE], *cs = &s->f[SL_F_CASE], *rs = &s->f[SL_F_REASON];
    sl_op_key k;
    if (plate->st != SL_CELL_VALUE || !plate->len || s->search_time == SL_TIME_NONE ||
        hotlist_type(&s->f[SL_F_SEARCH_TYPE]) || !row_user(st, s, &k))
        return SL_OK;
    const int has_case = cs->st == SL_CELL_VALUE && cs->len;
    const int has_reason = rs->st == SL_CELL_VALUE && rs->len;
    const sl_repeat_what w = {has_case ? cs->p : NULL, has_reason ? rs->p : NULL,
                              has_case ? cs->len : 0, has_reason ? rs->len : 0, flagged,
                              source, record, line};
    sl_status rc = SL_OK;
    size_t at = 0, a, b; /* each plate of the cell, as --plate reads it */
    while (!rc && sl_plate_cell_next(plate->p, plate->len, &at, &a, &b))
        rc = sl_repeats_add(st->reps, &k, plate->p + a, b - a, s->search_time, &w);
    return rc ? count_fail(st, rc) : SL_OK;
}

/* ---- per-source staging ------------------------------------------------------------------- */

sl_status sl_store_source_begin(sl_store *st, const char *cite) {
    if (st->first) return st->first;
    free(st->cite);
    if (!(st->cite = cite ? sl_strdup(cite) : NULL) && cite) return fail(st, SL_ENOMEM, "source");
    st->staging = 1;
    st->mark_row = st->next_row;
    st->mark_set = st->next_set;
    st->mark_event = st->nevents;
    st->mark_hit = st->next_hit;
    sl_btree_mark(st->rows);
    sl_btree_mark(st->hits);
    sl_counts_open(st->counts);
    sl_operators_open(st->ops);
    sl_repeats_open(st->reps);
    sl_links_open(st->links);
    for (size_t i = 0; i < st->nreach; i++)
        memset(st->reach[i].stage, 0, sizeof st->reach[i].stage);
    return SL_OK;
}

static sl_status drop_tail(sl_store *st, sqlite3_stmt **s, const char *sql, int64_t from,
                           const char *what) {
    if (!*s && prep(st, s, sql)) return st->first;
    sqlite3_bind_int64(*s, 1, from);
    return step_reset(st, *s, what);
}

sl_status sl_store_source_end(sl_store *st, int keep) {
    if (take_count_error(st)) return st->first;
    if (!st->staging) return SL_OK;
    st->staging = 0;
    sl_status rc = SL_OK;
    for (size_t i = 0; i < st->nreach; i++) {
        reach_cell *c = &st->reach[i];
        for (int b = 0; keep && b < REACH_BUCKETS; b++) c->run[b] += c->stage[b];
        memset(c->stage, 0, sizeof c->stage);
    }
    if ((rc = sl_links_close(st->links, keep))) return fail(st, rc, "links");
    if (keep) {
        if ((rc = sl_counts_close(st->counts, 1)) || (rc = sl_operators_close(st->ops, 1)) ||
            (rc = sl_repeats_close(st->reps, 1))) {
            count_fail(st, rc);
            rc = take_count_error(st);
        }
    } else {
        sl_counts_close(st->counts, 0);
        sl_operators_close(st->ops, 0);
        if ((rc = sl_repeats_close(st->reps, 0))) return fail(st, rc, "plate repeats");
        /* Rows, hits and events are numbered in writing order: the source's are the tail. */
        if (st->next_row > st->mark_row && (rc = sl_btree_rollback(st->rows)))
            rc = bt_fail(st, rc, st->rows, "flagged_rows");
        if (!rc && st->next_hit > st->mark_hit && (rc = sl_btree_rollback(st->hits)))
            rc = bt_fail(st, rc, st->hits, "hit_sets");
        if (!rc && st->next_set > st->mark_set && st->sets.cap &&
            (rc = sets_rebuild(&st->sets, st->sets.cap, st->mark_set)))
            rc = fail(st, rc, "hit_sets");
        if (!rc && st->nevents > st->mark_event)
            rc = drop_tail(st, &st->drop_events, "DELETE FROM events WHERE rowid > ?1",
                           st->mark_event, "dropping a duplicate source's events");
        if (!rc && st->named && st->next_row > st->mark_row)
            rc = drop_tail(st, &st->drop_named, "DELETE FROM named_plates WHERE row_id >= ?1",
                           st->mark_row, "dropping a duplicate source's named plates");
        if (!rc && st->named && st->nevents > st->mark_event)
            rc = drop_tail(st, &st->drop_named_ev, "DELETE FROM named_events WHERE event > ?1",
                           st->mark_event, "dropping a duplicate source's named plates");
        st->next_row = st->mark_row;
        st->next_set = st->mark_set;
        st->next_hit = st->mark_hit;
        st->nevents = st->mark_event;
    }
    return rc;
}

const sl_store_written *sl_store_row_written(const sl_store *st) { return &st->written; }

/* ---- issue 3: events, release findings, source checks ------------------------------------- */

static int label_has_plate(sl_slice l) {
    for (size_t i = 0; i + 5 <= l.len; i++)
        if (sl_slice_ieq((sl_slice){l.p + i, 5}, "plate")) return 1;
    return 0;
}

sl_status sl_store_event(sl_store *st, const sl_key *k, uint32_t source_id, uint64_t record,
                         uint64_t line, const sl_event *ev) {
    if (st->first) return st->first;
    /* Details as a JSON object; plates (in a "License Plate" line or typed anywhere) become
     * tokens before anything is written. */
    sl_buf *j = &st->key;
    sl_buf_reset(j);
    sl_status rc = sl_buf_putc(j, '{');
    uint32_t named = 0; /* the plates named with --plate that the details name */
    for (size_t i = 0; !rc && i < ev->npairs; i++) {
        const sl_ev_pair *pr = &ev->pairs[i];
        unsigned dup = 1;
        for (size_t m = 0; m < i; m++)
            if (ev->pairs[m].label.len == pr->label.len &&
                !memcmp(ev->pairs[m].label.p, pr->label.p, pr->label.len))
                dup++;
        if (i) rc = sl_buf_putc(j, ',');
        char lab[96];
        int ll = snprintf(lab, sizeof lab, dup > 1 ? "%.*s (%u)" : "%.*s", (int)pr->label.len,
                          pr->label.p, dup);
        if (!rc) rc = sl_ev_json_str(j, lab, ll > 0 ? (size_t)ll : 0);
        if (!rc) rc = sl_buf_putc(j, ':');
        sl_buf_reset(&st->tmp);
        int plate = label_has_plate(pr->label);
        const char *kp = plate ? pr->value.p : NULL;
        size_t kl = plate ? pr->value.len : 0;
        /* --plate: which named plates the value names; they are tokenized as known plates */
        if (st->named) named |= sl_named_in_text(st->named, pr->value.p, pr->value.len);
        if (!rc && named) {
            if (!(rc = named_known(st, named, plate ? &(sl_cell){kp, kl, SL_CELL_VALUE} : NULL))) {
                kp = st->known.p;
                kl = st->known.len;
            }
        }
        if (!rc) rc = sl_redact(k, pr->value.p, pr->value.len, kp, kl, SL_REDACT_PLATES, &st->tmp);
        if (!rc) rc = sl_ev_json_str(j, st->tmp.p ? st->tmp.p : "", st->tmp.len);
    }
    if (!rc) rc = sl_buf_putc(j, '}');
    if (rc) return fail(st, rc, "events");
    sqlite3_stmt *s = st->event;
    sqlite3_bind_int64(s, 1, source_id);
    bind_u64(s, 2, record);
    bind_u64(s, 3, line);
    bind_time(s, 4, ev->time);
    bind_txt(s, 5, ev->timestamp.p, ev->timestamp.len);
    bind_txt(s, 6, ev->user.p, ev->user.len);
    bind_txt(s, 7, ev->event_type.p, ev->event_type.len);
    bind_txt(s, 8, ev->entity_type.p, ev->entity_type.len);
    bind_txt(s, 9, j->p ? j->p : "{}", j->len);
    bind_txt(s, 10, ev->event_id.p, ev->event_id.len);
    rc = step_reset(st, s, "events");
    if (!rc) st->nevents++;
    for (size_t m = 0; !rc && named && m < st->named->n; m++) {
        if (!(named & (1u << m))) continue;
        sqlite3_bind_int64(st->named_ev, 1, st->nevents);
        bind_str(st->named_ev, 2, st->named_tok[m]);
        rc = step_reset(st, st->named_ev, "named_events");
    }
    return rc;
}

sl_status sl_store_finding(sl_store *st, uint32_t seq, const sl_finding *f) {
    if (st->first) return st->first;
    char ids[512];
    size_t used = 0;
    ids[0] = '\0';
    for (size_t i = 0; i < f->nsources; i++) {
        int w = snprintf(ids + used, sizeof ids - used, "%s%u", i ? "," : "", f->sources[i]);
        if (w < 0 || (size_t)w >= sizeof ids - used) break;
        used += (size_t)w;
    }
    sqlite3_stmt *s = st->finding;
    sqlite3_bind_int64(s, 1, seq);
    bind_str(s, 2, f->code);
    bind_str(s, 3, severity_name(f->severity));
    bind_str(s, 4, ids);
    bind_str(s, 5, f->message);
    return step_reset(st, s, "release_findings");
}

sl_status sl_store_source_check(sl_store *st, const sl_store_check *c) {
    if (st->first) return st->first;
    sqlite3_stmt *s = st->check;
    sqlite3_bind_int64(s, 1, c->source_id);
    bind_str(s, 2, c->kind_detail);
    bind_str(s, 3, c->map);
    bind_str(s, 4, c->producer);
    bind_str(s, 5, c->producer_how);
    if (c->duplicate_of) sqlite3_bind_int64(s, 6, c->duplicate_of);
    else sqlite3_bind_null(s, 6);
    bind_str(s, 7, c->duplicate_how);
    bind_str(s, 8, c->fingerprint);
    bind_u64(s, 9, c->shifted);
    bind_str(s, 10, c->truncation);
    return step_reset(st, s, "source_checks");
}

static void finalize_all(sl_store *st) {
    sqlite3_stmt **stmts[] = {&st->meta, &st->pack, &st->rule, &st->source, &st->rej,
                              &st->fstate, &st->ferr, &st->diag, &st->event,
                              &st->finding, &st->check, &st->drop_events, &st->named_ins,
                              &st->drop_named, &st->named_ev, &st->drop_named_ev};
    for (size_t i = 0; i < SL_ARRAY_LEN(stmts); i++) {
        sqlite3_finalize(*stmts[i]);
        *stmts[i] = NULL;
    }
}

/* The root page of a table, read before the commit's end. */
static sl_status root_of(sl_store *st, const char *table, uint32_t *root) {
    sqlite3_stmt *q = NULL;
    int64_t r = 0;
    sl_status rc = prep(st, &q, "SELECT rootpage FROM sqlite_schema WHERE name = ?1");
    if (rc) return rc;
    sqlite3_bind_text(q, 1, table, -1, SQLITE_STATIC);
    if (sqlite3_step(q) == SQLITE_ROW) r = sqlite3_column_int64(q, 0);
    sqlite3_finalize(q);
    if (r < 2 || r > UINT32_MAX) {
        char what[64];
        snprintf(what, sizeof what, "%s' root page", table);
        return fail(st, SL_EDB, what);
    }
    *root = (uint32_t)r;
    return SL_OK;
}

/* After the commit: the pages of flagged_rows and hit_sets into the file, with no connection
 * open on it (a descriptor of the file closed in this process would drop SQLite's locks), then
 * the database opened again, indexed (hit_sets only now has its rows; the others are indexed
 * with it, in the order the schema has always listed them) and left to the writers that read
 * it. */
static sl_status splice_rows(sl_store *st, uint32_t rows_root, uint32_t hits_root,
                             uint32_t fsrch_root) {
    finalize_all(st);
    if (sqlite3_close(st->db) != SQLITE_OK) return fail(st, SL_EDB, "close");
    st->db = NULL;
    sl_status rc = sl_btree_splice(st->rows, st->path, rows_root);
    if (rc) return bt_fail(st, rc, st->rows, "flagged_rows");
    if ((rc = sl_btree_splice(st->hits, st->path, hits_root)))
        return bt_fail(st, rc, st->hits, "hit_sets");
    if ((rc = sl_btree_splice(st->fsrch, st->path, fsrch_root)))
        return bt_fail(st, rc, st->fsrch, "flagged_searches");
    static const char REOPEN[] =
        CONN_PRAGMAS
        "BEGIN;"
        "CREATE INDEX rejections_source ON rejections(source_id);"
        "CREATE INDEX field_states_source ON field_states(source_id);"
        "CREATE INDEX diagnostics_source ON diagnostics(source_id);"
        "CREATE INDEX hit_sets_set ON hit_sets(set_id);"
        "CREATE INDEX hit_sets_category ON hit_sets(category, first_row);"
        "CREATE INDEX counts_category ON counts(category, org);"
        "CREATE INDEX events_source ON events(source_id, record);"
        "COMMIT;";
    if (sqlite3_open_v2(st->path, &st->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, NULL) != SQLITE_OK)
        return fail(st, SL_EDB, "opening it again");
    if (sqlite3_exec(st->db, REOPEN, NULL, NULL, NULL) != SQLITE_OK) return fail(st, SL_EDB, "indexes");
    return SL_OK;
}

static int cmp_reach(const void *a, const void *b) {
    return strcmp(((const reach_cell *)a)->category, ((const reach_cell *)b)->category);
}

/* The reach table, in (category, bucket) order; buckets with no row are left out. */
static sl_status write_reach(sl_store *st) {
    if (st->nreach) qsort(st->reach, st->nreach, sizeof *st->reach, cmp_reach);
    sqlite3_stmt *ins = NULL;
    sl_status rc = prep(st, &ins, "INSERT INTO reach VALUES(?1, ?2, ?3, ?4, ?5)");
    for (size_t i = 0; !rc && i < st->nreach; i++)
        for (int b = 0; !rc && b < REACH_BUCKETS; b++) {
            /* the searches of the category in this bucket, when linked: a search flagged in a
             * copy of another bucket counts in its own, so a bucket can hold searches and no
             * row of the category, and is written then too */
            uint64_t n;
            const int linked =
                sl_links_reach_searches(st->links, st->reach[i].category, (unsigned)b, &n);
            if (!st->reach[i].run[b] && !(linked && n)) continue;
            bind_str(ins, 1, st->reach[i].category);
            if (sl_reach_min[b] >= 0) sqlite3_bind_int64(ins, 2, sl_reach_min[b]);
            else sqlite3_bind_null(ins, 2);
            if (sl_reach_max[b] >= 0) sqlite3_bind_int64(ins, 3, sl_reach_max[b]);
            else sqlite3_bind_null(ins, 3);
            bind_u64(ins, 4, st->reach[i].run[b]);
            if (linked) bind_u64(ins, 5, n);
            else sqlite3_bind_null(ins, 5);
            rc = step_reset(st, ins, "reach");
        }
    sqlite3_finalize(ins);
    return rc;
}

/* An operator key's user as the columns org, source, user_field, user (i to i + 3): a log
 * with no organization column gives org "" and its cite as source. */
static void bind_op_user(sqlite3_stmt *s, int i, const sl_op_key *k) {
    bind_txt(s, i, k->in_log ? "" : k->org, k->in_log ? 0 : k->org_len);
    bind_txt(s, i + 1, k->in_log ? k->org : "", k->in_log ? k->org_len : 0);
    bind_str(s, i + 2, k->kind == SL_OP_NAME ? "name" : "user_id");
    bind_txt(s, i + 3, k->user, k->user_len);
}

/* The same, and its category (i + 4). */
static void bind_op_key(sqlite3_stmt *s, int i, const sl_op_key *k) {
    bind_op_user(s, i, k);
    bind_str(s, i + 4, k->category);
}

/* operator_counts, operator_findings, and in run how many (user, category) pairs were tested
 * or why none was. */
static sl_status write_operators(sl_store *st) {
    const sl_op_count *c;
    const sl_op_finding *f;
    size_t nc, nf;
    uint64_t tests;
    sl_status rc = sl_operators_finish(st->ops, &c, &nc, &f, &nf, &tests);
    if (rc) return fail(st, rc, "operators");
    char v[96];
    if (sl_operators_gave_up(st->ops))
        snprintf(v, sizeof v, "not compared: more than %u organization x user x category counts",
                 SL_OPERATORS_CAP);
    else
        snprintf(v, sizeof v, "%llu", (unsigned long long)tests);
    if ((rc = sl_store_meta(st, "operator_tests", v))) return rc;
    sqlite3_stmt *ins = NULL;
    rc = prep(st, &ins, "INSERT INTO operator_counts VALUES(?1, ?2, ?3, ?4, ?5, ?6) ON CONFLICT("
                        "org, source, user_field, user, category) DO UPDATE SET rows = rows +"
                        " excluded.rows");
    for (size_t i = 0; !rc && i < nc; i++) {
        bind_op_key(ins, 1, &c[i].k);
        bind_u64(ins, 6, c[i].rows);
        rc = step_reset(st, ins, "operator_counts");
    }
    sqlite3_finalize(ins);
    ins = NULL;
    if (!rc) rc = prep(st, &ins, "INSERT INTO operator_findings VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7,"
                                 " ?8, ?9, ?10, ?11, ?12)");
    for (size_t i = 0; !rc && i < nf; i++) {
        sqlite3_bind_int64(ins, 1, (int64_t)i + 1);
        bind_op_key(ins, 2, &f[i].k);
        bind_u64(ins, 7, f[i].rows);
        bind_u64(ins, 8, f[i].hits);
        bind_u64(ins, 9, f[i].peers);
        bind_u64(ins, 10, f[i].peer_rows);
        bind_u64(ins, 11, f[i].peer_hits);
        sqlite3_bind_double(ins, 12, f[i].p_value);
        rc = step_reset(st, ins, "operator_findings");
    }
    sqlite3_finalize(ins);
    if (!rc) st->op_findings = nf;
    return rc;
}

uint64_t sl_store_operator_findings(const sl_store *st) { return st ? st->op_findings : 0; }

/* plate_repeats, plate_repeat_rows, and in run how many rows were counted (plate_repeat_rows),
 * or why none was. */
sl_status sl_store_plate_repeats(sl_store *st, const sl_key *k) {
    if (take_count_error(st)) return st->first;
    if (st->first) return st->first;
    const sl_repeat *f;
    const sl_repeat_row *rows;
    size_t nf, nrows;
    sl_repeats_seen seen;
    sl_status rc = sl_repeats_finish(st->reps, k, &f, &nf, &rows, &nrows, &seen);
    if (rc) return fail(st, rc, "plate repeats");
    char v[160];
    switch (sl_repeats_gave_up(st->reps)) {
    case SL_REPEATS_TOO_MANY_USERS:
        snprintf(v, sizeof v, "not counted: more than %u users", SL_REPEATS_USERS_CAP);
        break;
    case SL_REPEATS_SPILL_FAILED:
        snprintf(v, sizeof v, "not counted: the rows kept for it could not be written beside the"
                 " database (%s)", strerror(sl_repeats_spill_errno(st->reps)));
        break;
    default:
        snprintf(v, sizeof v, "%llu", (unsigned long long)seen.rows);
    }
    if ((rc = sl_store_meta(st, "plate_repeat_rows", v))) return rc;
    sqlite3_stmt *ins = NULL, *rin = NULL;
    rc = prep(st, &ins, "INSERT INTO plate_repeats VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9,"
                        " ?10, ?11, ?12, ?13, ?14, ?15, ?16)");
    if (!rc) rc = prep(st, &rin, "INSERT INTO plate_repeat_rows VALUES(?1, ?2, ?3, ?4, ?5)");
    for (size_t i = 0; !rc && i < nf; i++) {
        sqlite3_bind_int64(ins, 1, (int64_t)i + 1);
        bind_op_user(ins, 2, &f[i].k);
        bind_str(ins, 6, f[i].token);
        bind_u64(ins, 7, f[i].searches);
        bind_u64(ins, 8, f[i].rows);
        bind_u64(ins, 9, f[i].days);
        bind_time(ins, 10, f[i].first);
        bind_time(ins, 11, f[i].last);
        bind_u64(ins, 12, f[i].with_case);
        bind_u64(ins, 13, f[i].cases);
        bind_u64(ins, 14, f[i].reasons);
        bind_u64(ins, 15, f[i].no_reason);
        bind_u64(ins, 16, f[i].flagged);
        rc = step_reset(st, ins, "plate_repeats");
        for (size_t j = 0; !rc && j < f[i].nrows; j++) {
            const sl_repeat_row *r = &rows[f[i].row0 + j];
            sqlite3_bind_int64(rin, 1, (int64_t)i + 1);
            sqlite3_bind_int64(rin, 2, r->source);
            bind_u64(rin, 3, r->record);
            bind_u64(rin, 4, r->line);
            bind_time(rin, 5, r->t);
            rc = step_reset(st, rin, "plate_repeat_rows");
        }
    }
    sqlite3_finalize(ins);
    sqlite3_finalize(rin);
    if (!rc) st->rep_findings = nf;
    return rc;
}

uint64_t sl_store_plate_repeat_findings(const sl_store *st) { return st ? st->rep_findings : 0; }

sl_status sl_store_search_links(sl_store *st) {
    if (take_count_error(st)) return st->first;
    if (st->first) return st->first;
    sl_links_result lr;
    sl_status rc = sl_links_finish(st->links, &lr);
    if (rc) return fail(st, rc, "links");
    char v[160];
    switch (sl_links_gave_up(st->links)) {
    case SL_LINKS_TOO_MANY_ROWS:
        snprintf(v, sizeof v, "not linked: more than %u search rows", SL_LINKS_MAX_ROWS);
        break;
    case SL_LINKS_TOO_MANY_CATS:
        snprintf(v, sizeof v, "not linked: more than %d categories", SL_LINKS_CATS);
        break;
    case SL_LINKS_SPILL_FAILED:
        snprintf(v, sizeof v, "not linked: the rows kept for it could not be written beside the"
                 " database (%s)", strerror(sl_links_spill_errno(st->links)));
        break;
    default:
        snprintf(v, sizeof v, "%llu", (unsigned long long)lr.searches);
    }
    if ((rc = sl_store_meta(st, "searches", v))) return rc;
    if (sl_links_gave_up(st->links)) return SL_OK;
    static const char *const keys[] = {"link_rows",         "link_rows_by_id",
                                       "link_rows_by_key",  "link_rows_no_key",
                                       "link_rows_refused", "link_keys_refused",
                                       "link_searches_in_several_sources",
                                       "link_rows_in_several_sources",
                                       "link_rows_repeating_in_source"};
    const uint64_t vals[] = {lr.rows,    lr.by_id,        lr.by_key,       lr.no_key,
                             lr.refused, lr.refused_keys, lr.several,      lr.several_rows,
                             lr.repeats};
    for (size_t i = 0; !rc && i < sizeof vals / sizeof *vals; i++) {
        snprintf(v, sizeof v, "%llu", (unsigned long long)vals[i]);
        rc = sl_store_meta(st, keys[i], v);
    }
    /* "all", then the categories by name */
    size_t ord[SL_LINKS_CATS];
    for (size_t i = 0; i < lr.ncats; i++) {
        size_t j = i;
        while (j && strcmp(lr.cats[ord[j - 1]].category, lr.cats[i].category) > 0) {
            ord[j] = ord[j - 1];
            j--;
        }
        ord[j] = i;
    }
    sqlite3_stmt *ins = NULL;
    if (!rc) rc = prep(st, &ins, "INSERT INTO search_counts VALUES(?1, ?2, ?3)");
    for (size_t i = 0; !rc && i <= lr.ncats; i++) {
        const sl_links_cat *c = i ? &lr.cats[ord[i - 1]] : NULL;
        bind_str(ins, 1, c ? c->category : "all");
        bind_u64(ins, 2, c ? c->rows : lr.rows);
        bind_u64(ins, 3, c ? c->searches : lr.searches);
        rc = step_reset(st, ins, "search_counts");
    }
    sqlite3_finalize(ins);
    ins = NULL;
    if (!rc) rc = prep(st, &ins, "INSERT INTO source_searches VALUES(?1, ?2, ?3)");
    for (uint32_t i = 0; !rc && i < lr.nsources; i++) {
        if (!lr.source_rows[i]) continue;
        sqlite3_bind_int64(ins, 1, i);
        bind_u64(ins, 2, lr.source_rows[i]);
        bind_u64(ins, 3, lr.source_repeats[i]);
        rc = step_reset(st, ins, "source_searches");
    }
    sqlite3_finalize(ins);
    /* each flagged row's search, in row_id order: the rows were numbered as they came, and so
     * were they here */
    if (!rc && lr.flagged && lr.flagged != (uint64_t)(st->next_row - 1))
        rc = fail(st, SL_EINTERNAL, "links: the flagged rows were counted differently");
    for (uint64_t i = 0; !rc && i < lr.flagged; i++) {
        const sl_bval fv[2] = {v_null(), v_int((int64_t)lr.search_of[i])};
        if ((rc = sl_btree_append(st->fsrch, (int64_t)i + 1, fv, 2)))
            rc = bt_fail(st, rc, st->fsrch, "flagged_searches");
    }
    if (!rc) {
        st->searches = lr.searches;
        st->src_repeats = lr.source_repeats;
        st->nsrc_repeats = lr.nsources;
    }
    return rc;
}

uint64_t sl_store_searches(const sl_store *st) { return st ? st->searches : 0; }

const uint64_t *sl_store_source_repeats(const sl_store *st, uint32_t *n) {
    *n = st && st->src_repeats ? st->nsrc_repeats : 0;
    return st ? st->src_repeats : NULL;
}

sl_status sl_store_finish(sl_store *st) {
    if (take_count_error(st)) return st->first;
    if (st->finished) return SL_OK;
    /* insert in (org, month, category) order */
    const sl_count *cells;
    size_t m;
    sl_status rc = sl_counts_sorted(st->counts, &cells, &m);
    if (rc) rc = fail(st, rc, "counts");
    sqlite3_stmt *ins = NULL, *cin = NULL;
    /* Two organizations whose names differ only in invalid UTF-8 bytes are written as the
     * same text (each bad byte U+FFFD, as in every output): their counts are added. */
    if (!rc)
        rc = prep(st, &ins, "INSERT INTO counts VALUES(?1, ?2, ?3, ?4, ?5) ON CONFLICT(org, month,"
                            " category) DO UPDATE SET rows = rows + excluded.rows,"
                            " searches = searches + excluded.searches");
    if (!rc)
        rc = prep(st, &cin, "INSERT INTO cell_counts VALUES(?1, ?2, ?3, ?4, ?5) ON CONFLICT(org,"
                            " month, field, state) DO UPDATE SET rows = rows + excluded.rows");
    const size_t plen = sizeof CELL_PREFIX - 1;
    for (size_t i = 0; !rc && i < m; i++) {
        const char *cat = cells[i].category;
        const char *colon = strncmp(cat, CELL_PREFIX, plen) ? NULL : strchr(cat + plen, ':');
        sqlite3_stmt *to = colon ? cin : ins;
        bind_txt(to, 1, cells[i].org, cells[i].org_len);
        bind_str(to, 2, cells[i].month);
        if (colon) {
            bind_txt(to, 3, cat + plen, (size_t)(colon - cat) - plen);
            bind_str(to, 4, colon + 1);
        } else {
            bind_str(to, 3, cat);
            uint64_t n; /* the searches among these rows, when linked and a category's */
            if (sl_links_cell_searches(st->links, cells[i].group, cat, &n))
                bind_u64(to, 5, n);
            else
                sqlite3_bind_null(to, 5);
        }
        bind_u64(to, colon ? 5 : 4, cells[i].rows);
        rc = step_reset(st, to, colon ? "cell_counts" : "counts");
    }
    sqlite3_finalize(ins);
    sqlite3_finalize(cin);
    if (!rc) rc = write_reach(st);
    if (!rc) rc = write_operators(st);
    uint32_t rows_root = 0, hits_root = 0, fsrch_root = 0;
    if (!rc) rc = root_of(st, "flagged_rows", &rows_root);
    if (!rc) rc = root_of(st, "hit_sets", &hits_root);
    if (!rc) rc = root_of(st, "flagged_searches", &fsrch_root);
    /* the counts are spent */
    sl_counts_free(st->counts);
    st->counts = NULL;
    if (rc) return rc;
    if (sqlite3_exec(st->db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK) return fail(st, SL_EDB, "commit");
    st->finished = 1;
    return splice_rows(st, rows_root, hits_root, fsrch_root);
}

sl_status sl_store_close(sl_store *st) {
    if (!st) return SL_OK;
    sl_status rc = take_count_error(st);
    finalize_all(st);
    if (st->db) {
        if (!st->finished && !rc && sqlite3_get_autocommit(st->db) == 0 &&
            sqlite3_exec(st->db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK)
            rc = fail(st, SL_EDB, "commit");
        if (sqlite3_close(st->db) != SQLITE_OK && !rc) rc = fail(st, SL_EDB, "close");
    }
    sl_buf_free(&st->tmp);
    for (size_t i = 0; i < ROW_COLS; i++) sl_buf_free(&st->fix[i]);
    for (size_t i = 0; i < RED_COLS; i++) {
        sl_buf_free(&st->red[i]);
        sl_buf_free(&st->pub[i]);
    }
    sl_redact_memo_free(st->memo);
    sl_btree_free(st->rows);
    sl_btree_free(st->fsrch);
    sl_btree_free(st->hits);
    free(st->path);
    sets_free(&st->sets);
    sl_buf_free(&st->setkey);
    sl_buf_free(&st->key);
    sl_buf_free(&st->cats);
    sl_buf_free(&st->rowcats);
    sl_buf_free(&st->known);
    sl_buf_free(&st->rules);
    sl_counts_free(st->counts);
    sl_operators_free(st->ops);
    sl_repeats_free(st->reps);
    sl_links_free(st->links);
    free(st->cite);
    for (size_t i = 0; i < st->nreach; i++) free(st->reach[i].category);
    free(st->reach);
    free(st);
    return rc;
}
