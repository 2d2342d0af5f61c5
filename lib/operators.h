/* operators.h: who searched unlike everyone else in their organization. Every search row
 * that names its user (the Name column, or a portal's opaque user id) is counted by
 * organization x user x category; at the end each user is compared with the other users of
 * the same organization, category by category, and a user whose share of a category is far
 * above theirs, and too far to be chance, is a finding (docs/SCHEMA.md: operator_counts,
 * operator_findings). Internal to lib/ (the store owns one). */
#ifndef SL_OPERATORS_H
#define SL_OPERATORS_H

#include "counts.h"

#include <stdint.h>

/* Distinct (organization, user, category) cells counted at most: past it the counting stops
 * (a column of one value per row taken for the user, say) and the run says so; the scan goes
 * on, since nothing else depends on it. */
#define SL_OPERATORS_CAP (1u << 20)

/* The rules of a finding: a user with at least MIN_ROWS rows, at least MIN_HITS of them in
 * the category, in an organization where at least MIN_PEERS other users searched at least
 * MIN_PEER_ROWS rows among them; a share at least RATIO times the others' share; and a
 * one-sided binomial test (the others' share as the chance of each row) below ALPHA divided
 * by the number of (user, category) pairs tested (Bonferroni). */
#define SL_OP_MIN_ROWS 20
#define SL_OP_MIN_HITS 5
#define SL_OP_MIN_PEERS 3
#define SL_OP_MIN_PEER_ROWS 50
#define SL_OP_RATIO 3.0
#define SL_OP_ALPHA 0.01

/* How a row names its user: by the Name column, or by a user id. */
typedef enum { SL_OP_NAME = 'n', SL_OP_USER_ID = 'u' } sl_op_kind;

typedef struct sl_operators sl_operators;

sl_operators *sl_operators_new(void);
void sl_operators_free(sl_operators *o);

/* A category to compare users on (a pack's finding category whose rules read more than the
 * organization's name: a category read from the organization is the same for all its users).
 * Others are counted and not compared. The text is copied. */
sl_status sl_operators_measure(sl_operators *o, const char *category);

/* Counts one row of organization org (or, with in_log, of the log whose cite org is: a log with
 * no organization column, whose users are colleagues of each other only), by user (kind), under
 * "all" and each of cats (distinct). A row that names no user is not counted (the caller
 * leaves it out: it is no one's, and no one's colleague). Once the cap is reached the counting
 * stops and this returns SL_OK: see sl_operators_gave_up. */
sl_status sl_operators_add(sl_operators *o, const char *org, size_t org_len, int in_log,
                           sl_op_kind kind, const char *user, size_t user_len,
                           const char *const *cats, size_t ncats);

/* Per-source staging, as sl_counts_open and sl_counts_close. */
void sl_operators_open(sl_operators *o);
sl_status sl_operators_close(sl_operators *o, int keep);

/* 1 when the cap was reached (the counts are then not written and no finding is made). */
int sl_operators_gave_up(const sl_operators *o);

/* Who searched, and in which category: the key of a count and of a finding. Texts may hold
 * NUL bytes (a damaged export): their lengths are given; each is followed by a NUL too. */
typedef struct {
    const char *org; /* with in_log, the log's cite */
    size_t org_len;
    int in_log;
    sl_op_kind kind;
    const char *user;
    size_t user_len;
    const char *category;
} sl_op_key;

/* One (organization, user, category) cell. */
typedef struct {
    sl_op_key k;
    uint64_t rows;
} sl_op_count;

/* A user whose share of a category stands out in their organization. */
typedef struct {
    sl_op_key k;
    uint64_t rows, hits;       /* the user's rows, and those in the category */
    uint64_t peers;            /* other users of the organization */
    uint64_t peer_rows, peer_hits;
    double p_value;            /* rounded to 3 significant digits */
} sl_op_finding;

/* The counts sorted by organization (a log before an organization named as its cite), kind,
 * user, category (bytes), and the findings sorted by p-value, then the user's share (higher
 * first), then organization, user and category the same way. Both
 * live until sl_operators_free. tests: the number of (user, category) pairs tested. */
sl_status sl_operators_finish(sl_operators *o, const sl_op_count **counts, size_t *ncounts,
                              const sl_op_finding **findings, size_t *nfindings,
                              uint64_t *tests);

/* The one-sided binomial tail P(X >= k) for X ~ Binomial(n, p), for tests. */
double sl_binomial_tail(uint64_t n, uint64_t k, double p);

#endif
