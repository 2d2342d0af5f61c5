/* xlsx.c: Excel workbooks as streams of text rows. Pass 1 over the zip loads workbook.xml,
 * its rels, sharedStrings (one buffer + offsets, capped) and styles (which cell formats are
 * dates), wherever they sit; then each sheet, in workbook order, is found in a fresh read of
 * the zip and streamed block by block (sl_entry_read) into xmlp.h's parser (expat, with a
 * tokenizer in front for the sheets and shared strings; the small parts go to expat alone).
 * OpenDocument spreadsheets (the last section) stream their content.xml through the same
 * parse_entry and row assembly. */
#include "xlsx.h"
#include "container.h"
#include "timeparse.h"
#include "xmlp.h"

#include <archive.h>
#include <archive_entry.h>
#include <errno.h>
#include <expat.h>
#include <float.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define XLSX_MAX_COLS 16384u  /* XFD */
/* Bytes handed to expat per call (and read from the file per call): large blocks keep the
 * per-call costs of libarchive and expat out of the profile. */
#define XLSX_BLOCK (1024 * 1024)

/* Element names the readers act on, by local name (prefixes are ignored). */
enum { EL_OTHER, EL_C, EL_V, EL_T, EL_IS, EL_ROW, EL_RPH, EL_SI, EL_SHEETDATA };

/* Cell types (the t attribute): numbers and dates, shared strings, booleans, text as is. */
enum { CT_NUM, CT_SST, CT_BOOL, CT_TEXT };

typedef struct {
    char *name, *rid, *part;
} sheet_def;

typedef struct {
    char *id, *target;
} rel_def;

typedef struct {
    unsigned id;
    int date;
} numfmt_def;

typedef struct {
    size_t off, len;
} cell_ref;

typedef struct {
    const sl_xlsx_opts *o;
    const char *fmt;       /* "xlsx" or "ods": begins messages and codes */
    sl_inflate_guard guard;
    sl_xmlp *xmlp;         /* the part being parsed */
    sl_status st;          /* first error of the current part */
    int refused, stopped;
    char msg[320];
    const char *cur_sheet; /* for messages */

    sheet_def *sheets;
    size_t nsheets;
    rel_def *rels;
    size_t nrels;

    /* shared strings: one buffer, start offsets (nsst + 1 after loading) */
    sl_buf sst;
    size_t *sst_off;
    size_t nsst, cap_sst;
    int in_si, in_rph;

    /* styles */
    numfmt_def *fmts;
    size_t nfmts;
    unsigned char *xf_date;
    size_t nxf;
    int in_cellxfs;

    /* text capture (cell <v>, inline <t>, shared <t>) */
    sl_buf *capture;
    sl_buf val;
    int val_over;

    /* the current sheet */
    const sl_xlsx_cb *cb;
    sl_xlsx_sheet *sh;
    int in_sheetdata, in_c, in_is;
    uint64_t rownum, last_emitted;
    unsigned col;          /* 1-based column of the current cell */
    int ctype;             /* CT_* */
    unsigned style;
    sl_buf row;            /* cell texts of the current row */
    cell_ref *cells;
    size_t ncells, cap_cells;
    int row_over, cols_warned;
    sl_buf line;           /* first_line */
    sl_slice *slices;
    size_t cap_slices;

    /* an OpenDocument spreadsheet's content.xml (sl_ods_read_fd): its tables are the sheets */
    int ods;
    const char *file_sha;  /* the .ods file's SHA-256, given to each table */
    int in_table;
    unsigned inner;        /* depth of tables inside a cell of the table being read */
    int doc;               /* a text document (.odt, .docx): its tables are read, prose is not */
    unsigned in_run;       /* .docx: inside a <w:r> (a tab or break there is text) */
    uint64_t span;         /* .docx: the open cell's w:gridSpan */
    int vmerge;            /* .docx: the open cell's w:vMerge: 1 restart, 2 continue */
    sl_buf *vm;            /* .docx: by column, the text of the cell a merge over rows began in */
    size_t nvm;
    int vm_said;           /* the note about cells merged over rows, once per table */
    int strval;            /* the cell's text is its office:string-value, not its paragraphs */
    int table_skip;        /* 1: rows of this table are not handed out; 2: nor is its end */
    int mute;              /* inside an <office:annotation>: a comment, not the cell's text */
    unsigned paras;        /* <text:p> paragraphs begun in the cell */
    int otype;             /* OT_* */
    char oval[64];         /* the cell's value attribute, when it fits */
    size_t ovlen;
    uint64_t col_rep, row_rep;
    uint64_t ocol;         /* the next cell's column, 1-based */
    long long table_at;
    uint64_t content_out;  /* bytes of content.xml decompressed, once it has been parsed */
    unsigned ntables;
    sl_buf tname;
    sl_xlsx_sheet osh;
} xctx;

/* ---- small helpers ----------------------------------------------------------------------- */

/* What follows the last ':' (names are short: a loop beats strrchr's setup). */
const char *sl_xml_local_name(const char *n) {
    const char *l = n;
    for (; *n; n++)
        if (*n == ':') l = n + 1;
    return l;
}

/* Dispatch on the first byte, then compare the rest: one or two byte compares per element. */
static int elem_id_of(const char *n) {
    switch (n[0]) {
    case 'c': return n[1] == '\0' ? EL_C : EL_OTHER;
    case 'v': return n[1] == '\0' ? EL_V : EL_OTHER;
    case 't': return n[1] == '\0' ? EL_T : EL_OTHER;
    case 'i': return n[1] == 's' && n[2] == '\0' ? EL_IS : EL_OTHER;
    case 'r':
        if (strcmp(n + 1, "ow") == 0) return EL_ROW;
        return strcmp(n + 1, "Ph") == 0 ? EL_RPH : EL_OTHER;
    case 's':
        if (n[1] == 'i' && n[2] == '\0') return EL_SI;
        return strcmp(n + 1, "heetData") == 0 ? EL_SHEETDATA : EL_OTHER;
    }
    return EL_OTHER;
}

/* By local name. The names matched hold no ':', so a match on the whole name is a match on
 * the local name; only the other names are searched for a prefix. */
static int elem_id(const char *name) {
    int id = elem_id_of(name);
    if (id != EL_OTHER) return id;
    const char *n = sl_xml_local_name(name);
    return n == name ? EL_OTHER : elem_id_of(n);
}

const char *sl_xml_attr(const char **atts, const char *name) {
    for (size_t i = 0; atts[i]; i += 2)
        if (strcmp(sl_xml_local_name(atts[i]), name) == 0) return atts[i + 1];
    return NULL;
}

void sl_sheet_diag(sl_diag_fn diag, void *ud, const char *cite, const char *sheet,
                   sl_severity sev, const char *code, uint64_t record, uint64_t line,
                   const char *msg) {
    if (!diag) return;
    char src[512];
    if (sheet) sl_fmt(src, sizeof src, "%s > %s", cite, sheet);
    else sl_fmt(src, sizeof src, "%s", cite);
    sl_diag d = {sev, code, src, record, line, msg};
    diag(ud, &d);
}

static void xdiag(xctx *c, sl_severity sev, const char *code, uint64_t record, const char *msg) {
    sl_sheet_diag(c->o->diag, c->o->diag_ud, c->o->cite ? c->o->cite : "workbook", c->cur_sheet,
                  sev, code, record, record, msg);
}

/* xdiag with the code "<fmt>.<what>" (xlsx.record_too_large, ods.record_too_large). */
static void fdiag(xctx *c, sl_severity sev, const char *what, uint64_t record, const char *msg) {
    char code[48];
    sl_fmt(code, sizeof code, "%s.%s", c->fmt, what);
    xdiag(c, sev, code, record, msg);
}

static void fail(xctx *c, sl_status st, const char *msg) {
    if (!c->st) {
        c->st = st;
        sl_fmt(c->msg, sizeof c->msg, "%s", msg);
    }
    if (c->xmlp) sl_xmlp_stop(c->xmlp);
}

static int parse_uint(const char *s, uint64_t *out) {
    if (!s || !sl_isdigit((unsigned char)*s)) return 0;
    uint64_t v = 0;
    for (; sl_isdigit((unsigned char)*s); s++) {
        if (v > (UINT64_MAX - 9) / 10) return 0;
        v = v * 10 + (uint64_t)(*s - '0');
    }
    *out = v;
    return *s == '\0';
}

/* parse_uint over a slice: all n bytes digits. */
static int parse_uint_n(const char *s, size_t n, uint64_t *out) {
    if (n == 0) return 0;
    uint64_t v = 0;
    for (size_t i = 0; i < n; i++) {
        if (!sl_isdigit((unsigned char)s[i]) || v > (UINT64_MAX - 9) / 10) return 0;
        v = v * 10 + (uint64_t)(s[i] - '0');
    }
    *out = v;
    return 1;
}

