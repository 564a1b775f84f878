
-- Collection over SSH (`trafficmap collect`): how each host of a run fared, and the host's
-- uptime, load and memory at the time. The captures themselves are in captures and traffic,
-- with captures.run_id naming the run; collect_runs (capture.sql) counts the hosts.

CREATE TABLE collect_hosts (
	run_id bigint NOT NULL REFERENCES collect_runs (id),
	host text NOT NULL,
	address inet,
	status text NOT NULL CHECK (status IN ('ok', 'unreachable', 'timeout', 'hostkey-unknown',
		'hostkey-mismatch', 'auth-failed', 'sudo-failed', 'tcpdump-missing', 'truncated')),
	detail text NOT NULL DEFAULT '',
	bytes bigint NOT NULL DEFAULT 0 CHECK (bytes >= 0),
	started timestamptz NOT NULL,
	ended timestamptz NOT NULL,
	capture_id bigint,
	PRIMARY KEY (run_id, host),
	CHECK (ended >= started)
);

CREATE INDEX collect_hosts_capture_id_idx ON collect_hosts (capture_id);

COMMENT ON TABLE collect_hosts IS
	'one row per host of a collection run: how its SSH session and capture ended';
COMMENT ON COLUMN collect_hosts.run_id IS 'the collection run (collect_runs.id)';
COMMENT ON COLUMN collect_hosts.host IS
	'the host as listed (name or address, with :port when not 22); also captures.source of its capture';
COMMENT ON COLUMN collect_hosts.address IS 'the address dialled (NULL when the name did not resolve)';
COMMENT ON COLUMN collect_hosts.status IS
	'ok; unreachable (no TCP connection or no SSH server); timeout (connected, then stopped answering, or the capture overran); hostkey-unknown; hostkey-mismatch (changed or revoked key); auth-failed; sudo-failed (sudo refused or the capture did not start); tcpdump-missing; truncated (the capture started but did not end cleanly: its complete packets are kept)';
COMMENT ON COLUMN collect_hosts.detail IS
	'what went wrong, and the tail of the capture command''s stderr (tcpdump''s closing counts when it went well)';
COMMENT ON COLUMN collect_hosts.bytes IS 'capture stream bytes received from the host';
COMMENT ON COLUMN collect_hosts.started IS 'when the collector started to connect';
COMMENT ON COLUMN collect_hosts.ended IS 'when the session ended';
COMMENT ON COLUMN collect_hosts.capture_id IS
	'the host''s capture (captures.id), NULL when none was stored (no packets, or the capture never started); no foreign key, so captures can be replaced in place';

CREATE TABLE host_stats (
	run_id bigint NOT NULL REFERENCES collect_runs (id),
	host text NOT NULL,
	uptime_s double precision NOT NULL CHECK (uptime_s >= 0),
	load1 double precision NOT NULL CHECK (load1 >= 0),
	load5 double precision NOT NULL CHECK (load5 >= 0),
	load15 double precision NOT NULL CHECK (load15 >= 0),
	mem_total bigint NOT NULL CHECK (mem_total >= 0),
	mem_available bigint CHECK (mem_available >= 0),
	collected_at timestamptz NOT NULL,
	PRIMARY KEY (run_id, host)
);

COMMENT ON TABLE host_stats IS
	'uptime, load averages and memory of each host, read from /proc at collection time (kept even when its capture failed)';
COMMENT ON COLUMN host_stats.run_id IS 'the collection run (collect_runs.id)';
COMMENT ON COLUMN host_stats.host IS 'the host, as collect_hosts.host names it';
COMMENT ON COLUMN host_stats.uptime_s IS 'seconds since the host booted (/proc/uptime)';
COMMENT ON COLUMN host_stats.load1 IS '1-minute load average (/proc/loadavg)';
COMMENT ON COLUMN host_stats.load5 IS '5-minute load average';
COMMENT ON COLUMN host_stats.load15 IS '15-minute load average';
COMMENT ON COLUMN host_stats.mem_total IS 'bytes of memory (MemTotal in /proc/meminfo)';
COMMENT ON COLUMN host_stats.mem_available IS
	'bytes available to new programs (MemAvailable); NULL on kernels before 3.14, which do not report it';
COMMENT ON COLUMN host_stats.collected_at IS 'when the collector received the figures';

SELECT pg_catalog.pg_extension_config_dump('collect_hosts', '');
SELECT pg_catalog.pg_extension_config_dump('host_stats', '');
