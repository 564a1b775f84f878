/*
 * load.c - `trafficmap load`: capture files into service edges in PostgreSQL.
 *
 * Per file: capsrc (bytes, gzip, SHA-256) -> capfile (pcap via libpcap, pcapng) ->
 * aggregate (dissect, 5-tuples, edges) -> store (captures row + COPY, one transaction).
 * A file that fails is reported by name and the others still load.
 */
#include <arpa/inet.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "aggregate.h"
#include "capfile.h"
#include "capsrc.h"
#include "command.h"
#include "db.h"
#include "msg.h"
#include "progress.h"
#include "store.h"
#include "tm.h"

typedef struct
{
	const char *conninfo;
	const char *host;
	const char *run;
	bool		replace;
	bool		dry_run;
} load_options;

/* What the progress line shows while a file is read. */
typedef struct
{
	const char *name;
	tm_capsrc  *src;
	tm_agg	   *agg;
	tm_progress *prog;
} load_status;

static void
usage(FILE *out)
{
	fprintf(out,
			"Usage: trafficmap load [OPTIONS] FILE...\n"
			"\n"
			"Read packet captures and store them in PostgreSQL as service edges: per capture, one\n"
			"row in trafficmap.captures and one row in trafficmap.traffic for each (protocol,\n"
			"client, server, server port), with connections, packets and bytes in each direction,\n"
			"first and last time seen, and TCP SYN/FIN/RST counts.\n"
			"\n"
			"FILE is a pcap or pcapng capture (as tcpdump -w, dumpcap or tshark write them), or -\n"
			"for standard input. Captures may be gzip'd; compression is recognised from the bytes,\n"
			"not the name. Link types: Ethernet (with 802.1Q/802.1ad tags and MPLS), Linux cooked\n"
			"(SLL and SLL2, as tcpdump -i any writes), raw IPv4/IPv6, BSD loopback.\n"
			"\n"
			"Options:\n"
			"  -d, --dbname=CONNINFO  the database: a conninfo string or URI, as psql -d takes it;\n"
			"                         without it, PGHOST, PGPORT, PGDATABASE, PGUSER, PGPASSWORD\n"
			"                         and PGSERVICE are used as psql uses them\n"
			"      --host=NAME        the host the captures were taken on; stored as\n"
			"                         captures.source, and as captures.capturing_host when NAME is\n"
			"                         an IP address (default source: the file name)\n"
			"      --run=NAME         put the captures into the collection run NAME (captures taken\n"
			"                         together), made if it does not exist\n"
			"      --replace          store a capture again even if the same bytes were stored\n"
			"                         before, replacing the earlier one (it keeps its id)\n"
			"      --dry-run          read and aggregate, say what would be stored, store nothing\n"
			"                         (no database is needed)\n"
			"  -q, --quiet            print only warnings and errors\n"
			"  -v, --verbose          print more about each capture\n"
			"  -h, --help             show this help\n"
			"\n"
			"Every packet is counted once: in an edge, or in the capture's skipped packets (not IP,\n"
			"cut short by the snapshot length, malformed, or a copy seen on another interface).\n"
			"Bytes are IP-layer lengths taken from the IP headers, so Ethernet, cooked and raw\n"
			"captures of the same traffic agree, and a small snapshot length loses nothing.\n"
			"\n"
			"Client and server are decided per 5-tuple from all of the capture, first rule that\n"
			"applies: the sender of a TCP SYN (without ACK) is the client; else the receiver of a\n"
			"SYN-ACK; else, for TCP and UDP, the side with the only port below 32768 is the server;\n"
			"else the lower port is the server's (equal ports: the lower address); for ICMP echo\n"
			"the sender of the request is the client; anything else is counted from its first\n"
			"packet's source (client) to its destination (server), with server port 0.\n"
			"\n"
			"Loading is idempotent: captures are known by the SHA-256 of their decompressed bytes,\n"
			"and bytes loaded before are reported as \"already loaded as capture N\" and skipped.\n"
			"A capture that ends in the middle of a packet keeps its complete packets and is\n"
			"stored with status 'truncated' and a warning. Each capture is stored in one\n"
			"transaction: whole, or not at all.\n"
			"\n"
			"Exit status: 0 when every file was loaded (or had been), 2 when a file could not be\n"
			"read or is not a capture (the other files are still loaded), on a usage error, or when\n"
			"the database failed.\n"
			"\n"
			"Examples:\n"
			"  timeout -s INT 60 tcpdump -i any -s 128 -w - | trafficmap load -d traffic --host web-1 -\n"
			"  trafficmap load -d 'host=db.example dbname=traffic' --run 2024-05-01 /var/tmp/*.pcap.gz\n"
			"  trafficmap load --dry-run capture.pcapng\n");
}

