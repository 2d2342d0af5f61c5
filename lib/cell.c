/* cell.c: tells what a cell holds beyond its text: empty, a value, a placeholder, redacted by
 * the vendor (***) or the agency (REDACTED, ###, block glyphs, a records-law citation typed in
 * place of the value), or partly redacted. Errs toward VALUE: a reason is never hidden lightly. */
#include "cell.h"

#include <string.h>

/* ---- characters ------------------------------------------------------------------------ */

/* Decodes one UTF-8 code point at p (n > 0 bytes left). Invalid bytes decode as themselves
 * (U+0080..U+00FF range) one at a time, which is enough for classification. */
static uint32_t utf8_next(const unsigned char *p, size_t n, size_t *adv)
{
    unsigned char c = p[0];
    if (c < 0x80 || n < 2) {
        *adv = 1;
        return c;
    }
    if ((c & 0xE0) == 0xC0 && (p[1] & 0xC0) == 0x80) {
        *adv = 2;
        return ((uint32_t)(c & 0x1F) << 6) | (p[1] & 0x3F);
    }
    if ((c & 0xF0) == 0xE0 && n >= 3 && (p[1] & 0xC0) == 0x80 && (p[2] & 0xC0) == 0x80) {
        *adv = 3;
        return ((uint32_t)(c & 0x0F) << 12) | ((uint32_t)(p[1] & 0x3F) << 6) | (p[2] & 0x3F);
    }
    if ((c & 0xF8) == 0xF0 && n >= 4 && (p[1] & 0xC0) == 0x80 && (p[2] & 0xC0) == 0x80 &&
        (p[3] & 0xC0) == 0x80) {
        *adv = 4;
        return ((uint32_t)(c & 0x07) << 18) | ((uint32_t)(p[1] & 0x3F) << 12) |
               ((uint32_t)(p[2] & 0x3F) << 6) | (p[3] & 0x3F);
    }
    *adv = 1;
    return c;
}

/* Block elements and the solid squares agencies paint over text. */
static int is_block_glyph(uint32_t cp)
{
    return (cp >= 0x2580 && cp <= 0x259F) || cp == 0x25A0 || cp == 0x25AA || cp == 0x25AC ||
           cp == 0x25AE || cp == 0x25FC || cp == 0x25FE || cp == 0x2B1B;
}

/* A non-ASCII code point that is (probably) a letter: outside Latin-1 punctuation, general
 * punctuation, symbols, arrows, shapes, CJK punctuation, specials and emoji. */
static int is_foreign_letter(uint32_t cp)
{
    if (cp < 0xC0 || cp == 0xD7 || cp == 0xF7) return 0;
    if (cp >= 0x2000 && cp <= 0x2BFF) return 0;
    if (cp >= 0x3000 && cp <= 0x303F) return 0;
    if (cp >= 0xFE00 && cp <= 0xFFFF) return 0;
    if (cp >= 0x1F000) return 0;
    return 1;
}

/* ---- whole-cell glyph forms ------------------------------------------------------------ */

typedef struct {
    size_t stars, hashes, blocks, other, alnum, digits, high;
    int marker; /* "redact", "withheld" or "exempt" appears somewhere */
} glyph_count;

/* Whether a lower-case ASCII word w (n bytes) starts at p[i], case-insensitively. */
static int word_at(const char *p, size_t len, size_t i, const char *w, size_t n)
{
    if (len - i < n) return 0;
    for (size_t k = 0; k < n; k++)
        if (sl_tolower((unsigned char)p[i + k]) != (unsigned char)w[k]) return 0;
    return 1;
}

static int marker_at(const char *p, size_t len, size_t i)
{
    switch (p[i] | 32) {
    case 'r': return word_at(p, len, i, "redact", 6);
    case 'w': return word_at(p, len, i, "withheld", 8);
    case 'e': return word_at(p, len, i, "exempt", 6);
    default: return 0;
    }
}

/* One pass over the cell: masks, letters, digits, non-ASCII, marker words. */
static void count_glyphs(const char *p, size_t len, glyph_count *g)
{
    memset(g, 0, sizeof *g);
    const unsigned char *u = (const unsigned char *)p;
    for (size_t i = 0; i < len;) {
        unsigned char c = u[i];
        if (c < 0x80) {
            if (sl_isalpha(c)) {
                g->alnum++;
                g->other++;
                if (!g->marker) g->marker = marker_at(p, len, i);
            } else if (sl_isdigit(c)) {
                g->digits++;
                g->alnum++;
                g->other++;
            } else if (c == '*') g->stars++;
            else if (c == '#') g->hashes++;
            else if (!sl_isspace(c)) g->other++;
            i++;
            continue;
        }
        size_t adv;
        uint32_t cp = utf8_next(u + i, len - i, &adv);
        g->high++;
        if (is_block_glyph(cp)) g->blocks++;
        else if (cp != 0xA0) {
            g->other++;
            if (is_foreign_letter(cp)) g->alnum++;
        }
        i += adv;
    }
}

