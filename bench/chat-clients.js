// The chat benchmarks' clients and measurements, shared by chat-fanout, chat-memory and cluster:
// members seeded with real sessions, their sockets joined to a room, and the two measured runs
// (a burst and a paced run) that count every delivery at every receiver with its send→deliver time.
// A message that does not reach every receiver fails the run; it is never averaged into a rate.
const { createHash, randomUUID } = require('node:crypto');
const { io } = require('socket.io-client');
const lib = require('./lib');

/** How long a run waits for its last delivery before it fails. */
const DELIVERY_TIMEOUT_MS = 180_000;
/** How long a send waits for its acknowledgement (persisted, not yet screened) before it counts as refused. */
const ACK_TIMEOUT_MS = 60_000;

/** Receivers are seeded in SQL (an API sign-up per socket would make set-up take minutes); their sessions are real. */
async function seedReceivers(client, groupId, count) {
  const { rows: version } = await client.query('SELECT max(version) AS v FROM agreement_versions WHERE group_id = $1', [groupId]);
  const tag = randomUUID().slice(0, 8);
  const people = Array.from({ length: count }, (_, i) => ({ token: randomUUID() + randomUUID(), name: `Bench reader ${tag} ${i}` }));
  const { rows: users } = await client.query(
    `INSERT INTO users (email, email_normalised, password_hash, display_name, display_name_normalised, display_name_skeleton, date_of_birth, email_verified_at)
     SELECT 'reader-' || $1 || '-' || g || '@example.org', 'reader-' || $1 || '-' || g || '@example.org', 'seeded: cannot sign in',
            'Bench reader ' || $1 || ' ' || g, 'bench reader ' || $1 || ' ' || g, 'bench reader ' || $1 || ' ' || g, '2000-05-17', now()
     FROM generate_series(0, $2 - 1) AS g RETURNING id, display_name`,
    [tag, count],
  );
  const byName = new Map(users.map((u) => [u.display_name, u.id]));
  for (const person of people) person.id = byName.get(person.name);
  const ids = people.map((p) => p.id);
  await client.query(`INSERT INTO memberships (user_id, group_id) SELECT unnest($1::uuid[]), $2`, [ids, groupId]);
  await client.query(`INSERT INTO agreement_acceptances (user_id, group_id, version) SELECT unnest($1::uuid[]), $2, $3`, [ids, groupId, version[0].v]);
  await client.query(`INSERT INTO sessions (user_id, token_hash, expires_at) SELECT unnest($1::uuid[]), unnest($2::text[]), now() + interval '1 day'`, [
    ids,
    people.map((p) => createHash('sha256').update(p.token, 'utf8').digest('hex')),
  ]);
  return people;
}

/**
 * One member's socket over the WebSocket transport (as the web app opens it). `cookie` is sent with
 * the upgrade request: behind HAProxy, its stickiness cookie (`kindred_chat=chat-2`) sends the socket
 * to that chat instance, as a browser that already holds the cookie is sent back to its instance.
 */
function connect(url, token, { cookie } = {}) {
  return new Promise((resolve, reject) => {
    const socket = io(url, {
      auth: { token },
      transports: ['websocket'],
      reconnection: false,
      forceNew: true,
      timeout: 20_000,
      ...(cookie ? { extraHeaders: { cookie } } : {}),
    });
    // Why a socket closed, for the error that reports it.
    socket.on('auth:session-ended', ({ reason }) => (socket.endedBecause = `session ended: ${reason}`));
    socket.on('disconnect', (reason, details) => {
      socket.closedBecause = [socket.endedBecause, reason, details?.description?.message ?? details?.message].filter(Boolean).join('; ');
    });
    socket.once('connect', () => resolve(socket));
    socket.once('connect_error', (error) => reject(new Error(`socket refused: ${error.message}`)));
  });
}

