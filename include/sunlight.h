/* sunlight.h: the one public header of libsunlight, an engine that audits how surveillance
 * systems are searched. It reads records releases (audit logs), accounts for every row,
 * classifies each search's stated reason with rule packs, tokenizes plates, and writes a
 * SQLite database, a CSV of flagged rows, a JSON summary and an HTML report.
 *
 * The library never prints, exits or aborts. Problems in the input are reported through a
 * diagnostic callback (sl_diag_fn); failures return an sl_status and leave a message on the
 * handle (sl_*_errmsg). Strings handed to callbacks are borrowed: valid only during the call. */
#ifndef SUNLIGHT_H
#define SUNLIGHT_H

#include <signal.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define SL_VERSION "0.1.0"

/* ---- status ------------------------------------------------------------------------------ */

typedef enum {
    SL_OK = 0,
    SL_ENOMEM,    /* allocation failed */
    SL_EIO,       /* a file could not be opened, read or written */
    SL_EFORMAT,   /* input is not in a form that can be read */
    SL_ELIMIT,    /* a size or depth cap was hit */
    SL_ERULES,    /* a rule pack is malformed or does not compile */
    SL_EUSAGE,    /* bad argument or option */
    SL_ENOINPUT,  /* nothing usable was found in the inputs */
    SL_EDB,       /* SQLite failed */
    SL_ECRYPTO,   /* key or hashing failed */
    SL_EINTERNAL, /* a bug: please report */
    SL_ECANCELED  /* stopped by the caller (sl_scan_opts.stop) */
} sl_status;

/* A static, lower-case English name for a status ("out of memory", ...). Never NULL. */
const char *sl_status_str(sl_status st);

/* ---- byte slices ------------------------------------------------------------------------- */

/* A borrowed run of bytes, not NUL-terminated. Who owns it is said where it is handed out. */
typedef struct {
    const char *p;
    size_t len;
} sl_slice;

/* ---- diagnostics and progress -------------------------------------------------------------- */

typedef enum { SL_DIAG_INFO = 0, SL_DIAG_WARN, SL_DIAG_ERROR } sl_severity;

/* One message about the input or the run. `code` is a stable dotted identifier
 * ("csv.record_too_large", "schema.no_header", ...) for scripts; `message` is for people.
 * `source` cites where: "path", "path > member" or "path > member > sheet". */
typedef struct {
    sl_severity severity;
    const char *code;
    const char *source;  /* NULL when not about one source */
    uint64_t record;     /* 1-based record number (header = 1), 0 when not about a record */
    uint64_t line;       /* 1-based text line where that record starts, 0 when unknown */
    const char *message;
} sl_diag;

typedef void (*sl_diag_fn)(void *ud, const sl_diag *d);

typedef struct {
    uint64_t bytes_done;   /* input bytes consumed so far, over all files */
    uint64_t bytes_total;  /* sum of input file sizes */
    uint64_t records;      /* records read so far */
    const char *current;   /* citation of the source being read; once every source is read,
                              what the scan is doing ("linking rows into searches", ...) */
} sl_progress;

typedef void (*sl_progress_fn)(void *ud, const sl_progress *p);

/* ---- fields and cell states ---------------------------------------------------------------- */

/* The fields a search record can carry, whatever the export called its columns. */
typedef enum {
    SL_F_ID = 0,       /* the search's UUID (some releases only) */
    SL_F_NAME,         /* the user who searched */
    SL_F_USER_ID,      /* portal exports: opaque user id */
    SL_F_ORG,          /* the user's organization */
    SL_F_NETWORKS,     /* Total Networks Searched (organizations, not cameras) */
    SL_F_DEVICES,      /* Total Devices Searched / cameraCount */
    SL_F_TIME_FRAME,   /* "start\nend" or "start to end" */
    SL_F_TF_START,     /* split time frame (third-party extractions) */
    SL_F_TF_END,
    SL_F_PLATE,        /* never written out raw: tokenized */
    SL_F_REASON,
    SL_F_CASE,
    SL_F_OFFENSE,      /* Offense Type / offenseType */
    SL_F_FILTERS,
    SL_F_SEARCH_TIME,  /* full timestamp, or time of day when SL_F_SEARCH_DATE is split out */
    SL_F_SEARCH_DATE,
    SL_F_SEARCH_TYPE,
    SL_F_TEXT_PROMPT,
    SL_F_MODERATION,
    SL_F_COUNT
} sl_field;

