// The staff inbox. Everything from the server is put into the page as text (textContent), never as HTML.
import { t, translatePage, formatTime } from './i18n.js';
import { Auth } from './auth.js';
import { Api } from './api.js';
import { Live } from './live.js';

const $ = (id) => document.getElementById(id);
const PAGE = 30;

function el(tag, attrs = {}, ...children) {
  const e = document.createElement(tag);
  Object.entries(attrs).forEach(([k, v]) => {
    if (v === undefined || v === null || v === false) return;
    if (k === 'class') e.className = v;
    else if (k === 'text') e.textContent = v;
    else e.setAttribute(k, v === true ? '' : String(v));
  });
  children.flat().forEach((c) => { if (c !== null && c !== undefined) e.append(c instanceof Node ? c : String(c)); });
  return e;
}

const state = {
  me: null, unitId: null, view: 'all', q: '', list: [], staff: [], templates: [],
  open: null, // the open conversation view
  messages: new Map(), // seq -> message, of the open conversation
  pending: new Map(), // clientMessageId -> { body, smsAllowed, el }
  oldestSeq: null, hasOlder: false, loadingOlder: false,
  counterpartRead: 0, counterpartDelivered: 0, notes: new Set(), typingTimer: null, lastTypingSent: 0,
};

let auth; let api; let live;

// ------------------------------------------------------------------ start and sign-in
async function start() {
  translatePage();
  const settings = await (await fetch('config.json')).json();
  auth = new Auth(settings);
  api = new Api(auth);
  try {
    if (settings.signIn === 'oidc' && await auth.completeOidc()) return signedIn();
  } catch (e) {
    return showSignIn(settings, t('signInFailed'));
  }
  return showSignIn(settings);
}

async function showSignIn(settings, problem) {
  $('sign-in').hidden = false;
  $('app').hidden = true;
  const options = $('sign-in-options');
  options.replaceChildren();
  if (settings.signIn === 'oidc') {
    $('sign-in-text').textContent = problem || t('signInOidc');
    const b = el('button', { type: 'button', text: t('signInButton') });
    b.addEventListener('click', () => auth.beginOidc().catch(() => { $('sign-in-text').textContent = t('signInFailed'); }));
    options.append(el('li', {}, b));
  } else if (settings.signIn === 'demo') {
    $('sign-in-text').textContent = problem || t('signInDemo');
    const users = await (await fetch('/dev/tokens', { headers: { Accept: 'application/json' } })).json();
    users.filter((u) => u.kind === 'staff').forEach((u) => {
      const b = el('button', { type: 'button', 'data-login': u.login, text: t('signInAs', { name: u.name }) });
      b.addEventListener('click', () => auth.demo(u.login).then(signedIn, () => { $('sign-in-text').textContent = t('signInFailed'); }));
      options.append(el('li', {}, b));
    });
  } else {
    $('sign-in-text').textContent = t('signInNone');
  }
}

async function signedIn() {
  state.me = await api.get('/api/v1/me');
  state.unitId = state.me.units.length ? state.me.units[0].id : null;
  $('sign-in').hidden = true;
  $('app').hidden = false;
  $('sign-out').hidden = false;
  $('who').textContent = `${state.me.name} · ${state.me.units.map((u) => u.name).join(', ')}`;
  live = new Live(auth, onFrame, showConnection);
  auth.onRenewed(() => live.reconnectNow());
  live.start();
  const staff = await api.get('/api/v1/staff');
  state.staff = staff.items;
  await Promise.all([loadList(), loadTemplates(), loadHours()]);
  $('main').focus();
}

function showConnection(s) {
  const c = $('connection');
  c.textContent = t(s === 'open' ? 'connected' : s);
  c.classList.toggle('reconnecting', s === 'reconnecting');
  document.body.dataset.connection = s;
}

// ------------------------------------------------------------------ the list
function matchesView(c) {
  if (state.view === 'closed') return c.status === 'closed';
  if (c.status !== 'open') return false;
  if (state.view === 'mine') return c.assignee && c.assignee.id === state.me.id;
  if (state.view === 'unassigned') return !c.assignee;
  return true;
}

