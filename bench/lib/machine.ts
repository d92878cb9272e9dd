import { readFileSync } from 'node:fs';
import os from 'node:os';

export interface MachineFacts {
  cores: number;
  cpuModel: string;
  memoryGiB: number;
  node: string;
  os: string;
  postgres?: string;
  postgresSettings?: Record<string, string>;
  natsServer?: string;
}

export function machineFacts(): MachineFacts {
  let cpuModel = os.cpus()[0]?.model ?? 'unknown';
  try {
    const match = /^model name\s*:\s*(.+)$/m.exec(readFileSync('/proc/cpuinfo', 'utf8'));
    if (match) cpuModel = match[1].trim();
  } catch {
    // not Linux: os.cpus() it is
  }
  return {
    cores: os.availableParallelism?.() ?? os.cpus().length,
    cpuModel,
    memoryGiB: Math.round((os.totalmem() / 2 ** 30) * 10) / 10,
    node: process.version,
    os: `${os.type()} ${os.release()} ${os.arch()}`,
  };
}
