// KEDA's admission warnings for a ScaledObject, as kedacore/keda's webhook emits them
// (apis/keda/v1alpha1/scaledobject_webhook.go: the pollingInterval and cooldownPeriod checks).
// KEDA cannot run here, so the rule is restated from that code.
import type { Obj } from './support.js';

export function kedaWarnings(scaledObject: Obj): string[] {
  const spec = scaledObject.spec ?? {};
  const minReplicas = spec.minReplicaCount ?? 0;
  const idleModeDisabled = spec.idleReplicaCount === undefined || spec.idleReplicaCount === null;
  const usesCachedMetrics = (spec.triggers ?? []).some((t: Obj) => t.useCachedMetrics === true);
  const warnings: string[] = [];
  if (spec.pollingInterval !== undefined && minReplicas > 0 && idleModeDisabled && !usesCachedMetrics) {
    warnings.push('PollingInterval is configured but is not relevant. PollingInterval is only relevant when minReplicaCount = 0, idleReplicaCount is set, or useCachedMetrics is enabled');
  }
  if (spec.cooldownPeriod !== undefined && minReplicas > 0 && idleModeDisabled) {
    warnings.push('CooldownPeriod is configured but is not relevant. CooldownPeriod is only relevant when minReplicaCount = 0 or idleReplicaCount is set');
  }
  return warnings;
}
