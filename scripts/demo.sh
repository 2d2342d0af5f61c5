#!/bin/sh
# The demo: generates the bundled sample release (deterministic, seed 42: network and
# organization audits with every quirk of BRIEF.md and planted ground truth), scans it, and
# says where the report is. Usage: scripts/demo.sh [BUILD_DIR]
set -eu
B=${1:-build}
D=$B/demo
rm -rf "$D/release" "$D/out"
mkdir -p "$D"
"$B/slgen" --out "$D/release" --seed 42 >/dev/null
# The ground truth is for tests, not part of a release: keep it beside, not inside.
mv "$D/release/truth.csv" "$D/release/truth.json" "$D/"
echo "demo: sample release generated in $D/release ($(ls "$D/release" | wc -l) files)"
# The demo uses its own throw-away key, never your personal one.
set +e
"$B/sunlight" scan "$D/release" -o "$D/out" --key "$D/demo-plate.key"
rc=$?
set -e
if [ $rc -gt 1 ]; then
    echo "demo: sunlight scan failed (exit $rc)" >&2
    exit $rc
fi
echo
echo "demo: open $D/out/report.html in a browser"
echo "      (exit code $rc: 1 means the scan finished and reported rejected rows or warnings,"
echo "       which the sample plants on purpose: a cut-off file, a repeated header, bad cells)"
