/* test_scan.c: a scan asked to stop (sl_scan_opts.stop, set by the command line's Ctrl-C
 * handler) returns SL_ECANCELED, removes its temporary files and leaves the outputs of an
 * earlier run as they were; with one thread and with two; stopped before it starts and
 * between two sources. The same scan not stopped writes all four outputs. Progress comes
 * every 65,536 rows, not only every 64 MiB: a workbook's rows arrive long before its bytes;
 * and it knows the size of every path from its first call, so that its estimate holds. */
#include "../harness.h"
#include "sunlight.h"

#include <dirent.h>
#include <unistd.h>

static char tmpdir[] = "/tmp/sl_test_scan_XXXXXX";
static char key_path[600];

/* What the folder holds, file names sorted and joined by spaces. */
static const char *listing(const char *dir) {
    static char out[2048];
    struct dirent **ents = NULL;
    int n = scandir(dir, &ents, NULL, alphasort);
    out[0] = '\0';
    for (int i = 0; i < n; i++) {
        if (strcmp(ents[i]->d_name, ".") && strcmp(ents[i]->d_name, "..")) {
            if (out[0]) strncat(out, " ", sizeof out - strlen(out) - 1);
            strncat(out, ents[i]->d_name, sizeof out - strlen(out) - 1);
        }
        free(ents[i]);
    }
    free(ents);
    return n < 0 ? "(no folder)" : out;
}

static void put(const char *path, const char *text) {
    FILE *f = fopen(path, "w");
    if (!f) return;
    fputs(text, f);
    fclose(f);
}

static const char *slurp(const char *path) {
    static char buf[256];
    FILE *f = fopen(path, "r");
    buf[0] = '\0';
    if (!f) return "(missing)";
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    buf[n] = '\0';
    fclose(f);
    return buf;
}

typedef struct {
    volatile sig_atomic_t *stop;
    unsigned calls;
} stopper;

/* Progress comes at least once per source: the first call asks the scan to stop. */
static void stop_on_progress(void *ud, const sl_progress *p) {
    (void)p;
    stopper *st = ud;
    if (st->calls++ == 0) *st->stop = 1;
}

/* Scans two small sources into out; stop_when: 0 never, 1 before the scan starts, 2 when the
 * first source has been read. Returns the scan's status. */
static sl_status scan(const char *out, int threads, int stop_when) {
    volatile sig_atomic_t stop = stop_when == 1;
    stopper st = {&stop, 0};
    sl_scan_opts o = {0};
    o.out_dir = out;
    o.rules_path = "rules";
    o.key_path = key_path;
    o.threads = threads;
    o.stop = &stop;
    if (stop_when == 2) {
        o.on_progress = stop_on_progress;
        o.progress_ud = &st;
    }
    sl_scan *s = NULL;
    sl_status rc = sl_scan_new(&s, &o);
    if (!rc) rc = sl_scan_add_path(s, "tests/data/csv/crlf_records.csv");
    if (!rc) rc = sl_scan_add_path(s, "tests/data/csv/quoted_newline_time_frame.csv");
    if (!rc) rc = sl_scan_run(s);
    if (rc == SL_ECANCELED) CHECK(strstr(sl_scan_errmsg(s), "interrupted") != NULL);
    if (stop_when == 2) CHECK_INT(st.calls >= 1, 1);
    sl_scan_free(s);
    return rc;
}

typedef struct {
    unsigned calls, mid; /* calls; calls in the middle of the file */
    char phases[256];    /* what the scan said it was doing once the file was read */
} counter;

static void count_progress(void *ud, const sl_progress *p) {
    counter *c = ud;
    c->calls++;
    if (p->records > 0 && p->records < 70000) c->mid++;
    if (p->current && !strstr(p->current, "rows.csv") &&
        strlen(c->phases) + strlen(p->current) + 2 < sizeof c->phases) {
        strcat(c->phases, p->current);
        strcat(c->phases, ";");
    }
}

/* A 70,000-row file of under 3 MB: one progress call in its middle, at row 65,536. */
static void test_progress_by_rows(void) {
    char path[700], out[700];
    snprintf(path, sizeof path, "%s/rows.csv", tmpdir);
    snprintf(out, sizeof out, "%s/rows_out", tmpdir);
    FILE *f = fopen(path, "w");
    CHECK(f != NULL);
    if (!f) return;
    fputs("Org Name,Reason,Search Time\n", f);
    for (unsigned k = 0; k < 70000; k++) fprintf(f, "Town PD,case %u,2025-01-02T10:00:00Z\n", k);
    fclose(f);
    counter c = {0, 0, ""};
    sl_scan_opts o = {0};
    o.out_dir = out;
    o.rules_path = "rules";
    o.key_path = key_path;
    o.threads = 1;
    o.on_progress = count_progress;
    o.progress_ud = &c;
    sl_scan *s = NULL;
    sl_status rc = sl_scan_new(&s, &o);
    if (!rc) rc = sl_scan_add_path(s, path);
    if (!rc) rc = sl_scan_run(s);
    CHECK_INT(rc, SL_OK);
    CHECK_INT(c.mid, 1);
    /* then what it does at the end, in order (one thread: no flagged rows left to write) */
    CHECK_STR(c.phases, "linking rows into searches;checking the release;counting repeated plate "
                        "searches;writing the database;writing the report;");
    sl_scan_free(s);
}