async function loadList() {
  const params = new URLSearchParams({
    status: state.view === 'closed' ? 'closed' : 'open', view: state.view === 'closed' ? 'all' : state.view, limit: '100',
  });
  if (state.q) params.set('q', state.q);
  const page = await api.get(`/api/v1/conversations?${params}`);
  state.list = page.items;
  renderList();
}

let listTimer = null;
function reloadListSoon() {
  clearTimeout(listTimer);
  listTimer = setTimeout(() => loadList().catch(() => {}), 200);
}

function renderList() {
  const ul = $('conversation-list');
  ul.replaceChildren(...state.list.map((c) => {
    const unread = state.open && state.open.id === c.id ? 0 : c.unreadCount;
    const b = el('button', { type: 'button', class: 'conv', 'data-id': c.id, 'aria-current': state.open && state.open.id === c.id ? 'true' : null },
      el('span', { class: 'name', text: c.citizen.name || t('citizen') }),
      el('span', { class: 'time', text: formatTime(c.lastMessageAt || c.createdAt) }),
      el('span', { class: 'subject', text: c.subject }),
      unread > 0 ? el('span', { class: 'badge', text: t('unread', { n: unread }) }) : el('span'),
      el('span', { class: 'assignee', text: c.assignee ? t('assignedTo', { name: c.assignee.name }) : t('unassigned') }));
    b.addEventListener('click', () => openConversation(c.id));
    return el('li', {}, b);
  }));
  $('list-empty').hidden = state.list.length > 0;
}

function upsert(view) {
  const i = state.list.findIndex((c) => c.id === view.id);
  if (i >= 0) state.list.splice(i, 1);
  if (matchesView(view) && !state.q) state.list.unshift(view);
  state.list.sort((a, b) => (b.updatedAt || '').localeCompare(a.updatedAt || ''));
  renderList();
}

// ------------------------------------------------------------------ one conversation
async function openConversation(id) {
  const view = await api.get(`/api/v1/conversations/${id}`);
  state.open = view;
  state.messages.clear();
  state.pending.clear();
  state.notes.clear();
  state.counterpartRead = view.counterpartReadSeq;
  state.counterpartDelivered = view.counterpartReadSeq;
  $('messages').replaceChildren();
  $('notes').replaceChildren();
  $('typing').textContent = '';
  $('conversation-body').hidden = false;
  renderHeader();
  const page = await api.get(`/api/v1/conversations/${id}/messages?before=${view.lastSeq + 1}&limit=${PAGE}`);
  state.hasOlder = page.hasMore;
  page.items.forEach(addMessage);
  $('load-older').hidden = !state.hasOlder;
  scrollToEnd();
  markRead();
  const notes = await api.get(`/api/v1/conversations/${id}/notes`);
  notes.items.forEach(addNote);
  renderList();
  $('message-input').focus();
}

function renderHeader() {
  const c = state.open;
  $('conversation-title').textContent = `${c.citizen.name || t('citizen')} – ${c.subject}`;
  $('conversation-meta').textContent = t('statusLine', {
    unit: c.unit.name, status: t(c.status), assignee: c.assignee ? t('assignedTo', { name: c.assignee.name }) : t('unassigned'),
  });
  $('close-button').hidden = c.status !== 'open';
  $('reopen-button').hidden = c.status === 'open';
  $('composer').hidden = c.status !== 'open';
  const select = $('assign-select');
  select.replaceChildren(el('option', { value: '', text: t('unassigned') }),
    ...state.staff.map((s) => el('option', { value: s.id, text: s.name })));
  select.value = c.assignee ? c.assignee.id : '';
  // shown only where the service has them: the case reference (journal) and SMS sending (sms)
  $('case-form').hidden = !('actionFacet' in c);
  $('sms-allowed-label').hidden = !('channelPolicy' in c) || c.status !== 'open';
  $('case-number').value = c.caseNumber || '';
  $('kle-class').value = c.kleClass || '';
  $('action-facet').value = c.actionFacet || '';
}

function senderLabel(m) {
  if (m.sender.kind === 'system') return t('system');
  if (m.sender.id === state.me.id) return t('you');
  return m.sender.name || (m.sender.kind === 'citizen' ? t('citizen') : '');
}

