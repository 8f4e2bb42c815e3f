/* kube/curl_lazy: see curl_lazy.h.
 *
 * The loaded library is file-static state rather than part of the application struct:
 * libcurl's functions are global, called by name from kube/http.c, and the shim must
 * keep their signatures, so there is no argument to carry a pointer in.
 */
#include "kube/curl_lazy.h"

#include "core/lazylib.h"

/* Plain prototypes: the gcc type-checking wrappers are macros named like the functions
 * this file defines and would expand inside the definitions and the forwarding calls. */
#define CURL_DISABLE_TYPECHECK
#include <curl/curl.h>

#include <stdarg.h>
#include <stddef.h>

/* Every libcurl function warroom calls: one pointer each, typed from <curl/curl.h>. */
#define CURL_LAZY_FUNCS(X) \
	X(curl_global_init) \
	X(curl_global_cleanup) \
	X(curl_easy_init) \
	X(curl_easy_cleanup) \
	X(curl_easy_reset) \
	X(curl_easy_setopt) \
	X(curl_easy_getinfo) \
	X(curl_easy_pause) \
	X(curl_easy_strerror) \
	X(curl_multi_init) \
	X(curl_multi_cleanup) \
	X(curl_multi_setopt) \
	X(curl_multi_add_handle) \
	X(curl_multi_remove_handle) \
	X(curl_multi_socket_action) \
	X(curl_multi_info_read) \
	X(curl_slist_append) \
	X(curl_slist_free_all)

struct curl_lazy_fns {
#define CURL_LAZY_MEMBER(f) __typeof__(f) *f;
	CURL_LAZY_FUNCS(CURL_LAZY_MEMBER)
#undef CURL_LAZY_MEMBER
};

static struct {
	struct lazylib lib;
	struct curl_lazy_fns fn;
} curl_lazy = { .lib = { .soname = "libcurl.so.4" } };

const char *curl_lazy_load(void)
{
	static const char *const names[] = {
#define CURL_LAZY_NAME(f) #f,
		CURL_LAZY_FUNCS(CURL_LAZY_NAME)
#undef CURL_LAZY_NAME
	};
	void *const slots[] = {
#define CURL_LAZY_SLOT(f) &curl_lazy.fn.f,
		CURL_LAZY_FUNCS(CURL_LAZY_SLOT)
#undef CURL_LAZY_SLOT
	};
	return lazylib_load(&curl_lazy.lib, names, slots, sizeof(names) / sizeof(names[0]));
}

/* The forwarders' guard: true once every pointer is set (loading on the first call). */
static bool curl_lazy_ready(void)
{
	return curl_lazy.lib.ok || !curl_lazy_load();
}

/* The argument kinds a CURLoption / CURLMoption can take, from its number's range
 * (curl.h: option = type base + index, bases 10,000 apart). */
enum curl_lazy_arg { CURL_LAZY_LONG, CURL_LAZY_OBJECT, CURL_LAZY_FUNCTION, CURL_LAZY_OFF_T,
		     CURL_LAZY_BLOB, CURL_LAZY_UNKNOWN };

static enum curl_lazy_arg curl_lazy_arg_kind(long option)
{
	if (option < CURLOPTTYPE_LONG)
		return CURL_LAZY_UNKNOWN;
	if (option < CURLOPTTYPE_OBJECTPOINT)
		return CURL_LAZY_LONG;
	if (option < CURLOPTTYPE_FUNCTIONPOINT)
		return CURL_LAZY_OBJECT;
	if (option < CURLOPTTYPE_OFF_T)
		return CURL_LAZY_FUNCTION;
	if (option < CURLOPTTYPE_BLOB)
		return CURL_LAZY_OFF_T;
	if (option < CURLOPTTYPE_BLOB + 10000)
		return CURL_LAZY_BLOB;
	return CURL_LAZY_UNKNOWN;
}

/* A function pointer read from a va_list: libcurl reads its callback options back with
 * va_arg of the callback's own type; every function pointer has one representation on
 * the platforms libcurl supports, so one generic type carries them all. */
typedef void (*curl_lazy_fnptr)(void);

/* curl_easy_setopt and curl_multi_setopt forwarded alike: the argument after option is read
 * from ap with the type the option's number says, and passed on to the loaded function for
 * the handle's kind (multi: handle is a CURLM *).  Returns that function's code, or unknown
 * for a number outside every type range (libcurl could not read its argument either). */
static int curl_lazy_setopt(void *handle, bool multi, long option, va_list ap, int unknown)
{
	CURLoption eo = (CURLoption)option;
	CURLMoption mo = (CURLMoption)option;
	switch (curl_lazy_arg_kind(option)) {
	case CURL_LAZY_LONG: {
		long v = va_arg(ap, long);
		return multi ? (int)curl_lazy.fn.curl_multi_setopt(handle, mo, v)
			     : (int)curl_lazy.fn.curl_easy_setopt(handle, eo, v);
	}
	case CURL_LAZY_OBJECT: {
		void *v = va_arg(ap, void *);
		return multi ? (int)curl_lazy.fn.curl_multi_setopt(handle, mo, v)
			     : (int)curl_lazy.fn.curl_easy_setopt(handle, eo, v);
	}
	case CURL_LAZY_FUNCTION: {
		curl_lazy_fnptr v = va_arg(ap, curl_lazy_fnptr);
		return multi ? (int)curl_lazy.fn.curl_multi_setopt(handle, mo, v)
			     : (int)curl_lazy.fn.curl_easy_setopt(handle, eo, v);
	}
	case CURL_LAZY_OFF_T: {
		curl_off_t v = va_arg(ap, curl_off_t);
		return multi ? (int)curl_lazy.fn.curl_multi_setopt(handle, mo, v)
			     : (int)curl_lazy.fn.curl_easy_setopt(handle, eo, v);
	}
	case CURL_LAZY_BLOB: { /* no multi option takes a blob (yet): passed on as the pointer it is */
		struct curl_blob *v = va_arg(ap, struct curl_blob *);
		return multi ? (int)curl_lazy.fn.curl_multi_setopt(handle, mo, v)
			     : (int)curl_lazy.fn.curl_easy_setopt(handle, eo, v);
	}
	case CURL_LAZY_UNKNOWN:
		break;
	}
	return unknown;
}

