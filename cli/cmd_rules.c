/* cmd_rules.c: `sunlight rules test|explain|list|eval`: checks the rule packs' own examples,
 * explains in words a reporter can paste into a methods section why a text gets (or does not
 * get) a category, and lists packs and rules. eval lives in cmd_rules_eval.c. */
#include "cli.h"
#include "sunlight.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void usage(FILE *f) {
    fputs("usage:\n"
          "  sunlight rules test [--rules PATH]               check every example in the packs\n"
          "  sunlight rules explain [--rules PATH] TEXT...    show which rules fire, and why\n"
          "  sunlight rules list [--rules PATH]               list packs and rules\n"
          "  sunlight rules eval ...                          precision and recall on a labeled set\n"
          "PATH is a folder of *.rules files or one file (default: $SUNLIGHT_RULES, else the\n"
          "bundled rules/ folder).\n",
          f);
}

/* Parses [--rules PATH] [--] ARGS... from argv[2..]; collects the rest into args. Returns 0 ok,
 * 1 help shown, 2 usage error. */
static int parse(int argc, char **argv, const char **rules, char ***args, int *nargs) {
    *rules = sl_cli_rules_dir();
    *args = argv + argc;
    *nargs = 0;
    int i = 2, rest = 0;
    char **out = argv + 2; /* compact the positional args in place */
    int n = 0;
    for (; i < argc; i++) {
        const char *a = argv[i];
        if (!rest && !strcmp(a, "--")) {
            rest = 1;
        } else if (!rest && !strcmp(a, "--rules")) {
            if (i + 1 >= argc) {
                fputs("sunlight rules: --rules needs a PATH\n", stderr);
                return 2;
            }
            *rules = argv[++i];
        } else if (!rest && !strncmp(a, "--rules=", 8)) {
            *rules = a + 8;
        } else if (!rest && (!strcmp(a, "-h") || !strcmp(a, "--help"))) {
            usage(stdout);
            return 1;
        } else if (!rest && a[0] == '-' && a[1] != '\0') {
            fprintf(stderr, "sunlight rules: unknown option '%s'\n", a);
            return 2;
        } else {
            out[n++] = argv[i];
        }
    }
    *args = out;
    *nargs = n;
    return 0;
}

static sl_rules *load(const char *path) {
    sl_rules *r = NULL;
    char err[1024];
    sl_status st = sl_rules_load(&r, path, err, sizeof err);
    if (st) {
        fprintf(stderr, "sunlight rules: %s\n", err[0] ? err : sl_status_str(st));
        return NULL;
    }
    return r;
}

/* ---- test ---------------------------------------------------------------------------------- */

static void on_example(void *ud, const sl_example_result *res) {
    const sl_rules *r = ud;
    if (res->fired == res->expect_fire) return;
    sl_rule_info ri;
    sl_rules_info(r, res->rule, &ri);
    printf("FAIL %s:%u %s: expected %s: \"%s\"\n", res->file, res->line, ri.id,
           res->expect_fire ? "fire" : "no fire", res->text);
}

static int cmd_test(const char *path, int nargs) {
    if (nargs) {
        usage(stderr);
        return SL_EXIT_USAGE;
    }
    sl_rules *r = load(path);
    if (!r) return SL_EXIT_WARN;
    size_t pass = 0, fail = 0;
    sl_status st = sl_rules_test(r, on_example, r, &pass, &fail);
    sl_rules_free(r);
    if (st) {
        fprintf(stderr, "sunlight rules test: %s\n", sl_status_str(st));
        return SL_EXIT_WARN;
    }
    printf("%zu examples: %zu passed, %zu failed\n", pass + fail, pass, fail);
    return fail ? SL_EXIT_WARN : SL_EXIT_OK;
}

/* ---- explain ------------------------------------------------------------------------------- */

/* Writes bytes with control characters and quotes escaped, so a text prints on one line. */
static void put_escaped(const char *p, size_t n) {
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)p[i];
        if (c == '\n') fputs("\\n", stdout);
        else if (c == '\r') fputs("\\r", stdout);
        else if (c == '\t') fputs("\\t", stdout);
        else if (c == '"' || c == '\\') printf("\\%c", c);
        else if (c < 0x20 || c == 0x7f) printf("\\x%02x", c);
        else putchar(c);
    }
}