function messageElement(m) {
  const kind = m.sender.kind === 'system' ? 'system' : (m.sender.kind === 'staff' ? 'mine' : 'theirs');
  const li = el('li', { class: `msg ${kind}`, 'data-seq': m.seq, 'data-client-id': m.clientMessageId },
    el('header', {}, el('span', { class: 'sender', text: senderLabel(m) }),
      el('time', { datetime: m.createdAt, text: formatTime(m.createdAt) })),
    el('p', { class: 'body', text: m.body ?? t('unreadable') }),
    el('p', { class: 'states' }));
  return li;
}

function stateLabels(m) {
  const labels = [];
  if (m.sender.kind === 'staff') {
    if (m.seq <= state.counterpartRead) labels.push(['read', t('read'), '✓✓']);
    else if (m.seq <= state.counterpartDelivered) labels.push(['delivered', t('delivered'), '✓✓']);
    else labels.push(['sent', t('sent'), '✓']);
  }
  const sms = { queued: 'smsQueued', sent: 'smsSent', delivered: 'smsDelivered', failed: 'smsFailed' }[m.smsState];
  if (sms) labels.push([m.smsState === 'failed' ? 'failed' : 'ok', t(sms), '']);
  const journal = { pending: 'journalPending', journaled: 'journaled', acknowledged: 'acknowledged' }[m.journalState];
  if (journal) labels.push([m.journalState === 'pending' ? 'pending' : 'ok', t(journal), '']);
  return labels;
}

function renderStates(li, m) {
  const p = li.querySelector('.states');
  p.replaceChildren(...stateLabels(m).map(([cls, label, icon]) => el('span', { class: `state ${cls}`, 'data-state': cls },
    icon ? el('span', { 'aria-hidden': 'true', text: `${icon} ` }) : null, label, ' ')));
}

function addMessage(m) {
  if (state.messages.has(m.seq)) { // already shown: only its state may have changed
    Object.assign(state.messages.get(m.seq), m);
    renderStates(state.messages.get(m.seq).el, state.messages.get(m.seq));
    return;
  }
  const pending = state.pending.get(m.clientMessageId);
  if (pending && m.sender.id === state.me.id) { pending.el.remove(); state.pending.delete(m.clientMessageId); }
  const li = messageElement(m);
  const entry = { ...m, el: li };
  state.messages.set(m.seq, entry);
  renderStates(li, entry);
  const list = $('messages');
  const after = [...list.children].find((x) => x.dataset.seq && Number(x.dataset.seq) > m.seq);
  list.insertBefore(li, after || list.querySelector('.pending') || null);
  state.oldestSeq = state.oldestSeq === null ? m.seq : Math.min(state.oldestSeq, m.seq);
}

function lastSeq() { return state.messages.size ? Math.max(...state.messages.keys()) : 0; }

function renderAllStates() { state.messages.forEach((m) => renderStates(m.el, m)); }

function scrollToEnd() { const list = $('messages'); list.scrollTop = list.scrollHeight; }

function markRead() {
  if (state.open && document.visibilityState === 'visible' && lastSeq() > 0) {
    live.send({ type: 'read', conversationId: state.open.id, seq: lastSeq() });
  }
}

async function loadOlder() {
  if (!state.open || !state.hasOlder || state.loadingOlder) return;
  state.loadingOlder = true;
  const list = $('messages');
  const before = list.scrollHeight;
  try {
    const page = await api.get(`/api/v1/conversations/${state.open.id}/messages?before=${state.oldestSeq}&limit=${PAGE}`);
    state.hasOlder = page.hasMore;
    page.items.forEach(addMessage);
    list.scrollTop += list.scrollHeight - before;
    $('load-older').hidden = !state.hasOlder;
  } finally { state.loadingOlder = false; }
}

/** Messages between what is shown and a message that arrived ahead of it (never a gap, never a double). */
async function fillGap(conversationId, upTo) {
  const page = await api.get(`/api/v1/conversations/${conversationId}/messages?after=${lastSeq()}&limit=200`);
  if (state.open && state.open.id === conversationId) page.items.filter((m) => m.seq <= upTo).forEach(addMessage);
}

