/* rules.h: the loaded form of rule packs, shared by rules.c (parsing, docs/RULES.md) and
 * match.c (Hyperscan compile, matching, explain, example tests). Nothing outside these two
 * files looks inside; everyone else uses the sl_rules_* / sl_match* calls of sunlight.h. */
#ifndef SL_RULES_H
#define SL_RULES_H

#include "core.h"

#include <hs.h>

/* Pattern kinds, in the order match.c sorts a rule's events: candidates, then exclusions. */
typedef enum {
    SL_PAT_MATCH = 0, /* match: word-bounded */
    SL_PAT_PART,      /* match_part: no word boundaries */
    SL_PAT_EXCEPT,    /* vetoes matches of its rule whose span it overlaps (word-bounded) */
    SL_PAT_UNLESS     /* vetoes its rule when it matches anywhere (word-bounded) */
} sl_pat_kind;

typedef struct {
    const char *expr;  /* as written in the pack */
    uint32_t rule;
    uint8_t kind;      /* sl_pat_kind */
    unsigned line;
} sl_pattern;

typedef struct {
    const char *text;
    uint32_t rule;
    int yes;
    unsigned line;
} sl_example;

typedef struct {
    const char *id, *label, *category, *group;
    const char *means, *matters, *false_pos, *false_neg;
    int priority;
    uint32_t reads;
    uint32_t pack;
    uint32_t group_idx;  /* index into the group table, UINT32_MAX when none */
    unsigned line;
} sl_rule;

typedef struct {
    const char *name, *version, *category, *about;
    int descriptive;      /* `finding no`: its rules describe a row but never flag it alone */
    const char *file;     /* path as loaded (folder + name), for messages */
    const char *base;     /* file name only, for outputs */
    char sha256[65];
} sl_pack;

struct sl_rules {
    sl_arena arena;       /* every string above lives here */
    sl_rule *rules;
    size_t nrules, caprules;
    sl_pattern *pats;     /* grouped by rule, rules in load order */
    size_t npats, cappats;
    sl_example *ex;
    size_t nex, capex;
    sl_pack *packs;
    size_t npacks, cappacks;
    sl_threshold *thr;
    size_t nthr, capthr;
    uint32_t ngroups;
    uint32_t reads_any;   /* every text some rule reads (the union of the rules' `reads`) */
    hs_database_t *db;    /* every pattern, without start of match: which pattern ends where */
    hs_database_t **som;  /* npats: the pattern alone, with start of match; NULL when width */
    uint32_t *width;      /* npats: the width of every match of the pattern, 0 when it varies */
    int db_cached;        /* 1 when the databases came from the compiled-database cache */
};

/* Compiles r->pats into r->db, r->som and r->width (match.c). SL_ERULES with file:line, rule
 * and pattern in err. */
sl_status sl_rules_compile(sl_rules *r, char *err, size_t errlen);
/* Frees what sl_rules_compile made (match.c). */
void sl_rules_uncompile(sl_rules *r);

/* Sizes the matcher's memo of recent texts (match.c): slots a power of two, 0 to disable;
 * ring_bytes >= 256. Results never depend on it; tests use it to force collisions. */
sl_status sl_matcher_set_memo(sl_matcher *m, size_t slots, size_t ring_bytes);

/* The same memo for a result a caller derives from a text with several matches (classify.c
 * remembers a reason's whole classification): `key` has SL_MEMO_KEY set, so it never meets a
 * `reads` of sl_match_reads. sl_matcher_recall returns 1 and the hits (up to cap; *n is the
 * count kept) when the text is remembered under key, else 0. sl_matcher_remember keeps at
 * most SL_MATCHER_MEMO_HITS hits of a text up to SL_MATCHER_MEMO_TEXT bytes; others are
 * not kept. */
#define SL_MEMO_KEY 0x80000000u
#define SL_MATCHER_MEMO_HITS 4
#define SL_MATCHER_MEMO_TEXT 256
int sl_matcher_recall(sl_matcher *m, uint32_t key, const char *text, size_t len, sl_hit *hits,
                      size_t cap, size_t *n);
void sl_matcher_remember(sl_matcher *m, uint32_t key, const char *text, size_t len,
                         const sl_hit *hits, size_t n);

#endif
