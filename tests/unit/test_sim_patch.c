/* Unit tests for sim/patch: JSON merge patch (RFC 7386), strategic merge patch and JSON
 * patch (RFC 6902).  JSON is written with single quotes, turned into double quotes by js(). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "sim/patch.h"

static json_t *js(const char *text)
{
	char *s = strdup(text);
	for (char *p = s; *p; p++)
		if (*p == '\'')
			*p = '"';
	json_error_t e;
	json_t *v = json_loads(s, JSON_DECODE_ANY, &e);
	if (!v)
		fail_msg("bad test JSON: %s (%s)", s, e.text);
	free(s);
	return v;
}

typedef json_t *(*patch_fn)(const json_t *, const json_t *, char *, size_t);

/* Applies patch to doc with fn and compares with want; doc must not change. */
static void check(patch_fn fn, const char *doc, const char *patch, const char *want)
{
	json_t *d = js(doc), *p = js(patch), *w = js(want);
	json_t *before = json_deep_copy(d);
	char err[256] = "";
	json_t *got = fn(d, p, err, sizeof(err));
	if (!got)
		fail_msg("patch %s failed: %s", patch, err);
	if (!json_equal(got, w)) {
		char *g = json_dumps(got, JSON_COMPACT | JSON_SORT_KEYS | JSON_ENCODE_ANY);
		fail_msg("patch %s\n  want %s\n  got  %s", patch, want, g);
	}
	assert_true(json_equal(d, before));
	json_decref(d);
	json_decref(p);
	json_decref(w);
	json_decref(got);
	json_decref(before);
}

static void reject(patch_fn fn, const char *doc, const char *patch, const char *want)
{
	json_t *d = js(doc), *p = js(patch);
	char err[256] = "";
	json_t *got = fn(d, p, err, sizeof(err));
	if (got)
		fail_msg("patch %s should have failed", patch);
	if (!strstr(err, want))
		fail_msg("patch %s: message '%s' lacks '%s'", patch, err, want);
	json_decref(d);
	json_decref(p);
}

/* ---- RFC 7386 ------------------------------------------------------------------------- */

static void test_merge_rfc7386_examples(void **state)
{
	(void)state;
	/* The RFC's appendix A test cases. */
	check(sim_patch_merge, "{'a':'b'}", "{'a':'c'}", "{'a':'c'}");
	check(sim_patch_merge, "{'a':'b'}", "{'b':'c'}", "{'a':'b','b':'c'}");
	check(sim_patch_merge, "{'a':'b'}", "{'a':null}", "{}");
	check(sim_patch_merge, "{'a':'b','b':'c'}", "{'a':null}", "{'b':'c'}");
	check(sim_patch_merge, "{'a':['b']}", "{'a':'c'}", "{'a':'c'}");
	check(sim_patch_merge, "{'a':'c'}", "{'a':['b']}", "{'a':['b']}");
	check(sim_patch_merge, "{'a':{'b':'c'}}", "{'a':{'b':'d','c':null}}", "{'a':{'b':'d'}}");
	check(sim_patch_merge, "{'a':[{'b':'c'}]}", "{'a':[1]}", "{'a':[1]}");
	check(sim_patch_merge, "['a','b']", "['c','d']", "['c','d']");
	check(sim_patch_merge, "{'a':'b'}", "['c']", "['c']");
	check(sim_patch_merge, "{'a':'foo'}", "null", "null");
	check(sim_patch_merge, "{'a':'foo'}", "'bar'", "'bar'");
	check(sim_patch_merge, "{'e':null}", "{'a':1}", "{'e':null,'a':1}");
	check(sim_patch_merge, "[1,2]", "{'a':'b','c':null}", "{'a':'b'}");
	check(sim_patch_merge, "{}", "{'a':{'bb':{'ccc':null}}}", "{'a':{'bb':{}}}");
}

