/* schema.c: finds each field's column by header name (never by position), tells the kind of
 * export from the header and file name, and turns a data row into an sl_search with per-field
 * cell states, parsed times and counts. sl_search_from_row runs on every row: no allocation. */
#include "schema.h"

#include "cell.h"
#include "timeparse.h"

#include <stdlib.h>
#include <string.h>

const char *sl_kind_name(sl_kind k)
{
    switch (k) {
    case SL_KIND_UNKNOWN: return "unknown";
    case SL_KIND_AUDIT: return "audit";
    case SL_KIND_NETWORK_AUDIT: return "network_audit";
    case SL_KIND_ORG_AUDIT: return "org_audit";
    case SL_KIND_PORTAL: return "portal";
    case SL_KIND_EVENT_LOG: return "event_log";
    case SL_KIND_AGENCY_LIST: return "agency_list";
    case SL_KIND_ROSTER: return "roster";
    case SL_KIND_SHARED_NETWORKS: return "shared_networks";
    case SL_KIND_DOCUMENT: return "document";
    case SL_KIND__COUNT: break;
    }
    return "unknown";
}

int sl_kind_is_reference(sl_kind k)
{
    return k == SL_KIND_AGENCY_LIST || k == SL_KIND_ROSTER || k == SL_KIND_SHARED_NETWORKS;
}

/* ---- header names ---------------------------------------------------------------------- */

/* Header cell as found, minus a UTF-8 BOM, white space, NBSP and wrapping quotes. */
static sl_slice clean_name(sl_slice s)
{
    if (s.len >= 3 && memcmp(s.p, "\xEF\xBB\xBF", 3) == 0) {
        s.p += 3;
        s.len -= 3;
    }
    s = sl_trim(s);
    while (s.len >= 2 && ((s.p[0] == '"' && s.p[s.len - 1] == '"') ||
                          (s.p[0] == '\'' && s.p[s.len - 1] == '\''))) {
        s.p++;
        s.len -= 2;
        s = sl_trim(s);
    }
    return s;
}

#define KEY_MAX 48

/* Comparison key: lower-case letters and digits only ("Org_Name", " org name", "OrgName" ->
 * "orgname"). Returns the key length; 0 when blank or too long to be a known name. */
static size_t name_key(sl_slice s, char key[KEY_MAX])
{
    size_t n = 0;
    for (size_t i = 0; i < s.len; i++) {
        unsigned char c = (unsigned char)s.p[i];
        if (!sl_isalnum(c)) continue;
        if (n == KEY_MAX) return 0;
        key[n++] = (char)sl_tolower(c);
    }
    return n;
}

typedef struct {
    const char *key;
    sl_field f;
} alias;

/* Keys after name_key(). "searchdate" is handled apart (it is a date when a separate
 * "Search Time" column exists). */
