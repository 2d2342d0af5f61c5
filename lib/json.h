/* json.h: logs that arrive as JSON: what a transparency portal's web page loads, a scraper or
 * an API client saves, or Datasette and pandas export. A list of records (an array of objects,
 * or of arrays) is a table, handed out like a workbook sheet, row by row, so that a file of
 * millions of records is never held whole. Streamed through yajl, in three passes over the
 * file: the first value's extent (one document, or one value per line: JSON Lines), the
 * columns of every table (objects need not share their keys or their order), then the rows. */
#ifndef SL_JSON_H
#define SL_JSON_H

#include "decode.h"
#include "html.h" /* sl_html_opts: the same options (cap, cite, the file's hash, diag) */

/* Whether the first n bytes of a text stream are JSON: after an optional BOM and blanks, an
 * object or an array that a JSON parser reads without error as far as the bytes go, or up to
 * damage after a few values (so that a CSV whose first cell starts with "[" is not taken);
 * UTF-16 with a BOM is decoded first; not sunlight's own summary.json (the text reader sets
 * that aside). */
int sl_json_sniff(const unsigned char *p, size_t n);

/* The encoding of the JSON in fd, told from its first 64 KiB as for a CSV: UTF-8 (with or
 * without a BOM), UTF-16 with a BOM (PowerShell's Out-File writes it), or Windows-1252 when
 * its bytes are not UTF-8. The reader decodes the last two to UTF-8. */
sl_encoding sl_json_encoding(int fd);

/* Reads the JSON in fd (rewound; not closed). Tables:
 * - an array whose elements are objects or arrays, outside any record: at the top ("records")
 *   or under keys ("data", "response.items"; a second table of the same name gets " 2");
 * - JSON Lines (several values one after another): each value is a record of "records".
 * An array of objects gets a header row (record 0) of every key seen in its objects, in the
 * order first seen; its objects are records 1, 2, ... in order, each key's value in its
 * column (a missing key or null is an empty cell). Keys of objects inside a record are joined
 * with dots ("user.name"); an array of plain values inside a record is one cell, its values
 * joined with ", "; anything deeper is the cell's compact JSON text. An array of arrays has
 * its cells by position; its header row is a sibling or nearby "columns" (or "fields",
 * "headers") list of names or of objects with a "name" as wide as its rows (Datasette, pandas'
 * "split", Socrata), else its first row is record 1, as in a CSV. Strings are their decoded
 * text, numbers as written, true and false as such. line = the text line where the record
 * starts; first_line the cells tab-joined. sh->sha256 is opts->sha256; sh->xml_bytes the
 * file's size (every list sits in the one file). Reported through diag: damaged JSON
 * (json.damaged, with the line: reading stops there, the record it broke off in handed out as
 * cut off; in JSON Lines, a line that does not parse is handed out as malformed and the reading
 * goes on: json.bad_line), a file that ends inside a value (json.cut_off), records over the cap
 * (json.record_too_large), more columns than a row holds (json.too_many_columns), a file with
 * no table (json.no_records, saying what it holds instead). A row callback that returns non-zero stops the reading (sheet_end is still
 * called). opts->progress gets the file's bytes once, as the rows are read. Returns SL_OK,
 * SL_EFORMAT (damaged), SL_EIO, SL_ENOMEM. */
sl_status sl_json_read_fd(int fd, const sl_html_opts *opts, const sl_xlsx_cb *cb);

#endif
