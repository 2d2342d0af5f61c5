/* csv.h: streaming RFC 4180 reader. Push bytes in any chunk sizes; it calls back once per
 * record with cells as slices. Quoted cells may hold delimiters, quotes ("") and newlines;
 * CRLF and LF both end records; a UTF-8 BOM at the very start is dropped; invalid UTF-8 is
 * kept as bytes and counted. Memory is bounded by max_record: a larger record is reported
 * (err = SL_CSV_TOO_LARGE) and skipped, and reading resumes at the next record. */
#ifndef SL_CSV_H
#define SL_CSV_H

#include "core.h"

typedef enum {
    SL_CSV_OK = 0,
    SL_CSV_TOO_LARGE,    /* record exceeded max_record bytes (or max_cells); cells empty */
    SL_CSV_UNTERMINATED, /* end of input inside a quoted cell; cells hold what was read */
    SL_CSV_CUT,          /* the input could not be read past this record (read error, damaged
                            compression): sl_csv_finish_cut; cells hold what was read */
    SL_CSV_MALFORMED     /* a record its format's reader could not parse (a line of JSON Lines
                            that is not JSON): cells empty; reading went on at the next */
} sl_csv_err;

typedef struct {
    char delim;          /* ',' (default when 0), '\t' or ';' */
    size_t max_record;   /* bytes of one record; 0 = 1 MiB */
    size_t max_cells;    /* cells of one record; 0 = 4096 */
    int no_avx2;         /* 1: do not use AVX2 even where the CPU has it (tests, comparisons) */
} sl_csv_opts;

typedef struct {
    const sl_slice *cells; /* unquoted cell contents; valid only during the callback */
    size_t ncells;
    uint64_t record;       /* 1-based record number in this stream (header = 1); 0 for a
                              header row a reader made from names (JSON keys), which is no
                              record of the file and is not counted as one */
    uint64_t line;         /* 1-based text line on which the record starts */
    uint64_t offset;       /* byte offset of the record's start in the stream (after BOM) */
    sl_slice first_line;   /* raw bytes of the record's first text line, without EOL */
    uint32_t nlines;       /* text lines the record spans */
    uint32_t invalid_utf8; /* invalid UTF-8 sequences inside the record */
    sl_csv_err err;
} sl_csv_row;

/* Return 0 to go on, non-zero to stop (sl_csv_feed then returns SL_OK and ignores more input). */
typedef int (*sl_csv_row_fn)(void *ud, const sl_csv_row *row);

typedef struct sl_csv sl_csv;

sl_status sl_csv_new(sl_csv **out, const sl_csv_opts *opts, sl_csv_row_fn cb, void *ud);
sl_status sl_csv_feed(sl_csv *c, const char *buf, size_t len);
/* Flushes a last record without final newline; reports an unterminated quote. */
sl_status sl_csv_finish(sl_csv *c);
/* Instead of sl_csv_finish when the input broke off (a read error, damaged compression): a
 * record begun and not ended is delivered with err = SL_CSV_CUT, so it is counted, not lost. */
sl_status sl_csv_finish_cut(sl_csv *c);
/* Whether a BOM was seen and dropped. */
int sl_csv_had_bom(const sl_csv *c);
void sl_csv_free(sl_csv *c);

#endif