/* "AB12" -> column 28 (1-based); 0 when there are no letters or too many. */
static unsigned ref_col(const char *r) {
    unsigned col = 0;
    for (; r && sl_isalpha((unsigned char)*r); r++) {
        col = col * 26 + (unsigned)(sl_toupper((unsigned char)*r) - 'A' + 1);
        if (col > XLSX_MAX_COLS) return XLSX_MAX_COLS + 1;
    }
    return col;
}

void sl_xlsx_format_number(double v, char out[32]) {
    for (int prec = 15; prec <= 17; prec++) {
        sl_fmt(out, 32, "%.*g", prec, v);
        if (strtod(out, NULL) == v) break;
    }
    if (strcmp(out, "-0") == 0) sl_fmt(out, 32, "0");
}

int sl_xlsx_format_is_date(const char *code) {
    for (const char *p = code; p && *p; p++) {
        switch (*p) {
        case '"':
            p++;
            while (*p && *p != '"') p++;
            if (!*p) return 0;
            break;
        case '[':
            while (*p && *p != ']') p++;
            if (!*p) return 0;
            break;
        case '\\': case '_': case '*':
            if (!p[1]) return 0;
            p++;
            break;
        default: {
            unsigned char l = sl_tolower((unsigned char)*p);
            if (l == 'd' || l == 'm' || l == 'y' || l == 'h' || l == 's') return 1;
        }
        }
    }
    return 0;
}

/* Reads [-]digits[.digits] of at most 18 digits whose value as an integer is at most 2^53:
 * then both the digits and the power of ten are exact doubles and one division rounds
 * correctly, giving what strtod gives (Clinger's fast path). 0: take the slow path. */
static int fast_decimal(const char *s, size_t n, double *out, size_t *int_digits,
                        size_t *frac_digits) {
#if FLT_EVAL_METHOD == 0
    static const double pow10[19] = {1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10,
                                     1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18};
    size_t i = s[0] == '-';
    uint64_t m = 0;
    size_t nint = 0, nfrac = 0;
    for (; i < n && sl_isdigit((unsigned char)s[i]); i++, nint++)
        m = m * 10 + (uint64_t)(s[i] - '0');
    if (nint == 0 || nint > 18) return 0;
    if (i < n && s[i] == '.') {
        for (i++; i < n && sl_isdigit((unsigned char)s[i]); i++, nfrac++)
            m = m * 10 + (uint64_t)(s[i] - '0');
        if (nfrac == 0 || nint + nfrac > 18) return 0;
    }
    if (i != n || m > ((uint64_t)1 << 53)) return 0;
    double d = (double)m / pow10[nfrac];
    *out = s[0] == '-' ? -d : d;
    *int_digits = nint;
    *frac_digits = nfrac;
    return 1;
#else
    (void)s; (void)n; (void)out; (void)int_digits; (void)frac_digits;
    return 0;
#endif
}

/* Whether sl_xlsx_format_number would write the decimal text s back unchanged: at most 15
 * significant digits (DBL_DIG: they survive the trip through a double), no leading zero but a
 * lone "0" before the point, no trailing zero after it, and a decimal exponent in [-4, 14]
 * (%g's fixed notation). Not "-0", which prints as "0". */
static int canonical_decimal(const char *s, size_t nint, size_t nfrac) {
    const char *d = s + (s[0] == '-');
    if (nint > 1 && d[0] == '0') return 0;
    if (nfrac == 0) return nint <= 15 && !(s[0] == '-' && d[0] == '0');
    if (d[nint + nfrac] == '0') return 0;   /* the last digit of the fraction */
    if (d[0] != '0') return nint + nfrac <= 15;
    size_t z = 0;                           /* "0.000123": leading zeros of the fraction */
    while (z < nfrac && d[2 + z] == '0') z++;
    return z <= 3 && nfrac - z <= 15;
}

size_t sl_xlsx_number_text(const char *s, size_t n, int date, char out[32]) {
    double d;
    size_t nint = 0, nfrac = 0;
    int fast = n > 0 && fast_decimal(s, n, &d, &nint, &nfrac);
    if (!fast) {
        char *end;
        d = strtod(s, &end);
        if (end == s || *end != '\0') return 0;
    }
    int64_t secs;
    if (date && sl_time_from_excel(d, &secs)) {
        char iso[21];
        sl_time_format(secs, iso);
        size_t len = strlen(iso);
        memcpy(out, iso, len + 1);
        return len;
    }
    if (fast && n < 32 && canonical_decimal(s, nint, nfrac)) {
        memcpy(out, s, n);
        out[n] = '\0';
        return n;
    }
    sl_xlsx_format_number(d, out);
    return strlen(out);
}

static int builtin_date(unsigned id) {
    return (id >= 14 && id <= 22) || (id >= 45 && id <= 47);
}

/* ---- expat plumbing ------------------------------------------------------------------------ */

/* A DOCTYPE or an entity declaration: the part is refused. */
static void refuse_entities(xctx *c) {
    c->refused = 1;
    char m[80];
    sl_fmt(m, sizeof m, "%s: entity declarations refused (possible XML bomb)", c->fmt);
    fail(c, SL_EFORMAT, m);
}

static void XMLCALL on_doctype(void *ud, const XML_Char *name, const XML_Char *sysid,
                               const XML_Char *pubid, int internal) {
    SL_UNUSED(name); SL_UNUSED(sysid); SL_UNUSED(pubid); SL_UNUSED(internal);
    refuse_entities(ud);
}

static void XMLCALL on_entity(void *ud, const XML_Char *name, int param, const XML_Char *value,
                              int vlen, const XML_Char *base, const XML_Char *sys,
                              const XML_Char *pub, const XML_Char *notation) {
    SL_UNUSED(name); SL_UNUSED(param); SL_UNUSED(value); SL_UNUSED(vlen);
    SL_UNUSED(base); SL_UNUSED(sys); SL_UNUSED(pub); SL_UNUSED(notation);
    refuse_entities(ud);
}

static void XMLCALL on_text(void *ud, const XML_Char *s, int len) {
    xctx *c = ud;
    if (!c->capture || c->in_rph || c->mute) return;
    if (sl_buf_append(c->capture, s, (size_t)len) != SL_OK) {
        if (c->capture == &c->sst) {
            char m[200];
            sl_fmt(m, sizeof m, "xlsx: shared strings exceed the cap of %zu bytes",
                   c->sst.cap_limit);
            fail(c, SL_ELIMIT, m);
        } else {
            c->val_over = 1;
        }
    }
}

/* Damaged compressed data mostly shows first as broken XML: inflate hands out garbage before
 * it notices, and a zip's CRC is only checked at the end of the entry. After an XML error the
 * rest of the entry is read (under the same inflate guard, and not parsed) to learn whether the
 * zip itself says the data is damaged (inflate failed, or the CRC or size does not match what
 * it recorded). Returns 0 when it does (er->why says how), else 1. */
static int drain_damaged(xctx *c, struct archive *a, sl_entry_reader *er, uint64_t out,
                         int64_t in0) {
    char *sink = malloc(XLSX_BLOCK);
    if (!sink) return 1;
    for (;;) {
        long n = sl_entry_read(a, er, sink, XLSX_BLOCK);
        if (n <= 0) break;
        out += (uint64_t)n;
        char why[256];
        if (sl_inflate_add_entry(&c->guard, a, in0, (uint64_t)n, out, why, sizeof why))
            break; /* the guard's limit: what was read says nothing of damage */
    }
    free(sink);
    if (er->damaged) return 0;
    if (!sl_entry_mismatch(er)) return 1;
    sl_fmt(er->why, sizeof er->why, "%s", er->warning);
    return 0;
}

/* Streams the current archive entry into a new parser: with the tokenizer in front of expat
 * when fast is set (a large part), else expat alone. hash (may be NULL) gets the bytes. */
