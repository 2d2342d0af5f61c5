/* container.c: ZIP, gzip and zstd containers read with libarchive. Walks zip members (skipping
 * folders, __MACOSX/ and dotfiles, with a message), recurses into zips inside zips through a
 * temporary file up to max_depth, hands workbooks to xlsx.c and text members to the reader's
 * text runner, hashing each member's decompressed bytes and bounding decompression. */
#include "container.h"
#include "html.h"
#include "json.h"
#include "mail.h"
#include "xls.h"
#include "xmlss.h"

#include <archive.h>
#include <archive_entry.h>
#include <errno.h>
#include <limits.h>
#include <locale.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

/* Bytes per archive_read_data call and per read of the file: large blocks keep libarchive's
 * and the text reader's per-call costs small. */
#define AR_BLOCK (1024 * 1024)

sl_status sl_inflate_add(sl_inflate_guard *g, uint64_t n, uint64_t member_out,
                         uint64_t member_in, char *why, size_t whycap) {
    uint64_t max = g->max_total ? g->max_total : SL_INFLATE_DEFAULT_MAX;
    uint64_t rmin = g->ratio_min ? g->ratio_min : SL_INFLATE_RATIO_MIN;
    unsigned rmax = g->ratio_max ? g->ratio_max : SL_INFLATE_RATIO_MAX;
    g->total += n;
    if (g->total > max) {
        sl_fmt(why, whycap, "more than %llu bytes decompressed from one archive (cap reached; "
               "possible zip bomb)", (unsigned long long)max);
        return SL_ELIMIT;
    }
    if (member_out > rmin && member_out / (member_in + 1) > rmax) {
        sl_fmt(why, whycap, "member expands more than %u:1 (%llu bytes from %llu; possible zip "
               "bomb)", rmax, (unsigned long long)member_out, (unsigned long long)member_in);
        return SL_ELIMIT;
    }
    return SL_OK;
}

sl_magic sl_magic_sniff(const void *vp, size_t n) {
    const unsigned char *p = vp;
    if (n >= 4 && p[0] == 'P' && p[1] == 'K' &&
        ((p[2] == 3 && p[3] == 4) || (p[2] == 5 && p[3] == 6)))
        return SL_MAGIC_ZIP;
    /* A zip written to be split ("PK" 7 8, or "PK00" when it fit in one part), then its
     * first entry (APPNOTE 8.5.3-8.5.4) */
    if (n >= 8 && p[0] == 'P' && p[1] == 'K' &&
        ((p[2] == 7 && p[3] == 8) || (p[2] == '0' && p[3] == '0')) &&
        memcmp(p + 4, "PK\3\4", 4) == 0)
        return SL_MAGIC_ZIP;
    if (n >= 3 && p[0] == 0x1F && p[1] == 0x8B && p[2] == 8) return SL_MAGIC_GZIP;
    if (n >= 4 && p[0] == 0x28 && p[1] == 0xB5 && p[2] == 0x2F && p[3] == 0xFD)
        return SL_MAGIC_ZSTD;
    if (n >= 6 && memcmp(p, "\xFD" "7zXZ\0", 6) == 0) return SL_MAGIC_XZ;
    /* "BZh", the block size, then a first block's "1AY&SY" (a text may begin "BZh1") */
    if (n >= 10 && p[0] == 'B' && p[1] == 'Z' && p[2] == 'h' && p[3] >= '1' && p[3] <= '9' &&
        memcmp(p + 4, "1AY&SY", 6) == 0)
        return SL_MAGIC_BZIP2;
    if (n >= 6 && memcmp(p, "7z\xBC\xAF\x27\x1C", 6) == 0) return SL_MAGIC_7Z;
    /* RAR 1.5-4.x ("Rar!" 1A 07 00) and RAR 5 ("Rar!" 1A 07 01 00) */
    if (n >= 7 && memcmp(p, "Rar!\x1A\x07", 6) == 0 &&
        (p[6] == 0 || (n >= 8 && p[6] == 1 && p[7] == 0)))
        return SL_MAGIC_RAR;
    /* POSIX ("ustar\0") and GNU ("ustar  ") tar headers name themselves at byte 257 */
    if (n >= 263 && memcmp(p + 257, "ustar", 5) == 0 && (p[262] == 0 || p[262] == ' '))
        return SL_MAGIC_TAR;
    return SL_MAGIC_NONE;
}

const char *sl_magic_name(sl_magic m) {
    switch (m) {
    case SL_MAGIC_ZIP: return "zip";
    case SL_MAGIC_GZIP: return "gzip";
    case SL_MAGIC_ZSTD: return "zstd";
    case SL_MAGIC_XZ: return "xz";
    case SL_MAGIC_BZIP2: return "bzip2";
    case SL_MAGIC_TAR: return "tar";
    case SL_MAGIC_7Z: return "7z";
    case SL_MAGIC_RAR: return "rar";
    case SL_MAGIC_NONE: break;
    }
    return "";
}

/* A little-endian base-128 number (RAR 5's vint) at p[*i], advancing *i; 0 when cut. */
static uint64_t rar_vint(const unsigned char *p, size_t n, size_t *i) {
    uint64_t v = 0;
    for (unsigned sh = 0; *i < n && sh < 64; sh += 7) {
        unsigned char b = p[(*i)++];
        v |= (uint64_t)(b & 0x7F) << sh;
        if (!(b & 0x80)) return v;
    }
    return 0;
}

int sl_rar_is_volume(const void *vp, size_t n) {
    const unsigned char *p = vp;
    if (sl_magic_sniff(p, n) != SL_MAGIC_RAR) return 0;
    if (p[6] == 0) /* RAR 4: the archive header (type 0x73) follows; flag 1: a volume */
        return n >= 12 && p[9] == 0x73 && (p[10] & 1);
    size_t i = 12; /* RAR 5: after the signature and the header's CRC32: size, type 1, flags */
    rar_vint(p, n, &i);
    if (rar_vint(p, n, &i) != 1) return 0;
    uint64_t hf = rar_vint(p, n, &i);
    if (hf & 1) rar_vint(p, n, &i); /* extra area size */
    if (hf & 2) rar_vint(p, n, &i); /* data size */
    return i < n && (rar_vint(p, n, &i) & 1);
}

