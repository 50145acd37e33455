/* test-json-text.c: compact JSON text: members found, canonical text told apart, strings and reals
 * written as jansson writes them. */
#include "check.h"

#include "json_text.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static char *jansson_printed(const json_t *value)
{
    return json_dumps(value, JSON_COMPACT | JSON_PRESERVE_ORDER | JSON_ENCODE_ANY);
}

static bool canonical(const char *text)
{
    return json_text_is_canonical_object(text, strlen(text));
}

/* Each member's whole text, key and value, nested values and strings with brackets included. */
static void test_members_are_delimited(void)
{
    const char text[] = "{\"a\":1,\"b\":{\"c\":[1,{\"d\":\"}\"}]},\"e\":\"x\\\"],\",\"f\":[],"
                        "\"g\":null}";
    const char *keys[] = {"a", "b", "e", "f", "g"};
    const char *values[] = {"1", "{\"c\":[1,{\"d\":\"}\"}]}", "\"x\\\"],\"", "[]", "null"};
    struct json_text_member member;
    size_t cursor = 0, count = 0;

    while (json_text_next_member(text, strlen(text), &cursor, &member) == 1) {
        CHECK(count < 5);
        CHECK(json_text_member_is(&member, keys[count]));
        CHECK_INT_EQ(member.value_length, strlen(values[count]));
        CHECK(memcmp(member.value, values[count], member.value_length) == 0);
        CHECK_INT_EQ(member.member_length, strlen(keys[count]) + 3 + strlen(values[count]));
        CHECK(member.member[0] == '"');
        count++;
    }
    CHECK_INT_EQ(count, 5);
    cursor = 0;
    CHECK_INT_EQ(json_text_next_member("{}", 2, &cursor, &member), 0);
    cursor = 0;
    CHECK_INT_EQ(json_text_next_member("[1]", 3, &cursor, &member), -1);
    cursor = 0;
    CHECK_INT_EQ(json_text_next_member("{\"a\": 1}", 8, &cursor, &member), -1);
    cursor = 0;
    CHECK_INT_EQ(json_text_next_member("{\"a\":\"open", 10, &cursor, &member), -1);
    cursor = 0;
    CHECK_INT_EQ(json_text_next_member("{\"a\":{\"b\":1}", 12, &cursor, &member), -1);
}

/* What jansson prints is canonical; a text that jansson would print otherwise is not. */
static void test_canonical_objects_are_told_apart(void)
{
    const char *printed_so[] = {
        "{}",
        "{\"name\":\"Café \\\"Nord\\\" \\\\ \\n\\t\\u001F\",\"capacity\":100,\"n\":-5}",
        "{\"location\":{\"lat\":26.570499999999999,\"lon\":106.4708},\"x\":[true,false,null]}",
        ("{\"a\":1.0,\"b\":1.0000000000000001e300,\"c\":-2.4999999999999999e-8,\"d\":0.0,"
         "\"e\":[],\"f\":{}}"),
        "{\"名称\":\"市政府大院停车场 😀\"}",
    };
    const char *printed_otherwise[] = {
        "{ }",
        "{\"a\": 1}",
        "{\"a\":1} ",
        "{\"a\":26.5705}",          /* jansson: 26.570499999999999 */
        "{\"a\":1e5}",              /* 100000.0 */
        "{\"a\":1E300}",            /* 1e300 */
        "{\"a\":-0}",               /* 0 */
        "{\"a\":01}",               /* not JSON */
        "{\"a\":\"\\/\"}",          /* "/" */
        "{\"a\":\"\\u00e9\"}",      /* "é" */
        "{\"a\":\"\\u001f\"}",      /* "\u001F" */
        "{\"a\":\"\\u000a\"}",      /* "\n" */
        "{\"a\":\"\\u0000\"}",      /* NUL: no character jansson reads */
        "{\"a\":\"\x01\"}",         /* a raw control character is no JSON */
        "{\"a\":\"\xc3\"}",         /* half a UTF-8 sequence */
        "{\"a\":\"\xed\xa0\x80\"}", /* a surrogate */
        "{\"a\":tru}",
        "{\"a\":1}}",
        "[1]",
    };

    for (size_t i = 0; i < sizeof(printed_so) / sizeof(printed_so[0]); i++) {
        json_t *parsed = json_loads(printed_so[i], 0, NULL);
        char *again = jansson_printed(parsed);
        CHECK_STR_EQ(again, printed_so[i]); /* the samples are what jansson prints */
        CHECK(canonical(printed_so[i]));
        free(again);
        json_decref(parsed);
    }
    for (size_t i = 0; i < sizeof(printed_otherwise) / sizeof(printed_otherwise[0]); i++)
        CHECK(!canonical(printed_otherwise[i]));
}

/* Random reals as jansson prints them are canonical and printed alike; perturbed, they are not. */
static void test_reals_as_jansson_prints_them(void)
{
    struct json_text_buffer out = {0};
    unsigned state = 12345;
    int checked = 0;

    for (int i = 0; i < 20000; i++) {
        double value;
        json_t *object;
        char *printed, *mine;
        size_t length;

        state = state * 1103515245u + 12345u;
        value = (i % 4 == 0)   ? (double)(state % 1000000) / 1000000.0 + (double)(i % 180)
                : (i % 4 == 1) ? ldexp((double)state, (int)(state % 200) - 100)
                : (i % 4 == 2) ? round((double)state / 1000.0) / 1000.0
                               : -(double)(state % 100000) / 64.0;
        object = json_pack("{s:f}", "v", value);
        printed = jansson_printed(object);
        CHECK(canonical(printed));
        json_text_append_real(&out, value);
        mine = json_text_finish(&out, &length);
        CHECK(strncmp(printed + 5, mine, length) == 0 && printed[5 + length] == '}');
        free(mine);
        free(printed);
        json_decref(object);
        checked++;
    }
    CHECK_INT_EQ(checked, 20000);
}

