/* container.h: containers around text sources: ZIP archives (nested folders, zips inside zips
 * up to a depth, XLSX workbooks found inside), gzip- and zstd-compressed files. Each member is
 * its own sl_source (parent = the archive's source), cited "a.zip > inner.zip > x.csv", with
 * the SHA-256 of its decompressed bytes. Decompression is bounded: a cap on total bytes per
 * archive and a compression-ratio check refuse zip bombs in bounded memory and time. */
#ifndef SL_CONTAINER_H
#define SL_CONTAINER_H

#include "read.h"
#include "mail.h"
#include "xls.h" /* SL_OLE2_MAGIC */
#include "xlsx.h"

/* ---- decompression bounds ------------------------------------------------------------------ */

#define SL_INFLATE_DEFAULT_MAX ((uint64_t)64 << 30)
#define SL_INFLATE_RATIO_MIN ((uint64_t)100 << 20) /* the ratio check applies past this size */
#define SL_INFLATE_RATIO_MAX 1000u

typedef struct {
    uint64_t max_total;  /* cap on bytes decompressed from one archive; 0 = 64 GiB */
    uint64_t total;      /* decompressed so far */
    uint64_t ratio_min;  /* 0 = SL_INFLATE_RATIO_MIN */
    unsigned ratio_max;  /* 0 = SL_INFLATE_RATIO_MAX */
} sl_inflate_guard;

/* Counts n more decompressed bytes; member_out/member_in are the member's decompressed and
 * compressed bytes so far. Returns SL_ELIMIT with a reason in why when a bound is passed. */
sl_status sl_inflate_add(sl_inflate_guard *g, uint64_t n, uint64_t member_out,
                         uint64_t member_in, char *why, size_t whycap);
struct archive;
/* The same for an entry of a libarchive reader: its compressed bytes so far are the reader's
 * input past in0, the count taken when the entry began. */
sl_status sl_inflate_add_entry(sl_inflate_guard *g, struct archive *a, int64_t in0, uint64_t n,
                               uint64_t member_out, char *why, size_t whycap);

/* ---- reading an archive entry ------------------------------------------------------------ */

/* Reads the current entry of a libarchive reader block by block. archive_read_data() drops
 * every byte of a call that ends in damage (a cut-off gzip loses its last megabyte, a small
 * one all of it); here the bytes before the damage are handed out first, and the damage is
 * reported by the next call. Zero-initialise one per entry. */
typedef struct {
    const char *p;   /* the rest of the block libarchive last returned */
    size_t n;
    int eof;
    int damaged;
    char why[256];   /* libarchive's words for the damage */
    int warned;      /* libarchive warned while reading (a zip's CRC did not match): the
                        bytes were handed out, but may not be those that were packed */
    char warning[256];
} sl_entry_reader;

/* Copies up to cap bytes into buf. Returns the bytes copied, 0 at the end of the entry, or -1
 * when the entry is damaged and nothing before the damage is left (r->why says why). */
long sl_entry_read(struct archive *a, sl_entry_reader *r, char *buf, size_t cap);
/* Whether the reader warned that the entry does not match what the archive recorded of it
 * (its CRC or its size: damage inflate did not notice), rather than something else. */
int sl_entry_mismatch(const sl_entry_reader *r);

/* ---- members --------------------------------------------------------------------------------- */

/* A member's decompressed bytes, pulled by the text runner: returns the number of bytes
 * placed at *buf (valid until the next call), 0 at the end, -1 on error (reported). When it
 * returns 0 the source's sha256 and size are final. */
typedef long (*sl_pull_fn)(void *pctx, const char **buf);

/* Runs one text source: calls cb->begin, rows, cb->end, pulling bytes until 0. read.c
 * supplies this; tests may supply their own. src is filled except sha256/size. */
typedef sl_status (*sl_text_run_fn)(void *ud, sl_source *src, sl_pull_fn pull, void *pctx);

