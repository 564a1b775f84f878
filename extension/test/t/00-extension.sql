-- pgTAP: the extension installs into its own schema, and everything a user sees is commented.
BEGIN;
CREATE EXTENSION IF NOT EXISTS pgtap;
CREATE EXTENSION IF NOT EXISTS trafficmap CASCADE;
SELECT plan(6);

SELECT has_extension('trafficmap', 'trafficmap is installed');
SELECT has_schema('trafficmap', 'schema trafficmap exists');
SELECT has_function('trafficmap', 'trafficmap_version', 'trafficmap_version() exists');

CREATE TEMP VIEW members AS
	SELECT d.classid, d.objid
	  FROM pg_depend d JOIN pg_extension e ON e.oid = d.refobjid
	 WHERE d.refclassid = 'pg_extension'::regclass AND d.deptype = 'e' AND e.extname = 'trafficmap';

-- Functions a user calls by name; type I/O, index, aggregate and operator support are not.
SELECT is_empty(
	$$SELECT p.oid::regprocedure::text FROM members m JOIN pg_proc p ON p.oid = m.objid
	   WHERE m.classid = 'pg_proc'::regclass AND obj_description(p.oid, 'pg_proc') IS NULL
	     AND NOT EXISTS (SELECT FROM pg_type t WHERE p.oid IN (t.typinput, t.typoutput, t.typreceive, t.typsend, t.typanalyze, t.typsubscript))
	     AND NOT EXISTS (SELECT FROM pg_amproc a WHERE a.amproc = p.oid)
	     AND NOT EXISTS (SELECT FROM pg_aggregate g WHERE p.oid IN (g.aggtransfn, g.aggfinalfn, g.aggcombinefn, g.aggserialfn, g.aggdeserialfn, g.aggmtransfn, g.aggminvtransfn, g.aggmfinalfn))
	     AND NOT EXISTS (SELECT FROM pg_operator o WHERE p.oid IN (o.oprcode, o.oprrest, o.oprjoin))
	     AND p.prorettype <> 'trigger'::regtype$$,
	'every function a user calls has a COMMENT');

SELECT is_empty(
	$$SELECT o.oid::regoperator::text FROM members m JOIN pg_operator o ON o.oid = m.objid
	   WHERE m.classid = 'pg_operator'::regclass AND obj_description(o.oid, 'pg_operator') IS NULL$$,
	'every operator has a COMMENT');

SELECT is_empty(
	$$SELECT c.oid::regclass::text FROM members m JOIN pg_class c ON c.oid = m.objid
	   WHERE m.classid = 'pg_class'::regclass AND c.relkind IN ('r', 'v', 'm', 'p')
	     AND obj_description(c.oid, 'pg_class') IS NULL
	   UNION ALL
	  SELECT t.oid::regtype::text FROM members m JOIN pg_type t ON t.oid = m.objid
	   WHERE m.classid = 'pg_type'::regclass AND obj_description(t.oid, 'pg_type') IS NULL$$,
	'every table, view and type has a COMMENT');

SELECT * FROM finish();
ROLLBACK;
