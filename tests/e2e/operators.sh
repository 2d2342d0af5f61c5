#!/bin/sh
# Users unlike their colleagues ("operators who search like no one else"): on a generated
# release the one user the generator planted (truth.json planted_operator: a producer's officer
# who runs a share of their searches for immigration) is the one finding, with rows, hits and
# colleagues' numbers equal to an independent count in Python over the release's own CSVs and
# flagged.csv; the report and summary.json say the same as the database. Two logs without an
# organization column (portal search audits) are kept apart: their users are colleagues only
# within their own log. A release whose names are all "***" compares no one and says why.
# A collection of agencies' audits (a search many rows) finds the same user, the report says
# how many rows a search is there, and each agency's network audit is its own log (no overlap
# warnings between agencies). One thread and two give the same bytes.
set -u
B=${SL_BUILD:-build}
. tests/e2e_common.sh
need_sqlite3
command -v python3 >/dev/null 2>&1 || { echo "skipped: python3 missing"; echo "0 passed, 0 failed, 1 skipped"; exit 0; }
T=$(mktemp -d); trap 'rm -rf "$T"' EXIT

"$B/slgen" --out "$T/rel" --seed 42 >/dev/null || bad "slgen failed"
mv "$T/rel/truth.csv" "$T/rel/truth.json" "$T/"
"$B/sunlight" scan "$T/rel" -o "$T/out" --key "$T/key" -q --threads 2 >/dev/null 2>&1
rc=$?
check '[ $rc -le 1 ]' "scan of the generated release: exit $rc"
DB=$T/out/sunlight.db
q() { sqlite3 -separator '|' "$DB" "$1"; }