/* Whether the token scan can find anything: without masks, digits, non-ASCII (section sign,
 * curly quotes) or a marker word, no redaction or statute form can be present. This keeps
 * plain names, organizations and reasons off the slower path. */
static int may_be_redacted(const glyph_count *g)
{
    return g->stars || g->hashes || g->blocks || g->digits || g->high || g->marker;
}

/* ---- words ------------------------------------------------------------------------------- */

enum {
    W_NONE = 0,
    W_REDACT,  /* redacted: whole-cell and partial marker */
    W_WITHHELD,
    W_EXEMPT,  /* exempt, exemption, redaction: whole-cell marker, not a partial one */
    W_ACT,     /* CPRA, FOIA...: a records law named by acronym */
    W_STRONG,  /* a code whose sections include the records-law exemptions (family checked) */
    W_WEAK,    /* a code or section sign that also cites crimes (PC, VC, §) */
    W_FILLER   /* per, under, pursuant to, public records ... */
};

/* Families of strong codes: which section numbers are records-law exemptions. */
enum { F_CA_GOV = 1, F_RCW = 2, F_ILCS = 4, F_ORS = 8, F_USC = 16, F_CGS = 32, F_MGL = 64 };

typedef struct {
    const char *w;
    unsigned char kind;
    unsigned char family;
} word_def;

/* Words compared after lower-casing and dropping dots and apostrophes ("U.S.C." -> "usc").
 * Sorted by word (strcmp order) for the binary search in lookup_word. */
static const word_def WORDS[] = {
    {"a", W_FILLER, 0}, {"act", W_FILLER, 0}, {"and", W_FILLER, 0}, {"ann", W_FILLER, 0},
    {"art", W_FILLER, 0}, {"article", W_FILLER, 0}, {"bp", W_WEAK, 0}, {"by", W_FILLER, 0},
    {"c", W_WEAK, 0}, {"cal", W_FILLER, 0}, {"calif", W_FILLER, 0}, {"california", W_FILLER, 0},
    {"cfr", W_WEAK, 0}, {"cgs", W_STRONG, F_CGS}, {"ch", W_WEAK, 0}, {"chap", W_WEAK, 0},
    {"chapter", W_WEAK, 0}, {"code", W_WEAK, 0}, {"comp", W_FILLER, 0}, {"conn", W_FILLER, 0},
    {"cora", W_ACT, 0}, {"cpra", W_ACT, 0}, {"crs", W_WEAK, 0}, {"ec", W_WEAK, 0},
    {"evid", W_WEAK, 0}, {"exempt", W_EXEMPT, 0}, {"exempted", W_EXEMPT, 0},
    {"exemption", W_EXEMPT, 0}, {"exemptions", W_EXEMPT, 0}, {"foia", W_ACT, 0}, {"foil", W_ACT, 0},
    {"for", W_FILLER, 0}, {"from", W_FILLER, 0}, {"gc", W_STRONG, F_CA_GOV}, {"gen", W_FILLER, 0},
    {"general", W_FILLER, 0}, {"gl", W_STRONG, F_MGL}, {"gov", W_STRONG, F_CA_GOV},
    {"government", W_STRONG, F_CA_GOV}, {"govt", W_STRONG, F_CA_GOV}, {"hs", W_WEAK, 0},
    {"ilcs", W_STRONG, F_ILCS}, {"ill", W_FILLER, 0}, {"in", W_FILLER, 0}, {"kora", W_ACT, 0},
    {"ksa", W_WEAK, 0}, {"law", W_FILLER, 0}, {"laws", W_FILLER, 0}, {"mass", W_FILLER, 0},
    {"mcl", W_WEAK, 0}, {"mgl", W_STRONG, F_MGL}, {"nrs", W_WEAK, 0}, {"of", W_FILLER, 0},
    {"opra", W_ACT, 0}, {"or", W_FILLER, 0}, {"ore", W_FILLER, 0}, {"ors", W_STRONG, F_ORS},
    {"para", W_FILLER, 0}, {"paragraph", W_FILLER, 0}, {"pc", W_WEAK, 0}, {"penal", W_WEAK, 0},
    {"per", W_FILLER, 0}, {"pra", W_ACT, 0}, {"privacy", W_FILLER, 0}, {"pub", W_FILLER, 0},
    {"public", W_FILLER, 0}, {"pursuant", W_FILLER, 0}, {"rcw", W_STRONG, F_RCW},
    {"rec", W_FILLER, 0}, {"record", W_FILLER, 0}, {"records", W_FILLER, 0},
    {"redact", W_EXEMPT, 0}, {"redacted", W_REDACT, 0}, {"redaction", W_EXEMPT, 0},
    {"redactions", W_EXEMPT, 0}, {"rev", W_FILLER, 0}, {"revised", W_FILLER, 0}, {"rsa", W_WEAK, 0},
    {"sec", W_WEAK, 0}, {"sect", W_WEAK, 0}, {"section", W_WEAK, 0}, {"see", W_FILLER, 0},
    {"stat", W_WEAK, 0}, {"stats", W_WEAK, 0}, {"statute", W_WEAK, 0}, {"statutes", W_WEAK, 0},
    {"sub", W_FILLER, 0}, {"subd", W_FILLER, 0}, {"subdivision", W_FILLER, 0},
    {"subsection", W_FILLER, 0}, {"the", W_FILLER, 0}, {"tit", W_FILLER, 0}, {"title", W_FILLER, 0},
    {"to", W_FILLER, 0}, {"tpia", W_ACT, 0}, {"under", W_FILLER, 0}, {"us", W_FILLER, 0},
    {"usc", W_STRONG, F_USC}, {"vc", W_WEAK, 0}, {"wash", W_FILLER, 0}, {"wic", W_WEAK, 0},
    {"withheld", W_WITHHELD, 0},
};

