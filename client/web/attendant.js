// attendant.js: the attendant's counting page. Every tap is an update with its own
// idempotency key, kept in IndexedDB before the screen counts it and sent in order;
// what waits survives reloads and restarts and is replayed when the network returns.
"use strict";

const TOKEN_KEY = "parkshare.attendant.token";
const SELF_KEY = "parkshare.attendant.self";
const LOTS_KEY = "parkshare.attendant.lots";
const BATCH_MAX = 500;
const BACKOFF_MIN_MS = 1000;
const BACKOFF_MAX_MS = 30000;
const REFRESH_MS = 5000;
const STATES = {
  open: ["开放", "Open"], full: ["已满", "Full"], closed: ["关闭", "Closed"],
  unknown: ["未知", "Unknown"],
};

const $ = (id) => document.getElementById(id);
const lots = new Map(); // id -> {lot (the server's last answer), node}
let token = null;
let waiting = []; // the queue as stored, oldest first
let stopped = null; // why sending stopped (a 4xx), or null
let sending = false;
let backoff = BACKOFF_MIN_MS;
let retryTimer = null;

// --- storage: the queue in IndexedDB, ordered by an auto-incremented sequence ---

let database = null;

function openDatabase() {
  return new Promise((resolve, reject) => {
    const request = indexedDB.open("parkshare-attendant", 1);
    request.onupgradeneeded = () =>
      request.result.createObjectStore("updates", { keyPath: "seq", autoIncrement: true });
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
}

function transact(mode, work) {
  return new Promise((resolve, reject) => {
    const transaction = database.transaction("updates", mode);
    const result = work(transaction.objectStore("updates"));
    // Resolved once the data is committed, not merely requested.
    transaction.oncomplete = () => resolve(result && "result" in result ? result.result : undefined);
    transaction.onerror = () => reject(transaction.error);
    transaction.onabort = () => reject(transaction.error);
  });
}

const readQueue = () => transact("readonly", (store) => store.getAll());
const addUpdate = (update) => transact("readwrite", (store) => store.add(update));
const removeUpdates = (seqs) =>
  transact("readwrite", (store) => seqs.forEach((seq) => store.delete(seq)));

function newKey() {
  if (crypto.randomUUID) return crypto.randomUUID();
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}

// --- what the screen shows ---

function both(zh, en) {
  return `${zh} <span lang="en">${en}</span>`;
}

function escapeText(text) {
  const span = document.createElement("span");
  span.textContent = text;
  return span.innerHTML;
}

// The count the server confirmed, with every update still waiting applied in order.
function shownCount(lot) {
  let count = lot.occupied;
  for (const update of waiting) {
    if (update.lot !== lot.id || update.space) continue;
    if ("occupied" in update) count = update.occupied;
    else if (count !== null) count = Math.min(lot.capacity, Math.max(0, count + update.delta));
  }
  return count;
}

// While a leave-by deadline applies: "请于 周一 07:30 前驶离" (the deadline's weekday as the
// daemon writes it, in its zone), or its date when it is not within the next 7 days.
function leaveByHtml(iso) {
  if (!iso) return "";
  const month = +iso.slice(5, 7), day = +iso.slice(8, 10), time = iso.slice(11, 16);
  const weekday = new Date(Date.UTC(+iso.slice(0, 4), month - 1, day)).getUTCDay();
  const soon = Date.parse(iso) - Date.now() < 7 * 86400000;
  const zh = soon ? "日一二三四五六".charAt(weekday) : "";
  const en = soon ? ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"][weekday] : `${day}/${month}`;
  return both(`请于 ${soon ? "周" + zh : `${month}月${day}日`} ${time} 前驶离`, `Leave by ${en} ${time}`);
}

function renderLot(id) {
  const entry = lots.get(id);
  if (!entry) return;
  const { lot, node } = entry;
  const count = shownCount(lot);
  const state = STATES[lot.state] || STATES.unknown;
  node.querySelector("h2").textContent = lot.name || id;
  node.querySelector(".occupied").textContent = count === null ? "—" : String(count);
  node.querySelector(".capacity").innerHTML = lot.capacity
    ? `/ ${lot.capacity} ${both("已停", "parked")}` : "";
  const badge = node.querySelector(".badge");
  badge.className = `badge ${lot.state || "unknown"}`;
  badge.innerHTML = both(state[0], state[1]);
  node.querySelector(".free").innerHTML = [count === null || !lot.capacity ? ""
    : `${both("空余", "Free")}: ${lot.capacity - count}`, leaveByHtml(lot.leave_by)].filter(Boolean).join(" · ");
  const name = lot.name || id;
  node.querySelector(".in").setAttribute("aria-label", `车辆驶入 Car in +1 · ${name}`);
  node.querySelector(".out").setAttribute("aria-label", `车辆驶出 Car out −1 · ${name}`);
  node.querySelector(".recount button").setAttribute("aria-label", `设为此数 Set to N · ${name}`);
  renderSpaces(entry);
  renderClosure(node, lot);
}

// The emergency closure in force, if any: why and until when, with the button that withdraws it.
function renderClosure(node, lot) {
  const now = node.querySelector(".closure-now");
  now.hidden = !lot.closure;
  node.querySelector(".withdraw").hidden = !lot.closure;
  now.innerHTML = lot.closure ? `${both("临时关闭中", "Closed")}: ${escapeText(lot.closure.reason)} · `
    + `${both("至", "until")} ${escapeText(lot.closure.until.slice(5, 16).replace("T", " "))}` : "";
}

// An emergency closure from now, until withdrawn (the daemon ends it after closure_max_open).
async function closeNow(lotId, reason) {
  if (!reason.trim()) { note(lotId, both("请填写关闭原因", "Give the reason to close")); return; }
  await closureCall(lotId, "POST", `/v1/lots/${encodeURIComponent(lotId)}/closures`,
    { from: new Date().toISOString(), reason: reason.trim() }, { "Idempotency-Key": newKey() },
    both("已临时关闭", "Closed"));
}

async function withdrawClosure(lotId) {
  const closure = lots.get(lotId)?.lot.closure;
  if (!closure) return;
  await closureCall(lotId, "DELETE", `/v1/lots/${encodeURIComponent(lotId)}/closures/${encodeURIComponent(closure.id)}`,
    undefined, {}, both("已恢复开放", "Reopened"));
}

// Closures are not queued: they need the network now, and the attendant sees at once if it failed.
async function closureCall(lotId, method, path, body, headers, done) {
  try {
    const answer = await call(method, path, body, headers);
    note(lotId, answer.status < 300 ? done
      : escapeText(answer.document?.detail || `HTTP ${answer.status}`));
    if (answer.status < 300) await refreshLots();
  } catch (error) {
    note(lotId, both("网络不可用，未能提交", "No network; nothing was sent"));
  }
}

function note(id, html) {
  const entry = lots.get(id);
  if (entry) entry.node.querySelector(".note").innerHTML = html;
}

function age(ms) {
  const seconds = Math.max(0, Math.round(ms / 1000));
  if (seconds < 60) return [`${seconds} 秒`, `${seconds} s`];
  const minutes = Math.floor(seconds / 60);
  if (minutes < 120) return [`${minutes} 分钟`, `${minutes} min`];
  return [`${Math.floor(minutes / 60)} 小时`, `${Math.floor(minutes / 60)} h`];
}

function describe(update) {
  const name = lots.get(update.lot)?.lot.name || update.lot;
  if (update.space) return `${name} · ${SPACE_NAMES[update.space]?.[0] || update.space}: ${update.delta > 0 ? "+" : ""}${update.delta}`;
  if ("occupied" in update) return `${name}: = ${update.occupied}`;
  return `${name}: ${update.delta > 0 ? "+" : ""}${update.delta}`;
}

function renderQueue() {
  const box = $("queue");
  const summary = $("queue-summary");
  box.classList.toggle("waiting", waiting.length > 0);
  box.dataset.waiting = String(waiting.length);
  if (waiting.length === 0) {
    summary.innerHTML = both("没有待发送的记录", "Nothing waiting to send");
  } else {
    const [zh, en] = age(Date.now() - waiting[0].created);
    summary.innerHTML = both(`待发送 ${waiting.length} 条，最早的在 ${zh}前`,
      `${waiting.length} waiting to send, the oldest ${en} ago`);
  }
  const list = $("waiting-list");
  list.replaceChildren(...waiting.slice(0, 20).map((update) => {
    const item = document.createElement("li");
    item.textContent = `${describe(update)} · ${new Date(update.created).toLocaleTimeString()}`;
    return item;
  }));
  for (const id of lots.keys()) renderLot(id);
}

function showProblem(html, actions) {
  const box = $("problem");
  box.hidden = html === null;
  if (html === null) return box.replaceChildren();
  box.innerHTML = html;
  for (const [label, act] of actions || []) {
    const button = document.createElement("button");
    button.type = "button";
    button.innerHTML = label;
    button.addEventListener("click", act);
    box.append(document.createElement("br"), button);
  }
}

// --- talking to the daemon ---

async function call(method, path, body, headers) {
  const response = await fetch(path, {
    method, cache: "no-store", credentials: "omit",
    headers: { Authorization: `Bearer ${token}`, ...(body ? { "Content-Type": "application/json" } : {}), ...headers },
    body: body ? JSON.stringify(body) : undefined,
  });
  let document = null;
  try { document = await response.json(); } catch (error) { document = null; }
  return { status: response.status, document, retryAfter: response.headers.get("Retry-After") };
}

function accept(result) {
  const entry = lots.get(result.id);
  if (!entry) return;
  // An older answer (a read that crossed a write) never undoes a newer one.
  if (entry.lot.version !== undefined && result.version < entry.lot.version) return;
  if (result.space) return acceptSpace(entry.lot, result);
  Object.assign(entry.lot, { occupied: result.occupied, capacity: result.capacity, version: result.version });
  if (result.state) entry.lot.state = result.state;
  saveLots();
}

function saveLots() {
  localStorage.setItem(LOTS_KEY, JSON.stringify([...lots.values()].map((entry) => entry.lot)));
}

// What the server said, as one line in both languages.
function refusal(status, problem) {
  const detail = escapeText(problem?.detail || "");
  if (status === 401) {
    return both("此登录链接已失效（令牌已撤销）。待发送的记录都保留着，请向管理员索取新链接。",
      "This sign-in link no longer works (the token was revoked). Nothing waiting was dropped: ask your operator for a new link.");
  }
  if (status === 403) return both(`无权更新此车场（${status}）`, `Not allowed to update this lot (${status})`) + ` ${detail}`;
  if (status === 404) return both(`没有这个车场（${status}）`, `No such lot (${status})`) + ` ${detail}`;
  return both(`服务器拒绝了更新（${status}）`, `The server refused the update (${status})`) + ` ${detail}`;
}

function stop(status, problem, update) {
  stopped = { status, problem };
  const actions = [];
  if (status !== 401 && update) {
    actions.push([both("放弃这一条并继续", "Discard this update and go on"), async () => {
      await removeUpdates([update.seq]);
      waiting = waiting.filter((item) => item.seq !== update.seq);
      resume();
    }]);
  }
  if (status !== 401) actions.push([both("重试", "Try again"), resume]);
  showProblem(refusal(status, problem) + (update ? `<br>${escapeText(describe(update))}` : ""), actions);
  renderQueue();
}

function resume() {
  stopped = null;
  showProblem(null);
  backoff = BACKOFF_MIN_MS;
  send();
}

function later(retryAfter) {
  clearTimeout(retryTimer);
  const wait = retryAfter ? Math.max(Number(retryAfter) * 1000, backoff) : backoff;
  retryTimer = setTimeout(send, wait);
  backoff = Math.min(backoff * 2, BACKOFF_MAX_MS);
}

function itemOf(update) {
  const item = { id: update.lot, idempotency_key: update.key };
  if ("occupied" in update) item.occupied = update.occupied;
  else item.delta = update.delta;
  if (update.space) item.space = update.space;
  return item;
}

// Send the oldest waiting updates, in order: one alone, several as one batch. Returns
// true to go on, false to wait (network, 5xx, 429) or stop (4xx).
async function sendSome() {
  const head = waiting.slice(0, waiting.length > 1 ? BATCH_MAX : 1);
  let answer;
  if (head.length === 1) {
    const item = itemOf(head[0]);
    const body = "occupied" in item ? { occupied: item.occupied } : { delta: item.delta };
    if (item.space) body.space = item.space;
    answer = await call("POST", `/v1/lots/${encodeURIComponent(item.id)}/occupancy`, body,
      { "Idempotency-Key": item.idempotency_key });
    answer.results = [answer.status === 200
      ? { status: 200, result: answer.document } : { status: answer.status, problem: answer.document }];
  } else {
    answer = await call("POST", "/v1/occupancy", { updates: head.map(itemOf) });
    if (answer.status === 200) answer.results = answer.document.results;
  }
  if (answer.status === 429 || answer.status >= 500) return later(answer.retryAfter), false;
  if (answer.status !== 200 && head.length > 1) return stop(answer.status, answer.document, null), false;
  const done = [];
  let refused = null;
  for (let i = 0; i < answer.results.length; i++) {
    const result = answer.results[i];
    if (result.status === 200) {
      done.push(head[i].seq);
      accept(result.result);
      note(head[i].lot, result.result.clamped
        ? both(result.result.occupied === 0 ? "已经是空的，未减" : "已经满了，未加",
          result.result.occupied === 0 ? "Already empty: not counted" : "Already full: not counted")
        : "");
    } else if (result.status === 429 || result.status >= 500) {
      break; // the rest waits for the retry, still in order
    } else {
      refused = { status: result.status, problem: result.problem, update: head[i] };
      break;
    }
  }
  await removeUpdates(done);
  waiting = waiting.filter((update) => !done.includes(update.seq));
  renderQueue();
  if (refused) return stop(refused.status, refused.problem, refused.update), false;
  if (done.length < head.length) return later(null), false;
  backoff = BACKOFF_MIN_MS;
  return true;
}

async function sendAll() {
  if (sending || stopped || !token) return;
  sending = true;
  clearTimeout(retryTimer);
  try {
    while (waiting.length > 0 && !stopped) {
      if (!(await sendSome())) break;
    }
  } catch (error) {
    // The network, or a reply lost on its way: the same keys go again later.
    later(null);
  } finally {
    sending = false;
  }
}

// One tab sends at a time, so that two open pages cannot reorder the queue.
function send() {
  if (sending || stopped || !token) return;
  if (navigator.locks) {
    navigator.locks.request("parkshare-attendant-queue", { ifAvailable: true }, async (lock) => {
      if (!lock) return later(null);
      waiting = await readQueue();
      renderQueue();
      await sendAll();
    });
  } else {
    sendAll();
  }
}

async function tap(lotId, change) {
  const update = { lot: lotId, key: newKey(), created: Date.now(), ...change };
  // Stored first: only a tap that is safely kept is counted on the screen.
  try {
    update.seq = await addUpdate(update);
  } catch (error) {
    note(lotId, both("未能保存，本次未计入，请再点一次", "Could not be kept on this phone: not counted, tap again"));
    return;
  }
  waiting.push(update);
  note(lotId, "");
  renderQueue();
  send();
}

// --- space types: a lot's declared types, each counted with its own taps ---

const SPACE_NAMES = {
  disabled: ["无障碍", "Disabled"], charging: ["充电", "Charging"], family: ["亲子", "Family"],
  women: ["女士", "Women"], carsharing: ["共享汽车", "Car sharing"], bus: ["大客车", "Bus"],
  truck: ["货车", "Truck"], motorcycle: ["摩托车", "Motorcycle"], reserved: ["预留", "Reserved"],
};

// A type's count as the server confirmed it, with its waiting taps applied in order.
function shownSpaceCount(lot, type) {
  const space = lot.spaces[type];
  let count = space.occupied;
  for (const update of waiting) {
    if (update.lot !== lot.id || update.space !== type) continue;
    count = Math.min(space.capacity, Math.max(0, (count ?? 0) + update.delta));
  }
  return count;
}

function acceptSpace(lot, result) {
  const space = lot.spaces?.[result.space];
  if (space) Object.assign(space, { occupied: result.occupied, capacity: result.capacity });
  lot.version = result.version;
  saveLots();
}

// One row per type: "充电 Charging 3 / 8 [+1] [−1]", built once and filled on every render.
function spaceRow(lotId, type) {
  const row = document.createElement("div");
  row.className = "space";
  row.dataset.space = type;
  row.innerHTML = `<span class="space-name">${both(...SPACE_NAMES[type])}</span> <span class="space-count"></span>`
    + '<button type="button" class="space-in">+1</button><button type="button" class="space-out">−1</button>';
  row.querySelector(".space-in").addEventListener("click", () => tap(lotId, { delta: 1, space: type }));
  row.querySelector(".space-out").addEventListener("click", () => tap(lotId, { delta: -1, space: type }));
  return row;
}

function renderSpaces({ lot, node }) {
  let box = node.querySelector(".spaces");
  if (!box) {
    box = document.createElement("div");
    box.className = "spaces";
    node.querySelector(".recount").before(box);
  }
  for (const type of Object.keys(lot.spaces || {})) {
    if (!SPACE_NAMES[type]) continue;
    let row = box.querySelector(`[data-space="${type}"]`);
    if (!row) box.append(row = spaceRow(lot.id, type));
    const count = shownSpaceCount(lot, type);
    row.querySelector(".space-count").textContent = `${count === null ? "—" : count} / ${lot.spaces[type].capacity}`;
  }
}

// --- the lots ---

function addLot(lot) {
  const node = $("lot-template").content.firstElementChild.cloneNode(true);
  node.dataset.lot = lot.id;
  node.querySelector(".in").addEventListener("click", () => tap(lot.id, { delta: 1 }));
  node.querySelector(".out").addEventListener("click", () => tap(lot.id, { delta: -1 }));
  node.querySelector(".recount").addEventListener("submit", (event) => {
    event.preventDefault();
    const input = event.target.querySelector("input");
    const value = Number(input.value);
    const entry = lots.get(lot.id);
    if (!Number.isInteger(value) || value < 0 || (entry.lot.capacity && value > entry.lot.capacity)) {
      note(lot.id, both("请输入 0 到车位总数之间的整数", "Enter a whole number from 0 to the capacity"));
      return;
    }
    input.value = "";
    tap(lot.id, { occupied: value });
  });
  node.querySelector("input").setAttribute("aria-label", "重新清点 Recount: set to N");
  node.querySelector(".closure").addEventListener("submit", (event) => {
    event.preventDefault();
    closeNow(lot.id, node.querySelector(".reason").value);
  });
  node.querySelector(".withdraw").addEventListener("click", () => withdrawClosure(lot.id));
  $("lots").append(node);
  lots.set(lot.id, { lot, node });
  renderLot(lot.id);
}

async function refreshLots() {
  if (!token) return;
  for (const id of lots.keys()) {
    try {
      const response = await fetch(`/v1/lots/${encodeURIComponent(id)}`, { cache: "no-store", credentials: "omit" });
      if (response.status === 200) {
        const lot = await response.json();
        const entry = lots.get(id);
        if (entry.lot.version === undefined || lot.version >= entry.lot.version) {
          entry.lot = { ...entry.lot, ...lot };
          saveLots();
          renderLot(id);
        }
      }
    } catch (error) {
      return; // offline: what was shown stays
    }
  }
}

function showSelf(self) {
  $("who").textContent = `${self.name} · ${self.lots.length} 个车场 lots`;
  const known = new Map((JSON.parse(localStorage.getItem(LOTS_KEY) || "[]")).map((lot) => [lot.id, lot]));
  for (const id of self.lots) {
    if (!lots.has(id)) addLot(known.get(id) || { id, name: id, occupied: null, capacity: 0, state: "unknown" });
  }
  if (self.lots.length === 0) {
    showProblem(both("此令牌不属于任何车场（管理员令牌？）", "This token is not scoped to any lot (an admin token?)"));
  }
}

async function loadSelf() {
  const cached = localStorage.getItem(SELF_KEY);
  if (cached) showSelf(JSON.parse(cached));
  try {
    const answer = await call("GET", "/v1/tokens/self");
    if (answer.status === 200) {
      localStorage.setItem(SELF_KEY, JSON.stringify(answer.document));
      showSelf(answer.document);
    } else if (answer.status === 401) {
      stop(401, answer.document, null);
    }
  } catch (error) {
    // Offline: the lots known from before are shown, and taps wait.
  }
  refreshLots();
}

// --- signing in and out ---

function takeTokenFromLink() {
  const fragment = new URLSearchParams(location.hash.slice(1));
  const given = fragment.get("token");
  if (given) {
    if (given !== localStorage.getItem(TOKEN_KEY)) {
      localStorage.removeItem(SELF_KEY);
      localStorage.removeItem(LOTS_KEY);
    }
    localStorage.setItem(TOKEN_KEY, given);
  }
  if (location.hash) history.replaceState(null, "", location.pathname + location.search);
  return localStorage.getItem(TOKEN_KEY);
}

function signOut() {
  const note = waiting.length > 0
    ? `还有 ${waiting.length} 条记录未发送，退出后会保留在本机，重新登录后发送。确定退出？\n${waiting.length} updates have not been sent; they stay on this phone and are sent after the next sign-in. Sign out?`
    : "确定退出？ Sign out?";
  if (!confirm(note)) return;
  for (const key of [TOKEN_KEY, SELF_KEY, LOTS_KEY]) localStorage.removeItem(key);
  location.replace("/attendant");
}

async function start() {
  database = await openDatabase();
  token = takeTokenFromLink();
  waiting = await readQueue();
  renderQueue();
  setInterval(renderQueue, 1000);
  if ("serviceWorker" in navigator) {
    navigator.serviceWorker.register("/attendant-sw.js", { scope: "/attendant" }).catch(() => {});
  }
  if (!token) {
    $("signed-out").hidden = false;
    return;
  }
  $("sign-out").hidden = false;
  $("sign-out").addEventListener("click", signOut);
  await loadSelf();
  window.addEventListener("online", () => { backoff = BACKOFF_MIN_MS; send(); refreshLots(); });
  setInterval(() => { if (!sending && !stopped) refreshLots(); }, REFRESH_MS);
  send();
}

start().catch((error) => showProblem(both("本机存储不可用，无法保存记录", "This browser's storage is not available: taps cannot be kept") + ` ${escapeText(String(error))}`));
