/* read.c: from paths to sources. Expands folders into a sorted list of files, opens each file,
 * sniffs what it is, and runs text files through the CSV parser while hashing them
 * (sl_read_text, shared with the container readers through read_int.h). Containers, workbooks
 * and UTF-16 are dispatched from read_by_kind(); formats not read yet are reported and skipped.
 * A file split into numbered volumes is joined and read as one (sl_read_volumes). */
#define _GNU_SOURCE /* copy_file_range */
#include "read_int.h"
#include "decode.h"
#include "html.h"
#include "json.h"
#include "xmlss.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define WALK_MAX_DEPTH 64                   /* folders nested deeper are reported, not read */
#define HEAD_MAX ((size_t)64 << 10)         /* bytes gathered to find the first line */

void sl_read_diag(const sl_reader_cb *cb, sl_severity sev, const char *code, const char *source,
                  uint64_t record, uint64_t line, const char *fmt, ...)
{
    if (!cb || !cb->diag) return;
    char msg[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    sl_diag d = {sev, code, source, record, line, msg};
    cb->diag(cb->diag_ud, &d);
}

/* ---- collecting inputs ------------------------------------------------------------------- */

typedef struct {
    char *path;
    dev_t dev;
    ino_t ino;
} walk_entry;

typedef struct {
    walk_entry *v;
    size_t n, cap;
    sl_reader_cb cb; /* only diag and diag_ud are set */
} walk_list;

static sl_status walk_add(walk_list *w, const char *path, const struct stat *sb)
{
    if (w->n == w->cap) {
        size_t cap = w->cap ? w->cap * 2 : 64;
        walk_entry *nv = sl_reallocarray(w->v, cap, sizeof *nv);
        if (!nv) return SL_ENOMEM;
        w->v = nv;
        w->cap = cap;
    }
    char *copy = sl_strdup(path);
    if (!copy) return SL_ENOMEM;
    w->v[w->n].path = copy;
    w->v[w->n].dev = sb->st_dev;
    w->v[w->n].ino = sb->st_ino;
    w->n++;
    return SL_OK;
}

/* "dir" + "/" + name, without doubling a slash the folder already ends with. */
static char *join_path(const char *dir, const char *name)
{
    size_t dl = strlen(dir), nl = strlen(name);
    int slash = dl > 0 && dir[dl - 1] == '/';
    char *p = malloc(dl + nl + 2);
    if (!p) return NULL;
    memcpy(p, dir, dl);
    if (!slash) p[dl++] = '/';
    memcpy(p + dl, name, nl + 1);
    return p;
}

static sl_status walk_dir(walk_list *w, const char *dir, unsigned depth)
{
    if (depth > WALK_MAX_DEPTH) {
        sl_read_diag(&w->cb, SL_DIAG_WARN, "read.too_deep", dir, 0, 0,
                     "folders nested more than %d deep are not read", WALK_MAX_DEPTH);
        return SL_OK;
    }
    DIR *d = opendir(dir);
    if (!d) {
        sl_read_diag(&w->cb, SL_DIAG_ERROR, "read.io", dir, 0, 0, "cannot open folder: %s",
                     strerror(errno));
        return SL_OK;
    }
    sl_status rc = SL_OK;
    struct dirent *de;
    while (!rc && (de = readdir(d)) != NULL) {
        const char *name = de->d_name;
        if (strcmp(name, ".") == 0 || strcmp(name, "..") == 0) continue;
        char *path = join_path(dir, name);
        if (!path) {
            rc = SL_ENOMEM;
            break;
        }
        struct stat sb;
        if (name[0] == '.') {
            sl_read_diag(&w->cb, SL_DIAG_INFO, "read.hidden_skipped", path, 0, 0,
                         "hidden file or folder skipped");
        } else if (lstat(path, &sb) != 0) {
            sl_read_diag(&w->cb, SL_DIAG_ERROR, "read.io", path, 0, 0, "cannot inspect: %s",
                         strerror(errno));
        } else if (S_ISLNK(sb.st_mode)) {
            /* Links to files are followed; links to folders are not (they can loop). */
            if (stat(path, &sb) != 0) {
                sl_read_diag(&w->cb, SL_DIAG_WARN, "read.not_found", path, 0, 0,
                             "symbolic link to nothing (%s); skipped", strerror(errno));
            } else if (S_ISREG(sb.st_mode)) {
                rc = walk_add(w, path, &sb);
            } else {
                sl_read_diag(&w->cb, SL_DIAG_INFO, "read.symlink_skipped", path, 0, 0,
                             "symbolic link to a folder or device not followed");
            }
        } else if (S_ISDIR(sb.st_mode)) {
            rc = walk_dir(w, path, depth + 1);
        } else if (S_ISREG(sb.st_mode)) {
            rc = walk_add(w, path, &sb);
        } else {
            sl_read_diag(&w->cb, SL_DIAG_INFO, "read.not_regular", path, 0, 0,
                         "not a regular file (device, pipe or socket); skipped");
        }
        free(path);
    }
    closedir(d);
    return rc;
}

static int cmp_path(const void *a, const void *b)
{
    return strcmp(((const walk_entry *)a)->path, ((const walk_entry *)b)->path);
}

/* A file's identity and its place in the path-sorted list. */
typedef struct {
    dev_t dev;
    ino_t ino;
    size_t at;
} walk_id;

/* By identity, then place: the first of a group is the file's first name in path order. */
static int cmp_identity(const void *a, const void *b)
{
    const walk_id *x = a, *y = b;
    if (x->dev != y->dev) return x->dev < y->dev ? -1 : 1;
    if (x->ino != y->ino) return x->ino < y->ino ? -1 : 1;
    return x->at < y->at ? -1 : x->at > y->at;
}

/* Sorts byte-wise and drops repeats: the same path twice silently, the same file under a
 * second name (hard or symbolic link) with a note. */
static sl_status walk_finish(walk_list *w)
{
    if (w->n < 2) return SL_OK;
    qsort(w->v, w->n, sizeof *w->v, cmp_path);
    size_t k = 1;
    for (size_t i = 1; i < w->n; i++) {
        if (strcmp(w->v[i].path, w->v[k - 1].path) == 0) free(w->v[i].path);
        else w->v[k++] = w->v[i];
    }
    w->n = k;
    walk_id *ids = sl_reallocarray(NULL, w->n, sizeof *ids);
    if (!ids) return SL_ENOMEM;
    for (size_t i = 0; i < w->n; i++) {
        ids[i].dev = w->v[i].dev;
        ids[i].ino = w->v[i].ino;
        ids[i].at = i;
    }
    qsort(ids, w->n, sizeof *ids, cmp_identity);
    size_t keep = ids[0].at;
    for (size_t i = 1; i < w->n; i++) {
        walk_entry *e = &w->v[ids[i].at];
        if (e->dev == w->v[keep].dev && e->ino == w->v[keep].ino) {
            sl_read_diag(&w->cb, SL_DIAG_INFO, "read.duplicate_skipped", e->path, 0, 0,
                         "same file as %s; read once", w->v[keep].path);
            free(e->path);
            e->path = NULL;
        } else {
            keep = ids[i].at;
        }
    }
    free(ids);
    k = 0;
    for (size_t i = 0; i < w->n; i++)
        if (w->v[i].path) w->v[k++] = w->v[i];
    w->n = k;
    return SL_OK;
}

sl_status sl_inputs_collect(const char *const *paths, size_t n, sl_diag_fn diag, void *diag_ud,
                            char ***files, size_t *nfiles)
{
    walk_list w;
    memset(&w, 0, sizeof w);
    w.cb.diag = diag;
    w.cb.diag_ud = diag_ud;
    *files = NULL;
    *nfiles = 0;
    sl_status rc = SL_OK;
    for (size_t i = 0; i < n && !rc; i++) {
        const char *p = paths[i];
        struct stat sb;
        if (!p || !*p) continue;
        if (stat(p, &sb) != 0) {
            if (errno == ENOENT || errno == ENOTDIR)
                sl_read_diag(&w.cb, SL_DIAG_WARN, "read.not_found", p, 0, 0,
                             "no such file or folder; skipped");
            else
                sl_read_diag(&w.cb, SL_DIAG_ERROR, "read.io", p, 0, 0, "cannot inspect: %s",
                             strerror(errno));
        } else if (S_ISDIR(sb.st_mode)) {
            /* "dir/" and "dir" give the same file names */
            size_t len = strlen(p);
            while (len > 1 && p[len - 1] == '/') len--;
            char *dir = sl_strndup(p, len);
            if (!dir) rc = SL_ENOMEM;
            else rc = walk_dir(&w, dir, 0);
            free(dir);
        } else if (S_ISREG(sb.st_mode)) {
            rc = walk_add(&w, p, &sb); /* named by the user: read even when hidden */
        } else {
            sl_read_diag(&w.cb, SL_DIAG_WARN, "read.not_regular", p, 0, 0,
                         "not a regular file (device, pipe or socket); skipped");
        }
    }
    if (!rc) rc = walk_finish(&w);
    if (rc) {
        for (size_t i = 0; i < w.n; i++) free(w.v[i].path);
        free(w.v);
        return rc;
    }
    if (w.n) {
        char **out = sl_reallocarray(NULL, w.n, sizeof *out);
        if (!out) {
            for (size_t i = 0; i < w.n; i++) free(w.v[i].path);
            free(w.v);
            return SL_ENOMEM;
        }
        for (size_t i = 0; i < w.n; i++) out[i] = w.v[i].path;
        *files = out;
        *nfiles = w.n;
    }
    free(w.v);
    return SL_OK;
}

void sl_inputs_free(char **files, size_t n)
{
    if (!files) return;
    for (size_t i = 0; i < n; i++) free(files[i]);
    free(files);
}

/* ---- sniffing ------------------------------------------------------------------------------ */

/* UTF-16 without a BOM: ASCII text has a NUL in every other byte. */
static sl_read_kind sniff_utf16(const unsigned char *p, size_t n)
{
    size_t pairs = n / 2, even0 = 0, odd0 = 0;
    if (pairs < 2) return SL_KIND_BINARY;
    for (size_t i = 0; i + 1 < n; i += 2) {
        even0 += p[i] == 0;
        odd0 += p[i + 1] == 0;
    }
    if (odd0 * 10 >= pairs * 9 && even0 == 0) return SL_KIND_UTF16LE;
    if (even0 * 10 >= pairs * 9 && odd0 == 0) return SL_KIND_UTF16BE;
    return SL_KIND_BINARY;
}

sl_read_kind sl_read_sniff(const unsigned char *p, size_t n, const char *name)
{
    if (sl_magic_sniff(p, n) == SL_MAGIC_ZIP) {
        if (p[2] != 3 && p[2] != 5) { /* a split zip's mark before its first entry */
            p += 4;
            n -= 4;
        }
        /* OOXML writers put [Content_Types].xml, _rels/ or xl/ first */
        if (n >= 30 && p[2] == 3) {
            size_t nl = (size_t)p[26] | (size_t)p[27] << 8;
            const char *fn = (const char *)p + 30;
            if (30 + nl <= n && ((nl == 19 && memcmp(fn, "[Content_Types].xml", 19) == 0) ||
                                 (nl >= 3 && memcmp(fn, "xl/", 3) == 0)))
                return SL_KIND_XLSX;
        }
        if (name && sl_ends_with_ci(name, strlen(name), ".xlsx")) return SL_KIND_XLSX;
        return SL_KIND_ZIP;
    }
    if (n >= 2 && p[0] == 0x1F && p[1] == 0x8B) return SL_KIND_GZIP;
    if (n >= 4 && p[0] == 0x28 && p[1] == 0xB5 && p[2] == 0x2F && p[3] == 0xFD) return SL_KIND_ZSTD;
    switch (sl_magic_sniff(p, n)) {
    case SL_MAGIC_XZ: return SL_KIND_XZ;
    case SL_MAGIC_BZIP2: return SL_KIND_BZIP2;
    case SL_MAGIC_TAR:
    case SL_MAGIC_7Z:
    case SL_MAGIC_RAR: return SL_KIND_ARCHIVE;
    default: break;
    }
    if (n >= 8 && memcmp(p, SL_OLE2_MAGIC, 8) == 0) return SL_KIND_XLS;
    if (n >= 2 && p[0] == 0xFF && p[1] == 0xFE)
        return sl_json_sniff(p, n) ? SL_KIND_JSON : SL_KIND_UTF16LE;
    if (n >= 2 && p[0] == 0xFE && p[1] == 0xFF)
        return sl_json_sniff(p, n) ? SL_KIND_JSON : SL_KIND_UTF16BE;
    if (n > SL_SNIFF_BYTES) n = SL_SNIFF_BYTES;
    if (!memchr(p, 0, n))
        return sl_html_sniff(p, n)    ? SL_KIND_HTML
               : sl_xmlss_sniff(p, n) ? SL_KIND_XMLSS
               : sl_mail_sniff(p, n)  ? SL_KIND_MAIL
               : sl_json_sniff(p, n)  ? SL_KIND_JSON
                                      : SL_KIND_TEXT;
    sl_read_kind k = sniff_utf16(p, n);
    if (k != SL_KIND_BINARY) return k;
    /* Text with a few stray NULs (a NUL typed into a cell, a damaged export) is still text,
     * read with a warning: binary formats (PDFs, images) hold far more control bytes than 1%.
     * Without this, a NUL in the first 4 KiB lost the whole file and one further on did not. */
    size_t ctrl = 0;
    for (size_t i = 0; i < n; i++)
        ctrl += p[i] < 0x20 && p[i] != '\t' && p[i] != '\n' && p[i] != '\r' && p[i] != '\f';
    return ctrl * 100 <= n ? SL_KIND_TEXT : SL_KIND_BINARY;
}

/* The warning for text that holds NUL bytes at its start (sl_read_sniff read it as text). */
static void warn_nul(const sl_reader_cb *cb, const char *cite, const char *p, size_t n)
{
    if (n > SL_SNIFF_BYTES) n = SL_SNIFF_BYTES;
    size_t nul = 0;
    for (size_t i = 0; i < n; i++) nul += p[i] == 0;
    if (nul)
        sl_read_diag(cb, SL_DIAG_WARN, "read.nul_bytes", cite, 0, 0,
                     "%zu NUL byte%s in the first %zu bytes (a damaged export, or a NUL typed "
                     "into a cell): read as text; the database keeps each NUL, flagged.csv shows "
                     "it as U+FFFD and the report as a space",
                     nul, nul == 1 ? "" : "s", n);
}

const char *sl_read_kind_name(sl_read_kind k)
{
    switch (k) {
    case SL_KIND_TEXT: return "text";
    case SL_KIND_UTF16LE: return "utf-16le";
    case SL_KIND_UTF16BE: return "utf-16be";
    case SL_KIND_ZIP: return "zip";
    case SL_KIND_XLSX: return "xlsx";
    case SL_KIND_GZIP: return "gzip";
    case SL_KIND_ZSTD: return "zstd";
    case SL_KIND_HTML: return "html";
    case SL_KIND_XMLSS: return "xmlss";
    case SL_KIND_XLS: return "xls";
    case SL_KIND_XZ: return "xz";
    case SL_KIND_BZIP2: return "bzip2";
    case SL_KIND_ARCHIVE: return "archive";
    case SL_KIND_MAIL: return "mail";
    case SL_KIND_JSON: return "json";
    case SL_KIND_BINARY: return "binary";
    }
    return "binary";
}

/* Whether p[0..n) holds a line end outside quotes (the first line is complete). */
static int has_first_line(const char *p, size_t n)
{
    int q = 0;
    for (size_t i = 0; i < n; i++) {
        if (p[i] == '"') q = !q;
        else if (!q && (p[i] == '\n' || p[i] == '\r')) return 1;
    }
    return 0;
}

/* The delimiter of a text. Excel's hint line "sep=;" names it. Otherwise each candidate
 * (comma, tab, semicolon, and the pipe of database and CAD exports) is counted outside quotes
 * on each of the first SNIFF_LINES lines within p (blank lines skipped; a line the buffer cuts
 * off counts only when it is the first),
 * and the one a table holds the same number of times on most lines wins: its score is the
 * largest "lines holding it v times" x v. A title above the table ("Audit report, Town PD,
 * Texas") holds its commas on one line only, and commas in a semicolon table's free text
 * vary from row to row, so neither decides. With one line, the count decides. Ties go to
 * the comma, then the tab, then the semicolon. */
#define SNIFF_LINES 10

static size_t delim_score(const size_t *count, int nlines)
{
    size_t best = 0;
    for (int i = 0; i < nlines; i++) {
        if (!count[i]) continue;
        size_t same = 0;
        for (int j = 0; j < nlines; j++) same += count[j] == count[i];
        if (same * count[i] > best) best = same * count[i];
    }
    return best;
}

static char sniff_delim(const char *p, size_t n)
{
    if (n >= 3 && memcmp(p, "\xEF\xBB\xBF", 3) == 0) p += 3, n -= 3;
    if (n >= 5 && (p[0] | 32) == 's' && (p[1] | 32) == 'e' && (p[2] | 32) == 'p' && p[3] == '=' &&
        (p[4] == ',' || p[4] == ';' || p[4] == '\t' || p[4] == '|') &&
        (n == 5 || p[5] == '\r' || p[5] == '\n'))
        return p[4];
    size_t comma[SNIFF_LINES], tab[SNIFF_LINES], semi[SNIFF_LINES], pipe[SNIFF_LINES];
    int nlines = 0;
    size_t i = 0;
    while (nlines < SNIFF_LINES && i < n) {
        while (i < n && (p[i] == '\n' || p[i] == '\r')) i++;
        if (i == n) break;
        size_t c = 0, t = 0, s = 0, v = 0;
        int q = 0;
        for (; i < n; i++) {
            char ch = p[i];
            if (ch == '"') q = !q;
            else if (q) continue;
            else if (ch == '\n' || ch == '\r') break;
            else if (ch == ',') c++;
            else if (ch == '\t') t++;
            else if (ch == ';') s++;
            else if (ch == '|') v++;
        }
        if (i == n && nlines > 0) break; /* cut off by the buffer: its counts are partial */
        comma[nlines] = c, tab[nlines] = t, semi[nlines] = s, pipe[nlines] = v;
        nlines++;
        if (q) break; /* a quoted cell runs on: lines no longer tell */
    }
    size_t sc = delim_score(comma, nlines), st = delim_score(tab, nlines),
           ss = delim_score(semi, nlines), sv = delim_score(pipe, nlines);
    if (sv > sc && sv > st && sv > ss) return '|';
    if (st > sc && st >= ss) return '\t';
    if (ss > sc && ss > st) return ';';
    return ',';
}

/* ---- one text source ----------------------------------------------------------------------- */

typedef struct {
    const sl_reader_cb *cb;
    const sl_source *src;
    int stopped;
} text_rows;

static int text_row(void *ud, const sl_csv_row *row)
{
    text_rows *t = ud;
    if (t->cb->row && t->cb->row(t->cb->ud, t->src, row)) t->stopped = 1;
    return t->stopped;
}

sl_status sl_read_text(void *ud, sl_source *src, sl_pull_fn pull, void *pctx)
{
    sl_reader_state *st = ud;
    const sl_reader_cb *cb = st->cb;
    sl_status rc = SL_OK;
    int eof = 0, failed = 0;
    /* src->sha256 and size are the puller's (callers hand in a zeroed src); a puller that
     * reached the end before this call (sl_read_text_decoded sniffs ahead) has set them. */

    /* Gather the first line (at most HEAD_MAX bytes) to sniff the delimiter; copy only when
     * the first piece pulled does not already hold it. */
    sl_buf head = {0};
    const char *hp = NULL;
    size_t hn = 0;
    for (;;) {
        const char *p = NULL;
        long n = pull(pctx, &p);
        if (n < 0) {
            failed = 1;
            break;
        }
        if (n == 0) {
            eof = 1;
            break;
        }
        if (st->count_progress && cb->progress) cb->progress(cb->ud, (uint64_t)n);
        if (head.len == 0 && (has_first_line(p, (size_t)n) || (size_t)n >= HEAD_MAX)) {
            hp = p;
            hn = (size_t)n;
            break;
        }
        if (sl_buf_append(&head, p, (size_t)n) != SL_OK) {
            rc = SL_ENOMEM;
            break;
        }
        if (head.len >= HEAD_MAX || has_first_line(head.p, head.len)) break;
    }
    if (!hp) {
        hp = head.p;
        hn = head.len;
    }

    char delim = sniff_delim(hp ? hp : "", hn);
    src->id = (*st->next_id)++;
    src->delim = delim;
    if (!src->format) /* a container reader may have said "gzip" / "zstd" */
        src->format = delim == '\t' ? "tsv" : delim == ';' ? "ssv" : delim == '|' ? "psv" : "csv";
    if (!src->encoding) /* sl_read_text_decoded sets it for UTF-16 and Windows-1252 */
        src->encoding = hn >= 3 && memcmp(hp, "\xEF\xBB\xBF", 3) == 0 ? "utf-8-bom" : "utf-8";

    text_rows tr = {cb, src, 0};
    if (cb->begin && cb->begin(cb->ud, src)) tr.stopped = 1;
    sl_csv *csv = NULL;
    if (!tr.stopped && !rc) {
        sl_csv_opts co = {delim, st->opts->max_record, 0};
        rc = sl_csv_new(&csv, &co, text_row, &tr);
    }
    if (csv && hn && !rc) rc = sl_csv_feed(csv, hp, hn);
    sl_buf_free(&head);

    while (!eof && !failed && !rc) {
        const char *p = NULL;
        long n = pull(pctx, &p);
        if (n < 0) failed = 1;
        else if (n == 0) eof = 1;
        else {
            if (csv && !tr.stopped) rc = sl_csv_feed(csv, p, (size_t)n);
            if (st->count_progress && cb->progress) cb->progress(cb->ud, (uint64_t)n);
        }
    }
    /* A source that broke off still delivers the record it was in (counted as cut off). */
    if (csv && !rc && !tr.stopped) rc = failed ? sl_csv_finish_cut(csv) : sl_csv_finish(csv);
    sl_csv_free(csv);

    if (rc == SL_ENOMEM)
        sl_read_diag(cb, SL_DIAG_ERROR, "read.nomem", src->cite, 0, 0,
                     "out of memory while reading; the rest of this source was not read");
    if (rc) src->sha256[0] = '\0'; /* not read to its end: no hash to cite */
    if (cb->end) cb->end(cb->ud, src);
    if (rc) return rc;
    return failed ? SL_EIO : SL_OK;
}

/* ---- plain files --------------------------------------------------------------------------- */

/* Hashing beside the parse (sl_read_opts.hash_thread): the chunks of a plain file rotate
 * through HASH_RING buffers, each hashed by a second thread while the calling thread parses
 * it. A buffer is read into again only once the hasher is done with it, so the hash is of
 * the very bytes parsed, in order. */
#define HASH_RING 4
typedef struct {
    pthread_t th;
    pthread_mutex_t mu;
    pthread_cond_t cv;     /* a chunk was queued, one was hashed, or stop */
    sl_sha256 *h;          /* the file's hasher, updated by the thread only */
    char *buf[HASH_RING];  /* buf[0] is the file_pull's own buffer (it holds the head) */
    size_t len[HASH_RING];
    uint64_t queued, done; /* chunks handed to the thread; chunks it has hashed */
    int stop;
} bg_hash;

typedef struct {
    int fd;
    const char *path;
    const sl_reader_cb *cb;
    char *buf;
    size_t head_len; /* bytes already in buf from sniffing, handed out first */
    sl_source *src;  /* gets sha256 and size at the end of the file */
    sl_sha256 *h;
    uint64_t total;
    struct stat st0; /* the file when reading began, to tell whether it changed meanwhile */
    int have_st0;
    bg_hash *bg;     /* hashing on a second thread, or NULL */
} file_pull;

static void *bg_hash_main(void *arg) {
    bg_hash *b = arg;
    pthread_mutex_lock(&b->mu);
    for (;;) {
        while (b->done == b->queued && !b->stop) pthread_cond_wait(&b->cv, &b->mu);
        if (b->done == b->queued) break; /* stopped, and nothing left */
        size_t k = (size_t)(b->done % HASH_RING);
        pthread_mutex_unlock(&b->mu);
        sl_sha256_update(b->h, b->buf[k], b->len[k]);
        pthread_mutex_lock(&b->mu);
        b->done++;
        pthread_cond_broadcast(&b->cv);
    }
    pthread_mutex_unlock(&b->mu);
    return NULL;
}

/* Starts hashing f's chunks on a second thread (f->buf becomes the ring's first buffer).
 * Returns 0, or -1 when no thread or memory could be had: f then hashes on this thread. */
static int bg_hash_start(file_pull *f) {
    bg_hash *b = calloc(1, sizeof *b);
    if (!b) return -1;
    b->h = f->h;
    b->buf[0] = f->buf;
    int ok = 1;
    for (int i = 1; i < HASH_RING && ok; i++) ok = (b->buf[i] = malloc(SL_READ_CHUNK)) != NULL;
    int mu = ok && pthread_mutex_init(&b->mu, NULL) == 0;
    int cv = mu && pthread_cond_init(&b->cv, NULL) == 0;
    if (cv && sl_thread_start(&b->th, bg_hash_main, b) == 0) {
        f->bg = b;
        return 0;
    }
    if (cv) pthread_cond_destroy(&b->cv);
    if (mu) pthread_mutex_destroy(&b->mu);
    for (int i = 1; i < HASH_RING; i++) free(b->buf[i]);
    free(b);
    return -1;
}

/* Lets the thread hash what was queued, joins it and frees the ring (not buf[0]). */
static void bg_hash_stop(file_pull *f) {
    bg_hash *b = f->bg;
    if (!b) return;
    pthread_mutex_lock(&b->mu);
    b->stop = 1;
    pthread_cond_broadcast(&b->cv);
    pthread_mutex_unlock(&b->mu);
    pthread_join(b->th, NULL);
    pthread_cond_destroy(&b->cv);
    pthread_mutex_destroy(&b->mu);
    for (int i = 1; i < HASH_RING; i++) free(b->buf[i]);
    free(b);
    f->bg = NULL;
}

/* The ring buffer the next chunk goes into, once the thread is done with what it held. */
static char *bg_hash_slot(bg_hash *b) {
    pthread_mutex_lock(&b->mu);
    while (b->queued - b->done >= HASH_RING) pthread_cond_wait(&b->cv, &b->mu);
    char *p = b->buf[b->queued % HASH_RING];
    pthread_mutex_unlock(&b->mu);
    return p;
}

/* Hands the chunk just read into bg_hash_slot's buffer to the thread. */
static void bg_hash_queue(bg_hash *b, size_t n) {
    pthread_mutex_lock(&b->mu);
    b->len[b->queued % HASH_RING] = n;
    b->queued++;
    pthread_cond_broadcast(&b->cv);
    pthread_mutex_unlock(&b->mu);
}

/* An sl_pull_fn over a file: hands out the sniffed head, then 1 MiB reads; hashes them all. */
static long file_pull_fn(void *pctx, const char **buf)
{
    file_pull *f = pctx;
    long n;
    *buf = f->buf;
    if (!f->h) return -1; /* already failed or finished */
    if (f->head_len) { /* in buf, which is also the ring's first buffer */
        if (f->bg) (void)bg_hash_slot(f->bg);
        n = (long)f->head_len;
        f->head_len = 0;
    } else {
        if (f->bg) *buf = bg_hash_slot(f->bg);
        n = sl_read_full(f->fd, (char *)*buf, SL_READ_CHUNK);
    }
    if (n < 0) {
        int e = errno;
        bg_hash_stop(f);
        sl_read_diag(f->cb, SL_DIAG_ERROR, "read.io", f->path, 0, 0,
                     "read failed: %s; the file was not read to its end", strerror(e));
        sl_sha256_free(f->h);
        f->h = NULL;
        return -1;
    }
    if (n == 0) {
        bg_hash_stop(f); /* every chunk hashed */
        sl_sha256_final(f->h, f->src->sha256);
        sl_sha256_free(f->h);
        f->h = NULL;
        f->src->size = f->total;
        struct stat st1;
        if (f->have_st0 && fstat(f->fd, &st1) == 0 &&
            (st1.st_size != f->st0.st_size || st1.st_mtim.tv_sec != f->st0.st_mtim.tv_sec ||
             st1.st_mtim.tv_nsec != f->st0.st_mtim.tv_nsec))
            sl_read_diag(f->cb, SL_DIAG_WARN, "read.changed", f->path, 0, 0,
                         "the file changed while it was read (size or modification time differ "
                         "from when reading began): the rows and the SHA-256 %s recorded are "
                         "those of the bytes read; read it again once it is complete",
                         f->src->sha256);
        return 0;
    }
    if (f->bg) bg_hash_queue(f->bg, (size_t)n);
    else sl_sha256_update(f->h, f->buf, (size_t)n);
    f->total += (uint64_t)n;
    return n;
}

/* ---- text encodings (decode.c) -------------------------------------------------------------- */

#define DECODE_OUT ((size_t)256 << 10)

/* An sl_pull_fn that sniffs the encoding from the first SL_SNIFF_WINDOW bytes of another
 * puller, then hands out UTF-8: the same bytes when the source is UTF-8, transcoded ones for
 * UTF-16 and Windows-1252. The inner puller keeps hashing the raw bytes. */
typedef struct {
    sl_pull_fn pull;
    void *pctx;
    const sl_reader_cb *cb;
    sl_source *src;
    int forced;          /* encoding to use, or -1 to sniff */
    int started, eof, finished, failed;
    int cut;             /* the inner puller failed after the head: it fails after handing it out */
    sl_decoder *dec;     /* NULL: pass through */
    sl_buf head;
    const char *in;
    size_t in_len;
    char *out;
} dec_pull;

/* Gathers the sniff window and decides. Returns -1 when the inner puller failed. */
static int dec_start(dec_pull *d)
{
    d->started = 1;
    for (;;) {
        const char *p;
        long n = d->pull(d->pctx, &p);
        if (n < 0 && !d->head.len) return -1;
        if (n < 0) { /* damage within the window: what came before it is still read */
            d->cut = 1;
            break;
        }
        if (n == 0) { d->eof = 1; break; }
        if (d->head.len == 0 && (size_t)n >= SL_SNIFF_WINDOW) {
            d->in = p;
            d->in_len = (size_t)n;
            break;
        }
        if (sl_buf_append(&d->head, p, (size_t)n) != SL_OK) return -1;
        if (d->head.len >= SL_SNIFF_WINDOW) break;
    }
    if (!d->in) {
        d->in = d->head.p;
        d->in_len = d->head.len;
    }
    char why[256];
    sl_encoding enc;
    if (d->forced >= 0) {
        enc = (sl_encoding)d->forced;
        sl_fmt(why, sizeof why, "NUL bytes laid out as UTF-16 text without a byte order mark");
    } else {
        enc = sl_encoding_sniff(d->in ? d->in : "", d->in_len, d->eof || d->cut, NULL, why,
                                sizeof why);
    }
    if (enc == SL_ENC_UTF16LE || enc == SL_ENC_UTF16BE || enc == SL_ENC_CP1252) {
        d->src->encoding = sl_encoding_name(enc);
        if (sl_decoder_new(&d->dec, enc) != SL_OK) return -1;
        d->out = malloc(DECODE_OUT);
        if (!d->out) return -1;
        sl_read_diag(d->cb, enc == SL_ENC_CP1252 ? SL_DIAG_WARN : SL_DIAG_INFO,
                     enc == SL_ENC_CP1252 ? "read.encoding_fallback" : "read.encoding",
                     d->src->cite, 0, 0, "read as %s: %s", sl_encoding_name(enc), why);
    } else if (strncmp(why, "not valid UTF-8", 15) == 0) {
        sl_read_diag(d->cb, SL_DIAG_WARN, "read.encoding", d->src->cite, 0, 0, "%s", why);
    }
    return 0;
}

static long dec_pull_fn(void *pctx, const char **buf)
{
    dec_pull *d = pctx;
    if (d->failed) return -1;
    if (!d->started && dec_start(d) < 0) {
        d->failed = 1;
        return -1;
    }
    if (!d->dec) {
        if (d->in_len) {
            *buf = d->in;
            long n = (long)d->in_len;
            d->in_len = 0;
            return n;
        }
        if (d->eof) return 0;
        if (d->cut) {
            d->failed = 1;
            return -1;
        }
        return d->pull(d->pctx, buf);
    }
    for (;;) {
        if (d->in_len == 0 && !d->eof) {
            long n = d->cut ? -1 : d->pull(d->pctx, &d->in);
            if (n < 0) {
                d->failed = 1;
                return -1;
            }
            if (n == 0) d->eof = 1;
            else d->in_len = (size_t)n;
        }
        size_t used = 0, w = 0;
        if (d->in_len) {
            sl_decoder_push(d->dec, d->in, d->in_len, d->out, DECODE_OUT, &used, &w);
            d->in += used;
            d->in_len -= used;
        } else if (!d->finished) {
            sl_decoder_finish(d->dec, d->out, DECODE_OUT, &w);
            d->finished = 1;
            uint64_t r = sl_decoder_replaced(d->dec);
            if (r)
                sl_read_diag(d->cb, SL_DIAG_WARN, "read.undecodable", d->src->cite, 0, 0,
                             "%llu code units could not be decoded from %s and were replaced "
                             "by U+FFFD", (unsigned long long)r, d->src->encoding);
        } else {
            return 0;
        }
        if (w) {
            *buf = d->out;
            return (long)w;
        }
    }
}

static void dec_pull_free(dec_pull *d)
{
    sl_decoder_free(d->dec);
    sl_buf_free(&d->head);
    free(d->out);
}

sl_status sl_read_text_decoded(void *ud, sl_source *src, sl_pull_fn pull, void *pctx)
{
    sl_reader_state *st = ud;
    dec_pull d;
    memset(&d, 0, sizeof d);
    d.pull = pull;
    d.pctx = pctx;
    d.cb = st->cb;
    d.src = src;
    d.forced = -1;
    /* Members that are not text at all (PDFs, images) are reported, not parsed. An Excel
     * 97-2003 workbook in a zip or a compressed stream was given to its reader before this
     * (container.c, read_as_sheets); the XLS case here is a safety net. */
    if (dec_start(&d) < 0) {
        d.failed = 1;
    } else {
        sl_read_kind k = sl_read_sniff((const unsigned char *)(d.in ? d.in : ""), d.in_len,
                                       src->member);
        if (k == SL_KIND_TEXT && !d.dec) warn_nul(st->cb, src->cite, d.in, d.in_len);
        if (k == SL_KIND_UTF16LE || k == SL_KIND_UTF16BE) {
            if (!d.dec) { /* UTF-16 without BOM: decide again, forced */
                d.forced = k == SL_KIND_UTF16LE ? SL_ENC_UTF16LE : SL_ENC_UTF16BE;
                d.src->encoding = sl_encoding_name((sl_encoding)d.forced);
                sl_read_diag(st->cb, SL_DIAG_INFO, "read.encoding", src->cite, 0, 0,
                             "read as %s: NUL bytes laid out as UTF-16 text without a byte "
                             "order mark", d.src->encoding);
                if (sl_decoder_new(&d.dec, (sl_encoding)d.forced) != SL_OK ||
                    !(d.out = malloc(DECODE_OUT))) {
                    dec_pull_free(&d);
                    return SL_ENOMEM;
                }
            }
        } else if (k == SL_KIND_BINARY || k == SL_KIND_XLS) {
            sl_read_diag(st->cb, SL_DIAG_WARN, "read.unsupported_format", src->cite, 0, 0,
                         "%s member: not text; skipped", sl_read_kind_name(k));
            const char *p;
            while (!d.eof && pull(pctx, &p) > 0) {} /* drain: bounded by the inflate caps */
            dec_pull_free(&d);
            return SL_OK;
        }
    }
    d.started = 1;
    sl_status rc = sl_read_text(st, src, dec_pull_fn, &d);
    dec_pull_free(&d);
    return rc;
}

/* A file read by a reader of its own (a zip, a workbook, a page, an XML spreadsheet, an Excel
 * 97-2003 workbook): hashed in a pass of its own first (those readers do not hash as they
 * read; a page's tables and the sheets of an XML spreadsheet or a .xls cite the file's hash
 * from their start), sized, and given the next source id. */
static void number_whole_file(sl_reader_state *st, sl_source *self, int fd, uint64_t file_size)
{
    if (st->volumes) { /* a multi-volume RAR: its volumes, in order */
        sl_sha256 *h = sl_sha256_new();
        int ok = h != NULL;
        file_size = 0;
        for (size_t v = 0; ok && v < st->nvolumes; v++) {
            int vfd = open(st->volumes[v], O_RDONLY | O_CLOEXEC);
            ok = vfd >= 0 && sl_sha256_add_fd(h, vfd, &file_size) == SL_OK;
            if (vfd >= 0) close(vfd);
        }
        if (ok) sl_sha256_final(h, self->sha256);
        else self->sha256[0] = '\0';
        sl_sha256_free(h);
    } else if (sl_sha256_fd(fd, self->sha256) != SL_OK) {
        self->sha256[0] = '\0';
    }
    self->size = file_size;
    self->id = (*st->next_id)++;
}

/* The progress of a file read by a reader of its own: the reader's counts, capped at the
 * file's size (a workbook reads some parts twice); the rest is given at the end, so that
 * progress adds up to the file's size. */
typedef struct {
    const sl_reader_cb *cb;
    uint64_t done, size;
} file_progress;

static void file_progress_add(void *ud, uint64_t n)
{
    file_progress *fp = ud;
    if (n > fp->size - fp->done) n = fp->size - fp->done;
    fp->done += n;
    if (n && fp->cb->progress) fp->cb->progress(fp->cb->ud, n);
}

/* Containers, workbooks, web pages, XML spreadsheets, Excel 97-2003 workbooks and e-mail
 * (container.c, xlsx.c, html.c, xmlss.c, xls.c, mail.c). fd is the open input file; magic
 * and mail are what its first bytes say (sl_magic_sniff, sl_mail_sniff). */
static sl_status read_container_file(sl_reader_state *st, const char *path, int fd,
                                     sl_read_kind kind, sl_magic magic, sl_mail_kind mail,
                                     uint64_t file_size)
{
    sl_archive_env env = {st->opts, st->cb, sl_read_text_decoded, st, st->next_id};
    env.volumes = st->volumes;
    env.nvolumes = st->nvolumes;
    sl_source self;
    memset(&self, 0, sizeof self);
    self.cite = path;
    self.path = path;
    st->count_progress = 0;
    file_progress fp = {st->cb, 0, file_size};
    sl_status rc;
    if (kind == SL_KIND_HTML || kind == SL_KIND_XMLSS || kind == SL_KIND_XLS ||
        kind == SL_KIND_MAIL || kind == SL_KIND_JSON) {
        number_whole_file(st, &self, fd, file_size);
        env.progress = file_progress_add;
        env.progress_ud = &fp;
        rc = kind == SL_KIND_MAIL    ? sl_archive_read_mail(&env, fd, mail, &self)
             : kind == SL_KIND_HTML  ? sl_archive_read_html(&env, fd, &self)
             : kind == SL_KIND_XMLSS ? sl_archive_read_xmlss(&env, fd, &self)
             : kind == SL_KIND_JSON  ? sl_archive_read_json(&env, fd, &self)
                                     : sl_archive_read_xls(&env, fd, &self);
        file_progress_add(&fp, file_size);
    } else if (kind == SL_KIND_GZIP || kind == SL_KIND_ZSTD || kind == SL_KIND_XZ ||
               kind == SL_KIND_BZIP2) {
        /* a gzip with another method than deflate: libarchive says it cannot read it */
        sl_magic m = sl_magic_is_stream(magic) ? magic : SL_MAGIC_GZIP;
        self.format = sl_magic_name(m);
        rc = sl_archive_read_fd(&env, fd, m, &self, 0); /* a text, or a tar (hashed there) */
    } else if (kind == SL_KIND_ARCHIVE) { /* a tar, 7z or rar: members, like a zip */
        sl_magic m = magic == SL_MAGIC_7Z || magic == SL_MAGIC_RAR ? magic : SL_MAGIC_TAR;
        number_whole_file(st, &self, fd, file_size);
        self.format = sl_magic_name(m);
        self.encoding = "binary";
        rc = sl_archive_read_fd(&env, fd, m, &self, 0);
    } else {
        sl_zip_kind zk = sl_xlsx_probe_fd(fd);
        const char *unread = sl_zip_kind_unread(zk);
        if (unread) { /* an office document: one file skipped, not its parts read as texts */
            sl_read_diag(st->cb, SL_DIAG_WARN, "read.unsupported_format", path, 0, 0,
                         "%s: " SL_UNREAD_ADVICE "; file skipped",
                         unread);
            if (st->cb->progress && file_size) st->cb->progress(st->cb->ud, file_size);
            return SL_OK;
        }
        number_whole_file(st, &self, fd, file_size);
        if (zk == SL_ZIP_WORKBOOK || zk == SL_ZIP_ODF_SPREADSHEET || zk == SL_ZIP_WORD ||
            zk == SL_ZIP_ODF_TEXT) {
            env.progress = file_progress_add;
            env.progress_ud = &fp;
            rc = sl_archive_read_workbook(&env, fd, &self, zk);
            file_progress_add(&fp, file_size);
        } else {
            self.format = "zip";
            self.encoding = "binary";
            rc = sl_archive_read_fd(&env, fd, SL_MAGIC_ZIP, &self, 0);
        }
    }
    /* Damage and refusals inside were reported through diag; only running out of memory
     * fails the call. */
    return rc == SL_ENOMEM ? rc : SL_OK;
}

/* The one place where a file's kind decides how it is read. The container and format readers
 * (zip, gzip, zstd, xlsx, html, xmlss, xls, UTF-16) plug in here; they may reuse sl_read_text
 * for each text stream they produce. fp->buf holds the file's first head_len bytes; fd is at that offset. */
static sl_status read_by_kind(sl_reader_state *st, const char *path, file_pull *fp,
                              sl_read_kind kind, uint64_t file_size)
{
    switch (kind) {
    case SL_KIND_TEXT:
    case SL_KIND_UTF16LE:
    case SL_KIND_UTF16BE: {
        sl_source src;
        memset(&src, 0, sizeof src);
        src.cite = path;
        src.path = path;
        fp->src = &src;
        fp->h = sl_sha256_new();
        if (!fp->h) return SL_ENOMEM;
        fp->have_st0 = fstat(fp->fd, &fp->st0) == 0;
        if (st->opts->hash_thread && file_size > SL_HASH_THREAD_MIN) (void)bg_hash_start(fp);
        if (kind == SL_KIND_TEXT) warn_nul(st->cb, path, fp->buf, fp->head_len);
        sl_status rc;
        /* Plain UTF-8 stays on the direct path; UTF-16 and text that is not valid UTF-8 go
         * through the decoder (which reports its decision). */
        if (kind == SL_KIND_TEXT &&
            sl_encoding_sniff(fp->buf, fp->head_len, fp->head_len < SL_READ_CHUNK, NULL, NULL,
                              0) != SL_ENC_CP1252) {
            st->count_progress = 1;
            rc = sl_read_text(st, &src, file_pull_fn, fp);
        } else {
            st->count_progress = 0;
            rc = sl_read_text_decoded(st, &src, file_pull_fn, fp);
            if (st->cb->progress && file_size) st->cb->progress(st->cb->ud, file_size);
        }
        bg_hash_stop(fp); /* when reading stopped early */
        sl_sha256_free(fp->h);
        fp->h = NULL;
        return rc;
    }
    case SL_KIND_ZIP:
    case SL_KIND_XLSX:
    case SL_KIND_GZIP:
    case SL_KIND_ZSTD:
    case SL_KIND_XZ:
    case SL_KIND_BZIP2:
    case SL_KIND_ARCHIVE:
    case SL_KIND_HTML:
    case SL_KIND_XMLSS:
    case SL_KIND_XLS:
    case SL_KIND_MAIL:
    case SL_KIND_JSON:
        return read_container_file(st, path, fp->fd, kind, sl_magic_sniff(fp->buf, fp->head_len),
                                   kind == SL_KIND_MAIL ? sl_mail_sniff(fp->buf, fp->head_len)
                                                        : SL_MAIL_NONE,
                                   file_size);
    case SL_KIND_BINARY:
        break;
    }
    sl_read_diag(st->cb, SL_DIAG_WARN, "read.unsupported_format", path, 0, 0,
                 "%s file: this format is not read (yet); file skipped", sl_read_kind_name(kind));
    /* the file's bytes count as done, so progress still adds up to the input size */
    if (st->cb->progress && file_size) st->cb->progress(st->cb->ud, file_size);
    return SL_OK;
}

/* Reads the open file fd (closed here) as the input file cited as path. */
static sl_status read_open_file(const char *path, int fd, const sl_read_opts *opts,
                                const sl_reader_cb *cb, uint32_t *next_id, char *const *volumes,
                                size_t nvolumes)
{
    static const sl_reader_cb no_cb;
    sl_read_opts o = {0, 0, 0};
    uint32_t id_local = 1;
    if (opts) o = *opts;
    if (!o.max_record) o.max_record = (size_t)1 << 20;
    if (!o.max_depth) o.max_depth = 4;
    if (!o.max_inflate) o.max_inflate = (uint64_t)64 << 30;
    if (!cb) cb = &no_cb;
    if (!next_id) next_id = &id_local;
    struct stat sb;
    if (fstat(fd, &sb) != 0 || !S_ISREG(sb.st_mode)) {
        int e = errno;
        sl_read_diag(cb, SL_DIAG_ERROR, "read.io", path, 0, 0, "cannot read: %s",
                     fstat(fd, &sb) != 0 ? strerror(e)
                     : S_ISDIR(sb.st_mode) ? "is a folder" : "not a regular file");
        close(fd);
        return SL_EIO;
    }
    file_pull fp = {.fd = fd, .path = path, .cb = cb, .buf = malloc(SL_READ_CHUNK)};
    if (!fp.buf) {
        close(fd);
        return SL_ENOMEM;
    }
    sl_status rc;
    long n = sl_read_full(fd, fp.buf, SL_READ_CHUNK);
    if (n < 0) {
        sl_read_diag(cb, SL_DIAG_ERROR, "read.io", path, 0, 0, "read failed: %s", strerror(errno));
        rc = SL_EIO;
    } else {
        fp.head_len = (size_t)n;
        sl_reader_state st = {&o, cb, next_id, 1, volumes, nvolumes};
        sl_read_kind kind = sl_read_sniff((const unsigned char *)fp.buf, (size_t)n, path);
        rc = read_by_kind(&st, path, &fp, kind, (uint64_t)sb.st_size);
    }
    free(fp.buf);
    close(fd);
    return rc;
}

sl_status sl_read_file(const char *path, const sl_read_opts *opts, const sl_reader_cb *cb,
                       uint32_t *next_id)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        sl_read_diag(cb, SL_DIAG_ERROR, "read.io", path, 0, 0, "cannot open: %s", strerror(errno));
        return SL_EIO;
    }
    return read_open_file(path, fd, opts, cb, next_id, NULL, 0);
}

