/* cmd_scan.c: `sunlight scan PATH... -o OUT/`: the main job. Parses options, shows progress on
 * a terminal, prints diagnostics (a bounded number per kind) and a closing summary, and maps
 * the outcome to the documented exit codes. */
#include "cli.h"
#include "sunlight.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>


#define PRINT_PER_CODE 5

typedef struct {
    int tty;
    int quiet;
    double t0, last;
    int line_shown;
    char codes[64][48];
    unsigned counts[64];
    size_t ncodes;
    unsigned long long unprinted;
} ui;

/* Ctrl-C (or SIGTERM, or the terminal closing) asks the scan to stop and clean up; a second
 * one ends the program at once. */
static volatile sig_atomic_t stop_signal;

static void on_stop_signal(int sig) {
    if (stop_signal) {
        signal(sig, SIG_DFL);
        raise(sig);
        return;
    }
    stop_signal = sig;
}

static void catch_stop_signals(void) {
    static const int sigs[] = {SIGINT, SIGTERM, SIGHUP};
    for (size_t i = 0; i < sizeof sigs / sizeof *sigs; i++) {
        struct sigaction sa, old;
        memset(&sa, 0, sizeof sa);
        sa.sa_handler = on_stop_signal;
        sigemptyset(&sa.sa_mask);
        /* a signal ignored when the program started (a background job, nohup) stays ignored */
        if (sigaction(sigs[i], NULL, &old) == 0 && old.sa_handler != SIG_IGN)
            sigaction(sigs[i], &sa, NULL);
    }
}

