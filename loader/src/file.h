/*
 * file.h - reading a whole input file (or "-" for standard input) into memory, up to a limit.
 * Inventory files are small next to captures; parsing them from memory keeps the parsers
 * free of I/O, so the fuzz targets can drive them with bytes.
 */
#ifndef TM_FILE_H
#define TM_FILE_H

#include <stddef.h>

#include "buf.h"
#include "tm.h"

/* Read PATH into out (initialised here, freed by the caller); prints its own errors. */
tm_result	file_read(const char *path, size_t max, tm_buf *out);

#endif							/* TM_FILE_H */
