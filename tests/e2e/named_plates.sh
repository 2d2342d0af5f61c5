#!/bin/sh
# `sunlight scan --plate`: the question of BRIEF.md's defense attorney, "was my client's plate
# searched, and by whom?". Every row that searched a named plate (its plate cell, a wildcard
# pattern that fits it, or free text naming it in any case or spacing) is written with the
# category named_plate and listed in the report; the plate itself reaches no output, not even
# where it has no plate's shape ("loveit") or is typed in lower case with a space ("6trj 244").
# Rows of a later source with the same organization, second and networks are said to repeat a
# search. Checked against an independent count on a generated release.
set -u
B=${SL_BUILD:-build}
. tests/e2e_common.sh
need_sqlite3
T=$(mktemp -d); trap 'rm -rf "$T"' EXIT
mkdir "$T/rel"
H='Name,Org Name,Total Networks Searched,License Plate,Reason,Case #,Search Time'
row() { printf '%s,%s,%s,%s,%s,%s,"%s"\r\n' "$@"; }
{
    printf '%s\r\n' "$H"
    row 'John Doe' 'Foo CA PD' 12 6TRJ244 theft 25-1 '06/03/2025, 11:00:00 AM UTC'
    row 'Jane Roe' 'Bar CA SO' 1500 '6TR*' 'stolen car' 25-2 '06/04/2025, 11:00:00 AM UTC'
    row 'Jim Poe' 'Baz CA PD' 3 XYZ999 'following 6trj 244 for a friend' '' '06/05/2025, 11:00:00 AM UTC'
    row 'Al Bee' 'Foo CA PD' 3 '***' 'assist ICE' '' '06/06/2025, 11:00:00 AM UTC'
    row 'Al Bee' 'Foo CA PD' 3 LOVEIT investigation '' '06/06/2025, 12:00:00 PM UTC'
    row 'Al Bee' 'Foo CA PD' 4 QQQ1234 'saw loveit again' '' '06/06/2025, 12:30:00 PM UTC'
    row 'Al Bee' 'Foo CA PD' 3 '8XYZ*' burglary '' '06/06/2025, 1:00:00 PM UTC'
    row 'Al Bee' 'Foo CA PD' 3 6TRJ2444 burglary 'CR 6TRJ24' '06/06/2025, 2:00:00 PM UTC'
    row 'Al Bee' 'Foo CA PD' 3 '' burglary '' '06/06/2025, 3:00:00 PM UTC'
} >"$T/rel/network_audit_foo.csv"
# the searcher's own audit: the first search again (same organization, second, networks)
{
    printf '%s\r\n' "$H"
    row 'John Doe' 'Foo CA PD' 12 '6TRJ-244' theft 25-1 '06/03/2025, 11:00:00 AM UTC'
    row 'John Doe' 'Foo CA PD' 2 ABC9876 vandalism 25-7 '06/07/2025, 11:00:00 AM UTC'
} >"$T/rel/org_audit_foo.csv"

