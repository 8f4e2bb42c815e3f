/* Unit tests for ssh/pm2_rpc: the getMonitorData request's exact bytes, reply round
 * trips through the `pm2 jlist` parser (the same rows as the CLI's JSON), frames split at
 * every byte, hostile lengths, wrong ids, the daemon's errors, wrong encodings, env
 * values that never reach an error message, and when a failed RPC is tried again. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "ssh/pm2_rpc.h"

/* An AMP frame of the given arguments (test helper; the module only decodes replies). */
static char *amp_frame(const char *const *args, const size_t *lens, size_t argc, size_t *out_len)
{
	size_t n = 1;
	for (size_t i = 0; i < argc; i++)
		n += 4 + lens[i];
	unsigned char *b = malloc(n);
	assert_non_null(b);
	size_t off = 0;
	b[off++] = (unsigned char)(0x10 | argc);
	for (size_t i = 0; i < argc; i++) {
		uint32_t l = (uint32_t)lens[i];
		b[off++] = (unsigned char)(l >> 24);
		b[off++] = (unsigned char)(l >> 16);
		b[off++] = (unsigned char)(l >> 8);
		b[off++] = (unsigned char)l;
		memcpy(b + off, args[i], lens[i]);
		off += lens[i];
	}
	*out_len = n;
	return (char *)b;
}

/* A reply frame [j:JSON, s:ID]. */
static char *reply(const char *json, const char *id, size_t *len)
{
	char a0[8192], a1[128];
	snprintf(a0, sizeof(a0), "j:%s", json);
	snprintf(a1, sizeof(a1), "s:%s", id);
	const char *args[] = { a0, a1 };
	size_t lens[] = { strlen(a0), strlen(a1) };
	return amp_frame(args, lens, 2, len);
}

/* What pm2 jlist prints for two processes, the first with an env section. */
static const char list_json[] =
	"[{\"pid\":101,\"name\":\"api\",\"pm_id\":0,\"pm2_env\":{\"status\":\"online\","
	"\"restart_time\":3,\"pm_uptime\":1700000000000,\"env\":{\"DB_PASSWORD\":\"hunter2\"}},"
	"\"monit\":{\"cpu\":12.5,\"memory\":52428800}},"
	"{\"pid\":0,\"name\":\"worker\",\"pm_id\":1,\"pm2_env\":{\"status\":\"stopped\","
	"\"restart_time\":0},\"monit\":{\"cpu\":0,\"memory\":0}}]";

/* The daemon's answer carrying list_json, to request id. */
static char *list_reply(const char *id, size_t *len)
{
	char json[4096];
	snprintf(json, sizeof(json), "{\"args\":[%s]}", list_json);
	return reply(json, id, len);
}

static void test_request_bytes(void **state)
{
	(void)state;
	size_t len;
	char *req = pm2_rpc_encode_request("warroom:1", &len);
	static const char call[] = "j:{\"type\":\"call\",\"method\":\"getMonitorData\",\"args\":[{}]}";
	size_t a0 = sizeof(call) - 1, a1 = strlen("s:warroom:1");
	assert_int_equal(len, 1 + 4 + a0 + 4 + a1);
	assert_int_equal((unsigned char)req[0], 0x12); /* version 1, two arguments */
	assert_int_equal((unsigned char)req[4], a0);
	assert_memory_equal(req + 5, call, a0);
	assert_int_equal((unsigned char)req[5 + a0 + 3], a1);
	assert_memory_equal(req + 5 + a0 + 4, "s:warroom:1", a1);
	/* The request is itself one whole frame. */
	size_t flen = 0;
	char err[128];
	assert_int_equal(pm2_rpc_frame_check(req, len, PM2_RPC_MAX_REPLY, &flen, err, sizeof(err)),
			 PM2_RPC_FRAME_WHOLE);
	assert_int_equal(flen, len);
	free(req);
}

