/* json_text.c: compact JSON text as jansson prints it: members, strings, numbers; pure. */
#include "json_text.h"

#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The end of the string starting at its opening quote text[at], past its closing quote; 0: none. */
static size_t skip_string(const char *text, size_t length, size_t at)
{
    for (size_t i = at + 1; i < length; i++) {
        if (text[i] == '\\')
            i++;
        else if (text[i] == '"')
            return i + 1;
    }
    return 0;
}

/* The end of the value starting at text[at]; 0 when it does not end before length. */
static size_t skip_value(const char *text, size_t length, size_t at)
{
    size_t depth = 0;

    /* Compact text: a value starts right after its colon. */
    if (at >= length || text[at] == ' ' || text[at] == '\t' || text[at] == '\n' || text[at] == '\r')
        return 0;
    if (text[at] == '"')
        return skip_string(text, length, at);
    for (size_t i = at; i < length; i++) {
        char c = text[i];
        if (c == '"') {
            i = skip_string(text, length, i);
            if (i == 0)
                return 0;
            i--;
        } else if (c == '{' || c == '[') {
            depth++;
        } else if ((c == '}' || c == ']') && depth > 0) {
            if (--depth == 0)
                return i + 1;
        } else if ((c == ',' || c == '}' || c == ']') && depth == 0) {
            return i > at ? i : 0;
        }
    }
    return 0;
}

int json_text_next_member(const char *text, size_t length, size_t *cursor,
                          struct json_text_member *member)
{
    size_t at = *cursor, key_end, value_end;

    if (at == 0) {
        if (length < 2 || text[0] != '{')
            return -1;
        at = 1;
        if (text[1] == '}')
            return 0;
    } else if (at < length && text[at] == '}') {
        return 0;
    } else if (at < length && text[at] == ',') {
        at++;
    } else {
        return -1;
    }
    if (at >= length || text[at] != '"')
        return -1;
    key_end = skip_string(text, length, at);
    if (key_end == 0 || key_end >= length || text[key_end] != ':')
        return -1;
    value_end = skip_value(text, length, key_end + 1);
    if (value_end == 0 || value_end >= length || (text[value_end] != ',' && text[value_end] != '}'))
        return -1;
    *member =
        (struct json_text_member){text + at,        value_end - at,     text + at + 1,
                                  key_end - at - 2, text + key_end + 1, value_end - key_end - 1};
    *cursor = value_end;
    return 1;
}

bool json_text_member_is(const struct json_text_member *member, const char *key)
{
    size_t length = strlen(key);
    return member->key_length == length && memcmp(member->key, key, length) == 0;
}

char *json_text_string(const char *value, size_t length)
{
    json_t *parsed;
    char *copy;

    if (length < 2 || value[0] != '"' || value[length - 1] != '"')
        return NULL;
    /* Most strings have no escape: their bytes are the value. */
    if (memchr(value, '\\', length) == NULL)
        return strndup(value + 1, length - 2);
    parsed = json_loadb(value, length, JSON_DECODE_ANY, NULL);
    copy = json_is_string(parsed) && strlen(json_string_value(parsed)) == json_string_length(parsed)
               ? strdup(json_string_value(parsed))
               : NULL;
    json_decref(parsed);
    return copy;
}

bool json_text_reserve(struct json_text_buffer *buffer, size_t capacity)
{
    size_t grown = buffer->capacity > 0 ? buffer->capacity : 256;
    char *data;

    if (buffer->failed)
        return false;
    if (capacity <= buffer->capacity)
        return true;
    while (grown < capacity)
        grown *= 2;
    data = realloc(buffer->data, grown);
    if (data == NULL) {
        buffer->failed = true;
        return false;
    }
    buffer->data = data;
    buffer->capacity = grown;
    return true;
}

void json_text_append(struct json_text_buffer *buffer, const char *bytes, size_t length)
{
    /* One byte more for the NUL that finish puts at the end. */
    if (!json_text_reserve(buffer, buffer->length + length + 1))
        return;
    memcpy(buffer->data + buffer->length, bytes, length);
    buffer->length += length;
}

void json_text_append_text(struct json_text_buffer *buffer, const char *text)
{
    json_text_append(buffer, text, strlen(text));
}

