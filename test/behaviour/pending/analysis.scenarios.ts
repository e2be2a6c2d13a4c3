// Pending scenarios (see vitest.config.ts here): progressive delivery gates that gate — no data
// is Inconclusive, other namespaces change nothing, blue-green and --no-monitoring are judged by
// a smoke-test Job.
import { describe, expect, it } from 'vitest';
import type { AppType, Strategy } from '../../../src/types.js';
import type { Series } from '../../support/promtool.js';
import { analysisOf, generate, release, runningPods, seriesFor, targetsOf, verdicts, type Generated, type Load } from '../support.js';

/** staging's new pods under `load`, labelled by staging's own monitors. */
function stagingCanary(project: Generated, load: Load): Series[] {
  const r = release(project, 'staging');
  const { pods, services } = runningPods(r, 'update');
  return [pods.stable!, pods.canary!].flatMap((pod) => targetsOf(r, pod, services).flatMap((t) => seriesFor(project.answers.type, t, load)));
}

describe.each(['web', 'api', 'grpc', 'worker'] as AppType[])('%s canary gates', (type) => {
  const project = generate({ type, strategy: 'canary' });

  it('a canary that gets no traffic is Inconclusive, not promoted', async () => {
    const phases = await verdicts(await project, 'prod', { perSecond: 20 }, { perSecond: 0 });
    expect(phases.every((p) => p === 'Inconclusive'), phases.join()).toBe(true);
  });

  it('a canary with no series at all is Inconclusive', async () => {
    const phases = await verdicts(await project, 'prod', { perSecond: 20 }, null);
    expect(phases.every((p) => p === 'Inconclusive'), phases.join()).toBe(true);
  });

  it("prod's failing canary fails while staging's canary is busy and healthy", async () => {
    const p = await project;
    const phases = await verdicts(p, 'prod', { perSecond: 20 }, { perSecond: 5, errorRatio: 0.2 }, stagingCanary(p, { perSecond: 200 }));
    expect(phases.every((ph) => ph === 'Failed'), phases.join()).toBe(true);
  });

  it("prod's healthy canary passes while staging's canary fails", async () => {
    const p = await project;
    const phases = await verdicts(p, 'prod', { perSecond: 20 }, { perSecond: 5 }, stagingCanary(p, { perSecond: 50, errorRatio: 0.5 }));
    expect(phases.every((ph) => ph === 'Successful'), phases.join()).toBe(true);
  });

  it('the README says a canary with no data pauses for a person', async () => {
    const { readFileSync } = await import('node:fs');
    expect(readFileSync(`${(await project).dir}/README.md`, 'utf8')).toMatch(/Inconclusive/);
  });
});

/** A job metric that smoke-tests the preview: pod security, backoffLimit 0, no `|| true`. */
function expectSmokeTestJob(project: Generated, env: string) {
  const metrics = analysisOf(release(project, env));
  const jobs = metrics.filter((m) => m.provider.job);
  expect(jobs.length, 'a job metric').toBeGreaterThan(0);
  for (const m of jobs) {
    const spec = m.provider.job.spec;
    expect(spec.backoffLimit).toBe(0);
    const pod = spec.template.spec;
    const container = pod.containers[0];
    const command = [...(container.command ?? []), ...(container.args ?? [])].join(' ');
    expect(command).not.toMatch(/\|\|\s*true/);
    expect(command).toMatch(/ready|grpc_health_probe|grpc\.health|health/i);
    expect(container.securityContext).toMatchObject({ allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } });
    expect(pod.securityContext ?? container.securityContext).toMatchObject({ runAsNonRoot: true });
  }
}

describe.each(['web', 'api', 'grpc'] as AppType[])('%s blue-green gate', (type) => {
  const project = generate({ type, strategy: 'blue-green' });

  it('the preview is judged by a smoke-test Job against the preview Service', async () => {
    expectSmokeTestJob(await project, 'prod');
  });

  it('a preview that gets no user traffic is not promoted on Prometheus data alone', async () => {
    const phases = await verdicts(await project, 'prod', { perSecond: 20 }, { perSecond: 0 });
    expect(phases.includes('Successful'), phases.join()).toBe(false);
  });
});

describe.each([['api', 'canary'], ['web', 'blue-green']] as [AppType, Strategy][])('%s %s with --no-monitoring', (type, strategy) => {
  const project = generate({ type, strategy, monitoring: false });

  it('gets the job-based gate instead of a Prometheus one', async () => {
    const p = await project;
    expect(analysisOf(release(p, 'prod')).filter((m) => m.provider.prometheus)).toEqual([]);
    expectSmokeTestJob(p, 'prod');
  });
});
