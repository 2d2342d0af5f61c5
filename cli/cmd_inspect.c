/* cmd_inspect.c: `sunlight inspect PATH... [--json]`: says, before anyone trusts a number, what
 * each file of a release is and what is wrong with it. Runs the scan in dry-run mode (reads and
 * accounts everything, writes nothing, opens no key) and prints each source's description and
 * the release-level findings, for people or as JSON. */
#include "cli.h"
#include "sunlight.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
    int json;
    int quiet;
    unsigned nsrc, nfind;
    unsigned long long diags[3];
} ictx;

/* ---- JSON ---------------------------------------------------------------------------------- */

static void jstr(const char *z) {
    if (!z) { fputs("null", stdout); return; }
    putchar('"');
    for (const unsigned char *p = (const unsigned char *)z; *p; p++) {
        if (*p == '"' || *p == '\\') printf("\\%c", *p);
        else if (*p == '\n') fputs("\\n", stdout);
        else if (*p == '\r') fputs("\\r", stdout);
        else if (*p == '\t') fputs("\\t", stdout);
        else if (*p < 0x20 || *p == 0x7f) printf("\\u%04x", *p);
        else putchar(*p);
    }
    putchar('"');
}

static void jkey(const char *k) {
    jstr(k);
    putchar(':');
}

static void ju64(const char *k, uint64_t v, int comma) {
    jkey(k);
    printf("%llu%s", (unsigned long long)v, comma ? "," : "");
}

static void jz(const char *k, const char *v, int comma) {
    jkey(k);
    jstr(v);
    if (comma) putchar(',');
}

static const char *sev_name(sl_severity s) {
    return s == SL_DIAG_ERROR ? "error" : s == SL_DIAG_WARN ? "warning" : "note";
}

static void json_source(ictx *c, const sl_source_info *si) {
    fputs(c->nsrc ? ",\n" : "\n", stdout);
    putchar('{');
    ju64("id", si->id, 1);
    ju64("parent", si->parent, 1);
    jz("cite", si->cite, 1);
    jz("format", si->format, 1);
    jz("encoding", si->encoding, 1);
    jz("encoding_note", si->encoding_note, 1);
    ju64("size", si->size, 1);
    jz("sha256", si->sha256, 1);
    jz("kind", si->kind, 1);
    jz("kind_how", si->kind_how, 1);
    jz("map", si->map_name, 1);
    ju64("records", si->records, 1);
    ju64("parsed", si->parsed, 1);
    ju64("rejected", si->rejected, 1);
    ju64("header_repeats", si->header_repeats, 1);
    ju64("blank", si->blank, 1);
    ju64("set_aside", si->set_aside, 1);
    ju64("shifted", si->shifted, 1);
    ju64("invalid_utf8", si->invalid_utf8, 1);
    jz("time_min", si->time_min && *si->time_min ? si->time_min : NULL, 1);
    jz("time_max", si->time_max && *si->time_max ? si->time_max : NULL, 1);
    jkey("columns");
    putchar('[');
    for (size_t i = 0; i < si->ncols; i++) {
        if (i) putchar(',');
        jstr(si->headers ? si->headers[i] : "");
    }
    fputs("],", stdout);
    jkey("fields");
    putchar('{');
    int first = 1;
    for (int f = 0; f < SL_F_COUNT; f++) {
        const sl_field_info *fi = &si->fields[f];
        if (fi->column < 0) continue;
        if (!first) putchar(',');
        first = 0;
        jkey(sl_field_name((sl_field)f));
        putchar('{');
        jkey("column");
        printf("%d,", fi->column + 1);
        jz("header", fi->header, 1);
        jkey("cells");
        putchar('{');
        int fs = 1;
        for (int s = SL_CELL_EMPTY; s < SL_CELL__COUNT; s++) {
            if (!fi->states[s]) continue;
            if (!fs) putchar(',');
            fs = 0;
            ju64(sl_cell_state_name((sl_cell_state)s), fi->states[s], 0);
        }
        fputs("},", stdout);
        ju64("unparseable", fi->unparseable, 0);
        putchar('}');
    }
    fputs("},", stdout);
    jkey("not_exported");
    putchar('[');
    first = 1;
    for (int f = 0; f < SL_F_COUNT; f++) {
        if (si->fields[f].column >= 0) continue;
        if (!first) putchar(',');
        first = 0;
        jstr(sl_field_name((sl_field)f));
    }
    fputs("],", stdout);
    ju64("organizations", si->orgs, 1);
    jkey("top_organizations");
    putchar('[');
    for (size_t i = 0; i < si->ntop_orgs; i++) {
        if (i) putchar(',');
        putchar('{');
        jz("name", si->top_orgs[i], 1);
        ju64("rows", si->top_org_rows[i], 0);
        putchar('}');
    }
    fputs("],", stdout);
    ju64("users", si->users, 1);
    jkey("top_users");
    putchar('[');
    for (size_t i = 0; i < si->ntop_users; i++) {
        if (i) putchar(',');
        putchar('{');
        jz("name", si->top_users[i], 1);
        ju64("rows", si->top_user_rows[i], 0);
        putchar('}');
    }
    fputs("],", stdout);
    jz("constant_reason", si->constant_reason, 1);
    jz("truncation", si->truncation, 1);
    ju64("warnings", si->warnings, 0);
    putchar('}');
}

