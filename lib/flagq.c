/* flagq.c: the flagged-row writer, at once or on a thread of its own (flagq.h). A row is
 * copied into the batch being filled (its texts appended to the batch's text buffer, kept as
 * offsets so the buffer may grow); a full batch is queued for the thread, which writes its
 * rows in order. Four batches: one filling, the others queued or being written, so memory
 * stays bounded and the scan waits when the writer falls behind. */
#include "flagq.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#define BATCH_ROWS 2048
#define BATCH_TEXT (512u << 10)
#define NBATCH 4

typedef struct {
    uint32_t source_id;
    uint64_t record, line;
    sl_search s;       /* texts NULL here: they are at off[] in the batch's text */
    size_t off[SL_F_COUNT]; /* SIZE_MAX: the cell had no text (p NULL) */
    size_t flag0, nflags;
    uint32_t named;
} qrow;

typedef enum { B_FREE = 0, B_FILLING, B_QUEUED, B_WRITING } bstate;

typedef struct {
    qrow *rows;
    size_t n, cap;
    sl_flag *flags;
    size_t nf, capf;
    sl_buf text;
    bstate state;
} batch;

struct sl_flagq {
    sl_store *st;
    sl_flagged_csv *fcsv;
    const sl_key *k;
    const sl_rules *r;
    int threaded;
    pthread_t th;
    pthread_mutex_t mu;
    pthread_cond_t work; /* a batch was queued, or stop */
    pthread_cond_t idle; /* a batch was written */
    batch b[NBATCH];
    size_t queue[NBATCH], qhead, qlen; /* queued batches, oldest first */
    size_t fill;                       /* the batch being filled (scan's side) */
    int stop;
    sl_status err;  /* first error of the writer (under mu) */
    sl_status seen; /* the scan's copy of err, read at each hand-over */
};

static sl_status write_row(sl_flagq *q, const sl_store_row *row) {
    sl_status rc = sl_store_row_add(q->st, q->k, q->r, row);
    if (!rc && q->fcsv) rc = sl_flagged_csv_row(q->fcsv, row, sl_store_row_written(q->st));
    return rc;
}

/* ---- the writer's side ---------------------------------------------------------------------- */

static sl_status write_batch(sl_flagq *q, batch *b) {
    for (size_t i = 0; i < b->n; i++) {
        qrow *w = &b->rows[i];
        sl_search s = w->s;
        for (int f = 0; f < SL_F_COUNT; f++)
            s.f[f].p = w->off[f] == SIZE_MAX ? NULL : b->text.p + w->off[f];
        sl_store_row row = {w->source_id, w->record, w->line, &s, b->flags + w->flag0, w->nflags,
                            w->named};
        sl_status rc = write_row(q, &row);
        if (rc) return rc;
    }
    return SL_OK;
}

static void *writer_main(void *arg) {
    sl_flagq *q = arg;
    pthread_mutex_lock(&q->mu);
    for (;;) {
        while (!q->qlen && !q->stop) pthread_cond_wait(&q->work, &q->mu);
        if (!q->qlen) break; /* stop, and nothing left */
        batch *b = &q->b[q->queue[q->qhead]];
        q->qhead = (q->qhead + 1) % NBATCH;
        q->qlen--;
        b->state = B_WRITING;
        sl_status failed = q->err;
        pthread_mutex_unlock(&q->mu);
        /* after an error the rest is dropped: the scan stops and writes no output */
        sl_status rc = failed ? SL_OK : write_batch(q, b);
        b->n = b->nf = 0;
        sl_buf_reset(&b->text);
        pthread_mutex_lock(&q->mu);
        if (rc && !q->err) q->err = rc;
        b->state = B_FREE;
        pthread_cond_broadcast(&q->idle);
    }
    pthread_mutex_unlock(&q->mu);
    return NULL;
}

/* ---- the scan's side ------------------------------------------------------------------------ */

/* Queues the batch being filled (when it holds rows) and takes a free one to fill next. */
static void hand_over(sl_flagq *q) {
    pthread_mutex_lock(&q->mu);
    batch *cur = &q->b[q->fill];
    if (cur->n) {
        cur->state = B_QUEUED;
        q->queue[(q->qhead + q->qlen) % NBATCH] = q->fill;
        q->qlen++;
        pthread_cond_signal(&q->work);
        for (;;) {
            size_t i = 0;
            while (i < NBATCH && q->b[i].state != B_FREE) i++;
            if (i < NBATCH) {
                q->fill = i;
                q->b[i].state = B_FILLING;
                break;
            }
            pthread_cond_wait(&q->idle, &q->mu);
        }
    }
    q->seen = q->err;
    pthread_mutex_unlock(&q->mu);
}

