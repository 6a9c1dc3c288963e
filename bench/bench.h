/*
 * bench.h: what bench.c gets from the peer wrappers (bench/bench-gsasl.c,
 * bench/bench-cyrus.c): a GNU SASL or Cyrus SASL side made by the interop
 * harness's own code (tests/interop), with the peer's server holding one
 * user's RFC 5803 SCRAM verifier only, so that its exchange uses the same
 * salt and iteration count as ours and derives nothing on the server.
 */
#ifndef SSTEP_BENCH_H
#define SSTEP_BENCH_H

#include "interop.h"

/*
 * Start GNU SASL with its server knowing user by the RFC 5803 verifier
 * text only.  Returns the peer (client() and server() make sides for
 * interop_run()), or NULL when GNU SASL cannot start or the verifier is
 * not one.  bench_gsasl_done() releases what it holds.
 */
const struct peer *bench_gsasl_start(const char *user, const char *verifier);
void bench_gsasl_done(void);

/*
 * The same for Cyrus SASL, whose sasldb and config live in dir (an
 * existing private directory).  NULL on failure.
 */
const struct peer *bench_cyrus_start(
    const char *dir, const char *user, const char *verifier);
void bench_cyrus_done(void);

#endif /* SSTEP_BENCH_H */
