// ktrdr fleet dashboard. Talks only to the gateway that serves it:
//   GET /api/v1/fleet, /api/v1/operations          polled every 2 s (workers, queue, jobs, failures)
//   GET /api/v1/events                              Server-Sent Events: live progress and state changes
//   POST /api/v1/backtests/start, DELETE /api/v1/operations/{id}, POST .../resume
//   GET .../results, .../results/equity_curve?max_points=, .../results/trades?limit=
'use strict';

const API = '/api/v1';
const POLL_MS = 2000;
const state = {
  ops: new Map(),       // operation_id -> OperationInfo (from the list)
  live: new Map(),      // operation_id -> latest progress event (from the stream)
  view: null,           // 'fleet' | 'job'
  jobId: null,
  jobLoadedResults: null,
};

// ---- formatting ------------------------------------------------------------------------------------------
const $ = (sel) => document.querySelector(sel);
function el(tag, attrs = {}, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (k === 'class') e.className = v;
    else if (k === 'text') e.textContent = v;
    else if (k.startsWith('on')) e.addEventListener(k.slice(2), v);
    else e.setAttribute(k, v);
  }
  for (const c of children) e.append(c);
  return e;
}
function fmtNum(v, digits = 2) {
  if (v === null || v === undefined || Number.isNaN(v)) return '–';
  return Number(v).toLocaleString('en-US', {minimumFractionDigits: digits, maximumFractionDigits: digits});
}
function fmtPct(fraction, digits = 2) {
  return fraction === null || fraction === undefined ? '–' : fmtNum(fraction * 100, digits) + ' %';
}
function fmtRate(bps) {
  if (!bps) return '–';
  if (bps >= 999950) return (bps / 1e6).toFixed(2) + 'M';
  if (bps >= 999.5) return (bps / 1e3).toFixed(1) + 'k';
  return bps.toFixed(0);
}
function fmtDuration(s) {
  if (s === null || s === undefined || !isFinite(s) || s < 0 || s > 1e8) return '–';
  s = Math.round(s);
  const h = Math.floor(s / 3600), m = Math.floor((s % 3600) / 60), sec = s % 60;
  const mm = String(m).padStart(h ? 2 : 1, '0'), ss = String(sec).padStart(2, '0');
  return h ? `${h}:${mm}:${ss}` : `${mm}:${ss}`;
}
function fmtTime(iso) {
  if (!iso) return '–';
  return iso.replace('T', ' ').replace(/\.\d+Z$/, 'Z');
}
function ago(iso) {
  if (!iso) return '–';
  const s = (Date.now() - Date.parse(iso)) / 1000;
  return s < 1 ? 'now' : s < 90 ? `${Math.round(s)} s ago` : `${Math.round(s / 60)} min ago`;
}
function badge(status) { return el('span', {class: `badge s-${status}`, text: status}); }
function signClass(v) { return v > 0 ? 'pos' : v < 0 ? 'neg' : ''; }

async function api(method, path, body) {
  const opts = {method, headers: {}};
  if (body !== undefined) {
    opts.headers['Content-Type'] = 'application/json';
    opts.body = JSON.stringify(body);
  }
  const res = await fetch(API + path, opts);
  let json = null;
  try { json = await res.json(); } catch (e) { /* not JSON */ }
  if (!res.ok) throw new Error((json && json.detail) || `HTTP ${res.status}`);
  return json;
}

// ---- progress bars ---------------------------------------------------------------------------------------
// A progress element: .progress[data-pct] > .bar (width) + .label. `p` = {percentage, status}.
function setProgress(node, pct, status, label) {
  const v = Math.max(0, Math.min(100, pct || 0));
  node.dataset.pct = v.toFixed(2);
  node.querySelector('.bar').style.width = v + '%';
  node.querySelector('.label').textContent = label !== undefined ? label : v.toFixed(1) + ' %';
  node.classList.toggle('done', status === 'completed');
  node.classList.toggle('stopped', status === 'failed' || status === 'cancelled');
}
function progressNode() {
  return el('div', {class: 'progress', 'data-pct': '0'}, el('div', {class: 'bar'}), el('span', {class: 'label'}));
}
// The freshest progress of an operation: the stream's when it is newer than the list's.
function progressOf(op) {
  const ctx = (op.progress && op.progress.context) || {};
  const base = {percentage: op.progress ? op.progress.percentage : 0, bars_per_second: ctx.bars_per_second,
                eta_seconds: ctx.eta_seconds, pnl: ctx.pnl, trades: ctx.trades};
  const live = state.live.get(op.operation_id);
  if (op.status === 'running' && live && live.percentage >= base.percentage) return live;
  return base;
}

