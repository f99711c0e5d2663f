#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Write make bench's report from the raw lines of bench.sh.

    bench-report.py [--rounds N] [--reps N] [--seconds S] DIR

DIR/raw/CONFIG.rN holds the lines "bench POLICY FIGURE VALUE UNIT" of one
boot.  Writes DIR/report.md (median, min and max over the rounds, ratios to
vanilla and to the built-in rule, the targets) and DIR/report.svg (the
ratios, drawn by gnuplot), and prints the report.  Exits 1 if a figure is
missing from a round, or gnuplot fails.
"""
import argparse
import collections
import os
import statistics
import subprocess
import sys

# The figures every configuration runs, in the report's order: what each is.
MAIN_FIGURES = [
    ("anon_4k", "anonymous 4 KiB fault (map, touch, unmap)"),
    ("anon_thp", "anonymous THP fault, 2 MiB"),
    ("tmpfs_write", "tmpfs write (page cache), per page"),
    ("ext2_read", "ext2 read from brd into the page cache, per page"),
    ("fork_exit", "fork + exit, 16 MiB touched"),
    ("mbind_sysram", "mbind(BIND, system RAM nodes)"),
    ("set_mempolicy", "set_mempolicy(BIND, system RAM nodes)"),
    ("mbind_named_spm", "mbind(BIND, system RAM + node 2)"),
    ("kalloc_sysram", "in-kernel order-0 alloc+free, node 0"),
    ("kalloc_pressure", "the same, node 0 below its low watermark"),
    ("kalloc_refused", "in-kernel alloc preferring node 2, no __GFP_SPM_NODE"),
]
# Figures that only system RAM serves in every configuration.
SYSRAM_FIGURES = ["anon_4k", "anon_thp", "tmpfs_write", "ext2_read",
                  "fork_exit", "set_mempolicy", "kalloc_sysram",
                  "kalloc_pressure"]
# Columns: (config, policy) -> heading.
COLUMNS = [
    (("vanilla", "none"), "vanilla 6.12"),
    (("nospm", "none"), "series, no SPM node"),
    (("spm", "none"), "spm_nodes=2-3, built-in rule"),
    (("spm", "hard"), "+ hard_guardrail"),
    (("spm", "soft"), "+ soft_guardrail"),
    (("spm", "cgroup"), "+ cgroup_spm (1,000 entries)"),
]
TABLE_SIZES = [10, 1000, 10000]
NODE_COUNTS = [(2, "spm", "vanilla"), (8, "spm-n8", "vanilla-n8"),
               (32, "spm-n32", "vanilla-n32")]


def load(raw_dir):
    """{(config, policy, figure): [value per round]}, {figure: unit}."""
    values = collections.defaultdict(list)
    units = {}
    rounds = collections.defaultdict(set)
    for name in sorted(os.listdir(raw_dir)):
        config, _, rnd = name.rpartition(".r")
        with open(os.path.join(raw_dir, name)) as f:
            for line in f:
                words = line.split()
                if len(words) != 5 or words[0] != "bench":
                    continue
                _, policy, figure, value, unit = words
                values[(config, policy, figure)].append(float(value))
                units[figure] = unit
                rounds[config].add(rnd)
    return values, units, rounds


class Report:
    def __init__(self, values, units):
        self.values = values
        self.units = units
        self.lines = []
        self.targets = []

    def stat(self, config, policy, figure):
        v = self.values.get((config, policy, figure))
        if not v:
            return None
        return statistics.median(v), min(v), max(v)

    def median(self, config, policy, figure):
        s = self.stat(config, policy, figure)
        return s[0] if s else None

    def ratio(self, a, b):
        return a / b if a is not None and b else None

    def out(self, line=""):
        self.lines.append(line)

    def table(self, head, rows):
        self.out("| " + " | ".join(head) + " |")
        self.out("|" + "|".join(" --- " for _ in head) + "|")
        for row in rows:
            self.out("| " + " | ".join(row) + " |")
        self.out()

    def target(self, what, value, limit, fmt="{:.3f}"):
        if value is None:
            self.targets.append((what, "not measured", "-", "MISSING"))
            return
        self.targets.append((what, fmt.format(value), fmt.format(limit),
                             "met" if value <= limit else "NOT MET"))


def fmt_ratio(r):
    return "-" if r is None else "{:.3f}".format(r)


def fmt_stat(s):
    if s is None:
        return "-"
    med, lo, hi = s
    return "{:.1f} ({:.1f}-{:.1f})".format(med, lo, hi)


def write_report(rep, args):
    rep.out("# make bench: what the SPM series costs")
    rep.out()
    rep.out("Instruction-count proxies: each guest ran under QEMU `-icount "
            "shift=0,sleep=off`, where the guest clock advances 1 ns per "
            "guest instruction, so a figure is (nearly) the instructions "
            "executed per unit of work, not cycles. Medians of {} rounds "
            "(one boot per configuration per round, configurations "
            "alternating), each round the median of {} runs after a "
            "warm-up; kernels: tinyconfig + `kernel-patches/spm.config` + "
            "`bench.config` (no `DEBUG_VM`), with and without the series."
            .format(args.rounds, args.reps))
    rep.out()

    # 1. Ratios to vanilla.
    rep.out("## Ratio to vanilla (median)")
    rep.out()
    vanilla = COLUMNS[0][0]
    rows = []
    for fig, desc in MAIN_FIGURES:
        base = rep.median(*vanilla, fig)
        row = ["`{}` {}".format(fig, desc),
               "{:.0f} {}".format(base, rep.units.get(fig, ""))
               if base else "-"]
        for col, _ in COLUMNS[1:]:
            row.append(fmt_ratio(rep.ratio(rep.median(*col, fig), base)))
        rows.append(row)
    rep.table(["figure", "vanilla"] + [h for _, h in COLUMNS[1:]], rows)
    rep.out("`mbind_named_spm` and `kalloc_refused` name node 2: with "
            "spm_nodes= it is an SPM node (the policy is asked, or the "
            "allocation walks past it), on vanilla and without spm_nodes= "
            "it is ordinary memory, so their ratios are the price of a "
            "refusal rather than overhead on the same work.")
    rep.out()

    # 2. The SPM path against the built-in rule.
    rep.out("## The SPM path")
    rep.out()
    builtin = rep.median("spm", "none", "kalloc_spm")
    rows = []
    for (config, policy), head in COLUMNS[2:]:
        s = rep.stat(config, policy, "kalloc_spm")
        rows.append([head, fmt_stat(s),
                     fmt_ratio(rep.ratio(s and s[0], builtin))])
    rep.table(["`__GFP_SPM_NODE` alloc+free on node 2 (ns/page)",
               "median (min-max)", "ratio to the built-in C rule"], rows)
    plain = rep.median("vanilla", "none", "anon_4k")
    rows = []
    for policy in ("soft", "cgroup"):
        s = rep.stat("spm", policy, "anon_spm_bound")
        rows.append(["+ {}".format(policy), fmt_stat(s),
                     fmt_ratio(rep.ratio(s and s[0], plain))])
    rep.table(["anonymous fault under mbind(BIND, {2}) (ns/page)",
               "median (min-max)", "ratio to a vanilla 4 KiB fault"], rows)
    rep.out("cgroup_spm admits an explicit `__GFP_SPM_NODE` caller before "
            "it looks at its table; the bound fault goes through the table.")
    rep.out()

    # 3. Attach and detach.
    rep.out("## Attach + detach (guest clock, ms)")
    rep.out()
    rows = []
    for tag, name in (("hard", "hard_guardrail"), ("soft", "soft_guardrail"),
                      ("cgroup", "cgroup_spm")):
        s = rep.stat("spm", "none", "attach_detach_" + tag)
        rows.append([name, fmt_stat(s)])
        rep.target("attach + detach {} (ms)".format(name), s and s[0], 50,
                   "{:.1f}")
    rep.table(["policy", "spm-loader attach --pin + detach, median (min-max)"],
              rows)
    rep.out("Both spm-loader runs included (exec, BPF load and verification, "
            "pinning), in guest-clock milliseconds: instructions, not time.")
    rep.out()

    # 4. Growth: SPM nodes, table entries.
    rep.out("## How the cost grows")
    rep.out()
    rows = []
    n2 = {}
    for count, spm, van in NODE_COUNTS:
        row = [str(count)]
        for fig in ("kalloc_sysram", "kalloc_refused"):
            row.append(fmt_ratio(rep.ratio(rep.median(spm, "none", fig),
                                           rep.median(van, "none", fig))))
        s = rep.stat(spm, "none", "kalloc_spm")
        row.append(fmt_stat(s))
        n2.setdefault("kalloc_spm", s and s[0])
        row.append(fmt_ratio(rep.ratio(s and s[0], n2["kalloc_spm"])))
        rows.append(row)
    rep.table(["SPM nodes", "kalloc_sysram, ratio to vanilla",
               "kalloc_refused, ratio to vanilla",
               "kalloc_spm ns/page", "kalloc_spm, ratio to 2 nodes"], rows)
    rows = []
    base = {}
    for size in TABLE_SIZES:
        row = ["{:,}".format(size)]
        for fig in ("anon_spm_bound", "kalloc_refused"):
            s = rep.stat("spm", "cgroup", "{}_table{}".format(fig, size))
            base.setdefault(fig, s and s[0])
            row += [fmt_stat(s), fmt_ratio(rep.ratio(s and s[0], base[fig]))]
        rows.append(row)
    rep.table(["cgroup_spm entries", "bound fault ns/page", "ratio to 10",
               "refused kernel alloc ns/page", "ratio to 10"], rows)

    # 5. Spread between rounds.
    spreads = []
    for (config, policy, fig), v in rep.values.items():
        med = statistics.median(v)
        if med and len(v) > 1:
            spreads.append(((max(v) - min(v)) / med, config, policy, fig))
    spreads.sort()
    rep.out("## Spread between rounds")
    rep.out()
    if spreads:
        rep.out("(max - min) / median over the rounds, for {} figure/"
                "configuration pairs: median {:.2%}, 90th percentile "
                "{:.2%}, largest {:.2%} ({} under {}, {}).".format(
                    len(spreads), spreads[len(spreads) // 2][0],
                    spreads[int(len(spreads) * 0.9)][0], spreads[-1][0],
                    spreads[-1][3], spreads[-1][1], spreads[-1][2]))
    rep.out()

    # 6. Targets.
    for fig in [f for f, _ in MAIN_FIGURES]:
        rep.target("no SPM node: {} / vanilla".format(fig),
                   rep.ratio(rep.median("nospm", "none", fig),
                             rep.median("vanilla", "none", fig)), 1.003)
    for (config, policy), head in COLUMNS[2:]:
        for fig in SYSRAM_FIGURES + ["mbind_sysram"]:
            rep.target("{}: {} / vanilla".format(head, fig),
                       rep.ratio(rep.median(config, policy, fig),
                                 rep.median("vanilla", "none", fig)),
                       1.01 if fig == "mbind_sysram" else 1.005)
    rep.target("kalloc_spm: hard_guardrail / built-in",
               rep.ratio(rep.median("spm", "hard", "kalloc_spm"), builtin),
               1.05)
    rep.target("kalloc_spm: cgroup_spm (1,000 entries) / built-in",
               rep.ratio(rep.median("spm", "cgroup", "kalloc_spm"), builtin),
               1.10)
    for count, spm, van in NODE_COUNTS[1:]:
        r = rep.ratio(rep.median(spm, "none", "kalloc_sysram"),
                      rep.median(van, "none", "kalloc_sysram"))
        r2 = rep.ratio(rep.median("spm", "none", "kalloc_sysram"),
                       rep.median("vanilla", "none", "kalloc_sysram"))
        rep.target("kalloc_sysram ratio, {} SPM nodes / 2 SPM nodes"
                   .format(count), rep.ratio(r, r2), 1.005)
    for fig in ("anon_spm_bound", "kalloc_refused"):
        rep.target("cgroup_spm {}: 10,000 entries / 10".format(fig),
                   rep.ratio(rep.median("spm", "cgroup", fig + "_table10000"),
                             rep.median("spm", "cgroup", fig + "_table10")),
                   1.02)
    met = sum(1 for t in rep.targets if t[3] == "met")
    rep.out("## Targets (issue 7): {} of {} met".format(met, len(rep.targets)))
    rep.out()
    rep.table(["target", "measured", "limit", ""], rep.targets)

    rep.out("## Reproduce")
    rep.out()
    rep.out("`make bench` ({} rounds x 7 boots, {} s here after the kernels "
            "were built); raw lines in `build/bench/raw/`, the guests' logs "
            "in `build/bench/runs/`.".format(args.rounds, args.seconds))


def write_chart(rep, out_dir):
    """report.svg: ratios to vanilla, and the two growth curves."""
    data = os.path.join(out_dir, "ratios.dat")
    with open(data, "w") as f:
        f.write("figure " + " ".join('"{}"'.format(h)
                                      for _, h in COLUMNS[1:]) + "\n")
        for fig, _ in MAIN_FIGURES:
            base = rep.median("vanilla", "none", fig)
            ratios = [rep.ratio(rep.median(*col, fig), base)
                      for col, _ in COLUMNS[1:]]
            f.write(fig + " " + " ".join("{:.4f}".format(r) if r else "NaN"
                                         for r in ratios) + "\n")
    nodes = os.path.join(out_dir, "nodes.dat")
    with open(nodes, "w") as f:
        for count, spm, van in NODE_COUNTS:
            r = [rep.ratio(rep.median(spm, "none", fig),
                           rep.median(van, "none", fig))
                 for fig in ("kalloc_sysram", "kalloc_refused")]
            f.write("{} {}\n".format(count, " ".join(
                "{:.4f}".format(x) if x else "NaN" for x in r)))
    table = os.path.join(out_dir, "table.dat")
    with open(table, "w") as f:
        for size in TABLE_SIZES:
            r = [rep.median("spm", "cgroup", "{}_table{}".format(fig, size))
                 for fig in ("anon_spm_bound", "kalloc_refused")]
            f.write("{} {}\n".format(size, " ".join(
                "{:.1f}".format(x) if x else "NaN" for x in r)))
    script = """
