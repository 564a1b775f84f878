/*
 * aws_request.c - signed AWS API calls with libcurl, retries with backoff and jitter, and
 * AWS's error answers as messages that say what to do.
 */
#include "aws_request.h"

#include <curl/curl.h>
#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <json-c/json.h>
#include <libxml/parser.h>
#include <libxml/tree.h>
#include <stdio.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>

#include "msg.h"

#ifndef TRAFFICMAP_VERSION
#define TRAFFICMAP_VERSION "unknown"
#endif

#define AWS_CODE_MAX 128
#define AWS_MESSAGE_MAX 1024
#define AWS_HEADER_MAX 8192		/* a session token is a few kB */

/* Throttling and transient failures by AWS error code; 5xx and 429 are retried anyway. */
static const char *const retry_codes[] = {
	"RequestLimitExceeded", "Throttling", "ThrottlingException", "ThrottledException",
	"RequestThrottledException", "RequestThrottled", "TooManyRequestsException",
	"SlowDown", "EC2ThrottledException", "PriorRequestNotComplete", "BandwidthLimitExceeded",
	"RequestTimeout", "RequestTimeoutException", "InternalError", "InternalFailure",
	"ServiceUnavailable", "Unavailable", "InternalServerError", "InternalServerException",
	"IDPCommunicationError", NULL
};

/* Refused credentials: the key is unknown, or the secret does not make its signature. */
static const char *const credential_codes[] = {
	"AuthFailure", "SignatureDoesNotMatch", "InvalidClientTokenId", "UnrecognizedClientException",
	"InvalidSignatureException", "IncompleteSignature", "MissingAuthenticationToken",
	"MissingAuthenticationTokenException", "InvalidAccessKeyId", "InvalidToken", NULL
};

static const char *const expired_codes[] = {
	"RequestExpired", "ExpiredToken", "ExpiredTokenException", "RequestTimeTooSkewed", NULL
};

static const char *const denied_codes[] = {
	"UnauthorizedOperation", "AccessDenied", "AccessDeniedException", "UnauthorizedAccess", NULL
};

static bool
in_list(const char *const *list, const char *code)
{
	size_t		i;

	for (i = 0; list[i] != NULL; i++)
	{
		if (strcmp(list[i], code) == 0)
			return true;
	}
	return false;
}

bool
aws_retryable(long status, const char *code)
{
	if (code[0] != '\0' && in_list(retry_codes, code))
		return true;
	/* A 5xx or 429 that names a code we know is final (none do today) would be kept. */
	return status >= 500 || status == 429;
}

/* xorshift64*: jitter needs spread, not secrecy. */
static double
next_uniform(unsigned long long *rng)
{
	unsigned long long x = *rng;

	x ^= x >> 12;
	x ^= x << 25;
	x ^= x >> 27;
	*rng = x;
	return (double) ((x * 2685821657736338717ULL) >> 11) / 9007199254740992.0;
}

double
aws_backoff(unsigned long long *rng, int attempt)
{
	double		cap = AWS_BACKOFF_BASE;
	int			i;

	for (i = 2; i < attempt && cap < AWS_BACKOFF_CAP; i++)
		cap *= 2;
	if (cap > AWS_BACKOFF_CAP)
		cap = AWS_BACKOFF_CAP;
	return cap * next_uniform(rng);
}

static void
sleep_seconds(double s)
{
	struct timespec ts;

	ts.tv_sec = (time_t) s;
	ts.tv_nsec = (long) ((s - (double) ts.tv_sec) * 1e9);
	while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
		;
}

tm_result
aws_client_init(aws_client *c, const aws_credentials *creds, int max_attempts)
{
	unsigned long long seed = 0;

	c->creds = creds;
	c->max_attempts = max_attempts;
	c->retries = 0;
	if (getrandom(&seed, sizeof(seed), 0) != (ssize_t) sizeof(seed))
		seed = (unsigned long long) time(NULL);
	c->rng = seed | 1;
	if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK)
	{
		errorf("libcurl could not be initialised");
		return TM_ERR_INTERNAL;
	}
	c->curl = curl_easy_init();
	if (c->curl == NULL)
	{
		errorf("libcurl could not make a handle: out of memory");
		return TM_ERR_NOMEM;
	}
	return TM_OK;
}

