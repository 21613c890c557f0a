// The saga log views: a list from /api/sagas (filters by state and type, newest first, more on
// request) and one saga from /api/sagas/<id>, opened by a click or by a #saga=<id> link. Text
// goes in with textContent only (el, fillTable): ids, errors and context are anyone's strings.
const SAGA_PAGE = 50, SAGA_REFRESH_MS = 10000;
const sagaView = {states: new Set(), type: '', limit: SAGA_PAGE, open: ''};

async function fetchJson(url) {
  const response = await api(url);
  let body = null;
  try { body = await response.json(); } catch (e) { body = null; }
  if (!response.ok) throw new Error((body && body.error) || 'HTTP ' + response.status);
  return body;
}
// The sagas panel: what runs now (by state) apart from what happened since start, so that the
// state STARTED and the number of sagas started are not two figures called "started".
function renderSagaCounts(sagas) {
  const byState = sagas.by_state || {};
  const count = (name) => num(Array.isArray(byState) ? byState[SAGA_STATES.indexOf(name)] : byState[name]);
  const box = $('sagas');
  box.replaceChildren();
  const group = (title) => box.append(el('div', 'group', title));
  const stat = (n, k, cls, title) => {
    const d = el('div');
    d.append(el('div', 'n ' + (cls || ''), fmtInt(n)), el('div', 'k', k));
    if (title) d.title = title;
    box.append(d);
  };
  group('running now');
  stat(count('STARTED'), 'started', '', 'logged, first step not begun yet');
  stat(count('EXECUTING'), 'executing');
  stat(count('COMPENSATING'), 'compensating', count('COMPENSATING') ? 'fair' : '');
  group('since start');
  stat(sagas.started, 'launched', '', 'sagas this node began');
  stat(count('COMMITTED'), 'committed', 'good');
  stat(count('COMPENSATED'), 'compensated', count('COMPENSATED') ? 'fair' : '');
  stat(count('FAILED'), 'failed', count('FAILED') ? 'poor' : '');
  stat(sagas.compensations, 'compensations', '', 'compensation steps that committed');
  stat(sagas.recovered, 'recovered', '', 'sagas taken over after a crash or a lost lease');
}

function badge(state) { return el('span', 'badge ' + state, state); }
function fmtStamp(iso) { return iso ? String(iso).replace('T', ' ').replace(/\.\d+/, '').replace(/\+00(:00)?$|Z$/, ' UTC') : '–'; }

function sagaListUrl() {
  const q = new URLSearchParams();
  for (const s of sagaView.states) q.append('state', s);
  if (sagaView.type) q.set('type', sagaView.type);
  q.set('limit', String(sagaView.limit));
  return '/api/sagas?' + q.toString();
}
function sagaRow(s) {
  const tr = el('tr', 'saga-row' + (s.id === sagaView.open ? ' selected' : ''));
  const link = el('a', '', s.id);
  link.href = '#saga=' + encodeURIComponent(s.id);
  const idCell = el('td', 'mono');
  idCell.append(link);
  idCell.title = s.id;
  const stateCell = el('td');
  stateCell.append(badge(s.state));
  if (s.queued) stateCell.append(el('span', 'when', 'queued'));
  const cells = [idCell, el('td', '', s.type), el('td', 'num', s.version || '–'), stateCell,
                 el('td', 'num', s.step), el('td', '', s.owner || '–'),
                 el('td', '', fmtStamp(s.updated_at)), el('td', 'error-text', s.message || '')];
  for (const c of cells) { if (!c.title) c.title = c.textContent; tr.append(c); }
  tr.addEventListener('click', (e) => { if (e.target.tagName !== 'A') location.hash = link.getAttribute('href'); });
  return tr;
}
async function loadSagaList() {
  const note = $('saga-list-note');
  try {
    const data = await fetchJson(sagaListUrl());
    const body = $('saga-list');
    body.replaceChildren();
    const sagas = data.sagas || [];
    for (const s of sagas) body.append(sagaRow(s));
    if (!sagas.length) {
      const td = el('td', 'empty', 'no sagas match');
      td.colSpan = 8;
      const tr = el('tr');
      tr.append(td);
      body.append(tr);
    }
    $('saga-more').hidden = !data.more || sagaView.limit >= 10000;
    note.textContent = sagas.length + (data.more ? '+' : '') + ' shown · newest first';
    note.classList.remove('poor');
  } catch (e) {
    note.textContent = 'saga list unavailable: ' + e.message;
    note.classList.add('poor');
  }
}

