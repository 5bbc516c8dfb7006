// The fleetconf console: plain JavaScript modules, no build step. Pages are drawn from the native
// API (/api/v1), called with the session cookie; every change carries the session's CSRF token.

import { $, api, failure, hooks, navigated, state } from './core.js';
import { fleetPage, loadFleet } from './fleet.js';
import { devicePage } from './device.js';
import { configPage, historyPage } from './changes.js';
import { asking, rolloutsPage } from './rollouts.js';


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
  const pages = { fleet: fleetPage, device: devicePage, config: configPage, history: historyPage,
    rollouts: rolloutsPage };
  navigated();
  (pages[page] || fleetPage)(arg);
}

function liveUpdate() {
  if ($('#fleet')) loadFleet();
  if ($('#rollouts') && !asking()) rolloutsPage('', true);
}

hooks.signedOut = signedOut;
start();
