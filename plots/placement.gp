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
set format y "%g"
set xtics rotate by -30 left nomirror
# the key under the backends' names, the values over their bars
set key at screen 0.5, screen 0.02 center bottom horizontal
set bmargin 9
# one cluster per row, at x = 1, 2, ... (the header line is row 0): the axis
# ends at the first and last
stats datafile using 2 nooutput
set xrange [0.4 : STATS_records + 0.6]
v(x) = x != x ? "" : sprintf("%.3g", x)

do for [fmt in "png svg"] {
    if (fmt eq "png") {
        set terminal pngcairo size 900,540 noenhanced font "sans,10"
    } else {
        set terminal svg size 900,540 dynamic noenhanced font "sans,10"
    }
    set output outbase.".".fmt
    plot datafile using 2:xtic(1) title "local", '' using 3 title "remote", \
         '' using ($0 - 0.2):2:(v($2)) with labels offset 0, 0.6 font ",7" notitle, \
         '' using ($0 + 0.2):3:(v($3)) with labels offset 0, 0.6 font ",7" notitle
    set output
}
