#!/bin/sh
# demo.sh: the Quick-start login demo (`make demo`, from the build
# directory).  It enrols a user for OTP in a throwaway store, then logs in
# through pam_saslstep.so with pamtester under pam_wrapper (no root, nothing
# written to /etc), then replays the same answer to show it refused.
#
#   sh examples/demo.sh [--auto]
#
# Interactive when stdin is a terminal: you type the answer.  With --auto,
# or without a terminal, the demo computes the answer itself and prints
# the whole exchange.  Exit 0 only when the login succeeded and the replay
# failed.  SASLSTEP, PAM_MODULE, PAM_WRAPPER_LIB and PAMTESTER override
# where the pieces are found.
set -u

auto=0
for arg in "$@"; do
	case $arg in
	--auto) auto=1 ;;
	-h|--help)
		sed -n '2,13s/^# \{0,1\}//p' "$0"
		exit 0 ;;
	*)
		echo "demo: unknown argument: $arg (try --help)" >&2
		exit 2 ;;
	esac
done
[ -t 0 ] || auto=1

# --- what the demo needs ---------------------------------------------------
SASLSTEP=${SASLSTEP:-./saslstep}
PAM_MODULE=${PAM_MODULE:-./.libs/pam_saslstep.so}
if [ ! -x "$SASLSTEP" ] || [ ! -f "$PAM_MODULE" ]; then
	echo "demo: $SASLSTEP or $PAM_MODULE is missing: run it from the" \
	    "build directory after make (or use make demo)" >&2
	exit 1
fi
# A PAM service file needs the module's absolute path.
case $PAM_MODULE in
/*) ;;
*) PAM_MODULE=$(cd "$(dirname "$PAM_MODULE")" && pwd)/${PAM_MODULE##*/} ;;
esac
PAMTESTER=${PAMTESTER:-$(command -v pamtester || true)}
if [ -z "$PAMTESTER" ]; then
	echo "demo: pamtester is not installed (Debian: apt-get install" \
	    "pamtester)" >&2
	exit 1
fi
if [ -z "${PAM_WRAPPER_LIB:-}" ]; then
	# pam_wrapper's pkg-config output ends with a space
	PAM_WRAPPER_LIB=$(pkg-config --libs pam_wrapper 2>/dev/null |
	    sed 's/ *$//')
fi
if [ -z "$PAM_WRAPPER_LIB" ]; then
	for f in /usr/lib/*/libpam_wrapper.so /usr/lib64/libpam_wrapper.so \
	    /usr/lib/libpam_wrapper.so /usr/local/lib/libpam_wrapper.so; do
		if [ -f "$f" ]; then
			PAM_WRAPPER_LIB=$f
			break
		fi
	done
fi
if [ -z "$PAM_WRAPPER_LIB" ] || [ ! -f "$PAM_WRAPPER_LIB" ]; then
	echo "demo: pam_wrapper is not installed (Debian: apt-get install" \
	    "libpam-wrapper)" >&2
	exit 1
fi

# The tests' helpers: pam_service (a service file and "other" beside it)
# and pw_cleanup (what pam_wrapper left behind in processes that died).
. "$(dirname "$0")/../tests/lib.sh"

# --- a throwaway store, one user -------------------------------------------
dir=$(mktemp -d) || exit 1
chmod 700 "$dir"
trap 'rm -rf "$dir"; pw_cleanup' EXIT
trap 'exit 1' HUP INT TERM

store=$dir/store.db
user=alice
phrase='demo pass phrase'
init=$(printf '%s\n' "$phrase" |
    "$SASLSTEP" --db "$store" otp init "$user" --passphrase-stdin) || exit 1
# "alice: OTP sha1, next challenge otp-sha1 499 ab1234 ext": split the
# challenge into its words
# shellcheck disable=SC2046
set -- $(echo "$init" | sed 's/.*next challenge //')
alg=${1#otp-}
seq=$2
seed=$3
answer=$(printf '%s\n' "$phrase" |
    "$SASLSTEP" otp key --alg "$alg" "$seq" "$seed") || exit 1

pam_service "$dir/pam.d" saslstep-demo \
    "auth required $PAM_MODULE db=$store"

# pamtester under pam_wrapper, with the service directory above: the
# preload is on pamtester alone (TESTING.md).
pamtester() {
	env LD_PRELOAD="$PAM_WRAPPER_LIB" PAM_WRAPPER=1 \
	    PAM_WRAPPER_SERVICE_DIR="$dir/pam.d" \
	    "$PAMTESTER" -v saslstep-demo "$user" authenticate
}

# One login with $answer on stdin, its transcript printed: what pamtester
# showed (prompts on stderr, results on stdout), the answer after the
# prompt it answered.  Returns pamtester's status.
auto_login() {
	echo "\$ pamtester -v saslstep-demo $user authenticate"
	printf '%s\n' "$answer" | pamtester >"$dir/out" 2>"$dir/err"
	status=$?
	# the prompt has no newline: what pamtester said next follows it
	sed -e "s/Response: \(..*\)/Response: $answer\\
\1/" -e "s/Response: \$/Response: $answer/" "$dir/err" "$dir/out" |
	    sed 's/^/    /'
	return $status
}

echo "== pam_saslstep demo =="
echo "A throwaway store ($store) holds one user, $user, enrolled"
echo "for one-time passwords (RFC 2289) with the pass phrase \"$phrase\":"
echo "    $init"

if [ "$auto" -eq 0 ]; then
	cat <<EOF
pamtester now logs $user in through pam_saslstep.so, as sshd or login
would: it shows the challenge "otp-$alg $seq $seed" and asks for the
response.  Compute it in another terminal (the pass phrase is asked):
    $SASLSTEP otp key $seq $seed
(for this demo's sake, the answer is: $answer)

EOF
	pamtester
	first=$?
	if [ "$first" -ne 0 ]; then
		echo "The login failed: run the demo again and type the answer."
		exit 1
	fi
else
	echo "The demo computes the response to otp-$alg $seq $seed itself:"
	echo "    \$ $SASLSTEP otp key $seq $seed    # pass phrase on stdin"
	echo "    $answer"
	echo
	auto_login
	first=$?
fi

echo
echo "Replaying the same answer: an OTP is good for one login only."
auto_login
replay=$?
echo
if [ "$first" -eq 0 ] && [ "$replay" -ne 0 ]; then
	echo "Demo OK: the login succeeded and its replay was refused."
	exit 0
fi
echo "Demo FAILED: login exit $first (want 0)," \
    "replay exit $replay (want non-0)."
exit 1
