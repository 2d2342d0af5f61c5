/* main.c: the sunlight command line: dispatches to one file per subcommand. Only cli/ prints
 * or exits; the engine is reached through include/sunlight.h alone. */
#include "cli.h"
#include "sunlight.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifndef SL_RULES_DIR
#define SL_RULES_DIR "rules"
#endif

const char *sl_cli_rules_dir(void) {
    const char *env = getenv("SUNLIGHT_RULES");
    if (env && *env) return env;
    return SL_RULES_DIR;
}

static void usage(FILE *f) {
    fputs("sunlight " SL_VERSION ": audit how surveillance systems are searched\n"
          "\n"
          "usage:\n"
          "  sunlight scan PATH... -o OUT/      read a records release, write OUT/sunlight.db,\n"
          "                                     OUT/report.html, OUT/flagged.csv, OUT/summary.json\n"
          "  sunlight inspect PATH... [--json]  describe each file before trusting any number\n"
          "  sunlight rules test                check every example in the rule packs\n"
          "  sunlight rules explain \"TEXT\"      show which rules fire on a text, and why\n"
          "  sunlight rules eval FILE...        precision and recall on a labeled set\n"
          "  sunlight rules list                list packs and rules\n"
          "  sunlight --version\n"
          "\n"
          "Run `sunlight COMMAND --help` for a command's options.\n"
          "Exit codes: 0 ok, 1 finished with rejected rows or warnings, 2 usage error,\n"
          "3 no usable input, 4 outputs could not be written, 130 stopped by Ctrl-C.\n",
          f);
}

int main(int argc, char **argv) {
    if (argc < 2) {
        usage(stderr);
        return SL_EXIT_USAGE;
    }
    const char *cmd = argv[1];
    if (!strcmp(cmd, "scan")) return sl_cmd_scan(argc - 1, argv + 1);
    if (!strcmp(cmd, "rules")) return sl_cmd_rules(argc - 1, argv + 1);
    if (!strcmp(cmd, "inspect")) return sl_cmd_inspect(argc - 1, argv + 1);
    if (!strcmp(cmd, "--version") || !strcmp(cmd, "version")) {
        printf("sunlight %s\n", SL_VERSION);
        return SL_EXIT_OK;
    }
    if (!strcmp(cmd, "--help") || !strcmp(cmd, "-h") || !strcmp(cmd, "help")) {
        usage(stdout);
        return SL_EXIT_OK;
    }
    fprintf(stderr, "sunlight: unknown command '%s'\n\n", cmd);
    usage(stderr);
    return SL_EXIT_USAGE;
}
