/* test_time.c: timeparse.c against exact vectors (each checked with `date -u -d ... +%s`):
 * Flock audit times, ISO 8601 with zones and offsets, split date + time, time frames, Excel
 * serials, formatting, and the strings that must be refused. */
#include "../harness.h"
#include "timeparse.h"

#include <stdint.h>

static int64_t T(const char *s)
{
    int64_t v = 12345;
    if (!sl_time_parse(s, strlen(s), &v)) return SL_TIME_NONE;
    return v;
}

static int rejects(const char *s)
{
    int64_t v = 777;
    int r = sl_time_parse(s, strlen(s), &v);
    return r == 0 && v == 777; /* refused, output untouched */
}

static void test_civil(void)
{
    CHECK_INT(sl_days_from_civil(1970, 1, 1), 0);
    CHECK_INT(sl_days_from_civil(2000, 3, 1), 11017);
    CHECK_INT(sl_days_from_civil(2025, 6, 1), 20240);
    CHECK_INT(sl_days_from_civil(1900, 1, 1), -25567);
    CHECK_INT(sl_days_from_civil(1969, 12, 31), -1);
    CHECK_INT(sl_days_from_civil(2024, 2, 29) + 1, sl_days_from_civil(2024, 3, 1));
}

static void test_flock(void)
{
    CHECK_INT(T("1/2/2026, 3:04:05 AM UTC"), 1767323045);
    CHECK_INT(T("01/02/2026, 03:04:05 AM UTC"), 1767323045);
    CHECK_INT(T("6/1/2025, 1:02:03 PM UTC"), 1748782923);
    CHECK_INT(T("06/01/2025, 01:02:03 PM UTC"), 1748782923);
    CHECK_INT(T("6/1/2025, 12:02:03 AM UTC"), 1748736123); /* 12 AM is 00h */
    CHECK_INT(T("6/1/2025, 12:34:56 PM UTC"), 1748781296); /* 12 PM is 12h */
    CHECK_INT(T("6/1/2025 1:02:03 PM"), 1748782923);        /* no comma, no UTC */
    CHECK_INT(T("6/1/2025, 1:02:03 pm utc"), 1748782923);
    CHECK_INT(T("6/1/2025, 1:02:03PM UTC"), 1748782923);
    CHECK_INT(T("6/1/2025, 1:02:03 P.M. UTC"), 1748782923);
    CHECK_INT(T("6/1/2025 13:02:03"), 1748782923);          /* 24-hour */
    CHECK_INT(T("6/1/2025 13:02"), 1748782920);             /* no seconds */
    CHECK_INT(T("6/1/2025"), 1748736000);
    CHECK_INT(T("  6/1/2025, 1:02:03 PM UTC \r\n"), 1748782923);
    CHECK_INT(T("12/31/2025, 12:00:00 PM UTC"), 1767182400);
    CHECK_INT(T("12/31/2025, 12:00:00 AM UTC"), 1767139200);
    CHECK_INT(T("2/29/2024, 11:59:59 PM UTC"), 1709251199);
    CHECK_INT(T("6/1/2025, 1:02:03 PM GMT"), 1748782923);
}

