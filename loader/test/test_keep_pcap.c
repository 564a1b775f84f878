/*
 * test_keep_pcap.c - what --keep-pcap writes is a gzip file that gzip itself decompresses to
 * exactly the bytes given, in any chunking; files are new and private.
 */
#include "unit.h"

#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../src/keep_pcap.h"

/* gzip -dc, the independent reader, into out; returns the byte count or -1. */
static long
gunzip(const char *path, unsigned char *out, size_t size)
{
	char		cmd[600];
	FILE	   *p;
	size_t		n;

	snprintf(cmd, sizeof(cmd), "gzip -dc '%s'", path);
	p = popen(cmd, "r");
	if (p == NULL)
		return -1;
	n = fread(out, 1, size, p);
	if (pclose(p) != 0)
		return -1;
	return (long) n;
}

UNIT_TEST(gzip_reads_back_every_byte)
{
	char		dir[] = "/tmp/tm-test-keep.XXXXXX";
	static unsigned char in[300000];
	static unsigned char out[400000];
	char		path[256];
	keep_pcap  *k = NULL;
	size_t		off = 0;
	size_t		step = 1;
	size_t		i;
	struct stat st;

	CHECK(mkdtemp(dir) != NULL);
	srand(7);
	for (i = 0; i < sizeof(in); i++)
		in[i] = (unsigned char) (i % 251 < 100 ? (size_t) rand() : i % 7);
	CHECK_INT(keep_pcap_open(dir, 42, "fd00::1%eth0", &k), TM_OK);
	if (k == NULL)
		return;
	CHECK_STR(keep_pcap_path(k) + strlen(dir), "/run42-fd00__1_eth0.pcap.gz");
	snprintf(path, sizeof(path), "%s", keep_pcap_path(k));
	while (off < sizeof(in))
	{
		size_t		n = step < sizeof(in) - off ? step : sizeof(in) - off;

		CHECK_INT(keep_pcap_write(k, in + off, n), TM_OK);
		off += n;
		step = step * 3 % 70001 + 1;
	}
	CHECK_INT(keep_pcap_close(k), TM_OK);
	CHECK_INT(gunzip(path, out, sizeof(out)), sizeof(in));
	CHECK(memcmp(in, out, sizeof(in)) == 0);
	CHECK(stat(path, &st) == 0 && (st.st_mode & 0777) == 0600);
	/* A second stream of the same run and host never overwrites the first. */
	CHECK_INT(keep_pcap_open(dir, 42, "fd00::1%eth0", &k), TM_ERR_IO);
	unlink(path);
	rmdir(dir);
}

UNIT_TEST(an_empty_stream_is_a_valid_empty_file)
{
	char		dir[] = "/tmp/tm-test-keep.XXXXXX";
	unsigned char out[16];
	char		path[256];
	keep_pcap  *k = NULL;

	CHECK(mkdtemp(dir) != NULL);
	CHECK_INT(keep_pcap_open(dir, 1, "10.0.0.1", &k), TM_OK);
	if (k == NULL)
		return;
	snprintf(path, sizeof(path), "%s", keep_pcap_path(k));
	CHECK_INT(keep_pcap_close(k), TM_OK);
	CHECK_INT(gunzip(path, out, sizeof(out)), 0);
	unlink(path);
	rmdir(dir);
}

UNIT_MAIN(
		  UNIT_ENTRY(gzip_reads_back_every_byte),
		  UNIT_ENTRY(an_empty_stream_is_a_valid_empty_file)
)