static sl_status parse_entry(xctx *c, struct archive *a, const char *part, int fast,
                             XML_StartElementHandler start, XML_EndElementHandler end,
                             sl_sha256 *hash, uint64_t *nbytes) {
    c->st = SL_OK;
    c->refused = c->stopped = 0;
    c->msg[0] = '\0';
    sl_xmlp_def def = {c, start, end, on_text, on_doctype, on_entity,
                       !fast || c->o->expat_only, "UTF-8"};
    /* No DOCTYPE is accepted (the handlers refuse it), so no entity can be declared: expansion
     * is bounded by the input itself; expat >= 2.4 also guards amplification by default. */
    c->xmlp = sl_xmlp_new(&def);
    if (!c->xmlp) return SL_ENOMEM;
    uint64_t out = 0;
    int64_t in0 = archive_filter_bytes(a, -1), reported = in0;
    sl_entry_reader er = {0}; /* rows before damage in a sheet are read, then it is reported */
    for (;;) {
        void *buf = sl_xmlp_buffer(c->xmlp, XLSX_BLOCK);
        if (!buf) { fail(c, SL_ENOMEM, "out of memory"); break; }
        long n = sl_entry_read(a, &er, buf, XLSX_BLOCK);
        if (n < 0) {
            char m[400];
            sl_fmt(m, sizeof m, "%s: cannot decompress %s past byte %llu: %s", c->fmt,
                   c->cur_sheet ? "sheet" : "part", (unsigned long long)out, er.why);
            fail(c, SL_EFORMAT, m);
            break;
        }
        out += (uint64_t)n;
        int64_t now = c->o->progress ? archive_filter_bytes(a, -1) : reported;
        if (now > reported) {
            c->o->progress(c->o->progress_ud, (uint64_t)(now - reported));
            reported = now;
        }
        char why[256];
        if (sl_inflate_add_entry(&c->guard, a, in0, (uint64_t)n, out, why, sizeof why)) {
            char m[320];
            sl_fmt(m, sizeof m, "%s: refused: %s", c->fmt, why);
            fail(c, SL_ELIMIT, m);
            break;
        }
        if (hash && n > 0) sl_sha256_update(hash, buf, (size_t)n);
        if (sl_xmlp_parse(c->xmlp, (size_t)n, n == 0)) {
            if (!c->st && !c->stopped && sl_xmlp_out_of_memory(c->xmlp)) {
                fail(c, SL_ENOMEM, "out of memory");
            } else if (!c->st && !c->stopped) {
                char m[sizeof c->msg];
                const char *what = c->cur_sheet ? "sheet" : "part";
                long long at = sl_xmlp_byte(c->xmlp);
                if (!drain_damaged(c, a, &er, out, in0))
                    sl_fmt(m, sizeof m, "%s: the %s's compressed data is damaged (%s); its "
                           "XML broke at byte %lld", c->fmt, what, er.why, at);
                else /* a sheet is one long line: the byte says where, the line rarely does */
                    sl_fmt(m, sizeof m, "%s: malformed XML at line %lu, byte %lld of the %s: %s",
                           c->fmt, sl_xmlp_line(c->xmlp), at, what, sl_xmlp_error(c->xmlp));
                fail(c, SL_EFORMAT, m);
            }
            break;
        }
        if (n == 0) break;
    }
    if (!c->st && er.warned) {
        char m[400];
        int mismatch = sl_entry_mismatch(&er);
        if (mismatch)
            sl_fmt(m, sizeof m, "%s: the content of %s does not match what the zip recorded "
                   "(%s): it was read as found, but some values may be damaged; check them "
                   "against another copy", c->fmt, part, er.warning);
        else
            sl_fmt(m, sizeof m, "%s: the zip reader warned while reading %s (%s): it was "
                   "read as found", c->fmt, part, er.warning);
        fdiag(c, SL_DIAG_WARN, mismatch ? "bad_checksum" : "warning", 0, m);
    }
    sl_xmlp_free(c->xmlp);
    c->xmlp = NULL;
    if (nbytes) *nbytes = out;
    return c->st;
}

/* ---- workbook.xml and rels --------------------------------------------------------------------- */

static void XMLCALL wb_start(void *ud, const XML_Char *name, const XML_Char **atts) {
    xctx *c = ud;
    if (strcmp(sl_xml_local_name(name), "sheet") != 0) return;
    const char *n = sl_xml_attr(atts, "name"), *rid = sl_xml_attr(atts, "id");
    if (!n || !rid) return;
    sheet_def *ns = sl_reallocarray(c->sheets, c->nsheets + 1, sizeof *ns);
    if (!ns) { fail(c, SL_ENOMEM, "xlsx: out of memory"); return; }
    c->sheets = ns;
    sheet_def *s = &ns[c->nsheets];
    s->name = sl_strdup(n);
    s->rid = sl_strdup(rid);
    s->part = NULL;
    if (!s->name || !s->rid) {
        free(s->name); free(s->rid);
        fail(c, SL_ENOMEM, "xlsx: out of memory");
        return;
    }
    c->nsheets++;
}

static void XMLCALL no_end(void *ud, const XML_Char *name) { SL_UNUSED(ud); SL_UNUSED(name); }

static void XMLCALL rels_start(void *ud, const XML_Char *name, const XML_Char **atts) {
    xctx *c = ud;
    if (strcmp(sl_xml_local_name(name), "Relationship") != 0) return;
    const char *id = sl_xml_attr(atts, "Id"), *t = sl_xml_attr(atts, "Target");
    if (!id || !t) return;
    rel_def *nr = sl_reallocarray(c->rels, c->nrels + 1, sizeof *nr);
    if (!nr) { fail(c, SL_ENOMEM, "xlsx: out of memory"); return; }
    c->rels = nr;
    rel_def *r = &nr[c->nrels];
    r->id = sl_strdup(id);
    /* Targets are relative to xl/ unless absolute ("/xl/worksheets/sheet1.xml"). */
    sl_buf b = {0};
    if (t[0] == '/') sl_buf_puts(&b, t + 1);
    else { sl_buf_puts(&b, "xl/"); sl_buf_puts(&b, t); }
    if (sl_buf_nul(&b) != SL_OK || !r->id) {
        free(r->id); sl_buf_free(&b);
        fail(c, SL_ENOMEM, "xlsx: out of memory");
        return;
    }
    r->target = b.p;
    c->nrels++;
}

/* ---- sharedStrings.xml -------------------------------------------------------------------- */

static sl_status sst_push(xctx *c, size_t off) {
    if (c->nsst + 1 >= c->cap_sst) {
        size_t nc = c->cap_sst ? c->cap_sst * 2 : 1024;
        size_t *no = sl_reallocarray(c->sst_off, nc, sizeof *no);
        if (!no) return SL_ENOMEM;
        c->sst_off = no;
        c->cap_sst = nc;
    }
    c->sst_off[c->nsst++] = off;
    return SL_OK;
}

static void XMLCALL sst_start(void *ud, const XML_Char *name, const XML_Char **atts) {
    SL_UNUSED(atts);
    xctx *c = ud;
    switch (elem_id(name)) {
    case EL_SI:
        c->in_si = 1;
        if (sst_push(c, c->sst.len) != SL_OK) fail(c, SL_ENOMEM, "xlsx: out of memory");
        break;
    case EL_RPH:
        c->in_rph = 1;
        break;
    case EL_T:
        if (c->in_si) c->capture = &c->sst;
        break;
    }
}

static void XMLCALL sst_end(void *ud, const XML_Char *name) {
    xctx *c = ud;
    switch (elem_id(name)) {
    case EL_T: c->capture = NULL; break;
    case EL_RPH: c->in_rph = 0; break;
    case EL_SI: c->in_si = 0; break;
    }
}

/* ---- styles.xml ----------------------------------------------------------------------------- */

static void XMLCALL sty_start(void *ud, const XML_Char *name, const XML_Char **atts) {
    xctx *c = ud;
    const char *n = sl_xml_local_name(name);
    uint64_t id = 0;
    if (strcmp(n, "numFmt") == 0) {
        const char *code = sl_xml_attr(atts, "formatCode");
        if (!parse_uint(sl_xml_attr(atts, "numFmtId"), &id) || !code || id > 0xFFFF) return;
        numfmt_def *nf = sl_reallocarray(c->fmts, c->nfmts + 1, sizeof *nf);
        if (!nf) { fail(c, SL_ENOMEM, "xlsx: out of memory"); return; }
        c->fmts = nf;
        nf[c->nfmts].id = (unsigned)id;
        nf[c->nfmts].date = sl_xlsx_format_is_date(code);
        c->nfmts++;
    } else if (strcmp(n, "cellXfs") == 0) {
        c->in_cellxfs = 1;
    } else if (strcmp(n, "xf") == 0 && c->in_cellxfs) {
        unsigned char *nx = realloc(c->xf_date, c->nxf + 1);
        if (!nx) { fail(c, SL_ENOMEM, "xlsx: out of memory"); return; }
        c->xf_date = nx;
        int date = 0;
        if (parse_uint(sl_xml_attr(atts, "numFmtId"), &id) && id <= 0xFFFF) {
            date = builtin_date((unsigned)id);
            for (size_t i = 0; i < c->nfmts; i++)
                if (c->fmts[i].id == id) date = c->fmts[i].date;
        }
        nx[c->nxf++] = (unsigned char)date;
    }
}

static void XMLCALL sty_end(void *ud, const XML_Char *name) {
    xctx *c = ud;
    if (strcmp(sl_xml_local_name(name), "cellXfs") == 0) c->in_cellxfs = 0;
}

/* ---- sheets --------------------------------------------------------------------------------- */

