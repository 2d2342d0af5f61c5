/* spill.c: partitions of fixed-size records in one unlinked temporary file (spill.h). */
#include "spill.h"

#include "core.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* A block written: where, how many records, and the next block of its partition. */
typedef struct {
    uint64_t off;
    uint32_t n;
    uint32_t next; /* index + 1 (0: the partition's last) */
} block;

struct sl_spill {
    int fd;
    size_t rec;
    unsigned parts, batch;
    char *wait;       /* parts x batch records not yet written */
    uint32_t *nwait;
    uint64_t *count;  /* per partition: records put */
    uint32_t *first, *last; /* per partition: its first and last block, index + 1 */
    block *b;
    size_t nb, capb;
    uint64_t size;    /* bytes in the file */
};

sl_status sl_spill_new(sl_spill **out, const char *base, const char *suffix, size_t rec,
                       unsigned parts, unsigned batch) {
    *out = NULL;
    char path[4096];
    const int w = snprintf(path, sizeof path, "%s%s", base, suffix);
    if (w < 0 || (size_t)w >= sizeof path) {
        errno = ENAMETOOLONG;
        return SL_EIO;
    }
    sl_spill *s = calloc(1, sizeof *s);
    if (!s) return SL_ENOMEM;
    s->fd = -1;
    s->rec = rec;
    s->parts = parts;
    s->batch = batch;
    if (!(s->wait = malloc((size_t)parts * batch * rec)) ||
        !(s->nwait = calloc(parts, sizeof *s->nwait)) ||
        !(s->count = calloc(parts, sizeof *s->count)) ||
        !(s->first = calloc(parts, sizeof *s->first)) ||
        !(s->last = calloc(parts, sizeof *s->last))) {
        sl_spill_free(s);
        return SL_ENOMEM;
    }
    if ((s->fd = open(path, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600)) < 0) {
        int e = errno;
        sl_spill_free(s);
        errno = e;
        return SL_EIO;
    }
    unlink(path); /* the file lives while open: nothing stays behind */
    *out = s;
    return SL_OK;
}

void sl_spill_free(sl_spill *s) {
    if (!s) return;
    if (s->fd >= 0) close(s->fd);
    free(s->wait);
    free(s->nwait);
    free(s->count);
    free(s->first);
    free(s->last);
    free(s->b);
    free(s);
}

/* Writes partition p's waiting records as one block at the end of the file. */
static sl_status write_block(sl_spill *s, unsigned p) {
    const uint32_t n = s->nwait[p];
    if (!n) return SL_OK;
    if (s->nb == UINT32_MAX - 1) {
        errno = EFBIG;
        return SL_EIO;
    }
    if (sl_grow((void **)&s->b, &s->capb, s->nb + 1, sizeof *s->b)) return SL_ENOMEM;
    const size_t bytes = (size_t)n * s->rec;
    if (sl_pwrite_all(s->fd, s->wait + (size_t)p * s->batch * s->rec, bytes, s->size))
        return SL_EIO;
    s->b[s->nb] = (block){s->size, n, 0};
    s->size += bytes;
    if (s->last[p]) s->b[s->last[p] - 1].next = (uint32_t)s->nb + 1;
    else s->first[p] = (uint32_t)s->nb + 1;
    s->last[p] = (uint32_t)++s->nb;
    s->nwait[p] = 0;
    return SL_OK;
}

sl_status sl_spill_put(sl_spill *s, unsigned part, const void *rec) {
    memcpy(s->wait + ((size_t)part * s->batch + s->nwait[part]) * s->rec, rec, s->rec);
    s->count[part]++;
    return ++s->nwait[part] == s->batch ? write_block(s, part) : SL_OK;
}

uint64_t sl_spill_count(const sl_spill *s, unsigned part) { return s->count[part]; }

sl_status sl_spill_read(sl_spill *s, unsigned part, void *dst) {
    char *d = dst;
    for (uint32_t i = s->first[part]; i; i = s->b[i - 1].next) {
        const block *k = &s->b[i - 1];
        const size_t bytes = (size_t)k->n * s->rec;
        if (sl_pread_all(s->fd, d, bytes, k->off)) return SL_EIO;
        d += bytes;
    }
    if (s->nwait[part]) memcpy(d, s->wait + (size_t)part * s->batch * s->rec,
                               (size_t)s->nwait[part] * s->rec);
    return SL_OK;
}

sl_status sl_spill_sources_stage(sl_spill_sources *s, uint32_t source) {
    if (s->nstaged && s->staged[s->nstaged - 1] == source) return SL_OK;
    for (size_t i = 0; i < s->nstaged; i++)
        if (s->staged[i] == source) return SL_OK;
    if (sl_grow((void **)&s->staged, &s->capstaged, s->nstaged + 1, sizeof *s->staged))
        return SL_ENOMEM;
    s->staged[s->nstaged++] = source;
    return SL_OK;
}

sl_status sl_spill_sources_drop(sl_spill_sources *s) {
    const size_t need = s->ndropped + s->nstaged;
    if (sl_grow((void **)&s->dropped, &s->capdropped, need, sizeof *s->dropped)) return SL_ENOMEM;
    if (s->nstaged) memcpy(s->dropped + s->ndropped, s->staged, s->nstaged * sizeof *s->staged);
    s->ndropped = need;
    s->nstaged = 0;
    return SL_OK;
}

void sl_spill_sources_mark(sl_spill_sources *s) { s->nstaged = 0; }

static int cmp_u32(const void *a, const void *b) {
    const uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    return (x > y) - (x < y);
}

void sl_spill_sources_seal(sl_spill_sources *s) {
    if (s->ndropped > 1) qsort(s->dropped, s->ndropped, sizeof *s->dropped, cmp_u32);
}

int sl_spill_sources_dropped(const sl_spill_sources *s, uint32_t source) {
    return s->ndropped &&
           bsearch(&source, s->dropped, s->ndropped, sizeof *s->dropped, cmp_u32) != NULL;
}

void sl_spill_sources_free(sl_spill_sources *s) {
    free(s->staged);
    free(s->dropped);
    memset(s, 0, sizeof *s);
}
