// driver.js: the driver page (index.html): lots on a map and in a list, near the phone or in
// a chosen area, with live free counts, their age and opening times, in Chinese or English.
// Everything it loads comes from this daemon; its settings come from GET /v1/info.
"use strict";

const TEXT = {
  zh: {
    title: "附近开放的停车场", locate: "用我的位置", area_label: "选择片区", all_areas: "全部片区",
    locating: "正在获取位置…", map_title: "停车场地图", list_title: "停车场列表",
    legend_open: "有空位", legend_nearly: "将满", legend_full: "已满", legend_closed: "未开放",
    legend_unknown: "暂无数据", open: "有空位", nearly: "将满", full: "已满", closed: "未开放",
    unknown: "暂无数据", no_data: "暂无数据", free_label: "空余车位", none_near: "附近没有停车场",
    by_distance: "按距离排序", by_name: "按名称排序", updated_at: "已更新 {time}",
    offline: "连接中断，正在重试…", no_location: "无法定位，请选择片区",
    map_missing: "地图暂不可用，列表照常更新。", tiles_failed: "地图底图加载失败，仅显示停车场位置。",
    just_now: "刚刚更新", minutes_ago: "{n} 分钟前更新", hours_ago: "{n} 小时前更新",
    days_ago: "{n} 天前更新", never: "从未上报", last_seen: "最后上报：{age}",
    always_open: "全天开放", not_open: "暂不开放", open_until: "开放至 {when}", opens_at: "{when} 开放",
    tomorrow: "明天 {time}", date_time: "{month}月{day}日 {time}", free_fee: "免费", paid_fee: "收费",
    metres: "{n} 米", kilometres: "{n} 公里", navigate: "导航前往", amap: "高德地图",
    now_full: "{name} 已满", now_open: "{name} 有空位", now_closed: "{name} 已关闭",
    you: "您的位置", page_title: "parkshare · 附近停车场", switch_to: "English",
    zoom_in: "放大", zoom_out: "缩小",
    closed_for: "临时关闭：{reason}，至 {when}", closing_at: "{when} 起临时关闭：{reason}",
    leave_by: "请于 {when} 前驶离", weekdays: "周日,周一,周二,周三,周四,周五,周六",
    chart_title: "{name}：今日空位", chart_today: "今天", chart_usual: "平常的{kind}",
    chart_forecast: "未来 3 小时预测（80% 区间）", chart_insufficient: "历史数据不足，暂无预测",
    kind_workday: "工作日", kind_weekend: "周末", kind_holiday: "节假日",
    kind_makeup_workday: "调休上班日", kind_pre_holiday: "节前工作日",
  },
  en: {
    title: "Open car parks nearby", locate: "Use my location", area_label: "Choose an area",
    all_areas: "All areas", locating: "Finding your location…", map_title: "Map of car parks",
    list_title: "List of car parks", legend_open: "Spaces", legend_nearly: "Nearly full",
    legend_full: "Full", legend_closed: "Closed", legend_unknown: "No data", open: "Spaces",
    nearly: "Nearly full", full: "Full", closed: "Closed", unknown: "No data", no_data: "No data",
    free_label: "free spaces", none_near: "No car parks nearby", by_distance: "Nearest first",
    by_name: "By name", updated_at: "updated {time}", offline: "Connection lost, retrying…",
    no_location: "Location unavailable; choose an area", map_missing: "The map is unavailable; the list still updates.",
    tiles_failed: "The background map failed to load; car parks are still shown.",
    just_now: "updated just now", minutes_ago: "updated {n} min ago", hours_ago: "updated {n} h ago",
    days_ago: "updated {n} days ago", never: "never reported", last_seen: "last report: {age}",
    always_open: "Open all day", not_open: "Not open now", open_until: "Open until {when}",
    opens_at: "Opens {when}", tomorrow: "tomorrow {time}", date_time: "{day} {monthName} {time}",
    free_fee: "Free", paid_fee: "Paid", metres: "{n} m", kilometres: "{n} km", navigate: "Navigate",
    amap: "Amap", now_full: "{name} is full", now_open: "{name} has spaces", now_closed: "{name} is closed",
    you: "You are here", page_title: "parkshare · car parks nearby", switch_to: "中文",
    zoom_in: "Zoom in", zoom_out: "Zoom out",
    closed_for: "Closed: {reason}, until {when}", closing_at: "Closing {when}: {reason}",
    leave_by: "Leave by {when}", weekdays: "Sun,Mon,Tue,Wed,Thu,Fri,Sat",
    chart_title: "{name}: free spaces today", chart_today: "today", chart_usual: "a usual {kind}",
    chart_forecast: "next 3 hours (80 % range)", chart_insufficient: "Not enough history for a forecast yet",
    kind_workday: "workday", kind_weekend: "weekend day", kind_holiday: "holiday",
    kind_makeup_workday: "make-up workday", kind_pre_holiday: "day before a holiday",
  },
};
// Space types, who may park and how to get in (the lot's spaces, vehicles and entry).
const SPACE_TEXT = {
  zh: {
    space_disabled: "无障碍", space_charging: "充电", space_family: "亲子", space_women: "女士",
    space_carsharing: "共享汽车", space_bus: "大客车", space_truck: "货车", space_motorcycle: "摩托车",
    space_reserved: "预留", space_free: "{type} 空{free}/{capacity}", space_unknown: "{type} {capacity}个",
    max_seats: "限{n}座及以下", no_commercial: "营运车辆不得入内", entry_free: "自由进出",
    entry_registration: "入口登记",
  },
  en: {
    space_disabled: "disabled", space_charging: "charging", space_family: "family", space_women: "women",
    space_carsharing: "car sharing", space_bus: "bus", space_truck: "truck", space_motorcycle: "motorcycle",
    space_reserved: "reserved", space_free: "{type} {free}/{capacity} free", space_unknown: "{type} {capacity}",
    max_seats: "up to {n} seats", no_commercial: "no commercial vehicles", entry_free: "free entry",
    entry_registration: "register at the gate",
  },
};
Object.assign(TEXT.zh, SPACE_TEXT.zh);
Object.assign(TEXT.en, SPACE_TEXT.en);

