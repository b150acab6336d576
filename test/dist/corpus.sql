-- The distributed suites' data, generated the same on every server from
-- :works works and :outputs outputs (psql variables): works of 150 to 600
-- words from a 20,000-word vocabulary, one in a hundred opening with a
-- shared 60-word header, one in twenty a near-duplicate of the work five
-- before it (one word in 40 changed); outputs that copy 80 words of one
-- work, 50 words of each of two, the header and 30 words, or nothing;
-- evaluation items for decontamination: near-copies of one work in 400
-- (a sentence added) and ten new texts.  Every value is a function of the
-- row number alone.
CREATE FUNCTION pg_temp.words(seed bigint, n int) RETURNS text
LANGUAGE sql IMMUTABLE AS $$
    SELECT string_agg('w' || (abs(hashint8(seed * 100003 + j)) % 20000)::text, ' ' ORDER BY j)
    FROM generate_series(1, n) j $$;
-- the text with one word in 40 replaced
CREATE FUNCTION pg_temp.edit(body text, seed bigint) RETURNS text
LANGUAGE sql IMMUTABLE AS $$
    SELECT string_agg(CASE WHEN abs(hashint8(seed * 7919 + i)) % 40 = 0 THEN 'x' || i ELSE w END, ' ' ORDER BY i)
    FROM unnest(string_to_array(body, ' ')) WITH ORDINALITY u(w, i) $$;
-- n words of a text from word k
CREATE FUNCTION pg_temp.part(body text, k int, n int) RETURNS text
LANGUAGE sql IMMUTABLE AS $$
    SELECT array_to_string((string_to_array(body, ' '))[k:k + n - 1], ' ') $$;

CREATE TABLE works (
    id bigint PRIMARY KEY,
    title text, author text, source text, license text,
    body text NOT NULL
);
INSERT INTO works
SELECT i, 'Work ' || i, 'Author ' || (i % 97), 'https://example.org/works/' || i,
       (ARRAY['MIT', 'Apache-2.0', 'GPL-2.0+', 'CC-BY-SA-4.0', 'BSD-3-Clause', 'Expat',
              'GPL-3.0-only', 'CC-BY-NC-4.0', NULL])[1 + i % 9],
       CASE WHEN i % 100 = 0 THEN pg_temp.words(-1, 60) || ' ' ELSE '' END
       || pg_temp.words(i, 150 + (abs(hashint8(i)) % 450)::int)
FROM generate_series(1, :works) i;
-- near-duplicates: work i (i % 20 = 7) is an edited copy of work i - 5
UPDATE works w SET body = pg_temp.edit(v.body, w.id)
FROM works v WHERE w.id % 20 = 7 AND v.id = w.id - 5;

CREATE TABLE outputs (
    id bigint PRIMARY KEY,
    body text NOT NULL,
    logged_at timestamptz NOT NULL,
    model text
);
INSERT INTO outputs
SELECT i,
       CASE i % 4
           WHEN 0 THEN pg_temp.words(-i, 40) || ' ' || pg_temp.part(a.body, 20, 80) || ' ' || pg_temp.words(-i - 1000000, 40)
           WHEN 1 THEN pg_temp.part(a.body, 30, 50) || ' ' || pg_temp.words(-i, 30) || ' ' || pg_temp.part(b.body, 10, 50)
           WHEN 2 THEN pg_temp.words(-i, 160)
           ELSE pg_temp.words(-1, 60) || ' ' || pg_temp.words(-i, 60) || ' ' || pg_temp.part(a.body, 70, 30)
       END,
       timestamptz '2025-01-01 00:00+00' + i * interval '1 minute',
       'model-' || (i % 3)
FROM generate_series(1, :outputs) i
JOIN works a ON a.id = 1 + (i * 67) % :works
JOIN works b ON b.id = 1 + (i * 131 + 17) % :works;

CREATE TABLE eval (item int PRIMARY KEY, body text NOT NULL);
INSERT INTO eval SELECT id, body || ' and a few words added at the end' FROM works WHERE id % 400 = 2;
INSERT INTO eval SELECT 100000 + i, 'a question nobody trained on number ' || i || ' with its own words'
FROM generate_series(1, 10) i;
