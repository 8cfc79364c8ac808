// commsim: the charts widget. Four panels on one canvas: members and active, posts per day,
// sentiment, members by level (stacked). Earlier runs are drawn faded underneath. Axes grow in
// "nice" steps so they rarely move; a button downloads the canvas as a PNG.

const LEVELS = ["newcomer", "lurker", "contributor", "core"];
const LEVEL_COLOURS = ["#E69F00", "#56B4E9", "#009E73", "#D55E00"];
const DASHES = [[], [7, 4], [2, 3]];
const THEMES = {
  light: { bg: "#ffffff", fg: "#111111", grid: "rgba(0,0,0,0.12)", axis: "#444444",
    active: "#0072B2", posts: "#111111", sentiment: "#CC79A7" },
  dark: { bg: "#1b1b1b", fg: "#f2f2f2", grid: "rgba(255,255,255,0.14)", axis: "#bbbbbb",
    active: "#6CB8F0", posts: "#f2f2f2", sentiment: "#E7A3CB" },
};
const CSS = `
.commsim-charts { position: relative; width: 100%; border-radius: 4px; }
.commsim-charts canvas { display: block; }
.commsim-charts .commsim-probe { position: absolute; visibility: hidden; width: 1px; top: 0;
  height: var(--commsim-charts-max-height, calc(100vh - 190px)); }
.commsim-charts .commsim-png { position: absolute; right: 4px; bottom: 3px; font-size: 14px;
  padding: 2px 10px; border: 1px solid #888; border-radius: 4px; background: #f4f4f4;
  color: #111; cursor: pointer; }
.commsim-charts.commsim-dark .commsim-png { background: #333; color: #f2f2f2; }
`;
const FONT = 14, TITLE = 15, LEGEND_H = 26;

function niceStep(span, count) {
  const raw = span / Math.max(1, count), p = Math.pow(10, Math.floor(Math.log10(raw)));
  for (const m of [1, 2, 2.5, 5, 10]) if (m * p >= raw) return m * p;
  return 10 * p;
}
function niceX(day, days) {
  const want = Math.max(30, 1.15 * day);
  const step = want <= 100 ? 10 : want <= 200 ? 20 : 50;
  return Math.min(days, Math.ceil(want / step) * step);
}
function fmt(v) {
  const a = Math.abs(v);
  if (a >= 10000) return (v / 1000).toFixed(a >= 100000 ? 0 : 1).replace(/\.0$/, "") + "k";
  if (a >= 100 || Number.isInteger(v)) return String(Math.round(v));
  return v.toFixed(a >= 1 ? 1 : 2).replace(/0$/, "");
}

