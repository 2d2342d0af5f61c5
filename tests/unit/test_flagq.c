/* test_flagq.c: flagged rows pushed through the writer thread give the same database and
 * flagged.csv, byte for byte, as rows written at once: 20,000 rows over several batches, texts
 * of every length up to one larger than a batch, empty and absent cells, a sync in the middle
 * (as the scan does at each source), a source dropped as a repeat after a sync, and the store
 * and flagged.csv used again after a sync. */
#include "../harness.h"
#include "flagq.h"
#include "timeparse.h"

#include <dirent.h>
#include <signal.h>
#include <sqlite3.h>
#include <unistd.h>

static char tmpdir[] = "/tmp/sl_test_flagq_XXXXXX";
static sl_key *key;
static sl_rules *rules;
static uint32_t rule0;

/* Row i of the run: texts that vary in length (one is larger than a whole batch's text). */
static void make_row(size_t i, sl_search *s, char *reason, size_t cap, sl_flag *fl) {
    memset(s, 0, sizeof *s);
    for (int f = 0; f < SL_F_COUNT; f++) s->f[f].st = SL_CELL_ABSENT;
    s->search_time = 1748779200 + (int64_t)i * 37;
    s->tf_start = s->tf_end = SL_TIME_NONE;
    s->networks = (int64_t)(i % 50);
    s->devices = -1;
    size_t n = i == 7777 ? cap - 1 : 12 + (i * 31) % 300;
    for (size_t k = 0; k < n; k++) reason[k] = (char)('a' + (i + k) % 26);
    memcpy(reason, "ice hold ", 9); /* the flag's span */
    reason[n] = '\0';
    s->f[SL_F_REASON] = (sl_cell){reason, n, SL_CELL_VALUE};
    static const char *const orgs[] = {"Springfield PD", "Shelby County SO", "[Federal] HSI"};
    s->f[SL_F_ORG] = (sl_cell){orgs[i % 3], strlen(orgs[i % 3]), SL_CELL_VALUE};
    s->f[SL_F_NAME] = (sl_cell){"", 0, SL_CELL_EMPTY};              /* empty, not absent */
    if (i % 4 == 0) s->f[SL_F_PLATE] = (sl_cell){"7ABC123", 7, SL_CELL_VALUE};
    if (i % 5 == 0) s->f[SL_F_CASE] = (sl_cell){"25-0042", 7, SL_CELL_VALUE};
    *fl = (sl_flag){rule0, SL_F_REASON, 0, 3};
}

/* How many of the process's threads block SIGHUP, SIGINT and SIGTERM (Linux's /proc): the
 * library's own threads do (sl_thread_start), so that the command line's Ctrl-C handler runs
 * on the thread that reads; -1 when /proc cannot tell. */
static __attribute__((unused)) int threads_blocking_stop_signals(void) {
    DIR *d = opendir("/proc/self/task");
    if (!d) return -1;
    const unsigned long long want = (1ull << (SIGHUP - 1)) | (1ull << (SIGINT - 1)) | (1ull << (SIGTERM - 1));
    int n = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        if (e->d_name[0] == '.') continue;
        char p[300], line[256];
        snprintf(p, sizeof p, "/proc/self/task/%s/status", e->d_name);
        FILE *f = fopen(p, "r");
        if (!f) continue;
        while (fgets(line, sizeof line, f))
            if (!strncmp(line, "SigBlk:", 7)) n += (strtoull(line + 7, NULL, 16) & want) == want;
        fclose(f);
    }
    closedir(d);
    return n;
}

