/* rowbuf.c: one row of cell texts gathered piece by piece (see rowbuf.h). */
#include "rowbuf.h"

#include <stdlib.h>
#include <string.h>

void sl_rowbuf_reset(sl_rowbuf *b) {
    sl_buf_reset(&b->text);
    b->ncells = 0;
    b->over = 0;
}

sl_status sl_rowbuf_cell(sl_rowbuf *b) {
    if (b->ncells >= SL_ROWBUF_MAX_CELLS) {
        b->over = 1;
        return SL_OK;
    }
    if (b->ncells == b->cap_cells) {
        size_t n = b->cap_cells ? b->cap_cells * 2 : 32;
        struct sl_rowbuf_cell *nc = sl_reallocarray(b->cells, n, sizeof *nc);
        if (!nc) return SL_ENOMEM;
        b->cells = nc;
        b->cap_cells = n;
    }
    b->cells[b->ncells++] = (struct sl_rowbuf_cell){b->text.len, 0};
    return SL_OK;
}

static size_t byte_cap(const sl_rowbuf *b) {
    return b->max_record ? b->max_record : (size_t)1 << 20;
}

void sl_rowbuf_over_msg(const sl_rowbuf *b, char out[160]) {
    sl_fmt(out, 160, "row larger than %zu bytes or %u cells: skipped", byte_cap(b),
           SL_ROWBUF_MAX_CELLS);
}

sl_status sl_rowbuf_put(sl_rowbuf *b, const char *p, size_t n) {
    if (b->over || !b->ncells) return SL_OK;
    size_t cap = byte_cap(b);
    if (b->text.len + n > cap) {
        b->over = 1;
        return SL_OK;
    }
    sl_status rc = sl_buf_append(&b->text, p, n);
    if (!rc) b->cells[b->ncells - 1].len += n;
    return rc;
}

sl_slice sl_rowbuf_open_cell(const sl_rowbuf *b) {
    if (!b->ncells || !b->text.p) return (sl_slice){"", 0};
    const struct sl_rowbuf_cell *k = &b->cells[b->ncells - 1];
    return (sl_slice){b->text.p + k->off, k->len};
}

void sl_rowbuf_unput(sl_rowbuf *b, size_t n) {
    if (!b->ncells) return;
    struct sl_rowbuf_cell *k = &b->cells[b->ncells - 1];
    if (n > k->len) n = k->len;
    k->len -= n;
    b->text.len -= n;
}

sl_status sl_rowbuf_row(sl_rowbuf *b, sl_csv_row *r) {
    size_t n = b->over ? 0 : b->ncells;
    if (n > b->cap_slices) {
        sl_slice *ns = sl_reallocarray(b->slices, n, sizeof *ns);
        if (!ns) return SL_ENOMEM;
        b->slices = ns;
        b->cap_slices = n;
    }
    sl_buf_reset(&b->line);
    for (size_t i = 0; i < n; i++) {
        b->slices[i] = (sl_slice){b->text.p ? b->text.p + b->cells[i].off : "", b->cells[i].len};
        if (i && sl_buf_putc(&b->line, '\t')) return SL_ENOMEM;
        size_t at = b->line.len;
        if (sl_buf_append(&b->line, b->slices[i].p, b->slices[i].len)) return SL_ENOMEM;
        for (size_t k = at; k < b->line.len; k++)
            if (b->line.p[k] == '\n' || b->line.p[k] == '\r') b->line.p[k] = ' ';
    }
    r->cells = b->slices;
    r->ncells = n;
    r->first_line = (sl_slice){b->line.p ? b->line.p : "", b->line.len};
    return SL_OK;
}

void sl_rowbuf_free(sl_rowbuf *b) {
    sl_buf_free(&b->text);
    sl_buf_free(&b->line);
    free(b->cells);
    free(b->slices);
    memset(b, 0, sizeof *b);
}
