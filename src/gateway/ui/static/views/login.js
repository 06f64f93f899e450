// The login screen: the admin token is traded for a session cookie (POST /api/session).
import { api } from '../api.js';
import { h } from '../dom.js';
import { LANGUAGES, getLang, setLang, t } from '../i18n.js';

export function loginView(done) {
  const token = h('input', { type: 'password', id: 'token', name: 'token', autocomplete: 'current-password', required: true, placeholder: 'wdn_…' });
  const message = h('p', { class: 'error-text', role: 'alert' });
  const form = h('form', { id: 'login', class: 'card login', onsubmit: async (e) => {
    e.preventDefault();
    message.textContent = '';
    try {
      await api('POST', '/api/session', { token: token.value.trim() });
      done();
    } catch (err) {
      message.textContent = err.status === 401 ? t('badToken') : String(err.message);
    }
  } },
  h('h1', {}, 'Warden'),
  h('label', { for: 'token' }, t('tokenLabel')), token,
  h('p', { class: 'muted' }, t('tokenHelp')),
  h('button', { type: 'submit', class: 'primary' }, t('signIn')), message,
  h('select', { 'aria-label': t('language'), id: 'lang', onchange: (e) => { setLang(e.target.value); done(); } },
    LANGUAGES.map(([code, name]) => h('option', { value: code, selected: code === getLang() }, name))));
  return form;
}
