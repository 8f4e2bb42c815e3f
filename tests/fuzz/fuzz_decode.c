/* libFuzzer target for kube/decode (pods, nodes, deployments, statefulsets, events,
 * namespaces) over a list page or a single object from a hostile API server.
 * The first input byte picks the resource, the rest is the body.  Built by `make fuzz`.
 * Checks the contracts of decode.h: never crashes; a failure leaves a one-line message;
 * decoding the same page twice changes nothing (upsert is idempotent: no duplicates);
 * the model's tables stay strictly sorted; the fixed-size outputs stay terminated. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/model.h"
#include "kube/decode.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int fuzz_cmp2(const char *a1, const char *a2, const char *b1, const char *b2)
{
	int c = strcmp(a1, b1);
	return c ? c : strcmp(a2, b2);
}

static void fuzz_check_model(const struct model *m)
{
	for (size_t i = 1; i < m->npods; i++)
		if (fuzz_cmp2(m->pods[i - 1]->ns, m->pods[i - 1]->name, m->pods[i]->ns,
			      m->pods[i]->name) >= 0)
			abort();
	for (size_t i = 1; i < m->nnodes; i++)
		if (strcmp(m->nodes[i - 1]->name, m->nodes[i]->name) >= 0)
			abort();
	for (size_t i = 0; i < m->npods; i++)
		if (strnlen(m->pods[i]->status, sizeof(m->pods[i]->status)) == sizeof(m->pods[i]->status))
			abort();
}

static void fuzz_objects(enum kube_resource r, const json_t *obj, struct model *m)
{
	char rv[64];
	memset(rv, 0xA5, sizeof(rv));
	if (decode_apply(r, obj, false, m, rv, sizeof(rv)) == 0 && !memchr(rv, 0, sizeof(rv)))
		abort();
	fuzz_check_model(m);
	decode_apply(r, obj, true, m, NULL, 0);
	fuzz_check_model(m);

	/* The single-object decoders with deliberately small buffers (cutting must
	 * stay inside them and terminate). */
	struct model_pod p;
	char labels[8], containers[5], last_exit[3];
	if (decode_pod(obj, &p) == 0)
		decode_pod_extra(obj, &p, labels, sizeof(labels), containers, sizeof(containers),
				 last_exit, sizeof(last_exit));
	struct model_node n;
	decode_node(obj, &n);
	struct model_workload w;
	char images[7], selector[4];
	for (int k = 0; k < MODEL_NWORKLOAD_KINDS; k++)
		if (decode_workload(obj, (enum model_workload_kind)k, &w, images, sizeof(images),
				    selector, sizeof(selector)) == 0 &&
		    (!memchr(images, 0, sizeof(images)) || !memchr(selector, 0, sizeof(selector))))
			abort();
	struct model_event e;
	decode_event(obj, &e);
	struct model_namespace ns;
	decode_namespace(obj, &ns);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1)
		return 0;
	enum kube_resource r = (enum kube_resource)(data[0] % KUBE_NRESOURCES);
	const char *body = (const char *)data + 1;
	size_t len = size - 1;

	struct model m;
	model_init(&m);
	struct decode_meta meta;
	char err[256];
	err[0] = '\0';
	int rc = decode_list(r, body, len, &m, &meta, err, sizeof(err));
	if (rc < 0 && (!err[0] || strchr(err, '\n')))
		abort();
	fuzz_check_model(&m);
	if (rc == 0) {
		size_t np = m.npods, nn = m.nnodes, nw = m.nworkloads, ne = m.nevents,
		       nns = m.nnamespaces;
		if (!memchr(meta.cont, 0, sizeof(meta.cont)) ||
		    !memchr(meta.resource_version, 0, sizeof(meta.resource_version)))
			abort();
		decode_begin_snapshot(r, &m);
		if (decode_list(r, body, len, &m, &meta, err, sizeof(err)) != 0)
			abort();
		decode_end_snapshot(r, &m, NULL);
		if (np != m.npods || nn != m.nnodes || nw != m.nworkloads || ne != m.nevents ||
		    nns != m.nnamespaces)
			abort();
		fuzz_check_model(&m);
	}

	json_error_t jerr;
	json_t *root = json_loadb(body, len, JSON_DECODE_ANY | JSON_ALLOW_NUL, &jerr);
	if (root) {
		fuzz_objects(r, root, &m);
		json_t *items = json_object_get(root, "items");
		size_t i;
		json_t *it;
		if (json_is_array(items))
			json_array_foreach(items, i, it)
				fuzz_objects(r, it, &m);
		json_decref(root);
	}
	model_free(&m);

	/* decode_time on the body as a NUL-terminated string. */
	char *s = malloc(len + 1);
	if (s) {
		memcpy(s, body, len);
		s[len] = '\0';
		decode_time(s);
		free(s);
	}
	return 0;
}
