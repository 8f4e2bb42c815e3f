/* core/model: see model.h. */
#include "core/model.h"

#include "core/model_int.h"
#include "core/xalloc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void model_init(struct model *m)
{
	memset(m, 0, sizeof(*m));
}

static void model_pod_release(struct model_pod *p)
{
	free(p->ns);
	free(p->name);
	free(p->node);
	free(p->ip);
	free(p->labels);
	free(p->containers);
	free(p->last_exit);
	free(p->images);
	free(p);
}

static void model_node_release(struct model_node *n)
{
	free(n->name);
	free(n);
}

void model_free(struct model *m)
{
	for (size_t i = 0; i < m->npods; i++)
		model_pod_release(m->pods[i]);
	for (size_t i = 0; i < m->nnodes; i++)
		model_node_release(m->nodes[i]);
	free(m->pods);
	free(m->nodes);
	model_objects_free(m);
	model_init(m);
}

/* ---- the sorted index (model_int.h) ---- */

int model_key_compare(const struct model_key *k, const char *ns, const char *name, int kind)
{
	int c = k->ns && ns ? strcmp(k->ns, ns) : 0;
	if (!c)
		c = strcmp(k->name, name);
	return c ? c : k->kind - kind;
}

size_t model_index_search(const struct model *m, size_t n, const struct model_key *k, model_key_cmp cmp,
			  bool *found)
{
	size_t lo = 0, hi = n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = cmp(m, mid, k);
		if (c == 0) {
			*found = true;
			return mid;
		}
		if (c < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	*found = false;
	return lo;
}

void *model_index_open(void *v, size_t *cap, size_t *n, size_t at, size_t size)
{
	v = xgrow(v, cap, *n + 1, size);
	char *b = v;
	memmove(b + (at + 1) * size, b + at * size, (*n - at) * size);
	(*n)++;
	return v;
}

void model_index_close(void *v, size_t *n, size_t at, size_t size)
{
	char *b = v;
	memmove(b + at * size, b + (at + 1) * size, (*n - at - 1) * size);
	(*n)--;
}

/* ---- pods ---- */

static int model_pod_key_cmp(const struct model *m, size_t i, const struct model_key *k)
{
	return model_key_compare(k, m->pods[i]->ns, m->pods[i]->name, 0);
}

/* Binary search: index of ns/name, or where it would be inserted (*found = false). */
static size_t model_pod_index(const struct model *m, const char *ns, const char *name, bool *found)
{
	const struct model_key k = { ns, name, 0 };
	return model_index_search(m, m->npods, &k, model_pod_key_cmp, found);
}

static void model_pod_copy(struct model_pod *dst, const struct model_pod *src)
{
	*dst = *src;
	dst->ns = xstrdup(src->ns ? src->ns : "");
	dst->name = xstrdup(src->name ? src->name : "");
	dst->node = xstrdup(src->node ? src->node : "");
	dst->ip = xstrdup(src->ip ? src->ip : "");
	dst->labels = xstrdup(src->labels ? src->labels : "");
	dst->containers = xstrdup(src->containers ? src->containers : "");
	dst->last_exit = xstrdup(src->last_exit ? src->last_exit : "");
	dst->images = xstrdup(src->images ? src->images : "");
}

/* Keeps the pod counts of counted nodes exact as pods come, move and go: node `name`
 * gains `delta` pods and, as its PODS cell reads differently now, a new stamp. */
static void model_node_count_pods(struct model *m, const char *name, int delta)
{
	if (!name || !name[0])
		return;
	struct model_node *n = model_node_find(m, name);
	if (!n || !n->pods_known)
		return; /* counted in full on the first question */
	n->pods = delta < 0 && n->pods == 0 ? 0 : (size_t)((long long)n->pods + delta);
	n->stamp = ++m->stamp;
}

void model_pod_upsert(struct model *m, const struct model_pod *p)
{
	const char *ns = p->ns ? p->ns : "", *name = p->name ? p->name : "";
	bool found;
	size_t i = model_pod_index(m, ns, name, &found);
	struct model_pod *np = xmalloc(sizeof(*np));
	model_pod_copy(np, p);
	np->snap = m->pod_snap;
	np->stamp = ++m->stamp;
	if (found) {
		if (strcmp(m->pods[i]->node, np->node) != 0) {
			model_node_count_pods(m, m->pods[i]->node, -1);
			model_node_count_pods(m, np->node, 1);
		}
		model_pod_release(m->pods[i]);
		m->pods[i] = np;
	} else {
		model_node_count_pods(m, np->node, 1);
		m->pods = model_index_open(m->pods, &m->cappods, &m->npods, i, sizeof(*m->pods));
		m->pods[i] = np;
	}
	m->version++;
	m->pods_version++;
}

bool model_pod_delete(struct model *m, const char *ns, const char *name)
{
	bool found;
	size_t i = model_pod_index(m, ns, name, &found);
	if (!found)
		return false;
	model_node_count_pods(m, m->pods[i]->node, -1);
	model_pod_release(m->pods[i]);
	model_index_close(m->pods, &m->npods, i, sizeof(*m->pods));
	m->version++;
	m->pods_version++;
	return true;
}

struct model_pod *model_pod_find(const struct model *m, const char *ns, const char *name)
{
	bool found;
	size_t i = model_pod_index(m, ns, name, &found);
	return found ? m->pods[i] : NULL;
}

/* Keeps pods for which keep() is true, in order, in one pass. */
static void model_pods_sweep(struct model *m, const char *ns, bool stale_only)
{
	size_t out = 0;
	bool changed = false;
	for (size_t i = 0; i < m->npods; i++) {
		struct model_pod *p = m->pods[i];
		bool in_scope = !ns || strcmp(p->ns, ns) == 0;
		bool drop = in_scope && (!stale_only || p->snap != m->pod_snap);
		if (drop) {
			model_node_count_pods(m, p->node, -1);
			model_pod_release(p);
			changed = true;
		} else {
			m->pods[out++] = p;
		}
	}
	m->npods = out;
	if (changed) {
		m->version++;
		m->pods_version++;
	}
}

void model_pods_clear(struct model *m, const char *ns)
{
	model_pods_sweep(m, ns, false);
}

void model_pods_begin_snapshot(struct model *m)
{
	m->pod_snap++;
}

void model_pods_end_snapshot(struct model *m, const char *ns)
{
	model_pods_sweep(m, ns, true);
}

/* ---- nodes ---- */

static int model_node_key_cmp(const struct model *m, size_t i, const struct model_key *k)
{
	return model_key_compare(k, NULL, m->nodes[i]->name, 0);
}

static size_t model_node_index(const struct model *m, const char *name, bool *found)
{
	const struct model_key k = { NULL, name, 0 };
	return model_index_search(m, m->nnodes, &k, model_node_key_cmp, found);
}

void model_node_upsert(struct model *m, const struct model_node *n)
{
	const char *name = n->name ? n->name : "";
	bool found;
	size_t i = model_node_index(m, name, &found);
	struct model_node *nn = xmalloc(sizeof(*nn));
	*nn = *n;
	nn->name = xstrdup(name);
	nn->snap = m->node_snap;
	nn->stamp = ++m->stamp;
	nn->pods = 0;
	nn->pods_known = false; /* counted on the next model_node_pod_count() */
	if (found) {
		/* The same node again: its pods are still the ones counted. */
		nn->pods = m->nodes[i]->pods;
		nn->pods_known = m->nodes[i]->pods_known;
		model_node_release(m->nodes[i]);
		m->nodes[i] = nn;
	} else {
		m->nodes = model_index_open(m->nodes, &m->capnodes, &m->nnodes, i, sizeof(*m->nodes));
		m->nodes[i] = nn;
	}
	m->version++;
	m->nodes_version++;
}

bool model_node_delete(struct model *m, const char *name)
{
	bool found;
	size_t i = model_node_index(m, name, &found);
	if (!found)
		return false;
	model_node_release(m->nodes[i]);
	model_index_close(m->nodes, &m->nnodes, i, sizeof(*m->nodes));
	m->version++;
	m->nodes_version++;
	return true;
}

struct model_node *model_node_find(const struct model *m, const char *name)
{
	bool found;
	size_t i = model_node_index(m, name, &found);
	return found ? m->nodes[i] : NULL;
}

void model_nodes_begin_snapshot(struct model *m)
{
	m->node_snap++;
}

void model_nodes_end_snapshot(struct model *m)
{
	size_t out = 0;
	bool changed = false;
	for (size_t i = 0; i < m->nnodes; i++) {
		if (m->nodes[i]->snap != m->node_snap) {
			model_node_release(m->nodes[i]);
			changed = true;
		} else {
			m->nodes[out++] = m->nodes[i];
		}
	}
	m->nnodes = out;
	if (changed) {
		m->version++;
		m->nodes_version++;
	}
}

/* STATUS values kubectl prints that mean "broken, look now". */
static const char *const model_bad_states[] = {
	"CrashLoopBackOff", "Error", "Unknown", "ImagePullBackOff", "ErrImagePull",
	"InvalidImageName", "CreateContainerConfigError", "CreateContainerError",
	"RunContainerError", "OOMKilled", "Evicted", "NodeLost", "ContainerCannotRun",
	"DeadlineExceeded", "Failed", "StartError", "ErrImageNeverPull",
};

enum model_severity model_pod_severity(const struct model_pod *p)
{
	if (p->healthy)
		return SEV_OK;
	const char *s = p->status;
	/* "Init:CrashLoopBackOff" is as bad as "CrashLoopBackOff". */
	if (strncmp(s, "Init:", 5) == 0)
		s += 5;
	for (size_t i = 0; i < sizeof(model_bad_states) / sizeof(model_bad_states[0]); i++)
		if (strcmp(s, model_bad_states[i]) == 0)
			return SEV_BAD;
	if (strncmp(s, "Signal:", 7) == 0 || strncmp(s, "ExitCode:", 9) == 0)
		return SEV_BAD;
	return SEV_WARN;
}

enum model_severity model_node_severity(const struct model_node *n)
{
	if (!n->ready)
		return SEV_BAD;
	if (strstr(n->status, "SchedulingDisabled") || n->pressure)
		return SEV_WARN;
	return SEV_OK;
}

/* Counts every node's pods in one pass (the nodes pane asks for each of its rows: 1,000
 * nodes x 10,000 pods was 10 million strcmp per rebuild).  Counts already known are exact
 * (kept by pod changes), so recounting them changes nothing and needs no new stamp; a node
 * formatted before this had no count to show, so its stamp stays valid too. */
static void model_count_node_pods(const struct model *m)
{
	for (size_t i = 0; i < m->nnodes; i++) {
		m->nodes[i]->pods = 0;
		m->nodes[i]->pods_known = true;
	}
	for (size_t i = 0; i < m->npods; i++) {
		struct model_node *n = m->pods[i]->node[0] ? model_node_find(m, m->pods[i]->node) : NULL;
		if (n)
			n->pods++;
	}
}

size_t model_node_pod_count(const struct model *m, const char *name)
{
	struct model_node *n = model_node_find(m, name);
	if (!n) {
		size_t count = 0;
		for (size_t i = 0; i < m->npods; i++)
			if (strcmp(m->pods[i]->node, name) == 0)
				count++;
		return count;
	}
	if (!n->pods_known)
		model_count_node_pods(m);
	return n->pods;
}

/* Follows the rules of Kubernetes' HumanDuration (apimachinery util/duration). */
void model_format_pressure(unsigned pressure, char *out, size_t cap)
{
	snprintf(out, cap, "%s%s%s%s%s", pressure & MODEL_PRESSURE_MEMORY ? "Memory" : "",
		 (pressure & MODEL_PRESSURE_MEMORY) && (pressure & (MODEL_PRESSURE_DISK | MODEL_PRESSURE_PID)) ? "," : "",
		 pressure & MODEL_PRESSURE_DISK ? "Disk" : "",
		 (pressure & MODEL_PRESSURE_DISK) && (pressure & MODEL_PRESSURE_PID) ? "," : "",
		 pressure & MODEL_PRESSURE_PID ? "PID" : "");
	if (!out[0])
		snprintf(out, cap, "-");
}

time_t model_age_changes_at(time_t created, time_t now)
{
	if (created <= 0)
		return 0;
	long long d = (long long)now - (long long)created;
	if (d < -1)
		return created - 1; /* "<invalid>" until the clocks agree within a second */
	if (d < 600)
		return d < 0 ? created + 1 : now + 1; /* seconds are shown */
	/* Otherwise the text changes when the smallest unit shown ticks over; the bucket
	 * limits of model_format_age are multiples of that unit, so a change of bucket
	 * happens at such a tick too. */
	long long unit;
	long long hours = d / 3600;
	if (hours < 8)
		unit = 60;                 /* "12m", "3h12m" */
	else if (hours < 24 * 8)
		unit = 3600;               /* "22h", "5d3h" */
	else if (hours < 24 * 365 * 8)
		unit = 86400;              /* "30d", "3y12d" */
	else
		unit = 365 * 86400LL;      /* "9y" */
	return (time_t)(created + (d / unit + 1) * unit);
}

void model_format_age(time_t created, time_t now, char *out, size_t cap)
{
	if (created <= 0) {
		snprintf(out, cap, "<unknown>");
		return;
	}
	long long d = (long long)now - (long long)created;
	if (d < -1) {
		snprintf(out, cap, "<invalid>");
		return;
	}
	if (d < 0)
		d = 0;
	long long min = d / 60, hours = d / 3600, days = hours / 24;
	if (d < 120)
		snprintf(out, cap, "%llds", d);
	else if (min < 10)
		d % 60 ? snprintf(out, cap, "%lldm%llds", min, d % 60) : snprintf(out, cap, "%lldm", min);
	else if (min < 180)
		snprintf(out, cap, "%lldm", min);
	else if (hours < 8)
		min % 60 ? snprintf(out, cap, "%lldh%lldm", hours, min % 60)
			 : snprintf(out, cap, "%lldh", hours);
	else if (hours < 48)
		snprintf(out, cap, "%lldh", hours);
	else if (hours < 24 * 8)
		hours % 24 ? snprintf(out, cap, "%lldd%lldh", days, hours % 24)
			   : snprintf(out, cap, "%lldd", days);
	else if (hours < 24 * 365 * 2)
		snprintf(out, cap, "%lldd", days);
	else if (hours < 24 * 365 * 8)
		days % 365 ? snprintf(out, cap, "%lldy%lldd", days / 365, days % 365)
			   : snprintf(out, cap, "%lldy", days / 365);
	else
		snprintf(out, cap, "%lldy", days / 365);
}
