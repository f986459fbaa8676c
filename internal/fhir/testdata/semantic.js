// Reads a Questionnaire and responses that hold only answers from the JSON file named on the
// command line, and prints, for each response, what an R4 form filler with SDC expressions
// makes of it: the variables (scores), the calculated items (scores, bands, flags) and which
// items are enabled. It knows nothing of ketascreen: enableWhen follows the R4 definitions of
// the operators, expressions are run by fhirpath.js (KETASCREEN_FHIRPATH names its folder).
'use strict';
const fs = require('fs');
const dir = process.env.KETASCREEN_FHIRPATH;
const fhirpath = require(dir);
const model = require(dir + '/fhir-context/r4');

const VARIABLE = 'http://hl7.org/fhir/StructureDefinition/variable';
const CALCULATED = 'http://hl7.org/fhir/uv/sdc/StructureDefinition/sdc-questionnaire-calculatedExpression';
const ENABLE = 'http://hl7.org/fhir/uv/sdc/StructureDefinition/sdc-questionnaire-enableWhenExpression';

const input = JSON.parse(fs.readFileSync(process.argv[2], 'utf8'));
const q = input.questionnaire;
// Each expression gets only the variables it names: fhirpath.js prepares every variable it is
// given on every call, and the Questionnaire is large.
const compiled = new Map();
function run(expr, resource, vars) {
  if (!compiled.has(expr)) {
    const names = [...new Set((expr.match(/%[A-Za-z_][A-Za-z0-9_]*/g) || []).map(v => v.slice(1)))];
    compiled.set(expr, {f: fhirpath.compile(expr, model), names});
  }
  const {f, names} = compiled.get(expr);
  const all = Object.assign({resource, questionnaire: q}, vars);
  const env = {};
  for (const n of names) env[n] = all[n];
  return f(resource, env);
}
const ext = (e, url) => (e.extension || []).filter(x => x.url === url);

function* walk(items) {
  for (const it of items || []) { yield it; yield* walk(it.item); }
}

// answers of every item with the link id, anywhere in the response
function answers(qr, linkId) {
  const out = [];
  for (const it of walk(qr.item)) if (it.linkId === linkId) out.push(...(it.answer || []));
  return out;
}

function equal(answer, ew) {
  if (ew.answerCoding) {
    const c = answer.valueCoding;
    return !!c && c.code === ew.answerCoding.code && (!ew.answerCoding.system || c.system === ew.answerCoding.system);
  }
  if (ew.answerInteger !== undefined) return answer.valueInteger === ew.answerInteger;
  if (ew.answerBoolean !== undefined) return answer.valueBoolean === ew.answerBoolean;
  throw new Error('enableWhen answer type not handled: ' + JSON.stringify(ew));
}

function compare(answer, ew) {
  if (answer.valueInteger === undefined || ew.answerInteger === undefined) throw new Error('ordered comparison of non-integers');
  return answer.valueInteger - ew.answerInteger;
}

// one enableWhen, by the R4 definitions of QuestionnaireItemOperator
function holds(qr, ew) {
  const as = answers(qr, ew.question);
  switch (ew.operator) {
    case 'exists': return (as.length > 0) === ew.answerBoolean;
    case '=': return as.some(a => equal(a, ew));
    case '!=': return !as.some(a => equal(a, ew));
    case '>': return as.some(a => compare(a, ew) > 0);
    case '<': return as.some(a => compare(a, ew) < 0);
    case '>=': return as.some(a => compare(a, ew) >= 0);
    case '<=': return as.some(a => compare(a, ew) <= 0);
  }
  throw new Error('unknown operator ' + ew.operator);
}

function enabledHere(item, qr, vars) {
  const x = ext(item, ENABLE);
  if (x.length) {
    const r = run(x[0].valueExpression.expression, qr, vars);
    if (r.length !== 1 || typeof r[0] !== 'boolean') throw new Error(item.linkId + ': enableWhenExpression gave ' + JSON.stringify(r));
    return r[0];
  }
  if (!item.enableWhen) return true;
  const results = item.enableWhen.map(ew => holds(qr, ew));
  return item.enableBehavior === 'any' ? results.some(Boolean) : results.every(Boolean);
}

function answerOf(item, value) {
  if (item.type === 'integer') return {valueInteger: value};
  if (item.type === 'choice') return {valueCoding: {system: value.system, code: value.code, display: value.display}};
  throw new Error('calculated item of type ' + item.type);
}

const out = [];
for (const qr of input.responses) {
  const vars = {};
  for (const v of ext(q, VARIABLE)) vars[v.valueExpression.name] = run(v.valueExpression.expression, qr, vars);
  // The calculated items, as a form filler writes them into the response.
  const calculated = {};
  const result = {linkId: 'result', item: []};
  for (const it of walk(q.item)) {
    const x = ext(it, CALCULATED);
    if (!x.length) continue;
    const value = run(x[0].valueExpression.expression, qr, vars);
    calculated[it.linkId] = value.map(v => (typeof v === 'object' ? v.code : v));
    if (value.length) result.item.push({linkId: it.linkId, answer: value.map(v => answerOf(it, v))});
  }
  const filled = Object.assign({}, qr, {item: [...(qr.item || []), result]});
  const enabled = [];
  const visit = (items, parentOn) => {
    for (const it of items || []) {
      const on = parentOn && enabledHere(it, filled, vars);
      if (on) enabled.push(it.linkId);
      visit(it.item, on);
    }
  };
  visit(q.item, true);
  const scores = {};
  for (const [k, v] of Object.entries(vars)) if (v.length) scores[k] = v[0];
  out.push({enabled, scores, calculated});
}
process.stdout.write(JSON.stringify(out));