static void test_iso(void)
{
    CHECK_INT(T("2025-06-01T12:34:56Z"), 1748781296);
    CHECK_INT(T("2025-06-01T12:34:56.123Z"), 1748781296); /* fraction truncated */
    CHECK_INT(T("2025-06-01T12:34:56.999999Z"), 1748781296);
    CHECK_INT(T("2025-06-01T12:34:56+00:00"), 1748781296);
    CHECK_INT(T("2025-06-01T12:34:56+0000"), 1748781296);
    CHECK_INT(T("2025-06-01T12:34:56-07:00"), 1748806496); /* -07:00 adds 7 hours */
    CHECK_INT(T("2025-06-01T12:34:56-0700"), 1748806496);
    CHECK_INT(T("2025-06-01T12:34:56+07:30"), 1748781296 - 27000);
    CHECK_INT(T("2025-06-01T12:34:56+07"), 1748781296 - 25200);
    CHECK_INT(T("2025-06-01 12:34:56"), 1748781296);       /* space, no zone (portal) */
    CHECK_INT(T("2025-06-01 12:34:56Z"), 1748781296);
    CHECK_INT(T("2025-06-01 12:34:56 UTC"), 1748781296);
    CHECK_INT(T("2025-06-01 12:34:56 +00:00"), 1748781296);
    CHECK_INT(T("2025-06-01t12:34:56z"), 1748781296);
    CHECK_INT(T("2025-06-18 00:02:04.789"), 1750204924);   /* EPD portal export */
    CHECK_INT(T("2026-03-10T04:31:52.901Z"), 1773117112);  /* San Mateo portal export */
    CHECK_INT(T("2025-06-01T12:34Z"), 1748781240);
    CHECK_INT(T("2025-06-01"), 1748736000);
    CHECK_INT(T("2000-02-29"), 951782400);
    CHECK_INT(T("1970-01-01T00:00:00Z"), 0);
    CHECK_INT(T("1999-12-31T23:59:59Z"), 946684799);
    CHECK_INT(T("2025-01-01T00:00:00+01:00"), 1735686000); /* crosses the year back */
    CHECK_INT(T("2024-12-31T23:00:00-05:00"), 1735704000);
}

/* What Excel writes when it re-saves an export as CSV ("m/d/yy h:mm", its default), and dates
 * with other separators: "M-D-YYYY" and "YYYY/MM/DD". Two-digit years: 69 and below 20xx. */
static void test_resaved(void)
{
    CHECK_INT(T("6/1/25 13:02"), 1748782920);
    CHECK_INT(T("6/1/25 1:02 PM"), 1748782920);
    CHECK_INT(T("06/01/25"), T("6/1/2025"));
    CHECK_INT(T("12/31/99"), T("12/31/1999"));
    CHECK_INT(T("1/1/00"), T("1/1/2000"));
    CHECK_INT(T("06-01-2025 13:02:03"), 1748782923);
    CHECK_INT(T("6-1-25 13:02"), 1748782920);
    CHECK_INT(T("2025/06/01 13:02:03"), 1748782923);
    CHECK_INT(T("2025/6/1"), T("6/1/2025"));
    CHECK(rejects("2/29/25"));                 /* 2025 is not a leap year */
    /* an Excel serial in text, for a column known to hold times */
    int64_t v = 0;
    CHECK_INT(sl_time_parse_serial("45962.2409722222", 16, &v), 1);
    CHECK_INT(v, 1761976020);
    CHECK_INT(sl_time_parse_serial(" 45962 ", 7, &v), 1);
    CHECK_INT(v, 1761955200);
    CHECK_INT(sl_time_parse_serial("45962.", 6, &v), 0);
    CHECK_INT(sl_time_parse_serial("4596.5", 6, &v), 0);
    CHECK_INT(sl_time_parse_serial("459620", 6, &v), 0);
    CHECK_INT(sl_time_parse_serial("36525.5", 7, &v), 0);  /* 1999-12-31: before 2000 */
    CHECK_INT(sl_time_parse_serial("45962,25", 8, &v), 0);
    CHECK_INT(sl_time_parse_serial("-45962", 6, &v), 0);
    CHECK(rejects("45962.2409722222"));        /* not a timestamp unless the column is a time */
    CHECK_INT(T("2/29/24"), T("2/29/2024"));
    int64_t a = 0, b = 0;
    CHECK_INT(sl_timeframe_parse("6/1/25 13:00\n6/2/25 13:00", 25, &a, &b), 1);
    CHECK_INT(b - a, 86400);
}

