/* cmd_inspect.c: `sunlight inspect` (issue 3). Being written; this placeholder is replaced
 * before the issue is called done. */
#include "cli.h"

#include <stdio.h>

int sl_cmd_inspect(int argc, char **argv) {
    (void)argc;
    (void)argv;
    fputs("sunlight inspect: not built yet\n", stderr);
    return SL_EXIT_USAGE;
}
