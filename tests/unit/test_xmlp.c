/* test_xmlp.c: the tokenizer in front of expat (lib/xmlp.c) against expat alone. Each case is
 * parsed both ways, the tokenizer's way in many cuttings (whole, byte by byte, in blocks of
 * 2, 3, 5, 7 and 64 bytes, and in random cuts), and the traces (xmlp_trace.h) must be the same:
 * events, text, and the end, down to an error's message, line and byte. The cases are what a
 * workbook part holds (a sheet, shared strings) and each thing the tokenizer leaves to expat:
 * a comment, CDATA, a DOCTYPE, processing instructions, declarations it does not take, raw
 * carriage returns and tabs, references it does not know, every kind of broken XML, invalid
 * UTF-8, characters XML forbids, nesting and attribute counts past its caps, a tag longer than
 * the block it keeps, text after the root; and a callback that stops the parse. Then: that the
 * tokenizer takes a plain sheet whole and hands over exactly where it should. */
#include "harness.h"
#include "xmlp_trace.h"

static uint64_t rng = 0x9e3779b97f4a7c15ull;

/* The same trace in every cutting as expat alone gives in one block. */
static int same_everywhere(const char *s, size_t n, long stop_after) {
    xt_trace ref, t;
    xt_parse(&ref, s, n, 1, NULL, 0, stop_after, NULL);
    static const size_t fixed[][2] = {{0, 0}, {1, 1}, {2, 2}, {3, 3}, {5, 5}, {7, 7}, {64, 64},
                                      {1, 64}, {64, 1}};
    int ok = 1;
    for (size_t k = 0; k < SL_ARRAY_LEN(fixed) + 8 && ok; k++) {
        size_t blocks[2];
        if (k < SL_ARRAY_LEN(fixed)) {
            blocks[0] = fixed[k][0];
            blocks[1] = fixed[k][1];
        } else {
            blocks[0] = 1 + (size_t)(t_xorshift(&rng) % 40);
            blocks[1] = 1 + (size_t)(t_xorshift(&rng) % 40);
        }
        xt_parse(&t, s, n, 0, blocks, 2, stop_after, NULL);
        if (t.out.len != ref.out.len || memcmp(t.out.p, ref.out.p, t.out.len) != 0) {
            fprintf(stderr, "case %.*s\nblocks %zu/%zu\n-- tokenizer:\n%s-- expat:\n%s", (int)(n > 200 ? 200 : n), s,
                    blocks[0], blocks[1], t.out.p, ref.out.p);
            ok = 0;
        }
        sl_buf_free(&t.out);
    }
    sl_buf_free(&ref.out);
    return ok;
}

#define SAME(lit) CHECK(same_everywhere(lit, sizeof(lit) - 1, 0))

static const char SHEET[] =
    "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\r\n"
    "<worksheet xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\" "
    "xmlns:r=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships\">"
    "<dimension ref=\"A1:C3\"/><sheetData>"
    "<row r=\"1\" spans=\"1:3\"><c r=\"A1\" t=\"s\"><v>0</v></c><c r=\"B1\" t=\"s\"><v>1</v></c>"
    "<c r=\"C1\" t='inlineStr'><is><t xml:space=\"preserve\"> Org &amp; Name </t></is></c></row>"
    "<row r=\"2\"><c r=\"A2\" s=\"3\"><v>45812.5</v></c><c r=\"B2\" t=\"str\"><f>A2&amp;\"x\"</f>"
    "<v>a &lt;b&gt; &quot;c&quot; &apos;d&apos; &#233;&#xE9;&#x1F600;</v></c></row>\n"
    "<row r=\"3\"><c r=\"A3\" t=\"inlineStr\"><is><r><rPr><b/></rPr><t>Jos\xC3\xA9 N\xC3\xBA\xC3\xB1"
    "ez \xE2\x82\xAC \xF0\x9F\x98\x80</t></r><rPh sb=\"0\"><t>x</t></rPh></is></c></row>"
    "</sheetData><pageMargins left=\"0.7\"/></worksheet>";

