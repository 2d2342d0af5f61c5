/* xmlss.h: Excel 2003 XML spreadsheets ("XML Spreadsheet 2003", SpreadsheetML): one XML file,
 * <Workbook> of <Worksheet ss:Name> of <Table> of <Row> of <Cell><Data ss:Type>. Reporting
 * tools and web systems write it under a .xls or .xml name. Streamed with expat; each worksheet
 * is handed out like a workbook sheet, row by row. DOCTYPE and entity declarations are refused
 * (no XML bombs), as in xlsx.c. */
#ifndef SL_XMLSS_H
#define SL_XMLSS_H

#include "html.h" /* sl_html_opts: the same options (cap, cite, the file's hash, diag) */

/* Whether the first n bytes of a text stream are such a spreadsheet: an XML declaration and,
 * within the first 4 KiB, its namespace (urn:schemas-microsoft-com:office:spreadsheet) or
 * Excel's processing instruction (progid="Excel.Sheet"). */
int sl_xmlss_sniff(const unsigned char *p, size_t n);

/* Reads the spreadsheet in fd (rewound; not closed). Rows: record = the row number (ss:Index
 * or the next after the last), line = the XML line where the <Row> starts; rows absent between
 * two present ones count as sh->blank_rows. Cells: ss:Index places a cell (gaps are empty
 * cells), ss:MergeAcross="N" adds N empty cells; a DateTime ("2025-05-06T10:00:00.000") is
 * written "2025-05-06T10:00:00Z" (all times are UTC), other data as written. sh->sha256 is
 * opts->sha256; sh->xml_bytes the worksheet's bytes. Broken XML ends the reading there
 * (xmlss.damaged, with the line), the row it broke off in handed out as cut off; a file with
 * no worksheet is reported (xmlss.no_sheet). A row callback that returns non-zero stops the
 * reading (sheet_end is still called). Returns SL_OK, SL_EFORMAT (damaged or refused),
 * SL_EIO, SL_ENOMEM. */
sl_status sl_xmlss_read_fd(int fd, const sl_html_opts *opts, const sl_xlsx_cb *cb);

#endif
