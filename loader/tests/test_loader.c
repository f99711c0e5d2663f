// SPDX-License-Identifier: GPL-2.0
/*
 * Host-side unit tests of spm-loader: argument parsing, value parsing,
 * policy object checks and --set on small BPF objects, sysfs formatting on
 * a fake tree, the exit codes and messages of the real binary, and its
 * commands run in-process on a fake tree, in text and JSON.
 * No root and no SPM kernel needed: as root it also runs what only root
 * gets to (the commands past their privilege check, cgroup set, rm and
 * list on a real BPF map), and runs the rest as nobody too.
 *
 * Usage: test_loader PATH/TO/spm-loader DIR/WITH/TEST/OBJECTS LOADER_SRC
 * (the test objects' directory is in the build directory of the loader,
 * next to the unit "make test" writes)
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <libgen.h>
#include <signal.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/wait.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>

#include "spm-loader.h"

static int nr_pass, nr_fail, nr_skip;
static const char *loader_bin, *objdir, *objdir_parent;
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

static int count_lines(const char *s)
{
	int n = 0;

	for (; *s; s++)
		n += *s == '\n';
	return n;
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
	  SPM_CMD_NONE, "attach: option '--set' needs a value" },
	{ "args: attach --set without =", { "attach", "a.o", "--set", "x" },
	  SPM_CMD_NONE, "--set 'x' is not VAR=VALUE" },
	{ "args: attach --set without name", { "attach", "a.o", "--set", "=1" },
	  SPM_CMD_NONE, "--set '=1' is not VAR=VALUE" },
	{ "args: attach --pin=1", { "attach", "a.o", "--pin=1" }, SPM_CMD_NONE,
	  "option '--pin' takes no value" },
	{ "args: attach unknown option", { "attach", "a.o", "--frob" },
	  SPM_CMD_NONE, "attach: unknown option '--frob' (see 'spm-loader help attach')" },
	{ "args: attach --json", { "attach", "a.o", "--json" }, SPM_CMD_ATTACH },
	{ "args: attach --allow garbage", { "attach", "a.o", "--allow", "garbage" },
	  SPM_CMD_NONE,
	  "attach: --allow: 'garbage' is not CGROUP=NODES[:MODE][:QUOTA]" },
	{ "args: attach --allow bad mode", { "attach", "a.o", "--allow=/c=2:bogus" },
	  SPM_CMD_NONE, "attach: --allow: /c=2:bogus: bad mode 'bogus'" },
	{ "args: attach --allow bad size", { "attach", "a.o", "--allow", "/c=2:0" },
	  SPM_CMD_NONE, "must be more than 0" },
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
	{ "args: stats --json", { "stats", "--json" }, SPM_CMD_STATS },
	{ "args: stats -j --watch=2", { "stats", "-j", "--watch=2" },
	  SPM_CMD_STATS },
	{ "args: attach --allow without value", { "attach", "a.o", "--allow" },
	  SPM_CMD_NONE, "attach: option '--allow' needs a value" },
	{ "args: cgroup", { "cgroup" }, SPM_CMD_NONE,
	  "cgroup: missing command (set, rm or list)" },
	{ "args: cgroup frob", { "cgroup", "frob" }, SPM_CMD_NONE,
	  "cgroup: unknown command 'frob' (set, rm or list)" },
	{ "args: cgroup set", { "cgroup", "set" }, SPM_CMD_NONE,
	  "cgroup set: missing CGROUP=NODES[:MODE][:QUOTA]" },
	{ "args: cgroup rm", { "cgroup", "rm" }, SPM_CMD_NONE,
	  "cgroup rm: missing CGROUP or ID" },
	{ "args: cgroup list extra", { "cgroup", "list", "x" }, SPM_CMD_NONE,
	  "cgroup list: unexpected argument 'x'" },
	{ "args: cgroup list --json", { "cgroup", "list", "--json" },
	  SPM_CMD_CGROUP },
	{ "args: cgroup set garbage", { "cgroup", "set", "/a=2", "garbage" },
	  SPM_CMD_NONE, "cgroup set: 'garbage' is not CGROUP=NODES" },
	{ "args: cgroup set bad node", { "cgroup", "set", "/a=2-x" },
	  SPM_CMD_NONE, "cgroup set: /a=2-x: '2-x' is not a node list" },
	{ "args: cgroup rm id out of range",
	  { "cgroup", "rm", "99999999999999999999" }, SPM_CMD_NONE,
	  "cgroup rm: cgroup id '99999999999999999999' is out of range" },
	{ "args: help frob", { "help", "frob" }, SPM_CMD_NONE,
	  "help: unknown command 'frob'" },
	{ "args: help attach detach", { "help", "attach", "detach" },
	  SPM_CMD_NONE, "help: unexpected argument 'detach'" },
	{ "args: -V", { "-V" }, SPM_CMD_VERSION },
	{ "args: -j status", { "-j", "status" }, SPM_CMD_STATUS },
	{ "args: --json=1", { "--json=1", "status" }, SPM_CMD_NONE,
	  "option '--json' takes no value" },
	{ "args: -h cgroup", { "-h", "cgroup" }, SPM_CMD_HELP },
	{ "args: detach -j", { "detach", "-j" }, SPM_CMD_DETACH },
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

static void test_args_flags(void)
{
	static const struct {
		const char *name;
		const char *argv[5];
		enum spm_cmd help_cmd;
		bool json, verbose;
	} cases[] = {
		{ "args: help attach is attach's", { "help", "attach" },
		  SPM_CMD_ATTACH },
		{ "args: attach --help is attach's", { "attach", "x.o", "--help" },
		  SPM_CMD_ATTACH },
		{ "args: cgroup set --help is cgroup's",
		  { "cgroup", "set", "--help" }, SPM_CMD_CGROUP },
		{ "args: --help stats is stats'", { "--help", "stats" },
		  SPM_CMD_STATS },
		{ "args: help is the general one", { "help" }, SPM_CMD_NONE },
		{ "args: -j before the command", { "-j", "stats" }, SPM_CMD_NONE,
		  true },
		{ "args: --json after the command", { "cgroup", "list", "--json" },
		  SPM_CMD_NONE, true },
		{ "args: -v before attach", { "-v", "attach", "x.o" },
		  SPM_CMD_NONE, false, true },
		{ "args: -jv in attach", { "attach", "-jv", "x.o" }, SPM_CMD_NONE,
		  true, true },
	};
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		char *argv[8] = { "spm-loader" }, err[SPM_ERRLEN];
		struct spm_args a;
		int argc = 1, ret;

		while (cases[i].argv[argc - 1]) {
			argv[argc] = (char *)cases[i].argv[argc - 1];
			argc++;
		}
		ret = spm_parse_args(argc, argv, &a, err, sizeof(err));
		result(cases[i].name, !ret && a.help_cmd == cases[i].help_cmd &&
		       a.json == cases[i].json &&
		       a.verbose == cases[i].verbose,
		       "ret %d (%s) help_cmd %d json %d verbose %d", ret, err,
		       a.help_cmd, a.json, a.verbose);
		spm_free_args(&a);
	}
}

/* Does @text have every word of the NULL-terminated @words? */
static const char *missing_word(const char *text, const char * const *words)
{
	for (; *words; words++)
		if (!strstr(text, *words))
			return *words;
	return NULL;
}

static void test_usage(void)
{
	static const char * const general[] = {
		"attach POLICY.bpf.o", "detach", "status", "stats",
		"cgroup set|rm|list", "help [COMMAND]", "-j, --json",
		"-v, --verbose", "-h, --help", "-V, --version", "spm-loader(8)",
		"0 success, 1 failure, 2 usage error", NULL,
	};
	static const struct {
		const char *name;
		enum spm_cmd cmd;
		const char *words[8];
		const char *not;	/* another command's option */
	} cmds[] = {
		{ "usage: attach", SPM_CMD_ATTACH, { "Usage: spm-loader attach POLICY.bpf.o",
				    "--pin", "--set VAR=VALUE", "--allow",
				    "-v, --verbose", "-j, --json", NULL },
		  "--watch" },
		{ "usage: detach", SPM_CMD_DETACH, { "Usage: spm-loader detach [-j]",
				    SPM_PIDFILE, NULL }, "--pin" },
		{ "usage: status", SPM_CMD_STATUS, { "Usage: spm-loader status [-j]", "last_exit",
				    NULL }, "--pin" },
		{ "usage: stats", SPM_CMD_STATS, { "Usage: spm-loader stats [--watch[=SECONDS]] [-j]",
				   NULL }, "--pin" },
		{ "usage: cgroup", SPM_CMD_CGROUP, { "spm-loader cgroup set CGROUP=NODES[:MODE][:QUOTA]",
				    "spm-loader cgroup rm CGROUP|ID",
				    "spm-loader cgroup list", SPM_CGROUP_PIN,
				    NULL }, "--watch" },
	};
	const char *m, *u = spm_usage(SPM_CMD_NONE);
	unsigned int i;

	m = missing_word(u, general);
	result("usage: the general one names every command", !m,
	       "'%s' missing", m);
	result("usage: the general one is short", count_lines(u) <= 25,
	       "%d lines", count_lines(u));
	for (i = 0; i < ARRAY_SIZE(cmds); i++) {
		u = spm_usage(cmds[i].cmd);
		m = missing_word(u, cmds[i].words);
		result(cmds[i].name, !m && !strstr(u, cmds[i].not) &&
		       count_lines(u) <= 20, "'%s' missing or '%s' there: %s",
		       m ? m : "", cmds[i].not, u);
	}
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

/* @o as compact JSON, freed; the caller frees the string. */
static char *dump(json_t *o)
{
	char *out = o ? json_dumps(o, JSON_COMPACT | JSON_ENCODE_ANY) : NULL;

	json_decref(o);
	return out ? out : strdup("(null)");
}

static void check_json(const char *name, json_t *o, const char *want)
{
	char *out = dump(o);

	result(name, !strcmp(out, want), "got %s want %s", out, want);
	free(out);
}

static void test_json(void)
{
	uint64_t bits[SPM_NODE_WORDS] = { 0x2c, 0, 1 };

	check_json("json: a string with quotes", spm_json_str("a\"b\\c\n"),
		   "\"a\\\"b\\\\c\\n\"");
	check_json("json: UTF-8 kept", spm_json_str("caf\xc3\xa9"),
		   "\"caf\xc3\xa9\"");
	check_json("json: bytes that are not UTF-8 become '?'",
		   spm_json_str("bad\xff\xc3"), "\"bad??\"");
	check_json("json: nodes are an array of numbers",
		   spm_json_nodes(bits, SPM_MAX_NODES), "[2,3,5,128]");
	check_json("json: no node, empty array", spm_json_nodes(bits + 1, 64),
		   "[]");
	check_json("json: last_exit", spm_last_exit_json("4 error p: it broke"),
		   "{\"seq\":4,\"kind\":\"error\",\"policy\":\"p\",\"message\":\"it broke\"}");
	check_json("json: last_exit not in the format",
		   spm_last_exit_json("garbage"),
		   "{\"seq\":null,\"kind\":null,\"policy\":null,\"message\":\"garbage\"}");
	check_json("json: no last_exit", spm_last_exit_json(""), "null");
}

static void test_last_exit(void)
{
	struct spm_last_exit le;
	int ret;

	ret = spm_parse_last_exit("12 error hard_guardrail: node 2: bad", &le);
	result("last_exit: SEQ KIND POLICY: MESSAGE", !ret && le.seq == 12 &&
	       !strcmp(le.kind, "error") &&
	       !strcmp(le.policy, "hard_guardrail") &&
	       !strcmp(le.message, "node 2: bad"), "ret %d", ret);
	ret = spm_parse_last_exit("1 unregistered soft:", &le);
	result("last_exit: empty message", !ret &&
	       !strcmp(le.kind, "unregistered") &&
	       !strcmp(le.policy, "soft") && !strcmp(le.message, ""),
	       "ret %d", ret);
	ret = spm_parse_last_exit("garbage", &le);
	result("last_exit: malformed", ret != 0, "ret %d", ret);
	ret = spm_parse_last_exit("error p: no seq", &le);
	result("last_exit: no SEQ", ret != 0, "ret %d", ret);
}

/* ---- policy objects ---- */

/* A path that lasts for the next 15 calls: a table of cases may hold them. */
static char *obj_path(const char *name)
{
	static char path[16][512];
	static int i;

	i = (i + 1) % 16;
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
		struct spm_logs logs;
		struct bpf_object *obj;
		const char *file = cases[i].file;

		if (file[0] != '/') {
			snprintf(path, sizeof(path), "%s/%s", tmpdir, file);
			file = path;
		}
		obj = spm_open_policy(file, &logs, err, sizeof(err));
		result(cases[i].name, !obj && strstr(err, cases[i].err),
		       "error '%s' want '%s'", err, cases[i].err);
		bpf_object__close(obj);
		spm_free_logs(&logs);
	}
}

