'use strict';
// The dashboard's figures from /api/dashboard.json (to_json of a metrics_report), polled every
// two seconds. Every field may be missing (an older or newer runtime): the page shows what it
// gets. The application's transactions fill the cards, charts and tables; the library's own
// (internal) ones only the "library transactions" panel.
const POLL_MS = 2000;
const LEVELS = ['INFO', 'WARNING', 'ERROR', 'CRITICAL'];
const SAGA_STATES = ['STARTED', 'EXECUTING', 'COMPENSATING', 'COMMITTED', 'COMPENSATED', 'FAILED'];
const RANGES = [300, 900, 3600];  // the charts' time ranges, seconds
const RANGE_KEY = 'actortx.dashboard.range';
const WINDOWS = [60, 300];  // the latency cards' windows, seconds
const UNLABELLED = '(unlabelled)';
// ?token=... in the page's URL: sent as a Bearer token with every request the page makes.
const TOKEN = new URLSearchParams(location.search).get('token') || '';
const $ = (id) => document.getElementById(id);
const num = (x) => (typeof x === 'number' && isFinite(x) ? x : 0);
let samples = [];  // {ms, committed}: overall.committed at each poll, last ~10 s
let charts = null;
let rangeS = 900;
let lastSnapshot = null;

function el(tag, cls, text) {
  const e = document.createElement(tag);
  if (cls) e.className = cls;
  if (text !== undefined) e.textContent = String(text);
  return e;
}
function api(url) {
  return fetch(url, {cache: 'no-store', headers: TOKEN ? {Authorization: 'Bearer ' + TOKEN} : {}});
}
/// For what the browser fetches itself (a script, a link): the token goes in the query.
function withToken(url) {
  return TOKEN ? url + (url.includes('?') ? '&' : '?') + 'token=' + encodeURIComponent(TOKEN) : url;
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
function fmtRange(seconds) { return seconds / 60 + ' min'; }
function levelName(l) { return typeof l === 'number' ? (LEVELS[l] || 'UNKNOWN') : String(l); }
function agg(x) { return (x && x.agg) || x || {}; }
function finishedOf(a) {
  return a.finished !== undefined ? num(a.finished)
      : num(a.committed) + num(a.rolled_back) + num(a.failed) + num(a.timed_out) + num(a.in_doubt);
}
function labelName(label) { return label === '' || label === undefined ? UNLABELLED : label; }

// What a failed attempt's cause means: SQLSTATEs a transaction workload meets, by their
// PostgreSQL condition name, and the client-side causes (failure_cause.hpp).
const SQLSTATE_NAMES = {
  '40001': 'serialization_failure', '40P01': 'deadlock', '40003': 'statement_completion_unknown',
  '23505': 'unique_violation', '23503': 'foreign_key_violation', '23514': 'check_violation',
  '23502': 'not_null_violation', '55P03': 'lock_not_available', '57014': 'query_canceled',
  '25P02': 'in_failed_sql_transaction', '25006': 'read_only_sql_transaction',
  '53300': 'too_many_connections', '53100': 'disk_full', '53200': 'out_of_memory',
  '57P01': 'admin_shutdown', '57P02': 'crash_shutdown', '57P03': 'cannot_connect_now',
  '08000': 'connection_exception', '08003': 'connection_does_not_exist', '08006': 'connection_failure',
  '42P01': 'undefined_table', '42703': 'undefined_column', '42601': 'syntax_error',
  '22012': 'division_by_zero', '22P02': 'invalid_text_representation', 'P0001': 'raise_exception',
};
const CAUSE_MEANINGS = {
  connection_lost: 'the connection broke while the attempt ran',
  connection_failed: 'no connection could be made', pool_exhausted: 'no connection could be leased in time',
  deadline: "the transaction's deadline ended the attempt",
  body_exception: 'the body threw something that is not a SQL error',
  commit_in_doubt: 'COMMIT was sent and its answer lost', attempt_crashed: 'an actor running the attempt died',
  shutting_down: 'the runtime was stopping', invalid_argument: 'the request was malformed',
  other: 'another client-side error',
};
function causeName(cause) {
  if (!cause) return '(no cause recorded)';
  return SQLSTATE_NAMES[cause] ? cause + ' ' + SQLSTATE_NAMES[cause] : cause;
}
function causeMeaning(cause) {
  if (CAUSE_MEANINGS[cause]) return CAUSE_MEANINGS[cause];
  return /^[0-9A-Z]{5}$/.test(cause || '') ? 'SQLSTATE ' + cause + ' from the server' : causeName(cause);
}

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
      td.title = r.titles && r.titles[i] ? r.titles[i] : String(c);  // the whole text when cut
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

// Trend points are fixed-width buckets, oldest first, covering the last hour; the last one is
// still filling up. A bucket in which nothing finished has no latency: null, drawn as a gap.
// Before the runtime started there is no data at all: null in every series.
function bucketWidth(trend) {
  return trend.length >= 2 ? Math.max(1, trend[trend.length - 1].unix_s - trend[trend.length - 2].unix_s) : 10;
}
function trendSeries(s) {
  const all = s.trend || [], width = bucketWidth(all), nowS = num(s.unix_ms) / 1000;
  const startS = nowS - num(s.uptime_seconds), fromS = nowS - rangeS;
  const trend = all.filter((p) => p.unix_s + width > fromS);
  return trend.map((p, i) => {
    const live = p.unix_s + width > startS;
    const span = i === trend.length - 1 ? Math.min(width, Math.max(1, nowS - p.unix_s)) : width;
    const rate = (n) => (live ? num(n) / span : null);
    const ended = num(p.finished !== undefined ? p.finished : num(p.committed) + num(p.rolled_back) + num(p.failed));
    const latency = (x) => (live && ended > 0 && typeof x === 'number' ? x * 1000 : null);
    return {t: p.unix_s, committed: rate(p.committed), rolledBack: rate(p.rolled_back),
            failed: rate(p.failed), p50: latency(p.p50_seconds), p99: latency(p.p99_seconds)};
  });
}
function throughput(s, series) {
  const now = num(s.unix_ms), committed = num((s.overall || {}).committed);
  const last = samples[samples.length - 1];
  if (last && (committed < last.committed || now < last.ms)) samples = [];  // a restarted runtime
  if (!last || now !== last.ms) samples.push({ms: now, committed});
  while (samples.length > 2 && now - samples[1].ms >= 10000) samples.shift();
  const first = samples[0];
  if (now - first.ms >= 1000) return {rate: (committed - first.committed) * 1000 / (now - first.ms),
                                      how: 'committed, last ' + Math.round((now - first.ms) / 1000) + ' s'};
  // One poll so far: the latest bucket that has commits (the filling one counts by its age).
  for (let i = series.length - 1; i >= Math.max(0, series.length - 2); --i)
    if (num(series[i].committed) > 0) return {rate: series[i].committed, how: 'committed, trend bucket'};
  return {rate: 0, how: 'committed'};
}

// A point between two gaps is a line of no length: it gets a dot, other points none.
function isolatedRadius(ctx) {
  const d = ctx.dataset.data, i = ctx.dataIndex;
  if (d[i] === null) return 0;
  return (i === 0 || d[i - 1] === null) && (i === d.length - 1 || d[i + 1] === null) ? 2.5 : 0;
}
function initCharts() {
  if (typeof Chart === 'undefined') {
    chartsUnavailable();
    return null;
  }
  const common = {
    animation: false, responsive: true, maintainAspectRatio: false, spanGaps: false,
    interaction: {mode: 'index', intersect: false},
    plugins: {legend: {position: 'bottom', labels: {boxWidth: 12}}},
    scales: {x: {ticks: {maxTicksLimit: 8, autoSkip: true, maxRotation: 0}}, y: {beginAtZero: true}},
    // Straight segments: a smoothed line invents values between the buckets.
    elements: {point: {radius: isolatedRadius, hitRadius: 4}, line: {borderWidth: 2, tension: 0}},
  };
  const line = (label, color, fill) => ({label, data: [], borderColor: color, backgroundColor: color + '22',
                                         fill, spanGaps: false, tension: 0});
  return {
    tput: new Chart($('chart-throughput'), {type: 'line', options: common,
      data: {labels: [], datasets: [line('committed/s', '#1f8a4c', true), line('rolled back/s', '#b7791f', false),
                                    line('failed/s', '#c53030', false)]}}),
    lat: new Chart($('chart-latency'), {type: 'line', options: common,
      data: {labels: [], datasets: [line('p50', '#3558d6', false), line('p99', '#b7791f', false)]}}),
  };
}
function chartsUnavailable() {
  for (const id of ['chart-throughput', 'chart-latency']) $(id).parentElement.hidden = true;
  const note = $('charts-note');
  note.textContent = 'charts unavailable: install libjs-chart.js';
  note.hidden = false;
}
function loadChartJs() {
  const script = document.createElement('script');
  script.src = withToken('/static/chart.js');
  script.onload = () => { charts = initCharts(); if (lastSnapshot) updateCharts(trendSeries(lastSnapshot)); };
  script.onerror = chartsUnavailable;
  document.body.append(script);
}
function updateCharts(series) {
  if (!charts) return;
  // Seconds matter over a few minutes; over an hour they are noise.
  const labels = series.map((r) => fmtClock(r.t * 1000).slice(0, rangeS > 900 ? 5 : 8));
  const set = (chart, keys) => {
    chart.data.labels = labels;
    keys.forEach((key, i) => { chart.data.datasets[i].data = series.map((r) => r[key]); });
    chart.update('none');
  };
  set(charts.tput, ['committed', 'rolledBack', 'failed']);
  set(charts.lat, ['p50', 'p99']);
}
// The range: ?range=<seconds> in the URL (a link to a view), else the last one chosen here.
function storedRange() {
  let v = Number(new URLSearchParams(location.search).get('range'));
  if (RANGES.includes(v)) return v;
  try { v = Number(localStorage.getItem(RANGE_KEY)); } catch (e) { v = 0; }
  return RANGES.includes(v) ? v : 900;
}
function setRange(seconds) {
  rangeS = seconds;
  try { localStorage.setItem(RANGE_KEY, String(seconds)); } catch (e) { /* private mode */ }
  const query = new URLSearchParams(location.search);
  if (query.has('range') && query.get('range') !== String(seconds)) {
    query.set('range', String(seconds));  // a reload shows what was chosen last
    history.replaceState(null, '', '?' + query.toString() + location.hash);
  }
  for (const b of $('range').querySelectorAll('button'))
    b.setAttribute('aria-pressed', String(Number(b.dataset.seconds) === seconds));
  for (const n of document.querySelectorAll('.range-name')) n.textContent = fmtRange(seconds);
  if (lastSnapshot) updateCharts(trendSeries(lastSnapshot));
}

function renderHeader(s) {
  const id = s.identity || {};
  const parts = [['runtime', id.runtime], ['database', id.db_namespace], ['server', id.server]]
      .filter(([, v]) => v).map(([k, v]) => k + ' ' + v);
  $('identity').textContent = parts.length ? parts.join(' · ') : 'transactions and sagas';
  $('uptime').textContent = fmtDuration(s.uptime_seconds);
  $('refreshed').textContent = fmtClock(num(s.unix_ms) || Date.now());
}
function renderLatencyCards(s) {
  const windows = s.windows || [];
  for (const seconds of WINDOWS) {
    const w = windows.find((x) => num(x.seconds) === seconds) || {};
    const n = num(w.finished), name = 'the last ' + fmtRange(seconds);
    const figure = (x) => (n > 0 && typeof x === 'number' ? fmtSeconds(x) : '—');
    $('lat-' + seconds + '-p50').textContent = figure(w.p50_seconds);
    $('lat-' + seconds + '-p99').textContent = figure(w.p99_seconds);
    $('lat-' + seconds + '-sub').textContent =
        n > 0 ? fmtInt(n) + ' finished in ' + name : 'no transactions in ' + name;
  }
}
// The one success figure, the one the health score uses: overall.success_rate.
function renderSuccess(o) {
  const finished = finishedOf(o), ended = num(o.committed) + num(o.rolled_back);
  const rate = typeof o.success_rate === 'number' ? o.success_rate : finished ? ended / finished : 1;
  $('success').textContent = finished ? fmtPct(rate) : '—';
  $('success').className = 'value ' + (rate >= 0.99 || !finished ? 'good' : rate >= 0.9 ? 'fair' : 'poor');
  $('finished').textContent = fmtInt(ended) + ' of ' + fmtInt(finished) + ' finished since start · ' +
      fmtInt(o.rolled_back) + ' rolled back · ' + fmtInt(o.retries) + ' retries';
}
function renderCards(s, series) {
  const health = s.health || {}, score = health.score, p = s.pool || {};
  const scoreEl = $('health-score');
  scoreEl.textContent = typeof score === 'number' ? String(Math.round(score)) : '–';
  scoreEl.className = 'value ' + (score >= 80 ? 'good' : score >= 50 ? 'fair' : 'poor');
  $('health-sub').textContent = (health.recommendations || []).length + ' recommendation(s)';
  const t = throughput(s, series);
  $('throughput').textContent = fmtRate(t.rate);
  $('throughput-sub').textContent = t.how;
  renderLatencyCards(s);
  renderSuccess(s.overall || {});
  $('pool').textContent = num(p.in_use) + ' / ' + num(p.max);
  $('pool-sub').textContent = num(p.waiting) + ' waiting · ' +
      (num(p.leases) ? fmtPct(num(p.leases_waited_over_100ms) / num(p.leases)) : '0 %') + ' of leases waited > 100 ms';
  $('pool-bar').style.width = (num(p.max) ? Math.min(100, 100 * num(p.in_use) / num(p.max)) : 0) + '%';
}
function renderHealth(s) {
  const health = s.health || {};
  const alerts = (s.alerts || s.recent_alerts || []).slice(0, 20).map((a) => {
    const li = el('li');
    const level = levelName(a.level);
    li.append(el('span', 'badge ' + level, level), el('span', 'message', a.message || a.rule || ''));
    li.append(el('span', 'when', (a.subject ? a.subject + ' · ' : '') + fmtClock(num(a.unix_ms))));
    return li;
  });
  fillList('alerts', alerts, 'no alerts');
  fillList('recommendations', (health.recommendations || []).map((r) => el('li', '', r)), 'nothing to change');
  // Points, not percentages: the success figure is shown once, on its card.
  fillTable('components', (health.components || []).map((c) => ({
    cells: [c.name === 'success' ? 'outcomes' : c.name, (num(c.value) * num(c.weight) * 100).toFixed(1),
            (num(c.weight) * 100).toFixed(0)], numeric: [false, true, true]})), 'no components');
}
function renderActive(report, s) {
  const active = report.active || [];
  $('active-count').textContent = String(active.length);
  $('long-running').textContent = String(num(s.long_running));
  fillTable('active', active.slice(0, 50).map((a) => {
    const ageS = a.age_seconds !== undefined ? num(a.age_seconds) : num(a.age_ms) / 1000;
    return {cls: a.long_running ? 'long' : '', numeric: [true, false, true, true, true, false],
            cells: [a.id, labelName(a.label), a.attempt, fmtSeconds(ageS), a.backend_pid || '', a.statement || '']};
  }), 'nothing running');
}
function outcomeCells(a) {
  return [fmtInt(a.committed), fmtInt(a.rolled_back), fmtInt(a.failed), fmtInt(a.timed_out), fmtInt(a.in_doubt),
          fmtInt(a.retries)];
}
function renderTables(s) {
  fillTable('labels', (s.by_label || []).map((l) => {
    const a = agg(l);
    return {numeric: [false, true, true, true, true, true, true, true, true, true],
            cells: [labelName(l.label), ...outcomeCells(a), fmtInt(a.deadlocks), fmtSeconds(a.p50_seconds),
                    fmtSeconds(a.p99_seconds)]};
  }), 'no transactions yet');
  fillTable('causes', (s.failures_by_cause || s.failures_by_sqlstate || []).map((f) => {
    const cause = f.cause !== undefined ? f.cause : f.sqlstate;
    return {numeric: [false, true], cells: [causeName(cause), fmtInt(f.count)], titles: [causeMeaning(cause)]};
  }), 'no failed attempts');
  fillTable('internal', (s.internal_by_label || []).map((l) => {
    const a = agg(l);
    return {numeric: [false, true, true, true, true, true, true, true],
            cells: [labelName(l.label), ...outcomeCells(a), fmtSeconds(a.p99_seconds)]};
  }), 'no library transactions yet');
  const causes = (s.internal_failures_by_cause || []).map((f) => causeName(f.cause) + ' × ' + fmtInt(f.count));
  $('internal-causes').textContent = 'failed attempts: ' + (causes.length ? causes.join(' · ') : 'none');
}

function render(report) {
  const s = report.snapshot || {};
  lastSnapshot = s;
  const series = trendSeries(s);
  renderHeader(s);
  renderCards(s, series);
  updateCharts(series);
  renderHealth(s);
  renderActive(report, s);
  renderSagaCounts(s.sagas || {});
  renderTables(s);
}

async function poll() {
  try {
    const response = await api('/api/dashboard.json');
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
function initDashboard() {
  for (const [id, url] of [['link-metrics', '/metrics'], ['link-json', '/api/dashboard.json'],
                           ['link-csv', '/api/transactions.csv']])
    $(id).href = withToken(url);
  for (const b of $('range').querySelectorAll('button'))
    b.addEventListener('click', () => setRange(Number(b.dataset.seconds)));
  setRange(storedRange());
  loadChartJs();
  poll();
}
initDashboard();
