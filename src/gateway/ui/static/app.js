// Warden's web UI: a hash router over a few views, a header with navigation and the language
// switcher, and the login screen whenever the API answers 401.
import { ApiError, api } from './api.js';
import { h, replace } from './dom.js';
import { LANGUAGES, getLang, setLang, t } from './i18n.js';
import { auditView } from './views/audit.js';
import { doctorView } from './views/doctor.js';
import { installView } from './views/install.js';
import { loginView } from './views/login.js';
import { pluginView } from './views/plugin.js';
import { pluginsView } from './views/plugins.js';

const root = document.getElementById('app');

/** The view for a location hash: [view, argument]. */
function route(hash) {
  const [, name = 'plugins', arg] = /^#\/([a-z]+)(?:\/(.*))?$/.exec(hash) ?? [];
  const views = { plugins: pluginsView, plugin: pluginView, install: installView, audit: auditView, doctor: doctorView };
  return [views[name] ?? pluginsView, arg === undefined ? undefined : decodeURIComponent(arg), name];
}

function header(active) {
  const link = (name, label) => h('a', { href: `#/${name}`, class: active === name ? 'active' : undefined, dataset: { nav: name } }, label);
  const lang = h('select', { 'aria-label': t('language'), id: 'lang', onchange: (e) => { setLang(e.target.value); render(); } },
    LANGUAGES.map(([code, name]) => h('option', { value: code, selected: code === getLang() }, name)));
  const logout = h('button', { class: 'link', id: 'logout', onclick: async () => { await api('DELETE', '/api/session').catch(() => undefined); render(); } }, t('signOut'));
  return h('header', {},
    h('strong', { class: 'brand' }, 'Warden'),
    h('nav', {}, link('plugins', t('plugins')), link('install', t('install')), link('audit', t('audit')), link('doctor', t('doctor'))),
    h('span', { class: 'spacer' }), lang, logout);
}

/** An error as a message box. */
export function errorBox(e) {
  const code = e instanceof ApiError ? e.code : 'ERROR';
  return h('div', { class: 'error', role: 'alert' }, h('strong', {}, code), ' ', String(e?.message ?? e));
}

let generation = 0;

/** Renders the current location; a 401 anywhere shows the login screen. */
export async function render() {
  const mine = ++generation;
  document.documentElement.lang = getLang();
  const [view, arg, name] = route(location.hash);
  const main = h('main', { id: 'main' }, h('p', { class: 'muted' }, t('loading')));
  try {
    await api('GET', '/api/plugins'); // the session check
  } catch (e) {
    if (mine !== generation) return;
    if (e instanceof ApiError && e.status === 401) return void replace(root, loginView(render));
    return void replace(root, errorBox(e));
  }
  if (mine !== generation) return;
  replace(root, header(name), main);
  try {
    const content = await view(arg, { render, errorBox });
    if (mine === generation) replace(main, content);
  } catch (e) {
    if (mine !== generation) return;
    if (e instanceof ApiError && e.status === 401) return void replace(root, loginView(render));
    replace(main, errorBox(e));
  }
}

window.addEventListener('hashchange', render);
render();
