/*
 * test_aws_request.c - form bodies, AWS error answers of both protocols, which failures are
 * retried, and backoff that grows but stays under its cap.
 */
#include "unit.h"

#include "../src/aws_request.h"
#include "../src/buf.h"

UNIT_TEST(form_escape)
{
	tm_buf		b;

	buf_init(&b, 1024);
	CHECK_INT(aws_form_escape(&b, "AAEAAXdCZ+8k/pQ2=="), TM_OK);
	CHECK_STR(buf_str(&b), "AAEAAXdCZ%2B8k%2FpQ2%3D%3D");
	buf_reset(&b);
	CHECK_INT(aws_form_escape(&b, "Linux/UNIX a_b-c.d~é"), TM_OK);
	CHECK_STR(buf_str(&b), "Linux%2FUNIX%20a_b-c.d~%C3%A9");
	buf_free(&b);
}

UNIT_TEST(error_answers)
{
	char		code[64];
	char		message[256];
	const char *ec2 = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Response><Errors><Error>"
		"<Code>UnauthorizedOperation</Code><Message>You are not authorized to perform this "
		"operation.</Message></Error></Errors><RequestID>ab-cd</RequestID></Response>";
	const char *query = "<ErrorResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\"><Error>"
		"<Type>Sender</Type><Code>ExpiredToken</Code><Message>The security token included in "
		"the request is expired</Message></Error><RequestId>x</RequestId></ErrorResponse>";
	const char *json = "{\"__type\":\"com.amazon.coral.service#ExpiredTokenException\","
		"\"message\":\"The security token included in the request is expired\"}";

	CHECK(aws_error_parse(AWS_PROTOCOL_QUERY, ec2, strlen(ec2), code, sizeof(code), message, sizeof(message)));
	CHECK_STR(code, "UnauthorizedOperation");
	CHECK_STR(message, "You are not authorized to perform this operation.");
	CHECK(aws_error_parse(AWS_PROTOCOL_QUERY, query, strlen(query), code, sizeof(code), message, sizeof(message)));
	CHECK_STR(code, "ExpiredToken");
	CHECK(aws_error_parse(AWS_PROTOCOL_JSON, json, strlen(json), code, sizeof(code), message, sizeof(message)));
	CHECK_STR(code, "ExpiredTokenException");
	CHECK_STR(message, "The security token included in the request is expired");
	CHECK(!aws_error_parse(AWS_PROTOCOL_QUERY, "<html>502</html>", 16, code, sizeof(code), message, sizeof(message)));
	CHECK_STR(code, "");
	CHECK(!aws_error_parse(AWS_PROTOCOL_JSON, "{\"message\":1", 12, code, sizeof(code), message, sizeof(message)));
	CHECK(!aws_error_parse(AWS_PROTOCOL_QUERY, "", 0, code, sizeof(code), message, sizeof(message)));
}

UNIT_TEST(what_is_retried)
{
	CHECK(aws_retryable(503, "RequestLimitExceeded"));
	CHECK(aws_retryable(400, "ThrottlingException"));
	CHECK(aws_retryable(500, "InternalError"));
	CHECK(aws_retryable(502, ""));
	CHECK(aws_retryable(429, ""));
	CHECK(!aws_retryable(401, "AuthFailure"));
	CHECK(!aws_retryable(403, "UnauthorizedOperation"));
	CHECK(!aws_retryable(400, "RequestExpired"));
	CHECK(!aws_retryable(400, "InvalidParameterValue"));
}

UNIT_TEST(backoff_grows_under_its_cap)
{
	unsigned long long rng = 12345;
	double		most[12] = {0};
	double		w;
	int			attempt;
	int			i;

	for (attempt = 2; attempt < 12; attempt++)
	{
		for (i = 0; i < 2000; i++)
		{
			w = aws_backoff(&rng, attempt);
			CHECK(w >= 0);
			CHECK(w < AWS_BACKOFF_CAP);
			if (w > most[attempt])
				most[attempt] = w;
		}
	}
	/* Full jitter: nearly the whole window is used, and the window doubles. */
	CHECK(most[2] > 0.9 * AWS_BACKOFF_BASE && most[2] < AWS_BACKOFF_BASE);
	CHECK(most[3] > 0.9 * 2 * AWS_BACKOFF_BASE && most[3] < 2 * AWS_BACKOFF_BASE);
	CHECK(most[11] > 0.9 * AWS_BACKOFF_CAP);
}

UNIT_MAIN(UNIT_ENTRY(form_escape), UNIT_ENTRY(error_answers), UNIT_ENTRY(what_is_retried),
		  UNIT_ENTRY(backoff_grows_under_its_cap))
