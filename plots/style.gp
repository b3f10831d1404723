# style.gp - what every figure with a line per backend shares (loaded by
# ns_per_page.gp and counters.gp).  report_figstyle.c passes, block by
# block, colours='#rrggbb ...', dts='1 2 ...' (1 solid: era C and null,
# 2 dashed: era B, 3 dotted: era A) and pts='7 5 ...'; without them (a
# script run by hand) gnuplot's own line types are used.  xt='1 16 512'
# puts the x tics at the npages measured.
if (!exists("colours")) colours = ""
if (!exists("dts")) dts = ""
if (!exists("pts")) pts = ""
if (!exists("xt")) xt = ""
set dashtype 12 (9, 5)
set dashtype 13 (2, 4)
styled(i) = words(colours) > i
lcol(i) = styled(i) ? word(colours, i + 1) : "black"
ldt(i) = !styled(i) ? 1 : int(word(dts, i + 1)) == 2 ? 12 : int(word(dts, i + 1)) == 3 ? 13 : 1
lpt(i) = styled(i) ? int(word(pts, i + 1)) : 7
# the x axis of npages: log scale, ending at the data (xmin, xmax from stats)
set logscale x
set xrange [xmin / 1.25 : xmax * 1.25]
# xtics_at(labelled): `eval xtics_at(1)` puts the tics at xt's npages,
# with their numbers (1) or without (0, for a panel above another)
xtics_at(labelled) = strlen(xt) == 0 ? sprintf("set xtics nomirror; set format x '%s'", labelled ? "%.0f" : "") : \
    "set xtics () nomirror; unset mxtics; do for [w in xt] { set xtics add (".(labelled ? "w" : "''")." int(w)) }"
eval xtics_at(1)
# `eval logtics("y", lo, hi, n)`: the tics of a log axis from lo to hi: at
# 1, 2 and 5 times the powers of 10 when that makes at most n numbers
# (decades alone would leave one or two), else gnuplot's decades
logtics(ax, lo, hi, n) = (lo > 0 && 3 * (log10(hi / lo) + 1) <= n) ? \
    sprintf("set %stics (); do for [e=%d:%d] { do for [m in '1 2 5'] { v = m * 10.0**e; if (v >= %.6g && v <= %.6g) { set %stics add (sprintf('%%g', v) v) } } }", \
            ax, floor(log10(lo)), ceil(log10(hi)), lo, hi, ax) : sprintf("set %stics autofreq", ax)