set terminal svg size 1100,900 dynamic font "sans,11"
set termoption noenhanced
set output '{svg}'
set multiplot
set origin 0,0.45
set size 1,0.55
set title "Ratio to vanilla 6.12 (instruction-count proxy, medians)"
set style data histogram
set style histogram cluster gap 1
set style fill solid 0.8 border -1
set boxwidth 0.9
set key top left
set xtics rotate by -30 noenhanced
set ytics nomirror
set grid ytics
set yrange [0.5:*]
plot '{data}' using 2:xtic(1) title columnhead(2), \\
     '' using 3 title columnhead(3), '' using 4 title columnhead(4), \\
     '' using 5 title columnhead(5), '' using 6 title columnhead(6), \\
     1 with lines lc rgb "black" dt 2 notitle
unset style
set style data linespoints
set xtics norotate
set origin 0,0
set size 0.5,0.43
set title "In-kernel allocation vs SPM node count"
set xlabel "SPM nodes"
set ylabel "ratio to vanilla, same topology"
set logscale x 2
set yrange [*:*]
plot '{nodes}' using 1:2 title "sysram (node 0)" pt 7, \\
     '' using 1:3 title "preferring node 2, refused" pt 5
set origin 0.5,0
set title "cgroup\\\\_spm cost vs table entries"
set xlabel "table entries"
set ylabel "ns per page (guest instructions)"
set logscale x 10
plot '{table}' using 1:2 title "bound fault, admitted" pt 7, \\
     '' using 1:3 title "kernel alloc, refused" pt 5