/* ---- volumes: one file split into numbered parts ----------------------------------------- */

/* How a split file's volumes are named. */
enum { VOL_NUMBERED, VOL_ZIP, VOL_RAR };

/* The length of the name's base when it ends in a volume number: ".001" (VOL_NUMBERED: three
 * to six digits), ".z01" (VOL_ZIP: two or more), ".part1.rar" (VOL_RAR: one or more); with
 * that number in *num and the digits' count in *digits; 0 when it does not. */
static size_t volume_base(const char *name, int how, unsigned long *num, size_t *digits) {
    size_t n = strlen(name), d = 0;
    if (how == VOL_RAR) {
        if (n < 4 || !sl_ends_with_ci(name, n, ".rar")) return 0;
        n -= 4;
    }
    while (d < n && name[n - 1 - d] >= '0' && name[n - 1 - d] <= '9') d++;
    static const char *const mark[] = {".", ".z", ".part"};
    size_t ml = strlen(mark[how]);
    if (d < (how == VOL_NUMBERED ? 3u : how == VOL_ZIP ? 2u : 1u) || d > 6 || n < d + ml + 1)
        return 0;
    size_t dot = n - d - ml;
    for (size_t k = 0; k < ml; k++)
        if (sl_tolower((unsigned char)name[dot + k]) != mark[how][k]) return 0;
    *num = strtoul(name + n - d, NULL, 10);
    *digits = d;
    return dot;
}

