{{/* The release's name for its objects, at most 63 characters. */}}
{{- define "longwatch.fullname" -}}
{{- if contains .Chart.Name .Release.Name -}}
{{- .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name .Chart.Name | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}

{{- define "longwatch.labels" -}}
app.kubernetes.io/name: {{ .Chart.Name }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" }}
{{- end -}}

{{/* Selector labels of one component: (dict "root" $ "component" "ingest") */}}
{{- define "longwatch.selector" -}}
app.kubernetes.io/name: {{ .root.Chart.Name }}
app.kubernetes.io/instance: {{ .root.Release.Name }}
app.kubernetes.io/component: {{ .component }}
{{- end -}}

{{/* An image of deploy/images/build.sh: (dict "root" $ "name" "ingest") */}}
{{- define "longwatch.image" -}}
{{- $image := .root.Values.image -}}
{{- $repository := printf "%s/%s" $image.prefix .name -}}
{{- if $image.registry }}{{ $repository = printf "%s/%s" $image.registry $repository }}{{ end -}}
{{- printf "%s:%s" $repository (default .root.Chart.AppVersion $image.tag) -}}
{{- end -}}

{{- define "longwatch.kafkaName" -}}{{ include "longwatch.fullname" . }}-kafka{{- end -}}

{{- define "longwatch.bootstrapServers" -}}
{{- if .Values.kafka.create -}}
{{ include "longwatch.kafkaName" . }}-kafka-bootstrap:9092
{{- else -}}
{{ required "kafka.bootstrapServers is required when kafka.create is false" .Values.kafka.bootstrapServers }}
{{- end -}}
{{- end -}}

{{- define "longwatch.authSecret" -}}{{ default (printf "%s-auth" (include "longwatch.fullname" .)) .Values.auth.existingSecret }}{{- end -}}
{{- define "longwatch.llmSecret" -}}{{ default (printf "%s-llm" (include "longwatch.fullname" .)) .Values.llm.existingSecret }}{{- end -}}

{{/* Extra environment of one service: a map of name -> value. */}}
{{- define "longwatch.extraEnv" -}}
{{- range $name, $value := . }}
- name: {{ $name }}
  value: {{ $value | toString | quote }}
{{- end }}
{{- end -}}

{{- define "longwatch.containerSecurity" -}}
securityContext:
  {{- toYaml .Values.securityContext | nindent 2 }}
{{- end -}}
