// One plugin's page: its tools with a "try it" form each, requested versus granted capabilities
// with grant / revoke, the config editor, the security facts, and recent denials and errors (new
// denials come in as they are streamed).
import { api, seg } from '../api.js';
import { h, replace, riskBadge, when } from '../dom.js';
import { t } from '../i18n.js';
import { configEditor } from './config.js';
import { toolForm } from './try-tool.js';

export async function pluginView(id, ctx) {
  const [p, denials] = await Promise.all([api('GET', `/api/plugins/${seg(id)}`), recentDenials(id)]);
  const manifest = p.record?.manifest ?? {};
  return h('section', { id: 'plugin', dataset: { plugin: p.id } },
    h('h1', {}, p.id, ' ', h('span', { class: 'muted' }, p.version), ' ', riskBadge(p.risk, t(`risk_${p.risk}`, {}, p.risk))),
    manifest.description ? h('p', { class: 'description' }, manifest.description) : null,
    stateBar(p, ctx),
    h('h2', {}, t('tools')), toolsTable(p),
    h('h2', {}, t('capabilities')), capabilities(p, ctx),
    h('h2', {}, t('config')), configEditor(p, ctx),
    h('h2', {}, t('security')), security(p),
    h('h2', {}, t('recentDenials')), recent(p, denials, ctx));
}

function stateBar(p, { render, errorBox }) {
  const out = h('div', { class: 'status-line' });
  const act = (fn) => async () => {
    try {
      await fn();
      render();
    } catch (e) {
      replace(out, errorBox(e));
    }
  };
  const status = p.loaded ? t('serving') : t(`status_${p.status}`, {}, p.status);
  return h('div', { class: 'bar' },
    h('span', { class: `status status-${p.loaded ? 'serving' : p.status}`, id: 'plugin-status' }, status),
    h('button', { id: 'toggle', onclick: act(() => api('POST', `/api/plugins/${seg(p.id)}/${p.enabled ? 'disable' : 'enable'}`)) }, p.enabled ? t('disable') : t('enable')),
    h('button', { class: 'danger', id: 'remove', onclick: act(async () => {
      if (!confirm(t('confirmRemove', { id: p.id }))) return;
      await api('DELETE', `/api/plugins/${seg(p.id)}`);
      location.hash = '#/plugins';
    }) }, t('remove')),
    p.pending ? h('p', { class: 'warn' }, t('pendingUpgrade', { version: p.pending.version, requests: p.pending.requests.join(', ') })) : null,
    out);
}

function toolsTable(p) {
  if (!p.toolSchemas?.length) return h('p', { class: 'muted' }, t('noTools'));
  return h('table', { id: 'tools' },
    h('thead', {}, h('tr', {}, h('th', {}, t('name')), h('th', {}, t('description')), h('th', {}, t('tryIt')))),
    h('tbody', {}, p.toolSchemas.map((tool) => h('tr', { dataset: { tool: tool.name } },
      h('td', {}, h('code', {}, tool.name)), h('td', {}, tool.description ?? ''), h('td', {}, toolForm(p, tool))))));
}

