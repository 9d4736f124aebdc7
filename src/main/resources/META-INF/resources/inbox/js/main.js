// The staff inbox. Everything from the server is put into the page as text (textContent), never as HTML.
import { t, translatePage, formatTime, formatWaiting, lang } from './i18n.js';
import { Alerts } from './alerts.js';
import { Auth } from './auth.js';
import { Api } from './api.js';
import { Live } from './live.js';
import * as files from './files.js';

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
  me: null, unitId: null, view: 'all', q: '', sort: 'newest', list: [], staff: [], templates: [],
  declinedOffer: new Set(), // conversations where the caseworker said no to "assign to me"
  colleagueTyping: new Map(), // staff id -> name, of the open conversation
  open: null, // the open conversation view
  messages: new Map(), // seq -> message, of the open conversation
  pending: new Map(), // clientMessageId -> { body, smsAllowed, el }
  oldestSeq: null, hasOlder: false, loadingOlder: false,
  counterpartRead: 0, counterpartDelivered: 0, notes: new Set(), typingTimer: null, lastTypingSent: 0,
  early: new Map(), // seq -> states that arrived before their message
  uploads: [], // the composer's files: { key, name, att (once uploaded), error, el }
  blobUrls: [], // thumbnails of the open conversation, revoked when it closes
};

let auth; let api; let live;
const alerts = new Alerts(t);

// ------------------------------------------------------------------ start and sign-in
async function start() {
  translatePage();
  const settings = await (await fetch('config.json')).json();
  auth = new Auth(settings);
  api = new Api(auth);
  try {
    // awaited here, so a rejected token (/me answering 401) lands in the catch below too
    if (settings.signIn === 'oidc' && await auth.completeOidc()) return await signedIn();
  } catch (e) {
    return signInFailed(settings);
  }
  return showSignIn(settings);
}

/** Back to the sign-in page with a message, and no half-signed-in state left behind. */
function signInFailed(settings) {
  if (live) live.stop();
  auth.signOut();
  return showSignIn(settings, t('signInFailed'));
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
      b.addEventListener('click', () => auth.demo(u.login).then(signedIn).catch(() => signInFailed(settings)));
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
  $('start-unit').replaceChildren(...state.me.units.map((u) => el('option', { value: u.id, text: u.name })));
  await Promise.all([loadList(), loadCounts(), loadTemplates(), loadHours()]);
  setInterval(renderList, 60000); // "waiting since" moves on by itself
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
  else params.set('sort', state.sort);
  const page = await api.get(`/api/v1/conversations?${params}`);
  state.list = page.items;
  renderList();
}

let listTimer = null;
function reloadListSoon() {
  clearTimeout(listTimer);
  listTimer = setTimeout(() => loadList().catch(() => {}), 200);
}

/** The views' counts and how many conversations await the unit's reply. */
async function loadCounts() {
  const counts = await api.get('/api/v1/conversations/counts');
  document.querySelectorAll('[data-count]').forEach((x) => { x.textContent = `(${counts[x.dataset.count]})`; });
  $('awaiting-count').textContent = counts.awaitingReply === 0 ? t('awaitingNone')
    : t(counts.awaitingReply === 1 ? 'awaitingOne' : 'awaitingMany', { n: counts.awaitingReply });
}

let countsTimer = null;
function reloadCountsSoon() {
  clearTimeout(countsTimer);
  countsTimer = setTimeout(() => loadCounts().catch(() => {}), 300);
}

/** Newest activity first, or the citizen who has waited longest first (then the rest, newest first). */
function sortList() {
  const newest = (a, b) => (b.updatedAt || '').localeCompare(a.updatedAt || '');
  state.list.sort(state.sort === 'waiting' && !state.q ? (a, b) => {
    if (a.waitingSince && b.waitingSince) return a.waitingSince.localeCompare(b.waitingSince);
    if (a.waitingSince || b.waitingSince) return a.waitingSince ? -1 : 1;
    return newest(a, b);
  } : newest);
}

/** "Sofie: Hej …", "Dig: Tak …": who wrote last, and the first line. */
function previewText(c) {
  const m = c.lastMessage;
  if (!m) return t('noMessages');
  const who = m.senderKind === 'system' ? t('system')
    : (m.sender.id === state.me.id ? t('you') : (m.sender.name || (m.senderKind === 'citizen' ? t('citizen') : '')));
  return `${who}: ${m.preview ?? t('unreadable')}`;
}

