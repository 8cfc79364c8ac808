// commsim: the status line. The day and the day's numbers in large type; a note when the
// run has finished. Texts come from the labels trait ({name} placeholders filled in here).

const CSS = `
.commsim-status { font-size: 1.6rem; line-height: 1.35; color: #111; padding: 2px 4px;
  font-variant-numeric: tabular-nums; }
.commsim-status.commsim-dark { color: #f2f2f2; background: #1b1b1b; border-radius: 4px; }
.commsim-status .commsim-day { font-weight: 700; }
.commsim-status .commsim-of { opacity: 0.75; }
.commsim-status .commsim-sep { opacity: 0.5; margin: 0 0.35em; }
.commsim-status .commsim-finished { font-size: 1.2rem; font-weight: 600; margin-top: 4px;
  padding: 4px 8px; border-left: 5px solid #009E73; background: rgba(0,158,115,0.12); }
`;

function fill(text, values) {
  return String(text).replace(/\{(\w+)\}/g, (m, k) => (k in values ? String(values[k]) : m));
}

function render({ model, el }) {
  if (!document.getElementById("commsim-status-style")) {
    const s = document.createElement("style");
    s.id = "commsim-status-style";
    s.textContent = CSS;
    document.head.appendChild(s);
  }
  const root = document.createElement("div");
  root.className = "commsim-status";
  el.appendChild(root);
  let pending = false;

  function span(cls, text) {
    const e = document.createElement("span");
    if (cls) e.className = cls;
    e.textContent = text;
    root.appendChild(e);
  }

  function draw() {
    pending = false;
    const L = model.get("labels") || {};
    const v = {
      day: model.get("day"), days: model.get("days"),
      s: Number(model.get("sentiment")).toFixed(2),
    };
    root.classList.toggle("commsim-dark", !!model.get("dark"));
    root.textContent = "";
    span("commsim-day", fill(L.day || "Day {day}", v));
    span("commsim-of", " " + fill(L.of || "of {days}", v));
    for (const key of ["members", "active", "posts"]) {
      span("commsim-sep", "·");
      span("commsim-" + key, fill(L[key] || "{n} " + key, { n: model.get(key) }));
    }
    span("commsim-sep", "·");
    span("commsim-sentiment", fill(L.sentiment || "sentiment {s}", v));
    if (model.get("finished")) {
      const div = document.createElement("div");
      div.className = "commsim-finished";
      div.textContent = fill(L.finished || "Finished.", v);
      root.appendChild(div);
    }
  }

  function schedule() {
    if (pending) return;
    pending = true;
    if (document.hidden) queueMicrotask(draw); else requestAnimationFrame(draw);
  }
  for (const name of ["day", "days", "members", "active", "posts", "sentiment", "finished",
    "labels", "dark"]) {
    model.on("change:" + name, schedule);
  }
  draw();
}

export default { render };
