/* totals.c: what a sign shows for a selection of lots: sums and the one-line text; pure. */
#include "totals.h"

#include "civil.h"
#include "space.h"

#include <stdio.h>
#include <string.h>

/* One lot's spaces of a type (lot_query_selects made sure it declares them), as a lot counts. */
static void add_space(struct totals *totals, const struct snapshot_lot *lot, int type)
{
    int64_t capacity = space_capacity(lot->space_plan, (enum space_type)type);
    int64_t free_spaces = space_free(lot->space_plan, snapshot_lot_counts(lot), lot->spaces_fresh,
                                     (enum space_type)type);

    totals->capacity += capacity;
    if (snapshot_lot_counts(lot)->updated_at_ms[type] > totals->updated_at_ms)
        totals->updated_at_ms = snapshot_lot_counts(lot)->updated_at_ms[type];
    if (!lot->open_now)
        return;
    totals->lots_open++;
    if (free_spaces < 0) {
        totals->lots_unknown++;
        return;
    }
    totals->lots_full += free_spaces == 0;
    totals->occupied += capacity - free_spaces;
    totals->free += free_spaces;
}

/* What a selection of no lot adds up to. */
static void totals_none(struct totals *totals)
{
    memset(totals, 0, sizeof(*totals));
    totals->updated_at_ms = -1;
}

void totals_compute(const struct snapshot *snapshot, const struct lot_selection *selection,
                    struct totals *totals)
{
    totals_none(totals);
    for (size_t i = 0; i < snapshot_count(snapshot); i++) {
        const struct snapshot_lot *lot = snapshot_at(snapshot, i);
        if (!lot_query_selects(selection, lot))
            continue;
        totals->lots++;
        if (selection->space != NULL) {
            add_space(totals, lot, space_type_from_name(selection->space));
            continue;
        }
        totals->capacity += lot->capacity;
        if (lot->updated_at_ms > totals->updated_at_ms)
            totals->updated_at_ms = lot->updated_at_ms;
        if (!lot->open_now)
            continue;
        totals->lots_open++;
        if (lot->state == SNAPSHOT_STATE_UNKNOWN) {
            totals->lots_unknown++;
            continue;
        }
        totals->lots_full += lot->state == SNAPSHOT_STATE_FULL;
        totals->occupied += lot->occupied;
        totals->free += lot->capacity - lot->occupied > 0 ? lot->capacity - lot->occupied : 0;
    }
}

void totals_text(const struct totals *totals, const char *unknown_text, char out[TOTALS_TEXT_MAX])
{
    bool none_fresh = totals->lots_unknown >= totals->lots_open;
    bool known_all_full = totals->lots_full + totals->lots_unknown >= totals->lots_open;

    if (totals->lots_open == 0)
        snprintf(out, TOTALS_TEXT_MAX, "CLOSED\n");
    else if (none_fresh || (known_all_full && totals->lots_unknown > 0))
        snprintf(out, TOTALS_TEXT_MAX, "%.*s\n", TOTALS_TEXT_MAX - 2, unknown_text);
    else if (totals->lots_full == totals->lots_open)
        snprintf(out, TOTALS_TEXT_MAX, "FULL\n");
    else
        snprintf(out, TOTALS_TEXT_MAX, "%lld\n", (long long)totals->free);
}

json_t *totals_json(const struct totals *totals, void (*format_time)(int64_t utc_ms, char out[32]))
{
    char updated_at[32];
    if (totals->updated_at_ms >= 0) {
        if (format_time != NULL)
            format_time(totals->updated_at_ms, updated_at);
        else
            civil_format_utc_ms(totals->updated_at_ms, updated_at);
    }
    return json_pack("{s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:s?}", "free", (json_int_t)totals->free,
                     "capacity", (json_int_t)totals->capacity, "occupied",
                     (json_int_t)totals->occupied, "lots", (json_int_t)totals->lots, "lots_open",
                     (json_int_t)totals->lots_open, "lots_full", (json_int_t)totals->lots_full,
                     "lots_unknown", (json_int_t)totals->lots_unknown, "updated_at",
                     totals->updated_at_ms >= 0 ? updated_at : NULL);
}

size_t totals_eviction_victim(size_t count, totals_use_at use_at, const void *data)
{
    size_t victim = count;
    for (size_t i = 0; i < count; i++) {
        const struct totals_use *use = use_at(i, data);
        if (use->followers == 0 &&
            (victim == count || use->last_used < use_at(victim, data)->last_used))
            victim = i;
    }
    return victim;
}

bool totals_worth_caching(const struct totals *totals, bool followed)
{
    return followed || totals->lots > 0;
}

void totals_compute_named(const struct snapshot *snapshot, struct lot_names *names,
                          const struct lot_selection *selection, struct totals *totals)
{
    if (lot_names_selects_none(names, snapshot, selection))
        totals_none(totals);
    else
        totals_compute(snapshot, selection, totals);
}
