/* command.c: what every command shares: messages on stderr, refusals, query parameters. */
#include "command.h"

#include <curl/curl.h>
#include <jansson.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

int command_say(int status, const char *format, ...)
{
    va_list args;
    fputs("parkshare-cli: ", stderr);
    va_start(args, format);
    vfprintf(stderr, format, args);
    va_end(args);
    fputc('\n', stderr);
    return status;
}

int command_refused(const struct transport_answer *answer)
{
    json_t *problem = json_loads(answer->body, 0, NULL);
    const char *title = json_string_value(json_object_get(problem, "title"));
    const char *detail = json_string_value(json_object_get(problem, "detail"));
    int status = answer->status >= 500 ? EXIT_NETWORK : EXIT_REFUSED;
    if (title != NULL)
        command_say(status, "the server refused (%ld %s): %s", answer->status, title,
                    detail ? detail : "");
    else
        command_say(status, "the server answered %ld", answer->status);
    json_decref(problem);
    return status;
}

void command_add_parameter(char *query, size_t size, const char *name, const char *value)
{
    char *escaped;
    if (value == NULL)
        return;
    escaped = curl_easy_escape(NULL, value, 0);
    if (escaped == NULL)
        return;
    snprintf(query + strlen(query), size - strlen(query), "%s%s=%s", strchr(query, '?') ? "&" : "?",
             name, escaped);
    curl_free(escaped);
}