/* Copies the row into the batch being filled. */
static sl_status copy_row(batch *b, const sl_store_row *row) {
    sl_status rc = sl_grow((void **)&b->rows, &b->cap, b->n + 1, sizeof *b->rows);
    if (!rc) rc = sl_grow((void **)&b->flags, &b->capf, b->nf + row->nflags, sizeof *b->flags);
    size_t need = 1; /* an empty text still gets a pointer */
    for (int f = 0; f < SL_F_COUNT; f++) need += row->s->f[f].p ? row->s->f[f].len : 0;
    if (!rc) rc = sl_buf_reserve(&b->text, need);
    if (rc) return rc;
    qrow *w = &b->rows[b->n];
    w->source_id = row->source_id;
    w->record = row->record;
    w->line = row->line;
    w->s = *row->s;
    w->s.key_early_p = NULL; /* the row key is the scan's business, done before the push */
    for (int f = 0; f < SL_F_COUNT; f++) { /* room reserved above */
        const sl_cell *c = &row->s->f[f];
        w->s.f[f].p = NULL;
        w->off[f] = c->p ? b->text.len : SIZE_MAX;
        if (c->p && c->len) {
            memcpy(b->text.p + b->text.len, c->p, c->len);
            b->text.len += c->len;
        }
    }
    if (row->nflags) memcpy(b->flags + b->nf, row->flags, row->nflags * sizeof *row->flags);
    w->flag0 = b->nf;
    w->nflags = row->nflags;
    w->named = row->named;
    b->nf += row->nflags;
    b->n++;
    return SL_OK;
}

sl_status sl_flagq_new(sl_flagq **out, int thread, sl_store *st, sl_flagged_csv *fcsv,
                       const sl_key *k, const sl_rules *r) {
    *out = NULL;
    sl_flagq *q = calloc(1, sizeof *q);
    if (!q) return SL_ENOMEM;
    q->st = st;
    q->fcsv = fcsv;
    q->k = k;
    q->r = r;
    if (thread && pthread_mutex_init(&q->mu, NULL) == 0) {
        if (pthread_cond_init(&q->work, NULL) == 0) {
            if (pthread_cond_init(&q->idle, NULL) == 0) {
                q->b[0].state = B_FILLING;
                q->fill = 0;
                if (sl_thread_start(&q->th, writer_main, q) == 0) {
                    q->threaded = 1;
                    *out = q;
                    return SL_OK;
                }
                pthread_cond_destroy(&q->idle);
            }
            pthread_cond_destroy(&q->work);
        }
        pthread_mutex_destroy(&q->mu);
    }
    q->b[0].state = B_FREE;
    *out = q; /* no thread: rows are written at once */
    return SL_OK;
}

int sl_flagq_threaded(const sl_flagq *q) { return q && q->threaded; }

sl_status sl_flagq_push(sl_flagq *q, const sl_store_row *row) {
    if (!q->threaded) return write_row(q, row);
    if (q->seen) return q->seen;
    batch *b = &q->b[q->fill];
    sl_status rc = copy_row(b, row);
    if (rc) return q->seen = rc;
    if (b->n >= BATCH_ROWS || b->text.len >= BATCH_TEXT) hand_over(q);
    return q->seen;
}

sl_status sl_flagq_sync(sl_flagq *q) {
    if (!q || !q->threaded) return SL_OK;
    hand_over(q);
    pthread_mutex_lock(&q->mu);
    for (;;) {
        int busy = q->qlen > 0;
        for (size_t i = 0; i < NBATCH && !busy; i++) busy = q->b[i].state == B_WRITING;
        if (!busy) break;
        pthread_cond_wait(&q->idle, &q->mu);
    }
    sl_status rc = q->err ? q->err : q->seen;
    q->seen = rc;
    pthread_mutex_unlock(&q->mu);
    return rc;
}

void sl_flagq_free(sl_flagq *q) {
    if (!q) return;
    if (q->threaded) {
        sl_flagq_sync(q);
        pthread_mutex_lock(&q->mu);
        q->stop = 1;
        pthread_cond_signal(&q->work);
        pthread_mutex_unlock(&q->mu);
        pthread_join(q->th, NULL);
        pthread_cond_destroy(&q->idle);
        pthread_cond_destroy(&q->work);
        pthread_mutex_destroy(&q->mu);
    }
    for (size_t i = 0; i < NBATCH; i++) {
        free(q->b[i].rows);
        free(q->b[i].flags);
        sl_buf_free(&q->b[i].text);
    }
    free(q);
}