/* w is n lower-case letters, not NUL-terminated. */
static const word_def *lookup_word(const char *w, size_t n)
{
    size_t lo = 0, hi = SL_ARRAY_LEN(WORDS);
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        const char *d = WORDS[mid].w;
        int c = strncmp(d, w, n);
        if (c == 0) c = d[n] == '\0' ? 0 : 1; /* d is longer: it sorts after w */
        if (c == 0) return &WORDS[mid];
        if (c < 0) lo = mid + 1;
        else hi = mid;
    }
    return NULL;
}

/* ---- token scan -------------------------------------------------------------------------- */

#define MAX_NUMS 8

typedef struct {
    unsigned redact, withheld, exempt, act, weak, filler, other;
    unsigned strong_fam;          /* F_* bits of strong codes seen */
    unsigned num_plain, num_stat; /* numbers: plain ("459") and statute-like ("7923.600") */
    unsigned glyphs, blocks;      /* '*' and '#' in glyph-only tokens; block glyphs anywhere */
    sl_slice nums[MAX_NUMS];
    size_t nnums;
} scan;

static int is_wildcard_field(sl_field f) { return f == SL_F_PLATE || f == SL_F_FILTERS; }

/* "(b)(7)(C)": only parenthesised groups of 1-4 letters or digits. */
static int is_paren_groups(const char *p, size_t n)
{
    size_t i = 0;
    if (n < 3) return 0;
    while (i < n) {
        if (p[i] != '(') return 0;
        size_t j = i + 1;
        while (j < n && sl_isalnum((unsigned char)p[j])) j++;
        if (j == i + 1 || j - i - 1 > 4 || j >= n || p[j] != ')') return 0;
        i = j + 1;
    }
    return 1;
}

/* A section number: starts with a digit; digits, '.', '-', '/', and parenthesised groups
 * ("6254(f)", "140/7(1)(d)", "42.56.240", "1-210(b)(3)"). Sets *stat when it looks like a
 * statute section rather than a bare count. */
static int is_number(const char *p, size_t n, int *stat)
{
    if (n == 0 || !sl_isdigit((unsigned char)p[0])) return 0;
    size_t ndig = 0;
    int punct = 0;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)p[i];
        if (sl_isdigit(c)) ndig++;
        else if (c == '.' || c == '-' || c == '/') {
            punct = 1;
            if (i + 1 == n) return 0;
        } else if (c == '(') {
            size_t j = i + 1;
            while (j < n && sl_isalnum((unsigned char)p[j])) j++;
            if (j == i + 1 || j - i - 1 > 4 || j >= n || p[j] != ')') return 0;
            punct = 1;
            i = j;
        } else return 0;
    }
    *stat = punct || ndig >= 4;
    return 1;
}

static int starts(const sl_slice s, const char *z)
{
    size_t n = strlen(z);
    return s.len >= n && memcmp(s.p, z, n) == 0;
}

