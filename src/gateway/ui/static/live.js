// The live event stream, GET /api/events, authenticated by the session cookie. A burst of events
// (a reload of many plugins, a plugin denied in a loop) reaches the page as one call. While the
// server is away the browser reconnects by itself, at its own pace; a stream the server refuses
// (the session ended) is not retried by the browser, so it is retried here after a growing pause.

/** How long a burst of events is gathered before the page hears of it, in ms. */
const SETTLE_MS = 200;
/** The longest a steady stream of events can hold the page back, in ms. */
const MAX_WAIT_MS = 1_000;
/** Pauses before opening a refused stream again. */
const RETRY_MS = [5_000, 15_000, 60_000];

/**
 * Opens the stream and returns a function that closes it. `on.changed()` runs once per burst of
 * `plugin` and `tools-changed` events, and after a reconnect (events may have been missed);
 * `on.denied(records)` once per burst of `denied` events; `on.connection(up)` when the stream
 * opens or drops; `on.refused()` when the server answered with an error instead of a stream.
 */
export function openEvents(on) {
  const changed = settled(() => on.changed());
  const denied = settled((records) => on.denied(records));
  let source;
  let retry;
  let refusals = 0;
  let dropped = false;
  const open = () => {
    source = new EventSource('/api/events');
    source.addEventListener('open', () => {
      refusals = 0;
      on.connection(true);
      if (dropped) changed();
      dropped = false;
    });
    source.addEventListener('plugin', () => changed());
    source.addEventListener('tools-changed', () => changed());
    source.addEventListener('denied', (e) => denied(parse(e.data)));
    source.addEventListener('error', () => {
      dropped = true;
      on.connection(false);
      if (source.readyState !== EventSource.CLOSED) return; // the browser tries again
      retry = setTimeout(open, RETRY_MS[Math.min(refusals++, RETRY_MS.length - 1)]);
      on.refused();
    });
  };
  open();
  return () => {
    clearTimeout(retry);
    changed.cancel();
    denied.cancel();
    source.close();
  };
}

function parse(data) {
  try {
    return JSON.parse(data);
  } catch {
    return undefined;
  }
}

/**
 * `fn`, called SETTLE_MS after the last call of a burst (at most MAX_WAIT_MS after its first)
 * with the burst's arguments as a list; `cancel()` drops a pending call.
 */
function settled(fn) {
  let timer;
  let first = 0;
  let items = [];
  const fire = () => {
    const burst = items;
    items = [];
    first = 0;
    fn(burst);
  };
  const call = (item) => {
    if (item !== undefined) items.push(item);
    first ||= Date.now();
    clearTimeout(timer);
    timer = setTimeout(fire, Math.min(SETTLE_MS, first + MAX_WAIT_MS - Date.now()));
  };
  call.cancel = () => {
    clearTimeout(timer);
    items = [];
    first = 0;
  };
  return call;
}
