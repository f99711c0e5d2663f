#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# make bench: boot each configuration under QEMU -icount and run
# spm_bench in it, round after round, then write the report.
#
#   bench.sh [--rounds N] [--reps N] [--out DIR] [--patched KBUILD]
#            [--initrds DIR]
#
# Kernels (built by make bench): build/kbuild-bench (the series) and
# build/kbuild-vanilla-bench (the same configuration without it), with their
# initramfs in build/bench/patched and build/bench/vanilla.  --patched
# and --initrds point elsewhere, to measure a kernel being worked on.  Configurations, one boot each per
# round, in this order every round:
#
#   vanilla       Linux 6.12, nodes 2-3 CPU-less
#   nospm         the series, no spm_nodes=
#   spm           the series, spm_nodes=2-3; in the guest: no policy, then
#                 hard_guardrail, soft_guardrail, cgroup_spm attached
#   vanilla-n8, spm-n8, vanilla-n32, spm-n32
#                 8 and 32 CPU-less nodes (all SPM in spm-nN): the
#                 in-kernel allocation figures only
#
# Under -icount shift=0,sleep=off the guest clock advances 1 ns per guest
# instruction: the figures are instruction counts, whatever the host does.
# The guests boot with norandmaps: where a mapping lands must not change
# from boot to boot (whether mbind() splits and merges it with a neighbour
# doubled its cost in some rounds).
# The raw lines go to DIR/raw/CONFIG.rN, the report to DIR/report.md and
# DIR/report.svg (bench-report.py).
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
out=$top/build/bench
rounds=5
reps=1
patched_kbuild=$top/build/kbuild-bench
initrds=$top/build/bench

while [ $# -gt 0 ]; do
	case "$1" in
	--rounds) rounds=${2:?}; shift 2 ;;
	--reps) reps=${2:?}; shift 2 ;;
	--out) out=${2:?}; shift 2 ;;
	--patched) patched_kbuild=${2:?}; shift 2 ;;
	--initrds) initrds=${2:?}; shift 2 ;;
	*) echo "bench.sh: unknown argument '$1' (see the comment at the top of $0)" >&2
	   exit 2 ;;
	esac
done
for n in "$rounds" "$reps"; do
	case $n in
	''|*[!0-9]*|0) echo "bench.sh: rounds and reps are positive numbers, not '$n'" >&2; exit 2 ;;
	esac
done

patched=$patched_kbuild/arch/x86/boot/bzImage
vanilla=$top/build/kbuild-vanilla-bench/arch/x86/boot/bzImage
for f in "$patched" "$vanilla" "$initrds/patched/initramfs.cpio.gz" \
	 "$initrds/vanilla/initramfs.cpio.gz"; do
	[ -r "$f" ] || { echo "bench.sh: $f missing: run make bench" >&2; exit 2; }
done

kalloc_only="--no-policies -t kalloc_sysram -t kalloc_spm -t kalloc_refused"
# name kernel cpuless spm_nodes bench-args
configs=(
	"vanilla vanilla 2 - "
	"nospm patched 2 - "
	"spm patched 2 2-3 "
	"vanilla-n8 vanilla 8 - $kalloc_only"
	"spm-n8 patched 8 2-9 $kalloc_only"
	"vanilla-n32 vanilla 32 - $kalloc_only"
	"spm-n32 patched 32 2-33 $kalloc_only"
)

rm -rf "$out/raw" "$out/runs"
mkdir -p "$out/raw" "$out/runs"
start=$SECONDS
for ((r = 1; r <= rounds; r++)); do
	for c in "${configs[@]}"; do
		read -r name kernel cpuless spm args <<< "$c"
		[ "$spm" = - ] && spm=
		image=$patched
		[ "$kernel" = vanilla ] && image=$vanilla
		run=$out/runs/$name.r$r
		t0=$SECONDS
		if ! "$here/run-guest.sh" --kernel "$image" \
			--initrd "$initrds/$kernel/initramfs.cpio.gz" --out "$run" \
			--cpuless "$cpuless" --spm "$spm" --icount \
			--append norandmaps \
			--bench "--reps $reps $args" > "$run.log" 2>&1; then
			echo "bench.sh: round $r, $name failed:" >&2
			grep -a -E '^(bench error|FAIL|#   )' "$run.log" "$run/runner.log" >&2 || true
			exit 1
		fi
		grep -a '^bench ' "$run/runner.log" | tr -d '\r' > "$out/raw/$name.r$r"
		echo "  BENCH   round $r/$rounds $name: $(grep -c -v '^bench done' "$out/raw/$name.r$r") figures, $((SECONDS - t0)) s"
	done
done
echo "  BENCH   $rounds rounds in $((SECONDS - start)) s"
python3 "$here/bench-report.py" --rounds "$rounds" --reps "$reps" \
	--seconds $((SECONDS - start)) "$out"
