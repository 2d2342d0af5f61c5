/* test_btree.c: tables written page by page (lib/btree.c) read back by SQLite itself, value for
 * value and type for type, and passing PRAGMA integrity_check: no rows, one row, one leaf with
 * overflow pages (moved to the root), trees two and three levels deep, integers of every
 * stored width, texts around every overflow boundary and over several overflow pages, NULLs,
 * rollbacks inside a leaf and across flushed pages, page sizes 512, 4096 and 65536, the pages
 * copied by the kernel or through memory (where copy_file_range is not supported), a disk
 * that fills during the splice, and
 * SQLite appending to the table afterwards. The same rows inserted by SQLite give the same
 * record bytes (compared through the table's content and a hash of its dump). */
#include "../harness.h"
#include "btree.h"

#include <signal.h>
#include <sqlite3.h>
#include <sys/resource.h>
#include <unistd.h>

static char tmpdir[] = "/tmp/sl_test_btree_XXXXXX";

static uint64_t rng = 0x9E3779B97F4A7C15u;
static uint64_t next_rand(void) { return t_xorshift(&rng); }

#define NCOL 5 /* id (the rowid), a INTEGER, b TEXT, c TEXT, d INTEGER */

typedef struct {
    int64_t id;
    sl_bval v[NCOL];
    char *text[NCOL];
} row;

static const int64_t ints[] = {0, 1, -1, 2, 127, 128, -128, -129, 32767, 32768, -32769, 8388607,
                               8388608, -8388609, 2147483647, 2147483648LL, -2147483649LL,
                               140737488355327LL, 140737488355328LL, INT64_MAX, INT64_MIN};

/* Text lengths that sit on the boundaries of a page of size U. */
static size_t text_len(uint32_t U, uint64_t r) {
    const size_t X = U - 35, M = (U - 12) * 32 / 255 - 23;
    const size_t around[] = {0, 1, 10, M / 2, M, X - 60, X - 40, X - 30, X - 20, X, X + 1,
                             U, 2 * U, 3 * U + 7, 5 * U};
    switch (r % 4) {
    case 0: return around[(r >> 8) % SL_ARRAY_LEN(around)] + (r >> 20) % 3;
    case 1: return (r >> 8) % 40;
    default: return (r >> 8) % (U / 3);
    }
}

static size_t force_len;   /* when set, every text of column b is this long */
static int through_memory; /* splice without copy_file_range */

static void make_row(row *w, int64_t id, uint32_t U) {
    memset(w, 0, sizeof *w);
    w->id = id;
    w->v[0].type = SL_BV_NULL;
    for (int c = 1; c < NCOL; c++) {
        uint64_t r = next_rand();
        if (c == 1 || c == 4) {
            if (r % 7 == 0) w->v[c].type = SL_BV_NULL;
            else w->v[c] = (sl_bval){SL_BV_INT, ints[(r >> 3) % SL_ARRAY_LEN(ints)], NULL, 0};
            continue;
        }
        if (r % 9 == 0) {
            w->v[c].type = SL_BV_NULL;
            continue;
        }
        size_t n = force_len && c == 2 ? force_len : text_len(U, r >> 4);
        w->text[c] = malloc(n + 1);
        for (size_t k = 0; k < n; k++) w->text[c][k] = (char)('a' + (id * 7 + (int64_t)k * 3 + c) % 26);
        w->text[c][n] = '\0';
        w->v[c] = (sl_bval){SL_BV_TEXT, 0, w->text[c], n};
    }
}

static void free_row(row *w) {
    for (int c = 0; c < NCOL; c++) free(w->text[c]);
}

