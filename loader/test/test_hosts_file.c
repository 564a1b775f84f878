/*
 * test_hosts_file.c - every form of a hosts-file line, comments and blanks, and the errors
 * that name the line and say what to do.
 */
#include "unit.h"

#include "../src/hosts_file.h"

static tm_result
parse(const char *text, hosts_list *l, hosts_error *err)
{
	return hosts_parse(text, strlen(text), l, err);
}

UNIT_TEST(every_form)
{
	const char *text =
		"# fleet\n"
		"10.0.0.1\n"
		"  web-1.example.com   # trailing comment\n"
		"\n"
		"ops@10.0.0.2\n"
		"10.0.0.3:2222\r\n"
		"deploy_user@db.example.com:22\n"
		"fd00::5\n"
		"[fd00::6]:2200\n"
		"root@[fe80::1%eth0]\n"
		"\t\n"
		"last-without-newline";
	hosts_list	l;
	hosts_error err;

	CHECK_INT(parse(text, &l, &err), TM_OK);
	CHECK_INT(l.n, 9);
	if (l.n != 9)
		return;
	CHECK_STR(l.v[0].host, "10.0.0.1");
	CHECK(l.v[0].user == NULL);
	CHECK_INT(l.v[0].port, 0);
	CHECK_INT(l.v[0].line, 2);
	CHECK_STR(l.v[1].host, "web-1.example.com");
	CHECK_STR(l.v[2].user, "ops");
	CHECK_STR(l.v[2].host, "10.0.0.2");
	CHECK_STR(l.v[3].host, "10.0.0.3");
	CHECK_INT(l.v[3].port, 2222);
	CHECK_STR(l.v[4].user, "deploy_user");
	CHECK_STR(l.v[4].host, "db.example.com");
	CHECK_INT(l.v[4].port, 22);
	CHECK_STR(l.v[5].host, "fd00::5");
	CHECK_INT(l.v[5].port, 0);
	CHECK_STR(l.v[6].host, "fd00::6");
	CHECK_INT(l.v[6].port, 2200);
	CHECK_STR(l.v[7].user, "root");
	CHECK_STR(l.v[7].host, "fe80::1%eth0");
	CHECK_STR(l.v[8].host, "last-without-newline");
	CHECK_INT(l.v[8].line, 12);
	hosts_list_free(&l);
}

UNIT_TEST(empty_and_comment_only)
{
	hosts_list	l;
	hosts_error err;

	CHECK_INT(parse("", &l, &err), TM_OK);
	CHECK_INT(l.n, 0);
	CHECK_INT(parse("# nothing\n\n   \n#x y z\n", &l, &err), TM_OK);
	CHECK_INT(l.n, 0);
}

/* Each bad line fails with its line number and a message containing the given words. */
static void
bad(const char *text, int line, const char *words)
{
	hosts_list	l;
	hosts_error err;

	CHECK_INT(parse(text, &l, &err), TM_ERR_FORMAT);
	CHECK_INT(err.line, line);
	if (strstr(err.msg, words) == NULL)
	{
		printf("#   '%s': message '%s' lacks '%s'\n", text, err.msg, words);
		unit_current_failed = 1;
	}
	CHECK_INT(l.n, 0);
	CHECK(l.v == NULL);
}

UNIT_TEST(errors_name_the_line)
{
	bad("a\nb c\n", 2, "one host per line");
	bad("host:0\n", 1, "from 1 to 65535");
	bad("host:65536\n", 1, "from 1 to 65535");
	bad("host:-1\n", 1, "from 1 to 65535");
	bad("host:\n", 1, "from 1 to 65535");
	bad("host:22x\n", 1, "from 1 to 65535");
	bad("[fd00::1\n", 1, "no ']' closes");
	bad("[fd00::1]x\n", 1, "only ':PORT'");
	bad("[]:22\n", 1, "not a host name");
	bad("@host\n", 1, "not a user name");
	bad("-oProxyCommand=x\n", 1, "not a host name");
	bad("-u@host\n", 1, "not a user name");
	bad("us er@host\n", 1, "one host per line");
	bad("a/b\n", 1, "not a host name");
	bad("user@\n", 1, "not a host name");
	bad("x\nhost;rm\n", 2, "not a host name");
	bad("ok\n\nok\n", 3, "already listed on line 1");
	bad("u@h:22\nh:2222\nv@h:22\n", 3, "already listed on line 1");
	bad("h\nh:22\n", 2, "already listed on line 1");
}

UNIT_TEST(same_host_on_another_port_is_fine)
{
	hosts_list	l;
	hosts_error err;

	CHECK_INT(parse("h\nu@h:2222\nh:2223\n", &l, &err), TM_OK);
	CHECK_INT(l.n, 3);
	hosts_list_free(&l);
}

UNIT_TEST(limits)
{
	char		line[HOSTS_MAX_LINE + 3];
	hosts_list	l;
	hosts_error err;

	memset(line, 'a', sizeof(line) - 2);
	line[sizeof(line) - 2] = '\n';
	line[sizeof(line) - 1] = '\0';
	CHECK_INT(parse(line, &l, &err), TM_ERR_FORMAT);
	CHECK(strstr(err.msg, "longer than") != NULL);
	CHECK_INT(hosts_parse("a\0b\n", 4, &l, &err), TM_ERR_FORMAT);
	CHECK(strstr(err.msg, "NUL") != NULL);
}

UNIT_MAIN(
		  UNIT_ENTRY(every_form),
		  UNIT_ENTRY(empty_and_comment_only),
		  UNIT_ENTRY(errors_name_the_line),
		  UNIT_ENTRY(same_host_on_another_port_is_fine),
		  UNIT_ENTRY(limits)
)
