/*
 * store.c - one capture, one transaction: look up the SHA-256 (locking the row), delete
 * what --replace replaces, insert the captures row, COPY the edges, update the run.
 */
#include "store.h"

#include <arpa/inet.h>
#include <pcap/pcap.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "buf.h"
#include "copy.h"
#include "db.h"
#include "msg.h"

#define NS_PER_SEC 1000000000LL

void
store_format_time(int64_t ns, char *buf, size_t size)
{
	int64_t		sec = ns / NS_PER_SEC;
	int64_t		rem = ns % NS_PER_SEC;
	time_t		t;
	struct tm	tm;

	if (rem < 0)
	{
		rem += NS_PER_SEC;
		sec--;
	}
	t = (time_t) sec;
	if (gmtime_r(&t, &tm) == NULL)
	{
		snprintf(buf, size, "epoch");
		return;
	}
	snprintf(buf, size, "%04d-%02d-%02d %02d:%02d:%02d.%06lld+00",
			 tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
			 (long long) (rem / 1000));
}

static void
format_addr(uint8_t family, const uint8_t *a, char *buf, size_t size)
{
	if (inet_ntop(family == 4 ? AF_INET : AF_INET6, a, buf, (socklen_t) size) == NULL)
		snprintf(buf, size, "0.0.0.0");
}

/* {EN10MB,LINUX_SLL2}: libpcap's names, which need no quoting in an array literal. */
static tm_result
linktypes_literal(const tm_capture_meta *m, tm_buf *b)
{
	tm_result	r;
	const char *name;
	int			i;

	r = buf_addc(b, '{');
	for (i = 0; i < m->nlinktypes && r == TM_OK; i++)
	{
		if (i > 0)
			r = buf_addc(b, ',');
		name = pcap_datalink_val_to_name(m->linktypes[i]);
		if (r == TM_OK && name != NULL)
			r = buf_adds(b, name);
		else if (r == TM_OK)
			r = buf_addf(b, "%d", m->linktypes[i]);
	}
	if (r == TM_OK)
		r = buf_addc(b, '}');
	return r;
}

/* The earlier capture with these bytes, locked for this transaction; 0 when none. */
static tm_result
find_capture(PGconn *conn, const char *sha256, long long *id, long long *run_id)
{
	const char *params[1] = {sha256};
	PGresult   *res = NULL;
	tm_result	r;

	*id = 0;
	*run_id = 0;
	r = db_exec(conn, "SELECT id, coalesce(run_id, 0) FROM trafficmap.captures WHERE sha256 = $1 FOR UPDATE",
				1, params, &res);
	if (r != TM_OK)
		return r;
	if (PQntuples(res) == 1)
	{
		*id = strtoll(PQgetvalue(res, 0, 0), NULL, 10);
		*run_id = strtoll(PQgetvalue(res, 0, 1), NULL, 10);
	}
	PQclear(res);
	return TM_OK;
}

static tm_result
delete_capture(PGconn *conn, long long id)
{
	char		idtext[32];
	const char *params[1] = {idtext};
	tm_result	r;

	snprintf(idtext, sizeof(idtext), "%lld", id);
	r = db_exec(conn, "DELETE FROM trafficmap.traffic WHERE capture_id = $1", 1, params, NULL);
	if (r == TM_OK)
		r = db_exec(conn, "DELETE FROM trafficmap.captures WHERE id = $1", 1, params, NULL);
	return r;
}

static tm_result
insert_capture(PGconn *conn, const tm_capture_meta *m, const tm_agg *agg, long long reuse_id,
			   long long *id)
{
	const tm_capture_counts *c = agg_counts(agg);
	char		num[10][32];
	char		started[48];
	char		ended[48];
	tm_buf		lt;
	PGresult   *res = NULL;
	tm_result	r;
	const char *params[18];
	uint64_t	skipped = c->not_ip + c->truncated + c->malformed + c->duplicate;

	buf_init(&lt, 64 * 1024);
	r = linktypes_literal(m, &lt);
	if (r != TM_OK)
		goto out;
	store_format_time(c->first_ns, started, sizeof(started));
	store_format_time(c->last_ns, ended, sizeof(ended));
	snprintf(num[0], sizeof(num[0]), "%lld", m->run_id);
	snprintf(num[1], sizeof(num[1]), "%u", m->snaplen);
	snprintf(num[2], sizeof(num[2]), "%llu", (unsigned long long) c->packets);
	snprintf(num[3], sizeof(num[3]), "%llu", (unsigned long long) c->wire_bytes);
	snprintf(num[4], sizeof(num[4]), "%llu", (unsigned long long) skipped);
	snprintf(num[5], sizeof(num[5]), "%llu", (unsigned long long) c->not_ip);
	snprintf(num[6], sizeof(num[6]), "%llu", (unsigned long long) c->truncated);
	snprintf(num[7], sizeof(num[7]), "%llu", (unsigned long long) c->malformed);
	snprintf(num[8], sizeof(num[8]), "%llu", (unsigned long long) c->duplicate);
	snprintf(num[9], sizeof(num[9]), "%lld", reuse_id);
	params[0] = reuse_id > 0 ? num[9] : NULL;
	params[1] = m->run_id > 0 ? num[0] : NULL;
	params[2] = m->source;
	params[3] = m->capturing_host;
	params[4] = m->sha256;
	params[5] = buf_str(&lt);
	params[6] = num[1];
	params[7] = c->packets > 0 ? started : NULL;
	params[8] = c->packets > 0 ? ended : NULL;
	params[9] = num[2];
	params[10] = num[3];
	params[11] = num[4];
	params[12] = num[5];
	params[13] = num[6];
	params[14] = num[7];
	params[15] = num[8];
	params[16] = m->truncated ? "truncated" : "complete";
	r = db_exec(conn,
				"INSERT INTO trafficmap.captures (id, run_id, source, capturing_host, sha256, link_types,"
				" snaplen, started, ended, packets, bytes, skipped_packets, skipped_not_ip,"
				" skipped_truncated, skipped_malformed, skipped_duplicate, status)"
				" VALUES (coalesce($1::bigint, nextval('trafficmap.captures_id_seq')), $2, $3, $4, $5, $6,"
				" $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17)"
				" RETURNING id",
				17, params, &res);
	if (r != TM_OK)
		goto out;
	*id = strtoll(PQgetvalue(res, 0, 0), NULL, 10);
out:
	PQclear(res);
	buf_free(&lt);
	return r;
}

