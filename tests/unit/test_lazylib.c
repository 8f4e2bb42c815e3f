/* Unit tests for core/lazylib and the two shims built on it (kube/curl_lazy,
 * ssh/ssh2_lazy): a library that is missing or lacks a symbol is reported by name and
 * not retried; libcurl's variadic setters forward each option type's argument intact
 * (checked by libcurl acting on the value, not by the shim's return code alone). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include <curl/curl.h>
#include <libssh2.h>

#include "core/lazylib.h"
#include "kube/curl_lazy.h"
#include "ssh/ssh2_lazy.h"

static void test_missing_library_named_once(void **state)
{
	(void)state;
	struct lazylib l = { .soname = "libwarroom-no-such-lib.so.7" };
	size_t (*fn)(const char *) = NULL;
	const char *const names[] = { "strlen" };
	void *const slots[] = { &fn };
	const char *err = lazylib_load(&l, names, slots, 1);
	assert_non_null(err);
	assert_non_null(strstr(err, "cannot load libwarroom-no-such-lib.so.7: "));
	assert_non_null(strstr(err, "No such file"));
	assert_null(fn);
	/* Not retried: the same answer, the same text. */
	assert_ptr_equal(lazylib_load(&l, names, slots, 1), err);
}

static void test_missing_symbol_named(void **state)
{
	(void)state;
	struct lazylib l = { .soname = "libc.so.6" };
	size_t (*len)(const char *) = NULL;
	void (*none)(void) = NULL;
	const char *const names[] = { "strlen", "warroom_no_such_function" };
	void *const slots[] = { &len, &none };
	const char *err = lazylib_load(&l, names, slots, 2);
	assert_non_null(err);
	assert_non_null(strstr(err, "libc.so.6: missing symbol warroom_no_such_function: "));
	assert_false(l.ok);
}

static void test_symbols_resolved_and_callable(void **state)
{
	(void)state;
	struct lazylib l = { .soname = "libc.so.6" };
	size_t (*len)(const char *) = NULL;
	int (*cmp)(const char *, const char *) = NULL;
	const char *const names[] = { "strlen", "strcmp" };
	void *const slots[] = { &len, &cmp };
	assert_null(lazylib_load(&l, names, slots, 2));
	assert_int_equal(len("warroom"), 7);
	assert_true(cmp("a", "b") < 0);
	assert_null(lazylib_load(&l, names, slots, 2));
}

struct sink {
	size_t bytes;
	int calls;
};

static size_t sink_write(char *data, size_t size, size_t n, void *ud)
{
	(void)data;
	struct sink *s = ud;
	s->bytes += size * n;
	s->calls++;
	return size * n;
}

/* A 1000-byte file fetched through file:// with the shim's setters. */
struct fetch {
	char path[64];
	char url[96];
};

static void fetch_make(struct fetch *f)
{
	snprintf(f->path, sizeof(f->path), "/tmp/test_lazylib.%ld", (long)getpid());
	FILE *fp = fopen(f->path, "w");
	assert_non_null(fp);
	for (int i = 0; i < 1000; i++)
		fputc('x', fp);
	fclose(fp);
	snprintf(f->url, sizeof(f->url), "file://%s", f->path);
}

/* Runs e to completion through the multi interface (file:// needs no socket) and
 * returns its result. */
static CURLcode fetch_run(CURL *e)
{
	CURLM *m = curl_multi_init();
	assert_non_null(m);
	assert_int_equal(curl_multi_add_handle(m, e), CURLM_OK);
	int running = 1;
	for (int i = 0; i < 1000 && running; i++)
		assert_int_equal(curl_multi_socket_action(m, CURL_SOCKET_TIMEOUT, 0, &running), CURLM_OK);
	assert_int_equal(running, 0);
	int left = 0;
	CURLMsg *msg = curl_multi_info_read(m, &left);
	assert_non_null(msg);
	assert_int_equal(msg->msg, CURLMSG_DONE);
	assert_ptr_equal(msg->easy_handle, e);
	CURLcode rc = msg->data.result;
	assert_int_equal(curl_multi_remove_handle(m, e), CURLM_OK);
	assert_int_equal(curl_multi_cleanup(m), CURLM_OK);
	return rc;
}

