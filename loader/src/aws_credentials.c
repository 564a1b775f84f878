/*
 * aws_credentials.c - the AWS CLI's credential chain and region, read from the environment,
 * its two INI files (with libinih) and the instance metadata service.
 */
#include "aws_credentials.h"

#include <errno.h>
#include <ini.h>
#include <json-c/json.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "aws_imds.h"
#include "buf.h"
#include "cli.h"
#include "msg.h"

/* A value inih saw in place of one too long for its line buffer: "\001" and an index. */
#define LONG_VALUE_MARK '\001'

/* Settings that name a way to get credentials we do not follow. */
static const char *const unsupported_keys[] = {
	"role_arn", "web_identity_token_file", "sso_start_url", "sso_session", "credential_process",
	"credential_source", NULL
};

/* Where a long value is in the text. */
typedef struct
{
	size_t		start;
	size_t		len;
} long_value;

/* The text inih reads, line by line, and what the reader set aside. */
typedef struct
{
	const char *text;
	size_t		len;
	size_t		pos;
	long		line;			/* the line inih is at: the handler runs right after it is read */
	tm_buf		longs;			/* long_value[] */
	bool		config;
	const char *name;
	aws_profile *out;
	tm_result	error;
} ini_stream;

/* Trim spaces and tabs at both ends of [*s, *s + *n). */
static void
trim(const char *text, size_t *start, size_t *n)
{
	while (*n > 0 && (text[*start] == ' ' || text[*start] == '\t'))
	{
		(*start)++;
		(*n)--;
	}
	while (*n > 0 && (text[*start + *n - 1] == ' ' || text[*start + *n - 1] == '\t' ||
					  text[*start + *n - 1] == '\r'))
		(*n)--;
}

/*
 * inih's reader (fgets-like). Debian builds libinih with 200-byte lines, shorter than a
 * session token; a longer "key = value" line reaches inih as "key=\001N", value N kept here.
 * Long comments reach it as "#"; any other long line is cut, and inih reports it.
 */
static char *
read_line(char *str, int num, void *stream)
{
	ini_stream *s = stream;
	const char *line = s->text + s->pos;
	const char *nl;
	size_t		n;
	size_t		lead = 0;
	size_t		vstart;
	size_t		vlen;
	size_t		d;
	size_t		i;
	long_value	v;
	int			w;

	if (s->pos >= s->len || num < 16)
		return NULL;
	nl = memchr(line, '\n', s->len - s->pos);
	n = nl != NULL ? (size_t) (nl - line) + 1 : s->len - s->pos;
	s->pos += n;
	s->line++;
	if (n < (size_t) num)
	{
		memcpy(str, line, n);
		str[n] = '\0';
		return str;
	}
	while (lead < n && (line[lead] == ' ' || line[lead] == '\t'))
		lead++;
	if (lead < n && (line[lead] == '#' || line[lead] == ';'))
	{
		snprintf(str, (size_t) num, "#\n");
		return str;
	}
	d = strcspn(line, "=:\n");
	if (d >= n || line[d] == '\n' || d + 24 >= (size_t) num)
	{
		memcpy(str, line, (size_t) num - 1);
		str[num - 1] = '\0';
		return str;
	}
	vstart = (size_t) (line - s->text) + d + 1;
	vlen = n - d - 1 - (line[n - 1] == '\n');
	/* An inline comment starts at a ';' after white space, as inih has it. */
	for (i = 1; i < vlen; i++)
	{
		if (s->text[vstart + i] == ';' && (s->text[vstart + i - 1] == ' ' || s->text[vstart + i - 1] == '\t'))
		{
			vlen = i;
			break;
		}
	}
	trim(s->text, &vstart, &vlen);
	v.start = vstart;
	v.len = vlen;
	if (buf_add(&s->longs, &v, sizeof(v)) != TM_OK)
	{
		s->error = TM_ERR_NOMEM;
		return NULL;
	}
	w = snprintf(str, (size_t) num, "%.*s=%c%zu\n", (int) d, line, LONG_VALUE_MARK,
				 s->longs.len / sizeof(v) - 1);
	if (w < 0 || w >= num)
		return NULL;
	return str;
}

