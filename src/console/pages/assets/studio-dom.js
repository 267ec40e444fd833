// parley studio: what every studio module shares. `api` calls the REST API with the session cookie and
// the CSRF header (HTML forms cannot set headers; every cookie-authenticated change must carry it) and
// throws an ApiError with the answer's code, reason, field and issues. Attendee data and workflow text
// are shown with textContent only, never as HTML.

export class ApiError extends Error {
  constructor(status, payload) {
    super(payload?.message || `parley could not do this (error ${status}). Reload the page and try again.`);
    this.status = status;
    this.code = payload?.error ?? null;
    this.reason = payload?.reason ?? null;
    this.field = payload?.field ?? null;
    this.issues = Array.isArray(payload?.issues) ? payload.issues : [];
  }
}

function csrfToken() {
  const meta = document.querySelector('meta[name="csrf-token"]');
  return meta ? meta.getAttribute('content') || '' : '';
}

export async function api(method, url, body) {
  const headers = { accept: 'application/json', 'x-csrf-token': csrfToken() };
  if (body !== undefined) headers['content-type'] = 'application/json';
  let response;
  try {
    response = await fetch(url, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      credentials: 'same-origin',
    });
  } catch {
    throw new ApiError(0, { message: 'parley could not be reached. Check your connection, then try again.' });
  }
  const text = await response.text();
  let payload = null;
  try {
    payload = text ? JSON.parse(text) : null;
  } catch {
    payload = null;
  }
  if (!response.ok) throw new ApiError(response.status, payload);
  return payload;
}

export const byId = (id) => document.getElementById(id);

/** element('p', { className, text, attrs: { … }, on: { click } }, [children]) */
export function element(tag, options = {}, children = []) {
  const node = document.createElement(tag);
  if (options.className) node.className = options.className;
  if (options.text !== undefined) node.textContent = options.text;
  for (const [name, value] of Object.entries(options.attrs || {})) {
    if (value !== undefined && value !== null && value !== false) node.setAttribute(name, value === true ? '' : value);
  }
  for (const [event, handler] of Object.entries(options.on || {})) node.addEventListener(event, handler);
  for (const child of children) if (child !== null && child !== undefined) node.append(child);
  return node;
}

export function button(text, onClick, options = {}) {
  return element('button', {
    className: options.secondary === false ? '' : 'button secondary',
    text,
    attrs: { type: 'button', 'aria-label': options.label, ...(options.attrs || {}) },
    on: { click: onClick },
  });
}

/** A status line: role=status boxes are announced; errors say "Error:" (console.css .flash.error). */
export function say(box, text, isError = false) {
  box.hidden = false;
  box.textContent = text;
  box.classList.toggle('error', Boolean(isError));
}

export function debounce(fn, ms) {
  let timer = null;
  return (...args) => {
    clearTimeout(timer);
    timer = setTimeout(() => fn(...args), ms);
  };
}

let nextId = 0;
/** A page-unique id for label/aria wiring. */
export function uid(prefix) {
  nextId += 1;
  return `${prefix}-${nextId}`;
}

export function when(ms) {
  if (!ms) return '';
  return `${new Date(ms).toISOString().replace('T', ' ').slice(0, 16)} UTC`;
}

/** A field with its label and optional hint, the control given. */
export function labelled(labelText, control, hintText, options = {}) {
  const id = control.id || uid('field');
  control.id = id;
  let label = element('label', { attrs: { for: id } }, [labelText]);
  // The control's `required` tells assistive technology; the words beside the label are for the eye,
  // so the label (the control's accessible name) stays the field's name.
  if (options.required) {
    label = element('div', { className: 'label-row' }, [
      label,
      element('span', { className: 'required', text: '(required)', attrs: { 'aria-hidden': 'true' } }),
    ]);
  }
  const parts = [label, control];
  if (hintText) {
    const hint = element('span', { className: 'hint', text: hintText, attrs: { id: `${id}-hint` } });
    control.setAttribute('aria-describedby', hint.id);
    parts.push(hint);
  }
  return element('div', { className: options.inline ? 'field-inline' : 'field' }, parts);
}

/** Problems a 400 named, as a list under a sentence. */
export function issueList(error) {
  const box = element('div', { className: 'flash error', attrs: { role: 'alert' } }, [error.message]);
  if (error.issues.length > 1) {
    box.append(
      element(
        'ul',
        {},
        error.issues.map((issue) => element('li', {}, [element('code', { text: issue.path }), `: ${issue.message}`])),
      ),
    );
  }
  return box;
}
