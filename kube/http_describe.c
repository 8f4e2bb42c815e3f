/* kube/http_describe: the words of kube/http's messages (see http.h): what a request
 * does, in kubectl's terms, from its method and URL, and the problem text for a status
 * that is not 2xx.  Pure string work, kept apart from the transfer code. */
#include "kube/http.h"

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

/* Splits PATH into '/'-separated segments (at most cap); returns the count. */
static size_t http_split_path(const char *path, size_t plen, const char **seg, size_t *len, size_t cap)
{
	size_t n = 0, i = 0;
	while (i < plen && n < cap) {
		while (i < plen && path[i] == '/')
			i++;
		size_t start = i;
		while (i < plen && path[i] != '/')
			i++;
		if (i > start) {
			seg[n] = path + start;
			len[n] = i - start;
			n++;
		}
	}
	return n;
}

static bool http_query_is_watch(const char *query)
{
	for (const char *p = query; p && *p;) {
		if (strncmp(p, "watch=1", 7) == 0 || strncmp(p, "watch=true", 10) == 0) {
			char end = p[strncmp(p, "watch=1", 7) == 0 ? 7 : 10];
			if (end == '\0' || end == '&')
				return true;
		}
		p = strchr(p, '&');
		if (p)
			p++;
	}
	return false;
}

void http_describe_request(const char *method, const char *url, char *out, size_t cap)
{
	if (!cap)
		return;
	const char *p = strstr(url, "://");
	p = p ? p + 3 + strcspn(p + 3, "/?#") : url;
	size_t plen = strcspn(p, "?#");
	const char *query = p[plen] == '?' ? p + plen + 1 : NULL;
	const char *seg[16];
	size_t len[16];
	size_t n = http_split_path(p, plen, seg, len, 16);
	/* The API part may follow a proxy prefix (/k8s/clusters/ID/api/v1/...). */
	size_t i = 0;
	while (i < n && !(len[i] == 3 && memcmp(seg[i], "api", 3) == 0) &&
	       !(len[i] == 4 && memcmp(seg[i], "apis", 4) == 0))
		i++;
	size_t rest;
	const char *group = NULL;
	size_t glen = 0;
	if (i < n && len[i] == 3) {
		rest = i + 2;
	} else if (i < n) {
		group = i + 1 < n ? seg[i + 1] : NULL;
		glen = group ? len[i + 1] : 0;
		rest = i + 3;
	} else {
		rest = n;
	}
	if (rest >= n) {
		snprintf(out, cap, "%s %.*s", method, (int)(plen < 400 ? plen : 400), p);
		return;
	}
	const char *ns = NULL, *res, *name = NULL, *sub = NULL;
	size_t nslen = 0, reslen, namelen = 0, sublen = 0;
	size_t k = rest;
	if (len[k] == 10 && memcmp(seg[k], "namespaces", 10) == 0 && k + 2 < n) {
		ns = seg[k + 1];
		nslen = len[k + 1];
		k += 2;
	}
	res = seg[k];
	reslen = len[k];
	if (k + 1 < n) {
		name = seg[k + 1];
		namelen = len[k + 1];
	}
	if (k + 2 < n) {
		sub = seg[k + 2];
		sublen = len[k + 2];
	}
	const char *verb;
	if (strcmp(method, "GET") == 0)
		verb = http_query_is_watch(query) ? "watch" : name ? "get" : "list";
	else if (strcmp(method, "POST") == 0)
		verb = "create";
	else if (strcmp(method, "PUT") == 0)
		verb = "update";
	else if (strcmp(method, "PATCH") == 0)
		verb = "patch";
	else if (strcmp(method, "DELETE") == 0)
		verb = name ? "delete" : "deletecollection";
	else
		verb = method;
	char resname[300];
	snprintf(resname, sizeof(resname), "%.*s%s%.*s%s%.*s", (int)(reslen < 100 ? reslen : 100), res,
		 group ? "." : "", (int)(glen < 100 ? glen : 100), group ? group : "", sub ? "/" : "",
		 (int)(sublen < 60 ? sublen : 60), sub ? sub : "");
	snprintf(out, cap, "%s %s%s%.*s%s%.*s", verb, resname, name ? " " : "",
		 (int)(namelen < 253 ? namelen : 253), name ? name : "", ns ? " in namespace " : "",
		 (int)(nslen < 63 ? nslen : 63), ns ? ns : "");
}

static const char *http_reason(long status)
{
	static const struct {
		long status;
		const char *text;
	} reasons[] = {
		{ 400, "Bad Request" }, { 401, "Unauthorized" }, { 403, "Forbidden" },
		{ 404, "Not Found" }, { 405, "Method Not Allowed" }, { 406, "Not Acceptable" },
		{ 409, "Conflict" }, { 410, "Gone" }, { 413, "Request Entity Too Large" },
		{ 415, "Unsupported Media Type" }, { 422, "Unprocessable Entity" },
		{ 429, "Too Many Requests" }, { 500, "Internal Server Error" }, { 501, "Not Implemented" },
		{ 502, "Bad Gateway" }, { 503, "Service Unavailable" }, { 504, "Gateway Timeout" },
	};
	for (size_t i = 0; i < sizeof(reasons) / sizeof(reasons[0]); i++)
		if (reasons[i].status == status)
			return reasons[i].text;
	return NULL;
}

void http_status_problem(long status, const char *method, const char *url, const char *user,
			 char *out, size_t cap)
{
	const char *reason = http_reason(status);
	char head[80];
	if (reason)
		snprintf(head, sizeof(head), "%ld %s", status, reason);
	else
		snprintf(head, sizeof(head), "HTTP %ld", status);
	if (status == 401) {
		if (user && user[0])
			snprintf(out, cap, "%s: the server rejected the credentials of user %.200s", head, user);
		else
			snprintf(out, cap, "%s: the server rejected the credentials", head);
		return;
	}
	char what[800];
	http_describe_request(method, url, what, sizeof(what));
	snprintf(out, cap, "%s: %s", head, what);
}
