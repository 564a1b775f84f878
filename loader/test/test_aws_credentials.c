/*
 * test_aws_credentials.c - the AWS CLI's files read as the CLI reads them, the credential
 * chain in the CLI's order, and secrets that never show.
 */
#include "unit.h"

#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../src/aws_credentials.h"

static char home[256];

/* ~/.aws/NAME holding text, unless text is NULL. */
static void
write_file(const char *name, const char *text)
{
	char		path[512];
	FILE	   *f;

	if (text == NULL)
		return;
	snprintf(path, sizeof(path), "%s/.aws/%s", home, name);
	f = fopen(path, "w");
	if (f == NULL)
		abort();
	fputs(text, f);
	fclose(f);
}

/* A fresh HOME with ~/.aws/credentials and ~/.aws/config, and no AWS variables. */
static void
fresh_home(const char *credentials, const char *config)
{
	char		path[512];
	const char *vars[] = {"AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN",
		"AWS_SECURITY_TOKEN", "AWS_PROFILE", "AWS_REGION", "AWS_DEFAULT_REGION",
		"AWS_CONFIG_FILE", "AWS_SHARED_CREDENTIALS_FILE", "AWS_MAX_ATTEMPTS"};
	size_t		i;

	for (i = 0; i < sizeof(vars) / sizeof(vars[0]); i++)
		unsetenv(vars[i]);
	setenv("AWS_EC2_METADATA_DISABLED", "true", 1);
	snprintf(home, sizeof(home), "/tmp/tm-unit-aws.XXXXXX");
	if (mkdtemp(home) == NULL)
		abort();
	setenv("HOME", home, 1);
	snprintf(path, sizeof(path), "%s/.aws", home);
	mkdir(path, 0700);
	write_file("credentials", credentials);
	write_file("config", config);
}

static void
cleanup_home(void)
{
	char		cmd[512];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", home);
	if (system(cmd) != 0)
		printf("# could not remove %s\n", home);
}

UNIT_TEST(profile_sections)
{
	aws_profile p;
	const char *creds =
		"# a comment\n"
		"[default]\n"
		"aws_access_key_id = AKIADEFAULT00000000\n"
		"aws_secret_access_key=default/secret+key\n"
		"\n"
		"[prod]\n"
		"aws_access_key_id = AKIAPROD0000000000\n"
		"aws_secret_access_key = prod-secret ; inline comment\n"
		"region = eu-west-1\n";
	const char *config =
		"[default]\n"
		"region = us-east-1\n"
		"[prod]\n"
		"region = not-this-one\n"
		"[profile prod]\n"
		"region = us-west-2\n"
		"max_attempts = 7\n"
		"s3 =\n"
		"  max_concurrent_requests = 10\n";

	CHECK_INT(aws_profile_parse(creds, false, "prod", &p), TM_OK);
	CHECK(p.found);
	CHECK_STR(p.access_key_id, "AKIAPROD0000000000");
	CHECK_STR(p.secret_access_key, "prod-secret");
	CHECK_STR(p.region, "eu-west-1");
	aws_profile_free(&p);
	CHECK_INT(aws_profile_parse(creds, false, "default", &p), TM_OK);
	CHECK_STR(p.secret_access_key, "default/secret+key");
	aws_profile_free(&p);
	CHECK_INT(aws_profile_parse(creds, false, "staging", &p), TM_OK);
	CHECK(!p.found);
	CHECK(p.access_key_id == NULL);
	aws_profile_free(&p);
	/* In the config file a profile's section is [profile NAME]; [NAME] is not it. */
	CHECK_INT(aws_profile_parse(config, true, "prod", &p), TM_OK);
	CHECK_STR(p.region, "us-west-2");
	CHECK_STR(p.max_attempts, "7");
	aws_profile_free(&p);
	CHECK_INT(aws_profile_parse(config, true, "default", &p), TM_OK);
	CHECK_STR(p.region, "us-east-1");
	aws_profile_free(&p);
}

