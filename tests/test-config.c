/* test-config.c: the configuration parser, its defaults and every error path. */
#include "check.h"
#include "config.h"
#include "log.h"

#include <stdlib.h>

static struct config *load(const char *text, int *result, char *error, size_t error_size)
{
    struct config *config = config_new();
    *result = config_load_text(config, "test.conf", text, strlen(text), error, error_size);
    return config;
}

static void test_defaults(void)
{
    struct config *config = config_new();
    CHECK(config != NULL);
    CHECK_STR_EQ(config->listen_host, "127.0.0.1");
    CHECK_INT_EQ(config->listen_port, 8080);
    CHECK_INT_EQ(config->redis_mode, CONFIG_REDIS_EMBEDDED);
    CHECK_STR_EQ(config->redis_server, "redis-server");
    CHECK(config->redis_fsync_always);
    /* The installation's directories, from the build's prefix. */
    CHECK_STR_EQ(config->data_dir, PARKSHARE_STATEDIR);
    CHECK_STR_EQ(config->web_root, PARKSHARE_DATADIR "/web");
    CHECK_STR_EQ(config->calendar_dir, PARKSHARE_DATADIR "/calendars");
    CHECK_STR_EQ(config->timezone, "Asia/Shanghai");
    CHECK_INT_EQ(config->stale_after_seconds, 1800);
    CHECK_INT_EQ(config->max_body_bytes, 1048576);
    CHECK_INT_EQ(config->idempotency_ttl_seconds, 86400);
    CHECK_INT_EQ(config->shutdown_timeout_seconds, 5);
    CHECK_INT_EQ(config->log_level, LOG_LEVEL_INFO);
    CHECK_INT_EQ(config->log_format, CONFIG_LOG_TEXT);
    CHECK_INT_EQ(config->audit_max_length, 1000000);
    CHECK(config->demo_path == NULL);
    CHECK_INT_EQ(config->rate_limit_writes, 50);
    CHECK_INT_EQ(config->rate_limit_burst, 100);
    CHECK_INT_EQ(config->stream_buffer_bytes, 262144);
    CHECK_INT_EQ(config->workers, 0);
    config_free(config);
    config_free(NULL);
}

/* `workers`: 0 (one loop per core) to 64; the refusal names the range. */
static void test_workers_range(void)
{
    struct config *config = config_new();
    char error[256];

    CHECK_INT_EQ(config_set(config, "workers", "4", error, sizeof(error)), 0);
    CHECK_INT_EQ(config->workers, 4);
    CHECK_INT_EQ(config_set(config, "workers", "64", error, sizeof(error)), 0);
    CHECK_INT_EQ(config_set(config, "workers", "65", error, sizeof(error)), CONFIG_ERROR_BAD_VALUE);
    CHECK_STR_EQ(error, "workers: 65 is out of range (0 to 64)");
    CHECK_INT_EQ(config->workers, 64);
    config_free(config);
}

static void test_file_values(void)
{
    char error[256] = "";
    int result;
    struct config *config = load("# comment\n"
                                 "\n"
                                 "  listen [::1]:9090  \r\n"
                                 "redis redis://reader:s3cret@cache.example:6380/2\n"
                                 "data_dir \"/srv/park share\"\n"
                                 "stale_after 30m\n"
                                 "max_body 64k\n"
                                 "idempotency_ttl 2d\n"
                                 "log_level debug\n"
                                 "log_format json\n"
                                 "redis_appendfsync everysec\n"
                                 "timezone America/Argentina/Buenos_Aires\n"
                                 "demo \"\"\n"
                                 "\tshutdown_timeout\t10",
                                 &result, error, sizeof(error));
    CHECK_INT_EQ(result, 0);
    CHECK_STR_EQ(error, "");
    CHECK_STR_EQ(config->listen_host, "::1");
    CHECK_INT_EQ(config->listen_port, 9090);
    CHECK_INT_EQ(config->redis_mode, CONFIG_REDIS_TCP);
    CHECK_STR_EQ(config->redis_host, "cache.example");
    CHECK_INT_EQ(config->redis_port, 6380);
    CHECK_INT_EQ(config->redis_database, 2);
    CHECK_STR_EQ(config->redis_username, "reader");
    CHECK_STR_EQ(config->redis_password, "s3cret");
    CHECK_STR_EQ(config->data_dir, "/srv/park share");
    CHECK_INT_EQ(config->stale_after_seconds, 1800);
    CHECK_INT_EQ(config->max_body_bytes, 65536);
    CHECK_INT_EQ(config->idempotency_ttl_seconds, 172800);
    CHECK_INT_EQ(config->log_level, LOG_LEVEL_DEBUG);
    CHECK_INT_EQ(config->log_format, CONFIG_LOG_JSON);
    CHECK(!config->redis_fsync_always);
    CHECK_STR_EQ(config->timezone, "America/Argentina/Buenos_Aires");
    CHECK_INT_EQ(config->shutdown_timeout_seconds, 10);
    config_free(config);
}

