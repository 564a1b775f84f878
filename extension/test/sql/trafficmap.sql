-- The library loads and agrees with the installed SQL objects.
SELECT trafficmap.trafficmap_version() = extversion AS library_matches_sql
  FROM pg_extension WHERE extname = 'trafficmap';

SELECT nspname, extrelocatable
  FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace
 WHERE extname = 'trafficmap';

-- The extension cannot be moved: its objects refer to the schema by name.
ALTER EXTENSION trafficmap SET SCHEMA public;
