// New citizen messages while the tab is in the background: the count in the tab's title, an optional
// sound, and an optional desktop notification. The browser's permission for notifications is asked for
// only when the caseworker presses the button (never on load), and a notification names no citizen and
// shows no text unless the caseworker chose that. The two choices are preferences, kept in localStorage
// (no token or personal data goes there).
const PREFS = 'samtale.inbox.alerts';

export class Alerts {
  constructor(t) {
    this.t = t;
    this.unseen = 0;
    this.baseTitle = document.title;
    this.audio = null;
    this.prefs = { sound: false, details: false, desktop: false };
    try { Object.assign(this.prefs, JSON.parse(localStorage.getItem(PREFS) || '{}')); } catch (e) { /* defaults */ }
    document.addEventListener('visibilitychange', () => { if (!this.background()) this.reset(); });
    window.addEventListener('focus', () => this.reset());
  }

  /** Hidden (another tab, minimised) or not focused (another window in front). */
  background() { return document.visibilityState !== 'visible' || !document.hasFocus(); }

  save() { localStorage.setItem(PREFS, JSON.stringify(this.prefs)); }

  wire(sound, desktop, details, status) {
    this.status = status;
    this.desktopButton = desktop;
    this.baseTitle = document.title;
    sound.checked = this.prefs.sound;
    details.checked = this.prefs.details;
    sound.addEventListener('change', () => {
      this.prefs.sound = sound.checked;
      this.save();
      if (sound.checked) this.beep(); // also unlocks audio: browsers allow it after a press
    });
    details.addEventListener('change', () => { this.prefs.details = details.checked; this.save(); });
    desktop.addEventListener('click', () => this.enableDesktop());
    this.showDesktopState();
  }

  showDesktopState() {
    if (!('Notification' in window)) {
      this.desktopButton.hidden = true;
      this.status.textContent = this.t('desktopUnsupported');
    } else if (Notification.permission === 'granted' && this.prefs.desktop) {
      this.desktopButton.textContent = this.t('desktopDisable');
      this.status.textContent = this.t('desktopOn');
    } else if (Notification.permission === 'denied') {
      this.desktopButton.textContent = this.t('desktopEnable');
      this.status.textContent = this.t('desktopDenied');
    } else {
      this.desktopButton.textContent = this.t('desktopEnable');
      this.status.textContent = '';
    }
  }

  async enableDesktop() {
    if (this.prefs.desktop && Notification.permission === 'granted') {
      this.prefs.desktop = false;
    } else {
      const answer = Notification.permission === 'granted' ? 'granted' : await Notification.requestPermission();
      this.prefs.desktop = answer === 'granted';
    }
    this.save();
    this.showDesktopState();
  }

  /** A citizen's message arrived. Only counts while the caseworker is looking elsewhere. */
  newMessage(name, body) {
    if (!this.background()) return;
    this.unseen += 1;
    document.title = `(${this.unseen}) ${this.baseTitle}`;
    if (this.prefs.sound) this.beep();
    if (this.prefs.desktop && 'Notification' in window && Notification.permission === 'granted') {
      const text = this.prefs.details ? `${name}: ${(body || '').slice(0, 120)}` : this.t('notificationText');
      // one notification at a time (same tag): a burst of messages does not stack up
      const n = new Notification(this.t('notificationTitle'), { body: text, tag: 'samtale-inbox', renotify: true });
      n.onclick = () => { window.focus(); n.close(); };
    }
  }

  reset() {
    this.unseen = 0;
    document.title = this.baseTitle;
  }

  /** A short, quiet two-tone chime (Web Audio: no sound file to fetch, nothing for the CSP to allow). */
  beep() {
    try {
      this.audio = this.audio || new AudioContext();
      const now = this.audio.currentTime;
      [660, 880].forEach((f, i) => {
        const osc = this.audio.createOscillator();
        const gain = this.audio.createGain();
        osc.frequency.value = f;
        gain.gain.setValueAtTime(0.08, now + i * 0.15);
        gain.gain.exponentialRampToValueAtTime(0.0001, now + i * 0.15 + 0.14);
        osc.connect(gain).connect(this.audio.destination);
        osc.start(now + i * 0.15);
        osc.stop(now + i * 0.15 + 0.15);
      });
    } catch (e) { /* no audio in this browser: the title count remains */ }
  }
}
