// Bare baseline for `chat-fanout`: a socket.io server with no auth, storage, screening or Redis,
// speaking the same events as Kindred's chat service. A send is acked at once and broadcast to
// the room, so the harness can drive both with the same client code.
const http = require('node:http');
const { randomUUID } = require('node:crypto');
const { Server } = require('socket.io');

const server = http.createServer((request, response) => {
  response.writeHead(request.url === '/health' ? 200 : 404, { 'content-type': 'application/json' });
  response.end('{"status":"ok"}');
});
const io = new Server(server, { maxHttpBufferSize: 64 * 1024, pingInterval: 20000, pingTimeout: 20000 });

io.on('connection', (socket) => {
  socket.on('chat:join', (payload, ack) => {
    socket.join(`group:${payload.groupId}`);
    if (typeof ack === 'function') ack({ ok: true, history: [] });
  });
  socket.on('chat:send', (payload, ack) => {
    const id = randomUUID();
    if (typeof ack === 'function') ack({ ok: true, id, status: 'screening' });
    io.to(`group:${payload.groupId}`).emit('chat:message', {
      id,
      groupId: payload.groupId,
      author: { id: socket.id, displayName: 'Bench sender' },
      body: payload.body,
      createdAt: new Date().toISOString(),
      clientMsgId: payload.clientMsgId,
    });
  });
});

server.listen(Number(process.env.PORT ?? 0), '127.0.0.1', () => process.stdout.write('ready\n'));
const stop = () => io.close(() => process.exit(0));
process.once('SIGTERM', stop);
process.once('SIGINT', stop);
