#!/bin/bash
# cli_bad_input.sh - every bad input named: runs each case of
# tests/data/bad-input/cases.txt (NAME | EXIT | MESSAGE | COMMAND) on a
# scratch copy of the folder and checks the exit status, that stderr is
# exactly one line containing MESSAGE (exit 2), or that stdout or stderr
# contains it (exit 0 or 1: a verdict, not an error), and that a `run` or
# `ab` case wrote nothing.
# Prints a table of what each input got (for the notes).
#
# usage: bash cli_bad_input.sh PFNBENCH_BIN TESTS_DATA_DIR
set -u
BIN=$(readlink -f "$1")
DATA=$(readlink -f "$2")
TMP=$(mktemp -d /tmp/cli_bad_input.XXXXXX)
trap 'rm -rf "$TMP"' EXIT
chmod 755 "$TMP"
D=$TMP/bad-input
cp -r "$DATA/bad-input" "$D"
chmod 000 "$D/secret.conf"
fails=0 passed=0 skipped=0

# user nobody needs to reach the binary and the scratch copy
nobody=no
if [ "$(id -u)" -eq 0 ] && command -v setpriv >/dev/null &&
	setpriv --reuid=65534 --regid=65534 --clear-groups test -x "$BIN" 2>/dev/null &&
	setpriv --reuid=65534 --regid=65534 --clear-groups test -d "$D" 2>/dev/null; then
	nobody=yes
fi

trim() { local s=$1; s=${s#"${s%%[![:space:]]*}"}; printf '%s' "${s%"${s##*[![:space:]]}"}"; }
subst() { local s=${1//@D@/$D}; s=${s//@DATA@/$DATA}; s=${s//@BIN@/$BIN}; printf '%s' "${s//@T@/$TMP}"; }

while IFS= read -r line; do
	case "$line" in '#'* | '') continue ;; esac
	IFS='|' read -r name want msg cmd <<<"$line"
	name=$(trim "$name") want=$(trim "$want")
	msg=$(subst "$(trim "$msg")") cmd=$(subst "$(trim "$cmd")")
	prefix=()
	if [ "${cmd#@NOBODY@ }" != "$cmd" ]; then
		cmd=${cmd#@NOBODY@ }
		if [ $nobody = no ]; then
			echo "skip: $name (needs root and a binary user nobody can run)"
			skipped=$((skipped + 1))
			continue
		fi
		prefix=(setpriv --reuid=65534 --regid=65534 --clear-groups)
	fi
	read -r -a args <<<"$cmd"
	rm -rf "$TMP/out"
	"${prefix[@]}" "$BIN" "${args[@]}" >"$TMP/stdout" 2>"$TMP/stderr"
	rc=$?
	bad=""
	[ "$rc" -eq "$want" ] || bad="$bad exit $rc, want $want;"
	if [ "$want" -eq 2 ]; then
		grep -qF -- "$msg" "$TMP/stderr" || bad="$bad message not found;"
	else
		cat "$TMP/stdout" "$TMP/stderr" | grep -qF -- "$msg" || bad="$bad message not found;"
	fi
	if [ "$want" -eq 2 ] && [ "$(wc -l <"$TMP/stderr")" -ne 1 ]; then
		bad="$bad stderr is $(wc -l <"$TMP/stderr") lines, want 1;"
	fi
	[ -e "$TMP/out" ] && { [ "${args[0]}" = run ] || [ "${args[0]}" = ab ]; } && bad="$bad wrote $TMP/out;"
	got=$(head -1 "$TMP/stderr")
	got=${got//$D/@D@}
	got=${got//$DATA/@DATA@}
	if [ -n "$bad" ]; then
		echo "FAIL: $name:$bad"
		echo "  command: pfnbench ${args[*]}"
		echo "  stderr:  $(cat "$TMP/stderr")"
		echo "  want:    $msg"
		fails=$((fails + 1))
	else
		printf 'ok: %-30s exit %d  %s\n' "$name" "$rc" "$got"
		passed=$((passed + 1))
	fi
done <"$DATA/bad-input/cases.txt"

echo "$passed passed, $fails failed, $skipped skipped"
[ $passed -gt 30 ] || { echo "FAIL: too few cases ran"; fails=$((fails + 1)); }
[ $fails -eq 0 ]
