/* fuzz_scan.c: libFuzzer harness for the main job end to end, checking its two promises on
 * every input: no raw plate in any output, and every record accounted for.
 *
 * The input builds two files of one release:
 *   - audit.csv, a Flock network audit whose rows come from the input's lines: each line is a
 *     reason (and case number) in which "@@" stands for the row's own plate and "@l" for it in
 *     lower case, so that the fuzzer chooses what surrounds a plate typed into free text. The
 *     plate (7 characters, letters and digits, from the input's first bytes) is also the row's
 *     License Plate cell. No output may hold that plate as a word of its own (a plate inside a
 *     longer word, such as a hex digest, is not one).
 *   - raw.csv, the header followed by the input's bytes as they are (but for the plate, whose
 *     first letter is masked there): damaged quoting, cut-off records, invalid UTF-8. Every
 *     record must be accounted for (the database's accounting view shows nothing unaccounted).
 * An input of odd length also names the plate with --plate (sl_scan_opts.plates): then every
 * parsed row of audit.csv must be in named_plates, found by its plate cell, and the plate
 * still reach no output.
 * The scan must succeed (SL_OK; or SL_ENOINPUT when both files are mostly control bytes and so
 * refused as binary, which writes nothing). Runs from the repository
 * root (it reads rules/). Build with `make fuzz` (needs clang); run:
 *   mkdir -p /tmp/scan_corpus && cp tests/data/csv/[a-z]*.csv /tmp/scan_corpus/
 *   build/fuzz/fuzz_scan -max_total_time=600 -timeout=60 /tmp/scan_corpus
 * Keep any crasher as a regression input in tests/data/, named for what it breaks. */
#define _XOPEN_SOURCE 700 /* nftw */
#include "sunlight.h"

#include <ftw.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static void check(int ok, const char *what) {
    if (!ok) {
        fprintf(stderr, "fuzz_scan: %s\n", what);
        __builtin_trap();
    }
}

static const char HEADER[] = "ID,Name,Org Name,Total Networks Searched,License Plate,Reason,Case #,"
                             "Search Time,Search Type\n";

static int isal(unsigned char c) {
    return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
}

/* Appends text as one CSV cell, quoted, with "@@" and "@l" replaced by the plate. */
static void put_cell(FILE *f, const unsigned char *p, size_t n, const char *plate, const char *lower) {
    fputc('"', f);
    for (size_t i = 0; i < n; i++) {
        if (p[i] == '@' && i + 1 < n && (p[i + 1] == '@' || p[i + 1] == 'l')) {
            fputs(p[i + 1] == '@' ? plate : lower, f);
            i++;
        } else if (p[i] == '"') {
            fputs("\"\"", f);
        } else {
            fputc(p[i], f);
        }
    }
    fputc('"', f);
}

/* Whether the file at path holds needle as a word of its own (no letter or digit next to it). */
static int holds_word(const char *path, const char *needle) {
    FILE *f = fopen(path, "rb");
    if (!f) return 0;
    size_t cap = 1 << 16, len = 0;
    unsigned char *b = malloc(cap);
    size_t got;
    while (b && (got = fread(b + len, 1, cap - len, f)) > 0) {
        len += got;
        if (len == cap) {
            unsigned char *nb = realloc(b, cap * 2);
            if (!nb) break;
            b = nb;
            cap *= 2;
        }
    }
    fclose(f);
    if (!b) return 0;
    size_t k = strlen(needle);
    int found = 0;
    for (size_t i = 0; !found && i + k <= len; i++)
        found = memcmp(b + i, needle, k) == 0 && (i == 0 || !isal(b[i - 1])) &&
                (i + k == len || !isal(b[i + k]));
    free(b);
    return found;
}

static int rm_one(const char *p, const struct stat *sb, int flag, struct FTW *ftw) {
    (void)sb, (void)flag, (void)ftw;
    return remove(p);
}