/* Session tokens are longer than the 200-byte lines Debian's libinih reads. */
UNIT_TEST(profile_long_values)
{
	aws_profile p;
	char		token[2001];
	char		comment[501];
	char		text[4096];

	memset(token, 'T', sizeof(token) - 1);
	token[sizeof(token) - 1] = '\0';
	token[0] = 'I';
	token[1999] = 'Z';
	memset(comment, 'c', sizeof(comment) - 1);
	comment[sizeof(comment) - 1] = '\0';
	snprintf(text, sizeof(text),
			 "[default]\n# %s\naws_access_key_id = ASIAEXAMPLE000000000\n"
			 "aws_session_token =   %s  ; a comment\naws_secret_access_key = s\nregion = ap-south-1\n",
			 comment, token);
	CHECK_INT(aws_profile_parse(text, false, "default", &p), TM_OK);
	CHECK_INT(p.error_line, 0);
	CHECK_STR(p.session_token, token);
	CHECK_STR(p.secret_access_key, "s");
	CHECK_STR(p.region, "ap-south-1");
	aws_profile_free(&p);
}

UNIT_TEST(profile_errors_and_unsupported)
{
	aws_profile p;

	CHECK_INT(aws_profile_parse("[default]\nregion = us-east-1\nthis is not ini\n", false, "default", &p), TM_OK);
	CHECK_INT(p.error_line, 3);
	aws_profile_free(&p);
	CHECK_INT(aws_profile_parse("[default]\nregion = x\n\n[profile ops]\nsource_profile = default\n"
								"role_arn = arn:aws:iam::123456789012:role/ops\n", true, "ops", &p), TM_OK);
	CHECK_STR(p.unsupported, "role_arn");
	CHECK_INT(p.unsupported_line, 6);
	aws_profile_free(&p);
}

UNIT_TEST(mask_shows_only_the_ends)
{
	char		out[AWS_MASKED_MAX];

	aws_mask("AKIAIOSFODNN7EXAMPLE", out, sizeof(out));
	CHECK_STR(out, "AKIA****MPLE");
	aws_mask("short", out, sizeof(out));
	CHECK_STR(out, "****");
	aws_mask(NULL, out, sizeof(out));
	CHECK_STR(out, "****");
}

