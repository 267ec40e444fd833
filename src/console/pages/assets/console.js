// parley console: the little JS the server-rendered pages need (DESIGN D9). A <form data-api="/api/…"
// data-method="POST"> is sent to the REST API as JSON with the session's CSRF header, because HTML
// forms cannot set headers and every cookie-authenticated change must carry x-csrf-token.
// Attributes: data-redirect="<url>" goes there on success, data-reload reloads the page,
// data-confirm="<question>" asks first. Checkbox fields become booleans; fields named with a
// trailing "[]" become arrays; empty fields are left out. File inputs send multipart instead of JSON.
// data-body='{"starred":true}' is JSON merged over the fields (fixed values a button stands for).
// An input with data-epoch-seconds (a datetime-local) is sent as epoch seconds, which the API takes.
// data-attach-to="<form id>": the answer's `urls` are added to that form as attachments[] fields.

function csrfToken() {
  const meta = document.querySelector('meta[name="csrf-token"]');
  return meta ? meta.getAttribute('content') || '' : '';
}

function flash(form, text, isError) {
  const box = form.querySelector('.form-status') || document.querySelector('.flash');
  if (!box) return;
  box.hidden = false;
  box.textContent = text;
  box.classList.toggle('error', Boolean(isError));
}

function bodyOf(form) {
  const hasFile = form.querySelector('input[type="file"]');
  if (hasFile) return { body: new FormData(form), json: false };
  const data = {};
  for (const element of form.elements) {
    if (!element.name || element.disabled) continue;
    if (element.type === 'checkbox') {
      data[element.name] = element.checked;
    } else if (element.name.endsWith('[]')) {
      const key = element.name.slice(0, -2);
      if (element.value !== '') {
        data[key] = data[key] || [];
        data[key].push(element.value);
      }
    } else if (element.value !== '' && 'epochSeconds' in element.dataset) {
      // datetime-local has no zone: the browser reads it as the user's local time.
      data[element.name] = Math.floor(new Date(element.value).getTime() / 1000);
    } else if (element.value !== '') {
      data[element.name] = element.type === 'number' ? Number(element.value) : element.value;
    }
  }
  if (form.dataset.body) Object.assign(data, JSON.parse(form.dataset.body));
  return { body: JSON.stringify(data), json: true };
}

// Uploaded files become attachments[] of the target form, listed so the user sees what will be sent.
function attachUrls(form, target, urls) {
  if (!target) return;
  const list = target.querySelector('.attached');
  for (const url of urls) {
    const input = document.createElement('input');
    input.type = 'hidden';
    input.name = 'attachments[]';
    input.value = url;
    target.appendChild(input);
    if (list) {
      const item = document.createElement('li');
      item.textContent = url;
      list.appendChild(item);
      list.hidden = false;
    }
  }
  flash(form, `${form.dataset.success || 'Uploaded.'} ${urls.join(', ')}`, false);
  form.reset();
}

async function submitApiForm(event) {
  const form = event.target.closest('form[data-api]');
  if (!form) return;
  event.preventDefault();
  if (form.dataset.confirm && !window.confirm(form.dataset.confirm)) return;
  const method = (form.dataset.method || 'POST').toUpperCase();
  const { body, json } = bodyOf(form);
  const headers = { 'x-csrf-token': csrfToken(), accept: 'application/json' };
  // No body on GET/DELETE, so no content-type either: Fastify answers 400 to an empty JSON body.
  const sendsBody = method !== 'GET' && method !== 'DELETE';
  if (json && sendsBody) headers['content-type'] = 'application/json';
  const button = form.querySelector('[type="submit"]');
  if (button) button.disabled = true;
  try {
    const response = await fetch(form.dataset.api, {
      method,
      headers,
      body: sendsBody ? body : undefined,
      credentials: 'same-origin',
    });
    const text = await response.text();
    let payload = null;
    try {
      payload = text ? JSON.parse(text) : null;
    } catch {
      payload = null;
    }
    if (!response.ok) {
      let message = payload?.message ? payload.message : `Request failed (${response.status})`;
      if (payload?.retryAfterSeconds) {
        message = `Too many attempts. Try again in ${payload.retryAfterSeconds} seconds.`;
      }
      flash(form, message, true);
      return;
    }
    if (form.dataset.attachTo && Array.isArray(payload?.urls)) {
      attachUrls(form, document.getElementById(form.dataset.attachTo), payload.urls);
      return;
    }
    if (form.dataset.redirect) {
      // Only a console path: ?next= must not become an open redirect to another site.
      const next = new URLSearchParams(window.location.search).get('next');
      const safe = next?.startsWith('/console') && !next.startsWith('//') ? next : null;
      window.location.assign(safe || form.dataset.redirect);
    } else if ('reload' in form.dataset) {
      window.location.reload();
    } else {
      flash(form, form.dataset.success || 'Done.', false);
    }
  } catch (error) {
    flash(form, `Could not reach parley: ${error.message}`, true);
  } finally {
    if (button) button.disabled = false;
  }
}

document.addEventListener('submit', submitApiForm);
