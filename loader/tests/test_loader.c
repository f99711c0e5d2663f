// SPDX-License-Identifier: GPL-2.0
/*
 * Host-side unit tests of spm-loader: argument parsing, value parsing,
 * policy object checks and --set on small BPF objects, sysfs formatting on
 * a fake tree, and the exit codes and messages of the real binary.
 * No root and no SPM kernel needed.
 *
 * Usage: test_loader PATH/TO/spm-loader DIR/WITH/TEST/OBJECTS
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/wait.h>
#include <unistd.h>

#include <bpf/btf.h>
#include <bpf/libbpf.h>

#include "spm-loader.h"

static int nr_pass, nr_fail, nr_skip;
static const char *loader_bin, *objdir;
static char tmpdir[] = "/tmp/spm-loader-test.XXXXXX";

static void result(const char *name, bool ok, const char *fmt, ...) __printf(3, 4);

/* Test names may quote input with control characters: keep one line. */
static const char *clean(const char *name)
{
	static char buf[256];
	size_t o = 0;

	for (; *name && o < sizeof(buf) - 5; name++) {
		if (*name == '\n')
			o += snprintf(buf + o, sizeof(buf) - o, "\\n");
		else if ((unsigned char)*name < 0x20)
			o += snprintf(buf + o, sizeof(buf) - o, "\\x%02x",
				      (unsigned char)*name);
		else
			buf[o++] = *name;
	}
	buf[o] = '\0';
	return buf;
}

static void result(const char *name, bool ok, const char *fmt, ...)
{
	va_list ap;

	if (ok) {
		printf("PASS %s\n", clean(name));
		nr_pass++;
		return;
	}
	printf("FAIL %s: ", clean(name));
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
	nr_fail++;
}

static void skip(const char *name, const char *why)
{
	printf("SKIP %s: %s\n", clean(name), why);
	nr_skip++;
}

static int quiet_print(enum libbpf_print_level level, const char *fmt,
		       va_list ap)
{
	return 0;
}

/* ---- argument parsing ---- */

struct args_case {
	const char *name;
	const char *argv[8];
	enum spm_cmd cmd;	/* SPM_CMD_NONE: must fail */
	const char *err;	/* substring of the error */
};

static const struct args_case args_cases[] = {
	{ "args: no command", { NULL }, SPM_CMD_NONE, "no command given" },
	{ "args: unknown command", { "frob" }, SPM_CMD_NONE,
	  "unknown command 'frob'" },
	{ "args: unknown global option", { "--frob" }, SPM_CMD_NONE,
	  "unknown option '--frob'" },
	{ "args: -h", { "-h" }, SPM_CMD_HELP },
	{ "args: --help", { "--help" }, SPM_CMD_HELP },
	{ "args: help", { "help" }, SPM_CMD_HELP },
	{ "args: help attach", { "help", "attach" }, SPM_CMD_HELP },
	{ "args: attach --help", { "attach", "--help" }, SPM_CMD_HELP },
	{ "args: --version", { "--version" }, SPM_CMD_VERSION },
	{ "args: attach without file", { "attach" }, SPM_CMD_NONE,
	  "attach: missing POLICY.bpf.o" },
	{ "args: attach --pin without file", { "attach", "--pin" },
	  SPM_CMD_NONE, "missing POLICY.bpf.o" },
	{ "args: attach two files", { "attach", "a.o", "b.o" }, SPM_CMD_NONE,
	  "unexpected argument 'b.o'" },
	{ "args: attach --set without value", { "attach", "a.o", "--set" },
	  SPM_CMD_NONE, "--set needs VAR=VALUE" },
	{ "args: attach --set without =", { "attach", "a.o", "--set", "x" },
	  SPM_CMD_NONE, "--set 'x' is not VAR=VALUE" },
	{ "args: attach --set without name", { "attach", "a.o", "--set", "=1" },
	  SPM_CMD_NONE, "--set '=1' is not VAR=VALUE" },
	{ "args: attach --pin=1", { "attach", "a.o", "--pin=1" }, SPM_CMD_NONE,
	  "option '--pin' takes no value" },
	{ "args: attach unknown option", { "attach", "a.o", "--json" },
	  SPM_CMD_NONE, "attach: unknown option '--json'" },
	{ "args: attach -x", { "attach", "-x", "a.o" }, SPM_CMD_NONE,
	  "unknown option '-x'" },
	{ "args: detach extra argument", { "detach", "now" }, SPM_CMD_NONE,
	  "detach: unexpected argument 'now'" },
	{ "args: detach --pin", { "detach", "--pin" }, SPM_CMD_NONE,
	  "detach: unknown option '--pin'" },
	{ "args: detach", { "detach" }, SPM_CMD_DETACH },
	{ "args: status", { "status" }, SPM_CMD_STATUS },
	{ "args: status --watch", { "status", "--watch" }, SPM_CMD_NONE,
	  "status: unknown option '--watch'" },
	{ "args: stats", { "stats" }, SPM_CMD_STATS },
	{ "args: stats --watch=0", { "stats", "--watch=0" }, SPM_CMD_NONE,
	  "'0' is not a number of seconds" },
	{ "args: stats --watch=abc", { "stats", "--watch=abc" }, SPM_CMD_NONE,
	  "'abc' is not a number of seconds" },
	{ "args: stats --watch 5", { "stats", "--watch", "5" }, SPM_CMD_NONE,
	  "unexpected argument '5'" },
	{ "args: stats --json", { "stats", "--json" }, SPM_CMD_NONE,
	  "stats: unknown option '--json'" },
	{ "args: attach --allow without value", { "attach", "a.o", "--allow" },
	  SPM_CMD_NONE, "--allow needs CGROUP=NODES[:MODE][:QUOTA]" },
	{ "args: cgroup", { "cgroup" }, SPM_CMD_NONE,
	  "cgroup: missing command (set, rm or list)" },
	{ "args: cgroup frob", { "cgroup", "frob" }, SPM_CMD_NONE,
	  "cgroup: unknown command 'frob' (set, rm or list)" },
	{ "args: cgroup set", { "cgroup", "set" }, SPM_CMD_NONE,
	  "cgroup set: missing CGROUP=NODES[:MODE][:QUOTA]" },
	{ "args: cgroup rm", { "cgroup", "rm" }, SPM_CMD_NONE,
	  "cgroup rm: missing CGROUP or ID" },
	{ "args: cgroup list extra", { "cgroup", "list", "x" }, SPM_CMD_NONE,
	  "cgroup: unexpected argument 'x'" },
	{ "args: cgroup list --json", { "cgroup", "list", "--json" },
	  SPM_CMD_NONE, "cgroup: unknown option '--json'" },
	{ "args: cgroup --pin", { "cgroup", "--pin" }, SPM_CMD_NONE,
	  "cgroup: unknown option '--pin'" },
	{ "args: cgroup list", { "cgroup", "list" }, SPM_CMD_CGROUP },
	{ "args: cgroup set x", { "cgroup", "set", "/a=2" }, SPM_CMD_CGROUP },
	{ "args: cgroup rm 12", { "cgroup", "rm", "12" }, SPM_CMD_CGROUP },
	{ "args: cgroup --help", { "cgroup", "--help" }, SPM_CMD_HELP },
	{ "args: cgroup set --help", { "cgroup", "set", "--help" },
	  SPM_CMD_HELP },
};

static void test_args_table(void)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(args_cases); i++) {
		const struct args_case *c = &args_cases[i];
		char *argv[10] = { "spm-loader" }, err[SPM_ERRLEN];
		struct spm_args a;
		int argc = 1, ret;

		while (c->argv[argc - 1]) {
			argv[argc] = (char *)c->argv[argc - 1];
			argc++;
		}
		ret = spm_parse_args(argc, argv, &a, err, sizeof(err));
		if (c->cmd == SPM_CMD_NONE)
			result(c->name, ret && strstr(err, c->err),
			       "got ret %d, error '%s', want '%s'", ret, err,
			       c->err);
		else
			result(c->name, !ret && a.cmd == c->cmd,
			       "got ret %d cmd %d error '%s', want cmd %d", ret,
			       a.cmd, err, c->cmd);
		spm_free_args(&a);
	}
}

