/* sim/api_sim: POST /sim/v1/faults, the simulator's own control endpoint.
 *
 * The body is handed to world_fault as is; this file only checks that it is a JSON object
 * and turns errors into 400 answers with a JSON message.
 */
#include <stdlib.h>
#include <string.h>

#include "core/xalloc.h"
#include "sim/api.h"
#include "sim/world.h"

static void api_sim_error(struct api_resp *rs, const char *msg)
{
	api_reply_json(rs, 400, json_pack("{s:b, s:s}", "ok", 0, "error", msg));
}

void api_sim_fault(const struct api_req *rq, struct api_resp *rs)
{
	json_error_t e;
	json_t *body = json_loadb(rq->body, rq->body_len, 0, &e);
	if (!body) {
		char *msg = xasprintf("fault body is not valid JSON: %s (line %d, column %d)", e.text,
				      e.line, e.column);
		api_sim_error(rs, msg);
		free(msg);
		return;
	}
	if (!json_is_object(body)) {
		json_decref(body);
		api_sim_error(rs, "fault body must be a JSON object like {\"type\": \"crashloop\", ...}");
		return;
	}
	char err[512] = "";
	int r = world_fault(rq->sim->world, body, err, sizeof(err));
	json_decref(body);
	if (r < 0) {
		api_sim_error(rs, err[0] ? err : "fault rejected");
		return;
	}
	api_reply_json(rs, 200, json_pack("{s:b}", "ok", 1));
}
