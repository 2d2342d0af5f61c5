/* spill.h: fixed-size records set aside on disk in partitions, each read back whole later, so
 * that what the end of a scan sorts is one partition's share of a release, not the release.
 * One temporary file per spill, unlinked as soon as it is made (nothing stays behind, whatever
 * happens); records are gathered per partition in memory and written a block at a time, and
 * each partition's blocks are chained. Used by the plate repeats and the linking of searches.
 * Internal to lib/. */
#ifndef SL_SPILL_H
#define SL_SPILL_H

#include "sunlight.h"

#include <stddef.h>
#include <stdint.h>

typedef struct sl_spill sl_spill;

/* Makes the file named base followed by suffix (which must not exist) for records of rec
 * bytes in parts partitions, written batch records at a time. SL_ENOMEM, or SL_EIO with errno
 * set (ENAMETOOLONG for a name past PATH_MAX). */
sl_status sl_spill_new(sl_spill **out, const char *base, const char *suffix, size_t rec,
                       unsigned parts, unsigned batch);
void sl_spill_free(sl_spill *s);

/* Adds a record to partition part. SL_EIO (errno set) when a block could not be written. */
sl_status sl_spill_put(sl_spill *s, unsigned part, const void *rec);

/* Records in partition part, on disk or waiting. */
uint64_t sl_spill_count(const sl_spill *s, unsigned part);

/* Reads partition part whole into dst (sl_spill_count records), in the order put.
 * SL_EIO (errno set) when the file could not be read back. */
sl_status sl_spill_read(sl_spill *s, unsigned part, void *dst);

/* The sources of a module's staging (sl_counts_open/close's): those seen since the mark, and
 * those closed as duplicates once some of their rows were spilled, whose rows are then left out
 * as they are read back. */
typedef struct {
    uint32_t *staged;
    size_t nstaged, capstaged;
    uint32_t *dropped; /* sorted by sl_spill_sources_seal */
    size_t ndropped, capdropped;
} sl_spill_sources;

/* A row of source was kept since the mark. SL_ENOMEM. */
sl_status sl_spill_sources_stage(sl_spill_sources *s, uint32_t source);
/* The sources staged since the mark are dropped; and a new mark. SL_ENOMEM. */
sl_status sl_spill_sources_drop(sl_spill_sources *s);
/* A new mark: nothing staged. */
void sl_spill_sources_mark(sl_spill_sources *s);
/* Once every source is closed: the dropped ones sorted for sl_spill_sources_dropped. */
void sl_spill_sources_seal(sl_spill_sources *s);
int sl_spill_sources_dropped(const sl_spill_sources *s, uint32_t source);
void sl_spill_sources_free(sl_spill_sources *s);

#endif
