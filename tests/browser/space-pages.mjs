// space-pages.mjs: a lot's space types, vehicles and entry on the driver page and the board,
// in headless Chromium.
//
//   node space-pages.mjs BASE_URL GROUP LOT_ID DRIVER_TEXT BOARD_TEXT
//
// LOT_ID (in GROUP) declares space types; DRIVER_TEXT is what the driver page's line for it
// must contain ("充电 空4/6 · 无障碍 4个 · 限7座及以下 · 营运车辆不得入内 · 入口登记") and BOARD_TEXT the
// board row's small line ("无障碍 — · 充电 4"). Exits non-zero on failure.
import assert from "node:assert/strict";
import { launch } from "./chromium.mjs";

const [base, group, lotId, driverText, boardText] = process.argv.slice(2);

const lot = await (await fetch(`${base}/v1/lots/${lotId}`)).json();
assert.ok(lot.spaces, "the lot declares space types");
const browser = await launch();
try {
  const context = await browser.newContext({
    geolocation: { latitude: lot.location.lat, longitude: lot.location.lon },
    permissions: ["geolocation"], viewport: { width: 1280, height: 720 }, locale: "zh-CN",
  });
  const driver = await context.newPage();
  await driver.goto(base + "/");
  await driver.waitForSelector(`.lot[data-id="${lotId}"]`);
  const meta = await driver.$eval(`.lot[data-id="${lotId}"] .meta`, (node) => node.textContent);
  assert.ok(meta.includes(driverText), `"${meta}" shows "${driverText}"`);

  const board = await context.newPage();
  await board.goto(`${base}/board?group=${group}`);
  await board.waitForFunction((id) => document.querySelector(`#lots li[data-id="${id}"] .spaces`),
                              lotId);
  const line = await board.$eval(`#lots li[data-id="${lotId}"] .spaces`, (node) => node.textContent);
  assert.equal(line, boardText);
  console.log(`space types shown on the driver page and the board: ${boardText}`);
} finally {
  await browser.close();
}
