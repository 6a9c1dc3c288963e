/*
 * transfer.c: what the import readers share (see transfer.h): reading the
 * input whole into wiped memory, cutting it into lines, line-numbered
 * messages, and the batch that is checked whole and then written in one
 * store transaction, so that a bad line anywhere changes nothing.
 */
#include "config.h"

#include <sys/types.h>
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/crypto.h>

#include "cli.h"
#include "store.h"
#include "transfer.h"

/* ---------------------------------------------------------------------- */
/* Buffers and input */

/*
 * Grow *buf (cap bytes, len used) to at least need bytes without
 * realloc(): the old block holds secrets and is wiped before it is freed.
 */
static int
grow(char **buf, size_t *cap, size_t len, size_t need)
{
	size_t ncap = *cap > 0 ? *cap : 4096;
	char *n;

	while (ncap < need)
		ncap *= 2;
	if (ncap == *cap)
		return 0;
	if ((n = malloc(ncap)) == NULL)
		return -1;
	if (*buf != NULL) {
		memcpy(n, *buf, len);
		sstep_freezero(*buf, *cap);
	}
	*buf = n;
	*cap = ncap;
	return 0;
}

void
xfer_buf_add(struct xfer_buf *b, const void *p, size_t n)
{
	if (b->nomem)
		return;
	if (n >= SIZE_MAX / 2 - b->len ||
	    grow(&b->p, &b->cap, b->len, b->len + n + 1) != 0) {
		b->nomem = 1;
		return;
	}
	memcpy(b->p + b->len, p, n);
	b->len += n;
	b->p[b->len] = '\0';
}

void
xfer_buf_addf(struct xfer_buf *b, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (b->nomem)
		return;
	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	/* Formatted straight into the buffer: no copy of a secret to wipe. */
	if (n < 0 || (size_t)n >= SIZE_MAX / 2 - b->len ||
	    grow(&b->p, &b->cap, b->len, b->len + (size_t)n + 1) != 0) {
		b->nomem = 1;
		return;
	}
	va_start(ap, fmt);
	vsnprintf(b->p + b->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	b->len += (size_t)n;
}

void
xfer_buf_free(struct xfer_buf *b)
{
	if (b->p != NULL)
		sstep_freezero(b->p, b->cap);
	memset(b, 0, sizeof(*b));
}

int
xfer_input_read(struct xfer_input *in, const char *path, size_t max)
{
	struct stat sb;
	char *buf = NULL;
	size_t len = 0, cap = 0;
	ssize_t n;
	int fd, ret = CLI_FAIL;

	memset(in, 0, sizeof(*in));
	if (max == 0)
		max = XFER_INPUT_MAX;
	if (path == NULL || strcmp(path, "-") == 0) {
		in->name = "stdin";
		fd = STDIN_FILENO;
	} else {
		in->name = path;
		if ((fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY)) == -1)
			return xfer_error(in, "%s", strerror(errno));
	}
	if (fstat(fd, &sb) != 0) {
		xfer_error(in, "%s", strerror(errno));
		goto out;
	}
	if (S_ISDIR(sb.st_mode)) {
		xfer_error(in, "is a directory");
		goto out;
	}
	for (;;) {
		/* One byte more than max may come, to tell "too large". */
		if (grow(&buf, &cap, len, len + 4096 + 1) != 0) {
			xfer_error(in, "out of memory");
			goto out;
		}
		n = read(fd, buf + len, cap - len - 1);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			xfer_error(in, "%s", strerror(errno));
			goto out;
		}
		if (n == 0)
			break;
		len += (size_t)n;
		if (len > max) {
			xfer_error(in, "larger than %zu bytes", max);
			goto out;
		}
	}
	buf[len] = '\0';
	in->buf = buf;
	in->len = len;
	buf = NULL; /* transferred */
	ret = CLI_OK;
out:
	if (buf != NULL)
		sstep_freezero(buf, cap);
	if (fd != STDIN_FILENO)
		close(fd);
	return ret;
}

int
xfer_input_line(struct xfer_input *in, const char **line, size_t *len)
{
	const char *p, *nl;
	size_t n;

	*line = NULL;
	*len = 0;
	if (in->buf == NULL || in->pos >= in->len)
		return 0;
	p = in->buf + in->pos;
	nl = memchr(p, '\n', in->len - in->pos);
	n = nl != NULL ? (size_t)(nl - p) : in->len - in->pos;
	in->pos += n + (nl != NULL);
	in->lineno++;
	/* Files edited on other systems end their lines with CR LF. */
	if (n > 0 && p[n - 1] == '\r')
		n--;
	if (memchr(p, '\0', n) != NULL) {
		xfer_error(in, "the line holds a NUL byte");
		return -1;
	}
	*line = p;
	*len = n;
	return 1;
}

void
xfer_input_free(struct xfer_input *in)
{
	if (in->buf != NULL)
		sstep_freezero(in->buf, in->len + 1);
	memset(in, 0, sizeof(*in));
}

