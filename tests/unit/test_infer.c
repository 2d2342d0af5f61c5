/* test_infer.c: value shapes, header-less column recognition (and refusal on weak evidence),
 * and shifted-row realignment, on fixtures in tests/data/infer/. */
#include "../harness.h"
#include "csv.h"
#include "infer.h"

/* Holds up to 64 records of a file, copied. */
typedef struct {
    sl_buf text[64];
    sl_slice cells[64][32];
    sl_infer_row rows[64];
    size_t n;
} book;

static int keep_row(void *ud, const sl_csv_row *row) {
    book *b = ud;
    if (b->n >= 64) return 1;
    size_t k = b->n++;
    size_t off[32];
    for (size_t i = 0; i < row->ncells && i < 32; i++) {
        off[i] = b->text[k].len;
        sl_buf_append(&b->text[k], row->cells[i].p, row->cells[i].len);
    }
    for (size_t i = 0; i < row->ncells && i < 32; i++)
        b->cells[k][i] = (sl_slice){b->text[k].p + off[i], row->cells[i].len};
    b->rows[k] = (sl_infer_row){b->cells[k], row->ncells < 32 ? row->ncells : 32};
    return 0;
}

static void load(const char *path, book *b) {
    memset(b, 0, sizeof *b);
    FILE *f = fopen(path, "rb");
    if (!f) { CHECK(!"fixture missing"); return; }
    sl_csv *c = NULL;
    sl_csv_opts o = {0};
    sl_csv_new(&c, &o, keep_row, b);
    char buf[4096];
    size_t n;
    while ((n = fread(buf, 1, sizeof buf, f)) > 0) sl_csv_feed(c, buf, n);
    sl_csv_finish(c);
    sl_csv_free(c);
    fclose(f);
}

static void unload(book *b) {
    for (size_t i = 0; i < 64; i++) sl_buf_free(&b->text[i]);
}

#define SHAPE(z) sl_value_shape(z, strlen(z))

static void test_shapes(void) {
    CHECK_INT(SHAPE("5869ce7e-98f2-47e7-a3c2-5e6bff4def4a"), SL_SHAPE_UUID | SL_SHAPE_TEXT);
    CHECK_INT(SHAPE("  "), SL_SHAPE_EMPTY);
    CHECK_INT(SHAPE("***"), SL_SHAPE_WILD);
    CHECK_INT(SHAPE("1,203"), SL_SHAPE_INT);
    CHECK_INT(SHAPE("12345678"), 0); /* too long for a count, not a time */
    CHECK(SHAPE("06/02/2025, 10:05:11 AM UTC") & SL_SHAPE_TIME);
    CHECK(SHAPE("2026-03-10T04:31:52.901Z") & SL_SHAPE_TIME);
    CHECK(SHAPE("06/01/2025, 10:00:00 AM UTC\n06/02/2025, 10:00:00 AM UTC") & SL_SHAPE_TIMEFRAME);
    CHECK_INT(SHAPE("Houston TX PD") & (SL_SHAPE_ORG | SL_SHAPE_PERSON), SL_SHAPE_ORG);
    CHECK(SHAPE("Sonoma County CA SO") & SL_SHAPE_ORG);
    CHECK(!(SHAPE("TX Rangers") & SL_SHAPE_ORG)); /* a state code must follow a first word */
    CHECK(SHAPE("search - Mobile") & SL_SHAPE_STYPE);
    CHECK(!(SHAPE("search warrant") & SL_SHAPE_STYPE));
    CHECK(SHAPE("Block") & SL_SHAPE_MOD);
    CHECK(SHAPE("7XYZ123") & SL_SHAPE_PLATE);
    CHECK(!(SHAPE("ABCDEFG") & SL_SHAPE_PLATE));
    CHECK(SHAPE("Mary Major") & SL_SHAPE_PERSON);
    CHECK(!(SHAPE("stolen vehicle") & SL_SHAPE_PERSON));
}

static void test_headerless(void) {
    book b;
    load("tests/data/infer/headerless_audit.csv", &b);
    CHECK_INT(b.n, 5);
    sl_schema s;
    sl_infer_info info;
    CHECK_INT(sl_infer_schema(b.rows, b.n, &s, &info), 1);
    CHECK_INT(s.ncols, 11);
    CHECK_INT(s.col[SL_F_NAME], 0);
    CHECK_INT(s.col[SL_F_ORG], 1);
    CHECK_INT(s.col[SL_F_NETWORKS], 2);
    CHECK_INT(s.col[SL_F_TIME_FRAME], 3);
    CHECK_INT(s.col[SL_F_PLATE], 4);
    CHECK_INT(s.col[SL_F_REASON], 5);
    CHECK_INT(s.col[SL_F_SEARCH_TIME], 8);
    CHECK_INT(s.col[SL_F_SEARCH_TYPE], 9);
    CHECK_INT(s.col[SL_F_MODERATION], 10);
    CHECK_INT(s.col[SL_F_ID], -1);
    CHECK_INT(s.col[SL_F_CASE], -1);
    CHECK_INT(s.kind, SL_KIND_AUDIT);
    CHECK_STR(s.names[8], "search_time");
    CHECK_STR(s.names[6], "");
    CHECK_INT(s.unknown[6], 1);
    CHECK_INT(s.mapped, 9);
    CHECK(info.confidence >= 0.8 && info.confidence <= 1.0);
    CHECK(strncmp(info.note, "inferred from values: col 1 name, col 2 org,", 44) == 0);
    /* Rows parse through the inferred schema like through a header. */
    sl_search q;
    sl_search_from_row(&s, b.rows[0].cells, b.rows[0].n, &q);
    CHECK_INT(q.networks, 1203);
    CHECK(q.search_time != INT64_MIN);
    CHECK_MEM(q.f[SL_F_REASON].p, q.f[SL_F_REASON].len, "stolen vehicle");
    sl_schema_clear(&s);

    /* Too few rows: refused. */
    CHECK_INT(sl_infer_schema(b.rows, 2, &s, &info), 0);
    CHECK_INT(s.col[SL_F_SEARCH_TIME], -1);
    unload(&b);

    /* A header row of a search audit whose data is all text: refused, not guessed. */
    load("tests/data/infer/repeated_header_inside.csv", &b);
    sl_infer_row hdr[3] = {b.rows[0], b.rows[0], b.rows[0]};
    CHECK_INT(sl_infer_schema(hdr, 3, &s, &info), 0);
    CHECK(strstr(info.note, "too weak") != NULL);
    unload(&b);
}

