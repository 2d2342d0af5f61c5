/* timeparse.c: timestamps as exports write them (Flock "MM/DD/YYYY, HH:MM:SS AM UTC", ISO 8601,
 * split date + time-of-day, Excel serials) to UTC epoch seconds, and back to ISO text.
 * Uses no libc time functions: they depend on TZ and locale. Refuses whatever it cannot read. */
#include "timeparse.h"

#include <string.h>

/* Howard Hinnant's days_from_civil: days since 1970-01-01 of a proleptic Gregorian date. */
int64_t sl_days_from_civil(int64_t y, unsigned m, unsigned d)
{
    y -= m <= 2;
    const int64_t era = (y >= 0 ? y : y - 399) / 400;
    const int64_t yoe = y - era * 400;                                    /* [0, 399] */
    const int64_t doy = (153 * (m > 2 ? (int64_t)m - 3 : (int64_t)m + 9) + 2) / 5 + d - 1;
    const int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;             /* [0, 146096] */
    return era * 146097 + doe - 719468;
}

/* The inverse (civil_from_days). */
static void civil_from_days(int64_t z, int64_t *y, unsigned *m, unsigned *d)
{
    z += 719468;
    const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    const int64_t doe = z - era * 146097;
    const int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    const int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    const int64_t mp = (5 * doy + 2) / 153;
    *d = (unsigned)(doy - (153 * mp + 2) / 5 + 1);
    *m = (unsigned)(mp < 10 ? mp + 3 : mp - 9);
    *y = yoe + era * 400 + (*m <= 2);
}

