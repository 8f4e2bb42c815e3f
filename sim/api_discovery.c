/* sim/api_discovery: /version, /api, /apis, the APIResourceLists, health endpoints.
 *
 * kubectl asks for aggregated discovery (apidiscovery.k8s.io/v2) but lists plain
 * application/json last in its Accept header, so answering with the legacy documents is
 * what a server without aggregation does; kubectl then walks /api/v1 and /apis/G/V.
 * Everything is generated from sim/resources.h so a new resource needs no change here.
 */
#include <stdlib.h>
#include <string.h>

#include "core/xalloc.h"
#include "sim/api.h"

/* The groups served besides the core one, in the order /apis lists them. */
static const char *const api_groups[] = {"apps", "batch", "policy"};

static json_t *api_split_list(const char *csv)
{
	json_t *a = json_array();
	const char *p = csv;
	while (p && *p) {
		const char *comma = strchr(p, ',');
		size_t len = comma ? (size_t)(comma - p) : strlen(p);
		if (len)
			json_array_append_new(a, json_stringn(p, len));
		p = comma ? comma + 1 : NULL;
	}
	return a;
}

/* One APIResourceList entry for subresource `sub` of r. */
static json_t *api_subresource(const struct sim_resource_info *r, const char *sub)
{
	char *name = xasprintf("%s/%s", r->plural, sub);
	const char *kind = r->kind, *verbs = "get,patch,update", *group = NULL, *version = NULL;
	if (!strcmp(sub, "scale")) {
		kind = "Scale";
		group = "autoscaling";
		version = "v1";
	} else if (!strcmp(sub, "log")) {
		verbs = "get";
	} else if (!strcmp(sub, "eviction")) {
		kind = "Eviction";
		verbs = "create";
		group = "policy";
		version = "v1";
	}
	json_t *e = json_pack("{s:s, s:s, s:b, s:s, s:o}", "name", name, "singularName", "",
			      "namespaced", r->namespaced, "kind", kind, "verbs",
			      api_split_list(verbs));
	if (group) {
		json_object_set_new(e, "group", json_string(group));
		json_object_set_new(e, "version", json_string(version));
	}
	free(name);
	return e;
}

static json_t *api_resource_list(const char *group, const char *version)
{
	json_t *res = json_array();
	for (int i = 0; i < SIM_RES_COUNT; i++) {
		const struct sim_resource_info *r = sim_resource((enum sim_res)i);
		if (strcmp(r->group, group) || strcmp(r->version, version))
			continue;
		json_t *e = json_pack("{s:s, s:s, s:b, s:s, s:o}", "name", r->plural,
				      "singularName", r->singular, "namespaced", r->namespaced,
				      "kind", r->kind, "verbs", api_split_list(r->verbs));
		if (r->short_names[0])
			json_object_set_new(e, "shortNames", api_split_list(r->short_names));
		if (r->categories[0])
			json_object_set_new(e, "categories", api_split_list(r->categories));
		json_array_append_new(res, e);
		const char *p = r->subresources;
		while (p && *p) {
			const char *comma = strchr(p, ',');
			char *sub = comma ? xstrndup(p, (size_t)(comma - p)) : xstrdup(p);
			json_array_append_new(res, api_subresource(r, sub));
			free(sub);
			p = comma ? comma + 1 : NULL;
		}
	}
	char *gv = group[0] ? xasprintf("%s/%s", group, version) : xstrdup(version);
	json_t *doc = json_pack("{s:s, s:s, s:s, s:o}", "kind", "APIResourceList", "apiVersion",
				"v1", "groupVersion", gv, "resources", res);
	free(gv);
	return doc;
}

static json_t *api_group_list(void)
{
	json_t *groups = json_array();
	for (size_t i = 0; i < sizeof(api_groups) / sizeof(api_groups[0]); i++) {
		char *gv = xasprintf("%s/v1", api_groups[i]);
		json_t *ver = json_pack("{s:s, s:s}", "groupVersion", gv, "version", "v1");
		json_array_append_new(groups,
				      json_pack("{s:s, s:[O], s:O}", "name", api_groups[i],
						"versions", ver, "preferredVersion", ver));
		json_decref(ver);
		free(gv);
	}
	return json_pack("{s:s, s:s, s:o}", "kind", "APIGroupList", "apiVersion", "v1", "groups",
			 groups);
}

