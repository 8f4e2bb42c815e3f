#ifndef CORE_LAZYLIB_H
#define CORE_LAZYLIB_H
/* core/lazylib: a shared library loaded with dlopen the first time it is needed, for the
 * libraries that are expensive to map at start-up (libcurl pulls in ~30 others, libssh2
 * libcrypto) and that `warroom --version`, `--help` and many runs never use.
 *
 * Contract:
 * - lazylib_load() tries once: the first call dlopens l->soname and resolves every name
 *   in names[] into the function pointer at slots[i] (each slot an object of function
 *   pointer type, given by address); later calls only report the first outcome, so a
 *   library that failed to load is not retried on every request.
 * - It returns NULL when every symbol resolved, else a one-line error naming the library
 *   and the cause ("cannot load libcurl.so.4: libcurl.so.4: cannot open shared object
 *   file: No such file or directory", "libssh2.so.1: missing symbol libssh2_x: ...").
 *   The text lives in *l and stays valid for the life of the process.
 * - After a failure some slots may be set and others not: callers use no slot unless
 *   the load succeeded (l->ok).
 * - The handle is never closed: the library's code may still be referenced (callbacks,
 *   atexit handlers) until the process ends.
 */
#include <stdbool.h>
#include <stddef.h>

#define LAZYLIB_ERROR_MAX 400

struct lazylib {
	const char *soname;  /* e.g. "libcurl.so.4": the SONAME, not the -dev symlink */
	bool tried;
	bool ok;
	void *handle;
	char error[LAZYLIB_ERROR_MAX];
};

/* Loads l->soname and resolves names[0..n) into slots[0..n) (see the contract). */
const char *lazylib_load(struct lazylib *l, const char *const names[], void *const slots[],
			 size_t n);

#endif