// ---- fleet view ------------------------------------------------------------------------------------------
function renderWorkers(fleet) {
  const body = $('#workers tbody');
  body.replaceChildren();
  for (const w of fleet.workers) {
    const job = w.operation_id ? el('a', {href: `#/op/${w.operation_id}`, text: w.operation_id}) : '–';
    body.append(el('tr', {'data-worker': w.worker_id},
      el('td', {text: w.worker_id}), el('td', {}, badge(w.state)), el('td', {}, job),
      el('td', {class: 'num', text: String(w.jobs_done)}), el('td', {text: ago(w.last_heartbeat)})));
  }
  if (!fleet.workers.length) body.append(el('tr', {}, el('td', {colspan: 5, class: 'note', text: 'no workers'})));
  $('#worker-count').textContent = `${fleet.workers.filter((w) => w.state !== 'dead').length} up`;
}

function renderJobs() {
  const ops = [...state.ops.values()].sort((a, b) => (b.created_at || '').localeCompare(a.created_at || ''));
  const body = $('#jobs tbody');
  body.replaceChildren();
  const queue = $('#queue');
  queue.replaceChildren();
  const failures = $('#failures');
  failures.replaceChildren();
  for (const op of ops) {
    const p = progressOf(op);
    const bar = progressNode();
    setProgress(bar, op.status === 'completed' ? 100 : p.percentage, op.status);
    bar.dataset.op = op.operation_id;
    const actions = el('td');
    if (['pending', 'running', 'resuming'].includes(op.status)) {
      actions.append(el('button', {class: 'secondary cancel', text: 'Cancel', onclick: () => cancelOp(op.operation_id)}));
    } else if (['cancelled', 'failed'].includes(op.status)) {
      actions.append(el('button', {class: 'secondary resume', text: 'Resume', onclick: () => resumeOp(op.operation_id)}));
    }
    const running = op.status === 'running';
    const meta = op.metadata || {};
    body.append(el('tr', {'data-op': op.operation_id, 'data-status': op.status},
      el('td', {}, el('a', {href: `#/op/${op.operation_id}`, text: op.operation_id})),
      el('td', {text: op.strategy_name || '–'}),
      el('td', {text: [meta.symbol, meta.timeframe].filter(Boolean).join(' ') || '–'}),
      el('td', {}, badge(op.status)),
      el('td', {}, bar),
      el('td', {class: 'num rate', text: running ? fmtRate(p.bars_per_second) : '–'}),
      el('td', {class: 'num eta', text: running ? fmtDuration(p.eta_seconds) : '–'}),
      el('td', {class: `num pnl ${signClass(p.pnl)}`, text: p.pnl !== undefined && op.status !== 'pending' ? fmtNum(p.pnl) : '–'}),
      el('td', {class: 'num trades', text: p.trades !== undefined ? String(p.trades) : '–'}),
      actions));
    if (op.status === 'pending' || op.status === 'resuming') {
      queue.append(el('li', {}, el('a', {href: `#/op/${op.operation_id}`, text: op.operation_id}), ' ', badge(op.status)));
    }
    if (op.status === 'failed') {
      failures.append(el('li', {}, el('a', {href: `#/op/${op.operation_id}`, text: op.operation_id}), ': ',
                         el('span', {class: 'error', text: op.error_message || (op.errors || []).join('; ')})));
    }
  }
  if (!ops.length) body.append(el('tr', {}, el('td', {colspan: 10, class: 'note', text: 'no jobs yet'})));
  $('#job-count').textContent = String(ops.length);
  $('#queue-count').textContent = String(queue.children.length);
  $('#failure-count').textContent = String(failures.children.length);
  if (!queue.children.length) queue.append(el('li', {class: 'note empty', text: 'empty'}));
}

// A live progress event for the fleet view: update that row in place (no full redraw).
function updateRow(ev) {
  const row = document.querySelector(`#jobs tr[data-op="${ev.operation_id}"]`);
  if (!row || row.dataset.status !== 'running') return;
  setProgress(row.querySelector('.progress'), ev.percentage, 'running');
  row.querySelector('.rate').textContent = fmtRate(ev.bars_per_second);
  row.querySelector('.eta').textContent = fmtDuration(ev.eta_seconds);
  const pnl = row.querySelector('.pnl');
  pnl.textContent = fmtNum(ev.pnl);
  pnl.className = `num pnl ${signClass(ev.pnl)}`;
  row.querySelector('.trades').textContent = String(ev.trades);
}