static void test_args_attach(void)
{
	char *argv[] = { "spm-loader", "attach", "--set", "a=1", "p.bpf.o",
			 "--pin", "-v", "--set=b=x=y", "--set", "c=", NULL };
	char err[SPM_ERRLEN];
	struct spm_args a;
	int ret;

	ret = spm_parse_args(10, argv, &a, err, sizeof(err));
	result("args: attach with options", !ret && a.cmd == SPM_CMD_ATTACH &&
	       !strcmp(a.file, "p.bpf.o") && a.pin && a.verbose &&
	       a.nr_sets == 3 && !strcmp(a.sets[0].name, "a") &&
	       !strcmp(a.sets[0].value, "1") && !strcmp(a.sets[1].name, "b") &&
	       !strcmp(a.sets[1].value, "x=y") && !strcmp(a.sets[2].name, "c") &&
	       !strcmp(a.sets[2].value, ""),
	       "ret %d err '%s'", ret, err);
	spm_free_args(&a);

	{
		char *v[] = { "spm-loader", "attach", "--", "-odd.o", NULL };

		ret = spm_parse_args(4, v, &a, err, sizeof(err));
		result("args: attach -- -odd.o", !ret && a.file &&
		       !strcmp(a.file, "-odd.o"), "ret %d err '%s'", ret, err);
		spm_free_args(&a);
	}
	{
		char *v[] = { "spm-loader", "attach", "p.o", NULL };

		ret = spm_parse_args(3, v, &a, err, sizeof(err));
		result("args: attach defaults", !ret && !a.pin && !a.verbose &&
		       !a.nr_sets, "ret %d err '%s'", ret, err);
		spm_free_args(&a);
	}
	{
		char *v[] = { "spm-loader", "attach", "p.o", "--allow", "/a=2",
			       "--allow=/b=3:spill:64M", NULL };

		ret = spm_parse_args(6, v, &a, err, sizeof(err));
		result("args: attach --allow", !ret && a.nr_allows == 2 &&
		       !strcmp(a.allows[0], "/a=2") &&
		       !strcmp(a.allows[1], "/b=3:spill:64M"),
		       "ret %d err '%s' allows %d", ret, err, a.nr_allows);
		spm_free_args(&a);
	}
	{
		char *v[] = { "spm-loader", "cgroup", "rm", "/a", "17", NULL };

		ret = spm_parse_args(5, v, &a, err, sizeof(err));
		result("args: cgroup rm two", !ret && a.cmd == SPM_CMD_CGROUP &&
		       a.cgroup_cmd == SPM_CGROUP_RM && a.nr_operands == 2 &&
		       !strcmp(a.operands[0], "/a") &&
		       !strcmp(a.operands[1], "17"),
		       "ret %d err '%s'", ret, err);
		spm_free_args(&a);
	}
	{
		char *v[] = { "spm-loader", "cgroup", "set", "/a=2",
			      "/b=3:spill", NULL };

		ret = spm_parse_args(5, v, &a, err, sizeof(err));
		result("args: cgroup set two", !ret &&
		       a.cgroup_cmd == SPM_CGROUP_SET && a.nr_operands == 2,
		       "ret %d err '%s'", ret, err);
		spm_free_args(&a);
	}
	{
		char *v[] = { "spm-loader", "status", "--json", NULL };

		ret = spm_parse_args(3, v, &a, err, sizeof(err));
		result("args: status --json", !ret && a.json, "ret %d", ret);
		spm_free_args(&a);
	}
	{
		char *v[] = { "spm-loader", "stats", "--watch", NULL };

		ret = spm_parse_args(3, v, &a, err, sizeof(err));
		result("args: stats --watch", !ret && a.watch &&
		       a.interval == 1.0, "ret %d interval %g", ret,
		       a.interval);
		spm_free_args(&a);
	}
	{
		char *v[] = { "spm-loader", "stats", "--watch=0.5", NULL };

		ret = spm_parse_args(3, v, &a, err, sizeof(err));
		result("args: stats --watch=0.5", !ret && a.watch &&
		       a.interval == 0.5, "ret %d interval %g", ret,
		       a.interval);
		spm_free_args(&a);
	}
}

static void test_usage(void)
{
	static const char * const words[] = {
		"attach POLICY.bpf.o", "--pin", "--set VAR=VALUE", "-v, --verbose",
		"detach", "status [--json]", "stats [--watch[=SECONDS]]",
		"help, -h, --help", "--version", "_nodes", "_reasons",
		"policy NAME attached", "policy NAME detached",
		"policy NAME ejected", "attached and pinned at", SPM_PIN_PATH,
		"--allow CGROUP=NODES[:MODE][:QUOTA]", "explicit", "spill",
		"cgroup set", "cgroup rm CGROUP|ID", "cgroup list", "stale (id",
		SPM_CGROUP_PIN, "memory_nodes",
		SPM_PIDFILE, "Exit status", "  0 ", "  1 ", "  2 ",
	};
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(words); i++)
		if (!strstr(spm_usage, words[i]))
			break;
	result("usage: mentions every command and option",
	       i == ARRAY_SIZE(words), "'%s' missing",
	       i < ARRAY_SIZE(words) ? words[i] : "");
}

/* ---- integers, bools ---- */

struct int_case {
	const char *s;
	unsigned int size;
	bool is_signed;
	bool ok;
	uint64_t want;
	const char *err;
};

static const struct int_case int_cases[] = {
	{ "0", 1, false, true, 0 },
	{ "255", 1, false, true, 255 },
	{ "256", 1, false, false, 0, "256 is out of range for u8 (0..255)" },
	{ "-1", 1, false, false, 0, "out of range for u8" },
	{ "-0", 1, false, true, 0 },
	{ "0xff", 1, false, true, 0xff },
	{ "0x100", 1, false, false, 0, "out of range" },
	{ "127", 1, true, true, 127 },
	{ "128", 1, true, false, 0, "128 is out of range for s8 (-128..127)" },
	{ "-128", 1, true, true, 0x80 },
	{ "-129", 1, true, false, 0, "out of range for s8" },
	{ "65535", 2, false, true, 65535 },
	{ "65536", 2, false, false, 0, "out of range for u16" },
	{ "-32768", 2, true, true, 0x8000 },
	{ "32768", 2, true, false, 0, "out of range for s16" },
	{ "4294967295", 4, false, true, 0xffffffffULL },
	{ "4294967296", 4, false, false, 0, "out of range for u32" },
	{ "-2147483648", 4, true, true, 0x80000000ULL },
	{ "2147483648", 4, true, false, 0, "out of range for s32" },
	{ "-1", 4, true, true, 0xffffffffULL },
	{ "18446744073709551615", 8, false, true, ~0ULL },
	{ "18446744073709551616", 8, false, false, 0, "out of range for u64" },
	{ "0xffffffffffffffff", 8, false, true, ~0ULL },
	{ "-9223372036854775808", 8, true, true, 1ULL << 63 },
	{ "9223372036854775807", 8, true, true, ~0ULL >> 1 },
	{ "9223372036854775808", 8, true, false, 0, "out of range for s64" },
	{ "-9223372036854775809", 8, true, false, 0, "out of range for s64" },
	{ "", 4, false, false, 0, "'' is not a number" },
	{ "12abc", 4, false, false, 0, "'12abc' is not a number" },
	{ " 1", 4, false, false, 0, "not a number" },
	{ "0x", 4, false, false, 0, "not a number" },
	{ "--1", 4, true, false, 0, "not a number" },
	{ "1.5", 4, false, false, 0, "not a number" },
};

