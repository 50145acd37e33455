// cross-origin.mjs: a page on another origin calls the API from headless Chromium.
//
//   node cross-origin.mjs API_BASE PAGE_URL ATTENDANT_TOKEN LOT_ID
//
// Opens PAGE_URL (served from another origin than API_BASE), and from that
// page: reads /v1/lots, then again with If-None-Match set from the ETag it
// could read (Access-Control-Expose-Headers), expecting 304; then posts an
// attendant's update with Authorization, Content-Type and Idempotency-Key,
// which the browser only sends after a preflight. Exits non-zero on failure.
import assert from "node:assert/strict";
import { launch } from "./chromium.mjs";

const [apiBase, pageUrl, token, lotId] = process.argv.slice(2);
assert.notEqual(new URL(apiBase).origin, new URL(pageUrl).origin, "two origins");

const browser = await launch();
try {
  const page = await (await browser.newContext()).newPage();
  const methods = [];
  page.on("request", (request) => methods.push(`${request.method()} ${request.url()}`));
  await page.goto(pageUrl);
  const result = await page.evaluate(async ([base, bearer, id]) => {
    const outcome = {};
    try {
      const first = await fetch(`${base}/v1/lots`, { cache: "no-store" });
      outcome.first = { status: first.status, etag: first.headers.get("ETag"),
                        lots: (await first.json()).lots.length };
      const second = await fetch(`${base}/v1/lots`, {
        cache: "no-store", headers: { "If-None-Match": outcome.first.etag } });
      outcome.second = { status: second.status, etag: second.headers.get("ETag") };
      const update = await fetch(`${base}/v1/lots/${id}/occupancy`, {
        method: "POST",
        headers: { "Authorization": `Bearer ${bearer}`, "Content-Type": "application/json",
                   "Idempotency-Key": `cross-origin-${Date.now()}` },
        body: JSON.stringify({ occupied: 5 }),
      });
      outcome.update = { status: update.status, occupied: (await update.json()).occupied };
    } catch (error) {
      outcome.error = String(error);
    }
    return outcome;
  }, [apiBase, token, lotId]);
  console.log(JSON.stringify(result));
  assert.equal(result.error, undefined, "a fetch was blocked");
  assert.equal(result.first.status, 200);
  assert.ok(result.first.lots >= 29, `${result.first.lots} lots`);
  // Chromium accepts gzip: the tag it reads is the gzip answer's.
  assert.match(result.first.etag ?? "", /^"[0-9a-f]{16}-gzip"$/, "ETag readable by the page");
  assert.equal(result.second.status, 304);
  assert.equal(result.second.etag, result.first.etag);
  assert.equal(result.update.status, 200);
  assert.equal(result.update.occupied, 5);
  console.log(`cross-origin page: 200 then 304 on ${result.first.etag}, update after a preflight`);
} finally {
  await browser.close();
}
