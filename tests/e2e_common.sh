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
# Prints the closing line and exits non-zero when anything failed.
finish() {
    echo "$P passed, $F failed, $S skipped"
    [ "$F" -eq 0 ]
    exit $?
}
