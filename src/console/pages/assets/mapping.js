// parley console: the Mapping page (/console/admin/mapping). Opens a stored Accelevents delivery as a
// clickable tree; clicking a value asks what it is (a field, where the topic is, or which trigger a
// topic value means) and adds that to the admin's draft mapping; every change is previewed with
// POST /api/admin/mapping/preview, saved with PUT /api/admin/mapping, and the ignored deliveries the
// saved mapping now accepts are reprocessed with POST /api/admin/deliveries/reprocess.
// Payloads are attacker-controlled text: everything is written with textContent, never as HTML.

const FIELD_LABELS = {
  email: 'Email',
  firstName: 'First name',
  lastName: 'Last name',
  phone: 'Phone',
  attendeeId: 'Attendee id',
  ticketId: 'Ticket id',
  ticketType: 'Ticket type',
  status: 'Ticket status',
  orderId: 'Order id',
  eventUrl: 'Event URL',
  eventId: 'Event id',
  eventName: 'Event name',
  sessionId: 'Session id',
  sessionName: 'Session name',
  occurredAt: 'When it happened',
};
const TOPIC_LABELS = {
  registration: 'a registration',
  ticket_purchase: 'a ticket purchase',
  check_in: 'a check-in',
  ticket_status_changed: 'a ticket status change',
  session_check_in: 'a session check-in',
};
// One path segment the mapping's path language can name (src/lib/json-path.ts): no dots, brackets or spaces.
const PATH_KEY = /^[^.[\]\s]+$/;
// POST /api/admin/deliveries/reprocess takes at most this many ids at once.
const REPROCESS_CHUNK = 100;

const state = {
  view: null,
  draft: { fields: {}, topicPaths: [], aliases: {} },
  dirty: false,
  deliveryId: null,
  preview: null,
  affected: [],
  chosen: null,
};

const byId = (id) => document.getElementById(id);

function csrfToken() {
  const meta = document.querySelector('meta[name="csrf-token"]');
  return meta ? meta.getAttribute('content') || '' : '';
}

async function api(method, url, body) {
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
    throw new Error('parley could not be reached. Check your connection, then try again.');
  }
  const text = await response.text();
  let payload = null;
  try {
    payload = text ? JSON.parse(text) : null;
  } catch {
    payload = null;
  }
  if (!response.ok) {
    throw new Error(
      payload?.message || `parley could not do this (error ${response.status}). Reload the page and try again.`,
    );
  }
  return payload;
}

function say(text, isError) {
  const box = byId('mapping-status');
  box.hidden = false;
  box.textContent = text;
  box.classList.toggle('error', Boolean(isError));
}

function element(tag, options = {}, children = []) {
  const node = document.createElement(tag);
  if (options.className) node.className = options.className;
  if (options.text !== undefined) node.textContent = options.text;
  for (const [name, value] of Object.entries(options.attrs || {})) node.setAttribute(name, value);
  for (const child of children) node.append(child);
  return node;
}

// The draft as the API's document: only the parts that hold something.
function toDocument(draft) {
  const doc = {};
  const fields = Object.fromEntries(Object.entries(draft.fields).filter(([, paths]) => paths.length > 0));
  if (Object.keys(fields).length > 0) doc.fields = fields;
  const topic = {};
  if (draft.topicPaths.length > 0) topic.paths = [...draft.topicPaths];
  if (Object.keys(draft.aliases).length > 0) topic.aliases = { ...draft.aliases };
  if (Object.keys(topic).length > 0) doc.topic = topic;
  return doc;
}

function fromSaved(saved) {
  const fields = {};
  for (const [field, paths] of Object.entries(saved?.fields || {})) fields[field] = [...paths];
  return { fields, topicPaths: [...(saved?.topic?.paths || [])], aliases: { ...(saved?.topic?.aliases || {}) } };
}

// ---- the payload tree ----

