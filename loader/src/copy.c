/*
 * copy.c - rows into PostgreSQL through COPY FROM STDIN, in the text or the binary format
 * (PostgreSQL's documentation, COPY, "Binary Format"): a signature and header, then per row
 * a 16-bit field count and per field a 32-bit length and the value in its type's send
 * form, all big-endian; a field count of -1 ends the data.
 */
#include "copy.h"

#include <string.h>

#include "db.h"
#include "msg.h"

/* A batch this size amortizes the per-call cost of PQputCopyData; rows never exceed it much. */
#define COPY_BATCH (256 * 1024)
#define COPY_MAX_ROW (64 * 1024 * 1024)

tm_result
copy_escape(tm_buf *b, const char *s)
{
	tm_result	r = TM_OK;
	const char *run = s;

	for (; *s != '\0' && r == TM_OK; s++)
	{
		const char *esc = NULL;

		switch (*s)
		{
			case '\\':
				esc = "\\\\";
				break;
			case '\t':
				esc = "\\t";
				break;
			case '\n':
				esc = "\\n";
				break;
			case '\r':
				esc = "\\r";
				break;
			default:
				continue;
		}
		r = buf_add(b, run, (size_t) (s - run));
		if (r == TM_OK)
			r = buf_add(b, esc, 2);
		run = s + 1;
	}
	if (r == TM_OK)
		r = buf_add(b, run, strlen(run));
	return r;
}

tm_result
copy_begin(tm_copy *c, PGconn *conn, const char *copy_sql)
{
	PGresult   *res;

	c->conn = conn;
	buf_init(&c->buf, COPY_BATCH + COPY_MAX_ROW);
	c->fields = 0;
	c->binary = false;
	c->rows = 0;
	c->error = TM_OK;
	res = PQexec(conn, copy_sql);
	if (PQresultStatus(res) != PGRES_COPY_IN)
	{
		db_report(conn, res, "starting COPY");
		PQclear(res);
		c->error = TM_ERR_DB;
		return c->error;
	}
	PQclear(res);
	return TM_OK;
}

/* Big-endian integers of the binary format. */
static void
put_be(tm_copy *c, uint64_t v, int bytes)
{
	uint8_t		b[8];
	int			i;

	for (i = 0; i < bytes; i++)
		b[i] = (uint8_t) (v >> (8 * (bytes - 1 - i)));
	if (c->error == TM_OK)
		c->error = buf_add(&c->buf, b, (size_t) bytes);
}

tm_result
copy_begin_binary(tm_copy *c, PGconn *conn, const char *copy_sql)
{
	static const char signature[11] = "PGCOPY\n\377\r\n";

	if (copy_begin(c, conn, copy_sql) != TM_OK)
		return c->error;
	c->binary = true;
	c->error = buf_add(&c->buf, signature, sizeof(signature));
	put_be(c, 0, 4);			/* flags: no OIDs */
	put_be(c, 0, 4);			/* no header extension */
	if (c->error != TM_OK)
		copy_abort(c, "out of memory");
	return c->error;
}

void
copy_bin_row(tm_copy *c, int nfields)
{
	put_be(c, (uint64_t) nfields, 2);
}

void
copy_bin_int8(tm_copy *c, int64_t v)
{
	put_be(c, 8, 4);
	put_be(c, (uint64_t) v, 8);
}

void
copy_bin_int4(tm_copy *c, int32_t v)
{
	put_be(c, 4, 4);
	put_be(c, (uint32_t) v, 4);
}

void
copy_bin_text(tm_copy *c, const char *s)
{
	size_t		n = strlen(s);

	put_be(c, n, 4);
	if (c->error == TM_OK)
		c->error = buf_add(&c->buf, s, n);
}

