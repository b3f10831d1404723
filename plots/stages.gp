# stages.gp - where the time of one backend goes: stacked share of each
# stage of the fault path (prepare, walk, alloc, convert, dma) per npages.
#
# Usage:
#   gnuplot -e "datafile='stages-mirror-convert.dat'; outbase='stages-mirror-convert'; subtitle='mirror convert | machine'" plots/stages.gp
# writes outbase.png and outbase.svg.
#
# datafile: a header line, then one row per npages, medians in ns/page:
#   npages prepare walk alloc convert dma
#   1 60.3 397.2 28.0 5.2 0.5
if (!exists("datafile") || !exists("outbase")) {
    print "stages.gp: set datafile and outbase with -e"; exit status 2
}
if (!exists("subtitle")) subtitle = ""

set title "Share of each stage in the measured path\n".subtitle noenhanced
set xlabel "npages"
set ylabel "share of the sum of stages (%)"
set style data histograms
set style histogram rowstacked
set style fill solid 0.85 border -1
set boxwidth 0.75
set yrange [0:100]
set key outside right autotitle columnheader
set grid ytics lc rgb "#dddddd"
total(a,b,c,d,e) = (a+b+c+d+e) > 0 ? (a+b+c+d+e) : 1
share(c) = 100.0 * column(c) / total(column(2), column(3), column(4), column(5), column(6))

do for [fmt in "png svg"] {
    if (fmt eq "png") {
        set terminal pngcairo size 1024,520 noenhanced font "sans,10"
    } else {
        set terminal svg size 1024,520 dynamic noenhanced font "sans,10"
    }
    set output outbase.".".fmt
    plot for [c=2:6] datafile using (share(c)):xtic(1) title columnheader(c)
    set output
}
