/*
 * resolve.c - `trafficmap resolve`: reverse DNS for the addresses in traffic that have no
 * owner and no name from the foreign-ips file, with c-ares (glibc's getaddrinfo_a cannot do
 * reverse lookups), many lookups in flight at once. The names found are kept in
 * foreign_names with source 'dns' and the time they were looked up.
 *
 * Each lookup is a PTR query (ares_query) whose answer ares_parse_ptr_reply reads: that is
 * what ares_gethostbyaddr does inside, but ares_gethostbyaddr reports a timeout or a server
 * failure as ARES_ENOTFOUND (no such name), and a failed lookup must not pass for an
 * address without a name.
 */
#include <ares.h>
#include <arpa/inet.h>
#include <arpa/nameser.h>
#include <errno.h>
#include <getopt.h>
#include <netdb.h>
#include <poll.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "cli.h"
#include "command.h"
#include "copy.h"
#include "db.h"
#include "msg.h"
#include "netaddr.h"
#include "progress.h"
#include "utf8.h"

#define RESOLVE_PARALLEL_DEFAULT 64
#define RESOLVE_PARALLEL_MAX 4096
#define RESOLVE_TIMEOUT_DEFAULT 2.0
#define RESOLVE_TRIES 2

typedef struct
{
	const char *conninfo;
	const char *since;			/* NULL: the last 24 hours */
	const char *server;			/* ADDR[:PORT] or NULL for the system's resolvers */
	long		parallel;
	double		timeout;
	bool		dry_run;
	bool		help;
} resolve_options;

struct resolver;

/* One address to look up, and what came back. */
typedef struct
{
	struct resolver *owner;
	tm_netaddr	addr;
	char	   *name;			/* the PTR name, or NULL */
	int			status;			/* ARES_SUCCESS, ARES_ENOTFOUND, or a failure */
} lookup;

typedef struct resolver
{
	ares_channel channel;
	lookup	   *items;
	size_t		n;
	size_t		next;			/* the next to start */
	size_t		active;			/* started, not answered */
	size_t		answered;
} resolver;

static void
usage(FILE *out)
{
	fprintf(out,
			"Usage: trafficmap resolve [OPTIONS]\n"
			"\n"
			"Name the addresses seen in traffic that the inventory does not know: every client\n"
			"or server address of the captures started since --since that had no owner\n"
			"(ip_owners) when it was captured and has no name from the foreign-ips file is\n"
			"looked up in reverse DNS (PTR), many at once. Names found are kept in\n"
			"foreign_names with source 'dns' and the time of the lookup (a name from the file\n"
			"always wins over a dns name; see trafficmap.foreign_name()).\n"
			"\n"
			"Options:\n"
			"  -d, --dbname=CONNINFO   the database (a conninfo string or URI; else PGHOST, ...)\n"
			"      --since=TIME        only traffic of captures started at or after TIME\n"
			"                          (default: the last 24 hours)\n"
			"      --dns-server=ADDR[:PORT]  ask this server (IPv6 as [ADDR]:PORT) instead of\n"
			"                          the resolvers of /etc/resolv.conf\n"
			"  -j, --parallel=N        lookups in flight at once (default %d)\n"
			"      --timeout=SECONDS   how long to wait for an answer, per try (default %g;\n"
			"                          each lookup is tried %d times)\n"
			"  -n, --dry-run           look up and print the names, store nothing\n"
			"  -h, --help              show this help\n"
			"\n"
			"Only DNS is asked (PTR records), not /etc/hosts. An address without a PTR record is\n"
			"not a failure; a lookup that times out or that the server refuses is.\n"
			"\n"
			"Prints one summary line. Exit status: 0 success, 1 some lookups failed (the names\n"
			"found are kept), 2 usage error, database error, or every lookup failed.\n",
			RESOLVE_PARALLEL_DEFAULT, RESOLVE_TIMEOUT_DEFAULT, RESOLVE_TRIES);
}

