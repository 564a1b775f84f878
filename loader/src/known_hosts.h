/*
 * known_hosts.h - verifying SSH host keys against an OpenSSH known_hosts file with libssh2's
 * knownhost API, for every session of a run at once.
 *
 * The file is read once into one libssh2 knownhost collection that all sessions consult.
 * Lines libssh2 cannot read (@cert-authority, options it does not know) are skipped with a
 * note; @revoked keys are remembered and refused. With accept_new, a host that has no key
 * in the file is added to it (OpenSSH's StrictHostKeyChecking=accept-new); a host whose key
 * differs from the one in the file is never accepted.
 */
#ifndef TM_KNOWN_HOSTS_H
#define TM_KNOWN_HOSTS_H

#include <stdbool.h>
#include <stddef.h>

#include "tm.h"

typedef struct known_hosts known_hosts;

typedef enum
{
	KNOWN_HOSTS_MATCH = 0,
	KNOWN_HOSTS_UNKNOWN,		/* no key of this type for the host */
	KNOWN_HOSTS_MISMATCH,		/* the file has another key of this type for the host */
	KNOWN_HOSTS_REVOKED,		/* the key is marked @revoked */
	KNOWN_HOSTS_ERROR
} known_hosts_verdict;

/* Read path (a missing file is an empty one); prints its own errors. */
tm_result	known_hosts_open(const char *path, bool accept_new, known_hosts **out);
void		known_hosts_close(known_hosts *kh);

/*
 * Check a host key as libssh2_session_hostkey() returned it (raw key, LIBSSH2_HOSTKEY_TYPE_*).
 * With accept_new an unknown key is appended to the file and MATCH returned; *added says so.
 */
known_hosts_verdict known_hosts_verify(known_hosts *kh, const char *host, int port,
									   const char *key, size_t keylen, int keytype,
									   bool *added);

/*
 * The host key algorithms to offer a host, most preferred first, limited to the types the
 * file knows for it (as OpenSSH does, so a host with several keys shows the one on file).
 * NULL when the file knows none: then libssh2's default order applies.
 */
const char *known_hosts_algorithms(known_hosts *kh, const char *host, int port, char *buf,
								   size_t size);

/* A SHA-256 key hash (libssh2_hostkey_hash) as OpenSSH prints it: "SHA256:" and base64. */
void		known_hosts_fingerprint(const unsigned char sha256[32], char *buf, size_t size);

const char *known_hosts_path(const known_hosts *kh);

#endif							/* TM_KNOWN_HOSTS_H */
