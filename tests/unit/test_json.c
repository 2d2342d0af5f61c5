/* test_json.c: JSON logs (lib/json.c): what is taken for JSON, a list of objects as a table
 * (keys in the order first seen, missing keys and nulls empty, nested objects, arrays and
 * deeper values), lists under keys and their names, JSON Lines, lists of arrays with and
 * without a "columns" list, line numbers, a file cut off or damaged, a file with no list, the
 * record cap, a key given twice, a plain value among objects, a consumer that stops, a file
 * read across many chunks, nesting past the cap, UTF-16 and Windows-1252 files. */
#include "harness.h"
#include "json.h"

#include <unistd.h>

typedef struct {
    sl_buf dump;  /* "S name" / "R record@line: a|b" (CUT / BIG) / "E rows" */
    sl_buf diags; /* "I|W|E code record [source]: message" */
    sl_buf lines; /* first_line of each row */
    int stop_at;  /* row callback returns 1 at this record (0: never) */
    const char *cite;
    char sha[65];
    uint64_t bytes, rows;
} coll;

static int c_begin(void *ud, const sl_xlsx_sheet *sh) {
    coll *c = ud;
    sl_buf_printf(&c->dump, "S %s\n", sh->name);
    return 0;
}
static int c_row(void *ud, const sl_xlsx_sheet *sh, const sl_csv_row *r) {
    SL_UNUSED(sh);
    coll *c = ud;
    c->rows++;
    if (c->rows > 50) return c->stop_at && r->record == (uint64_t)c->stop_at; /* large files */
    sl_buf_printf(&c->dump, "R %llu@%llu%s:", (unsigned long long)r->record,
                  (unsigned long long)r->line,
                  r->err == SL_CSV_CUT           ? " CUT"
                  : r->err == SL_CSV_TOO_LARGE   ? " BIG"
                  : r->err == SL_CSV_MALFORMED   ? " BAD"
                                                 : "");
    for (size_t i = 0; i < r->ncells; i++)
        sl_buf_printf(&c->dump, "%s%.*s", i ? "|" : "", (int)r->cells[i].len, r->cells[i].p);
    sl_buf_putc(&c->dump, '\n');
    sl_buf_printf(&c->lines, "%.*s\n", (int)r->first_line.len, r->first_line.p);
    return c->stop_at && r->record == (uint64_t)c->stop_at;
}
static void c_end(void *ud, const sl_xlsx_sheet *sh) {
    coll *c = ud;
    sl_buf_printf(&c->dump, "E %llu\n", (unsigned long long)sh->rows);
    memcpy(c->sha, sh->sha256, sizeof c->sha);
    c->bytes = sh->xml_bytes;
}
static void c_diag(void *ud, const sl_diag *d) {
    coll *c = ud;
    sl_buf_printf(&c->diags, "%c %s %llu [%s]: %s\n", "IWE"[d->severity], d->code,
                  (unsigned long long)d->record, d->source ? d->source : "", d->message);
}

/* Reads the JSON held in text (n bytes) through a temporary file. */
static sl_status run_n(const char *text, size_t n, coll *c, size_t max_record) {
    sl_buf_reset(&c->dump);
    sl_buf_reset(&c->diags);
    sl_buf_reset(&c->lines);
    c->rows = 0;
    char path[] = "/tmp/sl_test_json_XXXXXX";
    int fd = mkstemp(path);
    if (fd < 0) return SL_EIO;
    unlink(path);
    if (write(fd, text, n) != (ssize_t)n) {
        close(fd);
        return SL_EIO;
    }
    sl_html_opts o = {max_record, c->cite ? c->cite : "audit.json", "ab12", c_diag, c};
    sl_xlsx_cb cb = {c_begin, c_row, c_end, c};
    sl_status st = sl_json_read_fd(fd, &o, &cb);
    close(fd);
    sl_buf_nul(&c->dump);
    sl_buf_nul(&c->diags);
    sl_buf_nul(&c->lines);
    return st;
}
static sl_status run(const char *text, coll *c) { return run_n(text, strlen(text), c, 0); }

static int has(const sl_buf *b, const char *s) { return b->p && strstr(b->p, s) != NULL; }

static void coll_free(coll *c) {
    sl_buf_free(&c->dump);
    sl_buf_free(&c->diags);
    sl_buf_free(&c->lines);
}