static int row_add_cell(xctx *c, unsigned col, const char *p, size_t len) {
    if (col == 0 || col <= c->ncells) col = (unsigned)c->ncells + 1; /* missing or backwards r */
    if (col > XLSX_MAX_COLS) {
        if (!c->cols_warned) {
            c->cols_warned = 1;
            fdiag(c, SL_DIAG_WARN, "too_many_columns", c->rownum,
                  "cells beyond column XFD (16,384) ignored");
        }
        return 0;
    }
    if (col > c->cap_cells) {
        size_t nc = c->cap_cells ? c->cap_cells : 64;
        while (nc < col) nc *= 2;
        cell_ref *n = sl_reallocarray(c->cells, nc, sizeof *n);
        if (!n) return -1;
        c->cells = n;
        c->cap_cells = nc;
    }
    while (c->ncells + 1 < col) c->cells[c->ncells++] = (cell_ref){c->row.len, 0};
    if (sl_buf_append(&c->row, p, len) != SL_OK) {
        c->row_over = 1;
        len = 0;
    }
    c->cells[c->ncells++] = (cell_ref){c->row.len - len, len};
    return 0;
}

static void cell_done(xctx *c) {
    const char *v = c->val.p ? c->val.p : "";
    size_t vlen = c->val.len;
    char tmp[32];
    uint64_t idx;
    if (c->val_over) {
        c->row_over = 1;
        vlen = 0;
    } else if (c->ctype == CT_SST) {
        if (parse_uint_n(v, vlen, &idx) && idx < c->nsst) {
            v = c->sst.p + c->sst_off[idx];
            vlen = c->sst_off[idx + 1] - c->sst_off[idx];
        } else if (vlen) {
            xdiag(c, SL_DIAG_WARN, "xlsx.bad_shared_string", c->rownum,
                  "a cell refers to a shared string that does not exist; read as empty");
            vlen = 0;
        }
    } else if (c->ctype == CT_BOOL) {
        if (vlen == 1 && v[0] == '1') { v = "TRUE"; vlen = 4; }
        else if (vlen == 1 && v[0] == '0') { v = "FALSE"; vlen = 5; }
    } else if (c->ctype == CT_NUM && vlen) {
        if (sl_buf_nul(&c->val) != SL_OK) { fail(c, SL_ENOMEM, "xlsx: out of memory"); return; }
        int date = c->style < c->nxf && c->xf_date[c->style];
        size_t n = sl_xlsx_number_text(c->val.p, vlen, date, tmp);
        if (n) {
            v = tmp;
            vlen = n;
        }
    }
    /* inlineStr, str, e, d: the captured text as is. */
    if (row_add_cell(c, c->col, v, vlen) < 0) fail(c, SL_ENOMEM, "out of memory");
}

/* first_line: the cells tab-joined, line breaks as spaces. One copy per cell when the line
 * fits its cap; byte by byte (cut at the cap) when it does not. */
static void line_build(xctx *c) {
    sl_buf_reset(&c->line);
    size_t need = c->row.len + (c->ncells ? c->ncells - 1 : 0);
    if (sl_buf_reserve(&c->line, need) == SL_OK) {
        char *o = c->line.p;
        for (size_t i = 0; i < c->ncells; i++) {
            if (i) *o++ = '\t';
            memcpy(o, c->slices[i].p, c->slices[i].len);
            o += c->slices[i].len;
        }
        c->line.len = (size_t)(o - c->line.p);
        for (int k = 0; k < 2; k++) { /* line breaks are rare: memchr skips ahead */
            char *q = c->line.p, *e = o;
            while ((q = memchr(q, k ? '\r' : '\n', (size_t)(e - q))) != NULL) *q++ = ' ';
        }
        return;
    }
    for (size_t i = 0; i < c->ncells; i++) {
        if (i && sl_buf_putc(&c->line, '\t') != SL_OK) break;
        for (size_t k = 0; k < c->slices[i].len; k++) {
            char ch = c->slices[i].p[k];
            if (sl_buf_putc(&c->line, ch == '\n' || ch == '\r' ? ' ' : ch) != SL_OK) break;
        }
    }
}

/* Cell i's text in the row buffer (which is not allocated until a cell holds text). */
static const char *cell_text(const xctx *c, size_t i) {
    return c->row.p ? c->row.p + c->cells[i].off : "";
}

/* Whether the row gathered holds no text but blanks (a row over the cap is not blank). */
static int row_blank(const xctx *c) {
    if (c->row_over) return 0;
    for (size_t i = 0; i < c->ncells; i++) {
        sl_slice s = {cell_text(c, i), c->cells[i].len};
        if (sl_trim(s).len) return 0;
    }
    return 1;
}

static void row_done(xctx *c) {
    if (row_blank(c)) return;
    sl_xlsx_sheet *sh = c->sh;
    if (c->rownum > c->last_emitted) sh->blank_rows += c->rownum - c->last_emitted - 1;
    c->last_emitted = c->rownum;
    sh->rows++;
    if (c->ncells > c->cap_slices) {
        sl_slice *ns = sl_reallocarray(c->slices, c->ncells, sizeof *ns);
        if (!ns) { fail(c, SL_ENOMEM, "out of memory"); return; }
        c->slices = ns;
        c->cap_slices = c->ncells;
    }
    for (size_t i = 0; i < c->ncells; i++)
        c->slices[i] = (sl_slice){cell_text(c, i), c->cells[i].len};
    line_build(c);
    sl_csv_row r = {0};
    r.cells = c->slices;
    r.ncells = c->row_over ? 0 : c->ncells;
    r.record = r.line = c->rownum;
    r.first_line = (sl_slice){c->line.p ? c->line.p : "", c->line.len};
    r.nlines = 1;
    r.err = c->row_over ? SL_CSV_TOO_LARGE : SL_CSV_OK;
    if (c->row_over) {
        char m[160];
        sl_fmt(m, sizeof m, "row larger than %zu bytes: skipped", c->row.cap_limit);
        fdiag(c, SL_DIAG_WARN, "record_too_large", c->rownum, m);
    }
    if (c->cb->row && c->cb->row(c->cb->ud, sh, &r)) {
        if (c->ods) { /* one part holds every table: the parser goes on with the next */
            c->table_skip = 1;
            return;
        }
        c->stopped = 1;
        sl_xmlp_stop(c->xmlp);
    }
}

static void row_start(xctx *c, const XML_Char **atts) {
    const char *r = NULL;
    for (size_t i = 0; atts[i] && !r; i += 2) {
        const char *an = sl_xml_local_name(atts[i]);
        if (an[0] == 'r' && an[1] == '\0') r = atts[i + 1];
    }
    uint64_t n;
    c->rownum = parse_uint(r, &n) && n > 0 ? n : c->rownum + 1;
    sl_buf_reset(&c->row);
    c->ncells = 0;
    c->row_over = 0;
}

/* <c r="B7" t="s" s="3">: one pass over the attributes (the first of each name counts). */
static void cell_start(xctx *c, const XML_Char **atts) {
    const char *r = NULL, *t = NULL, *s = NULL;
    for (size_t i = 0; atts[i]; i += 2) {
        const char *an = sl_xml_local_name(atts[i]);
        if (an[0] == '\0' || an[1] != '\0') continue;
        if (an[0] == 'r') { if (!r) r = atts[i + 1]; }
        else if (an[0] == 't') { if (!t) t = atts[i + 1]; }
        else if (an[0] == 's') { if (!s) s = atts[i + 1]; }
    }
    c->in_c = 1;
    c->col = ref_col(r);
    if (!t || t[0] == '\0' || (t[0] == 'n' && t[1] == '\0')) c->ctype = CT_NUM;
    else if (t[0] == 's' && t[1] == '\0') c->ctype = CT_SST;
    else if (t[0] == 'b' && t[1] == '\0') c->ctype = CT_BOOL;
    else c->ctype = CT_TEXT;
    uint64_t st = 0;
    c->style = parse_uint(s, &st) && st < UINT32_MAX ? (unsigned)st : 0;
    sl_buf_reset(&c->val);
    c->val_over = 0;
}

static void XMLCALL sh_start(void *ud, const XML_Char *name, const XML_Char **atts) {
    xctx *c = ud;
    int el = elem_id(name);
    if (!c->in_sheetdata) {
        if (el == EL_SHEETDATA) c->in_sheetdata = 1;
        return;
    }
    switch (el) {
    case EL_C: cell_start(c, atts); break;
    case EL_ROW: row_start(c, atts); break;
    case EL_V: if (c->in_c) c->capture = &c->val; break;
    case EL_IS: if (c->in_c) c->in_is = 1; break;
    case EL_RPH: if (c->in_c) c->in_rph = 1; break;
    case EL_T: if (c->in_c && c->in_is) c->capture = &c->val; break;
    }
}

static void XMLCALL sh_end(void *ud, const XML_Char *name) {
    xctx *c = ud;
    if (!c->in_sheetdata) return;
    switch (elem_id(name)) {
    case EL_V: case EL_T: c->capture = NULL; break;
    case EL_RPH: c->in_rph = 0; break;
    case EL_IS: c->in_is = 0; break;
    case EL_C:
        c->capture = NULL;
        c->in_c = 0;
        cell_done(c);
        break;
    case EL_ROW: row_done(c); break;
    case EL_SHEETDATA: c->in_sheetdata = 0; break;
    }
}

