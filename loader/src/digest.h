/*
 * digest.h - SHA-256 of a byte stream (OpenSSL's EVP interface), as captures.sha256 keeps
 * it: the identity of a capture's decompressed bytes, so the same capture is never stored
 * twice whichever way it arrives (file, gzip'd file, stdin, SSH stream).
 */
#ifndef TM_DIGEST_H
#define TM_DIGEST_H

#include <stddef.h>

#include "tm.h"

#define DIGEST_HEX_LEN 64

typedef struct tm_digest tm_digest;

tm_result	digest_new(tm_digest **out);
void		digest_update(tm_digest *d, const void *p, size_t n);
/* Finish into 64 lower-case hex digits and a NUL; the digest cannot be updated after. */
tm_result	digest_final_hex(tm_digest *d, char hex[DIGEST_HEX_LEN + 1]);
void		digest_free(tm_digest *d);

#endif							/* TM_DIGEST_H */