/* The number made by the first four characters when they are digits not followed by one. */
static int lead4(sl_slice s)
{
    if (s.len < 4 || (s.len > 4 && sl_isdigit((unsigned char)s.p[4]))) return -1;
    int v = 0;
    for (size_t i = 0; i < 4; i++) {
        if (!sl_isdigit((unsigned char)s.p[i])) return -1;
        v = v * 10 + (s.p[i] - '0');
    }
    return v;
}

/* Whether a number seen in the cell is a records-law section for one of the strong codes. */
static int family_match(const scan *sc)
{
    for (size_t i = 0; i < sc->nnums; i++) {
        sl_slice s = sc->nums[i];
        if ((sc->strong_fam & F_CA_GOV) && s.len >= 4 && lead4(s) >= 0) {
            /* The California Public Records Act: 6250-6276.48, renumbered 7920.000-7931.000. */
            int v = lead4(s);
            if ((v >= 6250 && v <= 6276) || (v >= 7920 && v <= 7931)) return 1;
        }
        if ((sc->strong_fam & F_RCW) && (starts(s, "42.56") || starts(s, "42.17"))) return 1;
        if ((sc->strong_fam & F_ILCS) && (starts(s, "140/") || (s.len == 3 && starts(s, "140"))))
            return 1;
        if ((sc->strong_fam & F_ORS) && starts(s, "192.")) return 1;
        if ((sc->strong_fam & F_USC) && starts(s, "552")) return 1;
        if ((sc->strong_fam & F_CGS) && starts(s, "1-2")) return 1;
        if ((sc->strong_fam & F_MGL) && (starts(s, "7(26)") || (s.len == 2 && starts(s, "66"))))
            return 1;
    }
    return 0;
}

static int is_lead_strip(unsigned char c)
{
    return c == '(' || c == '[' || c == '{' || c == '<' || c == '"' || c == '\'' || c == '`';
}

static int is_trail_strip(unsigned char c)
{
    return c == ']' || c == '}' || c == '>' || c == '"' || c == '\'' || c == '`' || c == '.' ||
           c == ',' || c == ':' || c == ';' || c == '!' || c == '?';
}

/* Curly quotes U+2018/2019/201C/201D are E2 80 98/99/9C/9D. */
static int is_curly(const char *p, size_t n)
{
    return n >= 3 && (unsigned char)p[0] == 0xE2 && (unsigned char)p[1] == 0x80 &&
           ((unsigned char)p[2] == 0x98 || (unsigned char)p[2] == 0x99 ||
            (unsigned char)p[2] == 0x9C || (unsigned char)p[2] == 0x9D);
}

static void classify_token(sl_field f, const char *p, size_t n, scan *sc)
{
    /* A leading section sign ("§7923.600", "§§"). */
    while (n >= 2 && (unsigned char)p[0] == 0xC2 && (unsigned char)p[1] == 0xA7) {
        sc->weak++;
        p += 2;
        n -= 2;
    }
    if (n == 0) return;

    /* What the token is made of. */
    size_t alnum = 0, stars = 0, run = 0, maxstar = 0, hashes = 0, hashrun = 0, maxhash = 0;
    size_t blocks = 0;
    const unsigned char *u = (const unsigned char *)p;
    for (size_t i = 0; i < n;) {
        size_t adv = 1;
        uint32_t cp = u[i] < 0x80 ? u[i] : utf8_next(u + i, n - i, &adv);
        if (cp == '*') {
            stars++;
            if (++run > maxstar) maxstar = run;
        } else run = 0;
        if (cp == '#') {
            hashes++;
            if (++hashrun > maxhash) maxhash = hashrun;
        } else hashrun = 0;
        if (cp >= 0x2580 && is_block_glyph(cp)) blocks++;
        else if (cp < 0x80 ? sl_isalnum((unsigned char)cp) : is_foreign_letter(cp)) alnum++;
        i += adv;
    }
    sc->blocks += (unsigned)blocks;
    const int wild = is_wildcard_field(f);
    if (alnum == 0) {
        /* Glyph-only or punctuation-only token. */
        sc->glyphs += (unsigned)((wild ? 0 : stars) + hashes);
        return;
    }
    /* A value with a masked fragment ("J***", "Sm**h", "###-1234", "AB█"). */
    if (blocks || maxhash >= 3 || (!wild && maxstar >= 3) ||
        (!wild && stars && (f == SL_F_NAME || f == SL_F_USER_ID))) {
        sc->redact++;
        sc->other++;
        return;
    }

    /* Strip wrapping brackets, quotes and trailing punctuation. */
    if (!is_paren_groups(p, n)) {
        for (;;) {
            if (n && is_lead_strip((unsigned char)p[0])) {
                p++;
                n--;
            } else if (is_curly(p, n)) {
                p += 3;
                n -= 3;
            } else break;
        }
        for (;;) {
            if (n && is_trail_strip((unsigned char)p[n - 1])) {
                n--;
            } else if (n >= 3 && is_curly(p + n - 3, 3)) {
                n -= 3;
            } else if (n && p[n - 1] == ')') {
                size_t open = 0, close = 0;
                for (size_t i = 0; i < n; i++) {
                    open += p[i] == '(';
                    close += p[i] == ')';
                }
                if (close > open) n--;
                else break;
            } else break;
        }
    }
    if (n == 0) return;

    int stat;
    if (is_paren_groups(p, n) || is_number(p, n, &stat)) {
        if (is_paren_groups(p, n)) stat = 1;
        if (stat) sc->num_stat++;
        else sc->num_plain++;
        if (sc->nnums < MAX_NUMS) sc->nums[sc->nnums++] = (sl_slice){p, n};
        return;
    }

    /* A word: lower-cased, dots and apostrophes dropped. */
    char w[24];
    size_t wn = 0;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)p[i];
        if (c == '.' || c == '\'') continue;
        if (!sl_isalpha(c) || wn == sizeof w) {
            sc->other++;
            return;
        }
        w[wn++] = (char)sl_tolower(c);
    }
    const word_def *d = wn ? lookup_word(w, wn) : NULL;
    if (!d) {
        sc->other++;
        return;
    }
    switch (d->kind) {
    case W_REDACT: sc->redact++; break;
    case W_WITHHELD: sc->withheld++; break;
    case W_EXEMPT: sc->exempt++; break;
    case W_ACT: sc->act++; break;
    case W_STRONG: sc->strong_fam |= d->family; break;
    case W_WEAK: sc->weak++; break;
    default: sc->filler++; break;
    }
}

