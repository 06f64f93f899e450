// The config editor: one field per declared key, checked against its declared type before it is
// sent; an emptied field unsets the key. The server validates again (CONFIG_INVALID).
import { api, seg } from '../api.js';
import { h, replace } from '../dom.js';
import { t } from '../i18n.js';

export function configEditor(p, { render, errorBox }) {
  const declared = p.config?.declared ?? {};
  const values = p.config?.values ?? {};
  const keys = Object.keys(declared);
  if (keys.length === 0) return h('p', { class: 'muted' }, t('noConfig'));
  const out = h('div', { class: 'status-line' });
  const rows = keys.map((key) => {
    const spec = declared[key] ?? {};
    const current = Object.hasOwn(values, key) ? values[key] : undefined;
    const shown = current === undefined ? '' : typeof current === 'string' ? current : JSON.stringify(current);
    const input = spec.type === 'boolean'
      ? h('select', { name: key }, h('option', { value: '' }, '—'), h('option', { value: 'true', selected: current === true }, 'true'), h('option', { value: 'false', selected: current === false }, 'false'))
      : h('input', { name: key, value: shown, placeholder: spec.default === undefined ? '' : String(JSON.stringify(spec.default)), type: spec.secret ? 'password' : 'text' });
    const msg = h('span', { class: 'error-text small' });
    return { key, spec, input, msg, shown, el: h('tr', { dataset: { config: key } },
      h('td', {}, h('code', {}, key), spec.description ? h('div', { class: 'muted small' }, spec.description) : null),
      h('td', {}, String(spec.type ?? '')), h('td', {}, input, msg)) };
  });
  const form = h('form', { id: 'config', onsubmit: async (e) => {
    e.preventDefault();
    replace(out);
    const patch = {};
    let ok = true;
    for (const r of rows) {
      r.msg.textContent = '';
      if (r.input.value === r.shown) continue;
      try {
        patch[r.key] = parseValue(r.spec.type, r.input.value);
      } catch {
        r.msg.textContent = t('expectedType', { type: r.spec.type });
        ok = false;
      }
    }
    if (!ok) return;
    if (Object.keys(patch).length === 0) return void replace(out, h('span', { class: 'muted' }, t('nothingChanged')));
    try {
      await api('PATCH', `/api/plugins/${seg(p.id)}/config`, patch);
      render();
    } catch (err) {
      replace(out, errorBox(err));
    }
  } }, h('table', {}, h('thead', {}, h('tr', {}, h('th', {}, t('key')), h('th', {}, t('type')), h('th', {}, t('value')))), h('tbody', {}, rows.map((r) => r.el))),
  h('button', { type: 'submit', class: 'primary' }, t('save')), out);
  return form;
}

/** The typed value of a field; '' unsets (null). Throws when it does not fit the type. */
function parseValue(type, text) {
  if (text === '') return null;
  switch (type) {
    case 'number':
    case 'integer': {
      const n = Number(text);
      if (text.trim() === '' || !Number.isFinite(n) || (type === 'integer' && !Number.isInteger(n))) throw new Error('type');
      return n;
    }
    case 'boolean':
      return text === 'true';
    case 'object':
    case 'array': {
      const v = JSON.parse(text);
      if (type === 'array' ? !Array.isArray(v) : v === null || typeof v !== 'object' || Array.isArray(v)) throw new Error('type');
      return v;
    }
    default:
      return text;
  }
}
