/* operator.h: the operator's commands: import lots and calendars, tokens, the audit. */
#ifndef PARKSHARE_CLI_OPERATOR_H
#define PARKSHARE_CLI_OPERATOR_H

#include "command.h"

/* import lots FILE | import calendar ID FILE... (argv after "import"). */
int operator_import(struct client *client, int argc, char **argv);

/*
 * token create --role R [--lots a,b] --name N [--link] [--qr] | token list | token revoke ID.
 * --link prints the attendant's sign-in link instead of the bare token; --qr prints that link
 * and then the link as a terminal QR code.
 */
int operator_token(struct client *client, int argc, char **argv);

/* audit [--lot L] [--since TIME] [--limit N]. */
int operator_audit(struct client *client, int argc, char **argv);

#endif
