// SPDX-License-Identifier: GPL-2.0
/*
 * spm-loader: command line and value parsing.
 *
 * Nothing here touches libbpf or the running kernel, so the host-side unit
 * tests exercise exactly the code the loader runs.
 */
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "spm-loader.h"

const char spm_usage[] =
"Usage: spm-loader COMMAND [OPTIONS]\n"
"\n"
"Attach, detach and inspect the BPF policy (struct spm_ops) that decides\n"
"which allocations may use Specific Purpose Memory (SPM) NUMA nodes.\n"
"\n"
"Commands:\n"
"  attach POLICY.bpf.o [--pin] [--set VAR=VALUE]... [--allow SPEC]... [-v]\n"
"      Load POLICY.bpf.o, which must define exactly one struct_ops map of\n"
"      type struct spm_ops, and attach it. Without --pin, spm-loader stays\n"
"      in the foreground, prints\n"
"          spm-loader: policy NAME attached\n"
"      and keeps its pid in " SPM_PIDFILE ". On SIGINT or SIGTERM (or\n"
"      'spm-loader detach') it detaches the policy, prints\n"
"          spm-loader: policy NAME detached\n"
"      and exits with 0. If the kernel ejects the policy it prints, on stderr,\n"
"          spm-loader: policy NAME ejected: KIND NAME: MESSAGE\n"
"      (the line of " SPM_SYSFS_DIR "/last_exit) and exits with 1.\n"
"    --pin            pin the link at " SPM_PIN_PATH " (mounting bpffs\n"
"                     on " SPM_BPFFS " if needed) and the policy's maps\n"
"                     (not its global data) at " SPM_PIN_MAPS "/NAME,\n"
"                     print\n"
"                         spm-loader: policy NAME attached and pinned at PATH\n"
"                     and exit; the policy stays until 'spm-loader detach'.\n"
"    --set VAR=VALUE  set the policy's 'const volatile' global VAR before\n"
"                     loading; repeatable. VALUE depends on VAR's type:\n"
"                       bool               true, false, 1 or 0\n"
"                       integer            decimal or 0x hex, range-checked\n"
"                       enum               a number or an enumerator name\n"
"                       integer *_nodes    node list such as 2-3,5, stored as\n"
"                                          a bitmask (bit N = node N)\n"
"                       integer *_reasons  reason list such as demotion,hugetlb\n"
"                                          (enum spm_reason of the running\n"
"                                          kernel, SPM_REASON_<NAME>), stored\n"
"                                          as a bitmask (1 << SPM_REASON_<NAME>)\n"
"                     An empty node or reason list sets the mask to 0.\n"
"                     A policy's 'memory_nodes' global, if it has one, is\n"
"                     set to the nodes with memory (" SPM_NODE_DIR "/\n"
"                     has_memory) unless --set gives it.\n"
"    --allow CGROUP=NODES[:MODE][:QUOTA]\n"
"                     put an entry in the policy's cgroup table (a policy\n"
"                     with a '" SPM_CGROUP_TABLE_NAME "' map, such as cgroup_spm)\n"
"                     before it is attached; repeatable. CGROUP is the\n"
"                     path of a cgroup v2 directory, NODES a list of SPM\n"
"                     nodes (2-3), MODE 'explicit' (the default: only\n"
"                     allocations that name the node) or 'spill' (the\n"
"                     cgroup's memory may also spill there once system\n"
"                     RAM is short), QUOTA the most the cgroup may have on\n"
"                     each of these nodes (64M, 1G, 4096K; needs the\n"
"                     memory controller on the cgroup). Several entries\n"
"                     for one cgroup are merged. The table is pinned at\n"
"                     " SPM_CGROUP_PIN " while the policy\n"
"                     is attached, with or without --pin.\n"
"    -v, --verbose    print libbpf's log as it comes, including the full\n"
"                     verifier log (without it, a rejected policy gets one\n"
"                     line: the verifier's reason)\n"
"\n"
"  detach\n"
"      Detach the attached policy: remove the pinned link at\n"
"      " SPM_PIN_PATH " and the pinned maps, or send SIGTERM to the\n"
"      foreground spm-loader named in " SPM_PIDFILE ", then wait up to\n"
"      5 s for the state to become 'disabled'. Prints\n"
"          spm-loader: policy NAME detached\n"
"      A pin left behind by a policy the kernel ejected is just removed\n"
"      (exit 0).\n"
"\n"
"  status [--json]\n"
"      Print the SPM state from " SPM_SYSFS_DIR " as 'key: value' lines:\n"
"      state, policy, nodes, enable_seq, nr_ejected, last_exit, pinned and\n"
"      loader_pid ('(none)' when empty). --json prints one JSON object with\n"
"      the same keys; policy is null when none is attached and last_exit is\n"
"      null or {\"kind\", \"policy\", \"message\"}.\n"
"\n"
"  stats [--watch[=SECONDS]]\n"
"      Print the spm_admit, spm_deny and spm_fallback counters (node vmstat)\n"
"      of every SPM node and every other node with memory: columns node,\n"
"      spm, admit, deny, fallback. --watch repeats every SECONDS (default 1,\n"
"      fractions allowed) and adds per-second rates, until SIGINT; the\n"
"      screen is cleared between tables only when stdout is a terminal.\n"
"\n"
"  cgroup set CGROUP=NODES[:MODE][:QUOTA]...\n"
"  cgroup rm CGROUP|ID...\n"
"  cgroup list\n"
"      Change or show the cgroup table of the attached policy while it runs,\n"
"      through " SPM_CGROUP_PIN ". 'set' replaces\n"
"      the cgroup's entry (same syntax as --allow) and prints\n"
"          spm-loader: cgroup PATH (id ID): node N MODE [quota SIZE], ...\n"
"      'rm' removes it, by path or by cgroup id (for a cgroup that no longer\n"
"      exists). New allocations follow the new entry; pages already\n"
"      allocated stay where they are. 'list' prints one line per cgroup and\n"
"      node: CGROUP (its path, or 'stale (id ID)' for a removed cgroup),\n"
"      NODE, MODE, QUOTA and USED (the cgroup's pages on the node, from\n"
"      memory.numa_stat), '-' when there is none.\n"
"\n"
"  help, -h, --help\n"
"      Print this help. 'COMMAND --help' prints it too.\n"
"  --version\n"
"      Print the version of spm-loader and of libbpf.\n"
"\n"
"Exit status:\n"
"  0  success\n"
"  1  runtime failure: bad policy object or --set value, verifier rejection,\n"
"     no privilege, no SPM support in the kernel, a policy already attached,\n"
"     nothing to detach, a policy ejected by the kernel, an unknown cgroup,\n"
"     a node that is not SPM, a bad mode or size, no policy with a cgroup\n"
"     table attached\n"
"  2  usage error (unknown command or option, missing argument)\n"
"\n"
"Errors are reported as one line on stderr starting with 'spm-loader: '.\n";