static void test_sniff(void) {
    static const struct { const char *text; int json; } cases[] = {
        {"[{\"id\": 1, \"reason\": \"x\"}]", 1},
        {"\xEF\xBB\xBF\r\n  {\"data\": [", 1},
        {"{\"a\":1}\n{\"a\":2}\n", 1},                           /* JSON Lines */
        {"[\n  {\n    \"reason\": \"ICE det", 1},                 /* cut inside the head */
        {"[{\"a\": 1, \"b\": 2} {\"a\": 3}]", 1},                 /* damaged further on */
        {"[Federal] ICE HSI,01/02/2025,assist\n", 0},            /* a header-less CSV */
        {"{a,b}\n", 0},
        {"Name,Org Name,Reason\n", 0},
        {"\"[\",x\n", 0},
        {"", 0},
        {"{\"sunlight_version\": \"0.1\", \"totals\": {}}", 0}, /* our own summary.json */
    };
    for (size_t i = 0; i < SL_ARRAY_LEN(cases); i++) {
        int got = sl_json_sniff((const unsigned char *)cases[i].text, strlen(cases[i].text));
        if (got != cases[i].json) fprintf(stderr, "sniff case %zu: \"%s\"\n", i, cases[i].text);
        CHECK_INT(got, cases[i].json);
    }
    /* UTF-16 with its BOM, both byte orders; a UTF-16 CSV is not JSON */
    static const unsigned char le[] = {0xFF, 0xFE, '[', 0, '{', 0, '"', 0, 'a', 0, '"', 0, ':', 0, '1', 0};
    static const unsigned char be[] = {0xFE, 0xFF, 0, '[', 0, '{', 0, '"', 0, 'a', 0, '"', 0, ':', 0, '1'};
    static const unsigned char csv16[] = {0xFF, 0xFE, 'N', 0, 'a', 0, 'm', 0, 'e', 0, ',', 0, 'x', 0};
    CHECK_INT(sl_json_sniff(le, sizeof le), 1);
    CHECK_INT(sl_json_sniff(be, sizeof be), 1);
    CHECK_INT(sl_json_sniff(csv16, sizeof csv16), 0);
}

/* Writes text as UTF-16 (le: little-endian) with a BOM, for the encodings test. */
static sl_buf utf16(const char *text, int le) {
    sl_buf b = {0};
    sl_buf_append(&b, le ? "\xFF\xFE" : "\xFE\xFF", 2);
    for (const unsigned char *p = (const unsigned char *)text; *p; p++) {
        unsigned cp = *p;
        if (*p >= 0xC0) { /* two-byte UTF-8 (enough for the test's text) */
            cp = (unsigned)(*p & 0x1F) << 6 | (p[1] & 0x3F);
            p++;
        }
        char u[2] = {(char)(le ? cp & 0xFF : cp >> 8), (char)(le ? cp >> 8 : cp & 0xFF)};
        sl_buf_append(&b, u, 2);
    }
    return b;
}

static void test_encodings(void) {
    coll c = {0};
    const char *text = "[\r\n  {\"name\": \"Jos\xC3\xA9\", \"n\": 1},\r\n  {\"name\": \"B\"}\r\n]\r\n";
    for (int le = 0; le < 2; le++) {
        sl_buf b = utf16(text, le);
        CHECK_INT(run_n(b.p, b.len, &c, 0), SL_OK);
        CHECK_STR(c.dump.p, "S records\nR 0@2:name|n\nR 1@2:Jos\xC3\xA9|1\nR 2@3:B|\nE 2\n");
        CHECK_STR(c.diags.p, "");
        sl_buf_free(&b);
    }
    /* Windows-1252 (not UTF-8): decoded, the name kept */
    CHECK_INT(run("[{\"name\": \"Jos\xE9 N\xFA\xF1" "ez \x96 \x80\"}]", &c), SL_OK);
    CHECK_STR(c.dump.p, "S records\nR 0@1:name\nR 1@1:Jos\xC3\xA9 N\xC3\xBA\xC3\xB1" "ez \xE2\x80\x93 \xE2\x82\xAC\nE 1\n");
    /* a UTF-8 BOM is dropped */
    CHECK_INT(run("\xEF\xBB\xBF[{\"a\": 1}]", &c), SL_OK);
    CHECK_STR(c.dump.p, "S records\nR 0@1:a\nR 1@1:1\nE 1\n");
    coll_free(&c);
}

