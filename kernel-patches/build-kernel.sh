#!/bin/bash
# Build the spm_ops guest kernel from Debian's linux-source-6.12.
#
#   build-kernel.sh [--vanilla] [--bench | --debug]
#
# Unpacks /usr/src/linux-source-6.12.tar.xz into build/linux (a git tree whose
# tag "base" is the pristine source), applies the patches named in
# kernel-patches/series, merges kernel-patches/spm.config over tinyconfig and
# builds bzImage, vmlinux and what out-of-tree modules need into build/kbuild.
# --vanilla builds the same configuration without the series, from a
# worktree at "base", into build/kbuild-vanilla.  --bench builds the
# benchmark's configuration, spm.config with bench.config over it (no debug
# checks), into build/kbuild-bench (build/kbuild-vanilla-bench).  --debug
# builds the test configuration with the kernel's checkers (debug.config:
# KASAN, lockdep, kmemleak, ...) into build/kbuild-debug.
#
# Inputs are hashed: unchanged inputs rebuild nothing; a changed series is
# applied once (series.sh) and checked out, so that make rebuilds only what
# it changed.
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
patches=$top/kernel-patches
build=$top/build
tarball=/usr/src/linux-source-6.12.tar.xz
tree=$build/linux
vanilla=0
flavour=

for arg in "$@"; do
	case "$arg" in
	--vanilla) vanilla=1 ;;
	--bench|--debug)
		[ -z "$flavour" ] || { echo "build-kernel.sh: --bench and --debug exclude each other" >&2; exit 2; }
		flavour=${arg#--} ;;
	*) echo "build-kernel.sh: unknown argument '$arg' (usage: build-kernel.sh [--vanilla] [--bench | --debug])" >&2; exit 2 ;;
	esac
done
fragments=("$patches/spm.config")
[ -n "$flavour" ] && fragments+=("$patches/$flavour.config")

die() { echo "build-kernel.sh: $*" >&2; exit 1; }
. "$patches/series.sh"

[ -r "$tarball" ] || die "$tarball missing: run 'make deps'"
mkdir -p "$build"

if [ ! -e "$tree/.git" ]; then
	echo "  UNPACK  $tarball"
	rm -rf "$tree" "$build/linux-source-6.12"
	tar -C "$build" -xf "$tarball"
	mv "$build/linux-source-6.12" "$tree"
	# Debian's .gitignore ignores the whole top level: add by force.
	git_tree "$tree" init -q
	git_tree "$tree" add -Af
	git_tree "$tree" commit -q -m "base: Debian linux-source-6.12"
	git_tree "$tree" tag base
fi

version=$(make -s -C "$tree" kernelversion)
tested=$(sed -n 's/^# tested-on: *//p' "$patches/series")
echo "  SOURCE  linux $version (Debian linux-source-6.12)"
[ "$version" = "$tested" ] ||
	echo "warning: the series was tested on $tested, this source is $version" >&2

if [ $vanilla = 1 ]; then
	src=$build/linux-vanilla
	obj=$build/kbuild-vanilla
	if [ ! -e "$src/.git" ]; then
		git_tree "$tree" worktree prune
		git_tree "$tree" worktree add -q --detach "$src" base
	fi
	applied=vanilla
else
	src=$tree
	obj=$build/kbuild
	series_apply "$src" || die "the series does not apply to linux $version"
	applied=$(series_hash)
fi

[ -n "$flavour" ] && obj=$obj-$flavour

# Everything that decides the build: the applied series and the config.
stamp=$(build_stamp "$applied" "${fragments[@]}")
if [ "$(cat "$obj/.spm-stamp" 2>/dev/null)" = "$stamp" ] &&
   [ -e "$obj/arch/x86/boot/bzImage" ] && [ -e "$obj/vmlinux" ]; then
	echo "  KERNEL  $obj is up to date"
	exit 0
fi

mkdir -p "$obj"
config_merge "$src" "$obj" "${fragments[@]}" >/dev/null ||
	die "cannot configure $obj"
# merge_config drops what Kconfig cannot satisfy: say which, do not build.
missing=$(config_missing "$src" "$obj/.config" "${fragments[@]}")
[ -z "$missing" ] || die "config options not set: $missing"

echo "  BUILD   $obj (a few minutes on first build)"
make -s -C "$src" O="$obj" -j"$(($(nproc) + 1))" bzImage vmlinux modules_prepare
echo "$stamp" > "$obj/.spm-stamp"
echo "  KERNEL  $obj/arch/x86/boot/bzImage"
