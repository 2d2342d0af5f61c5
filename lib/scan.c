/* scan.c: the main job, end to end: inputs -> read -> header mapping -> search rows ->
 * classify -> judge -> store, then the report writers. Owns per-source accounting (every
 * record ends parsed, skipped-and-counted or rejected-with-reason) and the rule that outputs
 * are written whole or not at all. */
#include "classify.h"
#include "eventlog.h"
#include "flagq.h"
#include "infer.h"
#include "mapfile.h"
#include "named.h"
#include "read.h"
#include "release.h"
#include "schema.h"
#include "store.h"
#include "timeparse.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#define DIAG_PER_CODE 20       /* diagnostics kept per source and code; the rest are counted */
#define ORG_SET_CAP 65536      /* distinct organizations tracked per source */
#define MAX_FLAGS 64
#define PROGRESS_EVERY (64u << 20)
#define PROGRESS_ROWS 65536    /* and every so many rows: a workbook's bytes come slowly */
#define INFER_ROWS 50          /* records buffered to recognise a header-less file's columns */
#define PREAMBLE_MAX 10        /* short rows before the header (a title, Excel's "sep=" line) */
#define TALLY_CAP 256          /* names counted exactly per source (for the top few) */

typedef struct {
    char code[48];
    uint64_t seen;
} diag_count;

/* Open-addressing set of organization names for one source (bounded). */
typedef struct {
    uint64_t *hashes; /* 0 = empty slot */
    size_t cap, n;
    int saturated;
} org_set;

/* Exact counts of the first TALLY_CAP distinct names of a source (organizations, users), for
 * "most rows" lists and the dominant organization; later names are only counted as distinct. */
typedef struct {
    char *name[TALLY_CAP];
    size_t len[TALLY_CAP];
    uint64_t rows[TALLY_CAP];
    uint16_t slot[2 * TALLY_CAP]; /* open addressing by the name's hash: index + 1, 0 = empty */
    size_t n;
} tally;

/* A buffered record of a header-less source, replayed once its columns are inferred. */
typedef struct {
    uint64_t record, line;
    uint32_t invalid_utf8;
    size_t ncells;
    char *text;        /* cells back to back, then the first line */
    size_t *len;       /* ncells lengths, then the first line's */
} held_row;

/* What the release checks need to remember of each source until the end. */
typedef struct {
    uint32_t id;
    char kind[48];
    const char *map;   /* the map's name (lives as long as the scan) */
    char fp[34];
    uint64_t shifted;
    const char *truncation;
} src_note;

struct sl_scan {
    sl_scan_opts opts;
    char **paths;
    size_t npaths;
    sl_scan_totals totals;
    char errmsg[512];
    char key_path[4096];
    char *out_real;          /* the output folder, resolved: never read as input */
    int lock_fd;             /* OUT/.sunlight.lock, held while writing there (-1: none) */
    char *lock_path;
    sl_named named;          /* --plate: plates the user named (none: n 0) */
    int hash_thread;         /* plain files hashed on a second thread (with the flag queue's) */
    uint64_t out_skipped;    /* files found inside it and not read */

    /* run state */
    sl_rules *rules;
    sl_matcher *matcher;
    sl_key *key;
    sl_store *store;
    sl_flagged_csv *fcsv;    /* flagged.csv, written as rows are stored */
    sl_flagq *flagq;         /* writes flagged rows to both, maybe on a thread (flagq.h) */
    uint64_t bytes_done, bytes_total, last_progress;
    uint32_t rows_since_progress;
    const char *cur_path;    /* file being read */
    const char *cur_display; /* how that file is cited */
    const char *phase;       /* once every source is read: what the scan is doing */
    sl_status fatal;         /* first error that stops the run */

    /* per-source state */
    sl_buf cite;
    sl_schema schema;
    int have_header, no_header;
    int aside;               /* no log here (a notes sheet, a document): records set aside */
    const char *doc_what;    /* a document: what it was taken for ("a Markdown document"), or NULL */
    int doc_warn;            /* that document may hold a log in a format not read yet */
    const char *doc_tail;    /* said after the document's count (NULL: the format note) */
    char doc_why[96];        /* why it was taken for one, for its message */
    sl_account acc;
    org_set orgs;
    sl_buf const_reason;
    int reason_varies;
    uint64_t reasons_seen;
    diag_count diags[32];
    size_t ndiags;
    uint64_t diag_suppressed;
    uint32_t source_id;
    /* Sources nest (a zip holds members, a workbook holds sheets). Only the innermost source
     * delivers rows; an enclosing one is recorded with its own citation and hash but no rows. */
    unsigned depth;
    unsigned char has_children[32];
    uint32_t open_src[32];   /* ids of the sources open at each depth (a zip, its member...) */
    const char *open_cite[32]; /* and their cites as the reader gave them (valid while open) */
    int in_source;           /* acc holds an open source's counts, not yet in totals */

    /* issue 3: maps, event logs, inference, shifted rows, release checks, descriptions */
    sl_mapfile **maps;
    size_t nmaps;
    const sl_mapfile *map;       /* the map that applied to this source */
    int is_event;
    int is_reference;        /* an agency list, roster or sharing list: rows counted only */
    uint64_t reference_rows; /* of the current source */
    sl_eventlog_cols ev_cols;
    uint64_t events;             /* events parsed in this source */
    int inferring;               /* header-less: buffering records to infer columns */
    held_row held[INFER_ROWS];
    size_t nheld;
    char kind_how[320];
    char given[300];             /* names of a header the reader made (record 0), not found a
                                    log's: quoted if the values do not tell the columns either */
    uint64_t shifted;
    sl_buf shift_scratch;
    sl_slice shift_cells[SL_SCHEMA_MAX_COLS];
    sl_fingerprint fp;
    org_set users;
    tally org_tally, user_tally;
    sl_release *release;
    src_note *notes;
    size_t nnotes, capnotes;
    uint64_t src_warnings;
    uint64_t src_errors;     /* errors about the source being read (reset at each begin) */
};

/* ---- small helpers -------------------------------------------------------------------------- */

static void org_set_clear(org_set *s) {
    if (s->hashes) memset(s->hashes, 0, s->cap * sizeof *s->hashes);
    s->n = 0;
    s->saturated = 0;
}

/* Adds a name by its hash (never 0: 0 marks an empty slot). */
static void org_set_add(org_set *s, uint64_t h) {
    if (s->saturated || !s->hashes) return;
    size_t i = (size_t)h & (s->cap - 1);
    while (s->hashes[i]) {
        if (s->hashes[i] == h) return;
        i = (i + 1) & (s->cap - 1);
    }
    if (s->n + 1 > s->cap / 2) {
        s->saturated = 1; /* counts stop growing: reported as "at least" */
        return;
    }
    s->hashes[i] = h;
    s->n++;
}

static void tally_clear(tally *t) {
    for (size_t i = 0; i < t->n; i++) free(t->name[i]);
    if (t->n) memset(t->slot, 0, sizeof t->slot);
    t->n = 0;
}

/* Counts a row for name p, of hash h. */
static void tally_add(tally *t, uint64_t h, const char *p, size_t n) {
    size_t i = (size_t)h & (SL_ARRAY_LEN(t->slot) - 1);
    while (t->slot[i]) {
        size_t k = t->slot[i] - 1u;
        if (t->len[k] == n && !memcmp(t->name[k], p, n)) {
            t->rows[k]++;
            return;
        }
        i = (i + 1) & (SL_ARRAY_LEN(t->slot) - 1);
    }
    if (t->n == TALLY_CAP) return;
    if (!(t->name[t->n] = sl_strndup(p, n))) return;
    t->len[t->n] = n;
    t->rows[t->n] = 1;
    t->slot[i] = (uint16_t)(t->n + 1);
    t->n++;
}

/* A name into a distinct-count set and its tally, hashed once. */
static void name_seen(org_set *set, tally *t, const char *p, size_t n) {
    uint64_t h = sl_hash_fast(p, n, 0);
    if (!h) h = 1; /* 0 marks an empty slot of the set */
    org_set_add(set, h);
    tally_add(t, h, p, n);
}

/* Indexes of the k names with most rows (ties: first seen). */
static size_t tally_top(const tally *t, size_t *idx, size_t k) {
    size_t m = 0;
    unsigned char used[TALLY_CAP] = {0};
    while (m < k) {
        size_t best = TALLY_CAP;
        for (size_t i = 0; i < t->n; i++)
            if (!used[i] && (best == TALLY_CAP || t->rows[i] > t->rows[best])) best = i;
        if (best == TALLY_CAP) break;
        used[best] = 1;
        idx[m++] = best;
    }
    return m;
}

static void held_clear(sl_scan *s) {
    for (size_t i = 0; i < s->nheld; i++) {
        free(s->held[i].text);
        free(s->held[i].len);
    }
    s->nheld = 0;
}