static const alias ALIASES[] = {
    {"id", SL_F_ID},
    {"searchid", SL_F_ID},
    {"uuid", SL_F_ID},
    {"name", SL_F_NAME},
    {"user", SL_F_NAME},
    {"username", SL_F_NAME},
    {"officer", SL_F_NAME},
    {"officername", SL_F_NAME},
    {"userid", SL_F_USER_ID},
    {"orgname", SL_F_ORG},
    {"org", SL_F_ORG},
    {"organization", SL_F_ORG},
    {"organisation", SL_F_ORG},
    {"organizationname", SL_F_ORG},
    {"agency", SL_F_ORG},
    {"agencyname", SL_F_ORG},
    {"totalnetworkssearched", SL_F_NETWORKS},
    {"networkssearched", SL_F_NETWORKS},
    {"networkcount", SL_F_NETWORKS},
    {"totalnetworks", SL_F_NETWORKS},
    {"networks", SL_F_NETWORKS},
    {"totaldevicessearched", SL_F_DEVICES},
    {"devicessearched", SL_F_DEVICES},
    {"cameracount", SL_F_DEVICES},
    {"camerascount", SL_F_DEVICES},
    {"camerassearched", SL_F_DEVICES},
    {"devicecount", SL_F_DEVICES},
    {"totaldevices", SL_F_DEVICES},
    {"devices", SL_F_DEVICES},
    {"timeframe", SL_F_TIME_FRAME},
    {"timeframestart", SL_F_TF_START},
    {"timeframeend", SL_F_TF_END},
    {"licenseplate", SL_F_PLATE},
    {"licenseplates", SL_F_PLATE},
    {"licenceplate", SL_F_PLATE},
    {"plate", SL_F_PLATE},
    {"plates", SL_F_PLATE},
    {"platenumber", SL_F_PLATE},
    {"lpr", SL_F_PLATE},
    {"reason", SL_F_REASON},
    {"reason1", SL_F_REASON},
    {"searchreason", SL_F_REASON},
    {"reasonforsearch", SL_F_REASON},
    {"case", SL_F_CASE},
    {"casenumber", SL_F_CASE},
    {"caseno", SL_F_CASE},
    {"casenum", SL_F_CASE},
    {"offensetype", SL_F_OFFENSE},
    {"offense", SL_F_OFFENSE},
    {"filters", SL_F_FILTERS},
    {"filter", SL_F_FILTERS},
    {"searchtime", SL_F_SEARCH_TIME},
    {"searchdatetime", SL_F_SEARCH_TIME},
    {"searchtimestamp", SL_F_SEARCH_TIME},
    {"timestamp", SL_F_SEARCH_TIME},
    {"searchtype", SL_F_SEARCH_TYPE},
    {"textprompt", SL_F_TEXT_PROMPT},
    {"testprompt", SL_F_TEXT_PROMPT},
    {"moderation", SL_F_MODERATION},
};

static int key_is(const char *key, size_t n, const char *z)
{
    return strlen(z) == n && memcmp(key, z, n) == 0;
}

static int lookup_alias(const char *key, size_t n, sl_field *f)
{
    for (size_t i = 0; i < SL_ARRAY_LEN(ALIASES); i++) {
        if (key_is(key, n, ALIASES[i].key)) {
            *f = ALIASES[i].f;
            return 1;
        }
    }
    return 0;
}

/* Portal exports write camelCase names with no separators ("searchDate", "networkCount"). */
static int is_portal_name(sl_slice s)
{
    static const char *const names[] = {"searchDate", "networkCount", "cameraCount", "userId"};
    for (size_t i = 0; i < SL_ARRAY_LEN(names); i++)
        if (sl_slice_eq(s, names[i])) return 1;
    return 0;
}

/* Network or organization audit, from the file name's last path component. "network"
 * anywhere; "org" only as a whole word or "organization"/"orgaudit" (so "Georgia" is not). */
static sl_kind kind_from_filename(const char *path)
{
    if (!path) return SL_KIND_AUDIT;
    const char *base = sl_path_base(path);
    char low[256];
    size_t n = 0;
    for (; base[n] && n < sizeof low - 1; n++) low[n] = (char)sl_tolower((unsigned char)base[n]);
    low[n] = '\0';
    if (strstr(low, "network")) return SL_KIND_NETWORK_AUDIT;
    for (size_t i = 0; i < n;) {
        if (!sl_isalpha((unsigned char)low[i])) {
            i++;
            continue;
        }
        size_t j = i;
        while (j < n && sl_isalpha((unsigned char)low[j])) j++;
        size_t w = j - i;
        const char *s = low + i;
        if ((w == 3 && memcmp(s, "org", 3) == 0) || (w == 4 && memcmp(s, "orgs", 4) == 0) ||
            (w >= 12 && (memcmp(s, "organization", 12) == 0 || memcmp(s, "organisation", 12) == 0)) ||
            (w >= 8 && memcmp(s, "orgaudit", 8) == 0))
            return SL_KIND_ORG_AUDIT;
        i = j;
    }
    return SL_KIND_AUDIT;
}