/* The CLI's order: environment, credentials file, config file; --profile skips the first. */
UNIT_TEST(chain_order)
{
	aws_credentials c;
	char		*region;
	int			attempts;

	fresh_home("[default]\naws_access_key_id = AKIAFILEDEFAULT00000\naws_secret_access_key = file-default\n"
			   "[prod]\naws_access_key_id = AKIAFILEPROD00000000\naws_secret_access_key = file-prod\n"
			   "aws_session_token = file-token\n",
			   "[profile ops]\naws_access_key_id = AKIACONFIGOPS0000000\naws_secret_access_key = config-ops\n"
			   "region = eu-central-1\n"
			   "[profile prod]\naws_access_key_id = AKIACONFIGPROD000000\naws_secret_access_key = config-prod\n"
			   "region = us-west-2\nmax_attempts = 3\n");
	setenv("AWS_ACCESS_KEY_ID", "AKIAENVIRONMENT00000", 1);
	setenv("AWS_SECRET_ACCESS_KEY", "env-secret", 1);
	setenv("AWS_SESSION_TOKEN", "env-token", 1);
	CHECK_INT(aws_credentials_find(NULL, &c), TM_OK);
	CHECK_STR(c.access_key_id, "AKIAENVIRONMENT00000");
	CHECK_STR(c.session_token, "env-token");
	aws_credentials_free(&c);

	/* AWS_PROFILE does not outrank the environment's keys... */
	setenv("AWS_PROFILE", "prod", 1);
	CHECK_INT(aws_credentials_find(NULL, &c), TM_OK);
	CHECK_STR(c.access_key_id, "AKIAENVIRONMENT00000");
	aws_credentials_free(&c);
	/* ...--profile does, and the credentials file comes before the config file. */
	CHECK_INT(aws_credentials_find("prod", &c), TM_OK);
	CHECK_STR(c.access_key_id, "AKIAFILEPROD00000000");
	CHECK_STR(c.secret_access_key, "file-prod");
	CHECK_STR(c.session_token, "file-token");
	CHECK(strstr(c.source, "profile 'prod'") != NULL);
	aws_credentials_free(&c);
	CHECK_INT(aws_credentials_find("ops", &c), TM_OK);
	CHECK_STR(c.access_key_id, "AKIACONFIGOPS0000000");
	CHECK(c.session_token == NULL);
	aws_credentials_free(&c);
	unsetenv("AWS_ACCESS_KEY_ID");
	unsetenv("AWS_SECRET_ACCESS_KEY");
	unsetenv("AWS_SESSION_TOKEN");
	CHECK_INT(aws_credentials_find(NULL, &c), TM_OK);
	CHECK_STR(c.access_key_id, "AKIAFILEPROD00000000");
	aws_credentials_free(&c);
	unsetenv("AWS_PROFILE");
	CHECK_INT(aws_credentials_find(NULL, &c), TM_OK);
	CHECK_STR(c.access_key_id, "AKIAFILEDEFAULT00000");
	aws_credentials_free(&c);

	/* A profile named but nowhere, half a key pair: errors, not a fall-through. */
	CHECK_INT(aws_credentials_find("nosuch", &c), TM_ERR_USAGE);
	setenv("AWS_ACCESS_KEY_ID", "AKIAENVIRONMENT00000", 1);
	CHECK_INT(aws_credentials_find(NULL, &c), TM_ERR_USAGE);
	unsetenv("AWS_ACCESS_KEY_ID");

	/* Region: AWS_REGION, AWS_DEFAULT_REGION, then the profile's. */
	CHECK_INT(aws_region_find("prod", &region), TM_OK);
	CHECK_STR(region, "us-west-2");
	free(region);
	setenv("AWS_DEFAULT_REGION", "sa-east-1", 1);
	CHECK_INT(aws_region_find("prod", &region), TM_OK);
	CHECK_STR(region, "sa-east-1");
	free(region);
	setenv("AWS_REGION", "ca-central-1", 1);
	CHECK_INT(aws_region_find("prod", &region), TM_OK);
	CHECK_STR(region, "ca-central-1");
	free(region);
	unsetenv("AWS_REGION");
	unsetenv("AWS_DEFAULT_REGION");
	CHECK_INT(aws_region_find(NULL, &region), TM_OK);
	CHECK(region == NULL);

	CHECK_INT(aws_max_attempts_find("prod", 5, &attempts), TM_OK);
	CHECK_INT(attempts, 3);
	CHECK_INT(aws_max_attempts_find(NULL, 5, &attempts), TM_OK);
	CHECK_INT(attempts, 5);
	setenv("AWS_MAX_ATTEMPTS", "0", 1);
	CHECK_INT(aws_max_attempts_find(NULL, 5, &attempts), TM_ERR_USAGE);
	cleanup_home();
}

UNIT_TEST(chain_refuses_what_it_cannot_follow)
{
	aws_credentials c;

	fresh_home("[ops]\naws_access_key_id = AKIAFILEOPS000000000\naws_secret_access_key = s\n",
			   "[profile ops]\nrole_arn = arn:aws:iam::123456789012:role/ops\nsource_profile = default\n");
	/* The CLI assumes the role before it looks at static keys: so must we (and say so). */
	CHECK_INT(aws_credentials_find("ops", &c), TM_ERR_USAGE);
	cleanup_home();
	fresh_home("[ops]\naws_access_key_id = AKIAFILEOPS000000000\naws_secret_access_key = s\n",
			   "[profile ops]\nregion = us-east-1\n[profile broken\n");
	CHECK_INT(aws_credentials_find("ops", &c), TM_ERR_FORMAT);
	cleanup_home();
	fresh_home(NULL, "[profile ops]\nrole_arn = arn:aws:iam::123456789012:role/ops\n");
	CHECK_INT(aws_credentials_find("ops", &c), TM_ERR_USAGE);
	cleanup_home();
	fresh_home(NULL, NULL);
	CHECK_INT(aws_credentials_find(NULL, &c), TM_ERR_USAGE);
	cleanup_home();
}

UNIT_MAIN(UNIT_ENTRY(profile_sections), UNIT_ENTRY(profile_long_values),
		  UNIT_ENTRY(profile_errors_and_unsupported), UNIT_ENTRY(mask_shows_only_the_ends),
		  UNIT_ENTRY(chain_order), UNIT_ENTRY(chain_refuses_what_it_cannot_follow))
