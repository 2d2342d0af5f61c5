/* test_schema.c: header mapping by name (aliases, BOM, quotes, spacing), kinds of export,
 * repeated headers, row descriptions, and rows turned into searches (states, times, counts,
 * parse errors). Also maps the headers of the real public files when ../shared/data exists. */
#include "../harness.h"
#include "schema.h"
#include "timeparse.h"

/* Splits a comma-separated line (with simple "quoted" cells) into slices over a copy. */
typedef struct {
    char buf[4096];
    sl_slice cells[300];
    size_t n;
} row;

static void split(row *r, const char *line)
{
    size_t len = strlen(line);
    if (len >= sizeof r->buf) len = sizeof r->buf - 1;
    memcpy(r->buf, line, len);
    r->buf[len] = '\0';
    r->n = 0;
    size_t i = 0;
    for (;;) {
        if (r->n == SL_ARRAY_LEN(r->cells)) return;
        if (i < len && r->buf[i] == '"') {
            size_t s = ++i;
            while (i < len && r->buf[i] != '"') i++;
            r->cells[r->n++] = (sl_slice){r->buf + s, i - s};
            if (i < len) i++;
        } else {
            size_t s = i;
            while (i < len && r->buf[i] != ',') i++;
            r->cells[r->n++] = (sl_slice){r->buf + s, i - s};
        }
        if (i >= len) return;
        i++; /* the comma */
    }
}

/* Splits an array of C strings (cells may hold commas and newlines). */
static void cells_of(row *r, const char *const *v, size_t n)
{
    r->n = n;
    for (size_t i = 0; i < n; i++) r->cells[i] = (sl_slice){v[i], strlen(v[i])};
}

static int map(sl_schema *s, const char *header, const char *filename)
{
    row r;
    split(&r, header);
    return sl_schema_from_header(s, r.cells, r.n, filename);
}

static void test_kind_names(void)
{
    CHECK_STR(sl_kind_name(SL_KIND_UNKNOWN), "unknown");
    CHECK_STR(sl_kind_name(SL_KIND_AUDIT), "audit");
    CHECK_STR(sl_kind_name(SL_KIND_NETWORK_AUDIT), "network_audit");
    CHECK_STR(sl_kind_name(SL_KIND_ORG_AUDIT), "org_audit");
    CHECK_STR(sl_kind_name(SL_KIND_PORTAL), "portal");
    CHECK_STR(sl_kind_name(SL_KIND_EVENT_LOG), "event_log");
    CHECK_STR(sl_kind_name((sl_kind)99), "unknown");
}

/* Reference lists that come with releases are recognised by their columns, not rejected. */
static void test_reference_kinds(void)
{
    sl_schema s;
    CHECK_STR(sl_kind_name(SL_KIND_AGENCY_LIST), "agency_list");
    CHECK_STR(sl_kind_name(SL_KIND_ROSTER), "roster");
    CHECK_STR(sl_kind_name(SL_KIND_SHARED_NETWORKS), "shared_networks");
    CHECK_INT(map(&s, ",agency_name,agency_type_name,county_name,ori,state_abbr", "agencies.csv"), 1);
    CHECK_INT(s.kind, SL_KIND_AGENCY_LIST);
    sl_schema_clear(&s);
    CHECK_INT(map(&s, "id,last_name,first_name,gender,employment_date,department_name", "x.csv"), 1);
    CHECK_INT(s.kind, SL_KIND_ROSTER);
    sl_schema_clear(&s);
    CHECK_INT(map(&s, "Organization Name,Networks Shared With Me,Networks I'm Sharing", "s.xlsx"), 1);
    CHECK_INT(s.kind, SL_KIND_SHARED_NETWORKS);
    sl_schema_clear(&s);
    /* Names alone, or an ORI alone, are not a list of anything we know. */
    CHECK_INT(map(&s, "last_name,first_name,gender", "x.csv"), 0);
    CHECK_INT(map(&s, "ori,population", "x.csv"), 0);
    /* An audit that also names agencies stays an audit. */
    CHECK_INT(map(&s, "Agency,ORI,Search Time,Reason,Org Name", "network_audit.csv"), 1);
    CHECK_INT(s.kind, SL_KIND_NETWORK_AUDIT);
    sl_schema_clear(&s);
}

