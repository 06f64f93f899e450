// The plugin list: status, requested capabilities as badges coloured by risk (granted ones marked),
// tools count and an enable / disable toggle per plugin.
import { api, seg } from '../api.js';
import { h, riskBadge } from '../dom.js';
import { t } from '../i18n.js';

export async function pluginsView(_arg, { render, errorBox }) {
  const { plugins } = await api('GET', '/api/plugins');
  if (plugins.length === 0) return h('section', {}, h('h1', {}, t('plugins')), h('p', { class: 'muted' }, t('noPlugins'), ' ', h('a', { href: '#/install' }, t('install'))));
  const status = h('div', { class: 'status-line' });
  // The list has no capabilities; each plugin's detail has them (a failed detail shows none).
  const details = await Promise.all(plugins.map((p) => api('GET', `/api/plugins/${seg(p.id)}`).catch(() => undefined)));
  const rows = plugins.map((p, i) => {
    const toggle = h('input', { type: 'checkbox', class: 'toggle', checked: p.enabled, 'aria-label': `${t('enabled')}: ${p.id}`, dataset: { toggle: p.id }, onchange: async () => {
      toggle.disabled = true;
      try {
        await api('POST', `/api/plugins/${seg(p.id)}/${toggle.checked ? 'enable' : 'disable'}`);
        render();
      } catch (e) {
        toggle.checked = !toggle.checked;
        toggle.disabled = false;
        status.replaceChildren(errorBox(e));
      }
    } });
    return h('tr', { dataset: { plugin: p.id } },
      h('td', {}, h('a', { href: `#/plugin/${seg(p.id)}` }, p.id)),
      h('td', {}, p.version),
      h('td', {}, h('span', { class: `status status-${p.loaded ? 'serving' : p.status}` }, p.loaded ? t('serving') : t(`status_${p.status}`, {}, p.status)), p.lastError ? h('div', { class: 'error-text small' }, p.lastError) : null),
      h('td', {}, riskBadge(p.risk, t(`risk_${p.risk}`, {}, p.risk))),
      h('td', { class: 'caps', dataset: { caps: p.id } }, capBadges(details[i])),
      h('td', { class: 'num', dataset: { tools: p.id } }, String(p.tools.length)),
      h('td', {}, h('label', { class: 'switch' }, toggle, h('span', {}, p.enabled ? t('enabled') : t('disabled')))));
  });
  return h('section', {}, h('h1', {}, t('plugins')), status,
    h('table', { id: 'plugins' },
      h('thead', {}, h('tr', {}, [t('name'), t('version'), t('status'), t('risk'), t('capabilities'), t('tools'), t('enabled')].map((c) => h('th', {}, c)))),
      h('tbody', {}, rows)));
}

/** One badge per requested capability, coloured by its risk; a granted one is marked ✓. */
function capBadges(detail) {
  if (!detail) return '—';
  const granted = new Set(detail.granted);
  if (!detail.requested?.length) return h('span', { class: 'muted' }, t('none'));
  return detail.requested.map((c) => h('span', {
    class: `badge risk-${['low', 'medium', 'high'].includes(c.risk) ? c.risk : 'unknown'}${granted.has(c.grant) ? ' is-granted' : ' not-granted'}`,
    title: `${c.grant}: ${t(`risk_${c.risk}`, {}, c.risk)} — ${granted.has(c.grant) ? t('granted') : t('notGranted')}`,
    dataset: { cap: c.grant },
  }, granted.has(c.grant) ? `✓ ${c.grant}` : c.grant));
}
