/* Unit tests for ssh/known_hosts: plain and hashed ("|1|salt|hash") entries, [host]:port
 * rules, changed keys named by file:line, skipped odd lines, recording, and the SHA256
 * fingerprint format checked against `ssh-keygen -lf` output for the same key. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "ssh/known_hosts.h"

/* Generated once with ssh-keygen (facts, not secrets: public keys only). */
#define K1 "AAAAC3NzaC1lZDI1NTE5AAAAIMrdzt5tf5m3Ym/R7AnRLIDTMEbvGXA3/Zq5PqzWqKey"
#define K2 "AAAAC3NzaC1lZDI1NTE5AAAAIJGNznY0ZbLBhcuhRHaKExKSAVBDY5nY+Q0WnBKeTXfk"
/* `ssh-keygen -lf k1.pub` printed this; sha256sum of the decoded blob printed the hex. */
#define K1_FP "SHA256:QZA0OcmEJi7D+Sj3skJuvDVP8mWv7vgmj4JBsFuz1y0"
static const char k1_sha_hex[] = "41903439c984262ec3f928f7b2426ebc354ff265afeef8268f8241b05bb3d72d";
/* `ssh-keygen -H` of "example.org K1" and "[127.0.0.1]:2222 K1". */
#define H_EXAMPLE "|1|CtZdVBCDh6IJNSFGCaWyUqnIooc=|04aL9Eb2aQrU8zIYod5uV7QsJmI="
#define H_LOCAL2222 "|1|tbpyc7o233a8rfsHuV4JpOguPqw=|fZdQzaA8TuaPheZVIsHTyUBxgtY="

static size_t b64_decode(const char *in, unsigned char *out)
{
	static const char tab[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	size_t n = 0;
	unsigned acc = 0;
	int bits = 0;
	for (; *in && *in != '='; in++) {
		acc = (acc << 6) | (unsigned)(strchr(tab, *in) - tab);
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			out[n++] = (unsigned char)(acc >> bits);
		}
	}
	return n;
}

struct fx {
	LIBSSH2_SESSION *s;
	char path[64];
	unsigned char k1[128], k2[128];
	size_t k1len, k2len;
};

static int setup(void **state)
{
	struct fx *f = calloc(1, sizeof(*f));
	f->s = libssh2_session_init();
	snprintf(f->path, sizeof(f->path), "/tmp/test_kh.%d", (int)getpid());
	f->k1len = b64_decode(K1, f->k1);
	f->k2len = b64_decode(K2, f->k2);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fx *f = *state;
	unlink(f->path);
	libssh2_session_free(f->s);
	free(f);
	return 0;
}

static void write_file(const char *path, const char *text)
{
	FILE *fp = fopen(path, "w");
	assert_non_null(fp);
	fputs(text, fp);
	fclose(fp);
}

static enum kh_result check(struct fx *f, const char *host, int port, int which, struct kh_verdict *v)
{
	known_hosts_check(f->s, f->path, host, port, (const char *)(which == 1 ? f->k1 : f->k2),
			  which == 1 ? f->k1len : f->k2len, LIBSSH2_HOSTKEY_TYPE_ED25519, v);
	return v->result;
}

static void test_fingerprint_matches_ssh_keygen(void **state)
{
	(void)state;
	unsigned char d[32];
	for (int i = 0; i < 32; i++) {
		unsigned v;
		sscanf(k1_sha_hex + 2 * i, "%2x", &v);
		d[i] = (unsigned char)v;
	}
	char fp[64];
	known_hosts_fingerprint(d, fp, sizeof(fp));
	assert_string_equal(fp, K1_FP);
	assert_int_equal(strlen(fp), 7 + 43); /* no '=' padding */
	assert_string_equal(known_hosts_type_name(LIBSSH2_HOSTKEY_TYPE_ED25519), "ssh-ed25519");
	assert_string_equal(known_hosts_type_name(LIBSSH2_HOSTKEY_TYPE_ECDSA_256), "ecdsa-sha2-nistp256");
}

