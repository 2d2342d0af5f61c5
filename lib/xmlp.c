/* xmlp.c: a tokenizer for plain XML in front of expat (see xmlp.h).
 *
 * The part arrives in blocks into one buffer. The tokenizer walks it token by token: a run of
 * text, an entity or character reference, a start tag, an end tag, a processing instruction
 * (passed over). A token cut by the end of
 * the block stays at the front of the buffer for the next block. A token is checked whole
 * before anything is done with it; then its names and values are ended with NULs in place and
 * the callback is made. Whatever it does not take, it leaves untouched and hands to expat from
 * that byte on, after giving expat (with its callbacks off) a start tag for each element open
 * at that point. Positions in expat's errors are then moved back to the part's own. */
#include "xmlp.h"
#include "core.h"

#include <stdlib.h>
#include <string.h>

#define TAIL_MAX (64u * 1024u) /* a token longer than this is expat's */
#define DEPTH_MAX 256u
#define ATTS_MAX 64u

enum { R_DONE, R_MORE, R_HAND, R_STOP };      /* what a walk over the buffer ended with */
enum { AT_PROLOG, AT_ROOT, AT_EPILOG };       /* where in the document */

struct sl_xmlp {
    sl_xmlp_def d;
    XML_Parser xp;           /* expat, once handed over */
    int stopped, oom;
    /* the tokenizer */
    char *buf;
    size_t len, cap;         /* bytes held (a cut token first, then the new block) */
    unsigned long long off;  /* the part's byte at buf[0] */
    unsigned long line;      /* the line at buf[0] + consumed, from 1 */
    int started, where;
    char *names;             /* the open elements' names, NUL-ended, one after another */
    size_t names_len, names_cap;
    size_t open[DEPTH_MAX];  /* where each open element's name starts in names */
    size_t open_len[DEPTH_MAX];
    unsigned depth;
    /* after the hand-over: where expat's input stands in the part */
    unsigned long long base_off;
    unsigned long base_line;
    size_t prefix_len;
    unsigned long long ev;   /* the part's byte where the token being handed out begins */
    unsigned long ev_line;   /* and its line */
};

/* Byte classes in text: 0 plain; 1 a line feed; 2 stops the run. */
static const unsigned char TEXT_CLASS[256] = {
    2, 2, 2, 2, 2, 2, 2, 2, 2, 0, 1, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2,
    0, 0, 0, 0, 0, 0, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2, 0, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2,
    2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2,
    2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2,
    2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2,
};

static int name_start(unsigned char ch) {
    return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || ch == '_' || ch == ':';
}

static int name_char(unsigned char ch) {
    return name_start(ch) || (ch >= '0' && ch <= '9') || ch == '-' || ch == '.';
}

static int space(unsigned char ch) {
    return ch == ' ' || ch == '\t' || ch == '\n' || ch == '\r';
}

/* Whether u[j] begins a line, counted as expat counts: CR LF, CR and LF each once. j > 0. */
static unsigned line_break(const unsigned char *u, size_t j) {
    return u[j] == '\r' || (u[j] == '\n' && u[j - 1] != '\r');
}

/* Past the white space at u[j], adding the lines it begins to *lines. */
static inline size_t skip_spaces(const unsigned char *u, size_t n, size_t j, unsigned long *lines) {
    for (; j < n && space(u[j]); j++) *lines += line_break(u, j);
    return j;
}

/* A UTF-8 sequence that XML allows as a character: its length; 0 when the buffer ends inside
 * it; -1 when it is not one (malformed, overlong, a surrogate, U+FFFE, U+FFFF, past U+10FFFF). */
