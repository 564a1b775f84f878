/*
 * ssh_session.c - one host's collection over SSH: a state machine over a non-blocking
 * libssh2 session.
 *
 *   CONNECT -> HANDSHAKE (host key) -> AUTH_AGENT -> AUTH_KEY
 *     -> STATS_OPEN -> STATS_EXEC -> STATS_READ -> STATS_CLOSE            /proc stats
 *     -> CAP_OPEN -> CAP_EXEC -> CAP_STDIN -> CAP_EOF -> CAP_READ -> CAP_CLOSE   capture
 *     -> DISCONNECT -> DONE
 *
 * Every libssh2 call may answer LIBSSH2_ERROR_EAGAIN; the state then stays where it is and
 * the caller waits for the directions libssh2_session_block_directions() names. Each state
 * has a deadline, so a host that stops answering fails alone.
 */
#include "ssh_session.h"

#include <errno.h>
#include <fcntl.h>
#include <libssh2.h>
#include <netdb.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "buf.h"
#include "host_stats.h"
#include "msg.h"
#include "progress.h"

#define DETAIL_MAX 8192
#define STDERR_KEEP 2048		/* the tail of the remote stderr kept for detail */
#define READ_CHUNK 65536
#define DISCONNECT_GRACE 2.0	/* seconds to say goodbye politely */

typedef enum
{
	S_CONNECT,
	S_HANDSHAKE,
	S_AUTH_AGENT,
	S_AUTH_KEY,
	S_STATS_OPEN,
	S_STATS_EXEC,
	S_STATS_READ,
	S_STATS_CLOSE,
	S_CAP_OPEN,
	S_CAP_EXEC,
	S_CAP_STDIN,
	S_CAP_EOF,
	S_CAP_READ,
	S_CAP_CLOSE,
	S_DISCONNECT,
	S_DONE
} state;

/* What one attempt at the current state did. */
typedef enum
{
	STEP_AGAIN,					/* moved on: try the next state now */
	STEP_WAIT,					/* libssh2 or the socket would block */
	STEP_DONE					/* finished */
} step_result;

struct ssh_session
{
	const ssh_config *cfg;
	const ssh_callbacks *cb;
	void	   *ctx;
	char	   *host;
	int			port;
	char	   *user;
	char		address[64];
	int			fd;
	LIBSSH2_SESSION *ssh;
	LIBSSH2_AGENT *agent;
	struct libssh2_agent_publickey *identity;
	LIBSSH2_CHANNEL *ch;
	state		st;
	int			events;
	double		deadline;
	double		started;
	double		ended;
	double		t_start;		/* monotonic: when the session started, */
	double		t_secure;		/* the host key was verified, */
	double		t_auth;			/* the user was authenticated, */
	double		t_capture;		/* the capture command was started */
	host_status status;
	bool		failed;			/* status is final; teardown without goodbyes */
	tm_buf		detail;
	tm_buf		stats;
	tm_buf		err;			/* remote stderr tail */
	size_t		pw_sent;
	uint64_t	bytes;
	int			agent_keys;
};

/* One read buffer for every session: the loop runs one session at a time. */
static char read_buf[READ_CHUNK];

const char *
host_status_name(host_status s)
{
	static const char *const names[] = {
		"ok", "unreachable", "timeout", "hostkey-unknown", "hostkey-mismatch", "auth-failed",
		"sudo-failed", "tcpdump-missing", "truncated"
	};

	if ((size_t) s < TM_ARRAY_LEN(names))
		return names[s];
	return "unknown";
}

static double
wall_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (double) ts.tv_sec + (double) ts.tv_nsec / 1e9;
}