/* The month by name: spreadsheet display formats and PDF extractions. */
static void test_named(void)
{
    CHECK_INT(T("Jun 1, 2025, 1:02:03 PM UTC"), 1748782923);
    CHECK_INT(T("June 1, 2025 1:02:03 PM"), 1748782923);
    CHECK_INT(T("jun. 1 2025 13:02:03"), 1748782923);
    CHECK_INT(T("JUNE 01,2025 13:02"), 1748782920);
    CHECK_INT(T("Sunday, June 1, 2025"), 1748736000);
    CHECK_INT(T("Sun, Jun 1, 2025, 1:02:03 PM UTC"), 1748782923);
    CHECK_INT(T("1 Jun 2025 13:02:03"), 1748782923);
    CHECK_INT(T("01-Jun-2025 1:02:03 PM"), 1748782923);
    CHECK_INT(T("29-Feb-2024"), 1709164800);
    CHECK_INT(T("Sept 30, 2025"), T("9/30/2025"));
    CHECK_INT(T("Sep 30, 2025"), T("9/30/2025"));
    CHECK_INT(T("September 30, 2025"), T("9/30/2025"));
    CHECK_INT(T("Dec 31, 2025, 11:59:59 PM UTC"), T("12/31/2025, 11:59:59 PM UTC"));
    CHECK_INT(T("May 5, 2025"), T("5/5/2025"));
    CHECK(rejects("Jun 31, 2025"));    /* no such day */
    CHECK(rejects("29-Feb-2025"));
    /* Excel's d-mmm-yy: 69 and below are 20xx, as docs/MAPS.md's %y */
    CHECK_INT(T("01-Jun-25"), T("6/1/2025"));
    CHECK_INT(T("1-Jun-25 13:02"), 1748782920);
    CHECK_INT(T("31-Dec-69"), T("12/31/2069"));
    CHECK_INT(T("1-Jan-70"), 0);
    CHECK(rejects("Jun 1 25"));        /* a two-digit year only in the d-mmm-yy form */
    CHECK(rejects("1 Jun 25"));
    CHECK(rejects("01-Jun-025"));
    CHECK(rejects("01-Jun-2025x"));
    CHECK(rejects("Junk 1, 2025"));    /* not a month */
    CHECK(rejects("Janitor 1, 2025"));
    CHECK(rejects("1-Jun 2025"));      /* mixed separators */
    CHECK(rejects("Jun 12025"));
    CHECK(rejects("Sunday June 1, 2025x"));
    CHECK(rejects("June, 2025"));      /* no day */
    int64_t a = 0, b = 0;
    CHECK_INT(sl_timeframe_parse("Jun 1, 2025 1:00 PM to Jun 2, 2025 1:00 PM", 42, &a, &b), 1);
    CHECK_INT(b - a, 86400);
}