static int utf8_char(const unsigned char *s, size_t n) {
    unsigned char a = s[0];
    int len;
    unsigned lo = 0x80, hi = 0xBF; /* the second byte's range */
    if (a >= 0xC2 && a <= 0xDF) len = 2;
    else if (a == 0xE0) { len = 3; lo = 0xA0; }
    else if (a == 0xED) { len = 3; hi = 0x9F; }
    else if (a >= 0xE1 && a <= 0xEF) len = 3;
    else if (a == 0xF0) { len = 4; lo = 0x90; }
    else if (a >= 0xF1 && a <= 0xF3) len = 4;
    else if (a == 0xF4) { len = 4; hi = 0x8F; }
    else return -1;
    for (int k = 1; k < len; k++) {
        if ((size_t)k >= n) return 0;
        unsigned char b = s[k];
        if (k == 1 ? (b < lo || b > hi) : (b < 0x80 || b > 0xBF)) return -1;
    }
    if (a == 0xEF && s[1] == 0xBF && (s[2] == 0xBE || s[2] == 0xBF)) return -1;
    return len;
}

static int xml_char(unsigned long cp) {
    return cp == 0x9 || cp == 0xA || cp == 0xD || (cp >= 0x20 && cp <= 0xD7FF) ||
           (cp >= 0xE000 && cp <= 0xFFFD) || (cp >= 0x10000 && cp <= 0x10FFFF);
}

/* "&...;" at s (n bytes available): its text in out (at most 4 bytes) and its length in *tok.
 * 1: taken; 0: the buffer ends first; -1: not one the tokenizer takes. */
static int reference(const char *s, size_t n, char out[4], size_t *olen, size_t *tok) {
    size_t e = 1;
    while (e < n && e < 12 && s[e] != ';') e++;
    if (e >= n) return n < 12 ? 0 : -1;
    if (s[e] != ';') return -1;
    const char *nm = s + 1;
    size_t nl = e - 1;
    *tok = e + 1;
    static const struct { const char *name; char ch; } named[] = {
        {"amp", '&'}, {"lt", '<'}, {"gt", '>'}, {"quot", '"'}, {"apos", '\''}};
    for (size_t i = 0; i < SL_ARRAY_LEN(named); i++)
        if (nl == strlen(named[i].name) && memcmp(nm, named[i].name, nl) == 0) {
            out[0] = named[i].ch;
            *olen = 1;
            return 1;
        }
    if (nl < 2 || nm[0] != '#') return -1;
    unsigned long cp = 0;
    size_t i = 1;
    if (nm[1] == 'x') {
        if (nl < 3) return -1;
        for (i = 2; i < nl; i++) {
            char ch = nm[i];
            unsigned d = ch >= '0' && ch <= '9' ? (unsigned)(ch - '0')
                       : ch >= 'a' && ch <= 'f' ? (unsigned)(ch - 'a' + 10)
                       : ch >= 'A' && ch <= 'F' ? (unsigned)(ch - 'A' + 10) : 99u;
            if (d > 15) return -1;
            cp = cp * 16 + d;
        }
    } else {
        for (; i < nl; i++) {
            if (nm[i] < '0' || nm[i] > '9') return -1;
            cp = cp * 10 + (unsigned long)(nm[i] - '0');
        }
    }
    if (!xml_char(cp)) return -1; /* at most 9 digits: no overflow */
    *olen = sl_utf8_put((uint32_t)cp, out);
    return 1;
}

/* The XML declaration the tokenizer takes: version 1.0, no encoding or UTF-8, standalone or
 * not; either quote; and nothing else. Its length, or 0. */