static void test_redis_forms(void)
{
    char error[256];
    struct config *config = config_new();

    CHECK_INT_EQ(config_set(config, "redis", "redis://127.0.0.1", error, sizeof(error)), 0);
    CHECK_INT_EQ(config->redis_mode, CONFIG_REDIS_TCP);
    CHECK_STR_EQ(config->redis_host, "127.0.0.1");
    CHECK_INT_EQ(config->redis_port, 6379);
    CHECK_INT_EQ(config->redis_database, 0);
    CHECK(config->redis_password == NULL);

    CHECK_INT_EQ(config_set(config, "redis", "redis://:pw@[::1]:7000/3", error, sizeof(error)), 0);
    CHECK_STR_EQ(config->redis_host, "::1");
    CHECK_INT_EQ(config->redis_port, 7000);
    CHECK_INT_EQ(config->redis_database, 3);
    CHECK(config->redis_username == NULL);
    CHECK_STR_EQ(config->redis_password, "pw");

    CHECK_INT_EQ(config_set(config, "redis", "unix:/run/redis/redis.sock", error, sizeof(error)),
                 0);
    CHECK_INT_EQ(config->redis_mode, CONFIG_REDIS_UNIX);
    CHECK_STR_EQ(config->redis_socket, "/run/redis/redis.sock");
    CHECK(config->redis_host == NULL);

    CHECK_INT_EQ(config_set(config, "redis", "embedded", error, sizeof(error)), 0);
    CHECK_INT_EQ(config->redis_mode, CONFIG_REDIS_EMBEDDED);
    config_free(config);
}

/* sentinel://: the sentinels in order (26379 by default), the master's name and credentials. */
static void test_redis_sentinel_forms(void)
{
    char error[256];
    struct config *config = config_new();

    CHECK_INT_EQ(config_set(config, "redis",
                            "sentinel://:pw@10.0.0.1:26380,sentinel-b,[::1]:5000/city-master.1",
                            error, sizeof(error)),
                 0);
    CHECK_INT_EQ(config->redis_mode, CONFIG_REDIS_SENTINEL);
    CHECK_INT_EQ(config->redis_sentinel_count, 3);
    CHECK_STR_EQ(config->redis_sentinels[0].host, "10.0.0.1");
    CHECK_INT_EQ(config->redis_sentinels[0].port, 26380);
    CHECK_STR_EQ(config->redis_sentinels[1].host, "sentinel-b");
    CHECK_INT_EQ(config->redis_sentinels[1].port, 26379);
    CHECK_STR_EQ(config->redis_sentinels[2].host, "::1");
    CHECK_INT_EQ(config->redis_sentinels[2].port, 5000);
    CHECK_STR_EQ(config->redis_master_name, "city-master.1");
    CHECK_STR_EQ(config->redis_password, "pw");
    CHECK(config->redis_username == NULL);
    CHECK_INT_EQ(config->redis_database, 0);

    CHECK_INT_EQ(
        config_set(config, "redis", "sentinel://app:pw@h1/mymaster/2", error, sizeof(error)), 0);
    CHECK_INT_EQ(config->redis_sentinel_count, 1);
    CHECK_STR_EQ(config->redis_username, "app");
    CHECK_INT_EQ(config->redis_database, 2);

    /* Another form replaces the sentinels entirely. */
    CHECK_INT_EQ(config_set(config, "redis", "redis://h", error, sizeof(error)), 0);
    CHECK_INT_EQ(config->redis_sentinel_count, 0);
    CHECK(config->redis_master_name == NULL);
    config_free(config);
}