void sl_schema_clear(sl_schema *s)
{
    if (!s) return;
    size_t stored = s->ncols < SL_SCHEMA_MAX_COLS ? s->ncols : SL_SCHEMA_MAX_COLS;
    for (size_t i = 0; i < stored; i++) free(s->names[i]);
    memset(s, 0, sizeof *s);
    for (size_t f = 0; f < SL_F_COUNT; f++) s->col[f] = -1;
}

/* Maps header cells to fields. Only the first SL_SCHEMA_MAX_COLS columns are stored and
 * mapped; ncols still tells the full width, and the columns past the cap are unknown.
 * Blank header cells count in `blank`, get the name "" and unknown = 1 (their data is kept
 * like any unknown column's). The previous content of *s is not freed: clear it first. */
/* Columns that tell reference lists (agency registries, rosters, sharing lists) apart. */
enum {
    REF_ORI = 1, REF_AGENCY = 2, REF_LAST = 4, REF_FIRST = 8, REF_EMPLOY = 16,
    REF_ORGNAME = 32, REF_SHARING = 64
};

int sl_schema_from_header(sl_schema *s, const sl_slice *cells, size_t n, const char *filename)
{
    memset(s, 0, sizeof *s);
    for (size_t f = 0; f < SL_F_COUNT; f++) s->col[f] = -1;
    const size_t stored = n < SL_SCHEMA_MAX_COLS ? n : SL_SCHEMA_MAX_COLS;
    s->ncols = n;

    /* A split date + time exists when both "Search Date" and "Search Time" are there. */
    int has_stime = 0, portal = 0;
    unsigned evt = 0; /* event-log columns seen: 1 timestamp, 2 event type, 4 entity type/details */
    unsigned ref = 0; /* reference-list columns seen (REF_*) */
    char key[KEY_MAX];
    for (size_t i = 0; i < stored; i++) {
        size_t kn = name_key(clean_name(cells[i]), key);
        if (key_is(key, kn, "searchtime")) has_stime = 1;
    }

    for (size_t i = 0; i < stored; i++) {
        sl_slice nm = clean_name(cells[i]);
        s->names[i] = sl_strndup(nm.p, nm.len);
        if (!s->names[i]) {
            s->ncols = i; /* what clear must free */
            sl_schema_clear(s);
            return 0;
        }
        s->unknown[i] = 1;
        if (nm.len == 0) {
            s->blank++;
            continue;
        }
        if (is_portal_name(nm)) portal = 1;
        size_t kn = name_key(nm, key);
        if (kn == 0) continue;
        if (key_is(key, kn, "ori") || key_is(key, kn, "orinumber")) ref |= REF_ORI;
        if (key_is(key, kn, "agencyname") || key_is(key, kn, "agency")) ref |= REF_AGENCY;
        if (key_is(key, kn, "lastname") || key_is(key, kn, "surname")) ref |= REF_LAST;
        if (key_is(key, kn, "firstname") || key_is(key, kn, "givenname")) ref |= REF_FIRST;
        if (key_is(key, kn, "employmentdate") || key_is(key, kn, "hiredate") ||
            key_is(key, kn, "departmentname") || key_is(key, kn, "department") ||
            key_is(key, kn, "badge") || key_is(key, kn, "badgenumber") || key_is(key, kn, "rank"))
            ref |= REF_EMPLOY;
        if (key_is(key, kn, "organizationname")) ref |= REF_ORGNAME;
        if (key_is(key, kn, "networkssharedwithme") || key_is(key, kn, "networksimsharing"))
            ref |= REF_SHARING;
        if (key_is(key, kn, "timestamp")) evt |= 1;
        if (key_is(key, kn, "eventtype")) evt |= 2;
        if (key_is(key, kn, "entitytype") || key_is(key, kn, "entitydetails")) evt |= 4;
        sl_field f;
        int ok;
        if (key_is(key, kn, "searchdate")) {
            ok = 1;
            f = has_stime ? SL_F_SEARCH_DATE : SL_F_SEARCH_TIME;
        } else {
            ok = lookup_alias(key, kn, &f);
        }
        if (ok && s->col[f] >= 0) s->repeats[i] = (unsigned char)(f + 1); /* the first one wins */
        if (!ok || s->col[f] >= 0) continue;
        s->col[f] = (int)i;
        s->unknown[i] = 0;
        s->mapped++;
    }

    int is_time = s->col[SL_F_SEARCH_TIME] >= 0 || s->col[SL_F_SEARCH_DATE] >= 0;
    unsigned others = s->mapped;
    if (s->col[SL_F_SEARCH_TIME] >= 0) others--;
    if (s->col[SL_F_SEARCH_DATE] >= 0) others--;
    if (evt == 7) {
        s->kind = SL_KIND_EVENT_LOG;
    } else if (is_time && others >= 2) {
        s->kind = portal ? SL_KIND_PORTAL : kind_from_filename(filename);
    } else if ((ref & (REF_ORI | REF_AGENCY)) == (REF_ORI | REF_AGENCY)) {
        s->kind = SL_KIND_AGENCY_LIST;
    } else if ((ref & (REF_LAST | REF_FIRST | REF_EMPLOY)) == (REF_LAST | REF_FIRST | REF_EMPLOY)) {
        s->kind = SL_KIND_ROSTER;
    } else if ((ref & (REF_ORGNAME | REF_SHARING)) == (REF_ORGNAME | REF_SHARING)) {
        s->kind = SL_KIND_SHARED_NETWORKS;
    } else {
        sl_schema_clear(s);
        return 0;
    }
    return 1;
}

