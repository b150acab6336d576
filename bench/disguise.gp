# Recall by level of disguise at zero false positives (JavaScript, Python) and at 1 % false
# positives (JavaScript, with the prototypes of kind tokens), and AUC on reworded prose.
set terminal pngcairo size 1800,500 font "DejaVu Sans,10" noenhanced
set output 'bench/out/disguise_recall.png'
set datafile separator "\t"
set multiplot layout 1,4
set xrange [0.8:6.2]
set yrange [0:105]
set xtics ("1" 1, "2 ren." 2, "3 decl." 3, "4 extr." 4, "5 reord." 5, "6 ctrl" 6)
set xlabel "level of disguise (cumulative)"
set key top right font ",8"
measures = "containment|containment - boilerplate|rarity-weighted|pg_trgm similarity|pg_trgm word_similarity|prototype: kind_8|prototype: kind_5_in_units|units, smoothed|unit skeletons, smoothed"
m(i) = system(sprintf("echo '%s' | cut -d'|' -f%d", measures, i))
do for [lang in "js py"] {
    set title (lang eq "js" ? "JavaScript clones, zero false positives" : "Python clones, zero false positives")
    set ylabel "recall (%)"
    plot for [i=1:9] sprintf("< awk -F'\\t' '$1 == \"%s\" && $2 == \"%s\"' bench/out/disguise_recall.tsv", lang, m(i)) using 3:4 with linespoints title m(i)
}
set title "JavaScript clones, 1 % false positives"
plot for [i=1:9] sprintf("< awk -F'\\t' '$1 == \"js\" && $2 == \"%s\"' bench/out/disguise_recall.tsv", m(i)) using 3:5 with linespoints title m(i)
set title "Reworded prose, a sentence or two: AUC"
set xrange [0.8:5.2]
set yrange [0.5:1.02]
set xtics ("1 reordered" 1, "2 +1/5 syn." 2, "3 +1/2 syn." 3, "4 +clauses" 4, "5 rewritten" 5)
set xlabel "strength of rewording"
set ylabel "AUC"
set key bottom left font ",8"
pm = "containment (k = 5)|containment of words (k = 1)|containment of word pairs (k = 2)|rarity-weighted words (k = 1, common words subtracted)|pg_trgm similarity|pg_trgm word_similarity|words and stems (fingerprint_words)"
p(i) = system(sprintf("echo '%s' | cut -d'|' -f%d", pm, i))
plot for [i=1:7] sprintf("< awk -F'\\t' '$1 == \"sentence\" && $2 == \"%s\"' bench/out/disguise_auc.tsv", p(i)) using 3:4 with linespoints title p(i)
