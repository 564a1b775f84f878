/*
 * hashtab.h - a hash table of fixed-size records, the one the aggregator keeps its flows,
 * fragments and edges in. Each record starts with its key (compared as bytes, so callers
 * zero any padding; a whole number of 8-byte words hashes and compares fastest); records live in one array that grows by doubling, so a record's index
 * stays valid while the table grows, and lookups probe an open-addressing slot array that
 * keeps each record's hash beside its index. Memory grows with the number of records,
 * never per lookup; a full table (max records) is TM_ERR_NOMEM.
 */
#ifndef TM_HASHTAB_H
#define TM_HASHTAB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "tm.h"

typedef struct
{
	size_t		esize;			/* bytes per record */
	size_t		ksize;			/* bytes of key at the start of each record */
	size_t		max;			/* most records the table may hold */
	uint8_t    *recs;
	size_t		n;
	size_t		cap;
	uint64_t   *slots;			/* hash << 32 | (index + 1); 0 is empty */
	size_t		nslots;			/* a power of two, at least twice n */
} tm_hashtab;

void		hashtab_init(tm_hashtab *t, size_t esize, size_t ksize, size_t max);
void		hashtab_free(tm_hashtab *t);

/*
 * The record with this key, or a new zeroed one with the key copied in (*added tells
 * which). NULL only when memory or max runs out.
 */
void	   *hashtab_upsert(tm_hashtab *t, const void *key, bool *added);
void	   *hashtab_find(const tm_hashtab *t, const void *key);

/*
 * For callers that see keys some time before they use them (the aggregator works a few
 * packets behind the dissector): hash once, prefetch the key's slot, later its record, and
 * upsert with the hash, so the memory the lookup needs is on its way while other packets
 * are worked on. Prefetching is only a hint: any sequence of calls stays correct.
 */
uint32_t	hashtab_hash(const tm_hashtab *t, const void *key);
void		hashtab_prefetch_slot(const tm_hashtab *t, uint32_t h);
void		hashtab_prefetch_record(const tm_hashtab *t, uint32_t h);
void	   *hashtab_upsert_hashed(tm_hashtab *t, const void *key, uint32_t h, bool *added);

static inline void *
hashtab_at(const tm_hashtab *t, size_t i)
{
	return t->recs + i * t->esize;
}

#endif							/* TM_HASHTAB_H */