static void test_rejects(void)
{
    CHECK(rejects(""));
    CHECK(rejects("   "));
    CHECK(rejects("2/30/2025"));               /* Feb 30 */
    CHECK(rejects("2/29/2025"));               /* not a leap year */
    CHECK(rejects("2/29/1900"));               /* 1900 was not either */
    CHECK(rejects("13/1/2025"));               /* month 13 */
    CHECK(rejects("0/1/2025"));
    CHECK(rejects("6/0/2025"));
    CHECK(rejects("6/31/2025"));
    CHECK(rejects("6/1/2025, 25:00:00"));      /* hour 25 */
    CHECK(rejects("6/1/2025, 24:00:00"));
    CHECK(rejects("6/1/2025, 13:00:00 PM UTC")); /* 13 PM */
    CHECK(rejects("6/1/2025, 0:30:00 AM UTC"));
    CHECK(rejects("6/1/2025, 1:60:00 PM UTC"));
    CHECK(rejects("6/1/2025, 1:02:60 PM UTC"));
    CHECK(rejects("6/1/2025, 1:02:03 PM UTC x")); /* trailing garbage */
    CHECK(rejects("6/1/2025x"));
    CHECK(rejects("6/1/025"));                 /* a year of three digits */
    CHECK(rejects("6/1-2025"));                /* mixed separators */
    CHECK(rejects("6-1/2025"));
    CHECK(rejects("2025/06-01"));
    CHECK(rejects("6.1.2025"));
    CHECK(rejects("6/1/2025, 1:2:03 PM"));     /* one-digit minutes */
    CHECK(rejects("2025-13-01"));
    CHECK(rejects("2025-02-30T00:00:00Z"));
    CHECK(rejects("2025-06-01T12:34:56ZZ"));
    CHECK(rejects("2025-06-01T12:34:56+25:00"));
    CHECK(rejects("2025-06-01T"));
    CHECK(rejects("2025-06-01T12"));
    CHECK(rejects("2025-06-01T12:34:56 PST"));
    CHECK(rejects("20250601"));
    CHECK(rejects("yesterday"));
    CHECK(rejects("45809.5"));                 /* a serial is not a timestamp string */
    CHECK(rejects("6/1/2025, 1:02:03 AMX"));
    int64_t v;
    CHECK_INT(sl_time_parse(NULL, 0, &v), 0);
}

static void test_split(void)
{
    int64_t v = 0;
    CHECK_INT(sl_time_parse_split("6/1/2025", 8, "1:02:03 PM", 10, &v), 1);
    CHECK_INT(v, 1748782923);
    CHECK_INT(sl_time_parse_split(" 06/01/2025 ", 12, "13:02:03 UTC", 12, &v), 1);
    CHECK_INT(v, 1748782923);
    CHECK_INT(sl_time_parse_split("2025-06-01", 10, "12:34:56Z", 9, &v), 1);
    CHECK_INT(v, 1748781296);
    CHECK_INT(sl_time_parse_split("2025-06-01 00:00:00", 19, "12:34:56", 8, &v), 1);
    CHECK_INT(v, 1748781296);
    v = 5;
    CHECK_INT(sl_time_parse_split("2025-06-01 00:00:01", 19, "12:34:56", 8, &v), 0);
    CHECK_INT(sl_time_parse_split("6/31/2025", 9, "1:02:03 PM", 10, &v), 0);
    CHECK_INT(sl_time_parse_split("6/1/2025", 8, "13:02:03 PM", 11, &v), 0);
    CHECK_INT(sl_time_parse_split("6/1/2025", 8, "", 0, &v), 0);
    CHECK_INT(sl_time_parse_split("6/1/2025", 8, "6/1/2025", 8, &v), 0);
    CHECK_INT(v, 5);
}

