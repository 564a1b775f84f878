/*
 * password.h - the sudo password for `collect`: from TRAFFICMAP_SUDO_PASSWORD, else asked on
 * the terminal without echo. It stays in this process's memory only: collect writes it to
 * each capture channel's stdin, never to a file, an argument, a message or the database.
 */
#ifndef TM_PASSWORD_H
#define TM_PASSWORD_H

#include "tm.h"

#define PASSWORD_ENV "TRAFFICMAP_SUDO_PASSWORD"
#define PASSWORD_MAX 1024

/*
 * *out gets the password (free with password_free) or NULL for none: the variable is not
 * set and stdin is not a terminal, or the user just pressed Enter. The variable's value is
 * wiped from the environment once read, so /proc/PID/environ no longer shows it.
 */
tm_result	password_get(const char *prompt, char **out);
void		password_free(char *pw);

#endif							/* TM_PASSWORD_H */
