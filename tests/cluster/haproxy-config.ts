import fs from 'node:fs';
import path from 'node:path';

const SHIPPED = path.resolve(__dirname, '..', '..', 'deploy', 'haproxy', 'haproxy.cfg');

/**
 * deploy/haproxy/haproxy.cfg as shipped, with only what differs on one machine replaced: the bind
 * addresses, and the server lines (ports on 127.0.0.1 instead of compose's service names, which
 * need no DNS resolver).
 */
export function haproxyConfig(options: { bind: string; stats: string; forums: number[]; chats: number[] }): string {
  const shipped = fs.readFileSync(SHIPPED, 'utf8');
  const lines = shipped.split('\n');
  const out: string[] = [];
  let section = '';
  for (const line of lines) {
    if (/^\S/.test(line)) section = line.trim();
    if (section.startsWith('resolvers')) continue;
    if (/^\s*bind :8404/.test(line)) out.push(`    bind ${options.stats}`);
    else if (/^\s*bind :80$/.test(line)) out.push(`    bind ${options.bind}`);
    else if (/^\s*server forum-1 /.test(line)) out.push(...options.forums.map((port, i) => `    server forum-${i + 1} 127.0.0.1:${port} check`));
    else if (/^\s*server forum-1-open /.test(line)) out.push(...options.forums.map((port, i) => `    server forum-${i + 1}-open 127.0.0.1:${port} backup`));
    else if (/^\s*server chat-1 /.test(line))
      out.push(...options.chats.map((port, i) => `    server chat-${i + 1} 127.0.0.1:${port} check cookie chat-${i + 1}`));
    else if (/^\s*server (forum|chat)-\d/.test(line)) continue;
    // A test process may not raise its file limit for the shipped maxconn.
    else if (/^\s*maxconn \d+$/.test(line)) out.push('    maxconn 2000');
    else out.push(line.replace(/ resolvers docker init-addr \S+/, ''));
  }
  const config = out.join('\n');
  if (!config.includes(`bind ${options.bind}`) || !config.includes('server forum-2 ') || !config.includes('server chat-2 ')) {
    throw new Error('deploy/haproxy/haproxy.cfg no longer has the lines the cluster test replaces');
  }
  return config;
}