/* The progress line: how far, how fast, how many 5-tuples so far. */
static void
load_tick(void *arg)
{
	const load_status *st = arg;
	double		secs = progress_elapsed(st->prog);
	double		mb = (double) capsrc_bytes(st->src) / 1e6;

	progress_show(st->prog, "%s: %llu packets, %.1f MB/s, %zu flows", st->name,
				  (unsigned long long) agg_counts(st->agg)->packets,
				  secs > 0 ? mb / secs : 0.0, agg_nflows(st->agg));
}

/* The source column and, when the host is an address, the capturing_host column. */
static void
host_columns(const load_options *o, const char *path, tm_capture_meta *m)
{
	unsigned char addr[16];

	m->source = o->host != NULL ? o->host : (strcmp(path, "-") == 0 ? "stdin" : path);
	m->capturing_host = NULL;
	if (o->host != NULL &&
		(inet_pton(AF_INET, o->host, addr) == 1 || inet_pton(AF_INET6, o->host, addr) == 1))
		m->capturing_host = o->host;
}

static void
report(const char *name, const tm_agg *agg, const char *what)
{
	const tm_capture_counts *c = agg_counts(agg);

	notef("%s: %s: %llu packets (%llu skipped: %llu not IP, %llu truncated, %llu malformed, %llu duplicate), %zu edges",
		  name, what, (unsigned long long) c->packets,
		  (unsigned long long) (c->not_ip + c->truncated + c->malformed + c->duplicate),
		  (unsigned long long) c->not_ip, (unsigned long long) c->truncated,
		  (unsigned long long) c->malformed, (unsigned long long) c->duplicate, agg_nedges(agg));
}

/* Read, aggregate and store one file. */
static tm_result
load_one(PGconn *conn, const load_options *o, long long run_id, const char *path)
{
	const char *name = strcmp(path, "-") == 0 ? "standard input" : path;
	tm_capsrc  *src = NULL;
	tm_agg	   *agg = NULL;
	tm_capfile_info info;
	tm_capture_meta meta;
	tm_progress prog;
	load_status st;
	long long	id = 0;
	bool		existed = false;
	char		what[64];
	tm_result	r;
	int			i;

	progress_init(&prog);
	r = capsrc_open(path, &src);
	if (r != TM_OK)
		goto out;
	r = agg_new(&agg);
	if (r != TM_OK)
		goto out;
	st.name = name;
	st.src = src;
	st.agg = agg;
	st.prog = &prog;
	r = capfile_read(src, name, agg, &info, &prog, load_tick, &st);
	if (r != TM_OK)
		goto out;
	memset(&meta, 0, sizeof(meta));
	r = capsrc_finish(src, meta.sha256);
	if (r != TM_OK)
		goto out;
	r = agg_finish(agg);
	if (r != TM_OK)
		goto out;
	progress_done(&prog);
	host_columns(o, path, &meta);
	meta.run_id = run_id;
	meta.snaplen = info.snaplen;
	meta.truncated = info.truncated;
	for (i = 0; i < info.nlinktypes && i < STORE_MAX_LINKTYPES; i++)
		meta.linktypes[i] = info.linktypes[i];
	meta.nlinktypes = i;
	if (info.truncated)
		warnf("%s: the capture is truncated (%s); its %llu complete packets are kept",
			  name, info.why, (unsigned long long) agg_counts(agg)->packets);
	verbosef("%s: %s%s, sha256 %s, snapshot length %u", name, info.format,
			 capsrc_gzipped(src) ? " (gzip)" : "", meta.sha256, info.snaplen);
	if (o->dry_run)
	{
		report(name, agg, "would load");
		goto out;
	}
	r = store_capture(conn, &meta, agg, o->replace, &id, &existed);
	if (r != TM_OK)
	{
		errorf("%s: nothing was stored for this capture", name);
		goto out;
	}
	if (existed)
		notef("%s: already loaded as capture %lld (use --replace to load it again)", name, id);
	else
	{
		snprintf(what, sizeof(what), "loaded as capture %lld", id);
		report(name, agg, what);
	}
out:
	progress_done(&prog);
	agg_free(agg);
	capsrc_free(src);
	return r;
}

