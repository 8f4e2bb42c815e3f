#ifndef SSH_HOSTS_H
#define SSH_HOSTS_H
/* ssh/hosts: the host poller behind the hosts pane and `--batch --panel hosts`.
 *
 * Every configured host is polled concurrently on the event loop: one ssh/session per host
 * running its checks (LC_ALL=C df -P, pm2's process list, LC_ALL=C uptime + free -b) one
 * channel after another, plus the host's TCP probes; a dead or slow host only ever delays
 * itself.  pm2's list comes from its daemon's RPC socket through a direct-streamlocal
 * channel (ssh/pm2_rpc; PM2_HOME asked once per host), or from `pm2 jlist` on the same
 * connection when that fails (per host until the RPC is tried again, after a wait that
 * doubles while it keeps failing; the reason and the retry in check_errors) or the host
 * says `pm2: cli`.
 * Connection settings: config file first, then ~/.ssh/config for the host's address (or
 * name), then defaults (port 22, $USER, ~/.ssh/id_ed25519|id_ecdsa|id_rsa that exist).
 * Each poll ends in one named state (ssh_fail_name): ok, DNS, connection refused, timeout,
 * host key unknown/changed, authentication failed, command failed (a check exited non-zero
 * or printed what its parser refuses; the others' results are still kept).
 * Flags computed per poll: disk use at/above warn/crit (per host and per mount),
 * pm2 restarts high (>= HOSTS_RESTARTS_HIGH) or rising since the previous poll, expected
 * pm2 processes missing (none online) or duplicated (more than one).
 * Remote names kept in the status (df fs and mount, pm2 name and status) are sanitised
 * with tui/text when they enter it: no consumer can print a raw escape from a host.
 * Host keys are never recorded here (unknown keys are a failure; the console asks).
 * Contract: the notify callback runs on the loop after each host's poll completes; status
 * pointers stay valid until hosts_free.  ProxyJump (config `jump:` or ~/.ssh/config, chains
 * "a,b" too) is resolved once by ssh/jump and handed to every session of the host (polls
 * and actions) as ssh_target.jump.  Secrets (hosts_set_passphrase/password) stay
 * in memory only, are wiped when replaced or freed, and are used for that host alone.
 */
#include "core/config.h"
#include "ssh/checks.h"
#include "ssh/probe.h"
#include "ssh/session.h"
#include "tui/loop.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

enum { HOSTS_RESTARTS_HIGH = 10 };
enum disk_level { DISK_OK, DISK_WARN, DISK_CRIT };

struct host_pm2_flags {
	bool restarts_high;
	bool restarts_rising;    /* more restarts than at the previous poll */
	long long restarts_before; /* previous poll's count, -1 when unknown */
	long long restarts_first;  /* the count at the first poll that saw this process: a
				    * baseline for observers that do not see every poll */
};

struct host_probe_status {
	const struct config_probe *cfg;
	enum probe_result result;
	char message[256];
	long long elapsed_ms;
};

struct host_status {
	const struct config_host *cfg;
	/* Effective connection settings. */
	char *address;
	int port;
	char *user;
	char *jump;
	/* Last finished poll. */
	bool polled;             /* at least one poll finished */
	bool busy;               /* a poll is running */
	enum ssh_fail fail;
	char message[512];
	char fingerprint[64];    /* server key, when the handshake got that far */
	char key_type[32];
	long long elapsed_ms;
	unsigned polls;
	bool have_df, have_pm2, have_load;
	struct df_table df;
	enum disk_level *disk;   /* per df row */
	struct pm2_list pm2;
	struct host_pm2_flags *pm2_flags; /* per pm2 row */
	char **missing;          /* expected pm2 names without an online process */
	size_t nmissing;
	char **duplicated;       /* expected pm2 names running more than once */
	size_t nduplicated;
	struct load_info load;
	char check_errors[512];  /* "pm2: exit 127: pm2: command not found" ... */
	struct host_probe_status *probes;
	size_t nprobes;
	/* Why authentication failed, for the console's prompts. */
	char locked_identity[512]; /* an encrypted identity file, "" when none */
	bool password_possible;  /* the server offers password/keyboard-interactive */
	bool have_passphrase, have_password;
	/* The server key of the last poll (blob, LIBSSH2_HOSTKEY_TYPE_*), NULL when none:
	 * what a "yes" to the unknown-key prompt records. */
	char *hostkey;
	size_t hostkey_len;
	int hostkey_type;
	long long polled_at_ms;  /* loop_now_ms() when the last poll finished */
};

struct hosts_opts {
	const char *home;        /* NULL: $HOME */
	const char *ssh_config;  /* NULL: HOME/.ssh/config */
	const char *local_user;  /* NULL: $USER, else "root" */
	const char *agent_socket; /* NULL: no agent (main passes $SSH_AUTH_SOCK) */
};

struct hosts;

typedef void (*hosts_notify_fn)(void *ud, size_t index);

/* cfg must outlive the poller.  Errors in ~/.ssh/config are reported per host. */
struct hosts *hosts_new(struct loop *loop, const struct config *cfg, const struct hosts_opts *opts);
void hosts_free(struct hosts *h);
void hosts_set_notify(struct hosts *h, hosts_notify_fn fn, void *ud);

/* Starts a poll of host i (no-op while one runs) / of every host. */
void hosts_poll(struct hosts *h, size_t i);
void hosts_poll_all(struct hosts *h);
/* Polls every host now and then every cfg->interval_s seconds. */
void hosts_start_interval(struct hosts *h);

/* Secrets typed at a prompt for host i (NULL clears).  Copied; the next poll uses them. */
void hosts_set_passphrase(struct hosts *h, size_t i, const char *passphrase);
void hosts_set_password(struct hosts *h, size_t i, const char *password);
/* Connection settings of host i for another session (actions): pointers stay valid until
 * hosts_free or the next hosts_set_*.  false when the host cannot be reached (setup). */
bool hosts_target(const struct hosts *h, size_t i, struct ssh_target *out, char *err, size_t cap);
/* The known_hosts file in use (expanded). */
const char *hosts_known_hosts(const struct hosts *h);

size_t hosts_count(const struct hosts *h);
size_t hosts_busy_count(const struct hosts *h);
const struct host_status *hosts_status(const struct hosts *h, size_t i);
/* Index of the host called name, -1 when none. */
long hosts_find(const struct hosts *h, const char *name);

/* Computes st->pm2_flags, st->missing and st->duplicated from st->pm2, st->cfg and the
 * previous poll's list and flags (prev and prev_flags, one per prev row, may be NULL;
 * rows match by pm_id and name).  Used after each poll; public for tests.  The three
 * outputs must be unset (NULL) on entry. */
void hosts_flag_pm2(struct host_status *st, const struct pm2_list *prev,
		    const struct host_pm2_flags *prev_flags);

/* Plain-text report of every host (the --batch output): per host its state or named
 * failure, probes, load, each mount with use % and level, each pm2 process with status
 * and restarts, and the flags.  Remote text is sanitised (tui/text). */
void hosts_print(const struct hosts *h, FILE *out);
/* Exit status for batch mode: 0 when every host is ok, 1 otherwise. */
int hosts_batch_status(const struct hosts *h);

/* `warroom --config FILE --batch --panel hosts`: polls every host of cfg once on a loop
 * of its own (agent: $SSH_AUTH_SOCK), prints hosts_print to out and returns
 * hosts_batch_status.  Unknown host keys are reported, never recorded. */
int hosts_run_batch(const struct config *cfg, FILE *out);

#endif
