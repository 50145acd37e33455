/* test-queue.c: the attendant's offline queue on disk, in a private temporary directory. */
#include "check.h"
#include "queue.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#define FIRST  "{\"id\":\"gov-1\",\"delta\":1,\"idempotency_key\":\"k1\"}"
#define SECOND "{\"id\":\"gov-2\",\"occupied\":7,\"idempotency_key\":\"k2\"}"
#define THIRD  "{\"id\":\"gov-1\",\"delta\":-3,\"idempotency_key\":\"k3\"}"

/* Short enough that every path made from it fits in PATH_MAX. */
static char directory[256];

/* A path inside this run's directory. */
static const char *at(const char *name)
{
    static char paths[4][PATH_MAX];
    static int next;
    char *path = paths[next++ % 4];
    snprintf(path, PATH_MAX, "%s/%s", directory, name);
    return path;
}

/* The whole file as a string (static storage), or NULL when it cannot be read. */
static const char *contents(const char *path)
{
    static char text[4096];
    FILE *file = fopen(path, "re");
    size_t length;
    if (file == NULL)
        return NULL;
    length = fread(text, 1, sizeof(text) - 1, file);
    text[length] = '\0';
    fclose(file);
    return text;
}

static void write_file(const char *path, const char *text)
{
    FILE *file = fopen(path, "we");
    CHECK(file != NULL);
    if (file == NULL)
        return;
    CHECK_INT_EQ(fputs(text, file) >= 0, 1);
    CHECK_INT_EQ(fclose(file), 0);
}

static bool exists(const char *path)
{
    struct stat status;
    return stat(path, &status) == 0;
}

/* How many entries of this run's directory have a name starting with prefix. */
static int entries_starting_with(const char *prefix)
{
    DIR *listing = opendir(directory);
    struct dirent *entry;
    int count = 0;

    if (listing == NULL)
        return -1;
    while ((entry = readdir(listing)) != NULL)
        count += strncmp(entry->d_name, prefix, strlen(prefix)) == 0;
    closedir(listing);
    return count;
}

/*
 * Whether another process could take the lock on lock_path right now: a
 * child tries a non-blocking flock (a lock is per open file, so a new open
 * in a child is what another parkshare-cli would do). Returns 1 (free),
 * 0 (held) or -1 (the test itself failed).
 */
static int lock_is_free(const char *lock_path)
{
    int status;
    pid_t child = fork();

    if (child < 0)
        return -1;
    if (child == 0) {
        int fd = open(lock_path, O_RDWR | O_CLOEXEC);
        if (fd < 0)
            _exit(2);
        if (flock(fd, LOCK_EX | LOCK_NB) == 0)
            _exit(0);
        _exit(errno == EWOULDBLOCK ? 1 : 2);
    }
    if (waitpid(child, &status, 0) != child || !WIFEXITED(status))
        return -1;
    return WEXITSTATUS(status) == 0 ? 1 : WEXITSTATUS(status) == 1 ? 0 : -1;
}

static int remove_entry(const char *path, const struct stat *status, int type, struct FTW *walk)
{
    (void)status, (void)type, (void)walk;
    return remove(path);
}

static void test_missing_file_is_an_empty_queue(void)
{
    struct queue queue;
    char error[256] = "stale";

    CHECK_INT_EQ(queue_load(at("missing"), &queue, error, sizeof(error)), 0);
    CHECK_INT_EQ(queue.count, 0);
    CHECK_STR_EQ(queue.path, at("missing"));
    CHECK_STR_EQ(error, "");
    /* Loading only reads: no file appears until something is queued. */
    CHECK(!exists(at("missing")));
    queue_clear(&queue);
    CHECK(queue.path == NULL && queue.lines == NULL && queue.count == 0);
}

