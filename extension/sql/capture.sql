
-- Captures and the service edges aggregated from them (`trafficmap load`, later `collect`).
--
-- `traffic` is the hot table: one row per service edge per capture, written only by COPY.
-- It has no foreign keys and no triggers (both are cross-row triggers), so it can be
-- partitioned or distributed by capture_id (DESIGN.md, "Beyond one machine"); the loader
-- deletes a capture's rows itself when it replaces it.

CREATE TABLE collect_runs (
	id bigserial PRIMARY KEY,
	name text UNIQUE,
	started timestamptz NOT NULL DEFAULT now(),
	ended timestamptz,
	hosts integer NOT NULL DEFAULT 0 CHECK (hosts >= 0),
	ok integer NOT NULL DEFAULT 0 CHECK (ok >= 0),
	failed integer NOT NULL DEFAULT 0 CHECK (failed >= 0)
);

COMMENT ON TABLE collect_runs IS
	'collection runs: captures taken together (a connection seen from both ends of one run counts once)';
COMMENT ON COLUMN collect_runs.name IS
	'the name given with trafficmap load --run, which finds or creates the run; NULL for unnamed runs';
COMMENT ON COLUMN collect_runs.started IS 'when the run was created';
COMMENT ON COLUMN collect_runs.ended IS 'when the last capture of the run was stored';
COMMENT ON COLUMN collect_runs.hosts IS 'captures stored in the run';
COMMENT ON COLUMN collect_runs.ok IS 'captures of the run that were complete';
COMMENT ON COLUMN collect_runs.failed IS 'captures of the run that were truncated or failed';

CREATE TABLE captures (
	id bigserial PRIMARY KEY,
	run_id bigint REFERENCES collect_runs (id),
	source text NOT NULL,
	capturing_host inet,
	sha256 text NOT NULL UNIQUE CHECK (sha256 ~ '^[0-9a-f]{64}$'),
	link_types text[] NOT NULL,
	snaplen integer NOT NULL CHECK (snaplen >= 0),
	started timestamptz,
	ended timestamptz,
	packets bigint NOT NULL CHECK (packets >= 0),
	bytes bigint NOT NULL CHECK (bytes >= 0),
	skipped_packets bigint NOT NULL,
	skipped_not_ip bigint NOT NULL CHECK (skipped_not_ip >= 0),
	skipped_truncated bigint NOT NULL CHECK (skipped_truncated >= 0),
	skipped_malformed bigint NOT NULL CHECK (skipped_malformed >= 0),
	skipped_duplicate bigint NOT NULL CHECK (skipped_duplicate >= 0),
	status text NOT NULL CHECK (status IN ('complete', 'truncated')),
	loaded_at timestamptz NOT NULL DEFAULT now(),
	CHECK (skipped_packets = skipped_not_ip + skipped_truncated + skipped_malformed + skipped_duplicate),
	CHECK (skipped_packets <= packets),
	CHECK (ended >= started)
);

CREATE INDEX captures_started_idx ON captures (started);
CREATE INDEX captures_run_id_idx ON captures (run_id);

COMMENT ON TABLE captures IS
	'one row per packet capture loaded: where it came from, what it held, and what could not be counted';
COMMENT ON COLUMN captures.run_id IS 'the collection run the capture belongs to, if any';
COMMENT ON COLUMN captures.source IS
	'the capturing host named with --host (or by collect), else the file name the capture was read from';
COMMENT ON COLUMN captures.capturing_host IS 'the capturing host''s address, when --host named an address';
COMMENT ON COLUMN captures.sha256 IS
	'SHA-256 (hex) of the decompressed capture bytes: the same capture is never stored twice';
COMMENT ON COLUMN captures.link_types IS
	'the link-layer types of the capture''s packets, by libpcap name (EN10MB, LINUX_SLL2, RAW, ...)';
COMMENT ON COLUMN captures.snaplen IS 'the largest snapshot length of the capture''s interfaces (0: not limited)';
COMMENT ON COLUMN captures.started IS 'time of the first packet (NULL for a capture without packets)';
COMMENT ON COLUMN captures.ended IS 'time of the last packet';
COMMENT ON COLUMN captures.packets IS 'every packet record of the capture: edge packets + skipped_packets';
COMMENT ON COLUMN captures.bytes IS 'the packets'' lengths on the wire, summed';
COMMENT ON COLUMN captures.skipped_packets IS
	'packets counted in no edge: the sum of the four skipped_* reasons';
