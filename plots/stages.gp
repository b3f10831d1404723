# stages.gp - where the time of one backend goes: stacked share of each
# stage of the fault path (prepare, walk, alloc, convert, dma) per npages,
# one cluster of bars per page-table source (emulated, kernel).
#
# Usage:
#   gnuplot -e "datafile='stages-mirror-nouveau-v5.8.dat'; outbase='stages-mirror-nouveau-v5.8'; subtitle='mirror nouveau-v5.8 | machine'; blocks=2; block0='emulated'; block1='kernel'" plots/stages.gp
# writes outbase.png and outbase.svg.
#
# datafile: one block per source (blocks, default 1; blocks are separated
# by two blank lines), each a header line and one row per npages, medians
# in ns/page:
#   npages prepare walk+faults alloc conversion dma-map
#   1 60.3 397.2 28.0 5.2 0.5
# block0, block1: the clusters' titles (default: none).  Under each bar:
# npages and the sum of the stages in ns/page.
if (!exists("datafile") || !exists("outbase")) {
    print "stages.gp: set datafile and outbase with -e"; exit status 2
}
if (!exists("subtitle")) subtitle = ""
if (!exists("blocks")) blocks = 1
if (!exists("block0")) block0 = ""
if (!exists("block1")) block1 = ""

# the source of each cluster, named above it (newhistogram's own titles
# collide with two-line tic labels); the second cluster starts one gap
# after the first (stats before `set style data histograms`, which
# would change what it counts)
stats datafile index 0 using 1 nooutput
n0 = STATS_records
set label 1 block0 at first (n0 - 1) / 2.0, graph 1.035 center font ",11"
nbars = n0
if (blocks > 1) {
    stats datafile index 1 using 1 nooutput
    set label 2 block1 at first n0 + 1 + (STATS_records - 1) / 2.0, graph 1.035 center font ",11"
    nbars = n0 + 1 + STATS_records
}
# the axis ends at the first and the last bar
set xrange [-0.6 : nbars - 0.4]
set title "Share of each stage in the measured path\n".subtitle noenhanced offset 0,1.2
set xlabel "npages (sum of the stage medians, ns/page)" offset 0,-0.5
set ylabel "share of the sum of stages (%)"
set style data histograms
set style histogram rowstacked
set style fill solid 0.85 border -1
set boxwidth 0.75
set yrange [0:100]
set bmargin 5
set tmargin 6
set key outside right autotitle columnheader
set grid ytics lc rgb "#dddddd"
total(a,b,c,d,e) = (a+b+c+d+e) > 0 ? (a+b+c+d+e) : 1
sum5 = 'total(column(2), column(3), column(4), column(5), column(6))'
share(c) = 100.0 * column(c) / @sum5
ns(s) = s >= 100 ? sprintf("%.0f", s) : sprintf("%.3g", s)
tic = 'stringcolumn(1)."\n".ns(column(2)+column(3)+column(4)+column(5)+column(6))'

do for [fmt in "png svg"] {
    if (fmt eq "png") {
        set terminal pngcairo size 1024,520 noenhanced font "sans,10"
    } else {
        set terminal svg size 1024,520 dynamic noenhanced font "sans,10"
    }
    set output outbase.".".fmt
    if (blocks > 1) {
        plot newhistogram lt 1, \
                 for [c=2:6] datafile index 0 using (share(c)):xtic(@tic) title columnheader(c), \
             newhistogram lt 1, \
                 for [c=2:6] datafile index 1 using (share(c)):xtic(@tic) notitle
    } else {
        plot newhistogram lt 1, \
                 for [c=2:6] datafile using (share(c)):xtic(@tic) title columnheader(c)
    }
    set output
}
