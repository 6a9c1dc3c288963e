/*
 * mechs.h: the mechanisms the core can look up.  Only lib/registry.c puts
 * them in a list; each is defined in its own file under mechs/.
 */
#ifndef SSTEP_MECHS_H
#define SSTEP_MECHS_H

#include "saslstep-int.h"

extern const struct sstep_mech sstep_mech_otp; /* mechs/otp.c */

#endif /* SSTEP_MECHS_H */
