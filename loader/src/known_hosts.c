/*
 * known_hosts.c - host key verification with libssh2's knownhost API.
 *
 * libssh2 ties a knownhost collection to a session only for allocation and error text, so
 * one collection, made on a session that never connects, serves every host of the run.
 */
#include "known_hosts.h"

#include <errno.h>
#include <fcntl.h>
#include <libssh2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "buf.h"
#include "msg.h"

#define KNOWN_HOSTS_MAX_LINE 65536
#define KNOWN_HOSTS_MAX_REVOKED (16 * 1024 * 1024)

struct known_hosts
{
	LIBSSH2_SESSION *session;	/* never connected; owns the collection */
	LIBSSH2_KNOWNHOSTS *hosts;
	char	   *path;
	bool		accept_new;
	bool		ends_in_newline;	/* the file's last byte, so appends start a line */
	tm_buf		revoked;		/* "\n"-separated base64 keys of @revoked lines */
};

/* libssh2's host key types, their knownhost bits, and the algorithm names to offer. */
static const struct
{
	int			hostkey_type;
	int			knownhost_type;
	const char *algorithm;
}			key_types[] = {
	{LIBSSH2_HOSTKEY_TYPE_ED25519, LIBSSH2_KNOWNHOST_KEY_ED25519, "ssh-ed25519"},
	{LIBSSH2_HOSTKEY_TYPE_ECDSA_256, LIBSSH2_KNOWNHOST_KEY_ECDSA_256, "ecdsa-sha2-nistp256"},
	{LIBSSH2_HOSTKEY_TYPE_ECDSA_384, LIBSSH2_KNOWNHOST_KEY_ECDSA_384, "ecdsa-sha2-nistp384"},
	{LIBSSH2_HOSTKEY_TYPE_ECDSA_521, LIBSSH2_KNOWNHOST_KEY_ECDSA_521, "ecdsa-sha2-nistp521"},
	{LIBSSH2_HOSTKEY_TYPE_RSA, LIBSSH2_KNOWNHOST_KEY_SSHRSA, "ssh-rsa"},
	{LIBSSH2_HOSTKEY_TYPE_DSS, LIBSSH2_KNOWNHOST_KEY_SSHDSS, "ssh-dss"},
};

static void
base64(const unsigned char *p, size_t n, bool pad, tm_buf *out)
{
	static const char digits[] =
		"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	size_t		i;
	uint32_t	v;
	char		q[4];

	for (i = 0; i + 2 < n; i += 3)
	{
		v = (uint32_t) p[i] << 16 | (uint32_t) p[i + 1] << 8 | p[i + 2];
		q[0] = digits[v >> 18];
		q[1] = digits[(v >> 12) & 63];
		q[2] = digits[(v >> 6) & 63];
		q[3] = digits[v & 63];
		(void) buf_add(out, q, 4);
	}
	if (i < n)
	{
		v = (uint32_t) p[i] << 16 | (i + 1 < n ? (uint32_t) p[i + 1] << 8 : 0);
		q[0] = digits[v >> 18];
		q[1] = digits[(v >> 12) & 63];
		q[2] = i + 1 < n ? digits[(v >> 6) & 63] : '=';
		q[3] = '=';
		(void) buf_add(out, q, pad ? 4 : (i + 1 < n ? 3 : 2));
	}
}

void
known_hosts_fingerprint(const unsigned char sha256[32], char *buf, size_t size)
{
	tm_buf		b;

	buf_init(&b, 128);
	base64(sha256, 32, false, &b);
	snprintf(buf, size, "SHA256:%s", buf_str(&b));
	buf_free(&b);
}

const char *
known_hosts_path(const known_hosts *kh)
{
	return kh->path;
}

/* "@revoked HOSTS TYPE KEY": keep KEY; a host presenting it is refused. */
static void
remember_revoked(known_hosts *kh, const char *line)
{
	const char *p = line;
	const char *key;
	size_t		n;
	int			field;

	for (field = 0; field < 3; field++)
	{
		while (*p != '\0' && *p != ' ' && *p != '\t')
			p++;
		while (*p == ' ' || *p == '\t')
			p++;
	}
	key = p;
	n = strcspn(key, " \t\r\n");
	if (n > 0 && buf_add(&kh->revoked, key, n) == TM_OK)
		(void) buf_addc(&kh->revoked, '\n');
}