/* Writes a database and flagged.csv into dir with `thread`; returns 0 when all went well. */
static int run(const char *dir, int thread) {
    char db[512], csv[512], err[256] = "";
    snprintf(db, sizeof db, "%s/t.db", dir);
    snprintf(csv, sizeof csv, "%s/flagged.csv", dir);
    mkdir(dir, 0700);
    sl_store *st = NULL;
    sl_flagged_csv *fc = NULL;
    sl_flagq *q = NULL;
    int bad = 0;
    if (sl_store_open(&st, db, err, sizeof err) || sl_store_rules(st, rules) ||
        sl_flagged_csv_open(&fc, csv, err, sizeof err)) {
        fprintf(stderr, "setup: %s\n", err);
        return 1;
    }
    CHECK_INT(sl_flagq_new(&q, thread, st, fc, key, rules), SL_OK);
    CHECK_INT(sl_flagq_threaded(q), thread);
    size_t cap = (1u << 20) + 1000; /* one reason larger than a batch's text */
    char *reason = malloc(cap);
    static const uint64_t ends[] = {6000, 6300, 20000};
    uint64_t i = 0;
    for (uint32_t src = 1; src <= 3; src++) {
        sl_store_source_begin(st, NULL);
        sl_flagged_csv_source_begin(fc, src == 2 ? "b.csv" : "a.csv", NULL, NULL, NULL);
        for (; i < ends[src - 1]; i++) {
            sl_search s;
            sl_flag fl;
            make_row(i, &s, reason, cap, &fl);
            sl_store_row row = {src, i + 2, i + 2, &s, &fl, 1};
            if (sl_flagq_push(q, &row)) bad = 1;
            sl_store_count_row(st, &s, NULL, 0);
        }
        /* as the scan does before it ends a source: every row written */
        if (sl_flagq_sync(q)) bad = 1;
        /* the writer, running (a thread starts with all blocked until it runs), not this one */
#ifndef __SANITIZE_THREAD__ /* ThreadSanitizer runs a thread of its own that blocks them too */
        if (thread && src == 1) CHECK_INT(threads_blocking_stop_signals(), 1);
#endif
        int keep = src != 2; /* source 2 repeats source 1: its rows are dropped */
        if (sl_store_source_end(st, keep)) bad = 1;
        char sha[65];
        memset(sha, 'a' + (int)src, 64);
        sha[64] = '\0';
        if (sl_flagged_csv_source_end(fc, keep, src == 2 ? "b.csv" : "a.csv", sha, NULL, NULL))
            bad = 1;
    }
    sl_flagq_free(q);
    free(reason);
    if (sl_store_finish(st)) bad = 1;
    if (sl_flagged_csv_close(fc, 1, err, sizeof err)) bad = 1;
    if (sl_store_close(st)) bad = 1;
    return bad;
}

static void compare(const char *name) {
    char a[512], b[512];
    snprintf(a, sizeof a, "%s/one/%s", tmpdir, name);
    snprintf(b, sizeof b, "%s/two/%s", tmpdir, name);
    size_t na = 0, nb = 0;
    char *pa = t_read_file(a, &na), *pb = t_read_file(b, &nb);
    CHECK(pa && pb);
    CHECK(na > 100000);
    CHECK(na == nb && pa && pb && memcmp(pa, pb, na) == 0);
    free(pa);
    free(pb);
}

int main(void) {
    if (!mkdtemp(tmpdir)) {
        fprintf(stderr, "mkdtemp failed\n");
        return 1;
    }
    char p[600], err[256] = "";
    snprintf(p, sizeof p, "%s/key", tmpdir);
    CHECK_INT(sl_key_open(&key, p, NULL, err, sizeof err), SL_OK);
    CHECK_INT(sl_rules_load(&rules, "rules/immigration.rules", err, sizeof err), SL_OK);
    if (!key || !rules) {
        fprintf(stderr, "setup: %s\n", err);
        TEST_END();
    }
    rule0 = 0;
    char one[600], two[600];
    snprintf(one, sizeof one, "%s/one", tmpdir);
    snprintf(two, sizeof two, "%s/two", tmpdir);
    CHECK_INT(run(one, 0), 0);
    CHECK_INT(run(two, 1), 0);
    compare("t.db");
    compare("flagged.csv");

    /* 6,000 + 13,700 rows kept; source 2's 300 dropped */
    char db[700];
    snprintf(db, sizeof db, "%s/t.db", two);
    sqlite3 *h = NULL;
    CHECK_INT(sqlite3_open(db, &h), SQLITE_OK);
    sqlite3_stmt *s = NULL;
    CHECK_INT(sqlite3_prepare_v2(h, "SELECT COUNT(*), MIN(row_id), MAX(row_id), "
                                    "SUM(source_id = 2), MAX(length(reason)) FROM flagged_rows",
                                 -1, &s, NULL), SQLITE_OK);
    CHECK_INT(sqlite3_step(s), SQLITE_ROW);
    CHECK_INT(sqlite3_column_int64(s, 0), 19700);
    CHECK_INT(sqlite3_column_int64(s, 1), 1);
    CHECK_INT(sqlite3_column_int64(s, 2), 19700);
    CHECK_INT(sqlite3_column_int64(s, 3), 0);
    CHECK_INT(sqlite3_column_int64(s, 4), (1 << 20) + 999);
    sqlite3_finalize(s);
    sqlite3_close(h);

    sl_key_free(key);
    sl_rules_free(rules);
    t_remove_tree(tmpdir);
    TEST_END();
}