int sl_magic_is_stream(sl_magic m) {
    return m == SL_MAGIC_GZIP || m == SL_MAGIC_ZSTD || m == SL_MAGIC_XZ || m == SL_MAGIC_BZIP2;
}

static void adiag(const sl_archive_env *env, sl_severity sev, const char *code, const char *src,
                  const char *msg) {
    if (!env->cb->diag) return;
    sl_diag d = {sev, code, src, 0, 0, msg};
    env->cb->diag(env->cb->diag_ud, &d);
}

/* ---- pulling a member's bytes --------------------------------------------------------------- */

typedef struct {
    const sl_archive_env *env;
    struct archive *a;
    sl_inflate_guard *g;
    sl_source *src;
    sl_sha256 *h;
    char *buf;
    size_t first;      /* bytes of the first block still to hand out */
    uint64_t out;
    int64_t in0;
    int done, err;
    int64_t *progress; /* top level only: compressed bytes reported so far */
    sl_entry_reader er;
    struct gunzip *gz; /* a gzip stream read by zlib instead of libarchive (a NULL) */
    const sl_mail_part *part; /* an e-mail attachment's decoded bytes (a NULL, gz NULL) */
} pull_ctx;

sl_status sl_inflate_add_entry(sl_inflate_guard *g, struct archive *a, int64_t in0, uint64_t n,
                               uint64_t member_out, char *why, size_t whycap) {
    int64_t in = archive_filter_bytes(a, -1) - in0;
    return sl_inflate_add(g, n, member_out, in > 0 ? (uint64_t)in : 0, why, whycap);
}

/* libarchive's words, without the line break some of its messages end with. */
static void archive_words(struct archive *a, char *out, size_t cap, const char *none) {
    const char *why = archive_error_string(a);
    sl_fmt(out, cap, "%s", why ? why : none);
    size_t n = strlen(out);
    while (n && sl_isspace((unsigned char)out[n - 1])) out[--n] = '\0';
}

long sl_entry_read(struct archive *a, sl_entry_reader *r, char *buf, size_t cap) {
    size_t got = 0;
    while (got < cap && !r->eof && !r->damaged) {
        if (!r->n) {
            const void *b;
            size_t len;
            la_int64_t off;
            int rc = archive_read_data_block(a, &b, &len, &off);
            if (rc == ARCHIVE_EOF) {
                r->eof = 1;
                break;
            }
            if (rc < ARCHIVE_WARN) {
                archive_words(a, r->why, sizeof r->why, "unknown error");
                r->damaged = 1;
                break;
            }
            if (rc == ARCHIVE_WARN && !r->warned) {
                archive_words(a, r->warning, sizeof r->warning, "unknown warning");
                r->warned = 1;
            }
            if (!len) continue; /* an empty block (b may be NULL): ask for the next */
            r->p = b;
            r->n = len;
        }
        size_t k = cap - got < r->n ? cap - got : r->n;
        memcpy(buf + got, r->p, k);
        r->p += k;
        r->n -= k;
        got += k;
    }
    return !got && r->damaged ? -1 : (long)got;
}

int sl_entry_mismatch(const sl_entry_reader *r) {
    return r->warned && (strstr(r->warning, "CRC") || strstr(r->warning, "wrong size"));
}

/* ---- gzip by zlib ------------------------------------------------------------------------- *
 * A gzip file holding one text is inflated here rather than through libarchive, whose gzip
 * filter hands out its output 64 KiB at a time and drops the block it was filling when the
 * input ends early: a cut-off .csv.gz lost up to 64 KiB of rows before the cut, and all of
 * them when less than that came before it. Members that follow one another are read on (as
 * gzip(1) does); bytes after the last one are ignored. */
#define GZ_IN (256 * 1024)

typedef struct gunzip {
    int fd;
    z_stream z;
    unsigned char *in;
    uint64_t in_total; /* compressed bytes read */
    int ended;         /* a member ended: another may follow */
    int eof, damaged;
    char why[200];
} gunzip;

static gunzip *gunzip_new(int fd) {
    gunzip *g = calloc(1, sizeof *g);
    if (!g) return NULL;
    g->fd = fd;
    if (!(g->in = malloc(GZ_IN)) || inflateInit2(&g->z, 15 + 16) != Z_OK) { /* gzip only */
        free(g->in);
        free(g);
        return NULL;
    }
    return g;
}

static void gunzip_free(gunzip *g) {
    if (!g) return;
    inflateEnd(&g->z);
    free(g->in);
    free(g);
}

/* Up to cap inflated bytes into buf: what came before damage first, then -1 (why in g->why). */
static long gunzip_read(gunzip *g, char *buf, size_t cap) {
    size_t got = 0;
    while (got < cap && !g->eof && !g->damaged) {
        if (!g->z.avail_in) {
            ssize_t n = read(g->fd, g->in, GZ_IN);
            if (n < 0 && errno == EINTR) continue;
            if (n < 0) {
                sl_fmt(g->why, sizeof g->why, "%s", strerror(errno));
                g->damaged = 1;
                break;
            }
            if (n == 0) {
                if (g->ended) g->eof = 1;
                else {
                    sl_fmt(g->why, sizeof g->why, "truncated gzip input");
                    g->damaged = 1;
                }
                break;
            }
            g->z.next_in = g->in;
            g->z.avail_in = (uInt)n;
            g->in_total += (uint64_t)n;
        }
        if (g->ended) { /* another member, or bytes to ignore */
            if (g->z.next_in[0] != 0x1F) {
                g->eof = 1;
                break;
            }
            inflateReset(&g->z);
            g->ended = 0;
        }
        size_t room = cap - got > UINT_MAX ? UINT_MAX : cap - got;
        g->z.next_out = (unsigned char *)buf + got;
        g->z.avail_out = (uInt)room;
        int rc = inflate(&g->z, Z_NO_FLUSH);
        got += room - g->z.avail_out;
        if (rc == Z_STREAM_END) g->ended = 1;
        else if (rc != Z_OK && rc != Z_BUF_ERROR) { /* Z_BUF_ERROR: wants more input */
            sl_fmt(g->why, sizeof g->why, "%s", g->z.msg ? g->z.msg : "damaged data");
            g->damaged = 1;
        }
    }
    return !got && g->damaged ? -1 : (long)got;
}

/* Whether the gzip at fd holds a tar (its first inflated bytes name it), which libarchive
 * reads member by member; 1 too when nothing at all inflates (libarchive says why). */
