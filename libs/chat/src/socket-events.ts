import type { ReviewItemView } from '@kindred/moderation';
import { NOTIFICATION_KINDS, type NoticeView, type NotificationView } from '@kindred/notifications';
import type { ChatMessageView, SendAccepted } from './chat.types';

/**
 * The chat service's socket.io contract: every client→server event with its payload and ack, and
 * every server→client event with its payload, each as a JSON Schema. The gateway's socket.io
 * server is typed from this catalogue (ClientToServerEvents, ServerToClientEvents), so an emit or
 * an ack that strays from it does not compile; docs/asyncapi.yaml is generated from it
 * (`npm run openapi`, checked by `npm run contract:check`).
 */

// ---- JSON Schema, and the TypeScript type a schema describes (the subset used here) ----

type Primitive<T> = T extends 'string' ? string : T extends 'integer' | 'number' ? number : T extends 'boolean' ? boolean : T extends 'null' ? null : never;
type Simplify<T> = { [K in keyof T]: T[K] } & {};
type RequiredKeys<S> = S extends { readonly required: readonly (infer R)[] } ? R : never;
type ObjectOf<S> = S extends { readonly properties: infer P }
  ? Simplify<
      { -readonly [K in keyof P as K extends RequiredKeys<S> ? K : never]: FromSchema<P[K]> } & {
        -readonly [K in keyof P as K extends RequiredKeys<S> ? never : K]?: FromSchema<P[K]>;
      }
    > &
      (S extends { readonly additionalProperties: true } ? { [extra: string]: unknown } : unknown)
  : Record<string, unknown>;

/** The type of the values a schema accepts. Objects are closed unless they say `additionalProperties: true`. */
export type FromSchema<S> = S extends { readonly oneOf: readonly unknown[] }
  ? FromSchema<S['oneOf'][number]>
  : S extends { readonly const: infer C }
    ? C
    : S extends { readonly enum: readonly unknown[] }
      ? S['enum'][number]
      : S extends { readonly type: 'object' }
        ? ObjectOf<S>
        : S extends { readonly type: 'array'; readonly items: infer I }
          ? FromSchema<I>[]
          : S extends { readonly type: infer T }
            ? T extends readonly unknown[]
              ? Primitive<T[number]>
              : Primitive<T>
            : unknown;

/** A service type as it reaches a client through JSON: dates become ISO-8601 strings. */
type Json<T> = T extends Date ? string : T extends Array<infer E> ? Array<Json<E>> : T extends object ? { [K in keyof T]: Json<T[K]> } : T;
/** A schema describes a type when what it accepts fits the type and both have the same fields. */
type Describes<Schema, Actual> = [Schema] extends [Actual]
  ? [keyof Schema] extends [keyof Actual]
    ? [keyof Actual] extends [keyof Schema]
      ? true
      : false
    : false
  : false;

// ---- Schemas ----

const id = { type: 'string', format: 'uuid' } as const;
const dateTime = { type: 'string', format: 'date-time' } as const;
const groupId = { ...id, description: 'The group.' } as const;

export const AUTHOR = {
  type: 'object',
  required: ['id', 'displayName'],
  properties: {
    id: { type: ['string', 'null'], format: 'uuid', description: 'null once the author has erased their account.' },
    displayName: { type: 'string' },
  },
} as const;

export const CHAT_MESSAGE = {
  type: 'object',
  description: 'A published chat message.',
  required: ['id', 'groupId', 'author', 'body', 'createdAt', 'clientMsgId'],
  properties: {
    id,
    groupId,
    author: AUTHOR,
    body: { type: 'string' },
    createdAt: dateTime,
    clientMsgId: { type: ['string', 'null'], description: 'The sender’s idempotency key, so it can match its optimistic copy.' },
    status: {
      type: 'string',
      enum: ['screening', 'held', 'rejected'],
      description:
        'Only on the author’s own messages that the room has not seen, in their own history: being checked, held for a supporter, or not sent. Nobody else ever receives these.',
    },
  },
} as const;

