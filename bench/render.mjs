// Renders the results of one `make bench` run (JSON lines, see bench/common/results.h) as the benchmark
// section of docs/performance.md: for every figure, civicgrid's min / median / max over the runs, each peer's
// median from the same run, the ratio, the target and whether it is met, then the exact commands.
//
// Usage: node bench/render.mjs --results FILE --machine FILE [--page docs/performance.md] [--partial]
//   --results  the JSON-lines file the suite appended to
//   --machine  a JSON object describing the machine and the run (written by scripts/bench.sh)
//   --page     the page to rewrite between "<!-- bench:begin -->" and "<!-- bench:end -->" (the markers are
//              added after the page's first paragraph when absent); without it, prints the section
//   --partial  the run measured only some parts (scripts/bench.sh --only): only the sections it measured
//              are rewritten (each with a line naming the run), the page's other sections, targets and
//              commands stay as an earlier run wrote them
import fs from 'node:fs';

const args = process.argv.slice(2);
const arg = (name) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
};
if (args.includes('--help') || !arg('--results') || !arg('--machine')) {
  console.log('usage: node bench/render.mjs --results FILE --machine FILE [--page docs/performance.md] [--partial]');
  process.exit(args.includes('--help') ? 0 : 2);
}

// The engines part (bench/engines/run-engines.sh): civicgrid on SQLite as the main row, on PostgreSQL as
// its peer, so that the ratio says how many times SQLite is faster (below 1: PostgreSQL is faster).
const BOTH = ['civicgrid-sqlite', 'civicgrid-postgresql'];
const onBoth = (target) => BOTH.map((subject) => ({ ...target, subject }));
const ENGINES = {
  key: 'PostgreSQL beside SQLite',
  title: () => {
    const cases = byFigure.get('engines.size')?.get('civicgrid-sqlite')?.get('gb')?.extra?.cases;
    return `PostgreSQL beside SQLite: intake, statistics, case lists on the same ${cases ? fmt(cases) : 'N'}-case database`;
  },
  intro: 'The five-city demo territory with a year of cases (`civicgrid demo build`, bench/engines/run-engines.sh), ' +
    'copied into a schema of a throwaway PostgreSQL 15 on the same machine; the same programs as the sections ' +
    'above, with civicgrid on each engine\'s store. Main row: civicgrid on SQLite; peer: civicgrid on PostgreSQL, ' +
    'its ratio = how many times SQLite is faster (below 1: PostgreSQL is faster; for sizes, how many times larger ' +
    'PostgreSQL is). The intake runs on a copy of the SQLite database and on the PostgreSQL schema.',
  subject: 'civicgrid-sqlite',
  columns: ['civicgrid on SQLite min / median / max', 'civicgrid on PostgreSQL: median (SQLite ×)'],
  figures: [
    { id: 'engines.load', label: 'building the database (SQLite: demo build; PostgreSQL: load)', metrics: ['seconds'] },
    { id: 'engines.size', label: 'size on disk', metrics: ['gb'] },
    {
      id: 'engines.intake.c64', label: 'intake, HTTP, 64 connections', metrics: ['cases_per_second', 'p50_ms', 'p99_ms'],
      targets: [...onBoth({ metric: 'cases_per_second', min: 10000 }), ...onBoth({ metric: 'p99_ms', max: 25 })],
    },
    { id: 'engines.intake_store.c64', label: 'intake, the store alone, 64 submitters', metrics: ['cases_per_second', 'p50_ms', 'p99_ms'] },
    { id: 'engines.stats.county_month', label: 'a county\'s month by category', metrics: ['ms'], targets: onBoth({ metric: 'ms', max: 20 }) },
    { id: 'engines.stats.city_year', label: 'a city\'s year by street', metrics: ['ms'], targets: onBoth({ metric: 'ms', max: 20 }) },
    { id: 'engines.lists.page1', label: 'case lists, first pages', metrics: ['p50_ms', 'p99_ms'], targets: onBoth({ metric: 'p99_ms', max: 5 }) },
    { id: 'engines.lists.deep', label: 'case lists, deep pages', metrics: ['p50_ms', 'p99_ms'], targets: onBoth({ metric: 'p99_ms', max: 5 }) },
  ],
};

