-- The winnowing guarantee, over many random text pairs and parameter sets:
-- any shared run of w + k - 1 tokens is found; runs shorter than k never match.

SELECT setseed(0.4242);
CREATE TEMP TABLE g AS
SELECT i, 1 + (i % 6) AS k, 1 + (i % 13) AS w,
       ARRAY(SELECT substr(md5(random()::text || i || j), 1, 8) FROM generate_series(1, 30 + (i % 150)) j) AS a,
       ARRAY(SELECT substr(md5(random()::text || i || -j), 1, 8) FROM generate_series(1, 30 + (i % 97)) j) AS b
FROM generate_series(1, 600) i;

-- plant one run of exactly w + k - 1 tokens of a at a random place in b
CREATE TEMP TABLE planted AS
SELECT i, k, w, a,
       b[1:p] || a[q:q + w + k - 2] || b[p + 1:] AS b
FROM (SELECT *, floor(random() * (cardinality(b) + 1))::int AS p,
             1 + floor(random() * (cardinality(a) - (w + k - 1) + 1))::int AS q FROM g) s;

SELECT count(*) AS pairs,
       count(*) FILTER (WHERE NOT (fa && fb)) AS missed,
       count(*) FILTER (WHERE containment(fa, fb) = 0) AS zero_containment,
       count(DISTINCT (k, w)) AS parameter_sets
FROM (SELECT k, w, fingerprint(array_to_string(a, ' '), k, w) AS fa,
             fingerprint(array_to_string(b, ' '), k, w) AS fb FROM planted) f;

-- the same in code mode, with the run re-indented and commented in b
SELECT count(*) FILTER (WHERE NOT (fa && fb)) AS missed_code
FROM (SELECT fingerprint(array_to_string(a, ' '), k, w, 'code') AS fa,
             fingerprint(array_to_string(b, E'\n    /* x */ '), k, w, 'code') AS fb FROM planted) f;

-- plant three runs of k - 1 tokens (k >= 2), each between new tokens: no k-gram is shared
CREATE TEMP TABLE short_runs AS
SELECT i, k, w, a,
       ARRAY['n1' || i] || a[1:k - 1] || ARRAY['n2' || i] || a[10:10 + k - 2] || b || a[20:20 + k - 2] || ARRAY['n3' || i] AS b
FROM g WHERE k >= 2;

SELECT count(*) AS pairs, count(*) FILTER (WHERE fa && fb) AS false_matches
FROM (SELECT fingerprint(array_to_string(a, ' '), k, w) AS fa,
             fingerprint(array_to_string(b, ' '), k, w) AS fb FROM short_runs) f;

-- while a run of exactly k tokens may match (it is one shared k-gram), and
-- with w = 1 every k-gram is kept, so it must
SELECT count(*) FILTER (WHERE NOT (fingerprint(array_to_string(a, ' '), k, 1) &&
                                   fingerprint('new ' || array_to_string(a[5:5 + k - 1], ' ') || ' words', k, 1))) AS missed_k_runs
FROM g;