/* Each broken sentinel:// value is refused with its cause, and the previous value stays. */
static void test_redis_sentinel_errors(void)
{
    static const struct {
        const char *value;
        const char *message;
    } cases[] = {
        {"sentinel://h1:26379,h2:26379",
         "redis: sentinel:// needs the master's name after the "
         "sentinels, e.g. sentinel://host1:26379,host2:26379/mymaster"},
        {"sentinel://h1/", "redis: sentinel:// needs the master's name after the sentinels, e.g. "
                           "sentinel://host1:26379,host2:26379/mymaster"},
        {"sentinel:///mymaster",
         "redis: sentinel:// lists no sentinel, e.g. sentinel://host1:26379,host2:26379/mymaster"},
        {"sentinel://h1,,h2/m",
         "redis: sentinel 2 of the list is empty (write host1:26379,host2:26379)"},
        {"sentinel://h1,/m",
         "redis: sentinel 2 of the list is empty (write host1:26379,host2:26379)"},
        {"sentinel://h1:0/m", "redis: port '0' is not a number from 1 to 65535"},
        {"sentinel://h1,:26379/m", "redis: the URL has no host"},
        {"sentinel://::1:26379/m",
         "redis: write an IPv6 address in brackets, e.g. sentinel://[::1]:26379/mymaster"},
        {"sentinel://:hunter2,h1/m",
         "redis: the port is not a number from 1 to 65535 (credentials go before an '@': "
         "sentinel://:password@host1:26379,host2:26379/mymaster)"},
        {"sentinel://a,b,c,d,e,f,g,h,i/m", "redis: at most 8 sentinels"},
        {"sentinel://h1/my master",
         "redis: the master's name 'my master' must be 1 to 64 letters, digits, '.', '_' or '-'"},
        {"sentinel://h1/m/x", "redis: database 'x' is not a whole number"},
        {"sentinel://user@h1/m", "redis: credentials must be written user:password@ or :password@"},
    };
    char error[512];

    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        struct config *config = config_new();

        CHECK_INT_EQ(config_set(config, "redis", cases[i].value, error, sizeof(error)),
                     CONFIG_ERROR_BAD_VALUE);
        CHECK_STR_EQ(error, cases[i].message);
        CHECK(strstr(error, "hunter2") == NULL);
        CHECK_INT_EQ(config->redis_mode, CONFIG_REDIS_EMBEDDED);
        CHECK_INT_EQ(config->redis_sentinel_count, 0);
        CHECK(config->redis_master_name == NULL);
        config_free(config);
    }
}