// The figures, in page order. `metrics`: what to show (the first is the headline); `targets`: checks on
// civicgrid's median (`max`/`min`; of another subject's median with `subject`) or on its ratio to a peer's
// median (`ratio`). A section's `subject` is the main row's subject (default civicgrid), the others are its
// peers; `key` names the section when its title depends on the results (a partial run matches it).
const SECTIONS = [
  {
    title: 'Intake: `POST /api/v1/cases` end to end',
    figures: [
      { id: 'intake.c16', label: '16 connections', metrics: ['cases_per_second', 'p50_ms', 'p99_ms'] },
      {
        id: 'intake.c64', label: '64 connections', metrics: ['cases_per_second', 'p50_ms', 'p99_ms'],
        targets: [{ metric: 'cases_per_second', min: 10000 }, { metric: 'p99_ms', max: 25 }],
      },
      { id: 'intake.c256', label: '256 connections', metrics: ['cases_per_second', 'p50_ms', 'p99_ms'] },
    ],
  },
  {
    title: 'Locate: 1 M points, one thread',
    figures: [
      {
        id: 'locate.linyi', label: '临沂 grids', metrics: ['items_per_second'],
        targets: [{ ratio: 'postgis', min: 50 }, { ratio: 'geos', min: 2 }],
      },
      {
        id: 'locate.province', label: 'the province\'s grids', metrics: ['items_per_second'],
        targets: [{ ratio: 'postgis', min: 50 }, { ratio: 'geos', min: 2 }],
      },
    ],
  },
  {
    title: 'Statistics on the province database\'s history',
    figures: [
      {
        id: 'stats.county_month', label: 'a county\'s month by category', metrics: ['ms'],
        targets: [{ metric: 'ms', max: 20 }, { ratio: 'sqlite', min: 100 }, { ratio: 'postgresql', min: 100 }],
      },
      {
        id: 'stats.city_year', label: 'a city\'s year by street', metrics: ['ms'],
        targets: [{ metric: 'ms', max: 20 }, { ratio: 'sqlite', min: 100 }, { ratio: 'postgresql', min: 100 }],
      },
    ],
  },
  {
    title: 'Case lists: territory subtree + status, keyset pages of 50',
    figures: [
      { id: 'lists.page1', label: 'first pages', metrics: ['p50_ms', 'p99_ms'], targets: [{ metric: 'p99_ms', max: 5 }] },
      { id: 'lists.deep', label: 'deep pages', metrics: ['p50_ms', 'p99_ms'], targets: [{ metric: 'p99_ms', max: 5 }] },
    ],
  },
  ENGINES,
  {
    title: 'Live feed over WebSocket',
    prefix: 'live.',
    metrics: ['p50_ms', 'p99_ms', 'max_ms', 'deliveries_per_second'],
    targets: [{ metric: 'p99_ms', max: 100 }],
  },
  {
    title: 'Footprint with the province database',
    prefix: 'footprint.',
    metrics: ['rss_mb', 'start_ms', 'seconds', 'gb'],
  },
];

const UNITS = {
  cases_per_second: 'cases/s', items_per_second: 'lookups/s', requests_per_second: 'requests/s',
  deliveries_per_second: 'deliveries/s', p50_ms: 'ms (p50)', p99_ms: 'ms (p99)', max_ms: 'ms (max)', ms: 'ms',
  rss_mb: 'MB RSS', start_ms: 'ms to first answer', seconds: 's', gb: 'GB',
};
// Rates compare with rates even when the peer names its own (a ceiling counts requests, not cases).
const RATES = ['cases_per_second', 'requests_per_second', 'items_per_second'];
const higherIsBetter = (metric) => metric.endsWith('_per_second');

