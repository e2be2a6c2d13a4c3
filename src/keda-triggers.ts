// Every KEDA trigger the generator offers, one row each. The option list, `--help`, the prompt,
// the values model (values.yaml, the schema, the chart README's table) and the view (and through
// it the ScaledObject, the TriggerAuthentication, the NetworkPolicy and the READMEs) read this
// table, so a new trigger is one row here plus its line in the README.

/** What the templates need to know about the app to fill in a default. */
export interface TriggerContext {
  name: string;
  isWorker: boolean;
  isGrpc: boolean;
  /** the `--timezone` answer, where one applies */
  timeZone?: string | null;
}

/** One entry of the trigger's `metadata` in the ScaledObject. */
export type TriggerField =
  /** a constant the chart does not expose */
  | { field: string; fixed: string }
  /** read from `keda.<valuesKey>.<key>` in values.yaml, where `default` is written (a number is an integer) */
  | {
    field: string; key: string; doc: string; default: string | number | ((app: TriggerContext) => string);
    /** the default comes from the answers (the app's name), so values.yaml writes it double-quoted */
    quoted?: true;
    /** the value is passed through Helm's `tpl`, so it may name the release (`{{ .Release.Namespace }}`) */
    tpl?: true;
  };

export type TriggerAuth =
  /** KEDA reads credentials from the Secret named by `keda.auth.secretName`, one key per parameter */
  | { secretParameters: readonly string[] }
  /**
   * KEDA uses the workload's cloud identity: `note` is the comment written above it in the
   * TriggerAuthentication, `setup` the step the project README asks for
   */
  | { podIdentity: string; note: readonly string[]; setup: string };

export interface TriggerSpec {
  /** the `--keda-trigger` value */
  name: string;
  /** the trigger type as KEDA names it */
  type: string;
  /** the key under `keda:` in values.yaml */
  valuesKey: string;
  /** one line for prompts and `--help` */
  hint: string;
  /** the scaler's page in the KEDA documentation */
  docs: string;
  /** the port a worker opens to its broker (NetworkPolicy egress), or null when only KEDA reads the source */
  brokerPort: number | null;
  /** the egress CIDR the NetworkPolicy allows to the broker (default 10.0.0.0/8, the cluster's network) */
  brokerCidr?: string;
  /**
   * For a broker that is a public API rather than a server in the cluster's network: what the
   * egress rule is called, and the notes values.yaml and the README give about narrowing it.
   */
  publicApi?: { name: string; valuesNote: string; readme: string };
  metadata: readonly TriggerField[];
  /**
   * The scaler's activation setting: KEDA wakes the workload from zero only once the metric is
   * above it (its scaling threshold applies from one pod up). Read from `keda.<valuesKey>.<key>`
   * and rendered only when `keda.minReplicas` is 0. Null for a scaler without one (cron: the
   * window itself activates).
   */
  activation: { field: string; key: string; doc: string; default: number; type: 'integer' | 'number' } | null;
  auth: TriggerAuth | null;
}

const appName = (app: TriggerContext) => app.name;

/**
 * The default prometheus trigger query: this release's own series only, with the labels the
 * chart's monitors give them. A ServiceMonitor target carries `namespace` and `service`: the app's
 * Service, or for a Rollout the headless `<fullname>-metrics` Service that reaches every pod once
 * (stable and canary alike). A PodMonitor target has `job="<namespace>/<podmonitor>"`; every worker
 * pod reports the same queue depth, so it is `max`, not `sum` (which would grow with the pods it scales).
 */
export function prometheusQuery(app: TriggerContext): string {
  const ns = '{{ .Release.Namespace }}';
  const fullname = `{{ include "${app.name}.fullname" . }}`;
  if (app.isWorker) return `max(jobs_queue_depth{namespace="${ns}", job="${ns}/${fullname}"})`;
  const metric = app.isGrpc ? 'grpc_server_handled_total' : 'http_requests_total';
  return `sum(rate(${metric}{namespace="${ns}", service=~"${fullname}(-metrics)?"}[2m]))`;
}

