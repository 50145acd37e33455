/* log.h: leveled log lines on stderr, as text or as JSON lines. */
#ifndef PARKSHARE_LOG_H
#define PARKSHARE_LOG_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <time.h>

enum log_level {
    LOG_LEVEL_DEBUG = 0,
    LOG_LEVEL_INFO,
    LOG_LEVEL_WARNING,
    LOG_LEVEL_ERROR,
};

enum log_format {
    LOG_FORMAT_TEXT = 0,
    LOG_FORMAT_JSON,
};

/*
 * Set the threshold and the line format. Before this is called, lines of
 * level info and up are written as text. Logging is the one piece of global
 * state in the daemon: every module may log without carrying a handle.
 */
void log_setup(enum log_level threshold, enum log_format format);

/*
 * Begin each line with its syslog priority ("<3>" error, "<4>" warning,
 * "<6>" info, "<7>" debug), which journald reads and strips, so that errors
 * are filed as errors. Off until called; main.c turns it on when standard
 * error is the journal (see log_journal_stream_matches).
 */
void log_set_priority_prefix(bool enabled);

/* The syslog priority prefix of a level: "<3>", "<4>", "<6>" or "<7>". */
const char *log_priority_prefix(enum log_level level);

/*
 * Whether value, JOURNAL_STREAM as systemd sets it ("<device>:<inode>" in
 * decimal), names the file with this device and inode number (standard
 * error's, from fstat). NULL, empty or malformed: false.
 */
bool log_journal_stream_matches(const char *value, unsigned long long device,
                                unsigned long long inode);

/* Parse "debug", "info", "warning" or "error"; returns 0 or -1 (unknown). */
int log_level_from_name(const char *name, enum log_level *level);

/* The lower-case name of a level ("debug" ... "error"). */
const char *log_level_name(enum log_level level);

/*
 * Format one log line into buf (size bytes, always NUL-terminated, ends with
 * a newline). Pure: the wall-clock time is given. Text lines read
 * "2026-11-24T15:07:50.123Z info store: connected"; JSON lines are
 * {"time":"…","level":"info","component":"store","message":"connected"}.
 * Returns the length the complete line needs (excluding the NUL), like
 * snprintf; a longer line is cut and still ends with "\n" (and "}" in JSON).
 */
size_t log_format_line(char *buf, size_t size, enum log_format format, enum log_level level,
                       const struct timespec *when, const char *component, const char *message);

/*
 * Write a line when level reaches the threshold. component names the module
 * ("store", "http"); message is printf-style. Never pass a secret: tokens and
 * passwords must not reach the log.
 */
void log_write(enum log_level level, const char *component, const char *format, ...)
    __attribute__((format(printf, 3, 4)));

#define log_debug(component, ...)   log_write(LOG_LEVEL_DEBUG, component, __VA_ARGS__)
#define log_info(component, ...)    log_write(LOG_LEVEL_INFO, component, __VA_ARGS__)
#define log_warning(component, ...) log_write(LOG_LEVEL_WARNING, component, __VA_ARGS__)
#define log_error(component, ...)   log_write(LOG_LEVEL_ERROR, component, __VA_ARGS__)

#endif