/* Format a one-line error into err; returns -EINVAL. */
__printf(3, 4) int errf(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
	return -EINVAL;
}

bool spm_str_ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), m = strlen(suffix);

	return n >= m && !strcmp(s + n - m, suffix);
}

static const struct {
	const char *name;
	enum spm_cmd cmd;
} spm_cmds[] = {
	{ "attach",	SPM_CMD_ATTACH },
	{ "detach",	SPM_CMD_DETACH },
	{ "status",	SPM_CMD_STATUS },
	{ "stats",	SPM_CMD_STATS },
	{ "cgroup",	SPM_CMD_CGROUP },
	{ "help",	SPM_CMD_HELP },
};

/*
 * Split "--opt=value" into the option name (returned, length in *len) and
 * the value (*val, NULL without '=').
 */
static void split_opt(const char *arg, size_t *len, const char **val)
{
	const char *eq = strchr(arg, '=');

	if (eq && arg[0] == '-' && arg[1] == '-') {
		*len = eq - arg;
		*val = eq + 1;
	} else {
		*len = strlen(arg);
		*val = NULL;
	}
}

static bool opt_is(const char *arg, size_t len, const char *name)
{
	return strlen(name) == len && !strncmp(arg, name, len);
}

static int parse_set(struct spm_args *args, const char *cmd, const char *v,
		     char *err, size_t errlen)
{
	struct spm_set *sets;
	const char *eq = strchr(v, '=');

	if (!eq || eq == v)
		return errf(err, errlen, "%s: --set '%s' is not VAR=VALUE", cmd,
			    v);

	sets = realloc(args->sets, (args->nr_sets + 1) * sizeof(*sets));
	if (!sets)
		return errf(err, errlen, "out of memory");
	args->sets = sets;
	sets[args->nr_sets].name = strndup(v, eq - v);
	if (!sets[args->nr_sets].name)
		return errf(err, errlen, "out of memory");
	sets[args->nr_sets].name_len = eq - v;
	sets[args->nr_sets].value = eq + 1;
	args->nr_sets++;
	return 0;
}

