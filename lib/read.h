/* read.h: from paths to sources. Walks folders (sorted, recursively), opens each file,
 * recognises its container and format, hashes it, decodes its text encoding, and hands every
 * source's records to the caller as uniform rows of text cells. A source is one readable
 * stream: a CSV file, a member of a zip, a sheet of a workbook. Whatever the format, rows
 * arrive as sl_csv_row (XLSX cells converted to text, date serials to ISO 8601 UTC). */
#ifndef SL_READ_H
#define SL_READ_H

#include "csv.h"

typedef struct {
    uint32_t id;          /* 1-based, in reading order over the whole run */
    uint32_t parent;      /* id of the containing source (a zip or workbook), 0 at top level */
    const char *cite;     /* "path", "path > member", "path > member > sheet" */
    const char *path;     /* the input file, as given or as found by walking */
    const char *member;   /* member path inside an archive, or NULL */
    const char *sheet;    /* workbook sheet name, or NULL */
    const char *format;   /* "csv", "tsv", "ssv", "psv", "xlsx", "zip", "gzip", "zstd" */
    const char *encoding; /* "utf-8", "utf-8-bom", "utf-16le", "utf-16be", "windows-1252" */
    char delim;           /* delimiter used for text sources */
    char sha256[65];      /* hex of the source's bytes (decompressed for members); final at
                             end, "" at begin: the bytes are hashed once, as they are read.
                             A plain file that changes while it is read (its size or
                             modification time differ at the end) gets a "read.changed"
                             warning; the hash is that of the bytes read. */
    uint64_t size;        /* bytes of the source; at end only */
    uint64_t blank_skipped; /* blank rows the reader skipped without delivering them (XLSX
                               rows absent between delivered rows); at end only */
} sl_source;

/* Callbacks receive borrowed pointers valid during the call. Return non-zero to stop the
 * current source (the reader goes on with the next). */
typedef struct {
    int (*begin)(void *ud, const sl_source *src);
    int (*row)(void *ud, const sl_source *src, const sl_csv_row *row);
    void (*end)(void *ud, const sl_source *src);        /* sha256 and size are final here */
    void (*progress)(void *ud, uint64_t bytes_read);    /* input bytes consumed since last call */
    sl_diag_fn diag;
    void *ud;                                            /* passed to all of the above */
    void *diag_ud;
} sl_reader_cb;

typedef struct {
    size_t max_record;   /* per-record cap for text sources; 0 = 1 MiB */
    unsigned max_depth;  /* zip-in-zip depth; 0 = 4 */
    uint64_t max_inflate;/* cap on bytes decompressed from one archive; 0 = 64 GiB */
    int hash_thread;     /* 1: a plain file of more than SL_HASH_THREAD_MIN bytes is hashed on a
                          * second thread while the calling thread parses it */
} sl_read_opts;

/* Below this size a plain file is hashed on the calling thread even with hash_thread. */
#define SL_HASH_THREAD_MIN ((uint64_t)4 << 20)

/* Expands paths into a sorted, de-duplicated list of regular files (folders walked
 * recursively, hidden files and folders skipped and reported). *files is malloc'd; free with
 * sl_inputs_free. Paths that do not exist are reported through diag and skipped. */
sl_status sl_inputs_collect(const char *const *paths, size_t n, sl_diag_fn diag, void *diag_ud,
                            char ***files, size_t *nfiles);
void sl_inputs_free(char **files, size_t n);

/* Reads one input file and every source inside it. *next_id is the id to give the next
 * source and is advanced. Returns SL_EIO when the file cannot be opened at all (also reported
 * through diag); damage inside a file is reported through diag and does not fail the call. */
sl_status sl_read_file(const char *path, const sl_read_opts *opts, const sl_reader_cb *cb,
                       uint32_t *next_id);

/* Volumes: a file split into numbered parts: release.7z.001, release.7z.002, ... (7-Zip,
 * HJSplit, split(1); three to six digits, from 1), or a split zip, release.z01, release.z02,
 * ..., release.zip (Info-ZIP's zip -s, WinZip). sl_volume_run says how many of files[i..n)
 * are such parts in order, from the first at files[i] (1 when files[i] is no first volume,
 * or when the second part begins with the first's header line: then each is a whole export,
 * read on its own); a sorted list (sl_inputs_collect) keeps them together. A missing part ends the run; its file
 * name is then put in missing (else ""): for numbered volumes when a later one follows, for a
 * split zip when its .zip is not there. sl_read_volumes reads n parts joined in order (in a
 * temporary file) as one file cited as the first; one part is read as it is. */
size_t sl_volume_run(char *const *files, size_t n, size_t i, char *missing, size_t cap);
sl_status sl_read_volumes(char *const *paths, size_t n, const sl_read_opts *opts,
                          const sl_reader_cb *cb, uint32_t *next_id);

#endif
