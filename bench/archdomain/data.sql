-- 1M service names of a realistic shape, the same every run (setseed): 2 to 6 labels under
-- a few hundred distinct prefixes chosen with a skew (a few services are most of a fleet).
-- Labels avoid '-' because PostgreSQL 15's ltree does not accept it.
SELECT setseed(0.4242) AS seeded \gset
CREATE TABLE bench_prefix AS
WITH tops(t, i) AS (
	SELECT * FROM unnest(ARRAY['online', 'offline', 'infra', 'data', 'ml', 'payments', 'search', 'ads']) WITH ORDINALITY
), mids(m, j) AS (
	SELECT * FROM unnest(ARRAY['frontend', 'midtier', 'backend', 'storage', 'cache', 'queue', 'batch',
		'stream', 'index', 'serving', 'training', 'ingest', 'export', 'auth', 'billing', 'ledger',
		'gateway', 'router', 'monitor', 'logging', 'metrics', 'scheduler', 'registry', 'mailer', 'crawler']) WITH ORDINALITY
), subs(s, k) AS (
	SELECT * FROM unnest(ARRAY['eu', 'us', 'ap', 'canary', 'blue', 'green', 'v1', 'v2']) WITH ORDINALITY
), p AS (
	SELECT t || '/' || m AS prefix, i * 100 + j AS ord FROM tops, mids
	UNION ALL
	SELECT t || '/' || m || '/' || s, i * 100 + j + k * 10000 FROM tops, mids, subs WHERE (i + j + k) % 16 = 0
)
SELECT row_number() OVER (ORDER BY md5(prefix)) - 1 AS id, prefix FROM p;

CREATE TABLE bench_src AS
WITH r AS (
	SELECT floor((SELECT count(*) FROM bench_prefix) * power(random(), 2))::int AS pid,
	       floor(random() * 4)::int AS extra, random() AS r1, random() AS r2, random() AS r3, g
	  FROM generate_series(1, 1000000) g
)
SELECT r.g AS id, p.prefix
	|| CASE WHEN extra >= 1 THEN '/' || (ARRAY['api', 'worker', 'db', 'web', 'proxy', 'cron', 'replica', 'primary', 'sidecar', 'admin', 'grpc', 'rest'])[1 + floor(r1 * 12)::int] ELSE '' END
	|| CASE WHEN extra >= 2 THEN '/shard' || lpad(floor(r2 * 32)::int::text, 2, '0') ELSE '' END
	|| CASE WHEN extra >= 3 THEN '/n' || floor(r3 * 200)::int ELSE '' END
	AS name
  FROM r JOIN bench_prefix p ON p.id = r.pid
 ORDER BY r.g;
