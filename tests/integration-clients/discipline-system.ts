// The discipline inspection organs' case system, as its developers would write it in TypeScript (issue 18): the
// sanctions service's REST API through a client generated from the OpenAPI document it publishes (openapi-typescript
// types, openapi-fetch calls; `tsc` fails if this code and the document disagree), and the referral endpoint the
// sanctions service delivers to (Art. 32, 39). Prints one JSON object per line: what the test (or a developer) checks.
//
// Environment: PINGAN_IDENTITY (the issuer's base address), PINGAN_CLIENT_ID, PINGAN_CLIENT_SECRET, PINGAN_SANCTIONS_REST,
// PINGAN_PORT (where the referrals are delivered; any free port when unset).
// Commands on standard input: "outcome <caseId> <referralId>", "exit".
import { createServer, type IncomingMessage } from "node:http";
import { createInterface } from "node:readline";
import createClient from "openapi-fetch";
import type { paths } from "./gen/sanctions.js";

const env = (name: string): string => {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set`);
  return value;
};
const print = (line: object) => process.stdout.write(JSON.stringify(line) + "\n");

/** A client-credentials token (RFC 6749 §4.4) from the identity service's token endpoint. */
async function token(scope: string): Promise<string> {
  const response = await fetch(new URL("connect/token", env("PINGAN_IDENTITY")), {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({
      grant_type: "client_credentials", client_id: env("PINGAN_CLIENT_ID"), client_secret: env("PINGAN_CLIENT_SECRET"), scope,
    }),
  });
  const body = (await response.json()) as { access_token?: string };
  if (!response.ok || !body.access_token) throw new Error(`token refused: ${JSON.stringify(body)}`);
  return body.access_token;
}

// The platform may start after this system does: the client (and its token) is made when first needed.
let client: ReturnType<typeof createClient<paths>> | undefined;
const sanctions = async () => client ??= createClient<paths>({
  baseUrl: env("PINGAN_SANCTIONS_REST"),
  headers: { authorization: `Bearer ${await token("pingan.sanctions")}` },
});

// Referrals arrive with an Idempotency-Key: the same key again is the same referral, filed once, same reference.
const filed = new Map<string, string>();
const read = async (request: IncomingMessage) => {
  let text = "";
  for await (const chunk of request) text += chunk;
  return text;
};
const server = createServer(async (request, response) => {
  const key = request.headers["idempotency-key"];
  if (request.method !== "POST" || request.url !== "/discipline/referrals" || typeof key !== "string") {
    response.writeHead(400, { "content-type": "application/json" }).end(JSON.stringify({ error: "POST /discipline/referrals with an Idempotency-Key" }));
    return;
  }
  const body = JSON.parse(await read(request)) as Record<string, unknown>;
  const known = filed.get(key);
  const reference = known ?? `JW-2026-${String(filed.size + 1).padStart(4, "0")}`;
  filed.set(key, reference);
  print({ event: "referral", idempotencyKey: key, first: known === undefined, reference, body });
  response.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ reference }));
});
server.listen(Number(process.env.PINGAN_PORT ?? 0), "127.0.0.1", () => {
  const address = server.address();
  print({ event: "listening", port: typeof address === "object" && address ? address.port : 0 });
});

for await (const line of createInterface({ input: process.stdin })) {
  const [command, caseId = "", referralId = ""] = line.trim().split(/\s+/);
  if (command === "exit") break;
  if (command !== "outcome") continue;
  const path = { caseId, referralId };
  const api = await sanctions();
  const recorded = await api.POST("/v1/cases/{caseId}/referrals/{referralId}:outcome", {
    params: { path }, body: { outcome: "给予党内警告处分", decidedOn: "2026-06-30" },
  });
  // A mistake a developer makes: the day in the local format. The answer names the field; nothing is saved.
  const bad = await api.POST("/v1/cases/{caseId}/referrals/{referralId}:outcome", {
    params: { path }, body: { outcome: "撤销党内职务", decidedOn: "31/12/2026" },
  });
  const after = await api.GET("/v1/cases/{caseId}", { params: { path: { caseId } } });
  print({
    event: "outcome",
    recorded: { status: recorded.response.status, referrals: recorded.data?.referrals },
    bad: { status: bad.response.status, contentType: bad.response.headers.get("content-type"), problem: bad.error },
    after: { status: after.response.status, referrals: after.data?.referrals },
  });
}
server.close();
