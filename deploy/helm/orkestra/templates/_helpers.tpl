{{/* Chart name, at most 63 characters. */}}
{{- define "orkestra.name" -}}
{{- .Chart.Name | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{/* Release-qualified name: the release name alone when it already contains the chart name. */}}
{{- define "orkestra.fullname" -}}
{{- if contains .Chart.Name .Release.Name -}}
{{- .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name .Chart.Name | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}

{{- define "orkestra.selectorLabels" -}}
app.kubernetes.io/name: {{ include "orkestra.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/component: controller
{{- end -}}

{{- define "orkestra.labels" -}}
{{ include "orkestra.selectorLabels" . }}
app.kubernetes.io/part-of: orkestra
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{- end -}}

{{- define "orkestra.serviceAccountName" -}}
{{- if .Values.serviceAccount.create -}}
{{- default (include "orkestra.fullname" .) .Values.serviceAccount.name -}}
{{- else -}}
{{- required "serviceAccount.name is required when serviceAccount.create is false" .Values.serviceAccount.name -}}
{{- end -}}
{{- end -}}

{{- define "orkestra.image" -}}
{{- printf "%s:%s" .Values.image.repository (default .Chart.AppVersion .Values.image.tag) -}}
{{- end -}}

{{/* The ServiceAccount as an RBAC subject. */}}
{{- define "orkestra.subject" -}}
- kind: ServiceAccount
  name: {{ include "orkestra.serviceAccountName" . }}
  namespace: {{ .Release.Namespace }}
{{- end -}}

{{/* "true" when the replicas shard the boxes (sharding.enabled, or auto with two or more replicas). */}}
{{- define "orkestra.sharding" -}}
{{- $s := .Values.sharding | default dict -}}
{{- $enabled := "auto" -}}
{{- if hasKey $s "enabled" }}{{ $enabled = toString $s.enabled }}{{ end -}}
{{- if eq $enabled "auto" -}}
{{- if ge (int .Values.replicas) 2 }}true{{ end -}}
{{- else if eq $enabled "true" -}}
true
{{- end -}}
{{- end }}
