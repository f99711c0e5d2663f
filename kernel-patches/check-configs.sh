#!/bin/bash
# Prove that the series builds in the configurations users have, without a
# full kernel build per configuration.
#
#   check-configs.sh [--base] [VARIANT...]
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

die() { echo "check-configs.sh: $*" >&2; exit 1; }
git_tree() { git -C "$1" -c user.name=spm-build -c user.email=spm-build@localhost "${@:2}"; }
series_files() { grep -v '^#' "$patches/series" | sed '/^\s*$/d'; }

variants=()
for arg in "$@"; do
	case "$arg" in
	--base) base=1 ;;
	-*) die "unknown option '$arg' (usage: check-configs.sh [--base] [VARIANT...])" ;;
	*)
		[ -r "$configs/$arg.config" ] ||
			die "no variant '$arg' (kernel-patches/configs/$arg.config)"
		variants+=("$arg")
		;;
	esac
done
if [ ${#variants[@]} = 0 ]; then
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

# The series' hash, computed as build-kernel.sh does.
if [ $base = 1 ]; then
	applied=base
else
	applied=$(cd "$patches" && series_files | xargs cat series | sha256sum | cut -c1-16)
fi
if [ "$(cat "$src/.spm-applied" 2>/dev/null)" != "$applied" ]; then
	git_tree "$src" am --abort >/dev/null 2>&1 || true
	# Only the files that differ are rewritten: make rebuilds what they touch.
	git_tree "$src" checkout -q -f --detach base
	if [ $base = 0 ]; then
		echo "  PATCH   $(series_files | wc -l) patches from kernel-patches/series"
		series_files | while read -r p; do
			[ -r "$patches/$p" ] || die "series names $p, which is not in kernel-patches/"
			git_tree "$src" am -q --keep-cr "$patches/$p" ||
				die "$p does not apply to the tree at tag base"
		done
	fi
	echo "$applied" > "$src/.spm-applied"
elif [ -n "$(git_tree "$src" status --porcelain --untracked-files=no)" ]; then
	echo "  NOTE    $src has local changes: they are built too"
fi

# Every C file the series touches outside the directories built whole:
# its object is built on its own.
files=$(git_tree "$src" diff --name-only base -- '*.c' |
	grep -v -e '^mm/' -e '^kernel/' -e '^drivers/base/' -e '^Documentation/' |
	sed 's/\.c$/.o/' || true)

# The options spm.config and the variant's fragment set, one per line as
# "CONFIG_X=value", the last fragment to set an option winning.
wanted_options() {
	sed -n -e 's/^\(CONFIG_[A-Za-z0-9_]*=.*\)$/\1/p' \
	       -e 's/^# \(CONFIG_[A-Za-z0-9_]*\) is not set$/\1=n/p' "$@" |
		awk -F= '{ if (!($1 in last)) order[n++] = $1; last[$1] = $0 }
			 END { for (i = 0; i < n; i++) print last[order[i]] }'
}

# The options of wanted_options that do not hold in .config $1.
missing_options() {
	local dotconfig=$1 opt
	shift
	wanted_options "$@" | while read -r opt; do
		# The series' own options do not exist without it.
		if [ $base = 1 ]; then
			case $opt in CONFIG_SPM=*|CONFIG_SPM_*) continue ;; esac
		fi
		case $opt in
		*=n) ! grep -q "^${opt%=n}=[ym]$" "$dotconfig" || echo "$opt" ;;
		*) grep -qxF "$opt" "$dotconfig" || echo "$opt" ;;
		esac
	done
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
	# one), and with its old time stamp if its content did not change.
	stamp=$( (echo "$applied"; cat "${frags[@]}") | sha256sum | cut -c1-16)
	if [ "$(cat "$obj/.cc-stamp" 2>/dev/null)" != "$stamp" ] ||
	   [ ! -e "$obj/.config" ]; then
		[ -e "$obj/.config" ] && cp -p "$obj/.config" "$obj/.config.cc-prev"
		if ! { kmake tinyconfig &&
		       "$src/scripts/kconfig/merge_config.sh" -m -O "$obj" \
				"$obj/.config" "${frags[@]}" >/dev/null &&
		       kmake olddefconfig; } >>"$log" 2>&1; then
			first_error "$log"
			return 1
		fi
		if cmp -s "$obj/.config" "$obj/.config.cc-prev" 2>/dev/null; then
			touch -r "$obj/.config.cc-prev" "$obj/.config"
		fi
		rm -f "$obj/.config.cc-prev"
		echo "$stamp" > "$obj/.cc-stamp"
	fi
	missing=$(missing_options "$obj/.config" "${frags[@]}")
	if [ -n "$missing" ]; then
		echo "options not in .config after olddefconfig:" $missing
		return 1
	fi

	if ! kmake prepare >>"$log" 2>&1 ||
	   ! kmake mm/ kernel/ drivers/base/ >>"$log" 2>&1; then
		first_error "$log"
		return 1
	fi
	for f in $files; do
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
for v in "${variants[@]}"; do
	start=$SECONDS
	if reason=$(check_variant "$v"); then
		echo "ok $v ($((SECONDS - start)) s)"
		passed=$((passed + 1))
	else
		echo "FAIL $v: ${reason:-see $out/$v.log}"
		failed=$((failed + 1))
	fi
done
echo "$passed passed, $failed failed, $skipped skipped"
[ $failed = 0 ]
