/* test_mail.c: e-mail messages and mailboxes (mail.h): what is taken for a message and what
 * is not, and each fixture of tests/data/mail/ read end to end through sl_read_file: the
 * attachments become members cited "message > name", with the hash of their decoded bytes;
 * the message's own text is set aside; a cut-off, link-only, TNEF, signed message each says
 * what it is; Outlook's .msg files likewise. Fixtures: tests/data/make_fixtures.py (make_mail). */
#include "container.h"
#include "harness.h"
#include "mail.h"
#include "read_int.h"
#include "xls.h"

#include <fcntl.h>
#include <stdlib.h>
#include <unistd.h>

typedef struct {
    sl_buf out, diags;
    uint64_t rows[64];
    char sha[64][65];
} coll;

static int c_begin(void *ud, const sl_source *s) {
    coll *c = ud;
    if (s->id < 64) c->rows[s->id] = 0;
    return 0;
}
static int c_row(void *ud, const sl_source *s, const sl_csv_row *r) {
    SL_UNUSED(r);
    coll *c = ud;
    if (s->id < 64) c->rows[s->id]++;
    return 0;
}
static void c_end(void *ud, const sl_source *s) {
    coll *c = ud;
    sl_buf_printf(&c->out, "%u<%u %s [%s%s%s] rows=%llu size=%llu\n", s->id, s->parent, s->cite,
                  s->format ? s->format : "?", s->member ? " m=" : "", s->member ? s->member : "",
                  (unsigned long long)(s->id < 64 ? c->rows[s->id] : 0),
                  (unsigned long long)s->size);
    if (s->id < 64) memcpy(c->sha[s->id], s->sha256, 65);
}
static void c_diag(void *ud, const sl_diag *d) {
    coll *c = ud;
    sl_buf_printf(&c->diags, "%s [%s]\n", d->code, d->source ? d->source : "");
}

static sl_status run(const char *name, coll *c) {
    char path[300];
    sl_fmt(path, sizeof path, "tests/data/mail/%s", name);
    memset(c, 0, sizeof *c);
    sl_reader_cb cb = {c_begin, c_row, c_end, NULL, c_diag, c, c};
    uint32_t id = 1;
    sl_status st = sl_read_file(path, NULL, &cb, &id);
    sl_buf_nul(&c->out);
    sl_buf_nul(&c->diags);
    return st;
}
static void done(coll *c) { sl_buf_free(&c->out); sl_buf_free(&c->diags); }

static void test_sniff(void) {
    static const struct {
        const char *text;
        int kind;
    } cases[] = {
        {"From: Records <r@x.gov>\r\nTo: a@b.org\r\nSubject: PRR\r\n\r\nbody\r\n", SL_MAIL_MESSAGE},
        {"Received: from mx (mx [10.0.0.1])\n\tby mail; Tue, 4 Nov 2025\nSubject: x\n\nbody\n",
         SL_MAIL_MESSAGE},
        /* headers longer than what is looked at: three fields, no line that is not one */
        {"Return-Path: <r@x.gov>\nX-Spam: no\nDelivered-To: a@b.org\nDKIM-Signature: v=1; a=rsa",
         SL_MAIL_MESSAGE},
        {"From r@x.gov Tue Nov  4 10:12:00 2025\nFrom: r@x.gov\nSubject: PRR\n\nbody\n", SL_MAIL_MBOX},
        /* not messages: an audit, a memo headed like a letter, a header with no strong field */
        {"From,To,Subject\nr@x.gov,a@b.org,PRR\n", SL_MAIL_NONE},
        {"Name,Org Name,Search Time,Reason\nAnn,PD,2025-01-01,theft\n", SL_MAIL_NONE},
        {"Subject: audit\nTo: council\n\nThe audit shows...\n", SL_MAIL_NONE},
        {"From: r@x.gov\nthis line is prose, not a header\n\n", SL_MAIL_NONE},
        {" From: folded first\nSubject: x\n\n", SL_MAIL_NONE},
        {"From someone who wrote a note\nnot headers\n", SL_MAIL_NONE},
        {"From: r@x.gov\n", SL_MAIL_NONE}, /* one field */
        /* a report's date range above its table: no address, no field only mail has */
        {"From: 01/01/2025\nTo: 06/30/2025\n\nName,Org Name,Reason\n", SL_MAIL_NONE},
        {"Date: 06/05/2025\nSubject: network audit\nFrom: Town PD\n\nName,Reason\n", SL_MAIL_NONE},
    };
    for (size_t i = 0; i < SL_ARRAY_LEN(cases); i++) {
        CHECK_INT(sl_mail_sniff(cases[i].text, strlen(cases[i].text)), cases[i].kind);
        if ((int)sl_mail_sniff(cases[i].text, strlen(cases[i].text)) != cases[i].kind)
            fprintf(stderr, "  case %zu\n", i);
    }
    /* the reader's sniff: a message is its own kind, whatever its name */
    const char *m = cases[0].text;
    CHECK_STR(sl_read_kind_name(sl_read_sniff((const unsigned char *)m, strlen(m), "x.txt")), "mail");
}

