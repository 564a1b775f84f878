/*
 * db.c - connecting to PostgreSQL and running statements, one way for every command.
 */
#include "db.h"

#include <stdbool.h>
#include <string.h>

#include "buf.h"
#include "msg.h"

/* libpq messages end in a newline; ours are one line each. */
static void
chomp_into(char *dst, size_t size, const char *src)
{
	size_t		n;

	if (src == NULL)
		src = "";
	n = strlen(src);
	while (n > 0 && (src[n - 1] == '\n' || src[n - 1] == ' '))
		n--;
	if (n >= size)
		n = size - 1;
	memcpy(dst, src, n);
	dst[n] = '\0';
}

void
db_report(PGconn *conn, const PGresult *res, const char *doing)
{
	char		msg[1024];
	const char *detail = NULL;
	const char *hint = NULL;

	if (res != NULL && PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY) != NULL)
	{
		chomp_into(msg, sizeof(msg), PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY));
		detail = PQresultErrorField(res, PG_DIAG_MESSAGE_DETAIL);
		hint = PQresultErrorField(res, PG_DIAG_MESSAGE_HINT);
	}
	else
		chomp_into(msg, sizeof(msg), PQerrorMessage(conn));
	errorf("%s: %s", doing, msg);
	if (detail != NULL)
		errorf("detail: %s", detail);
	if (hint != NULL)
		errorf("hint: %s", hint);
}

tm_result
db_exec(PGconn *conn, const char *sql, int nparams, const char *const *params, PGresult **out)
{
	PGresult   *res;
	ExecStatusType st;

	if (out != NULL)
		*out = NULL;
	res = PQexecParams(conn, sql, nparams, NULL, params, NULL, NULL, 0);
	st = PQresultStatus(res);
	if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK)
	{
		db_report(conn, res, "database");
		PQclear(res);
		return TM_ERR_DB;
	}
	if (out != NULL)
		*out = res;
	else
		PQclear(res);
	return TM_OK;
}

tm_result
db_check_time(PGconn *conn, const char *option, const char *value)
{
	PGresult   *res;
	bool		ok;

	if (value == NULL)
		return TM_OK;
	res = PQexecParams(conn, "SELECT $1::timestamptz", 1, NULL, &value, NULL, NULL, 0);
	ok = PQresultStatus(res) == PGRES_TUPLES_OK;
	PQclear(res);
	if (!ok)
	{
		errorf("option %s: '%s' is not a time; write it like 2016-05-01 12:00:00+00", option, value);
		return TM_ERR_USAGE;
	}
	return TM_OK;
}

tm_result
db_begin(PGconn *conn)
{
	return db_exec(conn, "BEGIN", 0, NULL, NULL);
}

tm_result
db_commit(PGconn *conn)
{
	return db_exec(conn, "COMMIT", 0, NULL, NULL);
}

/* Roll back whatever is open; used on cleanup paths, so it never reports. */
void
db_rollback(PGconn *conn)
{
	PGresult   *res;

	if (PQtransactionStatus(conn) == PQTRANS_IDLE)
		return;
	res = PQexec(conn, "ROLLBACK");
	PQclear(res);
}

/* Server warnings (RAISE WARNING) are ours to show, through msg.h like every message. */
static void
notice_to_msg(void *arg, const PGresult *res)
{
	const char *severity = PQresultErrorField(res, PG_DIAG_SEVERITY_NONLOCALIZED);
	const char *text = PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY);
	const char *detail = PQresultErrorField(res, PG_DIAG_MESSAGE_DETAIL);
	const char *hint = PQresultErrorField(res, PG_DIAG_MESSAGE_HINT);
	bool		warning = severity != NULL && strcmp(severity, "WARNING") == 0;

	(void) arg;
	if (text == NULL)
		return;
	if (!warning)
	{
		verbosef("server: %s", text);
		return;
	}
	warnf("%s", text);
	if (detail != NULL)
		warnf("detail: %s", detail);
	if (hint != NULL)
		warnf("hint: %s", hint);
}

/* The extension owns the schema; without it nothing we write has a table to go to. */
static tm_result
require_extension(PGconn *conn)
{
	PGresult   *res = NULL;
	tm_result	r;

	r = db_exec(conn, "SELECT extversion FROM pg_catalog.pg_extension WHERE extname = 'trafficmap'",
				0, NULL, &res);
	if (r != TM_OK)
		goto out;
	if (PQntuples(res) == 0)
	{
		errorf("database '%s' has no trafficmap extension; run: psql -d '%s' -c 'CREATE EXTENSION trafficmap CASCADE'",
			   PQdb(conn), PQdb(conn));
		r = TM_ERR_DB;
		goto out;
	}
	verbosef("connected to database '%s', trafficmap %s", PQdb(conn), PQgetvalue(res, 0, 0));
	PQclear(res);
	res = NULL;
	r = db_exec(conn, "SELECT pg_catalog.set_config('search_path', 'pg_catalog, trafficmap', false)",
				0, NULL, NULL);
out:
	PQclear(res);
	return r;
}

tm_result
db_connect(const char *conninfo, PGconn **out)
{
	static const char *const keywords[] = {"dbname", "fallback_application_name", NULL};
	const char *values[] = {conninfo, "trafficmap", NULL};
	PGconn	   *conn;
	char		msg[1024];
	tm_result	r;

	*out = NULL;
	conn = PQconnectdbParams(keywords, values, 1);
	if (conn == NULL)
	{
		errorf("cannot connect to PostgreSQL: out of memory");
		return TM_ERR_NOMEM;
	}
	if (PQstatus(conn) != CONNECTION_OK)
	{
		chomp_into(msg, sizeof(msg), PQerrorMessage(conn));
		errorf("cannot connect to PostgreSQL: %s", msg);
		errorf("hint: name the database with -d CONNINFO (a conninfo string or URI) or PGHOST, PGPORT, PGDATABASE, PGUSER");
		PQfinish(conn);
		return TM_ERR_DB;
	}
	PQsetNoticeReceiver(conn, notice_to_msg, NULL);
	r = require_extension(conn);
	if (r != TM_OK)
	{
		PQfinish(conn);
		return r;
	}
	*out = conn;
	return TM_OK;
}

void
db_close(PGconn *conn)
{
	if (conn != NULL)
		PQfinish(conn);
}
