/*
 * collect.c - `trafficmap collect`: capture on every host of a fleet at once over SSH and
 * store what each saw as service edges.
 *
 * One thread, one epoll: every host is an ssh_session (a non-blocking libssh2 state
 * machine); the loop steps a session when its socket is ready or its deadline passes, and
 * stores a host (collect_host.c) as soon as its session ends. Hosts beyond --parallel wait
 * for a free slot. No host's failure stops another's collection.
 */
#include <errno.h>
#include <getopt.h>
#include <libssh2.h>
#include <poll.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include "buf.h"
#include "capture_command.h"
#include "cli.h"
#include "collect_host.h"
#include "command.h"
#include "db.h"
#include "hosts_file.h"
#include "known_hosts.h"
#include "msg.h"
#include "password.h"
#include "progress.h"
#include "ssh_session.h"
#include "tm.h"

#define DEFAULT_SECONDS 60
#define DEFAULT_PARALLEL 1000
#define DEFAULT_SNAPLEN 128
#define DEFAULT_CONNECT_TIMEOUT 10
#define MAX_PARALLEL 100000
#define MAX_EVENTS 512
#define DEADLINE_SCAN 0.05		/* seconds between scans for expired deadlines */
#define FDS_SPARE 64			/* descriptors kept for the database, files, libraries */

typedef struct
{
	const char *conninfo;
	const char *hosts_file;
	bool		from_inventory;
	const char *where;
	bool		address_public;
	double		seconds;
	long		parallel;
	const char *user;
	const char *identity;
	const char *known_hosts;
	bool		accept_new;
	long		snaplen;
	const char *filter;
	const char *keep_dir;
	double		connect_timeout;
	bool		sudo;
} collect_options;

/* One host of the run and its progress through the loop. */
typedef struct
{
	char	   *name;			/* collect_hosts.host */
	const char *host;			/* what to dial: the name or address alone */
	const char *user;
	int			port;
	ssh_session *session;
	collect_host *sink;
	int			registered;		/* events epoll watches for, -1 when not registered */
	bool		finished;
} slot;

/* The run's state, shared by the loop's helpers. */
typedef struct
{
	const collect_options *o;
	PGconn	   *conn;
	long long	run_id;
	ssh_config	cfg;
	slot	   *slots;
	size_t		n;
	size_t		next;			/* the next slot to start */
	size_t		active;
	size_t		done;
	size_t		ok;
	size_t		captured;		/* hosts whose capture was stored */
	uint64_t	bytes;
	int			epfd;
	tm_result	fatal;			/* a database failure ends the run */
} collect_run;

