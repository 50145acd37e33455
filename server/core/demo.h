/* demo.h: what the demo city invents so that it looks alive: plausible counts; pure. */
#ifndef PARKSHARE_DEMO_H
#define PARKSHARE_DEMO_H

#include <stdint.h>

/*
 * A plausible count for a demo lot: between 35% and 95% of capacity, the
 * same for the same id (FNV-1a of the id picks it), so a demo always starts
 * alike; 0 for a capacity below 1.
 */
int64_t demo_plausible_count(const char *id, int64_t capacity);

#endif