static void test_curl_setopt_types_forwarded(void **state)
{
	(void)state;
	assert_null(curl_lazy_load());
	assert_int_equal(curl_global_init(CURL_GLOBAL_DEFAULT), CURLE_OK);
	struct fetch f;
	fetch_make(&f);
	CURL *e = curl_easy_init();
	assert_non_null(e);
	struct sink s = { 0 };
	int marker = 0;
	/* OBJECTPOINT (string, callback data, private) and FUNCTIONPOINT. */
	assert_int_equal(curl_easy_setopt(e, CURLOPT_URL, f.url), CURLE_OK);
	assert_int_equal(curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, sink_write), CURLE_OK);
	assert_int_equal(curl_easy_setopt(e, CURLOPT_WRITEDATA, &s), CURLE_OK);
	assert_int_equal(curl_easy_setopt(e, CURLOPT_PRIVATE, &marker), CURLE_OK);
	/* OFF_T: the resume offset decides how many of the file's bytes arrive. */
	assert_int_equal(curl_easy_setopt(e, CURLOPT_RESUME_FROM_LARGE, (curl_off_t)900), CURLE_OK);
	assert_int_equal(fetch_run(e), CURLE_OK);
	assert_int_equal(s.bytes, 100);
	/* LONG, the same way (both set one offset). */
	assert_int_equal(curl_easy_setopt(e, CURLOPT_RESUME_FROM, 990L), CURLE_OK);
	s.bytes = 0;
	assert_int_equal(fetch_run(e), CURLE_OK);
	assert_int_equal(s.bytes, 10);
	assert_int_equal(curl_easy_setopt(e, CURLOPT_RESUME_FROM_LARGE, (curl_off_t)0), CURLE_OK);
	s.bytes = 0;
	assert_int_equal(fetch_run(e), CURLE_OK);
	assert_int_equal(s.bytes, 1000);
	/* getinfo: OFF_T, STRING, DOUBLE and PTR answers land in the caller's variables. */
	curl_off_t got = -1;
	assert_int_equal(curl_easy_getinfo(e, CURLINFO_SIZE_DOWNLOAD_T, &got), CURLE_OK);
	assert_int_equal(got, 1000);
	char *url = NULL;
	assert_int_equal(curl_easy_getinfo(e, CURLINFO_EFFECTIVE_URL, &url), CURLE_OK);
	assert_string_equal(url, f.url);
	double secs = -1;
	assert_int_equal(curl_easy_getinfo(e, CURLINFO_TOTAL_TIME, &secs), CURLE_OK);
	assert_true(secs >= 0);
	char *priv = NULL;
	assert_int_equal(curl_easy_getinfo(e, CURLINFO_PRIVATE, &priv), CURLE_OK);
	assert_ptr_equal(priv, (char *)&marker);
	/* BLOB: copied by libcurl (CURL_BLOB_COPY), so its pointer must reach it intact. */
	static const char pem[] = "-----BEGIN CERTIFICATE-----\n";
	struct curl_blob b = { .data = (void *)pem, .len = sizeof(pem) - 1, .flags = CURL_BLOB_COPY };
	assert_int_equal(curl_easy_setopt(e, CURLOPT_SSLCERT_BLOB, &b), CURLE_OK);
	/* Beyond every type range: refused without reading the argument. */
	assert_int_equal(curl_easy_setopt(e, (CURLoption)(CURLOPTTYPE_BLOB + 10001), 0L),
			 CURLE_UNKNOWN_OPTION);
	assert_string_equal(curl_easy_strerror(CURLE_OK), "No error");
	curl_easy_reset(e);
	curl_easy_cleanup(e);
	unlink(f.path);
	curl_global_cleanup();
}

static int multi_socket_cb(CURL *e, curl_socket_t s, int what, void *ud, void *sp)
{
	(void)e;
	(void)s;
	(void)what;
	(void)ud;
	(void)sp;
	return 0;
}

static void test_curl_multi_setopt_types(void **state)
{
	(void)state;
	CURLM *m = curl_multi_init();
	assert_non_null(m);
	assert_int_equal(curl_multi_setopt(m, CURLMOPT_MAXCONNECTS, 5L), CURLM_OK);
	assert_int_equal(curl_multi_setopt(m, CURLMOPT_SOCKETFUNCTION, multi_socket_cb), CURLM_OK);
	assert_int_equal(curl_multi_setopt(m, CURLMOPT_SOCKETDATA, m), CURLM_OK);
	assert_int_equal(curl_multi_setopt(m, CURLMOPT_CONTENT_LENGTH_PENALTY_SIZE, (curl_off_t)1 << 40),
			 CURLM_OK);
	assert_int_equal(curl_multi_setopt(m, (CURLMoption)-1, 0L), CURLM_UNKNOWN_OPTION);
	assert_int_equal(curl_multi_cleanup(m), CURLM_OK);
	struct curl_slist *l = curl_slist_append(NULL, "Accept: a");
	l = curl_slist_append(l, "X-B: b");
	assert_string_equal(l->next->data, "X-B: b");
	curl_slist_free_all(l);
}

static void test_ssh2_loaded(void **state)
{
	(void)state;
	assert_null(ssh2_lazy_load());
	LIBSSH2_SESSION *s = libssh2_session_init();
	assert_non_null(s);
	assert_int_equal(libssh2_userauth_authenticated(s), 0);
	assert_int_equal(libssh2_session_last_errno(s), 0);
	libssh2_session_set_blocking(s, 0);
	assert_int_equal(libssh2_session_free(s), 0);
	assert_null(ssh2_lazy_load());
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_missing_library_named_once),
		cmocka_unit_test(test_missing_symbol_named),
		cmocka_unit_test(test_symbols_resolved_and_callable),
		cmocka_unit_test(test_curl_setopt_types_forwarded),
		cmocka_unit_test(test_curl_multi_setopt_types),
		cmocka_unit_test(test_ssh2_loaded),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
