/* timeparse.h: timestamps as they appear in exports, all UTC, to seconds since the epoch.
 * Never guesses: a string that fits no known form is refused (returns 0). */
#ifndef SL_TIMEPARSE_H
#define SL_TIMEPARSE_H

#include "core.h"

#define SL_TIME_NONE INT64_MIN

/* Parses one timestamp: "MM/DD/YYYY, HH:MM:SS AM UTC" (parts may be unpadded, the comma,
 * seconds and " UTC" optional, 24-hour form without AM/PM accepted; '-' for '/' and a year
 * of two digits as Excel re-saves it, "6/1/25 13:02", 69 and below being 20xx), "MM/DD/YYYY"
 * alone, "YYYY/MM/DD", dates with the month by name,
 * ISO 8601 "YYYY-MM-DDTHH:MM:SS[.fff](Z|+00:00|+HH:MM)" and its space-separated form,
 * "YYYY-MM-DD" alone. Offsets other than zero are applied. Returns 1 on success. */
int sl_time_parse(const char *p, size_t len, int64_t *out);

/* A time given as a number, as APIs and JSON saves give it: 10 digits (seconds since
 * 1970-01-01 UTC) or 13 (milliseconds, truncated to the second), from 2001-09-09 (the first
 * time with 10 digits) to 2099.
 * Only for a column already known to hold times (a number alone could be anything: inference
 * does not use it). Returns 1 on success. */
int sl_time_parse_epoch(const char *p, size_t len, int64_t *out);

/* A time given as an Excel serial in text, as a workbook saved to CSV with its time column
 * formatted as a number writes it ("45962.2409722222"): five digits of days from 2000 to
 * 2099, then optionally '.' and the fraction of the day. Read like a workbook's serial
 * (sl_time_from_excel). Only for a column already known to hold times. Returns 1 on success. */
int sl_time_parse_serial(const char *p, size_t len, int64_t *out);

/* Parses a time frame cell: two timestamps on two lines, or "start to end" (also " - "
 * between two full timestamps). Returns 1 when both ends parse. */
int sl_timeframe_parse(const char *p, size_t len, int64_t *start, int64_t *end);

/* Joins a split date cell and time-of-day cell ("6/1/2025" + "1:02:03 PM"). Returns 1 on ok. */
int sl_time_parse_split(const char *date, size_t dlen, const char *tod, size_t tlen, int64_t *out);

/* Excel 1900 date system serial (days since 1899-12-30, with the 1900 leap-year quirk) to
 * epoch seconds: rounded to the millisecond, then truncated to the second like the fraction of
 * an ISO 8601 time. Returns 1 when the serial is in a sane range. */
int sl_time_from_excel(double serial, int64_t *out);

/* Formats as "YYYY-MM-DDTHH:MM:SSZ" (21 bytes with NUL). SL_TIME_NONE gives "". */
void sl_time_format(int64_t t, char out[21]);
/* The same into a buffer that keeps its text between calls: when t falls on *day (the day
 * last written to out), only the time of day is written again. Start with out[0] = 0.
 * Same bytes as sl_time_format. Flagged rows come in time order, so most share their day. */
void sl_time_format_day(int64_t t, char out[21], int64_t *day);
/* "YYYY-MM" (8 bytes with NUL) for monthly counts. */
void sl_time_month(int64_t t, char out[8]);

/* Days from civil date (proleptic Gregorian), exposed for tests. */
int64_t sl_days_from_civil(int64_t y, unsigned m, unsigned d);

#endif