static void test_objects(void) {
    coll c = {0};
    /* keys in the order first seen (the second object adds one), a missing key and null
     * empty, numbers as written, escapes decoded, nested objects by dotted keys, a list of
     * plain values joined, deeper values as compact JSON */
    CHECK_INT(run("[\n"
                  "  {\"id\": \"a1\", \"reason\": \"ICE\\ndetainer \\u00e9\", \"n\": 1.50e3,\n"
                  "   \"ok\": true, \"case\": null},\n"
                  "  {\"reason\": \"theft\", \"id\": \"a2\", \"user\": {\"name\": \"Ann\", \"org\": {\"id\": 7}},\n"
                  "   \"offense\": [\"Immigration (criminal)\", \"Other\", 3, false],\n"
                  "   \"nets\": [{\"name\": \"A \\\"B\\\"\"}, [1, null]], \"ok\": false}\n"
                  "]\n", &c), SL_OK);
    CHECK_STR(c.dump.p, "S records\n"
                        "R 0@2:id|reason|n|ok|case|user.name|user.org.id|offense|nets\n"
                        "R 1@2:a1|ICE\ndetainer \xC3\xA9|1.50e3|true|||||\n"
                        "R 2@4:a2|theft||false||Ann|7|Immigration (criminal), Other, 3, false|"
                        "[{\"name\":\"A \\\"B\\\"\"},[1,null]]\n"
                        "E 2\n");
    CHECK(has(&c.lines, "a1\tICE detainer \xC3\xA9\t1.50e3\ttrue\t\t\t\t\t\n"));
    CHECK_STR(c.sha, "ab12");
    CHECK_STR(c.diags.p, "");
    /* an empty list holds no table; an empty object as a record is a row of no cells */
    CHECK_INT(run("[{}]", &c), SL_OK);
    CHECK_STR(c.dump.p, "S records\nR 0@1:\nR 1@1:\nE 1\n");
    /* a key given twice in one object: both values, one under the other */
    CHECK_INT(run("[{\"reason\": \"a\", \"reason\": \"b\"}]", &c), SL_OK);
    CHECK_STR(c.dump.p, "S records\nR 0@1:reason\nR 1@1:a\nb\nE 1\n");
    /* a plain value among the objects: said, and a row of no cells (counted as blank) */
    CHECK_INT(run("[{\"a\": 1}, \"stray\", {\"a\": 2}]", &c), SL_OK);
    CHECK_STR(c.dump.p, "S records\nR 0@1:a\nR 1@1:1\nR 2@1:\nR 3@1:2\nE 3\n");
    CHECK(has(&c.diags, "W json.not_a_record 2 [audit.json > records]: a plain value (\"stray\")"));
    /* empty keys and empty values (nothing stored yet: no text buffer at all) */
    CHECK_INT(run("[{\"\": \"\", \"b\": \"\"}, {\"\": \"x\"}]", &c), SL_OK);
    CHECK_STR(c.dump.p, "S records\nR 0@1:|b\nR 1@1:|\nR 2@1:x|\nE 2\n");
    /* a key with a line break and a very long key, as column names */
    CHECK_INT(run("[{\"Org\\nName\": 1}]", &c), SL_OK);
    CHECK_STR(c.dump.p, "S records\nR 0@1:Org Name\nR 1@1:1\nE 1\n");
    coll_free(&c);
}

