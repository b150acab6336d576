# Recall against copy length, by edit rate: pg_llmcopy (two configurations) and pg_trgm.
set terminal pngcairo size 1100,480 font "DejaVu Sans,10" noenhanced
set output 'bench/out/quality_recall.png'
set datafile separator "\t"
set multiplot layout 1,3
set logscale x
set xrange [8:250]
set yrange [0:105]
set xlabel "copied run (tokens)"
set ylabel "recall (%)"
set key bottom right
rates = "0 0.02 0.05 0.1 0.2"
set title "pg_llmcopy, defaults (<% 0.1)"
plot for [r in rates] sprintf("< awk -F'\\t' '$1 ~ /^defaults/ && $3 == %s' bench/out/quality_recall.tsv", r) using 2:4 with linespoints title sprintf("p = %s", r)
set title "pg_llmcopy, && and spans"
plot for [r in rates] sprintf("< awk -F'\\t' '$1 ~ /^recommended/ && $3 == %s' bench/out/quality_recall.tsv", r) using 2:4 with linespoints title sprintf("p = %s", r)
set title "pg_trgm <% (0.6), sample"
plot for [r in "0 0.05"] sprintf("< awk -F'\\t' '$2 == %s' bench/out/quality_trgm.tsv", r) using 1:3 with linespoints title sprintf("p = %s", r)
unset multiplot
