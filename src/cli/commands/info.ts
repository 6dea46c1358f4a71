import * as os from 'os';
import { describeBackend, initBackend } from '../../engine';
import { registerCommand } from '../commands';

registerCommand({
  name: 'info',
  summary: 'which backend runs, and on what',
  usage: 'literate-gpt info [--json]',
  flags: {},
  async run() {
    const info = await initBackend();
    return {
      backend: info.backend,
      tfjs: info.tfjs,
      native: info.native,
      gpu: info.gpu,
      package: info.package,
      description: describeBackend(info),
      ...(info.fallbackReason ? { fallbackReason: info.fallbackReason } : {}),
      ...(info.oneDnn !== undefined ? { oneDnn: info.oneDnn } : {}),
      node: process.version,
      platform: `${os.platform()} ${os.arch()}`,
      cpus: os.cpus().length,
      cpuModel: os.cpus()[0]?.model ?? 'unknown',
    };
  },
});
