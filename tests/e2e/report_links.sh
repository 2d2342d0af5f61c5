#!/bin/sh
# Every link inside report.html leads to a section that is there: the contents line at the top
# leaves out the sections that have nothing to show (no release checks, no search rows for
# "How widely" and "What the cells held"), for a release of search logs, one of an event log
# alone, and one of both.
set -u
B=${SL_BUILD:-build}
. tests/e2e_common.sh
T=$(mktemp -d); trap 'rm -rf "$T"' EXIT
mkdir "$T/search" "$T/events"
printf '%s\r\n' 'Name,Org Name,Total Networks Searched,Reason,Search Time' \
    'Jane Roe,Millbrook GA PD,3,inv,"11/1/2025, 5:47:00 AM UTC"' >"$T/search/network_audit.csv"
cp tests/data/eventlog/*.csv "$T/events/"
links_ok() { # every href="#x" has an id="x"; prints the missing ones
    python3 -c "
import re, sys
s = open(sys.argv[1]).read()
ids = set(re.findall(r'id=\"([^\"]+)\"', s))
bad = [h for h in re.findall(r'href=\"#([^\"]+)\"', s) if h not in ids]
print(' '.join(bad)); sys.exit(1 if bad else 0)" "$1"
}
for case in search events "search events"; do
    dirs=""
    for d in $case; do dirs="$dirs $T/$d"; done
    # shellcheck disable=SC2086
    "$B/sunlight" scan $dirs -o "$T/out" --key "$T/k" -q >"$T/log" 2>&1
    bad=$(links_ok "$T/out/report.html")
    check "[ -z '$bad' ] && links_ok '$T/out/report.html' >/dev/null" "$case: links without a section: $bad"
    check "grep -q '<p class=\"toc\">' '$T/out/report.html'" "$case: a contents line"
done
check "grep -q 'href=\"#cells\"' '$T/out/report.html'" "with searches: the cells section listed"
"$B/sunlight" scan "$T/events" -o "$T/out2" --key "$T/k" -q >"$T/log" 2>&1
check "! grep -q 'href=\"#cells\"\\|href=\"#reach\"' '$T/out2/report.html'" "events alone: no reach, no cells"
finish
