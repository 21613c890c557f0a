#include "runtime/observability/dashboard_page.hpp"

namespace actortx {

namespace {

// The page reads /api/dashboard.json (to_json of a metrics_report, runtime/metrics_report.hpp)
// and tolerates missing fields, so that an older or newer runtime still renders what it can.
// Throughput comes from the difference of overall.committed between polls (server time, so it
// stays right when the browser throttles timers), and from the trend until two polls span a
// second.
constexpr std::string_view page = R"html(<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>actortx dashboard</title>
<style>
  :root {
    --bg: #f4f5f7; --panel: #fff; --ink: #1d2430; --muted: #6b7480; --line: #e2e5ea;
    --ok: #1f8a4c; --warn: #b7791f; --bad: #c53030; --info: #2b6cb0; --accent: #3558d6;
  }
  * { box-sizing: border-box; }
  body { margin: 0; background: var(--bg); color: var(--ink);
         font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "DejaVu Sans", sans-serif; }
  header { display: flex; align-items: baseline; gap: 16px; padding: 14px 24px;
           background: #1d2430; color: #f4f5f7; }
  header h1 { margin: 0; font-size: 18px; font-weight: 600; letter-spacing: .02em; }
  header .meta { color: #aab2bd; font-size: 13px; }
  header .spacer { flex: 1; }
  header a { color: #aab2bd; font-size: 13px; margin-left: 12px; }
  #status { padding: 8px 24px; background: #fdecea; color: var(--bad); display: none; }
  main { padding: 18px 24px 32px; display: grid; gap: 16px;
         grid-template-columns: repeat(12, minmax(0, 1fr)); }
  section { background: var(--panel); border: 1px solid var(--line); border-radius: 8px;
            padding: 14px 16px; min-width: 0; }
  section h2 { margin: 0 0 10px; font-size: 13px; font-weight: 600; color: var(--muted);
               text-transform: uppercase; letter-spacing: .06em; }
  .span-2 { grid-column: span 2; } .span-4 { grid-column: span 4; }
  .span-6 { grid-column: span 6; } .span-8 { grid-column: span 8; }
  .span-12 { grid-column: span 12; }
  @media (max-width: 1100px) { .span-2, .span-4 { grid-column: span 6; }
                               .span-6, .span-8 { grid-column: span 12; } }
  .kpi .value { font-size: 30px; font-weight: 600; font-variant-numeric: tabular-nums; }
  .kpi .unit { font-size: 14px; color: var(--muted); margin-left: 4px; }
  .kpi .sub { color: var(--muted); font-size: 12px; margin-top: 2px; }
  .good { color: var(--ok); } .fair { color: var(--warn); } .poor { color: var(--bad); }
  .chart-box { position: relative; height: 220px; }
  .note { color: var(--muted); font-style: italic; }
  table { width: 100%; border-collapse: collapse; font-variant-numeric: tabular-nums; }
  th, td { text-align: left; padding: 5px 8px; border-bottom: 1px solid var(--line);
           white-space: nowrap; overflow: hidden; text-overflow: ellipsis; max-width: 420px; }
  th { font-size: 12px; color: var(--muted); font-weight: 600; }
  td.num, th.num { text-align: right; }
  td.empty { color: var(--muted); font-style: italic; text-align: center; }
  tr.long td { background: #fff8e6; }
  ul.plain { list-style: none; margin: 0; padding: 0; }
  ul.plain li { padding: 6px 0; border-bottom: 1px solid var(--line); }
  ul.plain li:last-child { border-bottom: none; }
  .badge { display: inline-block; min-width: 74px; text-align: center; font-size: 11px;
           font-weight: 700; border-radius: 4px; padding: 1px 6px; margin-right: 8px;
           color: #fff; background: var(--muted); }
  .badge.INFO { background: var(--info); } .badge.WARNING { background: var(--warn); }
  .badge.ERROR { background: var(--bad); } .badge.CRITICAL { background: #7b1010; }
  .when { color: var(--muted); font-size: 12px; margin-left: 8px; }
  .states { display: flex; gap: 18px; flex-wrap: wrap; }
  .states div { min-width: 90px; }
  .states .n { font-size: 22px; font-weight: 600; font-variant-numeric: tabular-nums; }
  .states .k { color: var(--muted); font-size: 12px; }
  .bar { height: 6px; background: var(--line); border-radius: 3px; margin-top: 4px; }
  .bar > div { height: 6px; border-radius: 3px; background: var(--accent); }
</style>
</head>
<body>
<header>
  <h1>actortx</h1>
  <span class="meta">transactions and sagas</span>
  <span class="spacer"></span>
  <span class="meta">uptime <span id="uptime">–</span> · refreshed <span id="refreshed">never</span></span>
  <a href="/metrics">/metrics</a><a href="/api/dashboard.json">JSON</a><a href="/api/transactions.csv">CSV</a>
</header>
<div id="status"></div>
<main>
  <section class="kpi span-2"><h2>Health</h2>
    <div><span class="value" id="health-score">–</span><span class="unit">/ 100</span></div>
    <div class="sub" id="health-sub"></div></section>
  <section class="kpi span-2"><h2>Throughput</h2>
    <div><span class="value" id="throughput">–</span><span class="unit">tx/s</span></div>
    <div class="sub" id="throughput-sub">committed</div></section>
  <section class="kpi span-2"><h2>Latency p50</h2>
    <div><span class="value" id="p50">–</span></div>
    <div class="sub">since start</div></section>
  <section class="kpi span-2"><h2>Latency p99</h2>
    <div><span class="value" id="p99">–</span></div>
    <div class="sub" id="p95">since start</div></section>
  <section class="kpi span-2"><h2>Success rate</h2>
    <div><span class="value" id="success">–</span></div>
    <div class="sub" id="finished"></div></section>
  <section class="kpi span-2"><h2>Pool</h2>
    <div><span class="value" id="pool">–</span></div>
    <div class="sub" id="pool-sub"></div>
    <div class="bar"><div id="pool-bar" style="width:0"></div></div></section>

  <section class="span-6"><h2>Throughput, last 60 minutes (tx/s)</h2>
    <div class="chart-box"><canvas id="chart-throughput"></canvas></div>
    <div class="note" id="charts-note" hidden></div></section>
  <section class="span-6"><h2>Latency, last 60 minutes (ms)</h2>
    <div class="chart-box"><canvas id="chart-latency"></canvas></div></section>

  <section class="span-6"><h2>Recent alerts</h2>
    <ul class="plain" id="alerts"></ul></section>
  <section class="span-6"><h2>Recommendations</h2>
    <ul class="plain" id="recommendations"></ul>
    <h2 style="margin-top:14px">Health components</h2>
    <table><thead><tr><th>component</th><th class="num">value</th><th class="num">weight</th></tr></thead>
      <tbody id="components"></tbody></table></section>

  <section class="span-8"><h2>Active transactions · <span id="active-count">0</span> running,
      <span id="long-running">0</span> long-running</h2>
    <table><thead><tr><th class="num">id</th><th>label</th><th class="num">attempt</th>
      <th class="num">age</th><th class="num">backend</th><th>statement</th></tr></thead>
      <tbody id="active"></tbody></table></section>
  <section class="span-4"><h2>Sagas</h2>
    <div class="states" id="sagas"></div></section>

  <section class="span-8"><h2>By label</h2>
    <table><thead><tr><th>label</th><th class="num">committed</th><th class="num">failed</th>
      <th class="num">timed out</th><th class="num">retries</th><th class="num">deadlocks</th>
      <th class="num">p50</th><th class="num">p99</th><th class="num">success</th></tr></thead>
      <tbody id="labels"></tbody></table></section>
  <section class="span-4"><h2>Failed attempts by SQLSTATE</h2>
    <table><thead><tr><th>SQLSTATE</th><th class="num">attempts</th></tr></thead>
      <tbody id="sqlstates"></tbody></table></section>
</main>
<script src="/static/chart.js"></script>
<script>
'use strict';
const POLL_MS = 2000;
const LEVELS = ['INFO', 'WARNING', 'ERROR', 'CRITICAL'];
const SAGA_STATES = ['STARTED', 'EXECUTING', 'COMPENSATING', 'COMMITTED', 'COMPENSATED', 'FAILED'];
const $ = (id) => document.getElementById(id);
const num = (x) => (typeof x === 'number' && isFinite(x) ? x : 0);
let samples = [];  // {ms, committed}: overall.committed at each poll, last ~10 s
let charts = null;

function el(tag, cls, text) {
  const e = document.createElement(tag);
  if (cls) e.className = cls;
  if (text !== undefined) e.textContent = String(text);
  return e;
}
function fmtSeconds(s) {
  const ms = num(s) * 1000;
  if (ms >= 1000) return (ms / 1000).toFixed(2) + ' s';
  return (ms >= 10 ? ms.toFixed(0) : ms.toFixed(1)) + ' ms';
}
function fmtRate(r) { return r >= 100 ? r.toFixed(0) : r >= 10 ? r.toFixed(1) : r.toFixed(2); }
function fmtInt(n) { return num(n).toLocaleString('en-US'); }
function fmtPct(x) { return (num(x) * 100).toFixed(1) + ' %'; }
function fmtClock(ms) { return new Date(ms).toLocaleTimeString('en-GB', {hour12: false}); }
function fmtDuration(s) {
  s = Math.floor(num(s));
  const h = Math.floor(s / 3600), m = Math.floor((s % 3600) / 60);
  return h ? h + 'h ' + m + 'm' : m ? m + 'm ' + (s % 60) + 's' : s + 's';
}
function levelName(l) { return typeof l === 'number' ? (LEVELS[l] || 'UNKNOWN') : String(l); }
function agg(x) { return (x && x.agg) || x || {}; }

function fillTable(id, rows, emptyText) {
  const body = $(id);
  body.replaceChildren();
  if (!rows.length) {
    const td = el('td', 'empty', emptyText);
    td.colSpan = body.parentElement.tHead.rows[0].cells.length;
    const tr = el('tr');
    tr.append(td);
    body.append(tr);
    return;
  }
  for (const r of rows) {
    const tr = el('tr', r.cls || '');
    r.cells.forEach((c, i) => {
      const td = el('td', r.numeric && r.numeric[i] ? 'num' : '', c);
      td.title = String(c);
      tr.append(td);
    });
    body.append(tr);
  }
}
function fillList(id, items, emptyText) {
  const list = $(id);
  list.replaceChildren();
  if (!items.length) list.append(el('li', 'note', emptyText));
  for (const li of items) list.append(li);
}

// Trend points are fixed-width buckets, oldest first; the last one is still filling up.
function bucketWidth(trend) {
  return trend.length >= 2 ? Math.max(1, trend[trend.length - 1].unix_s - trend[trend.length - 2].unix_s) : 10;
}
function trendRates(s) {
  const all = s.trend || [], width = bucketWidth(all), nowS = num(s.unix_ms) / 1000;
  // Nothing before the runtime started: a young runtime's chart is not 60 minutes of zeros.
  const startS = nowS - num(s.uptime_seconds);
  const trend = all.filter((p) => p.unix_s + width > startS);
  return trend.map((p, i) => {
    const span = i === trend.length - 1 ? Math.min(width, Math.max(1, nowS - p.unix_s)) : width;
    return {t: p.unix_s, committed: num(p.committed) / span, failed: num(p.failed) / span,
            p50: num(p.p50_seconds) * 1000, p99: num(p.p99_seconds) * 1000};
  });
}
function throughput(s, rates) {
  const now = num(s.unix_ms), committed = num((s.overall || {}).committed);
  const last = samples[samples.length - 1];
  if (last && (committed < last.committed || now < last.ms)) samples = [];  // a restarted runtime
  if (!last || now !== last.ms) samples.push({ms: now, committed});
  while (samples.length > 2 && now - samples[1].ms >= 10000) samples.shift();
  const first = samples[0];
  if (now - first.ms >= 1000) return {rate: (committed - first.committed) * 1000 / (now - first.ms),
                                      how: 'committed, last ' + Math.round((now - first.ms) / 1000) + ' s'};
  // One poll so far: the latest bucket that has commits (the filling one counts by its age).
  for (let i = rates.length - 1; i >= Math.max(0, rates.length - 2); --i)
    if (rates[i].committed > 0) return {rate: rates[i].committed, how: 'committed, trend bucket'};
  return {rate: 0, how: 'committed'};
}

function initCharts() {
  if (typeof Chart === 'undefined') {
    for (const id of ['chart-throughput', 'chart-latency']) $(id).parentElement.hidden = true;
    const note = $('charts-note');
    note.textContent = 'charts unavailable: install libjs-chart.js';
    note.hidden = false;
    return null;
  }
  const common = {
    animation: false, responsive: true, maintainAspectRatio: false,
    interaction: {mode: 'index', intersect: false},
    plugins: {legend: {position: 'bottom', labels: {boxWidth: 12}}},
    scales: {x: {ticks: {maxTicksLimit: 8, autoSkip: true, maxRotation: 0}}, y: {beginAtZero: true}},
    elements: {point: {radius: 0}, line: {borderWidth: 2, tension: 0.2}},
  };
  const line = (label, color, fill) => ({label, data: [], borderColor: color, backgroundColor: color + '22', fill});
  return {
    tput: new Chart($('chart-throughput'), {type: 'line', options: common,
      data: {labels: [], datasets: [line('committed/s', '#1f8a4c', true), line('failed/s', '#c53030', false)]}}),
    lat: new Chart($('chart-latency'), {type: 'line', options: common,
      data: {labels: [], datasets: [line('p50', '#3558d6', false), line('p99', '#b7791f', false)]}}),
  };
}
function updateCharts(rates) {
  if (!charts) return;
  // Seconds matter while the runtime is young; over an hour they are noise.
  const labels = rates.map((r) => fmtClock(r.t * 1000).slice(0, rates.length > 60 ? 5 : 8));
  const radius = rates.length > 60 ? 0 : 3;
  const set = (chart, series) => {
    chart.data.labels = labels;
    series.forEach((key, i) => {
      chart.data.datasets[i].data = rates.map((r) => r[key]);
      chart.data.datasets[i].pointRadius = radius;
    });
    chart.update('none');
  };
  set(charts.tput, ['committed', 'failed']);
  set(charts.lat, ['p50', 'p99']);
}

function render(report) {
  const s = report.snapshot || {};
  const o = s.overall || {};
  const health = s.health || {};
  const rates = trendRates(s);

  const score = health.score;
  const scoreEl = $('health-score');
  scoreEl.textContent = typeof score === 'number' ? String(Math.round(score)) : '–';
  scoreEl.className = 'value ' + (score >= 80 ? 'good' : score >= 50 ? 'fair' : 'poor');
  $('health-sub').textContent = (health.recommendations || []).length + ' recommendation(s)';

  const t = throughput(s, rates);
  $('throughput').textContent = fmtRate(t.rate);
  $('throughput-sub').textContent = t.how;
  $('p50').textContent = fmtSeconds(o.p50_seconds);
  $('p99').textContent = fmtSeconds(o.p99_seconds);
  $('p95').textContent = 'p95 ' + fmtSeconds(o.p95_seconds) + ' · since start';
  const finished = num(o.committed) + num(o.rolled_back) + num(o.failed) + num(o.timed_out) + num(o.in_doubt);
  $('success').textContent = fmtPct(o.success_rate === undefined ? 1 : o.success_rate);
  $('success').className = 'value ' + (o.success_rate >= 0.99 || !finished ? 'good' : o.success_rate >= 0.9 ? 'fair' : 'poor');
  $('finished').textContent = fmtInt(finished) + ' finished · ' + fmtInt(o.retries) + ' retries';

  const p = s.pool || {};
  $('pool').textContent = num(p.in_use) + ' / ' + num(p.max);
  $('pool-sub').textContent = num(p.waiting) + ' waiting · ' +
      (num(p.leases) ? fmtPct(num(p.leases_waited_over_100ms) / num(p.leases)) : '0 %') + ' of leases waited > 100 ms';
  $('pool-bar').style.width = (num(p.max) ? Math.min(100, 100 * num(p.in_use) / num(p.max)) : 0) + '%';

  $('uptime').textContent = fmtDuration(s.uptime_seconds);
  $('refreshed').textContent = fmtClock(num(s.unix_ms) || Date.now());
  updateCharts(rates);

  const alerts = (s.alerts || s.recent_alerts || []).slice(0, 20).map((a) => {
    const li = el('li');
    const level = levelName(a.level);
    li.append(el('span', 'badge ' + level, level), el('span', 'message', a.message || a.rule || ''));
    li.append(el('span', 'when', (a.subject ? a.subject + ' · ' : '') + fmtClock(num(a.unix_ms))));
    return li;
  });
  fillList('alerts', alerts, 'no alerts');
  fillList('recommendations', (health.recommendations || []).map((r) => el('li', '', r)),
           'nothing to change');
  fillTable('components', (health.components || []).map((c) => ({
    cells: [c.name, fmtPct(c.value), num(c.weight).toFixed(2)], numeric: [false, true, true]})),
    'no components');

  const active = report.active || [];
  $('active-count').textContent = String(active.length);
  $('long-running').textContent = String(num(s.long_running));
  fillTable('active', active.slice(0, 50).map((a) => {
    const ageS = a.age_seconds !== undefined ? num(a.age_seconds) : num(a.age_ms) / 1000;
    return {cls: a.long_running ? 'long' : '', numeric: [true, false, true, true, true, false],
            cells: [a.id, a.label || '', a.attempt, fmtSeconds(ageS), a.backend_pid || '', a.statement || '']};
  }), 'nothing running');

  const sagas = s.sagas || {};
  const byState = sagas.by_state || {};
  const stateCount = (name, i) => num(Array.isArray(byState) ? byState[i] : byState[name]);
  const box = $('sagas');
  box.replaceChildren();
  const stat = (n, k, cls) => { const d = el('div'); d.append(el('div', 'n ' + (cls || ''), fmtInt(n)), el('div', 'k', k)); box.append(d); };
  stat(sagas.started, 'started');
  SAGA_STATES.forEach((name, i) => {
    const n = stateCount(name, i);
    if (n || i >= 3) stat(n, name.toLowerCase(), name === 'FAILED' && n ? 'poor' : name === 'COMMITTED' ? 'good' : '');
  });
  stat(sagas.compensations, 'compensations');

  fillTable('labels', (s.by_label || []).map((l) => {
    const a = agg(l);
    return {numeric: [false, true, true, true, true, true, true, true, true],
            cells: [l.label === '' ? '(none)' : l.label, fmtInt(a.committed), fmtInt(a.failed),
                    fmtInt(a.timed_out), fmtInt(a.retries), fmtInt(a.deadlocks),
                    fmtSeconds(a.p50_seconds), fmtSeconds(a.p99_seconds), fmtPct(a.success_rate)]};
  }), 'no transactions yet');
  fillTable('sqlstates', (s.failures_by_sqlstate || []).map((f) => ({
    numeric: [false, true], cells: [f.sqlstate || '(no SQLSTATE)', fmtInt(f.count)]})), 'no failed attempts');
}

async function poll() {
  try {
    const response = await fetch('/api/dashboard.json', {cache: 'no-store'});
    if (!response.ok) throw new Error('HTTP ' + response.status + ': ' + (await response.text()).trim());
    render(await response.json());
    $('status').textContent = '';
    $('status').style.display = 'none';
  } catch (e) {
    $('status').textContent = 'refresh failed: ' + e.message;
    $('status').style.display = 'block';
  } finally {
    setTimeout(poll, POLL_MS);
  }
}
charts = initCharts();
poll();
</script>
</body>
</html>
)html";

}  // namespace

std::string_view dashboard_page_html() noexcept {
  return page;
}

}  // namespace actortx
