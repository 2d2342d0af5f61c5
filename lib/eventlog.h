/* eventlog.h: Flock Event Log rows (`Timestamp, User, Event Type, Entity Type, Entity
 * Details[, Event Id]`). Event logs record administrative actions (users, sharing, hotlists,
 * audit reviews), not searches. Entity Details is a multi-line block of `Label: value` lines,
 * parsed here into borrowed (label, value) pairs without allocating per row. */
#ifndef SL_EVENTLOG_H
#define SL_EVENTLOG_H

#include "core.h"

/* Column indexes of an event log header, -1 when absent. */
typedef struct {
    int timestamp, user, event_type, entity_type, details, event_id;
} sl_eventlog_cols;

/* Maps a header row. Returns 1 when it is an event log header (Timestamp, User, Event Type,
 * Entity Type and Entity Details all present, trimmed, case-insensitive; Event Id optional),
 * 0 otherwise. */
int sl_eventlog_cols_from_header(const sl_slice *cells, size_t n, sl_eventlog_cols *cols);

typedef struct {
    sl_slice label; /* trimmed, never empty */
    sl_slice value; /* trimmed; spans continuation lines (embedded line breaks kept) */
} sl_ev_pair;

#define SL_EV_MAX_PAIRS 32

/* Parses an Entity Details block into at most cap pairs. Lines end with LF or CRLF. A line
 * "Label: value" starts a pair (the label starts with a letter, is at most 64 bytes and holds
 * no ':', and the colon ends the line or is followed by white space); a line that does not (no colon, or a colon too far in) continues the previous
 * pair's value; such lines before any pair are counted in *orphans (may be NULL). Blank lines
 * are skipped. Slices borrow from p. Returns the number of pairs found, which may exceed cap
 * (only cap are written). */
size_t sl_ev_details_parse(const char *p, size_t len, sl_ev_pair *pairs, size_t cap,
                           size_t *orphans);

/* One event, borrowing from the row. */
typedef struct {
    sl_slice timestamp, user, event_type, entity_type, details, event_id; /* trimmed; empty if absent */
    int64_t time;        /* epoch seconds, SL_TIME_NONE (timeparse.h) when unparseable */
    sl_ev_pair pairs[SL_EV_MAX_PAIRS];
    size_t npairs;       /* pairs stored (<= SL_EV_MAX_PAIRS) */
    size_t pairs_total;  /* pairs found (> npairs when the cap was hit) */
    size_t orphans;      /* detail lines before the first label */
} sl_event;

/* Fills ev from a data row. Returns 1 when the row carries an event (a parseable timestamp,
 * or at least a user and an event type), 0 when it does not (a footer, a stray note). */
int sl_event_from_row(const sl_eventlog_cols *cols, const sl_slice *cells, size_t n,
                      sl_event *ev);

/* Appends the pairs as a JSON object {"Label": "value", ...} to b (a repeated label gets
 * " (2)", " (3)" appended so no key is lost). Control characters are escaped. */
sl_status sl_event_details_json(const sl_event *ev, sl_buf *b);

/* Appends p[0, len) to b as a JSON string literal (quotes included). */
sl_status sl_ev_json_str(sl_buf *b, const char *p, size_t len);

#endif