/* The first and every later progress call give the size of all paths, not of those reached. */
typedef struct {
    unsigned calls;
    uint64_t first_total, min_total, max_total;
} totals_seen;

static void see_totals(void *ud, const sl_progress *p) {
    totals_seen *t = ud;
    if (!t->calls++) t->first_total = t->min_total = p->bytes_total;
    if (p->bytes_total < t->min_total) t->min_total = p->bytes_total;
    if (p->bytes_total > t->max_total) t->max_total = p->bytes_total;
}

static void test_progress_total(void) {
    char path[3][700], out[700];
    uint64_t sum = 0;
    for (int i = 0; i < 3; i++) {
        snprintf(path[i], sizeof path[i], "%s/part%d.csv", tmpdir, i);
        FILE *f = fopen(path[i], "w");
        CHECK(f != NULL);
        if (!f) return;
        fputs("Org Name,Reason,Search Time\n", f);
        for (unsigned k = 0; k < 1000u * (unsigned)(i + 1); k++)
            fprintf(f, "Town PD,case %u,2025-01-02T10:00:00Z\n", k);
        sum += (uint64_t)ftell(f);
        fclose(f);
    }
    snprintf(out, sizeof out, "%s/parts_out", tmpdir);
    totals_seen t = {0, 0, 0, 0};
    sl_scan_opts o = {0};
    o.out_dir = out;
    o.rules_path = "rules";
    o.key_path = key_path;
    o.threads = 1;
    o.on_progress = see_totals;
    o.progress_ud = &t;
    sl_scan *s = NULL;
    sl_status rc = sl_scan_new(&s, &o);
    for (int i = 0; i < 3 && !rc; i++) rc = sl_scan_add_path(s, path[i]); /* as a shell's *.csv */
    if (!rc) rc = sl_scan_run(s);
    CHECK_INT(rc, SL_OK);
    CHECK(t.calls >= 3);
    CHECK(t.first_total == sum && t.min_total == sum && t.max_total == sum);
    sl_scan_free(s);
}

int main(void) {
    if (!mkdtemp(tmpdir)) {
        fprintf(stderr, "mkdtemp failed\n");
        return 1;
    }
    snprintf(key_path, sizeof key_path, "%s/plate.key", tmpdir);
    char out[600];
    for (int threads = 1; threads <= 2; threads++) {
        /* not stopped: the four outputs */
        snprintf(out, sizeof out, "%s/whole%d", tmpdir, threads);
        CHECK_INT(scan(out, threads, 0), SL_OK);
        CHECK_STR(listing(out), "flagged.csv report.html summary.json sunlight.db");

        /* stopped before it starts, into a folder with an earlier run's outputs */
        for (int when = 1; when <= 2; when++) {
            snprintf(out, sizeof out, "%s/stopped%d_%d", tmpdir, threads, when);
            mkdir(out, 0700);
            char p[700];
            static const char *const names[] = {"flagged.csv", "report.html", "summary.json",
                                                "sunlight.db"};
            for (size_t i = 0; i < 4; i++) {
                snprintf(p, sizeof p, "%s/%s", out, names[i]);
                put(p, "an earlier run\n");
            }
            CHECK_INT(scan(out, threads, when), SL_ECANCELED);
            /* no temporary file left, and the earlier outputs untouched */
            CHECK_STR(listing(out), "flagged.csv report.html summary.json sunlight.db");
            for (size_t i = 0; i < 4; i++) {
                snprintf(p, sizeof p, "%s/%s", out, names[i]);
                CHECK_STR(slurp(p), "an earlier run\n");
            }
        }
        /* stopped, into a new folder: nothing there */
        snprintf(out, sizeof out, "%s/new%d", tmpdir, threads);
        CHECK_INT(scan(out, threads, 2), SL_ECANCELED);
        CHECK_STR(listing(out), "");
    }
    test_progress_by_rows();
    test_progress_total();
    CHECK_STR(sl_status_str(SL_ECANCELED), "stopped before the end");
    char cmd[700];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmpdir);
    if (system(cmd) != 0) fprintf(stderr, "could not remove %s\n", tmpdir);
    TEST_END();
}
