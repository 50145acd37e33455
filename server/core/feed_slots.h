/* feed_slots.h: whole-city feed documents kept one to a slot, rebuilt at a bounded rate; pure. */
#ifndef PARKSHARE_FEED_SLOTS_H
#define PARKSHARE_FEED_SLOTS_H

#include "rendered_answer.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * How many whole-city documents are kept: DATEX II in Chinese and English
 * and ParkAPI v1 per city. Only a document that rendered (a known city)
 * takes a slot, so the bound is on the deployment's cities, not on what
 * clients ask for; past it the least recently asked document is dropped.
 */
#define FEED_SLOTS_MAX 32

/*
 * A document whose snapshot has changed is rebuilt only once this many
 * times its last build's duration has passed since that build ended, so
 * building takes at most 1/(FACTOR + 1) of a core however many clients
 * ask and however often lots change, past FEED_SLOTS_AT_ONCE_MS: a city
 * of 20,000 lots (a DATEX II build of some 170 ms) shows a change within
 * about two seconds.
 */
#define FEED_SLOTS_REBUILD_FACTOR 10

/*
 * A document whose last build took less than this many milliseconds is
 * rebuilt on the first request after any change, as the v3 list's pages
 * are: its cost per change is below that of one page of 1,000 sites (some
 * 8 ms on the bench machine), which every change may already cost, and a
 * city of up to about a thousand lots shows every change at once.
 */
#define FEED_SLOTS_AT_ONCE_MS 10

/*
 * Whether a kept document built from built_revision, whose build ended at
 * built_at_ms and took build_ms (monotonic milliseconds), is rebuilt when
 * asked at now_ms with the snapshot at revision: never while the revision
 * is the same, else at once when build_ms is under FEED_SLOTS_AT_ONCE_MS,
 * else once now_ms - built_at_ms reaches FEED_SLOTS_REBUILD_FACTOR × build_ms.
 */
bool feed_slots_rebuild_due(uint64_t revision, uint64_t built_revision, int64_t now_ms,
                            int64_t built_at_ms, int64_t build_ms);

struct feed_slots;

/*
 * New empty slots timed by monotonic_ms (a test's clock, given data; NULL:
 * clock_monotonic_ms), or NULL when out of memory.
 */
struct feed_slots *feed_slots_new(int64_t (*monotonic_ms)(void *data), void *data);

/* Free the slots and drop their documents; accepts NULL. */
void feed_slots_free(struct feed_slots *slots);

/* The slots' clock now (monotonic milliseconds): take it before a build and pass it to store. */
int64_t feed_slots_clock(const struct feed_slots *slots);

/*
 * The document kept under key, or NULL; *rebuild says whether it is to be
 * built again now for revision (feed_slots_rebuild_due; always true when
 * nothing is kept). The answer is borrowed: hold it (rendered_answer_hold)
 * to keep it past the next feed_slots_store.
 */
const struct rendered_answer *feed_slots_find(struct feed_slots *slots, const char *key,
                                              uint64_t revision, bool *rebuild);

/*
 * Keep answer (the caller's reference, taken over) under key, built from
 * revision by a build that started at started_ms (feed_slots_clock), in
 * the key's slot or, when there is none, an empty one or that of the least
 * recently found document. Returns 0, or -1 when out of memory (answer
 * is then dropped and nothing else changed).
 */
int feed_slots_store(struct feed_slots *slots, const char *key, uint64_t revision,
                     struct rendered_answer *answer, int64_t started_ms);

/* How many documents were stored since the slots were made (for tests and counts). */
uint64_t feed_slots_builds(const struct feed_slots *slots);

/* How many documents are kept now. */
size_t feed_slots_count(const struct feed_slots *slots);

#endif