/* ---- people -------------------------------------------------------------------------------- */

static void num(uint64_t v, char out[32]) {
    char tmp[32];
    int n = snprintf(tmp, sizeof tmp, "%llu", (unsigned long long)v);
    size_t o = 0;
    for (int i = 0; i < n; i++) {
        if (i && (n - i) % 3 == 0) out[o++] = ',';
        out[o++] = tmp[i];
    }
    out[o] = '\0';
}

static void text_source(const sl_source_info *si) {
    char a[32], b[32], c[32], d[32], e[32];
    printf("\n%s\n", si->cite);
    printf("  kind        %s (%s)%s%s\n", si->kind, si->kind_how ? si->kind_how : "",
           si->map_name ? ", map " : "", si->map_name ? si->map_name : "");
    num(si->size, a);
    if (si->size == 0 && si->format && strcmp(si->format, "xls") == 0 && strstr(si->cite, " > "))
        /* a sheet of an Excel 97-2003 workbook: no bytes of its own, the workbook's hash */
        printf("  format      %s, %s, sha256 %.16s... (the workbook's)\n", si->format,
               si->encoding ? si->encoding : "?", si->sha256 ? si->sha256 : "");
    else if (si->format && strcmp(si->format, "ods") == 0 && strstr(si->cite, " > "))
        /* a table of an OpenDocument spreadsheet: its bytes of content.xml, the file's hash */
        printf("  format      %s, %s, %s bytes of content.xml, sha256 %.16s... (the file's)\n",
               si->format, si->encoding ? si->encoding : "?", a, si->sha256 ? si->sha256 : "");
    else
        printf("  format      %s, %s, %s bytes, sha256 %.16s...\n", si->format ? si->format : "?",
               si->encoding ? si->encoding : "?", a, si->sha256 ? si->sha256 : "");
    if (si->encoding_note) printf("              %s\n", si->encoding_note);
    num(si->records, a);
    num(si->parsed, b);
    num(si->rejected, c);
    num(si->header_repeats, d);
    num(si->blank, e);
    printf("  records     %s: %s parsed, %s rejected, %s repeated headers, %s blank\n", a, b, c, d, e);
    if (si->set_aside) {
        num(si->set_aside, a);
        printf("              %s rows set aside: %s\n", a,
               si->kind && !strcmp(si->kind, "document")
                   ? "a document that came with the release, not a log"
               : !si->kind || !strcmp(si->kind, "unknown")
                   ? "this sheet or list holds no log (notes, pivot tables, an index)"
                   : "above the header (a title, a note), not searches");
    }
    if (si->shifted) {
        num(si->shifted, a);
        printf("              %s rows shifted by one cell (kept, realigned where the values show it)\n", a);
    }
    if (si->time_min && *si->time_min)
        printf("  time range  %s .. %s\n", si->time_min, si->time_max);
    if (si->ncols) {
        printf("  columns     %zu:", si->ncols);
        for (size_t i = 0; i < si->ncols && si->headers; i++)
            printf("%s\"%s\"", i ? ", " : " ", si->headers[i]);
        putchar('\n');
    }
    int any = 0;
    for (int f = 0; f < SL_F_COUNT; f++) {
        const sl_field_info *fi = &si->fields[f];
        if (fi->column < 0) continue;
        printf(any ? "              " : "  mapping     ");
        any = 1;
        printf("%-16s <- col %d \"%s\":", sl_field_name((sl_field)f), fi->column + 1,
               fi->header ? fi->header : "");
        int first = 1;
        for (int s = SL_CELL_EMPTY; s < SL_CELL__COUNT; s++) {
            if (!fi->states[s]) continue;
            num(fi->states[s], a);
            printf("%s%s %s", first ? " " : ", ", a, sl_cell_state_name((sl_cell_state)s));
            first = 0;
        }
        if (fi->unparseable) {
            num(fi->unparseable, a);
            printf(", %s unparseable", a);
        }
        putchar('\n');
    }
    if (any) {
        printf("  not exported");
        int first = 1;
        for (int f = 0; f < SL_F_COUNT; f++)
            if (si->fields[f].column < 0) {
                printf("%s%s", first ? " " : ", ", sl_field_name((sl_field)f));
                first = 0;
            }
        putchar('\n');
    }
    if (si->orgs || si->ntop_orgs) {
        num(si->orgs, a);
        printf("  orgs        %s distinct", a);
        for (size_t i = 0; i < si->ntop_orgs; i++) {
            num(si->top_org_rows[i], b);
            printf("%s%s (%s)", i ? ", " : "; most rows: ", si->top_orgs[i], b);
        }
        putchar('\n');
    }
    if (si->users || si->ntop_users) {
        num(si->users, a);
        printf("  users       %s distinct", a);
        for (size_t i = 0; i < si->ntop_users; i++) {
            num(si->top_user_rows[i], b);
            printf("%s%s (%s)", i ? ", " : "; most rows: ", si->top_users[i], b);
        }
        putchar('\n');
    }
    if (si->truncation)
        printf("  WARNING     %s\n", !strcmp(si->truncation, "excel_limit")
                                       ? "exactly the Excel row limit: probably cut off"
                                       : "a suspiciously round number of rows: maybe cut off");
    if (si->constant_reason)
        printf("  WARNING     the same reason on every row: \"%s\"\n", si->constant_reason);
    if (si->warnings) {
        num(si->warnings, a);
        printf("  warnings    %s (listed above)\n", a);
    }
}