/* The logs of objects opened by the tests, which do not load them. */
static struct spm_logs test_logs;

static struct bpf_object *open_obj(const char *name, char *err, size_t len)
{
	spm_free_logs(&test_logs);
	return spm_open_policy(obj_path(name), &test_logs, err, len);
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

static void test_flags_uei(void)
{
	struct bpf_object *obj;
	struct bpf_map *map, *data;
	struct spm_uei uei;
	char err[SPM_ERRLEN];
	const void *value;
	size_t size = 0;
	int ret;

	obj = open_obj("uei_ops.bpf.o", err, sizeof(err));
	map = obj ? spm_find_ops_map(obj, "uei_ops.bpf.o", err,
				     sizeof(err)) : NULL;
	if (!map) {
		result("object: uei_ops.bpf.o", false, "%s", err);
		bpf_object__close(obj);
		return;
	}
	result("object: .flags of the policy",
	       spm_policy_flags(obj, map) == 0x10, "flags 0x%llx",
	       (unsigned long long)spm_policy_flags(obj, map));
	data = bpf_object__find_map_by_name(obj, ".data");
	value = data ? bpf_map__initial_value(data, &size) : NULL;
	ret = value ? spm_uei_from_value(obj, value, size, &uei) : -1;
	result("object: the exit record found by its type in .data", !ret &&
	       uei.kind == 2 && uei.exit_code == 42 &&
	       !strcmp(uei.reason, "unregistered_by_bpf") &&
	       !strcmp(uei.msg, "test_exit: done"),
	       "ret %d kind %lld code %lld reason '%s' msg '%s'", ret,
	       (long long)uei.kind, (long long)uei.exit_code, uei.reason,
	       uei.msg);
	ret = value ? spm_uei_from_value(obj, value, 8, &uei) : -1;
	result("object: a short value is no exit record", ret == -EINVAL,
	       "ret %d", ret);
	bpf_object__close(obj);

	obj = open_obj("one_ops.bpf.o", err, sizeof(err));
	map = obj ? spm_find_ops_map(obj, "one_ops.bpf.o", err,
				     sizeof(err)) : NULL;
	data = obj ? bpf_object__find_map_by_name(obj, ".data") : NULL;
	value = data ? bpf_map__initial_value(data, &size) : NULL;
	ret = value ? spm_uei_from_value(obj, value, size, &uei) : -1;
	result("object: no exit record", map && !spm_policy_flags(obj, map) &&
	       ret == -ENOENT, "ret %d", ret);
	bpf_object__close(obj);
}

static void test_exit_codes(void)
{
	static const struct {
		const char *name;
		int64_t kind, code;
		int want;
	} cases[] = {
		{ "exit code: the policy's own (unregistered_by_bpf)", 2, 42, 42 },
		{ "exit code: 0 from the policy", 2, 0, 0 },
		{ "exit code: unregistered by the kernel", 3, 0, 0 },
		{ "exit code: error", 4, 0, 1 },
		{ "exit code: bad_return (its value is no exit code)", 6, 7, 1 },
		{ "exit code: out of range", 2, 256, 1 },
		{ "exit code: negative", 2, -5, 1 },
		{ "exit code: nothing recorded", 0, 42, 1 },
	};
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		struct spm_uei uei = {
			.kind = cases[i].kind, .exit_code = cases[i].code,
		};
		int got = spm_uei_exit_code(&uei, 4);

		result(cases[i].name, got == cases[i].want, "got %d want %d",
		       got, cases[i].want);
	}
}

static void test_kernel_btf(void)
{
	struct btf *btf = btf__new_empty();
	int64_t kind = 0;
	int id, ret;

	btf__add_int(btf, "int", 4, BTF_INT_SIGNED);
	result("btf: a kernel without struct spm_ops", !spm_btf_has_ops(btf),
	       "found");
	ret = spm_first_error_kind(btf, &kind);
	result("btf: no enum spm_exit_kind", ret == -ENOENT, "ret %d", ret);
	id = btf__add_struct(btf, "spm_ops", 8);
	btf__add_field(btf, "flags", 1, 0, 0);
	btf__add_enum(btf, "spm_exit_kind", 4);
	btf__add_enum_value(btf, "SPM_EXIT_NONE", 0);
	btf__add_enum_value(btf, "SPM_EXIT_UNREG", 1);
	btf__add_enum_value(btf, "SPM_EXIT_ERROR", 9);
	result("btf: a kernel with struct spm_ops", id > 0 &&
	       spm_btf_has_ops(btf), "id %d", id);
	ret = spm_first_error_kind(btf, &kind);
	result("btf: SPM_EXIT_ERROR from the kernel's BTF", !ret && kind == 9,
	       "ret %d kind %lld", ret, (long long)kind);
	btf__free(btf);
}

static void test_attach_errors(void)
{
	static const struct {
		const char *name;
		int err;
		bool has_name;
		uint64_t flags;
		const char *last_exit, *want;
	} cases[] = {
		{ "attach error: init() returned -EINVAL", EINVAL, true, 0,
		  "7 error p: init() failed with -22",
		  "the policy's init() failed: Invalid argument" },
		{ "attach error: init() returned -ENOMEM", ENOMEM, true, 0,
		  "7 error p: init() failed with -12",
		  "the policy's init() failed: Cannot allocate memory" },
		{ "attach error: init() returned -EPERM, not a privilege error",
		  EPERM, true, 0, "7 error p: init() failed with -1",
		  "the policy's init() failed: Operation not permitted" },
		{ "attach error: init() returned 1 (EPROTO)", EPROTO, true, 0,
		  "7 error p: init() returned 1, not 0 or -errno",
		  "the policy's init() returned 1, not 0 or a negative errno" },
		{ "attach error: EPROTO, another policy's init()", EPROTO, true,
		  0, "7 error q: init() returned 1, not 0 or -errno",
		  "cannot attach the policy: Protocol error" },
		{ "attach error: another policy's init() failed", EINVAL, true,
		  0x4, "7 error q: init() failed with -22",
		  "the kernel refused the policy's .flags 0x4" },
		{ "attach error: no .name", EINVAL, false, 0, "",
		  "the kernel refused the policy: its struct spm_ops has no .name" },
		{ "attach error: .flags", EINVAL, true, 0x4, "",
		  "the kernel refused the policy's .flags 0x4" },
		{ "attach error: other", ENOENT, true, 0,
		  "7 unregistered p: detached by user space",
		  "cannot attach the policy: No such file or directory" },
		{ "attach error: no privilege", EPERM, true, 0, "",
		  "cannot attach the policy: need root (CAP_BPF and CAP_SYS_ADMIN)" },
	};
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		char buf[SPM_ERRLEN];

		spm_attach_error(cases[i].err, "p", cases[i].has_name,
				 cases[i].flags, cases[i].last_exit, buf,
				 sizeof(buf));
		result(cases[i].name, !strcmp(buf, cases[i].want),
		       "got '%s' want '%s'", buf, cases[i].want);
	}
}

static void test_verifier_reason(void)
{
	static const struct {
		const char *name, *log, *want;
	} cases[] = {
		{ "verifier log: the last line that says why",
		  "0: R1=ctx() R10=fp0\n; return 0; @ x.c:3\n"
		  "0: (b7) r0 = 0\nAt program exit the register R0 has smin=0\n"
		  "processed 2 insns (limit 1000000) max_states_per_insn 0\n"
		  "verification time 9 usec\nstack depth 0\n",
		  "At program exit the register R0 has smin=0" },
		{ "verifier log: only statistics", "processed 1 insns\n", "" },
		{ "verifier log: empty", "", "" },
		{ "verifier log: no newline at the end", "a\nwhy", "why" },
	};
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		char buf[256];

		spm_verifier_reason(cases[i].log, buf, sizeof(buf));
		result(cases[i].name, !strcmp(buf, cases[i].want),
		       "got '%s' want '%s'", buf, cases[i].want);
	}
}

