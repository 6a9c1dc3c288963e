#!/bin/sh
# Tier 1: HOTP logins through the module, as a person sees them: the RFC
# 4226 codes in order, a replayed code refused, the look-ahead (default 10,
# lookahead=) and the counter moving past the matched value, an unknown
# user, and malformed codes using nothing up.
. "$top_srcdir/tests/pam/setup.sh"
. "$top_srcdir/tests/pam/oath-setup.sh"

db=$tmp/s.db
oath_enrol "$db" hal hotp
confdir "$tmp/pam" "db=$db mech=HOTP"

# RFC 4226 appendix D: counter 0 is 755224.
drive "$tmp/pam" hal --answer 755224
check_eq "counter 0" "$out" "$(code_prompt HOTP hal)
RESULT PAM_SUCCESS"
check_eq "counter 0: next counter" "$(stored_counter "$db" hal hotp)" 1
drive "$tmp/pam" hal --answer 755224
check_eq "counter 0 replayed" "$out" "$(code_prompt HOTP hal)
RESULT PAM_AUTH_ERR"

# The token was pressed four times without a login: counter 5 is within
# the look-ahead, and the counter moves past it.
drive "$tmp/pam" hal --answer 254676
check_eq "counter 5 (look-ahead)" "$out" "$(code_prompt HOTP hal)
RESULT PAM_SUCCESS"
check_eq "counter 5: next counter" "$(stored_counter "$db" hal hotp)" 6
drive "$tmp/pam" hal --answer 338314
check_eq "counter 4, skipped over" "$out" "$(code_prompt HOTP hal)
RESULT PAM_AUTH_ERR"

# 6 + 11 = 17 is beyond the default look-ahead, within lookahead=11.
c17=$(hotp_code 17)
drive "$tmp/pam" hal --answer "$c17"
check_eq "counter 17, look-ahead 10" "$out" "$(code_prompt HOTP hal)
RESULT PAM_AUTH_ERR"
confdir "$tmp/pam-la" "db=$db mech=HOTP lookahead=11"
drive "$tmp/pam-la" hal --answer "$c17"
check_eq "counter 17, lookahead=11" "$out" "$(code_prompt HOTP hal)
RESULT PAM_SUCCESS"
check_eq "counter 17: next counter" "$(stored_counter "$db" hal hotp)" 18

# lookahead=0: only the expected value.
confdir "$tmp/pam-la0" "db=$db mech=HOTP lookahead=0"
drive "$tmp/pam-la0" hal --answer "$(hotp_code 19)"
check_eq "lookahead=0, one ahead" "$out" "$(code_prompt HOTP hal)
RESULT PAM_AUTH_ERR"
drive "$tmp/pam-la0" hal --answer "$(hotp_code 18)"
check_eq "lookahead=0, the expected one" "$out" "$(code_prompt HOTP hal)
RESULT PAM_SUCCESS"

# Malformed codes and wrong codes move nothing.
for bad in 1234 1234567890 x12345 '' 123456789; do
	drive "$tmp/pam" hal --answer "$bad"
	check_eq "malformed code '$bad'" "$out" "$(code_prompt HOTP hal)
RESULT PAM_AUTH_ERR"
done
check_eq "failures used nothing" "$(stored_counter "$db" hal hotp)" 19

# Eight digits, SHA-512 (any key works; the helper computes the code).
oath_enrol "$db" ivy hotp --alg sha512 --digits 8
drive "$tmp/pam" ivy --answer "$(hotp_code 3 --alg sha512 --digits 8)"
check_eq "SHA-512, 8 digits" "$out" "$(code_prompt HOTP ivy)
RESULT PAM_SUCCESS"
check_eq "SHA-512: next counter" "$(stored_counter "$db" ivy hotp)" 4

drive "$tmp/pam" mallory --answer 755224
check_eq "unknown user" "$out" "$(code_prompt HOTP mallory)
RESULT PAM_AUTH_ERR"

finish
