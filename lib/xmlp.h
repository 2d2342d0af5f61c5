/* xmlp.h: the XML parser of spreadsheets: a workbook's sheets and shared strings, an
 * OpenDocument file's content.xml, a Word document's body, an Excel 2003 XML file.
 *
 * expat is the parser; in front of it a tokenizer for the plain XML that spreadsheet writers
 * produce (start and end tags with attributes, text, the five named entities and character
 * references, in UTF-8; processing instructions are passed over, as expat does without a handler
 * for them) reads the part itself, with the same callbacks expat would make. At the first byte
 * it does not take (a comment, CDATA, a DOCTYPE, a carriage return in text or a tab in an
 * attribute, an encoding other than UTF-8, anything not well-formed, ...) it hands the rest of
 * the part to expat, primed with the elements open at that point, so that what is read and
 * what is refused, and every error's message, line and byte, are expat's. expat costs about
 * half of an .xlsx scan's time on sheets of small cells (bench/RESULTS.md).
 * tests/unit/test_xmlp.c and fuzz/fuzz_xmlp.c compare the two, event for event. */
#ifndef SL_XMLP_H
#define SL_XMLP_H

#include <expat.h>
#include <stddef.h>

typedef struct sl_xmlp sl_xmlp;

typedef struct {
    void *ud;
    XML_StartElementHandler start;
    XML_EndElementHandler end;
    XML_CharacterDataHandler text;
    XML_StartDoctypeDeclHandler doctype; /* may be NULL */
    XML_EntityDeclHandler entity;        /* may be NULL */
    int expat_only;                      /* no tokenizer in front: expat from the first byte */
    const char *encoding;                /* expat's XML_ParserCreate argument: "UTF-8", or NULL
                                            for what the document declares */
} sl_xmlp_def;

sl_xmlp *sl_xmlp_new(const sl_xmlp_def *d);
void sl_xmlp_free(sl_xmlp *p);
/* Where to put the next n bytes (NULL: out of memory); then sl_xmlp_parse(p, n, final). */
void *sl_xmlp_buffer(sl_xmlp *p, size_t n);
/* 0: parsed; -1: stopped (sl_xmlp_stop) or an error (sl_xmlp_error). */
int sl_xmlp_parse(sl_xmlp *p, size_t n, int final);
/* From a callback: no callback follows. */
void sl_xmlp_stop(sl_xmlp *p);
/* Where the error is, or from a callback where the token being handed out begins (bytes from
 * the part's start, as XML_GetCurrentByteIndex; lines from 1, as XML_GetCurrentLineNumber);
 * and what the error is. */
long long sl_xmlp_byte(const sl_xmlp *p);
unsigned long sl_xmlp_line(const sl_xmlp *p);
const char *sl_xmlp_error(const sl_xmlp *p);
/* Whether the parse ended for want of memory (the tokenizer's; expat's own is an error). */
int sl_xmlp_out_of_memory(const sl_xmlp *p);
/* Bytes taken by the tokenizer before expat (if ever) took the rest: for tests. */
unsigned long long sl_xmlp_fast_bytes(const sl_xmlp *p);

#endif