static int gzip_holds_tar(int fd) {
    gunzip *g = gunzip_new(fd);
    if (!g) return 1;
    char head[512];
    size_t n = 0;
    long k;
    if (lseek(fd, 0, SEEK_SET) == 0)
        while (n < sizeof head && (k = gunzip_read(g, head + n, sizeof head - n)) > 0) n += (size_t)k;
    int tar = n == 0 || sl_magic_sniff(head, n) == SL_MAGIC_TAR;
    gunzip_free(g);
    return tar;
}

/* An e-mail attachment's decoded bytes, from its temporary file; -1 at the end of one the
 * message was cut off in (after every byte it has). */
static long part_read(pull_ctx *pc, char *buf, size_t cap) {
    size_t got = 0;
    while (got < cap) {
        ssize_t n = read(pc->part->fd, buf + got, cap - got);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) {
            sl_fmt(pc->er.why, sizeof pc->er.why, "%s", strerror(errno));
            return -1;
        }
        if (n == 0) break;
        got += (size_t)n;
    }
    if (got == 0 && pc->part->cut) {
        sl_fmt(pc->er.why, sizeof pc->er.why, "the e-mail message is cut off inside this "
               "attachment (saved or copied incompletely), so its end is missing; get the "
               "message again");
        return -1;
    }
    return (long)got;
}

/* Up to cap decompressed bytes into buf (sl_entry_read: what came before damage first). */
static long member_read(pull_ctx *pc, char *buf, size_t cap) {
    long got = pc->gz     ? gunzip_read(pc->gz, buf, cap)
               : pc->part ? part_read(pc, buf, cap)
                          : sl_entry_read(pc->a, &pc->er, buf, cap);
    if (got < 0 && pc->gz) sl_fmt(pc->er.why, sizeof pc->er.why, "%s", pc->gz->why);
    if (got < 0) {
        char m[400];
        const char *verb = pc->part ? "read" : "decompress";
        if (pc->out)
            sl_fmt(m, sizeof m, "cannot %s past byte %llu of its content: %s; what came "
                   "before was read", verb, (unsigned long long)pc->out, pc->er.why);
        else
            sl_fmt(m, sizeof m, "cannot %s: %s", verb, pc->er.why);
        adiag(pc->env, SL_DIAG_ERROR, pc->part ? "mail.cut_off" : "archive.damaged",
              pc->src->cite, m);
        pc->err = SL_EFORMAT;
        if (pc->h) pc->src->size = pc->out; /* what could be read; no SHA-256 of a part */
        return -1;
    }
    if (got == 0 && pc->er.warned) {
        char m[400];
        int mismatch = sl_entry_mismatch(&pc->er);
        sl_fmt(m, sizeof m, "%s (%s): the content was read as found, but some bytes may be "
               "damaged; check values against another copy",
               mismatch ? "its content does not match what the archive recorded"
                        : "the archive reader warned while reading it", pc->er.warning);
        adiag(pc->env, SL_DIAG_WARN, mismatch ? "archive.bad_checksum" : "archive.warning",
              pc->src->cite, m);
        pc->er.warned = 0; /* said once */
    }
    la_ssize_t n = (la_ssize_t)got;
    pc->out += (uint64_t)n;
    char why[200];
    int64_t in_now = pc->gz     ? (int64_t)pc->gz->in_total
                     : pc->part ? (int64_t)pc->out
                                : archive_filter_bytes(pc->a, -1);
    uint64_t in = in_now > pc->in0 ? (uint64_t)(in_now - pc->in0) : 0;
    if (sl_inflate_add(pc->g, (uint64_t)n, pc->out, in, why, sizeof why)) {
        char m[400];
        sl_fmt(m, sizeof m, "refused: %s", why);
        adiag(pc->env, SL_DIAG_ERROR, "archive.bomb", pc->src->cite, m);
        pc->err = SL_ELIMIT;
        return -1;
    }
    if (n > 0 && pc->h) sl_sha256_update(pc->h, buf, (size_t)n);
    if (pc->progress && pc->env->cb->progress && in_now > *pc->progress) {
        pc->env->cb->progress(pc->env->cb->ud, (uint64_t)(in_now - *pc->progress));
        *pc->progress = in_now;
    }
    return (long)n;
}

static long pull(void *vp, const char **buf) {
    pull_ctx *pc = vp;
    if (pc->done || pc->err) return pc->err ? -1 : 0;
    *buf = pc->buf;
    if (pc->first) {
        long n = (long)pc->first;
        pc->first = 0;
        return n;
    }
    long n = member_read(pc, pc->buf, AR_BLOCK);
    if (n == 0) {
        pc->done = 1;
        if (pc->h) {
            sl_sha256_final(pc->h, pc->src->sha256);
            pc->src->size = pc->out;
        }
    }
    return n;
}

/* ---- walking a zip --------------------------------------------------------------------------- */

static sl_status read_container(const sl_archive_env *env, int fd, sl_magic kind, sl_source *self,
                                unsigned depth, sl_inflate_guard *g, int64_t *progress);

static int skip_reason(struct archive_entry *e, const char *name, const char **why) {
    if (archive_entry_filetype(e) == AE_IFDIR || name[strlen(name) - 1] == '/') {
        *why = "a folder";
        return 1;
    }
    if (strncmp(name, "__MACOSX/", 9) == 0 || strstr(name, "/__MACOSX/")) {
        *why = "macOS resource data (__MACOSX/)";
        return 1;
    }
    for (const char *p = name; p; p = strchr(p, '/')) {
        if (*p == '/') p++;
        if (*p == '.') { *why = "a hidden file"; return 1; }
    }
    if (archive_entry_filetype(e) != AE_IFREG) { *why = "not a regular file"; return 1; }
    return 0;
}

