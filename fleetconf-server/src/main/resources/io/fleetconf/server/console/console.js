// The fleetconf console: plain JavaScript, no build step. Pages are drawn from the native API
// (/api/v1), called with the session cookie; every change carries the session's CSRF token.
// Text from the server is always set as text, never as HTML.

const state = { session: null, events: null, fleet: [], filters: { group: '', status: '', search: '' } };
const $ = (selector) => document.querySelector(selector);

function h(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (value === false || value === undefined || value === null) continue;
    if (name.startsWith('on')) node.addEventListener(name.slice(2), value);
    else node.setAttribute(name, value === true ? '' : value);
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

const shown = (value) => value === undefined ? '' : typeof value === 'string' ? value : JSON.stringify(value);
const enc = (text) => text.split('/').map(encodeURIComponent).join('/');

async function api(method, path, body) {
  const headers = { 'X-Fleetconf-Source': 'console' };
  if (state.session && method !== 'GET') headers['X-Fleetconf-Csrf'] = state.session.csrf;
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  const response = await fetch(path, { method, headers, credentials: 'same-origin',
    body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await response.text();
  let json = null;
  try { json = text ? JSON.parse(text) : null; } catch (e) { json = null; }
  if (response.status === 401 && path !== '/console/session') { signedOut(); }
  return { status: response.status, ok: response.ok, json, text };
}

function failure(reply) {
  return (reply.json && reply.json.message) || ('the server answered ' + reply.status);
}

// ---- sign-in and sign-out -------------------------------------------------------------------

async function start() {
  $('#sign-in-form').addEventListener('submit', signIn);
  $('#sign-out').addEventListener('click', signOut);
  window.addEventListener('hashchange', route);
  const reply = await api('GET', '/console/session');
  if (reply.ok) signedIn(reply.json); else signedOut();
}

async function signIn(event) {
  event.preventDefault();
  const reply = await api('POST', '/console/session', { token: $('#token').value });
  $('#token').value = '';
  if (!reply.ok) {
    $('#sign-in-error').textContent = failure(reply);
    return;
  }
  $('#sign-in-error').textContent = '';
  signedIn(reply.json);
}

function signedIn(session) {
  state.session = session;
  $('#sign-in').hidden = true;
  $('#nav').hidden = false;
  $('#sign-out').hidden = false;
  $('#who').textContent = 'Signed in as ' + session.identity + (session.readsSecrets ? '' : ' (secrets masked)');
  if (!state.events) {
    state.events = new EventSource('/console/events');
    state.events.addEventListener('fleet', () => liveUpdate());
  }
  route();
}

async function signOut() {
  await api('DELETE', '/console/session');
  signedOut();
}

function signedOut() {
  state.session = null;
  if (state.events) { state.events.close(); state.events = null; }
  $('#sign-in').hidden = false;
  $('#nav').hidden = true;
  $('#sign-out').hidden = true;
  $('#who').textContent = '';
  $('#view').replaceChildren();
  $('#token').focus();
}

function route() {
  if (!state.session) return;
  const [page, ...rest] = (location.hash.replace(/^#\/?/, '') || 'fleet').split('/');
  const arg = decodeURIComponent(rest.join('/'));
  const pages = { fleet: fleetPage, device: devicePage, config: configPage, history: historyPage };
  (pages[page] || fleetPage)(arg);
}

function show(...nodes) {
  $('#view').replaceChildren(...nodes);
}

function liveUpdate() {
  if ($('#fleet')) loadFleet();
}

// ---- fleet overview -------------------------------------------------------------------------

const STATUSES = ['applied', 'failed', 'rolled_back', 'drift', 'stale', 'unreported'];

function matches(row, status) {
  switch (status) {
    case 'drift': return row.drift;
    case 'stale': return row.stale;
    case 'unreported': return !row.status;
    default: return row.status === status;
  }
}

function fleetPage() {
  const f = state.filters;
  show(h('section', { id: 'fleet' },
    h('h1', {}, 'Fleet'),
    h('ul', { id: 'counts', class: 'counts', 'aria-label': 'Devices by status' }),
    h('div', { class: 'layout' },
      h('nav', { class: 'tree', 'aria-label': 'Groups' }, h('h2', {}, 'Groups'), h('div', { id: 'group-tree' })),
      h('div', {},
        h('form', { class: 'filters', role: 'search', onsubmit: (e) => e.preventDefault() },
          h('div', {}, h('label', { for: 'filter-group' }, 'Group'),
            h('select', { id: 'filter-group', onchange: (e) => { f.group = e.target.value; drawFleet(); } })),
          h('div', {}, h('label', { for: 'filter-status' }, 'Status'),
            h('select', { id: 'filter-status', onchange: (e) => { f.status = e.target.value; drawFleet(); } },
              h('option', { value: '' }, 'any'), STATUSES.map((s) => h('option', { value: s }, s)))),
          h('div', {}, h('label', { for: 'filter-search' }, 'Search'),
            h('input', { id: 'filter-search', type: 'search', value: f.search,
              oninput: (e) => { f.search = e.target.value; drawFleet(); } }))),
        h('div', { class: 'scroll' }, h('table', { id: 'devices' },
          h('caption', { class: 'hint' }, 'Desired is the revision that last changed the device; reported, what its agent runs.'),
          h('thead', {}, h('tr', {}, h('th', {}, 'Device'), h('th', { class: 'wide' }, 'Groups'),
            h('th', {}, 'Status'), h('th', { class: 'wide' }, 'Last seen'), h('th', {}, 'Desired'),
            h('th', {}, 'Reported'))),
          h('tbody')))))));
  $('#filter-status').value = f.status;
  loadFleet();
}

async function loadFleet() {
  const reply = await api('GET', '/api/v1/fleet/status');
  if (!$('#fleet')) return;
  if (!reply.ok) { show(h('p', { class: 'error', role: 'alert' }, failure(reply))); return; }
  state.fleet = reply.json.devices;
  drawFleet();
}

function inGroup(row, group) {
  return !group || row.groups.some((g) => g === group || g.startsWith(group + '/'));
}

function drawFleet() {
  const f = state.filters;
  const rows = state.fleet;
  $('#counts').replaceChildren(...STATUSES.map((s) => h('li', { 'data-status': s },
    h('span', { class: 'n' }, String(rows.filter((r) => matches(r, s)).length)), s.replace('_', ' '))));
  const groups = [...new Set(rows.flatMap((r) => r.groups))].sort();
  const select = $('#filter-group');
  select.replaceChildren(h('option', { value: '' }, 'all'), ...groups.map((g) => h('option', { value: g }, g)));
  if (f.group && !groups.includes(f.group)) select.append(h('option', { value: f.group }, f.group));
  select.value = f.group;
  $('#group-tree').replaceChildren(groupTree(groups, rows));
  const search = f.search.trim().toLowerCase();
  const visible = rows.filter((r) => inGroup(r, f.group) && (!f.status || matches(r, f.status))
    && (!search || r.id.toLowerCase().includes(search) || r.groups.some((g) => g.includes(search))));
  $('#devices tbody').replaceChildren(...visible.map((r) => h('tr', { 'data-device': r.id },
    h('td', {}, h('a', { href: '#/device/' + encodeURIComponent(r.id) }, r.id)),
    h('td', { class: 'wide' }, r.groups.join(', ')),
    h('td', { 'data-col': 'status' }, h('span', { class: 'status-' + (r.status || 'none') }, r.status || 'unreported'),
      r.drift ? h('span', { class: 'flag' }, ' drift') : null, r.stale ? h('span', { class: 'flag' }, ' stale') : null),
    h('td', { class: 'wide' }, r.lastSeen || 'never'),
    h('td', { 'data-col': 'desired' }, String(r.desiredRevision)),
    h('td', { 'data-col': 'reported' }, r.namespaces.map(runs).join(', ') || '—'))));
}

/** What a namespace runs, or when its agent did not say (a failed attempt), the revision it tried. */
function runs(n) {
  return n.runningRevision != null ? n.namespace + '@' + n.runningRevision : n.namespace + ' tried ' + n.revision;
}

/** The groups as a tree of their path segments; each node filters the table to it. */
function groupTree(groups, rows) {
  const root = {};
  for (const g of groups) {
    let node = root;
    for (const part of g.split('/')) node = node[part] = node[part] || {};
  }
  const draw = (node, prefix) => h('ul', {}, Object.keys(node).sort().map((name) => {
    const path = prefix ? prefix + '/' + name : name;
    const count = rows.filter((r) => inGroup(r, path)).length;
    return h('li', {}, h('button', { type: 'button', 'data-group': path,
      'aria-pressed': String(state.filters.group === path),
      onclick: () => { state.filters.group = state.filters.group === path ? '' : path; drawFleet(); } },
      name + ' (' + count + ')'), Object.keys(node[name]).length ? draw(node[name], path) : null);
  }));
  return draw(root, '');
}

// ---- device page ----------------------------------------------------------------------------

function leaves(node, prefix, into) {
  for (const [name, value] of Object.entries(node)) {
    const path = prefix + name;
    if (value && typeof value === 'object' && !Array.isArray(value) && Object.keys(value).length) {
      leaves(value, path + '/', into);
    } else {
      into.push([path, value]);
    }
  }
  return into;
}

async function devicePage(id) {
  const base = '/api/v1/devices/' + encodeURIComponent(id);
  const [config, reports, fleet, history] = await Promise.all([api('GET', base + '/config?explain=true'),
    api('GET', base + '/reports'), api('GET', '/api/v1/fleet/status'), api('GET', '/api/v1/history?limit=200')]);
  if (!config.ok) { show(h('h1', {}, id), h('p', { class: 'error', role: 'alert' }, failure(config))); return; }
  const answer = config.json;
  const provenance = answer.provenance || {};
  const row = fleet.ok ? fleet.json.devices.find((d) => d.id === id) : null;
  const byNamespace = {};
  for (const [path, value] of leaves(answer.config, '', [])) {
    const ns = path.split('/')[0];
    (byNamespace[ns] = byNamespace[ns] || []).push([path, value]);
  }
  const namespaces = Object.keys(byNamespace).sort();
  show(h('section', { id: 'device', 'data-device': id },
    h('h1', {}, 'Device ', h('span', { class: 'mono' }, id)),
    row ? h('p', {}, 'Groups: ', row.groups.join(', ') || 'none', ' · desired revision ', String(row.desiredRevision),
      ' · last seen ', row.lastSeen || 'never') : null,
    h('h2', {}, 'Effective configuration'),
    h('p', { class: 'hint' }, 'Each value with the scope and revision it comes from, as `fleetconf config show --explain`.'),
    namespaces.map((ns) => h('section', { 'data-namespace': ns }, h('h3', {}, ns),
      h('div', { class: 'scroll' }, h('table', { class: 'explain' },
        h('thead', {}, h('tr', {}, h('th', {}, 'Path'), h('th', {}, 'Value'), h('th', {}, 'From'), h('th', {}, 'Rev'))),
        h('tbody', {}, byNamespace[ns].map(([path, value]) => {
          const origin = provenance[path];
          return h('tr', { 'data-path': path }, h('td', { class: 'mono' }, path),
            h('td', { class: 'mono', 'data-col': 'value' }, shown(value)),
            h('td', { 'data-col': 'scope' }, origin ? origin.scope : ''),
            h('td', { 'data-col': 'revision' }, origin ? String(origin.revision) : ''));
        })))))),
    h('h2', {}, 'Desired and reported'),
    reportedTable(row),
    h('h2', {}, 'Last reports'),
    reports.ok ? reportsTable(reports.json.reports.slice(0, 10)) : h('p', { class: 'error' }, failure(reports)),
    h('h2', {}, 'Change sets that touched it'),
    history.ok ? touching(history.json.changeSets, id, row) : h('p', { class: 'error' }, failure(history)),
    h('h2', {}, 'Compare two revisions'),
    diffForm(id)));
}

function reportedTable(row) {
  if (!row || !row.namespaces.length) return h('p', { class: 'hint' }, 'No agent has reported for this device yet.');
  return h('table', { id: 'reported' }, h('thead', {}, h('tr', {}, h('th', {}, 'Namespace'), h('th', {}, 'Desired'),
    h('th', {}, 'Reported'), h('th', {}, 'Status'), h('th', {}, 'Error'))),
  h('tbody', {}, row.namespaces.map((n) => h('tr', { 'data-namespace': n.namespace }, h('td', {}, n.namespace),
    h('td', {}, String(n.desiredRevision)), h('td', {}, n.runningRevision != null ? String(n.runningRevision)
      : 'unknown (tried ' + n.revision + ')'),
    h('td', {}, h('span', { class: 'status-' + n.status }, n.status), n.drift ? h('span', { class: 'flag' }, ' drift') : null),
    h('td', {}, n.error || '')))));
}

function reportsTable(reports) {
  if (!reports.length) return h('p', { class: 'hint' }, 'No reports.');
  return h('table', { id: 'reports' }, h('thead', {}, h('tr', {}, h('th', {}, 'Time'), h('th', {}, 'Namespace'),
    h('th', {}, 'Revision'), h('th', {}, 'Status'), h('th', {}, 'Error'))),
  h('tbody', {}, reports.map((r) => h('tr', {}, h('td', {}, r.time), h('td', {}, r.namespace),
    h('td', {}, String(r.revision)), h('td', {}, h('span', { class: 'status-' + r.status }, r.status)),
    h('td', {}, r.error || '')))));
}

/** Change sets to the scopes the device reads (defaults, global, its groups, itself) or to its registration. */
function touching(changeSets, id, row) {
  const scopes = ['defaults', 'global', 'devices/' + id, ...(row ? row.groups.map((g) => 'groups/' + g) : [])];
  const inScope = (key) => scopes.some((s) => key === s || key.startsWith(s + '/'));
  const hits = changeSets.filter((cs) => cs.changes.some((c) => c.kind === 'device' ? c.device === id : inScope(c.key)));
  if (!hits.length) return h('p', { class: 'hint' }, 'None in the last 200 change sets.');
  return h('ul', { id: 'touching' }, hits.map((cs) => h('li', {}, h('a', { href: '#/history/' + cs.revision },
    'r' + cs.revision), ' ', cs.time, ' ', cs.author, ' (', cs.source, '): ', cs.message || '(no message)')));
}

function diffForm(id) {
  const out = h('div', { id: 'device-diff', 'aria-live': 'polite' });
  const from = h('input', { id: 'diff-from', type: 'number', min: '0', required: true });
  const to = h('input', { id: 'diff-to', type: 'number', min: '0', placeholder: 'now' });
  const run = async (event) => {
    event.preventDefault();
    const query = '?device=' + encodeURIComponent(id) + '&from=' + encodeURIComponent(from.value)
      + (to.value ? '&to=' + encodeURIComponent(to.value) : '');
    const reply = await api('GET', '/api/v1/diff' + query);
    out.replaceChildren(reply.ok ? differences(reply.json.differences, 'path') : h('p', { class: 'error', role: 'alert' },
      failure(reply)));
  };
  return h('form', { class: 'filters', onsubmit: run }, h('div', {}, h('label', { for: 'diff-from' }, 'From revision'), from),
    h('div', {}, h('label', { for: 'diff-to' }, 'To revision'), to), h('button', { type: 'submit' }, 'Show diff'), out);
}

function differences(list, field) {
  if (!list.length) return h('p', {}, 'No differences.');
  return h('ul', { class: 'differences' }, list.map((d) => h('li', { class: 'change mono' }, d[field], ': ',
    d.action === 'create' ? '(none)' : shown(d.from), ' → ', d.action === 'delete' ? '(deleted)' : shown(d.to))));
}

// ---- config browser and editor --------------------------------------------------------------

async function configPage(key) {
  const reply = await api('GET', '/api/v1/entries?recurse=true');
  const tree = h('nav', { class: 'tree', 'aria-label': 'Scopes' }, h('h2', {}, 'Scopes'));
  if (reply.ok) {
    const byScope = {};
    for (const e of reply.json.entries) (byScope[e.scope] = byScope[e.scope] || []).push(e);
    tree.append(h('ul', {}, Object.keys(byScope).sort().map((scope) => h('li', {}, h('details', { open: true },
      h('summary', {}, scope), h('ul', {}, byScope[scope].map((e) => h('li', {}, h('a', {
        href: '#/config/' + enc(e.key) }, e.path, e.secret ? ' (secret)' : '')))))))));
  } else {
    tree.append(h('p', { class: 'error' }, failure(reply)));
  }
  const entry = reply.ok ? reply.json.entries.find((e) => e.key === key) : undefined;
  show(h('section', { id: 'config' }, h('h1', {}, 'Configuration'),
    h('div', { class: 'layout' }, tree, editor(key, entry))));
}

function editor(key, entry) {
  const secrets = state.session.readsSecrets;
  const keyInput = h('input', { id: 'edit-key', value: key || '', required: true, size: 40,
    placeholder: 'global/common/log_level', 'aria-describedby': 'edit-key-hint' });
  const masked = entry && entry.masked;
  const value = h('textarea', { id: 'edit-value', required: true, 'aria-describedby': 'edit-value-hint' },
    entry && !masked ? JSON.stringify(entry.value, null, 2) : '');
  const secret = h('input', { id: 'edit-secret', type: 'checkbox', checked: entry && entry.secret });
  const message = h('input', { id: 'edit-message', required: true, size: 40 });
  const preview = h('div', { id: 'impact', 'aria-live': 'polite' });
  const save = h('button', { id: 'edit-save', type: 'button', disabled: true }, 'Save');
  let previewed = null;
  const inputs = () => {
    let parsed;
    try { parsed = JSON.parse(value.value); } catch (e) { throw new Error('the value is not valid JSON: ' + e.message); }
    if (!keyInput.value.trim()) throw new Error('give the key, e.g. global/common/log_level');
    return { key: keyInput.value.trim(), value: parsed, secret: secret.checked };
  };
  const request = (i, dry) => api('POST', '/api/v1/changes' + (dry ? '?dry_run=true' : ''), {
    message: message.value, operations: [{ op: 'put', key: i.key, value: i.value, secret: i.secret }] });
  const invalidate = () => { previewed = null; save.disabled = true; };
  // The message does not change the impact: only what is written does.
  [keyInput, value, secret].forEach((node) => node.addEventListener('input', invalidate));
  const onPreview = async (event) => {
    event.preventDefault();
    let i;
    try { i = inputs(); } catch (e) { preview.replaceChildren(h('p', { class: 'error', role: 'alert' }, e.message)); return; }
    const reply = await request(i, true);
    if (!reply.ok) { preview.replaceChildren(h('p', { class: 'error', role: 'alert' }, failure(reply))); return; }
    preview.replaceChildren(impact(reply.json));
    previewed = reply.json.schema.valid ? JSON.stringify(i) : null;
    save.disabled = previewed === null || !message.value.trim();
  };
  message.addEventListener('input', () => { save.disabled = previewed === null || !message.value.trim(); });
  save.addEventListener('click', async () => {
    const i = inputs();
    if (JSON.stringify(i) !== previewed) return;
    if (!message.value.trim()) { preview.append(h('p', { class: 'error', role: 'alert' }, 'a message is required')); return; }
    const reply = await request(i, false);
    if (!reply.ok) { preview.replaceChildren(h('p', { class: 'error', role: 'alert' }, failure(reply))); return; }
    invalidate();
    preview.replaceChildren(h('p', { id: 'saved', class: 'ok', role: 'status' }, 'Saved as revision ' + reply.json.revision + '.'));
  });
  return h('form', { id: 'editor', onsubmit: onPreview },
    h('h2', {}, entry ? 'Edit ' + entry.key : 'New value'),
    h('label', { for: 'edit-key' }, 'Key (scope and path)'), keyInput,
    h('p', { id: 'edit-key-hint', class: 'hint' }, 'defaults/…, global/…, groups/<group>/…, devices/<id>/…'),
    h('label', { for: 'edit-value' }, 'Value (JSON: a string in quotes, a number, an object for a whole namespace)'), value,
    h('p', { id: 'edit-value-hint', class: 'hint' }, masked ? 'A secret: its value is not shown to this token; write a new one.'
      : (secrets ? '' : 'Secrets are write-only for this token.')),
    h('label', {}, secret, ' Secret (encrypted at rest, masked for tokens that may not read secrets)'),
    h('label', { for: 'edit-message' }, 'Message (required)'), message,
    h('p', {}, h('button', { id: 'edit-preview', type: 'submit' }, 'Preview impact'), ' ', save),
    preview);
}

/** A dry run's answer: schema verdict, then per group of devices the differences they would see. */
function impact(dry) {
  return h('div', { class: 'panel', id: 'impact-panel' },
    h('h3', {}, 'Impact: ', h('span', { id: 'impact-count' }, String(dry.devices)), ' device(s) would change'),
    dry.schema.valid ? null : h('p', { class: 'error', role: 'alert', id: 'schema-error' }, 'Schema: ' + dry.schema.message),
    dry.impact.map((group) => h('div', { class: 'impact-group' },
      h('p', {}, h('strong', {}, group.kind), ': ', h('span', { class: 'impact-devices mono' }, group.devices.join(', '))),
      differences(group.differences, 'path'))));
}

// ---- history, rollback ----------------------------------------------------------------------

async function historyPage(focus) {
  const reply = await api('GET', '/api/v1/history?limit=50');
  if (!reply.ok) { show(h('h1', {}, 'History'), h('p', { class: 'error', role: 'alert' }, failure(reply))); return; }
  show(h('section', { id: 'history' }, h('h1', {}, 'History'),
    h('ol', { reversed: true, class: 'changesets' }, reply.json.changeSets.map((cs) => changeSetItem(cs, focus)))));
  const target = focus && document.getElementById('cs-' + focus);
  if (target) target.scrollIntoView();
}

function changeSetItem(cs, focus) {
  const confirm = h('div', { 'aria-live': 'polite' });
  const ask = async () => {
    const reply = await api('POST', '/api/v1/rollback?dry_run=true', { revision: cs.revision });
    if (!reply.ok) { confirm.replaceChildren(h('p', { class: 'error', role: 'alert' }, failure(reply))); return; }
    const yes = h('button', { type: 'button', class: 'confirm-rollback' }, 'Roll back revision ' + cs.revision);
    const no = h('button', { type: 'button', class: 'secondary' }, 'Cancel');
    no.addEventListener('click', () => confirm.replaceChildren());
    yes.addEventListener('click', async () => {
      const done = await api('POST', '/api/v1/rollback', { revision: cs.revision,
        message: 'roll back revision ' + cs.revision + ' (console)' });
      confirm.replaceChildren(done.ok ? h('p', { class: 'ok rolled-back', role: 'status' },
        'Rolled back as revision ' + done.json.revision + '.') : h('p', { class: 'error', role: 'alert' }, failure(done)));
    });
    confirm.replaceChildren(h('div', { class: 'panel confirm' }, h('p', {}, 'Rolling back revision ' + cs.revision
      + ' makes a new change set. Its impact:'), impact(reply.json), yes, ' ', no));
    yes.focus();
  };
  return h('li', { id: 'cs-' + cs.revision, 'data-revision': cs.revision, class: String(cs.revision) === focus ? 'focus' : null },
    h('p', {}, h('strong', {}, 'r' + cs.revision), ' ', cs.time, ' · ', cs.author, ' · ', cs.source,
      cs.commit ? ' ' + cs.commit.slice(0, 12) : '', ' · ', cs.message || '(no message)'),
    h('ul', {}, cs.changes.map((c) => h('li', { class: 'change mono' }, c.kind === 'device'
      ? 'device ' + c.device + ': ' + c.action
      : c.key + ': ' + (c.action === 'create' ? '(none)' : shown(c.before)) + ' → '
        + (c.action === 'delete' ? '(deleted)' : shown(c.after))))),
    h('button', { type: 'button', class: 'secondary rollback', onclick: ask }, 'Roll back…'), confirm);
}

start();