static void test_flock_audit(void)
{
    sl_schema s;
    const char *h = "ID,Name,Org Name,Total Networks Searched,Total Devices Searched,Time Frame,"
                    "License Plate,Reason,Case #,Filters,Search Time,Search Type,Text Prompt,"
                    "Moderation,Offense Type";
    CHECK_INT(map(&s, h, "releases/Flock Network Audit 2025-06.csv"), 1);
    CHECK_INT(s.kind, SL_KIND_NETWORK_AUDIT);
    CHECK_INT(s.ncols, 15);
    CHECK_INT(s.mapped, 15);
    CHECK_INT(s.blank, 0);
    CHECK_INT(s.col[SL_F_ID], 0);
    CHECK_INT(s.col[SL_F_NAME], 1);
    CHECK_INT(s.col[SL_F_USER_ID], -1);
    CHECK_INT(s.col[SL_F_ORG], 2);
    CHECK_INT(s.col[SL_F_NETWORKS], 3);
    CHECK_INT(s.col[SL_F_DEVICES], 4);
    CHECK_INT(s.col[SL_F_TIME_FRAME], 5);
    CHECK_INT(s.col[SL_F_TF_START], -1);
    CHECK_INT(s.col[SL_F_PLATE], 6);
    CHECK_INT(s.col[SL_F_REASON], 7);
    CHECK_INT(s.col[SL_F_CASE], 8);
    CHECK_INT(s.col[SL_F_FILTERS], 9);
    CHECK_INT(s.col[SL_F_SEARCH_TIME], 10);
    CHECK_INT(s.col[SL_F_SEARCH_DATE], -1);
    CHECK_INT(s.col[SL_F_SEARCH_TYPE], 11);
    CHECK_INT(s.col[SL_F_TEXT_PROMPT], 12);
    CHECK_INT(s.col[SL_F_MODERATION], 13);
    CHECK_INT(s.col[SL_F_OFFENSE], 14);
    CHECK_STR(s.names[8], "Case #");
    CHECK_INT(s.unknown[8], 0);
    sl_schema_clear(&s);
    CHECK_INT(s.ncols, 0);
    CHECK_INT(s.col[SL_F_REASON], -1);
    sl_schema_clear(&s); /* twice is fine */
    sl_schema_clear(NULL);

    /* Reordered, spaced, aliased, with a BOM and an unknown column: found by name. */
    const char *h2 = "\xEF\xBB\xBF\"Search Time\", Org Name ,Reason_1,License Plates,"
                     "Case Number,Test Prompt,Notes,Name";
    CHECK_INT(map(&s, h2, "OrgAudit_Q1.csv"), 1);
    CHECK_INT(s.kind, SL_KIND_ORG_AUDIT);
    CHECK_INT(s.col[SL_F_SEARCH_TIME], 0);
    CHECK_INT(s.col[SL_F_ORG], 1);
    CHECK_INT(s.col[SL_F_REASON], 2);
    CHECK_INT(s.col[SL_F_PLATE], 3);
    CHECK_INT(s.col[SL_F_CASE], 4);
    CHECK_INT(s.col[SL_F_TEXT_PROMPT], 5);
    CHECK_INT(s.col[SL_F_NAME], 7);
    CHECK_STR(s.names[0], "Search Time");
    CHECK_STR(s.names[1], "Org Name");
    CHECK_STR(s.names[6], "Notes");
    CHECK_INT(s.unknown[6], 1);
    CHECK_INT(s.unknown[0], 0);
    CHECK_INT(s.mapped, 7);
    sl_schema_clear(&s);
}

/* A field named twice: the first column is read, the second marked as a repeat. */
static void test_repeats(void)
{
    sl_schema s;
    CHECK_INT(map(&s, "Name,Org Name,Search Time,Reason,Case #,Reason_1,Reason", NULL), 1);
    CHECK_INT(s.col[SL_F_REASON], 3);
    CHECK_INT(s.repeats[3], 0);
    CHECK_INT(s.repeats[4], 0);
    CHECK_INT(s.repeats[5], SL_F_REASON + 1);
    CHECK_INT(s.repeats[6], SL_F_REASON + 1);
    CHECK_INT(s.unknown[5], 1);
    sl_schema_clear(&s);
    CHECK_INT(map(&s, "Name,Org Name,Search Time,Reason", NULL), 1);
    for (int i = 0; i < 4; i++) CHECK_INT(s.repeats[i], 0);
    sl_schema_clear(&s);
}