static void test_ints(void)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(int_cases); i++) {
		const struct int_case *c = &int_cases[i];
		char name[96], err[SPM_ERRLEN] = "";
		uint64_t v = 0;
		int ret;

		snprintf(name, sizeof(name), "int: '%s' as %c%u", c->s,
			 c->is_signed ? 's' : 'u', c->size * 8);
		ret = spm_parse_int(c->s, c->size, c->is_signed, &v, err,
				    sizeof(err));
		if (c->ok)
			result(name, !ret && v == c->want,
			       "ret %d value 0x%llx want 0x%llx (%s)", ret,
			       (unsigned long long)v,
			       (unsigned long long)c->want, err);
		else
			result(name, ret && strstr(err, c->err),
			       "ret %d error '%s' want '%s'", ret, err, c->err);
	}
}

static void test_bools(void)
{
	static const struct {
		const char *s;
		int want;	/* -1: error */
	} cases[] = {
		{ "true", 1 }, { "1", 1 }, { "false", 0 }, { "0", 0 },
		{ "yes", -1 }, { "TRUE", -1 }, { "", -1 }, { "2", -1 },
	};
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		char name[64];
		bool b = false;
		int ret;

		snprintf(name, sizeof(name), "bool: '%s'", cases[i].s);
		ret = spm_parse_bool(cases[i].s, &b);
		if (cases[i].want < 0)
			result(name, ret != 0, "accepted, value %d", b);
		else
			result(name, !ret && b == cases[i].want,
			       "ret %d value %d", ret, b);
	}
}

/* ---- node lists ---- */

static void test_nodelists(void)
{
	static const struct {
		const char *s;
		int nbits;
		uint64_t want;	/* first word */
		const char *err;
	} cases[] = {
		{ "2-3,5", 64, 0x2c },
		{ "0", 64, 1 },
		{ "", 64, 0 },
		{ " 0-1\n", 64, 3 },
		{ "63", 64, 1ULL << 63 },
		{ "0-63", 64, ~0ULL },
		{ "1,1,1", 64, 2 },
		{ "64", 64, 0, "node 64 is out of range (0-63)" },
		{ "8", 8, 0, "node 8 is out of range (0-7)" },
		{ "3-2", 64, 0, "bad node range 3-2" },
		{ "1,,2", 64, 0, "not a node list" },
		{ "1,", 64, 0, "not a node list" },
		{ ",1", 64, 0, "not a node list" },
		{ "1-", 64, 0, "not a node list" },
		{ "-1", 64, 0, "not a node list" },
		{ "a", 64, 0, "not a node list" },
		{ "1 2", 64, 0, "not a node list" },
		{ "2-3;5", 64, 0, "not a node list" },
		{ "99999999999", 64, 0, "not a node list" },
	};
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		uint64_t bits[SPM_NODE_WORDS];
		char name[64], err[SPM_ERRLEN] = "";
		int ret;

		snprintf(name, sizeof(name), "nodelist: '%s' in %d bits",
			 cases[i].s, cases[i].nbits);
		ret = spm_parse_nodelist(cases[i].s, bits, cases[i].nbits, err,
					 sizeof(err));
		if (!cases[i].err)
			result(name, !ret && bits[0] == cases[i].want,
			       "ret %d mask 0x%llx want 0x%llx (%s)", ret,
			       (unsigned long long)bits[0],
			       (unsigned long long)cases[i].want, err);
		else
			result(name, ret && strstr(err, cases[i].err),
			       "ret %d error '%s' want '%s'", ret, err,
			       cases[i].err);
	}

	{
		uint64_t bits[SPM_NODE_WORDS];
		char err[SPM_ERRLEN] = "";
		int ret;

		ret = spm_parse_nodelist("0,100-101,1023", bits, SPM_MAX_NODES,
					 err, sizeof(err));
		result("nodelist: large node ids", !ret &&
		       spm_node_isset(bits, 0) && spm_node_isset(bits, 100) &&
		       spm_node_isset(bits, 101) && !spm_node_isset(bits, 102) &&
		       spm_nodelist_highest(bits, SPM_MAX_NODES) == 1023,
		       "ret %d (%s)", ret, err);
	}
}

/* ---- cgroup specs and sizes ---- */

static void test_sizes(void)
{
	static const struct {
		const char *s;
		uint64_t want;	/* 0: error */
		const char *err;
	} cases[] = {
		{ "64M", 64ULL << 20 }, { "64m", 64ULL << 20 },
		{ "1G", 1ULL << 30 }, { "4096K", 4096ULL << 10 },
		{ "2T", 2ULL << 40 }, { "65536", 65536 }, { "1", 1 },
		{ "0", 0, "bad size '0': must be more than 0" },
		{ "0M", 0, "must be more than 0" },
		{ "12X", 0, "bad size '12X' (e.g. 64M, 1G, 4096K)" },
		{ "M", 0, "bad size 'M'" }, { "", 0, "bad size ''" },
		{ "-1", 0, "bad size '-1'" }, { "1.5G", 0, "bad size '1.5G'" },
		{ "64MB", 0, "bad size '64MB'" }, { " 1", 0, "bad size ' 1'" },
		{ "17179869184G", 0, "bad size '17179869184G': too large" },
		{ "99999999999999999999", 0, "too large" },
	};
	static const struct {
		uint64_t v;
		const char *want;
	} fmts[] = {
		{ 0, "0" }, { 100, "100" }, { 4096, "4K" }, { 64ULL << 20, "64M" },
		{ 3ULL << 19, "1.5M" }, { 1ULL << 30, "1G" }, { 5ULL << 40, "5T" },
	};
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		char name[64], err[SPM_ERRLEN] = "";
		uint64_t v = 0;
		int ret;

		snprintf(name, sizeof(name), "size: '%s'", cases[i].s);
		ret = spm_parse_size(cases[i].s, &v, err, sizeof(err));
		if (cases[i].want)
			result(name, !ret && v == cases[i].want,
			       "ret %d value %llu (%s)", ret,
			       (unsigned long long)v, err);
		else
			result(name, ret && strstr(err, cases[i].err),
			       "ret %d value %llu error '%s' want '%s'", ret,
			       (unsigned long long)v, err, cases[i].err);
	}
	for (i = 0; i < ARRAY_SIZE(fmts); i++) {
		char name[64], buf[32];

		snprintf(name, sizeof(name), "size: format %llu",
			 (unsigned long long)fmts[i].v);
		spm_format_size(fmts[i].v, buf, sizeof(buf));
		result(name, !strcmp(buf, fmts[i].want), "got '%s' want '%s'",
		       buf, fmts[i].want);
	}
}

