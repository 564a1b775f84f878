-- pgTAP: the capture tables keep their contract (names later issues use), keep their rows in
-- pg_dump, and refuse rows that would break the accounting.
BEGIN;
CREATE EXTENSION IF NOT EXISTS pgtap;
CREATE EXTENSION IF NOT EXISTS trafficmap CASCADE;
SET search_path TO trafficmap, public;
SELECT plan(19);

SELECT columns_are('trafficmap', 'captures', ARRAY[
	'id', 'run_id', 'source', 'capturing_host', 'sha256', 'link_types', 'snaplen', 'started',
	'ended', 'packets', 'bytes', 'skipped_packets', 'skipped_not_ip', 'skipped_truncated',
	'skipped_malformed', 'skipped_duplicate', 'status', 'loaded_at'], 'captures has its columns');
SELECT columns_are('trafficmap', 'traffic', ARRAY[
	'capture_id', 'proto', 'client', 'server', 'server_port', 'conns', 'c2s_packets', 'c2s_bytes',
	's2c_packets', 's2c_bytes', 'first_seen', 'last_seen', 'syns', 'fins', 'rsts'],
	'traffic has its columns');
SELECT columns_are('trafficmap', 'collect_runs', ARRAY[
	'id', 'name', 'started', 'ended', 'hosts', 'ok', 'failed'], 'collect_runs has its columns');
SELECT col_type_is('trafficmap', 'traffic', 'client', 'inet', 'traffic.client is inet');
SELECT col_type_is('trafficmap', 'traffic', 'c2s_bytes', 'bigint', 'traffic.c2s_bytes is bigint');
SELECT col_type_is('trafficmap', 'captures', 'started', 'timestamp with time zone', 'captures.started is timestamptz');

-- pg_dump keeps the data tables and their sequences.
SELECT ok(
	ARRAY['collect_runs', 'collect_runs_id_seq', 'captures', 'captures_id_seq', 'traffic']::text[]
	<@ (SELECT array_agg(c::regclass::text) FROM pg_extension, unnest(extconfig) c WHERE extname = 'trafficmap'),
	'data tables and sequences are registered with pg_extension_config_dump');

-- The hot table stays partitionable: no triggers (foreign keys are triggers) on traffic.
SELECT is_empty($$SELECT tgname FROM pg_trigger WHERE tgrelid = 'trafficmap.traffic'::regclass$$,
	'traffic has no triggers');

-- ... and its keys allow partitioning (and distribution) by capture_id.
SELECT lives_ok($$CREATE TABLE traffic_parts (LIKE trafficmap.traffic INCLUDING ALL)
	PARTITION BY HASH (capture_id)$$, 'a copy of traffic partitioned by capture_id keeps every key and check');
SELECT lives_ok($$CREATE TABLE traffic_part0 PARTITION OF traffic_parts FOR VALUES WITH (MODULUS 2, REMAINDER 0);
	CREATE TABLE traffic_part1 PARTITION OF traffic_parts FOR VALUES WITH (MODULUS 2, REMAINDER 1);
	INSERT INTO traffic_parts VALUES (1, 'tcp', '10.0.0.1', '10.0.0.2', 443, 1, 3, 180, 2, 120,
		'2024-01-01', '2024-01-01 00:00:01', 2, 2, 0),
		(2, 'tcp', '10.0.0.1', '10.0.0.2', 443, 1, 3, 180, 2, 120, '2024-01-01', '2024-01-01 00:00:01', 2, 2, 0)$$,
	'edges of two captures go to their partitions');

INSERT INTO captures (id, source, sha256, link_types, snaplen, started, ended, packets, bytes,
		skipped_packets, skipped_not_ip, skipped_truncated, skipped_malformed, skipped_duplicate, status)
	VALUES (1, 'h1', repeat('ab', 32), '{EN10MB}', 262144, '2024-01-01', '2024-01-01 00:01',
		10, 1000, 3, 1, 1, 1, 0, 'complete');
SELECT pass('a well-formed capture row is accepted');

SELECT throws_ok($$INSERT INTO captures (source, sha256, link_types, snaplen, packets, bytes,
		skipped_packets, skipped_not_ip, skipped_truncated, skipped_malformed, skipped_duplicate, status)
	VALUES ('h2', repeat('ab', 32), '{EN10MB}', 0, 0, 0, 0, 0, 0, 0, 0, 'complete')$$,
	'23505', NULL, 'the same capture bytes (sha256) cannot be stored twice');
SELECT throws_ok($$INSERT INTO captures (source, sha256, link_types, snaplen, packets, bytes,
		skipped_packets, skipped_not_ip, skipped_truncated, skipped_malformed, skipped_duplicate, status)
	VALUES ('h2', repeat('cd', 32), '{EN10MB}', 0, 0, 0, 0, 0, 0, 0, 0, 'partial')$$,
	'23514', NULL, 'status is complete or truncated');
SELECT throws_ok($$INSERT INTO captures (source, sha256, link_types, snaplen, packets, bytes,
		skipped_packets, skipped_not_ip, skipped_truncated, skipped_malformed, skipped_duplicate, status)
	VALUES ('h2', repeat('cd', 32), '{EN10MB}', 0, 5, 0, 2, 1, 0, 0, 0, 'complete')$$,
	'23514', NULL, 'skipped_packets is the sum of its reasons');
SELECT throws_ok($$INSERT INTO captures (source, sha256, link_types, snaplen, packets, bytes,
		skipped_packets, skipped_not_ip, skipped_truncated, skipped_malformed, skipped_duplicate, status)
	VALUES ('h2', 'not a hash', '{EN10MB}', 0, 0, 0, 0, 0, 0, 0, 0, 'complete')$$,
	'23514', NULL, 'sha256 is 64 lower-case hex digits');

INSERT INTO traffic VALUES (1, 'tcp', '10.0.0.1', '10.0.0.2', 443, 1, 3, 180, 2, 120,
	'2024-01-01', '2024-01-01 00:00:01', 2, 2, 0);
SELECT pass('a well-formed edge is accepted');
SELECT throws_ok($$INSERT INTO traffic VALUES (1, 'tcp', '10.0.0.1', '10.0.0.2', 443, 1, 3, 180, 2, 120,
	'2024-01-01', '2024-01-01 00:00:01', 2, 2, 0)$$,
	'23505', NULL, 'one row per edge per capture');
SELECT throws_ok($$INSERT INTO traffic VALUES (1, 'udp', '10.0.0.1', '10.0.0.2', 70000, 1, 3, 180, 2, 120,
	'2024-01-01', '2024-01-01 00:00:01', 0, 0, 0)$$,
	'23514', NULL, 'server_port is a port number');

INSERT INTO collect_runs (name) VALUES ('nightly');
SELECT throws_ok($$INSERT INTO collect_runs (name) VALUES ('nightly')$$, '23505', NULL,
	'run names are unique');

SELECT * FROM finish();
ROLLBACK;