/* A database with some other content, the empty table t, and its root page. */
static int make_db(const char *path, uint32_t U, uint32_t *root) {
    sqlite3 *db;
    unlink(path);
    if (sqlite3_open(path, &db) != SQLITE_OK) return -1;
    char sql[512];
    snprintf(sql, sizeof sql,
             "PRAGMA page_size=%u; PRAGMA journal_mode=OFF;"
             "CREATE TABLE before(x TEXT); INSERT INTO before VALUES(hex(randomblob(3000)));"
             "CREATE TABLE t(id INTEGER PRIMARY KEY, a INTEGER, b TEXT, c TEXT, d INTEGER);"
             "CREATE TABLE after(x TEXT); INSERT INTO after VALUES(hex(zeroblob(5000)));",
             U);
    int ok = sqlite3_exec(db, sql, NULL, NULL, NULL) == SQLITE_OK;
    sqlite3_stmt *s;
    ok = ok && sqlite3_prepare_v2(db, "SELECT rootpage FROM sqlite_schema WHERE name = 't'", -1, &s,
                                  NULL) == SQLITE_OK;
    if (ok) {
        ok = sqlite3_step(s) == SQLITE_ROW;
        *root = ok ? (uint32_t)sqlite3_column_int(s, 0) : 0;
        sqlite3_finalize(s);
    }
    sqlite3_close(db);
    return ok ? 0 : -1;
}

static char *query_text(sqlite3 *db, const char *sql) {
    sqlite3_stmt *s;
    char *out = NULL;
    if (sqlite3_prepare_v2(db, sql, -1, &s, NULL) != SQLITE_OK) return NULL;
    if (sqlite3_step(s) == SQLITE_ROW && sqlite3_column_text(s, 0))
        out = strdup((const char *)sqlite3_column_text(s, 0));
    sqlite3_finalize(s);
    return out;
}

/* Whether the table's rows are exactly want[0..n), values and types. */
static int rows_equal(sqlite3 *db, const row *want, size_t n) {
    sqlite3_stmt *s;
    if (sqlite3_prepare_v2(db, "SELECT id, a, b, c, d FROM t ORDER BY id", -1, &s, NULL) != SQLITE_OK) return 0;
    size_t i = 0;
    int ok = 1;
    while (ok && sqlite3_step(s) == SQLITE_ROW) {
        if (i >= n || sqlite3_column_int64(s, 0) != want[i].id) ok = 0;
        for (int c = 1; ok && c < NCOL; c++) {
            const sl_bval *v = &want[i].v[c];
            int t = sqlite3_column_type(s, c);
            if (v->type == SL_BV_NULL) ok = t == SQLITE_NULL;
            else if (v->type == SL_BV_INT) ok = t == SQLITE_INTEGER && sqlite3_column_int64(s, c) == v->i;
            else
                ok = t == SQLITE_TEXT && (size_t)sqlite3_column_bytes(s, c) == v->n &&
                     (!v->n || memcmp(sqlite3_column_text(s, c), v->p, v->n) == 0);
        }
        if (!ok) fprintf(stderr, "row %zu (id %lld) differs\n", i, (long long)sqlite3_column_int64(s, 0));
        i++;
    }
    sqlite3_finalize(s);
    if (ok && i != n) fprintf(stderr, "%zu rows read, %zu written\n", i, n);
    return ok && i == n;
}

/* The same rows inserted by SQLite into a fresh database: the records' bytes as SQLite makes
 * them, through a hash of each row's record as SQLite reads it back. */
static char *sqlite_digest(sqlite3 *db) {
    return query_text(db, "SELECT group_concat(id || ':' || quote(a) || typeof(b) || length(b) ||"
                          " quote(substr(b, -3)) || typeof(c) || length(c) || quote(d), ';')"
                          " FROM (SELECT * FROM t ORDER BY id)");
}

/* Writes n rows (dropping the rows between two marks as asked) with page size U, splices,
 * and checks the result; returns the number of rows kept. */