/* Stable snake_case name of a field ("search_time"), used in outputs. */
const char *sl_field_name(sl_field f);

/* What a cell holds (BRIEF.md, "Cells and values"). */
typedef enum {
    SL_CELL_ABSENT = 0,       /* not exported: the source has no such column */
    SL_CELL_EMPTY,            /* column present, cell empty or blank */
    SL_CELL_VALUE,            /* a real value */
    SL_CELL_PLACEHOLDER,      /* none, n/a, -, x, test, 0, ., or no letter or digit */
    SL_CELL_VENDOR_REDACTED,  /* *** */
    SL_CELL_AGENCY_REDACTED,  /* REDACTED, [REDACTED], ###, block glyphs, statute citation */
    SL_CELL_PARTIAL,          /* partly redacted: "REDACTED / 459 SUS" */
    SL_CELL__COUNT
} sl_cell_state;

const char *sl_cell_state_name(sl_cell_state s);

/* ---- plate tokens -------------------------------------------------------------------------- */

typedef struct sl_key sl_key;

/* Opens the secret key at `path`, creating it (32 random bytes, hex, mode 0600) when it does
 * not exist; *created tells which (may be NULL). Whoever holds the key can test guesses of
 * plates against tokens, so it must stay private. */
sl_status sl_key_open(sl_key **out, const char *path, int *created, char *err, size_t errlen);
void sl_key_free(sl_key *k);

/* Default key location: $SUNLIGHT_KEY, else $XDG_CONFIG_HOME/sunlight/plate.key, else
 * $HOME/.config/sunlight/plate.key. Writes into buf; returns buf, or NULL when nothing fits. */
const char *sl_key_default_path(char *buf, size_t cap);

#define SL_TOKEN_LEN 20 /* "pt_" + 16 hex + "~" for wildcard plates; see token.c */

/* Tokenizes a plate: upper-cased, only letters and digits kept (and the wildcards * and ?,
 * which make a distinct token family), then HMAC-SHA256 under the key, shown as "pt_" + 16
 * hex. Writes a NUL-terminated token into out and returns its length; returns 0 when the plate
 * has no letter or digit (nothing to tokenize). */
size_t sl_plate_token(const sl_key *k, const char *plate, size_t len, char out[SL_TOKEN_LEN + 1]);

/* Lines a spreadsheet holds (Excel since 2007, LibreOffice): exports cut at it lose rows, and
 * a flagged.csv longer than it does not open whole. */
#define SL_SPREADSHEET_ROWS 1048576u
/* What to say of a flagged.csv of SL_SPREADSHEET_ROWS rows or more ("flagged.csv holds N rows: "
 * this); plain text, nothing to escape. */
#define SL_SPREADSHEET_ADVICE                                                                    \
    "more than a spreadsheet opens (Excel and LibreOffice stop at 1,048,576 lines, silently in " \
    "some versions). Query the database instead, or filter the CSV by its categories column "    \
    "first."

/* ---- rule packs ---------------------------------------------------------------------------- */

typedef struct sl_rules sl_rules;
typedef struct sl_matcher sl_matcher;

/* Loads every *.rules file under `path` (a folder, sorted by name) or the one file `path`,
 * and compiles all patterns of all packs into one Hyperscan database. On failure returns
 * SL_ERULES with a message naming file, line and rule in err. */
sl_status sl_rules_load(sl_rules **out, const char *path, char *err, size_t errlen);
void sl_rules_free(sl_rules *r);

