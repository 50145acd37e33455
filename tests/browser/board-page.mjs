// board-page.mjs: the kiosk board in headless Chromium against a running daemon.
//
//   node board-page.mjs BASE_URL ADMIN_TOKEN SCREENSHOT
//
// Expects the groups "board-live" (lots always open) and "board-closing"
// (open until the next minute) to exist. Checks the big number against
// /v1/totals.txt, that an update shows within 3 s without a reload, and
// that CLOSED appears when the schedule closes the group.
import assert from "node:assert/strict";
import { launch } from "./chromium.mjs";

const [base, token, screenshot] = process.argv.slice(2);

async function text(path) {
  const response = await fetch(base + path);
  assert.equal(response.status, 200, path);
  return (await response.text()).trim();
}

const browser = await launch();
try {
  const context = await browser.newContext({ viewport: { width: 1280, height: 720 } });
  const page = await context.newPage();
  const outside = [];
  page.on("request", (request) => { if (!request.url().startsWith(base)) outside.push(request.url()); });

  await page.goto(base + "/board?group=board-live");
  const expected = await text("/v1/totals.txt?group=board-live");
  await page.waitForFunction((value) => document.getElementById("total").textContent === value, expected);
  await page.waitForFunction(() => document.querySelectorAll("#lots li").length === 2);

  const update = await fetch(`${base}/v1/lots/board-live-a/occupancy`, {
    method: "POST",
    headers: { "Authorization": `Bearer ${token}`, "Content-Type": "application/json" },
    body: JSON.stringify({ delta: 3 }),
  });
  assert.equal(update.status, 200);
  const after = String(Number(expected) - 3);
  const started = Date.now();
  await page.waitForFunction((value) => document.getElementById("total").textContent === value,
    after, { timeout: 3000 });
  const latency = Date.now() - started;
  await page.screenshot({ path: screenshot });

  const closing = await context.newPage();
  await closing.goto(base + "/board?group=board-closing");
  await closing.waitForFunction(() => /^\d+$/.test(document.getElementById("total").textContent));
  await closing.waitForFunction(() => document.getElementById("total").textContent === "CLOSED",
    null, { timeout: 90000 });
  assert.equal(await text("/v1/totals.txt?group=board-closing"), "CLOSED");
  assert.deepEqual(outside, [], "no asset from outside the daemon");
  console.log(`board: update shown after ${latency} ms; CLOSED shown when the group closed`);
} finally {
  await browser.close();
}
