/* cell.h: what a cell holds, beyond its text. Decides, per field, whether a cell is empty,
 * a value, a placeholder, redacted by the vendor (***), redacted by the agency (REDACTED,
 * [REDACTED], ###, * * *, block glyphs, a statute typed in place of the value such as
 * "7923.600 GC"), or partly redacted ("REDACTED / 459 SUS"). A '*' inside a plate or a
 * filter is a wildcard, not a mask. */
#ifndef SL_CELL_H
#define SL_CELL_H

#include "core.h"

/* Classifies a trimmed cell for field f. Never SL_CELL_ABSENT (that is the schema's call). */
sl_cell_state sl_cell_classify(sl_field f, const char *p, size_t len);

/* The same decision without the fast path for plain ASCII cells: the reference the fast path
 * is tested against (tests/unit/test_cell.c). */
sl_cell_state sl_cell_classify_full(sl_field f, const char *p, size_t len);

#endif