// "充电 空3/8 · 无障碍 4个": each declared type with its free count where it is fresh.
function spacesText(lot) {
  return Object.entries(lot.spaces || {}).map(([type, space]) => {
    const values = { type: t("space_" + type), free: space.free, capacity: space.capacity };
    return t(space.free === null ? "space_unknown" : "space_free", values);
  }).join(" · ");
}

// "限7座及以下 · 营运车辆不得入内 · 入口登记": who may park and how to get in.
function rulesText(lot) {
  const rules = [];
  if (lot.vehicles && lot.vehicles.max_seats) rules.push(t("max_seats", { n: lot.vehicles.max_seats }));
  if (lot.vehicles && lot.vehicles.commercial === false) rules.push(t("no_commercial"));
  if (lot.entry) rules.push(t("entry_" + lot.entry));
  return rules.join(" · ");
}

const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
const POLL_MS = 1000;

const state = {
  language: chosenLanguage(), info: null, near: null, group: "", etag: null, timer: null,
  lots: [], cards: new Map(), markers: new Map(), selected: null, map: null, layer: null,
  areas: null, you: null, zoom: null, fitted: false, first: true, chart: null,
};
const $ = (id) => document.getElementById(id);

function chosenLanguage() {
  let saved = null;
  try { saved = localStorage.getItem("parkshare.language"); } catch (error) { /* private mode */ }
  if (saved === "zh" || saved === "en") return saved;
  return (navigator.language || "zh").toLowerCase().startsWith("en") ? "en" : "zh";
}

function t(key, values) {
  const text = TEXT[state.language][key] || TEXT.zh[key] || key;
  return text.replace(/\{(\w+)\}/g, (all, name) => (values && name in values ? values[name] : all));
}

