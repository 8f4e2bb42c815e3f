#ifndef PANELS_HOSTS_H
#define PANELS_HOSTS_H
/* panels/hosts: the hosts pane (SSH hosts of --config) and its view-model.
 *
 * Owns the ssh/hosts poller (polled every config interval and on `refresh`), the one
 * running SSH action (ssh/actions) with its live output, and the pane's prompts:
 *  - an unknown host key: OpenSSH's wording with the SHA256 fingerprint; 'y' records that
 *    exact key (copied when the prompt opened) in known_hosts, 'n'/Esc dismisses it until
 *    `ssh HOST refresh`.  In read-only mode no prompt opens and nothing is recorded;
 *  - a passphrase for an encrypted identity file, or a password for a host configured with
 *    password_auth: typed without echo, asked once, kept in memory only (ssh/hosts).
 * Per host it renders the state (ok or the named failure), the age of the last poll,
 * load and memory, every mount with a use% bar (warn/crit levels from the config), the
 * pm2 processes (status, restarts flagged high or rising, uptime, CPU, memory) and the
 * missing or duplicated expected processes, then the probes.
 * Mutating actions go through the request gate (kube/request: read-only refusal,
 * confirmation, audit trail); pm2-logs only reads and runs directly.
 *
 * Contract: rendering is curses-free; every remote string goes through tui/text here.
 * notify(ud) runs from loop callbacks and must only mark the screen dirty.
 */
#include "core/commands.h"
#include "core/config.h"
#include "kube/request.h"
#include "ssh/actions.h"
#include "ssh/hosts.h"
#include "tui/loop.h"

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

enum hosts_attr {
	HOSTS_ATTR_TEXT, HOSTS_ATTR_HEAD, HOSTS_ATTR_OK, HOSTS_ATTR_WARN, HOSTS_ATTR_BAD,
	HOSTS_ATTR_DIM, HOSTS_ATTR_SEL, HOSTS_ATTR_PROMPT,
};

enum { HOSTS_MAX_SEGS = 16, HOSTS_LINE_BYTES = 2048 };

struct hosts_seg {
	unsigned short off, len;  /* bytes in line->text */
	unsigned char attr;       /* enum hosts_attr */
};

/* One screen line: sanitised UTF-8 of at most `width` columns. */
struct hosts_line {
	char text[HOSTS_LINE_BYTES];
	struct hosts_seg seg[HOSTS_MAX_SEGS];
	size_t nseg;
	int cols;
};

struct hosts_view;
typedef void (*hosts_view_notify_fn)(void *ud);

/* cfg must outlive the view.  Starts polling at once. */
struct hosts_view *hosts_view_new(struct loop *loop, const struct config *cfg,
				  const struct hosts_opts *opts, hosts_view_notify_fn notify, void *ud);
void hosts_view_free(struct hosts_view *v);
/* The gate mutating actions pass (NULL: they are refused) and read-only mode. */
void hosts_view_set_gate(struct hosts_view *v, struct request_gate *gate, bool read_only);
struct hosts *hosts_view_hosts(struct hosts_view *v);

enum hosts_exec { HOSTS_EXEC_NOT_MINE, HOSTS_EXEC_DONE, HOSTS_EXEC_CLOSE };
/* Commands while the pane is shown: movement, refresh, ssh-cancel; quit/cancel close it. */
enum hosts_exec hosts_view_exec(struct hosts_view *v, const struct command_call *call, char *msg,
				size_t cap, bool *error);
/* `ssh HOST df|pm2|refresh|ACTION [NAME]`.  0 (msg says what happens) or -1 (msg: why). */
int hosts_view_ssh(struct hosts_view *v, const char *arg, char *msg, size_t cap);
/* `ssh-cancel`: stops the running action.  0, or -1 with msg when none runs. */
int hosts_view_cancel(struct hosts_view *v, char *msg, size_t cap);

/* Keys while a prompt is open: key is a Unicode code point, '\n' Enter, 127 Backspace,
 * 27 Esc, -1 any other special key.  Returns false (key not taken) when no prompt is open. */
bool hosts_view_key(struct hosts_view *v, int key);
bool hosts_view_prompting(const struct hosts_view *v);

/* Title: "Hosts 3: 2 ok, 1 failing (1 polling)  r refresh ..." (raw ASCII). */
void hosts_view_title(struct hosts_view *v, char *out, size_t cap);
/* Lays the pane out in width x height; returns the number of lines written (<= height). */
size_t hosts_view_render(struct hosts_view *v, int width, int height, time_t now,
			 struct hosts_line *lines);
/* One-line summary for dashboards: "hosts: 2 ok, build-server timeout". */
void hosts_view_summary(struct hosts_view *v, char *out, size_t cap, bool *bad);

/* Ages as the panes show them: 5s, 3m, 2h4m, 3d2h. */
void hosts_view_age(long long ms, char *out, size_t cap);
/* A use% bar of `cols` cells ("████░░░░"), into out. */
void hosts_view_bar(int pct, int cols, char *out, size_t cap);
/* OpenSSH's display name of a key type: "ssh-ed25519" -> "ED25519". */
const char *hosts_view_key_name(const char *key_type);

#endif
