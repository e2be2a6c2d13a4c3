// What the generated Argo Rollouts analysis already does right: each AnalysisTemplate query
// evaluated by promtool on the series a rollout in progress produces (stable and canary/preview
// pods, labels from the chart's monitors and the Services as Argo Rollouts points them), and each
// condition judged with Argo Rollouts' semantics. The gaps (no traffic passes, other namespaces
// count, blue-green judged on user traffic) are in test/behaviour/pending/.
import { describe, expect, it } from 'vitest';
import type { AppType, Strategy } from '../../src/types.js';
import { analysisOf, generate, release, verdicts } from './support.js';

const CASES: [AppType, Strategy][] = [['web', 'canary'], ['api', 'canary'], ['grpc', 'canary'], ['worker', 'canary'], ['web', 'blue-green'], ['api', 'blue-green'], ['grpc', 'blue-green']];

describe.each(CASES)('%s %s analysis', (type, strategy) => {
  const project = generate({ type, strategy });

  it('has Prometheus metrics to evaluate', async () => {
    expect(analysisOf(release(await project, 'prod')).filter((m) => m.query).length).toBeGreaterThan(0);
  });

  it('passes healthy new pods', async () => {
    const phases = await verdicts(await project, 'prod', { perSecond: 20 }, { perSecond: 5 });
    expect(phases.every((p) => p === 'Successful'), phases.join()).toBe(true);
  });

  it('fails new pods that fail 20% of their requests', async () => {
    const phases = await verdicts(await project, 'prod', { perSecond: 20 }, { perSecond: 5, errorRatio: 0.2 });
    expect(phases.every((p) => p === 'Failed'), phases.join()).toBe(true);
  });
});
