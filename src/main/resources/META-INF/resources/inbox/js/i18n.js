// Danish for browsers that accept Danish, English otherwise.
const TEXT = {
  da: {
    skip: 'Spring til indhold', signOut: 'Log ud', signInTitle: 'Log ind', inbox: 'Indbakke',
    viewMine: 'Mine', viewUnassigned: 'Ufordelte', viewAll: 'Alle i enheden', viewClosed: 'Lukkede',
    search: 'Søg efter navn eller emne', searchButton: 'Søg', listEmpty: 'Ingen samtaler her.',
    templates: 'Skabeloner', templateTitle: 'Titel', templateBody: 'Tekst', templateSave: 'Gem skabelon',
    officeHours: 'Åbningstider', hoursLegend: 'Åbent (dansk tid)', hoursEnabled: 'Send automatisk svar uden for åbningstid',
    hoursReply: 'Automatisk svar ({next} = næste åbning)', hoursSave: 'Gem åbningstider', hoursSaved: 'Åbningstiderne er gemt.',
    noConversation: 'Vælg en samtale', assignMe: 'Tildel mig', assignTo: 'Tildel til', assign: 'Tildel',
    close: 'Luk samtale', reopen: 'Genåbn', caseNumber: 'Sagsnummer', kleClass: 'KLE-emne', actionFacet: 'Handlingsfacet',
    caseSave: 'Gem sag', loadOlder: 'Hent ældre beskeder', insertTemplate: 'Indsæt skabelon', chooseTemplate: '– vælg –',
    message: 'Besked (Enter sender, Skift+Enter giver ny linje)', smsAllowed: 'Ikke følsom – må sendes som sms',
    send: 'Send', notes: 'Interne noter (kun for medarbejdere)', noteLabel: 'Ny note', addNote: 'Tilføj note',
    edit: 'Rediger', delete: 'Slet', connected: 'Forbundet', reconnecting: 'Genopretter forbindelse …',
    connecting: 'Forbinder …', signInDemo: 'Demo: vælg en medarbejder at logge ind som.',
    signInOidc: 'Log ind med kommunens medarbejderlogin.', signInButton: 'Log ind', signInAs: 'Log ind som {name}',
    signInNone: 'Log ind er ikke sat op for denne installation.', signInFailed: 'Log ind mislykkedes. Prøv igen.',
    unassigned: 'Ikke tildelt', assignedTo: 'Tildelt: {name}', unread: '{n} ulæste', open: 'Åben', closed: 'Lukket',
    statusLine: '{unit} · {status} · {assignee}', typing: '{name} skriver …', newMessage: 'Ny besked fra {name}',
    citizen: 'Borger', system: 'Automatisk svar', you: 'Dig', sending: 'Sender …', sent: 'Sendt', delivered: 'Leveret',
    read: 'Læst', failed: 'Ikke sendt', smsQueued: 'Sms i kø', smsSent: 'Sms sendt', smsDelivered: 'Sms leveret',
    smsFailed: 'Sms fejlede', journalPending: 'Afventer journalisering', journaled: 'Journaliseret',
    acknowledged: 'Journaliseret og kvitteret', unreadable: 'Beskeden kan ikke læses', noteBy: '{name}',
    days: ['mandag', 'tirsdag', 'onsdag', 'torsdag', 'fredag', 'lørdag', 'søndag'], from: 'fra', to: 'til',
    error: 'Noget gik galt: {detail}',
  },
  en: {
    skip: 'Skip to content', signOut: 'Sign out', signInTitle: 'Sign in', inbox: 'Inbox',
    viewMine: 'Mine', viewUnassigned: 'Unassigned', viewAll: 'All in unit', viewClosed: 'Closed',
    search: 'Search by name or subject', searchButton: 'Search', listEmpty: 'No conversations here.',
    templates: 'Templates', templateTitle: 'Title', templateBody: 'Text', templateSave: 'Save template',
    officeHours: 'Office hours', hoursLegend: 'Open (Danish time)', hoursEnabled: 'Send an automatic reply outside office hours',
    hoursReply: 'Automatic reply ({next} = next opening)', hoursSave: 'Save office hours', hoursSaved: 'Office hours saved.',
    noConversation: 'Choose a conversation', assignMe: 'Assign to me', assignTo: 'Assign to', assign: 'Assign',
    close: 'Close conversation', reopen: 'Reopen', caseNumber: 'Case number', kleClass: 'KLE class', actionFacet: 'Action facet',
    caseSave: 'Save case', loadOlder: 'Load older messages', insertTemplate: 'Insert template', chooseTemplate: '– choose –',
    message: 'Message (Enter sends, Shift+Enter for a new line)', smsAllowed: 'Not sensitive – may go by SMS',
    send: 'Send', notes: 'Internal notes (staff only)', noteLabel: 'New note', addNote: 'Add note',
    edit: 'Edit', delete: 'Delete', connected: 'Connected', reconnecting: 'Reconnecting …',
    connecting: 'Connecting …', signInDemo: 'Demo: choose a caseworker to sign in as.',
    signInOidc: 'Sign in with the municipality staff login.', signInButton: 'Sign in', signInAs: 'Sign in as {name}',
    signInNone: 'Sign-in is not set up for this installation.', signInFailed: 'Sign-in failed. Please try again.',
    unassigned: 'Unassigned', assignedTo: 'Assigned: {name}', unread: '{n} unread', open: 'Open', closed: 'Closed',
    statusLine: '{unit} · {status} · {assignee}', typing: '{name} is typing …', newMessage: 'New message from {name}',
    citizen: 'Citizen', system: 'Automatic reply', you: 'You', sending: 'Sending …', sent: 'Sent', delivered: 'Delivered',
    read: 'Read', failed: 'Not sent', smsQueued: 'SMS queued', smsSent: 'SMS sent', smsDelivered: 'SMS delivered',
    smsFailed: 'SMS failed', journalPending: 'Awaiting journal', journaled: 'Journaled',
    acknowledged: 'Journaled and acknowledged', unreadable: 'This message cannot be read', noteBy: '{name}',
    days: ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday'], from: 'from', to: 'to',
    error: 'Something went wrong: {detail}',
  },
};

