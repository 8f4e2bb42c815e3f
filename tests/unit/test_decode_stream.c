/* Unit tests for kube/decode's streaming list decoder and its JSON parser: the parser
 * agrees with json_loadb on valid and hostile input; a page fed in chunks of any size
 * (every split point, single bytes) gives what the whole body gives; the metadata is
 * known before the items; odd member orders, Status bodies and syntax errors. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "tests/unit/fixture.h"

#include "kube/decode.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* decode_json_loadb and json_loadb(JSON_DECODE_ANY) agree on text[0..len). */
static void check_same_as_jansson(const char *text, size_t len)
{
	json_error_t je, de;
	json_t *want = json_loadb(text, len, JSON_DECODE_ANY, &je);
	json_t *got = decode_json_loadb(text, len, &de);
	if (!want != !got)
		fail_msg("%.60s: jansson %s, decode_json_loadb %s (%s)", text, want ? "accepts" : je.text,
			 got ? "accepts" : "rejects", got ? "" : de.text);
	if (want && !json_equal(want, got))
		fail_msg("%.60s: different trees", text);
	if (!got && (de.line < 1 || de.column < 1 || !de.text[0]))
		fail_msg("%.60s: error without a place or text", text);
	json_decref(want);
	json_decref(got);
}

static void test_parser_agrees_with_jansson(void **state)
{
	(void)state;
	static const char *const cases[] = {
		"{}", "[]", "{\"a\":1}", " [1, -2, 3.5, -0, 0.25e2, 1E-3, true, false, null] ",
		"\"plain\"", "\"esc \\\" \\\\ \\/ \\b \\f \\n \\r \\t\"", "\"\\u00e9\\u20ac\\ud83d\\ude00\"",
		"\"caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80\"", "{\"a\":{\"b\":[{\"c\":[]}]},\"d\":\"\"}",
		"{\"dup\":1,\"dup\":2}", "9223372036854775807", "-9223372036854775808",
		"{\"k\\u0065y\":\"v\",\"k\\ney\":[1]}",
		/* rejected by both */
		"", "   ", "{", "[1,]", "{\"a\":}", "{\"a\" 1}", "{a:1}", "[1 2]", "01", "1.", ".5", "-",
		"1e", "+1", "tru", "nul", "[true false]", "{\"a\":1}x", "\"\\u0000\"", "\"\\ud800\"",
		"\"\\udc00\"", "\"\\ud800\\u0041\"", "\"\\x\"", "\"\\u12g4\"", "\"ctl\x01\"",
		"\"bad \xc3\x28\"", "\"overlong \xc0\xaf\"", "\"surrogate \xed\xa0\x80\"",
		"\"cut \xe2\x82\"", "\"beyond \xf4\x90\x80\x80\"", "\"unterminated",
		"9223372036854775808", "-9223372036854775809", "1e400", "[1]]", "{\"a\":1,}",
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		check_same_as_jansson(cases[i], strlen(cases[i]));
	/* Deep nesting: both refuse beyond their limit, neither crashes. */
	size_t deep = 5000;
	char *nest = malloc(2 * deep + 1);
	memset(nest, '[', deep);
	memset(nest + deep, ']', deep);
	check_same_as_jansson(nest, 2 * deep);
	check_same_as_jansson(nest + deep - 100, 200);
	free(nest);
	/* A whole fixture, and the error position of a broken one. */
	size_t len;
	char *buf = fixture_read("podlist_ingest.json", &len);
	check_same_as_jansson(buf, len);
	free(buf);
	json_error_t de;
	assert_null(decode_json_loadb("{\n  \"a\": [1,\n  x]}", 18, &de));
	assert_int_equal(de.line, 3);
	assert_int_equal(de.column, 3);
}

struct page {
	struct model m;
	struct decode_meta meta;
	int rc;
	char err[512];
};

/* Feeds body to a fresh stream in chunks of `chunk` bytes, the first one `first` long. */
static void feed_page(enum kube_resource r, const char *body, size_t len, size_t first, size_t chunk,
		      struct page *out)
{
	model_init(&out->m);
	struct decode_stream *s = decode_stream_new(r, &out->m);
	size_t off = 0;
	out->rc = 0;
	while (off < len && out->rc == 0) {
		size_t n = off == 0 ? first : chunk;
		if (n > len - off)
			n = len - off;
		out->rc = decode_stream_feed(s, body + off, n, out->err, sizeof(out->err));
		off += n;
	}
	if (out->rc == 0)
		out->rc = decode_stream_finish(s, &out->meta, out->err, sizeof(out->err));
	decode_stream_free(s);
}

static void assert_same_pods(const struct model *a, const struct model *b)
{
	assert_int_equal(a->npods, b->npods);
	for (size_t i = 0; i < a->npods; i++) {
		assert_string_equal(a->pods[i]->ns, b->pods[i]->ns);
		assert_string_equal(a->pods[i]->name, b->pods[i]->name);
		assert_string_equal(a->pods[i]->status, b->pods[i]->status);
		assert_string_equal(a->pods[i]->labels, b->pods[i]->labels);
		assert_int_equal(a->pods[i]->restarts, b->pods[i]->restarts);
	}
}

static void test_any_chunking_gives_the_same_model(void **state)
{
	(void)state;
	static const char *const fixtures[] = { "podlist_ingest.json", "podlist_page1.json" };
	for (size_t f = 0; f < 2; f++) {
		size_t len;
		char *buf = fixture_read(fixtures[f], &len);
		struct page whole;
		feed_page(KUBE_PODS, buf, len, len, len, &whole);
		assert_int_equal(whole.rc, 0);
		assert_true(whole.meta.items >= 3);
		/* Every split point into two chunks, then single bytes. */
		for (size_t cut = 1; cut <= len; cut += 1 + cut / 64) {
			struct page p;
			feed_page(KUBE_PODS, buf, len, cut, len, &p);
			assert_int_equal(p.rc, 0);
			assert_int_equal(p.meta.items, whole.meta.items);
			assert_string_equal(p.meta.cont, whole.meta.cont);
			assert_string_equal(p.meta.resource_version, whole.meta.resource_version);
			assert_same_pods(&p.m, &whole.m);
			model_free(&p.m);
		}
		struct page bytes;
		feed_page(KUBE_PODS, buf, len, 1, 1, &bytes);
		assert_int_equal(bytes.rc, 0);
		assert_same_pods(&bytes.m, &whole.m);
		model_free(&bytes.m);
		model_free(&whole.m);
		free(buf);
	}
}

static void test_metadata_is_known_before_the_items(void **state)
{
	(void)state;
	size_t len;
	char *buf = fixture_read("podlist_page1.json", &len);
	const char *items = strstr(buf, "\"items\"");
	assert_non_null(items);
	struct model m;
	model_init(&m);
	struct decode_stream *s = decode_stream_new(KUBE_PODS, &m);
	char err[256];
	size_t head = (size_t)(items - buf);
	assert_int_equal(decode_stream_feed(s, buf, head, err, sizeof(err)), 0);
	const struct decode_meta *meta = decode_stream_meta(s);
	assert_non_null(meta);
	assert_string_equal(meta->cont, "tok/en+1==");
	assert_int_equal(m.npods, 0);
	/* The rest streams in: items are upserted before the end of the body. */
	size_t mid = head + (len - head) / 2;
	assert_int_equal(decode_stream_feed(s, buf + head, mid - head, err, sizeof(err)), 0);
	assert_true(decode_stream_items(s) >= 1);
	assert_int_equal(decode_stream_feed(s, buf + mid, len - mid, err, sizeof(err)), 0);
	struct decode_meta done;
	assert_int_equal(decode_stream_finish(s, &done, err, sizeof(err)), 0);
	assert_int_equal(done.items, 3);
	/* Reset: the same stream reads another page. */
	decode_stream_reset(s);
	assert_null(decode_stream_meta(s));
	const char *empty = "{\"kind\":\"PodList\",\"items\":[]}";
	assert_int_equal(decode_stream_feed(s, empty, strlen(empty), err, sizeof(err)), 0);
	assert_int_equal(decode_stream_finish(s, &done, err, sizeof(err)), 0);
	assert_int_equal(done.items, 0);
	decode_stream_free(s);
	model_free(&m);
	free(buf);
}

static const char pod_a[] = "{\"metadata\":{\"name\":\"a\",\"namespace\":\"x\"}}";

static void test_member_order_status_and_errors(void **state)
{
	(void)state;
	struct page p;
	char body[512];
	/* Items before the kind: held, applied once the kind matched. */
	snprintf(body, sizeof(body), "{\"items\":[%s],\"metadata\":{\"resourceVersion\":\"7\"},\"kind\":\"PodList\"}", pod_a);
	feed_page(KUBE_PODS, body, strlen(body), 5, 3, &p);
	assert_int_equal(p.rc, 0);
	assert_int_equal(p.meta.items, 1);
	assert_string_equal(p.meta.resource_version, "7");
	assert_non_null(model_pod_find(&p.m, "x", "a"));
	model_free(&p.m);
	/* ... and never applied when the body turns out to be a Status. */
	snprintf(body, sizeof(body), "{\"items\":[%s],\"kind\":\"Status\",\"message\":\"too many requests\"}", pod_a);
	feed_page(KUBE_PODS, body, strlen(body), 7, 7, &p);
	assert_int_equal(p.rc, -1);
	assert_string_equal(p.err, "expected PodList, got Status: too many requests");
	assert_int_equal(p.m.npods, 0);
	model_free(&p.m);
	/* No kind at all (some proxies): accepted; unknown members skipped, escapes in names read. */
	snprintf(body, sizeof(body), "{\"x\":{\"items\":[1]},\"\\u0069tems\":[%s],\"n\":-1.5e3,\"t\":true}", pod_a);
	feed_page(KUBE_PODS, body, strlen(body), 1, 1, &p);
	assert_int_equal(p.rc, 0);
	assert_int_equal(p.meta.items, 1);
	model_free(&p.m);
	/* Errors name the place in the whole body, whatever the chunking. */
	static const struct {
		const char *body, *err;
	} bad[] = {
		{ "{\"kind\":\"PodList\",\n\"items\":[{\"a\":]}", "not JSON at line 2 column 15" },
		{ "{\"kind\":\"PodList\",\"items\":[]} x", "not JSON at line 1 column 31: end of the body expected" },
		{ "{\"kind\":\"PodList\",\"items\":[{}", "the body ends inside the PodList" },
		{ "{\"kind\":\"PodList\",\"items\":[{},]}", "expected an item" },
		{ "{\"kind\":\"PodList\" \"items\":[]}", "expected ',' or '}'" },
		{ "{\"kind\":\"PodList\",\"items\":7}", "PodList.items is not an array" },
		{ "{\"kind\":\"NodeList\",\"items\":[]}", "expected PodList, got kind 'NodeList'" },
		{ "[1, 2]", "expected a PodList object, got another JSON value" },
		{ "<html>", "not JSON at line 1 column 1" },
		{ "  ", "not JSON: empty body" },
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		for (size_t chunk = 1; chunk <= 8; chunk += 7) {
			feed_page(KUBE_PODS, bad[i].body, strlen(bad[i].body), chunk, chunk, &p);
			assert_int_equal(p.rc, -1);
			if (!strstr(p.err, bad[i].err))
				fail_msg("%s: got '%s', want '%s'", bad[i].body, p.err, bad[i].err);
			model_free(&p.m);
		}
}

static void test_items_larger_than_the_arena(void **state)
{
	(void)state;
	/* A pod with 3 MiB of labels: its tree outgrows the item arena and still decodes,
	 * and the pods after it are fine. */
	size_t nlabels = 30000;
	size_t cap = nlabels * 120 + 1024, n = 0;
	char *body = malloc(cap);
	n += (size_t)snprintf(body + n, cap - n, "{\"kind\":\"PodList\",\"items\":[{\"metadata\":{\"name\":\"big\",\"namespace\":\"x\",\"labels\":{");
	for (size_t i = 0; i < nlabels; i++)
		n += (size_t)snprintf(body + n, cap - n, "%s\"label-%zu\":\"value-%zu-abcdefghijklmnopqrstuvwxyz0123456789abcdefghijklmnop\"",
				      i ? "," : "", i, i);
	n += (size_t)snprintf(body + n, cap - n, "}}},%s,%s]}", pod_a, pod_a);
	struct page p;
	feed_page(KUBE_PODS, body, n, 4096, 16384, &p);
	assert_int_equal(p.rc, 0);
	assert_int_equal(p.meta.items, 3);
	assert_non_null(model_pod_find(&p.m, "x", "big"));
	assert_non_null(model_pod_find(&p.m, "x", "a"));
	model_free(&p.m);
	free(body);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parser_agrees_with_jansson),
		cmocka_unit_test(test_any_chunking_gives_the_same_model),
		cmocka_unit_test(test_metadata_is_known_before_the_items),
		cmocka_unit_test(test_member_order_status_and_errors),
		cmocka_unit_test(test_items_larger_than_the_arena),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
