/*
 * bench-gsasl.c: GNU SASL's sides for the benchmark, from the
 * interop program's own source rather than a copy of it: the file is
 * included with its main() renamed, and the functions below hand its
 * static peer and server set-up to bench.c (bench.h).
 */
#include "config.h"

#include "bench.h"

int peer_gsasl_main(int argc, char **argv);
#define main peer_gsasl_main
#include "../tests/interop/peer-gsasl.c"
#undef main

static struct rfc5803 bench_ver;
static int bench_ver_set;

const struct peer *
bench_gsasl_start(const char *user, const char *verifier)
{
	if (rfc5803_split(verifier, &bench_ver) != 0)
		return NULL;
	bench_ver_set = 1;
	if (gsasl_init(&ctx) != GSASL_OK) {
		bench_gsasl_done();
		return NULL;
	}
	gsasl_callback_set(ctx, callback);
	server_db.user = user;
	server_db.pass = NULL; /* the verifier only, as ours */
	server_db.ver = &bench_ver;
	return &gsasl_peer;
}

void
bench_gsasl_done(void)
{
	if (ctx != NULL)
		gsasl_done(ctx);
	ctx = NULL;
	if (bench_ver_set)
		rfc5803_free(&bench_ver);
	bench_ver_set = 0;
}