static void test_merge_kubectl_shapes(void **state)
{
	(void)state;
	/* kubectl scale / annotate / label shapes. */
	check(sim_patch_merge, "{'spec':{'replicas':3,'selector':{'app':'x'}}}", "{'spec':{'replicas':0}}",
	      "{'spec':{'replicas':0,'selector':{'app':'x'}}}");
	check(sim_patch_merge, "{'metadata':{'labels':{'a':'1','b':'2'}}}", "{'metadata':{'labels':{'a':null,'c':'3'}}}",
	      "{'metadata':{'labels':{'b':'2','c':'3'}}}");
	/* Lists are replaced whole by a merge patch. */
	check(sim_patch_merge, "{'spec':{'containers':[{'name':'a','image':'1'},{'name':'b'}]}}",
	      "{'spec':{'containers':[{'name':'a','image':'2'}]}}", "{'spec':{'containers':[{'name':'a','image':'2'}]}}");
}

/* ---- strategic merge patch ------------------------------------------------------------ */

static const char *DEP =
	"{'spec':{'replicas':2,'template':{'metadata':{'labels':{'app':'api'}},'spec':{"
	"'containers':[{'name':'api','image':'api:1','env':[{'name':'A','value':'1'},{'name':'B','value':'2'}],"
	"'ports':[{'containerPort':80,'name':'http'}],'volumeMounts':[{'name':'cfg','mountPath':'/etc/cfg'}]},"
	"{'name':'proxy','image':'envoy:1'}],"
	"'volumes':[{'name':'cfg','configMap':{'name':'c'}}],'tolerations':[{'key':'a'},{'key':'b'}]}}}}";

static void test_strategic_list_merge_by_name(void **state)
{
	(void)state;
	/* kubectl set image: only the named container changes, the other stays. */
	check(sim_patch_strategic, DEP, "{'spec':{'template':{'spec':{'containers':[{'name':'api','image':'api:2'}]}}}}",
	      "{'spec':{'replicas':2,'template':{'metadata':{'labels':{'app':'api'}},'spec':{"
	      "'containers':[{'name':'api','image':'api:2','env':[{'name':'A','value':'1'},{'name':'B','value':'2'}],"
	      "'ports':[{'containerPort':80,'name':'http'}],'volumeMounts':[{'name':'cfg','mountPath':'/etc/cfg'}]},"
	      "{'name':'proxy','image':'envoy:1'}],"
	      "'volumes':[{'name':'cfg','configMap':{'name':'c'}}],'tolerations':[{'key':'a'},{'key':'b'}]}}}}");
	/* kubectl set env: env merged by name inside the container; a new container appended. */
	check(sim_patch_strategic, "{'containers':[{'name':'api','env':[{'name':'A','value':'1'}]}]}",
	      "{'containers':[{'name':'api','env':[{'name':'A','value':'9'},{'name':'C','value':'3'}]},{'name':'new'}]}",
	      "{'containers':[{'name':'api','env':[{'name':'A','value':'9'},{'name':'C','value':'3'}]},{'name':'new'}]}");
	/* kubectl rollout restart: an annotation added to the template. */
	check(sim_patch_strategic, "{'spec':{'template':{'metadata':{'labels':{'app':'api'}}}}}",
	      "{'spec':{'template':{'metadata':{'annotations':{'kubectl.kubernetes.io/restartedAt':'2024-01-01T00:00:00Z'}}}}}",
	      "{'spec':{'template':{'metadata':{'labels':{'app':'api'},'annotations':"
	      "{'kubectl.kubernetes.io/restartedAt':'2024-01-01T00:00:00Z'}}}}}");
}