static size_t declaration(const char *s, size_t n) {
    static const char *const keys[3] = {"version", "encoding", "standalone"};
    if (n < 6 || memcmp(s, "<?xml", 5) != 0 || !space((unsigned char)s[5])) return 0;
    size_t i = 5;
    int next = 0;
    for (;;) {
        size_t sp = i;
        while (i < n && space((unsigned char)s[i])) i++;
        if (i + 1 < n && s[i] == '?' && s[i + 1] == '>') return next ? i + 2 : 0;
        if (i == sp) return 0;
        int k;
        size_t kl = 0;
        for (k = next; k < 3; k++) {
            kl = strlen(keys[k]);
            if (i + kl <= n && memcmp(s + i, keys[k], kl) == 0) break;
        }
        if (k == 3 || (k != 0 && next == 0)) return 0;
        i += kl;
        while (i < n && space((unsigned char)s[i])) i++;
        if (i >= n || s[i] != '=') return 0;
        i++;
        while (i < n && space((unsigned char)s[i])) i++;
        if (i >= n || (s[i] != '"' && s[i] != '\'')) return 0;
        char q = s[i++];
        size_t v = i;
        while (i < n && s[i] != q) i++;
        if (i >= n) return 0;
        size_t vl = i - v;
        i++;
        const char *val = s + v;
        if (k == 0 && !(vl == 3 && memcmp(val, "1.0", 3) == 0)) return 0;
        if (k == 1 && !(vl == 5 && sl_tolower((unsigned char)val[0]) == 'u' &&
                        sl_tolower((unsigned char)val[1]) == 't' &&
                        sl_tolower((unsigned char)val[2]) == 'f' && !memcmp(val + 3, "-8", 2)))
            return 0;
        if (k == 2 && !(vl == 3 && !memcmp(val, "yes", 3)) && !(vl == 2 && !memcmp(val, "no", 2)))
            return 0;
        next = k + 1;
    }
}

/* Names are a few bytes long: a loop beats a call to memcmp or memcpy, once per element. */
static inline int same_bytes(const char *a, const char *b, size_t n) {
    for (size_t k = 0; k < n; k++)
        if (a[k] != b[k]) return 0;
    return 1;
}

static int push_name(sl_xmlp *p, const char *name, size_t n) {
    if (p->names_len + n + 1 > p->names_cap) {
        size_t nc = p->names_cap ? p->names_cap * 2 : 1024;
        while (nc < p->names_len + n + 1) nc *= 2;
        char *nn = realloc(p->names, nc);
        if (!nn) return -1;
        p->names = nn;
        p->names_cap = nc;
    }
    p->open_len[p->depth] = n;
    p->open[p->depth++] = p->names_len;
    char *o = p->names + p->names_len;
    for (size_t k = 0; k < n; k++) o[k] = name[k];
    o[n] = '\0';
    p->names_len += n + 1;
    return 0;
}

static const char *top_name(const sl_xmlp *p) { return p->names + p->open[p->depth - 1]; }

static void pop_name(sl_xmlp *p) {
    p->names_len = p->open[--p->depth];
    if (!p->depth) p->where = AT_EPILOG;
}

/* A start tag at b[i] ('<' and a name's first byte). R_DONE with *end past it, or R_MORE,
 * R_HAND, R_STOP. */
