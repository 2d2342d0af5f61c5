/* test_mapfile.c: the --map file format (good and bad maps), header matching, and time
 * formats, against maps/vigilant_learn_audit.map and tests/data/maps/. */
#include "../harness.h"
#include "csv.h"
#include "mapfile.h"
#include "timeparse.h"

typedef struct {
    const sl_mapfile *m;
    sl_schema s;
    int matched;
    unsigned rows, bad_time;
    int64_t t[8];
    sl_cell_state reason_st[8];
} ctx;

static int on_row(void *ud, const sl_csv_row *row) {
    ctx *c = ud;
    if (row->record == 1) {
        c->matched = sl_mapfile_apply(c->m, row->cells, row->ncells, &c->s);
        return c->matched != 1;
    }
    sl_search q;
    sl_search_from_row(&c->s, row->cells, row->ncells, &q);
    sl_mapfile_fix_times(c->m, &q);
    if (c->rows < 8) {
        c->t[c->rows] = q.search_time;
        c->reason_st[c->rows] = q.f[SL_F_REASON].st;
    }
    if (q.bad & (1u << SL_F_SEARCH_TIME)) c->bad_time++;
    c->rows++;
    return 0;
}

static int64_t utc(int y, int mo, int d, int h, int mi, int s) {
    return sl_days_from_civil(y, (unsigned)mo, (unsigned)d) * 86400 + h * 3600 + mi * 60 + s;
}

static sl_status parse(const char *text, sl_mapfile **m, char *err, size_t errlen) {
    return sl_mapfile_parse(m, text, strlen(text), "t.map", err, errlen);
}

static void test_example(void) {
    sl_mapfile *m = NULL;
    char err[300] = "";
    CHECK_INT(sl_mapfile_load(&m, "maps/vigilant_learn_audit.map", err, sizeof err), SL_OK);
    if (!m) { fprintf(stderr, "%s\n", err); return; }
    CHECK_STR(sl_mapfile_name(m), "Vigilant LEARN audit");
    CHECK_STR(sl_mapfile_kind(m), "alpr_audit");
    CHECK_STR(sl_mapfile_time_format(m), "%m/%d/%Y %I:%M %p");

    ctx c;
    memset(&c, 0, sizeof c);
    c.m = m;
    FILE *f = fopen("tests/data/maps/vigilant_learn_audit.csv", "rb");
    CHECK(f != NULL);
    if (!f) { sl_mapfile_free(m); return; }
    sl_csv *csv = NULL;
    sl_csv_opts o = {0};
    sl_csv_new(&csv, &o, on_row, &c);
    char buf[4096];
    size_t n;
    while ((n = fread(buf, 1, sizeof buf, f)) > 0) sl_csv_feed(csv, buf, n);
    sl_csv_finish(csv);
    sl_csv_free(csv);
    fclose(f);

    CHECK_INT(c.matched, 1);
    CHECK_INT(c.s.kind, SL_KIND_AUDIT);
    CHECK_INT(c.s.col[SL_F_SEARCH_TIME], 3);
    CHECK_INT(c.s.col[SL_F_USER_ID], 0);
    CHECK_INT(c.s.col[SL_F_ORG], 2);
    CHECK_INT(c.s.col[SL_F_REASON], 6);
    CHECK_INT(c.s.col[SL_F_FILTERS], 8);
    CHECK_INT(c.s.col[SL_F_TIME_FRAME], -1);
    CHECK_INT(c.s.mapped, 9);
    CHECK_STR(c.s.names[3], "Query Date");
    CHECK_INT(c.rows, 4);
    /* 9:41 PM at UTC-6 is 03:41 the next day in UTC. */
    CHECK_INT(c.t[0], utc(2025, 3, 15, 3, 41, 0));
    CHECK_INT(c.t[1], utc(2025, 3, 15, 6, 5, 0));   /* 12:05 AM */
    CHECK_INT(c.t[2], utc(2025, 3, 15, 13, 0, 0));  /* unpadded 3/15/2025 7:00 AM */
    CHECK_INT(c.t[3], SL_TIME_NONE);                /* "yesterday": refused, not guessed */
    CHECK_INT(c.bad_time, 1);
    CHECK_INT(c.reason_st[2], SL_CELL_AGENCY_REDACTED);
    sl_schema_clear(&c.s);

    /* A header without the match cells does not match. */
    sl_slice h[] = {{"User ID", 7}, {"Query Date", 10}};
    sl_schema s;
    CHECK_INT(sl_mapfile_apply(m, h, 2, &s), 0);
    CHECK_INT(s.col[SL_F_SEARCH_TIME], -1);
    sl_mapfile_free(m);
}