static void test_name_variants(void)
{
    const char *org[] = {"Org_Name", "org name", "OrgName", " Org Name", "ORG NAME", "\xC2\xA0Org Name",
                         "'Org Name'", "Organization", "Agency", "org-name"};
    for (size_t i = 0; i < SL_ARRAY_LEN(org); i++) {
        row r;
        const char *v[] = {"Search Time", org[i], "Reason", "Name"};
        cells_of(&r, v, 4);
        sl_schema s;
        CHECK_INT(sl_schema_from_header(&s, r.cells, r.n, NULL), 1);
        CHECK_INT(s.col[SL_F_ORG], 1);
        CHECK_INT(s.kind, SL_KIND_AUDIT);
        sl_schema_clear(&s);
    }
    struct {
        const char *name;
        sl_field f;
    } al[] = {
        {"Search ID", SL_F_ID}, {"uuid", SL_F_ID}, {"User", SL_F_NAME}, {"User Name", SL_F_NAME},
        {"Networks Searched", SL_F_NETWORKS}, {"Network Count", SL_F_NETWORKS},
        {"Devices Searched", SL_F_DEVICES}, {"Camera Count", SL_F_DEVICES},
        {"Time_Frame", SL_F_TIME_FRAME}, {"Time_Frame_Start", SL_F_TF_START},
        {"Time Frame End", SL_F_TF_END}, {"Plate", SL_F_PLATE}, {"LPR", SL_F_PLATE},
        {"Search Reason", SL_F_REASON}, {"Case No", SL_F_CASE}, {"Case", SL_F_CASE},
        {"caseNumber", SL_F_CASE}, {"offenseType", SL_F_OFFENSE}, {"FILTERS", SL_F_FILTERS},
        {"Text Prompt", SL_F_TEXT_PROMPT}, {"userId", SL_F_USER_ID}, {"Officer", SL_F_NAME},
        {"Organization", SL_F_ORG}, {"Reason_1", SL_F_REASON}, {"License Plates", SL_F_PLATE},
        {"Test Prompt", SL_F_TEXT_PROMPT}, {"Total Devices Searched", SL_F_DEVICES},
    };
    for (size_t i = 0; i < SL_ARRAY_LEN(al); i++) {
        row r;
        const char *v[] = {"Search Time", "Search Type", "Moderation", al[i].name};
        cells_of(&r, v, 4);
        sl_schema s;
        CHECK_INT(sl_schema_from_header(&s, r.cells, r.n, NULL), 1);
        if (s.col[al[i].f] != 3) fprintf(stderr, "alias \"%s\" not mapped\n", al[i].name);
        CHECK_INT(s.col[al[i].f], 3);
        CHECK_INT(s.mapped, 4);
        sl_schema_clear(&s);
    }
    /* Search time aliases. */
    const char *times[] = {"Search Time", "searchDate", "Search Date Time", "Timestamp", "Search Date"};
    for (size_t i = 0; i < SL_ARRAY_LEN(times); i++) {
        row r;
        const char *v[] = {"Name", "Org Name", "Reason", times[i]};
        cells_of(&r, v, 4);
        sl_schema s;
        CHECK_INT(sl_schema_from_header(&s, r.cells, r.n, NULL), 1);
        CHECK_INT(s.col[SL_F_SEARCH_TIME], 3);
        CHECK_INT(s.col[SL_F_SEARCH_DATE], -1);
        sl_schema_clear(&s);
    }
}

static void test_split_and_blank(void)
{
    sl_schema s;
    /* Split date + time; blank and phantom cells; a repeated field (first wins). */
    CHECK_INT(map(&s, "Name,Org Name,Search Date,Search Time,,Reason,Reason, ,Total Networks Searched,",
                  "network_audit.csv"),
              1);
    CHECK_INT(s.col[SL_F_SEARCH_DATE], 2);
    CHECK_INT(s.col[SL_F_SEARCH_TIME], 3);
    CHECK_INT(s.col[SL_F_REASON], 5);
    CHECK_INT(s.unknown[6], 1); /* the second Reason */
    CHECK_INT(s.blank, 3);
    CHECK_INT(s.ncols, 10);
    CHECK_STR(s.names[4], "");
    CHECK_INT(s.unknown[4], 1);
    CHECK_INT(s.mapped, 6);
    CHECK_INT(s.kind, SL_KIND_NETWORK_AUDIT);
    sl_schema_clear(&s);
}

static void test_unrecognised(void)
{
    sl_schema s;
    /* A data row read as a header. */
    CHECK_INT(map(&s, "John Smith,Houston TX PD,12,2510,,7ABC123,stolen,25-1,,6/1/2025",
                  "network.csv"),
              0);
    CHECK_INT(s.ncols, 0);
    CHECK_INT(s.col[SL_F_NAME], -1);
    /* Search time plus only one other field. */
    CHECK_INT(map(&s, "Search Time,Reason,Foo,Bar", NULL), 0);
    /* No search time. */
    CHECK_INT(map(&s, "Name,Org Name,Reason,Case #", NULL), 0);
    CHECK_INT(map(&s, "", NULL), 0);
    CHECK_INT(sl_schema_from_header(&s, NULL, 0, NULL), 0);
    /* Registry or roster files are recognised as reference lists (test_reference_kinds), not
     * as audits. */
    CHECK_INT(map(&s, "ori,agency_name,agency_type_name,state_name,county_name", NULL), 1);
    CHECK_INT(s.kind, SL_KIND_AGENCY_LIST);
    sl_schema_clear(&s);
    /* Time alone with the event-log's other columns missing. */
    CHECK_INT(map(&s, "Timestamp,User,Event Type", NULL), 0);
}

