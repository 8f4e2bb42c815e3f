#ifndef KUBE_DRIFT_H
#define KUBE_DRIFT_H
/* kube/drift: what is deployed versus what is declared, within one context and across
 * two (dev and prod), and Helm releases from their Secrets' labels.
 *
 * Per deployment/statefulset: the images of its pod template (spec) and the images its
 * pods actually run (each pod's spec.containers, distinct sets with counts): a pod on
 * another image set means a rollout in progress or stuck.  Across several models (up to
 * DRIFT_MAX_SIDES contexts: dev, staging, prod), the rows are the union by
 * kind/namespace/name, and a row differs when the spec images of two sides differ (tags
 * compared whole: "web:1.4" vs "web:1.5"), or when the workload is missing on a side.
 *
 * Helm 3 stores each release revision in a Secret labelled owner=helm, name=RELEASE,
 * status=deployed|failed|pending-install|pending-upgrade|pending-rollback|superseded|
 * uninstalling, version=N (and modifiedAt=EPOCH on recent versions).  Only labels are
 * read: the release payload is never decoded or kept.  The newest revision per release
 * is the release; failed and pending-* are flagged.
 *
 * Contract: pure (no I/O); strings come from the server and are raw: sanitise to draw.
 */
#include "core/model.h"

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <time.h>

enum { DRIFT_MAX_SIDES = 4 };

struct drift_side {
	bool present;
	char spec[1024];      /* template images "repo:tag,repo2:tag" */
	char running[1024];   /* pods' image sets: "repo:tag x3; repo:old x1" ("-" no pods) */
	int pods, stale_pods; /* pods matched, pods not on the spec images */
};

struct drift_row {
	enum model_workload_kind kind;
	char ns[254];
	char name[254];
	struct drift_side side[DRIFT_MAX_SIDES];
	bool rollout;         /* a side has pods on images other than its spec */
	bool differs;         /* several sides: spec images differ or a side lacks it */
	bool side_differs[DRIFT_MAX_SIDES]; /* side s's spec differs from side 0's, or
				 * exactly one of the two lacks the workload */
};

struct drift_report {
	struct drift_row *rows; /* sorted by ns, name, kind */
	size_t nrows, cap;
	int nsides;           /* 1..DRIFT_MAX_SIDES */
};

/* Builds the report of one model (b NULL) or two.  Free with drift_report_free. */
void drift_report_build(struct drift_report *r, const struct model *a, const struct model *b);
/* The same for n models (1..DRIFT_MAX_SIDES; more are ignored), side s = ms[s]. */
void drift_report_build_n(struct drift_report *r, const struct model *const *ms, int n);
void drift_report_free(struct drift_report *r);

/* True when every "k=v" of selector is among labels (both "k=v,k2=v2"): how a pod is
 * found to belong to a workload.  A selector with expressions matches nothing. */
bool drift_selector_matches(const char *selector, const char *labels);

struct helm_release {
	char ns[254];
	char name[254];
	char status[32];
	int version;
	time_t deployed;      /* modifiedAt label, else the Secret's creationTimestamp; 0 unknown */
	bool flagged;         /* failed or pending-* */
};

struct helm_list {
	struct helm_release *v;
	size_t n, cap;
};

/* Reads a SecretList JSON (kind checked), keeping the newest revision of each release
 * among items labelled owner=helm.  0, or -1 with err naming what was wrong. */
int drift_helm_from_list(struct helm_list *out, const json_t *list, char *err, size_t cap);
void drift_helm_free(struct helm_list *l);
/* One Secret: true when it is a Helm release record (labels owner=helm, name, status,
 * version 1..1000000), filled into *out (flagged set); false for anything else. */
bool drift_helm_parse(const json_t *secret, struct helm_release *out);
/* Adds record r to l unless l has the same release (ns, name) at a newer or equal
 * revision; a newer revision replaces the older one. */
void drift_helm_add(struct helm_list *l, const struct helm_release *r);

#endif