static void
usage(FILE *out)
{
	fprintf(out,
			"Usage: trafficmap collect [OPTIONS] (--hosts FILE | --from-inventory [--where COND])\n"
			"\n"
			"Capture packet headers on every host at once over SSH, for --seconds, and store\n"
			"each host's capture as service edges (trafficmap.captures and trafficmap.traffic,\n"
			"source = the host), with how each host fared in trafficmap.collect_hosts and its\n"
			"uptime, load and memory in trafficmap.host_stats, all under one collect_runs row.\n"
			"\n"
			"On each host it runs, in one SSH session: cat /proc/uptime /proc/loadavg\n"
			"/proc/meminfo, then timeout SECONDS sudo -S tcpdump -i any -U -w - -s SNAPLEN -n\n"
			"FILTER, excluding the collector's own SSH connection. The capture streams back and\n"
			"is aggregated as it arrives; nothing is written to disk unless --keep-pcap.\n"
			"\n"
			"Hosts:\n"
			"      --hosts=FILE        one host per line: NAME or ADDRESS, optionally user@HOST,\n"
			"                          HOST:PORT, [IPV6]:PORT; # starts a comment\n"
			"      --from-inventory    every running instance of trafficmap.instances (state\n"
			"                          running, or unknown for file inventories) that the\n"
			"                          latest inventory run of its source listed\n"
			"      --where=COND        with --from-inventory: an SQL condition on instances\n"
			"                          (e.g. \"env = 'prod'\"), in a read-only transaction\n"
			"      --address=WHICH     with --from-inventory: dial the private (default) or\n"
			"                          public address\n"
			"\n"
			"SSH:\n"
			"      --user=USER         login for hosts that name none (default: your user name)\n"
			"      --identity=KEY      private key file, tried after the ssh-agent's keys\n"
			"                          (default: ~/.ssh/id_ed25519, id_ecdsa or id_rsa if present)\n"
			"      --known-hosts=FILE  host keys to verify against (default ~/.ssh/known_hosts);\n"
			"                          a host with an unknown or changed key is not collected\n"
			"      --accept-new        add the keys of hosts not yet in the file (never a\n"
			"                          changed key), like ssh -o StrictHostKeyChecking=accept-new\n"
			"      --connect-timeout=S seconds to connect, and again to set up SSH (default %d)\n"
			"      --parallel=N        hosts in flight at once (default %d)\n"
			"\n"
			"Capture:\n"
			"      --seconds=S         how long each host captures (default %d)\n"
			"      --snaplen=N         bytes kept per packet (default %d: headers only)\n"
			"      --filter=BPF        capture only this (pcap-filter syntax), e.g. 'not port 22'\n"
			"      --no-sudo           run tcpdump without sudo (hosts where it has CAP_NET_RAW)\n"
			"      --keep-pcap=DIR     also keep each host's raw capture, gzip'd, in DIR as\n"
			"                          run<ID>-<HOST>.pcap.gz (for trafficmap load)\n"
			"\n"
			"  -d, --dbname=CONNINFO   the database, as psql -d takes it (or PGHOST, PGDATABASE...)\n"
			"  -q, --quiet             print only warnings and errors\n"
			"  -v, --verbose           print each host's outcome\n"
			"  -h, --help              show this help\n"
			"\n"
			"The sudo password, for hosts that need one, comes from %s, or is asked\n"
			"on the terminal (press Enter if no host needs one). It is written only to each\n"
			"capture's standard input: never to a file, a command line, a log or the database.\n"
			"\n"
			"Exit status: 0 every host collected, 1 some hosts failed (see collect_hosts),\n"
			"2 nothing was collected, or a usage or database error.\n",
			DEFAULT_CONNECT_TIMEOUT, DEFAULT_PARALLEL, DEFAULT_SECONDS, DEFAULT_SNAPLEN, PASSWORD_ENV);
}

