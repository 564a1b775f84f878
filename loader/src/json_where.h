/*
 * json_where.h - the line of a value in JSON text, given its path (Reservations[2].
 * Instances[0].PrivateIpAddress), so a bad value in a JSON file is reported as FILE:LINE like
 * a bad row of a CSV file. json-c parses and keeps no positions; this only walks text that
 * json-c has already accepted, skipping what is not on the path. A parser that walks a large
 * document finds the offsets of an array's elements once (json_elements) and locates values
 * from the nearest of them, so that finding lines stays linear in the size of the text.
 */
#ifndef TM_JSON_WHERE_H
#define TM_JSON_WHERE_H

#include <stdbool.h>
#include <stddef.h>

#define JSON_WHERE_MAX_DEPTH 16

/* One step of a path: a member name, or (key == NULL) an array index. */
typedef struct
{
	const char *key;
	size_t		index;
} json_step;

/* The offset of the value at path in the JSON value that begins at text[from]; false if none. */
bool		json_find(const char *text, size_t len, size_t from, const json_step *path, int depth,
					  size_t *at);

/* The offsets of the first (at most) max elements of the array that begins at text[at]. */
size_t		json_elements(const char *text, size_t len, size_t at, size_t *offsets, size_t max);

/*
 * The line (1-based, counted from the start of text) where the value at path starts in the
 * JSON value that begins at text[from]; 0 when it cannot be found.
 */
long		json_where(const char *text, size_t len, size_t from, const json_step *path, int depth);

#endif							/* TM_JSON_WHERE_H */