// --- the results ---
const records = fs.readFileSync(arg('--results'), 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l));
const machine = JSON.parse(fs.readFileSync(arg('--machine'), 'utf8'));
const byFigure = new Map();
for (const r of records) {
  if (!byFigure.has(r.figure)) byFigure.set(r.figure, new Map());
  const subjects = byFigure.get(r.figure);
  if (!subjects.has(r.subject)) subjects.set(r.subject, new Map());
  const metrics = subjects.get(r.subject);
  const prev = metrics.get(r.metric);
  if (prev) prev.values.push(...r.values);  // a figure measured in several invocations
  else metrics.set(r.metric, { values: [...r.values], command: r.command, extra: r.extra });
}

const median = (v) => {
  const s = [...v].sort((a, b) => a - b);
  const n = s.length;
  return n === 0 ? NaN : n % 2 ? s[(n - 1) / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
};
const fmt = (x) => {
  if (!Number.isFinite(x)) return '–';
  if (Number.isInteger(x)) return x.toLocaleString('en-US');
  const a = Math.abs(x);
  const digits = a >= 100 ? 0 : a >= 10 ? 1 : a >= 1 ? 2 : 3;
  return x.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
};
const summary = (m) => {
  const v = m.values;
  return { min: Math.min(...v), med: median(v), max: Math.max(...v), n: v.length };
};
// A peer's value comparable with civicgrid's `metric`: the same metric, or another rate.
const peerMetric = (metrics, metric) => {
  if (metrics.has(metric)) return metrics.get(metric);
  if (RATES.includes(metric)) for (const r of RATES) if (metrics.has(r)) return metrics.get(r);
  return undefined;
};
const ratioOf = (metric, ours, peer) => (higherIsBetter(metric) ? ours / peer : peer / ours);

const commands = new Map();  // command → figures measured by it
// Commands as run from the tree's root: a program named by its absolute path inside the tree loses
// the path up to the tree, so that the page names no directory of the machine that ran it.
const root = process.cwd() + '/';
const relative = (command) => command.split(root).join('');
const remember = (m, figure) => {
  if (!m || !m.command) return;
  const command = relative(m.command);
  if (!commands.has(command)) commands.set(command, new Set());
  commands.get(command).add(figure);
};

const targetText = (t) => {
  if (t.ratio) return `≥ ${t.min}× ${t.ratio}`;
  return `${t.max !== undefined ? '≤' : '≥'} ${fmt(t.max ?? t.min)} ${UNITS[t.metric] ?? t.metric}`;
};
const verdicts = [];

function figureRows(fig, targets, main = 'civicgrid') {
  const subjects = byFigure.get(fig.id);
  const rows = [];
  if (!subjects || !subjects.has(main)) {
    rows.push(`| ${fig.label} | not measured in this run | | | | |`);
    if (targets?.length) verdicts.push({ figure: fig.id, text: 'not measured in this run', met: undefined });
    return rows;
  }
  const ours = subjects.get(main);
  for (const metric of fig.metrics) {
    const m = ours.get(metric);
    if (!m) continue;
    remember(m, fig.id);
    const s = summary(m);
    const peers = [];
    for (const [subject, metrics] of subjects) {
      if (subject === main) continue;
      const p = peerMetric(metrics, metric);
      if (!p) continue;
      remember(p, fig.id);
      const pm = median(p.values);
      peers.push(`${subject} ${fmt(pm)} (${fmt(ratioOf(metric, s.med, pm))}×)`);
    }
    const checks = [];
    for (const t of targets ?? []) {
      let met, value;
      if (t.ratio) {
        if (metric !== fig.metrics[0]) continue;
        const p = subjects.get(t.ratio) && peerMetric(subjects.get(t.ratio), metric);
        if (!p) continue;
        value = ratioOf(metric, s.med, median(p.values));
        met = value >= t.min;
      } else {
        if (t.metric !== metric) continue;
        const m = t.subject && t.subject !== main ? subjects.get(t.subject)?.get(metric) : ours.get(metric);
        if (!m) continue;
        value = median(m.values);
        met = t.max !== undefined ? value <= t.max : value >= t.min;
      }
      const who = t.subject && t.subject !== main ? `${t.subject} ` : '';
      checks.push(`${who}${targetText(t)}: ${met ? 'met' : 'missed'}`);
      verdicts.push({ figure: `${fig.id} ${t.ratio ? `vs ${t.ratio}` : `${t.subject ? `${t.subject} ` : ''}${metric}`}`, text: `${fmt(value)}${t.ratio ? '×' : ''} (${targetText(t)})`, met });
    }
    rows.push(`| ${fig.label} | ${UNITS[metric] ?? metric} | ${s.n} | ${fmt(s.min)} / **${fmt(s.med)}** / ${fmt(s.max)} | ${peers.join('; ') || '–'} | ${checks.join('; ') || '–'} |`);
  }
  const extra = ours.get(fig.metrics[0])?.extra;
  if (extra && Object.keys(extra).length) rows.push(`| | ${Object.entries(extra).map(([k, v]) => `${k} ${typeof v === 'number' ? fmt(v) : JSON.stringify(v)}`).join(', ')} | | | | |`);
  return rows;
}

const page = arg('--page');
const partial = args.includes('--partial');
const MARK_BEGIN = '<!-- bench:begin -->', MARK_END = '<!-- bench:end -->';
const pageText = page && fs.existsSync(page) ? fs.readFileSync(page, 'utf8') : '# Performance\n\n';

// The page's current section: the lines before its first "### " heading, and each "### " block's lines.
function parseOld(text) {
  const begin = text.indexOf(MARK_BEGIN), end = text.indexOf(MARK_END);
  const lines = begin >= 0 && end > begin ? text.slice(begin + MARK_BEGIN.length, end).split('\n') : [];
  const header = [], blocks = [];
  for (const line of lines) {
    if (line.startsWith('### ')) blocks.push({ heading: line.slice(4), lines: [] });
    else if (blocks.length) blocks.at(-1).lines.push(line);
    else header.push(line);
  }
  return { header, blocks };
}
const old = parseOld(pageText);
const oldBlock = (heading) => old.blocks.find((b) => b.heading.startsWith(heading));

const titleOf = (section) => (typeof section.title === 'function' ? section.title() : section.title);
const figuresOf = (section) => section.figures ??
  [...byFigure.keys()].filter((id) => id.startsWith(section.prefix)).sort()
    .map((id) => ({ id, label: id, metrics: section.metrics }));
const measured = (section) => figuresOf(section).some((f) => byFigure.has(f.id));
// A partial run keeps the page's text of every section it did not measure.
const kept = new Set(partial ? SECTIONS.filter((s) => !measured(s) && oldBlock(s.key ?? titleOf(s))) : []);
const inKept = (id) => [...kept].some((s) => (s.figures ? s.figures.some((f) => f.id === id) : id.startsWith(s.prefix)));
const runLine = `\`${machine.command ?? 'make bench'}\` (→ bench/render.mjs) on ${machine.date}, commit ${machine.commit}: ` +
  `${machine.nproc} cores (${machine.cpu}), ${machine.memory}, ${machine.os}. The suite took ${machine.suite_seconds} s` +
  `${machine.load ? `; load average ${machine.load}` : ''}.`;
const PARTIAL_NOTE = 'A section that names its own run was rewritten since by a partial run (`scripts/bench.sh --only …`); ' +
  'the others are from the run above.';

const out = [];
out.push(MARK_BEGIN);
const oldHeader = old.header.join('\n').trim();
if (partial && oldHeader) {
  out.push(...oldHeader.split('\n').map((l) => (l.startsWith('Written by') && !l.includes(PARTIAL_NOTE) ? `${l} ${PARTIAL_NOTE}` : l)));
} else {
  out.push('## Benchmark suite (`make bench`)');
  out.push('');
  out.push(`Written by ${runLine} ` +
    `${machine.db ? `Database: ${machine.db}. ` : ''}Each figure gives civicgrid's min / **median** / max over its runs and, beside it, each ` +
    'peer\'s median from the same run with the ratio (how many times civicgrid is faster, or its share of the ceiling). ' +
    'The machine is shared and noisy: compare ratios, not absolute figures across runs.');
}
out.push('');
for (const section of SECTIONS) {
  if (kept.has(section)) {
    const b = oldBlock(section.key ?? titleOf(section));
    out.push(`### ${b.heading}`, ...b.lines);
    continue;
  }
  out.push(`### ${titleOf(section)}`);
  out.push('');
  if (partial) out.push(`Measured by ${runLine}`, '');
  if (section.intro) out.push(section.intro, '');
  const [ours, peers] = section.columns ?? ['civicgrid min / median / max', 'peers: median (ratio)'];
  out.push(`| figure | unit | runs | ${ours} | ${peers} | target |`);
  out.push('|---|---|---|---|---|---|');
  const figures = figuresOf(section);
  if (figures.length === 0) out.push('| not measured in this run | | | | | |');
  for (const fig of figures) out.push(...figureRows(fig, fig.targets ?? section.targets, section.subject));
  out.push('');
}
// The old lines of targets and commands that belong to kept sections only ("- met: FIGURE … — …",
// "- `COMMAND` → FIGURE, FIGURE").
const oldLines = (heading, figuresOfLine) =>
  (oldBlock(heading)?.lines ?? []).filter((l) => l.startsWith('- ')).filter((l) => {
    const ids = figuresOfLine(l);
    return ids.length > 0 && ids.every(inKept);
  });
out.push('### Targets');
out.push('');
out.push(...oldLines('Targets', (l) => [l.split(': ')[1]?.split(' ')[0]].filter(Boolean)));
for (const v of verdicts) out.push(`- ${v.met === undefined ? 'not measured' : v.met ? 'met' : '**missed**'}: ${v.figure} — ${v.text}`);
out.push('');
out.push('### Commands');
out.push('');
out.push('Every figure above came from one of these commands, run by `scripts/bench.sh` in this order:');
out.push('');
out.push(...oldLines('Commands', (l) => (l.includes('` → ') ? l.slice(l.lastIndexOf('` → ') + 4).split(', ') : [])));
for (const [command, figures] of commands) out.push(`- \`${command}\` → ${[...figures].join(', ')}`);
out.push(MARK_END);
const section = out.join('\n') + '\n';

if (!page) {
  process.stdout.write(section);
} else {
  let text = pageText;
  const begin = text.indexOf(MARK_BEGIN);
  const end = text.indexOf(MARK_END);
  if (begin >= 0 && end > begin) {
    text = text.slice(0, begin) + section + text.slice(end + (MARK_END + '\n').length);
  } else {
    const firstBreak = text.indexOf('\n## ');
    text = firstBreak >= 0 ? text.slice(0, firstBreak + 1) + section + '\n' + text.slice(firstBreak + 1) : text + '\n' + section;
  }
  fs.writeFileSync(page, text);
  console.log(`bench: ${page} rewritten (${verdicts.filter((v) => v.met).length}/${verdicts.length} targets met` +
    `${partial ? `; kept from the page: ${[...kept].map(titleOf).join(', ') || 'nothing'}` : ''})`);
  for (const v of verdicts) console.log(`bench:   ${v.met === undefined ? 'not measured' : v.met ? 'met' : 'missed'}: ${v.figure} — ${v.text}`);
}
