/*
 * hosts_file.c - parsing the hosts file of `collect --hosts`.
 */
#include "hosts_file.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "cli.h"
#include "msg.h"

#define HOSTS_MAX_NAME 253		/* the longest DNS name */
#define HOSTS_MAX_USER 64
#define HOSTS_MAX_FILE (64 * 1024 * 1024)

static void seterr(hosts_error *err, int line, const char *fmt,...) __attribute__((format(printf, 3, 4)));

static void
seterr(hosts_error *err, int line, const char *fmt,...)
{
	va_list		ap;

	err->line = line;
	va_start(ap, fmt);
	vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
	va_end(ap);
}

static char *
dup_n(const char *s, size_t n)
{
	char	   *p = malloc(n + 1);

	if (p != NULL)
	{
		memcpy(p, s, n);
		p[n] = '\0';
	}
	return p;
}

tm_result
hosts_list_add(hosts_list *l, const char *user, const char *host, int port, int line)
{
	hosts_entry *e;
	hosts_entry *nv;
	size_t		cap;

	if (l->n >= HOSTS_MAX_HOSTS)
		return TM_ERR_NOMEM;
	if (l->n == l->cap)
	{
		cap = l->cap ? l->cap * 2 : 16;
		nv = realloc(l->v, cap * sizeof(*nv));
		if (nv == NULL)
			return TM_ERR_NOMEM;
		l->v = nv;
		l->cap = cap;
	}
	e = &l->v[l->n];
	e->user = user ? dup_n(user, strlen(user)) : NULL;
	e->host = dup_n(host, strlen(host));
	e->port = port;
	e->line = line;
	if (e->host == NULL || (user != NULL && e->user == NULL))
	{
		free(e->user);
		free(e->host);
		return TM_ERR_NOMEM;
	}
	l->n++;
	return TM_OK;
}

void
hosts_list_free(hosts_list *l)
{
	size_t		i;

	for (i = 0; i < l->n; i++)
	{
		free(l->v[i].user);
		free(l->v[i].host);
	}
	free(l->v);
	l->v = NULL;
	l->n = 0;
	l->cap = 0;
}

static int
is_name_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		c == '.' || c == '-' || c == '_';
}

/* Host names and IPv4 addresses: DNS characters; IPv6 adds ':' and a '%zone'. */
static int
valid_host(const char *h, size_t n, int v6)
{
	size_t		i;

	if (n == 0 || n > HOSTS_MAX_NAME || h[0] == '-')
		return 0;
	for (i = 0; i < n; i++)
	{
		if (is_name_char(h[i]))
			continue;
		if (v6 && (h[i] == ':' || h[i] == '%'))
			continue;
		return 0;
	}
	return 1;
}

static int
valid_user(const char *u, size_t n)
{
	size_t		i;

	if (n == 0 || n > HOSTS_MAX_USER || u[0] == '-')
		return 0;
	for (i = 0; i < n; i++)
	{
		if (!is_name_char(u[i]))
			return 0;
	}
	return 1;
}

/* A port after a colon: digits from 1 to 65535. */
static tm_result
parse_port(const char *s, size_t n, int lineno, hosts_error *err, int *port)
{
	char		tmp[8];
	long		v;

	if (n == 0 || n >= sizeof(tmp))
	{
		seterr(err, lineno, "the port after ':' must be a number from 1 to 65535");
		return TM_ERR_FORMAT;
	}
	memcpy(tmp, s, n);
	tmp[n] = '\0';
	if (tmp[0] < '0' || tmp[0] > '9' || parse_long(tmp, 1, 65535, &v) != TM_OK)
	{
		seterr(err, lineno, "the port after ':' must be a number from 1 to 65535, not '%s'", tmp);
		return TM_ERR_FORMAT;
	}
	*port = (int) v;
	return TM_OK;
}