/* Token separators: white space, NBSP, ',', ';', '|', and '/' unless between two digits
 * ("140/7" stays whole). */
static size_t sep_len(const char *p, size_t i, size_t len)
{
    unsigned char c = (unsigned char)p[i];
    if (sl_isspace(c) || c == ',' || c == ';' || c == '|') return 1;
    if (c == 0xC2 && i + 1 < len && (unsigned char)p[i + 1] == 0xA0) return 2;
    if (c == '/') {
        int dl = i > 0 && sl_isdigit((unsigned char)p[i - 1]);
        int dr = i + 1 < len && sl_isdigit((unsigned char)p[i + 1]);
        return dl && dr ? 0 : 1;
    }
    return 0;
}

static void scan_tokens(sl_field f, const char *p, size_t len, scan *sc)
{
    memset(sc, 0, sizeof *sc);
    size_t i = 0;
    while (i < len) {
        size_t s;
        while (i < len && (s = sep_len(p, i, len)) > 0) i += s;
        size_t start = i;
        while (i < len && sep_len(p, i, len) == 0) i++;
        if (i > start) classify_token(f, p + start, i - start, sc);
    }
}

/* ---- placeholders ---------------------------------------------------------------------- */

/* Compared after lower-casing and turning every run of non-alphanumerics into one space
 * ("N/A" -> "n a", "N.A." -> "n a", "--none--" -> "none"). */
#define PH(z) {z, sizeof z - 1}
static const struct {
    const char *z;
    size_t n;
} PLACEHOLDERS[] = {
    PH("none"), PH("na"), PH("n a"), PH("not applicable"), PH("null"), PH("nil"), PH("x"),
    PH("xx"), PH("test"), PH("testing"), PH("no reason"), PH("unknown"), PH("unk"), PH("tbd"),
    PH("blank"), PH("empty"), PH("no case"), PH("nocase"), PH("no case number"),
};
#undef PH

static int is_placeholder_text(sl_field f, const char *p, size_t len)
{
    char w[40];
    size_t wn = 0;
    int all_zero = 1, any_digit = 0;
    if (len > 24) return 0; /* longer than any placeholder, even wrapped in punctuation */
    /* Every placeholder word starts with one of these; most values do not. */
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)p[i];
        if (!sl_isalnum(c)) continue;
        c = sl_tolower(c);
        if (c != 'n' && c != 'u' && c != 't' && c != 'x' && c != 'b' && c != 'e' && c != '0')
            return 0;
        break;
    }
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)p[i];
        if (sl_isalnum(c)) {
            if (wn == sizeof w) return 0;
            w[wn++] = (char)sl_tolower(c);
            if (c != '0') all_zero = 0;
            else any_digit = 1;
        } else if (c >= 0x80) {
            return 0; /* a foreign letter or symbol: not one of ours */
        } else if (wn && w[wn - 1] != ' ') {
            if (wn == sizeof w) return 0;
            w[wn++] = ' ';
        }
    }
    while (wn && w[wn - 1] == ' ') wn--;
    if (wn == 0) return 0;
    /* Zero: a count for networks and devices, a placeholder anywhere else ("0", "000"). */
    if (all_zero && any_digit) {
        int only_zeros = 1;
        for (size_t i = 0; i < wn; i++)
            if (w[i] != '0' && w[i] != ' ') only_zeros = 0;
        if (only_zeros) return !(f == SL_F_NETWORKS || f == SL_F_DEVICES);
    }
    for (size_t i = 0; i < SL_ARRAY_LEN(PLACEHOLDERS); i++) {
        const char *z = PLACEHOLDERS[i].z;
        if (z[0] == w[0] && PLACEHOLDERS[i].n == wn && memcmp(z, w, wn) == 0) return 1;
    }
    return 0;
}

