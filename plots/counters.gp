# counters.gp - perf counters per page over npages, one panel per counter,
# one line per backend.
#
# Usage:
#   gnuplot -e "datafile='counters-mirror.dat'; outbase='counters-mirror'; subtitle='mirror | machine'; counters='page_faults_per_page'" plots/counters.gp
# writes outbase.png and outbase.svg.  counters names the columns to plot
# (space separated); pass only counters that were measured, since a panel
# with no valid point is an error in gnuplot.  Default: instructions, LLC
# misses and page faults per page.
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

stats datafile using 1 nooutput
nblocks = STATS_blocks
npanels = words(counters)

set logscale x
set format x "%.0f"
set xlabel "npages (log scale)"
set grid xtics ytics lc rgb "#dddddd"
set key top right
# each panel names its counter on the y axis

do for [fmt in "png svg"] {
    if (fmt eq "png") {
        set terminal pngcairo size 1024,480 noenhanced font "sans,10"
    } else {
        set terminal svg size 1024,480 dynamic noenhanced font "sans,10"
    }
    set output outbase.".".fmt
    set multiplot layout 1,npanels title "Counters per page (median)\n".subtitle noenhanced
    do for [c in counters] {
        ylab = c." (events per page)"
        set ylabel ylab noenhanced
        plot for [i=0:nblocks-1] datafile index i using 1:(column(c)) \
             with linespoints lw 2 pt 7 title columnheader(1)
    }
    unset multiplot
    set output
}