static void test_wrapped(void) {
    coll c = {0};
    /* lists under keys, named by their path; a second list of the same name; plain values
     * and lists of plain values beside them are not tables */
    CHECK_INT(run("{\"count\": 2, \"tags\": [\"x\", \"y\"],\n"
                  " \"response\": {\"items\": [{\"a\": 1}], \"more\": []},\n"
                  " \"data\": [{\"b\": 2}], \"page\": {\"data\": [{\"b\": 3}]}}", &c), SL_OK);
    CHECK_STR(c.dump.p, "S response.items\nR 0@2:a\nR 1@2:1\nE 1\n"
                        "S data\nR 0@3:b\nR 1@3:2\nE 1\n"
                        "S page.data\nR 0@3:b\nR 1@3:3\nE 1\n");
    CHECK_STR(c.diags.p, "");
    CHECK_INT(run("{\"data\": [{\"b\": 2}], \"x\": {\"data\": [{\"b\": 3}]}, \"data \": [[1]]}", &c), SL_OK);
    CHECK(has(&c.dump, "S data\n"));
    CHECK(has(&c.dump, "S x.data\n"));
    /* the same name twice: the second is numbered */
    CHECK_INT(run("[{\"data\": [{\"b\": 1}]}]", &c), SL_OK); /* a list of objects is the table */
    CHECK_STR(c.dump.p, "S records\nR 0@1:data\nR 1@1:[{\"b\":1}]\nE 1\n");
    CHECK_INT(run("{\"a\": [{\"data\": 1}], \"b\": {\"a\": 0}, \"c\": [{\"x\": [{\"y\": 1}]}]}", &c), SL_OK);
    CHECK_STR(c.dump.p, "S a\nR 0@1:data\nR 1@1:1\nE 1\nS c\nR 0@1:x\nR 1@1:[{\"y\":1}]\nE 1\n");
    coll_free(&c);
}

static void test_lines(void) {
    coll c = {0};
    /* JSON Lines: each value a record of "records", keys gathered over all lines, line numbers
     * as in the file (a blank line between) */
    CHECK_INT(run("{\"a\": 1}\n{\"b\": \"x\", \"a\": 2}\n\n{\"a\": 3}\n", &c), SL_OK);
    CHECK_STR(c.dump.p, "S records\nR 0@1:a|b\nR 1@1:1|\nR 2@2:2|x\nR 3@4:3|\nE 3\n");
    /* one line under a JSON Lines name is a record, not a document holding nothing */
    c.cite = "audit.jsonl";
    CHECK_INT(run("{\"a\": 1}\n", &c), SL_OK);
    CHECK_STR(c.dump.p, "S records\nR 0@1:a\nR 1@1:1\nE 1\n");
    c.cite = NULL;
    /* the same one line under a .json name is one object holding no list */
    CHECK_INT(run("{\"a\": 1}\n", &c), SL_OK);
    CHECK_STR(c.dump.p, "");
    CHECK(has(&c.diags, "W json.no_records 0 [audit.json]: JSON with no list of records (it "
                        "holds one object with the keys \"a\")"));
    /* lines of arrays: rows by position */
    CHECK_INT(run("[\"id\",\"reason\"]\n[1,\"x\"]\n", &c), SL_OK);
    CHECK_STR(c.dump.p, "S records\nR 1@1:id|reason\nR 2@2:1|x\nE 2\n");
    coll_free(&c);
}

static void test_arrays(void) {
    coll c = {0};
    /* Datasette: "columns" beside "rows" names them; a null keeps its place */
    CHECK_INT(run("{\"database\": \"d\", \"columns\": [\"id\", \"reason\", \"n\"],\n"
                  " \"rows\": [[1, \"ICE\", null], [2, \"theft\", 5]]}", &c), SL_OK);
    CHECK_STR(c.dump.p, "S rows\nR 0@2:id|reason|n\nR 1@2:1|ICE|\nR 2@2:2|theft|5\nE 2\n");
    /* Socrata: the names in objects deeper in the file ("name" over "fieldName"), and the
     * column list not read as a table */
    CHECK_INT(run("{\"meta\": {\"view\": {\"columns\": [{\"fieldName\": \"org\", \"name\": \"Org Name\"},"
                  " {\"name\": \"Reason\", \"fieldName\": \"reason\"}]}},\n"
                  " \"data\": [[\"A PD\", \"x\"], [\"B SO\", [\"y\", \"z\"]]]}", &c), SL_OK);
    CHECK_STR(c.dump.p, "S data\nR 0@2:Org Name|Reason\nR 1@2:A PD|x\nR 2@2:B SO|y, z\nE 2\n");
    /* no list as wide as the rows: the first row is record 1, as in a CSV */
    CHECK_INT(run("{\"columns\": [\"a\"], \"data\": [[\"Org Name\", \"Reason\"], [\"A PD\", {\"k\": 1}]]}", &c), SL_OK);
    CHECK_STR(c.dump.p, "S data\nR 1@1:Org Name|Reason\nR 2@1:A PD|{\"k\":1}\nE 2\n");
    /* a list of arrays at the top */
    CHECK_INT(run("[[\"a\",\"b\"],[1,2,3]]", &c), SL_OK);
    CHECK_STR(c.dump.p, "S records\nR 1@1:a|b\nR 2@1:1|2|3\nE 2\n");
    coll_free(&c);
}