static void test_times(void) {
    sl_mapfile *m = NULL;
    char err[300];
    CHECK_INT(parse("name x\nkind dmv_query\nmatch_header Date\ncolumn Date -> search_time\n"
                    "time_format \"%d-%b-%y %H:%M:%S.%f%z\"\n", &m, err, sizeof err), SL_OK);
    if (!m) { fprintf(stderr, "%s\n", err); return; }
    int64_t t = 0;
    CHECK_INT(sl_mapfile_parse_time(m, "04-Jul-25 13:02:03.123+02:00", 28, &t), 1);
    CHECK_INT(t, utc(2025, 7, 4, 11, 2, 3));
    CHECK_INT(sl_mapfile_parse_time(m, "4-july-25 13:02:03.5Z", 21, &t), 1);
    CHECK_INT(t, utc(2025, 7, 4, 13, 2, 3));
    CHECK_INT(sl_mapfile_parse_time(m, "31-Feb-25 13:02:03.1Z", 21, &t), 0);
    CHECK_INT(sl_mapfile_parse_time(m, "04-Jul-25 13:02:03.1Z junk", 26, &t), 0);
    sl_mapfile_free(m);

    /* Without a time format, the built-in forms. */
    CHECK_INT(parse("name x\nkind dmv_query\nmatch_header Date\ncolumn \"Date\" -> search_time\n",
                    &m, err, sizeof err), SL_OK);
    CHECK_INT(sl_mapfile_parse_time(m, "2025-07-04T11:02:03Z", 20, &t), 1);
    CHECK_INT(t, utc(2025, 7, 4, 11, 2, 3));
    CHECK(sl_mapfile_time_format(m) == NULL);
    sl_mapfile_free(m);
}

static void test_errors(void) {
    struct { const char *text, *msg; } bad[] = {
        {"name x\nkind y\nmatch_header A\ncolumn A -> when\n", "t.map:4: unknown field \"when\""},
        {"name x\nkind y\nmatch_header A\ncolumn A -> reason\n", "t.map:0: no column mapped to search_time"},
        {"name x\nmatch_header A\ncolumn A -> search_time\n", "t.map:0: no kind line"},
        {"name x\nkind dmv query\n", "t.map:2: unexpected text after the value"},
        {"name x\nkind \"dmv query\"\n", "t.map:2: kind must be a word"},
        {"name x\nkind y\nmatch_header A\ncolumn A search_time\n", "t.map:4: column \"A\" needs ->"},
        {"name x\nkind y\nmatch_header A,\n", "t.map:3: match_header needs header cells"},
        {"name x\nkind y\nmatch_header \"A\ncolumn A -> search_time\n", "t.map:3: match_header needs"},
        {"name x\nkind y\nfrobnicate 1\n", "t.map:3: unknown keyword \"frobnicate\""},
        {"name x\nkind y\nmatch_header A\ncolumn A -> search_time\ncolumn B -> search_time\n",
         "t.map:5: field search_time mapped twice"},
        {"name x\nkind y\nutc_offset EST\n", "t.map:3: utc_offset must look like"},
    };
    for (size_t i = 0; i < SL_ARRAY_LEN(bad); i++) {
        sl_mapfile *m = (sl_mapfile *)1;
        char err[300] = "";
        CHECK_INT(parse(bad[i].text, &m, err, sizeof err), SL_EUSAGE);
        CHECK(m == NULL);
        if (strncmp(err, bad[i].msg, strlen(bad[i].msg)))
            fprintf(stderr, "case %zu: got \"%s\"\n", i, err);
        CHECK(strncmp(err, bad[i].msg, strlen(bad[i].msg)) == 0);
    }
    sl_mapfile *m;
    char err[300];
    CHECK_INT(sl_mapfile_load(&m, "tests/data/maps/does_not_exist.map", err, sizeof err), SL_EIO);
    /* Comments, CRLF, blank lines and a kind that names a known sl_kind. */
    CHECK_INT(parse("# c\r\n\r\nname \"N\"  # trailing\r\nkind network_audit\r\n"
                    "match_header \" Org \", Time\r\ncolumn Org -> org\r\ncolumn Time -> search_time\r\n",
                    &m, err, sizeof err), SL_OK);
    sl_slice h[] = {{"time", 4}, {"\xEF\xBB\xBF" "ORG", 6}, {"Other", 5}};
    sl_schema s;
    /* match_header cells are compared trimmed: " Org " matches "ORG". */
    CHECK_INT(sl_mapfile_apply(m, h, 3, &s), 0);
    sl_mapfile_free(m);
    CHECK_INT(parse("name N\nkind network_audit\nmatch_header Org, Time\ncolumn Org -> org\n"
                    "column Time -> search_time\n", &m, err, sizeof err), SL_OK);
    CHECK_INT(sl_mapfile_apply(m, h, 3, &s), 1);
    CHECK_INT(s.kind, SL_KIND_NETWORK_AUDIT);
    CHECK_INT(s.col[SL_F_ORG], 1);
    CHECK_INT(s.col[SL_F_SEARCH_TIME], 0);
    CHECK_INT(s.unknown[2], 1);
    CHECK_STR(s.names[1], "ORG");
    sl_schema_clear(&s);
    sl_mapfile_free(m);
}

int main(void) {
    test_example();
    test_times();
    test_errors();
    TEST_END();
}