static void test_cgroup_specs(void)
{
	static const struct {
		const char *s;
		const char *path;	/* NULL: error */
		uint64_t nodes;
		bool spill;
		uint64_t quota;
		const char *err;
	} cases[] = {
		{ "/sys/fs/cgroup/gpu=2-3", "/sys/fs/cgroup/gpu", 0xc },
		{ "/c/batch=3:spill:256M", "/c/batch", 0x8, true, 256ULL << 20 },
		{ "/c/batch=3:256M:spill", "/c/batch", 0x8, true, 256ULL << 20 },
		{ "/c/b=3:64M", "/c/b", 0x8, false, 64ULL << 20 },
		{ "/c/b=2,3:explicit", "/c/b", 0xc },
		{ "rel/x=63", "rel/x", 1ULL << 63 },
		{ "/c/a=b=2", "/c/a=b", 0x4 },
		{ "/c/b", NULL, 0, false, 0, "'/c/b' is not CGROUP=NODES[:MODE][:QUOTA]" },
		{ "=2", NULL, 0, false, 0, "is not CGROUP=NODES" },
		{ "/c/b=", NULL, 0, false, 0, "is not CGROUP=NODES" },
		{ "/c/b=2:", NULL, 0, false, 0, "is not CGROUP=NODES" },
		{ "/c/b=2::spill", NULL, 0, false, 0, "is not CGROUP=NODES" },
		{ "/c/b=:spill", NULL, 0, false, 0, "is not CGROUP=NODES" },
		{ "/c/b=x", NULL, 0, false, 0, "/c/b=x: 'x' is not a node list" },
		{ "/c/b=64", NULL, 0, false, 0, "node 64 is out of range (0-63)" },
		{ "/c/b=2:bogus", NULL, 0, false, 0,
		  "/c/b=2:bogus: bad mode 'bogus' (explicit or spill)" },
		{ "/c/b=2:Spill", NULL, 0, false, 0, "bad mode 'Spill'" },
		{ "/c/b=2:12X", NULL, 0, false, 0,
		  "/c/b=2:12X: bad size '12X' (e.g. 64M, 1G, 4096K)" },
		{ "/c/b=2:0", NULL, 0, false, 0, "must be more than 0" },
		{ "/c/b=2:spill:explicit", NULL, 0, false, 0, "two modes" },
		{ "/c/b=2:1M:2M", NULL, 0, false, 0, "two quotas" },
		{ "/c/b=2:spill:1M:x", NULL, 0, false, 0, "is not CGROUP=NODES" },
	};
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		struct spm_cgroup_spec spec;
		char name[96], err[SPM_ERRLEN] = "";
		int ret;

		snprintf(name, sizeof(name), "cgroup spec: '%s'", cases[i].s);
		ret = spm_parse_cgroup_spec(cases[i].s, &spec, err, sizeof(err));
		if (cases[i].path)
			result(name, !ret && !strcmp(spec.path, cases[i].path) &&
			       spec.nodes == cases[i].nodes &&
			       spec.spill == cases[i].spill &&
			       spec.quota == cases[i].quota,
			       "ret %d (%s) path '%s' nodes 0x%llx spill %d quota %llu",
			       ret, err, ret ? "" : spec.path,
			       (unsigned long long)spec.nodes, spec.spill,
			       (unsigned long long)spec.quota);
		else
			result(name, ret && strstr(err, cases[i].err) && !spec.path,
			       "ret %d error '%s' want '%s'", ret, err,
			       cases[i].err);
		spm_free_cgroup_spec(&spec);
	}
}

static void test_describe(void)
{
	struct spm_cgroup_entry e = { 0 };
	uint64_t bits[SPM_NODE_WORDS] = { 0x2d };
	char buf[256];

	spm_describe_entry(&e, buf, sizeof(buf));
	result("cgroup entry: empty", !strcmp(buf, "no node"), "got '%s'", buf);
	e.nodes = 0xc;
	e.spill_nodes = 0x8;
	e.quota_pages[3] = 16384;
	e.quota_pages[2] = 3;
	spm_describe_entry(&e, buf, sizeof(buf));
	result("cgroup entry: two nodes",
	       !strcmp(buf, "node 2 explicit quota 12K, node 3 spill quota 64M"),
	       "got '%s'", buf);
	spm_format_nodes(bits, 64, buf, sizeof(buf));
	result("nodelist: format", !strcmp(buf, "0,2-3,5"), "got '%s'", buf);
}

static void fake_file(const char *rel, const char *s);

static void test_cgroup_resolve(void)
{
	static const char *cg2 = "/sys/fs/cgroup/unified";
	struct spm_cgroup_req *reqs;
	char err[SPM_ERRLEN], spec[3][256], desc[256];
	const char *specs[3];
	struct statfs sfs;
	struct stat st;
	int nr, ret;

	spm_sysfs_root = tmpdir;
	fake_file(SPM_NODE_DIR "/has_spm", "2-3\n");

	specs[0] = "/nonexistent/cg=2";
	ret = spm_cgroup_resolve(specs, 1, &reqs, &nr, err, sizeof(err));
	result("cgroup resolve: unknown path", ret &&
	       !strcmp(err, "/nonexistent/cg: no such cgroup"), "ret %d '%s'",
	       ret, err);
	specs[0] = "/tmp=2";
	ret = spm_cgroup_resolve(specs, 1, &reqs, &nr, err, sizeof(err));
	result("cgroup resolve: not cgroup v2", ret &&
	       !strcmp(err, "/tmp: not a cgroup v2 directory"), "ret %d '%s'",
	       ret, err);
	specs[0] = "/tmp=1-2";
	ret = spm_cgroup_resolve(specs, 1, &reqs, &nr, err, sizeof(err));
	result("cgroup resolve: node not SPM", ret &&
	       !strcmp(err, "/tmp=1-2: node 1 is not an SPM node (SPM nodes: 2-3)"),
	       "ret %d '%s'", ret, err);
	specs[0] = "/tmp=2:bogus";
	ret = spm_cgroup_resolve(specs, 1, &reqs, &nr, err, sizeof(err));
	result("cgroup resolve: bad mode", ret && strstr(err, "bad mode 'bogus'"),
	       "ret %d '%s'", ret, err);
	fake_file(SPM_NODE_DIR "/has_spm", "\n");
	specs[0] = "/tmp=2";
	ret = spm_cgroup_resolve(specs, 1, &reqs, &nr, err, sizeof(err));
	result("cgroup resolve: no SPM node", ret &&
	       strstr(err, "node 2 is not an SPM node (no SPM node)"),
	       "ret %d '%s'", ret, err);
	fake_file(SPM_NODE_DIR "/has_spm", "2-3\n");

	if (statfs(cg2, &sfs) || sfs.f_type != 0x63677270 || stat(cg2, &st)) {
		skip("cgroup resolve: a cgroup v2 directory", "no cgroup2 at /sys/fs/cgroup/unified");
		spm_sysfs_root = "";
		return;
	}
	snprintf(spec[0], sizeof(spec[0]), "%s=2", cg2);
	snprintf(spec[1], sizeof(spec[1]), "%s=3:spill", cg2);
	snprintf(spec[2], sizeof(spec[2]), "%s=2:5000", cg2);
	specs[0] = spec[0];
	specs[1] = spec[1];
	ret = spm_cgroup_resolve(specs, 2, &reqs, &nr, err, sizeof(err));
	if (!ret)
		spm_describe_entry(&reqs[0].entry, desc, sizeof(desc));
	result("cgroup resolve: two specs of one cgroup merge", !ret && nr == 1 &&
	       reqs[0].id == st.st_ino && !strcmp(reqs[0].path, cg2) &&
	       reqs[0].entry.nodes == 0xc && reqs[0].entry.spill_nodes == 0x8 &&
	       !reqs[0].entry.quota_pages[3] &&
	       !reqs[0].entry.quota_pages[2] &&
	       !strcmp(desc, "node 2 explicit, node 3 spill"),
	       "ret %d (%s) nr %d id %llu (inode %llu) desc '%s'", ret, err,
	       nr, ret ? 0ULL : (unsigned long long)reqs[0].id,
	       (unsigned long long)st.st_ino, ret ? "" : desc);
	if (!ret)
		spm_free_cgroup_reqs(reqs, nr);
	/* the root of the hierarchy has memory.stat only with memcg on */
	specs[0] = spec[2];
	snprintf(desc, sizeof(desc), "%s/memory.stat", cg2);
	ret = spm_cgroup_resolve(specs, 1, &reqs, &nr, err, sizeof(err));
	if (access(desc, F_OK))
		result("cgroup resolve: quota without memcg", ret &&
		       strstr(err, "a quota needs the memory controller"),
		       "ret %d '%s'", ret, err);
	else
		result("cgroup resolve: quota rounds up to pages", !ret &&
		       reqs[0].entry.quota_pages[2] == 2, "ret %d '%s'", ret,
		       err);
	if (!ret)
		spm_free_cgroup_reqs(reqs, nr);
	spm_sysfs_root = "";
}

/* ---- reason lists ---- */