static void test_frame(void)
{
    int64_t a = 0, b = 0;
    const char *two = "6/1/2025, 12:00:00 PM UTC\n6/2/2025, 6:00:00 AM UTC";
    CHECK_INT(sl_timeframe_parse(two, strlen(two), &a, &b), 1);
    CHECK_INT(a, 1748779200);
    CHECK_INT(b, 1748844000);
    const char *crlf = "6/1/2025, 12:00:00 PM UTC\r\n6/2/2025, 6:00:00 AM UTC\r\n";
    a = b = 0;
    CHECK_INT(sl_timeframe_parse(crlf, strlen(crlf), &a, &b), 1);
    CHECK_INT(a, 1748779200);
    CHECK_INT(b, 1748844000);
    const char *to = "6/1/2025, 12:00:00 PM UTC to 6/2/2025, 6:00:00 AM UTC";
    a = b = 0;
    CHECK_INT(sl_timeframe_parse(to, strlen(to), &a, &b), 1);
    CHECK_INT(a, 1748779200);
    CHECK_INT(b, 1748844000);
    const char *dash = "2025-06-01T12:00:00Z - 2025-06-02T06:00:00Z";
    a = b = 0;
    CHECK_INT(sl_timeframe_parse(dash, strlen(dash), &a, &b), 1);
    CHECK_INT(a, 1748779200);
    CHECK_INT(b, 1748844000);
    const char *iso_to = "2025-06-01 12:00:00 TO 2025-06-02 06:00:00";
    CHECK_INT(sl_timeframe_parse(iso_to, strlen(iso_to), &a, &b), 1);
    CHECK_INT(b, 1748844000);
    const char *blank_line = "6/1/2025, 12:00:00 PM UTC\n\n6/2/2025, 6:00:00 AM UTC";
    CHECK_INT(sl_timeframe_parse(blank_line, strlen(blank_line), &a, &b), 1);
    CHECK_INT(b, 1748844000);
    const char *bad[] = {
        "6/1/2025, 12:00:00 PM UTC",                          /* one end only */
        "6/1/2025, 12:00:00 PM UTC\n6/31/2025, 6:00:00 AM UTC", /* bad second end */
        "6/1/2025, 12:00:00 PM UTC\nsoon",
        "6/1/2025 to",
        "",
        "2025-06-01T12:00:00Z -- 2025-06-02T06:00:00Z",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        a = b = 9;
        CHECK_INT(sl_timeframe_parse(bad[i], strlen(bad[i]), &a, &b), 0);
        CHECK(a == 9 && b == 9);
    }
}

/* Numbers since 1970, for a column known to hold times: never by sl_time_parse (inference
 * would take phone numbers for times). */
static void test_epoch(void)
{
    static const struct { const char *s; int64_t want; } ok[] = {
        {"1748942100", 1748942100},      /* 2025-06-03T09:15:00Z, seconds */
        {"1748942100999", 1748942100},   /* milliseconds, truncated like a fraction */
        {" 1000000000 ", 1000000000},    /* 2001-09-09T01:46:40Z: the first with 10 digits */
        {"4102444799", 4102444799},      /* 2099-12-31T23:59:59Z, the last */
    };
    for (size_t i = 0; i < SL_ARRAY_LEN(ok); i++) {
        int64_t v = 0;
        CHECK_INT(sl_time_parse_epoch(ok[i].s, strlen(ok[i].s), &v), 1);
        CHECK_INT(v, ok[i].want);
        CHECK(rejects(ok[i].s));
    }
    static const char *const no[] = {"946684799", "0946684799", "4102444800", "5551234567",
                                     "174894210", "17489421000", "1748942100.5", "-1748942100",
                                     "17489421OO", "", "174894210099"};
    for (size_t i = 0; i < SL_ARRAY_LEN(no); i++) {
        int64_t v = 777;
        if (sl_time_parse_epoch(no[i], strlen(no[i]), &v)) fprintf(stderr, "epoch: %s\n", no[i]);
        CHECK(!sl_time_parse_epoch(no[i], strlen(no[i]), &v) && v == 777);
    }
    CHECK_INT(sl_time_parse_epoch(NULL, 0, NULL), 0);
}

