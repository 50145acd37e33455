/* redact.h: secrets taken out of text before it is shown: URL passwords, known secrets. */
#ifndef PARKSHARE_REDACT_H
#define PARKSHARE_REDACT_H

#include <stddef.h>

/* What stands in for a secret that was taken out. */
#define REDACT_MARK "***"

/*
 * Copy text into out (out_size bytes, always NUL-terminated when out_size >
 * 0) with the password of a URL's user information replaced by REDACT_MARK:
 * "redis://user:secret@host:6379/0" becomes "redis://user:***@host:6379/0",
 * ":secret@" becomes ":***@", and user information without a colon
 * ("secret@host") is replaced whole, since it may be a bare password. The
 * user information runs from after "://" (or the start of text when there
 * is none) to the last '@', as the daemon's redis URL parser reads it, so a
 * password holding '@' or '/' is covered whole. Text with no '@' is copied
 * unchanged. Returns the length the whole result needs, like snprintf; a
 * result cut short never ends inside the mark.
 */
size_t redact_url(const char *text, char *out, size_t out_size);

/*
 * Copy text into out with every occurrence of secret replaced by
 * REDACT_MARK; a NULL or empty secret copies text unchanged. Returns the
 * length the whole result needs, like snprintf.
 */
size_t redact_secret(const char *text, const char *secret, char *out, size_t out_size);

#endif
