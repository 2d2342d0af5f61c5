/* redact.c: keeps civilians' data out of what is written. Small hand-written scanners walk free
 * text once, trying at each word start: plates (the row's own plate, words after "plate"/"tag",
 * plate-shaped words) become keyed tokens; for published outputs, dates of birth, SSNs, phone
 * numbers, driver's license numbers, e-mail and street addresses become [LABELS].
 *
 * Trade-off, chosen on purpose: a plate leaked into a published report cannot be taken back,
 * a case number shown as a token costs a reader a little context. So any 5-8 character word
 * mixing letters and digits is treated as a plate (case numbers like "CR24001" included), while
 * all-digit words, digit groups joined by '-' or '/' ("25-001234", "2025/123"), statutes
 * ("10851VC"), ordinals, decades and times ("21st", "1990s", "10AM"), and the volume words of a
 * split archive ("part1", as in release.part1.rar) are left alone. All-digit
 * plates are only caught after a plate word or as the row's own plate; all-letter plates only as
 * the row's own plate ("plate reader", "tag along" are words). A word may start after
 * asterisks (a mask or a wildcard: "**ABC1234"), a '(' or a '+' ("(ABC1234)") that start
 * nothing themselves; the row's own plate is looked for after any
 * '*', even inside a wildcard word ("ABC*LOVEME"). Only flagged rows, report text and
 * diagnostics pass through here, so speed is secondary. */
#include "redact.h"
#include "plate_labels.h"

#include <pthread.h>
#include <stdlib.h>
#include <stdint.h>
#include <string.h>

#define MAX_KNOWN 16     /* plates listed in one plate cell, and the named plates (8) */
#define KNOWN_CAP 24     /* normalised length of one plate */

typedef struct {
    char p[KNOWN_CAP];
    size_t len;
} known_plate_t;

/* ---- small helpers ------------------------------------------------------------------------ */

static int is_al(const char *t, size_t n, size_t i) { return i < n && sl_isalnum((unsigned char)t[i]); }
static int is_dg(const char *t, size_t n, size_t i) { return i < n && sl_isdigit((unsigned char)t[i]); }
static int is_alpha_at(const char *t, size_t n, size_t i) { return i < n && sl_isalpha((unsigned char)t[i]); }

/* A keyword with its length, so the hot loops never call strlen. Keyword lists end with
 * KW_END. */
typedef struct {
    const char *s;
    size_t len;
} kw_t;
#define KW(lit) {lit, sizeof lit - 1}
#define KW_END {NULL, 0}

/* Case-insensitive keyword k of m bytes (lower-case, may hold spaces and punctuation) at i. A
 * keyword ending in a letter or digit must end at a word boundary. Returns the end index, or 0. */
static inline size_t kw_at(const char *t, size_t n, size_t i, const char *k, size_t m) {
    if (i >= n || m > n - i) return 0;
    for (size_t j = 0; j < m; j++)
        if (sl_tolower((unsigned char)t[i + j]) != (unsigned char)k[j]) return 0;
    if (sl_isalnum((unsigned char)k[m - 1]) && is_al(t, n, i + m)) return 0;
    return i + m;
}
#define KW_AT(t, n, i, lit) kw_at(t, n, i, lit, sizeof lit - 1)

/* A keyword list (longest first) with the set of its first letters, so that kw_any turns most
 * word starts away with one test: bit c - 'a' for a letter, bit 26 for any other byte. The sets
 * are computed once, from the lists themselves, by redact_init. */
typedef struct {
    const kw_t *k;
    uint32_t first;
} kw_set;

static uint32_t first_bit(unsigned char c) {
    c = sl_tolower(c);
    return (c >= 'a' && c <= 'z') ? 1u << (c - 'a') : 1u << 26;
}

/* First keyword of a set that matches at i. */
static size_t kw_any(const char *t, size_t n, size_t i, const kw_set *set) {
    if (i >= n || !(set->first & first_bit((unsigned char)t[i]))) return 0;
    unsigned char c = sl_tolower((unsigned char)t[i]);
    for (const kw_t *k = set->k; k->s; k++) {
        if ((unsigned char)k->s[0] != c) continue;
        size_t e = kw_at(t, n, i, k->s, k->len);
        if (e) return e;
    }
    return 0;
}

static size_t skip_set(const char *t, size_t n, size_t i, const char *set) {
    while (i < n && t[i] != '\0' && strchr(set, t[i])) i++;
    return i;
}

static size_t digits(const char *t, size_t n, size_t i) {
    size_t j = i;
    while (is_dg(t, n, j)) j++;
    return j - i;
}

static unsigned num_val(const char *t, size_t i, size_t len) {
    unsigned v = 0;
    for (size_t j = 0; j < len; j++) v = v * 10 + (unsigned)(t[i + j] - '0');
    return v;
}

/* A number may start at i: not glued to a word or to a digit group by - / . */
static int num_start_ok(const char *t, size_t i) {
    if (i == 0) return 1;
    unsigned char p = (unsigned char)t[i - 1];
    if (sl_isalnum(p)) return 0;
    if ((p == '-' || p == '/' || p == '.') && i >= 2 && sl_isdigit((unsigned char)t[i - 2])) return 0;
    return 1;
}

/* A number may end at e: not followed by a word character or by - / . and more digits. */
static int num_end_ok(const char *t, size_t n, size_t e) {
    if (e >= n) return 1;
    unsigned char c = (unsigned char)t[e];
    if (sl_isalnum(c)) return 0;
    if ((c == '-' || c == '/' || c == '.') && is_dg(t, n, e + 1)) return 0;
    return 1;
}

/* A byte a rule's \W matches: anything but an ASCII letter, digit or '_'. The finders below
 * read what follows a label as rules/sensitive_data.rules does, so that what a rule reports
 * there is redacted (test_redact checks it). */
static int nonword(const char *t, size_t n, size_t i) {
    return i < n && !sl_isalnum((unsigned char)t[i]) && t[i] != '_';
}

static size_t skip_nonword(const char *t, size_t n, size_t i) {
    while (nonword(t, n, i)) i++;
    return i;
}

/* Digit groups of exactly the given sizes, each but the first after at most one \W byte (a
 * rule's "\d{3}\W?\d{2}\W?\d{4}"), with no letter or digit after the last. Returns the end or 0. */
static size_t digit_groups(const char *t, size_t n, size_t i, const unsigned char *len, size_t ng) {
    for (size_t g = 0; g < ng; g++) {
        if (g && nonword(t, n, i) && is_dg(t, n, i + 1)) i++;
        for (size_t k = 0; k < len[g]; k++, i++)
            if (!is_dg(t, n, i)) return 0;
    }
    return is_al(t, n, i) ? 0 : i;
}

/* ---- dates -------------------------------------------------------------------------------- */

static const kw_t MONTHS[] = {KW("january"), KW("february"), KW("march"), KW("april"), KW("may"),
    KW("june"), KW("july"), KW("august"), KW("september"), KW("october"), KW("november"),
    KW("december"), KW_END};

/* A month name or its 3-letter (4 for "sept") abbreviation with an optional dot. The twelve
 * abbreviations are distinct, so at most one month can match at i: found from the first three
 * letters, then its long forms are tried before the abbreviation. */
static size_t month_at(const char *t, size_t n, size_t i) {
    if (i >= n || n - i < 3) return 0;
    unsigned char a = sl_tolower((unsigned char)t[i]), b = sl_tolower((unsigned char)t[i + 1]),
                  c = sl_tolower((unsigned char)t[i + 2]);
    size_t m = 0;
    while (MONTHS[m].s && !(MONTHS[m].s[0] == a && MONTHS[m].s[1] == b && MONTHS[m].s[2] == c)) m++;
    if (!MONTHS[m].s) return 0;
    size_t e = kw_at(t, n, i, MONTHS[m].s, MONTHS[m].len);
    if (!e && m == 8) e = KW_AT(t, n, i, "sept");
    if (!e) e = kw_at(t, n, i, MONTHS[m].s, 3);
    if (e) return (e < n && t[e] == '.') ? e + 1 : e;
    return 0;
}

