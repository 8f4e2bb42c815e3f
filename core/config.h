#ifndef CORE_CONFIG_H
#define CORE_CONFIG_H
/* core/config: warroom's own YAML config file (`--config FILE`, else
 * $XDG_CONFIG_HOME/warroom/config.yaml when it exists; warroom(5)).
 *
 *   contexts: [dev, prod]             # kubeconfig contexts to watch (--watch)
 *   matrix: [~/matrix/shop.yaml]      # service-to-symptom files (like --matrix FILE...)
 *   thresholds: {disk_warn: 85, disk_crit: 95}   # defaults for every host's disks
 *   rotate: 10                        # --watch: seconds per detail pane in rotation
 *   colors: auto                      # auto, 256, 16, 8 or none (monochrome)
 *   keymap: ~/keys                    # user keymap (default $XDG_CONFIG_HOME/warroom/keymap)
 *   known_hosts: ~/.ssh/known_hosts   # default
 *   audit_events: true                # false: mutating commands post no WarroomAction Event
 *   interval: 30                      # seconds between host polls (default 30)
 *   timeout: 10                       # seconds per SSH phase: connect, handshake, auth, command
 *   hosts:
 *     - name: build-server            # required, unique, no blanks (used in commands)
 *       address: build.internal       # default: name (then ~/.ssh/config HostName)
 *       port: 22                      # default: ~/.ssh/config Port, else 22
 *       user: ops                     # default: ~/.ssh/config User, else $USER
 *       identity: ~/.ssh/id_ed25519   # default: ~/.ssh/config IdentityFile, else id_*
 *       jump: bastion                 # ProxyJump: another host name or [user@]host[:port]
 *       groups: [ci, build]
 *       checks: [df, pm2, load]       # default: [df, load]
 *       expect_pm2: [api, worker]     # each must appear exactly once in pm2 jlist
 *       pm2: cli                      # auto (default): ask pm2's daemon over its RPC
 *                                     #   socket, `pm2 jlist` when that fails; cli: always
 *                                     #   `pm2 jlist`
 *       disk_warn: 85                 # use % (defaults 85 / 95)
 *       disk_crit: 95
 *       mounts: [{path: /data, warn: 70, crit: 90}]   # per-mount overrides
 *       probes: ["db.internal:5432"]  # TCP connect probes from the console's side
 *       password_auth: false          # true: may ask for a password (prompt only, kept in
 *                                     # memory) when keys fail and the server offers one
 *       actions:                      # default: every built-in action
 *         - docker-gc                 # built-ins: docker-gc, docker-restart, pm2-restart,
 *         - pm2-restart               #   pm2-logs
 *         - name: health-start        # user-defined (no blanks; not a built-in or verb)
 *           command: binder-control health start --api-key="$(cat ~/.binder/key)"
 *           sudo: false               # run with `sudo -n` (never prompts for a password)
 *           confirm: true             # ask before running (default true)
 *           description: Start the health checker
 *
 * Contract: every key and value is checked where it enters; an error is one line
 * "FILE:LINE: hosts[3].port: expected an integer 1..65535".  Unknown keys are not errors
 * (a config written for a newer warroom still starts) but each is a warning
 * "FILE:LINE: hosts[0].prot: unknown key (ignored)" in `warnings`, which callers print;
 * except in a user action's definition ({name, command, sudo...}), which runs commands on
 * a host: an unknown key there is an error.  Paths are kept as written ("~/" expanded by
 * config_expand_path when used).  No I/O besides reading the file.
 */
#include <stdbool.h>
#include <stddef.h>

enum config_check { CONFIG_CHECK_DF = 1, CONFIG_CHECK_PM2 = 2, CONFIG_CHECK_LOAD = 4 };
enum { CONFIG_DEFAULT_INTERVAL = 30, CONFIG_DEFAULT_TIMEOUT = 10, CONFIG_MAX_HOSTS = 10000 };
enum { CONFIG_DEFAULT_ROTATE = 10, CONFIG_MAX_WARNINGS = 100 };