static tm_result
copy_edges(PGconn *conn, const tm_agg *agg, long long id)
{
	tm_copy		cp;
	tm_result	r;
	size_t		i;
	char		a[64];
	char		t[48];
	char		pbuf[8];

	r = copy_begin(&cp, conn,
				   "COPY trafficmap.traffic (capture_id, proto, client, server, server_port, conns,"
				   " c2s_packets, c2s_bytes, s2c_packets, s2c_bytes, first_seen, last_seen,"
				   " syns, fins, rsts) FROM STDIN");
	if (r != TM_OK)
		return r;
	for (i = 0; i < agg_nedges(agg) && r == TM_OK; i++)
	{
		const tm_edge *e = agg_edge(agg, i);

		copy_int(&cp, id);
		copy_text(&cp, agg_proto_name(e->key.proto, pbuf, sizeof(pbuf)));
		format_addr(e->key.family, e->key.client, a, sizeof(a));
		copy_text(&cp, a);
		format_addr(e->key.family, e->key.server, a, sizeof(a));
		copy_text(&cp, a);
		copy_int(&cp, e->key.server_port);
		copy_int(&cp, (long long) e->conns);
		copy_int(&cp, (long long) e->c2s_packets);
		copy_int(&cp, (long long) e->c2s_bytes);
		copy_int(&cp, (long long) e->s2c_packets);
		copy_int(&cp, (long long) e->s2c_bytes);
		store_format_time(e->first_ns, t, sizeof(t));
		copy_text(&cp, t);
		store_format_time(e->last_ns, t, sizeof(t));
		copy_text(&cp, t);
		copy_int(&cp, (long long) e->syns);
		copy_int(&cp, (long long) e->fins);
		copy_int(&cp, (long long) e->rsts);
		r = copy_end_row(&cp);
	}
	if (r != TM_OK)
	{
		copy_abort(&cp, "the load failed");
		return r;
	}
	return copy_end(&cp);
}

/* A run's counts follow from its captures, so replacing one keeps them right. */
static tm_result
update_run(PGconn *conn, long long run_id)
{
	char		idtext[32];
	const char *params[1] = {idtext};

	if (run_id <= 0)
		return TM_OK;
	snprintf(idtext, sizeof(idtext), "%lld", run_id);
	return db_exec(conn,
				   "UPDATE trafficmap.collect_runs r SET ended = now(), hosts = s.hosts, ok = s.ok, failed = s.failed"
				   " FROM (SELECT count(*) AS hosts, count(*) FILTER (WHERE status = 'complete') AS ok,"
				   "              count(*) FILTER (WHERE status <> 'complete') AS failed"
				   "         FROM trafficmap.captures WHERE run_id = $1) s"
				   " WHERE r.id = $1",
				   1, params, NULL);
}

tm_result
store_capture(PGconn *conn, const tm_capture_meta *meta, const tm_agg *agg, bool replace,
			  long long *id, bool *existed)
{
	long long	old_id;
	long long	old_run;
	tm_result	r;

	*id = 0;
	*existed = false;
	r = db_begin(conn);
	if (r != TM_OK)
		return r;
	/* Two loaders storing the same bytes at once: the second waits here for the first. */
	r = db_exec(conn, "SELECT pg_catalog.pg_advisory_xact_lock(pg_catalog.hashtext($1))", 1,
				(const char *const[]) {meta->sha256}, NULL);
	if (r == TM_OK)
		r = find_capture(conn, meta->sha256, &old_id, &old_run);
	if (r != TM_OK)
		goto out;
	if (old_id > 0 && !replace)
	{
		*id = old_id;
		*existed = true;
		goto out;
	}
	if (old_id > 0)
		r = delete_capture(conn, old_id);
	if (r == TM_OK)
		r = insert_capture(conn, meta, agg, old_id, id);
	if (r == TM_OK)
		r = copy_edges(conn, agg, *id);
	if (r == TM_OK)
		r = update_run(conn, meta->run_id);
	if (r == TM_OK && old_run != meta->run_id)
		r = update_run(conn, old_run);
	if (r == TM_OK)
		r = db_commit(conn);
out:
	db_rollback(conn);
	return r;
}

tm_result
store_run(PGconn *conn, const char *name, long long *run_id)
{
	const char *params[1] = {name};
	PGresult   *res = NULL;
	tm_result	r;

	r = db_exec(conn,
				"INSERT INTO trafficmap.collect_runs (name) VALUES ($1)"
				" ON CONFLICT (name) DO UPDATE SET name = EXCLUDED.name RETURNING id",
				1, params, &res);
	if (r != TM_OK)
		return r;
	*run_id = strtoll(PQgetvalue(res, 0, 0), NULL, 10);
	PQclear(res);
	return TM_OK;
}