/* ---- fast path ----------------------------------------------------------------------------
 * Most cells are plain ASCII text: names, organizations, reasons, case numbers. For those the
 * full decision reduces to "a placeholder word, else a value", and telling that needs one
 * pass of table lookups. Exact, not a heuristic: AGENCY_REDACTED and PARTIAL need masks
 * ('*', '#', block glyphs), non-ASCII (section sign, NBSP), a marker word (redact, withheld,
 * exempt) or a letters-only token (a records-law acronym or code, "GC", "FOIA", "USC");
 * without any of those sl_cell_classify would come to the same answer the long way. */

enum { B_SLOW = 1, B_ALPHA = 2, B_DIGIT = 4 };
#define B_LETTER(c) (UINT32_C(1) << (4 + ((c) - 'a'))) /* c: a lower-case ASCII letter */

/* Every letter of a marker word must be in the cell before has_marker is worth running. */
#define B_REDACT                                                                                \
    (B_LETTER('r') | B_LETTER('e') | B_LETTER('d') | B_LETTER('a') | B_LETTER('c') | B_LETTER('t'))
#define B_WITHHELD                                                                              \
    (B_LETTER('w') | B_LETTER('i') | B_LETTER('t') | B_LETTER('h') | B_LETTER('e') |            \
     B_LETTER('l') | B_LETTER('d'))
#define B_EXEMPT (B_LETTER('e') | B_LETTER('x') | B_LETTER('m') | B_LETTER('p') | B_LETTER('t'))

/* B_SLOW: non-ASCII, '*', '#'. B_ALPHA: ASCII letter. B_DIGIT: ASCII digit. Bits 4 to 29: which
 * letter, either case (B_LETTER). */