/* The escape jansson prints for byte c, or NULL when it prints c as it is. */
static const char *escape_of(unsigned char c, char spare[8])
{
    switch (c) {
    case '"':
        return "\\\"";
    case '\\':
        return "\\\\";
    case '\b':
        return "\\b";
    case '\f':
        return "\\f";
    case '\n':
        return "\\n";
    case '\r':
        return "\\r";
    case '\t':
        return "\\t";
    default:
        break;
    }
    if (c >= 0x20)
        return NULL;
    snprintf(spare, 8, "\\u%04X", (unsigned)c);
    return spare;
}

void json_text_append_string(struct json_text_buffer *buffer, const char *text)
{
    size_t start = 0, i = 0;
    char spare[8];

    json_text_append(buffer, "\"", 1);
    for (; text[i] != '\0'; i++) {
        const char *escape = escape_of((unsigned char)text[i], spare);
        if (escape == NULL)
            continue;
        json_text_append(buffer, text + start, i - start);
        json_text_append_text(buffer, escape);
        start = i + 1;
    }
    json_text_append(buffer, text + start, i - start);
    json_text_append(buffer, "\"", 1);
}

void json_text_append_integer(struct json_text_buffer *buffer, int64_t value)
{
    char digits[24];
    int length = snprintf(digits, sizeof(digits), "%" PRId64, value);
    json_text_append(buffer, digits, (size_t)length);
}

/* A real as jansson prints it: %.17g, with ".0" when that looks whole, exponents bare. */
static void jansson_real(double value, char out[40])
{
    char *exponent, *digits, *end;

    snprintf(out, 40, "%.17g", value);
    if (strchr(out, '.') == NULL && strchr(out, 'e') == NULL)
        strcat(out, ".0");
    exponent = strchr(out, 'e');
    if (exponent == NULL)
        return;
    digits = exponent + 1;
    if (*digits == '+')
        memmove(digits, digits + 1, strlen(digits));
    else if (*digits == '-')
        digits++;
    for (end = digits; *end == '0' && end[1] != '\0'; end++)
        continue;
    memmove(digits, end, strlen(end) + 1);
}

void json_text_append_real(struct json_text_buffer *buffer, double value)
{
    char printed[40];

    jansson_real(value, printed);
    json_text_append_text(buffer, printed);
}

void json_text_append_json(struct json_text_buffer *buffer, const json_t *value)
{
    char *printed;

    if (value == NULL) {
        json_text_append(buffer, "null", 4);
        return;
    }
    printed = json_dumps(value, JSON_COMPACT | JSON_PRESERVE_ORDER | JSON_ENCODE_ANY);
    if (printed == NULL) {
        buffer->failed = true;
        return;
    }
    json_text_append_text(buffer, printed);
    free(printed);
}

char *json_text_finish(struct json_text_buffer *buffer, size_t *length)
{
    char *data = NULL;

    if (json_text_reserve(buffer, buffer->length + 1)) {
        buffer->data[buffer->length] = '\0';
        /* Kept for as long as the lot does not change: no slack. */
        data = realloc(buffer->data, buffer->length + 1);
        if (data == NULL)
            data = buffer->data;
        *length = buffer->length;
        buffer->data = NULL;
    }
    json_text_free(buffer);
    return data;
}

void json_text_free(struct json_text_buffer *buffer)
{
    free(buffer->data);
    *buffer = (struct json_text_buffer){0};
}

/* A scan of text as jansson prints it: where it is, and whether it still is. */
struct canonical {
    const char *text;
    size_t length;
    size_t at;
};

static bool canonical_value(struct canonical *scan, int depth);

/* The length of the UTF-8 sequence at s (as jansson accepts it), 0 when it is not one. */
static size_t utf8_sequence(const unsigned char *s, size_t left)
{
    size_t count;
    uint32_t codepoint;

    if (s[0] < 0x80)
        return 1;
    if (s[0] >= 0xC2 && s[0] <= 0xDF)
        count = 2, codepoint = s[0] & 0x1Fu;
    else if (s[0] >= 0xE0 && s[0] <= 0xEF)
        count = 3, codepoint = s[0] & 0x0Fu;
    else if (s[0] >= 0xF0 && s[0] <= 0xF4)
        count = 4, codepoint = s[0] & 0x07u;
    else
        return 0;
    if (count > left)
        return 0;
    for (size_t i = 1; i < count; i++) {
        if ((s[i] & 0xC0) != 0x80)
            return 0;
        codepoint = (codepoint << 6) | (s[i] & 0x3Fu);
    }
    /* Overlong forms, surrogates and beyond U+10FFFF are no UTF-8. */
    if ((count == 3 && codepoint < 0x800) || (count == 4 && codepoint < 0x10000) ||
        (codepoint >= 0xD800 && codepoint <= 0xDFFF) || codepoint > 0x10FFFF)
        return 0;
    return count;
}

