// What every page of the console shares: the session state, building DOM from data (always as
// text, never as HTML), and calling the native API with the session cookie and CSRF token.

export const hooks = { signedOut: () => {} };
export const state = { session: null, events: null, fleet: [], filters: { group: '', status: '', search: '' } };
let generation = 0;

/** A new page is being drawn: pages still loading for an earlier one must not draw over it. */
export function navigated() {
  generation += 1;
}

/** Call when a page starts loading; the answer tells, after each wait, whether it is still the page to draw. */
export function drawing() {
  const mine = generation;
  return () => mine === generation;
}

export const $ = (selector) => document.querySelector(selector);

export function h(tag, attrs = {}, ...children) {
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

/**
 * JSON.parse that keeps every number's exact text (1.10, 12345678901234567890123, 1e400) where a
 * JavaScript number would change it, as JSON.rawJSON: JSON.stringify then writes it back unchanged.
 * A browser without JSON.rawJSON gets plain numbers, and `exactNumbers` says so (the editor then refuses).
 */
export const exactNumbers = typeof JSON.rawJSON === 'function';
export function parseExact(text) {
  return JSON.parse(text, (key, value, context) =>
    exactNumbers && typeof value === 'number' && context && context.source !== String(value)
      ? JSON.rawJSON(context.source) : value);
}

export const shown = (value) => value === undefined ? '' : typeof value === 'string' ? value : JSON.stringify(value);
export const enc = (text) => text.split('/').map(encodeURIComponent).join('/');

export async function api(method, path, body) {
  const headers = { 'X-Fleetconf-Source': 'console' };
  if (state.session && method !== 'GET') headers['X-Fleetconf-Csrf'] = state.session.csrf;
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  const response = await fetch(path, { method, headers, credentials: 'same-origin',
    body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await response.text();
  let json = null;
  try { json = text ? parseExact(text) : null; } catch (e) { json = null; }
  if (response.status === 401 && path !== '/console/session') { hooks.signedOut(); }
  return { status: response.status, ok: response.ok, json, text };
}

export function failure(reply) {
  return (reply.json && reply.json.message) || ('the server answered ' + reply.status);
}

export function show(...nodes) {
  $('#view').replaceChildren(...nodes);
}

export function differences(list, field) {
  if (!list.length) return h('p', {}, 'No differences.');
  return h('ul', { class: 'differences' }, list.map((d) => h('li', { class: 'change mono' }, d[field], ': ',
    d.action === 'create' ? '(none)' : shown(d.from), ' → ', d.action === 'delete' ? '(deleted)' : shown(d.to))));
}

/** A dry run's answer: schema verdict, then per group of devices the differences they would see. */
export function impact(dry) {
  return h('div', { class: 'panel', id: 'impact-panel' },
    h('h3', {}, 'Impact: ', h('span', { id: 'impact-count' }, String(dry.devices)), ' device(s) would change'),
    dry.schema.valid ? null : h('p', { class: 'error', role: 'alert', id: 'schema-error' }, 'Schema: ' + dry.schema.message),
    dry.impact.map((group) => h('div', { class: 'impact-group' },
      h('p', {}, h('strong', {}, group.kind), ': ', h('span', { class: 'impact-devices mono' }, group.devices.join(', '))),
      differences(group.differences, 'path'))));
}
