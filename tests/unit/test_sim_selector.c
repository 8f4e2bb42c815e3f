/* Unit tests for sim/selector: label and field selectors as the API server reads them. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "sim/resources.h"
#include "sim/selector.h"

static json_t *js(const char *text)
{
	char *s = strdup(text);
	for (char *p = s; *p; p++)
		if (*p == '\'')
			*p = '"';
	json_t *v = json_loads(s, 0, NULL);
	if (!v)
		fail_msg("bad test JSON: %s", s);
	free(s);
	return v;
}

/* Parses sel and checks it against labels (JSON, single quotes); fails on a parse error. */
static bool lmatch(const char *sel, const char *labels)
{
	char err[256] = "";
	struct sim_labelsel *ls = sim_labelsel_parse(sel, err, sizeof(err));
	if (!ls)
		fail_msg("selector '%s' did not parse: %s", sel, err);
	json_t *l = labels ? js(labels) : NULL;
	bool m = sim_labelsel_match(ls, l);
	json_decref(l);
	sim_labelsel_free(ls);
	return m;
}

/* Expects sel to be rejected with a message containing want. */
static void lreject(const char *sel, const char *want)
{
	char err[256] = "";
	struct sim_labelsel *ls = sim_labelsel_parse(sel, err, sizeof(err));
	if (ls)
		fail_msg("selector '%s' parsed but should not", sel);
	if (!strstr(err, want))
		fail_msg("selector '%s': message '%s' lacks '%s'", sel, err, want);
}

static const char *L = "{'app':'web','tier':'frontend','app.kubernetes.io/name':'shop','n':'5'}";

static void test_label_empty(void **state)
{
	(void)state;
	assert_true(lmatch("", L));
	assert_true(lmatch("   ", L));
	assert_true(lmatch("", NULL));
	char err[16];
	struct sim_labelsel *ls = sim_labelsel_parse(NULL, err, sizeof(err));
	assert_non_null(ls);
	assert_true(sim_labelsel_match(ls, NULL));
	sim_labelsel_free(ls);
}

static void test_label_equality(void **state)
{
	(void)state;
	assert_true(lmatch("app=web", L));
	assert_true(lmatch("app==web", L));
	assert_false(lmatch("app=api", L));
	assert_false(lmatch("missing=web", L));
	assert_true(lmatch("app != api", L));
	assert_false(lmatch("app!=web", L));
	assert_true(lmatch("missing!=x", L)); /* != matches when the label is absent */
	assert_true(lmatch("app.kubernetes.io/name=shop", L));
	assert_true(lmatch("app=web,tier=frontend", L));
	assert_false(lmatch("app=web,tier=backend", L));
	assert_true(lmatch("missing=", "{'missing':''}"));
	assert_false(lmatch("missing=", L));
}

static void test_label_sets(void **state)
{
	(void)state;
	assert_true(lmatch("tier in (frontend,backend)", L));
	assert_true(lmatch("tier in ( backend , frontend )", L));
	assert_false(lmatch("tier in (backend)", L));
	assert_false(lmatch("missing in (a)", L));
	assert_true(lmatch("tier notin (backend)", L));
	assert_false(lmatch("tier notin (backend,frontend)", L));
	assert_true(lmatch("missing notin (a)", L));
	assert_true(lmatch("app in (web),tier notin (db)", L));
}

static void test_label_exists(void **state)
{
	(void)state;
	assert_true(lmatch("app", L));
	assert_false(lmatch("missing", L));
	assert_true(lmatch("!missing", L));
	assert_false(lmatch("!app", L));
	assert_true(lmatch("app,!missing,tier", L));
	assert_false(lmatch("app", NULL));
	assert_true(lmatch("!app", NULL));
}

static void test_label_numeric(void **state)
{
	(void)state;
	assert_true(lmatch("n>3", L));
	assert_false(lmatch("n > 5", L));
	assert_true(lmatch("n<6", L));
	assert_false(lmatch("app>1", L)); /* not a number */
	lreject("n>x", "integer");
}

static void test_label_parse_errors(void **state)
{
	(void)state;
	lreject("a b", "found 'b'");
	lreject("app=web tier=x", "found 'tier', expected: ',' or 'end of string'");
	lreject("=web", "found '='");
	lreject("!", "identifier after '!'");
	lreject("tier in frontend", "expected: '('");
	lreject("tier in (a", "found 'end of string'");
	lreject("tier in (a b)", "found 'b'");
	lreject("app=a=b", "found '='");
	lreject("bad key!=x", "found 'key'");
	lreject("-bad=x", "invalid label key \"-bad\"");
	lreject("a/b/c=x", "invalid label key");
	lreject("UPPER.example.com/x=1", "invalid label key");
	lreject("app=web!", "found '!'");
	lreject("app=-x", "invalid label value: \"-x\"");
	lreject("app=0123456789012345678901234567890123456789012345678901234567890123", "invalid label value");
	lreject("app,,tier", "found ','");
	lreject("app=web,", "found 'end of string'");
}

/* ---- field selectors ------------------------------------------------------------------ */

static bool fmatch(enum sim_res res, const char *sel, const char *obj)
{
	char err[256] = "";
	struct sim_fieldsel *fs = sim_fieldsel_parse(sim_resource(res), sel, err, sizeof(err));
	if (!fs)
		fail_msg("field selector '%s' did not parse: %s", sel, err);
	json_t *o = js(obj);
	bool m = sim_fieldsel_match(fs, o);
	json_decref(o);
	sim_fieldsel_free(fs);
	return m;
}