/* Whether the escape at text[at] ('\\') is one jansson prints; *next past it. */
static bool canonical_escape(const struct canonical *scan, size_t at, size_t *next)
{
    static const char hex[] = "0123456789ABCDEF";
    const char *s = scan->text + at;

    if (at + 1 >= scan->length)
        return false;
    if (strchr("\"\\bfnrt", s[1]) != NULL && s[1] != '\0') {
        *next = at + 2;
        return true;
    }
    /* \u00XX for the other control characters, in capitals. */
    if (at + 5 >= scan->length || s[1] != 'u' || s[2] != '0' || s[3] != '0' ||
        (s[4] != '0' && s[4] != '1') || strchr(hex, s[5]) == NULL || s[5] == '\0')
        return false;
    /* Those with short forms are printed short; NUL is no character jansson reads. */
    if (s[4] == '0' &&
        (s[5] == '0' || s[5] == '8' || s[5] == '9' || s[5] == 'A' || s[5] == 'C' || s[5] == 'D'))
        return false;
    *next = at + 6;
    return true;
}

static bool canonical_string(struct canonical *scan)
{
    size_t at = scan->at + 1;

    while (at < scan->length) {
        unsigned char c = (unsigned char)scan->text[at];
        size_t step;
        if (c == '"') {
            scan->at = at + 1;
            return true;
        }
        if (c == '\\') {
            if (!canonical_escape(scan, at, &at))
                return false;
            continue;
        }
        if (c < 0x20)
            return false;
        step = utf8_sequence((const unsigned char *)scan->text + at, scan->length - at);
        if (step == 0)
            return false;
        at += step;
    }
    return false;
}

/* 10^-20 to 10^0: half of one of them is the rounding margin of a 17-digit real. */
static const long double powers_of_ten[] = {
    1e-20L, 1e-19L, 1e-18L, 1e-17L, 1e-16L, 1e-15L, 1e-14L, 1e-13L, 1e-12L, 1e-11L, 1e-10L,
    1e-9L,  1e-8L,  1e-7L,  1e-6L,  1e-5L,  1e-4L,  1e-3L,  1e-2L,  1e-1L,  1e0L,
};

/*
 * Whether %.17g prints value as token, a real in fixed notation ("26.5",
 * "-0.0012"): 1 yes, 0 no, -1 not decided here (print it to know).
 * %.17g prints the 17 significant digits nearest to value, trailing zeros
 * (and a bare point) dropped, in fixed notation for decimal exponents from
 * -4 to 16; jansson adds ".0" to a whole number. So token is printed so
 * when it has that shape and lies within half a unit of the 17th digit of
 * value, which long double decides with room to spare away from the
 * boundary (strtold errs by 2^-64 of the value, a hundredth of that unit).
 */
static int fixed_real_printed(const char *token, double value)
{
    const char *digits = token + (*token == '-');
    const char *point = strchr(digits, '.');
    const char *first = NULL, *last = NULL;
    int exponent, count = 0;
    long double unit, difference;

    /* Trailing zeros are dropped, except the ".0" of a whole number. */
    if (point == NULL || (strlen(point) > 2 && token[strlen(token) - 1] == '0'))
        return 0;
    for (const char *p = digits; *p != '\0'; p++) {
        if (*p == '.' || (*p == '0' && first == NULL))
            continue;
        first = first != NULL ? first : p;
        if (*p != '0')
            last = p;
    }
    if (first == NULL) /* zero: printed "0", or "-0" for -0.0, then ".0" */
        return point - digits == 1 && strcmp(point, ".0") == 0;
    exponent = first < point ? (int)(point - first) - 1 : -(int)(first - point);
    for (const char *p = first; p <= last; p++)
        count += *p != '.';
    if (exponent < -4 || exponent > 16 || count > 17)
        return 0;
    unit = powers_of_ten[exponent + 4]; /* 10^(exponent - 16): one in the 17th digit */
    /* The value's own decimal exponent must be the token's, else its 17th digit is another. */
    if (fabsl((long double)value) < unit * 1e16L || fabsl((long double)value) >= unit * 1e17L)
        return -1;
    difference = fabsl((long double)value - strtold(token, NULL));
    if (difference < 0.45L * unit)
        return 1;
    if (difference > 0.55L * unit)
        return 0;
    return -1;
}

