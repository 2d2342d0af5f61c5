/* test_store.c: builds a run database by hand (three sources, three flagged rows, counts, a
 * diagnostic), writes flagged.csv, summary.json and report.html, and checks what the outputs
 * promise: no raw plate in any byte of any file, formula cells neutralised, HTML escaped, JSON
 * valid, accounting balanced, and byte-identical outputs when built twice. */
#define _GNU_SOURCE /* memmem */
#include "../harness.h"
#include "redact.h"
#include "store.h"
#include "timeparse.h"

#include <sqlite3.h>
#include <unistd.h>

static char tmpdir[] = "/tmp/sl_test_store_XXXXXX";
static sl_key *key;
static sl_rules *rules;

static const char *const RAW_PLATES[] = {"ABC1234", "7XYZ999", "1234567", "XYZ9876", "9ZZZ99"};

static void cell(sl_search *s, sl_field f, const char *text) {
    s->f[f].p = text;
    s->f[f].len = strlen(text);
    s->f[f].st = SL_CELL_VALUE;
}

static void search_init(sl_search *s) {
    memset(s, 0, sizeof *s);
    for (int i = 0; i < SL_F_COUNT; i++) s->f[i].st = SL_CELL_ABSENT;
    s->search_time = s->tf_start = s->tf_end = SL_TIME_NONE;
    s->networks = s->devices = -1;
}

static size_t rule_index(const char *id) {
    for (size_t i = 0; i < sl_rules_count(rules); i++) {
        sl_rule_info ri;
        sl_rules_info(rules, i, &ri);
        if (strcmp(ri.id, id) == 0) return i;
    }
    return (size_t)-1;
}

static int add_row(sl_store *st, uint32_t src, uint64_t rec, const sl_search *s,
                   const char *rule, const char *needle) {
    size_t ri = rule_index(rule);
    const char *at = strstr(s->f[SL_F_REASON].p, needle);
    sl_flag fl = {(uint32_t)ri, SL_F_REASON, (uint32_t)(at - s->f[SL_F_REASON].p),
                  (uint32_t)(at - s->f[SL_F_REASON].p + strlen(needle))};
    sl_rule_info info;
    sl_rules_info(rules, ri, &info);
    sl_store_row row = {src, rec, rec + 1, s, &fl, 1};
    sl_status rc = sl_store_row_add(st, key, rules, &row);
    if (!rc) rc = sl_store_count(st, s->f[SL_F_ORG].p, s->f[SL_F_ORG].len, s->search_time, info.category);
    return (int)rc;
}

