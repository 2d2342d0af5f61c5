/* test_eventlog.c: Entity Details parsing (labels, continuations, CRLF, caps), event rows and
 * their JSON, on fixtures and on the real San Mateo event log when present. */
#include "../harness.h"
#include "csv.h"
#include "eventlog.h"
#include "timeparse.h"

typedef struct {
    int have_cols;
    sl_eventlog_cols cols;
    unsigned events, rejected;
    unsigned pairs_total, with_event_id;
    unsigned status_archived;
    int64_t tmin, tmax;
    sl_buf json[4]; /* details JSON of the first four events */
} ctx;

static int on_row(void *ud, const sl_csv_row *row) {
    ctx *c = ud;
    if (!c->have_cols) {
        c->have_cols = sl_eventlog_cols_from_header(row->cells, row->ncells, &c->cols);
        return !c->have_cols;
    }
    sl_event ev;
    if (!sl_event_from_row(&c->cols, row->cells, row->ncells, &ev)) {
        c->rejected++;
        return 0;
    }
    if (c->events < 4) sl_event_details_json(&ev, &c->json[c->events]);
    c->events++;
    c->pairs_total += (unsigned)ev.pairs_total;
    if (ev.event_id.len == 36) c->with_event_id++;
    for (size_t i = 0; i < ev.npairs; i++)
        if (sl_slice_eq(ev.pairs[i].label, "Status") &&
            sl_slice_eq(ev.pairs[i].value, "Needs Review -> Archived"))
            c->status_archived++;
    if (ev.time != SL_TIME_NONE) {
        if (!c->tmin || ev.time < c->tmin) c->tmin = ev.time;
        if (ev.time > c->tmax) c->tmax = ev.time;
    }
    return 0;
}

static int read_file(const char *path, ctx *c) {
    memset(c, 0, sizeof *c);
    FILE *f = fopen(path, "rb");
    if (!f) return -1;
    sl_csv *csv = NULL;
    sl_csv_opts o = {0};
    if (sl_csv_new(&csv, &o, on_row, c)) { fclose(f); return -1; }
    char buf[4096];
    size_t n;
    while ((n = fread(buf, 1, sizeof buf, f)) > 0) sl_csv_feed(csv, buf, n);
    sl_csv_finish(csv);
    sl_csv_free(csv);
    fclose(f);
    return 0;
}

static void free_ctx(ctx *c) {
    for (int i = 0; i < 4; i++) sl_buf_free(&c->json[i]);
}

static void test_details_parse(void) {
    sl_ev_pair pr[4];
    size_t orph = 9;
    const char *d = "License Plate: ***\r\nUser: Daniel Sanchez\r\nStatus: Needs Review -> Archived\r\n";
    size_t n = sl_ev_details_parse(d, strlen(d), pr, 4, &orph);
    CHECK_INT(n, 3);
    CHECK_INT(orph, 0);
    CHECK_MEM(pr[0].label.p, pr[0].label.len, "License Plate");
    CHECK_MEM(pr[0].value.p, pr[0].value.len, "***");
    CHECK_MEM(pr[1].value.p, pr[1].value.len, "Daniel Sanchez");
    CHECK_MEM(pr[2].value.p, pr[2].value.len, "Needs Review -> Archived");

    /* A continuation extends the value across the line break; a time is not a label. */
    d = "no label here\nNote: one\n  two 12:30\nTime: 12:30:01\nEmpty:\nmore";
    n = sl_ev_details_parse(d, strlen(d), pr, 4, &orph);
    CHECK_INT(n, 3);
    CHECK_INT(orph, 1);
    CHECK_MEM(pr[0].value.p, pr[0].value.len, "one\n  two 12:30");
    CHECK_MEM(pr[1].value.p, pr[1].value.len, "12:30:01");
    CHECK_MEM(pr[2].label.p, pr[2].label.len, "Empty");
    CHECK_MEM(pr[2].value.p, pr[2].value.len, "more");

    /* The cap bounds what is written; the count says how many there were. */
    d = "A: 1\nB: 2\nC: 3\nD: 4\nE: 5\ncontinued";
    n = sl_ev_details_parse(d, strlen(d), pr, 2, NULL);
    CHECK_INT(n, 5);
    CHECK_MEM(pr[1].value.p, pr[1].value.len, "2");

    /* A label longer than 64 bytes is a continuation. */
    d = "K: v\nThis is a very long sentence that happens to contain a colon far away: yes";
    n = sl_ev_details_parse(d, strlen(d), pr, 4, NULL);
    CHECK_INT(n, 1);
    CHECK_INT(pr[0].value.len, strlen(d) - 3);
    CHECK_INT(sl_ev_details_parse("", 0, pr, 4, &orph), 0);
    CHECK_INT(orph, 0);
}

