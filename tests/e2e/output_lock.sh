#!/bin/sh
# Two scans into one output folder. Before, the second removed the first's temporary database
# as it started, and the first then failed at its end with "No such file or directory" (seen
# on a 12.6 GB scan started twice). Now the folder is locked (OUT/.sunlight.lock, flock) while
# a scan writes there: a second scan is refused at once, says why, writes nothing and removes
# nothing, and exits 4; once the first is done, the folder is free again, and the lock file is
# gone. The lock is held here by flock(1) in place of a running scan, so that the test does not
# depend on timing.
set -u
B=${SL_BUILD:-build}
. tests/e2e_common.sh
T=$(mktemp -d); trap 'rm -rf "$T"' EXIT
"$B/slgen" --out "$T/rel" --seed 11 --months 1 --rows 200 >/dev/null 2>&1 || bad "slgen failed"
rm -f "$T/rel/truth.csv" "$T/rel/truth.json"
scan() { "$B/sunlight" scan "$T/rel" -o "$T/out" --key "$T/k" -q >"$T/log" 2>&1; }

scan
rc=$?
check '[ $rc -le 1 ]' "first scan: exit $rc: $(cat "$T/log")"
check '[ ! -e "$T/out/.sunlight.lock" ]' "the lock file was left in the output folder"
ls -l --time-style=+%s.%N "$T/out" | grep -v lock >"$T/before"

if ! command -v flock >/dev/null 2>&1; then
    skip "flock(1) missing: the lock cannot be held from here"
    finish
fi
# A scan that is still writing, as another process sees it: the lock held.
flock -o "$T/out/.sunlight.lock" sh -c 'i=0; while [ ! -e "$1" ] && [ $i -lt 300 ]; do
    sleep 0.1; i=$((i + 1)); done' sh "$T/release" >/dev/null 2>&1 &
holder=$!
i=0
while [ $i -lt 50 ] && flock -n "$T/out/.sunlight.lock" true 2>/dev/null; do
    sleep 0.1; i=$((i + 1))
done
scan
rc=$?
expect "second scan's exit code while the folder is locked" "$rc" 4
check 'grep -q "another sunlight scan is writing to $T/out now; wait for it to end, or give another output folder with -o (nothing was written)" "$T/log"' \
    "second scan's message: $(cat "$T/log")"
ls -l --time-style=+%s.%N "$T/out" | grep -v lock >"$T/after"
check 'cmp -s "$T/before" "$T/after"' "the refused scan touched the outputs: $(diff "$T/before" "$T/after")"
check '[ ! -e "$T/out/.sunlight.db.tmp" ]' "the refused scan left a temporary database"
touch "$T/release" # the holder lets go
wait $holder

# Free again: a third scan writes as the first did.
scan
rc=$?
check '[ $rc -le 1 ]' "scan after the lock was released: exit $rc: $(cat "$T/log")"
check '[ -s "$T/out/report.html" ] && [ -s "$T/out/sunlight.db" ]' "outputs missing after the third scan"
check '[ ! -e "$T/out/.sunlight.lock" ]' "the third scan left the lock file"
finish
