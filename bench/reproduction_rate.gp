# Plot of bench/out/reproduction_rate.dat (written by bench/scan.sql): the
# share of outputs that reproduce a work, per model and day.
set terminal pngcairo size 900,450 font ",10"
set output "bench/reproduction_rate.png"
set termoption noenhanced
set title "Reproduction rate per model and day (llmcopy_reproduction_rate: runs of at least 50 tokens)"
set xdata time
set timefmt "%Y-%m-%d"
set format x "%b %d"
set ylabel "outputs reproducing a work / outputs scanned"
set yrange [0:*]
set key outside right top
set grid ytics
plot "bench/out/reproduction_rate.dat" using 1:2 with linespoints title "model-1b (0.5 % planted)", \
     "" using 1:3 with linespoints title "model-7b (2 % planted)", \
     "" using 1:4 with linespoints title "model-70b (5 % planted)"
