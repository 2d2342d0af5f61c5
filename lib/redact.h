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

/* A memo for texts that repeat (reasons, filters, offense values): each text redacted two ways,
 * `stored` (plates only, as the database keeps it) and `published` (the stored form with
 * plates and personal data redacted, as flagged.csv and the report show it). Texts in which
 * the row's own plate occurs are redacted afresh, never memoized, since the result depends on
 * the plate. Bounded: a fixed number of slots, texts longer than a slot holds bypass it. */
typedef struct sl_redact_memo sl_redact_memo;
sl_redact_memo *sl_redact_memo_new(const sl_key *k); /* NULL when out of memory */
void sl_redact_memo_free(sl_redact_memo *m);
/* Texts the memo has answered without redacting them again (tests). */
uint64_t sl_redact_memo_hits(const sl_redact_memo *m);
/* Appends the two forms of text to stored and published. Same bytes as sl_redact(text,
 * PLATES, plate) and sl_redact(that, PERSONAL | PLATES, none). */
sl_status sl_redact_memo_both(sl_redact_memo *m, const char *text, size_t len, const char *plate,
                              size_t plate_len, sl_buf *stored, sl_buf *published);
/* 1 when text comes out of sl_redact unchanged whatever the flags, with plate as the row's
 * own: without a digit or an '@', when it does not hold the row's plate (nothing else is found
 * without one); otherwise when no finder matches anywhere in it. One walk, no copy: it spares
 * the memo most reasons and case numbers, which are seldom repeated. */
int sl_redact_unchanged(const char *text, size_t len, const char *plate, size_t plate_len);
/* The spans [start, end) of what sl_redact takes for a plate in text by its look alone (no
 * row's own plate), the first cap of them put in spans; returns how many there are. */
size_t sl_redact_plate_spans(const char *text, size_t len, uint32_t (*spans)[2], size_t cap);
/* Whether the row's own plate (as sl_redact reads known_plate) occurs in text. */
int sl_redact_mentions_plate(const char *text, size_t len, const char *plate, size_t plate_len);

#endif
