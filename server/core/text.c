/* text.c: facts about UTF-8 text that validation asks for: its length in characters, control
 * characters; pure. */
#include "text.h"

size_t text_characters(const char *text)
{
    size_t count = 0;
    /* Every byte but a continuation byte (10xxxxxx) starts a character. */
    for (const unsigned char *p = (const unsigned char *)text; *p; p++)
        count += (*p & 0xc0) != 0x80;
    return count;
}

bool text_has_control(const char *text, bool allow_line_breaks)
{
    for (const unsigned char *p = (const unsigned char *)text; *p; p++) {
        bool line_break = *p == '\n' || *p == '\r' || *p == '\t';
        if ((*p < 0x20 && !(allow_line_breaks && line_break)) || *p == 0x7f)
            return true;
    }
    return false;
}
