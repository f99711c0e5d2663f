# The series and its configuration, as build-kernel.sh and check-configs.sh
# apply them.  Sourced; needs $patches (kernel-patches/) set.

git_tree() { git -C "$1" -c user.name=spm-build -c user.email=spm-build@localhost "${@:2}"; }

series_files() { grep -v '^#' "$patches/series" | sed '/^\s*$/d'; }

# What decides the patched tree: the series file and every patch it names.
series_hash() { (cd "$patches" && series_files | xargs cat series | sha256sum | cut -c1-16); }

# Put worktree $1 at commit $2, discarding what was there.  Only files that
# differ are rewritten, so make rebuilds only what changed.
series_checkout() {
	git_tree "$1" am --abort >/dev/null 2>&1 || true
	git_tree "$1" checkout -q -f --detach "$2"
}

# Apply patch $2 of the series to worktree $1; says which one did not apply.
series_apply_one() {
	[ -r "$patches/$2" ] || { echo "series names $2, which is not in kernel-patches/" >&2; return 1; }
	git_tree "$1" am -q --keep-cr "$patches/$2" ||
		{ echo "$2 does not apply to the tree at tag base" >&2; return 1; }
}

# The commit of the whole series on tag base of $tree (build/linux).  The
# patches are applied in a worktree of their own, build/linux-series, where
# rewriting every file costs no rebuild; the result is tagged by the
# series' hash, so an unchanged series is applied once.
series_commit() {
	local scratch=$tree-series tag p
	tag=series-$(series_hash)
	if git_tree "$tree" rev-parse -q --verify "refs/tags/$tag^{commit}"; then
		return 0
	fi
	if [ ! -e "$scratch/.git" ]; then
		git_tree "$tree" worktree prune
		git_tree "$tree" worktree add -q --detach "$scratch" base
	fi
	echo "  PATCH   $(series_files | wc -l) patches from kernel-patches/series" >&2
	series_checkout "$scratch" base
	for p in $(series_files); do
		series_apply_one "$scratch" "$p" || return 1
	done
	git_tree "$scratch" tag -f "$tag" HEAD >/dev/null
	git_tree "$scratch" rev-parse HEAD
}

# Put worktree $1 at the whole series, unless it already is.
series_apply() {
	local src=$1 hash commit
	hash=$(series_hash)
	[ "$(cat "$src/.spm-applied" 2>/dev/null)" = "$hash" ] && return 0
	commit=$(series_commit) || return 1
	series_checkout "$src" "$commit"
	echo "$hash" > "$src/.spm-applied"
}

# Write the .config of object directory $2 for source tree $1: tinyconfig
# with the fragments $3... merged over it.  An unchanged .config keeps its
# time stamp, so that make rebuilds nothing for it.  Make's output goes to
# stdout and stderr.
config_merge() {
	local src=$1 obj=$2 ret=0
	shift 2
	[ -e "$obj/.config" ] && cp -p "$obj/.config" "$obj/.config.prev"
	make -s -C "$src" O="$obj" tinyconfig &&
		"$src/scripts/kconfig/merge_config.sh" -m -O "$obj" \
			"$obj/.config" "$@" >/dev/null &&
		make -s -C "$src" O="$obj" olddefconfig || ret=1
	if [ $ret = 0 ] && cmp -s "$obj/.config" "$obj/.config.prev"; then
		touch -r "$obj/.config.prev" "$obj/.config"
	fi
	rm -f "$obj/.config.prev"
	return $ret
}

# What decides a build: the applied tree $1 and the options the config
# fragments $2... set (their comments do not).
build_stamp() {
	(echo "$1"
	 sed -n -e '/^CONFIG_/p' -e '/^# CONFIG_.* is not set$/p' "${@:2}") |
		sha256sum | cut -c1-16
}

# The options config fragments $3... set that do not hold in .config $2 of
# source tree $1, the last fragment to set an option winning, as in
# merge_config.sh.  The series' own options (CONFIG_SPM*) are not looked for
# in a tree that does not define them: vanilla, or the series partly applied.
config_missing() {
	local src=$1 dotconfig=$2 opt name
	shift 2
	sed -n -e 's/^\(CONFIG_[A-Za-z0-9_]*=.*\)$/\1/p' \
	       -e 's/^# \(CONFIG_[A-Za-z0-9_]*\) is not set$/\1=n/p' "$@" |
		awk -F= '{ if (!($1 in last)) order[n++] = $1; last[$1] = $0 }
			 END { for (i = 0; i < n; i++) print last[order[i]] }' |
	while read -r opt; do
		case $opt in
		CONFIG_SPM=*|CONFIG_SPM_*)
			name=${opt%%=*}
			git_tree "$src" grep -q -E "^config ${name#CONFIG_}\$" -- '*Kconfig*' ||
				continue ;;
		esac
		case $opt in
		*=n) ! grep -q "^${opt%=n}=[ym]$" "$dotconfig" || echo "$opt" ;;
		*) grep -qxF "$opt" "$dotconfig" || echo "$opt" ;;
		esac
	done
}