static tm_result
parse_options(int argc, char **argv, collect_options *o, bool *help)
{
	enum
	{
		OPT_HOSTS = 256, OPT_FROM_INVENTORY, OPT_WHERE, OPT_ADDRESS, OPT_SECONDS, OPT_PARALLEL,
		OPT_USER, OPT_IDENTITY, OPT_KNOWN_HOSTS, OPT_ACCEPT_NEW, OPT_SNAPLEN, OPT_FILTER,
		OPT_KEEP_PCAP, OPT_CONNECT_TIMEOUT, OPT_NO_SUDO
	};
	static const struct option options[] = {
		{"dbname", required_argument, NULL, 'd'},
		{"hosts", required_argument, NULL, OPT_HOSTS},
		{"from-inventory", no_argument, NULL, OPT_FROM_INVENTORY},
		{"where", required_argument, NULL, OPT_WHERE},
		{"address", required_argument, NULL, OPT_ADDRESS},
		{"seconds", required_argument, NULL, OPT_SECONDS},
		{"parallel", required_argument, NULL, OPT_PARALLEL},
		{"user", required_argument, NULL, OPT_USER},
		{"identity", required_argument, NULL, OPT_IDENTITY},
		{"known-hosts", required_argument, NULL, OPT_KNOWN_HOSTS},
		{"accept-new", no_argument, NULL, OPT_ACCEPT_NEW},
		{"snaplen", required_argument, NULL, OPT_SNAPLEN},
		{"filter", required_argument, NULL, OPT_FILTER},
		{"keep-pcap", required_argument, NULL, OPT_KEEP_PCAP},
		{"connect-timeout", required_argument, NULL, OPT_CONNECT_TIMEOUT},
		{"no-sudo", no_argument, NULL, OPT_NO_SUDO},
		{"quiet", no_argument, NULL, 'q'},
		{"verbose", no_argument, NULL, 'v'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0}
	};
	tm_result	r = TM_OK;
	int			c;

	memset(o, 0, sizeof(*o));
	o->seconds = DEFAULT_SECONDS;
	o->parallel = DEFAULT_PARALLEL;
	o->snaplen = DEFAULT_SNAPLEN;
	o->connect_timeout = DEFAULT_CONNECT_TIMEOUT;
	o->sudo = true;
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
			case OPT_HOSTS:
				o->hosts_file = optarg;
				break;
			case OPT_FROM_INVENTORY:
				o->from_inventory = true;
				break;
			case OPT_WHERE:
				o->where = optarg;
				break;
			case OPT_ADDRESS:
				if (strcmp(optarg, "public") != 0 && strcmp(optarg, "private") != 0)
				{
					errorf("option --address: '%s' is neither private nor public", optarg);
					return TM_ERR_USAGE;
				}
				o->address_public = strcmp(optarg, "public") == 0;
				break;
			case OPT_SECONDS:
				r = cli_double("--seconds", optarg, 1, 86400, &o->seconds);
				break;
			case OPT_PARALLEL:
				r = cli_long("--parallel", optarg, 1, MAX_PARALLEL, &o->parallel);
				break;
			case OPT_USER:
				o->user = optarg;
				break;
			case OPT_IDENTITY:
				o->identity = optarg;
				break;
			case OPT_KNOWN_HOSTS:
				o->known_hosts = optarg;
				break;
			case OPT_ACCEPT_NEW:
				o->accept_new = true;
				break;
			case OPT_SNAPLEN:
				r = cli_long("--snaplen", optarg, 68, 262144, &o->snaplen);
				break;
			case OPT_FILTER:
				o->filter = optarg;
				break;
			case OPT_KEEP_PCAP:
				o->keep_dir = optarg;
				break;
			case OPT_CONNECT_TIMEOUT:
				r = cli_double("--connect-timeout", optarg, 0.1, 3600, &o->connect_timeout);
				break;
			case OPT_NO_SUDO:
				o->sudo = false;
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
				errorf("run 'trafficmap collect --help' for the options");
				return TM_ERR_USAGE;
		}
		if (r != TM_OK)
			return r;
	}
	if (optind < argc)
	{
		errorf("unexpected argument '%s'; hosts come from --hosts FILE or --from-inventory", argv[optind]);
		return TM_ERR_USAGE;
	}
	if ((o->hosts_file != NULL) == o->from_inventory)
	{
		errorf("give exactly one of --hosts FILE and --from-inventory");
		return TM_ERR_USAGE;
	}
	if (o->where != NULL && !o->from_inventory)
	{
		errorf("option --where: only with --from-inventory");
		return TM_ERR_USAGE;
	}
	return TM_OK;
}

/* ~/.ssh/NAME in buf, or NULL without a home directory. */
static const char *
home_file(const char *name, char *buf, size_t size)
{
	const char *home = getenv("HOME");
	struct passwd *pw;

	if (home == NULL || home[0] == '\0')
	{
		pw = getpwuid(getuid());
		home = pw != NULL ? pw->pw_dir : NULL;
	}
	if (home == NULL)
		return NULL;
	snprintf(buf, size, "%s/.ssh/%s", home, name);
	return buf;
}

/* The defaults that depend on the user running us, as ssh chooses them. */
static tm_result
fill_defaults(collect_options *o, char *known_buf, char *identity_buf, size_t size)
{
	static const char *const keys[] = {"id_ed25519", "id_ecdsa", "id_rsa"};
	struct passwd *pw;
	size_t		i;

	if (o->user == NULL)
	{
		pw = getpwuid(getuid());
		o->user = pw != NULL ? pw->pw_name : getenv("USER");
	}
	if (o->user == NULL || o->user[0] == '\0')
	{
		errorf("cannot tell your user name; give --user USER");
		return TM_ERR_USAGE;
	}
	if (o->known_hosts == NULL)
		o->known_hosts = home_file("known_hosts", known_buf, size);
	if (o->known_hosts == NULL)
	{
		errorf("no home directory for ~/.ssh/known_hosts; give --known-hosts FILE");
		return TM_ERR_USAGE;
	}
	if (o->identity != NULL && access(o->identity, R_OK) != 0)
	{
		errorf("option --identity: cannot read %s: %s", o->identity, msg_errno(errno));
		return TM_ERR_USAGE;
	}
	for (i = 0; o->identity == NULL && i < TM_ARRAY_LEN(keys); i++)
	{
		if (home_file(keys[i], identity_buf, size) != NULL && access(identity_buf, R_OK) == 0)
			o->identity = identity_buf;
	}
	if (o->keep_dir != NULL)
	{
		struct stat st;

		if (stat(o->keep_dir, &st) != 0 || !S_ISDIR(st.st_mode) || access(o->keep_dir, W_OK) != 0)
		{
			errorf("option --keep-pcap: %s is not a directory you can write to", o->keep_dir);
			return TM_ERR_USAGE;
		}
	}
	return TM_OK;
}

