// The fleet overview: counts by status, filters, the group tree, a device table kept live.

import { $, api, failure, h, show, state } from './core.js';

const STATUSES = ['applied', 'failed', 'rolled_back', 'drift', 'stale', 'unreported'];

function matches(row, status) {
  switch (status) {
    case 'drift': return row.drift;
    case 'stale': return row.stale;
    case 'unreported': return !row.status;
    default: return row.status === status;
  }
}

export function fleetPage() {
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

export async function loadFleet() {
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