static tm_result
parse_options(int argc, char **argv, resolve_options *o)
{
	enum
	{
		OPT_SINCE = 256, OPT_SERVER, OPT_TIMEOUT
	};
	static const struct option options[] = {
		{"dbname", required_argument, NULL, 'd'},
		{"since", required_argument, NULL, OPT_SINCE},
		{"dns-server", required_argument, NULL, OPT_SERVER},
		{"parallel", required_argument, NULL, 'j'},
		{"timeout", required_argument, NULL, OPT_TIMEOUT},
		{"dry-run", no_argument, NULL, 'n'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0}
	};
	tm_result	r = TM_OK;
	int			c;

	memset(o, 0, sizeof(*o));
	o->parallel = RESOLVE_PARALLEL_DEFAULT;
	o->timeout = RESOLVE_TIMEOUT_DEFAULT;
	while (r == TM_OK)
	{
		c = getopt_long(argc, argv, "d:j:nh", options, NULL);
		if (c == -1)
			break;
		switch (c)
		{
			case 'd':
				o->conninfo = optarg;
				break;
			case OPT_SINCE:
				o->since = optarg;
				break;
			case OPT_SERVER:
				o->server = optarg;
				break;
			case 'j':
				r = cli_long("--parallel", optarg, 1, RESOLVE_PARALLEL_MAX, &o->parallel);
				break;
			case OPT_TIMEOUT:
				r = cli_double("--timeout", optarg, 0.01, 600, &o->timeout);
				break;
			case 'n':
				o->dry_run = true;
				break;
			case 'h':
				o->help = true;
				return TM_OK;
			default:
				errorf("resolve: run 'trafficmap resolve --help' for the options");
				return TM_ERR_USAGE;
		}
	}
	if (r == TM_OK && optind < argc)
	{
		errorf("resolve: unexpected argument '%s'; resolve takes options only", argv[optind]);
		r = TM_ERR_USAGE;
	}
	return r;
}

/* c-ares calls this once per lookup, with the PTR answer or the reason there is none. */
static void
on_answer(void *arg, int status, int timeouts, unsigned char *abuf, int alen)
{
	lookup	   *l = arg;
	struct hostent *host = NULL;

	(void) timeouts;
	if (status == ARES_SUCCESS)
		status = ares_parse_ptr_reply(abuf, alen, l->addr.bytes, l->addr.family == AF_INET ? 4 : 16,
									  l->addr.family, &host);
	if (status == ARES_SUCCESS && host != NULL && host->h_name != NULL)
	{
		l->name = strdup(host->h_name);
		if (l->name == NULL)
			status = ARES_ENOMEM;
	}
	if (host != NULL)
		ares_free_hostent(host);
	l->status = status;
	l->owner->active--;
	l->owner->answered++;
}

/* The PTR name of an address: 5.0.0.10.in-addr.arpa, or 32 nibbles and ip6.arpa. */
static void
ptr_name(const tm_netaddr *a, char *out, size_t size)
{
	size_t		n = 0;
	int			i;

	if (a->family == AF_INET)
	{
		snprintf(out, size, "%u.%u.%u.%u.in-addr.arpa", a->bytes[3], a->bytes[2], a->bytes[1],
				 a->bytes[0]);
		return;
	}
	for (i = 15; i >= 0 && n < size; i--)
		n += (size_t) snprintf(out + n, size - n, "%x.%x.", a->bytes[i] & 0x0F, a->bytes[i] >> 4);
	if (n < size)
		snprintf(out + n, size - n, "ip6.arpa");
}

static void
start(resolver *r, lookup *l)
{
	char		name[80];

	l->owner = r;
	r->active++;
	ptr_name(&l->addr, name, sizeof(name));
	ares_query(r->channel, name, ns_c_in, ns_t_ptr, on_answer, l);
}

/* Wait for the channel's sockets (or its next timeout) and let c-ares process them. */
static tm_result
wait_and_process(resolver *r)
{
	ares_socket_t socks[ARES_GETSOCK_MAXNUM];
	struct pollfd pfd[ARES_GETSOCK_MAXNUM];
	struct timeval tv;
	struct timeval *tvp;
	int			bits;
	int			nfds = 0;
	int			ms;
	int			ready;
	int			i;

	bits = ares_getsock(r->channel, socks, ARES_GETSOCK_MAXNUM);
	for (i = 0; i < ARES_GETSOCK_MAXNUM; i++)
	{
		short		events = 0;

		/* ares.h's ARES_GETSOCK_WRITABLE shifts a signed 1 into the sign bit; shift unsigned. */
		if (((unsigned) bits >> i) & 1u)
			events |= POLLIN;
		if (((unsigned) bits >> (i + ARES_GETSOCK_MAXNUM)) & 1u)
			events |= POLLOUT;
		if (events == 0)
			continue;
		pfd[nfds].fd = socks[i];
		pfd[nfds].events = events;
		pfd[nfds].revents = 0;
		nfds++;
	}
	tvp = ares_timeout(r->channel, NULL, &tv);
	ms = tvp != NULL ? (int) (tvp->tv_sec * 1000 + (tvp->tv_usec + 999) / 1000) : 1000;
	ready = poll(pfd, (nfds_t) nfds, ms);
	if (ready < 0 && errno != EINTR)
	{
		errorf("resolve: waiting for DNS answers: %s", msg_errno(errno));
		return TM_ERR_IO;
	}
	if (ready <= 0)
	{
		ares_process_fd(r->channel, ARES_SOCKET_BAD, ARES_SOCKET_BAD);
		return TM_OK;
	}
	for (i = 0; i < nfds; i++)
	{
		ares_socket_t rd = (pfd[i].revents & (POLLIN | POLLERR | POLLHUP)) ? pfd[i].fd : ARES_SOCKET_BAD;
		ares_socket_t wr = (pfd[i].revents & POLLOUT) ? pfd[i].fd : ARES_SOCKET_BAD;

		if (rd != ARES_SOCKET_BAD || wr != ARES_SOCKET_BAD)
			ares_process_fd(r->channel, rd, wr);
	}
	return TM_OK;
}

