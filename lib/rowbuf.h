/* rowbuf.h: one row of cell texts gathered piece by piece, for the readers that see a row as
 * markup (html.c, xmlss.c) or cell by cell (xls.c): cells are opened, text is appended to the
 * open cell, and the row is handed out as an sl_csv_row whose first_line is the cells
 * tab-joined, line breaks as spaces (as xlsx.c writes it). A row over its byte cap or
 * SL_ROWBUF_MAX_CELLS cells is marked over: its text is dropped and it is handed out empty,
 * for the reader to report. */
#ifndef SL_ROWBUF_H
#define SL_ROWBUF_H

#include "csv.h"

#define SL_ROWBUF_MAX_CELLS 4096u /* as the CSV reader */

typedef struct {
    size_t max_record; /* bytes of one row's cell texts; 0 = 1 MiB */
    sl_buf text;       /* cell texts, back to back */
    struct sl_rowbuf_cell { size_t off, len; } *cells;
    size_t ncells, cap_cells;
    sl_slice *slices;
    size_t cap_slices;
    sl_buf line;
    int over;          /* the row went over a cap */
} sl_rowbuf;

/* Starts an empty row. */
void sl_rowbuf_reset(sl_rowbuf *b);
/* Opens a new (empty) cell after the last; it stays open until the next one. SL_OK, or SL_OK
 * with over set past the cell cap; SL_ENOMEM. */
sl_status sl_rowbuf_cell(sl_rowbuf *b);
/* Appends to the open cell (there must be one); past the byte cap sets over instead. */
sl_status sl_rowbuf_put(sl_rowbuf *b, const char *p, size_t n);
/* The open cell's text so far (len 0 when there is none). */
sl_slice sl_rowbuf_open_cell(const sl_rowbuf *b);
/* Drops bytes from the end of the open cell (n at most its length). */
void sl_rowbuf_unput(sl_rowbuf *b, size_t n);
/* What the reader says of a row marked over: "row larger than N bytes or M cells: skipped". */
void sl_rowbuf_over_msg(const sl_rowbuf *b, char out[160]);
/* Fills r's cells (none when over), ncells and first_line; valid until the next call on b. */
sl_status sl_rowbuf_row(sl_rowbuf *b, sl_csv_row *r);
void sl_rowbuf_free(sl_rowbuf *b);

#endif
