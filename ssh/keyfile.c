/* ssh/keyfile: see keyfile.h.  The OpenSSH format is base64 of
 * "openssh-key-v1\0" | uint32 len | ciphername | ...; only the cipher name is decoded. */
#include "ssh/keyfile.h"

#include <stdio.h>
#include <string.h>

enum { KEYFILE_MAX = 64 << 10 };

static int keyfile_b64_value(unsigned char c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	if (c == '+')
		return 62;
	if (c == '/')
		return 63;
	return -1;
}

/* Decodes base64 from text (skipping line breaks and blanks) until '-' or '=' or the end;
 * writes at most cap bytes.  Returns the bytes written. */
static size_t keyfile_b64_decode(const char *text, size_t len, unsigned char *out, size_t cap)
{
	unsigned acc = 0;
	int bits = 0;
	size_t n = 0;
	for (size_t i = 0; i < len && n < cap; i++) {
		unsigned char c = (unsigned char)text[i];
		if (c == '\n' || c == '\r' || c == ' ' || c == '\t')
			continue;
		int v = keyfile_b64_value(c);
		if (v < 0)
			break;
		acc = (acc << 6) | (unsigned)v;
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			out[n++] = (unsigned char)(acc >> bits);
			acc &= (1u << bits) - 1;
		}
	}
	return n;
}

static const char *keyfile_find(const char *text, size_t len, const char *needle)
{
	size_t nl = strlen(needle);
	for (size_t i = 0; i + nl <= len; i++)
		if (memcmp(text + i, needle, nl) == 0)
			return text + i;
	return NULL;
}

int keyfile_encrypted_text(const char *text, size_t len)
{
	static const char ossh[] = "-----BEGIN OPENSSH PRIVATE KEY-----";
	const char *p = keyfile_find(text, len, ossh);
	if (p) {
		p += sizeof(ossh) - 1;
		unsigned char bin[128];
		size_t n = keyfile_b64_decode(p, len - (size_t)(p - text), bin, sizeof(bin));
		static const char magic[] = "openssh-key-v1"; /* followed by its NUL */
		if (n < sizeof(magic) + 4 || memcmp(bin, magic, sizeof(magic)) != 0)
			return -1;
		const unsigned char *q = bin + sizeof(magic);
		size_t clen = (size_t)q[0] << 24 | (size_t)q[1] << 16 | (size_t)q[2] << 8 | q[3];
		q += 4;
		if (clen == 0 || clen > n - (size_t)(q - bin))
			return -1;
		return !(clen == 4 && memcmp(q, "none", 4) == 0);
	}
	if (keyfile_find(text, len, "-----BEGIN ENCRYPTED PRIVATE KEY-----") ||
	    (keyfile_find(text, len, "PRIVATE KEY-----") && keyfile_find(text, len, "Proc-Type: 4,ENCRYPTED")))
		return 1;
	if (keyfile_find(text, len, "PRIVATE KEY-----"))
		return 0;
	return -1;
}

int keyfile_encrypted(const char *path)
{
	FILE *f = fopen(path, "r");
	if (!f)
		return -1;
	static const size_t cap = KEYFILE_MAX;
	char buf[KEYFILE_MAX];
	size_t n = fread(buf, 1, cap, f);
	fclose(f);
	int rc = keyfile_encrypted_text(buf, n);
	/* The buffer held private key material. */
	volatile char *v = buf;
	for (size_t i = 0; i < n; i++)
		v[i] = 0;
	return rc;
}
