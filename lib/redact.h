/* redact.h: keeps civilians' data out of what is written. Plates become keyed tokens in every
 * output, including where an officer typed a plate into free text; text meant for publication
 * (report, flagged.csv) also has dates of birth, SSNs, phone numbers, driver's license numbers,
 * e-mail and street addresses replaced by bracketed labels. Names of officers and agencies are
 * public actors and are left alone. */
#ifndef SL_REDACT_H
#define SL_REDACT_H

#include "core.h"

enum {
    SL_REDACT_PLATES = 1,   /* plate-like strings -> tokens (always applied to outputs) */
    SL_REDACT_PERSONAL = 2  /* DOB, SSN, phone, DL, e-mail, street address -> [LABEL] */
};

/* Appends to out a copy of text with the requested redactions. `known_plate` (may be NULL/0)
 * is the row's own plate cell: any occurrence of it (ignoring case, spaces and dashes) is
 * tokenized even when it would not look like a plate. Returns SL_OK or SL_ENOMEM. */
sl_status sl_redact(const sl_key *k, const char *text, size_t len, const char *known_plate,
                    size_t plate_len, unsigned flags, sl_buf *out);

/* A bounded memo of sl_redact results for texts that repeat (reasons, dropdown values, matched
 * spans): direct-mapped on a hash of the text, every hit verified against the full text, at
 * most `entries` slots (rounded up to a power of two) and `max_bytes` of cached text; when the
 * bytes would overflow, the memo is emptied and refills. A memo serves one key and one flag set
 * (those of its first call; calls with others bypass it). A text in which the row's own plate
 * occurs (ignoring case, spaces and dashes, anywhere) bypasses it too; for every other text the
 * row's plate changes nothing, so the result depends on (key, flags, text) alone and the memo
 * returns exactly what sl_redact would. Texts longer than 1 KiB, and texts without a digit or
 * an '@' (sl_redact's own fast path), are never cached. 0 for either bound takes the default
 * (16384 slots, 4 MiB). Returns NULL when out of memory. */
typedef struct sl_redact_memo sl_redact_memo;
sl_redact_memo *sl_redact_memo_new(size_t entries, size_t max_bytes);
void sl_redact_memo_free(sl_redact_memo *m);
/* Same contract as sl_redact; m may be NULL (then it is sl_redact). */
sl_status sl_redact_memo_text(sl_redact_memo *m, const sl_key *k, const char *text, size_t len,
                              const char *known_plate, size_t plate_len, unsigned flags, sl_buf *out);
/* Lookups served from the memo and lookups that missed (tests and measurements). */
void sl_redact_memo_stats(const sl_redact_memo *m, uint64_t *hits, uint64_t *misses);

#endif