static int is_leap(int64_t y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

static unsigned days_in_month(int64_t y, unsigned m)
{
    static const unsigned dim[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    return m == 2 && is_leap(y) ? 29 : dim[m - 1];
}

/* A cursor over the text being parsed. */
typedef struct {
    const char *p, *end;
} cur;

static int at_end(const cur *c) { return c->p >= c->end; }

static int peek(const cur *c) { return c->p < c->end ? (unsigned char)*c->p : -1; }

static int eat(cur *c, char ch)
{
    if (c->p < c->end && *c->p == ch) {
        c->p++;
        return 1;
    }
    return 0;
}

static void skip_spaces(cur *c)
{
    while (c->p < c->end && (*c->p == ' ' || *c->p == '\t')) c->p++;
}

/* Reads between min and max digits; returns the count read (0 when fewer than min). */
static int digits(cur *c, int min, int max, int *out)
{
    int n = 0, v = 0;
    const char *s = c->p;
    while (n < max && s + n < c->end && sl_isdigit((unsigned char)s[n])) {
        v = v * 10 + (s[n] - '0');
        n++;
    }
    if (n < min) return 0;
    /* More digits than allowed: the field is not what we think it is. */
    if (s + n < c->end && sl_isdigit((unsigned char)s[n])) return 0;
    c->p += n;
    *out = v;
    return n;
}

/* Case-insensitive match of a lower-case word at the cursor; advances on success. */
#define eat_word(c, w) eat_word_n((c), (w), sizeof(w) - 1)
static int eat_word_n(cur *c, const char *w, size_t n)
{
    if ((size_t)(c->end - c->p) < n) return 0;
    for (size_t i = 0; i < n; i++)
        if (sl_tolower((unsigned char)c->p[i]) != (unsigned char)w[i]) return 0;
    c->p += n;
    return 1;
}

static void trim(const char **p, size_t *len)
{
    sl_slice s = sl_trim((sl_slice){*p, *len});
    *p = s.p;
    *len = s.len;
}

static int valid_date(int y, int m, int d)
{
    return y >= 1 && y <= 9999 && m >= 1 && m <= 12 && d >= 1 &&
           (unsigned)d <= days_in_month(y, (unsigned)m);
}

/* The separator at the cursor when it is one of set (and eaten), else 0. */
static char eat_one_of(cur *c, const char *set)
{
    const int ch = peek(c);
    if (ch <= 0 || !strchr(set, ch)) return 0;
    c->p++;
    return (char)ch;
}

/* A year of four digits, or of two as Excel shows a date it re-saved ("11/1/25"): 69 and
 * below are 20xx, 70 and above 19xx (the pivot of docs/MAPS.md's %y and of POSIX strptime). */
static int year(cur *c, int *y)
{
    if (digits(c, 4, 4, y)) return 1;
    if (!digits(c, 2, 2, y)) return 0;
    *y += *y <= 69 ? 2000 : 1900;
    return 1;
}

/* "M/D/YYYY", "M-D-YYYY", "M/D/YY" (1-2 digit month and day, the same separator twice). */
static int parse_us_date(cur *c, int64_t *days)
{
    int m, d, y;
    if (!digits(c, 1, 2, &m)) return 0;
    const char sep = eat_one_of(c, "/-");
    if (!sep || !digits(c, 1, 2, &d) || !eat(c, sep)) return 0;
    if (!year(c, &y)) return 0;
    if (!valid_date(y, m, d)) return 0;
    *days = sl_days_from_civil(y, (unsigned)m, (unsigned)d);
    return 1;
}

/* "YYYY-MM-DD", "YYYY/MM/DD" (month and day two digits; one digit tolerated). */
static int parse_iso_date(cur *c, int64_t *days)
{
    int m, d, y;
    if (!digits(c, 4, 4, &y)) return 0;
    const char sep = eat_one_of(c, "-/");
    if (!sep || !digits(c, 1, 2, &m) || !eat(c, sep)) return 0;
    if (!digits(c, 1, 2, &d)) return 0;
    if (!valid_date(y, m, d)) return 0;
    *days = sl_days_from_civil(y, (unsigned)m, (unsigned)d);
    return 1;
}

/* A month by name, full or abbreviated ("January", "Jan", "Jan.", "Sept"), any case; 0 if none.
 * The name must end there: "Janitor" is not January. */
static int month_name(cur *c)
{
    static const char *const names[12] = {"january", "february", "march",     "april",
                                          "may",     "june",     "july",      "august",
                                          "september", "october", "november", "december"};
    for (int m = 0; m < 12; m++) {
        cur t = *c;
        const size_t full = strlen(names[m]);
        if (!eat_word_n(&t, names[m], full)) {
            t = *c;
            if (!(m == 8 && eat_word(&t, "sept")) && !eat_word_n(&t, names[m], 3)) continue;
            eat(&t, '.');
        }
        if (!at_end(&t) && sl_isalpha((unsigned char)*t.p)) continue;
        *c = t;
        return m + 1;
    }
    return 0;
}

/* A date with the month by name, as spreadsheets and PDF extractions print it: "Jan 5, 2025",
 * "January 5 2025", "5 Jan 2025", "05-Jan-2025", with or without a weekday before it
 * ("Sunday, January 5, 2025"); Excel's "d-mmm-yy" ("5-Jan-25") takes a two-digit year (see
 * year()), the other forms four digits. */
static int parse_named_date(cur *c, int64_t *days)
{
    static const char *const wdays[7] = {"monday", "tuesday", "wednesday", "thursday",
                                         "friday", "saturday", "sunday"};
    for (int w = 0; w < 7; w++) {
        cur t = *c;
        if (!eat_word_n(&t, wdays[w], strlen(wdays[w])) && !eat_word_n(&t, wdays[w], 3)) continue;
        eat(&t, '.');
        if (!eat(&t, ',')) continue;
        skip_spaces(&t);
        *c = t;
        break;
    }
    int m, d, y, short_year = 0;
    if ((m = month_name(c)) != 0) { /* "Jan 5, 2025" */
        skip_spaces(c);
        if (!digits(c, 1, 2, &d)) return 0;
        const int comma = eat(c, ',');
        const char *before = c->p;
        skip_spaces(c);
        if (c->p == before && !comma) return 0; /* "Jan 52025" */
    } else { /* "5 Jan 2025", "05-Jan-2025" */
        if (!digits(c, 1, 2, &d)) return 0;
        const char sep = eat_one_of(c, " -");
        if (!sep || (m = month_name(c)) == 0 || !eat(c, sep)) return 0;
        short_year = sep == '-';
    }
    if (!(short_year ? year(c, &y) : digits(c, 4, 4, &y)) || !valid_date(y, m, d)) return 0;
    *days = sl_days_from_civil(y, (unsigned)m, (unsigned)d);
    return 1;
}

static int parse_date(cur *c, int64_t *days)
{
    cur save = *c;
    if (parse_iso_date(c, days)) return 1;
    *c = save;
    if (parse_us_date(c, days)) return 1;
    *c = save;
    if (parse_named_date(c, days)) return 1;
    *c = save;
    return 0;
}

/* Optional fraction of a second: '.' or ',' then digits, dropped (truncated to the second). */
static int skip_fraction(cur *c)
{
    if (c->p + 1 < c->end && (*c->p == '.' || *c->p == ',') && sl_isdigit((unsigned char)c->p[1])) {
        c->p++;
        while (c->p < c->end && sl_isdigit((unsigned char)*c->p)) c->p++;
    }
    return 1;
}

/* "H:MM[:SS[.fff]][ ]?[AM|PM|A.M.|P.M.]". Writes seconds since midnight. */
static int parse_tod(cur *c, int64_t *secs)
{
    int h, mi, s = 0;
    if (!digits(c, 1, 2, &h) || !eat(c, ':') || !digits(c, 2, 2, &mi)) return 0;
    if (eat(c, ':')) {
        if (!digits(c, 2, 2, &s)) return 0;
        skip_fraction(c);
    }
    if (mi > 59 || s > 59) return 0;
    cur save = *c;
    skip_spaces(c);
    int ampm = 0; /* 1 = AM, 2 = PM */
    if (eat_word(c, "am") || eat_word(c, "a.m.")) ampm = 1;
    else if (eat_word(c, "pm") || eat_word(c, "p.m.")) ampm = 2;
    if (ampm) {
        /* "AM" must not run into a word ("12:00 AMX"). */
        if (!at_end(c) && sl_isalpha((unsigned char)*c->p)) return 0;
        if (h < 1 || h > 12) return 0;
        if (h == 12) h = 0;
        if (ampm == 2) h += 12;
    } else {
        *c = save;
        if (h > 23) return 0;
    }
    *secs = (int64_t)h * 3600 + mi * 60 + s;
    return 1;
}

/* Zone suffix: nothing, "Z", "UTC", "GMT", "+HH:MM", "+HHMM", "+HH" (optionally after a
 * space), or "UTC+HH:MM". Writes the offset east of UTC in seconds. Must consume to end. */
static int parse_zone(cur *c, int64_t *off)
{
    *off = 0;
    skip_spaces(c);
    if (at_end(c)) return 1;
    if (eat_word(c, "z")) return at_end(c);
    if (eat_word(c, "utc") || eat_word(c, "gmt")) {
        if (at_end(c)) return 1;
    }
    int ch = peek(c);
    if (ch != '+' && ch != '-') return 0;
    int sign = ch == '-' ? -1 : 1;
    c->p++;
    int hh, mm = 0;
    if (!digits(c, 2, 2, &hh)) {
        /* "+HHMM" reads as 4 digits */
        int hhmm;
        if (!digits(c, 4, 4, &hhmm)) return 0;
        hh = hhmm / 100;
        mm = hhmm % 100;
    } else if (eat(c, ':')) {
        if (!digits(c, 2, 2, &mm)) return 0;
    }
    if (hh > 14 || mm > 59) return 0;
    *off = sign * ((int64_t)hh * 3600 + mm * 60);
    return at_end(c);
}

/* Days since 1970-01-01 of a date of 1970..2099 (where every fourth year is a leap year), or
 * -1 when the day does not exist: the check and the count of the exact forms below, without
 * the general calendar's divisions. Agrees with valid_date + sl_days_from_civil there. */
static int64_t days_fast(int y, int m, int d)
{
    static const uint16_t before[12] = {0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334};
    static const uint8_t dim[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (y < 1970 || y > 2099 || m < 1 || m > 12 || d < 1) return -1;
    const int leap = (y & 3) == 0;
    if (d > dim[m - 1] + (m == 2 && leap)) return -1;
    return (int64_t)(y - 1970) * 365 + (y - 1969) / 4 + before[m - 1] + (m > 2 && leap) + d - 1;
}

/* Two digits at p, or -1. */
static int dig2(const char *p)
{
    unsigned a = (unsigned)(unsigned char)p[0] - '0', b = (unsigned)(unsigned char)p[1] - '0';
    return a < 10 && b < 10 ? (int)(a * 10 + b) : -1;
}

#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
#define SL_TIME_SWAR 1

/* A 64-bit word whose byte k (in memory order) is b[k]. */
#define W8(b0, b1, b2, b3, b4, b5, b6, b7)                                                       \
    ((uint64_t)(b0) | (uint64_t)(b1) << 8 | (uint64_t)(b2) << 16 | (uint64_t)(b3) << 24 |          \
     (uint64_t)(b4) << 32 | (uint64_t)(b5) << 40 | (uint64_t)(b6) << 48 | (uint64_t)(b7) << 56)

/* The bytes of w marked 0xFF in dmask, digits turned to their values, every other byte zero.
 * Sets bits in *bad when one of those bytes is not an ASCII digit: 0x30..0x3F, and still
 * below 0x40 after adding 6. A byte that carries into the next one fails the first test. */
static inline uint64_t digits8(uint64_t w, uint64_t dmask, uint64_t *bad)
{
    const uint64_t hi = dmask & UINT64_C(0xF0F0F0F0F0F0F0F0), z = dmask & UINT64_C(0x3030303030303030);
    *bad |= ((w & hi) ^ z) | (((w + (dmask & UINT64_C(0x0606060606060606))) & hi) ^ z);
    return (w - z) & dmask;
}

/* "MM/DD/YYYY, HH:MM:SS AM UTC" read as three words and a tail: the fixed characters compared
 * and the fourteen digits checked and paired a word at a time, every test folded into one
 * branch. Sets the fields as the byte by byte reading did (h on the 12-hour clock, *pm for
 * PM); returns 0 when the text is not of that exact form. */
static int flock27(const char *p, int *y, int *mo, int *d, int *h, int *mi, int *s, int *pm)
{
    uint64_t w0, w1, w2;
    uint32_t t;
    memcpy(&w0, p, 8);      /* MM/DD/YY */
    memcpy(&w1, p + 8, 8);  /* YY, HH:M */
    memcpy(&w2, p + 16, 8); /* M:SS AM  */
    memcpy(&t, p + 23, 4);  /*  UTC     */
    const uint64_t f0 = W8(0, 0, 0xFF, 0, 0, 0xFF, 0, 0), e0 = W8(0, 0, '/', 0, 0, '/', 0, 0);
    const uint64_t f1 = W8(0, 0, 0xFF, 0xFF, 0, 0, 0xFF, 0), e1 = W8(0, 0, ',', ' ', 0, 0, ':', 0);
    /* AM/PM compared case-insensitively: bit 5 forced off in byte 5 (A or P), on in byte 6 */
    const uint64_t f2 = W8(0, 0xFF, 0, 0, 0xFF, 0xDF, 0xFF, 0xFF);
    const uint64_t e2a = W8(0, ':', 0, 0, ' ', 'A', 'm', ' ');
    const uint64_t m2 = (w2 | W8(0, 0, 0, 0, 0, 0, 0x20, 0)) & f2;
    const int is_pm = m2 == (e2a ^ W8(0, 0, 0, 0, 0, 'A' ^ 'P', 0, 0));
    uint64_t bad = ((w0 & f0) ^ e0) | ((w1 & f1) ^ e1) | (is_pm ? 0 : m2 ^ e2a) |
                   ((t | UINT32_C(0x20202000)) ^
                    ((uint32_t)' ' | (uint32_t)'u' << 8 | (uint32_t)'t' << 16 | (uint32_t)'c' << 24));
    const uint64_t v0 = digits8(w0, W8(0xFF, 0xFF, 0, 0xFF, 0xFF, 0, 0xFF, 0xFF), &bad);
    const uint64_t v1 = digits8(w1, W8(0xFF, 0xFF, 0, 0, 0xFF, 0xFF, 0, 0xFF), &bad);
    const uint64_t v2 = digits8(w2, W8(0xFF, 0, 0xFF, 0xFF, 0, 0, 0, 0), &bad);
    if (bad) return 0;
    /* Byte k of v * 10 + (v >> 8) is the two-digit number of bytes k and k+1 (at most 99). */
    const uint64_t t0 = v0 * 10 + (v0 >> 8), t1 = v1 * 10 + (v1 >> 8), t2 = v2 * 10 + (v2 >> 8);
    *mo = (int)(t0 & 0xFF);
    *d = (int)(t0 >> 24 & 0xFF);
    *y = (int)(t0 >> 48 & 0xFF) * 100 + (int)(t1 & 0xFF);
    *h = (int)(t1 >> 32 & 0xFF);
    *mi = (int)(v1 >> 56) * 10 + (int)(v2 & 0xFF);
    *s = (int)(t2 >> 16 & 0xFF);
    *pm = is_pm;
    return 1;
}
#endif

/* The exact forms exports write on every row, read without the general parser:
 * Flock's "MM/DD/YYYY, HH:MM:SS AM UTC" (27 bytes, zero-padded) and ISO
 * "YYYY-MM-DDTHH:MM:SSZ" (20 bytes). Returns 1 with *out set, 0 when the text is not exactly
 * one of them (the general parser then decides, and agrees on these). */
static int parse_fixed(const char *p, size_t len, int64_t *out)
{
    int y, mo, d, h, mi, s;
    if (len == 27) {
#ifdef SL_TIME_SWAR
        int pm;
        if (!flock27(p, &y, &mo, &d, &h, &mi, &s, &pm)) return 0;
        if (h < 1 || h > 12) return 0;
        if (h == 12) h = 0;
        if (pm) h += 12;
#else
        if (p[2] != '/' || p[5] != '/' || p[10] != ',' || p[11] != ' ' || p[14] != ':' ||
            p[17] != ':' || p[20] != ' ' || p[23] != ' ')
            return 0;
        int y1 = dig2(p + 6), y2 = dig2(p + 8);
        mo = dig2(p);
        d = dig2(p + 3);
        h = dig2(p + 12);
        mi = dig2(p + 15);
        s = dig2(p + 18);
        if ((y1 | y2 | mo | d | h | mi | s) < 0) return 0;
        y = y1 * 100 + y2;
        int ap = p[21] | 32;
        if ((ap != 'a' && ap != 'p') || (p[22] | 32) != 'm') return 0;
        if ((p[24] | 32) != 'u' || (p[25] | 32) != 't' || (p[26] | 32) != 'c') return 0;
        if (h < 1 || h > 12) return 0;
        if (h == 12) h = 0;
        if (ap == 'p') h += 12;
#endif
    } else if (len == 20) {
        if (p[4] != '-' || p[7] != '-' || (p[10] != 'T' && p[10] != 't') || p[13] != ':' ||
            p[16] != ':' || (p[19] != 'Z' && p[19] != 'z'))
            return 0;
        int y1 = dig2(p), y2 = dig2(p + 2);
        mo = dig2(p + 5);
        d = dig2(p + 8);
        h = dig2(p + 11);
        mi = dig2(p + 14);
        s = dig2(p + 17);
        if ((y1 | y2 | mo | d | h | mi | s) < 0) return 0;
        y = y1 * 100 + y2;
        if (h > 23) return 0;
    } else {
        return 0;
    }
    if (mi > 59 || s > 59) return 0;
    int64_t days = days_fast(y, mo, d);
    if (days < 0) {
        if (!valid_date(y, mo, d)) return 0;
        days = sl_days_from_civil(y, (unsigned)mo, (unsigned)d);
    }
    *out = days * 86400 + (int64_t)h * 3600 + mi * 60 + s;
    return 1;
}

int sl_time_parse(const char *p, size_t len, int64_t *out)
{
    if (!p) return 0;
    if (parse_fixed(p, len, out)) return 1;
    trim(&p, &len);
    if (len == 0) return 0;
    cur c = {p, p + len};
    int64_t days, secs = 0, off = 0;
    if (!parse_date(&c, &days)) return 0;
    if (at_end(&c)) {
        *out = days * 86400;
        return 1;
    }
    /* Separator between date and time: 'T', ", ", " ", "," */
    if (*c.p == 'T' || *c.p == 't') {
        c.p++;
    } else {
        const char *before = c.p;
        eat(&c, ',');
        skip_spaces(&c);
        if (c.p == before) return 0;
    }
    if (!parse_tod(&c, &secs)) return 0;
    if (!parse_zone(&c, &off)) return 0;
    *out = days * 86400 + secs - off;
    return 1;
}

int sl_time_parse_epoch(const char *p, size_t len, int64_t *out)
{
    if (!p) return 0;
    trim(&p, &len);
    if (len != 10 && len != 13) return 0;
    int64_t v = 0;
    for (size_t i = 0; i < len; i++) {
        if (!sl_isdigit((unsigned char)p[i])) return 0;
        v = v * 10 + (p[i] - '0');
    }
    if (len == 13) v /= 1000;
    if (v < INT64_C(946684800) || v >= INT64_C(4102444800)) return 0; /* 2000 .. 2099 */
    *out = v;
    return 1;
}

int sl_time_parse_serial(const char *p, size_t len, int64_t *out)
{
    if (!p) return 0;
    trim(&p, &len);
    if (len < 5 || len > 22) return 0;
    int64_t day = 0;
    for (size_t i = 0; i < 5; i++) {
        if (!sl_isdigit((unsigned char)p[i])) return 0;
        day = day * 10 + (p[i] - '0');
    }
    if (day < 36526 || day > 73050) return 0; /* 2000-01-01 .. 2099-12-31 */
    double frac = 0, scale = 1;
    if (len > 5) {
        if (p[5] != '.' || len == 6) return 0;
        for (size_t i = 6; i < len; i++) {
            if (!sl_isdigit((unsigned char)p[i])) return 0;
            scale /= 10;
            frac += (p[i] - '0') * scale;
        }
    }
    return sl_time_from_excel((double)day + frac, out);
}

int sl_time_parse_split(const char *date, size_t dlen, const char *tod, size_t tlen, int64_t *out)
{
    if (!date || !tod) return 0;
    trim(&date, &dlen);
    trim(&tod, &tlen);
    if (dlen == 0 || tlen == 0) return 0;
    int64_t days, secs, off;
    cur c = {date, date + dlen};
    if (!parse_date(&c, &days)) return 0;
    if (!at_end(&c)) {
        /* A date cell written as "2025-06-01 00:00:00" (a spreadsheet's date): accept only
         * when its time is midnight, so nothing is silently dropped. */
        int64_t full;
        if (!sl_time_parse(date, dlen, &full) || full != days * 86400) return 0;
    }
    cur t = {tod, tod + tlen};
    if (!parse_tod(&t, &secs)) return 0;
    if (!parse_zone(&t, &off)) return 0;
    *out = days * 86400 + secs - off;
    return 1;
}

/* Finds needle in [p, p+len) starting at from; returns offset or -1. */
static long find(const char *p, size_t len, size_t from, const char *needle, int icase)
{
    size_t n = strlen(needle);
    for (size_t i = from; i + n <= len; i++) {
        size_t k = 0;
        while (k < n && (icase ? sl_tolower((unsigned char)p[i + k]) == (unsigned char)needle[k]
                               : p[i + k] == needle[k]))
            k++;
        if (k == n) return (long)i;
    }
    return -1;
}

static int parse_pair(const char *p, size_t a_end, size_t b_start, size_t len, int64_t *s,
                      int64_t *e)
{
    int64_t x, y;
    if (!sl_time_parse(p, a_end, &x)) return 0;
    if (!sl_time_parse(p + b_start, len - b_start, &y)) return 0;
    *s = x;
    *e = y;
    return 1;
}

int sl_timeframe_parse(const char *p, size_t len, int64_t *start, int64_t *end)
{
    if (!p) return 0;
    /* Flock's two exact timestamps on two lines, as on every row of an audit: the same split
     * and the same reading as below (neither timestamp holds a line break or white space at
     * its ends), without the search for the line break. */
    int64_t x, y;
    if (len == 55 && p[27] == '\n' && parse_fixed(p, 27, &x) && parse_fixed(p + 28, 27, &y)) {
        *start = x;
        *end = y;
        return 1;
    }
    trim(&p, &len);
    if (len == 0) return 0;
    /* Two lines ("\n" or "\r\n"; a blank line between is tolerated by the trims). */
    const char *nl = memchr(p, '\n', len);
    if (nl) {
        size_t a = (size_t)(nl - p);
        return parse_pair(p, a, a + 1, len, start, end);
    }
    const char *cr = memchr(p, '\r', len);
    if (cr) {
        size_t a = (size_t)(cr - p);
        return parse_pair(p, a, a + 1, len, start, end);
    }
    /* "start to end" and "start - end": try each occurrence, since neither text appears
     * inside a timestamp but a wrong split simply fails to parse. */
    static const char *const seps[] = {" to ", " - ", " – "};
    for (size_t k = 0; k < SL_ARRAY_LEN(seps); k++) {
        size_t n = strlen(seps[k]);
        long at = find(p, len, 0, seps[k], 1);
        while (at >= 0) {
            if (parse_pair(p, (size_t)at, (size_t)at + n, len, start, end)) return 1;
            at = find(p, len, (size_t)at + 1, seps[k], 1);
        }
    }
    return 0;
}

int sl_time_from_excel(double serial, int64_t *out)
{
    /* NaN fails both comparisons. 2958465 is 9999-12-31. */
    if (!(serial >= 1.0 && serial < 2958466.0)) return 0;
    int64_t day = (int64_t)serial; /* positive: truncation is floor */
    double frac = serial - (double)day;
    /* To the millisecond first (a whole second stored as 0.99999 s is still that second),
     * then truncated to the second, as the fraction of an ISO time is: "00:02:04.789" in a
     * portal's CSV and the same search's serial in its workbook give the same second. */
    int64_t secs = (int64_t)(frac * 86400000.0 + 0.5) / 1000;
    if (secs >= 86400) {
        day++;
        secs -= 86400;
    }
    /* Excel counts 1900-02-29, which did not exist, as serial 60: serials before 61 are one
     * day late against the 1899-12-30 base. Serial 60 lands on 1900-03-01 like 61. */
    if (day < 61) day++;
    if (day > 2958465) return 0;
    int64_t base = sl_days_from_civil(1899, 12, 30);
    *out = (base + day) * 86400 + secs;
    return 1;
}

static void put2(char *o, unsigned v)
{
    o[0] = (char)('0' + v / 10 % 10);
    o[1] = (char)('0' + v % 10);
}

static int64_t floor_div(int64_t a, int64_t b)
{
    int64_t q = a / b;
    if ((a % b != 0) && ((a < 0) != (b < 0))) q--;
    return q;
}

/* Years outside 0..9999 cannot be written in 4 digits: those give "" too. */
static int split_time(int64_t t, int64_t *y, unsigned *mo, unsigned *d, unsigned *h, unsigned *mi,
                      unsigned *s)
{
    if (t == SL_TIME_NONE) return 0;
    int64_t days = floor_div(t, 86400);
    int64_t rem = t - days * 86400;
    civil_from_days(days, y, mo, d);
    if (*y < 0 || *y > 9999) return 0;
    *h = (unsigned)(rem / 3600);
    *mi = (unsigned)(rem / 60 % 60);
    *s = (unsigned)(rem % 60);
    return 1;
}

void sl_time_format(int64_t t, char out[21])
{
    int64_t y;
    unsigned mo, d, h, mi, s;
    if (t < -(INT64_C(1) << 50) || t > (INT64_C(1) << 50) ||
        !split_time(t, &y, &mo, &d, &h, &mi, &s)) {
        out[0] = '\0';
        return;
    }
    put2(out, (unsigned)(y / 100));
    put2(out + 2, (unsigned)(y % 100));
    out[4] = '-';
    put2(out + 5, mo);
    out[7] = '-';
    put2(out + 8, d);
    out[10] = 'T';
    put2(out + 11, h);
    out[13] = ':';
    put2(out + 14, mi);
    out[16] = ':';
    put2(out + 17, s);
    out[19] = 'Z';
    out[20] = '\0';
}

void sl_time_format_day(int64_t t, char out[21], int64_t *day)
{
    if (t >= -(INT64_C(1) << 50) && t <= (INT64_C(1) << 50) && t != SL_TIME_NONE) {
        int64_t days = floor_div(t, 86400);
        if (days == *day && out[0]) {
            unsigned rem = (unsigned)(t - days * 86400);
            put2(out + 11, rem / 3600);
            put2(out + 14, rem / 60 % 60);
            put2(out + 17, rem % 60);
            return;
        }
        *day = days;
    }
    sl_time_format(t, out);
    if (!out[0]) *day = INT64_MIN; /* unknown or out of range: nothing to keep */
}

void sl_time_month(int64_t t, char out[8])
{
    char full[21];
    sl_time_format(t, full);
    if (!full[0]) {
        out[0] = '\0';
        return;
    }
    memcpy(out, full, 7);
    out[7] = '\0';
}