#define CONTEXT 60 /* bytes shown on each side of a span in long texts */

/* Prints the text quoted, with [start, end) in brackets; long texts are cut around the span. */
static void put_span(const char *t, size_t len, uint32_t s, uint32_t e) {
    size_t a = s > CONTEXT ? s - CONTEXT : 0;
    size_t b = len - e > CONTEXT ? e + CONTEXT : len;
    putchar('"');
    if (a) fputs("...", stdout);
    put_escaped(t + a, s - a);
    putchar('[');
    put_escaped(t + s, e - s);
    putchar(']');
    put_escaped(t + e, b - e);
    if (b < len) fputs("...", stdout);
    printf("\" (bytes %u-%u)", s, e);
}

typedef struct {
    sl_explain_event *ev;
    size_t n, cap;
    int oom;
} ev_list;

static void collect(void *ud, const sl_explain_event *e) {
    ev_list *l = ud;
    if (l->oom) return;
    if (l->n == l->cap) {
        size_t nc = l->cap ? l->cap * 2 : 32;
        sl_explain_event *q = realloc(l->ev, nc * sizeof *q);
        if (!q) {
            l->oom = 1;
            return;
        }
        l->ev = q;
        l->cap = nc;
    }
    l->ev[l->n++] = *e;
}

/* Cites the rule by pack file name, line, pack version and the file's SHA-256 prefix, so the
 * text pasted into a methods section names exactly the rules used, on any machine. */
static void rule_heading(const sl_rules *r, const sl_rule_info *ri) {
    printf("\n%s: %s\n  category %s", ri->id, ri->label, ri->category);
    if (ri->group) printf(", group %s (priority %d)", ri->group, ri->priority);
    const char *base = strrchr(ri->file, '/');
    base = base ? base + 1 : ri->file;
    for (size_t i = 0; i < sl_rules_pack_count(r); i++) {
        sl_pack_info pi;
        sl_rules_pack_info(r, i, &pi);
        if (strcmp(pi.name, ri->pack)) continue;
        printf("; %s:%u (pack %s version %s, sha256 %.12s)\n", base, ri->line, pi.name,
               pi.version, pi.sha256);
        return;
    }
    printf("; %s:%u\n", base, ri->line);
}

