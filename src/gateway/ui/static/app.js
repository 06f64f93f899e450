// Warden's web UI: a hash router over a few views, a header with navigation and the language
// switcher, the login screen whenever the API answers 401, and live updates from the event
// stream while signed in.
import { ApiError, api } from './api.js';
import { h, replace } from './dom.js';
import { hasEdits, markSentForms } from './edits.js';
import { LANGUAGES, getLang, setLang, t } from './i18n.js';
import { openEvents } from './live.js';
import { auditView } from './views/audit.js';
import { doctorView } from './views/doctor.js';
import { installView } from './views/install.js';
import { loginView } from './views/login.js';
import { pluginView } from './views/plugin.js';
import { pluginsView } from './views/plugins.js';

const root = document.getElementById('app');

/** The views; `live`: a plugin or tools-changed event renders it again. */
const VIEWS = {
  plugins: { view: pluginsView, live: true },
  plugin: { view: pluginView, live: true },
  install: { view: installView, live: false },
  audit: { view: auditView, live: false },
  doctor: { view: doctorView, live: true },
};

/** The view for a location hash, with its name and argument. */
function route(hash) {
  const [, name = 'plugins', arg] = /^#\/([a-z]+)(?:\/(.*))?$/.exec(hash) ?? [];
  const known = Object.hasOwn(VIEWS, name) ? name : 'plugins';
  return { ...VIEWS[known], name: known, arg: arg === undefined ? undefined : decodeURIComponent(arg) };
}

/** The stream's state as the header shows it: `up` is undefined until the stream first answers. */
const stream = { close: undefined, up: undefined, newDenials: 0 };

function header(active) {
  const link = (name, label) => h('a', { href: `#/${name}`, class: active === name ? 'active' : undefined, dataset: { nav: name } }, label);
  const lang = h('select', { 'aria-label': t('language'), id: 'lang', onchange: (e) => { setLang(e.target.value); render(); } },
    LANGUAGES.map(([code, name]) => h('option', { value: code, selected: code === getLang() }, name)));
  const logout = h('button', { class: 'link', id: 'logout', onclick: async () => {
    stopEvents();
    await api('DELETE', '/api/session').catch(() => undefined);
    render();
  } }, t('signOut'));
  return h('header', {},
    h('strong', { class: 'brand' }, 'Warden'),
    h('nav', {}, link('plugins', t('plugins')), link('install', t('install')), link('audit', [t('audit'), denialCount()]), link('doctor', t('doctor'))),
    h('span', { class: 'spacer' }), connection(), lang, logout);
}

function connection() {
  if (stream.up === undefined) return h('span', { id: 'live' });
  return h('span', { id: 'live', class: `live live-${stream.up ? 'up' : 'down'}`, role: 'status', title: t(stream.up ? 'liveOnHelp' : 'liveOffHelp') }, t(stream.up ? 'liveOn' : 'liveOff'));
}

function denialCount() {
  if (stream.newDenials === 0) return null;
  return h('span', { id: 'new-denials', class: 'badge decision-deny', title: t('newDenials', { n: stream.newDenials }) }, String(stream.newDenials));
}

/** Shows the stream's state in the header in place. */
function showLiveState() {
  document.getElementById('live')?.replaceWith(connection());
  const audit = root.querySelector('[data-nav=audit]');
  if (audit) replace(audit, t('audit'), denialCount());
}

/** An error as a message box. */
export function errorBox(e) {
  const code = e instanceof ApiError ? e.code : 'ERROR';
  return h('div', { class: 'error', role: 'alert' }, h('strong', {}, code), ' ', String(e?.message ?? e));
}

let generation = 0;
/** The page on screen: its hash, view name, `main` element, and the view's `denied` listener. */
let shown;

/**
 * Renders the current location; a 401 anywhere shows the login screen. `live` (a refresh asked
 * by the event stream) keeps the page on screen until the new one is ready, and leaves a page
 * the user is working on as it is, with a notice instead.
 */
export async function render({ live = false } = {}) {
  const mine = ++generation;
  document.documentElement.lang = getLang();
  const { view, arg, name } = route(location.hash);
  const same = live && shown?.hash === location.hash && shown.main.isConnected;
  if (!same) {
    const main = h('main', { id: 'main' }, h('p', { class: 'muted' }, t('loading')));
    try {
      await api('GET', '/api/plugins'); // the session check
    } catch (e) {
      if (mine !== generation) return;
      if (unauthenticated(e)) signedOut();
      else replace(root, errorBox(e));
      return;
    }
    if (mine !== generation) return;
    startEvents();
    if (name === 'audit') stream.newDenials = 0;
    replace(root, header(name), main);
    markSentForms(main);
    shown = { hash: location.hash, name, main, denied: undefined };
  }
  const page = shown;
  let denied;
  try {
    const content = await view(arg, { render, errorBox, onDenied: (fn) => { denied = fn; } });
    if (mine !== generation) return;
    if (live && hasEdits(page.main)) return void staleNotice(page.main);
    replace(page.main, content);
    page.denied = denied;
  } catch (e) {
    if (mine !== generation) return;
    if (unauthenticated(e)) return void signedOut();
    // A live refresh that failed on the way (the server went away) leaves the page as it was; a
    // plugin removed meanwhile is a 404, shown.
    if (live && e?.status !== 404) return;
    replace(page.main, errorBox(e));
    page.denied = undefined;
  }
}

const unauthenticated = (e) => e instanceof ApiError && e.status === 401;

function signedOut() {
  stopEvents();
  shown = undefined;
  replace(root, loginView(render));
}

/** Says the page changed on the server, with a button that renders it again. */
function staleNotice(main) {
  if (main.querySelector('#stale')) return;
  main.prepend(h('div', { id: 'stale', class: 'notice', role: 'status' }, t('pageChanged'), ' ', h('button', { onclick: () => render() }, t('refresh'))));
}

function startEvents() {
  stream.close ??= openEvents({
    changed() {
      if (!shown || !VIEWS[shown.name].live) return;
      if (hasEdits(shown.main)) staleNotice(shown.main);
      else render({ live: true });
    },
    denied(records) {
      if (shown?.name !== 'audit') stream.newDenials += records.length;
      showLiveState();
      shown?.denied?.(records);
    },
    connection(up) {
      stream.up = up;
      showLiveState();
    },
    async refused() {
      // Most likely the session ended; if so, the login screen.
      try {
        await api('GET', '/api/plugins');
      } catch (e) {
        if (unauthenticated(e)) signedOut();
      }
    },
  });
}

function stopEvents() {
  stream.close?.();
  Object.assign(stream, { close: undefined, up: undefined, newDenials: 0 });
}

window.addEventListener('hashchange', () => render());
render();
