/* log.c: leveled log lines on stderr, as text or as JSON lines. */
#include "log.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* The daemon's only mutable global: logging must work from anywhere. */
static struct {
    enum log_level threshold;
    enum log_format format;
    bool priority_prefix;
} log_settings = {LOG_LEVEL_INFO, LOG_FORMAT_TEXT, false};

static const char *const log_level_names[] = {"debug", "info", "warning", "error"};

/* syslog's LOG_DEBUG, LOG_INFO, LOG_WARNING and LOG_ERR, by log level. */
static const char *const log_priority_prefixes[] = {"<7>", "<6>", "<4>", "<3>"};

void log_setup(enum log_level threshold, enum log_format format)
{
    log_settings.threshold = threshold;
    log_settings.format = format;
}

void log_set_priority_prefix(bool enabled)
{
    log_settings.priority_prefix = enabled;
}

const char *log_priority_prefix(enum log_level level)
{
    if ((unsigned)level >= sizeof(log_priority_prefixes) / sizeof(log_priority_prefixes[0]))
        return "<3>";
    return log_priority_prefixes[level];
}

/* A decimal number ending at *end; false when there is none or it overflows. */
static bool parse_decimal(const char *text, char **end, unsigned long long *value)
{
    if (*text < '0' || *text > '9')
        return false;
    errno = 0;
    *value = strtoull(text, end, 10);
    return errno == 0;
}

bool log_journal_stream_matches(const char *value, unsigned long long device,
                                unsigned long long inode)
{
    unsigned long long stream_device, stream_inode;
    char *end;

    if (value == NULL || !parse_decimal(value, &end, &stream_device) || *end != ':' ||
        !parse_decimal(end + 1, &end, &stream_inode) || *end != '\0')
        return false;
    return stream_device == device && stream_inode == inode;
}

int log_level_from_name(const char *name, enum log_level *level)
{
    for (size_t i = 0; i < sizeof(log_level_names) / sizeof(log_level_names[0]); i++) {
        if (strcmp(name, log_level_names[i]) == 0) {
            *level = (enum log_level)i;
            return 0;
        }
    }
    return -1;
}

const char *log_level_name(enum log_level level)
{
    if ((unsigned)level >= sizeof(log_level_names) / sizeof(log_level_names[0]))
        return "error";
    return log_level_names[level];
}

/*
 * A bounded writer. Each put is one unit (a character, an escape sequence, a
 * literal) that is written whole or not at all, so a cut line never ends
 * inside an escape; `needed` keeps counting like snprintf's return value.
 */
struct line_writer {
    char *buf;
    size_t limit; /* bytes available for content, trailer excluded */
    size_t length;
    size_t needed;
    bool cut;
};

static void writer_put(struct line_writer *writer, const char *bytes, size_t count)
{
    writer->needed += count;
    if (writer->cut || writer->length + count > writer->limit) {
        writer->cut = true;
        return;
    }
    memcpy(writer->buf + writer->length, bytes, count);
    writer->length += count;
}

static void writer_puts(struct line_writer *writer, const char *text)
{
    writer_put(writer, text, strlen(text));
}

/* The length of the UTF-8 sequence starting with lead (1 for a stray byte). */
static size_t utf8_sequence_length(unsigned char lead)
{
    if (lead >= 0xf0 && lead < 0xf8)
        return 4;
    if (lead >= 0xe0)
        return lead < 0xf0 ? 3 : 1;
    if (lead >= 0xc0)
        return 2;
    return 1;
}