static void fake_reasons(struct spm_enum_table *t)
{
	memset(t, 0, sizeof(*t));
	spm_enum_table_add(t, "fault", 0);
	spm_enum_table_add(t, "pagecache", 1);
	spm_enum_table_add(t, "hugetlb", 7);
	spm_enum_table_add(t, "demotion", 8);
	spm_enum_table_add(t, "far", 40);
}

static void test_reasons(void)
{
	static const struct {
		const char *s;
		int nbits;
		uint64_t want;
		const char *err;
	} cases[] = {
		{ "demotion,hugetlb", 32, (1 << 8) | (1 << 7) },
		{ "fault", 32, 1 },
		{ "", 32, 0 },
		{ "DEMOTION", 32, 1 << 8 },
		{ "SPM_REASON_PAGECACHE", 32, 2 },
		{ "spm_reason_fault, pagecache ", 32, 3 },
		{ "fault,fault", 32, 1 },
		{ "far", 64, 1ULL << 40 },
		{ "far", 32, 0, "reason 'far' (40) does not fit in a 32-bit mask" },
		{ "demotion", 8, 0, "does not fit in a 8-bit mask" },
		{ "nope", 32, 0,
		  "unknown reason 'nope' (known: fault, pagecache, hugetlb, demotion, far)" },
		{ "fault,,hugetlb", 32, 0, "empty name" },
		{ "fault,", 32, 0, "empty name" },
		{ ",fault", 32, 0, "empty name" },
		{ "SPM_REASON_", 32, 0, "unknown reason" },
	};
	struct spm_enum_table tbl, none = { .unavailable = "no BTF here" };
	unsigned int i;

	fake_reasons(&tbl);
	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		char name[96], err[SPM_ERRLEN] = "";
		uint64_t v = 0;
		int ret;

		snprintf(name, sizeof(name), "reasons: '%s' in %d bits",
			 cases[i].s, cases[i].nbits);
		ret = spm_parse_reasons(cases[i].s, &tbl, cases[i].nbits, &v,
					err, sizeof(err));
		if (!cases[i].err)
			result(name, !ret && v == cases[i].want,
			       "ret %d mask 0x%llx want 0x%llx (%s)", ret,
			       (unsigned long long)v,
			       (unsigned long long)cases[i].want, err);
		else
			result(name, ret && strstr(err, cases[i].err),
			       "ret %d error '%s' want '%s'", ret, err,
			       cases[i].err);
	}
	{
		char err[SPM_ERRLEN] = "";
		uint64_t v;
		int ret;

		ret = spm_parse_reasons("fault", &none, 32, &v, err,
					sizeof(err));
		result("reasons: no table", ret &&
		       strstr(err, "cannot resolve reason names: no BTF here"),
		       "ret %d error '%s'", ret, err);
	}
	spm_enum_table_free(&tbl);
}

static void test_reasons_btf(void)
{
	struct spm_enum_table tbl;
	struct btf *btf;
	int ret;

	btf = btf__new_empty();
	btf__add_int(btf, "int", 4, BTF_INT_SIGNED);
	btf__add_enum(btf, "spm_reason", 4);
	btf__add_enum_value(btf, "SPM_REASON_FAULT", 0);
	btf__add_enum_value(btf, "SPM_REASON_PAGECACHE", 1);
	btf__add_enum_value(btf, "SPM_REASON_DEMOTION", 6);
	btf__add_enum_value(btf, "SPM_REASON_MIGRATE_SYSCALL", 7);
	btf__add_enum_value(btf, "SPM_REASON_NR", 13);
	btf__add_enum_value(btf, "__SPM_REASON_LAST", 14);
	btf__add_enum(btf, "other", 4);
	btf__add_enum_value(btf, "SPM_REASON_BOGUS", 20);

	ret = spm_reasons_from_btf(btf, &tbl);
	result("reasons: table from kernel BTF enum spm_reason", !ret &&
	       tbl.nr == 4 && !strcmp(tbl.vals[0].name, "fault") &&
	       !strcmp(tbl.vals[2].name, "demotion") &&
	       tbl.vals[2].value == 6 &&
	       !strcmp(tbl.vals[3].name, "migrate_syscall") &&
	       tbl.vals[3].value == 7 && !tbl.unavailable,
	       "ret %d nr %d", ret, tbl.nr);
	{
		char err[SPM_ERRLEN] = "";
		uint64_t v = 0;

		ret = spm_parse_reasons("migrate_syscall,demotion", &tbl, 32,
					&v, err, sizeof(err));
		result("reasons: names from kernel BTF", !ret &&
		       v == ((1 << 7) | (1 << 6)), "ret %d mask 0x%llx (%s)",
		       ret, (unsigned long long)v, err);
	}
	spm_enum_table_free(&tbl);
	btf__free(btf);

	btf = btf__new_empty();
	btf__add_int(btf, "int", 4, BTF_INT_SIGNED);
	ret = spm_reasons_from_btf(btf, &tbl);
	result("reasons: kernel BTF without enum spm_reason",
	       ret && tbl.unavailable &&
	       strstr(tbl.unavailable, "no enum spm_reason"),
	       "ret %d unavailable '%s'", ret,
	       tbl.unavailable ? tbl.unavailable : "(null)");
	btf__free(btf);
}

/* ---- JSON, last_exit ---- */

static void test_json(void)
{
	static const struct {
		const char *in, *out;
	} cases[] = {
		{ "plain", "\"plain\"" },
		{ "", "\"\"" },
		{ "a\"b\\c", "\"a\\\"b\\\\c\"" },
		{ "l1\nl2\tx\r", "\"l1\\nl2\\tx\\r\"" },
		{ "\x01\x1f\x7f", "\"\\u0001\\u001f\\u007f\"" },
		{ "caf\xc3\xa9", "\"caf\xc3\xa9\"" },
		{ "\xe2\x82\xac", "\"\xe2\x82\xac\"" },
		{ "bad\xff", "\"bad\\ufffd\"" },
		{ "cut\xc3", "\"cut\\ufffd\"" },
		{ "\xc0\xaf", "\"\\ufffd\\ufffd\"" },
	};
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		char name[64], *buf = NULL;
		size_t len = 0;
		FILE *f = open_memstream(&buf, &len);

		spm_json_string(f, cases[i].in);
		fclose(f);
		snprintf(name, sizeof(name), "json: string %u", i);
		result(name, !strcmp(buf, cases[i].out), "got %s want %s", buf,
		       cases[i].out);
		free(buf);
	}
}

static void test_last_exit(void)
{
	struct spm_last_exit le;
	int ret;

	ret = spm_parse_last_exit("error hard_guardrail: node 2: bad", &le);
	result("last_exit: KIND POLICY: MESSAGE", !ret &&
	       !strcmp(le.kind, "error") &&
	       !strcmp(le.policy, "hard_guardrail") &&
	       !strcmp(le.message, "node 2: bad"), "ret %d", ret);
	ret = spm_parse_last_exit("unregistered soft:", &le);
	result("last_exit: empty message", !ret &&
	       !strcmp(le.kind, "unregistered") &&
	       !strcmp(le.policy, "soft") && !strcmp(le.message, ""),
	       "ret %d", ret);
	ret = spm_parse_last_exit("garbage", &le);
	result("last_exit: malformed", ret != 0, "ret %d", ret);
}

/* ---- policy objects ---- */

static char *obj_path(const char *name)
{
	static char path[4][512];
	static int i;

	i = (i + 1) % 4;
	snprintf(path[i], sizeof(path[i]), "%s/%s", objdir, name);
	return path[i];
}

static void write_file(const char *path, const char *s)
{
	FILE *f;
	char *dir = strdup(path), *slash = strrchr(dir, '/');

	/* mkdir -p the parent */
	for (char *p = dir + 1; slash && p <= slash; p++) {
		if (*p == '/') {
			*p = '\0';
			mkdir(dir, 0755);
			*p = '/';
		}
	}
	free(dir);
	f = fopen(path, "w");
	if (f) {
		fputs(s, f);
		fclose(f);
	}
}

