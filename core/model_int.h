#ifndef CORE_MODEL_INT_H
#define CORE_MODEL_INT_H
/* core/model_int: shared between core/model.c and core/model_objects.c only. */
#include "core/model.h"

/* Frees the workloads, events and namespaces tables (model_free calls it). */
void model_objects_free(struct model *m);

#endif
