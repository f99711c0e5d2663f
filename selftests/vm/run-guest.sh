#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Boot the spm_ops test guest under QEMU and run spm_selftest in it.
#
#   run-guest.sh [--kernel BZIMAGE] [--initrd CPIO.GZ] [--out DIR]
#                [--append "extra kernel cmdline"] [--args "runner args"]
#                [--demo | --bench "bench args"] [--cpuless N]
#                [--spm NODELIST] [--hmat] [--nvdimm] [--cxl] [--icount]
#                [--verbose]
#
# Builds nothing (make does).  Topology: node 0 = cpu0 + 1 GiB, node 1 =
# cpu1 + 1 GiB, then --cpuless (default 2) CPU-less nodes sharing 2 GiB,
# booted with spm_nodes=--spm (default 2-3; "" boots without); system RAM
# stays below 4 GiB so the CPU-less nodes are ZONE_NORMAL.  --hmat gives the
# guest an HMAT in which the CPU-less nodes are slower (latency 100 ns, not
# 10-20; bandwidth 5 GB/s, not 10-20): a lower memory tier, the demotion
# targets of nodes 0 and 1.  --nvdimm adds one more node, after the
# CPU-less ones, with neither CPUs nor memory at boot, and a 512 MiB NVDIMM
# (-machine nvdimm=on, no label area) whose memory is on that node: what
# ndctl and daxctl hand to the kmem driver.  --cxl adds a CXL type-3
# device with 512 MiB of persistent memory behind a 4 GiB CXL window
# (-machine q35,cxl=on); the kernel makes the window a node of its own,
# the next after the others, with no memory until cxl create-region and
# the kmem driver put some there.  QEMU 7.2 needs two work-arounds: its
# CXL mailbox answers the event interrupt policy with zeroes, so cxl_pci
# fails to probe unless the guest runs without MSI (pci=nomsi); and the
# kernel refuses to commit a region on a CPU that says it runs under a
# hypervisor, since it cannot invalidate the CPU caches there (-cpu
# qemu64,-hypervisor).  The console
# goes to DIR/guest.log, the runner's own output (second serial port) to
# DIR/runner.log.
#
# Prints the runner's lines and ends with its "N passed, N failed, N
# skipped" line, one more failure counted when the harness itself failed:
# no exit marker, a non-zero exit, a time-out, or a kernel splat in the
# log.  Exits non-zero on any failure.  --demo runs spm_demo instead of
# the suite, --bench spm_bench with the bench args: no summary line, the
# same splat checks.  --icount runs the guest under -icount
# shift=0,sleep=off: its clock counts executed instructions (benchmarks).
#
# Environment: SPM_TIMEOUT (seconds, default 900), SPM_ACCEL (default tcg;
# KVM hangs after the option ROM on the machines this was written on).
set -u

here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
kernel=$top/build/kbuild/arch/x86/boot/bzImage
out=$top/build/selftests
initrd=
append=
args=
demo=0
prog=spm_selftest
verbose=0
cpuless=2
spm=2-3
icount=0
hmat=0
nvdimm=0
cxl=0
timeout=${SPM_TIMEOUT:-900}
accel=${SPM_ACCEL:-tcg}

usage() {
	sed -n '6,9p' "$0" | sed 's/^# *//' >&2
	exit 2
}

while [ $# -gt 0 ]; do
	case "$1" in
	--kernel) kernel=${2:?}; shift 2 ;;
	--initrd) initrd=${2:?}; shift 2 ;;
	--out) out=${2:?}; shift 2 ;;
	--append) append=${2?}; shift 2 ;;
	--args) args=${2?}; shift 2 ;;
	--demo) demo=1; prog=spm_demo; args=; shift ;;
	--bench) demo=1; prog=spm_bench; args=${2?}; shift 2 ;;
	--cpuless) cpuless=${2:?}; shift 2 ;;
	--spm) spm=${2?}; shift 2 ;;
	--icount) icount=1; shift ;;
	--hmat) hmat=1; shift ;;
	--nvdimm) nvdimm=1; shift ;;
	--cxl) cxl=1; shift ;;
	--verbose|-v) verbose=1; shift ;;
	-h|--help) usage ;;
	*) echo "run-guest.sh: unknown argument '$1'" >&2; usage ;;
	esac
done
initrd=${initrd:-$out/initramfs.cpio.gz}

for f in "$kernel" "$initrd"; do
	[ -r "$f" ] || { echo "run-guest.sh: $f not found (run make)" >&2; exit 2; }