static void test_load_error(void)
{
	struct bpf_object *obj;
	char err[SPM_ERRLEN], buf[SPM_ERRLEN];
	const char *log;

	obj = open_obj("one_ops.bpf.o", err, sizeof(err));
	if (!obj) {
		result("load error: open one_ops.bpf.o", false, "%s", err);
		return;
	}
	log = spm_load_error(obj, &test_logs, -EPERM, buf, sizeof(buf));
	result("load error: no log, the errno", !log &&
	       !strcmp(buf, "cannot load the policy: need root (CAP_BPF and CAP_SYS_ADMIN)"),
	       "got '%s'", buf);
	/* what the kernel writes into the program's log buffer */
	snprintf(test_logs.prog_bufs[0], 64, "0: (b7) r0 = 0\nR1 invalid mem access\n");
	log = spm_load_error(obj, &test_logs, -EACCES, buf, sizeof(buf));
	result("load error: the program whose log the kernel wrote",
	       log == test_logs.prog_bufs[0] &&
	       !strcmp(buf, "the verifier rejected program 'test_admit': R1 invalid mem access"),
	       "got '%s'", buf);
	test_logs.prog_bufs[0][0] = '\0';
	snprintf(test_logs.btf_buf, 64, "[3] STRUCT foo\nInvalid name\n");
	log = spm_load_error(obj, &test_logs, -EINVAL, buf, sizeof(buf));
	result("load error: the object's BTF",
	       log == test_logs.btf_buf &&
	       !strcmp(buf, "the kernel rejected the object's BTF: Invalid name"),
	       "got '%s'", buf);
	bpf_object__close(obj);
}

static void test_attach_json(void)
{
	struct spm_cgroup_req req = {
		.id = 5, .path = "/c/gpu", .entry = { .nodes = 0x4 },
	};
	struct spm_uei uei = {
		.kind = 2, .exit_code = 42, .reason = "unregistered_by_bpf",
		.msg = "done",
	};

	check_json("attach json: attached in the foreground",
		   spm_attached_json("p", false, NULL, 0),
		   "{\"event\":\"attached\",\"policy\":\"p\",\"pinned\":null,\"cgroups\":[]}");
	check_json("attach json: attached, pinned, with --allow",
		   spm_attached_json("p", true, &req, 1),
		   "{\"event\":\"attached\",\"policy\":\"p\",\"pinned\":\"" SPM_PIN_PATH "\","
		   "\"cgroups\":[{\"id\":5,\"path\":\"/c/gpu\",\"nodes\":[{\"node\":2,\"mode\":\"explicit\",\"quota\":null}]}]}");
	check_json("attach json: detached", spm_event_json("detached", "p"),
		   "{\"event\":\"detached\",\"policy\":\"p\"}");
	check_json("attach json: ejected, with the exit record",
		   spm_ejected_json("p", "2 unregistered_by_bpf p: done", &uei),
		   "{\"event\":\"ejected\",\"policy\":\"p\",\"last_exit\":{\"seq\":2,\"kind\":\"unregistered_by_bpf\","
		   "\"policy\":\"p\",\"message\":\"done\"},\"exit\":{\"kind\":2,\"reason\":\"unregistered_by_bpf\","
		   "\"code\":42,\"message\":\"done\"}}");
	check_json("attach json: ejected, no exit record",
		   spm_ejected_json("p", "", NULL),
		   "{\"event\":\"ejected\",\"policy\":\"p\",\"last_exit\":null,\"exit\":null}");
	check_json("cgroup set json", json_pack("{s:o}", "set",
						 spm_reqs_json(&req, 1)),
		   "{\"set\":[{\"id\":5,\"path\":\"/c/gpu\",\"nodes\":[{\"node\":2,\"mode\":\"explicit\",\"quota\":null}]}]}");
}

static void test_cgroup_json(void)
{
	struct spm_cgroup_entry e = {
		.nodes = 0xc, .spill_nodes = 0x8,
	};
	json_t *table;
	char *buf = NULL;
	size_t len = 0;
	FILE *f;

	e.quota_pages[3] = 16384;
	check_json("cgroup: entry json", spm_entry_json(7, "/c/b", &e, false),
		   "{\"id\":7,\"path\":\"/c/b\",\"nodes\":[{\"node\":2,\"mode\":\"explicit\",\"quota\":null},"
		   "{\"node\":3,\"mode\":\"spill\",\"quota\":67108864}]}");
	check_json("cgroup: stale entry json, used unknown",
		   spm_entry_json(9, NULL, &e, true),
		   "{\"id\":9,\"path\":null,\"nodes\":[{\"node\":2,\"mode\":\"explicit\",\"quota\":null,\"used\":null},"
		   "{\"node\":3,\"mode\":\"spill\",\"quota\":67108864,\"used\":null}]}");
	table = json_pack("{s:[o]}", "cgroups",
			  spm_entry_json(9, NULL, &e, true));
	f = open_memstream(&buf, &len);
	spm_print_cgroup_table(f, table);
	fclose(f);
	json_decref(table);
	result("cgroup: list table", buf && !strcmp(buf,
	       "CGROUP                                   NODE MODE        QUOTA     USED\n"
	       "stale (id 9)                                2 explicit        -        -\n"
	       "stale (id 9)                                3 spill         64M        -\n"),
	       "got:\n%s", buf);
	free(buf);
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
	if (json)
		return dump(spm_status_json(&st));
	f = open_memstream(&buf, &len);
	spm_print_status(f, &st);
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
		"last_exit: 3 error hard_guardrail: bad \"mask\"\n"
		"pinned: (none)\n"
		"loader_pid: (none)\n";
	const char *want_json =
		"{\"state\":\"enabled\",\"policy\":\"soft_guardrail\","
		"\"nodes\":[2,3],\"enable_seq\":3,\"nr_ejected\":1,"
		"\"last_exit\":{\"seq\":3,\"kind\":\"error\",\"policy\":\"hard_guardrail\","
		"\"message\":\"bad \\\"mask\\\"\"},\"pinned\":null,"
		"\"loader_pid\":null}";
	const char *want_empty =
		"{\"state\":\"disabled\",\"policy\":null,\"nodes\":[2,3],"
		"\"enable_seq\":0,\"nr_ejected\":0,\"last_exit\":null,"
		"\"pinned\":null,\"loader_pid\":null}";
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
		  "3 error hard_guardrail: bad \"mask\"\n");
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

static void test_read_key(void)
{
	uint64_t v = 0;
	int ret;

	spm_sysfs_root = tmpdir;
	fake_file("/keys", "spm_admitted 9\nnr_spm_admit 8\nspm_admit 5\n"
			   "spm_deny -1\nspm_fallback");
	ret = spm_read_key("/keys", "spm_admit", &v);
	result("read key: the whole key, not a prefix or a suffix", !ret &&
	       v == 5, "ret %d value %llu", ret, (unsigned long long)v);
	ret = spm_read_key("/keys", "spm_fallback", &v);
	result("read key: a key without a value is none", ret == -ENOENT,
	       "ret %d", ret);
	ret = spm_read_key("/keys", "spm", &v);
	result("read key: no such key", ret == -ENOENT, "ret %d", ret);
	ret = spm_read_key("/nonexistent", "spm_admit", &v);
	result("read key: no such file", ret == -ENOENT, "ret %d", ret);
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
	check_json("stats: json", spm_stats_json(rows, 2, NULL, 0, 0),
		   "{\"nodes\":[{\"node\":0,\"spm\":false,\"admit\":5,\"deny\":0,\"fallback\":0},"
		   "{\"node\":1,\"spm\":false,\"admit\":null,\"deny\":null,\"fallback\":null}]}");
	check_json("stats: json with rates",
		   spm_stats_json(rows + 2, 1, prev, nr, 2.0),
		   "{\"nodes\":[{\"node\":2,\"spm\":true,\"admit\":100,\"deny\":20,\"fallback\":3,"
		   "\"admit_per_s\":40.0,\"deny_per_s\":5.0,\"fallback_per_s\":null}]}");

	fake_file(SPM_NODE_DIR "/has_memory", "0-x\n");
	nr = spm_read_stats(rows, 8, err, sizeof(err));
	result("stats: bad has_memory", nr < 0 && strstr(err, "has_memory"),
	       "nr %d err '%s'", nr, err);
	spm_sysfs_root = "";
}

/* ---- the binary, and its main() in a child: exit codes and output ---- */

int spm_loader_main(int argc, char **argv);

#define NOBODY		65534
/* The exit status of a child that could not become nobody. */
#define NO_DROP		125

/* How a child runs spm-loader. */
struct run {
	const char *const *args;	/* after argv[0], NULL-terminated */
	bool in_process;	/* spm_loader_main(), not the binary */
	const char *root;	/* in_process: the fake sysfs tree */
	bool nobody;		/* without root's privileges */
	int stop_ms;		/* > 0: SIGTERM it after that long */
};

/* Root becomes nobody; anyone else is unprivileged already. */
static int drop_root(void)
{
	if (geteuid())
		return 0;
	return setgroups(0, NULL) || setresgid(NOBODY, NOBODY, NOBODY) ||
	       setresuid(NOBODY, NOBODY, NOBODY) ? -1 : 0;
}

static int loader_child(void *arg)
{
	const struct run *r = arg;
	char *argv[16];
	int argc = 1;

	argv[0] = (char *)loader_bin;
	while (r->args[argc - 1] && argc < 15) {
		argv[argc] = (char *)r->args[argc - 1];
		argc++;
	}
	argv[argc] = NULL;
	if (r->nobody && drop_root())
		return NO_DROP;
	if (!r->in_process) {
		execv(loader_bin, argv);
		return 127;
	}
	spm_sysfs_root = r->root;
	return spm_loader_main(argc, argv);
}

/*
 * Run @fn(@arg) in a child with its stdout in @out and its stderr in
 * @errbuf; with @stop_ms, SIGTERM it after that long.  Its exit status,
 * -1 if it did not exit.
 */
