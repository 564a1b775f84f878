/*
 * ssh_session.h - one host's SSH session for `collect`, as a non-blocking state machine.
 *
 * A session connects with a timeout, verifies the host key (known_hosts.h), authenticates
 * with the ssh-agent's keys and then an identity file, reads the host's /proc stats on one
 * channel, and runs the capture command on another, streaming its stdout to a callback. It
 * never blocks: ssh_session_step() does what the socket allows and says what to wait for,
 * so one event loop drives every host of a run (collect.c).
 *
 *   s = ssh_session_new(&cfg, host, port, user, &callbacks, ctx);
 *   ssh_session_start(s, now)            resolve and start connecting
 *   loop: wait for ssh_session_fd(s) as ssh_session_events(s) says, or its deadline;
 *         ssh_session_step(s, now)       until it returns false (finished)
 *   ssh_session_status(s), ssh_session_detail(s)
 *   ssh_session_free(s)
 */
#ifndef TM_SSH_SESSION_H
#define TM_SSH_SESSION_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "known_hosts.h"
#include "tm.h"

/* How a host's collection ended; the names are collect_hosts.status values. */
typedef enum
{
	HOST_OK = 0,
	HOST_UNREACHABLE,			/* no TCP connection, or no SSH server behind it */
	HOST_TIMEOUT,				/* connected, then stopped answering in time */
	HOST_HOSTKEY_UNKNOWN,
	HOST_HOSTKEY_MISMATCH,		/* also a key marked @revoked */
	HOST_AUTH_FAILED,
	HOST_SUDO_FAILED,			/* sudo refused, or the capture command failed to start */
	HOST_TCPDUMP_MISSING,
	HOST_TRUNCATED				/* the capture started but did not end cleanly */
} host_status;

const char *host_status_name(host_status s);

/* Where a session is, for progress lines. */
typedef enum
{
	SSH_PHASE_CONNECTING = 0,	/* TCP, handshake, host key, authentication, stats */
	SSH_PHASE_CAPTURING,
	SSH_PHASE_DONE
} ssh_phase;

/* What every session of a run shares. */
typedef struct
{
	known_hosts *known;
	const char *identity;		/* private key file, or NULL */
	bool		use_agent;		/* SSH_AUTH_SOCK is set */
	double		connect_timeout;	/* seconds for TCP connect, and again for SSH setup */
	double		capture_seconds;
	double		grace;			/* seconds past the capture before giving up on a host */
	const char *capture_command;	/* the remote command line (capture_command.h) */
	const char *sudo_password;	/* written to the capture's stdin, or NULL */
	bool		sudo;			/* the capture runs through sudo (not --no-sudo) */
} ssh_config;

typedef struct
{
	/* The host's /proc output (HOST_STATS_COMMAND); not called when it could not be read. */
	void		(*on_stats) (void *ctx, const char *text, size_t len);
	/* Capture bytes as they arrive; anything but TM_OK (with *why set) ends it as truncated. */
	tm_result	(*on_capture) (void *ctx, const unsigned char *p, size_t n, const char **why);
	/* The capture ended; return false if the stream ended mid-record (then: truncated). */
	bool		(*capture_complete) (void *ctx);
	/* Whether any capture bytes came (a pcap header): tells failures apart. */
	bool		(*capture_started) (void *ctx);
} ssh_callbacks;

typedef struct ssh_session ssh_session;

ssh_session *ssh_session_new(const ssh_config *cfg, const char *host, int port, const char *user,
							 const ssh_callbacks *cb, void *ctx);
void		ssh_session_free(ssh_session *s);

/* Resolve the host and start a non-blocking connect. False if it finished already. */
bool		ssh_session_start(ssh_session *s, double now);

/* Advance as far as the socket allows. False once the session has finished. */
bool		ssh_session_step(ssh_session *s, double now);

int			ssh_session_fd(const ssh_session *s);
/* POLLIN/POLLOUT bits to wait for on the fd. */
int			ssh_session_events(const ssh_session *s);
/* When step must be called even without socket activity. */
double		ssh_session_deadline(const ssh_session *s);
ssh_phase	ssh_session_phase(const ssh_session *s);

host_status ssh_session_status(const ssh_session *s);
/* What went wrong (and the tail of the remote stderr), or "" for a clean capture. */
const char *ssh_session_detail(const ssh_session *s);
/* The numeric address dialled, or "" if the name did not resolve. */
const char *ssh_session_address(const ssh_session *s);
uint64_t	ssh_session_bytes(const ssh_session *s);
/* Wall-clock times (seconds since the epoch) the session started and ended. */
double		ssh_session_started(const ssh_session *s);
double		ssh_session_ended(const ssh_session *s);
/* "host key verified after 0.01 s, logged in after ..., capturing after ...": for --verbose. */
void		ssh_session_timing(const ssh_session *s, char *buf, size_t size);
/* The remote stderr of the capture (tcpdump's closing counts), for accounting. */
const char *ssh_session_stderr(const ssh_session *s);

#endif							/* TM_SSH_SESSION_H */
