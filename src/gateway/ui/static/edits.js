// Whether a page holds work a live refresh would throw away: a field the user is in, a field
// changed from what was rendered (dom.js renders values as the fields' defaults), or a form
// sent whose answer is on screen (a tool's output, a validation message).

const FIELDS = 'input, textarea, select';
/** Fields one types or picks in: focus on one means the user is at work (a ticked box is not). */
const TYPED = 'textarea, select, input:not([type=checkbox]):not([type=radio]):not([type=file])';

/** From now on, a form submitted inside `main` is marked as sent. */
export function markSentForms(main) {
  main.addEventListener('submit', (e) => {
    if (e.target instanceof HTMLFormElement) e.target.dataset.sent = '';
  });
}

/** Whether rendering `main` again would lose something the user did. */
export function hasEdits(main) {
  if (main.querySelector('form[data-sent]')) return true;
  const active = document.activeElement;
  if (active && main.contains(active) && active.matches(TYPED)) return true;
  return [...main.querySelectorAll(FIELDS)].some(changed);
}

function changed(field) {
  if (field instanceof HTMLSelectElement) {
    const initial = [...field.options].findIndex((o) => o.defaultSelected);
    return field.options.length > 0 && field.selectedIndex !== Math.max(0, initial);
  }
  if (field.type === 'checkbox' || field.type === 'radio') return field.checked !== field.defaultChecked;
  if (field.type === 'file') return field.files.length > 0;
  return field.value !== field.defaultValue;
}
