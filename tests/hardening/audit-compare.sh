#!/bin/sh
# Audit: no secret is compared with memcmp, bcmp, strcmp, strncmp or their
# case-insensitive forms, whose time depends on where the first difference
# is.  Every such call in the library, the mechanisms, the store, the
# module and the command must match a rule of compare-allow.txt, which
# says why what it compares is not a secret; anything else fails (compare
# secrets with sstep_secret_eq()).  Comment lines are not calls.
. "$top_srcdir/tests/lib.sh"

allow=$top_srcdir/tests/hardening/compare-allow.txt
[ -f "$allow" ] || hard_error "no $allow"
make_tmpdir
tab=$(printf '\t')
cd "$top_srcdir" || hard_error "cd $top_srcdir"
grep -nE '(^|[^A-Za-z0-9_])(memcmp|bcmp|strcmp|strncmp|strcasecmp|strncasecmp)[[:space:]]*\(' \
    include/*.h lib/*.[ch] mechs/*.[ch] store/*.[ch] pam_saslstep/*.[ch] \
    tools/*.[ch] >"$tmp/hits"
grep -v '^#' "$allow" | grep -v '^$' >"$tmp/rules"
: >"$tmp/used"
n=0
while IFS= read -r hit; do
	file=${hit%%:*}
	rest=${hit#*:}
	line=${rest%%:*}
	text=${rest#*:}
	# A comment line mentions a call; it is not one.
	if printf '%s\n' "$text" | grep -Eq '^[[:space:]]*(\*|/\*|//)'; then
		continue
	fi
	n=$((n + 1))
	checks=$((checks + 1))
	allowed=
	while IFS="$tab" read -r glob re why; do
		# shellcheck disable=SC2254
		case $file in
		$glob)
			if printf '%s\n' "$text" | grep -Eq -e "$re"; then
				allowed=$why
				printf '%s\t%s\n' "$glob" "$re" >>"$tmp/used"
				break
			fi
			;;
		esac
	done <"$tmp/rules"
	[ -n "$allowed" ] ||
		fail "$file:$line: a comparison no rule allows (a secret? use sstep_secret_eq):$text"
done <"$tmp/hits"
# Rules nothing matches any more are worth removing (not a failure).
while IFS="$tab" read -r glob re why; do
	grep -qxF "$glob$tab$re" "$tmp/used" ||
		echo "note: no call matches the rule: $glob $re"
done <"$tmp/rules"
echo "$n comparisons checked against the rules"
finish
