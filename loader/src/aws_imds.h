/*
 * aws_imds.h - the EC2 instance metadata service, IMDSv2: a session token from
 * PUT /latest/api/token, then GETs that carry it. Where the instance role's credentials and
 * the instance's region come from when nothing else names them.
 *
 * Like the AWS CLI: AWS_EC2_METADATA_SERVICE_ENDPOINT moves it (default
 * http://169.254.169.254), AWS_EC2_METADATA_DISABLED=true turns it off,
 * AWS_METADATA_SERVICE_TIMEOUT is the timeout in seconds (default 1).
 */
#ifndef TM_AWS_IMDS_H
#define TM_AWS_IMDS_H

#include <stdbool.h>
#include <stddef.h>

#include "buf.h"
#include "tm.h"

#define AWS_IMDS_ENDPOINT "http://169.254.169.254"
#define AWS_IMDS_TOKEN_TTL 21600	/* seconds, the most IMDS allows */
#define AWS_IMDS_ANSWER_MAX (64 * 1024)
#define AWS_IMDS_WHY_MAX 512

typedef struct
{
	void	   *curl;			/* CURL * */
	char		endpoint[512];
	char		token[256];
	long		timeout_ms;
	char		why[AWS_IMDS_WHY_MAX];	/* the last failure, in words, for the caller's message */
} aws_imds;

bool		aws_imds_enabled(void);

/* Get a session token; on failure m->why says why (nothing is printed). */
tm_result	aws_imds_open(aws_imds *m);
/* GET a path such as /latest/meta-data/placement/region into out (NUL-terminated). */
tm_result	aws_imds_get(aws_imds *m, const char *path, tm_buf *out);
void		aws_imds_close(aws_imds *m);

#endif							/* TM_AWS_IMDS_H */
