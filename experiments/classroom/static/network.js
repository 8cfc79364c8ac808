// commsim: the network widget. The ties are drawn once onto an offscreen canvas; each day
// we blit it, then draw who brought whom and the people, batched: one path per colour.
// After drawing day d we answer model.send({drawn: d}) and log it in window.commsimFrames.

const ORDER = [0, 5, 2, 1, 3, 4]; // drawing order: prospects under, core on top
const NAMES = ["prospect", "newcomer", "lurker", "contributor", "core", "churned"];
const SIZE = [0.7, 1.0, 1.0, 1.25, 1.6, 0.85]; // radius factor per state
const THEMES = {
  light: {
    bg: "#ffffff", fg: "#111111", tie: "0,0,0", brought: "40,40,40",
    recent: "#CC79A7", ring: "#000000",
    node: ["#D9D9D9", "#E69F00", "#56B4E9", "#009E73", "#D55E00", "#6B6B6B"],
  },
  dark: {
    bg: "#1b1b1b", fg: "#f2f2f2", tie: "255,255,255",
    brought: "230,230,230", recent: "#F0E442", ring: "#ffffff",
    node: ["#4A4A4A", "#E69F00", "#56B4E9", "#009E73", "#D55E00", "#9A9A9A"],
  },
};
const CSS = `
.commsim-network { position: relative; width: 100%; color: #111; background: #fff;
  font-size: 15px; line-height: 1.3; border-radius: 4px; }
.commsim-network.commsim-dark { color: #f2f2f2; background: #1b1b1b; }
.commsim-network .commsim-legend { display: flex; flex-wrap: wrap; gap: 2px 14px;
  padding: 4px 6px; font-size: 15px; }
.commsim-network .commsim-legend span.sw { display: inline-block; width: 12px; height: 12px;
  border-radius: 50%; margin-right: 5px; vertical-align: -1px; }
.commsim-network .commsim-legend span.ln { display: inline-block; width: 18px; height: 3px;
  margin-right: 5px; vertical-align: 4px; }
.commsim-network .commsim-legend b { font-variant-numeric: tabular-nums; font-weight: 600; }
.commsim-network .commsim-probe { position: absolute; visibility: hidden; width: 1px;
  height: var(--commsim-network-max-height, calc(100vh - 190px)); top: 0; left: 0; }
.commsim-network .commsim-box { position: relative; width: 100%; }
.commsim-network canvas { display: block; cursor: crosshair; }
.commsim-network .commsim-person { position: absolute; top: 6px; right: 6px; max-width: 60%;
  padding: 6px 10px; font-size: 15px; background: rgba(255,255,255,0.93);
  border: 1px solid #888; border-radius: 4px; pointer-events: none; }
.commsim-network.commsim-dark .commsim-person { background: rgba(30,30,30,0.93); }
.commsim-network .commsim-person[hidden] { display: none; }
.commsim-network .commsim-person table { border-collapse: collapse; }
.commsim-network .commsim-person td { padding: 0 8px 0 0; white-space: nowrap; }
`;

function addStyle(id, css) {
  if (document.getElementById(id)) return;
  const s = document.createElement("style");
  s.id = id;
  s.textContent = css;
  document.head.appendChild(s);
}

function view(dv, Type) {
  if (!dv || !dv.byteLength) return new Type(0);
  return new Type(dv.buffer, dv.byteOffset, dv.byteLength / Type.BYTES_PER_ELEMENT);
}

function el(tag, cls, parent) {
  const e = document.createElement(tag);
  if (cls) e.className = cls;
  if (parent) parent.appendChild(e);
  return e;
}

