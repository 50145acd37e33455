/* gather_rounds.h: scrapes waiting for every worker's counts: which are complete; pure. */
#ifndef PARKSHARE_GATHER_ROUNDS_H
#define PARKSHARE_GATHER_ROUNDS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * Each /metrics scrape opens a round with the next serial and asks every
 * worker for its counts; a worker answers with the newest serial it had
 * seen when it handed its counts over (so one answer may close several
 * rounds), or is gone (GATHER_ROUNDS_GONE). A round is complete when every
 * worker's answer is at least its serial; a round given up on (its time
 * is over) is closed with the workers still missing. Rounds never wait for
 * each other: concurrent scrapes each close on their own.
 */
struct gather_rounds;

/* A worker that will never answer again (its loop has ended). */
#define GATHER_ROUNDS_GONE UINT64_MAX

/* Called for a closed round: its cookie, and how many workers had not answered it. */
typedef void (*gather_rounds_done)(void *cookie, size_t missing, void *data);

/* Rounds over workers workers, none open. NULL without memory. */
struct gather_rounds *gather_rounds_new(size_t workers);

/*
 * Open a round for cookie (borrowed until the round closes). Returns its
 * serial (from 1), which the workers must be asked for, or 0 without memory.
 */
uint64_t gather_rounds_open(struct gather_rounds *rounds, void *cookie);

/* Worker (0..workers-1) has answered up to serial (a smaller one than before is ignored). */
void gather_rounds_answered(struct gather_rounds *rounds, size_t worker, uint64_t serial);

/* Close every complete round, oldest first, calling done; returns how many closed. */
size_t gather_rounds_settle(struct gather_rounds *rounds, gather_rounds_done done, void *data);

/* Close the round serial now (its time is over), complete or not; false when it is not open. */
bool gather_rounds_expire(struct gather_rounds *rounds, uint64_t serial, gather_rounds_done done,
                          void *data);

/* Close every open round now (shutting down). */
void gather_rounds_expire_all(struct gather_rounds *rounds, gather_rounds_done done, void *data);

/* How many rounds are open. */
size_t gather_rounds_open_count(const struct gather_rounds *rounds);

/* Free; accepts NULL. Open rounds are dropped without a call. */
void gather_rounds_free(struct gather_rounds *rounds);

#endif