static double now(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void clear_line(ui *u) {
    if (u->line_shown) {
        fputs("\r\033[K", stderr);
        u->line_shown = 0;
    }
}

static void human_bytes(double b, char *out, size_t cap) {
    const char *unit[] = {"B", "KB", "MB", "GB", "TB"};
    int i = 0;
    while (b >= 1000 && i < 4) { b /= 1000; i++; }
    snprintf(out, cap, i ? "%.1f %s" : "%.0f %s", b, unit[i]);
}

/* How far the reading is, and how long the rest of it should take at the rate so far
 * ("41%, about 3 min of reading left  "), once the rate means something (5 s in). Only the
 * reading: linking and writing the outputs come after it, and are named when they run. */
static void reading_left(const sl_progress *p, double el, char *out, size_t cap) {
    out[0] = '\0';
    if (el < 5 || !p->bytes_done || !p->bytes_total || p->bytes_done >= p->bytes_total) return;
    double rest = el * (double)(p->bytes_total - p->bytes_done) / (double)p->bytes_done;
    int pct = (int)(100.0 * (double)p->bytes_done / (double)p->bytes_total);
    char t[48];
    if (rest < 60) snprintf(t, sizeof t, "under a minute");
    else if (rest < 5400) snprintf(t, sizeof t, "about %.0f min", rest / 60);
    else snprintf(t, sizeof t, "about %ld h %02ld min", (long)rest / 3600, (long)rest % 3600 / 60);
    snprintf(out, cap, "%d%%, %s of reading left  ", pct, t);
}

static void on_progress(void *ud, const sl_progress *p) {
    ui *u = ud;
    if (!u->tty || u->quiet) return;
    double t = now();
    if (t - u->last < 0.2 && p->bytes_done < p->bytes_total) return;
    u->last = t;
    char done[32], total[32], rate[32];
    human_bytes((double)p->bytes_done, done, sizeof done);
    human_bytes((double)p->bytes_total, total, sizeof total);
    double el = t - u->t0;
    human_bytes(el > 0 ? (double)p->bytes_done / el : 0, rate, sizeof rate);
    const char *cur = p->current ? p->current : "";
    size_t cl = strlen(cur);
    if (cl > 40) cur += cl - 40;
    char left[96] = "";
    reading_left(p, el, left, sizeof left);
    fprintf(stderr, "\r\033[K%s / %s  %llu rows  %s/s  %s%s", done, total,
            (unsigned long long)p->records, rate, left, cur);
    u->line_shown = 1;
}

static void on_diag(void *ud, const sl_diag *d) {
    ui *u = ud;
    size_t i = 0;
    while (i < u->ncodes && strcmp(u->codes[i], d->code)) i++;
    if (i == u->ncodes && u->ncodes < 64) {
        snprintf(u->codes[i], sizeof u->codes[i], "%s", d->code);
        u->counts[i] = 0;
        u->ncodes++;
    }
    if (i < 64 && ++u->counts[i] > PRINT_PER_CODE) {
        u->unprinted++;
        return;
    }
    if (u->quiet && d->severity < SL_DIAG_ERROR) return;
    if (d->severity == SL_DIAG_INFO && !u->tty) return;
    clear_line(u);
    const char *sev = d->severity == SL_DIAG_ERROR ? "error"
                      : d->severity == SL_DIAG_WARN ? "warning" : "note";
    fprintf(stderr, "%s: ", sev);
    if (d->source) fprintf(stderr, "%s", d->source);
    if (d->record) fprintf(stderr, " record %llu", (unsigned long long)d->record);
    if (d->line) fprintf(stderr, " (line %llu)", (unsigned long long)d->line);
    fprintf(stderr, "%s%s [%s]\n", d->source ? ": " : "", d->message, d->code);
}

static void usage(FILE *f) {
    fputs("usage: sunlight scan PATH... -o OUT/ [options]\n"
          "\n"
          "Reads every file under the given files and folders (a records release), and writes\n"
          "OUT/sunlight.db, OUT/report.html, OUT/flagged.csv and OUT/summary.json.\n"
          "\n"
          "options:\n"
          "  -o, --out DIR        output folder (created if missing)  [required]\n"
          "  --rules PATH         rule packs folder or file (default: the shipped rules/)\n"
          "  --key FILE           plate-token key; created on first use (default:\n"
          "                       $SUNLIGHT_KEY or ~/.config/sunlight/plate.key)\n"
          "  --producer NAME      whose release this is, when file names do not say\n"
          "  --map FILE           column mapping for another system's log (docs/MAPS.md);\n"
          "                       repeatable\n"
          "  --plate PLATE        a plate you already know (a client's): every search of it\n"
          "                       is written out (category named_plate) and listed in the\n"
          "                       report, shown as its token; repeatable, up to 8\n"
          "  --max-record BYTES   largest record accepted (default 1048576)\n"
          "  --threads N          1: one thread; 2: flagged rows are written, and large files\n"
          "                       hashed, on other threads while reading goes on (default:\n"
          "                       2 when the machine has two CPUs or more). The outputs are\n"
          "                       the same bytes.\n"
          "  -q, --quiet          only errors and the final summary\n"
          "\n"
          "exit codes: 0 ok; 1 finished, but some rows were rejected or there were warnings;\n"
          "2 usage or configuration error; 3 no usable input; 4 outputs could not be written;\n"
          "130 interrupted (Ctrl-C; 143 for SIGTERM): nothing written, earlier outputs kept.\n",
          f);
}

int sl_cmd_scan(int argc, char **argv) {
    sl_scan_opts o = {0};
    o.rules_path = sl_cli_rules_dir();
    const char **paths = calloc((size_t)argc, sizeof *paths);
    /* --map files, then --plate values, in one allocation */
    const char **maps = calloc(2 * (size_t)argc, sizeof *maps);
    const char **plates = maps ? maps + argc : NULL;
    size_t npaths = 0;
    ui u = {0};
    if (!paths || !maps) {
        free(paths);
        free(maps);
        return SL_EXIT_USAGE;
    }
    o.map_paths = maps;
    o.plates = plates;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        int more = i + 1 < argc;
        if ((!strcmp(a, "-o") || !strcmp(a, "--out")) && more) o.out_dir = argv[++i];
        else if (!strcmp(a, "--rules") && more) o.rules_path = argv[++i];
        else if (!strcmp(a, "--key") && more) o.key_path = argv[++i];
        else if (!strcmp(a, "--producer") && more) o.producer = argv[++i];
        else if (!strcmp(a, "--map") && more) maps[o.nmaps++] = argv[++i];
        else if (!strcmp(a, "--plate") && more) plates[o.nplates++] = argv[++i];
        else if (!strcmp(a, "--max-record") && more) {
            char *end;
            unsigned long long v = strtoull(argv[++i], &end, 10);
            if (*end || v < 1024) {
                fprintf(stderr, "sunlight scan: --max-record needs a number of bytes >= 1024\n");
                free(paths); free(maps);
                return SL_EXIT_USAGE;
            }
            o.max_record_bytes = (size_t)v;
        } else if (!strcmp(a, "--threads") && more) {
            const char *v = argv[++i];
            if (strcmp(v, "1") && strcmp(v, "2")) {
                fprintf(stderr, "sunlight scan: --threads takes 1 or 2\n");
                free(paths); free(maps);
                return SL_EXIT_USAGE;
            }
            o.threads = v[0] - '0';
        } else if (!strcmp(a, "-q") || !strcmp(a, "--quiet")) u.quiet = 1;
        else if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
            usage(stdout);
            free(paths); free(maps);
            return SL_EXIT_OK;
        } else if (a[0] == '-' && a[1]) {
            fprintf(stderr, "sunlight scan: unknown or incomplete option '%s'\n\n", a);
            usage(stderr);
            free(paths); free(maps);
            return SL_EXIT_USAGE;
        } else paths[npaths++] = a;
    }
    if (!o.out_dir || !npaths) {
        fprintf(stderr, "sunlight scan: %s\n\n", !npaths ? "no input PATH given" : "-o OUT/ is required");
        usage(stderr);
        free(paths); free(maps);
        return SL_EXIT_USAGE;
    }
    u.tty = isatty(2);
    u.t0 = now();
    o.on_diag = on_diag;
    o.diag_ud = &u;
    o.on_progress = on_progress;
    o.progress_ud = &u;
    o.stop = &stop_signal;
    catch_stop_signals();

    sl_scan *s = NULL;
    sl_status rc = sl_scan_new(&s, &o);
    for (size_t i = 0; !rc && i < npaths; i++) rc = sl_scan_add_path(s, paths[i]);
    free(paths);
    if (!rc) rc = sl_scan_run(s);
    clear_line(&u);
    const sl_scan_totals *t = sl_scan_totals_get(s);
    int code = SL_EXIT_OK;
    if (rc) {
        fprintf(stderr, "sunlight scan: %s (%s)\n", s ? sl_scan_errmsg(s) : "cannot start",
                sl_status_str(rc));
        code = rc == SL_ENOINPUT ? SL_EXIT_NOINPUT
               : (rc == SL_EUSAGE || rc == SL_ERULES || rc == SL_ECRYPTO) ? SL_EXIT_USAGE
               : rc == SL_ECANCELED ? 128 + (stop_signal ? stop_signal : SIGINT) /* as the shell says */
                                    : 4;
    } else {
        double el = now() - u.t0;
        char bytes[32];
        human_bytes((double)t->bytes, bytes, sizeof bytes);
        if (u.unprinted)
            fprintf(stderr, "(%llu more messages not shown; all are in sunlight.db, table diagnostics)\n",
                    u.unprinted);
        fprintf(stderr,
                "read %llu files (%llu sources, %s) in %.1f s\n"
                "  %llu records: %llu search rows, %llu rejected, %llu skipped (repeated headers, blank, set aside)\n"
                "  %llu rows flagged for a human look\n",
                (unsigned long long)t->files, (unsigned long long)t->sources, bytes, el,
                (unsigned long long)t->records, (unsigned long long)t->searches,
                (unsigned long long)t->rejected, (unsigned long long)t->skipped,
                (unsigned long long)t->flagged);
        if (t->distinct_searches)
            fprintf(stderr, "  the search rows are %llu distinct searches, linked across logs (the "
                            "report's \"Rows and searches\")\n",
                    (unsigned long long)t->distinct_searches);
        if (t->events || t->reference_rows)
            fprintf(stderr, "  and %llu event-log events and %llu rows of reference lists (agency lists,\n"
                            "  rosters, sharing lists): parsed and counted, not searches\n",
                    (unsigned long long)t->events, (unsigned long long)t->reference_rows);
        fprintf(stderr, "report:   %s/report.html\n", o.out_dir);
        fprintf(stderr, "database: %s/sunlight.db   flagged rows: %s/flagged.csv   summary: %s/summary.json\n",
                o.out_dir, o.out_dir, o.out_dir);
        if (o.nplates)
            fprintf(stderr, "  %llu rows searched the plate%s you named (category named_plate; see "
                            "the report's \"Plates you named\")\n",
                    (unsigned long long)t->named_rows, o.nplates == 1 ? "" : "s");
        if (t->operator_findings)
            fprintf(stderr, "  %llu finding%s under the report's \"Users unlike their colleagues\" (a "
                            "user far above their colleagues in a category)\n",
                    (unsigned long long)t->operator_findings, t->operator_findings == 1 ? "" : "s");
        if (t->plate_repeats)
            fprintf(stderr, "  %llu finding%s under the report's \"One plate, searched again and "
                            "again\" (one user, one plate, many searches)\n",
                    (unsigned long long)t->plate_repeats, t->plate_repeats == 1 ? "" : "s");
        if (t->flagged >= SL_SPREADSHEET_ROWS) /* a header and one line per row */
            fprintf(stderr, "  flagged.csv holds %llu rows: " SL_SPREADSHEET_ADVICE "\n",
                    (unsigned long long)t->flagged);
        if (t->rejected || t->warnings) code = SL_EXIT_WARN;
    }
    if (t && t->key_path && (!rc || t->key_created)) {
        fprintf(stderr,
                "plate key: %s%s\n"
                "  Plates are written only as tokens made with this key. Keep it private: whoever\n"
                "  holds it can test guessed plates against the tokens. Reuse it to link tokens\n"
                "  across runs and releases.\n",
                t->key_path, t->key_created ? " (created by this run)" : "");
    }
    sl_scan_free(s);
    free(maps);
    return code;
}