static tm_result
parse_options(int argc, char **argv, load_options *o, bool *help)
{
	static const struct option options[] = {
		{"dbname", required_argument, NULL, 'd'},
		{"host", required_argument, NULL, 'H'},
		{"run", required_argument, NULL, 'R'},
		{"replace", no_argument, NULL, 'r'},
		{"dry-run", no_argument, NULL, 'n'},
		{"quiet", no_argument, NULL, 'q'},
		{"verbose", no_argument, NULL, 'v'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0}
	};
	int			c;

	memset(o, 0, sizeof(*o));
	*help = false;
	for (;;)
	{
		c = getopt_long(argc, argv, "d:qvh", options, NULL);
		if (c == -1)
			break;
		switch (c)
		{
			case 'd':
				o->conninfo = optarg;
				break;
			case 'H':
				o->host = optarg;
				break;
			case 'R':
				o->run = optarg;
				break;
			case 'r':
				o->replace = true;
				break;
			case 'n':
				o->dry_run = true;
				break;
			case 'q':
				msg_set_verbosity(TM_QUIET);
				break;
			case 'v':
				msg_set_verbosity(TM_VERBOSE);
				break;
			case 'h':
				*help = true;
				return TM_OK;
			default:
				errorf("run 'trafficmap load --help' for the options");
				return TM_ERR_USAGE;
		}
	}
	if (o->host != NULL && o->host[0] == '\0')
	{
		errorf("option --host: the host name is empty");
		return TM_ERR_USAGE;
	}
	if (o->run != NULL && o->run[0] == '\0')
	{
		errorf("option --run: the run name is empty");
		return TM_ERR_USAGE;
	}
	if (optind >= argc)
	{
		errorf("no capture files given; usage: trafficmap load [OPTIONS] FILE... (- for standard input)");
		return TM_ERR_USAGE;
	}
	return TM_OK;
}

tm_result
cmd_load(int argc, char **argv)
{
	load_options o;
	PGconn	   *conn = NULL;
	long long	run_id = 0;
	bool		help;
	bool		failed = false;
	tm_result	r;
	int			i;

	r = parse_options(argc, argv, &o, &help);
	if (r != TM_OK || help)
	{
		if (help)
			usage(stdout);
		goto out;
	}
	if (!o.dry_run)
	{
		r = db_connect(o.conninfo, &conn);
		if (r != TM_OK)
			goto out;
		if (o.run != NULL)
		{
			r = store_run(conn, o.run, &run_id);
			if (r != TM_OK)
				goto out;
		}
	}
	for (i = optind; i < argc; i++)
	{
		r = load_one(conn, &o, run_id, argv[i]);
		/* A refused capture is that file's failure; a lost connection ends the run. */
		if (r == TM_ERR_DB && PQstatus(conn) != CONNECTION_OK)
			goto out;
		if (r != TM_OK)
			failed = true;
	}
	r = failed ? TM_ERR_FORMAT : TM_OK;
out:
	db_close(conn);
	return r;
}
