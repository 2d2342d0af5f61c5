/* test_eval_diff.c: differential test of the Hyperscan matcher against the slow PCRE2
 * reference (ref_matcher.h) over the shipped packs: for every text of the evaluation set
 * (the .tsv files in tests/eval) and every inline example, both must report the same rules with the same
 * spans. Catches compiler and optimiser disagreements the packs' own examples would miss. */
#include "harness.h"

#include "ref_matcher.h"

#include <dirent.h>

#define CAP 64

static int n_texts, n_diff;

static void compare(sl_matcher *m, const ref_matcher *rm, const char *text, size_t len,
                    const char *where) {
    sl_hit h[CAP];
    ref_hit rh[CAP];
    size_t n = 0;
    sl_status st = sl_match_reads(m, SL_READS_EVERY, text, len, h, CAP, &n);
    int rn = ref_match(rm, text, len, rh, CAP, NULL);
    n_texts++;
    int same = st == SL_OK && rn >= 0 && (size_t)rn == n && n <= CAP;
    for (size_t i = 0; same && i < n; i++)
        same = h[i].rule == rh[i].rule && h[i].start == rh[i].start && h[i].end == rh[i].end;
    if (!same) {
        n_diff++;
        if (n_diff <= 20) {
            fprintf(stderr, "%s: \"%.*s\": hyperscan %zu hits, reference %d\n", where, (int)len,
                    text, n, rn);
            for (size_t i = 0; i < n && i < CAP; i++)
                fprintf(stderr, "    hs  rule %u [%u,%u)\n", h[i].rule, h[i].start, h[i].end);
            for (int i = 0; i < rn && i < CAP; i++)
                fprintf(stderr, "    ref rule %u [%u,%u)\n", rh[i].rule, rh[i].start, rh[i].end);
        }
    }
}

static int cmp_str(const void *a, const void *b) {
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static void eval_files(sl_matcher *m, const ref_matcher *rm) {
    const char *dir = "tests/eval";
    DIR *d = opendir(dir);
    if (!d) {
        CHECK(0);
        return;
    }
    char *names[64];
    int nn = 0;
    struct dirent *de;
    while ((de = readdir(d)) && nn < 64) {
        size_t l = strlen(de->d_name);
        if (l > 4 && strcmp(de->d_name + l - 4, ".tsv") == 0) names[nn++] = strdup(de->d_name);
    }
    closedir(d);
    qsort(names, (size_t)nn, sizeof *names, cmp_str);
    CHECK(nn > 0);
    for (int i = 0; i < nn; i++) {
        char path[512];
        snprintf(path, sizeof path, "%s/%s", dir, names[i]);
        FILE *f = fopen(path, "rb");
        CHECK(f != NULL);
        if (f) {
            char line[4096];
            unsigned ln = 0;
            while (fgets(line, sizeof line, f)) {
                ln++;
                if (line[0] == '#' || line[0] == '\n') continue;
                char *tab = strchr(line, '\t');
                if (!tab) continue;
                char where[600];
                snprintf(where, sizeof where, "%s:%u", path, ln);
                compare(m, rm, line, (size_t)(tab - line), where);
            }
            fclose(f);
        }
        free(names[i]);
    }
}

int main(void) {
    sl_rules *r = NULL;
    sl_matcher *m = NULL;
    char err[512] = "";
    if (sl_rules_load(&r, "rules", err, sizeof err) || sl_matcher_new(&m, r)) {
        fprintf(stderr, "cannot load rules: %s\n", err);
        CHECK(0);
        TEST_END();
    }
    ref_matcher rm = {0};
    if (ref_open(&rm, r, err, sizeof err)) {
        fprintf(stderr, "%s\n", err);
        CHECK(0);
    } else {
        eval_files(m, &rm);
        /* The packs' inline examples, read as the engine holds them. */
        for (size_t i = 0; i < r->nex; i++)
            compare(m, &rm, r->ex[i].text, strlen(r->ex[i].text), "example");
        ref_close(&rm);
    }
    fprintf(stderr, "%d texts compared, %d differ\n", n_texts, n_diff);
    CHECK(n_texts > 2000);
    CHECK_INT(n_diff, 0);
    sl_matcher_free(m);
    sl_rules_free(r);
    TEST_END();
}
