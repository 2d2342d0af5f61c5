#!/bin/sh
# Rows linked into searches. The generator knows which search every row is a copy of
# (truth.csv: search_key per record), so the expected counts are made in Python from truth.csv
# alone: on the seed-42 release the distinct searches, and the searches of every category
# whose rows sunlight counts as the generator does; the same release with every ID column
# removed (the rows then link by organization, time, networks and time frame only); the same
# release with an organization audit given twice (a repeated source, counted once). Then a
# hand-made log with two searches of one organization in one second: the key is refused and
# each row counts alone. The report, summary.json and the closing line say what the database
# says.
set -u
B=${SL_BUILD:-build}
. tests/e2e_common.sh
need_sqlite3
command -v python3 >/dev/null 2>&1 || { echo "skipped: python3 missing"; echo "0 passed, 0 failed, 1 skipped"; exit 0; }
T=$(mktemp -d); trap 'rm -rf "$T"' EXIT

"$B/slgen" --out "$T/rel" --seed 42 >/dev/null || bad "slgen failed"
mv "$T/rel/truth.csv" "$T/rel/truth.json" "$T/"
"$B/sunlight" scan "$T/rel" -o "$T/out" --key "$T/key" >"$T/log" 2>&1
rc=$?
check '[ $rc -le 1 ]' "scan of the generated release: exit $rc"
DB=$T/out/sunlight.db
q() { sqlite3 -separator '|' "$1" "$2"; }

# Distinct search keys of truth.csv over the given files (all when none is given).
truth_searches() {
    python3 - "$T/truth.csv" "$@" <<'EOF'
import csv, sys
files = set(sys.argv[2:])
keys = {r['search_key'] for r in csv.DictReader(open(sys.argv[1], newline=''))
        if r['search_key'] and (not files or r['file'] in files)}
print(len(keys))
EOF
}

want=$(truth_searches)
expect "searches: truth.csv's distinct search keys" "$(q "$DB" "SELECT value FROM run WHERE key = 'searches'")" "$want"
expect "truth.json agrees with truth.csv" \
    "$(python3 -c "import json; print(json.load(open('$T/truth.json'))['distinct_searches'])")" "$want"
expect "search_counts all" "$(q "$DB" "SELECT rows || '|' || searches FROM search_counts WHERE category = 'all'")" \
    "$(q "$DB" "SELECT SUM(rows) FROM counts WHERE category = 'all'")|$want"
expect "every row is linked, by ID or by key" \
    "$(q "$DB" "SELECT SUM(CAST(value AS INTEGER)) FROM run WHERE key IN ('link_rows_by_id', 'link_rows_by_key')")" \
    "$(q "$DB" "SELECT value FROM run WHERE key = 'link_rows'")"
expect "nothing refused, nothing without a key" \
    "$(q "$DB" "SELECT group_concat(value, ',') FROM (SELECT value FROM run WHERE key IN ('link_rows_no_key', 'link_rows_refused', 'link_keys_refused') ORDER BY key)")" "0,0,0"

# Categories: truth.csv's categories per record (what its own text supports), per search the
# union of its records'. Where sunlight's rows of a category equal the generator's, its
# searches must too.
python3 - "$T/truth.csv" "$DB" >"$T/cats" <<'EOF'
import csv, sqlite3, sys
from collections import defaultdict
rows, searches = defaultdict(int), defaultdict(set)
for r in csv.DictReader(open(sys.argv[1], newline='')):
    for c in filter(None, r['categories'].split(';')):
        rows[c] += 1
        searches[c].add(r['search_key'])
db = sqlite3.connect(sys.argv[2])
same = differ = 0
for cat, n, s in db.execute("SELECT category, rows, searches FROM search_counts WHERE category <> 'all'"):
    if rows.get(cat) != n:
        continue
    if len(searches[cat]) == s: same += 1
    else:
        differ += 1
        print('differs', cat, n, s, len(searches[cat]))
print('same', same, 'differ', differ)
EOF
check 'grep -q "differ 0$" "$T/cats"' "a category's searches differ from truth: $(cat "$T/cats")"
same=$(sed -n 's/^same \([0-9]*\) .*/\1/p' "$T/cats")
check '[ "${same:-0}" -ge 15 ]' "too few categories whose rows agree with truth to compare: $(cat "$T/cats")"
imm=$(q "$DB" "SELECT searches || ' ' || rows FROM search_counts WHERE category = 'immigration'")
check '[ "${imm% *}" -lt "${imm#* }" ]' "immigration: searches should be fewer than rows: $imm"

