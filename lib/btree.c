/* btree.c: a SQLite table built bottom-up outside SQLite (btree.h). The format, from
 * https://www.sqlite.org/fileformat2.html:
 *  - a record is a header (its own size, then one serial type per column, all varints) and the
 *    column bodies: NULL 0, integer 1..6 (1, 2, 3, 4, 6, 8 bytes big-endian) or 8/9 for 0/1,
 *    text 13 + 2n;
 *  - a table leaf page (0x0D) holds cells "payload size, rowid, payload" packed from the end of
 *    the page, with a sorted array of 2-byte cell offsets after its 8-byte header; a payload
 *    too large for the page keeps a computed prefix there and the rest in a chain of overflow
 *    pages (4-byte next page number, then content);
 *  - a table interior page (0x05) holds cells "left child page, key" (every rowid in the child
 *    is <= key) and, in its 12-byte header, the right-most child.
 * Spill pages are numbered from 1 in the order written; page pointers written into them (to
 * overflow pages) are local numbers, their byte offsets listed, and shifted by the database's
 * page count when the pages are appended to it. */
#define _GNU_SOURCE /* copy_file_range */
#include "btree.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define WBUF_PAGES 64u   /* spill pages written per write */
#define MAX_COLS 64u     /* columns of a row */

typedef struct {
    uint32_t page; /* local spill page (leaves) or absolute database page (upper levels) */
    int64_t key;   /* the largest rowid under it */
} child;

/* The leaf being filled. */
typedef struct {
    unsigned char *p; /* one page, zeroed where unused so the bytes are deterministic */
    uint32_t ncell, cstart;
    int has_ovf;
    int64_t max;
} leafst;

struct sl_btree {
    uint32_t U;          /* page size (= usable size: no reserved bytes) */
    uint32_t max_local;  /* X: the largest payload kept whole on a leaf */
    uint32_t min_local;  /* M */
    int fd;
    uint64_t flushed;    /* spill pages written to the file */
    unsigned char *wbuf; /* pages after those, not yet written */
    uint32_t nw;
    leafst leaf;
    child *leaves;
    size_t nleaves, capleaves;
    uint64_t *relo;      /* spill byte offsets of page pointers to shift */
    size_t nrelo, caprelo;
    unsigned char *rec;
    size_t reccap;
    uint64_t rows;
    int64_t last;
    struct {
        uint64_t pages, rows;
        size_t nleaves, nrelo;
        leafst leaf;
        int64_t last;
    } mark;
    int spliced;
    int no_kernel_copy; /* sl_btree_copy_through_memory */
    char *unlink_later; /* the spill's path, when it could not be unlinked while open */
    char err[256];
};

/* ---- errors ------------------------------------------------------------------------------- */

static sl_status fail_errno(sl_btree *b, const char *what) {
    int e = errno;
    if (!b->err[0]) snprintf(b->err, sizeof b->err, "%s: %s", what, strerror(e));
    return SL_EIO;
}

static sl_status fail_msg(sl_btree *b, sl_status rc, const char *msg) {
    if (!b->err[0]) snprintf(b->err, sizeof b->err, "%s", msg);
    return rc;
}

const char *sl_btree_errmsg(const sl_btree *b) { return b && b->err[0] ? b->err : "no error"; }

/* ---- encodings ---------------------------------------------------------------------------- */

static void put16(unsigned char *p, uint32_t v) {
    p[0] = (unsigned char)(v >> 8);
    p[1] = (unsigned char)v;
}

static void put32(unsigned char *p, uint32_t v) {
    p[0] = (unsigned char)(v >> 24);
    p[1] = (unsigned char)(v >> 16);
    p[2] = (unsigned char)(v >> 8);
    p[3] = (unsigned char)v;
}

static uint32_t get16(const unsigned char *p) { return (uint32_t)p[0] << 8 | p[1]; }

