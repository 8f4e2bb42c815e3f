/* libFuzzer target for the kubeconfig loader (kube/yaml + kube/kubeconfig*) over arbitrary
 * file content, and for the ExecCredential parser over the same bytes.  Build by hand:
 *   clang -std=c11 -D_DEFAULT_SOURCE -g -O1 -I. -fsanitize=fuzzer,address,undefined \
 *     tests/fuzz/fuzz_kubeconfig.c kube/yaml.c kube/yaml_read.c kube/kubeconfig.c \
 *     kube/kubeconfig_parse.c kube/credential.c core/xalloc.c -lyaml -ljansson \
 *     -o build/fuzz_kubeconfig
 *   build/fuzz_kubeconfig -max_total_time=60 tests/fuzz/corpus/kubeconfig
 * Checks the contracts: never crashes; a failure gives a one-line message; a success has an
 * http(s) server and a namespace; a parsed credential has a token or a certificate. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "kube/credential.h"
#include "kube/kubeconfig.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void fuzz_check_conn(const struct kube_conn *c)
{
	if (strncmp(c->server, "http://", 7) != 0 && strncmp(c->server, "https://", 8) != 0)
		abort();
	if (!c->namespace_ || !*c->namespace_)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char path[64];
	snprintf(path, sizeof(path), "/tmp/fuzz_kubeconfig.%ld", (long)getpid());
	FILE *f = fopen(path, "wb");
	if (!f)
		return 0;
	fwrite(data, 1, size, f);
	fclose(f);
	static const char *const contexts[] = { NULL, "a", "prod" };
	for (size_t i = 0; i < sizeof(contexts) / sizeof(contexts[0]); i++) {
		struct kube_flags fl = { .kubeconfig = path, .context = contexts[i] };
		if (i == 2)
			fl.server = "https://127.0.0.1:1";
		struct kube_env env = { 0 };
		char *err = NULL;
		struct kube_conn *c = kubeconfig_load(&fl, &env, &err);
		if (c) {
			if (err)
				abort();
			fuzz_check_conn(c);
			char *terr = NULL;
			kube_conn_token(c, &terr);
			free(terr);
			kube_conn_free(c);
		} else if (!err || strchr(err, '\n')) {
			abort();
		}
		free(err);
	}
	unlink(path);

	struct kube_credential cr;
	char *err = NULL;
	if (cred_parse("fuzz", "client.authentication.k8s.io/v1", (const char *)data, size, &cr,
		       &err) == 0) {
		if (!cr.token && !cr.cert_pem)
			abort();
		cred_clear(&cr);
	} else if (!err) {
		abort();
	}
	free(err);
	return 0;
}
