/*
 * aws_credentials.h - finding AWS credentials and the region the way the AWS CLI does.
 *
 * Credentials, first found wins:
 *   1. AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN (skipped when --profile
 *      names a profile, as the CLI does);
 *   2. the profile in the shared credentials file (AWS_SHARED_CREDENTIALS_FILE, else
 *      ~/.aws/credentials): [NAME];
 *   3. the profile in the config file (AWS_CONFIG_FILE, else ~/.aws/config): [profile NAME]
 *      or [default];
 *   4. the instance role, from the instance metadata service with IMDSv2 (aws_imds.h),
 *      unless AWS_EC2_METADATA_DISABLED=true.
 * The profile is --profile, else AWS_PROFILE, else "default"; a profile named explicitly
 * must exist. Region: --region, else AWS_REGION, else AWS_DEFAULT_REGION, else the
 * profile's region, else the instance's own (IMDSv2).
 *
 * Secrets are never printed: messages show an access key id masked (aws_mask) and say where
 * the credentials came from.
 */
#ifndef TM_AWS_CREDENTIALS_H
#define TM_AWS_CREDENTIALS_H

#include <stdbool.h>
#include <stddef.h>

#include "tm.h"

/* The AWS CLI's files are small; a bigger one is not one of them. */
#define AWS_CONFIG_FILE_MAX (1024 * 1024)
#define AWS_SOURCE_MAX 512
#define AWS_MASKED_MAX 32
#define AWS_MAX_ATTEMPTS_LIMIT 20

typedef struct
{
	char	   *access_key_id;
	char	   *secret_access_key;
	char	   *session_token;	/* NULL for long-term keys */
	char		source[AWS_SOURCE_MAX]; /* where they came from, for messages */
} aws_credentials;

/* The settings of one profile in one of the AWS CLI's files. */
typedef struct
{
	bool		found;			/* the file has a section for the profile */
	char	   *access_key_id;
	char	   *secret_access_key;
	char	   *session_token;
	char	   *region;
	char	   *max_attempts;
	char	   *unsupported;	/* the first setting naming a way we cannot follow */
	long		unsupported_line;
	long		error_line;		/* the first line that is not INI, 0 when none */
} aws_profile;

/*
 * Read the settings of profile NAME from the text of a credentials file (config false:
 * sections are profile names) or a config file (config true: [profile NAME], [default]).
 * Values may be longer than libinih's line buffer (session tokens are).
 */
tm_result	aws_profile_parse(const char *text, bool config, const char *name, aws_profile *out);
void		aws_profile_free(aws_profile *p);

/*
 * Find credentials along the chain above; profile is --profile or NULL. Prints what is
 * wrong (a partial pair, a missing profile, a file that is not INI) and what to do.
 */
tm_result	aws_credentials_find(const char *profile, aws_credentials *out);
void		aws_credentials_free(aws_credentials *c);

/* The region to use when none is given (*out is NULL when nothing names one). */
tm_result	aws_region_find(const char *profile, char **out);

/* max_attempts from AWS_MAX_ATTEMPTS or the profile, else dflt. */
tm_result	aws_max_attempts_find(const char *profile, int dflt, int *out);

/* "AKIA****MPLE": enough of an access key id to recognise it, never a secret. */
void		aws_mask(const char *key, char *out, size_t size);

#endif							/* TM_AWS_CREDENTIALS_H */
