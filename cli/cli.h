/* cli.h: the subcommands of the sunlight command line. Each lives in its own file and returns
 * the process exit code: 0 ok, 1 ran with rejected rows or warnings, 2 usage, 3 no usable
 * input (see README). Only cli/ prints or exits. */
#ifndef SL_CLI_H
#define SL_CLI_H

#define SL_EXIT_OK 0
#define SL_EXIT_WARN 1
#define SL_EXIT_USAGE 2
#define SL_EXIT_NOINPUT 3

int sl_cmd_scan(int argc, char **argv);    /* cli/cmd_scan.c */
int sl_cmd_rules(int argc, char **argv);   /* cli/cmd_rules.c: test, explain, list, eval */
/* cli/cmd_rules_eval.c: `sunlight rules eval ...`; argv[0] = "rules", argv[1] = "eval". */
int sl_cmd_rules_eval(int argc, char **argv);
int sl_cmd_inspect(int argc, char **argv); /* cli/cmd_inspect.c */

/* Where rule packs are by default: $SUNLIGHT_RULES, else the rules/ folder this binary was
 * built from (SL_RULES_DIR), else ./rules. */
const char *sl_cli_rules_dir(void);

#endif