static void test_kinds(void)
{
    sl_schema s;
    const char *audit = "Name,Org Name,Reason,Search Time";
    struct {
        const char *file;
        sl_kind k;
    } v[] = {
        {"Network_Audit.csv", SL_KIND_NETWORK_AUDIT}, {"x/NETWORKAUDIT-2025.csv", SL_KIND_NETWORK_AUDIT},
        {"org_audit.csv", SL_KIND_ORG_AUDIT},         {"Organization Audit June.csv", SL_KIND_ORG_AUDIT},
        {"OrgAudit.csv", SL_KIND_ORG_AUDIT},          {"georgia_audit.csv", SL_KIND_AUDIT},
        {"audit.csv", SL_KIND_AUDIT},                 {"network/audit.csv", SL_KIND_AUDIT},
        {"org/Network audit.csv", SL_KIND_NETWORK_AUDIT},
    };
    for (size_t i = 0; i < SL_ARRAY_LEN(v); i++) {
        CHECK_INT(map(&s, audit, v[i].file), 1);
        if (s.kind != v[i].k) fprintf(stderr, "file %s\n", v[i].file);
        CHECK_INT(s.kind, v[i].k);
        sl_schema_clear(&s);
    }
    CHECK_INT(map(&s, "id,userId,searchDate,networkCount,reason", "network audit.csv"), 1);
    CHECK_INT(s.kind, SL_KIND_PORTAL);
    CHECK_INT(s.col[SL_F_USER_ID], 1);
    CHECK_INT(s.col[SL_F_SEARCH_TIME], 2);
    CHECK_INT(s.col[SL_F_NETWORKS], 3);
    sl_schema_clear(&s);
    CHECK_INT(map(&s, "id,userId,searchDate,cameraCount,reason,caseNumber,offenseType", NULL), 1);
    CHECK_INT(s.kind, SL_KIND_PORTAL);
    CHECK_INT(s.col[SL_F_DEVICES], 3);
    CHECK_INT(s.col[SL_F_CASE], 5);
    CHECK_INT(s.col[SL_F_OFFENSE], 6);
    sl_schema_clear(&s);
    CHECK_INT(map(&s, "Timestamp,User,Event Type,Entity Type,Entity Details,Event Id", NULL), 1);
    CHECK_INT(s.kind, SL_KIND_EVENT_LOG);
    CHECK_STR(s.names[2], "Event Type");
    CHECK_STR(s.names[5], "Event Id");
    CHECK_INT(s.unknown[4], 1);
    sl_schema_clear(&s);
    CHECK_INT(map(&s, "Timestamp,User,Event Type,Entity Type,Entity Details", NULL), 1);
    CHECK_INT(s.kind, SL_KIND_EVENT_LOG);
    sl_schema_clear(&s);
}

static void test_wide(void)
{
    /* 300 columns: the known ones past the cap are not mapped, ncols says 300. */
    static char names[300][16];
    row r;
    r.n = 300;
    for (size_t i = 0; i < 300; i++) {
        sl_fmt(names[i], sizeof names[i], "extra %zu", i);
        r.cells[i] = (sl_slice){names[i], strlen(names[i])};
    }
    r.cells[0] = (sl_slice){"Search Time", 11};
    r.cells[10] = (sl_slice){"Name", 4};
    r.cells[255] = (sl_slice){"Org Name", 8};
    r.cells[260] = (sl_slice){"Reason", 6};
    sl_schema s;
    CHECK_INT(sl_schema_from_header(&s, r.cells, r.n, NULL), 1);
    CHECK_INT(s.ncols, 300);
    CHECK_INT(s.col[SL_F_ORG], 255);
    CHECK_INT(s.col[SL_F_REASON], -1);
    CHECK_STR(s.names[255], "Org Name");
    CHECK(sl_schema_is_header_again(&s, r.cells, r.n));
    sl_schema_clear(&s);
}

