/*
 * aws_request.h - calling AWS APIs over HTTPS with libcurl: requests signed by libcurl's own
 * SigV4 (CURLOPT_AWS_SIGV4), retried with exponential backoff and jitter when AWS throttles
 * or fails for a moment, and AWS's error answers (Query XML or JSON 1.1) turned into one
 * message that says what to do.
 *
 * Every call is a POST with its parameters in the body: libcurl 7.88 (Debian 12) signs GET
 * query strings wrongly when they need sorting or hold '=' (curl issues 9717 and 13754), and
 * EC2's NextToken values hold '='.
 */
#ifndef TM_AWS_REQUEST_H
#define TM_AWS_REQUEST_H

#include <stdbool.h>
#include <stddef.h>

#include "aws_credentials.h"
#include "buf.h"
#include "tm.h"

/* The most an answer may hold: a page of 1000 instances is a few MB of XML. */
#define AWS_ANSWER_MAX (64 * 1024 * 1024)
#define AWS_DEFAULT_MAX_ATTEMPTS 5
#define AWS_BACKOFF_BASE 0.25	/* seconds; attempt n waits up to base * 2^(n-1) */
#define AWS_BACKOFF_CAP 20.0	/* seconds */
#define AWS_CONNECT_TIMEOUT 10L /* seconds */
#define AWS_TIMEOUT 120L		/* seconds for one whole request */

/* What went wrong, so callers can decide whether to go on with the next region. */
typedef enum
{
	AWS_FAIL_NONE = 0,
	AWS_FAIL_CREDENTIALS,		/* refused: wrong key or secret, bad signature */
	AWS_FAIL_EXPIRED,			/* expired session token (or a clock far off) */
	AWS_FAIL_DENIED,			/* the IAM policy lacks the permission */
	AWS_FAIL_THROTTLED,			/* still throttled after every attempt */
	AWS_FAIL_SERVER,			/* 5xx or a network failure after every attempt */
	AWS_FAIL_REQUEST,			/* any other error answer: a 4xx AWS explains */
	AWS_FAIL_NETWORK			/* no answer at all that retrying would fix */
} aws_failure;

/* The protocol of an API: how errors look. */
typedef enum
{
	AWS_PROTOCOL_QUERY,			/* EC2: form body, XML answers */
	AWS_PROTOCOL_JSON			/* JSON 1.1: X-Amz-Target, JSON answers */
} aws_protocol;

/* One client: credentials, retry settings and a libcurl handle kept for its connections. */
typedef struct
{
	const aws_credentials *creds;
	int			max_attempts;
	void	   *curl;			/* CURL * */
	unsigned long long rng;		/* jitter */
	long		retries;		/* how many attempts were repeated, for the summary */
} aws_client;

/* One API call. */
typedef struct
{
	const char *endpoint;		/* base URL: https://ec2.us-east-1.amazonaws.com */
	const char *service;		/* signing name: "ec2", "pricing" */
	const char *region;			/* signing region */
	aws_protocol protocol;
	const char *target;			/* JSON 1.1: X-Amz-Target; NULL for Query */
	const char *permission;		/* the IAM action it needs: "ec2:DescribeInstances" */
	const char *what;			/* for messages: "DescribeInstances in us-east-1, page 2" */
} aws_call;

tm_result	aws_client_init(aws_client *c, const aws_credentials *creds, int max_attempts);
void		aws_client_free(aws_client *c);

/*
 * POST body to the call's endpoint, signed; on success *answer holds the answer body. On
 * failure the message is printed here (naming call->what) and *failure says which kind.
 */
tm_result	aws_request(aws_client *c, const aws_call *call, const char *body, size_t len,
						tm_buf *answer, aws_failure *failure);

/* Append s to b percent-encoded for a form body (RFC 3986 unreserved kept). */
tm_result	aws_form_escape(tm_buf *b, const char *s);

/* The code and message of an AWS error answer; false when the body is not one. */
bool		aws_error_parse(aws_protocol protocol, const char *body, size_t len,
							char *code, size_t code_size, char *message, size_t message_size);

/* Keep libxml2 from printing on stderr (encoding errors pass its parser options by): the
 * loader reports what it finds wrong in its own words. Call before parsing. */
void		aws_xml_quiet(void);

/* Whether an error (HTTP status and AWS code, "" when none) is worth another attempt. */
bool		aws_retryable(long status, const char *code);

/* How long to wait before attempt n (n >= 2): full jitter, [0, min(cap, base * 2^(n-2))). */
double		aws_backoff(unsigned long long *rng, int attempt);

#endif							/* TM_AWS_REQUEST_H */