int sl_schema_is_header_again(const sl_schema *s, const sl_slice *cells, size_t n)
{
    const size_t stored = s->ncols < SL_SCHEMA_MAX_COLS ? s->ncols : SL_SCHEMA_MAX_COLS;
    /* At least 80% of the non-blank names must match. The allowance grows with the count of
     * non-blank names, so the allowance for all `stored` bounds it: a data row stops after a
     * few misses, before the names are even counted. */
    const size_t allowed_max = stored - (stored * 4 + 4) / 5;
    size_t nonblank = 0, miss = 0;
    for (size_t i = 0; i < stored; i++) {
        const char *nm = s->names[i];
        if (!nm || !nm[0]) continue;
        nonblank++;
        int same = 0;
        /* Cheap refusal first: a plain cell (no BOM, quote or space at its start) keeps its
         * first byte through clean_name, so it must begin with the name's first letter. */
        if (i < n && cells[i].len) {
            unsigned char c0 = (unsigned char)cells[i].p[0];
            int plain = c0 > ' ' && c0 < 0x80 && c0 != '"' && c0 != '\'';
            if (!plain || sl_tolower(c0) == sl_tolower((unsigned char)nm[0]))
                same = sl_slice_ieq(clean_name(cells[i]), nm);
        }
        if (!same && ++miss > allowed_max) return 0;
    }
    if (nonblank == 0) return 0;
    return miss <= nonblank - (nonblank * 4 + 4) / 5;
}

/* Appends up to m bytes of p at out[*len], never past lim; returns 0 once lim is reached. */
static int put(char *out, size_t *len, size_t lim, const char *p, size_t m)
{
    for (size_t i = 0; i < m; i++) {
        if (*len >= lim) return 0;
        unsigned char c = (unsigned char)p[i];
        out[(*len)++] = (char)(c < 0x20 || c == 0x7F ? ' ' : c);
    }
    return 1;
}

