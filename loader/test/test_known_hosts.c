/*
 * test_known_hosts.c - host keys against known_hosts files that OpenSSH's own ssh-keygen
 * writes: plain and hashed names, [host]:port entries, @revoked keys, lines libssh2 cannot
 * read; --accept-new appends a line that ssh-keygen -F then finds.
 */
#include "unit.h"

#include <libssh2.h>
#include <stdarg.h>
#include <openssl/evp.h>
#include <stdlib.h>
#include <unistd.h>

#include "../src/known_hosts.h"

static char dir[] = "/tmp/tm-test-kh.XXXXXX";

typedef struct
{
	char		line[512];		/* "ssh-ed25519 AAAA..." */
	unsigned char raw[256];		/* the decoded key blob */
	size_t		rawlen;
} key;

static int	run(const char *fmt,...) __attribute__((format(printf, 1, 2)));

/* A shell command, for OpenSSH's own tools. */
static int
run(const char *fmt,...)
{
	char		cmd[1024];
	va_list		ap;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	return system(cmd);
}

/* Make an ed25519 key with ssh-keygen and read its public half. */
static int
make_key(const char *name, key *k)
{
	char		path[256];
	FILE	   *f;
	char	   *b64;
	char	   *end;
	size_t		len;
	int			n;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	if (run("ssh-keygen -q -t ed25519 -N '' -f %s", path) != 0)
		return -1;
	snprintf(path, sizeof(path), "%s/%s.pub", dir, name);
	f = fopen(path, "r");
	if (f == NULL)
		return -1;
	if (fgets(k->line, sizeof(k->line), f) == NULL)
		k->line[0] = '\0';
	fclose(f);
	b64 = strchr(k->line, ' ');
	if (b64 == NULL)
		return -1;
	b64++;
	end = strchr(b64, ' ');
	if (end != NULL)
		*end = '\0';
	len = strlen(b64);
	n = EVP_DecodeBlock(k->raw, (const unsigned char *) b64, (int) len);
	if (n < 0)
		return -1;
	while (len > 0 && b64[len - 1] == '=')
	{
		len--;
		n--;
	}
	k->rawlen = (size_t) n;
	return 0;
}

static known_hosts_verdict
verify(known_hosts *kh, const char *host, int port, const key *k, bool *added)
{
	return known_hosts_verify(kh, host, port, (const char *) k->raw, k->rawlen,
							  LIBSSH2_HOSTKEY_TYPE_ED25519, added);
}

UNIT_TEST(openssh_files)
{
	key			a;
	key			b;
	key			c;
	char		path[256];
	char		algs[128];
	FILE	   *f;
	known_hosts *kh = NULL;
	bool		added;

	CHECK(mkdtemp(dir) != NULL);
	CHECK(libssh2_init(0) == 0);
	CHECK(make_key("a", &a) == 0);
	CHECK(make_key("b", &b) == 0);
	CHECK(make_key("c", &c) == 0);
	snprintf(path, sizeof(path), "%s/known_hosts", dir);
	f = fopen(path, "w");
	CHECK(f != NULL);
	if (f == NULL)
		return;
	fprintf(f, "# a comment\n");
	fprintf(f, "10.0.0.1 %s\n", a.line);
	fprintf(f, "[10.0.0.2]:2222 %s\n", a.line);
	fprintf(f, "hashed.example %s\n", b.line);
	fclose(f);
	/* ssh-keygen -H hashes every name, as Debian's ssh does by default. */
	CHECK(run("ssh-keygen -q -H -f %s >/dev/null 2>&1", path) == 0);
	f = fopen(path, "a");
	CHECK(f != NULL);
	if (f == NULL)
		return;
	fprintf(f, "@cert-authority *.example.com %s\n", c.line);
	fprintf(f, "@revoked * %s\n", c.line);
	fprintf(f, "this line is not a known_hosts line\n");
	fprintf(f, "10.0.0.3 %s", b.line);
	fclose(f);
	CHECK(run("grep -c '^|1|' %s | grep -qx 3", path) == 0);

	CHECK_INT(known_hosts_open(path, false, &kh), TM_OK);
	if (kh == NULL)
		return;
	CHECK_INT(verify(kh, "10.0.0.1", 22, &a, &added), KNOWN_HOSTS_MATCH);
	CHECK_INT(verify(kh, "10.0.0.1", 22, &b, &added), KNOWN_HOSTS_MISMATCH);
	CHECK_INT(verify(kh, "10.0.0.2", 2222, &a, &added), KNOWN_HOSTS_MATCH);
	CHECK_INT(verify(kh, "hashed.example", 22, &b, &added), KNOWN_HOSTS_MATCH);
	CHECK_INT(verify(kh, "10.0.0.9", 22, &a, &added), KNOWN_HOSTS_UNKNOWN);
	CHECK(!added);
	CHECK_INT(verify(kh, "10.0.0.1", 22, &c, &added), KNOWN_HOSTS_REVOKED);
	CHECK_STR(known_hosts_algorithms(kh, "hashed.example", 22, algs, sizeof(algs)), "ssh-ed25519");
	CHECK(known_hosts_algorithms(kh, "10.0.0.9", 22, algs, sizeof(algs)) == NULL);
	known_hosts_close(kh);

	/* --accept-new: the unknown host is added, and OpenSSH finds it; a changed key is not. */
	CHECK_INT(known_hosts_open(path, true, &kh), TM_OK);
	if (kh == NULL)
		return;
	CHECK_INT(verify(kh, "10.0.0.9", 22, &a, &added), KNOWN_HOSTS_MATCH);
	CHECK(added);
	CHECK_INT(verify(kh, "10.0.0.8", 2200, &b, &added), KNOWN_HOSTS_MATCH);
	CHECK_INT(verify(kh, "10.0.0.1", 22, &b, &added), KNOWN_HOSTS_MISMATCH);
	CHECK(!added);
	known_hosts_close(kh);
	CHECK(run("ssh-keygen -F 10.0.0.9 -f %s | grep -q ssh-ed25519", path) == 0);
	CHECK(run("ssh-keygen -F '[10.0.0.8]:2200' -f %s | grep -q ssh-ed25519", path) == 0);
	/* The first line appended starts a line although the file ended without a newline. */
	CHECK(run("test $(grep -c '^10.0.0.9 ' %s) = 1", path) == 0);
	CHECK(run("ssh-keygen -F 10.0.0.3 -f %s | grep -q ssh-ed25519", path) == 0);
	/* And a fresh read agrees. */
	CHECK_INT(known_hosts_open(path, false, &kh), TM_OK);
	if (kh != NULL)
		CHECK_INT(verify(kh, "10.0.0.9", 22, &a, &added), KNOWN_HOSTS_MATCH);
	known_hosts_close(kh);
	run("rm -rf %s", dir);
	libssh2_exit();
}

UNIT_TEST(fingerprints_as_openssh_prints_them)
{
	unsigned char hash[32];
	char		fp[80];
	int			i;

	/* OpenSSH prints base64 without its padding: 32 bytes are 43 characters. */
	for (i = 0; i < 32; i++)
		hash[i] = (unsigned char) (i * 37 + 1);
	known_hosts_fingerprint(hash, fp, sizeof(fp));
	CHECK_STR(fp, "SHA256:ASZLcJW63wQpTnOYveIHLFF2m8DlCi9UeZ7D6A0yV3w");
}

UNIT_MAIN(
		  UNIT_ENTRY(openssh_files),
		  UNIT_ENTRY(fingerprints_as_openssh_prints_them)
)
