-- pgTAP: graph_json's and graph_diff_json's parameters: their names and defaults, and bad values
-- raise errors that name the parameter (SQLSTATE 22023, invalid_parameter_value).
BEGIN;
CREATE EXTENSION IF NOT EXISTS pgtap;
CREATE EXTENSION IF NOT EXISTS trafficmap CASCADE;
SET search_path TO trafficmap, public;
SET timezone = 'UTC';
SELECT plan(27);

SELECT is(pg_get_function_arguments('trafficmap.graph_json'::regproc),
	'since timestamp with time zone DEFAULT NULL::timestamp with time zone, '
	'until timestamp with time zone DEFAULT NULL::timestamp with time zone, '
	'capture_ids bigint[] DEFAULT NULL::bigint[], "grouping" text DEFAULT ''cluster''::text, '
	'depth integer DEFAULT 2, hide_classes text[] DEFAULT ''{monitoring}''::text[], '
	'omit_archdomains text[] DEFAULT NULL::text[], omit_envs text[] DEFAULT NULL::text[], '
	'min_bytes bigint DEFAULT 0, collapse_unknown boolean DEFAULT false, '
	'resolve_at text DEFAULT ''capture''::text',
	'graph_json: the named parameters and defaults of the issue');
SELECT is(pg_get_function_result('trafficmap.graph_json'::regproc), 'jsonb', 'graph_json returns jsonb');
SELECT is(pg_get_function_arguments('trafficmap.graph_diff_json'::regproc),
	'a tstzrange, b tstzrange, "grouping" text DEFAULT ''cluster''::text, depth integer DEFAULT 2, '
	'hide_classes text[] DEFAULT ''{monitoring}''::text[], omit_archdomains text[] DEFAULT NULL::text[], '
	'omit_envs text[] DEFAULT NULL::text[], min_bytes bigint DEFAULT 0, '
	'collapse_unknown boolean DEFAULT false, resolve_at text DEFAULT ''capture''::text',
	'graph_diff_json: two windows, then graph_json''s options');

-- A capture, so the checks run against a real window.
INSERT INTO captures (id, source, sha256, link_types, snaplen, started, ended, packets, bytes,
                      skipped_packets, skipped_not_ip, skipped_truncated, skipped_malformed,
                      skipped_duplicate, status)
VALUES (1, 'a.pcap', repeat('a', 64), '{EN10MB}', 0, '2024-05-01 12:00', '2024-05-01 12:01', 1, 60, 0, 0, 0, 0, 0, 'complete');
INSERT INTO traffic VALUES (1, 'udp', '192.0.2.1', '192.0.2.2', 53, 1, 1, 60, 0, 0,
                            '2024-05-01 12:00', '2024-05-01 12:00', 0, 0, 0);

SELECT is(graph_json(), graph_json(since => '2024-05-01', until => '2024-05-02', "grouping" => 'cluster', depth => 2,
                                   hide_classes => '{monitoring}', omit_archdomains => NULL, omit_envs => NULL,
                                   min_bytes => 0, collapse_unknown => false, resolve_at => 'capture'),
          'graph_json() is graph_json with every default written out (the window: the latest UTC day)');
SELECT is(graph_json(since => '2024-05-01')->'meta'->>'until', 'infinity', 'since alone: open until');
SELECT is(graph_json(until => '2024-05-02')->'meta'->>'since', '-infinity', 'until alone: open since');
SELECT is(jsonb_array_length(graph_json(since => '2024-05-01 12:00:00.000001')->'links'), 0,
          'the window is on captures.started, since included');
SELECT is(jsonb_array_length(graph_json(until => '2024-05-01 12:00')->'links'), 0, 'until excluded');
SELECT is(graph_json(since => '2020-01-01', until => '2020-01-02')->'meta'->'captures', '0'::jsonb,
          'an empty window is an empty map');

