/*
 * capfile.c - one loop per format, both ending in agg_packet.
 */
#include "capfile.h"

#include <pcap/pcap.h>
#include <string.h>

#include "msg.h"
#include "pcapng.h"

static void
set_truncated(tm_capfile_info *info, const char *why)
{
	if (info->truncated)
		return;
	info->truncated = true;
	snprintf(info->why, sizeof(info->why), "%s", why);
}

static void
tick_if_due(tm_progress *prog, tm_capfile_tick tick, void *arg)
{
	if (prog != NULL && tick != NULL && progress_due(prog))
		tick(arg);
}

/* pcap through libpcap, which owns fp from here on. */
static tm_result
read_pcap(FILE *fp, tm_capsrc *src, const char *name, tm_agg *agg, tm_capfile_info *info,
		  tm_progress *prog, tm_capfile_tick tick, void *arg)
{
	char		errbuf[PCAP_ERRBUF_SIZE];
	const char *why;
	pcap_t	   *p;
	struct pcap_pkthdr *hdr;
	const u_char *data;
	tm_packet	pkt;
	tm_result	r = TM_OK;
	int			rc;

	errbuf[0] = '\0';
	p = pcap_fopen_offline_with_tstamp_precision(fp, PCAP_TSTAMP_PRECISION_NANO, errbuf);
	if (p == NULL)
	{
		fclose(fp);
		if (capsrc_failed(src, &why))
		{
			errorf("%s: cannot read: %s", name, why);
			return TM_ERR_IO;
		}
		errorf("%s: not a pcap or pcapng capture (%s); nothing was loaded from it; give files as tcpdump -w or dumpcap write them", name, errbuf);
		return TM_ERR_FORMAT;
	}
	info->format = "pcap";
	info->linktypes[0] = pcap_datalink(p);
	info->nlinktypes = 1;
	info->snaplen = (uint32_t) pcap_snapshot(p);
	pkt.linktype = info->linktypes[0];
	pkt.ifindex = 0;
	for (;;)
	{
		rc = pcap_next_ex(p, &hdr, &data);
		if (rc != 1)
			break;
		pkt.ts_ns = (int64_t) ((uint64_t) hdr->ts.tv_sec * 1000000000ULL + (uint64_t) hdr->ts.tv_usec);
		pkt.caplen = hdr->caplen;
		pkt.len = hdr->len;
		pkt.data = data;
		r = agg_packet(agg, &pkt);
		if (r != TM_OK)
			break;
		tick_if_due(prog, tick, arg);
	}
	if (r == TM_OK && rc == PCAP_ERROR)
		set_truncated(info, pcap_geterr(p));
	pcap_close(p);
	return r;
}

/* pcapng, read here; fp is closed at the end. */
static tm_result
read_pcapng(FILE *fp, tm_capsrc *src, const char *name, tm_agg *agg, tm_capfile_info *info,
			tm_progress *prog, tm_capfile_tick tick, void *arg)
{
	tm_pcapng	ng;
	tm_packet	pkt;
	const char *why;
	tm_result	r;
	int			rc = 0;
	int			i;

	r = pcapng_open(&ng, fp);
	if (r != TM_OK)
	{
		if (capsrc_failed(src, &why))
		{
			errorf("%s: cannot read: %s", name, why);
			r = TM_ERR_IO;
		}
		else
			errorf("%s: not a pcap or pcapng capture (%s); nothing was loaded from it; give files as tcpdump -w or dumpcap write them", name, ng.err);
		goto out;
	}
	info->format = "pcapng";
	for (;;)
	{
		rc = pcapng_next(&ng, &pkt);
		if (rc != 1)
			break;
		r = agg_packet(agg, &pkt);
		if (r != TM_OK)
			break;
		tick_if_due(prog, tick, arg);
	}
	if (r == TM_OK && rc < 0)
		set_truncated(info, ng.err);
	for (i = 0; i < ng.nlinktypes && i < CAPFILE_MAX_LINKTYPES; i++)
		info->linktypes[i] = ng.linktypes[i];
	info->nlinktypes = i;
	info->snaplen = ng.unlimited ? 0 : ng.snaplen;
out:
	pcapng_close(&ng);
	fclose(fp);
	return r;
}

tm_result
capfile_read(tm_capsrc *src, const char *name, tm_agg *agg, tm_capfile_info *info,
			 tm_progress *prog, tm_capfile_tick tick, void *arg)
{
	FILE	   *fp;
	size_t		n;
	uint32_t	magic;
	const char *why;
	tm_result	r;

	memset(info, 0, sizeof(*info));
	magic = capsrc_magic(src, &n);
	if (n == 0 && !capsrc_failed(src, &why))
	{
		errorf("%s: is empty, not a pcap or pcapng capture; nothing was loaded from it", name);
		return TM_ERR_FORMAT;
	}
	fp = capsrc_stream(src);
	if (fp == NULL)
		return TM_ERR_IO;
	if (n == 4 && magic == PCAPNG_MAGIC)
		r = read_pcapng(fp, src, name, agg, info, prog, tick, arg);
	else
		r = read_pcap(fp, src, name, agg, info, prog, tick, arg);
	if (r == TM_OK && capsrc_failed(src, &why))
		set_truncated(info, why);
	return r;
}