/* The first bytes of the file at path (up to cap), or -1. */
static long head_of(const char *path, char *buf, size_t cap) {
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) return -1;
    long n = sl_read_full(fd, buf, cap);
    close(fd);
    return n;
}

/* The first line of a text's head, without a UTF-8 BOM and line end. */
static sl_slice first_line(const char *p, long n) {
    sl_slice l = {p, n > 0 ? (size_t)n : 0};
    if (l.len >= 3 && memcmp(l.p, "\xEF\xBB\xBF", 3) == 0) { l.p += 3; l.len -= 3; }
    const char *e = memchr(l.p, '\n', l.len);
    if (e) l.len = (size_t)(e - l.p);
    if (l.len && l.p[l.len - 1] == '\r') l.len--;
    return l;
}

/* Whether the numbered parts first and second are one file cut in pieces: any file read as
 * bytes (an archive, a compressed stream, a workbook), and a text unless the second part
 * begins with the first's header line (then each part is a whole export, read as a source of
 * its own and cited by its own name). */
static int pieces_of_one(const char *first, const char *second) {
    char a[4096], b[4096];
    long na = head_of(first, a, sizeof a), nb;
    if (na <= 0) return 0;
    sl_read_kind k = sl_read_sniff((const unsigned char *)a, (size_t)na, first);
    if (k != SL_KIND_TEXT) return k != SL_KIND_UTF16LE && k != SL_KIND_UTF16BE;
    if ((nb = head_of(second, b, sizeof b)) <= 0) return 0;
    sl_slice la = first_line(a, na), lb = first_line(b, nb);
    return !(la.len && la.len == lb.len && memcmp(la.p, lb.p, la.len) == 0);
}