static json_t *api_versions(const struct api_req *rq)
{
	const char *host = rq->host[0] ? rq->host : "127.0.0.1";
	return json_pack("{s:s, s:[s], s:[{s:s, s:s}]}", "kind", "APIVersions", "versions", "v1",
			 "serverAddressByClientCIDRs", "clientCIDR", "0.0.0.0/0", "serverAddress",
			 host);
}

static json_t *api_version_info(void)
{
	return json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s}", "major", "1", "minor",
			 "31", "gitVersion", "v1.31.4-warroom-sim", "gitCommit",
			 "0000000000000000000000000000000000000000", "gitTreeState", "clean",
			 "buildDate", "2026-01-01T00:00:00Z", "goVersion", "go1.22.0", "compiler",
			 "gc", "platform", "linux/amd64");
}

bool api_discovery(const struct api_req *rq, struct api_resp *rs)
{
	const char *p = rq->path;
	size_t pl = strlen(p);
	char *trimmed = pl > 1 && p[pl - 1] == '/' ? xstrndup(p, pl - 1) : xstrdup(p);
	json_t *doc = NULL;
	bool handled = true;
	if (!strcmp(trimmed, "/healthz") || !strcmp(trimmed, "/readyz") ||
	    !strcmp(trimmed, "/livez")) {
		rs->code = 200;
		rs->content_type = "text/plain; charset=utf-8";
		api_buf_add(&rs->body, "ok", 2);
	} else if (!strcmp(trimmed, "/version")) {
		doc = api_version_info();
	} else if (!strcmp(trimmed, "/api")) {
		doc = api_versions(rq);
	} else if (!strcmp(trimmed, "/apis")) {
		doc = api_group_list();
	} else if (!strcmp(trimmed, "/api/v1")) {
		doc = api_resource_list("", "v1");
	} else if (!strncmp(trimmed, "/apis/", 6) && strchr(trimmed + 6, '/') &&
		   !strchr(strchr(trimmed + 6, '/') + 1, '/')) {
		char *g = xstrdup(trimmed + 6), *slash = strchr(g, '/');
		*slash = '\0';
		bool known = false;
		for (size_t i = 0; i < sizeof(api_groups) / sizeof(api_groups[0]); i++)
			known |= !strcmp(g, api_groups[i]) && !strcmp(slash + 1, "v1");
		if (known)
			doc = api_resource_list(g, slash + 1);
		else
			handled = false;
		free(g);
	} else if (!strncmp(trimmed, "/apis/", 6) && !strchr(trimmed + 6, '/')) {
		/* /apis/GROUP: an APIGroup document */
		const char *g = trimmed + 6;
		for (size_t i = 0; i < sizeof(api_groups) / sizeof(api_groups[0]); i++)
			if (!strcmp(g, api_groups[i])) {
				char *gv = xasprintf("%s/v1", g);
				json_t *ver = json_pack("{s:s, s:s}", "groupVersion", gv, "version",
							"v1");
				doc = json_pack("{s:s, s:s, s:s, s:[O], s:O}", "kind", "APIGroup",
						"apiVersion", "v1", "name", g, "versions", ver,
						"preferredVersion", ver);
				json_decref(ver);
				free(gv);
			}
		handled = doc != NULL;
	} else {
		handled = false;
	}
	free(trimmed);
	if (handled && doc) {
		if (strcmp(rq->method, "GET") && strcmp(rq->method, "HEAD")) {
			json_decref(doc);
			api_reply_status(rs, 405, "MethodNotAllowed",
					 "the server does not allow this method on the requested resource",
					 NULL);
		} else {
			api_reply_json(rs, 200, doc);
		}
	}
	return handled;
}
