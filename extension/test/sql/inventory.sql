-- The inventory tables and functions: one owner per address at any instant, owner_at,
-- foreign names (file beats dns, longest prefix), prices, archdomain aliases, and applying
-- runs with time-aware ownership.
SET search_path = trafficmap, public;
SET timezone = 'UTC';

-- ip_owners: one owner per address at any instant, host addresses, ranges with a start.
INSERT INTO instances (instance_id, source, first_seen, last_seen) VALUES
	('a', 'csv', '2024-01-01', '2024-01-01'), ('b', 'csv', '2024-01-01', '2024-01-01');
INSERT INTO ip_owners VALUES ('10.0.0.5', 'a', '[2024-01-01,2024-01-02)');
INSERT INTO ip_owners VALUES ('10.0.0.5', 'b', '[2024-01-02,)');
INSERT INTO ip_owners VALUES ('10.0.0.5', 'b', '[2024-01-01 12:00,2024-01-03)');
INSERT INTO ip_owners VALUES ('2001:db8::5', 'a', '[2024-01-01,)');
INSERT INTO ip_owners VALUES ('10.0.0.0/24', 'a', '[2024-01-01,)');
INSERT INTO ip_owners VALUES ('10.0.0.6', 'a', '(,2024-01-01)');
INSERT INTO ip_owners VALUES ('10.0.0.7', 'nobody', '[2024-01-01,)');

SELECT owner_at('10.0.0.5', '2024-01-01 23:59:59') AS before_change,
       owner_at('10.0.0.5', '2024-01-02') AS at_change,
       owner_at('10.0.0.5', '2023-12-31') AS before_any,
       owner_at('10.0.0.5/24', '2030-01-01') AS with_netmask,
       owner_at('2001:db8::5', '2024-06-01') AS ipv6;
-- The same through the exclusion constraint's GiST index.
SET enable_seqscan = off;
EXPLAIN (COSTS OFF)
SELECT instance_id FROM ip_owners WHERE address = '10.0.0.5' AND valid @> '2024-01-02'::timestamptz;
SELECT owner_at('10.0.0.5', '2024-01-01 23:59:59'), owner_at('10.0.0.5', '2024-01-02'),
       owner_at('10.0.0.5', '2023-12-31');
RESET enable_seqscan;
TRUNCATE instances CASCADE;

-- foreign_name: a file name beats a dns name, then the longest prefix wins.
INSERT INTO foreign_names VALUES
	('10.0.0.0/8', 'corp', 'file', '2024-01-01'),
	('10.1.0.0/16', 'lab', 'file', '2024-01-01'),
	('10.1.2.3', 'host3.lab.example', 'dns', '2024-01-01'),
	('192.0.2.5', 'file-name', 'file', '2024-01-01'),
	('192.0.2.5', 'dns-name.example', 'dns', '2024-01-01'),
	('198.51.100.7', 'only-dns.example', 'dns', '2024-01-01'),
	('2001:db8::/32', 'docs-v6', 'file', '2024-01-01');
SELECT a, foreign_name(a)
  FROM (VALUES ('10.2.0.1'::inet), ('10.1.2.3'), ('10.1.9.9'), ('192.0.2.5'), ('198.51.100.7'),
               ('203.0.113.1'), ('2001:db8::1')) v(a);
INSERT INTO foreign_names VALUES ('10.0.0.0/8', 'again', 'file', '2024-01-01');
INSERT INTO foreign_names VALUES ('10.0.0.1/8', 'host bits', 'file', '2024-01-01');
TRUNCATE foreign_names;

-- price_at: exact region and lifecycle before "every"; the price in force at the time.
INSERT INTO prices VALUES
	('m5.large', '', '', 0.10, '2024-01-01'),
	('m5.large', 'us-east-1', 'on-demand', 0.096, '2024-01-01'),
	('m5.large', 'us-east-1', 'on-demand', 0.090, '2024-06-01'),
	('m5.large', '', 'spot', 0.03, '2024-01-01');
