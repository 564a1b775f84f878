/*
 * capture_command.c - building and checking the remote capture command.
 */
#include "capture_command.h"

#include <pcap/pcap.h>
#include <string.h>

#include "msg.h"

/* The collector's own connection, as the host sees it: $1 $2 are ours, $3 $4 the host's. */
#define EXCLUDE_SELF "not (host $1 and host $3 and tcp port $2 and tcp port $4)"
/* For checking the filter here: any addresses will do. */
#define EXCLUDE_EXAMPLE "not (host 192.0.2.1 and host 192.0.2.2 and tcp port 50000 and tcp port 22)"

tm_result
sh_quote(tm_buf *out, const char *s)
{
	tm_result	r = buf_addc(out, '\'');

	for (; *s != '\0' && r == TM_OK; s++)
	{
		if (*s == '\'')
			r = buf_adds(out, "'\\''");
		else
			r = buf_addc(out, *s);
	}
	if (r == TM_OK)
		r = buf_addc(out, '\'');
	return r;
}

tm_result
capture_filter_check(const capture_options *o)
{
	char		expr[8192];
	struct bpf_program prog;
	pcap_t	   *p;
	tm_result	r = TM_OK;
	int			n;

	if (o->filter == NULL)
		return TM_OK;
	n = snprintf(expr, sizeof(expr), "(%s) and %s", o->filter, EXCLUDE_EXAMPLE);
	if (n < 0 || (size_t) n >= sizeof(expr))
	{
		errorf("option --filter: the filter is longer than %zu bytes", sizeof(expr) - sizeof(EXCLUDE_EXAMPLE) - 8);
		return TM_ERR_USAGE;
	}
	p = pcap_open_dead(DLT_LINUX_SLL2, (int) o->snaplen);
	if (p == NULL)
		return TM_ERR_NOMEM;
	if (pcap_compile(p, &prog, expr, 1, PCAP_NETMASK_UNKNOWN) != 0)
	{
		errorf("option --filter: '%s' is not a filter tcpdump accepts: %s", o->filter, pcap_geterr(p));
		errorf("hint: the syntax is pcap-filter(7)'s, as in tcpdump's own filters");
		r = TM_ERR_USAGE;
	}
	else
		pcap_freecode(&prog);
	pcap_close(p);
	return r;
}

/* The script /bin/sh runs on the host. */
static tm_result
inner_script(const capture_options *o, tm_buf *s)
{
	tm_result	r;

	/* Without SSH_CONNECTION (unusual servers) the clause still parses; it excludes nothing. */
	r = buf_addf(s, "set -- ${SSH_CONNECTION:-0.0.0.0 0 0.0.0.0 0}; "
				 "exec timeout --preserve-status -s INT %g %stcpdump -i any --immediate-mode -U -w - -s %ld -n ",
				 o->seconds, o->sudo ? "sudo -S -p '' " : "", o->snaplen);
	if (r == TM_OK && o->filter != NULL)
	{
		r = buf_adds(s, "'( '");
		if (r == TM_OK)
			r = sh_quote(s, o->filter);
		if (r == TM_OK)
			r = buf_adds(s, "' ) and '");
	}
	if (r == TM_OK)
		r = buf_adds(s, "\"" EXCLUDE_SELF "\"");
	return r;
}

tm_result
capture_command(const capture_options *o, tm_buf *out)
{
	tm_buf		script;
	tm_result	r;

	buf_init(&script, 16384);
	buf_reset(out);
	r = inner_script(o, &script);
	if (r == TM_OK)
		r = buf_adds(out, "exec /bin/sh -c ");
	if (r == TM_OK)
		r = sh_quote(out, buf_str(&script));
	buf_free(&script);
	return r;
}