static int explain_one(const sl_rules *r, const char *text) {
    size_t len = strlen(text), from = sl_reason_start(text, len);
    if (from) {
        fputs("Flock's \"More Like This:\" prefix: a scan reads the reason from byte ", stdout);
        printf("%zu on, as explained here.\n", from);
        text += from;
        len -= from;
    }
    ev_list l = {NULL, 0, 0, 0};
    sl_status st = sl_rules_explain(r, text, len, collect, &l);
    if (st || l.oom) {
        fprintf(stderr, "sunlight rules explain: %s\n", sl_status_str(st ? st : SL_ENOMEM));
        free(l.ev);
        return SL_EXIT_WARN;
    }
    fputs("Text: \"", stdout);
    put_escaped(text, len);
    printf("\" (%zu bytes)\n", len);
    size_t nrules = sl_rules_count(r);
    /* One section per rule that matched, in rule order: its matches and vetoes, then its fate. */
    for (size_t rule = 0; rule < nrules; rule++) {
        int any = 0, fate = 0;
        sl_rule_info ri;
        for (size_t i = 0; i < l.n; i++) {
            const sl_explain_event *e = &l.ev[i];
            if (e->rule != rule) continue;
            if (!any) {
                sl_rules_info(r, rule, &ri);
                rule_heading(r, &ri);
                any = 1;
            }
            switch (e->kind) {
            case SL_EXPLAIN_MATCH:
                printf("  pattern  %s\n  matched  ", e->pattern);
                put_span(text, len, e->start, e->end);
                putchar('\n');
                break;
            case SL_EXPLAIN_VETO:
                if (e->by_unless)
                    printf("  vetoed:  the rule's 'unless' pattern %s matched ", e->by);
                else
                    printf("  vetoed:  the 'except' pattern %s overlaps this match: ", e->by);
                put_span(text, len, e->by_start, e->by_end);
                puts(e->by_unless ? "; an unless match anywhere vetoes the whole rule" : "");
                break;
            case SL_EXPLAIN_SUPPRESS: {
                sl_rule_info wi;
                size_t w = 0;
                while (w < nrules) {
                    sl_rules_info(r, w, &wi);
                    if (!strcmp(wi.id, e->by)) break;
                    w++;
                }
                printf("  SUPPRESSED: fired on ");
                put_span(text, len, e->start, e->end);
                printf(", but group %s is won by %s (priority %d", ri.group, e->by, wi.priority);
                if (wi.priority == ri.priority) printf(", equal: the earlier rule wins");
                else printf(" < %d", ri.priority);
                puts(")");
                fate = 1;
                break;
            }
            case SL_EXPLAIN_FIRE:
                printf("  FIRES on ");
                put_span(text, len, e->start, e->end);
                printf(": category %s\n", ri.category);
                fate = 1;
                break;
            case SL_EXPLAIN_NOT_A_WORD:
                printf("  pattern  %s\n  inside a word, not counted: ", e->pattern);
                put_span(text, len, e->start, e->end);
                puts(" (patterns match whole words only)");
                break;
            case SL_EXPLAIN_IN_PLATE:
                printf("  pattern  %s\n  part of a license plate, not counted: ", e->pattern);
                put_span(text, len, e->start, e->end);
                printf(" is in ");
                put_span(text, len, e->by_start, e->by_end);
                puts(", which reads as a plate typed into the text (the outputs show it as the"
                     " plate's token)");
                break;
            }
        }
        int words = 0, plates = 0;
        for (size_t i = 0; i < l.n; i++) {
            const sl_explain_kind k = l.ev[i].kind;
            words += l.ev[i].rule == rule && k != SL_EXPLAIN_NOT_A_WORD && k != SL_EXPLAIN_IN_PLATE;
            plates += l.ev[i].rule == rule && k == SL_EXPLAIN_IN_PLATE;
        }
        if (any && !fate)
            puts(words    ? "  does not fire: every match was vetoed"
                 : plates ? "  does not fire: it matched only inside words or plates"
                          : "  does not fire: it matched only inside other words");
    }
    /* Final line: categories in order of first appearance, with the rules that gave them. */
    int nfire = 0;
    for (size_t i = 0; i < l.n; i++) nfire += l.ev[i].kind == SL_EXPLAIN_FIRE;
    int whole = 0;
    for (size_t i = 0; i < l.n; i++)
        whole += l.ev[i].kind != SL_EXPLAIN_NOT_A_WORD && l.ev[i].kind != SL_EXPLAIN_IN_PLATE;
    if (!whole) puts(l.n ? "\nNo rule matched a whole word." : "\nNo rule matched.");
    if (!nfire) {
        puts(l.n ? "\nNo category fires." : "No category fires.");
        free(l.ev);
        return SL_EXIT_OK;
    }
    fputs("\nCategories: ", stdout);
    unsigned char *done = calloc(l.n, 1);
    if (!done) {
        free(l.ev);
        return SL_EXIT_WARN;
    }
    int first_cat = 1;
    for (size_t i = 0; i < l.n; i++) {
        if (l.ev[i].kind != SL_EXPLAIN_FIRE || done[i]) continue;
        sl_rule_info ci;
        sl_rules_info(r, l.ev[i].rule, &ci);
        printf("%s%s (", first_cat ? "" : ", ", ci.category);
        first_cat = 0;
        int first_rule = 1;
        for (size_t j = i; j < l.n; j++) {
            if (l.ev[j].kind != SL_EXPLAIN_FIRE || done[j]) continue;
            sl_rule_info rj;
            sl_rules_info(r, l.ev[j].rule, &rj);
            if (strcmp(rj.category, ci.category) != 0) continue;
            printf("%s%s", first_rule ? "" : ", ", rj.id);
            first_rule = 0;
            done[j] = 1;
        }
        putchar(')');
    }
    putchar('\n');
    free(done);
    free(l.ev);
    return SL_EXIT_OK;
}

