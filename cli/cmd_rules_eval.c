/* cmd_rules_eval.c: `sunlight rules eval FILE... [--rules PATH] [--misses]`: measures the rule
 * packs on labeled sets (tab-separated `text<TAB>expected categories`), prints per category
 * TP, FP, FN, precision, recall and the pack's floor, and exits 1 when any category is below
 * its floor (so `make check` can enforce them). */
#include "cli.h"
#include "sunlight.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void usage(FILE *f) {
    fputs("usage: sunlight rules eval FILE... [--rules PATH] [--misses]\n"
          "  FILE: one labeled text per line, `text<TAB>categories` (comma-joined, empty = none);\n"
          "        blank lines and lines starting with # are skipped.\n"
          "  --misses  list every false positive and false negative\n",
          f);
}

typedef struct {
    const sl_rules *r;
    const char *file;
    unsigned long line;
    const char *text;
    size_t len;
    int shown; /* the text of this line was printed */
} eval_ctx;

/* Prints a text on one line with control characters escaped. */
static void put_text(const char *p, size_t n) {
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)p[i];
        if (c == '\\' || c == '"') printf("\\%c", c);
        else if (c < 0x20 || c == 0x7f) printf("\\x%02x", c);
        else putchar(c);
    }
}

static void on_miss(void *ud, const sl_eval_miss *mi) {
    eval_ctx *x = ud;
    if (!x->shown) {
        printf("%s:%lu: \"", x->file, x->line);
        put_text(x->text, x->len);
        printf("\"\n");
        x->shown = 1;
    }
    if (mi->fp) {
        sl_rule_info ri;
        sl_rules_info(x->r, mi->rule, &ri);
        printf("    FP %s  by %s on \"", mi->category, ri.id);
        if (mi->end <= x->len && mi->start <= mi->end) put_text(x->text + mi->start, mi->end - mi->start);
        printf("\"\n");
    } else {
        printf("    FN %s\n", mi->category);
    }
}

/* Reads one labeled file into the evaluator. Returns 0 ok, 2 on a file or format error. */
static int eval_file(sl_eval *e, const sl_rules *r, const char *path, int misses) {
    FILE *f = fopen(path, "rb");
    if (!f) {
        fprintf(stderr, "sunlight rules eval: cannot open %s\n", path);
        return 2;
    }
    char *line = NULL;
    size_t cap = 0;
    ssize_t n;
    unsigned long ln = 0;
    int rc = 0;
    while ((n = getline(&line, &cap, f)) >= 0) {
        ln++;
        size_t len = (size_t)n;
        while (len && (line[len - 1] == '\n' || line[len - 1] == '\r')) len--;
        char *tab = memchr(line, '\t', len);
        /* A comment is a '#' line without a tab: "#25-1234<TAB>..." is a reason. */
        if (!len || (line[0] == '#' && !tab)) continue;
        if (!tab) {
            fprintf(stderr, "%s:%lu: no tab between text and categories\n", path, ln);
            rc = 2;
            break;
        }
        size_t tlen = (size_t)(tab - line);
        eval_ctx x = {r, path, ln, line, tlen, 0};
        char err[256] = "";
        sl_status st = sl_eval_add(e, line, tlen, tab + 1, len - tlen - 1,
                                   misses ? on_miss : NULL, &x, err, sizeof err);
        if (st) {
            fprintf(stderr, "%s:%lu: %s\n", path, ln, err[0] ? err : sl_status_str(st));
            rc = 2;
            break;
        }
    }
    free(line);
    fclose(f);
    return rc;
}

static void put_row(const sl_eval_row *w) {
    char floor[32];
    if (w->has_floor) snprintf(floor, sizeof floor, "%.2f/%.2f", w->min_precision, w->min_recall);
    else snprintf(floor, sizeof floor, "-");
    printf("%-26s %6llu %6llu %6llu %6llu   %9.3f %7.3f   %-9s  %s\n", w->category,
           (unsigned long long)w->support, (unsigned long long)w->tp, (unsigned long long)w->fp,
           (unsigned long long)w->fn, w->precision, w->recall, floor,
           !w->has_floor ? "-" : w->pass ? "PASS" : (w->support ? "FAIL" : "FAIL (no examples)"));
}

int sl_cmd_rules_eval(int argc, char **argv) {
    const char *rules_path = sl_cli_rules_dir();
    int misses = 0, nfiles = 0;
    char **files = calloc((size_t)(argc > 0 ? argc : 1), sizeof *files);
    if (!files) return SL_EXIT_WARN;
    for (int i = 2; i < argc; i++) {
        const char *a = argv[i];
        if (!strcmp(a, "--rules") && i + 1 < argc) rules_path = argv[++i];
        else if (!strncmp(a, "--rules=", 8)) rules_path = a + 8;
        else if (!strcmp(a, "--misses")) misses = 1;
        else if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
            usage(stdout);
            free(files);
            return SL_EXIT_OK;
        } else if (a[0] == '-' && a[1]) {
            fprintf(stderr, "sunlight rules eval: unknown option '%s'\n", a);
            usage(stderr);
            free(files);
            return SL_EXIT_USAGE;
        } else files[nfiles++] = argv[i];
    }
    if (!nfiles) {
        usage(stderr);
        free(files);
        return SL_EXIT_USAGE;
    }

    sl_rules *r = NULL;
    sl_matcher *m = NULL;
    sl_eval *e = NULL;
    char err[1024] = "";
    int rc = SL_EXIT_OK;
    sl_status st = sl_rules_load(&r, rules_path, err, sizeof err);
    if (st) {
        fprintf(stderr, "sunlight rules eval: %s\n", err[0] ? err : sl_status_str(st));
        free(files);
        return SL_EXIT_WARN;
    }
    if ((st = sl_matcher_new(&m, r)) || (st = sl_eval_new(&e, r, m))) {
        fprintf(stderr, "sunlight rules eval: %s\n", sl_status_str(st));
        rc = SL_EXIT_WARN;
        goto done;
    }
    for (int i = 0; i < nfiles; i++) {
        if (eval_file(e, r, files[i], misses)) {
            rc = SL_EXIT_USAGE;
            goto done;
        }
    }

    uint64_t texts = 0;
    sl_eval_row tot;
    sl_eval_total(e, &texts, &tot);
    if (misses) printf("\n");
    printf("%-26s %6s %6s %6s %6s   %9s %7s   %-9s  %s\n", "category", "exp", "TP", "FP", "FN",
           "precision", "recall", "floor P/R", "result");
    size_t nfail = 0;
    for (size_t i = 0; i < sl_eval_count(e); i++) {
        sl_eval_row w;
        sl_eval_row_get(e, i, &w);
        put_row(&w);
        if (!w.pass) nfail++;
    }
    tot.has_floor = 0;
    put_row(&tot);
    printf("%llu texts, %zu categories, %zu below their floor\n", (unsigned long long)texts,
           sl_eval_count(e), nfail);
    if (nfail) rc = SL_EXIT_WARN;

done:
    sl_eval_free(e);
    sl_matcher_free(m);
    sl_rules_free(r);
    free(files);
    return rc;
}
