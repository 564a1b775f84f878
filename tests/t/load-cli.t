#!/usr/bin/env bash
# `trafficmap load` as a user runs it: idempotent reloads (also of the same bytes gzip'd),
# --replace, stdin, --host, --run, --dry-run, files that are not captures, captures cut
# with head -c (pcap, pcapng, gzip), database errors, --help, and a progress line on a TTY.
. "$(dirname "$0")/../lib/common.sh"
. "$TM_TESTS/lib/capture.sh"
need psql tshark gzip script
[ -x "$TM_LOADER" ] || bail "no loader at $TM_LOADER (run make check)"
tm_pg
capture_db
tmp=$(tm_tempdir)
pcaps=$TM_DATA/pcaps
q() { psql -XAt -c "$1"; }
load() { "$TM_LOADER" load "$@" 2>"$tmp/err"; }
ncaptures() { q "SELECT count(*) FROM trafficmap.captures"; }

# --help: the usage text a man page would have.
help=$("$TM_LOADER" load --help)
ok $? "load --help exits 0"
for part in "Usage: trafficmap load" "--dbname=CONNINFO" "--host=NAME" "--run=NAME" "--replace" \
	"--dry-run" "PGHOST" "Exit status" "SYN-ACK" "already loaded as capture" "Examples:"; do
	like "$help" "$(printf '%s' "$part" | sed 's/[][().*+?^$|\\]/\\&/g')" "load --help explains $part"
done
is "$("$TM_LOADER" help load | head -1)" "Usage: trafficmap load [OPTIONS] FILE..." "trafficmap help load is load --help"
load
is "$?" 2 "load without files exits 2"
like "$(cat "$tmp/err")" "no capture files given" "load without files says what is missing"
load --frobnicate x.pcap
is "$?" 2 "an unknown option exits 2"

# Load, then the same bytes again: never counted twice.
cp "$pcaps/bro.org.pcap" "$tmp/a.pcap"
load "$tmp/a.pcap"
is "$?" 0 "a capture loads"
id=$(capture_id "$tmp/a.pcap")
like "$(cat "$tmp/err")" "a.pcap: loaded as capture $id: 751 packets" "the loader says which capture it stored"
load "$tmp/a.pcap"
is "$?" 0 "loading the same file again exits 0"
like "$(cat "$tmp/err")" "a.pcap: already loaded as capture $id" "loading it again says: already loaded as capture $id"
gzip -c "$tmp/a.pcap" >"$tmp/a.pcap.gz"
cp "$tmp/a.pcap.gz" "$tmp/a-renamed.bin"
load "$tmp/a.pcap.gz" "$tmp/a-renamed.bin"
is "$?" 0 "loading the gzip'd bytes exits 0"
is "$(grep -c "already loaded as capture $id" "$tmp/err")" 2 \
	"the same bytes gzip'd (recognised by content, whatever the name) are already loaded"
is "$(ncaptures)|$(q "SELECT count(*) FROM trafficmap.traffic")" "1|1" "one capture, one edge: nothing counted twice"

# --replace: stored again, under the same id, with rows equal to the oracle's.
before=$(q "SELECT loaded_at FROM trafficmap.captures WHERE id = $id")
load --replace "$tmp/a.pcap.gz"
is "$?" 0 "--replace exits 0"
like "$(cat "$tmp/err")" "loaded as capture $id:" "--replace stores the capture again under its id"
changed=$(q "SELECT loaded_at <> '$before' FROM trafficmap.captures WHERE id = $id")
is "$changed" t "--replace wrote a new captures row"
capture_check "$tmp/a.pcap" "$id"

# stdin, --host with an address and with a name.
load --host 10.20.30.40 - <"$pcaps/get-to-ssh-server.pcap"
is "$?" 0 "a capture loads from standard input"
is "$(q "SELECT source, capturing_host FROM trafficmap.captures WHERE id = $(capture_id "$pcaps/get-to-ssh-server.pcap")")" \
	"10.20.30.40|10.20.30.40" "--host ADDRESS sets source and capturing_host"
