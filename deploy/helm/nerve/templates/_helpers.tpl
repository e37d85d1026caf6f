{{/*
Helpers shared by every template of the Nerve chart.

The central one is "nerve.workloads": the list of Deployments this release runs. Every
per-Deployment object (Deployment, Service, PDB, HPA, NetworkPolicy, mesh objects) ranges over
it, so all-in-one and split mode differ in this one place only.
*/}}

{{/* Chart name, or nameOverride. */}}
{{- define "nerve.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/*
Prefix of every resource name: "<release>-nerve", or the release name alone when it already
contains the chart name. Cut at 49 characters so that "<prefix>-installation" fits in 63.
*/}}
{{- define "nerve.fullname" -}}
{{- if .Values.fullnameOverride }}
{{- .Values.fullnameOverride | trunc 49 | trimSuffix "-" }}
{{- else }}
{{- $name := default .Chart.Name .Values.nameOverride }}
{{- if contains $name .Release.Name }}
{{- .Release.Name | trunc 49 | trimSuffix "-" }}
{{- else }}
{{- printf "%s-%s" .Release.Name $name | trunc 49 | trimSuffix "-" }}
{{- end }}
{{- end }}
{{- end }}

{{/* "nerve-0.1.0" for the helm.sh/chart label. */}}
{{- define "nerve.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* Labels of every object of the release. */}}
{{- define "nerve.commonLabels" -}}
helm.sh/chart: {{ include "nerve.chart" . }}
app.kubernetes.io/name: {{ include "nerve.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Values.image.tag | default .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/part-of: nerve
{{- end }}

{{/* Labels that select every pod of this release, whatever its target. */}}
{{- define "nerve.releaseSelectorLabels" -}}
app.kubernetes.io/name: {{ include "nerve.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end }}

{{/* Labels that select the pods of one workload. Argument: dict "root" $ "w" <workload>. */}}
{{- define "nerve.selectorLabels" -}}
{{ include "nerve.releaseSelectorLabels" .root }}
app.kubernetes.io/component: {{ .w.component }}
{{- end }}

{{/* Labels of one workload's objects. Argument: dict "root" $ "w" <workload>. */}}
{{- define "nerve.labels" -}}
{{ include "nerve.commonLabels" .root }}
app.kubernetes.io/component: {{ .w.component }}
{{- end }}

{{/* The targets in the order the README lists them; "gateway" is the only non-service one. */}}
{{- define "nerve.targetNames" -}}
gateway memory installation sdk automation learning
{{- end }}

{{/*
The Deployments of this release, as YAML under the key "workloads" (read it with
`include "nerve.workloads" . | fromYaml`). Each entry:
  name       Deployment/Service name
  component  app.kubernetes.io/component: "all-in-one" or the target id
  targets    NERVE_TARGETS of its pods
  gateway    whether it runs the gateway (public HTTP surface)
  grpc       whether it serves gRPC on 9090: every workload does (the gateway serves the
             internal identity provisioning contract that installation's setup calls)
  config     its entry of allInOne or targets.<target> (replicas, resources, autoscaling, env)
*/}}
{{- define "nerve.workloads" -}}
{{- $fullname := include "nerve.fullname" . -}}
workloads:
{{- if eq .Values.mode "all-in-one" }}
  - name: {{ $fullname }}
    component: all-in-one
    targets: all
    gateway: true
    grpc: true
    config: {{- toYaml .Values.allInOne | nindent 6 }}
{{- else }}
{{- range $target := splitList " " (include "nerve.targetNames" .) }}
{{- $config := index $.Values.targets $target }}
{{- if and $config $config.enabled }}
  - name: {{ printf "%s-%s" $fullname $target }}
    component: {{ $target }}
    targets: {{ $target }}
    gateway: {{ eq $target "gateway" }}
    grpc: true
    config: {{- toYaml $config | nindent 6 }}
{{- end }}
{{- end }}
{{- end }}
{{- end }}

{{/* The workload that serves the public HTTP surface, as YAML ("{}" when none runs). */}}
{{- define "nerve.gatewayWorkload" -}}
{{- $found := dict }}
{{- range $w := (include "nerve.workloads" . | fromYaml).workloads }}
{{- if $w.gateway }}{{ $found = $w }}{{ end }}
{{- end }}
{{- toYaml $found }}
{{- end }}

{{/* "<service>.<namespace>.svc.<clusterDomain>" of a Service name. Argument: dict "root" $ "name" <name>. */}}
{{- define "nerve.serviceHost" -}}
{{- printf "%s.%s.svc.%s" .name .root.Release.Namespace .root.Values.clusterDomain }}
{{- end }}

{{/* Name of the ServiceAccount every pod runs as. */}}
{{- define "nerve.serviceAccountName" -}}
{{- if .Values.serviceAccount.create }}
{{- default (include "nerve.fullname" .) .Values.serviceAccount.name }}
{{- else }}
{{- default "default" .Values.serviceAccount.name }}
{{- end }}
{{- end }}

{{/* Name of the Secret with internal-secret and master-key. */}}
{{- define "nerve.sharedSecretName" -}}
{{- default (include "nerve.fullname" .) .Values.secrets.existingSecret }}
{{- end }}

{{/* Whether the Redis URL carries credentials and so goes into the chart's Secret ("true"/""). */}}
{{- define "nerve.redisUrlIsSecret" -}}
{{- if and (not .Values.redis.existingSecret) (contains "@" .Values.redis.url) }}true{{ end }}
{{- end }}

{{/* Image reference: repository:tag, or repository@digest when a digest is pinned. */}}
{{- define "nerve.image" -}}
{{- if .Values.image.digest }}
{{- printf "%s@%s" .Values.image.repository .Values.image.digest }}
{{- else }}
{{- printf "%s:%s" .Values.image.repository (.Values.image.tag | default .Chart.AppVersion) }}
{{- end }}
{{- end }}

{{/*
Environment of one workload's container. Argument: dict "root" $ "w" <workload> "workloads" <all>.
Secrets are only ever referenced (secretKeyRef), never written as values.
*/}}
{{- define "nerve.env" -}}
{{- $root := .root }}
{{- $v := $root.Values }}
{{- $w := .w }}
{{- $fullname := include "nerve.fullname" $root -}}
- name: NERVE_TARGETS
  value: {{ $w.targets | quote }}
- name: NERVE_DATA_DIR
  value: /var/lib/nerve
- name: NERVE_HTTP_PORT
  value: "8080"
- name: NERVE_GRPC_PORT
  value: "9090"
{{- /* Nerve binds gRPC to loopback by default; in a pod the other targets reach it through its Service. */}}
- name: NERVE_GRPC_ADDRESS
  value: "0.0.0.0"
- name: NERVE_LOG_FORMAT
  value: {{ $v.logFormat | quote }}
- name: NERVE_TRACE_SAMPLING
  value: {{ $v.tracing.sampling | toString | quote }}
{{- if $v.tracing.otlpEndpoint }}
- name: NERVE_OTLP_ENDPOINT
  value: {{ $v.tracing.otlpEndpoint | quote }}
{{- end }}
{{- if $v.jvmOptions }}
- name: JAVA_TOOL_OPTIONS
  value: {{ $v.jvmOptions | quote }}
{{- end }}
{{- /* PostgreSQL: URL and role as values, the password from a Secret. */}}
{{- if $v.database.url }}
- name: NERVE_DATABASE_URL
  value: {{ $v.database.url | quote }}
- name: NERVE_DATABASE_USERNAME
  value: {{ $v.database.username | quote }}
{{- if $v.database.existingSecret }}
- name: NERVE_DATABASE_PASSWORD
  valueFrom:
    secretKeyRef:
      name: {{ $v.database.existingSecret }}
      key: {{ $v.database.existingSecretPasswordKey }}
{{- else if $v.database.password }}
- name: NERVE_DATABASE_PASSWORD
  valueFrom:
    secretKeyRef:
      name: {{ $fullname }}
      key: database-password
{{- end }}
- name: NERVE_DATABASE_MAX_POOL_SIZE
  value: {{ $v.database.maxPoolSize | toString | quote }}
{{- end }}
{{- /* Redis: a URL with credentials only from a Secret. */}}
{{- if $v.redis.existingSecret }}
- name: NERVE_REDIS_URL
  valueFrom:
    secretKeyRef:
      name: {{ $v.redis.existingSecret }}
      key: {{ $v.redis.existingSecretUrlKey }}
{{- else if include "nerve.redisUrlIsSecret" $root }}
- name: NERVE_REDIS_URL
  valueFrom:
    secretKeyRef:
      name: {{ $fullname }}
      key: redis-url
{{- else if $v.redis.url }}
- name: NERVE_REDIS_URL
  value: {{ $v.redis.url | quote }}
{{- end }}
{{- /* The same signing key and master key in every process. */}}
- name: NERVE_INTERNAL_SECRET
  valueFrom:
    secretKeyRef:
      name: {{ include "nerve.sharedSecretName" $root }}
      key: internal-secret
- name: NERVE_MASTER_KEY
  valueFrom:
    secretKeyRef:
      name: {{ include "nerve.sharedSecretName" $root }}
      key: master-key
{{- /* Split mode: where every other service target answers. */}}
{{- range $other := .workloads }}
{{- if and $other.grpc (ne $other.name $w.name) }}
- name: {{ printf "NERVE_SERVICES_%s_ADDRESS" ($other.component | upper) }}
  value: {{ printf "dns:///%s:9090" (include "nerve.serviceHost" (dict "root" $root "name" $other.name)) | quote }}
{{- end }}
{{- end }}
{{- /* The public surface: only where the gateway runs. */}}
{{- if $w.gateway }}
- name: NERVE_GRAPHQL_INTROSPECTION
  value: {{ $v.graphql.introspection | toString | quote }}
{{- with $v.corsOrigins }}
- name: NERVE_CORS_ORIGINS
  value: {{ join "," . | quote }}
{{- end }}
{{- if $v.bootstrapAdmin.existingSecret }}
- name: NERVE_BOOTSTRAP_ADMIN_USERNAME
  valueFrom:
    secretKeyRef:
      name: {{ $v.bootstrapAdmin.existingSecret }}
      key: {{ $v.bootstrapAdmin.usernameKey }}
- name: NERVE_BOOTSTRAP_ADMIN_PASSWORD
  valueFrom:
    secretKeyRef:
      name: {{ $v.bootstrapAdmin.existingSecret }}
      key: {{ $v.bootstrapAdmin.passwordKey }}
{{- else if $v.bootstrapAdmin.password }}
- name: NERVE_BOOTSTRAP_ADMIN_USERNAME
  value: {{ $v.bootstrapAdmin.username | quote }}
- name: NERVE_BOOTSTRAP_ADMIN_PASSWORD
  valueFrom:
    secretKeyRef:
      name: {{ $fullname }}
      key: bootstrap-admin-password
{{- end }}
{{- end }}
{{- /* Extra variables: every pod's, then this workload's. */}}
{{- range $name, $value := $v.env }}
- name: {{ $name }}
  value: {{ $value | toString | quote }}
{{- end }}
{{- range $name, $value := $w.config.env }}
- name: {{ $name }}
  value: {{ $value | toString | quote }}
{{- end }}
{{- with $v.extraEnv }}
{{ toYaml . }}
{{- end }}
{{- end }}

{{/*
Refuses values that would deploy something broken or unsafe, with a message that says what to
set. Rendered by templates/validate.yaml, so `helm install`, `helm template` and `helm lint` all
stop on it.
*/}}
{{- define "nerve.validate" -}}
{{- $v := .Values }}
{{- if not (has $v.mode (list "all-in-one" "split")) }}
{{- fail (printf "mode must be all-in-one or split, not %q" $v.mode) }}
{{- end }}
{{- $workloads := (include "nerve.workloads" . | fromYaml).workloads }}
{{- if not $workloads }}
{{- fail "mode split needs at least one entry of targets with enabled: true" }}
{{- end }}
{{- if $v.embedded.enabled }}
{{- if ne $v.mode "all-in-one" }}
{{- fail "embedded.enabled only works in mode all-in-one: split targets must share one external PostgreSQL and Redis (set database.url and redis.url)" }}
{{- end }}
{{- if or (gt (int $v.allInOne.replicas) 1) $v.allInOne.autoscaling.enabled }}
{{- fail "embedded.enabled gives every pod its own PostgreSQL and Redis: set allInOne.replicas=1 and allInOne.autoscaling.enabled=false, or use an external database.url and redis.url" }}
{{- end }}
{{- else }}
{{- if not $v.database.url }}
{{- fail "database.url is required: the JDBC URL of the PostgreSQL every Nerve pod shares, e.g. jdbc:postgresql://postgres:5432/nerve (or embedded.enabled=true for a throwaway single-pod demo)" }}
{{- end }}
{{- if not (or $v.redis.url $v.redis.existingSecret) }}
{{- fail "redis.url (or redis.existingSecret) is required: the Redis every Nerve pod shares, e.g. redis://redis:6379/0 (or embedded.enabled=true for a throwaway single-pod demo)" }}
{{- end }}
{{- end }}
{{- if and $v.database.url (not (hasPrefix "jdbc:postgresql:" $v.database.url)) }}
{{- fail (printf "database.url must be a PostgreSQL JDBC URL (jdbc:postgresql://host:5432/db), not %q" $v.database.url) }}
{{- end }}
{{- if and $v.secrets.internalSecret (lt (len $v.secrets.internalSecret) 32) }}
{{- fail "secrets.internalSecret must be at least 32 characters (or empty to generate one)" }}
{{- end }}
{{- if $v.secrets.masterKey }}
{{- if ne (len (b64dec $v.secrets.masterKey)) 32 }}
{{- fail "secrets.masterKey must be the base64 of exactly 32 bytes, e.g. the output of: openssl rand -base64 32" }}
{{- end }}
{{- end }}
{{- if and $v.bootstrapAdmin.password (not $v.bootstrapAdmin.existingSecret) }}
{{- if not $v.bootstrapAdmin.username }}
{{- fail "bootstrapAdmin.password is set but bootstrapAdmin.username is empty" }}
{{- end }}
{{- if lt (len $v.bootstrapAdmin.password) 12 }}
{{- fail "bootstrapAdmin.password must be at least 12 characters" }}
{{- end }}
{{- end }}
{{- $gateway := include "nerve.gatewayWorkload" . | fromYaml }}
{{- if and $v.ingress.enabled (not $gateway) }}
{{- fail "ingress.enabled needs the gateway: enable targets.gateway" }}
{{- end }}
{{- end }}