SELECT throws_ok($$SELECT graph_json("grouping" => 'hosts')$$, '22023',
                 'invalid value for parameter grouping: ''hosts''', 'an unknown grouping is an error naming grouping');
SELECT throws_ok($$SELECT graph_json("grouping" => NULL)$$, '22023',
                 'invalid value for parameter grouping: NULL', 'grouping NULL');
SELECT throws_ok($$SELECT graph_json(depth => 0)$$, '22023', 'invalid value for parameter depth: 0', 'depth 0');
SELECT throws_ok($$SELECT graph_json(hide_classes => '{monitoring,chatter}')$$, '22023',
                 'invalid value for parameter hide_classes: unknown class ''chatter''', 'an unknown class');
SELECT throws_ok($$SELECT graph_json(omit_archdomains => '{online/*/s?arch}')$$, '22023',
                 'invalid value for parameter omit_archdomains: online/*/s?arch is not an archdomain pattern',
                 'a bad glob names omit_archdomains');
SELECT throws_ok($$SELECT graph_json(omit_archdomains => '{/online/(/}')$$, '22023',
                 'invalid value for parameter omit_archdomains: /online/(/ is not a regular expression',
                 'a bad regular expression names omit_archdomains');
SELECT throws_ok($$SELECT graph_json(omit_envs => '{/[/}')$$, '22023',
                 'invalid value for parameter omit_envs: /[/ is not a regular expression', 'omit_envs too');
SELECT throws_ok($$SELECT graph_json(omit_envs => ARRAY[NULL])$$, '22023',
                 'invalid value for parameter omit_envs: a pattern is NULL', 'a NULL pattern');
SELECT throws_ok($$SELECT graph_json(min_bytes => -1)$$, '22023', 'invalid value for parameter min_bytes: -1', 'min_bytes < 0');
SELECT throws_ok($$SELECT graph_json(resolve_at => 'yesterday')$$, '22023',
                 'invalid value for parameter resolve_at: ''yesterday''', 'resolve_at');
SELECT throws_ok($$SELECT graph_json(collapse_unknown => NULL)$$, '22023',
                 'invalid value for parameter collapse_unknown: NULL', 'collapse_unknown NULL');
SELECT throws_ok($$SELECT graph_json(since => '2024-05-02', until => '2024-05-01')$$, '22023',
                 'invalid value for parameter until: 2024-05-01 00:00:00+00 is not after since (2024-05-02 00:00:00+00)',
                 'until before since');
SELECT throws_ok($$SELECT graph_json(capture_ids => '{1}', since => '2024-05-01')$$, '22023',
                 'invalid value for parameter capture_ids: given with since or until', 'capture_ids with a window');
SELECT throws_ok($$SELECT graph_json(capture_ids => '{1,77,78}')$$, '22023',
                 'invalid value for parameter capture_ids: no capture 77, 78', 'captures that do not exist');
SELECT throws_ok($$SELECT graph_json(capture_ids => '{}')$$, '22023',
                 'invalid value for parameter capture_ids: empty or with NULLs', 'no captures');
SELECT throws_ok($$SELECT graph_diff_json('[2024-05-01,2024-05-01)', '[2024-05-01,2024-05-02)')$$, '22023',
                 'invalid value for parameter a: empty', 'an empty window a');
SELECT throws_ok($$SELECT graph_diff_json('[2024-05-01,2024-05-02)', '(2024-05-01,2024-05-02]')$$, '22023',
                 'invalid value for parameter b: ("2024-05-01 00:00:00+00","2024-05-02 00:00:00+00"]',
                 'a window b that is not [since, until)');
SELECT throws_ok($$SELECT graph_diff_json('[2024-05-01,2024-05-02)', '[2024-05-01,2024-05-02)', "grouping" => 'x')$$,
                 '22023', 'invalid value for parameter grouping: ''x''', 'graph_diff_json checks graph_json''s options');

SELECT * FROM finish();
ROLLBACK;