/* Four digits at i that read as a year of 1900-2099: "DOB 1985", "DUI 2024", "tags 2023". */
static int year4_at(const char *t, size_t i) {
    unsigned y = num_val(t, i, 4);
    return y >= 1900 && y <= 2099;
}

static unsigned year_of(const char *t, size_t i, size_t len) {
    unsigned y = num_val(t, i, len);
    if (len == 2) y += (y >= 30) ? 1900 : 2000;
    return y;
}

/* Parses a date at i: M/D/Y, M-D-Y, M.D.Y (Y of 2 or 4 digits), Y-M-D, Y/M/D, "Jan 2, 1980",
 * "2 Jan 1980". Sets *end and *year; returns 1 on success. */
static int parse_date(const char *t, size_t n, size_t i, size_t *end, unsigned *year) {
    size_t a = digits(t, n, i);
    if (a >= 1 && a <= 2 && i + a < n) {
        char sep = t[i + a];
        if (sep == '/' || sep == '-' || sep == '.') {
            size_t j = i + a + 1, b = digits(t, n, j);
            char sep2 = j + b < n ? t[j + b] : '\0'; /* "1/2-1980" too, as the rule reads it */
            if (b >= 1 && b <= 2 && (sep2 == '/' || sep2 == '-' || sep2 == '.')) {
                size_t k = j + b + 1, c = digits(t, n, k);
                if ((c == 2 || c == 4) && num_end_ok(t, n, k + c)) {
                    unsigned x = num_val(t, i, a), y = num_val(t, j, b);
                    if ((x >= 1 && x <= 12 && y >= 1 && y <= 31) || (y >= 1 && y <= 12 && x >= 1 && x <= 31)) {
                        *end = k + c;
                        *year = year_of(t, k, c);
                        return 1;
                    }
                }
            }
        }
    }
    if (a == 4 && i + a < n && (t[i + a] == '-' || t[i + a] == '/')) {
        char sep = t[i + 4];
        size_t j = i + 5, b = digits(t, n, j);
        if (b >= 1 && b <= 2 && j + b < n && t[j + b] == sep) {
            size_t k = j + b + 1, c = digits(t, n, k);
            if (c >= 1 && c <= 2 && num_end_ok(t, n, k + c)) {
                unsigned mo = num_val(t, j, b), d = num_val(t, k, c);
                if (mo >= 1 && mo <= 12 && d >= 1 && d <= 31) {
                    *end = k + c;
                    *year = num_val(t, i, 4);
                    return 1;
                }
            }
        }
    }
    /* "Jan 2, 1980" / "January 2nd 1980" */
    size_t m = month_at(t, n, i);
    if (m) {
        size_t j = skip_set(t, n, m, " "), d = digits(t, n, j);
        if (j > m && d >= 1 && d <= 2) {
            size_t k = j + d;
            if (KW_AT(t, n, k, "st") || KW_AT(t, n, k, "nd") || KW_AT(t, n, k, "rd") || KW_AT(t, n, k, "th")) k += 2;
            size_t l = skip_set(t, n, k, ", ");
            if (l > k && digits(t, n, l) == 4 && num_end_ok(t, n, l + 4)) {
                *end = l + 4;
                *year = num_val(t, l, 4);
                return 1;
            }
        }
    }
    /* "2 Jan 1980" */
    if (a >= 1 && a <= 2) {
        size_t j = skip_set(t, n, i + a, " -");
        size_t me = (j > i + a) ? month_at(t, n, j) : 0;
        if (me) {
            size_t l = skip_set(t, n, me, ", -");
            if (l > me && digits(t, n, l) == 4 && num_end_ok(t, n, l + 4)) {
                *end = l + 4;
                *year = num_val(t, l, 4);
                return 1;
            }
        }
    }
    return 0;
}

/* Newest year of a bare date (no "DOB" before it) still taken for a date of birth. Searches are
 * about recent events, so a full date before this is far more likely a birth date than an
 * incident date; cold cases lose their date to "[DOB]", which is the safe side. Fixed, never
 * read from the clock, so outputs stay reproducible. */
#define BARE_DOB_MAX_YEAR 2009 /* the date-of-birth rule's "(19\d\d|200\d)" */

/* ---- personal data ------------------------------------------------------------------------ */

static int local_char(unsigned char c) {
    return sl_isalnum(c) || c == '.' || c == '_' || c == '%' || c == '+' || c == '-';
}

static int scan_email(const char *t, size_t n, size_t i, size_t *rs, size_t *re) {
    size_t j = i;
    while (j < n && local_char((unsigned char)t[j])) j++;
    if (j == i || j >= n || t[j] != '@') return 0;
    size_t k = j + 1, dots = 0, last_start = k, last_len = 0;
    for (;;) {
        size_t l = k;
        while (k < n && (sl_isalnum((unsigned char)t[k]) || t[k] == '-')) k++;
        if (k == l) return 0;
        last_start = l;
        last_len = k - l;
        if (k + 1 < n && t[k] == '.' && sl_isalnum((unsigned char)t[k + 1])) {
            k++;
            dots++;
            continue;
        }
        break;
    }
    if (dots == 0 || last_len < 2) return 0;
    for (size_t q = 0; q < last_len; q++)
        if (!sl_isalpha((unsigned char)t[last_start + q])) return 0;
    *rs = i;
    *re = k;
    return 1;
}

/* ddd-dd-dddd, standing alone (after a label, scan_ssn reads more forms). */
static int ssn_digits(const char *t, size_t n, size_t i, size_t *end) {
    if (!num_start_ok(t, i) || digits(t, n, i) != 3 || i + 3 >= n || t[i + 3] != '-') return 0;
    size_t j = i + 4;
    if (digits(t, n, j) == 2 && j + 2 < n && t[j + 2] == '-' && digits(t, n, j + 3) == 4 &&
        num_end_ok(t, n, j + 7)) {
        *end = j + 7;
        return 1;
    }
    return 0;
}

static const kw_t SSN_KW[] = {KW("social security number"), KW("social security no"),
    KW("social security #"), KW("social security"), KW("ssn#"), KW("ssn"), KW("ss#"), KW("soc sec"),
    KW("soc. sec."), KW("soc. sec"), KW_END};
static kw_set SSN_KW_SET = {SSN_KW, 0};

static int scan_ssn(const char *t, size_t n, size_t i, size_t *rs, size_t *re) {
    size_t e = kw_any(t, n, i, &SSN_KW_SET);
    if (e) {
        /* 3, 2 and 4 digits, each split by at most one \W byte: "123-45-6789", "123.45.6789",
         * "123 456789", "123456789" */
        static const unsigned char g[] = {3, 2, 4};
        size_t p = skip_nonword(t, n, e), end;
        if (num_start_ok(t, p) && (end = digit_groups(t, n, p, g, 3)) != 0) {
            *rs = i;
            *re = end;
            return 1;
        }
    }
    if (is_dg(t, n, i) && ssn_digits(t, n, i, re)) {
        *rs = i;
        return 1;
    }
    return 0;
}

static const kw_t DOB_KW[] = {KW("date of birth"), KW("date-of-birth"), KW("birth date"),
    KW("birth-date"), KW("birthdate"), KW("birthday"), KW("d.o.b."), KW("d.o.b"), KW("d/o/b"), KW("dob"),
    KW("b/d"), KW("born on"), KW("born"), KW_END};