function render({ model, el }) {
  if (!document.getElementById("commsim-charts-style")) {
    const st = document.createElement("style");
    st.id = "commsim-charts-style"; st.textContent = CSS; document.head.appendChild(st);
  }
  const root = document.createElement("div");
  root.className = "commsim-charts";
  const probe = document.createElement("div"); probe.className = "commsim-probe";
  const canvas = document.createElement("canvas");
  const button = document.createElement("button"); button.className = "commsim-png";
  root.append(probe, canvas, button);
  el.appendChild(root);
  const ctx = canvas.getContext("2d", { alpha: false });
  const s = { w: 0, h: 0, dpr: 1, pending: false, font: "sans-serif" };

  function data() {
    const dv = model.get("table"), cols = model.get("columns") || [];
    const tab = dv && dv.byteLength ? new Float32Array(dv.buffer, dv.byteOffset, dv.byteLength / 4)
      : new Float32Array(0);
    const nc = Math.max(1, cols.length), rows = Math.floor(tab.length / nc);
    const col = (name) => cols.indexOf(name);
    return { tab, nc, rows, col };
  }

  function frame(x, y, w, h, xmax, ymin, ymax, t, yticks) {
    // axes, grid and tick labels of one panel; returns the data -> pixel mapping
    ctx.font = FONT + "px " + s.font;
    ctx.fillStyle = t.axis; ctx.strokeStyle = t.grid; ctx.lineWidth = 1;
    ctx.textAlign = "right"; ctx.textBaseline = "middle";
    const sy = (v) => y + h - ((v - ymin) / (ymax - ymin || 1)) * h;
    const sx = (d) => x + (d / (xmax || 1)) * w;
    ctx.beginPath();
    for (const v of yticks) {
      const py = Math.round(sy(v)) + 0.5;
      ctx.moveTo(x, py); ctx.lineTo(x + w, py);
      ctx.fillText(fmt(v), x - 5, Math.min(py, y + h - FONT / 2));
    }
    ctx.stroke();
    ctx.textAlign = "center"; ctx.textBaseline = "top";
    const xs = niceStep(xmax, w < 220 ? 3 : 4);
    for (let d = 0; d <= xmax + 1e-9; d += xs) ctx.fillText(fmt(d), sx(d), y + h + 3);
    ctx.strokeStyle = t.axis; ctx.beginPath();
    ctx.moveTo(x + 0.5, y); ctx.lineTo(x + 0.5, y + h + 0.5); ctx.lineTo(x + w, y + h + 0.5);
    ctx.stroke();
    ctx.textAlign = "right";
    ctx.fillText((model.get("labels") || {}).day || "day", x - 9, y + h + 3);
    return { sx, sy };
  }

  function line(m, xs, ys, n, colour, width) {
    ctx.beginPath();
    for (let i = 0; i < n; i++) {
      const px = m.sx(xs(i)), py = m.sy(ys(i));
      if (i) ctx.lineTo(px, py); else ctx.moveTo(px, py);
    }
    ctx.strokeStyle = colour; ctx.lineWidth = width; ctx.stroke();
  }

  function drawPrevious(m, key, colour, xmax) {
    const prev = model.get("previous") || [];
    ctx.globalAlpha = 0.35;
    prev.slice(-3).forEach((run, k) => {
      const d = run.day || [], v = run[key] || [];
      let n = Math.min(d.length, v.length);
      while (n > 0 && d[n - 1] > xmax) n--;
      ctx.setLineDash(DASHES[k % 3]);
      line(m, (i) => d[i], (i) => v[i], n, colour, 1.4);
    });
    ctx.setLineDash([]); ctx.globalAlpha = 1;
  }

  function maxOf(D, keys, xmax) {
    let top = 0;
    for (const key of keys) {
      const c = D.col(key);
      if (c >= 0) for (let r = 0; r < D.rows; r++) top = Math.max(top, D.tab[r * D.nc + c]);
      for (const run of model.get("previous") || []) {
        const d = run.day || [], v = run[key] || [];
        for (let i = 0; i < v.length && (d[i] ?? 0) <= xmax; i++) top = Math.max(top, v[i]);
      }
    }
    return top;
  }

  function ticks(top, count) {
    top = Math.max(top, 4); // an empty chart still has whole-number ticks
    const step = niceStep(top, count), out = [];
    const max = Math.max(step, Math.ceil(top / step) * step);
    for (let v = 0; v <= max + 1e-9; v += step) out.push(v);
    return out;
  }

  function title(x, y, parts) {
    ctx.font = "600 " + TITLE + "px " + s.font; ctx.textAlign = "left"; ctx.textBaseline = "top";
    for (const [text, colour] of parts) {
      ctx.fillStyle = colour; ctx.fillText(text, x, y); x += ctx.measureText(text).width;
    }
  }

  function panel(D, box, xmax, spec, t) {
    const [bx, by, bw, bh] = box;
    title(bx + 6, by + 4, spec.title);
    const h = bh - TITLE - 12 - FONT - 10;
    const yt = spec.ticks(h < 130 ? 2 : 4); // fewer ticks on a short panel: readable labels
    ctx.font = FONT + "px " + s.font;
    const left = 14 + Math.max(...yt.map((v) => ctx.measureText(fmt(v)).width),
      ctx.measureText((model.get("labels") || {}).day || "day").width);
    const x = bx + left, y = by + TITLE + 12, w = bw - left - 18;
    if (w < 20 || h < 20) return;
    const m = frame(x, y, w, h, xmax, yt[0], yt[yt.length - 1], t, yt);
    ctx.save(); ctx.beginPath(); ctx.rect(x, y - 2, w + 2, h + 4); ctx.clip();
    spec.draw(m, D);
    ctx.restore();
  }

  function series(D, key) {
    const c = D.col(key), d = D.col("day");
    return [(i) => D.tab[i * D.nc + d], (i) => D.tab[i * D.nc + c], c >= 0 && d >= 0];
  }

  function drawLine(D, m, key, colour, xmax) {
    drawPrevious(m, key, colour, xmax);
    const [xs, ys, ok] = series(D, key);
    if (ok) line(m, xs, ys, D.rows, colour, 2.5);
  }

  function drawLevels(D, m) {
    const d = D.col("day"), cs = LEVELS.map((k) => D.col(k));
    if (d < 0 || cs.some((c) => c < 0) || !D.rows) return;
    const cum = (i, k) => { let v = 0; for (let j = 0; j <= k; j++) v += D.tab[i * D.nc + cs[j]]; return v; };
    for (let k = 0; k < 4; k++) {
      ctx.beginPath();
      for (let i = 0; i < D.rows; i++) ctx.lineTo(m.sx(D.tab[i * D.nc + d]), m.sy(cum(i, k)));
      for (let i = D.rows - 1; i >= 0; i--) {
        ctx.lineTo(m.sx(D.tab[i * D.nc + d]), m.sy(k ? cum(i, k - 1) : 0));
      }
      ctx.closePath(); ctx.fillStyle = LEVEL_COLOURS[k]; ctx.fill();
    }
  }

  function legendItems(t) {
    // [width, paint(x, y)] of each legend entry: the levels, then the earlier runs
    const L = model.get("labels") || {}, items = [];
    ctx.font = FONT + "px " + s.font;
    LEVELS.forEach((k, i) => {
      const text = L[k] || k;
      items.push([16 + ctx.measureText(text).width, (x, y) => {
        ctx.fillStyle = LEVEL_COLOURS[i]; ctx.fillRect(x, y - 6, 12, 12);
        ctx.fillStyle = t.fg; ctx.fillText(text, x + 16, y);
      }]);
    });
    (model.get("previous") || []).slice(-3).forEach((run, k) => {
      const text = (L.previous || "previous: {label}").replace("{label}", run.label ?? "");
      items.push([28 + ctx.measureText(text).width, (x, y) => {
        ctx.globalAlpha = 0.5; ctx.setLineDash(DASHES[k % 3]); ctx.strokeStyle = t.fg;
        ctx.lineWidth = 2; ctx.beginPath(); ctx.moveTo(x, y); ctx.lineTo(x + 22, y); ctx.stroke();
        ctx.setLineDash([]); ctx.globalAlpha = 1;
        ctx.fillStyle = t.fg; ctx.fillText(text, x + 28, y);
      }]);
    });
    return items;
  }

  function legendLines(items) {
    // the entries wrapped into lines; the last line leaves room for the PNG button
    const lines = [[]], limit = s.w - button.offsetWidth - 16;
    let x = 8;
    for (const item of items) {
      if (x + item[0] > s.w - 8 && lines[lines.length - 1].length) { lines.push([]); x = 8; }
      lines[lines.length - 1].push(item); x += item[0] + 12;
    }
    const last = lines[lines.length - 1];
    if (last.reduce((a, it) => a + it[0] + 12, 8) > limit) lines.push([]);
    return lines;
  }

  function legend(lines, top) {
    ctx.font = FONT + "px " + s.font; ctx.textAlign = "left"; ctx.textBaseline = "middle";
    lines.forEach((line, k) => {
      let x = 8;
      const y = top + LEGEND_H * k + LEGEND_H / 2;
      for (const [w, paint] of line) { paint(x, y); x += w + 12; }
    });
  }

  function draw() {
    s.pending = false;
    if (!s.w) return;
    const t = model.get("dark") ? THEMES.dark : THEMES.light;
    const L = model.get("labels") || {};
    root.classList.toggle("commsim-dark", !!model.get("dark"));
    button.textContent = L.png || "PNG";
    ctx.setTransform(s.dpr, 0, 0, s.dpr, 0, 0);
    ctx.fillStyle = t.bg; ctx.fillRect(0, 0, s.w, s.h);
    const D = data(), dc = D.col("day");
    const cur = D.rows && dc >= 0 ? D.tab[(D.rows - 1) * D.nc + dc] : 0;
    const xmax = niceX(cur, Math.max(1, model.get("days") || 365));
    const lines = legendLines(legendItems(t)), lh = LEGEND_H * lines.length;
    const pw = s.w / 2, ph = (s.h - lh) / 2;
    const specs = [
      { title: [[L.members || "members", t.fg], ["  ·  ", t.axis], [L.active || "active", t.active]],
        ticks: (c) => ticks(maxOf(D, ["members", "active"], xmax), c),
        draw: (m) => { drawLine(D, m, "active", t.active, xmax); drawLine(D, m, "members", t.fg, xmax); } },
      { title: [[L.posts || "posts", t.fg]], ticks: (c) => ticks(maxOf(D, ["posts"], xmax), c),
        draw: (m) => drawLine(D, m, "posts", t.posts, xmax) },
      { title: [[L.sentiment || "sentiment", t.fg]], ticks: (c) => (c < 4 ? [-1, 0, 1] : [-1, -0.5, 0, 0.5, 1]),
        draw: (m) => {
          ctx.setLineDash([5, 4]); ctx.strokeStyle = t.axis; ctx.lineWidth = 1.2; ctx.beginPath();
          ctx.moveTo(m.sx(0), m.sy(0)); ctx.lineTo(m.sx(xmax), m.sy(0)); ctx.stroke();
          ctx.setLineDash([]); drawLine(D, m, "sentiment", t.sentiment, xmax);
        } },
      { title: [[L.levels || "members by level", t.fg]], ticks: (c) => ticks(maxOf(D, ["members"], xmax), c),
        draw: (m) => drawLevels(D, m) },
    ];
    specs.forEach((spec, k) => panel(D, [(k % 2) * pw, Math.floor(k / 2) * ph, pw, ph], xmax, spec, t));
    legend(lines, s.h - lh);
  }

  function schedule() {
    if (s.pending) return;
    s.pending = true;
    if (document.hidden) queueMicrotask(draw); else requestAnimationFrame(draw);
  }

  function resize() {
    const w = Math.floor(root.clientWidth);
    if (!w) return;
    const h = Math.floor(Math.max(260, Math.min(w * 0.72, probe.offsetHeight)));
    const dpr = window.devicePixelRatio || 1;
    if (w === s.w && h === s.h && dpr === s.dpr) return;
    s.w = w; s.h = h; s.dpr = dpr;
    s.font = getComputedStyle(root).fontFamily || "sans-serif";
    canvas.style.width = w + "px"; canvas.style.height = h + "px";
    canvas.width = Math.round(w * dpr); canvas.height = Math.round(h * dpr);
    draw();
  }
  const ro = new ResizeObserver(resize);
  ro.observe(root); ro.observe(probe);

  button.addEventListener("click", () => {
    canvas.toBlob((blob) => {
      if (!blob) return;
      const a = document.createElement("a");
      a.href = URL.createObjectURL(blob);
      a.download = model.get("png_name") || "commsim-charts.png";
      document.body.appendChild(a); a.click(); a.remove();
      setTimeout(() => URL.revokeObjectURL(a.href), 1000);
    }, "image/png");
  });
  for (const name of ["table", "columns", "previous", "days", "labels", "dark"]) {
    model.on("change:" + name, schedule);
  }
  button.textContent = (model.get("labels") || {}).png || "PNG";
  resize();
  return () => ro.disconnect();
}

export default { render };