static void test_attachments(void) {
    coll c;
    CHECK_INT(run("audit_attached_as_csv.eml", &c), SL_OK);
    CHECK_STR(c.out.p,
        "2<1 tests/data/mail/audit_attached_as_csv.eml > network_audit.csv [csv m=network_audit.csv] rows=61 size=4834\n"
        "1<0 tests/data/mail/audit_attached_as_csv.eml [eml] rows=0 size=7527\n");
    CHECK_STR(c.diags.p, "mail.read [tests/data/mail/audit_attached_as_csv.eml]\n");
    /* the attachment's hash is that of the file the mail program saves (MAIL_CSV's, as
     * Python's hashlib gives it) */
    CHECK_STR(c.sha[2], "04e5c43bd34948a4419e77f2445802ea281a9d26f0c085846b90bcf230a95036");
    char sha[65];
    CHECK_INT(sl_sha256_file("tests/data/mail/audit_attached_as_csv.eml", sha), SL_OK);
    CHECK_STR(c.sha[1], sha);
    char csv_sha[65];
    memcpy(csv_sha, c.sha[2], 65);
    done(&c);

    /* quoted-printable, named in UTF-8 (RFC 2231): the same bytes */
    CHECK_INT(run("audit_attached_quoted_printable_named_in_utf8.eml", &c), SL_OK);
    CHECK_STR(c.out.p,
        "2<1 tests/data/mail/audit_attached_quoted_printable_named_in_utf8.eml > Pr\xC3\xBC" "fprotokoll \xE2\x80\x93 audit.csv [csv m=Pr\xC3\xBC" "fprotokoll \xE2\x80\x93 audit.csv] rows=61 size=4834\n"
        "1<0 tests/data/mail/audit_attached_quoted_printable_named_in_utf8.eml [eml] rows=0 size=6714\n");
    CHECK_STR(c.sha[2], csv_sha);
    done(&c);

    /* zipped, without a name: named from its type, read as a zip */
    CHECK_INT(run("audit_attached_zipped_without_a_name.eml", &c), SL_OK);
    CHECK_STR(c.out.p,
        "3<2 tests/data/mail/audit_attached_zipped_without_a_name.eml > attachment 1.zip > export/audit.csv [csv m=attachment 1.zip > export/audit.csv] rows=61 size=4834\n"
        "2<1 tests/data/mail/audit_attached_zipped_without_a_name.eml > attachment 1.zip [zip m=attachment 1.zip] rows=0 size=788\n"
        "1<0 tests/data/mail/audit_attached_zipped_without_a_name.eml [eml] rows=0 size=1678\n");
    CHECK_STR(c.sha[3], csv_sha);
    done(&c);

    /* forwarded: the attached message is read as one */
    CHECK_INT(run("audit_in_a_forwarded_message.eml", &c), SL_OK);
    CHECK_STR(c.out.p,
        "3<2 tests/data/mail/audit_in_a_forwarded_message.eml > attached message 1.eml > network_audit.csv [csv m=attached message 1.eml > network_audit.csv] rows=61 size=4834\n"
        "2<1 tests/data/mail/audit_in_a_forwarded_message.eml > attached message 1.eml [eml m=attached message 1.eml] rows=0 size=7136\n"
        "1<0 tests/data/mail/audit_in_a_forwarded_message.eml [eml] rows=0 size=7845\n");
    CHECK_STR(c.sha[3], csv_sha);
    CHECK_STR(c.diags.p,
        "mail.read [tests/data/mail/audit_in_a_forwarded_message.eml > attached message 1.eml]\n"
        "mail.read [tests/data/mail/audit_in_a_forwarded_message.eml]\n");
    done(&c);

    /* the logo in the signature is skipped with a note, not read as a binary attachment */
    CHECK_INT(run("audit_with_a_logo_in_the_signature.eml", &c), SL_OK);
    CHECK_STR(c.out.p,
        "2<1 tests/data/mail/audit_with_a_logo_in_the_signature.eml > network_audit.csv [csv m=network_audit.csv] rows=61 size=4834\n"
        "1<0 tests/data/mail/audit_with_a_logo_in_the_signature.eml [eml] rows=0 size=7997\n");
    CHECK_STR(c.diags.p,
        "mail.pictures [tests/data/mail/audit_with_a_logo_in_the_signature.eml]\n"
        "mail.read [tests/data/mail/audit_with_a_logo_in_the_signature.eml]\n");
    done(&c);

    /* no attachment, the audit pasted into the message as a table: the HTML text is read as
     * a web page (its first bytes, a <div>, would not say so), the table as a sheet; the
     * signature's layout table is set aside by the scan, not here */
    CHECK_INT(run("audit_pasted_into_the_message_as_a_table.eml", &c), SL_OK);
    CHECK_STR(c.out.p,
        "3<2 tests/data/mail/audit_pasted_into_the_message_as_a_table.eml > message text.html > table 1 [html m=message text.html] rows=11 size=2682\n"
        "4<2 tests/data/mail/audit_pasted_into_the_message_as_a_table.eml > message text.html > table 2 [html m=message text.html] rows=1 size=72\n"
        "2<1 tests/data/mail/audit_pasted_into_the_message_as_a_table.eml > message text.html [html m=message text.html] rows=0 size=2863\n"
        "1<0 tests/data/mail/audit_pasted_into_the_message_as_a_table.eml [eml] rows=0 size=4487\n");
    CHECK_STR(c.diags.p, "mail.read [tests/data/mail/audit_pasted_into_the_message_as_a_table.eml]\n");
    done(&c);

    /* Excel's "Single File Web Page" is MIME too: no sender, its page read for its tables */
    CHECK_INT(run("sheet_saved_as_single_file_web_page.mht", &c), SL_OK);
    CHECK_STR(c.out.p,
        "3<2 tests/data/mail/sheet_saved_as_single_file_web_page.mht > page.html > table 1 [html m=page.html] rows=11 size=1360\n"
        "2<1 tests/data/mail/sheet_saved_as_single_file_web_page.mht > page.html [html m=page.html] rows=0 size=1403\n"
        "1<0 tests/data/mail/sheet_saved_as_single_file_web_page.mht [mht] rows=0 size=1777\n");
    CHECK_STR(c.diags.p, "mail.read [tests/data/mail/sheet_saved_as_single_file_web_page.mht]\n");
    done(&c);

    /* a mailbox: each message a member, its attachments under it */
    CHECK_INT(run("mailbox_of_three_messages.mbox", &c), SL_OK);
    /* each message read where it is: a source only for an attachment, named after its
     * message; the reply with no attachment is counted, not listed */
    CHECK_STR(c.out.p,
        "2<1 tests/data/mail/mailbox_of_three_messages.mbox > message 1 > network_audit_1.csv [csv m=message 1 > network_audit_1.csv] rows=61 size=4834\n"
        "3<1 tests/data/mail/mailbox_of_three_messages.mbox > message 2 > network_audit_2.csv [csv m=message 2 > network_audit_2.csv] rows=61 size=4834\n"
        "1<0 tests/data/mail/mailbox_of_three_messages.mbox [mbox] rows=0 size=14763\n");
    CHECK_STR(c.sha[2], csv_sha);
    CHECK_STR(c.diags.p, "mail.read [tests/data/mail/mailbox_of_three_messages.mbox]\n");
    done(&c);

    /* signed: the signature skipped, the attachment read */
    CHECK_INT(run("signed_message.eml", &c), SL_OK);
    CHECK_STR(c.out.p,
        "2<1 tests/data/mail/signed_message.eml > network_audit.csv [csv m=network_audit.csv] rows=61 size=4834\n"
        "1<0 tests/data/mail/signed_message.eml [eml] rows=0 size=7627\n");
    CHECK_STR(c.sha[2], csv_sha);
    CHECK_STR(c.diags.p,
        "mail.signature [tests/data/mail/signed_message.eml]\n"
        "mail.read [tests/data/mail/signed_message.eml]\n");
    done(&c);
}