/* Builds OUT/sunlight.db and the three outputs in folder out. Returns 0 on success. */
static int build(const char *out) {
    char path[512], err[256] = "";
    mkdir(out, 0700);
    snprintf(path, sizeof path, "%s/sunlight.db", out);
    sl_store *st = NULL;
    int rc = 0;
    CHECK_INT(sl_store_open(&st, path, err, sizeof err), SL_OK);
    if (!st) return 1;
    rc |= sl_store_meta(st, "producer", "Testville CA PD");
    rc |= sl_store_meta(st, "sunlight_version", SL_VERSION);
    rc |= sl_store_rules(st, rules);

    /* source 1: a CSV with a cut-off last record and a repeated header */
    static char *names[] = {"Name", "Org Name", "License Plate", "Reason", "Search Time"};
    sl_schema schema;
    memset(&schema, 0, sizeof schema);
    schema.ncols = 5;
    for (int i = 0; i < 5; i++) schema.names[i] = names[i];
    sl_source s1 = {1, 0, "release/june.csv", "release/june.csv", NULL, NULL, "csv", "utf-8", ',', "", 1234};
    memcpy(s1.sha256, "1111111111111111111111111111111111111111111111111111111111111111", 65);
    sl_account *a1 = calloc(1, sizeof *a1);
    a1->kind = SL_KIND_NETWORK_AUDIT;
    a1->kind_how = "header";
    a1->records = 5;
    a1->searches = 3;
    a1->header_repeats = 1;
    a1->rejected[SL_REJ_UNTERMINATED] = 1;
    a1->first_rejected[SL_REJ_UNTERMINATED][0] = 7;
    a1->cell_states[SL_F_PLATE][SL_CELL_VALUE] = 2;
    a1->cell_states[SL_F_PLATE][SL_CELL_VENDOR_REDACTED] = 1;
    a1->field_errors[SL_F_SEARCH_TIME] = 1;
    a1->flagged = 2;
    a1->time_min = 1748779200;
    a1->time_max = 1751445000;
    a1->orgs_distinct = 2;
    a1->schema = &schema;
    /* source 2: a zip; source 3: its member */
    sl_source s2 = {2, 0, "release/more.zip", "release/more.zip", NULL, NULL, "zip", NULL, 0, "", 999};
    memcpy(s2.sha256, "2222222222222222222222222222222222222222222222222222222222222222", 65);
    sl_account *a2 = calloc(1, sizeof *a2);
    a2->time_min = a2->time_max = SL_TIME_NONE;
    sl_source s3 = {3, 2, "release/more.zip > july.csv", "release/more.zip", "july.csv", NULL, "csv", "utf-8", ',', "", 4321};
    memcpy(s3.sha256, "3333333333333333333333333333333333333333333333333333333333333333", 65);
    sl_account *a3 = calloc(1, sizeof *a3);
    a3->kind = SL_KIND_ORG_AUDIT;
    a3->kind_how = "file name";
    a3->records = 3;
    a3->searches = 2;
    a3->blank = 1;
    a3->flagged = 1;
    a3->time_min = a3->time_max = 1751445000;
    a3->orgs_distinct = 1;
    a3->schema = &schema;

    /* flagged rows */
    sl_search sa, sb, sc;
    search_init(&sa);
    cell(&sa, SL_F_NAME, "Ofc. Jane Smith");
    cell(&sa, SL_F_ORG, "Testville CA PD");
    cell(&sa, SL_F_PLATE, "ABC1234");
    cell(&sa, SL_F_REASON, "ICE hold, stolen veh ABC1234 =HYPERLINK(\"x\"), DOB 01/02/1980");
    cell(&sa, SL_F_ID, "0b5c6a2e-0000-4000-8000-000000000001");
    sa.search_time = 1748779200;
    sa.networks = 1200;
    search_init(&sb);
    cell(&sb, SL_F_NAME, "Sgt. O'Brien");
    cell(&sb, SL_F_ORG, "-Evil & Co <Federal>");
    cell(&sb, SL_F_PLATE, "7XYZ999");
    cell(&sb, SL_F_REASON, "<script>alert(1)</script> protest downtown, call 555-234-5678");
    cell(&sb, SL_F_CASE, "=1+2");
    sb.search_time = 1748779200;
    search_init(&sc);
    cell(&sc, SL_F_NAME, "Det. Ruiz");
    cell(&sc, SL_F_ORG, "Testville CA PD");
    cell(&sc, SL_F_PLATE, "1234567");
    cell(&sc, SL_F_REASON, "plate 1234567 ice detainer");
    cell(&sc, SL_F_TEXT_PROMPT, "red truck, tag 9ZZZ99");
    sc.search_time = 1751445000;
    sc.tf_start = 1751400000;
    sc.tf_end = 1751445000;

    rc |= add_row(st, 1, 2, &sa,
                  "immigration.ice_hold", "ICE hold");
    rc |= add_row(st, 1, 4, &sb,
                  "first_amendment.protest", "protest");
    rc |= add_row(st, 3, 3, &sc,
                  "immigration.ice", "ice");
    /* every search row counts under "all": 3 + 2 */
    int64_t times[] = {1748779200, 1748779200, 1751445000, SL_TIME_NONE, 1751445000};
    const char *orgs[] = {"Testville CA PD", "-Evil & Co <Federal>", "Testville CA PD", "Other TX SO", "Testville CA PD"};
    for (int i = 0; i < 5; i++) rc |= sl_store_count(st, orgs[i], strlen(orgs[i]), times[i], "all");
    /* an organization with an invalid UTF-8 byte and a control character (counts only) */
    rc |= sl_store_count(st, "Bad\xff\x01Org", 8, 1751445000, "bad_text");

    rc |= sl_store_source(st, &s1, a1);
    rc |= sl_store_source(st, &s2, a2);
    rc |= sl_store_source(st, &s3, a3);
    sl_diag d = {SL_DIAG_WARN, "csv.unterminated", "release/june.csv", 7, 9,
                 "record 7: file ends inside a quoted cell: \"XYZ9876 stolen"};
    rc |= sl_store_diag(st, 1, &d);
    CHECK_INT(rc, 0);
    CHECK_INT(sl_store_finish(st), SL_OK);

    snprintf(path, sizeof path, "%s/flagged.csv", out);
    CHECK_INT(sl_write_flagged_csv(sl_store_db(st), key, path, err, sizeof err), SL_OK);
    snprintf(path, sizeof path, "%s/summary.json", out);
    CHECK_INT(sl_write_summary_json(sl_store_db(st), path, err, sizeof err), SL_OK);
    snprintf(path, sizeof path, "%s/report.html", out);
    CHECK_INT(sl_write_report_html(sl_store_db(st), key, path, err, sizeof err), SL_OK);
    if (err[0]) fprintf(stderr, "error: %s\n", err);
    CHECK_INT(sl_store_close(st), SL_OK);
    free(a1);
    free(a2);
    free(a3);
    return rc;
}

static const char *const FILES[] = {"sunlight.db", "flagged.csv", "summary.json", "report.html"};

static int64_t q_int(sqlite3 *db, const char *sql) {
    sqlite3_stmt *s;
    int64_t v = -999;
    if (sqlite3_prepare_v2(db, sql, -1, &s, NULL) != SQLITE_OK) return -998;
    if (sqlite3_step(s) == SQLITE_ROW) v = sqlite3_column_int64(s, 0);
    sqlite3_finalize(s);
    return v;
}

static char qbuf[1024];
static const char *q_str(sqlite3 *db, const char *sql) {
    sqlite3_stmt *s;
    snprintf(qbuf, sizeof qbuf, "(none)");
    if (sqlite3_prepare_v2(db, sql, -1, &s, NULL) != SQLITE_OK) return "(error)";
    if (sqlite3_step(s) == SQLITE_ROW && sqlite3_column_text(s, 0))
        snprintf(qbuf, sizeof qbuf, "%s", (const char *)sqlite3_column_text(s, 0));
    sqlite3_finalize(s);
    return qbuf;
}

static const char *token(const char *plate) {
    static char tok[SL_TOKEN_LEN + 1];
    sl_plate_token(key, plate, strlen(plate), tok);
    return tok;
}