ssh_session *
ssh_session_new(const ssh_config *cfg, const char *host, int port, const char *user,
				const ssh_callbacks *cb, void *ctx)
{
	ssh_session *s = calloc(1, sizeof(*s));

	if (s == NULL)
		return NULL;
	s->cfg = cfg;
	s->cb = cb;
	s->ctx = ctx;
	s->port = port;
	s->fd = -1;
	s->host = strdup(host);
	s->user = strdup(user);
	buf_init(&s->detail, DETAIL_MAX);
	buf_init(&s->stats, HOST_STATS_MAX_OUTPUT);
	buf_init(&s->err, STDERR_KEEP * 2);
	if (s->host == NULL || s->user == NULL)
	{
		ssh_session_free(s);
		return NULL;
	}
	return s;
}

/* Drop the connection at once: after shutdown no libssh2 call can block or wait. */
static void
teardown(ssh_session *s)
{
	if (s->fd >= 0)
		shutdown(s->fd, SHUT_RDWR);
	if (s->ssh != NULL)
		libssh2_session_set_blocking(s->ssh, 1);
	if (s->ch != NULL)
		libssh2_channel_free(s->ch);
	s->ch = NULL;
	if (s->agent != NULL)
	{
		libssh2_agent_disconnect(s->agent);
		libssh2_agent_free(s->agent);
	}
	s->agent = NULL;
	if (s->ssh != NULL)
		libssh2_session_free(s->ssh);
	s->ssh = NULL;
	if (s->fd >= 0)
		close(s->fd);
	s->fd = -1;
}

void
ssh_session_free(ssh_session *s)
{
	if (s == NULL)
		return;
	teardown(s);
	buf_free(&s->detail);
	buf_free(&s->stats);
	buf_free(&s->err);
	free(s->host);
	free(s->user);
	free(s);
}

static const char *
last_error(ssh_session *s)
{
	char	   *msg = NULL;

	if (s->ssh == NULL)
		return "no session";
	libssh2_session_last_error(s->ssh, &msg, NULL, 0);
	return msg != NULL && *msg != '\0' ? msg : "unknown libssh2 error";
}

static void add_detail(ssh_session *s, const char *fmt,...) __attribute__((format(printf, 2, 3)));

static void
add_detail(ssh_session *s, const char *fmt,...)
{
	va_list		ap;
	char		line[1024];

	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	if (s->detail.len > 0)
		(void) buf_adds(&s->detail, "; ");
	(void) buf_adds(&s->detail, line);
}

/* End the session with a status; teardown is immediate, no goodbyes. */
static step_result fail(ssh_session *s, host_status st, const char *fmt,...) __attribute__((format(printf, 3, 4)));

static step_result
fail(ssh_session *s, host_status st, const char *fmt,...)
{
	va_list		ap;
	char		line[1024];

	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	add_detail(s, "%s", line);
	s->status = st;
	s->failed = true;
	teardown(s);
	s->st = S_DONE;
	s->ended = wall_now();
	return STEP_DONE;
}

/* Keep the last STDERR_KEEP bytes of the remote stderr. */
static void
keep_stderr(ssh_session *s, const char *p, size_t n)
{
	size_t		drop;

	if (n > STDERR_KEEP)
	{
		p += n - STDERR_KEEP;
		n = STDERR_KEEP;
	}
	if (s->err.len + n > STDERR_KEEP)
	{
		drop = s->err.len + n - STDERR_KEEP;
		memmove(s->err.data, s->err.data + drop, s->err.len - drop);
		s->err.len -= drop;
		s->err.data[s->err.len] = '\0';
	}
	(void) buf_add(&s->err, p, n);
}

static void
set_deadline(ssh_session *s, double now, double seconds)
{
	s->deadline = now + seconds;
}

