// `chat-flood`: what one member's flood costs everyone else in the room. A few talkers send at a
// steady pace (spread over them so none comes near the per-person limit) and every delivery of their
// messages, at every receiver, is timed send→deliver. The baseline is that run with the room quiet;
// ours is the same run while one member floods the room as fast as a script can (refused sends are
// counted, never retried). Both run on the full path (chat:send → PostgreSQL + outbox → BullMQ →
// screening → events → chat → room) with the per-person limit at its default, alternating quiet and
// flooded. Target: the talkers' p95 under the flood stays within 2× of their p95 when the room is quiet.
const { randomUUID } = require('node:crypto');
const lib = require('./lib');
const { community } = require('./community');
const { seedReceivers, room, paced } = require('./chat-clients');
const { withChatStack } = require('./chat-fanout.bench');

/**
 * `rate` talker messages/s for `seconds`, shared by `talkers` people (each stays under the default
 * 10 messages per 10 s); the flooder sends `floodRate` a second (the flood is 300 in a
 * minute, 5 a second; this is four times harsher), starting `leadSeconds` before the talkers so the
 * limit is already refusing when the measured run begins.
 */
const SIZES = {
  small: { receivers: 50, talkers: 8, rate: 5, seconds: 12, floodRate: 20, leadSeconds: 1 },
  full: { receivers: 200, talkers: 8, rate: 5, seconds: 30, floodRate: 20, leadSeconds: 1 },
};
/** The chat limit's defaults (libs/config: CHAT_MESSAGES_PER_WINDOW, CHAT_RATE_WINDOW_SECONDS), set here so chatStack's raised limit does not apply. */
const LIMIT = { CHAT_MESSAGES_PER_WINDOW: '10', CHAT_RATE_WINDOW_SECONDS: '10' };

/**
 * Sends from `socket` at `rate` a second until `stop()` is called; each send is a new message. Every
 * acknowledgement is awaited before the result is returned, so a flood never runs on into the next
 * phase. An acknowledgement that never comes counts as `unanswered`.
 */
function flood(socket, groupId, rate, random) {
  let running = true;
  const acks = [];
  const done = (async () => {
    const start = performance.now();
    for (let i = 0; running; i++) {
      const wait = start + (i * 1000) / rate - performance.now();
      if (wait >= 1) await lib.sleep(wait);
      if (!running) break;
      acks.push(
        socket
          .timeout(30_000)
          .emitWithAck('chat:send', { groupId, body: lib.ordinaryText(random, 80), clientMsgId: randomUUID() })
          .catch(() => ({ ok: false, error: { code: 'NO_ACK' } })),
      );
    }
    const settled = await Promise.all(acks);
    return {
      sent: settled.length,
      accepted: settled.filter((a) => a.ok).length,
      limited: settled.filter((a) => a.error?.code === 'RATE_LIMITED').length,
      otherwise: settled.filter((a) => !a.ok && a.error?.code !== 'RATE_LIMITED').map((a) => a.error?.code),
    };
  })();
  return {
    stop() {
      running = false;
      return done;
    },
  };
}

async function run({ repeats = 3, size = 'small', log = () => {} } = {}) {
  const { receivers: receiverCount, talkers: talkerCount, rate, seconds, floodRate, leadSeconds } = SIZES[size] ?? SIZES.small;
  await lib.prepareDatabase();
  await lib.clearRedis();

  return withChatStack({ env: LIMIT }, async ({ chat, worker, forumUrl, chatUrl, healthy, client, open }) => {
    await healthy();
    log(`  ${receiverCount} receivers, ${talkerCount} talkers at ${rate} msgs/s for ${seconds} s; the flooder at ${floodRate} msgs/s`);
    const made = await community(forumUrl, talkerCount + 1);
    const [flooderPerson, ...talkerPeople] = made.members;
    const readers = await seedReceivers(client, made.groupId, receiverCount);
    const random = lib.prng(11);
    const talkers = await room(chatUrl, talkerPeople, made.groupId);
    const receivers = await room(chatUrl, readers, made.groupId);
    const [flooder] = await room(chatUrl, [flooderPerson], made.groupId);
    open.push(...talkers, ...receivers, flooder);

    const talk = async () => {
      const result = await paced({ senders: talkers, receivers, groupId: made.groupId, rate, seconds, random });
      // A talker refused would mean the limit caught the wrong person: the figures would not be about the flood.
      if (result.refused) throw new Error(`${result.refused} talker sends refused (${result.refusedCode})`);
      if (result.duplicates) throw new Error(`${result.duplicates} talker deliveries arrived twice`);
      return result;
    };
    const quiet = async () => {
      const result = await talk();
      await lib.sleep(500);
      return { p50: result.p50, p95: result.p95, p99: result.p99, deliveries: result.deliveries };
    };
    const flooded = async () => {
      const flooding = flood(flooder, made.groupId, floodRate, random);
      await lib.sleep(leadSeconds * 1000);
      const talked = await talk().then(
        (value) => ({ value }),
        (error) => ({ error }),
      );
      const sent = await flooding.stop();
      if (talked.error) throw talked.error;
      const result = talked.value;
      if (sent.otherwise.length) throw new Error(`${sent.otherwise.length} flood sends failed otherwise than by the limit (${sent.otherwise[0]})`);
      // Let the flood's accepted messages finish their way through before the quiet run measures.
      await lib.sleep(1000);
      return {
        p50: result.p50,
        p95: result.p95,
        p99: result.p99,
        deliveries: result.deliveries,
        floodSent: sent.sent,
        floodAccepted: sent.accepted,
        floodLimited: sent.limited,
      };
    };

    const { medianOf } = await lib.alternate(repeats, { log, warmup: true, baseline: quiet, ours: flooded });

    const ms = (v) => lib.round(v);
    return [
      lib.row({
        name: 'chat-flood',
        ours: medianOf('ours', 'p95'),
        baseline: medianOf('baseline', 'p95'),
        unit: 'ms talker send→deliver p95',
        target: 2,
        higherIsBetter: false,
        notes:
          `ours = the talkers under a flood, baseline = the same talkers in a quiet room (alternating, one uncounted round of each first); ` +
          `${talkerCount} talkers at ${rate} msgs/s for ${seconds} s into ${receiverCount} receivers (p95 of every delivery, median of the repeats), one chat instance, screening concurrency 10; ` +
          `the flooder at ${floodRate} msgs/s from ${leadSeconds} s before, limit ${LIMIT.CHAT_MESSAGES_PER_WINDOW} per ${LIMIT.CHAT_RATE_WINDOW_SECONDS} s (the default): ` +
          `per repeat (median) ${medianOf('ours', 'floodSent')} sent, ${medianOf('ours', 'floodAccepted')} accepted, ${medianOf('ours', 'floodLimited')} refused as RATE_LIMITED; ` +
          `p50 flooded ${ms(medianOf('ours', 'p50'))} ms, quiet ${ms(medianOf('baseline', 'p50'))} ms; p99 flooded ${ms(medianOf('ours', 'p99'))} ms, quiet ${ms(medianOf('baseline', 'p99'))} ms`,
        rss: { chat: chat.rss(), 'moderation-worker': worker.rss() },
      }),
    ];
  });
}

module.exports = { run };