/* The value as written in the file, with a long one brought back. */
static char *
value_copy(ini_stream *s, const char *value)
{
	const long_value *v;
	long		i;
	char	   *copy;

	if (value[0] != LONG_VALUE_MARK)
		return strdup(value);
	if (parse_long(value + 1, 0, (long) (s->longs.len / sizeof(*v)) - 1, &i) != TM_OK)
		return strdup("");
	v = (const long_value *) (const void *) s->longs.data + i;
	copy = malloc(v->len + 1);
	if (copy != NULL)
	{
		memcpy(copy, s->text + v->start, v->len);
		copy[v->len] = '\0';
	}
	return copy;
}

/* Does this section belong to the profile? Config files say [profile NAME] or [default]. */
static bool
section_is(const ini_stream *s, const char *section)
{
	if (!s->config)
		return strcmp(section, s->name) == 0;
	if (strcmp(s->name, "default") == 0 && strcmp(section, "default") == 0)
		return true;
	return strncmp(section, "profile ", 8) == 0 && strcmp(section + 8 + strspn(section + 8, " "), s->name) == 0;
}

/* Keep the first value of a setting: inih repeats the key for continuation lines. */
static void
keep(ini_stream *s, char **slot, const char *value)
{
	if (*slot != NULL)
		return;
	*slot = value_copy(s, value);
	if (*slot == NULL)
		s->error = TM_ERR_NOMEM;
}

static int
on_setting(void *user, const char *section, const char *name, const char *value)
{
	ini_stream *s = user;
	aws_profile *p = s->out;
	size_t		i;

	if (!section_is(s, section))
		return 1;
	p->found = true;
	if (strcmp(name, "aws_access_key_id") == 0)
		keep(s, &p->access_key_id, value);
	else if (strcmp(name, "aws_secret_access_key") == 0)
		keep(s, &p->secret_access_key, value);
	else if (strcmp(name, "aws_session_token") == 0 || strcmp(name, "aws_security_token") == 0)
		keep(s, &p->session_token, value);
	else if (strcmp(name, "region") == 0)
		keep(s, &p->region, value);
	else if (strcmp(name, "max_attempts") == 0)
		keep(s, &p->max_attempts, value);
	for (i = 0; unsupported_keys[i] != NULL; i++)
	{
		if (strcmp(name, unsupported_keys[i]) == 0 && p->unsupported == NULL)
		{
			keep(s, &p->unsupported, name);
			p->unsupported_line = s->line;
		}
	}
	return s->error == TM_OK;
}

tm_result
aws_profile_parse(const char *text, bool config, const char *name, aws_profile *out)
{
	ini_stream	s;
	int			rc;

	memset(out, 0, sizeof(*out));
	s.text = text;
	s.len = strlen(text);
	s.pos = 0;
	s.line = 0;
	buf_init(&s.longs, AWS_CONFIG_FILE_MAX);
	s.config = config;
	s.name = name;
	s.out = out;
	s.error = TM_OK;
	rc = ini_parse_stream(read_line, &s, on_setting, &s);
	buf_free(&s.longs);
	if (s.error != TM_OK)
		return s.error;
	if (rc > 0)
		out->error_line = rc;
	return rc < 0 ? TM_ERR_NOMEM : TM_OK;
}

void
aws_profile_free(aws_profile *p)
{
	if (p->secret_access_key != NULL)
		explicit_bzero(p->secret_access_key, strlen(p->secret_access_key));
	if (p->session_token != NULL)
		explicit_bzero(p->session_token, strlen(p->session_token));
	free(p->access_key_id);
	free(p->secret_access_key);
	free(p->session_token);
	free(p->region);
	free(p->max_attempts);
	free(p->unsupported);
	memset(p, 0, sizeof(*p));
}

void
aws_mask(const char *key, char *out, size_t size)
{
	size_t		n = key != NULL ? strlen(key) : 0;

	if (n >= 12)
		snprintf(out, size, "%.4s****%s", key, key + n - 4);
	else
		snprintf(out, size, "****");
}

/* The AWS CLI's file: the variable's path (with ~/ expanded) or ~/.aws/NAME. */
static void
aws_file_path(const char *variable, const char *name, char *out, size_t size)
{
	const char *path = getenv(variable);
	const char *home = getenv("HOME");
	struct passwd *pw;

	if (home == NULL || home[0] == '\0')
	{
		pw = getpwuid(getuid());
		home = pw != NULL ? pw->pw_dir : "/";
	}
	if (path != NULL && path[0] != '\0')
	{
		if (strncmp(path, "~/", 2) == 0)
			snprintf(out, size, "%s/%s", home, path + 2);
		else
			snprintf(out, size, "%s", path);
	}
	else
		snprintf(out, size, "%s/.aws/%s", home, name);
}