static void check_db(const char *out) {
    char path[512];
    snprintf(path, sizeof path, "%s/sunlight.db", out);
    sqlite3 *db;
    if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK) { CHECK(0); return; }
    CHECK_INT(q_int(db, "SELECT COUNT(*) FROM sources"), 3);
    CHECK_INT(q_int(db, "SELECT COUNT(*) FROM accounting WHERE unaccounted <> 0"), 0);
    CHECK_INT(q_int(db, "SELECT SUM(records) FROM sources"), 8);
    CHECK_STR(q_str(db, "SELECT first_records FROM rejections WHERE source_id = 1"), "7");
    CHECK_STR(q_str(db, "SELECT reason FROM rejections WHERE source_id = 1"), "unterminated_quote");
    CHECK_STR(q_str(db, "SELECT columns FROM sources WHERE id = 1"),
              "[\"Name\",\"Org Name\",\"License Plate\",\"Reason\",\"Search Time\"]");
    CHECK_STR(q_str(db, "SELECT time_min || ' ' || time_max FROM sources WHERE id = 1"),
              "2025-06-01T12:00:00Z 2025-07-02T08:30:00Z");
    CHECK_INT(q_int(db, "SELECT parent_id FROM sources WHERE id = 3"), 2);
    CHECK_INT(q_int(db, "SELECT parent_id IS NULL FROM sources WHERE id = 1"), 1);
    CHECK_INT(q_int(db, "SELECT count FROM field_states WHERE source_id = 1 AND field = 'plate' AND state = 'vendor_redacted'"), 1);
    CHECK_INT(q_int(db, "SELECT COUNT(*) FROM field_states"), 2);
    CHECK_INT(q_int(db, "SELECT count FROM field_errors WHERE source_id = 1 AND field = 'search_time'"), 1);
    CHECK_INT(q_int(db, "SELECT COUNT(*) FROM flagged_rows"), 3);
    CHECK_STR(q_str(db, "SELECT plate_token FROM flagged_rows WHERE source_id = 1 AND record = 2"), token("ABC1234"));
    char want[256];
    snprintf(want, sizeof want, "ICE hold, stolen veh %s =HYPERLINK(\"x\"), DOB 01/02/1980", token("ABC1234"));
    CHECK_STR(q_str(db, "SELECT reason FROM flagged_rows WHERE source_id = 1 AND record = 2"), want);
    snprintf(want, sizeof want, "plate %s ice detainer", token("1234567"));
    CHECK_STR(q_str(db, "SELECT reason FROM flagged_rows WHERE source_id = 3"), want);
    /* each row its own hit set here: different rules on different texts */
    CHECK_INT(q_int(db, "SELECT COUNT(DISTINCT hit_set) FROM flagged_rows"), 3);
    CHECK_INT(q_int(db, "SELECT COUNT(*) FROM hit_sets WHERE first_row = set_id"), 3);
    CHECK_STR(q_str(db, "SELECT search_id FROM flagged_rows WHERE record = 2"), "0b5c6a2e-0000-4000-8000-000000000001");
    CHECK_INT(q_int(db, "SELECT search_id IS NULL FROM flagged_rows WHERE record = 4"), 1);
    CHECK_STR(q_str(db, "SELECT search_time FROM flagged_rows WHERE record = 2"), "2025-06-01T12:00:00Z");
    CHECK_STR(q_str(db, "SELECT tf_start || '/' || tf_end FROM flagged_rows WHERE source_id = 3"),
              "2025-07-01T20:00:00Z/2025-07-02T08:30:00Z");
    CHECK_INT(q_int(db, "SELECT networks FROM flagged_rows WHERE record = 2"), 1200);
    CHECK_STR(q_str(db, "SELECT categories FROM flagged_rows WHERE record = 4"), "first_amendment");
    CHECK_STR(q_str(db, "SELECT matched || '|' || field || '|' || start || '|' || \"end\" FROM flag_hits WHERE row_id = 1"),
              "ICE hold|reason|0|8");
    CHECK_STR(q_str(db, "SELECT rule_id FROM flag_hits WHERE row_id = 3"), "immigration.ice");
    CHECK_INT(q_int(db, "SELECT rows FROM counts WHERE org = 'Testville CA PD' AND month = '2025-07' AND category = 'all'"), 2);
    CHECK_INT(q_int(db, "SELECT rows FROM counts WHERE org = 'Other TX SO' AND month = '' AND category = 'all'"), 1);
    CHECK_INT(q_int(db, "SELECT SUM(rows) FROM counts WHERE category = 'all'"), 5);
    CHECK_INT(q_int(db, "SELECT SUM(rows) FROM counts WHERE category = 'immigration'"), 2);
    CHECK_STR(q_str(db, "SELECT message FROM diagnostics"), "record 7: file ends inside a quoted cell: \"[PLATE] stolen");
    CHECK_STR(q_str(db, "SELECT value FROM run WHERE key = 'producer'"), "Testville CA PD");
    CHECK(q_int(db, "SELECT COUNT(*) FROM rules") >= 2);
    CHECK(q_int(db, "SELECT COUNT(*) FROM packs WHERE file NOT LIKE '%/%'") >= 1);
    sqlite3_close(db);
}