size_t sl_rules_count(const sl_rules *r);

/* Read-only description of rule i (0 <= i < sl_rules_count). Strings live as long as r. */
typedef struct {
    const char *id;       /* "immigration.ice" */
    const char *label;    /* "ICE (Immigration and Customs Enforcement)" */
    const char *pack;     /* "immigration" */
    const char *category; /* the reporting category, e.g. "immigration" */
    const char *group;    /* mutually exclusive group, or NULL */
    int priority;         /* within group: lower wins */
    uint32_t reads;       /* SL_READS_* bits: which texts the rule reads */
    const char *means;    /* what the category means, or NULL (repeated lines joined) */
    const char *matters;  /* why it matters, or NULL */
    const char *false_pos;/* known false positives, or NULL */
    const char *false_neg;/* known false negatives, or NULL */
    const char *file;     /* pack file as loaded (for messages), and the rule's line in it */
    unsigned line;
    int descriptive;      /* 1 when its pack says `finding no`: the rule describes a row
                             (e.g. which dropdown value was picked) but never flags it alone */
} sl_rule_info;
#define SL_READS_REASON  1u
#define SL_READS_OFFENSE 2u
#define SL_READS_PROMPT  4u
#define SL_READS_ALL     7u
#define SL_READS_DROPDOWN 8u /* the category part of a 2026 dropdown reason; not in ALL */
#define SL_READS_WHOLE   16u /* the whole reason, whatever its shape; not in ALL */
#define SL_READS_ORG     32u /* the name of the organization that searched; not in ALL */
#define SL_READS_EVERY   0xFFFFFFFFu /* every text: rules test and explain */
void sl_rules_info(const sl_rules *r, size_t i, sl_rule_info *out);

/* Per-pack metadata for run records: name, version, SHA-256 of the pack file. */
size_t sl_rules_pack_count(const sl_rules *r);
typedef struct {
    const char *name;
    const char *version;
    const char *path;    /* file name only (no folder), so outputs never hold absolute paths */
    const char *sha256;  /* hex of the pack file's bytes */
    const char *category;/* the pack's default category */
    const char *about;   /* description, or NULL */
} sl_pack_info;
void sl_rules_pack_info(const sl_rules *r, size_t i, sl_pack_info *out);

/* `threshold CATEGORY precision P recall R` lines of all packs, in load order. */
typedef struct {
    const char *category;
    double precision, recall;  /* floors in [0, 1] */
    const char *pack;          /* pack name */
    const char *file;          /* pack file as loaded, and the line */
    unsigned line;
} sl_threshold;
size_t sl_rules_threshold_count(const sl_rules *r);
void sl_rules_threshold(const sl_rules *r, size_t i, sl_threshold *out);

/* One rule that fired on a text, after exclusions and group resolution. */
typedef struct {
    uint32_t rule;        /* index for sl_rules_info */
    uint32_t start, end;  /* matched span in the text, bytes [start, end) */
} sl_hit;

/* A matcher owns the Hyperscan scratch: one per thread, reused for every text. */
sl_status sl_matcher_new(sl_matcher **out, const sl_rules *r);
void sl_matcher_free(sl_matcher *m);

/* Classifies one text. Writes up to cap hits in rule order, sets *n to the number of rules
 * that fired (may exceed cap). */
sl_status sl_match(sl_matcher *m, const char *text, size_t len, sl_hit *hits, size_t cap,
                   size_t *n);
/* Same, considering only rules whose `reads` shares a bit with `reads` (SL_READS_REASON when
 * the text is a reason, ...); groups are resolved among those rules only. sl_match is
 * sl_match_reads with SL_READS_ALL. Returns SL_ELIMIT on a pathological text with more than
 * about a million pattern matches. */
sl_status sl_match_reads(sl_matcher *m, uint32_t reads, const char *text, size_t len,
                         sl_hit *hits, size_t cap, size_t *n);

