#!/usr/bin/env bash
# Builds one service's container image with the .NET SDK (no Dockerfile) for skaffold's custom builder:
# skaffold sets IMAGE (registry/repository:tag) and PUSH_IMAGE. Usage: k8s/publish-image.sh services/Pingan.Registry
set -euo pipefail
project="$1"
ref="${IMAGE:?skaffold sets IMAGE}"
tag="${ref##*:}"; name="${ref%:*}"
registry="${name%%/*}"; repository="${name#*/}"
args=(-c Release -t:PublishContainer -p:ContainerRepository="$repository" -p:ContainerImageTag="$tag")
if [ "${PUSH_IMAGE:-false}" = true ]; then args+=(-p:ContainerRegistry="$registry"); else args+=(-p:ContainerRepository="$name"); fi
exec dotnet publish "$project" "${args[@]}"