function scalarText(value) {
  return typeof value === 'string' ? JSON.stringify(value) : String(value);
}

// What intake can read as a value: non-empty text or a finite number (src/intake/map-payload.ts scalarText).
function usable(value) {
  return (typeof value === 'string' && value.trim() !== '') || (typeof value === 'number' && Number.isFinite(value));
}

// Absolute path → what it is mapped to now, from the preview: each person's fields sit under the
// person's own path when the body lists several people.
function tagsByPath(preview, record) {
  const tags = new Map();
  const add = (path, label) => {
    if (!tags.has(path)) tags.set(path, []);
    tags.get(path).push(label);
  };
  for (const person of [preview.person, ...preview.others]) {
    for (const [field, path] of Object.entries(person.matched)) {
      const label = field === 'topic' ? 'topic' : FIELD_LABELS[field] || field;
      const under = person.path === '$' ? null : `${person.path}.${path}`;
      add(under !== null && readPath(record, under) !== undefined ? under : path, label);
    }
  }
  for (const [path, labels] of tags) tags.set(path, [...new Set(labels)]);
  return tags;
}

function readPath(record, path) {
  let current = record;
  for (const part of path.match(/[^.[\]]+/g) || []) {
    if (current === null || typeof current !== 'object' || !Object.hasOwn(current, part)) return undefined;
    current = current[part];
  }
  return current;
}

function treeList(value, path, tags) {
  const list = element('ul');
  const isArray = Array.isArray(value);
  const entries = isArray ? value.map((child, index) => [index, child]) : Object.entries(value);
  for (const [key, child] of entries) {
    let childPath = null;
    if (path !== null && isArray) childPath = `${path}[${key}]`;
    else if (path !== null && PATH_KEY.test(key)) childPath = path === '' ? key : `${path}.${key}`;
    const item = element('li');
    item.append(element('span', { className: 'json-key', text: isArray ? `[${key}]` : key }), ': ');
    if (child !== null && typeof child === 'object') {
      const count = Array.isArray(child) ? child.length : Object.keys(child).length;
      if (count === 0)
        item.append(element('span', { className: 'json-empty', text: Array.isArray(child) ? '[]' : '{}' }));
      else item.append(treeList(child, childPath, tags));
    } else if (childPath !== null && usable(child)) {
      const button = element('button', {
        className: 'json-value',
        text: scalarText(child),
        attrs: { type: 'button', 'data-path': childPath, 'aria-label': `${childPath}: ${scalarText(child)}` },
      });
      button.addEventListener('click', () => openChooser(childPath, child));
      item.append(button);
      for (const label of tags.get(childPath) || [])
        item.append(element('span', { className: 'json-tag', text: label }));
    } else {
      const why = childPath === null ? 'its key cannot be written as a path' : 'no usable value';
      item.append(element('span', { className: 'json-scalar', text: scalarText(child), attrs: { title: why } }));
    }
    list.append(item);
  }
  return list;
}

// ---- the preview ----