static const uint32_t BYTE_CLASS[256] = {
    0x00000000, 0x00000000, 0x00000000, 0x00000000, 0x00000000, 0x00000000, 0x00000000, 0x00000000,
    0x00000000, 0x00000000, 0x00000000, 0x00000000, 0x00000000, 0x00000000, 0x00000000, 0x00000000,
    0x00000000, 0x00000000, 0x00000000, 0x00000000, 0x00000000, 0x00000000, 0x00000000, 0x00000000,
    0x00000000, 0x00000000, 0x00000000, 0x00000000, 0x00000000, 0x00000000, 0x00000000, 0x00000000,
    0x00000000, 0x00000000, 0x00000000, 0x00000001, 0x00000000, 0x00000000, 0x00000000, 0x00000000,
    0x00000000, 0x00000000, 0x00000001, 0x00000000, 0x00000000, 0x00000000, 0x00000000, 0x00000000,
    0x00000004, 0x00000004, 0x00000004, 0x00000004, 0x00000004, 0x00000004, 0x00000004, 0x00000004,
    0x00000004, 0x00000004, 0x00000000, 0x00000000, 0x00000000, 0x00000000, 0x00000000, 0x00000000,
    0x00000000, 0x00000012, 0x00000022, 0x00000042, 0x00000082, 0x00000102, 0x00000202, 0x00000402,
    0x00000802, 0x00001002, 0x00002002, 0x00004002, 0x00008002, 0x00010002, 0x00020002, 0x00040002,
    0x00080002, 0x00100002, 0x00200002, 0x00400002, 0x00800002, 0x01000002, 0x02000002, 0x04000002,
    0x08000002, 0x10000002, 0x20000002, 0x00000000, 0x00000000, 0x00000000, 0x00000000, 0x00000000,
    0x00000000, 0x00000012, 0x00000022, 0x00000042, 0x00000082, 0x00000102, 0x00000202, 0x00000402,
    0x00000802, 0x00001002, 0x00002002, 0x00004002, 0x00008002, 0x00010002, 0x00020002, 0x00040002,
    0x00080002, 0x00100002, 0x00200002, 0x00400002, 0x00800002, 0x01000002, 0x02000002, 0x04000002,
    0x08000002, 0x10000002, 0x20000002, 0x00000000, 0x00000000, 0x00000000, 0x00000000, 0x00000000,
    0x00000001, 0x00000001, 0x00000001, 0x00000001, 0x00000001, 0x00000001, 0x00000001, 0x00000001,
    0x00000001, 0x00000001, 0x00000001, 0x00000001, 0x00000001, 0x00000001, 0x00000001, 0x00000001,
    0x00000001, 0x00000001, 0x00000001, 0x00000001, 0x00000001, 0x00000001, 0x00000001, 0x00000001,
    0x00000001, 0x00000001, 0x00000001, 0x00000001, 0x00000001, 0x00000001, 0x00000001, 0x00000001,
    0x00000001, 0x00000001, 0x00000001, 0x00000001, 0x00000001, 0x00000001, 0x00000001, 0x00000001,
    0x00000001, 0x00000001, 0x00000001, 0x00000001, 0x00000001, 0x00000001, 0x00000001, 0x00000001,
    0x00000001, 0x00000001, 0x00000001, 0x00000001, 0x00000001, 0x00000001, 0x00000001, 0x00000001,
    0x00000001, 0x00000001, 0x00000001, 0x00000001, 0x00000001, 0x00000001, 0x00000001, 0x00000001,
    0x00000001, 0x00000001, 0x00000001, 0x00000001, 0x00000001, 0x00000001, 0x00000001, 0x00000001,
    0x00000001, 0x00000001, 0x00000001, 0x00000001, 0x00000001, 0x00000001, 0x00000001, 0x00000001,
    0x00000001, 0x00000001, 0x00000001, 0x00000001, 0x00000001, 0x00000001, 0x00000001, 0x00000001,
    0x00000001, 0x00000001, 0x00000001, 0x00000001, 0x00000001, 0x00000001, 0x00000001, 0x00000001,
    0x00000001, 0x00000001, 0x00000001, 0x00000001, 0x00000001, 0x00000001, 0x00000001, 0x00000001,
    0x00000001, 0x00000001, 0x00000001, 0x00000001, 0x00000001, 0x00000001, 0x00000001, 0x00000001,
    0x00000001, 0x00000001, 0x00000001, 0x00000001, 0x00000001, 0x00000001, 0x00000001, 0x00000001,
    0x00000001, 0x00000001, 0x00000001, 0x00000001, 0x00000001, 0x00000001, 0x00000001, 0x00000001,
};

/* Whether "redact", "withheld" or "exempt" appears anywhere, case-insensitively (the same
 * test as count_glyphs' marker), looked for around d, w and x. */
static int has_marker(const char *p, size_t len)
{
    for (size_t i = 0; i < len; i++) {
        switch (p[i] | 32) {
        case 'd':
            if (i >= 2 && word_at(p, len, i - 2, "redact", 6)) return 1;
            break;
        case 'w':
            if (word_at(p, len, i, "withheld", 8)) return 1;
            break;
        case 'x':
            if (i >= 1 && word_at(p, len, i - 1, "exempt", 6)) return 1;
            break;
        default: break;
        }
    }
    return 0;
}

/* Whether some token (split at white space, ',', ';', '|', '/': at least everywhere the token
 * scan splits) holds a letter and no digit: only such a token can be a word of WORDS. */
static int has_letters_only_token(const char *p, size_t len)
{
    uint32_t alpha = 0, digit = 0;
    for (size_t i = 0; i <= len; i++) {
        unsigned char c = i < len ? (unsigned char)p[i] : ' ';
        if (sl_isspace(c) || c == ',' || c == ';' || c == '|' || c == '/') {
            if (alpha && !digit) return 1;
            alpha = digit = 0;
            continue;
        }
        alpha |= BYTE_CLASS[c] & B_ALPHA;
        digit |= BYTE_CLASS[c] & B_DIGIT;
    }
    return 0;
}

