# memory.gp - bytes of pfn arrays per page by backend: bytes allocated per
# HMM call (what a driver allocated per call: amdgpu's kvmalloc'ed array) and bytes
# held for the whole run, as clustered bars, each with its value.
#
# Usage:
#   gnuplot -e "datafile='memory-mirror.dat'; outbase='memory-mirror'; subtitle='mirror, npages 262144 | machine'" plots/memory.gp
# writes outbase.png and outbase.svg.  (The report draws it only when the
# backends' bars differ, once per distinct set of bars.)
#
# datafile: a header line, then one row per backend (medians; these are
# deterministic, every repetition has the same value):
#   backend alloc persistent
#   amdgpu-v5.8 8 0        <- bytes_alloc_per_page, bytes_persistent_per_page
if (!exists("datafile") || !exists("outbase")) {
    print "memory.gp: set datafile and outbase with -e"; exit status 2
}
if (!exists("subtitle")) subtitle = ""

set title "Memory for pfn arrays per page, by backend\n".subtitle noenhanced
set ylabel "bytes per page"
set style data histograms
set style histogram clustered gap 1
set style fill solid 0.8 border -1
set boxwidth 0.9
set yrange [0:*]
set offsets 0, 0, 1, 0
set grid ytics lc rgb "#dddddd"
set xtics rotate by -30 left nomirror
set format y "%g"
# the key under the backends' names, the values over their bars (zeros unlabelled)
set key at screen 0.5, screen 0.02 center bottom horizontal
set bmargin 9
# one cluster per row, at x = 1, 2, ... (the header line is row 0): the axis
# ends at the first and last
stats datafile using 2 nooutput
set xrange [0.4 : STATS_records + 0.6]
v(x) = x != x || x == 0 ? "" : sprintf("%.3g", x)

do for [fmt in "png svg"] {
    if (fmt eq "png") {
        set terminal pngcairo size 900,540 noenhanced font "sans,10"
    } else {
        set terminal svg size 900,540 dynamic noenhanced font "sans,10"
    }
    set output outbase.".".fmt
    plot datafile using 2:xtic(1) title "allocated per call (bytes_alloc_per_page)", \
         '' using 3 title "held for the run (bytes_persistent_per_page)", \
         '' using ($0 - 0.2):2:(v($2)) with labels offset 0, 0.6 font ",7" notitle, \
         '' using ($0 + 0.2):3:(v($3)) with labels offset 0, 0.6 font ",7" notitle
    set output
}