/* Read a file that may be absent (that is no error); *exists says which. */
static tm_result
read_optional(const char *path, tm_buf *out, bool *exists)
{
	FILE	   *f;
	char		chunk[8192];
	size_t		n;
	tm_result	r = TM_OK;

	*exists = false;
	buf_reset(out);
	f = fopen(path, "r");
	if (f == NULL)
	{
		if (errno == ENOENT || errno == ENOTDIR)
			return buf_adds(out, "");
		errorf("cannot read %s: %s", path, msg_errno(errno));
		return TM_ERR_IO;
	}
	*exists = true;
	for (;;)
	{
		n = fread(chunk, 1, sizeof(chunk), f);
		if (n > 0 && buf_add(out, chunk, n) != TM_OK)
		{
			errorf("%s is larger than %d kB; it is not an AWS CLI file", path, AWS_CONFIG_FILE_MAX / 1024);
			r = TM_ERR_FORMAT;
			break;
		}
		if (n < sizeof(chunk))
			break;
	}
	if (r == TM_OK && ferror(f))
	{
		errorf("cannot read %s: %s", path, msg_errno(errno));
		r = TM_ERR_IO;
	}
	fclose(f);
	if (r == TM_OK && out->data == NULL)
		r = buf_adds(out, "");
	if (r == TM_OK && memchr(out->data, '\0', out->len) != NULL)
	{
		errorf("%s holds a NUL byte; it is not an AWS CLI file", path);
		r = TM_ERR_FORMAT;
	}
	return r;
}

/* One of the two files, read and parsed for the profile; prints what is wrong. */
static tm_result
load_profile(const char *variable, const char *name, bool config, const char *profile,
			 char *path, size_t path_size, aws_profile *out)
{
	tm_buf		text;
	bool		exists;
	tm_result	r;

	memset(out, 0, sizeof(*out));
	aws_file_path(variable, name, path, path_size);
	buf_init(&text, AWS_CONFIG_FILE_MAX);
	r = read_optional(path, &text, &exists);
	if (r == TM_OK && exists)
		r = aws_profile_parse(text.data, config, profile, out);
	if (r == TM_OK && out->error_line > 0)
	{
		errorf("%s:%ld: not a line of an INI file (want [section], key = value, or a # comment)",
			   path, out->error_line);
		r = TM_ERR_FORMAT;
	}
	if (text.data != NULL)
		explicit_bzero(text.data, text.len);
	buf_free(&text);
	return r;
}

/* The profile's name and whether the user named it (then it must exist). */
static const char *
profile_name(const char *option, bool *named)
{
	const char *env = getenv("AWS_PROFILE");

	*named = true;
	if (option != NULL)
		return option;
	if (env != NULL && env[0] != '\0')
		return env;
	*named = false;
	return "default";
}

static tm_result
set_credentials(aws_credentials *out, const char *id, const char *secret, const char *token)
{
	out->access_key_id = strdup(id);
	out->secret_access_key = strdup(secret);
	out->session_token = token != NULL && token[0] != '\0' ? strdup(token) : NULL;
	if (out->access_key_id == NULL || out->secret_access_key == NULL ||
		(token != NULL && token[0] != '\0' && out->session_token == NULL))
	{
		aws_credentials_free(out);
		return TM_ERR_NOMEM;
	}
	return TM_OK;
}

