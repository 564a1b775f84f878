/*
 * db.h - the connection to PostgreSQL: connecting like psql does, running statements with
 * bound parameters, transactions, and turning server errors into messages.
 */
#ifndef TM_DB_H
#define TM_DB_H

#include <libpq-fe.h>

#include "tm.h"

/*
 * Connect with CONNINFO (a conninfo string or URI, or NULL for the PG* environment
 * variables, exactly as psql's -d), check that the trafficmap extension is installed, and
 * set a search_path that finds its objects. Prints the error itself.
 */
tm_result	db_connect(const char *conninfo, PGconn **out);
void		db_close(PGconn *conn);

/* Run a statement with text parameters; *out (if not NULL) gets the result to PQclear. */
tm_result	db_exec(PGconn *conn, const char *sql, int nparams, const char *const *params,
					PGresult **out);

tm_result	db_begin(PGconn *conn);
tm_result	db_commit(PGconn *conn);
void		db_rollback(PGconn *conn);

/*
 * A time option (--at, --since) must be one PostgreSQL understands: check it with the server
 * that will use it, and say so as an option error naming OPTION, not as an SQL one. NULL is
 * fine (the option was not given).
 */
tm_result	db_check_time(PGconn *conn, const char *option, const char *value);

/* Print a server error (message, detail, hint) with what we were doing. */
void		db_report(PGconn *conn, const PGresult *res, const char *doing);

#endif							/* TM_DB_H */