static void test_strategic_other_keys(void **state)
{
	(void)state;
	/* Container ports by containerPort, service ports by port, mounts by mountPath. */
	check(sim_patch_strategic, "{'ports':[{'containerPort':80,'name':'http'},{'containerPort':443}]}",
	      "{'ports':[{'containerPort':80,'protocol':'TCP'}]}",
	      "{'ports':[{'containerPort':80,'name':'http','protocol':'TCP'},{'containerPort':443}]}");
	check(sim_patch_strategic, "{'spec':{'ports':[{'port':80,'targetPort':8080},{'port':443}]}}",
	      "{'spec':{'ports':[{'port':443,'targetPort':8443}]}}",
	      "{'spec':{'ports':[{'port':80,'targetPort':8080},{'port':443,'targetPort':8443}]}}");
	check(sim_patch_strategic, "{'volumeMounts':[{'name':'a','mountPath':'/a'}]}",
	      "{'volumeMounts':[{'name':'b','mountPath':'/a'}]}", "{'volumeMounts':[{'name':'b','mountPath':'/a'}]}");
	/* Conditions merge by type (status updates). */
	check(sim_patch_strategic, "{'status':{'conditions':[{'type':'Ready','status':'True'},{'type':'Initialized','status':'True'}]}}",
	      "{'status':{'conditions':[{'type':'Ready','status':'False','reason':'X'}]}}",
	      "{'status':{'conditions':[{'type':'Ready','status':'False','reason':'X'},{'type':'Initialized','status':'True'}]}}");
	check(sim_patch_strategic, "{'imagePullSecrets':[{'name':'a'}]}", "{'imagePullSecrets':[{'name':'b'}]}",
	      "{'imagePullSecrets':[{'name':'a'},{'name':'b'}]}");
	/* Lists without a merge key (tolerations, args) are replaced. */
	check(sim_patch_strategic, "{'tolerations':[{'key':'a'},{'key':'b'}],'args':['x','y']}",
	      "{'tolerations':[{'key':'c'}],'args':['z']}", "{'tolerations':[{'key':'c'}],'args':['z']}");
	/* Finalizers are a set: values are added, and removed with $deleteFromPrimitiveList. */
	check(sim_patch_strategic, "{'metadata':{'finalizers':['a','b']}}", "{'metadata':{'finalizers':['b','c']}}",
	      "{'metadata':{'finalizers':['a','b','c']}}");
	check(sim_patch_strategic, "{'metadata':{'finalizers':['a','b','c']}}",
	      "{'metadata':{'$deleteFromPrimitiveList/finalizers':['b','x']}}", "{'metadata':{'finalizers':['a','c']}}");
	/* null deletes a field, as in a merge patch. */
	check(sim_patch_strategic, "{'spec':{'replicas':2,'paused':true}}", "{'spec':{'paused':null}}",
	      "{'spec':{'replicas':2}}");
}

static void test_strategic_directives(void **state)
{
	(void)state;
	/* $patch: delete on a list element removes the element with that key. */
	check(sim_patch_strategic, "{'containers':[{'name':'a'},{'name':'b'},{'name':'c'}]}",
	      "{'containers':[{'name':'b','$patch':'delete'}]}", "{'containers':[{'name':'a'},{'name':'c'}]}");
	check(sim_patch_strategic, "{'containers':[{'name':'a'}]}", "{'containers':[{'name':'zz','$patch':'delete'}]}",
	      "{'containers':[{'name':'a'}]}");
	/* $patch: replace as a list element replaces the whole list. */
	check(sim_patch_strategic, "{'containers':[{'name':'a','image':'1'},{'name':'b'}]}",
	      "{'containers':[{'$patch':'replace'},{'name':'c'}]}", "{'containers':[{'name':'c'}]}");
	/* $patch: replace inside a map replaces the map; delete removes it. */
	check(sim_patch_strategic, "{'spec':{'selector':{'a':'1','b':'2'},'x':1}}",
	      "{'spec':{'selector':{'$patch':'replace','c':'3'}}}", "{'spec':{'selector':{'c':'3'},'x':1}}");
	check(sim_patch_strategic, "{'spec':{'selector':{'a':'1'},'x':1}}", "{'spec':{'selector':{'$patch':'delete'}}}",
	      "{'spec':{'x':1}}");
	/* $retainKeys keeps only the listed keys (after merging). */
	check(sim_patch_strategic, "{'strategy':{'type':'RollingUpdate','rollingUpdate':{'maxSurge':1}}}",
	      "{'strategy':{'$retainKeys':['type'],'type':'Recreate'}}", "{'strategy':{'type':'Recreate'}}");
	/* $setElementOrder orders the merged list. */
	check(sim_patch_strategic, "{'containers':[{'name':'a'},{'name':'b'}]}",
	      "{'$setElementOrder/containers':[{'name':'b'},{'name':'a'}],'containers':[{'name':'a','image':'x'}]}",
	      "{'containers':[{'name':'b'},{'name':'a','image':'x'}]}");
	/* Unknown $-directives are accepted and ignored. */
	check(sim_patch_strategic, "{'a':1}", "{'$unknownDirective':true,'b':2}", "{'a':1,'b':2}");
}