/* "host", or "host:port" / "[v6]:port" when the port is not SSH's own. */
static char *
display_name(const char *host, int port)
{
	tm_buf		b;

	buf_init(&b, 512);
	if (port == 0 || port == 22)
		(void) buf_adds(&b, host);
	else if (strchr(host, ':') != NULL)
		(void) buf_addf(&b, "[%s]:%d", host, port);
	else
		(void) buf_addf(&b, "%s:%d", host, port);
	return b.data;
}

/* Every running instance's private (or public) address, filtered by --where. */
static tm_result
inventory_hosts(PGconn *conn, const collect_options *o, hosts_list *out)
{
	tm_buf		sql;
	PGresult   *res = NULL;
	tm_result	r;
	int			i;
	int			skipped = 0;

	memset(out, 0, sizeof(*out));
	buf_init(&sql, 1 << 20);
	/*
	 * Running, or of unknown state (listed in a file); and listed by the latest inventory
	 * run of its source, so instances that have gone are not dialled for ever.
	 */
	r = buf_addf(&sql,
				 "SELECT instance_id, host(%s[1]) FROM trafficmap.instances i"
				 " WHERE coalesce(state, 'running') = 'running'"
				 " AND last_seen = (SELECT max(last_seen) FROM trafficmap.instances l WHERE l.source = i.source)"
				 "%s%s%s ORDER BY instance_id",
				 o->address_public ? "public_ips" : "private_ips",
				 o->where ? " AND (" : "", o->where ? o->where : "", o->where ? ")" : "");
	if (r != TM_OK)
		goto out;
	/* The condition is the user's SQL: it runs where it can change nothing. */
	r = db_exec(conn, "BEGIN READ ONLY", 0, NULL, NULL);
	if (r == TM_OK)
		r = db_exec(conn, buf_str(&sql), 0, NULL, &res);
	db_rollback(conn);
	if (r != TM_OK)
	{
		if (o->where != NULL)
			errorf("option --where: the condition '%s' on trafficmap.instances failed (see above)", o->where);
		goto out;
	}
	for (i = 0; i < PQntuples(res) && r == TM_OK; i++)
	{
		if (PQgetisnull(res, i, 1))
		{
			verbosef("instance %s has no %s address; not collected", PQgetvalue(res, i, 0),
					 o->address_public ? "public" : "private");
			skipped++;
			continue;
		}
		r = hosts_list_add(out, NULL, PQgetvalue(res, i, 1), 0, i + 1);
	}
	if (skipped > 0)
		notef("%d running instance(s) have no %s address and are not collected", skipped,
			  o->address_public ? "public" : "private");
	if (r == TM_OK && out->n == 0)
	{
		errorf("no running instance in trafficmap.instances%s has a %s address; run trafficmap inventory first",
			   o->where ? " matches --where" : "", o->address_public ? "public" : "private");
		r = TM_ERR_USAGE;
	}
out:
	PQclear(res);
	buf_free(&sql);
	if (r != TM_OK)
		hosts_list_free(out);
	return r;
}

/* Enough descriptors for --parallel sockets: raise the soft limit, else lower --parallel. */
static long
fit_parallel(long parallel, size_t hosts)
{
	struct rlimit rl;
	rlim_t		want;

	if ((size_t) parallel > hosts)
		parallel = (long) hosts;
	want = (rlim_t) parallel + FDS_SPARE;
	if (getrlimit(RLIMIT_NOFILE, &rl) != 0 || rl.rlim_cur >= want)
		return parallel;
	rl.rlim_cur = rl.rlim_max == RLIM_INFINITY || rl.rlim_max > want ? want : rl.rlim_max;
	(void) setrlimit(RLIMIT_NOFILE, &rl);
	if (rl.rlim_cur < want)
	{
		warnf("only %ld file descriptors allowed (ulimit -n): collecting %ld hosts at a time",
			  (long) rl.rlim_cur, (long) rl.rlim_cur - FDS_SPARE);
		parallel = (long) rl.rlim_cur - FDS_SPARE;
	}
	return parallel < 1 ? 1 : parallel;
}

