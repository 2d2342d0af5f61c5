/* mail.c: e-mail messages, mailboxes and web archives (mail.h), parsed with GMime; Outlook's
 * .msg read with libgsf; winmail.dat (TNEF) read here. GMime keeps parts in the file (a
 * persistent stream) and decodes each only when it is written out, so a message of any size
 * costs the memory of its structure. */
#include "mail.h"
#include "xls.h" /* sl_ole_needs */

#include <errno.h>
#include <gmime/gmime.h>
#include <gsf/gsf-infile-msole.h>
#include <gsf/gsf-infile.h>
#include <gsf/gsf-input-stdio.h>
#include <gsf/gsf-input.h>
#include <gsf/gsf-utils.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

/* ---- sniffing ------------------------------------------------------------------------------ */

static const char *const FIELDS[] = {"from", "to", "cc", "bcc", "subject", "date", "message-id",
    "mime-version", "received", "return-path", "delivered-to", "content-type",
    "content-transfer-encoding", "reply-to", "sender", "in-reply-to", "references",
    "thread-topic", "thread-index", "importance", "user-agent", "dkim-signature",
    "authentication-results", "x-mailer", "x-originating-ip", "accept-language",
    "content-language", "x-ms-has-attach", NULL};
/* Fields only a message carries; From, Sender, To and Reply-To count when they hold an
 * address ("From: 01/01/2025" heads many a report's date range, not a message). */
static const char *const STRONG[] = {"received", "message-id", "mime-version", "return-path",
    "delivered-to", "dkim-signature", "thread-index", NULL};
static const char *const ADDRESSED[] = {"from", "sender", "to", "reply-to", NULL};

/* Whether name[0, len) is one of list's (NULL-ended) words, ignoring case. */
static int listed(const char *const *list, const char *name, size_t len) {
    for (size_t i = 0; list[i]; i++)
        if (sl_slice_ieq((sl_slice){name, len}, list[i])) return 1;
    return 0;
}

/* Header lines from p: 1 when they make a message's head (mail.h), else 0. */
static int header_block(const char *p, size_t n) {
    size_t i = 0, fields = 0, known = 0, strong = 0;
    int ended = 0;
    while (i < n) {
        const char *nl = memchr(p + i, '\n', n - i);
        if (!nl) break; /* the window ends inside a line */
        size_t len = (size_t)(nl - (p + i));
        if (len && p[i + len - 1] == '\r') len--;
        const char *l = p + i;
        i = (size_t)(nl - p) + 1;
        if (len == 0) {
            ended = 1;
            break;
        }
        if (l[0] == ' ' || l[0] == '\t') { /* a field folded onto this line */
            if (!fields) return 0;
            continue;
        }
        size_t k = 0;
        while (k < len && k <= 76 && l[k] != ':' && (unsigned char)l[k] > 32 &&
               (unsigned char)l[k] < 127)
            k++;
        if (k == 0 || k > 76 || k == len || l[k] != ':') return 0;
        fields++;
        known += listed(FIELDS, l, k);
        strong += listed(STRONG, l, k) || (listed(ADDRESSED, l, k) && memchr(l + k, '@', len - k));
    }
    return known >= 2 && strong >= 1 && (ended || fields >= 3);
}

sl_mail_kind sl_mail_sniff(const void *vp, size_t n) {
    const char *p = vp;
    if (n > SL_MAIL_SNIFF_BYTES) n = SL_MAIL_SNIFF_BYTES;
    if (n >= 5 && memcmp(p, "From ", 5) == 0) {
        const char *nl = memchr(p, '\n', n);
        if (!nl) return SL_MAIL_NONE;
        size_t off = (size_t)(nl - p) + 1;
        return header_block(p + off, n - off) ? SL_MAIL_MBOX : SL_MAIL_NONE;
    }
    return header_block(p, n) ? SL_MAIL_MESSAGE : SL_MAIL_NONE;
}

const char *sl_mail_format(sl_mail_kind k) {
    return k == SL_MAIL_MBOX ? "mbox" : k == SL_MAIL_MSG ? "msg" : "eml";
}

/* ---- GMime ---------------------------------------------------------------------------------- */

static pthread_once_t gmime_once = PTHREAD_ONCE_INIT;

/* The library never prints: GMime's own log messages are dropped (what matters comes through
 * the parser's warnings). */
static void quiet(const gchar *domain, GLogLevelFlags level, const gchar *msg, gpointer ud) {
    (void)domain; (void)level; (void)msg; (void)ud;
}

static void gmime_init_once(void) {
    g_mime_init();
    gsf_init();
    /* libgsf checks its arguments with g_return_if_fail, which logs a "CRITICAL" line when a
     * damaged file trips one (a block past a cut-off file's end): the damage is reported
     * from what the call returns instead */
    static const char *const DOMAINS[] = {"libgsf", "libgsf:msole", "libgsf:utils", "libgsf:zip",
                                          "libgsf:input", NULL};
    unsigned levels = G_LOG_LEVEL_MASK | G_LOG_FLAG_FATAL | G_LOG_FLAG_RECURSION;
    for (size_t i = 0; DOMAINS[i]; i++) g_log_set_handler(DOMAINS[i], levels, quiet, NULL);
    /* and "Unable to get child ... insufficient blocks" comes with no domain at all: the
     * default domain is silenced too (sunlight itself logs nothing through GLib) */
    g_log_set_handler(NULL, levels, quiet, NULL);
    g_log_set_handler("gmime", G_LOG_LEVEL_MASK, quiet, NULL);
}