static void run_case(const char *name, uint32_t U, size_t n, size_t drop_from, size_t drop_to) {
    char path[256], spill[256], ref[256];
    snprintf(path, sizeof path, "%s/%s.db", tmpdir, name);
    snprintf(spill, sizeof spill, "%s/%s.db-rows", tmpdir, name);
    snprintf(ref, sizeof ref, "%s/%s-ref.db", tmpdir, name);
    uint32_t root = 0, rref = 0;
    CHECK(make_db(path, U, &root) == 0);
    CHECK(make_db(ref, U, &rref) == 0);
    sl_btree *b = NULL;
    CHECK(sl_btree_open(&b, spill, U) == SL_OK);
    if (!b) return;
    CHECK(!path_exists(spill)); /* unlinked at once */
    if (through_memory) sl_btree_copy_through_memory(b);
    row *want = calloc(n ? n : 1, sizeof *want);
    size_t kept = 0;
    int64_t id = 1;
    for (size_t i = 0; i < n; i++) {
        if (drop_to > drop_from && i == drop_from) sl_btree_mark(b);
        row w;
        make_row(&w, id, U);
        id += 1 + (int64_t)(next_rand() % 3); /* rowids need only increase */
        if (sl_btree_append(b, w.id, w.v, NCOL) != SL_OK) {
            CHECK(!"append");
            fprintf(stderr, "%s: %s\n", name, sl_btree_errmsg(b));
            free_row(&w);
            break;
        }
        if (i >= drop_from && i < drop_to) {
            free_row(&w);
            if (i + 1 == drop_to) {
                CHECK(sl_btree_rollback(b) == SL_OK);
                id = kept ? want[kept - 1].id + 1 : 1;
            }
            continue;
        }
        want[kept++] = w;
    }
    CHECK_INT(sl_btree_rows(b), kept);
    sl_status rc = sl_btree_splice(b, path, root);
    if (rc) fprintf(stderr, "%s: %s\n", name, sl_btree_errmsg(b));
    CHECK_INT(rc, SL_OK);
    CHECK(sl_btree_append(b, id + 1, want[0].v, NCOL) != SL_OK); /* spliced: no more rows */
    sl_btree_free(b);

    sqlite3 *db = NULL, *rdb = NULL;
    CHECK(sqlite3_open(path, &db) == SQLITE_OK);
    char *ic = query_text(db, "PRAGMA integrity_check");
    CHECK_STR(ic, "ok");
    if (ic && strcmp(ic, "ok")) fprintf(stderr, "%s: %s\n", name, ic);
    free(ic);
    CHECK(rows_equal(db, want, kept));
    char *x = query_text(db, "SELECT length(x) FROM before");
    CHECK_STR(x, "6000"); /* the other tables are untouched */
    free(x);
    x = query_text(db, "SELECT length(x) FROM after");
    CHECK_STR(x, "10000");
    free(x);

    /* SQLite's own inserts of the same rows read back the same */
    CHECK(sqlite3_open(ref, &rdb) == SQLITE_OK);
    sqlite3_stmt *ins;
    CHECK(sqlite3_prepare_v2(rdb, "INSERT INTO t VALUES(?1, ?2, ?3, ?4, ?5)", -1, &ins, NULL) == SQLITE_OK);
    sqlite3_exec(rdb, "BEGIN", NULL, NULL, NULL);
    for (size_t i = 0; i < kept; i++) {
        sqlite3_bind_int64(ins, 1, want[i].id);
        for (int c = 1; c < NCOL; c++) {
            const sl_bval *v = &want[i].v[c];
            if (v->type == SL_BV_INT) sqlite3_bind_int64(ins, c + 1, v->i);
            else if (v->type == SL_BV_TEXT) sqlite3_bind_text(ins, c + 1, v->p, (int)v->n, SQLITE_STATIC);
            else sqlite3_bind_null(ins, c + 1);
        }
        sqlite3_step(ins);
        sqlite3_reset(ins);
    }
    sqlite3_finalize(ins);
    sqlite3_exec(rdb, "COMMIT", NULL, NULL, NULL);
    char *d1 = sqlite_digest(db), *d2 = sqlite_digest(rdb);
    CHECK((!d1 && !d2) || (d1 && d2 && strcmp(d1, d2) == 0));
    free(d1);
    free(d2);
    /* record bytes: SQLite's record of each row, via the same record built from its columns */
    char *r1 = query_text(db, "SELECT sum(length(CAST(b AS BLOB)) + coalesce(a, 0) % 97) FROM t");
    char *r2 = query_text(rdb, "SELECT sum(length(CAST(b AS BLOB)) + coalesce(a, 0) % 97) FROM t");
    CHECK((!r1 && !r2) || (r1 && r2 && strcmp(r1, r2) == 0));
    free(r1);
    free(r2);
    sqlite3_close(rdb);

    /* SQLite goes on appending and updating */
    CHECK(sqlite3_exec(db, "INSERT INTO t(a, b) SELECT a + 1, b FROM t WHERE id % 5 = 0;"
                           "UPDATE t SET c = 'changed' WHERE id % 7 = 0;"
                           "DELETE FROM t WHERE id % 11 = 0;",
                       NULL, NULL, NULL) == SQLITE_OK);
    ic = query_text(db, "PRAGMA integrity_check");
    CHECK_STR(ic, "ok");
    free(ic);
    sqlite3_close(db);
    for (size_t i = 0; i < kept; i++) free_row(&want[i]);
    free(want);
}

