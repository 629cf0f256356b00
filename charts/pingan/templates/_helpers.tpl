{{/* Shared helpers: every service is rendered by the same templates. */}}
{{- define "pingan.labels" -}}
app.kubernetes.io/part-of: pingan
app.kubernetes.io/managed-by: {{ .root.Release.Service }}
app.kubernetes.io/name: {{ .name }}
app.kubernetes.io/instance: {{ .root.Release.Name }}
{{- end -}}

{{- define "pingan.image" -}}
{{- if .svc.imageRef -}}
{{ .svc.imageRef }}
{{- else -}}
{{ .root.Values.image.registry }}/{{ .svc.image | default (printf "pingan-%s" .name) }}:{{ .root.Values.image.tag | default .root.Chart.AppVersion }}
{{- end -}}
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
{{- if and .root.Values.gateway.enabled (not (has .name (list "identity" "portal"))) }}
# The public address a generated client calls (issue 18): the OpenAPI document's server, behind the gateway's prefix.
- name: OpenApi__ServerUrl
  value: {{ printf "https://%s/%s" .root.Values.gateway.apiHost .name | quote }}
{{- end }}
{{- if eq .name "identity" }}
{{- if .root.Values.demoData }}
# The demo accounts and systems with their published secrets (staging and training only; issue 11).
- name: Identity__DemoAccounts
  value: "true"
{{- end }}
- name: Identity__KeyEncryptionKey
  valueFrom: { secretKeyRef: { name: {{ .root.Values.identityKeySecret }}, key: kek } }
{{- if .root.Values.services.portal }}
# Issue 17: the portal as a confidential client, back at its public address after sign-in.
- name: Identity__Portal__Secret
  valueFrom: { secretKeyRef: { name: {{ .root.Values.portalSecret }}, key: secret } }
- name: Identity__Portal__RedirectUris
  value: {{ printf "%s/signin-oidc" (trimSuffix "/" .root.Values.portalUrl) | quote }}
{{- end }}
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
{{- with .root.Values.database }}
{{- if .host }}
# Its own database with its own login (issue 16): the Secret {prefix}{service}, keys username and password.
- name: PINGAN_DB_USERNAME
  valueFrom: { secretKeyRef: { name: {{ printf "%s%s" .credentialsSecretPrefix $.name }}, key: username } }
- name: PINGAN_DB_PASSWORD
  valueFrom: { secretKeyRef: { name: {{ printf "%s%s" .credentialsSecretPrefix $.name }}, key: password } }
- name: ConnectionStrings__{{ $.name }}
  value: {{ printf "Host=%s;Port=%d;Database=%s;Username=$(PINGAN_DB_USERNAME);Password=$(PINGAN_DB_PASSWORD);SSL Mode=%s;Maximum Pool Size=%d" .host (int .port) $.name .sslMode (int .maxPoolSize) | quote }}
{{- else }}
- name: ConnectionStrings__postgres
  valueFrom: { secretKeyRef: { name: {{ $.root.Values.connectionSecret }}, key: postgres } }
{{- end }}
{{- end }}
{{- with .root.Values.broker }}
{{- if .host }}
# Its own broker user over TLS (issue 16): the Secret {prefix}{service}, keys username and password (URL-safe).
- name: PINGAN_MQ_USERNAME
  valueFrom: { secretKeyRef: { name: {{ printf "%s%s" .credentialsSecretPrefix $.name }}, key: username } }
- name: PINGAN_MQ_PASSWORD
  valueFrom: { secretKeyRef: { name: {{ printf "%s%s" .credentialsSecretPrefix $.name }}, key: password } }
- name: ConnectionStrings__rabbitmq
  value: {{ printf "amqps://$(PINGAN_MQ_USERNAME):$(PINGAN_MQ_PASSWORD)@%s:%d/%s" .host (int .port) .vhost | quote }}
{{- if .caSecret }}
- name: Messaging__CaCertificate
  value: /etc/pingan/broker-ca/ca.crt
{{- end }}
{{- else }}
- name: ConnectionStrings__rabbitmq
  valueFrom: { secretKeyRef: { name: {{ $.root.Values.connectionSecret }}, key: rabbitmq } }
{{- end }}
{{- end }}
{{- end -}}

{{/* The broker's CA, when the services connect over TLS with their own users (broker.host, broker.caSecret). */}}
{{- define "pingan.brokerMount" -}}
{{- if and .root.Values.broker.host .root.Values.broker.caSecret }}
- { name: broker-ca, mountPath: /etc/pingan/broker-ca, readOnly: true }
{{- end }}
{{- end -}}

{{- define "pingan.brokerVolume" -}}
{{- if and .root.Values.broker.host .root.Values.broker.caSecret }}
- name: broker-ca
  secret: { secretName: {{ .root.Values.broker.caSecret }}, items: [{ key: ca.crt, path: ca.crt }] }
{{- end }}
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
