# placement.gp - ns per page with memory placed locally vs on a remote NUMA
# node, per backend (only meaningful on machines with more than one node).
#
# Usage:
#   gnuplot -e "datafile='placement.dat'; outbase='placement'; subtitle='npages 4096 | machine'" plots/placement.gp
# writes outbase.png and outbase.svg.
#
# datafile: a header line, then one row per backend:
#   backend local remote
#   nouveau-v5.8 21.3 27.9        <- median ns/page, all pages local; median
#                               ns/page, some structure on another node
# (NaN where that placement was not run.)
if (!exists("datafile") || !exists("outbase")) {
    print "placement.gp: set datafile and outbase with -e"; exit status 2
}
if (!exists("subtitle")) subtitle = ""

set title "Local vs remote placement\n".subtitle noenhanced
set ylabel "ns per page (median)"
set xlabel "backend"
set style data histograms
set style histogram clustered gap 1
set style fill solid 0.8 border -1
set boxwidth 0.9
set yrange [0:*]
set grid ytics lc rgb "#dddddd"
set key top left autotitle columnheader

do for [fmt in "png svg"] {
    if (fmt eq "png") {
        set terminal pngcairo size 800,500 noenhanced font "sans,10"
    } else {
        set terminal svg size 800,500 dynamic noenhanced font "sans,10"
    }
    set output outbase.".".fmt
    plot datafile using 2:xtic(1) title "local", '' using 3 title "remote"
    set output
}
