#!/bin/sh
# The command line stopped by a signal (Ctrl-C sends SIGINT; here SIGTERM and SIGHUP, which a
# background job does not ignore): it exits 128 + the signal's number, says it wrote nothing,
# leaves no temporary file in OUT/ and leaves an earlier run's outputs as they were.
set -u
B=${SL_BUILD:-build}
. tests/e2e_common.sh
T=$(mktemp -d); trap 'rm -rf "$T"' EXIT
"$B/slgen" --out "$T/gen" --seed 3 --size 40M >/dev/null 2>&1 || bad "slgen"
for sig in TERM:15 HUP:1; do
    num=${sig#*:}; sig=${sig%:*}
    O="$T/out_$sig"
    mkdir -p "$O"
    for f in flagged.csv report.html summary.json sunlight.db; do echo "earlier run" >"$O/$f"; done
    "$B/sunlight" scan "$T/gen/network_audit_big.csv" -o "$O" --key "$T/k" >"$T/log_$sig" 2>&1 &
    pid=$!
    # once the scan has its temporary database, it is reading
    i=0
    while [ ! -e "$O/.sunlight.db.tmp" ] && [ $i -lt 400 ] && kill -0 $pid 2>/dev/null; do
        sleep 0.01; i=$((i + 1))
    done
    kill -$sig $pid 2>/dev/null
    wait $pid; rc=$?
    if [ $rc -eq 0 ]; then
        skip "$sig: the scan ended before the signal reached it"
        continue
    fi
    expect "$sig exit code" "$rc" "$((128 + num))"
    check "grep -q 'interrupted; nothing was written' '$T/log_$sig'" "$sig: no message: $(tail -n 2 "$T/log_$sig")"
    expect "$sig: OUT/ after" "$(ls -A "$O" | tr '\n' ' ')" "flagged.csv report.html summary.json sunlight.db "
    expect "$sig: earlier outputs" "$(cat "$O"/* | sort -u)" "earlier run"
done
finish