static int start_tag(sl_xmlp *p, char *b, size_t n, size_t i, size_t *end) {
    const unsigned char *u = (const unsigned char *)b;
    size_t j = i + 1;
    while (j < n && name_char(u[j])) j++;
    if (j >= n) return R_MORE;
    size_t name_end = j;
    size_t an[ATTS_MAX], ae[ATTS_MAX], vs[ATTS_MAX], ve[ATTS_MAX];
    unsigned na = 0;
    unsigned long lines = 0;
    int empty = 0;
    for (;;) {
        size_t sp = j;
        j = skip_spaces(u, n, j, &lines);
        if (j >= n) return R_MORE;
        if (u[j] == '>') { j++; break; }
        if (u[j] == '/') {
            if (j + 1 >= n) return R_MORE;
            if (u[j + 1] != '>') return R_HAND;
            empty = 1;
            j += 2;
            break;
        }
        if (j == sp || !name_start(u[j]) || na == ATTS_MAX) return R_HAND;
        an[na] = j;
        while (j < n && name_char(u[j])) j++;
        ae[na] = j;
        j = skip_spaces(u, n, j, &lines);
        if (j >= n) return R_MORE;
        if (u[j] != '=') return R_HAND;
        j++;
        j = skip_spaces(u, n, j, &lines);
        if (j >= n) return R_MORE;
        if (u[j] != '"' && u[j] != '\'') return R_HAND;
        unsigned char q = u[j++];
        vs[na] = j;
        while (j < n && u[j] != q) {
            unsigned char ch = u[j];
            if (ch < 0x20 || ch == '<' || ch == '&') return R_HAND; /* tab, CR, LF too */
            if (ch >= 0x80) {
                int k = utf8_char(u + j, n - j);
                if (k == 0) return R_MORE;
                if (k < 0) return R_HAND;
                j += (size_t)k;
            } else {
                j++;
            }
        }
        if (j >= n) return R_MORE;
        ve[na++] = j++;
    }
    for (unsigned x = 0; x < na; x++) /* a name given twice: expat's error */
        for (unsigned y = 0; y < x; y++)
            if (ae[x] - an[x] == ae[y] - an[y] && same_bytes(b + an[x], b + an[y], ae[x] - an[x]))
                return R_HAND;
    if (p->where == AT_EPILOG || p->depth == DEPTH_MAX) return R_HAND;
    if (push_name(p, b + i + 1, name_end - i - 1)) { p->oom = 1; return R_STOP; }
    p->where = AT_ROOT;
    p->ev_line = p->line;
    p->line += lines;
    const char *atts[2 * ATTS_MAX + 1];
    for (unsigned x = 0; x < na; x++) {
        b[ae[x]] = '\0';
        b[ve[x]] = '\0';
        atts[2 * x] = b + an[x];
        atts[2 * x + 1] = b + vs[x];
    }
    atts[2 * na] = NULL;
    b[name_end] = '\0';
    *end = j;
    p->ev = p->off + i;
    p->d.start(p->d.ud, b + i + 1, atts);
    if (empty) { /* even when the start stopped the parse, as expat does; at the tag's end */
        p->ev = p->off + j;
        p->ev_line = p->line;
        p->d.end(p->d.ud, b + i + 1);
        pop_name(p);
    }
    return p->stopped ? R_STOP : R_DONE;
}

/* An end tag at b[i] ("</"). */
static int end_tag(sl_xmlp *p, char *b, size_t n, size_t i, size_t *end) {
    const unsigned char *u = (const unsigned char *)b;
    size_t j = i + 2;
    if (j < n && !name_start(u[j])) return R_HAND;
    while (j < n && name_char(u[j])) j++;
    size_t name_end = j;
    unsigned long lines = 0;
    j = skip_spaces(u, n, j, &lines);
    if (j >= n) return R_MORE;
    if (u[j] != '>' || !p->depth) return R_HAND;
    size_t nl = name_end - i - 2;
    const char *top = top_name(p);
    if (p->open_len[p->depth - 1] != nl || !same_bytes(top, b + i + 2, nl)) return R_HAND;
    p->ev_line = p->line;
    p->line += lines;
    *end = j + 1;
    p->ev = p->off + i;
    p->d.end(p->d.ud, top);
    pop_name(p);
    return p->stopped ? R_STOP : R_DONE;
}

/* A processing instruction at b[i] ("<?" and a name's first byte), which no reader here asks
 * for: checked and passed over (Excel 2003 XML has one before its root). */
