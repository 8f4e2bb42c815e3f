/* libFuzzer target for cred_parse (kube/credential): the ExecCredential JSON an exec
 * plugin prints on stdout, which may be anything.  Built by `make fuzz`.
 * Checks the contract: never crashes; success gives a token or a certificate and key;
 * a failure gives a one-line message that never quotes the token or the client key
 * (a half-valid document must not leak its secret into the status line). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "kube/credential.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The secret at status.KEY, if it is a string long enough to be recognisable and not
 * also used as a non-secret field (which a message may legitimately quote). */
static const char *fuzz_secret(json_t *root, const char *key)
{
	const char *s = json_string_value(json_object_get(json_object_get(root, "status"), key));
	if (!s || strlen(s) < 6)
		return NULL;
	/* The messages' own words ("... is not ExecCredential") are not a leak. */
	static const char vocabulary[] =
		"exec plugin \"fuzz\": printed JSON that is not an ExecCredential object; apiVersion "
		"(missing) (not printable) does not match the requested "
		"client.authentication.k8s.io/v1; kind is not ExecCredential; printed no status; "
		"status has neither token nor clientCertificateData; status needs both "
		"clientCertificateData and clientKeyData; status.token contains control characters; "
		"status.expirationTimestamp is not an RFC 3339 time; printed invalid JSON at byte";
	if (strstr(vocabulary, s))
		return NULL;
	const char *av = json_string_value(json_object_get(root, "apiVersion"));
	const char *kind = json_string_value(json_object_get(root, "kind"));
	if ((av && strstr(av, s)) || (kind && strstr(kind, s)))
		return NULL;
	return s;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct kube_credential cr;
	char *err = NULL;
	if (cred_parse("fuzz", "client.authentication.k8s.io/v1", (const char *)data, size, &cr,
		       &err) == 0) {
		if (err || (!cr.token && !cr.cert_pem) || (cr.cert_pem && !cr.key_pem))
			abort();
		cred_clear(&cr);
		return 0;
	}
	if (!err || strchr(err, '\n'))
		abort();
	json_error_t jerr;
	json_t *root = json_loadb((const char *)data, size, 0, &jerr);
	if (root) {
		const char *tok = fuzz_secret(root, "token");
		const char *key = fuzz_secret(root, "clientKeyData");
		if ((tok && strstr(err, tok)) || (key && strstr(err, key)))
			abort();
		json_decref(root);
	}
	free(err);
	return 0;
}