static const char *skip_digits(const char *p)
{
    while (*p >= '0' && *p <= '9')
        p++;
    return p;
}

/* Whether token is a JSON number: -?(0|[1-9][0-9]*)(.[0-9]+)?([eE][+-]?[0-9]+)? */
static bool number_grammar(const char *token)
{
    const char *p = token + (*token == '-');
    const char *after;

    if (*p == '0')
        p++;
    else if (*p >= '1' && *p <= '9')
        p = skip_digits(p);
    else
        return false;
    if (*p == '.') {
        after = skip_digits(p + 1);
        if (after == p + 1)
            return false;
        p = after;
    }
    if (*p == 'e' || *p == 'E') {
        p += p[1] == '+' || p[1] == '-' ? 2 : 1;
        after = skip_digits(p);
        if (after == p)
            return false;
        p = after;
    }
    return *p == '\0';
}

static bool canonical_number(struct canonical *scan)
{
    const char *start = scan->text + scan->at;
    size_t length = 0;
    bool real = false;
    char token[40], printed[40];

    while (scan->at + length < scan->length && strchr("-+.eE0123456789", start[length]) != NULL &&
           start[length] != '\0') {
        real |= start[length] == '.' || start[length] == 'e' || start[length] == 'E';
        length++;
    }
    if (length == 0 || length >= sizeof(token))
        return false;
    memcpy(token, start, length);
    token[length] = '\0';
    scan->at += length;
    if (!number_grammar(token))
        return false;
    if (real && strpbrk(token, "eE") == NULL) {
        double value = strtod(token, NULL);
        int printed_so = fixed_real_printed(token, value);
        if (printed_so >= 0)
            return printed_so == 1;
        jansson_real(value, printed);
    } else if (real) {
        jansson_real(strtod(token, NULL), printed);
    } else {
        char *end;
        errno = 0;
        long long integer = strtoll(token, &end, 10);
        if (*end != '\0' || errno != 0)
            return false;
        snprintf(printed, sizeof(printed), "%lld", integer);
    }
    return strcmp(printed, token) == 0;
}

/* The members of an object or the items of an array, at scan->at its opening character. */
static bool canonical_container(struct canonical *scan, int depth)
{
    char close = scan->text[scan->at] == '{' ? '}' : ']';
    bool object = close == '}';

    scan->at++;
    if (scan->at < scan->length && scan->text[scan->at] == close) {
        scan->at++;
        return true;
    }
    while (scan->at < scan->length) {
        if (object) {
            if (scan->text[scan->at] != '"' || !canonical_string(scan) ||
                scan->at >= scan->length || scan->text[scan->at] != ':')
                return false;
            scan->at++;
        }
        if (!canonical_value(scan, depth + 1) || scan->at >= scan->length)
            return false;
        if (scan->text[scan->at] == close) {
            scan->at++;
            return true;
        }
        if (scan->text[scan->at++] != ',')
            return false;
    }
    return false;
}

static bool canonical_literal(struct canonical *scan, const char *word)
{
    size_t length = strlen(word);

    if (scan->length - scan->at < length || memcmp(scan->text + scan->at, word, length) != 0)
        return false;
    scan->at += length;
    return true;
}

static bool canonical_value(struct canonical *scan, int depth)
{
    if (scan->at >= scan->length || depth > 32)
        return false;
    switch (scan->text[scan->at]) {
    case '{':
    case '[':
        return canonical_container(scan, depth);
    case '"':
        return canonical_string(scan);
    case 't':
        return canonical_literal(scan, "true");
    case 'f':
        return canonical_literal(scan, "false");
    case 'n':
        return canonical_literal(scan, "null");
    default:
        return canonical_number(scan);
    }
}

bool json_text_is_canonical_object(const char *text, size_t length)
{
    struct canonical scan = {text, length, 0};

    return length > 0 && text[0] == '{' && canonical_value(&scan, 0) && scan.at == length;
}