static void test_strategic_errors(void **state)
{
	(void)state;
	reject(sim_patch_strategic, "{'containers':[{'name':'a'}]}", "{'containers':[{'image':'x'}]}",
	       "/containers[0] does not contain declared merge key: name");
	reject(sim_patch_strategic, "{'containers':[]}", "{'containers':['x']}", "expected an object with merge key");
	reject(sim_patch_strategic, "{'a':{}}", "{'a':{'$patch':'explode'}}", "unknown $patch directive \"explode\"");
	reject(sim_patch_strategic, "{}", "[1]", "must be a JSON object");
	reject(sim_patch_strategic, "{}", "{'$patch':'delete'}", "top level");
	reject(sim_patch_strategic, "{}", "{'s':{'$retainKeys':'x'}}", "$retainKeys");
}

/* ---- RFC 6902 ------------------------------------------------------------------------- */

static void test_json_add(void **state)
{
	(void)state;
	check(sim_patch_json, "{'foo':'bar'}", "[{'op':'add','path':'/baz','value':'qux'}]", "{'foo':'bar','baz':'qux'}");
	check(sim_patch_json, "{'foo':['bar','baz']}", "[{'op':'add','path':'/foo/1','value':'qux'}]",
	      "{'foo':['bar','qux','baz']}");
	check(sim_patch_json, "{'foo':['bar']}", "[{'op':'add','path':'/foo/-','value':['abc','def']}]",
	      "{'foo':['bar',['abc','def']]}");
	check(sim_patch_json, "{'foo':['bar']}", "[{'op':'add','path':'/foo/1','value':'end'}]", "{'foo':['bar','end']}");
	check(sim_patch_json, "{'foo':'bar'}", "[{'op':'add','path':'/child','value':{'grandchild':{}}}]",
	      "{'foo':'bar','child':{'grandchild':{}}}");
	check(sim_patch_json, "{'foo':1}", "[{'op':'add','path':'','value':[1]}]", "[1]");
	check(sim_patch_json, "{'foo':1}", "[{'op':'add','path':'/foo','value':2}]", "{'foo':2}");
	/* Pointer escapes: ~1 is '/', ~0 is '~'. */
	check(sim_patch_json, "{'metadata':{'annotations':{}}}",
	      "[{'op':'add','path':'/metadata/annotations/example.com~1a~0b','value':'v'}]",
	      "{'metadata':{'annotations':{'example.com/a~b':'v'}}}");
	reject(sim_patch_json, "{'foo':['bar']}", "[{'op':'add','path':'/foo/2','value':1}]", "out of range");
	reject(sim_patch_json, "{'foo':['bar']}", "[{'op':'add','path':'/foo/01','value':1}]", "out of range");
	reject(sim_patch_json, "{'foo':'bar'}", "[{'op':'add','path':'/baz/bat','value':'qux'}]",
	       "operation 0 (add /baz/bat): parent path does not exist");
	reject(sim_patch_json, "{}", "[{'op':'add','path':'/a'}]", "missing \"value\"");
}

static void test_json_remove_replace(void **state)
{
	(void)state;
	check(sim_patch_json, "{'baz':'qux','foo':'bar'}", "[{'op':'remove','path':'/baz'}]", "{'foo':'bar'}");
	check(sim_patch_json, "{'foo':['bar','qux','baz']}", "[{'op':'remove','path':'/foo/1'}]", "{'foo':['bar','baz']}");
	check(sim_patch_json, "{'baz':'qux','foo':'bar'}", "[{'op':'replace','path':'/baz','value':'boo'}]",
	      "{'baz':'boo','foo':'bar'}");
	check(sim_patch_json, "{'a':[1,2,3]}", "[{'op':'replace','path':'/a/1','value':9}]", "{'a':[1,9,3]}");
	check(sim_patch_json, "{'a':1}", "[{'op':'replace','path':'','value':{'b':2}}]", "{'b':2}");
	reject(sim_patch_json, "{'a':1}", "[{'op':'remove','path':'/b'}]", "operation 0 (remove /b): path does not exist");
	reject(sim_patch_json, "{'a':[1]}", "[{'op':'remove','path':'/a/-'}]", "path does not exist");
	reject(sim_patch_json, "{'a':1}", "[{'op':'replace','path':'/b','value':2}]", "path does not exist");
	reject(sim_patch_json, "{'a':1}", "[{'op':'remove','path':''}]", "whole document");
}

