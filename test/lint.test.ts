// The helm post-step, against a stand-in helm: what it reports when a run fails, and when helm
// cannot be started at all.
import { chmodSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { lintChart } from '../src/lint.js';
import { tempRoot } from './support/project.js';

const root = tempRoot('ck8s-lint-');
afterAll(() => root.cleanup());

/** A helm that prints its arguments and fails when linting with the given values file. */
function fakeHelm(failWith: string): string {
  const bin = join(root.dir, `helm-${failWith}`);
  writeFileSync(
    bin,
    `#!/bin/sh\necho "linting $*"\ncase "$*" in *${failWith}*) echo "[ERROR] bad value" >&2; exit 1;; esac\n`,
  );
  chmodSync(bin, 0o755);
  return bin;
}

describe('lintChart', () => {
  it('passes when every run passes', async () => {
    const r = await lintChart(fakeHelm('nothing'), '/chart', ['staging', 'prod']);
    expect(r).toEqual({ ok: true, output: '' });
  });

  it('fails with the output of the failed run only, stdout and stderr in order', async () => {
    const r = await lintChart(fakeHelm('values-prod'), '/chart', ['staging', 'prod']);
    expect(r.ok).toBe(false);
    expect(r.output).toBe('linting lint --strict /chart -f /chart/values-prod.yaml\n[ERROR] bad value');
  });

  it('fails, naming the command, when helm cannot be started', async () => {
    const missing = join(root.dir, 'no-such-helm');
    const r = await lintChart(missing, '/chart', ['prod']);
    expect(r.ok).toBe(false);
    expect(r.output).toContain(`${missing}: spawn ${missing} ENOENT`);
  });
});