static const char *const OUTPUTS[] = {"sunlight.db", "flagged.csv", "summary.json", "report.html"};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    if (size < 8 || size > 16 * 1024) return 0;
    setenv("SUNLIGHT_CACHE", getenv("SUNLIGHT_CACHE") ? getenv("SUNLIGHT_CACHE") : "/tmp/sl_fuzz_scan_cache", 1);
    /* the plate: 7 of [A-Z0-9] from the first bytes, at least one letter and one digit */
    static const char AL[] = "ABCDEFGHJKLMNPRSTUVWXYZ0123456789";
    char plate[8], lower[8];
    for (int i = 0; i < 7; i++) plate[i] = AL[data[i] % (sizeof AL - 1)];
    plate[0] = (char)('A' + data[0] % 26);
    plate[6] = (char)('0' + data[6] % 10);
    plate[7] = '\0';
    for (int i = 0; i < 8; i++) lower[i] = (char)((plate[i] >= 'A' && plate[i] <= 'Z') ? plate[i] + 32 : plate[i]);
    const unsigned char *p = data + 7;
    size_t n = size - 7;

    char dir[] = "/tmp/sl_fuzz_scan_XXXXXX";
    if (!mkdtemp(dir)) return 0;
    char in[64], audit[96], raw[96], out[96], key[96], path[160];
    snprintf(in, sizeof in, "%s/in", dir);
    snprintf(audit, sizeof audit, "%s/audit.csv", in);
    snprintf(raw, sizeof raw, "%s/raw.csv", in);
    snprintf(out, sizeof out, "%s/out", dir);
    snprintf(key, sizeof key, "%s/plate.key", dir);
    mkdir(in, 0700);

    FILE *f = fopen(audit, "wb");
    check(f != NULL, "cannot write audit.csv");
    fputs(HEADER, f);
    size_t row = 0, i = 0;
    while (i < n && row < 64) {
        size_t j = i;
        while (j < n && p[j] != '\n') j++;
        size_t half = i + (j - i) * 3 / 4; /* the reason, then the case number */
        fprintf(f, "0b5c6a2e-0000-4000-8000-%012zu,Ofc. Lee,Testville CA PD,%zu,%s,", row, row + 1, plate);
        put_cell(f, p + i, half - i, plate, lower);
        fputc(',', f);
        put_cell(f, p + half, j - half, plate, lower);
        fprintf(f, ",\"06/%02zu/2025, 1:02:03 PM UTC\",lookup\n", row % 28 + 1);
        row++;
        i = j + 1;
    }
    fclose(f);
    f = fopen(raw, "wb");
    check(f != NULL, "cannot write raw.csv");
    fputs(HEADER, f);
    /* raw.csv is about accounting: the plate, written there in any case, would land in any
     * column, an organization's or an officer's name included, which are public and kept as
     * written. Its first letter is masked there, so that the plate comes only from audit.csv. */
    for (size_t k = 0; k < n; k++) {
        int at = k + 7 <= n;
        for (size_t m = 0; at && m < 7; m++)
            at = (p[k + m] | 32) == (unsigned char)lower[m] || p[k + m] == (unsigned char)plate[m];
        fputc(at ? '#' : p[k], f);
    }
    fclose(f);

    sl_scan_opts o = {0};
    o.out_dir = out;
    o.rules_path = "rules";
    o.key_path = key;
    o.threads = 1;
    const char *named[1] = {plate};
    const int naming = n & 1;
    if (naming) {
        o.plates = named;
        o.nplates = 1;
    }
    sl_scan *s = NULL;
    sl_status st = sl_scan_new(&s, &o);
    if (!st) st = sl_scan_add_path(s, in);
    if (!st) st = sl_scan_run(s);
    sl_scan_free(s);
    if (st == SL_ENOINPUT) { /* both files mostly control bytes: refused as binary, warned */
        nftw(dir, rm_one, 8, FTW_DEPTH | FTW_PHYS);
        return 0;
    }
    if (st) fprintf(stderr, "scan: %s\n", sl_status_str(st));
    check(st == SL_OK, "the scan failed");

    for (size_t k = 0; k < sizeof OUTPUTS / sizeof *OUTPUTS; k++) {
        snprintf(path, sizeof path, "%s/%s", out, OUTPUTS[k]);
        if (holds_word(path, plate) || holds_word(path, lower)) {
            fprintf(stderr, "plate %s in %s\n", plate, OUTPUTS[k]);
            check(0, "a raw plate reached an output");
        }
    }
    snprintf(path, sizeof path, "%s/sunlight.db", out);
    sqlite3 *db = NULL;
    check(sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL) == SQLITE_OK, "cannot open the database");
    sqlite3_stmt *q = NULL;
    check(sqlite3_prepare_v2(db, "SELECT COUNT(*) FROM accounting WHERE unaccounted <> 0", -1, &q, NULL) ==
              SQLITE_OK && sqlite3_step(q) == SQLITE_ROW,
          "cannot read the accounting view");
    check(sqlite3_column_int64(q, 0) == 0, "records not accounted for");
    sqlite3_finalize(q);
    /* users' rows are search rows; a finding keeps its own rules */
    check(sqlite3_prepare_v2(db,
                             "SELECT (SELECT COALESCE(SUM(rows), 0) FROM operator_counts WHERE"
                             " category = 'all') > (SELECT COALESCE(SUM(rows), 0) FROM counts"
                             " WHERE category = 'all') OR EXISTS (SELECT 1 FROM operator_findings"
                             " WHERE hits > rows OR peer_hits > peer_rows OR hits < 5 OR rows < 20"
                             " OR peers < 3 OR hits * peer_rows < 3 * peer_hits * rows)",
                             -1, &q, NULL) == SQLITE_OK && sqlite3_step(q) == SQLITE_ROW,
          "cannot read operator_counts");
    check(sqlite3_column_int64(q, 0) == 0, "operator counts or findings out of their rules");
    sqlite3_finalize(q);
    /* plate repeats: rows counted are search rows; a finding keeps its rules and cites its rows */
    check(sqlite3_prepare_v2(db,
                             "SELECT (SELECT CAST(value AS INTEGER) FROM run WHERE key ="
                             " 'plate_repeat_rows') > (SELECT COALESCE(SUM(rows), 0) FROM counts"
                             " WHERE category = 'all') OR EXISTS (SELECT 1 FROM plate_repeats f"
                             " WHERE searches < 10 OR days < 3 OR rows < searches OR days >"
                             " searches OR searches_with_case > searches OR first_time > last_time"
                             " OR searches_flagged > searches OR searches_no_reason > searches"
                             " OR case_numbers > rows OR reasons > rows"
                             " OR rows <> (SELECT COUNT(*) FROM plate_repeat_rows r WHERE r.rank ="
                             " f.rank))",
                             -1, &q, NULL) == SQLITE_OK && sqlite3_step(q) == SQLITE_ROW,
          "cannot read plate_repeats");
    check(sqlite3_column_int64(q, 0) == 0, "plate repeats out of their rules");
    sqlite3_finalize(q);
    /* links: searches are at most the rows, at least one per distinct ID or key; each category's
     * searches at most its rows and the searches; the rows linked one way or another */
    check(sqlite3_prepare_v2(db,
                             "SELECT EXISTS (SELECT 1 FROM search_counts k WHERE searches > rows"
                             " OR searches > (SELECT searches FROM search_counts WHERE category ="
                             " 'all') OR (rows > 0) <> (searches > 0) OR rows <> (SELECT"
                             " COALESCE(SUM(rows), 0) FROM counts c WHERE c.category ="
                             " k.category)) OR (SELECT SUM(CAST(value AS INTEGER)) FROM run WHERE"
                             " key IN ('link_rows_by_id', 'link_rows_by_key', 'link_rows_no_key',"
                             " 'link_rows_refused')) <> (SELECT CAST(value AS INTEGER) FROM run"
                             " WHERE key = 'link_rows') OR (SELECT CAST(value AS INTEGER) FROM run"
                             " WHERE key = 'searches') < (SELECT CAST(value AS INTEGER) FROM run"
                             " WHERE key = 'link_rows_no_key') + (SELECT CAST(value AS INTEGER)"
                             " FROM run WHERE key = 'link_rows_refused') OR EXISTS (SELECT 1 FROM"
                             " source_searches WHERE repeats >= rows) OR (SELECT COUNT(*) FROM"
                             " search_counts) > 0 AND ((SELECT SUM(rows) FROM source_searches) <>"
                             " (SELECT CAST(value AS INTEGER) FROM run WHERE key = 'link_rows') OR"
                             " (SELECT SUM(repeats) FROM source_searches) <> (SELECT CAST(value AS"
                             " INTEGER) FROM run WHERE key = 'link_rows_repeating_in_source'))",
                             -1, &q, NULL) == SQLITE_OK && sqlite3_step(q) == SQLITE_ROW,
          "cannot read search_counts");
    check(sqlite3_column_int64(q, 0) == 0, "searches out of their rules");
    sqlite3_finalize(q);
    /* each flagged row's search: one per flagged row when linked, and by category as many
     * distinct searches as search_counts says */
    check(sqlite3_prepare_v2(db,
                             "SELECT (SELECT COUNT(*) FROM search_counts) > 0 AND ((SELECT COUNT(*)"
                             " FROM flagged_searches) <> (SELECT COUNT(*) FROM flagged_rows) OR"
                             " EXISTS (SELECT 1 FROM search_counts k WHERE k.category <> 'all' AND"
                             " k.searches <> (SELECT COUNT(DISTINCT fs.search) FROM flagged_rows r"
                             " JOIN flagged_searches fs USING (row_id) WHERE ',' || r.categories ||"
                             " ',' LIKE '%,' || k.category || ',%')))",
                             -1, &q, NULL) == SQLITE_OK && sqlite3_step(q) == SQLITE_ROW,
          "cannot read flagged_searches");
    check(sqlite3_column_int64(q, 0) == 0, "flagged rows' searches out of their rules");
    sqlite3_finalize(q);
    /* searches by organization, month and category: as many as the cell's flagged rows have
     * distinct searches, never more than its rows; for all, at least one, at least any
     * category's of the cell, and summed over the cells at least the searches (a search is in
     * one cell or more) */
    check(sqlite3_prepare_v2(db,
                             "SELECT EXISTS (SELECT 1 FROM counts c WHERE c.searches > c.rows OR"
                             " (c.category <> 'all' AND c.searches <> (SELECT COUNT(DISTINCT"
                             " fs.search) FROM flagged_rows r JOIN flagged_searches fs USING"
                             " (row_id) WHERE COALESCE(r.org, '') = c.org AND"
                             " COALESCE(substr(r.search_time, 1, 7), '') = c.month AND ',' ||"
                             " r.categories || ',' LIKE '%,' || c.category || ',%')) OR"
                             " (c.category = 'all' AND (c.searches < 1 OR c.searches < (SELECT"
                             " MAX(d.searches) FROM counts d WHERE d.org = c.org AND d.month ="
                             " c.month)))) OR (SELECT SUM(searches) FROM counts WHERE category ="
                             " 'all') < (SELECT searches FROM search_counts WHERE category = 'all')",
                             -1, &q, NULL) == SQLITE_OK && sqlite3_step(q) == SQLITE_ROW,
          "cannot read counts");
    check(sqlite3_column_int64(q, 0) == 0, "searches by organization out of their rules");
    sqlite3_finalize(q);
    /* searches by how widely: each in one bucket; for all, never more than the bucket's rows
     * (a search is in the highest bucket its rows give, so one of its rows is there; under a
     * category it can be where only an unflagged copy is) */
    check(sqlite3_prepare_v2(db,
                             "SELECT EXISTS (SELECT 1 FROM reach WHERE category = 'all' AND"
                             " searches > rows) OR EXISTS"
                             " (SELECT 1 FROM search_counts k WHERE k.searches <> (SELECT"
                             " SUM(searches) FROM reach r WHERE r.category = k.category))",
                             -1, &q, NULL) == SQLITE_OK && sqlite3_step(q) == SQLITE_ROW,
          "cannot read reach");
    check(sqlite3_column_int64(q, 0) == 0, "searches by how widely out of their rules");
    sqlite3_finalize(q);
    if (naming) { /* every search row of audit.csv holds the plate in its plate cell */
        check(sqlite3_prepare_v2(db,
                                 "SELECT (SELECT COALESCE(SUM(searches), 0) FROM sources WHERE cite"
                                 " LIKE '%audit.csv' AND id NOT IN (SELECT source_id FROM"
                                 " source_checks WHERE duplicate_of IS NOT NULL)) - (SELECT COUNT(*)"
                                 " FROM named_plates n JOIN flagged_rows r USING (row_id) JOIN"
                                 " sources s ON s.id = r.source_id WHERE s.cite LIKE '%audit.csv'"
                                 " AND instr(n.how, 'plate') > 0)",
                                 -1, &q, NULL) == SQLITE_OK && sqlite3_step(q) == SQLITE_ROW,
              "cannot read named_plates");
        check(sqlite3_column_int64(q, 0) == 0, "a row of the named plate is not in named_plates");
        sqlite3_finalize(q);
    }
    sqlite3_close(db);
    nftw(dir, rm_one, 8, FTW_DEPTH | FTW_PHYS);
    return 0;
}