static int verror_at(const struct xfer_input *in, unsigned lineno,
    const char *fmt, va_list ap) SSTEP_PRINTF(3, 0);

static int
verror_at(
    const struct xfer_input *in, unsigned lineno, const char *fmt, va_list ap)
{
	char msg[512];

	vsnprintf(msg, sizeof(msg), fmt, ap);
	if (lineno > 0)
		return cli_error("import: %s:%u: %s", in->name, lineno, msg);
	return cli_error("import: %s: %s", in->name, msg);
}

int
xfer_error(const struct xfer_input *in, const char *fmt, ...)
{
	va_list ap;
	int r;

	va_start(ap, fmt);
	r = verror_at(in, in->lineno, fmt, ap);
	va_end(ap);
	return r;
}

static int error_at(const struct xfer_input *in, unsigned lineno,
    const char *fmt, ...) SSTEP_PRINTF(3, 4);

static int
error_at(const struct xfer_input *in, unsigned lineno, const char *fmt, ...)
{
	va_list ap;
	int r;

	va_start(ap, fmt);
	r = verror_at(in, lineno, fmt, ap);
	va_end(ap);
	return r;
}

/* ---------------------------------------------------------------------- */
/* The batch */

/* A new item at the end of b, for user (len bytes, checked here). */
static struct xfer_item *
add_item(struct xfer_batch *b, const struct xfer_input *in, const char *user,
    size_t len)
{
	struct xfer_item *items, *it;
	size_t ncap;

	if (!sstep_store_name_ok(user, len)) {
		xfer_error(in,
		    "invalid user name (1 to %d bytes, no control "
		    "character or ':')",
		    SSTEP_NAME_MAX);
		return NULL;
	}
	if (b->n == b->cap) {
		ncap = b->cap > 0 ? b->cap * 2 : 64;
		if (ncap > SIZE_MAX / sizeof(*items) ||
		    (items = realloc(b->items, ncap * sizeof(*items))) ==
		        NULL) {
			xfer_error(in, "out of memory");
			return NULL;
		}
		b->items = items;
		b->cap = ncap;
	}
	it = &b->items[b->n];
	memset(it, 0, sizeof(*it));
	if ((it->user = sstep_memdup0(user, len)) == NULL) {
		xfer_error(in, "out of memory");
		return NULL;
	}
	it->lineno = in->lineno;
	b->n++;
	return it;
}

int
xfer_add_user(struct xfer_batch *b, const struct xfer_input *in,
    const char *user, size_t len, int locked)
{
	struct xfer_item *it;

	if ((it = add_item(b, in, user, len)) == NULL)
		return CLI_FAIL;
	it->is_user = 1;
	it->locked = locked != 0;
	return CLI_OK;
}

int
xfer_add_cred(struct xfer_batch *b, const struct xfer_input *in,
    const char *user, size_t len, struct sstep_cred *c)
{
	struct xfer_item *it;

	if ((it = add_item(b, in, user, len)) == NULL) {
		sstep_cred_clear(c);
		return CLI_FAIL;
	}
	it->cred = *c; /* transferred */
	memset(c, 0, sizeof(*c));
	return CLI_OK;
}

/* Order: user, then the user line before credentials by family, then the
 * line it came from; equal neighbours are duplicates. */
static int
item_cmp(const void *a, const void *b)
{
	const struct xfer_item *x = *(const struct xfer_item *const *)a;
	const struct xfer_item *y = *(const struct xfer_item *const *)b;
	int c;

	if ((c = strcmp(x->user, y->user)) != 0)
		return c;
	if (x->is_user != y->is_user)
		return x->is_user ? -1 : 1;
	if (!x->is_user && (c = strcmp(x->cred.family, y->cred.family)) != 0)
		return c;
	return x->lineno < y->lineno ? -1 : x->lineno > y->lineno;
}

static int
same_slot(const struct xfer_item *x, const struct xfer_item *y)
{
	return strcmp(x->user, y->user) == 0 && x->is_user == y->is_user &&
	       (x->is_user || strcmp(x->cred.family, y->cred.family) == 0);
}