static uint32_t
epoll_bits(int events)
{
	return (events & POLLIN ? EPOLLIN : 0) | (events & POLLOUT ? EPOLLOUT : 0);
}

/* Keep epoll watching what the session waits for. */
static void
watch(collect_run *run, size_t i)
{
	slot	   *sl = &run->slots[i];
	struct epoll_event ev;
	int			want = ssh_session_events(sl->session);
	int			fd = ssh_session_fd(sl->session);

	if (fd < 0 || want == sl->registered)
		return;
	memset(&ev, 0, sizeof(ev));
	ev.events = epoll_bits(want);
	ev.data.u64 = i;
	if (epoll_ctl(run->epfd, sl->registered < 0 ? EPOLL_CTL_ADD : EPOLL_CTL_MOD, fd, &ev) == 0)
		sl->registered = want;
}

/* One line per host that failed (verbose: per host), and its rows in the database. */
static void
finish_host(collect_run *run, size_t i)
{
	slot	   *sl = &run->slots[i];
	host_status st = ssh_session_status(sl->session);
	const char *detail = ssh_session_detail(sl->session);
	bool		captured = false;
	tm_result	r;

	sl->finished = true;
	run->done++;
	run->active--;
	run->bytes += ssh_session_bytes(sl->session);
	if (st == HOST_OK)
	{
		char		timing[200];

		run->ok++;
		ssh_session_timing(sl->session, timing, sizeof(timing));
		verbosef("%s: ok, %llu bytes; %s", sl->name, (unsigned long long) ssh_session_bytes(sl->session), timing);
	}
	else
		warnf("%s: %s: %s", sl->name, host_status_name(st), detail[0] ? detail : ssh_session_stderr(sl->session));
	if (run->fatal == TM_OK)
	{
		r = collect_host_store(sl->sink, run->conn, run->run_id, sl->session, &captured);
		if (r != TM_OK)
		{
			errorf("%s: could not store the host's results; stopping the run", sl->name);
			run->fatal = r;
		}
	}
	run->captured += captured;
	collect_host_free(sl->sink);
	sl->sink = NULL;
	ssh_session_free(sl->session);
	sl->session = NULL;
}

static void
start_host(collect_run *run, size_t i, double now)
{
	slot	   *sl = &run->slots[i];
	tm_result	r;

	run->active++;
	r = collect_host_new(sl->name, run->o->keep_dir, run->run_id, &sl->sink);
	if (r == TM_OK)
		sl->session = ssh_session_new(&run->cfg, sl->host, sl->port, sl->user,
									  collect_host_callbacks(), sl->sink);
	if (sl->session == NULL)
	{
		errorf("%s: out of memory", sl->name);
		run->fatal = TM_ERR_NOMEM;
		collect_host_free(sl->sink);
		sl->sink = NULL;
		sl->finished = true;
		run->active--;
		run->done++;
		return;
	}
	if (!ssh_session_start(sl->session, now))
	{
		finish_host(run, i);
		return;
	}
	watch(run, i);
}

static void
step_host(collect_run *run, size_t i, double now)
{
	slot	   *sl = &run->slots[i];

	if (sl->finished || sl->session == NULL)
		return;
	if (ssh_session_step(sl->session, now))
		watch(run, i);
	else
		finish_host(run, i);
}

static void
show_progress(collect_run *run, tm_progress *prog)
{
	size_t		i;
	size_t		connecting = 0;
	size_t		capturing = 0;
	uint64_t	bytes = run->bytes;

	for (i = 0; i < run->next; i++)
	{
		if (run->slots[i].finished)
			continue;
		if (ssh_session_phase(run->slots[i].session) == SSH_PHASE_CAPTURING)
			capturing++;
		else
			connecting++;
		bytes += ssh_session_bytes(run->slots[i].session);
	}
	progress_show(prog, "collect: %zu hosts: %zu waiting, %zu connecting, %zu capturing, %zu done, %zu failed, %.1f MB",
				  run->n, run->n - run->next, connecting, capturing, run->ok, run->done - run->ok,
				  (double) bytes / 1e6);
}