static void test_json_move_copy(void **state)
{
	(void)state;
	check(sim_patch_json, "{'foo':{'bar':'baz','waldo':'fred'},'qux':{'corge':'grault'}}",
	      "[{'op':'move','from':'/foo/waldo','path':'/qux/thud'}]",
	      "{'foo':{'bar':'baz'},'qux':{'corge':'grault','thud':'fred'}}");
	check(sim_patch_json, "{'foo':['all','grass','cows','eat']}", "[{'op':'move','from':'/foo/1','path':'/foo/3'}]",
	      "{'foo':['all','cows','eat','grass']}");
	check(sim_patch_json, "{'a':{'b':1}}", "[{'op':'copy','from':'/a','path':'/c'}]", "{'a':{'b':1},'c':{'b':1}}");
	check(sim_patch_json, "{'a':1}", "[{'op':'move','from':'/a','path':'/a'}]", "{'a':1}");
	reject(sim_patch_json, "{'a':{'b':1}}", "[{'op':'move','from':'/a','path':'/a/b/c'}]", "into one of its children");
	reject(sim_patch_json, "{'a':1}", "[{'op':'copy','from':'/x','path':'/c'}]", "\"from\" path does not exist");
	reject(sim_patch_json, "{'a':1}", "[{'op':'move','path':'/c'}]", "missing \"from\"");
}

static void test_json_test_op(void **state)
{
	(void)state;
	check(sim_patch_json, "{'baz':'qux','foo':['a',2,'c']}",
	      "[{'op':'test','path':'/baz','value':'qux'},{'op':'test','path':'/foo/1','value':2}]",
	      "{'baz':'qux','foo':['a',2,'c']}");
	check(sim_patch_json, "{'n':1}", "[{'op':'test','path':'/n','value':1.0}]", "{'n':1}");
	check(sim_patch_json, "{'/':9,'m~n':8}", "[{'op':'test','path':'/~1','value':9},{'op':'test','path':'/m~0n','value':8}]",
	      "{'/':9,'m~n':8}");
	reject(sim_patch_json, "{'baz':'qux'}", "[{'op':'test','path':'/baz','value':'bar'}]",
	       "operation 0 (test /baz): test failed");
	/* A failing test undoes the whole patch: nothing is applied. */
	reject(sim_patch_json, "{'a':1}",
	       "[{'op':'replace','path':'/a','value':2},{'op':'test','path':'/a','value':1}]", "operation 1 (test /a)");
	/* kubectl's optimistic-lock shape: test resourceVersion, then replace. */
	check(sim_patch_json, "{'metadata':{'resourceVersion':'5'},'spec':{'replicas':1}}",
	      "[{'op':'test','path':'/metadata/resourceVersion','value':'5'},{'op':'replace','path':'/spec/replicas','value':3}]",
	      "{'metadata':{'resourceVersion':'5'},'spec':{'replicas':3}}");
}

static void test_json_errors(void **state)
{
	(void)state;
	reject(sim_patch_json, "{}", "{'op':'add'}", "must be a JSON array");
	reject(sim_patch_json, "{}", "[{'path':'/a','value':1}]", "operation 0: needs string \"op\" and \"path\"");
	reject(sim_patch_json, "{}", "[1]", "operation 0");
	reject(sim_patch_json, "{}", "[{'op':'frobnicate','path':'/a'}]", "unknown operation");
	reject(sim_patch_json, "{}", "[{'op':'add','path':'a','value':1}]", "invalid path \"a\"");
	reject(sim_patch_json, "{}", "[{'op':'add','path':'/a~2','value':1}]", "invalid path");
	reject(sim_patch_json, "{'a':'s'}", "[{'op':'add','path':'/a/b','value':1}]", "parent is not an object or array");
	check(sim_patch_json, "{'a':1}", "[]", "{'a':1}");
}

int main(void)
{
	static const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_merge_rfc7386_examples),
		cmocka_unit_test(test_merge_kubectl_shapes),
		cmocka_unit_test(test_strategic_list_merge_by_name),
		cmocka_unit_test(test_strategic_other_keys),
		cmocka_unit_test(test_strategic_directives),
		cmocka_unit_test(test_strategic_errors),
		cmocka_unit_test(test_json_add),
		cmocka_unit_test(test_json_remove_replace),
		cmocka_unit_test(test_json_move_copy),
		cmocka_unit_test(test_json_test_op),
		cmocka_unit_test(test_json_errors),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