static void check_outputs(const char *out) {
    char path[512];
    size_t len;
    /* no raw plate in any byte of any output */
    for (size_t f = 0; f < SL_ARRAY_LEN(FILES); f++) {
        snprintf(path, sizeof path, "%s/%s", out, FILES[f]);
        char *p = t_read_file(path, &len);
        CHECK(p != NULL);
        if (!p) continue;
        for (size_t i = 0; i < SL_ARRAY_LEN(RAW_PLATES); i++) {
            int leaked = memmem(p, len, RAW_PLATES[i], strlen(RAW_PLATES[i])) != NULL;
            if (leaked) fprintf(stderr, "%s holds raw plate %s\n", FILES[f], RAW_PLATES[i]);
            CHECK(!leaked);
        }
        snprintf(path, sizeof path, "%s/%s.tmp", out, FILES[f]);
        CHECK(!path_exists(path));
        free(p);
    }

    snprintf(path, sizeof path, "%s/flagged.csv", out);
    char *csv = t_read_file(path, &len);
    if (csv) {
        static const char hdr[] = /* a UTF-8 byte order mark first, for Excel */
            "\xEF\xBB\xBF" "source,sha256,member,sheet,record,line,categories,rules,ID,Name,Org Name,"
            "Total Networks Searched,Total Devices Searched,Time Frame Start,Time Frame End,"
            "License Plate,Reason,Case #,Offense Type,Filters,Search Time,Search Type,"
            "Text Prompt,Moderation\n";
        CHECK(strncmp(csv, hdr, strlen(hdr)) == 0);
        size_t lines = 0;
        for (size_t i = 0; i < len; i++) lines += csv[i] == '\n';
        CHECK_INT(lines, 4);
        CHECK(strstr(csv, ",'=1+2,") != NULL);                 /* formula neutralised */
        CHECK(strstr(csv, ",'-Evil & Co <Federal>,") != NULL);  /* org kept, neutralised */
        CHECK(strstr(csv, "\"ICE hold, stolen veh ") != NULL);  /* quoted: holds commas */
        CHECK(strstr(csv, "=HYPERLINK(\"\"x\"\"), [DOB]\"") != NULL); /* quotes doubled, DOB out */
        CHECK(strstr(csv, "01/02/1980") == NULL);
        CHECK(strstr(csv, "555-234-5678") == NULL);
        CHECK(strstr(csv, "call [PHONE]") != NULL);
        CHECK(strstr(csv, "Ofc. Jane Smith") != NULL);          /* officers stay named */
        CHECK(strstr(csv, token("ABC1234")) != NULL);
        CHECK(strstr(csv, "\r") == NULL);
        /* rows by source then record: june row 2, june row 4, july */
        const char *r2 = strstr(csv, "\nrelease/june.csv,1111"), *r3 = strstr(csv, "\nrelease/more.zip > july.csv,");
        CHECK(r2 && r3 && r2 < r3);
        CHECK(strstr(csv, ",july.csv,,3,4,immigration,immigration.ice,") != NULL);
        free(csv);
    }

    snprintf(path, sizeof path, "%s/report.html", out);
    char *html = t_read_file(path, &len);
    if (html) {
        CHECK(strstr(html, "<script") == NULL);
        CHECK(strstr(html, "&lt;script&gt;alert(1)&lt;/script&gt;") != NULL);
        CHECK(strstr(html, "-Evil &amp; Co &lt;Federal&gt;") != NULL);
        CHECK(strstr(html, "Sgt. O&#39;Brien") != NULL);
        CHECK(strstr(html, "<mark title=\"first_amendment.protest\">protest</mark>") != NULL);
        CHECK(strstr(html, "<mark title=\"immigration.ice_hold\">ICE hold</mark>") != NULL);
        CHECK(strstr(html, "release/june.csv record 2 (line 3)") != NULL);
        CHECK(strstr(html, "http://") == NULL && strstr(html, "https://") == NULL);
        CHECK(strstr(html, "01/02/1980") == NULL);
        CHECK(strstr(html, "1 unterminated_quote</span> (record 7)") != NULL);
        CHECK(strstr(html, "title=\"1111111111111111111111111111111111111111111111111111111111111111\">111111111111<") != NULL);
        CHECK(strstr(html, "<b>8</b><span>rows read</span>") != NULL);
        CHECK(strstr(html, "<b>5</b><span>searches parsed (rows)</span>") != NULL);
        CHECK(strstr(html, "</html>\n") != NULL);
        CHECK(strstr(html, "<td>Bad\xEF\xBF\xBD Org</td>") != NULL);
        free(html);
    }

    snprintf(path, sizeof path, "%s/summary.json", out);
    char *json = t_read_file(path, &len);
    if (json) {
        CHECK(strstr(json, "\"sunlight_version\": \"" SL_VERSION "\"") != NULL);
        CHECK(strstr(json, "\"records\": 8,") != NULL);
        CHECK(strstr(json, "\"searches\": 5,") != NULL);
        CHECK(strstr(json, "\"rejected\": 1,") != NULL);
        CHECK(strstr(json, "\"skipped\": 2,") != NULL);
        CHECK(strstr(json, "\"unaccounted\": 0,") != NULL);
        CHECK(strstr(json, "\"flagged\": 3,") != NULL);
        CHECK(strstr(json, "\"files\": 2,") != NULL);
        CHECK(strstr(json, "\"sources\": 2,") != NULL);
        CHECK(strstr(json, "\"first_records\": [7]") != NULL);
        CHECK(strstr(json, "\"org\": \"-Evil & Co <Federal>\"") != NULL);
        CHECK(strstr(json, "\"org\": \"Bad\xEF\xBF\xBD\\u0001Org\"") != NULL);
        free(json);
    }
    /* JSON validity with Python when it is here */
    if (system("command -v python3 >/dev/null 2>&1") == 0) {
        char cmd[700];
        snprintf(cmd, sizeof cmd, "python3 -m json.tool '%s' >/dev/null", path);
        CHECK_INT(system(cmd), 0);
    } else {
        SKIP("python3 not found: summary.json not validated");
    }
}

static void check_same(const char *a, const char *b) {
    for (size_t f = 0; f < SL_ARRAY_LEN(FILES); f++) {
        char pa[512], pb[512];
        size_t la = 0, lb = 0;
        snprintf(pa, sizeof pa, "%s/%s", a, FILES[f]);
        snprintf(pb, sizeof pb, "%s/%s", b, FILES[f]);
        char *x = t_read_file(pa, &la), *y = t_read_file(pb, &lb);
        int same = x && y && la == lb && memcmp(x, y, la) == 0;
        if (!same) fprintf(stderr, "%s differs between two runs\n", FILES[f]);
        CHECK(same);
        free(x);
        free(y);
    }
}