/**
 * Sends one message and waits for its acknowledgement. A send the server could not take for now
 * (SERVICE_UNAVAILABLE: PostgreSQL or Redis did not answer in time) is sent again with the same
 * clientMsgId (the server keeps one message per id, so a retry cannot double it); `ack.retries` says how
 * many times. An acknowledgement lost with its socket says why the socket closed.
 */
async function send(socket, payload, attempts = 10) {
  for (let retries = 0; ; retries++) {
    let ack;
    try {
      ack = await socket.timeout(ACK_TIMEOUT_MS).emitWithAck('chat:send', payload);
    } catch (error) {
      if (socket.closedBecause) error.message += ` (the sender's socket closed: ${socket.closedBecause})`;
      throw error;
    }
    if (ack.ok || ack.error?.code !== 'SERVICE_UNAVAILABLE' || retries + 1 >= attempts) return { ...ack, retries };
    await lib.sleep(250);
  }
}

/**
 * Every person's socket, connected and joined to the room, a batch at a time. `cookieFor(i)` gives
 * the i-th person's cookie (see `connect`).
 */
async function room(url, people, groupId, { cookieFor } = {}) {
  const sockets = [];
  for (let i = 0; i < people.length; i += 50) {
    const batch = await Promise.all(people.slice(i, i + 50).map((p, k) => connect(url, p.token, { cookie: cookieFor?.(i + k) })));
    const acks = await Promise.all(batch.map((s) => s.timeout(20_000).emitWithAck('chat:join', { groupId })));
    const refused = acks.find((a) => !a.ok);
    if (refused) throw new Error(`chat:join refused: ${JSON.stringify(refused)}`);
    sockets.push(...batch);
  }
  return sockets;
}

/**
 * Counts, at the receivers, deliveries of the messages sent in `sentAt` (clientMsgId → send time),
 * with each one's send→deliver time. A message a receiver gets twice counts once and is counted as
 * a duplicate; a socket that disconnects is counted too (it can receive nothing after). `expect(n)`
 * says how many make the run complete (unknown until then); `complete(timeoutMs)` resolves false if
 * they have not all arrived in that time.
 */
function deliveries(receivers, sentAt) {
  const latencies = [];
  let count = 0;
  let duplicates = 0;
  let disconnects = 0;
  let expected = Infinity;
  let finish;
  const done = new Promise((resolve) => (finish = () => resolve(true)));
  const handlers = receivers.map((socket) => {
    const seen = new Set();
    const onMessage = (m) => {
      const t0 = sentAt.get(m.clientMsgId);
      if (t0 === undefined) return;
      if (seen.has(m.clientMsgId)) {
        duplicates += 1;
        return;
      }
      seen.add(m.clientMsgId);
      latencies.push(performance.now() - t0);
      count += 1;
      if (count >= expected) finish();
    };
    const onDisconnect = () => (disconnects += 1);
    socket.on('chat:message', onMessage);
    socket.on('disconnect', onDisconnect);
    return { socket, onMessage, onDisconnect };
  });
  return {
    latencies,
    count: () => count,
    duplicates: () => duplicates,
    disconnects: () => disconnects,
    closedBecause: () => [...new Set(receivers.map((socket) => socket.closedBecause).filter(Boolean))].join(' | '),
    expect(n) {
      expected = n;
      if (count >= expected) finish();
    },
    complete: (timeoutMs) => Promise.race([done, lib.sleep(timeoutMs).then(() => false)]),
    stop: () =>
      handlers.forEach(({ socket, onMessage, onDisconnect }) => {
        socket.off('chat:message', onMessage);
        socket.off('disconnect', onDisconnect);
      }),
  };
}

function shortfall(seen, expected, timeoutMs) {
  const lost = expected - seen.count();
  const disconnected = seen.disconnects() ? `; ${seen.disconnects()} receiver socket(s) disconnected (${seen.closedBecause()})` : '';
  return new Error(`${lost} of ${expected} deliveries lost (not arrived after ${timeoutMs} ms)${disconnected}`);
}