typedef struct {
    const sl_read_opts *opts;
    const sl_reader_cb *cb;     /* begin/end for containers and xlsx sheets, row, diag */
    sl_text_run_fn run_text;    /* text members */
    void *run_ud;
    uint32_t *next_id;
    /* A workbook, page or XML spreadsheet read as a file of its own (not a member) reports
     * its bytes here as it reads them; may be NULL. */
    void (*progress)(void *ud, uint64_t bytes);
    void *progress_ud;
    /* The volumes of a multi-volume RAR, in order (the first is the file at hand), NULL-ended,
     * which libarchive reads as one archive; NULL otherwise. */
    char *const *volumes;
    size_t nvolumes;
} sl_archive_env;

typedef enum {
    SL_MAGIC_NONE = 0,
    SL_MAGIC_ZIP,
    SL_MAGIC_GZIP, /* one compressed stream (which may hold a tar) */
    SL_MAGIC_ZSTD,
    SL_MAGIC_XZ,
    SL_MAGIC_BZIP2,
    SL_MAGIC_TAR,  /* an archive of members, like a zip */
    SL_MAGIC_7Z,
    SL_MAGIC_RAR   /* RAR 4 or 5 */
} sl_magic;

/* "zip", "gzip", "zstd", "xz", "bzip2", "tar", "7z" ("" for none). */
const char *sl_magic_name(sl_magic m);
/* A zip's end-of-central-directory record (PK 5 6, in its last 64 KiB + 22 bytes, after the
 * comment it may carry): the number of the part it says it is in (a split zip's .zip: the
 * parts before it), counted from 0; -2 when there is none (a zip cut off before its end); -1
 * when the record itself is cut short or the file cannot be read. */
long sl_zip_end(int fd);

/* Whether the head of a RAR file (4 or 5) marks it as one volume of a multi-volume archive. */
int sl_rar_is_volume(const void *head, size_t n);
/* Whether m is one compressed stream (gzip, zstd, xz, bzip2) rather than an archive. */
int sl_magic_is_stream(sl_magic m);

/* What the first bytes say (n >= 4 needed for a decision). */
sl_magic sl_magic_sniff(const void *p, size_t n);

/* Reads the container in fd (rewound first; not closed) whose own source is `self` (already
 * given an id, cite, path and format by the caller; this function calls begin and end for it
 * and fills its sha256 and size when hash_self is set). depth is 0 for a file on disk. */
sl_status sl_archive_read_fd(const sl_archive_env *env, int fd, sl_magic kind, sl_source *self,
                             unsigned depth);

/* Reads a workbook in fd as the source `book` (its sheets become sources with parent =
 * book->id, cited "book-cite > sheet"): an Excel workbook when kind is SL_ZIP_WORKBOOK, an
 * OpenDocument spreadsheet (.ods) when it is SL_ZIP_ODF_SPREADSHEET; book's sha256 is then
 * already filled, since every table sits in one part and cites the file's hash (xlsx.h). */
sl_status sl_archive_read_workbook(const sl_archive_env *env, int fd, sl_source *book,
                                   sl_zip_kind kind);

/* Reads a web page in fd (html.h) as the source `page`, whose sha256 is already filled: its
 * tables become sources with parent = page->id, cited "page-cite > table N". */
sl_status sl_archive_read_html(const sl_archive_env *env, int fd, sl_source *page);
/* The same for an Excel 2003 XML spreadsheet (xmlss.h): its worksheets become sources. */
sl_status sl_archive_read_xmlss(const sl_archive_env *env, int fd, sl_source *book);
/* A JSON file's lists of records (json.h), as sheets of doc. */
sl_status sl_archive_read_json(const sl_archive_env *env, int fd, sl_source *doc);
/* The same for an Excel 97-2003 workbook (xls.h): its worksheets become sources. */
sl_status sl_archive_read_xls(const sl_archive_env *env, int fd, sl_source *book);

/* Reads an e-mail message or mailbox in fd (mail.h) as the source `self` (format "eml" or
 * "mbox"), whose sha256 is already filled: each attachment becomes a member, cited
 * "self-cite > name", read as an archive's member is (a text, a workbook, an archive, another
 * message). */
sl_status sl_archive_read_mail(const sl_archive_env *env, int fd, sl_mail_kind kind, sl_source *self);

#endif
