/*
 * aws_imds.c - IMDSv2 with libcurl: one token, then GETs with it; short timeouts, because
 * off EC2 nothing answers at 169.254.169.254 and the caller must move on quickly.
 */
#include "aws_imds.h"

#include <curl/curl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "cli.h"

bool
aws_imds_enabled(void)
{
	const char *v = getenv("AWS_EC2_METADATA_DISABLED");

	return v == NULL || strcasecmp(v, "true") != 0;
}

static size_t
collect(char *data, size_t size, size_t nmemb, void *user)
{
	if (buf_add(user, data, size * nmemb) != TM_OK)
		return 0;
	return size * nmemb;
}

/* One request: PUT for the token (with its TTL header) or GET with the token. */
static tm_result
imds_http(aws_imds *m, bool put, const char *path, tm_buf *out)
{
	struct curl_slist *headers = NULL;
	struct curl_slist *more;
	char		header[sizeof(m->token) + 64];
	char		url[sizeof(m->endpoint) + 256];
	char		curl_message[CURL_ERROR_SIZE];
	long		status = 0;
	CURLcode	rc;
	tm_result	r = TM_ERR_REMOTE;

	curl_message[0] = '\0';
	buf_reset(out);
	snprintf(url, sizeof(url), "%s%s", m->endpoint, path);
	if (put)
		snprintf(header, sizeof(header), "X-aws-ec2-metadata-token-ttl-seconds: %d", AWS_IMDS_TOKEN_TTL);
	else
		snprintf(header, sizeof(header), "X-aws-ec2-metadata-token: %s", m->token);
	more = curl_slist_append(headers, header);
	if (more == NULL)
	{
		snprintf(m->why, sizeof(m->why), "out of memory");
		r = TM_ERR_NOMEM;
		goto out;
	}
	headers = more;
	curl_easy_reset(m->curl);
	curl_easy_setopt(m->curl, CURLOPT_URL, url);
	curl_easy_setopt(m->curl, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(m->curl, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(m->curl, CURLOPT_NOPROXY, "*");
	curl_easy_setopt(m->curl, CURLOPT_HTTPHEADER, headers);
	if (put)
		curl_easy_setopt(m->curl, CURLOPT_CUSTOMREQUEST, "PUT");
	curl_easy_setopt(m->curl, CURLOPT_WRITEFUNCTION, collect);
	curl_easy_setopt(m->curl, CURLOPT_WRITEDATA, out);
	curl_easy_setopt(m->curl, CURLOPT_ERRORBUFFER, curl_message);
	curl_easy_setopt(m->curl, CURLOPT_CONNECTTIMEOUT_MS, m->timeout_ms);
	curl_easy_setopt(m->curl, CURLOPT_TIMEOUT_MS, 2 * m->timeout_ms);
	rc = curl_easy_perform(m->curl);
	curl_easy_getinfo(m->curl, CURLINFO_RESPONSE_CODE, &status);
	curl_easy_setopt(m->curl, CURLOPT_ERRORBUFFER, NULL);
	curl_easy_setopt(m->curl, CURLOPT_HTTPHEADER, NULL);
	if (rc != CURLE_OK)
	{
		snprintf(m->why, sizeof(m->why), "%s %.300s: %.180s", put ? "PUT" : "GET", url,
				 curl_message[0] ? curl_message : curl_easy_strerror(rc));
		goto out;
	}
	if (status != 200)
	{
		snprintf(m->why, sizeof(m->why), "%s %.300s: HTTP %ld%s", put ? "PUT" : "GET", url, status,
				 status == 401 ? " (the IMDSv2 token was refused)" : "");
		goto out;
	}
	r = TM_OK;
out:
	curl_slist_free_all(headers);
	return r;
}

tm_result
aws_imds_open(aws_imds *m)
{
	const char *endpoint = getenv("AWS_EC2_METADATA_SERVICE_ENDPOINT");
	const char *timeout = getenv("AWS_METADATA_SERVICE_TIMEOUT");
	long		seconds = 1;
	size_t		n;
	tm_buf		token;
	tm_result	r;

	m->curl = NULL;
	m->token[0] = '\0';
	m->why[0] = '\0';
	buf_init(&token, sizeof(m->token) - 1);
	if (endpoint == NULL || endpoint[0] == '\0')
		endpoint = AWS_IMDS_ENDPOINT;
	n = strlen(endpoint);
	while (n > 0 && endpoint[n - 1] == '/')
		n--;
	if (n >= sizeof(m->endpoint))
	{
		snprintf(m->why, sizeof(m->why), "AWS_EC2_METADATA_SERVICE_ENDPOINT is too long");
		return TM_ERR_USAGE;
	}
	memcpy(m->endpoint, endpoint, n);
	m->endpoint[n] = '\0';
	if (timeout != NULL && parse_long(timeout, 1, 60, &seconds) != TM_OK)
	{
		snprintf(m->why, sizeof(m->why), "AWS_METADATA_SERVICE_TIMEOUT is '%.64s', not seconds from 1 to 60", timeout);
		return TM_ERR_USAGE;
	}
	m->timeout_ms = seconds * 1000;
	if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK)
		return TM_ERR_INTERNAL;
	m->curl = curl_easy_init();
	if (m->curl == NULL)
	{
		snprintf(m->why, sizeof(m->why), "out of memory");
		return TM_ERR_NOMEM;
	}
	r = imds_http(m, true, "/latest/api/token", &token);
	if (r == TM_OK && (token.len == 0 || strpbrk(token.data, "\r\n") != NULL))
	{
		snprintf(m->why, sizeof(m->why), "PUT %.300s/latest/api/token: the answer is not a token", m->endpoint);
		r = TM_ERR_REMOTE;
	}
	if (r == TM_OK)
		memcpy(m->token, token.data, token.len + 1);
	buf_free(&token);
	return r;
}

tm_result
aws_imds_get(aws_imds *m, const char *path, tm_buf *out)
{
	tm_result	r;

	r = imds_http(m, false, path, out);
	if (r == TM_OK && out->data == NULL)
		r = buf_adds(out, "");
	return r;
}

void
aws_imds_close(aws_imds *m)
{
	if (m->curl != NULL)
		curl_easy_cleanup(m->curl);
	m->curl = NULL;
	explicit_bzero(m->token, sizeof(m->token));
}
