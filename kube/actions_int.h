#ifndef KUBE_ACTIONS_INT_H
#define KUBE_ACTIONS_INT_H
/* kube/actions internals shared by actions.c (parsing, the step engine, scale, restart,
 * delete), actions_node.c (cordon, uncordon, drain) and actions_red.c (red-button,
 * restore).  Not for other modules. */
#include "kube/actions.h"

#include <jansson.h>

enum act_item_state { ACT_PENDING, ACT_OK, ACT_FAILED, ACT_SKIPPED, ACT_BLOCKED };

struct act_item {
	char *kind;          /* "deployment", "statefulset", "pod", "node" */
	char *ns;            /* NULL for nodes */
	char *name;
	char *path;          /* API path of the object */
	long from, to;       /* replicas (or 0/1 for unschedulable) */
	char *rv;            /* resourceVersion the plan saw (red-button's optimistic PATCH) */
	char *plan;          /* plan line */
	enum act_item_state state;
	int tries;
	int stage;           /* restore: 0 scale, 1 clear the annotation */
	bool reported;       /* a skipped item's line was shown */
};

struct act;
/* Per-kind behaviour: the write of one item (method, path, body, content type, all
 * allocated), what to say once it worked, and how to re-plan it from a fresh object
 * after a 409 (NULL: no retry). */
struct act_kind_ops {
	void (*write)(struct act *a, struct act_item *it, char **method, char **path, char **ctype,
		      char **body);
	/* Fresh object after a 409: returns false when the item no longer needs a write. */
	bool (*refresh)(struct act *a, struct act_item *it, const json_t *obj);
	/* Called when every item is done; may queue more (returns true) e.g. restore's phases. */
	bool (*next_phase)(struct act *a);
};

struct act {
	struct request_gate *g;
	struct request_op *op;
	enum cmd_id id;
	char *command;       /* as typed, for audit and Events */
	char *ns;            /* namespace of the action (NULL: cluster scope) */
	char *kind, *name;   /* target */
	long value;          /* scale: N */
	bool force, include_sts;
	struct act_item *items;
	size_t nitems, capitems;
	size_t cur;          /* next item to write */
	size_t first, last;  /* the items of the current phase: [first, last) */
	const struct act_kind_ops *ops;
	int phase;
	long long timer;
	long long deadline_ms;
	char *restarted_at;  /* restart: one timestamp for the whole action */
};

/* actions.c */
struct act_item *act_add_item(struct act *a, const char *kind, const char *ns, const char *name,
			      const char *path);
/* Plan complete: builds the request action and submits it to the gate; frees a on refusal. */
void act_submit(struct act *a, const char *equivalent, const char *confirm_word);
/* The same with another perform callback (it must set a->op). */
void act_submit_with(struct act *a, const char *equivalent, const char *confirm_word, request_perform_fn perform);
void act_free(struct act *a);
/* Ends the action before submission (a planning failure); frees a. */
void act_fail(struct act *a, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Starts writing items [first, last). */
void act_run_items(struct act *a, size_t first, size_t last);
/* GET path, then fn(a, obj or NULL, res) on the loop.  obj is the parsed body. */
typedef void (*act_got_fn)(struct act *a, const json_t *obj, const struct request_result *res);
void act_get(struct act *a, const char *path, act_got_fn fn);
/* Ends the performing action with a result derived from the item states; frees a. */
void act_end(struct act *a);
/* "apps/v1" and "Deployment" for an item kind. */
const char *act_api_version(const char *kind);
const char *act_kind_title(const char *kind);
/* API path of a workload: /apis/apps/v1/namespaces/NS/deployments/NAME. */
char *act_workload_path(const char *kind, const char *ns, const char *name);
long act_json_long(const json_t *o, const char *a, const char *b, long dflt);

/* actions_node.c */
void act_plan_node(struct act *a);
/* actions_red.c */
void act_plan_red(struct act *a);

#endif
