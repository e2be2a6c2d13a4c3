{{/*
The pod template shared by the workload.
The checksum annotations roll the pods whenever their configuration changes.
*/}}
{{- define "queue-worker.podTemplate" -}}
metadata:
  annotations:
    checksum/config: {{ include (print $.Template.BasePath "/configmap.yaml") . | sha256sum }}
    {{- with .Values.podAnnotations }}
    {{- toYaml . | nindent 4 }}
    {{- end }}
  labels:
    {{- include "queue-worker.labels" . | nindent 4 }}
    {{- with .Values.podLabels }}
    {{- toYaml . | nindent 4 }}
    {{- end }}
spec:
  serviceAccountName: {{ include "queue-worker.serviceAccountName" . }}
  automountServiceAccountToken: {{ .Values.serviceAccount.automount }}
  {{- with .Values.imagePullSecrets }}
  imagePullSecrets:
    {{- toYaml . | nindent 4 }}
  {{- end }}
  securityContext:
    {{- toYaml .Values.podSecurityContext | nindent 4 }}
  terminationGracePeriodSeconds: {{ .Values.terminationGracePeriodSeconds }}
  {{- with .Values.initContainers }}
  initContainers:
    {{- include "queue-worker.addedContainers" (list $ .) | nindent 4 }}
  {{- end }}
  containers:
    - name: queue-worker
      image: {{ include "queue-worker.image" . | quote }}
      imagePullPolicy: {{ .Values.image.pullPolicy }}
      ports:
        - name: metrics
          containerPort: {{ .Values.containerPort }}
          protocol: TCP
      {{- include "queue-worker.env" . | nindent 6 }}
      startupProbe:
        tcpSocket:
          port: metrics
        {{- toYaml (omit $.Values.probes.startup "path") | nindent 8 }}
      livenessProbe:
        tcpSocket:
          port: metrics
        {{- toYaml (omit $.Values.probes.liveness "path") | nindent 8 }}
      readinessProbe:
        tcpSocket:
          port: metrics
        {{- toYaml (omit $.Values.probes.readiness "path") | nindent 8 }}
      resources:
        {{- toYaml .Values.resources | nindent 8 }}
      securityContext:
        {{- toYaml .Values.securityContext | nindent 8 }}
      volumeMounts:
        # The root filesystem is read-only; /tmp stays writable.
        - name: tmp
          mountPath: /tmp
        {{- if .Values.configFiles }}
        - name: config-files
          mountPath: {{ .Values.configFilesMountPath | quote }}
          readOnly: true
        {{- end }}
        {{- with .Values.extraVolumeMounts }}
        {{- toYaml . | nindent 8 }}
        {{- end }}
    {{- with .Values.sidecars }}
    {{- include "queue-worker.addedContainers" (list $ .) | nindent 4 }}
    {{- end }}
  volumes:
    - name: tmp
      emptyDir:
        sizeLimit: {{ .Values.tmpSizeLimit }}
    {{- if .Values.configFiles }}
    - name: config-files
      configMap:
        name: {{ include "queue-worker.suffixed" (list . "files") }}
    {{- end }}
    {{- with .Values.extraVolumes }}
    {{- toYaml . | nindent 4 }}
    {{- end }}
  {{- with .Values.nodeSelector }}
  nodeSelector:
    {{- toYaml . | nindent 4 }}
  {{- end }}
  {{- with .Values.tolerations }}
  tolerations:
    {{- toYaml . | nindent 4 }}
  {{- end }}
  affinity:
    {{- if .Values.affinity }}
    {{- toYaml .Values.affinity | nindent 4 }}
    {{- else }}
    # Prefer spreading replicas over nodes; never block scheduling for it.
    podAntiAffinity:
      preferredDuringSchedulingIgnoredDuringExecution:
        - weight: 100
          podAffinityTerm:
            topologyKey: kubernetes.io/hostname
            labelSelector:
              matchLabels:
                {{- include "queue-worker.selectorLabels" . | nindent 16 }}
    {{- end }}
  {{- $spread := .Values.topologySpread }}
  {{- if or $spread.enabled $spread.hostname.enabled }}
  topologySpreadConstraints:
    {{- if $spread.enabled }}
    - maxSkew: {{ $spread.maxSkew }}
      topologyKey: topology.kubernetes.io/zone
      whenUnsatisfiable: {{ $spread.whenUnsatisfiable }}
      labelSelector:
        matchLabels:
          {{- include "queue-worker.selectorLabels" . | nindent 10 }}
    {{- end }}
    {{- if $spread.hostname.enabled }}
    - maxSkew: {{ $spread.hostname.maxSkew }}
      topologyKey: kubernetes.io/hostname
      whenUnsatisfiable: {{ $spread.hostname.whenUnsatisfiable }}
      labelSelector:
        matchLabels:
          {{- include "queue-worker.selectorLabels" . | nindent 10 }}
    {{- end }}
  {{- end }}
{{- end }}

{{/*
The app's environment, shared by its container and the migration Job.
*/}}
{{- define "queue-worker.env" -}}
envFrom:
  - configMapRef:
      name: {{ include "queue-worker.fullname" . }}
{{- with .Values.extraEnv }}
env:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- end }}

{{/*
Containers added through initContainers or sidecars: each runs with the app's securityContext
unless it sets its own (which then replaces it whole).
Usage: include "queue-worker.addedContainers" (list $ .Values.sidecars)
*/}}
{{- define "queue-worker.addedContainers" -}}
{{- $root := index . 0 }}
{{- $out := list }}
{{- range (index . 1) }}
{{- $c := deepCopy . }}
{{- if not (hasKey $c "securityContext") }}
{{- $_ := set $c "securityContext" (deepCopy $root.Values.securityContext) }}
{{- end }}
{{- $out = append $out $c }}
{{- end }}
{{- toYaml $out }}
{{- end }}
