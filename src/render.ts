// render(answers) → Plan. Pure: reads only its inputs, the compiled templates and the values
// model, so the same answers give the same bytes everywhere (upgrades and golden tests rely on it).
import { runbook } from './runbook.js';
import { buildView, type View } from './view.js';
import { envValuesYaml, valuesSchema, valuesTable, valuesYaml } from './values/files.js';
import { CHART_VALUES, type ValuesModel } from './values/model.js';
import type { Answers, Plan } from './types.js';
import { chartKinds } from './appproject.js';
import { byCodeUnit } from './order.js';

export type TemplateFn = (context: object) => string;
/** Compiled templates by their path under templates/, without the .hbs suffix. */
export type Templates = ReadonlyMap<string, TemplateFn>;

type When = (v: View) => boolean;
const always: When = () => true;

/** Which template makes which file, and when. Paths are the same on both sides. */
const FILES: readonly [string, When][] = [
  ['argocd/applicationset.yaml', always],
  ['chart/Chart.yaml', always],
  ['chart/.helmignore', always],
  ['chart/templates/_helpers.tpl', always],
  ['chart/templates/_pod.tpl', always],
  ['chart/templates/NOTES.txt', always],
  ['chart/templates/serviceaccount.yaml', always],
  ['chart/templates/configmap.yaml', always],
  ['chart/templates/deployment.yaml', (v) => v.rolling],
  ['chart/templates/rollout.yaml', (v) => v.isRollout],
  ['chart/templates/analysistemplate.yaml', (v) => v.isRollout],
  ['chart/templates/smoketest-rbac.yaml', (v) => v.isRollout && v.isWorker],
  ['chart/templates/cronjob.yaml', (v) => v.isCron],
  ['chart/templates/migration-job.yaml', always],
  ['chart/templates/service.yaml', (v) => v.hasService],
  ['chart/templates/ingress.yaml', (v) => v.usesIngress],
  ['chart/templates/virtualservice.yaml', (v) => v.istio],
  ['chart/templates/route.yaml', (v) => v.gatewayApi],
  ['chart/templates/hpa.yaml', (v) => v.hpa],
  ['chart/templates/scaledobject.yaml', (v) => v.keda],
  ['chart/templates/vpa.yaml', always],
  ['chart/templates/triggerauthentication.yaml', (v) => v.kedaTrigger?.needsAuth === true],
  ['chart/templates/pdb.yaml', (v) => v.pdb],
  ['chart/templates/externalsecret.yaml', (v) => v.externalSecret],
  ['chart/templates/sealedsecret.yaml', (v) => v.sealedSecret],
  ['chart/templates/networkpolicy.yaml', (v) => v.restricted],
  ['chart/templates/servicemonitor.yaml', (v) => v.serviceMonitor],
  ['chart/templates/podmonitor.yaml', (v) => v.podMonitor],
  ['chart/templates/prometheusrule.yaml', (v) => v.monitoring],
  ['chart/templates/slo-rules.yaml', (v) => v.slo !== null],
  ['chart/templates/tests/test-connection.yaml', (v) => v.hasService],
];

/**
 * `values` is the chart's values model; tests pass another one to play an older version.
 * chart/values*.yaml, values.schema.json and the README's values table are written from it.
 */
export function render(answers: Answers, templates: Templates, version: string, values: ValuesModel = CHART_VALUES): Plan {
  const view = buildView(answers, version);
  const plan: Plan = new Map();
  const run = (name: string, context: object) => {
    const template = templates.get(name);
    if (!template) throw new Error(`template ${name}.hbs is missing`);
    return tidy(template(context));
  };
  for (const [path, when] of FILES) {
    if (when(view)) plan.set(path, run(path, view));
  }
  plan.set('chart/values.yaml', valuesYaml(values, view));
  for (const env of view.envs) plan.set(`chart/values-${env.name}.yaml`, envValuesYaml(values, view, env));
  plan.set('chart/values.schema.json', valuesSchema(values, view));
  plan.set('chart/README.md', run('chart/README.md', { ...view, valuesTable: valuesTable(values, view) }));
  // After the chart: the AppProject allows exactly the kinds its templates render.
  plan.set('argocd/appproject.yaml', run('argocd/appproject.yaml', { ...view, projectKinds: chartKinds(plan) }));
  // Last: the project README's runbook is read from everything else the plan holds.
  plan.set('README.md', run('README.md', { ...view, runbook: runbook(plan, view, values) }));
  return new Map([...plan].sort(([a], [b]) => byCodeUnit(a, b)));
}

/** Template branches leave blank runs behind; files end with exactly one newline. */
function tidy(text: string): string {
  return text.replace(/[ \t]+$/gm, '').replace(/\n{3,}/g, '\n\n').replace(/^\n+/, '').replace(/\n*$/, '\n');
}
