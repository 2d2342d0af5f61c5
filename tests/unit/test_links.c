/* test_links.c: rows linked into searches (lib/links.c). One ID in several sources; a row
 * without an ID joining the ID its key was seen with; keys compared the way the release checks
 * compare organizations; the same row twice in a file; keys refused when they fit two searches
 * (two different rows of one source, two IDs); each part of the key; rows with no key; the
 * categories a search carries; per-source staging; the caps; a large release sorted both
 * ways (with a second buffer and in place) against a count made here; and the same rows
 * spilled to disk, which must give what memory gives, number for number. */
#include "../harness.h"
#include "counts.h"
#include "links.h"
#include "release.h"
#include "timeparse.h"

#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <sys/resource.h>
#include <unistd.h>

#define T0 INT64_C(1756684800) /* 2025-09-01T00:00:00Z */

static const char *const IMM = "immigration";
static const char *const VAGUE = "vague_or_no_purpose";

typedef struct {
    const char *id, *org, *reason;
    int64_t t, networks, tf_start, tf_end;
} row_spec;

static sl_search make(const row_spec *r) {
    sl_search q;
    memset(&q, 0, sizeof q);
    for (int f = 0; f < SL_F_COUNT; f++) q.f[f] = (sl_cell){NULL, 0, SL_CELL_ABSENT};
    if (r->id) q.f[SL_F_ID] = (sl_cell){r->id, strlen(r->id), SL_CELL_VALUE};
    if (r->org) q.f[SL_F_ORG] = (sl_cell){r->org, strlen(r->org), SL_CELL_VALUE};
    if (r->reason) q.f[SL_F_REASON] = (sl_cell){r->reason, strlen(r->reason), SL_CELL_VALUE};
    q.search_time = r->t;
    q.networks = r->networks;
    q.tf_start = r->tf_start;
    q.tf_end = r->tf_end;
    return q;
}

/* The rows' (organization, month) groups come from real counts, as the store has them; the
 * groups seen are kept by their texts, to look cells up by name. */
static sl_counts *tc;
static struct {
    char org[32], month[8];
    uint32_t group;
} seen[256];
static size_t nseen;

static uint32_t counted(const char *org, int64_t t, const char *cat) {
    const char *cats[1] = {cat};
    const size_t olen = org ? strlen(org) : 0;
    sl_status rc = sl_counts_add(tc, org ? org : "", olen, t, cats, cat ? 1 : 0, 1);
    if (rc) CHECK_INT(rc, SL_OK);
    const uint32_t g = sl_counts_group(tc);
    char month[8] = "";
    if (t != SL_TIME_NONE) sl_time_month(t, month);
    size_t i = 0;
    while (i < nseen && seen[i].group != g) i++;
    if (i == nseen && nseen < sizeof seen / sizeof *seen && olen < sizeof seen[0].org) {
        snprintf(seen[i].org, sizeof seen[i].org, "%s", org ? org : "");
        snprintf(seen[i].month, sizeof seen[i].month, "%s", month);
        seen[nseen++].group = g;
    }
    return g;
}

/* The store's reach bucket of a number of networks (store.c: 0, 1, 2-10, 11-100, 101-1000,
 * over 1000, unknown). */
static unsigned bucket(int64_t nets) {
    static const int64_t max[] = {0, 1, 10, 100, 1000};
    if (nets < 0) return SL_LINKS_REACH - 1;
    unsigned b = 0;
    while (b < 5 && nets > max[b]) b++;
    return b;
}

static void add(sl_links *l, const char *id, const char *org, int64_t t, int64_t nets,
                const char *reason, const char *cat, uint32_t src) {
    const row_spec r = {id, org, reason, t, nets, SL_TIME_NONE, SL_TIME_NONE};
    sl_search q = make(&r);
    const char *cats[1] = {cat};
    sl_status rc = sl_links_add(l, &q, sl_row_key(&q), cats, cat ? 1 : 0, src,
                                counted(org, t, cat), bucket(nets));
    if (rc) CHECK_INT(rc, SL_OK);
}

static sl_links_result finish(sl_links *l) {
    sl_links_result o;
    CHECK_INT(sl_links_finish(l, &o), SL_OK);
    return o;
}

static uint64_t cat_searches(const sl_links_result *o, const char *cat) {
    for (size_t i = 0; i < o->ncats; i++)
        if (!strcmp(o->cats[i].category, cat)) return o->cats[i].searches;
    return UINT64_MAX;
}

static uint64_t cat_rows(const sl_links_result *o, const char *cat) {
    for (size_t i = 0; i < o->ncats; i++)
        if (!strcmp(o->cats[i].category, cat)) return o->cats[i].rows;
    return UINT64_MAX;
}

