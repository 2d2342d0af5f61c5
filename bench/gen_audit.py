#!/usr/bin/env python3
"""gen_audit.py: writes a deterministic Flock-style network audit CSV of about N megabytes
(argument, default 200) to stdout, for bench/csv_speed.c. Plates and names are made up."""
import random, sys

mb = int(sys.argv[1]) if len(sys.argv) > 1 else 200
rng = random.Random(42)
orgs = ["Houston TX PD", "Sonoma County CA SO", "[Federal] HSI Houston", "Town of Cary NC PD",
        "Eugene OR PD [Inactive]"]
reasons = ["stolen vehicle", "Immigration (civil/administrative) -", "investigation",
           "Other - Not Applicable", "welfare check, missing person", "theft \"ongoing\" case",
           "REDACTED / 459 SUS", "***"]
types = ["lookup", "search", "convoy", "freeform - Mobile", "multiGeo"]
out = sys.stdout
out.write("Name,Org Name,Total Networks Searched,Time Frame,License Plate,Reason,Case #,"
          "Filters,Search Time,Search Type,Moderation\r\n")
size, target = 0, mb * 1000 * 1000
while size < target:
    m, d = rng.randint(1, 12), rng.randint(1, 28)
    tf = '"%02d/%02d/2025, 08:00:00 AM UTC\n%02d/%02d/2025, 11:59:59 PM UTC"' % (m, d, m, d)
    reason = rng.choice(reasons)
    if '"' in reason or ',' in reason:
        reason = '"' + reason.replace('"', '""') + '"'
    row = "Officer %d,%s,%d,%s,%s,%s,%s,,\"%02d/%02d/2025, %02d:%02d:%02d PM UTC\",%s,\r\n" % (
        rng.randint(1, 5000), rng.choice(orgs), rng.randint(1, 3000), tf,
        "".join(rng.choice("ABCDEFGHJKLMNPRSTUVWXYZ0123456789") for _ in range(7)), reason,
        "25-%06d" % rng.randint(0, 999999), m, d, rng.randint(1, 11), rng.randint(0, 59),
        rng.randint(0, 59), rng.choice(types))
    out.write(row)
    size += len(row)
