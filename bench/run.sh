#!/bin/sh
# bench/run.sh BUILD_DIR [--record]: times `sunlight scan` on a generated 1 GB network audit
# against what a reporter uses today (wc -l, a keyword grep, a python csv pass, sqlite3 import),
# then on an Excel workbook made from a smaller audit (bench/csv2xlsx.py) against a python
# zipfile + ElementTree pass and raw decompression; prints a markdown table; --record also
# appends it, dated, to bench/RESULTS.md.
# Environment: BENCH_SIZE (default 1G), BENCH_RUNS (default 5), BENCH_SEED (default 1),
# BENCH_XLSX_SIZE (CSV size the workbook is made from, default 150M; 0 skips the XLSX case),
# BENCH_XLSX_RUNS (default 3).
set -u
. "$(dirname "$0")/common.sh"
bench_args bench/run.sh "$@"

SIZE=${BENCH_SIZE:-1G}
RUNS=${BENCH_RUNS:-5}
SEED=${BENCH_SEED:-1}
XSIZE=${BENCH_XLSX_SIZE:-150M}
XRUNS=${BENCH_XLSX_RUNS:-3}
case $RUNS in ''|*[!0-9]*|0) echo "bench: BENCH_RUNS must be a positive integer" >&2; exit 2 ;; esac
case $XRUNS in ''|*[!0-9]*|0) echo "bench: BENCH_XLSX_RUNS must be a positive integer" >&2; exit 2 ;; esac
GEN="$BUILD/slgen"
SL="$BUILD/sunlight"
DIR="$BUILD/bench"
DATA="$DIR/data-$SIZE-$SEED"
FILE="$DATA/network_audit_big.csv"
KEY="$DIR/bench.key"
OUT="$DIR/out"

[ -x "$GEN" ] || { echo "bench: $GEN not built (make all)" >&2; exit 1; }
mkdir -p "$DIR" || exit 1

# The data: generated once per size and seed, regenerated when the generator's source changes.
# gen_data SIZE: sets GDATA (the folder) and GFILE (its network audit CSV).
gen_data() {
    GDATA="$DIR/data-$1-$SEED"
    GFILE="$GDATA/network_audit_big.csv"
    stamp="slgen --size $1 --seed $SEED --truth-off $(cat tools/slgen.c lib/plate_labels.h | cksum)"
    if [ ! -s "$GFILE" ] || [ "$(cat "$GDATA/.stamp" 2>/dev/null)" != "$stamp" ]; then
        rm -rf "$GDATA"
        echo "generating $1 network audit (seed $SEED) into $GDATA ..." >&2
        measure "$GEN" --out "$GDATA" --size "$1" --seed "$SEED" --truth-off
        [ "$RC" -eq 0 ] || { echo "bench: slgen failed: $(cat "$TMP/err")" >&2; exit 1; }
        echo "$stamp" >"$GDATA/.stamp"
        echo "generated in ${W}s" >&2
    fi
}
# data_rows DATA: data records of its network audit (the header is not a row).
data_rows() {
    r=$(sed -n 's/.*"records": \([0-9]*\).*/\1/p' "$1/truth.json" | head -n 1)
    echo $((r - 1))
}
gen_data "$SIZE"
BYTES=$(wc -c <"$FILE")
ROWS=$(data_rows "$DATA")
CSV_BYTES=$BYTES; CSV_ROWS=$ROWS  # the XLSX case below reuses BYTES/ROWS
cat "$FILE" >/dev/null # every tool starts from a warm page cache
# How much CPU the host takes from this VM (vmstat's st) while sunlight runs: on a shared
# host the two threads may get well under two cores, and timings are only as steady as this.
STEAL=""

TABLE="$TMP/table"
printf '| input | tool | median wall (s) | MB/s | sheet XML MB/s | rows/s | CPU s (user+sys) | peak RSS (MB) | runs | output |\n' >"$TABLE"
printf '|---|---|---:|---:|---:|---:|---:|---:|---:|---|\n' >>"$TABLE"