static uint32_t get32(const unsigned char *p) {
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static unsigned varint_len(uint64_t v) {
    if (v >> 56) return 9;
    unsigned n = 1;
    while (v >>= 7) n++;
    return n;
}

/* SQLite's varint: 7 bits a byte, most significant first, high bit set on all but the last;
 * a ninth byte carries 8 bits. */
static unsigned put_varint(unsigned char *p, uint64_t v) {
    if (v <= 0x7f) {
        p[0] = (unsigned char)v;
        return 1;
    }
    if (v >> 56) {
        p[8] = (unsigned char)v;
        v >>= 8;
        for (int i = 7; i >= 0; i--) {
            p[i] = (unsigned char)((v & 0x7f) | 0x80);
            v >>= 7;
        }
        return 9;
    }
    unsigned n = varint_len(v);
    for (unsigned i = n; i-- > 0;) {
        p[i] = (unsigned char)((v & 0x7f) | (i == n - 1 ? 0 : 0x80));
        v >>= 7;
    }
    return n;
}

static unsigned get_varint(const unsigned char *p, uint64_t *out) {
    uint64_t v = 0;
    for (unsigned i = 0; i < 8; i++) {
        v = (v << 7) | (p[i] & 0x7f);
        if (!(p[i] & 0x80)) {
            *out = v;
            return i + 1;
        }
    }
    *out = (v << 8) | p[8];
    return 9;
}

/* Serial type and body size of an integer, as SQLite chooses them (schema format 4). */
static uint32_t int_type(int64_t v, unsigned *len) {
    if (v == 0 || v == 1) {
        *len = 0;
        return v == 0 ? 8 : 9;
    }
    uint64_t u = v < 0 ? ~(uint64_t)v : (uint64_t)v;
    if (u <= 127) return *len = 1, 1;
    if (u <= 32767) return *len = 2, 2;
    if (u <= 8388607) return *len = 3, 3;
    if (u <= 2147483647) return *len = 4, 4;
    if (u <= UINT64_C(140737488355327)) return *len = 6, 5;
    return *len = 8, 6;
}

static void put_int(unsigned char *p, int64_t v, unsigned len) {
    uint64_t u = (uint64_t)v;
    for (unsigned i = len; i-- > 0;) {
        p[i] = (unsigned char)u;
        u >>= 8;
    }
}

/* ---- the spill file ----------------------------------------------------------------------- */

static sl_status spill_flush(sl_btree *b) {
    if (!b->nw) return SL_OK;
    if (sl_pwrite_all(b->fd, b->wbuf, (size_t)b->nw * b->U, b->flushed * b->U))
        return fail_errno(b, "writing the flagged rows' pages");
    b->flushed += b->nw;
    b->nw = 0;
    return SL_OK;
}

/* The next spill page, zeroed, and its local number. */
static sl_status spill_page(sl_btree *b, unsigned char **pg, uint32_t *no) {
    if (b->nw == WBUF_PAGES) {
        sl_status rc = spill_flush(b);
        if (rc) return rc;
    }
    uint64_t n = b->flushed + b->nw + 1;
    if (n > UINT32_MAX / 2) return fail_msg(b, SL_ELIMIT, "the flagged rows' table is too large");
    *pg = b->wbuf + (size_t)b->nw * b->U;
    memset(*pg, 0, b->U);
    b->nw++;
    *no = (uint32_t)n;
    return SL_OK;
}

static sl_status add_relo(sl_btree *b, uint64_t off) {
    sl_status rc = sl_grow((void **)&b->relo, &b->caprelo, b->nrelo + 1, sizeof *b->relo);
    if (!rc) b->relo[b->nrelo++] = off;
    return rc;
}

/* ---- leaves ------------------------------------------------------------------------------- */

static void leaf_reset(sl_btree *b) {
    memset(b->leaf.p, 0, b->U);
    b->leaf.ncell = 0;
    b->leaf.cstart = b->U;
    b->leaf.has_ovf = 0;
    b->leaf.max = 0;
}

/* Local bytes of a payload of P bytes on a table leaf (P itself when it fits). */
static uint32_t local_size(const sl_btree *b, uint64_t P) {
    if (P <= b->max_local) return (uint32_t)P;
    uint32_t M = b->min_local;
    uint64_t K = M + (P - M) % (b->U - 4);
    return K <= b->max_local ? (uint32_t)K : M;
}

/* Writes the leaf being filled to the spill and starts an empty one. */
static sl_status leaf_flush(sl_btree *b) {
    leafst *l = &b->leaf;
    if (!l->ncell) return SL_OK;
    unsigned char *pg;
    uint32_t no;
    sl_status rc = spill_page(b, &pg, &no);
    if (rc) return rc;
    l->p[0] = 0x0D;
    put16(l->p + 3, l->ncell);
    put16(l->p + 5, l->cstart == 65536 ? 0 : l->cstart);
    memcpy(pg, l->p, b->U);
    uint64_t base = (uint64_t)(no - 1) * b->U;
    if (l->has_ovf) {
        for (uint32_t i = 0; i < l->ncell; i++) {
            const unsigned char *c = l->p + get16(l->p + 8 + 2 * i);
            uint64_t P, rowid;
            unsigned h = get_varint(c, &P);
            h += get_varint(c + h, &rowid);
            uint32_t local = local_size(b, P);
            if (local < P && (rc = add_relo(b, base + (uint64_t)(c - l->p) + h + local)))
                return fail_msg(b, rc, "out of memory");
        }
    }
    if (sl_grow((void **)&b->leaves, &b->capleaves, b->nleaves + 1, sizeof *b->leaves))
        return fail_msg(b, SL_ENOMEM, "out of memory");
    b->leaves[b->nleaves++] = (child){no, l->max};
    leaf_reset(b);
    return SL_OK;
}

/* ---- the writer --------------------------------------------------------------------------- */

sl_status sl_btree_open(sl_btree **out, const char *spill_path, uint32_t page_size) {
    *out = NULL;
    if (page_size < 512 || page_size > 65536 || (page_size & (page_size - 1))) return SL_EUSAGE;
    sl_btree *b = calloc(1, sizeof *b);
    if (!b) return SL_ENOMEM;
    b->fd = -1;
    b->U = page_size;
    b->max_local = page_size - 35;
    b->min_local = (page_size - 12) * 32 / 255 - 23;
    b->wbuf = malloc((size_t)WBUF_PAGES * page_size);
    b->leaf.p = malloc(page_size);
    b->mark.leaf.p = malloc(page_size);
    if (!b->wbuf || !b->leaf.p || !b->mark.leaf.p) {
        sl_btree_free(b);
        return SL_ENOMEM;
    }
    b->fd = open(spill_path, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (b->fd < 0) {
        int e = errno;
        sl_btree_free(b);
        errno = e;
        return SL_EIO;
    }
    /* Unlinked now, so that nothing is left behind whatever happens; where an open file cannot
     * be unlinked (Windows folders under WSL), it is unlinked once closed. */
    if (unlink(spill_path) != 0 && !(b->unlink_later = strdup(spill_path))) {
        sl_btree_free(b);
        return SL_ENOMEM;
    }
    leaf_reset(b);
    sl_btree_mark(b);
    *out = b;
    return SL_OK;
}

/* Closes the spill and, where it could not be unlinked while open, unlinks it now. */
static void spill_close(sl_btree *b) {
    if (b->fd >= 0) close(b->fd);
    b->fd = -1;
    if (b->unlink_later) unlink(b->unlink_later);
    free(b->unlink_later);
    b->unlink_later = NULL;
}

void sl_btree_free(sl_btree *b) {
    if (!b) return;
    spill_close(b);
    free(b->wbuf);
    free(b->leaf.p);
    free(b->mark.leaf.p);
    free(b->leaves);
    free(b->relo);
    free(b->rec);
    free(b);
}

uint64_t sl_btree_rows(const sl_btree *b) { return b->rows; }

void sl_btree_copy_through_memory(sl_btree *b) { b->no_kernel_copy = 1; }

/* Writes a record (header of hdr bytes: its own size, then each column's serial type; then the
 * bodies) at out, which holds hdr plus the bodies' bytes. */
static void put_record(unsigned char *out, uint64_t hdr, const uint64_t *types, const unsigned *blen,
                       const sl_bval *v, size_t n) {
    unsigned char *h = out, *d = out + hdr;
    h += put_varint(h, hdr);
    for (size_t i = 0; i < n; i++) {
        h += put_varint(h, types[i]);
        if (v[i].type == SL_BV_INT) {
            put_int(d, v[i].i, blen[i]);
            d += blen[i];
        } else if (v[i].type == SL_BV_TEXT && v[i].n) {
            memcpy(d, v[i].p, v[i].n);
            d += v[i].n;
        }
    }
}

sl_status sl_btree_append(sl_btree *b, int64_t rowid, const sl_bval *v, size_t n) {
    if (b->err[0]) return SL_EIO;
    if (b->spliced) return fail_msg(b, SL_EINTERNAL, "a row appended after the table was spliced");
    if (b->rows && rowid <= b->last) return fail_msg(b, SL_EINTERNAL, "rows out of rowid order");
    if (n > MAX_COLS) return fail_msg(b, SL_ELIMIT, "too many columns");
    /* the record: header, then bodies */
    uint64_t types[MAX_COLS];
    unsigned blen[MAX_COLS];
    uint64_t hdr = 0, body = 0;
    for (size_t i = 0; i < n; i++) {
        switch (v[i].type) {
        case SL_BV_INT: types[i] = int_type(v[i].i, &blen[i]); break;
        case SL_BV_TEXT:
            if (v[i].n > (UINT64_C(1) << 31)) return fail_msg(b, SL_ELIMIT, "a text too large");
            types[i] = 13 + 2 * (uint64_t)v[i].n;
            blen[i] = 0;
            body += v[i].n;
            break;
        default: types[i] = 0; blen[i] = 0; break;
        }
        hdr += varint_len(types[i]);
        body += blen[i];
    }
    unsigned k = 1;
    while (varint_len(hdr + k) > k) k++;
    hdr += k;
    uint64_t P = hdr + body;

    /* the cell */
    uint32_t local = local_size(b, P);
    int ovf = local < P;
    uint64_t cs = varint_len(P) + varint_len((uint64_t)rowid) + local + (ovf ? 4 : 0);
    if (cs < 4) cs = 4;
    leafst *l = &b->leaf;
    sl_status rc;
    if (8 + 2 * (uint64_t)(l->ncell + 1) + cs > l->cstart && (rc = leaf_flush(b))) return rc;
    l->cstart -= (uint32_t)cs;
    unsigned char *c = l->p + l->cstart;
    c += put_varint(c, P);
    c += put_varint(c, (uint64_t)rowid);
    if (!ovf) { /* the usual row: the record goes straight into the leaf */
        put_record(c, hdr, types, blen, v, n);
    } else { /* built apart: its local part in the leaf, the rest in overflow pages */
        if (sl_grow((void **)&b->rec, &b->reccap, (size_t)P, 1)) {
            l->cstart += (uint32_t)cs;
            return fail_msg(b, SL_ENOMEM, "out of memory");
        }
        put_record(b->rec, hdr, types, blen, v, n);
        uint32_t first = 0;
        uint64_t off = local;
        while (off < P) { /* consecutive overflow pages */
            unsigned char *pg;
            uint32_t no;
            if ((rc = spill_page(b, &pg, &no))) {
                l->cstart += (uint32_t)cs;
                return rc;
            }
            if (!first) first = no;
            uint64_t take = P - off < b->U - 4 ? P - off : b->U - 4;
            memcpy(pg + 4, b->rec + off, (size_t)take);
            off += take;
            if (off < P) {
                put32(pg, no + 1);
                if ((rc = add_relo(b, (uint64_t)(no - 1) * b->U))) {
                    l->cstart += (uint32_t)cs;
                    return fail_msg(b, rc, "out of memory");
                }
            }
        }
        memcpy(c, b->rec, local);
        put32(c + local, first);
        l->has_ovf = 1;
    }
    put16(l->p + 8 + 2 * l->ncell, l->cstart);
    l->ncell++;
    l->max = rowid;
    b->last = rowid;
    b->rows++;
    return SL_OK;
}

void sl_btree_mark(sl_btree *b) {
    b->mark.pages = b->flushed + b->nw;
    b->mark.rows = b->rows;
    b->mark.nleaves = b->nleaves;
    b->mark.nrelo = b->nrelo;
    b->mark.last = b->last;
    unsigned char *keep = b->mark.leaf.p;
    b->mark.leaf = b->leaf;
    b->mark.leaf.p = keep;
    memcpy(keep, b->leaf.p, b->U);
}

sl_status sl_btree_rollback(sl_btree *b) {
    if (b->err[0]) return SL_EIO;
    if (b->spliced) return fail_msg(b, SL_EINTERNAL, "a rollback after the table was spliced");
    uint64_t m = b->mark.pages;
    if (m >= b->flushed) {
        b->nw = (uint32_t)(m - b->flushed);
    } else {
        if (ftruncate(b->fd, (off_t)(m * b->U)) != 0) return fail_errno(b, "cutting the flagged rows' pages");
        b->flushed = m;
        b->nw = 0;
    }
    b->rows = b->mark.rows;
    b->nleaves = b->mark.nleaves;
    b->nrelo = b->mark.nrelo;
    b->last = b->mark.last;
    unsigned char *p = b->leaf.p;
    b->leaf = b->mark.leaf;
    b->leaf.p = p;
    memcpy(p, b->mark.leaf.p, b->U);
    return SL_OK;
}

/* ---- splicing into the database ----------------------------------------------------------- */

/* Gives the spill's bytes [*done, upto), copied already, back to the file system once there are
 * PUNCH_EVERY of them, so that the spill does not double the database's disk space while it is
 * copied. Where holes cannot be punched the space comes back when the spill is closed. */
#define PUNCH_EVERY (4u << 20)
static void punch(sl_btree *b, uint64_t *done, uint64_t upto) {
    if (upto - *done < PUNCH_EVERY) return;
#ifdef FALLOC_FL_PUNCH_HOLE
    (void)fallocate(b->fd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE, (off_t)*done, (off_t)(upto - *done));
#endif
    *done = upto;
}

/* Copies n bytes of the spill from offset 0 to the database at dst: in the kernel when it can. */
static sl_status copy_spill(sl_btree *b, int db, uint64_t n, uint64_t dst) {
    loff_t in = 0, out = (loff_t)dst;
    uint64_t punched = 0;
    while (!b->no_kernel_copy && (uint64_t)in < n) {
        uint64_t left = n - (uint64_t)in;
        ssize_t w = copy_file_range(b->fd, &in, db, &out, (size_t)(left < PUNCH_EVERY ? left : PUNCH_EVERY), 0);
        if (w > 0) {
            punch(b, &punched, (uint64_t)in);
            continue;
        }
        if (w < 0 && errno == EINTR) continue;
        if (w < 0 && errno != EXDEV && errno != ENOSYS && errno != EOPNOTSUPP && errno != EINVAL)
            return fail_errno(b, "writing the flagged rows into the database");
        break; /* not supported here (or nothing moved): copy through memory */
    }
    while ((uint64_t)in < n) {
        size_t chunk = (size_t)WBUF_PAGES * b->U;
        if (n - (uint64_t)in < chunk) chunk = (size_t)(n - (uint64_t)in);
        if (sl_pread_all(b->fd, b->wbuf, chunk, (uint64_t)in)) return fail_errno(b, "reading the flagged rows' pages");
        if (sl_pwrite_all(db, b->wbuf, chunk, (uint64_t)out))
            return fail_errno(b, "writing the flagged rows into the database");
        in += (loff_t)chunk;
        out += (loff_t)chunk;
        punch(b, &punched, (uint64_t)in);
    }
    return SL_OK;
}

/* Writes one interior page holding children c[0..k) (k >= 2) into buf. */
static void interior_page(const sl_btree *b, unsigned char *buf, const child *c, size_t k) {
    memset(buf, 0, b->U);
    buf[0] = 0x05;
    uint32_t cstart = b->U;
    for (size_t i = 0; i + 1 < k; i++) {
        unsigned char cell[13];
        put32(cell, c[i].page);
        unsigned sz = 4 + put_varint(cell + 4, (uint64_t)c[i].key);
        cstart -= sz;
        memcpy(buf + cstart, cell, sz);
        put16(buf + 12 + 2 * i, cstart);
    }
    put16(buf + 3, (uint32_t)(k - 1));
    put16(buf + 5, cstart == 65536 ? 0 : cstart);
    put32(buf + 8, c[k - 1].page);
}

/* How many of children c[0..n) fit on one interior page (at least 2 when n >= 2). */
static size_t interior_fit(const sl_btree *b, const child *c, size_t n) {
    uint64_t used = 12;
    size_t k = 1; /* c[0] pending as the right-most child, which takes no cell */
    while (k < n) {
        uint64_t cost = 6 + varint_len((uint64_t)c[k - 1].key);
        if (used + cost > b->U) break;
        used += cost;
        k++;
    }
    return k;
}

sl_status sl_btree_splice(sl_btree *b, const char *db_path, uint32_t root) {
    if (b->err[0]) return SL_EIO;
    if (b->spliced) return fail_msg(b, SL_EINTERNAL, "the table was spliced twice");
    b->spliced = 1;
    if (!b->rows) return SL_OK;
    sl_status rc = leaf_flush(b);
    if (!rc) rc = spill_flush(b);
    if (rc) return rc;
    const uint64_t S = b->flushed, U = b->U;

    int db = open(db_path, O_RDWR | O_CLOEXEC);
    if (db < 0) return fail_errno(b, db_path);
    unsigned char hdr[100], *page = NULL;
    child *level = NULL;
    struct stat sb;
    char msg[200];
    msg[0] = '\0';
    if (sl_pread_all(db, hdr, sizeof hdr, 0) || fstat(db, &sb) != 0) {
        rc = fail_errno(b, db_path);
        goto out;
    }
    uint32_t psz = get16(hdr + 16) == 1 ? 65536 : get16(hdr + 16);
    uint64_t N = (uint64_t)sb.st_size / U;
    uint32_t counter = get32(hdr + 24);
    if (memcmp(hdr, "SQLite format 3", 16) || psz != U || hdr[20] != 0 || get32(hdr + 44) != 4 ||
        get32(hdr + 56) != 1)
        snprintf(msg, sizeof msg, "%s: not a UTF-8 SQLite database of %u-byte pages in format 4",
                 db_path, b->U);
    else if ((uint64_t)sb.st_size % U || (counter == get32(hdr + 92) && get32(hdr + 28) != N))
        snprintf(msg, sizeof msg, "%s: the file's size does not match its header", db_path);
    else if (root < 2 || root > N)
        snprintf(msg, sizeof msg, "%s: table root page %u outside the file", db_path, root);
    else if (N + S + S / 8 + 16 > UINT32_MAX / 2) /* leaves, then at most S / 8 interior pages */
        snprintf(msg, sizeof msg, "%s: the database would be too large", db_path);
    if (msg[0]) {
        rc = fail_msg(b, SL_EDB, msg);
        goto out;
    }
    page = malloc(b->U);
    level = malloc(b->nleaves * sizeof *level);
    if (!page || !level) {
        rc = fail_msg(b, SL_ENOMEM, "out of memory");
        goto out;
    }
    if (sl_pread_all(db, page, b->U, (root - 1) * U)) {
        rc = fail_errno(b, db_path);
        goto out;
    }
    if (page[0] != 0x0D || get16(page + 3) != 0) {
        snprintf(msg, sizeof msg, "%s: table root page %u is not an empty table", db_path, root);
        rc = fail_msg(b, SL_EDB, msg);
        goto out;
    }

    /* A single leaf (the last spill page, written last) becomes the root itself; otherwise
     * every spill page is appended and the interior levels built above the leaves. */
    const int single = b->nleaves == 1;
    const uint64_t copied = single ? S - 1 : S;
    if ((rc = copy_spill(b, db, copied * U, N * U))) goto out;
    for (size_t i = 0; i < b->nrelo; i++) {
        unsigned char p4[4];
        uint64_t o = b->relo[i];
        if (o >= copied * U) continue; /* in the single leaf: shifted below */
        if (sl_pread_all(db, p4, 4, N * U + o)) {
            rc = fail_errno(b, db_path);
            goto out;
        }
        put32(p4, get32(p4) + (uint32_t)N);
        if (sl_pwrite_all(db, p4, 4, N * U + o)) {
            rc = fail_errno(b, db_path);
            goto out;
        }
    }
    uint64_t next = N + copied + 1; /* the next page appended */
    if (single) {
        if (sl_pread_all(b->fd, page, b->U, (S - 1) * U)) {
            rc = fail_errno(b, "reading the flagged rows' pages");
            goto out;
        }
        for (size_t i = 0; i < b->nrelo; i++)
            if (b->relo[i] >= copied * U) {
                unsigned char *p4 = page + (b->relo[i] - copied * U);
                put32(p4, get32(p4) + (uint32_t)N);
            }
    } else {
        size_t n = b->nleaves;
        for (size_t i = 0; i < n; i++) level[i] = (child){b->leaves[i].page + (uint32_t)N, b->leaves[i].key};
        for (;;) {
            size_t m = 0, i = 0;
            size_t k = interior_fit(b, level, n);
            if (k == n) { /* one page holds them all: the root */
                interior_page(b, page, level, n);
                break;
            }
            while (i < n) {
                k = interior_fit(b, level + i, n - i);
                /* never leave one child alone on the level's last page */
                if (n - i - k == 1) k--;
                interior_page(b, page, level + i, k);
                if (sl_pwrite_all(db, page, b->U, (next - 1) * U)) {
                    rc = fail_errno(b, db_path);
                    goto out;
                }
                level[m++] = (child){(uint32_t)next++, level[i + k - 1].key};
                i += k;
            }
            n = m;
        }
    }
    if (sl_pwrite_all(db, page, b->U, (root - 1) * U)) {
        rc = fail_errno(b, db_path);
        goto out;
    }
    /* the header: a new change counter (so a connection's cache is dropped) and page count */
    counter++;
    put32(hdr + 24, counter);
    put32(hdr + 28, (uint32_t)(next - 1));
    put32(hdr + 92, counter);
    if (sl_pwrite_all(db, hdr + 24, 8, 24) || sl_pwrite_all(db, hdr + 92, 4, 92)) rc = fail_errno(b, db_path);
out:
    free(page);
    free(level);
    if (close(db) != 0 && !rc) rc = fail_errno(b, db_path);
    if (!rc) spill_close(b); /* the spill's disk space back now, not when the writer is freed */
    return rc;
}