# Each flagged row's search (flagged_searches): one per flagged row; per category, the distinct
# searches of the flagged rows carrying it are search_counts' searches; immigration's equal
# the generator's.
expect "flagged_searches: one row per flagged row" \
    "$(q "$DB" "SELECT COUNT(*) FROM flagged_searches")" "$(q "$DB" "SELECT COUNT(*) FROM flagged_rows")"
expect "flagged_searches: by category, as search_counts" \
    "$(q "$DB" "SELECT COUNT(*) FROM search_counts k WHERE k.category <> 'all' AND k.searches <> (SELECT COUNT(DISTINCT fs.search) FROM flagged_rows r JOIN flagged_searches fs USING (row_id) WHERE ',' || r.categories || ',' LIKE '%,' || k.category || ',%')")" 0
expect "flagged_searches: immigration searches, as the generator's" \
    "$(q "$DB" "SELECT COUNT(DISTINCT fs.search) FROM flagged_rows r JOIN flagged_searches fs USING (row_id) WHERE ',' || r.categories || ',' LIKE '%,immigration,%'")" \
    "$(python3 -c "import json; print(json.load(open('$T/truth.json'))['category_searches']['immigration'])")"
expect "flagged_searches: numbers from 1 to the searches at most" \
    "$(q "$DB" "SELECT MIN(search) >= 1 AND MAX(search) <= (SELECT searches FROM search_counts WHERE category = 'all') FROM flagged_searches")" 1

# Searches by organization, month and category (counts.searches): the distinct searches among
# the flagged rows of the cell, as flagged_searches gives them; summed over a category's cells,
# search_counts' (the generator spells each organization one way in every log). For all, the
# distinct searches among every row of the cell, which flagged_searches cannot give: truth.csv's
# search keys of the records whose Org Name and Search Time month are the cell's, read from the
# generated files in Python.
expect "counts: searches of each cell, as flagged_searches says" \
    "$(q "$DB" "SELECT COUNT(*) FROM counts c WHERE c.category <> 'all' AND c.searches IS NOT NULL AND c.searches <> (SELECT COUNT(DISTINCT fs.search) FROM flagged_rows r JOIN flagged_searches fs USING (row_id) WHERE COALESCE(r.org, '') = c.org AND COALESCE(substr(r.search_time, 1, 7), '') = c.month AND ',' || r.categories || ',' LIKE '%,' || c.category || ',%')")" 0
expect "counts: every cell has searches, all's too" \
    "$(q "$DB" "SELECT COUNT(*) FROM counts WHERE searches IS NULL")" 0
expect "counts: all's searches of each organization and month, as truth.csv's" \
    "$(q "$DB" "SELECT group_concat(org || '/' || month || '=' || searches, ',') FROM (SELECT org, month, searches FROM counts WHERE category = 'all' ORDER BY org, month)")" \
    "$(python3 - "$T/truth.csv" "$T/rel" <<'EOF'
import collections, csv, io, os, re, sys
key = {(r['file'], int(r['record'])): r['search_key']
       for r in csv.DictReader(open(sys.argv[1], newline='')) if r['search_key']}
cells = collections.defaultdict(set)
for f in sorted(os.listdir(sys.argv[2])):
    if not f.endswith('.csv'):
        continue
    text = open(os.path.join(sys.argv[2], f), 'rb').read().decode('utf-8', 'replace').lstrip('\ufeff')
    rows = csv.reader(io.StringIO(text, newline=''))
    head = [h.strip() for h in next(rows)]
    o, t = head.index('Org Name'), head.index('Search Time')
    for n, row in enumerate(rows, start=2):  # the header is record 1
        k = key.get((f, n))
        if not k:
            continue
        m = re.match(r'(\d+)/\d+/(\d{4}),', row[t] if t < len(row) else '')
        month = '%s-%02d' % (m.group(2), int(m.group(1))) if m else ''
        cells[(row[o].strip() if o < len(row) else '', month)].add(k)
print(','.join('%s/%s=%d' % (c[0], c[1], len(cells[c])) for c in sorted(cells)))
EOF
)"
expect "reach: each category's searches over the buckets, as search_counts (a search in one bucket)" \
    "$(q "$DB" "SELECT COUNT(*) FROM search_counts k WHERE k.searches <> (SELECT SUM(searches) FROM reach r WHERE r.category = k.category)")" 0
expect "reach: every bucket has searches; all's no more than its rows" \
    "$(q "$DB" "SELECT COUNT(*) FROM reach WHERE searches IS NULL OR (category = 'all' AND searches > rows)")" 0
