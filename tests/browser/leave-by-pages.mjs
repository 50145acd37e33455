// leave-by-pages.mjs: the leave-by deadline on the board and the driver page, in headless Chromium.
//
//   node leave-by-pages.mjs BASE_URL GROUP LOT_ID EXPECTED
//
// LOT_ID (in GROUP) is closed with a leave-by deadline in force; EXPECTED is the
// text both pages must show for it ("请于 周一 07:30 前驶离"). Exits non-zero on failure.
import assert from "node:assert/strict";
import { launch } from "./chromium.mjs";

const [base, group, lotId, expected] = process.argv.slice(2);

const lot = await (await fetch(`${base}/v1/lots/${lotId}`)).json();
assert.equal(lot.state, "closed");
assert.ok(lot.leave_by, "the lot has a deadline in force");
const browser = await launch();
try {
  const context = await browser.newContext({
    geolocation: { latitude: lot.location.lat, longitude: lot.location.lon },
    permissions: ["geolocation"], viewport: { width: 1280, height: 720 }, locale: "zh-CN",
  });
  const board = await context.newPage();
  await board.goto(`${base}/board?group=${group}`);
  await board.waitForFunction((id) => document.querySelector(`#lots li[data-id="${id}"]`), lotId);
  const row = await board.$eval(`#lots li[data-id="${lotId}"] .count`, (node) => node.textContent);
  assert.equal(row, `未开放${expected}`);

  const driver = await context.newPage();
  await driver.goto(base + "/");
  await driver.waitForSelector(`.lot[data-id="${lotId}"]`);
  const meta = await driver.$eval(`.lot[data-id="${lotId}"] .meta`, (node) => node.textContent);
  assert.ok(meta.includes(expected), `${meta} shows ${expected}`);
  console.log(`leave-by shown on the board and the driver page: ${expected}`);
} finally {
  await browser.close();
}