/* What `rules explain` shows: every pattern match, every veto, every group suppression. */
typedef enum {
    SL_EXPLAIN_MATCH = 0, /* a pattern of rule matched span */
    SL_EXPLAIN_VETO,      /* an exclusion vetoed that match (by = the exclusion pattern) */
    SL_EXPLAIN_SUPPRESS,  /* rule fired but lost its group to rule `by` */
    SL_EXPLAIN_FIRE,      /* rule fires (final) */
    SL_EXPLAIN_NOT_A_WORD, /* a pattern matched inside a word (e.g. "ice" in "police"): not
                              counted, by the word-boundary rule */
    SL_EXPLAIN_IN_PLATE   /* a pattern matched part of what reads as a license plate typed
                             into the text ("CBP" in "CBP 4226"; by_start, by_end: the plate):
                             not counted, since the outputs show the plate as its token */
} sl_explain_kind;

typedef struct {
    sl_explain_kind kind;
    uint32_t rule;
    const char *pattern;  /* the pattern as written in the pack */
    uint32_t start, end;  /* span in the text */
    const char *by;       /* VETO: exclusion pattern text; SUPPRESS: winning rule id */
    uint32_t by_start, by_end; /* VETO: the exclusion's span; SUPPRESS: the winner's span;
                                  IN_PLATE: the plate's span */
    int by_unless;        /* VETO: 1 when `by` is an unless pattern (vetoes the whole rule) */
} sl_explain_event;

typedef void (*sl_explain_fn)(void *ud, const sl_explain_event *e);
/* Where a scan starts reading a reason: Flock writes the reason of a "More Like This" search
 * (vehicles like one in an earlier result) as "More Like This: " and the earlier search's
 * reason, and what the officer gave is the rest, read as if it were the whole reason ("More
 * Like This: investigation" is a placeholder). The offset of the rest (trimmed), or 0 when the
 * text has no such prefix or nothing after it. */
size_t sl_reason_start(const char *text, size_t len);
sl_status sl_rules_explain(const sl_rules *r, const char *text, size_t len, sl_explain_fn cb,
                           void *ud);

/* Checks every inline example of every rule. cb (may be NULL) sees each result. */
typedef struct {
    uint32_t rule;
    const char *text;
    int expect_fire;   /* 1 for a positive example, 0 for a negative */
    int fired;
    const char *file;
    unsigned line;
} sl_example_result;
typedef void (*sl_example_fn)(void *ud, const sl_example_result *r);
sl_status sl_rules_test(const sl_rules *r, sl_example_fn cb, void *ud, size_t *npass,
                        size_t *nfail);

/* ---- measuring the packs ----------------------------------------------------------------- */

/* Measures the rule packs on a labeled set (tests/eval): each text is classified as a reason
 * field, exactly as the scan classifies reasons, and its categories compared with the expected
 * ones; per category true and false positives and negatives, precision, recall and the pack's
 * threshold. `sunlight rules eval` prints it. */
typedef struct sl_eval sl_eval;

/* r and m are borrowed and must outlive the evaluator. */
sl_status sl_eval_new(sl_eval **out, const sl_rules *r, sl_matcher *m);
void sl_eval_free(sl_eval *e);

/* One disagreement on one text: a category predicted but not expected (fp = 1, rule and
 * span say why) or expected but not predicted (fp = 0, rule = UINT32_MAX). */
typedef struct {
    const char *category;
    int fp;
    uint32_t rule;
    uint32_t start, end;
} sl_eval_miss;
typedef void (*sl_eval_miss_fn)(void *ud, const sl_eval_miss *m);

/* Classifies text (as a reason) and counts it against `expected`, a comma-joined list of
 * categories (empty: none). Returns SL_EFORMAT when expected names a category that no loaded
 * rule reports (a typo in the labels), with the name in err. on_miss may be NULL. */
sl_status sl_eval_add(sl_eval *e, const char *text, size_t len, const char *expected,
                      size_t elen, sl_eval_miss_fn on_miss, void *ud, char *err, size_t errlen);

