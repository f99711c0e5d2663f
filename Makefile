# spm_ops: Specific Purpose Memory nodes for Linux 6.12, with BPF policies.
#
#   make deps     install the build and test dependencies (Debian packages)
#   make kernel   build the patched guest kernel (VANILLA=1: without the series)
#   make test     build everything, boot the guest and run every test suite
#   make test-debug  the guest suites on a debug kernel (KASAN, lockdep,
#                 kmemleak: kernel-patches/debug.config), build/kbuild-debug
#   make demo     boot the guest and print where allocations land
#   make bench    what the series costs, side by side with vanilla 6.12
#                 (ROUNDS=5 REPS=1): build/bench/report.md and report.svg
#   make check    checkpatch --strict over kernel-patches/
#   make check-configs  the series builds in each configuration of
#                 kernel-patches/configs/ (mm/, kernel/, drivers/base/)
#   make check-each  every patch of the series builds on its own
#   make install  spm-loader, its man page, the policies and the systemd
#                 unit spm-policy@.service (PREFIX=/usr/local, DESTDIR)
#   make clean    remove build outputs except the kernel trees

BUILD    := $(CURDIR)/build
KSRC     := $(BUILD)/linux
KBUILD   := $(BUILD)/kbuild
SELFTESTS_OUT := $(BUILD)/selftests
# The BPF objects need a vmlinux.h with struct spm_ops: the series' kernel.
SPM_KBUILD := $(KBUILD)
ifeq ($(VANILLA),1)
KSRC     := $(BUILD)/linux-vanilla
KBUILD   := $(BUILD)/kbuild-vanilla
SELFTESTS_OUT := $(BUILD)/selftests-vanilla
endif
SELFTESTS := $(MAKE) -s -C selftests KSRC=$(KSRC) KBUILD=$(KBUILD) \
	     BPF_KBUILD=$(SPM_KBUILD) OUT=$(SELFTESTS_OUT)

.PHONY: all deps kernel test test-debug demo bench check check-configs check-each install clean

all: kernel

deps:
	@./selftests/vm/install-deps.sh

kernel: deps
	@./kernel-patches/build-kernel.sh
ifeq ($(VANILLA),1)
	@./kernel-patches/build-kernel.sh --vanilla
endif

# Every suite, then one line summing them.  The policies first: the host
# suite installs them (make install).
test: kernel
	@./selftests/vm/run-suites.sh \
		"spm-loader (host)" "$(MAKE) -s -C bpf policies && $(MAKE) -s -C loader test" \
		"guest" "$(SELFTESTS) run" \
		"guest, 70 nodes" "$(SELFTESTS) run-wide" \
		"guest, hot-add" "$(SELFTESTS) run-hotplug"

demo: kernel
	@$(SELFTESTS) demo

# The guest suites on the debug kernel (the main guest's and the hot-add
# guest's): a splat (KASAN, lockdep, kmemleak, DEBUG_LIST, ...) fails
# them.  Everything runs several times slower there.
DEBUG_SELFTESTS := $(MAKE) -s -C selftests KSRC=$(KSRC) KBUILD=$(BUILD)/kbuild-debug \
		   BPF_KBUILD=$(SPM_KBUILD) OUT=$(BUILD)/selftests-debug
test-debug: kernel
	@./kernel-patches/build-kernel.sh --debug
	@./selftests/vm/run-suites.sh \
		"guest, debug kernel" "$(DEBUG_SELFTESTS) TIMEOUT=5400 ARGS='-v -T 1800' APPEND=SPM_STRESS_CYCLES=200 run" \
		"guest, hot-add, debug kernel" "$(DEBUG_SELFTESTS) TIMEOUT=2400 ARGS='-v -T 1200' run-hotplug"

# The benchmark's kernels (no debug checks), with and without the series,
# each with its initramfs; the BPF objects are built against the test
# kernel's vmlinux.h, as for make test.
BENCH_OUT := $(BUILD)/bench
bench: kernel
	@./kernel-patches/build-kernel.sh --bench
	@./kernel-patches/build-kernel.sh --vanilla --bench
	@$(MAKE) -s -C selftests KSRC=$(BUILD)/linux KBUILD=$(BUILD)/kbuild-bench \
		BPF_KBUILD=$(SPM_KBUILD) OUT=$(BENCH_OUT)/patched
	@$(MAKE) -s -C selftests KSRC=$(BUILD)/linux-vanilla \
		KBUILD=$(BUILD)/kbuild-vanilla-bench BPF_KBUILD=$(SPM_KBUILD) \
		OUT=$(BENCH_OUT)/vanilla
	@./selftests/vm/bench.sh --out $(BENCH_OUT) $(if $(ROUNDS),--rounds $(ROUNDS)) \
		$(if $(REPS),--reps $(REPS))

# From kernel-patches/: at the top of a git tree checkpatch would read a
# tracked .patch file as a source file (git_is_single_file).
# The policies need the series' vmlinux.h: "make kernel" first.
install:
	@$(MAKE) -s -C bpf policies
	@$(MAKE) -s -C loader install

check:
	@cd kernel-patches && $(KSRC)/scripts/checkpatch.pl --strict --no-tree \
		--terse $$(grep -v '^#' series) && \
		echo "  CHECK   checkpatch --strict: no findings"

# Configurations users have, each compiled where the series lives, -Werror;
# build/check-configs/VARIANT.log (VARIANTS="memcg-n distro": only those).
# Needs build/linux ("make kernel").
check-configs:
	@./kernel-patches/check-configs.sh $(VARIANTS)

# Every patch of the series builds on its own: applied one at a time,
# each built in the spm configuration (or VARIANTS).
check-each:
	@./kernel-patches/check-configs.sh --each $(VARIANTS)

clean:
	@$(MAKE) -s -C selftests clean