/* `colors:`: auto (what the terminal says), a forced palette size, or none. */
enum config_colors { CONFIG_COLORS_AUTO, CONFIG_COLORS_256, CONFIG_COLORS_16, CONFIG_COLORS_8,
		     CONFIG_COLORS_NONE };

struct config_probe {
	char *host;
	int port;
};

struct config_mount {
	char *path;
	int warn, crit;          /* use %, -1 when not overridden */
};

/* Names a user action may not take: the built-ins and the `ssh HOST` verbs. */
extern const char *const config_reserved_actions[];

struct config_action {
	char *name;
	char *command;           /* NULL for a built-in */
	bool sudo;
	bool confirm;
	char *description;       /* NULL: none */
	bool builtin;            /* a built-in offered by name */
};

struct config_host {
	char *name;
	char *address;           /* NULL: use name */
	int port;                /* 0: not given */
	char *user;              /* NULL: not given */
	char *identity;          /* NULL: not given */
	char *jump;              /* NULL: none */
	char **groups;
	size_t ngroups;
	unsigned checks;         /* CONFIG_CHECK_* bits */
	char **expect_pm2;
	size_t nexpect;
	int disk_warn, disk_crit;
	struct config_mount *mounts;
	size_t nmounts;
	struct config_probe *probes;
	size_t nprobes;
	unsigned line;           /* where the entry starts, for later messages */
	bool password_auth;
	bool pm2_cli;            /* `pm2: cli`: the pm2 check always runs `pm2 jlist` */
	bool actions_set;        /* `actions:` given: only those are offered */
	struct config_action *actions;
	size_t nactions;
};

struct config {
	char *path;              /* as given */
	char *known_hosts;       /* as written; default "~/.ssh/known_hosts" */
	int interval_s;
	int timeout_s;
	struct config_host *hosts;
	size_t nhosts;
	bool audit_events;       /* `audit_events: false`: no WarroomAction Events (default true) */
	char **contexts;         /* `contexts:`, contexts to watch; none: NULL, 0 */
	size_t ncontexts;
	char **matrix_files;     /* `matrix:`, as written ("~/" not expanded) */
	size_t nmatrix_files;
	int disk_warn, disk_crit; /* thresholds: defaults for hosts (85 / 95) */
	int rotate_s;            /* seconds per pane in --watch rotation (default 10) */
	enum config_colors colors;
	char *keymap;            /* `keymap:` path as written, NULL: none */
	char **warnings;         /* "FILE:LINE: x: unknown key (ignored)", at most 100 */
	size_t nwarnings;
};

/* The default config path: $XDG_CONFIG_HOME/warroom/config.yaml, else
 * $HOME/.config/warroom/config.yaml; -1 when neither is set.  Existence not checked. */
int config_user_path(char *out, size_t cap);

/* Loads and checks a config file.  0, or -1 with *err (malloc'd, "FILE:LINE: ..."). */
int config_load_file(const char *path, struct config *out, char **err);
/* The same from memory; name stands for the file in messages. */
int config_load_string(const char *name, const char *text, size_t len, struct config *out,
		       char **err);
void config_free(struct config *c);

/* The host entry called name, NULL when none. */
const struct config_host *config_find_host(const struct config *c, const char *name);

/* "~" or "~/x" -> $HOME or $HOME/x (home: NULL means getenv("HOME")); other paths copied.
 * Always returns a new string. */
char *config_expand_path(const char *path, const char *home);

/* Whether host h offers action `name` (built-in or user); its entry when it is
 * configured (NULL for an offered built-in that is not listed). */
bool config_host_offers(const struct config_host *h, const char *name,
			const struct config_action **entry);

/* The warn/crit thresholds that apply to mount point `mount` on host h. */
void config_disk_limits(const struct config_host *h, const char *mount, int *warn, int *crit);

#endif