/* Each bad line is refused with its line number and a reason naming the cause. */
static void test_file_errors(void)
{
    static const struct {
        const char *text;
        int result;
        const char *message;
    } cases[] = {
        {"listen 127.0.0.1:8080\nlisen 1\n", CONFIG_ERROR_UNKNOWN_KEY,
         "test.conf:2: unknown key 'lisen'"},
        {"\n\nlisten\n", CONFIG_ERROR_SYNTAX, "test.conf:3: key 'listen' has no value"},
        {"Listen 1:2\n", CONFIG_ERROR_SYNTAX,
         "test.conf:1: expected 'key value', keys are lower-case letters, digits and '_'"},
        {"listen=1:2\n", CONFIG_ERROR_SYNTAX,
         "test.conf:1: expected 'key value', keys are lower-case letters, digits and '_'"},
        {"data_dir \"/a\n", CONFIG_ERROR_SYNTAX,
         "test.conf:1: unbalanced double quotes in the value of 'data_dir'"},
        {"log_level info\n# x\nlog_level debug\n", CONFIG_ERROR_DUPLICATE,
         "test.conf:3: 'log_level' is already set on line 1"},
        {"listen localhost\n", CONFIG_ERROR_BAD_VALUE,
         "test.conf:1: listen: 'localhost' is not host:port (e.g. 127.0.0.1:8080 or [::1]:8080)"},
        {"listen :8080\n", CONFIG_ERROR_BAD_VALUE,
         "test.conf:1: listen: ':8080' is not host:port (e.g. 127.0.0.1:8080 or [::1]:8080)"},
        {"listen 127.0.0.1:70000\n", CONFIG_ERROR_BAD_VALUE,
         "test.conf:1: listen: port '70000' is not a number from 0 to 65535"},
        {"redis mysql://x\n", CONFIG_ERROR_BAD_VALUE,
         "test.conf:1: redis: 'mysql://x' is not 'embedded', redis://host:port/db, "
         "sentinel://host:port,host:port/master or unix:/path"},
        {"redis redis://h:0\n", CONFIG_ERROR_BAD_VALUE,
         "test.conf:1: redis: port '0' is not a number from 1 to 65535"},
        {"redis redis://h/x\n", CONFIG_ERROR_BAD_VALUE,
         "test.conf:1: redis: database 'x' is not a whole number"},
        {"redis redis://\n", CONFIG_ERROR_BAD_VALUE, "test.conf:1: redis: the URL has no host"},
        {"redis redis://::1:6379\n", CONFIG_ERROR_BAD_VALUE,
         "test.conf:1: redis: write an IPv6 address in brackets, e.g. redis://[::1]:6379"},
        {"redis redis://user@h\n", CONFIG_ERROR_BAD_VALUE,
         "test.conf:1: redis: credentials must be written user:password@ or :password@"},
        {"redis unix:run/redis.sock\n", CONFIG_ERROR_BAD_VALUE,
         "test.conf:1: redis: unix: needs an absolute socket path, e.g. unix:/run/redis.sock"},
        {"redis_appendfsync no\n", CONFIG_ERROR_BAD_VALUE,
         "test.conf:1: redis_appendfsync: 'no' is not 'always' or 'everysec'"},
        {"stale_after 0\n", CONFIG_ERROR_BAD_VALUE,
         "test.conf:1: stale_after: 0 is out of range (1 to 2592000)"},
        {"stale_after 10w\n", CONFIG_ERROR_BAD_VALUE,
         "test.conf:1: stale_after: '10w' is not a duration (whole seconds, or a number with s, m, "
         "h or d)"},
        {"stale_after -5\n", CONFIG_ERROR_BAD_VALUE,
         "test.conf:1: stale_after: '-5' is not a duration (whole seconds, or a number with s, m, "
         "h or d)"},
        {"max_body 1g\n", CONFIG_ERROR_BAD_VALUE,
         "test.conf:1: max_body: '1g' is not a size (whole bytes, or a number with k or m)"},
        {"max_body 100\n", CONFIG_ERROR_BAD_VALUE,
         "test.conf:1: max_body: 100 is out of range (1024 to 67108864)"},
        {"idempotency_ttl 99999999999999999999\n", CONFIG_ERROR_BAD_VALUE,
         "test.conf:1: idempotency_ttl: '99999999999999999999' is not a duration (whole seconds, "
         "or a number with s, m, h or d)"},
        {"timezone ../../etc/passwd\n", CONFIG_ERROR_BAD_VALUE,
         "test.conf:1: timezone: '../../etc/passwd' is not a zone name such as Asia/Shanghai"},
        {"log_level loud\n", CONFIG_ERROR_BAD_VALUE,
         "test.conf:1: log_level: 'loud' is not debug, info, warning or error"},
        {"log_format xml\n", CONFIG_ERROR_BAD_VALUE,
         "test.conf:1: log_format: 'xml' is not 'text' or 'json'"},
        {"shutdown_timeout 301\n", CONFIG_ERROR_BAD_VALUE,
         "test.conf:1: shutdown_timeout: 301 is out of range (1 to 300)"},
        {"data_dir \"\"\n", CONFIG_ERROR_BAD_VALUE, "test.conf:1: data_dir must not be empty"},
        {"audit_max_len 10\n", CONFIG_ERROR_BAD_VALUE,
         "test.conf:1: audit_max_len: 10 is out of range (1000 to 100000000)"},
        {"audit_max_len 1k\n", CONFIG_ERROR_BAD_VALUE,
         "test.conf:1: audit_max_len: '1k' is not a whole number"},
    };

    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        char error[256] = "";
        int result;
        struct config *config = load(cases[i].text, &result, error, sizeof(error));
        CHECK_INT_EQ(result, cases[i].result);
        CHECK_STR_EQ(error, cases[i].message);
        config_free(config);
    }
}