done
command -v qemu-system-x86_64 >/dev/null ||
	{ echo "run-guest.sh: qemu-system-x86_64 not found" >&2; exit 2; }

mkdir -p "$out"
guest_log=$out/guest.log
runner_log=$out/runner.log
rm -f "$guest_log" "$runner_log"
: > "$runner_log"

case $cpuless in
''|*[!0-9]*) echo "run-guest.sh: --cpuless takes a number, not '$cpuless'" >&2; exit 2 ;;
esac
# QEMU 7.2 takes up to 128 nodes; each CPU-less node needs 16 MiB or so.
[ "$cpuless" -ge 1 ] && [ "$cpuless" -le 126 ] ||
	{ echo "run-guest.sh: --cpuless takes 1 to 126, not $cpuless" >&2; exit 2; }

cmdline="console=ttyS0 panic=-1 oops=panic"
[ $cxl = 1 ] && cmdline+=" pci=nomsi"
[ -n "$spm" ] && cmdline+=" spm_nodes=$spm"
cmdline+=" brd.rd_nr=1 brd.rd_size=65536"
# A boot allocation big enough to see where it lands (boot_reserved_off_spm).
cmdline+=" log_buf_len=16M"
[ -n "$append" ] && cmdline+=" $append"
# The program and its arguments: commas for spaces, one kernel parameter.
[ $prog != spm_selftest ] && cmdline+=" spm.prog=$prog"
[ -n "$args" ] && cmdline+=" spm.args=$(echo $args | tr ' ' ,)"

