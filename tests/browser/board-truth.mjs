// board-truth.mjs: the kiosk board never shows missing data as a number, shows names not ids,
// switches language (remembered), is axe-clean in both languages, says when its link is down
// and comes back after a silent link and after a restart of the daemon.
//
//   node board-truth.mjs BASE_URL ADMIN_TOKEN SCREENSHOT
//
// Expects the groups "truth-unknown" (open lots, no count) and "truth-named" (named 北区停车 /
// North Parking, lots "north-1" 北一停车场 (English "North One") and "north-2" 北二停车场 with
// counts) on a daemon
// whose stream pings every 500 ms. Talks with the Python test over stdin/stdout: it prints
// "stop", "cont" and "restart" and waits for a line back after each.
import assert from "node:assert/strict";
import { createInterface } from "node:readline";
import AxeBuilder from "@axe-core/playwright";
import { launch } from "./chromium.mjs";

const [base, token, screenshot] = process.argv.slice(2);
const reader = createInterface({ input: process.stdin });
const lines = reader[Symbol.asyncIterator]();

async function ask(word) {
  console.log(word);
  const answer = await lines.next();
  assert.ok(!answer.done, `no answer to ${word}`);
}

async function axeClean(page, label) {
  const result = await new AxeBuilder({ page }).analyze();
  const bad = result.violations.filter((v) => v.impact === "serious" || v.impact === "critical");
  assert.deepEqual(bad.map((v) => `${v.id}: ${v.nodes.map((n) => n.target).join(" ")}`), [],
    `axe on ${label}`);
  console.log(`axe ${label}: ${result.violations.length} violation(s), none serious or critical`);
}

const visible = (page) => page.evaluate(() => document.body.innerText);
const CJK = /[\u3000-\u9fff]/;
const LOT_NAMES = ["北一停车场", "北二停车场"];

const browser = await launch();
try {
  const context = await browser.newContext({ viewport: { width: 1280, height: 720 } });
  const outside = [];
  context.on("request", (request) => { if (!request.url().startsWith(base)) outside.push(request.url()); });

  // Unknown counts: "暂无数据", never a number, on the sign and in the list.
  const unknown = await context.newPage();
  await unknown.goto(base + "/board?group=truth-unknown");
  await unknown.waitForFunction(() => document.getElementById("total").textContent === "暂无数据");
  await unknown.waitForFunction(() => document.querySelectorAll("#lots li").length === 2);
  assert.doesNotMatch(await unknown.textContent("#total"), /\d/);
  assert.deepEqual(await unknown.$$eval("#lots .count", (n) => n.map((c) => c.textContent)),
    ["暂无数据", "暂无数据"]);
  assert.equal((await (await fetch(base + "/v1/totals.txt?group=truth-unknown")).text()), "----\n");
  await axeClean(unknown, "/board unknown zh");
  await unknown.click("#language");
  await unknown.waitForFunction(() => document.getElementById("total").textContent === "No data");
  await axeClean(unknown, "/board unknown en");
  await unknown.click("#language");
  await unknown.close();

  // Names, not ids; every visible string in the other language after the switch.
  const page = await context.newPage();
  await page.goto(base + "/board?group=truth-named&silence=3");
  await page.waitForFunction(() => document.getElementById("name").textContent === "停车诱导 · 北区停车");
  await page.waitForFunction(() => /^\d+$/.test(document.getElementById("total").textContent));
  await page.waitForFunction(() => /:\d\d:\d\d$/.test(document.getElementById("clock").textContent));
  const chinese = await visible(page);
  for (const name of LOT_NAMES) assert.ok(chinese.includes(name), name);
  for (const id of ["north-1", "north-2", "truth-named"]) assert.ok(!chinese.includes(id), id);
  assert.match(chinese, /空余车位/);
  assert.match(chinese, /刚刚更新|分钟前更新/);
  await axeClean(page, "/board zh");
  await page.screenshot({ path: screenshot });
  await page.click("#language");
  await page.waitForFunction(() => document.documentElement.lang === "en");
  const english = await visible(page);
  assert.ok(english.includes("Parking guidance · North Parking"), english);
  assert.match(english, /spaces free/);
  assert.match(english, /updated (just now|\d+ min ago)/);
  assert.ok(english.includes("North One") && !english.includes("北一停车场"), "the English lot name");
  assert.ok(english.includes("北二停车场"), "a lot without an English name keeps its name");
  let rest = english.replaceAll("北二停车场", "");
  assert.ok(rest.includes("中文"), "the switch back names its language");
  rest = rest.replace("中文", "");
  assert.doesNotMatch(rest, CJK, `Chinese left in English: ${rest}`);
  for (const line of chinese.split("\n").filter((l) => CJK.test(l) && !LOT_NAMES.includes(l.trim())))
    assert.ok(!english.includes(line), `unchanged after the switch: ${line}`);
  await axeClean(page, "/board en");
  await page.reload();
  await page.waitForFunction(() => document.getElementById("language").textContent === "中文");
  console.log("language switch: every interface string changed; English remembered");

  // A link that stays open but carries nothing: the board notices within the silence.
  await ask("stop");
  const stopped = Date.now();
  await page.waitForFunction(() => document.getElementById("stale").classList.contains("shown"),
    null, { timeout: 15000 });
  const noticed = Date.now() - stopped;
  assert.match(await page.textContent("#stale"), /Connection to the server lost/);
  await ask("cont");
  await page.waitForFunction(() => !document.getElementById("stale").classList.contains("shown"),
    null, { timeout: 15000 });
  console.log(`silent link noticed after ${noticed} ms (silence 3 s)`);

  // A restart: the board reconnects by itself and shows the next change.
  await ask("restart");
  const update = await fetch(`${base}/v1/lots/north-1/occupancy`, {
    method: "POST",
    headers: { "Authorization": `Bearer ${token}`, "Content-Type": "application/json" },
    body: JSON.stringify({ occupied: 1 }),
  });
  assert.equal(update.status, 200);
  const expected = (await (await fetch(base + "/v1/totals.txt?group=truth-named")).text()).trim();
  await page.waitForFunction((value) => document.getElementById("total").textContent === value,
    expected, { timeout: 20000 });
  await page.waitForFunction(() => !document.getElementById("stale").classList.contains("shown"));
  console.log(`reconnected after the restart and showed ${expected}`);
  assert.deepEqual(outside, [], "no request leaves the daemon");
} finally {
  await browser.close();
  reader.close(); // else the open stdin keeps node running
  process.stdin.destroy();
}
