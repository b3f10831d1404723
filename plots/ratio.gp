# ratio.gp - the headline comparison's ratio of ns per page over npages
# (conversion backend / its era-B counterpart), with its 95% confidence
# interval as a band; one line per workload.
#
# Usage:
#   gnuplot -e "datafile='ratio.dat'; outbase='ratio'; subtitle='machine'; pair='nouveau-v5.8 / nouveau-v5.7'" plots/ratio.gp
# writes outbase.png and outbase.svg.  With -e "dumb=1" it writes a plain
# text plot (terminal dumb 78 24, no band, the key below) to outbase.txt instead.
# Optional: xt='1 16 512' (x tics at the npages measured; style.gp, dir).
#
# datafile: one block per workload (two blank lines between blocks); the
# first line of a block is a header whose first word is the workload:
#   mirror ratio lo hi
#   1 1.168 1.150 1.190      <- npages, median(conv)/median(direct),
#                               CI low, CI high
# A ratio above 1 means the conversion backend is slower.  The y axis is a
# ratio (no unit); it is logarithmic when the bands span more than 10x.
if (!exists("datafile") || !exists("outbase")) {
    print "ratio.gp: set datafile and outbase with -e"; exit status 2
}
if (!exists("subtitle")) subtitle = ""
if (!exists("dumb")) dumb = 0
if (!exists("pair")) pair = "conversion / era B"
if (!exists("dir")) dir = "plots/"

stats datafile using 1 nooutput
nblocks = STATS_blocks
xmin = STATS_min
xmax = STATS_max
stats datafile using 3:4 nooutput
ylo = STATS_min_x
yhi = STATS_max_y
load dir."style.gp"

set xlabel "npages (log scale)"
set ylabel pair.": ratio of time per page (1 = equal cost)" noenhanced
set format y "%g"
set grid xtics ytics lc rgb "#dddddd"
if (ylo > 0 && yhi / ylo > 10) {
    set logscale y
    set yrange [ylo / 1.2 : yhi * 1.2]
    eval logtics("y", ylo / 1.2, yhi * 1.2, 12)
}

if (dumb) {
    set terminal dumb 78 24
    set output outbase.".txt"
    unset grid
    set key below horizontal
    set title pair." ratio over npages (1.0 = equal)" noenhanced
    plot for [i=0:nblocks-1] datafile index i using 1:2 with linespoints \
         title columnheader(1), 1 with lines notitle
    set output
    exit
}

set title pair." time per page, 95% CI band\n".subtitle noenhanced
set style fill transparent solid 0.20 noborder
set key outside right top Left reverse
set rmargin 18
do for [fmt in "png svg"] {
    if (fmt eq "png") {
        set terminal pngcairo size 1024,640 noenhanced font "sans,10"
    } else {
        set terminal svg size 1024,640 dynamic noenhanced font "sans,10"
    }
    set output outbase.".".fmt
    plot for [i=0:nblocks-1] datafile index i using 1:3:4 \
             with filledcurves lc i+1 notitle, \
         for [i=0:nblocks-1] datafile index i using 1:2 \
             with linespoints lw 2 pt 7 lc i+1 title columnheader(1), \
         1 with lines dt 2 lc rgb "black" title "equal cost"
    set output
}