static void test_real_refusals(void) {
    const char *files[] = {"roster/skokie_officers.csv", "registry/fbi-ucr-agencies-2018.csv"};
    for (size_t i = 0; i < 2; i++) {
        char path[1024];
        snprintf(path, sizeof path, "%s/%s", shared_data_dir(), files[i]);
        if (!path_exists(path)) { SKIP("shared data not present"); continue; }
        book b;
        load(path, &b);
        sl_schema s;
        sl_infer_info info;
        CHECK_INT(sl_infer_schema(b.rows, b.n, &s, &info), 0);
        unload(&b);
    }
    /* A portal search audit without its header is recognised from values. */
    char path[1024];
    snprintf(path, sizeof path, "%s/portal/search_audit.a871b2fc.csv", shared_data_dir());
    if (!path_exists(path)) { SKIP("shared data not present"); return; }
    book b;
    load(path, &b);
    sl_schema s;
    sl_infer_info info;
    CHECK_INT(sl_infer_schema(b.rows + 1, b.n - 1, &s, &info), 1);
    CHECK_INT(s.col[SL_F_ID], 0);
    CHECK_INT(s.col[SL_F_SEARCH_TIME], 2);
    CHECK_INT(s.col[SL_F_NETWORKS], 3);
    CHECK_INT(s.col[SL_F_REASON], 4);
    CHECK_INT(s.col[SL_F_USER_ID], -1); /* every userId is *** : nothing to tell */
    sl_schema_clear(&s);
    unload(&b);
}

static void test_shift(void) {
    book b;
    load("tests/data/infer/shifted_row_extra_cell.csv", &b);
    CHECK_INT(b.n, 5);
    sl_schema s;
    CHECK_INT(sl_schema_from_header(&s, b.rows[0].cells, b.rows[0].n, "x.csv"), 1);
    CHECK_INT(s.ncols, 7);
    sl_slice out[8];
    sl_buf scratch = {0};
    size_t at = 99;
    /* A well-formed row is not touched. */
    CHECK_INT(sl_shift_fix(&s, b.rows[1].cells, b.rows[1].n, ',', &scratch, out, &at), SL_SHIFT_NONE);
    /* An unquoted comma in the reason: merged back. */
    CHECK_INT(b.rows[2].n, 8);
    CHECK_INT(sl_shift_fix(&s, b.rows[2].cells, b.rows[2].n, ',', &scratch, out, &at), SL_SHIFT_MERGED);
    CHECK_INT(at, 3);
    CHECK_MEM(out[3].p, out[3].len, "theft, burglary follow up");
    CHECK_MEM(out[4].p, out[4].len, "25-002");
    CHECK_MEM(out[6].p, out[6].len, "search");
    /* A missing case cell: an empty one inserted where the values say. */
    CHECK_INT(b.rows[3].n, 6);
    CHECK_INT(sl_shift_fix(&s, b.rows[3].cells, b.rows[3].n, ',', &scratch, out, &at), SL_SHIFT_INSERTED);
    CHECK_INT(at, 4);
    CHECK_INT(out[4].len, 0);
    CHECK_MEM(out[5].p, out[5].len, "06/02/2025, 12:05:11 PM UTC");
    CHECK_MEM(out[3].p, out[3].len, "missing person");
    /* A trailing empty cell shows no shift: kept as is. */
    CHECK_INT(b.rows[4].n, 8);
    CHECK_INT(sl_shift_fix(&s, b.rows[4].cells, b.rows[4].n, ',', &scratch, out, &at), SL_SHIFT_NONE);
    /* Widths that differ by more than one are not this helper's business. */
    CHECK_INT(sl_shift_fix(&s, b.rows[4].cells, 3, ',', &scratch, out, &at), SL_SHIFT_NONE);
    /* An extra empty cell in the middle is dropped. */
    sl_slice r[8] = {{"A B", 3}, {"Waco TX PD", 10}, {"", 0}, {"7", 1}, {"theft", 5}, {"", 0},
                     {"06/02/2025, 1:05:11 PM UTC", 26}, {"lookup", 6}};
    CHECK_INT(sl_shift_fix(&s, r, 8, ',', &scratch, out, &at), SL_SHIFT_DROPPED);
    CHECK_INT(at, 2);
    CHECK_MEM(out[2].p, out[2].len, "7");
    CHECK_STR(sl_shift_name(SL_SHIFT_DROPPED), "dropped");
    sl_buf_free(&scratch);
    sl_schema_clear(&s);
    unload(&b);
}

int main(void) {
    test_shapes();
    test_headerless();
    test_real_refusals();
    test_shift();
    TEST_END();
}