static int run_child(int (*fn)(void *), void *arg, int stop_ms, char *out,
		     size_t outlen, char *errbuf, size_t errlen)
{
	int opipe[2], epipe[2], status;
	size_t o = 0, e = 0;
	ssize_t n;
	pid_t pid;

	if (pipe(opipe) || pipe(epipe))
		return -1;
	fflush(stdout);
	pid = fork();
	if (pid == 0) {
		dup2(opipe[1], 1);
		dup2(epipe[1], 2);
		close(opipe[0]);
		close(epipe[0]);
		status = fn(arg);
		fflush(stdout);
		_exit(status);
	}
	close(opipe[1]);
	close(epipe[1]);
	if (stop_ms > 0) {
		spm_sleep_ms(stop_ms);
		kill(pid, SIGTERM);
	}
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

static int run(const struct run *r, char *out, size_t outlen, char *errbuf,
	       size_t errlen)
{
	return run_child(loader_child, (void *)r, r->stop_ms, out, outlen,
			 errbuf, errlen);
}

static int run_loader(const char *const *args, char *out, size_t outlen,
		      char *errbuf, size_t errlen)
{
	struct run r = { .args = args };

	return run(&r, out, outlen, errbuf, errlen);
}

/*
 * Did a run exit with @code, print @want_err as its one line on stderr
 * (NULL: nothing) and stdout starting with @want_out (NULL: nothing)?
 */
static void check_run(const char *name, int code, const char *out,
		      const char *err, int want_code, const char *want_err,
		      const char *want_out)
{
	bool err_ok = want_err ? !strncmp(err, "spm-loader: ", 12) &&
				 count_lines(err) == 1 &&
				 strstr(err, want_err) : !err[0];
	bool out_ok = want_out ? !strncmp(out, want_out, strlen(want_out)) :
				 !out[0];

	result(name, code == want_code && err_ok && out_ok,
	       "exit %d (want %d) stderr '%s' stdout '%s'", code, want_code,
	       err, out);
}

struct bin_case {
	const char *name;
	const char *args[8];
	int code;
	const char *err;	/* the one line on stderr; NULL: none */
	const char *out;	/* stdout starts with it; NULL: empty */
	bool needs_no_spm;	/* the host must have no SPM support */
	bool nobody;		/* run without root's privileges */
};

static void run_case(const struct bin_case *c)
{
	static char out[65536], err[65536];
	struct run r = { .args = c->args, .nobody = c->nobody };
	int code;

	code = run(&r, out, sizeof(out), err, sizeof(err));
	if (code == NO_DROP)
		skip(c->name, "cannot become nobody");
	else
		check_run(c->name, code, out, err, c->code, c->err, c->out);
}

#define NO_SPM_JSON \
	"{\"error\":\"this kernel has no SPM support (/sys/kernel/mm/spm missing)\"}\n"

static void test_binary(void)
{
	const struct bin_case cases[] = {
		{ "binary: no command", { NULL }, 2, "no command given" },
		{ "binary: unknown command", { "frob" }, 2,
		  "unknown command 'frob'" },
		{ "binary: unknown option", { "attach", "x.o", "--frob" }, 2,
		  "attach: unknown option '--frob'" },
		{ "binary: missing argument", { "attach", "x.o", "--set" }, 2,
		  "attach: option '--set' needs a value" },
		{ "binary: bad --set", { "attach", "x.o", "--set", "garbage" },
		  2, "attach: --set 'garbage' is not VAR=VALUE" },
		{ "binary: bad --allow, before the object is opened",
		  { "attach", "/nonexistent.bpf.o", "--allow", "garbage" }, 2,
		  "attach: --allow: 'garbage' is not CGROUP=NODES" },
		{ "binary: bad --allow, before the kernel is probed",
		  { "attach", obj_path("one_ops.bpf.o"), "--allow", "/c=2:x" },
		  2, "bad mode 'x'" },
		{ "binary: bad cgroup set, before the kernel is probed",
		  { "cgroup", "set", "/c=a" }, 2, "'a' is not a node list" },
		{ "binary: missing file", { "attach", "/nonexistent.bpf.o" }, 1,
		  "/nonexistent.bpf.o: No such file or directory" },
		{ "binary: not a BPF object", { "attach", "/proc/self/exe" }, 1,
		  "not a BPF object (an ELF file for another machine)" },
		{ "binary: no spm_ops map", { "attach", obj_path("no_ops.bpf.o") },
		  1, "no spm_ops map in " },
		{ "binary: two spm_ops maps",
		  { "attach", obj_path("two_ops.bpf.o"), "--pin" }, 1,
		  "defines 2 spm_ops maps" },
		{ "binary: kernel without struct spm_ops (attach)",
		  { "attach", obj_path("one_ops.bpf.o") }, 1,
		  "this kernel has no struct spm_ops: it is not built with the SPM series and CONFIG_SPM_OPS",
		  NULL, true },
		{ "binary: kernel without SPM (status)", { "status" }, 1,
		  "this kernel has no SPM support", NULL, true },
		{ "binary: kernel without SPM (detach)", { "detach" }, 1,
		  "this kernel has no SPM support", NULL, true },
		{ "binary: kernel without SPM (stats)", { "stats" }, 1,
		  "this kernel has no SPM support", NULL, true },
		{ "binary: kernel without SPM (cgroup list)",
		  { "cgroup", "list" }, 1, "this kernel has no SPM support",
		  NULL, true },
		{ "binary: cgroup without command", { "cgroup" }, 2,
		  "cgroup: missing command" },
		{ "binary: --allow without value", { "attach", "x.o", "--allow" },
		  2, "attach: option '--allow' needs a value" },
		{ "binary: --help is short and points to the man page",
		  { "--help" }, 0, NULL, "Usage: spm-loader [-j] [-v] COMMAND" },
		{ "binary: help attach", { "help", "attach" }, 0, NULL,
		  "Usage: spm-loader attach POLICY.bpf.o" },
		{ "binary: attach --help", { "attach", "--help" }, 0, NULL,
		  "Usage: spm-loader attach POLICY.bpf.o" },
		{ "binary: cgroup list --help", { "cgroup", "list", "--help" }, 0,
		  NULL, "Usage: spm-loader cgroup set" },
		{ "binary: help frob", { "help", "frob" }, 2,
		  "help: unknown command 'frob'" },
		{ "binary: --version", { "--version" }, 0, NULL,
		  "spm-loader " SPM_LOADER_VERSION " (libbpf " },
		/* -j: the error is the one JSON line on stdout */
		{ "binary json: usage error", { "-j", "attach", "x.o", "--frob" },
		  2, NULL,
		  "{\"error\":\"attach: unknown option '--frob' (see 'spm-loader help attach')\"}\n" },
		{ "binary json: a bad global option, -j after the command",
		  { "--frob", "status", "-j" }, 2, NULL,
		  "{\"error\":\"unknown option '--frob' (see 'spm-loader help')\"}\n" },
		{ "binary: a bad global option, then a command",
		  { "-x", "attach", "x.o" }, 2, "unknown option '-x'" },
		{ "binary json: -j after the command",
		  { "attach", "x.o", "--allow=/c", "-j" }, 2, NULL,
		  "{\"error\":\"attach: --allow: '/c' is not CGROUP=NODES[:MODE][:QUOTA]\"}\n" },
		{ "binary json: missing file",
		  { "-j", "attach", "/nonexistent.bpf.o" }, 1, NULL,
		  "{\"error\":\"/nonexistent.bpf.o: No such file or directory\"}\n" },
		{ "binary json: kernel without struct spm_ops",
		  { "attach", "--json", obj_path("one_ops.bpf.o") }, 1, NULL,
		  "{\"error\":\"this kernel has no struct spm_ops: it is not built with the SPM series and CONFIG_SPM_OPS\"}\n",
		  true },
		{ "binary json: status without SPM", { "status", "-j" }, 1, NULL,
		  NO_SPM_JSON, true },
		{ "binary json: detach without SPM", { "-j", "detach" }, 1, NULL,
		  NO_SPM_JSON, true },
		{ "binary json: stats without SPM", { "stats", "--json" }, 1,
		  NULL, NO_SPM_JSON, true },
		{ "binary json: cgroup list without SPM",
		  { "cgroup", "list", "-j" }, 1, NULL, NO_SPM_JSON, true },
		{ "binary json: cgroup rm without SPM",
		  { "-j", "cgroup", "rm", "12" }, 1, NULL, NO_SPM_JSON, true },
		{ "binary json: --version", { "-j", "--version" }, 0, NULL,
		  "{\"version\":\"" SPM_LOADER_VERSION "\",\"libbpf\":\"" },
		{ "binary json: help attach", { "-j", "help", "attach" }, 0,
		  NULL, "{\"usage\":\"Usage: spm-loader attach POLICY.bpf.o" },
		{ "binary json: help attach, -j last", { "help", "attach", "-j" },
		  0, NULL, "{\"usage\":\"Usage: spm-loader attach POLICY.bpf.o" },
		{ "binary json: attach --help, -j after it",
		  { "attach", "--help", "-j" }, 0, NULL,
		  "{\"usage\":\"Usage: spm-loader attach POLICY.bpf.o" },
		{ "binary: attach --help, then a bad option: the usage",
		  { "attach", "--help", "--frob" }, 0, NULL,
		  "Usage: spm-loader attach POLICY.bpf.o" },
		/* the object and --set are checked before the kernel */
		{ "binary: --set of an unknown variable, whatever the kernel",
		  { "attach", obj_path("one_ops.bpf.o"), "--set", "nosuch=1" }, 1,
		  "--set nosuch: unknown variable (settable: v_u8, " },
		{ "binary: --set out of range, whatever the kernel",
		  { "attach", obj_path("one_ops.bpf.o"), "--set", "v_u8=256" }, 1,
		  "--set v_u8=256: 256 is out of range for u8 (0..255)" },
		{ "binary json: --set of a bool, whatever the kernel",
		  { "-j", "attach", obj_path("one_ops.bpf.o"), "--set",
		    "v_bool=yes" }, 1, NULL,
		  "{\"error\":\"--set v_bool=yes: not a bool (true, false, 1, 0)\"}\n" },
		{ "binary: --allow without a cgroup table, whatever the kernel",
		  { "attach", obj_path("one_ops.bpf.o"), "--allow", "/c=2" }, 1,
		  "one_ops.bpf.o: --allow needs a policy with a cgroup table (a map 'cgroup_table'), such as cgroup_spm" },
		{ "binary: a map cgroup_table that is not one",
		  { "attach", obj_path("bad_table.bpf.o") }, 1,
		  "bad_table.bpf.o: map cgroup_table is not a cgroup table (want a hash of __u64 to struct spm_cgroup_entry" },
		{ "binary: a list of reasons needs the kernel's names",
		  { "attach", obj_path("one_ops.bpf.o"), "--set",
		    "allow_reasons=demotion" }, 1,
		  "this kernel has no struct spm_ops", NULL, true },
		/* unprivileged: the same one line as root where root fails */
		{ "binary as nobody: a bad --set is the --set error",
		  { "attach", obj_path("one_ops.bpf.o"), "--set", "nosuch=1" }, 1,
		  "--set nosuch: unknown variable", NULL, false, true },
		{ "binary as nobody: a usage error is one",
		  { "cgroup", "rm" }, 2, "cgroup rm: missing CGROUP or ID", NULL,
		  false, true },
		{ "binary as nobody: detach on a kernel without SPM",
		  { "detach" }, 1, "this kernel has no SPM support", NULL, true,
		  true },
	};
	bool host_spm = !access(SPM_SYSFS_DIR, F_OK);
	bool host_btf = !access("/sys/kernel/btf/vmlinux", F_OK);
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		if (cases[i].needs_no_spm && (host_spm || !host_btf)) {
			skip(cases[i].name, host_spm ?
			     "this host has SPM support" :
			     "this host has no kernel BTF");
			continue;
		}
		run_case(&cases[i]);
	}
}

