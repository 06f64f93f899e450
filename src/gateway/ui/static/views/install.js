// Install: choose a package or give an https:// URL, inspect it (POST /api/plugins/inspect), show what it requests with
// the risk of each in a consent dialog, and install the stage the inspect kept with only the grants ticked — none by
// default.
import { api } from '../api.js';
import { h, replace, riskBadge } from '../dom.js';
import { t } from '../i18n.js';
import { findings } from './plugin.js';

export function installView(_arg, { errorBox }) {
  const file = h('input', { type: 'file', id: 'package', accept: '.wasm,.zip,.tgz,.tar.gz,.tar' });
  const url = h('input', { type: 'url', id: 'package-url', placeholder: 'https://…', pattern: 'https://.*' });
  const out = h('div', { class: 'status-line' });
  const form = h('form', { id: 'install', class: 'card', onsubmit: async (e) => {
    e.preventDefault();
    replace(out);
    const f = file.files?.[0];
    const remote = url.value.trim();
    if (!f && !remote) return;
    try {
      // The package goes up (or is downloaded) once: the install names the stage the inspect kept,
      // so what is installed is exactly what the dialog showed.
      const report = f
        ? await api('POST', '/api/plugins/inspect', await f.arrayBuffer(), { 'x-warden-filename': f.name })
        : await api('POST', '/api/plugins/inspect', { url: remote });
      consent(report, async (grants, enable) => {
        const result = await api('POST', '/api/plugins', { stage: report.stage, sha256: report.sha256, grant: grants, enable });
        location.hash = `#/plugin/${encodeURIComponent(result.id)}`;
      }, errorBox, { remote: !f });
    } catch (err) {
      replace(out, errorBox(err));
    }
  } }, h('label', { for: 'package' }, t('choosePackage')), file, h('label', { for: 'package-url' }, t('packageUrl')), url,
  h('button', { type: 'submit', class: 'primary' }, t('inspect')), out);
  return h('section', {}, h('h1', {}, t('install')), h('p', { class: 'muted' }, t('installHelp')), form);
}

/** The consent dialog: nothing is granted unless ticked. A package from a URL lands disabled whatever is asked. */
function consent(report, install, errorBox, { remote }) {
  const boxes = report.capabilities.map((c) => ({ c, box: h('input', { type: 'checkbox', value: c.grant, dataset: { consent: c.grant } }) }));
  const enable = h('input', { type: 'checkbox', id: 'consent-enable', checked: true });
  const out = h('div', { class: 'status-line' });
  const go = h('button', { class: 'primary', id: 'consent-install', disabled: report.refused, onclick: async (e) => {
    e.preventDefault();
    go.disabled = true;
    try {
      await install(boxes.filter((b) => b.box.checked).map((b) => b.c.grant), !remote && enable.checked);
      dialog.close();
      dialog.remove();
    } catch (err) {
      go.disabled = false;
      replace(out, errorBox(err));
    }
  } }, t('installWithGrants'));
  const dialog = h('dialog', { id: 'consent', 'aria-labelledby': 'consent-title' },
    h('h2', { id: 'consent-title' }, t('consentTitle', { id: report.id, version: report.version })),
    report.description ? h('p', { class: 'description' }, report.description) : null,
    h('p', {}, t('overallRisk'), ' ', riskBadge(report.risk, t(`risk_${report.risk}`, {}, report.risk)), ' ', t('signature'), ': ', h('span', { class: 'badge' }, String(report.signature?.status ?? '—'))),
    report.sha256 ? h('p', { class: 'muted small' }, 'sha256 ', h('code', { id: 'consent-sha256' }, report.sha256)) : null,
    report.refused ? h('div', { class: 'error' }, t('refused')) : null,
    h('h3', {}, t('requestedCapabilities')),
    boxes.length
      ? h('ul', { class: 'consent-list' }, boxes.map(({ c, box }) => h('li', {}, h('label', {}, box, ' ', h('code', {}, c.grant), ' ', riskBadge(c.risk, t(`risk_${c.risk}`, {}, c.risk)), ' ', h('span', { class: 'muted' }, t(`kind_${c.kind}`, {}, c.kind))))))
      : h('p', { class: 'muted' }, t('noCapabilities')),
    h('p', { class: 'muted small' }, t('nothingGranted')),
    h('h3', {}, t('findings')), findings(report.scan?.findings),
    report.warnings?.length ? h('ul', { class: 'warnings' }, report.warnings.map((w) => h('li', {}, w))) : null,
    remote ? h('p', { class: 'muted small', id: 'consent-remote' }, t('remoteLandsDisabled')) : h('label', {}, enable, ' ', t('enableAfterInstall')),
    h('div', { class: 'bar' }, go, h('button', { id: 'consent-cancel', onclick: (e) => { e.preventDefault(); dialog.close(); dialog.remove(); } }, t('cancel'))),
    out);
  document.body.append(dialog);
  dialog.showModal();
}