function render({ model, el: root }) {
  addStyle("commsim-network-style", CSS);
  const box0 = el("div", "commsim-network", root);
  const legend = el("div", "commsim-legend", box0);
  const probe = el("div", "commsim-probe", box0);
  const box = el("div", "commsim-box", box0);
  const canvas = el("canvas", "", box);
  const panel = el("div", "commsim-person", box);
  panel.hidden = true;
  const ctx = canvas.getContext("2d", { alpha: false });
  const bg = document.createElement("canvas");
  const s = {
    w: 0, h: 0, dpr: 1, n: 0, px: new Float32Array(0), py: new Float32Array(0),
    ties: new Int32Array(0), r: 2, bgDirty: true, pending: false, dataDirty: false,
    friends: null, counts: new Int32Array(6), legendCells: [],
  };

  function theme() { return model.get("dark") ? THEMES.dark : THEMES.light; }

  function buildLegend() {
    const labels = model.get("labels") || {};
    const t = theme();
    legend.textContent = "";
    s.legendCells = [];
    for (const k of [1, 2, 3, 4, 5, 0]) {
      const item = el("span", "", legend);
      el("span", "sw", item).style.background = t.node[k];
      item.appendChild(document.createTextNode((labels[NAMES[k]] || NAMES[k]) + " "));
      s.legendCells[k] = el("b", "", item);
    }
    const item = el("span", "", legend);
    el("span", "ln", item).style.background = t.recent;
    item.appendChild(document.createTextNode(labels.brought || "who brought whom"));
  }

  function layout() {
    const pos = view(model.get("positions"), Float32Array);
    s.n = pos.length >> 1;
    s.ties = view(model.get("ties"), Int32Array);
    const pad = 10, side = Math.max(1, Math.min(s.w, s.h) - 2 * pad);
    const ox = (s.w - side) / 2, oy = (s.h - side) / 2;
    if (s.px.length !== s.n) { s.px = new Float32Array(s.n); s.py = new Float32Array(s.n); }
    for (let i = 0; i < s.n; i++) {
      s.px[i] = ox + pos[2 * i] * side;
      s.py[i] = oy + (1 - pos[2 * i + 1]) * side;
    }
    s.r = Math.min(6, Math.max(1.1, 0.2 * Math.sqrt((side * side) / Math.max(1, s.n))));
    s.bgDirty = true;
  }

  function drawBackground() {
    const t = theme();
    bg.width = canvas.width; bg.height = canvas.height;
    const b = bg.getContext("2d", { alpha: false });
    b.setTransform(s.dpr, 0, 0, s.dpr, 0, 0);
    b.fillStyle = t.bg; b.fillRect(0, 0, s.w, s.h);
    // fainter when there are many ties, so the people stay readable
    const alpha = 0.08 * Math.sqrt(Math.min(1, 2000 / Math.max(1, s.ties.length / 2)));
    b.strokeStyle = "rgba(" + t.tie + "," + alpha.toFixed(3) + ")"; b.lineWidth = 0.7;
    b.beginPath();
    const T = s.ties, px = s.px, py = s.py, n = s.n;
    for (let k = 0; k + 1 < T.length; k += 2) {
      const i = T[k], j = T[k + 1];
      if (i < 0 || j < 0 || i >= n || j >= n) continue;
      b.moveTo(px[i], py[i]); b.lineTo(px[j], py[j]);
    }
    b.stroke();
    s.bgDirty = false;
  }

  function drawBrought(st, ref, jd, day, t) {
    const px = s.px, py = s.py, n = Math.min(s.n, st.length, ref.length);
    const hasJoin = jd.length >= n;
    for (const recent of [false, true]) {
      let count = 0;
      ctx.beginPath();
      for (let i = 0; i < n; i++) {
        const r = ref[i];
        if (r < 0 || r >= s.n || st[i] === 0) continue;
        const isRecent = hasJoin && jd[i] >= 0 && day - jd[i] < 7;
        if (isRecent !== recent) continue;
        ctx.moveTo(px[r], py[r]); ctx.lineTo(px[i], py[i]);
        count++;
      }
      const alpha = 0.45 * Math.sqrt(Math.min(1, 600 / Math.max(1, count)));
      ctx.strokeStyle = recent ? t.recent : "rgba(" + t.brought + "," + alpha.toFixed(3) + ")";
      ctx.lineWidth = recent ? Math.max(1.2, 2.5 * Math.sqrt(Math.min(1, 150 / Math.max(1, count)))) : 1;
      ctx.stroke();
    }
  }

  function drawNodes(st, t) {
    const px = s.px, py = s.py, n = Math.min(s.n, st.length);
    const counts = s.counts;
    counts.fill(0);
    for (let i = 0; i < n; i++) counts[st[i]]++;
    for (const code of ORDER) {
      if (!counts[code]) continue;
      const r = s.r * SIZE[code], d = 2 * r;
      ctx.beginPath();
      for (let i = 0; i < n; i++) if (st[i] === code) ctx.rect(px[i] - r, py[i] - r, d, d);
      ctx.fillStyle = t.node[code];
      ctx.fill();
    }
  }

  function drawSelected(t) {
    const sel = model.get("selected");
    if (sel < 0 || sel >= s.n) return;
    if (!s.friends || s.friends.sel !== sel || s.friends.ties !== s.ties) {
      const list = [];
      const T = s.ties;
      for (let k = 0; k + 1 < T.length; k += 2) {
        if (T[k] === sel) list.push(T[k + 1]); else if (T[k + 1] === sel) list.push(T[k]);
      }
      s.friends = { sel, ties: s.ties, list };
    }
    ctx.beginPath();
    for (const j of s.friends.list) { ctx.moveTo(s.px[sel], s.py[sel]); ctx.lineTo(s.px[j], s.py[j]); }
    ctx.strokeStyle = t.ring; ctx.lineWidth = 2; ctx.stroke();
    ctx.beginPath();
    ctx.arc(s.px[sel], s.py[sel], s.r * 1.6 + 5, 0, 2 * Math.PI);
    ctx.lineWidth = 3; ctx.stroke();
  }

  function updateLegend() {
    for (let k = 0; k < 6; k++) {
      const cell = s.legendCells[k];
      if (cell) cell.textContent = String(s.counts[k]);
    }
  }

  function draw() {
    s.pending = false;
    if (!s.w || !s.h) return;
    const t = theme();
    if (s.bgDirty) drawBackground();
    ctx.setTransform(1, 0, 0, 1, 0, 0);
    ctx.drawImage(bg, 0, 0);
    ctx.setTransform(s.dpr, 0, 0, s.dpr, 0, 0);
    const st = view(model.get("state"), Uint8Array);
    const day = model.get("day");
    drawBrought(st, view(model.get("referrer"), Int32Array), view(model.get("join_day"), Int16Array), day, t);
    drawNodes(st, t);
    drawSelected(t);
    updateLegend();
    if (s.dataDirty) {
      s.dataDirty = false;
      model.send({ drawn: day });
      (window.commsimFrames = window.commsimFrames || []).push({ day, t: performance.now() });
    }
  }

  function schedule() {
    if (s.pending) return;
    s.pending = true;
    if (document.hidden) queueMicrotask(draw); else requestAnimationFrame(draw);
  }
  function onVisible() { if (document.hidden && s.pending) draw(); }
  document.addEventListener("visibilitychange", onVisible);

  function resize() {
    const w = Math.floor(box0.clientWidth);
    if (!w) return;
    const cap = Math.max(200, probe.offsetHeight - legend.offsetHeight);
    const h = Math.floor(Math.min(w, cap));
    const dpr = window.devicePixelRatio || 1;
    if (w === s.w && h === s.h && dpr === s.dpr) return;
    s.w = w; s.h = h; s.dpr = dpr;
    canvas.style.width = w + "px"; canvas.style.height = h + "px";
    canvas.width = Math.round(w * dpr); canvas.height = Math.round(h * dpr);
    layout();
    schedule();
  }
  const ro = new ResizeObserver(resize);
  ro.observe(box0); ro.observe(probe); ro.observe(legend);

  function showInfo() {
    const info = model.get("info") || {};
    const rows = info.rows || [];
    panel.textContent = "";
    panel.hidden = !info.title && !rows.length;
    if (panel.hidden) return;
    const title = el("div", "", panel);
    title.textContent = info.title || "";
    title.style.fontWeight = "600";
    const table = el("table", "", panel);
    for (const [label, value] of rows) {
      const tr = el("tr", "", table);
      el("td", "", tr).textContent = String(label);
      el("td", "", tr).textContent = String(value);
    }
  }

  canvas.addEventListener("click", (ev) => {
    const rect = canvas.getBoundingClientRect();
    const x = ev.clientX - rect.left, y = ev.clientY - rect.top;
    let best = -1, bestD = 8 * 8 + s.r * s.r;
    for (let i = 0; i < s.n; i++) {
      const dx = s.px[i] - x, dy = s.py[i] - y, d = dx * dx + dy * dy;
      if (d < bestD) { bestD = d; best = i; }
    }
    model.set("selected", best);
    model.save_changes();
    schedule();
  });

  // where person i is drawn, in CSS pixels from the canvas's top left (a hook for tests)
  canvas.commsimPersonAt = (i) => (i >= 0 && i < s.n ? [s.px[i], s.py[i]] : null);

  const onData = () => { s.dataDirty = true; schedule(); };
  const onGraph = () => { s.friends = null; layout(); onData(); };
  const onTheme = () => {
    box0.classList.toggle("commsim-dark", !!model.get("dark"));
    buildLegend(); updateLegend(); s.bgDirty = true; schedule();
  };
  model.on("change:state", onData);
  model.on("change:referrer", onData);
  model.on("change:join_day", onData);
  model.on("change:day", onData);
  model.on("change:positions", onGraph);
  model.on("change:ties", onGraph);
  model.on("change:selected", schedule);
  model.on("change:info", showInfo);
  model.on("change:labels", onTheme);
  model.on("change:dark", onTheme);
  onTheme();
  showInfo();
  s.dataDirty = true;
  resize();
  return () => { ro.disconnect(); document.removeEventListener("visibilitychange", onVisible); };
}

export default { render };
