// What is left to do after generation, and only that: the placeholders still in the project, the
// secrets to create, the controllers the rendered objects need, then the ApplicationSet. What
// the chart holds is read from the generated files (the plan), not decided again from the answers.
import type { Origins } from './answers.js';
import type { Answers } from './types.js';
import { isPlaceholderHost, isPlaceholderRepo } from './runbook.js';
import { buildView } from './view.js';

/** The controllers (or CRDs) a generated object needs, by the template that renders it. */
const NEEDS: { file: RegExp; needs: (content: string) => string | null }[] = [
  { file: /^argocd\/applicationset\.yaml$/, needs: () => 'Argo CD (ApplicationSet controller), in the argocd namespace' },
  { file: /^chart\/templates\/(rollout|analysistemplate)\.yaml$/, needs: () => 'Argo Rollouts (Rollout, AnalysisTemplate)' },
  { file: /^chart\/templates\/(scaledobject|triggerauthentication)\.yaml$/, needs: () => 'KEDA (ScaledObject)' },
  {
    file: /^chart\/templates\/(servicemonitor|podmonitor|prometheusrule)\.yaml$/,
    needs: () => 'Prometheus Operator (ServiceMonitor/PodMonitor, PrometheusRule)',
  },
  { file: /^chart\/templates\/externalsecret\.yaml$/, needs: () => 'External Secrets Operator, with a ClusterSecretStore (secrets.storeName, default "default")' },
  { file: /^chart\/templates\/sealedsecret\.yaml$/, needs: () => 'Sealed Secrets controller (kubeseal on your machine)' },
  {
    file: /^chart\/templates\/ingress\.yaml$/,
    needs: (content) =>
      content.includes('alb.ingress.kubernetes.io')
        ? `AWS Load Balancer Controller (Ingress class alb)${content.includes('certificate-arn') ? ', and an ACM certificate for the hosts' : ''}`
        : 'ingress-nginx (Ingress class nginx)',
  },
  {
    file: /^chart\/templates\/ingress\.yaml$/,
    needs: (content) =>
      content.includes('cert-manager.io/cluster-issuer') ? 'cert-manager, with the ClusterIssuers letsencrypt-prod and letsencrypt-staging' : null,
  },
  { file: /^chart\/templates\/virtualservice\.yaml$/, needs: () => 'Istio (VirtualService, and its ingress gateway)' },
  {
    file: /^chart\/templates\/route\.yaml$/,
    needs: () => "a Gateway API implementation with a Gateway that allows routes from the app's namespaces, and the Argo Rollouts Gateway API plugin",
  },
];

export interface NextStepsInput {
  /** the project directory as shown to the user */
  dir: string;
  answers: Answers;
  origins: Origins;
  /** the generated files */
  files: ReadonlyMap<string, string>;
}

export function nextSteps({ dir, answers, origins, files }: NextStepsInput): string {
  const view = buildView(answers, '');
  const steps: string[][] = [];

  if (origins.image === 'default') {
    steps.push([
      `Build and push your image: ${answers.image} is a placeholder.`,
      'Set image.repository and image.tag in chart/values.yaml (or generate again with --image <ref>).',
    ]);
  }
  const repoPlaceholder = isPlaceholderRepo(answers['repo-url']);
  if (repoPlaceholder) {
    steps.push([`Point argocd/ at your git repository: ${answers['repo-url']} is a placeholder.`, '  create-k8s-app upgrade --set repo-url=<your repository URL>']);
  }
  const hosts = view.envs.filter((e) => isPlaceholderHost(e.host));
  if (hosts.length > 0) {
    steps.push([
      `Set your hosts: ${hosts.map((e) => e.host).join(', ')} ${hosts.length === 1 ? 'is a placeholder' : 'are placeholders'}.`,
      `Change the host list in ${hosts.map((e) => `chart/values-${e.name}.yaml`).join(', ')}.`,
    ]);
  }

  const keys = answers['secret-keys'];
  if (keys.length > 0) {
    const literals = keys.map((key) => `--from-literal=${key}=…`).join(' ');
    if (files.has('chart/templates/externalsecret.yaml')) {
      steps.push([
        `Store the secret values ${keys.join(', ')} in your secret store, one entry per environment:`,
        ...view.envs.map((e) => `  ${answers.name}/${e.name}  (read into Secret ${answers.name} in namespace ${e.namespace})`),
      ]);
    } else if (files.has('chart/templates/sealedsecret.yaml')) {
      steps.push([
        'Seal the secret values for each namespace and put the output under secrets.encryptedData in chart/values-<env>.yaml:',
        ...view.envs.map(
          (e) => `  kubectl create secret generic ${answers.name} -n ${e.namespace} --dry-run=client -o yaml ${literals} | kubeseal -o yaml`,
        ),
      ]);
    } else {
      steps.push([
        'Create the secret in each namespace (create the namespace first if Argo CD has not yet):',
        ...view.envs.map((e) => `  kubectl create secret generic ${answers.name}-secrets -n ${e.namespace} ${literals}`),
      ]);
    }
  }

  const needs: string[] = [];
  for (const [path, content] of files) {
    for (const rule of NEEDS) {
      const need = rule.file.test(path) ? rule.needs(content) : null;
      if (need && !needs.includes(need)) needs.push(need);
    }
  }
  if (needs.length > 0) steps.push(['Install in the cluster:', ...needs.map((need) => `  - ${need}`)]);

  steps.push([
    repoPlaceholder ? 'Push this directory to your repository, then once:' : `Push this directory to ${answers['repo-url']}, then once:`,
    '  kubectl apply -n argocd -f argocd/appproject.yaml -f argocd/applicationset.yaml',
  ]);

  const lines = [`Next steps (${dir}/README.md has the details):`, `  cd ${dir}`];
  steps.forEach(([first, ...rest], i) => {
    lines.push(`  ${i + 1}. ${first}`);
    for (const line of rest) lines.push(`     ${line}`);
  });
  return lines.join('\n');
}
