/*
 * timeit.c - run a command, print its wall-clock time (seconds, nanosecond clock) and the
 * peak resident set size of it and the children it waited for (kB), on one line to the
 * file named by -o (standard error by default). The command's output is left alone; its
 * exit status is passed on.
 *
 *   timeit [-o FILE] COMMAND [ARG...]
 */
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

int
main(int argc, char **argv)
{
	struct timespec t0;
	struct timespec t1;
	struct rusage ru;
	FILE	   *out = stderr;
	pid_t		pid;
	int			status;
	int			first = 1;

	if (argc > 2 && strcmp(argv[1], "-o") == 0)
	{
		out = fopen(argv[2], "w");
		if (out == NULL)
		{
			perror(argv[2]);
			return 2;
		}
		first = 3;
	}
	if (first >= argc)
	{
		fprintf(stderr, "usage: timeit [-o FILE] COMMAND [ARG...]\n");
		return 2;
	}
	clock_gettime(CLOCK_MONOTONIC, &t0);
	pid = fork();
	if (pid == 0)
	{
		execvp(argv[first], argv + first);
		perror(argv[first]);
		_exit(127);
	}
	if (pid < 0 || wait4(pid, &status, 0, &ru) != pid)
	{
		perror("timeit");
		return 2;
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	fprintf(out, "%.6f %ld\n",
			(double) (t1.tv_sec - t0.tv_sec) + (double) (t1.tv_nsec - t0.tv_nsec) / 1e9,
			ru.ru_maxrss);
	fclose(out);
	if (WIFEXITED(status))
		return WEXITSTATUS(status);
	return 128 + (WIFSIGNALED(status) ? WTERMSIG(status) : 0);
}