void sl_schema_describe_row(const sl_slice *cells, size_t n, char *out, size_t cap)
{
    if (!out || cap == 0) return;
    char tail[40];
    sl_fmt(tail, sizeof tail, " (%zu cell%s)", n, n == 1 ? "" : "s");
    size_t tl = strlen(tail);
    if (cap <= tl + 10) {
        sl_fmt(out, cap, "%s", tail + 1);
        return;
    }
    if (n == 0) {
        sl_fmt(out, cap, "found:%s", tail);
        return;
    }
    const size_t lim = cap - 1 - tl; /* body bytes, leaving room for the tail and NUL */
    size_t len = 0;
    int ok = put(out, &len, lim, "found: ", 7);
    const size_t show = n < 8 ? n : 8;
    for (size_t i = 0; ok && i < show; i++) {
        sl_slice c = sl_trim(cells[i]);
        size_t m = c.len > 40 ? 40 : c.len;
        /* Do not cut a UTF-8 sequence in half. */
        while (m > 0 && m < c.len && ((unsigned char)c.p[m] & 0xC0) == 0x80) m--;
        ok = (i == 0 || put(out, &len, lim, ", ", 2)) && put(out, &len, lim, "\"", 1) &&
             put(out, &len, lim, c.p, m) && (m == c.len || put(out, &len, lim, "...", 3)) &&
             put(out, &len, lim, "\"", 1);
    }
    if (ok && show < n) ok = put(out, &len, lim, ", ...", 5);
    if (!ok && len >= 3) {
        /* Cut: mark it, and back off any half UTF-8 sequence. */
        len -= 3;
        while (len > 0 && ((unsigned char)out[len] & 0xC0) == 0x80) len--;
        memcpy(out + len, "...", 3);
        len += 3;
    }
    memcpy(out + len, tail, tl + 1);
}

/* ---- rows ------------------------------------------------------------------------------ */

/* A non-negative count: "1234", "1,234" (groups of three), "12.0". */
static int parse_count(const char *p, size_t n, int64_t *out)
{
    size_t i = 0, group = 0, ndig = 0;
    int commas = 0;
    int64_t v = 0;
    for (; i < n; i++) {
        unsigned char c = (unsigned char)p[i];
        if (sl_isdigit(c)) {
            if (++ndig > 18) return 0;
            v = v * 10 + (c - '0');
            group++;
        } else if (c == ',') {
            if (group == 0 || group > 3 || (commas && group != 3)) return 0;
            commas = 1;
            group = 0;
        } else break;
    }
    if (ndig == 0 || (commas && group != 3)) return 0;
    if (i < n) {
        if (p[i] != '.' || i + 1 == n) return 0;
        for (i++; i < n; i++)
            if (p[i] != '0') return 0;
    }
    *out = v;
    return 1;
}

static int is_value(const sl_search *r, sl_field f) { return r->f[f].st == SL_CELL_VALUE; }

/* Whether all 8 bytes of w are ASCII hex digits, 8 at a time: lower-cased by setting bit 5
 * (digits have it already), each byte then in [0x30, 0x39] or [0x61, 0x66]. Adding 0x80 - k
 * to a byte below 0x80 sets its top bit exactly when it is >= k, without carries. */
static int hex8(uint64_t w)
{
    const uint64_t ones = UINT64_C(0x0101010101010101), top = ones * 0x80;
    if (w & top) return 0;
    uint64_t y = w | ones * 0x20;
    uint64_t ge30 = y + ones * (0x80 - 0x30), ge3a = y + ones * (0x80 - 0x3a);
    uint64_t ge61 = y + ones * (0x80 - 0x61), ge67 = y + ones * (0x80 - 0x67);
    uint64_t ok = (ge30 & ~ge3a) | (ge61 & ~ge67);
    return (ok & top) == top;
}

/* "5869ce7e-98f2-47e7-a3c2-5e6bff4def4a": 8-4-4-4-12 hex digits. On every row: the 36 bytes
 * are read as five overlapping words straight from the cell, the four dashes replaced by '0'
 * inside the words (a copy patched byte by byte would stall the word loads), and the 32 digits
 * checked 8 at a time. */
