// `chat-memory`: memory of the chat service and the moderation worker with 500 sockets connected
// and in a room, and then along 100k messages through the full path (chat:send → PostgreSQL +
// outbox → BullMQ → screening → events → chat → room), sampled at each eighth, so the report can
// say whether growth is bounded. Each sample reads resident memory (VmRSS) and then, through the
// inspector, the live heap right after a full garbage collection: RSS keeps pages V8 and the
// allocator hold for reuse, so only the heap after GC tells a leak from a high-water mark.
// The 500 sockets stay connected for the whole run but leave the room before the messages, which
// go to a few receivers: 100k messages into 500 sockets would be 50M deliveries, and the question
// here is what the pipeline keeps. There is no baseline process: the "baseline" column is the
// reading before the messages.
const { randomUUID } = require('node:crypto');
const lib = require('./lib');
const { community } = require('./community');
const { seedReceivers, room } = require('./chat-clients');
const { withChatStack } = require('./chat-fanout.bench');

const SIZES = {
  small: { sockets: 500, senders: 8, receivers: 4, messages: 10_000 },
  full: { sockets: 500, senders: 8, receivers: 4, messages: 100_000 },
};
/** Messages a sender may have sent and not yet seen delivered: keeps the queue short, so what grows is what the processes keep. */
const IN_FLIGHT_PER_SENDER = 25;
const STALL_MS = 60_000;

