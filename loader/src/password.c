/*
 * password.c - reading a secret without echo and without leaving copies.
 */
#include "password.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "msg.h"

void
password_free(char *pw)
{
	if (pw == NULL)
		return;
	explicit_bzero(pw, strlen(pw));
	free(pw);
}

/* Copy the variable, then overwrite the environment's own bytes and remove it. */
static tm_result
from_env(char *value, char **out)
{
	size_t		n = strlen(value);

	if (n >= PASSWORD_MAX)
	{
		errorf("%s is longer than %d bytes", PASSWORD_ENV, PASSWORD_MAX - 1);
		return TM_ERR_USAGE;
	}
	*out = strdup(value);
	explicit_bzero(value, n);
	unsetenv(PASSWORD_ENV);
	if (*out == NULL)
		return TM_ERR_NOMEM;
	if (**out == '\0')
	{
		password_free(*out);
		*out = NULL;
	}
	return TM_OK;
}

/* Read one line from the terminal with echo off, restoring the terminal whatever happens. */
static tm_result
from_tty(const char *prompt, char **out)
{
	struct termios old;
	struct termios quiet;
	char		line[PASSWORD_MAX];
	size_t		n = 0;
	ssize_t		got;
	char		c;
	int			fd;
	tm_result	r = TM_OK;

	fd = open("/dev/tty", O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (fd < 0)
		return TM_OK;
	if (tcgetattr(fd, &old) != 0)
	{
		close(fd);
		return TM_OK;
	}
	quiet = old;
	quiet.c_lflag &= ~(tcflag_t) (ECHO | ECHONL);
	quiet.c_lflag |= ICANON;
	(void) !write(fd, prompt, strlen(prompt));
	tcsetattr(fd, TCSAFLUSH, &quiet);
	for (;;)
	{
		got = read(fd, &c, 1);
		if (got < 0 && errno == EINTR)
			continue;
		if (got <= 0 || c == '\n')
			break;
		if (n < sizeof(line) - 1)
			line[n++] = c;
	}
	line[n] = '\0';
	tcsetattr(fd, TCSAFLUSH, &old);
	(void) !write(fd, "\n", 1);
	close(fd);
	if (n > 0)
	{
		*out = strdup(line);
		if (*out == NULL)
			r = TM_ERR_NOMEM;
	}
	explicit_bzero(line, sizeof(line));
	explicit_bzero(&c, sizeof(c));
	return r;
}

tm_result
password_get(const char *prompt, char **out)
{
	char	   *env = getenv(PASSWORD_ENV);

	*out = NULL;
	if (env != NULL)
		return from_env(env, out);
	if (!isatty(STDIN_FILENO))
		return TM_OK;
	return from_tty(prompt, out);
}
