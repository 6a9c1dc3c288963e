/*
 * secret.c: the one place secrets are wiped and compared.  Everything that
 * held a pass phrase, a one-time value, a key or a conversation reply goes
 * through here, so a review of secret handling starts and ends in this file.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>

#include "saslstep-int.h"

void
sstep_wipe(void *p, size_t n)
{
	/* OPENSSL_cleanse is not optimised away, unlike a plain memset. */
	if (p != NULL && n > 0)
		OPENSSL_cleanse(p, n);
}

void
sstep_freezero(void *p, size_t n)
{
	if (p == NULL)
		return;
	sstep_wipe(p, n);
	free(p);
}

void
sstep_free_str(char *s)
{
	if (s == NULL)
		return;
	sstep_freezero(s, strlen(s));
}

int
sstep_secret_eq(const void *a, const void *b, size_t n)
{
	return CRYPTO_memcmp(a, b, n) == 0;
}

char *
sstep_memdup0(const void *p, size_t n)
{
	char *s;

	if (n == SIZE_MAX || (s = malloc(n + 1)) == NULL)
		return NULL;
	if (n > 0)
		memcpy(s, p, n);
	s[n] = '\0';
	return s;
}