static void test_open_errors(void)
{
	static const struct {
		const char *name;
		const char *file;	/* NULL: use tmpdir path below */
		const char *err;
	} cases[] = {
		{ "object: missing file", "/nonexistent/p.bpf.o",
		  "/nonexistent/p.bpf.o: No such file or directory" },
		{ "object: not ELF", "notelf", "not a BPF object (not an ELF file)" },
		{ "object: empty file", "empty", "not a BPF object (not an ELF file)" },
		{ "object: host ELF", "/proc/self/exe",
		  "not a BPF object (an ELF file for another machine)" },
		{ "object: directory", "/tmp", "/tmp: is a directory" },
	};
	char path[512];
	unsigned int i;

	snprintf(path, sizeof(path), "%s/notelf", tmpdir);
	write_file(path, "this is not an object file\n");
	snprintf(path, sizeof(path), "%s/empty", tmpdir);
	write_file(path, "");

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		char err[SPM_ERRLEN] = "";
		struct bpf_object *obj;
		const char *file = cases[i].file;

		if (file[0] != '/') {
			snprintf(path, sizeof(path), "%s/%s", tmpdir, file);
			file = path;
		}
		obj = spm_open_policy(file, err, sizeof(err));
		result(cases[i].name, !obj && strstr(err, cases[i].err),
		       "error '%s' want '%s'", err, cases[i].err);
		bpf_object__close(obj);
	}
}

static struct bpf_object *open_obj(const char *name, char *err, size_t len)
{
	return spm_open_policy(obj_path(name), err, len);
}

static void test_find_map(void)
{
	static const struct {
		const char *name;
		const char *file;
		const char *err;	/* NULL: must find a map */
		const char *policy;
	} cases[] = {
		{ "object: no struct_ops map", "no_ops.bpf.o",
		  "no spm_ops map in " },
		{ "object: struct_ops of another type", "other_ops.bpf.o",
		  "(its struct_ops maps are of type foo_ops)" },
		{ "object: two spm_ops maps", "two_ops.bpf.o",
		  "defines 2 spm_ops maps (ops_a, ops_b); a policy must define exactly one" },
		{ "object: one spm_ops map", "one_ops.bpf.o", NULL,
		  "one_policy" },
		{ "object: spm_ops next to another struct_ops", "mixed_ops.bpf.o",
		  NULL, "mixed" },
	};
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		char err[SPM_ERRLEN] = "", name[128] = "";
		struct bpf_object *obj;
		struct bpf_map *map = NULL;

		obj = open_obj(cases[i].file, err, sizeof(err));
		if (!obj) {
			result(cases[i].name, false, "open: %s", err);
			continue;
		}
		map = spm_find_ops_map(obj, obj_path(cases[i].file), err,
				       sizeof(err));
		if (cases[i].err) {
			result(cases[i].name, !map && strstr(err, cases[i].err),
			       "error '%s' want '%s'", err, cases[i].err);
		} else if (!map) {
			result(cases[i].name, false, "error '%s'", err);
		} else {
			spm_policy_name(obj, map, name, sizeof(name));
			result(cases[i].name, !strcmp(name, cases[i].policy) &&
			       (bpf_map__map_flags(map) & BPF_F_LINK),
			       "policy name '%s' want '%s', flags 0x%x", name,
			       cases[i].policy, bpf_map__map_flags(map));
		}
		if (map && !strcmp(cases[i].file, "mixed_ops.bpf.o")) {
			struct bpf_map *foo =
				bpf_object__find_map_by_name(obj, "foo");

			result("object: other struct_ops map not created",
			       foo && !bpf_map__autocreate(foo) &&
			       bpf_map__autocreate(map), "foo %p", foo);
		}
		bpf_object__close(obj);
	}
}

struct set_case {
	const char *var, *value;
	bool ok;
	uint64_t want;
	const char *err;
};

static const struct set_case set_cases[] = {
	{ "v_u8", "255", true, 255 },
	{ "v_u8", "256", false, 0, "--set v_u8=256: 256 is out of range for u8 (0..255)" },
	{ "v_u8", "-1", false, 0, "out of range for u8" },
	{ "v_s8", "-128", true, 0x80 },
	{ "v_s8", "128", false, 0, "out of range for s8 (-128..127)" },
	{ "v_u16", "0xffff", true, 0xffff },
	{ "v_s16", "-2", true, 0xfffe },
	{ "v_u32", "4294967295", true, 0xffffffffULL },
	{ "v_u32", "4294967296", false, 0, "out of range for u32" },
	{ "v_u32", "abc", false, 0, "--set v_u32=abc: 'abc' is not a number" },
	{ "v_s32", "-2147483648", true, 0x80000000ULL },
	{ "v_u64", "18446744073709551615", true, ~0ULL },
	{ "v_s64", "-9223372036854775808", true, 1ULL << 63 },
	{ "v_s64", "9223372036854775808", false, 0, "out of range for s64" },
	{ "v_bool", "true", true, 1 },
	{ "v_bool", "0", true, 0 },
	{ "v_bool", "yes", false, 0, "--set v_bool=yes: not a bool (true, false, 1, 0)" },
	{ "allow_nodes", "2-3,5", true, 0x2c },
	{ "allow_nodes", "63", true, 1ULL << 63 },
	{ "allow_nodes", "", true, 0 },
	{ "allow_nodes", "64", false, 0, "node 64 does not fit in a 64-bit mask" },
	{ "allow_nodes", "2-x", false, 0, "'2-x' is not a node list" },
	{ "small_nodes", "0-7", true, 0xff },
	{ "small_nodes", "8", false, 0, "node 8 does not fit in a 8-bit mask" },
	{ "allow_reasons", "demotion,hugetlb", true, (1 << 8) | (1 << 7) },
	{ "allow_reasons", "", true, 0 },
	{ "allow_reasons", "swap", false, 0, "unknown reason 'swap'" },
	{ "tiny_reasons", "demotion", false, 0, "does not fit in a 8-bit mask" },
	{ "tiny_reasons", "hugetlb", true, 0x80 },
	{ "mode", "MODE_SPILL", true, 7 },
	{ "mode", "mode_explicit", true, 5 },
	{ "mode", "3", true, 3 },
	{ "mode", "bogus", false, 0, "not an enumerator of enum test_mode nor a number" },
	{ "typedef_var", "7", true, 7 },
	{ "not_volatile", "1", false, 0, "const but not volatile" },
	{ "in_bss", "1", false, 0, "--set in_bss: not a const volatile global (it is in .bss)" },
	{ "in_data", "1", false, 0, "not a const volatile global (it is in .data)" },
	{ "a_struct", "1", false, 0, "unsupported type" },
	{ "nosuch", "1", false, 0, "--set nosuch: unknown variable (settable: " },
	{ "one_ops", "1", false, 0, "not a const volatile global (it is in .struct_ops.link)" },
};

static bool read_var(struct bpf_object *obj, const char *var, uint64_t *v)
{
	const struct btf *btf = bpf_object__btf(obj);
	struct bpf_map *map = bpf_object__find_map_by_name(obj, ".rodata");
	const struct btf_var_secinfo *vsi;
	const struct btf_type *sec;
	size_t sz;
	char *data;
	int id, i;

	id = btf__find_by_name_kind(btf, ".rodata", BTF_KIND_DATASEC);
	if (id < 0 || !map)
		return false;
	data = bpf_map__initial_value(map, &sz);
	sec = btf__type_by_id(btf, id);
	vsi = btf_var_secinfos(sec);
	for (i = 0; i < btf_vlen(sec); i++, vsi++) {
		const struct btf_type *t = btf__type_by_id(btf, vsi->type);

		if (strcmp(btf__name_by_offset(btf, t->name_off), var))
			continue;
		*v = 0;
		switch (vsi->size) {
		case 1:
			*v = *(uint8_t *)(data + vsi->offset);
			break;
		case 2:
			*v = *(uint16_t *)(data + vsi->offset);
			break;
		case 4:
			*v = *(uint32_t *)(data + vsi->offset);
			break;
		case 8:
			*v = *(uint64_t *)(data + vsi->offset);
			break;
		}
		return true;
	}
	return false;
}