expect "counts: a category's searches summed, as search_counts" \
    "$(q "$DB" "SELECT COUNT(*) FROM search_counts k WHERE k.category <> 'all' AND k.searches <> (SELECT SUM(searches) FROM counts WHERE category = k.category)")" 0
expect "counts: immigration searches of the top organization, in the report" \
    "$(q "$DB" "SELECT org || '|' || SUM(searches) || '|' || SUM(rows) FROM counts WHERE category = 'immigration' GROUP BY org ORDER BY SUM(searches) DESC, SUM(rows) DESC, org LIMIT 1")" \
    "$(sed -n '/<h2 id="orgs">/,/<h2 id="operators">/p' "$T/out/report.html" | grep -A3 '<h3>immigration</h3>' | sed -n 4p | sed 's/<\/td><td class="n">/|/g; s/<[^>]*>//g; s/,//g')"

# Rows that repeat a search in their own file: the generator's duplicate_row quirk, file by file.
expect "rows repeating a search in their file, as truth.csv's duplicate rows" \
    "$(q "$DB" "SELECT group_concat(f || '=' || n, ',') FROM (SELECT replace(s.cite, rtrim(s.cite, replace(s.cite, '/', '')), '') AS f, k.repeats AS n FROM source_searches k JOIN sources s ON s.id = k.source_id WHERE k.repeats > 0 ORDER BY f)")" \
    "$(python3 -c "
import csv, collections
c = collections.Counter(r['file'] for r in csv.DictReader(open('$T/truth.csv', newline='')) if 'duplicate_row' in r['quirk'].split(';'))
print(','.join('%s=%d' % kv for kv in sorted(c.items())))")"
expect "their sum, the run key" "$(q "$DB" "SELECT SUM(repeats) FROM source_searches")" \
    "$(q "$DB" "SELECT value FROM run WHERE key = 'link_rows_repeating_in_source'")"

# The outputs say what the database says.
SJ=$T/out/summary.json
expect "summary.json searches" "$(python3 -c "
import json; d = json.load(open('$SJ'))['searches']
print(d['distinct'], d['rows'], d['rows_linked_by_id'] + d['rows_linked_by_key'], d['rows_refused'])")" \
    "$want $(q "$DB" "SELECT value FROM run WHERE key = 'link_rows'") $(q "$DB" "SELECT value FROM run WHERE key = 'link_rows'") 0"
expect "summary.json categories' searches" "$(python3 -c "
import json; d = json.load(open('$SJ'))['categories']
print(','.join('%s=%s' % (c['category'], c['searches']) for c in d))")" \
    "$(q "$DB" "SELECT group_concat(category || '=' || searches, ',') FROM (SELECT k.category, k.searches FROM search_counts k JOIN (SELECT category, SUM(rows) AS n FROM counts GROUP BY category) c USING (category) ORDER BY k.category <> 'all', c.n DESC, k.category)")"
R=$T/out/report.html
fmt=$(python3 -c "print(format($want, ','))")
check 'grep -q "<b>$fmt</b><span>distinct searches (rows linked across logs)</span>" "$R"' "report: no distinct searches card"
check 'grep -q "<h3 id=\"searches\">Rows and searches</h3>" "$R"' "report: no Rows and searches"
check 'grep -q "search rows are $fmt distinct searches" "$R"' "report: the searches sentence"
check 'grep -q "<th class=\"n\">searches</th>" "$R"' "report: no searches column"
check 'grep -q "the search rows are $want distinct searches" "$T/log"' "closing line: $(grep distinct "$T/log")"
# Searches by month: each category's column sums to its searches (the generator spells each
# organization one way), in the report's table and in summary.json.
imm=$(q "$DB" "SELECT searches FROM search_counts WHERE category = 'immigration'")
expect "report: immigration searches by month, summed" "$(python3 - "$R" <<'EOF2'
import re, sys
h = open(sys.argv[1], encoding='utf-8').read()
t = h[h.index('<h3>Searches by month</h3>'):]
t = t[:t.index('</table>')]
rows = re.findall(r'<tr>(.*?)</tr>', t)
head = [re.sub(r'<[^>]*>', '', c) for c in re.findall(r'<th[^>]*>(.*?)</th>', rows[0])]
col = head.index('immigration')
print(sum(int(re.sub(r'<[^>]*>', '', c).replace(',', '')) for c in
          (re.findall(r'<td[^>]*>(.*?)</td>', r)[col] for r in rows[1:])))
EOF2
)" "$imm"
expect "summary.json: immigration searches by month, summed" "$(python3 -c "
import json; print(sum(m['searches'].get('immigration', 0) for m in json.load(open('$SJ'))['searches_by_month']))")" "$imm"