static int instruction(sl_xmlp *p, const char *b, size_t n, size_t i, size_t *end) {
    const unsigned char *u = (const unsigned char *)b;
    size_t j = i + 2;
    while (j < n && name_char(u[j])) j++;
    if (j >= n) return R_MORE;
    size_t nl = j - i - 2;
    if (nl == 3 && sl_tolower(u[i + 2]) == 'x' && sl_tolower(u[i + 3]) == 'm' &&
        sl_tolower(u[i + 4]) == 'l')
        return R_HAND; /* the declaration's name: refused anywhere else */
    unsigned long lines = 0;
    if (u[j] == '?') { /* no data: "?>" right after the name */
        if (j + 1 >= n) return R_MORE;
        if (u[j + 1] != '>') return R_HAND;
        *end = j + 2;
        return R_DONE;
    }
    if (!space(u[j])) return R_HAND;
    for (;;) {
        if (j >= n) return R_MORE;
        unsigned char ch = u[j];
        if (ch == '?') {
            if (j + 1 >= n) return R_MORE;
            if (u[j + 1] == '>') break;
            j++;
        } else if (ch >= 0x80) {
            int k = utf8_char(u + j, n - j);
            if (k == 0) return R_MORE;
            if (k < 0) return R_HAND;
            j += (size_t)k;
        } else if (ch < 0x20 && ch != '\t' && ch != '\n' && ch != '\r') {
            return R_HAND;
        } else {
            lines += space(ch) ? line_break(u, j) : 0;
            j++;
        }
    }
    p->line += lines;
    *end = j + 2;
    return R_DONE;
}

/* Walks buf[*at, len). Leaves *at at the first byte not taken. */
static int walk(sl_xmlp *p, size_t *at, int final) {
    char *b = p->buf;
    const unsigned char *u = (const unsigned char *)b;
    size_t n = p->len, i = *at;
    int r = R_DONE;
    while (i < n) {
        if (u[i] == '<') {
            if (i + 1 >= n) { r = R_MORE; break; }
            size_t e = i;
            if (u[i + 1] == '/') r = end_tag(p, b, n, i, &e);
            else if (name_start(u[i + 1])) r = start_tag(p, b, n, i, &e);
            else if (u[i + 1] == '?' && i + 2 >= n) r = R_MORE;
            else if (u[i + 1] == '?' && name_start(u[i + 2])) r = instruction(p, b, n, i, &e);
            else r = R_HAND; /* comments, CDATA, a DOCTYPE */
            if (r != R_DONE) break;
            i = e;
            continue;
        }
        if (p->where != AT_ROOT) { /* outside the root: white space, which expat does not report */
            if (!space(u[i])) { r = R_HAND; break; }
            if (u[i] == '\r') { /* CR LF is one line: both in this block */
                if (i + 1 >= n && !final) { r = R_MORE; break; }
                p->line++;
                i += i + 1 < n && u[i + 1] == '\n' ? 2 : 1;
                continue;
            }
            p->line += u[i++] == '\n';
            continue;
        }
        /* A run of text, up to what ends it. As expat does, the text before a byte that is
         * refused is handed out, except before "]]>", which spoils the run since its last line
         * feed (expat's token); a run cut by the end of the block is walked again whole. */
        size_t j = i, tok = i;
        for (;;) {
            while (j < n && !TEXT_CLASS[u[j]]) j++;
            if (j >= n) { r = R_MORE; break; }
            unsigned char ch = u[j];
            if (ch == '\n') { p->line++; tok = ++j; continue; }
            if (ch >= 0x80) {
                int k = utf8_char(u + j, n - j);
                if (k > 0) { j += (size_t)k; continue; }
                r = k == 0 ? R_MORE : R_HAND;
            } else if (ch == ']') {
                if (j + 2 >= n) r = R_MORE;
                else if (u[j + 1] == ']' && u[j + 2] == '>') { r = R_HAND; j = tok; }
                else { j++; continue; }
            } else if (ch != '<' && ch != '&') {
                r = R_HAND; /* a carriage return (expat turns CR LF into LF) or a control byte */
            }
            break;
        }
        if (r == R_MORE) { /* its lines are counted again when it is walked again */
            for (size_t x = i; x < j; x++) p->line -= u[x] == '\n';
            break;
        }
        p->ev = p->off + i;
        if (j > i) p->d.text(p->d.ud, b + i, (int)(j - i));
        i = j;
        if (p->stopped) { r = R_STOP; break; }
        if (r != R_DONE) break;
        if (u[i] == '&') {
            char out[4];
            size_t olen = 0, rl = 0;
            int k = reference(b + i, n - i, out, &olen, &rl);
            if (k <= 0) { r = k == 0 ? R_MORE : R_HAND; break; }
            p->ev = p->off + i;
            p->d.text(p->d.ud, out, (int)olen);
            i += rl;
            if (p->stopped) { r = R_STOP; break; }
        }
    }
    *at = i;
    if (r == R_MORE && final) r = R_HAND;
    if (r == R_DONE && final && p->where != AT_EPILOG) r = R_HAND; /* expat says what is missing */
    return r;
}

