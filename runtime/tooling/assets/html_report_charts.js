'use strict';
(function () {
  const data = JSON.parse(document.getElementById('report-data').textContent);
  const s = data.snapshot || {};
  if (typeof Chart === 'undefined') return;
  const num = (x) => (typeof x === 'number' && isFinite(x) ? x : 0);
  const trend = s.trend || [];
  // Only the stretch of the trend the run covered (it spans the last 60 minutes).
  const busy = (p) => num(p.committed) + num(p.rolled_back) + num(p.failed) > 0;
  const first = trend.findIndex(busy);
  let last = trend.length - 1;
  while (last >= 0 && !busy(trend[last])) --last;
  const points = first < 0 ? [] : trend.slice(first, last + 1);
  const width = trend.length >= 2 ? Math.max(1, trend[1].unix_s - trend[0].unix_s) : 10;
  const nowS = num(s.unix_ms) / 1000;
  const span = (p) => Math.min(width, Math.max(1, nowS - p.unix_s));
  const clock = (t) => new Date(t * 1000).toISOString().slice(11, 19);
  const common = {
    animation: false, responsive: true, maintainAspectRatio: false,
    interaction: {mode: 'index', intersect: false},
    plugins: {legend: {position: 'bottom', labels: {boxWidth: 12}}},
    scales: {x: {ticks: {maxTicksLimit: 10, maxRotation: 0}}, y: {beginAtZero: true}},
  };
  // Own scales for bars: the line charts' x options would replace the bar default offset.
  const bars = Object.assign({}, common, {plugins: {legend: {display: false}},
      scales: {x: {offset: true, grid: {offset: true}}, y: {beginAtZero: true}}});
  const line = (label, color, values) => ({label, data: values, borderColor: color,
      backgroundColor: color + '33', borderWidth: 2, pointRadius: points.length > 40 ? 0 : 2});
  new Chart(document.getElementById('chart-throughput'), {type: 'line', options: common, data: {
    labels: points.map((p) => clock(p.unix_s)),
    datasets: [line('committed/s', '#1f8a4c', points.map((p) => num(p.committed) / span(p))),
               line('rolled back/s', '#718096', points.map((p) => num(p.rolled_back) / span(p))),
               line('errors/s', '#c53030', points.map((p) => num(p.failed) / span(p)))]}});
  // A bucket in which nothing finished has no latency: a gap (null), never a 0 ms point.
  const ms = (x) => (typeof x === 'number' && isFinite(x) ? x * 1000 : null);
  const gaps = Object.assign({}, common, {spanGaps: false});
  new Chart(document.getElementById('chart-latency'), {type: 'line', options: gaps, data: {
    labels: points.map((p) => clock(p.unix_s)),
    datasets: [line('p50 ms', '#3558d6', points.map((p) => ms(p.p50_seconds))),
               line('p99 ms', '#b7791f', points.map((p) => ms(p.p99_seconds)))]}});
  const buckets = ((s.overall || {}).latency_buckets || []);
  new Chart(document.getElementById('chart-histogram'), {type: 'bar', options: bars, data: {
    labels: buckets.map((b) => (b.le === '+Inf' ? '> 10 s' : '≤ ' + (num(b.le) < 1 ? num(b.le) * 1000 + ' ms' : b.le + ' s'))),
    datasets: [{label: 'transactions', data: buckets.map((b) => num(b.count)), backgroundColor: '#3558d6'}]}});
  const failures = s.failures_by_cause || [];
  new Chart(document.getElementById('chart-sqlstate'), {type: 'bar',
    options: bars, data: {
    labels: failures.map((f) => f.cause),
    datasets: [{label: 'failed attempts', data: failures.map((f) => num(f.count)), backgroundColor: '#c53030'}]}});
})();