static void test_what_is_said(void) {
    coll c;
    /* cut off inside its attachment: the rows before the cut are read, the cut named */
    CHECK_INT(run("cut_off_inside_its_attachment.eml", &c), SL_OK);
    /* 2,652 bytes: every whole base64 group before the cut; the last record comes cut */
    CHECK_STR(c.out.p,
        "2<1 tests/data/mail/cut_off_inside_its_attachment.eml > network_audit.csv [csv m=network_audit.csv] rows=34 size=2652\n"
        "1<0 tests/data/mail/cut_off_inside_its_attachment.eml [eml] rows=0 size=4516\n");
    CHECK_STR(c.sha[2], ""); /* not read to its end: no hash to cite */
    CHECK_STR(c.diags.p,
        "mail.cut_off [tests/data/mail/cut_off_inside_its_attachment.eml > network_audit.csv]\n"
        "mail.read [tests/data/mail/cut_off_inside_its_attachment.eml]\n");
    done(&c);

    CHECK_INT(run("no_attachment_only_a_link.eml", &c), SL_OK);
    CHECK_STR(c.out.p, "1<0 tests/data/mail/no_attachment_only_a_link.eml [eml] rows=0 size=358\n");
    CHECK_STR(c.diags.p, "mail.no_attachment [tests/data/mail/no_attachment_only_a_link.eml]\n");
    done(&c);

    /* the attachments Outlook packed in winmail.dat (TNEF) are unpacked and read */
    CHECK_INT(run("attachments_in_winmail_dat.eml", &c), SL_OK);
    CHECK_STR(c.out.p,
        "2<1 tests/data/mail/attachments_in_winmail_dat.eml > winmail.dat > network_audit.csv [csv m=winmail.dat > network_audit.csv] rows=61 size=4834\n"
        "3<1 tests/data/mail/attachments_in_winmail_dat.eml > winmail.dat > march.csv [csv m=winmail.dat > march.csv] rows=3 size=190\n"
        "1<0 tests/data/mail/attachments_in_winmail_dat.eml [eml] rows=0 size=7715\n");
    CHECK_STR(c.sha[2], "04e5c43bd34948a4419e77f2445802ea281a9d26f0c085846b90bcf230a95036");
    CHECK_STR(c.diags.p, "mail.read [tests/data/mail/attachments_in_winmail_dat.eml]\n");
    done(&c);
    /* cut off inside its first attachment: the bytes before the cut read, the cut said */
    CHECK_INT(run("winmail_dat_cut_off_inside_an_attachment.eml", &c), SL_OK);
    CHECK_STR(c.out.p,
        "2<1 tests/data/mail/winmail_dat_cut_off_inside_an_attachment.eml > winmail.dat > network_audit.csv [csv m=winmail.dat > network_audit.csv] rows=37 size=2896\n"
        "1<0 tests/data/mail/winmail_dat_cut_off_inside_an_attachment.eml [eml] rows=0 size=4728\n");
    CHECK_STR(c.diags.p,
        "mail.cut_off [tests/data/mail/winmail_dat_cut_off_inside_an_attachment.eml > winmail.dat > network_audit.csv]\n"
        "mail.tnef [tests/data/mail/winmail_dat_cut_off_inside_an_attachment.eml]\n"
        "mail.read [tests/data/mail/winmail_dat_cut_off_inside_an_attachment.eml]\n");
    done(&c);
    /* named winmail.dat, but not TNEF: said, and not also "no attachment" */
    CHECK_INT(run("winmail_dat_that_is_not_tnef.eml", &c), SL_OK);
    CHECK_STR(c.diags.p, "mail.tnef [tests/data/mail/winmail_dat_that_is_not_tnef.eml]\n");
    done(&c);
}

