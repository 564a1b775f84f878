/*
 * hashtab.c - open addressing with linear probing over a slot array that holds each
 * record's hash, so most probes compare 32 bits before any key bytes.
 */
#include "hashtab.h"

#include <stdlib.h>
#include <string.h>

#define MIN_SLOTS 1024

void
hashtab_init(tm_hashtab *t, size_t esize, size_t ksize, size_t max)
{
	memset(t, 0, sizeof(*t));
	t->esize = esize;
	t->ksize = ksize;
	t->max = max;
}

void
hashtab_free(tm_hashtab *t)
{
	free(t->recs);
	free(t->slots);
	hashtab_init(t, t->esize, t->ksize, t->max);
}

/* 64 x 64 -> 128-bit multiply, folded: the mixing step of wyhash-like hashes. */
static inline uint64_t
mum(uint64_t a, uint64_t b)
{
	__uint128_t r = (__uint128_t) a * b;

	return (uint64_t) r ^ (uint64_t) (r >> 64);
}

/* Keys are a few dozen bytes: one multiply per 16 of them, one more to finish. */
static uint32_t
hash_key(const void *key, size_t n)
{
	const uint8_t *p = key;
	uint64_t	h = 0x9e3779b97f4a7c15ULL ^ n;
	uint64_t	a;
	uint64_t	b;

	for (; n >= 16; n -= 16, p += 16)
	{
		memcpy(&a, p, 8);
		memcpy(&b, p + 8, 8);
		h = mum(a ^ h ^ 0xa0761d6478bd642fULL, b ^ 0xe7037ed1a0b428dbULL);
	}
	a = 0;
	if (n >= 8)
	{
		memcpy(&a, p, 8);
		n -= 8;
		p += 8;
	}
	for (; n > 0; n--, p++)
		a = (a << 8) | *p;		/* keys are whole words: not reached */
	h = mum(a ^ h ^ 0x8ebc6af09c88c6e3ULL, 0x589965cc75374cc3ULL);
	return (uint32_t) (h ^ (h >> 32));
}

/* Key bytes equal, a word at a time (every key is a few words; no call, no early exit). */
static inline bool
keys_equal(const uint8_t *x, const uint8_t *y, size_t n)
{
	uint64_t	a;
	uint64_t	b;
	uint64_t	d = 0;
	size_t		i;

	for (i = 0; i + 8 <= n; i += 8)
	{
		memcpy(&a, x + i, 8);
		memcpy(&b, y + i, 8);
		d |= a ^ b;
	}
	for (; i < n; i++)
		d |= (uint64_t) (x[i] ^ y[i]);
	return d == 0;
}

/* The slot holding key, or the empty slot where it would go. */
static inline size_t
probe(const tm_hashtab *t, const void *key, uint32_t h)
{
	size_t		mask = t->nslots - 1;
	size_t		i = h & mask;
	uint64_t	s;

	for (;;)
	{
		s = t->slots[i];
		if (s == 0)
			return i;
		if ((uint32_t) (s >> 32) == h &&
			keys_equal(hashtab_at(t, (size_t) (uint32_t) s - 1), key, t->ksize))
			return i;
		i = (i + 1) & mask;
	}
}

void *
hashtab_find(const tm_hashtab *t, const void *key)
{
	uint64_t	s;

	if (t->nslots == 0)
		return NULL;
	s = t->slots[probe(t, key, hash_key(key, t->ksize))];
	if (s == 0)
		return NULL;
	return hashtab_at(t, (size_t) (uint32_t) s - 1);
}

/* Double the slot array and put every record back. */
static tm_result
grow_slots(tm_hashtab *t)
{
	size_t		n = t->nslots ? t->nslots * 2 : MIN_SLOTS;
	uint64_t   *old = t->slots;
	size_t		i;

	t->slots = calloc(n, sizeof(*t->slots));
	if (t->slots == NULL)
	{
		t->slots = old;
		return TM_ERR_NOMEM;
	}
	free(old);
	t->nslots = n;
	for (i = 0; i < t->n; i++)
	{
		const void *key = hashtab_at(t, i);
		uint32_t	h = hash_key(key, t->ksize);

		t->slots[probe(t, key, h)] = ((uint64_t) h << 32) | (uint64_t) (i + 1);
	}
	return TM_OK;
}

static tm_result
grow_recs(tm_hashtab *t)
{
	size_t		cap = t->cap ? t->cap * 2 : MIN_SLOTS / 2;
	uint8_t    *p;

	if (cap > t->max)
		cap = t->max;
	p = realloc(t->recs, cap * t->esize);
	if (p == NULL)
		return TM_ERR_NOMEM;
	t->recs = p;
	t->cap = cap;
	return TM_OK;
}

uint32_t
hashtab_hash(const tm_hashtab *t, const void *key)
{
	return hash_key(key, t->ksize);
}

void
hashtab_prefetch_slot(const tm_hashtab *t, uint32_t h)
{
	if (t->nslots != 0)
		__builtin_prefetch(&t->slots[h & (t->nslots - 1)]);
}

/* The record in the key's first slot, if that slot is taken: every line of it. */
void
hashtab_prefetch_record(const tm_hashtab *t, uint32_t h)
{
	uint64_t	s;
	const uint8_t *rec;
	size_t		off;

	if (t->nslots == 0)
		return;
	s = t->slots[h & (t->nslots - 1)];
	if (s == 0 || (uint32_t) (s >> 32) != h)
		return;
	rec = hashtab_at(t, (size_t) (uint32_t) s - 1);
	for (off = 0; off < t->esize; off += 64)
		__builtin_prefetch(rec + off, 1);
	__builtin_prefetch(rec + t->esize - 1, 1);
}

void *
hashtab_upsert(tm_hashtab *t, const void *key, bool *added)
{
	return hashtab_upsert_hashed(t, key, hash_key(key, t->ksize), added);
}

void *
hashtab_upsert_hashed(tm_hashtab *t, const void *key, uint32_t h, bool *added)
{
	size_t		i;
	uint8_t    *rec;

	*added = false;
	if (t->nslots != 0)
	{
		i = probe(t, key, h);
		if (t->slots[i] != 0)
			return hashtab_at(t, (size_t) (uint32_t) t->slots[i] - 1);
	}
	if (t->n >= t->max || t->n >= UINT32_MAX - 1)
		return NULL;
	if (t->n == t->cap && grow_recs(t) != TM_OK)
		return NULL;
	if ((t->n + 1) * 2 > t->nslots && grow_slots(t) != TM_OK)
		return NULL;
	i = probe(t, key, h);
	rec = hashtab_at(t, t->n);
	memset(rec, 0, t->esize);
	memcpy(rec, key, t->ksize);
	t->slots[i] = ((uint64_t) h << 32) | (uint64_t) (t->n + 1);
	t->n++;
	*added = true;
	return rec;
}