/* One ID in an organization audit and two network audits, written in two cases. */
static void test_by_id(void) {
    sl_links *l = sl_links_new(NULL);
    add(l, "9e5fc9be-e35d-4770-bab2-f644b150b0bc", "Alder Creek CA PD", T0, 5, "theft", NULL, 1);
    add(l, "9E5FC9BE-E35D-4770-BAB2-F644B150B0BC", "Alder Creek CA PD", T0, 5, "theft", NULL, 2);
    add(l, "9e5fc9be-e35d-4770-bab2-f644b150b0bc", "Alder Creek CA PD", T0, 5, "***", NULL, 3);
    add(l, "c7b7d8ca-fe87-4a3c-8cd9-22c2aaa8a7e4", "Alder Creek CA PD", T0 + 1, 5, "x", NULL, 1);
    sl_links_result o = finish(l);
    CHECK_INT(o.rows, 4);
    CHECK_INT(o.searches, 2);
    CHECK_INT(o.by_id, 4);
    CHECK_INT(o.by_key, 0);
    CHECK_INT(o.several, 1);
    CHECK_INT(o.several_rows, 3);
    CHECK_INT(o.repeats, 0); /* one search in three sources repeats none */
    sl_links_free(l);
}

/* A network audit without IDs: its rows take the ID their key was seen with; organizations
 * compared without case and with white space runs as one space. */
static void test_by_key(void) {
    sl_links *l = sl_links_new(NULL);
    add(l, "id-1", "Alder Creek CA PD", T0, 5, "theft", NULL, 1);
    add(l, NULL, "alder  creek ca pd", T0, 5, "***", NULL, 2);
    add(l, NULL, " ALDER CREEK CA PD", T0, 5, "***", NULL, 3);
    /* the same ID in a log whose key differs (no organization column) */
    add(l, "id-1", NULL, T0, -1, "theft", NULL, 4);
    sl_links_result o = finish(l);
    CHECK_INT(o.searches, 1);
    CHECK_INT(o.by_id, 2);
    CHECK_INT(o.by_key, 2);
    CHECK_INT(o.no_key, 0);
    CHECK_INT(o.several, 1);
    CHECK_INT(o.several_rows, 4);
    sl_links_free(l);

    /* no ID anywhere: the key itself links */
    l = sl_links_new(NULL);
    add(l, NULL, "Alder Creek CA PD", T0, 5, "theft", NULL, 1);
    add(l, NULL, "Alder Creek CA PD", T0, 5, "REDACTED", NULL, 2);
    add(l, NULL, "Alder Creek CA PD", T0 + 60, 5, "theft", NULL, 2);
    o = finish(l);
    CHECK_INT(o.searches, 2);
    CHECK_INT(o.by_key, 3);
    CHECK_INT(o.several, 1);
    CHECK_INT(o.several_rows, 2);
    sl_links_free(l);
}

/* Flock's account tags ("[Federal]" before the name, "[Inactive]" after it) are how one
 * export saw the account: a search exported with and without them is one search. A tag inside
 * the name, or another word there, is another organization. */
static void test_tags(void) {
    sl_links *l = sl_links_new(NULL);
    add(l, NULL, "Alder Creek CA PD", T0, 5, "theft", NULL, 1);
    add(l, NULL, "Alder Creek CA PD [Inactive]", T0, 5, "***", NULL, 2);
    add(l, NULL, "ICE ERO Dallas", T0, 5, "ICE", NULL, 1);
    add(l, NULL, "[Federal]  ICE ERO Dallas", T0, 5, "***", NULL, 2);
    add(l, NULL, "[federal] ice ero dallas [INACTIVE]", T0, 5, "***", NULL, 3);
    add(l, NULL, "Alder Creek [Inactive] CA PD", T0, 5, "theft", NULL, 3);
    add(l, NULL, "Alder Creek CA PD Inactive", T0, 5, "theft", NULL, 4);
    add(l, NULL, "[Federal]", T0, 5, "theft", NULL, 4);
    sl_links_result o = finish(l);
    CHECK_INT(o.searches, 5);
    CHECK_INT(o.several, 2);
    CHECK_INT(o.several_rows, 5);
    CHECK_INT(o.refused, 0);
    sl_links_free(l);
}

/* The same row twice in one file is one search listed twice; two different rows of one file
 * under one key are two searches, and the key is refused for every source. */
