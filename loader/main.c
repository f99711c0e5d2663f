// SPDX-License-Identifier: GPL-2.0
/*
 * spm-loader: attach, detach and inspect struct spm_ops BPF policies.
 *
 * The commands, their handlers and the global options; see spm-loader(8).
 */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include <bpf/libbpf.h>

#include "spm-loader.h"

static int cmd_help(const struct spm_args *a)
{
	if (spm_json)
		spm_emit(json_pack("{s:s}", "usage", spm_usage(a->help_cmd)));
	else
		fputs(spm_usage(a->help_cmd), stdout);
	return SPM_EXIT_OK;
}

static int cmd_version(const struct spm_args *a)
{
	char libbpf[32];

	snprintf(libbpf, sizeof(libbpf), "%u.%u", libbpf_major_version(),
		 libbpf_minor_version());
	if (spm_json)
		spm_emit(json_pack("{s:s, s:s}", "version", SPM_LOADER_VERSION,
				   "libbpf", libbpf));
	else
		printf("spm-loader %s (libbpf %s)\n", SPM_LOADER_VERSION,
		       libbpf);
	return SPM_EXIT_OK;
}

static int (* const commands[SPM_NR_CMDS])(const struct spm_args *a) = {
	[SPM_CMD_HELP]		= cmd_help,
	[SPM_CMD_VERSION]	= cmd_version,
	[SPM_CMD_ATTACH]	= spm_cmd_attach,
	[SPM_CMD_DETACH]	= spm_cmd_detach,
	[SPM_CMD_STATUS]	= spm_cmd_status,
	[SPM_CMD_STATS]		= spm_cmd_stats,
	[SPM_CMD_CGROUP]	= spm_cmd_cgroup,
};

/* libbpf's own log, for -v; without it the errors say what matters. */
static int libbpf_print(enum libbpf_print_level level, const char *fmt,
			va_list ap)
{
	return spm_verbose ? vfprintf(stderr, fmt, ap) : 0;
}

int main(int argc, char **argv)
{
	struct spm_args args;
	char err[SPM_ERRLEN];
	int ret;

	setvbuf(stdout, NULL, _IOLBF, 0);
	libbpf_set_print(libbpf_print);

	ret = spm_parse_args(argc, argv, &args, err, sizeof(err));
	spm_json = args.json;
	spm_verbose = args.verbose;
	if (ret) {
		spm_err("%s", err);
		ret = SPM_EXIT_USAGE;
	} else {
		ret = commands[args.cmd](&args);
	}
	spm_free_args(&args);
	return ret;
}