static void XMLCALL no_start(void *ud, const XML_Char *n, const XML_Char **a) {
    (void)ud; (void)n; (void)a;
}
static void XMLCALL no_end(void *ud, const XML_Char *n) { (void)ud; (void)n; }

static XML_Parser new_expat(const sl_xmlp_def *d) {
    XML_Parser xp = XML_ParserCreate(d->encoding);
    if (!xp) return NULL;
    XML_SetUserData(xp, d->ud);
    XML_SetElementHandler(xp, d->start, d->end);
    XML_SetCharacterDataHandler(xp, d->text);
    if (d->doctype) XML_SetStartDoctypeDeclHandler(xp, d->doctype);
    if (d->entity) XML_SetEntityDeclHandler(xp, d->entity);
    return xp;
}

/* expat takes buf[at, len) and all that follows. Returns sl_xmlp_parse's result. */
static int hand_over(sl_xmlp *p, size_t at, int final) {
    p->xp = new_expat(&p->d);
    if (!p->xp) { p->oom = 1; return -1; }
    p->base_off = p->off + at;
    p->base_line = p->line;
    /* What expat must have seen to be where the tokenizer is: the open elements; or, after
     * the root, an element (so that more is junk after it); or, in the prolog past its first
     * byte, a comment (so that an XML declaration there is out of place). */
    size_t need = 8;
    for (unsigned k = 0; k < p->depth; k++) need += p->open_len[k] + 2;
    char *pre = malloc(need), *o = pre;
    if (!pre) { p->oom = 1; return -1; }
    if (p->where == AT_EPILOG) {
        memcpy(o, "<r/>", 4);
        o += 4;
    } else if (p->where == AT_PROLOG && p->base_off > 0) {
        memcpy(o, "<!---->", 7);
        o += 7;
    }
    for (unsigned k = 0; k < p->depth; k++) {
        *o++ = '<';
        memcpy(o, p->names + p->open[k], p->open_len[k]);
        o += p->open_len[k];
        *o++ = '>';
    }
    p->prefix_len = (size_t)(o - pre);
    if (p->prefix_len) { /* with the callbacks off */
        XML_SetElementHandler(p->xp, no_start, no_end);
        XML_SetCharacterDataHandler(p->xp, NULL);
        enum XML_Status s = XML_Parse(p->xp, pre, (int)p->prefix_len, 0);
        if (s != XML_STATUS_OK) { free(pre); return -1; }
        XML_SetElementHandler(p->xp, p->d.start, p->d.end);
        XML_SetCharacterDataHandler(p->xp, p->d.text);
    }
    free(pre);
    const char *rest = p->buf ? p->buf + at : "";
    size_t left = p->len - at;
    p->len = 0;
    return XML_Parse(p->xp, rest, (int)left, final) == XML_STATUS_OK ? 0 : -1;
}

sl_xmlp *sl_xmlp_new(const sl_xmlp_def *d) {
    sl_xmlp *p = calloc(1, sizeof *p);
    if (!p) return NULL;
    p->d = *d;
    p->line = p->base_line = p->ev_line = 1;
    if (d->expat_only && !(p->xp = new_expat(d))) {
        free(p);
        return NULL;
    }
    return p;
}