/* inet's send form: family (PGSQL_AF_INET 2, PGSQL_AF_INET6 3), bits, is_cidr, length, bytes. */
void
copy_bin_inet(tm_copy *c, int family, const uint8_t *addr)
{
	uint8_t		h[4];
	size_t		n = family == 4 ? 4 : 16;

	h[0] = family == 4 ? 2 : 3;
	h[1] = (uint8_t) (n * 8);
	h[2] = 0;
	h[3] = (uint8_t) n;
	put_be(c, 4 + n, 4);
	if (c->error == TM_OK)
		c->error = buf_add(&c->buf, h, sizeof(h));
	if (c->error == TM_OK)
		c->error = buf_add(&c->buf, addr, n);
}

/* timestamptz's send form: microseconds since 2000-01-01 00:00:00 UTC. */
void
copy_bin_timestamptz(tm_copy *c, int64_t unix_ns)
{
	const int64_t pg_epoch_us = 946684800LL * 1000000;
	int64_t		us = unix_ns / 1000 - (unix_ns % 1000 < 0 ? 1 : 0);

	copy_bin_int8(c, us - pg_epoch_us);
}

/* Every field but a row's first is preceded by a tab. */
static void
field_start(tm_copy *c)
{
	if (c->error == TM_OK && c->fields++ > 0)
		c->error = buf_addc(&c->buf, '\t');
}

void
copy_text(tm_copy *c, const char *s)
{
	if (s == NULL)
	{
		copy_null(c);
		return;
	}
	field_start(c);
	if (c->error == TM_OK)
		c->error = copy_escape(&c->buf, s);
}

void
copy_int(tm_copy *c, long long v)
{
	field_start(c);
	if (c->error == TM_OK)
		c->error = buf_addf(&c->buf, "%lld", v);
}

void
copy_null(tm_copy *c)
{
	field_start(c);
	if (c->error == TM_OK)
		c->error = buf_add(&c->buf, "\\N", 2);
}

/* Read the results libpq still holds so the connection is ready for the next statement. */
static void
drain(PGconn *conn)
{
	PGresult   *res;

	for (;;)
	{
		res = PQgetResult(conn);
		if (res == NULL)
			break;
		PQclear(res);
	}
}

static tm_result
flush(tm_copy *c)
{
	if (c->buf.len == 0)
		return TM_OK;
	if (PQputCopyData(c->conn, c->buf.data, (int) c->buf.len) != 1)
	{
		db_report(c->conn, NULL, "sending COPY data");
		return TM_ERR_DB;
	}
	buf_reset(&c->buf);
	return TM_OK;
}

tm_result
copy_end_row(tm_copy *c)
{
	if (c->error == TM_OK && !c->binary)
		c->error = buf_addc(&c->buf, '\n');
	c->fields = 0;
	c->rows++;
	if (c->error == TM_OK && c->buf.len >= COPY_BATCH)
		c->error = flush(c);
	return c->error;
}

tm_result
copy_end(tm_copy *c)
{
	PGresult   *res;
	tm_result	r;

	if (c->binary)
		put_be(c, 0xffff, 2);	/* the trailer: a field count of -1 */
	r = c->error;
	if (r == TM_OK)
		r = flush(c);
	if (r != TM_OK)
	{
		copy_abort(c, r == TM_ERR_NOMEM ? "a row is too large" : "the load failed");
		return r;
	}
	if (PQputCopyEnd(c->conn, NULL) != 1)
	{
		db_report(c->conn, NULL, "ending COPY");
		r = TM_ERR_DB;
	}
	res = PQgetResult(c->conn);
	if (r == TM_OK && PQresultStatus(res) != PGRES_COMMAND_OK)
	{
		db_report(c->conn, res, "COPY");
		r = TM_ERR_DB;
	}
	PQclear(res);
	drain(c->conn);
	buf_free(&c->buf);
	return r;
}

void
copy_abort(tm_copy *c, const char *why)
{
	PQputCopyEnd(c->conn, why);
	drain(c->conn);
	buf_free(&c->buf);
}
