/* feed_spaces.h: a lot's space types in the feeds' words (ParkAPI v3 restrictions, DATEX II
 * assignedFor); pure. */
#ifndef PARKSHARE_FEED_SPACES_H
#define PARKSHARE_FEED_SPACES_H

#include "feed_datex.h"
#include "snapshot.h"

#include <jansson.h>

/*
 * Set on a ParkAPI v3 site, for the lot's declared types that ParkAPI
 * names: "restrictions" ([{"type": "DISABLED"}, …]), capacity_<type> and,
 * while the type's count is fresh, realtime_free_capacity_<type>. Nothing
 * when the lot declares none. Returns 0, or -1 when out of memory.
 */
int feed_spaces_parkapi(json_t *site, const struct snapshot_lot *lot);

/*
 * Set on a DATEX II site "assignedFor": one entry per declared type,
 * typeOfAssignment "onlyFor", with availableSpaces while the type's count
 * is fresh; a reserved type's note is its additionalAssignment in Chinese,
 * "reserved" in English. Nothing when the lot declares none. Returns 0, or
 * -1 when out of memory.
 */
int feed_spaces_datex(json_t *site, const struct snapshot_lot *lot,
                      enum feed_datex_language language);

#endif