static const char PACK[] =
    "pack      immigration\nversion   2\ncategory  immigration\n"
    "rule      immigration.ice_hold\nlabel     ICE hold or detainer\ngroup     immig\npriority  10\n"
    "match     ice\\W{0,3}(hold|detainer)\nyes       ICE hold\n"
    "rule      immigration.ice\nlabel     ICE\ngroup     immig\npriority  20\nmatch     ice\nyes       assist ICE\nno        police\n";
static const char PACK2[] =
    "pack      first_amendment\nversion   1\n"
    "rule      first_amendment.protest\nlabel     Protest <or> rally\nmatch     protest\nyes       protest downtown\n";

static void write_text(const char *path, const char *text) {
    FILE *f = fopen(path, "w");
    if (f) {
        fputs(text, f);
        fclose(f);
    }
}

/* flagged.csv streamed while rows are stored gives the same bytes as the writer that reads the
 * finished database; a source ended with keep = 0 leaves no rows, hits, counts or lines, and
 * the next source's rows are numbered as if it had never been read. */
static int stream_row(sl_store *st, sl_flagged_csv *fc, uint32_t src, uint64_t rec,
                      const sl_search *s, const char *rule, const char *needle) {
    size_t ri = rule_index(rule);
    const char *at = strstr(s->f[SL_F_REASON].p, needle);
    sl_flag fl[2] = {{(uint32_t)ri, SL_F_REASON, (uint32_t)(at - s->f[SL_F_REASON].p),
                      (uint32_t)(at - s->f[SL_F_REASON].p + strlen(needle))},
                     {(uint32_t)ri, SL_F_REASON, 0, 1}};
    sl_rule_info info;
    sl_rules_info(rules, ri, &info);
    sl_store_row row = {src, rec, rec % 3 ? rec + 1 : 0, s, fl, 2};
    sl_status rc = sl_store_row_add(st, key, rules, &row);
    if (!rc) rc = sl_flagged_csv_row(fc, &row, sl_store_row_written(st));
    const char *cats[] = {info.category};
    if (!rc) rc = sl_store_count_row(st, s, cats, 1);
    return (int)rc;
}

/* A store and a streaming flagged.csv writer in tmpdir/name: path is the database, a the
 * streamed csv, b where the writer from the database goes. Returns 0 when both opened. */
static int open_pair(const char *name, char dir[300], char path[400], char a[320], char b[320],
                     sl_store **st, sl_flagged_csv **fc) {
    char err[256] = "";
    snprintf(dir, 300, "%s/%s", tmpdir, name);
    mkdir(dir, 0700);
    snprintf(path, 400, "%s/sunlight.db", dir);
    snprintf(a, 320, "%s/streamed.csv", dir);
    snprintf(b, 320, "%s/from_db.csv", dir);
    CHECK_INT(sl_store_open(st, path, err, sizeof err), SL_OK);
    CHECK_INT(sl_flagged_csv_open(fc, a, err, sizeof err), SL_OK);
    if (!*st || !*fc) return 1;
    CHECK_INT(sl_store_rules(*st, rules), SL_OK);
    return 0;
}

/* Finishes the store, closes the streaming writer (into a) and writes flagged.csv from the
 * database (into b); checks the two are the same bytes and longer than min. Returns the
 * streamed text (the caller frees it). */
static char *finish_and_compare(sl_store *st, sl_flagged_csv *fc, const char *a, const char *b,
                                size_t min) {
    char err[256] = "";
    CHECK_INT(sl_store_finish(st), SL_OK);
    CHECK_INT(sl_flagged_csv_close(fc, 1, err, sizeof err), SL_OK);
    CHECK_INT(sl_write_flagged_csv(sl_store_db(st), key, b, err, sizeof err), SL_OK);
    size_t la = 0, lb = 0;
    char *ta = t_read_file(a, &la), *tb = t_read_file(b, &lb);
    CHECK(ta && tb && la == lb && la > min && memcmp(ta, tb, la) == 0);
    if (ta && tb && (la != lb || memcmp(ta, tb, la))) fprintf(stderr, "streamed:\n%s\nfrom db:\n%s\n", ta, tb);
    free(tb);
    return ta;
}

/* Sources whose SHA-256 is known only at their end (the usual case): lines go out with a
 * placeholder that is overwritten in place, over more than one patch chunk (1 MiB); a source
 * that ends without a hash gets an empty cell; a dropped one leaves nothing; the bytes equal
 * the writer that reads the finished database. */
