// Doctor: every plugin's checks (files, loading, exports, grants, config, recent failures).
import { api } from '../api.js';
import { h } from '../dom.js';
import { t } from '../i18n.js';

export async function doctorView() {
  const report = await api('GET', '/api/doctor');
  const { loaded, failed, disabled } = report.totals;
  return h('section', { id: 'doctor' }, h('h1', {}, t('doctor')),
    h('p', {}, h('span', { class: `badge result-${report.failed ? 'fail' : 'pass'}` }, report.failed ? t('fail') : t('pass')), ' ', t('doctorTotals', { loaded, failed, disabled })),
    report.plugins.length === 0 ? h('p', { class: 'muted' }, t('noPlugins')) : null,
    report.plugins.map((p) => h('div', { class: 'card', dataset: { doctor: p.id } },
      h('h2', {}, p.id, ' ', h('span', { class: 'muted' }, p.version), ' ', h('span', { class: `badge result-${p.result}` }, t(p.result))),
      h('table', {}, h('tbody', {}, p.checks.map((c) => h('tr', {}, h('td', {}, c.check), h('td', {}, h('span', { class: `badge result-${c.result}` }, t(c.result))), h('td', {}, c.message))))))));
}