int
xfer_batch_check(struct xfer_batch *b, const struct xfer_input *in)
{
	const struct xfer_item **sorted = NULL, *x, *y;
	size_t i;
	int ret = CLI_FAIL;

	b->users = b->creds = 0;
	if (b->n == 0)
		return CLI_OK;
	/* An array of pointers, sized as such. */
	/* NOLINTNEXTLINE(bugprone-sizeof-expression) */
	if ((sorted = calloc(b->n, sizeof(*sorted))) == NULL)
		return error_at(in, 0, "out of memory");
	for (i = 0; i < b->n; i++) {
		x = &b->items[i];
		if (!x->is_user &&
		    !sstep_store_family_ok(x->cred.family,
		        strnlen(x->cred.family, SSTEP_FAMILY_MAX))) {
			error_at(in, x->lineno, "invalid credential family");
			goto out;
		}
		sorted[i] = x;
	}
	/* NOLINTNEXTLINE(bugprone-sizeof-expression) */
	qsort(sorted, b->n, sizeof(*sorted), item_cmp);
	b->users = 1;
	b->creds = !sorted[0]->is_user;
	for (i = 1; i < b->n; i++) {
		x = sorted[i - 1];
		y = sorted[i];
		b->users += strcmp(x->user, y->user) != 0;
		b->creds += !y->is_user;
		if (!same_slot(x, y))
			continue;
		if (y->is_user)
			error_at(in, y->lineno,
			    "a second user line for %s (the first is line %u)",
			    y->user, x->lineno);
		else
			error_at(in, y->lineno,
			    "a second %s credential for %s (the first is "
			    "line %u)",
			    y->cred.family, y->user, x->lineno);
		goto out;
	}
	ret = CLI_OK;
out:
	free(sorted);
	return ret;
}

int
xfer_batch_write(saslstep_store_t *st, const struct xfer_batch *b,
    const struct xfer_input *in)
{
	const struct xfer_item *it;
	size_t i;
	int r;

	if ((r = sstep_store_begin(st)) != SASLSTEP_OK)
		return error_at(in, 0, "%s", sstep_store_error(st));
	for (i = 0; i < b->n; i++) {
		it = &b->items[i];
		if (it->is_user) {
			r = sstep_store_user_add(st, it->user);
			if (r == SASLSTEP_OK)
				r = sstep_store_user_set_locked(
				    st, it->user, it->locked);
		} else
			r = sstep_store_cred_put(st, it->user, &it->cred);
		if (r != SASLSTEP_OK) {
			error_at(in, it->lineno, "%s: %s", it->user,
			    sstep_store_error(st));
			sstep_store_rollback(st);
			return CLI_FAIL;
		}
	}
	/* A failed commit keeps nothing (store.h). */
	if ((r = sstep_store_commit(st)) != SASLSTEP_OK)
		return error_at(in, 0, "%s", sstep_store_error(st));
	return CLI_OK;
}

void
xfer_batch_free(struct xfer_batch *b)
{
	size_t i;

	for (i = 0; i < b->n; i++) {
		free(b->items[i].user);
		sstep_cred_clear(&b->items[i].cred);
	}
	free(b->items);
	memset(b, 0, sizeof(*b));
}

/* ---------------------------------------------------------------------- */
/* Small parsers */

size_t
xfer_split(const char *s, size_t len, char sep, const char **field,
    size_t *flen, size_t max)
{
	const char *p;
	size_t n = 0;

	for (;;) {
		p = memchr(s, sep, len);
		if (n == max)
			return max + 1;
		field[n] = s;
		flen[n] = p != NULL ? (size_t)(p - s) : len;
		n++;
		if (p == NULL)
			return n;
		len -= (size_t)(p - s) + 1;
		s = p + 1;
	}
}

int
xfer_parse_int(
    const char *s, size_t len, int64_t min, int64_t max, int64_t *out)
{
	uint64_t v = 0, limit;
	size_t i = 0;
	int neg = 0;

	if (len > 0 && s[0] == '-' && min < 0) {
		neg = 1;
		i = 1;
	}
	if (i == len || len - i > 19)
		return -1;
	limit = neg ? (uint64_t)INT64_MAX + 1 : (uint64_t)INT64_MAX;
	for (; i < len; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (uint64_t)(s[i] - '0');
		if (v > limit)
			return -1;
	}
	if (neg)
		*out = v == (uint64_t)INT64_MAX + 1 ? INT64_MIN : -(int64_t)v;
	else
		*out = (int64_t)v;
	if (*out < min || *out > max)
		return -1;
	return 0;
}

int
xfer_hex_decode(
    const char *s, size_t len, unsigned char *out, size_t max, size_t *outlen)
{
	size_t i;
	int hi, lo;

	*outlen = 0;
	if (len % 2 != 0 || len / 2 > max)
		return -1;
	for (i = 0; i < len; i += 2) {
		if ((hi = OPENSSL_hexchar2int((unsigned char)s[i])) < 0 ||
		    (lo = OPENSSL_hexchar2int((unsigned char)s[i + 1])) < 0) {
			sstep_wipe(out, i / 2);
			return -1;
		}
		out[i / 2] = (unsigned char)(hi << 4 | lo);
	}
	*outlen = len / 2;
	return 0;
}

void
xfer_hex_add(struct xfer_buf *b, const unsigned char *p, size_t n)
{
	static const char digits[] = "0123456789abcdef";
	char pair[2];
	size_t i;

	for (i = 0; i < n; i++) {
		pair[0] = digits[p[i] >> 4];
		pair[1] = digits[p[i] & 0x0f];
		xfer_buf_add(b, pair, 2);
	}
	sstep_wipe(pair, sizeof(pair));
}