static bool
is_revoked(known_hosts *kh, const char *key, size_t keylen)
{
	tm_buf		b;
	const char *hit;
	bool		found = false;
	const char *all = buf_str(&kh->revoked);

	if (kh->revoked.len == 0)
		return false;
	buf_init(&b, keylen * 2 + 8);
	base64((const unsigned char *) key, keylen, true, &b);
	(void) buf_addc(&b, '\n');
	for (hit = strstr(all, buf_str(&b)); hit != NULL; hit = strstr(hit + 1, buf_str(&b)))
	{
		if (hit == all || hit[-1] == '\n')
		{
			found = true;
			break;
		}
	}
	buf_free(&b);
	return found;
}

/* Feed the file to libssh2 line by line, so one line it cannot read does not lose the rest. */
static tm_result
read_file(known_hosts *kh, FILE *f)
{
	char	   *line = NULL;
	size_t		cap = 0;
	ssize_t		n;
	int			lineno = 0;
	int			skipped = 0;
	char	   *errmsg;
	tm_result	r = TM_OK;

	for (;;)
	{
		n = getline(&line, &cap, f);
		if (n < 0)
			break;
		lineno++;
		kh->ends_in_newline = n > 0 && line[n - 1] == '\n';
		if (n > KNOWN_HOSTS_MAX_LINE)
		{
			warnf("%s:%d: line longer than %d bytes skipped", kh->path, lineno, KNOWN_HOSTS_MAX_LINE);
			continue;
		}
		if (strncmp(line, "@revoked", 8) == 0)
		{
			remember_revoked(kh, line);
			continue;
		}
		if (line[0] == '@')
		{
			verbosef("%s:%d: skipped (%.*s lines are not supported)", kh->path, lineno,
					 (int) strcspn(line, " \t\n"), line);
			continue;
		}
		if (libssh2_knownhost_readline(kh->hosts, line, (size_t) n, LIBSSH2_KNOWNHOST_FILE_OPENSSH) != 0)
		{
			libssh2_session_last_error(kh->session, &errmsg, NULL, 0);
			verbosef("%s:%d: skipped, libssh2 cannot read it: %s", kh->path, lineno, errmsg);
			skipped++;
		}
	}
	if (ferror(f))
	{
		errorf("cannot read known hosts file %s: %s", kh->path, msg_errno(errno));
		r = TM_ERR_IO;
	}
	if (skipped > 0)
		notef("%s: %d line(s) skipped that libssh2 cannot read (run with --verbose to see which)",
			  kh->path, skipped);
	free(line);
	return r;
}

tm_result
known_hosts_open(const char *path, bool accept_new, known_hosts **out)
{
	known_hosts *kh;
	FILE	   *f = NULL;
	tm_result	r = TM_OK;

	*out = NULL;
	kh = calloc(1, sizeof(*kh));
	if (kh == NULL)
		return TM_ERR_NOMEM;
	buf_init(&kh->revoked, KNOWN_HOSTS_MAX_REVOKED);
	kh->accept_new = accept_new;
	kh->ends_in_newline = true;
	kh->path = strdup(path);
	kh->session = libssh2_session_init();
	if (kh->path == NULL || kh->session == NULL)
	{
		r = TM_ERR_NOMEM;
		goto out;
	}
	kh->hosts = libssh2_knownhost_init(kh->session);
	if (kh->hosts == NULL)
	{
		r = TM_ERR_NOMEM;
		goto out;
	}
	f = fopen(path, "r");
	if (f == NULL && errno != ENOENT)
	{
		errorf("cannot open known hosts file %s: %s", path, msg_errno(errno));
		r = TM_ERR_IO;
		goto out;
	}
	if (f == NULL)
	{
		if (accept_new)
			notef("known hosts file %s does not exist; it will be made with the keys of the hosts", path);
		else
			warnf("known hosts file %s does not exist, so no host can be verified; give --known-hosts FILE or --accept-new",
				  path);
	}
	else
		r = read_file(kh, f);
out:
	if (f != NULL)
		fclose(f);
	if (r != TM_OK)
		known_hosts_close(kh);
	else
		*out = kh;
	return r;
}

void
known_hosts_close(known_hosts *kh)
{
	if (kh == NULL)
		return;
	if (kh->hosts != NULL)
		libssh2_knownhost_free(kh->hosts);
	if (kh->session != NULL)
		libssh2_session_free(kh->session);
	buf_free(&kh->revoked);
	free(kh->path);
	free(kh);
}

