// SPDX-License-Identifier: GPL-2.0
/*
 * spm-loader: the command line (getopt_long) and the values of --set,
 * --allow and cgroup set.  Every argument is checked here, before anything
 * touches the kernel; nothing here uses libbpf or sysfs, so the host-side
 * tests and the fuzzers run exactly the code the loader runs.
 */
#include <ctype.h>
#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "spm-loader.h"

static const char usage_main[] =
"Usage: spm-loader [-j] [-v] COMMAND [ARGS]\n"
"\n"
"Attach and inspect the BPF policy (struct spm_ops) that decides which\n"
"allocations may use Specific Purpose Memory (SPM) NUMA nodes.\n"
"\n"
"Commands:\n"
"  attach POLICY.bpf.o    load and attach a policy (foreground, or --pin)\n"
"  detach                 detach the attached policy\n"
"  status                 show the state of spm_ops\n"
"  stats                  show the SPM counters of every node\n"
"  cgroup set|rm|list     change or show the policy's cgroup table\n"
"  help [COMMAND]         show a command's usage\n"
"\n"
"Options:\n"
"  -j, --json     print JSON, one object per line (errors too)\n"
"  -v, --verbose  print libbpf's log and the whole verifier log\n"
"  -h, --help     print this help\n"
"  -V, --version  print the versions of spm-loader and libbpf\n"
"\n"
"Exit status: 0 success, 1 failure, 2 usage error; a policy that exits on\n"
"its own may set its own code.  See spm-loader(8).\n";

static const char usage_attach[] =
"Usage: spm-loader attach POLICY.bpf.o [--pin] [--set VAR=VALUE]...\n"
"                         [--allow CGROUP=NODES[:MODE][:QUOTA]]... [-j] [-v]\n"
"\n"
"Load the policy (one struct_ops map of type struct spm_ops) and attach it.\n"
"Without --pin, stay in the foreground until SIGINT/SIGTERM (detach, exit\n"
"0) or until the kernel ejects the policy (print why; exit 1, or the code\n"
"the policy exited with).\n"
"\n"
"  --pin            pin the link at " SPM_PIN_PATH " and exit\n"
"  --set VAR=VALUE  set the policy's const volatile global VAR\n"
"  --allow SPEC     an entry of the policy's cgroup table: CGROUP=NODES,\n"
"                   MODE explicit or spill, QUOTA per node (64M)\n"
"  -j, --json       print JSON\n"
"  -v, --verbose    print libbpf's log and the whole verifier log\n";

static const char usage_detach[] =
"Usage: spm-loader detach [-j]\n"
"\n"
"Detach the attached policy: its pinned link, or the foreground spm-loader\n"
"named in " SPM_PIDFILE "; wait until the state is 'disabled'.\n";

static const char usage_status[] =
"Usage: spm-loader status [-j]\n"
"\n"
"Print state, policy, nodes, enable_seq, nr_ejected, last_exit, pinned and\n"
"loader_pid from " SPM_SYSFS_DIR ".\n";

static const char usage_stats[] =
"Usage: spm-loader stats [--watch[=SECONDS]] [-j]\n"
"\n"
"Print spm_admit, spm_deny and spm_fallback of every SPM node and every\n"
"node with memory; --watch repeats every SECONDS (default 1) with rates.\n";

static const char usage_cgroup[] =
"Usage: spm-loader cgroup set CGROUP=NODES[:MODE][:QUOTA]... [-j]\n"
"       spm-loader cgroup rm CGROUP|ID... [-j]\n"
"       spm-loader cgroup list [-j]\n"
"\n"
"Change or show the cgroup table of the attached policy (cgroup_spm),\n"
"pinned at " SPM_CGROUP_PIN ".\n";

static const struct option no_opts[] = {
	{ "json",	no_argument,		NULL, 'j' },
	{ "help",	no_argument,		NULL, 'h' },
	{ }
};

