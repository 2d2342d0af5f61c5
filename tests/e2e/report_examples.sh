#!/bin/sh
# The report's examples of a category: the first row of each rule that fired in it comes first,
# so a rarer kind of finding is not hidden behind the five commonest reasons, and reasons that
# differ only in case or punctuation are one reason. Before, the vague category of the real
# Eugene portal log showed five spellings of "investigation" and none of its daytime-artifact,
# case-number-only or two-letter reasons.
set -u
B=${SL_BUILD:-build}
. tests/e2e_common.sh
T=$(mktemp -d); trap 'rm -rf "$T"' EXIT
row() { printf 'Jane Roe,Millbrook GA PD,3,***,%s,,"11/%d/2025, 5:47:00 AM UTC"\r\n' "$1" "$2"; }
{
    printf '%s\r\n' 'Name,Org Name,Total Networks Searched,License Plate,Reason,Case #,Search Time'
    row investigation 1; row Investigation 2; row INVESTIGATION+ 3; row check 4; row lookup 5
    row n/a 6; row info 7; row burglary 8; row 'Daytime search for best result' 9
    row 'daytime search for best result' 10; row 25-004417 11; row . 12; row suspicious 13
} >"$T/network_audit.csv"
"$B/sunlight" scan "$T" -o "$T/out" --key "$T/k" -q >"$T/log" 2>&1
# The vague category's examples: one reason per line.
reasons() {
    sed -n '/<h2 id="examples">/,/<h2 id="accounting">/p' "$T/out/report.html" |
        sed -n '/<h3>vague_or_no_purpose<\/h3>/,/<h3>\|<h2 id="accounting">/p' |
        grep '<b>Reason:</b>' | sed 's/<[^>]*>//g; s/^Reason: //'
}
check "[ \"\$(reasons | wc -l)\" -eq 5 ]" "five examples: $(reasons | tr '\n' '|')"
check "reasons | grep -qx 'Daytime search for best result'" "the daytime artifact's first row"
check "reasons | grep -qx '25-004417'" "the case number alone"
check "reasons | grep -qx '\\.'" "the reason of no letter"
check "[ \"\$(reasons | grep -ci '^investigation')\" -eq 1 ]" "one investigation, whatever its case"
check "[ \"\$(reasons | tr '\n' '|')\" = 'investigation|check|Daytime search for best result|25-004417|.|' ]" \
    "in the order read, the rest from the first rows: $(reasons | tr '\n' '|')"
finish
