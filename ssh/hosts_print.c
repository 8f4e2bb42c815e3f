/* ssh/hosts_print: the plain-text host report of `warroom --batch --panel hosts` (see
 * hosts.h).  Every string that came from a remote host goes through tui/text first. */
#include "ssh/hosts.h"

#include "tui/text.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static const char *hp_clean(const char *s, char *buf, size_t cap)
{
	text_sanitize(s ? s : "", s ? strlen(s) : 0, buf, cap);
	return buf;
}

/* 1536 -> "1.5K", bytes with binary units as df -h / pm2 show them. */
static void hp_size(long long bytes, char *out, size_t cap)
{
	static const char units[] = "BKMGTP";
	double v = (double)bytes;
	size_t u = 0;
	while (v >= 1024 && u + 1 < sizeof(units) - 1) {
		v /= 1024;
		u++;
	}
	if (u == 0)
		snprintf(out, cap, "%lldB", bytes);
	else
		snprintf(out, cap, "%.1f%c", v, units[u]);
}

static void hp_duration(long long ms, char *out, size_t cap)
{
	long long s = ms / 1000;
	if (s < 0)
		snprintf(out, cap, "?");
	else if (s < 60)
		snprintf(out, cap, "%llds", s);
	else if (s < 3600)
		snprintf(out, cap, "%lldm", s / 60);
	else if (s < 86400)
		snprintf(out, cap, "%lldh%lldm", s / 3600, s % 3600 / 60);
	else
		snprintf(out, cap, "%lldd%lldh", s / 86400, s % 86400 / 3600);
}

static const char *const hp_level[] = { [DISK_OK] = "ok", [DISK_WARN] = "WARN", [DISK_CRIT] = "CRIT" };

static void hp_host(const struct host_status *st, FILE *out)
{
	char a[1024], b[1024];
	fprintf(out, "host %s: %s", st->cfg->name, st->polled ? ssh_fail_name(st->fail) : "not polled");
	fprintf(out, " (%s@%s:%d, %.2f s)\n", st->user, st->address, st->port, (double)st->elapsed_ms / 1000);
	if (st->fail != SSH_OK)
		fprintf(out, "  error: %s\n", hp_clean(st->message, a, sizeof(a)));
	else if (st->check_errors[0])
		fprintf(out, "  note: %s\n", hp_clean(st->check_errors, a, sizeof(a)));
	if (st->fail == SSH_FAIL_HOSTKEY_UNKNOWN || st->fail == SSH_FAIL_HOSTKEY_CHANGED)
		fprintf(out, "  server key: %s %s\n", st->key_type, st->fingerprint);
	for (size_t i = 0; i < st->nprobes; i++) {
		const struct host_probe_status *p = &st->probes[i];
		fprintf(out, "  probe %s:%d: %s (%s, %lld ms)\n", p->cfg->host, p->cfg->port,
			probe_result_name(p->result), hp_clean(p->message, a, sizeof(a)), p->elapsed_ms);
	}
	if (st->load.has_load)
		fprintf(out, "  load: %.2f %.2f %.2f\n", st->load.load1, st->load.load5, st->load.load15);
	if (st->load.has_mem) {
		char t[32], u[32], v[32];
		hp_size(st->load.mem_total, t, sizeof(t));
		hp_size(st->load.mem_used, u, sizeof(u));
		hp_size(st->load.mem_avail, v, sizeof(v));
		fprintf(out, "  memory: %s used of %s, %s available\n", u, t, v);
	}
	for (size_t i = 0; st->have_df && i < st->df.n; i++) {
		const struct df_mount *m = &st->df.v[i];
		char sz[32], av[32];
		hp_size(m->size_kb * 1024, sz, sizeof(sz));
		hp_size(m->avail_kb * 1024, av, sizeof(av));
		char pct[16];
		if (m->use_pct < 0)
			snprintf(pct, sizeof(pct), "-");
		else
			snprintf(pct, sizeof(pct), "%d%%", m->use_pct);
		fprintf(out, "  disk %4s %-4s size %-7s avail %-7s %s (%s)\n", pct, hp_level[st->disk[i]], sz,
			av, hp_clean(m->mount, a, sizeof(a)), hp_clean(m->fs, b, sizeof(b)));
	}
	long long now_ms = (long long)time(NULL) * 1000;
	for (size_t i = 0; st->have_pm2 && i < st->pm2.n; i++) {
		const struct pm2_proc *p = &st->pm2.v[i];
		const struct host_pm2_flags *f = &st->pm2_flags[i];
		char mem[32], up[32], flags[96] = "";
		hp_size(p->memory, mem, sizeof(mem));
		if (p->started_ms > 0 && strcmp(p->status, "online") == 0)
			hp_duration(now_ms - p->started_ms, up, sizeof(up));
		else
			snprintf(up, sizeof(up), "-");
		if (f->restarts_rising)
			snprintf(flags, sizeof(flags), " [restarts rising, was %lld]", f->restarts_before);
		if (f->restarts_high)
			snprintf(flags + strlen(flags), sizeof(flags) - strlen(flags), " [restarts high]");
		fprintf(out, "  pm2 %s: %s, restarts %lld, id %lld, up %s, cpu %.1f%%, mem %s%s\n",
			hp_clean(p->name, a, sizeof(a)), hp_clean(p->status, b, sizeof(b)), p->restarts,
			p->pm_id, up, p->cpu, mem, flags);
	}
	for (size_t i = 0; i < st->nmissing; i++)
		fprintf(out, "  pm2 MISSING: %s (expected, not online)\n", st->missing[i]);
	for (size_t i = 0; i < st->nduplicated; i++)
		fprintf(out, "  pm2 DUPLICATED: %s (expected once, running more than once)\n",
			st->duplicated[i]);
}

void hosts_print(const struct hosts *h, FILE *out)
{
	for (size_t i = 0; i < hosts_count(h); i++) {
		if (i)
			fputc('\n', out);
		hp_host(hosts_status(h, i), out);
	}
}

int hosts_batch_status(const struct hosts *h)
{
	for (size_t i = 0; i < hosts_count(h); i++) {
		const struct host_status *st = hosts_status(h, i);
		if (!st->polled || st->fail != SSH_OK || st->nmissing || st->nduplicated)
			return 1;
		for (size_t k = 0; k < st->nprobes; k++)
			if (st->probes[k].result != PROBE_OK)
				return 1;
	}
	return 0;
}

int hosts_run_batch(const struct config *cfg, FILE *out)
{
	struct loop *loop = loop_new();
	struct hosts_opts opts = { .agent_socket = getenv("SSH_AUTH_SOCK") };
	struct hosts *h = hosts_new(loop, cfg, &opts);
	hosts_poll_all(h);
	/* Every phase has its own deadline, so this ends; each pass sleeps in poll(). */
	while (hosts_busy_count(h) > 0)
		loop_run_once(loop, -1);
	hosts_print(h, out);
	int rc = hosts_batch_status(h);
	hosts_free(h);
	loop_free(loop);
	return rc;
}