static void freject(enum sim_res res, const char *sel, const char *want)
{
	char err[256] = "";
	struct sim_fieldsel *fs = sim_fieldsel_parse(sim_resource(res), sel, err, sizeof(err));
	if (fs)
		fail_msg("field selector '%s' parsed but should not", sel);
	if (strcmp(err, want) && !strstr(err, want))
		fail_msg("field selector '%s': message '%s' lacks '%s'", sel, err, want);
}

static const char *POD = "{'metadata':{'name':'web-1','namespace':'prod'},'spec':{'nodeName':'node-a',"
			 "'restartPolicy':'Always'},'status':{'phase':'Running','podIP':'10.0.0.7'}}";

static void test_field_pods(void **state)
{
	(void)state;
	assert_true(fmatch(SIM_PODS, "", POD));
	assert_true(fmatch(SIM_PODS, "metadata.name=web-1", POD));
	assert_true(fmatch(SIM_PODS, "metadata.name==web-1", POD));
	assert_false(fmatch(SIM_PODS, "metadata.name!=web-1", POD));
	assert_true(fmatch(SIM_PODS, "metadata.namespace=prod,spec.nodeName=node-a", POD));
	assert_false(fmatch(SIM_PODS, "metadata.namespace=prod,spec.nodeName=node-b", POD));
	assert_true(fmatch(SIM_PODS, "status.phase!=Succeeded,status.phase!=Failed", POD));
	assert_true(fmatch(SIM_PODS, "status.podIP=10.0.0.7", POD));
	assert_true(fmatch(SIM_PODS, "spec.schedulerName=", POD)); /* missing compares as "" */
	assert_false(fmatch(SIM_PODS, "spec.nodeName=", POD));
	assert_true(fmatch(SIM_PODS, "spec.nodeName=", "{'metadata':{'name':'p'},'spec':{}}"));
	assert_true(fmatch(SIM_PODS, "status.nominatedNodeName=", POD));
}

static void test_field_events_nodes_namespaces(void **state)
{
	(void)state;
	const char *ev = "{'metadata':{'name':'e1','namespace':'prod'},'involvedObject':{'kind':'Pod','name':'web-1',"
			 "'namespace':'prod','uid':'u-1','fieldPath':'spec.containers{web}'},'reason':'BackOff',"
			 "'type':'Warning','source':{'component':'kubelet'},'reportingComponent':'kubelet'}";
	assert_true(fmatch(SIM_EVENTS, "involvedObject.kind=Pod,involvedObject.name=web-1", ev));
	assert_true(fmatch(SIM_EVENTS, "involvedObject.uid=u-1,type=Warning,reason=BackOff", ev));
	assert_true(fmatch(SIM_EVENTS, "source=kubelet,reportingComponent=kubelet", ev));
	assert_true(fmatch(SIM_EVENTS, "involvedObject.fieldPath=spec.containers{web}", ev));
	assert_false(fmatch(SIM_EVENTS, "type=Normal", ev));
	assert_true(fmatch(SIM_NODES, "spec.unschedulable=false", "{'metadata':{'name':'n'}}"));
	assert_true(fmatch(SIM_NODES, "spec.unschedulable=true", "{'metadata':{'name':'n'},'spec':{'unschedulable':true}}"));
	assert_true(fmatch(SIM_NAMESPACES, "status.phase=Active", "{'metadata':{'name':'n'},'status':{'phase':'Active'}}"));
	assert_true(fmatch(SIM_DEPLOYMENTS, "metadata.name=api", "{'metadata':{'name':'api'}}"));
}

static void test_field_escapes(void **state)
{
	(void)state;
	assert_true(fmatch(SIM_EVENTS, "involvedObject.fieldPath=a\\,b", "{'involvedObject':{'fieldPath':'a,b'}}"));
	assert_true(fmatch(SIM_EVENTS, "involvedObject.fieldPath=a\\=b", "{'involvedObject':{'fieldPath':'a=b'}}"));
	assert_true(fmatch(SIM_EVENTS, "involvedObject.fieldPath=a\\\\b", "{'involvedObject':{'fieldPath':'a\\\\b'}}"));
	freject(SIM_EVENTS, "involvedObject.fieldPath=a\\x", "invalid escape sequence");
}

static void test_field_errors(void **state)
{
	(void)state;
	freject(SIM_PODS, "foo=bar", "field label not supported: foo");
	freject(SIM_DEPLOYMENTS, "spec.nodeName=x", "field label not supported: spec.nodeName");
	freject(SIM_NODES, "status.phase=x", "field label not supported: status.phase");
	freject(SIM_PODS, "metadata.name", "invalid selector: 'metadata.name'");
	freject(SIM_PODS, "=x", "field name is empty");
}

int main(void)
{
	static const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_label_empty),
		cmocka_unit_test(test_label_equality),
		cmocka_unit_test(test_label_sets),
		cmocka_unit_test(test_label_exists),
		cmocka_unit_test(test_label_numeric),
		cmocka_unit_test(test_label_parse_errors),
		cmocka_unit_test(test_field_pods),
		cmocka_unit_test(test_field_events_nodes_namespaces),
		cmocka_unit_test(test_field_escapes),
		cmocka_unit_test(test_field_errors),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
