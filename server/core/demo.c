/* demo.c: what the demo city invents so that it looks alive: plausible counts; pure. */
#include "demo.h"

int64_t demo_plausible_count(const char *id, int64_t capacity)
{
    uint32_t hash = 2166136261u;

    if (capacity < 1)
        return 0;
    for (const unsigned char *p = (const unsigned char *)id; *p; p++) {
        hash ^= *p;
        hash *= 16777619u;
    }
    /* 35..95 percent, rounded down. */
    return capacity * (35 + (int64_t)(hash % 61)) / 100;
}
