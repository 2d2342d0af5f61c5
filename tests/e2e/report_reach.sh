#!/bin/sh
# The report's "How widely they searched": search rows by Total Networks Searched in buckets,
# per category, with the share over 1,000 networks, and the low-level searches that reached
# over 1,000 said in words (the brief's "nationwide searches for minor offenses"); the same in
# the reach table and summary.json. A cell that is not a number is "unknown". The wide search
# for expired tags is also in a second agency's network audit (it reached that agency's
# cameras too): two rows, one search, and the report counts searches.
set -u
B=${SL_BUILD:-build}
. tests/e2e_common.sh
T=$(mktemp -d); trap 'rm -rf "$T"' EXIT
row() { printf 'Jane Roe,Millbrook GA PD,%s,%s,"11/%d/2025, 5:47:00 AM UTC"\r\n' "$1" "$2" "$3"; }
{
    printf '%s\r\n' 'Name,Org Name,Total Networks Searched,Reason,Search Time'
    row 1 'parking complaint' 1; row 5 burglary 2; row 50 'assist ICE' 3; row 500 burglary 4
    row 5000 'expired tags' 5; row 4800 'assist ICE' 6; row '' burglary 7; row many burglary 8
} >"$T/network_audit.csv"
{
    printf '%s\r\n' 'Name,Org Name,Total Networks Searched,Reason,Search Time'
    row 5000 'expired tags' 5
} >"$T/network_audit_other_agency.csv"
"$B/sunlight" scan "$T" -o "$T/out" --key "$T/k" -q >"$T/log" 2>&1
reach() {
    sed -n '/<h2 id="reach">/,/<h2 id="cells">/p' "$T/out/report.html" | sed 's/<[^>]*>/ /g; s/  */ /g'
}
check "reach | grep -q '^ all 1 1 1 1 2 2 33.3% \$'" "all rows: $(reach | grep '^ all')"
check "reach | grep -q '^ low_level_offenses 1 0 0 0 1 0 50.0% \$'" "low level: $(reach | grep '^ low_level')"
check "reach | grep -q '^ immigration 0 0 1 0 1 0 50.0% \$'" "immigration: $(reach | grep '^ immigration')"
check "reach | grep -q 'Wide searches for minor offenses: 1 search (2 rows) flagged low_level_offenses reached over 1,000 networks.'" \
    "in words: $(reach | grep Wide)"
expect "the reach table" "$(sqlite3 "$T/out/sunlight.db" "SELECT group_concat(category || ':' || coalesce(networks_min, '?') || '=' || rows || '/' || searches) FROM reach" 2>&1)" \
    "all:1=1/1,all:2=1/1,all:11=1/1,all:101=1/1,all:1001=3/2,all:?=2/2,immigration:11=1/1,immigration:1001=1/1,low_level_offenses:1=1/1,low_level_offenses:1001=2/1"
expect "searches in the buckets, as search_counts" \
    "$(sqlite3 "$T/out/sunlight.db" "SELECT COUNT(*) FROM search_counts k WHERE k.searches <> (SELECT SUM(searches) FROM reach r WHERE r.category = k.category)" 2>&1)" 0
check "python3 -c \"import json,sys; d=json.load(open('$T/out/summary.json')); r={x['category']: x['networks'] for x in d['reach']}; sys.exit(r['all'][-1] != {'min': None, 'max': None, 'rows': 2, 'searches': 2} or r['all'][-2] != {'min': 1001, 'max': None, 'rows': 3, 'searches': 2})\"" \
    "summary.json's reach"

# A search flagged only in a copy that gives no number (a portal-like log without the column)
# and seen with 50 networks in a network audit whose reason is redacted: it reached 11-100, and
# is counted there under its category, a bucket with no row of that category (the reach table
# still has the line, with 0 rows).
mkdir "$T/two"
printf '%s\r\n' 'ID,Name,Org Name,Reason,Search Time' \
    '5869ce7e-98f2-47e7-a3c2-5e6bff4def4a,Jane Roe,Millbrook GA PD,parking complaint,"11/1/2025, 5:47:00 AM UTC"' \
    '9b29b2b1-b9ff-4802-9a3b-815a75f1b26e,Jane Roe,Millbrook GA PD,burglary,"11/2/2025, 5:47:00 AM UTC"' \
    >"$T/two/organization_audit.csv"
printf '%s\r\n' 'ID,Name,Org Name,Total Networks Searched,Reason,Search Time' \
    '5869ce7e-98f2-47e7-a3c2-5e6bff4def4a,Jane Roe,Millbrook GA PD,50,***,"11/1/2025, 5:47:00 AM UTC"' \
    >"$T/two/network_audit.csv"
"$B/sunlight" scan "$T/two" -o "$T/out2" --key "$T/k" -q >"$T/log2" 2>&1
expect "a category's search where only another copy says how widely" \
    "$(sqlite3 "$T/out2/sunlight.db" "SELECT group_concat(category || ':' || coalesce(networks_min, '?') || '=' || rows || '/' || searches) FROM reach" 2>&1)" \
    "all:11=1/1,all:?=2/1,low_level_offenses:11=0/1,low_level_offenses:?=1/0"
# The same with 5000 networks: the wide low-level search is said in words too, though no row
# of the category reached over 1,000.
mkdir "$T/three"
cp "$T/two/organization_audit.csv" "$T/three/"
sed 's/,50,/,5000,/' "$T/two/network_audit.csv" >"$T/three/network_audit.csv"
"$B/sunlight" scan "$T/three" -o "$T/out3" --key "$T/k" -q >"$T/log3" 2>&1
check "sed -n '/<h2 id=\"reach\">/,/<h2 id=\"cells\">/p' \"\$T/out3/report.html\" | sed 's/<[^>]*>/ /g; s/  */ /g' | grep -q 'Wide searches for minor offenses: 1 search flagged low_level_offenses reached over 1,000 networks.'" \
    "a wide search flagged only in a copy without the number: $(sed 's/<[^>]*>/ /g' "$T/out3/report.html" | grep -i 'wide searches')"
finish