static void test_set(void)
{
	struct spm_enum_table reasons;
	struct bpf_object *obj;
	char err[SPM_ERRLEN];
	unsigned int i;

	fake_reasons(&reasons);
	obj = open_obj("one_ops.bpf.o", err, sizeof(err));
	if (!obj) {
		result("set: open one_ops.bpf.o", false, "%s", err);
		spm_enum_table_free(&reasons);
		return;
	}

	for (i = 0; i < ARRAY_SIZE(set_cases); i++) {
		const struct set_case *c = &set_cases[i];
		uint64_t before = 0, after = 0;
		char name[128];
		int ret;

		snprintf(name, sizeof(name), "set: %s=%s", c->var, c->value);
		err[0] = '\0';
		read_var(obj, c->var, &before);
		ret = spm_set_var(obj, c->var, c->value, &reasons, err,
				  sizeof(err));
		if (c->ok) {
			bool found = read_var(obj, c->var, &after);

			result(name, !ret && found && after == c->want,
			       "ret %d value 0x%llx want 0x%llx (%s)", ret,
			       (unsigned long long)after,
			       (unsigned long long)c->want, err);
		} else {
			bool same = !read_var(obj, c->var, &after) ||
				    after == before;

			result(name, ret && same && strstr(err, c->err),
			       "ret %d error '%s' want '%s'%s", ret, err,
			       c->err, same ? "" : " (value changed)");
		}
	}

	/* the neighbours of a variable are left alone */
	{
		uint64_t a = 0, b = 0;
		int ret;

		spm_set_var(obj, "v_u8", "1", &reasons, err, sizeof(err));
		spm_set_var(obj, "v_s8", "-1", &reasons, err, sizeof(err));
		ret = spm_set_var(obj, "v_u8", "0x42", &reasons, err,
				  sizeof(err));
		read_var(obj, "v_u8", &a);
		read_var(obj, "v_s8", &b);
		result("set: writes only the variable's bytes", !ret &&
		       a == 0x42 && b == 0xff, "v_u8 0x%llx v_s8 0x%llx",
		       (unsigned long long)a, (unsigned long long)b);
	}
	{
		int ret;

		ret = spm_set_var(obj, "nosuch", "1", &reasons, err,
				  sizeof(err));
		result("set: unknown variable lists the settable ones",
		       ret && strstr(err, "v_u8") && strstr(err, "allow_nodes") &&
		       !strstr(err, "in_bss") && !strstr(err, "not_volatile"),
		       "error '%s'", err);
	}
	{
		struct spm_enum_table none = {
			.unavailable = "the kernel's BTF has no enum spm_reason",
		};
		int ret;

		ret = spm_set_var(obj, "allow_reasons", "fault", &none, err,
				  sizeof(err));
		result("set: reasons without a kernel table", ret &&
		       strstr(err, "no enum spm_reason"), "error '%s'", err);
	}
	bpf_object__close(obj);
	spm_enum_table_free(&reasons);
}

/* ---- sysfs: status and stats on a fake tree ---- */

static void fake_file(const char *rel, const char *s)
{
	char path[512];

	snprintf(path, sizeof(path), "%s%s", tmpdir, rel);
	write_file(path, s);
}

static char *capture_status(bool json)
{
	struct spm_status st;
	char *buf = NULL;
	size_t len = 0;
	FILE *f;

	if (spm_read_status(&st))
		return strdup("(read failed)");
	f = open_memstream(&buf, &len);
	spm_print_status(f, &st, json);
	fclose(f);
	return buf;
}

static void test_status(void)
{
	const char *want_text =
		"state: enabled\n"
		"policy: soft_guardrail\n"
		"nodes: 2-3\n"
		"enable_seq: 3\n"
		"nr_ejected: 1\n"
		"last_exit: error hard_guardrail: bad \"mask\"\n"
		"pinned: (none)\n"
		"loader_pid: (none)\n";
	const char *want_json =
		"{\"state\":\"enabled\",\"policy\":\"soft_guardrail\","
		"\"nodes\":\"2-3\",\"enable_seq\":3,\"nr_ejected\":1,"
		"\"last_exit\":{\"kind\":\"error\",\"policy\":\"hard_guardrail\","
		"\"message\":\"bad \\\"mask\\\"\"},\"pinned\":null,"
		"\"loader_pid\":null}\n";
	const char *want_empty =
		"{\"state\":\"disabled\",\"policy\":null,\"nodes\":\"2-3\","
		"\"enable_seq\":0,\"nr_ejected\":0,\"last_exit\":null,"
		"\"pinned\":null,\"loader_pid\":null}\n";
	char *out;

	spm_sysfs_root = tmpdir;
	result("sysfs: no /sys/kernel/mm/spm", !spm_kernel_has_spm(),
	       "spm found in an empty tree");

	fake_file(SPM_SYSFS_DIR "/state", "enabled\n");
	fake_file(SPM_SYSFS_DIR "/ops", "soft_guardrail\n");
	fake_file(SPM_SYSFS_DIR "/nodes", "2-3\n");
	fake_file(SPM_SYSFS_DIR "/enable_seq", "3\n");
	fake_file(SPM_SYSFS_DIR "/nr_ejected", "1\n");
	fake_file(SPM_SYSFS_DIR "/last_exit",
		  "error hard_guardrail: bad \"mask\"\n");
	result("sysfs: /sys/kernel/mm/spm present", spm_kernel_has_spm(),
	       "not found");

	out = capture_status(false);
	result("status: text", !strcmp(out, want_text), "got:\n%s", out);
	free(out);
	out = capture_status(true);
	result("status: json", !strcmp(out, want_json), "got:\n%s", out);
	free(out);

	fake_file(SPM_SYSFS_DIR "/state", "disabled\n");
	fake_file(SPM_SYSFS_DIR "/ops", "\n");
	fake_file(SPM_SYSFS_DIR "/enable_seq", "0\n");
	fake_file(SPM_SYSFS_DIR "/nr_ejected", "0\n");
	fake_file(SPM_SYSFS_DIR "/last_exit", "");
	out = capture_status(true);
	result("status: json, nothing attached", !strcmp(out, want_empty),
	       "got:\n%s", out);
	free(out);
	out = capture_status(false);
	result("status: text, nothing attached",
	       strstr(out, "policy: (none)\n") &&
	       strstr(out, "last_exit: (none)\n"), "got:\n%s", out);
	free(out);
	spm_sysfs_root = "";
}