async function run({ size = 'small', log = () => {} } = {}) {
  const { sockets: socketCount, senders: senderCount, receivers: receiverCount, messages } = SIZES[size] ?? SIZES.small;
  await lib.prepareDatabase();
  await lib.clearRedis();

  return withChatStack({ inspect: true }, async ({ chat, worker, forumUrl, chatUrl, healthy, client, open }) => {
    await healthy();
    const made = await community(forumUrl, senderCount);
    const idle = await seedReceivers(client, made.groupId, socketCount);
    const readers = await seedReceivers(client, made.groupId, receiverCount);
    const idleSockets = await room(chatUrl, idle, made.groupId);
    open.push(...idleSockets);
    const senders = await room(chatUrl, made.members, made.groupId);
    const receivers = await room(chatUrl, readers, made.groupId);
    open.push(...senders, ...receivers);
    await lib.sleep(2000);
    /** RSS first (what the process holds now), then the heap after a full GC. */
    const sample = async (at) => {
      const rss = { chat: chat.rss(), worker: worker.rss() };
      const [chatHeap, workerHeap] = await Promise.all([chat.heapAfterGc(), worker.heapAfterGc()]);
      return { at, ...rss, chatHeap: chatHeap.heap, workerHeap: workerHeap.heap, chatExternal: chatHeap.external, workerExternal: workerHeap.external };
    };
    const describeSample = (s) => `chat ${s.chat} MB RSS, heap ${s.chatHeap} MB after GC; worker ${s.worker} MB RSS, heap ${s.workerHeap} MB after GC`;
    const samples = [await sample(0)];
    log(`  ${socketCount} sockets in the room: ${describeSample(samples[0])}`);
    await Promise.all(idleSockets.map((s) => s.timeout(20_000).emitWithAck('chat:leave', { groupId: made.groupId })));

    // Every receiver must get every message; the slowest receiver's count paces the senders.
    const seen = receivers.map(() => 0);
    const ours = new Set();
    receivers.forEach((socket, r) =>
      socket.on('chat:message', (m) => {
        if (ours.has(m.clientMsgId)) seen[r] += 1;
      }),
    );
    const delivered = () => Math.min(...seen);
    const random = lib.prng(11);
    const step = messages / 8;
    let sent = 0;
    let nextSample = step;
    let sampling = null;
    let progressAt = Date.now();
    let lastDelivered = 0;
    const started = Date.now();
    const cpu0 = chat.cpu() + worker.cpu();
    const sampler = setInterval(() => {
      const d = delivered();
      if (d !== lastDelivered) {
        lastDelivered = d;
        progressAt = Date.now();
      }
      if (sampling || d < nextSample || nextSample > messages) return;
      const at = nextSample;
      nextSample += step;
      sampling = sample(at)
        .then((s) => {
          samples.push(s);
          log(`  ${at} messages delivered (${((Date.now() - started) / 1000).toFixed(0)} s): ${describeSample(s)}`);
          // A full GC pauses the process: that is not a stall.
          progressAt = Date.now();
        })
        .finally(() => (sampling = null));
    }, 50);
    try {
      await Promise.all(
        senders.map(async (socket) => {
          while (sent < messages) {
            if (sent - delivered() >= IN_FLIGHT_PER_SENDER * senderCount) {
              if (Date.now() - progressAt > STALL_MS) throw new Error(`no delivery for ${STALL_MS} ms at ${delivered()} of ${messages}`);
              await lib.sleep(5);
              continue;
            }
            sent += 1;
            const clientMsgId = randomUUID();
            ours.add(clientMsgId);
            const ack = await socket.timeout(20_000).emitWithAck('chat:send', { groupId: made.groupId, body: lib.ordinaryText(random, 160), clientMsgId });
            if (!ack.ok) throw new Error(`send refused: ${JSON.stringify(ack.error)}`);
          }
        }),
      );
      while (delivered() < messages) {
        if (Date.now() - progressAt > STALL_MS) throw new Error(`no delivery for ${STALL_MS} ms at ${delivered()} of ${messages}`);
        await lib.sleep(50);
      }
      await lib.sleep(100);
      while (sampling || samples.at(-1).at < messages) await (sampling ?? lib.sleep(50));
    } finally {
      clearInterval(sampler);
      await sampling;
    }
    const seconds = (Date.now() - started) / 1000;
    const cpuMs = lib.cpuMsPer(chat.cpu() + worker.cpu() - cpu0, messages);
    const first = samples[0];
    const last = samples.at(-1);
    const half = samples.find((s) => s.at >= messages / 2) ?? last;
    const along = (key) => samples.map((s) => `${s.at === 0 ? 'start' : `${s.at / 1000}k`} ${s[key]}`).join(', ');
    const shape =
      `${socketCount} idle sockets connected throughout; ${messages / 1000}k messages from ${senderCount} senders to ${receiverCount} receivers ` +
      `(at most ${IN_FLIGHT_PER_SENDER * senderCount} in flight) in ${Math.round(seconds)} s (${Math.round(messages / seconds)} msgs/s)` +
      (size === 'small' ? ` — small size: ${messages / 1000}k, not the issue's 100k` : '') +
      '; one sample, no repeats';
    const grew = (key) => `first half grew ${lib.round(half[key] - first[key], 1)} MB, second half ${lib.round(last[key] - half[key], 1)} MB`;
    const memoryRow = (name, key, proc, unit, what, also = '') =>
      lib.row({
        name,
        ours: last[key],
        baseline: first[key],
        unit,
        target: null,
        higherIsBetter: false,
        notes: `ours = after ${messages / 1000}k messages, baseline = at ${socketCount} sockets before them; ${what} along the way (MB): ${along(key)}; ${grew(key)}${also}; ${shape}`,
        rss: unit === 'MB RSS' ? { [`${proc} at ${socketCount} sockets`]: first[key], [`${proc} after ${messages / 1000}k messages`]: last[key] } : undefined,
      });
    const rows = [
      memoryRow('chat-memory chat', 'chat', 'chat', 'MB RSS', 'RSS'),
      memoryRow(
        'chat-memory chat heap',
        'chatHeap',
        'chat',
        'MB heap after GC',
        'heap after a full GC',
        `; buffers outside the heap (MB): ${along('chatExternal')}`,
      ),
      memoryRow('chat-memory worker', 'worker', 'moderation-worker', 'MB RSS', 'RSS'),
      memoryRow(
        'chat-memory worker heap',
        'workerHeap',
        'moderation-worker',
        'MB heap after GC',
        'heap after a full GC',
        `; buffers outside the heap (MB): ${along('workerExternal')}`,
      ),
    ];
    rows[0].oursCpuPerUnit = lib.round(cpuMs);
    return rows;
  });
}

module.exports = { run };