// ---- job view --------------------------------------------------------------------------------------------
const METRICS = [
  ['total_return', 'Total return', (v) => fmtNum(v)], ['total_return_pct', 'Total return %', (v) => fmtPct(v)],
  ['annualized_return', 'Annualized return', (v) => fmtPct(v)], ['sharpe_ratio', 'Sharpe', (v) => fmtNum(v, 3)],
  ['sortino_ratio', 'Sortino', (v) => fmtNum(v, 3)], ['max_drawdown_pct', 'Max drawdown', (v) => fmtPct(v)],
  ['max_drawdown', 'Max drawdown (abs)', (v) => fmtNum(v)], ['volatility', 'Volatility', (v) => fmtPct(v)],
  ['total_trades', 'Trades', (v) => String(v)], ['win_rate', 'Win rate', (v) => fmtPct(v, 1)],
  ['profit_factor', 'Profit factor', (v) => fmtNum(v, 3)], ['avg_win', 'Avg win', (v) => fmtNum(v)],
  ['avg_loss', 'Avg loss', (v) => fmtNum(v)], ['calmar_ratio', 'Calmar', (v) => fmtNum(v, 3)],
];

function renderJob(op) {
  $('#job-id').textContent = op.operation_id;
  const st = $('#job-status');
  st.textContent = op.status;
  st.className = `badge s-${op.status}`;
  const meta = op.metadata || {};
  const params = meta.parameters || {};
  $('#job-desc').textContent = `${op.strategy_name} · ${[meta.symbol, meta.timeframe].filter(Boolean).join(' ') || 'model symbol'}` +
    ` · ${meta.start_date || '…'} → ${meta.end_date || '…'} · mode ${meta.mode} · capital ${fmtNum(params.initial_capital, 0)}` +
    ` · worker ${op.worker_id || '–'} · attempts ${op.attempts} · created ${fmtTime(op.created_at)}`;
  $('#job-error').textContent = op.status === 'failed' || op.status === 'cancelled' ? (op.errors || []).join('\n') : '';
  const p = progressOf(op);
  const items = op.progress || {};
  setProgress($('#job-progress'), op.status === 'completed' ? 100 : p.percentage, op.status,
              `${fmtNum(op.status === 'completed' ? 100 : p.percentage, 1)} %  ·  bar ${items.items_processed || 0}/${items.items_total || 0}`);
  $('#job-rate').textContent = op.status === 'running' ? `${fmtRate(p.bars_per_second)} bars/s · ETA ${fmtDuration(p.eta_seconds)}` : '';
  $('#job-cancel').disabled = !['pending', 'running', 'resuming'].includes(op.status);
  $('#job-resume').disabled = !['cancelled', 'failed'].includes(op.status);
  $('#equity-csv').href = `${API}/operations/${op.operation_id}/results/equity_curve?format=csv`;
  $('#trades-csv').href = `${API}/operations/${op.operation_id}/results/trades?format=csv`;
  if (op.status === 'completed' && state.jobLoadedResults !== op.operation_id) {
    state.jobLoadedResults = op.operation_id;
    loadResults(op.operation_id).catch((e) => { $('#metrics').textContent = `results unavailable: ${e.message}`; });
  }
}

async function loadResults(id) {
  const [summary, curve, trades] = await Promise.all([
    api('GET', `/operations/${id}/results`),
    api('GET', `/operations/${id}/results/equity_curve?max_points=1500`),
    api('GET', `/operations/${id}/results/trades?limit=500`),
  ]);
  if (state.jobId !== id) return;
  const m = summary.results.metrics || {};
  const box = $('#metrics');
  box.replaceChildren();
  for (const [key, name, fmt] of METRICS) {
    if (!(key in m)) continue;
    const cls = ['total_return', 'total_return_pct', 'annualized_return'].includes(key) ? signClass(m[key]) : '';
    box.append(el('div', {class: 'metric', 'data-metric': key, 'data-value': String(m[key])},
      el('div', {class: 'name', text: name}), el('div', {class: `value ${cls}`, text: fmt(m[key])})));
  }
  const ext = summary.results.extended || {};
  for (const [key, name, fmt] of [['cagr', 'CAGR', (v) => fmtPct(v)], ['sharpe_ratio', 'Sharpe (daily)', (v) => fmtNum(v, 3)],
    ['exposure_pct', 'Exposure', (v) => fmtPct(v, 1)], ['buy_and_hold_return_pct', 'Buy and hold', (v) => fmtPct(v)]]) {
    if (key in ext) {
      box.append(el('div', {class: 'metric', 'data-metric': `extended.${key}`},
        el('div', {class: 'name', text: name}), el('div', {class: 'value', text: fmt(ext[key])})));
    }
  }
  if ('final_capital' in summary.results) {
    box.append(el('div', {class: 'metric', 'data-metric': 'final_capital'},
      el('div', {class: 'name', text: 'Final capital'}), el('div', {class: 'value', text: fmtNum(summary.results.final_capital)})));
  }
  drawChart(curve);
  renderTrades(trades);
}

