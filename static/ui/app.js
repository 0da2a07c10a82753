/*
 * The dashboard's page (docs/dashboard.md): one EventSource on events (the emulator's stream),
 * fetch for the fault rules' POST and DELETE. Everything from the emulator reaches the DOM through
 * textContent or an attribute, never as markup, and the Content-Security-Policy allows no inline
 * script: host names, fault messages and journal entries are data, whoever wrote them.
 */
'use strict';

(function () {
  const STATES = ['unprovisioned', 'queued', 'provisioning', 'provisioned-wid', 'provisioned-sql', 'failed'];
  const STATE_LABELS = {
    unprovisioned: 'not provisioned',
    queued: 'queued',
    provisioning: 'provisioning',
    'provisioned-wid': 'provisioned, WID',
    'provisioned-sql': 'provisioned, SQL Server',
    failed: 'failed',
  };
  /** The grid drops names past this many hosts: colours alone. */
  const DENSE_FROM = 200;
  const JOURNAL_ROWS = 200;
  const NEAR_MISS_ROWS = 100;
  /** The chart shows the last two minutes, or all it has when that is less (but at least 10 s). */
  const CHART_WINDOW_MS = 120000;
  const CHART_MIN_WINDOW_MS = 10000;

  const $ = (id) => document.getElementById(id);

  /** An element with text (never markup) and, optionally, a class. */
  function el(tag, text, className) {
    const e = document.createElement(tag);
    if (text !== undefined && text !== null) e.textContent = String(text);
    if (className) e.className = className;
    return e;
  }

  function row(cells) {
    const tr = document.createElement('tr');
    for (const c of cells) tr.appendChild(c instanceof Node ? c : el('td', c));
    return tr;
  }

  function td(content, className) {
    const cell = el('td', content instanceof Node ? undefined : content, className);
    if (content instanceof Node) cell.appendChild(content);
    return cell;
  }

  function duration(ms) {
    if (ms === null || ms === undefined) return '';
    if (ms < 1000) return `${Math.round(ms)} ms`;
    if (ms < 60000) return `${(ms / 1000).toFixed(1)} s`;
    return `${Math.floor(ms / 60000)} min ${Math.round((ms % 60000) / 1000)} s`;
  }

  function clockTime(iso) {
    const d = new Date(iso);
    return Number.isNaN(d.getTime()) ? '' : d.toISOString().slice(11, 23);
  }

  const shortName = (fqdn) => fqdn.split('.')[0];

  // ---------------------------------------------------------------- the fleet

  const tiles = new Map();

  function renderFleet(hosts) {
    const grid = $('fleet');
    grid.replaceChildren();
    tiles.clear();
    grid.classList.toggle('dense', hosts.length > DENSE_FROM);
    for (const h of hosts) {
      const tile = el('div', undefined, 'tile');
      tile.dataset.host = h.host;
      tile.appendChild(el('span', shortName(h.host), 'name'));
      tile.appendChild(el('span', '', 'step'));
      grid.appendChild(tile);
      tiles.set(h.host, tile);
      updateTile(h);
    }
    countStates();
  }

  function updateTile(h) {
    const tile = tiles.get(h.host);
    if (!tile) return;
    tile.dataset.state = h.state;
    const step = h.step ? `step ${h.step.number}/${h.step.of}` : h.state === 'queued' ? 'queued' : '';
    tile.querySelector('.step').textContent = step;
    tile.style.setProperty('--done', h.step ? `${Math.round(((h.step.number - 1) / h.step.of) * 100)}%` : '0%');
    let title = `${h.host}: ${STATE_LABELS[h.state] || h.state}`;
    if (h.step) title += ` (step ${h.step.number} of ${h.step.of}: ${h.step.title})`;
    if (h.error) title += ` (${h.error})`;
    tile.title = title;
  }

  function countStates() {
    const counts = Object.fromEntries(STATES.map((s) => [s, 0]));
    for (const tile of tiles.values()) counts[tile.dataset.state] = (counts[tile.dataset.state] || 0) + 1;
    for (const li of $('legend').children) li.querySelector('b').textContent = String(counts[li.dataset.state] || 0);
  }

  // ---------------------------------------------------------------- jobs

  const jobs = new Map();
  const JOB_ORDER = { Running: 0, New: 1, Starting: 1 };

  function jobRank(j) {
    return JOB_ORDER[j.state] === undefined ? 2 : JOB_ORDER[j.state];
  }

  function renderJobs(counts) {
    if (counts) {
      const parts = Object.entries(counts).map(([state, n]) => `${n} ${state}`);
      $('job-counts').textContent = parts.length ? `(${parts.join(', ')})` : '(none yet)';
    }
    const list = [...jobs.values()].sort((a, b) => {
      const r = jobRank(a) - jobRank(b);
      if (r !== 0) return r;
      return jobRank(a) === 2 ? b.submitted.localeCompare(a.submitted) : a.submitted.localeCompare(b.submitted);
    });
    const body = $('jobs').tBodies[0];
    body.replaceChildren(...list.map(jobRow));
  }

  function jobRow(j) {
    const badge = el('span', j.state, 'badge');
    badge.dataset.jobState = j.state;
    const steps = el('div');
    if (j.operation === 'InvokeIpamServerProvisioning') {
      const of = j.current ? j.current.of : 6;
      const bar = el('div', undefined, 'steps');
      for (let i = 0; i < of; i++) {
        const seg = el('span');
        const done = j.steps[i];
        if (done) {
          seg.className = 'done';
          seg.title = `${done.title}: ${duration(done.ms)}`;
        } else if (j.current && i === j.current.number - 1) {
          seg.className = 'current';
          seg.title = `${j.current.title}: ${duration(j.current.ms)} so far`;
        } else if ((j.state === 'Exception' || j.state === 'Killed') && i === j.steps.length) {
          seg.className = 'failed';
        }
        bar.appendChild(seg);
      }
      steps.appendChild(bar);
      const line = j.current
        ? `step ${j.current.number} of ${j.current.of}: ${j.current.title} (${duration(j.current.ms)})`
        : j.steps.length
          ? `${j.steps.length} of ${of} steps`
          : j.status;
      steps.appendChild(el('div', line, 'step-times'));
      if (j.steps.length) steps.appendChild(el('div', j.steps.map((s) => duration(s.ms)).join(' · '), 'step-times'));
    } else {
      steps.appendChild(el('div', j.status, 'step-times'));
    }
    if (j.error) steps.appendChild(el('div', j.error, 'error'));
    const tr = row([td(shortName(j.host)), td(j.operation), td(badge), td(steps), td(duration(j.durationMs), 'num')]);
    tr.dataset.job = j.id;
    tr.dataset.host = j.host;
    tr.title = `${j.id} · ${j.owner}${j.client ? ` from ${j.client}` : ''}`;
    return tr;
  }

  // ---------------------------------------------------------------- concurrency

  let samples = [];
  let concurrency = { limit: 1, peak: 0 };
  let drawPending = false;

  function onConcurrency(c, whole) {
    concurrency = c;
    const last = samples.length ? samples[samples.length - 1][0] : 0;
    samples = whole ? c.samples.slice() : samples.concat(c.samples.filter((s) => s[0] > last));
    const oldest = Date.now() - 10 * 60000;
    if (samples.length && samples[0][0] < oldest) samples = samples.filter((s) => s[0] >= oldest);
    $('c-running').textContent = String(c.running);
    $('c-queued').textContent = String(c.queued);
    $('c-peak').textContent = String(c.peak);
    $('c-limit').textContent = String(c.limit);
    const clients = Object.entries(c.perClient || {}).map(([addr, g]) => `${addr}: peak ${g.peak}`);
    $('c-clients').textContent = clients.length ? `per client address: ${clients.join(', ')}` : '';
    if (!drawPending) {
      drawPending = true;
      requestAnimationFrame(drawChart);
    }
  }

  function drawChart() {
    drawPending = false;
    const canvas = $('concurrency-chart');
    const ratio = window.devicePixelRatio || 1;
    const width = canvas.clientWidth;
    const height = canvas.clientHeight;
    if (canvas.width !== Math.round(width * ratio)) canvas.width = Math.round(width * ratio);
    if (canvas.height !== Math.round(height * ratio)) canvas.height = Math.round(height * ratio);
    const g = canvas.getContext('2d');
    g.setTransform(ratio, 0, 0, ratio, 0, 0);
    g.clearRect(0, 0, width, height);
    const css = getComputedStyle(document.documentElement);
    const pad = { left: 34, right: 8, top: 8, bottom: 18 };
    const w = width - pad.left - pad.right;
    const h = height - pad.top - pad.bottom;
    const end = samples.length ? samples[samples.length - 1][0] : Date.now();
    const span = Math.min(CHART_WINDOW_MS, Math.max(CHART_MIN_WINDOW_MS, samples.length ? end - samples[0][0] : 0));
    const start = end - span;
    const shown = samples.filter((s) => s[0] >= start);
    let top = Math.max(1, concurrency.limit);
    for (const s of shown) top = Math.max(top, s[1], s[2]);
    top = Math.ceil(top * 1.1);
    const x = (t) => pad.left + ((t - start) / span) * w;
    const y = (v) => pad.top + h - (v / top) * h;

    g.font = '10px system-ui, sans-serif';
    g.fillStyle = css.getPropertyValue('--muted');
    g.strokeStyle = css.getPropertyValue('--line');
    g.lineWidth = 1;
    for (let i = 0; i <= 4; i++) {
      const v = Math.round((top * i) / 4);
      g.beginPath();
      g.moveTo(pad.left, y(v) + 0.5);
      g.lineTo(pad.left + w, y(v) + 0.5);
      g.stroke();
      g.fillText(String(v), 4, y(v) + 3);
    }
    g.fillText(`-${Math.round(span / 1000)} s`, pad.left, height - 4);
    g.fillText(`-${Math.round(span / 2000)} s`, pad.left + w / 2 - 12, height - 4);
    g.fillText('now', pad.left + w - 18, height - 4);

    g.setLineDash([5, 4]);
    g.strokeStyle = css.getPropertyValue('--failed');
    g.beginPath();
    g.moveTo(pad.left, y(concurrency.limit));
    g.lineTo(pad.left + w, y(concurrency.limit));
    g.stroke();
    g.setLineDash([]);
    if (shown.length < 2) return;

    const line = (index, color, fill) => {
      g.beginPath();
      g.moveTo(x(shown[0][0]), y(shown[0][index]));
      for (let i = 1; i < shown.length; i++) {
        // A step line: the value holds until the next sample.
        g.lineTo(x(shown[i][0]), y(shown[i - 1][index]));
        g.lineTo(x(shown[i][0]), y(shown[i][index]));
      }
      g.strokeStyle = color;
      g.lineWidth = 2;
      g.stroke();
      if (fill) {
        g.lineTo(x(shown[shown.length - 1][0]), y(0));
        g.lineTo(x(shown[0][0]), y(0));
        g.closePath();
        g.globalAlpha = 0.15;
        g.fillStyle = color;
        g.fill();
        g.globalAlpha = 1;
      }
    };
    line(2, css.getPropertyValue('--waiting'), false);
    line(1, css.getPropertyValue('--running'), true);
  }

  // ---------------------------------------------------------------- fault rules

  function renderFaults(f) {
    const body = $('faults').tBodies[0];
    body.replaceChildren(
      ...f.rules.map((r) => {
        const del = el('button', 'delete');
        del.type = 'button';
        del.addEventListener('click', () => deleteRule(r.id));
        const fires = r.times !== undefined ? `${r.times}×` : r.probability !== undefined ? `p=${r.probability}` : 'always';
        const fired = td(String(r.fired), 'num fired');
        const tr = row([td(r.id, 'code'), td(JSON.stringify(r.match || {}), 'code'), td(JSON.stringify(r.effect), 'code'), td(`${fires} (${r.source})`), fired, td(del)]);
        tr.dataset.ruleId = r.id;
        tr.dataset.fired = String(r.fired);
        if (r.retired) tr.className = 'retired';
        return tr;
      }),
    );
    if (f.rules.length === 0) body.appendChild(row([td('No rules: every request is answered as the emulator would.', 'muted')]));
    $('hosts-down').textContent = f.hostsDown.length ? `Down: ${f.hostsDown.map((d) => `${d.host} until ${clockTime(d.until)}`).join(', ')}` : '';
  }

  function say(text, ok) {
    const out = $('fault-message');
    out.textContent = text;
    out.dataset.ok = String(ok);
  }

  async function deleteRule(id) {
    const res = await fetch(`../faults/${encodeURIComponent(id)}`, { method: 'DELETE' });
    say(res.ok ? `Deleted ${id}.` : `Could not delete ${id}: HTTP ${res.status}.`, res.ok);
  }

  /** The rule the form's fields describe, as JSON in the text area (which may then be edited by hand). */
  function ruleFromFields() {
    const form = $('fault-form');
    const v = (name) => form.elements[name].value.trim();
    const num = (name) => (v(name) === '' ? undefined : Number(v(name)));
    const kind = v('effect');
    for (const label of form.querySelectorAll('[data-effect]')) label.hidden = label.dataset.effect !== kind;
    const match = {};
    for (const k of ['host', 'operation', 'className', 'method', 'step', 'user', 'client']) if (v(k)) match[k] = v(k);
    const effects = {
      wsmanFault: () => ({ subcode: v('subcode'), ...(v('reason') ? { reason: v('reason') } : {}) }),
      cimError: () => ({ statusCode: num('statusCode'), ...(v('message') ? { message: v('message') } : {}) }),
      httpStatus: () => ({ status: num('status') }),
      delay: () => ({ ms: num('ms') }),
      reset: () => true,
      closeAfterBytes: () => ({ n: num('n') }),
      dribble: () => ({ chunkBytes: num('chunkBytes'), intervalMs: num('intervalMs') }),
      authLoop: () => true,
      hostDown: () => ({ seconds: num('seconds') }),
    };
    const rule = {};
    if (v('id')) rule.id = v('id');
    rule.match = match;
    rule.effect = { [kind]: effects[kind]() };
    if (num('times') !== undefined) rule.times = num('times');
    if (num('probability') !== undefined) rule.probability = num('probability');
    form.elements.json.value = JSON.stringify(rule, null, 2);
  }

  async function addRule(event) {
    event.preventDefault();
    const text = $('fault-form').elements.json.value;
    try {
      JSON.parse(text);
    } catch (e) {
      say(`The rule is not JSON: ${e.message}`, false);
      return;
    }
    const res = await fetch('../faults', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: text });
    const body = await res.json().catch(() => ({}));
    if (res.status === 201) say(`Added ${body.id}.`, true);
    else say(body.error || `HTTP ${res.status}`, false);
  }

  // ---------------------------------------------------------------- the journal

  let journalSeq = 0;
  let nearMissKeys = new Set();

  function journalRow(e) {
    const op = e.methodName ? `${e.operation || ''} ${e.methodName}` : e.operation || e.httpMethod || '';
    const tr = row([
      td(String(e.seq), 'num'),
      td(clockTime(e.time)),
      td(e.host ? shortName(e.host) : ''),
      td(e.user || ''),
      td(op),
      td(e.status === null ? '' : String(e.status), 'num'),
      td(e.fault || e.error || '', 'code'),
      td(e.faultRule || '', 'code'),
      td(e.durationMs === null ? '' : e.durationMs.toFixed(1), 'num'),
    ]);
    tr.dataset.seq = String(e.seq);
    if (e.faultRule) tr.dataset.faultRule = e.faultRule;
    if (e.fault || e.faultRule || e.error || (e.status !== null && e.status >= 400)) tr.className = 'fault';
    tr.title = [e.resourceUri, e.faultMessage, e.userAgent && `user agent: ${e.userAgent}`].filter(Boolean).join('\n');
    return tr;
  }

  function addJournal(entries, whole) {
    const body = $('journal').tBodies[0];
    if (whole) {
      body.replaceChildren();
      journalSeq = 0;
    }
    for (const e of entries) {
      if (e.seq <= journalSeq) continue;
      journalSeq = e.seq;
      body.insertBefore(journalRow(e), body.firstChild);
    }
    while (body.rows.length > JOURNAL_ROWS) body.deleteRow(body.rows.length - 1);
  }

  function addNearMisses(misses, whole) {
    const body = $('near-misses').tBodies[0];
    if (whole) {
      body.replaceChildren();
      nearMissKeys = new Set();
    }
    for (const m of misses) {
      const key = `${m.requestSeq}|${m.kind}|${m.given}`;
      if (nearMissKeys.has(key)) continue;
      nearMissKeys.add(key);
      const tr = row([td(String(m.requestSeq), 'num'), td(m.host ? shortName(m.host) : ''), td(m.operation || ''), td(m.kind), td(m.given, 'code'), td(m.didYouMean || '', 'code'), td(m.hint)]);
      body.insertBefore(tr, body.firstChild);
    }
    while (body.rows.length > NEAR_MISS_ROWS) body.deleteRow(body.rows.length - 1);
  }

  // ---------------------------------------------------------------- the stream

  function onState(s) {
    $('fleet-name').textContent = `fleet ${s.fleet.name} · default host ${s.fleet.defaultHost}`;
    $('host-count').textContent = `(${s.fleet.hosts} hosts)`;
    renderFleet(s.hosts);
    jobs.clear();
    for (const j of s.jobs.jobs) jobs.set(j.id, j);
    renderJobs(s.jobs.counts);
    onConcurrency(s.concurrency, true);
    renderFaults(s.faults);
    if (s.journal.enabled) {
      $('journal-info').textContent = `(the newest, of ${s.journal.capacity} kept)`;
      addJournal(s.journal.entries, true);
      addNearMisses(s.journal.nearMisses, true);
    } else {
      $('journal-info').textContent = '(off: the emulator runs with --journal-size 0)';
    }
  }

  function connect() {
    const status = $('connection');
    const source = new EventSource('events');
    const on = (name, fn) => source.addEventListener(name, (ev) => fn(JSON.parse(ev.data)));
    source.onopen = () => {
      status.dataset.status = 'live';
      status.textContent = 'live';
    };
    source.onerror = () => {
      if (status.dataset.status === 'stopped') return;
      status.dataset.status = 'reconnecting';
      status.textContent = 'reconnecting…';
    };
    on('state', onState);
    on('hosts', (hosts) => {
      for (const h of hosts) updateTile(h);
      countStates();
    });
    on('jobs', (d) => {
      for (const id of d.removed) jobs.delete(id);
      for (const j of d.upserted) jobs.set(j.id, j);
      renderJobs(d.counts);
    });
    on('concurrency', (c) => onConcurrency(c, false));
    on('faults', renderFaults);
    on('journal', (d) => {
      addJournal(d.entries, false);
      addNearMisses(d.nearMisses, false);
    });
    on('bye', (d) => {
      status.dataset.status = 'stopped';
      status.textContent = d.reason;
    });
  }

  const form = $('fault-form');
  form.addEventListener('input', (event) => {
    if (event.target.name !== 'json') ruleFromFields();
  });
  form.addEventListener('submit', addRule);
  $('faults-only').addEventListener('change', (event) => $('journal').classList.toggle('faults-only', event.target.checked));
  ruleFromFields();
  connect();
})();