/* ---- the two passes ---------------------------------------------------------------------------- */

static struct archive *open_zip(int fd, xctx *c) {
    if (lseek(fd, 0, SEEK_SET) < 0) {
        fail(c, SL_EIO, "cannot rewind the workbook");
        return NULL;
    }
    struct archive *a = archive_read_new();
    if (!a) return NULL;
    archive_read_support_format_zip_seekable(a);
    if (archive_read_open_fd(a, fd, XLSX_BLOCK) != ARCHIVE_OK) {
        char m[300];
        sl_fmt(m, sizeof m, "%s: not a readable zip: %s", c->fmt,
               archive_error_string(a) ? archive_error_string(a) : "unknown error");
        fail(c, SL_EFORMAT, m);
        archive_read_free(a);
        return NULL;
    }
    return a;
}

static void report(xctx *c, const char *code) {
    char refused[48];
    sl_fmt(refused, sizeof refused, "%s.xml_refused", c->fmt);
    xdiag(c, SL_DIAG_ERROR, c->refused ? refused : code, 0, c->msg);
}

static sl_status pass_meta(xctx *c, int fd) {
    struct archive *a = open_zip(fd, c);
    if (!a) { report(c, "xlsx.not_zip"); return c->st ? c->st : SL_ENOMEM; }
    struct archive_entry *e;
    int have_wb = 0;
    sl_status worst = SL_OK;
    int r;
    while ((r = archive_read_next_header(a, &e)) == ARCHIVE_OK) {
        const char *n = archive_entry_pathname(e);
        sl_status st = SL_OK;
        if (!n) continue;
        if (strcmp(n, "xl/workbook.xml") == 0) {
            have_wb = 1;
            st = parse_entry(c, a, n, 0, wb_start, no_end, NULL, NULL);
        } else if (strcmp(n, "xl/_rels/workbook.xml.rels") == 0) {
            st = parse_entry(c, a, n, 0, rels_start, no_end, NULL, NULL);
        } else if (strcmp(n, "xl/sharedStrings.xml") == 0) {
            st = parse_entry(c, a, n, 1, sst_start, sst_end, NULL, NULL);
            c->capture = NULL;
        } else if (strcmp(n, "xl/styles.xml") == 0) {
            st = parse_entry(c, a, n, 0, sty_start, sty_end, NULL, NULL);
        }
        if (st) {
            char m[400];
            sl_fmt(m, sizeof m, "%s (in %s)", c->msg, n);
            sl_fmt(c->msg, sizeof c->msg, "%s", m);
            report(c, "xlsx.part");
            worst = st;
            if (st == SL_ELIMIT || st == SL_ENOMEM || c->refused) break;
        }
    }
    if (r != ARCHIVE_EOF && r != ARCHIVE_OK && !worst) {
        sl_fmt(c->msg, sizeof c->msg, "xlsx: damaged zip: %s",
               archive_error_string(a) ? archive_error_string(a) : "unknown error");
        report(c, "xlsx.damaged_zip");
        worst = SL_EFORMAT;
    }
    archive_read_free(a);
    if (worst) return worst;
    if (!have_wb) {
        sl_fmt(c->msg, sizeof c->msg, "xlsx: no xl/workbook.xml: not an Excel workbook");
        report(c, "xlsx.no_workbook");
        return SL_EFORMAT;
    }
    /* Terminal offset so that string i spans [off[i], off[i+1]). */
    if (sst_push(c, c->sst.len) != SL_OK) return SL_ENOMEM;
    c->nsst--;
    for (size_t i = 0; i < c->nsheets; i++)
        for (size_t k = 0; k < c->nrels; k++)
            if (c->rels[k].id && strcmp(c->rels[k].id, c->sheets[i].rid) == 0)
                c->sheets[i].part = c->rels[k].target;
    return SL_OK;
}

static sl_status pass_sheet(xctx *c, int fd, sl_xlsx_sheet *sh) {
    struct archive *a = open_zip(fd, c);
    if (!a) { report(c, "xlsx.not_zip"); return c->st ? c->st : SL_ENOMEM; }
    struct archive_entry *e;
    int found = 0;
    sl_status st = SL_OK;
    while (archive_read_next_header(a, &e) == ARCHIVE_OK) {
        const char *n = archive_entry_pathname(e);
        if (!n || strcmp(n, sh->part) != 0) continue;
        found = 1;
        sl_sha256 *h = sl_sha256_new();
        c->in_sheetdata = c->in_c = c->in_is = c->in_rph = 0;
        c->rownum = c->last_emitted = 0;
        c->cols_warned = 0;
        st = parse_entry(c, a, sh->part, 1, sh_start, sh_end, h, &sh->xml_bytes);
        c->capture = NULL;
        if (h) {
            if (!st && !c->stopped) sl_sha256_final(h, sh->sha256);
            sl_sha256_free(h);
        }
        if (st && !c->refused && c->last_emitted) {
            char m[sizeof c->msg + 80];
            sl_fmt(m, sizeof m, "%s; rows after row %llu, the last one read, are lost", c->msg,
                   (unsigned long long)c->last_emitted);
            sl_fmt(c->msg, sizeof c->msg, "%s", m);
        }
        if (st) report(c, "xlsx.sheet");
        break;
    }
    archive_read_free(a);
    if (!found) {
        sl_fmt(c->msg, sizeof c->msg, "xlsx: sheet part %s is missing from the zip", sh->part);
        report(c, "xlsx.missing_sheet");
        return SL_EFORMAT;
    }
    return st;
}

/* An OpenDocument package's "mimetype" member (stored first, uncompressed) names its kind. */
static sl_zip_kind odf_kind(struct archive *a) {
    static const char pre[] = "application/vnd.oasis.opendocument.";
    char m[80];
    la_ssize_t n = archive_read_data(a, m, sizeof m - 1);
    if (n <= 0) return SL_ZIP_ARCHIVE;
    m[n] = '\0';
    if (strncmp(m, pre, sizeof pre - 1) != 0) return SL_ZIP_ARCHIVE;
    const char *k = m + sizeof pre - 1;
    if (!strncmp(k, "text", 4)) return SL_ZIP_ODF_TEXT;
    if (!strncmp(k, "presentation", 12)) return SL_ZIP_ODF_PRESENTATION;
    if (!strncmp(k, "spreadsheet", 11)) return SL_ZIP_ODF_SPREADSHEET;
    return SL_ZIP_ARCHIVE;
}

sl_zip_kind sl_xlsx_probe_fd(int fd) {
    if (lseek(fd, 0, SEEK_SET) < 0) return SL_ZIP_ARCHIVE;
    struct archive *a = archive_read_new();
    if (!a) return SL_ZIP_ARCHIVE;
    archive_read_support_format_zip_seekable(a);
    sl_zip_kind k = SL_ZIP_ARCHIVE;
    if (archive_read_open_fd(a, fd, XLSX_BLOCK) == ARCHIVE_OK) {
        struct archive_entry *e;
        while (k == SL_ZIP_ARCHIVE && archive_read_next_header(a, &e) == ARCHIVE_OK) {
            const char *n = archive_entry_pathname(e);
            if (!n) continue;
            if (!strcmp(n, "xl/workbook.xml")) k = SL_ZIP_WORKBOOK;
            else if (!strcmp(n, "word/document.xml")) k = SL_ZIP_WORD;
            else if (!strcmp(n, "ppt/presentation.xml")) k = SL_ZIP_POWERPOINT;
            else if (!strcmp(n, "mimetype")) k = odf_kind(a);
        }
    }
    archive_read_free(a);
    lseek(fd, 0, SEEK_SET);
    return k;
}

const char *sl_zip_kind_unread(sl_zip_kind k) {
    switch (k) {
    case SL_ZIP_POWERPOINT: return "PowerPoint presentation";
    case SL_ZIP_ODF_PRESENTATION: return "OpenDocument presentation";
    case SL_ZIP_ARCHIVE:
    case SL_ZIP_WORKBOOK:
    case SL_ZIP_WORD:
    case SL_ZIP_ODF_TEXT:
    case SL_ZIP_ODF_SPREADSHEET: break;
    }
    return NULL;
}

static xctx *xctx_new(const sl_xlsx_opts *opts, const sl_xlsx_cb *cb, const char *fmt) {
    xctx *c = calloc(1, sizeof *c);
    if (!c) return NULL;
    c->o = opts;
    c->fmt = fmt;
    c->cb = cb;
    c->guard.max_total = opts->max_inflate;
    c->sst.cap_limit = opts->max_shared ? opts->max_shared : ((size_t)1 << 30);
    size_t maxrec = opts->max_record ? opts->max_record : ((size_t)1 << 20);
    c->val.cap_limit = maxrec;
    c->row.cap_limit = maxrec;
    c->line.cap_limit = maxrec;
    return c;
}

