/*
 * bench-cyrus.c: Cyrus SASL's sides for the benchmark, from the
 * interop program's own source rather than a copy of it: the file is
 * included with its main() renamed, and the functions below hand its
 * static peer and sasldb set-up to bench.c (bench.h).
 */
#include "config.h"

#include "bench.h"

int peer_cyrus_main(int argc, char **argv);
#define main peer_cyrus_main
#include "../tests/interop/peer-cyrus.c"
#undef main

const struct peer *
bench_cyrus_start(const char *dir, const char *user, const char *verifier)
{
	/* The user holds the verifier (authPassword) alone, as for
	 * `peer-cyrus verifier`: no plaintext for Cyrus to derive from. */
	if (setup(dir) != 0 || set_verifier(user, verifier) != 0)
		return NULL;
	return &cyrus_peer;
}

void
bench_cyrus_done(void)
{
	sasl_server_done();
	sasl_client_done();
}