/**
 * One measured burst: each sender sends its share one after another (the next once the previous is
 * acked); done when every receiver has every message. `partialOk` (warm-up only) reports a shortfall
 * instead of failing.
 */
async function burst({ senders, receivers, groupId, messages, random, timeoutMs = DELIVERY_TIMEOUT_MS, partialOk = false }) {
  const sentAt = new Map();
  const expected = messages * receivers.length;
  const seen = deliveries(receivers, sentAt);
  seen.expect(expected);
  const refusals = [];
  let retries = 0;
  const t0 = performance.now();
  try {
    await Promise.all(
      senders.map(async (socket, s) => {
        for (let i = s; i < messages; i += senders.length) {
          const clientMsgId = randomUUID();
          sentAt.set(clientMsgId, performance.now());
          const ack = await send(socket, { groupId, body: lib.ordinaryText(random, 160), clientMsgId });
          retries += ack.retries;
          if (!ack.ok) refusals.push(ack.error?.code);
        }
      }),
    );
    if (refusals.length) throw new Error(`${refusals.length} sends refused (${refusals[0]})`);
    if (!(await seen.complete(timeoutMs)) && !partialOk) throw shortfall(seen, expected, timeoutMs);
  } finally {
    seen.stop();
  }
  const seconds = (performance.now() - t0) / 1000;
  const latencies = seen.latencies.sort((a, b) => a - b);
  return {
    rate: seen.count() / seconds,
    p50: lib.percentile(latencies, 50),
    p99: lib.percentile(latencies, 99),
    deliveries: seen.count(),
    lost: expected - seen.count(),
    duplicates: seen.duplicates(),
    retries,
  };
}

/**
 * One measured paced run: `rate` messages a second for `seconds`, message i sent at start + i/rate by
 * sender i mod S without waiting for earlier acks (an open loop, so a slow server shows as latency
 * rather than as a slower send rate); done when every receiver has every message.
 */
async function paced({ senders, receivers, groupId, rate, seconds, random, timeoutMs = DELIVERY_TIMEOUT_MS }) {
  const count = Math.round(rate * seconds);
  const sentAt = new Map();
  let refused = [];
  const seen = deliveries(receivers, sentAt);
  const acks = [];
  const start = performance.now();
  let lateSends = 0;
  let expected = 0;
  let retries = 0;
  try {
    for (let i = 0; i < count; i++) {
      const due = start + (i * 1000) / rate;
      const wait = due - performance.now();
      if (wait >= 1) await lib.sleep(wait);
      else if (wait < -5) lateSends += 1;
      const clientMsgId = randomUUID();
      sentAt.set(clientMsgId, performance.now());
      acks.push(send(senders[i % senders.length], { groupId, body: lib.ordinaryText(random, 160), clientMsgId }));
    }
    // A refused send is counted and reported (the server gave up on it), not waited for.
    const settled = await Promise.all(acks.map((p) => p.catch((error) => ({ ok: false, error: { code: error.message } }))));
    refused = settled.filter((ack) => !ack.ok);
    retries = settled.reduce((sum, ack) => sum + (ack.retries ?? 0), 0);
    expected = (count - refused.length) * receivers.length;
    seen.expect(expected);
    if (!(await seen.complete(timeoutMs))) throw shortfall(seen, expected, timeoutMs);
  } finally {
    seen.stop();
  }
  const latencies = seen.latencies.sort((a, b) => a - b);
  return {
    p50: lib.percentile(latencies, 50),
    p95: lib.percentile(latencies, 95),
    p99: lib.percentile(latencies, 99),
    deliveries: seen.count(),
    lost: expected - seen.count(),
    duplicates: seen.duplicates(),
    lateSends,
    retries,
    refused: refused.length,
    refusedCode: refused[0]?.error?.code,
  };
}

module.exports = { DELIVERY_TIMEOUT_MS, ACK_TIMEOUT_MS, seedReceivers, connect, room, deliveries, burst, paced };
