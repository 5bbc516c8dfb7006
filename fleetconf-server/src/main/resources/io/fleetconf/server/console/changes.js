// Changes: the config browser and editor with its impact preview, and history with rollback.

import { api, drawing, enc, exactNumbers, failure, h, impact, parseExact, show, shown, state } from './core.js';

export async function configPage(key) {
  const current = drawing();
  const reply = await api('GET', '/api/v1/entries?recurse=true');
  if (!current()) return;
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
    // Numbers keep the text typed (1.10 stays 1.10): a browser that cannot do that may not write.
    if (!exactNumbers) throw new Error('this browser cannot keep the exact text of numbers; use a current one, or the CLI');
    let parsed;
    try { parsed = parseExact(value.value); } catch (e) { throw new Error('the value is not valid JSON: ' + e.message); }
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

export async function historyPage(focus) {
  const current = drawing();
  const reply = await api('GET', '/api/v1/history?limit=50');
  if (!current()) return;
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
