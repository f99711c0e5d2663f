#!/bin/bash
# Prove that the series builds in the configurations users have, without a
# full kernel build per configuration.
#
#   check-configs.sh [--base | --each] [VARIANT...]
#
# The series is applied to a worktree of its own, build/linux-cc, checked
# out from the pristine tree's tag "base" (build/linux, made by
# build-kernel.sh) and re-applied when kernel-patches/series or a patch
# changes.  Each variant is tinyconfig + spm.config + configs/VARIANT.config
# in its own object directory build/check-configs/VARIANT; the options the
# two fragments set must hold after olddefconfig (the last fragment to set
# an option wins).  Then "make prepare", the directories the series lives
# in (mm/, kernel/, drivers/base/) and every other C file the series
# touches, with -Werror: a warning is a failure.  Object directories are
# kept, so a second run rebuilds only what changed.
#
# One line per variant, "ok VARIANT (N s)" or "FAIL VARIANT: first error",
# then "N passed, N failed, N skipped"; the exit code is non-zero if a
# variant failed.  Each variant's full output is in check-configs/VARIANT.log.
#
# --base builds the pristine tree instead (build/check-configs-base), to tell
# the base kernel's own warnings from the series'.  Local changes in
# build/linux-cc are built as they are and reported; they go away when the
# series is re-applied.  JOBS=N sets make's -j (default: nproc).
#
# --each applies the patches one at a time and builds after each one, so
# that every patch is proved to build on its own (default variant: spm).
# A line per patch and variant, "ok NNNN VARIANT (N s)"; it stops at the
# first patch that fails.
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
patches=$top/kernel-patches
configs=$patches/configs
build=$top/build
tree=$build/linux
src=$build/linux-cc
out=$build/check-configs
jobs=${JOBS:-$(nproc)}
base=0
each=0

die() { echo "check-configs.sh: $*" >&2; exit 1; }
. "$patches/series.sh"

variants=()
for arg in "$@"; do
	case "$arg" in
	--base) base=1 ;;
	--each) each=1 ;;
	-*) die "unknown option '$arg' (usage: check-configs.sh [--base | --each] [VARIANT...])" ;;
	*)
		[ -r "$configs/$arg.config" ] ||
			die "no variant '$arg' (kernel-patches/configs/$arg.config)"
		variants+=("$arg")
		;;
	esac