static kw_set DOB_KW_SET = {DOB_KW, 0};

/* After a date-of-birth label, as the rule reads it: three numbers of 1-4, 1-2 and 2-4 digits
 * split by one \W byte each ("01 02 1980", "1980.01.02", whatever the values), or 6-8 digits
 * ("04151990"). Returns the end or 0. */
static size_t dob_digits(const char *t, size_t n, size_t p) {
    size_t a = digits(t, n, p);
    if (a >= 6 && a <= 8 && !is_al(t, n, p + a)) return p + a;
    if (a < 1 || a > 4 || !nonword(t, n, p + a)) return 0;
    size_t j = p + a + 1, b = digits(t, n, j);
    if (b < 1 || b > 2 || !nonword(t, n, j + b)) return 0;
    size_t k = j + b + 1, c = digits(t, n, k);
    return (c >= 2 && c <= 4 && !is_al(t, n, k + c)) ? k + c : 0;
}

static int scan_dob(const char *t, size_t n, size_t i, size_t *rs, size_t *re) {
    size_t e = kw_any(t, n, i, &DOB_KW_SET);
    if (e) {
        size_t p = skip_nonword(t, n, e);
        size_t q = KW_AT(t, n, p, "on");
        if (!q) q = KW_AT(t, n, p, "of");
        if (!q) q = KW_AT(t, n, p, "is");
        if (!q) q = KW_AT(t, n, p, "in");
        if (q) p = skip_nonword(t, n, q);
        unsigned y;
        size_t end;
        if (parse_date(t, n, p, re, &y)) {
            *rs = i;
            return 1;
        }
        if ((end = dob_digits(t, n, p)) != 0) {
            *rs = i;
            *re = end;
            return 1;
        }
        if (digits(t, n, p) == 4 && num_end_ok(t, n, p + 4) && year4_at(t, p)) {
            *rs = i;
            *re = p + 4;
            return 1;
        }
    }
    /* A bare full date old enough to be a birth date. */
    if (is_dg(t, n, i) || is_alpha_at(t, n, i)) {
        unsigned y;
        size_t end;
        if ((!is_dg(t, n, i) || num_start_ok(t, i)) && parse_date(t, n, i, &end, &y) && y >= 1900 &&
            y <= BARE_DOB_MAX_YEAR) {
            *rs = i;
            *re = end;
            return 1;
        }
    }
    return 0;
}

static const kw_t DL_KW[] = {KW("license number"), KW("license no"), KW("license #"),
    KW("licence number"), KW("licence no"), KW("licence #"), KW("dl#"), KW("dln"), KW("d/l"), KW("dl"),
    KW("oln"), KW("cdl"), KW("odl"), KW_END};
static kw_set DL_KW_SET = {DL_KW, 0};

/* Driver's license: "driver" ["'s"|"’s"|"s"] "license"|"lic", or DL/OLN/CDL/"license #". */
static size_t dl_keyword(const char *t, size_t n, size_t i) {
    size_t e = kw_any(t, n, i, &DL_KW_SET);
    if (e) return e;
    if (i + 6 > n) return 0;
    for (size_t j = 0; j < 6; j++)
        if (sl_tolower((unsigned char)t[i + j]) != (unsigned char)"driver"[j]) return 0;
    size_t p = i + 6;
    if (KW_AT(t, n, p, "'s")) p += 2;
    else if (p + 4 <= n && memcmp(t + p, "\xE2\x80\x99s", 4) == 0) p += 4;
    else if (p < n && (t[p] == 's' || t[p] == 'S')) p += 1;
    if (is_al(t, n, p)) return 0;
    size_t q = skip_set(t, n, p, " ");
    if (q == p) return 0;
    size_t r = KW_AT(t, n, q, "license");
    if (!r) r = KW_AT(t, n, q, "licence");
    if (!r) r = KW_AT(t, n, q, "lic");
    return r;
}

static int scan_dl(const char *t, size_t n, size_t i, size_t *rs, size_t *re) {
    size_t e = dl_keyword(t, n, i);
    if (!e) return 0;
    size_t p = skip_set(t, n, e, " :#.-");
    size_t f = KW_AT(t, n, p, "number");
    if (!f) f = KW_AT(t, n, p, "num");
    if (!f) f = KW_AT(t, n, p, "no");
    if (f) p = skip_set(t, n, f, " :#.-");
    /* an optional state code: "DL CA D1234567" */
    if (is_alpha_at(t, n, p) && is_alpha_at(t, n, p + 1) && !is_al(t, n, p + 2) && p + 3 < n &&
        (t[p + 2] == ' ' || t[p + 2] == '-') && is_al(t, n, p + 3))
        p += 3;
    size_t q = p, alnum = 0, dg = 0;
    while (q < n) {
        unsigned char c = (unsigned char)t[q];
        if (sl_isalnum(c)) {
            alnum++;
            if (sl_isdigit(c)) dg++;
            q++;
        } else if (c == '-' && is_al(t, n, q + 1) && q > p) {
            q++;
        } else {
            break;
        }
    }
    if (dg == 0 || alnum < 5 || alnum > 20) return 0;
    *rs = i;
    *re = q;
    return 1;
}

/* 10-digit US phone numbers: (ddd) ddd-dddd, ddd-ddd-dddd, ddd.ddd.dddd, ddd ddd dddd, with an
 * optional +1 / 1- prefix, whatever their digits (the phone rule reports "555-123-4567" too);
 * bare 10 digits only after a phone word, and with an area code beginning 2-9, which keeps most
 * case numbers out. */
static int phone_body(const char *t, size_t n, size_t p, int bare_ok, size_t *end) {
    if (p < n && t[p] == '(' && digits(t, n, p + 1) == 3 && p + 4 < n && t[p + 4] == ')') {
        p += 5;
        size_t q = skip_set(t, n, p, " -");
        if (q == p && nonword(t, n, p) && is_dg(t, n, p + 1)) q = p + 1;
        p = q;
        static const unsigned char g[] = {3, 4}; /* "(555)1234567", "(555) 123/4567" */
        size_t e = digit_groups(t, n, p, g, 2);
        if (e && num_end_ok(t, n, e)) {
            *end = e;
            return 1;
        }
    } else {
        if (digits(t, n, p) == 10 && bare_ok && t[p] >= '2' && num_end_ok(t, n, p + 10)) {
            *end = p + 10;
            return 1;
        }
        if (p < n && t[p] == '(') p++; /* "(555 123-4567", as the rule reads it */
        if (digits(t, n, p) != 3 || p + 3 >= n) return 0;
        if (t[p + 3] == ')' && ++p + 3 >= n) return 0;
        char s = t[p + 3];
        if (s != '-' && s != '.' && s != ' ') return 0;
        p += 4;
    }
    if (digits(t, n, p) != 3 || p + 3 >= n) return 0;
    char s2 = t[p + 3];
    if (s2 != '-' && s2 != '.' && s2 != ' ') return 0;
    p += 4;
    if (digits(t, n, p) != 4 || !num_end_ok(t, n, p + 4)) return 0;
    *end = p + 4;
    return 1;
}

static const kw_t PHONE_KW[] = {KW("telephone"), KW("phone"), KW("mobile"), KW("cell"), KW("tel"),
    KW("ph"), KW("call"), KW("cb"), KW_END};
static kw_set PHONE_KW_SET = {PHONE_KW, 0};