static void test_nul_byte_refused(void)
{
    char error[256];
    struct config *config = config_new();
    CHECK_INT_EQ(config_load_text(config, "x.conf", "listen 1:2\0", 11, error, sizeof(error)),
                 CONFIG_ERROR_SYNTAX);
    CHECK_STR_EQ(error, "x.conf: the file holds a NUL byte");
    config_free(config);
}

/* A bad value leaves the previous one in place. */
static void test_failed_set_changes_nothing(void)
{
    char error[256];
    struct config *config = config_new();
    CHECK_INT_EQ(config_set(config, "listen", "10.0.0.1:81", error, sizeof(error)), 0);
    CHECK(config_set(config, "listen", "10.0.0.2:x", error, sizeof(error)) < 0);
    CHECK_STR_EQ(config->listen_host, "10.0.0.1");
    CHECK_INT_EQ(config->listen_port, 81);
    CHECK(config_set(config, "redis", "redis://:pw@h:99999", error, sizeof(error)) < 0);
    CHECK_INT_EQ(config->redis_mode, CONFIG_REDIS_EMBEDDED);
    CHECK(config->redis_password == NULL);
    CHECK_INT_EQ(config_set(config, "nope", "1", error, sizeof(error)), CONFIG_ERROR_UNKNOWN_KEY);
    CHECK_STR_EQ(error, "unknown key 'nope'");
    config_free(config);
}

/* trusted_proxies is checked entry by entry; a bad one is named and nothing changes. */
static void test_trusted_proxies(void)
{
    char error[256] = "";
    struct config *config = config_new();

    CHECK(config->trusted_proxies == NULL);
    CHECK_INT_EQ(
        config_set(config, "trusted_proxies", "127.0.0.1, 10.0.0.0/8 ::1", error, sizeof(error)),
        0);
    CHECK_STR_EQ(config->trusted_proxies, "127.0.0.1, 10.0.0.0/8 ::1");
    CHECK_INT_EQ(
        config_set(config, "trusted_proxies", "127.0.0.1 10.0.0.0/33", error, sizeof(error)),
        CONFIG_ERROR_BAD_VALUE);
    CHECK_STR_EQ(error, "trusted_proxies: '10.0.0.0/33' is not an address or CIDR block");
    CHECK_STR_EQ(config->trusted_proxies, "127.0.0.1, 10.0.0.0/8 ::1");
    CHECK_INT_EQ(
        config_apply_assignment(config, "trusted_proxies=proxy.local", error, sizeof(error)),
        CONFIG_ERROR_BAD_VALUE);
    CHECK_STR_EQ(error, "--set trusted_proxies: trusted_proxies: 'proxy.local' is not an address "
                        "or CIDR block");
    /* Blank is none. */
    CHECK_INT_EQ(config_set(config, "trusted_proxies", " ", error, sizeof(error)), 0);
    CHECK(config->trusted_proxies == NULL);
    config_free(config);
}

/* cors_origins: "*" by default, a checked list, the bad entry named, nothing changed by it. */
static void test_cors_origins(void)
{
    char error[256] = "";
    struct config *config = config_new();

    CHECK_STR_EQ(config->cors_origins, "*");
    CHECK_INT_EQ(config_set(config, "cors_origins", "https://map.example.org http://127.0.0.1:8080",
                            error, sizeof(error)),
                 0);
    CHECK_STR_EQ(config->cors_origins, "https://map.example.org http://127.0.0.1:8080");
    CHECK_INT_EQ(
        config_set(config, "cors_origins", "https://map.example.org/app", error, sizeof(error)),
        CONFIG_ERROR_BAD_VALUE);
    CHECK_STR_EQ(error, "cors_origins: 'https://map.example.org/app' has a path; an origin is "
                        "scheme://host[:port] alone");
    CHECK_STR_EQ(config->cors_origins, "https://map.example.org http://127.0.0.1:8080");
    CHECK_INT_EQ(
        config_apply_assignment(config, "cors_origins=* https://a.org", error, sizeof(error)),
        CONFIG_ERROR_BAD_VALUE);
    CHECK_STR_EQ(error, "--set cors_origins: cors_origins: '*' allows every origin and stands "
                        "alone, without 'https://a.org'");
    CHECK_INT_EQ(config_set(config, "cors_origins", "map.example.org", error, sizeof(error)),
                 CONFIG_ERROR_BAD_VALUE);
    CHECK_STR_EQ(error, "cors_origins: 'map.example.org' is not scheme://host[:port]");
    /* Blank: no other origin may call. */
    CHECK_INT_EQ(config_set(config, "cors_origins", " ", error, sizeof(error)), 0);
    CHECK(config->cors_origins == NULL);
    CHECK_INT_EQ(config_set(config, "cors_origins", "*", error, sizeof(error)), 0);
    CHECK_STR_EQ(config->cors_origins, "*");
    config_free(config);
}

