// Root hooks for mocha: start the backend once (LGPT_BACKEND picks it, as everywhere).
import { describeBackend, initBackend } from '../src/engine';

export const mochaHooks = {
  async beforeAll(): Promise<void> {
    const info = await initBackend();
    // eslint-disable-next-line no-console
    console.log(`  backend: ${describeBackend(info)}`);
  },
};