static int scan_phone(const char *t, size_t n, size_t i, size_t *rs, size_t *re) {
    size_t e = kw_any(t, n, i, &PHONE_KW_SET);
    if (e) {
        size_t p = skip_set(t, n, e, " :#.-");
        size_t f = KW_AT(t, n, p, "number");
        if (!f) f = KW_AT(t, n, p, "no");
        if (f) p = skip_set(t, n, f, " :#.-");
        if (p > e || f) {
            size_t q = p;
            if (q + 1 < n && t[q] == '+' && t[q + 1] == '1') q = skip_set(t, n, q + 2, " -.");
            if (phone_body(t, n, q, 1, re)) {
                *rs = p;
                return 1;
            }
        }
        /* as the rule reads it: 7-10 digits after the word ("ph 5551234", "tel: 55512345") */
        p = skip_nonword(t, n, e);
        f = KW_AT(t, n, p, "number");
        if (!f) f = KW_AT(t, n, p, "no");
        if (f) p = skip_nonword(t, n, f);
        size_t d = digits(t, n, p);
        if (d >= 7 && d <= 10 && !is_al(t, n, p + d)) {
            *rs = p;
            *re = p + d;
            return 1;
        }
    }
    if (!num_start_ok(t, i) && t[i] != '(' && t[i] != '+') return 0;
    size_t p = i;
    if (p + 1 < n && t[p] == '+' && t[p + 1] == '1') p = skip_set(t, n, p + 2, " -.");
    else if (p + 2 < n && t[p] == '1' && (t[p + 1] == '-' || t[p + 1] == ' ' || t[p + 1] == '.') &&
             (is_dg(t, n, p + 2) || t[p + 2] == '('))
        p += 2;
    if (phone_body(t, n, p, 0, re)) {
        *rs = i;
        return 1;
    }
    return 0;
}

static const kw_t STREET_SUFFIX[] = {KW("street"), KW("st"), KW("avenue"), KW("ave"), KW("av"),
    KW("road"), KW("rd"), KW("boulevard"), KW("blvd"), KW("drive"), KW("dr"), KW("lane"), KW("ln"),
    KW("way"), KW("court"), KW("ct"), KW("place"), KW("pl"), KW("terrace"), KW("ter"), KW("circle"),
    KW("cir"), KW("parkway"), KW("pkwy"), KW("highway"), KW("hwy"), KW("trail"), KW("trl"), KW("loop"),
    KW("square"), KW("sq"), KW("pike"), KW("plaza"), KW("alley"), KW("crescent"), KW_END};
static kw_set STREET_SUFFIX_SET = {STREET_SUFFIX, 0};
static const kw_t DIRECTIONS[] = {KW("north"), KW("south"), KW("east"), KW("west"), KW("ne"), KW("nw"),
    KW("se"), KW("sw"), KW("n"), KW("s"), KW("e"), KW("w"), KW_END};
static kw_set DIRECTIONS_SET = {DIRECTIONS, 0};
/* Words that end an address attempt: "2 people walking on Main St" is not an address. */
static const kw_t ADDR_STOP[] = {KW("on"), KW("at"), KW("in"), KW("of"), KW("from"), KW("to"),
    KW("the"), KW("and"), KW("near"), KW("by"), KW("for"), KW("with"), KW("a"), KW("an"), KW_END};
static kw_set ADDR_STOP_SET = {ADDR_STOP, 0};

/* An apartment on its own: "apt 12B", "apartment #4" (as the address rule reads it). Not
 * "unit 12", which in a police log is as often a patrol unit. */
static int scan_apartment(const char *t, size_t n, size_t i, size_t *rs, size_t *re) {
    size_t e = KW_AT(t, n, i, "apartment");
    if (!e) e = KW_AT(t, n, i, "apt");
    if (!e) return 0;
    size_t p = skip_nonword(t, n, e), d = digits(t, n, p);
    if (d == 0) return 0;
    size_t end = p + d;
    if (is_alpha_at(t, n, end) && !is_al(t, n, end + 1)) end++;
    if (is_al(t, n, end)) return 0;
    *rs = i;
    *re = end;
    return 1;
}

/* Number + up to three name words + a street suffix, then an optional unit. */
static int scan_address(const char *t, size_t n, size_t i, size_t *rs, size_t *re) {
    size_t d = digits(t, n, i);
    if (d < 1 || d > 6 || !num_start_ok(t, i) || is_al(t, n, i + d)) return 0;
    size_t p = skip_set(t, n, i + d, " ");
    if (p == i + d) return 0;
    size_t e = kw_any(t, n, p, &DIRECTIONS_SET);
    if (e) {
        if (e < n && t[e] == '.') e++;
        size_t q = skip_set(t, n, e, " ");
        if (q > e) p = q;
    }
    unsigned names = 0;
    for (;;) {
        size_t s = kw_any(t, n, p, &STREET_SUFFIX_SET);
        if (s && names >= 1) {
            if (s < n && t[s] == '.') s++;
            size_t end = s;
            /* optional unit: ", Apt 4", " #12", " Unit B" */
            size_t u = skip_set(t, n, s, ", ");
            size_t ue = KW_AT(t, n, u, "apt");
            if (!ue) ue = KW_AT(t, n, u, "unit");
            if (!ue) ue = KW_AT(t, n, u, "suite");
            if (!ue) ue = KW_AT(t, n, u, "ste");
            if (!ue && u < n && t[u] == '#') ue = u + 1;
            if (ue && u > s) {
                size_t v = skip_set(t, n, ue, " .#");
                size_t w = v;
                while (is_al(t, n, w)) w++;
                if (w > v && w - v <= 6) end = w;
            }
            *rs = i;
            *re = end;
            return 1;
        }
        if (names == 3 || !is_al(t, n, p)) return 0;
        if (kw_any(t, n, p, &ADDR_STOP_SET)) return 0;
        size_t w = p;
        while (is_al(t, n, w)) w++;
        /* a name word: letters, or an ordinal such as 5th / 21st */
        size_t dd = digits(t, n, p);
        if (dd > 0 && !(w - p == dd + 2 && (KW_AT(t, n, p + dd, "st") || KW_AT(t, n, p + dd, "nd") ||
                                           KW_AT(t, n, p + dd, "rd") || KW_AT(t, n, p + dd, "th"))))
            return 0;
        names++;
        size_t q = skip_set(t, n, w, " ");
        if (q == w) return 0;
        p = q;
    }
}

/* ---- plates ------------------------------------------------------------------------------- */

static int plate_char(unsigned char c) { return sl_isalnum(c) || c == '*'; }

static size_t parse_known(const char *p, size_t len, known_plate_t *kp) {
    size_t nk = 0, i = 0;
    while (i < len && nk < MAX_KNOWN) {
        size_t j = i;
        while (j < len && !strchr(",;|/\n\r", p[j])) j++;
        known_plate_t *k = &kp[nk];
        k->len = 0;
        size_t alnum = 0;
        int ok = 1;
        for (size_t q = i; q < j; q++) {
            unsigned char c = (unsigned char)p[q];
            if (sl_isalnum(c) || c == '*' || c == '?') {
                if (k->len == KNOWN_CAP) { ok = 0; break; }
                k->p[k->len++] = (char)sl_toupper(c);
                if (sl_isalnum(c)) alnum++;
            }
        }
        if (ok && alnum >= 2) nk++;
        i = j + 1;
    }
    return nk;
}

/* The row's own plate at i, ignoring case, spaces and dashes between its characters. */
static int scan_known(const char *t, size_t n, size_t i, const known_plate_t *kp, size_t nk,
                      size_t *rs, size_t *re) {
    for (size_t k = 0; k < nk; k++) {
        size_t j = i, q = 0, skipped = 0;
        while (q < kp[k].len && j < n) {
            unsigned char c = (unsigned char)t[j];
            if ((c == ' ' || c == '-') && q > 0 && skipped < 3) {
                j++;
                skipped++;
            } else if (sl_toupper(c) == (unsigned char)kp[k].p[q]) {
                j++;
                q++;
            } else {
                break;
            }
        }
        if (q == kp[k].len && !is_al(t, n, j)) {
            *rs = i;
            *re = j;
            return 1;
        }
    }
    return 0;
}

