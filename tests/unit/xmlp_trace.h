/* xmlp_trace.h: what a parse through xmlp.h does, written down so that two parses can be
 * compared: each start tag with its attributes, each end tag (each with the byte and line
 * where the parser says it is, which readers cite and measure tables by), the text between
 * them (adjacent
 * pieces joined, since how text is cut into callbacks is the parser's business), and how the
 * parse ended (ok, or the error's message, line and byte). Used by tests/unit/test_xmlp.c and
 * fuzz/fuzz_xmlp.c, which parse the same input with the tokenizer in front of expat and with
 * expat alone and require the same trace. */
#ifndef SL_XMLP_TRACE_H
#define SL_XMLP_TRACE_H

#include "core.h"
#include "xmlp.h"

#include <stdio.h>
#include <string.h>

typedef struct {
    sl_buf out;
    int in_text;
    long stop_after; /* sl_xmlp_stop at this end tag (counted from 1; as a workbook reader
                        stops at the end of a row); 0: never */
    long events;
    int stopped;
    sl_xmlp *p;
} xt_trace;

static void xt_put(xt_trace *t, const char *s, size_t n) {
    if (n) sl_buf_append(&t->out, s, n);
}
static void xt_puts(xt_trace *t, const char *s) { xt_put(t, s, strlen(s)); }

/* Ends a text run before a tag is written. */
static void xt_tag(xt_trace *t, const char *open) {
    if (t->in_text) xt_puts(t, "]\n");
    t->in_text = 0;
    xt_puts(t, open);
}

/* Ends a tag's line with where the parser says it is. */
static void xt_at(xt_trace *t) {
    char at[64];
    snprintf(at, sizeof at, "> @%lld L%lu\n", sl_xmlp_byte(t->p), sl_xmlp_line(t->p));
    xt_puts(t, at);
}

static void XMLCALL xt_start(void *ud, const XML_Char *name, const XML_Char **atts) {
    xt_trace *t = ud;
    xt_tag(t, "<");
    xt_puts(t, name);
    for (size_t i = 0; atts[i]; i += 2) {
        xt_puts(t, " ");
        xt_puts(t, atts[i]);
        xt_puts(t, "=[");
        xt_puts(t, atts[i + 1]);
        xt_puts(t, "]");
    }
    xt_at(t);
}

static void XMLCALL xt_end(void *ud, const XML_Char *name) {
    xt_trace *t = ud;
    xt_tag(t, "</");
    xt_puts(t, name);
    xt_at(t);
    if (t->stop_after && ++t->events == t->stop_after) {
        t->stopped = 1;
        sl_xmlp_stop(t->p);
    }
}

static void XMLCALL xt_text(void *ud, const XML_Char *s, int len) {
    xt_trace *t = ud;
    if (!t->in_text) xt_puts(t, "T[");
    t->in_text = 1;
    xt_put(t, s, (size_t)len);
}

static void XMLCALL xt_doctype(void *ud, const XML_Char *name, const XML_Char *sysid,
                               const XML_Char *pubid, int internal) {
    (void)sysid; (void)pubid; (void)internal;
    xt_trace *t = ud;
    xt_puts(t, "DOCTYPE ");
    xt_puts(t, name ? name : "");
    xt_puts(t, "\n");
    t->stopped = 1;
    sl_xmlp_stop(t->p); /* as the workbook readers refuse it */
}

/* Parses s[0, n) in blocks of the given sizes (cycled; a size 0 means the whole rest), with
 * the tokenizer (expat_only 0) or without. The trace, NUL-ended, in t->out; the bytes the
 * tokenizer took in *fast (may be NULL). */
static const char *xt_encoding = "UTF-8"; /* sl_xmlp_def.encoding */

static void xt_parse(xt_trace *t, const char *s, size_t n, int expat_only, const size_t *blocks,
                     size_t nblocks, long stop_after, unsigned long long *fast) {
    memset(t, 0, sizeof *t);
    t->stop_after = stop_after;
    sl_xmlp_def d = {t, xt_start, xt_end, xt_text, xt_doctype, NULL, expat_only, xt_encoding};
    t->p = sl_xmlp_new(&d);
    if (!t->p) { xt_puts(t, "NEW FAILED\n"); sl_buf_nul(&t->out); return; }
    size_t at = 0, k = 0;
    int rc = 0;
    for (;;) {
        size_t want = nblocks ? blocks[k++ % nblocks] : 0;
        if (!want || want > n - at) want = n - at;
        int final = at + want == n;
        void *b = sl_xmlp_buffer(t->p, want ? want : 1);
        if (!b) { rc = -2; break; }
        if (want) memcpy(b, s + at, want);
        at += want;
        rc = sl_xmlp_parse(t->p, want, final);
        if (rc || final) break;
    }
    if (t->in_text) xt_puts(t, "]\n");
    char end[256];
    if (rc == -2) snprintf(end, sizeof end, "NO BUFFER\n");
    else if (rc && t->stopped) snprintf(end, sizeof end, "STOPPED\n");
    else if (rc) snprintf(end, sizeof end, "ERROR %s at line %lu byte %lld\n", sl_xmlp_error(t->p),
                          sl_xmlp_line(t->p), sl_xmlp_byte(t->p));
    else snprintf(end, sizeof end, "OK\n");
    xt_puts(t, end);
    if (fast) *fast = sl_xmlp_fast_bytes(t->p);
    sl_xmlp_free(t->p);
    t->p = NULL;
    sl_buf_nul(&t->out);
}

#endif