void
aws_client_free(aws_client *c)
{
	if (c->curl != NULL)
		curl_easy_cleanup(c->curl);
	c->curl = NULL;
}

tm_result
aws_form_escape(tm_buf *b, const char *s)
{
	static const char hex[] = "0123456789ABCDEF";
	tm_result	r = TM_OK;
	const unsigned char *p;

	for (p = (const unsigned char *) s; *p != '\0' && r == TM_OK; p++)
	{
		if ((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') ||
			*p == '-' || *p == '_' || *p == '.' || *p == '~')
			r = buf_addc(b, (char) *p);
		else
			r = buf_addf(b, "%%%c%c", hex[*p >> 4], hex[*p & 15]);
	}
	return r;
}

/* Copy at most size-1 bytes of s, stopping at a line end: AWS text goes into one line. */
static void
copy_line(char *dst, size_t size, const char *s)
{
	size_t		n = 0;

	while (s != NULL && s[n] != '\0' && s[n] != '\n' && s[n] != '\r' && n + 1 < size)
		n++;
	if (n > 0)
		memcpy(dst, s, n);
	dst[n] = '\0';
}

/* The text of the first element named name under node, depth first. */
static xmlNode *
find_element(xmlNode *node, const char *name)
{
	xmlNode    *n;
	xmlNode    *found;

	for (n = node; n != NULL; n = n->next)
	{
		if (n->type != XML_ELEMENT_NODE)
			continue;
		if (strcmp((const char *) n->name, name) == 0)
			return n;
		found = find_element(n->children, name);
		if (found != NULL)
			return found;
	}
	return NULL;
}

static void ignore_xml_error(void *ctx, const char *msg,...) __attribute__((format(printf, 2, 3)));

static void
ignore_xml_error(void *ctx, const char *msg,...)
{
	(void) ctx;
	(void) msg;
}

void
aws_xml_quiet(void)
{
	xmlSetGenericErrorFunc(NULL, ignore_xml_error);
	xmlSetStructuredErrorFunc(NULL, NULL);
}

/* EC2's <Response><Errors><Error><Code/><Message/>, or Query's <ErrorResponse><Error>. */
static bool
xml_error(const char *body, size_t len, char *code, size_t code_size, char *message,
		  size_t message_size)
{
	xmlDoc	   *doc;
	xmlNode    *error;
	xmlNode    *n;
	xmlChar    *text;
	bool		ok = false;

	if (len > (size_t) INT32_MAX)
		return false;
	aws_xml_quiet();
	doc = xmlReadMemory(body, (int) len, "error.xml", NULL,
						XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
	if (doc == NULL)
		return false;
	error = find_element(xmlDocGetRootElement(doc), "Error");
	n = error != NULL ? find_element(error->children, "Code") : NULL;
	if (n != NULL)
	{
		text = xmlNodeGetContent(n);
		copy_line(code, code_size, (const char *) text);
		xmlFree(text);
		n = find_element(error->children, "Message");
		text = n != NULL ? xmlNodeGetContent(n) : NULL;
		copy_line(message, message_size, (const char *) text);
		xmlFree(text);
		ok = code[0] != '\0';
	}
	xmlFreeDoc(doc);
	return ok;
}

/* JSON 1.1's {"__type": "prefix#Code", "message": "..."} (or "Message"). */
static bool
json_error(const char *body, size_t len, char *code, size_t code_size, char *message,
		   size_t message_size)
{
	json_tokener *tok;
	json_object *doc;
	json_object *v;
	const char *type;
	const char *hash;
	bool		ok = false;

	if (len > (size_t) INT32_MAX)
		return false;
	tok = json_tokener_new();
	if (tok == NULL)
		return false;
	doc = json_tokener_parse_ex(tok, body, (int) len);
	json_tokener_free(tok);
	if (doc == NULL)
		return false;
	if (json_object_is_type(doc, json_type_object) &&
		json_object_object_get_ex(doc, "__type", &v) && json_object_is_type(v, json_type_string))
	{
		type = json_object_get_string(v);
		hash = strrchr(type, '#');
		copy_line(code, code_size, hash != NULL ? hash + 1 : type);
		if ((json_object_object_get_ex(doc, "message", &v) ||
			 json_object_object_get_ex(doc, "Message", &v)) &&
			json_object_is_type(v, json_type_string))
			copy_line(message, message_size, json_object_get_string(v));
		ok = code[0] != '\0';
	}
	json_object_put(doc);
	return ok;
}

bool
aws_error_parse(aws_protocol protocol, const char *body, size_t len, char *code,
				size_t code_size, char *message, size_t message_size)
{
	code[0] = '\0';
	message[0] = '\0';
	if (body == NULL || len == 0)
		return false;
	if (protocol == AWS_PROTOCOL_JSON)
		return json_error(body, len, code, code_size, message, message_size);
	return xml_error(body, len, code, code_size, message, message_size);
}

/* Replace every occurrence of secret in s with "****": AWS never echoes one, but be sure. */
static void
redact(char *s, const char *secret)
{
	size_t		n;
	char	   *p;

	if (secret == NULL || strlen(secret) < 4)
		return;
	n = strlen(secret);
	for (p = strstr(s, secret); p != NULL; p = strstr(p, secret))
	{
		memcpy(p, "****", 4);
		memmove(p + 4, p + n, strlen(p + n) + 1);
	}
}

static size_t
collect(char *data, size_t size, size_t nmemb, void *user)
{
	tm_buf	   *answer = user;

	if (buf_add(answer, data, size * nmemb) != TM_OK)
		return 0;
	return size * nmemb;
}

/* libcurl failures a new attempt may fix: the connection, not the request. */
static bool
curl_retryable(CURLcode rc)
{
	switch (rc)
	{
		case CURLE_COULDNT_CONNECT:
		case CURLE_OPERATION_TIMEDOUT:
		case CURLE_SEND_ERROR:
		case CURLE_RECV_ERROR:
		case CURLE_GOT_NOTHING:
		case CURLE_PARTIAL_FILE:
		case CURLE_SSL_CONNECT_ERROR:
		case CURLE_HTTP2:
		case CURLE_HTTP2_STREAM:
			return true;
		default:
			return false;
	}
}

/* Append one "Name: value" header line; libcurl copies it. */
static tm_result add_header(struct curl_slist **headers, const char *fmt,...) __attribute__((format(printf, 2, 3)));

static tm_result
add_header(struct curl_slist **headers, const char *fmt,...)
{
	char		line[AWS_HEADER_MAX];
	struct curl_slist *more;
	va_list		ap;
	int			n;

	va_start(ap, fmt);
	n = vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t) n >= sizeof(line))
		return TM_ERR_NOMEM;
	more = curl_slist_append(*headers, line);
	if (more == NULL)
		return TM_ERR_NOMEM;
	*headers = more;
	return TM_OK;
}