static void test_same_source(void) {
    sl_links *l = sl_links_new(NULL);
    add(l, NULL, "Alder Creek CA PD", T0, 5, "theft", NULL, 1);
    add(l, NULL, "Alder Creek CA PD", T0, 5, "theft", NULL, 1);
    add(l, "id-4", "Alder Creek CA PD", T0 + 4, 5, "theft", NULL, 3);
    add(l, "id-4", "Alder Creek CA PD", T0 + 4, 5, "theft", NULL, 3);
    add(l, "id-4", "Alder Creek CA PD", T0 + 4, 5, "theft", NULL, 3);
    add(l, "id-4", "Alder Creek CA PD", T0 + 4, 5, "theft", NULL, 2);
    sl_links_result o = finish(l);
    CHECK_INT(o.searches, 2);
    CHECK_INT(o.refused, 0);
    CHECK_INT(o.several, 1);
    /* repeats within a source: the row twice in source 1, the ID three times in source 3 */
    CHECK_INT(o.repeats, 3);
    CHECK_INT(o.nsources, 4);
    if (o.nsources == 4) {
        CHECK_INT(o.source_rows[1], 2);
        CHECK_INT(o.source_repeats[1], 1);
        CHECK_INT(o.source_rows[2], 1);
        CHECK_INT(o.source_repeats[2], 0);
        CHECK_INT(o.source_rows[3], 3);
        CHECK_INT(o.source_repeats[3], 2);
    }
    sl_links_free(l);

    l = sl_links_new(NULL);
    add(l, NULL, "Alder Creek CA PD", T0, 5, "theft", NULL, 1);
    add(l, NULL, "Alder Creek CA PD", T0, 5, "stolen plate", NULL, 1);
    add(l, NULL, "Alder Creek CA PD", T0, 5, "theft", NULL, 2); /* which one is it? */
    add(l, NULL, "Alder Creek CA PD", T0 + 1, 5, "theft", NULL, 1);
    add(l, NULL, "Alder Creek CA PD", T0 + 1, 5, "theft", NULL, 2);
    o = finish(l);
    CHECK_INT(o.refused_keys, 1);
    CHECK_INT(o.refused, 3);
    CHECK_INT(o.by_key, 2);
    CHECK_INT(o.searches, 4);
    sl_links_free(l);

    /* a cell's state tells rows apart too: a name and *** */
    l = sl_links_new(NULL);
    const row_spec r = {NULL, "Alder Creek CA PD", NULL, T0, 5, SL_TIME_NONE, SL_TIME_NONE};
    sl_search a = make(&r), b = make(&r);
    a.f[SL_F_NAME] = (sl_cell){"***", 3, SL_CELL_VENDOR_REDACTED};
    b.f[SL_F_NAME] = (sl_cell){"***", 3, SL_CELL_VALUE};
    CHECK_INT(sl_links_add(l, &a, sl_row_key(&a), NULL, 0, 1, 0, 6), SL_OK);
    CHECK_INT(sl_links_add(l, &b, sl_row_key(&b), NULL, 0, 1, 0, 6), SL_OK);
    o = finish(l);
    CHECK_INT(o.searches, 2);
    CHECK_INT(o.refused, 2);
    sl_links_free(l);
}

/* A key seen with two IDs fits two searches: rows with an ID keep theirs, rows without one
 * are refused. Rows of one source that differ but have IDs are told apart by them. */
static void test_two_ids(void) {
    sl_links *l = sl_links_new(NULL);
    add(l, "id-1", "Alder Creek CA PD", T0, 5, "theft", NULL, 1);
    add(l, "id-2", "Alder Creek CA PD", T0, 5, "burglary", NULL, 1);
    add(l, NULL, "Alder Creek CA PD", T0, 5, "***", NULL, 2);
    sl_links_result o = finish(l);
    CHECK_INT(o.searches, 3);
    CHECK_INT(o.by_id, 2);
    CHECK_INT(o.refused, 1);
    CHECK_INT(o.refused_keys, 1);
    sl_links_free(l);
}

/* Each part of the key: a second, the networks, the time frame, the organization. */
static void test_key_parts(void) {
    sl_links *l = sl_links_new(NULL);
    add(l, NULL, "Alder Creek CA PD", T0, 5, "theft", NULL, 1);
    add(l, NULL, "Alder Creek CA PD", T0 + 1, 5, "theft", NULL, 2);
    add(l, NULL, "Alder Creek CA PD", T0, 6, "theft", NULL, 3);
    add(l, NULL, "Alder Creek CA SO", T0, 5, "theft", NULL, 4);
    add(l, NULL, "Alder Creek CA PD", T0, -1, "theft", NULL, 5);
    const row_spec r = {NULL, "Alder Creek CA PD", "theft", T0, 5, T0 - 3600, T0};
    sl_search q = make(&r);
    CHECK_INT(sl_links_add(l, &q, sl_row_key(&q), NULL, 0, 6, 0, 6), SL_OK);
    CHECK_INT(sl_links_add(l, &q, sl_row_key(&q), NULL, 0, 7, 0, 6), SL_OK);
    sl_links_result o = finish(l);
    CHECK_INT(o.searches, 6);
    CHECK_INT(o.several, 1);
    CHECK_INT(o.refused, 0);
    sl_links_free(l);
}

/* Rows with no ID and no organization or no time are a search each; with an ID they link. */
static void test_no_key(void) {
    sl_links *l = sl_links_new(NULL);
    add(l, NULL, NULL, T0, 5, "theft", NULL, 1);
    add(l, NULL, NULL, T0, 5, "theft", NULL, 2);
    add(l, NULL, "Alder Creek CA PD", SL_TIME_NONE, 5, "theft", NULL, 1);
    add(l, NULL, "Alder Creek CA PD", SL_TIME_NONE, 5, "theft", NULL, 2);
    add(l, "id-9", NULL, SL_TIME_NONE, 5, "theft", NULL, 1);
    add(l, "id-9", NULL, SL_TIME_NONE, 5, "theft", NULL, 2);
    /* an organization redacted is no organization */
    const row_spec r = {NULL, "REDACTED", "theft", T0, 5, SL_TIME_NONE, SL_TIME_NONE};
    sl_search q = make(&r);
    q.f[SL_F_ORG].st = SL_CELL_AGENCY_REDACTED;
    CHECK_INT(sl_links_add(l, &q, sl_row_key(&q), NULL, 0, 1, 0, 6), SL_OK);
    CHECK_INT(sl_links_add(l, &q, sl_row_key(&q), NULL, 0, 2, 0, 6), SL_OK);
    sl_links_result o = finish(l);
    CHECK_INT(o.no_key, 6);
    CHECK_INT(o.by_id, 2);
    CHECK_INT(o.searches, 7);
    CHECK_INT(o.several, 1);
    sl_links_free(l);
}