static void test_excel(void)
{
    int64_t v = 0;
    CHECK_INT(sl_time_from_excel(45809.0, &v), 1);
    CHECK_INT(v, 1748736000);                  /* 2025-06-01 */
    CHECK_INT(sl_time_from_excel(45809.5, &v), 1);
    CHECK_INT(v, 1748779200);                  /* noon */
    CHECK_INT(sl_time_from_excel(45809.54375, &v), 1);
    CHECK_INT(v, 1748736000 + 46980);          /* 13:03:00 */
    CHECK_INT(sl_time_from_excel(45809.0 + 1.0 / 86400.0, &v), 1);
    CHECK_INT(v, 1748736001);                  /* a whole second stored a hair short */
    CHECK_INT(sl_time_from_excel(45809.0 + 0.9999996 / 86400.0, &v), 1);
    CHECK_INT(v, 1748736001);                  /* to the millisecond first */
    CHECK_INT(sl_time_from_excel(45809.0 + 1.4 / 86400.0, &v), 1);
    CHECK_INT(v, 1748736001);
    CHECK_INT(sl_time_from_excel(45809.0 + 1.6 / 86400.0, &v), 1);
    CHECK_INT(v, 1748736001);                  /* then truncated, like "00:00:01.6" */
    CHECK_INT(sl_time_from_excel(45826.001444317131, &v), 1);
    CHECK_INT(v, 1750204924);                  /* EPD's workbook: 2025-06-18 00:02:04.789 */
    CHECK_INT(sl_time_from_excel(45809.99999999, &v), 1);
    CHECK_INT(v, 1748822399);                  /* 23:59:59.999: still the same day */
    CHECK_INT(sl_time_from_excel(45809.999999999, &v), 1);
    CHECK_INT(v, 1748822400);                  /* 23:59:59.9999: the next day's first second */
    CHECK_INT(sl_time_from_excel(25569.0, &v), 1);
    CHECK_INT(v, 0);                           /* 1970-01-01 */
    CHECK_INT(sl_time_from_excel(1.0, &v), 1);
    CHECK_INT(v, -2208988800);                 /* 1900-01-01 */
    CHECK_INT(sl_time_from_excel(59.0, &v), 1);
    CHECK_INT(v, -2203977600);                 /* 1900-02-28 */
    CHECK_INT(sl_time_from_excel(60.0, &v), 1);
    CHECK_INT(v, -2203891200);                 /* the fake 1900-02-29 lands on 03-01 */
    CHECK_INT(sl_time_from_excel(61.0, &v), 1);
    CHECK_INT(v, -2203891200);                 /* 1900-03-01 */
    CHECK_INT(sl_time_from_excel(2958465.0, &v), 1);
    CHECK_INT(v, 253402214400);                /* 9999-12-31 */
    v = 3;
    CHECK_INT(sl_time_from_excel(0.0, &v), 0);
    CHECK_INT(sl_time_from_excel(0.5, &v), 0);
    CHECK_INT(sl_time_from_excel(-1.0, &v), 0);
    CHECK_INT(sl_time_from_excel(2958466.0, &v), 0);
    CHECK_INT(sl_time_from_excel(2958465.999999999, &v), 0); /* rounds past 9999 */
    CHECK_INT(sl_time_from_excel(1e300, &v), 0);
    volatile double zero = 0.0;
    CHECK_INT(sl_time_from_excel(zero / zero, &v), 0); /* NaN */
    CHECK_INT(v, 3);
}

static void test_format(void)
{
    char b[21], m[8];
    sl_time_format(1767323045, b);
    CHECK_STR(b, "2026-01-02T03:04:05Z");
    sl_time_format(0, b);
    CHECK_STR(b, "1970-01-01T00:00:00Z");
    sl_time_format(-1, b);
    CHECK_STR(b, "1969-12-31T23:59:59Z");
    sl_time_format(-2208988800, b);
    CHECK_STR(b, "1900-01-01T00:00:00Z");
    sl_time_format(253402300799, b);
    CHECK_STR(b, "9999-12-31T23:59:59Z");
    sl_time_format(253402300800, b);
    CHECK_STR(b, "");                          /* year 10000 does not fit */
    sl_time_format(SL_TIME_NONE, b);
    CHECK_STR(b, "");
    sl_time_format(INT64_MAX, b);
    CHECK_STR(b, "");
    sl_time_month(1748782923, m);
    CHECK_STR(m, "2025-06");
    sl_time_month(SL_TIME_NONE, m);
    CHECK_STR(m, "");
    /* Round trip over a spread of seconds. */
    int ok = 1;
    for (int64_t t = -3000000000LL; t < 4000000000LL; t += 86399 * 37 + 13) {
        char s[21];
        int64_t back;
        sl_time_format(t, s);
        if (!sl_time_parse(s, 20, &back) || back != t) ok = 0;
    }
    CHECK(ok);
}