/* A channel that asks the given server, if any, else those of /etc/resolv.conf. */
static tm_result
open_channel(const resolve_options *o, ares_channel *channel)
{
	struct ares_options opts;
	int			mask = ARES_OPT_TIMEOUTMS | ARES_OPT_TRIES;
	int			status;

	memset(&opts, 0, sizeof(opts));
	opts.timeout = (int) (o->timeout * 1000);
	opts.tries = RESOLVE_TRIES;
	status = ares_init_options(channel, &opts, mask);
	if (status != ARES_SUCCESS)
	{
		errorf("resolve: cannot set up DNS lookups: %s", ares_strerror(status));
		return TM_ERR_REMOTE;
	}
	if (o->server == NULL)
		return TM_OK;
	status = ares_set_servers_ports_csv(*channel, o->server);
	if (status != ARES_SUCCESS)
	{
		errorf("option --dns-server: '%s' is not ADDR or ADDR:PORT (IPv6: [ADDR]:PORT): %s",
			   o->server, ares_strerror(status));
		ares_destroy(*channel);
		return TM_ERR_USAGE;
	}
	return TM_OK;
}

/* Look every address up, at most o->parallel at a time. */
static tm_result
lookup_all(const resolve_options *o, lookup *items, size_t n)
{
	resolver	r;
	tm_progress progress;
	tm_result	res;

	memset(&r, 0, sizeof(r));
	r.items = items;
	r.n = n;
	res = open_channel(o, &r.channel);
	if (res != TM_OK)
		return res;
	progress_init(&progress);
	while (res == TM_OK && (r.next < r.n || r.active > 0))
	{
		while (r.active < (size_t) o->parallel && r.next < r.n)
		{
			start(&r, &r.items[r.next]);
			r.next++;
		}
		if (r.active > 0)
			res = wait_and_process(&r);
		if (progress_due(&progress))
			progress_show(&progress, "resolve: %zu of %zu addresses looked up", r.answered, r.n);
	}
	progress_done(&progress);
	ares_destroy(r.channel);
	return res;
}

/* The addresses to look up, from the database. */
static tm_result
fetch_addresses(PGconn *conn, const resolve_options *o, lookup **items, size_t *n)
{
	const char *params[1] = {o->since};
	PGresult   *res = NULL;
	tm_result	r;
	size_t		i;
	size_t		k = 0;

	*items = NULL;
	*n = 0;
	r = db_exec(conn, "SELECT host(a) FROM trafficmap.resolve_addresses("
				"coalesce($1::timestamptz, now() - interval '1 day')) a", 1, params, &res);
	if (r != TM_OK)
		return r;
	*items = calloc((size_t) PQntuples(res) + 1, sizeof(lookup));
	if (*items == NULL)
	{
		errorf("resolve: out of memory for %d addresses", PQntuples(res));
		PQclear(res);
		return TM_ERR_NOMEM;
	}
	for (i = 0; i < (size_t) PQntuples(res); i++)
	{
		const char *why;

		if (netaddr_parse(PQgetvalue(res, (int) i, 0), false, &(*items)[k].addr, &why) == TM_OK)
			k++;
		else
			warnf("resolve: the database gave '%s', which %s; skipped", PQgetvalue(res, (int) i, 0), why);
	}
	*n = k;
	PQclear(res);
	return TM_OK;
}