static void test_round_trip(void **state)
{
	(void)state;
	size_t len;
	char *r = list_reply("warroom:1", &len);
	struct pm2_list rpc, cli;
	char err[256];
	assert_int_equal(pm2_rpc_parse_reply(r, len, "warroom:1", "web1", &rpc, err, sizeof(err)), 0);
	assert_int_equal(checks_parse_pm2(list_json, strlen(list_json), &cli, err, sizeof(err)), 0);
	assert_int_equal(rpc.n, 2);
	assert_int_equal(rpc.n, cli.n);
	for (size_t i = 0; i < rpc.n; i++) {
		assert_string_equal(rpc.v[i].name, cli.v[i].name);
		assert_string_equal(rpc.v[i].status, cli.v[i].status);
		assert_int_equal(rpc.v[i].pm_id, cli.v[i].pm_id);
		assert_int_equal(rpc.v[i].restarts, cli.v[i].restarts);
		assert_int_equal(rpc.v[i].started_ms, cli.v[i].started_ms);
		assert_int_equal(rpc.v[i].memory, cli.v[i].memory);
		assert_true(rpc.v[i].cpu == cli.v[i].cpu);
	}
	assert_string_equal(rpc.v[0].name, "api");
	assert_int_equal(rpc.v[0].restarts, 3);
	checks_free_pm2(&rpc);
	checks_free_pm2(&cli);
	/* An empty list is a valid answer: no processes. */
	free(r);
	r = reply("{\"args\":[[]]}", "warroom:1", &len);
	assert_int_equal(pm2_rpc_parse_reply(r, len, "warroom:1", "web1", &rpc, err, sizeof(err)), 0);
	assert_int_equal(rpc.n, 0);
	checks_free_pm2(&rpc);
	free(r);
}

/* The reply arriving a byte at a time (and in every two-piece split): more until the
 * last byte, then whole; bytes after the frame are not part of it. */
static void test_split_frames(void **state)
{
	(void)state;
	size_t len;
	char *r = list_reply("warroom:7", &len);
	char err[128];
	for (size_t cut = 0; cut < len; cut++) {
		size_t flen = 0;
		assert_int_equal(pm2_rpc_frame_check(r, cut, PM2_RPC_MAX_REPLY, &flen, err, sizeof(err)),
				 PM2_RPC_FRAME_MORE);
		assert_false(pm2_rpc_reply_done(r, cut));
		struct pm2_list l;
		assert_int_equal(pm2_rpc_parse_reply(r, cut, "warroom:7", "web1", &l, err, sizeof(err)), -1);
		assert_non_null(strstr(err, "web1"));
	}
	assert_true(pm2_rpc_reply_done(r, len));
	char *more = malloc(len + 10);
	memcpy(more, r, len);
	memset(more + len, 0x12, 10);
	size_t flen = 0;
	assert_int_equal(pm2_rpc_frame_check(more, len + 10, PM2_RPC_MAX_REPLY, &flen, err, sizeof(err)),
			 PM2_RPC_FRAME_WHOLE);
	assert_int_equal(flen, len);
	free(more);
	free(r);
}

