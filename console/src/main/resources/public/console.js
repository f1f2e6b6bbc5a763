// The console page: one view document from /api/events (server-sent events), drawn into tables and Chart.js charts.
// No build step: plain browser JavaScript; Chart.js comes from its WebJar, served by the console itself.
'use strict';

const PALETTE = ['#2f6fdf', '#d64545', '#3ca86e', '#e0912f', '#8e5bd6', '#1aa3b5', '#c2478f', '#6b7a8a', '#a3a31a', '#5b3a29'];
const charts = {};
window.consoleCharts = charts; // for the browser test and for curious operators

function fmt(v, digits = 3) { return v === null || v === undefined || Number.isNaN(v) ? '–' : Number(v).toFixed(digits); }
function time(iso) { return iso ? new Date(iso).toLocaleTimeString() : '–'; }
function esc(s) { return String(s ?? '–').replace(/[&<>"']/g, c => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }[c])); }

function fill(tableId, rows, rowAttrs) {
  const body = document.querySelector('#' + tableId + ' tbody');
  body.innerHTML = rows.map((cells, i) => {
    const attrs = rowAttrs ? rowAttrs(i) : '';
    return '<tr ' + attrs + '>' + cells.map(c => typeof c === 'number' ? '<td class="num">' + c + '</td>' : '<td>' + c + '</td>').join('') + '</tr>';
  }).join('');
}

function chart(id, config) {
  if (!charts[id]) {
    charts[id] = new Chart(document.getElementById(id), config);
  }
  return charts[id];
}

function drawRounds(d) {
  const models = d.models.filter(m => !m.cohort);
  const labels = models.map(m => m.model);
  const pooled = d.references.pooledMacroF1;
  const c = chart('rounds-chart', {
    type: 'line',
    data: { labels: [], datasets: [
      { label: 'validation macro-F1', data: [], borderColor: PALETTE[0], backgroundColor: PALETTE[0], tension: 0.2 },
      { label: 'held-out macro-F1', data: [], borderColor: PALETTE[2], backgroundColor: PALETTE[2], tension: 0.2 },
      { label: 'pooled reference', data: [], borderColor: PALETTE[7], borderDash: [6, 4], pointRadius: 0 } ] },
    options: { animation: false, maintainAspectRatio: false, scales: { y: { min: 0, max: 1, title: { display: true, text: 'macro-F1' } } } }
  });
  c.data.labels = labels;
  c.data.datasets[0].data = models.map(m => m.validationMacroF1);
  c.data.datasets[1].data = models.map(m => m.heldOutMacroF1);
  c.data.datasets[2].data = models.map(() => pooled);
  c.update();
  document.getElementById('reference-note').textContent = d.references.note
    + (pooled != null ? ' Pooled reference: ' + fmt(pooled) + (d.references.pooledWhat ? ' (' + d.references.pooledWhat + ')' : '') + '.' : '');
  fill('rounds', d.rounds.map(r => [r.roundId, esc(r.models.join(', ')), r.summaries, r.bytesPerEdge, fmt(r.validationMacroF1),
    fmt(r.heldOutMacroF1), pooled != null && r.heldOutMacroF1 != null ? fmt(r.heldOutMacroF1 / pooled) : '–']),
    i => 'data-round="' + d.rounds[i].roundId + '"');
}

function drawFleet(d) {
  fill('fleet', d.fleet.map(e => [esc(e.edgeId), esc(e.model), time(e.acceptedAt), time(e.lastSeen), e.swaps,
    e.declined, e.refused, fmt(e.localMacroF1), e.flowsScored, e.alertsSent,
    e.quarantines ? e.quarantines + ': ' + esc(e.lastQuarantine) : 0]),
    i => 'data-edge="' + esc(d.fleet[i].edgeId) + '" data-model="' + esc(d.fleet[i].model) + '"' + (d.fleet[i].quarantines ? ' class="bad"' : ''));
}

function drawAttacks(d) {
  const a = d.attacks;
  const total = document.getElementById('alert-total');
  total.textContent = a.total; total.dataset.count = a.total;
  document.getElementById('alert-window').textContent = 'per edge, class and source within ' + a.windowSeconds + ' s';
  const classes = Object.keys(a.byClass).sort();
  const c = chart('attacks-chart', {
    type: 'bar', data: { labels: [], datasets: [] },
    options: { animation: false, maintainAspectRatio: false, scales: { x: { stacked: true }, y: { stacked: true, title: { display: true, text: 'alerts per 10 s' } } } }
  });
  c.data.labels = a.buckets.map(b => time(b.start));
  c.data.datasets = classes.map((cls, i) => ({ label: cls, data: a.buckets.map(b => b.byClass[cls] || 0), backgroundColor: PALETTE[i % PALETTE.length] }));
  c.update();
  fill('alert-sources', Object.entries(a.bySource).map(([s, n]) => [esc(s.toLowerCase()), n]), i => 'data-source="' + esc(Object.keys(a.bySource)[i]) + '"');
  fill('alert-edges', a.topEdges.map(e => [esc(e.name), e.count]));
  const shown = a.deduplicated.slice(0, 12);
  document.getElementById('alerts-more').textContent = a.deduplicatedCount > shown.length
    ? shown.length + ' newest of ' + a.deduplicatedCount + ' (all in /api/dashboard)' : '';
  // firing against this page's clock: a quiet system sends no new view, yet its alerts end
  const firing = g => Date.now() - Date.parse(g.last) <= a.windowSeconds * 1000;
  fill('alerts', shown.map(g => [esc(g.edgeId), esc(g.attackClass), esc(g.source.toLowerCase()), g.count, time(g.first), time(g.last),
    fmt(g.maxScore), firing(g) ? 'firing' : 'resolved']), i => firing(shown[i]) ? 'class="firing"' : '');
  fill('quarantines', d.quarantines.map(q => [esc(q.edgeId), q.roundId, q.setVersion, esc(q.reason), fmt(q.score, 1), fmt(q.threshold, 1)]));
}

function drawSet(d) {
  const p = d.projection;
  if (!p) { return; }
  document.getElementById('set-version').textContent = 'v' + p.setVersion + ' · PC1 ' + fmt(100 * p.explained[0], 0)
    + ' %, PC2 ' + fmt(100 * p.explained[1], 0) + ' % of the variance' + (p.note ? ' · ' + p.note : '');
  const c = chart('set-chart', { type: 'scatter', data: { datasets: [] },
    options: { animation: false, maintainAspectRatio: false, plugins: { legend: { position: 'right' } } } });
  const datasets = [];
  p.classes.forEach((cls, k) => {
    const colour = PALETTE[k % PALETTE.length];
    const gen = p.points.filter(x => x.label === k && x.kind === 'generated').map(x => ({ x: x.x, y: x.y }));
    const syn = p.points.filter(x => x.label === k && x.kind === 'synthetic').map(x => ({ x: x.x, y: x.y }));
    if (gen.length) { datasets.push({ label: cls + ' (generated)', data: gen, pointRadius: 1.5, backgroundColor: colour + '66', borderColor: colour + '66' }); }
    if (syn.length) { datasets.push({ label: cls, data: syn, pointRadius: 5, backgroundColor: colour, borderColor: '#1d2630' }); }
  });
  c.data.datasets = datasets;
  c.update();
}

function drawHealth(d) {
  const h = d.health;
  const rows = [];
  d.rounds.slice(-3).forEach(r => r.timeline.forEach(s => rows.push([r.roundId, esc(s.what), fmt(s.fromSeconds, 1), fmt(s.toSeconds, 1), s.count])));
  fill('timeline', rows);
  document.getElementById('lag-at').textContent = h.lagError ? 'not measured: ' + h.lagError : 'at ' + time(h.lagMeasuredAt);
  fill('lag', h.lag.map(l => [esc(l.group), esc(l.topic), l.lag]));
  fill('dead-letters', h.deadLetters.map(x => [esc(x.topic), x.records, esc(x.lastReason), esc(x.lastService)]),
    i => 'data-topic="' + esc(h.deadLetters[i].topic) + '" data-records="' + h.deadLetters[i].records + '"');
}

function drawModels(d) {
  fill('models', d.models.slice().reverse().map(m => [esc(m.model), esc(m.cohort || 'global'), m.syntheticSetVersion, m.roundId,
    fmt(m.validationMacroF1), fmt(m.previousMacroF1), fmt(m.heldOutMacroF1), esc(m.signingKeyId), time(m.createdAt), m.edgesRunning,
    esc(m.declinedBy.join(', ') || '–')]));
  fill('refusals', d.refusals.slice().reverse().map(r => [time(r.at), esc(r.service), esc(r.reason)]));
}

let shownVersion = -1;

function draw(d) {
  if (d.version < shownVersion) { return; } // an older view arriving late
  shownVersion = d.version;
  document.getElementById('task').textContent = d.taskId;
  document.getElementById('updated').textContent = time(d.updatedAt);
  document.body.dataset.version = d.version;
  drawRounds(d); drawFleet(d); drawAttacks(d); drawSet(d); drawHealth(d); drawModels(d);
}

function live(on, text) {
  document.getElementById('live').className = 'dot ' + (on ? 'on' : 'off');
  document.getElementById('live-text').textContent = text;
}

function connect() {
  const events = new EventSource('/api/events');
  events.addEventListener('dashboard', e => { live(true, 'live'); draw(JSON.parse(e.data)); });
  events.onopen = () => live(true, 'live');
  events.onerror = () => live(false, 'reconnecting'); // EventSource reconnects by itself
}

fetch('/api/dashboard').then(r => r.json()).then(draw).catch(() => {});
connect();
