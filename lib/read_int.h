/* read_int.h: what read.c shares with the container and format readers (archive.c, xlsx.c):
 * the state of one sl_read_file call, the sniffing of a stream's first bytes, the runner that
 * turns any byte stream into one text source (sl_read_text), and a diag helper. Internal: not
 * part of the public API. */
#ifndef SL_READ_INT_H
#define SL_READ_INT_H

#include "container.h" /* sl_pull_fn, sl_text_run_fn (lib/container.h: <archive.h> is libarchive's) */
#include "read.h"

#define SL_READ_CHUNK ((size_t)1 << 20) /* bytes per read(2) and per parser feed */
#define SL_SNIFF_BYTES 4096             /* bytes the format sniffer looks at */

/* The state of one sl_read_file call, handed (as void *ud) to sl_read_text. */
typedef struct sl_reader_state {
    const sl_read_opts *opts; /* never NULL (defaults filled in by sl_read_file) */
    const sl_reader_cb *cb;   /* never NULL; its members may be NULL */
    uint32_t *next_id;        /* the id for the next source; advanced as sources begin */
    /* 1 when the bytes pulled are the input file's own bytes (a plain file): sl_read_text
     * then reports them through cb->progress. Readers of compressed data set 0 and report
     * the compressed bytes they consume themselves, so progress adds up to the file size. */
    int count_progress;
    char *const *volumes; /* a multi-volume RAR's volumes, in order (sl_read_volumes); or NULL */
    size_t nvolumes;
} sl_reader_state;

/* What the first bytes of a stream are. */
typedef enum {
    SL_KIND_TEXT = 0, /* UTF-8 (with or without BOM) or another ASCII-compatible text */
    SL_KIND_UTF16LE,  /* BOM FF FE, or NULs at odd offsets of ASCII-looking text */
    SL_KIND_UTF16BE,  /* BOM FE FF, or NULs at even offsets */
    SL_KIND_ZIP,      /* PK\3\4 or an empty zip's PK\5\6 */
    SL_KIND_XLSX,     /* a zip whose first member is an OOXML part (or named *.xlsx) */
    SL_KIND_GZIP,     /* 1F 8B */
    SL_KIND_ZSTD,     /* 28 B5 2F FD */
    SL_KIND_XLS,      /* legacy Excel / OLE2 compound file (D0 CF 11 E0 A1 B1 1A E1) */
    SL_KIND_BINARY,   /* NUL bytes in the first SL_SNIFF_BYTES: not text */
    SL_KIND_HTML,     /* text that is a web page (html.h): an HTML table saved as .xls, or a
                         sign-in page saved by a download that failed */
    SL_KIND_XMLSS,    /* an Excel 2003 XML spreadsheet (xmlss.h) */
    SL_KIND_XZ,       /* FD 37 7A 58 5A 00 */
    SL_KIND_BZIP2,    /* "BZh" + block size + "1AY&SY" */
    SL_KIND_ARCHIVE,  /* a tar ("ustar" at byte 257), 7z or RAR archive: members, like a zip */
    SL_KIND_MAIL,     /* an e-mail message or a mailbox (mail.h): its attachments, like members */
    SL_KIND_JSON      /* JSON (json.h): its lists of records, like sheets */
} sl_read_kind;

/* Decides from the first n bytes of a stream (give SL_SNIFF_BYTES when there are that many)
 * and, for a zip, the name it goes by (path or member name; may be NULL). */
sl_read_kind sl_read_sniff(const unsigned char *p, size_t n, const char *name);
/* "text", "utf-16le", "utf-16be", "zip", "xlsx", "gzip", "zstd", "xls", "binary", "html", "xmlss",
 * "xz", "bzip2", "archive", "mail". */
const char *sl_read_kind_name(sl_read_kind k);

/* Runs one text source, an sl_text_run_fn: ud is the sl_reader_state. The caller fills src's
 * cite, path, member, sheet and parent; this function sets id (from *next_id), format
 * ("csv", "tsv", "ssv", "psv" from the delimiter sniffed on the first lines: a tab, semicolon
 * or pipe when the table holds it more regularly than commas, outside quotes), encoding ("utf-8" or
 * "utf-8-bom"), delim, and at the end sha256 and size.
 *
 * It pulls bytes until pull returns 0 (end) or -1 (error, already reported by the puller
 * through diag) and feeds them to the CSV parser (max_record from opts). As container.h says,
 * the PULLER hashes what it hands out and fills src->sha256 and src->size when it returns 0
 * (the plain-file puller in read.c does so too); this function sets sha256 to "" before
 * begin, so after a failure it reads "" (unknown). Calls cb->begin once, cb->row per record,
 * cb->end once, always, even when begin or row asked to stop: after a stop the rest of the
 * stream is still pulled (so the hash covers the whole source) but not parsed. After a pull
 * error the partial last record is dropped (not flushed) and the return is SL_EIO. SL_ENOMEM
 * when memory runs out (reported as "read.nomem"); else SL_OK. Rows with err set
 * (SL_CSV_TOO_LARGE, SL_CSV_UNTERMINATED) are handed on without a diag: the consumer
 * reports them, as it accounts for every record. */
sl_status sl_read_text(void *ud, sl_source *src, sl_pull_fn pull, void *pctx);

/* sl_read_text behind the encoding decision (decode.h): sniffs the first 64 KiB pulled,
 * sets src->encoding to "utf-16le", "utf-16be" or "windows-1252" and transcodes to UTF-8
 * when needed (reporting the decision through diag), passes UTF-8 through, and skips a
 * stream that is not text (reported). The sl_text_run_fn given to container.c. */
sl_status sl_read_text_decoded(void *ud, sl_source *src, sl_pull_fn pull, void *pctx);

/* Sends one diagnostic through cb->diag (if set); message formatted printf-style and cut at
 * 1 KiB. source, record and line as in sl_diag (NULL/0 when not known). */
void sl_read_diag(const sl_reader_cb *cb, sl_severity sev, const char *code, const char *source,
                  uint64_t record, uint64_t line, const char *fmt, ...)
    __attribute__((format(printf, 7, 8)));

#endif
