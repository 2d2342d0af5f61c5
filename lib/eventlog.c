/* eventlog.c: Flock Event Log rows: header mapping, one row to an event, and the Entity
 * Details block ("License Plate: ***\nUser: ...\nStatus: A -> B\n") to (label, value) pairs
 * borrowed from the cell, plus their JSON form for the database. */
#include "eventlog.h"
#include "timeparse.h"

#include <stddef.h>
#include <stdio.h>
#include <string.h>

#define LABEL_MAX 64

int sl_eventlog_cols_from_header(const sl_slice *cells, size_t n, sl_eventlog_cols *cols) {
    static const struct { const char *name; size_t off; } names[] = {
        {"timestamp", offsetof(sl_eventlog_cols, timestamp)},
        {"user", offsetof(sl_eventlog_cols, user)},
        {"event type", offsetof(sl_eventlog_cols, event_type)},
        {"entity type", offsetof(sl_eventlog_cols, entity_type)},
        {"entity details", offsetof(sl_eventlog_cols, details)},
        {"event id", offsetof(sl_eventlog_cols, event_id)},
    };
    int *slot[SL_ARRAY_LEN(names)];
    for (size_t k = 0; k < SL_ARRAY_LEN(names); k++) {
        slot[k] = (int *)(void *)((char *)cols + names[k].off);
        *slot[k] = -1;
    }
    for (size_t i = 0; i < n && i < 4096; i++) {
        sl_slice t = sl_trim(cells[i]);
        if (i == 0 && t.len >= 3 && !memcmp(t.p, "\xEF\xBB\xBF", 3)) { /* stray BOM */
            t.p += 3;
            t.len -= 3;
        }
        for (size_t k = 0; k < SL_ARRAY_LEN(names); k++)
            if (*slot[k] < 0 && sl_slice_ieq(t, names[k].name)) *slot[k] = (int)i;
    }
    return cols->timestamp >= 0 && cols->user >= 0 && cols->event_type >= 0 &&
           cols->entity_type >= 0 && cols->details >= 0;
}

/* Whether a line opens a "Label: value" pair; sets the label's length (before the colon). The
 * colon must end the line or be followed by white space, so "12:30" in a value is no label. */
static int label_of(const char *p, size_t len, size_t *llen) {
    if (!len || !sl_isalpha((unsigned char)p[0])) return 0;
    const char *c = memchr(p, ':', len < LABEL_MAX + 1 ? len : LABEL_MAX + 1);
    if (!c) return 0;
    size_t k = (size_t)(c - p);
    if (k + 1 < len && !sl_isspace((unsigned char)p[k + 1])) return 0;
    *llen = k;
    return 1;
}

size_t sl_ev_details_parse(const char *p, size_t len, sl_ev_pair *pairs, size_t cap,
                           size_t *orphans) {
    size_t n = 0, orph = 0;
    int open = 0; /* the last pair seen was stored and may take continuation lines */
    size_t i = 0;
    while (i < len) {
        size_t j = i;
        while (j < len && p[j] != '\n') j++;
        sl_slice line = {p + i, j - i};
        if (line.len && line.p[line.len - 1] == '\r') line.len--;
        sl_slice t = sl_trim(line);
        size_t llen;
        if (t.len && label_of(t.p, t.len, &llen)) {
            sl_slice lab = sl_trim((sl_slice){t.p, llen});
            sl_slice val = sl_trim((sl_slice){t.p + llen + 1, t.len - llen - 1});
            if (n < cap) {
                pairs[n].label = lab;
                pairs[n].value = val;
                if (!val.len) pairs[n].value.p = t.p + t.len; /* empty, but placed */
                open = 1;
            } else {
                open = 0;
            }
            n++;
        } else if (t.len) {
            if (n == 0) {
                orph++;
            } else if (open) {
                sl_ev_pair *last = &pairs[n - 1];
                if (!last->value.len) last->value.p = t.p;
                last->value.len = (size_t)(t.p + t.len - last->value.p);
            }
        }
        i = j + 1;
    }
    if (orphans) *orphans = orph;
    return n;
}

