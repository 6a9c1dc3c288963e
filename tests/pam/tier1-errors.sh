#!/bin/sh
# Tier 1: what goes wrong around a login.  A store that is missing,
# corrupt or writable by others is PAM_AUTHINFO_UNAVAIL before any prompt;
# an unknown or malformed module argument is PAM_SERVICE_ERR; a failed
# conversation is PAM_CONV_ERR.  None of it consumes the user's sequence.
. "$top_srcdir/tests/pam/setup.sh"

db=$tmp/s.db
otp_init "$db" alice 10 ab12

# unavailable_store WHAT URI: the module refuses before any prompt.
unavailable_store() {
	confdir "$tmp/bad" "db=$2"
	drive "$tmp/bad" alice --passphrase "$PASSPHRASE"
	check_eq "$1" "$out" "RESULT PAM_AUTHINFO_UNAVAIL"
}
unavailable_store "missing store" "$tmp/missing.db"
unavailable_store "missing directory" "$tmp/nodir/s.db"
printf 'this is not an SQLite database, whatever it says\n' >"$tmp/junk.db"
chmod 600 "$tmp/junk.db"
unavailable_store "corrupt store" "$tmp/junk.db"
mkdir -m 700 "$tmp/gw"
cp -p "$db" "$tmp/gw/s.db"
chmod 620 "$tmp/gw/s.db"
unavailable_store "group-writable store" "$tmp/gw/s.db"
chmod 602 "$tmp/gw/s.db"
unavailable_store "world-writable store" "$tmp/gw/s.db"
mkdir -m 700 "$tmp/gwdir"
cp -p "$db" "$tmp/gwdir/s.db"
chmod 770 "$tmp/gwdir"
unavailable_store "store in a group-writable directory" "$tmp/gwdir/s.db"

# Arguments: each of these alone makes the module refuse to run.
for arg in bogus nullok=1 debug=yes db= mech= mech=NOPE mech=OTP,,OTP \
	mech=OTP,NOPE prompt '[prompt=]' DB=$db; do
	confdir "$tmp/args" "db=$db" "$arg"
	drive "$tmp/args" alice --passphrase "$PASSPHRASE"
	check_eq "module argument $arg" "$out" "RESULT PAM_SERVICE_ERR"
done
confdir "$tmp/args" "db=$db" mech=OTP,OTP,OTP,OTP,OTP,OTP,OTP,OTP,OTP
drive "$tmp/args" alice --passphrase "$PASSPHRASE"
check_eq "more than 8 mechanisms" "$out" "RESULT PAM_SERVICE_ERR"

# The conversation.
confdir "$tmp/pam" "db=$db"
drive "$tmp/pam" alice --conv-fail --passphrase "$PASSPHRASE"
check_eq "conversation error" "$out" "$(challenge_prompt 9 ab12)
RESULT PAM_CONV_ERR"
drive "$tmp/pam" alice --null-reply --passphrase "$PASSPHRASE"
check_eq "conversation without replies" "$out" "$(challenge_prompt 9 ab12)
RESULT PAM_CONV_ERR"
drive "$tmp/pam" alice --null-resp
check_eq "conversation with a NULL reply" "$out" "$(challenge_prompt 9 ab12)
RESULT PAM_CONV_ERR"
drive "$tmp/pam" alice
check_eq "conversation with no answer" "$out" "$(challenge_prompt 9 ab12)
CONV no answer
RESULT PAM_CONV_ERR"
long=$(printf '%0513d' 0)
drive "$tmp/pam" alice --answer "$long"
check_eq "reply longer than PAM_MAX_RESP_SIZE" "$out" \
	"$(challenge_prompt 9 ab12)
RESULT PAM_AUTH_ERR"

# Nothing above consumed the sequence or left a challenge pending.
drive "$tmp/pam" alice --passphrase "$PASSPHRASE"
check_eq "login after the errors" "$out" "$(challenge_prompt 9 ab12)
RESULT PAM_SUCCESS"

finish