function send(body) {
  const clientMessageId = crypto.randomUUID();
  const smsAllowed = !$('sms-allowed-label').hidden && $('sms-allowed').checked;
  const li = el('li', { class: 'msg mine pending', 'data-client-id': clientMessageId },
    el('header', {}, el('span', { class: 'sender', text: t('you') })), el('p', { class: 'body', text: body }),
    el('p', { class: 'states' }, el('span', { class: 'state sending', 'data-state': 'sending', text: t('sending') })));
  $('messages').append(li);
  scrollToEnd();
  const p = { conversationId: state.open.id, body, smsAllowed, el: li };
  state.pending.set(clientMessageId, p);
  transmit(clientMessageId, p);
}

function transmit(clientMessageId, p) {
  const frame = { type: 'send', id: clientMessageId, conversationId: p.conversationId, clientMessageId, body: p.body };
  if (p.smsAllowed) frame.smsAllowed = true;
  live.send(frame); // if the socket is down, the send goes out again (same clientMessageId) after reconnecting
}

// ------------------------------------------------------------------ frames
function onFrame(f) {
  switch (f.type) {
    case 'hello': onConnected(); break;
    case 'message': onMessage(f.message); break;
    case 'ack': onAck(f); break;
    case 'read': case 'delivered': onReceipt(f); break;
    case 'typing': onTyping(f); break;
    case 'conversation': onConversation(f.conversation); break;
    case 'note': if (state.open && f.note.conversationId === state.open.id) addNote(f.note); break;
    case 'sms-state': case 'journal-state': onMessageState(f); break;
    case 'error': onError(f); break;
    default: break;
  }
}

function onConnected() {
  if (state.open) {
    // resume: exactly what was missed after the last shown seq, then resend unacknowledged sends
    live.send({ type: 'resume', id: 'resume', conversations: [{ conversationId: state.open.id, afterSeq: lastSeq() }] });
    state.pending.forEach((p, id) => transmit(id, p));
  }
  if (state.me) reloadListSoon();
}

function onMessage(m) {
  const known = state.list.find((c) => c.id === m.conversationId);
  if (known) {
    known.lastSeq = Math.max(known.lastSeq, m.seq);
    known.lastMessageAt = m.createdAt;
    known.updatedAt = m.createdAt;
    if (m.sender.id !== state.me.id && !(state.open && state.open.id === m.conversationId)) known.unreadCount += 1;
    state.list.sort((a, b) => (b.updatedAt || '').localeCompare(a.updatedAt || ''));
    renderList();
  } else {
    reloadListSoon();
  }
  if (!state.open || state.open.id !== m.conversationId) return;
  const last = lastSeq();
  if (m.seq > last + 1 && last > 0) {
    fillGap(m.conversationId, m.seq - 1).then(() => { addMessage(m); afterIncoming(m); });
    return;
  }
  addMessage(m);
  afterIncoming(m);
}

function afterIncoming(m) {
  scrollToEnd();
  if (m.sender.id !== state.me.id) {
    $('typing').textContent = '';
    $('announce').textContent = t('newMessage', { name: senderLabel(m) });
    markRead();
  }
}

function onAck(f) {
  const p = state.pending.get(f.clientMessageId);
  if (!p) return;
  state.pending.delete(f.clientMessageId);
  p.el.remove();
  if (state.open && state.open.id === f.conversationId) {
    addMessage({ id: f.messageId, conversationId: f.conversationId, seq: f.seq, clientMessageId: f.clientMessageId,
      sender: { kind: 'staff', id: state.me.id, name: state.me.name }, body: p.body, bodyError: null, channel: 'web',
      createdAt: f.createdAt, smsAllowed: p.smsAllowed });
    scrollToEnd();
  }
}

function onReceipt(f) {
  if (f.reader.id === state.me.id) {
    const c = state.list.find((x) => x.id === f.conversationId);
    if (c && f.type === 'read') { c.readSeq = f.seq; c.unreadCount = Math.max(0, c.lastSeq - f.seq); renderList(); }
    return;
  }
  if (!state.open || f.conversationId !== state.open.id || f.reader.kind !== 'citizen') return;
  if (f.type === 'read') state.counterpartRead = Math.max(state.counterpartRead, f.seq);
  state.counterpartDelivered = Math.max(state.counterpartDelivered, f.seq);
  renderAllStates();
}