/* Writes head, then n bytes of filler (lines of 'x'), then tail into a temporary file, reads
 * it with sl_read_file into c (done(c) frees it) and removes it. */
static void read_made(const char *head, int n, const char *tail, coll *c) {
    char path[] = "/tmp/sl_mail_XXXXXX";
    memset(c, 0, sizeof *c);
    int fd = mkstemp(path);
    CHECK(fd >= 0);
    if (fd < 0) return;
    FILE *f = fdopen(fd, "wb");
    fputs(head, f);
    for (int i = 0; i < n; i++) fputc(i % 64 == 63 ? '\n' : 'x', f);
    fputs(tail, f);
    fclose(f);
    sl_reader_cb cb = {c_begin, c_row, c_end, NULL, c_diag, c, c};
    uint32_t id = 1;
    CHECK_INT(sl_read_file(path, NULL, &cb, &id), SL_OK);
    sl_buf_nul(&c->out);
    unlink(path);
}

/* A table tag that straddles the 64 KiB blocks in which an HTML text is searched for one
 * is still found (the text is searched in a file, not held in memory). */
static void test_table_across_blocks(void) {
    coll c;
    read_made("From: Records <records@x.gov>\nTo: a@b.org\nSubject: PRR\nMIME-Version: 1.0\n"
              "Content-Type: text/html; charset=utf-8\n\n",
              65533, /* '<' at 65533 */
              "<table><tr><td>Name</td><td>Org Name</td><td>Search Time</td><td>Reason</td></tr>"
              "<tr><td>Ann Lee</td><td>Springfield PD</td><td>06/02/2025, 4:05:06 AM UTC</td>"
              "<td>assist ICE</td></tr></table>\n", &c);
    CHECK(c.out.p && strstr(c.out.p, "> message text.html > table 1 [html m=message text.html] rows=2 ") != NULL);
    done(&c);
}

