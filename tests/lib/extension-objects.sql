-- Every object of the trafficmap extension with its definition, one line each, sorted:
-- two databases whose outputs are equal have the same extension objects.
WITH members AS (
	SELECT d.classid, d.objid
	  FROM pg_depend d JOIN pg_extension e ON e.oid = d.refobjid
	 WHERE d.refclassid = 'pg_extension'::regclass AND d.deptype = 'e'
	   AND e.extname = 'trafficmap'
)
SELECT line FROM (
	SELECT pg_describe_object(classid, objid, 0) AS line FROM members
	UNION ALL
	SELECT 'function ' || p.oid::regprocedure || ': ' || md5(pg_get_functiondef(p.oid))
	  FROM members m JOIN pg_proc p ON m.classid = 'pg_proc'::regclass AND p.oid = m.objid
	 WHERE p.prokind <> 'a'
	UNION ALL
	SELECT 'column ' || a.attrelid::regclass || '.' || a.attname || ' ' || format_type(a.atttypid, a.atttypmod)
	       || CASE WHEN a.attnotnull THEN ' not null' ELSE '' END
	       || coalesce(' default ' || pg_get_expr(ad.adbin, ad.adrelid), '')
	  FROM members m JOIN pg_attribute a ON m.classid = 'pg_class'::regclass AND a.attrelid = m.objid
	  LEFT JOIN pg_attrdef ad ON ad.adrelid = a.attrelid AND ad.adnum = a.attnum
	 WHERE a.attnum > 0 AND NOT a.attisdropped
	UNION ALL
	SELECT 'constraint ' || c.conrelid::regclass || ' ' || c.conname || ': ' || pg_get_constraintdef(c.oid)
	  FROM members m JOIN pg_constraint c ON m.classid = 'pg_class'::regclass AND c.conrelid = m.objid
	UNION ALL
	SELECT 'index ' || pg_get_indexdef(i.indexrelid)
	  FROM members m JOIN pg_index i ON m.classid = 'pg_class'::regclass AND i.indrelid = m.objid
	UNION ALL
	SELECT 'view ' || c.oid::regclass || ': ' || md5(pg_get_viewdef(c.oid))
	  FROM members m JOIN pg_class c ON m.classid = 'pg_class'::regclass AND c.oid = m.objid
	 WHERE c.relkind IN ('v', 'm')
	UNION ALL
	SELECT 'comment ' || pg_describe_object(m.classid, m.objid, 0) || ': ' || md5(d.description)
	  FROM members m JOIN pg_description d ON d.classoid = m.classid AND d.objoid = m.objid AND d.objsubid = 0
	UNION ALL
	SELECT 'config ' || unnest(e.extconfig)::regclass FROM pg_extension e WHERE e.extname = 'trafficmap'
) s
ORDER BY line;