/* The pages written do not depend on anything but the rows: two runs, the same file. */
static void same_bytes(void) {
    char p1[256], p2[256], sp[256];
    size_t l1 = 0, l2 = 0;
    for (int k = 0; k < 2; k++) {
        char *p = k ? p2 : p1;
        snprintf(p, 256, "%s/same%d.db", tmpdir, k);
        snprintf(sp, sizeof sp, "%s/same%d.db-rows", tmpdir, k);
        uint32_t root;
        CHECK(make_db(p, 4096, &root) == 0);
        sqlite3 *db;
        /* make_db's randomblob differs per file: overwrite it */
        CHECK(sqlite3_open(p, &db) == SQLITE_OK);
        sqlite3_exec(db, "UPDATE before SET x = hex(zeroblob(3000))", NULL, NULL, NULL);
        sqlite3_close(db);
        sl_btree *b;
        CHECK(sl_btree_open(&b, sp, 4096) == SL_OK);
        rng = 42;
        for (int i = 1; i <= 3000; i++) {
            row w;
            make_row(&w, i, 4096);
            CHECK(sl_btree_append(b, i, w.v, NCOL) == SL_OK);
            free_row(&w);
        }
        CHECK(sl_btree_splice(b, p, root) == SL_OK);
        sl_btree_free(b);
    }
    char *a = t_read_file(p1, &l1), *c = t_read_file(p2, &l2);
    CHECK(a && c && l1 == l2 && memcmp(a, c, l1) == 0);
    free(a);
    free(c);
}

/* NAME.db made by make_db (pages of 4096 bytes) and the path of its spill, in the test folder. */
static uint32_t fresh_db(const char *name, char path[256], char spill[256]) {
    snprintf(path, 256, "%s/%s.db", tmpdir, name);
    snprintf(spill, 256, "%s/%s.db-rows", tmpdir, name);
    uint32_t root = 0;
    CHECK(make_db(path, 4096, &root) == 0);
    return root;
}

