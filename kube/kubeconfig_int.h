#ifndef KUBE_KUBECONFIG_INT_H
#define KUBE_KUBECONFIG_INT_H
/* kube/kubeconfig internals shared by kubeconfig.c (file list, merge, resolution) and
 * kubeconfig_parse.c (one file's YAML -> typed entries).  Not for other modules. */
#include "kube/kubeconfig.h"
#include "kube/yaml.h"

/* One kubeconfig file, loaded. */
struct kc_file {
	char *path;
	char *dir;                      /* for relative paths */
	struct yaml_doc *doc;
};

struct kc_cluster {
	char *name;
	const struct kc_file *file;
	unsigned line;
	char *server;
	char *ca_file;
	struct kube_blob ca_data;
	bool insecure;
	char *tls_server_name;
	char *proxy_url;
};

struct kc_user {
	char *name;
	const struct kc_file *file;
	unsigned line;
	char *cert_file, *key_file;
	struct kube_blob cert_data, key_data;
	char *token, *token_file;
	char *username, *password;
	struct kube_exec_config *exec;
	char *auth_provider;            /* name of a legacy auth-provider, NULL if none */
};

struct kc_context {
	char *name;
	const struct kc_file *file;
	unsigned line;
	char *cluster, *user, *namespace_;
};

/* Everything the files define, merged first-wins. */
struct kc_merged {
	struct kc_file *files;
	size_t nfiles, files_cap;
	struct kc_cluster *clusters;
	size_t nclusters, clusters_cap;
	struct kc_user *users;
	size_t nusers, users_cap;
	struct kc_context *contexts;
	size_t ncontexts, contexts_cap;
	char *current_context;
	const struct kc_file *current_file;
	unsigned current_line;
};

/* Reads file f (already in m->files) and merges its entries into m.  False with *err set
 * on a type error, bad base64 or a name defined twice in f. */
bool kc_parse_file(struct kc_merged *m, const struct kc_file *f, char **err);

void kc_exec_free(struct kube_exec_config *e);
struct kube_exec_config *kc_exec_dup(const struct kube_exec_config *e);
void kc_merged_free(struct kc_merged *m);

#endif