function fact(list, name, value, cls) {
  if (value === undefined || value === '' || value === null) return;
  const d = el('div');
  d.append(el('dt', '', name));
  const dd = el('dd', cls || '');
  if (value instanceof Node) dd.append(value); else dd.textContent = String(value);
  d.append(dd);
  list.append(d);
}
function compensationText(step) {
  const n = num(step.compensation_attempts), runs = n + (n === 1 ? ' run' : ' runs');
  if (step.state === 'COMPENSATED') return 'compensated · ' + runs;
  if (step.state === 'COMPENSATION_FAILED') return 'gave up · ' + runs;
  return n ? runs : '–';
}
function renderSagaDetail(s) {
  $('saga-id').textContent = s.id;
  const facts = $('saga-facts');
  facts.replaceChildren();
  fact(facts, 'type', s.type + (s.version ? ' v' + s.version : ''));
  fact(facts, 'state', badge(s.state));
  fact(facts, 'owner', s.owner);
  fact(facts, 'lease until', s.lease_until && fmtStamp(s.lease_until));
  fact(facts, 'created', fmtStamp(s.created_at));
  fact(facts, 'updated', fmtStamp(s.updated_at));
  fact(facts, 'deadline', s.deadline ? fmtStamp(s.deadline) : 'none');
  fact(facts, 'pending cancel', s.cancel_requested, 'fair');
  $('saga-error').textContent = s.error || '';
  $('saga-error').hidden = !s.error;
  const steps = s.steps || [];
  fillTable('saga-steps', steps.map((p) => ({
    cls: p.state === 'FAILED' || p.state === 'COMPENSATION_FAILED' ? 'failed' : '',
    numeric: [true, false, false, true, false, false, false, false, false],
    cells: [p.number, p.name, p.state, p.attempts, compensationText(p), p.error || '',
            p.node || '–', fmtStamp(p.created_at), fmtStamp(p.updated_at)]})), 'no step logged yet');
  // Whole errors, not cut at the column's width: this is where an operator reads them.
  for (const tr of $('saga-steps').rows) if (tr.cells.length > 5) tr.cells[5].className = 'wrap error-text';
  fillList('saga-events', (s.events || []).map((e) => {
    const li = el('li');
    li.append(el('span', 'badge', e.action), el('span', '', e.by + (e.reason ? ': ' + e.reason : '')),
              el('span', 'when', fmtStamp(e.at)));
    return li;
  }), 'no operator or runtime events');
  fillTable('saga-context', Object.entries(s.context || {}).map(([k, v]) => ({cells: [k, v]})), 'empty');
}
async function loadSagaDetail() {
  const id = sagaView.open, section = $('saga-detail');
  section.hidden = !id;
  if (!id) return;
  try {
    const s = await fetchJson('/api/sagas/' + encodeURIComponent(id));
    if (id !== sagaView.open) return;  // another one was opened meanwhile
    $('saga-detail-note').textContent = '';
    renderSagaDetail(s);
  } catch (e) {
    $('saga-id').textContent = id;
    $('saga-detail-note').textContent = 'cannot show this saga: ' + e.message;
  }
}
function openFromHash() {
  const m = /^#saga=(.+)$/.exec(location.hash);
  let id = '';
  try { id = m ? decodeURIComponent(m[1]) : ''; } catch (e) { id = ''; }
  const changed = id !== sagaView.open;
  sagaView.open = id;
  for (const tr of $('saga-list').rows)
    tr.classList.toggle('selected', !!id && tr.cells[0].title === id);
  loadSagaDetail().then(() => { if (changed && id) $('saga-detail').scrollIntoView({block: 'nearest'}); });
}

function initSagaViews() {
  const box = $('saga-states');
  for (const name of SAGA_STATES) {
    const label = el('label', 'chip');
    const box1 = el('input');
    box1.type = 'checkbox';
    box1.value = name;
    box1.addEventListener('change', () => {
      if (box1.checked) sagaView.states.add(name); else sagaView.states.delete(name);
      sagaView.limit = SAGA_PAGE;
      loadSagaList();
    });
    label.append(box1, el('span', '', name.toLowerCase()));
    box.append(label);
  }
  let typing = null;
  $('saga-type').addEventListener('input', (e) => {
    clearTimeout(typing);
    typing = setTimeout(() => { sagaView.type = e.target.value.trim(); sagaView.limit = SAGA_PAGE; loadSagaList(); }, 300);
  });
  $('saga-more').addEventListener('click', () => { sagaView.limit = Math.min(10000, sagaView.limit + SAGA_PAGE); loadSagaList(); });
  $('saga-refresh').addEventListener('click', () => { loadSagaList(); loadSagaDetail(); });
  $('saga-close').addEventListener('click', (e) => { e.preventDefault(); history.pushState(null, '', location.pathname); openFromHash(); });
  window.addEventListener('hashchange', openFromHash);
  loadSagaList();
  openFromHash();
  setInterval(() => { loadSagaList(); loadSagaDetail(); }, SAGA_REFRESH_MS);
}
initSagaViews();
