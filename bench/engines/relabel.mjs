// Turns the records of one engine's run of bench_store or run-intake.sh into the engines figures of the
// benchmark suite: figure F of subject civicgrid becomes "engines.F" of subject SUBJECT, the storage
// ceiling of intake.cK becomes "engines.intake_store.cK" of SUBJECT; the records of other subjects (the
// HTTP ceiling, SQL peers) are left out. Every kept record's extra gains {"engine": ENGINE}.
//
// Usage: node bench/engines/relabel.mjs --in FILE --out FILE --subject civicgrid-postgresql --engine postgresql
//   appends to --out; fails when --in holds no record to keep.
import fs from 'node:fs';

const args = process.argv.slice(2);
const arg = (name) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
};
if (!arg('--in') || !arg('--out') || !arg('--subject') || !arg('--engine')) {
  console.error('usage: node bench/engines/relabel.mjs --in FILE --out FILE --subject NAME --engine NAME');
  process.exit(2);
}

const kept = [];
for (const line of fs.readFileSync(arg('--in'), 'utf8').split('\n').filter(Boolean)) {
  const r = JSON.parse(line);
  let figure;
  if (r.subject === 'civicgrid') figure = `engines.${r.figure}`;
  else if (r.subject === 'store_ceiling' && r.figure.startsWith('intake.c')) figure = `engines.intake_store.${r.figure.slice('intake.'.length)}`;
  else continue;
  kept.push(JSON.stringify({ ...r, figure, subject: arg('--subject'), extra: { ...(r.extra ?? {}), engine: arg('--engine') } }));
}
if (kept.length === 0) {
  console.error(`relabel: ${arg('--in')} holds no civicgrid or store_ceiling record`);
  process.exit(1);
}
fs.appendFileSync(arg('--out'), kept.join('\n') + '\n');
