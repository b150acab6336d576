// Tokenizer sample in code mode, written for pg_llmcopy's tests.
'use strict';

/* A block comment
   over two lines */
const π = 3.14159;          # not a comment in JS, but '#' then space is one here
const größe = 0x1F + 1e-5 + .5 + 10_000n;
function naïve(a, b) {
  if (a === b && a !== null) return `template ${a} and ${b}`;
  let s = "double \"quoted\" string", t = 'single \'quoted\'';
  return a?.b ?? b >>> 2 <= 3 ? s : t;   // trailing comment
}
#!shebang-like line
x += 1; y **= 2; z ||= w; arr.map((v) => v * 2);
const 名前 = "日本語の文字列";