const REASON_SOURCES = [
  'rule',
  'crisis',
  'personal-data',
  'medical-advice',
  'link',
  'first-posts',
  'out-of-coverage',
  'pre-moderation',
  'reports',
  'appeal',
  'escalation',
  'supporter',
] as const;

export const REVIEW_REASON = {
  type: 'object',
  required: ['source', 'detail'],
  properties: { source: { type: 'string', enum: REASON_SOURCES }, detail: { type: 'string' }, clauseKey: { type: 'string' } },
} as const;

const nullableId = { type: ['string', 'null'], format: 'uuid' } as const;
const sanctionKind = { enum: ['warn', 'mute', 'ban', null] } as const;

export const REVIEW_ITEM = {
  type: 'object',
  description: 'A review item, as `GET /groups/{groupId}/review-items` lists it.',
  required: [
    'id',
    'kind',
    'subject',
    'reasons',
    'priority',
    'audience',
    'status',
    'createdAt',
    'dueAt',
    'overdue',
    'claimedBy',
    'decidedBy',
    'decidedAt',
    'suggestedSanction',
    'authorHistory',
    'subjectChange',
    'sanctionsAllowed',
  ],
  properties: {
    id,
    kind: { type: 'string', enum: ['post', 'message', 'conversation-message', 'report', 'appeal'] },
    subject: {
      oneOf: [
        { type: 'null' },
        {
          type: 'object',
          required: ['type', 'id', 'body', 'author', 'groupId', 'status'],
          properties: {
            type: { type: 'string', enum: ['post', 'message', 'conversation-message'] },
            id,
            body: { type: 'string' },
            author: {
              oneOf: [{ type: 'null' }, { type: 'object', required: ['id', 'displayName'], properties: { id, displayName: { type: 'string' } } }],
            },
            groupId,
            topicId: id,
            status: { type: 'string' },
            appeal: {
              type: 'object',
              required: ['noticeId', 'text', 'originalDecidedBy'],
              properties: { noticeId: id, text: { type: 'string' }, originalDecidedBy: nullableId, originalReviewItemId: nullableId },
            },
          },
        },
      ],
    },
    reasons: { type: 'array', items: REVIEW_REASON },
    priority: { type: 'string', enum: ['urgent', 'normal'] },
    audience: { type: 'string', enum: ['supporters', 'admins'] },
    status: { type: 'string', enum: ['open', 'decided', 'superseded'] },
    createdAt: dateTime,
    dueAt: dateTime,
    overdue: { type: 'boolean' },
    claimedBy: nullableId,
    decidedBy: nullableId,
    decidedAt: { type: ['string', 'null'], format: 'date-time' },
    suggestedSanction: sanctionKind,
    authorHistory: {
      type: 'array',
      items: {
        type: 'object',
        required: ['clauseKey', 'count', 'lastSanction'],
        properties: { clauseKey: { type: 'string' }, count: { type: 'integer' }, lastSanction: sanctionKind },
      },
    },
    subjectChange: { enum: ['edited', 'deleted', 'erased', null] },
    sanctionsAllowed: { type: 'boolean' },
  },
} as const;

export const SIGNPOST_RESOURCE = {
  type: 'object',
  required: ['id', 'kind', 'title', 'description'],
  properties: {
    id,
    kind: { type: 'string', enum: ['crisis', 'clinical', 'peer', 'information'] },
    title: { type: 'string' },
    description: { type: 'string' },
    phone: { type: 'string' },
    sms: { type: 'string' },
    url: { type: 'string' },
    hours: { type: 'string' },
  },
} as const;

export const NOTIFICATION = {
  type: 'object',
  description: 'A notification to one member, as `GET /me/notifications` lists it.',
  required: ['id', 'kind', 'groupId', 'subjectId', 'title', 'createdAt', 'readAt'],
  properties: {
    id,
    kind: { type: 'string', enum: [...NOTIFICATION_KINDS] },
    groupId: nullableId,
    subjectId: nullableId,
    title: { type: 'string' },
    createdAt: dateTime,
    readAt: { type: ['string', 'null'], format: 'date-time' },
  },
  additionalProperties: false,
} as const;