/* Copies the rest of the member into a temporary file (bytes hashed and counted). */
static FILE *spool(pull_ctx *pc) {
    FILE *f = sl_tmpfile();
    char m[400];
    if (!f) {
        sl_fmt(m, sizeof m, "cannot create a temporary file in %s to read a nested archive: "
               "%s (set TMPDIR to a folder with room)", sl_tmpdir(), strerror(errno));
        adiag(pc->env, SL_DIAG_ERROR, "archive.tmpfile", pc->src->cite, m);
        pc->err = SL_EIO;
        return NULL;
    }
    const char *b;
    long n;
    int e = 0;
    while ((n = pull(pc, &b)) > 0)
        if (fwrite(b, 1, (size_t)n, f) != (size_t)n) { pc->err = SL_EIO; e = errno; break; }
    if (pc->err || fflush(f) != 0) {
        if (!pc->err) { pc->err = SL_EIO; e = errno; }
        if (pc->err == SL_EIO) {
            sl_fmt(m, sizeof m, "cannot write a temporary file in %s to read a nested archive: "
                   "%s (set TMPDIR to a folder with room)", sl_tmpdir(), strerror(e));
            adiag(pc->env, SL_DIAG_ERROR, "archive.tmpfile", pc->src->cite, m);
        }
        fclose(f);
        return NULL;
    }
    return f;
}

static sl_status read_mail(const sl_archive_env *env, int fd, sl_mail_kind kind, sl_source *self,
                           unsigned depth, sl_inflate_guard *g);
typedef sl_status (*sheets_read_fn)(int fd, const sl_html_opts *opts, const sl_xlsx_cb *cb);
static sl_status read_sheets_of(const sl_archive_env *env, int fd, sl_source *src,
                                const char *format, const char *encoding, sheets_read_fn read_fd);

/* A member or a decompressed stream whose first n bytes (in pc->buf, handed out first by
 * pull) are a web page, an Excel 2003 XML spreadsheet, an Excel 97-2003 workbook or an e-mail
 * message or mailbox: spooled (which fills src's sha256 and size) and read by its reader, its
 * tables, sheets or attachments becoming sources under src. Returns 0 when it is none of
 * these (nothing is read). */
static int read_as_sheets(const sl_archive_env *env, pull_ctx *pc, sl_source *src, size_t n,
                          unsigned depth, sl_status *st) {
    const unsigned char *p = (const unsigned char *)pc->buf;
    int page = (pc->part && pc->part->body) || sl_html_sniff(p, n); /* an HTML mail text */
    int ole = !page && n >= 8 && memcmp(p, SL_OLE2_MAGIC, 8) == 0;
    sl_mail_kind mail = page || ole ? SL_MAIL_NONE : sl_mail_sniff(p, n);
    int json = !page && !ole && !mail && sl_json_sniff(p, n);
    if (!page && !ole && !mail && !json && !sl_xmlss_sniff(p, n)) return 0;
    FILE *f = spool(pc);
    if (!f) {
        *st = pc->err;
        return 1;
    }
    src->id = (*env->next_id)++;
    const char *ole_format = ole ? sl_ole_format(fileno(f)) : NULL; /* told once */
    if (ole_format && strcmp(ole_format, "msg") == 0) mail = SL_MAIL_MSG;
    *st = mail  ? read_mail(env, fileno(f), mail, src, depth, pc->g)
          : page ? sl_archive_read_html(env, fileno(f), src)
          : json ? sl_archive_read_json(env, fileno(f), src)
          : ole  ? read_sheets_of(env, fileno(f), src, ole_format, NULL, sl_xls_read_fd)
                 : sl_archive_read_xmlss(env, fileno(f), src);
    fclose(f);
    return 1;
}

/* Reads a member (or an attachment) whose puller pc is set up: what its first bytes are
 * decides whether it is a text, a workbook, a page, a message or a nested archive. */
static sl_status read_child(const sl_archive_env *env, pull_ctx *pc, sl_source *child,
                            unsigned depth, sl_inflate_guard *g) {
    sl_status st = SL_OK;
    long n = member_read(pc, pc->buf, AR_BLOCK);
    if (n < 0) return pc->err;
    pc->first = (size_t)n;
    sl_magic kind = sl_magic_sniff(pc->buf, (size_t)n);
    if (kind == SL_MAGIC_NONE && read_as_sheets(env, pc, child, (size_t)n, depth, &st)) return st;
    if (kind == SL_MAGIC_NONE) {
        /* The text runner gives the id, format and encoding; this puller hashes. */
        child->format = NULL;
        child->encoding = NULL;
        st = env->run_text(env->run_ud, child, pull, pc);
        if (pc->err) st = (sl_status)pc->err;
        return st;
    }
    if (depth + 1 > (env->opts->max_depth ? env->opts->max_depth : 4)) {
        char m[200];
        sl_fmt(m, sizeof m, "nested archive skipped: deeper than %u levels",
               env->opts->max_depth ? env->opts->max_depth : 4);
        adiag(env, SL_DIAG_WARN, "archive.too_deep", child->cite, m);
        return SL_OK;
    }
    FILE *f = spool(pc);
    if (!f) return pc->err;
    sl_zip_kind zk = kind == SL_MAGIC_ZIP ? sl_xlsx_probe_fd(fileno(f)) : SL_ZIP_ARCHIVE;
    const char *unread = sl_zip_kind_unread(zk);
    if (unread) { /* an office document: skipped whole, not read part by part */
        char m[200];
        sl_fmt(m, sizeof m, "%s: " SL_UNREAD_ADVICE "; member skipped", unread);
        adiag(env, SL_DIAG_WARN, "read.unsupported_format", child->cite, m);
    } else if (zk == SL_ZIP_WORKBOOK || zk == SL_ZIP_ODF_SPREADSHEET || zk == SL_ZIP_WORD ||
               zk == SL_ZIP_ODF_TEXT) {
        child->id = (*env->next_id)++;
        st = sl_archive_read_workbook(env, fileno(f), child, zk);
    } else {
        /* child's sha256/size are those of the nested file; a compressed text is re-hashed
         * as its decompressed text by read_container (a compressed tar is not). */
        child->format = sl_magic_name(kind);
        if (!sl_magic_is_stream(kind)) child->id = (*env->next_id)++; /* a stream's: the text's */
        st = read_container(env, fileno(f), kind, child, depth + 1, g, NULL);
    }
    fclose(f);
    return st;
}

/* "parent-cite > name" and the member path "parent-member > name" (or name). */
static int child_names(const sl_source *self, const char *name, sl_buf *cite, sl_buf *member) {
    sl_buf_printf(cite, "%s > %s", self->cite, name);
    if (self->member) sl_buf_printf(member, "%s > %s", self->member, name);
    else sl_buf_puts(member, name);
    return !sl_buf_nul(cite) && !sl_buf_nul(member);
}