/* A run of plate characters at i; counts letters and digits. */
static size_t plate_group(const char *t, size_t n, size_t i, size_t *letters, size_t *dgs) {
    size_t j = i;
    *letters = *dgs = 0;
    while (j < n && plate_char((unsigned char)t[j])) {
        if (sl_isdigit((unsigned char)t[j])) (*dgs)++;
        else if (sl_isalpha((unsigned char)t[j])) (*letters)++;
        j++;
    }
    return j - i;
}

static int upper_letters(const char *t, size_t i, size_t len) {
    for (size_t j = 0; j < len; j++)
        if (!(t[i + j] >= 'A' && t[i + j] <= 'Z')) return 0;
    return 1;
}

static const kw_t PLATE_KW[] = {KW("license plate"), KW("licence plate"), KW("plates"), KW("plate"),
    KW("plt"), KW("tags"), KW("tag"), KW("lpn"), KW("lp"), KW("license"), KW("licence"), KW("lic"),
    KW_END};
static kw_set PLATE_KW_SET = {PLATE_KW, 0};
static const kw_t PLATE_FILL[] = {KW("plates"), KW("plate"), KW("number"), KW("num"), KW("nbr"),
    KW("no"), KW("of"), KW("is"), KW("was"), KW("reads"), KW_END};
static kw_set PLATE_FILL_SET = {PLATE_FILL, 0};

/* Flock's reason for a search started from an alert: "Other image search from alerts page
 * associated with Alert: Stolen Vehicle 8ABC123 - 2025-08-19T23:56:22.939Z". An alert is a read
 * of a plate on a hot list, so the word before " - " and the alert's time is that plate,
 * whatever its shape ("MIMSY" too), when "alert:" comes before it. Seen in a city's portal
 * release: of its 16 such reasons, 3 held a plate no other form here finds. */
static int scan_alert_plate(const char *t, size_t n, size_t i, size_t *rs, size_t *re) {
    size_t e = i;
    while (e < n && e - i <= 8 && sl_isalnum((unsigned char)t[e])) e++;
    if (e - i < 2 || e - i > 8 || n - e < 14 || memcmp(t + e, " - ", 3) != 0) return 0;
    const char *d = t + e + 3; /* YYYY-MM-DDT */
    static const char shape[] = "dddd-dd-ddT";
    for (size_t j = 0; j < 11; j++)
        if (shape[j] == 'd' ? !sl_isdigit((unsigned char)d[j])
                            : sl_tolower((unsigned char)d[j]) != sl_tolower((unsigned char)shape[j]))
            return 0;
    for (size_t j = i; j >= 6; j--) /* "alert:" before the word */
        if (kw_at(t, n, j - 6, "alert:", 6)) {
            *rs = i;
            *re = e;
            return 1;
        }
    return 0;
}

/* Words after "plate", "tag", "lp", "lic", "license": "plate 1234567", "tag ABC 123". The
 * keyword stays; the value (up to 8 characters, at least one digit) becomes a token. */
static int scan_plate_ctx(const char *t, size_t n, size_t i, size_t *rs, size_t *re) {
    size_t e = kw_any(t, n, i, &PLATE_KW_SET);
    if (!e) return 0;
    size_t p = e;
    for (int f = 0; f < 3; f++) {
        size_t q = skip_set(t, n, p, " :#.-=");
        size_t w = kw_any(t, n, q, &PLATE_FILL_SET);
        if (!w) { p = q; break; }
        p = w;
    }
    p = skip_set(t, n, p, " :#.-=");
    if (p == e) return 0; /* "plate" glued to something */
    size_t de;
    unsigned dy;
    if (parse_date(t, n, p, &de, &dy)) return 0; /* "license 2025-07-02T20:02:16Z": a time */
    size_t l, d;
    /* skip a state code before the plate: "plate TX ABC1234" */
    size_t g = plate_group(t, n, p, &l, &d);
    if (g == 2 && l == 2 && p + 3 < n && (t[p + 2] == ' ' || t[p + 2] == '-') &&
        plate_char((unsigned char)t[p + 3])) {
        size_t l2, d2;
        size_t g2 = plate_group(t, n, p + 3, &l2, &d2);
        if (d2 > 0 && g2 >= 5 && g2 <= 8) p += 3;
    }
    g = plate_group(t, n, p, &l, &d);
    if (g == 0 || g > 8 || (l + d) == 0) return 0;
    size_t acc = g, end = p + g, has_digit = d;
    for (int k = 0; k < 2; k++) {
        if (end + 1 >= n || (t[end] != ' ' && t[end] != '-')) break;
        size_t l2, d2;
        size_t g2 = plate_group(t, n, end + 1, &l2, &d2);
        if (g2 == 0 || acc + g2 > 8) break;
        int join = d2 > 0 || (has_digit && l2 == g2 && g2 <= 4 && upper_letters(t, end + 1, g2));
        if (!join) break;
        acc += g2;
        has_digit += d2;
        end = end + 1 + g2;
    }
    if (!has_digit || acc < 2) return 0;
    if (end == p + 4 && d == 4 && year4_at(t, p)) return 0; /* "expired tags 2023" */
    *rs = p;
    *re = end;
    return 1;
}

/* Digits followed by one of these suffixes are statutes, ordinals, decades, times or measures,
 * not plates: 10851VC, 21st, 1990s, 10AM, 24HR, 4door. */
static const kw_t NUM_SUFFIX[] = {KW("st"), KW("nd"), KW("rd"), KW("th"), KW("s"), KW("am"), KW("pm"),
    KW("vc"), KW("pc"), KW("hs"), KW("hsc"), KW("gc"), KW("bp"), KW("wi"), KW("cvc"), KW("yo"),
    KW("yoa"), KW("yrs"), KW("yr"), KW("mph"), KW("mm"), KW("lb"), KW("lbs"), KW("hr"), KW("hrs"),
    KW("door"), KW("day"), KW("days"), KW("min"), KW("mins"), KW("k"), KW_END};
static const kw_t NOT_PLATE_WORD[] = {KW("4runner"), KW("covid19"), KW_END};
static const kw_t DASH_STOP[] = {KW("covid"), KW("door"), KW("hour"), KW("hr"), KW("day"), KW("year"),
    KW("yr"), KW("week"), KW("month"), KW("mile"), KW("pack"), KW("ton"), KW("way"), KW("min"), KW_END};
static kw_set DASH_STOP_SET = {DASH_STOP, 0};

/* The whole word t[i, i+len) equals keyword k, ignoring case. */
static int word_is(const char *t, size_t i, size_t len, const kw_t *k) {
    return k->len == len && kw_at(t, i + len, i, k->s, k->len) == i + len;
}

static int excluded_word(const char *t, size_t i, size_t len) {
    for (size_t k = 0; NOT_PLATE_WORD[k].s; k++)
        if (word_is(t, i, len, &NOT_PLATE_WORD[k])) return 1;
    /* "part1" ... "part999": the volumes of a split archive (release.part1.rar) */
    if (len >= 5 && len <= 7 && kw_at(t, i + 4, i, "part", 4) == i + 4 &&
        digits(t, i + len, i + 4) == len - 4)
        return 1;
    size_t d = digits(t, i + len, i);
    if (d == 0 || d == len) return 0;
    for (size_t k = 0; NUM_SUFFIX[k].s; k++)
        if (word_is(t, i + d, len - d, &NUM_SUFFIX[k])) return 1;
    return 0;
}