export const NOTICE = {
  type: 'object',
  description: 'A notice to one member, as `GET /me/notices` lists it.',
  required: ['id', 'kind', 'groupId', 'subjectId', 'clauseKey', 'message', 'createdAt', 'appealable', 'until', 'quote'],
  properties: {
    id,
    kind: {
      type: 'string',
      enum: [
        'removal',
        'rejection',
        'warning',
        'mute',
        'ban',
        'signposting',
        'application',
        'appeal',
        'mentoring',
        'check-in',
        'questionnaire',
        'report-outcome',
      ],
    },
    groupId: nullableId,
    subjectId: nullableId,
    clauseKey: { type: ['string', 'null'] },
    message: { type: 'string' },
    resources: { type: 'array', items: SIGNPOST_RESOURCE },
    createdAt: dateTime,
    appealable: { type: 'boolean' },
    until: { type: ['string', 'null'], format: 'date-time', description: 'When the mute the notice tells of ends.' },
    quote: { type: ['string', 'null'], description: 'The recipient’s own words the notice is about.' },
  },
} as const;

export const ERROR_ACK = {
  type: 'object',
  description: 'Any event that fails: `code` as in the HTTP problem codes (VALIDATION_FAILED, NOT_A_MEMBER, MUTED, RATE_LIMITED, …).',
  required: ['ok', 'error'],
  properties: {
    ok: { const: false },
    error: {
      type: 'object',
      required: ['code', 'message'],
      additionalProperties: true,
      properties: {
        code: { type: 'string', examples: ['NOT_A_MEMBER'] },
        message: { type: 'string' },
        until: { type: 'string', format: 'date-time', description: 'MUTED: when the mute ends.' },
        version: { type: 'integer', description: 'AGREEMENT_REQUIRED: the version to accept.' },
        retryAfter: { type: 'integer', description: 'RATE_LIMITED: seconds to wait.' },
        retryAfterSeconds: { type: 'integer', description: 'SERVICE_UNAVAILABLE: seconds to wait.' },
      },
    },
  },
} as const;

const OK = { type: 'object', required: ['ok'], properties: { ok: { const: true } } } as const;
const FORUM_CHANGE = {
  type: 'object',
  required: ['groupId', 'topicId', 'postId', 'opening'],
  properties: { groupId, topicId: id, postId: id, opening: { type: 'boolean', description: 'The post opens its topic.' } },
} as const;
const groupOnly = { type: 'object', required: ['groupId'], additionalProperties: false, properties: { groupId } } as const;

/** Schemas the AsyncAPI document names in components/schemas rather than repeating. */
export const NAMED_SCHEMAS = {
  Author: AUTHOR,
  ChatMessage: CHAT_MESSAGE,
  ReviewReason: REVIEW_REASON,
  ReviewItem: REVIEW_ITEM,
  SignpostResource: SIGNPOST_RESOURCE,
  Notice: NOTICE,
  ErrorAck: ERROR_ACK,
} as const;

// ---- The catalogue ----

interface ClientEvent {
  summary: string;
  payload: object;
  /** The ack on success; any event can instead be acked with ERROR_ACK. */
  ack: object;
}
interface ServerEvent {
  summary: string;
  /** Who receives it. */
  to: string;
  payload: object;
}