/* Results per category, in the order categories first appear in the loaded rules. */
typedef struct {
    const char *category;
    uint64_t tp, fp, fn, support; /* support = texts expected to have the category */
    double precision, recall;     /* 1.0 when nothing was predicted / expected */
    int has_floor;                /* a pack sets a threshold for it */
    double min_precision, min_recall;
    int pass;                     /* no floor, or both floors met and support > 0 */
} sl_eval_row;

size_t sl_eval_count(const sl_eval *e);
void sl_eval_row_get(const sl_eval *e, size_t i, sl_eval_row *out);
/* Texts read, and micro-averaged totals over all categories. */
void sl_eval_total(const sl_eval *e, uint64_t *texts, sl_eval_row *out);

/* ---- the main job: scan ---------------------------------------------------------------------- */

typedef struct sl_scan sl_scan;

/* ---- describing sources and the release (sunlight inspect, report) ------------------------- */

/* Where one field was found in a source and what its cells held. */
typedef struct {
    int column;                       /* 0-based column, -1 when not exported */
    const char *header;               /* header cell as found (or the inferred name), "" if none */
    uint64_t states[SL_CELL__COUNT];  /* cells by state, over parsed rows */
    uint64_t unparseable;             /* present but could not be read (times, counts) */
} sl_field_info;

#define SL_INFO_TOP 5

/* One source, described when it ends. Strings are borrowed: valid during the callback. */
typedef struct {
    uint32_t id, parent;         /* parent: the containing archive or workbook, 0 at top level */
    const char *cite;            /* "path", "path > member", "path > member > sheet" */
    const char *format;          /* "csv", "xlsx", "zip", ... */
    const char *encoding;        /* "utf-8", "windows-1252", ... */
    const char *encoding_note;   /* why a fallback encoding was used, or NULL */
    const char *sha256;
    uint64_t size;
    const char *kind;            /* "network_audit", "org_audit", "audit", "portal", "event_log",
                                    "document", a --map kind, or "unknown" */
    const char *kind_how;        /* how the kind and columns were recognised */
    const char *map_name;        /* the --map that applied, or NULL */
    size_t ncols;
    const char *const *headers;  /* ncols header cells as found (NULL when none) */
    sl_field_info fields[SL_F_COUNT];
    uint64_t records;            /* data records, header excluded */
    uint64_t parsed;             /* parsed into search rows (events for an event log) */
    uint64_t rejected, header_repeats, blank, shifted, invalid_utf8;
    uint64_t set_aside;   /* rows of a workbook sheet that holds no log (notes, pivots), of
                             a document that came with the release (README, cover letter), or
                             above a log's header (a title) */
    const char *time_min, *time_max; /* ISO 8601 UTC, "" when the source holds no times */
    uint64_t orgs, users;        /* distinct organizations and users (names or user ids) */
    const char *top_orgs[SL_INFO_TOP];
    uint64_t top_org_rows[SL_INFO_TOP];
    size_t ntop_orgs;
    const char *top_users[SL_INFO_TOP];
    uint64_t top_user_rows[SL_INFO_TOP];
    size_t ntop_users;
    const char *constant_reason; /* the one reason every row has (20 rows or more), or NULL */
    const char *truncation;      /* NULL, "excel_limit" or "round_count" */
    uint64_t warnings;           /* diagnostics of severity warn or error about this source */
} sl_source_info;

typedef void (*sl_source_fn)(void *ud, const sl_source_info *si);

/* A release-level finding (truncation, overlap, file-name dates, duplicates, re-releases,
 * producer). `code` is stable ("release.period_overlap", ...); sources lists source ids. */
typedef struct {
    const char *code;
    sl_severity severity;
    const uint32_t *sources;
    size_t nsources;
    const char *message;
} sl_finding;

typedef void (*sl_finding_fn)(void *ud, const sl_finding *f);

