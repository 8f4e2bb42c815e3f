#ifndef SIM_PATCH_H
#define SIM_PATCH_H
/* sim/patch: the three PATCH body types kubectl sends.
 * - JSON merge patch (RFC 7386), Content-Type application/merge-patch+json.
 * - Strategic merge patch, application/strategic-merge-patch+json: merge-patch semantics,
 *   except that lists of objects with a merge key are merged element by element
 *   (containers, initContainers, volumes, env, ports? by "name"; conditions by "type";
 *   tolerations replaced whole), `$patch: delete` / `$patch: replace` directives inside
 *   maps and list elements, `$retainKeys` honoured, `$setElementOrder/...` and
 *   `$deleteFromPrimitiveList/...` keys accepted and applied or ignored without error.
 * - JSON patch (RFC 6902), application/json-patch+json: add, remove, replace, move, copy,
 *   test with RFC 6901 pointers ("~0", "~1", "-" for append).
 * Contract: pure; `doc` and `patch` are not modified; the result is a new reference, or
 * NULL with a message in err naming the failing operation/path (for a 422 or 400 answer).
 */
#include <jansson.h>
#include <stddef.h>

json_t *sim_patch_merge(const json_t *doc, const json_t *patch, char *err, size_t errlen);
json_t *sim_patch_strategic(const json_t *doc, const json_t *patch, char *err, size_t errlen);
json_t *sim_patch_json(const json_t *doc, const json_t *ops, char *err, size_t errlen);

#endif