bool
ssh_session_start(ssh_session *s, double now)
{
	struct addrinfo hints;
	struct addrinfo *res = NULL;
	char		portstr[16];
	int			rc;

	s->started = wall_now();
	s->t_start = now;
	set_deadline(s, now, s->cfg->connect_timeout);
	memset(&hints, 0, sizeof(hints));
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	snprintf(portstr, sizeof(portstr), "%d", s->port);
	rc = getaddrinfo(s->host, portstr, &hints, &res);
	if (rc != 0)
	{
		fail(s, HOST_UNREACHABLE, "the name does not resolve: %s", gai_strerror(rc));
		return false;
	}
	getnameinfo(res->ai_addr, res->ai_addrlen, s->address, sizeof(s->address), NULL, 0, NI_NUMERICHOST);
	s->fd = socket(res->ai_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (s->fd < 0)
	{
		freeaddrinfo(res);
		fail(s, HOST_UNREACHABLE, "cannot make a socket: %s", msg_errno(errno));
		return false;
	}
	rc = connect(s->fd, res->ai_addr, res->ai_addrlen);
	freeaddrinfo(res);
	if (rc != 0 && errno != EINPROGRESS)
	{
		fail(s, HOST_UNREACHABLE, "cannot connect to port %d: %s", s->port, msg_errno(errno));
		return false;
	}
	s->st = S_CONNECT;
	s->events = POLLOUT;
	return true;
}

static step_result
do_connect(ssh_session *s, double now)
{
	int			err = 0;
	socklen_t	len = sizeof(err);
	char		algs[256];
	const char *pref;
	struct pollfd pfd = {.fd = s->fd, .events = POLLOUT};

	if (poll(&pfd, 1, 0) == 0)
		return STEP_WAIT;
	if (getsockopt(s->fd, SOL_SOCKET, SO_ERROR, &err, &len) != 0)
		err = errno;
	if (err != 0)
		return fail(s, HOST_UNREACHABLE, "cannot connect to port %d: %s", s->port, msg_errno(err));
	s->ssh = libssh2_session_init();
	if (s->ssh == NULL)
		return fail(s, HOST_UNREACHABLE, "out of memory for an SSH session");
	libssh2_session_set_blocking(s->ssh, 0);
	pref = known_hosts_algorithms(s->cfg->known, s->address, s->port, algs, sizeof(algs));
	if (pref != NULL && libssh2_session_method_pref(s->ssh, LIBSSH2_METHOD_HOSTKEY, pref) != 0)
		verbosef("%s: libssh2 supports none of the host key types known for it (%s)", s->host, pref);
	set_deadline(s, now, s->cfg->connect_timeout);
	s->st = S_HANDSHAKE;
	return STEP_AGAIN;
}

static step_result
check_host_key(ssh_session *s)
{
	const char *key;
	size_t		keylen = 0;
	int			type = 0;
	const char *hash;
	char		fp[80] = "";
	bool		added = false;
	known_hosts_verdict v;

	key = libssh2_session_hostkey(s->ssh, &keylen, &type);
	if (key == NULL)
		return fail(s, HOST_HOSTKEY_UNKNOWN, "the host sent no host key");
	hash = libssh2_hostkey_hash(s->ssh, LIBSSH2_HOSTKEY_HASH_SHA256);
	if (hash != NULL)
		known_hosts_fingerprint((const unsigned char *) hash, fp, sizeof(fp));
	v = known_hosts_verify(s->cfg->known, s->address, s->port, key, keylen, type, &added);
	switch (v)
	{
		case KNOWN_HOSTS_MATCH:
			if (added)
				notef("%s: added host key %s to %s", s->host, fp, known_hosts_path(s->cfg->known));
			return STEP_AGAIN;
		case KNOWN_HOSTS_UNKNOWN:
			return fail(s, HOST_HOSTKEY_UNKNOWN,
						"host key %s is not in %s; check it and add it, or run with --accept-new",
						fp, known_hosts_path(s->cfg->known));
		case KNOWN_HOSTS_MISMATCH:
			return fail(s, HOST_HOSTKEY_MISMATCH,
						"HOST KEY CHANGED: the host presented %s, which is not the key %s holds for it; someone may be intercepting the connection, or the host was reinstalled (then remove its old line)",
						fp, known_hosts_path(s->cfg->known));
		case KNOWN_HOSTS_REVOKED:
			return fail(s, HOST_HOSTKEY_MISMATCH, "host key %s is marked @revoked in %s", fp,
						known_hosts_path(s->cfg->known));
		case KNOWN_HOSTS_ERROR:
			break;
	}
	return fail(s, HOST_HOSTKEY_UNKNOWN, "cannot check host key %s (type %d) against %s", fp, type,
				known_hosts_path(s->cfg->known));
}

static step_result
do_handshake(ssh_session *s)
{
	int			rc = libssh2_session_handshake(s->ssh, s->fd);

	if (rc == LIBSSH2_ERROR_EAGAIN)
		return STEP_WAIT;
	if (rc != 0)
		return fail(s, HOST_UNREACHABLE, "SSH handshake failed: %s", last_error(s));
	if (check_host_key(s) == STEP_DONE)
		return STEP_DONE;
	s->t_secure = tm_now();
	s->st = s->cfg->use_agent ? S_AUTH_AGENT : S_AUTH_KEY;
	return STEP_AGAIN;
}

/* Move to the agent's next key, or on to the identity file when there is none. */
static step_result
next_agent_key(ssh_session *s)
{
	struct libssh2_agent_publickey *prev = s->identity;
	int			rc = libssh2_agent_get_identity(s->agent, &s->identity, prev);

	if (rc == 0)
	{
		s->agent_keys++;
		return STEP_AGAIN;
	}
	libssh2_agent_disconnect(s->agent);
	libssh2_agent_free(s->agent);
	s->agent = NULL;
	s->identity = NULL;
	s->st = S_AUTH_KEY;
	return STEP_AGAIN;
}

static step_result
do_auth_agent(ssh_session *s)
{
	int			rc;

	if (s->agent == NULL)
	{
		s->agent = libssh2_agent_init(s->ssh);
		if (s->agent == NULL || libssh2_agent_connect(s->agent) != 0 ||
			libssh2_agent_list_identities(s->agent) != 0)
		{
			add_detail(s, "cannot use the ssh-agent: %s", last_error(s));
			if (s->agent != NULL)
				libssh2_agent_free(s->agent);
			s->agent = NULL;
			s->st = S_AUTH_KEY;
			return STEP_AGAIN;
		}
		s->identity = NULL;
		return next_agent_key(s);
	}
	rc = libssh2_agent_userauth(s->agent, s->user, s->identity);
	if (rc == LIBSSH2_ERROR_EAGAIN)
		return STEP_WAIT;
	if (rc == 0)
	{
		libssh2_agent_disconnect(s->agent);
		libssh2_agent_free(s->agent);
		s->agent = NULL;
		s->t_auth = tm_now();
		s->st = S_STATS_OPEN;
		return STEP_AGAIN;
	}
	if (libssh2_session_last_errno(s->ssh) == LIBSSH2_ERROR_SOCKET_DISCONNECT ||
		libssh2_session_last_errno(s->ssh) == LIBSSH2_ERROR_SOCKET_RECV)
		return fail(s, HOST_AUTH_FAILED, "the host closed the connection during authentication: %s",
					last_error(s));
	return next_agent_key(s);
}

static step_result
do_auth_key(ssh_session *s)
{
	int			rc;

	if (s->cfg->identity == NULL)
		return fail(s, HOST_AUTH_FAILED, "user %s: the host accepted none of the ssh-agent's %d key(s), and no --identity was given",
					s->user, s->agent_keys);
	rc = libssh2_userauth_publickey_fromfile_ex(s->ssh, s->user, (unsigned int) strlen(s->user), NULL,
												s->cfg->identity, NULL);
	if (rc == LIBSSH2_ERROR_EAGAIN)
		return STEP_WAIT;
	if (rc != 0)
		return fail(s, HOST_AUTH_FAILED, "user %s: %s%s was not accepted: %s", s->user,
					s->cfg->use_agent ? "neither the ssh-agent's keys nor " : "",
					s->cfg->identity, last_error(s));
	s->t_auth = tm_now();
	s->st = S_STATS_OPEN;
	return STEP_AGAIN;
}

/* Open a session channel; used for the stats and the capture. */
static step_result
open_channel(ssh_session *s, state next)
{
	s->ch = libssh2_channel_open_session(s->ssh);
	if (s->ch == NULL)
	{
		if (libssh2_session_last_errno(s->ssh) == LIBSSH2_ERROR_EAGAIN)
			return STEP_WAIT;
		return fail(s, HOST_UNREACHABLE, "the host refused a session channel: %s", last_error(s));
	}
	s->st = next;
	return STEP_AGAIN;
}

static step_result
do_stats_exec(ssh_session *s)
{
	int			rc = libssh2_channel_exec(s->ch, HOST_STATS_COMMAND);

	if (rc == LIBSSH2_ERROR_EAGAIN)
		return STEP_WAIT;
	if (rc != 0)
	{
		add_detail(s, "host stats not read: the host refused to run '%s': %s", HOST_STATS_COMMAND,
				   last_error(s));
		s->st = S_STATS_CLOSE;
		return STEP_AGAIN;
	}
	s->st = S_STATS_READ;
	return STEP_AGAIN;
}

/* Both streams until end of file; stats stderr only matters when stdout is not usable. */
static step_result
do_stats_read(ssh_session *s)
{
	ssize_t		n;
	bool		blocked_out = false;
	bool		blocked_err = false;

	for (;;)
	{
		n = libssh2_channel_read(s->ch, read_buf, sizeof(read_buf));
		if (n > 0)
		{
			if (buf_add(&s->stats, read_buf, (size_t) n) != TM_OK)
				return fail(s, HOST_UNREACHABLE, "the host sent more than %d bytes of /proc stats",
							HOST_STATS_MAX_OUTPUT);
			continue;
		}
		blocked_out = n == LIBSSH2_ERROR_EAGAIN;
		if (n < 0 && !blocked_out)
			return fail(s, HOST_UNREACHABLE, "the connection was lost while reading host stats: %s",
						last_error(s));
		n = libssh2_channel_read_stderr(s->ch, read_buf, sizeof(read_buf));
		if (n > 0)
		{
			keep_stderr(s, read_buf, (size_t) n);
			continue;
		}
		blocked_err = n == LIBSSH2_ERROR_EAGAIN;
		break;
	}
	(void) blocked_out;
	(void) blocked_err;
	if (!libssh2_channel_eof(s->ch))
		return STEP_WAIT;
	s->cb->on_stats(s->ctx, buf_str(&s->stats), s->stats.len);
	buf_free(&s->stats);
	buf_reset(&s->err);
	s->st = S_STATS_CLOSE;
	return STEP_AGAIN;
}

static step_result
do_stats_close(ssh_session *s)
{
	int			rc = libssh2_channel_close(s->ch);

	if (rc == LIBSSH2_ERROR_EAGAIN)
		return STEP_WAIT;
	if (rc == 0)
		rc = libssh2_channel_wait_closed(s->ch);
	if (rc == LIBSSH2_ERROR_EAGAIN)
		return STEP_WAIT;
	libssh2_channel_free(s->ch);
	s->ch = NULL;
	s->st = S_CAP_OPEN;
	return STEP_AGAIN;
}

static step_result
do_cap_exec(ssh_session *s, double now)
{
	int			rc = libssh2_channel_exec(s->ch, s->cfg->capture_command);

	if (rc == LIBSSH2_ERROR_EAGAIN)
		return STEP_WAIT;
	if (rc != 0)
		return fail(s, HOST_SUDO_FAILED, "the host refused to run the capture command: %s", last_error(s));
	set_deadline(s, now, s->cfg->capture_seconds + s->cfg->grace);
	s->t_capture = now;
	s->pw_sent = 0;
	s->st = S_CAP_STDIN;
	return STEP_AGAIN;
}

/* The sudo password and a newline, to the channel's stdin and nowhere else. */
static step_result
do_cap_stdin(ssh_session *s)
{
	const char *pw = s->cfg->sudo_password;
	size_t		len;
	ssize_t		n;

	if (pw == NULL)
	{
		s->st = S_CAP_EOF;
		return STEP_AGAIN;
	}
	len = strlen(pw) + 1;
	while (s->pw_sent < len)
	{
		if (s->pw_sent < len - 1)
			n = libssh2_channel_write(s->ch, pw + s->pw_sent, len - 1 - s->pw_sent);
		else
			n = libssh2_channel_write(s->ch, "\n", 1);
		if (n == LIBSSH2_ERROR_EAGAIN)
			return STEP_WAIT;
		if (n < 0)
			return fail(s, HOST_SUDO_FAILED, "cannot send the sudo password: %s", last_error(s));
		s->pw_sent += (size_t) n;
	}
	s->st = S_CAP_EOF;
	return STEP_AGAIN;
}

static step_result
do_cap_eof(ssh_session *s)
{
	int			rc = libssh2_channel_send_eof(s->ch);

	if (rc == LIBSSH2_ERROR_EAGAIN)
		return STEP_WAIT;
	/* Without stdin closed, sudo may wait for a password; the read deadline still holds. */
	if (rc != 0)
		add_detail(s, "could not close the capture's stdin: %s", last_error(s));
	s->st = S_CAP_READ;
	return STEP_AGAIN;
}

/* The connection died or the stream could not be used: keep what was complete. */
static step_result
capture_cut(ssh_session *s, const char *what, const char *why)
{
	const char *started = s->cb->capture_started(s->ctx) ? "" : " before any capture data came";

	return fail(s, HOST_TRUNCATED, "%s%s: %s", what, started, why);
}

static step_result
do_cap_read(ssh_session *s)
{
	ssize_t		n;
	bool		blocked = false;
	const char *why = NULL;

	for (;;)
	{
		n = libssh2_channel_read(s->ch, read_buf, sizeof(read_buf));
		if (n > 0)
		{
			s->bytes += (uint64_t) n;
			if (s->cb->on_capture(s->ctx, (const unsigned char *) read_buf, (size_t) n, &why) != TM_OK)
				return capture_cut(s, "the capture stream could not be used", why ? why : "");
			continue;
		}
		blocked = n == LIBSSH2_ERROR_EAGAIN;
		if (n < 0 && !blocked)
			return capture_cut(s, "the connection was lost during the capture (the host or its sshd went away)",
							   last_error(s));
		n = libssh2_channel_read_stderr(s->ch, read_buf, sizeof(read_buf));
		if (n > 0)
		{
			keep_stderr(s, read_buf, (size_t) n);
			continue;
		}
		if (n < 0 && n != LIBSSH2_ERROR_EAGAIN)
			return capture_cut(s, "the connection was lost during the capture (the host or its sshd went away)",
							   last_error(s));
		blocked = blocked || n == LIBSSH2_ERROR_EAGAIN;
		break;
	}
	(void) blocked;
	if (!libssh2_channel_eof(s->ch))
		return STEP_WAIT;
	s->st = S_CAP_CLOSE;
	return STEP_AGAIN;
}

static bool
stderr_says(const ssh_session *s, const char *words)
{
	return strstr(buf_str(&s->err), words) != NULL;
}

/* The capture command ended: decide how, from its exit and what it wrote. */
static void
classify_capture(ssh_session *s, int exit_status, const char *exit_signal)
{
	bool		started = s->cb->capture_started(s->ctx);
	bool		complete = started && s->cb->capture_complete(s->ctx);

	if (!started)
	{
		if (exit_status == 127 || stderr_says(s, "command not found") || stderr_says(s, "tcpdump: not found"))
		{
			s->status = HOST_TCPDUMP_MISSING;
			add_detail(s, "tcpdump is not installed on the host (or not in sudo's secure_path); install it");
		}
		else
		{
			s->status = HOST_SUDO_FAILED;
			if (stderr_says(s, "password"))
				add_detail(s, "sudo wants a password for tcpdump: set TRAFFICMAP_SUDO_PASSWORD, run on a terminal, or grant tcpdump without a password (see README)");
			else if (s->cfg->sudo)
				add_detail(s, "the capture did not start (exit status %d%s%s); the host must allow this user to run tcpdump with sudo",
						   exit_status, exit_signal ? ", signal " : "", exit_signal ? exit_signal : "");
			else
				add_detail(s, "the capture did not start (exit status %d%s%s); without sudo, tcpdump needs CAP_NET_RAW and CAP_NET_ADMIN (setcap, see README)",
						   exit_status, exit_signal ? ", signal " : "", exit_signal ? exit_signal : "");
		}
		return;
	}
	if (exit_signal != NULL)
	{
		s->status = HOST_TRUNCATED;
		add_detail(s, "the capture was killed by signal %s", exit_signal);
	}
	else if (exit_status != 0)
	{
		s->status = HOST_TRUNCATED;
		add_detail(s, "the capture exited with status %d", exit_status);
	}
	else if (!complete)
	{
		s->status = HOST_TRUNCATED;
		add_detail(s, "the capture stream ended inside a packet");
	}
	else
		s->status = HOST_OK;
}

static step_result
do_cap_close(ssh_session *s, double now)
{
	char	   *sig = NULL;
	int			rc = libssh2_channel_close(s->ch);
	int			exit_status;

	if (rc == LIBSSH2_ERROR_EAGAIN)
		return STEP_WAIT;
	if (rc == 0)
		rc = libssh2_channel_wait_closed(s->ch);
	if (rc == LIBSSH2_ERROR_EAGAIN)
		return STEP_WAIT;
	exit_status = libssh2_channel_get_exit_status(s->ch);
	libssh2_channel_get_exit_signal(s->ch, &sig, NULL, NULL, NULL, NULL, NULL);
	classify_capture(s, exit_status, sig);
	if (sig != NULL)
		libssh2_free(s->ssh, sig);
	libssh2_channel_free(s->ch);
	s->ch = NULL;
	set_deadline(s, now, DISCONNECT_GRACE);
	s->st = S_DISCONNECT;
	return STEP_AGAIN;
}

static step_result
do_disconnect(ssh_session *s)
{
	int			rc = libssh2_session_disconnect(s->ssh, "trafficmap collect done");

	if (rc == LIBSSH2_ERROR_EAGAIN)
		return STEP_WAIT;
	teardown(s);
	s->st = S_DONE;
	s->ended = wall_now();
	return STEP_DONE;
}

static step_result
step_once(ssh_session *s, double now)
{
	switch (s->st)
	{
		case S_CONNECT:
			return do_connect(s, now);
		case S_HANDSHAKE:
			return do_handshake(s);
		case S_AUTH_AGENT:
			return do_auth_agent(s);
		case S_AUTH_KEY:
			return do_auth_key(s);
		case S_STATS_OPEN:
			return open_channel(s, S_STATS_EXEC);
		case S_STATS_EXEC:
			return do_stats_exec(s);
		case S_STATS_READ:
			return do_stats_read(s);
		case S_STATS_CLOSE:
			return do_stats_close(s);
		case S_CAP_OPEN:
			return open_channel(s, S_CAP_EXEC);
		case S_CAP_EXEC:
			return do_cap_exec(s, now);
		case S_CAP_STDIN:
			return do_cap_stdin(s);
		case S_CAP_EOF:
			return do_cap_eof(s);
		case S_CAP_READ:
			return do_cap_read(s);
		case S_CAP_CLOSE:
			return do_cap_close(s, now);
		case S_DISCONNECT:
			return do_disconnect(s);
		case S_DONE:
			return STEP_DONE;
	}
	return STEP_DONE;
}

/* The deadline of the current state passed. */
static step_result
expire(ssh_session *s)
{
	switch (s->st)
	{
		case S_CONNECT:
			return fail(s, HOST_UNREACHABLE, "no answer on port %d within %g s", s->port,
						s->cfg->connect_timeout);
		case S_HANDSHAKE:
		case S_AUTH_AGENT:
		case S_AUTH_KEY:
		case S_STATS_OPEN:
		case S_STATS_EXEC:
		case S_STATS_READ:
		case S_STATS_CLOSE:
		case S_CAP_OPEN:
		case S_CAP_EXEC:
			return fail(s, HOST_TIMEOUT, "connected, but SSH setup did not finish within %g s",
						s->cfg->connect_timeout);
		case S_CAP_STDIN:
		case S_CAP_EOF:
		case S_CAP_READ:
		case S_CAP_CLOSE:
			return fail(s, HOST_TIMEOUT, "the capture did not end within %g s of its %g s",
						s->cfg->grace, s->cfg->capture_seconds);
		case S_DISCONNECT:
			teardown(s);
			s->st = S_DONE;
			s->ended = wall_now();
			return STEP_DONE;
		case S_DONE:
			break;
	}
	return STEP_DONE;
}

static int
wanted_events(ssh_session *s)
{
	int			dirs;
	int			ev = 0;

	if (s->st == S_CONNECT)
		return POLLOUT;
	dirs = s->ssh != NULL ? libssh2_session_block_directions(s->ssh) : 0;
	if (dirs & LIBSSH2_SESSION_BLOCK_INBOUND)
		ev |= POLLIN;
	if (dirs & LIBSSH2_SESSION_BLOCK_OUTBOUND)
		ev |= POLLOUT;
	return ev != 0 ? ev : POLLIN;
}

bool
ssh_session_step(ssh_session *s, double now)
{
	step_result r;

	for (;;)
	{
		if (s->st == S_DONE)
			return false;
		r = step_once(s, now);
		if (r == STEP_DONE)
			return false;
		if (r == STEP_AGAIN)
			continue;
		if (now >= s->deadline)
		{
			expire(s);
			continue;
		}
		s->events = wanted_events(s);
		return true;
	}
}

int
ssh_session_fd(const ssh_session *s)
{
	return s->fd;
}

int
ssh_session_events(const ssh_session *s)
{
	return s->events;
}

double
ssh_session_deadline(const ssh_session *s)
{
	return s->deadline;
}

ssh_phase
ssh_session_phase(const ssh_session *s)
{
	if (s->st == S_DONE)
		return SSH_PHASE_DONE;
	if (s->st >= S_CAP_STDIN)
		return SSH_PHASE_CAPTURING;
	return SSH_PHASE_CONNECTING;
}

host_status
ssh_session_status(const ssh_session *s)
{
	return s->status;
}

const char *
ssh_session_detail(const ssh_session *s)
{
	return buf_str(&s->detail);
}

const char *
ssh_session_stderr(const ssh_session *s)
{
	return buf_str(&s->err);
}

const char *
ssh_session_address(const ssh_session *s)
{
	return s->address;
}

uint64_t
ssh_session_bytes(const ssh_session *s)
{
	return s->bytes;
}

double
ssh_session_started(const ssh_session *s)
{
	return s->started;
}

double
ssh_session_ended(const ssh_session *s)
{
	return s->ended;
}

void
ssh_session_timing(const ssh_session *s, char *buf, size_t size)
{
	double		t[3] = {s->t_secure, s->t_auth, s->t_capture};
	const char *what[3] = {"host key verified", "logged in", "capturing"};
	size_t		used = 0;
	int			i;
	int			n;

	buf[0] = '\0';
	for (i = 0; i < 3 && t[i] > 0; i++)
	{
		n = snprintf(buf + used, size - used, "%s%s after %.2f s", i ? ", " : "", what[i], t[i] - s->t_start);
		if (n < 0 || (size_t) n >= size - used)
			break;
		used += (size_t) n;
	}
}