static void test_fixtures(void) {
    ctx c;
    CHECK_INT(read_file("tests/data/eventlog/no_event_id_crlf.csv", &c), 0);
    CHECK_INT(c.have_cols, 1);
    CHECK_INT(c.cols.event_id, -1);
    CHECK_INT(c.cols.details, 4);
    CHECK_INT(c.events, 2);
    CHECK_INT(c.pairs_total, 6);
    CHECK_STR(c.json[0].p ? (sl_buf_nul(&c.json[0]), c.json[0].p) : NULL,
              "{\"Name\":\"Bob Smith\",\"Email\":\"bob@example.org\",\"Role\":\"Admin\"}");
    sl_buf_nul(&c.json[1]);
    CHECK_STR(c.json[1].p, "{\"Hotlist\":\"Stolen vehicles\",\"Note\":\"first line\\r\\n"
                           "second line without colon\",\"Status\":\"Active -> Inactive\"}");
    CHECK_INT(c.tmin, sl_days_from_civil(2025, 3, 1) * 86400 + 36000);
    CHECK_INT(c.tmax, sl_days_from_civil(2025, 3, 2) * 86400 + 41400);
    free_ctx(&c);

    CHECK_INT(read_file("tests/data/eventlog/continuation_and_repeated_label.csv", &c), 0);
    CHECK_INT(c.cols.event_id, 5);
    CHECK_INT(c.events, 1);
    CHECK_INT(c.with_event_id, 1);
    sl_buf_nul(&c.json[0]);
    CHECK_STR(c.json[0].p,
              "{\"Network\":\"Example County CA SO\",\"Label\":\"a\",\"Label (2)\":\"b\"}");
    free_ctx(&c);

    /* A search audit header is not an event log. */
    sl_slice h[] = {{"Name", 4}, {"Org Name", 8}, {"Search Time", 11}, {"Reason", 6}};
    sl_eventlog_cols cols;
    CHECK_INT(sl_eventlog_cols_from_header(h, 4, &cols), 0);
    /* A row with neither time nor user + type is not an event. */
    sl_slice hdr[] = {{" Timestamp", 10}, {"USER", 4}, {"Event Type", 10}, {"Entity Type", 11},
                      {"Entity Details ", 15}};
    CHECK_INT(sl_eventlog_cols_from_header(hdr, 5, &cols), 1);
    sl_slice foot[] = {{"Total: 80", 9}};
    sl_event ev;
    CHECK_INT(sl_event_from_row(&cols, foot, 1, &ev), 0);
}

static void test_real(void) {
    char path[1024];
    snprintf(path, sizeof path, "%s/eventlog/san-mateo-event-logs.csv", shared_data_dir());
    if (!path_exists(path)) { SKIP("san-mateo-event-logs.csv not present"); return; }
    ctx c;
    CHECK_INT(read_file(path, &c), 0);
    CHECK_INT(c.events, 80);
    CHECK_INT(c.rejected, 0);
    CHECK_INT(c.with_event_id, 80);
    CHECK_INT(c.pairs_total, 240);
    CHECK_INT(c.status_archived, 80);
    char t[21];
    sl_time_format(c.tmax, t);
    CHECK_STR(t, "2026-08-15T21:33:09Z");
    sl_buf_nul(&c.json[0]);
    CHECK_STR(c.json[0].p, "{\"License Plate\":\"***\",\"User\":\"Daniel Sanchez\","
                           "\"Status\":\"Needs Review -> Archived\"}");
    free_ctx(&c);
}

int main(void) {
    test_details_parse();
    test_fixtures();
    test_real();
    TEST_END();
}
