/*
 * test_capture_command.c - the remote command, run by a real /bin/sh with a stand-in
 * `timeout` that prints the words it receives: the filter arrives as one word whatever it
 * contains, our own connection is excluded, and sudo is used only when asked. Filters are
 * checked with libpcap.
 */
#include "unit.h"

#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../src/capture_command.h"

/* Run cmd with /bin/sh in an environment where `timeout` prints its arguments, one a line. */
static char *
run_remote(const char *cmd, const char *ssh_connection)
{
	char		dir[] = "/tmp/tm-test-capture.XXXXXX";
	char		path[512];
	char		line[4096];
	tm_buf		script;
	tm_buf		out;
	FILE	   *f;
	FILE	   *p;
	char	   *result = NULL;

	if (mkdtemp(dir) == NULL)
		return NULL;
	snprintf(path, sizeof(path), "%s/timeout", dir);
	f = fopen(path, "w");
	if (f == NULL)
		return NULL;
	fputs("#!/bin/sh\nfor a in \"$@\"; do printf '[%s]\\n' \"$a\"; done\n", f);
	fclose(f);
	chmod(path, 0755);
	buf_init(&script, 1 << 20);
	buf_init(&out, 1 << 20);
	buf_addf(&script, "PATH=%s:/usr/bin:/bin; export PATH; ", dir);
	if (ssh_connection != NULL)
	{
		buf_adds(&script, "SSH_CONNECTION=");
		sh_quote(&script, ssh_connection);
		buf_adds(&script, "; export SSH_CONNECTION; ");
	}
	else
		buf_adds(&script, "unset SSH_CONNECTION; ");
	buf_adds(&script, cmd);
	setenv("TM_SCRIPT", buf_str(&script), 1);
	p = popen("/bin/sh -c \"$TM_SCRIPT\"", "r");
	while (p != NULL && fgets(line, sizeof(line), p) != NULL)
		buf_adds(&out, line);
	if (p != NULL && pclose(p) == 0)
		result = strdup(buf_str(&out));
	unlink(path);
	rmdir(dir);
	buf_free(&script);
	buf_free(&out);
	return result;
}

UNIT_TEST(words_on_the_host)
{
	capture_options o = {.seconds = 3, .snaplen = 128, .filter = NULL, .sudo = true};
	tm_buf		cmd;
	char	   *got;

	buf_init(&cmd, 1 << 16);
	CHECK_INT(capture_command(&o, &cmd), TM_OK);
	got = run_remote(buf_str(&cmd), "10.0.0.1 51234 10.0.0.2 22");
	CHECK(got != NULL);
	if (got != NULL)
		CHECK_STR(got,
				  "[--preserve-status]\n[-s]\n[INT]\n[3]\n[sudo]\n[-S]\n[-p]\n[]\n[tcpdump]\n"
				  "[-i]\n[any]\n[--immediate-mode]\n[-U]\n[-w]\n[-]\n[-s]\n[128]\n[-n]\n"
				  "[not (host 10.0.0.1 and host 10.0.0.2 and tcp port 51234 and tcp port 22)]\n");
	free(got);
	buf_free(&cmd);
}

UNIT_TEST(a_filter_is_one_word_whatever_it_holds)
{
	capture_options o = {.seconds = 2.5, .snaplen = 96, .sudo = false,
	.filter = "port 53 or host 'x' and \"$HOME\" `id` \\ ; !"};
	tm_buf		cmd;
	char	   *got;

	buf_init(&cmd, 1 << 16);
	CHECK_INT(capture_command(&o, &cmd), TM_OK);
	got = run_remote(buf_str(&cmd), "fd00::1 4000 fd00::2 2222");
	CHECK(got != NULL);
	if (got != NULL)
		CHECK_STR(got,
				  "[--preserve-status]\n[-s]\n[INT]\n[2.5]\n[tcpdump]\n"
				  "[-i]\n[any]\n[--immediate-mode]\n[-U]\n[-w]\n[-]\n[-s]\n[96]\n[-n]\n"
				  "[( port 53 or host 'x' and \"$HOME\" `id` \\ ; ! ) and "
				  "not (host fd00::1 and host fd00::2 and tcp port 4000 and tcp port 2222)]\n");
	free(got);
	/* Without SSH_CONNECTION the clause still parses. */
	got = run_remote(buf_str(&cmd), NULL);
	CHECK(got != NULL && strstr(got, "not (host 0.0.0.0 and host 0.0.0.0 and tcp port 0 and tcp port 0)") != NULL);
	free(got);
	buf_free(&cmd);
}

UNIT_TEST(filters_are_checked_with_libpcap)
{
	capture_options o = {.seconds = 1, .snaplen = 128, .sudo = true};

	o.filter = NULL;
	CHECK_INT(capture_filter_check(&o), TM_OK);
	o.filter = "tcp port 80 or udp";
	CHECK_INT(capture_filter_check(&o), TM_OK);
	o.filter = "not port 22";
	CHECK_INT(capture_filter_check(&o), TM_OK);
	o.filter = "tcp port eighty";
	CHECK_INT(capture_filter_check(&o), TM_ERR_USAGE);
	o.filter = "port 80 and";
	CHECK_INT(capture_filter_check(&o), TM_ERR_USAGE);
}

UNIT_TEST(quoting)
{
	tm_buf		b;

	buf_init(&b, 1024);
	CHECK_INT(sh_quote(&b, "it's"), TM_OK);
	CHECK_STR(buf_str(&b), "'it'\\''s'");
	buf_reset(&b);
	CHECK_INT(sh_quote(&b, ""), TM_OK);
	CHECK_STR(buf_str(&b), "''");
	buf_free(&b);
}

UNIT_MAIN(
		  UNIT_ENTRY(words_on_the_host),
		  UNIT_ENTRY(a_filter_is_one_word_whatever_it_holds),
		  UNIT_ENTRY(filters_are_checked_with_libpcap),
		  UNIT_ENTRY(quoting)
)
