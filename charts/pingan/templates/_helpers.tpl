{{/* Shared helpers: every service is rendered by the same templates. */}}
{{- define "pingan.labels" -}}
app.kubernetes.io/part-of: pingan
app.kubernetes.io/managed-by: {{ .root.Release.Service }}
app.kubernetes.io/name: {{ .name }}
app.kubernetes.io/instance: {{ .root.Release.Name }}
{{- end -}}

{{- define "pingan.image" -}}
{{ .root.Values.image.registry }}/{{ .svc.image | default (printf "pingan-%s" .name) }}:{{ .root.Values.image.tag | default .root.Chart.AppVersion }}
{{- end -}}

{{- define "pingan.env" -}}
{{- range $k, $v := .root.Values.config }}
- name: {{ $k }}
  value: {{ $v | quote }}
{{- end }}
- name: Service__Name
  value: {{ .name | quote }}
- name: Identity__Issuer
  value: {{ .root.Values.issuer | quote }}
- name: Security__Authority
  value: {{ .root.Values.issuer | quote }}
- name: Security__ProvinceJurisdiction
  value: {{ .root.Values.provinceJurisdiction | quote }}
- name: Services__Registry__Grpc
  value: "dns:///registry-pods:8081"
- name: Services__Inspections__Grpc
  value: "dns:///inspections-pods:8081"
{{- if has .name (list "assessments" "archives") }}
- name: Services__Letters__Grpc
  value: "dns:///letters-pods:8081"
- name: Services__Sanctions__Grpc
  value: "dns:///sanctions-pods:8081"
{{- end }}
{{- if eq .name "archives" }}
- name: Services__Assessments__Grpc
  value: "dns:///assessments-pods:8081"
# The platform's key its Art. 23 consultation answers are signed with (SM2, derived from the secret).
- name: Archives__ConsultationKey
  valueFrom: { secretKeyRef: { name: {{ .root.Values.consultationKeySecret }}, key: key } }
{{- end }}
- name: Network__TrustedProxies
  value: {{ .root.Values.trustedProxies | quote }}
{{- if eq .name "identity" }}
{{- if .root.Values.demoData }}
# The demo accounts and systems with their published secrets (staging and training only; issue 11).
- name: Identity__DemoAccounts
  value: "true"
{{- end }}
- name: Identity__KeyEncryptionKey
  valueFrom: { secretKeyRef: { name: {{ .root.Values.identityKeySecret }}, key: kek } }
{{- range .root.Values.serviceClients.services }}
- name: Identity__ServiceClients__{{ . }}__Secret
  valueFrom: { secretKeyRef: { name: {{ $.root.Values.serviceClients.secret }}, key: {{ . }} } }
{{- end }}
{{- end }}
{{- if has .name .root.Values.serviceClients.services }}
# ADR 0012: this service reads other services' event logs as its own client.
- name: Security__ServiceClient__Secret
  valueFrom: { secretKeyRef: { name: {{ .root.Values.serviceClients.secret }}, key: {{ .name }} } }
{{- end }}
{{- if eq .name "sanctions" }}
- name: Services__Assessments__Grpc
  value: "dns:///assessments-pods:8081"
- name: Sanctions__Departments__discipline
  value: {{ .root.Values.departments.discipline | quote }}
- name: Sanctions__Departments__organisation
  value: {{ .root.Values.departments.organisation | quote }}
{{- end }}
- name: Calendar__Directory
  value: /etc/pingan/calendars
- name: Audit__ChainKey
  valueFrom: { secretKeyRef: { name: {{ .root.Values.audit.keySecret }}, key: chain-key } }
{{- if .root.Values.audit.anchorClaim }}
- name: Audit__AnchorFile
  value: {{ printf "/var/lib/pingan/anchors/%s.log" .name | quote }}
{{- end }}
- name: ConnectionStrings__postgres
  valueFrom: { secretKeyRef: { name: {{ .root.Values.connectionSecret }}, key: postgres } }
- name: ConnectionStrings__rabbitmq
  valueFrom: { secretKeyRef: { name: {{ .root.Values.connectionSecret }}, key: rabbitmq } }
{{- end -}}


{{/* Pod Security "restricted": the .NET images' non-root user (app, 1654), no service account token. */}}
{{- define "pingan.podSpec" -}}
serviceAccountName: {{ .name }}
automountServiceAccountToken: false
securityContext:
  runAsNonRoot: true
  runAsUser: 1654
  runAsGroup: 1654
  fsGroup: 1654
  seccompProfile: { type: RuntimeDefault }
{{- end -}}

{{- define "pingan.containerSecurity" -}}
runAsNonRoot: true
allowPrivilegeEscalation: false
readOnlyRootFilesystem: true
capabilities: { drop: ["ALL"] }
seccompProfile: { type: RuntimeDefault }
{{- end -}}