static void test_header_again(void)
{
    sl_schema s;
    CHECK_INT(map(&s, "Name,Org Name,Total Networks Searched,Reason,Case #,Search Time,,Notes", NULL), 1);
    row r;
    split(&r, "Name,Org Name,Total Networks Searched,Reason,Case #,Search Time,,Notes");
    CHECK_INT(sl_schema_is_header_again(&s, r.cells, r.n), 1);
    split(&r, " NAME , org name,total networks searched,REASON,case #,Search Time,x,Notes");
    CHECK_INT(sl_schema_is_header_again(&s, r.cells, r.n), 1);
    split(&r, "Name,Org Name,Total Networks Searched,Reason,Case #,Search Time"); /* short */
    CHECK_INT(sl_schema_is_header_again(&s, r.cells, r.n), 1);                  /* 6 of 7 */
    split(&r, "Name,Org Name,Total Networks Searched,Reason,Case #");
    CHECK_INT(sl_schema_is_header_again(&s, r.cells, r.n), 0);                  /* 5 of 7 */
    split(&r, "John Smith,Houston TX PD,12,stolen,25-1,6/1/2025,,");
    CHECK_INT(sl_schema_is_header_again(&s, r.cells, r.n), 0);
    split(&r, "Org Name,Name,Total Networks Searched,Reason,Case #,Search Time,,Notes"); /* moved */
    CHECK_INT(sl_schema_is_header_again(&s, r.cells, r.n), 0); /* 5 of 7 in place */
    split(&r, "\"Name\",\"Org Name\",\"Total Networks Searched\",Reason,Case #,Search Time,,Notes");
    CHECK_INT(sl_schema_is_header_again(&s, r.cells, r.n), 1); /* quoted names clean down */
    sl_schema_clear(&s);
    /* Many blank header cells: 5 names, so only one may miss, though 10 columns would allow
     * two (the early stop uses the larger allowance, the verdict the exact one). */
    CHECK_INT(map(&s, "Name,,Org Name,,Reason,,Search Time,,Notes,", NULL), 1);
    split(&r, "Name,,Org Name,,Reason,,Search Time,,x,");
    CHECK_INT(sl_schema_is_header_again(&s, r.cells, r.n), 1); /* 4 of 5 */
    split(&r, "Name,,Org Name,,Reason,,x,,x,");
    CHECK_INT(sl_schema_is_header_again(&s, r.cells, r.n), 0); /* 3 of 5 */
    sl_schema_clear(&s);
}

static void test_describe(void)
{
    char out[200];
    row r;
    split(&r, "foo,bar,1/2/2025");
    sl_schema_describe_row(r.cells, r.n, out, sizeof out);
    CHECK_STR(out, "found: \"foo\", \"bar\", \"1/2/2025\" (3 cells)");
    split(&r, " x ");
    sl_schema_describe_row(r.cells, r.n, out, sizeof out);
    CHECK_STR(out, "found: \"x\" (1 cell)");
    const char *ml[] = {"line1\nline2", "a"};
    cells_of(&r, ml, 2);
    sl_schema_describe_row(r.cells, r.n, out, sizeof out);
    CHECK_STR(out, "found: \"line1 line2\", \"a\" (2 cells)");
    split(&r, "1,2,3,4,5,6,7,8,9,10");
    sl_schema_describe_row(r.cells, r.n, out, sizeof out);
    CHECK_STR(out, "found: \"1\", \"2\", \"3\", \"4\", \"5\", \"6\", \"7\", \"8\", ... (10 cells)");
    split(&r, "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa");
    sl_schema_describe_row(r.cells, r.n, out, sizeof out);
    CHECK_STR(out, "found: \"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa...\" (1 cell)");
    char small[30];
    split(&r, "foo,bar,baz,qux");
    sl_schema_describe_row(r.cells, r.n, small, sizeof small);
    CHECK_STR(small, "found: \"foo\", \"b... (4 cells)");
    CHECK_INT(strlen(small), 29);
    char tiny[12];
    sl_schema_describe_row(r.cells, r.n, tiny, sizeof tiny);
    CHECK_STR(tiny, "(4 cells)");
    sl_schema_describe_row(r.cells, 0, out, sizeof out);
    CHECK_STR(out, "found: (0 cells)");
}

