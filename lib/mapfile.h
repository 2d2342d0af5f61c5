/* mapfile.h: user mappings (`--map FILE`) for logs of systems sunlight does not know by name:
 * Vigilant/LEARN audits, DMV or NCIC query logs, face-recognition search logs, data-broker
 * usage logs. A map file names the kind of log, the header cells that identify it, which
 * column holds which field, and how its timestamps are written. The format is documented in
 * docs/MAPS.md; maps/vigilant_learn_audit.map is a worked example. */
#ifndef SL_MAPFILE_H
#define SL_MAPFILE_H

#include "schema.h"

typedef struct sl_mapfile sl_mapfile;

/* Loads and checks a map file. On a mistake returns SL_EUSAGE with "FILE:LINE: what" in err.
 * A map must have a name, a kind, at least one match_header cell and a column mapped to
 * search_time (or search_date). */
sl_status sl_mapfile_load(sl_mapfile **out, const char *path, char *err, size_t errlen);
/* Same, from text in memory; `origin` names it in messages. */
sl_status sl_mapfile_parse(sl_mapfile **out, const char *text, size_t len, const char *origin,
                           char *err, size_t errlen);
void sl_mapfile_free(sl_mapfile *m);

const char *sl_mapfile_name(const sl_mapfile *m);   /* "Vigilant LEARN audit" */
const char *sl_mapfile_kind(const sl_mapfile *m);   /* "alpr_audit", "dmv_query", ... */
const char *sl_mapfile_origin(const sl_mapfile *m); /* the file as given */
const char *sl_mapfile_time_format(const sl_mapfile *m); /* NULL when none was given */

/* When every match_header cell is in the header row (trimmed, case-insensitive), fills *out
 * (names as found; mapped columns from the map, the rest unknown; kind: the sl_kind of the
 * same name when the map's kind is one, else SL_KIND_AUDIT) and returns 1. Returns 0 when the
 * header does not match (out cleared), -1 when out of memory. Release with sl_schema_clear. */
int sl_mapfile_apply(const sl_mapfile *m, const sl_slice *cells, size_t n, sl_schema *out);

/* Parses a timestamp with the map's time_format (strptime-like: %Y %y %m %d %H %I %M %S %f
 * %p %b %z %%; white space in the format matches any run of white space; numbers may be
 * unpadded) and its utc_offset. Without a time_format, the built-in forms (timeparse.h).
 * Returns 1 on success. */
int sl_mapfile_parse_time(const sl_mapfile *m, const char *p, size_t len, int64_t *out);

/* After sl_search_from_row on a mapped schema: re-reads the search time (joining a split
 * date and time with a space), time-frame start and end with the map's time format, setting
 * or clearing their `bad` bits. Does nothing when the map has no time_format or offset. */
void sl_mapfile_fix_times(const sl_mapfile *m, sl_search *q);

#endif
