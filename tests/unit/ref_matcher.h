/* ref_matcher.h: a slow, obvious reference implementation of the rule engine's semantics over
 * PCRE2, for differential tests against the Hyperscan matcher (lib/match.c). Test-only: it
 * reads the loaded patterns through the internal lib/rules.h.
 *
 * Semantics (docs/RULES.md): every pattern is matched case-insensitively, bytewise. For each
 * end offset e, the match considered is the one with the leftmost start s among all matches
 * ending at e (what Hyperscan's SOM_LEFTMOST reports); found here by running pcre2_dfa_match
 * anchored at every start offset, which lists every end reachable from that start. match,
 * except and unless spans must pass the word-boundary test; match_part spans need not. A rule
 * fires when a candidate span is overlapped by none of its except spans and none of its unless
 * patterns matched; its span is the surviving candidate with the smallest (start, end). A
 * candidate of a match or match_part pattern inside and short of one of the first 8 spans
 * lib/redact.c reads as a plate ("CBP" in "CBP 4226") is none. In a group, the lowest priority
 * wins, ties to the earlier rule. Usage:
 *
 *     ref_matcher rm; ref_open(&rm, rules, err, sizeof err);
 *     n = ref_match(&rm, text, len, hits, cap, raw);   // raw (may be NULL): nrules bytes
 *     ref_close(&rm);
 */
#ifndef SL_REF_MATCHER_H
#define SL_REF_MATCHER_H

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

#include "redact.h"
#include "rules.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
    uint32_t rule, start, end;
} ref_hit;

typedef struct {
    const sl_rules *r;
    pcre2_code **code; /* one per pattern, same index as r->pats */
} ref_matcher;

typedef struct {
    uint32_t start, end;
} ref_span;

static void ref_close(ref_matcher *rm) {
    if (!rm->code) return;
    for (size_t i = 0; i < rm->r->npats; i++) pcre2_code_free(rm->code[i]);
    free(rm->code);
    rm->code = NULL;
}

static int ref_open(ref_matcher *rm, const sl_rules *r, char *err, size_t errlen) {
    rm->r = r;
    rm->code = calloc(r->npats ? r->npats : 1, sizeof *rm->code);
    if (!rm->code) return -1;
    for (size_t i = 0; i < r->npats; i++) {
        int ec;
        PCRE2_SIZE eo;
        rm->code[i] = pcre2_compile((PCRE2_SPTR)r->pats[i].expr, PCRE2_ZERO_TERMINATED,
                                    /* auto-possessification would make DFA matching
                                     * drop the shorter ends of `x\w*` and `x\.?` */
                                    PCRE2_CASELESS | PCRE2_NO_AUTO_POSSESS, &ec, &eo, NULL);
        if (!rm->code[i]) {
            PCRE2_UCHAR msg[256];
            pcre2_get_error_message(ec, msg, sizeof msg);
            snprintf(err, errlen, "PCRE2 cannot compile '%s': %s", r->pats[i].expr, (char *)msg);
            ref_close(rm);
            return -1;
        }
    }
    return 0;
}

