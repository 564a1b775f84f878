-- pgTAP: the inventory tables keep their contract (the names the loader, reports and the EC2
-- source use), keep their rows in pg_dump, and the constraints that make ownership time-aware.
BEGIN;
CREATE EXTENSION IF NOT EXISTS pgtap;
CREATE EXTENSION IF NOT EXISTS trafficmap CASCADE;
SET search_path TO trafficmap, public;
SELECT plan(19);

SELECT columns_are('trafficmap', 'instances', ARRAY[
	'instance_id', 'source', 'region', 'az', 'vpc_id', 'private_ips', 'public_ips', 'name',
	'archdomain', 'env', 'tags', 'instance_type', 'lifecycle', 'hourly_price', 'state', 'launched',
	'first_seen', 'last_seen'], 'instances has its columns');
SELECT columns_are('trafficmap', 'ip_owners', ARRAY['address', 'instance_id', 'valid'], 'ip_owners has its columns');
SELECT columns_are('trafficmap', 'security_groups', ARRAY[
	'group_id', 'name', 'vpc_id', 'description', 'rules', 'archdomain', 'first_seen', 'last_seen'],
	'security_groups has its columns');
SELECT columns_are('trafficmap', 'instance_security_groups', ARRAY['instance_id', 'group_id', 'valid'],
	'instance_security_groups has its columns');
SELECT columns_are('trafficmap', 'prices', ARRAY['instance_type', 'region', 'lifecycle', 'price', 'as_of'],
	'prices has its columns');
SELECT columns_are('trafficmap', 'foreign_names', ARRAY['address', 'name', 'source', 'as_of'],
	'foreign_names has its columns');
SELECT columns_are('trafficmap', 'archdomain_aliases', ARRAY['pattern', 'replacement', 'priority'],
	'archdomain_aliases has its columns');
SELECT col_type_is('trafficmap', 'instances', 'archdomain', 'archdomain', 'instances.archdomain is an archdomain');
SELECT col_type_is('trafficmap', 'ip_owners', 'valid', 'tstzrange', 'ip_owners.valid is a tstzrange');
SELECT col_type_is('trafficmap', 'foreign_names', 'address', 'cidr', 'foreign_names.address is a cidr');
SELECT function_returns('trafficmap', 'owner_at', ARRAY['inet', 'timestamp with time zone'], 'text',
	'owner_at(inet, timestamptz) returns the instance_id');

SELECT ok(
	ARRAY['instances', 'ip_owners', 'security_groups', 'instance_security_groups',
	      'security_group_archdomains', 'prices', 'foreign_names', 'archdomain_aliases']::text[]
	<@ (SELECT array_agg(c::regclass::text) FROM pg_extension, unnest(extconfig) c WHERE extname = 'trafficmap'),
	'the inventory tables are registered with pg_extension_config_dump');
SELECT is((SELECT requires FROM pg_available_extension_versions WHERE name = 'trafficmap' AND version = '1.0'),
	ARRAY['btree_gist']::name[], 'trafficmap requires btree_gist');

INSERT INTO instances (instance_id, source, first_seen, last_seen)
	VALUES ('a', 'csv', '2024-01-01', '2024-01-01'), ('b', 'csv', '2024-01-01', '2024-01-01');
INSERT INTO security_groups (group_id, first_seen, last_seen) VALUES ('sg-1', '2024-01-01', '2024-01-01');
INSERT INTO ip_owners VALUES ('10.0.0.5', 'a', '[2024-01-01,2024-01-02)'), ('10.0.0.5', 'b', '[2024-01-02,)');
SELECT pass('owners of one address may follow each other');
SELECT throws_ok($$INSERT INTO ip_owners VALUES ('10.0.0.5', 'a', '[2024-01-03,2024-01-04)')$$,
	'23P01', NULL, 'one address has one owner at any instant');
SELECT throws_ok($$INSERT INTO ip_owners VALUES ('10.1.0.0/16', 'a', '[2024-01-03,)')$$,
	'23514', NULL, 'an owner owns a host address, not a network');
INSERT INTO instance_security_groups VALUES ('a', 'sg-1', '[2024-01-01,2024-01-02)');
SELECT throws_ok($$INSERT INTO instance_security_groups VALUES ('a', 'sg-1', '[2024-01-01 12:00,)')$$,
	'23P01', NULL, 'an instance is in a group once at any instant');
SELECT lives_ok($$INSERT INTO instance_security_groups VALUES ('b', 'sg-1', '[2024-01-01 12:00,)')$$,
	'other instances may be in the group at the same time');
SELECT throws_ok($$INSERT INTO prices VALUES ('m5.large', '', 'preemptible', 0.1, now())$$,
	'23514', NULL, 'a price has a known lifecycle');

SELECT * FROM finish();
ROLLBACK;