static int add_str(const char ***list, int *nr, const char *v, char *err,
		   size_t errlen)
{
	const char **l = realloc(*list, (*nr + 1) * sizeof(*l));

	if (!l)
		return errf(err, errlen, "out of memory");
	*list = l;
	l[(*nr)++] = v;
	return 0;
}

static const struct {
	const char *name;
	enum spm_cgroup_cmd cmd;
} spm_cgroup_cmds[] = {
	{ "set",	SPM_CGROUP_SET },
	{ "rm",		SPM_CGROUP_RM },
	{ "list",	SPM_CGROUP_LIST },
};

static int parse_seconds(const char *s, double *out)
{
	char *end;
	double d;

	if (!*s || isspace((unsigned char)*s))
		return -EINVAL;
	errno = 0;
	d = strtod(s, &end);
	if (errno || *end || !(d > 0) || d > 86400)
		return -EINVAL;
	*out = d;
	return 0;
}

int spm_parse_args(int argc, char **argv, struct spm_args *args,
		   char *err, size_t errlen)
{
	bool no_more_opts = false;
	const char *cmd;
	unsigned int i;
	int ai;

	memset(args, 0, sizeof(*args));
	args->interval = 1.0;
	err[0] = '\0';

	if (argc < 2)
		return errf(err, errlen,
			    "no command given (see 'spm-loader --help')");

	cmd = argv[1];
	if (!strcmp(cmd, "-h") || !strcmp(cmd, "--help")) {
		args->cmd = SPM_CMD_HELP;
		return 0;
	}
	if (!strcmp(cmd, "--version")) {
		args->cmd = SPM_CMD_VERSION;
		return 0;
	}
	for (i = 0; i < ARRAY_SIZE(spm_cmds); i++) {
		if (!strcmp(cmd, spm_cmds[i].name)) {
			args->cmd = spm_cmds[i].cmd;
			break;
		}
	}
	if (args->cmd == SPM_CMD_NONE) {
		if (cmd[0] == '-')
			return errf(err, errlen,
				    "unknown option '%s' (see 'spm-loader --help')",
				    cmd);
		return errf(err, errlen,
			    "unknown command '%s' (see 'spm-loader --help')",
			    cmd);
	}
	if (args->cmd == SPM_CMD_HELP)
		return 0;	/* "help anything" is still help */

	ai = 2;
	if (args->cmd == SPM_CMD_CGROUP && ai < argc && argv[ai][0] != '-') {
		for (i = 0; i < ARRAY_SIZE(spm_cgroup_cmds); i++)
			if (!strcmp(argv[ai], spm_cgroup_cmds[i].name))
				args->cgroup_cmd = spm_cgroup_cmds[i].cmd;
		if (args->cgroup_cmd == SPM_CGROUP_NONE)
			return errf(err, errlen,
				    "cgroup: unknown command '%s' (set, rm or list)",
				    argv[ai]);
		ai++;
	}

	for (; ai < argc; ai++) {
		const char *a = argv[ai];
		const char *val;
		size_t len;

		if (no_more_opts || a[0] != '-' || !a[1]) {
			if (args->cmd == SPM_CMD_CGROUP &&
			    (args->cgroup_cmd == SPM_CGROUP_SET ||
			     args->cgroup_cmd == SPM_CGROUP_RM)) {
				if (add_str(&args->operands, &args->nr_operands,
					    a, err, errlen))
					return -EINVAL;
				continue;
			}
			if (args->cmd != SPM_CMD_ATTACH || args->file)
				return errf(err, errlen,
					    "%s: unexpected argument '%s'", cmd,
					    a);
			args->file = a;
			continue;
		}
		if (!strcmp(a, "--")) {
			no_more_opts = true;
			continue;
		}

		split_opt(a, &len, &val);

		if (opt_is(a, len, "-h") || opt_is(a, len, "--help")) {
			if (val)
				goto no_value;
			args->cmd = SPM_CMD_HELP;
			return 0;
		}

		switch (args->cmd) {
		case SPM_CMD_ATTACH:
			if (opt_is(a, len, "--pin")) {
				if (val)
					goto no_value;
				args->pin = true;
				continue;
			}
			if (opt_is(a, len, "-v") ||
			    opt_is(a, len, "--verbose")) {
				if (val)
					goto no_value;
				args->verbose = true;
				continue;
			}
			if (opt_is(a, len, "--set")) {
				if (!val) {
					if (ai + 1 >= argc)
						return errf(err, errlen,
							    "%s: --set needs VAR=VALUE",
							    cmd);
					val = argv[++ai];
				}
				if (parse_set(args, cmd, val, err, errlen))
					return -EINVAL;
				continue;
			}
			if (opt_is(a, len, "--allow")) {
				if (!val) {
					if (ai + 1 >= argc)
						return errf(err, errlen,
							    "%s: --allow needs CGROUP=NODES[:MODE][:QUOTA]",
							    cmd);
					val = argv[++ai];
				}
				if (add_str(&args->allows, &args->nr_allows,
					    val, err, errlen))
					return -EINVAL;
				continue;
			}
			break;
		case SPM_CMD_STATUS:
			if (opt_is(a, len, "--json")) {
				if (val)
					goto no_value;
				args->json = true;
				continue;
			}
			break;
		case SPM_CMD_STATS:
			if (opt_is(a, len, "--watch")) {
				args->watch = true;
				if (val && parse_seconds(val, &args->interval))
					return errf(err, errlen,
						    "%s: --watch: '%s' is not a number of seconds (0 < SECONDS <= 86400)",
						    cmd, val);
				continue;
			}
			break;
		default:
			break;
		}
		return errf(err, errlen,
			    "%s: unknown option '%.*s' (see 'spm-loader --help')",
			    cmd, (int)len, a);
no_value:
		return errf(err, errlen, "%s: option '%.*s' takes no value",
			    cmd, (int)len, a);
	}

	if (args->cmd == SPM_CMD_ATTACH && !args->file)
		return errf(err, errlen,
			    "%s: missing POLICY.bpf.o (see 'spm-loader --help')",
			    cmd);
	if (args->cmd == SPM_CMD_CGROUP) {
		switch (args->cgroup_cmd) {
		case SPM_CGROUP_NONE:
			return errf(err, errlen,
				    "cgroup: missing command (set, rm or list)");
		case SPM_CGROUP_SET:
			if (!args->nr_operands)
				return errf(err, errlen,
					    "cgroup set: missing CGROUP=NODES[:MODE][:QUOTA]");
			break;
		case SPM_CGROUP_RM:
			if (!args->nr_operands)
				return errf(err, errlen,
					    "cgroup rm: missing CGROUP or ID");
			break;
		default:
			break;
		}
	}
	return 0;
}