static void xctx_free(xctx *c);

sl_status sl_xlsx_read_fd(int fd, const sl_xlsx_opts *opts, const sl_xlsx_cb *cb) {
    xctx *c = xctx_new(opts, cb, "xlsx");
    if (!c) return SL_ENOMEM;
    sl_status worst = pass_meta(c, fd);
    int damaged = 0;
    for (size_t i = 0; !worst && i < c->nsheets; i++) {
        sl_xlsx_sheet sh = {0};
        sh.name = c->sheets[i].name;
        sh.index = (unsigned)i;
        sh.part = c->sheets[i].part;
        c->cur_sheet = sh.name;
        if (!sh.part) {
            sl_fmt(c->msg, sizeof c->msg, "xlsx: sheet \"%s\" has no part in workbook.xml.rels",
                   sh.name);
            report(c, "xlsx.missing_sheet");
            c->cur_sheet = NULL;
            continue;
        }
        if (cb->sheet_begin && cb->sheet_begin(cb->ud, &sh)) { c->cur_sheet = NULL; continue; }
        c->sh = &sh;
        sl_status st = pass_sheet(c, fd, &sh);
        sh.failed = st != SL_OK;
        if (cb->sheet_end) cb->sheet_end(cb->ud, &sh);
        c->sh = NULL;
        c->cur_sheet = NULL;
        if (st == SL_EFORMAT) damaged = 1; /* reported; go on with the other sheets */
        else if (st) worst = st;
    }
    if (!worst && damaged) worst = SL_EFORMAT;
    xctx_free(c);
    return worst;
}

static void xctx_free(xctx *c) {
    for (size_t i = 0; i < c->nsheets; i++) { free(c->sheets[i].name); free(c->sheets[i].rid); }
    for (size_t i = 0; i < c->nrels; i++) { free(c->rels[i].id); free(c->rels[i].target); }
    free(c->sheets);
    free(c->rels);
    sl_buf_free(&c->sst);
    free(c->sst_off);
    free(c->fmts);
    free(c->xf_date);
    sl_buf_free(&c->val);
    sl_buf_free(&c->row);
    sl_buf_free(&c->line);
    free(c->cells);
    free(c->slices);
    sl_buf_free(&c->tname);
    for (size_t i = 0; i < c->nvm; i++) sl_buf_free(&c->vm[i]);
    free(c->vm);
    free(c);
}

/* ---- OpenDocument spreadsheets ------------------------------------------------------------------
 * content.xml: <office:spreadsheet> of <table:table table:name> of <table:table-row> of
 * <table:table-cell office:value-type office:value|date-value|time-value|boolean-value> holding
 * <text:p> paragraphs (<text:s text:c> spaces, <text:tab/>, <text:line-break/>, <text:span>,
 * <text:a>). LibreOffice stores a run of equal cells or rows once with a repeat count
 * (table:number-columns-repeated, table:number-rows-repeated), the empty ones at a sheet's
 * right and bottom edges with counts in the thousands or millions. */

enum { OT_TEXT, OT_FLOAT, OT_DATE, OT_TIME, OT_BOOL };

/* A repeat attribute: 1 when absent or not a number, else at least 1. */
static uint64_t ods_repeat(const char *v) {
    uint64_t n;
    return parse_uint(v, &n) && n > 0 ? n : 1;
}

static void ods_append(xctx *c, const char *p, size_t n) {
    if (c->capture && sl_buf_append(c->capture, p, n) != SL_OK) c->val_over = 1;
}

/* A new row, to be handed out rep times. */
static void ods_row_begin(xctx *c, uint64_t rep) {
    sl_buf_reset(&c->row);
    c->ncells = 0;
    c->row_over = 0;
    c->ocol = 1;
    c->row_rep = rep;
}

/* A table begins: named by its table:name, else "Sheet1" in a spreadsheet and "table 1" in a
 * text document (Word's tables have no names), as a web page's are. */
static void ods_table_begin(xctx *c, const XML_Char **atts) {
    const char *name = atts ? sl_xml_attr(atts, "name") : NULL;
    sl_buf_reset(&c->tname);
    if (name && *name) sl_buf_puts(&c->tname, name);
    else sl_buf_printf(&c->tname, c->doc ? "table %u" : "Sheet%u", c->ntables + 1);
    if (sl_buf_nul(&c->tname) != SL_OK) { fail(c, SL_ENOMEM, "out of memory"); return; }
    memset(&c->osh, 0, sizeof c->osh);
    c->osh.name = c->tname.p;
    c->osh.part = "content.xml";
    c->osh.index = c->ntables++;
    sl_fmt(c->osh.sha256, sizeof c->osh.sha256, "%s", c->file_sha ? c->file_sha : "");
    c->in_table = 1;
    c->inner = 0;
    c->table_skip = 0;
    for (size_t i = 0; i < c->nvm; i++) sl_buf_reset(&c->vm[i]);
    c->vm_said = 0;
    ods_row_begin(c, 1);
    c->rownum = c->last_emitted = 0;
    c->cols_warned = 0;
    c->table_at = sl_xmlp_byte(c->xmlp);
    c->sh = &c->osh;
    c->cur_sheet = c->osh.name;
    if (c->cb->sheet_begin && c->cb->sheet_begin(c->cb->ud, &c->osh)) c->table_skip = 2;
}

/* failed: the XML broke inside the table (the parser is gone; content_out is where). */
static void ods_table_end(xctx *c, int failed) {
    long long now = c->xmlp ? sl_xmlp_byte(c->xmlp) : (long long)c->content_out;
    c->osh.xml_bytes = now > c->table_at ? (uint64_t)(now - c->table_at) : 0;
    c->osh.failed = failed;
    if (c->table_skip != 2 && c->cb->sheet_end) c->cb->sheet_end(c->cb->ud, &c->osh);
    c->in_table = c->in_c = 0;
    c->capture = NULL;
    c->mute = 0;
    c->sh = NULL;
    c->cur_sheet = NULL;
}

static void ods_cell_start(xctx *c, const XML_Char **atts) {
    const char *type = NULL, *val = NULL, *date = NULL, *time = NULL, *bval = NULL, *rep = NULL,
               *sval = NULL;
    for (size_t i = 0; atts[i]; i += 2) {
        const char *an = atts[i], *ln = sl_xml_local_name(an);
        /* office:value-type, not LibreOffice's calcext:value-type beside it */
        if (!strcmp(ln, "value-type")) { if (!type || !strncmp(an, "office:", 7)) type = atts[i + 1]; }
        else if (!strcmp(ln, "value")) val = atts[i + 1];
        else if (!strcmp(ln, "date-value")) date = atts[i + 1];
        else if (!strcmp(ln, "time-value")) time = atts[i + 1];
        else if (!strcmp(ln, "boolean-value")) bval = atts[i + 1];
        else if (!strcmp(ln, "string-value")) sval = atts[i + 1];
        else if (!strcmp(ln, "number-columns-repeated")) rep = atts[i + 1];
    }
    const char *v = NULL;
    c->otype = OT_TEXT;
    if (type && (!strcmp(type, "float") || !strcmp(type, "percentage") || !strcmp(type, "currency"))) {
        c->otype = OT_FLOAT;
        v = val;
    } else if (type && !strcmp(type, "date")) {
        c->otype = OT_DATE;
        v = date;
    } else if (type && !strcmp(type, "time")) {
        c->otype = OT_TIME;
        v = time;
    } else if (type && !strcmp(type, "boolean")) {
        c->otype = OT_BOOL;
        v = bval;
    }
    c->ovlen = v ? strlen(v) : 0;
    if (c->ovlen >= sizeof c->oval) c->ovlen = 0; /* no such value is this long: the text */
    memcpy(c->oval, v ? v : "", c->ovlen);
    c->oval[c->ovlen] = '\0';
    c->col_rep = ods_repeat(rep);
    c->in_c = 1;
    c->paras = 0;
    c->mute = 0;
    sl_buf_reset(&c->val);
    c->val_over = 0;
    /* A writer may give a string cell's text as an attribute; it then stands for the cell. */
    c->strval = sval && c->otype == OT_TEXT;
    if (c->strval && sl_buf_puts(&c->val, sval) != SL_OK) c->val_over = 1;
}

/* "2025-10-01T06:59:22[.fff]" or "2025-10-01" (the time of a spreadsheet has no zone: UTC,
 * as every time here) -> "2025-10-01T06:59:22Z". 0 when it is neither. */
static size_t ods_date(const char *v, size_t n, char out[32]) {
    char z[40];
    if (n < 10 || n > 32) return 0;
    if (n == 10) sl_fmt(z, sizeof z, "%sT00:00:00Z", v);
    else sl_fmt(z, sizeof z, "%sZ", v);
    int64_t t;
    if (!sl_time_parse(z, strlen(z), &t)) return 0;
    char iso[21];
    sl_time_format(t, iso);
    memcpy(out, iso, sizeof iso);
    return strlen(iso);
}

