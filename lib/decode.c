/* decode.c: encoding decision per source (BOM, else UTF-8, else Windows-1252 when the sniff
 * window's invalid UTF-8 is explained by it) and streaming UTF-16 / Windows-1252 -> UTF-8
 * transcoding with state carried across chunk boundaries. */
#include "decode.h"

#include <stdlib.h>
#include <string.h>

const char *sl_encoding_name(sl_encoding e) {
    switch (e) {
    case SL_ENC_UTF8: return "utf-8";
    case SL_ENC_UTF8_BOM: return "utf-8-bom";
    case SL_ENC_UTF16LE: return "utf-16le";
    case SL_ENC_UTF16BE: return "utf-16be";
    case SL_ENC_CP1252: return "windows-1252";
    }
    return "utf-8";
}

/* Windows-1252 0x80-0x9F; 0 marks the five undefined bytes. */
static const uint16_t cp1252_hi[32] = {
    0x20AC, 0,      0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021,
    0x02C6, 0x2030, 0x0160, 0x2039, 0x0152, 0,      0x017D, 0,
    0,      0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014,
    0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0,      0x017E, 0x0178,
};

static int cp1252_defined(unsigned char c) {
    return c < 0x80 || c > 0x9F || cp1252_hi[c - 0x80] != 0;
}

/* Length of the valid UTF-8 sequence at p[0..n), 0 when invalid, -1 when cut by the end. */
static int utf8_seq(const unsigned char *p, size_t n) {
    unsigned char c = p[0];
    if (c < 0x80) return 1;
    int len;
    unsigned char lo = 0x80, hi = 0xBF;
    if (c >= 0xC2 && c <= 0xDF) len = 2;
    else if (c == 0xE0) { len = 3; lo = 0xA0; }
    else if (c >= 0xE1 && c <= 0xEC) len = 3;
    else if (c == 0xED) { len = 3; hi = 0x9F; }
    else if (c >= 0xEE && c <= 0xEF) len = 3;
    else if (c == 0xF0) { len = 4; lo = 0x90; }
    else if (c >= 0xF1 && c <= 0xF3) len = 4;
    else if (c == 0xF4) { len = 4; hi = 0x8F; }
    else return 0;
    for (int k = 1; k < len; k++) {
        if ((size_t)k >= n) return -1;
        unsigned char b = p[k];
        if (k == 1 ? (b < lo || b > hi) : (b < 0x80 || b > 0xBF)) return 0;
    }
    return len;
}

sl_encoding sl_encoding_sniff(const void *vp, size_t n, int at_eof, size_t *bom_len, char *why,
                              size_t whycap) {
    const unsigned char *p = vp;
    char dummy[8];
    if (!why || whycap == 0) { why = dummy; whycap = sizeof dummy; }
    if (bom_len) *bom_len = 0;
    if (n >= 3 && p[0] == 0xEF && p[1] == 0xBB && p[2] == 0xBF) {
        if (bom_len) *bom_len = 3;
        sl_fmt(why, whycap, "UTF-8 byte order mark");
        return SL_ENC_UTF8_BOM;
    }
    if (n >= 2 && p[0] == 0xFF && p[1] == 0xFE) {
        if (bom_len) *bom_len = 2;
        sl_fmt(why, whycap, "UTF-16 little-endian byte order mark");
        return SL_ENC_UTF16LE;
    }
    if (n >= 2 && p[0] == 0xFE && p[1] == 0xFF) {
        if (bom_len) *bom_len = 2;
        sl_fmt(why, whycap, "UTF-16 big-endian byte order mark");
        return SL_ENC_UTF16BE;
    }
    if (n > SL_SNIFF_WINDOW) { n = SL_SNIFF_WINDOW; at_eof = 0; }
    size_t first_bad = SIZE_MAX, nbad = 0, undefined_at = SIZE_MAX, nonascii = 0;
    for (size_t i = 0; i < n;) {
        int k = utf8_seq(p + i, n - i);
        if (k < 0 && !at_eof) break; /* cut by the window: not evidence either way */
        if (k <= 0) {
            if (first_bad == SIZE_MAX) first_bad = i;
            nbad++;
            i++;
            continue;
        }
        if (k > 1) nonascii++;
        i += (size_t)k;
    }
    if (first_bad == SIZE_MAX) {
        sl_fmt(why, whycap, "%s in the first %zu bytes",
               nonascii ? "valid UTF-8" : "plain ASCII (read as UTF-8)", n);
        return SL_ENC_UTF8;
    }
    /* UTF-8 with a few damaged bytes (a character cut by an export's field limit, a stray
     * byte): the valid multi-byte characters outnumber the invalid bytes. Read as
     * Windows-1252 its every accented name would turn to mojibake ("JosÃ©"); in real
     * Windows-1252 text an accented letter is almost never followed by the one byte that
     * makes a valid UTF-8 pair, so there the invalid bytes are the many. */
    if (nonascii > nbad) {
        sl_fmt(why, whycap,
               "UTF-8 with %zu invalid byte%s among %zu valid multi-byte characters in the first "
               "%zu bytes (first 0x%02X at byte %zu): read as UTF-8, invalid bytes kept and counted",
               nbad, nbad == 1 ? "" : "s", nonascii, n, p[first_bad], first_bad);
        return SL_ENC_UTF8;
    }
    for (size_t i = 0; i < n; i++)
        if (!cp1252_defined(p[i])) { undefined_at = i; break; }
    if (undefined_at == SIZE_MAX) {
        sl_fmt(why, whycap,
               "not valid UTF-8 (%zu invalid bytes in the first %zu, first 0x%02X at byte %zu); "
               "every byte is defined in Windows-1252",
               nbad, n, p[first_bad], first_bad);
        return SL_ENC_CP1252;
    }
    sl_fmt(why, whycap,
           "not valid UTF-8 (first invalid byte 0x%02X at %zu) but byte 0x%02X at %zu is "
           "undefined in Windows-1252: read as UTF-8, invalid bytes kept and counted",
           p[first_bad], first_bad, p[undefined_at], undefined_at);
    return SL_ENC_UTF8;
}

