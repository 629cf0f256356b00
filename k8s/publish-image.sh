#!/usr/bin/env bash
# Builds one service's container image with the .NET SDK (no Dockerfile, no Docker daemon) for skaffold's custom
# builder, on the pinned non-root base of services/Directory.Build.props. skaffold sets IMAGE (registry/repository:tag)
# and PUSH_IMAGE. Usage: k8s/publish-image.sh services/Pingan.Registry
#   PUSH_IMAGE=true:  pushed straight to the registry named in IMAGE (credentials: docker's config.json or
#                     DOTNET_CONTAINER_REGISTRY_UNAME / DOTNET_CONTAINER_REGISTRY_PWORD).
#   otherwise:        written as a tarball to .local/images/<repository>.tar.gz and loaded into a local cluster
#                     when one is found (kind, minikube; KIND_CLUSTER names kind's, default "kind").
set -euo pipefail
project="$1"
ref="${IMAGE:?skaffold sets IMAGE}"
tag="${ref##*:}"; name="${ref%:*}"
registry="${name%%/*}"; repository="${name#*/}"
root="$(cd "$(dirname "$0")/.." && pwd)"
args=(-c Release -t:PublishContainer -p:ContainerImageTag="$tag")
if [ "${PUSH_IMAGE:-false}" = true ]; then
  exec dotnet publish "$project" "${args[@]}" -p:ContainerRegistry="$registry" -p:ContainerRepository="$repository"
fi
mkdir -p "$root/.local/images"
archive="$root/.local/images/${repository//\//_}.tar.gz"
dotnet publish "$project" "${args[@]}" -p:ContainerRepository="$name" -p:ContainerArchiveOutputPath="$archive"
if command -v kind >/dev/null && kind get clusters 2>/dev/null | grep -qx "${KIND_CLUSTER:-kind}"; then
  kind load image-archive "$archive" --name "${KIND_CLUSTER:-kind}"
elif command -v minikube >/dev/null && minikube status >/dev/null 2>&1; then
  minikube image load "$archive"
else
  echo "image written to $archive (load it into the cluster's runtime, e.g. ctr -n k8s.io images import)" >&2
fi