function renderPreview(preview) {
  const box = byId('mapping-preview');
  const { person } = preview;
  const accepted = person.outcome === 'accepted';
  const outcome = element('p', { className: `mapping-outcome ${accepted ? 'accepted' : 'ignored'}` });
  outcome.append(element('strong', { text: accepted ? 'Would be accepted' : 'Still ignored' }));
  if (accepted) outcome.append(`: intake queues it for the ${person.topic} workflows.`);
  else outcome.append(' (', element('code', { text: person.reasonCode || '' }), `): ${person.reason || ''}`);
  const now = element('p', { className: 'muted' });
  now.append(`Stored now as ${preview.current.status}`);
  if (preview.current.reasonCode) now.append(' (', element('code', { text: preview.current.reasonCode }), ')');
  now.append(preview.mapping === 'proposed' ? '. The preview uses your mapping, saved or not.' : '.');

  const rows = [];
  const topicText =
    person.topic === null
      ? `not recognised${person.rawTopic ? ` (${JSON.stringify(person.rawTopic)})` : ''}`
      : `${person.topic}${person.rawTopic ? ` (from ${JSON.stringify(person.rawTopic)}, by ${person.topicBy})` : ''}`;
  rows.push(['Topic', topicText, person.matched.topic || '']);
  for (const [field, value] of Object.entries(person.fields)) {
    if (value !== null) rows.push([FIELD_LABELS[field] || field, value, person.matched[field] || '']);
  }
  const table = element('table', { className: 'admin-table mapping-result' }, [
    element('caption', { text: 'What parley reads from it' }),
    element('thead', {}, [
      element('tr', {}, [
        element('th', { text: 'Field', attrs: { scope: 'col' } }),
        element('th', { text: 'Value', attrs: { scope: 'col' } }),
        element('th', { text: 'From path', attrs: { scope: 'col' } }),
      ]),
    ]),
    element(
      'tbody',
      {},
      rows.map(([label, value, path]) =>
        element('tr', {}, [
          element('th', { text: label, attrs: { scope: 'row' } }),
          element('td', { text: value }),
          element('td', {}, [element('code', { text: path })]),
        ]),
      ),
    ),
  ]);
  const parts = [outcome, now, table];
  if (preview.others.length > 0) {
    const more = preview.others.filter((other) => other.outcome === 'accepted').length;
    parts.push(
      element('p', {
        text: `The body names ${preview.others.length} more ${preview.others.length === 1 ? 'person' : 'people'} (${more} accepted); reprocessing stores each as a delivery of their own.`,
      }),
    );
  }
  box.replaceChildren(...parts);
}

async function refreshPreview() {
  if (state.deliveryId === null) return;
  const preview = await api('POST', '/api/admin/mapping/preview', {
    deliveryId: state.deliveryId,
    mapping: toDocument(state.draft),
  });
  state.preview = preview;
  byId('payload-tree').replaceChildren(treeList(preview.record, '', tagsByPath(preview, preview.record)));
  renderPreview(preview);
}

async function openDelivery(id) {
  state.deliveryId = id;
  for (const row of document.querySelectorAll('tr[data-delivery-row]')) {
    if (row.dataset.deliveryRow === id) row.setAttribute('aria-current', 'true');
    else row.removeAttribute('aria-current');
  }
  byId('workspace-id').textContent = id;
  byId('mapping-workspace').hidden = false;
  try {
    await refreshPreview();
    byId('workspace-heading').focus();
  } catch (error) {
    say(error.message, true);
  }
}

// ---- the chooser ----

// Inside a list of people, a person's fields are read relative to each person (src/intake/expand-people.ts).
function relativeToPerson(path) {
  if (!state.preview) return { path, list: null };
  for (const person of [state.preview.person, ...state.preview.others]) {
    if (person.path !== '$' && path.startsWith(`${person.path}.`)) {
      return { path: path.slice(person.path.length + 1), list: person.path.replace(/\[\d+\]$/, '') };
    }
  }
  return { path, list: null };
}

function openChooser(absolutePath, value) {
  const dialog = byId('mapping-chooser');
  const relative = relativeToPerson(absolutePath);
  state.chosen = { absolutePath, path: relative.path, value: String(value) };
  byId('chooser-path').textContent = relative.path;
  byId('chooser-value').textContent = scalarText(value);
  const note = byId('chooser-note');
  note.hidden = relative.list === null;
  note.textContent = relative.list ? `Read inside each person of ${relative.list}.` : '';
  const triggers = dialog.querySelector('[data-trigger-options]');
  triggers.disabled = typeof value !== 'string';
  const select = byId('chooser-target');
  const topicPath = state.preview?.person.matched.topic;
  const mappedField = Object.entries(state.preview?.person.matched || {}).find(
    ([field, path]) => field !== 'topic' && path === relative.path,
  );
  if (absolutePath === topicPath && typeof value === 'string') {
    select.value = `alias:${state.preview.person.topic || 'registration'}`;
  } else if (mappedField) select.value = `field:${mappedField[0]}`;
  else select.value = 'field:email';
  dialog.showModal();
  select.focus();
}

