/*
 * test_password.c - the sudo password from the environment: copied, then wiped from the
 * process's own environment block (so /proc/PID/environ no longer shows it) and removed; an
 * empty value means none; without a variable and a terminal there is none.
 */
#include "unit.h"

#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include "../src/password.h"

#define INHERITED "tm-inherited-pw-8351"

/* Whether /proc/self/environ, the block the kernel shows others, holds the text. */
static int
environ_has(const char *text)
{
	static char buf[1 << 20];
	FILE	   *f = fopen("/proc/self/environ", "r");
	size_t		len = strlen(text);
	size_t		n;
	size_t		i;

	if (f == NULL)
		return -1;
	n = fread(buf, 1, sizeof(buf), f);
	fclose(f);
	for (i = 0; i + len <= n; i++)
	{
		if (memcmp(buf + i, text, len) == 0)
			return 1;
	}
	return 0;
}

/* In a child started with the variable in its environment: read it, then look for it. */
static int
child(void)
{
	char	   *pw = NULL;

	if (environ_has(INHERITED) != 1)
		return 2;
	if (password_get("prompt: ", &pw) != TM_OK || pw == NULL || strcmp(pw, INHERITED) != 0)
		return 3;
	password_free(pw);
	if (getenv(PASSWORD_ENV) != NULL)
		return 4;
	return environ_has(INHERITED) == 0 ? 0 : 5;
}

UNIT_TEST(an_inherited_password_is_wiped_from_proc_environ)
{
	char	   *envp[] = {(char *) PASSWORD_ENV "=" INHERITED, (char *) "TM_UNIT_CHILD=1", NULL};
	char	   *argv[] = {(char *) "test_password", NULL};
	pid_t		pid;
	int			status = -1;

	if (getenv("TM_UNIT_CHILD") != NULL)
		_exit(child());
	pid = fork();
	if (pid == 0)
	{
		execve("/proc/self/exe", argv, envp);
		_exit(127);
	}
	CHECK(pid > 0);
	CHECK(waitpid(pid, &status, 0) == pid);
	CHECK(WIFEXITED(status));
	CHECK_INT(WEXITSTATUS(status), 0);
}

UNIT_TEST(empty_means_none_and_no_terminal_means_none)
{
	char	   *pw = (char *) "untouched";

	CHECK_INT(setenv(PASSWORD_ENV, "", 1), 0);
	CHECK_INT(password_get("prompt: ", &pw), TM_OK);
	CHECK(pw == NULL);
	CHECK(getenv(PASSWORD_ENV) == NULL);
	if (!isatty(0))
	{
		pw = (char *) "untouched";
		CHECK_INT(password_get("prompt: ", &pw), TM_OK);
		CHECK(pw == NULL);
	}
}

UNIT_MAIN(
		  UNIT_ENTRY(an_inherited_password_is_wiped_from_proc_environ),
		  UNIT_ENTRY(empty_means_none_and_no_terminal_means_none)
)