size_t sl_volume_run(char *const *files, size_t n, size_t i, char *missing, size_t cap) {
    unsigned long num;
    size_t base = 0, digits;
    int how;
    if (cap) missing[0] = '\0';
    if (i >= n || !files[i]) return 1;
    for (how = VOL_NUMBERED; how <= VOL_RAR; how++)
        if ((base = volume_base(files[i], how, &num, &digits))) break;
    if (!base || num != 1) return 1;
    if (how == VOL_NUMBERED && (i + 1 >= n || !files[i + 1] || !pieces_of_one(files[i], files[i + 1])))
        return 1; /* a .z01 is always a piece of a split zip, a .part1.rar of a RAR */
    size_t k = 1;
    unsigned long m;
    size_t md;
    const char *b = sl_path_base(files[i]);
    size_t bl = strlen(b);
    for (; i + k < n && files[i + k]; k++) {
        const char *f = files[i + k];
        if (volume_base(f, how, &m, &md) != base || md != digits || memcmp(f, files[i], base) != 0)
            break;
        if (m != k + 1) { /* a later volume, after one that is missing */
            if (how == VOL_RAR)
                sl_fmt(missing, cap, "%.*s%0*zu.rar", (int)(bl - digits - 4), b, (int)digits, k + 1);
            else
                sl_fmt(missing, cap, "%.*s%0*zu", (int)(bl - digits), b, (int)digits, k + 1);
            return k;
        }
    }
    if (how != VOL_ZIP) return k;
    /* A split zip ends with the part named .zip, which holds the list of its files and says
     * how many parts come before it. */
    const char *f = i + k < n ? files[i + k] : NULL;
    if (f && strlen(f) == base + 4 && memcmp(f, files[i], base) == 0 &&
        sl_ends_with_ci(f, base + 4, ".zip")) {
        int zfd = open(f, O_RDONLY | O_CLOEXEC);
        long disk = zfd >= 0 ? sl_zip_end(zfd) : -1;
        if (zfd >= 0) close(zfd);
        if (disk > (long)k) /* a part before the .zip is missing: said, the rest joined */
            sl_fmt(missing, cap, "%.*s%0*zu", (int)(bl - digits), b, (int)digits, k + 1);
        return k + 1;
    }
    sl_fmt(missing, cap, "%.*s.zip", (int)(bl - digits - 2), b);
    return k;
}

