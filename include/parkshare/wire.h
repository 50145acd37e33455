/* wire.h: the HTTP wire contract shared by parkshare-server and parkshare-cli. */
#ifndef PARKSHARE_WIRE_H
#define PARKSHARE_WIRE_H

/* Header that makes an attendant's update safe to retry. */
#define WIRE_IDEMPOTENCY_HEADER "Idempotency-Key"

/* An Idempotency-Key holds 1 to this many printable ASCII characters. */
#define WIRE_IDEMPOTENCY_KEY_MAX 128

/* Lot, group, city and calendar ids: [a-z0-9][a-z0-9_-]{0,63}. */
#define WIRE_ID_MAX 64

/* A lot's capacity is an integer from 1 to this. */
#define WIRE_CAPACITY_MAX 100000

/* Items in one POST /v1/occupancy batch. */
#define WIRE_BATCH_MAX 500

/* Lots in one page of GET /v1/lots: the largest limit parameter. */
#define WIRE_LOTS_LIMIT_MAX 500

/* The media type of request bodies and of JSON answers. */
#define WIRE_JSON_TYPE "application/json"

/* The media type of error answers (RFC 9457). */
#define WIRE_PROBLEM_TYPE "application/problem+json"

#endif