unset multiplot
""".format(svg=os.path.join(out_dir, "report.svg"), data=data, nodes=nodes,
           table=table)
    r = subprocess.run(["gnuplot"], input=script, text=True,
                       capture_output=True)
    if r.returncode:
        sys.stderr.write("bench-report.py: gnuplot: " + r.stderr)
        return False
    return True


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--rounds", type=int, default=0)
    p.add_argument("--reps", type=int, default=0)
    p.add_argument("--seconds", type=int, default=0)
    p.add_argument("dir")
    args = p.parse_args()

    raw = os.path.join(args.dir, "raw")
    values, units, rounds = load(raw)
    if not values:
        sys.exit("bench-report.py: no figures in " + raw)
    # Every figure of a configuration in every round.
    missing = []
    for (config, policy, fig), v in sorted(values.items()):
        if len(v) != len(rounds[config]):
            missing.append("{} {} {}: {} of {} rounds".format(
                config, policy, fig, len(v), len(rounds[config])))
    rep = Report(values, units)
    write_report(rep, args)
    with open(os.path.join(args.dir, "report.md"), "w") as f:
        f.write("\n".join(rep.lines) + "\n")
    print("\n".join(rep.lines))
    ok = write_chart(rep, args.dir)
    print("\nbench: {} and {}".format(os.path.join(args.dir, "report.md"),
                                      os.path.join(args.dir, "report.svg")))
    for m in missing:
        print("bench-report.py: missing: " + m, file=sys.stderr)
    sys.exit(0 if ok and not missing else 1)


if __name__ == "__main__":
    main()