static void test_rows(void)
{
    sl_schema s;
    const char *h = "Name,Org Name,Total Networks Searched,Total Devices Searched,Time Frame,"
                    "License Plate,Reason,Case #,Search Time";
    CHECK_INT(map(&s, h, NULL), 1);
    const char *v[] = {" John Smith ", "Houston TX PD", "1,234", "0",
                       "6/1/2025, 12:00:00 PM UTC\n6/2/2025, 6:00:00 AM UTC", "***", "REDACTED / 459 SUS",
                       "0", "6/1/2025, 1:02:03 PM UTC"};
    row r;
    cells_of(&r, v, 9);
    sl_search q;
    sl_search_from_row(&s, r.cells, r.n, &q);
    CHECK_MEM(q.f[SL_F_NAME].p, q.f[SL_F_NAME].len, "John Smith");
    CHECK_INT(q.f[SL_F_NAME].st, SL_CELL_VALUE);
    CHECK_INT(q.f[SL_F_ID].st, SL_CELL_ABSENT);
    CHECK_INT(q.f[SL_F_ID].len, 0);
    CHECK_INT(q.f[SL_F_PLATE].st, SL_CELL_VENDOR_REDACTED);
    CHECK_INT(q.f[SL_F_REASON].st, SL_CELL_PARTIAL);
    CHECK_INT(q.f[SL_F_CASE].st, SL_CELL_PLACEHOLDER);
    CHECK_INT(q.f[SL_F_DEVICES].st, SL_CELL_VALUE);
    CHECK_INT(q.networks, 1234);
    CHECK_INT(q.devices, 0);
    CHECK_INT(q.search_time, 1748782923);
    CHECK_INT(q.tf_start, 1748779200);
    CHECK_INT(q.tf_end, 1748844000);
    CHECK_INT(q.bad, 0);

    /* Unparseable values set bad bits; redacted and placeholder cells do not. */
    const char *b[] = {"x", "y", "12.5", "n/a", "yesterday", "", "", "", "6/31/2025, 1:02:03 PM UTC"};
    cells_of(&r, b, 9);
    sl_search_from_row(&s, r.cells, r.n, &q);
    CHECK_INT(q.networks, -1);
    CHECK_INT(q.devices, -1);
    CHECK_INT(q.f[SL_F_DEVICES].st, SL_CELL_PLACEHOLDER);
    CHECK_INT(q.search_time, SL_TIME_NONE);
    CHECK_INT(q.tf_start, SL_TIME_NONE);
    CHECK_INT(q.tf_end, SL_TIME_NONE);
    CHECK_INT(q.bad, (1u << SL_F_NETWORKS) | (1u << SL_F_TIME_FRAME) | (1u << SL_F_SEARCH_TIME));

    /* A short row: missing cells are empty, not absent. */
    const char *sh[] = {"Jane", "Org", "12.0"};
    cells_of(&r, sh, 3);
    sl_search_from_row(&s, r.cells, r.n, &q);
    CHECK_INT(q.networks, 12);
    CHECK_INT(q.f[SL_F_SEARCH_TIME].st, SL_CELL_EMPTY);
    CHECK_INT(q.f[SL_F_REASON].st, SL_CELL_EMPTY);
    CHECK_INT(q.f[SL_F_ID].st, SL_CELL_ABSENT);
    CHECK_INT(q.search_time, SL_TIME_NONE);
    CHECK_INT(q.bad, 0);

    /* Redacted counts and times are not parse errors. */
    const char *rd[] = {"***", "***", "REDACTED", "***", "REDACTED", "", "", "", "REDACTED"};
    cells_of(&r, rd, 9);
    sl_search_from_row(&s, r.cells, r.n, &q);
    CHECK_INT(q.bad, 0);
    CHECK_INT(q.networks, -1);
    CHECK_INT(q.f[SL_F_SEARCH_TIME].st, SL_CELL_AGENCY_REDACTED);
    sl_schema_clear(&s);

    /* Counts. */
    const char *counts[][2] = {
        {"0", "0"}, {"7", "7"}, {"1,234", "1234"}, {"12,345,678", "12345678"}, {"12.0", "12"},
        {"12.00", "12"}, {"1,23", "-1"}, {"1234,567", "-1"}, {",123", "-1"}, {"12.5", "-1"},
        {"12.", "-1"}, {"1e3", "-1"}, {"+5", "-1"}, {"-5", "-1"}, {"5 networks", "-1"},
        {"1,234.0", "1234"}, {"9999999999999999999", "-1"}, {"0x10", "-1"},
    };
    CHECK_INT(map(&s, "Search Time,Name,Org Name,Total Networks Searched", NULL), 1);
    for (size_t i = 0; i < SL_ARRAY_LEN(counts); i++) {
        const char *cv[] = {"2025-06-01", "a", "b", counts[i][0]};
        cells_of(&r, cv, 4);
        sl_search_from_row(&s, r.cells, r.n, &q);
        long long want = strtoll(counts[i][1], NULL, 10);
        if (q.networks != want) fprintf(stderr, "count \"%s\"\n", counts[i][0]);
        CHECK_INT(q.networks, want);
        CHECK_INT(q.bad, want < 0 && q.f[SL_F_NETWORKS].st == SL_CELL_VALUE ? 1u << SL_F_NETWORKS : 0);
    }
    sl_schema_clear(&s);

    /* Search ids: a UUID is a value at once (checked 8 bytes at a time); a masked one in the
     * same shape is not taken for one. */
    const char *ids[][2] = {
        {"5869ce7e-98f2-47e7-a3c2-5e6bff4def4a", "v"}, {"5869CE7E-98F2-47E7-A3C2-5E6BFF4DEF4A", "v"},
        {"********-****-****-****-************", "r"}, {"########-####-####-####-############", "a"},
        {"5869ce7e-98f2-47e7-a3c2-5e6bff4def4g", "v"}, {"5869ce7e-98f2-47e7-a3c2-5e6bff4de\xc3\xa9", "v"},
        {"5869ce7e-98f2-47e7-a3c2-5e6bff4def4", "v"},
    };
    CHECK_INT(map(&s, "Search Time,Name,Org Name,ID", NULL), 1);
    for (size_t i = 0; i < SL_ARRAY_LEN(ids); i++) {
        const char *cv[] = {"2025-06-01", "a", "b", ids[i][0]};
        cells_of(&r, cv, 4);
        sl_search_from_row(&s, r.cells, r.n, &q);
        sl_cell_state want = ids[i][1][0] == 'v'   ? SL_CELL_VALUE
                             : ids[i][1][0] == 'r' ? SL_CELL_VENDOR_REDACTED
                                                   : SL_CELL_AGENCY_REDACTED;
        CHECK_INT(q.f[SL_F_ID].st, want);
        CHECK_INT(q.bad, 0);
    }
    sl_schema_clear(&s);
}

