// SPDX-License-Identifier: GPL-2.0
/*
 * Helpers shared by spm-loader and the tests: node lists, sizes, reads of
 * the SPM sysfs files.
 */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "spm_util.h"

const char *spm_sysfs_root = "";

__printf(3, 4) int errf(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
	return -EINVAL;
}

bool spm_node_isset(const uint64_t *bits, int nid)
{
	return bits[nid / 64] & (1ULL << (nid % 64));
}

int spm_nodelist_highest(const uint64_t *bits, int nbits)
{
	int nid;

	for (nid = nbits - 1; nid >= 0; nid--)
		if (spm_node_isset(bits, nid))
			return nid;
	return -1;
}

static int parse_node(const char **pp, const char *end, unsigned long *out)
{
	const char *p = *pp;
	unsigned long v = 0;

	if (p >= end || !isdigit((unsigned char)*p))
		return -EINVAL;
	while (p < end && isdigit((unsigned char)*p)) {
		v = v * 10 + (*p++ - '0');
		if (v > 1000000)
			return -ERANGE;
	}
	*pp = p;
	*out = v;
	return 0;
}

/*
 * Parse a node list such as "0-1,3" into @bits, which holds @nbits bits.
 * Surrounding white space is ignored; an empty list gives an empty mask.
 */
int spm_parse_nodelist(const char *s, uint64_t *bits, int nbits,
		       char *err, size_t errlen)
{
	const char *p = s, *end = s + strlen(s);
	unsigned long a, b, n;

	memset(bits, 0, ((nbits + 63) / 64) * sizeof(*bits));
	while (p < end && isspace((unsigned char)*p))
		p++;
	while (end > p && isspace((unsigned char)end[-1]))
		end--;
	if (p == end)
		return 0;

	for (;;) {
		if (parse_node(&p, end, &a))
			goto bad;
		b = a;
		if (p < end && *p == '-') {
			p++;
			if (parse_node(&p, end, &b))
				goto bad;
			if (b < a)
				return errf(err, errlen,
					    "bad node range %lu-%lu in '%s'",
					    a, b, s);
		}
		if (b >= (unsigned long)nbits)
			return errf(err, errlen,
				    "node %lu is out of range (0-%d)", b,
				    nbits - 1);
		for (n = a; n <= b; n++)
			bits[n / 64] |= 1ULL << (n % 64);
		if (p == end)
			return 0;
		if (*p++ != ',')
			goto bad;
	}
bad:
	return errf(err, errlen, "'%s' is not a node list (e.g. 2-3,5)", s);
}

/* @bits as a node list such as "0-1,3"; "" for none. */
char *spm_format_nodes(const uint64_t *bits, int nbits, char *buf, size_t len)
{
	size_t off = 0;
	int a, b;

	buf[0] = '\0';
	for (a = 0; a < nbits && off < len; a++) {
		if (!spm_node_isset(bits, a))
			continue;
		for (b = a; b + 1 < nbits && spm_node_isset(bits, b + 1); b++)
			;
		if (b == a)
			off += snprintf(buf + off, len - off, "%s%d",
					off ? "," : "", a);
		else
			off += snprintf(buf + off, len - off, "%s%d-%d",
					off ? "," : "", a, b);
		a = b;
	}
	return buf;
}

/* "64M", "1G", "4096K", "65536": bytes, binary units. */
int spm_parse_size(const char *s, uint64_t *bytes, char *err, size_t errlen)
{
	static const char units[] = "KMGT";
	unsigned long long v;
	const char *u;
	char *end;
	int shift = 0;

	if (!isdigit((unsigned char)*s))
		goto bad;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno == ERANGE)
		goto big;
	if (*end) {
		u = strchr(units, toupper((unsigned char)*end));
		if (!u || end[1])
			goto bad;
		shift = 10 * (u - units + 1);
	}
	if (shift && v > (~0ULL >> shift))
		goto big;
	v <<= shift;
	if (!v)
		return errf(err, errlen, "bad size '%s': must be more than 0",
			    s);
	*bytes = v;
	return 0;
bad:
	return errf(err, errlen, "bad size '%s' (e.g. 64M, 1G, 4096K)", s);
big:
	return errf(err, errlen, "bad size '%s': too large", s);
}