COMMENT ON COLUMN captures.skipped_not_ip IS 'packets that are not IPv4 or IPv6 (ARP, LLDP, ...)';
COMMENT ON COLUMN captures.skipped_truncated IS
	'packets whose IP or transport header the capture cut off (snapshot length too small)';
COMMENT ON COLUMN captures.skipped_malformed IS
	'packets whose headers are invalid, e.g. an IP length larger than the packet was on the wire';
COMMENT ON COLUMN captures.skipped_duplicate IS
	'copies of a flow''s packets seen on another interface (tcpdump -i any) than the one it is counted on';
COMMENT ON COLUMN captures.status IS
	'complete, or truncated when the capture ended in the middle of a packet (its complete packets are kept)';
COMMENT ON COLUMN captures.loaded_at IS 'when the capture was stored';

CREATE TABLE traffic (
	capture_id bigint NOT NULL,
	proto text NOT NULL,
	client inet NOT NULL,
	server inet NOT NULL,
	server_port integer NOT NULL CHECK (server_port BETWEEN 0 AND 65535),
	conns bigint NOT NULL CHECK (conns >= 0),
	c2s_packets bigint NOT NULL CHECK (c2s_packets >= 0),
	c2s_bytes bigint NOT NULL CHECK (c2s_bytes >= 0),
	s2c_packets bigint NOT NULL CHECK (s2c_packets >= 0),
	s2c_bytes bigint NOT NULL CHECK (s2c_bytes >= 0),
	first_seen timestamptz NOT NULL,
	last_seen timestamptz NOT NULL,
	syns bigint NOT NULL CHECK (syns >= 0),
	fins bigint NOT NULL CHECK (fins >= 0),
	rsts bigint NOT NULL CHECK (rsts >= 0),
	PRIMARY KEY (capture_id, proto, client, server, server_port),
	CHECK (last_seen >= first_seen)
);

COMMENT ON TABLE traffic IS
	'service edges: per capture, the traffic between a client and a server port, aggregated from its packets';
COMMENT ON COLUMN traffic.capture_id IS 'the capture (captures.id) the edge was aggregated from';
COMMENT ON COLUMN traffic.proto IS 'tcp, udp, icmp, icmpv6, or the IP protocol number as text (47 for GRE)';
COMMENT ON COLUMN traffic.client IS 'the address that opened the connections (see the client/server rule in README)';
COMMENT ON COLUMN traffic.server IS 'the address that served them';
COMMENT ON COLUMN traffic.server_port IS 'the server''s port; 0 for protocols without ports';
COMMENT ON COLUMN traffic.conns IS
	'connections: TCP connection attempts (SYNs, retransmissions not counted; else client ports), UDP client ports, ICMP echo requests';
COMMENT ON COLUMN traffic.c2s_packets IS 'packets from client to server';
COMMENT ON COLUMN traffic.c2s_bytes IS 'IP-layer bytes from client to server (IP total length, IPv6 payload length + 40)';
COMMENT ON COLUMN traffic.s2c_packets IS 'packets from server to client';
COMMENT ON COLUMN traffic.s2c_bytes IS 'IP-layer bytes from server to client';
COMMENT ON COLUMN traffic.first_seen IS 'time of the edge''s first packet';
COMMENT ON COLUMN traffic.last_seen IS 'time of the edge''s last packet';
COMMENT ON COLUMN traffic.syns IS 'TCP packets with SYN set (SYN and SYN-ACK, both directions)';
COMMENT ON COLUMN traffic.fins IS 'TCP packets with FIN set, both directions';
COMMENT ON COLUMN traffic.rsts IS 'TCP packets with RST set, both directions';

SELECT pg_catalog.pg_extension_config_dump('collect_runs', '');
SELECT pg_catalog.pg_extension_config_dump('collect_runs_id_seq', '');
SELECT pg_catalog.pg_extension_config_dump('captures', '');
SELECT pg_catalog.pg_extension_config_dump('captures_id_seq', '');
SELECT pg_catalog.pg_extension_config_dump('traffic', '');
