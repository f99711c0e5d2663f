// SPDX-License-Identifier: GPL-2.0
/*
 * The tests' helper library: cgroup v2 and slab files.  See testlib.h.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "testlib.h"

static bool memory_enabled;

int make_cgroup(const char *rel)
{
	char path[256], *slash, ctl[256];
	int r;

	if (spm_read_str(CGROUP_ROOT "/cgroup.subtree_control", ctl,
		      sizeof(ctl)) >= 0 && !strstr(ctl, "memory"))
		memory_enabled = true;
	r = write_file(CGROUP_ROOT "/cgroup.subtree_control", "+memory +cpuset");
	CHECK(!r, "enable the memory and cpuset controllers: %s", strerror(-r));
	snprintf(path, sizeof(path), CGROUP_ROOT "/%s", rel);
	/* the parents first */
	for (slash = strchr(path + strlen(CGROUP_ROOT) + 1, '/'); slash;
	     slash = strchr(slash + 1, '/')) {
		*slash = '\0';
		r = mkdir(path, 0755) && errno != EEXIST ? -errno : 0;
		*slash = '/';
		CHECK(!r, "mkdir %.*s: %s", (int)(slash - path), path,
		      strerror(-r));
	}
	CHECK(!mkdir(path, 0755) || errno == EEXIST, "mkdir %s: %s", path,
	      strerror(errno));
	return PASS;
}

/* Depth first: children before their parent. */
static void remove_cgroup_dir(const char *path)
{
	char sub[512], buf[64];
	struct dirent *de;
	int tries;
	DIR *d;

	d = opendir(path);
	if (!d)
		return;
	while ((de = readdir(d))) {
		if (de->d_type != DT_DIR || de->d_name[0] == '.')
			continue;
		snprintf(sub, sizeof(sub), "%s/%s", path, de->d_name);
		remove_cgroup_dir(sub);
	}
	closedir(d);
	snprintf(sub, sizeof(sub), "%s/cgroup.kill", path);
	write_file(sub, "1");
	snprintf(sub, sizeof(sub), "%s/cgroup.events", path);
	for (tries = 0; tries < 500; tries++) {
		if (spm_read_str(sub, buf, sizeof(buf)) < 0 ||
		    strstr(buf, "populated 0"))
			break;
		usleep(10000);
	}
	rmdir(path);
}

void remove_cgroup(const char *rel)
{
	char path[256];

	snprintf(path, sizeof(path), CGROUP_ROOT "/%s", rel);
	remove_cgroup_dir(path);
}

void restore_cgroup_controllers(void)
{
	if (memory_enabled &&
	    !write_file(CGROUP_ROOT "/cgroup.subtree_control", "-memory"))
		memory_enabled = false;
}

unsigned long long cgroup_id(const char *rel)
{
	char path[256];
	struct stat st;

	snprintf(path, sizeof(path), CGROUP_ROOT "/%s", rel);
	return stat(path, &st) ? 0 : st.st_ino;
}

struct child_report {
	int kind;
	char reason[512];
};

int in_cgroup(const char *rel, int (*fn)(void *arg), void *arg)
{
	struct child_report *rep;
	char path[256], pid[32];
	int st, kind;
	pid_t child;

	rep = mmap(NULL, sizeof(*rep), PROT_READ | PROT_WRITE,
		   MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	CHECK(rep != MAP_FAILED, "mmap: %s", strerror(errno));
	rep->kind = -1;
	fflush(stdout);
	child = fork();
	CHECK(child >= 0, "fork: %s", strerror(errno));
	if (!child) {
		int r = PASS;

		if (rel) {
			snprintf(path, sizeof(path),
				 CGROUP_ROOT "/%s/cgroup.procs", rel);
			snprintf(pid, sizeof(pid), "%d", getpid());
			r = write_file(path, pid);
			if (r)
				r = fail("move into %s: %s", path,
					 strerror(-r));
		}
		if (r == PASS)
			r = fn(arg);
		snprintf(rep->reason, sizeof(rep->reason), "%s",
			 test_reason());
		rep->kind = r;
		fflush(stdout);
		_exit(0);
	}
	waitpid(child, &st, 0);
	kind = rep->kind;
	if (kind == PASS) {
		munmap(rep, sizeof(*rep));
		return PASS;
	}
	if (kind == FAIL || kind == SKIP)
		(kind == FAIL ? fail : skip)("in %s: %s", rel ? rel : "a child",
					     rep->reason);
	else if (WIFSIGNALED(st))
		kind = fail("in %s: the child was killed by signal %d (%s)",
			    rel ? rel : "a child", WTERMSIG(st),
			    strsignal(WTERMSIG(st)));
	else
		kind = fail("in %s: the child exited (%d) without a result",
			    rel ? rel : "a child", WEXITSTATUS(st));
	munmap(rep, sizeof(*rep));
	return kind;
}

int create_files(const char *dir, int n)
{
	char path[PATH_MAX];
	int i, fd;

	if (mkdir(dir, 0700))
		return -errno;
	for (i = 0; i < n; i++) {
		snprintf(path, sizeof(path), "%s/f%d", dir, i);
		fd = open(path, O_CREAT | O_WRONLY, 0600);
		if (fd < 0)
			return -errno;
		close(fd);
	}
	return 0;
}

void remove_files(const char *dir, int n)
{
	char path[PATH_MAX];
	int i;

	for (i = 0; i < n; i++) {
		snprintf(path, sizeof(path), "%s/f%d", dir, i);
		unlink(path);
	}
	rmdir(dir);
}

