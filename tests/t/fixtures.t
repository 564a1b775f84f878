#!/usr/bin/env bash
# Every sample capture the MANIFEST lists is present and unaltered, and has its license.
. "$(dirname "$0")/../lib/common.sh"
dir=$TM_DATA/pcaps
[ -f "$dir/MANIFEST.md" ] || bail "tests/data/pcaps/MANIFEST.md is missing"

n=0
while IFS='|' read -r _ file sum _ license _; do
	file=$(echo "$file" | xargs)
	sum=$(echo "$sum" | tr -d '` ')
	case "$file" in *.pcap | *.pcapng) ;; *) continue ;; esac
	n=$((n + 1))
	got=$(sha256sum "$dir/$file" 2>/dev/null | cut -d' ' -f1)
	is "$got" "$sum" "$file is present with its SHA-256"
	lic=$(echo "$license" | sed -n 's/.*(\(LICENSES\/[^)]*\)).*/\1/p')
	[ -n "$lic" ] && [ -s "$dir/$lic" ]
	ok $? "$file names a license text that is present ($lic)"
done <"$dir/MANIFEST.md"
ok $([ "$n" -ge 20 ] && echo 0 || echo 1) "the MANIFEST lists the $n sample captures"

unlisted=$(cd "$dir" && for f in *.pcap *.pcapng; do grep -q "^| $f |" MANIFEST.md || echo "$f"; done)
is "$unlisted" "" "every capture in the directory is in the MANIFEST"
done_testing
