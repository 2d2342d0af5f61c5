#!/bin/sh
# gen_determinism.sh: the release generator (tools/slgen.c) is byte-for-byte a function of its
# options, another seed gives other bytes, and truth.csv accounts for every CSV record (checked
# with python3's csv module when python3 exists). Run from the repo root with SL_BUILD=build-dir.
set -u
B=${SL_BUILD:-build}
GEN="$B/slgen"
. tests/e2e_common.sh
skip() { S=$((S + 1)); echo "SKIP: $*"; }

if [ ! -x "$GEN" ]; then
    fail "$GEN not built"
    echo "$P passed, $F failed, $S skipped"; exit 1
fi
T=$(mktemp -d); trap 'rm -rf "$T"' EXIT

# same_dirs A B: every file of A exists in B with the same bytes, and B has no extra file.
same_dirs() {
    na=$(ls "$1" | wc -l); nb=$(ls "$2" | wc -l)
    [ "$na" -eq "$nb" ] && [ "$na" -gt 0 ] || return 1
    for f in "$1"/*; do cmp -s "$f" "$2/$(basename "$f")" || return 1; done
    return 0
}

"$GEN" --out "$T/a" --seed 42 >"$T/log" 2>&1 || fail "slgen --seed 42 exited non-zero: $(cat "$T/log")"
"$GEN" --out "$T/b" --seed 42 >"$T/log" 2>&1 || fail "second slgen --seed 42 exited non-zero"
"$GEN" --out "$T/c" --seed 43 >"$T/log" 2>&1 || fail "slgen --seed 43 exited non-zero"
if same_dirs "$T/a" "$T/b"; then pass; else fail "two runs with seed 42 differ"; fi
for f in truth.csv truth.json network_audit_2025-09.csv organization_audit_2026-02.csv; do
    if [ -s "$T/a/$f" ]; then pass; else fail "default release lacks $f"; fi
done
n=$(ls "$T/a" | grep -c '_cutoff\.csv$')
if [ "$n" -eq 1 ]; then pass; else fail "expected one *_cutoff.csv, found $n"; fi
if cmp -s "$T/a/truth.csv" "$T/c/truth.csv"; then fail "seed 43 gives the same truth.csv"; else pass; fi
if cmp -s "$T/a/network_audit_2025-09.csv" "$T/c/network_audit_2025-09.csv"; then
    fail "seed 43 gives the same network audit"; else pass; fi
# A size ceiling keeps the default release demo-sized.
sz=$(cat "$T/a"/*.csv | wc -c)
if [ "$sz" -gt 100000 ] && [ "$sz" -lt 8000000 ]; then pass; else fail "default release is $sz bytes"; fi

# The other modes are deterministic too.
"$GEN" --out "$T/n1" --seed 7 --quirks none --months 2 --start 2025-12 >/dev/null 2>&1 &&
"$GEN" --out "$T/n2" --seed 7 --quirks none --months 2 --start 2025-12 >/dev/null 2>&1 &&
    same_dirs "$T/n1" "$T/n2" && pass || fail "--quirks none is not deterministic"
"$GEN" --out "$T/s1" --seed 5 --size 2M >/dev/null 2>&1 &&
"$GEN" --out "$T/s2" --seed 5 --size 2M >/dev/null 2>&1 &&
    same_dirs "$T/s1" "$T/s2" && pass || fail "--size is not deterministic"
bs=$(wc -c <"$T/s1/network_audit_big.csv")
if [ "$bs" -ge 2097152 ] && [ "$bs" -lt 2113536 ]; then pass; else fail "--size 2M wrote $bs bytes"; fi
# A collection: deterministic, one folder of two audits per agency, searches in several files.
"$GEN" --out "$T/k1" --seed 5 --rows 6000 --agencies 6 >/dev/null 2>&1 &&
"$GEN" --out "$T/k2" --seed 5 --rows 6000 --agencies 6 >/dev/null 2>&1 &&
    diff -r "$T/k1" "$T/k2" >/dev/null && pass || fail "--agencies is not deterministic"
n=$(ls "$T/k1"/*/network_audit.csv "$T/k1"/*/organization_audit.csv 2>/dev/null | wc -l)
if [ "$n" -eq 12 ]; then pass; else fail "--agencies 6 wrote $n audits, expected 12"; fi
# every search key in truth.csv, and how many files hold it: more rows than searches, and
# some search in at least four agencies' files
awk -F, 'NR > 1 && $3 != "" { print $3 }' "$T/k1/truth.csv" | sort | uniq -c | sort -rn >"$T/kc"
if [ "$(head -n 1 "$T/kc" | awk '{ print $1 }')" -ge 4 ]; then pass; else fail "no search in four files: $(head -n 1 "$T/kc")"; fi
ks=$(sed -n 's/^  "distinct_searches": \([0-9]*\).*/\1/p' "$T/k1/truth.json")
if [ "$ks" = "$(wc -l <"$T/kc" | tr -d ' ')" ]; then pass; else fail "truth.json's $ks searches are not truth.csv's $(wc -l <"$T/kc")"; fi
grep -q '"agencies": 6,' "$T/k1/truth.json" && pass || fail "truth.json does not say the agencies"
if grep -q '"agencies"' "$T/a/truth.json"; then fail "a release's truth.json says agencies"; else pass; fi
"$GEN" --out "$T/k3" --agencies 41 >"$T/log" 2>&1; rc=$?
if [ "$rc" -eq 2 ]; then pass; else fail "--agencies above --orgs exits $rc, expected 2"; fi
"$GEN" --out "$T/k4" --agencies 30 --orgs 30 >"$T/log" 2>&1; rc=$?
if [ "$rc" -eq 1 ] && grep -q 'needs more organizations' "$T/log"; then pass
else fail "--agencies 30 of 30 organizations (four federal): exit $rc, $(cat "$T/log")"; fi

"$GEN" --out "$T/bad" --rows >/dev/null 2>&1; rc=$?
if [ "$rc" -eq 2 ]; then pass; else fail "bad arguments exit $rc, expected 2"; fi
"$GEN" --seed 1 >/dev/null 2>&1; rc=$?
if [ "$rc" -eq 2 ]; then pass; else fail "missing --out exits $rc, expected 2"; fi

if ! command -v python3 >/dev/null 2>&1; then
    skip "python3 not installed: truth.csv record accounting not checked"
    echo "$P passed, $F failed, $S skipped"; [ "$F" -eq 0 ]; exit
fi

# truth.csv lists every record (but the header) of every CSV; ids, copies and quirks agree.
for d in a n1 s1; do
    out=$(python3 - "$T/$d" <<'EOF'
import csv, datetime, json, os, re, sys
d = sys.argv[1]
def when(s):  # "MM/DD/YYYY, HH:MM:SS AM UTC", month/day/hour maybe unpadded
    return datetime.datetime.strptime(s.replace(" UTC", ""), "%m/%d/%Y, %I:%M:%S %p")
def frame(s):
    return tuple(when(x) for x in (s.split("\n") if "\n" in s else s.split(" to ")))
CATS = set("""immigration federal.hsi_criminal first_amendment reproductive_health
gender_affirming_care civil_matters personal_use non_criminal vague_or_no_purpose pretext
profiling sensitive_data_in_reason sensitive_operations low_level_offenses private_actors
interdiction juvenile federal_searcher""".split())
bad = []
with open(os.path.join(d, "truth.csv"), newline="") as f:
    truth = list(csv.DictReader(f))
meta = json.load(open(os.path.join(d, "truth.json")))
by_file = {}
for t in truth:
    by_file.setdefault(t["file"], []).append(t)
files = sorted(x for x in os.listdir(d) if x.endswith(".csv") and x != "truth.csv")
if sorted(x["file"] for x in meta["files"]) != files:
    bad.append("truth.json files differ from the CSVs on disk")
copies = {}
nrows = 0
for name in files:
    with open(os.path.join(d, name), newline="", encoding="utf-8-sig") as f:
        recs = list(csv.reader(f))
    ts = by_file.get(name, [])
    if [int(t["record"]) for t in ts] != list(range(2, len(recs) + 1)):
        bad.append("%s: %d records, truth lists %d" % (name, len(recs), len(ts)))
        continue
    hdr = [h.strip() for h in recs[0]]
    idc = hdr.index("ID") if "ID" in hdr else -1
    col = {h: i for i, h in enumerate(hdr)}
    key = lambda r: (r[col["Org Name"]], r[col["Total Networks Searched"]],
                     when(r[col["Search Time"]]), frame(r[col["Time Frame"]]))
    for t, r in zip(ts, recs[1:]):
        q = set(filter(None, t["quirk"].split(";")))
        c = set(filter(None, t["categories"].split(";")))
        if c - CATS: bad.append("%s:%s unknown category %s" % (name, t["record"], c - CATS))
        if "repeated_header" in q:
            if r != recs[0]: bad.append("%s:%s repeated header differs" % (name, t["record"]))
            continue
        if "cutoff_record" in q:
            if t["record"] != str(len(recs)): bad.append("%s: cut-off record not last" % name)
            continue
        nrows += 1
        if len(r) != len(hdr):
            bad.append("%s:%s has %d cells, header %d" % (name, t["record"], len(r), len(hdr)))
            continue
        if idc >= 0 and r[idc] != t["search_key"]:
            bad.append("%s:%s ID %s != key %s" % (name, t["record"], r[idc], t["search_key"]))
        if "duplicate_row" in q and r != recs[int(t["record"]) - 2]:
            bad.append("%s:%s duplicate differs from the record before" % (name, t["record"]))
        k = key(r)
        if copies.setdefault(t["search_key"], k) != k:
            bad.append("%s:%s copy of %s differs in org/networks/times" % (name, t["record"], t["search_key"]))
        # a standalone "ice" in a readable reason is immigration or a planted trap
        reason = r[col["Reason"]]
        if re.search(r"\bice\b", reason, re.I) and "immigration" not in c and not t["trap"]:
            bad.append("%s:%s unlabelled 'ice': %r" % (name, t["record"], reason))
        # a redacted reason keeps only what the prompt and the searching organization say
        if ("reason_redacted" in q or "reason_partly_redacted" in q) and c - {"first_amendment", "profiling", "reproductive_health", "federal_searcher"}:
            bad.append("%s:%s redacted reason keeps categories %s" % (name, t["record"], c))
        if "freeform" in r[col["Search Type"]] and not r[col["Text Prompt"]]:
            bad.append("%s:%s freeform without a prompt" % (name, t["record"]))
        if "Moderation" in col and r[col["Moderation"]] and "freeform" not in r[col["Search Type"]]:
            bad.append("%s:%s moderation on a non-freeform search" % (name, t["record"]))
if meta["quirks"] == "all" and len(files) > 2:  # a full release plants every label
    for sect in ("category_records", "trap_records", "quirk_records"):
        for label, n in meta[sect].items():
            if n == 0: bad.append("%s: nothing planted for %s" % (sect, label))
if nrows != meta["search_rows"]:
    bad.append("truth.json search_rows %d, counted %d" % (meta["search_rows"], nrows))
if len(copies) != meta["distinct_searches"]:
    bad.append("truth.json distinct_searches %d, counted %d" % (meta["distinct_searches"], len(copies)))
for b in bad[:20]: print(b)
print("BAD %d" % len(bad))
EOF
)
    if [ "$(echo "$out" | tail -n 1)" = "BAD 0" ]; then pass; else fail "truth check on $d:"; echo "$out"; fi
done
finish