/* A plate-shaped word: 5-8 characters mixing letters and digits ("ABC1234", "7ABC123",
 * "8KJH22"), or two or three groups joined by '-' ("ABC-1234") whose letter groups are upper
 * case, when no '-' sits between two digit groups (that is a case number or a date). */
static int hex_run(const char *t, size_t n, size_t i, size_t len) {
    for (size_t j = 0; j < len; j++) {
        if (i + j >= n) return 0;
        unsigned char c = sl_tolower((unsigned char)t[i + j]);
        if (!sl_isdigit(c) && !(c >= 'a' && c <= 'f')) return 0;
    }
    return 1;
}

/* A UUID (8-4-4-4-12 hex): search IDs and user IDs, never plates. */
static int uuid_at(const char *t, size_t n, size_t i) {
    static const size_t parts[] = {8, 4, 4, 4, 12};
    size_t p = i;
    for (size_t k = 0; k < 5; k++) {
        if (!hex_run(t, n, p, parts[k])) return 0;
        p += parts[k];
        if (k < 4) {
            if (p >= n || t[p] != '-') return 0;
            p++;
        }
    }
    return !is_al(t, n, p);
}

/* Three-letter words that number something other than a car: "CAD 1234", "APT 123",
 * "8 USC 1324", "SGT 4412", "Fri 2130" (plate_labels.h). */
#define STOP_KW(w) KW(w),
static const kw_t SPACED_STOP[] = {SL_PLATE_LABELS(STOP_KW) KW_END};
#undef STOP_KW
static kw_set SPACED_STOP_SET = {SPACED_STOP, 0};

/* "CR25-0004", "SO24-1187": one to three letters and a two-digit year, a dash, then digits only
 * (the group at i holds g characters, l letters, d digits; the chain ends at end). Case and
 * report numbers are written so; plates with a dash put it after their letters or their
 * first digits ("ABC-1234", "7ABC-123"). */
static int case_number_dashed(const char *t, size_t i, size_t g, size_t l, size_t d, size_t end) {
    if (d != 2 || l < 1 || l > 3 || g != l + d || !sl_isdigit((unsigned char)t[i + l])) return 0;
    for (size_t j = i + g + 1; j < end; j++)
        if (!sl_isdigit((unsigned char)t[j])) return 0;
    return end - (i + g + 1) >= 3;
}

/* "I-247A", "I-213", "N-400": an immigration form, one letter, a dash, three digits and at most
 * one letter. The detainer form I-247A must stay readable in an immigration finding. */
static int form_number(const char *t, size_t i, size_t g, size_t end) {
    if (g != 1 || !sl_isalpha((unsigned char)t[i])) return 0;
    size_t p = i + 2, k = 0;
    while (p + k < end && sl_isdigit((unsigned char)t[p + k])) k++;
    return k == 3 && (end - p == 3 || (end - p == 4 && sl_isalpha((unsigned char)t[end - 1])));
}

/* Whether a number ending at e goes on after a space, '-', '/' or '.' ("ABC 1234-56",
 * "555 123 ABC 4"): then what ends at e is part of a longer number, not a plate. */
static int number_goes_on(const char *t, size_t n, size_t e) {
    return e + 1 < n && (t[e] == ' ' || t[e] == '-' || t[e] == '/' || t[e] == '.') &&
           sl_isdigit((unsigned char)t[e + 1]);
}

/* "123 ABC": three digits, a space and three upper-case letters, as Oregon prints its plates
 * (in lower case, "100 blk" and "101 fwy" are too common; "123-ABC" is a dashed chain). Not
 * when the digits end a longer number ("555 123 ABC", "12-123 ABC"), when the letters are a
 * word of SPACED_STOP ("100 BLK"), a unit ("120 MPH") or a street's suffix ("100 AVE"), nor
 * before one ("123 OAK ST"). */
static int digits_then_letters(const char *t, size_t n, size_t i, size_t *re) {
    if (i) {
        unsigned char b = (unsigned char)t[i - 1];
        if (b == '-' || b == '/' || b == '.' || b == ':' ||
            (b == ' ' && i >= 2 && sl_isdigit((unsigned char)t[i - 2])))
            return 0;
    }
    const size_t a = i + 4, e = i + 7; /* the letters; their end */
    if (e > n || t[i + 3] != ' ' || !upper_letters(t, a, 3) || is_al(t, n, e)) return 0;
    if (kw_any(t, n, a, &SPACED_STOP_SET) || kw_any(t, n, a, &STREET_SUFFIX_SET) == e) return 0;
    for (size_t k = 0; NUM_SUFFIX[k].s; k++)
        if (word_is(t, a, 3, &NUM_SUFFIX[k])) return 0;
    if (number_goes_on(t, n, e)) return 0;
    if (e + 1 < n && t[e] == ' ' && kw_any(t, n, e + 1, &STREET_SUFFIX_SET)) return 0;
    *re = e;
    return 1;
}

/* A plate printed in two parts, split by a space or a dash: three letters and four digits
 * ("ABC 1234", "abc-1234"), a digit, three letters and three digits ("7ABC 123", "7abc-123"),
 * three letters, a dash and three digits in any case ("abc-123", which the plate rule reports),
 * or three upper-case letters, a space and three digits ("ABC 123"; in lower case, "rte 123"
 * and "box 123" are too common); split by a dot, a slash, '#' or ':' ("ABC.1234", "ABC/123",
 * "abc#1234"), the same shapes, three digits after three letters only in upper case; three
 * digits first, digits_then_letters. The group at i (g characters, l letters, d digits) is the
 * first part. Not when the letters are a word in SPACED_STOP ("REF#1234", "Tel:1234"), four
 * digits are a year ("DUI 2024") or the digits go on as a longer number ("ABC 1234-56",
 * "ABC 555 1234"). Case-insensitive where rules/sensitive_data.rules' plate rule is, so that
 * what it reports as a plate is tokenized. */
static int split_char(char c) {
    return c == ' ' || c == '-' || c == '.' || c == '/' || c == '#' || c == ':';
}

static int spaced_plate(const char *t, size_t n, size_t i, size_t g, size_t l, size_t d, size_t *re) {
    if (g == 3 && d == 3) return digits_then_letters(t, n, i, re);
    const int digit_first = g == 4 && d == 1 && sl_isdigit((unsigned char)t[i]);
    if (l != 3 || !((g == 3 && d == 0) || digit_first)) return 0;
    if (i && t[i - 1] != ' ' && split_char(t[i - 1]))
        return 0; /* the tail of a longer code ("CR-abc-1234", "a.b.c/1234") */
    const size_t a = digit_first ? i + 1 : i, p = i + g; /* the letters; the split */
    if (p + 1 >= n || !split_char(t[p])) return 0;
    const size_t nd = digits(t, n, p + 1), e = p + 1 + nd;
    if (nd != (digit_first ? 3u : 4u) &&
        !(!digit_first && nd == 3 && (t[p] == '-' || upper_letters(t, a, 3))))
        return 0;
    if (is_al(t, n, e) || number_goes_on(t, n, e)) return 0;
    if (nd == 4 && year4_at(t, p + 1)) return 0;
    if (kw_any(t, n, a, &SPACED_STOP_SET)) return 0; /* the letters are one of the words */
    *re = e;
    return 1;
}

