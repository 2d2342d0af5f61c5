#!/bin/sh
# Rows without an organization, in the report. A transparency portal's search audit has no
# organization column (it lists the searches of the one agency whose portal it is): its rows
# are "(not in the log)" in the top-organizations tables, with a note saying why, and an
# example from it says "(organization not in the log)". A network audit row whose Org Name
# cell is empty is "(no organization)". With both, the tables say "(no organization)" and the
# note counts the rows of the first kind. Before, every such row was "(no organization)", and
# a portal-only release showed one organization, "(no organization)", at the top of every table.
# Each table row reads: organization, searches, rows.
set -u
B=${SL_BUILD:-build}
. tests/e2e_common.sh
T=$(mktemp -d); trap 'rm -rf "$T"' EXIT
mkdir "$T/portal" "$T/network"
printf '%s\n' 'id,userId,searchDate,cameraCount,reason' \
    '5869ce7e-98f2-47e7-a3c2-5e6bff4def4a,587e52c3-e5b1-494d-bc15-943a853a26f5,2025-06-18 00:02:04.789,2510,investigation' \
    '9b29b2b1-b9ff-4802-9a3b-815a75f1b26e,15fc7bab-e1c2-4869-ad89-3ba831a709c0,2025-06-18 00:09:13.397,2510,Investigation' \
    '0c1d2e3f-b9ff-4802-9a3b-815a75f1b26e,15fc7bab-e1c2-4869-ad89-3ba831a709c0,2025-06-19 10:09:13.397,2510,stolen vehicle' \
    >"$T/portal/search_audit.csv"
printf '%s\r\n' 'Name,Org Name,Total Networks Searched,License Plate,Reason,Case #,Search Time' \
    'Jane Roe,Millbrook GA PD,3,***,inv,25-1,"11/1/2025, 5:47:00 AM UTC"' \
    'John Poe,,3,***,check,25-2,"11/1/2025, 6:47:00 AM UTC"' \
    'John Poe,,3,***,burglary,25-3,"11/1/2025, 7:47:00 AM UTC"' \
    >"$T/network/network_audit.csv"

scan() { "$B/sunlight" scan "$@" -o "$T/out" --key "$T/k" -q >"$T/log" 2>&1; }
# The top-organizations section, tags removed, one line per table row.
orgs() {
    sed -n '/<h2 id="orgs">/,/<h2 id="operators">/p' "$T/out/report.html" | sed 's/<[^>]*>/ /g; s/  */ /g'
}
examples() { sed -n '/<h2 id="examples">/,/<h2 id="accounting">/p' "$T/out/report.html"; }

scan "$T/portal"
check "orgs | grep -q '^ (not in the log) 3 3 \$'" "portal only: all rows under (not in the log): $(orgs | grep -n 'log)')"
check "orgs | grep -q '^ (not in the log) 2 2 \$'" "portal only: the vague rows under (not in the log)"
check "! orgs | grep -q '(no organization)'" "portal only: no (no organization)"
check "orgs | grep -q '&ldquo;(not in the log)&rdquo;: 3 rows from logs that have no organization column, such as a transparency portal&rsquo;s search audit'" \
    "portal only: the note: $(orgs | grep -i 'column')"
check "examples | grep -q '(organization not in the log)'" "portal only: the example's organization"

scan "$T/network"
check "orgs | grep -q '^ (no organization) 2 2 \$'" "network audit: empty cells under (no organization)"
check "orgs | grep -q '^ Millbrook GA PD 1 1 \$'" "network audit: the named organization"
check "! orgs | grep -q 'not in the log\\|no organization column'" "network audit: no note"
check "examples | grep -q '(no organization)'" "network audit: the example's organization"

scan "$T/portal" "$T/network"
check "orgs | grep -q '^ (no organization) 5 5 \$'" "both: all rows without one under (no organization)"
check "orgs | grep -q '&ldquo;(no organization)&rdquo; counts rows whose organization cell is empty and 3 rows from logs that have no organization column'" \
    "both: the note: $(orgs | grep -i 'column')"
check "examples | grep -q '(organization not in the log)' && examples | grep -q '(no organization)'" \
    "both: each example says which"
finish