static const struct option attach_opts[] = {
	{ "json",	no_argument,		NULL, 'j' },
	{ "help",	no_argument,		NULL, 'h' },
	{ "verbose",	no_argument,		NULL, 'v' },
	{ "pin",	no_argument,		NULL, 'p' },
	{ "set",	required_argument,	NULL, 's' },
	{ "allow",	required_argument,	NULL, 'a' },
	{ }
};

static const struct option stats_opts[] = {
	{ "json",	no_argument,		NULL, 'j' },
	{ "help",	no_argument,		NULL, 'h' },
	{ "watch",	optional_argument,	NULL, 'w' },
	{ }
};

static const struct option main_opts[] = {
	{ "json",	no_argument,		NULL, 'j' },
	{ "verbose",	no_argument,		NULL, 'v' },
	{ "help",	no_argument,		NULL, 'h' },
	{ "version",	no_argument,		NULL, 'V' },
	{ }
};

static const struct spm_cmd_def {
	const char *name;
	const char *usage;
	const char *shortopts;
	const struct option *longopts;
} cmds[SPM_NR_CMDS] = {
	[SPM_CMD_NONE]		= { NULL, usage_main },
	[SPM_CMD_HELP]		= { "help", usage_main, ":jh", no_opts },
	[SPM_CMD_ATTACH]	= { "attach", usage_attach, ":jhv",
				    attach_opts },
	[SPM_CMD_DETACH]	= { "detach", usage_detach, ":jh", no_opts },
	[SPM_CMD_STATUS]	= { "status", usage_status, ":jh", no_opts },
	[SPM_CMD_STATS]		= { "stats", usage_stats, ":jh", stats_opts },
	[SPM_CMD_CGROUP]	= { "cgroup", usage_cgroup, ":jh", no_opts },
};

/* The usage of @cmd, or the short general one. */
const char *spm_usage(enum spm_cmd cmd)
{
	if (cmd < SPM_NR_CMDS && cmds[cmd].usage)
		return cmds[cmd].usage;
	return usage_main;
}

static enum spm_cmd find_cmd(const char *name)
{
	int i;

	for (i = 0; i < SPM_NR_CMDS; i++)
		if (cmds[i].name && !strcmp(cmds[i].name, name))
			return i;
	return SPM_CMD_NONE;
}

bool spm_str_ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), m = strlen(suffix);

	return n >= m && !strcmp(s + n - m, suffix);
}

static int add_str(const char ***list, int *nr, const char *v)
{
	const char **l = realloc(*list, (*nr + 1) * sizeof(*l));

	if (!l)
		return -ENOMEM;
	*list = l;
	l[(*nr)++] = v;
	return 0;
}

static int add_set(struct spm_args *a, const char *v, char *err,
		   size_t errlen)
{
	const char *eq = strchr(v, '=');
	struct spm_set *sets;

	if (!eq || eq == v)
		return errf(err, errlen, "attach: --set '%s' is not VAR=VALUE",
			    v);
	sets = realloc(a->sets, (a->nr_sets + 1) * sizeof(*sets));
	if (!sets)
		return errf(err, errlen, "out of memory");
	a->sets = sets;
	sets[a->nr_sets].name = strndup(v, eq - v);
	if (!sets[a->nr_sets].name)
		return errf(err, errlen, "out of memory");
	sets[a->nr_sets].value = eq + 1;
	a->nr_sets++;
	return 0;
}

/* A CGROUP=NODES[:MODE][:QUOTA] spec, checked for its syntax only. */
static int check_spec(const char *what, const char *s, char *err,
		      size_t errlen)
{
	struct spm_cgroup_spec spec;
	char why[SPM_ERRLEN];

	if (spm_parse_cgroup_spec(s, &spec, why, sizeof(why)))
		return errf(err, errlen, "%s: %s", what, why);
	spm_free_cgroup_spec(&spec);
	return 0;
}

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