function onTyping(f) {
  if (!state.open || f.conversationId !== state.open.id || f.sender.kind !== 'citizen') return;
  $('typing').textContent = t('typing', { name: state.open.citizen.name || t('citizen') });
  clearTimeout(state.typingTimer);
  state.typingTimer = setTimeout(() => { $('typing').textContent = ''; }, 5000);
}

function onConversation(view) {
  if (state.open && state.open.id === view.id) { state.open = view; renderHeader(); }
  if (state.q) reloadListSoon(); else upsert(view);
}

function onMessageState(f) {
  if (!state.open || f.conversationId !== state.open.id) return;
  if (f.type === 'journal-state' && f.state === 'journaled') {
    // one frame per conversation and journal batch: every earlier message still pending is journaled too
    for (const [seq, m] of state.messages) {
      if (seq <= f.seq && (!m.journalState || m.journalState === 'pending')) {
        m.journalState = 'journaled';
        renderStates(m.el, m);
      }
    }
    return;
  }
  const m = state.messages.get(f.seq);
  if (!m) return;
  if (f.type === 'sms-state') m.smsState = f.state; else m.journalState = f.state;
  renderStates(m.el, m);
}

function onError(f) {
  const p = f.ref && state.pending.get(f.ref);
  if (p && f.code !== 'rate-limited') {
    state.pending.delete(f.ref);
    p.el.querySelector('.states').replaceChildren(el('span', { class: 'state failed', 'data-state': 'failed', text: `${t('failed')}: ${f.message}` }));
  }
}

// ------------------------------------------------------------------ notes
function addNote(n) {
  if (state.notes.has(n.id)) return;
  state.notes.add(n.id);
  $('notes').append(el('li', { 'data-id': n.id },
    el('p', { class: 'meta' }, el('span', { text: n.author.name || '' }), ' · ', el('time', { datetime: n.createdAt, text: formatTime(n.createdAt) })),
    el('p', { class: 'body', text: n.body ?? t('unreadable') })));
}

// ------------------------------------------------------------------ templates
async function loadTemplates() {
  if (!state.unitId) return;
  state.templates = (await api.get(`/api/v1/units/${state.unitId}/templates`)).items;
  $('template-select').replaceChildren(el('option', { value: '', text: t('chooseTemplate') }),
    ...state.templates.map((x) => el('option', { value: x.id, text: x.title })));
  $('template-list').replaceChildren(...state.templates.map((x) => {
    const edit = el('button', { type: 'button', class: 'link', text: t('edit') });
    edit.addEventListener('click', () => {
      $('template-id').value = x.id; $('template-title').value = x.title; $('template-body').value = x.body; $('template-title').focus();
    });
    const del = el('button', { type: 'button', class: 'link', text: t('delete') });
    del.addEventListener('click', () => api.del(`/api/v1/units/${state.unitId}/templates/${x.id}`).then(loadTemplates));
    edit.setAttribute('aria-label', `${t('edit')} ${x.title}`);
    del.setAttribute('aria-label', `${t('delete')} ${x.title}`);
    return el('li', {}, el('span', { text: x.title }), edit, del);
  }));
}

// ------------------------------------------------------------------ office hours
const DAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'];

async function loadHours() {
  if (!state.unitId) return;
  const h = await api.get(`/api/v1/units/${state.unitId}/office-hours`);
  $('hours-days').replaceChildren(...DAYS.map((d, i) => {
    const span = (h.weekly[d] || [])[0] || { from: '', to: '' };
    return el('div', { class: 'day' }, el('span', { text: t('days')[i] }),
      el('input', { type: 'time', id: `hours-${d}-from`, value: span.from, 'aria-label': `${t('days')[i]} ${t('from')}` }),
      el('input', { type: 'time', id: `hours-${d}-to`, value: span.to, 'aria-label': `${t('days')[i]} ${t('to')}` }));
  }));
  $('hours-enabled').checked = h.enabled;
  $('hours-reply').value = h.autoReply || '';
}