// Equity (top) and drawdown (bottom, below zero) on a shared time axis, in SVG.
function drawChart(curve) {
  const pts = curve.points;
  const box = $('#chart');
  box.replaceChildren();
  if (pts.length < 2) { box.textContent = 'no equity curve'; return; }
  const W = 1200, H = 420, L = 80, R = 16, T = 12, eqH = 260, gap = 28, ddH = H - T - eqH - gap - 24;
  const ns = 'http://www.w3.org/2000/svg';
  const svg = document.createElementNS(ns, 'svg');
  svg.setAttribute('viewBox', `0 0 ${W} ${H}`);
  svg.setAttribute('id', 'equity-chart');
  const add = (tag, attrs, text) => {
    const e = document.createElementNS(ns, tag);
    for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
    if (text !== undefined) e.textContent = text;
    svg.append(e);
    return e;
  };
  const ts = pts.map((p) => Date.parse(p.timestamp));
  const t0 = ts[0], t1 = ts[ts.length - 1] > t0 ? ts[ts.length - 1] : t0 + 1;
  const vals = pts.map((p) => p.portfolio_value);
  let lo = Math.min(...vals), hi = Math.max(...vals);
  if (hi === lo) { hi += 1; lo -= 1; }
  const maxDd = Math.max(curve.max_drawdown_pct, 1e-9);
  const x = (t) => L + (W - L - R) * (t - t0) / (t1 - t0);
  const yEq = (v) => T + eqH * (1 - (v - lo) / (hi - lo));
  const ddTop = T + eqH + gap;
  const yDd = (d) => ddTop + ddH * (d / maxDd);
  for (let i = 0; i <= 4; i++) {
    const v = lo + (hi - lo) * i / 4, y = yEq(v);
    add('line', {class: 'grid', x1: L, x2: W - R, y1: y, y2: y});
    add('text', {class: 'axis', x: L - 6, y: y + 4, 'text-anchor': 'end'}, fmtNum(v, 0));
  }
  add('line', {class: 'grid', x1: L, x2: W - R, y1: ddTop, y2: ddTop});
  add('text', {class: 'axis', x: L - 6, y: ddTop + 4, 'text-anchor': 'end'}, '0 %');
  add('text', {class: 'axis', x: L - 6, y: ddTop + ddH + 4, 'text-anchor': 'end'}, '-' + fmtPct(curve.max_drawdown_pct, 1));
  add('text', {class: 'axis', x: L, y: H - 4}, fmtTime(pts[0].timestamp));
  add('text', {class: 'axis', x: W - R, y: H - 4, 'text-anchor': 'end'}, fmtTime(pts[pts.length - 1].timestamp));
  add('text', {class: 'axis', x: L + 4, y: T + 12}, 'equity');
  add('text', {class: 'axis', x: L + 4, y: ddTop + 14}, 'drawdown');
  const eqPath = pts.map((p, i) => `${i ? 'L' : 'M'}${x(ts[i]).toFixed(1)},${yEq(p.portfolio_value).toFixed(1)}`).join('');
  add('path', {d: eqPath, fill: 'none', stroke: '#2563eb', 'stroke-width': 1.5, id: 'equity-line'});
  const ddPath = `M${x(ts[0]).toFixed(1)},${ddTop}` +
    pts.map((p, i) => `L${x(ts[i]).toFixed(1)},${yDd(p.drawdown_pct).toFixed(1)}`).join('') +
    `L${x(ts[ts.length - 1]).toFixed(1)},${ddTop}Z`;
  add('path', {d: ddPath, fill: 'rgba(185,28,28,.25)', stroke: '#b91c1c', 'stroke-width': 1, id: 'drawdown-area'});
  box.append(svg);
  box.append(el('p', {class: 'note', text: `${curve.total_points.toLocaleString('en-US')} equity points` +
    (curve.points.length < curve.total_points ? ` (${curve.points.length} drawn: each slice's low, high and deepest drawdown)` : '')}));
}

