/* decode.h: text encodings of exported files. Decides once per source, from a sniff window
 * of its first bytes, which encoding it is in (BOM first; else UTF-8 unless the window holds
 * invalid UTF-8 that Windows-1252 explains), and transcodes UTF-16 LE/BE and Windows-1252 to
 * UTF-8 through a push interface that accepts chunk boundaries anywhere. */
#ifndef SL_DECODE_H
#define SL_DECODE_H

#include "core.h"

typedef enum {
    SL_ENC_UTF8 = 0,   /* no BOM, valid UTF-8 (or invalid bytes cp1252 does not explain) */
    SL_ENC_UTF8_BOM,   /* EF BB BF */
    SL_ENC_UTF16LE,    /* FF FE */
    SL_ENC_UTF16BE,    /* FE FF */
    SL_ENC_CP1252      /* fallback: not valid UTF-8, consistent with Windows-1252 */
} sl_encoding;

/* "utf-8", "utf-8-bom", "utf-16le", "utf-16be", "windows-1252" (the sl_source names). */
const char *sl_encoding_name(sl_encoding e);

#define SL_SNIFF_WINDOW ((size_t)64 * 1024)

/* Decides the encoding of a source from its first n bytes (at most SL_SNIFF_WINDOW are
 * looked at). at_eof: the window is the whole source (a multi-byte sequence cut by the end
 * of the window is then invalid, not merely unfinished). Writes a one-line reason for people
 * into why (may be NULL) and the BOM length into *bom_len (may be NULL). */
sl_encoding sl_encoding_sniff(const void *p, size_t n, int at_eof, size_t *bom_len, char *why,
                              size_t whycap);

/* Streaming transcoder to UTF-8. For UTF-16 a leading BOM is dropped; for UTF-8 (with or
 * without BOM) bytes pass through unchanged (the CSV reader drops a UTF-8 BOM itself). */
typedef struct sl_decoder sl_decoder;

sl_status sl_decoder_new(sl_decoder **out, sl_encoding enc);
/* Converts as much of in[0, in_len) as fits into out[0, out_cap) (out_cap >= 8). Sets
 * *in_used (bytes consumed, a partial code unit is consumed and held) and *out_len. Call
 * again with the rest while *in_used < in_len. */
void sl_decoder_push(sl_decoder *d, const void *in, size_t in_len, char *out, size_t out_cap,
                     size_t *in_used, size_t *out_len);
/* At end of input: writes U+FFFD for a held odd byte or unpaired high surrogate (out_cap >= 8). */
void sl_decoder_finish(sl_decoder *d, char *out, size_t out_cap, size_t *out_len);
/* Code units replaced by U+FFFD so far (unpaired surrogates, odd final byte, bytes that
 * Windows-1252 leaves undefined). */
uint64_t sl_decoder_replaced(const sl_decoder *d);
void sl_decoder_free(sl_decoder *d);

#endif
