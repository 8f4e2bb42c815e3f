#ifndef KUBE_CURL_LAZY_H
#define KUBE_CURL_LAZY_H
/* kube/curl_lazy: libcurl, loaded when first used instead of linked.
 *
 * warroom is not linked against libcurl: mapping it and the ~30 libraries it pulls in
 * (TLS, LDAP, Kerberos, ...) cost ~10 ms at every start, `warroom --version` included.
 * kube/curl_lazy.c defines, under their own names and with the prototypes of
 * <curl/curl.h>, the libcurl functions warroom calls; each forwards to the real one,
 * resolved once with dlopen("libcurl.so.4") / dlsym on the first call to any of them.
 *
 * Contract:
 * - curl_lazy_load() loads libcurl if that was not tried yet and returns NULL when it
 *   is usable, else the one-line reason ("cannot load libcurl.so.4: ..."), the same on
 *   every later call (no retry).  Callers that can report an error (kube/http) call it
 *   before anything else, so the user sees that reason and not a failed handle.
 * - If libcurl could not be loaded the forwarders fail the way libcurl itself reports
 *   failure, never crash: constructors return NULL, CURLcode functions
 *   CURLE_FAILED_INIT, CURLMcode functions CURLM_INTERNAL_ERROR, cleanups do nothing,
 *   curl_easy_strerror() returns the load error.
 * - The variadic setters forward their third argument by the option's type range
 *   (CURLOPTTYPE_LONG, _OBJECTPOINT, _FUNCTIONPOINT, _OFF_T, _BLOB); an option outside
 *   every range is refused with CURLE_UNKNOWN_OPTION / CURLM_UNKNOWN_OPTION without
 *   reading the argument.  curl_easy_getinfo's argument is a pointer for every CURLINFO
 *   type.
 * - Single-threaded use, as everywhere in warroom.
 */

const char *curl_lazy_load(void);

#endif
