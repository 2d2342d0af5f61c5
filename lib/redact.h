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

#endif
