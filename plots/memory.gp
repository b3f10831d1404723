# memory.gp - bytes of pfn arrays per page by backend: bytes allocated per
# HMM call (what a driver allocated per call: amdgpu's kvmalloc'ed array) and bytes
# held for the whole run, as clustered bars.
#
# Usage:
#   gnuplot -e "datafile='memory-mirror.dat'; outbase='memory-mirror'; subtitle='mirror, npages 262144 | machine'" plots/memory.gp
# writes outbase.png and outbase.svg.
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
set xlabel "backend"
set style data histograms
set style histogram clustered gap 1
set style fill solid 0.8 border -1
set boxwidth 0.9
set yrange [0:*]
set offsets 0, 0, 1, 0
set grid ytics lc rgb "#dddddd"
set key top right

do for [fmt in "png svg"] {
    if (fmt eq "png") {
        set terminal pngcairo size 800,500 noenhanced font "sans,10"
    } else {
        set terminal svg size 800,500 dynamic noenhanced font "sans,10"
    }
    set output outbase.".".fmt
    plot datafile using 2:xtic(1) title "allocated per call (bytes_alloc_per_page)", \
         '' using 3 title "held for the run (bytes_persistent_per_page)"
    set output
}