/* A decimal cgroup id (cgroup rm), as opposed to a path. */
int spm_parse_cgroup_id(const char *s, uint64_t *id)
{
	const char *p;
	char *end;

	if (!*s)
		return -EINVAL;
	for (p = s; *p; p++)
		if (!isdigit((unsigned char)*p))
			return -EINVAL;
	errno = 0;
	*id = strtoull(s, &end, 10);
	return errno ? -ERANGE : 0;
}

/*
 * The error of getopt_long()'s return value @c for the word @arg, in
 * command @cmd ("" before the command).
 */
static int opt_error(const char *cmd, int c, const char *arg, char *err,
		     size_t errlen)
{
	const char *eq = strchr(arg, '=');
	const char *sep = *cmd ? ": " : "";
	bool is_long = arg[0] == '-' && arg[1] == '-';
	int n = eq && is_long ? (int)(eq - arg) : (int)strlen(arg);

	if (c == ':')
		return errf(err, errlen, "%s%soption '%s' needs a value", cmd,
			    sep, arg);
	if (optopt && eq && is_long)
		return errf(err, errlen, "%s%soption '%.*s' takes no value",
			    cmd, sep, n, arg);
	if (optopt && !is_long)
		return errf(err, errlen,
			    "%s%sunknown option '-%c' (see 'spm-loader help%s%s')",
			    cmd, sep, optopt, *cmd ? " " : "", cmd);
	return errf(err, errlen,
		    "%s%sunknown option '%.*s' (see 'spm-loader help%s%s')",
		    cmd, sep, n, arg, *cmd ? " " : "", cmd);
}

/* The options and operands of command a->cmd, in argv[0..argc). */
static int parse_cmd(int argc, char **argv, struct spm_args *a, char *err,
		     size_t errlen)
{
	const struct spm_cmd_def *def = &cmds[a->cmd];
	const char *name = def->name;
	bool failed = false, help = false;
	char why[SPM_ERRLEN];
	int c, i, nr;
	char **ops;

	/*
	 * After an error or --help, go on for a -j further on: the error or
	 * the usage is then printed as JSON.  The first error is the one
	 * reported; one after --help is none.
	 */
	optind = 0;
	while ((c = getopt_long(argc, argv, def->shortopts, def->longopts,
				NULL)) != -1) {
		char *e = failed || help ? why : err;
		size_t elen = failed || help ? sizeof(why) : errlen;

		switch (c) {
		case 'j':
			a->json = true;
			continue;
		case 'h':
			help |= !failed;
			continue;
		case 'v':
			a->verbose = true;
			continue;
		case 'p':
			a->pin = true;
			continue;
		case 's':
			if (!add_set(a, optarg, e, elen))
				continue;
			break;
		case 'a':
			if (check_spec("attach: --allow", optarg, e, elen))
				break;
			if (!add_str(&a->allows, &a->nr_allows, optarg))
				continue;
			errf(e, elen, "out of memory");
			break;
		case 'w':
			a->watch = true;
			if (!optarg || !parse_seconds(optarg, &a->interval))
				continue;
			errf(e, elen,
			     "stats: --watch: '%s' is not a number of seconds (0 < SECONDS <= 86400)",
			     optarg);
			break;
		default:
			opt_error(name, c, argv[optind - 1], e, elen);
			break;
		}
		failed |= !help;
	}
	if (help) {
		a->help_cmd = a->cmd;
		a->cmd = SPM_CMD_HELP;
		return 0;
	}
	if (failed)
		return -EINVAL;
	ops = argv + optind;
	nr = argc - optind;

	switch (a->cmd) {
	case SPM_CMD_HELP:
		if (nr > 1)
			return errf(err, errlen, "help: unexpected argument '%s'",
				    ops[1]);
		if (nr) {
			a->help_cmd = find_cmd(ops[0]);
			if (a->help_cmd == SPM_CMD_NONE ||
			    a->help_cmd == SPM_CMD_HELP)
				return errf(err, errlen,
					    "help: unknown command '%s'",
					    ops[0]);
		}
		return 0;
	case SPM_CMD_ATTACH:
		if (!nr)
			return errf(err, errlen,
				    "attach: missing POLICY.bpf.o (see 'spm-loader help attach')");
		if (nr > 1)
			return errf(err, errlen,
				    "attach: unexpected argument '%s'", ops[1]);
		a->file = ops[0];
		return 0;
	case SPM_CMD_CGROUP:
		break;
	default:
		if (nr)
			return errf(err, errlen, "%s: unexpected argument '%s'",
				    name, ops[0]);
		return 0;
	}

	if (!nr)
		return errf(err, errlen,
			    "cgroup: missing command (set, rm or list)");
	if (!strcmp(ops[0], "set"))
		a->cgroup_cmd = SPM_CGROUP_SET;
	else if (!strcmp(ops[0], "rm"))
		a->cgroup_cmd = SPM_CGROUP_RM;
	else if (!strcmp(ops[0], "list"))
		a->cgroup_cmd = SPM_CGROUP_LIST;
	else
		return errf(err, errlen,
			    "cgroup: unknown command '%s' (set, rm or list)",
			    ops[0]);
	if (a->cgroup_cmd == SPM_CGROUP_LIST && nr > 1)
		return errf(err, errlen, "cgroup list: unexpected argument '%s'",
			    ops[1]);
	if (a->cgroup_cmd == SPM_CGROUP_SET && nr == 1)
		return errf(err, errlen,
			    "cgroup set: missing CGROUP=NODES[:MODE][:QUOTA]");
	if (a->cgroup_cmd == SPM_CGROUP_RM && nr == 1)
		return errf(err, errlen, "cgroup rm: missing CGROUP or ID");
	for (i = 1; i < nr; i++) {
		uint64_t id;

		if (a->cgroup_cmd == SPM_CGROUP_SET &&
		    check_spec("cgroup set", ops[i], err, errlen))
			return -EINVAL;
		if (a->cgroup_cmd == SPM_CGROUP_RM &&
		    spm_parse_cgroup_id(ops[i], &id) == -ERANGE)
			return errf(err, errlen,
				    "cgroup rm: cgroup id '%s' is out of range",
				    ops[i]);
		if (add_str(&a->operands, &a->nr_operands, ops[i]))
			return errf(err, errlen, "out of memory");
	}
	return 0;
}