SELECT price_at('m5.large', 'us-east-1', 'on-demand', '2024-03-01') AS in_force,
       price_at('m5.large', 'us-east-1', 'on-demand', '2024-07-01') AS later,
       price_at('m5.large', 'eu-west-1', 'on-demand', '2024-03-01') AS every_region,
       price_at('m5.large', 'us-east-1', 'spot', '2024-03-01') AS spot_every_region,
       price_at('m5.large', 'us-east-1', 'on-demand', '2023-01-01') AS before_any,
       price_at('c5.large', 'us-east-1', 'on-demand', '2024-03-01') AS unknown_type,
       price_at('m5.large', NULL, NULL, '2024-03-01') AS no_region;
TRUNCATE prices;

-- archdomain_from_tag: sanitize, then the best alias (priority, literal labels, fewer **).
INSERT INTO archdomain_aliases VALUES
	('prod-online-search-v2/**', 'online/search', 0),
	('prod-online-search-v2/indexer', 'online/search/indexer', 10),
	('*/legacy', 'legacy', 0),
	('**/legacy', 'old', 0);
SELECT t, archdomain_from_tag(t)
  FROM (VALUES ('PROD-ONLINE-SEARCH-V2//Indexer/'), ('prod-online-search-v2'),
               ('prod-online-search-v2/query/x'), ('online/legacy'), ('a/b/legacy'),
               ('online/web'), ('  //  '), (NULL)) v(t);
TRUNCATE archdomain_aliases;

-- Applying runs: run 1 at T1, run 2 at T2 moves 10.0.0.5 from a to b (a is missing: its
-- other address stays a's), run 3 at T3 with expire closes what the run does not list.
CREATE FUNCTION pg_temp.stage_run(spec text) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
	PERFORM trafficmap.inventory_stage();
	INSERT INTO pg_temp.inventory_instances (line, instance_id, private_ips, public_ips, tags, lifecycle, state)
	SELECT row_number() OVER (), split_part(x, '=', 1), string_to_array(split_part(x, '=', 2), ';')::inet[],
	       '{}', '{}', 'unknown', coalesce(nullif(split_part(x, '=', 3), ''), 'running')
	  FROM unnest(string_to_array(spec, ' ')) x;
END $$;
CREATE VIEW pg_temp.owners AS
	SELECT address, instance_id, valid FROM trafficmap.ip_owners ORDER BY address, lower(valid);

BEGIN;
SELECT pg_temp.stage_run('a=10.0.0.5;10.0.0.6 c=10.0.0.7');
SELECT * FROM inventory_apply('csv', '2024-01-01', false);
COMMIT;
BEGIN;
SELECT pg_temp.stage_run('b=10.0.0.5 c=10.0.0.7');
SELECT * FROM inventory_apply('csv', '2024-01-02', false);
COMMIT;
SELECT * FROM pg_temp.owners;
BEGIN;
SELECT pg_temp.stage_run('b=10.0.0.5');
SELECT * FROM inventory_apply('csv', '2024-01-03', true);
COMMIT;
SELECT * FROM pg_temp.owners;
SELECT owner_at('10.0.0.5', '2024-01-01 12:00') AS between_runs, owner_at('10.0.0.5', '2024-01-02 12:00') AS after_run_2;

-- Two runs at the same instant: the later one's owner replaces the earlier one's.
BEGIN;
SELECT pg_temp.stage_run('b=10.0.0.5;10.0.0.9');
SELECT owners_opened, owners_closed FROM inventory_apply('csv', '2024-01-04', false);
COMMIT;
BEGIN;
SELECT pg_temp.stage_run('c=10.0.0.9');
SELECT owners_opened, owners_closed FROM inventory_apply('csv', '2024-01-04', false);
COMMIT;
SELECT * FROM pg_temp.owners WHERE address = '10.0.0.9';

-- A terminated instance holds nothing; two instances listing one address: a warning, and
-- the running one keeps it.
BEGIN;
SELECT pg_temp.stage_run('b==terminated d=10.0.0.20=stopped e=10.0.0.20');
SELECT owners_opened, owners_closed, address_conflicts FROM inventory_apply('csv', '2024-01-05', false);
COMMIT;
SELECT * FROM pg_temp.owners WHERE address IN ('10.0.0.5', '10.0.0.20');

-- Runs apply in time order.
\set SHOW_CONTEXT never
BEGIN;
SELECT pg_temp.stage_run('a=10.0.0.5');
SELECT * FROM inventory_apply('csv', '2024-01-02', false);
ROLLBACK;

TRUNCATE instances CASCADE;