void sl_xmlp_free(sl_xmlp *p) {
    if (!p) return;
    if (p->xp) XML_ParserFree(p->xp);
    free(p->buf);
    free(p->names);
    free(p);
}

void *sl_xmlp_buffer(sl_xmlp *p, size_t n) {
    if (p->xp) return XML_GetBuffer(p->xp, (int)n);
    if (p->len + n > p->cap) { /* room for the longest token kept, once */
        size_t nc = p->len + n > n + TAIL_MAX ? p->len + n : n + TAIL_MAX;
        char *nb = realloc(p->buf, nc);
        if (!nb) { p->oom = 1; return NULL; }
        p->buf = nb;
        p->cap = nc;
    }
    return p->buf + p->len;
}

int sl_xmlp_parse(sl_xmlp *p, size_t n, int final) {
    if (p->stopped || p->oom) return -1;
    if (p->xp) return XML_ParseBuffer(p->xp, (int)n, final) == XML_STATUS_OK ? 0 : -1;
    p->len += n;
    size_t i = 0;
    if (!p->started) { /* a BOM, then the declaration if it is one the tokenizer takes */
        static const char bom[3] = {'\xEF', '\xBB', '\xBF'};
        size_t k = 0;
        /* expat tells the encoding from the first bytes: it is given them together */
        if (p->len < 4 && !final) return 0;
        if (!p->len || memchr(p->buf, '\0', p->len < 4 ? p->len : 4)) /* UTF-16 to expat */
            return hand_over(p, 0, final);
        if (p->len >= 3 && memcmp(p->buf, bom, 3) == 0) k = 3;
        if (p->len - k < 5 && !final && memcmp(p->buf + k, "<?xml", p->len - k) == 0) return 0;
        if (p->len - k >= 5 && memcmp(p->buf + k, "<?xml", 5) == 0) {
            size_t e = declaration(p->buf + k, p->len - k);
            if (!e && !final && p->len - k < 256 && !memchr(p->buf + k, '>', p->len - k))
                return 0;
            if (!e) return hand_over(p, 0, final);
            for (size_t x = k + 1; x < k + e; x++)
                p->line += line_break((const unsigned char *)p->buf, x);
            k += e;
        }
        p->started = 1;
        i = k;
    }
    int r = walk(p, &i, final);
    if (r == R_STOP) return -1;
    if (r == R_HAND) return hand_over(p, i, final);
    if (r == R_MORE && p->len - i > TAIL_MAX) return hand_over(p, i, final);
    p->off += i;
    if (i && p->len > i) memmove(p->buf, p->buf + i, p->len - i);
    p->len -= i;
    return 0;
}

void sl_xmlp_stop(sl_xmlp *p) {
    p->stopped = 1;
    if (p->xp) XML_StopParser(p->xp, XML_FALSE);
}

long long sl_xmlp_byte(const sl_xmlp *p) {
    if (!p->xp) return (long long)p->ev;
    long long at = (long long)XML_GetCurrentByteIndex(p->xp);
    if (at < (long long)p->prefix_len) return (long long)p->base_off;
    return (long long)p->base_off + at - (long long)p->prefix_len;
}

unsigned long sl_xmlp_line(const sl_xmlp *p) {
    if (!p->xp) return p->ev_line;
    return p->base_line + (unsigned long)XML_GetCurrentLineNumber(p->xp) - 1;
}

const char *sl_xmlp_error(const sl_xmlp *p) {
    if (p->oom) return "out of memory";
    if (!p->xp) return "stopped";
    return XML_ErrorString(XML_GetErrorCode(p->xp));
}

int sl_xmlp_out_of_memory(const sl_xmlp *p) { return p->oom; }

unsigned long long sl_xmlp_fast_bytes(const sl_xmlp *p) {
    return p->xp ? p->base_off : p->off + p->len;
}