static void test_empty_and_blank_files_are_empty_queues(void)
{
    struct queue queue;
    char error[256];

    write_file(at("empty"), "");
    CHECK_INT_EQ(queue_load(at("empty"), &queue, error, sizeof(error)), 0);
    CHECK_INT_EQ(queue.count, 0);
    CHECK_STR_EQ(error, "");
    queue_clear(&queue);

    write_file(at("blank"), "\n\r\n\n");
    CHECK_INT_EQ(queue_load(at("blank"), &queue, error, sizeof(error)), 0);
    CHECK_INT_EQ(queue.count, 0);
    CHECK_STR_EQ(error, "");
    CHECK(!exists(at("blank.corrupt")));
    queue_clear(&queue);
}

static void test_push_appends_in_order_and_survives_a_reload(void)
{
    struct queue queue;
    char error[256];

    CHECK_INT_EQ(queue_load(at("order"), &queue, error, sizeof(error)), 0);
    CHECK_INT_EQ(queue_push(&queue, FIRST, error, sizeof(error)), 0);
    CHECK_STR_EQ(contents(at("order")), FIRST "\n");
    CHECK_INT_EQ(queue_push(&queue, SECOND, error, sizeof(error)), 0);
    CHECK_INT_EQ(queue_push(&queue, THIRD, error, sizeof(error)), 0);
    CHECK_STR_EQ(contents(at("order")), FIRST "\n" SECOND "\n" THIRD "\n");
    /* The temporary files were renamed over the queue, not left beside it. */
    CHECK_INT_EQ(entries_starting_with("order."), 1); /* order.lock */
    CHECK(exists(at("order.lock")));
    queue_clear(&queue);

    CHECK_INT_EQ(queue_load(at("order"), &queue, error, sizeof(error)), 0);
    CHECK_STR_EQ(error, "");
    CHECK_INT_EQ(queue.count, 3);
    if (queue.count == 3) {
        CHECK_STR_EQ(queue.lines[0], FIRST);
        CHECK_STR_EQ(queue.lines[1], SECOND);
        CHECK_STR_EQ(queue.lines[2], THIRD);
    }
    queue_clear(&queue);
}

static void test_push_creates_missing_directories_privately(void)
{
    struct queue queue;
    struct stat status;
    char error[256];

    CHECK_INT_EQ(queue_load(at("state/parkshare/queue"), &queue, error, sizeof(error)), 0);
    CHECK_INT_EQ(queue_push(&queue, FIRST, error, sizeof(error)), 0);
    CHECK_STR_EQ(contents(at("state/parkshare/queue")), FIRST "\n");
    CHECK_INT_EQ(stat(at("state/parkshare/queue"), &status), 0);
    CHECK_INT_EQ(status.st_mode & 0777, 0600);
    CHECK_INT_EQ(stat(at("state/parkshare"), &status), 0);
    CHECK_INT_EQ(status.st_mode & 0777, 0700);
    queue_clear(&queue);
}

static void test_shift_rewrites_what_is_left(void)
{
    struct queue queue;
    char error[256];

    write_file(at("shift"), FIRST "\n" SECOND "\n" THIRD "\n");
    CHECK_INT_EQ(queue_load(at("shift"), &queue, error, sizeof(error)), 0);
    CHECK_INT_EQ(queue_shift(&queue, 2, error, sizeof(error)), 0);
    CHECK_INT_EQ(queue.count, 1);
    if (queue.count == 1)
        CHECK_STR_EQ(queue.lines[0], THIRD);
    CHECK_STR_EQ(contents(at("shift")), THIRD "\n");
    CHECK_INT_EQ(queue_shift(&queue, 0, error, sizeof(error)), 0);
    CHECK_STR_EQ(contents(at("shift")), THIRD "\n");
    /* More than there is empties the queue; the file stays, empty. */
    CHECK_INT_EQ(queue_shift(&queue, 5, error, sizeof(error)), 0);
    CHECK_INT_EQ(queue.count, 0);
    CHECK_STR_EQ(contents(at("shift")), "");
    queue_clear(&queue);
}