struct sl_decoder {
    sl_encoding enc;
    int have_byte;      /* UTF-16: first byte of a code unit held */
    unsigned char byte;
    int started;        /* UTF-16: first code unit seen (BOM check done) */
    unsigned hi;        /* UTF-16: pending high surrogate, 0 when none */
    uint64_t replaced;
};

sl_status sl_decoder_new(sl_decoder **out, sl_encoding enc) {
    sl_decoder *d = calloc(1, sizeof *d);
    *out = d;
    if (!d) return SL_ENOMEM;
    d->enc = enc;
    return SL_OK;
}

void sl_decoder_free(sl_decoder *d) { free(d); }

uint64_t sl_decoder_replaced(const sl_decoder *d) { return d ? d->replaced : 0; }

#define REPLACEMENT 0xFFFDu

void sl_decoder_push(sl_decoder *d, const void *vin, size_t n, char *out, size_t cap,
                     size_t *in_used, size_t *out_len) {
    const unsigned char *in = vin;
    size_t i = 0, o = 0;
    switch (d->enc) {
    case SL_ENC_UTF8:
    case SL_ENC_UTF8_BOM:
        i = n < cap ? n : cap;
        memcpy(out, in, i);
        o = i;
        break;
    case SL_ENC_CP1252:
        while (i < n && o + 4 <= cap) {
            unsigned char c = in[i++];
            if (c < 0x80) { out[o++] = (char)c; continue; }
            uint32_t cp = c;
            if (c <= 0x9F) {
                cp = cp1252_hi[c - 0x80];
                if (!cp) { cp = REPLACEMENT; d->replaced++; }
            }
            o += sl_utf8_put(cp, out + o);
        }
        break;
    case SL_ENC_UTF16LE:
    case SL_ENC_UTF16BE:
        while (i < n && o + 8 <= cap) {
            if (!d->have_byte) {
                d->byte = in[i++];
                d->have_byte = 1;
                continue;
            }
            unsigned u = d->enc == SL_ENC_UTF16LE ? (unsigned)d->byte | (unsigned)in[i] << 8
                                                  : (unsigned)d->byte << 8 | in[i];
            i++;
            d->have_byte = 0;
            if (!d->started) {
                d->started = 1;
                if (u == 0xFEFF) continue;
            }
            if (d->hi) {
                if (u >= 0xDC00 && u <= 0xDFFF) {
                    o += sl_utf8_put(0x10000u + ((d->hi - 0xD800u) << 10) + (u - 0xDC00u), out + o);
                    d->hi = 0;
                    continue;
                }
                o += sl_utf8_put(REPLACEMENT, out + o);
                d->replaced++;
                d->hi = 0;
            }
            if (u >= 0xD800 && u <= 0xDBFF) { d->hi = u; continue; }
            if (u >= 0xDC00 && u <= 0xDFFF) {
                o += sl_utf8_put(REPLACEMENT, out + o);
                d->replaced++;
                continue;
            }
            o += sl_utf8_put(u, out + o);
        }
        break;
    }
    *in_used = i;
    *out_len = o;
}

void sl_decoder_finish(sl_decoder *d, char *out, size_t cap, size_t *out_len) {
    size_t o = 0;
    if (d->hi && o + 3 <= cap) {
        o += sl_utf8_put(REPLACEMENT, out + o);
        d->replaced++;
        d->hi = 0;
    }
    if (d->have_byte && o + 3 <= cap) {
        o += sl_utf8_put(REPLACEMENT, out + o);
        d->replaced++;
        d->have_byte = 0;
    }
    *out_len = o;
}