# Without IDs: every file rewritten without its ID column (the cut-off file left out, its
# last record being cut inside a quote); the rows link by their key alone.
mkdir -p "$T/noid"
python3 - "$T/rel" "$T/noid" <<'EOF'
import csv, glob, os, sys
for p in sorted(glob.glob(os.path.join(sys.argv[1], '*.csv'))):
    if 'cutoff' in p: continue
    with open(p, newline='', encoding='utf-8-sig') as f: rows = list(csv.reader(f))
    h = [c.strip() for c in rows[0]]
    keep = [i for i, c in enumerate(h) if c != 'ID']
    with open(os.path.join(sys.argv[2], os.path.basename(p)), 'w', newline='') as f:
        w = csv.writer(f)
        for r in rows: w.writerow([r[i] for i in keep if i < len(r)])
EOF
files=$(cd "$T/noid" && ls)
want_noid=$(truth_searches $files)
"$B/sunlight" scan "$T/noid" -o "$T/out2" --key "$T/key" >/dev/null 2>&1
expect "without IDs: searches" "$(q "$T/out2/sunlight.db" "SELECT value FROM run WHERE key = 'searches'")" "$want_noid"
expect "without IDs: none linked by ID, none refused" \
    "$(q "$T/out2/sunlight.db" "SELECT group_concat(value, ',') FROM (SELECT value FROM run WHERE key IN ('link_rows_by_id', 'link_rows_refused') ORDER BY key)")" "0,0"
rows_noid=$(q "$T/out2/sunlight.db" "SELECT value FROM run WHERE key = 'link_rows'")
check '[ "$want_noid" -lt "$rows_noid" ]' "without IDs: the test should have rows to link ($rows_noid)"

# An organization audit given twice: a repeated source, counted once.
cp "$T/rel/organization_audit_2025-10.csv" "$T/rel/zz_copy_of_organization_audit_2025-10.csv"
"$B/sunlight" scan "$T/rel" -o "$T/out3" --key "$T/key" >/dev/null 2>&1
expect "a repeated source: searches" "$(q "$T/out3/sunlight.db" "SELECT value FROM run WHERE key = 'searches'")" "$want"
expect "a repeated source: rows kept" "$(q "$T/out3/sunlight.db" "SELECT value FROM run WHERE key = 'link_rows'")" \
    "$(q "$DB" "SELECT value FROM run WHERE key = 'link_rows'")"

# Two searches of one organization in one second, with the same networks and time frame: a
# key that fits two searches is refused; the copy in another log cannot be told to be either.
mkdir -p "$T/two"
H='Name,Org Name,Total Networks Searched,Time Frame,License Plate,Reason,Case #,Filters,Search Time,Search Type'
{
    echo "$H"
    echo 'A One,Alder Creek CA PD,4,"09/01/2025, 10:00:00 AM UTC to 09/01/2025, 11:00:00 AM UTC",ABC1234,theft,,,"09/02/2025, 01:00:00 PM UTC",lookup'
    echo 'B Two,Alder Creek CA PD,4,"09/01/2025, 10:00:00 AM UTC to 09/01/2025, 11:00:00 AM UTC",XYZ9876,burglary,,,"09/02/2025, 01:00:00 PM UTC",lookup'
    echo 'A One,Alder Creek CA PD,4,"09/01/2025, 10:00:00 AM UTC to 09/01/2025, 11:00:00 AM UTC",ABC1234,theft,,,"09/02/2025, 01:05:00 PM UTC",lookup'
} >"$T/two/organization_audit.csv"
{
    echo "$H"
    echo '***,Alder Creek CA PD,4,"09/01/2025, 10:00:00 AM UTC to 09/01/2025, 11:00:00 AM UTC",***,theft,,,"09/02/2025, 01:00:00 PM UTC",lookup'
    echo '***,Alder Creek CA PD,4,"09/01/2025, 10:00:00 AM UTC to 09/01/2025, 11:00:00 AM UTC",***,theft,,,"09/02/2025, 01:05:00 PM UTC",lookup'
} >"$T/two/network_audit.csv"
"$B/sunlight" scan "$T/two" -o "$T/out4" --key "$T/key" >/dev/null 2>&1
expect "two searches in one second: searches, refused rows, refused keys" \
    "$(q "$T/out4/sunlight.db" "SELECT group_concat(value, ',') FROM (SELECT value FROM run WHERE key IN ('searches', 'link_rows_refused', 'link_keys_refused') ORDER BY key)")" \
    "1,3,4"
check 'grep -q "3 rows without an ID under 1 key that fit two searches" "$T/out4/report.html"' \
    "report: the refused key is not said"
finish
