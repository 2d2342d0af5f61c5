#!/bin/sh
# bench/scale.sh BUILD_DIR [--record]: the brief's statewide collection. Generates one network
# audit of SCALE_SIZE (default 28500M: about 141 million rows, 30 GB), or with SCALE_AGENCIES=K
# a collection of that size: K agencies' network and organization audits of one stream of
# searches, each search a row in the audit of every agency it touched (K=56: about 7.5 rows a
# search, as the brief's 140 million rows were 18.7 million searches). Scans it once as a user
# would (the default threads) and, in the same run, reads it once with wc -l (the disk's
# floor: files this size do not stay in the page cache). Checks what the scan found against
# the generator's truth.json: search rows, distinct searches, and the pack's rows and searches.
# Prints a markdown table; --record also appends it, dated, to bench/RESULTS.md.
# Environment: SCALE_SIZE (default 28500M), SCALE_AGENCIES (default 0: one network audit),
# SCALE_SEED (default 11), SCALE_START (first month, default 2023-01), SCALE_RULES (default rules/immigration.rules: with every pack a third of
# the rows are flagged, and their outputs alone would fill a laptop's disk), SCALE_CATEGORY
# (the category checked; default the rules file's name, immigration; vague_or_no_purpose would
# not match, as truth.json counts empty reasons that the scan reports as cell states),
# SCALE_DIR (where the data goes; default BUILD_DIR/bench). Needs free disk for the file, its
# spill (64 bytes a row) and the outputs: it says how much before it starts.
set -u
. "$(dirname "$0")/common.sh"
bench_args bench/scale.sh "$@"

SIZE=${SCALE_SIZE:-28500M}
SEED=${SCALE_SEED:-11}
AGENCIES=${SCALE_AGENCIES:-0}
START=${SCALE_START:-2023-01}
RULES=${SCALE_RULES:-rules/immigration.rules}
DIR=${SCALE_DIR:-$BUILD/bench}
GEN="$BUILD/slgen"
SL="$BUILD/sunlight"
DATA="$DIR/scale-$SIZE-$SEED"
GENARGS=""
WHAT="network audit"
case $AGENCIES in ''|*[!0-9]*) echo "scale: SCALE_AGENCIES must be a number" >&2; exit 2 ;; esac
if [ "$AGENCIES" -gt 0 ]; then
    [ "$AGENCIES" -ge 2 ] && [ "$AGENCIES" -le 200 ] ||
        { echo "scale: SCALE_AGENCIES must be 0 or 2 to 200" >&2; exit 2; }
    DATA="$DATA-a$AGENCIES"
    GENARGS="--agencies $AGENCIES --orgs 200"
    WHAT="collection of $AGENCIES agencies' network and organization audits"
fi
OUT="$DIR/scale-out"
KEY="$BUILD/bench/bench.key"
[ -x "$GEN" ] && [ -x "$SL" ] || { echo "scale: $GEN or $SL not built (make all)" >&2; exit 1; }
[ -f "$RULES" ] || [ -d "$RULES" ] || { echo "scale: no rules at $RULES" >&2; exit 2; }
case $SIZE in
    *[0-9]M) MB=${SIZE%M} ;;
    *[0-9]G) MB=$((${SIZE%G} * 1024)) ;;
    *) echo "scale: SCALE_SIZE must be a number of M or G (e.g. 28500M)" >&2; exit 2 ;;
esac
case $MB in ''|*[!0-9]*) echo "scale: SCALE_SIZE must be a number of M or G" >&2; exit 2 ;; esac
mkdir -p "$DIR" "$(dirname "$KEY")" || exit 1

# Disk: the file (unless already made), then about half of it again for the spill (64
# bytes a row of about 210) and the outputs.
stamp="slgen --size $SIZE --seed $SEED --start $START $GENARGS --truth-off $(cat tools/slgen.c lib/plate_labels.h | cksum)"
need=$((MB / 2 + 1024))
have_data=0
[ -s "$DATA/truth.json" ] && [ "$(cat "$DATA/.stamp" 2>/dev/null)" = "$stamp" ] && have_data=1
[ "$have_data" -eq 1 ] || need=$((need + MB))
free=$(df -Pk "$DIR" | awk 'NR == 2 { printf "%d", $4 / 1024 }')
if [ "${free:-0}" -lt "$need" ]; then
    echo "scale: $DIR has ${free} MB free; this run needs about $need MB (SCALE_SIZE=$SIZE)" >&2
    exit 1
fi

if [ "$have_data" -eq 0 ]; then
    rm -rf "$DATA"
    echo "generating a $SIZE $WHAT (seed $SEED, from $START) into $DATA ..." >&2
    # shellcheck disable=SC2086 # GENARGS is words
    measure "$GEN" --out "$DATA" --size "$SIZE" --seed "$SEED" --start "$START" $GENARGS --truth-off
    [ "$RC" -eq 0 ] || { echo "scale: slgen failed: $(cat "$TMP/err")" >&2; exit 1; }
    echo "$stamp" >"$DATA/.stamp"
    echo "generated in ${W}s" >&2
