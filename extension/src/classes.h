/*-------------------------------------------------------------------------
 *
 * classes.h
 *	  The rules of trafficmap.traffic_classes, read once and matched in C
 *	  (traffic_class(), and the map's link aggregate).
 *
 *-------------------------------------------------------------------------
 */
#ifndef CLASSES_H
#define CLASSES_H

#include <sys/socket.h>

#include "utils/inet.h"

#include "archdomain.h"

/* The class of an edge no rule matches. */
#define TRAFFIC_CLASS_DEFAULT "application"

/* One row of traffic_classes, ready to match. */
typedef struct ClassRule
{
	text	   *name;
	char	   *proto;			/* NULL: any */
	int			nports;			/* -1: any port; else ranges [lo, hi) */
	int64	   *lo;
	int64	   *hi;
	bool		any_peer;		/* no peer_cidr */
	unsigned char family;
	int			bits;
	unsigned char addr[16];
	AdPattern  *pattern;		/* NULL: any archdomain */
} ClassRule;

typedef struct ClassRules
{
	int			nrules;
	ClassRule  *rules;			/* by priority, then name */
	text	   *fallback;		/* "application" */
} ClassRules;

/* The rules of traffic_classes as they are now (one SPI query), kept in cxt. */
extern ClassRules *class_rules_load(MemoryContext cxt);

/*
 * The name of the class of an edge: the first rule that matches, else
 * "application". proto may be NULL, server and ad too.
 */
extern const text *class_rules_match(const ClassRules *cr, const char *proto, size_t protolen,
									 bool have_port, int32 port, const inet *server,
									 const ArchDomain *ad);

#endif							/* CLASSES_H */
