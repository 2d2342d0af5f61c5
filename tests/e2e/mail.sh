#!/bin/sh
# Records that arrive by e-mail: the reporter saves the agency's message (.eml, or Outlook's
# .msg) or exports a mailbox (.mbox) and scans it. Before, a message was "taken for a text document" and its
# attached audit was never read, with exit 0. Now each attachment is a source cited
# "message.eml > network_audit.csv" (zipped, forwarded, quoted-printable, signed ones
# included, and those Outlook packed in winmail.dat), its flagged rows cite it, a table pasted into the message's HTML text is read as
# a web page's, and a message that holds nothing readable says why.
set -u
B=${SL_BUILD:-build}
. tests/e2e_common.sh
need_sqlite3
T=$(mktemp -d); trap 'rm -rf "$T"' EXIT
D=tests/data/mail
"$B/sunlight" scan "$D" -o "$T/out" --key "$T/k" >"$T/log" 2>&1
expect "exit code (a cut-off message is an error, the rest warnings)" "$?" 1
q() { sqlite3 "$T/out/sunlight.db" "$1"; }
expect "sources" "$(q "SELECT format || ' ' || cite || ' ' || records || ' ' || searches FROM sources ORDER BY id")" \
"eml $D/attachments_in_winmail_dat.eml 0 0
csv $D/attachments_in_winmail_dat.eml > winmail.dat > network_audit.csv 60 60
csv $D/attachments_in_winmail_dat.eml > winmail.dat > march.csv 2 2
eml $D/audit_attached_as_csv.eml 0 0
csv $D/audit_attached_as_csv.eml > network_audit.csv 60 60
eml $D/audit_attached_quoted_printable_named_in_utf8.eml 0 0
csv $D/audit_attached_quoted_printable_named_in_utf8.eml > Prüfprotokoll – audit.csv 60 60
msg $D/audit_attached_to_an_outlook_message.msg 0 0
csv $D/audit_attached_to_an_outlook_message.msg > network_audit.csv 60 60
csv $D/audit_attached_to_an_outlook_message.msg > march.csv 2 2
csv $D/audit_attached_to_an_outlook_message.msg > attached message 1 > network_audit.csv 60 60
eml $D/audit_attached_zipped_without_a_name.eml 0 0
zip $D/audit_attached_zipped_without_a_name.eml > attachment 1.zip 0 0
csv $D/audit_attached_zipped_without_a_name.eml > attachment 1.zip > export/audit.csv 60 60
eml $D/audit_in_a_forwarded_message.eml 0 0
eml $D/audit_in_a_forwarded_message.eml > attached message 1.eml 0 0
csv $D/audit_in_a_forwarded_message.eml > attached message 1.eml > network_audit.csv 60 60
msg $D/audit_pasted_into_an_outlook_message.msg 0 0
html $D/audit_pasted_into_an_outlook_message.msg > message text.html 0 0
html $D/audit_pasted_into_an_outlook_message.msg > message text.html > table 1 10 10
html $D/audit_pasted_into_an_outlook_message.msg > message text.html > table 2 1 0
eml $D/audit_pasted_into_the_message_as_a_table.eml 0 0
html $D/audit_pasted_into_the_message_as_a_table.eml > message text.html 0 0
html $D/audit_pasted_into_the_message_as_a_table.eml > message text.html > table 1 10 10
html $D/audit_pasted_into_the_message_as_a_table.eml > message text.html > table 2 1 0
eml $D/audit_with_a_logo_in_the_signature.eml 0 0
csv $D/audit_with_a_logo_in_the_signature.eml > network_audit.csv 60 60
eml $D/cut_off_inside_its_attachment.eml 0 0
csv $D/cut_off_inside_its_attachment.eml > network_audit.csv 33 32
mbox $D/mailbox_of_three_messages.mbox 0 0
csv $D/mailbox_of_three_messages.mbox > message 1 > network_audit_1.csv 60 60
csv $D/mailbox_of_three_messages.mbox > message 2 > network_audit_2.csv 60 60
eml $D/no_attachment_only_a_link.eml 0 0
xls $D/outlook_message_cut_before_its_directory.msg 0 0
msg $D/outlook_message_cut_off.msg 0 0
csv $D/outlook_message_cut_off.msg > network_audit.csv 6 5
csv $D/outlook_message_cut_off.msg > march.csv 2 2
msg $D/outlook_message_with_a_link_instead.msg 0 0
mht $D/sheet_saved_as_single_file_web_page.mht 0 0
html $D/sheet_saved_as_single_file_web_page.mht > page.html 0 0
html $D/sheet_saved_as_single_file_web_page.mht > page.html > table 1 10 10
eml $D/signed_message.eml 0 0
csv $D/signed_message.eml > network_audit.csv 60 60
eml $D/winmail_dat_cut_off_inside_an_attachment.eml 0 0
csv $D/winmail_dat_cut_off_inside_an_attachment.eml > winmail.dat > network_audit.csv 36 35
eml $D/winmail_dat_that_is_not_tnef.eml 0 0"
expect "what was said" "$(q "SELECT code || ' ' || count(*) FROM diagnostics WHERE code LIKE 'mail.%' OR code = 'row.cut_off' GROUP BY code ORDER BY code")" \
"mail.attachment_unread 1
mail.cut_off 5
mail.no_attachment 1
mail.pictures 3
mail.read 16
mail.signature 1
mail.tnef 2
row.cut_off 3"
# a message with no attachment is a warning alone; in a mailbox, where most messages are notes
# and replies, the messages with none are counted in one note, and add no source
expect "no attachment: how serious" "$(q "SELECT d.severity || ' ' || s.cite FROM diagnostics d JOIN sources s ON s.id = d.source_id WHERE d.code = 'mail.no_attachment' ORDER BY s.id")" \
"warn $D/no_attachment_only_a_link.eml"
expect "said once, not again as an empty source" "$(q "SELECT count(*) FROM diagnostics WHERE code = 'source.empty'")" 0
expect "the mailbox, said once" "$(q "SELECT d.message FROM diagnostics d JOIN sources s ON s.id = d.source_id WHERE s.format = 'mbox'")" \
"mailbox: 3 messages; 2 attachments or pasted tables read, from 2 of them; the other 1 (notes, replies: correspondence) set aside"
# the cut is named on the terminal, with the attachment
check "grep -q 'cut_off_inside_its_attachment.eml > network_audit.csv: cannot read past byte 2652' '$T/log'" \
      "the cut-off attachment is not named on the terminal"
# flagged rows cite the attachment in the message, with the attachment's own hash
# (the first file in order is the message whose winmail.dat packs the audit)
expect "first flagged row's source" "$(sed -n 2p "$T/out/flagged.csv" | cut -d, -f1-3)" \
"$D/attachments_in_winmail_dat.eml > winmail.dat > network_audit.csv,04e5c43bd34948a4419e77f2445802ea281a9d26f0c085846b90bcf230a95036,winmail.dat > network_audit.csv"
# the message's own text is never read as rows, nor rejected
expect "rejected rows (the three rows cut off)" "$(q "SELECT sum(rejected) FROM sources")" 3
finish