capture_check "$pcaps/get-to-ssh-server.pcap" "$(capture_id "$pcaps/get-to-ssh-server.pcap")"
gzip -c "$pcaps/pubsub.pcap" | "$TM_LOADER" load -q --host web-1.example -
is "$?" 0 "a gzip'd capture loads from standard input"
is "$(q "SELECT source, coalesce(capturing_host::text, 'null') FROM trafficmap.captures WHERE id = $(capture_id "$pcaps/pubsub.pcap")")" \
	"web-1.example|null" "--host NAME sets source only"
load "$pcaps/q-in-q.pcap"
is "$(q "SELECT source FROM trafficmap.captures WHERE id = $(capture_id "$pcaps/q-in-q.pcap")")" "$pcaps/q-in-q.pcap" \
	"without --host the source is the file name"

# --run: captures join a named run, found or made by name.
load -q --run nightly "$pcaps/vxlan.pcap" "$pcaps/dns-edns-ecs.pcap"
load -q --run nightly "$pcaps/rotation.pcap"
is "$(q "SELECT count(*), min(hosts), min(ok), min(failed) FROM trafficmap.collect_runs WHERE name = 'nightly'")" "1|3|3|0" \
	"--run NAME finds or makes one run and counts its captures"
is "$(q "SELECT count(*) FROM trafficmap.captures c JOIN trafficmap.collect_runs r ON r.id = c.run_id WHERE r.name = 'nightly'")" 3 \
	"the run's captures have its run_id"

# --dry-run stores nothing and needs no database.
n=$(ncaptures)
PGHOST=/nonexistent load --dry-run "$pcaps/modbusBig.pcap"
is "$?" 0 "--dry-run exits 0 without a database"
like "$(cat "$tmp/err")" "modbusBig.pcap: would load: 13622 packets .*, 3 edges" "--dry-run says what it would store"
is "$(ncaptures)" "$n" "--dry-run stores nothing"

# Files that are not captures: one line naming each, exit 2, the other files still load.
: >"$tmp/empty.pcap"
load "$TM_TOP/README.md" "$pcaps/timestamp.pcap" "$tmp/empty.pcap" "$tmp/missing.pcap" "$pcaps/fragmented-4.pcap"
is "$?" 2 "a file that is not a capture makes the exit status 2"
is "$(grep -c 'error:' "$tmp/err")" 3 "one error line per bad file"
like "$(grep README.md "$tmp/err")" "README.md: not a pcap or pcapng capture .*nothing was loaded from it" \
	"a text file: named, not a capture"
like "$(grep empty.pcap "$tmp/err")" "empty.pcap: is empty" "an empty file: named, empty"
like "$(grep missing.pcap "$tmp/err")" "missing.pcap: cannot open: No such file or directory" "a missing file: named, cannot open"
ok $([ -n "$(capture_id "$pcaps/timestamp.pcap")" ] && [ -n "$(capture_id "$pcaps/fragmented-4.pcap")" ] && echo 0 || echo 1) \
	"the captures around the bad files were loaded"
is "$(q "SELECT count(*) FROM trafficmap.captures WHERE source LIKE '%README.md' OR source LIKE '%empty.pcap'")" 0 \
	"nothing is stored for the bad files"

# Captures cut with head -c: complete packets kept, status truncated, a warning.
head -c 600000 "$pcaps/modbusBig.pcap" >"$tmp/cut.pcap"
load "$tmp/cut.pcap"
is "$?" 0 "a cut capture loads (exit 0)"
like "$(cat "$tmp/err")" "warning: .*cut.pcap: the capture is truncated .*6885 complete packets are kept" \
	"a cut capture gets a warning"
cid=$(capture_id "$tmp/cut.pcap")
is "$(q "SELECT status, packets FROM trafficmap.captures WHERE id = $cid")" "truncated|6885" "a cut capture is stored as truncated"
capture_check "$tmp/cut.pcap" "$cid"
head -c 1300 "$pcaps/pcapng-multi-interface.pcapng" >"$tmp/cut.pcapng"
load "$tmp/cut.pcapng"
is "$?" 0 "a cut pcapng loads"
is "$(q "SELECT status, packets FROM trafficmap.captures WHERE id = $(capture_id "$tmp/cut.pcapng")")" "truncated|5" \
	"a cut pcapng keeps its complete packets"
