/*
 * mechs.h: the mechanisms the core can look up.  Only lib/registry.c puts
 * them in a list; each is defined in its own file under mechs/.
 */
#ifndef SSTEP_MECHS_H
#define SSTEP_MECHS_H

#include "saslstep-int.h"

extern const struct sstep_mech sstep_mech_otp;          /* mechs/otp.c */
extern const struct sstep_mech sstep_mech_scram_sha1;   /* mechs/scram.c */
extern const struct sstep_mech sstep_mech_scram_sha256; /* mechs/scram.c */
extern const struct sstep_mech sstep_mech_scram_sha512; /* draft only */
extern const struct sstep_mech sstep_mech_hotp;         /* mechs/oath.c */
extern const struct sstep_mech sstep_mech_totp;         /* mechs/oath.c */
extern const struct sstep_mech sstep_mech_recovery;     /* mechs/oath.c */
extern const struct sstep_mech sstep_mech_plain;        /* mechs/plain.c */
extern const struct sstep_mech sstep_mech_crammd5; /* mechs/crammd5.c, legacy */

#endif /* SSTEP_MECHS_H */