done
[ $base = 1 ] && [ $each = 1 ] && die "--base and --each exclude each other"
if [ ${#variants[@]} = 0 ] && [ $each = 1 ]; then
	variants=(spm)
elif [ ${#variants[@]} = 0 ]; then
	# The project's own configuration first, then in file name order.
	variants=(spm)
	for f in "$configs"/*.config; do
		v=$(basename "$f" .config)
		[ "$v" = spm ] || variants+=("$v")
	done
fi
[ $base = 1 ] && out=$build/check-configs-base

[ -e "$tree/.git" ] || die "$tree missing: 'make kernel' unpacks it"
mkdir -p "$out"
# Two runs at once would apply patches under each other's compiler.
exec 9>"$out/.lock"
flock -n 9 || die "another check-configs.sh is running ($out/.lock)"

if [ ! -e "$src/.git" ]; then
	git_tree "$tree" worktree prune
	git_tree "$tree" worktree add -q --detach "$src" base
fi

if [ $each = 1 ]; then
	# Every patch is checked out and built in turn, below.
	series=$(series_commit) || die "the series does not apply"
	rm -f "$src/.spm-applied"
elif [ $base = 1 ]; then
	series_checkout "$src" base
	rm -f "$src/.spm-applied"
	applied=base
else
	series_apply "$src" || die "the series does not apply"
	applied=$(series_hash)
	if [ -n "$(git_tree "$src" status --porcelain --untracked-files=no)" ]; then
		echo "  NOTE    $src has local changes: they are built too"
	fi
fi

# Every C file the applied patches touch outside the directories built
# whole: its object is built on its own.
touched_objects() {
	git_tree "$src" diff --name-only base -- '*.c' |
		grep -v -e '^mm/' -e '^kernel/' -e '^drivers/base/' -e '^Documentation/' |
		sed 's/\.c$/.o/' || true
}

# The line that says best why the build in log $1 failed.
first_error() {
	grep -m1 -E ': (fatal )?error:|ERROR:' "$1" ||
		grep -m1 -E ': warning:|WARNING:' "$1" ||
		grep -m1 -E '\*\*\*' "$1" ||
		tail -n1 "$1"
}

kmake() {
	nice -n 19 make -s -C "$src" O="$obj" -j"$jobs" KCFLAGS=-Werror "$@"
}

# The objects (and subdirectories) this configuration builds in directory
# $1, as kbuild lists them (BITS as arch/x86/Makefile sets it).
dir_objects() {
	make -s -C "$obj" -f "$src/scripts/Makefile.build" obj="$1" \
		srctree="$src" VPATH="$src" objtree=. BITS=64 \
		need-builtin=1 need-modorder=1 \
		--eval 'cc-print-objs: ; @echo $(real-obj-y) $(real-obj-m)' \
		cc-print-objs 2>/dev/null | tr ' ' '\n'
}

# Whether this configuration builds object $1: listed in its directory,
# which is listed in its parent, up to a top-level directory (or arch/*).
configured() {
	local want=${1//./\\.} d=${1%/*} objs
	while :; do
		objs=$(dir_objects "$d")
		grep -qxE "$want" <<<"$objs" || return 1
		[[ $d == */* ]] || return 0
		[[ $d =~ ^arch/[^/]+$ ]] && return 0
		want="$d/(built-in\.a|modules\.order)"
		d=${d%/*}
	done
}

# Configure and build variant $1; the reason it failed goes to stdout.
check_variant() {
	local v=$1 frags=("$patches/spm.config" "$configs/$1.config")
	local log=$out/$1.log stamp missing f
	obj=$out/$v
	mkdir -p "$obj"
	: > "$log"

	# A new .config only when its inputs change (the series' Kconfig is
	# one); config_merge() keeps its time stamp if its content did not.
	stamp=$(build_stamp "$applied" "${frags[@]}")
	if [ "$(cat "$obj/.cc-stamp" 2>/dev/null)" != "$stamp" ] ||
	   [ ! -e "$obj/.config" ]; then
		if ! config_merge "$src" "$obj" "${frags[@]}" >>"$log" 2>&1; then
			first_error "$log"
			return 1
		fi
		echo "$stamp" > "$obj/.cc-stamp"
	fi
	missing=$(config_missing "$src" "$obj/.config" "${frags[@]}")
	if [ -n "$missing" ]; then
		echo "options not in .config after olddefconfig:" $missing
		return 1
	fi

	if ! kmake prepare >>"$log" 2>&1 ||
	   ! kmake mm/ kernel/ drivers/base/ >>"$log" 2>&1; then
		first_error "$log"
		return 1
	fi
	for f in $(touched_objects); do
		# A file this configuration does not build has nothing to check.
		if ! configured "$f"; then
			echo "not in this configuration: $f" >>"$log"
			continue
		fi
		if ! kmake "$f" >>"$log" 2>&1; then
			first_error "$log"
			return 1
		fi
	done
	# What -Werror does not cover: objtool, modpost, Kconfig.
	if grep -qiE 'warning' "$log"; then
		first_error "$log"
		return 1
	fi
}

passed=0
failed=0
skipped=0

# Check every variant; $1 names the patch in --each mode.
check_variants() {
	local v start
	for v in "${variants[@]}"; do
		start=$SECONDS
		if reason=$(check_variant "$v"); then
			echo "ok ${1:+$1 }$v ($((SECONDS - start)) s)"
			passed=$((passed + 1))
		else
			echo "FAIL ${1:+$1 }$v: ${reason:-see $out/$v.log}"
			failed=$((failed + 1))
		fi
	done
}

if [ $each = 1 ]; then
	n=0
	for applied in $(git_tree "$src" rev-list --reverse "base..$series"); do
		series_checkout "$src" "$applied"
		n=$((n + 1))
		check_variants "$(printf %04d $n)"
		[ $failed = 0 ] || break
	done
	[ $failed != 0 ] || series_hash > "$src/.spm-applied"
else
	check_variants
fi
echo "$passed passed, $failed failed, $skipped skipped"
[ $failed = 0 ]
