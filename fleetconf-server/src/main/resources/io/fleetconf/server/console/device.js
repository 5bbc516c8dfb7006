// A device's page: provenance per value, desired against reported, reports, change sets, diffs.

import { api, differences, drawing, failure, h, show, shown } from './core.js';

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

export async function devicePage(id) {
  const current = drawing();
  const base = '/api/v1/devices/' + encodeURIComponent(id);
  const [config, reports, fleet, history] = await Promise.all([api('GET', base + '/config?explain=true'),
    api('GET', base + '/reports'), api('GET', '/api/v1/fleet/status'), api('GET', '/api/v1/history?limit=200')]);
  if (!current()) return;
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
    h('p', { class: 'hint' }, 'Each value with the scope and revision it comes from, as ',
      h('code', {}, 'fleetconf config show --explain'), ' shows them.'),
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