static void set_err(sl_scan *s, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void set_err(sl_scan *s, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(s->errmsg, sizeof s->errmsg, fmt, ap);
    va_end(ap);
}

/* Cites a file without leaking where it sits on this machine: the part of the path below the
 * argument it was found under, prefixed by that argument as given when the argument was
 * relative, or by the argument's last component when it was absolute. */
static char *display_path(const char *arg, const char *file) {
    size_t alen = strlen(arg);
    while (alen > 1 && arg[alen - 1] == '/') alen--;
    const char *rest = "";
    if (strncmp(file, arg, alen) == 0 && (file[alen] == '/' || file[alen] == '\0'))
        rest = file + alen;
    else
        return sl_strdup(file[0] == '/' ? sl_path_base(file) : file);
    const char *base = arg;
    if (arg[0] == '/') {
        const char *end = arg + alen;
        const char *q = end;
        while (q > arg && q[-1] != '/') q--;
        base = q;
        alen = (size_t)(end - q);
        if (alen == 0) { /* the root folder itself */
            base = "";
            if (*rest == '/') rest++;
        }
    }
    sl_buf b = {0};
    if (sl_buf_append(&b, base, alen) || sl_buf_puts(&b, rest) || sl_buf_nul(&b)) {
        sl_buf_free(&b);
        return NULL;
    }
    return b.p;
}

/* The source's citation with the file's on-disk path replaced by its display path. */
static const char *cite_of(sl_scan *s, const sl_source *src) {
    sl_buf_reset(&s->cite);
    const char *c = src->cite ? src->cite : "";
    size_t plen = s->cur_path ? strlen(s->cur_path) : 0;
    if (plen && strncmp(c, s->cur_path, plen) == 0) {
        sl_buf_puts(&s->cite, s->cur_display);
        sl_buf_puts(&s->cite, c + plen);
    } else {
        sl_buf_puts(&s->cite, c);
    }
    if (sl_buf_nul(&s->cite)) return c;
    return s->cite.p;
}

/* Waits until every flagged row pushed so far is written (flagq.h): before the scan touches
 * the store or flagged.csv in any other way. */
static void sync_writer(sl_scan *s) {
    if (!s->flagq) return;
    sl_status rc = sl_flagq_sync(s->flagq);
    if (rc && !s->fatal) s->fatal = rc;
}

/* Sends a diagnostic to the caller and the database, keeping DIAG_PER_CODE per code and
 * source and counting the rest. */
static void emit_as(sl_scan *s, uint32_t source_id, sl_severity sev, const char *code,
                    const char *source, uint64_t record, uint64_t line, const char *msg,
                    const char *stored) {
    if (sev >= SL_DIAG_WARN) {
        s->totals.warnings++;
        s->src_warnings++;
    }
    if (sev >= SL_DIAG_ERROR) s->src_errors++;
    diag_count *dc = NULL;
    for (size_t i = 0; i < s->ndiags; i++)
        if (!strcmp(s->diags[i].code, code)) dc = &s->diags[i];
    if (!dc && s->ndiags < SL_ARRAY_LEN(s->diags)) {
        dc = &s->diags[s->ndiags++];
        snprintf(dc->code, sizeof dc->code, "%s", code);
        dc->seen = 0;
    }
    if (dc && ++dc->seen > DIAG_PER_CODE) {
        s->diag_suppressed++;
        return;
    }
    sl_diag d = {sev, code, source, record, line, msg};
    if (s->opts.on_diag) s->opts.on_diag(s->opts.diag_ud, &d);
    if (s->store) { /* source_id 0: about the run (stored with no source) */
        sync_writer(s);
        sl_diag sd = d;
        if (stored) sd.message = stored;
        sl_status rc = sl_store_diag(s->store, source_id, &sd);
        if (rc && !s->fatal) s->fatal = rc;
    }
}

static void emit(sl_scan *s, uint32_t source_id, sl_severity sev, const char *code,
                 const char *source, uint64_t record, uint64_t line, const char *msg) {
    emit_as(s, source_id, sev, code, source, record, line, msg, NULL);
}

/* Diagnostics from the reader arrive with the on-disk path; re-cite them. */
static void on_reader_diag(void *ud, const sl_diag *d) {
    sl_scan *s = ud;
    sl_buf tmp = {0};
    const char *src = d->source;
    size_t plen = s->cur_path ? strlen(s->cur_path) : 0;
    if (src && plen && strncmp(src, s->cur_path, plen) == 0) {
        if (!sl_buf_puts(&tmp, s->cur_display) && !sl_buf_puts(&tmp, src + plen) &&
            !sl_buf_nul(&tmp))
            src = tmp.p;
    }
    /* About the innermost source open (a skipped zip member: the zip), or about the run (a
     * file skipped whole, a path not found): stored either way, so the report lists it. */
    int open = s->depth > 0 && s->depth <= SL_ARRAY_LEN(s->open_src);
    uint32_t id = open ? s->open_src[s->depth - 1] : 0;
    const char *msg = d->message ? d->message : "";
    sl_buf m = {0};
    if (src && (!open || !s->open_cite[s->depth - 1] || !d->source ||
                strcmp(d->source, s->open_cite[s->depth - 1]) != 0)) {
        /* not about that source itself: the stored message names what it is about */
        if (sl_buf_printf(&m, "%s: %s", src, msg) || sl_buf_nul(&m)) sl_buf_free(&m);
    }
    emit_as(s, id, d->severity, d->code, src, d->record, d->line, msg, m.p);
    sl_buf_free(&m);
    sl_buf_free(&tmp);
}

static void progress(sl_scan *s, int force) {
    if (!s->opts.on_progress) return;
    if (!force && s->bytes_done - s->last_progress < PROGRESS_EVERY) return;
    s->last_progress = s->bytes_done;
    s->rows_since_progress = 0;
    sl_progress p = {s->bytes_done, s->bytes_total,
                     s->totals.records + (s->in_source ? s->acc.records : 0),
                     s->phase ? s->phase : s->cur_display};
    s->opts.on_progress(s->opts.progress_ud, &p);
}

/* Tells the caller what the scan does once every source is read, where a statewide release
 * can take a minute or more with nothing else to show (sl_progress.current). */
static void phase(sl_scan *s, const char *what) {
    s->phase = what;
    progress(s, 1);
}

/* Whether the caller asked the scan to stop (sl_scan_opts.stop). The first time, the scan's
 * status becomes SL_ECANCELED, which ends reading as a fatal error does: the reader stops at
 * the next record and read_inputs at the next file. */
static int stop_asked(sl_scan *s) {
    if (s->opts.stop && *s->opts.stop && !s->fatal) s->fatal = SL_ECANCELED;
    return s->fatal == SL_ECANCELED;
}

static void on_bytes(void *ud, uint64_t n) {
    sl_scan *s = ud;
    s->bytes_done += n;
    stop_asked(s); /* once per chunk read: about every megabyte */
    progress(s, 0);
}

/* ---- per source ------------------------------------------------------------------------------ */

static int on_begin(void *ud, const sl_source *src) {
    sl_scan *s = ud;
    if (s->depth > 0 && s->depth <= SL_ARRAY_LEN(s->has_children))
        s->has_children[s->depth - 1] = 1;
    s->depth++;
    if (s->depth <= SL_ARRAY_LEN(s->has_children)) {
        s->has_children[s->depth - 1] = 0;
        s->open_src[s->depth - 1] = src->id;
        s->open_cite[s->depth - 1] = src->cite;
    }
    sl_schema_clear(&s->schema);
    memset(&s->acc, 0, sizeof s->acc);
    s->in_source = 1;
    s->acc.time_min = s->acc.time_max = SL_TIME_NONE;
    s->have_header = s->no_header = 0;
    s->aside = 0;
    s->doc_what = NULL;
    s->doc_warn = 0;
    s->doc_tail = NULL;
    org_set_clear(&s->orgs);
    sl_buf_reset(&s->const_reason);
    s->reason_varies = 0;
    s->reasons_seen = 0;
    s->ndiags = 0;
    s->diag_suppressed = 0;
    s->source_id = src->id;
    s->map = NULL;
    s->is_event = 0;
    s->is_reference = 0;
    s->reference_rows = 0;
    s->events = 0;
    s->inferring = 0;
    held_clear(s);
    s->kind_how[0] = '\0';
    s->given[0] = '\0';
    s->shifted = 0;
    memset(&s->fp, 0, sizeof s->fp);
    org_set_clear(&s->users);
    tally_clear(&s->org_tally);
    tally_clear(&s->user_tally);
    s->src_warnings = 0;
    s->src_errors = 0;
    sync_writer(s);
    if (s->store) {
        sl_status rc = sl_store_source_begin(s->store, cite_of(s, src));
        if (rc && !s->fatal) s->fatal = rc;
    }
    if (s->fcsv) {
        /* the SHA-256 is known at the end (read.h); flagged.csv patches it in then */
        sl_status rc = sl_flagged_csv_source_begin(s->fcsv, cite_of(s, src),
                                                   src->sha256[0] ? src->sha256 : NULL,
                                                   src->member, src->sheet);
        if (rc && !s->fatal) s->fatal = rc;
    }
    progress(s, 1);
    return 0;
}

static int row_is_blank(const sl_csv_row *row) {
    for (size_t i = 0; i < row->ncells; i++) {
        const sl_slice c = row->cells[i];
        if (!c.len) continue;
        /* A cell opening with a printable ASCII byte is not blank: no trim needed. */
        unsigned char c0 = (unsigned char)c.p[0];
        if (c0 > ' ' && c0 < 0x7F) return 0;
        if (sl_trim(c).len) return 0;
    }
    return 1;
}

static void reject(sl_scan *s, const sl_source *src, const sl_csv_row *row, sl_reject why,
                   const char *msg) {
    uint64_t k = s->acc.rejected[why]++;
    if (k < SL_FIRST_RECORDS) s->acc.first_rejected[why][k] = row->record;
    char code[64];
    snprintf(code, sizeof code, "row.%s", sl_reject_name(why));
    emit(s, src->id, SL_DIAG_WARN, code, cite_of(s, src), row->record, row->line, msg);
}

static void account_cells(sl_account *acc, const sl_search *q) {
#pragma GCC unroll 32
    for (int f = 0; f < SL_F_COUNT; f++) acc->cell_states[f][q->f[f].st]++;
    if (q->bad) /* rare: fields that could not be parsed */
        for (int f = 0; f < SL_F_COUNT; f++)
            if (q->bad & (1u << f)) acc->field_errors[f]++;
}

/* Whether a parsed row carries anything of a search: a time, an organization, a user or a
 * reason. A footer line ("Total: 1,234") or a stray note does not. */
static int looks_like_search(const sl_search *q) {
    if (q->search_time != SL_TIME_NONE) return 1;
    static const sl_field keys[] = {SL_F_ORG, SL_F_NAME, SL_F_USER_ID, SL_F_REASON, SL_F_ID};
    for (size_t i = 0; i < SL_ARRAY_LEN(keys); i++) {
        sl_cell_state st = q->f[keys[i]].st;
        if (st != SL_CELL_ABSENT && st != SL_CELL_EMPTY) return 1;
    }
    return 0;
}

static void track_reason(sl_scan *s, const sl_search *q) {
    const sl_cell *c = &q->f[SL_F_REASON];
    if (c->st == SL_CELL_ABSENT || s->reason_varies) return;
    if (s->reasons_seen++ == 0) {
        if (sl_buf_append(&s->const_reason, c->p, c->len)) s->reason_varies = 1;
        return;
    }
    if (c->len != s->const_reason.len || (c->len && memcmp(c->p, s->const_reason.p, c->len)))
        s->reason_varies = 1;
}

static void handle_search(sl_scan *s, const sl_source *src, const sl_csv_row *row,
                          const sl_slice *cells, size_t ncells) {
    sl_search q;
    sl_search_from_row(&s->schema, cells, ncells, &q);
    q.invalid_utf8 = row->invalid_utf8;
    if (s->map) sl_mapfile_fix_times(s->map, &q);
    account_cells(&s->acc, &q);
    if (!looks_like_search(&q)) {
        reject(s, src, row, SL_REJ_NOT_SEARCH,
               "record holds no search time, organization, user or reason; not counted as a search");
        return;
    }
    s->acc.searches++;
    if (q.bad) {
        for (int f = 0; f < SL_F_COUNT; f++) {
            if (!(q.bad & (1u << f))) continue;
            char code[64], msg[256];
            snprintf(code, sizeof code, "field.unparseable_%s", sl_field_name((sl_field)f));
            snprintf(msg, sizeof msg, "%s \"%.*s\" could not be parsed; left unknown, not guessed",
                     sl_field_name((sl_field)f), (int)(q.f[f].len > 60 ? 60 : q.f[f].len),
                     q.f[f].p ? q.f[f].p : "");
            emit(s, src->id, SL_DIAG_WARN, code, cite_of(s, src), row->record, row->line, msg);
        }
    }
    if (q.search_time != SL_TIME_NONE) {
        if (s->acc.time_min == SL_TIME_NONE || q.search_time < s->acc.time_min)
            s->acc.time_min = q.search_time;
        if (s->acc.time_max == SL_TIME_NONE || q.search_time > s->acc.time_max)
            s->acc.time_max = q.search_time;
    }
    const sl_cell *org = &q.f[SL_F_ORG];
    if (org->len) {
        name_seen(&s->orgs, &s->org_tally, org->p, org->len);
    }
    const sl_cell *user = q.f[SL_F_NAME].st == SL_CELL_VALUE ? &q.f[SL_F_NAME] : &q.f[SL_F_USER_ID];
    if (user->st == SL_CELL_VALUE && user->len) {
        name_seen(&s->users, &s->user_tally, user->p, user->len);
    }
    track_reason(s, &q);
    const uint64_t row_key = sl_fingerprint_add(&s->fp, &q);
    if (s->opts.dry_run) return; /* inspect: accounted, not classified or stored */

    sl_status rc = SL_OK;
    sl_flag flags[MAX_FLAGS];
    size_t nflags = sl_classify(s->matcher, s->rules, &q, flags, MAX_FLAGS);
    if (nflags > MAX_FLAGS) nflags = MAX_FLAGS;
    /* A row is flagged when a finding rule fires; descriptive rules (the dropdown value that
     * was picked) ride along on a flagged row but do not flag one by themselves. One count per
     * distinct finding category of the row. Descriptive categories are kept on the row
     * (flag_hits) but not counted: they were seen only on rows flagged for something else, so
     * a count of them would mislead. */
    const char *cats[MAX_FLAGS + 1];
    size_t ncats = 0;
    for (size_t i = 0; i < nflags; i++) {
        sl_rule_info ri;
        sl_rules_info(s->rules, flags[i].rule, &ri);
        if (ri.descriptive) continue;
        size_t j = 0;
        while (j < ncats && strcmp(cats[j], ri.category)) j++;
        if (j == ncats) cats[ncats++] = ri.category;
    }
    /* --plate: a row that searched a named plate is written whatever its reason */
    const uint32_t named = s->named.n ? sl_named_match(&s->named, &q) : 0;
    if (named) cats[ncats++] = SL_NAMED_CATEGORY;
    rc = sl_store_count_row(s->store, &q, cats, ncats);
    if (!rc) rc = sl_store_repeat_row(s->store, &q, ncats > 0, src->id, row->record, row->line);
    if (!rc) rc = sl_store_link_row(s->store, &q, row_key, cats, ncats, src->id);
    if (rc || !ncats) {
        if (rc && !s->fatal) s->fatal = rc;
        return;
    }
    s->acc.flagged++;
    if (named) s->acc.named++;
    sl_store_row sr = {src->id, row->record, row->line, &q, flags, nflags, named};
    rc = sl_flagq_push(s->flagq, &sr);
    if (rc && !s->fatal) s->fatal = rc;
}

/* Tries the --map files, then the header names. Sets the schema and how it was recognised. */
static int try_header(sl_scan *s, const sl_source *src, const sl_csv_row *row) {
    for (size_t i = 0; i < s->nmaps; i++) {
        int r = sl_mapfile_apply(s->maps[i], row->cells, row->ncells, &s->schema);
        if (r < 0) {
            if (!s->fatal) s->fatal = SL_ENOMEM;
            return 0;
        }
        if (r == 1) {
            s->map = s->maps[i];
            sl_fmt(s->kind_how, sizeof s->kind_how, "map \"%s\" (%s): header matched",
                   sl_mapfile_name(s->map), sl_mapfile_origin(s->map));
            return 1;
        }
    }
    if (!sl_schema_from_header(&s->schema, row->cells, row->ncells,
                               src->member ? src->member : src->path))
        return 0;
    if (s->schema.kind == SL_KIND_EVENT_LOG &&
        sl_eventlog_cols_from_header(row->cells, row->ncells, &s->ev_cols)) {
        s->is_event = 1;
        sl_fmt(s->kind_how, sizeof s->kind_how,
               "header (Timestamp, User, Event Type, Entity Type, Entity Details%s): events, "
               "not searches", s->ev_cols.event_id >= 0 ? ", Event Id" : "");
    } else if (sl_kind_is_reference(s->schema.kind)) {
        s->is_reference = 1;
        sl_fmt(s->kind_how, sizeof s->kind_how,
               "header: a reference list (%s), not searches; rows counted, not classified",
               sl_kind_name(s->schema.kind));
    } else {
        sl_fmt(s->kind_how, sizeof s->kind_how, "header");
    }
    return 1;
}

static void event_row(sl_scan *s, const sl_source *src, const sl_csv_row *row) {
    sl_event ev;
    if (!sl_event_from_row(&s->ev_cols, row->cells, row->ncells, &ev)) {
        reject(s, src, row, SL_REJ_NOT_SEARCH,
               "record holds no event (no timestamp, user or event type); not counted");
        return;
    }
    if (ev.time == SL_TIME_NONE && ev.timestamp.len) {
        char msg[200];
        snprintf(msg, sizeof msg, "timestamp \"%.*s\" could not be parsed; left unknown, not guessed",
                 (int)(ev.timestamp.len > 60 ? 60 : ev.timestamp.len), ev.timestamp.p);
        emit(s, src->id, SL_DIAG_WARN, "field.unparseable_timestamp", cite_of(s, src),
             row->record, row->line, msg);
    }
    s->acc.searches++; /* parsed: for an event log these are events, not searches */
    s->events++;
    if (ev.time != SL_TIME_NONE) {
        if (s->acc.time_min == SL_TIME_NONE || ev.time < s->acc.time_min) s->acc.time_min = ev.time;
        if (s->acc.time_max == SL_TIME_NONE || ev.time > s->acc.time_max) s->acc.time_max = ev.time;
    }
    if (ev.user.len) {
        name_seen(&s->users, &s->user_tally, ev.user.p, ev.user.len);
    }
    uint64_t key;
    if (ev.event_id.len) {
        key = sl_hash64(ev.event_id.p, ev.event_id.len, 11);
    } else {
        key = sl_hash64(ev.timestamp.p, ev.timestamp.len, 12);
        key = sl_hash64(ev.user.p, ev.user.len, key);
        key = sl_hash64(ev.event_type.p, ev.event_type.len, key);
        key = sl_hash64(ev.details.p, ev.details.len, key);
    }
    sl_fingerprint_add_hash(&s->fp, key, sl_hash64(ev.details.p, ev.details.len, key));
    if (s->opts.dry_run) return;
    sync_writer(s);
    sl_status rc = sl_store_event(s->store, s->key, src->id, row->record, row->line, &ev);
    if (rc && !s->fatal) s->fatal = rc;
}

/* A record after the header (or after columns were inferred). */
static int data_row(sl_scan *s, const sl_source *src, const sl_csv_row *row) {
    s->acc.records++;
    if (s->aside) {
        s->acc.set_aside++; /* a notes sheet or a document: read, counted, not a log */
        return 0;
    }
    if (s->no_header) {
        uint64_t k = s->acc.rejected[SL_REJ_NO_HEADER]++;
        if (k < SL_FIRST_RECORDS) s->acc.first_rejected[SL_REJ_NO_HEADER][k] = row->record;
        return 0;
    }
    if (row->err == SL_CSV_TOO_LARGE) {
        reject(s, src, row, SL_REJ_TOO_LARGE,
               "record larger than the record size cap; skipped, reading goes on at the next record");
        return 0;
    }
    if (row->err == SL_CSV_CUT) {
        reject(s, src, row, SL_REJ_CUT_OFF,
               "the source could not be read past this record (see the source's error); "
               "the record is incomplete");
        return 0;
    }
    if (row->err == SL_CSV_MALFORMED) {
        reject(s, src, row, SL_REJ_MALFORMED,
               "the record does not parse (see the source's warning); skipped, reading goes on "
               "at the next record");
        return 0;
    }
    if (row->err == SL_CSV_UNTERMINATED) {
        reject(s, src, row, SL_REJ_UNTERMINATED,
               "file ends inside a quoted cell: the last record is cut off (a truncated export?)");
        return 0;
    }
    if (row_is_blank(row)) {
        s->acc.blank++;
        return 0;
    }
    if (sl_schema_is_header_again(&s->schema, row->cells, row->ncells)) {
        s->acc.header_repeats++;
        emit(s, src->id, SL_DIAG_INFO, "row.header_repeated", cite_of(s, src), row->record,
             row->line, "the header row is repeated inside the data; skipped and counted");
        return 0;
    }
    if (s->is_event) {
        event_row(s, src, row);
        return s->fatal ? 1 : 0;
    }
    if (s->is_reference) {
        s->acc.searches++; /* parsed: for a reference list these are entries, not searches */
        s->reference_rows++;
        return 0;
    }
    /* One cell too many or too few: realign when the values show where (an unquoted comma
     * in a reason, a dropped cell), else keep as is. A trailing empty cell is no shift. */
    const sl_slice *cells = row->cells;
    size_t n = row->ncells, w = s->schema.ncols;
    if (w && (n == w + 1 || n + 1 == w) && !(n == w + 1 && sl_trim(cells[n - 1]).len == 0)) {
        size_t at = 0;
        sl_shift_kind k = sl_shift_fix(&s->schema, cells, n, src->delim, &s->shift_scratch,
                                       s->shift_cells, &at);
        if (k != SL_SHIFT_NONE) {
            char msg[200];
            snprintf(msg, sizeof msg,
                     k == SL_SHIFT_INSERTED
                         ? "record has one cell too few; the values show it missing at column %zu: "
                           "realigned, kept and flagged as shifted"
                     : k == SL_SHIFT_MERGED
                         ? "record has one cell too many; the values show cells %zu and %zu "
                           "belong together (an unquoted delimiter?): rejoined, kept and flagged as shifted"
                         : "record has one empty cell too many at %zu: dropped, kept and flagged "
                           "as shifted",
                     at + 1, at + 2);
            s->shifted++;
            emit(s, src->id, SL_DIAG_WARN, "row.shifted", cite_of(s, src), row->record, row->line,
                 msg);
            cells = s->shift_cells;
            n = w;
        }
    }
    handle_search(s, src, row, cells, n);
    return s->fatal ? 1 : 0;
}

/* Keeps a copy of a header-less record until the columns are inferred. */
static void hold_row(sl_scan *s, const sl_csv_row *row) {
    held_row *h = &s->held[s->nheld];
    size_t total = row->first_line.len;
    for (size_t i = 0; i < row->ncells; i++) total += row->cells[i].len;
    h->text = malloc(total + 1);
    h->len = malloc((row->ncells + 1) * sizeof *h->len);
    if (!h->text || !h->len) {
        free(h->text);
        free(h->len);
        if (!s->fatal) s->fatal = SL_ENOMEM;
        return;
    }
    size_t o = 0;
    for (size_t i = 0; i < row->ncells; i++) {
        if (row->cells[i].len) memcpy(h->text + o, row->cells[i].p, row->cells[i].len);
        o += h->len[i] = row->cells[i].len;
    }
    if (row->first_line.len) memcpy(h->text + o, row->first_line.p, row->first_line.len);
    h->len[row->ncells] = row->first_line.len;
    h->record = row->record;
    h->line = row->line;
    h->invalid_utf8 = row->invalid_utf8;
    h->ncells = row->ncells;
    s->nheld++;
}

/* ---- documents that come with a release --------------------------------------------------- */

/* Names that say "document, not a table". JSON, XML, HTML and YAML warn: such a file may hold
 * a log in a format not read yet (a JSON file that is JSON is read by json.h, not here). A
 * .txt is often a delimited export, so a .txt shaped like a table stays with the tables
 * (rejected, for someone to look at). */
static const struct {
    const char *ext, *what;
    unsigned char warn, txt;
} doc_names[] = {
    {".md", "a Markdown document", 0, 0},    {".markdown", "a Markdown document", 0, 0},
    {".txt", "a plain-text document", 0, 1}, {".text", "a plain-text document", 0, 1},
    {".rst", "a reStructuredText document", 0, 0}, {".rtf", "an RTF document", 0, 0},
    {".json", "a JSON file", 1, 0},          {".geojson", "a GeoJSON file", 1, 0},
    {".xml", "an XML file", 1, 0},           {".html", "an HTML page", 1, 0},
    {".htm", "an HTML page", 1, 0},          {".yaml", "a YAML file", 1, 0},
    {".yml", "a YAML file", 1, 0},
};

static size_t nonempty_cells(const sl_infer_row *r) {
    size_t k = 0;
    for (size_t i = 0; i < r->n; i++) k += sl_trim(r->cells[i]).len != 0;
    return k;
}

static size_t count_byte(const sl_infer_row *r, char c) {
    size_t k = 0;
    for (size_t i = 0; i < r->n; i++)
        for (size_t j = 0; j < r->cells[i].len; j++) k += r->cells[i].p[j] == c;
    return k;
}

/* Whether the sampled records are a table: at least two non-blank ones, and nine in ten of
 * them as wide as the first (two cells or more, two or more filled), or holding as many '|',
 * tabs or ';' as the first (a log cut with a delimiter the reader did not pick). Prose that a
 * comma happens to split changes width from line to line. */
static int sample_is_table(const sl_infer_row *rows, size_t n) {
    static const char seps[] = {'|', '\t', ';'};
    size_t nonblank = 0, same = 0, width = 0;
    size_t nsep[sizeof seps] = {0}, same_sep[sizeof seps] = {0};
    for (size_t i = 0; i < n; i++) {
        size_t k = nonempty_cells(&rows[i]);
        if (!k) continue;
        if (nonblank++ == 0) { /* the first non-blank record sets the shape */
            width = rows[i].n;
            for (size_t c = 0; c < sizeof seps; c++) nsep[c] = count_byte(&rows[i], seps[c]);
        }
        same += rows[i].n == width && k >= 2;
        for (size_t c = 0; c < sizeof seps; c++)
            same_sep[c] += nsep[c] && count_byte(&rows[i], seps[c]) == nsep[c];
    }
    if (nonblank < 2) return 0;
    if (width >= 2 && same * 10 >= nonblank * 9) return 1;
    for (size_t c = 0; c < sizeof seps; c++)
        if (same_sep[c] * 10 >= nonblank * 9) return 1;
    return 0;
}

/* Whether a sampled record holds z (a marker of sunlight's own outputs). */
static int sample_holds(const sl_infer_row *rows, size_t n, const char *z) {
    for (size_t i = 0; i < n; i++)
        for (size_t k = 0; k < rows[i].n; k++)
            if (sl_mem_has(rows[i].cells[k].p, rows[i].cells[k].len, z)) return 1;
    return 0;
}

/* Decides whether a source without a header or inferable columns is plainly a document: an
 * earlier scan's summary.json or report.html (by content), else by its name, or because most
 * sampled records hold at most one non-empty cell (prose). A file named .csv or .tsv is never
 * taken for one by its shape: one value per line there is a one-column table or a log cut
 * wrong, for someone to look at. Sets doc_what, doc_warn, doc_tail, doc_why and kind_how and
 * returns 1, else returns 0 (a table: rejected). */
static int take_for_document(sl_scan *s, const sl_source *src, const sl_infer_row *rows,
                             size_t n) {
    /* summary.json or report.html of an earlier run copied into the release: said as such,
     * not as a file that may hold a log in a format not read yet */
    static const struct { const char *marker, *what; } own[] = {
        {"\"sunlight_version\"", "sunlight's own summary.json"},
        {"<title>sunlight report</title>", "sunlight's own report.html"},
    };
    for (size_t i = 0; i < SL_ARRAY_LEN(own); i++) {
        if (!sample_holds(rows, n < 10 ? n : 10, own[i].marker)) continue;
        s->doc_what = own[i].what;
        s->doc_warn = 0;
        s->doc_tail = "; an output of an earlier scan, not read";
        sl_fmt(s->doc_why, sizeof s->doc_why, "it holds %s", own[i].marker);
        sl_fmt(s->kind_how, sizeof s->kind_how, "content: %s", own[i].what);
        return 1;
    }
    const char *name = src->member ? src->member : src->path ? src->path : "";
    size_t len = strlen(name);
    if (sl_ends_with_ci(name, len, ".gz")) len -= 3; /* notes.txt.gz is read as notes.txt */
    else if (sl_ends_with_ci(name, len, ".zst")) len -= 4;
    for (size_t i = 0; i < SL_ARRAY_LEN(doc_names); i++) {
        if (!sl_ends_with_ci(name, len, doc_names[i].ext)) continue;
        if (doc_names[i].txt && sample_is_table(rows, n)) return 0;
        s->doc_what = doc_names[i].what;
        s->doc_warn = doc_names[i].warn;
        sl_fmt(s->doc_why, sizeof s->doc_why, "its name ends in %s", doc_names[i].ext);
        sl_fmt(s->kind_how, sizeof s->kind_how, "file name (%s): %s", doc_names[i].ext,
               doc_names[i].what);
        if (strstr(doc_names[i].ext, "json")) /* JSON is read (json.h): this one did not parse */
            s->doc_tail = "; it does not read as JSON from its start (damaged there, or another "
                          "format under a JSON name): if it holds a log, convert it to CSV and "
                          "scan that";
        return 1;
    }
    if (sl_ends_with_ci(name, len, ".csv") || sl_ends_with_ci(name, len, ".tsv") ||
        sample_is_table(rows, n))
        return 0;
    size_t nonblank = 0, narrow = 0;
    for (size_t i = 0; i < n; i++) {
        size_t k = nonempty_cells(&rows[i]);
        nonblank += k != 0;
        narrow += k == 1;
    }
    if (!nonblank || narrow * 2 <= nonblank) return 0;
    s->doc_what = "a text document";
    s->doc_warn = 0;
    sl_fmt(s->doc_why, sizeof s->doc_why,
           "%zu of %zu sampled records hold one non-empty cell: prose, not a table", narrow,
           nonblank);
    sl_fmt(s->kind_how, sizeof s->kind_how, "content: prose, not a table (%zu of %zu sampled "
           "records hold one non-empty cell)", narrow, nonblank);
    return 1;
}

/* Infers the columns of a header-less source from its held records, then replays them (or
 * rejects them all when the values are too weak to tell, or sets them aside when the source
 * is a notes sheet or a document). */
static void finish_infer(sl_scan *s, const sl_source *src) {
    sl_slice *cells = NULL;
    sl_infer_row rows[INFER_ROWS];
    size_t ncells = 0;
    for (size_t i = 0; i < s->nheld; i++) ncells += s->held[i].ncells;
    cells = calloc(ncells ? ncells : 1, sizeof *cells);
    if (!cells) {
        if (!s->fatal) s->fatal = SL_ENOMEM;
        held_clear(s);
        return;
    }
    sl_slice *c = cells;
    for (size_t i = 0; i < s->nheld; i++) {
        held_row *h = &s->held[i];
        size_t o = 0;
        rows[i].cells = c;
        rows[i].n = h->ncells;
        for (size_t k = 0; k < h->ncells; k++) {
            c[k] = (sl_slice){h->text + o, h->len[k]};
            o += h->len[k];
        }
        c += h->ncells;
    }
    sl_infer_info info;
    int r = sl_infer_schema(rows, s->nheld, &s->schema, &info);
    s->inferring = 0;
    const char *cite = cite_of(s, src);
    if (r < 0 && !s->fatal) s->fatal = SL_ENOMEM;
    if (r == 1) {
        s->have_header = 1;
        s->acc.schema = &s->schema;
        s->acc.kind = s->schema.kind;
        sl_fmt(s->kind_how, sizeof s->kind_how,
               "no header row; columns %s (confidence %.2f over %u records)", info.note,
               info.confidence, info.rows);
        s->acc.kind_how = s->kind_how;
        char msg[400];
        sl_fmt(msg, sizeof msg, "no header row: columns %s; check them before trusting counts",
               info.note);
        emit(s, src->id, SL_DIAG_WARN, "schema.inferred", cite, s->held[0].record,
             s->held[0].line, msg);
    } else {
        char found[300], msg[700];
        /* messages point at the first record held, if any */
        uint64_t rec0 = s->nheld ? s->held[0].record : 0, line0 = s->nheld ? s->held[0].line : 0;
        if (s->given[0]) sl_fmt(found, sizeof found, "%s", s->given);
        else
            sl_schema_describe_row(s->nheld ? rows[0].cells : NULL, s->nheld ? rows[0].n : 0,
                                   found, sizeof found);
        if (src->format && strcmp(src->format, "json") == 0) {
            /* A list in a JSON file is all the file says; one that is no log (an index of the
             * release's files) is set aside, but said, since it may be another system's log. */
            sl_fmt(msg, sizeof msg,
                   "list of records holds no audit log (its keys are not a log's columns, and "
                   "the columns cannot be told from the values: %s); %s; its records are "
                   "counted and set aside. If it is another system's log, describe its keys in "
                   "a map file (--map)", info.note, found);
            emit(s, src->id, SL_DIAG_WARN, "schema.json_not_a_log", cite, rec0, line0, msg);
            s->aside = 1;
        } else if (src->sheet) {
            /* Workbooks carry notes, cover pages and pivot tables beside the log itself. */
            sl_fmt(msg, sizeof msg,
                   "sheet holds no audit log (no recognisable header, columns not inferable: %s); "
                   "%s; its rows are counted and set aside", info.note, found);
            emit(s, src->id, SL_DIAG_INFO, "schema.sheet_not_a_log", cite, rec0, line0, msg);
            s->aside = 1;
        } else if (take_for_document(s, src, rows, s->nheld)) {
            /* said once the source ends, with its count */
            s->aside = 1;
            s->acc.kind = SL_KIND_DOCUMENT;
            s->acc.kind_how = s->kind_how;
        } else {
            sl_fmt(msg, sizeof msg,
                   "no recognisable header (needs a search time and at least two other audit "
                   "columns, e.g. Org Name, Reason), and the columns cannot be told from the "
                   "values (%s); %s; every record of this source is rejected", info.note, found);
            emit(s, src->id, SL_DIAG_ERROR, "schema.no_header", cite, rec0, line0, msg);
        }
        s->no_header = 1;
    }
    for (size_t i = 0; i < s->nheld && !s->fatal; i++) {
        held_row *h = &s->held[i];
        size_t o = 0;
        for (size_t k = 0; k < h->ncells; k++) o += h->len[k];
        sl_csv_row row = {rows[i].cells, h->ncells, h->record, h->line, 0,
                          {h->text + o, h->len[h->ncells]}, 1, h->invalid_utf8, SL_CSV_OK};
        data_row(s, src, &row);
    }
    free(cells);
    held_clear(s);
}

/* A header that names a field twice ("Reason" and "Reason_1"): only the first column is read.
 * Said, since the second may hold what the first does not (a reason split in two by a PDF
 * extraction, a detail column). */
static void warn_repeats(sl_scan *s, const sl_source *src, const sl_csv_row *header) {
    const size_t stored = s->schema.ncols < SL_SCHEMA_MAX_COLS ? s->schema.ncols : SL_SCHEMA_MAX_COLS;
    for (size_t i = 0; i < stored; i++) {
        if (!s->schema.repeats[i]) continue;
        const sl_field f = (sl_field)(s->schema.repeats[i] - 1);
        const int first = s->schema.col[f];
        char msg[600];
        sl_fmt(msg, sizeof msg,
               "column %zu \"%s\" names the %s field again (column %d \"%s\" has it): only "
               "column %d is read and classified; the values of column %zu are in no output",
               i + 1, s->schema.names[i] ? s->schema.names[i] : "", sl_field_name(f), first + 1,
               first >= 0 && s->schema.names[first] ? s->schema.names[first] : "", first + 1, i + 1);
        emit(s, src->id, SL_DIAG_WARN, "schema.repeated_column", cite_of(s, src), header->record,
             header->line, msg);
    }
}

/* Whether a row holds one or two values and nothing else. */
static int preamble_like(const sl_csv_row *row) {
    size_t values = 0;
    for (size_t i = 0; i < row->ncells && values <= 2; i++) values += sl_trim(row->cells[i]).len != 0;
    return values >= 1 && values <= 2;
}

/* The header came after the short rows held (preamble_like): they are read, counted and set
 * aside, with one note that quotes the first. */
static void preamble_aside(sl_scan *s, const sl_source *src, const sl_csv_row *header) {
    const held_row *h = &s->held[0];
    size_t o = 0, first = 0, n = 0;
    for (size_t k = 0; k < h->ncells; k++) { /* the first non-empty cell */
        if (h->len[k]) { first = o; n = h->len[k]; break; }
        o += h->len[k];
    }
    char msg[400];
    sl_fmt(msg, sizeof msg,
           "%zu record%s before the header (record %llu) set aside, not read as searches: a "
           "title or a note above the table (\"%.*s\"%s)",
           s->nheld, s->nheld == 1 ? "" : "s", (unsigned long long)header->record,
           (int)(n > 80 ? 80 : n), h->text + first, s->nheld > 1 ? ", ..." : "");
    emit(s, src->id, SL_DIAG_INFO, "schema.preamble", cite_of(s, src), h->record, h->line, msg);
    s->acc.records += s->nheld;
    s->acc.set_aside += s->nheld;
    held_clear(s);
}

/* try_header took row for the header: the source's schema and kind are its, the short rows
 * held above it are set aside, and a field it names twice is said. */
static void header_taken(sl_scan *s, const sl_source *src, const sl_csv_row *row) {
    s->have_header = 1;
    s->acc.schema = &s->schema;
    s->acc.kind = s->schema.kind;
    s->acc.kind_how = s->kind_how;
    if (s->nheld) preamble_aside(s, src, row);
    warn_repeats(s, src, row);
}

static int on_row(void *ud, const sl_source *src, const sl_csv_row *row) {
    sl_scan *s = ud;
    if (s->fatal || stop_asked(s)) return 1; /* stop_asked: workbooks count bytes per sheet */
    if (++s->rows_since_progress == PROGRESS_ROWS) progress(s, 1);
    s->acc.invalid_utf8 += row->invalid_utf8;

    if (!s->have_header && !s->no_header && !s->inferring && row->record == 0) {
        /* A header a reader made from names (a JSON list's keys): no record of the file, so
         * not counted. Names that are not a log's leave the columns to the values below. */
        if (row->err == SL_CSV_OK && try_header(s, src, row)) {
            header_taken(s, src, row);
            return 0;
        }
        sl_schema_describe_row(row->cells, row->ncells, s->given, sizeof s->given);
        s->inferring = !s->fatal;
        return s->fatal ? 1 : 0;
    }
    if (!s->have_header && !s->no_header && !s->inferring) {
        if (row->err == SL_CSV_OK && row_is_blank(row)) {
            if (!s->nheld) {
                s->acc.blank++; /* leading blank lines before the header */
                s->acc.records++;
                return 0;
            }
            if (s->nheld < PREAMBLE_MAX) {
                hold_row(s, row); /* among short rows held (below): goes with them */
                return s->fatal ? 1 : 0;
            }
        }
        if (row->err == SL_CSV_OK && sl_flagged_csv_is_header(row->cells, row->ncells)) {
            /* An earlier run's flagged.csv copied into the release: its rows are copies of
             * rows read elsewhere, so reading it as an audit would count them twice. */
            s->have_header = s->aside = 1; /* the header is not a record, as for any log */
            s->acc.kind = SL_KIND_DOCUMENT;
            s->doc_what = "sunlight's own flagged.csv";
            s->doc_warn = 1;
            s->doc_tail = "; its rows are copies of rows of the release, so they are not counted "
                          "again: scan the original files";
            sl_fmt(s->doc_why, sizeof s->doc_why, "its header is the one sunlight writes");
            sl_fmt(s->kind_how, sizeof s->kind_how, "header: flagged.csv written by sunlight");
            s->acc.kind_how = s->kind_how;
            if (s->nheld) preamble_aside(s, src, row);
            return 0;
        }
        if (row->err == SL_CSV_OK && try_header(s, src, row)) {
            header_taken(s, src, row);
            return 0;
        }
        if (s->fatal) return 1;
        /* One or two values, before any header: a title ("Network Audit Report"), a date line
         * or Excel's "sep=," line, perhaps, with the header below it. Held as the first rows of
         * an inference sample would be, so that nothing changes when no header comes. */
        if (row->err == SL_CSV_OK && s->nheld < PREAMBLE_MAX && preamble_like(row)) {
            hold_row(s, row);
            return s->fatal ? 1 : 0;
        }
        s->inferring = 1; /* no header: see whether the values tell the columns */
    }
    if (s->inferring) {
        if (row->err != SL_CSV_OK) {
            finish_infer(s, src); /* a damaged record ends the sample */
            return data_row(s, src, row);
        }
        hold_row(s, row);
        if (s->nheld == INFER_ROWS) finish_infer(s, src);
        return s->fatal ? 1 : 0;
    }
    return data_row(s, src, row);
}

static void decide_kind(sl_scan *s) {
    if (s->acc.kind != SL_KIND_AUDIT || s->map) return;
    /* An organization audit holds one organization's own searches; a network audit holds
     * every organization that searched the producer's cameras. */
    if (s->orgs.n == 1) {
        s->acc.kind = SL_KIND_ORG_AUDIT;
        s->acc.kind_how = "content: a single organization searching";
    } else if (s->orgs.n > 1) {
        s->acc.kind = SL_KIND_NETWORK_AUDIT;
        s->acc.kind_how = "content: several organizations searching";
    } else {
        s->acc.kind_how = "header (network or organization audit not decidable: no organization values)";
    }
    if (s->kind_how[0] && strncmp(s->kind_how, "header", 6)) {
        /* Keep how the columns were found (inferred) beside how the kind was decided. */
        char tmp[sizeof s->kind_how];
        sl_fmt(tmp, sizeof tmp, "%s; %s", s->acc.kind_how, s->kind_how);
        memcpy(s->kind_how, tmp, sizeof tmp);
        s->acc.kind_how = s->kind_how;
    }
}

static const char *truncation_of(uint64_t records) {
    int t = sl_release_truncation(records);
    return t == SL_TRUNC_ROUND ? "round_count" : t ? "excel_limit" : NULL;
}

static const char *kind_text(const sl_scan *s) {
    return s->map ? sl_mapfile_kind(s->map) : sl_kind_name(s->acc.kind);
}

/* Describes the source that just ended to the caller (inspect). */
static void describe(sl_scan *s, const sl_source *src, const char *cite, int container) {
    if (!s->opts.on_source) return;
    sl_source_info si;
    memset(&si, 0, sizeof si);
    char tmin[21], tmax[21];
    sl_time_format(s->acc.time_min, tmin);
    sl_time_format(s->acc.time_max, tmax);
    si.id = src->id;
    si.parent = src->parent;
    si.cite = cite;
    si.format = src->format;
    si.encoding = src->encoding;
    if (src->encoding && !strcmp(src->encoding, "windows-1252"))
        si.encoding_note = "not valid UTF-8: read as Windows-1252 (check accented names)";
    si.sha256 = src->sha256;
    si.size = src->size;
    si.kind = container ? "container" : kind_text(s);
    si.kind_how = container          ? "holds other sources"
                  : s->acc.kind_how  ? s->acc.kind_how
                  : s->aside && src->format && !strcmp(src->format, "json")
                      ? "list holds no log: records set aside"
                  : s->aside && src->sheet ? "sheet holds no log (notes, pivot): rows set aside"
                  : s->no_header     ? "no recognisable header, columns not inferable: rows rejected"
                  : s->acc.records == s->acc.blank ? "empty"
                                                   : "";
    si.map_name = s->map ? sl_mapfile_name(s->map) : NULL;
    const sl_schema *sc = container ? NULL : s->acc.schema;
    si.ncols = sc ? (sc->ncols < SL_SCHEMA_MAX_COLS ? sc->ncols : SL_SCHEMA_MAX_COLS) : 0;
    si.headers = sc ? (const char *const *)sc->names : NULL;
    for (int f = 0; f < SL_F_COUNT; f++) {
        sl_field_info *fi = &si.fields[f];
        fi->column = sc && !s->is_event ? sc->col[f] : -1;
        fi->header = fi->column >= 0 && (size_t)fi->column < si.ncols ? sc->names[fi->column] : "";
        memcpy(fi->states, s->acc.cell_states[f], sizeof fi->states);
        fi->unparseable = s->acc.field_errors[f];
    }
    si.records = s->acc.records;
    si.parsed = s->acc.searches;
    for (int r = 0; r < SL_REJ__COUNT; r++) si.rejected += s->acc.rejected[r];
    si.header_repeats = s->acc.header_repeats;
    si.blank = s->acc.blank;
    si.set_aside = s->acc.set_aside;
    si.shifted = s->shifted;
    si.invalid_utf8 = s->acc.invalid_utf8;
    si.time_min = tmin;
    si.time_max = tmax;
    si.orgs = s->orgs.n;
    si.users = s->users.n;
    size_t idx[SL_INFO_TOP];
    si.ntop_orgs = tally_top(&s->org_tally, idx, SL_INFO_TOP);
    for (size_t i = 0; i < si.ntop_orgs; i++) {
        si.top_orgs[i] = s->org_tally.name[idx[i]];
        si.top_org_rows[i] = s->org_tally.rows[idx[i]];
    }
    si.ntop_users = tally_top(&s->user_tally, idx, SL_INFO_TOP);
    for (size_t i = 0; i < si.ntop_users; i++) {
        si.top_users[i] = s->user_tally.name[idx[i]];
        si.top_user_rows[i] = s->user_tally.rows[idx[i]];
    }
    if (!s->reason_varies && s->reasons_seen >= 20 && s->const_reason.len &&
        !sl_buf_nul(&s->const_reason))
        si.constant_reason = s->const_reason.p;
    si.truncation = container ? NULL : truncation_of(s->acc.records);
    si.warnings = container ? 0 : s->src_warnings;
    s->opts.on_source(s->opts.source_ud, &si);
}

/* The web page, XML spreadsheet, .xls and .ods readers: they hand out the tables or sheets of
 * a file they read whole, each with the file's hash (a table has no bytes of its own), and say
 * themselves why a file gave none (html.no_table, xmlss.no_sheet, xls.not_a_workbook for the
 * Word and PowerPoint files that reader lists as doc and ppt, ods.no_sheet), so source.empty
 * would say it twice. So do the e-mail readers (eml, mbox, msg, mht: mail.no_attachment). */
static int whole_file_reader(const sl_source *src) {
    static const char *const formats[] = {"html", "xmlss", "xls", "ods", "doc", "ppt", "msg",
                                          "eml", "mbox", "mht", "json", "docx", "odt"};
    for (size_t i = 0; src->format && i < SL_ARRAY_LEN(formats); i++)
        if (strcmp(src->format, formats[i]) == 0) return 1;
    return 0;
}

/* Hands the source to the release checks and remembers what the database needs of it. */
static void remember(sl_scan *s, const sl_source *src, const char *cite) {
    const char *name = src->sheet ? src->sheet : src->member ? src->member : cite;
    char nm[1024];
    if (src->sheet) /* a sheet's dates and agency may sit in the workbook's name or the sheet's */
        sl_fmt(nm, sizeof nm, "%s %s", src->member ? src->member : cite, src->sheet);
    else
        sl_fmt(nm, sizeof nm, "%s", name);
    size_t idx[1];
    size_t ntop = tally_top(&s->org_tally, idx, 1);
    /* Same bytes, for the release's duplicate check: two tables of one page share the page's
     * hash without being copies of each other; the same table of two copies of a page is. */
    char same[65 + 3 + 512];
    const char *bytes = src->sha256;
    if (src->sheet && src->sha256[0] && whole_file_reader(src)) {
        sl_fmt(same, sizeof same, "%s > %s", src->sha256, src->sheet);
        bytes = same;
    }
    sl_release_src rs = {src->id, cite, nm, src->member ? src->member : src->path,
                         s->acc.kind, bytes, s->acc.records,
                         s->acc.searches, s->acc.time_min, s->acc.time_max, s->fp,
                         ntop ? s->org_tally.name[idx[0]] : NULL,
                         ntop ? s->org_tally.rows[idx[0]] : 0};
    sl_status rc = sl_release_add(s->release, &rs);
    if (!rc && s->nnotes == s->capnotes) {
        size_t nc = s->capnotes ? s->capnotes * 2 : 64;
        src_note *nn = sl_reallocarray(s->notes, nc, sizeof *nn);
        if (!nn) rc = SL_ENOMEM;
        else {
            s->notes = nn;
            s->capnotes = nc;
        }
    }
    if (rc) {
        if (!s->fatal) s->fatal = rc;
        return;
    }
    src_note *n = &s->notes[s->nnotes++];
    n->id = src->id;
    sl_fmt(n->kind, sizeof n->kind, "%s", kind_text(s));
    n->map = s->map ? sl_mapfile_name(s->map) : NULL;
    sl_fmt(n->fp, sizeof n->fp, "%016llx%016llx", (unsigned long long)s->fp.key_sum,
           (unsigned long long)s->fp.state_sum);
    n->shifted = s->shifted;
    n->truncation = truncation_of(s->acc.records);
}

/* Records a source that only encloses others (a zip, a workbook): no rows of its own. */
static void end_container(sl_scan *s, const sl_source *src) {
    sl_account acc;
    memset(&acc, 0, sizeof acc);
    acc.time_min = acc.time_max = SL_TIME_NONE;
    acc.kind_how = "container";
    sl_source copy = *src;
    copy.cite = cite_of(s, src);
    if (s->cur_display) copy.path = s->cur_display;
    if (s->opts.on_source) {
        sl_account keep = s->acc;
        s->acc = acc;
        s->map = NULL;
        describe(s, &copy, copy.cite, 1);
        s->acc = keep;
    }
    if (!s->store) return;
    sync_writer(s);
    sl_status rc = sl_store_source(s->store, &copy, &acc);
    if (rc && !s->fatal) s->fatal = rc;
}

/* A source that repeats an earlier one (the same bytes, or the same rows in another format or
 * with other redactions: release.h decides, the first source read being canonical) keeps its
 * accounting, but its flagged rows, hits, events and counts are dropped: counted once. */
static void keep_or_drop(sl_scan *s, const sl_source *src, const char *cite) {
    const sl_release_verdict *v = sl_release_verdict_of(s->release, src->id);
    int keep = !(v && v->duplicate_of);
    sl_status rc = sl_store_source_end(s->store, keep);
    if (!rc && s->fcsv)
        rc = sl_flagged_csv_source_end(s->fcsv, keep, cite, src->sha256[0] ? src->sha256 : NULL,
                                       src->member, src->sheet);
    if (rc && !s->fatal) s->fatal = rc;
    if (keep) return;
    const char *canon = sl_release_cite_of(s->release, v->duplicate_of);
    char msg[1200];
    sl_fmt(msg, sizeof msg,
           "repeats source %u (%s: %s): its %llu records are accounted for here, but its rows "
           "are counted once, from the first copy; %llu flagged rows and their counts left out",
           v->duplicate_of, canon ? canon : "?", v->duplicate_how,
           (unsigned long long)s->acc.records, (unsigned long long)s->acc.flagged);
    emit(s, src->id, SL_DIAG_INFO, "source.duplicate", cite, 0, 0, msg);
    s->acc.flagged = 0;
    s->acc.named = 0;
}

static void on_end(void *ud, const sl_source *src) {
    sl_scan *s = ud;
    int container = s->depth > 0 && s->depth <= SL_ARRAY_LEN(s->has_children) &&
                    s->has_children[s->depth - 1];
    if (s->depth > 0) s->depth--;
    s->in_source = 0; /* its records are in totals from here on */
    if (container) {
        end_container(s, src);
        return;
    }
    s->totals.sources++;
    /* fewer records than the sample, or only short rows and no header */
    if (s->inferring || (!s->have_header && !s->no_header && s->nheld)) finish_infer(s, src);
    const char *cite = cite_of(s, src);
    s->acc.orgs_distinct = s->orgs.n;
    /* Rows a reader skipped as blank without delivering them still count as read. */
    s->acc.records += src->blank_skipped;
    s->acc.blank += src->blank_skipped;
    decide_kind(s);
    if (!s->have_header && !s->no_header && s->acc.records == s->acc.blank) {
        if (s->src_errors) /* not empty: damaged before its first record */
            emit(s, src->id, SL_DIAG_WARN, "source.unread", cite, 0, 0,
                 "no records were read: the error above stopped the reading before the first");
        else if (!whole_file_reader(src))
            emit(s, src->id, SL_DIAG_WARN, "source.empty", cite, 0, 0,
                 src->size == 0 ? "source holds no records (empty file)"
                 : s->acc.records ? "source holds no records, only blank lines"
                                  : "source holds no records");
    }
    if (s->doc_what) {
        char n[32], msg[600];
        sl_fmt_count((int64_t)s->acc.set_aside, n);
        sl_fmt(msg, sizeof msg,
               "taken for %s, not an audit log (%s): its lines (%s record%s) counted and set "
               "aside, none rejected%s",
               s->doc_what, s->doc_why, n, s->acc.set_aside == 1 ? "" : "s",
               s->doc_tail ? s->doc_tail
               : s->doc_warn ? "; sunlight does not read this format yet: if the file holds a log, "
                               "convert it to CSV and scan that" : "");
        emit(s, src->id, s->doc_warn ? SL_DIAG_WARN : SL_DIAG_INFO, "schema.document_not_a_log",
             cite, 0, 0, msg);
    }
    /* Truncation (Excel's row limit, round counts) is a release check: lib/release.c. */
    if (!s->reason_varies && s->reasons_seen >= 20 && s->const_reason.len) {
        char msg[300];
        snprintf(msg, sizeof msg,
                 "every one of %llu rows has the same reason \"%.*s\": a constant reason says "
                 "nothing about why each search was run",
                 (unsigned long long)s->reasons_seen,
                 (int)(s->const_reason.len > 80 ? 80 : s->const_reason.len), s->const_reason.p);
        emit(s, src->id, SL_DIAG_WARN, "source.constant_reason", cite, 0, 0, msg);
    }
    if (s->diag_suppressed) {
        char msg[200];
        snprintf(msg, sizeof msg,
                 "%llu more messages about this source were counted but not listed",
                 (unsigned long long)s->diag_suppressed);
        sl_diag d = {SL_DIAG_INFO, "source.messages_suppressed", cite, 0, 0, msg};
        if (s->opts.on_diag) s->opts.on_diag(s->opts.diag_ud, &d);
        sync_writer(s);
        if (s->store) sl_store_diag(s->store, src->id, &d);
    }

    sl_source copy = *src;
    copy.cite = cite;
    if (s->cur_display) copy.path = s->cur_display; /* never the on-disk absolute path */
    remember(s, &copy, cite);
    sync_writer(s);
    if (s->store) keep_or_drop(s, &copy, cite);
    if (s->store) {
        sl_status rc = sl_store_source(s->store, &copy, &s->acc);
        if (rc && !s->fatal) s->fatal = rc;
    }
    describe(s, &copy, cite, 0);

    s->totals.records += s->acc.records;
    s->totals.searches += s->acc.searches - s->events - s->reference_rows;
    s->totals.events += s->events;
    s->totals.reference_rows += s->reference_rows;
    s->totals.skipped += s->acc.header_repeats + s->acc.blank + s->acc.set_aside;
    for (int r = 0; r < SL_REJ__COUNT; r++) s->totals.rejected += s->acc.rejected[r];
    s->totals.flagged += s->acc.flagged;
    s->totals.named_rows += s->acc.named;
    sl_schema_clear(&s->schema);
    s->acc.schema = NULL;
}

/* ---- lifecycle ------------------------------------------------------------------------------ */

sl_status sl_scan_new(sl_scan **out, const sl_scan_opts *opts) {
    *out = NULL;
    if (!opts) return SL_EUSAGE;
    if (!opts->dry_run && (!opts->out_dir || !*opts->out_dir || !opts->rules_path)) return SL_EUSAGE;
    sl_scan *s = calloc(1, sizeof *s);
    if (!s) return SL_ENOMEM;
    s->lock_fd = -1;
    s->opts = *opts;
    if (opts->key_path) {
        snprintf(s->key_path, sizeof s->key_path, "%s", opts->key_path);
    } else if (opts->dry_run) {
        s->key_path[0] = '\0'; /* inspect opens no key */
    } else if (!sl_key_default_path(s->key_path, sizeof s->key_path)) {
        free(s);
        return SL_EUSAGE;
    }
    s->totals.key_path = opts->dry_run ? NULL : s->key_path;
    s->orgs.cap = ORG_SET_CAP * 2;
    s->orgs.hashes = calloc(s->orgs.cap, sizeof *s->orgs.hashes);
    s->users.cap = ORG_SET_CAP * 2;
    s->users.hashes = calloc(s->users.cap, sizeof *s->users.hashes);
    if (!s->orgs.hashes || !s->users.hashes) {
        free(s->orgs.hashes);
        free(s->users.hashes);
        free(s);
        return SL_ENOMEM;
    }
    s->const_reason.cap_limit = 4096;
    *out = s;
    return SL_OK;
}

sl_status sl_scan_add_path(sl_scan *s, const char *path) {
    if (!s || !path || !*path) return SL_EUSAGE;
    char **np = sl_reallocarray(s->paths, s->npaths + 1, sizeof *np);
    if (!np) return SL_ENOMEM;
    s->paths = np;
    if (!(s->paths[s->npaths] = sl_strdup(path))) return SL_ENOMEM;
    s->npaths++;
    return SL_OK;
}

/* Creates dir and its parents; on failure says why in why[]. */
static sl_status mkdir_p(const char *dir, char *why, size_t whycap) {
    char tmp[4096];
    size_t n = strlen(dir);
    if (n == 0 || n >= sizeof tmp) {
        sl_fmt(why, whycap, "%s", n ? "path too long" : "empty path");
        return SL_EUSAGE;
    }
    memcpy(tmp, dir, n + 1);
    for (size_t i = 1; i <= n; i++) {
        if (tmp[i] == '/' || tmp[i] == '\0') {
            char c = tmp[i];
            tmp[i] = '\0';
            if (mkdir(tmp, 0755) != 0 && errno != EEXIST) {
                if (c) sl_fmt(why, whycap, "%s: %s", tmp, strerror(errno)); /* a parent */
                else sl_fmt(why, whycap, "%s", strerror(errno));
                return SL_EIO;
            }
            tmp[i] = c;
        }
    }
    struct stat sb;
    if (stat(dir, &sb) != 0) {
        sl_fmt(why, whycap, "%s", strerror(errno));
        return SL_EIO;
    }
    if (!S_ISDIR(sb.st_mode)) {
        sl_fmt(why, whycap, "it exists and is not a folder");
        return SL_EIO;
    }
    return SL_OK;
}

static void out_path(char *buf, size_t cap, const char *dir, const char *name) {
    snprintf(buf, cap, "%s/%s", dir, name);
}

/* Two scans writing into one folder would remove each other's temporary files: the second is
 * refused while the first runs. The lock is the kernel's (flock) on OUT/.sunlight.lock, so it
 * goes with the process however that ends; the file is removed when the scan is freed. A lock
 * taken on a file removed meanwhile (by a scan ending just then) is no lock: taken again on
 * the file now at the path. Where no lock can be had (a folder that cannot be written, which
 * the database's creation then reports; a file system without locks), the scan goes on
 * without one. */
static sl_status lock_out_dir(sl_scan *s) {
    char p[4200];
    out_path(p, sizeof p, s->opts.out_dir, ".sunlight.lock");
    for (int tries = 0; tries < 8; tries++) {
        int fd = open(p, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
        if (fd < 0) return SL_OK;
        if (flock(fd, LOCK_EX | LOCK_NB) != 0) {
            int busy = errno == EWOULDBLOCK;
            close(fd);
            if (!busy) return SL_OK;
            set_err(s, "another sunlight scan is writing to %s now; wait for it to end, or "
                       "give another output folder with -o (nothing was written)",
                    s->opts.out_dir);
            return SL_EIO;
        }
        struct stat a, b;
        if (fstat(fd, &a) == 0 && stat(p, &b) == 0 && a.st_ino == b.st_ino &&
            a.st_dev == b.st_dev) {
            if (!(s->lock_path = sl_strdup(p))) {
                close(fd);
                return SL_ENOMEM;
            }
            s->lock_fd = fd;
            return SL_OK;
        }
        close(fd); /* removed or replaced since opened */
    }
    return SL_OK;
}

/* Lets the output folder go: the lock file removed while still held, then closed. */
static void unlock_out_dir(sl_scan *s) {
    if (s->lock_fd < 0) return;
    unlink(s->lock_path);
    close(s->lock_fd);
    s->lock_fd = -1;
    free(s->lock_path);
    s->lock_path = NULL;
}

/* Whether file lies inside the output folder: `scan . -o out` run twice would otherwise read
 * the first run's flagged.csv as a network audit (and the flagged.csv being written). */
static int in_out_dir(const sl_scan *s, const char *file) {
    if (!s->out_real) return 0;
    char *r = realpath(file, NULL);
    if (!r) return 0;
    size_t n = strlen(s->out_real);
    int in = strncmp(r, s->out_real, n) == 0 && (r[n] == '/' || (n == 1 && s->out_real[0] == '/'));
    free(r);
    return in;
}

/* Reads every input into the store. */
static sl_status read_inputs(sl_scan *s) {
    sl_reader_cb cb = {on_begin, on_row, on_end, on_bytes, on_reader_diag, s, s};
    sl_read_opts ro = {s->opts.max_record_bytes, 0, 0, s->hash_thread};
    uint32_t next_id = 1;
    /* Every path's files first, so that the progress knows the whole size from the start: a
     * shell turns a folder's *.csv into a path per file. */
    struct arg_files {
        char **files;
        size_t n;
    } *af = calloc(s->npaths ? s->npaths : 1, sizeof *af);
    if (!af) return SL_ENOMEM;
    sl_status rc = SL_OK;
    for (size_t a = 0; a < s->npaths && !rc; a++) {
        const char *arg = s->paths[a];
        rc = sl_inputs_collect(&arg, 1, on_reader_diag, s, &af[a].files, &af[a].n);
        for (size_t i = 0; !rc && i < af[a].n; i++) {
            struct stat sb;
            if (in_out_dir(s, af[a].files[i])) { /* dropped from the list: never read or counted */
                free(af[a].files[i]);
                af[a].files[i] = NULL;
                s->out_skipped++;
            } else if (stat(af[a].files[i], &sb) == 0) {
                s->bytes_total += (uint64_t)sb.st_size;
            }
        }
    }
    for (size_t a = 0; a < s->npaths && !s->fatal && !rc; a++) {
        char **files = af[a].files;
        size_t nfiles = af[a].n;
        const char *arg = s->paths[a];
        for (size_t i = 0, nv = 1; i < nfiles && !stop_asked(s) && !s->fatal; i += nv) {
            nv = 1;
            if (!files[i]) continue;
            char missing[300];
            /* release.7z.001, .002, ... or release.z01, ..., release.zip: one file */
            nv = sl_volume_run(files, nfiles, i, missing, sizeof missing);
            char *disp = display_path(arg, files[i]);
            if (!disp) {
                rc = SL_ENOMEM;
                break;
            }
            s->cur_path = files[i];
            s->cur_display = disp;
            s->source_id = 0;
            for (size_t v = 0; v < nv; v++) {
                struct stat sb;
                s->totals.files++;
                if (stat(files[i + v], &sb) == 0) s->totals.bytes += (uint64_t)sb.st_size;
            }
            if (missing[0]) {
                char msg[800];
                size_t ml = strlen(missing);
                if (sl_ends_with_ci(missing, ml, ".zip")) /* a split zip's last part */
                    sl_fmt(msg, sizeof msg, "%s, the last volume of this split zip (the one "
                           "that lists its files), is missing: the files in the volumes here "
                           "are read as far as they go. Get the missing volume", missing);
                else
                    sl_fmt(msg, sizeof msg, "%s, a volume of this split file, is missing: "
                           "what comes before it is read as if the file ended there. Get the "
                           "missing volume", missing);
                emit(s, 0, SL_DIAG_WARN, "read.volume_missing", disp, 0, 0, msg);
            }
            /* An unreadable file has been reported through diag; the run goes on. */
            (void)sl_read_volumes(files + i, nv, &ro, &cb, &next_id);
            s->cur_path = s->cur_display = NULL;
            free(disp);
        }
    }
    for (size_t a = 0; a < s->npaths; a++) sl_inputs_free(af[a].files, af[a].n);
    free(af);
    if (rc) return rc;
    if (s->out_skipped && s->opts.on_diag) {
        /* Said on screen only: the outputs do not depend on where they are written. */
        char msg[600];
        sl_fmt(msg, sizeof msg,
               "%llu file%s inside the output folder (earlier outputs of sunlight) not read as "
               "input", (unsigned long long)s->out_skipped, s->out_skipped == 1 ? "" : "s");
        sl_diag d = {SL_DIAG_INFO, "read.output_folder_skipped", s->opts.out_dir, 0, 0, msg};
        s->opts.on_diag(s->opts.diag_ud, &d);
    }
    return s->fatal;
}

static sl_status write_meta(sl_scan *s) {
    char fp[SL_TOKEN_LEN + 1];
    static const char probe[] = "sunlight key fingerprint";
    if (!sl_plate_token(s->key, probe, sizeof probe - 1, fp)) fp[0] = '\0';
    sl_status rc = sl_store_meta(s->store, "sunlight_version", SL_VERSION);
    if (!rc) rc = sl_store_meta(s->store, "key_fingerprint", fp);
    if (!rc && s->opts.producer) rc = sl_store_meta(s->store, "producer", s->opts.producer);
    if (!rc) rc = sl_store_meta(s->store, "rows_vs_searches",
                                "a row is one record of one source; one search can appear as "
                                "rows in several sources (network audits, organization audits, "
                                "re-releases)");
    if (!rc) rc = sl_store_rules(s->store, s->rules);
    return rc;
}

static sl_status write_totals(sl_scan *s) {
    char v[32];
    struct { const char *k; uint64_t v; } t[] = {
        {"total_files", s->totals.files},       {"total_sources", s->totals.sources},
        {"total_bytes", s->totals.bytes},       {"total_records", s->totals.records},
        {"total_searches", s->totals.searches}, {"total_rejected", s->totals.rejected},
        {"total_skipped", s->totals.skipped},   {"total_flagged", s->totals.flagged},
        {"total_warnings", s->totals.warnings}, {"total_events", s->totals.events},
        {"total_reference_rows", s->totals.reference_rows},
    };
    for (size_t i = 0; i < SL_ARRAY_LEN(t); i++) {
        snprintf(v, sizeof v, "%llu", (unsigned long long)t[i].v);
        sl_status rc = sl_store_meta(s->store, t[i].k, v);
        if (rc) return rc;
    }
    return SL_OK;
}

static sl_status load_maps(sl_scan *s) {
    if (!s->opts.nmaps) return SL_OK;
    s->maps = calloc(s->opts.nmaps, sizeof *s->maps);
    if (!s->maps) return SL_ENOMEM;
    for (size_t i = 0; i < s->opts.nmaps; i++) {
        char err[512] = "";
        sl_status rc = sl_mapfile_load(&s->maps[i], s->opts.map_paths[i], err, sizeof err);
        if (rc) {
            set_err(s, "map file: %s", err[0] ? err : sl_status_str(rc));
            return rc == SL_ENOMEM ? rc : SL_EUSAGE;
        }
        s->nmaps++;
    }
    return SL_OK;
}

/* Release-level checks once every source is read: findings to the caller and the database,
 * and per-source verdicts (producer, duplicates) to the database. */
static sl_status release_finish(sl_scan *s) {
    sl_status rc = sl_release_check(s->release);
    if (rc) {
        set_err(s, "release checks: %s", sl_status_str(rc));
        return rc;
    }
    size_t n = sl_release_finding_count(s->release);
    for (size_t i = 0; i < n && !rc; i++) {
        const sl_finding *f = sl_release_finding(s->release, i);
        if (s->opts.on_finding) s->opts.on_finding(s->opts.finding_ud, f);
        if (s->store) rc = sl_store_finding(s->store, (uint32_t)i + 1, f);
    }
    for (size_t i = 0; i < s->nnotes && !rc && s->store; i++) {
        const src_note *nt = &s->notes[i];
        const sl_release_verdict *v = sl_release_verdict_of(s->release, nt->id);
        sl_store_check c = {nt->id, nt->kind, nt->map, v ? v->producer : NULL,
                            v ? v->producer_how : NULL, v ? v->duplicate_of : 0,
                            v ? v->duplicate_how : NULL, nt->fp, nt->shifted, nt->truncation};
        rc = sl_store_source_check(s->store, &c);
    }
    return rc;
}

/* inspect: reads and accounts everything, writes nothing, opens no key, loads no rules. */
static sl_status run_dry(sl_scan *s) {
    sl_status rc = read_inputs(s);
    progress(s, 1);
    if (rc) {
        if (!s->errmsg[0]) set_err(s, "reading: %s", sl_status_str(rc));
        return rc;
    }
    if (s->totals.sources == 0) {
        set_err(s, "no usable input: no readable source was found in the paths given");
        return SL_ENOINPUT;
    }
    return release_finish(s);
}

sl_status sl_scan_run(sl_scan *s) {
    if (!s) return SL_EUSAGE;
    if (!s->npaths) {
        set_err(s, "no input paths given");
        return SL_EUSAGE;
    }
    char nerr[300] = "";
    if (!s->opts.dry_run && sl_named_init(&s->named, s->opts.plates, s->opts.nplates, nerr,
                                          sizeof nerr)) {
        set_err(s, "%s", nerr);
        return SL_EUSAGE;
    }
    sl_status lrc = load_maps(s);
    if (!lrc) lrc = sl_release_new(&s->release, s->opts.producer);
    if (lrc) {
        if (!s->errmsg[0]) set_err(s, "%s", sl_status_str(lrc));
        return lrc;
    }
    if (s->opts.dry_run) return run_dry(s);
    char why[300] = "";
    sl_status rc = mkdir_p(s->opts.out_dir, why, sizeof why);
    if (rc) {
        set_err(s, "cannot create output folder %s: %s", s->opts.out_dir, why);
        return rc;
    }
    s->out_real = realpath(s->opts.out_dir, NULL); /* NULL: nothing to exclude */
    if ((rc = lock_out_dir(s))) return rc;
    char err[512] = "";
    rc = sl_rules_load(&s->rules, s->opts.rules_path, err, sizeof err);
    if (rc) {
        set_err(s, "rule packs: %s", err);
        return rc;
    }
    if ((rc = sl_matcher_new(&s->matcher, s->rules))) {
        set_err(s, "cannot prepare the matcher: %s", sl_status_str(rc));
        return rc;
    }
    rc = sl_key_open(&s->key, s->key_path, &s->totals.key_created, err, sizeof err);
    if (rc) {
        set_err(s, "plate key %s: %s", s->key_path, err);
        return rc;
    }

    char db_tmp[4200], db_final[4200], p_csv[4200], p_json[4200], p_html[4200];
    out_path(db_tmp, sizeof db_tmp, s->opts.out_dir, ".sunlight.db.tmp");
    out_path(db_final, sizeof db_final, s->opts.out_dir, "sunlight.db");
    out_path(p_csv, sizeof p_csv, s->opts.out_dir, "flagged.csv");
    out_path(p_json, sizeof p_json, s->opts.out_dir, "summary.json");
    out_path(p_html, sizeof p_html, s->opts.out_dir, "report.html");

    rc = sl_store_open(&s->store, db_tmp, err, sizeof err);
    if (rc) {
        set_err(s, "cannot create the database: %s", err);
        return rc;
    }
    rc = write_meta(s);
    if (!rc) rc = sl_store_named(s->store, &s->named, s->key);
    if (!rc) {
        rc = sl_flagged_csv_open(&s->fcsv, p_csv, err, sizeof err);
        if (rc) set_err(s, "writing flagged.csv: %s", err);
    }
    if (!rc) {
        int thread = s->opts.threads == 1 ? 0 : s->opts.threads >= 2 ? 1
                     : sysconf(_SC_NPROCESSORS_ONLN) >= 2;
        s->hash_thread = thread;
        rc = sl_flagq_new(&s->flagq, thread, s->store, s->fcsv, s->key, s->rules);
    }
    if (!rc) rc = read_inputs(s);
    if (s->flagq) {
        if (!rc && s->hash_thread) phase(s, "writing the last flagged rows"); /* on a thread */
        sl_status frc = sl_flagq_sync(s->flagq);
        s->phase = NULL;
        sl_flagq_free(s->flagq);
        s->flagq = NULL;
        if (!rc) rc = frc;
    }
    if (!rc && stop_asked(s)) rc = SL_ECANCELED; /* the last chance: nothing is renamed yet */
    if (rc == SL_ECANCELED)
        set_err(s, "interrupted; nothing was written, and the outputs of an earlier run in %s, "
                   "if any, are left as they were", s->opts.out_dir);
    progress(s, 1);
    if (!rc && s->totals.sources == 0) {
        set_err(s, "no usable input: no readable source was found in the paths given");
        rc = SL_ENOINPUT;
    }
    if (!rc) phase(s, "linking rows into searches");
    if (!rc) rc = sl_store_search_links(s->store); /* before the release checks, which read */
    if (!rc) {                                      /* each source's repeated searches */
        uint32_t nrep;
        const uint64_t *rep = sl_store_source_repeats(s->store, &nrep);
        if (rep) sl_release_linked(s->release, rep, nrep);
    }
    if (!rc) phase(s, "checking the release");
    if (!rc) rc = release_finish(s);
    if (!rc) rc = write_totals(s);
    if (!rc) phase(s, "counting repeated plate searches");
    if (!rc) rc = sl_store_plate_repeats(s->store, s->key);
    if (!rc) phase(s, "writing the database");
    if (!rc) rc = sl_store_finish(s->store);
    if (!rc) s->totals.operator_findings = sl_store_operator_findings(s->store);
    if (!rc) s->totals.plate_repeats = sl_store_plate_repeat_findings(s->store);
    if (!rc) s->totals.distinct_searches = sl_store_searches(s->store);
    if (rc && !s->errmsg[0]) {
        const char *csv = sl_flagged_csv_errmsg(s->fcsv);
        if (!sl_store_errmsg(s->store)[0] && csv[0]) set_err(s, "writing flagged.csv: %s", csv);
        else set_err(s, "writing the database: %s", sl_store_errmsg(s->store));
    }
    if (!rc) {
        struct sqlite3 *db = sl_store_db(s->store);
        const char *which = "flagged.csv";
        rc = sl_flagged_csv_close(s->fcsv, 1, err, sizeof err);
        s->fcsv = NULL;
        if (!rc) phase(s, "writing the report");
        if (!rc) { which = "summary.json"; rc = sl_write_summary_json(db, p_json, err, sizeof err); }
        if (!rc) { which = "report.html"; rc = sl_write_report_html(db, s->key, p_html, err, sizeof err); }
        if (rc) set_err(s, "writing %s: %s", which, err);
    }
    sl_flagged_csv_close(s->fcsv, 0, NULL, 0); /* still open after an error: removed */
    s->fcsv = NULL;
    sl_status crc = sl_store_close(s->store);
    s->store = NULL;
    if (!rc && crc) {
        rc = crc;
        set_err(s, "closing the database: %s", sl_status_str(crc));
    }
    if (!rc && rename(db_tmp, db_final) != 0) {
        rc = SL_EIO;
        set_err(s, "cannot move the database into place: %s", strerror(errno));
    }
    if (rc == SL_ECANCELED) {
        unlink(db_tmp); /* flagged.csv's temporary file went with its close above */
    } else if (rc) {
        /* Outputs are whole or absent: remove what this run wrote. */
        unlink(db_tmp);
        unlink(db_final);
        unlink(p_csv);
        unlink(p_json);
        unlink(p_html);
    }
    return rc;
}

const sl_scan_totals *sl_scan_totals_get(const sl_scan *s) { return s ? &s->totals : NULL; }

const char *sl_scan_errmsg(const sl_scan *s) { return s ? s->errmsg : "no scan"; }

void sl_scan_free(sl_scan *s) {
    if (!s) return;
    for (size_t i = 0; i < s->npaths; i++) free(s->paths[i]);
    free(s->paths);
    sl_flagq_free(s->flagq); /* before what it writes to */
    free(s->out_real);
    sl_flagged_csv_close(s->fcsv, 0, NULL, 0);
    if (s->store) sl_store_close(s->store);
    sl_matcher_free(s->matcher);
    sl_rules_free(s->rules);
    sl_key_free(s->key);
    sl_schema_clear(&s->schema);
    sl_buf_free(&s->cite);
    sl_buf_free(&s->const_reason);
    free(s->orgs.hashes);
    free(s->users.hashes);
    for (size_t i = 0; i < s->nmaps; i++) sl_mapfile_free(s->maps[i]);
    free(s->maps);
    sl_release_free(s->release);
    free(s->notes);
    held_clear(s);
    tally_clear(&s->org_tally);
    tally_clear(&s->user_tally);
    sl_buf_free(&s->shift_scratch);
    unlock_out_dir(s); /* last: after all that wrote into the folder */
    free(s);
}