/* Step 1: the environment; *found stays false when it names no credentials. */
static tm_result
from_environment(aws_credentials *out, bool *found)
{
	const char *id = getenv("AWS_ACCESS_KEY_ID");
	const char *secret = getenv("AWS_SECRET_ACCESS_KEY");
	const char *token = getenv("AWS_SESSION_TOKEN");

	*found = false;
	if (token == NULL || token[0] == '\0')
		token = getenv("AWS_SECURITY_TOKEN");
	if ((id == NULL || id[0] == '\0') && (secret == NULL || secret[0] == '\0'))
		return TM_OK;
	if (id == NULL || id[0] == '\0' || secret == NULL || secret[0] == '\0')
	{
		errorf("%s is set but %s is not; set both, or neither to use a profile",
			   id != NULL && id[0] != '\0' ? "AWS_ACCESS_KEY_ID" : "AWS_SECRET_ACCESS_KEY",
			   id != NULL && id[0] != '\0' ? "AWS_SECRET_ACCESS_KEY" : "AWS_ACCESS_KEY_ID");
		return TM_ERR_USAGE;
	}
	*found = true;
	snprintf(out->source, sizeof(out->source), "the environment (AWS_ACCESS_KEY_ID%s)",
			 token != NULL && token[0] != '\0' ? ", AWS_SESSION_TOKEN" : "");
	return set_credentials(out, id, secret, token);
}

/* Steps 2 and 3: a profile's keys, both or neither. */
static tm_result
from_profile(const aws_profile *p, const char *path, const char *profile, aws_credentials *out,
			 bool *found)
{
	*found = false;
	if (p->access_key_id == NULL && p->secret_access_key == NULL)
		return TM_OK;
	if (p->access_key_id == NULL || p->secret_access_key == NULL ||
		p->access_key_id[0] == '\0' || p->secret_access_key[0] == '\0')
	{
		errorf("%s: profile '%s' has %s but not %s; give both", path, profile,
			   p->access_key_id != NULL ? "aws_access_key_id" : "aws_secret_access_key",
			   p->access_key_id != NULL ? "aws_secret_access_key" : "aws_access_key_id");
		return TM_ERR_FORMAT;
	}
	*found = true;
	snprintf(out->source, sizeof(out->source), "profile '%s' in %s", profile, path);
	return set_credentials(out, p->access_key_id, p->secret_access_key, p->session_token);
}

/* A profile that gets its credentials some way we do not follow: say how to hand them over. */
static tm_result
refuse_unsupported(const aws_profile *p, const char *path, const char *profile)
{
	errorf("%s:%ld: profile '%s' gets its credentials through %s, which trafficmap does not "
		   "follow; hand them over in the environment: eval \"$(aws configure "
		   "export-credentials --profile %s --format env)\"", path, p->unsupported_line,
		   profile, p->unsupported, profile);
	return TM_ERR_USAGE;
}

/* A string member of the IMDS credentials document. */
static const char *
imds_string(json_object *doc, const char *key)
{
	json_object *v;

	if (!json_object_object_get_ex(doc, key, &v) || !json_object_is_type(v, json_type_string))
		return NULL;
	return json_object_get_string(v);
}

tm_result
aws_imds_credentials_parse(const char *json, aws_credentials *out, char *code, size_t code_size)
{
	json_object *doc = json_tokener_parse(json);
	const char *c = doc != NULL ? imds_string(doc, "Code") : NULL;
	tm_result	r = TM_ERR_REMOTE;

	/* An empty Code says as little as none: either is reported as "missing". */
	snprintf(code, code_size, "%s", c != NULL && c[0] != '\0' ? c : "missing");
	if (c != NULL && strcmp(c, "Success") == 0 && imds_string(doc, "AccessKeyId") != NULL &&
		imds_string(doc, "SecretAccessKey") != NULL)
		r = set_credentials(out, imds_string(doc, "AccessKeyId"), imds_string(doc, "SecretAccessKey"),
							imds_string(doc, "Token"));
	json_object_put(doc);
	return r;
}

