/*
 * copy.c - rows into PostgreSQL through COPY FROM STDIN, text format.
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
	if (c->error == TM_OK)
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
	tm_result	r = c->error;

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
