// The organisation department's system, as its own developers would write it in Node.js (issue 18): the platform's
// .proto files loaded at run time by @grpc/proto-loader, calls made with @grpc/grpc-js, the token obtained by
// client credentials from the identity service. It imports its appointments feed into the registry, reads the holders
// back, and shows what a bad request gets. Prints one JSON object: what the test (or a developer) checks.
//
// Environment: PINGAN_IDENTITY (the issuer's base address), PINGAN_CLIENT_ID, PINGAN_CLIENT_SECRET, PINGAN_REGISTRY
// and PINGAN_SANCTIONS (host:port of the services' gRPC endpoints), PINGAN_PROTOS (folders of .proto files,
// separated by ':'), PINGAN_FEED (a JSON file of TermRecords).
import { existsSync } from "node:fs";
import { readFile } from "node:fs/promises";
import grpc from "@grpc/grpc-js";
import protoLoader from "@grpc/proto-loader";
import protobuf from "protobufjs";

const env = (name) => process.env[name] ?? (() => { throw new Error(`${name} is not set`); })();
const includeDirs = env("PINGAN_PROTOS").split(":");

/** A client-credentials token (RFC 6749 §4.4) from the identity service's token endpoint. */
async function token(scope) {
  const response = await fetch(new URL("connect/token", env("PINGAN_IDENTITY")), {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({
      grant_type: "client_credentials", client_id: env("PINGAN_CLIENT_ID"), client_secret: env("PINGAN_CLIENT_SECRET"), scope,
    }),
  });
  const body = await response.json();
  if (!response.ok) throw new Error(`token refused: ${JSON.stringify(body)}`);
  return body.access_token;
}

const load = (file) => grpc.loadPackageDefinition(protoLoader.loadSync(file, {
  includeDirs, keepCase: false, longs: String, enums: String, defaults: true, oneofs: true,
}));

/** google.rpc.Status from grpc-status-details-bin: the field violations of an InvalidArgument. */
const find = (file) => includeDirs.map((d) => `${d}/${file}`).find(existsSync) ?? (() => { throw new Error(`${file} is not in PINGAN_PROTOS`); })();
const statusTypes = await protobuf.load([find("google/rpc/status.proto"), find("google/rpc/error_details.proto")]);
function violations(error) {
  const details = error.metadata?.get("grpc-status-details-bin")?.[0];
  if (!details) return [];
  const status = statusTypes.lookupType("google.rpc.Status").decode(details);
  const badRequest = statusTypes.lookupType("google.rpc.BadRequest");
  return status.details.filter((d) => d.type_url.endsWith("google.rpc.BadRequest"))
    .flatMap((d) => badRequest.decode(d.value).fieldViolations.map((v) => ({ field: v.field, description: v.description })));
}

function call(client, method, request, credentials) {
  return new Promise((resolve) => client[method](request, credentials, (error, response) => resolve(error
    ? { ok: false, code: grpc.status[error.code], message: error.details, violations: violations(error) }
    : { ok: true, response })));
}

const access = await token("pingan");
const metadata = new grpc.Metadata();
metadata.set("authorization", `Bearer ${access}`);
const registry = load("registry.proto").pingan.registry.v1;
const sanctions = load("sanctions.proto").pingan.sanctions.v1;
const insecure = grpc.credentials.createInsecure();
const integration = new registry.Integration(env("PINGAN_REGISTRY"), insecure);
const leadership = new registry.Leadership(env("PINGAN_REGISTRY"), insecure);
const cases = new sanctions.Cases(env("PINGAN_SANCTIONS"), insecure);
const feed = JSON.parse(await readFile(env("PINGAN_FEED"), "utf8"));

const result = {};
result.imported = await call(integration, "importTerms", { terms: feed, mode: "ALL_OR_NOTHING" }, metadata);
result.holders = await call(leadership, "listHolders", { unitCode: feed[0].unitCode, role: "PRINCIPAL" }, metadata);
result.sameFeedAgain = await call(integration, "importTerms", { terms: feed, mode: "ALL_OR_NOTHING" }, metadata);
// Mistakes a developer makes: a day in the wrong format, and an outcome reported on a day that is not one.
result.badAppointment = await call(leadership, "appointLeader",
  { name: "李明", unitCode: feed[0].unitCode, role: "PRINCIPAL", startsOn: "2026/03/01", cadreAuthorityCode: feed[0].cadreAuthorityCode }, metadata);
if (process.env.PINGAN_CASE) {
  result.badOutcome = await call(cases, "recordReferralOutcome",
    { caseId: env("PINGAN_CASE"), referralId: env("PINGAN_REFERRAL"), outcome: "给予党内警告处分", decidedOn: "31/12/2026" }, metadata);
}
process.stdout.write(JSON.stringify(result) + "\n");
for (const c of [integration, leadership, cases]) c.close();