/* Step 4: the instance role's credentials; *why says why not when there are none. */
static tm_result
from_imds(aws_credentials *out, bool *found, char *why, size_t why_size)
{
	aws_imds	m;
	tm_buf		answer;
	tm_buf		path;
	char		code[64];
	char		role[256];
	size_t		n;
	tm_result	r;

	*found = false;
	buf_init(&answer, AWS_IMDS_ANSWER_MAX);
	buf_init(&path, 1024);
	r = aws_imds_open(&m);
	if (r == TM_OK)
		r = aws_imds_get(&m, "/latest/meta-data/iam/security-credentials/", &answer);
	if (r == TM_ERR_REMOTE)
	{
		snprintf(why, why_size, "%s", m.why);
		r = TM_OK;
		goto out;
	}
	if (r != TM_OK)
	{
		errorf("instance metadata service: %s", m.why);
		goto out;
	}
	n = strcspn(answer.data, "\r\n");
	if (n == 0 || n >= sizeof(role))
	{
		snprintf(why, why_size, "the instance has no IAM role");
		goto out;
	}
	memcpy(role, answer.data, n);
	role[n] = '\0';
	r = buf_addf(&path, "/latest/meta-data/iam/security-credentials/%s", role);
	if (r == TM_OK)
		r = aws_imds_get(&m, buf_str(&path), &answer);
	if (r != TM_OK)
	{
		errorf("the instance metadata service listed the role '%s' but not its credentials: %s", role, m.why);
		r = TM_ERR_REMOTE;
		goto out;
	}
	r = aws_imds_credentials_parse(answer.data, out, code, sizeof(code));
	if (r == TM_ERR_REMOTE)
	{
		errorf("the instance metadata service's credentials for role '%s' are not usable (Code %s)",
			   role, code);
		goto out;
	}
	if (r != TM_OK)
		goto out;
	snprintf(out->source, sizeof(out->source), "the instance role '%.200s' (IMDSv2 at %.200s)", role, m.endpoint);
	*found = true;
out:
	if (answer.data != NULL)
		explicit_bzero(answer.data, answer.len);
	buf_free(&answer);
	buf_free(&path);
	aws_imds_close(&m);
	return r;
}

tm_result
aws_credentials_find(const char *option, aws_credentials *out)
{
	aws_profile cred_file;
	aws_profile config_file;
	char		cred_path[1024];
	char		config_path[1024];
	char		why[AWS_IMDS_WHY_MAX];
	const char *profile;
	bool		named;
	bool		found = false;
	tm_result	r;

	memset(out, 0, sizeof(*out));
	memset(&cred_file, 0, sizeof(cred_file));
	memset(&config_file, 0, sizeof(config_file));
	profile = profile_name(option, &named);
	/* As the CLI: --profile outranks the environment's keys; AWS_PROFILE does not. */
	if (option == NULL)
	{
		r = from_environment(out, &found);
		if (r != TM_OK || found)
			goto out;
	}
	r = load_profile("AWS_SHARED_CREDENTIALS_FILE", "credentials", false, profile, cred_path,
					 sizeof(cred_path), &cred_file);
	if (r == TM_OK)
		r = load_profile("AWS_CONFIG_FILE", "config", true, profile, config_path,
						 sizeof(config_path), &config_file);
	if (r != TM_OK)
		goto out;
	/* The CLI tries roles and SSO before a profile's keys, a credential process after. */
	if (config_file.unsupported != NULL && strcmp(config_file.unsupported, "credential_process") != 0)
	{
		r = refuse_unsupported(&config_file, config_path, profile);
		goto out;
	}
	r = from_profile(&cred_file, cred_path, profile, out, &found);
	if (r != TM_OK || found)
		goto out;
	if (cred_file.unsupported != NULL || config_file.unsupported != NULL)
	{
		r = cred_file.unsupported != NULL ? refuse_unsupported(&cred_file, cred_path, profile) :
			refuse_unsupported(&config_file, config_path, profile);
		goto out;
	}
	r = from_profile(&config_file, config_path, profile, out, &found);
	if (r != TM_OK || found)
		goto out;
	if (named && !cred_file.found && !config_file.found)
	{
		errorf("the profile '%s' is in neither %s nor %s; check --profile or AWS_PROFILE",
			   profile, cred_path, config_path);
		r = TM_ERR_USAGE;
		goto out;
	}
	snprintf(why, sizeof(why), "AWS_EC2_METADATA_DISABLED is true");
	if (aws_imds_enabled())
	{
		r = from_imds(out, &found, why, sizeof(why));
		if (r != TM_OK || found)
			goto out;
	}
	errorf("no AWS credentials found: not in the environment (AWS_ACCESS_KEY_ID, "
		   "AWS_SECRET_ACCESS_KEY), not in profile '%s' of %s or %s, and no instance role (%s); "
		   "see 'trafficmap inventory ec2 --help'", profile, cred_path, config_path, why);
	r = TM_ERR_USAGE;
out:
	aws_profile_free(&cred_file);
	aws_profile_free(&config_file);
	if (r == TM_OK)
	{
		char		masked[AWS_MASKED_MAX];

		aws_mask(out->access_key_id, masked, sizeof(masked));
		verbosef("credentials: access key %s%s, from %s", masked,
				 out->session_token != NULL ? " with a session token" : "", out->source);
	}
	return r;
}