/* A search carries the categories of all its rows, counted once. */
static void test_categories(void) {
    sl_links *l = sl_links_new(NULL);
    add(l, "id-1", "Alder Creek CA PD", T0, 5, "assist ICE", IMM, 1);
    add(l, NULL, "Alder Creek CA PD", T0, 5, "REDACTED", NULL, 2);
    add(l, NULL, "Alder Creek CA PD", T0, 5, "assist ICE", IMM, 3);
    add(l, NULL, "Alder Creek CA PD", T0 + 5, 5, "inv", VAGUE, 2);
    add(l, NULL, "Alder Creek CA PD", T0 + 5, 5, "REDACTED", NULL, 3);
    add(l, NULL, NULL, T0 + 9, 5, "inv", VAGUE, 2); /* no key: alone */
    /* the same category passed by another pointer is the same category */
    char imm2[] = "immigration";
    add(l, "id-7", "Alder Creek CA PD", T0 + 20, 5, "ICE", imm2, 1);
    sl_links_result o = finish(l);
    CHECK_INT(o.searches, 4);
    CHECK_INT(o.ncats, 2);
    CHECK_INT(cat_searches(&o, IMM), 2);
    CHECK_INT(cat_rows(&o, IMM), 3);
    CHECK_INT(cat_searches(&o, VAGUE), 2);
    CHECK_INT(cat_rows(&o, VAGUE), 2);
    CHECK(o.ncats == 2 && o.cats[0].category == IMM);
    /* flagged rows in order: id-1, its source-3 copy, the T0+5 search, the row alone, id-7 */
    CHECK_INT(o.flagged, 5);
    if (o.search_of && o.flagged == 5) {
        CHECK(o.search_of[0] == o.search_of[1]);
        CHECK(o.search_of[1] != o.search_of[2] && o.search_of[2] != o.search_of[3]);
        CHECK(o.search_of[3] != o.search_of[4] && o.search_of[0] != o.search_of[4]);
        CHECK_INT(o.search_of[3], 1); /* the row alone is numbered first */
        for (int i = 0; i < 5; i++) CHECK(o.search_of[i] >= 1 && o.search_of[i] <= 4);
    }
    sl_links_free(l);
}

static uint64_t reach_of(sl_links *l, const char *cat, unsigned b) {
    uint64_t n = 0;
    if (!sl_links_reach_searches(l, cat, b, &n)) return UINT64_MAX;
    return n;
}

/* Searches by how widely they searched: a search once, in the highest bucket its copies know
 * (a log without the number knows none), under all and each of its categories. */
static void test_reach(void) {
    sl_links *l = sl_links_new(NULL);
    add(l, "id-1", "Org A", T0, 5, "ICE", IMM, 1);
    add(l, "id-1", "Org A", T0, -1, "ICE", IMM, 2);   /* a portal copy: unknown */
    add(l, "id-1", "Org A", T0, 5, "***", NULL, 3);   /* not flagged: 2-10 still */
    add(l, "id-2", "Org A", T0, 5, "inv", VAGUE, 1);
    add(l, "id-2", "Org A", T0, 2000, "inv", VAGUE, 2); /* copies disagree: the highest */
    add(l, "id-3", "Org A", T0, -1, "theft", NULL, 1);  /* alone, unknown */
    add(l, "id-4", "Org A", T0, 0, "theft", NULL, 1);
    add(l, "id-4", "Org A", T0, 0, "ICE", IMM, 2);      /* one copy flagged */
    add(l, NULL, NULL, T0, 3000, "ICE", IMM, 1);       /* no key: alone */
    /* flagged only in a copy that gives 50 networks, another copy 2000: the search's bucket,
     * over 1,000, for its category too, where no flagged row of it is */
    add(l, "id-5", "Org A", T0, 50, "ICE", IMM, 1);
    add(l, "id-5", "Org A", T0, 2000, "***", NULL, 2);
    CHECK_INT(reach_of(l, "all", 2), UINT64_MAX);      /* not linked yet */
    sl_links_result o = finish(l);
    CHECK_INT(o.searches, 6);
    CHECK_INT(reach_of(l, "all", 0), 1);
    CHECK_INT(reach_of(l, "all", 2), 1);
    CHECK_INT(reach_of(l, "all", 5), 3);
    CHECK_INT(reach_of(l, "all", 6), 1);
    CHECK_INT(reach_of(l, "all", 1) + reach_of(l, "all", 3) + reach_of(l, "all", 4), 0);
    CHECK_INT(reach_of(l, IMM, 0), 1);
    CHECK_INT(reach_of(l, IMM, 2), 1);
    CHECK_INT(reach_of(l, IMM, 3), 0);
    CHECK_INT(reach_of(l, IMM, 5), 2);
    CHECK_INT(reach_of(l, IMM, 6), 0);
    CHECK_INT(reach_of(l, VAGUE, 5), 1);
    CHECK_INT(reach_of(l, VAGUE, 2), 0);
    CHECK_INT(reach_of(l, "other", 2), UINT64_MAX);
    CHECK_INT(reach_of(l, "all", SL_LINKS_REACH), UINT64_MAX);
    sl_links_free(l);
}