/*
 * --help: exit 0, nothing on stderr, the general usage exactly as
 * spm_usage() has it, the same as -h and help; short (under 30 lines),
 * every command and the exit codes named, the man page pointed to.
 */
static void test_binary_help_global(void)
{
	static const char * const words[] = {
		"\n  attach POLICY.bpf.o ", "\n  detach ", "\n  status ",
		"\n  stats ", "\n  cgroup set|rm|list ", "\n  help [COMMAND] ",
		"-j, --json", "Exit status: 0 success, 1 failure, 2 usage error",
		"spm-loader(8)",
	};
	static char out[65536], out2[65536], err[4096];
	const char *help[] = { "--help", NULL };
	const char *others[][2] = { { "-h", NULL }, { "help", NULL } };
	char what[128];
	unsigned int i;
	int code;

	code = run_loader(help, out, sizeof(out), err, sizeof(err));
	result("binary: --help exits 0, stderr empty, the general usage",
	       code == 0 && !err[0] && !strcmp(out, spm_usage(SPM_CMD_NONE)),
	       "exit %d stderr '%s' stdout '%s'", code, err, out);
	result("binary: --help is short", count_lines(out) < 30,
	       "%d lines", count_lines(out));
	for (i = 0; i < ARRAY_SIZE(words); i++) {
		snprintf(what, sizeof(what), "binary: --help names '%s'",
			 words[i][0] == '\n' ? words[i] + 3 : words[i]);
		result(what, strstr(out, words[i]) != NULL, "stdout '%s'", out);
	}
	for (i = 0; i < ARRAY_SIZE(others); i++) {
		code = run_loader(others[i], out2, sizeof(out2), err,
				  sizeof(err));
		snprintf(what, sizeof(what), "binary: %s is --help",
			 others[i][0]);
		result(what, code == 0 && !err[0] && !strcmp(out, out2),
		       "exit %d stderr '%s' stdout '%s'", code, err, out2);
	}
}

/* "help attach" and "attach --help" print attach's usage, and only it. */
static void test_binary_help(void)
{
	static char out[65536], out2[65536], err[4096];
	const char *help[] = { "help", "attach", NULL };
	const char *opt[] = { "attach", "--help", NULL };
	int code;

	code = run_loader(help, out, sizeof(out), err, sizeof(err));
	run_loader(opt, out2, sizeof(out2), err, sizeof(err));
	result("binary: help attach is attach's usage only", code == 0 &&
	       !strcmp(out, spm_usage(SPM_CMD_ATTACH)) && !strcmp(out, out2),
	       "exit %d: %s", code, out);
}

/* @o as the one line spm_emit() prints, in @buf. */
static const char *json_line(json_t *o, char *buf, size_t len)
{
	char *d = dump(o);

	snprintf(buf, len, "%s\n", d);
	free(d);
	return buf;
}

/*
 * Every usage error of the argument table, through the binary: exit 2,
 * the parser's message as the one line on stderr, and with -j as
 * {"error": ...} on stdout.
 */
static void test_binary_usage(void)
{
	static char out[65536], err[65536];
	char name[256], msg[SPM_ERRLEN], want[SPM_ERRLEN + 32];
	unsigned int i;
	int code, n;

	for (i = 0; i < ARRAY_SIZE(args_cases); i++) {
		const struct args_case *c = &args_cases[i];
		const char *args[10] = { "-j" };
		char *argv[10] = { "spm-loader" };
		struct spm_args a;

		if (c->cmd != SPM_CMD_NONE)
			continue;
		for (n = 0; c->argv[n]; n++) {
			argv[n + 1] = (char *)c->argv[n];
			args[n + 1] = c->argv[n];
		}
		spm_parse_args(n + 1, argv, &a, msg, sizeof(msg));
		spm_free_args(&a);

		snprintf(name, sizeof(name), "binary usage error: %s",
			 c->name + strlen("args: "));
		code = run_loader(args + 1, out, sizeof(out), err, sizeof(err));
		snprintf(want, sizeof(want), "spm-loader: %s\n", msg);
		result(name, code == 2 && !strcmp(err, want) && !out[0],
		       "exit %d stderr '%s' want '%s' stdout '%s'", code, err,
		       want, out);

		snprintf(name, sizeof(name), "binary usage error json: %s",
			 c->name + strlen("args: "));
		code = run_loader(args, out, sizeof(out), err, sizeof(err));
		json_line(json_pack("{s:s}", "error", msg), want, sizeof(want));
		result(name, code == 2 && !strcmp(out, want) && !err[0],
		       "exit %d stdout '%s' want '%s' stderr '%s'", code, out,
		       want, err);
	}
}

/* ---- commands on a fake sysfs tree, in-process ---- */

/* A file of a fake tree and its text; NULL: no such file. */
struct fake {
	const char *path, *text;
};

/*
 * A fake tree of its own, tmpdir/@name: SPM nodes 2-3, node 0 of system
 * RAM, no policy attached, counters on nodes 0 and 2; @over (ending with
 * a NULL path) replaces or adds files.  Its root.
 */
static const char *fake_tree(const char *name, const struct fake *over)
{
	static const struct fake base[] = {
		{ SPM_SYSFS_DIR "/state", "disabled\n" },
		{ SPM_SYSFS_DIR "/ops", "\n" },
		{ SPM_SYSFS_DIR "/nodes", "2-3\n" },
		{ SPM_SYSFS_DIR "/enable_seq", "0\n" },
		{ SPM_SYSFS_DIR "/nr_ejected", "0\n" },
		{ SPM_SYSFS_DIR "/last_exit", "" },
		{ SPM_NODE_DIR "/has_spm", "2-3\n" },
		{ SPM_NODE_DIR "/has_memory", "0\n" },
		{ SPM_NODE_DIR "/node0/vmstat",
		  "nr_free_pages 9\nspm_admit 0\nspm_deny 0\nspm_fallback 0\n" },
		{ SPM_NODE_DIR "/node2/vmstat",
		  "spm_admit 7\nspm_deny 1\nspm_fallback 2\n" },
	};
	static char root[600];
	char cmd[700], path[1024];
	const struct fake *f;
	unsigned int i;

	snprintf(root, sizeof(root), "%s/%s", tmpdir, name);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", root);
	if (system(cmd))
		return root;
	for (i = 0; i < ARRAY_SIZE(base); i++) {
		for (f = over; f && f->path; f++)
			if (!strcmp(f->path, base[i].path))
				break;
		if (f && f->path)
			continue;
		snprintf(path, sizeof(path), "%s%s", root, base[i].path);
		write_file(path, base[i].text);
	}
	for (f = over; f && f->path; f++) {
		if (!f->text)
			continue;
		snprintf(path, sizeof(path), "%s%s", root, f->path);
		write_file(path, f->text);
	}
	return root;
}

struct cmd_case {
	const char *name;
	const char *args[8];
	struct fake over[4];
	bool nobody;		/* else root: past the privilege check */
	int code;
	const char *err;	/* text: the one line on stderr, NULL none */
	const char *out;	/* text: all of stdout */
	const char *json;	/* -j: all of stdout, stderr empty */
};

/*
 * A command on a fake tree, in text and then with -j (each on a tree of
 * its own): the same exit status; in text the error line or the output,
 * with -j the one object, whichever it is.
 */
static void run_cmd_case(const struct cmd_case *c)
{
	static char out[65536], err[65536];
	const char *args[10] = { "-j" };
	struct run r = { .in_process = true, .nobody = c->nobody };
	char name[256];
	int code, n;

	for (n = 0; c->args[n]; n++)
		args[n + 1] = c->args[n];
	args[n + 1] = NULL;

	r.args = args + 1;
	r.root = fake_tree("cmd", c->over);
	code = run(&r, out, sizeof(out), err, sizeof(err));
	if (code == NO_DROP) {
		skip(c->name, "cannot become nobody");
		return;
	}
	if (c->err) {
		check_run(c->name, code, out, err, c->code, c->err, NULL);
	} else {
		result(c->name, code == c->code && !err[0] &&
		       !strcmp(out, c->out),
		       "exit %d (want %d) stderr '%s' stdout:\n%s", code,
		       c->code, err, out);
	}

	snprintf(name, sizeof(name), "%s, json", c->name);
	r.args = args;
	r.root = fake_tree("cmd", c->over);
	code = run(&r, out, sizeof(out), err, sizeof(err));
	result(name, code == c->code && !err[0] && !strcmp(out, c->json),
	       "exit %d (want %d) stderr '%s' stdout '%s' want '%s'", code,
	       c->code, err, out, c->json);
}

#define NEED_ROOT	"need root (CAP_BPF and CAP_SYS_ADMIN)"
#define NO_TABLE \
	"no policy with a cgroup table attached (nothing at " SPM_CGROUP_PIN ")"
#define JSON_ERR(msg)	"{\"error\":\"" msg "\"}\n"
#define HARD_ON \
	{ SPM_SYSFS_DIR "/state", "enabled\n" }, \
	{ SPM_SYSFS_DIR "/ops", "hard_guardrail\n" }, \
	{ SPM_SYSFS_DIR "/enable_seq", "1\n" }

