/** Shapes of what clients send over the socket: checked here, before anything else runs. */

export interface JoinPayload {
  groupId: string;
  after?: string;
}
export interface GroupPayload {
  groupId: string;
}
export interface SendPayload {
  groupId: string;
  body: string;
  clientMsgId: string;
}

export type Parsed<T> = { ok: true; value: T } | { ok: false; message: string };

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** Generous, but bounded: a clientMsgId is an idempotency key, not content. */
const CLIENT_MSG_ID_MAX = 100;

function shape(payload: unknown, allowed: string[]): Parsed<Record<string, unknown>> {
  if (typeof payload !== 'object' || payload === null || Array.isArray(payload)) return { ok: false, message: 'the payload must be an object' };
  const unknown = Object.keys(payload).filter((k) => !allowed.includes(k));
  if (unknown.length > 0) return { ok: false, message: `${unknown[0]} is not a recognised property` };
  return { ok: true, value: payload as Record<string, unknown> };
}

function uuid(value: unknown, field: string): string | null {
  return typeof value === 'string' && UUID.test(value) ? null : `${field} must be an id`;
}

export function parseJoin(payload: unknown): Parsed<JoinPayload> {
  const p = shape(payload, ['groupId', 'after']);
  if (!p.ok) return p;
  const problem = uuid(p.value.groupId, 'groupId') ?? (p.value.after === undefined || p.value.after === null ? null : uuid(p.value.after, 'after'));
  if (problem) return { ok: false, message: problem };
  const value: JoinPayload = { groupId: p.value.groupId as string };
  if (typeof p.value.after === 'string') value.after = p.value.after;
  return { ok: true, value };
}

export function parseGroup(payload: unknown): Parsed<GroupPayload> {
  const p = shape(payload, ['groupId']);
  if (!p.ok) return p;
  const problem = uuid(p.value.groupId, 'groupId');
  return problem ? { ok: false, message: problem } : { ok: true, value: { groupId: p.value.groupId as string } };
}

export function parseSend(payload: unknown): Parsed<SendPayload> {
  const p = shape(payload, ['groupId', 'body', 'clientMsgId']);
  if (!p.ok) return p;
  const { groupId, body, clientMsgId } = p.value;
  const problem =
    uuid(groupId, 'groupId') ??
    (typeof body === 'string' ? null : 'body must be text') ??
    (typeof clientMsgId === 'string' && clientMsgId.length >= 1 && clientMsgId.length <= CLIENT_MSG_ID_MAX
      ? null
      : `clientMsgId must be text of 1 to ${CLIENT_MSG_ID_MAX} characters`);
  if (problem) return { ok: false, message: problem };
  return { ok: true, value: { groupId: groupId as string, body: body as string, clientMsgId: clientMsgId as string } };
}
