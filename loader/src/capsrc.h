/*
 * capsrc.h - the bytes of one capture: a file, stdin ("-"), or memory; gzip'd or not (told
 * by zlib from the magic bytes, never from the name). While the bytes are read they are
 * hashed (SHA-256 of the decompressed bytes: captures.sha256) and counted.
 *
 * The bytes are read through a stdio FILE (capsrc_stream), because libpcap reads captures
 * from a FILE; every byte passes through the source once, however it is buffered.
 *
 *   capsrc_open(path, &src)                       prints its own error (file named)
 *   capsrc_magic(src)                             the first four bytes, not consumed
 *   fp = capsrc_stream(src)  ... read ... fclose(fp)   (libpcap's pcap_close does it)
 *   capsrc_finish(src, hex)                       read what is left, give the SHA-256
 *   capsrc_free(src)
 */
#ifndef TM_CAPSRC_H
#define TM_CAPSRC_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "digest.h"
#include "tm.h"

typedef struct tm_capsrc tm_capsrc;

tm_result	capsrc_open(const char *path, tm_capsrc **out);
/* The same over bytes in memory (not copied; for tests and fuzzing). */
tm_result	capsrc_open_mem(const void *data, size_t len, tm_capsrc **out);

/* The first four bytes (big-endian in a number), and how many there were (0-4). */
uint32_t	capsrc_magic(const tm_capsrc *s, size_t *n);

/*
 * A FILE reading the decompressed bytes from the start; NULL (error printed) if none. Once
 * per source, and closed before capsrc_free: its buffer belongs to the source.
 */
FILE	   *capsrc_stream(tm_capsrc *s);

uint64_t	capsrc_bytes(const tm_capsrc *s);	/* decompressed bytes read so far */
bool		capsrc_gzipped(const tm_capsrc *s);

/* Whether reading failed (a damaged or cut gzip stream, an I/O error), and why. */
bool		capsrc_failed(const tm_capsrc *s, const char **why);

/* Read to the end, so the digest covers every byte, and give it as hex. */
tm_result	capsrc_finish(tm_capsrc *s, char hex[DIGEST_HEX_LEN + 1]);
void		capsrc_free(tm_capsrc *s);

#endif							/* TM_CAPSRC_H */
