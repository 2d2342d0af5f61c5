/* rules.c: reads rule packs (docs/RULES.md) from a folder or a file into an sl_rules: packs
 * with their SHA-256, rules, patterns, examples and thresholds. Every error names file:line
 * and, inside a rule, the rule id. Compiling the patterns is match.c's job. */
#include "rules.h"
#include "named.h"

#include <dirent.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define SL_RULES_MAX_FILE (16u << 20) /* a pack larger than this is surely not a pack */
#define SL_RULES_MAX_FILES 4096

static void seterr(char *err, size_t errlen, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void seterr(char *err, size_t errlen, const char *fmt, ...) {
    if (!err || !errlen) return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err, errlen, fmt, ap);
    va_end(ap);
}

/* ---- parse state --------------------------------------------------------------------------- */

typedef struct {
    sl_rules *r;
    const char *file;     /* as loaded */
    uint32_t pack;        /* index of the pack being read */
    int have_pack;
    long rule;            /* index of the rule being read, -1 before the first */
    size_t rule_pats;     /* candidate (match/match_part) patterns of the current rule */
    int rule_label;
    char *err;
    size_t errlen;
} sl_parse;

static sl_status perr(sl_parse *ps, unsigned line, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static sl_status perr(sl_parse *ps, unsigned line, const char *fmt, ...) {
    char msg[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    if (ps->rule >= 0)
        seterr(ps->err, ps->errlen, "%s:%u: rule %s: %s", ps->file, line,
               ps->r->rules[ps->rule].id, msg);
    else
        seterr(ps->err, ps->errlen, "%s:%u: %s", ps->file, line, msg);
    return SL_ERULES;
}

static char *sdup(sl_parse *ps, sl_slice s) {
    return sl_arena_strndup(&ps->r->arena, s.p, s.len);
}

/* Appends value to a repeatable text field, joined with one space; a line that ends in a
 * hyphen after a letter ("landlord-") goes on with the next line's word, no space. */
static sl_status join(sl_parse *ps, const char **field, sl_slice v) {
    if (!*field) {
        *field = sdup(ps, v);
        return *field ? SL_OK : SL_ENOMEM;
    }
    size_t a = strlen(*field);
    int word = a >= 2 && (*field)[a - 1] == '-' && sl_isalpha((unsigned char)(*field)[a - 2]);
    char *s = sl_arena_alloc(&ps->r->arena, a + 1 + v.len + 1);
    if (!s) return SL_ENOMEM;
    memcpy(s, *field, a);
    if (!word) s[a++] = ' ';
    memcpy(s + a, v.p, v.len);
    s[a + v.len] = '\0';
    *field = s;
    return SL_OK;
}

static int name_ok(sl_slice v, int allow_dot) {
    if (!v.len) return 0;
    for (size_t i = 0; i < v.len; i++) {
        unsigned char c = (unsigned char)v.p[i];
        if (!((c >= 'a' && c <= 'z') || sl_isdigit(c) || c == '_' || c == '-' ||
              (allow_dot && c == '.')))
            return 0;
    }
    return 1;
}

static int is_kw(sl_slice k, const char *z) { return sl_slice_eq(k, z); }

/* Checks the rule that just ended (label and at least one pattern). */
static sl_status end_rule(sl_parse *ps) {
    if (ps->rule < 0) return SL_OK;
    const sl_rule *ru = &ps->r->rules[ps->rule];
    if (!ps->rule_label) return perr(ps, ru->line, "no label");
    if (!ps->rule_pats) return perr(ps, ru->line, "no match or match_part pattern");
    return SL_OK;
}

static sl_status add_pattern(sl_parse *ps, unsigned line, sl_pat_kind kind, sl_slice v) {
    sl_rules *r = ps->r;
    if (sl_grow((void **)&r->pats, &r->cappats, r->npats + 1, sizeof *r->pats)) return SL_ENOMEM;
    sl_pattern *p = &r->pats[r->npats];
    p->expr = sdup(ps, v);
    if (!p->expr) return SL_ENOMEM;
    p->rule = (uint32_t)ps->rule;
    p->kind = (uint8_t)kind;
    p->line = line;
    r->npats++;
    if (kind == SL_PAT_MATCH || kind == SL_PAT_PART) ps->rule_pats++;
    return SL_OK;
}

static sl_status add_example(sl_parse *ps, unsigned line, int yes, sl_slice v) {
    sl_rules *r = ps->r;
    if (sl_grow((void **)&r->ex, &r->capex, r->nex + 1, sizeof *r->ex)) return SL_ENOMEM;
    sl_example *e = &r->ex[r->nex];
    e->text = sdup(ps, v);
    if (!e->text) return SL_ENOMEM;
    e->rule = (uint32_t)ps->rule;
    e->yes = yes;
    e->line = line;
    r->nex++;
    return SL_OK;
}

static sl_status start_rule(sl_parse *ps, unsigned line, sl_slice v) {
    sl_rules *r = ps->r;
    sl_status st = end_rule(ps);
    if (st) return st;
    ps->rule = -1; /* errors about the new id are not "inside" the previous rule */
    if (!name_ok(v, 1))
        return perr(ps, line, "rule id '%.*s' must be lower-case letters, digits, '_', '-', '.'",
                    (int)v.len, v.p);
    for (size_t i = 0; i < r->nrules; i++) {
        if (sl_slice_eq(v, r->rules[i].id)) {
            const sl_rule *o = &r->rules[i];
            return perr(ps, line, "duplicate rule id '%s' (first defined at %s:%u)", o->id,
                        r->packs[o->pack].file, o->line);
        }
    }
    if (sl_grow((void **)&r->rules, &r->caprules, r->nrules + 1, sizeof *r->rules)) return SL_ENOMEM;
    sl_rule *ru = &r->rules[r->nrules];
    memset(ru, 0, sizeof *ru);
    ru->id = sdup(ps, v);
    if (!ru->id) return SL_ENOMEM;
    ru->category = r->packs[ps->pack].category;
    ru->priority = 100;
    ru->reads = SL_READS_ALL;
    ru->pack = ps->pack;
    ru->group_idx = UINT32_MAX;
    ru->line = line;
    ps->rule = (long)r->nrules++;
    ps->rule_pats = 0;
    ps->rule_label = 0;
    return SL_OK;
}

static sl_status parse_reads(sl_parse *ps, unsigned line, sl_slice v, uint32_t *out) {
    uint32_t m = 0;
    size_t i = 0;
    while (i < v.len) {
        while (i < v.len && (sl_isspace((unsigned char)v.p[i]) || v.p[i] == ',')) i++;
        size_t j = i;
        while (j < v.len && !sl_isspace((unsigned char)v.p[j]) && v.p[j] != ',') j++;
        if (j == i) break;
        sl_slice w = {v.p + i, j - i};
        if (sl_slice_eq(w, "reason")) m |= SL_READS_REASON;
        else if (sl_slice_eq(w, "offense")) m |= SL_READS_OFFENSE;
        else if (sl_slice_eq(w, "prompt")) m |= SL_READS_PROMPT;
        else if (sl_slice_eq(w, "dropdown")) m |= SL_READS_DROPDOWN;
        else if (sl_slice_eq(w, "whole")) m |= SL_READS_WHOLE;
        else if (sl_slice_eq(w, "org")) m |= SL_READS_ORG;
        else
            return perr(ps, line,
                        "reads: unknown text '%.*s' (use reason, offense, prompt, dropdown, whole, "
                        "org)",
                        (int)w.len, w.p);
        i = j;
    }
    if (!m) return perr(ps, line, "reads: no text named");
    *out = m;
    return SL_OK;
}

/* Parses a decimal in [0, 1] from a NUL-free slice. */
static int parse_unit(sl_slice w, double *out) {
    char buf[32];
    if (!w.len || w.len >= sizeof buf) return 0;
    memcpy(buf, w.p, w.len);
    buf[w.len] = '\0';
    char *end;
    errno = 0;
    double d = strtod(buf, &end);
    if (errno || *end || !(d >= 0.0 && d <= 1.0)) return 0;
    *out = d;
    return 1;
}

static sl_status parse_threshold(sl_parse *ps, unsigned line, sl_slice v) {
    sl_slice w[5];
    size_t n = 0, i = 0;
    while (i < v.len) {
        while (i < v.len && sl_isspace((unsigned char)v.p[i])) i++;
        size_t j = i;
        while (j < v.len && !sl_isspace((unsigned char)v.p[j])) j++;
        if (j == i) break;
        if (n == 5) { n++; break; }
        w[n++] = (sl_slice){v.p + i, j - i};
        i = j;
    }
    double p, rc;
    if (n != 5 || !sl_slice_eq(w[1], "precision") || !sl_slice_eq(w[3], "recall") ||
        !parse_unit(w[2], &p) || !parse_unit(w[4], &rc))
        return perr(ps, line, "threshold must read 'CATEGORY precision P recall R' with P, R in [0, 1]");
    sl_rules *r = ps->r;
    if (sl_grow((void **)&r->thr, &r->capthr, r->nthr + 1, sizeof *r->thr)) return SL_ENOMEM;
    sl_threshold *t = &r->thr[r->nthr];
    t->category = sdup(ps, w[0]);
    if (!t->category) return SL_ENOMEM;
    t->precision = p;
    t->recall = rc;
    t->pack = r->packs[ps->pack].name;
    t->file = ps->file;
    t->line = line;
    r->nthr++;
    return SL_OK;
}

/* A category name: lower-case letters, digits, '_', '-', '.'; not one the counts keep for
 * themselves ("all": every row; "named_plate": the rows that searched a plate named with
 * --plate). */
static sl_status take_category(sl_parse *ps, unsigned line, sl_slice v, const char **dst) {
    if (!name_ok(v, 1))
        return perr(ps, line, "category '%.*s' must be lower-case letters, digits, '_', '-', '.'",
                    (int)v.len, v.p);
    if (sl_slice_eq(v, "all") || sl_slice_eq(v, SL_NAMED_CATEGORY))
        return perr(ps, line, "category '%.*s' is kept for the counts' own use", (int)v.len, v.p);
    *dst = sdup(ps, v);
    return *dst ? SL_OK : SL_ENOMEM;
}

static sl_status header_line(sl_parse *ps, unsigned line, sl_slice k, sl_slice v) {
    sl_rules *r = ps->r;
    sl_pack *pk = &r->packs[ps->pack];
    if (!ps->have_pack) {
        if (!is_kw(k, "pack"))
            return perr(ps, line, "the first directive must be 'pack NAME', not '%.*s'",
                        (int)k.len, k.p);
        if (!name_ok(v, 0))
            return perr(ps, line, "pack name '%.*s' must be lower-case letters, digits, '_', '-'",
                        (int)v.len, v.p);
        for (size_t i = 0; i + 1 < r->npacks; i++)
            if (sl_slice_eq(v, r->packs[i].name))
                return perr(ps, line, "pack name '%s' is already used by %s", r->packs[i].name,
                            r->packs[i].file);
        pk->name = pk->category = sdup(ps, v);
        if (!pk->name) return SL_ENOMEM;
        ps->have_pack = 1;
        return SL_OK;
    }
    if (is_kw(k, "pack")) return perr(ps, line, "second 'pack' directive in one file");
    if (is_kw(k, "version")) {
        if (pk->version) return perr(ps, line, "second 'version' directive");
        pk->version = sdup(ps, v);
        return pk->version ? SL_OK : SL_ENOMEM;
    }
    if (is_kw(k, "category")) return take_category(ps, line, v, &pk->category);
    if (is_kw(k, "about")) return join(ps, &pk->about, v);
    if (is_kw(k, "threshold")) return parse_threshold(ps, line, v);
    if (is_kw(k, "finding")) {
        if (sl_slice_eq(v, "yes")) pk->descriptive = 0;
        else if (sl_slice_eq(v, "no")) pk->descriptive = 1;
        else return perr(ps, line, "finding must be 'yes' or 'no'");
        return SL_OK;
    }
    return perr(ps, line, "unknown keyword '%.*s' in the pack header", (int)k.len, k.p);
}

static sl_status rule_line(sl_parse *ps, unsigned line, sl_slice k, sl_slice v) {
    sl_rule *ru = &ps->r->rules[ps->rule];
    if (is_kw(k, "label")) {
        if (ps->rule_label) return perr(ps, line, "second 'label'");
        ps->rule_label = 1;
        ru->label = sdup(ps, v);
        return ru->label ? SL_OK : SL_ENOMEM;
    }
    if (is_kw(k, "category")) return take_category(ps, line, v, &ru->category);
    if (is_kw(k, "group")) {
        if (!name_ok(v, 1))
            return perr(ps, line, "group '%.*s' must be lower-case letters, digits, '_', '-', '.'",
                        (int)v.len, v.p);
        ru->group = sdup(ps, v);
        return ru->group ? SL_OK : SL_ENOMEM;
    }
    if (is_kw(k, "priority")) {
        char buf[24];
        char *end;
        if (v.len >= sizeof buf) return perr(ps, line, "priority is not an integer");
        memcpy(buf, v.p, v.len);
        buf[v.len] = '\0';
        errno = 0;
        long n = strtol(buf, &end, 10);
        if (errno || *end || n < -1000000 || n > 1000000)
            return perr(ps, line, "priority '%s' is not an integer in [-1000000, 1000000]", buf);
        ru->priority = (int)n;
        return SL_OK;
    }
    if (is_kw(k, "means")) return join(ps, &ru->means, v);
    if (is_kw(k, "matters")) return join(ps, &ru->matters, v);
    if (is_kw(k, "false_pos")) return join(ps, &ru->false_pos, v);
    if (is_kw(k, "false_neg")) return join(ps, &ru->false_neg, v);
    if (is_kw(k, "match")) return add_pattern(ps, line, SL_PAT_MATCH, v);
    if (is_kw(k, "match_part")) return add_pattern(ps, line, SL_PAT_PART, v);
    if (is_kw(k, "except")) return add_pattern(ps, line, SL_PAT_EXCEPT, v);
    if (is_kw(k, "unless")) return add_pattern(ps, line, SL_PAT_UNLESS, v);
    if (is_kw(k, "yes")) return add_example(ps, line, 1, v);
    if (is_kw(k, "no")) return add_example(ps, line, 0, v);
    if (is_kw(k, "reads")) return parse_reads(ps, line, v, &ru->reads);
    if (is_kw(k, "pack") || is_kw(k, "version") || is_kw(k, "about") || is_kw(k, "threshold") ||
        is_kw(k, "finding"))
        return perr(ps, line, "'%.*s' belongs in the pack header, before the first rule",
                    (int)k.len, k.p);
    return perr(ps, line, "unknown keyword '%.*s'", (int)k.len, k.p);
}

static sl_status parse_text(sl_parse *ps, const char *buf, size_t len) {
    unsigned line = 0;
    size_t i = 0;
    while (i < len) {
        size_t j = i;
        while (j < len && buf[j] != '\n') j++;
        line++;
        sl_slice s = sl_trim((sl_slice){buf + i, j - i});
        i = j + 1;
        if (!s.len || s.p[0] == '#') continue;
        if (memchr(s.p, '\0', s.len)) return perr(ps, line, "NUL byte in the line");
        size_t k = 0;
        while (k < s.len && !sl_isspace((unsigned char)s.p[k])) k++;
        sl_slice kw = {s.p, k};
        sl_slice v = sl_trim((sl_slice){s.p + k, s.len - k});
        if (!v.len) return perr(ps, line, "'%.*s' has no value", (int)kw.len, kw.p);
        sl_status st;
        if (is_kw(kw, "rule")) {
            if (!ps->have_pack)
                return perr(ps, line, "the first directive must be 'pack NAME', not 'rule'");
            if (!ps->r->packs[ps->pack].version)
                return perr(ps, line, "no 'version' in the pack header");
            st = start_rule(ps, line, v);
        } else if (ps->rule < 0) {
            st = header_line(ps, line, kw, v);
        } else {
            st = rule_line(ps, line, kw, v);
        }
        if (st == SL_ENOMEM) seterr(ps->err, ps->errlen, "%s:%u: out of memory", ps->file, line);
        if (st) return st;
    }
    if (!ps->have_pack) return perr(ps, line ? line : 1, "no 'pack' directive");
    if (!ps->r->packs[ps->pack].version) return perr(ps, line ? line : 1, "no 'version' directive");
    return end_rule(ps);
}

static sl_status read_file(const char *file, char **out, size_t *len, char *err, size_t errlen) {
    FILE *f = fopen(file, "rb");
    if (!f) {
        seterr(err, errlen, "%s: cannot open: %s", file, strerror(errno));
        return SL_ERULES;
    }
    sl_buf b = {0};
    b.cap_limit = SL_RULES_MAX_FILE;
    char chunk[65536];
    size_t n;
    sl_status st = SL_OK;
    while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
        if ((st = sl_buf_append(&b, chunk, n))) break;
    int bad = ferror(f);
    fclose(f);
    if (st == SL_ELIMIT) seterr(err, errlen, "%s: larger than %u bytes: not a rule pack", file, SL_RULES_MAX_FILE);
    else if (st) seterr(err, errlen, "%s: out of memory", file);
    else if (bad) seterr(err, errlen, "%s: read error", file);
    if (st || bad) {
        sl_buf_free(&b);
        return st == SL_ENOMEM ? SL_ENOMEM : SL_ERULES;
    }
    *out = b.p;
    *len = b.len;
    return SL_OK;
}

static sl_status load_file(sl_rules *r, const char *file, char *err, size_t errlen) {
    char *buf = NULL;
    size_t len = 0;
    sl_status st = read_file(file, &buf, &len, err, errlen);
    if (st) return st;
    if (sl_grow((void **)&r->packs, &r->cappacks, r->npacks + 1, sizeof *r->packs)) {
        free(buf);
        return SL_ENOMEM;
    }
    sl_pack *pk = &r->packs[r->npacks++];
    memset(pk, 0, sizeof *pk);
    pk->file = sl_arena_strndup(&r->arena, file, strlen(file));
    pk->base = sl_path_base(pk->file);
    sl_sha256 *h = sl_sha256_new();
    if (!pk->file || !h) {
        sl_sha256_free(h);
        free(buf);
        return SL_ENOMEM;
    }
    sl_sha256_update(h, buf, len);
    sl_sha256_final(h, pk->sha256);
    sl_sha256_free(h);

    sl_parse ps = {.r = r, .file = pk->file, .pack = (uint32_t)(r->npacks - 1), .rule = -1,
                   .err = err, .errlen = errlen};
    st = parse_text(&ps, buf, len);
    free(buf);
    return st;
}

static int cmp_str(const void *a, const void *b) {
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static int has_rules_suffix(const char *name) {
    size_t n = strlen(name);
    return n > 6 && name[0] != '.' && strcmp(name + n - 6, ".rules") == 0;
}

/* Loads every *.rules file of a folder, sorted by name. */
static sl_status load_dir(sl_rules *r, const char *dir, char *err, size_t errlen) {
    DIR *d = opendir(dir);
    if (!d) {
        seterr(err, errlen, "%s: cannot open folder: %s", dir, strerror(errno));
        return SL_ERULES;
    }
    char **names = NULL;
    size_t n = 0, cap = 0;
    sl_status st = SL_OK;
    struct dirent *de;
    while ((de = readdir(d)) != NULL) {
        if (!has_rules_suffix(de->d_name)) continue;
        if (n == SL_RULES_MAX_FILES) {
            seterr(err, errlen, "%s: more than %u rule packs", dir, SL_RULES_MAX_FILES);
            st = SL_ERULES;
            break;
        }
        if (sl_grow((void **)&names, &cap, n + 1, sizeof *names) || !(names[n] = sl_strdup(de->d_name))) {
            st = SL_ENOMEM;
            break;
        }
        n++;
    }
    closedir(d);
    if (!st && !n) {
        seterr(err, errlen, "%s: no *.rules files in this folder", dir);
        st = SL_ERULES;
    }
    if (!st) qsort(names, n, sizeof *names, cmp_str);
    size_t dl = strlen(dir);
    while (dl > 1 && dir[dl - 1] == '/') dl--;
    for (size_t i = 0; !st && i < n; i++) {
        size_t fl = dl + 1 + strlen(names[i]) + 1;
        char *file = malloc(fl);
        if (!file) {
            st = SL_ENOMEM;
            break;
        }
        snprintf(file, fl, "%.*s/%s", (int)dl, dir, names[i]);
        st = load_file(r, file, err, errlen);
        free(file);
    }
    for (size_t i = 0; i < n; i++) free(names[i]);
    free(names);
    return st;
}

/* Numbers the groups: rules sharing a group name share an index. */
static sl_status number_groups(sl_rules *r) {
    const char **names = NULL;
    size_t cap = 0;
    uint32_t ng = 0;
    for (size_t i = 0; i < r->nrules; i++) {
        sl_rule *ru = &r->rules[i];
        if (!ru->group) continue;
        uint32_t g = 0;
        while (g < ng && strcmp(names[g], ru->group) != 0) g++;
        if (g == ng) {
            if (sl_grow((void **)&names, &cap, ng + 1, sizeof *names)) {
                free(names);
                return SL_ENOMEM;
            }
            names[ng++] = ru->group;
        }
        ru->group_idx = g;
    }
    free(names);
    r->ngroups = ng;
    return SL_OK;
}

/* A descriptive rule (its pack says `finding no`) never flags a row, so its category must be
 * one no finding rule reports: else a row flagged for something else would list that category
 * while the counts, which count finding rules only, leave the row out of it. */
static sl_status check_descriptive(const sl_rules *r, char *err, size_t errlen) {
    for (size_t i = 0; i < r->nrules; i++) {
        const sl_rule *d = &r->rules[i];
        if (!r->packs[d->pack].descriptive) continue;
        for (size_t j = 0; j < r->nrules; j++) {
            const sl_rule *f = &r->rules[j];
            if (r->packs[f->pack].descriptive || strcmp(f->category, d->category)) continue;
            seterr(err, errlen,
                   "%s:%u: rule %s of a pack with 'finding no' names category %s, which rule %s "
                   "(a finding) reports: a descriptive rule needs a category of its own",
                   r->packs[d->pack].file, d->line, d->id, d->category, f->id);
            return SL_ERULES;
        }
    }
    return SL_OK;
}

sl_status sl_rules_load(sl_rules **out, const char *path, char *err, size_t errlen) {
    *out = NULL;
    if (err && errlen) err[0] = '\0';
    if (!path || !*path) {
        seterr(err, errlen, "no rules path given");
        return SL_EUSAGE;
    }
    struct stat sb;
    if (stat(path, &sb) != 0) {
        seterr(err, errlen, "%s: %s", path, strerror(errno));
        return SL_ERULES;
    }
    sl_rules *r = calloc(1, sizeof *r);
    if (!r) return SL_ENOMEM;
    sl_arena_init(&r->arena, 64 * 1024);
    sl_status st = S_ISDIR(sb.st_mode) ? load_dir(r, path, err, errlen)
                                       : load_file(r, path, err, errlen);
    if (!st) st = number_groups(r);
    if (!st) st = check_descriptive(r, err, errlen);
    for (size_t i = 0; !st && i < r->nrules; i++) r->reads_any |= r->rules[i].reads;
    if (!st) st = sl_rules_compile(r, err, errlen);
    if (st == SL_ENOMEM && err && errlen && !err[0]) seterr(err, errlen, "out of memory");
    if (st) {
        sl_rules_free(r);
        return st;
    }
    *out = r;
    return SL_OK;
}

void sl_rules_free(sl_rules *r) {
    if (!r) return;
    sl_rules_uncompile(r);
    free(r->rules);
    free(r->pats);
    free(r->ex);
    free(r->packs);
    free(r->thr);
    sl_arena_free(&r->arena);
    free(r);
}

size_t sl_rules_count(const sl_rules *r) { return r ? r->nrules : 0; }

void sl_rules_info(const sl_rules *r, size_t i, sl_rule_info *out) {
    memset(out, 0, sizeof *out);
    if (!r || i >= r->nrules) return;
    const sl_rule *ru = &r->rules[i];
    out->id = ru->id;
    out->label = ru->label;
    out->pack = r->packs[ru->pack].name;
    out->category = ru->category;
    out->group = ru->group;
    out->priority = ru->priority;
    out->reads = ru->reads;
    out->means = ru->means;
    out->matters = ru->matters;
    out->false_pos = ru->false_pos;
    out->false_neg = ru->false_neg;
    out->file = r->packs[ru->pack].file;
    out->line = ru->line;
    out->descriptive = r->packs[ru->pack].descriptive;
}

size_t sl_rules_pack_count(const sl_rules *r) { return r ? r->npacks : 0; }

void sl_rules_pack_info(const sl_rules *r, size_t i, sl_pack_info *out) {
    memset(out, 0, sizeof *out);
    if (!r || i >= r->npacks) return;
    const sl_pack *pk = &r->packs[i];
    out->name = pk->name;
    out->version = pk->version;
    out->path = pk->base;
    out->sha256 = pk->sha256;
    out->category = pk->category;
    out->about = pk->about;
}

size_t sl_rules_threshold_count(const sl_rules *r) { return r ? r->nthr : 0; }

void sl_rules_threshold(const sl_rules *r, size_t i, sl_threshold *out) {
    memset(out, 0, sizeof *out);
    if (!r || i >= r->nthr) return;
    *out = r->thr[i];
}