# an event log: a hot-list entry for the plate, an audit review with the plate masked, and a
# note naming the vanity plate in free text
{
    printf 'Timestamp,User,Event Type,Entity Type,Entity Details,Event Id\r\n'
    printf '2025-06-02T10:00:00.000Z,Sgt Smith,create,hotlistEntry,"License Plate: 6TRJ244\nReason: stolen",e1\r\n'
    printf '2025-06-02T11:00:00.000Z,Sgt Smith,update,organizationAudit,"License Plate: ***\nUser: John Doe",e2\r\n'
    printf '2025-06-02T12:00:00.000Z,Sgt Smith,create,hotlistEntry,"Description: blue car LOVE IT",e3\r\n'
} >"$T/rel/event_log.csv"
scan() { "$B/sunlight" scan "$T/rel" --key "$T/k" -q "$@" >"$T/log" 2>&1; }
scan -o "$T/out" --plate 6TRJ244 --plate ' loveit ' --plate ZZZ9999
expect "exit status with plates named" "$?" 0
sq() { sqlite3 "$T/out/sunlight.db" "$1" 2>&1; }
TA=$(sq "SELECT value FROM run WHERE key = 'named_plates'")
A=${TA%%,*}; REST=${TA#*,}; L=${REST%%,*}; Z=${REST#*,}
check "echo '$A' | grep -Eq '^pt_[0-9a-f]{16}\$'" "run.named_plates: '$TA'"
expect "6TRJ244: how each row found it" \
    "$(sq "SELECT group_concat(r.record || '/' || n.how, ' ') FROM (SELECT * FROM named_plates n JOIN flagged_rows r USING (row_id) WHERE n.plate_token = '$A' ORDER BY r.source_id, r.record) n JOIN flagged_rows r USING (row_id)")" \
    "2/plate 3/pattern 4/text 2/plate"
expect "loveit: how each row found it" \
    "$(sq "SELECT group_concat(r.record || '/' || n.how, ' ') FROM named_plates n JOIN flagged_rows r USING (row_id) WHERE n.plate_token = '$L'")" \
    "6/plate 7/text"
expect "a plate no row searched" "$(sq "SELECT COUNT(*) FROM named_plates WHERE plate_token = '$Z'")" 0
expect "event-log entries naming each plate" \
    "$(sq "SELECT group_concat(e.event_id || '=' || (n.plate_token = '$A') || (n.plate_token = '$L'), ' ') FROM named_events n JOIN events e ON e.rowid = n.event")" \
    "e1=10 e3=01"
check "sq \"SELECT details FROM events WHERE event_id = 'e3'\" | grep -q 'blue car $L'" "the vanity plate in an event's details tokenized: $(sq "SELECT details FROM events WHERE event_id = 'e3'")"
expect "categories of the rows" \
    "$(sq "SELECT group_concat(categories, ' ') FROM (SELECT categories FROM flagged_rows ORDER BY row_id)")" \
    "named_plate named_plate named_plate,sensitive_data_in_reason immigration named_plate,vague_or_no_purpose named_plate named_plate"
expect "counts" "$(sq "SELECT SUM(rows) FROM counts WHERE category = 'named_plate'")" 6
check "grep -q '^[^#].*,named_plate,' '$T/out/flagged.csv'" "flagged.csv's categories"
# the plates themselves, in any form, nowhere in what was written
sqlite3 "$T/out/sunlight.db" .dump >"$T/dump.sql"
for f in "$T/out/flagged.csv" "$T/out/report.html" "$T/out/summary.json" "$T/dump.sql"; do
    check "! grep -Eiq '6trj[ -]?244([^0-9]|\$)|loveit' '$f'" "a named plate written in $(basename "$f"): $(grep -Eio '.{20}(6trj[ -]?244|loveit).{10}' "$f" | head -2)"
done
check "grep -q 'following $A for a friend' '$T/out/flagged.csv'" "the lower-case spaced plate tokenized in the reason"
check "grep -q 'saw $L again' '$T/out/flagged.csv'" "a vanity plate named in a reason tokenized"
# the report's section
sect() { sed -n '/<h2 id="named">/,/<h2 id="release">/p' "$T/out/report.html" | sed 's/<[^>]*>/ /g; s/  */ /g'; }
check "grep -q '<a href=\"#named\">Plates you named</a>' '$T/out/report.html'" "contents line"
check "sect | grep -q '4 rows in 2 sources, by 3 organizations, from 2025-06-03T11:00:00Z to 2025-06-05T11:00:00Z. Found by the plate cell: 2; by a wildcard pattern: 1; in free text: 1. 1 row repeats a search already seen in an earlier source'" \
    "6TRJ244's line: $(sect | grep 'rows in' | head -1)"
check "sect | grep -q 'about 3 distinct searches'" "distinct searches"
check "sect | grep -q '1 event-log entry names it' && sect | grep -q ' Sgt Smith create hotlistEntry rel/event_log.csv record 2 '" "the event-log entry in the report"
check "sect | grep -q 'No row found to have searched it; the rows without a readable plate (above) could not be checked'" "the plate no row searched"
check "sect | grep -q '2 of the 11 search rows (18.2%) have no readable plate'" "unreadable plates: $(sect | grep 'readable')"
check "sect | grep -q ' pattern rel/network_audit_foo.csv record 3 '" "a row's cite and how"
check "python3 -c \"import json,sys; d=json.load(open('$T/out/summary.json'))['named_plates']; sys.exit(not (d[0]['rows'] == 4 and d[0]['rows_repeating_an_earlier_source'] == 1 and d[0]['found_by'] == {'plate': 2, 'pattern': 1, 'text': 1} and d[1]['rows'] == 2 and d[2]['rows'] == 0 and d[2]['first'] is None and d[0]['events'] == 1 and d[1]['events'] == 1 and d[2]['events'] == 0))\"" \
    "summary.json's named_plates"
# one thread or two: the same bytes
scan -o "$T/out1" --threads 1 --plate 6TRJ244 --plate ' loveit ' --plate ZZZ9999
for f in sunlight.db flagged.csv summary.json report.html; do
    check "cmp -s '$T/out/$f' '$T/out1/$f'" "$f differs between --threads 1 and 2"
done
# without --plate: nothing of it
scan -o "$T/plain"
check "! grep -q 'id=\"named\"' '$T/plain/report.html'" "a named section without --plate"
# a release whose every plate is readable: no warning, and a plainer sentence
mkdir "$T/clean"
{ printf '%s\r\n' "$H"; row 'John Doe' 'Foo CA PD' 12 ABC9876 theft 25-1 '06/03/2025, 11:00:00 AM UTC'; } >"$T/clean/a.csv"
"$B/sunlight" scan "$T/clean" -o "$T/cout" --key "$T/k" -q --plate 6TRJ244 >"$T/log" 2>&1
check "grep -q 'No search row in these files searched it.' '$T/cout/report.html'" "the sentence when every plate was readable"
check "! grep -q 'have no readable plate' '$T/cout/report.html'" "the unreadable-plates warning with none"
check "! grep -q named_plate '$T/plain/flagged.csv'" "named_plate in flagged.csv without --plate"
check "! grep -q named_plates '$T/plain/summary.json'" "named_plates in summary.json without --plate"
expect "rows flagged without --plate" "$(sqlite3 "$T/plain/sunlight.db" 'SELECT COUNT(*) FROM flagged_rows')" 3
# usage errors write nothing
for bad in '6TR*' 'x' 'A1 --plate A2 --plate A3 --plate A4 --plate A5 --plate A6 --plate A7 --plate A8 --plate A9'; do
    # shellcheck disable=SC2086
    scan -o "$T/bad" --plate $bad
    expect "exit status for --plate $bad" "$?" 2
    check "[ ! -e '$T/bad/sunlight.db' ]" "outputs written after --plate $bad"
done
check "grep -q 'it does not run lists' '$T/log'" "the message for nine plates: $(cat "$T/log")"

# A generated release, against an independent count: the plate cell, and free text naming the
# plate with case, spaces and dashes ignored.
"$B/slgen" --out "$T/gen" --seed 7 --rows 3000 --only network --quirks none >/dev/null 2>&1
PL=$(python3 - "$T/gen" <<'PY'
import csv, glob, re, sys
cells, texts = [], []
for f in sorted(glob.glob(sys.argv[1] + '/network_audit_*.csv')):
    for r in csv.DictReader(open(f, encoding='utf-8-sig')):
        cells.append(re.sub(r'[^A-Za-z0-9]', '', r['License Plate']).upper())
        texts.append(' '.join(r.get(k) or '' for k in ('Reason', 'Case #', 'Filters')))
named = [m.group(1) for t in texts for m in re.finditer(r'plate ([A-Za-z0-9]{6,8})\b', t)][:3]
named.append(next(c for c in cells if len(c) == 7))
def fits(p, t):
    rx = r'(?<![A-Za-z0-9])' + '[ -]?'.join(p) + r'(?![A-Za-z0-9])'
    return re.search(rx, t, re.I) is not None
print(' '.join(named))
print(' '.join(str(sum(1 for c, t in zip(cells, texts) if c == p.upper() or fits(p, t))) for p in named))
PY
)
NAMES=$(echo "$PL" | head -1); WANT=$(echo "$PL" | tail -1)
check "[ \$(echo $NAMES | wc -w) -eq 4 ]" "plates picked from the generated release: '$NAMES'"
ARGS=""; for p in $NAMES; do ARGS="$ARGS --plate $p"; done
# shellcheck disable=SC2086
"$B/sunlight" scan "$T/gen"/network_audit_*.csv -o "$T/gout" --key "$T/k" -q $ARGS >"$T/log" 2>&1
GOT=$(python3 -c "import json; print(' '.join(str(x['rows']) for x in json.load(open('$T/gout/summary.json'))['named_plates']))")
expect "rows per named plate, against python's count" "$GOT" "$WANT"
for p in $NAMES; do
    check "! grep -rqi '$p' '$T/gout/flagged.csv' '$T/gout/report.html' '$T/gout/summary.json'" "plate $p written out"
done
finish