/* Split "[user@]host[:port]" (s, n: one trimmed word) into the list. */
static tm_result
parse_word(const char *s, size_t n, int lineno, hosts_list *out, hosts_error *err)
{
	const char *at = memchr(s, '@', n);
	const char *h = s;
	size_t		hn = n;
	const char *colon;
	char	   *user = NULL;
	char	   *host = NULL;
	int			port = 0;
	int			v6 = 0;
	tm_result	r = TM_ERR_FORMAT;

	if (at != NULL)
	{
		if (!valid_user(s, (size_t) (at - s)))
		{
			seterr(err, lineno, "'%.*s' is not a user name (letters, digits, '.', '_', '-'; not starting with '-')",
				   (int) (at - s), s);
			goto out;
		}
		user = dup_n(s, (size_t) (at - s));
		h = at + 1;
		hn = n - (size_t) (h - s);
	}
	if (hn > 0 && h[0] == '[')
	{
		const char *close = memchr(h, ']', hn);

		if (close == NULL)
		{
			seterr(err, lineno, "'[' opens an IPv6 address that no ']' closes");
			goto out;
		}
		v6 = 1;
		if (close + 1 < h + hn)
		{
			if (close[1] != ':')
			{
				seterr(err, lineno, "after ']' only ':PORT' may follow");
				goto out;
			}
			if (parse_port(close + 2, (size_t) (h + hn - close - 2), lineno, err, &port) != TM_OK)
				goto out;
		}
		h++;
		hn = (size_t) (close - h);
	}
	else
	{
		colon = memchr(h, ':', hn);
		if (colon != NULL && memchr(colon + 1, ':', hn - (size_t) (colon + 1 - h)) != NULL)
			v6 = 1;				/* a bare IPv6 address: no port without brackets */
		else if (colon != NULL)
		{
			if (parse_port(colon + 1, (size_t) (h + hn - colon - 1), lineno, err, &port) != TM_OK)
				goto out;
			hn = (size_t) (colon - h);
		}
	}
	if (!valid_host(h, hn, v6))
	{
		seterr(err, lineno, "'%.*s' is not a host name or address%s", (int) hn, h,
			   v6 ? "" : " (write IPv6 addresses with a port as [ADDRESS]:PORT)");
		goto out;
	}
	host = dup_n(h, hn);
	if (host == NULL || (at != NULL && user == NULL))
	{
		r = TM_ERR_NOMEM;
		goto out;
	}
	r = hosts_list_add(out, user, host, port, lineno);
	if (r != TM_OK)
		seterr(err, lineno, "more than %d hosts; split the file", HOSTS_MAX_HOSTS);
out:
	free(user);
	free(host);
	return r;
}

static int
is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\r';
}

/* One line: strip the comment and blanks, then exactly one word or nothing. */
static tm_result
parse_line(const char *s, size_t n, int lineno, hosts_list *out, hosts_error *err)
{
	const char *hash = memchr(s, '#', n);
	size_t		i;
	size_t		start;

	if (hash != NULL)
		n = (size_t) (hash - s);
	if (memchr(s, '\0', n) != NULL)
	{
		seterr(err, lineno, "the line holds a NUL byte; is this a text file?");
		return TM_ERR_FORMAT;
	}
	while (n > 0 && is_space(s[n - 1]))
		n--;
	start = 0;
	while (start < n && is_space(s[start]))
		start++;
	if (start == n)
		return TM_OK;
	for (i = start; i < n; i++)
	{
		if (is_space(s[i]))
		{
			seterr(err, lineno, "one host per line, but this line has more than one word");
			return TM_ERR_FORMAT;
		}
	}
	return parse_word(s + start, n - start, lineno, out, err);
}

/* No port means SSH's own, so "h" and "h:22" are the same host. */
static int
port_of(const hosts_entry *e)
{
	return e->port != 0 ? e->port : 22;
}

