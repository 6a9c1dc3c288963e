#!/bin/sh
# Audit: for every mechanism the library has, a person who gives a wrong
# answer sees the same thing whether the user is enrolled, enrolled but
# locked, known without a credential, or unknown: the same prompts, in
# the same rounds and styles, and the same result.  Transcripts are
# compared exactly, except where a mechanism shows per-user values that
# are fake for the unknown (the OTP challenge: sequence number and seed
# are compared by shape; the user's name, which some prompts show, is not
# compared).  The list of mechanisms comes from the module
# itself (what it logs for an unknown mech=), so a new mechanism without
# a line in enrol() and wrong() below fails this test.
. "$top_srcdir/tests/pam/setup.sh"
. "$top_srcdir/tests/hardening/lib.sh"

need PAM_WRAPPER_LIB
db=$tmp/s.db
PW='hardening pass word'
"$top_builddir/tests/pam/store-user" "$db" bob ||
	hard_error "store-user bob failed"

# enrol MECH USER: enrol USER for MECH with the tools a person would use.
enrol() {
	case $1 in
	OTP)
		printf '%s\n' "$PASSPHRASE" | "$SASLSTEP" --db "$db" otp init \
		    "$2" --seq 100 --passphrase-stdin ;;
	PLAIN | SCRAM-* | CRAM-MD5)
		printf '%s\n' "$PW" | "$SASLSTEP" --db "$db" passwd "$2" \
		    --password-stdin --cram-md5 ;;
	HOTP) "$SASLSTEP" --db "$db" hotp init "$2" ;;
	TOTP) "$SASLSTEP" --db "$db" totp init "$2" ;;
	RECOVERY) "$SASLSTEP" --db "$db" recovery init "$2" ;;
	*) return 1 ;;
	esac
}
# wrong MECH: a well-formed wrong answer.
wrong() {
	case $1 in
	OTP) echo 'hex:0123456789abcdef' ;;
	HOTP | TOTP) echo 000000 ;;
	RECOVERY) echo 'aaaaa-aaaaa' ;;
	*) echo 'not the pass word' ;;
	esac
}
# shape MECH USER: what of USER's transcript is compared (stdin to
# stdout): the user's own name, shown in some prompts, is not.
shape() {
	case $1 in
	OTP) sed 's/\(otp-[a-z0-9]*\) [1-9][0-9]* [a-z][a-z][0-9][0-9][0-9][0-9] ext/\1 N SEED ext/' ;;
	*) cat ;;
	esac | sed "s/$2/USER/g"
}

confdir "$tmp/list" "db=$db" mech=NO-SUCH-MECHANISM
logged_login "$tmp/list" alice --answer x
mechs=$(printf '%s\n' "$log" | sed -n 's/.*(known: \([^)]*\)).*/\1/p' |
    head -n 1)
[ -n "$mechs" ] || hard_error "the module did not list its mechanisms: $log"
echo "mechanisms: $mechs"

for mech in $mechs; do
	checks=$((checks + 1))
	if ! enrol "$mech" alice >/dev/null 2>&1 ||
	    ! enrol "$mech" carol >/dev/null 2>&1; then
		fail "$mech: no way to enrol a user (add it to enrol())"
		continue
	fi
	"$SASLSTEP" --db "$db" user lock carol >/dev/null ||
		hard_error "cannot lock carol"
	confdir "$tmp/pam" "db=$db" "mech=$mech"
	answer=$(wrong "$mech")
	drive "$tmp/pam" alice --answer "$answer"
	known=$(printf '%s\n' "$out" | shape "$mech" alice)
	checks=$((checks + 1))
	case $known in
	*PROMPT*"RESULT PAM_AUTH_ERR") ;;
	*) fail "$mech: enrolled user, wrong answer: $out" ;;
	esac
	for user in carol bob mallory; do
		drive "$tmp/pam" $user --answer "$answer"
		check_eq "$mech: $user looks like an enrolled user" \
		    "$(printf '%s\n' "$out" | shape "$mech" $user)" "$known"
	done
	"$SASLSTEP" --db "$db" user unlock carol >/dev/null
	echo "$mech: $(printf '%s\n' "$known" | grep -c PROMPT) prompt(s), the same for all"
done
finish
