/* test-rendered-answer.c: shared answers: references, the gzip copy made once, freeing by the last.
 */
#include "check.h"
#include "etag.h"
#include "rendered_answer.h"

#include <pthread.h>
#include <stdlib.h>

/* A body of length bytes that compresses well, in a malloc'd buffer. */
static char *body_of(size_t length)
{
    char *body = malloc(length + 1);

    for (size_t i = 0; body != NULL && i < length; i++)
        body[i] = "{\"lot\":\"a\",\"free\":12}"[i % 22];
    if (body != NULL)
        body[length] = '\0';
    return body;
}

static size_t references(const struct rendered_answer *answer)
{
    return atomic_load(&answer->references);
}

static void test_references_count_and_the_last_frees(void)
{
    struct rendered_answer *answer = rendered_answer_new("lot-a", body_of(40), 40, NULL);
    char etag[24];

    CHECK(answer != NULL);
    if (answer == NULL)
        return;
    CHECK_STR_EQ(answer->id, "lot-a");
    CHECK_INT_EQ(answer->body_length, 40);
    etag_of(answer->body, 40, etag, sizeof(etag));
    CHECK_STR_EQ(answer->etag, etag);
    CHECK_INT_EQ(references(answer), 1);
    CHECK(rendered_answer_hold(answer) == answer);
    CHECK(rendered_answer_hold(answer) == answer);
    CHECK_INT_EQ(references(answer), 3);
    rendered_answer_drop(answer);
    rendered_answer_drop(answer);
    /* Still whole for the one holder left (ASan reports a read after a free). */
    CHECK_INT_EQ(references(answer), 1);
    CHECK(memcmp(answer->body, "{\"lot\":\"a\"", 10) == 0);
    rendered_answer_drop(answer); /* the last: LeakSanitizer reports it if not freed */
    rendered_answer_drop(NULL);
    CHECK(rendered_answer_hold(NULL) == NULL);
}

static void test_a_copy_owns_its_bytes_and_keeps_the_given_tag(void)
{
    char body[] = "{\"x\":1}";
    struct rendered_answer *answer = rendered_answer_copy("k", body, 7, "\"given\"");

    CHECK(answer != NULL && answer->body != body);
    body[2] = 'y';
    if (answer != NULL) {
        CHECK(memcmp(answer->body, "{\"x\":1}", 7) == 0);
        CHECK_STR_EQ(answer->etag, "\"given\"");
    }
    rendered_answer_drop(answer);
}

static void test_no_gzip_copy_at_or_under_the_threshold(void)
{
    struct rendered_answer *answer =
        rendered_answer_new("a", body_of(GZIP_MIN_LENGTH), GZIP_MIN_LENGTH, NULL);

    CHECK(answer != NULL);
    if (answer == NULL)
        return;
    CHECK(rendered_answer_gzip(answer) == NULL);
    CHECK(!rendered_answer_has_gzip(answer));
    rendered_answer_drop(answer);
}

/* The copy made on demand is what gzip_copy_update made on every change before: same bytes, tag. */
static void test_the_gzip_copy_is_made_once_on_demand_and_identical(void)
{
    size_t length = GZIP_MIN_LENGTH + 1;
    struct rendered_answer *answer = rendered_answer_new("a", body_of(length), length, NULL);
    struct gzip_copy eager = {0};
    const struct gzip_copy *made;

    CHECK(answer != NULL);
    if (answer == NULL)
        return;
    CHECK(!rendered_answer_has_gzip(answer));
    CHECK_INT_EQ(gzip_copy_update(&eager, answer->body, length, answer->etag), 0);
    made = rendered_answer_gzip(answer);
    CHECK(made != NULL && rendered_answer_has_gzip(answer));
    if (made != NULL && eager.body != NULL) {
        CHECK_INT_EQ(made->length, eager.length);
        CHECK(memcmp(made->body, eager.body, eager.length) == 0);
        CHECK_STR_EQ(made->etag, eager.etag);
        CHECK(made->length < length / 4);
    }
    /* Asked again: the same copy, not a new one. */
    CHECK(rendered_answer_gzip(answer) == made);
    gzip_copy_clear(&eager);
    rendered_answer_drop(answer);
}

struct racer {
    struct rendered_answer *const *answers;
    size_t count;
    pthread_barrier_t *start;
    const struct gzip_copy **got;
};

static void *race(void *data)
{
    struct racer *racer = data;

    pthread_barrier_wait(racer->start);
    for (size_t i = 0; i < racer->count; i++)
        racer->got[i] = rendered_answer_gzip(racer->answers[i]);
    return NULL;
}

/* Two threads ask for the copies of the same fresh answers at once: each answer keeps one. */
static void test_racing_threads_publish_one_copy(void)
{
    enum { answers_count = 64 };
    struct rendered_answer *answers[answers_count];
    const struct gzip_copy *first[answers_count], *second[answers_count];
    pthread_barrier_t start;
    struct racer racers[2] = {{answers, answers_count, &start, first},
                              {answers, answers_count, &start, second}};
    pthread_t threads[2];

    for (size_t i = 0; i < answers_count; i++)
        answers[i] = rendered_answer_new("a", body_of(4096 + i), 4096 + i, NULL);
    pthread_barrier_init(&start, NULL, 2);
    for (int t = 0; t < 2; t++)
        CHECK_INT_EQ(pthread_create(&threads[t], NULL, race, &racers[t]), 0);
    for (int t = 0; t < 2; t++)
        pthread_join(threads[t], NULL);
    pthread_barrier_destroy(&start);
    for (size_t i = 0; i < answers_count; i++) {
        CHECK(first[i] != NULL);
        /* The loser freed its own and took the winner's: one copy, seen by both. */
        CHECK(first[i] == second[i]);
        CHECK(rendered_answer_gzip(answers[i]) == first[i]);
        rendered_answer_drop(answers[i]);
    }
}

static void *drop_on_this_thread(void *data)
{
    rendered_answer_drop(data);
    return NULL;
}

/* Whichever thread drops the last reference frees, gzip copy included (LeakSanitizer, TSan). */
static void test_the_last_holder_frees_on_its_own_thread(void)
{
    struct rendered_answer *answer = rendered_answer_new("a", body_of(2048), 2048, NULL);
    pthread_t thread;

    CHECK(answer != NULL);
    if (answer == NULL)
        return;
    CHECK(rendered_answer_gzip(answer) != NULL);
    rendered_answer_hold(answer);
    rendered_answer_drop(answer); /* this thread's reference */
    CHECK_INT_EQ(references(answer), 1);
    CHECK_INT_EQ(pthread_create(&thread, NULL, drop_on_this_thread, answer), 0);
    pthread_join(thread, NULL);
}

int main(void)
{
    RUN_TEST(test_references_count_and_the_last_frees);
    RUN_TEST(test_a_copy_owns_its_bytes_and_keeps_the_given_tag);
    RUN_TEST(test_no_gzip_copy_at_or_under_the_threshold);
    RUN_TEST(test_the_gzip_copy_is_made_once_on_demand_and_identical);
    RUN_TEST(test_racing_threads_publish_one_copy);
    RUN_TEST(test_the_last_holder_frees_on_its_own_thread);
    return check_exit_status();
}