/* Appends the whole file at path to out at *at, which it advances. */
static sl_status append_file(int out, const char *path, uint64_t *at) {
    int in = open(path, O_RDONLY | O_CLOEXEC);
    if (in < 0) return SL_EIO;
    sl_status rc = SL_OK;
    for (;;) { /* the kernel copies (copy_file_range); read and write where it cannot */
        off_t o = (off_t)*at;
        ssize_t n = copy_file_range(in, NULL, out, &o, (size_t)1 << 30, 0);
        if (n == 0) break;
        if (n > 0) {
            *at += (uint64_t)n;
            continue;
        }
        if (errno == EINTR) continue;
        if (errno != EXDEV && errno != EINVAL && errno != ENOSYS && errno != EOPNOTSUPP) {
            rc = SL_EIO;
            break;
        }
        char *buf = malloc(SL_READ_CHUNK);
        if (!buf) { rc = SL_ENOMEM; break; }
        for (;;) {
            long r = sl_read_full(in, buf, SL_READ_CHUNK);
            if (r < 0 || (r > 0 && sl_pwrite_all(out, buf, (size_t)r, *at) != 0)) rc = SL_EIO;
            if (r <= 0 || rc) break;
            *at += (uint64_t)r;
        }
        free(buf);
        break;
    }
    close(in);
    return rc;
}

