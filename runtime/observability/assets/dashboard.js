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