static void test_corrupt_lines_are_put_aside_not_dropped(void)
{
    struct queue queue;
    struct stat status;
    char error[512], expected[512];

    write_file(at("queue"), FIRST "\n"
                                  "not json\n"
                                  "{\"id\":\"gov-3\",\"delta\":\"2\",\"idempotency_key\":\"k4\"}\n"
                                  "{\"id\":\"gov-3\",\"delta\":2}\n"
                                  "[1,2]\n" SECOND "\r\n"
                                  "{\"id\":\"gov-1\",\"delta\":-3,\"idem" /* torn by a crash */);
    CHECK_INT_EQ(queue_load(at("queue"), &queue, error, sizeof(error)), 0);
    snprintf(expected, sizeof(expected), "5 unreadable line(s) in %s were kept in %s.corrupt",
             at("queue"), at("queue"));
    CHECK_STR_EQ(error, expected);
    CHECK_INT_EQ(queue.count, 2);
    if (queue.count == 2) {
        CHECK_STR_EQ(queue.lines[0], FIRST);
        CHECK_STR_EQ(queue.lines[1], SECOND);
    }
    CHECK_STR_EQ(contents(at("queue.corrupt")),
                 "not json\n"
                 "{\"id\":\"gov-3\",\"delta\":\"2\",\"idempotency_key\":\"k4\"}\n"
                 "{\"id\":\"gov-3\",\"delta\":2}\n"
                 "[1,2]\n"
                 "{\"id\":\"gov-1\",\"delta\":-3,\"idem\n");
    CHECK_INT_EQ(stat(at("queue.corrupt"), &status), 0);
    CHECK_INT_EQ(status.st_mode & 0777, 0600);
    /* The queue itself is rewritten without them, so they are reported once. */
    CHECK_STR_EQ(contents(at("queue")), FIRST "\n" SECOND "\n");
    queue_clear(&queue);

    CHECK_INT_EQ(queue_load(at("queue"), &queue, error, sizeof(error)), 0);
    CHECK_STR_EQ(error, "");
    CHECK_INT_EQ(queue.count, 2);
    queue_clear(&queue);

    /* A later bad line joins the earlier ones in queue.corrupt. */
    write_file(at("queue"), "{}\n" THIRD "\n");
    CHECK_INT_EQ(queue_load(at("queue"), &queue, error, sizeof(error)), 0);
    snprintf(expected, sizeof(expected), "1 unreadable line(s) in %s were kept in %s.corrupt",
             at("queue"), at("queue"));
    CHECK_STR_EQ(error, expected);
    CHECK_INT_EQ(queue.count, 1);
    CHECK_STR_EQ(contents(at("queue.corrupt")),
                 "not json\n"
                 "{\"id\":\"gov-3\",\"delta\":\"2\",\"idempotency_key\":\"k4\"}\n"
                 "{\"id\":\"gov-3\",\"delta\":2}\n"
                 "[1,2]\n"
                 "{\"id\":\"gov-1\",\"delta\":-3,\"idem\n"
                 "{}\n");
    CHECK_STR_EQ(contents(at("queue")), THIRD "\n");
    queue_clear(&queue);
}

static void test_unreadable_queue_is_an_error(void)
{
    struct queue queue;
    char error[512], expected[512];

    /* A regular file where the queue's directory should be. */
    write_file(at("blocker"), "");
    CHECK_INT_EQ(queue_load(at("blocker/queue"), &queue, error, sizeof(error)), QUEUE_ERROR_IO);
    snprintf(expected, sizeof(expected), "cannot lock %s: %s", at("blocker/queue.lock"),
             strerror(ENOTDIR));
    CHECK_STR_EQ(error, expected);
    CHECK_INT_EQ(queue.count, 0);
    queue_clear(&queue);
}

static void test_save_failure_is_reported(void)
{
    struct queue queue;
    char error[512], expected[512];

    CHECK_INT_EQ(queue_load(at("later/queue"), &queue, error, sizeof(error)), 0);
    /* The directory turns into a regular file before the queue is written
     * (the lock stays held through the descriptor). */
    CHECK_INT_EQ(unlink(at("later/queue.lock")), 0);
    CHECK_INT_EQ(rmdir(at("later")), 0);
    write_file(at("later"), "");
    CHECK_INT_EQ(queue_push(&queue, FIRST, error, sizeof(error)), QUEUE_ERROR_IO);
    snprintf(expected, sizeof(expected), "cannot write a temporary file beside %s: %s",
             at("later/queue"), strerror(ENOTDIR));
    CHECK_STR_EQ(error, expected);
    /* The update is still held in memory for the caller to report. */
    CHECK_INT_EQ(queue.count, 1);
    queue_clear(&queue);
}