/* sl_time_format_day against sl_time_format over runs of one day, day changes both ways,
 * midnight, times before 1970, unformattable times between two of the same day, and a buffer
 * written by someone else in between (its day no longer matches). */
static void test_format_day(void)
{
    static const int64_t ts[] = {
        1767323045, 1767323046, 1767323045 - 3 * 3600, 1767398399, 1767398400, 1767398399,
        0, 0, 59, 86399, -1, -86400, -86401, SL_TIME_NONE, -86401, -86400,
        253402300799, 253402300800, 253402300799, INT64_MAX, 1767323045, INT64_MIN + 1,
        1767323045, 1767330000,
    };
    char buf[21] = {0}, want[21];
    int64_t day = INT64_MIN;
    int ok = 1;
    for (size_t i = 0; i < SL_ARRAY_LEN(ts); i++) {
        sl_time_format_day(ts[i], buf, &day);
        sl_time_format(ts[i], want);
        if (strcmp(buf, want) != 0) {
            fprintf(stderr, "format_day %zu: \"%s\", expected \"%s\"\n", i, buf, want);
            ok = 0;
        }
    }
    CHECK(ok);
    /* a sweep of random steps inside and across days */
    uint64_t x = 88172645463325252ull;
    int64_t t = 1700000000;
    day = 0;
    buf[0] = '\0';
    for (int i = 0; i < 200000 && ok; i++) {
        x ^= x << 13, x ^= x >> 7, x ^= x << 17;
        t += (int64_t)(x % 7 == 0 ? x % 400000 : x % 900) - (x % 11 == 0 ? 300000 : 0);
        sl_time_format_day(t, buf, &day);
        sl_time_format(t, want);
        if (strcmp(buf, want) != 0) ok = 0;
    }
    CHECK(ok);
    /* someone else's text in the buffer with a matching day: out[0] set, day stale is the
     * caller's promise to keep; a cleared buffer is always written whole */
    memset(buf, 0, sizeof buf);
    day = 1767323045 / 86400;
    sl_time_format_day(1767323045, buf, &day);
    CHECK_STR(buf, "2026-01-02T03:04:05Z");
}

/* Parses the text at buf + 1 (n bytes: the fast path) and again with a leading space at buf
 * (the general parser), and counts a disagreement. */
static void both_paths(char *buf, int n, const char *what, int *ok, int *diff)
{
    buf[0] = ' ';
    int64_t a = 0, b = 0;
    int ra = sl_time_parse(buf + 1, (size_t)n, &a);
    int rb = sl_time_parse(buf, (size_t)n + 1, &b);
    *ok += ra;
    if ((ra != rb || (ra && a != b)) && (*diff)++ < 10)
        fprintf(stderr, "%s MISMATCH \"%s\": %d %lld vs %d %lld\n", what, buf + 1, ra,
                (long long)a, rb, (long long)b);
}

/* The fixed-width fast path (exact Flock and ISO forms) must agree with the general parser on
 * every text: generated timestamps, valid and damaged one byte at a time, parsed as they are
 * and with a leading space (which the fast path does not take). */
static uint64_t rs = 0x9E3779B97F4A7C15ull;
static uint32_t rnd(void)
{
    rs ^= rs << 13;
    rs ^= rs >> 7;
    rs ^= rs << 17;
    return (uint32_t)(rs >> 20);
}