# bench NAME OKCODES CMD...: runs CMD NRUNS times, adds a table row. OKCODES: exit codes
# that count as success, space separated (grep exits 1 on no match). The row describes the
# input INPUT (label), IN_FILE (shown as FILE in outputs), BYTES, ROWS and XMLB (bytes of
# sheet XML, empty for text inputs); MB/s is BYTES (the file as stored) per second.
INPUT="CSV, $SIZE"; IN_FILE=$FILE; XMLB=""; NRUNS=$RUNS
bench() {
    name=$1; ok=$2; shift 2
    times=""; cpus=""; maxm=0; status=""; n=0
    while [ "$n" -lt "$NRUNS" ]; do
        [ -n "${PRE:-}" ] && eval "$PRE"
        measure "$@"
        n=$((n + 1))
        W=${W:-0}; M=${M:-0}
        case " $ok " in *" $RC "*) ;; *) status="exit $RC: $(tail -n 3 "$TMP/err" | tr '\n|' '  ')";; esac
        times="$times $W"; cpus="$cpus ${C:-0}"
        [ "$M" -gt "$maxm" ] && maxm=$M
    done
    med=$(printf '%s\n' $times | sort -n | sed -n "$(( (NRUNS + 1) / 2 ))p")
    cmed=$(printf '%s\n' $cpus | sort -n | sed -n "$(( (NRUNS + 1) / 2 ))p")
    res=${status:-$(head -c 200 "$TMP/out" | tr '\n|' '  ' | sed -e "s|$IN_FILE|FILE|g" -e 's/ *$//')}
    [ -n "$res" ] || res="ok"
    awk -v i="$INPUT" -v n="$name" -v w="$med" -v b="$BYTES" -v x="$XMLB" -v r="$ROWS" \
        -v m="$maxm" -v k="$NRUNS" -v o="$res" -v c="$cmed" \
        'BEGIN { mbs = w > 0 ? b / 1048576 / w : 0; rps = w > 0 ? r / w : 0;
                 xs = x == "" ? "-" : sprintf("%.1f", w > 0 ? x / 1048576 / w : 0);
                 printf "| %s | %s | %.3f | %.1f | %s | %.0f | %.2f | %.1f | %d | %s |\n", i, n, w,
                        mbs, xs, rps, c, m / 1024, k, o }' \
        >>"$TABLE"
    echo "  $name: median ${med}s" >&2
}

echo "benchmarking on $FILE ($BYTES bytes, $ROWS rows), $RUNS runs each" >&2
if [ -x "$SL" ]; then
    PRE="rm -rf '$OUT'"
    VM=""
    if command -v vmstat >/dev/null 2>&1; then
        vmstat 1 >"$TMP/vm" 2>/dev/null & VM=$!
    fi
    # exit 1: the scan finished but reported rejected rows or warnings (scripts/demo.sh)
    bench "sunlight scan" "0 1" "$SL" scan "$FILE" -o "$OUT" --key "$KEY"
    # one core: flagged rows written on the reading thread (the default writes them on a
    # second thread when the machine has two CPUs)
    bench "sunlight scan --threads 1" "0 1" "$SL" scan "$FILE" -o "$OUT" --key "$KEY" --threads 1
    # one core with the immigration pack alone, the pack issue 2 shipped first: the same
    # reading, with far fewer rows flagged and so written (about 4% of rows instead of 36%)
    bench "sunlight scan --threads 1 --rules rules/immigration.rules" "0 1" "$SL" scan "$FILE" \
        -o "$OUT" --key "$KEY" --threads 1 --rules rules/immigration.rules
    PRE=""
    if [ -n "$VM" ]; then
        kill "$VM" 2>/dev/null; wait "$VM" 2>/dev/null
        STEAL=$(awk 'NR > 3 && $NF ~ /^[0-9]+$/ { s += $NF; n++ } END { if (n) printf "%.0f", s / n }' "$TMP/vm")
    fi
else
    printf '| CSV, %s | sunlight scan | - | - | - | - | - | - | 0 | not built: %s |\n' "$SIZE" "$SL" >>"$TABLE"
fi
bench "wc -l" "0" wc -l "$FILE"
bench "grep -ci 'ice'" "0 1" grep -ci ice "$FILE"
if command -v python3 >/dev/null 2>&1; then
    bench "python3 csv, 'ice' in reason" "0" python3 -c '
import csv, sys
n = hits = 0
with open(sys.argv[1], newline="", encoding="utf-8-sig") as f:
    r = csv.reader(f)
    col = [c.strip() for c in next(r)].index("Reason")
    for row in r:
        n += 1
        if col < len(row) and "ice" in row[col].lower():
            hits += 1
print("%d rows, %d hits" % (n, hits))
' "$FILE"
fi
if command -v sqlite3 >/dev/null 2>&1; then
    bench "sqlite3 .import --csv" "0" sqlite3 :memory: ".import --csv $FILE t" "SELECT count(*) || ' rows' FROM t"
fi
rm -rf "$OUT"