static sl_status read_member(const sl_archive_env *env, struct archive *a, struct archive_entry *e,
                             sl_source *self, unsigned depth, sl_inflate_guard *g,
                             int64_t *progress) {
    const char *name = archive_entry_pathname(e);
    sl_buf cite = {0}, member = {0};
    sl_status st = SL_OK;
    if (!child_names(self, name, &cite, &member)) {
        sl_buf_free(&cite); sl_buf_free(&member);
        return SL_ENOMEM;
    }
    const char *why;
    if (skip_reason(e, name, &why)) {
        if (archive_entry_filetype(e) != AE_IFDIR) {
            char m[300];
            sl_fmt(m, sizeof m, "member skipped: %s", why);
            adiag(env, SL_DIAG_INFO, "archive.member_skipped", cite.p, m);
        }
        goto out;
    }
    if (archive_entry_is_encrypted(e)) {
        /* rows a password keeps out: an error, not a note (nothing else would say so) */
        char m[300];
        sl_fmt(m, sizeof m, "member not read: the %s protects it with a password. Unpack the "
               "archive with the password and scan the files it holds",
               self->format && strcmp(self->format, "zip") == 0 ? "zip" : "archive");
        adiag(env, SL_DIAG_ERROR, "archive.encrypted", cite.p, m);
        goto out;
    }
    sl_source child = {0};
    child.parent = self->id;
    child.cite = cite.p;
    child.path = self->path;
    child.member = member.p;
    child.format = "csv";
    child.encoding = "utf-8";
    pull_ctx pc = {env, a, g, &child, sl_sha256_new(), malloc(AR_BLOCK), 0, 0, 0, 0, 0,
                   progress};
    if (!pc.h || !pc.buf) st = SL_ENOMEM;
    else {
        pc.in0 = archive_filter_bytes(a, -1);
        st = read_child(env, &pc, &child, depth, g);
    }
    if (pc.h) sl_sha256_free(pc.h);
    free(pc.buf);
out:
    sl_buf_free(&cite);
    sl_buf_free(&member);
    return st;
}

/* Whether the zip at fd begins with the mark of a zip written to be split ("PK" 7 8, or
 * "PK00"). Its list of files gives each entry's place within its own part, so the parts
 * joined (sl_read_volumes) are read entry after entry instead, as a stream. */
static int split_zip(int fd) {
    unsigned char h[4];
    return sl_pread_all(fd, h, 4, 0) == 0 && h[0] == 'P' && h[1] == 'K' &&
           ((h[2] == 7 && h[3] == 8) || (h[2] == '0' && h[3] == '0'));
}

static struct archive *open_fd(int fd, sl_magic kind) {
    if (lseek(fd, 0, SEEK_SET) < 0) return NULL;
    struct archive *a = archive_read_new();
    if (!a) return NULL;
    switch (kind) {
    case SL_MAGIC_ZIP:
        if (split_zip(fd)) archive_read_support_format_zip_streamable(a);
        else archive_read_support_format_zip_seekable(a);
        break;
    case SL_MAGIC_TAR: archive_read_support_format_tar(a); break;
    case SL_MAGIC_7Z: archive_read_support_format_7zip(a); break;
    case SL_MAGIC_RAR:
        archive_read_support_format_rar(a);
        archive_read_support_format_rar5(a);
        break;
    default:
        /* one compressed stream: a text, or a tar (.tar.gz, .tgz, .tar.zst, .tar.xz) */
        archive_read_support_format_tar(a);
        archive_read_support_format_raw(a);
        if (kind == SL_MAGIC_GZIP) archive_read_support_filter_gzip(a);
        else if (kind == SL_MAGIC_ZSTD) archive_read_support_filter_zstd(a);
        else if (kind == SL_MAGIC_XZ) archive_read_support_filter_xz(a);
        else archive_read_support_filter_bzip2(a);
    }
    return a;
}

/* The filter libarchive must have found for a compressed stream of this kind. */
static int filter_of(sl_magic kind) {
    switch (kind) {
    case SL_MAGIC_GZIP: return ARCHIVE_FILTER_GZIP;
    case SL_MAGIC_ZSTD: return ARCHIVE_FILTER_ZSTD;
    case SL_MAGIC_XZ: return ARCHIVE_FILTER_XZ;
    case SL_MAGIC_BZIP2: return ARCHIVE_FILTER_BZIP2;
    default: return ARCHIVE_FILTER_NONE;
    }
}

long sl_zip_end(int fd) {
    struct stat sb;
    if (fstat(fd, &sb) != 0 || sb.st_size < 4) return -1;
    size_t n = sb.st_size > 65557 ? 65557 : (size_t)sb.st_size; /* 22 + the longest comment */
    unsigned char *tail = malloc(n);
    if (!tail) return -1;
    long end = -1;
    if (sl_pread_all(fd, tail, n, (uint64_t)sb.st_size - n) == 0) {
        end = -2;
        for (size_t i = n - 3; i-- > 0;) /* from the last 4 bytes back */
            if (tail[i] == 'P' && tail[i + 1] == 'K' && tail[i + 2] == 5 && tail[i + 3] == 6) {
                end = i + 22 <= n ? (long)(tail[i + 4] | tail[i + 5] << 8) : -1;
                break;
            }
    }
    free(tail);
    return end;
}

/* The one stream of a compressed file (from libarchive's a, or zlib's gz), which is the text
 * source self itself, or a web page, XML spreadsheet or .xls read as one. */
static sl_status read_stream(const sl_archive_env *env, struct archive *a, gunzip *gz,
                             unsigned depth, sl_source *self, sl_inflate_guard *g,
                             int64_t *progress) {
    /* The text runner gives the id; this puller hashes the decompressed bytes. */
    self->encoding = NULL;
    pull_ctx pc = {env, a, g, self, sl_sha256_new(), malloc(AR_BLOCK), 0, 0, 0, 0, 0,
                   progress};
    pc.gz = gz;
    sl_status st = SL_OK;
    if (!pc.buf || !pc.h) st = SL_ENOMEM;
    else {
        pc.in0 = gz ? 0 : archive_filter_bytes(a, -1);
        long n = member_read(&pc, pc.buf, AR_BLOCK);
        if (n < 0) st = pc.err;
        else {
            pc.first = (size_t)n;
            /* a compressed web page, XML spreadsheet or .xls: read as one, not as text */
            if (!read_as_sheets(env, &pc, self, (size_t)n, depth, &st))
                st = env->run_text(env->run_ud, self, pull, &pc);
            if (pc.err) st = pc.err;
        }
    }
    if (pc.h) sl_sha256_free(pc.h);
    free(pc.buf);
    return st;
}

