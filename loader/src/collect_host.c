/*
 * collect_host.c - one host's capture stream into edges, and its outcome into the database.
 */
#include "collect_host.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "aggregate.h"
#include "buf.h"
#include "db.h"
#include "digest.h"
#include "host_stats.h"
#include "keep_pcap.h"
#include "msg.h"
#include "packet.h"
#include "pcap_stream.h"
#include "pcapng.h"
#include "store.h"
#include "utf8.h"

#define NS_PER_SEC 1000000000LL
#define DETAIL_MAX 4096

struct collect_host
{
	char	   *name;
	pcap_stream ps;
	tm_agg	   *agg;
	tm_digest  *digest;
	keep_pcap  *keep;
	bool		have_stats;
	host_stats	stats;
	double		stats_at;		/* wall clock when they came */
	tm_buf		notes;			/* for detail: what went wrong besides the session */
};

static void
note(collect_host *h, const char *s)
{
	if (h->notes.len > 0)
		(void) buf_adds(&h->notes, "; ");
	(void) buf_adds(&h->notes, s);
}

static double
wall_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (double) ts.tv_sec + (double) ts.tv_nsec / 1e9;
}

/* A framed record into the one aggregator: the stream's LINKTYPE as libpcap's DLT. */
static tm_result
on_packet(void *ctx, const pcap_stream_packet *rec)
{
	collect_host *h = ctx;
	tm_packet	pkt;

	pkt.linktype = pcapng_linktype_to_dlt(rec->linktype);
	pkt.ifindex = 0;
	pkt.ts_ns = rec->ts_sec * NS_PER_SEC + rec->ts_nsec;
	pkt.caplen = rec->caplen;
	pkt.len = rec->len;
	pkt.data = rec->data;
	return agg_packet(h->agg, &pkt);
}

tm_result
collect_host_new(const char *name, const char *keep_dir, long long run_id, collect_host **out)
{
	collect_host *h;
	tm_result	r;

	*out = NULL;
	h = calloc(1, sizeof(*h));
	if (h == NULL)
		return TM_ERR_NOMEM;
	buf_init(&h->notes, DETAIL_MAX);
	pcap_stream_init(&h->ps, on_packet, h);
	h->name = strdup(name);
	r = h->name == NULL ? TM_ERR_NOMEM : TM_OK;
	if (r == TM_OK)
		r = agg_new(&h->agg);
	if (r == TM_OK)
		r = digest_new(&h->digest);
	if (r == TM_OK && keep_dir != NULL && keep_pcap_open(keep_dir, run_id, name, &h->keep) != TM_OK)
		note(h, "--keep-pcap: the file could not be made");
	if (r != TM_OK)
	{
		collect_host_free(h);
		return r;
	}
	*out = h;
	return TM_OK;
}

void
collect_host_free(collect_host *h)
{
	if (h == NULL)
		return;
	if (h->keep != NULL)
		(void) keep_pcap_close(h->keep);
	pcap_stream_free(&h->ps);
	agg_free(h->agg);
	digest_free(h->digest);
	buf_free(&h->notes);
	free(h->name);
	free(h);
}

static void
on_stats(void *ctx, const char *text, size_t len)
{
	collect_host *h = ctx;
	const char *why = NULL;
	char		line[300];

	if (host_stats_parse(text, len, &h->stats, &why) != TM_OK)
	{
		snprintf(line, sizeof(line), "host stats not stored: %s", why);
		note(h, line);
		return;
	}
	h->have_stats = true;
	h->stats_at = wall_now();
}

static tm_result
on_capture(void *ctx, const unsigned char *p, size_t n, const char **why)
{
	collect_host *h = ctx;
	tm_result	r;

	digest_update(h->digest, p, n);
	if (h->keep != NULL && keep_pcap_write(h->keep, p, n) != TM_OK)
	{
		note(h, "--keep-pcap stopped: the file could not be written");
		(void) keep_pcap_close(h->keep);
		h->keep = NULL;
	}
	r = pcap_stream_feed(&h->ps, p, n);
	if (r == TM_ERR_FORMAT)
		*why = h->ps.error;
	else if (r != TM_OK)
		*why = "out of memory for the capture's connections";
	return r;
}

static bool
capture_complete(void *ctx)
{
	collect_host *h = ctx;

	return pcap_stream_end(&h->ps) == TM_OK;
}

static bool
capture_started(void *ctx)
{
	collect_host *h = ctx;

	return pcap_stream_started(&h->ps);
}

const ssh_callbacks *
collect_host_callbacks(void)
{
	static const ssh_callbacks cb = {on_stats, on_capture, capture_complete, capture_started};

	return &cb;
}

/*
 * Remote text into a column: control characters (but newlines and tabs) become '?', and so
 * do bytes above ASCII unless the whole text is valid UTF-8 (a localized sudo, say).
 */
static void
add_clean(tm_buf *b, const char *s)
{
	bool		utf8 = utf8_valid(s, strlen(s));

	for (; *s != '\0'; s++)
	{
		unsigned char c = (unsigned char) *s;
		bool		keep = (c >= 0x20 && c != 0x7f) || c == '\n' || c == '\t';

		(void) buf_addc(b, keep && (c < 0x80 || utf8) ? (char) c : '?');
	}
}

/* The session's verdict, our notes, then the remote stderr's tail. */
static void
build_detail(collect_host *h, const ssh_session *s, tm_buf *d)
{
	const char *parts[3] = {ssh_session_detail(s), buf_str(&h->notes), ssh_session_stderr(s)};
	size_t		i;

	for (i = 0; i < 3; i++)
	{
		while (parts[i][0] == '\n' || parts[i][0] == ' ')
			parts[i]++;
		if (parts[i][0] == '\0')
			continue;
		if (d->len > 0)
			(void) buf_adds(d, i == 2 ? "\n" : "; ");
		add_clean(d, parts[i]);
	}
	while (d->len > 0 && d->data[d->len - 1] == '\n')
		d->data[--d->len] = '\0';
}

