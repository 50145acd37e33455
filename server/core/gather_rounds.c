/* gather_rounds.c: scrapes waiting for every worker's counts, closed when all have answered. */
#include "gather_rounds.h"

#include <stdbool.h>
#include <stdlib.h>

struct round {
    struct round *next;
    uint64_t serial;
    void *cookie;
};

struct gather_rounds {
    size_t workers;
    uint64_t *answered; /* per worker: the newest serial answered, or GATHER_ROUNDS_GONE */
    uint64_t next_serial;
    struct round *open, **open_tail; /* oldest first */
    size_t open_count;
};

struct gather_rounds *gather_rounds_new(size_t workers)
{
    struct gather_rounds *rounds = calloc(1, sizeof(*rounds));

    if (rounds == NULL)
        return NULL;
    rounds->answered = calloc(workers > 0 ? workers : 1, sizeof(*rounds->answered));
    if (rounds->answered == NULL) {
        free(rounds);
        return NULL;
    }
    rounds->workers = workers;
    rounds->next_serial = 1;
    rounds->open_tail = &rounds->open;
    return rounds;
}

uint64_t gather_rounds_open(struct gather_rounds *rounds, void *cookie)
{
    struct round *round = malloc(sizeof(*round));

    if (round == NULL)
        return 0;
    *round = (struct round){NULL, rounds->next_serial++, cookie};
    *rounds->open_tail = round;
    rounds->open_tail = &round->next;
    rounds->open_count++;
    return round->serial;
}

void gather_rounds_answered(struct gather_rounds *rounds, size_t worker, uint64_t serial)
{
    if (worker < rounds->workers && serial > rounds->answered[worker])
        rounds->answered[worker] = serial;
}

static size_t missing_for(const struct gather_rounds *rounds, uint64_t serial)
{
    size_t missing = 0;
    for (size_t i = 0; i < rounds->workers; i++)
        if (rounds->answered[i] < serial)
            missing++;
    return missing;
}

/* Unlink the round *link points at, call done for it and free it. */
static void close_round(struct gather_rounds *rounds, struct round **link, gather_rounds_done done,
                        void *data)
{
    struct round *round = *link;
    size_t missing = missing_for(rounds, round->serial);

    *link = round->next;
    if (*link == NULL)
        rounds->open_tail = link;
    rounds->open_count--;
    done(round->cookie, missing, data);
    free(round);
}

size_t gather_rounds_settle(struct gather_rounds *rounds, gather_rounds_done done, void *data)
{
    struct round **link = &rounds->open;
    size_t closed = 0;

    while (*link != NULL) {
        if (missing_for(rounds, (*link)->serial) == 0) {
            close_round(rounds, link, done, data);
            closed++;
        } else {
            link = &(*link)->next;
        }
    }
    return closed;
}

bool gather_rounds_expire(struct gather_rounds *rounds, uint64_t serial, gather_rounds_done done,
                          void *data)
{
    for (struct round **link = &rounds->open; *link != NULL; link = &(*link)->next) {
        if ((*link)->serial == serial) {
            close_round(rounds, link, done, data);
            return true;
        }
    }
    return false;
}

void gather_rounds_expire_all(struct gather_rounds *rounds, gather_rounds_done done, void *data)
{
    while (rounds->open != NULL)
        close_round(rounds, &rounds->open, done, data);
}

size_t gather_rounds_open_count(const struct gather_rounds *rounds)
{
    return rounds->open_count;
}

void gather_rounds_free(struct gather_rounds *rounds)
{
    if (rounds == NULL)
        return;
    while (rounds->open != NULL) {
        struct round *round = rounds->open;
        rounds->open = round->next;
        free(round);
    }
    free(rounds->answered);
    free(rounds);
}
