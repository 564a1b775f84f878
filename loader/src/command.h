/*
 * command.h - the loader's subcommands. Each lives in the file named after it and is listed
 * once, in main.c's command table.
 */
#ifndef TM_COMMAND_H
#define TM_COMMAND_H

#include "tm.h"

typedef tm_result (*tm_command_fn) (int argc, char **argv);

typedef struct
{
	const char *name;
	tm_command_fn run;
	const char *summary;
} tm_command;

/* The subcommands, each in the file named after it. */
tm_result	cmd_collect(int argc, char **argv);
tm_result	cmd_inventory(int argc, char **argv);
tm_result	cmd_load(int argc, char **argv);
tm_result	cmd_resolve(int argc, char **argv);

#endif							/* TM_COMMAND_H */
