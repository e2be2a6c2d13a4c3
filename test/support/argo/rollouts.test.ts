// Argo Rollouts condition semantics (argo-rollouts utils/evaluate/evaluate.go, the Prometheus
// provider in metricproviders/prometheus/prometheus.go), checked against verdicts worked out
// from that code.
import { describe, expect, it } from 'vitest';
import { judge, judgeAll, vector } from './rollouts.js';

describe('Argo Rollouts conditions', () => {
  it('an empty result passes `len(result) == 0 || …`: the no-traffic promotion', async () => {
    expect(await judge({ successCondition: 'len(result) == 0 || result[0] >= 0.99' }, vector())).toEqual({ phase: 'Successful' });
    expect(await judge({ successCondition: 'len(result) == 0 || isNaN(result[0]) || result[0] >= 0.99' }, vector(NaN))).toEqual({ phase: 'Successful' });
  });

  it('success without failure condition: false is Failed; indexing an empty result is an Error', async () => {
    const success = 'result[0] >= 0.99';
    const [pass, fail, empty] = await judgeAll([
      { conditions: { successCondition: success }, result: vector(0.995) },
      { conditions: { successCondition: success }, result: vector(0.8) },
      { conditions: { successCondition: success }, result: vector() },
    ]);
    expect(pass.phase).toBe('Successful');
    expect(fail.phase).toBe('Failed');
    expect(empty.phase).toBe('Error');
    expect(empty.message).toMatch(/successCondition/);
  });

  it('with both conditions, a result neither condition claims is Inconclusive', async () => {
    const conditions = { successCondition: 'len(result) > 0 && result[0] >= 0.99', failureCondition: 'len(result) > 0 && result[0] < 0.95' };
    const verdicts = await judgeAll([vector(), vector(0.999), vector(0.9), vector(0.97), vector(NaN)].map((result) => ({ conditions, result })));
    expect(verdicts.map((v) => v.phase)).toEqual(['Inconclusive', 'Successful', 'Failed', 'Inconclusive', 'Inconclusive']);
  });

  it('failure only: true is Failed, false Successful; failure wins over success', async () => {
    expect((await judge({ failureCondition: 'result[0] > 0.05' }, vector(0.1))).phase).toBe('Failed');
    expect((await judge({ failureCondition: 'result[0] > 0.05' }, vector(0.01))).phase).toBe('Successful');
    expect((await judge({ successCondition: 'true', failureCondition: 'true' }, vector(1))).phase).toBe('Failed');
    expect((await judge({}, vector())).phase).toBe('Successful');
  });

  it("Argo's helpers: isNaN, isInf, asInt, asFloat, default, isNil", async () => {
    const cases: [string, ReturnType<typeof vector> | { type: 'scalar'; value: number }, string][] = [
      ['isNaN(result[0])', vector(NaN), 'Successful'],
      ['isInf(result[0])', vector(-Infinity), 'Successful'],
      ['isInf(result[0])', vector(1), 'Failed'],
      ['asInt(result[0]) == 2', vector(2.9), 'Successful'], // truncates
      ['asInt("12") == 12', vector(), 'Successful'],
      ['asFloat("0.5") == 0.5', vector(), 'Successful'],
      ['asInt("1.5") == 1', vector(), 'Error'], // not an integer string
      ['result == 0.25', { type: 'scalar', value: 0.25 }, 'Successful'], // a scalar is a float, not a list
      // default() and isNil() look at the measurement, not their argument; a vector is never nil.
      ['len(default(result, [1])) == 0', vector(), 'Successful'],
      ['isNil(result)', vector(), 'Failed'],
      ['result[0]', vector(1), 'Error'], // not a bool
      ['result[0] >=', vector(1), 'Error'], // does not compile
    ];
    const verdicts = await judgeAll(cases.map(([successCondition, result]) => ({ conditions: { successCondition }, result })));
    expect(verdicts.map((v, i) => `${cases[i][0]} → ${v.phase}`)).toEqual(cases.map(([c, , phase]) => `${c} → ${phase}`));
  });
});
