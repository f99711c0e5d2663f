#!/bin/bash
# Install what spm_ops needs from Debian's packages; do nothing when all is
# present.  linux-source-6.12 comes from bookworm-security.
set -euo pipefail

packages=(
	linux-source-6.12
	build-essential bc bison flex cpio kmod rsync xz-utils
	libelf-dev libssl-dev zlib1g-dev libzstd-dev libcap-dev
	pahole pkg-config
	clang-19 llvm-19 lld-19
	qemu-system-x86
	busybox-static
	numactl libnuma-dev
	ndctl daxctl
	libjansson-dev libclang-rt-19-dev systemd
	python3 gnuplot-nox
)

missing=()
for p in "${packages[@]}"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" ||
		missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

echo "  DEPS    installing: ${missing[*]}"
sudo=
[ "$(id -u)" -eq 0 ] || sudo=sudo
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends \
	"${missing[@]}" >/dev/null