/* The decision for a trimmed, non-empty cell when the fast path applies; -1 when it does not. */
static int classify_fast(sl_field f, const char *p, size_t len)
{
    const unsigned char *u = (const unsigned char *)p;
    uint32_t cls = 0, c2 = 0;
    size_t i = 0;
    for (; i + 2 <= len; i += 2) { /* two chains: the loads do not wait on each other */
        cls |= BYTE_CLASS[u[i]];
        c2 |= BYTE_CLASS[u[i + 1]];
    }
    if (i < len) cls |= BYTE_CLASS[u[i]];
    cls |= c2;
    if (cls & B_SLOW) {
        /* "***", the vendor's mask, on every row of some columns. */
        size_t k = 0;
        while (k < len && p[k] == '*') k++;
        if (k == len) return len >= 3 ? SL_CELL_VENDOR_REDACTED : SL_CELL_PLACEHOLDER;
        return -1;
    }
    if (!(cls & (B_ALPHA | B_DIGIT))) return -1;
    if (cls & B_ALPHA) {
        if (((cls & B_REDACT) == B_REDACT || (cls & B_WITHHELD) == B_WITHHELD ||
             (cls & B_EXEMPT) == B_EXEMPT) &&
            has_marker(p, len))
            return -1;
        if ((cls & B_DIGIT) && has_letters_only_token(p, len)) return -1;
    }
    return is_placeholder_text(f, p, len) ? SL_CELL_PLACEHOLDER : SL_CELL_VALUE;
}

/* ---- the decision ---------------------------------------------------------------------- */

sl_cell_state sl_cell_classify(sl_field f, const char *p, size_t len)
{
    if (!p || len == 0) return SL_CELL_EMPTY;
    /* Trimming is a no-op when both ends are printable ASCII. */
    unsigned char c0 = (unsigned char)p[0], c1 = (unsigned char)p[len - 1];
    if (!(c0 > ' ' && c0 < 0x80 && c1 > ' ' && c1 < 0x80)) {
        sl_slice t = sl_trim((sl_slice){p, len});
        p = t.p;
        len = t.len;
        if (len == 0) return SL_CELL_EMPTY;
    }
    int fast = classify_fast(f, p, len);
    if (fast >= 0) return (sl_cell_state)fast;
    return sl_cell_classify_full(f, p, len);
}

sl_cell_state sl_cell_classify_full(sl_field f, const char *p, size_t len)
{
    if (!p || len == 0) return SL_CELL_EMPTY;
    sl_slice t = sl_trim((sl_slice){p, len});
    p = t.p;
    len = t.len;
    if (len == 0) return SL_CELL_EMPTY;

    glyph_count g;
    count_glyphs(p, len, &g);
    if (g.other == 0) {
        /* Only '*', '#', block glyphs and spaces. */
        if (g.stars == len) return len >= 3 ? SL_CELL_VENDOR_REDACTED : SL_CELL_PLACEHOLDER;
        if (g.blocks || g.hashes >= 3 || g.stars + g.hashes >= 3) return SL_CELL_AGENCY_REDACTED;
        return SL_CELL_PLACEHOLDER;
    }
    if (g.alnum == 0) {
        /* No letter or digit: a placeholder, unless masks are joined by punctuation
         * ("*** / ***", "### - ###"). */
        if (g.blocks || g.hashes >= 3) return SL_CELL_AGENCY_REDACTED;
        if (g.stars >= 3) return SL_CELL_VENDOR_REDACTED;
        return SL_CELL_PLACEHOLDER;
    }

    if (!may_be_redacted(&g))
        return is_placeholder_text(f, p, len) ? SL_CELL_PLACEHOLDER : SL_CELL_VALUE;

    scan sc;
    scan_tokens(f, p, len, &sc);
    const int redmark = sc.redact || sc.blocks || sc.glyphs >= 3;
    const int family = sc.strong_fam && family_match(&sc);
    const int act_ok = sc.act && sc.num_stat;
    /* Substance: words that are not markers, codes or filler, and numbers unless a
     * records-law citation or an exemption claim explains them. */
    unsigned sub = sc.other;
    if (!family) {
        sub += sc.num_plain;
        if (!(sc.exempt || sc.withheld || act_ok)) sub += sc.num_stat;
    }
    if (sub == 0 && (redmark || sc.withheld || sc.exempt || family || act_ok))
        return SL_CELL_AGENCY_REDACTED;
    if (sub > 0 && (redmark || sc.withheld || family)) return SL_CELL_PARTIAL;

    if (is_placeholder_text(f, p, len)) return SL_CELL_PLACEHOLDER;
    return SL_CELL_VALUE;
}

/* ---- memo ------------------------------------------------------------------------------
 * The lookup is inline in cell.h, so each caller's branches are its own; a miss lands here. */

sl_cell_state sl_cell_memo_fill(sl_cell_memo_slot *s, uint32_t tag, sl_field f, const char *p,
                                size_t len, uint64_t key)
{
    sl_cell_state st = sl_cell_classify(f, p, len);
    s->h = tag;
    s->len = (uint8_t)len;
    s->field = (uint8_t)f;
    s->st = (uint8_t)st;
    if (len < SL_CELL_MEMO_MIN) memcpy(s->text, &key, 8);
    else memcpy(s->text, p, len);
    return st;
}