/*
 * spm-loader [-j] [-v] [-h] [-V] COMMAND [ARGS]: fill @args, or explain
 * the usage error in @err and return -EINVAL.
 */
int spm_parse_args(int argc, char **argv, struct spm_args *args,
		   char *err, size_t errlen)
{
	bool help = false, failed = false;
	char why[SPM_ERRLEN];
	int c;

	memset(args, 0, sizeof(*args));
	args->interval = 1.0;
	err[0] = '\0';
	opterr = 0;

	optind = 0;
	while ((c = getopt_long(argc, argv, "+:jvhV", main_opts, NULL)) != -1) {
		switch (c) {
		case 'j':
			args->json = true;
			break;
		case 'v':
			args->verbose = true;
			break;
		case 'h':
			help = true;
			break;
		case 'V':
			args->cmd = SPM_CMD_VERSION;
			break;
		default:
			if (!failed)
				opt_error("", c, argv[optind - 1], err, errlen);
			failed = true;
			break;
		}
	}
	if (failed) {
		/* only for a -j of the command, to print the error as JSON */
		args->cmd = optind < argc ? find_cmd(argv[optind]) :
					    SPM_CMD_NONE;
		if (args->cmd != SPM_CMD_NONE && args->cmd != SPM_CMD_HELP)
			parse_cmd(argc - optind, argv + optind, args, why,
				  sizeof(why));
		args->cmd = SPM_CMD_NONE;
		return -EINVAL;
	}
	if (args->cmd == SPM_CMD_VERSION)
		return 0;
	if (optind == argc) {
		if (help) {
			args->cmd = SPM_CMD_HELP;
			return 0;
		}
		return errf(err, errlen,
			    "no command given (see 'spm-loader --help')");
	}

	args->cmd = find_cmd(argv[optind]);
	if (args->cmd == SPM_CMD_NONE)
		return errf(err, errlen,
			    "unknown command '%s' (see 'spm-loader --help')",
			    argv[optind]);
	if (help) {
		args->help_cmd = args->cmd;
		args->cmd = SPM_CMD_HELP;
		return 0;
	}
	return parse_cmd(argc - optind, argv + optind, args, err, errlen);
}

