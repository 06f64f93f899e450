// The audit log with filters (plugin, capability, decision), newest first, paged; the first page
// takes in new denials as they are streamed.
import { api } from '../api.js';
import { h, replace } from '../dom.js';
import { t } from '../i18n.js';
import { auditTable } from './plugin.js';

const PAGE = 50;

export async function auditView(plugin, { errorBox, onDenied }) {
  const f = {
    plugin: h('input', { name: 'plugin', value: plugin ?? '', placeholder: t('plugin') }),
    capability: h('input', { name: 'capability', placeholder: t('capability') }),
    decision: h('select', { name: 'decision' }, h('option', { value: '' }, t('any')), h('option', { value: 'deny' }, t('deny')), h('option', { value: 'allow' }, t('allow'))),
  };
  const results = h('div', { id: 'audit-results' });
  let offset = 0;
  let filters = {};
  let latest = 0;
  const apply = () => {
    filters = Object.fromEntries(Object.entries(f).map(([k, el]) => [k, el.value.trim()]).filter(([, v]) => v));
    offset = 0;
  };
  const load = async () => {
    const q = new URLSearchParams({ ...filters, limit: String(PAGE), offset: String(offset) });
    const mine = ++latest; // a slower earlier answer must not overwrite a later one
    try {
      const page = await api('GET', `/api/audit?${q}`);
      if (mine !== latest) return;
      replace(results,
        h('p', { class: 'muted' }, t('auditCount', { from: page.total ? offset + 1 : 0, to: offset + page.records.length, total: page.total })),
        page.records.length ? auditTable(page.records) : h('p', { class: 'muted' }, t('noRecords')),
        h('div', { class: 'bar' },
          offset > 0 ? h('button', { onclick: () => { offset = Math.max(0, offset - PAGE); load(); } }, t('newer')) : null,
          page.nextOffset !== undefined ? h('button', { onclick: () => { offset = page.nextOffset; load(); } }, t('older')) : null));
    } catch (e) {
      if (mine === latest) replace(results, errorBox(e));
    }
  };
  const form = h('form', { id: 'audit-filter', class: 'bar', onsubmit: (e) => { e.preventDefault(); apply(); load(); } },
    f.plugin, f.capability, f.decision, h('button', { type: 'submit' }, t('filter')));
  // A later page stays put while it is read.
  onDenied(() => offset === 0 && load());
  apply();
  await load();
  return h('section', {}, h('h1', {}, t('audit')), form, results);
}