/* Whether jansson prints the real that token reads as, exactly as token: the truth for a real. */
static bool jansson_prints_real(const char *token)
{
    json_t *real = json_real(strtod(token, NULL));
    char *printed = jansson_printed(real);
    bool same = printed != NULL && strcmp(printed, token) == 0;

    free(printed);
    json_decref(real);
    return same;
}

/*
 * Reals in every form jansson might or might not print (its own 17 digits,
 * the last one moved, 15 and 16 digits, trailing zeros, exponents of -6 to
 * 18): judged canonical exactly when jansson prints them so.
 */
static void test_reals_are_judged_as_jansson_prints_them(void)
{
    unsigned state = 99;
    int agreed = 0, canonical_ones = 0;

    for (int i = 0; i < 100000; i++) {
        char token[64], text[80];
        double value;
        int length;

        state = state * 1103515245u + 12345u;
        value = ldexp((double)(state % 1000003) + (double)(i % 97) / 97.0, (int)(state % 90) - 60);
        if (i % 3 == 0)
            value = -value;
        length = snprintf(token, sizeof(token),
                          (i % 4 == 0)   ? "%.17g"
                          : (i % 4 == 1) ? "%.16g"
                          : (i % 4 == 2) ? "%.15g"
                                         : "%.6f",
                          value);
        if (strchr(token, 'e') != NULL || strchr(token, '.') == NULL)
            continue; /* fixed notation with a point is what this judges */
        if (i % 5 == 0 && token[length - 1] < '9')
            token[length - 1]++; /* the last digit moved: mostly no longer jansson's */
        else if (i % 7 == 0)
            strcat(token, "0"); /* a trailing zero: never jansson's */
        snprintf(text, sizeof(text), "{\"a\":%s}", token);
        canonical_ones += canonical(text);
        agreed += canonical(text) == jansson_prints_real(token);
        if (canonical(text) != jansson_prints_real(token))
            CHECK_STR_EQ(text, "judged as jansson prints it");
    }
    CHECK(agreed > 60000);
    CHECK(canonical_ones > 10000 && canonical_ones < agreed - 10000);
}

/* Every character and some UTF-8 written as a JSON string byte for byte as jansson does. */
static void test_strings_as_jansson_prints_them(void)
{
    const char *samples[] = {"", "plain", "quote \" backslash \\ slash /", "市政府 😀 é",
                             "\x7f delete"};
    char text[2];

    for (int c = 1; c < 128; c++) {
        struct json_text_buffer out = {0};
        json_t *string;
        char *printed, *mine;
        size_t length;

        text[0] = (char)c;
        text[1] = '\0';
        string = json_string(text);
        printed = jansson_printed(string);
        json_text_append_string(&out, text);
        mine = json_text_finish(&out, &length);
        CHECK_STR_EQ(mine, printed);
        free(mine);
        free(printed);
        json_decref(string);
    }
    for (size_t i = 0; i < sizeof(samples) / sizeof(samples[0]); i++) {
        struct json_text_buffer out = {0};
        json_t *string = json_string(samples[i]);
        char *printed = jansson_printed(string), *mine;
        size_t length;

        json_text_append_string(&out, samples[i]);
        mine = json_text_finish(&out, &length);
        CHECK_STR_EQ(mine, printed);
        CHECK_INT_EQ(length, strlen(printed));
        free(mine);
        free(printed);
        json_decref(string);
    }
}

/* A string value read back: escapes undone; no string, or one holding NUL, is NULL. */
static void test_string_values_are_read(void)
{
    char *plain = json_text_string("\"Hall\"", 6);
    const char quoted[] = "\"Caf\\u00e9 \\\"B\\\" \\/\"";
    char *escaped = json_text_string(quoted, strlen(quoted));

    CHECK_STR_EQ(plain, "Hall");
    CHECK_STR_EQ(escaped, "Café \"B\" /");
    CHECK(json_text_string("12", 2) == NULL);
    CHECK(json_text_string("\"a\\u0000b\"", 10) == NULL);
    free(plain);
    free(escaped);
}

/* Integers and json values appended; a buffer that ran out of memory finishes as NULL. */
static void test_buffer(void)
{
    struct json_text_buffer out = {0};
    json_t *value = json_pack("{s:[i,s]}", "a", 1, "b");
    char *text;
    size_t length;

    json_text_append_integer(&out, -9007199254740993LL);
    json_text_append(&out, ",", 1);
    json_text_append_json(&out, value);
    json_text_append(&out, ",", 1);
    json_text_append_json(&out, NULL);
    text = json_text_finish(&out, &length);
    CHECK_STR_EQ(text, "-9007199254740993,{\"a\":[1,\"b\"]},null");
    CHECK_INT_EQ(length, strlen(text));
    CHECK(out.data == NULL && out.length == 0);
    free(text);
    json_decref(value);
    out.failed = true;
    json_text_append_text(&out, "lost");
    CHECK(json_text_finish(&out, &length) == NULL);
}

int main(void)
{
    RUN_TEST(test_members_are_delimited);
    RUN_TEST(test_canonical_objects_are_told_apart);
    RUN_TEST(test_reals_as_jansson_prints_them);
    RUN_TEST(test_reals_are_judged_as_jansson_prints_them);
    RUN_TEST(test_strings_as_jansson_prints_them);
    RUN_TEST(test_string_values_are_read);
    RUN_TEST(test_buffer);
    return check_exit_status();
}
