#ifndef CORE_MODEL_INT_H
#define CORE_MODEL_INT_H
/* core/model_int: shared between core/model.c and core/model_objects.c only. */
#include "core/model.h"

/* One sorted index for every table (pods, nodes, workloads, events, namespaces): an array
 * of pointers kept in key order, found by binary search.  A key is the fields a table is
 * sorted by: ns (NULL for cluster-scoped kinds), then name, then kind (workloads only). */
struct model_key {
	const char *ns;
	const char *name;
	int kind;
};
/* Compares key k with element i of a table of m: < 0, 0, > 0. */
typedef int (*model_key_cmp)(const struct model *m, size_t i, const struct model_key *k);
/* k against an element's own ns (NULL: cluster-scoped), name and kind: the comparators'
 * one rule. */
int model_key_compare(const struct model_key *k, const char *ns, const char *name, int kind);
/* Index of k among the n elements, or where it would be inserted (*found false). */
size_t model_index_search(const struct model *m, size_t n, const struct model_key *k, model_key_cmp cmp,
			  bool *found);
/* Opens a slot at `at` in table v of *n elements of `size` bytes (grown through xgrow and
 * *cap), counts it in *n and returns the table: the caller stores the new element. */
void *model_index_open(void *v, size_t *cap, size_t *n, size_t at, size_t size);
/* Closes the slot at `at` (its element already released): what follows moves down. */
void model_index_close(void *v, size_t *n, size_t at, size_t size);

/* Frees the workloads, events and namespaces tables (model_free calls it). */
void model_objects_free(struct model *m);

#endif