static void test_streaming_patch(void) {
    char dir[300], path[400], a[320], b[320];
    sl_store *st = NULL;
    sl_flagged_csv *fc = NULL;
    if (open_pair("patch", dir, path, a, b, &st, &fc)) return;
    static char reason[600];
    memset(reason, 'x', sizeof reason - 1);
    memcpy(reason, "ICE hold ", 9);
    sl_search x;
    search_init(&x);
    cell(&x, SL_F_ORG, "Testville CA PD");
    cell(&x, SL_F_REASON, reason);
    x.search_time = 1748779200;
    sl_source src[4] = {
        {1, 0, "rel/big.csv", "rel/big.csv", NULL, NULL, "csv", "utf-8", ',', "", 10},
        {2, 0, "rel/cut.csv", "rel/cut.csv", NULL, NULL, "csv", "utf-8", ',', "", 10},
        {3, 0, "rel/again.csv", "rel/again.csv", NULL, NULL, "csv", "utf-8", ',', "", 10},
        {4, 0, "rel/z.zip > m.csv", "rel/z.zip", "m.csv", NULL, "csv", "utf-8", ',', "", 10},
    };
    static const char *const sha[4] = {
        "abcdef0123456789abcdef0123456789abcdef0123456789abcdef0123456789", "",
        "1111111111111111111111111111111111111111111111111111111111111111",
        "2222222222222222222222222222222222222222222222222222222222222222"};
    static const int rows[4] = {2500, 2, 3, 1};
    sl_account acc;
    memset(&acc, 0, sizeof acc);
    acc.time_min = acc.time_max = SL_TIME_NONE;
    int rc = 0;
    for (int i = 0; i < 4; i++) {
        rc |= sl_store_source_begin(st, NULL);
        rc |= sl_flagged_csv_source_begin(fc, src[i].cite, NULL, src[i].member, src[i].sheet);
        for (int r = 0; r < rows[i]; r++) rc |= stream_row(st, fc, src[i].id, (uint64_t)r + 2, &x,
                                                         "immigration.ice_hold", "ICE hold");
        snprintf(src[i].sha256, sizeof src[i].sha256, "%s", sha[i]);
        int keep = i != 2;
        rc |= sl_store_source_end(st, keep);
        rc |= sl_flagged_csv_source_end(fc, keep, src[i].cite, sha[i][0] ? sha[i] : NULL, src[i].member,
                                        src[i].sheet);
        rc |= sl_store_source(st, &src[i], &acc);
    }
    CHECK_INT(rc, 0);
    char *ta = finish_and_compare(st, fc, a, b, 1500000);
    size_t big = 0, cut = 0, again = 0, zip = 0, placeholder = 0;
    for (char *p = ta; p && (p = strstr(p, "\nrel/")) != NULL; p++) {
        if (!strncmp(p + 1, "rel/big.csv,abcdef0123", 22)) big++;
        if (!strncmp(p + 1, "rel/cut.csv,,", 13)) cut++;
        if (!strncmp(p + 1, "rel/again.csv", 13)) again++;
        if (!strncmp(p + 1, "rel/z.zip > m.csv,2222", 22)) zip++;
    }
    for (char *p = ta; p && (p = strstr(p, ",0000000000000000")) != NULL; p++) placeholder++;
    CHECK_INT(big, 2500);
    CHECK_INT(cut, 2);
    CHECK_INT(again, 0);
    CHECK_INT(zip, 1);
    CHECK_INT(placeholder, 0);
    free(ta);
    CHECK_INT(sl_store_close(st), SL_OK);
}

