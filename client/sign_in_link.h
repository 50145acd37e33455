/* sign_in_link.h: an attendant's sign-in link (<url>/attendant#token=…) and its terminal QR code.
 */
#ifndef PARKSHARE_CLI_SIGN_IN_LINK_H
#define PARKSHARE_CLI_SIGN_IN_LINK_H

#include <stdbool.h>
#include <stdio.h>

/* Errors of this module. */
enum sign_in_link_error {
    SIGN_IN_LINK_OK = 0,
    SIGN_IN_LINK_NO_MEMORY = -1,
    SIGN_IN_LINK_TOO_LONG = -2, /* more than a QR code holds */
};

/*
 * The link that signs an attendant in: base_url (a trailing '/' dropped),
 * "/attendant#token=" and the token. The token rides in the fragment, which
 * a browser never sends, so it stays out of every request line and log.
 * Returns a string the caller frees, or NULL when out of memory.
 */
char *sign_in_link_new(const char *base_url, const char *token);

/*
 * Print link as a QR code (error correction M) in Unicode half blocks, two
 * modules a character row, with a four-module quiet zone. A drawn block is a
 * light module, so the code reads on a dark terminal; with colors (a
 * terminal) the lines are painted white on black, so it reads on a light one
 * too. Returns SIGN_IN_LINK_OK or a negative enum sign_in_link_error.
 */
int sign_in_link_print_qr(FILE *out, const char *link, bool colors);

#endif
