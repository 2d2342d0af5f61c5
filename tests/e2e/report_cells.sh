#!/bin/sh
# The report's "What the cells held" and summary.json's "cells": for each search row, whether
# the log gave a reason, a case number, ... and if not, why; the rows with no reason and no case
# number said in words. A repeated source (the same rows again, as TSV) is counted once, as in
# the category counts. Before, empty reasons were counted only in the database (field_states),
# though rules/vague.rules sends readers to them for the searches with no purpose.
set -u
B=${SL_BUILD:-build}
. tests/e2e_common.sh
T=$(mktemp -d); trap 'rm -rf "$T"' EXIT
mkdir "$T/in"
printf '%s\r\n' 'Name,Org Name,Reason,Case #,Search Time' \
    'Jane Roe,Millbrook GA PD,,,"11/1/2025, 5:47:00 AM UTC"' \
    'Jane Roe,Millbrook GA PD,n/a,25-1,"11/1/2025, 6:47:00 AM UTC"' \
    'Jane Roe,Millbrook GA PD,REDACTED,n/a,"11/1/2025, 7:47:00 AM UTC"' \
    'Jane Roe,Millbrook GA PD,***,25-2,"11/1/2025, 8:47:00 AM UTC"' \
    'Jane Roe,Millbrook GA PD,burglary,25-3,"11/1/2025, 9:47:00 AM UTC"' \
    >"$T/in/network_audit.csv"
sed 's/,/\t/g' "$T/in/network_audit.csv" >"$T/in/network_audit_copy.tsv"
"$B/sunlight" scan "$T/in" -o "$T/out" --key "$T/k" -q >"$T/log" 2>&1
cells() {
    sed -n '/<h2 id="cells">/,/<h2 id="orgs">/p' "$T/out/report.html" | sed 's/<[^>]*>/ /g; s/  */ /g'
}
check "cells | grep -q 'No reason given: 1 row (20.0%) has an empty reason'" "no reason: $(cells | grep 'No reason')"
check "cells | grep -q '1 (20.0%) give only a placeholder'" "placeholder reason"
check "cells | grep -q '2 (40.0%) have their reason redacted'" "redacted reasons"
check "cells | grep -q 'No case number: 2 rows (40.0%) have an empty or placeholder case number'" \
    "no case number: $(cells | grep 'No case')"
check "cells | grep -q '^ reason 1 1 1 1 1 0 \$'" "the reason's states: $(cells | grep '^ reason')"
check "cells | grep -q '^ case number 3 1 1 0 0 0 \$'" "the case number's states: $(cells | grep '^ case number')"
check "cells | grep -q '^ plate 0 0 0 0 0 5 \$'" "a plate column the log does not have"
check "python3 -c \"import json,sys; d=json.load(open('$T/out/summary.json')); c={x['field']: x['states'] for x in d['cells']}; sys.exit(c['reason'] != {'agency_redacted': 1, 'empty': 1, 'placeholder': 1, 'value': 1, 'vendor_redacted': 1} or c['case_number'] != {'empty': 1, 'placeholder': 1, 'value': 3})\"" \
    "summary.json's cells, the repeat counted once"
check "[ \"\$(sqlite3 '$T/out/sunlight.db' \"select sum(count) from field_states where field = 'reason'\")\" = 10 ]" \
    "the database keeps both sources' own counts"
# By organization: rows with no case number and no reason (empty, placeholder, no column)
check "cells | grep -q '^ Millbrook GA PD 5 2 40.0% 2 40.0% \$'" "by organization: $(cells | grep Millbrook)"
check "[ \"\$(sqlite3 '$T/out/sunlight.db' \"select group_concat(field || ':' || state || '=' || rows) from cell_counts\")\" = 'case_number:empty=1,case_number:placeholder=1,reason:agency_redacted=1,reason:empty=1,reason:placeholder=1,reason:vendor_redacted=1' ]" \
    "cell_counts, the repeat counted once"
check "python3 -c \"import json,sys; d=json.load(open('$T/out/summary.json')); sys.exit(d['cells_by_organization'] != [{'org': 'Millbrook GA PD', 'rows': 5, 'no_case_number': 2, 'no_reason': 2}])\"" \
    "summary.json's cells_by_organization"
finish