static void test_streaming(void) {
    char dir[300], path[400], a[320], b[320], err[256] = "";
    sl_store *st = NULL;
    sl_flagged_csv *fc = NULL;
    if (open_pair("stream", dir, path, a, b, &st, &fc)) return;
    sl_search x, y, z;
    search_init(&x);
    cell(&x, SL_F_NAME, "Ofc. \"Q\" Lee");
    cell(&x, SL_F_ORG, "Testville CA PD");
    cell(&x, SL_F_PLATE, "ABC1234");
    cell(&x, SL_F_REASON, "ICE hold for ABC1234, call 555-234-5678\nsecond line");
    cell(&x, SL_F_CASE, "=2+3");
    cell(&x, SL_F_ID, "0b5c6a2e-0000-4000-8000-000000000009");
    cell(&x, SL_F_MODERATION, "allow");
    x.search_time = 1748779200;
    x.networks = 12;
    x.devices = 0;
    search_init(&y);
    cell(&y, SL_F_ORG, "Bad \xff Org");
    cell(&y, SL_F_REASON, "protest at city hall \xc3\x28 tag 9ZZZ99");
    cell(&y, SL_F_TEXT_PROMPT, "white van, plate 7XYZ999");
    cell(&y, SL_F_OFFENSE, "Other");
    cell(&y, SL_F_FILTERS, "make=Ford");
    y.f[SL_F_FILTERS].len = 12; /* "make=Ford", a NUL and "CA": U+FFFD in flagged.csv */
    y.f[SL_F_FILTERS].p = "make=Ford\0CA";
    cell(&y, SL_F_SEARCH_TYPE, "freeform - Mobile");
    y.search_time = 1751445000;
    y.tf_start = 1751400000;
    y.tf_end = 1751445000;
    y.networks = 2000;
    search_init(&z);
    cell(&z, SL_F_ORG, "Other TX SO");
    cell(&z, SL_F_REASON, "assist ice with locate");
    z.f[SL_F_PLATE].st = SL_CELL_VENDOR_REDACTED;
    z.f[SL_F_PLATE].p = "***";
    z.f[SL_F_PLATE].len = 3;

    sl_source s1 = {1, 0, "rel/a,b.csv", "rel/a,b.csv", NULL, NULL, "csv", "utf-8", ',', "", 10};
    memcpy(s1.sha256, "1111111111111111111111111111111111111111111111111111111111111111", 65);
    sl_source s2 = {2, 0, "rel/copy.csv", "rel/copy.csv", NULL, NULL, "csv", "utf-8", ',', "", 10};
    memcpy(s2.sha256, "1111111111111111111111111111111111111111111111111111111111111111", 65);
    sl_source s3 = {3, 0, "rel/w.xlsx > Audit", "rel/w.xlsx", "w.xlsx", "Audit", "xlsx", NULL, 0, "", 10};
    sl_account acc;
    memset(&acc, 0, sizeof acc);
    acc.time_min = acc.time_max = SL_TIME_NONE;
    int rc = 0;
    /* source 1, kept */
    rc |= sl_store_source_begin(st, NULL);
    rc |= stream_row(st, fc, 1, 2, &x, "immigration.ice_hold", "ICE hold");
    rc |= stream_row(st, fc, 1, 3, &y, "first_amendment.protest", "protest");
    rc |= stream_row(st, fc, 1, 4, &x, "immigration.ice_hold", "ICE hold"); /* shares row 1's set */
    rc |= sl_store_source_end(st, 1);
    rc |= sl_flagged_csv_source_end(fc, 1, s1.cite, s1.sha256, s1.member, s1.sheet);
    rc |= sl_store_source(st, &s1, &acc);
    /* source 2, a repeat: dropped */
    rc |= sl_store_source_begin(st, NULL);
    rc |= stream_row(st, fc, 2, 2, &x, "immigration.ice_hold", "ICE hold");
    rc |= stream_row(st, fc, 2, 3, &z, "immigration.ice", "ice");
    rc |= sl_store_source_end(st, 0);
    rc |= sl_flagged_csv_source_end(fc, 0, s2.cite, s2.sha256, s2.member, s2.sheet);
    rc |= sl_store_source(st, &s2, &acc);
    /* source 3, kept, no SHA-256 */
    rc |= sl_store_source_begin(st, NULL);
    rc |= stream_row(st, fc, 3, 5, &z, "immigration.ice", "ice");
    rc |= sl_store_source_end(st, 1);
    rc |= sl_flagged_csv_source_end(fc, 1, s3.cite, NULL, s3.member, s3.sheet);
    rc |= sl_store_source(st, &s3, &acc);
    CHECK_INT(rc, 0);
    char *ta = finish_and_compare(st, fc, a, b, 300);
    CHECK(ta && strstr(ta, "rel/copy.csv") == NULL);
    CHECK(ta && strstr(ta, "ABC1234") == NULL);
    CHECK(ta && strstr(ta, ",make=Ford\xEF\xBF\xBD" "CA,")); /* no NUL written, none lost */
    free(ta);
    sqlite3 *db = sl_store_db(st);
    sqlite3_stmt *q = NULL;
    const char *sql = "SELECT (SELECT group_concat(row_id || ':' || source_id) FROM flagged_rows),"
                      " (SELECT count(*) FROM flag_hits), (SELECT sum(rows) FROM counts),"
                      " (SELECT count(*) FROM hit_sets), (SELECT max(set_id) FROM hit_sets),"
                      " (SELECT group_concat(hit_set) FROM flagged_rows)";
    CHECK_INT(sqlite3_prepare_v2(db, sql, -1, &q, NULL), SQLITE_OK);
    if (q && sqlite3_step(q) == SQLITE_ROW) {
        CHECK_STR((const char *)sqlite3_column_text(q, 0), "1:1,2:1,3:1,4:3");
        CHECK_INT(sqlite3_column_int(q, 1), 8); /* 4 rows, 2 hits each */
        CHECK_INT(sqlite3_column_int(q, 2), 8); /* 4 rows kept, each under "all" and its category */
        /* 3 sets of 2 hits: rows 1 and 3 share one; the dropped source's new set is gone and
         * its number reused */
        CHECK_INT(sqlite3_column_int(q, 3), 6);
        CHECK_INT(sqlite3_column_int(q, 4), 3);
        CHECK_STR((const char *)sqlite3_column_text(q, 5), "1,2,1,3");
    }
    sqlite3_finalize(q);
    /* reach: networks searched in buckets, the dropped source's rows (x, z) left out; z's
     * networks are unknown */
    q = NULL;
    sql = "SELECT group_concat(category || ':' || coalesce(networks_min, '?') || '-' ||"
          " coalesce(networks_max, '') || '=' || rows) FROM reach";
    CHECK_INT(sqlite3_prepare_v2(db, sql, -1, &q, NULL), SQLITE_OK);
    if (q && sqlite3_step(q) == SQLITE_ROW)
        CHECK_STR((const char *)sqlite3_column_text(q, 0),
                  "all:11-100=2,all:1001-=1,all:?-=1,first_amendment:1001-=1,immigration:11-100=2,"
                  "immigration:?-=1");
    sqlite3_finalize(q);
    CHECK_INT(sl_store_close(st), SL_OK);
    /* an abandoned writer leaves nothing behind */
    snprintf(a, sizeof a, "%s/abandoned.csv", dir);
    CHECK_INT(sl_flagged_csv_open(&fc, a, err, sizeof err), SL_OK);
    CHECK_INT(sl_flagged_csv_close(fc, 0, NULL, 0), SL_OK);
    CHECK(access(a, F_OK) != 0);
    snprintf(path, sizeof path, "%s.tmp", a);
    CHECK(access(path, F_OK) != 0);
}

/* A release with more flagged rows than a spreadsheet opens: the report says so, at the limit
 * and not below it (flagged.csv has a header line too). */
static int report_warns_spreadsheet(uint64_t flagged) {
    char db[400], html[400], err[256] = "";
    snprintf(db, sizeof db, "%s/big_%llu.db", tmpdir, (unsigned long long)flagged);
    snprintf(html, sizeof html, "%s/big_%llu.html", tmpdir, (unsigned long long)flagged);
    sl_store *st = NULL;
    if (sl_store_open(&st, db, err, sizeof err)) return -1;
    sl_source src = {1, 0, "rel/big.csv", "rel/big.csv", NULL, NULL, "csv", "utf-8", ',', "", 10};
    sl_account acc;
    memset(&acc, 0, sizeof acc);
    acc.time_min = acc.time_max = SL_TIME_NONE;
    acc.records = acc.searches = acc.flagged = flagged;
    int rc = sl_store_rules(st, rules) || sl_store_source(st, &src, &acc) || sl_store_finish(st) ||
             sl_write_report_html(sl_store_db(st), key, html, err, sizeof err);
    sl_store_close(st);
    if (rc) return -1;
    size_t n = 0;
    char *t = t_read_file(html, &n);
    int warns = t && strstr(t, "flagged.csv holds 1,048,576 rows: more than a spreadsheet opens");
    int any = t && strstr(t, "more than a spreadsheet opens");
    free(t);
    return warns ? 2 : any ? 1 : 0;
}

