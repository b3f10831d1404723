# ns_per_page.gp - wall time per page over npages, one line per backend.
#
# Usage:
#   gnuplot -e "datafile='ns_per_page-mirror.dat'; outbase='ns_per_page-mirror'; subtitle='mirror | machine'" plots/ns_per_page.gp
# writes outbase.png (pngcairo) and outbase.svg.
#
# datafile: one block per backend, blocks separated by two blank lines; the
# first line of a block is a header whose first word is the backend name:
#   nouveau-v5.8 median min max
#   1 491.2 489.0 495.3          <- npages, median ns/page, min, max over
#   16 60.1 59.7 61.0               the repetitions
# Both axes are logarithmic; error bars span the repetitions (min..max).
# Dashed vertical lines mark batch sizes drivers use: 1 (nouveau v5.9+),
# 16 (nouveau v5.8), 32 and 64 (dmirror), 512 (one PMD).
if (!exists("datafile") || !exists("outbase")) {
    print "ns_per_page.gp: set datafile and outbase with -e"; exit status 2
}
if (!exists("subtitle")) subtitle = ""

stats datafile using 1 nooutput
nblocks = STATS_blocks

set title "Wall time per page by backend\n".subtitle noenhanced
set xlabel "npages (pages in the range, log scale)"
set ylabel "ns per page (median, bars: min..max of repetitions)"
set logscale xy
set grid xtics ytics mxtics mytics lc rgb "#dddddd"
set key top right box opaque
set format x "%.0f"
do for [m in "1 16 32 64 512"] {
    set arrow from m+0, graph 0 to m+0, graph 1 nohead dt 2 lc rgb "#999999"
}

do for [fmt in "png svg"] {
    if (fmt eq "png") {
        set terminal pngcairo size 1024,640 noenhanced font "sans,10"
    } else {
        set terminal svg size 1024,640 dynamic noenhanced font "sans,10"
    }
    set output outbase.".".fmt
    plot for [i=0:nblocks-1] datafile index i using 1:2:3:4 \
         with yerrorlines lw 2 pt 7 ps 0.7 title columnheader(1)
    set output
}
