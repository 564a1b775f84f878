/*
 * dissect_null.c - BSD loopback: DLT_NULL, whose 4-byte address family is in the byte
 * order of the machine that wrote the capture, and OpenBSD's DLT_LOOP, where it is in
 * network byte order.
 *
 *   +------------------------------+-----------
 *   | address family (4)           | IP packet ...
 *   +------------------------------+-----------
 *
 * AF_INET is 2 everywhere; AF_INET6 is 24 (NetBSD, OpenBSD), 28 (FreeBSD) or 30 (macOS).
 */
#include "dissect.h"

#define NULL_HDRLEN 4

enum
{
	BSD_AF_INET = 2,
	BSD_AF_INET6_BSD = 24,
	BSD_AF_INET6_FREEBSD = 28,
	BSD_AF_INET6_DARWIN = 30
};

tm_dissect_outcome
null_dissect(tm_cursor *c, bool network_order, tm_flowinfo *out)
{
	tm_dissect_outcome r;
	uint32_t	family;

	r = dis_need(c, NULL_HDRLEN);
	if (r != DIS_OK)
		return r;
	family = dis_be32(c, 0);
	/* Host byte order: a little-endian writer puts the small number in the first byte. */
	if (!network_order && family > 0xffff)
		family = dis_le32(c, 0);
	dis_advance(c, NULL_HDRLEN);
	switch (family)
	{
		case BSD_AF_INET:
			return ip_dissect(c, out);
		case BSD_AF_INET6_BSD:
		case BSD_AF_INET6_FREEBSD:
		case BSD_AF_INET6_DARWIN:
			return ip6_dissect(c, out);
		default:
			return DIS_NOT_IP;
	}
}