static int cmd_explain(const char *path, char **args, int nargs) {
    if (!nargs) {
        fputs("sunlight rules explain: give at least one TEXT\n", stderr);
        usage(stderr);
        return SL_EXIT_USAGE;
    }
    sl_rules *r = load(path);
    if (!r) return SL_EXIT_WARN;
    int rc = SL_EXIT_OK;
    for (int i = 0; i < nargs; i++) {
        if (i) puts("\n----------------------------------------------------------------");
        int k = explain_one(r, args[i]);
        if (k) rc = k;
    }
    sl_rules_free(r);
    return rc;
}

/* ---- list ---------------------------------------------------------------------------------- */

static int cmd_list(const char *path, int nargs) {
    if (nargs) {
        usage(stderr);
        return SL_EXIT_USAGE;
    }
    sl_rules *r = load(path);
    if (!r) return SL_EXIT_WARN;
    size_t np = sl_rules_pack_count(r), nr = sl_rules_count(r);
    int wn = 4, wv = 7, wid = 4, wc = 8, wg = 5;
    for (size_t i = 0; i < np; i++) {
        sl_pack_info pi;
        sl_rules_pack_info(r, i, &pi);
        if ((int)strlen(pi.name) > wn) wn = (int)strlen(pi.name);
        if ((int)strlen(pi.version) > wv) wv = (int)strlen(pi.version);
    }
    printf("%zu packs, %zu rules\n\n%-*s  %-*s  %-12s  %s\n", np, nr, wn, "pack", wv, "version",
           "sha256", "file");
    for (size_t i = 0; i < np; i++) {
        sl_pack_info pi;
        sl_rules_pack_info(r, i, &pi);
        printf("%-*s  %-*s  %.12s  %s\n", wn, pi.name, wv, pi.version, pi.sha256, pi.path);
    }
    char gp[128];
    for (size_t i = 0; i < nr; i++) {
        sl_rule_info ri;
        sl_rules_info(r, i, &ri);
        if ((int)strlen(ri.id) > wid) wid = (int)strlen(ri.id);
        if ((int)strlen(ri.category) > wc) wc = (int)strlen(ri.category);
        int g = ri.group ? snprintf(gp, sizeof gp, "%s/%d", ri.group, ri.priority) : 1;
        if (g > wg) wg = g;
    }
    printf("\n%-*s  %-*s  %-*s  %s\n", wid, "rule", wc, "category", wg, "group", "label");
    for (size_t i = 0; i < nr; i++) {
        sl_rule_info ri;
        sl_rules_info(r, i, &ri);
        if (ri.group) snprintf(gp, sizeof gp, "%s/%d", ri.group, ri.priority);
        else snprintf(gp, sizeof gp, "-");
        printf("%-*s  %-*s  %-*s  %s\n", wid, ri.id, wc, ri.category, wg, gp, ri.label);
    }
    sl_rules_free(r);
    return SL_EXIT_OK;
}

int sl_cmd_rules(int argc, char **argv) {
    if (argc < 2) {
        usage(stderr);
        return SL_EXIT_USAGE;
    }
    const char *sub = argv[1];
    if (!strcmp(sub, "-h") || !strcmp(sub, "--help") || !strcmp(sub, "help")) {
        usage(stdout);
        return SL_EXIT_OK;
    }
    if (strcmp(sub, "eval") == 0) {
        /* `rules eval` is its own file (cli/cmd_rules_eval.c), owned by the eval engineer. */
        return sl_cmd_rules_eval(argc, argv);
    }
    const char *path;
    char **args;
    int nargs;
    int p = parse(argc, argv, &path, &args, &nargs);
    if (p == 1) return SL_EXIT_OK;
    if (p == 2) {
        usage(stderr);
        return SL_EXIT_USAGE;
    }
    if (!strcmp(sub, "test")) return cmd_test(path, nargs);
    if (!strcmp(sub, "explain")) return cmd_explain(path, args, nargs);
    if (!strcmp(sub, "list")) return cmd_list(path, nargs);
    fprintf(stderr, "sunlight rules: unknown subcommand '%s'\n", sub);
    usage(stderr);
    return SL_EXIT_USAGE;
}
