#!/bin/sh
# planted_truth.sh: an independent measure of the rule packs. The generator (tools/slgen.c) has a
# reason bank written apart from the packs and the eval set, and labels every record it writes
# (truth.csv: file, record, categories ';'-joined). This script generates the default seed-42
# release, scans it, compares each record's flagged categories (flagged_rows.categories, joined to
# sources.cite by source_id and record) with the planted labels, prints precision and recall per
# category, and fails a category that drops below the floor written below. The descriptive
# category `dropdown` is not compared (it is context, not a finding). Needs python3 (SKIP
# without it). Run from the repo root with SL_BUILD=build-dir; last line "N passed, N failed,
# N skipped".
#
# Floors sit just under the measured numbers (2026-11, packs after the planted-truth fixes).
# Where the packs follow issue 4's definitions and the generator's labels do not, the numbers
# are low on purpose, and the floor says so:
#   vague_or_no_purpose recall 0.985: empty reasons are labeled vague by the generator; the
#                 classifier does not read empty cells, they are counted per source as cell
#                 states (field_states), not as flagged rows.
set -u
B=${SL_BUILD:-build}
. tests/e2e_common.sh

if ! command -v python3 >/dev/null 2>&1; then
    echo "SKIP: python3 not found"; S=$((S + 1)); finish
fi
for x in sunlight slgen; do
    [ -x "$B/$x" ] || { fail "$B/$x not built"; finish; }
done
T=$(mktemp -d); trap 'rm -rf "$T"' EXIT

"$B/slgen" --out "$T/rel" --seed 42 >"$T/gen.log" 2>&1 || { fail "slgen failed: $(tail -n 3 "$T/gen.log")"; finish; }
if [ ! -f "$T/rel/truth.csv" ]; then
    echo "SKIP: the generator wrote no truth.csv"; S=$((S + 1)); finish
fi
mv "$T/rel/truth.csv" "$T/rel/truth.json" "$T/" 2>/dev/null
"$B/sunlight" scan "$T/rel" -o "$T/out" --key "$T/key" -q >"$T/scan.log" 2>&1; rc=$?
# The release plants a cut-off file, so the scan exits 1 (warnings); 2 and up are errors.
if [ "$rc" -le 1 ] && [ -s "$T/out/sunlight.db" ]; then pass
else fail "scan exit $rc: $(tail -n 5 "$T/scan.log")"; finish; fi

python3 - "$T" >"$T/py.out" 2>&1 <<'PY'
import collections, csv, os, sqlite3, sys
T = sys.argv[1]
# category: (precision floor, recall floor)
FLOORS = {
    "civil_matters": (0.97, 0.97),
    "federal.hsi_criminal": (0.97, 0.97),
    "first_amendment": (0.97, 0.97),
    "gender_affirming_care": (0.97, 0.97),
    "immigration": (0.98, 0.95),
    "interdiction": (0.97, 0.97),
    "juvenile": (0.97, 0.97),
    "low_level_offenses": (0.97, 0.97),
    "non_criminal": (0.97, 0.97),
    "personal_use": (0.97, 0.97),
    "pretext": (0.97, 0.97),
    "private_actors": (0.97, 0.97),
    "profiling": (0.97, 0.97),
    "reproductive_health": (0.97, 0.97),
    "sensitive_data_in_reason": (0.97, 0.97),
    "sensitive_operations": (0.97, 0.97),
    "vague_or_no_purpose": (0.97, 0.97), # empty reasons are cell states (see header)
    "federal_searcher": (0.97, 0.97),
}
IGNORE = {"dropdown"}
fails, passes = [], 0
def check(ok, msg):
    global passes
    if ok: passes += 1
    else: fails.append(msg)

exp = {}
with open(os.path.join(T, "truth.csv"), newline="", encoding="utf-8") as f:
    for r in csv.DictReader(f):
        exp[(r["file"], int(r["record"]))] = {c for c in r["categories"].split(";") if c and c not in IGNORE}
got = {}
con = sqlite3.connect(os.path.join(T, "out", "sunlight.db"))
q = ("SELECT s.cite, f.record, f.categories, f.reason FROM flagged_rows f "
     "JOIN sources s ON s.id = f.source_id")
flag_reason = {}
for cite, rec, cats, reason in con.execute(q):
    k = (os.path.basename(cite), rec)
    got[k] = {c for c in (cats or "").split(",") if c and c not in IGNORE}
    flag_reason[k] = reason or ""
check(len(exp) > 10000, "truth.csv should label the whole release (found %d records)" % len(exp))
stray = [k for k in got if k not in exp]
check(not stray, "%d flagged rows are not in truth.csv, e.g. %r" % (len(stray), stray[:3]))

# Reasons of the missed records, to show what a miss looks like (read from the release itself).
src_reason = {}
for fn in os.listdir(os.path.join(T, "rel")):
    if not fn.endswith(".csv"): continue
    with open(os.path.join(T, "rel", fn), newline="", encoding="utf-8-sig", errors="replace") as f:
        hdr = None
        for i, row in enumerate(csv.reader(f), 1):
            if hdr is None:
                hdr = [h.strip() for h in row]; continue
            d = dict(zip(hdr, row))
            src_reason[(fn, i)] = d.get("Reason", "")

cats = sorted(set(FLOORS) | {c for s in exp.values() for c in s} | {c for s in got.values() for c in s})
tp, fp, fn = collections.Counter(), collections.Counter(), collections.Counter()
misses = collections.defaultdict(collections.Counter)
for k in set(exp) | set(got):
    e, g = exp.get(k, set()), got.get(k, set())
    for c in (e | g):
        if c in e and c in g: tp[c] += 1
        elif c in g: fp[c] += 1; misses[("FP", c)][flag_reason.get(k, "")] += 1
        else: fn[c] += 1; misses[("FN", c)][src_reason.get(k, "?")] += 1
print("%-26s %6s %6s %5s %5s %9s %7s %10s  %s" % ("category", "exp", "TP", "FP", "FN", "precision", "recall", "floor P/R", "result"))
for c in cats:
    p = tp[c] / (tp[c] + fp[c]) if tp[c] + fp[c] else 1.0
    r = tp[c] / (tp[c] + fn[c]) if tp[c] + fn[c] else 1.0
    fl = FLOORS.get(c)
    if fl is None:
        res = "NO FLOOR"
        check(False, "category %s has no floor in planted_truth.sh" % c)
    else:
        ok = tp[c] + fn[c] > 0 and p >= fl[0] and r >= fl[1]
        res = "PASS" if ok else "FAIL"
        check(ok, "category %s: precision %.3f recall %.3f (expected %d), floor %.2f/%.2f"
              % (c, p, r, tp[c] + fn[c], fl[0], fl[1]))
    print("%-26s %6d %6d %5d %5d %9.3f %7.3f %10s  %s" % (c, tp[c] + fn[c], tp[c], fp[c], fn[c], p, r,
          "%.2f/%.2f" % fl if fl else "-", res))
print("most frequent misses (reason text: count):")
for (kind, c), cnt in sorted(misses.items()):
    print("  %s %s: %s" % (kind, c, "; ".join("%r %d" % (t, n) for t, n in cnt.most_common(4))))
for m in fails: print("FAIL:", m)
print("PY %d %d" % (passes, len(fails)))
PY
rc=$?
grep -v '^PY ' "$T/py.out"
line=$(grep '^PY ' "$T/py.out" | tail -n 1)
if [ "$rc" -ne 0 ] || [ -z "$line" ]; then
    fail "the comparison script failed (exit $rc)"
else
    set -- $line
    P=$((P + $2)); F=$((F + $3))
fi
finish
