# Recall at zero false positives by level of disguise (JavaScript, Python), and AUC on reworded prose.
set terminal pngcairo size 1500,500 font "DejaVu Sans,10" noenhanced
set output 'bench/out/disguise_recall.png'
set datafile separator "\t"
set multiplot layout 1,3
set xrange [0.8:6.2]
set yrange [0:105]
set xtics ("1 layout" 1, "2 renamed" 2, "3 decl. moved" 3, "4 extracted" 4, "5 reordered" 5, "6 control" 6)
set xlabel "level of disguise (cumulative)"
set ylabel "recall at zero false positives (%)"
set key top right font ",8"
measures = "containment|containment - boilerplate|rarity-weighted|pg_trgm similarity|pg_trgm word_similarity|prototype: kind_8|prototype: kind_units"
n = 7
m(i) = system(sprintf("echo '%s' | cut -d'|' -f%d", measures, i))
do for [lang in "js py"] {
    set title (lang eq "js" ? "JavaScript clones (npm corpus)" : "Python clones (stdlib, Debian)")
    plot for [i=1:n] sprintf("< awk -F'\\t' '$1 == \"%s\" && $2 == \"%s\"' bench/out/disguise_recall.tsv", lang, m(i)) using 3:4 with linespoints title m(i)
}
set title "Reworded prose: AUC against passages on the same topic"
set xrange [0.8:4.2]
set yrange [0.5:1.02]
set xtics ("1 reordered" 1, "2 +20% syn." 2, "3 +50% syn." 3, "4 +clauses" 4)
set xlabel "strength of rewording"
set ylabel "AUC"
set key bottom left font ",8"
pm = "containment (k = 5)|containment of words (k = 1)|containment of word pairs (k = 2)|rarity-weighted words (k = 1, common words subtracted)|pg_trgm similarity|pg_trgm word_similarity"
p(i) = system(sprintf("echo '%s' | cut -d'|' -f%d", pm, i))
plot for [i=1:6] sprintf("< awk -F'\\t' '$1 == \"%s\"' bench/out/disguise_auc.tsv", p(i)) using 2:3 with linespoints title p(i)
unset multiplot