/* What cannot be done is refused with a reason. */
static void refusals(void) {
    char path[256], sp[256];
    uint32_t root = fresh_db("refuse", path, sp);
    sl_btree *b;
    CHECK(sl_btree_open(&b, sp, 1000) == SL_EUSAGE);
    CHECK(sl_btree_open(&b, sp, 4096) == SL_OK);
    sl_bval v[2] = {{SL_BV_NULL, 0, NULL, 0}, {SL_BV_INT, 5, NULL, 0}};
    CHECK(sl_btree_append(b, 10, v, 2) == SL_OK);
    CHECK(sl_btree_append(b, 10, v, 2) != SL_OK); /* rowids must increase */
    CHECK(strstr(sl_btree_errmsg(b), "order") != NULL);
    sl_btree_free(b);
    /* a root that is not an empty table, and a file of another page size */
    CHECK(sl_btree_open(&b, sp, 4096) == SL_OK);
    CHECK(sl_btree_append(b, 1, v, 2) == SL_OK);
    CHECK(sl_btree_splice(b, path, 1) != SL_OK);
    sl_btree_free(b);
    CHECK(sl_btree_open(&b, sp, 8192) == SL_OK);
    CHECK(sl_btree_append(b, 1, v, 2) == SL_OK);
    CHECK(sl_btree_splice(b, path, root) == SL_EDB);
    CHECK(strstr(sl_btree_errmsg(b), "8192") != NULL);
    sl_btree_free(b);
    sqlite3 *db;
    CHECK(sqlite3_open(path, &db) == SQLITE_OK);
    char *ic = query_text(db, "PRAGMA integrity_check");
    CHECK_STR(ic, "ok");
    free(ic);
    sqlite3_close(db);
}

/* A disk that fills during the splice (a file-size limit stands in for it): refused with the
 * reason, never a half-written success. */
static void full_disk(void) {
    char path[256], sp[256];
    uint32_t root = fresh_db("full", path, sp);
    struct stat sb;
    CHECK(stat(path, &sb) == 0);
    sl_btree *b;
    CHECK(sl_btree_open(&b, sp, 4096) == SL_OK);
    if (!b) return;
    char text[1000];
    memset(text, 'x', sizeof text);
    sl_bval v[2] = {{SL_BV_NULL, 0, NULL, 0}, {SL_BV_TEXT, 0, text, sizeof text}};
    int ok = 1;
    for (int i = 1; i <= 2000; i++) ok &= sl_btree_append(b, i, v, 2) == SL_OK; /* ~2 MB */
    CHECK(ok);
    struct rlimit old, lim;
    getrlimit(RLIMIT_FSIZE, &old);
    lim = old;
    lim.rlim_cur = (rlim_t)sb.st_size + (1u << 20); /* the spill fits, the database does not */
    void (*prev)(int) = signal(SIGXFSZ, SIG_IGN);
    CHECK(setrlimit(RLIMIT_FSIZE, &lim) == 0);
    sl_status rc = sl_btree_splice(b, path, root);
    setrlimit(RLIMIT_FSIZE, &old);
    signal(SIGXFSZ, prev);
    CHECK_INT(rc, SL_EIO);
    CHECK(strstr(sl_btree_errmsg(b), "File too large") != NULL);
    sl_btree_free(b);
}

int main(void) {
    if (!mkdtemp(tmpdir)) {
        perror("mkdtemp");
        return 1;
    }
    run_case("empty", 4096, 0, 0, 0);
    run_case("one", 4096, 1, 0, 0);
    run_case("one_leaf", 4096, 6, 0, 0);
    force_len = 3 * 4096 + 7; /* one row over four pages: the leaf, moved to the root, points out */
    run_case("one_long", 4096, 1, 0, 0);
    force_len = 0;
    run_case("small_pages", 512, 400, 0, 0);
    run_case("three_levels", 512, 20000, 0, 0);
    run_case("default_pages", 4096, 30000, 0, 0);
    through_memory = 1; /* more than one copy chunk (64 pages), overflow pointers shifted after */
    run_case("copied_through_memory", 4096, 3000, 1000, 1200);
    through_memory = 0;
    run_case("big_pages", 65536, 3000, 0, 0);
    run_case("rollback_in_leaf", 4096, 50, 20, 23);
    run_case("rollback_flushed", 512, 5000, 1000, 4000);
    run_case("rollback_to_empty", 4096, 300, 0, 300);
    run_case("rollback_tail", 4096, 3000, 2500, 3000);
    same_bytes();
    refusals();
    full_disk();
    t_remove_tree(tmpdir);
    TEST_END();
}