static void test_split_rows(void)
{
    sl_schema s;
    CHECK_INT(map(&s, "Name,Org Name,Search Date,Search Time,Time_Frame_Start,Time_Frame_End", NULL), 1);
    row r;
    sl_search q;
    const char *a[] = {"A", "B", "6/1/2025", "1:02:03 PM", "2025-06-01T12:00:00Z", "6/2/2025 6:00"};
    cells_of(&r, a, 6);
    sl_search_from_row(&s, r.cells, r.n, &q);
    CHECK_INT(q.search_time, 1748782923);
    CHECK_INT(q.tf_start, 1748779200);
    CHECK_INT(q.tf_end, 1748844000);
    CHECK_INT(q.bad, 0);
    const char *b[] = {"A", "B", "6/1/2025", "6/1/2025, 1:02:03 PM UTC", "", "soon"};
    cells_of(&r, b, 6);
    sl_search_from_row(&s, r.cells, r.n, &q);
    CHECK_INT(q.search_time, 1748782923); /* a full timestamp in the time column */
    CHECK_INT(q.tf_start, SL_TIME_NONE);
    CHECK_INT(q.bad, 1u << SL_F_TF_END);
    const char *c[] = {"A", "B", "6/31/2025", "1:02:03 PM", "", ""};
    cells_of(&r, c, 6);
    sl_search_from_row(&s, r.cells, r.n, &q);
    CHECK_INT(q.search_time, SL_TIME_NONE);
    CHECK_INT(q.bad, 1u << SL_F_SEARCH_DATE);
    const char *d[] = {"A", "B", "6/1/2025", "13:02:03 PM", "", ""};
    cells_of(&r, d, 6);
    sl_search_from_row(&s, r.cells, r.n, &q);
    CHECK_INT(q.search_time, SL_TIME_NONE);
    CHECK_INT(q.bad, 1u << SL_F_SEARCH_TIME);
    const char *e[] = {"A", "B", "6/1/2025", "", "", ""};
    cells_of(&r, e, 6);
    sl_search_from_row(&s, r.cells, r.n, &q);
    CHECK_INT(q.search_time, SL_TIME_NONE); /* no time of day: not guessed */
    CHECK_INT(q.bad, 0);
    /* a third-party extraction that prints the month by name */
    const char *f[] = {"A", "B", "Jun 1, 2025", "1:02:03 PM", "01-Jun-2025 12:00", "June 2, 2025, 6:00 AM"};
    cells_of(&r, f, 6);
    sl_search_from_row(&s, r.cells, r.n, &q);
    CHECK_INT(q.search_time, 1748782923);
    CHECK_INT(q.tf_start, 1748779200);
    CHECK_INT(q.tf_end, 1748844000);
    CHECK_INT(q.bad, 0);
    sl_schema_clear(&s);
}

/* Reads the first two lines of a real file. */
static int read_head(const char *path, char *l1, char *l2, size_t cap)
{
    FILE *f = fopen(path, "rb");
    if (!f) return 0;
    int ok = fgets(l1, (int)cap, f) != NULL && fgets(l2, (int)cap, f) != NULL;
    fclose(f);
    for (char *l = l1; ok && l; l = l == l1 ? l2 : NULL) l[strcspn(l, "\r\n")] = '\0';
    return ok;
}

