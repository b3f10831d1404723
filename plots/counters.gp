# counters.gp - perf counters per page over npages, one panel per counter,
# one line per backend, the key in a column of its own on the right.
#
# Usage:
#   gnuplot -e "datafile='counters-mirror.dat'; outbase='counters-mirror'; subtitle='mirror | machine'; counters='page_faults_per_page'" plots/counters.gp
# writes outbase.png and outbase.svg.  counters names the columns to plot
# (space separated); pass only counters that were measured, since a panel
# with no valid point is an error in gnuplot (the report passes only those
# that were real: measured, and at least 0.01 per page somewhere).
# Default: instructions, LLC misses and page faults per page.  Optional:
# the styles of style.gp (colours, dts, pts, xt; dir).  A panel's y axis is
# logarithmic when its values span more than 10x.
#
# datafile: one block per backend; the first line of a block is a header
# whose first word is the backend name and whose other words name the
# columns:  nouveau-v5.8 instructions_per_page llc_misses_per_page page_faults_per_page
#           1 NaN NaN 0.0005           <- npages, medians (NaN = not measured)
if (!exists("datafile") || !exists("outbase")) {
    print "counters.gp: set datafile and outbase with -e"; exit status 2
}
if (!exists("subtitle")) subtitle = ""
if (!exists("counters")) counters = "instructions_per_page llc_misses_per_page page_faults_per_page"
if (!exists("dir")) dir = "plots/"

stats datafile using 1 nooutput
nblocks = STATS_blocks
xmin = STATS_min
xmax = STATS_max
npanels = words(counters)
load dir."style.gp"

set xlabel "npages (log scale)"
set grid xtics ytics lc rgb "#dddddd"
set format y "%g"
# panels share [0.07, 0.80] of the width, 0.06 between two for the next
# one's y label; the key sits right of them; wider with more panels
pw = 0.73 / npanels
width = 1024 + 224 * (npanels - 1)

do for [fmt in "png svg"] {
    if (fmt eq "png") {
        set terminal pngcairo size width,480 noenhanced font "sans,10"
    } else {
        set terminal svg size width,480 dynamic noenhanced font "sans,10"
    }
    set output outbase.".".fmt
    set multiplot title "Counters per page (median)\n".subtitle noenhanced
    set tmargin at screen 0.84
    set bmargin at screen 0.13
    p = 0
    do for [c in counters] {
        set autoscale y
        unset logscale y
        stats datafile using 1:(column(c)) nooutput
        set ytics autofreq
        if (STATS_min_y > 0 && STATS_max_y / STATS_min_y > 10) {
            set logscale y
            set yrange [STATS_min_y / 1.2 : STATS_max_y * 1.2]
            eval logtics("y", STATS_min_y / 1.2, STATS_max_y * 1.2, 10)
        }
        set lmargin at screen 0.07 + p * pw + (p > 0 ? 0.05 : 0)
        set rmargin at screen 0.07 + (p + 1) * pw - 0.015
        ylab = c." (events per page)"
        set ylabel ylab noenhanced
        if (p == npanels - 1) {
            set key at screen 0.81, screen 0.84 left top Left reverse samplen 3
        } else {
            unset key
        }
        plot for [i=0:nblocks-1] datafile index i using 1:(column(c)) with linespoints \
             lw 2 pt lpt(i) ps 0.8 dt ldt(i) lc rgb lcol(i) title columnheader(1)
        p = p + 1
    }
    unset multiplot
    set output
}
