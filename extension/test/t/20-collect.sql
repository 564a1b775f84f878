-- pgTAP: the collection tables keep their contract, keep their rows in pg_dump, and refuse
-- statuses and figures that cannot be.
BEGIN;
CREATE EXTENSION IF NOT EXISTS pgtap;
CREATE EXTENSION IF NOT EXISTS trafficmap CASCADE;
SET search_path TO trafficmap, public;
SELECT plan(11);

SELECT columns_are('trafficmap', 'collect_hosts', ARRAY[
	'run_id', 'host', 'address', 'status', 'detail', 'bytes', 'started', 'ended', 'capture_id'],
	'collect_hosts has its columns');
SELECT columns_are('trafficmap', 'host_stats', ARRAY[
	'run_id', 'host', 'uptime_s', 'load1', 'load5', 'load15', 'mem_total', 'mem_available',
	'collected_at'], 'host_stats has its columns');
SELECT ok(ARRAY['collect_hosts', 'host_stats']
	<@ (SELECT array_agg(c::regclass::text) FROM pg_extension, unnest(extconfig) c WHERE extname = 'trafficmap'),
	'collect_hosts and host_stats are registered with pg_extension_config_dump');

INSERT INTO collect_runs (id) VALUES (1);
SELECT lives_ok($$
	INSERT INTO collect_hosts (run_id, host, address, status, started, ended)
	SELECT 1, 'h' || s, '10.0.0.1', s, now(), now()
	  FROM unnest(ARRAY['ok', 'unreachable', 'timeout', 'hostkey-unknown', 'hostkey-mismatch',
		'auth-failed', 'sudo-failed', 'tcpdump-missing', 'truncated']) s$$,
	'every status the issue lists is accepted');
SELECT throws_ok($$INSERT INTO collect_hosts (run_id, host, status, started, ended)
	VALUES (1, 'x', 'failed', now(), now())$$, '23514', NULL, 'other statuses are refused');
SELECT throws_ok($$INSERT INTO collect_hosts (run_id, host, status, started, ended)
	VALUES (1, 'hok', 'ok', now(), now())$$, '23505', NULL, 'a host appears once per run');
SELECT throws_ok($$INSERT INTO collect_hosts (run_id, host, status, started, ended)
	VALUES (2, 'y', 'ok', now(), now())$$, '23503', NULL, 'the run must exist');
SELECT throws_ok($$INSERT INTO collect_hosts (run_id, host, status, started, ended)
	VALUES (1, 'z', 'ok', now(), now() - interval '1 s')$$, '23514', NULL, 'a host cannot end before it started');

SELECT lives_ok($$INSERT INTO host_stats VALUES (1, 'hok', 2503.82, 0.66, 0.33, 0.16,
	25276502016, NULL, now())$$, 'stats without MemAvailable (old kernels) are accepted');
SELECT throws_ok($$INSERT INTO host_stats VALUES (1, 'hx', 1, -0.5, 0, 0, 1, 1, now())$$,
	'23514', NULL, 'a negative load is refused');
SELECT throws_ok($$INSERT INTO host_stats VALUES (1, 'hok', 1, 0, 0, 0, 1, 1, now())$$,
	'23505', NULL, 'a host has one stats row per run');

SELECT * FROM finish();
ROLLBACK;