planted=$(python3 -c "
import json; p = json.load(open('$T/truth.json'))['planted_operator']
print(p['org'] + '|' + p['name'] + '|' + p['category'])")
check '[ -n "$planted" ]' "truth.json names no planted operator"
expect "findings: the planted operator alone" "$(q "SELECT org || '|' || user || '|' || category FROM operator_findings")" "$planted"
expect "finding: by the Name column, in an organization" "$(q "SELECT user_field || '|' || source FROM operator_findings")" "name|"

# An independent count: rows of the release's CSVs by organization and name (every data row;
# a row repeating the header is not one), and flagged.csv's immigration rows.
python3 - "$T/rel" "$T/out/flagged.csv" "$planted" >"$T/py" <<'EOF'
import csv, glob, os, sys
rel, flagged, planted = sys.argv[1], sys.argv[2], sys.argv[3]
org, name, cat = planted.split('|')
rows = {}
for path in sorted(glob.glob(os.path.join(rel, '*.csv'))):
    with open(path, newline='', encoding='utf-8-sig') as f:
        r = csv.reader(f)
        head = [h.strip() for h in next(r)]
        try:
            io, iname = head.index('Org Name'), head.index('Name')
        except ValueError:
            continue
        for rec in r:
            if len(rec) <= max(io, iname) or [c.strip() for c in rec[:len(head)]] == head:
                continue
            o, n = rec[io].strip(), rec[iname].strip()
            if o != org or n in ('', '***'):
                continue
            rows[n] = rows.get(n, 0) + 1
hits = {}
with open(flagged, newline='', encoding='utf-8-sig') as f:
    for rec in csv.DictReader(f):
        if rec['Org Name'].strip() != org or rec['Name'].strip() in ('', '***'):
            continue
        if cat in rec['categories'].split(','):
            n = rec['Name'].strip()
            hits[n] = hits.get(n, 0) + 1
peers = [n for n in rows if n != name]
print('|'.join(str(v) for v in (rows.get(name, 0), hits.get(name, 0), len(peers),
                                sum(rows[n] for n in peers), sum(hits.get(n, 0) for n in peers))))
EOF
expect "finding: rows, hits, colleagues, their rows and hits (Python)" \
    "$(q "SELECT rows || '|' || hits || '|' || peers || '|' || peer_rows || '|' || peer_hits FROM operator_findings")" \
    "$(cat "$T/py")"
expect "operator_counts: the user's rows" \
    "$(q "SELECT rows FROM operator_counts WHERE org = '$(echo "$planted" | cut -d'|' -f1)' AND user = '$(echo "$planted" | cut -d'|' -f2)' AND category = 'all'")" \
    "$(cut -d'|' -f1 "$T/py")"
check '[ "$(q "SELECT value FROM run WHERE key = '"'operator_tests'"'")" -gt 100 ]' "run: operator_tests"
check '[ "$(q "SELECT p_value < 1e-10 FROM operator_findings")" = 1 ]' "the planted finding's p-value"

# The report: the section, the finding with its first rows cited, in the contents line.
sec() { sed -n '/<h2 id="operators">/,/<h2 id="examples">/p' "$1"; }
name=$(echo "$planted" | cut -d'|' -f2)
check 'sec "$T/out/report.html" | grep -q "<td>$name</td>"' "report: the planted user"
check 'sec "$T/out/report.html" | grep -q "rel/[a-z_0-9-]*\.csv record [0-9]"' "report: the finding's rows cited"
check 'grep -q "href=\"#operators\"" "$T/out/report.html"' "report: the section in the contents"
check 'sec "$T/out/report.html" | grep -q " 1 found\.<"' "report: one found"
check 'sec "$T/out/report.html" | grep -q "network audits show <code>\*\*\*</code>"' "report: why some rows name no user"
# summary.json: the same finding
expect "summary.json" "$(python3 -c "
import json; o = json.load(open('$T/out/summary.json'))['operators']
f = o['findings']
print(len(f), f[0]['user'], f[0]['rows'], f[0]['hits'], type(o['pairs_tested']).__name__)")" \
    "1 $name $(cut -d'|' -f1 "$T/py") $(cut -d'|' -f2 "$T/py") int"
# The cited rows are the user's, in the category.
cited=$(sec "$T/out/report.html" | sed -n 's/.*rel\/\([a-z_0-9-]*\.csv\) record \([0-9]*\).*/\1 \2/p' | head -n 1)
file=${cited% *}; rec=${cited#* }
check '[ -n "$cited" ] && [ "$(q "SELECT COUNT(*) FROM flagged_rows r JOIN sources s ON s.id = r.source_id WHERE s.path LIKE '"'%$file'"' AND r.record = $rec AND r.name = '"'$name'"' AND r.categories LIKE '"'%immigration%'"'")" = 1 ]' \
    "the first cited row ($cited) is not the user's immigration row"

# One thread and two: the same bytes.
"$B/sunlight" scan "$T/rel" -o "$T/out1" --key "$T/key" -q --threads 1 >/dev/null 2>&1
for f in report.html summary.json flagged.csv; do
    check 'cmp -s "$T/out/$f" "$T/out1/$f"' "--threads 1 and 2 differ: $f"
done

# Two portal logs with no organization column: four users and a fifth at 40% immigration in
# the first; the same user ids, without the fourth colleague, in the second.
mkdir "$T/portal"
portal() { # FILE USERS...: 30 rows per user; the last user searches for ICE on 12 of them
    f=$1; shift
    {
        echo '"id","userId","searchDate","cameraCount","reason"'
        n=0
        for u in "$@"; do
            i=0
            while [ $i -lt 30 ]; do
                n=$((n + 1)); i=$((i + 1))
                r=investigation
                [ "$u" = u5 ] && [ $i -le 12 ] && r='assist ICE'
                [ "$u" != u5 ] && [ $i -le 3 ] && r='stolen vehicle'
                printf '"%08d-0000-4000-8000-000000000000","%s","2025-06-%02d 10:00:00.000",3,"%s"\n' \
                    $n "$u" $((i % 28 + 1)) "$r"
            done
        done
    } >"$T/portal/$f"
}
portal search_audit_a.csv u1 u2 u3 u4 u5
portal search_audit_b.csv u1 u2 u5
"$B/sunlight" scan "$T/portal" -o "$T/pout" --key "$T/key" >"$T/plog" 2>&1
check 'grep -q "^  1 finding under the report.s \"Users unlike their colleagues\"" "$T/plog"' \
    "portal logs: the scan's closing lines: $(cat "$T/plog")"
DB=$T/pout/sunlight.db
expect "portal logs: one finding, in the first log" \
    "$(q "SELECT org || '|' || source || '|' || user_field || '|' || user || '|' || category || '|' || hits || '|' || rows || '|' || peers FROM operator_findings")" \
    "|portal/search_audit_a.csv|user_id|u5|immigration|12|30|4"
expect "portal logs: users counted per log" "$(q "SELECT COUNT(*) FROM operator_counts WHERE category = 'all'")" 8
check 'sec "$T/pout/report.html" | grep -q "<i>(no organization column)</i> <span class=\"mono\">[^<]*search_audit_a.csv</span>"' \
    "portal logs: the report names the log"
check 'sec "$T/pout/report.html" | grep -q "search_audit_a.csv record 122 (line 122)<br>"' \
    "portal logs: the user's first row cited (records 2-121 are the others')"

# The release: a search is 1.1 rows, and the report does not warn of many logs of one search.
check '! grep -q "rows on average</b>" "$T/out/report.html"' "a release: warned of many rows a search"
# A collection of 8 agencies' audits (slgen --agencies): the planted operator is still the one
# finding, and the report says how many rows a search is, with the linking's figures.
"$B/slgen" --out "$T/col" --seed 42 --rows 30000 --agencies 8 --truth-off >/dev/null || bad "slgen --agencies failed"
rm -f "$T/col/truth.json"
"$B/sunlight" scan "$T/col" -o "$T/cout" --key "$T/key" -q >/dev/null 2>&1
DB=$T/cout/sunlight.db
expect "collection: the planted operator alone" "$(q "SELECT org || '|' || user || '|' || category FROM operator_findings")" "$planted"
lr=$(q "SELECT value FROM run WHERE key = 'link_rows'"); ls=$(q "SELECT value FROM run WHERE key = 'searches'")
ratio=$(python3 -c "print('%.1f' % ($lr / $ls))" 2>/dev/null)
check 'grep -q "<b>Here a search is $ratio rows on average</b> (" "$T/cout/report.html"' \
    "collection: the report does not say a search is $ratio rows ($lr rows, $ls searches)"
check 'python3 -c "import sys; sys.exit(not $lr >= 1.5 * $ls)"' "collection: only $lr rows for $ls searches"
# each agency's network audit is its own log (its folder's producer): no overlaps between them
expect "collection: no overlap between agencies' audits" "$(q "SELECT COUNT(*) FROM release_findings WHERE code = 'release.period_overlap'")" 0
expect "collection: every network audit has its agency" "$(q "SELECT COUNT(*) FROM sources s JOIN source_checks c ON c.source_id = s.id WHERE s.kind = 'network_audit' AND c.producer IS NULL")" 0

# Names all "***" (Flock since December 2025): no one compared, and the report says why.
mkdir "$T/red"
{
    echo 'Name,Org Name,Total Networks Searched,License Plate,Reason,Case #,Search Time'
    i=0
    while [ $i -lt 60 ]; do
        i=$((i + 1))
        printf '***,Foo CA PD,3,***,assist ICE,,"06/%02d/2025, 11:00:00 AM UTC"\n' $((i % 28 + 1))
    done
} >"$T/red/network_audit.csv"
"$B/sunlight" scan "$T/red" -o "$T/rout" --key "$T/key" >"$T/rlog" 2>&1
check '! grep -q "colleagues" "$T/rlog"' "names redacted: the scan speaks of colleagues"
DB=$T/rout/sunlight.db
expect "names redacted: no user" "$(q "SELECT COUNT(*) FROM operator_counts")" 0
expect "names redacted: no finding" "$(q "SELECT COUNT(*) FROM operator_findings")" 0
check 'sec "$T/rout/report.html" | grep -q "0 users named in 0 of 60 search rows"' "names redacted: the report's count"
finish