function capabilities(p, { render, errorBox }) {
  const out = h('div', { class: 'status-line' });
  const granted = new Set(p.granted);
  const change = (method, grant) => async () => {
    try {
      await api(method, `/api/plugins/${seg(p.id)}/grants`, { grants: [grant] });
      render();
    } catch (e) {
      replace(out, errorBox(e));
    }
  };
  const requested = p.requested ?? [];
  const rows = requested.map((c) => h('tr', { dataset: { grant: c.grant } },
    h('td', {}, h('code', {}, c.grant)),
    h('td', {}, riskBadge(c.risk, t(`risk_${c.risk}`, {}, c.risk))),
    h('td', {}, granted.has(c.grant) ? h('span', { class: 'badge granted' }, t('granted')) : h('span', { class: 'badge' }, t('notGranted'))),
    h('td', {}, granted.has(c.grant)
      ? h('button', { class: 'revoke', onclick: change('DELETE', c.grant) }, t('revoke'))
      : h('button', { class: 'grant', onclick: change('POST', c.grant) }, t('grant')))));
  const extra = p.granted.filter((g) => !requested.some((c) => c.grant === g));
  return h('div', { id: 'capabilities' },
    requested.length ? h('table', {}, h('thead', {}, h('tr', {}, [t('requested'), t('risk'), t('state'), ''].map((c) => h('th', {}, c)))), h('tbody', {}, rows)) : h('p', { class: 'muted' }, t('noCapabilities')),
    extra.length ? h('p', {}, t('grantedNotRequested'), ' ', extra.map((g) => h('code', { class: 'badge' }, g))) : null,
    out);
}

function security(p) {
  const sig = p.signature ?? {};
  return h('dl', { id: 'security', class: 'facts' },
    h('dt', {}, t('risk')), h('dd', {}, riskBadge(p.risk, t(`risk_${p.risk}`, {}, p.risk))),
    h('dt', {}, t('signature')), h('dd', {}, h('span', { class: `badge sig-${sig.status}` }, String(sig.status ?? '—')), sig.signer ? ` ${sig.signer}` : '', sig.message ? h('div', { class: 'muted small' }, sig.message) : null),
    h('dt', {}, t('hashes')), h('dd', {}, (p.record?.modules ?? []).map((m) => h('div', { class: 'hash' }, h('span', {}, m.name ?? ''), ' ', h('code', {}, m.sha256 ?? '')))),
    h('dt', {}, t('findings')), h('dd', { id: 'findings' }, p.findings === undefined ? '—' : findings(p.findings)),
    h('dt', {}, t('installedAt')), h('dd', {}, p.record?.installedAt ? when(p.record.installedAt) : '—'));
}

/** Scan findings as a list (or "none"). */
export function findings(list) {
  if (!list?.length) return h('span', { class: 'muted' }, t('none'));
  return h('ul', { class: 'findings' }, list.map((f) => h('li', { class: `sev-${f.severity}` }, h('span', { class: 'badge' }, f.severity), ' ', h('code', {}, f.code), ' ', f.message)));
}

const recentDenials = async (id) => (await api('GET', `/api/audit?plugin=${seg(id)}&decision=deny&limit=10`)).records;

/** The last error and the recent denials, updated as denials of this plugin are streamed. */
function recent(p, records, { onDenied }) {
  const box = h('div', { id: 'recent' });
  const fill = (list) => replace(box,
    p.lastError ? h('div', { class: 'error' }, h('strong', {}, t('lastError')), ' ', p.lastError) : null,
    list.length ? auditTable(list) : h('p', { class: 'muted' }, t('noDenials')),
    h('p', {}, h('a', { href: `#/audit/${seg(p.id)}` }, t('fullAudit'))));
  onDenied(async (denied) => {
    if (!denied.some((r) => r.plugin === p.id)) return;
    try {
      fill(await recentDenials(p.id));
    } catch {
      // The list stays as it was; the next denial or a reload shows it.
    }
  });
  return fill(records);
}

/** Audit records as a table. */
export function auditTable(records) {
  return h('table', { class: 'audit' },
    h('thead', {}, h('tr', {}, [t('time'), t('plugin'), t('capability'), t('detail'), t('decision'), t('reason')].map((c) => h('th', {}, c)))),
    h('tbody', {}, records.map((r) => h('tr', { class: `decision-${r.decision}`, dataset: { audit: String(r.id) } },
      h('td', {}, when(r.time)), h('td', {}, r.plugin), h('td', {}, r.capability), h('td', {}, h('code', {}, r.detail)),
      h('td', {}, h('span', { class: `badge decision-${r.decision}` }, t(r.decision))), h('td', {}, r.reason ?? '')))));
}
