#ifndef CORE_MATRIX_H
#define CORE_MATRIX_H
/* core/matrix: service-to-symptom definitions (the YAML files in runbooks/, warroom(5)).
 *
 * A definition file lists services: where each lives in the cluster, how its health is
 * measured, what users see when it is down (per free-form channel: "UI", "Integration
 * test"...), and the runbook: steps (optionally naming a warroom command), escalations
 * and links.
 *
 *   title: Ingest                          # optional, shown in the pane
 *   services:
 *     - name: broker                       # required, unique across loaded files
 *       namespace: ingest                  # required
 *       deployment: ingest-broker          # exactly one of deployment / statefulset / selector
 *       context: prod                      # optional kubeconfig context
 *       replicas: 3                        # optional default replica count (for steps)
 *       checks:                            # default: [{replicas: desired}, {stuck: 5m}]
 *         - replicas: desired              # ready = desired, or N (ready >= N)
 *         - stuck: 5m                      # no pod CrashLoopBackOff/Unknown/Pending longer
 *         - logs: 'Running as the leader.*ClusterManager'   # ERE
 *           expect: 1                      # N, ">=N", "<=N" pods matching (default >=1)
 *         - http: http://host:port/healthz
 *           status: 200                    # default: any 2xx
 *           timeout: 5s
 *         - tcp: mongo.ingest:27017
 *           timeout: 3s
 *       (every check also takes `name:` (shown when it fails) and `severity: down|degraded`)
 *       symptoms:
 *         UI: "An error occurred in uploading spreadsheet"
 *         Integration test: "..."
 *       steps:
 *         - Check the pods                   # text only, or
 *         - text: Restart the pods
 *           command: restart deployment/ingest/ingest-broker
 *       escalations: ["Control Plane team"]
 *       links:
 *         - {title: Grafana, url: https://...}
 *
 * Contract: every key and value is checked where it enters; errors are one line,
 * "FILE:LINE: services[2].checks[0].expect: expected N, >=N or <=N" (unknown keys are
 * errors).  Loading several files into one matrix appends services; channels are kept
 * in first-seen order.  Strings are kept as written (symptom texts may hold newlines);
 * sanitise before display.  No I/O besides reading the files.
 */
#include <stdbool.h>
#include <stddef.h>

enum matrix_check_kind { MATRIX_CHECK_REPLICAS, MATRIX_CHECK_STUCK, MATRIX_CHECK_LOGS,
			 MATRIX_CHECK_HTTP, MATRIX_CHECK_TCP };

/* What a failing check makes of its service. */
enum matrix_severity { MATRIX_SEV_DEFAULT, MATRIX_SEV_DEGRADED, MATRIX_SEV_DOWN };

enum matrix_expect_op { MATRIX_EXPECT_EQ, MATRIX_EXPECT_GE, MATRIX_EXPECT_LE };

enum matrix_target_kind { MATRIX_DEPLOYMENT, MATRIX_STATEFULSET, MATRIX_SELECTOR };

enum { MATRIX_MAX_CHANNELS = 8, MATRIX_MAX_CHECKS = 32 };

struct matrix_check {
	enum matrix_check_kind kind;
	char *name;             /* label when it fails: "replicas", "ClusterManager leader" */
	enum matrix_severity severity;
	int min_ready;          /* REPLICAS: -1 = desired, else ready >= min_ready */
	long stuck_s;           /* STUCK: seconds */
	char *pattern;          /* LOGS: extended regex (compiled by the health module) */
	enum matrix_expect_op op;
	long expect;
	char *url;              /* HTTP */
	int status;             /* HTTP: 0 = any 2xx */
	char *host;             /* TCP */
	int port;
	long timeout_ms;        /* HTTP/TCP, default 5000 */
	unsigned line;
};

struct matrix_symptom {
	char *channel;
	char *text;
};

struct matrix_step {
	char *text;
	char *command;          /* a warroom command line, NULL when none */
};

struct matrix_link {
	char *title;
	char *url;
};

struct matrix_service {
	char *name;
	char *file;             /* definition file, for messages */
	unsigned line;
	char *title;            /* the file's title, NULL when none */
	char *context;          /* NULL: the current one */
	char *ns;
	enum matrix_target_kind target;
	char *workload;         /* deployment/statefulset name */
	char *selector;         /* MATRIX_SELECTOR: "app=x,tier=y" */
	int replicas;           /* default replica count, 0 when not given */
	struct matrix_check *checks;
	size_t nchecks;
	struct matrix_symptom *symptoms;
	size_t nsymptoms;
	struct matrix_step *steps;
	size_t nsteps;
	char **escalations;
	size_t nescalations;
	struct matrix_link *links;
	size_t nlinks;
};

struct matrix {
	struct matrix_service *services;
	size_t nservices, cap;
	char *channels[MATRIX_MAX_CHANNELS];   /* first-seen order across services */
	size_t nchannels;
};

void matrix_init(struct matrix *m);
void matrix_free(struct matrix *m);

/* Loads a definition file and appends its services.  0, or -1 with *err (malloc'd,
 * "FILE:LINE: what").  On error m is left as it was. */
int matrix_load_file(struct matrix *m, const char *path, char **err);
int matrix_load_string(struct matrix *m, const char *name, const char *text, size_t len, char **err);

/* The service called name (case-insensitive), NULL when none. */
const struct matrix_service *matrix_find(const struct matrix *m, const char *name);
/* The symptom text of channel (case-insensitive), NULL when the service has none. */
const char *matrix_symptom_text(const struct matrix_service *s, const char *channel);

/* "deployment/NS/NAME", "statefulset/NS/NAME" or "label/SELECTOR" (namespace separate):
 * the target as the logs/logcheck commands take it. */
void matrix_format_target(const struct matrix_service *s, char *out, size_t cap);
/* "replicas = desired", "stuck > 5m", "logs 'RE' = 1", "http URL", "tcp HOST:PORT". */
void matrix_format_check(const struct matrix_check *c, char *out, size_t cap);

/* Parses "5m", "30s", "1h30m", "2d", or a number of seconds; -1 when malformed. */
long matrix_parse_duration(const char *s);

/* The directory of the shipped definitions: $WARROOM_RUNBOOKS when set, else
 * <dir of exe>/../share/warroom/runbooks, else <dir of exe>/../runbooks (the source tree,
 * for build/warroom).  exe is argv[0] or /proc/self/exe's target.  Writes "" when none
 * exists. */
void matrix_default_dir(const char *exe, char *out, size_t cap);
/* Loads every *.yaml in dir, in name order.  0, or -1 with *err. */
int matrix_load_dir(struct matrix *m, const char *dir, char **err);

#endif