static sl_slice cell_at(const sl_slice *cells, size_t n, int col) {
    if (col < 0 || (size_t)col >= n) return (sl_slice){"", 0};
    return sl_trim(cells[col]);
}

int sl_event_from_row(const sl_eventlog_cols *cols, const sl_slice *cells, size_t n,
                      sl_event *ev) {
    ev->timestamp = cell_at(cells, n, cols->timestamp);
    ev->user = cell_at(cells, n, cols->user);
    ev->event_type = cell_at(cells, n, cols->event_type);
    ev->entity_type = cell_at(cells, n, cols->entity_type);
    ev->details = cell_at(cells, n, cols->details);
    ev->event_id = cell_at(cells, n, cols->event_id);
    if (!ev->timestamp.len || !sl_time_parse(ev->timestamp.p, ev->timestamp.len, &ev->time))
        ev->time = SL_TIME_NONE;
    ev->pairs_total = sl_ev_details_parse(ev->details.p, ev->details.len, ev->pairs,
                                          SL_EV_MAX_PAIRS, &ev->orphans);
    ev->npairs = ev->pairs_total < SL_EV_MAX_PAIRS ? ev->pairs_total : SL_EV_MAX_PAIRS;
    return ev->time != SL_TIME_NONE || (ev->user.len && ev->event_type.len);
}

sl_status sl_ev_json_str(sl_buf *b, const char *p, size_t len) {
    static const char hex[] = "0123456789abcdef";
    sl_status rc = sl_buf_putc(b, '"');
    for (size_t i = 0; i < len && !rc; i++) {
        unsigned char c = (unsigned char)p[i];
        if (c == '"' || c == '\\') {
            char e[2] = {'\\', (char)c};
            rc = sl_buf_append(b, e, 2);
        } else if (c == '\n') {
            rc = sl_buf_append(b, "\\n", 2);
        } else if (c == '\r') {
            rc = sl_buf_append(b, "\\r", 2);
        } else if (c == '\t') {
            rc = sl_buf_append(b, "\\t", 2);
        } else if (c < 0x20 || c == 0x7f) {
            char e[6] = {'\\', 'u', '0', '0', hex[c >> 4], hex[c & 15]};
            rc = sl_buf_append(b, e, 6);
        } else {
            rc = sl_buf_putc(b, (char)c);
        }
    }
    return rc ? rc : sl_buf_putc(b, '"');
}

static int same_label(sl_slice a, sl_slice b) {
    if (a.len != b.len) return 0;
    for (size_t i = 0; i < a.len; i++)
        if (sl_tolower((unsigned char)a.p[i]) != sl_tolower((unsigned char)b.p[i])) return 0;
    return 1;
}

sl_status sl_event_details_json(const sl_event *ev, sl_buf *b) {
    sl_status rc = sl_buf_putc(b, '{');
    for (size_t i = 0; i < ev->npairs && !rc; i++) {
        unsigned dup = 1;
        for (size_t j = 0; j < i; j++)
            if (same_label(ev->pairs[j].label, ev->pairs[i].label)) dup++;
        if (i) rc = sl_buf_putc(b, ',');
        if (!rc && dup == 1) {
            rc = sl_ev_json_str(b, ev->pairs[i].label.p, ev->pairs[i].label.len);
        } else if (!rc) {
            char key[LABEL_MAX + 16];
            int kl = snprintf(key, sizeof key, "%.*s (%u)", (int)ev->pairs[i].label.len,
                              ev->pairs[i].label.p, dup);
            rc = sl_ev_json_str(b, key, kl > 0 ? (size_t)kl : 0);
        }
        if (!rc) rc = sl_buf_putc(b, ':');
        if (!rc) rc = sl_ev_json_str(b, ev->pairs[i].value.p, ev->pairs[i].value.len);
    }
    return rc ? rc : sl_buf_putc(b, '}');
}