CURLcode curl_global_init(long flags)
{
	return curl_lazy_ready() ? curl_lazy.fn.curl_global_init(flags) : CURLE_FAILED_INIT;
}

void curl_global_cleanup(void)
{
	if (curl_lazy_ready())
		curl_lazy.fn.curl_global_cleanup();
}

CURL *curl_easy_init(void)
{
	return curl_lazy_ready() ? curl_lazy.fn.curl_easy_init() : NULL;
}

void curl_easy_cleanup(CURL *curl)
{
	if (curl_lazy_ready())
		curl_lazy.fn.curl_easy_cleanup(curl);
}

void curl_easy_reset(CURL *curl)
{
	if (curl_lazy_ready())
		curl_lazy.fn.curl_easy_reset(curl);
}

CURLcode (curl_easy_setopt)(CURL *curl, CURLoption option, ...)
{
	if (!curl_lazy_ready())
		return CURLE_FAILED_INIT;
	va_list ap;
	va_start(ap, option);
	int rc = curl_lazy_setopt(curl, false, (long)option, ap, CURLE_UNKNOWN_OPTION);
	va_end(ap);
	return (CURLcode)rc;
}

/* Every CURLINFO type (STRING, LONG, DOUBLE, SLIST/PTR, SOCKET, OFF_T) is answered
 * through a pointer to the caller's variable, so one void * carries them all. */
CURLcode (curl_easy_getinfo)(CURL *curl, CURLINFO info, ...)
{
	if (!curl_lazy_ready())
		return CURLE_FAILED_INIT;
	va_list ap;
	va_start(ap, info);
	void *out = va_arg(ap, void *);
	va_end(ap);
	return curl_lazy.fn.curl_easy_getinfo(curl, info, out);
}

CURLcode curl_easy_pause(CURL *handle, int bitmask)
{
	return curl_lazy_ready() ? curl_lazy.fn.curl_easy_pause(handle, bitmask) : CURLE_FAILED_INIT;
}

const char *curl_easy_strerror(CURLcode code)
{
	return curl_lazy_ready() ? curl_lazy.fn.curl_easy_strerror(code) : curl_lazy_load();
}

CURLM *curl_multi_init(void)
{
	return curl_lazy_ready() ? curl_lazy.fn.curl_multi_init() : NULL;
}

CURLMcode curl_multi_cleanup(CURLM *multi_handle)
{
	return curl_lazy_ready() ? curl_lazy.fn.curl_multi_cleanup(multi_handle) : CURLM_INTERNAL_ERROR;
}

CURLMcode (curl_multi_setopt)(CURLM *multi_handle, CURLMoption option, ...)
{
	if (!curl_lazy_ready())
		return CURLM_INTERNAL_ERROR;
	va_list ap;
	va_start(ap, option);
	int rc = curl_lazy_setopt(multi_handle, true, (long)option, ap, CURLM_UNKNOWN_OPTION);
	va_end(ap);
	return (CURLMcode)rc;
}

CURLMcode curl_multi_add_handle(CURLM *multi_handle, CURL *curl_handle)
{
	return curl_lazy_ready() ? curl_lazy.fn.curl_multi_add_handle(multi_handle, curl_handle)
				 : CURLM_INTERNAL_ERROR;
}

CURLMcode curl_multi_remove_handle(CURLM *multi_handle, CURL *curl_handle)
{
	return curl_lazy_ready() ? curl_lazy.fn.curl_multi_remove_handle(multi_handle, curl_handle)
				 : CURLM_INTERNAL_ERROR;
}

CURLMcode curl_multi_socket_action(CURLM *multi_handle, curl_socket_t s, int ev_bitmask,
				   int *running_handles)
{
	return curl_lazy_ready()
		? curl_lazy.fn.curl_multi_socket_action(multi_handle, s, ev_bitmask, running_handles)
		: CURLM_INTERNAL_ERROR;
}

CURLMsg *curl_multi_info_read(CURLM *multi_handle, int *msgs_in_queue)
{
	if (curl_lazy_ready())
		return curl_lazy.fn.curl_multi_info_read(multi_handle, msgs_in_queue);
	if (msgs_in_queue)
		*msgs_in_queue = 0;
	return NULL;
}

struct curl_slist *curl_slist_append(struct curl_slist *list, const char *data)
{
	return curl_lazy_ready() ? curl_lazy.fn.curl_slist_append(list, data) : NULL;
}

void curl_slist_free_all(struct curl_slist *list)
{
	if (curl_lazy_ready())
		curl_lazy.fn.curl_slist_free_all(list);
}