/*
 * Step every host whose deadline has passed, so silent hosts fail on time. Deadlines are
 * seconds apart, so a scan every DEADLINE_SCAN keeps the loop's cost per event constant
 * however many hosts are in flight.
 */
static void
expire_hosts(collect_run *run, double now)
{
	size_t		i;

	for (i = 0; i < run->next; i++)
	{
		if (!run->slots[i].finished && ssh_session_deadline(run->slots[i].session) <= now)
			step_host(run, i, now);
	}
}

static tm_result
event_loop(collect_run *run)
{
	struct epoll_event events[MAX_EVENTS];
	tm_progress prog;
	double		now;
	double		next_scan;
	int			nev;
	int			k;

	progress_init(&prog);
	run->epfd = epoll_create1(EPOLL_CLOEXEC);
	if (run->epfd < 0)
	{
		errorf("cannot make an epoll instance: %s", msg_errno(errno));
		return TM_ERR_IO;
	}
	next_scan = tm_now() + DEADLINE_SCAN;
	while (run->done < run->n && run->fatal == TM_OK)
	{
		now = tm_now();
		while (run->next < run->n && run->active < (size_t) run->o->parallel && run->fatal == TM_OK)
			start_host(run, run->next++, now);
		nev = epoll_wait(run->epfd, events, MAX_EVENTS,
						 next_scan > now ? (int) ((next_scan - now) * 1000) + 1 : 0);
		if (nev < 0 && errno != EINTR)
		{
			errorf("epoll_wait: %s", msg_errno(errno));
			run->fatal = TM_ERR_IO;
			break;
		}
		now = tm_now();
		for (k = 0; k < nev; k++)
			step_host(run, (size_t) events[k].data.u64, now);
		if (now >= next_scan)
		{
			expire_hosts(run, now);
			next_scan = now + DEADLINE_SCAN;
		}
		if (progress_due_now(&prog))
			show_progress(run, &prog);
	}
	progress_done(&prog);
	close(run->epfd);
	return run->fatal;
}

static tm_result
begin_run(collect_run *run)
{
	char		n[32];
	const char *params[1] = {n};
	PGresult   *res = NULL;
	tm_result	r;

	snprintf(n, sizeof(n), "%zu", run->n);
	r = db_exec(run->conn, "INSERT INTO trafficmap.collect_runs (hosts) VALUES ($1) RETURNING id",
				1, params, &res);
	if (r != TM_OK)
		return r;
	run->run_id = strtoll(PQgetvalue(res, 0, 0), NULL, 10);
	PQclear(res);
	return TM_OK;
}

/* The run's counts are of hosts, whatever each capture stored. */
static tm_result
end_run(collect_run *run)
{
	char		v[4][32];
	const char *params[4] = {v[0], v[1], v[2], v[3]};

	snprintf(v[0], sizeof(v[0]), "%lld", run->run_id);
	snprintf(v[1], sizeof(v[1]), "%zu", run->n);
	snprintf(v[2], sizeof(v[2]), "%zu", run->ok);
	snprintf(v[3], sizeof(v[3]), "%zu", run->n - run->ok);
	return db_exec(run->conn,
				   "UPDATE trafficmap.collect_runs SET ended = now(), hosts = $2, ok = $3, failed = $4"
				   " WHERE id = $1", 4, params, NULL);
}

static tm_result
make_slots(collect_run *run, const hosts_list *hosts, const char *default_user)
{
	size_t		i;

	run->slots = calloc(hosts->n, sizeof(slot));
	if (run->slots == NULL)
		return TM_ERR_NOMEM;
	run->n = hosts->n;
	for (i = 0; i < hosts->n; i++)
	{
		slot	   *sl = &run->slots[i];

		sl->name = display_name(hosts->v[i].host, hosts->v[i].port);
		if (sl->name == NULL)
			return TM_ERR_NOMEM;
		sl->host = hosts->v[i].host;
		sl->user = hosts->v[i].user ? hosts->v[i].user : default_user;
		sl->port = hosts->v[i].port ? hosts->v[i].port : 22;
		sl->registered = -1;
	}
	return TM_OK;
}