# 2 GiB for the CPU-less nodes, in whole MiB each.
cpuless_mb=$((2048 / cpuless))
machine=pc,max-ram-below-4g=2G initiator= ram_mb=$((2048 + cpuless_mb * cpuless))
[ $hmat = 1 ] && machine+=,hmat=on initiator=,initiator=0
memory=${ram_mb}M
[ $nvdimm = 1 ] && machine+=,nvdimm=on memory=${ram_mb}M,slots=2,maxmem=$((ram_mb + 1024))M
cpu=()
[ $cxl = 1 ] && machine=${machine/#pc,/q35,}",cxl=on" cpu=(-cpu qemu64,-hypervisor)
qemu=(qemu-system-x86_64
	-machine "$machine" -accel "$accel" "${cpu[@]}"
	-smp 2,sockets=2,cores=1,threads=1 -m "$memory"
	-object memory-backend-ram,id=m0,size=1G
	-object memory-backend-ram,id=m1,size=1G
	-numa node,nodeid=0,cpus=0,memdev=m0
	-numa node,nodeid=1,cpus=1,memdev=m1)
for ((n = 2; n < 2 + cpuless; n++)); do
	qemu+=(-object "memory-backend-ram,id=m$n,size=${cpuless_mb}M"
	       -numa "node,nodeid=$n,memdev=m$n$initiator")
done
nvdimm_node=$((2 + cpuless))
[ $nvdimm = 1 ] && qemu+=(-numa "node,nodeid=$nvdimm_node$initiator"
	-object memory-backend-ram,id=nvm0,size=512M
	-device "nvdimm,id=nvdimm0,memdev=nvm0,node=$nvdimm_node")
if [ $cxl = 1 ]; then
	truncate -s 0 "$out/cxl-mem0.raw" "$out/cxl-lsa0.raw"
	truncate -s 512M "$out/cxl-mem0.raw"
	truncate -s 256M "$out/cxl-lsa0.raw"
	qemu+=(-object "memory-backend-file,id=cxl-mem0,share=on,mem-path=$out/cxl-mem0.raw,size=512M"
	       -object "memory-backend-file,id=cxl-lsa0,share=on,mem-path=$out/cxl-lsa0.raw,size=256M"
	       -device pxb-cxl,bus_nr=12,bus=pcie.0,id=cxl.1
	       -device cxl-rp,port=0,bus=cxl.1,id=cxl_rp0,chassis=0,slot=2
	       -device cxl-type3,bus=cxl_rp0,memdev=cxl-mem0,lsa=cxl-lsa0,id=cxl-pmem0
	       -M cxl-fmw.0.targets.0=cxl.1,cxl-fmw.0.size=4G)
fi
# Latency (ns) and bandwidth from each CPU node to each node.
for ((i = 0; hmat == 1 && i < 2; i++)); do
	for ((n = 0; n < 2 + cpuless + nvdimm; n++)); do
		if [ $n = $i ]; then lat=10 bw=20G
		elif [ $n -lt 2 ]; then lat=20 bw=10G
		else lat=100 bw=5G
		fi
		qemu+=(-numa "hmat-lb,initiator=$i,target=$n,hierarchy=memory,data-type=access-latency,latency=$lat"
		       -numa "hmat-lb,initiator=$i,target=$n,hierarchy=memory,data-type=access-bandwidth,bandwidth=$bw")
	done
done
[ $icount = 1 ] && qemu+=(-icount shift=0,sleep=off)
qemu+=(-kernel "$kernel" -initrd "$initrd" -append "$cmdline"
	-display none -monitor none -no-reboot
	-serial stdio -serial "file:$runner_log")

summary_re='^[0-9]+ passed, [0-9]+ failed, [0-9]+ skipped$'

echo "# guest: $(basename "$kernel") ($kernel), accel $accel, timeout ${timeout}s"
echo "# cmdline: $cmdline"
qemu_rc=$out/.qemu-rc
rm -f "$qemu_rc"
{
	timeout -k 10 "$timeout" "${qemu[@]}" < /dev/null 2>&1
	echo $? > "$qemu_rc"
} | tr -d '\r' | if [ $verbose = 1 ]; then tee "$guest_log"; else cat > "$guest_log"; fi &
pipeline=$!
# The runner's lines as they come, except the marker and the summary.
if [ $verbose = 0 ]; then
	tail -n +1 -f "$runner_log" --pid=$pipeline 2>/dev/null | tr -d '\r' |
		grep --line-buffered -a -v -E "^SPM-SELFTEST-EXIT=|$summary_re" &
	tailer=$!
fi
wait $pipeline
[ $verbose = 0 ] && wait $tailer 2>/dev/null
qrc=$(cat "$qemu_rc" 2>/dev/null || echo "?")

# The runner's output, with the kernel log as a fallback for a broken ttyS1.
runner_out=$(tr -d '\r' < "$runner_log")
if ! grep -qa 'SPM-SELFTEST-EXIT=' <<< "$runner_out"; then
	runner_out=$(grep -a -E "SPM-SELFTEST-EXIT=|$summary_re" "$guest_log")
fi

problems=()
marker=$(grep -a -o 'SPM-SELFTEST-EXIT=[0-9]*' <<< "$runner_out" | tail -n 1)
rc=${marker#SPM-SELFTEST-EXIT=}
if [ "$qrc" = 124 ] || [ "$qrc" = 137 ]; then
	problems+=("the guest timed out after ${timeout}s")
elif [ "$qrc" != 0 ]; then
	problems+=("qemu exited with status $qrc")
fi
[ -z "$marker" ] && problems+=("no exit marker from the runner (see $guest_log)")

summary=$(grep -a -E "$summary_re" <<< "$runner_out" | tail -n 1)
passed=0 failed=0 skipped=0
if [ $demo = 1 ]; then
	[ "$rc" = 0 ] || problems+=("$prog $args exited with $rc")
elif [ -n "$summary" ]; then
	read -r passed _ failed _ skipped _ <<< "$summary"
else
	problems+=("no summary line from the runner")
fi
if [ -n "$rc" ] && [ "$rc" != 0 ] && [ "$failed" = 0 ]; then
	problems+=("runner exited with $rc")
fi

# Kernel splats: lines with a printk time stamp (the runner's own lines on
# the console have none).  An OOM report's call trace is expected.
splats=$(awk '
	!/\[ *[0-9]+\.[0-9]+\] / { next }
	/invoked oom-killer:/ { in_oom = 1 }
	/Out of memory|Killed process|oom_reaper:/ { in_oom = 0 }
	/WARNING:|BUG:|Oops|kernel BUG|possible circular locking|INFO: possible|inconsistent lock state|KASAN|[Bb]ad page|general protection fault|Kernel panic|UBSAN:|soft lockup|hard LOCKUP|rcu_sched self-detected stall|blocked for more than|page allocation failure|unreferenced object|suspected memory leak/ {
		print; next
	}
	/Call Trace/ && !in_oom { print }
' "$guest_log")
if [ -n "$splats" ]; then
	echo "# kernel splats in $guest_log:"
	sed 's/^/#   /' <<< "$splats" | head -n 40
	problems+=("kernel splat in the guest log")
fi

for p in "${problems[@]}"; do
	echo "FAIL harness: $p"
done
if [ $demo = 1 ]; then
	[ ${#problems[@]} -eq 0 ]
	exit
fi
[ ${#problems[@]} -gt 0 ] && failed=$((failed + 1))
echo "$passed passed, $failed failed, $skipped skipped"
[ "$failed" = 0 ]
