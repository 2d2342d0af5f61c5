/* mail.h: e-mail as records arrive in it. An agency that answers a records request by e-mail
 * sends the audit as an attachment, and a reporter saves the message (.eml, from any mail
 * program, or .msg, Outlook's own format) or a whole mailbox (.mbox, as Gmail's export writes
 * it). The message's own text is correspondence, not a log; its attachments are the release.
 * Parsed with GMime (MIME structure, base64 and quoted-printable, RFC 2047 and 2231 file
 * names), a .msg with libgsf (its OLE2 storages), winmail.dat (TNEF) here; each attachment is
 * decoded into a temporary file and handed on, to be read like an archive's member. A web
 * page saved as one file (.mht) is MIME too, and read the same way for its page's tables. */
#ifndef SL_MAIL_H
#define SL_MAIL_H

#include "core.h"

typedef enum {
    SL_MAIL_NONE = 0,
    SL_MAIL_MESSAGE, /* one message (RFC 5322 headers, then a body) */
    SL_MAIL_MBOX,    /* messages one after another, each after a "From " line */
    SL_MAIL_MSG      /* an Outlook message (.msg: an OLE2 compound file; told by xls.c's
                        sl_ole_format, not by sl_mail_sniff) */
} sl_mail_kind;

/* What the first n bytes of a stream say: a message when its first lines are header fields
 * (at least two of the fields a message carries, one of them a field only a message has,
 * Received, Message-ID, MIME-Version, Return-Path, Delivered-To, ..., or a From, Sender, To or
 * Reply-To that holds an address; and nothing but header lines before the blank line that
 * ends them, or before the n bytes end): a report headed "From: 01/01/2025" / "To: 06/30/2025"
 * is not one. A mailbox when a "From " line comes first and such header lines follow it. */
sl_mail_kind sl_mail_sniff(const void *p, size_t n);
#define SL_MAIL_SNIFF_BYTES 4096 /* what sl_mail_sniff looks at, of the n bytes given */

/* "eml", "mbox", "msg" (and "mht" is what a reader says of a web page saved as one file). */
const char *sl_mail_format(sl_mail_kind k);

/* One part handed out: an attachment, an attached message (message/rfc822), a file unpacked
 * from winmail.dat, or an HTML text that holds a table. */
typedef struct {
    const char *name; /* the attachment's file name; "attachment 2.csv" when it has none
                         (numbered by place, the extension from its type); "attached message
                         1.eml" for a message attached without a name; after "message 3 > "
                         for the attachments of a mailbox's third message */
    const char *type; /* its MIME type ("text/csv"), as the message gives it */
    int fd;           /* its bytes, decoded (a temporary file, rewound; closed after the call) */
    int cut;          /* the message ends inside this part: its end is missing */
    int body;         /* the message's own HTML text, handed out because it holds a table
                         (a table pasted into the message): to be read as a web page */
} sl_mail_part;

/* Called once per part, in the order they come; non-zero stops the walk. */
typedef int (*sl_mail_part_fn)(void *ud, const sl_mail_part *part);

typedef struct {
    const char *cite;  /* the message's or mailbox's cite, for messages */
    sl_diag_fn diag;   /* may be NULL */
    void *diag_ud;
    int web;           /* out: the message was a web page saved as one file (.mht), no mail */
} sl_mail_opts;

/* Reads the message (or, for SL_MAIL_MBOX, the mailbox; for SL_MAIL_MSG, the Outlook
 * message, whose attached messages' attachments are named "attached message N > name") in
 * fd, from its start (fd is not closed). Parts that are neither attachments nor attached
 * messages are the message's own text (text/plain or text/html without a file name) and are
 * not handed out, except an HTML text that holds a table, handed out as "message text.html"
 * (body set).
 *
 * Reported through diag: a message with no attachment (mail.no_attachment), one cut off
 * before its end (mail.cut_off, naming the part it ends in), one whose structure is damaged
 * (mail.malformed, with GMime's words), signatures skipped (mail.signature), Outlook's
 * winmail.dat that is not TNEF or is cut off (mail.tnef; its attachments are unpacked and
 * handed out as "winmail.dat > name", a cut one marked cut), encrypted
 * messages (mail.encrypted), a .msg attachment stored as a link or an embedded object
 * (mail.attachment_unread) or listed but unreadable, the file damaged or cut off there
 * (mail.damaged), a temporary file that cannot be written (mail.tmpfile). For a
 * message read whole, an INFO note (mail.read) counts its attachments and the text parts set
 * aside, and another counts the pictures, sounds and videos skipped (mail.pictures: logos
 * and inline images hold no rows). Returns SL_OK, SL_EFORMAT (nothing in fd reads as a
 * message), SL_EIO (a temporary file), SL_ENOMEM. */
sl_status sl_mail_read_fd(int fd, sl_mail_kind kind, sl_mail_opts *opts, sl_mail_part_fn fn,
                          void *ud);

#endif
