/* big_digits.c: a sign's text in large block letters for the terminal board; pure. */
#include "big_digits.h"

#include <string.h>

#define GLYPH_COLUMNS 5

struct glyph {
    char character;
    const char *rows[BIG_DIGITS_ROWS];
};

static const struct glyph glyphs[] = {
    {'0', {" ### ", "#   #", "#  ##", "# # #", "##  #", "#   #", " ### "}},
    {'1', {"  #  ", " ##  ", "  #  ", "  #  ", "  #  ", "  #  ", " ### "}},
    {'2', {" ### ", "#   #", "    #", "   # ", "  #  ", " #   ", "#####"}},
    {'3', {"#####", "   # ", "  #  ", "   # ", "    #", "#   #", " ### "}},
    {'4', {"   # ", "  ## ", " # # ", "#  # ", "#####", "   # ", "   # "}},
    {'5', {"#####", "#    ", "#### ", "    #", "    #", "#   #", " ### "}},
    {'6', {"  ## ", " #   ", "#    ", "#### ", "#   #", "#   #", " ### "}},
    {'7', {"#####", "    #", "   # ", "  #  ", " #   ", " #   ", " #   "}},
    {'8', {" ### ", "#   #", "#   #", " ### ", "#   #", "#   #", " ### "}},
    {'9', {" ### ", "#   #", "#   #", " ####", "    #", "   # ", " ##  "}},
    {'F', {"#####", "#    ", "#    ", "#### ", "#    ", "#    ", "#    "}},
    {'U', {"#   #", "#   #", "#   #", "#   #", "#   #", "#   #", " ### "}},
    {'L', {"#    ", "#    ", "#    ", "#    ", "#    ", "#    ", "#####"}},
    {'C', {" ### ", "#   #", "#    ", "#    ", "#    ", "#   #", " ### "}},
    {'O', {" ### ", "#   #", "#   #", "#   #", "#   #", "#   #", " ### "}},
    {'S', {" ####", "#    ", "#    ", " ### ", "    #", "    #", "#### "}},
    {'E', {"#####", "#    ", "#    ", "#### ", "#    ", "#    ", "#####"}},
    {'D', {"#### ", "#   #", "#   #", "#   #", "#   #", "#   #", "#### "}},
};

static const char *row_of(char character, int row)
{
    for (size_t i = 0; i < sizeof(glyphs) / sizeof(glyphs[0]); i++) {
        if (glyphs[i].character == character)
            return glyphs[i].rows[row];
    }
    return "     ";
}

size_t big_digits_render(const char *text, char *out, size_t size)
{
    size_t length = strlen(text), used = 0;
    size_t needed = BIG_DIGITS_ROWS * (length * (GLYPH_COLUMNS + 1) + 1) + 1;
    if (size < needed)
        return 0;
    for (int row = 0; row < BIG_DIGITS_ROWS; row++) {
        for (size_t i = 0; i < length; i++) {
            memcpy(out + used, row_of(text[i], row), GLYPH_COLUMNS);
            used += GLYPH_COLUMNS;
            if (i + 1 < length)
                out[used++] = ' ';
        }
        out[used++] = '\n';
    }
    out[used] = '\0';
    return used;
}

int big_digits_margin(const char *text, int columns)
{
    size_t width = strlen(text) * (GLYPH_COLUMNS + 1);
    if (columns <= 0 || width >= (size_t)columns)
        return 0;
    return (columns - (int)width) / 2;
}