/* A source closed with keep 0 (a duplicate) leaves nothing; keep 1 keeps. */
static void test_staging(void) {
    sl_links *l = sl_links_new(NULL);
    sl_links_open(l);
    add(l, NULL, "Alder Creek CA PD", T0, 5, "theft", NULL, 1);
    sl_links_close(l, 1);
    sl_links_open(l);
    add(l, NULL, "Alder Creek CA PD", T0, 5, "stolen plate", NULL, 2);
    add(l, NULL, "Alder Creek CA PD", T0, 5, "theft", NULL, 2); /* would refuse the key */
    sl_links_close(l, 0);
    sl_links_open(l);
    add(l, "id-3", "Alder Creek CA PD", T0 + 3, 5, "theft", NULL, 3);
    sl_links_close(l, 1);
    sl_links_result o = finish(l);
    CHECK_INT(o.rows, 2);
    CHECK_INT(o.searches, 2);
    CHECK_INT(o.refused, 0);
    CHECK_INT(o.by_key, 1);
    sl_links_free(l);

    /* rows kept with no ID and a key were taken back with the duplicate: the rows left all
     * have IDs, and are linked by them */
    l = sl_links_new(NULL);
    sl_links_open(l);
    add(l, "id-1", "Alder Creek CA PD", T0, 5, "theft", NULL, 1);
    sl_links_close(l, 1);
    sl_links_open(l);
    add(l, NULL, "Alder Creek CA PD", T0 + 9, 5, "theft", NULL, 2);
    sl_links_close(l, 0);
    o = finish(l);
    CHECK_INT(o.rows, 1);
    CHECK_INT(o.searches, 1);
    CHECK_INT(o.by_id, 1);
    sl_links_free(l);
}

static uint64_t cell(sl_links *l, const char *org, const char *month, const char *cat) {
    uint32_t g = 0; /* 0: no such group */
    for (size_t i = 0; i < nseen && !g; i++)
        if (!strcmp(seen[i].org, org ? org : "") && !strcmp(seen[i].month, month))
            g = seen[i].group;
    uint64_t n = 0;
    if (!sl_links_cell_searches(l, g, cat, &n)) return UINT64_MAX;
    return n;
}

/* Searches by organization (its bytes, as the counts have them) and month, per category: each
 * search once in each cell its flagged rows are in, under their categories there. */
static void test_cells(void) {
    sl_links *l = sl_links_new(NULL);
    const int64_t oct = T0 + 40 * 86400;
    add(l, "id-1", "Org A", T0, 5, "ICE", IMM, 1);
    add(l, "id-1", "Org A", T0, 5, "ICE", IMM, 2);  /* a copy: the same cell */
    add(l, "id-1", "ORG A", T0, 5, "ICE", IMM, 3);  /* a copy spelled another way */
    add(l, "id-1", "Org A", T0, 5, "***", NULL, 4); /* a copy not flagged */
    add(l, "id-2", "Org A", oct, 5, "inv", VAGUE, 1);
    add(l, "id-3", "Org A", T0 + 9, 5, "ICE", IMM, 1);
    add(l, "id-3", "Org A", T0 + 9, 5, "inv", VAGUE, 2); /* its categories differ by copy */
    add(l, NULL, NULL, T0 + 5, 5, "inv", VAGUE, 5);       /* no key, no organization */
    CHECK_INT(cell(l, "Org A", "2025-09", IMM), UINT64_MAX); /* not linked yet */
    sl_links_result o = finish(l);
    CHECK_INT(o.searches, 4);
    CHECK_INT(cell(l, "Org A", "2025-09", IMM), 2);
    CHECK_INT(cell(l, "ORG A", "2025-09", IMM), 1);
    CHECK_INT(cell(l, "Org A", "2025-09", VAGUE), 1);
    CHECK_INT(cell(l, "Org A", "2025-10", VAGUE), 1);
    CHECK_INT(cell(l, "Org A", "2025-10", IMM), 0);
    CHECK_INT(cell(l, "", "2025-09", VAGUE), 1);
    CHECK_INT(cell(l, "Org B", "2025-09", IMM), 0);
    CHECK_INT(cell(l, "Org A", "2025-09", "other"), UINT64_MAX); /* not a category of the rows */
    /* "all": every row's cell, flagged or not: id-1 and id-3 in Org A's September, id-1 again
     * under its other spelling, id-2 in October, the row without a key alone */
    CHECK_INT(cell(l, "Org A", "2025-09", "all"), 2);
    CHECK_INT(cell(l, "ORG A", "2025-09", "all"), 1);
    CHECK_INT(cell(l, "Org A", "2025-10", "all"), 1);
    CHECK_INT(cell(l, "", "2025-09", "all"), 1);
    CHECK_INT(cell(l, "Org B", "2025-09", "all"), 0);
    sl_links_free(l);

    /* "all" counts rows no category flagged: a search whose copies are none of them flagged,
     * in two months (a copy's time a day later in another log), and a search alone */
    l = sl_links_new(NULL);
    const int64_t end = T0 + 29 * 86400 + 3600; /* 2025-09-30T01:00:00Z */
    add(l, "id-4", "Org A", end, 5, "theft", NULL, 1);
    add(l, "id-4", "Org A", end + 86400, 5, "theft", NULL, 2); /* October */
    add(l, "id-4", "Org A", end, 5, "theft", NULL, 3);
    add(l, "id-5", "Org A", end, 5, "theft", NULL, 1);
    add(l, "id-6", "Org A", T0, 5, "ICE", IMM, 1);
    o = finish(l);
    CHECK_INT(o.searches, 3);
    CHECK_INT(cell(l, "Org A", "2025-09", "all"), 3);
    CHECK_INT(cell(l, "Org A", "2025-10", "all"), 1);
    CHECK_INT(cell(l, "Org A", "2025-09", IMM), 1);
    sl_links_free(l);

    /* a row kept without its cell: "all" is not known, the categories still are */
    l = sl_links_new(NULL);
    add(l, "id-7", "Org A", T0, 5, "ICE", IMM, 1);
    const row_spec r = {"id-8", "Org A", "theft", T0, 5, SL_TIME_NONE, SL_TIME_NONE};
    sl_search q = make(&r);
    CHECK_INT(sl_links_add(l, &q, sl_row_key(&q), NULL, 0, 1, 0, 6), SL_OK);
    o = finish(l);
    CHECK_INT(o.searches, 2);
    CHECK_INT(cell(l, "Org A", "2025-09", "all"), UINT64_MAX);
    CHECK_INT(cell(l, "Org A", "2025-09", IMM), 1);
    sl_links_free(l);

    /* a search of many copies in one cell counts once there */
    l = sl_links_new(NULL);
    for (int i = 0; i < 5000; i++) add(l, "id-9", "Org A", T0, 5, "ICE", IMM, (uint32_t)i + 1);
    o = finish(l);
    CHECK_INT(o.searches, 1);
    CHECK_INT(cell(l, "Org A", "2025-09", IMM), 1);
    sl_links_free(l);
}

