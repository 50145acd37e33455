/* clock.h: wall time, monotonic time, local time in the deployment's zone, RFC 3339 text. */
#ifndef PARKSHARE_CLOCK_H
#define PARKSHARE_CLOCK_H

#include <stdint.h>

/* Milliseconds since the epoch by the wall clock: for stamps and for judging lots. */
int64_t clock_now_ms(void);

/* Milliseconds of a clock that never jumps: for rates, timeouts and backoff. */
int64_t clock_monotonic_ms(void);

/* The wall clock now as "2026-11-24T15:07:50.123Z" and a NUL (25 bytes). */
void clock_now_rfc3339(char out[25]);

/*
 * Local minutes (days since 1970-01-01 × 1440 + minute of the day, see
 * schedule.h) of a UTC instant in milliseconds, in the process' timezone
 * (main sets TZ to the configured zone before anything runs).
 */
int64_t clock_local_minute(int64_t utc_ms);

/* The UTC instant in milliseconds of a local minute (a minute in a DST gap moves forward). */
int64_t clock_utc_ms(int64_t local_minute);

/* RFC 3339 in local time with its offset, e.g. "2026-02-14T20:00:00+08:00", and a NUL. */
void clock_format_local(int64_t utc_ms, char out[32]);

#endif