function prepend(list, path) {
  return [path, ...list.filter((other) => other !== path)];
}

function assign(target) {
  const { path, value } = state.chosen;
  const draft = state.draft;
  if (target.startsWith('field:')) {
    const field = target.slice('field:'.length);
    draft.fields[field] = prepend(draft.fields[field] || [], path);
  } else if (target === 'topic-path') {
    draft.topicPaths = prepend(draft.topicPaths, path);
  } else if (target.startsWith('alias:')) {
    draft.aliases[value] = target.slice('alias:'.length);
    // An alias only counts for a value read as the topic: make sure its path is one.
    const known = [...draft.topicPaths, ...(state.view?.base.topic.paths || [])];
    if (!known.includes(path)) draft.topicPaths = prepend(draft.topicPaths, path);
  }
  state.dirty = true;
  renderDraft();
}

// ---- the draft ----

function removeButton(label, onRemove) {
  const button = element('button', {
    className: 'button secondary',
    text: 'Remove',
    attrs: { type: 'button', 'aria-label': `Remove ${label}` },
  });
  button.addEventListener('click', async () => {
    onRemove();
    state.dirty = true;
    renderDraft();
    await refreshPreview().catch((error) => say(error.message, true));
  });
  return button;
}

function renderDraft() {
  const box = byId('mapping-draft');
  const items = [];
  const draft = state.draft;
  for (const [field, paths] of Object.entries(draft.fields)) {
    for (const path of paths) {
      const label = `${FIELD_LABELS[field] || field} from ${path}`;
      const item = element('li', {}, [
        element('strong', { text: FIELD_LABELS[field] || field }),
        ' from ',
        element('code', { text: path }),
        ' ',
      ]);
      item.append(
        removeButton(label, () => {
          draft.fields[field] = draft.fields[field].filter((other) => other !== path);
          if (draft.fields[field].length === 0) delete draft.fields[field];
        }),
      );
      items.push(item);
    }
  }
  for (const path of draft.topicPaths) {
    const item = element('li', {}, [
      element('strong', { text: 'Topic' }),
      ' from ',
      element('code', { text: path }),
      ' ',
    ]);
    item.append(
      removeButton(`topic from ${path}`, () => {
        draft.topicPaths = draft.topicPaths.filter((other) => other !== path);
      }),
    );
    items.push(item);
  }
  for (const [raw, topic] of Object.entries(draft.aliases)) {
    const item = element('li', {}, [
      'Topic value ',
      element('code', { text: JSON.stringify(raw) }),
      ' means ',
      element('strong', { text: TOPIC_LABELS[topic] || topic }),
      ' ',
    ]);
    item.append(
      removeButton(`topic value ${raw}`, () => {
        state.draft.aliases = Object.fromEntries(Object.entries(draft.aliases).filter(([other]) => other !== raw));
      }),
    );
    items.push(item);
  }
  const parts = [];
  if (items.length === 0)
    parts.push(element('p', { className: 'empty', text: 'Nothing added to the config file’s mapping.' }));
  else parts.push(element('ul', { className: 'mapping-draft-list' }, items));
  if (state.dirty)
    parts.push(
      element('p', {
        className: 'mapping-unsaved',
        text: 'Unsaved changes: the preview uses them, intake does not until you save.',
      }),
    );
  box.replaceChildren(...parts);
  byId('save-mapping').disabled = !state.dirty;
}

function renderSavedBy(saved) {
  const line = byId('mapping-saved-by');
  if (!saved) {
    line.textContent = 'Nothing saved yet.';
    return;
  }
  const when = new Date(saved.updatedAt).toISOString().replace('T', ' ').slice(0, 16);
  line.textContent = `Saved ${when} UTC${saved.updatedByEmail ? ` by ${saved.updatedByEmail}` : ''}.`;
}

