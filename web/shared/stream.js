// The one EventSource wrapper of both pages. It opens with last_event_id
// (the position the page last saw), keeps the newest id, drops any event
// whose seq it has already passed, and on resync hands over to the page to
// refetch the state. The pages render from their state, never from raw
// events: onEvent updates the state, the page re-renders.
//
// The wrapper reopens the stream itself (instead of leaving it to the
// browser) so that each reconnection carries a fresh token and the
// position, whatever made the server end the stream.

const retryMinMs = 500;
const retryMaxMs = 15000;

export class EventStream {
  // url(lastId, token) builds the stream URL; token() returns (or resolves
  // to) the current token; names lists the event names to
  // listen to; lastEventId is the starting position (null: from the server's
  // snapshot). onEvent(name, data, seq) gets each new event once;
  // onSnapshot(data) each initial_state; onResync(data) a resync (the page
  // refetches); onState("open"|"reconnecting"|"closed") the connection.
  constructor({ url, token, names, lastEventId = null, onEvent, onSnapshot, onResync, onState }) {
    this.url = url;
    this.token = token;
    this.names = names;
    this.lastId = lastEventId;
    this.onEvent = onEvent || (() => {});
    this.onSnapshot = onSnapshot || (() => {});
    this.onResync = onResync || (() => {});
    this.onState = onState || (() => {});
    this.source = null;
    this.retryMs = retryMinMs;
    this.timer = null;
    this.stopped = false;
  }

  start() {
    this.stopped = false;
    this.open();
    return this;
  }

  stop() {
    this.stopped = true;
    clearTimeout(this.timer);
    if (this.source) this.source.close();
    this.source = null;
    this.onState("closed");
  }

  async open() {
    if (this.source) this.source.close();
    this.source = null;
    let token;
    try {
      token = await this.token(); // may renew a token that is running out
    } catch {
      token = "";
    }
    if (this.stopped) return;
    if (this.source) this.source.close(); // another open() won the race
    const source = new EventSource(this.url(this.lastId, token));
    this.source = source;
    source.addEventListener("open", () => {
      this.retryMs = retryMinMs;
      this.onState("open");
    });
    source.addEventListener("error", () => {
      // Ended by the server (lifetime, token expiry, restart) or a network
      // failure: reopen from the newest position with a fresh token.
      source.close();
      if (this.source !== source || this.stopped) return;
      this.onState("reconnecting");
      clearTimeout(this.timer);
      this.timer = setTimeout(() => this.open(), this.retryMs);
      this.retryMs = Math.min(this.retryMs * 2, retryMaxMs);
    });
    source.addEventListener("initial_state", (e) => {
      const data = parse(e.data);
      if (!data) return;
      // Without a position, the snapshot's is where the stream starts.
      if (this.lastId === null && typeof data.last_event_id === "number") this.lastId = data.last_event_id;
      this.onSnapshot(data);
    });
    source.addEventListener("resync", (e) => {
      const data = parse(e.data);
      if (!data) return;
      // History no longer reaches our position: start over from the new one
      // (it may be lower, after history was lost) and let the page refetch.
      this.lastId = typeof data.last_event_id === "number" ? data.last_event_id : Number(e.lastEventId) || 0;
      this.onResync(data);
    });
    for (const name of this.names) {
      source.addEventListener(name, (e) => this.deliver(name, e));
    }
  }

  deliver(name, e) {
    const data = parse(e.data);
    if (!data) return;
    const seq = typeof data.seq === "number" ? data.seq : Number(e.lastEventId);
    if (!Number.isFinite(seq)) return;
    if (this.lastId !== null && seq <= this.lastId) return; // already seen
    this.lastId = seq;
    this.onEvent(name, data, seq);
  }
}

function parse(text) {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}