static void test_environment(void)
{
    char error[256] = "";
    struct config *config = config_new();
    char *good[] = {"PATH=/usr/bin",          "PARKSHARE_LOG_LEVEL=warning",
                    "PARKSHARE_URL=http://x", "PARKSHARE_MAX_BODY=2m",
                    "PARKSHARE_=x",           NULL};
    char *bad[] = {"PARKSHARE_STALE_AFTER=soon", NULL};

    CHECK_INT_EQ(config_apply_environment(config, good, error, sizeof(error)), 0);
    CHECK_INT_EQ(config->log_level, LOG_LEVEL_WARNING);
    CHECK_INT_EQ(config->max_body_bytes, 2097152);
    CHECK_INT_EQ(config_apply_environment(config, bad, error, sizeof(error)),
                 CONFIG_ERROR_BAD_VALUE);
    CHECK_STR_EQ(error, "environment PARKSHARE_STALE_AFTER: stale_after: 'soon' is not a duration "
                        "(whole seconds, or a number with s, m, h or d)");
    CHECK_INT_EQ(config->stale_after_seconds, 1800);
    config_free(config);
}

static void test_assignment(void)
{
    char error[256] = "";
    struct config *config = config_new();

    CHECK_INT_EQ(config_apply_assignment(config, "listen=127.0.0.1:0", error, sizeof(error)), 0);
    CHECK_INT_EQ(config->listen_port, 0);
    CHECK_INT_EQ(config_apply_assignment(config, "data_dir=/tmp/a=b", error, sizeof(error)), 0);
    CHECK_STR_EQ(config->data_dir, "/tmp/a=b");
    CHECK_INT_EQ(config_apply_assignment(config, "listen", error, sizeof(error)),
                 CONFIG_ERROR_SYNTAX);
    CHECK_STR_EQ(error, "--set: 'listen' is not key=value");
    CHECK_INT_EQ(config_apply_assignment(config, "colour=blue", error, sizeof(error)),
                 CONFIG_ERROR_UNKNOWN_KEY);
    CHECK_STR_EQ(error, "--set: unknown key 'colour'");
    /* The message names the key, never the value: it may carry a password. */
    CHECK_INT_EQ(
        config_apply_assignment(config, "redis=redis://:hunter2@h:0", error, sizeof(error)),
        CONFIG_ERROR_BAD_VALUE);
    CHECK(strstr(error, "hunter2") == NULL);
    CHECK_STR_EQ(error, "--set redis: redis: port '0' is not a number from 1 to 65535");
    config_free(config);
}

/* The shipped example parses and documents every key the daemon knows. */
static void test_shipped_config_documents_every_key(void)
{
    const char *root = getenv("PARKSHARE_SOURCE_ROOT");
    char path[4096], error[256] = "", *text = NULL;
    size_t length = 0;
    FILE *file;
    struct config *config = config_new();

    CHECK(root != NULL);
    if (root == NULL)
        return;
    snprintf(path, sizeof(path), "%s/config/parkshare.conf", root);
    file = fopen(path, "r");
    CHECK(file != NULL);
    if (file == NULL)
        return;
    text = malloc(1 << 20);
    length = fread(text, 1, (1 << 20) - 1, file);
    fclose(file);
    text[length] = '\0';
    CHECK_INT_EQ(config_load_text(config, "parkshare.conf", text, length, error, sizeof(error)), 0);
    CHECK_STR_EQ(error, "");
    for (size_t i = 0; i < config_key_count(); i++) {
        char active[80], documented[80];
        snprintf(active, sizeof(active), "\n%s ", config_key_name(i));
        snprintf(documented, sizeof(documented), "\n# %s ", config_key_name(i));
        if (strstr(text, active) == NULL && strstr(text, documented) == NULL) {
            fprintf(stderr, "config/parkshare.conf does not document '%s'\n", config_key_name(i));
            CHECK(false);
        }
    }
    CHECK(config_key_name(config_key_count()) == NULL);
    free(text);
    config_free(config);
}