void
aws_credentials_free(aws_credentials *c)
{
	if (c->secret_access_key != NULL)
		explicit_bzero(c->secret_access_key, strlen(c->secret_access_key));
	if (c->session_token != NULL)
		explicit_bzero(c->session_token, strlen(c->session_token));
	free(c->access_key_id);
	free(c->secret_access_key);
	free(c->session_token);
	c->access_key_id = NULL;
	c->secret_access_key = NULL;
	c->session_token = NULL;
}

/* A setting of the profile: the config file's, else the credentials file's. */
static tm_result
profile_setting(const char *option, bool region, char **out)
{
	aws_profile cred_file;
	aws_profile config_file;
	char		path[1024];
	const char *profile;
	const char *v;
	bool		named;
	tm_result	r;

	*out = NULL;
	profile = profile_name(option, &named);
	r = load_profile("AWS_CONFIG_FILE", "config", true, profile, path, sizeof(path), &config_file);
	if (r == TM_OK)
		r = load_profile("AWS_SHARED_CREDENTIALS_FILE", "credentials", false, profile, path,
						 sizeof(path), &cred_file);
	else
		memset(&cred_file, 0, sizeof(cred_file));
	if (r == TM_OK)
	{
		v = region ? config_file.region : config_file.max_attempts;
		if (v == NULL)
			v = region ? cred_file.region : cred_file.max_attempts;
		if (v != NULL && v[0] != '\0')
		{
			*out = strdup(v);
			r = *out == NULL ? TM_ERR_NOMEM : TM_OK;
		}
	}
	aws_profile_free(&cred_file);
	aws_profile_free(&config_file);
	return r;
}

tm_result
aws_region_find(const char *option, char **out)
{
	const char *names[] = {"AWS_REGION", "AWS_DEFAULT_REGION"};
	aws_imds	m;
	tm_buf		answer;
	size_t		i;
	tm_result	r;

	*out = NULL;
	for (i = 0; i < TM_ARRAY_LEN(names); i++)
	{
		const char *v = getenv(names[i]);

		if (v != NULL && v[0] != '\0')
		{
			*out = strdup(v);
			return *out == NULL ? TM_ERR_NOMEM : TM_OK;
		}
	}
	r = profile_setting(option, true, out);
	if (r != TM_OK || *out != NULL || !aws_imds_enabled())
		return r;
	buf_init(&answer, AWS_IMDS_ANSWER_MAX);
	r = aws_imds_open(&m);
	if (r == TM_OK)
		r = aws_imds_get(&m, "/latest/meta-data/placement/region", &answer);
	if (r == TM_OK && answer.len > 0)
	{
		verbosef("region %s, from the instance metadata service", answer.data);
		*out = strdup(answer.data);
		r = *out == NULL ? TM_ERR_NOMEM : TM_OK;
	}
	else
		verbosef("no region from the instance metadata service: %s", m.why);
	aws_imds_close(&m);
	buf_free(&answer);
	return r == TM_ERR_REMOTE ? TM_OK : r;
}

tm_result
aws_max_attempts_find(const char *option, int dflt, int *out)
{
	const char *env = getenv("AWS_MAX_ATTEMPTS");
	char	   *setting = NULL;
	long		v;
	tm_result	r = TM_OK;

	*out = dflt;
	if (env != NULL && env[0] != '\0')
	{
		if (parse_long(env, 1, AWS_MAX_ATTEMPTS_LIMIT, &v) != TM_OK)
		{
			errorf("AWS_MAX_ATTEMPTS is '%s'; give a number of attempts from 1 to %d", env, AWS_MAX_ATTEMPTS_LIMIT);
			return TM_ERR_USAGE;
		}
		*out = (int) v;
		return TM_OK;
	}
	r = profile_setting(option, false, &setting);
	if (r == TM_OK && setting != NULL)
	{
		if (parse_long(setting, 1, AWS_MAX_ATTEMPTS_LIMIT, &v) == TM_OK)
			*out = (int) v;
		else
		{
			errorf("the profile's max_attempts is '%s'; give a number of attempts from 1 to %d", setting, AWS_MAX_ATTEMPTS_LIMIT);
			r = TM_ERR_USAGE;
		}
	}
	free(setting);
	return r;
}
