#ifndef CORE_SYMPTOM_H
#define CORE_SYMPTOM_H
/* core/symptom: the reverse lookup, from what a user reports to the services whose
 * documented symptoms match it (`symptom TEXT`).
 *
 * Query: words and quoted fragments ("..." or '...'), all case-insensitive.  Text is
 * compared as words (runs of letters, digits and non-ASCII bytes), so punctuation does not
 * matter: the fragment "stuck in Pending" matches `appear "stuck" in Pending.`.
 * Scoring, per service, over the symptom texts of all its channels:
 *   - a fragment found as a consecutive run of words: 3 points per word in it;
 *   - a word found as a whole word: 2 points; as the start of a longer word (query words
 *     of 4+ letters: "upload" finds "uploading"): 1 point;
 *   - each further channel where the same term is found: +1.
 * Common words ("the", "in", "is"...) given alone are ignored unless the query has
 * nothing else.  Services scoring 0 are left out.  Order: score (highest first), then
 * currently unhealthy services first, then definition order.
 * Contract: pure; never fails on any input except an unterminated quote or an empty
 * query, which return -1 with a message.
 */
#include "core/matrix.h"

#include <stdbool.h>
#include <stddef.h>

struct symptom_hit {
	size_t service;         /* index into matrix->services */
	int score;
	unsigned channels;      /* bit i: the service's symptoms[i] matched */
	bool unhealthy;         /* as given by the caller */
};

/* Ranks the services of m for query.  unhealthy[i] (may be NULL) marks services that are
 * currently degraded or down.  Fills at most cap hits; returns how many services matched
 * (may exceed cap), or -1 with err. */
long symptom_rank(const struct matrix *m, const char *query, const bool *unhealthy,
		  struct symptom_hit *out, size_t cap, char *err, size_t errcap);

#endif