void spm_free_args(struct spm_args *args)
{
	int i;

	for (i = 0; i < args->nr_sets; i++)
		free(args->sets[i].name);
	free(args->sets);
	args->sets = NULL;
	args->nr_sets = 0;
	free(args->allows);
	args->allows = NULL;
	args->nr_allows = 0;
	free(args->operands);
	args->operands = NULL;
	args->nr_operands = 0;
}

/*
 * Parse an integer of @size bytes into *out (two's complement, zero
 * extended to 64 bits). Decimal or 0x hex, optional sign.
 */
int spm_parse_int(const char *s, unsigned int size, bool is_signed,
		  uint64_t *out, char *err, size_t errlen)
{
	unsigned int bits = size * 8;
	unsigned long long mag, max;
	const char *p = s;
	bool neg = false;
	char tname[8];
	char *end;
	int base = 10;

	snprintf(tname, sizeof(tname), "%c%u", is_signed ? 's' : 'u', bits);
	if (size != 1 && size != 2 && size != 4 && size != 8)
		return errf(err, errlen, "unsupported integer size %u", size);

	if (*p == '-' || *p == '+')
		neg = *p++ == '-';
	if (p[0] == '0' && (p[1] == 'x' || p[1] == 'X')) {
		base = 16;
		p += 2;
	}
	if (!isxdigit((unsigned char)*p) || (base == 10 && !isdigit((unsigned char)*p)))
		return errf(err, errlen, "'%s' is not a number", s);
	errno = 0;
	mag = strtoull(p, &end, base);
	if (*end)
		return errf(err, errlen, "'%s' is not a number", s);

	max = bits == 64 ? ~0ULL : (1ULL << bits) - 1;
	if (is_signed) {
		unsigned long long smax = max >> 1;

		if (errno == ERANGE || (neg && mag > smax + 1) ||
		    (!neg && mag > smax))
			goto range;
		*out = neg ? (uint64_t)0 - mag : mag;
		if (bits < 64)
			*out &= max;
		return 0;
	}
	if (errno == ERANGE || mag > max || (neg && mag))
		goto range;
	*out = mag;
	return 0;

range:
	if (is_signed)
		return errf(err, errlen, "%s is out of range for %s (%lld..%llu)",
			    s, tname, -(long long)(max >> 1) - 1, max >> 1);
	return errf(err, errlen, "%s is out of range for %s (0..%llu)", s,
		    tname, max);
}