/* "PT13H02M33S" (hours may pass 24; seconds may have a fraction, cut) -> "13:02:33". */
static size_t ods_time(const char *v, char out[32]) {
    if (v[0] != 'P' || v[1] != 'T') return 0;
    uint64_t part[3] = {0, 0, 0};
    static const char unit[3] = {'H', 'M', 'S'};
    const char *p = v + 2;
    for (int k = 0; k < 3; k++) {
        uint64_t x = 0;
        size_t nd = 0;
        for (; sl_isdigit((unsigned char)*p) && nd < 9; p++, nd++) x = x * 10 + (uint64_t)(*p - '0');
        if (k == 2 && *p == '.') {
            for (p++; sl_isdigit((unsigned char)*p); p++) {}
        }
        if (!nd || *p != unit[k]) return 0;
        part[k] = x;
        p++;
    }
    if (*p || part[1] > 59 || part[2] > 59) return 0;
    sl_fmt(out, 32, "%02llu:%02llu:%02llu", (unsigned long long)part[0],
           (unsigned long long)part[1], (unsigned long long)part[2]);
    return strlen(out);
}

static void ods_cell_done(xctx *c) {
    const char *v = c->val.p ? c->val.p : "";
    size_t vlen = c->val.len, n = 0;
    char tmp[32];
    if (c->val_over) {
        c->row_over = 1;
        vlen = 0;
    } else if (c->ovlen) {
        switch (c->otype) {
        case OT_FLOAT: n = sl_xlsx_number_text(c->oval, c->ovlen, 0, tmp); break;
        case OT_DATE: n = ods_date(c->oval, c->ovlen, tmp); break;
        case OT_TIME: n = ods_time(c->oval, tmp); break;
        case OT_BOOL:
            if (!strcmp(c->oval, "true")) n = 4, memcpy(tmp, "TRUE", 5);
            else if (!strcmp(c->oval, "false")) n = 5, memcpy(tmp, "FALSE", 6);
            break;
        }
        if (n) { /* the value, not its display ("1,234", "10/01/25") */
            v = tmp;
            vlen = n;
        }
    }
    uint64_t rep = c->col_rep;
    if (!vlen) { /* empty cells only move the column: a sheet's edge repeats them by thousands */
        c->ocol = c->ocol + rep > XLSX_MAX_COLS + 1 ? XLSX_MAX_COLS + 1 : c->ocol + rep;
        return;
    }
    for (uint64_t k = 0; k < rep; k++) {
        if (row_add_cell(c, (unsigned)c->ocol, v, vlen) < 0) {
            fail(c, SL_ENOMEM, "out of memory");
            return;
        }
        if (c->ocol > XLSX_MAX_COLS) return; /* past XFD: row_add_cell kept nothing, warned once */
        c->ocol++;
    }
}

/* A row, handed out once per repeat (equal rows side by side are stored once); blank ones
 * only move the row number. Rows past a sheet's last (LibreOffice's 1,048,576) are not handed
 * out: a repeat count in the billions would otherwise be as many rows. */
#define ODS_MAX_ROWS 1048576u
static void ods_row_done(xctx *c) {
    uint64_t rep = c->row_rep;
    if (c->table_skip || row_blank(c)) {
        c->rownum = rep > UINT32_MAX ? c->rownum + UINT32_MAX : c->rownum + rep;
        return;
    }
    for (uint64_t k = 0; k < rep && !c->table_skip && !c->st; k++) {
        if (c->rownum >= ODS_MAX_ROWS) {
            char m[160];
            sl_fmt(m, sizeof m, "rows past row %u, the last a sheet can hold, ignored "
                   "(a row repeated %llu times)", ODS_MAX_ROWS, (unsigned long long)rep);
            fdiag(c, SL_DIAG_WARN, "too_many_rows", c->rownum, m);
            c->table_skip = 1;
            return;
        }
        c->rownum++;
        row_done(c);
    }
}

enum { OE_OTHER, OE_TABLE, OE_ROW, OE_CELL, OE_P, OE_S, OE_TAB, OE_BR, OE_NOTE };

static int ods_elem(const char *name) {
    const char *n = sl_xml_local_name(name);
    switch (n[0]) {
    case 't':
        if (!strcmp(n, "table")) return OE_TABLE;
        if (!strcmp(n, "table-row")) return OE_ROW;
        if (!strcmp(n, "table-cell")) return OE_CELL;
        return !strcmp(n, "tab") ? OE_TAB : OE_OTHER;
    case 'c': return !strcmp(n, "covered-table-cell") ? OE_CELL : OE_OTHER;
    case 'p': return n[1] == '\0' ? OE_P : OE_OTHER;
    case 's': return n[1] == '\0' ? OE_S : OE_OTHER;
    case 'l': return !strcmp(n, "line-break") ? OE_BR : OE_OTHER;
    case 'a': return !strcmp(n, "annotation") ? OE_NOTE : OE_OTHER;
    }
    return OE_OTHER;
}

static void XMLCALL ods_start(void *ud, const XML_Char *name, const XML_Char **atts) {
    xctx *c = ud;
    int el = ods_elem(name);
    if (!c->in_table) {
        if (el == OE_TABLE) ods_table_begin(c, atts);
        return;
    }
    if (el == OE_TABLE || c->inner) { /* a table inside a cell (ODF allows it): left out */
        if (el == OE_TABLE && c->inner++ == 0)
            fdiag(c, SL_DIAG_WARN, "inner_table", c->rownum + 1,
                  "a table inside a cell: its text is left out of the row");
        return;
    }
    switch (el) {
    case OE_ROW: ods_row_begin(c, ods_repeat(sl_xml_attr(atts, "number-rows-repeated"))); break;
    case OE_CELL: ods_cell_start(c, atts); break;
    case OE_NOTE: if (c->in_c) c->mute++; break;
    case OE_P:
        if (!c->in_c || c->mute || c->strval) break;
        c->capture = &c->val;
        if (c->paras++) ods_append(c, "\n", 1); /* paragraphs are the cell's lines */
        break;
    case OE_S: { /* text:c spaces, 64 at a time, until the cap: a count may be in the billions */
        static const char sp[64] = "                                                                ";
        uint64_t k = c->capture ? ods_repeat(sl_xml_attr(atts, "c")) : 0;
        for (size_t m; k && !c->val_over; k -= m) {
            m = k < sizeof sp ? (size_t)k : sizeof sp;
            ods_append(c, sp, m);
        }
        break;
    }
    case OE_TAB: ods_append(c, "\t", 1); break;
    case OE_BR: ods_append(c, "\n", 1); break;
    }
}

static void XMLCALL ods_end(void *ud, const XML_Char *name) {
    xctx *c = ud;
    if (!c->in_table) return;
    int el = ods_elem(name);
    if (c->inner) {
        if (el == OE_TABLE) c->inner--;
        return;
    }
    switch (el) {
    case OE_TABLE: ods_table_end(c, 0); break;
    case OE_ROW: ods_row_done(c); break;
    case OE_CELL:
        if (c->in_c) ods_cell_done(c);
        c->in_c = 0;
        c->capture = NULL;
        break;
    case OE_P: if (!c->mute) c->capture = NULL; break;
    case OE_NOTE: if (c->mute) c->mute--; break;
    }
}

/* Whether META-INF/manifest.xml says the package is encrypted (a password on the file). */
static int ods_encrypted(xctx *c, int fd) {
    struct archive *a = open_zip(fd, c);
    if (!a) return 0;
    struct archive_entry *e;
    int enc = 0;
    while (archive_read_next_header(a, &e) == ARCHIVE_OK) {
        const char *n = archive_entry_pathname(e);
        if (!n || strcmp(n, "META-INF/manifest.xml") != 0) continue;
        char buf[65536];
        la_ssize_t got = archive_read_data(a, buf, sizeof buf - 1);
        if (got > 0) {
            buf[got] = '\0';
            enc = strstr(buf, "encryption-data") != NULL;
        }
        break;
    }
    archive_read_free(a);
    return enc;
}

/* ---- Word documents (.docx): the tables of word/document.xml, through the same row and
 * cell assembly as OpenDocument's. Only text in <w:t> is a cell's (deleted text, field codes
 * and tab stops are not); paragraphs are the cell's lines; a cell spanning columns
 * (w:gridSpan) is followed by empty cells; a cell merged with the one above (w:vMerge, as a
 * report grouped by agency merges the agency's cells) gets the text of the cell the merge
 * began in, as the page shows it, so that every row keeps its agency. */

#define VM_MAX_COLS 1024u /* columns whose merges over rows are followed */

/* The open cell is merged over rows: a merge that begins keeps its text for the rows below
 * (at column col), one that goes on takes it. */