static int scan_plate_word(const char *t, size_t n, size_t i, size_t *rs, size_t *re) {
    size_t l, d;
    size_t g = plate_group(t, n, i, &l, &d);
    if (g == 0 || (g == 8 && uuid_at(t, n, i))) return 0;
    /* the "18T00" of an ISO timestamp 2025-06-18T00:02:05Z */
    size_t dd = digits(t, n, i);
    if (dd >= 1 && dd <= 2 && i + dd < n && (t[i + dd] == 'T' || t[i + dd] == 't') &&
        digits(t, n, i + dd + 1) == g - dd - 1 && g - dd - 1 >= 1 && g - dd - 1 <= 2 &&
        ((i + g < n && t[i + g] == ':') || (i >= 2 && t[i - 1] == '-' && sl_isdigit((unsigned char)t[i - 2]))))
        return 0;
    /* dash-joined, judged once from the chain's first group */
    size_t end = i + g, tl = l, td = d, groups = 1;
    int prev_digits = (l == 0 && d > 0), ok = l == 0 || d > 0 || upper_letters(t, i, g);
    if (i >= 2 && t[i - 1] == '-' && plate_char((unsigned char)t[i - 2])) ok = 0;
    /* the exclusion list matters only to a chain; one word checks it below */
    int chain = end + 1 < n && t[end] == '-' && plate_char((unsigned char)t[end + 1]);
    if (ok && chain && excluded_word(t, i, g)) ok = 0;
    while (ok && end + 1 < n && t[end] == '-' && plate_char((unsigned char)t[end + 1]) && groups < 3) {
        size_t l2, d2;
        size_t g2 = plate_group(t, n, end + 1, &l2, &d2);
        int digits_only = (l2 == 0 && d2 > 0);
        if (prev_digits && digits_only) { ok = 0; break; }
        if (excluded_word(t, end + 1, g2) || kw_any(t, end + 1 + g2, end + 1, &DASH_STOP_SET) == end + 1 + g2 ||
            (l2 > 0 && d2 == 0 && !upper_letters(t, end + 1, g2))) { ok = 0; break; }
        tl += l2;
        td += d2;
        end += 1 + g2;
        groups++;
        prev_digits = digits_only;
    }
    if (ok && groups >= 2 && !(end < n && t[end] == '-' && is_al(t, n, end + 1))) {
        size_t total = tl + td;
        if (total >= 5 && total <= 8 && tl > 0 && td > 0 && kw_any(t, i + g, i, &DASH_STOP_SET) != i + g &&
            !(groups == 2 && (case_number_dashed(t, i, g, l, d, end) || form_number(t, i, g, end)))) {
            *rs = i;
            *re = end;
            return 1;
        }
    }
    if (spaced_plate(t, n, i, g, l, d, re)) {
        *rs = i;
        return 1;
    }
    /* one word */
    if (g < 5 || g > 8 || l == 0 || d == 0) return 0;
    if (excluded_word(t, i, g)) return 0;
    /* glued to a digit group by '-' or '/' (case numbers like 2025/AB12 stay as they are only
     * when the word is itself all digits, which it is not here): still a plate risk */
    *rs = i;
    *re = i + g;
    return 1;
}

/* ---- the walk ----------------------------------------------------------------------------- */

static sl_status put_token(const sl_key *k, const char *p, size_t len, sl_buf *out) {
    char tok[SL_TOKEN_LEN + 1];
    size_t tl = k ? sl_plate_token(k, p, len, tok) : 0;
    if (tl == 0) return sl_buf_puts(out, "[PLATE]");
    return sl_buf_append(out, tok, tl);
}

static kw_set *const ALL_SETS[] = {&SSN_KW_SET, &DOB_KW_SET, &DL_KW_SET, &PHONE_KW_SET,
                                   &STREET_SUFFIX_SET, &DIRECTIONS_SET, &ADDR_STOP_SET,
                                   &PLATE_KW_SET, &PLATE_FILL_SET, &DASH_STOP_SET,
                                   &SPACED_STOP_SET};
static pthread_once_t sets_once = PTHREAD_ONCE_INIT;

static void redact_init(void) {
    for (size_t i = 0; i < SL_ARRAY_LEN(ALL_SETS); i++)
        for (const kw_t *k = ALL_SETS[i]->k; k->s; k++) ALL_SETS[i]->first |= first_bit((unsigned char)k->s[0]);
}

/* What a text holds that the scanners need: every scanner but the row's own plate needs a
 * digit somewhere (dates, numbers, plates with a digit), e-mail needs an '@'. */
enum { HAS_DIGIT = 1, HAS_AT = 2 };

static unsigned text_traits(const char *t, size_t n) {
    unsigned tr = n && memchr(t, '@', n) ? HAS_AT : 0;
    for (size_t i = 0; i < n; i++)
        if (sl_isdigit((unsigned char)t[i])) return tr | HAS_DIGIT;
    return tr;
}

/* Whether t[i] may begin something to redact: not inside a word, and a letter, a digit or one
 * of the characters a plate, a wildcard or a phone number starts with. sl_redact looks for the
 * row's own plate at every such place, and sl_redact_mentions_plate must look at the same ones. */
static int word_start(const char *t, size_t i) {
    unsigned char c = (unsigned char)t[i], prev = i ? (unsigned char)t[i - 1] : ' ';
    return !sl_isalnum(prev) && (sl_isalnum(c) || c == '*' || c == '(' || c == '+');
}

/* Where sl_redact_plate_spans puts what the walk found. */
typedef struct {
    uint32_t (*at)[2];
    size_t cap, n;
} spans_t;

/* The walk of sl_redact over t: at each word start the row's own plate, then (with a digit or
 * an '@' in the text) the personal data and plate forms that flags ask for. With out, every
 * match is replaced there and the rest copied; with sp, every plate's span is put there; with
 * neither (a probe), it returns 1 at the first match and 0 when there is none, leaving *rc
 * alone. Returns 1 when anything matched. */
static int walk(const sl_key *k, const char *t, size_t n, const known_plate_t *kp, size_t nk,
                unsigned flags, sl_buf *out, sl_status *rc, spans_t *sp) {
    /* Without a digit or an '@' only the row's own plate can match: most reasons and names. */
    unsigned tr = text_traits(t, n);
    unsigned fl = (tr & (HAS_DIGIT | HAS_AT)) ? flags : 0;
    unsigned email = (tr & HAS_AT) ? fl & SL_REDACT_PERSONAL : 0;
    size_t i = 0, copied = 0;
    if (!fl && nk == 0) {
        if (out) *rc = sl_buf_append(out, t, n);
        return 0;
    }
    int after_stars = 0; /* i follows a run of '*' that matched nothing by itself */
    while (i < n) {
        unsigned char c = (unsigned char)t[i];
        unsigned char prev = i ? (unsigned char)t[i - 1] : ' ';
        int at_word = word_start(t, i);
        /* Right after a '*' only the row's own plate is looked for ("ABC*123" is one wildcard
         * plate, not "ABC*" and "123"), unless the '*' run before matched nothing: "**ABC1234",
         * "*** ABC1234" and "*ABC1234" (a wildcard plate) are all tokenized. */
        int start = at_word && (prev != '*' || after_stars);
        after_stars = 0;
        if (!at_word) { i++; continue; }
        size_t rs = 0, re = 0;
        const char *label = NULL;
        int token = 0;
        if (nk && scan_known(t, n, i, kp, nk, &rs, &re)) token = 1;
        else if (!start) { i++; continue; }
        else if (email && scan_email(t, n, i, &rs, &re)) label = "[EMAIL]";
        else if ((fl & SL_REDACT_PERSONAL) && scan_ssn(t, n, i, &rs, &re)) label = "[SSN]";
        else if ((fl & SL_REDACT_PERSONAL) && scan_dob(t, n, i, &rs, &re)) label = "[DOB]";
        else if ((fl & SL_REDACT_PERSONAL) && scan_dl(t, n, i, &rs, &re)) label = "[DL]";
        else if ((fl & SL_REDACT_PERSONAL) && scan_phone(t, n, i, &rs, &re)) label = "[PHONE]";
        else if ((fl & SL_REDACT_PERSONAL) && scan_address(t, n, i, &rs, &re)) label = "[ADDRESS]";
        else if ((fl & SL_REDACT_PERSONAL) && scan_apartment(t, n, i, &rs, &re)) label = "[ADDRESS]";
        else if ((fl & SL_REDACT_PLATES) && scan_alert_plate(t, n, i, &rs, &re)) token = 1;
        else if ((fl & SL_REDACT_PLATES) && scan_plate_ctx(t, n, i, &rs, &re)) token = 1;
        else if ((fl & SL_REDACT_PLATES) && scan_plate_word(t, n, i, &rs, &re)) token = 1;
        if (!label && !token) {
            if (c == '*') { /* a mask or wildcard that is no plate: try what follows it */
                while (i < n && t[i] == '*') i++;
                after_stars = 1;
                continue;
            }
            /* no match here: skip the rest of this word (after a '(' or '+' that started
             * nothing, the word behind it is tried: "(ABC1234)", "+ABC1234") */
            i++;
            if (sl_isalnum(c))
                while (i < n && sl_isalnum((unsigned char)t[i])) i++;
            continue;
        }
        if (sp) { /* spans only */
            if (token && sp->n < sp->cap) {
                sp->at[sp->n][0] = (uint32_t)rs;
                sp->at[sp->n][1] = (uint32_t)re;
            }
            sp->n += token;
            i = copied = re;
            continue;
        }
        if (!out) return 1;
        *rc = sl_buf_append(out, t + copied, rs - copied);
        if (!*rc) *rc = label ? sl_buf_puts(out, label) : put_token(k, t + rs, re - rs, out);
        if (*rc) return 1;
        i = copied = re;
    }
    if (out) *rc = sl_buf_append(out, t + copied, n - copied);
    return copied != 0;
}