static void test_hostile_lengths(void **state)
{
	(void)state;
	char err[256];
	size_t flen;
	/* 4 GiB claimed: refused at once, not waited for. */
	static const char huge[] = "\x12\xff\xff\xff\xff" "abc";
	assert_int_equal(pm2_rpc_frame_check(huge, sizeof(huge) - 1, PM2_RPC_MAX_REPLY, &flen, err,
					     sizeof(err)), PM2_RPC_FRAME_BAD);
	assert_non_null(strstr(err, "4294967295"));
	assert_true(pm2_rpc_reply_done(huge, sizeof(huge) - 1));
	/* Just over the cap; the second argument's length pushing the total over it. */
	static const char over[] = "\x11\x00\x80\x00\x01";
	assert_int_equal(pm2_rpc_frame_check(over, 5, PM2_RPC_MAX_REPLY, &flen, err, sizeof(err)),
			 PM2_RPC_FRAME_BAD);
	static const char sum[] = "\x12\x00\x00\x00\x02" "ab" "\x00\x00\x00\x40";
	assert_int_equal(pm2_rpc_frame_check(sum, sizeof(sum) - 1, 64, &flen, err, sizeof(err)),
			 PM2_RPC_FRAME_BAD);
	/* Not AMP at all (text, version 0, version 15). */
	assert_int_equal(pm2_rpc_frame_check("hello", 5, PM2_RPC_MAX_REPLY, &flen, err, sizeof(err)),
			 PM2_RPC_FRAME_BAD);
	assert_non_null(strstr(err, "not an AMP frame"));
	assert_int_equal(pm2_rpc_frame_check("\x02", 1, PM2_RPC_MAX_REPLY, &flen, err, sizeof(err)),
			 PM2_RPC_FRAME_BAD);
	assert_int_equal(pm2_rpc_frame_check("\xf2", 1, PM2_RPC_MAX_REPLY, &flen, err, sizeof(err)),
			 PM2_RPC_FRAME_BAD);
	struct pm2_list l;
	assert_int_equal(pm2_rpc_parse_reply(huge, sizeof(huge) - 1, "warroom:1", "db2", &l, err,
					     sizeof(err)), -1);
	assert_non_null(strstr(err, "pm2 RPC on db2:"));
	/* Zero arguments and zero-length arguments are frames, but not replies. */
	assert_int_equal(pm2_rpc_frame_check("\x10", 1, PM2_RPC_MAX_REPLY, &flen, err, sizeof(err)),
			 PM2_RPC_FRAME_WHOLE);
	assert_int_equal(pm2_rpc_parse_reply("\x10", 1, "warroom:1", "db2", &l, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "0 arguments"));
	assert_int_equal(pm2_rpc_parse_reply("", 0, "warroom:1", "db2", &l, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "no reply"));
}

/* Parses the frame r (len bytes; freed here) as the reply to request `id` from host web1:
 * it must fail, with an error naming the host, containing `want` (unless NULL) and not
 * `never` (unless NULL). */
static void assert_refused(char *r, size_t len, const char *id, const char *want,
			   const char *never)
{
	char err[512] = "";
	struct pm2_list l;
	assert_int_equal(pm2_rpc_parse_reply(r, len, id, "web1", &l, err, sizeof(err)), -1);
	assert_null(l.v);
	assert_int_equal(l.n, 0);
	assert_non_null(strstr(err, "pm2 RPC on web1: "));
	if (want && !strstr(err, want))
		fail_msg("error \"%s\" lacks \"%s\"", err, want);
	if (never && strstr(err, never))
		fail_msg("error \"%s\" shows \"%s\"", err, never);
	free(r);
}

/* A reply [j:JSON, s:ID] to request "w:1" that must be refused (see assert_refused). */
static void assert_json_refused(const char *json, const char *want, const char *never)
{
	size_t len;
	char *r = reply(json, "w:1", &len);
	assert_refused(r, len, "w:1", want, never);
}

/* A frame of the given string arguments that must be refused as a reply to "w:1". */
static void assert_args_refused(const char *const *args, size_t argc, const char *want)
{
	size_t lens[4], len;
	for (size_t i = 0; i < argc; i++)
		lens[i] = strlen(args[i]);
	char *r = amp_frame(args, lens, argc, &len);
	assert_refused(r, len, "w:1", want, NULL);
}

static void test_wrong_ids(void **state)
{
	(void)state;
	size_t len;
	char *r = reply("{\"args\":[[]]}", "warroom:2", &len);
	assert_refused(r, len, "warroom:1", "another request", NULL);
	r = reply("{\"args\":[[]]}", "warroom:11", &len); /* a prefix must not match */
	assert_refused(r, len, "warroom:1", "another request", NULL);
	/* The id as JSON instead of a string argument. */
	static const char *const args[] = { "j:{\"args\":[[]]}", "j:\"w:1\"" };
	assert_args_refused(args, 2, "not a string");
}