static int
cmp_entry(const void *a, const void *b)
{
	const hosts_entry *x = a;
	const hosts_entry *y = b;
	int			c = strcmp(x->host, y->host);

	if (c == 0)
		c = (port_of(x) > port_of(y)) - (port_of(x) < port_of(y));
	if (c == 0)
		c = (x->line > y->line) - (x->line < y->line);
	return c;
}

/* The same host and port twice (with any users) would capture one host twice. */
static tm_result
check_duplicates(const hosts_list *l, hosts_error *err)
{
	hosts_entry *copy;
	size_t		i;
	tm_result	r = TM_OK;

	if (l->n < 2)
		return TM_OK;
	copy = malloc(l->n * sizeof(*copy));
	if (copy == NULL)
		return TM_ERR_NOMEM;
	memcpy(copy, l->v, l->n * sizeof(*copy));
	qsort(copy, l->n, sizeof(*copy), cmp_entry);
	for (i = 1; i < l->n; i++)
	{
		const hosts_entry *a = &copy[i - 1];
		const hosts_entry *b = &copy[i];

		if (strcmp(a->host, b->host) == 0 && port_of(a) == port_of(b))
		{
			seterr(err, b->line, "host '%s' is already listed on line %d; list each host once",
				   b->host, a->line);
			r = TM_ERR_FORMAT;
			break;
		}
	}
	free(copy);
	return r;
}

tm_result
hosts_parse(const char *text, size_t len, hosts_list *out, hosts_error *err)
{
	size_t		pos = 0;
	int			lineno = 0;
	tm_result	r = TM_OK;

	memset(out, 0, sizeof(*out));
	err->line = 0;
	err->msg[0] = '\0';
	while (pos < len && r == TM_OK)
	{
		const char *nl = memchr(text + pos, '\n', len - pos);
		size_t		n = nl ? (size_t) (nl - (text + pos)) : len - pos;

		lineno++;
		if (n > HOSTS_MAX_LINE)
		{
			seterr(err, lineno, "the line is longer than %d bytes", HOSTS_MAX_LINE);
			r = TM_ERR_FORMAT;
			break;
		}
		r = parse_line(text + pos, n, lineno, out, err);
		pos += n + 1;
	}
	if (r == TM_OK)
		r = check_duplicates(out, err);
	if (r == TM_ERR_NOMEM && err->msg[0] == '\0')
		seterr(err, lineno, "out of memory");
	if (r != TM_OK)
		hosts_list_free(out);
	return r;
}

tm_result
hosts_file_read(const char *path, hosts_list *out)
{
	FILE	   *f = NULL;
	tm_buf		b;
	char		chunk[65536];
	size_t		n;
	hosts_error err;
	tm_result	r = TM_OK;

	buf_init(&b, HOSTS_MAX_FILE);
	memset(out, 0, sizeof(*out));
	f = fopen(path, "r");
	if (f == NULL)
	{
		errorf("cannot open hosts file %s: %s", path, msg_errno(errno));
		r = TM_ERR_IO;
		goto out;
	}
	for (;;)
	{
		n = fread(chunk, 1, sizeof(chunk), f);
		if (n == 0)
			break;
		r = buf_add(&b, chunk, n);
		if (r != TM_OK)
		{
			errorf("hosts file %s is larger than %d MB", path, HOSTS_MAX_FILE / (1024 * 1024));
			goto out;
		}
	}
	if (ferror(f))
	{
		errorf("cannot read hosts file %s: %s", path, msg_errno(errno));
		r = TM_ERR_IO;
		goto out;
	}
	r = hosts_parse(b.data ? b.data : "", b.len, out, &err);
	if (r != TM_OK)
	{
		errorf("%s:%d: %s", path, err.line, err.msg);
		goto out;
	}
	if (out->n == 0)
	{
		errorf("hosts file %s lists no hosts; write one address or name per line", path);
		r = TM_ERR_FORMAT;
	}
out:
	if (f != NULL)
		fclose(f);
	buf_free(&b);
	return r;
}