static void test_stats(void)
{
	const char *want =
		"node spm        admit         deny     fallback\n"
		"   0  no            5            0            0\n"
		"   1  no            -            -            -\n"
		"   2 yes          100           20            3\n"
		"   3 yes            -            -            -\n";
	const char *want_rates =
		"node spm        admit    admit/s         deny     deny/s     fallback fallback/s\n"
		"   0  no            5          1            0          0            0          0\n"
		"   1  no            -          -            -          -            -          -\n"
		"   2 yes          100         40           20          5            3          -\n"
		"   3 yes            -          -            -          -            -          -\n";
	struct spm_node_stat rows[8], prev[8];
	char err[SPM_ERRLEN] = "", *buf = NULL;
	size_t len = 0;
	FILE *f;
	int nr;

	spm_sysfs_root = tmpdir;
	fake_file(SPM_SYSFS_DIR "/nodes", "2-3\n");
	fake_file(SPM_NODE_DIR "/has_memory", "0-2\n");
	fake_file(SPM_NODE_DIR "/node0/vmstat",
		  "nr_free_pages 100\nspm_admit 5\nspm_deny 0\nspm_fallback 0\n");
	fake_file(SPM_NODE_DIR "/node1/vmstat", "nr_free_pages 100\n");
	fake_file(SPM_NODE_DIR "/node2/vmstat",
		  "spm_admit 100\nspm_deny 20\nspm_fallback 3\nnr_foo 1\n");

	nr = spm_read_stats(rows, 8, err, sizeof(err));
	result("stats: rows for SPM nodes and nodes with memory", nr == 4 &&
	       rows[0].nid == 0 && !rows[0].spm && rows[0].valid &&
	       rows[1].nid == 1 && !rows[1].valid && rows[2].nid == 2 &&
	       rows[2].spm && rows[2].admit == 100 && rows[3].nid == 3 &&
	       rows[3].spm && !rows[3].valid, "nr %d (%s)", nr, err);
	if (nr != 4) {
		spm_sysfs_root = "";
		return;
	}

	f = open_memstream(&buf, &len);
	spm_print_stats(f, rows, nr, NULL, 0, 0);
	fclose(f);
	result("stats: table", !strcmp(buf, want), "got:\n%s", buf);
	free(buf);

	memcpy(prev, rows, sizeof(rows));
	prev[0].admit = 3;
	prev[2].admit = 20;
	prev[2].deny = 10;
	prev[2].fallback = 4;	/* went backwards: no rate */
	buf = NULL;
	f = open_memstream(&buf, &len);
	spm_print_stats(f, rows, nr, prev, nr, 2.0);
	fclose(f);
	result("stats: table with rates", !strcmp(buf, want_rates),
	       "got:\n%s", buf);
	free(buf);

	fake_file(SPM_NODE_DIR "/has_memory", "0-x\n");
	nr = spm_read_stats(rows, 8, err, sizeof(err));
	result("stats: bad has_memory", nr < 0 && strstr(err, "has_memory"),
	       "nr %d err '%s'", nr, err);
	spm_sysfs_root = "";
}

/* ---- the binary: exit codes and one-line errors ---- */

static int run_loader(const char *const *args, char *out, size_t outlen,
		      char *errbuf, size_t errlen)
{
	int opipe[2], epipe[2], status, argc = 0;
	char *argv[16];
	ssize_t n;
	size_t o = 0, e = 0;
	pid_t pid;

	argv[argc++] = (char *)loader_bin;
	while (*args && argc < 15)
		argv[argc++] = (char *)*args++;
	argv[argc] = NULL;

	if (pipe(opipe) || pipe(epipe))
		return -1;
	pid = fork();
	if (pid == 0) {
		dup2(opipe[1], 1);
		dup2(epipe[1], 2);
		close(opipe[0]);
		close(epipe[0]);
		execv(loader_bin, argv);
		_exit(127);
	}
	close(opipe[1]);
	close(epipe[1]);
	/* outputs are small: drain stdout, then stderr */
	while ((n = read(opipe[0], out + o, outlen - 1 - o)) > 0)
		o += n;
	while ((n = read(epipe[0], errbuf + e, errlen - 1 - e)) > 0)
		e += n;
	out[o] = '\0';
	errbuf[e] = '\0';
	close(opipe[0]);
	close(epipe[0]);
	if (waitpid(pid, &status, 0) < 0 || !WIFEXITED(status))
		return -1;
	return WEXITSTATUS(status);
}

static int count_lines(const char *s)
{
	int n = 0;

	for (; *s; s++)
		n += *s == '\n';
	return n;
}

static void test_binary(void)
{
	struct {
		const char *name;
		const char *args[6];
		int code;
		const char *err;	/* NULL: stdout is checked instead */
		bool needs_no_spm;
	} cases[] = {
		{ "binary: no command", { NULL }, 2, "no command given" },
		{ "binary: unknown command", { "frob" }, 2,
		  "unknown command 'frob'" },
		{ "binary: unknown option", { "attach", "x.o", "--frob" }, 2,
		  "unknown option '--frob'" },
		{ "binary: missing argument", { "attach", "x.o", "--set" }, 2,
		  "--set needs VAR=VALUE" },
		{ "binary: missing file", { "attach", "/nonexistent.bpf.o" }, 1,
		  "/nonexistent.bpf.o: No such file or directory" },
		{ "binary: not a BPF object", { "attach", "/proc/self/exe" }, 1,
		  "not a BPF object" },
		{ "binary: no spm_ops map", { "attach", obj_path("no_ops.bpf.o") },
		  1, "no spm_ops map in " },
		{ "binary: two spm_ops maps",
		  { "attach", obj_path("two_ops.bpf.o"), "--pin" }, 1,
		  "defines 2 spm_ops maps" },
		{ "binary: kernel without SPM (attach)",
		  { "attach", obj_path("one_ops.bpf.o") }, 1,
		  "this kernel has no SPM support (/sys/kernel/mm/spm missing)",
		  true },
		{ "binary: kernel without SPM (status)", { "status" }, 1,
		  "this kernel has no SPM support", true },
		{ "binary: kernel without SPM (detach)", { "detach" }, 1,
		  "this kernel has no SPM support", true },
		{ "binary: kernel without SPM (stats)", { "stats" }, 1,
		  "this kernel has no SPM support", true },
		{ "binary: kernel without SPM (cgroup list)",
		  { "cgroup", "list" }, 1, "this kernel has no SPM support",
		  true },
		{ "binary: cgroup without command", { "cgroup" }, 2,
		  "cgroup: missing command" },
		{ "binary: bad --allow", { "attach", "x.o", "--allow" }, 2,
		  "--allow needs CGROUP=NODES" },
		{ "binary: --help", { "--help" }, 0, NULL },
		{ "binary: --version", { "--version" }, 0, NULL },
	};
	bool host_spm = !access(SPM_SYSFS_DIR, F_OK);
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		static char out[65536], err[65536];
		int code;

		if (cases[i].needs_no_spm && host_spm) {
			skip(cases[i].name, "this host has SPM support");
			continue;
		}
		code = run_loader(cases[i].args, out, sizeof(out), err,
				  sizeof(err));
		if (!cases[i].err) {
			result(cases[i].name, code == 0 && !err[0] &&
			       strstr(out, "spm-loader"),
			       "exit %d stderr '%s'", code, err);
			continue;
		}
		result(cases[i].name, code == cases[i].code &&
		       !strncmp(err, "spm-loader: ", 12) &&
		       count_lines(err) == 1 && strstr(err, cases[i].err) &&
		       !out[0], "exit %d (want %d) stderr '%s' stdout '%s'",
		       code, cases[i].code, err, out);
	}
}

static void cleanup(void)
{
	char cmd[600];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
	if (system(cmd))
		fprintf(stderr, "cannot remove %s\n", tmpdir);
}

int main(int argc, char **argv)
{
	if (argc != 3) {
		fprintf(stderr, "usage: %s SPM_LOADER OBJDIR\n", argv[0]);
		return 2;
	}
	loader_bin = argv[1];
	objdir = argv[2];
	setvbuf(stdout, NULL, _IOLBF, 0);
	libbpf_set_print(quiet_print);
	if (!mkdtemp(tmpdir)) {
		perror("mkdtemp");
		return 2;
	}

	test_args_table();
	test_args_attach();
	test_usage();
	test_ints();
	test_bools();
	test_nodelists();
	test_sizes();
	test_cgroup_specs();
	test_describe();
	test_reasons();
	test_reasons_btf();
	test_json();
	test_last_exit();
	test_open_errors();
	test_find_map();
	test_set();
	test_status();
	test_stats();
	test_cgroup_resolve();
	test_binary();

	cleanup();
	printf("%d passed, %d failed, %d skipped\n", nr_pass, nr_fail,
	       nr_skip);
	return nr_fail ? 1 : 0;
}