fi
# what is scanned: the one file, or every agency's folder (truth.json stays out of it)
if [ "$AGENCIES" -gt 0 ]; then set -- "$DATA"/*/; else set -- "$DATA/network_audit_big.csv"; fi
BYTES=$(find "$@" -type f -printf '%s\n' | awk '{ n += $1 } END { printf "%.0f", n }')
# truth.json's figures: the search rows of every file, distinct searches, and the pack's
# category (the rules file's name: immigration.rules holds category immigration)
num() { sed -n "s/^  \"$1\": \([0-9]*\).*/\1/p" "$DATA/truth.json" | head -n 1; }
ROWS=$(num search_rows)
T_SEARCHES=$(num distinct_searches)
CAT=${SCALE_CATEGORY:-$(basename "$RULES" .rules)}
T_CAT_ROWS=$(sed -n '/"category_records"/,/}/p' "$DATA/truth.json" | sed -n "s/.*\"$CAT\": \([0-9]*\).*/\1/p")
T_CAT_SEARCHES=$(sed -n '/"category_searches"/,/}/p' "$DATA/truth.json" | sed -n "s/.*\"$CAT\": \([0-9]*\).*/\1/p")
if [ -z "$T_CAT_ROWS" ] || [ -z "$T_CAT_SEARCHES" ]; then
    echo "scale: truth.json has no category $CAT (set SCALE_CATEGORY to the pack's category)" >&2
    exit 2
fi

TABLE="$TMP/table"
printf '| tool | wall (s) | MB/s | rows/s | CPU s (user+sys) | peak RSS (MB) | output |\n' >"$TABLE"
printf '|---|---:|---:|---:|---:|---:|---|\n' >>"$TABLE"
row() { # NAME RESULT: one table row from measure's W, C, M
    awk -v n="$1" -v w="$W" -v b="$BYTES" -v r="$ROWS" -v m="$M" -v c="$C" -v o="$2" \
        'BEGIN { mbs = w > 0 ? b / 1048576 / w : 0; rps = w > 0 ? r / w : 0;
                 printf "| %s | %.1f | %.1f | %.0f | %.1f | %.1f | %s |\n", n, w, mbs, rps, c,
                        m / 1024, o }' >>"$TABLE"
}

echo "reading $DATA ($BYTES bytes, $ROWS search rows) once with wc -l ..." >&2
if [ "$AGENCIES" -gt 0 ]; then
    measure sh -c 'find "$@" -type f -exec cat {} + | wc -l' sh "$@"
    row "find, cat, wc -l" "$(cut -d' ' -f1 <"$TMP/out") lines"
else
    measure wc -l "$@"
    row "wc -l" "$(cut -d' ' -f1 <"$TMP/out") lines"
fi

echo "scanning it (rules $RULES) ..." >&2
rm -rf "$OUT"
measure "$SL" scan "$@" -o "$OUT" --rules "$RULES" --key "$KEY" -q
SCAN_RC=$RC
res="exit $RC"
if [ "$RC" -le 1 ] && [ -s "$OUT/summary.json" ]; then
    # summary.json: totals.searches (search rows), searches.distinct, and the category's
    # rows and searches in "categories"
    got=$(python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
c = {x["category"]: x for x in d["categories"]}.get(sys.argv[2], {})
print(d["totals"]["searches"], d["searches"]["distinct"], c.get("rows", 0), c.get("searches", 0))
' "$OUT/summary.json" "$CAT" 2>/dev/null)
    set -- $got
    if [ $# -eq 4 ]; then
        verdict="as truth.json"
        [ "$1" = "$ROWS" ] && [ "$2" = "$T_SEARCHES" ] && [ "$3" = "$T_CAT_ROWS" ] &&
            [ "$4" = "$T_CAT_SEARCHES" ] || verdict="NOT as truth.json ($ROWS, $T_SEARCHES, $T_CAT_ROWS, $T_CAT_SEARCHES)"
        res="$1 search rows, $2 searches; $CAT: $3 rows, $4 searches: $verdict"
    else
        res="exit $RC; summary.json unread (python3 missing?)"
    fi
fi
row "sunlight scan --rules $RULES" "$res"
DISK=$(du -sk "$OUT" | awk '{ printf "%.1f", $1 / 1048576 }')
rm -rf "$OUT"

cat "$TABLE"
echo "outputs: $DISK GiB" >&2
if [ "$RECORD" -eq 1 ]; then
    describe_machine
    {
        echo
        echo "## $(date -u +%Y-%m-%d) $COMMIT: a statewide collection (bench/scale.sh)"
        echo
        echo "- machine: $MODEL, $NCPU cores, $MEM"
        echo "- commit: $COMMIT"
        memk=$(awk '/^MemTotal/ { print $2 }' /proc/meminfo 2>/dev/null)
        where="partly from the page cache"
        [ -n "$memk" ] && [ $((BYTES / 1024)) -gt "$memk" ] && where="larger than memory: read from disk"
        echo "- data: slgen --size $SIZE --seed $SEED --start $START $GENARGS: a $WHAT, $BYTES bytes, $ROWS search rows, $T_SEARCHES searches ($where)"
        echo "- one run each, the default threads, outputs $DISK GiB"
        echo
        cat "$TABLE"
    } >>bench/RESULTS.md
    echo "appended to bench/RESULTS.md" >&2
fi
[ "$SCAN_RC" -le 1 ] || exit 1
case $res in *"as truth.json"*) case $res in *NOT*) exit 1 ;; esac ;; *) exit 1 ;; esac