function renderList() {
  const ul = $('conversation-list');
  ul.replaceChildren(...state.list.map((c) => {
    const unread = state.open && state.open.id === c.id ? 0 : c.unreadCount;
    const b = el('button', { type: 'button', class: 'conv', 'data-id': c.id, 'aria-current': state.open && state.open.id === c.id ? 'true' : null },
      el('span', { class: 'name', text: c.citizen.name || t('citizen') }),
      el('span', { class: 'time', text: formatTime(c.lastMessageAt || c.createdAt) }),
      el('span', { class: 'subject', text: c.subject }),
      unread > 0 ? el('span', { class: 'badge', text: t(unread === 1 ? 'unreadOne' : 'unread', { n: unread }) }) : el('span'),
      el('span', { class: 'preview', text: previewText(c) }),
      c.awaitingReply ? el('span', { class: 'waiting', 'data-awaiting': 'true', text: t('awaiting', { time: formatWaiting(c.waitingSince) }) })
        : el('span', { class: 'answered', 'data-awaiting': 'false', text: c.status === 'open' && c.lastMessage ? t('notAwaiting') : '' }),
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
  sortList();
  renderList();
  reloadCountsSoon();
}

// ------------------------------------------------------------------ one conversation
async function openConversation(id) {
  const view = await api.get(`/api/v1/conversations/${id}`);
  if (state.open && state.open.id !== id) presence.leave(state.open.id);
  state.open = view;
  showScreen('conversation');
  $('side').hidden = false;
  $('assign-offer').hidden = true;
  state.colleagueTyping.clear();
  state.messages.clear();
  state.pending.clear();
  state.notes.clear();
  state.early.clear();
  // another conversation's files: not theirs to send here, and their previews are no longer shown
  clearUploads();
  state.blobUrls.forEach((u) => URL.revokeObjectURL(u));
  state.blobUrls = [];
  $('case-status').textContent = '';
  state.counterpartRead = view.counterpartReadSeq;
  state.counterpartDelivered = Math.max(view.counterpartReadSeq, view.counterpartDeliveredSeq ?? 0);
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
  presence.join(id);
  loadCitizen(view).catch(() => {});
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
  $('case-details').hidden = !('actionFacet' in c);
  // only where a message can go by SMS at all: the SMS feature is there and the policy is not app-only
  $('sms-allowed-label').hidden = !c.channelPolicy || c.channelPolicy === 'app' || c.status !== 'open';
  $('assign-me').hidden = c.status !== 'open' || (c.assignee && c.assignee.id === state.me.id);
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
    el('p', { class: 'body', text: m.retractedAt ? t('retracted') : (m.body ?? t('unreadable')) }),
    // a correction (berigtigelse): when and why, and the text as first sent (staff views carry both)
    m.correction && !m.retractedAt ? el('p', { class: 'correction',
      text: t('corrected', { time: formatTime(m.correction.correctedAt), reason: m.correction.reason ?? '' }) }) : null,
    m.correction && !m.retractedAt && m.correction.originalBody != null
      ? el('p', { class: 'original', text: t('original', { text: m.correction.originalBody }) }) : null,
    m.retractedAt ? null : fileList(m.conversationId, m.attachments || []),
    revisionButtons(m),
    el('p', { class: 'states' }));
  if (m.retractedAt) li.classList.add('retracted');
  return li;
}

// ------------------------------------------------------------------ retract and correct (issue 20)
/**
 * The caseworker's own messages: take back (while the citizen has not read it; the server decides and says
 * why not) and correct with a reason (berigtigelse). The page shows the result at once; the citizen's app
 * gets it live from the server.
 */
function revisionButtons(m) {
  if (m.retractedAt || !m.id || m.sender.kind !== 'staff' || !state.me || m.sender.id !== state.me.id) return null;
  const path = `/api/v1/conversations/${m.conversationId}/messages/${m.id}`;
  const retract = el('button', { type: 'button', class: 'secondary retract', text: t('retract') });
  const correct = el('button', { type: 'button', class: 'secondary correct', text: t('correct') });
  const actions = el('p', { class: 'actions' }, retract, correct);
  retract.addEventListener('click', () => api.post(`${path}/retract`)
    .then((r) => reviseMessage({ seq: r.seq, retractedAt: r.retractedAt, body: null }))
    .catch((err) => { $('announce').textContent = revisionError(err); }));
  correct.addEventListener('click', () => {
    const body = el('textarea', { class: 'correct-body', 'aria-label': t('correctedText') });
    body.value = m.body ?? '';
    const reason = el('input', { class: 'correct-reason', 'aria-label': t('correctReason'),
      placeholder: t('correctReason') });
    const form = el('form', { class: 'correct-form' }, body, reason,
      el('button', { type: 'submit', class: 'save-correction', text: t('saveCorrection') }),
      el('button', { type: 'button', class: 'secondary cancel-correction', text: t('cancel') }));
    form.addEventListener('submit', (e) => {
      e.preventDefault();
      api.put(`${path}/correction`, { body: body.value, reason: reason.value })
        .then((corrected) => reviseMessage(corrected))
        .catch((err) => { $('announce').textContent = revisionError(err); });
    });
    form.querySelector('.cancel-correction').addEventListener('click', () => form.replaceWith(actions));
    actions.replaceWith(form);
    body.focus();
  });
  return actions;
}

/** Why a retraction or correction was refused, in the page's language. */
function revisionError(err) {
  const known = { 'message-already-read': 'alreadyRead', 'retract-window-passed': 'windowPassed',
    'message-retracted': 'retracted' };
  return known[err.code] ? t(known[err.code]) : t('error', { detail: err.message });
}

// ------------------------------------------------------------------ attachments
/** A message's files: a thumbnail for images (fetched with the token), name, size and type, a download button. */
function fileList(conversationId, list) {
  if (!list || !list.length) return null;
  return el('ul', { class: 'files' }, list.map((f) => {
    const name = f.fileName || 'fil';
    const li = el('li', { class: 'file', 'data-attachment-id': f.id },
      el('span', { class: 'meta', text: `${name} · ${files.formatSize(f.size, lang)} · ${files.typeName(f.mediaType)}` }),
      el('button', { type: 'button', class: 'secondary download', 'aria-label': t('downloadFile', { name }), text: '⤓' }));
    li.querySelector('.download').addEventListener('click', () => files.download(auth, conversationId, f)
      .catch((err) => { $('announce').textContent = t('error', { detail: err.message }); }));
    if (f.hasThumbnail) {
      const img = el('img', { alt: t('thumbnailOf', { name }), class: 'thumbnail' });
      li.prepend(img);
      files.blobUrl(auth, files.fileUrl(conversationId, f.id, true))
        .then((url) => { state.blobUrls.push(url); img.src = url; })
        .catch(() => img.remove());
    }
    return li;
  }));
}

function addUploads(list) {
  if (!state.open) return;
  const conversationId = state.open.id;
  [...list].forEach((file) => {
    const u = { key: crypto.randomUUID(), name: file.name, att: null, error: null };
    const bar = el('progress', { max: '1', value: '0', 'aria-label': t('uploadProgress', { name: file.name }) });
    const status = el('span', { class: 'upload-state', text: t('uploading', { name: file.name }) });
    const remove = el('button', { type: 'button', class: 'link', text: '✕', 'aria-label': t('removeFile', { name: file.name }) });
    u.el = el('li', { class: 'upload', 'data-upload': u.key }, el('span', { text: file.name }), bar, status, remove);
    remove.addEventListener('click', () => { state.uploads = state.uploads.filter((x) => x !== u); u.el.remove(); });
    state.uploads.push(u);
    $('uploads').append(u.el);
    files.upload(auth, conversationId, file, (fraction) => { bar.value = fraction; })
      .then((att) => { u.att = att; u.el.dataset.attachmentId = att.id; return settle(u, conversationId, status); })
      .catch((err) => {
        u.error = err;
        status.className = 'upload-state failed';
        status.textContent = t('uploadFailed', { detail: err.message });
      });
  });
}

/** An upload the scanner could not look at yet waits quarantined: look again until it is accepted. */
async function settle(u, conversationId, status) {
  while (u.att.state === 'quarantined' && state.uploads.includes(u)) {
    status.textContent = t('scanning');
    await new Promise((r) => { setTimeout(r, 3000); });
    u.att = await api.get(`/api/v1/conversations/${conversationId}/attachments/${u.att.id}/status`);
  }
  if (u.att.state === 'accepted') {
    status.textContent = t('uploaded');
    u.el.dataset.state = 'accepted';
  } else {
    u.error = new Error(u.att.state);
    status.className = 'upload-state failed';
    status.textContent = t('uploadFailed', { detail: u.att.state });
  }
}

function clearUploads() {
  state.uploads = [];
  $('uploads').replaceChildren();
}

/** A retraction or correction of a message shown here: its element is made again from the new state. */
function reviseMessage(m) {
  const shown = state.messages.get(m.seq);
  if (!shown) return;
  Object.assign(shown, m);
  const li = messageElement(shown);
  shown.el.replaceWith(li);
  shown.el = li;
  renderStates(li, shown);
}

function stateLabels(m) {
  const labels = [];
  if (m.sender.kind === 'staff') {
    if (m.seq <= state.counterpartRead) labels.push(['read', t('read'), '✓✓']);
    else if (m.seq <= state.counterpartDelivered) labels.push(['delivered', t('delivered'), '✓✓']);
    else labels.push(['sent', t('sent'), '✓']);
  }
  const sms = { queued: 'smsQueued', sent: 'smsSent', delivered: 'smsDelivered', failed: 'smsFailed' }[m.smsState];
  // only a delivered SMS is a success; queued and sent are still on their way
  if (sms) labels.push([{ delivered: 'ok', failed: 'failed' }[m.smsState] || 'pending', t(sms), '', m.smsState]);
  const journal = { pending: 'journalPending', journaled: 'journaled', acknowledged: 'acknowledged' }[m.journalState];
  if (journal) labels.push([m.journalState === 'pending' ? 'pending' : 'ok', t(journal), '']);
  return labels;
}

function renderStates(li, m) {
  const p = li.querySelector('.states');
  p.replaceChildren(...stateLabels(m).map(([cls, label, icon, sms]) => el('span', { class: `state ${cls}`, 'data-state': cls, 'data-sms': sms },
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
  const entry = { ...m, el: li, ...state.early.get(m.seq) };
  state.early.delete(m.seq);
  state.messages.set(m.seq, entry);
  renderStates(li, entry);
  const list = $('messages');
  const after = [...list.children].find((x) => x.dataset.seq && Number(x.dataset.seq) > m.seq);
  list.insertBefore(li, after || list.querySelector('.pending') || null);
  state.oldestSeq = state.oldestSeq === null ? m.seq : Math.min(state.oldestSeq, m.seq);
}

async function refreshMessage(conversationId, seq) {
  const page = await api.get(`/api/v1/conversations/${conversationId}/messages?after=${seq - 1}&limit=1`);
  if (state.open && state.open.id === conversationId) page.items.forEach(addMessage);
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
  const attachments = state.uploads.filter((u) => u.att && u.att.state === 'accepted').map((u) => u.att);
  clearUploads();
  // a file never goes by SMS: the mark does not apply to a message with files
  const smsAllowed = !attachments.length && !$('sms-allowed-label').hidden && $('sms-allowed').checked;
  const li = el('li', { class: 'msg mine pending', 'data-client-id': clientMessageId },
    el('header', {}, el('span', { class: 'sender', text: t('you') })), el('p', { class: 'body', text: body }),
    fileList(state.open.id, attachments),
    el('p', { class: 'states' }, el('span', { class: 'state sending', 'data-state': 'sending', text: t('sending') })));
  $('messages').append(li);
  scrollToEnd();
  const p = { conversationId: state.open.id, body, smsAllowed, attachments, el: li };
  state.pending.set(clientMessageId, p);
  transmit(clientMessageId, p);
}

function transmit(clientMessageId, p) {
  const frame = { type: 'send', id: clientMessageId, conversationId: p.conversationId, clientMessageId, body: p.body };
  if (p.smsAllowed) frame.smsAllowed = true;
  if (p.attachments && p.attachments.length) frame.attachmentIds = p.attachments.map((a) => a.id);
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
    case 'message-retracted':
      if (state.open && f.conversationId === state.open.id) reviseMessage({ seq: f.seq, retractedAt: f.retractedAt, body: null });
      break;
    case 'message-corrected':
      if (state.open && f.conversationId === state.open.id) reviseMessage(f.message);
      break;
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
    known.lastMessage = { seq: m.seq, senderKind: m.sender.kind, sender: { id: m.sender.id, name: m.sender.name }, preview: firstLine(m.body) };
    // the unit's state: whoever of the unit answers, the conversation no longer waits (automatic replies do not count)
    if (m.sender.kind === 'citizen' && !known.awaitingReply) { known.awaitingReply = true; known.waitingSince = m.createdAt; }
    if (m.sender.kind === 'staff') { known.awaitingReply = false; known.waitingSince = null; }
    if (m.sender.id !== state.me.id && !(state.open && state.open.id === m.conversationId)) known.unreadCount += 1;
    sortList();
    renderList();
  } else {
    reloadListSoon();
  }
  reloadCountsSoon();
  if (m.sender.kind === 'citizen') {
    const c = known || { citizen: { name: m.sender.name } };
    alerts.newMessage(c.citizen.name || t('citizen'), m.body);
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
      createdAt: f.createdAt, smsAllowed: p.smsAllowed, attachments: p.attachments });
    scrollToEnd();
    // the ack says nothing of the SMS the message statement may have queued: read the stored message
    if (state.open.channelPolicy && state.open.channelPolicy !== 'app') refreshMessage(f.conversationId, f.seq);
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
  if (!state.open || f.conversationId !== state.open.id || f.sender.id === state.me.id) return;
  // staff see the citizen typing, and colleagues typing in the same conversation
  $('typing').textContent = f.sender.kind === 'citizen' ? t('typing', { name: state.open.citizen.name || t('citizen') })
    : t('colleagueTyping', { name: f.sender.name || staffName(f.sender.id) });
  clearTimeout(state.typingTimer);
  state.typingTimer = setTimeout(() => { $('typing').textContent = ''; }, 5000);
}

function staffName(id) {
  const s = state.staff.find((x) => x.id === id);
  return s ? s.name : t('colleague');
}

function firstLine(body) {
  if (body == null) return null;
  const line = body.trim().split('\n')[0];
  return [...line].length <= 120 ? line : `${[...line].slice(0, 119).join('')}…`;
}

function onConversation(view) {
  if (state.open && state.open.id === view.id) {
    state.open = view;
    renderHeader();
    if (view.assignee) $('assign-offer').hidden = true;
    renderPolicy(view);
  }
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
  const change = f.type === 'sms-state' ? { smsState: f.state } : { journalState: f.state };
  const m = state.messages.get(f.seq);
  if (!m) { // the frame came before the ack or the message: keep it for when the message is shown
    state.early.set(f.seq, { ...state.early.get(f.seq), ...change });
    return;
  }
  Object.assign(m, change);
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
    edit.setAttribute('aria-label', `${t('edit')} ${x.title}`);
    del.setAttribute('aria-label', `${t('delete')} ${x.title}`);
    const li = el('li', {}, el('span', { text: x.title }), edit, del);
    del.addEventListener('click', () => confirmDelete(li, x, del));
    return li;
  }));
}

/** Deleting a template cannot be undone: ask in the list itself, with focus on the question. */
function confirmDelete(li, x, del) {
  if (li.querySelector('.confirm')) return;
  const yes = el('button', { type: 'button', 'data-confirm': 'yes', text: t('deleteYes') });
  const no = el('button', { type: 'button', 'data-confirm': 'no', class: 'secondary', text: t('deleteNo') });
  const box = el('span', { class: 'confirm', role: 'group', 'aria-label': t('deleteAsk', { title: x.title }) },
    el('span', { text: t('deleteAsk', { title: x.title }) }), yes, no);
  yes.addEventListener('click', () => api.del(`/api/v1/units/${state.unitId}/templates/${x.id}`).then(loadTemplates));
  no.addEventListener('click', () => { box.remove(); del.focus(); });
  li.append(box);
  no.focus();
}

// ------------------------------------------------------------------ office hours
const DAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'];

async function loadHours() {
  if (!state.unitId) return;
  const h = await api.get(`/api/v1/units/${state.unitId}/office-hours`);
  $('hours-days').replaceChildren(...DAYS.map((d, i) => {
    const spans = el('ul', { class: 'spans' });
    const day = el('div', { class: 'day', 'data-day': d }, el('span', { class: 'day-name', text: t('days')[i] }), spans);
    const add = el('button', { type: 'button', class: 'link', text: t('hoursAdd'), 'aria-label': `${t('hoursAdd')} ${t('days')[i]}` });
    add.addEventListener('click', () => { spans.append(spanRow(i, { from: '', to: '' })); spans.lastChild.querySelector('input').focus(); });
    (h.weekly[d] || []).forEach((span) => spans.append(spanRow(i, span)));
    day.append(add);
    return day;
  }));
  $('hours-enabled').checked = h.enabled;
  $('hours-reply').value = h.autoReply || '';
}

/** One opening interval of a day; a day may have several (08–12 and 12:30–15:30). */
function spanRow(dayIndex, span) {
  const name = t('days')[dayIndex];
  const remove = el('button', { type: 'button', class: 'link', text: t('hoursRemove'), 'aria-label': `${t('hoursRemove')} ${name} ${span.from || ''}` });
  const row = el('li', { class: 'span' },
    el('input', { type: 'time', class: 'from', value: span.from, 'aria-label': `${name} ${t('from')}` }),
    el('span', { 'aria-hidden': 'true', text: '–' }),
    el('input', { type: 'time', class: 'to', value: span.to, 'aria-label': `${name} ${t('to')}` }), remove);
  remove.addEventListener('click', () => row.remove());
  return row;
}

/** The panel's intervals, or a Danish message naming the day that is wrong. */
function readHours() {
  const weekly = {};
  for (const [i, d] of DAYS.entries()) {
    const spans = [];
    for (const row of document.querySelectorAll(`#hours-days [data-day=${d}] .span`)) {
      const from = row.querySelector('.from').value; const to = row.querySelector('.to').value;
      if (!from && !to) continue;
      if (!from || !to) return { problem: t('hoursIncomplete', { day: t('days')[i] }) };
      if (to <= from) return { problem: t('hoursOrder', { day: t('days')[i] }) };
      spans.push({ from, to });
    }
    if (spans.length) weekly[d] = spans;
  }
  return { weekly };
}

// ------------------------------------------------------------------ screens (one at a time on a phone)
/**
 * Which pane has the caseworker's attention: list, conversation, side (citizen and notes) or start. Wide
 * screens show list, conversation and side together (start takes the conversation's place); at phone
 * width (inbox.css) only this one is shown, with a back button.
 */
function showScreen(name) {
  document.body.dataset.screen = name;
  $('start').hidden = name !== 'start';
  if (name === 'list' && state.open) {
    const b = document.querySelector(`button.conv[data-id='${state.open.id}']`);
    if (b && getComputedStyle($('conversation')).display === 'none') b.focus();
  }
}

// ------------------------------------------------------------------ who else has the conversation open
/**
 * Staff who have the open conversation on screen: the page says so to the server every 15 s while it is
 * shown (and once when it closes), and hears back who else did in the last 40 s.
 */
const presence = {
  id: null,
  timer: null,
  join(id) {
    this.id = id;
    clearInterval(this.timer);
    this.beat();
    this.timer = setInterval(() => this.beat(), 15000);
  },
  leave(id) {
    if (this.id === id) { clearInterval(this.timer); this.id = null; }
    api.del(`/api/v1/conversations/${id}/viewers/me`).catch(() => {});
  },
  async beat() {
    const id = this.id;
    if (!id || document.visibilityState !== 'visible') return;
    try {
      const r = await api.put(`/api/v1/conversations/${id}/viewers/me`, {});
      if (state.open && state.open.id === id) renderPresence(r.items.filter((v) => v.staffId !== state.me.id));
    } catch (e) { /* the next beat tries again */ }
  },
};

function renderPresence(others) {
  const names = others.map((v) => staffName(v.staffId));
  $('presence').textContent = names.length ? t(names.length === 1 ? 'viewingOne' : 'viewingMany', { names: names.join(', ') }) : '';
}

// ------------------------------------------------------------------ the citizen at a glance
async function loadCitizen(view) {
  const citizenId = view.citizen.id;
  $('citizen-name').textContent = view.citizen.name || t('citizen');
  renderPolicy(view);
  const smsFeature = 'channelPolicy' in view;
  $('phone-form').hidden = !smsFeature;
  $('policy-box').hidden = !smsFeature;
  const [open, closed, phone] = await Promise.all([
    api.get(`/api/v1/conversations?status=open&citizenId=${citizenId}&limit=50`),
    api.get(`/api/v1/conversations?status=closed&citizenId=${citizenId}&limit=50`),
    smsFeature ? api.get(`/api/v1/sms/citizens/${citizenId}/phone`) : Promise.resolve(null),
  ]);
  if (!state.open || state.open.citizen.id !== citizenId) return;
  renderPhone(phone);
  const all = [...open.items, ...closed.items];
  const refs = new Map();
  all.filter((c) => c.caseNumber || c.kleClass).forEach((c) => {
    const label = [c.caseNumber, c.kleClass, c.actionFacet].filter(Boolean).join(' · ');
    refs.set(label, c);
  });
  $('case-references').replaceChildren(...(refs.size ? [...refs.keys()].map((label) => el('li', { text: label }))
    : [el('li', { class: 'muted', text: t('noCaseReferences') })]));
  const others = all.filter((c) => c.id !== state.open.id);
  $('citizen-conversations').replaceChildren(...(others.length ? others.map((c) => {
    const b = el('button', { type: 'button', class: 'link', 'data-id': c.id, text: `${c.subject} (${t(c.status)}, ${formatTime(c.lastMessageAt || c.createdAt)})` });
    b.addEventListener('click', () => openConversation(c.id));
    return el('li', {}, b);
  }) : [el('li', { class: 'muted', text: t('noEarlier') })]));
}

function renderPhone(phone) {
  if (!phone) { $('phone-status').textContent = ''; return; }
  if (!phone.verified) { $('phone-status').textContent = t('phoneNone'); return; }
  const by = phone.verifiedBy ? (phone.verifiedBy === state.me.id ? t('you') : staffName(phone.verifiedBy)) : '';
  $('phone-status').textContent = t('phoneVerified', { number: phone.maskedNumber || '', by, when: formatTime(phone.verifiedAt) })
    + (phone.optedOut ? ` ${t('phoneOptedOut')}` : '');
}

function renderPolicy(view) {
  if (view.channelPolicy) $('channel-policy').value = view.channelPolicy;
}

async function savePhone(e) {
  e.preventDefault();
  const input = $('phone-input');
  const status = $('phone-form-status');
  input.removeAttribute('aria-invalid');
  status.classList.remove('bad');
  try {
    const phone = await api.put(`/api/v1/sms/citizens/${state.open.citizen.id}/phone`, { phone: input.value.trim() });
    input.value = ''; // the number is not kept in the page: the mask above is what stays
    renderPhone(phone);
    status.textContent = t('phoneSaved');
  } catch (err) {
    input.setAttribute('aria-invalid', 'true');
    status.classList.add('bad');
    status.textContent = t(err.code === 'phone-in-use' ? 'phoneInUse' : 'phoneInvalid');
    input.focus();
  }
}

async function savePolicy(e) {
  const status = $('policy-status');
  status.classList.remove('bad');
  try {
    onConversation(await api.put(`/api/v1/conversations/${state.open.id}/channel-policy`, { policy: e.target.value }));
    status.textContent = t('policySaved');
  } catch (err) {
    renderPolicy(state.open);
    status.classList.add('bad');
    status.textContent = t(e.target.value === 'app' ? 'policyFailed' : 'policyNeedsPhone');
  }
}

// ------------------------------------------------------------------ starting a conversation
/** CPR → citizen (POST body: the CPR never goes into a URL, and so never into an access log), then the conversation. */
async function startConversation(e) {
  e.preventDefault();
  const cpr = $('start-cpr').value.replace(/[\s-]/g, '');
  const subject = $('start-subject').value.trim();
  const status = $('start-status');
  ['start-cpr', 'start-subject'].forEach((id) => $(id).removeAttribute('aria-invalid'));
  status.classList.add('bad');
  if (!/^\d{10}$/.test(cpr)) { $('start-cpr').setAttribute('aria-invalid', 'true'); status.textContent = t('cprInvalid'); $('start-cpr').focus(); return; }
  if (!subject) { $('start-subject').setAttribute('aria-invalid', 'true'); status.textContent = t('subjectMissing'); $('start-subject').focus(); return; }
  status.classList.remove('bad');
  status.textContent = t('starting');
  try {
    const citizen = await api.post('/api/v1/citizens/lookup', { cpr });
    const view = await api.post('/api/v1/conversations', { unitId: $('start-unit').value, citizenId: citizen.id, subject });
    $('start-cpr').value = '';
    $('start-subject').value = '';
    status.textContent = '';
    upsert(view);
    await openConversation(view.id);
  } catch (err) {
    status.classList.add('bad');
    status.textContent = t(err.status === 400 ? 'cprInvalid' : 'startFailed');
  }
}

// ------------------------------------------------------------------ wiring
function wire() {
  document.querySelectorAll('[data-view]').forEach((b) => b.addEventListener('click', () => {
    state.view = b.dataset.view;
    document.querySelectorAll('[data-view]').forEach((x) => x.setAttribute('aria-pressed', String(x === b)));
    loadList();
  }));
  $('search').addEventListener('submit', (e) => { e.preventDefault(); state.q = $('search-input').value.trim(); loadList(); });
  // Escape and the search box's own clear button empty the field: the list follows
  const cleared = (e) => { if (e.target.value === '' && state.q) { state.q = ''; loadList(); } };
  $('search-input').addEventListener('input', cleared);
  $('search-input').addEventListener('search', cleared);
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
  $('file-input').addEventListener('change', (e) => { addUploads(e.target.files); e.target.value = ''; });
  const composer = $('composer');
  composer.addEventListener('dragover', (e) => { e.preventDefault(); composer.classList.add('dragging'); });
  composer.addEventListener('dragleave', () => composer.classList.remove('dragging'));
  composer.addEventListener('drop', (e) => {
    e.preventDefault();
    composer.classList.remove('dragging');
    if (e.dataTransfer && e.dataTransfer.files.length) addUploads(e.dataTransfer.files);
  });
  $('composer').addEventListener('submit', (e) => {
    e.preventDefault();
    const body = input.value;
    const ready = state.uploads.filter((u) => u.att && u.att.state === 'accepted');
    if (!state.open || (!body.trim() && !ready.length)) return;
    if (state.uploads.some((u) => !u.error && !(u.att && u.att.state === 'accepted'))) {
      $('announce').textContent = t('waitUploads');
      return;
    }
    input.value = '';
    send(body); // reads the "may go by SMS" mark, which then applies to this message only
    $('sms-allowed').checked = false;
    // answering an unassigned conversation: offer to take it (once per conversation, never forced)
    if (!state.open.assignee && !state.declinedOffer.has(state.open.id)) $('assign-offer').hidden = false;
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
  $('assign-offer-yes').addEventListener('click', () => {
    $('assign-offer').hidden = true;
    change('assign', { staffId: state.me.id }).then(() => $('message-input').focus());
  });
  $('assign-offer-no').addEventListener('click', () => {
    state.declinedOffer.add(state.open.id);
    $('assign-offer').hidden = true;
    $('message-input').focus();
  });
  $('sort-select').addEventListener('change', (e) => { state.sort = e.target.value; loadList(); });
  $('back').addEventListener('click', () => showScreen('list'));
  $('start-back').addEventListener('click', () => showScreen(state.open ? 'conversation' : 'list'));
  $('show-side').addEventListener('click', () => { showScreen('side'); $('citizen-title').focus(); });
  $('side-back').addEventListener('click', () => showScreen('conversation'));
  $('new-conversation').addEventListener('click', () => { showScreen('start'); $('start-cpr').focus(); });
  $('start-form').addEventListener('submit', startConversation);
  $('phone-form').addEventListener('submit', savePhone);
  $('channel-policy').addEventListener('change', savePolicy);
  alerts.wire($('sound-enabled'), $('desktop-enable'), $('notify-details'), $('alerts-status'));
  $('assign-button').addEventListener('click', () => change('assign', { staffId: $('assign-select').value || null }));
  $('close-button').addEventListener('click', () => change('close'));
  $('reopen-button').addEventListener('click', () => change('reopen'));
  $('case-form').addEventListener('submit', async (e) => {
    e.preventDefault();
    const fields = { caseNumber: 'case-number', kleClass: 'kle-class', actionFacet: 'action-facet' };
    Object.values(fields).forEach((id) => $(id).removeAttribute('aria-invalid'));
    $('case-status').textContent = '';
    $('case-status').classList.remove('bad');
    try {
      onConversation(await api.put(`/api/v1/conversations/${state.open.id}/case`, {
        caseNumber: $('case-number').value || null, kleClass: $('kle-class').value || null, actionFacet: $('action-facet').value || null,
      }));
      $('case-status').textContent = t('caseSaved');
    } catch (err) {
      const bad = (err.errors || []).map((x) => x.field).filter((f) => f in fields);
      bad.forEach((f) => $(fields[f]).setAttribute('aria-invalid', 'true'));
      $('case-status').classList.add('bad');
      $('case-status').textContent = bad.length ? bad.map((f) => t(`${f}Invalid`)).join(' ') : t('error', { detail: err.message });
      if (bad.length) $(fields[bad[0]]).focus();
    }
  });
  $('load-older').addEventListener('click', loadOlder);
  // the panels show what is stored now, also when a colleague or the API changed it since sign-in
  $('hours-admin').addEventListener('toggle', () => { if ($('hours-admin').open) { $('hours-status').textContent = ''; loadHours(); } });
  $('templates-admin').addEventListener('toggle', () => { if ($('templates-admin').open) loadTemplates(); });
  $('messages').addEventListener('scroll', () => { if ($('messages').scrollTop < 40) loadOlder(); });
  document.addEventListener('visibilitychange', () => { markRead(); presence.beat(); });
  window.addEventListener('pagehide', () => { if (state.open) presence.leave(state.open.id); });
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
    const { weekly, problem } = readHours();
    if (problem) { $('hours-status').textContent = problem; return; }
    try {
      await api.put(`/api/v1/units/${state.unitId}/office-hours`, {
        timeZone: 'Europe/Copenhagen', weekly, autoReply: $('hours-reply').value || null, enabled: $('hours-enabled').checked,
      });
      $('hours-status').textContent = t('hoursSaved');
    } catch (err) {
      // the server's field names and English details are for developers: say it in the caseworker's words
      const field = (err.errors || [])[0]?.field;
      $('hours-status').textContent = t({ weekly: 'hoursInvalid', autoReply: 'hoursReplyInvalid' }[field] || 'hoursFailed');
    }
  });
}

wire();
start();
