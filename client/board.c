/* board.c: the terminal board: a sign's number in block letters, kept current by long polls. */
#include "board.h"
#include "big_digits.h"

#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

static volatile sig_atomic_t board_stop, board_resized;

static void on_stop(int signal_number)
{
    (void)signal_number;
    board_stop = 1;
}

static void on_resize(int signal_number)
{
    (void)signal_number;
    board_resized = 1;
}

/* The terminal's width, or 0 when stdout is not a terminal. */
static int terminal_width(void)
{
    struct winsize size;
    return ioctl(STDOUT_FILENO, TIOCGWINSZ, &size) == 0 ? size.ws_col : 0;
}

/* Draw the frame; on a terminal, clear it and centre the letters in its width. */
static void draw_board(const char *text, const char *caption, bool live)
{
    char art[4096];
    int margin = big_digits_margin(text, live ? terminal_width() : 0);

    if (live)
        fputs("\033[H\033[2J", stdout);
    if (big_digits_render(text, art, sizeof(art)) > 0) {
        for (char *row = strtok(art, "\n"); row != NULL; row = strtok(NULL, "\n"))
            printf("%*s%s\n", margin, "", row);
    }
    printf("%s\n", caption);
    fflush(stdout);
}

int board_run(struct client *client, const char *city, const char *group, bool once)
{
    char path[512] = "/v1/totals.txt", caption[256], error[512], etag[128] = "", shown[32] = "";
    struct transport_answer answer;
    int delay = 1;

    command_add_parameter(path, sizeof(path), "city", city);
    command_add_parameter(path, sizeof(path), "group", group);
    snprintf(caption, sizeof(caption), "%s%s",
             group  ? group
             : city ? city
                    : "all lots",
             once ? "" : "  (Ctrl-C to stop)");
    signal(SIGINT, on_stop);
    signal(SIGTERM, on_stop);
    signal(SIGWINCH, on_resize);
    while (!board_stop) {
        char request_path[600];
        if (board_resized && shown[0] != '\0') {
            board_resized = 0;
            draw_board(shown, caption, true);
        }
        /* Long poll: the answer comes when the number changes, or as 304 within
         * 10 s, which is also how soon a resized terminal is redrawn. */
        snprintf(request_path, sizeof(request_path), "%s%s", path,
                 once || etag[0] == '\0' ? "" : (strchr(path, '?') ? "&wait=10" : "?wait=10"));
        if (transport_request(client->transport, "GET", request_path, NULL, NULL,
                              etag[0] ? etag : NULL, 20, &answer, error, sizeof(error)) != 0) {
            if (once)
                return command_say(EXIT_NETWORK, "%s", error);
            draw_board("", "connection lost; retrying", true);
            sleep((unsigned)delay);
            delay = delay < 8 ? delay * 2 : 8;
            continue;
        }
        delay = 1;
        if (answer.status == 304)
            continue;
        if (answer.status != 200)
            return command_refused(&answer);
        snprintf(etag, sizeof(etag), "%s",
                 transport_etag(client->transport) ? transport_etag(client->transport) : "");
        snprintf(shown, sizeof(shown), "%.*s", (int)strcspn(answer.body, "\n"), answer.body);
        draw_board(shown, caption, !once);
        if (once)
            return EXIT_OK;
    }
    return EXIT_OK;
}