// ------------------------------------------------------------------ wiring
function wire() {
  document.querySelectorAll('[data-view]').forEach((b) => b.addEventListener('click', () => {
    state.view = b.dataset.view;
    document.querySelectorAll('[data-view]').forEach((x) => x.setAttribute('aria-pressed', String(x === b)));
    loadList();
  }));
  $('search').addEventListener('submit', (e) => { e.preventDefault(); state.q = $('search-input').value.trim(); loadList(); });
  $('sign-out').addEventListener('click', () => { live.stop(); auth.signOut(); location.reload(); });
  const input = $('message-input');
  input.addEventListener('keydown', (e) => {
    if (e.key === 'Enter' && !e.shiftKey && !e.isComposing) { e.preventDefault(); $('composer').requestSubmit(); }
  });
  input.addEventListener('input', () => {
    if (state.open && Date.now() - state.lastTypingSent > 3000) {
      state.lastTypingSent = Date.now();
      live.send({ type: 'typing', conversationId: state.open.id });
    }
  });
  $('composer').addEventListener('submit', (e) => {
    e.preventDefault();
    const body = input.value;
    if (!state.open || !body.trim()) return;
    input.value = '';
    send(body); // reads the "may go by SMS" mark, which then applies to this message only
    $('sms-allowed').checked = false;
  });
  $('template-select').addEventListener('change', (e) => {
    const x = state.templates.find((tpl) => tpl.id === e.target.value);
    if (x) { input.value = input.value ? `${input.value}\n${x.body}` : x.body; input.focus(); }
    e.target.value = '';
  });
  $('note-form').addEventListener('submit', async (e) => {
    e.preventDefault();
    const body = $('note-input').value;
    if (!state.open || !body.trim()) return;
    const note = await api.post(`/api/v1/conversations/${state.open.id}/notes`, { body });
    $('note-input').value = '';
    addNote(note);
  });
  const change = (path, body) => api.post(`/api/v1/conversations/${state.open.id}/${path}`, body).then(onConversation);
  $('assign-me').addEventListener('click', () => change('assign', { staffId: state.me.id }));
  $('assign-button').addEventListener('click', () => change('assign', { staffId: $('assign-select').value || null }));
  $('close-button').addEventListener('click', () => change('close'));
  $('reopen-button').addEventListener('click', () => change('reopen'));
  $('case-form').addEventListener('submit', (e) => {
    e.preventDefault();
    api.put(`/api/v1/conversations/${state.open.id}/case`, {
      caseNumber: $('case-number').value || null, kleClass: $('kle-class').value || null, actionFacet: $('action-facet').value || null,
    }).then(onConversation);
  });
  $('load-older').addEventListener('click', loadOlder);
  $('messages').addEventListener('scroll', () => { if ($('messages').scrollTop < 40) loadOlder(); });
  document.addEventListener('visibilitychange', markRead);
  $('template-form').addEventListener('submit', async (e) => {
    e.preventDefault();
    const id = $('template-id').value;
    const body = { title: $('template-title').value, body: $('template-body').value };
    if (id) await api.put(`/api/v1/units/${state.unitId}/templates/${id}`, body);
    else await api.post(`/api/v1/units/${state.unitId}/templates`, body);
    $('template-id').value = ''; $('template-title').value = ''; $('template-body').value = '';
    await loadTemplates();
  });
  $('hours-form').addEventListener('submit', async (e) => {
    e.preventDefault();
    const weekly = {};
    DAYS.forEach((d) => {
      const from = $(`hours-${d}-from`).value; const to = $(`hours-${d}-to`).value;
      if (from && to) weekly[d] = [{ from, to }];
    });
    try {
      await api.put(`/api/v1/units/${state.unitId}/office-hours`, {
        timeZone: 'Europe/Copenhagen', weekly, autoReply: $('hours-reply').value || null, enabled: $('hours-enabled').checked,
      });
      $('hours-status').textContent = t('hoursSaved');
    } catch (err) { $('hours-status').textContent = t('error', { detail: err.message }); }
  });
}

wire();
start();