export const TRIGGERS = [
  {
    name: 'kafka', type: 'kafka', valuesKey: 'kafka',
    hint: 'Kafka consumer-group lag', docs: 'https://keda.sh/docs/latest/scalers/apache-kafka/',
    brokerPort: 9092,
    metadata: [
      { field: 'bootstrapServers', key: 'bootstrapServers', doc: 'Kafka brokers', default: 'kafka-bootstrap.kafka.svc:9092' },
      { field: 'consumerGroup', key: 'consumerGroup', doc: 'Consumer group whose lag is measured', default: appName, quoted: true },
      { field: 'topic', key: 'topic', doc: 'Topic consumed', default: appName, quoted: true },
      { field: 'lagThreshold', key: 'lagThreshold', doc: 'Lag per pod that triggers scaling', default: 50 },
    ],
    activation: { field: 'activationLagThreshold', key: 'activationLagThreshold', doc: 'Lag above which KEDA wakes the consumer from zero (with keda.minReplicas 0)', default: 0, type: 'integer' },
    auth: { secretParameters: ['sasl', 'username', 'password'] },
  },
  {
    name: 'rabbitmq', type: 'rabbitmq', valuesKey: 'rabbitmq',
    hint: 'RabbitMQ queue length', docs: 'https://keda.sh/docs/latest/scalers/rabbitmq-queue/',
    brokerPort: 5672,
    metadata: [
      { field: 'protocol', fixed: 'amqp' },
      { field: 'mode', fixed: 'QueueLength' },
      { field: 'queueName', key: 'queueName', doc: 'Queue consumed', default: appName, quoted: true },
      { field: 'value', key: 'queueLength', doc: 'Messages per pod that trigger scaling', default: 20 },
    ],
    activation: { field: 'activationValue', key: 'activationQueueLength', doc: 'Messages above which KEDA wakes the worker from zero (with keda.minReplicas 0)', default: 0, type: 'integer' },
    auth: { secretParameters: ['host'] },
  },
  {
    name: 'aws-sqs', type: 'aws-sqs-queue', valuesKey: 'awsSqs',
    hint: 'AWS SQS queue length (IAM role of the workload)', docs: 'https://keda.sh/docs/latest/scalers/aws-sqs/',
    brokerPort: 443, brokerCidr: '0.0.0.0/0',
    publicApi: {
      name: 'SQS API',
      valuesNote: 'The SQS API answers on public addresses; narrow the CIDR if you use a VPC endpoint.',
      readme: 'TCP 443 to `0.0.0.0/0`, since SQS answers on public addresses (narrow it if you reach SQS through a VPC endpoint)',
    },
    metadata: [
      {
        field: 'queueURL', key: 'queueURL', doc: 'SQS queue URL',
        default: (app) => `https://sqs.us-east-1.amazonaws.com/123456789012/${app.name}`, quoted: true,
      },
      { field: 'awsRegion', key: 'awsRegion', doc: 'AWS region of the queue', default: 'us-east-1' },
      { field: 'queueLength', key: 'queueLength', doc: 'Messages per pod that trigger scaling', default: 5 },
    ],
    activation: { field: 'activationQueueLength', key: 'activationQueueLength', doc: 'Messages above which KEDA wakes the worker from zero (with keda.minReplicas 0)', default: 0, type: 'integer' },
    auth: {
      podIdentity: 'aws',
      note: [
        "KEDA reads the queue with the workload's own IAM role (IRSA): annotate the ServiceAccount",
        'with eks.amazonaws.com/role-arn (serviceAccount.annotations in values).',
      ],
      setup: "KEDA reads the SQS queue with the pods' IAM role: set `serviceAccount.annotations` to `eks.amazonaws.com/role-arn: <role ARN>` (IRSA).",
    },
  },
  {
    name: 'prometheus', type: 'prometheus', valuesKey: 'prometheus',
    hint: 'a Prometheus query (request rate, queue depth)', docs: 'https://keda.sh/docs/latest/scalers/prometheus/',
    brokerPort: null,
    metadata: [
      { field: 'serverAddress', key: 'serverAddress', doc: 'Prometheus URL', default: 'http://prometheus-operated.monitoring.svc:9090' },
      {
        field: 'query', key: 'query', doc: "Query whose value drives scaling; rendered with Helm's `tpl`, so it may use `{{ .Release.Namespace }}`", tpl: true,
        default: prometheusQuery, quoted: true,
      },
      { field: 'threshold', key: 'threshold', doc: 'Query value per pod that triggers scaling', default: 100 },
    ],
    activation: { field: 'activationThreshold', key: 'activationThreshold', doc: 'Query value above which KEDA wakes the app from zero (with keda.minReplicas 0)', default: 0, type: 'number' },
    auth: null,
  },
  {
    name: 'cron', type: 'cron', valuesKey: 'cron',
    hint: 'a busy window on a schedule', docs: 'https://keda.sh/docs/latest/scalers/cron/',
    brokerPort: null,
    metadata: [
      { field: 'timezone', key: 'timezone', doc: 'IANA time zone of the schedule', default: (app) => app.timeZone ?? 'Etc/UTC' },
      { field: 'start', key: 'start', doc: 'Cron expression: when the busy window starts', default: '0 8 * * 1-5' },
      { field: 'end', key: 'end', doc: 'Cron expression: when it ends', default: '0 20 * * 1-5' },
      { field: 'desiredReplicas', key: 'desiredReplicas', doc: 'Pods during the window (more than keda.minReplicas, or the window changes nothing)', default: 3 },
    ],
    activation: null,
    auth: null,
  },
  {
    name: 'redis', type: 'redis', valuesKey: 'redis',
    hint: 'Redis list length', docs: 'https://keda.sh/docs/latest/scalers/redis-lists/',
    brokerPort: 6379,
    metadata: [
      { field: 'address', key: 'address', doc: 'Redis host:port', default: 'redis-master.redis.svc:6379' },
      { field: 'listName', key: 'listName', doc: 'List consumed', default: appName, quoted: true },
      { field: 'listLength', key: 'listLength', doc: 'Items per pod that trigger scaling', default: 20 },
    ],
    activation: { field: 'activationListLength', key: 'activationListLength', doc: 'Items above which KEDA wakes the worker from zero (with keda.minReplicas 0)', default: 0, type: 'integer' },
    auth: { secretParameters: ['password'] },
  },
] as const satisfies readonly TriggerSpec[];

export type KedaTrigger = (typeof TRIGGERS)[number]['name'];

export const KEDA_TRIGGERS = TRIGGERS.map((t) => t.name) as [KedaTrigger, ...KedaTrigger[]];

export function triggerSpec(name: KedaTrigger): TriggerSpec {
  return TRIGGERS.find((t) => t.name === name)!;
}