/* Bytes with the largest binary unit that keeps it exact, or one decimal. */
void spm_format_size(uint64_t bytes, char *buf, size_t len)
{
	static const char units[] = "KMGT";
	int i;

	for (i = 3; i >= 0; i--) {
		uint64_t unit = 1ULL << (10 * (i + 1));

		if (bytes < unit)
			continue;
		if (!(bytes % unit))
			snprintf(buf, len, "%" PRIu64 "%c", bytes / unit,
				 units[i]);
		else
			snprintf(buf, len, "%.1f%c", (double)bytes / unit,
				 units[i]);
		return;
	}
	snprintf(buf, len, "%" PRIu64, bytes);
}

int spm_path(char *buf, size_t len, const char *fmt, ...)
{
	va_list ap;
	int n, m;

	n = snprintf(buf, len, "%s", spm_sysfs_root);
	if (n < 0 || (size_t)n >= len)
		return -ENAMETOOLONG;
	va_start(ap, fmt);
	m = vsnprintf(buf + n, len - n, fmt, ap);
	va_end(ap);
	if (m < 0 || (size_t)m >= len - n)
		return -ENAMETOOLONG;
	return 0;
}

/*
 * Read @path (under the root) into @buf, without the trailing newline;
 * what does not fit in @len is left out.  Up to the end of the file: a
 * seq_file (/proc/zoneinfo, /proc/vmstat) hands out a page or so a read.
 */
int spm_read_str(const char *path, char *buf, size_t len)
{
	char full[512];
	size_t n = 0;
	ssize_t r;
	int fd;

	buf[0] = '\0';
	if (spm_path(full, sizeof(full), "%s", path))
		return -ENAMETOOLONG;
	fd = open(full, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	while (n < len - 1) {
		r = read(fd, buf + n, len - 1 - n);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			r = -errno;
			close(fd);
			buf[0] = '\0';
			return r;
		}
		if (!r)
			break;
		n += r;
	}
	close(fd);
	buf[n] = '\0';
	while (n > 0 && (buf[n - 1] == '\n' || buf[n - 1] == '\r'))
		buf[--n] = '\0';
	return 0;
}

int spm_read_u64(const char *path, uint64_t *val)
{
	char buf[64], *end;
	int ret;

	ret = spm_read_str(path, buf, sizeof(buf));
	if (ret)
		return ret;
	errno = 0;
	*val = strtoull(buf, &end, 10);
	if (errno || end == buf || *end)
		return -EINVAL;
	return 0;
}

/* The largest "key value" file read: /proc/vmstat has a few hundred keys. */
#define SPM_KEYFILE_MAX		(64 * 1024)

int spm_read_key(const char *path, const char *key, uint64_t *val)
{
	size_t klen = strlen(key);
	char *buf, *line;
	int ret;

	buf = malloc(SPM_KEYFILE_MAX);
	if (!buf)
		return -ENOMEM;
	ret = spm_read_str(path, buf, SPM_KEYFILE_MAX);
	for (line = buf; !ret && line; line = strchr(line, '\n')) {
		if (*line == '\n')
			line++;
		if (!strncmp(line, key, klen) && line[klen] == ' ') {
			*val = strtoull(line + klen + 1, NULL, 10);
			break;
		}
	}
	free(buf);
	return ret ? ret : line ? 0 : -ENOENT;
}

/* The node list in @path into @bits (SPM_MAX_NODES bits), or a message. */
int spm_read_nodes(const char *path, uint64_t *bits, char *err,
		   size_t errlen)
{
	char buf[1024], why[256];
	int ret;

	ret = spm_read_str(path, buf, sizeof(buf));
	if (ret) {
		errf(err, errlen, "cannot read %s: %s", path, strerror(-ret));
		return ret;
	}
	if (spm_parse_nodelist(buf, bits, SPM_MAX_NODES, why, sizeof(why)))
		return errf(err, errlen, "%s: %s", path, why);
	return 0;
}

/* Is the state of spm_ops (SPM_SYSFS_DIR/state) @state? */
bool spm_state_is(const char *state)
{
	char buf[32];

	return !spm_read_str(SPM_SYSFS_DIR "/state", buf, sizeof(buf)) &&
	       !strcmp(buf, state);
}

void spm_sleep_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	while (nanosleep(&ts, &ts) && errno == EINTR)
		;
}