/* An attachment name with a line break and a tab (RFC 2047 can encode them): cited with
 * spaces, so that a cite stays one line in every output. */
static void test_name_with_control_characters(void) {
    coll c;
    read_made("From: a@x.gov\nTo: b@y.org\nSubject: x\nMIME-Version: 1.0\n"
              "Content-Type: multipart/mixed; boundary=\"b1\"\n\n--b1\nContent-Type: text/plain\n\nhi\n"
              "--b1\nContent-Type: text/csv\n"
              "Content-Disposition: attachment; filename=\"=?utf-8?q?audit=0A=09evil.csv?=\"\n\n",
              0, "Name,Org Name,Search Time,Reason\nAnn,Town PD,2025-06-01T10:00:00Z,theft\n--b1--\n",
              &c);
    CHECK(c.out.p && strstr(c.out.p, " > audit  evil.csv [csv m=audit  evil.csv] rows=2 ") != NULL);
    done(&c);
}

/* Outlook's own format: the attachments' storages read through libgsf, in the order they
 * were attached; a big one (its own sectors) and a small one (the mini stream) alike. */
static void test_outlook(void) {
    coll c;
    CHECK_INT(run("audit_attached_to_an_outlook_message.msg", &c), SL_OK);
    CHECK_STR(c.out.p,
        "2<1 tests/data/mail/audit_attached_to_an_outlook_message.msg > network_audit.csv [csv m=network_audit.csv] rows=61 size=4834\n"
        "3<1 tests/data/mail/audit_attached_to_an_outlook_message.msg > march.csv [csv m=march.csv] rows=3 size=190\n"
        "4<1 tests/data/mail/audit_attached_to_an_outlook_message.msg > attached message 1 > network_audit.csv [csv m=attached message 1 > network_audit.csv] rows=61 size=4834\n"
        "1<0 tests/data/mail/audit_attached_to_an_outlook_message.msg [msg] rows=0 size=18944\n");
    CHECK_STR(c.sha[2], "04e5c43bd34948a4419e77f2445802ea281a9d26f0c085846b90bcf230a95036");
    CHECK_STR(c.sha[4], c.sha[2]);
    CHECK_STR(c.diags.p,
        "mail.pictures [tests/data/mail/audit_attached_to_an_outlook_message.msg]\n"
        "mail.read [tests/data/mail/audit_attached_to_an_outlook_message.msg]\n");
    done(&c);

    /* cut off: every whole sector of the first attachment before the break (512 bytes),
     * the small one whole (its mini stream comes first), the attached message's cut too */
    CHECK_INT(run("outlook_message_cut_off.msg", &c), SL_OK);
    CHECK_STR(c.out.p,
        "2<1 tests/data/mail/outlook_message_cut_off.msg > network_audit.csv [csv m=network_audit.csv] rows=7 size=512\n"
        "3<1 tests/data/mail/outlook_message_cut_off.msg > march.csv [csv m=march.csv] rows=3 size=190\n"
        "1<0 tests/data/mail/outlook_message_cut_off.msg [msg] rows=0 size=9472\n");
    CHECK_STR(c.diags.p,
        "mail.cut_off [tests/data/mail/outlook_message_cut_off.msg]\n" /* by its own index */
        "mail.cut_off [tests/data/mail/outlook_message_cut_off.msg > network_audit.csv]\n"
        "mail.cut_off [tests/data/mail/outlook_message_cut_off.msg > attached message 1 > network_audit.csv]\n"
        "mail.pictures [tests/data/mail/outlook_message_cut_off.msg]\n"
        "mail.read [tests/data/mail/outlook_message_cut_off.msg]\n");
    done(&c);

    /* cut before the directory that names its streams: not told for a message (nor for
     * "an Office file with no workbook"), but said to be cut off, from its own index */
    CHECK_INT(run("outlook_message_cut_before_its_directory.msg", &c), SL_OK);
    CHECK_STR(c.out.p, "1<0 tests/data/mail/outlook_message_cut_before_its_directory.msg [xls] rows=0 size=2048\n");
    CHECK_STR(c.diags.p, "xls.damaged [tests/data/mail/outlook_message_cut_before_its_directory.msg]\n");
    done(&c);
    int fd = open("tests/data/mail/outlook_message_cut_before_its_directory.msg", O_RDONLY);
    CHECK_INT(sl_ole_needs(fd), 18944); /* the whole message's size */
    if (fd >= 0) close(fd);
    fd = open("tests/data/mail/audit_attached_as_csv.eml", O_RDONLY);
    CHECK_INT(sl_ole_needs(fd), 0); /* not OLE2 */
    if (fd >= 0) close(fd);

    /* Outlook kept the message's HTML form, which holds a pasted table: read as a page */
    CHECK_INT(run("audit_pasted_into_an_outlook_message.msg", &c), SL_OK);
    CHECK(strstr(c.out.p, "3<2 tests/data/mail/audit_pasted_into_an_outlook_message.msg > message "
                          "text.html > table 1 [html m=message text.html] rows=11 ") != NULL);
    CHECK_STR(c.diags.p, "mail.read [tests/data/mail/audit_pasted_into_an_outlook_message.msg]\n");
    done(&c);

    /* attached as a link to a file share: said, and not also "no attachment" */
    CHECK_INT(run("outlook_message_with_a_link_instead.msg", &c), SL_OK);
    CHECK_STR(c.out.p, "1<0 tests/data/mail/outlook_message_with_a_link_instead.msg [msg] rows=0 size=3584\n");
    CHECK_STR(c.diags.p, "mail.attachment_unread [tests/data/mail/outlook_message_with_a_link_instead.msg]\n");
    done(&c);
}

int main(void) {
    test_sniff();
    test_attachments();
    test_what_is_said();
    test_outlook();
    test_table_across_blocks();
    test_name_with_control_characters();
    TEST_END();
}