/* The headers of a call; libcurl adds Host and X-Amz-Date and signs them all. */
static tm_result
call_headers(const aws_client *c, const aws_call *call, struct curl_slist **headers)
{
	tm_result	r;

	if (call->protocol == AWS_PROTOCOL_JSON)
	{
		r = add_header(headers, "Content-Type: application/x-amz-json-1.1");
		if (r == TM_OK)
			r = add_header(headers, "X-Amz-Target: %s", call->target);
	}
	else
		r = add_header(headers, "Content-Type: application/x-www-form-urlencoded; charset=utf-8");
	if (r == TM_OK && c->creds->session_token != NULL)
		r = add_header(headers, "X-Amz-Security-Token: %s", c->creds->session_token);
	return r;
}

/* One attempt: the request signed anew (a retry gets a fresh X-Amz-Date). */
static CURLcode
perform(aws_client *c, const aws_call *call, const char *body, size_t len, tm_buf *answer,
		long *status, char *curl_message)
{
	CURL	   *h = c->curl;
	struct curl_slist *headers = NULL;
	char		url[AWS_HEADER_MAX];
	char		sigv4[256];
	size_t		n;
	CURLcode	rc = CURLE_OUT_OF_MEMORY;

	*status = 0;
	curl_message[0] = '\0';
	buf_reset(answer);
	n = strlen(call->endpoint);
	snprintf(url, sizeof(url), "%s%s", call->endpoint, n > 0 && call->endpoint[n - 1] == '/' ? "" : "/");
	snprintf(sigv4, sizeof(sigv4), "aws:amz:%s:%s", call->region, call->service);
	if (call_headers(c, call, &headers) != TM_OK)
		goto out;
	curl_easy_reset(h);
	curl_easy_setopt(h, CURLOPT_URL, url);
	curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "https,http");
	curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(h, CURLOPT_USERAGENT, "trafficmap/" TRAFFICMAP_VERSION);
	curl_easy_setopt(h, CURLOPT_HTTPHEADER, headers);
	curl_easy_setopt(h, CURLOPT_POST, 1L);
	curl_easy_setopt(h, CURLOPT_POSTFIELDS, body);
	curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t) len);
	curl_easy_setopt(h, CURLOPT_AWS_SIGV4, sigv4);
	curl_easy_setopt(h, CURLOPT_USERNAME, c->creds->access_key_id);
	curl_easy_setopt(h, CURLOPT_PASSWORD, c->creds->secret_access_key);
	curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, collect);
	curl_easy_setopt(h, CURLOPT_WRITEDATA, answer);
	curl_easy_setopt(h, CURLOPT_ERRORBUFFER, curl_message);
	curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT, AWS_CONNECT_TIMEOUT);
	curl_easy_setopt(h, CURLOPT_TIMEOUT, AWS_TIMEOUT);
	rc = curl_easy_perform(h);
	curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, status);
	/* Nothing of this frame may stay referenced by the handle, which outlives it. */
	curl_easy_setopt(h, CURLOPT_ERRORBUFFER, NULL);
	curl_easy_setopt(h, CURLOPT_HTTPHEADER, NULL);