static void test_the_lock_is_held_from_load_to_clear(void)
{
    struct queue queue;
    struct stat status;
    char error[256];

    CHECK_INT_EQ(queue_load(at("locked/queue"), &queue, error, sizeof(error)), 0);
    CHECK_INT_EQ(stat(at("locked/queue.lock"), &status), 0);
    CHECK_INT_EQ(status.st_mode & 0777, 0600);
    CHECK_INT_EQ(lock_is_free(at("locked/queue.lock")), 0);
    CHECK_INT_EQ(queue_push(&queue, FIRST, error, sizeof(error)), 0);
    /* Saving does not let go: a shift after a push is still one critical section. */
    CHECK_INT_EQ(lock_is_free(at("locked/queue.lock")), 0);
    queue_clear(&queue);
    CHECK_INT_EQ(queue.lock_fd, -1);
    CHECK_INT_EQ(lock_is_free(at("locked/queue.lock")), 1);
}

/*
 * A second run's load waits for the first run's clear, then sees its line.
 * Before the queue's lock, both runs read the same queue and the last save
 * won, dropping the other's line.
 */
static void test_a_second_run_waits_and_sees_the_first_runs_line(void)
{
    struct queue queue;
    char error[256];
    int status;
    pid_t child;

    CHECK_INT_EQ(queue_load(at("turns"), &queue, error, sizeof(error)), 0);
    child = fork();
    CHECK(child >= 0);
    if (child == 0) {
        struct queue second;
        char second_error[256];
        int seen;
        /* The inherited descriptor shares the parent's lock: a new run has none. */
        close(queue.lock_fd);
        if (queue_load(at("turns"), &second, second_error, sizeof(second_error)) != 0)
            _exit(2);
        seen = (int)second.count;
        if (queue_push(&second, SECOND, second_error, sizeof(second_error)) != 0)
            _exit(2);
        queue_clear(&second);
        _exit(seen == 1 ? 0 : 1);
    }
    /* The child waits for the lock whether it got there before this push or not. */
    CHECK_INT_EQ(queue_push(&queue, FIRST, error, sizeof(error)), 0);
    queue_clear(&queue);
    CHECK_INT_EQ(waitpid(child, &status, 0), child);
    CHECK(WIFEXITED(status));
    CHECK_INT_EQ(WEXITSTATUS(status), 0);
    CHECK_STR_EQ(contents(at("turns")), FIRST "\n" SECOND "\n");
}

int main(void)
{
    const char *temporary = getenv("TMPDIR");
    snprintf(directory, sizeof(directory), "%s/test-queue-XXXXXX",
             temporary != NULL && temporary[0] == '/' ? temporary : "/tmp");
    if (mkdtemp(directory) == NULL) {
        perror("mkdtemp");
        return 1;
    }
    RUN_TEST(test_missing_file_is_an_empty_queue);
    RUN_TEST(test_empty_and_blank_files_are_empty_queues);
    RUN_TEST(test_push_appends_in_order_and_survives_a_reload);
    RUN_TEST(test_push_creates_missing_directories_privately);
    RUN_TEST(test_shift_rewrites_what_is_left);
    RUN_TEST(test_corrupt_lines_are_put_aside_not_dropped);
    RUN_TEST(test_unreadable_queue_is_an_error);
    RUN_TEST(test_save_failure_is_reported);
    RUN_TEST(test_the_lock_is_held_from_load_to_clear);
    RUN_TEST(test_a_second_run_waits_and_sees_the_first_runs_line);
    if (nftw(directory, remove_entry, 16, FTW_DEPTH | FTW_PHYS) != 0)
        perror(directory);
    return check_exit_status();
}