/* Past the most rows, or past SL_LINKS_CATS categories, the linking gives up. */
static void test_caps(void) {
    sl_links *l = sl_links_new(NULL);
    sl_links_set_max_rows(l, 3);
    for (int i = 0; i < 3; i++) add(l, NULL, "Alder Creek CA PD", T0 + i, 5, "x", NULL, 1);
    CHECK_INT(sl_links_gave_up(l), SL_LINKS_LINKING);
    add(l, NULL, "Alder Creek CA PD", T0 + 9, 5, "x", NULL, 1);
    CHECK_INT(sl_links_gave_up(l), SL_LINKS_TOO_MANY_ROWS);
    sl_links_result o = finish(l);
    CHECK_INT(o.searches, 0);
    CHECK_INT(o.rows, 0);
    sl_links_free(l);

    l = sl_links_new(NULL);
    static char names[SL_LINKS_CATS + 1][16];
    for (int i = 0; i <= SL_LINKS_CATS; i++) {
        snprintf(names[i], sizeof names[i], "c%d", i);
        add(l, NULL, "Alder Creek CA PD", T0 + i, 5, "x", names[i], 1);
        if (i < SL_LINKS_CATS) CHECK_INT(sl_links_gave_up(l), SL_LINKS_LINKING);
    }
    CHECK_INT(sl_links_gave_up(l), SL_LINKS_TOO_MANY_CATS);
    sl_links_free(l);
}

static int cmp_u64(const void *a, const void *b) {
    const uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return (x > y) - (x < y);
}

/* A release large enough for the radix sort: searches in an organization audit with IDs,
 * copies in two network audits without, one in three run twice in one second by one
 * organization (refused), and a file with a row repeated; counted here by construction. */
static void test_large(int in_place) {
    sl_links *l = sl_links_new(NULL);
    sl_links_set_in_place(l, in_place);
    const int n = 30000;
    uint64_t want = 0, want_refused = 0, want_imm = 0;
    char id[32], reason[32];
    for (int i = 0; i < n; i++) {
        const int64_t t = T0 + 2 * i;
        const char *cat = i % 7 == 0 ? IMM : NULL;
        snprintf(id, sizeof id, "id-%d", i);
        snprintf(reason, sizeof reason, "case %d", i);
        if (i % 3 == 0) { /* a second search in the same second, only in network audits */
            add(l, NULL, "Org A", t, 9, "other", NULL, 2);
            add(l, NULL, "Org A", t, 9, "other", NULL, 3);
        }
        add(l, id, "Org A", t, 9, reason, cat, 1);
        add(l, NULL, "Org A", t, 9, reason, cat, 2);
        if (i % 2) add(l, NULL, "Org A", t, 9, reason, NULL, 3);
        if (i % 1000 == 0) add(l, NULL, "Org A", t, 9, reason, NULL, 3); /* repeated row */
        /* searches: this one; and for i % 3 == 0 the other, whose rows are refused along with
         * this one's rows without an ID, each counted alone */
        if (i % 3 == 0) {
            uint64_t copies = 1 + (i % 2) + (i % 1000 == 0); /* this search, no ID */
            want_refused += 2 + copies;
            want += 1 + 2 + copies;
            want_imm += cat ? 2 : 0; /* the ID row and the source-2 copy, now apart */
        } else {
            want += 1;
            want_imm += cat ? 1 : 0;
        }
    }
    sl_links_result o = finish(l);
    CHECK_INT(o.searches, want);
    CHECK_INT(o.refused, want_refused);
    /* the flagged rows' searches: the i % 7 == 0 searches' ID row and source-2 copy, in that
     * order; one search unless the key was refused (i % 3 == 0); no two searches one number */
    CHECK_INT(o.flagged, 2 * (uint64_t)((n + 6) / 7));
    int same_bad = 0, range_bad = 0;
    uint64_t *nums = calloc(o.flagged ? o.flagged : 1, sizeof *nums);
    size_t nn = 0;
    for (int i = 0, k = 0; i < n && o.search_of; i += 7, k += 2) {
        const uint64_t a = o.search_of[k], b = o.search_of[k + 1];
        if ((a == b) != (i % 3 != 0)) same_bad++;
        if (!a || !b || a > o.searches || b > o.searches) range_bad++;
        nums[nn++] = a;
        if (a != b) nums[nn++] = b;
    }
    CHECK_INT(same_bad, 0);
    CHECK_INT(range_bad, 0);
    qsort(nums, nn, sizeof *nums, cmp_u64);
    size_t dup = 0;
    for (size_t i = 1; i < nn; i++) dup += nums[i] == nums[i - 1];
    CHECK_INT(dup, 0);
    free(nums);
    CHECK_INT(o.refused_keys, (uint64_t)(n + 2) / 3);
    CHECK_INT(o.by_id, (uint64_t)n);
    CHECK_INT(cat_searches(&o, IMM), want_imm);
    sl_links_free(l);
}