static void test_real_files(void)
{
    const char *dir = shared_data_dir();
    char path[512], l1[1024], l2[1024];
    sl_fmt(path, sizeof path, "%s/portal/EPDSearchAuditLogs.csv", dir);
    if (!path_exists(path)) {
        SKIP("shared data not found (set SL_SHARED_DATA)");
        return;
    }
    sl_schema s;
    row h, r;
    sl_search q;

    CHECK(read_head(path, l1, l2, sizeof l1));
    split(&h, l1);
    CHECK_INT(sl_schema_from_header(&s, h.cells, h.n, path), 1);
    CHECK_INT(s.kind, SL_KIND_PORTAL);
    CHECK_INT(s.col[SL_F_ID], 0);
    CHECK_INT(s.col[SL_F_USER_ID], 1);
    CHECK_INT(s.col[SL_F_SEARCH_TIME], 2);
    CHECK_INT(s.col[SL_F_DEVICES], 3);
    CHECK_INT(s.col[SL_F_REASON], 4);
    CHECK_INT(s.col[SL_F_NETWORKS], -1);
    split(&r, l2);
    sl_search_from_row(&s, r.cells, r.n, &q);
    CHECK_INT(q.search_time, 1750204924); /* 2025-06-18 00:02:04.789 */
    CHECK_INT(q.devices, 2510);
    CHECK_MEM(q.f[SL_F_REASON].p, q.f[SL_F_REASON].len, "investigation");
    CHECK_INT(q.f[SL_F_NETWORKS].st, SL_CELL_ABSENT);
    CHECK_INT(q.bad, 0);
    CHECK_INT(sl_schema_is_header_again(&s, h.cells, h.n), 1);
    CHECK_INT(sl_schema_is_header_again(&s, r.cells, r.n), 0);
    sl_schema_clear(&s);

    sl_fmt(path, sizeof path, "%s/portal/search_audit.a871b2fc.csv", dir);
    CHECK(read_head(path, l1, l2, sizeof l1));
    split(&h, l1);
    CHECK_INT(sl_schema_from_header(&s, h.cells, h.n, path), 1);
    CHECK_INT(s.kind, SL_KIND_PORTAL);
    CHECK_INT(s.col[SL_F_NETWORKS], 3);
    CHECK_INT(s.col[SL_F_DEVICES], -1);
    split(&r, l2);
    sl_search_from_row(&s, r.cells, r.n, &q);
    CHECK_INT(q.search_time, 1773117112); /* 2026-03-10T04:31:52.901Z */
    CHECK_INT(q.networks, 2);
    CHECK_INT(q.f[SL_F_USER_ID].st, SL_CELL_VENDOR_REDACTED);
    CHECK_INT(q.bad, 0);
    sl_schema_clear(&s);

    sl_fmt(path, sizeof path, "%s/portal/stow-ma-search_audit.csv", dir);
    CHECK(read_head(path, l1, l2, sizeof l1));
    split(&h, l1);
    CHECK_INT(sl_schema_from_header(&s, h.cells, h.n, path), 1);
    CHECK_INT(s.kind, SL_KIND_PORTAL);
    split(&r, l2);
    sl_search_from_row(&s, r.cells, r.n, &q);
    CHECK_INT(q.search_time, 1761927584); /* 2025-10-31 16:19:44.000 */
    CHECK_INT(q.devices, 3);
    CHECK_MEM(q.f[SL_F_REASON].p, q.f[SL_F_REASON].len, "maynard");
    sl_schema_clear(&s);

    sl_fmt(path, sizeof path, "%s/eventlog/san-mateo-event-logs.csv", dir);
    CHECK(read_head(path, l1, l2, sizeof l1));
    split(&h, l1);
    CHECK_INT(h.n, 6);
    CHECK_INT(sl_schema_from_header(&s, h.cells, h.n, path), 1);
    CHECK_INT(s.kind, SL_KIND_EVENT_LOG);
    CHECK_STR(s.names[0], "Timestamp");
    CHECK_STR(s.names[4], "Entity Details");
    CHECK_STR(s.names[5], "Event Id"); /* the CR was cut by read_head */
    sl_schema_clear(&s);
}

int main(void)
{
    test_kind_names();
    test_reference_kinds();
    test_flock_audit();
    test_name_variants();
    test_repeats();
    test_split_and_blank();
    test_unrecognised();
    test_kinds();
    test_wide();
    test_header_again();
    test_describe();
    test_rows();
    test_split_rows();
    test_real_files();
    TEST_END();
}