static void test_bad_replies(void **state)
{
	(void)state;
	/* The daemon's own error: its first line, named as such. */
	assert_json_refused("{\"error\":\"method \\\"x\\\" does not exist\\nstack...\"}",
			    "the daemon answered an error: method \"x\" does not exist", "stack");
	static const char *const bad[][2] = {
		{ "{\"args\":[]}", "no \"args\" list" },
		{ "{\"args\":[{}]}", "expected a JSON array" },
		{ "{\"nothing\":1}", "no \"args\" list" },
		{ "[1,2]", "no \"args\" list" },
		{ "{\"args\":[[{\"pm_id\":1}]]}", "missing or invalid \"name\"" },
		{ "{\"args\":[[1]]}", "expected an object" },
		{ "{\"args\":[[", "invalid JSON" },
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_json_refused(bad[i][0], bad[i][1], NULL);
	/* The result as a string instead of JSON; three arguments. */
	static const char *const str[] = { "s:[]", "s:w:1" };
	assert_args_refused(str, 2, "not JSON");
	static const char *const three[] = { "j:{}", "s:w:1", "s:x" };
	assert_args_refused(three, 3, "3 arguments");
}

/* Secrets in env sections never reach an error message, even when the JSON around them
 * is broken. */
static void test_no_env_in_errors(void **state)
{
	(void)state;
	assert_json_refused("{\"args\":[[{\"name\":\"a\",\"pm2_env\":{\"env\":{\"K\":\"hunter2\"}}}, "
			    "{\"pm2_env\":{\"env\":{\"K\":\"hunter2\"}}}]]}", "[1]", "hunter2");
	assert_json_refused("{\"args\":[[{\"name\":\"a\",\"pm2_env\":{\"env\":{\"K\":hunter2}}}]]}",
			    "invalid JSON", "hunter2");
}

/* After a failure the RPC is tried again: first after the period, then doubling while it
 * keeps failing, never more than 8 periods apart (a broken daemon is not asked at every
 * poll, a recovered one is found again). */
static void test_retry_delays(void **state)
{
	(void)state;
	assert_int_equal(pm2_rpc_retry_delay_ms(1, 1000), 1000);
	assert_int_equal(pm2_rpc_retry_delay_ms(2, 1000), 2000);
	assert_int_equal(pm2_rpc_retry_delay_ms(3, 1000), 4000);
	assert_int_equal(pm2_rpc_retry_delay_ms(4, 1000), 8000);
	assert_int_equal(pm2_rpc_retry_delay_ms(5, 1000), 8000);
	assert_int_equal(pm2_rpc_retry_delay_ms(4000000000u, 300000), 2400000);
	assert_int_equal(pm2_rpc_retry_delay_ms(0, 1000), 1000);
}

/* WARROOM_PM2_RPC_RETRY: whole seconds 1..86400; unset, empty or anything else is the
 * default of 5 minutes. */
static void test_retry_period(void **state)
{
	(void)state;
	assert_int_equal(pm2_rpc_retry_period_ms(NULL), 300000);
	assert_int_equal(pm2_rpc_retry_period_ms(""), 300000);
	assert_int_equal(pm2_rpc_retry_period_ms("2"), 2000);
	assert_int_equal(pm2_rpc_retry_period_ms("86400"), 86400000);
	static const char *const bad[] = { "0", "-5", "86401", "5s", " 5", "1e3", "x",
					   "99999999999999999999" };
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_int_equal(pm2_rpc_retry_period_ms(bad[i]), 300000);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_request_bytes),
		cmocka_unit_test(test_round_trip),
		cmocka_unit_test(test_split_frames),
		cmocka_unit_test(test_hostile_lengths),
		cmocka_unit_test(test_wrong_ids),
		cmocka_unit_test(test_bad_replies),
		cmocka_unit_test(test_no_env_in_errors),
		cmocka_unit_test(test_retry_delays),
		cmocka_unit_test(test_retry_period),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