static void on_source(void *ud, const sl_source_info *si) {
    ictx *c = ud;
    if (c->json) json_source(c, si);
    else text_source(si);
    c->nsrc++;
}

static void on_finding(void *ud, const sl_finding *f) {
    ictx *c = ud;
    if (c->json) {
        fputs(c->nfind ? ",\n" : "],\"findings\":[\n", stdout);
        putchar('{');
        jz("code", f->code, 1);
        jz("severity", sev_name(f->severity), 1);
        jkey("sources");
        putchar('[');
        for (size_t i = 0; i < f->nsources; i++) printf("%s%u", i ? "," : "", f->sources[i]);
        fputs("],", stdout);
        jz("message", f->message, 0);
        putchar('}');
    } else {
        if (!c->nfind) printf("\nRelease checks\n");
        printf("  %-8s %s [%s]\n", sev_name(f->severity), f->message, f->code);
    }
    c->nfind++;
}

static void on_diag(void *ud, const sl_diag *d) {
    ictx *c = ud;
    c->diags[d->severity <= SL_DIAG_ERROR ? d->severity : 2]++;
    if (c->json || c->quiet || d->severity == SL_DIAG_INFO) return;
    fprintf(stderr, "%s: %s", sev_name(d->severity), d->source ? d->source : "");
    if (d->record) fprintf(stderr, " record %llu", (unsigned long long)d->record);
    fprintf(stderr, "%s%s [%s]\n", d->source ? ": " : "", d->message, d->code);
}

static void usage(FILE *f) {
    fputs("usage: sunlight inspect PATH... [--json] [--map FILE]... [--producer NAME]\n"
          "\n"
          "Describes every source (file, archive member, workbook sheet) under the given paths:\n"
          "its kind and how it was recognised, the column mapping, records parsed and rejected,\n"
          "time range, cell states per field, organizations and users, and warnings (truncation,\n"
          "overlaps, duplicates, shifted rows, encoding fallback, constant reason). Writes\n"
          "nothing anywhere and needs no key.\n"
          "\n"
          "options:\n"
          "  --json               one JSON document on standard output\n"
          "  --map FILE           a column mapping for another system's log (docs/MAPS.md)\n"
          "  --producer NAME      whose release this is, when file names do not say\n"
          "  --max-record BYTES   largest record accepted (default 1048576)\n"
          "  -q, --quiet          no per-record messages on standard error\n"
          "\n"
          "exit codes: 0 ok; 1 some rows were rejected or there were warnings; 2 usage error;\n"
          "3 no usable input.\n",
          f);
}