/* Copy text as units of whole UTF-8 sequences so a cut never splits one. */
static void writer_put_escaped(struct line_writer *writer, const char *text, bool json)
{
    const unsigned char *p = (const unsigned char *)text;
    while (*p) {
        char escaped[8];
        size_t unit = utf8_sequence_length(*p);
        for (size_t i = 1; i < unit; i++) {
            if ((p[i] & 0xc0) != 0x80) {
                unit = 1;
                break;
            }
        }
        if (*p == '\n')
            writer_puts(writer, "\\n");
        else if (*p == '\r')
            writer_puts(writer, "\\r");
        else if (json && *p == '\t')
            writer_puts(writer, "\\t");
        else if (json && *p == '"')
            writer_puts(writer, "\\\"");
        else if (json && *p == '\\')
            writer_puts(writer, "\\\\");
        else if (json && (*p < 0x20 || *p == 0x7f)) {
            snprintf(escaped, sizeof(escaped), "\\u%04x", *p);
            writer_puts(writer, escaped);
        } else if (json && unit == 1 && *p >= 0x80) {
            /* Not UTF-8: JSON must stay valid, so replace the byte. */
            writer_puts(writer, "\\ufffd");
        } else {
            writer_put(writer, (const char *)p, unit);
        }
        p += unit;
    }
}

static void format_timestamp(char out[32], const struct timespec *when)
{
    struct tm utc;
    time_t seconds = when->tv_sec;
    char date[24];

    if (gmtime_r(&seconds, &utc) == NULL ||
        strftime(date, sizeof(date), "%Y-%m-%dT%H:%M:%S", &utc) == 0) {
        snprintf(out, 32, "1970-01-01T00:00:00.000Z");
        return;
    }
    snprintf(out, 32, "%.20s.%03uZ", date, (unsigned)(when->tv_nsec / 1000000) % 1000u);
}

size_t log_format_line(char *buf, size_t size, enum log_format format, enum log_level level,
                       const struct timespec *when, const char *component, const char *message)
{
    const char *trailer = format == LOG_FORMAT_JSON ? "\"}\n" : "\n";
    size_t trailer_length = strlen(trailer);
    struct line_writer writer = {buf, 0, 0, 0, false};
    bool json = format == LOG_FORMAT_JSON;
    char timestamp[32];

    if (size > trailer_length)
        writer.limit = size - 1 - trailer_length;
    format_timestamp(timestamp, when);
    writer_puts(&writer, json ? "{\"time\":\"" : "");
    writer_puts(&writer, timestamp);
    writer_puts(&writer, json ? "\",\"level\":\"" : " ");
    writer_puts(&writer, log_level_name(level));
    writer_puts(&writer, json ? "\",\"component\":\"" : " ");
    writer_put_escaped(&writer, component, json);
    writer_puts(&writer, json ? "\",\"message\":\"" : ": ");
    writer_put_escaped(&writer, message, json);

    if (size > trailer_length) {
        memcpy(buf + writer.length, trailer, trailer_length);
        buf[writer.length + trailer_length] = '\0';
    } else if (size > 0) {
        buf[0] = '\0';
    }
    return writer.needed + trailer_length;
}

void log_write(enum log_level level, const char *component, const char *format, ...)
{
    char message[2048];
    char line[4096];
    struct timespec now;
    va_list args;
    size_t length, prefix_length = 0;

    if (level < log_settings.threshold)
        return;
    va_start(args, format);
    vsnprintf(message, sizeof(message), format, args);
    va_end(args);
    if (clock_gettime(CLOCK_REALTIME, &now) != 0)
        now = (struct timespec){0, 0};
    if (log_settings.priority_prefix) {
        prefix_length = strlen(log_priority_prefix(level));
        memcpy(line, log_priority_prefix(level), prefix_length);
    }
    length = log_format_line(line + prefix_length, sizeof(line) - prefix_length,
                             log_settings.format, level, &now, component, message);
    if (length >= sizeof(line) - prefix_length)
        length = strlen(line + prefix_length);
    length += prefix_length;
    /* One write(2) per line so lines from a child process never interleave
     * mid-line; a failed log write has nowhere to be reported. */
    ssize_t ignored = write(STDERR_FILENO, line, length);
    (void)ignored;
}