static void test_commands(void)
{
	static const struct cmd_case cases[] = {
		{ "command: status, as nobody", { "status" }, { HARD_ON }, true,
		  0, NULL,
		  "state: enabled\npolicy: hard_guardrail\nnodes: 2-3\n"
		  "enable_seq: 1\nnr_ejected: 0\nlast_exit: (none)\n"
		  "pinned: (none)\nloader_pid: (none)\n",
		  "{\"state\":\"enabled\",\"policy\":\"hard_guardrail\","
		  "\"nodes\":[2,3],\"enable_seq\":1,\"nr_ejected\":0,"
		  "\"last_exit\":null,\"pinned\":null,\"loader_pid\":null}\n" },
		{ "command: status, no state file", { "status" },
		  { { SPM_SYSFS_DIR "/state", NULL } }, true, 1,
		  "cannot read " SPM_SYSFS_DIR "/state: No such file or directory",
		  NULL,
		  JSON_ERR("cannot read " SPM_SYSFS_DIR "/state: No such file or directory") },
		{ "command: stats, as nobody", { "stats" }, { }, true, 0, NULL,
		  "node spm        admit         deny     fallback\n"
		  "   0  no            0            0            0\n"
		  "   2 yes            7            1            2\n"
		  "   3 yes            -            -            -\n",
		  "{\"nodes\":[{\"node\":0,\"spm\":false,\"admit\":0,\"deny\":0,\"fallback\":0},"
		  "{\"node\":2,\"spm\":true,\"admit\":7,\"deny\":1,\"fallback\":2},"
		  "{\"node\":3,\"spm\":true,\"admit\":null,\"deny\":null,\"fallback\":null}]}\n" },
		{ "command: stats, a bad has_memory", { "stats" },
		  { { SPM_NODE_DIR "/has_memory", "0-x\n" } }, true, 1,
		  SPM_NODE_DIR "/has_memory: '0-x' is not a node list", NULL,
		  JSON_ERR(SPM_NODE_DIR "/has_memory: '0-x' is not a node list (e.g. 2-3,5)") },
		{ "command: detach as nobody", { "detach" }, { HARD_ON }, true, 1,
		  NEED_ROOT, NULL, JSON_ERR(NEED_ROOT) },
		{ "command: cgroup list as nobody", { "cgroup", "list" }, { },
		  true, 1, NEED_ROOT, NULL, JSON_ERR(NEED_ROOT) },
		{ "command: cgroup set as nobody", { "cgroup", "set", "/c=2" },
		  { }, true, 1, NEED_ROOT, NULL, JSON_ERR(NEED_ROOT) },
		{ "command: cgroup rm as nobody", { "cgroup", "rm", "12" }, { },
		  true, 1, NEED_ROOT, NULL, JSON_ERR(NEED_ROOT) },
		{ "command: detach, nothing attached", { "detach" }, { }, false,
		  1, "no policy attached", NULL, JSON_ERR("no policy attached") },
		{ "command: detach, a policy spm-loader did not attach",
		  { "detach" }, { HARD_ON }, false, 1,
		  "policy 'hard_guardrail' is attached, but not by spm-loader (no pin at "
		  SPM_PIN_PATH ", no loader in " SPM_PIDFILE ")", NULL,
		  JSON_ERR("policy 'hard_guardrail' is attached, but not by spm-loader (no pin at "
			   SPM_PIN_PATH ", no loader in " SPM_PIDFILE ")") },
		{ "command: cgroup list, nothing attached", { "cgroup", "list" },
		  { }, false, 1, NO_TABLE, NULL, JSON_ERR(NO_TABLE) },
		{ "command: cgroup list, a policy without a table",
		  { "cgroup", "list" }, { HARD_ON }, false, 1,
		  "policy 'hard_guardrail' has no cgroup table (nothing at "
		  SPM_CGROUP_PIN "): attach one such as cgroup_spm", NULL,
		  JSON_ERR("policy 'hard_guardrail' has no cgroup table (nothing at "
			   SPM_CGROUP_PIN "): attach one such as cgroup_spm") },
		{ "command: cgroup set, a node that is not SPM",
		  { "cgroup", "set", "/nonexistent=1-2" }, { HARD_ON }, false, 1,
		  "cgroup set /nonexistent=1-2: node 1 is not an SPM node (SPM nodes: 2-3)",
		  NULL,
		  JSON_ERR("cgroup set /nonexistent=1-2: node 1 is not an SPM node (SPM nodes: 2-3)") },
		{ "command: cgroup set, no such cgroup",
		  { "cgroup", "set", "/nonexistent/cg=2" }, { HARD_ON }, false, 1,
		  "cgroup set /nonexistent/cg: no such cgroup", NULL,
		  JSON_ERR("cgroup set /nonexistent/cg: no such cgroup") },
		{ "command: cgroup set, not a cgroup",
		  { "cgroup", "set", "/tmp=2" }, { HARD_ON }, false, 1,
		  "cgroup set /tmp: not a cgroup v2 directory", NULL,
		  JSON_ERR("cgroup set /tmp: not a cgroup v2 directory") },
		{ "command: cgroup rm, no such cgroup, before the table",
		  { "cgroup", "rm", "12", "/nonexistent/cg" }, { }, false, 1,
		  "cgroup rm: /nonexistent/cg: no such cgroup", NULL,
		  JSON_ERR("cgroup rm: /nonexistent/cg: no such cgroup") },
		{ "command: cgroup rm, not a cgroup", { "cgroup", "rm", "/tmp" },
		  { }, false, 1, "cgroup rm: /tmp: not a cgroup v2 directory",
		  NULL, JSON_ERR("cgroup rm: /tmp: not a cgroup v2 directory") },
	};
	/* what the host has at the real paths the commands also look at */
	bool host_pins = !access(SPM_PIN_DIR, F_OK);
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		if (!cases[i].nobody && geteuid())
			skip(cases[i].name,
			     "needs root, to get past the privilege check");
		else if (!cases[i].nobody && host_pins)
			skip(cases[i].name, "this host has " SPM_PIN_DIR);
		else
			run_cmd_case(&cases[i]);
	}
}

/* A process that looks like a foreground spm-loader, until a signal. */
static pid_t fake_loader(void)
{
	int p[2];
	pid_t pid;
	char c;

	if (pipe(p))
		return -1;
	fflush(stdout);
	pid = fork();
	if (pid == 0) {
		prctl(PR_SET_NAME, "spm-loader");
		close(p[0]);
		if (write(p[1], "", 1) != 1)
			_exit(1);
		pause();
		_exit(0);
	}
	close(p[1]);
	if (pid > 0 && read(p[0], &c, 1) != 1) {
		kill(pid, SIGKILL);
		waitpid(pid, NULL, 0);
		pid = -1;
	}
	close(p[0]);
	return pid;
}

/* Was @pid killed by SIGTERM within a second?  Reaped either way. */
static bool got_sigterm(pid_t pid)
{
	int ms, st = 0;

	for (ms = 0; ms < 1000; ms += 10) {
		if (waitpid(pid, &st, WNOHANG) == pid)
			return WIFSIGNALED(st) && WTERMSIG(st) == SIGTERM;
		spm_sleep_ms(10);
	}
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
	return false;
}

/*
 * detach of a foreground spm-loader (the pidfile names it): SIGTERM, the
 * state disabled at once (the fake kernel's), "detached"; a pidfile that
 * names a process that is no spm-loader is stale: removed, nothing
 * signalled.
 */
static void test_detach_loader(void)
{
	static char out[4096], err[4096];
	const char *args[] = { "-j", "detach", NULL };
	struct run r = { .in_process = true };
	char pidfile[64], path[1024];
	struct fake over[3] = {
		{ SPM_SYSFS_DIR "/ops", "hard_guardrail\n" },
		{ SPM_PIDFILE, pidfile },
	};
	pid_t pid;
	int json, code;

	if (geteuid()) {
		skip("command: detach a foreground spm-loader",
		     "needs root, to get past the privilege check");
		return;
	}
	if (!access(SPM_PIN_DIR, F_OK)) {
		skip("command: detach a foreground spm-loader",
		     "this host has " SPM_PIN_DIR);
		return;
	}
	for (json = 0; json < 2; json++) {
		pid = fake_loader();
		snprintf(pidfile, sizeof(pidfile), "%d\n", pid);
		r.args = args + !json;
		r.root = fake_tree("detach", over);
		code = run(&r, out, sizeof(out), err, sizeof(err));
		result(json ? "command: detach a foreground spm-loader, json" :
			      "command: detach a foreground spm-loader",
		       pid > 0 && got_sigterm(pid) && code == 0 && !err[0] &&
		       !strcmp(out, json ?
			       "{\"event\":\"detached\",\"policy\":\"hard_guardrail\"}\n" :
			       "spm-loader: policy hard_guardrail detached\n"),
		       "pid %d exit %d stderr '%s' stdout '%s'", pid, code,
		       err, out);
	}

	/* test_loader itself is no spm-loader */
	snprintf(pidfile, sizeof(pidfile), "%d\n", getpid());
	over[0].text = "\n";
	r.args = args + 1;
	r.root = fake_tree("detach", over);
	code = run(&r, out, sizeof(out), err, sizeof(err));
	snprintf(path, sizeof(path), "%s%s", r.root, SPM_PIDFILE);
	result("command: detach, a stale pidfile is removed", code == 1 &&
	       !strcmp(err, "spm-loader: no policy attached\n") &&
	       access(path, F_OK) && errno == ENOENT,
	       "exit %d stderr '%s', %s %s", code, err, path,
	       access(path, F_OK) ? "removed" : "still there");
}

/* stats --watch: a sample a period until SIGTERM, then exit 0. */
static void test_stats_watch(void)
{
	static char out[4096], err[4096];
	const char *args[] = { "-j", "stats", "--watch=0.1", NULL };
	struct run r = { .in_process = true, .stop_ms = 350 };
	const char *line;
	json_t *o, *n;
	int code, nr_ok = 0, nr = 0;
	bool rates = true;

	r.args = args + 1;
	r.root = fake_tree("watch", NULL);
	code = run(&r, out, sizeof(out), err, sizeof(err));
	result("command: stats --watch, until SIGTERM", code == 0 && !err[0] &&
	       strstr(out, ", every 0.1 s (Ctrl-C to stop)\n") &&
	       strstr(out, "admit/s") && strstr(out, "   2 yes            7"),
	       "exit %d stderr '%s' stdout:\n%s", code, err, out);

	r.args = args;
	code = run(&r, out, sizeof(out), err, sizeof(err));
	for (line = out; *line; line = strchr(line, '\n') + 1, nr++) {
		o = json_loads(line, JSON_DISABLE_EOF_CHECK, NULL);
		n = json_array_get(json_object_get(o, "nodes"), 1);
		nr_ok += json_is_integer(json_object_get(o, "time")) &&
			 json_integer_value(json_object_get(n, "admit")) == 7;
		/* the rates of a counter that did not move: 0 */
		if (nr)
			rates &= json_is_real(json_object_get(n, "admit_per_s")) &&
				 json_real_value(json_object_get(n, "admit_per_s")) == 0;
		json_decref(o);
		if (!strchr(line, '\n'))
			break;
	}
	result("command: stats --watch, json: an object a sample",
	       code == 0 && !err[0] && nr >= 2 && nr_ok == nr && rates,
	       "exit %d stderr '%s' %d samples, %d good, rates %d:\n%s", code,
	       err, nr, nr_ok, rates, out);
}

