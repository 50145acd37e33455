/* test-map-tiles.c: tile URL templates checked, and the CSP source each one needs. */
#include "check.h"
#include "map_tiles.h"

static void test_origins(void)
{
    char origin[64];

    CHECK_INT_EQ(
        map_tiles_origin("https://tile.example.org/{z}/{x}/{y}.png", origin, sizeof(origin)), 0);
    CHECK_STR_EQ(origin, "https://tile.example.org");
    /* Leaflet's {s} subdomains: every one of them is allowed. */
    CHECK_INT_EQ(
        map_tiles_origin("https://{s}.tile.example.org/{z}/{x}/{y}.png", origin, sizeof(origin)),
        0);
    CHECK_STR_EQ(origin, "https://*.tile.example.org");
    CHECK_INT_EQ(map_tiles_origin("http://127.0.0.1:8081/tiles/{z}/{x}/{y}.png?key=1", origin,
                                  sizeof(origin)),
                 0);
    CHECK_STR_EQ(origin, "http://127.0.0.1:8081");
}

static void test_refusals(void)
{
    static const char *const bad[] = {
        "",
        "tile.example.org/{z}/{x}/{y}.png",
        "ftp://tile.example.org/{z}/{x}/{y}.png",
        "https://tile.example.org/{z}/{x}.png",
        "https:///{z}/{x}/{y}.png",
        "https://tile.example.org;script-src *;/{z}/{x}/{y}",
        "https://tile example.org/{z}/{x}/{y}",
        "https://{s}tile.example.org/{z}/{x}/{y}",
    };
    char origin[64] = "unchanged";

    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        CHECK_INT_EQ(map_tiles_origin(bad[i], origin, sizeof(origin)), MAP_TILES_ERROR_INVALID);
        CHECK_STR_EQ(origin, "");
    }
    CHECK_INT_EQ(map_tiles_origin(NULL, origin, sizeof(origin)), MAP_TILES_ERROR_INVALID);
    CHECK_INT_EQ(map_tiles_origin("https://tile.example.org/{z}/{x}/{y}.png", origin, 24),
                 MAP_TILES_ERROR_TOO_LONG);
    CHECK_STR_EQ(origin, "");
    CHECK_INT_EQ(map_tiles_origin("https://tile.example.org/{z}/{x}/{y}.png", origin, 25), 0);
}

int main(void)
{
    RUN_TEST(test_origins);
    RUN_TEST(test_refusals);
    return check_exit_status();
}