export const CLIENT_EVENTS = {
  'chat:join': {
    summary:
      'Join a group’s chat room. The ack brings the latest 50 messages, or with `after` (a message id) everything published since it, up to 500, oldest first: how a reconnecting client catches up.',
    payload: {
      type: 'object',
      required: ['groupId'],
      additionalProperties: false,
      properties: { groupId, after: { ...nullableId, description: 'The last message the client has.' } },
    },
    ack: { type: 'object', required: ['ok', 'history'], properties: { ok: { const: true }, history: { type: 'array', items: CHAT_MESSAGE } } },
  },
  'chat:leave': {
    summary: 'Leave a group’s chat room.',
    payload: groupOnly,
    ack: OK,
  },
  'chat:send': {
    summary:
      'Send a message. It is screened first: the room gets `chat:message` once it passes; the author alone gets `chat:held` or `chat:rejected` otherwise.',
    payload: {
      type: 'object',
      required: ['groupId', 'body', 'clientMsgId'],
      additionalProperties: false,
      properties: {
        groupId,
        body: { type: 'string' },
        clientMsgId: { type: 'string', minLength: 1, maxLength: 100, description: 'The client’s idempotency key: sending it again does not post twice.' },
      },
    },
    ack: { type: 'object', required: ['ok', 'id', 'status'], properties: { ok: { const: true }, id, status: { type: 'string', enum: ['screening'] } } },
  },
  'forum:join': {
    summary:
      'Follow a group’s forum live (topic lists, open threads): the socket joins the group’s forum channel once the caller is checked as a member who has accepted the current agreement (a muted member still reads). Refused like `chat:join` otherwise.',
    payload: groupOnly,
    ack: OK,
  },
  'forum:leave': {
    summary: 'Stop following a group’s forum.',
    payload: groupOnly,
    ack: OK,
  },
  'chat:typing': {
    summary: 'Say the member is typing; the rest of the room hears at most one of these per member every 2 seconds.',
    payload: groupOnly,
    ack: OK,
  },
} as const satisfies Record<string, ClientEvent>;

const reviewItemEvent = (summary: string) =>
  ({
    summary,
    to: 'The group’s supporters and the admins (admins only when the item is about a supporter’s words), once they have a confirmed second factor.',
    payload: REVIEW_ITEM,
  }) as const;

export const SERVER_EVENTS = {
  'chat:message': { summary: 'A message passed screening.', to: 'Everyone in the group’s room.', payload: CHAT_MESSAGE },
  'chat:held': {
    summary: 'The author’s message is held for a person to review.',
    to: 'The author only.',
    payload: {
      type: 'object',
      required: ['id', 'groupId', 'clientMsgId', 'reasons'],
      properties: {
        id,
        groupId,
        clientMsgId: { type: ['string', 'null'] },
        reasons: {
          type: 'array',
          items: {
            type: 'object',
            required: ['source', 'detail'],
            properties: { source: { type: 'string' }, detail: { type: 'string' }, clauseKey: { type: 'string' } },
          },
        },
      },
    },
  },
  'chat:rejected': {
    summary: 'The author’s message was refused, with the reason.',
    to: 'The author only.',
    payload: {
      type: 'object',
      required: ['id', 'groupId', 'clientMsgId', 'clauseKey', 'message'],
      properties: { id, groupId, clientMsgId: { type: ['string', 'null'] }, clauseKey: { type: ['string', 'null'] }, message: { type: 'string' } },
    },
  },
  'chat:removed': {
    summary: 'A moderator removed a message.',
    to: 'The group’s room.',
    payload: { type: 'object', required: ['id', 'groupId'], properties: { id, groupId } },
  },
  'chat:typing': {
    summary: 'Someone in the room is typing.',
    to: 'The room, except the typist.',
    payload: {
      type: 'object',
      required: ['groupId', 'user'],
      properties: { groupId, user: { type: 'object', required: ['id', 'displayName'], properties: { id, displayName: { type: 'string' } } } },
    },
  },
  'chat:presence': {
    summary:
      'Who is in the group’s chat room now (the whole list, each time someone comes or goes). Members who turned “show me as online” off are never in it.',
    to: 'The group’s room.',
    payload: {
      type: 'object',
      required: ['groupId', 'online'],
      properties: {
        groupId,
        online: { type: 'array', items: { type: 'object', required: ['id', 'displayName'], properties: { id, displayName: { type: 'string' } } } },
      },
    },
  },
  'chat:access-ended': {
    summary: 'This socket left the group’s room because the member may no longer read it; the reason says why.',
    to: 'One socket.',
    payload: {
      type: 'object',
      required: ['groupId', 'reason'],
      properties: {
        groupId,
        reason: { type: 'string', enum: ['session-expired', 'session-ended', 'membership-ended', 'banned', 'agreement-required'] },
        version: { type: 'integer', description: 'With `agreement-required`: the agreement version to accept.' },
      },
    },
  },
  'chat:muted': {
    summary: 'The member is muted in the group: they can still read, but not write, react or type.',
    to: 'The member’s sockets in the group’s room.',
    payload: { type: 'object', required: ['groupId', 'until'], properties: { groupId, until: dateTime } },
  },
  'chat:unmuted': {
    summary: 'A mute was lifted before its end.',
    to: 'The member’s sockets in the group’s room.',
    payload: { type: 'object', required: ['groupId'], properties: { groupId } },
  },
  'auth:session-ended': {
    summary: 'The session ended (ran out, was ended, or the account was erased); the server disconnects the socket next.',
    to: 'One socket.',
    payload: {
      type: 'object',
      required: ['reason'],
      properties: { reason: { type: 'string', enum: ['session-expired', 'session-ended', 'account-erased'] } },
    },
  },
  'forum:post': {
    summary:
      'A post was published in the group’s forum (a reply, or with `opening` a new topic). Ids only: the client reads the post over HTTP, where what the reader may see is checked.',
    to: 'Sockets following the group’s forum (`forum:join`): its members and staff.',
    payload: FORUM_CHANGE,
  },
  'forum:post-removed': {
    summary: 'A supporter removed a published post: open threads take it out of sight.',
    to: 'Sockets following the group’s forum.',
    payload: FORUM_CHANGE,
  },
  'forum:mine': {
    summary: 'One of the member’s own posts changed status (published, held for a supporter, not published, removed): their own screens follow it.',
    to: 'The author only.',
    payload: {
      type: 'object',
      required: ['groupId', 'topicId', 'postId', 'opening', 'status'],
      properties: { ...FORUM_CHANGE.properties, status: { type: 'string', enum: ['published', 'held', 'rejected', 'removed'] } },
    },
  },
  notice: { summary: 'A notice was written for this member.', to: 'One member.', payload: NOTICE },
  notification: {
    summary: 'A notification was written for this member (or a batched one grew): the unread count goes up by one.',
    to: 'One member.',
    payload: NOTIFICATION,
  },
  'review:new': reviewItemEvent('A new item is in the review queue.'),
  'review:updated': reviewItemEvent('A review item changed (claimed, decided, more reasons).'),
  'review:overdue': reviewItemEvent('A review item passed its deadline.'),
} as const satisfies Record<string, ServerEvent>;