static void test_damage(void) {
    coll c = {0};
    /* cut off inside a record: the records before read, the last one handed out cut off */
    CHECK_INT(run("[\n{\"a\": 1},\n{\"a\": 2, \"b\": \"par", &c), SL_EFORMAT);
    CHECK_STR(c.dump.p, "S records\nR 0@2:a\nR 1@2:1\nR 2@3 CUT:2\nE 2\n");
    CHECK(has(&c.diags, "W json.cut_off 2 [audit.json > records]: the file ends inside a value "
                        "at line 3: it is cut off"));
    /* cut off between records */
    CHECK_INT(run("[{\"a\": 1},", &c), SL_EFORMAT);
    CHECK_STR(c.dump.p, "S records\nR 0@1:a\nR 1@1:1\nE 1\n");
    CHECK(has(&c.diags, "W json.cut_off 0 [audit.json > records]"));
    /* damaged: reading stops at the damage, with its line */
    CHECK_INT(run("[\n{\"a\": 1},\n{\"a\": 2 \"b\": 3},\n{\"a\": 4}\n]", &c), SL_EFORMAT);
    CHECK_STR(c.dump.p, "S records\nR 0@2:a\nR 1@2:1\nR 2@3 CUT:2\nE 2\n");
    CHECK(has(&c.diags, "E json.damaged 2 [audit.json > records]: damaged JSON at line 3 (parse "
                        "error: "));
    CHECK(has(&c.diags, "reading stops there, and what follows is not read; record 2, the one it "
                        "broke off in, is counted as cut off"));
    /* damaged before any list: said, nothing read */
    CHECK_INT(run("{\"x\": 1, \"y\": 2, ]", &c), SL_EFORMAT);
    CHECK_STR(c.dump.p, "");
    CHECK(has(&c.diags, "E json.damaged 0 [audit.json]: damaged JSON at line 1"));
    CHECK(has(&c.diags, "no list of records came before, so nothing is read"));
    /* JSON Lines: a line that does not parse is a malformed record and the reading goes on;
     * a line that leaves a value open (a save that stopped mid-line) spoils only itself: the
     * next line is read again on its own; a line of garbage is a record too */
    CHECK_INT(run("{\"a\": 1}\n{\"a\": }\n{\"a\": 3}\n{\"a\": 4,\n{\"a\": 5}\nnot json\n{\"a\": 7}", &c),
              SL_OK);
    CHECK_STR(c.dump.p, "S records\nR 0@1:a\nR 1@1:1\nR 2@2 BAD:\nR 3@3:3\nR 4@4 BAD:\nR 5@5:5\n"
                        "R 6@6 BAD:\nR 7@7:7\nE 7\n");
    CHECK(has(&c.diags, "W json.bad_line 2 [audit.json > records]: line 2 is not whole JSON (parse "
                        "error: "));
    CHECK(has(&c.diags, "W json.bad_line 4 [audit.json > records]: line 4 is not whole JSON"));
    CHECK(has(&c.diags, "W json.bad_line 6 [audit.json > records]: line 6 is not whole JSON (lexical "
                        "error: invalid string in json text.): counted as malformed and skipped; "
                        "reading goes on at the next line\n"));
    /* a first line that does not parse, under a JSON Lines name (under .json, one broken value
     * cannot be told from JSON Lines): it opens the table, and is counted */
    c.cite = "audit.ndjson";
    CHECK_INT(run("{\"a\": ]\n{\"a\": 2}\n", &c), SL_OK);
    CHECK_STR(c.dump.p, "S records\nR 0@1:a\nR 1@1 BAD:\nR 2@2:2\nE 2\n");
    c.cite = NULL;
    /* nesting past the cap is refused as damage */
    sl_buf deep = {0};
    sl_buf_puts(&deep, "[{\"a\": ");
    for (int i = 0; i < 1100; i++) sl_buf_putc(&deep, '[');
    for (int i = 0; i < 1100; i++) sl_buf_putc(&deep, ']');
    sl_buf_puts(&deep, "}]");
    CHECK_INT(run_n(deep.p, deep.len, &c, 0), SL_EFORMAT);
    CHECK(has(&c.diags, "nested deeper than 1024 levels"));
    sl_buf_free(&deep);
    coll_free(&c);
}