/* The capture into captures and traffic, when there is one with packets. */
static tm_result
store_stream(collect_host *h, PGconn *conn, long long run_id, const ssh_session *s,
			 long long *capture_id, bool *captured)
{
	tm_capture_meta meta;
	bool		existed = false;
	char		line[200];
	tm_result	r;

	*capture_id = 0;
	*captured = false;
	if (!pcap_stream_started(&h->ps))
		return TM_OK;
	if (agg_counts(h->agg)->packets == 0)
	{
		note(h, "no packets were captured");
		return TM_OK;
	}
	r = agg_finish(h->agg);
	if (r != TM_OK)
		return r;
	memset(&meta, 0, sizeof(meta));
	r = digest_final_hex(h->digest, meta.sha256);
	if (r != TM_OK)
		return r;
	meta.source = h->name;
	meta.capturing_host = ssh_session_address(s)[0] != '\0' ? ssh_session_address(s) : NULL;
	meta.run_id = run_id;
	meta.linktypes[0] = pcapng_linktype_to_dlt(h->ps.linktype);
	meta.nlinktypes = 1;
	meta.snaplen = h->ps.snaplen;
	meta.truncated = ssh_session_status(s) != HOST_OK;
	r = store_capture(conn, &meta, h->agg, false, capture_id, &existed);
	if (r != TM_OK)
		return r;
	*captured = true;
	if (existed)
	{
		snprintf(line, sizeof(line), "the same capture bytes were stored before, as capture %lld", *capture_id);
		note(h, line);
	}
	return TM_OK;
}

static tm_result
insert_host(collect_host *h, PGconn *conn, long long run_id, const ssh_session *s, long long capture_id)
{
	char		run[32];
	char		bytes[32];
	char		started[32];
	char		ended[32];
	char		cap[32];
	tm_buf		detail;
	const char *params[9];
	tm_result	r;

	buf_init(&detail, DETAIL_MAX * 3);
	build_detail(h, s, &detail);
	snprintf(run, sizeof(run), "%lld", run_id);
	snprintf(bytes, sizeof(bytes), "%llu", (unsigned long long) ssh_session_bytes(s));
	snprintf(started, sizeof(started), "%.6f", ssh_session_started(s));
	snprintf(ended, sizeof(ended), "%.6f", ssh_session_ended(s));
	snprintf(cap, sizeof(cap), "%lld", capture_id);
	params[0] = run;
	params[1] = h->name;
	params[2] = ssh_session_address(s)[0] != '\0' ? ssh_session_address(s) : NULL;
	params[3] = host_status_name(ssh_session_status(s));
	params[4] = buf_str(&detail);
	params[5] = bytes;
	params[6] = started;
	params[7] = ended;
	params[8] = capture_id > 0 ? cap : NULL;
	r = db_exec(conn,
				"INSERT INTO trafficmap.collect_hosts (run_id, host, address, status, detail, bytes,"
				" started, ended, capture_id) VALUES ($1, $2, $3, $4, $5, $6,"
				" to_timestamp($7::double precision), to_timestamp($8::double precision), $9)",
				9, params, NULL);
	buf_free(&detail);
	return r;
}

static tm_result
insert_stats(collect_host *h, PGconn *conn, long long run_id)
{
	char		v[8][40];
	const char *params[9];

	if (!h->have_stats)
		return TM_OK;
	snprintf(v[0], sizeof(v[0]), "%lld", run_id);
	snprintf(v[1], sizeof(v[1]), "%.2f", h->stats.uptime_s);
	snprintf(v[2], sizeof(v[2]), "%.2f", h->stats.load1);
	snprintf(v[3], sizeof(v[3]), "%.2f", h->stats.load5);
	snprintf(v[4], sizeof(v[4]), "%.2f", h->stats.load15);
	snprintf(v[5], sizeof(v[5]), "%lld", (long long) h->stats.mem_total);
	snprintf(v[6], sizeof(v[6]), "%lld", (long long) h->stats.mem_available);
	snprintf(v[7], sizeof(v[7]), "%.6f", h->stats_at);
	params[0] = v[0];
	params[1] = h->name;
	params[2] = v[1];
	params[3] = v[2];
	params[4] = v[3];
	params[5] = v[4];
	params[6] = v[5];
	params[7] = h->stats.mem_available >= 0 ? v[6] : NULL;
	params[8] = v[7];
	return db_exec(conn,
				   "INSERT INTO trafficmap.host_stats (run_id, host, uptime_s, load1, load5, load15,"
				   " mem_total, mem_available, collected_at)"
				   " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, to_timestamp($9::double precision))",
				   9, params, NULL);
}

tm_result
collect_host_store(collect_host *h, PGconn *conn, long long run_id, const ssh_session *s,
				   bool *captured)
{
	long long	capture_id = 0;
	tm_result	r;

	if (h->keep != NULL)
	{
		if (keep_pcap_close(h->keep) != TM_OK)
			note(h, "--keep-pcap: the file is incomplete");
		h->keep = NULL;
	}
	r = store_stream(h, conn, run_id, s, &capture_id, captured);
	if (r != TM_OK)
		return r;
	r = db_begin(conn);
	if (r == TM_OK)
		r = insert_host(h, conn, run_id, s, capture_id);
	if (r == TM_OK)
		r = insert_stats(h, conn, run_id);
	if (r == TM_OK)
		r = db_commit(conn);
	db_rollback(conn);
	return r;
}