typedef struct {
    sl_mail_opts *o;      /* the caller's; web is told back in it */
    sl_mail_part_fn fn;
    void *ud;
    int truncated;        /* the parser met the end of the input inside the message */
    int damaged;          /* the parser met something it may have skipped */
    char damage[160];
    GMimeObject *last;    /* the last leaf in the message: where a cut-off message ends */
    unsigned handed, texts, messages, pictures;
    unsigned bodies;      /* of those handed, HTML texts of the message holding a table */
    int cut_handed;       /* the part the message ends in was handed out (its reader says so) */
    int said;             /* a part not read was already named (winmail.dat, encrypted) */
    int ole_cut;          /* a .msg shorter than its own index: attachments past the cut */
    int mailbox;          /* reading a mailbox's messages: what each held is said once, for all */
    char prefix[32];      /* before the names handed out: "message 3 > " in a mailbox */
    int web;              /* a web page saved as one file (.mht): no sender, parts related */
    int stop;
    sl_status st;
} walk_ctx;

static void mdiag(const walk_ctx *w, sl_severity sev, const char *code, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static void mdiag(const walk_ctx *w, sl_severity sev, const char *code, const char *fmt, ...) {
    if (!w->o->diag) return;
    char m[700];
    va_list ap;
    size_t at = 0;
    if (w->prefix[0]) { /* "message 3: ..." */
        at = strlen(w->prefix) - 3;
        memcpy(m, w->prefix, at);
        m[at++] = ':';
        m[at++] = ' ';
    }
    va_start(ap, fmt);
    vsnprintf(m + at, sizeof m - at, fmt, ap);
    va_end(ap);
    sl_diag d = {sev, code, w->o->cite, 0, 0, m};
    w->o->diag(w->o->diag_ud, &d);
}

static const char *warning_words(GMimeParserWarning e) {
    switch (e) {
    case GMIME_WARN_MALFORMED_MULTIPART: return "a multipart section holds no parts";
    case GMIME_WARN_MALFORMED_MESSAGE: return "the message is malformed";
    case GMIME_CRIT_INVALID_HEADER_NAME: return "a header line is not a header";
    case GMIME_CRIT_CONFLICTING_HEADER: return "two headers contradict each other";
    case GMIME_CRIT_CONFLICTING_PARAMETER: return "two header parameters contradict each other";
    case GMIME_CRIT_MULTIPART_WITHOUT_BOUNDARY: return "a multipart section names no boundary";
    case GMIME_CRIT_NESTING_OVERFLOW: return "parts nest too deep";
    case GMIME_CRIT_PART_WITHOUT_HEADERS_OR_CONTENT:
        return "a part has neither headers nor content";
    default: return NULL;
    }
}

static void on_warning(gint64 offset, GMimeParserWarning e, const gchar *item, gpointer ud) {
    (void)item; /* a header's text: may hold personal data */
    walk_ctx *w = ud;
    if (e == GMIME_WARN_TRUNCATED_MESSAGE) {
        w->truncated = 1;
        return;
    }
    const char *words = warning_words(e);
    if (!words || w->damaged++) return; /* the first one is named */
    if (offset >= 0)
        snprintf(w->damage, sizeof w->damage, "%s, near byte %lld", words, (long long)offset);
    else
        snprintf(w->damage, sizeof w->damage, "%s", words);
}

static GMimeObject *last_leaf(GMimeObject *o) {
    while (o && GMIME_IS_MULTIPART(o)) {
        int n = g_mime_multipart_get_count(GMIME_MULTIPART(o));
        if (n <= 0) break;
        o = g_mime_multipart_get_part(GMIME_MULTIPART(o), n - 1);
    }
    return o;
}

/* A file name for a part that has none, from its type. */
static const char *type_extension(const char *mime) {
    static const struct { const char *type, *ext; } E[] = {
        {"text/csv", ".csv"}, {"text/comma-separated-values", ".csv"},
        {"text/tab-separated-values", ".tsv"}, {"text/plain", ".txt"}, {"text/html", ".html"},
        {"application/vnd.ms-excel", ".xls"},
        {"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", ".xlsx"},
        {"application/vnd.oasis.opendocument.spreadsheet", ".ods"},
        {"application/zip", ".zip"}, {"application/x-zip-compressed", ".zip"},
        {"application/gzip", ".gz"}, {"message/rfc822", ".eml"}};
    for (size_t i = 0; i < SL_ARRAY_LEN(E); i++)
        if (strcasecmp(mime, E[i].type) == 0) return E[i].ext;
    return "";
}

/* A temporary file for a part's bytes, or NULL (said). */
static FILE *part_file(walk_ctx *w, const char *name) {
    FILE *f = sl_tmpfile();
    if (!f) {
        mdiag(w, SL_DIAG_ERROR, "mail.tmpfile", "cannot create a temporary file in %s to read "
              "the attachment %s: %s (set TMPDIR to a folder with room); it was not read",
              sl_tmpdir(), name, strerror(errno));
        w->st = SL_EIO;
    }
    return f;
}

/* Hands the part written into f (ok: written whole) to the caller's function; closes f. */
static void hand_file(walk_ctx *w, FILE *f, int ok, const char *name, const char *mime, int cut,
                      int body) {
    if (!ok || lseek(fileno(f), 0, SEEK_SET) != 0) {
        mdiag(w, SL_DIAG_ERROR, "mail.tmpfile", "cannot write a temporary file in %s to read "
              "the attachment %s: %s (set TMPDIR to a folder with room); it was not read",
              sl_tmpdir(), name, strerror(errno));
        fclose(f);
        w->st = SL_EIO;
        return;
    }
    char *full = g_strconcat(w->prefix, name, NULL);
    for (char *c = full; *c; c++) /* a name decoded from RFC 2047 may hold a line break */
        if ((unsigned char)*c < 0x20 || *c == 0x7F) *c = ' ';
    sl_mail_part part = {full, mime, fileno(f), cut, body};
    w->handed++;
    w->cut_handed |= cut;
    if (w->fn(w->ud, &part)) w->stop = 1;
    g_free(full);
    fclose(f);
}

/* obj's content, decoded (a part), or whole (a message), in a temporary file (*ok: written
 * whole); NULL when no file could be had (said). */
static FILE *decoded(walk_ctx *w, GMimeObject *content, const char *name, int *ok) {
    FILE *f = part_file(w, name);
    int fd = f ? dup(fileno(f)) : -1;
    *ok = 0;
    if (fd < 0) return f;
    GMimeStream *s = g_mime_stream_fs_new(fd); /* owns fd (the dup) */
    gint64 wrote = 0;
    if (GMIME_IS_PART(content)) {
        GMimeDataWrapper *dw = g_mime_part_get_content(GMIME_PART(content));
        if (dw) wrote = g_mime_data_wrapper_write_to_stream(dw, s);
    } else {
        wrote = g_mime_object_write_to_stream(content, NULL, s);
    }
    *ok = wrote >= 0 && g_mime_stream_flush(s) == 0;
    g_object_unref(s);
    return f;
}

/* Writes obj's content into a temporary file and hands it to the caller's function. */
static void hand_out(walk_ctx *w, GMimeObject *obj, GMimeObject *content, const char *name,
                     const char *mime) {
    int ok;
    FILE *f = decoded(w, content, name, &ok);
    if (f) hand_file(w, f, ok, name, mime, w->truncated && obj == w->last, 0);
}

/* Whether the HTML text in f holds a <table> tag, in any case (read in blocks that overlap
 * by a tag's length, so that memory stays bounded whatever the text's size). */
static int has_table_tag(FILE *f) {
    enum { BLOCK = 64 * 1024, TAG = 7 }; /* "<table" and the byte after it */
    char *buf = malloc(BLOCK + TAG);
    size_t have = 0;
    ssize_t n;
    int found = 0;
    if (!buf || lseek(fileno(f), 0, SEEK_SET) != 0) {
        free(buf);
        return 1; /* cannot look: read it as a page, which says what it finds */
    }
    while (!found && (n = read(fileno(f), buf + have, BLOCK)) > 0) {
        size_t len = have + (size_t)n;
        const char *e = buf + len;
        for (const char *q = buf; !found && (q = memchr(q, '<', (size_t)(e - q))) != NULL; q++)
            found = (size_t)(e - q) >= TAG && strncasecmp(q + 1, "table", 5) == 0 &&
                    (q[6] == '>' || q[6] == ' ' || q[6] == '\t' || q[6] == '\r' || q[6] == '\n');
        have = len < TAG ? len : TAG - 1; /* a tag cut by the block's end is seen whole next */
        memmove(buf, buf + len - have, have);
    }
    free(buf);
    return found;
}

/* Whether the HTML text part obj holds a table; if so it is handed out as "message
 * text.html" (numbered after the first), marked as the message's text. */
static int body_with_table(walk_ctx *w, GMimeObject *obj) {
    char name[48];
    const char *stem = w->web ? "page" : "message text";
    if (w->bodies) snprintf(name, sizeof name, "%s %u.html", stem, w->bodies + 1);
    else snprintf(name, sizeof name, "%s.html", stem);
    int ok;
    FILE *f = decoded(w, obj, name, &ok);
    if (!f) return 0;
    if (ok && !has_table_tag(f)) {
        fclose(f);
        return 0;
    }
    w->bodies++;
    hand_file(w, f, ok, name, "text/html", w->truncated && obj == w->last, 1);
    return 1;
}

/* ---- winmail.dat ------------------------------------------------------------------------ *
 * Outlook and Exchange send a message's formatting and attachments packed in winmail.dat
 * (TNEF, [MS-OXTNEF]) to mail programs they take to be Outlook. The file is a signature
 * (0x223E9F78) and a key (2 bytes), then attributes: a level (1 byte: 1 message, 2
 * attachment), an id (4), a length (4), the data and a checksum (2, the sum of the data's
 * bytes). Each attachment begins with attAttachRendData; attAttachTitle names it (a
 * NUL-ended string), attAttachData holds its bytes. Read here with bounds on every length. */

#define TNEF_SIGNATURE 0x223E9F78u
#define ATT_RENDDATA 0x00069002u
#define ATT_TITLE 0x00018010u
#define ATT_DATA 0x0006800Fu

typedef struct {
    char title[256];
    FILE *data;       /* the attachment's bytes, in a temporary file; NULL before its data */
    int wrote;        /* its bytes were written whole */
    int cut;          /* winmail.dat ends inside them */
} tnef_att;

/* Hands out the attachment gathered in a (when it has bytes) and clears it. */
static void tnef_hand(walk_ctx *w, tnef_att *a, const char *dat, unsigned *n) {
    if (a->data) {
        char made[32], *name;
        snprintf(made, sizeof made, "attachment %u", *n + 1);
        name = g_strconcat(dat, " > ", a->title[0] ? a->title : made, NULL);
        (*n)++;
        hand_file(w, a->data, a->wrote, name, "application/octet-stream", a->cut, 0);
        g_free(name);
    }
    memset(a, 0, sizeof *a);
}

/* Copies n bytes of fd from byte at into f. */
static int copy_range(int fd, uint64_t at, uint64_t n, FILE *f) {
    char buf[65536];
    while (n) {
        size_t k = n < sizeof buf ? (size_t)n : sizeof buf;
        if (pread(fd, buf, k, (off_t)at) != (ssize_t)k || fwrite(buf, 1, k, f) != k) return 0;
        n -= k;
        at += k;
    }
    return fflush(f) == 0;
}

/* Reads winmail.dat (decoded into f, which is closed here) for the attachments it packs, each
 * handed out as "winmail.dat > name". */
static void tnef_read(walk_ctx *w, FILE *f, int ok, const char *dat) {
    unsigned char h[9];
    struct stat sb;
    int fd = fileno(f);
    uint64_t size = ok && fstat(fd, &sb) == 0 ? (uint64_t)sb.st_size : 0, at = 6;
    unsigned n = 0;
    const char *broken = NULL;
    tnef_att a = {0};
    if (size < 6 || pread(fd, h, 6, 0) != 6 || sl_le32(h) != TNEF_SIGNATURE) {
        w->said = 1;
        mdiag(w, SL_DIAG_ERROR, "mail.tnef", "%s, where Outlook packs a message's attachments, "
              "is not in Outlook's TNEF format or is cut off: nothing in it was read; open the "
              "message in Outlook and save the attachments", dat);
        fclose(f);
        return;
    }
    while (at < size && !w->stop && w->st == SL_OK) {
        if (size - at < 9 || pread(fd, h, 9, (off_t)at) != 9) {
            broken = "an attribute runs past the file's end";
            break;
        }
        uint32_t id = sl_le32(h + 1), len = sl_le32(h + 5);
        at += 9;
        int whole = len <= size - at && size - at - len >= 2;
        if (!whole && !(h[0] == 2 && id == ATT_DATA && !a.data)) {
            broken = "an attribute's data runs past the file's end";
            break;
        }
        if (h[0] == 2 && id == ATT_RENDDATA) { /* a new attachment */
            tnef_hand(w, &a, dat, &n);
        } else if (h[0] == 2 && id == ATT_TITLE) {
            size_t k = len < sizeof a.title - 1 ? len : sizeof a.title - 1;
            if (pread(fd, a.title, k, (off_t)at) != (ssize_t)k) k = 0;
            a.title[k] = '\0'; /* (a title holds no NUL before its end) */
            if (!g_utf8_validate(a.title, -1, NULL)) { /* 8-bit: the sender's code page */
                char *u = g_convert(a.title, -1, "UTF-8", "WINDOWS-1252", NULL, NULL, NULL);
                snprintf(a.title, sizeof a.title, "%s", u ? u : "attachment");
                g_free(u);
            }
            for (char *c = a.title; *c; c++)
                if (*c == '/' || (unsigned char)*c < 0x20) *c = '_';
        } else if (h[0] == 2 && id == ATT_DATA && !a.data) {
            char tmpname[300];
            snprintf(tmpname, sizeof tmpname, "%s > %s", dat, a.title[0] ? a.title : "attachment");
            a.data = part_file(w, tmpname);
            if (!a.data) break;
            /* cut off inside them: every byte there is, then the attachment said to be cut */
            uint64_t have = whole ? len : size - at;
            a.wrote = copy_range(fd, at, have, a.data);
            if (!whole) {
                a.cut = 1;
                broken = "an attachment's bytes run past the file's end";
                at = size;
                break;
            }
        }
        at += (uint64_t)len + 2; /* the data, and its checksum */
    }
    tnef_hand(w, &a, dat, &n);
    if (broken) {
        w->said = 1;
        mdiag(w, SL_DIAG_ERROR, "mail.tnef", "%s, where Outlook packs a message's attachments, is "
              "cut off or damaged at byte %llu (%s): what came before was read",
              dat, (unsigned long long)at, broken);
    } else if (!n) {
        mdiag(w, SL_DIAG_INFO, "mail.tnef", "%s holds Outlook's formatting of the message and no "
              "attachment", dat);
    }
    fclose(f);
}

/* A picture, sound or video: a logo in the signature, a photo; no rows in it. */
static int is_media(const char *mime) {
    return strncasecmp(mime, "image/", 6) == 0 || strncasecmp(mime, "audio/", 6) == 0 ||
           strncasecmp(mime, "video/", 6) == 0;
}

static void walk(walk_ctx *w, GMimeObject *obj) {
    if (w->stop || !obj) return;
    GMimeContentType *ct = g_mime_object_get_content_type(obj);
    char *mime = ct ? g_mime_content_type_get_mime_type(ct) : NULL;
    const char *m = mime ? mime : "application/octet-stream";
    static const char *const SIGNATURES[] = {"application/pkcs7-signature",
        "application/x-pkcs7-signature", "application/pgp-signature", NULL};
    static const char *const SEALED[] = {"multipart/encrypted", "application/pkcs7-mime",
        "application/x-pkcs7-mime", "application/pgp-encrypted", NULL};
    static const char *const TEXTS[] = {"text/plain", "text/html", "text/enriched", "text/rtf",
        "text/calendar", NULL};
    char made[64];
    if (listed(SEALED, m, strlen(m))) {
        /* (types are not named: "pkcs7" reads as a plate to the message redactor) */
        w->said = 1;
        mdiag(w, SL_DIAG_ERROR, "mail.encrypted", "part of the message is encrypted (S/MIME or "
              "PGP): it cannot be read without the recipient's key; open the message in the mail "
              "program that holds it, save the attachments, and scan them");
    } else if (GMIME_IS_MULTIPART(obj)) {
        GMimeMultipart *mp = GMIME_MULTIPART(obj);
        int n = g_mime_multipart_get_count(mp);
        for (int i = 0; i < n && !w->stop; i++) walk(w, g_mime_multipart_get_part(mp, i));
    } else if (GMIME_IS_MESSAGE_PART(obj)) {
        GMimeMessage *inner = g_mime_message_part_get_message(GMIME_MESSAGE_PART(obj));
        const char *fn = g_mime_object_get_content_disposition_parameter(obj, "filename");
        if (!fn) fn = g_mime_object_get_content_type_parameter(obj, "name");
        if (!fn) {
            snprintf(made, sizeof made, "attached message %u.eml", ++w->messages);
            fn = made;
        }
        if (inner) hand_out(w, obj, GMIME_OBJECT(inner), fn, "message/rfc822");
    } else if (GMIME_IS_PART(obj)) {
        GMimePart *part = GMIME_PART(obj);
        const char *fn = g_mime_part_get_filename(part);
        int tnef = strcasecmp(m, "application/ms-tnef") == 0 ||
                   (fn && strcasecmp(fn, "winmail.dat") == 0);
        if (listed(SIGNATURES, m, strlen(m))) {
            mdiag(w, SL_DIAG_INFO, "mail.signature", "a digital signature (S/MIME or PGP) "
                  "skipped: it is not part of the records");
        } else if (tnef) {
            int ok;
            FILE *f = decoded(w, obj, fn ? fn : "winmail.dat", &ok);
            if (f) tnef_read(w, f, ok, fn ? fn : "winmail.dat");
        } else if (is_media(m)) {
            w->pictures++;
        } else if (!fn && !g_mime_part_is_attachment(part) && listed(TEXTS, m, strlen(m))) {
            /* the message's own text; an HTML one holding a table (pasted in from a
             * spreadsheet) is read as a web page, its tables as sheets */
            if (strcasecmp(m, "text/html") != 0 || !body_with_table(w, obj)) w->texts++;
        } else {
            if (!fn) {
                snprintf(made, sizeof made, "attachment %u%s", w->handed + 1, type_extension(m));
                fn = made;
            }
            hand_out(w, obj, obj, fn, m);
        }
    }
    g_free(mime);
}

/* What a message held, said once its parts are walked. */
static void say_what_was_read(walk_ctx *w) {
    if (w->pictures)
        mdiag(w, SL_DIAG_INFO, "mail.pictures", "%u picture%s, sound%s or video%s (logos, inline "
              "images, photos) skipped: no rows in them", w->pictures, w->pictures == 1 ? "" : "s",
              w->pictures == 1 ? "" : "s", w->pictures == 1 ? "" : "s");
    if (w->web && !w->stop) { /* Excel's or a browser's "single file web page" */
        if (w->bodies)
            mdiag(w, SL_DIAG_INFO, "mail.read", "a web page saved as one file (.mht): the tables "
                  "of its page read (page.html)");
        else
            mdiag(w, SL_DIAG_WARN, "mail.no_attachment", "a web page saved as one file (.mht) "
                  "with no table: nothing in it was read");
    } else if (!w->handed && !w->stop && !w->said)
        mdiag(w, SL_DIAG_WARN, "mail.no_attachment", "an e-mail message with no attachment: "
              "its text is correspondence, not an audit log, and nothing in it was read; if "
              "the records were sent as a link, download them and scan the files");
    else if (!w->stop && w->handed) {
        unsigned a = w->handed - w->bodies;
        char what[160];
        if (!w->bodies)
            snprintf(what, sizeof what, "%u attachment%s read", a, a == 1 ? "" : "s");
        else if (a)
            snprintf(what, sizeof what, "%u attachment%s read, and the tables in its HTML text "
                     "(message text.html)", a, a == 1 ? "" : "s");
        else
            snprintf(what, sizeof what, "no attachment; the tables in its HTML text read "
                     "(message text.html)");
        char texts[96] = "";
        if (w->texts)
            snprintf(texts, sizeof texts, "; its own text (%u part%s) set aside, not read as a log",
                     w->texts, w->texts == 1 ? "" : "s");
        mdiag(w, SL_DIAG_INFO, "mail.read", "e-mail message: %s%s", what, texts);
    }
}

/* One message from the parser: its parts walked, what it held said. */
static void read_message(walk_ctx *w, GMimeMessage *msg) {
    GMimeObject *body = g_mime_message_get_mime_part(msg);
    InternetAddressList *from = g_mime_message_get_from(msg);
    GMimeContentType *ct = body ? g_mime_object_get_content_type(body) : NULL;
    w->web = !w->mailbox && (!from || internet_address_list_length(from) == 0) && ct &&
             g_mime_content_type_is_type(ct, "multipart", "related");
    w->o->web = w->web;
    w->last = last_leaf(body);
    walk(w, body);
    if (w->damaged)
        mdiag(w, SL_DIAG_WARN, "mail.malformed", "the message's structure is damaged (%s): "
              "parts of it may not have been read", w->damage);
    if (w->truncated && !w->cut_handed)
        mdiag(w, SL_DIAG_WARN, "mail.cut_off", "the message is cut off before its end (saved or "
              "copied incompletely): its last part is missing its end; get the message again");
    if (!w->mailbox) say_what_was_read(w); /* a mailbox's: said once for all its messages */
}

/* ---- Outlook .msg -------------------------------------------------------------------------- *
 * An OLE2 compound file (read with libgsf): the message's properties are streams named
 * __substg1.0_PPPPTTTT (property PPPP of type TTTT), each attachment a storage
 * __attach_version1.0_#NNNNNNNN holding its bytes (3701, binary), its long and short file
 * names (3707, 3704) and its MIME type (370E); an attached message is a storage (3701, type
 * 000D) laid out like the message itself. */

#define MSG_MAX_DEPTH 4

/* String property prop of storage d (UTF-16LE, type 001F, or 8-bit Windows-1252, 001E) as
 * UTF-8 (g_free), or NULL. */
static char *msg_string(GsfInfile *d, unsigned prop) {
    char name[40];
    int wide = 1;
    snprintf(name, sizeof name, "__substg1.0_%04X001F", prop);
    GsfInput *in = gsf_infile_child_by_name(d, name);
    if (!in) {
        wide = 0;
        snprintf(name, sizeof name, "__substg1.0_%04X001E", prop);
        in = gsf_infile_child_by_name(d, name);
    }
    if (!in) return NULL;
    gunichar2 buf[1024]; /* a file name or a type: longer ones are cut */
    gsf_off_t n = gsf_input_size(in);
    if (n > (gsf_off_t)sizeof buf) n = (gsf_off_t)sizeof buf;
    char *out = NULL;
    if (n > 0 && gsf_input_read(in, (size_t)n, (guint8 *)buf))
        out = wide ? g_utf16_to_utf8(buf, (glong)(n / 2), NULL, NULL, NULL)
                   : g_convert((const char *)buf, (gssize)n, "UTF-8", "WINDOWS-1252", NULL, NULL,
                               NULL);
    g_object_unref(in);
    if (out && !*out) {
        g_free(out);
        out = NULL;
    }
    return out;
}

/* Copies stream in into f: 0 when whole, 1 when the stream could not be read to its end
 * (what could be read is in f, down to the sector where the file breaks off), -1 when f
 * could not be written. */
static int msg_copy(GsfInput *in, FILE *f) {
    enum { CHUNK = 256 * 1024, SECTOR = 512 };
    guint8 *buf = malloc(CHUNK);
    gsf_off_t size = gsf_input_size(in), at = 0;
    size_t step = CHUNK;
    int rc = buf ? 0 : -1;
    while (rc == 0 && at < size) {
        size_t k = size - at < (gsf_off_t)step ? (size_t)(size - at) : step;
        if (gsf_input_seek(in, at, G_SEEK_SET) || !gsf_input_read(in, k, buf)) {
            if (step > SECTOR) step = SECTOR; /* keep every sector before the break */
            else rc = 1;
            continue;
        }
        if (fwrite(buf, 1, k, f) != k) rc = -1;
        at += (gsf_off_t)k;
    }
    free(buf);
    return rc < 0 || fflush(f) != 0 ? -1 : rc;
}

/* Whether the child in is a storage (a directory of streams) rather than a stream. */
static int is_storage(GsfInput *in) {
    return in && GSF_IS_INFILE(in) && gsf_infile_num_children(GSF_INFILE(in)) >= 0;
}

static int has_child(GsfInfile *d, const char *name) {
    GsfInput *in = gsf_infile_child_by_name(d, name);
    if (in) g_object_unref(in);
    return in != NULL;
}

static int is_picture_name(const char *fn) {
    static const char *const EXT[] = {".png", ".jpg", ".jpeg", ".gif", ".bmp", ".tif", ".tiff",
                                      ".emf", ".wmf", NULL};
    size_t n = fn ? strlen(fn) : 0;
    for (size_t i = 0; EXT[i]; i++)
        if (sl_ends_with_ci(fn ? fn : "", n, EXT[i])) return 1;
    return 0;
}

/* Whether storage d lists a child of that name (gsf_infile_child_by_name also fails, with a
 * log line, when the child is listed but its blocks cannot be read). */
static int lists(GsfInfile *d, const char *name) {
    int n = gsf_infile_num_children(d);
    for (int i = 0; i < n; i++) {
        const char *nm = gsf_infile_name_by_index(d, i);
        if (nm && strcmp(nm, name) == 0) return 1;
    }
    return 0;
}

/* An attachment the file lists but whose storage or bytes cannot be read: damage, said. */
static void unreadable(walk_ctx *w, const char *prefix, const char *number, const char *fn) {
    w->said = 1;
    mdiag(w, SL_DIAG_ERROR, "mail.damaged", "an attachment (%s%s%s) is listed but cannot be "
          "read: the file is damaged or cut off there; get the message again, or open it in "
          "Outlook and save the attachment", prefix, fn ? fn : "number ", fn ? "" : number);
}

static int by_name(const void *a, const void *b) {
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The attachments of message storage m, their names after prefix ("attached message 1 > "
 * for those of an attached message). */
static void msg_walk(walk_ctx *w, GsfInfile *m, const char *prefix, unsigned depth) {
    /* the message's own text; its HTML form (PidTagHtml), when Outlook kept one, is read as
     * a web page if it holds a table, as an .eml's is */
    GsfInput *html = gsf_infile_child_by_name(m, "__substg1.0_10130102");
    int page = 0;
    if (html && !is_storage(html)) {
        char name[300];
        snprintf(name, sizeof name, "%smessage text%s.html", prefix, w->bodies ? " 2" : "");
        FILE *f = part_file(w, name);
        int cut = f ? msg_copy(html, f) : 0;
        if (f && cut == 0 && !has_table_tag(f)) fclose(f);
        else if (f) {
            page = 1;
            w->bodies++;
            hand_file(w, f, cut >= 0, name, "text/html", cut > 0, 1);
        }
    }
    if (!page && (html || has_child(m, "__substg1.0_1000001F") ||
                  has_child(m, "__substg1.0_1000001E") || has_child(m, "__substg1.0_10090102")))
        w->texts++;
    if (html) g_object_unref(html);
    int n = gsf_infile_num_children(m);
    char **names = n > 0 ? calloc((size_t)n, sizeof *names) : NULL;
    size_t na = 0;
    for (int i = 0; names && i < n; i++) {
        const char *nm = gsf_infile_name_by_index(m, i);
        if (nm && strncmp(nm, "__attach_version1.0_#", 21) == 0) names[na++] = g_strdup(nm);
    }
    if (na) qsort(names, na, sizeof *names, by_name); /* in the order they were attached */
    for (size_t i = 0; i < na && !w->stop && w->st == SL_OK; i++) {
        GsfInput *ai = gsf_infile_child_by_name(m, names[i]);
        if (!is_storage(ai)) {
            unreadable(w, prefix, names[i] + 20, NULL);
            if (ai) g_object_unref(ai);
            continue;
        }
        GsfInfile *a = GSF_INFILE(ai);
        char *fn = msg_string(a, 0x3707);
        if (!fn) fn = msg_string(a, 0x3704);
        if (!fn) fn = msg_string(a, 0x3001);
        char *mime = msg_string(a, 0x370E);
        GsfInput *data = gsf_infile_child_by_name(a, "__substg1.0_37010102");
        GsfInput *emb = data ? NULL : gsf_infile_child_by_name(a, "__substg1.0_3701000D");
        char made[64];
        if (mime ? is_media(mime) : is_picture_name(fn)) {
            w->pictures++;
        } else if (data && !is_storage(data)) {
            if (!fn) snprintf(made, sizeof made, "attachment %u", w->handed + 1);
            char *full = g_strconcat(prefix, fn ? fn : made, NULL);
            FILE *f = part_file(w, full);
            int cut = f ? msg_copy(data, f) : 0;
            if (f)
                hand_file(w, f, cut >= 0, full, mime ? mime : "application/octet-stream", cut > 0,
                          0);
            g_free(full);
        } else if (is_storage(emb)) {
            snprintf(made, sizeof made, "attached message %u > ", ++w->messages);
            char *sub = g_strconcat(prefix, made, NULL);
            if (depth + 1 >= MSG_MAX_DEPTH)
                mdiag(w, SL_DIAG_WARN, "archive.too_deep", "an attached message (%.*s) nested "
                      "deeper than %u levels was not read", (int)strlen(made) - 3, made,
                      MSG_MAX_DEPTH);
            else
                msg_walk(w, GSF_INFILE(emb), sub, depth + 1);
            g_free(sub);
        } else if (lists(a, "__substg1.0_37010102") || lists(a, "__substg1.0_3701000D")) {
            unreadable(w, prefix, names[i] + 20, fn); /* listed, but its blocks are not there */
        } else if (w->ole_cut) {
            unreadable(w, prefix, names[i] + 20, fn); /* its properties are past the cut */
        } else {
            w->said = 1;
            mdiag(w, SL_DIAG_WARN, "mail.attachment_unread", "an attachment%s%s%s is stored as "
                  "an embedded object or a link, not as a file, and was not read: open the "
                  "message in Outlook, save the attachment, and scan it", fn ? " (" : "",
                  fn ? fn : "", fn ? ")" : "");
        }
        if (data) g_object_unref(data);
        if (emb) g_object_unref(emb);
        g_free(fn);
        g_free(mime);
        g_object_unref(ai);
    }
    for (size_t i = 0; i < na; i++) g_free(names[i]);
    free(names);
}

static sl_status read_msg(walk_ctx *w, int fd) {
    int own = lseek(fd, 0, SEEK_SET) == 0 ? dup(fd) : -1;
    FILE *fp = own >= 0 ? fdopen(own, "rb") : NULL;
    if (!fp) {
        if (own >= 0) close(own);
        return SL_EIO;
    }
    GError *err = NULL;
    GsfInput *in = gsf_input_stdio_new_FILE(w->o->cite ? w->o->cite : "message", fp, FALSE);
    GsfInfile *ole = in ? gsf_infile_msole_new(in, &err) : NULL;
    if (!in) fclose(fp);
    sl_status st = SL_OK;
    if (!ole) {
        mdiag(w, SL_DIAG_ERROR, "mail.damaged", "cannot read as an Outlook message: %s; nothing "
              "in it was read (the file may be cut off or damaged: get it again, or open it in "
              "Outlook and save its attachments)",
              err && err->message ? err->message : "unknown error");
        st = SL_EFORMAT;
    } else {
        struct stat sb;
        uint64_t need = sl_ole_needs(fd);
        if (fstat(fd, &sb) == 0 && need > (uint64_t)sb.st_size) {
            w->ole_cut = w->said = 1;
            mdiag(w, SL_DIAG_ERROR, "mail.cut_off", "the Outlook message is cut off before its end "
                  "(%llu bytes, where its own index needs %llu): attachments past the cut are "
                  "missing or cut short; get the message again", (unsigned long long)sb.st_size,
                  (unsigned long long)need);
        }
        msg_walk(w, ole, "", 0);
        say_what_was_read(w);
        g_object_unref(ole);
    }
    if (err) g_error_free(err);
    if (in) g_object_unref(in);
    return st;
}

sl_status sl_mail_read_fd(int fd, sl_mail_kind kind, sl_mail_opts *opts, sl_mail_part_fn fn,
                          void *ud) {
    pthread_once(&gmime_once, gmime_init_once);
    walk_ctx w = {0};
    w.o = opts;
    w.fn = fn;
    w.ud = ud;
    if (kind == SL_MAIL_MSG) {
        sl_status st = read_msg(&w, fd);
        return st ? st : w.st;
    }
    int own = lseek(fd, 0, SEEK_SET) == 0 ? dup(fd) : -1;
    if (own < 0) return SL_EIO;
    GMimeStream *s = g_mime_stream_fs_new(own);
    GMimeParser *p = g_mime_parser_new_with_stream(s);
    GMimeParserOptions *po = g_mime_parser_options_new();
    g_mime_parser_options_set_warning_callback(po, on_warning, &w);
    sl_status st = SL_OK;
    if (kind == SL_MAIL_MBOX) {
        /* Each message is read where it is, its attachments named "message 3 > name": a
         * mailbox of thousands of notes and replies adds a source only for an attachment. */
        g_mime_parser_set_format(p, GMIME_FORMAT_MBOX);
        w.mailbox = 1;
        unsigned n = 0, with = 0;
        GMimeMessage *msg;
        for (;;) {
            w.truncated = w.damaged = w.said = w.cut_handed = 0; /* this message's own */
            w.prefix[0] = '\0';
            if (w.stop || w.st != SL_OK || !(msg = g_mime_parser_construct_message(p, po))) break;
            snprintf(w.prefix, sizeof w.prefix, "message %u > ", ++n);
            unsigned before = w.handed;
            read_message(&w, msg);
            with += w.handed > before;
            g_object_unref(msg);
        }
        w.prefix[0] = '\0';
        gint64 at = g_mime_parser_tell(p);
        if (!n) st = SL_EFORMAT;
        else if (!w.stop && w.st == SL_OK && !g_mime_parser_eos(p))
            mdiag(&w, SL_DIAG_ERROR, "mail.malformed", "the mailbox could not be read past its "
                  "message %u (near byte %lld): the messages after it were not read", n,
                  (long long)at);
        if (n && !w.stop && w.st == SL_OK) {
            if (w.pictures)
                mdiag(&w, SL_DIAG_INFO, "mail.pictures", "%u picture%s, sound%s or video%s "
                      "(logos, inline images, photos) skipped: no rows in them", w.pictures,
                      w.pictures == 1 ? "" : "s", w.pictures == 1 ? "" : "s",
                      w.pictures == 1 ? "" : "s");
            mdiag(&w, with ? SL_DIAG_INFO : SL_DIAG_WARN, with ? "mail.read" : "mail.no_attachment",
                  "mailbox: %u message%s; %u attachment%s or pasted table%s read, from %u of "
                  "them; the other %u (notes, replies: correspondence) set aside", n,
                  n == 1 ? "" : "s", w.handed, w.handed == 1 ? "" : "s",
                  w.handed == 1 ? "" : "s", with, n - with);
        }
    } else {
        GMimeMessage *msg = g_mime_parser_construct_message(p, po);
        if (!msg) st = SL_EFORMAT;
        else {
            read_message(&w, msg);
            g_object_unref(msg);
        }
    }
    if (st == SL_EFORMAT)
        mdiag(&w, SL_DIAG_ERROR, "mail.damaged", "cannot read as %s: %s; nothing in it was read",
              kind == SL_MAIL_MBOX ? "a mailbox" : "an e-mail message",
              w.damaged ? w.damage : "no message found");
    g_mime_parser_options_free(po);
    g_object_unref(p);
    g_object_unref(s);
    return st ? st : w.st;
}