static int
knownhost_type(int hostkey_type)
{
	size_t		i;

	for (i = 0; i < TM_ARRAY_LEN(key_types); i++)
	{
		if (key_types[i].hostkey_type == hostkey_type)
			return key_types[i].knownhost_type;
	}
	return 0;
}

/* Port 22 is written as a bare host name, others as [host]:port, like OpenSSH. */
static void
entry_name(const char *host, int port, char *buf, size_t size)
{
	if (port == 22)
		snprintf(buf, size, "%s", host);
	else
		snprintf(buf, size, "[%s]:%d", host, port);
}

/* Append one new entry to the file; the collection already holds it. */
static tm_result
append_entry(known_hosts *kh, struct libssh2_knownhost *entry)
{
	char		line[KNOWN_HOSTS_MAX_LINE];
	size_t		len = 0;
	int			fd;
	tm_result	r = TM_OK;

	if (libssh2_knownhost_writeline(kh->hosts, entry, line, sizeof(line), &len,
									LIBSSH2_KNOWNHOST_FILE_OPENSSH) != 0)
		return TM_ERR_INTERNAL;
	fd = open(kh->path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
	if (fd < 0)
	{
		errorf("cannot add a host key to %s: %s", kh->path, msg_errno(errno));
		return TM_ERR_IO;
	}
	if ((!kh->ends_in_newline && write(fd, "\n", 1) != 1) || write(fd, line, len) != (ssize_t) len)
	{
		errorf("cannot add a host key to %s: %s", kh->path, msg_errno(errno));
		r = TM_ERR_IO;
	}
	kh->ends_in_newline = true;
	close(fd);
	return r;
}

known_hosts_verdict
known_hosts_verify(known_hosts *kh, const char *host, int port, const char *key, size_t keylen,
				   int keytype, bool *added)
{
	struct libssh2_knownhost *entry = NULL;
	int			ktype = knownhost_type(keytype);
	char		name[300];
	int			rc;

	*added = false;
	if (ktype == 0)
		return KNOWN_HOSTS_ERROR;
	if (is_revoked(kh, key, keylen))
		return KNOWN_HOSTS_REVOKED;
	rc = libssh2_knownhost_checkp(kh->hosts, host, port, key, keylen,
								  LIBSSH2_KNOWNHOST_TYPE_PLAIN | LIBSSH2_KNOWNHOST_KEYENC_RAW | ktype,
								  NULL);
	switch (rc)
	{
		case LIBSSH2_KNOWNHOST_CHECK_MATCH:
			return KNOWN_HOSTS_MATCH;
		case LIBSSH2_KNOWNHOST_CHECK_MISMATCH:
			return KNOWN_HOSTS_MISMATCH;
		case LIBSSH2_KNOWNHOST_CHECK_NOTFOUND:
			break;
		default:
			return KNOWN_HOSTS_ERROR;
	}
	if (!kh->accept_new)
		return KNOWN_HOSTS_UNKNOWN;
	entry_name(host, port, name, sizeof(name));
	if (libssh2_knownhost_addc(kh->hosts, name, NULL, key, keylen, NULL, 0,
							   LIBSSH2_KNOWNHOST_TYPE_PLAIN | LIBSSH2_KNOWNHOST_KEYENC_RAW | ktype,
							   &entry) != 0)
		return KNOWN_HOSTS_ERROR;
	if (append_entry(kh, entry) != TM_OK)
		return KNOWN_HOSTS_ERROR;
	*added = true;
	return KNOWN_HOSTS_MATCH;
}

const char *
known_hosts_algorithms(known_hosts *kh, const char *host, int port, char *buf, size_t size)
{
	size_t		i;
	size_t		used = 0;
	int			rc;

	/*
	 * Hashed names hide which types a host has; a check with a key no host has answers
	 * MISMATCH exactly when the file has a key of that type for the host.
	 */
	for (i = 0; i < TM_ARRAY_LEN(key_types); i++)
	{
		rc = libssh2_knownhost_checkp(kh->hosts, host, port, "AAAA", 4,
									  LIBSSH2_KNOWNHOST_TYPE_PLAIN | LIBSSH2_KNOWNHOST_KEYENC_BASE64 |
									  key_types[i].knownhost_type, NULL);
		if (rc != LIBSSH2_KNOWNHOST_CHECK_MISMATCH)
			continue;
		rc = snprintf(buf + used, size - used, "%s%s", used ? "," : "", key_types[i].algorithm);
		if (rc < 0 || (size_t) rc >= size - used)
			return NULL;
		used += (size_t) rc;
	}
	return used > 0 ? buf : NULL;
}
