/* text.h: facts about UTF-8 text that validation asks for: its length in characters, control
 * characters; pure. */
#ifndef PARKSHARE_TEXT_H
#define PARKSHARE_TEXT_H

#include <stdbool.h>
#include <stddef.h>

/* Code points in valid UTF-8 text (jansson and the config reader guarantee validity). */
size_t text_characters(const char *text);

/* Whether text holds a control character (C0 or DEL); with allow_line_breaks, '\n', '\r'
 * and '\t' are not counted as such. */
bool text_has_control(const char *text, bool allow_line_breaks);

#endif
