{{/* Names: <release>-scaling-lab, or the release name when it already says scaling-lab. */}}
{{- define "slab.fullname" -}}
{{- if contains "scaling-lab" .Release.Name -}}
{{- .Release.Name | trunc 50 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-scaling-lab" .Release.Name | trunc 50 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}

{{- define "slab.selectorLabels" -}}
app.kubernetes.io/name: scaling-lab
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end -}}

{{- define "slab.labels" -}}
{{ include "slab.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version }}
{{- end -}}

{{- define "slab.image" -}}
{{- printf "%s:%s" .Values.image.repository (default .Chart.AppVersion .Values.image.tag) -}}
{{- end -}}

{{- define "slab.gpuImage" -}}
{{- printf "%s:%s" .Values.image.repository (default (printf "%s-gpu" .Chart.AppVersion) .Values.image.gpuTag) -}}
{{- end -}}

{{- define "slab.tokenSecret" -}}
{{- default (printf "%s-tokens" (include "slab.fullname" .)) .Values.auth.existingSecret -}}
{{- end -}}

{{- define "slab.gatewayHost" -}}
{{- printf "%s-gateway" (include "slab.fullname" .) -}}
{{- end -}}

{{- define "slab.gatewayUrl" -}}
{{- printf "http://%s.%s.svc:%v" (include "slab.gatewayHost" .) .Release.Namespace .Values.gateway.service.port -}}
{{- end -}}

{{- define "slab.postgresHost" -}}
{{- printf "%s-postgres" (include "slab.fullname" .) -}}
{{- end -}}

{{/* The bundled Postgres runs when the store is Postgres, no managed server is named and it is enabled. */}}
{{- define "slab.bundledPostgres" -}}
{{- if and (eq .Values.store.kind "postgres") (not .Values.store.existingSecret) .Values.postgres.enabled -}}true{{- end -}}
{{- end -}}

{{/*
A secret value that survives upgrades: the value given, else the one already in the cluster's
Secret, else a new random one. (`helm template` cannot look the cluster up and always generates.)
*/}}
{{- define "slab.secretValue" -}}
{{- $given := index . 0 -}}{{- $existing := index . 1 -}}{{- $key := index . 2 -}}
{{- if $given -}}
{{- $given | b64enc -}}
{{- else if and $existing (hasKey $existing.data $key) -}}
{{- index $existing.data $key -}}
{{- else -}}
{{- randAlphaNum 32 | b64enc -}}
{{- end -}}
{{- end -}}

{{/* How `slab serve` and `slab worker` reach Temporal: address, namespace and optional mTLS (files from a Secret). */}}
{{- define "slab.temporalEnv" -}}
- { name: TEMPORAL_ADDRESS, value: {{ .Values.temporal.address | quote }} }
- { name: TEMPORAL_NAMESPACE, value: {{ .Values.temporal.namespace | quote }} }
{{- with .Values.temporal.tls }}
{{- if .secretName }}
- { name: TEMPORAL_TLS_CERT, value: /etc/slab/temporal-tls/tls.crt }
- { name: TEMPORAL_TLS_KEY, value: /etc/slab/temporal-tls/tls.key }
{{- if .ca }}
- { name: TEMPORAL_TLS_CA, value: /etc/slab/temporal-tls/ca.crt }
{{- end }}
{{- end }}
{{- if .serverName }}
- { name: TEMPORAL_TLS_SERVER_NAME, value: {{ .serverName | quote }} }
{{- end }}
{{- end }}
{{- end -}}

{{- define "slab.temporalTlsMount" -}}
{{- if .Values.temporal.tls.secretName }}
- { name: temporal-tls, mountPath: /etc/slab/temporal-tls, readOnly: true }
{{- end }}
{{- end -}}

{{- define "slab.temporalTlsVolume" -}}
{{- if .Values.temporal.tls.secretName }}
- name: temporal-tls
  secret:
    secretName: {{ .Values.temporal.tls.secretName }}
{{- end }}
{{- end -}}