int sl_cmd_inspect(int argc, char **argv) {
    sl_scan_opts o = {0};
    ictx c = {0};
    const char **paths = calloc((size_t)argc + 1, sizeof *paths);
    const char **maps = calloc((size_t)argc + 1, sizeof *maps);
    size_t npaths = 0, nmaps = 0;
    int code = SL_EXIT_OK;
    if (!paths || !maps) {
        free(paths);
        free(maps);
        return SL_EXIT_USAGE;
    }
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        int more = i + 1 < argc;
        if (!strcmp(a, "--json")) c.json = 1;
        else if (!strcmp(a, "--map") && more) maps[nmaps++] = argv[++i];
        else if (!strcmp(a, "--producer") && more) o.producer = argv[++i];
        else if (!strcmp(a, "--max-record") && more) {
            char *end;
            unsigned long long v = strtoull(argv[++i], &end, 10);
            if (*end || v < 1024) {
                fprintf(stderr, "sunlight inspect: --max-record needs a number of bytes >= 1024\n");
                code = SL_EXIT_USAGE;
                goto done;
            }
            o.max_record_bytes = (size_t)v;
        } else if (!strcmp(a, "-q") || !strcmp(a, "--quiet")) c.quiet = 1;
        else if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
            usage(stdout);
            goto done;
        } else if (a[0] == '-' && a[1]) {
            fprintf(stderr, "sunlight inspect: unknown or incomplete option '%s'\n\n", a);
            usage(stderr);
            code = SL_EXIT_USAGE;
            goto done;
        } else paths[npaths++] = a;
    }
    if (!npaths) {
        fprintf(stderr, "sunlight inspect: no input PATH given\n\n");
        usage(stderr);
        code = SL_EXIT_USAGE;
        goto done;
    }
    o.dry_run = 1;
    o.map_paths = maps;
    o.nmaps = nmaps;
    o.on_diag = on_diag;
    o.diag_ud = &c;
    o.on_source = on_source;
    o.source_ud = &c;
    o.on_finding = on_finding;
    o.finding_ud = &c;

    if (c.json) fputs("{\"sunlight_version\":\"" SL_VERSION "\",\"sources\":[", stdout);
    sl_scan *s = NULL;
    sl_status rc = sl_scan_new(&s, &o);
    for (size_t i = 0; !rc && i < npaths; i++) rc = sl_scan_add_path(s, paths[i]);
    /* Sources stream out while reading; findings come at the end (on_finding closes the
     * sources array before the first one). */
    if (!rc) rc = sl_scan_run(s);
    const sl_scan_totals *t = sl_scan_totals_get(s);
    if (c.json) {
        if (!c.nfind) fputs("],\"findings\":[", stdout);
        fputs("],\"totals\":{", stdout);
        if (t) {
            ju64("files", t->files, 1);
            ju64("sources", t->sources, 1);
            ju64("bytes", t->bytes, 1);
            ju64("records", t->records, 1);
            ju64("searches", t->searches, 1);
            ju64("events", t->events, 1);
            ju64("reference_rows", t->reference_rows, 1);
            ju64("rejected", t->rejected, 1);
            ju64("skipped", t->skipped, 1);
            ju64("warnings", t->warnings, 0);
        }
        fputs("},", stdout);
        jz("error", rc ? (s ? sl_scan_errmsg(s) : "cannot start") : NULL, 0);
        fputs("}\n", stdout);
    } else if (!rc && t) {
        char a[32], b[32], d[32], e[32];
        num(t->records, a);
        num(t->rejected, d);
        num(t->skipped, e);
        num(t->searches + t->events + t->reference_rows, b);
        printf("\n%llu files, %llu sources: %s records, %s parsed, %s rejected, %s skipped\n",
               (unsigned long long)t->files, (unsigned long long)t->sources, a, b, d, e);
        if (t->events || t->reference_rows) {
            num(t->searches, a);
            num(t->events, b);
            num(t->reference_rows, d);
            printf("(parsed: %s search rows, %s event-log events, %s rows of reference lists)\n",
                   a, b, d);
        }
    }
    if (rc) {
        fprintf(stderr, "sunlight inspect: %s (%s)\n", s ? sl_scan_errmsg(s) : "cannot start",
                sl_status_str(rc));
        code = rc == SL_ENOINPUT ? SL_EXIT_NOINPUT : SL_EXIT_USAGE;
    } else if (t && (t->rejected || t->warnings)) {
        code = SL_EXIT_WARN;
    }
    sl_scan_free(s);
done:
    free(paths);
    free(maps);
    return code;
}