static int is_uuid(const char *p, size_t n)
{
    if (n != 36 || p[8] != '-' || p[13] != '-' || p[18] != '-' || p[23] != '-') return 0;
    uint64_t w0, w1, w2, w3, w4;
    memcpy(&w0, p, 8);      /* bytes 0-7 */
    memcpy(&w1, p + 8, 8);  /* 8-15: dashes at 8 and 13 */
    memcpy(&w2, p + 16, 8); /* 16-23: dashes at 18 and 23 */
    memcpy(&w3, p + 24, 8);
    memcpy(&w4, p + 28, 8);
    /* The masks are built from bytes, so they pick the dash positions in either byte order. */
    static const unsigned char m1b[8] = {0xFF, 0, 0, 0, 0, 0xFF, 0, 0};
    static const unsigned char m2b[8] = {0, 0, 0xFF, 0, 0, 0, 0, 0xFF};
    uint64_t m1, m2;
    memcpy(&m1, m1b, 8);
    memcpy(&m2, m2b, 8);
    const uint64_t zeros = UINT64_C(0x3030303030303030);
    w1 = (w1 & ~m1) | (zeros & m1);
    w2 = (w2 & ~m2) | (zeros & m2);
    return hex8(w0) & hex8(w1) & hex8(w2) & hex8(w3) & hex8(w4);
}

/* A time column's cell: a timestamp, or a number of seconds or milliseconds since 1970 (as
 * JSON from an API gives it) or an Excel serial (a workbook saved as CSV with the column
 * formatted as a number), which only a column named as a time can be read as. */
static int time_cell(const sl_cell *c, int64_t *out)
{
    return sl_time_parse(c->p, c->len, out) || sl_time_parse_epoch(c->p, c->len, out) ||
           sl_time_parse_serial(c->p, c->len, out);
}

/* Field-specific parse of a present cell. A cell that parses is a value, which spares the
 * redaction scan on the hot path; one that does not is classified, and a VALUE that failed
 * to parse is marked bad. The split search date is handled apart (parse_split_time). */
static inline __attribute__((always_inline)) void parse_field(const sl_schema *s, sl_search *r,
                                                               sl_field f)
{
    sl_cell *c = &r->f[f];
    int ok = 0;
    switch (f) {
    case SL_F_ID:
        ok = is_uuid(c->p, c->len);
        if (ok) { /* how sl_row_key begins (36 bytes: under its 64-byte cut) */
            r->key_early = sl_fnv1a_lower(SL_FNV_BASIS ^ 1, c->p, c->len);
            r->key_early_p = c->p;
        }
        break;
    case SL_F_NETWORKS: ok = parse_count(c->p, c->len, &r->networks); break;
    case SL_F_DEVICES: ok = parse_count(c->p, c->len, &r->devices); break;
    case SL_F_TIME_FRAME: ok = sl_timeframe_parse(c->p, c->len, &r->tf_start, &r->tf_end); break;
    case SL_F_TF_START:
        if (s->col[SL_F_TIME_FRAME] < 0) ok = time_cell(c, &r->tf_start);
        break;
    case SL_F_TF_END:
        if (s->col[SL_F_TIME_FRAME] < 0) ok = time_cell(c, &r->tf_end);
        break;
    case SL_F_SEARCH_TIME:
        if (s->col[SL_F_SEARCH_DATE] < 0) ok = time_cell(c, &r->search_time);
        break;
    default: break;
    }
    if (ok) {
        c->st = SL_CELL_VALUE;
        return;
    }
    /* The memo is a cache inside the schema; writing it changes no result. */
    c->st = sl_cell_classify_memo((sl_cell_memo *)&s->memo, f, c->p, c->len);
    if (c->st != SL_CELL_VALUE) return;
    switch (f) {
    case SL_F_NETWORKS:
    case SL_F_DEVICES:
    case SL_F_TIME_FRAME:
        r->bad |= 1u << f;
        break;
    case SL_F_TF_START:
    case SL_F_TF_END:
        if (s->col[SL_F_TIME_FRAME] < 0) r->bad |= 1u << f;
        break;
    case SL_F_SEARCH_TIME:
        if (s->col[SL_F_SEARCH_DATE] < 0) r->bad |= 1u << f;
        break;
    default: break;
    }
}

