/*
 * test_csv.c - RFC 4180 records: quotes, embedded commas and newlines, CRLF, comments, and
 * bad records reported at their line while reading goes on.
 */
#include "unit.h"

#include "../src/csv.h"
#include "../src/csvtable.h"

/* Read every record of text; returns the number of good ones, fields of record k in out. */
static int
read_all(const char *text, tm_problems *p, int k, char out[][64], int *nfields, long *line)
{
	csv_reader	r;
	csv_record	rec;
	bool		done = false;
	int			good = 0;
	int			i;

	csv_init(&r, text, strlen(text));
	for (;;)
	{
		tm_result	res = csv_next(&r, p, &rec, &done);

		if (done)
			break;
		if (res != TM_OK)
			continue;
		if (good == k)
		{
			*nfields = rec.n;
			*line = rec.line;
			for (i = 0; i < rec.n && i < 8; i++)
				snprintf(out[i], 64, "%s", rec.field[i]);
		}
		good++;
	}
	csv_free(&r);
	return good;
}

UNIT_TEST(quoted_fields)
{
	tm_problems p;
	char		f[8][64];
	int			n = 0;
	long		line = 0;

	problems_init(&p, "t.csv");
	p.silent = true;
	CHECK_INT(read_all("a,b\n \"x, y\" , \"say \"\"hi\"\"\",\"two\nlines\"\r\nlast,  spaced  \n", &p, 1, f, &n, &line), 3);
	CHECK_INT(p.errors, 0);
	CHECK_INT(n, 3);
	CHECK_INT(line, 2);
	CHECK_STR(f[0], "x, y");
	CHECK_STR(f[1], "say \"hi\"");
	CHECK_STR(f[2], "two\nlines");
	CHECK_INT(read_all("a,b\n \"x, y\" , \"say \"\"hi\"\"\",\"two\nlines\"\r\nlast,  spaced  \n", &p, 2, f, &n, &line), 3);
	CHECK_INT(line, 4);
	CHECK_STR(f[1], "spaced");
}

UNIT_TEST(skips_bom_blank_and_comment_lines)
{
	tm_problems p;
	char		f[8][64];
	int			n = 0;
	long		line = 0;

	problems_init(&p, "t.csv");
	p.silent = true;
	CHECK_INT(read_all("\xEF\xBB\xBF# comment\n\n   \nname,x\n", &p, 0, f, &n, &line), 1);
	CHECK_STR(f[0], "name");
	CHECK_INT(line, 4);
	CHECK_INT(read_all("a,,\n", &p, 0, f, &n, &line), 1);
	CHECK_INT(n, 3);
	CHECK_STR(f[1], "");
	CHECK_INT(p.errors, 0);
}

UNIT_TEST(bad_records_are_skipped_and_counted)
{
	tm_problems p;
	char		f[8][64];
	int			n = 0;
	long		line = 0;

	problems_init(&p, "t.csv");
	p.silent = true;
	/* a quote in an unquoted field, text after a closing quote, bad UTF-8: three bad lines */
	CHECK_INT(read_all("ok,1\nab\"c,2\n\"x\"y,3\n\xff\xfe,4\nfine,5\n", &p, 1, f, &n, &line), 2);
	CHECK_INT(p.errors, 3);
	CHECK_STR(f[0], "fine");
	CHECK_INT(line, 5);
	problems_init(&p, "t.csv");
	p.silent = true;
	CHECK_INT(read_all("ok,1\n\"never closed,2\nmore\n", &p, 0, f, &n, &line), 1);
	CHECK_INT(p.errors, 1);
}

UNIT_TEST(value_kinds)
{
	char		life[] = "On-Demand";
	char		bad[] = "preemptible";
	char		price[] = "0.096";
	char		noprice[] = "$1";
	char		num[] = "-5";
	const char *why;

	CHECK(csvtable_check(CT_LIFECYCLE, life, &why));
	CHECK_STR(life, "on-demand");
	CHECK(!csvtable_check(CT_LIFECYCLE, bad, &why));
	CHECK(why != NULL);
	CHECK(csvtable_check(CT_PRICE, price, &why));
	CHECK(!csvtable_check(CT_PRICE, noprice, &why));
	CHECK(csvtable_check(CT_INT, num, &why));
}

static const csvtable_column price_columns[] = {
	{"instance_type", true, CT_TEXT},
	{"region", false, CT_TEXT},
	{"lifecycle", false, CT_LIFECYCLE},
	{"price", true, CT_PRICE},
};

UNIT_TEST(table_with_and_without_header)
{
	csvtable	t;
	tm_problems p;

	problems_init(&p, "prices.csv");
	p.silent = true;
	csvtable_init(&t, price_columns, 4);
	CHECK_INT(csvtable_parse(&t, "price,instance_type\n0.1,m5.large\n", strlen("price,instance_type\n0.1,m5.large\n"), &p), TM_OK);
	CHECK_INT(csvtable_nrows(&t), 1);
	CHECK_STR(csvtable_row_at(&t, 0)->value[0], "m5.large");
	CHECK(csvtable_row_at(&t, 0)->value[1] == NULL);
	CHECK_STR(csvtable_row_at(&t, 0)->value[3], "0.1");
	CHECK_INT(csvtable_row_at(&t, 0)->line, 2);
	csvtable_free(&t);

	csvtable_init(&t, price_columns, 4);
	CHECK_INT(csvtable_parse(&t, "m5.large,us-east-1,spot,0.03\nc5.xlarge,,,x\n", strlen("m5.large,us-east-1,spot,0.03\nc5.xlarge,,,x\n"), &p), TM_ERR_FORMAT);
	CHECK_INT(p.errors, 1);
	CHECK_INT(csvtable_nrows(&t), 1);
	csvtable_free(&t);

	problems_init(&p, "prices.csv");
	p.silent = true;
	csvtable_init(&t, price_columns, 4);
	CHECK_INT(csvtable_parse(&t, "instance_type,colour\n", strlen("instance_type,colour\n"), &p), TM_ERR_FORMAT);
	CHECK_INT(p.errors, 2);		/* unknown column, and the required price is missing */
	csvtable_free(&t);
}

UNIT_MAIN(UNIT_ENTRY(quoted_fields), UNIT_ENTRY(skips_bom_blank_and_comment_lines),
		  UNIT_ENTRY(bad_records_are_skipped_and_counted), UNIT_ENTRY(value_kinds),
		  UNIT_ENTRY(table_with_and_without_header))