static void docx_vmerge(xctx *c, uint64_t col) {
    if (!c->vmerge || col >= VM_MAX_COLS) return;
    if (col >= c->nvm) {
        sl_buf *n = sl_reallocarray(c->vm, col + 1, sizeof *n);
        if (!n) { fail(c, SL_ENOMEM, "out of memory"); return; }
        memset(n + c->nvm, 0, (col + 1 - c->nvm) * sizeof *n);
        c->vm = n;
        c->nvm = col + 1;
    }
    sl_buf *kept = &c->vm[col];
    if (c->vmerge == 1) {
        sl_buf_reset(kept);
        if (c->val.len && sl_buf_append(kept, c->val.p, c->val.len))
            fail(c, SL_ENOMEM, "out of memory");
        return;
    }
    if (c->val.len || !kept->len) return;
    if (sl_buf_append(&c->val, kept->p, kept->len)) c->val_over = 1;
    if (!c->vm_said++)
        fdiag(c, SL_DIAG_INFO, "merged_cells", c->rownum + 1,
              "cells merged over rows: each row gets the text of the cell the merge began in");
}

enum { WE_OTHER, WE_TBL, WE_TR, WE_TC, WE_P, WE_R, WE_T, WE_TAB, WE_BR, WE_SPAN, WE_VMERGE };

static int docx_elem(const char *name) {
    const char *n = sl_xml_local_name(name);
    switch (n[0]) {
    case 't':
        if (!strcmp(n, "tbl")) return WE_TBL;
        if (!strcmp(n, "tr")) return WE_TR;
        if (!strcmp(n, "tc")) return WE_TC;
        if (n[1] == '\0') return WE_T;
        return !strcmp(n, "tab") ? WE_TAB : WE_OTHER;
    case 'p': return n[1] == '\0' ? WE_P : WE_OTHER;
    case 'r': return n[1] == '\0' ? WE_R : WE_OTHER;
    case 'b': return !strcmp(n, "br") ? WE_BR : WE_OTHER;
    case 'c': return !strcmp(n, "cr") ? WE_BR : WE_OTHER;
    case 'g': return !strcmp(n, "gridSpan") ? WE_SPAN : WE_OTHER;
    case 'v': return !strcmp(n, "vMerge") ? WE_VMERGE : WE_OTHER;
    }
    return WE_OTHER;
}

static void docx_put(xctx *c, const char *p, size_t n) {
    if (c->in_c && sl_buf_append(&c->val, p, n) != SL_OK) c->val_over = 1;
}

static void XMLCALL docx_start(void *ud, const XML_Char *name, const XML_Char **atts) {
    xctx *c = ud;
    int el = docx_elem(name);
    if (!c->in_table) {
        if (el == WE_TBL) ods_table_begin(c, NULL);
        return;
    }
    if (el == WE_TBL || c->inner) { /* a table inside a cell: left out, as in OpenDocument */
        if (el == WE_TBL && c->inner++ == 0)
            fdiag(c, SL_DIAG_WARN, "inner_table", c->rownum + 1,
                  "a table inside a cell: its text is left out of the row");
        return;
    }
    switch (el) {
    case WE_TR: ods_row_begin(c, 1); break;
    case WE_TC: {
        static const XML_Char *none[] = {NULL};
        ods_cell_start(c, none);
        c->span = 1;
        c->vmerge = 0;
        break;
    }
    case WE_SPAN: if (c->in_c) c->span = ods_repeat(sl_xml_attr(atts, "val")); break;
    case WE_VMERGE: {
        const char *v = sl_xml_attr(atts, "val");
        if (c->in_c) c->vmerge = v && !strcmp(v, "restart") ? 1 : 2;
        break;
    }
    case WE_P: if (c->in_c && c->paras++) docx_put(c, "\n", 1); break;
    case WE_R: c->in_run++; break;
    case WE_T: if (c->in_c) c->capture = &c->val; break;
    case WE_TAB: if (c->in_run) docx_put(c, "\t", 1); break;
    case WE_BR: if (c->in_run) docx_put(c, "\n", 1); break;
    }
}

static void XMLCALL docx_end(void *ud, const XML_Char *name) {
    xctx *c = ud;
    if (!c->in_table) return;
    int el = docx_elem(name);
    if (c->inner) {
        if (el == WE_TBL) c->inner--;
        return;
    }
    switch (el) {
    case WE_TBL: ods_table_end(c, 0); break;
    case WE_TR: ods_row_done(c); break;
    case WE_TC:
        if (c->in_c) {
            docx_vmerge(c, c->ocol);
            ods_cell_done(c);
            uint64_t more = c->span - 1; /* the columns the cell spans, empty */
            c->ocol = more > XLSX_MAX_COLS + 1 - c->ocol ? XLSX_MAX_COLS + 1 : c->ocol + more;
        }
        c->in_c = 0;
        c->capture = NULL;
        break;
    case WE_T: c->capture = NULL; break;
    case WE_R: if (c->in_run) c->in_run--; break;
    }
}

/* The tables of one XML part of a zip: content.xml of an OpenDocument spreadsheet ("ods") or
 * text ("odt"), word/document.xml of a Word document ("docx"). */
static sl_status read_tables(int fd, const sl_xlsx_opts *opts, const char *sha256,
                             const sl_xlsx_cb *cb, const char *fmt) {
    int docx = !strcmp(fmt, "docx");
    const char *part = docx ? "word/document.xml" : "content.xml";
    const char *what = docx                 ? "a Word document"
                       : !strcmp(fmt, "odt") ? "an OpenDocument text"
                                             : "an OpenDocument spreadsheet";
    xctx *c = xctx_new(opts, cb, fmt);
    if (!c) return SL_ENOMEM;
    c->ods = 1;
    c->doc = strcmp(fmt, "ods") != 0;
    c->file_sha = sha256;
    char code[48];
    struct archive *a = open_zip(fd, c);
    if (!a) {
        sl_fmt(code, sizeof code, "%s.not_zip", fmt);
        report(c, code);
        sl_status st = c->st ? c->st : SL_ENOMEM;
        xctx_free(c);
        return st;
    }
    struct archive_entry *e;
    int found = 0;
    sl_status st = SL_OK;
    while (archive_read_next_header(a, &e) == ARCHIVE_OK) {
        const char *n = archive_entry_pathname(e);
        if (!n || strcmp(n, part) != 0) continue;
        found = 1;
        st = parse_entry(c, a, n, 1, docx ? docx_start : ods_start, docx ? docx_end : ods_end, NULL,
                         &c->content_out);
        if (st && !c->refused && c->ntables == 0 && !docx && ods_encrypted(c, fd)) {
            sl_fmt(c->msg, sizeof c->msg, "%s: protected by a password: its content cannot be "
                   "read; open it in LibreOffice with the password and save it as CSV", fmt);
            sl_fmt(code, sizeof code, "%s.encrypted", fmt);
            report(c, code);
        } else if (st) {
            if (c->in_table && c->last_emitted) {
                char m[sizeof c->msg + 80];
                sl_fmt(m, sizeof m, "%s; rows after row %llu, the last one read, are lost", c->msg,
                       (unsigned long long)c->last_emitted);
                sl_fmt(c->msg, sizeof c->msg, "%s", m);
            }
            sl_fmt(code, sizeof code, "%s.damaged", fmt);
            report(c, code);
        }
        if (c->in_table) ods_table_end(c, st != SL_OK);
        break;
    }
    archive_read_free(a);
    if (!found) {
        sl_fmt(c->msg, sizeof c->msg, "%s: no %s: %s that holds no %s", fmt, part, what,
               c->doc ? "text" : "sheets");
        sl_fmt(code, sizeof code, "%s.no_content", fmt);
        report(c, code);
        st = SL_EFORMAT;
    } else if (!st && c->ntables == 0 && c->doc) {
        /* a letter, a memo: normal in a release, and no log */
        sl_fmt(code, sizeof code, "%s.no_table", fmt);
        char m[200];
        sl_fmt(m, sizeof m, "%s with no table: not a log; nothing read from it", what);
        xdiag(c, SL_DIAG_INFO, code, 0, m);
    } else if (!st && c->ntables == 0) {
        sl_fmt(c->msg, sizeof c->msg, "ods: the spreadsheet holds no sheet");
        report(c, "ods.no_sheet");
        st = SL_EFORMAT;
    }
    xctx_free(c);
    return st;
}

sl_status sl_ods_read_fd(int fd, const sl_xlsx_opts *opts, const char *sha256,
                         const sl_xlsx_cb *cb) {
    return read_tables(fd, opts, sha256, cb, "ods");
}

sl_status sl_doc_read_fd(int fd, const sl_xlsx_opts *opts, const char *sha256,
                         const sl_xlsx_cb *cb, int docx) {
    return read_tables(fd, opts, sha256, cb, docx ? "docx" : "odt");
}