/* Rows of every kind for the spill test: IDs in one source and copies without in others, keys
 * refused, rows repeated, rows without a key (with an ID and without), two categories, and
 * sources closed as duplicates (one of them large enough to spill part of its rows). */
static void fill_mixed(sl_links *l, int n) {
    char id[32], reason[32];
    uint32_t src = 1;
    for (int block = 0; block < 4; block++) {
        const int keep = block != 2;
        sl_links_open(l);
        for (int i = block * n / 4; i < (block + 1) * n / 4; i++) {
            const int64_t t = T0 + 300 * i; /* three months */
            const char *cat = i % 7 == 0 ? IMM : i % 5 == 0 ? VAGUE : NULL;
            snprintf(id, sizeof id, "id-%d", keep ? i : i % 50);
            snprintf(reason, sizeof reason, "case %d", i);
            if (i % 3 == 0) add(l, NULL, "Org A", t, 9, "other", NULL, src + 1);
            add(l, id, "Org A", t, 9, reason, cat, src);
            add(l, NULL, "org  a", t, 9, reason, cat, src + 1);
            if (i % 2) add(l, NULL, "Org A", t, 9, reason, NULL, src + 2);
            if (i % 100 == 1) add(l, NULL, "Org A", t, 9, reason, VAGUE, src + 2); /* twice */
            if (i % 11 == 0) add(l, NULL, NULL, t, 9, "x", VAGUE, src + 3); /* no key, no ID */
            if (i % 13 == 0) add(l, id, NULL, t, 9, "x", NULL, src + 3);   /* no key, an ID */
        }
        CHECK_INT(sl_links_close(l, keep), SL_OK);
        src += 4;
    }
}

static void same_result(const sl_links_result *a, const sl_links_result *b) {
    CHECK_INT(a->rows, b->rows);
    CHECK_INT(a->searches, b->searches);
    CHECK_INT(a->by_id, b->by_id);
    CHECK_INT(a->by_key, b->by_key);
    CHECK_INT(a->no_key, b->no_key);
    CHECK_INT(a->refused, b->refused);
    CHECK_INT(a->refused_keys, b->refused_keys);
    CHECK_INT(a->several, b->several);
    CHECK_INT(a->several_rows, b->several_rows);
    CHECK_INT(a->repeats, b->repeats);
    CHECK_INT(a->flagged, b->flagged);
    CHECK_INT(a->ncats, b->ncats);
    CHECK_INT(a->nsources, b->nsources);
    size_t diff = 0;
    for (uint64_t i = 0; i < a->flagged && i < b->flagged && a->search_of && b->search_of; i++)
        diff += a->search_of[i] != b->search_of[i];
    CHECK_INT(diff, 0);
    diff = 0;
    for (size_t i = 0; i < a->ncats && i < b->ncats; i++)
        diff += strcmp(a->cats[i].category, b->cats[i].category) ||
                a->cats[i].rows != b->cats[i].rows || a->cats[i].searches != b->cats[i].searches;
    CHECK_INT(diff, 0);
    diff = 0;
    for (uint32_t i = 0; i < a->nsources && i < b->nsources; i++)
        diff += a->source_rows[i] != b->source_rows[i] ||
                a->source_repeats[i] != b->source_repeats[i];
    CHECK_INT(diff, 0);
}

static int dir_entries(const char *dir) {
    DIR *d = opendir(dir);
    int n = 0;
    if (!d) return -1;
    for (struct dirent *e; (e = readdir(d));) n += strcmp(e->d_name, ".") && strcmp(e->d_name, "..");
    closedir(d);
    return n;
}

/* The rows spilled (a few hundred rows in memory at a time, so that both the key partitions
 * and the search partitions hold many) give what memory gives, and leave no file behind. */
