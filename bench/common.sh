# bench/common.sh, sourced first by bench/run.sh and bench/scale.sh: their arguments, a scratch
# folder (TMP, removed on exit), the timing of one command (measure) and the machine's
# description for bench/RESULTS.md (describe_machine).

# bench_args SCRIPT ARGS...: BUILD_DIR (made absolute) and --record (RECORD 1); leaves the
# shell in the repository's root.
bench_args() {
    script=$1; shift
    [ $# -ge 1 ] || { echo "usage: $script BUILD_DIR [--record]" >&2; exit 2; }
    BUILD=$1; shift
    RECORD=0
    for a in "$@"; do
        case $a in --record) RECORD=1 ;; *) echo "usage: $script BUILD_DIR [--record]" >&2; exit 2 ;; esac
    done
    cd "$(dirname "$0")/.." || exit 2
    case $BUILD in /*) ;; *) BUILD=$(pwd)/$BUILD ;; esac
}

TMP=$(mktemp -d); trap 'rm -rf "$TMP"' EXIT

# Time and peak RSS of one command: GNU time when present, else a python3 wrapper.
# Sets W (wall seconds), C (CPU seconds, user + system), M (peak RSS KiB), RC; stdout goes to
# $TMP/out, stderr to $TMP/err.
if [ -x /usr/bin/time ] && /usr/bin/time -f '%e' -o "$TMP/t" true 2>/dev/null; then
    measure() {
        t0=$(date +%s%N)
        /usr/bin/time -f '%e %M %U %S' -o "$TMP/t" "$@" >"$TMP/out" 2>"$TMP/err"; RC=$?
        t1=$(date +%s%N)
        set -- $(tail -n 1 "$TMP/t"); W=$1; M=$2
        C=$(awk -v u="$3" -v s="$4" 'BEGIN { printf "%.2f", u + s }')
        case "$t0$t1" in # GNU date: nanoseconds, finer than time's %e
            *N*) ;;
            *) W=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f", (b - a) / 1e9 }') ;;
        esac
    }
elif command -v python3 >/dev/null 2>&1; then
    measure() {
        python3 -c '
import resource, subprocess, sys, time
t = time.perf_counter()
with open(sys.argv[1], "wb") as o, open(sys.argv[2], "wb") as e:
    rc = subprocess.call(sys.argv[3:], stdout=o, stderr=e)
w = time.perf_counter() - t
u = resource.getrusage(resource.RUSAGE_CHILDREN)
print("%.3f %d %d %.2f" % (w, u.ru_maxrss, rc, u.ru_utime + u.ru_stime))
' "$TMP/out" "$TMP/err" "$@" >"$TMP/t"
        set -- $(cat "$TMP/t"); W=$1; M=$2; RC=$3; C=$4
    }
else
    echo "bench: need GNU time (/usr/bin/time, Debian package 'time') or python3" >&2; exit 1
fi

# describe_machine: sets MODEL, MEM (GiB), NCPU and COMMIT (+dirty with uncommitted changes).
describe_machine() {
    MODEL=$(lscpu 2>/dev/null | sed -n 's/^Model name: *//p' | head -n 1)
    MODEL=${MODEL:-unknown CPU}
    MEM=$(awk '/^MemTotal/ { printf "%.1f GiB", $2 / 1048576 }' /proc/meminfo 2>/dev/null)
    MEM=${MEM:-? memory}
    NCPU=$(nproc 2>/dev/null || echo '?')
    COMMIT=$(git rev-parse --short HEAD 2>/dev/null || echo unknown)
    [ -n "$(git status --porcelain 2>/dev/null)" ] && COMMIT="$COMMIT+dirty"
}
