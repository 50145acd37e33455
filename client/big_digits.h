/* big_digits.h: a sign's text in large block letters for the terminal board; pure. */
#ifndef PARKSHARE_CLI_BIG_DIGITS_H
#define PARKSHARE_CLI_BIG_DIGITS_H

#include <stddef.h>

#define BIG_DIGITS_ROWS 7

/*
 * Render text (digits and the letters of FULL and CLOSED) as 7 rows of
 * '#'-drawn glyphs, 5 columns each and one column apart, into out (rows
 * separated by '\n'). Characters without a glyph are drawn blank. Returns
 * the length written, or 0 when out is too small.
 */
size_t big_digits_render(const char *text, char *out, size_t size);

/*
 * The left margin, in columns, that centres text's rendering in a terminal
 * columns wide (each glyph counted with the column after it); 0 when the
 * rendering does not fit or columns is 0, a width that is not known.
 */
int big_digits_margin(const char *text, int columns);

#endif
