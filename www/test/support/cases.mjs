// The golden corpus (tests/cases/**/*.yaml) read and checked exactly as tests/support/cases.rs does:
// only what a case lists is compared; amounts compare as decimals (string normalisation, no floats).
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { parse } from 'yaml';

/** The default import date of cases without one (tests/support/cases.rs `today()`). */
export const TODAY = '2026-11-25';
export const CASES_DIR = new URL('../../../tests/cases/', import.meta.url);

/** Every case under the corpus, sorted by file, each with `file` added. */
export function loadAll(dir = CASES_DIR) {
  const root = dir instanceof URL ? dir.pathname : dir;
  const files = [];
  const walk = (d) => {
    for (const name of readdirSync(d)) {
      const p = join(d, name);
      if (statSync(p).isDirectory()) walk(p);
      else if (name.endsWith('.yaml')) files.push(p);
    }
  };
  walk(root);
  files.sort();
  const out = [];
  const names = new Set();
  for (const f of files) {
    const cases = parse(readFileSync(f, 'utf8'));
    for (const c of cases) {
      if (names.has(c.name)) throw new Error(`${f}: duplicate case name ${c.name}`);
      names.add(c.name);
      out.push({ ...c, file: relative(join(root, '../..'), f) });
    }
  }
  return out;
}

/** A decimal string in canonical form ("1.50" -> "1.5", "-0.00" -> "0"), or null when it is not a plain decimal. */
export function canonDecimal(v) {
  const s = String(v).trim();
  const m = /^([+-]?)(\d*)(?:\.(\d*))?$/.exec(s);
  if (!m || (m[2] === '' && (m[3] ?? '') === '')) return null;
  const int = m[2].replace(/^0+/, '') || '0';
  const frac = (m[3] ?? '').replace(/0+$/, '');
  const body = frac ? `${int}.${frac}` : int;
  return body === '0' ? '0' : (m[1] === '-' ? '-' : '') + body;
}

function field(obj, key) {
  let cur = obj;
  for (const k of key.split('.')) {
    if (cur === null || typeof cur !== 'object' || !(k in cur)) return undefined;
    cur = cur[k];
  }
  return typeof cur === 'string' ? cur : JSON.stringify(cur);
}

const sameDecimal = (got, want) => {
  const g = canonDecimal(got);
  const w = canonDecimal(want);
  return g !== null && w !== null && g === w;
};

/** A field's text is the expected value: equal decimals, or else equal texts (`true`, `unknown`, ...). */
const same = (got, want) => got !== undefined && (canonDecimal(want) !== null ? sameDecimal(got, want) : got === String(want));

/** The lines whose duty is unknown are exactly `expect.duty_unknown`, the totals complete exactly when there are none,
 * and an incomplete quote says so in a `duty_unknown` warning (tests/support/cases.rs `check_unknown`). */
function checkUnknown(expect, json, lines, errs) {
  const got = lines.filter((l) => l.duty?.status === 'unknown').map((l) => l.id).sort();
  const want = [...(expect.duty_unknown ?? [])].map(String).sort();
  if (JSON.stringify(got) !== JSON.stringify(want)) {
    errs.push(`lines with duty unknown ${JSON.stringify(got)} (expected ${JSON.stringify(want)}: list them in \`duty_unknown\`)`);
  }
  const t = json.totals ?? {};
  if (t.complete !== (want.length === 0)) errs.push(`totals.complete = ${t.complete} (expected ${want.length === 0})`);
  if (t.duty_unknown_lines !== want.length) errs.push(`totals.duty_unknown_lines = ${t.duty_unknown_lines} (expected ${want.length})`);
  const warned = (json.warnings ?? []).some((w) => w.code === 'duty_unknown');
  if (warned === (want.length === 0)) errs.push(`warning duty_unknown ${warned ? 'present' : 'absent'} (expected ${want.length ? 'one' : 'none'})`);
}

/** Compares `{quote}` or `{error}` with a case's expectations; returns the list of mismatches (empty = pass). */
export function check(c, result) {
  const expect = c.expect ?? {};
  const want = expect.error;
  if (result.error) {
    const e = result.error;
    if (!want) return [`error ${e.code}: ${e.message}`];
    const errs = [];
    if (e.code !== want.code) errs.push(`error code ${e.code} (expected ${want.code}): ${e.message}`);
    if (want.path !== undefined && e.path !== want.path) errs.push(`error path \`${e.path}\` (expected \`${want.path}\`)`);
    return errs;
  }
  if (want) return [`expected error ${want.code}, got a quote`];
  return checkJson(expect, result.quote);
}

/** Compares a quote object (from the core, WASM or server) with expectations. */
export function checkJson(expect, json) {
  const errs = [];
  for (const [k, want] of Object.entries(expect.totals ?? {})) {
    const got = field(json, `totals.${k}`);
    if (!same(got, want)) errs.push(`totals.${k} = ${got ?? 'absent'} (expected ${want})`);
  }
  const lines = Array.isArray(json.lines) ? json.lines : [];
  checkUnknown(expect, json, lines, errs);
  for (const wantLine of expect.lines ?? []) {
    const id = wantLine.id;
    if (id === undefined) { errs.push('an expected line has no id'); continue; }
    const line = lines.find((l) => l.id === id);
    if (!line) { errs.push(`no line ${id}`); continue; }
    for (const [k, v] of Object.entries(wantLine)) {
      if (k === 'id') continue;
      const key = { duty: 'duty.amount', tax: 'tax.amount', tax_rate: 'tax.rate' }[k] ?? k;
      const got = field(line, key);
      if (!same(got, v)) errs.push(`line ${id} ${key} = ${got ?? 'absent'} (expected ${v})`);
    }
  }
  const outcomes = Array.isArray(json.thresholds) ? json.thresholds : [];
  for (const t of expect.thresholds ?? []) {
    const found = outcomes.filter((o) => o.rule === t.rule && (t.item === undefined || t.item === null || o.item === t.item));
    if (found.length === 0) errs.push(`threshold ${t.rule} was not tested`);
    else if (!found.every((o) => o.passed === t.passed)) errs.push(`threshold ${t.rule} passed = ${found[0].passed} (expected ${t.passed})`);
  }
  const warnings = (json.warnings ?? []).map((w) => w.code);
  for (const w of expect.warnings ?? []) {
    if (!warnings.includes(w)) errs.push(`warning ${w} absent (got ${JSON.stringify(warnings)})`);
  }
  return errs;
}