static void test_no_records(void) {
    coll c = {0};
    CHECK_INT(run("{\"a\": 1, \"b\": [1, 2], \"c\": {}, \"d\": 0, \"e\": 1, \"f\": 2}", &c), SL_OK);
    CHECK_STR(c.dump.p, "");
    CHECK(has(&c.diags, "W json.no_records 0 [audit.json]: JSON with no list of records (it holds "
                        "one object with the keys \"a\", \"b\", \"c\", \"d\", \"e\", ...): not a log"));
    CHECK_INT(run("[1, 2, 3]", &c), SL_OK);
    CHECK(has(&c.diags, "(it holds a list of 3 plain values)"));
    CHECK_INT(run("[]", &c), SL_OK);
    CHECK(has(&c.diags, "(it holds an empty list)"));
    CHECK_INT(run("\"text\"", &c), SL_OK);
    CHECK(has(&c.diags, "(it holds a single plain value)"));
    coll_free(&c);
}

static void test_cap_stop_and_size(void) {
    coll c = {0};
    /* a record over the cap: handed out empty and said; the next one is read */
    const char *wide = "[{\"a\": \"0123456789012345678901234567890123456789\"}, {\"a\": \"x\"}]";
    CHECK_INT(run_n(wide, strlen(wide), &c, 32), SL_OK);
    CHECK_STR(c.dump.p, "S records\nR 0@1:a\nR 1@1 BIG:\nR 2@1:x\nE 2\n");
    CHECK(has(&c.diags, "W json.record_too_large 1 [audit.json > records]"));
    /* the same for a value deep inside a record, whose text is gathered apart */
    const char *deepwide = "[{\"a\": [\"0123456789\", \"0123456789\", \"0123456789\", "
                           "{\"k\": \"0123456789\"}]}, {\"a\": [1, {\"k\": 2}]}]";
    CHECK_INT(run_n(deepwide, strlen(deepwide), &c, 32), SL_OK);
    CHECK_STR(c.dump.p, "S records\nR 0@1:a\nR 1@1 BIG:\nR 2@1:[1,{\"k\":2}]\nE 2\n");
    /* lists past the 256th: said once, counted once (each pass meets them) */
    sl_buf many = {0};
    sl_buf_putc(&many, '{');
    for (int i = 0; i < 258; i++) sl_buf_printf(&many, "%s\"t%d\": [{\"a\": %d}]", i ? ", " : "", i, i);
    sl_buf_putc(&many, '}');
    CHECK_INT(run_n(many.p, many.len, &c, 0), SL_OK);
    CHECK_INT(c.rows, 2 * 256);
    CHECK_STR(c.diags.p, "W json.too_many_tables 0 [audit.json]: 2 more lists of records past the "
                         "first 256: not read\n");
    sl_buf_free(&many);
    /* a consumer that wants no more stops the reading; the table still ends */
    c.stop_at = 1;
    CHECK_INT(run("[{\"a\": 1}, {\"a\": 2}]\n", &c), SL_OK);
    CHECK_STR(c.dump.p, "S records\nR 0@1:a\nR 1@1:1\nE 1\n");
    CHECK_STR(c.diags.p, "");
    c.stop_at = 0;
    /* 20,000 records over many 64 KiB reads, on one line and a line each */
    for (int pretty = 0; pretty < 2; pretty++) {
        sl_buf big = {0};
        sl_buf_putc(&big, '[');
        for (int i = 0; i < 20000; i++)
            sl_buf_printf(&big, "%s{\"id\": %d, \"reason\": \"r\\u00e9ason %d\"}",
                          i ? (pretty ? ",\n" : ",") : "", i, i);
        sl_buf_puts(&big, "]");
        CHECK_INT(run_n(big.p, big.len, &c, 0), SL_OK);
        CHECK_INT(c.rows, 20001);
        CHECK(has(&c.dump, "E 20000\n"));
        CHECK_INT(c.bytes, big.len);
        CHECK_STR(c.diags.p, "");
        sl_buf_free(&big);
    }
    coll_free(&c);
}

int main(void) {
    test_sniff();
    test_objects();
    test_encodings();
    test_wrapped();
    test_lines();
    test_arrays();
    test_damage();
    test_no_records();
    test_cap_stop_and_size();
    TEST_END();
}