/* What a damaged archive's message adds when its name is a first volume's (release.7z.001)
 * and it was read alone: the volumes after it are the likelier cause than damage. */
static const char *first_volume_hint(const sl_source *self, unsigned depth) {
    const char *p = self->path;
    size_t n = p ? strlen(p) : 0;
    if (depth || n < 5 || !sl_ends_with_ci(p, n, ".001")) return ""; /* depth 0: a file of its own */
    return "; its name is the first volume's of a file split in pieces (name.001, name.002, "
           "...): if the others were not with it, put them in the folder and scan again";
}

static sl_status read_container(const sl_archive_env *env, int fd, sl_magic kind, sl_source *self,
                                unsigned depth, sl_inflate_guard *g, int64_t *progress) {
    if (kind == SL_MAGIC_GZIP && !gzip_holds_tar(fd)) { /* a text: zlib keeps all before a cut */
        gunzip *gz = lseek(fd, 0, SEEK_SET) == 0 ? gunzip_new(fd) : NULL;
        if (!gz) return SL_ENOMEM;
        sl_status st = read_stream(env, NULL, gz, depth, self, g, progress);
        gunzip_free(gz);
        return st;
    }
    struct archive *a = open_fd(fd, kind);
    if (!a) return SL_ENOMEM;
    sl_status st = SL_OK;
    /* A multi-volume RAR is read across its volumes; one volume alone reads as if whole,
     * each file it shares with the next cut short without a word: said here. */
    int volumes = kind == SL_MAGIC_RAR && depth == 0 && env->volumes && env->nvolumes > 1;
    unsigned char rh[64];
    ssize_t rn = kind == SL_MAGIC_RAR && !volumes ? pread(fd, rh, sizeof rh, 0) : -1;
    if (rn > 0 && sl_rar_is_volume(rh, (size_t)rn))
        adiag(env, SL_DIAG_WARN, "archive.rar_volume", self->cite,
              "one volume of a multi-volume RAR archive, read without the others: a file it "
              "shares with another volume is cut short, and one that begins in an earlier "
              "volume is not read. Put all the volumes (name.part1.rar, name.part2.rar, ...) "
              "in the folder and scan again");
    if ((volumes ? archive_read_open_filenames(a, (const char **)env->volumes, AR_BLOCK)
                 : archive_read_open_fd(a, fd, AR_BLOCK)) != ARCHIVE_OK) {
        char m[600];
        const char *why = archive_error_string(a) ? archive_error_string(a) : "unknown error";
        if (kind == SL_MAGIC_ZIP && sl_zip_end(fd) == -2)
            sl_fmt(m, sizeof m, "cannot open as zip: its end, where a zip lists its files, is "
                   "missing: the file was most likely cut off while it was downloaded or "
                   "copied (an .xlsx or .ods workbook is a zip too); get it again (%s)%s", why,
                   first_volume_hint(self, depth));
        else
            sl_fmt(m, sizeof m, "cannot open as %s: %s%s", self->format, why,
                   first_volume_hint(self, depth));
        /* A zip, tar or 7z that cannot be opened is still a source (with no members), so
         * that it is accounted for; a damaged compressed stream never became one. */
        if (!sl_magic_is_stream(kind) && env->cb->begin) env->cb->begin(env->cb->ud, self);
        adiag(env, SL_DIAG_ERROR, "archive.unreadable", self->cite, m);
        if (!sl_magic_is_stream(kind) && env->cb->end) env->cb->end(env->cb->ud, self);
        archive_read_free(a);
        return SL_EFORMAT;
    }
    struct archive_entry *e;
    int r, first = 0; /* first: the first member's header is read already */
    if (sl_magic_is_stream(kind)) {
        /* gzip / zstd / xz / bzip2: one stream, which is the text source itself, or a tar.
         * libarchive falls back to no filter when the header is damaged: insist on it. */
        r = archive_read_next_header(a, &e);
        int fc = archive_filter_code(a, 0);
        if (r == ARCHIVE_OK && fc != filter_of(kind)) r = ARCHIVE_FATAL;
        if (r == ARCHIVE_OK && (archive_format(a) & ARCHIVE_FORMAT_BASE_MASK) == ARCHIVE_FORMAT_TAR) {
            /* a tar inside: a container, read member by member like a zip. A file on disk
             * is hashed whole here; a member was hashed as it was spooled. */
            self->format = kind == SL_MAGIC_GZIP   ? "tar.gz"
                           : kind == SL_MAGIC_ZSTD ? "tar.zst"
                           : kind == SL_MAGIC_XZ   ? "tar.xz"
                                                   : "tar.bz2";
            self->encoding = "binary";
            if (depth == 0) {
                struct stat sb;
                if (fstat(fd, &sb) == 0) self->size = (uint64_t)sb.st_size;
                if (sl_sha256_fd(fd, self->sha256) != SL_OK) self->sha256[0] = '\0';
            }
            if (!self->id) self->id = (*env->next_id)++;
            first = 1;
            goto members;
        }
        if (r != ARCHIVE_OK) {
            adiag(env, SL_DIAG_ERROR, "archive.unreadable", self->cite,
                  "cannot read the compressed stream");
            archive_read_free(a);
            return SL_EFORMAT;
        }
        st = read_stream(env, a, NULL, depth, self, g, progress);
        archive_read_free(a);
        return st;
    }
members:
    if (env->cb->begin) env->cb->begin(env->cb->ud, self);
    unsigned nth = 0;
    char unnamed[64];
    /* A warning here is about the member's name (a charset it could not be converted from):
     * the member itself is read. */
    for (;;) {
        if (first) first = 0; /* r is ARCHIVE_OK from reading it */
        else r = archive_read_next_header(a, &e);
        if (r != ARCHIVE_OK && r != ARCHIVE_WARN) break;
        nth++;
        const char *name = archive_entry_pathname(e);
        if (!name) name = archive_entry_pathname_utf8(e);
        if (r == ARCHIVE_WARN && (!name || !*name)) {
            sl_fmt(unnamed, sizeof unnamed, "(member %u, name unreadable)", nth);
            char m[400];
            sl_fmt(m, sizeof m, "member %u: its name cannot be read (%s); read as \"%s\"", nth,
                   archive_error_string(a) ? archive_error_string(a) : "unknown error", unnamed);
            adiag(env, SL_DIAG_WARN, "archive.member_name", self->cite, m);
            archive_entry_set_pathname(e, unnamed);
        } else if (!name || !*name) {
            continue;
        }
        st = read_member(env, a, e, self, depth, g, progress);
        if (st == SL_ELIMIT || st == SL_ENOMEM || st == SL_EIO) break;
        st = SL_OK; /* damage in one member is reported; the others are still read */
    }
    if (!st && r != ARCHIVE_EOF && archive_read_has_encrypted_entries(a) == 1 && nth == 0) {
        /* a 7z whose very list of files is encrypted */
        adiag(env, SL_DIAG_ERROR, "archive.encrypted", self->cite,
              "protected by a password, its list of files too: nothing can be read from it. "
              "Unpack the archive with the password and scan the files it holds");
        st = SL_EFORMAT;
    } else if (!st && r != ARCHIVE_EOF) {
        char m[600];
        sl_fmt(m, sizeof m, "damaged %s, members after this point not read: %s%s",
               sl_magic_is_stream(kind) ? "archive" : sl_magic_name(kind),
               archive_error_string(a) ? archive_error_string(a) : "unknown error",
               first_volume_hint(self, depth));
        adiag(env, SL_DIAG_ERROR, "archive.damaged", self->cite, m);
        st = SL_EFORMAT;
    }
    archive_read_free(a);
    if (env->cb->end) env->cb->end(env->cb->ud, self);
    return st;
}