// Danish when the browser lists Danish among its languages at all (the users are Danish caseworkers)
export const lang = (navigator.languages && navigator.languages.length ? navigator.languages : [navigator.language || 'da'])
  .some((l) => l.toLowerCase().startsWith('da')) ? 'da' : 'en';

export function t(key, vars = {}) {
  const text = TEXT[lang][key] ?? TEXT.da[key] ?? key;
  return typeof text === 'string' ? text.replace(/\{(\w+)\}/g, (m, k) => (k in vars ? String(vars[k]) : m)) : text;
}

/** Fills every element with data-i18n, as text (never HTML). */
export function translatePage() {
  document.documentElement.lang = lang;
  document.querySelectorAll('[data-i18n]').forEach((el) => { el.textContent = t(el.dataset.i18n); });
}

const ZONE = 'Europe/Copenhagen';
const timeOnly = new Intl.DateTimeFormat(lang === 'da' ? 'da-DK' : 'en-GB', { timeZone: ZONE, hour: '2-digit', minute: '2-digit' });
const dateTime = new Intl.DateTimeFormat(lang === 'da' ? 'da-DK' : 'en-GB', { timeZone: ZONE, dateStyle: 'short', timeStyle: 'short' });
const dayKey = new Intl.DateTimeFormat('en-CA', { timeZone: ZONE, year: 'numeric', month: '2-digit', day: '2-digit' });

/** A time in Copenhagen: just the clock today, with the date otherwise. */
export function formatTime(iso) {
  if (!iso) return '';
  const d = new Date(iso);
  return dayKey.format(d) === dayKey.format(new Date()) ? timeOnly.format(d) : dateTime.format(d);
}