static void test_plain(void **state)
{
	struct fx *f = *state;
	struct kh_verdict v;
	write_file(f->path, "# comment\n\n"
		   "@cert-authority *.example.com ssh-ed25519 " K2 "\n"
		   "weird-line-without-key\n"
		   "build.internal,10.0.0.5 ssh-ed25519 " K1 "\n"
		   "[127.0.0.1]:2222 ssh-ed25519 " K1 "\n");
	assert_int_equal(check(f, "build.internal", 22, 1, &v), KH_MATCH);
	assert_int_equal(check(f, "10.0.0.5", 22, 1, &v), KH_MATCH);
	assert_int_equal(check(f, "127.0.0.1", 2222, 1, &v), KH_MATCH);
	/* OpenSSH's rule: a port other than 22 only matches "[host]:port". */
	assert_int_equal(check(f, "build.internal", 2222, 1, &v), KH_UNKNOWN);
	assert_int_equal(check(f, "127.0.0.1", 22, 1, &v), KH_UNKNOWN);
	assert_int_equal(check(f, "other", 22, 1, &v), KH_UNKNOWN);
	assert_string_equal(v.key_type, "ssh-ed25519");
	assert_int_equal(check(f, "build.internal", 22, 2, &v), KH_CHANGED);
	assert_non_null(strstr(v.message, "HAS CHANGED"));
	char want[96];
	snprintf(want, sizeof(want), "%s:5", f->path);
	assert_non_null(strstr(v.message, want));
	assert_int_equal(check(f, "127.0.0.1", 2222, 2, &v), KH_CHANGED);
	snprintf(want, sizeof(want), "%s:6", f->path);
	assert_non_null(strstr(v.message, want));
}

static void test_hashed(void **state)
{
	struct fx *f = *state;
	struct kh_verdict v;
	write_file(f->path, H_EXAMPLE " ssh-ed25519 " K1 "\n" H_LOCAL2222 " ssh-ed25519 " K1 "\n");
	assert_int_equal(check(f, "example.org", 22, 1, &v), KH_MATCH);
	assert_int_equal(check(f, "127.0.0.1", 2222, 1, &v), KH_MATCH);
	assert_int_equal(check(f, "example.com", 22, 1, &v), KH_UNKNOWN);
	assert_int_equal(check(f, "example.org", 22, 2, &v), KH_CHANGED);
	char want[96];
	snprintf(want, sizeof(want), "%s:1", f->path);
	assert_non_null(strstr(v.message, want));
}

static void test_missing_file_and_prefs(void **state)
{
	struct fx *f = *state;
	struct kh_verdict v;
	unlink(f->path);
	assert_int_equal(check(f, "example.org", 22, 1, &v), KH_UNKNOWN);
	char pref[512];
	known_hosts_method_pref(f->s, f->path, "example.org", 22, pref, sizeof(pref));
	assert_int_equal(strncmp(pref, "ssh-ed25519,", 12), 0);
	/* A host known by an ECDSA key asks for ECDSA first, hashed or not. */
	write_file(f->path, "example.org ecdsa-sha2-nistp256 AAAAE2VjZHNhLXNoYTItbmlzdHAyNTYAAAAIbmlzdHAyNTYAAABBBEmKSENjQEezOmxkZMy7opKgwFB9nkt5YRrYMjNuG5N87uRgg6CLrbo5wAdT/y6v0mKV0U2w0WZ2YB/++Tpockg=\n");
	known_hosts_method_pref(f->s, f->path, "example.org", 22, pref, sizeof(pref));
	assert_int_equal(strncmp(pref, "ecdsa-sha2-nistp256,", 20), 0);
	assert_non_null(strstr(pref, "ssh-ed25519"));
	/* An ed25519 server key for a host known only by ECDSA is unknown, not changed. */
	assert_int_equal(check(f, "example.org", 22, 1, &v), KH_UNKNOWN);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fingerprint_matches_ssh_keygen),
		cmocka_unit_test_setup_teardown(test_plain, setup, teardown),
		cmocka_unit_test_setup_teardown(test_hashed, setup, teardown),
		cmocka_unit_test_setup_teardown(test_missing_file_and_prefs, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
