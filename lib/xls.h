/* xls.h: Excel 97-2003 workbooks (.xls: BIFF records in an OLE2 compound file), as older agency
 * systems and many "Export to Excel" buttons still write them. Read through FreeXL, which loads
 * the workbook and one worksheet at a time (a .xls sheet holds at most 65,536 rows); each
 * worksheet is handed out like a workbook sheet, row by row. */
#ifndef SL_XLS_H
#define SL_XLS_H

#include "html.h" /* sl_html_opts: the same options (cap, cite, the file's hash, diag) */

/* Reads the workbook at path (FreeXL opens files by name; a spooled zip member is given as
 * /proc/self/fd/N). Rows: record = line = the sheet row number (1-based); rows with no cell
 * between two rows with cells count as sh->blank_rows and are not handed out; a row's cells
 * run to its last cell. Text as stored (UTF-8); numbers as the shortest decimal that reads
 * back the same ("14", "2.5"); a date or date-time cell (a number under a date format) as
 * "2025-06-02T13:02:33Z" (all times are UTC); a time of day as "13:02:33". sh->sha256 is
 * opts->sha256 (a sheet has no bytes of its own); sh->xml_bytes is 0. Reported through diag:
 * a file that cannot be opened as a workbook (xls.damaged, with FreeXL's reason), an OLE2
 * file that holds no workbook (a Word or PowerPoint 97-2003 document, an Outlook message:
 * xls.not_a_workbook, naming which), a
 * workbook protected by a password or with no worksheet FreeXL can read (xls.encrypted), cells that cannot be read (xls.cell,
 * once per sheet), rows over the cap (xls.record_too_large). A row callback that returns
 * non-zero stops the sheet (sheet_end is still called); the next sheet is read. Returns
 * SL_OK, SL_EFORMAT (not read), SL_ENOMEM. */
sl_status sl_xls_read(const char *path, const sl_html_opts *opts, const sl_xlsx_cb *cb);
/* The same for an open file (read through /proc/self/fd/N; fd is not closed), with FreeXL in
 * a child process: FreeXL 1.0.6 reads past a string whose declared length passes its record
 * (found by fuzz_read), which can crash a process on a damaged file. The child's rows and
 * messages come back through a pipe; a child that dies is reported as xls.damaged naming the
 * sheet and the last row read, the rows before it kept and the sheet ended as failed. This is
 * what the scan uses. */
sl_status sl_xls_read_fd(int fd, const sl_html_opts *opts, const sl_xlsx_cb *cb);

/* The first bytes of an OLE2 compound file: an Excel 97-2003 workbook, a Word or PowerPoint
 * 97-2003 document, an Outlook message (told apart by sl_ole_format). */
#define SL_OLE2_MAGIC "\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1"

/* What an OLE2 file at fd is, from the streams its directory names: "doc" (a Word 97-2003
 * document), "ppt" (a PowerPoint 97-2003 presentation), "msg" (an Outlook message), else
 * "xls" (a workbook, whatever it embeds, or an encrypted Office file, or unknown). */
const char *sl_ole_format(int fd);

/* The size the OLE2 file at fd needs, from its own allocation table (the last sector in use,
 * among the table's first 109 sectors), or 0 when that cannot be told (not OLE2). A file
 * shorter than that was cut off. */
uint64_t sl_ole_needs(int fd);

#endif