static void test_fast_path(void)
{
    static const char pool[] = "0123456789/:,- TtZzAaPpMmUuCc.x+";
    int diff = 0, ok = 0;
    for (int it = 0; it < 300000; it++) {
        char buf[40];
        unsigned y = 1995 + rnd() % 40, mo = 1 + rnd() % 13, d = 1 + rnd() % 31, h = rnd() % 25,
                 mi = rnd() % 61, se = rnd() % 61;
        int n;
        if (rnd() % 2)
            n = snprintf(buf + 1, sizeof buf - 1, "%02u/%02u/%04u, %02u:%02u:%02u %s UTC", mo, d, y,
                         h % 13, mi, se, rnd() % 2 ? "AM" : "pm");
        else
            n = snprintf(buf + 1, sizeof buf - 1, "%04u-%02u-%02uT%02u:%02u:%02uZ", y, mo, d, h, mi,
                         se);
        if (n <= 0) continue;
        if (rnd() % 3 == 0) buf[1 + rnd() % (unsigned)n] = pool[rnd() % (sizeof pool - 1)];
        both_paths(buf, n, "FAST PATH", &ok, &diff);
    }
    CHECK_INT(diff, 0);
    CHECK(ok > 100000); /* most generated texts parse: the comparison bites */
}

/* Every day (and the impossible ones) from 1968 to 2101 in both exact forms, against the
 * general parser: the fast day count covers 1970..2099 and must agree at its edges. */
static void test_fast_days(void)
{
    int diff = 0, ok = 0;
    for (unsigned y = 1968; y <= 2101; y++)
        for (unsigned mo = 0; mo <= 13; mo++)
            for (unsigned d = 0; d <= 32; d++) {
                char buf[40];
                int n = (y + mo + d) % 2
                            ? snprintf(buf + 1, sizeof buf - 1, "%02u/%02u/%04u, 11:59:58 PM UTC",
                                       mo, d, y)
                            : snprintf(buf + 1, sizeof buf - 1, "%04u-%02u-%02uT23:59:58Z", y, mo, d);
                both_paths(buf, n, "FAST DAYS", &ok, &diff);
            }
    CHECK_INT(diff, 0);
    CHECK_INT(ok, 48943); /* the real days of 1968..2101 */
}

/* Two exact timestamps on two lines are read without looking for the line break; with a
 * mutation anywhere (the break moved, a digit or separator changed) the result must be the
 * general reading's, which a leading space forces. */
static void test_frame_fast_path(void)
{
    static const char pool[] = "0123456789/:, \n\rAaPpMmUuTtCc-x";
    int diff = 0, ok = 0;
    for (int it = 0; it < 200000; it++) {
        char buf[64];
        unsigned mo = 1 + rnd() % 12, d = 1 + rnd() % 28, y = 2024 + rnd() % 3;
        int n = snprintf(buf + 1, sizeof buf - 1,
                         "%02u/%02u/%04u, %02u:%02u:%02u %s UTC\n%02u/%02u/%04u, 11:%02u:00 PM UTC", mo,
                         d, y, 1 + rnd() % 12, rnd() % 60, rnd() % 60, rnd() % 2 ? "AM" : "PM", mo,
                         d, y, rnd() % 60);
        if (n != 55) continue;
        if (rnd() % 2) buf[1 + rnd() % 55] = pool[rnd() % (sizeof pool - 1)];
        buf[0] = ' ';
        int64_t a0 = 0, a1 = 0, b0 = 0, b1 = 0;
        int ra = sl_timeframe_parse(buf + 1, 55, &a0, &a1);
        int rb = sl_timeframe_parse(buf, 56, &b0, &b1);
        ok += ra;
        if ((ra != rb || (ra && (a0 != b0 || a1 != b1))) && diff++ < 10)
            fprintf(stderr, "FRAME FAST PATH MISMATCH \"%s\": %d vs %d\n", buf + 1, ra, rb);
    }
    CHECK_INT(diff, 0);
    CHECK(ok > 100000);
}

int main(void)
{
    test_fast_path();
    test_frame_fast_path();
    test_fast_days();
    test_civil();
    test_flock();
    test_iso();
    test_named();
    test_resaved();
    test_rejects();
    test_split();
    test_frame();
    test_epoch();
    test_excel();
    test_format();
    test_format_day();
    TEST_END();
}