function element(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

function lotName(lot) {
  return (lot.names && lot.names[state.language]) || lot.name;
}

function areaName(area) {
  return (area.names && area.names[state.language]) || area.name || area.id;
}

// What the page shows: the API's state, with "nearly" for an open lot with few spaces left.
function shownState(lot) {
  if (lot.state !== "open" || lot.free === null) return lot.free === null && lot.state !== "closed" ? "unknown" : lot.state;
  const share = state.info ? state.info.map.nearly_full_share : 0.1;
  return lot.free <= Math.floor(lot.capacity * share) ? "nearly" : "open";
}

// Today's date (YYYY-MM-DD) in the daemon's timezone, not the phone's.
function dateIn(milliseconds) {
  const zone = state.info ? state.info.timezone : undefined;
  const parts = new Intl.DateTimeFormat("en-CA", { timeZone: zone, year: "numeric", month: "2-digit", day: "2-digit" })
    .formatToParts(new Date(milliseconds));
  const part = (type) => parts.find((item) => item.type === type).value;
  return `${part("year")}-${part("month")}-${part("day")}`;
}

function nextDate(date) {
  const next = new Date(Date.UTC(+date.slice(0, 4), +date.slice(5, 7) - 1, +date.slice(8, 10) + 1));
  return next.toISOString().slice(0, 10);
}

// "2026-02-14T20:00:00+08:00" (the daemon's local time) as "20:00", "明天 20:00" or "2月14日 20:00".
function when(iso) {
  const date = iso.slice(0, 10), time = iso.slice(11, 16), today = dateIn(Date.now());
  if (date === today) return time;
  if (date === nextDate(today)) return t("tomorrow", { time });
  const month = +date.slice(5, 7), day = +date.slice(8, 10);
  return t("date_time", { month, day, monthName: MONTHS[month - 1], time });
}

// An announced closure: the one in force (which says why the lot is closed), or the next one.
function closureText(lot) {
  const reason = (closure) => (closure.names && closure.names[state.language]) || closure.reason;
  if (lot.closure) return t("closed_for", { reason: reason(lot.closure), when: when(lot.closure.until) });
  const next = (lot.upcoming_closures || [])[0];
  return next ? t("closing_at", { reason: reason(next), when: when(next.from) }) : "";
}

// While a leave-by deadline applies: "请于 周一 07:30 前驶离", the weekday of the deadline
// (as the daemon writes it, in its own zone), or its date when not within the next 7 days.
function leaveBy(lot) {
  if (!lot.leave_by) return "";
  const date = lot.leave_by.slice(0, 10), time = lot.leave_by.slice(11, 16);
  const month = +date.slice(5, 7), day = +date.slice(8, 10);
  const weekday = new Date(Date.UTC(+date.slice(0, 4), month - 1, day)).getUTCDay();
  const soon = Date.parse(lot.leave_by) - Date.now() < 7 * 86400000;
  const when = soon ? `${t("weekdays").split(",")[weekday]} ${time}`
    : t("date_time", { month, day, monthName: MONTHS[month - 1], time });
  return t("leave_by", { when });
}

function hours(lot) {
  if (lot.closure || (lot.upcoming_closures || []).length) return closureText(lot);
  if (!lot.next_change) return lot.open_now ? t("always_open") : t("not_open");
  return lot.open_now ? t("open_until", { when: when(lot.next_change) }) : t("opens_at", { when: when(lot.next_change) });
}

function age(lot) {
  if (!lot.updated_at) return t("never");
  const minutes = Math.max(0, Math.floor((Date.now() - Date.parse(lot.updated_at)) / 60000));
  if (minutes < 1) return t("just_now");
  if (minutes < 60) return t("minutes_ago", { n: minutes });
  if (minutes < 1440) return t("hours_ago", { n: Math.floor(minutes / 60) });
  return t("days_ago", { n: Math.floor(minutes / 1440) });
}

// A count is shown only when it is fresh: free is null for a stale or missing one.
function freeText(lot) {
  return lot.free === null ? t("no_data") : String(lot.free);
}

function ageText(lot) {
  return lot.free === null && lot.updated_at ? t("last_seen", { age: age(lot) }) : lot.free === null ? "" : age(lot);
}

function distance(lot) {
  if (lot.distance_m === undefined) return "";
  return lot.distance_m < 1000 ? t("metres", { n: lot.distance_m }) : t("kilometres", { n: (lot.distance_m / 1000).toFixed(1) });
}

function fee(lot) {
  const word = lot.fee === "free" ? t("free_fee") : lot.fee === "paid" ? t("paid_fee") : "";
  return word + (lot.fee_note ? (word ? " · " : "") + lot.fee_note : "");
}

function links(lot) {
  const go = element("div", "go");
  const { lat, lon } = lot.location;
  const name = encodeURIComponent(lotName(lot));
  const geo = element("a", "", t("navigate") + " ›");
  geo.href = `geo:${lat},${lon}?q=${lat},${lon}(${name})`;
  const amap = element("a", "amap", t("amap") + " ›");
  amap.href = `https://uri.amap.com/marker?position=${lon},${lat}&name=${name}&coordinate=wgs84&callnative=1`;
  go.append(geo, amap);
  return go;
}

// One list item, built once per lot and updated in place afterwards.
function newCard(lot) {
  const card = element("li", "lot");
  card.dataset.id = lot.id;
  card.tabIndex = 0;
  const info = element("div");
  info.append(element("h3"), element("div", "meta"), element("div", "age"));
  const count = element("div", "count");
  count.append(element("div", "free"), element("span", "badge"));
  card.append(info, count, element("div", "go"));
  card.addEventListener("click", (event) => { if (!event.target.closest("a")) select(lot.id, "list"); });
  card.addEventListener("keydown", (event) => { if (event.key === "Enter" || event.key === " ") { event.preventDefault(); select(lot.id, "list"); } });
  return card;
}

function fillCard(card, lot) {
  const shown = shownState(lot);
  const setText = (selector, text) => { const node = card.querySelector(selector); if (node.textContent !== text) node.textContent = text; };
  setText("h3", lotName(lot));
  setText(".meta", [distance(lot), hours(lot), leaveBy(lot), fee(lot), spacesText(lot), rulesText(lot)].filter(Boolean).join(" · "));
  setText(".age", ageText(lot));
  setText(".free", freeText(lot));
  card.querySelector(".free").className = lot.free === null ? "free none" : "free";
  setText(".badge", t(shown));
  card.querySelector(".badge").className = "badge " + shown;
  card.setAttribute("aria-label", `${lotName(lot)}: ${lot.free === null ? t("no_data") : lot.free + " " + t("free_label")}, ${t(shown)}`);
  // Links are rebuilt only when they change, so a focused link keeps its focus.
  const target = `${lotName(lot)}@${lot.location.lat},${lot.location.lon}@${state.language}`;
  if (card.dataset.links !== target) { card.querySelector(".go").replaceWith(links(lot)); card.dataset.links = target; }
}

// The free count where one is known (a closed lot's too: its colour says closed), else "?".
function markerLabel(lot) {
  return lot.free === null ? "?" : String(lot.free);
}

function popupContent(lot) {
  const card = element("div", "card");
  card.dataset.id = lot.id;
  card.append(element("h3", "", lotName(lot)));
  const count = element("p", "free-line");
  count.append(element("strong", "card-free", freeText(lot)));
  if (lot.free !== null) count.append(" " + t("free_label"));
  card.append(count, element("p", "age", ageText(lot) || t("never")), element("p", "hours", hours(lot)));
  if (leaveBy(lot)) card.append(element("p", "leave-by", leaveBy(lot)));
  if (fee(lot)) card.append(element("p", "fee", fee(lot)));
  for (const [name, text] of [["spaces", spacesText(lot)], ["rules", rulesText(lot)]]) if (text) card.append(element("p", name, text));
  card.append(links(lot));
  return card;
}

function placeMarker(lot) {
  if (!state.map) return;
  const shown = shownState(lot), label = markerLabel(lot);
  const selected = state.selected === lot.id ? " selected" : "";
  const html = `<span class="pin ${shown}${selected}">${label}</span>`;
  let entry = state.markers.get(lot.id);
  if (!entry) {
    const marker = L.marker([lot.location.lat, lot.location.lon], { keyboard: true, riseOnHover: true });
    marker.on("click", () => select(lot.id, "map"));
    marker.bindPopup(() => popupContent(state.lots.find((item) => item.id === lot.id) || lot), { maxWidth: 280 });
    marker.addTo(state.layer);
    entry = { marker, html: "" };
    state.markers.set(lot.id, entry);
  }
  entry.marker.setLatLng([lot.location.lat, lot.location.lon]);
  if (entry.html !== html) {
    entry.marker.setIcon(L.divIcon({ className: "marker", html, iconSize: [34, 34], iconAnchor: [17, 17], popupAnchor: [0, -17] }));
    entry.html = html;
  }
  const element = entry.marker.getElement();
  if (element) {
    element.dataset.id = lot.id;
    element.setAttribute("role", "button");
    element.setAttribute("aria-label", `${lotName(lot)}: ${lot.free === null ? t("no_data") : lot.free + " " + t("free_label")}, ${t(shown)}`);
    element.title = lotName(lot);
  }
  if (entry.marker.isPopupOpen()) entry.marker.getPopup().setContent(popupContent(lot));
}

// Choosing a lot in the list opens its marker's card; tapping a marker highlights its list item.
function select(id, from) {
  state.selected = id;
  loadChart(id);
  for (const [cardId, card] of state.cards) card.classList.toggle("selected", cardId === id);
  for (const lot of state.lots) placeMarker(lot);
  const card = state.cards.get(id), entry = state.markers.get(id);
  if (from === "map" && card) card.scrollIntoView({ block: "nearest" });
  if (from === "list" && entry) {
    state.map.panTo(entry.marker.getLatLng());
    entry.marker.openPopup();
  }
}

function announce(previous, lots) {
  if (state.first) return;
  const before = new Map(previous.map((lot) => [lot.id, shownState(lot)]));
  const messages = [];
  for (const lot of lots) {
    const was = before.get(lot.id), now = shownState(lot);
    if (was === undefined || was === now) continue;
    if (now === "full") messages.push(t("now_full", { name: lotName(lot) }));
    else if (now === "closed") messages.push(t("now_closed", { name: lotName(lot) }));
    else if (was === "full" && (now === "open" || now === "nearly")) messages.push(t("now_open", { name: lotName(lot) }));
  }
  if (messages.length) $("announce").textContent = messages.join("；");
}

function render(lots) {
  const list = $("list");
  announce(state.lots, lots);
  state.lots = lots;
  const ids = new Set(lots.map((lot) => lot.id));
  for (const [id, card] of state.cards) if (!ids.has(id)) { card.remove(); state.cards.delete(id); }
  for (const [id, entry] of state.markers) if (!ids.has(id)) { entry.marker.remove(); state.markers.delete(id); }
  list.querySelector(".empty")?.remove();
  lots.forEach((lot, index) => {
    let card = state.cards.get(lot.id);
    if (!card) { card = newCard(lot); state.cards.set(lot.id, card); }
    fillCard(card, lot);
    // Only an item out of place moves, so focus and scroll stay where they are.
    if (list.children[index] !== card) list.insertBefore(card, list.children[index] || null);
    placeMarker(lot);
  });
  if (lots.length === 0) list.append(element("li", "empty", t("none_near")));
  fitView();
  state.first = false;
}

function fitView() {
  if (!state.map || state.fitted) return;
  if (state.near) {
    state.map.setView([state.near.lat, state.near.lon], 15);
  } else if (state.lots.length) {
    state.map.fitBounds(L.latLngBounds(state.lots.map((lot) => [lot.location.lat, lot.location.lon])), { padding: [30, 30], maxZoom: 16 });
  } else {
    return;
  }
  state.fitted = true;
}

function query() {
  const parts = ["limit=100"];
  if (state.near) parts.push("near=" + state.near.lat.toFixed(6) + "," + state.near.lon.toFixed(6), "radius=5000");
  if (state.group) parts.push("group=" + encodeURIComponent(state.group));
  return "/v1/lots?" + parts.join("&");
}

function statusText() {
  return (state.near ? t("by_distance") : t("by_name")) + " · " +
    t("updated_at", { time: new Date().toLocaleTimeString(state.language === "en" ? "en-GB" : "zh-CN", { timeZone: state.info?.timezone, hour12: false }) });
}

async function refresh() {
  clearTimeout(state.timer);
  state.timer = null;
  try {
    const headers = state.etag ? { "If-None-Match": state.etag } : {};
    const response = await fetch(query(), { headers, cache: "no-store" });
    if (response.status === 200) {
      state.etag = response.headers.get("ETag");
      render((await response.json()).lots);
    } else if (response.status === 304) {
      render(state.lots); // ages move on even when the counts do not
    }
    $("status").textContent = statusText();
  } catch (error) {
    $("status").textContent = t("offline");
  }
  // A hidden page does not poll; it refreshes at once when shown again.
  if (!document.hidden) state.timer = setTimeout(refresh, POLL_MS);
}

function restart() { state.etag = null; state.fitted = false; refresh(); }

function showYou() {
  if (!state.map || !state.near) return;
  if (state.you) state.you.remove();
  state.you = L.circleMarker([state.near.lat, state.near.lon], { radius: 7, color: "#fff", weight: 2, fillColor: "#1a73e8", fillOpacity: 1 })
    .bindTooltip(t("you")).addTo(state.map);
}

function locate() {
  if (!navigator.geolocation) { $("status").textContent = t("no_location"); restart(); return; }
  navigator.geolocation.getCurrentPosition(
    (position) => { state.near = { lat: position.coords.latitude, lon: position.coords.longitude }; showYou(); restart(); },
    () => { $("status").textContent = t("no_location"); restart(); },
    { timeout: 5000, maximumAge: 60000 });
}

function fillAreas() {
  const select = $("area");
  for (const option of [...select.options].slice(1)) option.remove();
  for (const area of state.info.areas) {
    const option = element("option", "", `${areaName(area)} (${area.lots})`);
    option.value = area.id;
    select.append(option);
  }
  select.value = state.group;
}

function drawAreas() {
  if (!state.map) return;
  if (state.areas) state.areas.remove();
  state.areas = L.layerGroup(state.info.areas.map((area) => {
    const [west, south, east, north] = area.bbox;
    return L.rectangle([[south, west], [north, east]], { className: "area", weight: 1, dashArray: "4 4", fill: false, interactive: false });
  })).addTo(state.map);
}

function applyLanguage() {
  document.documentElement.lang = state.language === "en" ? "en" : "zh-CN";
  document.title = t("page_title");
  for (const node of document.querySelectorAll("[data-text]")) node.textContent = t(node.dataset.text);
  const button = $("language");
  button.textContent = t("switch_to");
  button.lang = state.language === "en" ? "zh-CN" : "en";
  if (state.info) fillAreas();
  if (!$("notice").hidden) $("notice").textContent = t($("notice").dataset.text);
  if (state.you) state.you.setTooltipContent(t("you"));
  if (state.map) {
    // The zoom buttons' names follow the language too.
    if (state.zoom) state.zoom.remove();
    state.zoom = L.control.zoom({ zoomInTitle: t("zoom_in"), zoomOutTitle: t("zoom_out") }).addTo(state.map);
  }
  render(state.lots);
  drawChart();
  $("status").textContent = statusText();
}

function notice(key) {
  const line = $("notice");
  line.dataset.text = key;
  line.textContent = t(key);
  line.hidden = false;
}

function setUpMap() {
  if (typeof L === "undefined" || !state.info.map.leaflet) { $("map").hidden = true; notice("map_missing"); return; }
  // Quarter zoom steps let the view fit the lots closely.
  state.map = L.map("map", { zoomControl: false, attributionControl: true, zoomSnap: 0.25 });
  state.map.attributionControl.setPrefix("Leaflet");
  L.control.scale({ imperial: false }).addTo(state.map);
  state.layer = L.layerGroup().addTo(state.map);
  state.map.setView([0, 0], 2);
  if (state.info.map.tiles) {
    const tiles = L.tileLayer(state.info.map.tiles, { attribution: state.info.map.attribution || "", maxZoom: 19 });
    let failed = false;
    tiles.on("tileerror", () => { if (!failed) { failed = true; notice("tiles_failed"); } });
    tiles.addTo(state.map);
  }
  drawAreas();
}

async function start() {
  for (;;) {
    try {
      const response = await fetch("/v1/info", { cache: "no-cache" });
      if (response.ok) { state.info = await response.json(); break; }
    } catch (error) { /* the daemon is restarting: try again */ }
    $("status").textContent = t("offline");
    await new Promise((resolve) => setTimeout(resolve, 2000));
  }
  setUpMap();
  applyLanguage();
  $("locate").addEventListener("click", locate);
  $("area").addEventListener("change", (event) => {
    state.group = event.target.value; state.near = null;
    if (state.you) { state.you.remove(); state.you = null; }
    restart();
  });
  $("language").addEventListener("click", () => {
    state.language = state.language === "en" ? "zh" : "en";
    try { localStorage.setItem("parkshare.language", state.language); } catch (error) { /* private mode */ }
    applyLanguage();
  });
  document.addEventListener("visibilitychange", () => {
    if (document.hidden) { clearTimeout(state.timer); state.timer = null; } else if (!state.timer) refresh();
  });
  locate();
}

// The chosen lot's day as a small inline SVG, no chart library: free spaces today so far (from
// its history), the usual curve for today's kind of day and the next three hours' forecast
// with its 80 % band. Times are read from the daemon's answers, which are in the city's zone.
const CHART = { width: 320, height: 130, left: 28, bottom: 16, top: 6 };

function hourOf(iso) { return Number(iso.slice(11, 13)) + Number(iso.slice(14, 16)) / 60; }

function svgNode(tag, attributes) {
  const node = document.createElementNS("http://www.w3.org/2000/svg", tag);
  for (const [name, value] of Object.entries(attributes)) node.setAttribute(name, value);
  return node;
}

function chartPoint(hour, free, capacity) {
  const x = CHART.left + (hour / 24) * (CHART.width - CHART.left - 4);
  const y = CHART.top + (1 - free / capacity) * (CHART.height - CHART.top - CHART.bottom);
  return `${x.toFixed(1)},${y.toFixed(1)}`;
}

function chartSvg(forecast, history) {
  const capacity = forecast.capacity, today = forecast.made_at.slice(0, 10);
  const svg = svgNode("svg", { viewBox: `0 0 ${CHART.width} ${CHART.height}`, role: "img", class: "chart" });
  for (const hour of [0, 6, 12, 18, 24]) {
    const [x] = chartPoint(hour, 0, capacity).split(",");
    svg.append(svgNode("line", { x1: x, x2: x, y1: CHART.top, y2: CHART.height - CHART.bottom, class: "grid" }));
    const label = svgNode("text", { x, y: CHART.height - 3, class: "axis" });
    label.textContent = String(hour);
    svg.append(label);
  }
  const usual = forecast.usual_today.map((free, hour) => (free === null ? null : chartPoint(hour + 0.5, free, capacity)));
  svg.append(svgNode("polyline", { points: usual.filter(Boolean).join(" "), class: "usual" }));
  const points = forecast.points.filter((p) => p.free !== null);
  const band = points.map((p) => chartPoint(hourOf(p.time), p.free_high, capacity))
    .concat(points.slice().reverse().map((p) => chartPoint(hourOf(p.time), p.free_low, capacity)));
  if (points.length) svg.append(svgNode("polygon", { points: band.join(" "), class: "band" }));
  svg.append(svgNode("polyline", { points: points.map((p) => chartPoint(hourOf(p.time), p.free, capacity)).join(" "), class: "ahead" }));
  const so_far = history.points.filter((p) => p.mean !== null && p.time.slice(0, 10) === today)
    .map((p) => chartPoint(hourOf(p.time) + 0.5, capacity - p.mean, capacity));
  svg.append(svgNode("polyline", { points: so_far.join(" "), class: "today" }));
  const title = svgNode("title", {});
  title.textContent = `${t("chart_today")}, ${t("chart_usual", { kind: t("kind_" + forecast.today) })}, ${t("chart_forecast")}`;
  svg.prepend(title);
  return svg;
}

async function loadChart(id) {
  const now = Date.now(), iso = (ms) => new Date(ms).toISOString().slice(0, 19) + "Z";
  try {
    const [forecast, history] = await Promise.all([
      fetch(`/v1/lots/${encodeURIComponent(id)}/forecast?to=${iso(now + 3 * 3600000)}&step=5m`).then((r) => r.json()),
      fetch(`/v1/lots/${encodeURIComponent(id)}/history?from=${iso(now - 24 * 3600000)}&to=${iso(now)}&step=1h`).then((r) => r.json()),
    ]);
    if (state.selected !== id) return;
    state.chart = { id, forecast, history };
    drawChart();
  } catch (error) { $("chart-area").hidden = true; }
}

// Drawn again in the other language without asking the daemon again.
function drawChart() {
  if (!state.chart) return;
  const { id, forecast, history } = state.chart;
  const lot = state.lots.find((item) => item.id === id);
  $("chart-title").textContent = t("chart_title", { name: lot ? lotName(lot) : id });
  const enough = forecast.basis === "calendar";
  $("chart").replaceChildren(...(enough ? [chartSvg(forecast, history)] : []));
  $("chart-note").textContent = enough
    ? `— ${t("chart_today")}  ┄ ${t("chart_usual", { kind: t("kind_" + forecast.today) })}  ▒ ${t("chart_forecast")}`
    : t("chart_insufficient");
  $("chart-area").hidden = false;
}

// For tests and for the curious: how the page words a time, in the daemon's timezone.
window.parkshare = { when, dateIn, state };
applyLanguageEarly();
start();

function applyLanguageEarly() {
  document.documentElement.lang = state.language === "en" ? "en" : "zh-CN";
  for (const node of document.querySelectorAll("[data-text]")) node.textContent = t(node.dataset.text);
  $("language").textContent = t("switch_to");
}