out:
	curl_slist_free_all(headers);
	return rc;
}

/* Say what went wrong in words that lead to the fix; return the kind of failure. */
static aws_failure
report(aws_client *c, const aws_call *call, long status, const char *code, char *message,
	   int attempts)
{
	char		masked[AWS_MASKED_MAX];
	const aws_credentials *cr = c->creds;

	redact(message, cr->secret_access_key);
	redact(message, cr->session_token);
	aws_mask(cr->access_key_id, masked, sizeof(masked));
	if (in_list(credential_codes, code))
	{
		errorf("%s: AWS refused the credentials (%s: %s); check the access key id %s and its "
			   "secret access key, from %s", call->what, code, message, masked, cr->source);
		return AWS_FAIL_CREDENTIALS;
	}
	if (in_list(expired_codes, code))
	{
		if (cr->session_token != NULL)
			errorf("%s: the credentials have expired (%s: %s); the session token of %s, from %s, "
				   "is out of date: get fresh credentials (aws sso login, aws sts "
				   "get-session-token, or the instance role's next ones) and run again; if they "
				   "are fresh, this machine's clock is more than 15 minutes off",
				   call->what, code, message, masked, cr->source);
		else
			errorf("%s: AWS says the request has expired (%s: %s); long-term keys do not expire, "
				   "so this machine's clock is more than 15 minutes off: set it right (NTP)",
				   call->what, code, message);
		return AWS_FAIL_EXPIRED;
	}
	if (in_list(denied_codes, code))
	{
		errorf("%s: not allowed (%s): the IAM identity of access key %s lacks the permission "
			   "%s; add it to its policy ('trafficmap inventory ec2 --help' lists every "
			   "permission needed)", call->what, code, masked, call->permission);
		return AWS_FAIL_DENIED;
	}
	if (aws_retryable(status, code))
	{
		bool		throttled = status == 429 || strstr(code, "hrottl") != NULL ||
			strcmp(code, "RequestLimitExceeded") == 0 || strcmp(code, "SlowDown") == 0;

		errorf("%s: %s after %d attempts (HTTP %ld%s%s%s%s); run again later, or allow more "
			   "attempts with AWS_MAX_ATTEMPTS", call->what,
			   throttled ? "AWS is still throttling the requests" : "AWS kept failing",
			   attempts, status, code[0] ? " " : "", code, message[0] ? ": " : "", message);
		return throttled ? AWS_FAIL_THROTTLED : AWS_FAIL_SERVER;
	}
	errorf("%s: HTTP %ld%s%s%s%s", call->what, status, code[0] ? " " : "",
		   code[0] ? code : "and an answer that is not an AWS error", message[0] ? ": " : "", message);
	return AWS_FAIL_REQUEST;
}

