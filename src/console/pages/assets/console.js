// parley console: the little JS the server-rendered pages need. A <form data-api="/api/…"
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
      let message = payload?.message
        ? payload.message
        : `parley could not do this (error ${response.status}). Reload the page and try again; if it keeps failing, ask an admin to look at the server log.`;
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
  } catch {
    flash(form, 'parley could not be reached. Check your connection, then try again.', true);
  } finally {
    if (button) button.disabled = false;
  }
}

document.addEventListener('submit', submitApiForm);

// Live updates, from the API's server-sent event streams. A thread page (an element with
// data-live-events) re-reads itself when its conversation changes and swaps the parts marked
// data-live-part, so a new message or status shows without a reload; a message that was not there
// before is marked and announced. The search page marks each listed conversation with new activity.
// data-live-state says connecting, live or closed.
function liveStatus(text) {
  const box = document.querySelector('.live-status');
  if (box && text) box.textContent = text;
}

// Brings `part` up to date with `next` (the same part in a fresh copy of the page): message by message
// where both have a message list, so an element holding the keyboard focus is never replaced.
function mergePart(part, next) {
  if (next.innerHTML === part.innerHTML) return;
  const list = part.querySelector('ol.messages');
  const nextList = next.querySelector('ol.messages');
  if (!list || !nextList) {
    if (!part.contains(document.activeElement)) part.replaceWith(document.adoptNode(next));
    return;
  }
  const current = new Map([...list.children].map((item) => [item.dataset.messageId, item]));
  let previous = null;
  for (const item of [...nextList.children]) {
    const mine = current.get(item.dataset.messageId);
    if (!mine) {
      const added = document.adoptNode(item);
      if (previous) previous.after(added);
      else list.prepend(added);
      previous = added;
    } else {
      if (mine.innerHTML !== item.innerHTML && !mine.contains(document.activeElement)) {
        const updated = document.adoptNode(item);
        mine.replaceWith(updated);
        previous = updated;
      } else previous = mine;
    }
  }
}

function followThread(section) {
  const source = new EventSource(section.dataset.liveEvents);
  let timer = null;
  let notice = null;
  section.dataset.liveState = 'connecting';
  const refresh = () => {
    clearTimeout(timer);
    timer = setTimeout(async () => {
      const known = new Set([...document.querySelectorAll('[data-message-id]')].map((e) => e.dataset.messageId));
      let response;
      try {
        response = await fetch(window.location.href, { headers: { accept: 'text/html' }, credentials: 'same-origin' });
      } catch {
        return;
      }
      if (!response.ok) return;
      const fresh = new DOMParser().parseFromString(await response.text(), 'text/html');
      for (const part of document.querySelectorAll('[data-live-part]')) {
        const next = fresh.querySelector(`[data-live-part="${part.dataset.livePart}"]`);
        if (next) mergePart(part, next);
      }
      for (const item of document.querySelectorAll('[data-message-id]')) {
        if (!known.has(item.dataset.messageId)) item.classList.add('arrived');
      }
      liveStatus(notice);
      notice = null;
    }, 150);
  };
  source.addEventListener('ready', () => {
    section.dataset.liveState = 'live';
    // Whatever changed between this page being built and the stream starting is picked up here.
    refresh();
  });
  source.addEventListener('message', (event) => {
    const data = JSON.parse(event.data);
    notice =
      data.message.direction === 'inbound' ? 'New message from the attendee.' : 'New message in this conversation.';
    refresh();
  });
  source.addEventListener('status', () => {
    notice = notice || 'A message status changed.';
    refresh();
  });
  source.addEventListener('conversation', refresh);
  source.addEventListener('deleted', () => {
    source.close();
    section.dataset.liveState = 'closed';
    liveStatus('This conversation was deleted in HighLevel; it no longer gets new messages.');
  });
  source.addEventListener('error', () => {
    // EventSource reconnects by itself; CLOSED means it gave up (signed out, or no longer allowed).
    section.dataset.liveState = source.readyState === EventSource.CLOSED ? 'closed' : 'connecting';
  });
}

function followResults(list) {
  const source = new EventSource(list.dataset.liveEvents);
  list.dataset.liveState = 'connecting';
  const mark = (event) => {
    const { conversationId } = JSON.parse(event.data);
    const item = [...list.querySelectorAll('.result[data-conversation-id]')].find(
      (element) => element.dataset.conversationId === conversationId,
    );
    if (!item || item.classList.contains('changed')) return;
    item.classList.add('changed');
    const badges = item.querySelector('.badges');
    if (badges) {
      const badge = document.createElement('span');
      badge.className = 'status changed';
      badge.textContent = 'new activity';
      badges.prepend(badge);
    }
    const name = item.querySelector('.result-link');
    liveStatus(`New activity: ${name ? name.textContent : 'a conversation in this list'}.`);
  };
  source.addEventListener('ready', () => {
    list.dataset.liveState = 'live';
  });
  for (const type of ['message', 'status', 'conversation', 'deleted']) source.addEventListener(type, mark);
  source.addEventListener('error', () => {
    list.dataset.liveState = source.readyState === EventSource.CLOSED ? 'closed' : 'connecting';
  });
}

if (typeof EventSource === 'function') {
  for (const section of document.querySelectorAll('section[data-live-events]')) followThread(section);
  for (const list of document.querySelectorAll('ol[data-live-events]')) followResults(list);
}
