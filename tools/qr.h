/*
 * qr.h: QR codes for the saslstep command, drawn in a terminal or written
 * as a PNG file, so a person can scan an otpauth:// URI with a phone.
 * Encoding is libqrencode's (error correction level M), the PNG libpng's.
 * The text is usually a secret: every buffer that held it is wiped.
 */
#ifndef SSTEP_QR_H
#define SSTEP_QR_H

#include <stdio.h>

/* Modules of light margin on each side (the quiet zone of ISO/IEC 18004). */
#define SSTEP_QR_QUIET 4
/* Pixels per module in a PNG. */
#define SSTEP_QR_PNG_SCALE 8

/*
 * Draw text (NUL-terminated) as a QR code on fp, two modules a character
 * cell (Unicode upper/lower half blocks, UTF-8), quiet zone included: a
 * code of W modules takes W + 8 columns and (W + 9) / 2 lines.  With
 * colour set, each line is drawn black on white with ANSI escapes so that
 * it scans on dark and light terminals alike; without, a block is a dark
 * module on the terminal's own background (right on light terminals and
 * on paper).  Returns 0, or -1 after printing why on stderr.
 */
int sstep_qr_print(FILE *fp, const char *text, int colour);

/*
 * Write text as a QR code to the PNG file path: 1-bit greyscale,
 * SSTEP_QR_PNG_SCALE pixels a module, quiet zone included.  The file is
 * created, or truncated if it is a regular file, with mode 0600 (it holds
 * whatever the text holds); a symbolic link is not followed.  On failure
 * the file is removed.  Returns 0, or -1 after printing why on stderr.
 */
int sstep_qr_write_png(const char *path, const char *text);

#endif /* SSTEP_QR_H */