/* libarchive converts a zip member's name to the charset of the current locale. Under the C
 * locale, in which programs start, a UTF-8 name ("Búsqueda.csv", "Audit – May.csv") cannot be
 * converted: its header came back with a warning and no name, and the members after it were
 * not read. Archives are read under C.UTF-8 for LC_CTYPE, on the reading thread only
 * (uselocale); the program's own locale is not changed, and nothing else the reading thread
 * does depends on LC_CTYPE. A name in another charset (Windows zips without the UTF-8 flag)
 * comes through as its bytes, shown with U+FFFD where they are not UTF-8. */
static locale_t utf8_ctype;
static pthread_once_t utf8_once = PTHREAD_ONCE_INIT;
static void utf8_ctype_init(void) { utf8_ctype = newlocale(LC_CTYPE_MASK, "C.UTF-8", (locale_t)0); }

/* Switches the reading thread to utf8_ctype; returns what utf8_leave puts back. */
static locale_t utf8_enter(void) {
    pthread_once(&utf8_once, utf8_ctype_init);
    return utf8_ctype ? uselocale(utf8_ctype) : (locale_t)0;
}
static void utf8_leave(locale_t before) {
    if (utf8_ctype && before != (locale_t)0) uselocale(before);
}

sl_status sl_archive_read_fd(const sl_archive_env *env, int fd, sl_magic kind, sl_source *self,
                             unsigned depth) {
    sl_inflate_guard g = {.max_total = env->opts->max_inflate};
    int64_t progress = 0;
    locale_t before = utf8_enter();
    sl_status st = read_container(env, fd, kind, self, depth, &g, depth == 0 ? &progress : NULL);
    utf8_leave(before);
    /* Progress adds up to the file's size whatever was skipped or seeked over. */
    struct stat sb;
    if (depth == 0 && env->cb->progress && fstat(fd, &sb) == 0 && sb.st_size > progress)
        env->cb->progress(env->cb->ud, (uint64_t)(sb.st_size - progress));
    return st;
}

/* ---- e-mail ----------------------------------------------------------------------------------- */

typedef struct {
    const sl_archive_env *env;
    sl_source *self;
    unsigned depth;
    sl_inflate_guard *g;
    sl_status st;
} mail_ctx;

/* One attachment (or attached message, or a mailbox's message): a member of the message. */
static int on_mail_part(void *ud, const sl_mail_part *part) {
    mail_ctx *m = ud;
    sl_buf cite = {0}, member = {0};
    sl_status st = SL_ENOMEM;
    if (child_names(m->self, part->name, &cite, &member)) {
        sl_source child = {0};
        child.parent = m->self->id;
        child.cite = cite.p;
        child.path = m->self->path;
        child.member = member.p;
        child.format = "csv";
        child.encoding = "utf-8";
        pull_ctx pc = {m->env, NULL, m->g, &child, sl_sha256_new(), malloc(AR_BLOCK), 0, 0, 0,
                       0, 0, NULL};
        pc.part = part;
        if (pc.h && pc.buf) st = read_child(m->env, &pc, &child, m->depth + 1, m->g);
        if (pc.h) sl_sha256_free(pc.h);
        free(pc.buf);
    }
    sl_buf_free(&cite);
    sl_buf_free(&member);
    if (st == SL_ENOMEM) m->st = st;
    return st == SL_ENOMEM;
}

static sl_status read_mail(const sl_archive_env *env, int fd, sl_mail_kind kind, sl_source *self,
                           unsigned depth, sl_inflate_guard *g) {
    self->format = sl_mail_format(kind);
    self->encoding = "binary";
    if (env->cb->begin) env->cb->begin(env->cb->ud, self);
    unsigned max = env->opts->max_depth ? env->opts->max_depth : 4;
    sl_status st = SL_OK;
    if (depth + 1 > max) {
        char m[200];
        sl_fmt(m, sizeof m, "nested message skipped: deeper than %u levels", max);
        adiag(env, SL_DIAG_WARN, "archive.too_deep", self->cite, m);
    } else {
        mail_ctx mc = {env, self, depth, g, SL_OK};
        sl_mail_opts mo = {self->cite, env->cb->diag, env->cb->diag_ud};
        st = sl_mail_read_fd(fd, kind, &mo, on_mail_part, &mc);
        if (mc.st) st = mc.st;
        if (mo.web) self->format = "mht"; /* a web page saved as one file, not mail */
    }
    if (env->cb->end) env->cb->end(env->cb->ud, self);
    return st;
}

sl_status sl_archive_read_mail(const sl_archive_env *env, int fd, sl_mail_kind kind, sl_source *self) {
    sl_inflate_guard g = {.max_total = env->opts->max_inflate};
    locale_t before = utf8_enter(); /* an attachment may be a zip */
    sl_status st = read_mail(env, fd, kind, self, 0, &g);
    utf8_leave(before);
    return st;
}