static void
free_slots(collect_run *run)
{
	size_t		i;

	for (i = 0; i < run->n && run->slots != NULL; i++)
	{
		collect_host_free(run->slots[i].sink);
		ssh_session_free(run->slots[i].session);
		free(run->slots[i].name);
	}
	free(run->slots);
}

tm_result
cmd_collect(int argc, char **argv)
{
	collect_options o;
	collect_run run;
	hosts_list	hosts = {0};
	known_hosts *known = NULL;
	tm_buf		command;
	char	   *password = NULL;
	char		known_buf[4096];
	char		identity_buf[4096];
	bool		help;
	bool		ssh_ready = false;
	double		t0 = tm_now();
	tm_result	r;
	capture_options co;

	memset(&run, 0, sizeof(run));
	buf_init(&command, 1 << 16);
	r = parse_options(argc, argv, &o, &help);
	if (r != TM_OK || help)
	{
		if (help)
			usage(stdout);
		goto out;
	}
	r = fill_defaults(&o, known_buf, identity_buf, sizeof(known_buf));
	if (r != TM_OK)
		goto out;
	co.seconds = o.seconds;
	co.snaplen = o.snaplen;
	co.filter = o.filter;
	co.sudo = o.sudo;
	r = capture_filter_check(&co);
	if (r == TM_OK)
		r = capture_command(&co, &command);
	if (r == TM_OK && o.hosts_file != NULL)
		r = hosts_file_read(o.hosts_file, &hosts);
	if (r != TM_OK)
		goto out;
	r = db_connect(o.conninfo, &run.conn);
	if (r == TM_OK && o.from_inventory)
		r = inventory_hosts(run.conn, &o, &hosts);
	if (r != TM_OK)
		goto out;
	if (libssh2_init(0) != 0)
	{
		errorf("libssh2 could not be initialised");
		r = TM_ERR_INTERNAL;
		goto out;
	}
	ssh_ready = true;
	r = known_hosts_open(o.known_hosts, o.accept_new, &known);
	if (r == TM_OK && o.sudo)
		r = password_get("trafficmap: sudo password on the hosts (Enter if none is needed): ", &password);
	if (r != TM_OK)
		goto out;
	signal(SIGPIPE, SIG_IGN);
	o.parallel = fit_parallel(o.parallel, hosts.n);
	run.o = &o;
	run.cfg.known = known;
	run.cfg.identity = o.identity;
	run.cfg.use_agent = getenv("SSH_AUTH_SOCK") != NULL && getenv("SSH_AUTH_SOCK")[0] != '\0';
	run.cfg.connect_timeout = o.connect_timeout;
	run.cfg.capture_seconds = o.seconds;
	run.cfg.grace = o.connect_timeout;
	run.cfg.capture_command = buf_str(&command);
	run.cfg.sudo_password = password;
	run.cfg.sudo = o.sudo;
	r = make_slots(&run, &hosts, o.user);
	if (r == TM_OK)
		r = begin_run(&run);
	if (r != TM_OK)
		goto out;
	notef("collect: run %lld: %zu hosts, %g s each, %ld at a time", run.run_id, run.n, o.seconds, o.parallel);
	r = event_loop(&run);
	if (r == TM_OK)
		r = end_run(&run);
	if (r != TM_OK)
		goto out;
	notef("collect: run %lld: %zu of %zu hosts ok, %zu failed, %.1f MB received in %.1f s",
		  run.run_id, run.ok, run.n, run.n - run.ok, (double) run.bytes / 1e6, tm_now() - t0);
	if (run.ok == run.n)
		r = TM_OK;
	else if (run.captured > 0 || run.ok > 0)
		r = TM_ERR_PARTIAL;
	else
	{
		errorf("nothing was collected from any host (see trafficmap.collect_hosts, run %lld)", run.run_id);
		r = TM_ERR_REMOTE;
	}
out:
	password_free(password);
	free_slots(&run);
	known_hosts_close(known);
	hosts_list_free(&hosts);
	buf_free(&command);
	db_close(run.conn);
	if (ssh_ready)
		libssh2_exit();
	return r;
}