/* The operators' pairs tested, in the report and summary.json: a number, or (past the cap) the
 * run's text saying why no user was compared. */
static void test_operators_tested(void) {
    for (int gave_up = 0; gave_up < 2; gave_up++) {
        char db[400], html[400], json[400], err[256] = "";
        snprintf(db, sizeof db, "%s/ops_%d.db", tmpdir, gave_up);
        snprintf(html, sizeof html, "%s/ops_%d.html", tmpdir, gave_up);
        snprintf(json, sizeof json, "%s/ops_%d.json", tmpdir, gave_up);
        sl_store *st = NULL;
        CHECK_INT(sl_store_open(&st, db, err, sizeof err), SL_OK);
        if (!st) return;
        CHECK_INT(sl_store_rules(st, rules), SL_OK);
        CHECK_INT(sl_store_finish(st), SL_OK);
        if (gave_up)
            CHECK_INT(sqlite3_exec(sl_store_db(st), "UPDATE run SET value = 'not compared: more"
                                   " than 1048576 organization x user x category counts' WHERE"
                                   " key = 'operator_tests'", NULL, NULL, NULL), SQLITE_OK);
        CHECK_INT(sl_write_report_html(sl_store_db(st), key, html, err, sizeof err), SL_OK);
        CHECK_INT(sl_write_summary_json(sl_store_db(st), json, err, sizeof err), SL_OK);
        sl_store_close(st);
        size_t n = 0;
        char *h = t_read_file(html, &n), *j = t_read_file(json, &n);
        CHECK(h && j);
        if (!h || !j) {
            free(h);
            free(j);
            return;
        }
        if (gave_up) {
            CHECK(strstr(h, "<p><b>Users were not compared: more than 1048576 organization x user"
                            " x category counts</b>") != NULL);
            CHECK(strstr(h, "pairs tested; ") == NULL);
            CHECK(strstr(j, "\"pairs_tested\": \"not compared: more than 1048576") != NULL);
        } else {
            CHECK(strstr(h, "<p>0 users named in 0 of 0 search rows (&ndash;); 0 (user, category)"
                            " pairs tested; 0 found.</p>") != NULL);
            CHECK(strstr(j, "\"pairs_tested\": 0,") != NULL);
        }
        free(h);
        free(j);
    }
}

int main(void) {
    CHECK_STR(sl_reject_name(SL_REJ_TOO_LARGE), "record_too_large");
    CHECK_STR(sl_reject_name(SL_REJ_UNTERMINATED), "unterminated_quote");
    CHECK_STR(sl_reject_name(SL_REJ_NO_HEADER), "no_header");
    CHECK_STR(sl_reject_name(SL_REJ_NOT_SEARCH), "not_a_search");
    CHECK(strlen(sl_reject_help(SL_REJ_NO_HEADER)) > 20);

    if (!mkdtemp(tmpdir)) { fprintf(stderr, "mkdtemp failed\n"); return 1; }
    char p[512], err[256] = "";
    snprintf(p, sizeof p, "%s/plate.key", tmpdir);
    write_text(p, "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff\n");
    CHECK_INT(sl_key_open(&key, p, NULL, err, sizeof err), SL_OK);
    snprintf(p, sizeof p, "%s/rules", tmpdir);
    mkdir(p, 0700);
    snprintf(p, sizeof p, "%s/rules/first_amendment.rules", tmpdir);
    write_text(p, PACK2);
    snprintf(p, sizeof p, "%s/rules/immigration.rules", tmpdir);
    write_text(p, PACK);
    snprintf(p, sizeof p, "%s/rules", tmpdir);
    sl_status rc = sl_rules_load(&rules, p, err, sizeof err);
    if (rc) fprintf(stderr, "rules: %s\n", err);
    CHECK_INT(rc, SL_OK);
    if (!key || !rules) TEST_END();

    char out1[256], out2[256];
    snprintf(out1, sizeof out1, "%s/out1", tmpdir);
    snprintf(out2, sizeof out2, "%s/out2", tmpdir);
    test_streaming();
    test_streaming_patch();
    CHECK_INT(report_warns_spreadsheet(1048576), 2);
    CHECK_INT(report_warns_spreadsheet(1048575), 0);
    test_operators_tested();
    CHECK_INT(build(out1), 0);
    check_db(out1);
    check_outputs(out1);
    CHECK_INT(build(out2), 0);
    check_same(out1, out2);
    /* building again over existing outputs replaces them */
    CHECK_INT(build(out1), 0);
    check_same(out1, out2);

    /* an unwritable output path fails cleanly */
    {
        sl_store *st = NULL;
        snprintf(p, sizeof p, "%s/out1/sunlight.db", tmpdir);
        sqlite3 *db = NULL;
        CHECK_INT(sqlite3_open_v2(p, &db, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
        err[0] = '\0';
        CHECK_INT(sl_write_flagged_csv(db, key, "/nonexistent-dir/x.csv", err, sizeof err), SL_EIO);
        CHECK(strstr(err, "/nonexistent-dir/x.csv") != NULL);
        sqlite3_close(db);
        (void)st;
    }

    if (getenv("SL_KEEP") == NULL) {
        t_remove_tree(tmpdir);
    } else {
        fprintf(stderr, "kept %s\n", tmpdir);
    }
    sl_rules_free(rules);
    sl_key_free(key);
    TEST_END();
}
