'use strict';
/**
 * Runs the restate-server binary that @restatedev/restate-server installed, for
 * `npm run bench:peers` (spawned by bench/peers/peers.bench.ts): its own data directory and
 * config in PEERS_RESTATE_DIR (a temporary directory of the run), its own ports on 127.0.0.1
 * (PEERS_INGRESS_PORT, PEERS_ADMIN_PORT, PEERS_NODE_PORT, chosen free by the parent), its log
 * in PEERS_RESTATE_DIR/server.log. Ready once the admin API answers and every one of the three
 * ports is verified to be listened on by this very server process (/proc/net/tcp inode among
 * the process's sockets), so that a server of someone else on the same port is never used.
 * Stops the server (SIGTERM, then SIGKILL) when told to or when the parent goes away.
 */
const { spawn } = require('node:child_process');
const { openSync, readFileSync, readdirSync, readlinkSync, writeFileSync } = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { stopWithParent } = require('./bank-sql');

const env = process.env;
const dir = env.PEERS_RESTATE_DIR;
const ports = {
  ingress: Number(env.PEERS_INGRESS_PORT),
  admin: Number(env.PEERS_ADMIN_PORT),
  node: Number(env.PEERS_NODE_PORT),
};

function binary() {
  return require.resolve(`@restatedev/restate-server-${os.platform()}-${os.arch()}/bin/restate-server`);
}

/** Inodes of the TCP sockets listening on `port` (state 0A) on 127.0.0.1 or any address. */
function listeningInodes(port) {
  const inodes = [];
  for (const file of ['/proc/net/tcp', '/proc/net/tcp6']) {
    let text;
    try {
      text = readFileSync(file, 'utf8');
    } catch {
      continue;
    }
    for (const line of text.split('\n').slice(1)) {
      const fields = line.trim().split(/\s+/);
      if (fields.length < 10 || fields[3] !== '0A') continue;
      if (parseInt(fields[1].split(':')[1], 16) === port) inodes.push(fields[9]);
    }
  }
  return inodes;
}

function socketsOf(pid) {
  const sockets = new Set();
  for (const fd of readdirSync(`/proc/${pid}/fd`)) {
    try {
      const link = readlinkSync(`/proc/${pid}/fd/${fd}`);
      const match = /^socket:\[(\d+)\]$/.exec(link);
      if (match) sockets.add(match[1]);
    } catch {
      // closed meanwhile
    }
  }
  return sockets;
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

let server;

async function main() {
  for (const [name, port] of Object.entries(ports)) {
    if (listeningInodes(port).length > 0) throw new Error(`${name} port ${port} is already taken`);
  }
  const config = [
    `node-name = "zt-bench-peers-${process.pid}"`,
    `cluster-name = "zt-bench-peers-${process.pid}"`,
    `base-dir = "${path.join(dir, 'data')}"`,
    `bind-address = "127.0.0.1:${ports.node}"`,
    `advertised-address = "http://127.0.0.1:${ports.node}/"`,
    '',
    '[ingress]',
    `bind-address = "127.0.0.1:${ports.ingress}"`,
    `advertised-ingress-endpoint = "http://127.0.0.1:${ports.ingress}/"`,
    '',
    '[admin]',
    `bind-address = "127.0.0.1:${ports.admin}"`,
    'disable-web-ui = true',
    '',
  ].join('\n');
  const configFile = path.join(dir, 'restate.toml');
  writeFileSync(configFile, config);
  const log = openSync(path.join(dir, 'server.log'), 'a');
  server = spawn(
    binary(),
    ['--config-file', configFile, '--listen-mode', 'tcp', '--no-logo', '--log-filter', env.PEERS_RESTATE_LOG ?? 'warn'],
    { cwd: dir, stdio: ['ignore', log, log], env: { ...process.env, DO_NOT_TRACK: '1' } },
  );
  let exited = false;
  server.once('exit', (code, signal) => {
    exited = true;
    console.error(`restate-server exited (code ${code}, signal ${signal}); log: ${path.join(dir, 'server.log')}`);
    process.exit(1);
  });
  stopWithParent(async () => {
    if (exited) return;
    server.removeAllListeners('exit');
    const gone = new Promise((resolve) => server.once('exit', resolve));
    server.kill('SIGTERM');
    const timer = setTimeout(() => server.kill('SIGKILL'), 10_000);
    await gone;
    clearTimeout(timer);
  });

  const deadline = Date.now() + 60_000;
  for (;;) {
    if (Date.now() > deadline) throw new Error('restate-server not healthy after 60 s');
    try {
      const response = await fetch(`http://127.0.0.1:${ports.admin}/health`);
      if (response.ok) {
        const ingress = await fetch(`http://127.0.0.1:${ports.ingress}/restate/health`).catch(() => undefined);
        if (ingress?.ok) break;
      }
    } catch {
      // not up yet
    }
    await sleep(200);
  }
  const mine = socketsOf(server.pid);
  for (const [name, port] of Object.entries(ports)) {
    if (!listeningInodes(port).some((inode) => mine.has(inode)))
      throw new Error(`${name} port ${port} is not listened on by our restate-server (pid ${server.pid})`);
  }
  const version = await (await fetch(`http://127.0.0.1:${ports.admin}/version`)).json().catch(() => ({}));
  process.send?.({ type: 'ready', pid: process.pid });
  process.send?.({ type: 'restate', serverPid: server.pid, version });
}

main().catch((error) => {
  console.error('restate-server wrapper failed:', error);
  if (server && server.exitCode === null) server.kill('SIGKILL');
  process.exit(1);
});