capture_check "$tmp/cut.pcapng" "$(capture_id "$tmp/cut.pcapng")"
gzip -c "$pcaps/modbusBig.pcap" | head -c 100000 >"$tmp/cutgz.pcap.gz"
load "$tmp/cutgz.pcap.gz"
is "$?" 0 "a cut gzip stream loads"
like "$(cat "$tmp/err")" "cutgz.pcap.gz: the capture is truncated" "a cut gzip stream gets a warning"
gid=$(capture_id "$tmp/cutgz.pcap.gz" 2>/dev/null)
is "$(q "SELECT status FROM trafficmap.captures WHERE id = $gid")" "truncated" "a cut gzip stream is stored as truncated"
capture_check "$tmp/cutgz.pcap.gz" "$gid"

# One transaction per capture: when the COPY of its edges fails, no captures row stays.
psql -X -q -v ON_ERROR_STOP=1 <<'SQL' || bail "could not add the failing trigger"
CREATE FUNCTION public.refuse_edges() RETURNS trigger LANGUAGE plpgsql
	AS $$BEGIN RAISE EXCEPTION 'edges refused by the test'; END$$;
CREATE TRIGGER refuse BEFORE INSERT ON trafficmap.traffic FOR EACH ROW EXECUTE FUNCTION public.refuse_edges();
SQL
n=$(ncaptures)
load "$pcaps/gre-sample.pcap" "$pcaps/openjdk-25.0.2-zeek.org.pcap"
is "$?" 2 "a failed COPY exits 2"
like "$(cat "$tmp/err")" "edges refused by the test" "the server's error is shown"
like "$(cat "$tmp/err")" "gre-sample.pcap: nothing was stored for this capture" "the capture is named"
like "$(cat "$tmp/err")" "openjdk-25.0.2-zeek.org.pcap: nothing was stored for this capture" \
	"the next file is still tried after a refused one"
is "$(ncaptures)" "$n" "nothing is stored when the edges cannot be (no captures row without its edges)"
psql -X -q -c "DROP TRIGGER refuse ON trafficmap.traffic" || bail "could not drop the trigger"
load "$pcaps/gre-sample.pcap"
is "$?" 0 "the same capture loads once the database takes it"
capture_check "$pcaps/gre-sample.pcap" "$(capture_id "$pcaps/gre-sample.pcap")"

# The database: unreachable, or without the extension.
"$TM_LOADER" load -d "host=$tmp/nowhere" "$pcaps/vxlan.pcap" 2>"$tmp/err"
is "$?" 2 "an unreachable database exits 2"
like "$(cat "$tmp/err")" "cannot connect to PostgreSQL" "an unreachable database is named as the problem"
createdb plain || bail "createdb failed"
"$TM_LOADER" load -d "dbname=plain" "$pcaps/vxlan.pcap" 2>"$tmp/err"
is "$?" 2 "a database without the extension exits 2"
like "$(cat "$tmp/err")" "has no trafficmap extension; run: psql" "the error says how to create the extension"

# A progress line on a terminal (script gives the loader one), none otherwise.
script -qec "$TM_LOADER load --dry-run $pcaps/modbusBig.pcap" "$tmp/tty" >/dev/null
is "$?" 0 "load on a terminal exits 0"
like "$(tr '\r' '\n' <"$tmp/tty" | grep 'modbusBig.pcap: [0-9]* packets' | head -1)" \
	"modbusBig.pcap: [0-9]+ packets, [0-9.]+ MB/s, 3 flows" \
	"on a terminal the largest sample shows a progress line: packets, MB/s, flows"
"$TM_LOADER" load --dry-run "$pcaps/modbusBig.pcap" 2>"$tmp/err"
ok $(grep -q $'\r' "$tmp/err" && echo 1 || echo 0) "without a terminal there is no progress line"
script -qec "$TM_LOADER load -q --dry-run $pcaps/modbusBig.pcap" "$tmp/tty" >/dev/null
ok $(grep -q 'packets,' "$tmp/tty" && echo 1 || echo 0) "--quiet shows no progress line"

# Every capture stored here keeps the accounting.
for c in $(q "SELECT id FROM trafficmap.captures ORDER BY id"); do
	capture_invariant "$c"
done
done_testing
