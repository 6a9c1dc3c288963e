/*
 * qr.c: QR codes on a terminal and in PNG files (see qr.h).
 *
 * Both drawings read the symbol through one function, module(), which
 * adds the quiet zone, so the terminal and the PNG cannot disagree.  The
 * symbol's modules spell out the encoded text (an otpauth:// URI holds the
 * key), so they are wiped before libqrencode frees them, and so are the PNG
 * rows.  (libqrencode's own scratch buffers are out of our reach.)
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <png.h>
#include <qrencode.h>

#include "cli.h"
#include "qr.h"

static QRcode *
qr_encode(const char *text)
{
	QRcode *q;

	/* Level M (15 % recovery) keeps a 64-byte SHA-512 key's URI within
	 * 80 columns of terminal; the phone is held close anyway. */
	errno = 0;
	if ((q = QRcode_encodeString(text, 0, QR_ECLEVEL_M, QR_MODE_8, 1)) ==
	    NULL) {
		cli_error("cannot make a QR code: %s",
		    errno == ERANGE ? "text too long" : strerror(errno));
		return NULL;
	}
	return q;
}

static void
qr_free(QRcode *q)
{
	if (q == NULL)
		return;
	sstep_wipe(q->data, (size_t)q->width * (size_t)q->width);
	QRcode_free(q);
}

/* The side of the drawing in modules, quiet zone included. */
static int
qr_side(const QRcode *q)
{
	return q->width + 2 * SSTEP_QR_QUIET;
}

/* 1 when the module at (x, y) of the drawing is dark; the quiet zone and
 * anything outside the symbol is light. */
static int
module(const QRcode *q, int x, int y)
{
	x -= SSTEP_QR_QUIET;
	y -= SSTEP_QR_QUIET;
	if (x < 0 || y < 0 || x >= q->width || y >= q->width)
		return 0;
	return q->data[(size_t)y * (size_t)q->width + (size_t)x] & 1;
}

int
sstep_qr_print(FILE *fp, const char *text, int colour)
{
	/* Indexed by top + 2 * bottom (1 = dark). */
	static const char *const cell[4] = {" ", "\u2580", "\u2584", "\u2588"};
	QRcode *q;
	int x, y, side;

	if ((q = qr_encode(text)) == NULL)
		return -1;
	side = qr_side(q);
	for (y = 0; y < side; y += 2) {
		/* Black on white, reset at each line end so that a wrapped
		 * or interrupted drawing leaves the terminal as it was. */
		if (colour)
			fputs("\033[30;47m", fp);
		for (x = 0; x < side; x++)
			fputs(cell[module(q, x, y) + 2 * module(q, x, y + 1)],
			    fp);
		fputs(colour ? "\033[0m\n" : "\n", fp);
	}
	qr_free(q);
	if (ferror(fp)) {
		cli_error("cannot write the QR code");
		return -1;
	}
	return 0;
}

/* Open path for writing a secret: 0600, no symbolic link, regular file. */
static FILE *
open_private(const char *path)
{
	struct stat sb;
	FILE *fp;
	int fd;

	if ((fd = open(path, O_WRONLY | O_CREAT | O_NOFOLLOW | O_CLOEXEC,
	         0600)) == -1) {
		cli_error("%s: %s", path, strerror(errno));
		return NULL;
	}
	/* Truncate only once it is known to be a regular file of ours with
	 * no other name: a file someone else made (in /tmp, say) would let
	 * them read the key, whatever mode it is given now. */
	if (fstat(fd, &sb) == -1 || !S_ISREG(sb.st_mode) ||
	    sb.st_uid != geteuid() || sb.st_nlink != 1) {
		cli_error("%s: not a regular file of ours with one link", path);
		close(fd);
		return NULL;
	}
	if (fchmod(fd, 0600) == -1 || ftruncate(fd, 0) == -1 ||
	    (fp = fdopen(fd, "wb")) == NULL) {
		cli_error("%s: %s", path, strerror(errno));
		close(fd);
		unlink(path);
		return NULL;
	}
	return fp;
}

/* Pack one pixel row of the drawing into row (1 bit a pixel, 1 = white). */
static void
png_row(const QRcode *q, int y, unsigned char *row, size_t rowlen)
{
	int x, px, side = qr_side(q);

	memset(row, 0, rowlen);
	for (x = 0; x < side; x++) {
		if (module(q, x, y))
			continue;
		for (px = x * SSTEP_QR_PNG_SCALE;
		     px < (x + 1) * SSTEP_QR_PNG_SCALE; px++)
			row[px / 8] |= (unsigned char)(0x80 >> (px % 8));
	}
}

/* libpng reports errors by longjmp: nothing here changes after setjmp
 * except inside png_row(), whose state does not survive the jump. */
static int
png_write(FILE *fp, const QRcode *q, unsigned char *row, size_t rowlen)
{
	png_structp png;
	png_infop info = NULL;
	png_uint_32 pixels = (png_uint_32)qr_side(q) * SSTEP_QR_PNG_SCALE;
	png_uint_32 y;

	if ((png = png_create_write_struct(
	         PNG_LIBPNG_VER_STRING, NULL, NULL, NULL)) == NULL)
		return -1;
	if ((info = png_create_info_struct(png)) == NULL) {
		png_destroy_write_struct(&png, NULL);
		return -1;
	}
	if (setjmp(png_jmpbuf(png))) {
		png_destroy_write_struct(&png, &info);
		return -1;
	}
	png_init_io(png, fp);
	png_set_IHDR(png, info, pixels, pixels, 1, PNG_COLOR_TYPE_GRAY,
	    PNG_INTERLACE_NONE, PNG_COMPRESSION_TYPE_DEFAULT,
	    PNG_FILTER_TYPE_DEFAULT);
	png_write_info(png, info);
	for (y = 0; y < pixels; y++) {
		png_row(q, (int)(y / SSTEP_QR_PNG_SCALE), row, rowlen);
		png_write_row(png, row);
	}
	png_write_end(png, info);
	png_destroy_write_struct(&png, &info);
	return 0;
}

int
sstep_qr_write_png(const char *path, const char *text)
{
	QRcode *q = NULL;
	FILE *fp = NULL;
	unsigned char *row = NULL;
	char iobuf[BUFSIZ];
	size_t rowlen = 0;
	int ret = -1;

	if ((q = qr_encode(text)) == NULL)
		goto out;
	rowlen = ((size_t)qr_side(q) * SSTEP_QR_PNG_SCALE + 7) / 8;
	if ((row = malloc(rowlen)) == NULL) {
		cli_error("out of memory");
		goto out;
	}
	if ((fp = open_private(path)) == NULL)
		goto out;
	/* Our buffer, not stdio's: it is wiped below. */
	setvbuf(fp, iobuf, _IOFBF, sizeof(iobuf));
	if (png_write(fp, q, row, rowlen) != 0) {
		cli_error("%s: cannot write the PNG", path);
		goto out;
	}
	if (fflush(fp) != 0 || fsync(fileno(fp)) != 0) {
		cli_error("%s: %s", path, strerror(errno));
		goto out;
	}
	ret = 0;
out:
	if (fp != NULL && fclose(fp) != 0 && ret == 0) {
		cli_error("%s: %s", path, strerror(errno));
		ret = -1;
	}
	if (fp != NULL && ret != 0)
		unlink(path);
	sstep_wipe(iobuf, sizeof(iobuf));
	sstep_freezero(row, rowlen);
	qr_free(q);
	return ret;
}
