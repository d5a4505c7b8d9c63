// The step view's front end (exportkit.ui.step_view.StepView): it draws the kernel's HTML, turns
// clicks into traits (a timeline cell or a story row sets `step`, a person's name `profile`), keeps
// the address bar on the kernel's `address` (when `sync_address`) and copies the link.
//
// The view draws in a shadow root of its own: the page's thousands of JupyterLab style rules never
// match its elements, so drawing a step restyles a few hundred elements against the view's own
// sheet only (the frame carries it), and neither sheet leaks into the other. The "Copy link" bar
// sits above it in the page (step_view.css).

// Step n is the current one: marked on the timeline (one cell per destination, and its number).
function mark(body, n) {
  body.querySelectorAll(".ek-timeline .ek-current").forEach((c) => c.classList.remove("ek-current"));
  body.querySelectorAll(`.ek-timeline [data-step="${n}"]`).forEach((c) => c.classList.add("ek-current"));
  const num = body.querySelectorAll(".ek-timeline .ek-num")[n];
  if (num) num.classList.add("ek-current");
}

// What a click in the view asks for: {step: n} for a timeline cell or a story row, {profile: id}
// for a person's name outside the timeline, else null (the step's own box is not a link).
function clicked(body, target) {
  const who = target.closest("[data-profile]");
  if (who && !target.closest(".ek-timeline")) return { profile: who.dataset.profile };
  const step = target.closest("[data-step]");
  if (step && step !== body.firstElementChild && !step.classList.contains("ek-step")) {
    return { step: Number(step.dataset.step) };
  }
  return null;
}

// Copy `text` to the clipboard (or, where the page may not, through a selected text area) and
// say so in `done`.
async function copy(text, done) {
  try {
    await navigator.clipboard.writeText(text);
  } catch (err) {
    const area = document.createElement("textarea");
    area.value = text;
    document.body.appendChild(area);
    area.select();
    document.execCommand("copy");
    area.remove();
  }
  done.textContent = " copied: " + text;
}

function render({ model, el }) {
  el.innerHTML =
    '<div class="ek-linkbar"><button class="ek-copy-link" type="button" ' +
    'title="Copy a link that opens exactly this view">Copy link</button>' +
    '<span class="ek-copied"></span></div><div class="ek-host"></div>';
  const bar = el.querySelector(".ek-linkbar");
  const done = el.querySelector(".ek-copied");
  const root = el.querySelector(".ek-host").attachShadow({ mode: "open" });
  root.innerHTML = '<div class="ek-view"></div>';
  const body = root.querySelector(".ek-view");

  const link = () => {
    const query = model.get("address");
    return location.origin + location.pathname + (query ? "?" + query : "");
  };
  // What the page holds now: a change event draws only what differs from it (a new frame and a
  // new step can arrive in one message; each is written once).
  let frame = null;
  let content = null;
  let slot = null;
  const fill = () => {
    if (slot && content !== model.get("content")) {
      content = model.get("content");
      slot.innerHTML = content;
    }
  };
  const draw = () => {
    if (frame !== model.get("frame")) {
      frame = model.get("frame");
      body.innerHTML = frame;
      slot = body.querySelector(".ek-slot");
      content = null;
      mark(body, model.get("step"));
    }
    fill();
  };
  const follow = () => {
    const on = model.get("sync_address");
    bar.style.display = on ? "" : "none";
    if (on) history.replaceState(null, "", link());
  };
  el.querySelector(".ek-copy-link").addEventListener("click", () => {
    const text = link();
    el.dataset.copied = text;
    copy(text, done);
  });
  body.addEventListener("click", (event) => {
    const asked = clicked(body, event.target);
    if (!asked) return;
    event.preventDefault();
    if ("profile" in asked) {
      model.set("profile", asked.profile);
    } else {
      model.set("step", asked.step);
    }
    model.save_changes();
  });
  model.on("change:frame", draw);
  model.on("change:content", fill);
  model.on("change:step", () => mark(body, model.get("step")));
  model.on("change:address", follow);
  model.on("change:sync_address", follow);
  draw();
  follow();
}

export default { render };
