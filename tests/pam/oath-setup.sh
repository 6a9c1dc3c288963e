# tests/pam/oath-setup.sh: what the HOTP/TOTP tests of tiers 1 and 2
# share, on top of tests/pam/setup.sh (which each sources first).
#
# The module's clock is set with libfaketime (FAKETIME_FMT=%s, so a Unix
# time is given as is; the clock then runs on from it), preloaded on the
# program under test alone, so every window and reuse check is exact.
# Keys are known (the RFC 4226 / RFC 6238 key) and codes are computed by
# tests/pam/oath-helper through mechs/oath.h, which test-oath checks
# against the RFC vectors and oathtool.

OATH_HELPER=$top_builddir/tests/pam/oath-helper
[ -x "$OATH_HELPER" ] || hard_error "$OATH_HELPER not built"

# The key of RFC 4226 appendix D and RFC 6238 appendix B, in hex.
KEY=3132333435363738393031323334353637383930
# A time in the middle of a 30-second step (the RFC 6238 row 1234567890
# plus 15 seconds), and that step.
T0=1234567905
S0=41152263

[ -n "$FAKETIME_LIB" ] || skip "no libfaketime (Debian package faketime)"
export FAKETIME_FMT=%s

# oath_enrol DB USER hotp|totp [OPTIONS]: enrol USER with $KEY.
oath_enrol() {
	oath_enrol_db=$1
	oath_enrol_user=$2
	oath_enrol_kind=$3
	shift 3
	"$OATH_HELPER" enrol "$oath_enrol_db" "$oath_enrol_user" \
		"$oath_enrol_kind" "$KEY" "$@" ||
		hard_error "oath-helper enrol $oath_enrol_user failed"
}

# totp_code STEP [OPTIONS]: the TOTP code of $KEY for time step STEP of 30
# seconds.  hotp_code COUNTER [OPTIONS]: the HOTP code.
totp_code() {
	totp_code_step=$1
	shift
	"$OATH_HELPER" code totp "$KEY" --time $((totp_code_step * 30)) "$@" ||
		hard_error "oath-helper code failed"
}
hotp_code() {
	hotp_code_counter=$1
	shift
	"$OATH_HELPER" code hotp "$KEY" --counter "$hotp_code_counter" "$@" ||
		hard_error "oath-helper code failed"
}

# stored_counter DB USER FAMILY: the counter of USER's credential.
stored_counter() {
	"$OATH_HELPER" counter "$1" "$2" "$3" ||
		hard_error "oath-helper counter failed"
}

# drive_at T CONFDIR USER DRIVER-ARGS...: drive (setup.sh) with the
# driver's clock at Unix time T.
drive_at() {
	drive_at_vg=$VG
	VG="env LD_PRELOAD=$FAKETIME_LIB FAKETIME=@$1 $VG"
	shift
	drive "$@"
	VG=$drive_at_vg
}

# code_prompt WHAT USER [ECHO]: the driver's line for the code prompt,
# e.g. code_prompt TOTP alice.
code_prompt() {
	printf 'PROMPT_ECHO_%s "%s code for %s\\nVerification code: "' \
		"${3:-OFF}" "$1" "$2"
}
