/*
 * test_host_stats.c - /proc output as Linux prints it, old kernels without MemAvailable, and
 * output that is not /proc's (a shell's error, a truncated read).
 */
#include "unit.h"

#include "../src/host_stats.h"

static tm_result
parse(const char *text, host_stats *s, const char **why)
{
	*why = NULL;
	return host_stats_parse(text, strlen(text), s, why);
}

UNIT_TEST(linux_output)
{
	const char *text =
		"2503.82 4761.63\n"
		"0.66 0.33 0.16 1/94 28583\n"
		"MemTotal:       24684084 kB\n"
		"MemFree:        23855528 kB\n"
		"MemAvailable:   24167576 kB\n"
		"Buffers:           11636 kB\n"
		"HugePages_Total:       0\n"
		"Hugepagesize:       2048 kB\n";
	host_stats	s;
	const char *why;

	CHECK_INT(parse(text, &s, &why), TM_OK);
	CHECK(s.uptime_s == 2503.82);
	CHECK(s.load1 == 0.66);
	CHECK(s.load5 == 0.33);
	CHECK(s.load15 == 0.16);
	CHECK_INT(s.mem_total, 24684084LL * 1024);
	CHECK_INT(s.mem_available, 24167576LL * 1024);
}

UNIT_TEST(old_kernel_without_memavailable)
{
	host_stats	s;
	const char *why;

	CHECK_INT(parse("5.00 1.00\n12.50 3.00 0.00 2/100 7\nMemTotal: 1024 kB", &s, &why), TM_OK);
	CHECK(s.uptime_s == 5.0);
	CHECK(s.load1 == 12.5);
	CHECK_INT(s.mem_total, 1048576);
	CHECK_INT(s.mem_available, -1);
}

static void
bad(const char *text, const char *words)
{
	host_stats	s;
	const char *why;

	CHECK_INT(parse(text, &s, &why), TM_ERR_FORMAT);
	if (why == NULL || strstr(why, words) == NULL)
	{
		printf("#   '%s': why is '%s', want '%s'\n", text, why ? why : "(null)", words);
		unit_current_failed = 1;
	}
}

UNIT_TEST(not_proc_output)
{
	bad("", "/proc/uptime");
	bad("cat: /proc/uptime: No such file or directory\n", "/proc/uptime");
	bad("1.0 2.0\n", "/proc/loadavg");
	bad("1.0 2.0\n0.1 0.2\nMemTotal: 1 kB\n", "/proc/loadavg");
	bad("1.0 2.0\n-0.1 0.2 0.3 1/1 1\nMemTotal: 1 kB\n", "/proc/loadavg");
	bad("1.0 2.0\n0.1 0.2 0.3 1/1 1\n", "no MemTotal");
	bad("1.0 2.0\n0.1 0.2 0.3 1/1 1\nMemTotal: 12\n", "KEY: NUMBER kB");
	bad("1.0 2.0\n0.1 0.2 0.3 1/1 1\nMemTotal: 1.5 kB\n", "KEY: NUMBER kB");
	bad("1.0 2.0\n0.1 0.2 0.3 1/1 1\nMemTotal: 99999999999999999999 kB\n", "KEY: NUMBER kB");
	bad("nan 2.0\n", "/proc/uptime");
	bad("1e400 2.0\n", "/proc/uptime");
}

UNIT_MAIN(
		  UNIT_ENTRY(linux_output),
		  UNIT_ENTRY(old_kernel_without_memavailable),
		  UNIT_ENTRY(not_proc_output)
)
