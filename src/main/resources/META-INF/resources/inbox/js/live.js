// The WebSocket: authenticates through the bearer-token-carrier subprotocol (never the URL), reconnects
// with back-off (and with the new token after a renewal), and reports its state for the status line.
export class Live {
  constructor(auth, onFrame, onState) {
    this.auth = auth;
    this.onFrame = onFrame;
    this.onState = onState;
    this.socket = null;
    this.attempt = 0;
    this.stopped = false;
  }

  start() { this.stopped = false; this.connect(); }

  stop() {
    this.stopped = true;
    if (this.socket) this.socket.close(1000);
  }

  /** After a token renewal: a new socket with the new token; the client resumes, so nothing is missed. */
  reconnectNow() {
    if (this.socket) {
      const old = this.socket;
      this.socket = null;
      old.onclose = null;
      old.close(1000);
    }
    this.connect();
  }

  connect() {
    this.onState(this.attempt === 0 ? 'connecting' : 'reconnecting');
    const url = `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/api/v1/chat`;
    const ws = new WebSocket(url, ['bearer-token-carrier',
      `quarkus-http-upgrade#Authorization#${encodeURIComponent(`Bearer ${this.auth.token}`)}`]);
    this.socket = ws;
    ws.onmessage = (ev) => {
      let frame;
      try { frame = JSON.parse(ev.data); } catch (e) { return; }
      if (frame.type === 'hello') {
        this.attempt = 0;
        this.onState('open');
      }
      this.onFrame(frame);
    };
    ws.onclose = (ev) => {
      if (this.socket !== ws) return;
      this.socket = null;
      if (this.stopped) return;
      this.onState('reconnecting');
      this.attempt += 1;
      const delay = Math.min(10000, 250 * 2 ** Math.min(this.attempt, 6));
      const again = () => { if (!this.stopped && !this.socket) this.connect(); };
      if (ev.code === 4001) {
        // the token expired: renew first, then reconnect with the new one
        this.auth.renew().then(again, () => setTimeout(again, delay));
      } else {
        setTimeout(again, delay);
      }
    };
  }

  get open() { return this.socket !== null && this.socket.readyState === WebSocket.OPEN; }

  send(frame) {
    if (!this.open) return false;
    this.socket.send(JSON.stringify(frame));
    return true;
  }
}