tm_result
aws_request(aws_client *c, const aws_call *call, const char *body, size_t len,
			tm_buf *answer, aws_failure *failure)
{
	char		curl_message[CURL_ERROR_SIZE];
	char		code[AWS_CODE_MAX];
	char		message[AWS_MESSAGE_MAX];
	long		status = 0;
	CURLcode	rc = CURLE_OK;
	double		wait;
	int			attempt;

	*failure = AWS_FAIL_NONE;
	for (attempt = 1; attempt <= c->max_attempts; attempt++)
	{
		if (attempt > 1)
		{
			wait = aws_backoff(&c->rng, attempt);
			verbosef("%s: attempt %d of %d in %.2f s", call->what, attempt, c->max_attempts, wait);
			sleep_seconds(wait);
			c->retries++;
		}
		rc = perform(c, call, body, len, answer, &status, curl_message);
		if (rc == CURLE_WRITE_ERROR)
		{
			errorf("%s: the answer is larger than %d MB; is %s an AWS endpoint?", call->what,
				   AWS_ANSWER_MAX / (1024 * 1024), call->endpoint);
			*failure = AWS_FAIL_REQUEST;
			return TM_ERR_REMOTE;
		}
		if (rc != CURLE_OK)
		{
			if (curl_retryable(rc) && attempt < c->max_attempts)
			{
				verbosef("%s: %s", call->what, curl_message[0] ? curl_message : curl_easy_strerror(rc));
				continue;
			}
			errorf("%s: no answer from %s%s: %s%s", call->what, call->endpoint,
				   attempt > 1 ? " in any attempt" : "",
				   curl_message[0] ? curl_message : curl_easy_strerror(rc),
				   rc == CURLE_COULDNT_RESOLVE_HOST ? " (check the region name, and this machine's DNS)" : "");
			*failure = curl_retryable(rc) ? AWS_FAIL_SERVER : AWS_FAIL_NETWORK;
			return TM_ERR_REMOTE;
		}
		if (status >= 200 && status < 300)
			return TM_OK;
		aws_error_parse(call->protocol, answer->data, answer->len, code, sizeof(code),
						message, sizeof(message));
		if (aws_retryable(status, code) && attempt < c->max_attempts)
		{
			verbosef("%s: HTTP %ld %s", call->what, status, code);
			continue;
		}
		break;
	}
	*failure = report(c, call, status, code, message, attempt > c->max_attempts ? c->max_attempts : attempt);
	return TM_ERR_REMOTE;
}