static void test_spill(void) {
    char dir[] = "/tmp/test_links_XXXXXX";
    CHECK(mkdtemp(dir) != NULL);
    char path[64];
    snprintf(path, sizeof path, "%s/db", dir);
    const int n = 24000;
    sl_links *mem = sl_links_new(NULL);
    fill_mixed(mem, n);
    sl_links_result a = finish(mem);
    CHECK(a.searches > 10000 && a.refused_keys > 0 && a.repeats > 0 && a.no_key > 0);
    CHECK(a.several > 0 && a.by_key > 0);
    for (int in_place = 0; in_place < 2; in_place++) {
        sl_links *sp = sl_links_new(path);
        sl_links_set_memory(sp, in_place ? 5000 : 700);
        sl_links_set_in_place(sp, in_place);
        fill_mixed(sp, n);
        CHECK_INT(dir_entries(dir), 0); /* the spill files were unlinked when made */
        sl_links_result b = finish(sp);
        CHECK_INT(sl_links_gave_up(sp), SL_LINKS_LINKING);
        same_result(&a, &b);
        static const char *const orgs[] = {"Org A", "org  a", ""};
        static const char *const months[] = {"2025-09", "2025-10", "2025-11"};
        const char *const cats[] = {IMM, VAGUE, "all"};
        size_t diff = 0, some = 0;
        for (int i = 0; i < 3; i++)
            for (int j = 0; j < 3; j++)
                for (int k = 0; k < 3; k++) {
                    diff += cell(mem, orgs[i], months[j], cats[k]) != cell(sp, orgs[i], months[j], cats[k]);
                    some += cell(mem, orgs[i], months[j], cats[k]) > 0;
                }
        CHECK_INT(diff, 0);
        CHECK(some >= 14);
        diff = some = 0;
        for (int k = 0; k < 3; k++)
            for (unsigned rb = 0; rb < SL_LINKS_REACH; rb++) {
                diff += reach_of(mem, cats[k], rb) != reach_of(sp, cats[k], rb);
                some += reach_of(mem, cats[k], rb) > 0;
            }
        CHECK_INT(diff, 0);
        CHECK(some >= 3);
        sl_links_free(sp);
    }
    sl_links_free(mem);

    /* without a spill path, rows past memory are too many */
    sl_links *l = sl_links_new(NULL);
    sl_links_set_memory(l, 10);
    for (int i = 0; i < 11; i++) add(l, NULL, "Org A", T0 + i, 5, "x", NULL, 1);
    CHECK_INT(sl_links_gave_up(l), SL_LINKS_TOO_MANY_ROWS);
    sl_links_free(l);

    /* a spill file that cannot be made: the linking gives up and says why */
    snprintf(path, sizeof path, "%s/missing/db", dir);
    l = sl_links_new(path);
    sl_links_set_memory(l, 10);
    for (int i = 0; i < 11; i++) add(l, NULL, "Org A", T0 + i, 5, "x", NULL, 1);
    CHECK_INT(sl_links_gave_up(l), SL_LINKS_SPILL_FAILED);
    CHECK_INT(sl_links_spill_errno(l), ENOENT);
    sl_links_result o = finish(l);
    CHECK_INT(o.searches, 0);
    sl_links_free(l);

    /* a spill file that cannot be written past its first blocks (a full disk, as a file size
     * limit makes it): the linking gives up, says why, and nothing is left behind */
    snprintf(path, sizeof path, "%s/db", dir);
    struct rlimit old, lim;
    CHECK_INT(getrlimit(RLIMIT_FSIZE, &old), 0);
    lim = old;
    lim.rlim_cur = 64 << 10; /* blocks are 32 KiB, written once a partition has 1,024 rows */
    void (*was)(int) = signal(SIGXFSZ, SIG_IGN);
    l = sl_links_new(path);
    sl_links_set_memory(l, 1000);
    if (setrlimit(RLIMIT_FSIZE, &lim) == 0) {
        char id[32];
        for (int i = 0; i < 1000000 && sl_links_gave_up(l) == SL_LINKS_LINKING; i++) {
            snprintf(id, sizeof id, "id-%d", i);
            add(l, id, "Org A", T0 + i, 5, "x", i % 3 ? NULL : IMM, 1);
        }
        setrlimit(RLIMIT_FSIZE, &old);
        CHECK_INT(sl_links_gave_up(l), SL_LINKS_SPILL_FAILED);
        CHECK_INT(sl_links_spill_errno(l), EFBIG);
        o = finish(l);
        CHECK_INT(o.searches, 0);
        CHECK(o.search_of == NULL);
    }
    sl_links_free(l);
    signal(SIGXFSZ, was);
    CHECK_INT(dir_entries(dir), 0);
    CHECK_INT(rmdir(dir), 0);
}

int main(void) {
    tc = sl_counts_new();
    CHECK(tc != NULL);
    if (!tc) TEST_END();
    test_by_id();
    test_by_key();
    test_tags();
    test_same_source();
    test_two_ids();
    test_key_parts();
    test_no_key();
    test_categories();
    test_cells();
    test_reach();
    test_staging();
    test_caps();
    test_large(0);
    test_large(1);
    test_spill();
    sl_counts_free(tc);
    TEST_END();
}