typedef struct {
    const char *out_dir;      /* required; created if missing */
    const char *rules_path;   /* folder or file of rule packs; required */
    const char *key_path;     /* plate key; NULL = sl_key_default_path() */
    const char *producer;     /* whose release this is, if the user says; may be NULL */
    size_t max_record_bytes;  /* cap on one record; 0 = 1 MiB */
    sl_diag_fn on_diag;       /* may be NULL */
    void *diag_ud;
    sl_progress_fn on_progress; /* may be NULL; called per source, about every 64 MiB
                                   and every 65,536 rows */
    void *progress_ud;
    const char *const *map_paths; /* --map files (docs/MAPS.md), tried in order; may be NULL */
    size_t nmaps;
    int dry_run;              /* read and account everything, write nothing, open no key and
                                 load no rules (out_dir and rules_path may be NULL) */
    sl_source_fn on_source;   /* may be NULL; each source described when it ends */
    void *source_ud;
    sl_finding_fn on_finding; /* may be NULL; release-level findings, after the last source */
    void *finding_ud;
    int threads;              /* 1: everything on the calling thread; 2: flagged rows written,
                                 and plain files over 4 MiB hashed, on other threads while
                                 reading goes on; 0: 2 when the machine has two or more CPUs
                                 online. Outputs are the same bytes. */
    const volatile sig_atomic_t *stop; /* may be NULL; once *stop is nonzero (a signal handler
                                 may set it) the scan stops within about a megabyte of input,
                                 removes its temporary files and returns SL_ECANCELED; the
                                 outputs of an earlier run in out_dir are left as they were */
    const char *const *plates; /* may be NULL: plates the user already knows (a client's), at
                                 most 8. Every row that searched one (its plate cell, a
                                 wildcard pattern that fits it, or its free text) is written
                                 like a flagged row with the category "named_plate", and table
                                 named_plates says which and how. Outputs show only tokens. */
    size_t nplates;
} sl_scan_opts;

typedef struct {
    uint64_t files;        /* input files */
    uint64_t sources;      /* readable streams (a file, a member, a sheet, a table) */
    uint64_t bytes;        /* input bytes */
    uint64_t records;      /* data records read, headers excluded */
    uint64_t searches;     /* records parsed into search rows */
    uint64_t rejected;     /* records rejected, with reasons in the outputs */
    uint64_t skipped;      /* repeated header rows and blank records (counted, not searches) */
    uint64_t flagged;      /* search rows with at least one category */
    uint64_t warnings;     /* diagnostics of severity warn or error */
    uint64_t events;       /* event-log records parsed (administrative events, not searches) */
    uint64_t reference_rows; /* rows of reference lists (agency lists, rosters, sharing lists) */
    uint64_t named_rows;   /* flagged rows that searched a plate named in opts.plates */
    uint64_t operator_findings; /* (user, category) pairs far above the user's colleagues
                                   (table operator_findings) */
    uint64_t plate_repeats;     /* (user, plate) pairs searched again and again (table
                                   plate_repeats) */
    uint64_t distinct_searches; /* the search rows linked into searches across logs (0 when
                                   they were not linked: run key searches says why) */
    int key_created;       /* the plate key was created by this run */
    const char *key_path;  /* where the plate key is */
} sl_scan_totals;

/* Lifecycle: new -> add_path (any number) -> run -> totals/errmsg -> free. */
sl_status sl_scan_new(sl_scan **out, const sl_scan_opts *opts);
sl_status sl_scan_add_path(sl_scan *s, const char *path);
/* Reads every input, writes OUT/sunlight.db, flagged.csv, summary.json, report.html whole
 * (to temporary names, renamed at the end) or not at all. Returns SL_ENOINPUT when no input
 * gave a single usable source. */
sl_status sl_scan_run(sl_scan *s);
const sl_scan_totals *sl_scan_totals_get(const sl_scan *s);
const char *sl_scan_errmsg(const sl_scan *s);
void sl_scan_free(sl_scan *s);

#ifdef __cplusplus
}
#endif
#endif /* SUNLIGHT_H */
