/* redis_log.h: a line of redis-server's log, read into the daemon's level and a message. */
#ifndef PARKSHARE_REDIS_LOG_H
#define PARKSHARE_REDIS_LOG_H

#include "log.h"

/*
 * Read one line of redis-server's log, "<pid>:<role> <day> <month> <year>
 * <time> <mark> <message>", where the mark is '.' (debug), '-' (verbose),
 * '*' (notice) or '#' (warning), into the level the daemon logs it at
 * (debug, debug, info, warning) and the message after the mark. A line of
 * another shape (a fatal configuration error, a crash report) is the whole
 * line at level warning: it is never dropped. line is NUL-terminated,
 * without its newline; *message points into it.
 */
void redis_log_parse_line(const char *line, enum log_level *level, const char **message);

#endif