/* ---- workbooks -------------------------------------------------------------------------------- */

typedef struct {
    const sl_archive_env *env;
    sl_source *book;
    sl_source sheet;
    sl_buf cite;
    int skip;
} book_ctx;

/* A workbook's sheets and a web page's tables (html.h) alike. */
static int on_sheet_begin(void *ud, const sl_xlsx_sheet *sh) {
    book_ctx *b = ud;
    sl_buf_reset(&b->cite);
    if (sl_buf_printf(&b->cite, "%s > %s", b->book->cite, sh->name) || sl_buf_nul(&b->cite))
        return 1;
    memset(&b->sheet, 0, sizeof b->sheet);
    b->sheet.id = (*b->env->next_id)++;
    b->sheet.parent = b->book->id;
    b->sheet.cite = b->cite.p;
    b->sheet.path = b->book->path;
    b->sheet.member = b->book->member;
    b->sheet.sheet = sh->name;
    b->sheet.format = b->book->format;
    b->sheet.encoding = b->book->encoding ? b->book->encoding : "utf-8";
    b->sheet.delim = '\t';
    const sl_reader_cb *cb = b->env->cb;
    b->skip = cb->begin ? cb->begin(cb->ud, &b->sheet) : 0;
    return b->skip;
}

static int on_sheet_row(void *ud, const sl_xlsx_sheet *sh, const sl_csv_row *row) {
    SL_UNUSED(sh);
    book_ctx *b = ud;
    const sl_reader_cb *cb = b->env->cb;
    return cb->row ? cb->row(cb->ud, &b->sheet, row) : 0;
}

static void on_sheet_end(void *ud, const sl_xlsx_sheet *sh) {
    book_ctx *b = ud;
    const sl_reader_cb *cb = b->env->cb;
    memcpy(b->sheet.sha256, sh->sha256, sizeof b->sheet.sha256);
    b->sheet.size = sh->xml_bytes;
    b->sheet.blank_skipped = sh->blank_rows;
    if (sh->blank_rows) {
        char m[160];
        sl_fmt(m, sizeof m, "%llu blank rows skipped", (unsigned long long)sh->blank_rows);
        adiag(b->env, SL_DIAG_INFO, "xlsx.blank_rows", b->sheet.cite, m);
    }
    if (cb->end) cb->end(cb->ud, &b->sheet);
}

sl_status sl_archive_read_workbook(const sl_archive_env *env, int fd, sl_source *book,
                                   sl_zip_kind kind) {
    int ods = kind == SL_ZIP_ODF_SPREADSHEET;
    book_ctx b = {0};
    b.env = env;
    b.book = book;
    book->format = ods                      ? "ods"
                   : kind == SL_ZIP_WORD     ? "docx"
                   : kind == SL_ZIP_ODF_TEXT ? "odt"
                                             : "xlsx";
    book->encoding = "utf-8";
    sl_xlsx_opts xo = {0};
    xo.max_record = env->opts->max_record;
    xo.max_inflate = env->opts->max_inflate;
    xo.cite = book->cite;
    xo.diag = env->cb->diag;
    xo.diag_ud = env->cb->diag_ud;
    xo.progress = env->progress;
    xo.progress_ud = env->progress_ud;
    sl_xlsx_cb xc = {on_sheet_begin, on_sheet_row, on_sheet_end, &b};
    if (env->cb->begin) env->cb->begin(env->cb->ud, book);
    sl_status st = ods ? sl_ods_read_fd(fd, &xo, book->sha256, &xc)
                   : kind == SL_ZIP_WORD || kind == SL_ZIP_ODF_TEXT
                       ? sl_doc_read_fd(fd, &xo, book->sha256, &xc, kind == SL_ZIP_WORD)
                       : sl_xlsx_read_fd(fd, &xo, &xc);
    if (env->cb->end) env->cb->end(env->cb->ud, book);
    sl_buf_free(&b.cite);
    return st;
}

/* A web page's tables or an XML spreadsheet's worksheets, as sheets of `src`, whose text is
 * in encoding (NULL: UTF-8, or what the reader makes of a page). */
static sl_status read_sheets_of(const sl_archive_env *env, int fd, sl_source *src,
                                const char *format, const char *encoding, sheets_read_fn read_fd) {
    book_ctx b = {0};
    b.env = env;
    b.book = src;
    src->format = format;
    src->encoding = encoding ? encoding : "utf-8";
    sl_html_opts ho = {0};
    ho.max_record = env->opts->max_record;
    ho.cite = src->cite;
    ho.sha256 = src->sha256;
    ho.diag = env->cb->diag;
    ho.diag_ud = env->cb->diag_ud;
    ho.progress = env->progress;
    ho.progress_ud = env->progress_ud;
    sl_xlsx_cb hc = {on_sheet_begin, on_sheet_row, on_sheet_end, &b};
    if (env->cb->begin) env->cb->begin(env->cb->ud, src);
    sl_status st = read_fd(fd, &ho, &hc);
    if (env->cb->end) env->cb->end(env->cb->ud, src);
    sl_buf_free(&b.cite);
    return st;
}

sl_status sl_archive_read_html(const sl_archive_env *env, int fd, sl_source *page) {
    return read_sheets_of(env, fd, page, "html", NULL, sl_html_read_fd);
}

sl_status sl_archive_read_xmlss(const sl_archive_env *env, int fd, sl_source *book) {
    return read_sheets_of(env, fd, book, "xmlss", NULL, sl_xmlss_read_fd);
}

sl_status sl_archive_read_json(const sl_archive_env *env, int fd, sl_source *doc) {
    const char *encoding = sl_encoding_name(sl_json_encoding(fd));
    return read_sheets_of(env, fd, doc, "json", encoding, sl_json_read_fd);
}

sl_status sl_archive_read_xls(const sl_archive_env *env, int fd, sl_source *book) {
    /* an Outlook message is read for its attachments; a Word or PowerPoint file is listed as
     * what it is, and FreeXL says it holds no workbook */
    const char *format = sl_ole_format(fd);
    if (strcmp(format, "msg") == 0) return sl_archive_read_mail(env, fd, SL_MAIL_MSG, book);
    return read_sheets_of(env, fd, book, format, NULL, sl_xls_read_fd);
}