int main(void) {
    /* what workbooks hold */
    CHECK(same_everywhere(SHEET, sizeof SHEET - 1, 0));
    SAME("\xEF\xBB\xBF<?xml version='1.0'?><a b='1' c = \"2\"\n d='3'>x</a>\n\n");
    SAME("<a/>");
    SAME("<x:a x:b=\"1\"><x:c/></x:a >");
    SAME("<sst count=\"2\"><si><t>one</t></si><si><r><t>tw</t></r><r><t>o</t></r></si></sst>");
    SAME("<a>]x]]y]] ]]]</a>");
    SAME("<a>&#9;&#10;&#13;&#x20;&#1114111;</a>");
    SAME("<a>a\tb\nc</a>");
    SAME("<a>\x7F</a>");
    /* what the tokenizer leaves to expat */
    SAME("<a>x<!-- a comment --><b/></a>");
    SAME("<a><![CDATA[<not a tag> & ]]></a>");
    SAME("<!DOCTYPE a [<!ENTITY e \"boom\">]><a>&e;</a>");
    SAME("<?xml version=\"1.0\"?><?pi data?><a><?inner pi?></a>");
    /* processing instructions, passed over (Excel 2003 XML has <?mso-application ...?>) */
    SAME("<?xml version=\"1.0\"?>\n<?mso-application progid=\"Excel.Sheet\"?>\n<a>x<?pi?>y</a>");
    SAME("<?pi\ndata\r\n ? > ?? ?><a/><?after it\r?>");
    SAME("<?xml-stylesheet href='a'?><a/>");
    SAME("<a><?XML x?></a>");
    SAME("<a><?xml x?></a>");
    SAME("<a><?xMl?></a>");
    SAME("<a><?pi \x01?></a>");
    SAME("<a><?pi \xC3\xA9 \xC3?></a>");
    SAME("<a><? pi?></a>");
    SAME("<a><?pi");
    SAME("<a><?pi-x?y?></a>");
    SAME("<a><?pi?x?></a>");
    SAME("<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?><a>caf\xE9</a>");
    SAME("<?xml version=\"1.0\" encoding=\"UTF-16\"?><a/>");
    SAME("<?xml version=\"1.1\"?><a/>");
    SAME("<?xml  version=\"1.0\"  standalone='no' ?><a/>");
    SAME("<?xml version=\"1.0\" standalone=\"maybe\"?><a/>");
    SAME("<?xml encoding=\"UTF-8\"?><a/>");
    SAME("<?xml version=\"1.0\"?>");
    SAME(" <?xml version=\"1.0\"?><a/>");
    SAME("<?xml version=\"1.0\"?><a>x</a><?xml version=\"1.0\"?>");
    SAME("<a>line\r\nbreak\rx</a>");
    SAME("<a b=\"tab\there\"/>");
    SAME("<a b=\"line\nbreak\"/>");
    SAME("<a b=\"x &amp; y\"/>");
    SAME("<a b=\"x &#65; y\"/>");
    SAME("<a>&unknown;</a>");
    SAME("<a>&amp</a>");
    SAME("<a>&#0;</a>");
    SAME("<a>&#xD800;</a>");
    SAME("<a>&#xFFFE;</a>");
    SAME("<a>&#x110000;</a>");
    SAME("<a>&#12345678901234567890;</a>");
    SAME("<a>&#;</a>");
    SAME("<a>&#x;</a>");
    SAME("<a>& b</a>");
    SAME("<a>x]]>y</a>");
    /* broken XML */
    SAME("<a><b></a></b>");
    SAME("<a></b>");
    SAME("</a>");
    SAME("<a>");
    SAME("<a><b>text");
    SAME("<a b=\"1\" b=\"2\"/>");
    SAME("<a b=1/>");
    SAME("<a b=\"1\"c=\"2\"/>");
    SAME("<a b/>");
    SAME("<a b=\"<\"/>");
    SAME("<a b=\"1/>");
    SAME("<a / >");
    SAME("<a></a><b/>");
    SAME("<a></a>text");
    SAME("text<a/>");
    SAME("<1a/>");
    SAME("< a/>");
    SAME("<a><</a>");
    SAME("<a>x</a");
    SAME("<a>x</ a>");
    SAME("");
    SAME("\xEF\xBB\xBF");
    SAME("n\0\x10" "a\0\0version"); /* expat takes it for UTF-16 from its first bytes */
    SAME("<\0a\0/\0>\0");
    SAME("\n\0\0\0B<x");
    SAME("\xEF\xBB");
    SAME("   ");
    SAME("<a>\x01</a>");
    SAME("<a>\x00</a>");
    SAME("<a>\xFF</a>");
    SAME("<a>\xC3</a>");
    SAME("<a>\xC0\x80</a>");
    SAME("<a>\xED\xA0\x80</a>");
    SAME("<a>\xEF\xBF\xBE</a>");
    SAME("<a>\xEF\xBF\xBF</a>");
    SAME("<a>\xF4\x90\x80\x80</a>");
    SAME("<a>\xE2\x82</a>");
    SAME("<a b=\"\xC3\xA9\"/>");
    SAME("<a b=\"\xC3\"/>");
    SAME("<\xC3\xA9l\xC3\xA9ment/>");
    SAME("<a><\xC3\xA9/></a>");
    SAME("<a>\n<b>\n</c>\n</a>");
    SAME("<a\n b\n =\n '1'\n>\n</a\n>\n<");
    SAME("<?xml version=\"1.0\"?>\r\n<a\r b\r\n=\n\r'1'\r>x</a\r\n>\r\r\n\n<"); /* expat's lines */
    SAME("\r\n<a>\n</a>\r");
    SAME("<a>\n<b\n/>\n<c\r\n x='1'\r\n/>x\ny</a>"); /* an empty element's end: its last line */
    /* caps: nesting, attributes, a tag longer than the tokenizer keeps */
    {
        sl_buf deep = {0};
        for (int i = 0; i < 300; i++) sl_buf_puts(&deep, "<d>");
        sl_buf_puts(&deep, "x");
        for (int i = 0; i < 300; i++) sl_buf_puts(&deep, "</d>");
        CHECK(same_everywhere(deep.p, deep.len, 0));
        sl_buf_reset(&deep);
        sl_buf_puts(&deep, "<a");
        for (int i = 0; i < 70; i++) sl_buf_printf(&deep, " a%d=\"%d\"", i, i);
        sl_buf_puts(&deep, "/>");
        CHECK(same_everywhere(deep.p, deep.len, 0));
        sl_buf_reset(&deep);
        sl_buf_puts(&deep, "<a><b c=\"");
        for (int i = 0; i < 70000; i++) sl_buf_putc(&deep, 'v');
        sl_buf_puts(&deep, "\">t</b><b/></a>");
        CHECK(same_everywhere(deep.p, deep.len, 0));
        sl_buf_free(&deep);
    }
    /* a callback that stops: after the first end tag, the third, and inside an empty element */
    CHECK(same_everywhere(SHEET, sizeof SHEET - 1, 1));
    CHECK(same_everywhere(SHEET, sizeof SHEET - 1, 3));
    CHECK(same_everywhere("<a><b/><c/>x</a>", 16, 1));

    /* the tokenizer takes a plain sheet whole ... */
    xt_trace t;
    unsigned long long fast = 0;
    size_t one = 1;
    xt_parse(&t, SHEET, sizeof SHEET - 1, 0, NULL, 0, 0, &fast);
    CHECK_INT(fast, sizeof SHEET - 1);
    CHECK(strstr(t.out.p, "<t xml:space=[preserve]> @354 L2\nT[ Org & Name ]\n") != NULL);
    CHECK(strstr(t.out.p, "T[a <b> \"c\" 'd' \xC3\xA9\xC3\xA9\xF0\x9F\x98\x80]") != NULL);
    sl_buf_free(&t.out);
    xt_parse(&t, SHEET, sizeof SHEET - 1, 0, &one, 1, 0, &fast);
    CHECK_INT(fast, sizeof SHEET - 1);
    sl_buf_free(&t.out);
    /* ... and hands over at the first byte it does not take, with the open elements */
    static const char cmt[] = "<a><b>x</b><!-- c --><b>y</b></a>";
    xt_parse(&t, cmt, sizeof cmt - 1, 0, NULL, 0, 0, &fast);
    CHECK_INT(fast, 11);
    CHECK_STR(t.out.p, "<a> @0 L1\n<b> @3 L1\nT[x]\n</b> @7 L1\n<b> @21 L1\nT[y]\n</b> @25 L1\n"
                       "</a> @29 L1\nOK\n");
    sl_buf_free(&t.out);
    /* an error after the hand-over is placed in the part, not in what expat was given */
    static const char late[] = "<a>\n<b>1</b>\n<!--c-->\n<b>2</c>\n</a>";
    xt_parse(&t, late, sizeof late - 1, 0, NULL, 0, 0, &fast);
    CHECK_INT(fast, 13); /* "<a>\n<b>1</b>\n": the comment is at byte 13 */
    CHECK(strstr(t.out.p, "ERROR mismatched tag at line 4 byte 28\n") != NULL);
    CHECK(same_everywhere(late, sizeof late - 1, 0));
    sl_buf_free(&t.out);
    TEST_END();
}
