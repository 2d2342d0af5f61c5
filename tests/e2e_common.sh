# e2e_common.sh: what every tests/e2e/*.sh script shares (sourced, from the repository root):
# counters, pass/fail/skip helpers, and the closing "N passed, N failed, N skipped" line that
# tests/run.sh adds up. Not a test itself (it lives outside tests/e2e/).
P=0; F=0; S=0
ok()   { P=$((P + 1)); }
bad()  { F=$((F + 1)); echo "FAIL: $*"; }
skip() { S=$((S + 1)); echo "skipped: $*"; }
pass() { ok; }
fail() { bad "$@"; }
# check "SHELL CONDITION" "message when it does not hold"
check() { if eval "$1"; then ok; else bad "$2"; fi; }
# expect WHAT GOT EXPECTED: passes when the two strings are equal
expect() { if [ "$2" = "$3" ]; then ok; else bad "$1: got '$2', expected '$3'"; fi; }
# A script that reads the database with the sqlite3 command: reported skipped without it.
need_sqlite3() {
    command -v sqlite3 >/dev/null 2>&1 && return 0
    echo "skipped: sqlite3 missing"; echo "0 passed, 0 failed, 1 skipped"; exit 0
}
# Prints the closing line and exits non-zero when anything failed.
finish() {
    echo "$P passed, $F failed, $S skipped"
    [ "$F" -eq 0 ]
    exit $?
}