sl_status sl_read_volumes(char *const *paths, size_t n, const sl_read_opts *opts,
                          const sl_reader_cb *cb, uint32_t *next_id)
{
    if (n == 1) return sl_read_file(paths[0], opts, cb, next_id);
    char head[64];
    long hn = head_of(paths[0], head, sizeof head);
    if (hn > 0 && sl_rar_is_volume(head, (size_t)hn)) { /* RAR: read across, not joined */
        int fd = open(paths[0], O_RDONLY | O_CLOEXEC);
        if (fd < 0) {
            sl_read_diag(cb, SL_DIAG_ERROR, "read.io", paths[0], 0, 0, "cannot open: %s",
                         strerror(errno));
            return SL_EIO;
        }
        char **names = calloc(n + 1, sizeof *names); /* NULL-ended, as libarchive wants */
        if (!names) {
            close(fd);
            return SL_ENOMEM;
        }
        memcpy(names, paths, n * sizeof *names);
        const char *last = strrchr(paths[n - 1], '/');
        sl_read_diag(cb, SL_DIAG_INFO, "read.volumes", paths[0], 0, 0,
                     "the first of %zu volumes of a RAR archive (to %s), read as one: its size "
                     "and hash are those of the volumes joined", n, last ? last + 1 : paths[n - 1]);
        sl_status rc = read_open_file(paths[0], fd, opts, cb, next_id, names, n);
        free(names);
        return rc;
    }
    FILE *t = sl_tmpfile();
    if (!t) {
        sl_read_diag(cb, SL_DIAG_ERROR, "read.io", paths[0], 0, 0,
                     "cannot create a temporary file in %s to join its %zu volumes: %s (set "
                     "TMPDIR to a folder with room)", sl_tmpdir(), n, strerror(errno));
        return SL_EIO;
    }
    int fd = dup(fileno(t));
    fclose(t); /* the file lives on through fd (tmpfile's is unlinked already) */
    if (fd < 0) return SL_EIO;
    uint64_t at = 0;
    for (size_t i = 0; i < n; i++) {
        sl_status rc = append_file(fd, paths[i], &at);
        if (rc) {
            sl_read_diag(cb, SL_DIAG_ERROR, "read.io", paths[i], 0, 0,
                         "cannot join this volume to %s, in a temporary file in %s: %s%s",
                         paths[0], sl_tmpdir(), rc == SL_ENOMEM ? "out of memory" : strerror(errno),
                         errno == ENOSPC ? " (set TMPDIR to a folder with room)" : "");
            close(fd);
            return rc;
        }
    }
    const char *last = strrchr(paths[n - 1], '/');
    sl_read_diag(cb, SL_DIAG_INFO, "read.volumes", paths[0], 0, 0,
                 "the first of %zu volumes (to %s), read as one file joined in order: its "
                 "size and hash are those of the volumes joined", n,
                 last ? last + 1 : paths[n - 1]);
    if (lseek(fd, 0, SEEK_SET) != 0) {
        close(fd);
        return SL_EIO;
    }
    return read_open_file(paths[0], fd, opts, cb, next_id, NULL, 0);
}