sl_status sl_redact(const sl_key *k, const char *text, size_t len, const char *known_plate,
                    size_t plate_len, unsigned flags, sl_buf *out) {
    known_plate_t kp[MAX_KNOWN];
    size_t nk = (known_plate && plate_len && (flags & SL_REDACT_PLATES)) ? parse_known(known_plate, plate_len, kp) : 0;
    size_t n = text ? len : 0;
    sl_status rc = sl_buf_reserve(out, n + 1);
    if (rc) return rc;
    pthread_once(&sets_once, redact_init);
    walk(k, text, n, kp, nk, flags, out, &rc, NULL);
    return rc;
}

size_t sl_redact_plate_spans(const char *text, size_t len, uint32_t (*spans)[2], size_t cap) {
    spans_t sp = {spans, cap, 0};
    if (!text || !len || len > UINT32_MAX) return 0;
    pthread_once(&sets_once, redact_init);
    walk(NULL, text, len, NULL, 0, SL_REDACT_PLATES, NULL, NULL, &sp);
    return sp.n;
}

/* ---- memo --------------------------------------------------------------------------------- */

int sl_redact_mentions_plate(const char *text, size_t len, const char *plate, size_t plate_len) {
    known_plate_t kp[MAX_KNOWN];
    size_t nk = (plate && plate_len) ? parse_known(plate, plate_len, kp) : 0;
    if (!nk || !text) return 0;
    for (size_t i = 0; i < len; i++) {
        if (!word_start(text, i)) continue; /* every place sl_redact looks for the row's plate */
        size_t rs, re;
        if (scan_known(text, len, i, kp, nk, &rs, &re)) return 1;
    }
    return 0;
}

int sl_redact_unchanged(const char *text, size_t len, const char *plate, size_t plate_len) {
    if (!text || !len) return 1;
    if (!(text_traits(text, len) & (HAS_DIGIT | HAS_AT)))
        return !(plate && plate_len && sl_redact_mentions_plate(text, len, plate, plate_len));
    /* One walk with every finder and the row's plate: where none matches, neither redaction
     * (plates, then personal data and plates on the result, which is the text) changes it. */
    known_plate_t kp[MAX_KNOWN];
    size_t nk = (plate && plate_len) ? parse_known(plate, plate_len, kp) : 0;
    pthread_once(&sets_once, redact_init);
    return !walk(NULL, text, len, kp, nk, SL_REDACT_PLATES | SL_REDACT_PERSONAL, NULL, NULL,
                 NULL);
}

#define MEMO_SLOTS 16384u /* a power of two */
#define MEMO_TEXT 256u   /* longer texts are not memoized */

typedef struct {
    uint64_t h;
    size_t tlen, slen, plen; /* text, stored form, published form: one buffer, in that order */
    char *buf;
    size_t cap;
} memo_slot;

struct sl_redact_memo {
    const sl_key *k;
    memo_slot *slots;
    uint64_t hits;
};

uint64_t sl_redact_memo_hits(const sl_redact_memo *m) { return m ? m->hits : 0; }

sl_redact_memo *sl_redact_memo_new(const sl_key *k) {
    sl_redact_memo *m = calloc(1, sizeof *m);
    if (!m) return NULL;
    m->k = k;
    m->slots = calloc(MEMO_SLOTS, sizeof *m->slots);
    if (!m->slots) {
        free(m);
        return NULL;
    }
    return m;
}

void sl_redact_memo_free(sl_redact_memo *m) {
    if (!m) return;
    for (size_t i = 0; i < MEMO_SLOTS; i++) free(m->slots[i].buf);
    free(m->slots);
    free(m);
}

/* Both forms, computed. */
static sl_status both(sl_redact_memo *m, const char *text, size_t len, const char *plate,
                      size_t plate_len, sl_buf *stored, sl_buf *published) {
    size_t at = stored->len;
    sl_status rc = sl_redact(m->k, text, len, plate, plate_len, SL_REDACT_PLATES, stored);
    if (rc) return rc;
    return sl_redact(m->k, stored->p + at, stored->len - at, NULL, 0,
                     SL_REDACT_PERSONAL | SL_REDACT_PLATES, published);
}

sl_status sl_redact_memo_both(sl_redact_memo *m, const char *text, size_t len, const char *plate,
                              size_t plate_len, sl_buf *stored, sl_buf *published) {
    if (!text || !len) return SL_OK; /* both forms of an empty text are empty */
    if (len > MEMO_TEXT || (plate_len && sl_redact_mentions_plate(text, len, plate, plate_len)))
        return both(m, text, len, plate, plate_len, stored, published);
    uint64_t h = sl_hash_fast(text, len, 0x5eed);
    memo_slot *s = &m->slots[h & (MEMO_SLOTS - 1)];
    if (s->buf && s->h == h && s->tlen == len && memcmp(s->buf, text, len) == 0) {
        m->hits++;
        sl_status rc = sl_buf_append(stored, s->buf + s->tlen, s->slen);
        return rc ? rc : sl_buf_append(published, s->buf + s->tlen + s->slen, s->plen);
    }
    size_t s0 = stored->len, p0 = published->len;
    sl_status rc = both(m, text, len, NULL, 0, stored, published);
    if (rc) return rc;
    size_t sl = stored->len - s0, pl = published->len - p0, need = len + sl + pl;
    if (need > s->cap) {
        size_t cap = need < 64 ? 64 : need;
        char *nb = realloc(s->buf, cap);
        if (!nb) { /* keep going without this slot */
            free(s->buf);
            *s = (memo_slot){0};
            return SL_OK;
        }
        s->buf = nb;
        s->cap = cap;
    }
    memcpy(s->buf, text, len);
    if (sl) memcpy(s->buf + len, stored->p + s0, sl);
    if (pl) memcpy(s->buf + len + sl, published->p + p0, pl);
    s->h = h;
    s->tlen = len;
    s->slen = sl;
    s->plen = pl;
    return SL_OK;
}
