/* core/lazylib: see lazylib.h. */
#include "core/lazylib.h"

#include <dlfcn.h>
#include <stdio.h>
#include <string.h>

/* dlerror() is consumed by reading it; an empty answer still gets a readable cause. */
static const char *lazylib_dlerror(void)
{
	const char *e = dlerror();
	return e && *e ? e : "unknown dynamic loader error";
}

const char *lazylib_load(struct lazylib *l, const char *const names[], void *const slots[],
			 size_t n)
{
	if (l->tried)
		return l->ok ? NULL : l->error;
	l->tried = true;
	/* RTLD_NOW: a missing symbol in the library's own dependencies shows up here, as an
	 * error, and not as a lazy-binding abort in the middle of a transfer.  RTLD_LOCAL:
	 * its symbols never take part in resolving anyone else's. */
	l->handle = dlopen(l->soname, RTLD_NOW | RTLD_LOCAL);
	if (!l->handle) {
		snprintf(l->error, sizeof(l->error), "cannot load %s: %s", l->soname, lazylib_dlerror());
		return l->error;
	}
	for (size_t i = 0; i < n; i++) {
		dlerror();
		void *sym = dlsym(l->handle, names[i]);
		if (!sym) {
			snprintf(l->error, sizeof(l->error), "%s: missing symbol %s: %s", l->soname,
				 names[i], lazylib_dlerror());
			return l->error;
		}
		/* POSIX guarantees a data pointer from dlsym converts to a function pointer of
		 * the same size; memcpy keeps the conversion out of ISO C's way. */
		memcpy(slots[i], &sym, sizeof(sym));
	}
	l->ok = true;
	return NULL;
}