function renderTrades(page) {
  const body = $('#trades tbody');
  body.replaceChildren();
  for (const t of page.trades) {
    body.append(el('tr', {},
      el('td', {text: String(t.trade_id)}), el('td', {text: t.side}),
      el('td', {text: fmtTime(t.entry_time)}), el('td', {class: 'num', text: fmtNum(t.entry_price, 4)}),
      el('td', {text: fmtTime(t.exit_time)}), el('td', {class: 'num', text: fmtNum(t.exit_price, 4)}),
      el('td', {class: 'num', text: fmtNum(t.quantity, 0)}),
      el('td', {class: `num ${signClass(t.net_pnl)}`, text: fmtNum(t.net_pnl)}),
      el('td', {class: 'num', text: fmtNum(t.holding_period_hours, 1)})));
  }
  $('#trade-count').textContent = String(page.total);
  if (page.total > page.trades.length) {
    body.append(el('tr', {}, el('td', {colspan: 9, class: 'more',
      text: `${page.total - page.trades.length} more: download the CSV`})));
  }
}

// ---- actions ---------------------------------------------------------------------------------------------
async function cancelOp(id) {
  try { await api('DELETE', `/operations/${id}`, {reason: 'cancelled from the dashboard'}); } catch (e) { alert(e.message); }
  refresh();
}
async function resumeOp(id) {
  try { await api('POST', `/operations/${id}/resume`); } catch (e) { alert(e.message); }
  refresh();
}

async function submitJob(ev) {
  ev.preventDefault();
  const f = new FormData($('#submit-form'));
  const body = {};
  for (const [k, v] of f.entries()) if (String(v).trim() !== '') body[k] = String(v).trim();
  if (body.initial_capital !== undefined) body.initial_capital = Number(body.initial_capital);
  const out = $('#submit-result');
  try {
    const r = await api('POST', '/backtests/start', body);
    out.className = 'note';
    out.textContent = `started ${r.operation_id}`;
    out.dataset.op = r.operation_id;
  } catch (e) {
    out.className = 'error';
    out.textContent = e.message;
  }
  refresh();
}

// ---- data flow -------------------------------------------------------------------------------------------
async function refresh() {
  try {
    if (state.view === 'job') {
      const r = await api('GET', `/operations/${state.jobId}`);
      state.ops.set(r.data.operation_id, r.data);
      renderJob(r.data);
    } else {
      const [fleet, list] = await Promise.all([api('GET', '/fleet'), api('GET', '/operations?limit=50')]);
      state.ops = new Map(list.data.map((op) => [op.operation_id, op]));
      renderWorkers(fleet.data);
      renderJobs();
    }
    const b = $('#broker-state');
    b.textContent = 'broker: up';
    b.className = 'badge ok';
  } catch (e) {
    const b = $('#broker-state');
    b.textContent = `broker: ${e.message.slice(0, 60)}`;
    b.className = 'badge down';
  }
}

function connectEvents() {
  const live = $('#live-state');
  const source = new EventSource(`${API}/events`);
  source.onopen = () => { live.textContent = 'live: on'; live.className = 'badge ok'; };
  source.onerror = () => { live.textContent = 'live: reconnecting'; live.className = 'badge down'; };
  source.addEventListener('progress', (m) => {
    const ev = JSON.parse(m.data);
    state.live.set(ev.operation_id, ev);
    if (state.view === 'fleet') updateRow(ev);
    if (state.view === 'job' && ev.operation_id === state.jobId) {
      const op = state.ops.get(ev.operation_id);
      if (op && op.status === 'running') renderJob(op);
    }
  });
  source.addEventListener('status', (m) => {
    const ev = JSON.parse(m.data);
    if (ev.status !== 'running') state.live.delete(ev.operation_id);
    refresh();
  });
}

function route() {
  const m = location.hash.match(/^#\/op\/([A-Za-z0-9_.:-]+)/);
  state.view = m ? 'job' : 'fleet';
  state.jobId = m ? m[1] : null;
  state.jobLoadedResults = null;
  $('#fleet-view').hidden = state.view !== 'fleet';
  $('#job-view').hidden = state.view !== 'job';
  if (state.view === 'job') {
    $('#metrics').replaceChildren(el('p', {class: 'note', text: 'Metrics appear when the backtest has completed.'}));
    $('#chart').replaceChildren();
    $('#trades tbody').replaceChildren();
    $('#trade-count').textContent = '';
  }
  refresh();
}

$('#submit-form').addEventListener('submit', submitJob);
$('#job-cancel').addEventListener('click', () => cancelOp(state.jobId));
$('#job-resume').addEventListener('click', () => resumeOp(state.jobId));
window.addEventListener('hashchange', route);
setInterval(refresh, POLL_MS);
connectEvents();
route();