/* Split "Search Date" + "Search Time" (time of day), after both cells are classified. */
static void parse_split_time(sl_search *r)
{
    const sl_cell *t = &r->f[SL_F_SEARCH_TIME];
    const sl_cell *d = &r->f[SL_F_SEARCH_DATE];
    int64_t v;
    /* A full timestamp in the time column stands on its own. */
    if (is_value(r, SL_F_SEARCH_TIME) && sl_time_parse(t->p, t->len, &v)) {
        r->search_time = v;
        return;
    }
    int date_ok = 0;
    if (is_value(r, SL_F_SEARCH_DATE)) {
        date_ok = sl_time_parse_split(d->p, d->len, "0:00", 4, &v);
        if (!date_ok) r->bad |= 1u << SL_F_SEARCH_DATE;
    }
    if (!is_value(r, SL_F_SEARCH_TIME)) return;
    if (date_ok && sl_time_parse_split(d->p, d->len, t->p, t->len, &r->search_time)) return;
    /* Tell whether the time of day itself is unreadable, whatever the date. */
    if (!sl_time_parse_split("2000-01-01", 10, t->p, t->len, &v)) r->bad |= 1u << SL_F_SEARCH_TIME;
}

/* sl_trim, skipped when both ends are printable ASCII (nearly every cell). */
static inline sl_slice trim_cell(sl_slice c)
{
    if (!c.len) return c;
    unsigned char a = (unsigned char)c.p[0], b = (unsigned char)c.p[c.len - 1];
    if (a > ' ' && a < 0x80 && b > ' ' && b < 0x80) return c;
    return sl_trim(c);
}

/* One field of a row. Inlined once per field with f a constant, so the switches in
 * parse_field fold away: a jump table indexed by the field mispredicts on every cell. */
static inline __attribute__((always_inline)) void row_field(const sl_schema *s, const sl_slice *cells,
                                                            size_t n, sl_search *out, sl_field f)
{
    sl_cell *c = &out->f[f];
    const int col = s->col[f];
    if (col < 0) {
        c->p = "";
        c->len = 0;
        c->st = SL_CELL_ABSENT;
    } else if ((size_t)col >= n) {
        c->p = "";
        c->len = 0;
        c->st = SL_CELL_EMPTY;
    } else {
        sl_slice t = trim_cell(cells[col]);
        c->p = t.p ? t.p : "";
        c->len = t.len;
        if (!t.len) c->st = SL_CELL_EMPTY; /* what parse_field would decide, the long way */
        else parse_field(s, out, f);
    }
}

void sl_search_from_row(const sl_schema *s, const sl_slice *cells, size_t n, sl_search *out)
{
    out->search_time = out->tf_start = out->tf_end = SL_TIME_NONE;
    out->networks = out->devices = -1;
    out->bad = 0;
    out->key_early = 0;
    out->key_early_p = NULL;
    out->invalid_utf8 = 0;
    _Static_assert(SL_F_COUNT == 19, "sl_search_from_row names every field");
    row_field(s, cells, n, out, SL_F_ID);
    row_field(s, cells, n, out, SL_F_NAME);
    row_field(s, cells, n, out, SL_F_USER_ID);
    row_field(s, cells, n, out, SL_F_ORG);
    row_field(s, cells, n, out, SL_F_NETWORKS);
    row_field(s, cells, n, out, SL_F_DEVICES);
    row_field(s, cells, n, out, SL_F_TIME_FRAME);
    row_field(s, cells, n, out, SL_F_TF_START);
    row_field(s, cells, n, out, SL_F_TF_END);
    row_field(s, cells, n, out, SL_F_PLATE);
    row_field(s, cells, n, out, SL_F_REASON);
    row_field(s, cells, n, out, SL_F_CASE);
    row_field(s, cells, n, out, SL_F_OFFENSE);
    row_field(s, cells, n, out, SL_F_FILTERS);
    row_field(s, cells, n, out, SL_F_SEARCH_TIME);
    row_field(s, cells, n, out, SL_F_SEARCH_DATE);
    row_field(s, cells, n, out, SL_F_SEARCH_TYPE);
    row_field(s, cells, n, out, SL_F_TEXT_PROMPT);
    row_field(s, cells, n, out, SL_F_MODERATION);
    if (s->col[SL_F_SEARCH_DATE] >= 0) parse_split_time(out);
}
