/* fuzz_mail.c: libFuzzer harness for the e-mail readers (mail.h): the input is read as an
 * e-mail message, as a mailbox (GMime), as an Outlook .msg (libgsf) and as a winmail.dat
 * attached to a message (TNEF), every part handed out read to its end. fuzz_read reaches these too, but a .msg mutated into any other OLE2 file
 * goes to FreeXL, whose known over-read (contained in its child process in a scan) stops
 * that harness; this one stays on the mail readers.
 * Build with `make fuzz` (needs clang); run, from the repository root:
 *   mkdir -p /tmp/mail_corpus && cp tests/data/mail/[a-z]* /tmp/mail_corpus/
 *   LSAN_OPTIONS=suppressions=tests/lsan.supp ASAN_OPTIONS=fast_unwind_on_malloc=0 \
 *     build/fuzz/fuzz_mail -max_total_time=60 -rss_limit_mb=2048 /tmp/mail_corpus
 * (libgsf leaks a directory entry on a damaged OLE2 file: the suppression names
 * gsf_infile_msole_new, which only a full unwind of the allocation's stack shows.)
 * Keep any crasher as a regression input in tests/data/mail/, named for what it breaks. */
#include "mail.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static void check(int ok) {
    if (!ok) __builtin_trap();
}

static int on_part(void *ud, const sl_mail_part *p) {
    size_t *parts = ud;
    check(p->name != NULL && *p->name && p->type != NULL && p->fd >= 0);
    check(lseek(p->fd, 0, SEEK_CUR) == 0);
    char buf[4096];
    while (read(p->fd, buf, sizeof buf) > 0) {
    }
    (*parts)++;
    return 0;
}

static void on_diag(void *ud, const sl_diag *d) {
    (void)ud;
    check(d->code != NULL && d->message != NULL &&
          (strncmp(d->code, "mail.", 5) == 0 || strcmp(d->code, "archive.too_deep") == 0));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    FILE *f = tmpfile();
    if (!f) return 0;
    if (size && fwrite(data, 1, size, f) != size) {
        fclose(f);
        return 0;
    }
    fflush(f);
    sl_mail_opts o = {"fuzz", on_diag, NULL};
    static const sl_mail_kind kinds[] = {SL_MAIL_MESSAGE, SL_MAIL_MBOX, SL_MAIL_MSG};
    for (size_t k = 0; k < sizeof kinds / sizeof kinds[0]; k++) {
        size_t parts = 0;
        (void)sl_mail_read_fd(fileno(f), kinds[k], &o, on_part, &parts);
    }
    (void)sl_mail_sniff(data, size);
    fclose(f);
    /* the input as winmail.dat (TNEF), attached to a message as it is */
    FILE *g = tmpfile();
    if (!g) return 0;
    fputs("From: a@b.org\nMIME-Version: 1.0\nContent-Type: application/ms-tnef\n"
          "Content-Disposition: attachment; filename=winmail.dat\n"
          "Content-Transfer-Encoding: binary\n\n", g);
    if (size) fwrite(data, 1, size, g);
    fflush(g);
    size_t parts = 0;
    (void)sl_mail_read_fd(fileno(g), SL_MAIL_MESSAGE, &o, on_part, &parts);
    fclose(g);
    return 0;
}
