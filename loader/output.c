// SPDX-License-Identifier: GPL-2.0
/*
 * spm-loader: what it prints.  Text: results on stdout, one line per error
 * on stderr ("spm-loader: ...").  JSON (-j): one object per line on stdout,
 * errors as {"error": "..."}, built with jansson.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "spm-loader.h"

bool spm_json;
bool spm_verbose;

void spm_emit(json_t *obj)
{
	if (!obj) {
		fputs("{\"error\":\"out of memory\"}\n", stdout);
		return;
	}
	json_dumpf(obj, stdout, JSON_COMPACT);
	fputc('\n', stdout);
	fflush(stdout);
	json_decref(obj);
}

/*
 * A JSON string of @s; jansson takes only UTF-8, so a string that is not
 * (a policy's message can hold any byte) has its other bytes as '?'.
 */
json_t *spm_json_str(const char *s)
{
	json_t *j = json_string(s);
	char *copy, *p;

	if (j)
		return j;
	copy = strdup(s);
	if (!copy)
		return NULL;
	for (p = copy; *p; p++)
		if ((unsigned char)*p >= 0x80)
			*p = '?';
	j = json_string(copy);
	free(copy);
	return j;
}

/* @bits as an array of node ids: [2, 3]. */
json_t *spm_json_nodes(const uint64_t *bits, int nbits)
{
	json_t *a = json_array();
	int nid;

	for (nid = 0; a && nid < nbits; nid++)
		if (spm_node_isset(bits, nid))
			json_array_append_new(a, json_integer(nid));
	return a;
}

static void vmsg(const char *prefix, const char *fmt, va_list ap)
{
	char msg[2048];
	json_t *o;

	vsnprintf(msg, sizeof(msg), fmt, ap);
	fflush(stdout);
	if (!spm_json || strcmp(prefix, "")) {
		fprintf(stderr, "spm-loader: %s%s\n", prefix, msg);
		return;
	}
	o = json_object();
	if (o)
		json_object_set_new(o, "error", spm_json_str(msg));
	spm_emit(o);
}

/* One line for a failure: stderr, or {"error": ...} on stdout with -j. */
void spm_err(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vmsg("", fmt, ap);
	va_end(ap);
}

/* Something went wrong but the command goes on: stderr in either mode. */
void spm_warn(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vmsg("warning: ", fmt, ap);
	va_end(ap);
}

/* strerror() of a positive errno, with the privilege errors spelt out. */
const char *spm_errno_str(int err)
{
	if (err == EPERM || err == EACCES)
		return "need root (CAP_BPF and CAP_SYS_ADMIN)";
	return strerror(err);
}
