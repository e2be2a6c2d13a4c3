// How the test setup obtains Debian tools: nothing when present, apt-get as root (updating the
// package lists once when the first install fails), else a single line saying what to run.
import { describe, expect, it } from 'vitest';
import { ensureDebianPackages, type Installer } from './debian.js';

function fakeInstaller(root: boolean, outcomes: ('ok' | 'fail')[]) {
  const calls: string[] = [];
  const installer: Installer = {
    root,
    aptGet: true,
    run: async (args) => {
      calls.push(args.join(' '));
      if (outcomes.shift() === 'fail') throw Object.assign(new Error('exit 100'), { stderr: 'E: Unable to locate package prometheus\n' });
    },
  };
  return { installer, calls };
}

describe('ensureDebianPackages', () => {
  it('does nothing when the tool is there', async () => {
    const { installer, calls } = fakeInstaller(true, []);
    await ensureDebianPackages(['prometheus'], () => true, 'or set PROMTOOL_BIN', installer);
    expect(calls).toEqual([]);
  });

  it('fails with one line naming the command when it cannot install', async () => {
    const { installer } = fakeInstaller(false, []);
    const err = await ensureDebianPackages(['prometheus'], () => false, 'or set PROMTOOL_BIN', installer).catch((e: Error) => e);
    expect((err as Error).message).toBe('prometheus missing: run `apt-get install -y prometheus` as root or set PROMTOOL_BIN');
  });

  it('installs as root, running apt-get update once when the first install fails', async () => {
    let installed = false;
    const { installer, calls } = fakeInstaller(true, ['fail', 'ok', 'ok']);
    const run = installer.run;
    installer.run = async (args) => {
      await run(args);
      if (args[0] === 'install') installed = true;
    };
    await ensureDebianPackages(['prometheus'], () => installed, 'or set PROMTOOL_BIN', installer);
    expect(calls).toEqual(['install -y --no-install-recommends prometheus', 'update', 'install -y --no-install-recommends prometheus']);
  });

  it('reports a failed install on one line', async () => {
    const { installer } = fakeInstaller(true, ['fail', 'ok', 'fail']);
    const err = (await ensureDebianPackages(['golang-go'], () => false, 'to build the Argo evaluators', installer).catch((e: Error) => e)) as Error;
    expect(err.message).toBe('`apt-get install -y golang-go` failed (E: Unable to locate package prometheus) to build the Argo evaluators');
    expect(err.message).not.toMatch(/\n/);
  });
});
