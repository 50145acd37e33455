/* redis_log.c: a line of redis-server's log, read into the daemon's level and a message. */
#include "redis_log.h"

#include <stdbool.h>
#include <string.h>

/* Skip one run of digits; NULL when there is none. */
static const char *skip_digits(const char *p)
{
    const char *start = p;
    while (*p >= '0' && *p <= '9')
        p++;
    return p == start ? NULL : p;
}

/* Skip one word and the single space after it; NULL when the line ends first. */
static const char *skip_word(const char *p)
{
    const char *space = strchr(p, ' ');
    return space == NULL || space == p ? NULL : space + 1;
}

/* The level of a mark, or false for a character that is none. */
static bool level_of_mark(char mark, enum log_level *level)
{
    switch (mark) {
    case '.':
    case '-':
        *level = LOG_LEVEL_DEBUG;
        return true;
    case '*':
        *level = LOG_LEVEL_INFO;
        return true;
    case '#':
        *level = LOG_LEVEL_WARNING;
        return true;
    default:
        return false;
    }
}

void redis_log_parse_line(const char *line, enum log_level *level, const char **message)
{
    const char *p = skip_digits(line);

    *level = LOG_LEVEL_WARNING;
    *message = line;
    /* "<pid>:<role> ": X sentinel, C child, S replica, M primary. */
    if (p == NULL || p[0] != ':' || strchr("XCSM", p[1]) == NULL || p[1] == '\0' || p[2] != ' ')
        return;
    p += 3;
    /* The day, the month, the year and the time. */
    for (int word = 0; word < 4 && p != NULL; word++)
        p = skip_word(p);
    if (p == NULL || p[0] == '\0' || p[1] != ' ' || !level_of_mark(p[0], level))
        return;
    *message = p + 2;
}
