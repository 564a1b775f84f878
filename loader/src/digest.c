/*
 * digest.c - SHA-256 through OpenSSL's EVP interface (the low-level SHA256_* calls are
 * deprecated in OpenSSL 3).
 */
#include "digest.h"

#include <openssl/evp.h>

#include "msg.h"

struct tm_digest
{
	EVP_MD_CTX *ctx;
};

tm_result
digest_new(tm_digest **out)
{
	tm_digest  *d = NULL;
	tm_result	r = TM_ERR_NOMEM;

	*out = NULL;
	d = OPENSSL_zalloc(sizeof(*d));
	if (d == NULL)
		goto out;
	d->ctx = EVP_MD_CTX_new();
	if (d->ctx == NULL)
		goto out;
	if (EVP_DigestInit_ex(d->ctx, EVP_sha256(), NULL) != 1)
	{
		r = TM_ERR_INTERNAL;
		goto out;
	}
	*out = d;
	d = NULL;
	r = TM_OK;
out:
	if (r != TM_OK)
		errorf("cannot start a SHA-256 digest (%s)", tm_result_name(r));
	digest_free(d);
	return r;
}

void
digest_update(tm_digest *d, const void *p, size_t n)
{
	if (n > 0)
		EVP_DigestUpdate(d->ctx, p, n);
}

tm_result
digest_final_hex(tm_digest *d, char hex[DIGEST_HEX_LEN + 1])
{
	static const char digits[] = "0123456789abcdef";
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int n = 0;
	unsigned int i;

	if (EVP_DigestFinal_ex(d->ctx, md, &n) != 1 || n * 2 != DIGEST_HEX_LEN)
	{
		errorf("cannot finish a SHA-256 digest");
		return TM_ERR_INTERNAL;
	}
	for (i = 0; i < n; i++)
	{
		hex[2 * i] = digits[md[i] >> 4];
		hex[2 * i + 1] = digits[md[i] & 0x0f];
	}
	hex[DIGEST_HEX_LEN] = '\0';
	return TM_OK;
}

void
digest_free(tm_digest *d)
{
	if (d == NULL)
		return;
	EVP_MD_CTX_free(d->ctx);
	OPENSSL_free(d);
}