/* ---- cgroup set, rm and list on a real BPF map ---- */

struct table_run {
	int fd;
	enum spm_cgroup_cmd cmd;
	const struct spm_cgroup_req *reqs;
	int nr;
	bool json;
};

static int table_child(void *arg)
{
	const struct table_run *t = arg;

	spm_json = t->json;
	return spm_cgroup_table_cmd(t->fd, t->cmd, t->reqs, t->nr);
}

/* A table command: its exit status, all of stdout, all of stderr. */
static void table_case(const char *name, const struct table_run *t,
		       int want_code, const char *want_out,
		       const char *want_err)
{
	static char out[8192], err[8192];
	int code;

	code = run_child(table_child, (void *)t, 0, out, sizeof(out), err,
			 sizeof(err));
	result(name, code == want_code && !strcmp(out, want_out) &&
	       !strcmp(err, want_err),
	       "exit %d (want %d) stdout '%s' want '%s' stderr '%s' want '%s'",
	       code, want_code, out, want_out, err, want_err);
}

/* A table command that fails with @msg, in text and with -j. */
static void table_error(const char *name, struct table_run *t,
			const char *msg)
{
	char line[SPM_ERRLEN + 32], jname[256];

	t->json = false;
	snprintf(line, sizeof(line), "spm-loader: %s\n", msg);
	table_case(name, t, 1, "", line);
	t->json = true;
	snprintf(jname, sizeof(jname), "%s, json", name);
	json_line(json_pack("{s:s}", "error", msg), line, sizeof(line));
	table_case(jname, t, 1, line, "");
}

/* Cgroup ids no cgroup has: the entries are stale. */
#define CG_A		900000000001ULL
#define CG_A_S		"900000000001"
#define CG_B		900000000002ULL
#define CG_B_S		"900000000002"

#define NO_ENTRY_A \
	"cgroup rm: stale (id " CG_A_S ") has no entry in the cgroup table"
#define LIST_B \
	"{\"cgroups\":[{\"id\":" CG_B_S ",\"path\":null,\"nodes\":" \
	"[{\"node\":3,\"mode\":\"spill\",\"quota\":67108864,\"used\":null}]}]}\n"

/*
 * spm_cgroup_table_cmd() on a BPF map of two entries at the most, in text
 * and JSON: set, a full table, rm by id and by path, rm of an entry that
 * is not there alone and with one that is, list.
 */
static void test_cgroup_table_cmds(void)
{
	struct spm_cgroup_req reqs[3] = {
		{ .id = CG_A, .path = "/c/a", .entry = { .nodes = 0x4 } },
		{ .id = CG_B, .path = "/c/b",
		  .entry = { .nodes = 0x8, .spill_nodes = 0x8 } },
		{ .id = 7, .path = "/c/c", .entry = { .nodes = 0x4 } },
	};
	struct spm_cgroup_req rm[2] = { { .id = CG_A }, reqs[1] };
	struct table_run t = { .cmd = SPM_CGROUP_SET, .reqs = reqs, .nr = 2 };
	struct spm_cgroup_entry e;
	char err[SPM_ERRLEN];
	int arr, ret, json;
	uint64_t id = CG_B;

	t.fd = bpf_map_create(BPF_MAP_TYPE_HASH, "cgroup_table", sizeof(__u64),
			      sizeof(struct spm_cgroup_entry), 2, NULL);
	if (t.fd < 0) {
		skip("cgroup table: commands on a BPF map",
		     errno == EPERM ? "creating a BPF map needs CAP_BPF" :
		     strerror(errno));
		return;
	}
	reqs[1].entry.quota_pages[3] = 16384;
	rm[1].entry.quota_pages[3] = 16384;

	ret = spm_cgroup_table_check(t.fd, err, sizeof(err));
	result("cgroup table: a hash of cgroup entries is one", !ret, "%s", err);
	arr = bpf_map_create(BPF_MAP_TYPE_ARRAY, "not_a_table", 4, 8, 1, NULL);
	ret = spm_cgroup_table_check(arr, err, sizeof(err));
	result("cgroup table: an array is none", ret && !strcmp(err,
	       "map not_a_table is not a cgroup table (type 2, key 4 bytes, value 8 bytes; want a hash of __u64 to struct spm_cgroup_entry, 528 bytes)"),
	       "ret %d '%s'", ret, err);
	close(arr);

	table_case("cgroup set: two entries", &t, 0,
		   "spm-loader: cgroup /c/a (id " CG_A_S "): node 2 explicit\n"
		   "spm-loader: cgroup /c/b (id " CG_B_S "): node 3 spill quota 64M\n",
		   "");
	t.json = true;
	table_case("cgroup set: two entries, json", &t, 0,
		   "{\"set\":[{\"id\":" CG_A_S ",\"path\":\"/c/a\",\"nodes\":[{\"node\":2,\"mode\":\"explicit\",\"quota\":null}]},"
		   "{\"id\":" CG_B_S ",\"path\":\"/c/b\",\"nodes\":[{\"node\":3,\"mode\":\"spill\",\"quota\":67108864}]}]}\n",
		   "");
	result("cgroup set: the entries are in the map",
	       !bpf_map_lookup_elem(t.fd, &id, &e) && e.nodes == 0x8 &&
	       e.spill_nodes == 0x8 && e.quota_pages[3] == 16384,
	       "lookup: %s", strerror(errno));
	t.reqs = reqs + 2;
	t.nr = 1;
	table_error("cgroup set: the table is full", &t,
		    "cgroup set: cannot set the entry of /c/c in the cgroup table: the table is full");

	t.cmd = SPM_CGROUP_RM;
	t.reqs = rm;
	for (json = 0; json < 2; json++) {
		t.json = json;
		bpf_map_update_elem(t.fd, &rm[0].id, &reqs[0].entry, BPF_ANY);
		table_case(json ? "cgroup rm: a stale entry, by id, json" :
				  "cgroup rm: a stale entry, by id", &t, 0,
			   json ? "{\"removed\":[{\"id\":" CG_A_S ",\"path\":null}]}\n" :
				  "spm-loader: cgroup stale (id " CG_A_S ") removed\n",
			   "");
		result(json ? "cgroup rm: the entry is gone, json" :
			      "cgroup rm: the entry is gone",
		       bpf_map_lookup_elem(t.fd, &rm[0].id, &e) &&
		       errno == ENOENT, "lookup: %s", strerror(errno));
	}
	table_error("cgroup rm: no entry", &t, NO_ENTRY_A);

	/* list: B, quota in bytes, nothing known of what it uses */
	t.cmd = SPM_CGROUP_LIST;
	t.json = false;
	table_case("cgroup list", &t, 0,
		   "CGROUP                                   NODE MODE        QUOTA     USED\n"
		   "stale (id " CG_B_S ")                     3 spill         64M        -\n",
		   "");
	t.json = true;
	table_case("cgroup list, json", &t, 0, LIST_B, "");

	/* rm A (not there) and B by its path: B removed, A's error, exit 1 */
	t.cmd = SPM_CGROUP_RM;
	t.nr = 2;
	for (json = 0; json < 2; json++) {
		t.json = json;
		bpf_map_update_elem(t.fd, &rm[1].id, &rm[1].entry, BPF_ANY);
		table_case(json ? "cgroup rm: one of two has no entry, json" :
				  "cgroup rm: one of two has no entry", &t, 1,
			   json ? JSON_ERR(NO_ENTRY_A)
				  "{\"removed\":[{\"id\":" CG_B_S ",\"path\":\"/c/b\"}]}\n" :
				  "spm-loader: cgroup /c/b (id " CG_B_S ") removed\n",
			   json ? "" : "spm-loader: " NO_ENTRY_A "\n");
	}
	close(t.fd);
}

/* ---- the fuzz corpus, through the harnesses (tests/fuzz/) ---- */

int fuzz_nodelist_one(const uint8_t *data, size_t size);
int fuzz_size_one(const uint8_t *data, size_t size);
int fuzz_set_one(const uint8_t *data, size_t size);
int fuzz_allow_one(const uint8_t *data, size_t size);
int fuzz_args_one(const uint8_t *data, size_t size);

static const struct {
	const char *name;
	int (*one)(const uint8_t *data, size_t size);
} fuzzers[] = {
	{ "nodelist", fuzz_nodelist_one },
	{ "size", fuzz_size_one },
	{ "set", fuzz_set_one },
	{ "allow", fuzz_allow_one },
	{ "args", fuzz_args_one },
};

/* Run one input in a child: a crash or an abort() fails the test. */
static void fuzz_input(const char *name, int (*one)(const uint8_t *, size_t),
		       const char *path)
{
	static uint8_t data[65536];
	char test[512];
	ssize_t n = -1;
	int fd, status;
	pid_t pid;

	snprintf(test, sizeof(test), "fuzz corpus: %s/%s", name,
		 strrchr(path, '/') + 1);
	fd = open(path, O_RDONLY);
	if (fd >= 0) {
		n = read(fd, data, sizeof(data));
		close(fd);
	}
	if (n < 0) {
		result(test, false, "cannot read %s", path);
		return;
	}
	fflush(stdout);
	pid = fork();
	if (pid == 0)
		_exit(one(data, n));
	result(test, pid > 0 && waitpid(pid, &status, 0) == pid &&
	       WIFEXITED(status) && !WEXITSTATUS(status),
	       "the harness crashed on it (status %#x)", status);
}

static void test_fuzz_corpus(const char *srcdir)
{
	struct dirent **names;
	char dir[512], path[1024];
	unsigned int i;
	int n, j;

	for (i = 0; i < ARRAY_SIZE(fuzzers); i++) {
		snprintf(dir, sizeof(dir), "%s/tests/fuzz-corpus/%s", srcdir,
			 fuzzers[i].name);
		n = scandir(dir, &names, NULL, alphasort);
		if (n <= 2) {
			result(fuzzers[i].name, false, "no corpus in %s", dir);
			continue;
		}
		for (j = 0; j < n; j++) {
			if (names[j]->d_name[0] != '.') {
				snprintf(path, sizeof(path), "%s/%s", dir,
					 names[j]->d_name);
				fuzz_input(fuzzers[i].name, fuzzers[i].one,
					   path);
			}
			free(names[j]);
		}
		free(names);
	}
}