function offerReprocess(affected) {
  state.affected = affected.ids;
  const button = byId('reprocess-affected');
  const n = affected.ids.length;
  button.hidden = n === 0;
  button.textContent = `Reprocess ${n} affected ${n === 1 ? 'delivery' : 'deliveries'}`;
}

async function save() {
  const button = byId('save-mapping');
  button.disabled = true;
  try {
    const view = await api('PUT', '/api/admin/mapping', toDocument(state.draft));
    state.view = view;
    state.draft = fromSaved(view.saved);
    state.dirty = false;
    renderDraft();
    renderSavedBy(view.saved);
    offerReprocess(view.affected);
    const n = view.affected.ids.length;
    say(
      n === 0
        ? 'Saved. Every parley process maps new deliveries with it within seconds; no ignored delivery is affected.'
        : `Saved. Every parley process maps new deliveries with it within seconds. ${n} ignored ${n === 1 ? 'delivery' : 'deliveries'} would now be accepted.`,
    );
    await refreshPreview();
  } catch (error) {
    say(error.message, true);
    button.disabled = !state.dirty;
  }
}

function showRowStatus(result) {
  const row = document.querySelector(`tr[data-delivery-row="${CSS.escape(result.id)}"]`);
  if (!row) return;
  const status = row.querySelector('[data-cell="status"]');
  status.textContent = result.status;
  status.className = `admin-status admin-status-${result.status}`;
  const reason = row.querySelector('[data-cell="reason"]');
  reason.replaceChildren();
  if (result.reasonCode) reason.append(element('code', { text: result.reasonCode }), ` ${result.reason || ''}`);
}

async function reprocessAffected() {
  const button = byId('reprocess-affected');
  button.disabled = true;
  try {
    const results = [];
    for (let start = 0; start < state.affected.length; start += REPROCESS_CHUNK) {
      const ids = state.affected.slice(start, start + REPROCESS_CHUNK);
      const answer = await api('POST', '/api/admin/deliveries/reprocess', { ids });
      results.push(...answer.deliveries);
    }
    for (const result of results) showRowStatus(result);
    const queued = results.reduce((sum, result) => sum + result.queued, 0);
    say(
      `Reprocessed ${results.length} ${results.length === 1 ? 'delivery' : 'deliveries'}: ${queued} queued to run their workflows.`,
    );
    offerReprocess({ ids: [] });
    await refreshPreview();
  } catch (error) {
    say(error.message, true);
  } finally {
    button.disabled = false;
  }
}

async function start() {
  const dialog = byId('mapping-chooser');
  byId('chooser-form').addEventListener('submit', async (event) => {
    event.preventDefault();
    const target = byId('chooser-target').value;
    dialog.close();
    assign(target);
    await refreshPreview().catch((error) => say(error.message, true));
  });
  byId('chooser-cancel').addEventListener('click', () => dialog.close());
  byId('save-mapping').addEventListener('click', save);
  byId('reprocess-affected').addEventListener('click', reprocessAffected);
  try {
    state.view = await api('GET', '/api/admin/mapping');
    state.draft = fromSaved(state.view.saved);
    renderDraft();
    renderSavedBy(state.view.saved);
    offerReprocess(state.view.affected);
  } catch (error) {
    say(error.message, true);
    return;
  }
  // Enabled only once the saved mapping is known (the page renders them disabled): a preview must
  // start from it, not from an empty draft.
  for (const button of document.querySelectorAll('[data-open-delivery]')) {
    button.addEventListener('click', () => openDelivery(button.dataset.openDelivery));
    button.disabled = false;
  }
  const wanted = new URLSearchParams(window.location.search).get('delivery');
  if (wanted) await openDelivery(wanted);
}

start();
