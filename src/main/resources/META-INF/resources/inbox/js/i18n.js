// Danish for browsers that accept Danish, English otherwise.
const TEXT = {
  da: {
    appTitle: 'Samtale – indbakke', newConversation: 'Ny samtale', sort: 'Sortér', sortNewest: 'Nyeste aktivitet først',
    sortWaiting: 'Længst ventende først', awaitingNone: 'Ingen venter på svar.', awaitingOne: '1 samtale venter på svar.',
    awaitingMany: '{n} samtaler venter på svar.', noMessages: 'Ingen beskeder endnu', awaiting: 'Venter på svar · {time}',
    notAwaiting: 'Besvaret', alerts: 'Notifikationer', alertsHelp: 'Når fanen er i baggrunden, viser titlen antallet af nye beskeder.',
    soundEnabled: 'Afspil en lyd ved nye beskeder', desktopEnable: 'Slå skrivebordsnotifikationer til',
    desktopDisable: 'Slå skrivebordsnotifikationer fra', desktopOn: 'Skrivebordsnotifikationer er slået til.',
    desktopDenied: 'Browseren har blokeret notifikationer for denne side.', desktopUnsupported: 'Browseren kan ikke vise notifikationer.',
    notifyDetails: 'Vis borgerens navn og beskedens tekst i notifikationen', notificationTitle: 'Samtale',
    notificationText: 'Ny besked i indbakken', back: '← Til indbakken', backToConversation: '← Til samtalen',
    showSide: 'Borger og noter', assignOffer: 'Samtalen er ikke tildelt nogen. Vil du tildele den til dig?', noThanks: 'Nej tak',
    citizenPanel: 'Borgeren', phone: 'Mobilnummer', phoneLabel: 'Bekræftet nummer (du har tjekket, at det er borgerens)',
    phoneSave: 'Gem nummer', channelPolicy: 'Kontaktkanal', policyApp: 'Kun app', policyAppThenSms: 'App, derefter sms',
    policySms: 'Sms', caseReferences: 'Sagsreferencer', earlierConversations: 'Samtaler med borgeren',
    startTitle: 'Ny samtale med en borger', cpr: 'CPR-nummer',
    cprHelp: '10 cifre. Nummeret sendes kun i selve forespørgslen – aldrig i en adresse eller log.', unit: 'Enhed',
    subject: 'Emne', startButton: 'Start samtalen', colleagueTyping: '{name} (kollega) skriver …', colleague: 'En kollega',
    viewingOne: '{names} har også samtalen åben.', viewingMany: '{names} har også samtalen åben.',
    noCaseReferences: 'Ingen endnu.', noEarlier: 'Ingen andre samtaler.', phoneNone: 'Intet bekræftet nummer.',
    phoneVerified: '{number} – bekræftet af {by}, {when}.', phoneOptedOut: 'Borgeren har frameldt sms (STOP).',
    phoneSaved: 'Nummeret er gemt som bekræftet.', phoneInUse: 'Nummeret er allerede registreret på en anden borger.',
    phoneInvalid: 'Skriv et mobilnummer med landekode, fx +45 20 30 40 50.', policySaved: 'Kontaktkanalen er gemt.',
    policyFailed: 'Kontaktkanalen kunne ikke gemmes. Prøv igen.', policyNeedsPhone: 'Sms kræver et bekræftet mobilnummer.',
    cprInvalid: 'Et CPR-nummer har 10 cifre, fx 0101901234.', subjectMissing: 'Skriv et emne for samtalen.',
    starting: 'Starter samtalen …', startFailed: 'Samtalen kunne ikke startes. Prøv igen.',
    minutes: '{n} min', hours: '{h} t {m} min', daysHours: '{d} d {h} t', justNow: 'lige nu',
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
    retracted: 'Beskeden blev trukket tilbage', corrected: 'Rettet {time}: {reason}', original: 'Oprindelig tekst: {text}',
    retract: 'Træk tilbage', correct: 'Ret', correctedText: 'Rettet tekst', correctReason: 'Begrundelse for rettelsen',
    saveCorrection: 'Gem rettelse', cancel: 'Annuller', alreadyRead: 'Borgeren har læst beskeden, så den kan ikke trækkes tilbage.',
    windowPassed: 'Det er for sent at trække beskeden tilbage.',
    days: ['mandag', 'tirsdag', 'onsdag', 'torsdag', 'fredag', 'lørdag', 'søndag'], from: 'fra', to: 'til',
    error: 'Noget gik galt: {detail}', unreadOne: '{n} ulæst',
    deleteAsk: 'Slet skabelonen "{title}"?', deleteYes: 'Ja, slet', deleteNo: 'Nej',
    caseSaved: 'Sagen er gemt.', caseDetails: 'Sag og journalisering',
    caseNumberInvalid: 'Sagsnummeret må kun have bogstaver, tal, mellemrum og . / : _ - (højst 64 tegn).',
    kleClassInvalid: 'KLE-emnet skal være et KLE-nummer som 15.17.06.',
    actionFacetInvalid: 'Handlingsfacetten skal være en KLE-handlingsfacet som G01.',
    hoursAdd: 'Tilføj tidsrum', hoursRemove: 'Fjern tidsrum',
    hoursOrder: '{day}: et tidsrum skal slutte efter det starter.', hoursIncomplete: '{day}: udfyld både fra og til.',
    hoursInvalid: 'Åbningstiderne kunne ikke gemmes: tjek at hvert tidsrum slutter efter det starter.',
    hoursReplyInvalid: 'Det automatiske svar er for langt (højst 1.000 tegn).',
    attach: 'Vedhæft filer', uploading: 'Sender {name} …',
    uploadProgress: 'Upload af {name}', uploaded: 'Klar', scanning: 'Tjekkes for virus …', uploadFailed: 'Ikke sendt: {detail}',
    removeFile: 'Fjern {name}', downloadFile: 'Hent {name}', thumbnailOf: 'Billede: {name}', waitUploads: 'Vent til filerne er klar.',
    hoursFailed: 'Åbningstiderne kunne ikke gemmes. Prøv igen.',
  },
  en: {
    appTitle: 'Samtale – inbox', newConversation: 'New conversation', sort: 'Sort', sortNewest: 'Newest activity first',
    sortWaiting: 'Longest waiting first', awaitingNone: 'Nobody is waiting for a reply.', awaitingOne: '1 conversation awaits a reply.',
    awaitingMany: '{n} conversations await a reply.', noMessages: 'No messages yet', awaiting: 'Awaiting reply · {time}',
    notAwaiting: 'Answered', alerts: 'Notifications', alertsHelp: 'While the tab is in the background, its title shows the number of new messages.',
    soundEnabled: 'Play a sound for new messages', desktopEnable: 'Turn on desktop notifications',
    desktopDisable: 'Turn off desktop notifications', desktopOn: 'Desktop notifications are on.',
    desktopDenied: 'The browser blocks notifications for this page.', desktopUnsupported: 'This browser cannot show notifications.',
    notifyDetails: "Show the citizen's name and the message text in the notification", notificationTitle: 'Samtale',
    notificationText: 'New message in the inbox', back: '← To the inbox', backToConversation: '← To the conversation',
    showSide: 'Citizen and notes', assignOffer: 'Nobody is assigned to this conversation. Assign it to you?', noThanks: 'No thanks',
    citizenPanel: 'The citizen', phone: 'Mobile number', phoneLabel: "Verified number (you checked it is the citizen's)",
    phoneSave: 'Save number', channelPolicy: 'Channel', policyApp: 'App only', policyAppThenSms: 'App, then SMS',
    policySms: 'SMS', caseReferences: 'Case references', earlierConversations: 'Conversations with the citizen',
    startTitle: 'New conversation with a citizen', cpr: 'CPR number',
    cprHelp: '10 digits. The number only travels in the request body – never in an address or a log.', unit: 'Unit',
    subject: 'Subject', startButton: 'Start the conversation', colleagueTyping: '{name} (colleague) is typing …', colleague: 'A colleague',
    viewingOne: '{names} also has this conversation open.', viewingMany: '{names} also have this conversation open.',
    noCaseReferences: 'None yet.', noEarlier: 'No other conversations.', phoneNone: 'No verified number.',
    phoneVerified: '{number} – verified by {by}, {when}.', phoneOptedOut: 'The citizen turned SMS off (STOP).',
    phoneSaved: 'The number is saved as verified.', phoneInUse: 'This number is already registered for another citizen.',
    phoneInvalid: 'Enter a mobile number with country code, e.g. +45 20 30 40 50.', policySaved: 'The channel is saved.',
    policyFailed: 'The channel could not be saved. Please try again.', policyNeedsPhone: 'SMS needs a verified mobile number.',
    cprInvalid: 'A CPR number has 10 digits, e.g. 0101901234.', subjectMissing: 'Enter a subject for the conversation.',
    starting: 'Starting the conversation …', startFailed: 'The conversation could not be started. Please try again.',
    minutes: '{n} min', hours: '{h} h {m} min', daysHours: '{d} d {h} h', justNow: 'just now',
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
    retracted: 'The message was retracted', corrected: 'Corrected {time}: {reason}', original: 'Original text: {text}',
    retract: 'Retract', correct: 'Correct', correctedText: 'Corrected text', correctReason: 'Reason for the correction',
    saveCorrection: 'Save correction', cancel: 'Cancel', alreadyRead: 'The citizen has read the message, so it cannot be retracted.',
    windowPassed: 'It is too late to retract the message.',
    days: ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday'], from: 'from', to: 'to',
    error: 'Something went wrong: {detail}', unreadOne: '{n} unread',
    deleteAsk: 'Delete the template "{title}"?', deleteYes: 'Yes, delete', deleteNo: 'No',
    caseSaved: 'The case is saved.', caseDetails: 'Case and journal',
    caseNumberInvalid: 'The case number may only hold letters, digits, spaces and . / : _ - (at most 64).',
    kleClassInvalid: 'The KLE class must be a KLE number such as 15.17.06.',
    actionFacetInvalid: 'The action facet must be a KLE action facet such as G01.',
    hoursAdd: 'Add interval', hoursRemove: 'Remove interval',
    hoursOrder: '{day}: an interval must end after it starts.', hoursIncomplete: '{day}: fill in both from and to.',
    hoursInvalid: 'The office hours could not be saved: check that every interval ends after it starts.',
    hoursReplyInvalid: 'The automatic reply is too long (at most 1,000 characters).',
    attach: 'Attach files', uploading: 'Sending {name} …',
    uploadProgress: 'Upload of {name}', uploaded: 'Ready', scanning: 'Being checked for viruses …', uploadFailed: 'Not sent: {detail}',
    removeFile: 'Remove {name}', downloadFile: 'Download {name}', thumbnailOf: 'Image: {name}', waitUploads: 'Wait until the files are ready.',
    hoursFailed: 'The office hours could not be saved. Please try again.',
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

/** How long a citizen has waited: "lige nu", "12 min", "2 t 5 min", "3 d 4 t". */
export function formatWaiting(iso) {
  if (!iso) return '';
  const minutes = Math.max(0, Math.floor((Date.now() - new Date(iso).getTime()) / 60000));
  if (minutes < 1) return t('justNow');
  if (minutes < 60) return t('minutes', { n: minutes });
  const hours = Math.floor(minutes / 60);
  if (hours < 24) return t('hours', { h: hours, m: minutes % 60 });
  return t('daysHours', { d: Math.floor(hours / 24), h: hours % 24 });
}