int spm_parse_bool(const char *s, bool *out)
{
	if (!strcmp(s, "true") || !strcmp(s, "1")) {
		*out = true;
		return 0;
	}
	if (!strcmp(s, "false") || !strcmp(s, "0")) {
		*out = false;
		return 0;
	}
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
 * Parse a node list such as "0-1,3" (the format of the sysfs node masks)
 * into @bits, which holds @nbits bits. Surrounding white space is ignored;
 * an empty list gives an empty mask.
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

int spm_enum_table_add(struct spm_enum_table *tbl, const char *name,
		       int64_t value)
{
	struct spm_enum_val *v;

	v = realloc(tbl->vals, (tbl->nr + 1) * sizeof(*v));
	if (!v)
		return -ENOMEM;
	tbl->vals = v;
	v[tbl->nr].name = strdup(name);
	if (!v[tbl->nr].name)
		return -ENOMEM;
	v[tbl->nr].value = value;
	tbl->nr++;
	return 0;
}

void spm_enum_table_free(struct spm_enum_table *tbl)
{
	int i;

	for (i = 0; i < tbl->nr; i++)
		free(tbl->vals[i].name);
	free(tbl->vals);
	tbl->vals = NULL;
	tbl->nr = 0;
}

static void known_names(const struct spm_enum_table *tbl, char *buf,
			size_t len)
{
	size_t off = 0;
	int i;

	buf[0] = '\0';
	for (i = 0; i < tbl->nr && off < len; i++)
		off += snprintf(buf + off, len - off, "%s%s", i ? ", " : "",
				tbl->vals[i].name);
}

/*
 * Parse a comma separated list of reason names into a bitmask of
 * 1 << value. Names are matched case-insensitively, with or without the
 * SPM_REASON_ prefix.
 */
int spm_parse_reasons(const char *s, const struct spm_enum_table *tbl,
		      int nbits, uint64_t *mask, char *err, size_t errlen)
{
	const size_t plen = strlen(SPM_REASON_PREFIX);
	const char *p = s;
	char known[256];

	*mask = 0;
	while (isspace((unsigned char)*p))
		p++;
	if (!*p)
		return 0;
	if (!tbl || tbl->unavailable)
		return errf(err, errlen, "cannot resolve reason names: %s",
			    tbl && tbl->unavailable ? tbl->unavailable :
			    "no reason table");

	while (*p) {
		const char *tok, *q = p;
		size_t len;
		int i;

		while (*q && *q != ',')
			q++;
		tok = p;
		len = q - p;
		while (len && isspace((unsigned char)*tok)) {
			tok++;
			len--;
		}
		while (len && isspace((unsigned char)tok[len - 1]))
			len--;
		if (!len)
			return errf(err, errlen,
				    "empty name in reason list '%s'", s);
		if (len > plen && !strncasecmp(tok, SPM_REASON_PREFIX, plen)) {
			tok += plen;
			len -= plen;
		}
		for (i = 0; i < tbl->nr; i++)
			if (strlen(tbl->vals[i].name) == len &&
			    !strncasecmp(tbl->vals[i].name, tok, len))
				break;
		if (i == tbl->nr) {
			known_names(tbl, known, sizeof(known));
			return errf(err, errlen,
				    "unknown reason '%.*s' (known: %s)",
				    (int)len, tok, known);
		}
		if (tbl->vals[i].value < 0 || tbl->vals[i].value >= nbits)
			return errf(err, errlen,
				    "reason '%s' (%lld) does not fit in a %d-bit mask",
				    tbl->vals[i].name,
				    (long long)tbl->vals[i].value, nbits);
		*mask |= 1ULL << tbl->vals[i].value;
		p = *q ? q + 1 : q;
		if (*q && !*p)
			return errf(err, errlen,
				    "empty name in reason list '%s'", s);
	}
	return 0;
}

/* Emit @s as a JSON string; invalid UTF-8 bytes become U+FFFD. */
void spm_json_string(FILE *f, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;

	fputc('"', f);
	while (*p) {
		unsigned char c = *p;
		int n, i;

		if (c == '"' || c == '\\') {
			fputc('\\', f);
			fputc(c, f);
		} else if (c == '\n') {
			fputs("\\n", f);
		} else if (c == '\t') {
			fputs("\\t", f);
		} else if (c == '\r') {
			fputs("\\r", f);
		} else if (c < 0x20 || c == 0x7f) {
			fprintf(f, "\\u%04x", c);
		} else if (c < 0x80) {
			fputc(c, f);
		} else {
			if (c >= 0xc2 && c <= 0xdf)
				n = 1;
			else if (c >= 0xe0 && c <= 0xef)
				n = 2;
			else if (c >= 0xf0 && c <= 0xf4)
				n = 3;
			else
				n = -1;
			for (i = 1; n > 0 && i <= n; i++)
				if ((p[i] & 0xc0) != 0x80)
					n = -1;
			if (n < 0) {
				fputs("\\ufffd", f);
			} else {
				fwrite(p, 1, n + 1, f);
				p += n;
			}
		}
		p++;
	}
	fputc('"', f);
}

/* Split "KIND POLICY_NAME: MESSAGE" (the last_exit line). */
int spm_parse_last_exit(const char *line, struct spm_last_exit *le)
{
	const char *sp, *colon;
	size_t n;

	memset(le, 0, sizeof(*le));
	sp = strchr(line, ' ');
	if (!sp || sp == line)
		return -EINVAL;
	colon = strchr(sp + 1, ':');
	if (!colon)
		return -EINVAL;

	n = sp - line;
	if (n >= sizeof(le->kind))
		n = sizeof(le->kind) - 1;
	memcpy(le->kind, line, n);
	n = colon - (sp + 1);
	if (n >= sizeof(le->policy))
		n = sizeof(le->policy) - 1;
	memcpy(le->policy, sp + 1, n);
	le->message = colon + 1;
	while (*le->message == ' ')
		le->message++;
	return 0;
}
