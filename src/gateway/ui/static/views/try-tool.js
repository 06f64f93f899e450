// A "try it" form built from a tool's parameter schema (JSON Schema): a field per property —
// text, number, checkbox, or JSON for objects and arrays — or one free input when the tool
// declares no properties (JSON if it parses, else sent as a string).
import { api, seg } from '../api.js';
import { h, replace } from '../dom.js';
import { t } from '../i18n.js';

export function toolForm(plugin, tool) {
  const schema = tool.parameters && typeof tool.parameters === 'object' ? tool.parameters : {};
  const props = schema.properties && typeof schema.properties === 'object' ? Object.entries(schema.properties) : [];
  const required = new Set(Array.isArray(schema.required) ? schema.required : []);
  const fields = props.map(([name, s]) => field(name, s ?? {}, required.has(name)));
  const free = props.length ? null : h('textarea', { name: 'input', rows: 2, class: 'tool-input', placeholder: t('toolInputHelp') });
  const output = h('div', { class: 'tool-output' });
  const form = h('form', { class: 'try', dataset: { try: tool.name }, onsubmit: async (e) => {
    e.preventDefault();
    replace(output, h('span', { class: 'muted' }, t('running')));
    let input;
    try {
      input = free ? freeInput(free.value) : Object.fromEntries(fields.map((f) => f.read()).filter((v) => v !== undefined));
    } catch (err) {
      return void replace(output, h('div', { class: 'error' }, String(err.message)));
    }
    try {
      const r = await api('POST', `/api/plugins/${seg(plugin.id)}/tools/${seg(tool.name)}`, input);
      const text = r.format === 'json' ? JSON.stringify(r.output, null, 2) : String(r.output ?? '');
      replace(output, h('div', { class: 'muted small' }, `${t('output')} (${r.format})`), h('pre', { class: 'result' }, text));
    } catch (err) {
      replace(output, h('div', { class: 'error', role: 'alert' }, h('strong', {}, err.code ?? 'ERROR'), ' ', String(err.message)));
    }
  } }, fields.map((f) => f.el), free, h('button', { type: 'submit' }, t('run')), output);
  return form;
}

function freeInput(text) {
  if (text.trim() === '') return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

function field(name, s, required) {
  const type = Array.isArray(s.type) ? s.type[0] : s.type;
  const label = (input) => h('label', { class: 'field' }, h('span', {}, name, required ? ' *' : ''), input, s.description ? h('small', { class: 'muted' }, s.description) : null);
  if (type === 'boolean') {
    const input = h('input', { type: 'checkbox', name, checked: s.default === true });
    return { el: label(input), read: () => [name, input.checked] };
  }
  if (Array.isArray(s.enum)) {
    const input = h('select', { name }, required ? null : h('option', { value: '' }, '—'), s.enum.map((v) => h('option', { value: JSON.stringify(v) }, String(v))));
    return { el: label(input), read: () => (input.value === '' ? undefined : [name, JSON.parse(input.value)]) };
  }
  if (type === 'number' || type === 'integer') {
    const input = h('input', { type: 'number', name, step: type === 'integer' ? '1' : 'any', required, value: s.default ?? '' });
    return { el: label(input), read: () => (input.value === '' ? undefined : [name, Number(input.value)]) };
  }
  if (type === 'object' || type === 'array') {
    const input = h('textarea', { name, rows: 2, required, placeholder: type === 'array' ? '[]' : '{}' });
    return { el: label(input), read: () => {
      if (input.value.trim() === '') return undefined;
      try {
        return [name, JSON.parse(input.value)];
      } catch {
        throw new Error(t('invalidJson', { name }));
      }
    } };
  }
  const input = h('input', { type: 'text', name, required, value: s.default ?? '' });
  return { el: label(input), read: () => (input.value === '' && !required ? undefined : [name, input.value]) };
}
