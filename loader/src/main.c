/*
 * main.c - the trafficmap command: global options and the table of subcommands.
 *
 * A subcommand gets argv from its own name on, parses its options with getopt_long, prints
 * its own --help, and returns a tm_result that main turns into the exit status.
 */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "command.h"
#include "msg.h"
#include "tm.h"

#ifndef TRAFFICMAP_VERSION
#define TRAFFICMAP_VERSION "unknown"
#endif

static tm_result cmd_version(int argc, char **argv);
static tm_result cmd_help(int argc, char **argv);

/* The subcommands, in the order --help lists them. */
static const tm_command commands[] = {
	{"help", cmd_help, "show help for trafficmap or one of its commands"},
	{"collect", cmd_collect, "capture on every host at once over SSH into service edges"},
	{"load", cmd_load, "read pcap/pcapng captures into service edges in PostgreSQL"},
	{"inventory", cmd_inventory, "read the fleet (from a file or the EC2 API), foreign names, aliases, prices"},
	{"resolve", cmd_resolve, "name unknown addresses in traffic by reverse DNS"},
	{"version", cmd_version, "print the version"},
};

static void
usage(FILE *out)
{
	size_t		i;

	fprintf(out,
			"Usage: trafficmap [--quiet|--verbose] COMMAND [OPTIONS] [ARGS]\n"
			"\n"
			"Traffic Map lists a fleet of servers, captures who talks to whom, and keeps it in\n"
			"PostgreSQL as service edges that the trafficmap extension turns into a map.\n"
			"\n"
			"Commands:\n");
	for (i = 0; i < TM_ARRAY_LEN(commands); i++)
		fprintf(out, "  %-12s %s\n", commands[i].name, commands[i].summary);
	fprintf(out,
			"\n"
			"Global options:\n"
			"  -q, --quiet    print only warnings and errors\n"
			"  -v, --verbose  print more about what is being done\n"
			"  -h, --help     show this help\n"
			"  -V, --version  print the version\n"
			"\n"
			"Run 'trafficmap COMMAND --help' for a command's options.\n"
			"Database connections follow libpq conventions (-d CONNINFO, PGHOST, PGPORT, ...).\n");
}

static const tm_command *
find_command(const char *name)
{
	size_t		i;

	for (i = 0; i < TM_ARRAY_LEN(commands); i++)
	{
		if (strcmp(commands[i].name, name) == 0)
			return &commands[i];
	}
	return NULL;
}

static tm_result
cmd_version(int argc, char **argv)
{
	(void) argc;
	(void) argv;
	printf("trafficmap %s\n", TRAFFICMAP_VERSION);
	return TM_OK;
}

/* "trafficmap help CMD" is "trafficmap CMD --help", so each command's text lives once. */
static tm_result
cmd_help(int argc, char **argv)
{
	const tm_command *cmd;
	char	   *sub[3];

	if (argc < 2)
	{
		usage(stdout);
		return TM_OK;
	}
	cmd = find_command(argv[1]);
	if (cmd == NULL)
	{
		errorf("no command named '%s'; run 'trafficmap --help' for the list", argv[1]);
		return TM_ERR_USAGE;
	}
	sub[0] = argv[1];
	sub[1] = (char *) "--help";
	sub[2] = NULL;
	return cmd->run(2, sub);
}

int
main(int argc, char **argv)
{
	static const struct option options[] = {
		{"quiet", no_argument, NULL, 'q'},
		{"verbose", no_argument, NULL, 'v'},
		{"help", no_argument, NULL, 'h'},
		{"version", no_argument, NULL, 'V'},
		{NULL, 0, NULL, 0}
	};
	const tm_command *cmd;
	tm_result	r;
	int			first;
	int			c;

	/* "+" stops at the first non-option: the rest belongs to the subcommand. */
	for (;;)
	{
		c = getopt_long(argc, argv, "+qvhV", options, NULL);
		if (c == -1)
			break;
		switch (c)
		{
			case 'q':
				msg_set_verbosity(TM_QUIET);
				break;
			case 'v':
				msg_set_verbosity(TM_VERBOSE);
				break;
			case 'h':
				usage(stdout);
				return TM_EXIT_OK;
			case 'V':
				return tm_exit_status(cmd_version(0, NULL));
			default:
				usage(stderr);
				return TM_EXIT_FAIL;
		}
	}
	if (optind >= argc)
	{
		usage(stderr);
		return TM_EXIT_FAIL;
	}
	cmd = find_command(argv[optind]);
	if (cmd == NULL)
	{
		errorf("no command named '%s'; run 'trafficmap --help' for the list", argv[optind]);
		return TM_EXIT_FAIL;
	}
	/* Each command parses its own options from a fresh getopt state. */
	first = optind;
	optind = 0;
	r = cmd->run(argc - first, argv + first);
	return tm_exit_status(r);
}
