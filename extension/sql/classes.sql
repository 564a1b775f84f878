
-- Traffic classes: rules naming kinds of traffic (monitoring, dns, ntp, ssh, logging,
-- metadata), so the map can hide them (graph_json's hide_classes) and monitoring does not tie
-- every node to every other. traffic_class() (src/classes.c) applies them.
--
-- A rule matches a service edge when every non-NULL column matches: proto, the server's port
-- in server_ports, the server's address in peer_cidr, the server's archdomain matching the
-- glob peer_archdomain ("the peer" is the side that serves). The lowest priority wins; an
-- edge no rule matches is "application". Users add rules with INSERT. The builtin rows come
-- with the extension and are not dumped by pg_dump (CREATE EXTENSION makes them again): to
-- change one, delete it and insert your own.

CREATE TABLE traffic_classes (
	name text NOT NULL CHECK (name ~ '^[a-z0-9_-]+$' AND name <> 'application'),
	priority integer NOT NULL,
	proto text,
	server_ports int4multirange CHECK (NOT isempty(server_ports)),
	peer_cidr cidr,
	peer_archdomain text
		CHECK (peer_archdomain IS NULL OR ('x'::archdomain OPERATOR(trafficmap.~) peer_archdomain) IS NOT NULL),
	description text NOT NULL DEFAULT '',
	builtin boolean NOT NULL DEFAULT false,
	UNIQUE NULLS NOT DISTINCT (priority, name, proto, server_ports, peer_cidr, peer_archdomain)
);

COMMENT ON TABLE traffic_classes IS
	'rules naming kinds of traffic: a rule matches when every non-NULL column does; the lowest priority wins; no match is application';
COMMENT ON COLUMN traffic_classes.name IS
	'the class (lower case letters, digits, _ and -); several rules may name one class';
COMMENT ON COLUMN traffic_classes.priority IS 'of the rules that match, the lowest priority wins (then the name)';
COMMENT ON COLUMN traffic_classes.proto IS 'tcp, udp, icmp, ... as in traffic.proto; NULL: any';
COMMENT ON COLUMN traffic_classes.server_ports IS 'the server ports, e.g. {[9090,9095),[9100,9101)}; NULL: any';
COMMENT ON COLUMN traffic_classes.peer_cidr IS 'the network of the server''s address; NULL: any';
COMMENT ON COLUMN traffic_classes.peer_archdomain IS
	'a glob over the server''s archdomain (*/logging, **/logging/**); NULL: any (also servers without an archdomain)';
COMMENT ON COLUMN traffic_classes.description IS 'what the rule is for';
COMMENT ON COLUMN traffic_classes.builtin IS
	'shipped with the extension; pg_dump leaves these rows out because CREATE EXTENSION makes them';

INSERT INTO traffic_classes (name, priority, proto, server_ports, peer_cidr, peer_archdomain, description, builtin) VALUES
	('metadata', 10, NULL, NULL, '169.254.169.254/32', NULL,
	 'the cloud instance metadata service (EC2, GCE, Azure, OpenStack)', true),
	('metadata', 10, NULL, NULL, 'fd00:ec2::254/128', NULL, 'the EC2 instance metadata service over IPv6', true),
	('ssh', 20, 'tcp', '{[22,23)}', NULL, NULL, 'SSH (22/tcp)', true),
	('dns', 30, NULL, '{[53,54)}', NULL, NULL, 'DNS (53/udp and 53/tcp)', true),
	('ntp', 40, 'udp', '{[123,124)}', NULL, NULL, 'NTP (123/udp)', true),
	('monitoring', 50, NULL, '{[2003,2004),[4317,4319),[5666,5667),[8086,8087),[8125,8126),[9090,9095),[9100,9101),[9187,9188)}', NULL, NULL,
	 'Graphite plaintext (2003), OpenTelemetry OTLP gRPC and HTTP (4317-4318), Nagios NRPE (5666), InfluxDB (8086), StatsD (8125), Prometheus, Alertmanager and Pushgateway (9090-9094), Prometheus node exporter (9100), postgres exporter (9187)', true),
	('logging', 60, NULL, '{[514,515),[601,602),[5044,5045),[6514,6515),[24224,24225)}', NULL, NULL,
	 'syslog (514/udp, 514/tcp), syslog over TCP (601), Beats to Logstash (5044), syslog over TLS (6514), Fluentd forward (24224)', true),
	('logging', 61, 'tcp', '{[9200,9201)}', NULL, '**/logging/**',
	 'Elasticsearch (9200) when the server''s archdomain has a logging label', true);

SELECT pg_catalog.pg_extension_config_dump('traffic_classes', 'WHERE NOT builtin');

CREATE FUNCTION traffic_class(proto text, server_port integer, server inet,
							  server_archdomain archdomain DEFAULT NULL) RETURNS text
	AS 'MODULE_PATHNAME', 'traffic_class'
	LANGUAGE C STABLE PARALLEL SAFE;

COMMENT ON FUNCTION traffic_class(text, integer, inet, archdomain) IS
	'the class of a service edge by the rules of traffic_classes (the lowest priority that matches), else application';
