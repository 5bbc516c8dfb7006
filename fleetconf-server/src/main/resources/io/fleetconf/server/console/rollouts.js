// The rollouts page: every rollout the token may read, with each wave's progress, and the
// controls its state allows. Every control asks for confirmation, saying what it will do, first.

import { api, drawing, failure, h, show } from './core.js';

const CONTROLS = { running: ['pause', 'promote', 'abort'], paused: ['resume', 'promote', 'abort'] };
const CONSEQUENCE = {
  pause: 'No further wave is released; the devices already released keep the change.',
  resume: 'The rollout goes on; a wave still waiting for reports waits a whole timeout again.',
  promote: 'The next wave is released now, without waiting for reports or bake time (after the last wave,'
    + ' the change is committed).',
  abort: 'Every device goes back to the stored value; nothing is committed.',
};
const COUNTS = ['released', 'applied', 'failed', 'silent', 'pending', 'gone'];

/** Draws the page; a live redraw (`live`) gives way to a confirmation opened while it loaded. */
export async function rolloutsPage(arg, live = false) {
  const current = drawing();
  const reply = await api('GET', '/api/v1/rollouts');
  if (!current() || (live && asking())) return;
  if (!reply.ok) { show(h('h1', {}, 'Rollouts'), h('p', { class: 'error', role: 'alert' }, failure(reply))); return; }
  const list = reply.json.rollouts;
  show(h('section', { id: 'rollouts' }, h('h1', {}, 'Rollouts'),
    list.length ? list.map(rolloutItem) : h('p', { id: 'no-rollouts' }, 'No rollouts.')));
}

/** True while an operator is being asked to confirm: a live redraw would take the question away. */
export function asking() {
  return document.querySelector('#rollouts .confirm') !== null;
}

function rolloutItem(rollout) {
  const confirm = h('div', { 'aria-live': 'polite' });
  const ask = (action) => {
    const yes = h('button', { type: 'button', class: 'confirm-action' }, cap(action) + ' ' + rollout.id);
    const no = h('button', { type: 'button', class: 'secondary cancel' }, 'Cancel');
    no.addEventListener('click', () => confirm.replaceChildren());
    yes.addEventListener('click', async () => {
      const done = await api('POST', '/api/v1/rollouts/' + encodeURIComponent(rollout.id) + '/' + action, {});
      if (!done.ok) { confirm.replaceChildren(h('p', { class: 'error', role: 'alert' }, failure(done))); return; }
      rolloutsPage();
    });
    confirm.replaceChildren(h('div', { class: 'panel confirm' },
      h('p', {}, cap(action) + ' rollout ' + rollout.id + '? ' + CONSEQUENCE[action]), yes, ' ', no));
    yes.focus();
  };
  const keys = rollout.changes.map((c) => c.key).join(', ');
  return h('article', { class: 'rollout', id: 'rollout-' + rollout.id, 'data-state': rollout.state },
    h('h2', {}, rollout.id, ' ', h('span', { class: 'state' }, rollout.state)),
    h('p', {}, 'policy ' + rollout.policy + ' · wave ' + rollout.released + ' of ' + rollout.waves.length
      + ' released · ' + keys + (rollout.message ? ' · ' + rollout.message : '')),
    rollout.reason ? h('p', { class: 'reason' }, rollout.reason) : null,
    h('div', { class: 'scroll' }, h('table', { class: 'waves' },
      h('thead', {}, h('tr', {}, ['Wave', 'Devices', ...COUNTS.map(cap), 'Deadline'].map((c) => h('th', {}, c)))),
      h('tbody', {}, rollout.waves.map((wave, i) => waveRow(wave, i, i < rollout.released))))),
    h('p', {}, (CONTROLS[rollout.state] || []).flatMap((action) => [h('button', { type: 'button',
      class: 'secondary control', 'data-action': action, onclick: () => ask(action) }, cap(action) + '…'), ' '])),
    confirm);
}

function waveRow(wave, i, released) {
  const counts = wave.progress || {};
  return h('tr', { 'data-wave': i + 1, class: released ? 'released' : 'waiting' },
    h('td', {}, (i + 1) + ' (' + wave.name + ')'),
    h('td', {}, String(wave.devices.length)),
    COUNTS.map((count) => h('td', { 'data-col': count }, released ? String(counts[count] ?? 0) : '')),
    h('td', { 'data-col': 'deadline' }, wave.deadline || ''));
}

const cap = (word) => word.charAt(0).toUpperCase() + word.slice(1);
