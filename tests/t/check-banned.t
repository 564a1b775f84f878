#!/usr/bin/env bash
# The banned-function checker catches each banned call and lets the safe ones through.
. "$(dirname "$0")/../lib/common.sh"
tmp=$(tm_tempdir)

for f in strcpy strcat sprintf vsprintf strtok atoi atol gets; do
	printf 'void g(char *d, const char *s) {\n\t(void) %s (d, s);\n}\n' "$f" >"$tmp/bad.c"
	"$TM_TESTS/check-banned" "$tmp/bad.c" >/dev/null 2>&1
	is $? 1 "$f is rejected"
done

cat >"$tmp/good.c" <<'C'
/* strcpy in a comment is fine */
void g(char *d, unsigned long n, const char *s) {
	snprintf(d, n, "%s", s);
	(void) strtol(s, 0, 10);
	(void) my_atoi_like(s);
}
C
"$TM_TESTS/check-banned" "$tmp/good.c" >/dev/null 2>&1
is $? 0 "snprintf, strtol and look-alike names pass"

"$TM_TESTS/check-banned" >/dev/null
is $? 0 "the project's own C sources use no banned function"
done_testing
