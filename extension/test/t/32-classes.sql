-- pgTAP: traffic classes: the default rules (as README lists them), traffic_class() against
-- the rule read as plain SQL, rules users add, bad rules, and pg_dump leaving the builtin rows
-- to CREATE EXTENSION.
BEGIN;
CREATE EXTENSION IF NOT EXISTS pgtap;
CREATE EXTENSION IF NOT EXISTS trafficmap CASCADE;
SET search_path TO trafficmap, public;
SELECT plan(11);

SELECT columns_are('trafficmap', 'traffic_classes', ARRAY[
	'name', 'priority', 'proto', 'server_ports', 'peer_cidr', 'peer_archdomain', 'description', 'builtin'],
	'traffic_classes has the issue''s columns and builtin');

SELECT results_eq(
	$$SELECT name, priority, proto, server_ports::text, peer_cidr::text, peer_archdomain
	    FROM traffic_classes ORDER BY priority, name, peer_cidr$$,
	$$VALUES ('metadata', 10, NULL, NULL, '169.254.169.254/32', NULL),
	         ('metadata', 10, NULL, NULL, 'fd00:ec2::254/128', NULL),
	         ('ssh', 20, 'tcp', '{[22,23)}', NULL, NULL),
	         ('dns', 30, NULL, '{[53,54)}', NULL, NULL),
	         ('ntp', 40, 'udp', '{[123,124)}', NULL, NULL),
	         ('monitoring', 50, NULL, '{[2003,2004),[4317,4319),[5666,5667),[8086,8087),[8125,8126),[9090,9095),[9100,9101),[9187,9188)}', NULL, NULL),
	         ('logging', 60, NULL, '{[514,515),[601,602),[5044,5045),[6514,6515),[24224,24225)}', NULL, NULL),
	         ('logging', 61, 'tcp', '{[9200,9201)}', NULL, '**/logging/**')$$,
	'the default rules: metadata, ssh, dns, ntp, monitoring (2003, 4317-4318, 5666, 8086, 8125, 9090-9094, 9100, 9187), logging (514, 601, 5044, 6514, 24224, and 9200 to **/logging/**)');

SELECT ok(bool_and(builtin AND description <> ''), 'the default rules are builtin and described')
  FROM traffic_classes;

-- Every combination of a few protocols, ports, servers and archdomains, classified by
-- traffic_class() and by the rules read as plain SQL.
CREATE TEMP TABLE cases AS
SELECT p.proto, port, s.server, a.ad
  FROM (VALUES ('tcp'), ('udp'), ('icmp'), ('47')) p(proto),
       (VALUES (0), (22), (53), (80), (123), (443), (514), (2003), (4317), (4318), (4319), (5044), (8125),
               (9089), (9090), (9094), (9095), (9100), (9187), (9200), (24224), (65535)) t(port),
       (VALUES ('10.0.0.1'::inet), ('169.254.169.254'), ('169.254.169.253'), ('fd00:ec2::254'), ('2001:db8::1')) s(server),
       (VALUES (NULL::archdomain), ('infra/logging'), ('logging'), ('online/logging/es'), ('online/search')) a(ad);

CREATE FUNCTION pg_temp.oracle(p text, port integer, server inet, ad archdomain) RETURNS text
	LANGUAGE sql STABLE AS $$
	SELECT coalesce((SELECT c.name FROM trafficmap.traffic_classes c
	                  WHERE (c.proto IS NULL OR c.proto = p)
	                    AND (c.server_ports IS NULL OR c.server_ports @> port)
	                    AND (c.peer_cidr IS NULL OR c.peer_cidr >>= server)
	                    AND (c.peer_archdomain IS NULL OR (ad IS NOT NULL AND ad OPERATOR(trafficmap.~) c.peer_archdomain))
	                  ORDER BY c.priority, c.name COLLATE "C" LIMIT 1), 'application')
$$;

SELECT is_empty($$SELECT proto, port, server, ad, traffic_class(proto, port, server, ad), pg_temp.oracle(proto, port, server, ad)
                    FROM cases WHERE traffic_class(proto, port, server, ad) <> pg_temp.oracle(proto, port, server, ad)$$,
                'traffic_class() agrees with the rules read as plain SQL on 2,200 cases');

SELECT results_eq($$SELECT traffic_class('tcp', 9200, '10.0.0.1', 'infra/logging'),
                           traffic_class('tcp', 9200, '10.0.0.1', 'online/search'),
                           traffic_class('tcp', 80, '169.254.169.254'),
                           traffic_class('udp', 53, '10.0.0.1'),
                           traffic_class('tcp', 9100, '10.0.0.1')$$,
                  $$VALUES ('logging', 'application', 'metadata', 'dns', 'monitoring')$$,
                  'Elasticsearch is logging only towards a logging archdomain; metadata by address');

INSERT INTO traffic_classes (name, priority, proto, server_ports, peer_cidr, description)
VALUES ('backup', 5, 'tcp', '{[9100,9101)}', '10.9.0.0/16', 'the backup agents listen on 9100 too');
SELECT results_eq($$SELECT traffic_class('tcp', 9100, '10.9.1.1'), traffic_class('tcp', 9100, '10.8.1.1')$$,
                  $$VALUES ('backup', 'monitoring')$$, 'a rule users add wins by its priority, within its network');
SELECT is_empty($$SELECT 1 FROM cases WHERE traffic_class(proto, port, server, ad) <> pg_temp.oracle(proto, port, server, ad)$$,
                'and traffic_class() still agrees with the plain SQL rules');

SELECT throws_ok($$INSERT INTO trafficmap.traffic_classes (name, priority, peer_archdomain) VALUES ('x', 1, 'a/***')$$,
                 '22P02', NULL, 'a rule with a bad archdomain glob is refused');
SELECT throws_ok($$INSERT INTO trafficmap.traffic_classes (name, priority) VALUES ('application', 1)$$,
                 '23514', NULL, 'application is the class of no rule');
SELECT throws_ok($$INSERT INTO trafficmap.traffic_classes (name, priority) VALUES ('Web Traffic', 1)$$,
                 '23514', NULL, 'class names are lower case words');

SELECT is((SELECT c FROM pg_extension e, unnest(e.extcondition, e.extconfig::regclass[]) AS u(c, t)
            WHERE e.extname = 'trafficmap' AND t = 'trafficmap.traffic_classes'::regclass),
          'WHERE NOT builtin', 'pg_dump keeps the rules users add, not the builtin ones');

SELECT * FROM finish();
ROLLBACK;
