# ns_per_page.gp - wall time per page over npages, one line per backend;
# null (the harness alone) in a panel of its own below, so that its
# fractions of a ns do not stretch the others' axis.
#
# Usage:
#   gnuplot -e "datafile='ns_per_page-mirror.dat'; outbase='ns_per_page-mirror'; subtitle='mirror | machine'" plots/ns_per_page.gp
# writes outbase.png (pngcairo) and outbase.svg.  Optional: nullidx (the
# block of null, -1: none), the styles of style.gp (colours, dts, pts, xt;
# dir: where style.gp is, default plots/), and the drivers' windows as
# dashed marks named above the plot: nmarks=N; markx1=16;
# marklab1='16: nouveau-v5.6/v5.7/v5.8'; ... (report_figstyle.c makes
# them from the backends' declarations).
#
# datafile: one block per backend, blocks separated by two blank lines; the
# first line of a block is a header whose first word is the backend name:
#   nouveau-v5.8 median min max
#   1 491.2 489.0 495.3          <- npages, median ns/page, min, max over
#   16 60.1 59.7 61.0               the repetitions
# The x axis is logarithmic, a y axis too when its values span more than
# 10x; error bars span the repetitions (min..max).
if (!exists("datafile") || !exists("outbase")) {
    print "ns_per_page.gp: set datafile and outbase with -e"; exit status 2
}
if (!exists("subtitle")) subtitle = ""
if (!exists("nullidx")) nullidx = -1
if (!exists("nmarks")) nmarks = 0
if (!exists("dir")) dir = "plots/"

stats datafile using 1 nooutput
nblocks = STATS_blocks
xmin = STATS_min
xmax = STATS_max
# the y range of every backend but null (before style.gp sets the x range,
# which stats would apply to column 3)
ymin = 1e300
ymax = -1e300
others = ""
do for [i=0:nblocks-1] {
    if (i != nullidx) {
        stats datafile index i using 3:4 nooutput
        ymin = STATS_min_x < ymin ? STATS_min_x : ymin
        ymax = STATS_max_y > ymax ? STATS_max_y : ymax
        others = others.sprintf(" %d", i)
    }
}
withnull = nullidx >= 0 && nullidx < nblocks
nlogy = 0
if (withnull) {
    stats datafile index nullidx using 3:4 nooutput
    nlo = STATS_min_x
    nhi = STATS_max_y
    nlogy = nlo > 0 && nhi / nlo > 10
}
load dir."style.gp"
split = withnull && words(others) > 0
xlab = "npages (pages in the range, log scale)"

# log y where the values span more than 10x (else a log axis has no tic)
logy = ymin > 0 && ymax / ymin > 10
set format y "%g"
set grid xtics ytics mytics lc rgb "#dddddd"
set logscale x2
set x2range [xmin / 1.25 : xmax * 1.25]
set lmargin at screen 0.09
set rmargin at screen 0.75
# room above the plot for the windows' names
top = nmarks > 0 ? 0.78 : 0.87
set key at screen 0.765, screen top left top Left reverse samplen 3 spacing 1.1

do for [fmt in "png svg"] {
    if (fmt eq "png") {
        set terminal pngcairo size 1024,720 noenhanced font "sans,10"
    } else {
        set terminal svg size 1024,720 dynamic noenhanced font "sans,10"
    }
    set output outbase.".".fmt
    set multiplot title "Wall time per page by backend\n".subtitle noenhanced
    # the drivers' windows: dashed lines, named on the x2 axis above the plot
    unset arrow
    if (nmarks > 0) {
        set x2tics () rotate by 20 left font ",8" scale 0 offset 0, -0.3
        do for [k=1:nmarks] {
            mx = value(sprintf("markx%d", k))
            set x2tics add (value(sprintf("marklab%d", k)) mx)
            set arrow from mx, graph 0 to mx, graph 1 nohead dt 2 lc rgb "#999999" back
        }
    } else {
        unset x2tics
    }
    set tmargin at screen top
    set bmargin at screen (split ? 0.33 : 0.1)
    set ylabel "ns per page (median; bars: min..max of repetitions)"
    if (logy) {
        set logscale y
        set yrange [ymin / 1.3 : ymax * 1.3]
        eval logtics("y", ymin / 1.3, ymax * 1.3, 12)
    } else {
        set ytics autofreq
        unset logscale y
        set yrange [0 : ymax * 1.1]
    }
    eval xtics_at(!split)
    set xlabel (split ? "" : xlab)
    if (words(others) > 0) {
        plot for [s in others] datafile index int(s) using 1:2:3:4 with yerrorlines \
             lw 2 pt lpt(int(s)) ps 0.8 dt ldt(int(s)) lc rgb lcol(int(s)) title columnheader(1)
    }
    if (withnull) {
        # null: the harness alone, on its own axis below (or alone)
        if (split) {
            unset x2tics
            set tmargin at screen 0.27
            set bmargin at screen 0.08
            eval xtics_at(1)
            set xlabel xlab
            set ylabel "null (the harness\nalone), ns per page"
            unset key
        }
        set ytics autofreq
        if (nlogy) { set logscale y; set autoscale y; eval logtics("y", nlo, nhi, 6) } else { unset logscale y; set yrange [0:*] }
        plot datafile index nullidx using 1:2:3:4 with yerrorlines lw 2 pt lpt(nullidx) ps 0.8 \
             dt ldt(nullidx) lc rgb lcol(nullidx) title columnheader(1)
        set key
    }
    unset multiplot
    set output
}