/*
 * No error about a redis value echoes its password, wherever the value came
 * from: a file line, the environment or --set, and whatever is wrong with it.
 */
static void test_redis_errors_never_echo_a_password(void)
{
    static const struct {
        const char *value;
        const char *message;
    } cases[] = {
        /* No '@': the parser reads "user" as the host and the password as the port. */
        {"redis://user:hunter2", "redis: the port is not a number from 1 to 65535 (credentials "
                                 "go before an '@': redis://user:password@host:port/db)"},
        {"redis://:hunter2", "redis: the port is not a number from 1 to 65535 (credentials "
                             "go before an '@': redis://user:password@host:port/db)"},
        {"rediss://user:hunter2@h:6379",
         "redis: 'rediss://user:***@h:6379' is not 'embedded', redis://host:port/db, "
         "sentinel://host:port,host:port/master or unix:/path"},
        {"redis:/:hunter2@h", "redis: 'redis:***@h' is not 'embedded', redis://host:port/db, "
                              "sentinel://host:port,host:port/master or unix:/path"},
        {"redis://:hunter2@h:70000", "redis: port '70000' is not a number from 1 to 65535"},
        {"redis://:hunter2@h/x", "redis: database 'x' is not a whole number"},
        {"redis://:hunter2@", "redis: the URL has no host"},
    };
    char error[512], line[256], variable[256], assignment[256];

    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        struct config *config = config_new();
        char *environment[] = {variable, NULL};
        char expected[512];

        CHECK(config_set(config, "redis", cases[i].value, error, sizeof(error)) < 0);
        CHECK_STR_EQ(error, cases[i].message);
        snprintf(line, sizeof(line), "redis %s\n", cases[i].value);
        CHECK(config_load_text(config, "test.conf", line, strlen(line), error, sizeof(error)) < 0);
        snprintf(expected, sizeof(expected), "test.conf:1: %s", cases[i].message);
        CHECK_STR_EQ(error, expected);
        snprintf(variable, sizeof(variable), "PARKSHARE_REDIS=%s", cases[i].value);
        CHECK(config_apply_environment(config, environment, error, sizeof(error)) < 0);
        CHECK(strstr(error, "hunter2") == NULL);
        snprintf(assignment, sizeof(assignment), "redis=%s", cases[i].value);
        CHECK(config_apply_assignment(config, assignment, error, sizeof(error)) < 0);
        snprintf(expected, sizeof(expected), "--set redis: %s", cases[i].message);
        CHECK_STR_EQ(error, expected);
        CHECK(config->redis_password == NULL);
        config_free(config);
    }
}

/* --set without '=' echoes what was given, less a password. */
static void test_assignment_without_equals_hides_a_password(void)
{
    char error[256];
    struct config *config = config_new();
    CHECK_INT_EQ(config_apply_assignment(config, "redis:redis://:hunter2@h", error, sizeof(error)),
                 CONFIG_ERROR_SYNTAX);
    CHECK_STR_EQ(error, "--set: 'redis:redis://:***@h' is not key=value");
    config_free(config);
}

int main(void)
{
    RUN_TEST(test_defaults);
    RUN_TEST(test_workers_range);
    RUN_TEST(test_file_values);
    RUN_TEST(test_redis_forms);
    RUN_TEST(test_redis_sentinel_forms);
    RUN_TEST(test_redis_sentinel_errors);
    RUN_TEST(test_file_errors);
    RUN_TEST(test_nul_byte_refused);
    RUN_TEST(test_failed_set_changes_nothing);
    RUN_TEST(test_trusted_proxies);
    RUN_TEST(test_cors_origins);
    RUN_TEST(test_environment);
    RUN_TEST(test_assignment);
    RUN_TEST(test_redis_errors_never_echo_a_password);
    RUN_TEST(test_assignment_without_equals_hides_a_password);
    RUN_TEST(test_shipped_config_documents_every_key);
    return check_exit_status();
}