static int ref_isalnum(unsigned char c) {
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static int ref_bounds_ok(const unsigned char *t, size_t len, size_t s, size_t e) {
    if (s > 0 && s < len && ref_isalnum(t[s - 1]) && ref_isalnum(t[s])) return 0;
    if (e > s && e < len && ref_isalnum(t[e - 1]) && ref_isalnum(t[e])) return 0;
    return 1;
}

/* Every (leftmost start, end) of pattern i in the text that passes the boundary test when
 * bounded. Returns the count (spans sorted by end), or -1 on a PCRE2 error. *out is malloc'd. */
static int ref_spans(const ref_matcher *rm, size_t i, const char *text, size_t len,
                     ref_span **out) {
    *out = NULL;
    const pcre2_code *code = rm->code[i];
    int bounded = rm->r->pats[i].kind != SL_PAT_PART;
    pcre2_match_data *md = pcre2_match_data_create((uint32_t)len + 2, NULL);
    if (!md) return -1;
    /* Quick reject: no match anywhere. */
    int rc = pcre2_match(code, (PCRE2_SPTR)text, len, 0, 0, md, NULL);
    if (rc == PCRE2_ERROR_NOMATCH) {
        pcre2_match_data_free(md);
        return 0;
    }
    uint32_t *left = malloc((len + 1) * sizeof *left);
    size_t wscount = 4096;
    int *ws = malloc(wscount * sizeof *ws);
    if (!left || !ws) {
        free(left);
        free(ws);
        pcre2_match_data_free(md);
        return -1;
    }
    for (size_t e = 0; e <= len; e++) left[e] = UINT32_MAX;
    int bad = 0;
    for (size_t s = 0; s < len && !bad; s++) {
        rc = pcre2_dfa_match(code, (PCRE2_SPTR)text, len, s, PCRE2_ANCHORED, md, NULL, ws,
                             wscount);
        while (rc == PCRE2_ERROR_DFA_WSSIZE && wscount < (1u << 22)) {
            wscount *= 4;
            int *w2 = realloc(ws, wscount * sizeof *ws);
            if (!w2) break;
            ws = w2;
            rc = pcre2_dfa_match(code, (PCRE2_SPTR)text, len, s, PCRE2_ANCHORED, md, NULL, ws,
                                 wscount);
        }
        if (rc == PCRE2_ERROR_NOMATCH) continue;
        if (rc <= 0) {
            bad = 1;
            break;
        }
        PCRE2_SIZE *ov = pcre2_get_ovector_pointer(md);
        for (int k = 0; k < rc; k++) {
            size_t ms = ov[2 * k], me = ov[2 * k + 1];
            if (me > ms && me <= len && ms < left[me]) left[me] = (uint32_t)ms;
        }
    }
    free(ws);
    pcre2_match_data_free(md);
    if (bad) {
        free(left);
        return -1;
    }
    ref_span *sp = malloc((len + 1) * sizeof *sp);
    if (!sp) {
        free(left);
        return -1;
    }
    int n = 0;
    for (size_t e = 1; e <= len; e++) {
        if (left[e] == UINT32_MAX) continue;
        if (bounded && !ref_bounds_ok((const unsigned char *)text, len, left[e], e)) continue;
        sp[n++] = (ref_span){left[e], (uint32_t)e};
    }
    free(left);
    *out = sp;
    return n;
}

/* Classifies one text. Returns the number of final hits (writes at most cap), or -1. raw, when
 * given, receives 1 for every rule that fired before group resolution. */
static int ref_match(const ref_matcher *rm, const char *text, size_t len, ref_hit *hits,
                     size_t cap, unsigned char *raw) {
    const sl_rules *r = rm->r;
    size_t nr = r->nrules;
    ref_hit *best = calloc(nr ? nr : 1, sizeof *best);
    unsigned char *fired = calloc(nr ? nr : 1, 1);
    if (!best || !fired) {
        free(best);
        free(fired);
        return -1;
    }
    uint32_t plate[8][2];
    size_t np = sl_redact_plate_spans(text, len, plate, 8);
    if (np > 8) np = 8;
    int err = 0;
    for (size_t ru = 0; ru < nr && !err; ru++) {
        /* Gather this rule's spans by kind. */
        ref_span *cand = NULL, *ex = NULL;
        size_t nc = 0, nx = 0;
        int unless = 0;
        for (size_t i = 0; i < r->npats && !err; i++) {
            if (r->pats[i].rule != ru) continue;
            ref_span *sp;
            int n = ref_spans(rm, i, text, len, &sp);
            if (n < 0) {
                err = 1;
                break;
            }
            int kind = r->pats[i].kind;
            if (kind == SL_PAT_UNLESS) {
                if (n > 0) unless = 1;
            } else if (n > 0) {
                ref_span **dst = kind == SL_PAT_EXCEPT ? &ex : &cand;
                size_t *dn = kind == SL_PAT_EXCEPT ? &nx : &nc;
                ref_span *q = realloc(*dst, (*dn + (size_t)n + 1) * sizeof *q);
                if (!q) err = 1;
                else {
                    memcpy(q + *dn, sp, (size_t)n * sizeof *q);
                    *dst = q;
                    *dn += (size_t)n;
                }
            }
            free(sp);
        }
        if (!err && !unless) {
            for (size_t c = 0; c < nc; c++) {
                int vetoed = 0;
                for (size_t k = 0; k < np && !vetoed; k++)
                    vetoed = cand[c].start >= plate[k][0] && cand[c].end <= plate[k][1] &&
                             cand[c].end - cand[c].start < plate[k][1] - plate[k][0];
                for (size_t x = 0; x < nx && !vetoed; x++)
                    vetoed = ex[x].start < cand[c].end && cand[c].start < ex[x].end;
                if (vetoed) continue;
                if (!fired[ru] || cand[c].start < best[ru].start ||
                    (cand[c].start == best[ru].start && cand[c].end < best[ru].end)) {
                    fired[ru] = 1;
                    best[ru] = (ref_hit){(uint32_t)ru, cand[c].start, cand[c].end};
                }
            }
        }
        free(cand);
        free(ex);
    }
    int nh = 0;
    for (size_t ru = 0; ru < nr && !err; ru++) {
        if (raw) raw[ru] = fired[ru];
        if (!fired[ru]) continue;
        const sl_rule *a = &r->rules[ru];
        int lose = 0;
        for (size_t o = 0; o < nr && !lose && a->group; o++) {
            if (o == ru || !fired[o] || !r->rules[o].group) continue;
            if (strcmp(r->rules[o].group, a->group) != 0) continue;
            if (r->rules[o].priority < a->priority || (r->rules[o].priority == a->priority && o < ru))
                lose = 1;
        }
        if (lose) continue;
        if ((size_t)nh < cap) hits[nh] = best[ru];
        nh++;
    }
    free(best);
    free(fired);
    return err ? -1 : nh;
}

#endif