export type ClientEventName = keyof typeof CLIENT_EVENTS;
export type ServerEventName = keyof typeof SERVER_EVENTS;
export type ClientPayload<E extends ClientEventName> = FromSchema<(typeof CLIENT_EVENTS)[E]['payload']>;
export type ErrorAck = FromSchema<typeof ERROR_ACK>;
export type SuccessAck<E extends ClientEventName> = FromSchema<(typeof CLIENT_EVENTS)[E]['ack']>;
export type SocketAck<E extends ClientEventName> = SuccessAck<E> | ErrorAck;
export type ServerPayload<E extends ServerEventName> = FromSchema<(typeof SERVER_EVENTS)[E]['payload']>;

/** For a typed socket.io Server and Socket: what clients send, with their ack callbacks. */
export type ClientToServerEvents = { [E in ClientEventName]: (payload: ClientPayload<E>, ack: (answer: SocketAck<E>) => void) => void };
/** For a typed socket.io Server and Socket: what the server emits. */
export type ServerToClientEvents = { [E in ServerEventName]: (payload: ServerPayload<E>) => void };

// The services' own types: a schema that drifts from them fails to compile here.
export const SCHEMAS_MATCH_SERVICES: {
  chatMessage: Describes<FromSchema<typeof CHAT_MESSAGE>, ChatMessageView>;
  sendAccepted: Describes<Omit<SuccessAck<'chat:send'>, 'ok'>, SendAccepted>;
  reviewItem: Describes<FromSchema<typeof REVIEW_ITEM>, Json<ReviewItemView>>;
  notice: Describes<FromSchema<typeof NOTICE>, Json<NoticeView>>;
  notification: Describes<FromSchema<typeof NOTIFICATION>, Json<NotificationView>>;
} = { chatMessage: true, sendAccepted: true, reviewItem: true, notice: true, notification: true };