/* Keep the names found, in one transaction. */
static tm_result
store(PGconn *conn, const lookup *items, size_t n, long long *added, long long *changed)
{
	char		text[NETADDR_TEXT_MAX];
	PGresult   *res = NULL;
	tm_copy		c;
	tm_result	r;
	size_t		i;

	r = db_begin(conn);
	if (r == TM_OK)
		r = db_exec(conn, "SELECT trafficmap.resolve_stage()", 0, NULL, NULL);
	if (r == TM_OK)
		r = copy_begin(&c, conn, "COPY pg_temp.resolve_names (address, name) FROM STDIN");
	if (r != TM_OK)
		return r;
	for (i = 0; i < n && r == TM_OK; i++)
	{
		if (items[i].name == NULL)
			continue;
		netaddr_format(&items[i].addr, text, sizeof(text));
		copy_text(&c, text);
		copy_text(&c, items[i].name);
		r = copy_end_row(&c);
	}
	if (r != TM_OK)
	{
		copy_abort(&c, "the names could not be staged");
		return r;
	}
	r = copy_end(&c);
	if (r == TM_OK)
		r = db_exec(conn, "SELECT added, changed FROM trafficmap.resolve_apply(now())", 0, NULL, &res);
	if (r != TM_OK)
		return r;
	*added = strtoll(PQgetvalue(res, 0, 0), NULL, 10);
	*changed = strtoll(PQgetvalue(res, 0, 1), NULL, 10);
	PQclear(res);
	return db_commit(conn);
}

/* Sort the answers into named, nameless and failed; drop names that are not text. */
static void
tally(lookup *items, size_t n, size_t *named, size_t *nameless, size_t *failed, bool print)
{
	char		text[NETADDR_TEXT_MAX];
	size_t		i;

	*named = *nameless = *failed = 0;
	for (i = 0; i < n; i++)
	{
		lookup	   *l = &items[i];

		netaddr_format(&l->addr, text, sizeof(text));
		if (l->name != NULL && !utf8_valid(l->name, strlen(l->name)))
		{
			warnf("resolve: the name of %s is not UTF-8 text; not kept", text);
			free(l->name);
			l->name = NULL;
		}
		if (l->name != NULL)
		{
			(*named)++;
			if (print)
				printf("%s %s\n", text, l->name);
		}
		else if (l->status == ARES_SUCCESS || l->status == ARES_ENOTFOUND || l->status == ARES_ENODATA)
			(*nameless)++;
		else
		{
			(*failed)++;
			warnf("resolve: %s: %s", text, ares_strerror(l->status));
		}
	}
}

static tm_result
run(const resolve_options *o)
{
	PGconn	   *conn = NULL;
	lookup	   *items = NULL;
	size_t		n = 0;
	size_t		named = 0;
	size_t		nameless = 0;
	size_t		failed = 0;
	long long	added = 0;
	long long	changed = 0;
	tm_result	r;
	size_t		i;

	r = db_connect(o->conninfo, &conn);
	if (r == TM_OK)
		r = db_check_time(conn, "--since", o->since);
	if (r == TM_OK)
		r = fetch_addresses(conn, o, &items, &n);
	if (r == TM_OK)
		r = lookup_all(o, items, n);
	if (r != TM_OK)
		goto out;
	tally(items, n, &named, &nameless, &failed, o->dry_run);
	if (!o->dry_run && named > 0)
		r = store(conn, items, n, &added, &changed);
	if (r != TM_OK)
		goto out;
	printf("resolve: %zu addresses looked up: %zu named (%lld added, %lld changed), %zu without a name, %zu failed%s\n",
		   n, named, added, changed, nameless, failed, o->dry_run ? " (dry run: nothing stored)" : "");
	if (failed > 0 && failed == n)
	{
		errorf("resolve: every lookup failed; is the DNS server%s%s reachable?",
			   o->server != NULL ? " " : "", o->server != NULL ? o->server : "");
		r = TM_ERR_REMOTE;
	}
	else if (failed > 0)
		r = TM_ERR_PARTIAL;
out:
	if (conn != NULL)
		db_rollback(conn);
	db_close(conn);
	for (i = 0; i < n; i++)
		free(items[i].name);
	free(items);
	return r;
}

tm_result
cmd_resolve(int argc, char **argv)
{
	resolve_options o;
	tm_result	r;
	int			status;

	r = parse_options(argc, argv, &o);
	if (r != TM_OK)
		return r;
	if (o.help)
	{
		usage(stdout);
		return TM_OK;
	}
	status = ares_library_init(ARES_LIB_INIT_ALL);
	if (status != ARES_SUCCESS)
	{
		errorf("resolve: cannot start c-ares: %s", ares_strerror(status));
		return TM_ERR_INTERNAL;
	}
	r = run(&o);
	ares_library_cleanup();
	return r;
}
