/*
 * utf8.h - is this text valid UTF-8? PostgreSQL refuses anything else, and a refusal in the
 * middle of a COPY cannot name the line of the file it came from; checking first can.
 */
#ifndef TM_UTF8_H
#define TM_UTF8_H

#include <stdbool.h>
#include <stddef.h>

/* Valid UTF-8 (shortest forms, no surrogates, at most U+10FFFF) and no NUL byte. */
bool		utf8_valid(const char *s, size_t len);

#endif							/* TM_UTF8_H */
