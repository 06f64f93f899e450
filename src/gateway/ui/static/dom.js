// Builds DOM nodes without ever parsing HTML: text goes in with textContent, so whatever a plugin
// puts in a name, a description, an output or a log shows as text.

/**
 * h('button', { class: 'x', onclick: fn, dataset: { id } }, 'text', child…) → an element.
 * Keys starting with "on" add listeners; `dataset` sets data-*; other keys are attributes
 * (true → present, false/undefined/null → absent). Strings and numbers become text nodes.
 */
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs ?? {})) {
    if (value === undefined || value === null || value === false) continue;
    if (key.startsWith('on') && typeof value === 'function') el.addEventListener(key.slice(2), value);
    else if (key === 'dataset') Object.assign(el.dataset, value);
    // A field's starting value is its default too, so edits.js can tell what the user changed.
    else if (key === 'value' && 'defaultValue' in el) el.defaultValue = String(value);
    else if (key === 'value') el.value = value;
    else if (key === 'checked') el.defaultChecked = el.checked = Boolean(value);
    else el.setAttribute(key, value === true ? '' : String(value));
  }
  append(el, children);
  return el;
}

function append(el, children) {
  for (const child of children.flat(Infinity)) {
    if (child === undefined || child === null || child === false) continue;
    el.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
}

/** Replaces the children of `el`. */
export function replace(el, ...children) {
  el.replaceChildren();
  append(el, children);
  return el;
}

/** A risk badge: low / medium / high, coloured by class. */
export function riskBadge(risk, label = risk) {
  const level = ['low', 'medium', 'high'].includes(risk) ? risk : 'unknown';
  return h('span', { class: `badge risk-${level}`, title: String(risk) }, label);
}

/** Formats milliseconds since the epoch for the user's locale. */
export function when(ms) {
  return new Date(ms).toLocaleString();
}