void spm_free_args(struct spm_args *args)
{
	int i;

	for (i = 0; i < args->nr_sets; i++)
		free(args->sets[i].name);
	free(args->sets);
	free(args->allows);
	free(args->operands);
	args->sets = NULL;
	args->allows = NULL;
	args->operands = NULL;
	args->nr_sets = args->nr_allows = args->nr_operands = 0;
}

/* ---- --set values ---- */

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

/* ---- CGROUP=NODES[:MODE][:QUOTA]: --allow, cgroup set ---- */

void spm_free_cgroup_spec(struct spm_cgroup_spec *spec)
{
	free(spec->path);
	spec->path = NULL;
}

/*
 * CGROUP=NODES[:MODE][:QUOTA]: the cgroup's path is everything up to the
 * last '=', MODE and QUOTA may come in either order.
 */
int spm_parse_cgroup_spec(const char *s, struct spm_cgroup_spec *spec,
			  char *err, size_t errlen)
{
	const char *eq = strrchr(s, '=');
	char *rest, *field, *save = NULL, why[SPM_ERRLEN];
	bool have_mode = false;
	uint64_t bits[1];
	int nr = 0, ret = 0;

	memset(spec, 0, sizeof(*spec));
	if (!eq || eq == s || !eq[1])
		return errf(err, errlen,
			    "'%s' is not CGROUP=NODES[:MODE][:QUOTA]", s);
	spec->path = strndup(s, eq - s);
	rest = strdup(eq + 1);
	if (!spec->path || !rest) {
		ret = errf(err, errlen, "out of memory");
		goto out;
	}
	if (rest[0] == ':' || rest[strlen(rest) - 1] == ':' ||
	    strstr(rest, "::")) {
		ret = errf(err, errlen,
			   "'%s' is not CGROUP=NODES[:MODE][:QUOTA]", s);
		goto out;
	}

	for (field = strtok_r(rest, ":", &save); field;
	     field = strtok_r(NULL, ":", &save), nr++) {
		if (nr == 0) {
			if (spm_parse_nodelist(field, bits, 64, why,
					       sizeof(why))) {
				ret = errf(err, errlen, "%s: %s", s, why);
				goto out;
			}
			if (!bits[0]) {
				ret = errf(err, errlen, "%s: no node given", s);
				goto out;
			}
			spec->nodes = bits[0];
		} else if (nr > 2) {
			ret = errf(err, errlen,
				   "'%s' is not CGROUP=NODES[:MODE][:QUOTA]", s);
			goto out;
		} else if (isdigit((unsigned char)field[0])) {
			if (spec->quota) {
				ret = errf(err, errlen, "%s: two quotas", s);
				goto out;
			}
			if (spm_parse_size(field, &spec->quota, why,
					   sizeof(why))) {
				ret = errf(err, errlen, "%s: %s", s, why);
				goto out;
			}
		} else {
			if (have_mode) {
				ret = errf(err, errlen, "%s: two modes", s);
				goto out;
			}
			if (!strcmp(field, "spill")) {
				spec->spill = true;
			} else if (strcmp(field, "explicit")) {
				ret = errf(err, errlen,
					   "%s: bad mode '%s' (explicit or spill)",
					   s, field);
				goto out;
			}
			have_mode = true;
		}
	}
out:
	free(rest);
	if (ret)
		spm_free_cgroup_spec(spec);
	return ret;
}