/* ---- the man page and the systemd unit ---- */

/* Run @cmd with sh; its output (both streams) in @out; exit status. */
static int run_sh(const char *cmd, char *out, size_t len)
{
	size_t o = 0, n;
	FILE *f;
	int st;

	f = popen(cmd, "r");
	if (!f)
		return -1;
	while (o < len - 1 && (n = fread(out + o, 1, len - 1 - o, f)) > 0)
		o += n;
	out[o] = '\0';
	st = pclose(f);
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

static void test_man(const char *srcdir)
{
	static const char * const words[] = {
		"attach", "detach", "status", "stats", "cgroup set",
		"cgroup rm", "cgroup list", "\\-\\-pin", "\\-\\-set",
		"\\-\\-allow", "\\-\\-watch", "\\-\\-json",
		"\\-\\-verbose", "\\-\\-version", "EXIT STATUS", "EXIT:",
		"_nodes", "_reasons", "spm-policy@.service",
		/* every JSON field */
		"error", "event", "attached", "detached", "ejected",
		"stale_pin_removed", "pin", "policy", "pinned", "cgroups",
		"last_exit", "seq", "kind", "reason", "code", "message", "state",
		"nodes", "enable_seq", "nr_ejected", "loader_pid", "node",
		"spm", "admit", "deny", "fallback", "admit_per_s",
		"deny_per_s", "fallback_per_s", "time", "removed", "set", "id",
		"path", "mode", "quota", "used", "version", "libbpf", "usage",
		NULL,
	};
	char cmd[1024], out[65536], *text;
	const char *m;
	int code;

	snprintf(cmd, sizeof(cmd), "groff -man -ww -z '%s/spm-loader.8' 2>&1",
		 srcdir);
	code = run_sh(cmd, out, sizeof(out));
	result("man page: groff -ww finds nothing", code == 0 && !out[0],
	       "exit %d: %s", code, out);
	snprintf(cmd, sizeof(cmd), "cat '%s/spm-loader.8'", srcdir);
	run_sh(cmd, out, sizeof(out));
	text = strdup(out);
	m = missing_word(text, words);
	result("man page: every command, option and JSON field", !m,
	       "'%s' missing", m);
	free(text);
}

/*
 * The unit's settings that decide when the policy is attached again, each
 * as spm-loader(8) names it: the man page cannot tell another story.
 */
static void test_unit_documented(const char *srcdir)
{
	static const char * const keys[] = {
		"ConditionPathExists", "Restart", "RestartSec",
		"StartLimitIntervalSec", "StartLimitBurst",
		"RestartPreventExitStatus",
	};
	char path[600], line[256], want[512], man[65536], what[300];
	unsigned int i, found = 0;
	size_t k, o;
	FILE *f;

	snprintf(path, sizeof(path), "cat '%s/spm-loader.8'", srcdir);
	run_sh(path, man, sizeof(man));
	snprintf(path, sizeof(path), "%s/spm-policy@.service.in", srcdir);
	f = fopen(path, "re");
	if (!f) {
		result("unit: its restart settings in the man page", false,
		       "cannot read %s", path);
		return;
	}
	while (fgets(line, sizeof(line), f)) {
		line[strcspn(line, "\n")] = '\0';
		for (i = 0; i < ARRAY_SIZE(keys); i++) {
			k = strlen(keys[i]);
			if (strncmp(line, keys[i], k) || line[k] != '=')
				continue;
			/* roff: a hyphen is \- */
			for (o = 0, k = 0; line[k] && o < sizeof(want) - 3; k++) {
				if (line[k] == '-')
					want[o++] = '\\';
				want[o++] = line[k];
			}
			want[o] = '\0';
			snprintf(what, sizeof(what), "unit: %s in the man page",
				 line);
			result(what, strstr(man, want) != NULL, "no '%s'", want);
			found++;
		}
	}
	fclose(f);
	result("unit: every restart setting there", found == ARRAY_SIZE(keys),
	       "%u of %zu found in %s", found, ARRAY_SIZE(keys), path);
}

/*
 * systemd-analyze verify of the unit (with this tree's paths, as "make
 * test" wrote it) as the instance spm-policy@hard_guardrail, and of a
 * broken copy, which it must refuse.
 */
static void test_unit(const char *srcdir)
{
	char dir[600], cmd[4096], out[16384];
	int code;

	if (system("command -v systemd-analyze >/dev/null 2>&1")) {
		skip("unit: systemd-analyze verify",
		     "no systemd-analyze (Debian package systemd)");
		return;
	}
	snprintf(dir, sizeof(dir), "%s/unit", tmpdir);
	snprintf(cmd, sizeof(cmd),
		 "mkdir -p %s/man/man8 && cd %s && "
		 "cp '%s/spm-policy@.service' . && "
		 "ln -sf spm-policy@.service spm-policy@hard_guardrail.service && "
		 "ln -sf '%s/spm-loader.8' man/man8/ && "
		 "MANPATH=%s/man systemd-analyze verify "
		 "./spm-policy@hard_guardrail.service 2>&1",
		 dir, dir, objdir_parent, srcdir, dir);
	code = run_sh(cmd, out, sizeof(out));
	result("unit: systemd-analyze verify spm-policy@hard_guardrail.service",
	       code == 0 && !out[0], "exit %d: %s", code, out);

	snprintf(cmd, sizeof(cmd),
		 "cd %s && sed -i 's|^ExecStart=[^ ]*|ExecStart=/nonexistent/spm-loader|' spm-policy@.service && "
		 "MANPATH=%s/man systemd-analyze verify "
		 "./spm-policy@hard_guardrail.service 2>&1", dir, dir);
	code = run_sh(cmd, out, sizeof(out));
	result("unit: systemd-analyze verify refuses a broken unit",
	       code != 0 && strstr(out, "/nonexistent/spm-loader"),
	       "exit %d: %s", code, out);
}

/*
 * make install DESTDIR=... PREFIX=/usr, as a package build runs it: the
 * loader (it runs), its man page, the unit naming the installed loader,
 * policies and configuration, the policies that were built.
 */
static void test_install(const char *srcdir)
{
	char build[600], dest[600], cmd[2048], out[8192];
	const char *unit;
	int code;

	snprintf(build, sizeof(build), "%s", objdir_parent);
	*strrchr(build, '/') = '\0';
	snprintf(dest, sizeof(dest), "%s/destdir", tmpdir);
	snprintf(cmd, sizeof(cmd),
		 "make -s -C '%s' install DESTDIR='%s' PREFIX=/usr BUILD='%s' 2>&1",
		 srcdir, dest, build);
	code = run_sh(cmd, out, sizeof(out));
	result("install: make install DESTDIR= PREFIX=/usr", code == 0,
	       "exit %d: %s", code, out);
	if (code)
		return;

	snprintf(cmd, sizeof(cmd), "'%s/usr/sbin/spm-loader' --version 2>&1",
		 dest);
	code = run_sh(cmd, out, sizeof(out));
	result("install: /usr/sbin/spm-loader runs", code == 0 &&
	       !strncmp(out, "spm-loader " SPM_LOADER_VERSION " ", 15),
	       "exit %d: %s", code, out);
	snprintf(cmd, sizeof(cmd),
		 "cmp '%s/spm-loader.8' '%s/usr/share/man/man8/spm-loader.8' 2>&1",
		 srcdir, dest);
	code = run_sh(cmd, out, sizeof(out));
	result("install: the man page in /usr/share/man/man8", code == 0,
	       "%s", out);

	snprintf(cmd, sizeof(cmd),
		 "cat '%s/usr/lib/systemd/system/spm-policy@.service' 2>&1",
		 dest);
	code = run_sh(cmd, out, sizeof(out));
	unit = out;
	result("install: the unit names the installed paths", code == 0 &&
	       strstr(unit, "\nExecStart=/usr/sbin/spm-loader attach /usr/lib/spm/policies/%i.bpf.o $SPM_LOADER_ARGS\n") &&
	       strstr(unit, "\nEnvironmentFile=-/etc/spm/%i.conf\n") &&
	       !strstr(unit, "@SBINDIR@") && !strstr(unit, "@POLICYDIR@") &&
	       !strstr(unit, "@SYSCONFDIR@"), "exit %d: %s", code, unit);

	/* every policy built is installed, as built */
	snprintf(cmd, sizeof(cmd),
		 "cd '%s/policies' 2>/dev/null || exit 3; n=0; "
		 "for f in *.bpf.o; do [ -e \"$f\" ] || exit 3; n=$((n + 1)); "
		 "cmp \"$f\" '%s/usr/lib/spm/policies/'\"$f\" || exit 1; done; "
		 "echo $n", build, dest);
	code = run_sh(cmd, out, sizeof(out));
	if (code == 3)
		skip("install: the policies in /usr/lib/spm/policies",
		     "no policy built (make -C bpf policies)");
	else
		result("install: the policies in /usr/lib/spm/policies",
		       code == 0 && atoi(out) > 0, "exit %d: %s", code, out);
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
	if (argc != 4) {
		fprintf(stderr, "usage: %s SPM_LOADER OBJDIR SRCDIR\n",
			argv[0]);
		return 2;
	}
	loader_bin = argv[1];
	objdir = argv[2];
	objdir_parent = dirname(realpath(objdir, NULL));
	setvbuf(stdout, NULL, _IOLBF, 0);
	libbpf_set_print(quiet_print);
	/* readable by nobody, for the commands run without privileges */
	if (!mkdtemp(tmpdir) || chmod(tmpdir, 0755)) {
		perror(tmpdir);
		return 2;
	}

	test_args_table();
	test_args_attach();
	test_args_flags();
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
	test_flags_uei();
	test_exit_codes();
	test_kernel_btf();
	test_attach_errors();
	test_verifier_reason();
	test_load_error();
	test_cgroup_json();
	test_attach_json();
	test_status();
	test_read_key();
	test_stats();
	test_cgroup_resolve();
	test_binary();
	test_binary_usage();
	test_binary_help_global();
	test_binary_help();
	test_commands();
	test_detach_loader();
	test_stats_watch();
	test_cgroup_table_cmds();
	test_fuzz_corpus(argv[3]);
	test_man(argv[3]);
	test_unit_documented(argv[3]);
	test_unit(argv[3]);
	test_install(argv[3]);

	cleanup();
	printf("%d passed, %d failed, %d skipped\n", nr_pass, nr_fail,
	       nr_skip);
	return nr_fail ? 1 : 0;
}