# XLSX: a workbook made once from a smaller generated audit (Excel's limit is 1,048,576 rows),
# shared strings, Search Time as a date-styled serial; cached with the sizes it was made from.
XLINE=""
if [ "$XSIZE" != "0" ] && command -v python3 >/dev/null 2>&1; then
    gen_data "$XSIZE"
    XDATA=$GDATA; XCSV=$GFILE
    XDIR="$DIR/xlsx-$XSIZE-$SEED"
    BOOK="$XDIR/network_audit_big.xlsx"
    xstamp="$(cat "$XDATA/.stamp") $(cksum <bench/csv2xlsx.py)"
    if [ ! -s "$BOOK" ] || [ "$(cat "$XDIR/.stamp" 2>/dev/null)" != "$xstamp" ]; then
        rm -rf "$XDIR"; mkdir -p "$XDIR" || exit 1
        echo "converting $XCSV to $BOOK ..." >&2
        measure python3 bench/csv2xlsx.py "$XCSV" "$BOOK.part"
        [ "$RC" -eq 0 ] || { echo "bench: csv2xlsx failed: $(cat "$TMP/err")" >&2; exit 1; }
        mv "$BOOK.part" "$BOOK" && echo "$xstamp" >"$XDIR/.stamp"
        echo "converted in ${W}s: $(cat "$TMP/out")" >&2
    fi
    BYTES=$(wc -c <"$BOOK")
    ROWS=$(data_rows "$XDATA")
    XMLB=$(python3 -c 'import sys, zipfile; print(zipfile.ZipFile(sys.argv[1]).getinfo("xl/worksheets/sheet1.xml").file_size)' "$BOOK")
    CBYTES=$(wc -c <"$XCSV")
    XLINE="- XLSX: bench/csv2xlsx.py of slgen --size $XSIZE --seed $SEED ($CBYTES bytes of CSV): $BYTES bytes, $XMLB bytes of sheet XML, $ROWS rows; $XRUNS runs per tool"
    cat "$BOOK" "$XCSV" >/dev/null
    echo "benchmarking on $BOOK ($BYTES bytes, $XMLB bytes of sheet XML, $ROWS rows), $XRUNS runs each" >&2
    NRUNS=$XRUNS
    if [ -x "$SL" ]; then
        PRE="rm -rf '$OUT'"
        INPUT="CSV, $XSIZE (the workbook's source)"; IN_FILE=$XCSV; XMLB_SAVE=$XMLB; XMLB=""
        BYTES=$CBYTES
        bench "sunlight scan" "0 1" "$SL" scan "$XCSV" -o "$OUT" --key "$KEY"
        INPUT="XLSX, from $XSIZE"; IN_FILE=$BOOK; XMLB=$XMLB_SAVE; BYTES=$(wc -c <"$BOOK")
        bench "sunlight scan" "0 1" "$SL" scan "$BOOK" -o "$OUT" --key "$KEY"
        PRE=""
    else
        printf '| XLSX, from %s | sunlight scan | - | - | - | - | - | - | 0 | not built: %s |\n' "$XSIZE" "$SL" >>"$TABLE"
    fi
    INPUT="XLSX, from $XSIZE"; IN_FILE=$BOOK
    bench "unzip -p sheet1.xml, wc -c" "0" sh -c 'unzip -p "$1" xl/worksheets/sheet1.xml | wc -c' sh "$BOOK"
    bench "python3 zipfile + ElementTree iterparse, 'ice' in reason" "0" python3 -c '
import sys, zipfile, xml.etree.ElementTree as ET
NS = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
def text(el):
    return "".join(t.text or "" for t in el.iter(NS + "t"))
with zipfile.ZipFile(sys.argv[1]) as z:
    sst = []
    if "xl/sharedStrings.xml" in z.namelist():
        with z.open("xl/sharedStrings.xml") as f:
            for ev, el in ET.iterparse(f):
                if el.tag == NS + "si":
                    sst.append(text(el))
                    el.clear()
    n = hits = 0
    col = None
    with z.open("xl/worksheets/sheet1.xml") as f:
        for ev, el in ET.iterparse(f):
            if el.tag != NS + "row":
                continue
            vals = {}
            for c in el.iter(NS + "c"):
                v = c.find(NS + "v")
                t = c.get("t")
                if t == "s" and v is not None:
                    s = sst[int(v.text)]
                elif t == "inlineStr":
                    s = text(c)
                else:
                    s = v.text if v is not None else ""
                vals[c.get("r", "").rstrip("0123456789")] = s
            el.clear()
            if col is None:
                col = next((k for k, s in vals.items() if s.strip() == "Reason"), "")
                continue
            n += 1
            if "ice" in vals.get(col, "").lower():
                hits += 1
print("%d rows, %d hits" % (n, hits))
' "$BOOK"
    rm -rf "$OUT"
elif [ "$XSIZE" != "0" ]; then
    XLINE="- XLSX: skipped (python3 not found to build the workbook)"
fi

cat "$TABLE"
if [ "$RECORD" -eq 1 ]; then
    describe_machine
    {
        echo
        echo "## $(date -u +%Y-%m-%d) $COMMIT"
        echo
        echo "- machine: $MODEL, $NCPU cores, $MEM"
        echo "- commit: $COMMIT"
        echo "- file: slgen --size $SIZE --seed $SEED network audit, $CSV_BYTES bytes, $CSV_ROWS rows"
        echo "- runs: $RUNS per tool, median wall time and median CPU time (user + system), warm page cache"
        echo "- threads: \`sunlight scan\` writes flagged rows on a second thread when the machine has two CPUs or more; \`--threads 1\` is the one-core figure"
        [ -n "$STEAL" ] && echo "- CPU stolen by the host while the sunlight runs ran (vmstat st, mean): $STEAL%"
        [ -n "$XLINE" ] && echo "$XLINE"
        echo
        cat "$TABLE"
    } >>bench/RESULTS.md
    echo "appended to bench/RESULTS.md" >&2
fi
